// The Chrome trace event JSON of a run (`distsim run --chrome-trace`), which Perfetto and
// chrome://tracing open: a track per package worker and per holder, spans for passes, handle
// holds, retry waits and faults, instant events for status messages, refusals and retries.
#pragma once

#include <string>

#include "sim/core/text_sink.h"
#include "sim/report/run_report.h"
#include "sim/scenario/scenario.h"
#include "sim/world/world.h"

namespace distsim::sim {

// Process ids of the three groups of tracks.
inline constexpr int kChromeManagerPid = 1;  // "distmgr": a thread per package, then "manager"
inline constexpr int kChromeHoldersPid = 2;  // "holders": a thread per holder
inline constexpr int kChromeWorldPid = 3;    // "world": faults and crashes

// {"traceEvents":[...],"displayTimeUnit":"ms","otherData":{...}}: metadata events ("ph":"M")
// first, then complete ("X") and instant ("i") events ordered by time, one per line; ts and dur
// are the virtual microseconds. Spans that would overlap without nesting on one thread go to an
// extra thread named after it ("S0100001 (2)"). Spans still open at the end last to the horizon.
// The same run gives the same bytes. Requires a run made with RunOptions::trace for anything
// but the passes and retry waits. Streamed to `sink` as it is formatted (a long run's events are
// never held as JSON), or returned as one string.
void write_chrome_trace(const Scenario& scenario, const RunResult& run, const RunVerdict& verdict,
                        const TextSink& sink);
[[nodiscard]] std::string chrome_trace_json(const Scenario& scenario, const RunResult& run,
                                            const RunVerdict& verdict);

}  // namespace distsim::sim
