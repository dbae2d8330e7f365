// The distribution point phase of a pass: one DP job per DP that needs the package, at most
// threads_per_package copying at once, each copying the source snapshot file by file to the DP's
// package folder; then per DP 2330, or 2328 and (per-DP profiles) a DP retry.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "model/assert.h"
#include "model/distribution_manager.h"
#include "model/manager_paths.h"
#include "model/manager_wake.h"

namespace distsim::model {

void DistributionManager::start_copies(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  record.phase = Phase::copying;
  record.dp_jobs.clear();
  record.next_dp_job = 0;
  const TimeUs now_us = ports_.scheduler.now();
  for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
    const DpSlot& dp = record.slots[slot];
    if (!dp.needs_copy) continue;
    if (dp.retry.due_us && *dp.retry.due_us > now_us) continue;  // its DP retry is not due yet
    if (record.status.distribution_points[slot].state == DpState::install_failed) continue;
    DpJob job;
    job.slot = slot;
    record.dp_jobs.push_back(job);
  }
  advance_copies(package_index);
}

void DistributionManager::advance_copies(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.phase == Phase::copying);
  const auto copying = [](const DpJob& job) { return job.state == DpJobState::copying; };
  auto copying_count =
      static_cast<uint32_t>(std::count_if(record.dp_jobs.begin(), record.dp_jobs.end(), copying));
  while (copying_count < config_.threads_per_package &&
         record.next_dp_job < record.dp_jobs.size()) {
    const uint32_t job_index = record.next_dp_job++;
    if (record.dp_jobs[job_index].state == DpJobState::cancelled) continue;
    start_dp_job(package_index, job_index);
    copying_count += copying(record.dp_jobs[job_index]) ? 1u : 0u;
  }
  const bool all_done =
      std::all_of(record.dp_jobs.begin(), record.dp_jobs.end(), [](const DpJob& job) {
        return job.state == DpJobState::done || job.state == DpJobState::cancelled;
      });
  if (all_done) conclude_copies(package_index);  // else copies in flight wake us up
}

void DistributionManager::start_dp_job(uint32_t package_index, uint32_t job_index) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  DISTSIM_ASSERT(job.state == DpJobState::waiting);
  job.state = DpJobState::copying;
  DpStatus& status = record.status.distribution_points[job.slot];
  ++status.attempt_count;
  ++status.attempts_in_cycle;
  DpSlot& slot = record.slots[job.slot];
  if (status.attempts_in_cycle == 1) slot.retry.first_attempt_start_us = ports_.scheduler.now();
  slot.retry.due_us.reset();
  const std::string folder = dp_package_path(record, job.slot);
  log(fmt::format("~Attempting to add or update package {} on distribution point {}",
                  record.definition.id, distribution_points_[slot.dp_index].share),
      record.thread_id);
  if (record.clear_dp_folders) {
    const Win32Error cleared = clear_dp_folder(folder);
    if (cleared != Win32Error::ok) {
      end_dp_job(package_index, job_index, cleared);
      return;
    }
  }
  const Win32Error made = ports_.file_system.create_directories(folder);
  if (made != Win32Error::ok) {
    end_dp_job(package_index, job_index, made);
    return;
  }
  if (record.definition.compressed) {
    auto opened =
        ports_.file_system.open({package_copy_path(record), AccessMask{access_bits::kGenericRead},
                                 ShareMode{share_bits::kRead}, CreateDisposition::open_existing});
    if (!opened.ok()) {
      end_dp_job(package_index, job_index, opened.error());
      return;
    }
    job.package_copy_handle = opened.value();
  }
  copy_next_file(package_index, job_index);
}

// Deletes every file below the folder, then the folders themselves, deepest first (sms2 update
// with Reserved Flags = 0). A missing folder is fine: there is nothing to delete.
Win32Error DistributionManager::clear_dp_folder(const std::string& folder) {
  std::vector<std::string> directories{folder};
  for (size_t index = 0; index < directories.size(); ++index) {
    DISTSIM_ASSERT(directories.size() <= kSourceFilesPerPackageMax);
    auto listing = ports_.file_system.list_directory(directories[index]);
    if (!listing.ok()) {
      const bool absent = listing.error() == Win32Error::path_not_found ||
                          listing.error() == Win32Error::file_not_found;
      if (absent && index == 0) return Win32Error::ok;
      return listing.error();
    }
    for (const DirectoryEntry& entry : listing.value()) {
      const std::string path = join_path(directories[index], entry.name);
      if (entry.is_directory) {
        directories.push_back(path);
        continue;
      }
      const Win32Error deleted = ports_.file_system.delete_file(path);
      if (deleted != Win32Error::ok) return deleted;
    }
  }
  for (auto directory = directories.rbegin(); directory != directories.rend(); ++directory) {
    const Win32Error removed = ports_.file_system.remove_directory(*directory);
    if (removed != Win32Error::ok) return removed;
  }
  return Win32Error::ok;
}

void DistributionManager::copy_next_file(uint32_t package_index, uint32_t job_index) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  if (job.file_index == record.files.size()) {
    end_dp_job(package_index, job_index, Win32Error::ok);
    return;
  }
  const SourceFile& file = record.files[job.file_index];
  const std::string target = join_path(dp_package_path(record, job.slot), file.relative_path);
  const Win32Error parent = ports_.file_system.create_directories(parent_of(target));
  if (parent != Win32Error::ok) {
    end_dp_job(package_index, job_index, parent);
    return;
  }
  auto opened = ports_.file_system.open({target, AccessMask{access_bits::kGenericWrite},
                                         ShareMode{0}, CreateDisposition::create_always});
  if (!opened.ok()) {
    end_dp_job(package_index, job_index, opened.error());
    return;
  }
  job.handle = opened.value();
  const uint32_t dp_index = record.slots[job.slot].dp_index;
  const TimeUs done_us =
      ports_.scheduler.now() +
      transfer_time_us(file.size_bytes, distribution_points_[dp_index].bandwidth_bytes_per_second);
  wake_at(done_us, {package_index, WakeKind::copy_done, record.generation, job_index});
}

void DistributionManager::finish_copy(uint32_t package_index, uint32_t job_index) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  DISTSIM_ASSERT(job.state == DpJobState::copying);
  DISTSIM_ASSERT(job.handle != 0);
  const Win32Error written = ports_.file_system.write(job.handle, record.snapshot[job.file_index]);
  ports_.file_system.close(job.handle);
  job.handle = 0;
  if (written != Win32Error::ok) {
    end_dp_job(package_index, job_index, written);
  } else {
    ++job.file_index;
    copy_next_file(package_index, job_index);
  }
  advance_copies(package_index);
}

void DistributionManager::end_dp_job(uint32_t package_index, uint32_t job_index, Win32Error error) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  DISTSIM_ASSERT(job.state == DpJobState::copying);
  DISTSIM_ASSERT(job.handle == 0);
  if (job.package_copy_handle != 0) {
    ports_.file_system.close(job.package_copy_handle);
    job.package_copy_handle = 0;
  }
  job.state = DpJobState::done;
  job.error = error;
  mark_dirty(package_index);
  DpStatus& status = record.status.distribution_points[job.slot];
  status.last_error = error;
  const DistributionPointDefinition& dp = distribution_points_[record.slots[job.slot].dp_index];
  if (job.old_cycle) {  // an update or refresh came in meanwhile: the next pass copies again
    log(fmt::format("~Copy of package {} to distribution point {} is superseded by a newer "
                    "request.",
                    record.definition.id, dp.share),
        record.thread_id);
    return;
  }
  if (error == Win32Error::ok) {
    record.slots[job.slot].needs_copy = false;
    status.installed_at_us = ports_.scheduler.now();
    set_dp_state(record, job.slot, DpState::installed);
    log(fmt::format("~Package {} has been copied to distribution point {}.", record.definition.id,
                    dp.share),
        record.thread_id);
    raise(status_id::kCopiedToDp, {record.definition.id, dp.share}, record, record.thread_id,
          dp.share);
    return;
  }
  log(fmt::format("~Error {}: {} Cannot copy package {} to distribution point {}.",
                  win32_code(error), win32_error_message(error), record.definition.id, dp.share),
      record.thread_id, LogSeverity::error);
}

void DistributionManager::conclude_copies(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  record.clear_dp_folders =
      record.clear_dp_folders &&
      std::any_of(record.dp_jobs.begin(), record.dp_jobs.end(),
                  [](const DpJob& job) { return job.error != Win32Error::ok; });
  std::optional<Win32Error> first_error;
  PassResult result = PassResult::success;
  for (const DpJob& job : record.dp_jobs) {
    if (job.error == Win32Error::ok || job.state == DpJobState::cancelled || job.old_cycle) {
      continue;
    }
    if (!first_error) first_error = job.error;
    if (config_.retry_unit == RetryUnit::distribution_point) {
      const bool retried = retry_dp_or_fail(record, package_index, job.slot, job.error);
      result = result == PassResult::failed || !retried ? PassResult::failed : PassResult::retry;
      continue;
    }
    const DistributionPointDefinition& dp = distribution_points_[record.slots[job.slot].dp_index];
    raise(status_id::kCopyToDpFailed,
          {record.definition.id, record.definition.source_path, dp_package_path(record, job.slot)},
          record, record.thread_id, dp.share);
  }
  if (first_error && config_.retry_unit == RetryUnit::package) {
    fail_pass(package_index, *first_error);
    return;
  }
  finish_pass(package_index, result, first_error.value_or(Win32Error::ok));
}

bool DistributionManager::retry_dp_or_fail(PackageRecord& record, uint32_t package_index,
                                           uint32_t slot, Win32Error error) {
  DpSlot& dp_slot = record.slots[slot];
  const DistributionPointDefinition& dp = distribution_points_[dp_slot.dp_index];
  const TimeUs now_us = ports_.scheduler.now();
  const RetryDecision decision =
      decide_retry(config_.retry, error,
                   {dp_slot.retry.retries_done, dp_slot.retry.first_attempt_start_us, now_us,
                    dp_slot.retry.previous_delay_us},
                   ports_.random);
  const std::vector<std::string> insertions{record.definition.id, record.definition.source_path,
                                            dp_package_path(record, slot)};
  if (!decision.retry) {
    set_dp_state(record, slot, DpState::install_failed);
    log(fmt::format("~Package {} failed on distribution point {} after {} retries; it will not be "
                    "retried: {}.",
                    record.definition.id, dp.share, dp_slot.retry.retries_done, decision.reason),
        record.thread_id, LogSeverity::error);
    raise(status_id::kCopyToDpFailed, insertions, record, record.thread_id, dp.share,
          Severity::error);
    return false;
  }
  ++dp_slot.retry.retries_done;
  dp_slot.retry.previous_delay_us = decision.delay_us;
  dp_slot.retry.due_us = now_us + decision.delay_us;
  set_dp_state(record, slot, DpState::install_retrying);
  log(fmt::format("~Will retry package {} on distribution point {} in {} seconds (retry {} of {}).",
                  record.definition.id, dp.share, decision.delay_us / kMicrosecondsPerSecond,
                  dp_slot.retry.retries_done, retry_count_text()),
      record.thread_id, LogSeverity::warning);
  raise(status_id::kCopyToDpFailed, insertions, record, record.thread_id, dp.share);
  ports_.reporter.retry_scheduled({record.definition.id, dp.name,
                                   record.status.distribution_points[slot].attempts_in_cycle + 1,
                                   *dp_slot.retry.due_us});
  wake_at(*dp_slot.retry.due_us,
          {package_index, WakeKind::dp_retry_due, dp_slot.retry.generation, slot});
  return true;
}

}  // namespace distsim::model
