// The run subcommand: refuse unusable outputs, load, refuse what cannot run, run, write outputs
// (all or nothing), judge.
#include "tools/cli/run_command.h"

#include <fmt/format.h>

#include <array>
#include <exception>
#include <new>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "model/assert.h"
#include "sim/check/past_horizon.h"
#include "sim/check/policy_compare.h"
#include "sim/core/limits.h"
#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"
#include "sim/report/chrome_trace.h"
#include "sim/report/html_report.h"
#include "sim/report/output_file.h"
#include "sim/report/run_report.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/value_parse.h"
#include "sim/world/world.h"
#include "tools/cli/build_info.h"
#include "tools/cli/exit_status.h"
#include "tools/cli/flag_problem.h"

namespace distsim::cli {
namespace {

enum class OutputKind { trace, log, status, chrome_trace, report };

struct RequestedOutput {
  OutputKind kind;
  size_t index;  // in the OutputSet
};

// Adds every requested output to `outputs`, in the order of the options.
std::vector<RequestedOutput> request_outputs(const RunCommandOptions& options,
                                             sim::OutputSet& outputs) {
  const std::array<std::tuple<OutputKind, const char*, const std::string*>, 5> all{{
      {OutputKind::trace, "--trace", &options.trace_path},
      {OutputKind::log, "--log", &options.log_path},
      {OutputKind::status, "--status", &options.status_path},
      {OutputKind::chrome_trace, "--chrome-trace", &options.chrome_trace_path},
      {OutputKind::report, "--report", &options.report_path},
  }};
  std::vector<RequestedOutput> requested;
  for (const auto& [kind, option, path] : all) {
    if (!path->empty()) requested.push_back({kind, outputs.add_output(option, *path)});
  }
  return requested;
}

// Prints every reason the outputs cannot be written; true when there is none.
bool outputs_usable(const RunCommandOptions& options, const sim::OutputSet& outputs,
                    std::ostream& err) {
  const std::vector<std::string> problems = outputs.check();
  for (const std::string& problem : problems) err << "distsim run: " << problem << '\n';
  const bool json_clash = options.json && outputs.writes_standard_output();
  if (json_clash) {
    err << "distsim run: --json prints the summary on standard output, which an output given as "
           "- already takes; write that output to a file\n";
  }
  return problems.empty() && !json_clash;
}

// Hands one requested output to the set. The trace, the log, the status messages and the Chrome
// trace are streamed while the set writes them, so that a long run's files are never held whole
// in memory; the HTML report, a few hundred kilobytes at most, is built here.
void set_output(sim::OutputSet& outputs, const RequestedOutput& output,
                const sim::Scenario& scenario, const sim::RunResult& run,
                const sim::RunVerdict& verdict, std::string_view program) {
  switch (output.kind) {
    case OutputKind::trace:
      outputs.set_writer(output.index, [&scenario, &run](const sim::TextSink& sink) {
        sim::write_trace_jsonl(
            run.trace, {scenario.name, run.seed, cli::kVersion, scenario.policy_name}, sink);
      });
      return;
    case OutputKind::log:
      outputs.set_writer(output.index,
                         [&run](const sim::TextSink& sink) { sim::write_distmgr_log(run, sink); });
      return;
    case OutputKind::status:
      outputs.set_writer(output.index,
                         [&run](const sim::TextSink& sink) { sim::write_status_csv(run, sink); });
      return;
    case OutputKind::chrome_trace:
      outputs.set_writer(output.index, [&scenario, &run, &verdict](const sim::TextSink& sink) {
        sim::write_chrome_trace(scenario, run, verdict, sink);
      });
      return;
    case OutputKind::report:
      outputs.set_content(output.index, sim::html_report(scenario, run, verdict, program));
      return;
  }
  DISTSIM_ASSERT(false);
}

std::string position_prefix(const std::string& file, const sim::SourcePosition& position) {
  if (position.line == 0) return fmt::format("{}: ", file);
  return fmt::format("{}:{}:{}: ", file, position.line, position.column);
}

// --seed and --until into `run_options`; false after printing why one is bad.
bool parse_run_flags(const RunCommandOptions& options, sim::RunOptions& run_options,
                     std::ostream& err) {
  if (options.seed) {
    const auto seed = sim::parse_unsigned(*options.seed);
    if (!seed.ok()) {
      err << flag_problem("run", "--seed: " + seed.error) << '\n';
      return false;
    }
    run_options.seed = *seed.value;
  }
  if (options.until) {
    const auto until = sim::parse_duration(*options.until);
    if (!until.ok() || *until.value <= 0 || *until.value > sim::kRunHorizonMaxUs) {
      err << flag_problem("run",
                          "--until: " +
                              (until.ok() ? fmt::format("'{}' must be above 0s and at most "
                                                        "{}, the longest run",
                                                        *options.until,
                                                        sim::format_duration(sim::kRunHorizonMaxUs))
                                          : until.error))
          << '\n';
      return false;
    }
    run_options.until_us = *until.value;
  }
  return true;
}

// A horizon shorter than the scenario's own drops what the scenario times after it: say what, on
// stderr, before the run (the run itself is what was asked for).
void warn_past_horizon(const sim::Scenario& scenario, const sim::RunOptions& run_options,
                       std::ostream& err) {
  if (!run_options.until_us || *run_options.until_us >= scenario.until_us) return;
  const std::vector<sim::PastHorizon> dropped = sim::past_horizon(scenario, *run_options.until_us);
  if (dropped.empty()) return;
  err << fmt::format(
      "distsim run: warning: --until {} is shorter than the scenario's until ({}), so the run "
      "leaves out what the scenario times later:\n",
      sim::duration_text(*run_options.until_us), sim::duration_text(scenario.until_us));
  constexpr size_t kShownMax = 10;
  for (size_t index = 0; index < dropped.size() && index < kShownMax; ++index) {
    err << "  " << position_prefix(scenario.file, dropped[index].position) << dropped[index].what
        << '\n';
  }
  if (dropped.size() > kShownMax) {
    err << fmt::format("  and {} more\n", dropped.size() - kShownMax);
  }
}

// The loaded scenario, with the policy file's retry in place of its own when one is given, when
// it can run; otherwise nullopt after printing every problem of both files.
std::optional<sim::Scenario> runnable_scenario(const std::string& path,
                                               const std::string& policy_path, std::ostream& err) {
  sim::LoadResult loaded = sim::load_scenario_file(path);
  for (const auto& error : loaded.errors) err << error.to_string() << '\n';
  std::optional<sim::PolicyFile> policy;
  if (!policy_path.empty()) {
    sim::PolicyLoadResult policy_loaded = sim::load_policy_file(policy_path);
    for (const auto& error : policy_loaded.errors) err << error.to_string() << '\n';
    if (!policy_loaded.errors.empty()) return std::nullopt;
    policy = std::move(policy_loaded.policy);
  }
  if (!loaded.errors.empty()) return std::nullopt;
  if (policy) *loaded.scenario = sim::with_policy(*loaded.scenario, *policy);
  const auto problems = sim::unsupported_features(*loaded.scenario);
  for (const auto& problem : problems) {
    err << position_prefix(loaded.scenario->file, problem.position) << problem.message << '\n';
  }
  if (!problems.empty()) return std::nullopt;
  return std::move(loaded.scenario);
}

}  // namespace

int run_command(const RunCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (options.policy_paths.size() > 1) {
    err << fmt::format(
        "distsim run: --policy is given {} times; a run takes one retry policy "
        "(distsim compare runs a scenario under several)\n",
        options.policy_paths.size());
    return kExitCannotRun;
  }
  const std::string policy_path = options.policy_paths.empty() ? "" : options.policy_paths[0];
  sim::OutputSet outputs;
  outputs.add_input("the scenario", options.scenario_path);
  if (!policy_path.empty()) outputs.add_input("the policy", policy_path);
  const std::vector<RequestedOutput> requested = request_outputs(options, outputs);
  if (!outputs_usable(options, outputs, err)) return kExitCannotRun;
  // An output on stdout keeps stdout to itself: the summary goes to stderr.
  std::ostream& summary = outputs.writes_standard_output() ? err : out;
  sim::RunOptions run_options;
  if (!parse_run_flags(options, run_options, err)) return kExitCannotRun;
  const std::optional<sim::Scenario> loaded =
      runnable_scenario(options.scenario_path, policy_path, err);
  if (!loaded) return kExitCannotRun;
  const sim::Scenario& scenario = *loaded;
  warn_past_horizon(scenario, run_options, err);
  // The Chrome trace and the report draw handles and messages from the trace records, and the
  // invariant checkers judge them.
  run_options.trace = !options.trace_path.empty() || !options.chrome_trace_path.empty() ||
                      !options.report_path.empty() || scenario.expect.no_invariant_violations;
  // Only the checkers read the files the run ended with.
  run_options.capture_files = scenario.expect.no_invariant_violations;
  // What a failed run is replayed with: its seed and horizon, as the summary's repro line has them.
  sim::RunResult replay;
  replay.seed = run_options.seed.value_or(scenario.seed);
  replay.until_us = run_options.until_us.value_or(scenario.until_us);
  const std::string repro = sim::repro_command(scenario, replay, options.program);
  sim::RunResult run;
  sim::RunVerdict verdict;
  try {
    run = sim::run_world(scenario, run_options);
    verdict = sim::judge_run(scenario, run);
  } catch (const std::bad_alloc&) {
    // A smaller machine or ulimit than a run may need (sim/core/limits.h) runs out first.
    err << fmt::format("distsim: out of memory: scenario {}, seed {}; {}; reproduce with: {}\n",
                       scenario.file, replay.seed, sim::kOutOfMemoryAdvice, repro);
    return kExitInternalError;
  } catch (const std::exception& failure) {
    err << fmt::format(
        "distsim: internal error: {}\nscenario {}, seed {}; reproduce with: {}\nplease report "
        "this with the scenario file\n",
        failure.what(), scenario.file, replay.seed, repro);
    return kExitInternalError;
  }
  sim::trace_expectations(verdict, run);
  for (const RequestedOutput& output : requested) {
    set_output(outputs, output, scenario, run, verdict, options.program);
  }
  const std::optional<std::string> problem = outputs.commit(out);
  // The verdict reaches the user even when an output could not be written (a file system that
  // changed during the run): the run happened, and its summary names the seed to replay it.
  if (options.json) {
    summary << sim::summary_json(scenario, run, verdict, options.program);
  } else {
    summary << sim::summary_text(scenario, run, verdict, {options.quiet, options.program});
  }
  if (problem) {
    err << "distsim run: " << *problem << '\n';
    return kExitCannotRun;
  }
  return verdict.passed() ? kExitOk : kExitFinding;
}

}  // namespace distsim::cli
