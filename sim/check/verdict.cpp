// Judging a finished run: expectations, the run's own outcome, and the reproduce command.
#include "sim/check/verdict.h"

#include <fmt/format.h>

#include "sim/core/shell_quote.h"
#include "sim/core/trace.h"

namespace distsim::sim {

RunVerdict judge_run(const Scenario& scenario, const RunResult& run) {
  RunVerdict verdict;
  verdict.expectations = evaluate_expectations(scenario, run);
  bool invariants_judged = false;
  bool invariants_failed = false;
  for (const auto& result : verdict.expectations) {
    if (result.invariants) {
      invariants_judged = true;
      invariants_failed = invariants_failed || !result.ok;
      continue;
    }
    ++verdict.expectation_count;
    verdict.failed_count += result.ok ? 0 : 1;
  }
  verdict.expectation_count += invariants_judged ? 1 : 0;
  verdict.failed_count += invariants_failed ? 1 : 0;
  // A run cut short by a budget or a limit did not reach its horizon: not a pass.
  verdict.outcome_ok =
      run.outcome == RunOutcome::queue_empty || run.outcome == RunOutcome::horizon_reached;
  return verdict;
}

void trace_expectations(const RunVerdict& verdict, RunResult& run) {
  for (const ExpectationResult& result : verdict.expectations) {
    if (result.already_traced) continue;
    const std::string detail =
        !result.sentence.empty() ? result.sentence
        : result.expected.empty()
            ? result.actual
            : fmt::format("expected {}, got {}", result.expected, result.actual);
    run.trace.add(run.until_us, kWorldActorName, "expectation",
                  {{"what", result.what}, {"ok", result.ok}, {"detail", detail}});
  }
}

std::string repro_command(const Scenario& scenario, const RunResult& run,
                          std::string_view program) {
  std::string command =
      fmt::format("{} run {} --seed {}", shell_word(program), shell_path(scenario.file), run.seed);
  if (run.until_us != scenario.until_us)
    command += fmt::format(" --until {}", duration_text(run.until_us));
  if (!scenario.policy_file.empty()) {
    command += fmt::format(" --policy {}", shell_path(scenario.policy_file));
  }
  return command;
}

std::optional<std::string> early_stop_text(const RunResult& run) {
  switch (run.outcome) {
    case RunOutcome::queue_empty:
    case RunOutcome::horizon_reached:
      return std::nullopt;
    case RunOutcome::record_limit_hit:
      return fmt::format(
          "run stopped early: record_limit_hit at {} after {} kernel events: it kept {}, as many "
          "as a run may keep (scenarios/FORMAT.md, Limits); the horizon {} was not reached",
          clock_text(run.ended_us), run.events_executed, run.limit_reached,
          clock_text(run.until_us));
    case RunOutcome::budget_exhausted:
    case RunOutcome::pending_limit_hit:
    case RunOutcome::abandoned:
      break;
  }
  return fmt::format(
      "run stopped early: {} at {} after {} kernel events; the horizon {} was not reached",
      run_outcome_name(run.outcome), clock_text(run.ended_us), run.events_executed,
      clock_text(run.until_us));
}

std::optional<std::string> trace_truncation_text(const RunResult& run) {
  if (!run.trace.truncated()) return std::nullopt;
  const TimeUs last_us = run.trace.records().empty() ? 0 : run.trace.records().back().t_us;
  return fmt::format("the trace reached its limit of {} records (kTraceRecordsMax) at {}",
                     run.trace.records().size(), clock_text(last_us));
}

std::string expectation_failure_text(const ExpectationResult& result, TimeUs run_end_us) {
  std::string line = result.what;
  if (!result.sentence.empty()) {
    line += ": " + result.sentence;
  } else if (!result.expected.empty()) {
    line += fmt::format(": expected {}, got {}", result.expected, result.actual);
  } else if (!result.actual.empty()) {
    line += fmt::format(": {}", result.actual);
  }
  // Decided by no one event (a log line never written, the status at the end): the end of the
  // run is when it was decided.
  line += result.t_us ? fmt::format(" (at {})", clock_text(*result.t_us))
                      : fmt::format(" (at {}, the end of the run)", clock_text(run_end_us));
  if (result.position.line > 0) line += fmt::format(" [line {}]", result.position.line);
  return line;
}

}  // namespace distsim::sim
