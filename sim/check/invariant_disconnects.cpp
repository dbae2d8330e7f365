// user_disconnect: the manager forces users off a DP only as a package's "Disconnect users from
// distribution points" asks (KB Q202063, RJG): every handle or running program the trace shows
// ended under its owner (a close or unmap_image marked `disconnected`) lies in the package folder
// on a DP that supports forced disconnect, belongs to a package created with the option, is not
// the manager's own, and comes during a copy attempt to that DP that followed at least the
// option's count of attempts in the same retry cycle. The option comes from the world's record of
// the package's creation, the DP's server from the world's configuration, and the attempts from
// Distmgr.log's attempt lines.
#include <fmt/format.h>

#include <map>
#include <string>
#include <string_view>

#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim::invariant_detail {
namespace {

bool names_dp_in(const TraceList& dps, std::string_view dp) {
  if (dps.empty()) return true;  // every DP of the package
  for (const std::string_view each : dps) {
    if (same_path(each, dp)) return true;
  }
  return false;
}

// The copy attempts to `share` of `package` logged since its retry cycle on that DP began (the
// latest notification of the package that names the DP), up to record `at`.
uint64_t attempts_in_cycle(const History& history, std::string_view package,
                           const model::DistributionPointDefinition& dp, size_t at) {
  const auto& records = history.records();
  size_t cycle_start = 0;
  for (const size_t index : history.notifications) {
    if (index >= at) break;
    const TraceRecord& notification = records[index];
    if (same_path(text_field(notification, "package"), package) &&
        names_dp_in(list_field(notification, "dps"), dp.name)) {
      cycle_start = index;
    }
  }
  const std::string attempt = fmt::format(
      "ttempting to add or update package {} on distribution "
      "point {}",
      package, dp.share);
  uint64_t attempts = 0;
  for (size_t index = cycle_start; index < at; ++index) {
    if (history.kinds[index].is(RecordActor::manager, RecordEvent::log_line) &&
        text_field(records[index], "text").ends_with(attempt)) {
      ++attempts;
    }
  }
  return attempts;
}

}  // namespace

void check_user_disconnects(const History& history, Violations& violations) {
  if (!history.traced) return;
  const auto& records = history.records();
  std::map<std::string_view, int64_t, std::less<>> after;  // package -> the option's count
  for (const size_t index : history.notifications) {
    const TraceRecord& notification = records[index];
    if (const auto count = number_field(notification, "disconnect_users")) {
      after[text_field(notification, "package")] = *count;
    }
  }
  for (size_t index = 0; index < records.size(); ++index) {
    const RecordEvent event = history.kinds[index].event;
    if (event != RecordEvent::close && event != RecordEvent::other) continue;
    const TraceRecord& record = records[index];
    if (event == RecordEvent::other && record.event != "unmap_image") continue;
    if (!flag_field(record, "disconnected")) continue;
    const std::string_view path = text_field(record, "path");
    const auto report = [&](const std::string& why) {
      violations.push_back(
          {"user_disconnect",
           fmt::format("{}'s {} of {} was ended by a forced disconnect at {}, but "
                       "{}",
                       record.actor, record.event == "close" ? "handle" : "program", path,
                       clock_text(record.t_us), why),
           record.t_us});
    };
    if (is_manager(record)) {
      report("the manager never disconnects itself");
      continue;
    }
    const model::DistributionPointDefinition* dp = nullptr;
    for (const auto& each : history.run->distribution_points) {
      if (path_below(path, each.share)) dp = &each;
    }
    const std::string_view below = dp ? relative_below(path, dp->share) : std::string_view();
    const std::string_view package = below.substr(0, below.find('\\'));
    if (dp == nullptr || package.size() == below.size()) {
      report("it is in no package folder on a distribution point");
      continue;
    }
    if (!dp->forced_disconnect) {
      report(fmt::format("{} does not support forced disconnect", dp->name));
      continue;
    }
    const auto option = after.find(package);
    if (option == after.end()) {
      report(fmt::format("package {} was not created with disconnect_users", package));
      continue;
    }
    const uint64_t attempts = attempts_in_cycle(history, package, *dp, index);
    if (attempts < static_cast<uint64_t>(option->second) + 1) {
      report(
          fmt::format("only {} copy attempts of {} to {} were logged in this retry cycle, and "
                      "disconnect_users asks for {} failed ones before",
                      attempts, package, dp->name, option->second));
    }
  }
}

}  // namespace distsim::sim::invariant_detail
