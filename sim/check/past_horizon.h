// What a scenario schedules after a horizon shorter than its own `until` (`distsim run --until`):
// the package events, faults, holders and script steps a shortened run never reaches, and the
// `installed_by` expectations it judges at the horizon, each with its position, so that a user who
// shortens a run is told what it leaves out instead of reading a pass that never met them.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace distsim::sim {

struct PastHorizon {
  SourcePosition position;
  std::string what;  // "holder 'explorer' starts at 3h"
};

// The entries of `scenario` timed after `until_us`, in the order of the file. A holder counts when
// it surely starts later (a constant `at`, or a uniform one whose least value is later), when its
// start is drawn from a range that reaches past `until_us`, or when its repeated holds (`count`
// with `every`) cannot all begin by then; a script step counts when it surely runs later.
[[nodiscard]] std::vector<PastHorizon> past_horizon(const Scenario& scenario, TimeUs until_us);

}  // namespace distsim::sim
