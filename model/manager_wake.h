// What one scheduler wake-up means to the Distribution Manager: which package, what fell due or
// finished, for which pass or retry generation, and which DP. The scheduler carries it as an
// opaque 64-bit WakeToken; packing it here keeps the bit layout in one place. Internal to model/.
#pragma once

#include <cstdint>

#include "model/ports.h"

namespace distsim::model {

enum class WakeKind : uint8_t {
  retry_due = 1,          // a package-level retry fell due
  read_done = 2,          // the current source file has been read
  copy_done = 3,          // the current file of a DP job has been copied
  compress_done = 4,      // the compressed copy (.PCK) has been written
  dp_retry_due = 5,       // a per-DP retry fell due
  source_open_again = 6,  // open the source file the pass could not open, again
};

inline constexpr uint32_t kWakeKindBits = 4;
inline constexpr uint32_t kWakeDetailBits = 12;
inline constexpr uint32_t kWakeGenerationBits = 24;
inline constexpr uint32_t kWakePackageIndexBits =
    64 - kWakeKindBits - kWakeDetailBits - kWakeGenerationBits;
inline constexpr uint32_t kWakeGenerationMask = (1u << kWakeGenerationBits) - 1;

struct ManagerWake {
  uint32_t package_index = 0;
  WakeKind kind = WakeKind::retry_due;
  // The generation the wake-up belongs to; only its low kWakeGenerationBits travel, so a stale
  // wake-up is recognised by comparing through is_for().
  uint32_t generation = 0;
  uint32_t detail = 0;  // the DP job (copy_done) or DP slot (dp_retry_due); 0 otherwise

  // True when this wake-up was issued for `current_generation` (compared modulo the bits kept).
  [[nodiscard]] bool is_for(uint32_t current_generation) const {
    return (current_generation & kWakeGenerationMask) == (generation & kWakeGenerationMask);
  }
};

// Requires package_index < 2^kWakePackageIndexBits and detail < 2^kWakeDetailBits.
[[nodiscard]] WakeToken wake_token(const ManagerWake& wake);
// The inverse of wake_token (generation comes back reduced to its low bits). Requires a token
// that wake_token made.
[[nodiscard]] ManagerWake manager_wake(WakeToken token);

}  // namespace distsim::model
