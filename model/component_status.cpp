// Component status from severity counts.
#include "model/component_status.h"

#include <algorithm>

#include "model/assert.h"

namespace distsim::model {
namespace {

ComponentStatus level_of(uint64_t count, const SeverityThresholds& thresholds) {
  DISTSIM_ASSERT(thresholds.critical_at == 0 || thresholds.warning_at <= thresholds.critical_at);
  if (thresholds.critical_at > 0 && count >= thresholds.critical_at)
    return ComponentStatus::critical;
  if (thresholds.warning_at > 0 && count >= thresholds.warning_at) return ComponentStatus::warning;
  return ComponentStatus::ok;
}

}  // namespace

std::string_view component_status_name(ComponentStatus status) {
  switch (status) {
    case ComponentStatus::ok:
      return "ok";
    case ComponentStatus::warning:
      return "warning";
    case ComponentStatus::critical:
      return "critical";
  }
  DISTSIM_ASSERT(false);
}

SeverityCounts count_severities(const std::vector<StatusMessage>& messages) {
  SeverityCounts counts;
  for (const StatusMessage& message : messages) {
    switch (message.severity) {
      case Severity::error:
        ++counts.errors;
        break;
      case Severity::warning:
        ++counts.warnings;
        break;
      case Severity::informational:
        ++counts.informational;
        break;
    }
  }
  return counts;
}

ComponentStatus component_status(const SeverityCounts& counts,
                                 const ComponentStatusThresholds& thresholds) {
  return std::max({level_of(counts.errors, thresholds.errors),
                   level_of(counts.warnings, thresholds.warnings),
                   level_of(counts.informational, thresholds.informational)});
}

}  // namespace distsim::model
