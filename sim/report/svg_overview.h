// The thin overview of the whole run above the detailed timeline: from 0 to the horizon on one
// linear axis, with the passes, refusals and faults, and a band over each stretch the detailed
// timeline shows, so that what the detail leaves out (the idle tail, shortened waits) stays
// visible.
#pragma once

#include "sim/report/svg_timeline.h"
#include "sim/report/time_axis.h"
#include "sim/report/timeline.h"
#include "sim/world/world.h"

namespace distsim::sim {

[[nodiscard]] SvgDrawing overview_svg(const RunResult& run, const Timeline& timeline,
                                      const TimeAxis& detail);

}  // namespace distsim::sim
