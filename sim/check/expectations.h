// Checks a scenario's `expect` block against what a run did, and collects the invariant checkers'
// findings. Every result says what was expected, what happened and, where one applies, the
// virtual time of the relevant event.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"
#include "sim/world/world.h"

namespace distsim::sim {

struct ExpectationResult {
  std::string what;  // "S0100001 attempts"
  bool ok = false;
  std::string expected;        // "3"
  std::string actual;          // "2"
  std::optional<TimeUs> t_us;  // the relevant event, where one applies
  SourcePosition position;
  bool already_traced = false;  // a script step's expectation, traced when the step ran
  // Part of `no_invariant_violations`: its one result when the checkers found nothing, else one
  // per violation. Counted together as one expectation (RunVerdict).
  bool invariants = false;
  // A status message sequence's expected IDs: its evidence lists the messages with these IDs,
  // the only ones the sequence compares.
  std::vector<uint32_t> sequence_ids = {};
  // Where a failed sequence departs from the expected: the number of messages with its IDs
  // before the first one out of order, or before the end when the run stopped short.
  size_t sequence_departs_after = 0;
  // The failure in words where "expected X, got Y" would mislead: a script step that did not run
  // has an expected result and none of its own (`actual` says why there is none).
  std::string sentence = {};
};

// One result per expectation in scenario.expect (`no_invariant_violations`: one, or one per
// violation), then one per script-step `expect`.
[[nodiscard]] std::vector<ExpectationResult> evaluate_expectations(const Scenario& scenario,
                                                                   const RunResult& run);

// Formats a count range as "3" or "2..4" or ">= 2".
[[nodiscard]] std::string count_range_text(const CountRange& range);

// "2h30m", "90s", "1d4h": an exact duration, every unit spelled (for limits and horizons).
[[nodiscard]] std::string duration_text(TimeUs t_us);

// "02:00:02.921", "1d 03:00:00": a point of virtual time for people, to the millisecond (the
// milliseconds are left out when zero).
[[nodiscard]] std::string clock_text(TimeUs t_us);

}  // namespace distsim::sim
