// `distsim compare SCENARIO.yaml --policy A.yaml --policy B.yaml [--seeds N]`: one scenario, the
// same seeds, several retry policies, one table.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace distsim::cli {

struct CompareCommandOptions {
  std::string scenario_path;
  std::vector<std::string> policy_paths;
  uint64_t seed_count = 10;
  std::optional<uint64_t> seed_start;
  std::string program = "distsim";  // how replay lines name the binary (main.cpp)
};

// Returns the exit status: 0; 1 when a run failed an expectation, broke an invariant, stopped
// before its horizon or outgrew its trace; 2 when an input cannot be used.
[[nodiscard]] int compare_command(const CompareCommandOptions& options, std::ostream& out,
                                  std::ostream& err);

}  // namespace distsim::cli
