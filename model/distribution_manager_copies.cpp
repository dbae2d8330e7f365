// The distribution point phase: DP jobs (at most threads_per_package copying at once per package),
// each copying the package content file by file to the DP's package folder over a link shared
// with the other copies under way (model/dp_links.h); then per DP 2330, or 2328 and (per-DP
// profiles) a DP retry. A processing pass runs them after its source phase; under a per-DP policy
// DP retries run them without a processing thread (distribution_manager_dp_retries.cpp).
#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "model/assert.h"
#include "model/distribution_manager.h"
#include "model/manager_fault_injection.h"
#include "model/manager_log_text.h"
#include "model/manager_paths.h"
#include "model/manager_wake.h"

namespace distsim::model {

void DistributionManager::start_copies(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.copy_content != nullptr);
  if (record.copy_content->version != record.status.update_count + 1) {
    // An update came in after the read, while the version read was compressed: read the source
    // again, in this pass, as an update during the read does, instead of copying a version nobody
    // wants any more (and marking its DPs INSTALLED with it).
    log(fmt::format(FMT_COMPILE("~A newer version of package {} was requested while compressing "
                                "it; reading the source again."),
                    record.definition.id),
        record.thread_id);
    begin_reading(package_index);
    return;
  }
  record.phase = Phase::copying;
  clear_dp_jobs(record);
  log(fmt::format(FMT_COMPILE("~Successfully created/updated the package {}"),
                  record.definition.id),
      record.thread_id);
  if (config_.profile == Profile::configmgr2012) {
    raise(status_id::kPackageCreatedOrUpdated, {record.definition.id}, record, record.thread_id);
  }
  const TimeUs now_us = ports_.scheduler.now();
  // The other reading of "the whole package-update process is redone" (site_config.h): a retry
  // pass copies the DPs installed earlier in the cycle again, and their state follows that copy.
  const bool retry_pass = record.status.attempts_in_cycle > 1;
  const bool copy_installed =
      config_.retry_copies_installed && config_.retry_unit == RetryUnit::package && retry_pass;
  for (uint32_t slot = 0; slot < record.slots.size(); ++slot) {
    DpSlot& dp = record.slots[slot];
    if (copy_installed && !dp.needs_copy &&
        record.status.distribution_points[slot].state == DpState::installed) {
      dp.needs_copy = true;
      set_dp_state(record, slot, DpState::install_pending);  // as an update would
      mark_dirty(package_index);
    }
    if (!dp.needs_copy) continue;
    if (dp.retry.due_us && *dp.retry.due_us > now_us) continue;  // its DP retry is not due yet
    if (record.status.distribution_points[slot].state == DpState::install_failed) continue;
    add_dp_job(record, slot);
  }
  advance_copies(package_index);
}

void DistributionManager::clear_dp_jobs(PackageRecord& record) {
  record.dp_jobs.clear();
  record.next_dp_job = 0;
  record.copying_jobs = 0;
  record.unfinished_jobs = 0;
}

void DistributionManager::add_dp_job(PackageRecord& record, uint32_t slot) {
  DpJob job;
  job.slot = slot;
  record.dp_jobs.push_back(job);
  ++record.unfinished_jobs;
}

void DistributionManager::set_job_state(PackageRecord& record, DpJob& job, DpJobState state) {
  const auto unfinished = [](DpJobState s) {
    return s == DpJobState::waiting || s == DpJobState::copying;
  };
  record.copying_jobs -= job.state == DpJobState::copying ? 1u : 0u;
  record.unfinished_jobs -= unfinished(job.state) ? 1u : 0u;
  job.state = state;
  record.copying_jobs += state == DpJobState::copying ? 1u : 0u;
  record.unfinished_jobs += unfinished(state) ? 1u : 0u;
}

void DistributionManager::advance_copies(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.phase == Phase::copying || record.phase == Phase::dp_retries);
  while (record.copying_jobs < config_.threads_per_package &&
         record.next_dp_job < record.dp_jobs.size()) {
    const uint32_t job_index = record.next_dp_job++;
    if (record.dp_jobs[job_index].state == DpJobState::cancelled) continue;
    start_dp_job(package_index, job_index);
  }
  if (record.unfinished_jobs != 0) return;  // copies in flight wake us up
  if (record.phase == Phase::copying) {
    conclude_copies(package_index);
  } else {
    conclude_dp_retries(package_index);
  }
}

// The package's "Disconnect users from distribution points": once the DP's copies in this cycle
// have failed `disconnect_users_after` times, each further copy first forces the DP's users off
// the package folder, so that files they hold open no longer refuse the copy (KB Q202063). On a
// NetWare DP it cannot (an assumption carried over from KB Q202063's Despooler option): the copy
// goes ahead as it is. Neither the users' notice nor the wait between it and the disconnect
// (ConfigMgr's ForcedDisconnectDelay) is modelled.
void DistributionManager::disconnect_users_if_due(const PackageRecord& record, const DpJob& job) {
  DISTSIM_ASSERT(!job.folder.empty());
  const uint32_t attempts = record.status.distribution_points[job.slot].attempts_in_cycle;
  DISTSIM_ASSERT(attempts >= 1);  // the attempt starting counts
  const auto& after = record.definition.disconnect_users_after;
  const uint32_t failed_before = attempts - 1;
  if (!after || failed_before < *after) return;
  const DistributionPointDefinition& dp = distribution_points_[record.slots[job.slot].dp_index];
  if (!dp.forced_disconnect) {
    log(fmt::format(FMT_COMPILE("~Cannot disconnect users from distribution point {} for package "
                                "{}: the server does not support it."),
                    dp.share, record.definition.id),
        job.thread_id);
    return;
  }
  const Result<uint32_t> ended = ports_.file_system.disconnect_users(job.folder);
  if (!ended.ok()) {
    log(fmt::format(FMT_COMPILE("~Cannot disconnect users from distribution point {} for package "
                                "{}: error {}."),
                    dp.share, record.definition.id, win32_code(ended.error())),
        job.thread_id);
    return;
  }
  log(fmt::format(FMT_COMPILE("~Disconnected users from distribution point {} for package {} "
                              "after {} failed attempts: {} open files closed."),
                  dp.share, record.definition.id, failed_before, ended.value()),
      job.thread_id);
}

void DistributionManager::start_dp_job(uint32_t package_index, uint32_t job_index) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  DISTSIM_ASSERT(job.state == DpJobState::waiting);
  set_job_state(record, job, DpJobState::copying);
  DpStatus& status = record.status.distribution_points[job.slot];
  ++status.attempt_count;
  ++status.attempts_in_cycle;
  DpSlot& slot = record.slots[job.slot];
  ports_.reporter.dp_copy_started({record.definition.id, distribution_points_[slot.dp_index].name});
  slot.retry.attempt_start_us = ports_.scheduler.now();
  if (status.attempts_in_cycle == 1 && !slot.retry.start_carried)
    slot.retry.first_attempt_start_us = slot.retry.attempt_start_us;
  slot.retry.succeeded = false;
  slot.retry.due_us.reset();
  slot.failed_with_package = false;
  // The started attempt is in the retry history before any crash.
  if (!manager_fault_injection().unsaved_dp_start) mark_slot_dirty(package_index, job.slot);
  const std::string& share = distribution_points_[slot.dp_index].share;
  // CM-THREADS: under ConfigMgr each DP copy runs on a DP thread of its own; SMS 2.0 copies on
  // the processing thread (an assumption: no source describes its threads).
  const bool dp_threads = config_.retry_unit == RetryUnit::distribution_point;
  job.thread_id = dp_threads ? next_thread_id() : record.thread_id;
  if (uses_cm2012_texts(config_.profile)) {
    const uint32_t creator = record.phase == Phase::copying ? record.thread_id : kMainThreadId;
    log(fmt::format(
            FMT_COMPILE("~Created DP processing thread {} for addition or update of package {} on "
                        "server {}"),
            job.thread_id, record.definition.id, share),
        creator);
  }
  log(dp_attempt_text(config_.profile, record.definition.id, share), job.thread_id);
  if (uses_cm2012_texts(config_.profile)) {
    raise(status_id::kDpThreadStarted, {record.definition.name, share}, record, job.thread_id,
          share);
  }
  const std::string folder = dp_package_path(record, job.slot);
  job.folder = folder;  // every file's target joins it
  disconnect_users_if_due(record, job);
  if (record.clear_dp_folders) {
    const Win32Error cleared = clear_dp_folder(folder);
    if (cleared != Win32Error::ok) {
      end_dp_job(package_index, job_index, cleared, folder);
      return;
    }
  }
  const Win32Error made = ports_.file_system.create_directories(folder);
  if (made != Win32Error::ok) {
    end_dp_job(package_index, job_index, made, folder);
    return;
  }
  if (record.definition.compressed) {
    auto opened =
        ports_.file_system.open({package_copy_path(record), config_.pck_read_open_access,
                                 config_.pck_read_open_share, CreateDisposition::open_existing});
    if (!opened.ok()) {
      end_dp_job(package_index, job_index, opened.error(), package_copy_path(record));
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
    // The DP holds whatever the world put there: too many folders is an error, as for a source.
    if (directories.size() > kSourceFilesPerPackageMax) return Win32Error::not_enough_memory;
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

void DistributionManager::copy_next_file(uint32_t package_index, uint32_t job_index,
                                         bool link_under_way) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  const PackageContent& content = *record.copy_content;
  const DpLinks::Key link{package_index, job_index};
  const auto end_job = [&](Win32Error error, const std::string& failed_path) {
    if (link_under_way) links_.stop(link, ports_.scheduler.now());
    end_dp_job(package_index, job_index, error, failed_path);
  };
  const bool cut_short = manager_fault_injection().partial_dp_copy && content.files.size() > 1;
  if (job.file_index + (cut_short ? 1 : 0) == content.files.size()) {
    end_job(Win32Error::ok, {});
    return;
  }
  const SourceFile& file = content.files[job.file_index];
  OpenRequest& request = copy_request_;
  join_path_into(job.folder, file.relative_path(), request.path);
  request.access = config_.dp_copy_open_access;
  request.share = config_.dp_copy_open_share;
  request.disposition = CreateDisposition::create_always;
  request.delete_on_close = false;
  // The hint's folder is the file's folder from here on: it is the path created.
  const std::string_view folder = parent_of_view(request.path);
  if (job.hinted_folder != folder) {
    job.hinted_folder.assign(folder);
    job.folder_hint = {};
  }
  const Win32Error parent =
      ports_.file_system.create_directories(job.hinted_folder, job.folder_hint);
  if (parent != Win32Error::ok) {
    end_job(parent, job.hinted_folder);
    return;
  }
  if (record.copy_name_hints.size() < content.files.size()) {
    record.copy_name_hints.resize(content.files.size());
  }
  auto opened =
      ports_.file_system.open_in(request, job.folder_hint, record.copy_name_hints[job.file_index]);
  if (!opened.ok()) {
    end_job(opened.error(), request.path);
    return;
  }
  job.handle = opened.value();
  job.copy_wake = 0;  // the entry point ends with schedule_copy_wakes(), which issues it
  // What is sent is what was read, which may differ from the size the listing gave (a file
  // replaced in between).
  const uint64_t size_bytes = content.contents[job.file_index].size_bytes;
  if (link_under_way) {
    links_.restart(link, size_bytes, ports_.scheduler.now());
    return;
  }
  const uint32_t dp_index = record.slots[job.slot].dp_index;
  links_.start(link, dp_index, distribution_points_[dp_index].bandwidth_bytes_per_second,
               size_bytes, ports_.scheduler.now());
}

// A copy_done wake-up counts only if it is the latest one issued for a copy still under way.
void DistributionManager::on_copy_done(const ManagerWake& wake) {
  PackageRecord& record = packages_[wake.package_index];
  if (record.phase != Phase::copying && record.phase != Phase::dp_retries) return;
  if (wake.detail >= record.dp_jobs.size()) return;
  const DpJob& job = record.dp_jobs[wake.detail];
  if (job.state != DpJobState::copying || job.handle == 0 || job.copy_wake == 0) return;
  if (!wake.is_for(job.copy_wake) || job.copy_done_us != ports_.scheduler.now()) return;
  finish_copy(wake.package_index, wake.detail);
}

void DistributionManager::finish_copy(uint32_t package_index, uint32_t job_index) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  DISTSIM_ASSERT(job.state == DpJobState::copying);
  DISTSIM_ASSERT(job.handle != 0);
  const Win32Error written =
      ports_.file_system.write(job.handle, record.copy_content->contents[job.file_index]);
  ports_.file_system.close(job.handle);
  job.handle = 0;
  job.copy_wake = 0;
  if (written != Win32Error::ok) {
    links_.stop({package_index, job_index}, ports_.scheduler.now());
    const std::string target =
        join_path(job.folder, record.copy_content->files[job.file_index].relative_path());
    end_dp_job(package_index, job_index, written, target);
  } else {
    ++job.file_index;
    copy_next_file(package_index, job_index, /*link_under_way=*/true);
  }
  advance_copies(package_index);
}

void DistributionManager::schedule_copy_wakes() {
  // No copy started or stopped since the last look: every wake-up issued still stands (a copy's
  // wake-up is reset only as it starts or ends).
  if (links_.changes() == copy_wakes_for_changes_) return;
  copy_wakes_for_changes_ = links_.changes();
  links_.visit_changed([this](DpLinks::Key key, TimeUs done_us) {
    DpJob& job = packages_[key.package_index].dp_jobs[key.job_index];
    if (job.copy_wake != 0 && job.copy_done_us == done_us) return;
    copy_wakes_issued_ = (copy_wakes_issued_ + 1) & kWakeGenerationMask;
    if (copy_wakes_issued_ == 0) copy_wakes_issued_ = 1;  // 0 means "none issued"
    job.copy_wake = copy_wakes_issued_;
    job.copy_done_us = done_us;
    wake_at(done_us, {key.package_index, WakeKind::copy_done, job.copy_wake, key.job_index});
  });
}

void DistributionManager::end_dp_job(uint32_t package_index, uint32_t job_index, Win32Error error,
                                     const std::string& failed_path) {
  PackageRecord& record = packages_[package_index];
  DpJob& job = record.dp_jobs[job_index];
  DISTSIM_ASSERT(job.state == DpJobState::copying);
  DISTSIM_ASSERT(job.handle == 0);
  if (job.package_copy_handle != 0) {
    ports_.file_system.close(job.package_copy_handle);
    job.package_copy_handle = 0;
  }
  set_job_state(record, job, DpJobState::done);
  job.error = error;
  mark_slot_dirty(package_index, job.slot);
  DpStatus& status = record.status.distribution_points[job.slot];
  status.last_error = error;
  const DistributionPointDefinition& dp = distribution_points_[record.slots[job.slot].dp_index];
  ports_.reporter.dp_copy_ended({record.definition.id, dp.name, error, failed_path, job.old_cycle});
  if (job.old_cycle) {  // an update or refresh came in meanwhile: the next pass copies again
    log(fmt::format(
            FMT_COMPILE("~Copy of package {} to distribution point {} is superseded by a newer "
                        "request."),
            record.definition.id, dp.share),
        job.thread_id);
    return;
  }
  if (error == Win32Error::ok) {
    record.slots[job.slot].needs_copy = false;
    status.installed_at_us = ports_.scheduler.now();
    set_dp_state(record, job.slot, DpState::installed);
    record.slots[job.slot].retry.succeeded = true;
    log(fmt::format(FMT_COMPILE("~Package {} has been copied to distribution point {}."),
                    record.definition.id, dp.share),
        job.thread_id);
    raise(status_id::kCopiedToDp, {record.definition.id, dp.share}, record, job.thread_id,
          dp.share);
    return;
  }
  // Which file is in the way is what an administrator needs to clear it (distsim's wording).
  log(fmt::format(
          FMT_COMPILE("~Error {}: {} Cannot copy package {} to distribution point {}.{}"),
          win32_code(error), win32_error_message(error), record.definition.id, dp.share,
          failed_path.empty() ? "" : fmt::format(FMT_COMPILE(" Failed on {}."), failed_path)),
      job.thread_id, LogSeverity::error);
  // Under copy_end the DP's thread acts on its failure at once, rather than the package thread
  // once all of them are done: its retry's delay starts now.
  if (config_.retry_unit == RetryUnit::distribution_point &&
      config_.retry.dp_retry_decided == DpRetryDecided::copy_end &&
      !manager_fault_injection().ignores_dp_retry_decided) {
    job.retried = retry_dp_or_fail(package_index, job);
    job.decided = true;
  }
}

void DistributionManager::conclude_copies(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  record.clear_dp_folders =
      record.clear_dp_folders &&
      std::any_of(record.dp_jobs.begin(), record.dp_jobs.end(),
                  [](const DpJob& job) { return job.error != Win32Error::ok; });
  if (uses_cm2012_texts(config_.profile) && !record.dp_jobs.empty()) {
    log(fmt::format(FMT_COMPILE("~All DP threads have completed for package {} processing thread."),
                    record.definition.id),
        record.thread_id);
  }
  if (config_.retry_unit == RetryUnit::distribution_point) {
    std::optional<Win32Error> first_error;
    std::optional<TimeUs> next_retry_us;
    const PassResult result = retry_failed_dps(package_index, first_error, next_retry_us);
    if (first_error) {
      fail_pass_for_dps(package_index, result, *first_error, next_retry_us);
    } else {
      finish_pass(package_index, PassResult::success, Win32Error::ok);
    }
    return;
  }
  std::optional<Win32Error> first_error;
  for (const DpJob& job : record.dp_jobs) {
    if (job.error == Win32Error::ok || job.state == DpJobState::cancelled || job.old_cycle ||
        manager_fault_injection().hides_failed_copies) {
      continue;
    }
    const DistributionPointDefinition& dp = distribution_points_[record.slots[job.slot].dp_index];
    if (!first_error) {
      first_error = job.error;
      record.failed_copy_dp = dp.name;
    }
    raise(status_id::kCopyToDpFailed,
          {record.definition.id, record.definition.source_path, dp_package_path(record, job.slot)},
          record, job.thread_id, dp.share);
  }
  if (first_error) {
    fail_pass(package_index, *first_error);
    return;
  }
  finish_pass(package_index, PassResult::success, Win32Error::ok);
}

}  // namespace distsim::model
