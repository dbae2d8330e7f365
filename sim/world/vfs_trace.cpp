// Trace fields of VFS operations (tools/cli/README.md lists them per event).
#include "sim/world/vfs_trace.h"

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <vector>

#include "model/assert.h"
#include "model/win32_error.h"

namespace distsim::sim {
namespace {

void add_result(const VfsEvent& event, Trace::RecordWriter& record) {
  record.number("win32", static_cast<int64_t>(model::win32_code(event.result)));
  record.text("result", model::win32_error_name(event.result));
}

// What a read returned or a write left: the file's size and content version right after the
// operation (the VFS reports an operation once it is done), so checkers can follow versions.
void add_content(const VirtualFileSystem& vfs, HandleId handle, Trace::RecordWriter& record) {
  const auto content = vfs.handle_content(handle);
  if (!content) return;
  record.number("size", static_cast<int64_t>(content->size_bytes));
  record.number("version", static_cast<int64_t>(content->content_version));
  if (content->alternate_streams > 0) {
    record.number("streams", static_cast<int64_t>(content->alternate_streams));
  }
}

// The names of an open's access mask, kept per mask on this thread: a run opens with a few masks
// over and over, and naming one looks at every right there is.
const model::MaskNames& access_names_of(AccessMask access, model::AccessTarget target) {
  struct Named {
    bool known = false;
    uint32_t bits = 0;
    model::AccessTarget target = model::AccessTarget::file;
    model::MaskNames names;
  };
  constexpr size_t kSlots = 16;
  thread_local std::array<Named, kSlots> named;
  Named& slot =
      named[(access.bits ^ (access.bits >> 16U) ^ static_cast<uint32_t>(target)) % kSlots];
  if (!slot.known || slot.bits != access.bits || slot.target != target)
    slot = {true, access.bits, target, model::access_name_views(access, target)};
  return slot.names;
}

// Whether an open's rights are named as a directory's. Only four specific rights have directory
// names, so a mask without them (every open of the manager's) never looks the path up.
model::AccessTarget access_target_of(const VfsEvent& event, const VirtualFileSystem& vfs) {
  using namespace model::access_bits;
  constexpr uint32_t kNamedByTarget =
      kFileReadData | kFileWriteData | kFileAppendData | kFileExecute;
  if ((event.access.bits & kNamedByTarget) == 0 || !vfs.is_directory(event.path())) {
    return model::AccessTarget::file;
  }
  return model::AccessTarget::directory;
}

// The names of an open's share mode: three named bits (share_name_views names no other), so every
// mode is named once, on first use.
std::span<const std::string_view> share_names_of(ShareMode share) {
  constexpr uint32_t kShareModes = 8;
  static_assert(model::share_bits::kAll == kShareModes - 1);
  static const std::array<model::MaskNames, kShareModes> named = [] {
    std::array<model::MaskNames, kShareModes> names;
    for (uint32_t bits = 0; bits < kShareModes; ++bits) {
      names[bits] = model::share_name_views(ShareMode{bits});
    }
    return names;
  }();
  return named[share.bits & (kShareModes - 1)].span();
}

// CreateFile's name of a disposition.
std::string_view disposition_name(model::CreateDisposition disposition) {
  switch (disposition) {
    case model::CreateDisposition::open_existing:
      return "OPEN_EXISTING";
    case model::CreateDisposition::create_always:
      return "CREATE_ALWAYS";
    case model::CreateDisposition::open_always:
      return "OPEN_ALWAYS";
    case model::CreateDisposition::create_new:
      return "CREATE_NEW";
  }
  DISTSIM_ASSERT(false);
  return {};
}

// A close the server forced on the handle's owner, or the owner's own close after it.
void add_disconnect(const VfsEvent& event, Trace::RecordWriter& record) {
  if (event.disconnected) record.flag("disconnected", true);
  if (event.after_disconnect) record.flag("after_disconnect", true);
}

void add_operation_fields(const VfsEvent& event, const VirtualFileSystem& vfs,
                          Trace::RecordWriter& record) {
  switch (event.operation) {
    case VfsOperation::open:  // its access and share lists come first (VfsTraceRecorder::add_masks)
      // OPEN_EXISTING, by far the most common, goes without saying.
      if (event.disposition != model::CreateDisposition::open_existing) {
        record.text("disposition", disposition_name(event.disposition));
      }
      if (event.delete_on_close) record.flag("delete_on_close", true);
      add_result(event, record);
      if (event.result == Win32Error::ok) {
        record.number("handle", static_cast<int64_t>(event.handle));
        // The size the opener finds (GetFileSizeEx is not traced): source_read_time times the
        // manager's reads by it.
        if (const auto content = vfs.handle_content(event.handle)) {
          record.number("size", static_cast<int64_t>(content->size_bytes));
        }
      }
      return;
    case VfsOperation::close:
      record.number("handle", static_cast<int64_t>(event.handle));
      add_disconnect(event, record);
      return;
    case VfsOperation::read:
    case VfsOperation::write:
      record.number("handle", static_cast<int64_t>(event.handle));
      add_result(event, record);
      if (event.result == Win32Error::ok) add_content(vfs, event.handle, record);
      return;
    case VfsOperation::rename:
      record.text("to", event.to);
      add_result(event, record);
      return;
    case VfsOperation::map_image:
      record.number("handle", static_cast<int64_t>(event.handle));
      add_result(event, record);
      if (event.result == Win32Error::ok) {
        record.number("section", static_cast<int64_t>(event.section));
      }
      return;
    case VfsOperation::unmap_image:
      record.number("section", static_cast<int64_t>(event.section));
      add_disconnect(event, record);
      return;
    case VfsOperation::map_data:
      record.number("handle", static_cast<int64_t>(event.handle))
          .text("protection", page_protection_name(event.protection));
      add_result(event, record);
      if (event.result == Win32Error::ok) {
        record.number("section", static_cast<int64_t>(event.section));
      }
      return;
    case VfsOperation::unmap_data:
      record.number("section", static_cast<int64_t>(event.section))
          .text("protection", page_protection_name(event.protection));
      add_disconnect(event, record);
      return;
    case VfsOperation::list_directory:
      add_result(event, record);
      if (event.result == Win32Error::ok) {
        record.number("files", event.listed_files).number("folders", event.listed_folders);
      }
      return;
    case VfsOperation::get_attributes:
    case VfsOperation::set_attributes:
      add_result(event, record);
      if (event.result == Win32Error::ok || event.operation == VfsOperation::set_attributes) {
        const std::vector<std::string> names = file_attribute_names(event.attributes);
        record.list("attributes", std::span<const std::string>(names));
      }
      return;
    default:
      if (event.handle != 0) record.number("handle", static_cast<int64_t>(event.handle));
      add_result(event, record);
      return;
  }
}

}  // namespace

void VfsTraceRecorder::add_path(const VfsEvent& event, Trace::RecordWriter& record) {
  const uint64_t generation = vfs_.namespace_generation();
  if (event.operation == VfsOperation::open) {
    if (event.result != Win32Error::ok) {
      record.text("path", event.path());
      return;
    }
    HandlePath& slot = slot_of(event.handle);
    record.text("path", event.path(), slot.path);
    slot.handle = event.handle;
    slot.namespace_generation = generation;
    return;
  }
  const bool by_handle = event.handle != 0 && (event.operation == VfsOperation::read ||
                                               event.operation == VfsOperation::write ||
                                               event.operation == VfsOperation::close);
  if (by_handle) {
    const HandlePath& slot = slot_of(event.handle);
    if (slot.handle == event.handle && slot.namespace_generation == generation &&
        slot.path.owner != nullptr) {
#if defined(DISTSIM_AUDITS)
      DISTSIM_ASSERT(slot.path.value == event.path());
#endif
      record.held_text("path", slot.path);
      return;
    }
  }
  record.text("path", event.path());
}

void VfsTraceRecorder::add_masks(const VfsEvent& event, Trace::RecordWriter& record) {
  const model::AccessTarget target = access_target_of(event, vfs_);
  HeldAccess& access = access_lists_[(event.access.bits ^ (event.access.bits >> 16U) ^
                                      static_cast<uint32_t>(target)) %
                                     access_lists_.size()];
  if (access.list.owner != nullptr && access.bits == event.access.bits && access.target == target) {
#if defined(DISTSIM_AUDITS)
    const auto names = access_names_of(event.access, target).span();
    DISTSIM_ASSERT(
        std::equal(names.begin(), names.end(), access.list.value.begin(), access.list.value.end()));
#endif
    record.held_list("access", access.list);
  } else {
    record.list("access", access_names_of(event.access, target).span(), access.list);
    access.bits = event.access.bits;
    access.target = target;
  }
  TraceHeldList& share = share_lists_[event.share.bits % share_lists_.size()];
  if (share.owner != nullptr) {
#if defined(DISTSIM_AUDITS)
    const auto names = share_names_of(event.share);
    DISTSIM_ASSERT(std::equal(names.begin(), names.end(), share.value.begin(), share.value.end()));
#endif
    record.held_list("share", share);
  } else {
    record.list("share", share_names_of(event.share), share);
  }
}

void VfsTraceRecorder::record(const VfsEvent& event) {
  Trace::RecordWriter record =
      trace_.record(event.t_us, vfs_.actor_name(event.actor), vfs_operation_name(event.operation));
  add_path(event, record);
  if (event.operation == VfsOperation::open) add_masks(event, record);
  add_operation_fields(event, vfs_, record);
  if (event.result != Win32Error::ok && !vfs_.last_blame().empty()) {
    actor_kinds_.culprits_into(vfs_, vfs_.last_blame(), culprits_);
    blame_texts_.resize(culprits_.size());
    for (size_t index = 0; index < culprits_.size(); ++index) {
      culprit_trace_text_into(culprits_[index], blame_texts_[index]);
    }
    record.list("blame", std::span<const std::string>(blame_texts_));
  }
  // Last, as Process Monitor shows the thread beside the operation, not in it.
  if (event.thread != 0) record.number("thread", event.thread);
}

}  // namespace distsim::sim
