// Component status (OK / Warning / Critical) of SMS_DISTRIBUTION_MANAGER from the counts of the
// status messages it raised, by per-severity thresholds. The default thresholds are the SMS
// status summarizer's as remembered (Error 1/5, Warning 10/50, Informational 2000/5000): that is
// unconfirmed by the facts, so they are parameters. Counts cover the whole run (SMS counts since
// a threshold period start, by default midnight; distsim has no such reset yet).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "model/status_message.h"

namespace distsim::model {

enum class ComponentStatus { ok, warning, critical };

[[nodiscard]] std::string_view component_status_name(ComponentStatus status);  // "warning"

struct SeverityThresholds {
  uint32_t warning_at = 0;   // this many messages of the severity make the component Warning
  uint32_t critical_at = 0;  // and this many make it Critical
  friend bool operator==(const SeverityThresholds&, const SeverityThresholds&) = default;
};

struct ComponentStatusThresholds {
  SeverityThresholds errors{1, 5};
  SeverityThresholds warnings{10, 50};
  SeverityThresholds informational{2000, 5000};
  friend bool operator==(const ComponentStatusThresholds&,
                         const ComponentStatusThresholds&) = default;
};

struct SeverityCounts {
  uint64_t errors = 0;
  uint64_t warnings = 0;
  uint64_t informational = 0;
};

[[nodiscard]] SeverityCounts count_severities(const std::vector<StatusMessage>& messages);

// The worst level any severity's count reaches.
[[nodiscard]] ComponentStatus component_status(const SeverityCounts& counts,
                                               const ComponentStatusThresholds& thresholds);

}  // namespace distsim::model
