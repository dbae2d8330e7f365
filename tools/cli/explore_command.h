// `distsim explore`: random worlds over a seed range, shrunk reproducers for every failure; shards
// from flags or a batch engine's environment, a wall-clock limit, a result file per shard, and
// `--merge` to combine the shards of a campaign.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace distsim::cli {

struct ExploreCommandOptions {
  std::string program = "distsim";  // how replay commands name the binary (main.cpp)
  uint64_t seed_count = 1000;
  uint64_t seed_start = 0;
  std::string shard = "0/1";            // "I/N" or "auto"
  std::optional<uint32_t> shard_count;  // with --shard auto: a Kubernetes Indexed Job's count
  uint32_t jobs = 1;
  std::string out_dir = "explore-out";
  std::string budget = "3d";             // virtual time each world runs
  std::string time_limit;                // wall clock, e.g. "10m"; empty: none
  std::string result_path;               // the campaign result JSON; empty: none
  std::string junit_path;                // JUnit XML; empty: none
  std::vector<std::string> merge_paths;  // --merge: result files to combine instead of exploring
};

// Explores, or merges when merge_paths is set. Returns 0 when every seed was explored and no world
// failed, 1 when a world failed or seeds were left unexplored (a gap), 2 for bad flags, result
// files that are not one complete campaign, or outputs that cannot be written.
[[nodiscard]] int explore_command(const ExploreCommandOptions& options, std::ostream& out,
                                  std::ostream& err);

}  // namespace distsim::cli
