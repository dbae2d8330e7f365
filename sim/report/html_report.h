// The HTML report of a run (`distsim run --report`): one self-contained page, inline CSS and an
// inline SVG timeline (holders' handles, the manager's passes, retry waits, status messages,
// faults) above the summary (packages, attempts, status messages, expectations). No script and
// no external resource, so it opens anywhere without a network.
#pragma once

#include <string>
#include <string_view>

#include "model/time.h"
#include "sim/report/run_report.h"
#include "sim/scenario/scenario.h"
#include "sim/world/world.h"

namespace distsim::sim {

// The whole page. The time axis spans the run's activity (the last event or due retry, plus a
// margin, at least a second, never past the horizon), not an idle horizon; spans still open at
// the end reach its right edge. Shapes closer than the smallest drawable width merge into one whose
// tooltip counts them, which bounds the page for runs of days. The same run gives the same bytes.
// Requires a run made with RunOptions::trace for anything but the passes and retry waits.
[[nodiscard]] std::string html_report(const Scenario& scenario, const RunResult& run,
                                      const RunVerdict& verdict);

// Text made safe for element content and attribute values: & < > " ' as entities, control
// characters other than tab, newline and carriage return as U+FFFD.
[[nodiscard]] std::string html_escape(std::string_view text);

// The tick spacing of a time axis `view_us` long: the smallest of 1ms, 2ms, 5ms, ... 1s, 2s,
// 5s, 10s, 15s, 30s, 1m, ... 1h, 2h, 3h, 6h, 12h, 1d, 2d, 7d, ... giving at most 12 ticks.
[[nodiscard]] model::TimeUs axis_step_us(model::TimeUs view_us);

// A tick label: "01:00" for steps of whole minutes, "01:00:30" for whole seconds, else with
// milliseconds; "1d 01:00" from the first day on.
[[nodiscard]] std::string axis_label(model::TimeUs t_us, model::TimeUs step_us);

}  // namespace distsim::sim
