// The check subcommand: find the files, refuse an unusable JUnit path, run them (in parallel with
// -j), print a line per scenario as results arrive in file order, write the JUnit file, close
// with the totals.
#include "tools/cli/check_command.h"

#include <algorithm>
#include <ostream>

#include "sim/check/scenario_check.h"
#include "sim/report/check_report.h"
#include "sim/report/output_file.h"
#include "tools/cli/exit_status.h"

namespace distsim::cli {
namespace {

int exit_status_of(const sim::CheckTotals& totals) {
  if (totals.internal_errors > 0) return kExitInternalError;
  if (totals.errors > 0) return kExitCannotRun;
  if (totals.failed > 0) return kExitFinding;
  return kExitOk;
}

// When check stops before running anything, its closing line still keeps its promise to a CI log
// that reads the last line: `count` scenarios (or bad paths) could not run.
int nothing_ran(size_t count, std::ostream& lines) {
  sim::CheckTotals totals;
  totals.errors = static_cast<uint32_t>(count);
  lines << sim::check_closing_line(totals) << '\n';
  return kExitCannotRun;
}

}  // namespace

int check_command(const CheckCommandOptions& options, std::ostream& out, std::ostream& err) {
  const sim::ScenarioFileList list = sim::find_scenario_files(options.paths);
  if (!list.problems.empty()) {
    // Each bad path counts as a scenario that could not run.
    for (const std::string& problem : list.problems) err << problem << '\n';
    return nothing_ran(list.problems.size(),
                       options.junit_path == sim::kStandardOutputPath ? err : out);
  }
  sim::OutputSet outputs;
  for (const std::string& file : list.files) outputs.add_input("a checked scenario", file);
  const size_t junit =
      options.junit_path.empty() ? 0 : outputs.add_output("--junit", options.junit_path);
  const std::vector<std::string> output_problems = outputs.check();
  for (const std::string& problem : output_problems) err << "distsim check: " << problem << '\n';
  if (!output_problems.empty()) {
    // Checked before anything runs: every scenario found is one that could not run.
    return nothing_ran(list.files.size(), outputs.writes_standard_output() ? err : out);
  }
  // JUnit XML on stdout keeps stdout to itself: the lines go to stderr.
  std::ostream& lines = outputs.writes_standard_output() ? err : out;
  const sim::CheckOptions check_options{options.jobs, options.program};
  const auto report = [&lines, &err](const sim::ScenarioCheck& check) {
    lines << sim::check_line(check) << '\n' << std::flush;
    if (check.outcome != sim::CheckOutcome::error) return;
    for (const std::string& problem : check.problems) err << problem << '\n';
  };
  const std::vector<sim::ScenarioCheck> checks =
      sim::check_scenario_files(list.files, check_options, report);
  const sim::CheckTotals totals = sim::check_totals(checks);
  int status = exit_status_of(totals);
  if (!options.junit_path.empty()) {
    outputs.set_content(junit, sim::check_junit_xml(checks));
    if (const auto problem = outputs.commit(out)) {
      err << "distsim check: " << *problem << '\n';
      status = std::max(status, kExitCannotRun);
    }
  }
  lines << sim::check_closing_line(totals) << '\n';
  return status;
}

}  // namespace distsim::cli
