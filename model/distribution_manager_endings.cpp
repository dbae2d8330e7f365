// How a pass ends: 2301 when it processed the package (source read, every DP copy it made
// succeeded), or 2302 when it failed: a package retry scheduled by the policy (or none when it
// gives up), or, under a per-DP policy, DP copies that failed and are retried each on its own;
// then the package and DP states that the status summarizers show, and what runs next.
#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>

#include "model/assert.h"
#include "model/distribution_manager.h"
#include "model/manager_fault_injection.h"
#include "model/manager_log_text.h"
#include "model/manager_wake.h"

namespace distsim::model {
namespace {

// The retry count that status messages and Distmgr.log show (off by one under a test's fault
// injection).
uint32_t shown_retries(uint32_t retries_done) {
  return retries_done + (manager_fault_injection().miscount_retries ? 1u : 0u);
}

}  // namespace

// CM-ACTIONS: 2301 when the package processing thread finishes successfully.
void DistributionManager::finish_pass(uint32_t package_index, PassResult result, Win32Error error) {
  PackageRecord& record = packages_[package_index];
  raise(status_id::kPackageProcessed, {record.definition.name, record.definition.id}, record,
        record.thread_id);
  record.retry.succeeded = true;
  record.status.last_error = Win32Error::ok;
  ports_.reporter.pass_ended(pass_end_report(record, result, error));
  log_thread_exit(record);
  end_pass(package_index);
}

PassEndReport DistributionManager::pass_end_report(PackageRecord& record, PassResult result,
                                                   Win32Error error) {
  PassEndReport report{record.definition.id, record.status.attempt_count, result, error, {}, false,
                       std::nullopt};
  if (error != Win32Error::ok) report.failed_dp = std::move(record.failed_copy_dp);
  record.failed_copy_dp.clear();
  return report;
}

// Per-DP policy: the source was processed but copies to some DPs failed. The pass did not
// succeed (2302, as KB Q319207 shows 2328 then 2302); the package is not retried as a whole:
// each failed DP has its own retry (or is INSTALL_FAILED), and the 2302 (or the 62302 after it)
// names the earliest.
void DistributionManager::fail_pass_for_dps(uint32_t package_index, PassResult result,
                                            Win32Error error, std::optional<TimeUs> next_retry_us) {
  PackageRecord& record = packages_[package_index];
  record.status.last_error = error;
  const std::string next_retry =
      next_retry_us ? local_time_text(*next_retry_us) : std::string("none");
  log(fmt::format(
          FMT_COMPILE("~Failed to process package {} (retries so far: {} of {}): copies to "
                      "distribution points failed; each is retried on its own (next retry: {})."),
          record.definition.id, shown_retries(record.retry.retries_used()), retry_count_text(),
          next_retry),
      record.thread_id, result == PassResult::failed ? LogSeverity::error : LogSeverity::warning);
  raise_package_failed(record, error, next_retry, next_retry_us.has_value());
  PassEndReport report = pass_end_report(record, result, error);
  report.names_next_retry = true;
  report.next_retry_us = next_retry_us;
  ports_.reporter.pass_ended(report);
  log_thread_exit(record);
  end_pass(package_index);
}

// 2302; where the site shows the retry count in a message of its own, 2302 gives the error only
// and 62302 carries what the standard 2302 would (error, retries so far, next retry), raised only
// when a retry follows.
void DistributionManager::raise_package_failed(const PackageRecord& record, Win32Error error,
                                               const std::string& next_retry, bool retry_follows) {
  std::string code = fmt::format(FMT_COMPILE("{}"), win32_code(error));
  std::string shown = fmt::format(FMT_COMPILE("{}"), shown_retries(record.retry.retries_used()));
  if (config_.retry_count_shown_in == RetryCountShownIn::failure_message) {
    raise(status_id::kPackageFailed,
          {record.definition.name, record.definition.id, std::move(code), std::move(shown),
           next_retry},
          record, record.thread_id);
    return;
  }
  raise_in_form(MessageForm::without_retry_count, status_id::kPackageFailed,
                {record.definition.name, record.definition.id, code}, record);
  if (!retry_follows || manager_fault_injection().omits_retry_messages) return;
  raise(
      status_id::kPackageWillRetry,
      {record.definition.name, record.definition.id, std::move(code), std::move(shown), next_retry},
      record, record.thread_id);
}

void DistributionManager::log_thread_exit(const PackageRecord& record) {
  if (!uses_cm2012_texts(config_.profile)) return;
  log(fmt::format(FMT_COMPILE("~Exiting package processing thread for package {}."),
                  record.definition.id),
      record.thread_id);
}

// The source could not be processed (or, under the package retry unit, a DP copy failed): 2302,
// and the whole package is retried by the policy, or fails when the policy gives up.
void DistributionManager::fail_pass(uint32_t package_index, Win32Error error) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(error != Win32Error::ok);
  if (manager_fault_injection().reports_access_denied) error = Win32Error::access_denied;
  DISTSIM_ASSERT(record.source_handle == 0);
  const TimeUs now_us = ports_.scheduler.now();
  record.status.last_error = error;
  if (config_.retry_unit == RetryUnit::package) record.content.reset();  // redo it all
  log(fmt::format(FMT_COMPILE("~Error {}: {}"), win32_code(error), win32_error_message(error)),
      record.thread_id, LogSeverity::error);
  const RetryDecision decision = package_retry_decision(record, error, now_us);
  const std::string next_retry =
      decision.retry ? local_time_text(decision.due_us) : std::string("none");
  log_package_failure(record, decision, next_retry);
  raise_package_failed(record, error, next_retry, decision.retry);
  ports_.reporter.pass_ended(
      pass_end_report(record, decision.retry ? PassResult::retry : PassResult::failed, error));
  for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
    if (!record.slots[slot].needs_copy) continue;
    set_dp_state(record, slot,
                 decision.retry ? DpState::install_retrying : DpState::install_failed);
    record.slots[slot].failed_with_package = !decision.retry;
  }
  record.retries_exhausted = !decision.retry;
  if (decision.retry && !record.cycle_restarted) {
    schedule_package_retry(package_index, decision);
  }
  log_thread_exit(record);
  end_pass(package_index);
}

// With an update or refresh waiting, the next pass starts as soon as this one ends, in a new
// retry cycle; asking the policy (and scheduling its retry) as well would start a second retry
// chain beside it and spend a retry of the new cycle.
RetryDecision DistributionManager::package_retry_decision(const PackageRecord& record,
                                                          Win32Error error, TimeUs now_us) {
  if (record.cycle_restarted) {
    return RetryDecision{true, 0, "an update or refresh is pending", now_us};
  }
  return decide_retry(config_.retry, error,
                      {record.retry.retries_used(), record.retry.first_attempt_start_us, now_us,
                       record.retry.previous_delay_us, record.retry.attempt_start_us},
                      ports_.random);
}

// KB Q207416: Distmgr.log shows how many retries have been attempted (the wording is distsim's;
// no source gives it). A retry to come is a warning, giving up an error, as with status messages.
void DistributionManager::log_package_failure(const PackageRecord& record,
                                              const RetryDecision& decision,
                                              const std::string& next_retry) {
  if (decision.retry) {
    log(fmt::format(
            FMT_COMPILE(
                "~Failed to process package {} (retries so far: {} of {}). Will retry in {} "
                "seconds, at {}."),
            record.definition.id, shown_retries(record.retry.retries_used()), retry_count_text(),
            whole_seconds_rounded_up(decision.due_us - ports_.scheduler.now()), next_retry),
        record.thread_id, LogSeverity::warning);
    return;
  }
  log(fmt::format(
          FMT_COMPILE("~Failed to process package {} (retries so far: {} of {}). It will not be "
                      "retried: {}."),
          record.definition.id, shown_retries(record.retry.retries_used()), retry_count_text(),
          decision.reason),
      record.thread_id, LogSeverity::error);
}

void DistributionManager::schedule_package_retry(uint32_t package_index,
                                                 const RetryDecision& decision) {
  PackageRecord& record = packages_[package_index];
  ++record.retry.retries_done;
  record.retry.previous_delay_us = decision.delay_us;
  record.retry.due_us = decision.due_us;
  record.retry.decided_us = ports_.scheduler.now();
  // Numbered as pass_start numbers the pass that will run (all the package's attempts).
  ports_.reporter.retry_scheduled(
      {record.definition.id, "", record.status.attempt_count + 1, *record.retry.due_us});
  wake_at(*record.retry.due_us, {package_index, WakeKind::retry_due, record.retry.generation, 0});
}

void DistributionManager::end_pass(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  mark_dirty(package_index);
  ports_.state_store.write_retry_history(record.definition.id);
  record.phase = Phase::idle;
  record.copy_content.reset();
  refresh_package_state(record);
  if (record.holds_thread) {
    DISTSIM_ASSERT(active_passes_ > 0);
    --active_passes_;
    record.holds_thread = false;
  }
  record.cycle_restarted = false;
  if (record.rerun_after_pass) {
    record.rerun_after_pass = false;
    queue_pass(package_index);
  } else if (any_dp_retry_due(record)) {  // fell due while this pass or DP work ran
    if (record.content) {
      start_dp_retries(package_index);
    } else {
      queue_pass(package_index);
    }
  }
  start_queued_passes();
}

// The package's state from its own retry state and its DPs' states.
void DistributionManager::refresh_package_state(PackageRecord& record) {
  const auto& dps = record.status.distribution_points;
  const auto any_dp = [&dps](DpState state) {
    return std::any_of(dps.begin(), dps.end(),
                       [state](const DpStatus& dp) { return dp.state == state; });
  };
  PackageState state = PackageState::pending;
  if (record.retries_exhausted) {
    state = PackageState::failed;
  } else if (record.retry.due_us || any_dp(DpState::install_retrying)) {
    state = PackageState::retrying;
  } else if (std::all_of(dps.begin(), dps.end(),
                         [](const DpStatus& dp) { return dp.state == DpState::installed; })) {
    state = PackageState::installed;
  } else if (any_dp(DpState::install_failed) && !any_dp(DpState::install_pending)) {
    state = PackageState::failed;
  }
  if (state == record.status.state && record.status.state_since_us) return;
  record.status.state = state;
  record.status.state_since_us = ports_.scheduler.now();
  if (state == PackageState::installed) {
    record.status.installed_at_us = ports_.scheduler.now();
    if (!record.status.first_installed_at_us) {
      record.status.first_installed_at_us = record.status.installed_at_us;
    }
  }
}

void DistributionManager::set_dp_state(PackageRecord& record, uint32_t slot, DpState state) {
  DpStatus& status = record.status.distribution_points[slot];
  if (status.state == state) return;
  status.state = state;
  ports_.reporter.dp_state_changed(
      {record.definition.id, status.dp_name, std::string(dp_state_name(state))});
}

}  // namespace distsim::model
