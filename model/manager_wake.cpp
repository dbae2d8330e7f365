// The bit layout of a Distribution Manager wake-up inside a WakeToken, from the low bits up:
// kind, detail, generation, package index.
#include "model/manager_wake.h"

#include "model/assert.h"

namespace distsim::model {
namespace {

constexpr uint64_t low_bits(uint64_t value, uint32_t bit_count) {
  return value & ((uint64_t{1} << bit_count) - 1);
}

}  // namespace

WakeToken wake_token(const ManagerWake& wake) {
  DISTSIM_ASSERT(wake.detail < (1u << kWakeDetailBits));
  DISTSIM_ASSERT(wake.package_index < (uint64_t{1} << kWakePackageIndexBits));
  DISTSIM_ASSERT(static_cast<uint32_t>(wake.kind) < (1u << kWakeKindBits));
  uint64_t value = wake.package_index;
  value = (value << kWakeGenerationBits) | (wake.generation & kWakeGenerationMask);
  value = (value << kWakeDetailBits) | wake.detail;
  value = (value << kWakeKindBits) | static_cast<uint64_t>(wake.kind);
  return WakeToken{value};
}

ManagerWake manager_wake(WakeToken token) {
  ManagerWake wake;
  const uint64_t kind = low_bits(token.value, kWakeKindBits);
  DISTSIM_ASSERT(kind >= static_cast<uint64_t>(WakeKind::retry_due));
  DISTSIM_ASSERT(kind <= static_cast<uint64_t>(WakeKind::source_open_again));
  wake.kind = static_cast<WakeKind>(kind);
  wake.detail = static_cast<uint32_t>(low_bits(token.value >> kWakeKindBits, kWakeDetailBits));
  wake.generation = static_cast<uint32_t>(
      low_bits(token.value >> (kWakeKindBits + kWakeDetailBits), kWakeGenerationBits));
  wake.package_index =
      static_cast<uint32_t>(token.value >> (kWakeKindBits + kWakeDetailBits + kWakeGenerationBits));
  return wake;
}

}  // namespace distsim::model
