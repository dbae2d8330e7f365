// `distsim compare`: the same scenario and seeds under several retry policies, summarised per
// policy: attempts, time from a package's creation to installed (p50/p95/max), packages never
// installed, and the load the retries put on the source (the manager's opens per hour).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_loader.h"

namespace distsim::sim {

inline constexpr uint64_t kCompareSeedsMax = 100'000;

struct CompareOptions {
  uint64_t seed_count = 10;
  std::optional<uint64_t> seed_start;  // default: the scenario's seed
  std::string program = "distsim";     // how replay lines name the binary
};

// A run to look at, as the note under the table names it: its seed, what went wrong and the
// command that replays it.
struct NotedRun {
  uint64_t seed = 0;
  std::string what;
  std::string replay;
};

struct PolicySummary {
  std::string name;  // the policy's name, or `NAME (FILE)` where two policies share one
  uint64_t runs = 0;
  uint64_t packages = 0;  // package outcomes counted (runs x packages)
  uint64_t attempts_total = 0;
  uint64_t attempts_max = 0;
  std::vector<TimeUs> installed_after_us;  // sorted: creation to installed, per installed package
  uint64_t not_installed = 0;
  uint64_t source_opens = 0;
  // The virtual time the source opens were counted over: each run's, or its trace's where the
  // trace reached its limit first.
  TimeUs opens_counted_us = 0;
  // Judged as `distsim run` judges them: only where the scenario expects no violation.
  uint64_t invariant_violations = 0;
  std::optional<NotedRun> first_invariant_violation;
  // Runs in which an expectation failed under the policy: one of the `expect` block (other than
  // no_invariant_violations, counted above), a script step's or a holder's.
  uint64_t runs_failing_expectations = 0;
  std::optional<NotedRun> first_failed_expectation;
  // Runs a budget or limit stopped before the horizon, or whose trace was truncated: their
  // figures cover only part of them, and a truncated trace leaves the invariants unjudged.
  uint64_t runs_cut_short = 0;
  std::optional<NotedRun> first_cut_short;
};

// The scenario with the policy's retry in place of its site.retry: the profile's defaults fill
// what the policy leaves out, except crash_uses_retry, update_resets_retries, due_while_down and
// dp_retry_decided, which stay the scenario's unless the policy sets them (how the manager treats
// a crash, an update or a DP copy's failure is the site's, not a retry policy's). policy_file names
// the policy's file, which it requires.
[[nodiscard]] Scenario with_policy(const Scenario& scenario, const PolicyFile& policy);

// Runs scenario x policies x seeds (each policy applied by with_policy), judging the scenario's
// expectations and the invariants in every run. Requires a runnable scenario.
[[nodiscard]] std::vector<PolicySummary> compare_policies(const Scenario& scenario,
                                                          const std::vector<PolicyFile>& policies,
                                                          const CompareOptions& options);

// The nearest-rank percentile (0..100) of a sorted list; nullopt when empty.
[[nodiscard]] std::optional<TimeUs> percentile(const std::vector<TimeUs>& sorted, uint32_t rank);

// The table `distsim compare` prints, with a note under it per policy whose runs were cut short,
// broke an invariant or failed an expectation.
[[nodiscard]] std::string compare_table(const std::vector<PolicySummary>& summaries);

// Whether every run of every policy reached its horizon with its expectations and invariants
// held: `distsim compare` exits 0 only then.
[[nodiscard]] bool all_held(const std::vector<PolicySummary>& summaries);

}  // namespace distsim::sim
