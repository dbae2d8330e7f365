// The Distribution Manager's processing pass, phase by phase: start (2300), list and read the
// source files with the site's source_open flags (where KB Q207416's error 32 happens), copy the
// snapshot to each distribution point with at most threads_per_package copies at once, then 2301,
// or 2302 and a retry scheduled by the policy.
#include "model/distribution_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "model/assert.h"

namespace distsim::model {
namespace {

constexpr uint64_t kTokenKindBits = 4;
constexpr uint64_t kTokenJobBits = 12;
constexpr uint64_t kTokenGenerationBits = 24;

std::string join_path(std::string_view directory, std::string_view name) {
  if (!directory.empty() && directory.back() == '\\') return fmt::format("{}{}", directory, name);
  return fmt::format("{}\\{}", directory, name);
}

std::string retry_count_text(const RetryPolicy& policy) {
  return policy.retry_count_max ? fmt::format("{}", *policy.retry_count_max) : "unlimited";
}

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

void DistributionManager::package_created(PackageDefinition definition) {
  DISTSIM_ASSERT(packages_.size() < kManagedPackagesMax);
  DISTSIM_ASSERT(!package_status(definition.id).has_value());
  PackageRecord record;
  for (uint32_t index = 0; index < distribution_points_.size(); ++index) {
    const auto& names = definition.distribution_points;
    if (names.empty() ||
        std::find(names.begin(), names.end(), distribution_points_[index].name) != names.end()) {
      record.dp_indexes.push_back(index);
      record.status.distribution_points.push_back({distribution_points_[index].name});
    }
  }
  DISTSIM_ASSERT(definition.distribution_points.empty() ||
                 record.dp_indexes.size() == definition.distribution_points.size());
  record.status.id = definition.id;
  record.status.name = definition.name;
  record.status.state_since_us = ports_.scheduler.now();
  record.definition = std::move(definition);
  log(fmt::format("~Found package notification for package {}.", record.definition.id),
      kMainThreadId);
  record.phase = Phase::queued;
  packages_.push_back(std::move(record));
  queue_.push_back(static_cast<uint32_t>(packages_.size() - 1));
  start_queued_passes();
}

WakeToken DistributionManager::make_token(uint32_t package_index, WakeKind kind,
                                          uint32_t dp_job_index) const {
  DISTSIM_ASSERT(dp_job_index < (1u << kTokenJobBits));
  const uint64_t generation =
      packages_[package_index].generation & ((1u << kTokenGenerationBits) - 1);
  uint64_t value = package_index;
  value = (value << kTokenGenerationBits) | generation;
  value = (value << kTokenJobBits) | dp_job_index;
  value = (value << kTokenKindBits) | static_cast<uint64_t>(kind);
  return WakeToken{value};
}

void DistributionManager::on_wake(WakeToken token) {
  const auto kind = static_cast<WakeKind>(token.value & ((1u << kTokenKindBits) - 1));
  const auto job_index =
      static_cast<uint32_t>((token.value >> kTokenKindBits) & ((1u << kTokenJobBits) - 1));
  const auto generation = static_cast<uint32_t>((token.value >> (kTokenKindBits + kTokenJobBits)) &
                                                ((1u << kTokenGenerationBits) - 1));
  const auto package_index =
      static_cast<uint32_t>(token.value >> (kTokenKindBits + kTokenJobBits + kTokenGenerationBits));
  DISTSIM_ASSERT(package_index < packages_.size());
  PackageRecord& record = packages_[package_index];
  if ((record.generation & ((1u << kTokenGenerationBits) - 1)) != generation) return;  // stale
  switch (kind) {
    case WakeKind::retry_due:
      if (record.phase != Phase::idle || record.status.state != PackageState::retrying) return;
      record.phase = Phase::queued;
      queue_.push_back(package_index);
      start_queued_passes();
      return;
    case WakeKind::read_done:
      DISTSIM_ASSERT(record.phase == Phase::reading);
      finish_read(package_index);
      return;
    case WakeKind::copy_done:
      DISTSIM_ASSERT(record.phase == Phase::copying);
      finish_copy(package_index, job_index);
      return;
  }
  DISTSIM_ASSERT(false);
}

void DistributionManager::start_queued_passes() {
  while (active_passes_ < config_.max_packages && !queue_.empty()) {
    const uint32_t package_index = queue_.front();
    queue_.pop_front();
    start_pass(package_index);
  }
}

void DistributionManager::start_pass(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.phase == Phase::queued);
  ++active_passes_;
  ++record.generation;
  ++record.status.attempt_count;
  const TimeUs now_us = ports_.scheduler.now();
  if (record.status.attempt_count == 1) record.first_attempt_start_us = now_us;
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
  if (record.status.attempt_count > 1) {
    log(fmt::format("~Retrying package {}: attempt {}, retry {} of {}.", record.definition.id,
                    record.status.attempt_count, record.retries_done,
                    retry_count_text(config_.retry)),
        record.thread_id);
  }
  record.files.clear();
  record.snapshot.clear();
  record.file_index = 0;
  record.phase = Phase::reading;
  const Win32Error list_error = list_source(record);
  if (list_error != Win32Error::ok) {
    log(fmt::format("~The source directory {} for package {} is not accessible.",
                    record.definition.source_path, record.definition.id),
        record.thread_id, LogSeverity::error);
    fail_pass(package_index, list_error);
    return;
  }
  log(fmt::format("The size of package {} is {} KBytes", record.definition.id,
                  [&record] {
                    uint64_t total = 0;
                    for (const auto& file : record.files) total += file.size_bytes;
                    return (total + 1023) / 1024;
                  }()),
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
        if (directory.depth + 1 > kSourceDirectoryDepthMax) return Win32Error::filename_exced_range;
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
    start_copies(package_index);
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
  ports_.scheduler.wake_at(done_us, make_token(package_index, WakeKind::read_done, 0));
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

void DistributionManager::start_copies(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  record.phase = Phase::copying;
  record.dp_jobs.clear();
  record.next_dp_job = 0;
  for (uint32_t slot = 0; slot < record.dp_indexes.size(); ++slot) {
    if (record.status.distribution_points[slot].state == DpState::installed) continue;
    record.dp_jobs.push_back(DpJob{slot, 0, 0, false, false, Win32Error::ok});
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
    start_dp_job(package_index, job_index);
    active_jobs += record.dp_jobs[job_index].active ? 1u : 0u;
  }
  const bool all_done = std::all_of(record.dp_jobs.begin(), record.dp_jobs.end(),
                                    [](const DpJob& job) { return job.done; });
  if (!all_done) return;  // copies in flight wake us up
  for (const DpJob& job : record.dp_jobs) {
    if (job.error != Win32Error::ok) {
      fail_pass(package_index, job.error);
      return;
    }
  }
  finish_pass(package_index);
}

void DistributionManager::start_dp_job(uint32_t package_index, uint32_t job_index) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  DISTSIM_ASSERT(!job.active && !job.done);
  job.active = true;
  const uint32_t dp_index = record.dp_indexes[job.dp_index];
  log(fmt::format("~Attempting to add or update package {} on distribution point {}",
                  record.definition.id, distribution_points_[dp_index].share),
      record.thread_id);
  const Win32Error made =
      ports_.file_system.create_directories(dp_package_path(record, job.dp_index));
  if (made != Win32Error::ok) {
    end_dp_job(package_index, job_index, made);
    return;
  }
  copy_next_file(package_index, job_index);
}

void DistributionManager::copy_next_file(uint32_t package_index, uint32_t job_index) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  if (job.file_index == record.files.size()) {
    end_dp_job(package_index, job_index, Win32Error::ok);
    return;
  }
  const SourceFile& file = record.files[job.file_index];
  const std::string target = join_path(dp_package_path(record, job.dp_index), file.relative_path);
  const Win32Error parent =
      ports_.file_system.create_directories(target.substr(0, target.rfind('\\')));
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
  const uint32_t dp_index = record.dp_indexes[job.dp_index];
  const TimeUs done_us =
      ports_.scheduler.now() +
      transfer_time_us(file.size_bytes, distribution_points_[dp_index].bandwidth_bytes_per_second);
  ports_.scheduler.wake_at(done_us, make_token(package_index, WakeKind::copy_done, job_index));
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
  job.active = false;
  job.done = true;
  job.error = error;
  const DistributionPointDefinition& dp = distribution_points_[record.dp_indexes[job.dp_index]];
  if (error == Win32Error::ok) {
    set_dp_state(record, job.dp_index, DpState::installed);
    log(fmt::format("~Package {} has been copied to distribution point {}.", record.definition.id,
                    dp.share),
        record.thread_id);
    raise(status_id::kCopiedToDp, {record.definition.id, dp.share}, record, record.thread_id,
          dp.share);
    return;
  }
  set_dp_state(record, job.dp_index, DpState::install_retrying);
  log(fmt::format("~Error {}: {} Cannot copy package {} to distribution point {}.",
                  win32_code(error), win32_error_message(error), record.definition.id, dp.share),
      record.thread_id, LogSeverity::error);
  raise(
      status_id::kCopyToDpFailed,
      {record.definition.id, record.definition.source_path, dp_package_path(record, job.dp_index)},
      record, record.thread_id, dp.share);
}

void DistributionManager::finish_pass(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  const TimeUs now_us = ports_.scheduler.now();
  record.phase = Phase::idle;
  record.status.state = PackageState::installed;
  record.status.installed_at_us = now_us;
  record.status.state_since_us = now_us;
  record.status.last_error = Win32Error::ok;
  log(fmt::format("~Successfully created/updated the package {}", record.definition.id),
      record.thread_id);
  raise(status_id::kPackageProcessed, {record.definition.name, record.definition.id}, record,
        record.thread_id);
  ports_.reporter.pass_ended(
      {record.definition.id, record.status.attempt_count, PassResult::success, Win32Error::ok});
  DISTSIM_ASSERT(active_passes_ > 0);
  --active_passes_;
  start_queued_passes();
}

void DistributionManager::fail_pass(uint32_t package_index, Win32Error error) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(error != Win32Error::ok);
  DISTSIM_ASSERT(record.source_handle == 0);
  const TimeUs now_us = ports_.scheduler.now();
  record.phase = Phase::idle;
  record.status.last_error = error;
  log(fmt::format("~Error {}: {}", win32_code(error), win32_error_message(error)), record.thread_id,
      LogSeverity::error);
  const RetryDecision decision = decide_retry(
      config_.retry, error,
      {record.retries_done, record.first_attempt_start_us, now_us, record.previous_delay_us},
      ports_.random);
  std::string next_retry = "none";
  if (decision.retry) {
    const TimeUs retry_at_us = now_us + decision.delay_us;
    next_retry = local_time_text(retry_at_us);
    log(fmt::format("~Failed to process package {} (retries so far: {} of {}). Will retry in {} "
                    "seconds, at {}.",
                    record.definition.id, record.retries_done, retry_count_text(config_.retry),
                    decision.delay_us / kMicrosecondsPerSecond, next_retry),
        record.thread_id, LogSeverity::warning);
  } else {
    log(fmt::format("~Failed to process package {} (retries so far: {} of {}). It will not be "
                    "retried: {}.",
                    record.definition.id, record.retries_done, retry_count_text(config_.retry),
                    decision.reason),
        record.thread_id, LogSeverity::error);
  }
  raise(status_id::kPackageFailed,
        {record.definition.name, record.definition.id, fmt::format("{}", win32_code(error)),
         fmt::format("{}", record.retries_done), next_retry},
        record, record.thread_id);
  ports_.reporter.pass_ended({record.definition.id, record.status.attempt_count,
                              decision.retry ? PassResult::retry : PassResult::failed, error});
  record.status.state = decision.retry ? PackageState::retrying : PackageState::failed;
  record.status.state_since_us = now_us;
  for (uint32_t slot = 0; slot < record.status.distribution_points.size(); ++slot) {
    if (record.status.distribution_points[slot].state == DpState::installed) continue;
    set_dp_state(record, slot,
                 decision.retry ? DpState::install_retrying : DpState::install_failed);
  }
  if (decision.retry) {
    ++record.retries_done;
    record.previous_delay_us = decision.delay_us;
    const TimeUs retry_at_us = now_us + decision.delay_us;
    ports_.reporter.retry_scheduled(
        {record.definition.id, "", record.status.attempt_count + 1, retry_at_us});
    ports_.scheduler.wake_at(retry_at_us, make_token(package_index, WakeKind::retry_due, 0));
  }
  DISTSIM_ASSERT(active_passes_ > 0);
  --active_passes_;
  start_queued_passes();
}

void DistributionManager::set_dp_state(PackageRecord& record, uint32_t dp_slot, DpState state) {
  DpStatus& status = record.status.distribution_points[dp_slot];
  if (status.state == state) return;
  status.state = state;
  ports_.reporter.dp_state_changed(
      {record.definition.id, status.dp_name, std::string(dp_state_name(state))});
}

std::string DistributionManager::dp_package_path(const PackageRecord& record,
                                                 uint32_t dp_slot) const {
  const uint32_t dp_index = record.dp_indexes[dp_slot];
  return join_path(distribution_points_[dp_index].share, record.definition.id);
}

void DistributionManager::log(std::string_view text, uint32_t thread_id, LogSeverity severity) {
  const LogEntry entry{text, ports_.scheduler.now(), thread_id, severity};
  ports_.reporter.log_line(
      {std::string(text), thread_id, format_log_line(config_.log_format, config_.clock, entry)});
}

void DistributionManager::raise(uint32_t id, std::vector<std::string> insertions,
                                const PackageRecord& record, uint32_t thread_id,
                                std::string dp_name) {
  StatusMessage message = make_status_message(id, std::move(insertions), record.definition.id,
                                              std::move(dp_name), ports_.scheduler.now());
  const std::string statmsg =
      statmsg_text(message, config_.clock,
                   {config_.server_name, config_.site_code, config_.process_id, thread_id});
  const LogSeverity severity = message.severity == Severity::error     ? LogSeverity::error
                               : message.severity == Severity::warning ? LogSeverity::warning
                                                                       : LogSeverity::info;
  ports_.reporter.status_message(message);
  log(statmsg, thread_id, severity);
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

std::vector<PackageStatus> DistributionManager::package_statuses() const {
  std::vector<PackageStatus> statuses;
  statuses.reserve(packages_.size());
  for (const auto& record : packages_) statuses.push_back(record.status);
  return statuses;
}

std::optional<PackageStatus> DistributionManager::package_status(
    const std::string& package_id) const {
  for (const auto& record : packages_) {
    if (record.status.id == package_id) return record.status;
  }
  return std::nullopt;
}

}  // namespace distsim::model
