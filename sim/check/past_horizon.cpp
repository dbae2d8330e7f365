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
    if (start_us > until_us) {
      found.push_back({holder.position, fmt::format("holder '{}' starts at {}", holder.name,
                                                    duration_text(start_us))});
      continue;
    }
    // A start drawn from a range that reaches past the end may fall there.
    if (holder.at.kind == DurationSpec::Kind::uniform && holder.at.high_us > until_us) {
      found.push_back(
          {holder.position,
           fmt::format("holder '{}' may start as late as {} (drawn from {}..{})", holder.name,
                       duration_text(holder.at.high_us), duration_text(holder.at.value_us),
                       duration_text(holder.at.high_us))});
      continue;
    }
    // Repeated holds: the last begins (count - 1) repeats after the first at the earliest, which
    // is past the end when each repeat is longer than the span left shared among them.
    if (holder.count > 1 && holder.every) {
      const TimeUs every_us = earliest_start_us(*holder.every);
      const auto repeats = static_cast<TimeUs>(holder.count - 1);
      if (every_us > 0 && every_us > (until_us - start_us) / repeats) {
        found.push_back(
            {holder.position,
             fmt::format("holder '{}' holds {} times from {}, {} apart at the least: the later "
                         "holds fall after the end",
                         holder.name, holder.count, duration_text(start_us),
                         duration_text(every_us))});
      }
    }
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
