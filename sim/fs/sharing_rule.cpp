// The CreateFile sharing rule: generic mapping (winnt.h FILE_GENERIC_* values), the three access
// classes and the two-handle conflict test of sim/fs/README.md
#include "sim/fs/sharing_rule.h"

#include "model/assert.h"

namespace distsim::sim {
namespace {

namespace bits = model::access_bits;
namespace share = model::share_bits;

constexpr uint32_t kStandardRightsRequired = 0x000F0000;  // DELETE|READ_CONTROL|WRITE_DAC|OWNER
constexpr uint32_t kFileGenericRead = bits::kReadControl | bits::kFileReadData |
                                      bits::kFileReadAttributes | bits::kFileReadEa |
                                      bits::kSynchronize;
constexpr uint32_t kFileGenericWrite = bits::kReadControl | bits::kFileWriteData |
                                       bits::kFileWriteAttributes | bits::kFileWriteEa |
                                       bits::kFileAppendData | bits::kSynchronize;
constexpr uint32_t kFileGenericExecute =
    bits::kReadControl | bits::kFileReadAttributes | bits::kFileExecute | bits::kSynchronize;
constexpr uint32_t kFileAllAccess = kStandardRightsRequired | bits::kSynchronize | 0x1FF;
constexpr uint32_t kGenericBits =
    bits::kGenericRead | bits::kGenericWrite | bits::kGenericExecute | bits::kGenericAll;

constexpr uint32_t kReadClass = bits::kFileReadData | bits::kFileExecute;
constexpr uint32_t kWriteClass = bits::kFileWriteData | bits::kFileAppendData;
constexpr uint32_t kDeleteClass = bits::kDelete;

static_assert(kFileGenericRead == 0x00120089);
static_assert(kFileGenericWrite == 0x00120116);
static_assert(kFileGenericExecute == 0x001200A0);
static_assert(kFileAllAccess == 0x001F01FF);

// True when `access` (class bits) needs a share flag that `share_mask` does not grant.
bool needs_missing_share(uint32_t access, uint32_t share_mask) {
  return ((access & kReadClass) != 0 && (share_mask & share::kRead) == 0) ||
         ((access & kWriteClass) != 0 && (share_mask & share::kWrite) == 0) ||
         ((access & kDeleteClass) != 0 && (share_mask & share::kDelete) == 0);
}

}  // namespace

uint32_t map_generic_access(model::AccessMask access) {
  uint32_t mapped = access.bits;
  if ((access.bits & bits::kGenericRead) != 0) mapped |= kFileGenericRead;
  if ((access.bits & bits::kGenericWrite) != 0) mapped |= kFileGenericWrite;
  if ((access.bits & bits::kGenericExecute) != 0) mapped |= kFileGenericExecute;
  if ((access.bits & bits::kGenericAll) != 0) mapped |= kFileAllAccess;
  mapped &= ~kGenericBits;
  DISTSIM_ASSERT((mapped & kGenericBits) == 0);
  return mapped;
}

uint32_t sharing_class_bits(model::AccessMask access) {
  return map_generic_access(access) & (kReadClass | kWriteClass | kDeleteClass);
}

bool has_read_class(model::AccessMask access) {
  return (sharing_class_bits(access) & kReadClass) != 0;
}

bool has_write_class(model::AccessMask access) {
  return (sharing_class_bits(access) & kWriteClass) != 0;
}

bool has_delete_class(model::AccessMask access) {
  return (sharing_class_bits(access) & kDeleteClass) != 0;
}

bool sharing_conflicts(model::AccessMask existing_access, model::ShareMode existing_share,
                       model::AccessMask new_access, model::ShareMode new_share) {
  const uint32_t existing_class = sharing_class_bits(existing_access);
  const uint32_t new_class = sharing_class_bits(new_access);
  // A metadata-only handle is treated as sharing everything, so it neither blocks nor is blocked.
  if (existing_class == 0 || new_class == 0) return false;
  return needs_missing_share(new_class, existing_share.bits) ||
         needs_missing_share(existing_class, new_share.bits);
}

}  // namespace distsim::sim
