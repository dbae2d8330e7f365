// The Distribution Manager's processing pass, phase by phase: start (2300), list and read the
// source files with the site's source_open flags (where KB Q207416's error 32 happens), an
// optional compressed copy, the copy to each distribution point with at most threads_per_package
// copies at once, then 2301, or 2302 and a retry scheduled by the policy. Retries are per package
// (sms2) or per distribution point (ConfigMgr profiles).
#include "model/distribution_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "model/assert.h"

namespace distsim::model {
namespace {

constexpr uint64_t kTokenKindBits = 4;
constexpr uint64_t kTokenDetailBits = 12;
constexpr uint64_t kTokenGenerationBits = 24;
constexpr uint32_t kTokenGenerationMask = (1u << kTokenGenerationBits) - 1;

std::string join_path(std::string_view directory, std::string_view name) {
  if (!directory.empty() && directory.back() == '\\') return fmt::format("{}{}", directory, name);
  return fmt::format("{}\\{}", directory, name);
}

std::string parent_of(const std::string& path) { return path.substr(0, path.rfind('\\')); }

}  // namespace

DistributionManager::DistributionManager(SiteConfig config, ManagerPorts ports)
    : config_(std::move(config)), ports_(ports) {
  DISTSIM_ASSERT(config_.max_packages >= 1);
  DISTSIM_ASSERT(config_.threads_per_package >= 1);
  DISTSIM_ASSERT(config_.read_bandwidth_bytes_per_second >= 1);
}

void DistributionManager::add_distribution_point(DistributionPointDefinition definition) {
  DISTSIM_ASSERT(distribution_points_.size() < kManagedDistributionPointsMax);
  DISTSIM_ASSERT(definition.bandwidth_bytes_per_second >= 1);
  for (const auto& existing : distribution_points_)
    DISTSIM_ASSERT(existing.name != definition.name);
  distribution_points_.push_back(std::move(definition));
}

// --- notifications and queueing -----------------------------------------------------------

void DistributionManager::package_created(PackageDefinition definition) {
  DISTSIM_ASSERT(packages_.size() < kManagedPackagesMax);
  DISTSIM_ASSERT(index_by_id_.count(definition.id) == 0);
  PackageRecord record;
  for (uint32_t index = 0; index < distribution_points_.size(); ++index) {
    const auto& names = definition.distribution_points;
    if (names.empty() ||
        std::find(names.begin(), names.end(), distribution_points_[index].name) != names.end()) {
      record.slots.push_back(DpSlot{index, true, {}});
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
  log(fmt::format("~Found package notification for package {}.", record.definition.id),
      kMainThreadId);
  const auto package_index = static_cast<uint32_t>(packages_.size());
  index_by_id_.emplace(record.definition.id, package_index);
  packages_.push_back(std::move(record));
  mark_dirty(package_index);
  wake_waiting_retries(package_index);
  queue_pass(package_index);
  start_queued_passes();
  save_dirty();
}

void DistributionManager::package_updated(const std::string& package_id) {
  const uint32_t package_index = package_index_of(package_id);
  PackageRecord& record = packages_[package_index];
  log(fmt::format("~Found an update request for package {}: a new source version.", package_id),
      kMainThreadId);
  record.snapshot_valid = false;
  ++record.status.update_count;  // a new source version is wanted
  record.clear_dp_folders = config_.update_deletes_dp_folder;
  restart_cycle(package_index, {});
}

void DistributionManager::package_refreshed(const std::string& package_id,
                                            const std::vector<std::string>& dp_names) {
  const uint32_t package_index = package_index_of(package_id);
  log(fmt::format("~Found a refresh request for package {}.", package_id), kMainThreadId);
  restart_cycle(package_index, dp_names);
}

// An update or refresh starts a new retry cycle for the package and for the DPs it names (all
// when empty), then queues a pass. Resetting the package's own cycle too was found by `distsim
// explore`: without it a refresh after a failed pass broke the retry bound.
void DistributionManager::restart_cycle(uint32_t package_index,
                                        const std::vector<std::string>& dp_names) {
  PackageRecord& record = packages_[package_index];
  record.retries_exhausted = false;
  record.cycle_restarted = record.phase != Phase::idle && record.phase != Phase::queued;
  record.retry = RetryState{0, 0, 0, std::nullopt, record.retry.generation + 1};
  record.status.attempts_in_cycle = 0;
  for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
    const std::string& name = record.status.distribution_points[slot].dp_name;
    if (!dp_names.empty() && std::find(dp_names.begin(), dp_names.end(), name) == dp_names.end()) {
      continue;
    }
    DpSlot& dp = record.slots[slot];
    dp.needs_copy = true;
    dp.retry = RetryState{0, 0, 0, std::nullopt, dp.retry.generation + 1};
    record.status.distribution_points[slot].attempts_in_cycle = 0;
    set_dp_state(record, slot, DpState::install_pending);
    for (DpJob& job : record.dp_jobs) {  // this pass's copies to the DP belong to the old cycle
      if (job.slot != slot) continue;
      if (job.active || job.done) {
        job.old_cycle = true;  // under way or finished: it copied the old version
      } else {
        job.done = true;  // not started: the pass that follows copies it, in the new cycle
        job.cancelled = true;
      }
    }
  }
  refresh_package_state(record);
  mark_dirty(package_index);
  wake_waiting_retries(package_index);
  queue_pass(package_index);
  start_queued_passes();
  save_dirty();
}

uint32_t DistributionManager::package_index_of(const std::string& package_id) const {
  const auto found = index_by_id_.find(package_id);
  DISTSIM_ASSERT(found != index_by_id_.end());  // the loader refuses unknown packages
  return found->second;
}

void DistributionManager::queue_pass(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  if (record.phase == Phase::queued) return;
  if (record.phase != Phase::idle) {
    record.rerun_after_pass = true;
    return;
  }
  record.phase = Phase::queued;
  queue_.push_back(package_index);
}

// KB Q319207: retries also run "more often when distmgr is busy". See SiteConfig::retry_on_wake.
void DistributionManager::wake_waiting_retries(uint32_t except_index) {
  if (!config_.retry_on_wake) return;
  const TimeUs now_us = ports_.scheduler.now();
  for (uint32_t index = 0; index < packages_.size(); ++index) {
    PackageRecord& record = packages_[index];
    if (index == except_index || record.phase != Phase::idle || !record.retry.due_us) continue;
    if (*record.retry.due_us <= now_us) continue;  // its own wake-up is about to run it
    const TimeUs failed_at_us = *record.retry.due_us - record.retry.previous_delay_us;
    if (now_us - failed_at_us < config_.retry_on_wake_min_us) continue;  // failed just now
    log(fmt::format("~Woken for other work: retrying package {} now instead of at {}.",
                    record.status.id, local_time_text(*record.retry.due_us)),
        kMainThreadId);
    record.retry.due_us.reset();
    ++record.retry.generation;
    mark_dirty(index);
    queue_pass(index);
  }
}

void DistributionManager::start_queued_passes() {
  while (active_passes_ < config_.max_packages && !queue_.empty()) {
    const uint32_t package_index = queue_.front();
    queue_.pop_front();
    start_pass(package_index);
  }
}

WakeToken DistributionManager::make_token(uint32_t package_index, WakeKind kind,
                                          uint32_t generation, uint32_t detail) const {
  DISTSIM_ASSERT(detail < (1u << kTokenDetailBits));
  DISTSIM_ASSERT(package_index < packages_.size());
  uint64_t value = package_index;
  value = (value << kTokenGenerationBits) | (generation & kTokenGenerationMask);
  value = (value << kTokenDetailBits) | detail;
  value = (value << kTokenKindBits) | static_cast<uint64_t>(kind);
  return WakeToken{value};
}

void DistributionManager::on_wake(WakeToken token) {
  dispatch_wake(token);
  save_dirty();
}

void DistributionManager::dispatch_wake(WakeToken token) {
  const auto kind = static_cast<WakeKind>(token.value & ((1u << kTokenKindBits) - 1));
  const auto detail =
      static_cast<uint32_t>((token.value >> kTokenKindBits) & ((1u << kTokenDetailBits) - 1));
  const auto generation = static_cast<uint32_t>(
      (token.value >> (kTokenKindBits + kTokenDetailBits)) & kTokenGenerationMask);
  const auto package_index = static_cast<uint32_t>(
      token.value >> (kTokenKindBits + kTokenDetailBits + kTokenGenerationBits));
  DISTSIM_ASSERT(package_index < packages_.size());
  PackageRecord& record = packages_[package_index];
  const bool current_pass = (record.generation & kTokenGenerationMask) == generation;
  switch (kind) {
    case WakeKind::retry_due:
      on_retry_due(package_index, generation);
      return;
    case WakeKind::dp_retry_due:
      on_dp_retry_due(package_index, detail, generation);
      return;
    case WakeKind::read_done:
      DISTSIM_ASSERT(current_pass && record.phase == Phase::reading);
      finish_read(package_index);
      return;
    case WakeKind::compress_done:
      DISTSIM_ASSERT(current_pass && record.phase == Phase::compressing);
      finish_compression(package_index);
      return;
    case WakeKind::copy_done:
      DISTSIM_ASSERT(current_pass && record.phase == Phase::copying);
      finish_copy(package_index, detail);
      return;
  }
  DISTSIM_ASSERT(false);
}

void DistributionManager::on_retry_due(uint32_t package_index, uint32_t generation) {
  PackageRecord& record = packages_[package_index];
  if ((record.retry.generation & kTokenGenerationMask) != generation) return;  // superseded
  record.retry.due_us.reset();
  queue_pass(package_index);
  start_queued_passes();
}

void DistributionManager::on_dp_retry_due(uint32_t package_index, uint32_t slot,
                                          uint32_t generation) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(slot < record.slots.size());
  if ((record.slots[slot].retry.generation & kTokenGenerationMask) != generation) return;
  if (!record.slots[slot].retry.due_us) return;  // another pass copied it already
  queue_pass(package_index);
  start_queued_passes();
}

// --- the pass: source ------------------------------------------------------------------------

void DistributionManager::start_pass(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.phase == Phase::queued);
  mark_dirty(package_index);
  ++active_passes_;
  ++record.generation;
  ++record.status.attempt_count;
  ++record.status.attempts_in_cycle;
  const TimeUs now_us = ports_.scheduler.now();
  if (record.status.attempts_in_cycle == 1) record.retry.first_attempt_start_us = now_us;
  record.thread_id = next_thread_id_;
  next_thread_id_ += 4;  // Windows thread IDs are multiples of four
  log(fmt::format("~Used {} out of {} allowed processing threads.", active_passes_ - 1,
                  config_.max_packages),
      kMainThreadId);
  log(fmt::format("~Starting package processing thread,thread ID = {:X}", record.thread_id),
      kMainThreadId);
  ports_.reporter.pass_started({record.definition.id, record.status.attempt_count});
  raise(status_id::kPackageProcessingStarted, {record.definition.name, record.definition.id},
        record, record.thread_id);
  log(fmt::format("Start adding package {}...", record.definition.id), record.thread_id);
  if (record.status.attempts_in_cycle > 1) {
    log(fmt::format("~Retrying package {}: attempt {}, retry {} of {}.", record.definition.id,
                    record.status.attempts_in_cycle, record.retry.retries_done, retry_count_text()),
        record.thread_id);
  }
  if (record.snapshot_valid) {
    log(fmt::format("~Package {} source version {} was already read; using it.",
                    record.definition.id, record.status.update_count + 1),
        record.thread_id);
    start_copies(package_index);
    return;
  }
  begin_reading(package_index);
}

// Lists the source and reads it file by file; called again when an update asks for a newer
// version while a read is under way.
void DistributionManager::begin_reading(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  record.files.clear();
  record.snapshot.clear();
  record.file_index = 0;
  record.reading_version = record.status.update_count;
  record.phase = Phase::reading;
  const Win32Error list_error = list_source(record);
  if (list_error != Win32Error::ok) {
    log(fmt::format("~The source directory {} for package {} is not accessible.",
                    record.definition.source_path, record.definition.id),
        record.thread_id, LogSeverity::error);
    if (config_.profile != Profile::sms2) {
      raise(status_id::kSourceNotAccessible,
            {record.definition.id, record.definition.source_path,
             fmt::format("{}", win32_code(list_error))},
            record, record.thread_id);
    }
    fail_pass(package_index, list_error);
    return;
  }
  uint64_t total_bytes = 0;
  for (const auto& file : record.files) total_bytes += file.size_bytes;
  log(fmt::format("The size of package {} is {} KBytes", record.definition.id,
                  (total_bytes + 1023) / 1024),
      record.thread_id);
  read_next_file(package_index);
}

Win32Error DistributionManager::list_source(PackageRecord& record) {
  // Breadth-first walk with an explicit queue: bounded by depth and file count, no recursion.
  struct Pending {
    std::string path;
    std::string relative;
    uint32_t depth;
  };
  std::deque<Pending> directories{{record.definition.source_path, "", 0}};
  while (!directories.empty()) {
    Pending directory = std::move(directories.front());
    directories.pop_front();
    auto listing = ports_.file_system.list_directory(directory.path);
    if (!listing.ok()) return listing.error();
    for (const DirectoryEntry& entry : listing.value()) {
      std::string path = join_path(directory.path, entry.name);
      std::string relative =
          directory.relative.empty() ? entry.name : join_path(directory.relative, entry.name);
      if (entry.is_directory) {
        if (directory.depth + 1 > kSourceDirectoryDepthMax) {
          return Win32Error::filename_exced_range;
        }
        directories.push_back({std::move(path), std::move(relative), directory.depth + 1});
        continue;
      }
      if (record.files.size() >= kSourceFilesPerPackageMax) return Win32Error::not_enough_memory;
      record.files.push_back({std::move(path), std::move(relative), entry.size_bytes});
    }
  }
  return Win32Error::ok;
}

void DistributionManager::read_next_file(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.source_handle == 0);
  if (record.file_index == record.files.size()) {
    if (record.reading_version != record.status.update_count) {
      // An update during the read asked for a newer version: read the source again, in this
      // pass, instead of copying a version nobody wants any more.
      log(fmt::format("~A newer version of package {} was requested while reading it; reading "
                      "the source again.",
                      record.definition.id),
          record.thread_id);
      begin_reading(package_index);
      return;
    }
    record.snapshot_valid = true;
    if (record.definition.compressed) {
      start_compression(package_index);
    } else {
      start_copies(package_index);
    }
    return;
  }
  const SourceFile& file = record.files[record.file_index];
  auto opened =
      ports_.file_system.open({file.path, config_.source_open_access, config_.source_open_share,
                               CreateDisposition::open_existing});
  if (!opened.ok()) {
    log(fmt::format("~Cannot open source file {} for package {}.", file.path, record.definition.id),
        record.thread_id, LogSeverity::error);
    fail_pass(package_index, opened.error());
    return;
  }
  record.source_handle = opened.value();
  const TimeUs done_us = ports_.scheduler.now() +
                         transfer_time_us(file.size_bytes, config_.read_bandwidth_bytes_per_second);
  ports_.scheduler.wake_at(done_us,
                           make_token(package_index, WakeKind::read_done, record.generation, 0));
}

void DistributionManager::finish_read(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.source_handle != 0);
  auto content = ports_.file_system.read(record.source_handle);
  ports_.file_system.close(record.source_handle);
  record.source_handle = 0;
  if (!content.ok()) {
    log(fmt::format("~Cannot read source file {} for package {}.",
                    record.files[record.file_index].path, record.definition.id),
        record.thread_id, LogSeverity::error);
    fail_pass(package_index, content.error());
    return;
  }
  record.snapshot.push_back(content.value());
  ++record.file_index;
  read_next_file(package_index);
}

void DistributionManager::start_compression(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  record.phase = Phase::compressing;
  log(fmt::format("~Package {} doesn't have a compressed copy of the source directory, starting "
                  "the compression.",
                  record.definition.id),
      record.thread_id);
  const std::string path = package_copy_path(record);
  Win32Error made = ports_.file_system.create_directories(parent_of(path));
  auto opened = made == Win32Error::ok
                    ? ports_.file_system.open({path, AccessMask{access_bits::kGenericWrite},
                                               ShareMode{0}, CreateDisposition::create_always})
                    : Result<HandleId>(made);
  if (!opened.ok()) {
    record.snapshot_valid = false;  // no usable .PCK: the next pass compresses again
    log(fmt::format("~Cannot create the compressed copy {} of package {}.", path,
                    record.definition.id),
        record.thread_id, LogSeverity::error);
    fail_pass(package_index, opened.error());
    return;
  }
  record.source_handle = opened.value();
  uint64_t total_bytes = 0;
  for (const auto& file : record.files) total_bytes += file.size_bytes;
  const TimeUs done_us = ports_.scheduler.now() +
                         transfer_time_us(total_bytes, config_.read_bandwidth_bytes_per_second);
  ports_.scheduler.wake_at(
      done_us, make_token(package_index, WakeKind::compress_done, record.generation, 0));
}

void DistributionManager::finish_compression(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  uint64_t total_bytes = 0;
  uint64_t version_mix = record.status.update_count;
  for (size_t index = 0; index < record.files.size(); ++index) {
    total_bytes += record.files[index].size_bytes;
    version_mix = version_mix * 1099511628211ull + record.snapshot[index].content_version;
  }
  const uint64_t compressed_bytes = total_bytes / 1000 * config_.compression_per_mille +
                                    total_bytes % 1000 * config_.compression_per_mille / 1000;
  const Win32Error written =
      ports_.file_system.write(record.source_handle, FileContent{compressed_bytes, version_mix});
  ports_.file_system.close(record.source_handle);
  record.source_handle = 0;
  if (written != Win32Error::ok) {
    record.snapshot_valid = false;
    fail_pass(package_index, written);
    return;
  }
  log(fmt::format("The compressed size of package {} is {} KBytes", record.definition.id,
                  (compressed_bytes + 1023) / 1024),
      record.thread_id);
  start_copies(package_index);
}

// --- the pass: distribution points -----------------------------------------------------------

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
    record.dp_jobs.push_back(DpJob{slot, 0, 0, 0, false, false, Win32Error::ok});
  }
  advance_copies(package_index);
}

void DistributionManager::advance_copies(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.phase == Phase::copying);
  uint32_t active_jobs = 0;
  for (const DpJob& job : record.dp_jobs) active_jobs += job.active ? 1u : 0u;
  while (active_jobs < config_.threads_per_package && record.next_dp_job < record.dp_jobs.size()) {
    const uint32_t job_index = record.next_dp_job++;
    if (record.dp_jobs[job_index].cancelled) continue;
    start_dp_job(package_index, job_index);
    active_jobs += record.dp_jobs[job_index].active ? 1u : 0u;
  }
  const bool all_done = std::all_of(record.dp_jobs.begin(), record.dp_jobs.end(),
                                    [](const DpJob& job) { return job.done; });
  if (all_done) conclude_copies(package_index);  // else copies in flight wake us up
}

void DistributionManager::start_dp_job(uint32_t package_index, uint32_t job_index) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  DISTSIM_ASSERT(!job.active && !job.done);
  job.active = true;
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
  ports_.scheduler.wake_at(
      done_us, make_token(package_index, WakeKind::copy_done, record.generation, job_index));
}

void DistributionManager::finish_copy(uint32_t package_index, uint32_t job_index) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  DISTSIM_ASSERT(job.active);
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
  DISTSIM_ASSERT(job.active);
  DISTSIM_ASSERT(job.handle == 0);
  if (job.package_copy_handle != 0) {
    ports_.file_system.close(job.package_copy_handle);
    job.package_copy_handle = 0;
  }
  job.active = false;
  job.done = true;
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
    if (job.error == Win32Error::ok || job.cancelled || job.old_cycle) continue;
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
  ports_.scheduler.wake_at(*dp_slot.retry.due_us, make_token(package_index, WakeKind::dp_retry_due,
                                                             dp_slot.retry.generation, slot));
  return true;
}

// --- the pass: endings -----------------------------------------------------------------------

// The source was processed (2301); under a per-DP policy some DP copies may still have failed,
// which `result` and `error` report.
void DistributionManager::finish_pass(uint32_t package_index, PassResult result, Win32Error error) {
  PackageRecord& record = packages_[package_index];
  log(fmt::format("~Successfully created/updated the package {}", record.definition.id),
      record.thread_id);
  raise(status_id::kPackageProcessed, {record.definition.name, record.definition.id}, record,
        record.thread_id);
  record.status.last_error = Win32Error::ok;
  ports_.reporter.pass_ended({record.definition.id, record.status.attempt_count, result, error});
  end_pass(package_index);
}

void DistributionManager::fail_pass(uint32_t package_index, Win32Error error) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(error != Win32Error::ok);
  DISTSIM_ASSERT(record.source_handle == 0);
  const TimeUs now_us = ports_.scheduler.now();
  record.status.last_error = error;
  if (config_.retry_unit == RetryUnit::package) record.snapshot_valid = false;  // redo it all
  log(fmt::format("~Error {}: {}", win32_code(error), win32_error_message(error)), record.thread_id,
      LogSeverity::error);
  // With an update or refresh waiting, the next pass starts as soon as this one ends: scheduling
  // a retry as well would leave two retry chains (found by review).
  const RetryDecision decision =
      record.cycle_restarted
          ? RetryDecision{true, 0, "an update or refresh is pending"}
          : decide_retry(config_.retry, error,
                         {record.retry.retries_done, record.retry.first_attempt_start_us, now_us,
                          record.retry.previous_delay_us},
                         ports_.random);
  std::string next_retry = "none";
  if (decision.retry) {
    next_retry = local_time_text(now_us + decision.delay_us);
    log(fmt::format("~Failed to process package {} (retries so far: {} of {}). Will retry in {} "
                    "seconds, at {}.",
                    record.definition.id, record.retry.retries_done, retry_count_text(),
                    decision.delay_us / kMicrosecondsPerSecond, next_retry),
        record.thread_id, LogSeverity::warning);
  } else {
    log(fmt::format("~Failed to process package {} (retries so far: {} of {}). It will not be "
                    "retried: {}.",
                    record.definition.id, record.retry.retries_done, retry_count_text(),
                    decision.reason),
        record.thread_id, LogSeverity::error);
  }
  raise(status_id::kPackageFailed,
        {record.definition.name, record.definition.id, fmt::format("{}", win32_code(error)),
         fmt::format("{}", record.retry.retries_done), next_retry},
        record, record.thread_id);
  ports_.reporter.pass_ended({record.definition.id, record.status.attempt_count,
                              decision.retry ? PassResult::retry : PassResult::failed, error});
  for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
    if (!record.slots[slot].needs_copy) continue;
    set_dp_state(record, slot,
                 decision.retry ? DpState::install_retrying : DpState::install_failed);
  }
  record.retries_exhausted = !decision.retry;
  if (decision.retry && !record.cycle_restarted) {
    ++record.retry.retries_done;
    record.retry.previous_delay_us = decision.delay_us;
    record.retry.due_us = now_us + decision.delay_us;
    ports_.reporter.retry_scheduled(
        {record.definition.id, "", record.status.attempts_in_cycle + 1, *record.retry.due_us});
    ports_.scheduler.wake_at(*record.retry.due_us, make_token(package_index, WakeKind::retry_due,
                                                              record.retry.generation, 0));
  }
  end_pass(package_index);
}

void DistributionManager::end_pass(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  mark_dirty(package_index);
  record.phase = Phase::idle;
  refresh_package_state(record);
  DISTSIM_ASSERT(active_passes_ > 0);
  --active_passes_;
  record.cycle_restarted = false;
  if (record.rerun_after_pass) {
    record.rerun_after_pass = false;
    queue_pass(package_index);
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
  if (state == PackageState::installed) record.status.installed_at_us = ports_.scheduler.now();
}

void DistributionManager::set_dp_state(PackageRecord& record, uint32_t slot, DpState state) {
  DpStatus& status = record.status.distribution_points[slot];
  if (status.state == state) return;
  status.state = state;
  ports_.reporter.dp_state_changed(
      {record.definition.id, status.dp_name, std::string(dp_state_name(state))});
}

// --- persistence -----------------------------------------------------------------------------

void DistributionManager::mark_dirty(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  if (record.dirty) return;
  record.dirty = true;
  dirty_.push_back(package_index);
}

void DistributionManager::save_dirty() {
  for (const uint32_t package_index : dirty_) {
    PackageRecord& record = packages_[package_index];
    ports_.state_store.save_package(stored_form(record));
    record.dirty = false;
  }
  dirty_.clear();
}

StoredPackage DistributionManager::stored_form(const PackageRecord& record) const {
  const auto stored_retry = [](const RetryState& retry) {
    return StoredRetry{retry.retries_done, retry.first_attempt_start_us, retry.previous_delay_us,
                       retry.due_us};
  };
  StoredPackage stored;
  stored.definition = record.definition;
  stored.status = record.status;
  stored.retry = stored_retry(record.retry);
  for (const DpSlot& slot : record.slots) {
    stored.distribution_points.push_back({slot.needs_copy, stored_retry(slot.retry)});
  }
  stored.retries_exhausted = record.retries_exhausted;
  stored.clear_dp_folders = record.clear_dp_folders;
  stored.pass_in_progress = record.phase != Phase::idle;
  return stored;
}

void DistributionManager::restore(const StoredPackage& stored) {
  const auto retry_state = [](const StoredRetry& retry) {
    return RetryState{retry.retries_done, retry.first_attempt_start_us, retry.previous_delay_us,
                      retry.due_us, 0};
  };
  PackageRecord record;
  record.definition = stored.definition;
  record.status = stored.status;
  record.retry = retry_state(stored.retry);
  record.retries_exhausted = stored.retries_exhausted;
  record.clear_dp_folders = stored.clear_dp_folders;
  DISTSIM_ASSERT(stored.distribution_points.size() == stored.status.distribution_points.size());
  for (size_t slot = 0; slot < stored.distribution_points.size(); ++slot) {
    const std::string& name = stored.status.distribution_points[slot].dp_name;
    const auto dp = std::find_if(distribution_points_.begin(), distribution_points_.end(),
                                 [&name](const auto& each) { return each.name == name; });
    DISTSIM_ASSERT(dp != distribution_points_.end());
    record.slots.push_back(DpSlot{static_cast<uint32_t>(dp - distribution_points_.begin()),
                                  stored.distribution_points[slot].needs_copy,
                                  retry_state(stored.distribution_points[slot].retry)});
  }
  index_by_id_.emplace(record.definition.id, static_cast<uint32_t>(packages_.size()));
  packages_.push_back(std::move(record));
}

// A pass the crash cut short made attempts that never got their retry decision. Each counts as
// a failed attempt now: the restart uses one retry, or the unit fails when none is left (found by
// review: without this a crash let a package or DP exceed its retry count by one).
void DistributionManager::account_interrupted_attempts(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  const auto& most = config_.retry.retry_count_max;
  bool rerun = false;
  if (config_.retry_unit == RetryUnit::package) {
    const uint32_t attempts = record.status.attempts_in_cycle;
    if (most && attempts > *most) {
      record.retries_exhausted = true;
    } else {
      record.retry.retries_done = attempts;
      rerun = true;
    }
  } else {
    rerun = !record.snapshot_valid;  // the source read or the compression may not have finished
    for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
      DpSlot& dp = record.slots[slot];
      const uint32_t attempts = record.status.distribution_points[slot].attempts_in_cycle;
      if (!dp.needs_copy || attempts <= dp.retry.retries_done) continue;
      if (most && attempts > *most) {
        set_dp_state(record, slot, DpState::install_failed);
        continue;
      }
      dp.retry.retries_done = attempts;
      dp.retry.due_us.reset();
      rerun = true;
    }
  }
  record.retry.due_us.reset();
  refresh_package_state(record);
  mark_dirty(package_index);
  if (rerun) queue_pass(package_index);
}

void DistributionManager::recover() {
  DISTSIM_ASSERT(packages_.empty());
  const std::vector<StoredPackage> stored = ports_.state_store.load_packages();
  for (const StoredPackage& package : stored) restore(package);
  const TimeUs now_us = ports_.scheduler.now();
  for (uint32_t index = 0; index < packages_.size(); ++index) {
    PackageRecord& record = packages_[index];
    log(fmt::format("~Recovered package {} from the retry history: {} attempts, {} retries so far.",
                    record.status.id, record.status.attempts_in_cycle, record.retry.retries_done),
        kMainThreadId);
    if (stored[index].pass_in_progress) {
      account_interrupted_attempts(index);
    } else if (record.retry.due_us && *record.retry.due_us <= now_us) {
      record.retry.due_us.reset();
      queue_pass(index);
    } else if (record.retry.due_us) {
      ports_.scheduler.wake_at(*record.retry.due_us,
                               make_token(index, WakeKind::retry_due, record.retry.generation, 0));
    }
    for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
      const RetryState& retry = record.slots[slot].retry;
      if (!retry.due_us) continue;
      if (*retry.due_us <= now_us) {
        queue_pass(index);
      } else {
        ports_.scheduler.wake_at(*retry.due_us,
                                 make_token(index, WakeKind::dp_retry_due, retry.generation, slot));
      }
    }
  }
  start_queued_passes();
  save_dirty();
}

// --- helpers ---------------------------------------------------------------------------------

std::string DistributionManager::dp_package_path(const PackageRecord& record, uint32_t slot) const {
  return join_path(distribution_points_[record.slots[slot].dp_index].share, record.definition.id);
}

std::string DistributionManager::package_copy_path(const PackageRecord& record) const {
  return join_path(config_.package_store, record.definition.id + ".PCK");
}

void DistributionManager::log(std::string_view text, uint32_t thread_id, LogSeverity severity) {
  ports_.reporter.log_line({std::string(text), thread_id, severity});
}

void DistributionManager::raise(uint32_t id, std::vector<std::string> insertions,
                                const PackageRecord& record, uint32_t thread_id,
                                std::string dp_name, std::optional<Severity> severity) {
  StatusMessage message = make_status_message(id, std::move(insertions), record.definition.id,
                                              std::move(dp_name), ports_.scheduler.now());
  if (severity) message.severity = *severity;
  const std::string statmsg =
      statmsg_text(message, config_.clock,
                   {config_.server_name, config_.site_code, config_.process_id, thread_id});
  const LogSeverity log_severity = message.severity == Severity::error     ? LogSeverity::error
                                   : message.severity == Severity::warning ? LogSeverity::warning
                                                                           : LogSeverity::info;
  ports_.reporter.status_message(message);
  log(statmsg, thread_id, log_severity);
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
  const CivilTime local = local_time(config_.clock, t_us);
  return fmt::format("{:02}/{:02}/{:04} {:02}:{:02}:{:02}", local.month, local.day, local.year,
                     local.hour, local.minute, local.second);
}

std::string DistributionManager::retry_count_text() const {
  return config_.retry.retry_count_max ? fmt::format("{}", *config_.retry.retry_count_max)
                                       : std::string("unlimited");
}

std::vector<PackageStatus> DistributionManager::package_statuses() const {
  std::vector<PackageStatus> statuses;
  statuses.reserve(packages_.size());
  for (const auto& record : packages_) statuses.push_back(record.status);
  return statuses;
}

std::optional<PackageStatus> DistributionManager::package_status(
    const std::string& package_id) const {
  const auto found = index_by_id_.find(package_id);
  if (found == index_by_id_.end()) return std::nullopt;
  return packages_[found->second].status;
}

uint32_t DistributionManager::open_handle_count() const {
  uint32_t count = 0;
  for (const auto& record : packages_) {
    count += record.source_handle != 0 ? 1u : 0u;
    for (const DpJob& job : record.dp_jobs) {
      count += (job.handle != 0 ? 1u : 0u) + (job.package_copy_handle != 0 ? 1u : 0u);
    }
  }
  return count;
}

}  // namespace distsim::model
