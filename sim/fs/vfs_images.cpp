// Image sections of the virtual file system: a program started from a file maps it as an image
// (NtCreateSection with SEC_IMAGE from an open handle), and while the section exists the file
// refuses writers and deletion whatever the share modes (sim/fs/README.md). A section is a
// kernel object of its own: it outlives the handle it was made from, and closing it (the program
// exiting) ends it.
#include <algorithm>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/vfs_internal.h"

namespace distsim::sim {
namespace vfs_internal {
namespace {

namespace bits = model::access_bits;

}  // namespace

size_t State::find_section_index(HandleId id) const { return index_of_id(sections_, id); }

// Wine's conformance test (test_file_sharing, the mapping part, which runs on Windows): over a
// SEC_IMAGE section an open asking FILE_WRITE_DATA fails with 32, CREATE_ALWAYS with 32, and
// FILE_FLAG_DELETE_ON_CLOSE with 5; FILE_APPEND_DATA alone is not refused.
Win32Error State::image_refusal(NodeId id, uint32_t access, bool truncate, bool delete_on_close) {
  if (nodes_[id].image_sections == 0) return Win32Error::ok;
  Win32Error error = Win32Error::ok;
  if ((access & bits::kFileWriteData) != 0 || truncate) {
    error = Win32Error::sharing_violation;
  } else if (delete_on_close) {
    error = Win32Error::access_denied;  // STATUS_CANNOT_DELETE
  }
  if (error != Win32Error::ok) blame_sections(id);
  return error;
}

Win32Error State::map_image(ActorId actor, HandleId handle, std::string& display, HandleId& out) {
  if (const size_t gone = find_disconnected_index(actor, handle); gone != kNoIndex) {
    if (recording()) display = disconnected_[gone].path;
    return Win32Error::netname_deleted;
  }
  const Handle& file = handles_[owned_handle_index(actor, handle)];
  const NodeId id = file.node;
  Node& node = nodes_[id];
  if (recording()) display = node_display(id);
  if (!volumes_[node.volume].reachable) return Win32Error::bad_netpath;
  // A directory is no image; a deleted file takes no new section (an assumption, as for other
  // opens of a delete-pending name); a section readable as PAGE_READONLY needs FILE_READ_DATA
  // (CreateFileMapping's documentation).
  if (node.kind == NodeKind::directory || node.delete_pending || node.orphaned) {
    return Win32Error::access_denied;
  }
  if ((file.access & bits::kFileReadData) == 0) return Win32Error::access_denied;
  if (sections_.size() >= kHandlesOpenMax) return Win32Error::not_enough_memory;
  out = next_handle_id_++;
  DISTSIM_ASSERT(sections_.empty() || sections_.back().id < out);
  sections_.push_back(Section{out, actor, id, file.requested, file.share, clock_.now()});
  ++node.image_sections;
  return Win32Error::ok;
}

void State::unmap_image(ActorId actor, HandleId section, std::string& display) {
  const size_t index = find_section_index(section);
  DISTSIM_ASSERT(index != kNoIndex);
  DISTSIM_ASSERT(sections_[index].actor == actor);
  const NodeId id = sections_[index].node;
  Node& node = nodes_[id];
  // Deleting an image is refused, so the file is still in the namespace (perhaps renamed).
  DISTSIM_ASSERT(node.in_use && !node.delete_pending && !node.orphaned);
  DISTSIM_ASSERT(node.image_sections > 0);
  if (recording()) display = node_display(id);
  --node.image_sections;
  sections_.erase(sections_.begin() + static_cast<std::ptrdiff_t>(index));
}

}  // namespace vfs_internal

// --- VirtualFileSystem: the recorded call (closing a section is VirtualFileSystem::close)

model::Result<HandleId> VirtualFileSystem::map_image(ActorId actor, HandleId handle) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::map_image);
  event.handle = handle;
  HandleId section = 0;
  event.result = state_->map_image(actor, handle, event.display.text(), section);
  event.section = section;
  const Win32Error error = event.result;
  state_->emit(event);
  if (error != Win32Error::ok) return error;
  return section;
}

}  // namespace distsim::sim
