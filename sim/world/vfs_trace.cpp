// Trace fields of VFS operations (tools/cli/README.md lists them per event).
#include "sim/world/vfs_trace.h"

#include <string>

#include "model/win32_error.h"

namespace distsim::sim {
namespace {

void add_result(const VfsEvent& event, TraceArgs& fields) {
  fields.push_back({"win32", static_cast<int64_t>(model::win32_code(event.result))});
  fields.push_back({"result", model::win32_error_name(event.result)});
}

// What a read returned or a write left: the file's size and content version right after the
// operation (the VFS reports an operation once it is done), so checkers can follow versions.
void add_content(const VirtualFileSystem& vfs, HandleId handle, TraceArgs& fields) {
  const auto content = vfs.handle_content(handle);
  if (!content) return;
  fields.push_back({"size", static_cast<int64_t>(content->size_bytes)});
  fields.push_back({"version", static_cast<int64_t>(content->content_version)});
}

void add_operation_fields(const VfsEvent& event, const VirtualFileSystem& vfs, TraceArgs& fields) {
  switch (event.operation) {
    case VfsOperation::open:
      fields.push_back({"access", model::access_names(event.access)});
      fields.push_back({"share", model::share_names(event.share)});
      if (event.delete_on_close) fields.push_back({"delete_on_close", true});
      add_result(event, fields);
      if (event.result == Win32Error::ok)
        fields.push_back({"handle", static_cast<int64_t>(event.handle)});
      return;
    case VfsOperation::close:
      fields.push_back({"handle", static_cast<int64_t>(event.handle)});
      return;
    case VfsOperation::read:
    case VfsOperation::write:
      fields.push_back({"handle", static_cast<int64_t>(event.handle)});
      add_result(event, fields);
      if (event.result == Win32Error::ok) add_content(vfs, event.handle, fields);
      return;
    case VfsOperation::rename:
      fields.push_back({"to", std::string_view(event.to)});
      add_result(event, fields);
      return;
    case VfsOperation::map_image:
      fields.push_back({"handle", static_cast<int64_t>(event.handle)});
      add_result(event, fields);
      if (event.result == Win32Error::ok)
        fields.push_back({"section", static_cast<int64_t>(event.section)});
      return;
    case VfsOperation::unmap_image:
      fields.push_back({"section", static_cast<int64_t>(event.section)});
      return;
    case VfsOperation::get_attributes:
    case VfsOperation::set_attributes:
      add_result(event, fields);
      if (event.result == Win32Error::ok || event.operation == VfsOperation::set_attributes) {
        fields.push_back({"attributes", file_attribute_names(event.attributes)});
      }
      return;
    default:
      if (event.handle != 0) fields.push_back({"handle", static_cast<int64_t>(event.handle)});
      add_result(event, fields);
      return;
  }
}

}  // namespace

TraceArgs vfs_trace_fields(const VfsEvent& event, const VirtualFileSystem& vfs,
                           const ActorKinds& actor_kinds) {
  TraceArgs fields{{"path", std::string_view(event.path)}};
  add_operation_fields(event, vfs, fields);
  if (event.result != Win32Error::ok && !vfs.last_blame().empty()) {
    fields.push_back({"blame", culprit_trace_texts(actor_kinds.culprits(vfs, vfs.last_blame()))});
  }
  return fields;
}

}  // namespace distsim::sim
