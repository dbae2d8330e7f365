// The invariant checkers' entry point, and the checkers that need no history: status messages
// against Distmgr.log, installation times, and package states against their DPs' states.
#include "sim/check/invariants.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>

#include "model/assert.h"
#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::sim {
namespace {

using invariant_detail::Violations;

void check_status_log_consistency(const RunResult& run, Violations& violations) {
  std::map<uint32_t, int64_t> balance;  // raised minus logged, per ID
  for (const auto& message : run.status_messages) ++balance[message.id];
  constexpr std::string_view kStatmsgStart = "STATMSG: ID=";
  for (const auto& line : run.log_lines) {
    if (!std::string_view(line.text).starts_with(kStatmsgStart)) continue;
    // The digits after "ID=" (0 when there are none): the manager writes IDs of five digits.
    uint32_t id = 0;
    const char* digits = line.text.data() + kStatmsgStart.size();
    std::from_chars(digits, line.text.data() + line.text.size(), id);
    --balance[id];
  }
  for (const auto& [id, difference] : balance) {
    if (difference != 0) {
      violations.push_back(
          {"status_log_consistency",
           fmt::format("status message {}: raised and logged counts differ by {}", id, difference),
           run.until_us});
    }
  }
}

// What the trace last reported of each (package, DP): its state, and when it last became
// INSTALLED from another state (0: never); views of the trace.
struct ReportedDp {
  std::string_view state;
  TimeUs installed_since_us = 0;
};
using ReportedDps = std::map<std::pair<std::string_view, std::string_view>, ReportedDp,
                             invariant_detail::PackageAndDpLess>;
ReportedDps reported_dps(const invariant_detail::History& history) {
  ReportedDps reported;
  const auto& records = history.records();
  for (size_t index = 0; index < records.size(); ++index) {
    if (!history.kinds[index].is(invariant_detail::RecordActor::manager,
                                 invariant_detail::RecordEvent::dp_state)) {
      continue;
    }
    const TraceRecord& record = records[index];
    ReportedDp& each = reported[{invariant_detail::text_field(record, "package"),
                                 invariant_detail::text_field(record, "dp")}];
    const std::string_view state = invariant_detail::text_field(record, "state");
    if (state == "INSTALLED" && each.state != "INSTALLED") each.installed_since_us = record.t_us;
    each.state = state;
  }
  return reported;
}

// The time of installation the manager reports is held to the trace: within the run, and no
// earlier than the last of the package's DPs became INSTALLED.
void check_installed_times(const invariant_detail::History& history, const ReportedDps& reported,
                           Violations& violations) {
  const RunResult& run = *history.run;
  for (const auto& package : run.packages) {
    if (package.state != model::PackageState::installed) continue;
    if (!package.installed_at_us || *package.installed_at_us > run.until_us) {
      violations.push_back(
          {"installed_has_time",
           fmt::format("{} is installed without a time within the run", package.id), run.until_us});
      continue;
    }
    // The package became installed when the last of its DPs did, as the trace reports them.
    TimeUs last_installed_us = 0;
    for (const model::DpStatus& dp : package.distribution_points) {
      const auto found = reported.find({package.id, dp.dp_name});
      if (found != reported.end()) {
        last_installed_us = std::max(last_installed_us, found->second.installed_since_us);
      }
    }
    if (last_installed_us != 0 && last_installed_us < *package.installed_at_us) {
      violations.push_back(
          {"installed_has_time",
           fmt::format(
               "{} is installed since {}, but the trace reports its last DP INSTALLED at {}",
               package.id, clock_text(*package.installed_at_us), clock_text(last_installed_us)),
           *package.installed_at_us});
    }
    for (const model::DpStatus& dp : package.distribution_points) {
      const auto found = reported.find({package.id, dp.dp_name});
      if (found == reported.end() || found->second.installed_since_us <= *package.installed_at_us) {
        continue;
      }
      violations.push_back(
          {"installed_has_time",
           fmt::format("{} is installed since {}, before the trace reports {} INSTALLED at {}",
                       package.id, clock_text(*package.installed_at_us), dp.dp_name,
                       clock_text(found->second.installed_since_us)),
           *package.installed_at_us});
    }
  }
}

void check_package_states(const invariant_detail::History& history, const ReportedDps& reported,
                          Violations& violations) {
  const RunResult& run = *history.run;
  for (const model::PackageStatus& package : run.packages) {
    const TimeUs t_us = package.state_since_us.value_or(run.until_us);
    const auto& dps = package.distribution_points;
    const auto any_dp = [&dps](model::DpState state) {
      return std::any_of(dps.begin(), dps.end(),
                         [state](const model::DpStatus& dp) { return dp.state == state; });
    };
    const bool all_installed = !dps.empty() && !any_dp(model::DpState::install_pending) &&
                               !any_dp(model::DpState::install_retrying) &&
                               !any_dp(model::DpState::install_failed);
    const bool is_installed = package.state == model::PackageState::installed;
    std::string problem;
    if (is_installed != all_installed && !dps.empty()) {
      problem = is_installed ? "installed while not every DP is INSTALLED"
                             : "not installed although every DP is INSTALLED";
    } else if (any_dp(model::DpState::install_retrying) &&
               package.state != model::PackageState::retrying) {
      problem = "not retrying although a DP is INSTALL_RETRYING";
    }
    if (!problem.empty()) {
      violations.push_back({"package_state",
                            fmt::format("{} is {}: {}", package.id,
                                        model::package_state_name(package.state), problem),
                            t_us});
    }
    for (const model::DpStatus& dp : dps) {
      const auto found = reported.find({package.id, dp.dp_name});
      const std::string_view last =
          found == reported.end() ? "INSTALL_PENDING" : found->second.state;
      if (last == model::dp_state_name(dp.state)) continue;
      violations.push_back(
          {"package_state",
           fmt::format("{} on {} ends {} but the trace last reported {}", package.id, dp.dp_name,
                       model::dp_state_name(dp.state), last),
           t_us});
    }
  }
}

}  // namespace

std::vector<InvariantViolation> check_invariants(const RunResult& run) {
  // Every checker judges the trace: an untraced run would pass them all without evidence, and a
  // truncated one without the evidence past its end (callers give such a run a verdict of its
  // own: trace_truncation_text).
  DISTSIM_ASSERT(run.trace.enabled() && !run.trace.truncated());
  return invariant_detail::check_history(invariant_detail::read_history(run));
}

namespace invariant_detail {

Violations check_history(const History& history) {
  DISTSIM_ASSERT(history.run != nullptr && history.traced);
  DISTSIM_ASSERT(history.kinds.size() == history.records().size());
  const RunResult& run = *history.run;
  Violations violations;
  invariant_detail::check_retry_units(history, violations);
  invariant_detail::check_failure_errors(history, violations);
  invariant_detail::check_failed_copies_reported(history, violations);
  invariant_detail::check_dp_decisions(history, violations);
  invariant_detail::check_retry_messages(history, violations);
  invariant_detail::check_handles(history, violations);
  invariant_detail::check_dp_content(history, violations);
  invariant_detail::check_package_copies(history, violations);
  invariant_detail::check_pass_messages(history, violations);
  invariant_detail::check_thread_limits(history, violations);
  invariant_detail::check_copy_bandwidth(history, violations);
  invariant_detail::check_source_open_retries(history, violations);
  invariant_detail::check_source_read_time(history, violations);
  invariant_detail::check_liveness(history, violations);
  invariant_detail::check_retry_history(history, violations);
  invariant_detail::check_user_disconnects(history, violations);
  check_status_log_consistency(run, violations);
  invariant_detail::check_statmsg_lines(history, violations);
  const ReportedDps reported = reported_dps(history);
  check_installed_times(history, reported, violations);
  check_package_states(history, reported, violations);
  std::stable_sort(violations.begin(), violations.end(),
                   [](const InvariantViolation& left, const InvariantViolation& right) {
                     return left.t_us < right.t_us;
                   });
  return violations;
}

}  // namespace invariant_detail

}  // namespace distsim::sim
