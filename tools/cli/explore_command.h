// `distsim explore`: random worlds over a seed range, shrunk reproducers for every failure.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace distsim::cli {

struct ExploreCommandOptions {
  uint64_t seed_count = 1000;
  uint64_t seed_start = 0;
  std::string shard = "0/1";  // "I/N"
  uint32_t jobs = 1;
  std::string out_dir = "explore-out";
  std::string budget = "3d";  // virtual time each world runs
};

// Returns 0 when no world failed, 1 when some did (reproducers written), 2 for bad flags or an
// output directory that cannot be written.
[[nodiscard]] int explore_command(const ExploreCommandOptions& options, std::ostream& out,
                                  std::ostream& err);

}  // namespace distsim::cli
