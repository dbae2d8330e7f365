// The run subcommand: load, refuse what cannot run, run, write outputs (all or nothing), judge.
#include "tools/cli/run_command.h"

#include <fmt/format.h>

#include <ostream>
#include <vector>

#include "model/assert.h"
#include "sim/core/limits.h"
#include "sim/core/trace.h"
#include "sim/report/chrome_trace.h"
#include "sim/report/html_report.h"
#include "sim/report/output_file.h"
#include "sim/report/run_report.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/value_parse.h"
#include "sim/world/world.h"
#include "tools/cli/build_info.h"
#include "tools/cli/exit_status.h"

namespace distsim::cli {
namespace {

struct OutputFile {
  const std::string& path;
  std::string content;
};

std::string position_prefix(const std::string& file, const sim::SourcePosition& position) {
  if (position.line == 0) return fmt::format("{}: ", file);
  return fmt::format("{}:{}:{}: ", file, position.line, position.column);
}

}  // namespace

int run_command(const RunCommandOptions& options, std::ostream& out, std::ostream& err) {
  sim::LoadResult loaded = sim::load_scenario_file(options.scenario_path);
  if (!loaded.errors.empty()) {
    for (const auto& error : loaded.errors) err << error.to_string() << '\n';
    return kExitCannotRun;
  }
  const sim::Scenario& scenario = *loaded.scenario;
  sim::RunOptions run_options;
  if (options.seed) {
    const auto seed = sim::parse_unsigned(*options.seed);
    if (!seed.ok()) {
      err << fmt::format("distsim run: --seed: {}\n", seed.error);
      return kExitCannotRun;
    }
    run_options.seed = *seed.value;
  }
  if (options.until) {
    const auto until = sim::parse_duration(*options.until);
    if (!until.ok() || *until.value <= 0 || *until.value > sim::kRunHorizonMaxUs) {
      err << fmt::format("distsim run: --until: {}\n",
                         until.ok() ? fmt::format("'{}' must be above 0s and at most 3650d "
                                                  "(kRunHorizonMaxUs)",
                                                  *options.until)
                                    : until.error);
      return kExitCannotRun;
    }
    run_options.until_us = *until.value;
  }
  const auto problems = sim::unsupported_features(scenario);
  if (!problems.empty()) {
    for (const auto& problem : problems) {
      err << position_prefix(scenario.file, problem.position) << problem.message << '\n';
    }
    return kExitCannotRun;
  }
  // The Chrome trace and the report draw handles and messages from the trace records.
  run_options.trace = !options.trace_path.empty() || !options.chrome_trace_path.empty() ||
                      !options.report_path.empty();
  const uint64_t seed = run_options.seed.value_or(scenario.seed);
  sim::RunResult run;
  sim::RunVerdict verdict;
  try {
    run = sim::run_world(scenario, run_options);
    verdict = sim::judge_run(scenario, run);
  } catch (const AssertionFailure& failure) {
    err << fmt::format(
        "distsim: internal error: {}\nscenario {}, seed {}; reproduce with: distsim run '{}' "
        "--seed {}\nplease report this with the scenario file\n",
        failure.what(), scenario.file, seed, scenario.file, seed);
    return kExitInternalError;
  }
  sim::trace_expectations(verdict, run);

  std::vector<OutputFile> outputs;
  if (!options.trace_path.empty()) {
    outputs.push_back({options.trace_path,
                       sim::trace_to_jsonl(run.trace, {scenario.name, run.seed, cli::kVersion})});
  }
  if (!options.log_path.empty()) outputs.push_back({options.log_path, sim::distmgr_log_text(run)});
  if (!options.status_path.empty()) outputs.push_back({options.status_path, sim::status_csv(run)});
  if (!options.chrome_trace_path.empty()) {
    outputs.push_back({options.chrome_trace_path, sim::chrome_trace_json(scenario, run, verdict)});
  }
  if (!options.report_path.empty()) {
    outputs.push_back({options.report_path, sim::html_report(scenario, run, verdict)});
  }
  std::vector<std::pair<std::string, std::string>> files;
  for (OutputFile& output : outputs) files.emplace_back(output.path, std::move(output.content));
  if (const auto problem = sim::write_files_atomically(files)) {
    err << "distsim run: " << *problem << '\n';
    return kExitCannotRun;
  }
  if (options.json) {
    out << sim::summary_json(scenario, run, verdict, options.program);
  } else {
    out << sim::summary_text(scenario, run, verdict, {options.quiet, options.program});
  }
  return verdict.passed() ? kExitOk : kExitFinding;
}

}  // namespace distsim::cli
