// What `distsim run` shows and writes about one run: the human summary, the machine-readable
// JSON summary, the status-message CSV and the Distmgr.log text. Pure functions of the run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/check/verdict.h"
#include "sim/core/text_sink.h"
#include "sim/scenario/scenario.h"
#include "sim/world/world.h"

namespace distsim::sim {

struct SummaryOptions {
  bool quiet = false;  // only failures (and the repro line)
  // How the repro line names the program: the path the user ran it by (tools/cli/main.cpp).
  std::string program = "distsim";
};

[[nodiscard]] std::string summary_text(const Scenario& scenario, const RunResult& run,
                                       const RunVerdict& verdict, const SummaryOptions& options);
// With "attempts": every pass, a failed one with the refused operation and its "blame".
[[nodiscard]] std::string summary_json(const Scenario& scenario, const RunResult& run,
                                       const RunVerdict& verdict,
                                       std::string_view program = "distsim");
// time_us,time,id,severity,component,package,dp,text (RFC 4180 quoting), streamed to `sink`
// (a long run's file is never held whole), or as one string.
// "retry policy: NAME (FILE), in place of the scenario's site.retry" (just FILE where the name is
// the file's own name), for a scenario run under a policy file; empty otherwise.
[[nodiscard]] std::string policy_text(const Scenario& scenario);

void write_status_csv(const RunResult& run, const TextSink& sink);
[[nodiscard]] std::string status_csv(const RunResult& run);
// Distmgr.log: one formatted line per log record, CRLF-free, newline-terminated; streamed to
// `sink`, or as one string.
void write_distmgr_log(const RunResult& run, const TextSink& sink);
[[nodiscard]] std::string distmgr_log_text(const RunResult& run);

}  // namespace distsim::sim
