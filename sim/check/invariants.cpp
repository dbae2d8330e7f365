// The invariant checkers over a run's results.
#include "sim/check/invariants.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "model/retry_policy.h"

namespace distsim::sim {
namespace {

// Retry counts restart with every update or refresh, so the bound applies per cycle: to the
// package's passes under a per-package policy, to each DP's copies under a per-DP one.
void check_retry_bound(const RunResult& run, std::vector<InvariantViolation>& violations) {
  const model::RetryBounds bounds = model::retry_bounds(run.site.retry);
  if (!bounds.attempt_count_max) return;
  const uint64_t most = *bounds.attempt_count_max;
  const bool per_dp = run.site.retry_unit == model::RetryUnit::distribution_point;
  for (const auto& package : run.packages) {
    if (!per_dp && package.attempts_in_cycle > most) {
      violations.push_back({"retry_bound",
                            fmt::format("{} made {} attempts; the policy allows at most {}",
                                        package.id, package.attempts_in_cycle, most),
                            package.state_since_us.value_or(0)});
    }
    for (const auto& dp : package.distribution_points) {
      if (!per_dp || dp.attempts_in_cycle <= most) continue;
      violations.push_back({"retry_bound",
                            fmt::format("{} made {} copy attempts to {}; the policy allows at "
                                        "most {}",
                                        package.id, dp.attempts_in_cycle, dp.dp_name, most),
                            package.state_since_us.value_or(0)});
    }
  }
}

void check_status_log_consistency(const RunResult& run,
                                  std::vector<InvariantViolation>& violations) {
  std::map<uint32_t, int64_t> balance;  // raised minus logged, per ID
  for (const auto& message : run.status_messages) ++balance[message.id];
  for (const auto& line : run.log_lines) {
    if (line.text.rfind("STATMSG: ID=", 0) != 0) continue;
    const auto id = static_cast<uint32_t>(std::strtoul(line.text.c_str() + 12, nullptr, 10));
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

void check_pass_messages(const RunResult& run, std::vector<InvariantViolation>& violations) {
  std::map<std::string, int64_t> open_passes;  // 2300 minus (2301 + 2302), per package
  size_t next_crash = 0;
  for (size_t index = 0; index < run.status_messages.size(); ++index) {
    const auto& message = run.status_messages[index];
    // A crash ends every pass without its closing message.
    for (; next_crash < run.crash_message_counts.size() &&
           run.crash_message_counts[next_crash] <= index;
         ++next_crash) {
      open_passes.clear();
    }
    int64_t& open = open_passes[message.package_id];
    if (message.id == model::status_id::kPackageProcessingStarted) {
      if (open != 0) {
        violations.push_back(
            {"pass_messages",
             fmt::format("{}: 2300 raised while a pass was already running", message.package_id),
             message.t_us});
      }
      ++open;
    } else if (message.id == model::status_id::kPackageProcessed ||
               message.id == model::status_id::kPackageFailed) {
      if (open != 1) {
        violations.push_back(
            {"pass_messages",
             fmt::format("{}: {} raised without a running pass", message.package_id, message.id),
             message.t_us});
      }
      --open;
    }
  }
}

void check_handles_and_times(const RunResult& run, std::vector<InvariantViolation>& violations) {
  // A pass still running at the horizon may hold handles (the package state alone cannot tell).
  const bool pass_running = std::any_of(run.passes.begin(), run.passes.end(),
                                        [](const PassRecord& pass) { return !pass.end_us; });
  for (const auto& package : run.packages) {
    if (package.state == model::PackageState::installed &&
        (!package.installed_at_us || *package.installed_at_us > run.until_us)) {
      violations.push_back(
          {"installed_has_time",
           fmt::format("{} is installed without a time within the run", package.id), run.until_us});
    }
  }
  if (!pass_running && run.manager_open_handles_at_end != 0) {
    violations.push_back({"handles_closed",
                          fmt::format("the manager still holds {} handles with no pass running",
                                      run.manager_open_handles_at_end),
                          run.until_us});
  }
}

}  // namespace

std::vector<InvariantViolation> check_invariants(const RunResult& run) {
  std::vector<InvariantViolation> violations;
  check_retry_bound(run, violations);
  check_status_log_consistency(run, violations);
  check_pass_messages(run, violations);
  check_handles_and_times(run, violations);
  return violations;
}

}  // namespace distsim::sim
