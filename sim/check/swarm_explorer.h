// `distsim explore`: runs generated worlds (sim/world_generator.h) over a seed range, checks each
// with the invariant checkers plus the explorer's own oracles, shrinks every failing world to a
// smaller one that fails the same way, and turns it into a scenario file that `distsim run`
// replays. Seeds split across shards and threads; results are reported in seed order.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/check/world_generator.h"
#include "sim/scenario/scenario.h"

namespace distsim::sim {

inline constexpr uint64_t kExploreSeedsMax = 100'000'000;
inline constexpr uint32_t kExploreJobsMax = 256;
inline constexpr uint32_t kShrinkRunsMax = 500;  // worlds one shrink may run

// What went wrong in one world; `kind` is stable so that shrinking keeps "the same failure".
struct WorldFailure {
  std::string kind;    // "invariant:retry_bound", "liveness", "budget_exhausted", "internal_error"
  std::string detail;  // human text
};

// Runs one world and applies every check; nullopt when it passed.
[[nodiscard]] std::optional<WorldFailure> check_world(const Scenario& scenario,
                                                      bool must_install_all);

struct ShrinkResult {
  Scenario scenario;
  uint32_t runs = 0;  // worlds run while shrinking
};

// Greedy shrinking: removes holders, faults, package events, DPs and files one at a time, keeping
// a removal when the world still fails with the same kind. Requires `failure` from check_world.
[[nodiscard]] ShrinkResult shrink_world(const Scenario& scenario, bool must_install_all,
                                        const WorldFailure& failure);

struct ExploreOptions {
  uint64_t seed_count = 1000;
  uint64_t seed_start = 0;
  uint32_t shard_index = 0;  // this process explores seeds with (seed - start) % count == index
  uint32_t shard_count = 1;
  uint32_t jobs = 1;
  GeneratorOptions generator;
};

struct ExploreFinding {
  uint64_t seed = 0;
  WorldFailure failure;
  SwarmFeatures features;
  Scenario reproducer;  // shrunk, with expectations that fail the same way
  uint32_t shrink_runs = 0;
};

struct ExploreSummary {
  uint64_t worlds = 0;
  std::vector<ExploreFinding> findings;  // in seed order
};

// Explores the shard's seeds; `on_progress(done, total)` is called from the calling thread.
[[nodiscard]] ExploreSummary explore(const ExploreOptions& options,
                                     const std::function<void(uint64_t, uint64_t)>& on_progress);

// The reproducer file name for a finding: "explore-<seed>-<kind>.yaml".
[[nodiscard]] std::string reproducer_file_name(const ExploreFinding& finding);

}  // namespace distsim::sim
