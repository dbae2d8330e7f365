// The verdict on one finished run: its scenario's expectations judged, whether the run itself
// ended well (no budget exhausted, nothing dropped), and the command that reproduces it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/check/expectations.h"
#include "sim/scenario/scenario.h"
#include "sim/world/world.h"

namespace distsim::sim {

struct RunVerdict {
  std::vector<ExpectationResult> expectations;
  // Expectations judged and failed, `no_invariant_violations` counted once however many
  // violations it lists.
  uint32_t expectation_count = 0;
  uint32_t failed_count = 0;
  bool outcome_ok = true;  // false when the event budget or pending limit stopped the run
  [[nodiscard]] bool passed() const { return failed_count == 0 && outcome_ok; }
};

[[nodiscard]] RunVerdict judge_run(const Scenario& scenario, const RunResult& run);

// Appends one `expectation` trace record (what, ok, detail) per judged expectation at the end of
// the run, except script steps' own, which were traced when the step ran.
void trace_expectations(const RunVerdict& verdict, RunResult& run);

// "distsim run 'scenarios/x.yaml' --seed 7" (with --until when it differs from the file's, and
// --policy when a policy file replaced its site.retry);
// `program` names the binary as the user ran it ("distsim", "./build/distsim"), quoted for a
// POSIX shell when it needs quoting.
[[nodiscard]] std::string repro_command(const Scenario& scenario, const RunResult& run,
                                        std::string_view program = "distsim");

// "run stopped early: record_limit_hit at 3d 11:20:59 after 300001 events: it kept 3000000
// Distmgr.log lines (kLogLinesKeptMax), ...", or nothing for a run that reached its horizon.
[[nodiscard]] std::optional<std::string> early_stop_text(const RunResult& run);

// "the trace reached its limit of 4000000 records (kTraceRecordsMax) at 2d 17:22:33", or nothing
// for a trace that is whole.
[[nodiscard]] std::optional<std::string> trace_truncation_text(const RunResult& run);

// "S0100001 attempts: expected 2, got 3 (at 02:00:02.921) [line 33]"; a result no one event
// decided is "(at <run_end_us>, the end of the run)".
[[nodiscard]] std::string expectation_failure_text(const ExpectationResult& result,
                                                   TimeUs run_end_us);

}  // namespace distsim::sim
