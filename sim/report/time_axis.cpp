// Plans the time axis: finds the idle stretches worth shortening between the sorted moments of
// activity, shares the width between the busy stretches at one scale (water-filling, so that
// short ones still get a minimum width), and places ticks at round steps within each stretch.
#include "sim/report/time_axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <utility>

#include "model/assert.h"
#include "sim/core/limits.h"

namespace distsim::sim {
namespace {

using model::kMicrosecondsPerDay;
using model::kMicrosecondsPerHour;
using model::kMicrosecondsPerMillisecond;
using model::kMicrosecondsPerMinute;
using model::kMicrosecondsPerSecond;

constexpr int64_t kSegmentWidthMaxTenths = 12'000;
static_assert(kRunHorizonMaxUs * 2 <= INT64_MAX / kSegmentWidthMaxTenths);
constexpr TimeUs kBreakLengthMinUs = 2 * kMicrosecondsPerSecond;
constexpr TimeUs kAxisLengthMinUs = kMicrosecondsPerSecond;

constexpr TimeUs kMs = kMicrosecondsPerMillisecond;
constexpr TimeUs kS = kMicrosecondsPerSecond;
constexpr TimeUs kM = kMicrosecondsPerMinute;
constexpr TimeUs kH = kMicrosecondsPerHour;
constexpr TimeUs kD = kMicrosecondsPerDay;
constexpr std::array kSteps{
    kMs,     2 * kMs, 5 * kMs, 10 * kMs, 20 * kMs, 50 * kMs, 100 * kMs, 200 * kMs, 500 * kMs,
    kS,      2 * kS,  5 * kS,  10 * kS,  15 * kS,  30 * kS,  kM,        2 * kM,    5 * kM,
    10 * kM, 15 * kM, 30 * kM, kH,       2 * kH,   3 * kH,   6 * kH,    12 * kH,   kD,
    2 * kD,  7 * kD,  14 * kD, 30 * kD,  60 * kD,  180 * kD, 365 * kD,  730 * kD,  1825 * kD};

TimeAxis linear_axis(TimeUs first_us, TimeUs last_us, TimeUs until_us, int64_t x0, int64_t x1) {
  const TimeUs span_us = last_us - first_us;
  const TimeUs margin_us = std::max(span_us / 30, kMicrosecondsPerSecond);
  TimeUs t0_us = first_us <= span_us / 10 ? 0 : std::max<TimeUs>(first_us - margin_us, 0);
  TimeUs t1_us = std::min(last_us + margin_us, std::max(until_us, last_us));
  if (t1_us - t0_us < kAxisLengthMinUs) t1_us = t0_us + kAxisLengthMinUs;
  return TimeAxis({{t0_us, t1_us, x0, x1, false, 0}});
}

struct Busy {
  TimeUs first_us = 0;  // its first and last moment of activity
  TimeUs last_us = 0;
  TimeUs length_us = 0;  // with a margin: what the scale is computed for
  int64_t width = 0;     // tenths
  TimeUs window_us = 0;  // the time its width shows
};

// Gives each busy stretch its width: all at one scale, except that none is narrower than
// kBusyWidthMinTenths, and the time window that width shows at that scale.
void share_width(std::vector<Busy>& busy, int64_t width) {
  const size_t count = busy.size();
  std::vector<size_t> order(count);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return busy[a].length_us < busy[b].length_us; });
  auto ms = [](TimeUs t_us) { return (t_us + kMs - 1) / kMs; };
  size_t at_minimum = count;  // how many of the shortest get the minimum width
  int64_t rest_ms = 0;
  int64_t available = 0;
  for (size_t k = 0; k < count; ++k) {
    rest_ms = 0;
    for (size_t j = k; j < count; ++j) rest_ms += ms(busy[order[j]].length_us);
    available = width - static_cast<int64_t>(k) * kBusyWidthMinTenths;
    if (ms(busy[order[k]].length_us) * available >= kBusyWidthMinTenths * rest_ms) {
      at_minimum = k;
      break;
    }
  }
  if (at_minimum == count) {  // all short alike: equal widths, each showing the longest window
    const TimeUs longest_us = busy[order.back()].length_us;
    for (Busy& each : busy)
      each = {each.first_us, each.last_us, each.length_us, width / static_cast<int64_t>(count),
              longest_us};
  } else {
    for (size_t k = 0; k < count; ++k) {
      Busy& each = busy[order[k]];
      if (k < at_minimum) {
        each.width = kBusyWidthMinTenths;
        each.window_us = kBusyWidthMinTenths * rest_ms / available * kMs;
      } else {
        each.width = ms(each.length_us) * available / rest_ms;
        each.window_us = each.length_us;
      }
    }
  }
  int64_t used = 0;
  for (const Busy& each : busy) used += each.width;
  busy.back().width += width - used;  // rounding leftovers
}

// Widens each busy stretch to its window, into at most a third of each neighbouring break.
void place_windows(std::vector<Busy>& busy, TimeUs until_us, std::vector<TimeUs>& starts,
                   std::vector<TimeUs>& ends) {
  for (size_t k = 0; k < busy.size(); ++k) {
    const Busy& each = busy[k];
    const TimeUs left_room = k == 0 ? each.first_us : (each.first_us - busy[k - 1].last_us) / 3;
    const TimeUs right_room = k + 1 == busy.size() ? std::max<TimeUs>(until_us - each.last_us, 0)
                                                   : (busy[k + 1].first_us - each.last_us) / 3;
    const TimeUs extra_us = std::max<TimeUs>(each.window_us - (each.last_us - each.first_us), 0);
    TimeUs left_us = std::min(extra_us / 2, left_room);
    const TimeUs right_us = std::min(extra_us - left_us, right_room);
    left_us = std::min(extra_us - right_us, left_room);
    starts.push_back(each.first_us - left_us);
    ends.push_back(std::max(each.last_us + right_us, starts.back() + 1));
  }
}

}  // namespace

TimeAxis::TimeAxis(std::vector<AxisSegment> segments) : segments_(std::move(segments)) {
  DISTSIM_ASSERT(!segments_.empty());
  for (size_t index = 0; index < segments_.size(); ++index) {
    const AxisSegment& segment = segments_[index];
    DISTSIM_ASSERT(segment.t0_us < segment.t1_us && segment.x0 < segment.x1);
    DISTSIM_ASSERT(segment.x1 - segment.x0 <= kSegmentWidthMaxTenths);
    DISTSIM_ASSERT(index == 0 || (segment.t0_us == segments_[index - 1].t1_us &&
                                  segment.x0 == segments_[index - 1].x1));
  }
}

int64_t TimeAxis::x(TimeUs t_us) const {
  if (t_us <= start_us()) return x0();
  if (t_us >= end_us()) return x1();
  const auto segment =
      std::partition_point(segments_.begin(), segments_.end(),
                           [t_us](const AxisSegment& each) { return each.t1_us < t_us; });
  DISTSIM_ASSERT(segment != segments_.end());
  return segment->x0 +
         (t_us - segment->t0_us) * (segment->x1 - segment->x0) / (segment->t1_us - segment->t0_us);
}

bool TimeAxis::has_breaks() const {
  return std::any_of(segments_.begin(), segments_.end(),
                     [](const AxisSegment& each) { return each.idle; });
}

TimeAxis plan_time_axis(std::vector<TimeUs> moments, TimeUs until_us, int64_t x0, int64_t x1) {
  DISTSIM_ASSERT(x0 < x1);
  const TimeUs horizon_us = std::max<TimeUs>(until_us, 0);
  for (TimeUs& moment : moments) moment = std::clamp<TimeUs>(moment, 0, horizon_us);
  std::sort(moments.begin(), moments.end());
  moments.erase(std::unique(moments.begin(), moments.end()), moments.end());
  if (moments.empty()) return linear_axis(0, 0, horizon_us, x0, x1);
  const TimeUs span_us = moments.back() - moments.front();
  const TimeUs break_min_us = std::max(span_us / 16, kBreakLengthMinUs);
  std::vector<std::pair<TimeUs, size_t>> idle;  // (length, index of the moment before it)
  TimeUs idle_total_us = 0;
  for (size_t index = 0; index + 1 < moments.size(); ++index) {
    const TimeUs length_us = moments[index + 1] - moments[index];
    if (length_us < break_min_us) continue;
    idle.emplace_back(length_us, index);
    idle_total_us += length_us;
  }
  if (idle.empty() || idle_total_us < span_us / 2) {
    return linear_axis(moments.front(), moments.back(), horizon_us, x0, x1);
  }
  std::stable_sort(idle.begin(), idle.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  size_t breaks = std::min(idle.size(), kAxisBreaksMax);
  while (breaks > 0 && x1 - x0 - static_cast<int64_t>(breaks) * kBreakWidthTenths <
                           static_cast<int64_t>(breaks + 1) * kBusyWidthMinTenths) {
    --breaks;
  }
  // A break must be clearly longer than every idle stretch left at full length (at least twice
  // as long): otherwise evenly spaced retries would be drawn half shortened, half not.
  while (breaks > 0 && breaks < idle.size() && idle[breaks - 1].first < 2 * idle[breaks].first) {
    --breaks;
  }
  TimeUs kept_us = 0;
  for (size_t index = 0; index < breaks; ++index) kept_us += idle[index].first;
  if (breaks == 0 || kept_us < span_us / 2) {
    return linear_axis(moments.front(), moments.back(), horizon_us, x0, x1);
  }
  idle.resize(breaks);
  std::sort(idle.begin(), idle.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  std::vector<Busy> busy;
  size_t first = 0;
  for (size_t cut = 0; cut <= idle.size(); ++cut) {
    const size_t last = cut < idle.size() ? idle[cut].second : moments.size() - 1;
    const TimeUs length_us = std::max(moments[last] - moments[first], kMs);
    busy.push_back({moments[first], moments[last], length_us + length_us / 12, 0, 0});
    first = last + 1;
  }
  share_width(busy, x1 - x0 - static_cast<int64_t>(breaks) * kBreakWidthTenths);
  std::vector<TimeUs> starts;
  std::vector<TimeUs> ends;
  place_windows(busy, horizon_us, starts, ends);
  std::vector<AxisSegment> segments;
  int64_t x = x0;
  for (size_t k = 0; k < busy.size(); ++k) {
    segments.push_back({starts[k], ends[k], x, x + busy[k].width, false, 0});
    x += busy[k].width;
    if (k + 1 == busy.size()) break;
    segments.push_back({ends[k], starts[k + 1], x, x + kBreakWidthTenths, true,
                        busy[k + 1].first_us - busy[k].last_us});
    x += kBreakWidthTenths;
  }
  return TimeAxis(std::move(segments));
}

std::vector<TimeUs> activity_moments(const Timeline& timeline,
                                     const std::vector<PassRecord>& passes) {
  std::vector<TimeUs> moments;
  for (const PassRecord& pass : passes) {
    moments.push_back(pass.start_us);
    if (pass.end_us) moments.push_back(*pass.end_us);
  }
  for (const RetryWait& wait : timeline.waits) moments.push_back(wait.end_us);
  for (const HandleSpan& handle : timeline.handles) {
    moments.push_back(handle.open_us);
    if (handle.close_us) moments.push_back(*handle.close_us);
  }
  for (const TimelineMark& mark : timeline.marks) moments.push_back(mark.t_us);
  for (const FaultSpan& fault : timeline.faults) {
    moments.push_back(fault.start_us);
    if (fault.end_us) moments.push_back(*fault.end_us);
  }
  return moments;
}

TimeUs axis_step_us(TimeUs span_us, TimeUs ticks_max) {
  DISTSIM_ASSERT(span_us > 0 && ticks_max > 0);
  for (const TimeUs step_us : kSteps) {
    if (span_us / step_us < ticks_max) return step_us;
  }
  return kSteps.back();
}

std::vector<AxisTick> round_ticks(TimeUs t0_us, TimeUs t1_us, TimeUs ticks_max) {
  DISTSIM_ASSERT(t0_us >= 0 && t0_us < t1_us);
  const TimeUs chosen_us = axis_step_us(t1_us - t0_us, ticks_max);
  auto first_multiple = [t0_us](TimeUs step_us) {
    return (t0_us + step_us - 1) / step_us * step_us;
  };
  auto step = std::find(kSteps.rbegin(), kSteps.rend(), chosen_us);
  while (step != kSteps.rend() && first_multiple(*step) > t1_us) ++step;
  std::vector<AxisTick> ticks;
  if (step == kSteps.rend()) return ticks;
  for (TimeUs t_us = first_multiple(*step); t_us <= t1_us; t_us += *step)
    ticks.push_back({t_us, *step});
  return ticks;
}

std::string axis_label(TimeUs t_us, TimeUs step_us) {
  DISTSIM_ASSERT(t_us >= 0);
  DISTSIM_ASSERT(step_us > 0);
  const TimeUs days = t_us / kMicrosecondsPerDay;
  std::string text = days > 0 ? fmt::format("{}d ", days) : "";
  text += fmt::format("{:02}:{:02}", t_us / kMicrosecondsPerHour % 24,
                      t_us / kMicrosecondsPerMinute % 60);
  if (step_us % kMicrosecondsPerMinute == 0) return text;
  text += fmt::format(":{:02}", t_us / kMicrosecondsPerSecond % 60);
  if (step_us % kMicrosecondsPerSecond == 0) return text;
  return text + fmt::format(".{:03}", t_us / kMicrosecondsPerMillisecond % 1000);
}

std::string short_duration_text(TimeUs t_us) {
  DISTSIM_ASSERT(t_us >= 0);
  constexpr std::array<std::pair<TimeUs, std::string_view>, 5> kUnits{
      {{kD, "d"}, {kH, "h"}, {kM, "m"}, {kS, "s"}, {kMs, "ms"}}};
  for (size_t index = 0; index < kUnits.size(); ++index) {
    const auto& [unit_us, suffix] = kUnits[index];
    if (t_us < unit_us) continue;
    std::string text = fmt::format("{}{}", t_us / unit_us, suffix);
    if (index + 1 < kUnits.size()) {
      const auto& [next_us, next_suffix] = kUnits[index + 1];
      const TimeUs next_count = t_us % unit_us / next_us;
      if (next_count > 0) text += fmt::format("{}{}", next_count, next_suffix);
    }
    return text;
  }
  return "0s";
}

}  // namespace distsim::sim
