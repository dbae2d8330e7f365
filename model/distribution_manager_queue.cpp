// The queue of packages waiting for a processing thread, the admission of passes (at most
// max_packages at once, each starting with 2300), and the scheduler's wake-ups that drive a pass
// on or make a retry fall due.
#include <fmt/compile.h>
#include <fmt/format.h>

#include "model/assert.h"
#include "model/distribution_manager.h"
#include "model/manager_log_text.h"
#include "model/manager_wake.h"

namespace distsim::model {

void DistributionManager::queue_pass(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  if (record.phase == Phase::queued) return;
  if (record.phase != Phase::idle) {
    record.rerun_after_pass = true;
    // Saved, so that a restart during DP retry work still runs the pass asked for.
    mark_dirty(package_index);
    return;
  }
  record.phase = Phase::queued;
  queue_.push_back(package_index);
  if (uses_cm2012_texts(config_.profile)) {
    log(fmt::format(FMT_COMPILE("Adding package '{}' to package processing queue."),
                    record.definition.id),
        kMainThreadId);
  }
}

// KB Q319207: retries also run "more often when distmgr is busy". See SiteConfig::retry_on_wake.
void DistributionManager::wake_waiting_retries(uint32_t except_index) {
  if (!config_.retry_on_wake) return;
  const TimeUs now_us = ports_.scheduler.now();
  for (uint32_t index = 0; index < packages_.size(); ++index) {
    PackageRecord& record = packages_[index];
    if (index == except_index || record.phase != Phase::idle || !record.retry.due_us) continue;
    if (*record.retry.due_us <= now_us) continue;  // its own wake-up is about to run it
    if (now_us - record.retry.decided_us < config_.retry_on_wake_min_us) continue;  // failed now
    if (drop_retry_if_history_deleted(index)) continue;
    log(fmt::format(FMT_COMPILE("~Woken for other work: retrying package {} now instead of at {}."),
                    record.status.id, local_time_text(*record.retry.due_us)),
        kMainThreadId);
    record.retry.due_us.reset();
    ++record.retry.generation;
    ports_.reporter.retry_scheduled(
        {record.status.id, {}, record.status.attempt_count + 1, now_us, true});
    mark_dirty(index);
    queue_pass(index);
  }
}

void DistributionManager::start_queued_passes() {
  while (active_passes_ < config_.max_packages && !queue_.empty()) {
    const uint32_t package_index = queue_.front();
    queue_.pop_front();
    // Every pass after a cycle's first is a retry (a pass a crash cut short is redone as one).
    if (packages_[package_index].status.attempts_in_cycle > 0 &&
        drop_retry_if_history_deleted(package_index)) {
      continue;
    }
    start_pass(package_index);
  }
}

// KB Q319207: deleting a package's Retry History key stops SMS 2.0 from retrying it. The manager
// reads the key before each retry; a deleted key leaves nothing to retry until an update or
// refresh starts a new cycle. The package keeps its state and no status message is raised (no
// source says what SMS 2.0 reports here; the log line is distsim's own).
bool DistributionManager::drop_retry_if_history_deleted(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  if (!ports_.state_store.retry_history_deleted(record.definition.id)) return false;
  // Only a retry waiting for its time or for a thread is dropped, never work under way.
  DISTSIM_ASSERT(record.phase == Phase::idle || record.phase == Phase::queued);
  log(fmt::format(FMT_COMPILE("~The retry history of package {} was deleted; not retrying it."),
                  record.definition.id),
      kMainThreadId);
  record.retry = record.retry.restarted();
  if (record.phase == Phase::queued) record.phase = Phase::idle;
  mark_dirty(package_index);
  return true;
}

void DistributionManager::start_pass(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.phase == Phase::queued);
  mark_dirty(package_index);
  ++active_passes_;
  record.holds_thread = true;
  ++record.generation;
  ++record.status.attempt_count;
  ++record.status.attempts_in_cycle;
  const TimeUs now_us = ports_.scheduler.now();
  if (record.status.attempts_in_cycle == 1 && !record.retry.start_carried) {
    record.retry.first_attempt_start_us = now_us;
  }
  record.retry.succeeded = false;
  record.retry.attempt_start_us = now_us;
  record.thread_id = next_thread_id();
  log(threads_in_use_text(config_.profile, active_passes_ - 1, config_.max_packages),
      kMainThreadId);
  log(thread_started_text(config_.profile, record.definition.id, record.thread_id), kMainThreadId);
  ports_.reporter.pass_started(
      {record.definition.id, record.status.attempt_count, false, record.thread_id});
  raise(status_id::kPackageProcessingStarted, {record.definition.name, record.definition.id},
        record, record.thread_id);
  if (uses_cm2012_texts(config_.profile)) {
    log(fmt::format(FMT_COMPILE("~Processing package {} (SourceVersion:{};StoredVersion:{})"),
                    record.definition.id, record.status.update_count + 1,
                    record.status.stored_version),
        record.thread_id);
  }
  log(start_text(config_.profile, record.definition.id, record.status.update_count > 0),
      record.thread_id);
  if (record.status.attempts_in_cycle > 1) {
    log(fmt::format(FMT_COMPILE("~Retrying package {}: attempt {}, retry {} of {}."),
                    record.definition.id, record.status.attempts_in_cycle,
                    record.retry.retries_used(), retry_count_text()),
        record.thread_id);
  }
  if (record.content) {
    // A real SMS 2.0 line for a pass that finds its compressed copy made (no source gives the
    // ConfigMgr one); distsim's own otherwise.
    log(record.definition.compressed && config_.profile == Profile::sms2
            ? fmt::format(
                  FMT_COMPILE("Package {} uses the compressed copy of the source directory."),
                  record.definition.id)
            : fmt::format(FMT_COMPILE("~Package {} source version {} was already read; using it."),
                          record.definition.id, record.content->version),
        record.thread_id);
    record.copy_content = record.content;
    start_copies(package_index);
    return;
  }
  begin_reading(package_index);
}

// A wake-up names its package and its DP job or slot in fixed-width fields.
static_assert(kManagedPackagesMax < (uint64_t{1} << kWakePackageIndexBits));
static_assert(kManagedDistributionPointsMax < (1u << kWakeDetailBits));

void DistributionManager::wake_at(TimeUs at_us, const ManagerWake& wake) {
  DISTSIM_ASSERT(wake.package_index < packages_.size());
  ports_.scheduler.wake_at(at_us, wake_token(wake));
}

void DistributionManager::on_wake(WakeToken token) {
  dispatch_wake(manager_wake(token));
  end_entry();
}

// Retry and copy wake-ups may be stale (the retry was superseded, the copy's share of its link
// changed) and are checked by their handlers; a read or compression wake-up always belongs to the
// pass that is running.
void DistributionManager::dispatch_wake(const ManagerWake& wake) {
  DISTSIM_ASSERT(wake.package_index < packages_.size());
  const PackageRecord& record = packages_[wake.package_index];
  switch (wake.kind) {
    case WakeKind::retry_due:
      on_retry_due(wake);
      return;
    case WakeKind::dp_retry_due:
      on_dp_retry_due(wake);
      return;
    case WakeKind::read_done:
      DISTSIM_ASSERT(wake.is_for(record.generation));
      DISTSIM_ASSERT(record.phase == Phase::reading);
      finish_read(wake.package_index);
      return;
    case WakeKind::source_open_again:
      DISTSIM_ASSERT(wake.is_for(record.generation));
      DISTSIM_ASSERT(record.phase == Phase::reading);
      read_next_file(wake.package_index);
      return;
    case WakeKind::compress_done:
      DISTSIM_ASSERT(wake.is_for(record.generation));
      DISTSIM_ASSERT(record.phase == Phase::compressing);
      finish_compression(wake.package_index);
      return;
    case WakeKind::copy_done:
      on_copy_done(wake);
      return;
  }
  DISTSIM_ASSERT(false);
}

void DistributionManager::on_retry_due(const ManagerWake& wake) {
  PackageRecord& record = packages_[wake.package_index];
  if (!wake.is_for(record.retry.generation)) return;  // superseded
  record.retry.due_us.reset();
  queue_pass(wake.package_index);
  start_queued_passes();
}

}  // namespace distsim::model
