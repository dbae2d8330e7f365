// The read-only attribute and attribute queries of the virtual file system: what a read-only file
// refuses (write data, truncation, delete), GetFileAttributes and SetFileAttributes. Attribute
// calls open with metadata-only access, so the sharing rule never refuses them.
#include "model/assert.h"
#include "sim/fs/vfs_internal.h"

namespace distsim::sim {
namespace vfs_internal {
namespace {

namespace bits = model::access_bits;
namespace attribute = file_attribute_bits;

Win32Error missing_error(const Lookup& lookup) {
  return lookup.parent != kNoNode ? Win32Error::file_not_found : Win32Error::path_not_found;
}

}  // namespace

// A read-only file can be read but not written or deleted (sim/fs/README.md): deleting it is
// STATUS_CANNOT_DELETE, and distsim refuses write data, append data and truncation with the same
// ERROR_ACCESS_DENIED (an assumption). The attribute is modelled for files only.
bool State::read_only_refuses(const Node& node, uint32_t access, bool truncate, bool deletes) {
  if (!node.read_only || node.kind != NodeKind::file) return false;
  return (access & (bits::kFileWriteData | bits::kFileAppendData)) != 0 || truncate || deletes;
}

Win32Error State::get_attributes(const std::string& text, std::string& display, uint32_t& out) {
  Lookup lookup;
  if (const Win32Error error = resolve(text, 0, lookup, display); error != Win32Error::ok) {
    return error;
  }
  if (lookup.node == kNoNode) return missing_error(lookup);
  const Node& node = nodes_[lookup.node];
  // The query opens the file; on a delete-pending name that is STATUS_DELETE_PENDING, which
  // Win32 reports as ERROR_ACCESS_DENIED (sim/fs/README.md).
  if (node.delete_pending) return refuse_delete_pending(node);
  uint32_t attributes = node.read_only ? attribute::kReadOnly : 0;
  if (node.kind == NodeKind::directory) attributes |= attribute::kDirectory;
  out = attributes != 0 ? attributes : attribute::kNormal;
  return Win32Error::ok;
}

Win32Error State::set_read_only(const std::string& text, bool read_only, std::string& display) {
  Lookup lookup;
  if (const Win32Error error = resolve(text, 0, lookup, display); error != Win32Error::ok) {
    return error;
  }
  if (lookup.node == kNoNode) return missing_error(lookup);
  const Node& node = nodes_[lookup.node];
  if (node.delete_pending) return refuse_delete_pending(node);
  mark_read_only(lookup.node, read_only);
  return Win32Error::ok;
}

}  // namespace vfs_internal

// --- VirtualFileSystem: the recorded calls

model::Result<uint32_t> VirtualFileSystem::get_attributes(ActorId actor, const std::string& path) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::get_attributes);
  uint32_t attributes = 0;
  event.result = state_->get_attributes(path, event.display.text(), attributes);
  event.attributes = attributes;
  const Win32Error error = event.result;
  state_->emit(event);
  if (error != Win32Error::ok) return error;
  return attributes;
}

Win32Error VirtualFileSystem::set_read_only(ActorId actor, const std::string& path,
                                            bool read_only) {
  VfsEvent& event = state_->begin_event(actor, VfsOperation::set_attributes);
  event.attributes = read_only ? file_attribute_bits::kReadOnly : file_attribute_bits::kNormal;
  event.result = state_->set_read_only(path, read_only, event.display.text());
  const Win32Error error = event.result;
  state_->emit(event);
  return error;
}

}  // namespace distsim::sim
