// Finding scenario files under paths and the one-line reports of check, without running the
// binary: sorting, recursion, the problems of bad paths, and the line formats.
#include "sim/check/scenario_check.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "sim/report/check_report.h"

namespace distsim::sim {
namespace {

namespace fs = std::filesystem;

TEST_CASE("scenario files come sorted from nested folders without repeats or other files",
          "[check]") {
  // Goal: a deterministic order whatever the directory order. Method: a tree created out of
  // order, with a non-YAML file, and one file named twice.
  const std::string root = testing::scratch_directory("find-files");
  fs::create_directories(root + "/lib/b");
  for (const char* name : {"/lib/z.yaml", "/lib/b/c.yaml", "/lib/a.yaml", "/lib/notes.txt",
                           "/lib/b/old.yml", "/single.yaml"}) {
    testing::write_text_file(root + name, "version: 1\n");
  }
  const ScenarioFileList list =
      find_scenario_files({root + "/single.yaml", root + "/lib", root + "/lib/a.yaml"});
  CHECK(list.problems.empty());
  CHECK(list.files == std::vector<std::string>{root + "/lib/a.yaml", root + "/lib/b/c.yaml",
                                               root + "/lib/z.yaml", root + "/single.yaml"});
}

TEST_CASE("one file reached by two spellings, a symbolic link or a hard link is checked once",
          "[check]") {
  // Goal: `check a.yaml ./lib/../a.yaml`, a link or a hard link to a scenario does not run it
  // twice.
  const std::string root = testing::scratch_directory("find-same-file");
  fs::create_directories(root + "/lib");
  testing::write_text_file(root + "/lib/a.yaml", "version: 1\n");
  fs::create_symlink(root + "/lib/a.yaml", root + "/link.yaml");
  fs::create_hard_link(root + "/lib/a.yaml", root + "/lib/b.yaml");
  const ScenarioFileList list = find_scenario_files(
      {root + "/lib/a.yaml", root + "/lib/../lib/./a.yaml", root + "/link.yaml", root + "/lib"});
  CHECK(list.problems.empty());
  CHECK(list.files == std::vector<std::string>{root + "/lib/a.yaml"});
}

TEST_CASE("a link to nothing reached through two directories is one problem", "[check]") {
  // Goal: `check mix sub`, where sub/link leads back to mix, tells mix's broken link once.
  const std::string root = testing::scratch_directory("find-dangling-twice");
  fs::create_directories(root + "/mix");
  fs::create_directories(root + "/sub");
  testing::write_text_file(root + "/mix/a.yaml", "version: 1\n");
  fs::create_symlink(root + "/mix/gone.txt", root + "/mix/broken.yaml");
  fs::create_directory_symlink(root + "/mix", root + "/sub/link");
  const ScenarioFileList list = find_scenario_files({root + "/mix", root + "/sub"});
  CHECK(list.problems ==
        std::vector<std::string>{root + "/mix/broken.yaml: a symbolic link to nothing"});
  CHECK(list.files == std::vector<std::string>{root + "/mix/a.yaml"});
}

TEST_CASE("a missing path and a folder without scenarios are problems", "[check]") {
  // Goal: a mistyped path in CI fails loudly instead of checking nothing.
  const std::string root = testing::scratch_directory("find-problems");
  const ScenarioFileList list = find_scenario_files({root + "/missing", root});
  CHECK(list.files.empty());
  CHECK(list.problems ==
        std::vector<std::string>{root + "/missing: no such file or directory",
                                 root + ": no scenario files (*.yaml) in this directory"});
}

TEST_CASE("the check lines name the file and the first problem", "[check]") {
  // Goal: the line formats CI logs show. Method: one result of each outcome.
  ScenarioCheck passed{"a.yaml", "A", CheckOutcome::passed, {}, "", {}, ""};
  CHECK(check_line(passed) == "PASS a.yaml (A)");
  ScenarioCheck failed{"b.yaml", "B", CheckOutcome::failed, {"x: expected 1, got 2", "y"}, "R",
                       {},       ""};
  CHECK(check_line(failed) == "FAIL b.yaml: x: expected 1, got 2 (and 1 more); reproduce with: R");
  ScenarioCheck error{"c.yaml", "", CheckOutcome::error, {"c.yaml:3:1: unknown key 'q'"}, "",
                      {},       ""};
  CHECK(check_line(error) == "ERROR c.yaml:3:1: unknown key 'q'");
  const CheckTotals totals = check_totals({passed, failed, error});
  CHECK(totals.passed == 1);
  CHECK(totals.failed == 1);
  CHECK(totals.errors == 1);
  CHECK(check_closing_line(totals) == "1 passed, 2 failed");
}

}  // namespace
}  // namespace distsim::sim
