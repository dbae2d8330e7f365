// The time axis of the detailed timeline drawn: grid lines and labelled ticks (virtual time, the
// site clock as Distmgr.log shows it, and the site date where it changes), and the breaks where
// idle stretches were shortened, each labelled with the idle time.
#pragma once

#include <cstdint>

#include "model/site_config.h"
#include "sim/report/svg_canvas.h"
#include "sim/report/time_axis.h"

namespace distsim::sim {

// The height of the axis band at the top of the detailed timeline.
inline constexpr int64_t kAxisBandHeight = 52;

// Draws the axis band and, down to `height`, the grid lines and the break bands.
void draw_axis(const TimeAxis& axis, const model::SiteConfig& site, int64_t height,
               SvgCanvas& canvas);

}  // namespace distsim::sim
