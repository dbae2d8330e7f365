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

namespace {

// Whether two roots may share files: one is the other, or lies below it. Roots that do not parse
// hold no files.
bool roots_overlap(const std::vector<std::string>& roots) {
  std::vector<std::string> keys;
  for (const std::string& root : roots) {
    const auto parsed = parse_windows_path(root);
    if (parsed.ok()) keys.push_back(parsed.value().key());
  }
  const auto below_or_same = [](const std::string& path, const std::string& folder) {
    if (path.size() < folder.size() || path.compare(0, folder.size(), folder) != 0) return false;
    return path.size() == folder.size() || folder.back() == '\\' || path[folder.size()] == '\\';
  };
  for (size_t left = 0; left < keys.size(); ++left) {
    for (size_t right = 0; right < keys.size(); ++right) {
      if (left != right && below_or_same(keys[left], keys[right])) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<FinalFile> files_below(const VirtualFileSystem& vfs,
                                   const std::vector<std::string>& roots) {
  std::vector<FinalFile> files;
  // Disjoint roots (the usual case) cannot list a file twice: no need to remember each path.
  const bool overlap = roots_overlap(roots);
  std::set<std::string> seen;  // upper-cased paths, when roots overlap
  for (const std::string& root : roots) {
    if (!overlap) {
      vfs.append_files_with_content_under(root, files);
      continue;
    }
    for (auto& file : vfs.files_with_content_under(root)) {
      if (!seen.insert(upper_ascii(file.first)).second) continue;
      files.push_back(std::move(file));
    }
  }
  return files;
}

}  // namespace distsim::sim
