// Trace fields of VFS operations (tools/cli/README.md lists them per event).
#include "sim/world/vfs_trace.h"

#include <array>
#include <string>

#include "model/win32_error.h"

namespace distsim::sim {
namespace {

void add_result(const VfsEvent& event, TraceArgs& fields) {
  fields.emplace_back("win32", static_cast<int64_t>(model::win32_code(event.result)));
  fields.emplace_back("result", model::win32_error_name(event.result));
}

// What a read returned or a write left: the file's size and content version right after the
// operation (the VFS reports an operation once it is done), so checkers can follow versions.
void add_content(const VirtualFileSystem& vfs, HandleId handle, TraceArgs& fields) {
  const auto content = vfs.handle_content(handle);
  if (!content) return;
  fields.emplace_back("size", static_cast<int64_t>(content->size_bytes));
  fields.emplace_back("version", static_cast<int64_t>(content->content_version));
}

// `names` holds the access and share names an open's fields point to.
void add_operation_fields(const VfsEvent& event, const VirtualFileSystem& vfs,
                          std::array<model::MaskNames, 2>& names, TraceArgs& fields) {
  switch (event.operation) {
    case VfsOperation::open:
      names = {model::access_name_views(event.access), model::share_name_views(event.share)};
      fields.emplace_back("access", names[0].span());
      fields.emplace_back("share", names[1].span());
      if (event.delete_on_close) fields.emplace_back("delete_on_close", true);
      add_result(event, fields);
      if (event.result == Win32Error::ok)
        fields.emplace_back("handle", static_cast<int64_t>(event.handle));
      return;
    case VfsOperation::close:
      fields.emplace_back("handle", static_cast<int64_t>(event.handle));
      return;
    case VfsOperation::read:
    case VfsOperation::write:
      fields.emplace_back("handle", static_cast<int64_t>(event.handle));
      add_result(event, fields);
      if (event.result == Win32Error::ok) add_content(vfs, event.handle, fields);
      return;
    case VfsOperation::rename:
      fields.emplace_back("to", std::string_view(event.to));
      add_result(event, fields);
      return;
    case VfsOperation::map_image:
      fields.emplace_back("handle", static_cast<int64_t>(event.handle));
      add_result(event, fields);
      if (event.result == Win32Error::ok)
        fields.emplace_back("section", static_cast<int64_t>(event.section));
      return;
    case VfsOperation::unmap_image:
      fields.emplace_back("section", static_cast<int64_t>(event.section));
      return;
    case VfsOperation::get_attributes:
    case VfsOperation::set_attributes:
      add_result(event, fields);
      if (event.result == Win32Error::ok || event.operation == VfsOperation::set_attributes) {
        fields.emplace_back("attributes", file_attribute_names(event.attributes));
      }
      return;
    default:
      if (event.handle != 0) fields.emplace_back("handle", static_cast<int64_t>(event.handle));
      add_result(event, fields);
      return;
  }
}

}  // namespace

void add_vfs_trace_record(Trace& trace, const VfsEvent& event, const VirtualFileSystem& vfs,
                          const ActorKinds& actor_kinds) {
  std::array<model::MaskNames, 2> names;
  TraceArgs fields{{"path", std::string_view(event.path())}};
  add_operation_fields(event, vfs, names, fields);
  if (event.result != Win32Error::ok && !vfs.last_blame().empty()) {
    fields.emplace_back("blame", culprit_trace_texts(actor_kinds.culprits(vfs, vfs.last_blame())));
  }
  trace.add(event.t_us, vfs.actor_name(event.actor), vfs_operation_name(event.operation), fields);
}

}  // namespace distsim::sim
