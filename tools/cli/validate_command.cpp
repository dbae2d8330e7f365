// The validate subcommand: find the files, validate each, count.
#include "tools/cli/validate_command.h"

#include <fmt/format.h>

#include <ostream>

#include "sim/check/scenario_check.h"
#include "tools/cli/exit_status.h"

namespace distsim::cli {

int validate_command(const ValidateCommandOptions& options, std::ostream& out, std::ostream& err) {
  const sim::ScenarioFileList list = sim::find_scenario_files(options.paths);
  for (const std::string& problem : list.problems) err << problem << '\n';
  size_t valid_count = 0;
  size_t invalid_count = 0;
  for (const std::string& file : list.files) {
    const sim::LoadResult result = sim::validate_scenario_file(file);
    if (result.errors.empty()) {
      out << "ok " << file << '\n';
      ++valid_count;
      continue;
    }
    for (const sim::ScenarioError& error : result.errors) err << error.to_string() << '\n';
    ++invalid_count;
  }
  out << fmt::format("{} valid, {} invalid\n", valid_count, invalid_count);
  return invalid_count == 0 && list.problems.empty() ? kExitOk : kExitCannotRun;
}

}  // namespace distsim::cli
