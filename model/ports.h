// The ports through which the Distribution Manager sees the world: a file system, a scheduler
// and a reporter. model/ declares them; sim/ implements them over a virtual world (and a real
// directory could implement them too). No call ever waits: every refusal is a Win32Error value,
// and work that takes time is finished when the scheduler wakes the caller.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/distmgr_log.h"
#include "model/file_access.h"
#include "model/result.h"
#include "model/status_message.h"
#include "model/time.h"
#include "model/win32_error.h"

namespace distsim::model {

using HandleId = uint64_t;

enum class CreateDisposition {
  open_existing,  // fails with ERROR_FILE_NOT_FOUND / ERROR_PATH_NOT_FOUND if absent
  create_always,  // creates or truncates; the parent directory must exist
  open_always,    // opens, or creates if absent
  create_new,     // fails with ERROR_FILE_EXISTS if present
};

struct OpenRequest {
  std::string path;  // Windows path: 'C:\Src\a.txt' or '\\DP01\SMSPKGD$\S0100001\a.txt'
  AccessMask access;
  ShareMode share;
  CreateDisposition disposition = CreateDisposition::open_existing;
  // FILE_FLAG_DELETE_ON_CLOSE. CreateFile adds DELETE to the access, so every later open must
  // share delete; when this handle closes the file is deleted (or delete-pending while other
  // handles remain open on it).
  bool delete_on_close = false;
  // The calling thread, as a file-system trace (Process Monitor's TID) shows it; 0 when the
  // caller does not say. Changes nothing the open does.
  uint32_t thread_id = 0;
};

// What a file holds. Bytes are not simulated: content_version identifies the bytes, so a copy's
// data equals its source's exactly when size and version are equal.
struct FileContent {
  uint64_t size_bytes = 0;
  uint64_t content_version = 0;
  // Alternate data streams besides the main one (NTFS `file:name`); the manager's copies carry
  // them along (an assumption, model/README.md).
  uint32_t alternate_streams = 0;
  friend bool operator==(const FileContent&, const FileContent&) = default;
};

struct DirectoryEntry {
  std::string name;  // the final component, as created (case preserved)
  bool is_directory = false;
  uint64_t size_bytes = 0;
};

// What a file system remembers about where a folder's path led, for a caller that names files in
// that folder again and again (a copy's destination), so that they are found without reading the
// whole path each time. Opaque to the caller, who keeps it with the path it was filled for and
// hands it back only with that path. Only ever a speed-up: a call with a hint does exactly what
// the same call without one does, whatever happened to the folder meanwhile.
struct FolderHint {
  std::array<uint64_t, 3> port_data{};  // all zero: nothing known
};

// The same for a file name the caller creates again and again (a package's files, on every DP):
// what the file system numbers it by. Checked against the name it comes with, so a hint handed
// back with another name is merely not used.
struct NameHint {
  uint64_t port_data = 0;  // zero: nothing known
};

// The file system as a Win32 program sees it. Paths are case-insensitive Windows paths.
class FileSystemPort {
 public:
  virtual ~FileSystemPort() = default;

  // CreateFile. Fails with ERROR_SHARING_VIOLATION when the request conflicts with an existing
  // handle under the CreateFile sharing rule, ERROR_ACCESS_DENIED on a delete-pending file,
  // ERROR_FILE_NOT_FOUND / ERROR_PATH_NOT_FOUND when absent, ERROR_BAD_NETPATH when the share
  // is unreachable, ERROR_ACCESS_DENIED for write access or delete-on-close on a read-only file,
  // and ERROR_SHARING_VIOLATION for write data on a file mapped as a running program's image.
  // Opening a directory path opens the directory (backup semantics).
  [[nodiscard]] virtual Result<HandleId> open(const OpenRequest& request) = 0;

  // CloseHandle. Requires a handle this caller opened and has not closed.
  virtual void close(HandleId handle) = 0;

  // Reads the whole file. Requires read access on the handle (else ERROR_ACCESS_DENIED); fails
  // with ERROR_LOCK_VIOLATION when another handle holds a byte-range lock on the file.
  [[nodiscard]] virtual Result<FileContent> read(HandleId handle) = 0;

  // GetFileSizeEx: the size of the file open on the handle now. A query that changes nothing, so
  // it is not a traced operation. Fails with ERROR_NETNAME_DELETED after a forced disconnect,
  // ERROR_BAD_NETPATH when the share is unreachable, and ERROR_ACCESS_DENIED on a directory.
  [[nodiscard]] virtual Result<uint64_t> file_size(HandleId handle) = 0;

  // Replaces the whole content. Requires write access; ERROR_LOCK_VIOLATION on another handle's
  // lock; ERROR_DISK_FULL when the volume lacks the space.
  [[nodiscard]] virtual Win32Error write(HandleId handle, const FileContent& content) = 0;

  // The entries of a directory, sorted by name case-insensitively (deterministic order).
  [[nodiscard]] virtual Result<std::vector<DirectoryEntry>> list_directory(
      const std::string& path) = 0;
  // list_directory(path) made by the thread `thread_id` (as OpenRequest::thread_id).
  [[nodiscard]] virtual Result<std::vector<DirectoryEntry>> list_directory_as(
      const std::string& path, uint32_t thread_id) {
    (void)thread_id;
    return list_directory(path);
  }

  // CreateDirectory, creating missing parents; ok if it already exists as a directory.
  [[nodiscard]] virtual Win32Error create_directories(const std::string& path) = 0;

  // create_directories(path), with `hint` as an earlier call with the same path left it (or
  // empty); the port may update it for the next call. A port without hints ignores them.
  [[nodiscard]] virtual Win32Error create_directories(const std::string& path, FolderHint& hint) {
    (void)hint;
    return create_directories(path);
  }
  // open(request) where request.path is the path `folder` was filled for, a backslash and one
  // name, with `name` as an earlier call with that name left it (or empty). The port may fill
  // or update both for the next call.
  [[nodiscard]] virtual Result<HandleId> open_in(const OpenRequest& request, FolderHint& folder,
                                                 NameHint& name) {
    (void)folder;
    (void)name;
    return open(request);
  }

  // Forces every user's session off `folder` and below (a DP's "disconnect users"): the files
  // and running programs others hold there over the network are closed under them. Returns how
  // many handles and image sections ended, or ERROR_BAD_NETPATH when the server is unreachable.
  [[nodiscard]] virtual Result<uint32_t> disconnect_users(const std::string& folder) = 0;

  // DeleteFile / RemoveDirectory / MoveFile with their Windows sharing rules.
  [[nodiscard]] virtual Win32Error delete_file(const std::string& path) = 0;
  [[nodiscard]] virtual Win32Error remove_directory(const std::string& path) = 0;
  [[nodiscard]] virtual Win32Error rename(const std::string& from, const std::string& to) = 0;
};

// A wake-up request the manager interprets itself (model/manager_wake.h); the scheduler hands it
// back unchanged.
struct WakeToken {
  uint64_t value = 0;
};

// The clock and the timer. The manager never sleeps: it asks to be woken at a time and returns.
class SchedulerPort {
 public:
  virtual ~SchedulerPort() = default;
  [[nodiscard]] virtual TimeUs now() const = 0;
  // Requires at_us >= now(). The owner of the scheduler calls DistributionManager::on_wake(token)
  // at that time; tokens woken at the same time come back in request order.
  virtual void wake_at(TimeUs at_us, WakeToken token) = 0;
};

// How a pass ended; `interrupted` is the simulator's record of a pass cut short by a crash of the
// manager process (the manager itself never reports it).
enum class PassResult { success, retry, failed, interrupted };
[[nodiscard]] std::string_view pass_result_name(PassResult result);  // "retry"

// A span of the manager's work on one package: a processing pass (2300 ... 2301 or 2302), or,
// under a per-DP policy, DP retries copying on their own DP threads without a processing thread
// (dp_retries: no 2300/2301/2302; `attempt` is then the package's last pass).
struct PassStartReport {
  std::string package_id;
  uint32_t attempt = 0;
  bool dp_retries = false;
  uint32_t thread_id = 0;  // the package processing thread; 0 for a span of DP retries
};

struct PassEndReport {
  std::string package_id;
  uint32_t attempt = 0;
  PassResult result = PassResult::success;
  Win32Error error = Win32Error::ok;
  // The DP whose failed copy gave `error` (the first failed copy of this cycle, in the order the
  // copies began); empty when no copy's failure ended the pass.
  std::string failed_dp;
  // Per-DP profiles: the end of the pass (or span of DP retries) names its next retry, the
  // earliest of its DPs' still pending (none: no retry follows). Retries it decided as each copy
  // failed (dp_retry_decided copy_end) were reported as they were scheduled, and some of them may
  // have run within the span or be overdue, running as it ends: this is what follows it.
  bool names_next_retry = false;
  std::optional<TimeUs> next_retry_us;
};

// A copy attempt of a package to one DP begins: under the per-DP profiles, the unit an attempt
// counts. Views of the manager's own strings, valid during the call.
struct DpCopyStartReport {
  std::string_view package_id;
  std::string_view dp_name;
};

// A copy attempt of a package to one DP ends: every file copied (error ok), or refused with
// `error`, the operation on `failed_path` (a file, or a folder a failed folder operation named)
// failing; `superseded` when an update or refresh of the package came in during the copy, so it
// copied an old version. Views of the manager's own strings, valid during the call.
struct DpCopyEndReport {
  std::string_view package_id;
  std::string_view dp_name;
  Win32Error error = Win32Error::ok;
  std::string_view failed_path;
  bool superseded = false;
};

// A copy of a package to one DP that had already failed no longer counts: an update or refresh of
// the package that names the DP came in before its pass (or span of DP retries) ended, so the
// pass neither reports that failure nor retries it, and the next pass copies the DP again. (A copy
// under way at the request says so in its DpCopyEndReport instead.) Views of the manager's own
// strings, valid during the call.
struct DpCopySupersededReport {
  std::string_view package_id;
  std::string_view dp_name;
};

struct RetryScheduledReport {
  std::string package_id;
  std::string dp_name;  // empty when the whole package is retried (sms2)
  // The attempt that will run at at_us, counting all of the package's attempts (pass_started's
  // number), or all of the DP's copy attempts for a DP.
  uint32_t attempt = 0;
  TimeUs at_us = 0;
  // A retry already scheduled now runs at at_us (now) instead, for other work woke the manager
  // (SiteConfig::retry_on_wake); no new retry was decided.
  bool pulled_forward = false;
};

struct DpStateReport {
  std::string package_id;
  std::string dp_name;
  std::string state;  // dp_state_name()
};

// A Distmgr.log record as a value; model/distmgr_log.h formats it in the site's log format when
// (and only if) someone writes or searches the log.
struct LogLineReport {
  std::string text;  // the message, without the $$<...> trailer
  uint32_t thread_id = 0;
  LogSeverity severity = LogSeverity::info;
};

// Everything the manager tells the outside world, as structured values.
class ReporterPort {
 public:
  virtual ~ReporterPort() = default;
  virtual void pass_started(const PassStartReport& report) = 0;
  virtual void pass_ended(const PassEndReport& report) = 0;
  virtual void dp_copy_started(const DpCopyStartReport& report) = 0;
  virtual void dp_copy_ended(const DpCopyEndReport& report) = 0;
  virtual void dp_copy_superseded(const DpCopySupersededReport& report) = 0;
  virtual void retry_scheduled(const RetryScheduledReport& report) = 0;
  virtual void dp_state_changed(const DpStateReport& report) = 0;
  // The message is handed over: the world keeps it without a copy.
  virtual void status_message(StatusMessage message) = 0;
  // The line is handed over too: the world keeps its text without a copy.
  virtual void log_line(LogLineReport line) = 0;
};

}  // namespace distsim::model
