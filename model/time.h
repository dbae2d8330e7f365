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

// A wait as Distmgr.log announces it: in whole seconds, a part of a second counting as a whole
// one, so that the announced wait never ends before the work it announces ("in 90 seconds" for
// 89.99 s, "in 2 seconds" for 1.5 s).
inline constexpr TimeUs whole_seconds_rounded_up(TimeUs duration_us) {
  if (duration_us <= 0) return 0;
  return duration_us / kMicrosecondsPerSecond + (duration_us % kMicrosecondsPerSecond != 0 ? 1 : 0);
}

}  // namespace distsim::model
