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
  // As `check`: a mistyped path stops the command before any file is read, so that validating
  // in CI never passes over a path it could not find; each bad path counts as invalid.
  if (!list.problems.empty()) {
    out << fmt::format("0 valid, {} invalid\n", list.problems.size());
    return kExitCannotRun;
  }
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
  return invalid_count == 0 ? kExitOk : kExitCannotRun;
}

}  // namespace distsim::cli
