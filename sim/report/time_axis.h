// The time axis of the report's timeline: which stretch of the run it shows (from just before
// the first activity to just after the last, never the idle rest of the horizon), and how that
// stretch maps to x. When idle stretches make up most of it (an hour's wait between passes that
// last seconds), each long idle stretch is drawn narrow, as a break of fixed width, and the busy
// stretches between breaks share the rest of the width at one common scale.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/time.h"
#include "sim/report/timeline.h"
#include "sim/world/world.h"

namespace distsim::sim {

// One piece of the axis: [t0_us, t1_us] drawn over [x0, x1] (tenths of a unit), linearly.
struct AxisSegment {
  TimeUs t0_us = 0;
  TimeUs t1_us = 0;
  int64_t x0 = 0;
  int64_t x1 = 0;
  bool idle = false;  // a shortened idle stretch (a break)
  // For a break: the idle time itself, from the last activity before it to the first after.
  TimeUs idle_us = 0;
};

class TimeAxis {
 public:
  // Requires segments that are contiguous in both time and x, increasing, and not empty.
  explicit TimeAxis(std::vector<AxisSegment> segments);

  // The x of a moment in tenths; moments outside the axis sit on its nearer end.
  [[nodiscard]] int64_t x(TimeUs t_us) const;
  [[nodiscard]] TimeUs start_us() const { return segments_.front().t0_us; }
  [[nodiscard]] TimeUs end_us() const { return segments_.back().t1_us; }
  [[nodiscard]] int64_t x0() const { return segments_.front().x0; }
  [[nodiscard]] int64_t x1() const { return segments_.back().x1; }
  [[nodiscard]] const std::vector<AxisSegment>& segments() const { return segments_; }
  [[nodiscard]] bool has_breaks() const;

 private:
  std::vector<AxisSegment> segments_;
};

// Breaks are at most this many, each kBreakWidthTenths wide; a busy stretch is at least
// kBusyWidthMinTenths wide (a stretch of a few milliseconds gets that much of the time around it).
inline constexpr size_t kAxisBreaksMax = 6;
inline constexpr int64_t kBreakWidthTenths = 440;
inline constexpr int64_t kBusyWidthMinTenths = 700;

// The axis for moments of activity (any order, repeats allowed) of a run with horizon until_us,
// over [x0, x1]. An idle stretch becomes a break when it is at least 1/16 of the shown span and
// the stretches that qualify make up at least half of it; the longest of them become breaks, at
// most kAxisBreaksMax and as many as the width holds, each at least twice as long as any stretch
// left at full length, and together still at least half of the span (else the axis stays linear,
// as for retries at a steady interval). Without breaks the axis is linear with a margin of 1/30 of
// the span (at least a second) on each side, starts at 0 when the activity starts within the first
// tenth of the span, and is at least a second long. Nothing past the horizon is shown unless the
// axis needs the second.
[[nodiscard]] TimeAxis plan_time_axis(std::vector<TimeUs> moments, TimeUs until_us, int64_t x0,
                                      int64_t x1);

// Every moment of activity of a timeline and its passes (starts, ends, marks, retries due).
[[nodiscard]] std::vector<TimeUs> activity_moments(const Timeline& timeline,
                                                   const std::vector<PassRecord>& passes);

// The tick spacing for `span_us` with fewer than `ticks_max` ticks: the smallest of 1ms, 2ms,
// 5ms, ... 1s, 2s, 5s, 10s, 15s, 30s, 1m, ... 1h, 2h, 3h, 6h, 12h, 1d, 2d, 7d, ... that fits.
[[nodiscard]] TimeUs axis_step_us(TimeUs span_us, TimeUs ticks_max = 12);

// Ticks at the multiples of a round step within [t0_us, t1_us]: the step axis_step_us gives for
// the span and ticks_max, or, when no multiple of it falls inside, the largest finer step that
// puts one there (none when not even a whole millisecond falls inside).
struct AxisTick {
  TimeUs t_us = 0;
  TimeUs step_us = 0;
};
[[nodiscard]] std::vector<AxisTick> round_ticks(TimeUs t0_us, TimeUs t1_us, TimeUs ticks_max);

// A tick label of virtual time: "01:00" for steps of whole minutes, "01:00:30" for whole
// seconds, else with milliseconds; "1d 01:00" from the first day on.
[[nodiscard]] std::string axis_label(TimeUs t_us, TimeUs step_us);

// "59m40s", "2h", "1d3h": a duration to its two largest units, for the label of a break.
[[nodiscard]] std::string short_duration_text(TimeUs t_us);

}  // namespace distsim::sim
