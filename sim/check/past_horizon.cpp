// Scenario entries past a shortened horizon (past_horizon.h).
#include "sim/check/past_horizon.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/check/expectations.h"

namespace distsim::sim {
namespace {

std::string_view event_kind_name(PackageEvent::Kind kind) {
  switch (kind) {
    case PackageEvent::Kind::create:
      return "is created";
    case PackageEvent::Kind::update:
      return "is updated";
    case PackageEvent::Kind::refresh:
      return "is refreshed";
    case PackageEvent::Kind::delete_retry_history:
      return "has its retry history deleted";
  }
  return "changes";
}

// The earliest time a holder's `at` can give.
TimeUs earliest_start_us(const DurationSpec& at) {
  switch (at.kind) {
    case DurationSpec::Kind::constant:
    case DurationSpec::Kind::uniform:
      return at.value_us;
    case DurationSpec::Kind::exponential:
      return 0;
  }
  return 0;
}

}  // namespace

std::vector<PastHorizon> past_horizon(const Scenario& scenario, TimeUs until_us) {
  std::vector<PastHorizon> found;
  for (const PackageEvent& event : scenario.packages) {
    if (event.at_us <= until_us) continue;
    found.push_back(
        {event.position, fmt::format("package {} {} at {}", event.id, event_kind_name(event.kind),
                                     duration_text(event.at_us))});
  }
  for (const HolderSpec& holder : scenario.holders) {
    const TimeUs start_us = earliest_start_us(holder.at);
    if (start_us <= until_us) continue;
    found.push_back({holder.position, fmt::format("holder '{}' starts at {}", holder.name,
                                                  duration_text(start_us))});
  }
  for (const HolderSpec& holder : scenario.holders) {
    // Steps run in order: a step is never earlier than the one before it.
    TimeUs earliest_us = 0;
    for (size_t index = 0; index < holder.steps.size(); ++index) {
      const ScriptStep& step = holder.steps[index];
      earliest_us =
          std::max(earliest_us, step.drawn_at ? earliest_start_us(*step.drawn_at) : step.at_us);
      if (earliest_us <= until_us) continue;
      found.push_back({step.position, fmt::format("holder '{}' step {} runs at {}", holder.name,
                                                  index + 1, duration_text(earliest_us))});
    }
  }
  for (const FaultSpec& fault : scenario.faults) {
    if (fault.at_us <= until_us) continue;
    found.push_back({fault.position, fmt::format("fault {} on {} starts at {}",
                                                 enum_name(kFaultKindKeys, fault.kind),
                                                 fault.target, duration_text(fault.at_us))});
  }
  for (const PackageExpectation& expectation : scenario.expect.packages) {
    if (!expectation.installed_by_us || *expectation.installed_by_us <= until_us) continue;
    found.push_back(
        {expectation.installed_by_position,
         fmt::format("expect {} installed_by {}, judged at the end of the run instead",
                     expectation.package_id, duration_text(*expectation.installed_by_us))});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const PastHorizon& left, const PastHorizon& right) {
                     return std::pair(left.position.line, left.position.column) <
                            std::pair(right.position.line, right.position.column);
                   });
  return found;
}

}  // namespace distsim::sim
