// What `distsim run` shows and writes about one run: the human summary, the machine-readable
// JSON summary, the status-message CSV and the Distmgr.log text. Pure functions of the run.
#pragma once

#include <string>
#include <vector>

#include "sim/expectations.h"
#include "sim/scenario.h"
#include "sim/world.h"

namespace distsim::sim {

struct RunVerdict {
  std::vector<ExpectationResult> expectations;
  uint32_t failed_count = 0;
  bool outcome_ok = true;  // false when the event budget or pending limit stopped the run
  [[nodiscard]] bool passed() const { return failed_count == 0 && outcome_ok; }
};

[[nodiscard]] RunVerdict judge_run(const Scenario& scenario, const RunResult& run);

// Appends one `expectation` trace record (what, ok, detail) per judged expectation at the end of
// the run, except script steps' own, which were traced when the step ran.
void trace_expectations(const RunVerdict& verdict, RunResult& run);

// "distsim run 'scenarios/x.yaml' --seed 7" (with --until when it differs from the file's).
[[nodiscard]] std::string repro_command(const Scenario& scenario, const RunResult& run);

struct SummaryOptions {
  bool quiet = false;  // only failures (and the repro line)
};

[[nodiscard]] std::string summary_text(const Scenario& scenario, const RunResult& run,
                                       const RunVerdict& verdict, const SummaryOptions& options);
[[nodiscard]] std::string summary_json(const Scenario& scenario, const RunResult& run,
                                       const RunVerdict& verdict);
// time_us,time,id,severity,component,package,dp,text (RFC 4180 quoting).
[[nodiscard]] std::string status_csv(const RunResult& run);
// Distmgr.log: one formatted line per log record, CRLF-free, newline-terminated.
[[nodiscard]] std::string distmgr_log_text(const RunResult& run);

}  // namespace distsim::sim
