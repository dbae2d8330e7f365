// What a run leaves in the virtual file system, read after the kernel stops: the open handles
// with the actor holding each, and the size and content version of every file under chosen
// folders. Checkers judge the manager by these, never by what it says about itself.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/ports.h"
#include "sim/fs/vfs.h"

namespace distsim::sim {

// One entry of the VFS handle table at the end of a run.
struct OpenHandleRecord {
  std::string actor;  // the VFS actor name, as in the trace ("distmgr", a holder's name)
  HandleId handle = 0;
  std::string path;  // normalised display form
  friend bool operator==(const OpenHandleRecord&, const OpenHandleRecord&) = default;
};

// A file at the end of a run: its full display path and content.
using FinalFile = std::pair<std::string, model::FileContent>;

// The handles each of `actors` holds, in actor order, then handle order.
[[nodiscard]] std::vector<OpenHandleRecord> open_handle_table(const VirtualFileSystem& vfs,
                                                              const std::vector<ActorId>& actors);

// Every file below each of `roots` (recursively; a root that is not a directory adds nothing),
// in root order, each root's files sorted case-insensitively; a file below two roots is listed
// once.
[[nodiscard]] std::vector<FinalFile> files_below(const VirtualFileSystem& vfs,
                                                 const std::vector<std::string>& roots);

}  // namespace distsim::sim
