// `distsim explore`: runs generated worlds (sim/world_generator.h) over a seed range, checks each
// with the invariant checkers plus the explorer's own oracles, shrinks every failing world to a
// smaller one that fails the same way, and turns it into a scenario file that `distsim run`
// replays. Seeds split across shards and threads; results are reported in seed order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/check/world_generator.h"
#include "sim/core/trace.h"
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

// Whether `kind` is one check_world or the explorer can give (a campaign result naming another
// was not written by this distsim).
[[nodiscard]] bool known_failure_kind(std::string_view kind);

// Runs one world and applies every check; nullopt when it passed.
[[nodiscard]] std::optional<WorldFailure> check_world(const Scenario& scenario,
                                                      bool must_install_all);

// Whether two traces hold the same records (times, actors, events and every field): the
// explorer's determinism check, comparing the records rather than their JSON text.
[[nodiscard]] bool same_trace(const Trace& first, const Trace& second);

struct ShrinkResult {
  Scenario scenario;
  uint32_t runs = 0;  // worlds run while shrinking
  // The stop predicate ended the shrink before it ran out of candidates or runs: `scenario` still
  // fails the same way, but a smaller world that does may exist.
  bool stopped = false;
};

// How a shrink may be stopped and watched; either may be empty.
struct ShrinkControl {
  // Asked before each candidate world runs and during its run (RunOptions::abandon): a
  // wall-clock limit ends a shrink as it ends a campaign, keeping the smallest failing world
  // found so far (an abandoned candidate counts for nothing).
  std::function<bool()> should_stop;
  // Told the number of worlds run so far after each one (a progress line during a long shrink).
  std::function<void(uint32_t runs)> on_run;
};

// Greedy shrinking: removes holders, faults, package events, DPs and files one at a time, keeping
// a removal when the world still fails with the same kind. Requires `failure` from check_world.
[[nodiscard]] ShrinkResult shrink_world(const Scenario& scenario, bool must_install_all,
                                        const WorldFailure& failure,
                                        const ShrinkControl& control = {});

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
  bool shrink_stopped = false;  // ShrinkResult::stopped: the stop predicate cut the shrink short
};

struct ExploreSummary {
  uint64_t worlds_planned = 0;  // the shard's seeds
  // The shard's first `worlds` seeds were explored: all of them unless the stop predicate ended
  // the campaign early: between seeds, or by abandoning a world under way (its seed and those
  // after it are not explored).
  uint64_t worlds = 0;
  std::vector<ExploreFinding> findings;          // in seed order
  std::map<std::string, uint64_t> class_counts;  // worlds per class (empty: none classified)
  [[nodiscard]] bool complete() const { return worlds == worlds_planned; }
};

struct ExploreProgress {
  uint64_t done = 0;
  uint64_t total = 0;
  uint64_t failures = 0;
  // A shrink under way, when the caller knows of one (ShrinkProgress): its seed and worlds run.
  bool shrinking = false;
  uint64_t shrinking_seed = 0;
  uint32_t shrink_runs = 0;
  // The first seed whose outcome is not counted yet (outcomes are counted in seed order).
  uint64_t next_seed = 0;
  // Failed worlds among the seeds not counted yet that the caller knows of (shrinks begun).
  uint64_t failures_pending = 0;
};

// A shrink under way, reported from the thread that runs it: after each world it runs, and once
// more with `done` when it ends.
struct ShrinkProgress {
  uint64_t seed = 0;
  uint32_t runs = 0;
  bool done = false;
};

// The shard's seeds in the order explored: seed_start + shard_index + k * shard_count.
[[nodiscard]] uint64_t shard_seed_count(const ExploreOptions& options);
[[nodiscard]] uint64_t shard_seed(const ExploreOptions& options, uint64_t position);

// Explores the shard's seeds. `on_progress` is called from the calling thread after each seed,
// in seed order. `should_stop` (may be empty) is asked, from any thread, before each seed starts;
// once it returns true no further seed starts, and the summary covers the seeds before the first
// one not run. It is how a wall-clock limit ends a campaign without deciding what a world does.
// A shrink under way asks it too, and keeps the failing world it has (shrink_stopped).
// `on_shrink` (may be empty) hears of every shrink's progress, from the thread that runs it, so it
// must be safe to call from any thread.
[[nodiscard]] ExploreSummary explore(
    const ExploreOptions& options, const std::function<void(const ExploreProgress&)>& on_progress,
    const std::function<bool()>& should_stop = {},
    const std::function<void(const ShrinkProgress&)>& on_shrink = {});

// The reproducer file name for a finding: "explore-<seed>-<kind>.yaml".
[[nodiscard]] std::string reproducer_file_name(const ExploreFinding& finding);
[[nodiscard]] std::string reproducer_file_name(uint64_t seed, std::string_view failure_kind);

}  // namespace distsim::sim
