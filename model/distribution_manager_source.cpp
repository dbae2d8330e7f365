// The source phase of a pass: list the source directory, read it file by file with the site's
// source_open flags (where KB Q207416's error 32 happens), and write the optional compressed copy
// (<PackageID>.PCK) in the package store.
#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "model/assert.h"
#include "model/distribution_manager.h"
#include "model/manager_fault_injection.h"
#include "model/manager_log_text.h"
#include "model/manager_paths.h"
#include "model/manager_wake.h"

namespace distsim::model {

// Lists the source and reads it file by file; called again when an update asks for a newer
// version while a read is under way.
void DistributionManager::begin_reading(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  record.snapshot.clear();
  record.file_index = 0;
  record.source_opens_refused = 0;
  record.reading_version = record.status.update_count;
  record.phase = Phase::reading;
  const Win32Error list_error = list_source(record);
  if (list_error != Win32Error::ok) {
    log(fmt::format(FMT_COMPILE("~The source directory {} for package {} is not accessible."),
                    record.definition.source_path, record.definition.id),
        record.thread_id, LogSeverity::error);
    if (config_.profile != Profile::sms2 &&
        !manager_fault_injection().omits_source_not_accessible) {
      raise(status_id::kSourceNotAccessible,
            {record.definition.id, record.definition.source_path,
             fmt::format(FMT_COMPILE("{}"), win32_code(list_error))},
            record, record.thread_id);
    }
    fail_pass(package_index, list_error);
    return;
  }
  uint64_t total_bytes = 0;
  for (const auto& file : record.files) total_bytes += file.size_bytes;
  if (uses_cm2012_texts(config_.profile)) {
    log(fmt::format(FMT_COMPILE("Taking package snapshot for package {} from source {}"),
                    record.definition.id, record.definition.source_path),
        record.thread_id);
  }
  log(size_text(config_.profile, record.definition.id, record.reading_version + 1,
                (total_bytes + 1023) / 1024),
      record.thread_id);
  read_next_file(package_index);
}

Win32Error DistributionManager::list_source(PackageRecord& record) {
  // Breadth-first walk with an explicit queue: bounded by depth and file count, no recursion.
  struct Pending {
    std::string path;
    uint32_t depth;
  };
  // Every path found starts with the source folder and a separator (join_path adds none after a
  // root such as "C:\"), so the part below the source begins at the same offset in each.
  const std::string& source = record.definition.source_path;
  const auto relative_offset =
      static_cast<uint32_t>(source.size() + (source.ends_with('\\') ? 0 : 1));
  // The listing is written over the one before it, whose path strings keep their storage: a
  // source is listed again on every retry, usually with the same files. A failed listing leaves
  // no files.
  size_t listed = 0;
  const auto fail = [&record](Win32Error error) {
    record.files.clear();
    return error;
  };
  // The queue is a vector read from the front: a source has few folders, and most have none.
  std::vector<Pending> directories;
  directories.push_back({source, 0});
  for (size_t next = 0; next < directories.size(); ++next) {
    Pending directory = std::move(directories[next]);
    auto listing = ports_.file_system.list_directory_as(directory.path, record.thread_id);
    if (!listing.ok()) return fail(listing.error());
    for (const DirectoryEntry& entry : listing.value()) {
      if (entry.is_directory) {
        if (directory.depth + 1 > kSourceDirectoryDepthMax) {
          return fail(Win32Error::filename_exced_range);
        }
        directories.push_back({join_path(directory.path, entry.name), directory.depth + 1});
        continue;
      }
      // distsim's own bound (model/README.md, Bounds); error 8 is its choice, no source gives one.
      if (listed >= kSourceFilesPerPackageMax) return fail(Win32Error::not_enough_memory);
      if (listed == record.files.size()) record.files.emplace_back();
      SourceFile& file = record.files[listed++];
      join_path_into(directory.path, entry.name, file.path);
      file.relative_offset = relative_offset;
      file.size_bytes = entry.size_bytes;
    }
  }
  record.files.resize(listed);
  return Win32Error::ok;
}

void DistributionManager::read_next_file(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.source_handle == 0);
  if (record.file_index == record.files.size()) {
    if (record.reading_version != record.status.update_count) {
      // An update during the read asked for a newer version: read the source again, in this
      // pass, instead of copying a version nobody wants any more.
      log(fmt::format(
              FMT_COMPILE("~A newer version of package {} was requested while reading it; reading "
                          "the source again."),
              record.definition.id),
          record.thread_id);
      begin_reading(package_index);
      return;
    }
    record.content = std::make_shared<const PackageContent>(PackageContent{
        record.reading_version + 1, std::move(record.files), std::move(record.snapshot)});
    record.copy_content = record.content;
    // A compressed package's version is stored once its .PCK is written (finish_compression).
    if (!record.definition.compressed) {
      record.status.stored_version = record.content->version;
      mark_dirty(package_index);
    }
    record.files.clear();
    record.snapshot.clear();
    if (record.definition.compressed) {
      start_compression(package_index);
    } else {
      start_copies(package_index);
    }
    return;
  }
  const SourceFile& file = record.files[record.file_index];
  OpenRequest& request = read_request_;
  request.path.assign(file.path);
  request.access = config_.source_open_access;
  request.share = config_.source_open_share;
  request.disposition = CreateDisposition::open_existing;
  request.delete_on_close = false;
  request.thread_id = record.thread_id;
  const std::string_view folder = parent_of_view(file.path);
  if (folder != record.read_folder) {
    record.read_folder.assign(folder);
    record.read_folder_hint = {};  // the open below fills it
  }
  NameHint name;  // a source's names are read once a pass: not kept
  auto opened = ports_.file_system.open_in(request, record.read_folder_hint, name);
  if (!opened.ok()) {
    if (open_source_again_later(package_index, opened.error())) return;
    if (manager_fault_injection().skips_unopenable_source_files) {
      record.files.erase(record.files.begin() + static_cast<std::ptrdiff_t>(record.file_index));
      read_next_file(package_index);
      return;
    }
    log(fmt::format(FMT_COMPILE("~Cannot open source file {} for package {}."), file.path,
                    record.definition.id),
        record.thread_id, LogSeverity::error);
    fail_pass(package_index, opened.error());
    return;
  }
  record.source_opens_refused = 0;
  record.source_handle = opened.value();
  // The read takes the time of what is in the file now, which the listing may no longer say (a
  // file replaced since). A handle whose size cannot be asked (a folder renamed into the file's
  // place) is held for the listing's size and fails at its read, which the trace shows.
  const auto size = ports_.file_system.file_size(record.source_handle);
  const uint64_t read_bytes = size.ok() && !manager_fault_injection().reads_timed_by_listing
                                  ? size.value()
                                  : file.size_bytes;
  const TimeUs done_us = ports_.scheduler.now() +
                         transfer_time_us(read_bytes, config_.read_bandwidth_bytes_per_second);
  wake_at(done_us, {package_index, WakeKind::read_done, record.generation, 0});
}

// SiteConfig::source_open_retries: another process holds the file (32), so the open is tried
// again later in this pass, as long as the file's retries last.
bool DistributionManager::open_source_again_later(uint32_t package_index, Win32Error error) {
  PackageRecord& record = packages_[package_index];
  if (error != Win32Error::sharing_violation) return false;
  if (record.source_opens_refused >= config_.source_open_retries) return false;
  ++record.source_opens_refused;
  const TimeUs interval_us = config_.source_open_retry_interval_us;
  log(fmt::format(FMT_COMPILE("~Cannot open source file {} for package {} (error {}); trying again "
                              "in {} seconds (retry {} of {})."),
                  record.files[record.file_index].path, record.definition.id, win32_code(error),
                  whole_seconds_rounded_up(interval_us), record.source_opens_refused,
                  config_.source_open_retries),
      record.thread_id, LogSeverity::warning);
  wake_at(ports_.scheduler.now() + interval_us,
          {package_index, WakeKind::source_open_again, record.generation, 0});
  return true;
}

void DistributionManager::finish_read(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(record.source_handle != 0);
  auto content = ports_.file_system.read(record.source_handle);
  if (!manager_fault_injection().leak_source_handle) ports_.file_system.close(record.source_handle);
  record.source_handle = 0;
  if (!content.ok()) {
    log(fmt::format(FMT_COMPILE("~Cannot read source file {} for package {}."),
                    record.files[record.file_index].path, record.definition.id),
        record.thread_id, LogSeverity::error);
    fail_pass(package_index, content.error());
    return;
  }
  record.snapshot.push_back(content.value());
  ++record.file_index;
  read_next_file(package_index);
}

// CM-THREADS: compression is serialised by a critical section, one package thread at a time; a
// package that finds another compressing waits for it, in arrival order.
void DistributionManager::start_compression(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  record.phase = Phase::compressing;
  if (compressing_) {
    log(fmt::format(FMT_COMPILE("~Package {} waits for the compression of package {} to finish."),
                    record.definition.id, packages_[*compressing_].definition.id),
        record.thread_id);
    compression_waiting_.push_back(package_index);
    return;
  }
  begin_compression(package_index);
}

void DistributionManager::begin_compression(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  DISTSIM_ASSERT(!compressing_);
  DISTSIM_ASSERT(record.phase == Phase::compressing && record.copy_content);
  compressing_ = package_index;
  log(fmt::format(
          FMT_COMPILE(
              "~Package {} doesn't have a compressed copy of the source directory, starting "
              "the compression."),
          record.definition.id),
      record.thread_id);
  const std::string path = package_copy_path(record);
  Win32Error made = ports_.file_system.create_directories(parent_of(path));
  auto opened = made == Win32Error::ok
                    ? ports_.file_system.open({path, config_.pck_create_open_access,
                                               config_.pck_create_open_share,
                                               CreateDisposition::create_always})
                    : Result<HandleId>(made);
  if (!opened.ok()) {
    if (record.content == record.copy_content) record.content.reset();  // compress again next
    log(fmt::format(FMT_COMPILE("~Cannot create the compressed copy {} of package {}."), path,
                    record.definition.id),
        record.thread_id, LogSeverity::error);
    release_compression(package_index);
    fail_pass(package_index, opened.error());
    return;
  }
  record.source_handle = opened.value();
  // What was read, not what the listing said: a file may have been replaced in between.
  uint64_t total_bytes = 0;
  for (const auto& file : record.copy_content->contents) total_bytes += file.size_bytes;
  if (manager_fault_injection().reads_timed_by_listing) {
    total_bytes = 0;
    for (const auto& file : record.copy_content->files) total_bytes += file.size_bytes;
  }
  const TimeUs done_us = ports_.scheduler.now() +
                         transfer_time_us(total_bytes, config_.read_bandwidth_bytes_per_second);
  wake_at(done_us, {package_index, WakeKind::compress_done, record.generation, 0});
}

void DistributionManager::finish_compression(uint32_t package_index) {
  PackageRecord& record = packages_[package_index];
  const PackageContent& content = *record.copy_content;
  uint64_t total_bytes = 0;
  uint64_t version_mix = record.status.update_count;
  for (const FileContent& file : content.contents) {
    total_bytes += file.size_bytes;
    version_mix = version_mix * 1099511628211ull + file.content_version;
  }
  const uint64_t compressed_bytes = total_bytes / 1000 * config_.compression_per_mille +
                                    total_bytes % 1000 * config_.compression_per_mille / 1000;
  // KB Q316316: the compressor fails on a file with alternate data streams as it writes the
  // output, whatever the file system would allow.
  const bool streams =
      std::any_of(content.contents.begin(), content.contents.end(),
                  [](const FileContent& file) { return file.alternate_streams > 0; });
  const Win32Error written =
      (config_.streams_fail_compression && streams) ||
              manager_fault_injection().fail_every_compression
          ? Win32Error::noaccess
          : ports_.file_system.write(record.source_handle,
                                     FileContent{compressed_bytes, version_mix});
  ports_.file_system.close(record.source_handle);
  record.source_handle = 0;
  if (written != Win32Error::ok) {
    if (record.content == record.copy_content) record.content.reset();
    // KB Q316316's line for a compression that cannot write the .PCK (there: error 998).
    log(fmt::format(FMT_COMPILE("Cannot write to output file, Win32 Error = {}"),
                    win32_code(written)),
        record.thread_id, LogSeverity::error);
    release_compression(package_index);
    fail_pass(package_index, written);
    return;
  }
  log(fmt::format(FMT_COMPILE("The compressed size of package {} is {} KBytes"),
                  record.definition.id, (compressed_bytes + 1023) / 1024),
      record.thread_id);
  record.status.stored_version = record.copy_content->version;
  mark_dirty(package_index);
  release_compression(package_index);
  start_copies(package_index);
}

void DistributionManager::release_compression(uint32_t package_index) {
  DISTSIM_ASSERT(compressing_ == package_index);
  compressing_.reset();
  if (compression_waiting_.empty()) return;
  const uint32_t next = compression_waiting_.front();
  compression_waiting_.pop_front();
  begin_compression(next);
}

}  // namespace distsim::model
