// The distsim command line: flags in, sim/ calls out, exit statuses as CLI.md promises (CLI11's
// own parse errors become 2, bugs become 3 with the seed).
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "model/assert.h"
#include "tools/cli/exit_status.h"
#include "tools/cli/run_command.h"

namespace {

constexpr const char* kDescription =
    "distsim: a deterministic simulator of SMS / ConfigMgr Distribution Manager retries (KB "
    "Q207416).\nIt runs the real distribution state machine in a virtual Windows file system with "
    "lock holders,\nand checks what the manager logs, which status messages it raises and whether "
    "packages arrive.\n\nExamples:\n  distsim run scenarios/q207416-temp-source.yaml\n  distsim "
    "run scenarios/q207416-temp-source.yaml --seed 7 --trace out.jsonl --log Distmgr.log\n\nExit "
    "status: 0 all expectations held, 1 an expectation failed, 2 could not run, 3 internal error.";

void add_run_command(CLI::App& app, distsim::cli::RunCommandOptions& options) {
  CLI::App* run = app.add_subcommand(
      "run",
      "Run one scenario and print a summary: per package the attempts, retries and final state, "
      "the status messages raised, each expectation with PASS/FAIL, and a repro command on "
      "failure.");
  run->add_option("scenario", options.scenario_path, "The scenario file (YAML, version 1)")
      ->required();
  run->add_option("--seed", options.seed,
                  "Seed of every random draw (overrides the scenario's `seed`, default 0)");
  run->add_option("--until", options.until,
                  "Horizon as a duration such as 3d or 90m (overrides the scenario's `until`)");
  run->add_option("--trace", options.trace_path,
                  "Write the event trace as JSON Lines (one object per event) to this file");
  run->add_option("--log", options.log_path,
                  "Write Distmgr.log in the profile's SMS/ConfigMgr format to this file");
  run->add_option("--status", options.status_path, "Write the status messages as CSV to this file");
  run->add_flag("--json", options.json, "Print a machine-readable JSON summary instead of text");
  run->add_flag("--quiet", options.quiet, "Print only failures");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "distsim"};
  app.require_subcommand(1);
  distsim::cli::RunCommandOptions run_options;
  add_run_command(app, run_options);
  app.add_subcommand("version", "Print the distsim version");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int status = app.exit(error);
    return status == 0 ? distsim::cli::kExitOk : distsim::cli::kExitCannotRun;
  }
  try {
    if (app.got_subcommand("version")) {
      std::cout << "distsim " << DISTSIM_VERSION << '\n';
      return distsim::cli::kExitOk;
    }
    return distsim::cli::run_command(run_options, std::cout, std::cerr);
  } catch (const std::exception& error) {
    std::cerr << "distsim: internal error: " << error.what() << '\n'
              << "scenario " << run_options.scenario_path << ", seed "
              << (run_options.seed ? std::to_string(*run_options.seed) : "from the scenario")
              << "; please report this with the scenario file\n";
    return distsim::cli::kExitInternalError;
  }
}
