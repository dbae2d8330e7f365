// Namespace operations of the virtual file system: DeleteFile, RemoveDirectory, MoveFile,
// CreateDirectory with parents and FindFirstFile listings. Each checks in the order Windows does,
// its implicit open first, so the error code a refused call returns matches the real one.
#include <algorithm>
#include <vector>

#include "model/assert.h"
#include "sim/fs/vfs_internal.h"

namespace distsim::sim {
namespace vfs_internal {
namespace {

namespace bits = model::access_bits;
using model::DirectoryEntry;

constexpr ShareMode kShareAll{model::share_bits::kAll};
// The implicit opens of DeleteFile, MoveFile and RemoveDirectory (DELETE|SYNCHRONIZE) and of
// FindFirstFile (FILE_LIST_DIRECTORY|SYNCHRONIZE), all with share R|W|D, as Wine's kernelbase.
constexpr AccessMask kDeleteOpenAccess{bits::kDelete | bits::kSynchronize};
constexpr AccessMask kListOpenAccess{bits::kFileReadData | bits::kSynchronize};

Win32Error missing_error(const Lookup& lookup) {
  DISTSIM_ASSERT(lookup.node == kNoNode);
  return lookup.parent != kNoNode ? Win32Error::file_not_found : Win32Error::path_not_found;
}

}  // namespace

// A delete-pending name refuses every new open (STATUS_DELETE_PENDING -> 5); the handles still
// open on it are what keeps it pending.
Win32Error State::refuse_delete_pending(const Node& node) {
  DISTSIM_ASSERT(node.delete_pending);
  blame_all_handles(node);
  return Win32Error::access_denied;
}

// --- delete

Win32Error State::delete_file(const std::string& text, std::string& display) {
  Lookup lookup;
  if (const Win32Error error = resolve(text, 0, lookup, display); error != Win32Error::ok) {
    return error;
  }
  if (lookup.node == kNoNode) return missing_error(lookup);
  const Node& node = nodes_[lookup.node];
  DISTSIM_ASSERT(node.in_use);
  if (node.kind == NodeKind::directory) return Win32Error::access_denied;
  if (node.delete_pending) return refuse_delete_pending(node);  // STATUS_DELETE_PENDING
  // DeleteFile opens for DELETE and sets the delete disposition: the read-only attribute refuses
  // it before the sharing rule, any section of the file after it (STATUS_CANNOT_DELETE;
  // sim/fs/README.md).
  if (read_only_refuses(node, 0, false, /*deletes=*/true)) return Win32Error::access_denied;
  if (sharing_blocked(node, kDeleteOpenAccess, kShareAll)) {
    blame_sharing(node, kDeleteOpenAccess, kShareAll);
    return Win32Error::sharing_violation;
  }
  if (const Win32Error error = disposition_refusal(lookup.node); error != Win32Error::ok) {
    return error;
  }
  delete_or_defer(lookup.node, options_.posix_delete);
  return Win32Error::ok;
}

Win32Error State::remove_directory(const std::string& text, std::string& display) {
  Lookup lookup;
  if (const Win32Error error = resolve(text, 0, lookup, display); error != Win32Error::ok) {
    return error;
  }
  if (lookup.node == kNoNode) return missing_error(lookup);
  const Node& node = nodes_[lookup.node];
  // RemoveDirectory on a file is ERROR_DIRECTORY (267), not in Win32Error: path not found.
  if (node.kind == NodeKind::file) return Win32Error::path_not_found;
  if (node.parent == kNoNode) return Win32Error::access_denied;  // a volume root
  if (node.delete_pending) return refuse_delete_pending(node);
  // The open (DELETE, share all) comes before the disposition, so 32 wins over 145.
  if (sharing_blocked(node, kDeleteOpenAccess, kShareAll)) {
    blame_sharing(node, kDeleteOpenAccess, kShareAll);
    return Win32Error::sharing_violation;
  }
  if (!node.children.empty()) return Win32Error::dir_not_empty;
  DISTSIM_ASSERT(node.kind == NodeKind::directory);
  // POSIX delete is modelled for DeleteFile only; a directory lingers delete-pending
  // (sim/fs/README.md).
  delete_or_defer(lookup.node, /*posix=*/false);
  return Win32Error::ok;
}

// --- rename

Win32Error State::check_rename_source(const Lookup& source) {
  if (source.node == kNoNode) return missing_error(source);
  const Node& node = nodes_[source.node];
  if (node.parent == kNoNode) return Win32Error::access_denied;  // a volume root
  if (node.delete_pending) return refuse_delete_pending(node);
  if (sharing_blocked(node, kDeleteOpenAccess, kShareAll)) {
    blame_sharing(node, kDeleteOpenAccess, kShareAll);
    return Win32Error::sharing_violation;
  }
  // sim/fs/README.md: any open handle below a directory blocks its rename with 5, share mode or
  // not.
  if (node.kind == NodeKind::directory && has_open_descendant(source.node)) {
    blame_descendants(source.node);
    return Win32Error::access_denied;
  }
  return Win32Error::ok;
}

Win32Error State::check_rename_target(const Lookup& source, const Lookup& target) {
  DISTSIM_ASSERT(source.node != kNoNode);
  DISTSIM_ASSERT(target.volume != kNoVolume);
  if (target.node == source.node) return Win32Error::ok;  // the same name, perhaps a new case
  if (target.parent == kNoNode) {
    return target.node == kNoNode ? Win32Error::path_not_found : Win32Error::access_denied;
  }
  // MoveFile without MOVEFILE_REPLACE_EXISTING: an existing name is a collision, open or not
  // (replacing, which would refuse an open target with 5, is not modelled; sim/fs/README.md).
  if (target.node != kNoNode) return Win32Error::already_exists;
  if (nodes_[target.parent].delete_pending) return Win32Error::access_denied;
  const bool is_directory = nodes_[source.node].kind == NodeKind::directory;
  // Moving a directory into itself: the exact Windows code is not documented; 87 is assumed.
  if (is_directory && is_ancestor_or_self(source.node, target.parent)) {
    return Win32Error::invalid_parameter;
  }
  // A directory cannot change volume: ERROR_NOT_SAME_DEVICE (17) is not in Win32Error, so 5.
  if (is_directory && source.volume != target.volume) return Win32Error::access_denied;
  return Win32Error::ok;
}

Win32Error State::move_file_across_volumes(NodeId id, NodeId new_parent, std::string_view name,
                                           NameId name_id) {
  DISTSIM_ASSERT(nodes_[id].kind == NodeKind::file);
  DISTSIM_ASSERT(nodes_[id].volume != nodes_[new_parent].volume);
  // The move ends with deleting the source, which a read-only file or a mapped one refuses;
  // distsim refuses before copying (sim/fs/README.md).
  if (read_only_refuses(nodes_[id], 0, false, /*deletes=*/true)) return Win32Error::access_denied;
  if (const Win32Error error = disposition_refusal(id); error != Win32Error::ok) return error;
  const FileContent content = nodes_[id].content;
  const uint64_t read_length = std::max<uint64_t>(content.size_bytes, 1);
  if (io_blocked(nodes_[id], 0, read_length, /*write=*/false)) {
    blame_io_locks(nodes_[id], 0, read_length, /*write=*/false);
    return Win32Error::lock_violation;
  }
  if (content.size_bytes > free_bytes(volumes_[nodes_[new_parent].volume])) {
    return Win32Error::disk_full;
  }
  NodeId copy = kNoNode;
  if (const Win32Error error = create_child(new_parent, name, name_id, NodeKind::file, copy);
      error != Win32Error::ok) {
    return error;
  }
  const Win32Error error = replace_content(copy, content);
  DISTSIM_ASSERT(error == Win32Error::ok);
  delete_or_defer(id, options_.posix_delete);
  return Win32Error::ok;
}

Win32Error State::rename(const std::string& from, const std::string& to, std::string& from_display,
                         std::string& to_display) {
  Lookup source;
  Lookup target;
  if (const Win32Error error = resolve(from, 0, source, from_display); error != Win32Error::ok) {
    if (recording()) to_display = to;
    return error;
  }
  if (const Win32Error error = resolve(to, 1, target, to_display); error != Win32Error::ok) {
    return error;
  }
  if (const Win32Error error = check_rename_source(source); error != Win32Error::ok) {
    return error;
  }
  if (const Win32Error error = check_rename_target(source, target); error != Win32Error::ok) {
    return error;
  }
  const PathCache::Entry& resolved = *resolved_[1];
  DISTSIM_ASSERT(!resolved.path.components.empty());  // the target is not a root
  const std::string_view name = resolved.path.components.back();
  const NameId name_id = resolved.names.back();
  if (target.node == source.node) {
    move_node(source.node, nodes_[source.node].parent, name, name_id);
    return Win32Error::ok;
  }
  if (source.volume != target.volume) {
    return move_file_across_volumes(source.node, target.parent, name, name_id);
  }
  move_node(source.node, target.parent, name, name_id);
  return Win32Error::ok;
}

// --- listing

Win32Error State::list_directory(const std::string& text, std::string& display,
                                 std::vector<DirectoryEntry>& out) {
  DISTSIM_ASSERT(out.empty());
  Lookup lookup;
  if (const Win32Error error = resolve(text, 0, lookup, display); error != Win32Error::ok) {
    return error;
  }
  // FindFirstFile reports a missing directory as ERROR_PATH_NOT_FOUND whichever part is missing;
  // listing a file is ERROR_DIRECTORY (267) on Windows, not in Win32Error, so 3 as well.
  if (lookup.node == kNoNode) return Win32Error::path_not_found;
  const Node& directory = nodes_[lookup.node];
  if (directory.kind == NodeKind::file) return Win32Error::path_not_found;
  if (directory.delete_pending) return refuse_delete_pending(directory);
  if (sharing_blocked(directory, kListOpenAccess, kShareAll)) {
    blame_sharing(directory, kListOpenAccess, kShareAll);
    return Win32Error::sharing_violation;
  }
  // The folded byte order of the entries is the order of less_case_insensitive. Delete-pending
  // entries are listed, as Windows lists them.
  out.reserve(directory.children.size());
  directory.children.for_each([&](NameId, NodeId child_id) {
    const Node& child = nodes_[child_id];
    const bool is_directory = child.kind == NodeKind::directory;
    out.push_back(DirectoryEntry{node_name(child_id), is_directory,
                                 is_directory ? 0 : child.content.size_bytes});
    return true;
  });
  DISTSIM_ASSERT(out.size() == directory.children.size());
  return Win32Error::ok;
}

}  // namespace vfs_internal

// --- VirtualFileSystem: the recorded calls

Win32Error VirtualFileSystem::delete_file(ActorId actor, const std::string& path) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::delete_file);
  event.result = state_->delete_file(path, event.display.text());
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

Win32Error VirtualFileSystem::remove_directory(ActorId actor, const std::string& path) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::remove_directory);
  event.result = state_->remove_directory(path, event.display.text());
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

Win32Error VirtualFileSystem::rename(ActorId actor, const std::string& from,
                                     const std::string& to) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::rename);
  event.result = state_->rename(from, to, event.display.text(), event.to);
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

Win32Error VirtualFileSystem::create_directories(ActorId actor, const std::string& path) {
  vfs_internal::State& state = *state_;
  VfsEvent& event = state.begin_event(actor, VfsOperation::create_directory);
  vfs_internal::Lookup lookup;
  event.result = state.resolve(path, 0, lookup, state.defer_display(event));
  if (event.result == Win32Error::ok) {
    const vfs_internal::PathCache::Entry& resolved = *state.resolved_[0];
    vfs_internal::NodeId directory = vfs_internal::kNoNode;
    event.result = state.ensure_directories(resolved, resolved.path.components.size(),
                                            lookup.volume, directory);
  }
  const Win32Error error = event.result;
  state.emit(event);
  return error;
}

Win32Error VirtualFileSystem::create_directories(ActorId actor, const std::string& path,
                                                 model::FolderHint& hint) {
  vfs_internal::State& state = *state_;
  using HintedFolder = vfs_internal::State::HintedFolder;
  HintedFolder hinted;
  if (state.usable_hint(hint, path.size(), hinted) && hinted.as_written &&
      hinted.path_size == path.size()) {
    // The folder exists as it did: what ensure_directories would find, without the walk.
    VfsEvent& event = state.begin_event(actor, VfsOperation::create_directory);
    vfs_internal::PendingDisplay& display = state.defer_display(event);
    display.kind = vfs_internal::PendingDisplay::Kind::text;
    display.text = path;
    event.result = state.existing_directories_refusal(hinted.node);
    const Win32Error error = event.result;
    state.emit(event);
    return error;
  }
  hint = {};
  VfsEvent& event = state.begin_event(actor, VfsOperation::create_directory);
  vfs_internal::Lookup lookup;
  event.result = state.resolve(path, 0, lookup, state.defer_display(event));
  vfs_internal::NodeId directory = vfs_internal::kNoNode;
  size_t depth = 0;
  bool as_written = false;
  if (event.result == Win32Error::ok) {
    const vfs_internal::PathCache::Entry& resolved = *state.resolved_[0];
    depth = resolved.path.components.size();
    // Known only when the folder was there already; a hint without it is refreshed next time.
    as_written = resolved.node_generation == state.names_removed_ && resolved.node == lookup.node &&
                 resolved.displayed_as_written;
    event.result = state.ensure_directories(resolved, depth, lookup.volume, directory);
  }
  const Win32Error error = event.result;
  // Before emit: an observer may act in turn and remove names.
  if (error == Win32Error::ok && depth > 0 && path.size() <= UINT32_MAX) {
    hint = state.hint_for(HintedFolder{directory, lookup.volume, static_cast<uint32_t>(depth),
                                       static_cast<uint32_t>(path.size()), state.names_removed_,
                                       as_written});
  }
  state.emit(event);
  return error;
}

model::Result<std::vector<model::DirectoryEntry>> VirtualFileSystem::list_directory(
    ActorId actor, const std::string& path, uint32_t thread) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::list_directory);
  event.thread = thread;
  std::vector<model::DirectoryEntry> entries;
  event.result = state_->list_directory(path, event.display.text(), entries);
  for (const model::DirectoryEntry& entry : entries) {
    ++(entry.is_directory ? event.listed_folders : event.listed_files);
  }
  const Win32Error error = event.result;
  state_->emit(event);
  if (error != Win32Error::ok) return error;
  return entries;
}

}  // namespace distsim::sim
