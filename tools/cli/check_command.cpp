// The check subcommand: find the files, run them (in parallel with -j), print a line per
// scenario as results arrive in file order, write the JUnit file, close with the totals.
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

}  // namespace

int check_command(const CheckCommandOptions& options, std::ostream& out, std::ostream& err) {
  const sim::ScenarioFileList list = sim::find_scenario_files(options.paths);
  if (!list.problems.empty()) {
    for (const std::string& problem : list.problems) err << problem << '\n';
    return kExitCannotRun;
  }
  const sim::CheckOptions check_options{options.jobs, options.program};
  const auto report = [&out, &err](const sim::ScenarioCheck& check) {
    out << sim::check_line(check) << '\n' << std::flush;
    if (check.outcome != sim::CheckOutcome::error) return;
    for (const std::string& problem : check.problems) err << problem << '\n';
  };
  const std::vector<sim::ScenarioCheck> checks =
      sim::check_scenario_files(list.files, check_options, report);
  const sim::CheckTotals totals = sim::check_totals(checks);
  int status = exit_status_of(totals);
  if (!options.junit_path.empty()) {
    if (const auto problem =
            sim::write_file_atomically(options.junit_path, sim::check_junit_xml(checks))) {
      err << "distsim check: " << *problem << '\n';
      status = std::max(status, kExitCannotRun);
    }
  }
  out << sim::check_closing_line(totals) << '\n';
  return status;
}

}  // namespace distsim::cli
