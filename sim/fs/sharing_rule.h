// The CreateFile sharing rule (sim/fs/README.md): generic-right mapping, the three
// access classes that take part (read, write, delete), and the two-handle conflict test that the
// VFS applies pairwise against every existing handle on the same file or directory.
#pragma once

#include <cstdint>

#include "model/file_access.h"

namespace distsim::sim {

// GENERIC_READ -> FILE_GENERIC_READ, GENERIC_WRITE -> FILE_GENERIC_WRITE, GENERIC_EXECUTE ->
// FILE_GENERIC_EXECUTE, GENERIC_ALL -> FILE_ALL_ACCESS; other bits unchanged.
[[nodiscard]] uint32_t map_generic_access(model::AccessMask access);

// The sharing-relevant bits of a mapped access: FILE_READ_DATA|FILE_EXECUTE (read class),
// FILE_WRITE_DATA|FILE_APPEND_DATA (write class), DELETE (delete class).
[[nodiscard]] uint32_t sharing_class_bits(model::AccessMask access);

[[nodiscard]] bool has_read_class(model::AccessMask access);
[[nodiscard]] bool has_write_class(model::AccessMask access);
[[nodiscard]] bool has_delete_class(model::AccessMask access);

// True when a new open (new_access, new_share) must fail with ERROR_SHARING_VIOLATION because
// of one existing handle (existing_access, existing_share). Metadata-only handles (no read,
// write or delete class bit) never conflict, either way round. Symmetric in its two handles.
[[nodiscard]] bool sharing_conflicts(model::AccessMask existing_access,
                                     model::ShareMode existing_share, model::AccessMask new_access,
                                     model::ShareMode new_share);

}  // namespace distsim::sim
