// Ticks at round steps within each busy stretch of the axis, their labels placed on three lines
// first-fit (break labels first, then ticks left to right; a tick's site clock only with its
// virtual time), and the break bands behind the rows.
#include "sim/report/svg_axis.h"

#include <fmt/format.h>

#include <string>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/report/label_layout.h"
#include "sim/report/site_clock_text.h"
#include "sim/report/svg_timeline.h"

namespace distsim::sim {
namespace {

using model::kMicrosecondsPerSecond;

constexpr int64_t kDateBaseline = 14;
constexpr int64_t kClockBaseline = 30;
constexpr int64_t kVirtualBaseline = 47;
constexpr int64_t kAxisFont = 12;
constexpr int64_t kDateFont = 11;
constexpr int64_t kTickSpacingTenths = 1000;  // room for one "00:00:00.000" label
constexpr int64_t kLabelGapTenths = 40;

// Round ticks within each busy stretch: as many as its width has room for.
std::vector<AxisTick> ticks_of(const TimeAxis& axis) {
  std::vector<AxisTick> ticks;
  for (const AxisSegment& segment : axis.segments()) {
    if (segment.idle) continue;
    const TimeUs room = std::max<TimeUs>((segment.x1 - segment.x0) / kTickSpacingTenths, 1);
    for (const AxisTick& tick : round_ticks(segment.t0_us, segment.t1_us, room + 1)) {
      ticks.push_back(tick);
    }
  }
  return ticks;
}

}  // namespace

void draw_axis(const TimeAxis& axis, const model::SiteConfig& site, int64_t height,
               SvgCanvas& canvas) {
  LabelLine date_line;
  LabelLine clock_line;
  LabelLine virtual_line;
  const int64_t left = kPlotLeft * 10;
  const int64_t right = kPlotRight * 10 + 100;  // labels may reach into the right margin
  const std::vector<AxisTick> ticks = ticks_of(axis);
  // The date at the start of the axis stands left of it; the line itself shows where it changes.
  const std::string start_date = site_date_text(site, axis.start_us());
  std::string last_date = start_date;
  for (const AxisSegment& segment : axis.segments()) {
    if (!segment.idle) continue;
    canvas.add(fmt::format(
        "<rect class=\"break\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">{}</rect>\n",
        px(segment.x0), kAxisBandHeight - 4, px(segment.x1 - segment.x0),
        height - kAxisBandHeight + 4,
        svg_title(fmt::format("nothing happens for {}: this stretch is drawn shortened",
                              duration_text(segment.idle_us)))));
    const std::string text = short_duration_text(segment.idle_us);
    const int64_t width = text_width_tenths(text, kDateFont);
    const auto [x1, x2] = centred_within((segment.x0 + segment.x1) / 2, width, left, right);
    if (!date_line.is_free(x1, x2 + kLabelGapTenths)) continue;
    date_line.take(x1, x2 + kLabelGapTenths);
    canvas.text(
        x1, kDateBaseline, text, kDateFont, "idle",
        fmt::format("{} without activity, drawn shortened", duration_text(segment.idle_us)));
  }
  for (const AxisTick& tick : ticks) {
    const int64_t x = axis.x(tick.t_us);
    canvas.add(fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                           px(x), kAxisBandHeight - 4, px(x), height));
    // Whole seconds without milliseconds, even between ticks a fraction of a second apart.
    const TimeUs precision_us = tick.t_us % kMicrosecondsPerSecond == 0
                                    ? std::max(tick.step_us, kMicrosecondsPerSecond)
                                    : tick.step_us;
    const std::string virtual_text = axis_label(tick.t_us, precision_us);
    const std::string clock_text = site_time_of_day(site, tick.t_us, precision_us);
    const int64_t width = std::max(text_width_tenths(virtual_text, kAxisFont),
                                   text_width_tenths(clock_text, kAxisFont));
    const auto [x1, x2] = centred_within(x, width, left, right);
    if (!virtual_line.is_free(x1, x2 + kLabelGapTenths) ||
        !clock_line.is_free(x1, x2 + kLabelGapTenths)) {
      continue;
    }
    virtual_line.take(x1, x2 + kLabelGapTenths);
    clock_line.take(x1, x2 + kLabelGapTenths);
    const std::string title = moment_text(site, tick.t_us);
    canvas.text(x1, kVirtualBaseline, virtual_text, kAxisFont, "tick", title);
    canvas.text(x1, kClockBaseline, clock_text, kAxisFont, "tick site", title);
    const std::string date = site_date_text(site, tick.t_us);
    if (date == last_date) continue;
    const auto [d1, d2] = centred_within(x1 + text_width_tenths(date, kDateFont) / 2,
                                         text_width_tenths(date, kDateFont), left, right);
    if (!date_line.is_free(d1, d2 + kLabelGapTenths)) continue;
    date_line.take(d1, d2 + kLabelGapTenths);
    canvas.text(d1, kDateBaseline, date, kDateFont, "date", "site date");
    last_date = date;
  }
  canvas.text(80, kDateBaseline, start_date, kDateFont, "date", "the site date");
  canvas.text(80, kClockBaseline, "site clock", kDateFont, "axis-name",
              "the site clock as Distmgr.log shows it");
  canvas.text(80, kVirtualBaseline, "virtual time", kDateFont, "axis-name",
              "time since the run started");
  canvas.add(fmt::format("<line class=\"sep\" x1=\"0\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                         kAxisBandHeight, kSvgWidth, kAxisBandHeight));
}

}  // namespace distsim::sim
