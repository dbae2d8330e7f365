// Draws the overview strip: round ticks over the whole run, the detail's busy stretches as
// bands, and the passes, refusals and faults merged per lane like the detailed rows.
#include "sim/report/svg_overview.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "sim/check/expectations.h"
#include "sim/report/label_layout.h"
#include "sim/report/site_clock_text.h"
#include "sim/report/svg_canvas.h"

namespace distsim::sim {
namespace {

constexpr int64_t kHeight = 50;
constexpr int64_t kTickFont = 11;
constexpr int64_t kTickSpacingTenths = 900;

void draw_ticks(const TimeAxis& axis, const model::SiteConfig& site, SvgCanvas& canvas) {
  LabelLine line;
  const TimeUs room = (axis.x1() - axis.x0()) / kTickSpacingTenths;
  for (const AxisTick& tick : round_ticks(axis.start_us(), axis.end_us(), room)) {
    const int64_t x = axis.x(tick.t_us);
    canvas.add(fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"16\" x2=\"{}\" y2=\"{}\"/>\n",
                           px(x), px(x), kHeight - 4));
    const std::string text = axis_label(tick.t_us, tick.step_us);
    const int64_t width = text_width_tenths(text, kTickFont);
    const auto [x1, x2] = centred_within(x, width, kPlotLeft * 10, kPlotRight * 10 + 100);
    if (!line.is_free(x1, x2 + 40)) continue;
    line.take(x1, x2 + 40);
    canvas.text(x1, 12, text, kTickFont, "tick", moment_text(site, tick.t_us));
  }
}

void draw_lane(const ShapeLane& lane, int64_t y, int64_t height, SvgCanvas& canvas) {
  for (const Shape& shape : lane.shapes()) {
    std::string title = shape.title;
    if (shape.merged_count > 0) title += fmt::format(" (and {} more)", shape.merged_count);
    canvas.add(
        fmt::format("<rect class=\"{}{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">{}</rect>\n",
                    shape.css_class, shape.merged_count > 0 ? " many" : "", px(shape.x1), y,
                    px(shape.x2 - shape.x1), height, svg_title(title)));
  }
}

// A band over each busy stretch of the detailed axis.
void draw_shown(const TimeAxis& axis, const TimeAxis& detail, SvgCanvas& canvas) {
  for (const AxisSegment& segment : detail.segments()) {
    if (segment.idle) continue;
    const int64_t x1 = axis.x(segment.t0_us);
    const int64_t x2 = std::max(axis.x(segment.t1_us), x1 + kShapeWidthMinTenths);
    canvas.add(fmt::format(
        "<rect class=\"shown\" x=\"{}\" y=\"16\" width=\"{}\" height=\"{}\">{}</rect>\n", px(x1),
        px(x2 - x1), kHeight - 20,
        svg_title(fmt::format("shown in the timeline below: {} to {}", clock_text(segment.t0_us),
                              clock_text(segment.t1_us)))));
  }
}

// The faults, passes and refusals of the whole run, merged per lane.
void draw_activity(const RunResult& run, const Timeline& timeline, const TimeAxis& axis,
                   SvgCanvas& canvas) {
  ShapeLane faults;
  for (const FaultSpan& fault : timeline.faults) {
    const TimeUs to_us = std::max(fault.start_us, fault.end_us.value_or(timeline.until_us));
    faults.add({axis.x(fault.start_us),
                axis.x(to_us),
                "fault",
                fault.fault + " " + fault.target,
                "",
                0,
                to_us,
                {}});
  }
  draw_lane(faults, 18, 4, canvas);
  ShapeLane passes;
  for (const PassRecord& pass : run.passes) {
    const TimeUs to_us = pass.end_us.value_or(timeline.until_us);
    const std::string result =
        pass.end_us ? std::string(model::pass_result_name(pass.result)) : "running";
    // The span first: "retry at T" would read as the time of the retry.
    // A span of DP retries is no attempt of the package (the run summary lists it apart).
    const std::string what = pass.dp_retries
                                 ? fmt::format("{} DP retries", pass.package_id)
                                 : fmt::format("{} attempt {}", pass.package_id, pass.attempt);
    const std::string title =
        pass.end_us
            ? fmt::format("{}, {} to {}: {}", what, clock_text(pass.start_us),
                          clock_text(*pass.end_us), result)
            : fmt::format("{}, from {}: still running at the end", what, clock_text(pass.start_us));
    passes.add({axis.x(pass.start_us), axis.x(to_us), "pass " + result, title, "", 0, to_us, {}});
  }
  draw_lane(passes, 23, 10, canvas);
  ShapeLane refusals;
  for (const TimelineMark& mark : timeline.marks) {
    if (mark.kind != MarkKind::refusal) continue;
    const int64_t x = axis.x(mark.t_us);
    refusals.add({x,
                  x,
                  "refusal",
                  fmt::format("{} refused at {}", mark.actor, clock_text(mark.t_us)),
                  "",
                  0,
                  mark.t_us,
                  {}});
  }
  draw_lane(refusals, 36, 6, canvas);
}

}  // namespace

SvgDrawing overview_svg(const RunResult& run, const Timeline& timeline, const TimeAxis& detail) {
  const TimeUs end_us =
      std::max({run.until_us, detail.end_us(), TimeUs{model::kMicrosecondsPerSecond}});
  const TimeAxis axis({{0, end_us, kPlotLeft * 10, kPlotRight * 10, false, 0}});
  SvgCanvas canvas;
  draw_shown(axis, detail, canvas);
  draw_ticks(axis, run.site, canvas);
  draw_activity(run, timeline, axis, canvas);
  canvas.text(80, 28, "whole run", 12, "name");
  canvas.text(80, 43, "blue: in detail", 10, "sub");
  SvgDrawing drawing;
  drawing.svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"overview\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" font-family=\"{}\" role=\"img\" aria-label=\"the whole "
      "run\">\n{}</svg>\n",
      kSvgWidth, kHeight, kSvgWidth, kHeight, kSvgFontFamily, canvas.body());
  drawing.texts = canvas.texts();
  drawing.lanes = {"overview"};
  return drawing;
}

}  // namespace distsim::sim
