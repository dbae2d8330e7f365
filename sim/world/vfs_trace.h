// The trace record of one VFS operation: the fields each operation carries (the access and share
// of an open, the content a read returned or a write left, the attributes a query found, the
// image section a program mapped) and, for a refusal, the handles blamed for it.
#pragma once

#include "sim/core/trace.h"
#include "sim/fs/vfs.h"
#include "sim/world/blame.h"

namespace distsim::sim {

// Adds `event`'s record to the trace, with fields read right after the operation (a read's or
// write's content is the file's as the operation left it).
void add_vfs_trace_record(Trace& trace, const VfsEvent& event, const VirtualFileSystem& vfs,
                          const ActorKinds& actor_kinds);

}  // namespace distsim::sim
