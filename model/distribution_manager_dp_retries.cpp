// Per-DP retries (ConfigMgr): a DP whose copy failed is retried on its own, 2328 for each failure,
// until its retries run out (INSTALL_FAILED, 2328 with severity Error). A retry that falls due is
// DP thread work, not a processing pass: no 2300, 2301 or 2302, no source read; the DP threads
// copy the version already read. A retry that falls due while a pass of the package runs is
// left to that pass (its copies take the due DPs) or starts when the pass ends.
#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

#include "model/assert.h"
#include "model/distribution_manager.h"
#include "model/manager_wake.h"

namespace distsim::model {

void DistributionManager::on_dp_retry_due(const ManagerWake& wake) {
  PackageRecord& record = packages_[wake.package_index];
  DISTSIM_ASSERT(wake.detail < record.slots.size());
  const DpSlot& slot = record.slots[wake.detail];
  if (!wake.is_for(slot.retry.generation)) return;  // superseded by an update or refresh
  // Another pass copied it already, or copied it and failed, which moved the retry later (the
  // generation stays: only an update or refresh starts a new cycle).
  if (!slot.retry.due_us || *slot.retry.due_us > ports_.scheduler.now()) return;
  switch (record.phase) {
    case Phase::idle:
      if (!record.content) {  // no version to copy: a pass reads the source first
        queue_pass(wake.package_index);
        start_queued_passes();
        return;
      }
      start_dp_retries(wake.package_index);
      return;
    case Phase::dp_retries:
      add_due_dp_jobs(wake.package_index);
      advance_copies(wake.package_index);
      return;
    case Phase::queued:
    case Phase::reading:
    case Phase::compressing:
    case Phase::copying:
      return;  // the pass copies it, or end_pass() starts it
  }
}

bool DistributionManager::any_dp_retry_due(const PackageRecord& record) const {
  const TimeUs now_us = ports_.scheduler.now();
  for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
    const DpSlot& dp = record.slots[slot];
    if (dp.needs_copy && dp.retry.due_us && *dp.retry.due_us <= now_us &&
        record.status.distribution_points[slot].state != DpState::install_failed) {
      return true;
    }
  }
  return false;
}

void DistributionManager::add_due_dp_jobs(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  const TimeUs now_us = ports_.scheduler.now();
  for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
    const DpSlot& dp = record.slots[slot];
    if (!dp.needs_copy || !dp.retry.due_us || *dp.retry.due_us > now_us) continue;
    if (record.status.distribution_points[slot].state == DpState::install_failed) continue;
    const bool has_job =
        std::any_of(record.dp_jobs.begin(), record.dp_jobs.end(), [slot](const DpJob& job) {
          return job.slot == slot &&
                 (job.state == DpJobState::waiting || job.state == DpJobState::copying);
        });
    if (has_job) continue;
    log(fmt::format(FMT_COMPILE("~Retrying package {} on distribution point {}: retry {} of {}."),
                    record.definition.id, distribution_points_[dp.dp_index].share,
                    dp.retry.retries_used(), retry_count_text()),
        kMainThreadId);
    add_dp_job(record, slot);
  }
}

void DistributionManager::start_dp_retries(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.phase == Phase::idle && record.content);
  mark_dirty(package_index);
  record.phase = Phase::dp_retries;
  record.holds_thread = false;
  ++record.generation;
  record.copy_content = record.content;
  clear_dp_jobs(record);
  ports_.reporter.pass_started({record.definition.id, record.status.attempt_count, true});
  add_due_dp_jobs(package_index);
  advance_copies(package_index);
}

void DistributionManager::conclude_dp_retries(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  std::optional<Win32Error> first_error;
  std::optional<TimeUs> next_retry_us;
  const PassResult result = retry_failed_dps(package_index, first_error, next_retry_us);
  PassEndReport report = pass_end_report(record, result, first_error.value_or(Win32Error::ok));
  report.names_next_retry = true;
  report.next_retry_us = next_retry_us;
  ports_.reporter.pass_ended(report);
  end_pass(package_index);
}

PassResult DistributionManager::retry_failed_dps(uint32_t package_index,
                                                 std::optional<Win32Error>& first_error,
                                                 std::optional<TimeUs>& next_retry_us) {
  PackageRecord& record = packages_[package_index];
  PassResult result = PassResult::success;
  const TimeUs now_us = ports_.scheduler.now();
  for (size_t index = 0; index < record.dp_jobs.size(); ++index) {
    const DpJob& job = record.dp_jobs[index];
    if (job.error == Win32Error::ok || job.state == DpJobState::cancelled || job.old_cycle) {
      continue;
    }
    // A failure decided as it happened (copy_end) whose retry then ran within the same span: the
    // DP's latest copy tells how the work left it.
    const bool copied_again = std::any_of(
        record.dp_jobs.begin() + static_cast<std::ptrdiff_t>(index) + 1, record.dp_jobs.end(),
        [&](const DpJob& later) {
          return later.slot == job.slot && later.state != DpJobState::cancelled && !later.old_cycle;
        });
    if (copied_again) continue;
    if (!first_error) {
      first_error = job.error;
      record.failed_copy_dp = distribution_points_[record.slots[job.slot].dp_index].name;
    }
    const bool retried = job.decided ? job.retried : retry_dp_or_fail(package_index, job);
    result = result == PassResult::failed || !retried ? PassResult::failed : PassResult::retry;
    // A retry decided as its copy failed and due before now waits for the work to end: it
    // follows now.
    const auto& due_us = record.slots[job.slot].retry.due_us;
    DISTSIM_ASSERT(!retried || due_us);
    const TimeUs follows_us = retried ? std::max(*due_us, now_us) : 0;
    if (retried && (!next_retry_us || follows_us < *next_retry_us)) next_retry_us = follows_us;
  }
  return result;
}

bool DistributionManager::retry_dp_or_fail(uint32_t package_index, const DpJob& job) {
  PackageRecord& record = packages_[package_index];
  DpSlot& dp_slot = record.slots[job.slot];
  const DistributionPointDefinition& dp = distribution_points_[dp_slot.dp_index];
  const TimeUs now_us = ports_.scheduler.now();
  const RetryDecision decision =
      decide_retry(config_.retry, job.error,
                   {dp_slot.retry.retries_used(), dp_slot.retry.first_attempt_start_us, now_us,
                    dp_slot.retry.previous_delay_us, dp_slot.retry.attempt_start_us},
                   ports_.random);
  const std::vector<std::string> insertions{record.definition.id, record.definition.source_path,
                                            dp_package_path(record, job.slot)};
  if (!decision.retry) {
    set_dp_state(record, job.slot, DpState::install_failed);
    log(fmt::format(
            FMT_COMPILE(
                "~Package {} failed on distribution point {} after {} retries; it will not be "
                "retried: {}."),
            record.definition.id, dp.share, dp_slot.retry.retries_used(), decision.reason),
        job.thread_id, LogSeverity::error);
    raise(status_id::kCopyToDpFailed, insertions, record, job.thread_id, dp.share, Severity::error);
    return false;
  }
  ++dp_slot.retry.retries_done;
  dp_slot.retry.previous_delay_us = decision.delay_us;
  dp_slot.retry.due_us = decision.due_us;
  dp_slot.retry.decided_us = now_us;
  set_dp_state(record, job.slot, DpState::install_retrying);
  log(fmt::format(
          FMT_COMPILE(
              "~Will retry package {} on distribution point {} in {} seconds (retry {} of {})."),
          record.definition.id, dp.share, whole_seconds_rounded_up(decision.due_us - now_us),
          dp_slot.retry.retries_used(), retry_count_text()),
      job.thread_id, LogSeverity::warning);
  raise(status_id::kCopyToDpFailed, insertions, record, job.thread_id, dp.share);
  // Numbered as the DP's copy attempts are counted (all of them), as a package's retries are.
  ports_.reporter.retry_scheduled({record.definition.id, dp.name,
                                   record.status.distribution_points[job.slot].attempt_count + 1,
                                   *dp_slot.retry.due_us});
  wake_at(*dp_slot.retry.due_us,
          {package_index, WakeKind::dp_retry_due, dp_slot.retry.generation, job.slot});
  return true;
}

}  // namespace distsim::model
