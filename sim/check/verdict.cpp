// Judging a finished run: expectations, the run's own outcome, and the reproduce command.
#include "sim/check/verdict.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

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
        result.expected.empty()
            ? result.actual
            : fmt::format("expected {}, got {}", result.expected, result.actual);
    run.trace.add(run.until_us, kWorldActorName, "expectation",
                  {{"what", result.what}, {"ok", result.ok}, {"detail", detail}});
  }
}

namespace {

// Inside POSIX shell single quotes, a ' is written '\''.
std::string single_quoted(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// A program path made only of these characters needs no quotes.
bool shell_safe(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("/._-+:@%,=").find(c) != std::string_view::npos;
  });
}

}  // namespace

std::string repro_command(const Scenario& scenario, const RunResult& run,
                          std::string_view program) {
  // A file named like a flag ("-x.yaml") would be read as one: "./" keeps it a path.
  const std::string file = scenario.file.rfind('-', 0) == 0 ? "./" + scenario.file : scenario.file;
  std::string command =
      fmt::format("{} run {} --seed {}", shell_safe(program) ? program : single_quoted(program),
                  single_quoted(file), run.seed);
  if (run.until_us != scenario.until_us)
    command += fmt::format(" --until {}", duration_text(run.until_us));
  if (!scenario.policy_file.empty()) {
    const std::string& policy = scenario.policy_file;
    command += fmt::format(" --policy {}",
                           single_quoted(policy.rfind('-', 0) == 0 ? "./" + policy : policy));
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
          "as "
          "a run "
          "may keep (scenarios/FORMAT.md, Limits); the horizon {} was not reached",
          clock_text(run.ended_us), run.events_executed, run.limit_reached,
          clock_text(run.until_us));
    case RunOutcome::budget_exhausted:
    case RunOutcome::pending_limit_hit:
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
  if (!result.expected.empty()) {
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
