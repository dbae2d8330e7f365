// The virtual Windows file system: volumes (drive letters and UNC shares), directories, files
// with a size and a content version, open handles with access and share modes, the exact
// CreateFile sharing rule (sim/fs/README.md), byte-range locks, delete-pending and
// delete-on-close files, image sections of running programs, the read-only attribute and the
// rename/delete rules. Every refusal is a Win32Error value; nothing is special-cased
// per actor. Every operation is recorded in an access log and reported to an observer (the trace).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/file_access.h"
#include "model/ports.h"
#include "model/result.h"
#include "model/time.h"
#include "model/win32_error.h"
#include "sim/core/clock.h"
#include "sim/fs/page_protection.h"
#include "sim/fs/windows_path.h"

namespace distsim::sim {

using model::AccessMask;
using model::FileContent;
using model::HandleId;
using model::ShareMode;
using model::TimeUs;
using model::Win32Error;

using ActorId = uint32_t;

enum class VfsOperation {
  open,
  close,
  read,
  write,
  lock,
  unlock,
  delete_file,
  remove_directory,
  rename,
  create_directory,
  list_directory,
  get_attributes,  // GetFileAttributes
  set_attributes,  // SetFileAttributes (the read-only attribute)
  map_image,       // NtCreateSection(SEC_IMAGE) from an open handle: a program starts running
  unmap_image,     // the image section's handle closes: the program has exited
  map_data,        // CreateFileMapping + MapViewOfFile from an open handle: a data section
  unmap_data       // the data section's view and handle close (stays last: VfsInterest keeps
                   // one bit per operation, checked below it)
};

[[nodiscard]] std::string_view vfs_operation_name(VfsOperation operation);

// The FILE_ATTRIBUTE_* bits GetFileAttributes reports that distsim models (winnt.h values).
namespace file_attribute_bits {
inline constexpr uint32_t kReadOnly = 0x01;
inline constexpr uint32_t kDirectory = 0x10;
inline constexpr uint32_t kNormal = 0x80;  // a file with no other attribute
}  // namespace file_attribute_bits

// "FILE_ATTRIBUTE_READONLY", "FILE_ATTRIBUTE_DIRECTORY", "FILE_ATTRIBUTE_NORMAL", in that order.
[[nodiscard]] std::vector<std::string> file_attribute_names(uint32_t attributes);

// The display path of an operation, built when first read: most events reach no one who prints
// their path (a run without a trace, holders that look at other operations), and building it
// walks the tree and copies names. The file system that made the event builds it; a copy holds
// the built text, so a kept event never depends on the file system's state.
class LazyPath {
 public:
  // Builds the display of the operation recorded under `slot`.
  class Builder {
   public:
    virtual void build_path(uint32_t slot, std::string& out) const = 0;

   protected:
    ~Builder() = default;
  };

  LazyPath() = default;
  LazyPath(const LazyPath& other) : text_(other.get()) {}
  LazyPath(LazyPath&& other) noexcept : text_(std::move(other.get_mutable())) {}
  LazyPath& operator=(const LazyPath& other) {
    if (this == &other) return *this;
    text_ = other.get();
    builder_ = nullptr;
    return *this;
  }
  LazyPath& operator=(LazyPath&& other) noexcept {
    if (this == &other) return *this;
    text_ = std::move(other.get_mutable());
    builder_ = nullptr;
    return *this;
  }
  ~LazyPath() = default;

  [[nodiscard]] const std::string& get() const {
    if (builder_ != nullptr) {
      const Builder* builder = builder_;
      builder_ = nullptr;
      builder->build_path(slot_, text_);
    }
    return text_;
  }
  // The text, to write at once (the file system for rare operations; tests).
  [[nodiscard]] std::string& text() {
    builder_ = nullptr;
    return text_;
  }
  // The text is to be built by `builder` on first read.
  void defer(const Builder* builder, uint32_t slot) {
    builder_ = builder;
    slot_ = slot;
  }

 private:
  std::string& get_mutable() {
    (void)get();
    return text_;
  }

  mutable std::string text_;
  mutable const Builder* builder_ = nullptr;
  uint32_t slot_ = 0;
};

// One operation as the access log and the trace see it.
struct VfsEvent {
  TimeUs t_us = 0;
  ActorId actor = 0;
  VfsOperation operation = VfsOperation::open;
  // Normalised display form of the path (case as first created), built on first read.
  [[nodiscard]] const std::string& path() const { return display.get(); }
  LazyPath display;   // path()'s storage
  std::string to;     // rename target
  AccessMask access;  // open: the requested access
  ShareMode share;    // open: the requested share mode
  Win32Error result = Win32Error::ok;
  HandleId handle = 0;   // open (on success), close, read, write, lock, unlock, map_image and
                         // map_data (the file handle), delete (the delete-on-close handle whose
                         // close deleted)
  HandleId section = 0;  // map_image and map_data (on success), unmap_image, unmap_data
  PageProtection protection = PageProtection::readonly;  // map_data, unmap_data
  bool delete_on_close = false;                          // open
  model::CreateDisposition disposition = model::CreateDisposition::open_existing;  // open
  uint32_t attributes = 0;  // get_attributes (on success), set_attributes: file_attribute_bits
  // write: the number of the directory holding the file, or kNoFolder for a file no longer in the
  // namespace. While VirtualFileSystem::namespace_generation() is unchanged the directory keeps
  // its path, so a fact about a path that only its directory decides can be kept by this number.
  static constexpr uint32_t kNoFolder = UINT32_MAX;
  uint32_t folder = kNoFolder;
  // close, unmap_image, unmap_data: the server ended the handle or section under its owner
  // (VirtualFileSystem::disconnect_users), not the owner itself.
  bool disconnected = false;
  // close, unmap_image, unmap_data: the owner closes a handle or section the server had already
  // ended.
  bool after_disconnect = false;
  // open, list_directory: the caller's thread where it says (model::OpenRequest::thread_id).
  uint32_t thread = 0;
  // list_directory (on success): how many files and folders the listing returned, so that an
  // observer can tell what a caller met there without the listing itself.
  uint32_t listed_files = 0;
  uint32_t listed_folders = 0;
};

// One open handle that caused a refusal: the handle whose access or share mode conflicted, whose
// byte-range lock overlapped, or whose being open kept a name busy (a delete-pending file, a file
// below a directory being renamed).
struct BlameEntry {
  HandleId handle = 0;
  ActorId actor = 0;
  std::string path;   // display path of the file or directory the handle is open on
  AccessMask access;  // as CreateFile was asked for it (GENERIC_READ stays GENERIC_READ)
  ShareMode share;
  bool directory = false;  // the handle is open on a directory (its rights have directory names)
  TimeUs since_us = 0;     // when the handle was opened
  bool by_lock = false;    // a byte-range lock of the handle, below
  uint64_t lock_offset = 0;
  uint64_t lock_length = 0;
  bool lock_exclusive = false;
  // An image section (`handle` is its id, access/share those of the handle it was made from)
  // refused a write, a truncation, a delete or a delete-on-close open.
  bool by_image = false;
  // A data section (`handle` is its id) refused an open not sharing write (PAGE_READWRITE), a
  // truncation or a delete.
  bool by_data_section = false;
  PageProtection protection = PageProtection::readonly;  // of the data section
};

class VfsObserver {
 public:
  virtual ~VfsObserver() = default;
  virtual void on_vfs_event(const VfsEvent& event) = 0;
};

// Which events an observer is shown: those of the operations whose bit is set, and, with
// `refusals`, every event whose result is an error. A run without a trace copies files with
// operations no one watches (creating a DP folder that exists, opening a file to write it), and
// each event shown costs a call through the world to every holder that watches files.
struct VfsInterest {
  static constexpr uint32_t kAllOperations = ~0U;
  uint32_t operations = kAllOperations;
  bool refusals = true;

  [[nodiscard]] static constexpr uint32_t bit(VfsOperation operation) {
    return 1U << static_cast<uint32_t>(operation);
  }
  // A forced disconnect's end of a handle is always shown: it is rare, and the run summary
  // names it whether or not the run is traced.
  [[nodiscard]] bool wants(const VfsEvent& event) const {
    return (operations & bit(event.operation)) != 0 ||
           (refusals && event.result != model::Win32Error::ok) || event.disconnected;
  }
  [[nodiscard]] bool none() const { return operations == 0 && !refusals; }
  // What either of two observers wants.
  [[nodiscard]] VfsInterest union_with(VfsInterest other) const {
    return {operations | other.operations, refusals || other.refusals};
  }
};
static_assert(static_cast<uint32_t>(VfsOperation::unmap_data) < 32);

struct VolumeOptions {
  std::string root;  // "C:" or "\\DP01\SMSPKGD$"
  uint64_t capacity_bytes = 100ull * 1024 * 1024 * 1024;
};

struct VfsOptions {
  // Windows 10 1903+ POSIX delete: a deleted name is released at once instead of lingering
  // delete-pending until the last handle closes. Off by default (the SMS 2.0 era).
  bool posix_delete = false;
  bool record_access_log = true;
};

namespace vfs_internal {
struct State;  // sim/fs/vfs_internal.h
}  // namespace vfs_internal

class VirtualFileSystem {
 public:
  VirtualFileSystem(const Clock& clock, VfsOptions options);
  ~VirtualFileSystem();
  VirtualFileSystem(const VirtualFileSystem&) = delete;
  VirtualFileSystem& operator=(const VirtualFileSystem&) = delete;

  // Actors are named once; the name appears in the access log and the trace.
  [[nodiscard]] ActorId register_actor(const std::string& name);
  [[nodiscard]] const std::string& actor_name(ActorId actor) const;

  // Every operation's event goes to `observer` (one at most; null: none) when `interest` wants it.
  void set_observer(VfsObserver* observer, VfsInterest interest = {});

  // --- world set-up and faults (not subject to sharing; not recorded as actor operations)
  // Adds a volume; a drive volume is created on first use anyway with default capacity.
  [[nodiscard]] Win32Error add_volume(const VolumeOptions& options);
  // A share that is unreachable refuses every operation with ERROR_BAD_NETPATH.
  [[nodiscard]] Win32Error set_volume_reachable(const std::string& root, bool reachable);
  // Changes the free space by setting capacity; existing files stay.
  [[nodiscard]] Win32Error set_volume_capacity(const std::string& root, uint64_t capacity_bytes);
  // The bytes a volume can still take: its capacity less its files' sizes.
  [[nodiscard]] model::Result<uint64_t> volume_free_bytes(const std::string& root);
  // Creates a directory and its parents.
  [[nodiscard]] Win32Error make_directories(const std::string& path);
  // Creates (or replaces) a file and its parents with the given content and read-only attribute.
  [[nodiscard]] Win32Error make_file(const std::string& path, FileContent content,
                                     bool read_only = false);
  // The same for a file whose folder `folder` is the hint of (VirtualFileSystem::folder_hint):
  // while the hint holds, the file is made with one step from the folder's node.
  [[nodiscard]] Win32Error make_file(const std::string& path, FileContent content, bool read_only,
                                     const model::FolderHint& folder);
  // A version number never used before in this file system (for writes that change content).
  [[nodiscard]] uint64_t new_content_version();

  // --- operations of an actor (sharing rule applies; recorded)
  [[nodiscard]] model::Result<HandleId> open(ActorId actor, const model::OpenRequest& request);
  // open(actor, request) with the hint of the request's folder (model::FolderHint): while no name
  // has left the namespace since the hint was filled, the file is found with one step from the
  // folder's node instead of parsing and walking the whole path; `name` spares looking the file's
  // name up in the name table. An open that had to read the whole path and found the file fills
  // `folder` with the hint of its directory.
  model::Result<HandleId> open_in(ActorId actor, const model::OpenRequest& request,
                                  model::FolderHint& folder, model::NameHint& name);
  // CloseHandle: of a file handle (a delete-on-close handle then deletes its file, recorded as a
  // `delete` with the handle), of an image section from map_image (the program exits), or of a
  // data section from map_data (its view unmapped too).
  void close(ActorId actor, HandleId handle);
  [[nodiscard]] model::Result<FileContent> read(ActorId actor, HandleId handle);
  // GetFileSizeEx (model::FileSystemPort::file_size): not traced, since it changes nothing.
  [[nodiscard]] model::Result<uint64_t> file_size(ActorId actor, HandleId handle) const;
  [[nodiscard]] Win32Error write(ActorId actor, HandleId handle, const FileContent& content);
  // LockFileEx with LOCKFILE_FAIL_IMMEDIATELY: ERROR_LOCK_VIOLATION when it overlaps another
  // handle's lock (shared locks may overlap shared locks).
  [[nodiscard]] Win32Error lock(ActorId actor, HandleId handle, uint64_t offset, uint64_t length,
                                bool exclusive);
  [[nodiscard]] Win32Error unlock(ActorId actor, HandleId handle, uint64_t offset, uint64_t length);
  [[nodiscard]] Win32Error delete_file(ActorId actor, const std::string& path);
  [[nodiscard]] Win32Error remove_directory(ActorId actor, const std::string& path);
  [[nodiscard]] Win32Error rename(ActorId actor, const std::string& from, const std::string& to);
  [[nodiscard]] Win32Error create_directories(ActorId actor, const std::string& path);
  // The same, filling `hint` for the next call with this path (and using it, when it still
  // describes where the path leads).
  [[nodiscard]] Win32Error create_directories(ActorId actor, const std::string& path,
                                              model::FolderHint& hint);
  // `thread`: the caller's thread for the trace, 0 when not said (model::OpenRequest::thread_id).
  [[nodiscard]] model::Result<std::vector<model::DirectoryEntry>> list_directory(
      ActorId actor, const std::string& path, uint32_t thread = 0);
  // GetFileAttributes: file_attribute_bits; ERROR_ACCESS_DENIED on a delete-pending file.
  [[nodiscard]] model::Result<uint32_t> get_attributes(ActorId actor, const std::string& path);
  // SetFileAttributes with FILE_ATTRIBUTE_READONLY set or cleared.
  [[nodiscard]] Win32Error set_read_only(ActorId actor, const std::string& path, bool read_only);
  // An image section made from `handle` (which needs FILE_READ_DATA): while it exists, opens for
  // FILE_WRITE_DATA or with truncation fail with ERROR_SHARING_VIOLATION, and DeleteFile and
  // delete-on-close opens with ERROR_ACCESS_DENIED, whatever the share modes. `handle` may be
  // closed at once; close() of the returned id ends the section.
  [[nodiscard]] model::Result<HandleId> map_image(ActorId actor, HandleId handle);
  // A data section made from `handle` and a view of it (CreateFileMapping and MapViewOfFile):
  // PAGE_READONLY and PAGE_WRITECOPY need FILE_READ_DATA, PAGE_READWRITE also FILE_WRITE_DATA
  // (else ERROR_ACCESS_DENIED); an empty file gives ERROR_FILE_INVALID. While it exists, opens
  // fail with ERROR_SHARING_VIOLATION unless they share write (PAGE_READWRITE only), truncating
  // opens with ERROR_USER_MAPPED_FILE, and DeleteFile with ERROR_ACCESS_DENIED. `handle` may be
  // closed at once; close() of the returned id ends the section.
  [[nodiscard]] model::Result<HandleId> map_data(ActorId actor, HandleId handle,
                                                 PageProtection protection);
  // The server forces off every user's session below `folder` (a DP's "disconnect users"):
  // each handle and section that an actor other than `by`, and not a server process, holds on
  // `folder` or below it ends as if closed, and is traced as its owner's close, unmap_image or
  // unmap_data marked `disconnected`. The owners' later operations on those handles fail with
  // ERROR_NETNAME_DELETED; closing them succeeds and only forgets them. Returns how many handles
  // and sections ended (none when `folder` does not exist), or ERROR_BAD_NETPATH when its volume
  // is unreachable.
  model::Result<uint32_t> disconnect_users(ActorId by, const std::string& folder);
  // `actor` runs on the servers themselves (an on-access scanner, an indexer, a backup agent),
  // not over a network session: a forced disconnect of users leaves its handles.
  void mark_server_process(ActorId actor);

  // --- queries for checkers and tests (no side effects)
  [[nodiscard]] bool exists(const std::string& path) const;
  [[nodiscard]] bool is_directory(const std::string& path) const;
  [[nodiscard]] std::optional<FileContent> file_content(const std::string& path) const;
  [[nodiscard]] bool is_delete_pending(const std::string& path) const;
  [[nodiscard]] bool is_read_only(const std::string& path) const;
  [[nodiscard]] uint32_t image_section_count(const std::string& path) const;
  [[nodiscard]] uint32_t data_section_count(const std::string& path) const;
  [[nodiscard]] uint32_t open_handle_count(const std::string& path) const;
  [[nodiscard]] uint32_t open_handle_count() const;
  // The file handles an actor holds, in id order (a dying process's handles are closed from
  // this); sections are not among them.
  [[nodiscard]] std::vector<HandleId> open_handles_of(ActorId actor) const;
  // Files under a directory, recursively, as full display paths sorted case-insensitively.
  [[nodiscard]] std::vector<std::string> files_under(const std::string& path) const;
  // A query: the hint for the directory at `path` (model::FolderHint), for opening files in it
  // with open_in; empty when no directory is there. Records nothing.
  [[nodiscard]] model::FolderHint folder_hint(const std::string& path) const;
  // The read-only files among them, sorted by their display paths.
  [[nodiscard]] std::vector<std::string> read_only_files_under(const std::string& path) const;
  // The shape of the tree below the directory at `path`: how deep its deepest directory lies
  // (1 for a child directory) and how many files it holds; zeros when no directory is there.
  // Records nothing.
  struct TreeShape {
    uint32_t deepest_directory = 0;
    uint64_t files = 0;
  };
  [[nodiscard]] TreeShape tree_shape(const std::string& path) const;
  // The same files with their content, in the same order.
  [[nodiscard]] std::vector<std::pair<std::string, FileContent>> files_with_content_under(
      const std::string& path) const;
  // The same, appended to `files`: a listing of several folders builds one list.
  void append_files_with_content_under(
      const std::string& path, std::vector<std::pair<std::string, FileContent>>& files) const;
  [[nodiscard]] std::optional<std::string> handle_path(HandleId handle) const;
  // The content of the file an open handle refers to (nullopt: no such handle, or a directory).
  [[nodiscard]] std::optional<FileContent> handle_content(HandleId handle) const;
  // The recorded events, at most kAccessLogEntriesMax of them (the observer still sees later ones).
  [[nodiscard]] const std::vector<VfsEvent>& access_log() const;
  // The handles (or their byte-range locks) that caused the refusal of the last actor operation,
  // one entry per conflicting handle or lock, at most
  // kBlameEntriesMax of them; empty after a success or a refusal no handle caused (a missing
  // file, an unreachable share). Valid until the next actor operation; a success never
  // allocates for it.
  [[nodiscard]] const std::vector<BlameEntry>& last_blame() const;
  // Changes whenever a name leaves the namespace (a delete, a rename): until then every path
  // leads where it led, and every directory keeps its path.
  [[nodiscard]] uint64_t namespace_generation() const;
  // How many times a path's text has been looked up (parsed or found in the path cache): what a
  // folder hint saves, for tests and benchmarks.
  [[nodiscard]] uint64_t path_lookups() const;

 private:
  // open(), and when `folder` is given, filling it with the hint of the opened file's directory
  // (open_in's way for a path its hint does not settle).
  [[nodiscard]] model::Result<HandleId> open_filling_hint(ActorId actor,
                                                          const model::OpenRequest& request,
                                                          model::FolderHint* folder);
  // Closes `handle` (a handle or section) of `actor` if the server had ended it: traced, and
  // forgotten. False when it is no such handle.
  bool close_disconnected(ActorId actor, HandleId handle);
  // Ends one handle of another actor for disconnect_users, traced as its owner's close.
  void close_for_disconnect(ActorId owner, HandleId handle);
  std::unique_ptr<vfs_internal::State> state_;
};

// The model's FileSystemPort bound to one actor of a VirtualFileSystem.
class ActorFileSystem final : public model::FileSystemPort {
 public:
  ActorFileSystem(VirtualFileSystem& vfs, ActorId actor) : vfs_(vfs), actor_(actor) {}
  [[nodiscard]] model::Result<HandleId> open(const model::OpenRequest& request) override;
  void close(HandleId handle) override;
  model::Result<uint32_t> disconnect_users(const std::string& folder) override;
  [[nodiscard]] model::Result<FileContent> read(HandleId handle) override;
  [[nodiscard]] model::Result<uint64_t> file_size(HandleId handle) override;
  [[nodiscard]] Win32Error write(HandleId handle, const FileContent& content) override;
  [[nodiscard]] model::Result<std::vector<model::DirectoryEntry>> list_directory(
      const std::string& path) override;
  [[nodiscard]] model::Result<std::vector<model::DirectoryEntry>> list_directory_as(
      const std::string& path, uint32_t thread_id) override;
  [[nodiscard]] Win32Error create_directories(const std::string& path) override;
  [[nodiscard]] Win32Error create_directories(const std::string& path,
                                              model::FolderHint& hint) override;
  [[nodiscard]] model::Result<HandleId> open_in(const model::OpenRequest& request,
                                                model::FolderHint& folder,
                                                model::NameHint& name) override;
  [[nodiscard]] Win32Error delete_file(const std::string& path) override;
  [[nodiscard]] Win32Error remove_directory(const std::string& path) override;
  [[nodiscard]] Win32Error rename(const std::string& from, const std::string& to) override;

 private:
  VirtualFileSystem& vfs_;
  ActorId actor_;
};

}  // namespace distsim::sim
