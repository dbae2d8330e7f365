// Users' sessions forced off a share: a distribution point's "disconnect users" ends every handle
// and section others hold below a package folder, as the server closing their files. The
// handles stay valid on their owners' side, so later operations on them fail with
// ERROR_NETNAME_DELETED (64) and closing them only forgets them (sim/fs/README.md).
#include <algorithm>
#include <vector>

#include "model/assert.h"
#include "sim/fs/vfs_internal.h"

namespace distsim::sim {
namespace vfs_internal {

size_t State::find_disconnected_index(ActorId actor, HandleId id) const {
  if (disconnected_.empty()) return kNoIndex;
  const size_t index = index_of_id(disconnected_, id);
  if (index == kNoIndex || disconnected_[index].actor != actor) return kNoIndex;
  return index;
}

Win32Error State::disconnected_refusal(ActorId actor, HandleId id, PendingDisplay& display) const {
  const size_t index = find_disconnected_index(actor, id);
  if (index == kNoIndex) return Win32Error::ok;
  display.kind = PendingDisplay::Kind::text;
  display.text = disconnected_[index].path;
  return Win32Error::netname_deleted;
}

void State::remember_disconnected(DisconnectedHandle handle) {
  const auto at =
      std::lower_bound(disconnected_.begin(), disconnected_.end(), handle.id,
                       [](const DisconnectedHandle& each, HandleId id) { return each.id < id; });
  disconnected_.insert(at, std::move(handle));
}

}  // namespace vfs_internal

bool VirtualFileSystem::close_disconnected(ActorId actor, HandleId handle) {
  vfs_internal::State& state = *state_;
  const size_t index = state.find_disconnected_index(actor, handle);
  if (index == vfs_internal::kNoIndex) return false;
  const VfsOperation operation = state.disconnected_[index].ends_with;
  VfsEvent& event = state.begin_event(actor, operation);
  (operation == VfsOperation::close ? event.handle : event.section) = handle;
  event.protection = state.disconnected_[index].protection;
  event.display.text() = std::move(state.disconnected_[index].path);
  event.after_disconnect = true;
  state.disconnected_.erase(state.disconnected_.begin() + static_cast<std::ptrdiff_t>(index));
  state.emit(event);
  return true;
}

void VirtualFileSystem::close_for_disconnect(ActorId owner, HandleId handle) {
  vfs_internal::State& state = *state_;
  const size_t index = state.owned_handle_index(owner, handle);
  const vfs_internal::NodeId node = state.handles_[index].node;
  std::string path = state.node_display(node);
  VfsEvent& event = state.begin_event(owner, VfsOperation::close);
  event.handle = handle;
  event.disconnected = true;
  const bool deletes = state.close(owner, handle, state.defer_display(event));
  event.display.text() = path;  // the deferred display would name a node the close may destroy
  state.emit(event);
  if (deletes) {
    VfsEvent& deleted = state.begin_event(owner, VfsOperation::delete_file);
    deleted.handle = handle;
    deleted.result = state.close_delete_on_close(node, deleted.display.text());
    state.emit(deleted);
  }
  state.remember_disconnected(
      {handle, owner, VfsOperation::close, PageProtection::readonly, std::move(path)});
}

void VirtualFileSystem::mark_server_process(ActorId actor) {
  vfs_internal::State& state = *state_;
  DISTSIM_ASSERT(actor >= 1 && actor <= state.actors_.size());
  if (state.server_processes_.size() < actor) state.server_processes_.resize(actor, false);
  state.server_processes_[actor - 1] = true;
}

model::Result<uint32_t> VirtualFileSystem::disconnect_users(ActorId by, const std::string& folder) {
  vfs_internal::State& state = *state_;
  const vfs_internal::NodeId root = state.find_node(folder);
  if (root == vfs_internal::kNoNode) return uint32_t{0};
  // The server must be reached to end its sessions.
  if (!state.volumes_[state.nodes_[root].volume].reachable) return Win32Error::bad_netpath;
  const auto user = [&](ActorId actor) {
    return actor != by &&
           !(actor <= state.server_processes_.size() && state.server_processes_[actor - 1]);
  };
  // Collected first: the owners' observers may open new handles as each one ends, and those are
  // sessions made after the disconnect. Sections end first, so that a delete-on-close handle on a
  // running program's (or a mapped) file deletes it as it closes.
  std::vector<std::pair<ActorId, HandleId>> sections;
  for (const vfs_internal::Section& section : state.sections_) {
    if (user(section.actor) && state.is_ancestor_or_self(root, section.node)) {
      sections.emplace_back(section.actor, section.id);
    }
  }
  std::vector<std::pair<ActorId, HandleId>> handles;
  for (const vfs_internal::Handle& handle : state.handles_) {
    if (user(handle.actor) && state.is_ancestor_or_self(root, handle.node)) {
      handles.emplace_back(handle.actor, handle.id);
    }
  }
  uint32_t ended = 0;
  for (const auto& [owner, id] : sections) {
    const size_t index = state.find_section_index(id);
    if (index == vfs_internal::kNoIndex) continue;
    const VfsOperation operation =
        state.sections_[index].image ? VfsOperation::unmap_image : VfsOperation::unmap_data;
    VfsEvent& event = state.begin_event(owner, operation);
    event.section = id;
    event.disconnected = true;
    state.unmap_section(owner, id, event.display.text(), event.protection);
    std::string path = state.recording() ? event.display.text() : std::string();
    const PageProtection protection = event.protection;
    state.emit(event);
    state.remember_disconnected({id, owner, operation, protection, std::move(path)});
    ++ended;
  }
  for (const auto& [owner, handle] : handles) {
    if (state.find_handle_index(handle) == vfs_internal::kNoIndex) continue;
    close_for_disconnect(owner, handle);
    ++ended;
  }
  return ended;
}

}  // namespace distsim::sim
