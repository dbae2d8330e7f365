// The report's detailed SVG timeline of a run: an axis with virtual time, the site clock and its
// date; a row per holder, per package and per distribution point of each package; faults.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/report/label_layout.h"
#include "sim/report/time_axis.h"
#include "sim/report/timeline.h"
#include "sim/world/world.h"

namespace distsim::sim {

// The geometry shared with the overview, in SVG user units: the viewBox is kSvgWidth wide, row
// names sit left of kPlotLeft, time runs from kPlotLeft to kPlotRight.
inline constexpr int64_t kSvgWidth = 900;
inline constexpr int64_t kPlotLeft = 156;
inline constexpr int64_t kPlotRight = 888;

struct SvgDrawing {
  std::string svg;
  std::vector<TextBox> texts;      // the box of every text drawn (tenths), none overlapping
  std::vector<std::string> lanes;  // the data-lane of each row, top to bottom
};

// The axis of the detailed timeline: plan_time_axis over the run's activity and the plot width.
[[nodiscard]] TimeAxis detail_axis(const RunResult& run, const Timeline& timeline);

// The detailed timeline. Rows are <g class="lane" data-lane="holder:NAME|package:ID|dp:ID/DP|
// manager|faults">; holder bars and DP copy bars carry id="hN" (N: the handle's index in the
// timeline); each refusal carries data-blockers with the ids of the bars that refused it, and a
// line joins it to each of them. Rows past a bound are counted in a note row instead of drawn.
[[nodiscard]] SvgDrawing timeline_svg(const RunResult& run, const Timeline& timeline,
                                      const TimeAxis& axis);

}  // namespace distsim::sim
