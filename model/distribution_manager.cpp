// The Distribution Manager's entry points for configuration and notifications (new package,
// update, refresh), what it reports about its packages, and the helpers every phase shares:
// paths, Distmgr.log lines, status messages and transfer times.
#include "model/distribution_manager.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "model/assert.h"
#include "model/manager_fault_injection.h"
#include "model/manager_log_text.h"
#include "model/manager_paths.h"

namespace distsim::model {

DistributionManager::DistributionManager(SiteConfig config, ManagerPorts ports)
    : config_(std::move(config)),
      ports_(ports),
      links_(config_.outgoing_bandwidth_bytes_per_second) {
  DISTSIM_ASSERT(config_.max_packages >= 1);
  DISTSIM_ASSERT(config_.threads_per_package >= 1);
  DISTSIM_ASSERT(config_.read_bandwidth_bytes_per_second >= 1);
  DISTSIM_ASSERT(config_.source_open_retries == 0 || config_.source_open_retry_interval_us > 0);
  DISTSIM_ASSERT(config_.outgoing_bandwidth_bytes_per_second.value_or(1) >= 1);
}

void DistributionManager::add_distribution_point(DistributionPointDefinition definition) {
  DISTSIM_ASSERT(distribution_points_.size() < kManagedDistributionPointsMax);
  DISTSIM_ASSERT(definition.bandwidth_bytes_per_second >= 1);
  for (const auto& existing : distribution_points_)
    DISTSIM_ASSERT(existing.name != definition.name);
  distribution_points_.push_back(std::move(definition));
}

void DistributionManager::package_created(PackageDefinition definition) {
  DISTSIM_ASSERT(packages_.size() < kManagedPackagesMax);
  DISTSIM_ASSERT(index_by_id_.count(definition.id) == 0);
  PackageRecord record;
  for (uint32_t index = 0; index < distribution_points_.size(); ++index) {
    const auto& names = definition.distribution_points;
    if (names.empty() ||
        std::find(names.begin(), names.end(), distribution_points_[index].name) != names.end()) {
      record.slots.push_back(DpSlot{index, true, {}, false});
      DpStatus dp_status;
      dp_status.dp_name = distribution_points_[index].name;
      record.status.distribution_points.push_back(std::move(dp_status));
    }
  }
  DISTSIM_ASSERT(definition.distribution_points.empty() ||
                 record.slots.size() == definition.distribution_points.size());
  record.status.id = definition.id;
  record.status.name = definition.name;
  record.status.state_since_us = ports_.scheduler.now();
  record.definition = std::move(definition);
  log(notification_text(config_.profile, record.definition.id), kMainThreadId);
  const auto package_index = static_cast<uint32_t>(packages_.size());
  index_by_id_.emplace(record.definition.id, package_index);
  packages_.push_back(std::move(record));
  mark_dirty(package_index);
  wake_waiting_retries(package_index);
  queue_pass(package_index);
  start_queued_passes();
  end_entry();
}

void DistributionManager::package_updated(const std::string& package_id) {
  const uint32_t package_index = package_index_of(package_id);
  PackageRecord& record = packages_[package_index];
  log(fmt::format(FMT_COMPILE("~Found an update request for package {}: a new source version."),
                  package_id),
      kMainThreadId);
  record.content.reset();
  ++record.status.update_count;  // a new source version is wanted
  record.clear_dp_folders = config_.update_deletes_dp_folder;
  restart_cycle(package_index, {});
}

void DistributionManager::package_refreshed(const std::string& package_id,
                                            const std::vector<std::string>& dp_names) {
  const uint32_t package_index = package_index_of(package_id);
  log(fmt::format(FMT_COMPILE("~Found a refresh request for package {}."), package_id),
      kMainThreadId);
  restart_cycle(package_index, dp_names);
}

// An update or refresh starts a new retry cycle for the package and for the DPs it names (all
// when empty), then queues a pass. The package's own cycle restarts too, so that a refresh after
// a failed pass finds its retries as update_resets_retries says: counted afresh (the default) or
// going on. DPs that failed only because the package's retries ran out restart with it, named or
// not.
void DistributionManager::restart_cycle(uint32_t package_index,
                                        const std::vector<std::string>& dp_names) {
  PackageRecord& record = packages_[package_index];
  record.retries_exhausted = false;
  record.cycle_restarted = record.phase != Phase::idle && record.phase != Phase::queued;
  // Without update_resets_retries the counts go on, unless the unit succeeded last or the key
  // that holds them (SMS 2.0's Retry History) was deleted.
  const bool keeps_counts = !config_.retry.update_resets_retries &&
                            !manager_fault_injection().updates_always_reset_retries;
  // The key is read only where it matters: a read is noted as the deletion being found.
  const bool carries = keeps_counts && !record.retry.succeeded &&
                       !ports_.state_store.retry_history_deleted(record.definition.id);
  record.retry = carries ? record.retry.continued(record.status.attempts_in_cycle > 0)
                         : record.retry.restarted();
  // Otherwise a deletion before the update would stop the new cycle's retries.
  ports_.state_store.start_retry_cycle(record.definition.id);
  record.status.attempts_in_cycle = 0;
  // The jobs of a pass (or span of DP retries) under way; an idle package's are its last pass's.
  const bool copies_running = record.phase == Phase::copying || record.phase == Phase::dp_retries;
  for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
    const std::string& name = record.status.distribution_points[slot].dp_name;
    DpSlot& dp = record.slots[slot];
    const bool named =
        dp_names.empty() || std::find(dp_names.begin(), dp_names.end(), name) != dp_names.end();
    if (!named && !dp.failed_with_package) continue;
    dp.failed_with_package = false;
    dp.needs_copy = true;
    const uint32_t dp_attempts = record.status.distribution_points[slot].attempts_in_cycle;
    dp.retry = keeps_counts && !dp.retry.succeeded ? dp.retry.continued(dp_attempts > 0)
                                                   : dp.retry.restarted();
    record.status.distribution_points[slot].attempts_in_cycle = 0;
    set_dp_state(record, slot, DpState::install_pending);
    // This pass's copies to the DP belong to the old cycle.
    for (auto job_at = record.dp_jobs.begin(); job_at != record.dp_jobs.end(); ++job_at) {
      DpJob& job = *job_at;
      if (job.slot != slot) continue;
      // A failed copy that a later copy of the same work retried (dp_retry_decided copy_end) was
      // answered by that copy, once it began: a retry still waiting is cancelled below and
      // answers nothing, so the failure is superseded.
      const bool retried =
          std::any_of(job_at + 1, record.dp_jobs.end(), [slot](const DpJob& later) {
            return later.slot == slot &&
                   (later.state == DpJobState::copying || later.state == DpJobState::done);
          });
      if (job.state == DpJobState::waiting) {
        // The pass that follows copies it, in the new cycle.
        set_job_state(record, job, DpJobState::cancelled);
      } else {
        // Copying or ended: it copied the old version. One that already failed is superseded
        // too (the pass copies the DP again next), which the world hears of now: its end said
        // otherwise.
        if (copies_running && job.state == DpJobState::done && job.error != Win32Error::ok &&
            !job.old_cycle && !retried) {
          const DistributionPointDefinition& target = distribution_points_[dp.dp_index];
          ports_.reporter.dp_copy_superseded({record.definition.id, target.name});
          log(fmt::format(FMT_COMPILE("~Failed copy of package {} to distribution point {} is "
                                      "superseded by a newer request."),
                          record.definition.id, target.share),
              job.thread_id);
        }
        job.old_cycle = true;
      }
    }
  }
  refresh_package_state(record);
  mark_dirty(package_index);
  wake_waiting_retries(package_index);
  queue_pass(package_index);
  start_queued_passes();
  end_entry();
}

uint32_t DistributionManager::package_index_of(const std::string& package_id) const {
  const auto found = index_by_id_.find(package_id);
  DISTSIM_ASSERT(found != index_by_id_.end());  // the loader refuses unknown packages
  return found->second;
}

std::vector<PackageStatus> DistributionManager::package_statuses() const {
  std::vector<PackageStatus> statuses;
  statuses.reserve(packages_.size());
  for (const auto& record : packages_) statuses.push_back(record.status);
  return statuses;
}

std::string DistributionManager::dp_package_path(const PackageRecord& record, uint32_t slot) const {
  return join_path(distribution_points_[record.slots[slot].dp_index].share, record.definition.id);
}

// Every entry point ends here: the copies' wake-ups for the link shares as they now stand, then
// the packages it changed go to the state store.
void DistributionManager::end_entry() {
  schedule_copy_wakes();
  save_dirty();
}

uint32_t DistributionManager::next_thread_id() {
  const uint32_t thread_id = next_thread_id_;
  next_thread_id_ += 4;
  return thread_id;
}

std::string DistributionManager::package_copy_path(const PackageRecord& record) const {
  return join_path(config_.package_store, record.definition.id + ".PCK");
}

void DistributionManager::log(std::string text, uint32_t thread_id, LogSeverity severity) {
  ports_.reporter.log_line({std::move(text), thread_id, severity});
}

void DistributionManager::raise(uint32_t id, std::vector<std::string> insertions,
                                const PackageRecord& record, uint32_t thread_id,
                                std::string dp_name, std::optional<Severity> severity,
                                MessageForm form) {
  StatusMessage message = make_status_message(id, std::move(insertions), record.definition.id,
                                              std::move(dp_name), ports_.scheduler.now(), form);
  if (severity) message.severity = *severity;
  std::string statmsg =
      statmsg_text(message, config_.clock,
                   {config_.server_name, config_.site_code, config_.process_id, thread_id});
  const LogSeverity log_severity = message.severity == Severity::error     ? LogSeverity::error
                                   : message.severity == Severity::warning ? LogSeverity::warning
                                                                           : LogSeverity::info;
  ports_.reporter.status_message(std::move(message));
  log(std::move(statmsg), thread_id, log_severity);
}

void DistributionManager::raise_in_form(MessageForm form, uint32_t id,
                                        std::vector<std::string> insertions,
                                        const PackageRecord& record) {
  raise(id, std::move(insertions), record, record.thread_id, {}, std::nullopt, form);
}

TimeUs DistributionManager::transfer_time_us(uint64_t size_bytes, uint64_t bytes_per_second) const {
  DISTSIM_ASSERT(bytes_per_second >= 1);
  const uint64_t whole_seconds = size_bytes / bytes_per_second;
  const uint64_t remainder = size_bytes % bytes_per_second;
  const uint64_t us =
      whole_seconds * 1'000'000 + (remainder * 1'000'000 + bytes_per_second - 1) / bytes_per_second;
  return static_cast<TimeUs>(us);
}

std::string DistributionManager::local_time_text(TimeUs t_us) const {
  return month_day_year_text(local_time(config_.clock, t_us));
}

std::string DistributionManager::retry_count_text() const {
  return config_.retry.retry_count_max
             ? fmt::format(FMT_COMPILE("{}"), *config_.retry.retry_count_max)
             : std::string("unlimited");
}

}  // namespace distsim::model
