// The trace record of one VFS operation: the fields each operation carries (the access and share
// of an open, the content a read returned or a write left, the attributes a query found, the
// image section a program mapped) and, for a refusal, the handles blamed for it.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "sim/core/trace.h"
#include "sim/fs/vfs.h"
#include "sim/world/blame.h"

namespace distsim::sim {

// Writes the records of one world's VFS operations into its trace.
class VfsTraceRecorder {
 public:
  // All three outlive the recorder; the trace is neither moved nor assigned while it records.
  VfsTraceRecorder(Trace& trace, const VirtualFileSystem& vfs, const ActorKinds& actor_kinds)
      : trace_(trace), vfs_(vfs), actor_kinds_(actor_kinds) {}

  // Adds `event`'s record, with fields read right after the operation (a read's or write's
  // content is the file's as the operation left it).
  void record(const VfsEvent& event);

 private:
  // The path a recently opened handle's open record holds. The reads, writes and close of that
  // handle show the same path while no name has left the namespace (a rename or delete removes
  // one), so they share the open's copy instead of building the display again and copying it:
  // at 100 packages x 50 DPs most records are a copied file's open, write and close.
  struct HandlePath {
    HandleId handle = 0;  // 0: empty (handles are numbered from 1)
    uint64_t namespace_generation = 0;
    TraceHeldText path;
  };
  // Enough for the copies a manager has under way at once, one per DP being copied to.
  static constexpr size_t kHandleSlots = 128;
  [[nodiscard]] HandlePath& slot_of(HandleId handle) {
    return handle_paths_[handle % kHandleSlots];
  }
  void add_path(const VfsEvent& event, Trace::RecordWriter& record);
  // An open's access and share lists: a run opens with a few masks over and over, so each mask's
  // list is copied into the trace once and named again by the opens after it.
  void add_masks(const VfsEvent& event, Trace::RecordWriter& record);
  struct HeldAccess {
    uint32_t bits = 0;
    model::AccessTarget target = model::AccessTarget::file;
    TraceHeldList list;  // owner null: empty
  };

  Trace& trace_;
  const VirtualFileSystem& vfs_;
  const ActorKinds& actor_kinds_;
  std::array<HandlePath, kHandleSlots> handle_paths_{};
  std::array<HeldAccess, 16> access_lists_{};
  // By the three share bits, all share_name_views names.
  std::array<TraceHeldList, 8> share_lists_{};
  // A refusal's culprits and their texts, kept from one refusal to the next for their storage.
  std::vector<Culprit> culprits_;
  std::vector<std::string> blame_texts_;
};

}  // namespace distsim::sim
