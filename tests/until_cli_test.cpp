// `distsim run --until` shorter than the scenario's own: before the run, a warning names each
// entry the shortened run leaves out, at its FILE:LINE:COL, and the run goes on as asked.
#include <catch2/catch.hpp>
#include <string>

#include "cli_runner.h"

namespace distsim::testing {
namespace {

// The scenario `content` written as `name` in a scratch directory of its own; its path.
std::string scenario_file(const std::string& name, const std::string& content) {
  const std::string path = scratch_directory("until-" + name) + "/" + name;
  write_text_file(path, content);
  return path;
}

TEST_CASE("run --until shorter than the scenario's names what the run leaves out", "[cli]") {
  // Goal: a user who shortens a run to save time is told which holders, faults, package events
  // and deadlines it drops, at their lines, instead of reading a pass that never met them.
  const std::string path =
      scenario_file("cli_late.yaml",
                    "version: 1\nname: late entries\nuntil: 1d\nfilesystem:\n"
                    "  - {dir: 'C:\\Src'}\n  - {file: 'C:\\Src\\a.cab', size: 1MB}\n"
                    "distribution_points:\n  - {name: DP01}\npackages:\n"
                    "  - {id: S0100001, name: App, source: 'C:\\Src', at: 0s}\n"
                    "  - {update: S0100001, at: 5h}\nholders:\n"
                    "  - {kind: explorer_window, name: explorer, path: 'C:\\Src', at: 3h, for: "
                    "1h}\n  - kind: script\n    name: sc\n    steps:\n"
                    "      - {at: 2h30m, open: 'C:\\Src\\a.cab', as: h}\n"
                    "faults:\n  - {dp_unreachable: DP01, at: 4h, for: 1h}\n"
                    "expect:\n  packages:\n    S0100001: {installed_by: 2h30m}\n");
  const CliResult shortened =
      run_distsim("run --quiet '" + path + "' --until 2h", scratch_directory("until-run"));
  CHECK(shortened.status == 0);
  CHECK_THAT(shortened.err,
             Catch::StartsWith("distsim run: warning: --until 2h is shorter than the scenario's "
                               "until (1d), so the run leaves out what the scenario times later:\n"
                               "  " +
                               path +
                               ":11:5: package S0100001 is updated at 5h\n"
                               "  " +
                               path +
                               ":13:5: holder 'explorer' starts at 3h\n"
                               "  " +
                               path +
                               ":17:9: holder 'sc' step 1 runs at 2h30m\n"
                               "  " +
                               path +
                               ":19:5: fault dp_unreachable on DP01 starts at 4h\n"
                               "  " +
                               path +
                               ":22:16: expect S0100001 installed_by 2h30m, judged "
                               "at the end of the run instead\n"));
  // A horizon that keeps every entry says nothing.
  const CliResult whole =
      run_distsim("run --quiet '" + path + "' --until 6h", scratch_directory("until-run"));
  CHECK(whole.status == 0);
  CHECK_THAT(whole.err, !Catch::Contains("warning"));
}

TEST_CASE("run --until names holders whose drawn start or repeated holds reach past it", "[cli]") {
  // Goal: a holder that starts in time but may start later, or whose later holds fall after the
  // shortened end, is named too. Method: a TEMP user drawn from 1h..10h and a window holding five
  // times an hour from 30m, cut at 2h; a window whose holds all begin by then is not named.
  const std::string path = scenario_file(
      "cli_late_holders.yaml",
      "version: 1\nname: late holders\nuntil: 1d\nfilesystem:\n"
      "  - {dir: 'C:\\Src'}\n  - {file: 'C:\\Src\\a.cab', size: 1MB}\n"
      "distribution_points:\n  - {name: DP01}\npackages:\n"
      "  - {id: S0100001, name: App, source: 'C:\\Src', at: 0s}\nholders:\n"
      "  - {kind: temp_user, name: tu, path: 'C:\\Src\\a.cab', at: {uniform: [1h, 10h]}, "
      "for: 1m}\n"
      "  - {kind: explorer_window, name: rep, path: 'C:\\Src', at: 30m, every: 1h, count: 5, "
      "for: 1m}\n"
      "  - {kind: explorer_window, name: early, path: 'C:\\Src', at: 10m, every: 10m, count: 3, "
      "for: 1m}\n");
  const CliResult shortened =
      run_distsim("run --quiet '" + path + "' --until 2h", scratch_directory("until-run"));
  INFO(shortened.err);
  CHECK(shortened.status == 0);
  CHECK_THAT(shortened.err,
             Catch::Contains(":12:5: holder 'tu' may start as late as 10h (drawn from 1h..10h)\n"));
  CHECK_THAT(shortened.err,
             Catch::Contains(":13:5: holder 'rep' holds 5 times from 30m, 1h apart at the least: "
                             "the later holds fall after the end\n"));
  CHECK_THAT(shortened.err, !Catch::Contains("'early'"));
}

}  // namespace
}  // namespace distsim::testing
