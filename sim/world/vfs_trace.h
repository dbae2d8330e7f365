// The trace record of one VFS operation: the fields each operation carries (the access and share
// of an open, the content a read returned or a write left, the attributes a query found, the
// image section a program mapped) and, for a refusal, the handles blamed for it.
#pragma once

#include "sim/core/trace.h"
#include "sim/fs/vfs.h"
#include "sim/world/blame.h"

namespace distsim::sim {

// The fields of `event`'s record, read right after the operation (a read's or write's content
// is the file's as the operation left it).
[[nodiscard]] TraceArgs vfs_trace_fields(const VfsEvent& event, const VirtualFileSystem& vfs,
                                         const ActorKinds& actor_kinds);

}  // namespace distsim::sim
