// Who is to blame for a refused file operation: the VFS names the conflicting handles
// (BlameEntry); this file turns their actors into what a person or a Restart Manager query would
// name: the actor, its holder kind and its Restart Manager application type (RM_APP_TYPE), and
// keeps the manager's refused operations so each failed attempt can say which handles caused it.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "model/file_access.h"
#include "model/time.h"
#include "model/win32_error.h"
#include "sim/fs/vfs.h"
#include "sim/scenario/scenario.h"

namespace distsim::sim {

// RM_APP_TYPE of restartmanager.h: what RmGetList reports for the process holding a file.
enum class RmAppType { unknown_app, main_window, other_window, service, explorer, console };

// "RmUnknownApp", "RmMainWindow", "RmOtherWindow", "RmService", "RmExplorer", "RmConsole".
[[nodiscard]] std::string_view rm_app_type_name(RmAppType type);

// The documented mapping (sim/README.md, tools/cli/README.md): explorer_window -> RmExplorer;
// antivirus, indexer, backup -> RmService (they run as services); script -> RmConsole (a script
// or cmd.exe); temp_user -> RmMainWindow (a user's interactive program: an editor, an archiver);
// dp_client -> RmUnknownApp (a client reading over the network: the server sees no process it can
// classify).
[[nodiscard]] RmAppType rm_app_type_of(HolderKind kind);

// The holder kind reports name for the Distribution Manager's own handles (it is a thread of the
// SMS Executive service: RmService).
inline constexpr std::string_view kManagerHolderKind = "distribution_manager";

// One handle blamed for a refusal, as reports show it.
struct Culprit {
  std::string actor;        // the VFS actor name: a holder's name, or "distmgr"
  std::string holder_kind;  // "explorer_window", ..., or kManagerHolderKind
  RmAppType app_type = RmAppType::unknown_app;
  HandleId handle = 0;
  std::string path;
  model::AccessMask access;
  model::ShareMode share;
  bool directory = false;  // open on a directory: its rights are named FILE_LIST_DIRECTORY, ...
  model::TimeUs since_us = 0;
  bool by_lock = false;
  uint64_t lock_offset = 0;
  uint64_t lock_length = 0;
  bool lock_exclusive = false;
  bool by_image = false;  // `handle` is an image section (a running program), not a file handle
  // `handle` is a data section (a program's memory-mapped view of the file), of `protection`.
  bool by_data_section = false;
  PageProtection protection = PageProtection::readonly;
  [[nodiscard]] model::AccessTarget access_target() const {
    return directory ? model::AccessTarget::directory : model::AccessTarget::file;
  }
  friend bool operator==(const Culprit&, const Culprit&) = default;
};

// A refused operation of the manager with the handles that caused it (none for a refusal no
// handle caused: a missing file, an unreachable share, a full disk).
struct Refusal {
  model::TimeUs t_us = 0;
  std::string operation;  // vfs_operation_name: "open", "delete", "rename", "read", ...
  std::string path;
  model::Win32Error error = model::Win32Error::ok;
  std::vector<Culprit> culprits;
  // Culprits left out to keep a record small (kCopyCulpritsKeptMax).
  uint32_t culprits_not_kept = 0;
  friend bool operator==(const Refusal&, const Refusal&) = default;
};

// The same refused operation (time, operation, path, error), whether or not both records kept
// all of its culprits.
[[nodiscard]] bool same_operation(const Refusal& left, const Refusal& right);

// The manager's recent refused file operations, newest last, at most kRecentRefusalsMax, so that
// a pass ending with an error can take the refusal behind it even when a DP copy failed earlier
// in the pass than its end.
class RefusalLog {
 public:
  void record(Refusal refusal);
  // The refusal behind a pass of `package_id` that began at `since_us` and ends at `now_us` with
  // `error`: the latest with that error since the pass began on a path naming the package (its
  // DP folder or compressed copy), else the latest with that error at `now_us` (the failure that
  // ended the pass in the same event); nullptr when none fits.
  [[nodiscard]] const Refusal* behind(std::string_view package_id, model::Win32Error error,
                                      model::TimeUs since_us, model::TimeUs now_us) const;
  // The latest refusal with `error` since `since_us` on `path` or below it (a failed folder
  // operation names the folder; the refused operation was on a file in it); nullptr when none.
  [[nodiscard]] const Refusal* on(std::string_view path, model::Win32Error error,
                                  model::TimeUs since_us) const;
  // The refusal kept here that `refusal` was copied from (its time, operation, path and error),
  // with all of its culprits; nullptr once it has left the log.
  [[nodiscard]] const Refusal* same_as(const Refusal& refusal) const;

 private:
  std::deque<Refusal> refusals_;
};

// Which holder kind each VFS actor is, filled as the world registers actors.
class ActorKinds {
 public:
  void add(ActorId actor, std::string holder_kind, RmAppType app_type);
  // The holder kind added for `actor` ("" when none was).
  [[nodiscard]] std::string_view holder_kind(ActorId actor) const;
  [[nodiscard]] std::vector<Culprit> culprits(const VirtualFileSystem& vfs,
                                              const std::vector<BlameEntry>& blame) const;
  // culprits() into `out`, reusing its elements' storage: a traced run names the culprits of
  // every refused open, and fresh strings for each cost more than the rest of the record.
  void culprits_into(const VirtualFileSystem& vfs, const std::vector<BlameEntry>& blame,
                     std::vector<Culprit>& out) const;

 private:
  struct Kind {
    std::string holder_kind;
    RmAppType app_type = RmAppType::unknown_app;
  };
  std::vector<Kind> kinds_;  // by ActorId - 1; unknown actors stay unknown_app
};

// The trace form of one culprit, machine-splittable and readable:
// "actor=admin-window kind=explorer_window app=RmExplorer handle=3 since_us=0
//  access=GENERIC_READ|GENERIC_WRITE share=FILE_SHARE_READ [lock=OFFSET+LENGTH:exclusive|shared]
//  [mapped=image|PAGE_READONLY|PAGE_WRITECOPY|PAGE_READWRITE] path=P"
// (one line; the path comes last, so it may hold any character).
[[nodiscard]] std::string culprit_trace_text(const Culprit& culprit);
// culprit_trace_text into `text`, replacing what it held and reusing its storage.
void culprit_trace_text_into(const Culprit& culprit, std::string& text);

}  // namespace distsim::sim
