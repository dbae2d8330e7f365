// Virtual time: integer microseconds since the start of a run (t = 0). No wall clock exists in
// distsim; the simulator's kernel owns "now" and hands it to the model through its scheduler port.
#pragma once

#include <cstdint>

namespace distsim::model {

using TimeUs = int64_t;

inline constexpr TimeUs kMicrosecondsPerMillisecond = 1000;
inline constexpr TimeUs kMicrosecondsPerSecond = 1000 * kMicrosecondsPerMillisecond;
inline constexpr TimeUs kMicrosecondsPerMinute = 60 * kMicrosecondsPerSecond;
inline constexpr TimeUs kMicrosecondsPerHour = 60 * kMicrosecondsPerMinute;
inline constexpr TimeUs kMicrosecondsPerDay = 24 * kMicrosecondsPerHour;

}  // namespace distsim::model
