// Sections of the virtual file system. A program started from a file maps it as an image
// (NtCreateSection with SEC_IMAGE); a program that memory-maps a file's data makes a data section
// (CreateFileMapping) and maps a view of it. A section is a kernel object of its own: it outlives
// the handle it was made from, and closing it ends it. While it exists it refuses opens, whatever
// their share modes allow, as sim/fs/README.md lists.
#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/fs/vfs_internal.h"

namespace distsim::sim {
namespace vfs_internal {
namespace {

namespace bits = model::access_bits;

}  // namespace

size_t State::find_section_index(HandleId id) const { return index_of_id(sections_, id); }

// Wine's conformance test (test_file_sharing, the mapping part, which runs on Windows) and the
// check its server makes after the sharing rule: over a PAGE_READWRITE section an open that does
// not share write fails with 32, even one asking no data access; over an image an open asking
// FILE_WRITE_DATA (or truncating) fails with 32 and FILE_FLAG_DELETE_ON_CLOSE with 5; over any
// data section a truncating open fails with ERROR_USER_MAPPED_FILE.
Win32Error State::section_refusal(NodeId id, uint32_t access, uint32_t share, bool truncate,
                                  bool delete_on_close) {
  const Node& node = nodes_[id];
  if (node.image_sections == 0 && node.data_sections == 0) return Win32Error::ok;
  if (node.writable_sections > 0 && (share & model::share_bits::kWrite) == 0) {
    blame_sections(id, SectionsBlamed::writable);
    return Win32Error::sharing_violation;
  }
  if (node.image_sections > 0 && ((access & bits::kFileWriteData) != 0 || truncate)) {
    blame_sections(id, SectionsBlamed::images);
    return Win32Error::sharing_violation;
  }
  if (node.image_sections > 0 && delete_on_close) {
    blame_sections(id, SectionsBlamed::images);
    return Win32Error::access_denied;  // STATUS_CANNOT_DELETE
  }
  if (node.data_sections > 0 && truncate) {
    blame_sections(id, SectionsBlamed::all);
    return Win32Error::user_mapped_file;
  }
  return Win32Error::ok;
}

Win32Error State::disposition_refusal(NodeId id) {
  const Node& node = nodes_[id];
  if (node.image_sections == 0 && node.data_sections == 0) return Win32Error::ok;
  blame_sections(id, SectionsBlamed::all);
  return Win32Error::access_denied;  // STATUS_CANNOT_DELETE
}

Win32Error State::map_section(ActorId actor, HandleId handle, bool image, PageProtection protection,
                              std::string& display, HandleId& out) {
  if (const size_t gone = find_disconnected_index(actor, handle); gone != kNoIndex) {
    if (recording()) display = disconnected_[gone].path;
    return Win32Error::netname_deleted;
  }
  const Handle& file = handles_[owned_handle_index(actor, handle)];
  const NodeId id = file.node;
  Node& node = nodes_[id];
  if (recording()) display = node_display(id);
  if (!volumes_[node.volume].reachable) return Win32Error::bad_netpath;
  // A directory maps nothing; a deleted file takes no new section (an assumption, as for other
  // opens of a delete-pending name). CreateFileMapping's documentation: every protection needs
  // FILE_READ_DATA, PAGE_READWRITE also FILE_WRITE_DATA, and a file of length 0 cannot be mapped
  // (ERROR_FILE_INVALID); an image needs FILE_READ_DATA as PAGE_READONLY does.
  if (node.kind == NodeKind::directory || node.delete_pending || node.orphaned) {
    return Win32Error::access_denied;
  }
  const uint32_t needed = image || protection != PageProtection::readwrite
                              ? bits::kFileReadData
                              : bits::kFileReadData | bits::kFileWriteData;
  if ((file.access & needed) != needed) return Win32Error::access_denied;
  if (!image && node.content.size_bytes == 0) return Win32Error::file_invalid;
  if (sections_.size() >= kHandlesOpenMax) return Win32Error::not_enough_memory;
  out = next_handle_id_++;
  DISTSIM_ASSERT(sections_.empty() || sections_.back().id < out);
  sections_.push_back(
      Section{out, actor, id, file.requested, file.share, clock_.now(), image, protection});
  if (image) {
    ++node.image_sections;
  } else {
    ++node.data_sections;
    if (protection == PageProtection::readwrite) ++node.writable_sections;
  }
  return Win32Error::ok;
}

void State::unmap_section(ActorId actor, HandleId section, std::string& display,
                          PageProtection& protection) {
  const size_t index = find_section_index(section);
  DISTSIM_ASSERT(index != kNoIndex);
  const Section ended = sections_[index];
  DISTSIM_ASSERT(ended.actor == actor);
  Node& node = nodes_[ended.node];
  // Deleting a mapped file is refused, so it is still in the namespace (perhaps renamed).
  DISTSIM_ASSERT(node.in_use && !node.delete_pending && !node.orphaned);
  if (recording()) display = node_display(ended.node);
  if (ended.image) {
    DISTSIM_ASSERT(node.image_sections > 0);
    --node.image_sections;
  } else {
    DISTSIM_ASSERT(node.data_sections > 0);
    --node.data_sections;
    if (ended.protection == PageProtection::readwrite) {
      DISTSIM_ASSERT(node.writable_sections > 0);
      --node.writable_sections;
    }
  }
  protection = ended.protection;
  sections_.erase(sections_.begin() + static_cast<std::ptrdiff_t>(index));
}

}  // namespace vfs_internal

// --- VirtualFileSystem: the recorded calls (closing a section is VirtualFileSystem::close)

namespace {

// A section made and its event recorded: map_image, or map_data with its protection.
model::Result<HandleId> map_recorded(vfs_internal::State& state, ActorId actor, HandleId handle,
                                     bool image, PageProtection protection) {
  VfsEvent& event =
      state.begin_event(actor, image ? VfsOperation::map_image : VfsOperation::map_data);
  event.handle = handle;
  event.protection = protection;
  HandleId section = 0;
  event.result = state.map_section(actor, handle, image, protection, event.display.text(), section);
  event.section = section;
  const Win32Error error = event.result;
  state.emit(event);
  if (error != Win32Error::ok) return error;
  return section;
}

}  // namespace

model::Result<HandleId> VirtualFileSystem::map_image(ActorId actor, HandleId handle) {
  return map_recorded(*state_, actor, handle, /*image=*/true, PageProtection::readonly);
}

model::Result<HandleId> VirtualFileSystem::map_data(ActorId actor, HandleId handle,
                                                    PageProtection protection) {
  return map_recorded(*state_, actor, handle, /*image=*/false, protection);
}

}  // namespace distsim::sim
