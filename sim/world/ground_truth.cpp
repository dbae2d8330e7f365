// Reads the end-of-run handle table and files out of the virtual file system.
#include "sim/world/ground_truth.h"

#include <set>

#include "sim/fs/windows_path.h"

namespace distsim::sim {

std::vector<OpenHandleRecord> open_handle_table(const VirtualFileSystem& vfs,
                                                const std::vector<ActorId>& actors) {
  std::vector<OpenHandleRecord> table;
  for (const ActorId actor : actors) {
    for (const HandleId handle : vfs.open_handles_of(actor)) {
      table.push_back({vfs.actor_name(actor), handle, vfs.handle_path(handle).value_or("")});
    }
  }
  return table;
}

std::vector<FinalFile> files_below(const VirtualFileSystem& vfs,
                                   const std::vector<std::string>& roots) {
  std::vector<FinalFile> files;
  std::set<std::string> seen;  // upper-cased paths
  for (const std::string& root : roots) {
    for (const std::string& path : vfs.files_under(root)) {
      if (!seen.insert(upper_ascii(path)).second) continue;
      const auto content = vfs.file_content(path);
      if (content) files.emplace_back(path, *content);
    }
  }
  return files;
}

}  // namespace distsim::sim
