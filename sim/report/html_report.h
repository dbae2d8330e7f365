// The HTML report of a run (`distsim run --report`): one self-contained page, inline CSS and
// inline SVG (an overview of the whole run and the detailed timeline: holders' handles, each
// package's passes and retry waits, a row per distribution point, status messages, refusals
// joined to the handles that refused them, faults) above the tables (refused operations,
// packages, attempts, status messages, expectations). No script and no external resource, so it
// opens anywhere without a network; it reads from 800 to 1,600 pixels wide without scrolling
// sideways, and prints with every label.
#pragma once

#include <string>
#include <string_view>

#include "sim/check/verdict.h"
#include "sim/scenario/scenario.h"
#include "sim/world/world.h"

namespace distsim::sim {

// The whole page. The detailed timeline spans the run's activity (never the idle rest of the
// horizon), with long idle stretches drawn shortened; times show virtual time and the site clock
// as Distmgr.log writes it. Shapes closer than the smallest drawable width merge into one whose
// tooltip counts them, and rows and table lines are bounded, which bounds the page for runs of
// days and sites of thousands of packages. The same run gives the same bytes.
// Requires a run made with RunOptions::trace for anything but the passes and retry waits.
// `program` names the binary in the reproduce line, as repro_command takes it.
[[nodiscard]] std::string html_report(const Scenario& scenario, const RunResult& run,
                                      const RunVerdict& verdict,
                                      std::string_view program = "distsim");

// Text made safe for element content and attribute values: & < > " ' as entities, control
// characters other than tab, newline and carriage return as U+FFFD.
[[nodiscard]] std::string html_escape(std::string_view text);

}  // namespace distsim::sim
