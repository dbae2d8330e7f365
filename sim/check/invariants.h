// Invariant checkers: properties every run must have, whatever the scenario, read from the run's
// results (never from inside the model). Scenario expectations and property tests both use them.
#pragma once

#include <string>
#include <vector>

#include "sim/world/world.h"

namespace distsim::sim {

struct InvariantViolation {
  std::string invariant;  // "retry_bound"
  std::string detail;
  TimeUs t_us = 0;
};

// retry_bound: no package makes more attempts than its policy allows.
// status_log_consistency: every status message raised has its STATMSG line in Distmgr.log.
// pass_messages: each pass starts with exactly one 2300 and ends with exactly one 2301 or 2302.
// handles_closed: the manager holds no handle when no pass is running at the end.
// installed_has_time: an installed package has a time of installation within the run.
[[nodiscard]] std::vector<InvariantViolation> check_invariants(const RunResult& run);

}  // namespace distsim::sim
