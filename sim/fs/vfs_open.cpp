// The open path of the virtual file system: CreateFile with its dispositions, the sharing rule and
// FILE_FLAG_DELETE_ON_CLOSE, the handle table, and ReadFile, WriteFile and CloseHandle on a
// handle. Sharing is decided here for every implicit open too (delete, rename, listing), so the
// rule has one implementation.
#include <algorithm>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/sharing_rule.h"
#include "sim/fs/vfs_internal.h"

namespace distsim::sim {
namespace vfs_internal {
namespace {

namespace bits = model::access_bits;
using model::CreateDisposition;
using model::OpenRequest;

// CreateFile adds DELETE to the access of a delete-on-close open (Wine's CreateFileW;
// NtCreateFile itself refuses the flag without DELETE, which CreateFile never lets happen), so
// the handle takes part in the sharing rule as a delete-class handle.
AccessMask requested_access(const OpenRequest& request) {
  return request.delete_on_close ? request.access | AccessMask{bits::kDelete} : request.access;
}

}  // namespace

// --- handles

size_t State::find_handle_index(HandleId id) const { return index_of_id(handles_, id); }

size_t State::owned_handle_index(ActorId actor, HandleId id) const {
  const size_t index = find_handle_index(id);
  DISTSIM_ASSERT(index != kNoIndex);
  DISTSIM_ASSERT(handles_[index].actor == actor);
  return index;
}

bool State::sharing_blocked(const Node& node, AccessMask access, ShareMode share) const {
  const AccessMask class_bits{sharing_class_bits(access)};
  if (class_bits.bits == 0) return false;
  return std::any_of(node.handles.begin(), node.handles.end(), [&](const NodeHandle& held) {
    return sharing_conflicts(AccessMask{held.class_bits}, ShareMode{held.share_bits}, class_bits,
                             share);
  });
}

HandleId State::add_handle(ActorId actor, NodeId node, AccessMask requested, ShareMode share,
                           bool delete_on_close) {
  const uint32_t access = map_generic_access(requested);
  DISTSIM_ASSERT(handles_.size() < kHandlesOpenMax);
  const HandleId id = next_handle_id_++;
  DISTSIM_ASSERT(handles_.empty() || handles_.back().id < id);
  handles_.push_back(
      Handle{id, actor, node, access, requested.bits, share.bits, clock_.now(), delete_on_close});
  nodes_[node].handles.push_back(
      NodeHandle{id, sharing_class_bits(AccessMask{access}), share.bits});
  return id;
}

// --- open and close

Win32Error State::open(ActorId actor, const OpenRequest& request, PendingDisplay& display,
                       HandleId& out) {
  DISTSIM_ASSERT(out == 0);
  if ((request.share.bits & ~model::share_bits::kAll) != 0) {
    display.kind = PendingDisplay::Kind::text;
    display.text = request.path;
    return Win32Error::invalid_parameter;
  }
  Lookup lookup;
  if (const Win32Error error = resolve(request.path, 0, lookup, display); error != Win32Error::ok) {
    return error;
  }
  const PathCache::Entry& resolved = *resolved_[0];
  if (lookup.node != kNoNode) return open_looked_up(actor, request, lookup, {}, kNoName, out);
  DISTSIM_ASSERT(!resolved.path.components.empty());
  return open_looked_up(actor, request, lookup, resolved.path.components.back(),
                        resolved.names.back(), out);
}

Win32Error State::open_in(ActorId actor, const OpenRequest& request, const HintedFolder& folder,
                          std::string_view name, NameId name_id, PendingDisplay& display,
                          HandleId& out) {
  DISTSIM_ASSERT((request.share.bits & ~model::share_bits::kAll) == 0);
  const Lookup lookup = step_from_folder(folder.node, name_id, folder.depth + 1, folder.volume);
  // The path as written is the display unless the file exists under a name spelt otherwise.
  if (lookup.node != kNoNode && node_name(lookup.node) != name) {
    display.kind = PendingDisplay::Kind::node;
    display.node = lookup.node;
  }
  return open_looked_up(actor, request, lookup, name, name_id, out);
}

Win32Error State::open_looked_up(ActorId actor, const OpenRequest& request, const Lookup& lookup,
                                 std::string_view name, NameId name_id, HandleId& out) {
  // ERROR_TOO_MANY_OPEN_FILES (4) is not in Win32Error; the limit is reported as out of memory.
  if (handles_.size() >= kHandlesOpenMax) return Win32Error::not_enough_memory;
  const Win32Error error = lookup.node == kNoNode
                               ? open_missing(actor, request, lookup, name, name_id, out)
                               : open_existing(actor, request, lookup.node, out);
  DISTSIM_ASSERT((error == Win32Error::ok) == (out != 0));
  return error;
}

Win32Error State::open_missing(ActorId actor, const OpenRequest& request, const Lookup& lookup,
                               std::string_view name, NameId name_id, HandleId& out) {
  if (lookup.parent == kNoNode) return Win32Error::path_not_found;
  if (request.disposition == CreateDisposition::open_existing) return Win32Error::file_not_found;
  // A delete-pending directory accepts no new entries (STATUS_DELETE_PENDING -> 5).
  if (nodes_[lookup.parent].delete_pending) {
    blame_all_handles(nodes_[lookup.parent]);
    return Win32Error::access_denied;
  }
  NodeId created = kNoNode;
  DISTSIM_ASSERT(!name.empty());
  DISTSIM_ASSERT(nodes_[lookup.parent].kind == NodeKind::directory);
  const Win32Error error = create_child(lookup.parent, name, name_id, NodeKind::file, created);
  if (error != Win32Error::ok) return error;
  out =
      add_handle(actor, created, requested_access(request), request.share, request.delete_on_close);
  return Win32Error::ok;
}

Win32Error State::open_existing(ActorId actor, const OpenRequest& request, NodeId id,
                                HandleId& out) {
  Node& node = nodes_[id];
  DISTSIM_ASSERT(node.in_use);
  if (node.delete_pending) {
    blame_all_handles(node);  // the handles that keep the deleted file alive
    return Win32Error::access_denied;
  }
  if (request.disposition == CreateDisposition::create_new) return Win32Error::file_exists;
  const bool truncate = request.disposition == CreateDisposition::create_always;
  if (truncate && node.kind == NodeKind::directory) return Win32Error::access_denied;
  const AccessMask access = requested_access(request);
  const uint32_t mapped = map_generic_access(access);
  // The read-only attribute is checked before the sharing rule and the sections after it, an
  // order distsim assumes for the attribute (sim/fs/README.md).
  if (read_only_refuses(node, mapped, truncate, request.delete_on_close)) {
    return Win32Error::access_denied;
  }
  if (sharing_blocked(node, access, request.share)) {
    blame_sharing(node, access, request.share);
    return Win32Error::sharing_violation;
  }
  if (const Win32Error error =
          section_refusal(id, mapped, request.share.bits, truncate, request.delete_on_close);
      error != Win32Error::ok) {
    return error;
  }
  if (truncate) {
    const Win32Error error = replace_content(id, FileContent{0, next_content_version_++});
    DISTSIM_ASSERT(error == Win32Error::ok);  // shrinking never needs space
  }
  out = add_handle(actor, id, access, request.share, request.delete_on_close);
  return Win32Error::ok;
}

bool State::close(ActorId actor, HandleId id, PendingDisplay& display) {
  const size_t index = owned_handle_index(actor, id);
  const NodeId node_id = handles_[index].node;
  const bool delete_on_close = handles_[index].delete_on_close;
  display.kind = PendingDisplay::Kind::node;
  display.node = node_id;
  handles_.erase(handles_.begin() + static_cast<std::ptrdiff_t>(index));
  Node& node = nodes_[node_id];
  const auto held = std::find_if(node.handles.begin(), node.handles.end(),
                                 [id](const NodeHandle& entry) { return entry.id == id; });
  DISTSIM_ASSERT(held != node.handles.end());
  node.handles.erase(held);
  node.locks.erase_if([id](const ByteLock& lock) { return lock.owner == id; });
  // A file already deleted (pending or POSIX-orphaned) has nothing left to delete on close.
  const bool deletes = delete_on_close && !node.delete_pending && !node.orphaned;
  if (node.handles.empty() && (node.delete_pending || node.orphaned)) {
    settle_displays();  // the node's path goes with it
    destroy_node(node_id);
  }
  return deletes;
}

Win32Error State::close_delete_on_close(NodeId id, std::string& display) {
  Node& node = nodes_[id];
  DISTSIM_ASSERT(node.in_use && !node.delete_pending && !node.orphaned);
  if (recording()) node_display_into(id, display);
  if (node.parent == kNoNode) return Win32Error::access_denied;  // a volume root
  // The disposition is refused as DeleteFile's would be; CloseHandle itself still succeeds, so
  // the refusal shows only in the trace (sim/fs/README.md).
  if (node.kind == NodeKind::directory && !node.children.empty()) return Win32Error::dir_not_empty;
  if (read_only_refuses(node, 0, false, /*deletes=*/true)) return Win32Error::access_denied;
  if (const Win32Error error = disposition_refusal(id); error != Win32Error::ok) return error;
  delete_or_defer(id, /*posix=*/false);
  return Win32Error::ok;
}

// --- I/O on a handle

Win32Error State::file_io_preamble(const Handle& handle, PendingDisplay& display) const {
  const Node& node = nodes_[handle.node];
  DISTSIM_ASSERT(node.in_use);
  display.kind = PendingDisplay::Kind::node;
  display.node = handle.node;
  if (!volumes_[node.volume].reachable) return Win32Error::bad_netpath;
  // I/O or locking on a directory handle is ERROR_INVALID_FUNCTION (1) on Windows, which is not
  // in Win32Error; it is reported as access denied.
  if (node.kind == NodeKind::directory) return Win32Error::access_denied;
  return Win32Error::ok;
}

Win32Error State::read(ActorId actor, HandleId id, PendingDisplay& display, FileContent& out) {
  if (const Win32Error gone = disconnected_refusal(actor, id, display); gone != Win32Error::ok) {
    return gone;
  }
  const Handle& handle = handles_[owned_handle_index(actor, id)];
  if (const Win32Error error = file_io_preamble(handle, display); error != Win32Error::ok) {
    return error;
  }
  // ReadFile needs FILE_READ_DATA itself; FILE_EXECUTE (read class for sharing) does not do.
  if ((handle.access & bits::kFileReadData) == 0) return Win32Error::access_denied;
  const Node& node = nodes_[handle.node];
  DISTSIM_ASSERT(node.kind == NodeKind::file);
  const uint64_t length = std::max<uint64_t>(node.content.size_bytes, 1);
  if (io_blocked(node, id, length, /*write=*/false)) {
    blame_io_locks(node, id, length, /*write=*/false);
    return Win32Error::lock_violation;
  }
  out = node.content;
  return Win32Error::ok;
}

Win32Error State::write(ActorId actor, HandleId id, const FileContent& content,
                        PendingDisplay& display, uint32_t& folder) {
  if (const Win32Error gone = disconnected_refusal(actor, id, display); gone != Win32Error::ok) {
    return gone;
  }
  const Handle& handle = handles_[owned_handle_index(actor, id)];
  if (const Win32Error error = file_io_preamble(handle, display); error != Win32Error::ok) {
    return error;
  }
  // Replacing the content from offset 0 needs FILE_WRITE_DATA; FILE_APPEND_DATA only appends.
  if ((handle.access & bits::kFileWriteData) == 0) return Win32Error::access_denied;
  const Node& node = nodes_[handle.node];
  if (content.size_bytes > 0 && io_blocked(node, id, content.size_bytes, /*write=*/true)) {
    blame_io_locks(node, id, content.size_bytes, /*write=*/true);
    return Win32Error::lock_violation;
  }
  const Win32Error error = replace_content(handle.node, content);
  DISTSIM_ASSERT(error != Win32Error::ok || nodes_[handle.node].content == content);
  if (!node.orphaned && node.parent != kNoNode) folder = node.parent;
  return error;
}

}  // namespace vfs_internal

// --- VirtualFileSystem: the recorded calls

namespace {

// The event of an open, with what the request asks for.
VfsEvent& begin_open(vfs_internal::State& state, ActorId actor, const model::OpenRequest& request) {
  VfsEvent& event = state.begin_event(actor, VfsOperation::open);
  event.access = request.access;
  event.share = request.share;
  event.delete_on_close = request.delete_on_close;
  event.disposition = request.disposition;
  event.thread = request.thread_id;
  return event;
}

}  // namespace

model::Result<HandleId> VirtualFileSystem::open(ActorId actor, const model::OpenRequest& request) {
  return open_filling_hint(actor, request, nullptr);
}

model::Result<HandleId> VirtualFileSystem::open_filling_hint(ActorId actor,
                                                             const model::OpenRequest& request,
                                                             model::FolderHint* folder) {
  vfs_internal::State& state = *state_;
  VfsEvent& event = begin_open(state, actor, request);
  HandleId handle = 0;
  event.result = state.open(actor, request, state.defer_display(event), handle);
  event.handle = handle;
  const Win32Error error = event.result;
  // Before emit: an observer may act in turn and remove names (the hint then no longer holds).
  if (folder != nullptr) {
    *folder = error == Win32Error::ok ? state.hint_for_opened(request.path) : model::FolderHint{};
  }
  state.emit(event);
  if (error != Win32Error::ok) return error;
  return handle;
}

model::Result<HandleId> VirtualFileSystem::open_in(ActorId actor, const model::OpenRequest& request,
                                                   model::FolderHint& folder,
                                                   model::NameHint& name_hint) {
  vfs_internal::State& state = *state_;
  const std::string& path = request.path;
  vfs_internal::State::HintedFolder hinted;
  std::string_view name;
  // Anything the hint does not settle (a folder displayed otherwise than written, a name the
  // parser would look at twice, a bad sharing mode) goes the way of a path never seen.
  if ((request.share.bits & ~model::share_bits::kAll) != 0 ||
      !state.split_at_hint(folder, path, hinted, name)) {
    return open_filling_hint(actor, request, &folder);
  }
  // A hint is used when it numbers this very name (folded): the name was plain when it was
  // filled, and folding changes no character's class.
  auto name_id = static_cast<vfs_internal::NameId>(name_hint.port_data - 1);
  if (name_hint.port_data == 0 || !state.names_.numbers(name_id, name)) {
    if (!is_plain_name(name)) return open_filling_hint(actor, request, &folder);
    name_id = state.names_.find(name);
  }
  VfsEvent& event = begin_open(state, actor, request);
  vfs_internal::PendingDisplay& display = state.defer_display(event);
  display.kind = vfs_internal::PendingDisplay::Kind::text;
  display.text = path;
  HandleId handle = 0;
  event.result = state.open_in(actor, request, hinted, name, name_id, display, handle);
  event.handle = handle;
  const Win32Error error = event.result;
  // A name created just now is numbered now.
  if (name_id == vfs_internal::kNoName) name_id = state.names_.find(name);
  name_hint.port_data = name_id == vfs_internal::kNoName ? 0 : uint64_t{name_id} + 1;
  state.emit(event);
  if (error != Win32Error::ok) return error;
  return handle;
}

void VirtualFileSystem::close(ActorId actor, HandleId handle) {
  if (close_disconnected(actor, handle)) return;
  if (const size_t section = state_->find_section_index(handle);
      section != vfs_internal::kNoIndex) {
    VfsEvent& event =
        state_->begin_event(actor, state_->sections_[section].image ? VfsOperation::unmap_image
                                                                    : VfsOperation::unmap_data);
    event.section = handle;
    state_->unmap_section(actor, handle, event.display.text(), event.protection);
    state_->emit(event);
    return;
  }
  VfsEvent& event = state_->begin_event(actor, VfsOperation::close);
  event.handle = handle;
  const size_t index = state_->owned_handle_index(actor, handle);
  const vfs_internal::NodeId node = state_->handles_[index].node;
  const bool deletes = state_->close(actor, handle, state_->defer_display(event));
  state_->emit(event);
  if (!deletes) return;
  // The delete-on-close disposition takes effect as the handle closes: a `delete` of its own,
  // by the same actor, naming the handle.
  VfsEvent& deleted = state_->begin_event(actor, VfsOperation::delete_file);
  deleted.handle = handle;
  deleted.result = state_->close_delete_on_close(node, deleted.display.text());
  state_->emit(deleted);
}

model::Result<FileContent> VirtualFileSystem::read(ActorId actor, HandleId handle) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::read);
  event.handle = handle;
  FileContent content;
  event.result = state_->read(actor, handle, state_->defer_display(event), content);
  const Win32Error error = event.result;
  state_->emit(event);
  if (error != Win32Error::ok) return error;
  return content;
}

model::Result<uint64_t> VirtualFileSystem::file_size(ActorId actor, HandleId handle) const {
  // The refusals a read meets before its own checks; nothing is traced, so nothing is displayed.
  vfs_internal::PendingDisplay unused;
  if (const Win32Error gone = state_->disconnected_refusal(actor, handle, unused);
      gone != Win32Error::ok) {
    return gone;
  }
  const vfs_internal::Handle& held = state_->handles_[state_->owned_handle_index(actor, handle)];
  if (const Win32Error error = state_->file_io_preamble(held, unused); error != Win32Error::ok) {
    return error;
  }
  return state_->nodes_[held.node].content.size_bytes;
}

Win32Error VirtualFileSystem::write(ActorId actor, HandleId handle, const FileContent& content) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::write);
  event.handle = handle;
  event.result = state_->write(actor, handle, content, state_->defer_display(event), event.folder);
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

}  // namespace distsim::sim
