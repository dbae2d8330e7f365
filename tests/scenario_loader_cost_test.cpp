// What the loader refuses so that validating and running stay bounded and what it accepts runs:
// values counted after alias expansion, script steps and planned holds over all holders, sizes
// per file and per volume, times within the longest run, and filesystem paths the world could not
// build. Each refusal is positioned; each accepted edge runs to its end without an internal error.
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "sim/check/expectations.h"
#include "sim/check/verdict.h"
#include "sim/core/limits.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using namespace loader_test;

// A script holder whose `steps` are a list of `step_count` close/open pairs anchored as &s, and
// `alias_count` script holders reusing it through *s.
std::string aliased_steps(uint32_t step_count, uint32_t alias_count, std::string_view step) {
  std::string text = "version: 1\nname: t\nholders:\n  - kind: script\n    steps: &s\n";
  for (uint32_t index = 0; index < step_count; ++index) {
    text += "      - ";
    text += step;
    text += "\n";
  }
  for (uint32_t index = 0; index < alias_count; ++index) text += "  - {kind: script, steps: *s}\n";
  return text;
}

TEST_CASE("a long step list reused through aliases by many holders is refused while parsing",
          "[scenario_loader][limits]") {
  // Goal: 1,000 holders aliasing one 10,000-step list took 46 s and 1.6 GB; 10,000 of them
  // exhausted memory. Method: both files; each gives one error naming kYamlExpandedNodesMax at
  // the alias that passes it, so the document was never expanded (the time and memory this takes
  // are measured in tools/bench/README.md, "Worst case at the loader's limits").
  for (const uint32_t holders : {1'000U, 10'000U}) {
    const std::string text =
        aliased_steps(5'000, holders, "{at: 1s, open: 'C:\\a', as: h}\n      - {close: h}");
    const Errors errors = errors_of(text);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find(": too many YAML values after alias expansion: ") != std::string::npos);
    CHECK(errors[0].find(" > 4,000,000 (kYamlExpandedNodesMax)") != std::string::npos);
    CHECK(errors[0].rfind("t.yaml:100", 0) == 0);  // an alias line after the 10,005 of the list
  }
}

TEST_CASE("script steps of all holders together are bounded after alias expansion",
          "[scenario_loader][limits]") {
  // Goal: kScriptStepsTotalMax counts each aliased list once per holder, and refuses before any
  // step is loaded. Method: 101 holders of 10,000 steps (the last one passes 1,000,000).
  const std::string text = aliased_steps(10'000, 100, "{close: h}");
  CHECK(errors_of(text) ==
        Errors{"t.yaml:10105:5: too many script steps after alias expansion: 1,010,000 > "
               "1,000,000 (kScriptStepsTotalMax); this holder's steps pass it"});
}

TEST_CASE("holds planned by every holder's count are bounded", "[scenario_loader][limits]") {
  // Goal: holders x count repetitions cannot plan more than kPlannedHoldsMax holds. Method: 11
  // holders repeating 100,000 times; the 11th passes the bound.
  std::string body = "holders:\n";
  for (int index = 0; index < 11; ++index) {
    body += "  - {kind: temp_user, path: 'C:\\a', every: 1s, count: 100000}\n";
  }
  CHECK(errors_after_header(body) ==
        Errors{"t.yaml:14:5: too many planned holds (each holder's count times its steps): "
               "1,100,000 > 1,000,000 (kPlannedHoldsMax); this holder passes it"});
}

TEST_CASE("a file larger than kFileBytesMax is refused at its size", "[scenario_loader][limits]") {
  // Goal: a file of 18446744073709551615 bytes crashed the run (its volume's size wrapped).
  // Method: that size on a file, on a temp_user holder, and two files of 2^63 bytes.
  CHECK(errors_after_header("filesystem:\n  - file: 'C:\\a'\n    size: 18446744073709551615B\n") ==
        Errors{"t.yaml:5:11: 'size' is 18446744073709551615B, more than kFileBytesMax (16TB)"});
  CHECK(errors_after_header("holders:\n  - {kind: temp_user, path: 'C:\\a', size: 17TB}\n") ==
        Errors{"t.yaml:4:43: 'size' is 17TB, more than kFileBytesMax (16TB)"});
  // Past what 64 bits hold, the size is told the same bound, not only that it is too large.
  CHECK(errors_after_header("holders:\n  - {kind: temp_user, path: 'C:\\a', size: "
                            "99999999999TB}\n") ==
        Errors{"t.yaml:4:43: 'size' is 99999999999TB, more than kFileBytesMax (16TB)"});
  CHECK(errors_after_header("until: 106751992d\n") ==
        Errors{"t.yaml:3:8: 'until' is 106751992d, more than kRunHorizonMaxUs (3650d)"});
  CHECK(errors_after_header("filesystem:\n  - {file: 'C:\\a', size: 9223372036854775808B}\n"
                            "  - {file: 'C:\\b', size: 9223372036854775808B}\n")
            .size() == 2);
}

TEST_CASE("what one volume holds is bounded by kVolumeBytesMax without wrapping",
          "[scenario_loader][limits]") {
  // Goal: per-volume totals are summed without overflow and refused at the entry that passes
  // the bound. Method: 17 files of 16TB on C: (the 17th passes 256TB), a tree of 300TB, and a
  // DP with 300TB free; 16 such files on C: and one on D: load.
  std::string body = "filesystem:\n";
  for (int index = 0; index < 17; ++index) {
    body += "  - {file: 'C:\\f" + std::to_string(index) + "', size: 16TB}\n";
  }
  CHECK(errors_after_header(body) ==
        Errors{"t.yaml:20:5: the entries on 'C:' hold more than kVolumeBytesMax (256TB): 256TB "
               "before this entry's 16TB"});
  CHECK(errors_after_header("filesystem:\n  - {tree: 'C:\\t', files: 2, size: 300TB}\n") ==
        Errors{"t.yaml:4:36: 'size' is 300TB, more than kVolumeBytesMax (256TB)"});
  CHECK(errors_after_header("distribution_points:\n  - {name: DP01, free: 300TB}\n") ==
        Errors{"t.yaml:4:24: 'free' is 300TB, more than kVolumeBytesMax (256TB)"});
  std::string fits = "version: 1\nname: t\nfilesystem:\n";
  for (int index = 0; index < 16; ++index) {
    fits += "  - {file: 'C:\\f" + std::to_string(index) + "', size: 16TB}\n";
  }
  fits += "  - {file: 'D:\\f', size: 16TB}\n";
  CHECK(load_valid(fits).filesystem.size() == 17);
}

TEST_CASE("a link slower than kBandwidthBitsPerSecondMin is refused", "[scenario_loader][limits]") {
  // Goal: a DP of 1bps moves 0 whole bytes a second, and slow links would
  // make a volume's transfer time overflow. Method: a DP and the site's read bandwidth.
  CHECK(errors_after_header("distribution_points:\n  - {name: DP01, bandwidth: 1bps}\n") ==
        Errors{"t.yaml:4:29: 'bandwidth' is 1bps, less than the smallest bandwidth, 8000bps "
               "(1000Bps; scenarios/FORMAT.md, Limits)"});
  CHECK(errors_after_header("site:\n  read_bandwidth: 7999bps\n") ==
        Errors{"t.yaml:4:19: 'read_bandwidth' is 7999bps, less than the smallest bandwidth, "
               "8000bps (1000Bps; scenarios/FORMAT.md, Limits)"});
}

TEST_CASE("a duration longer than the longest run is refused", "[scenario_loader][limits]") {
  // Goal: sums of times (at + for, per_mb x size) cannot wrap. Method: a holder's 'for' and a
  // retry delay past kRunHorizonMaxUs.
  CHECK(errors_after_header("holders:\n  - {kind: temp_user, path: 'C:\\a', for: 3651d}\n") ==
        Errors{"t.yaml:4:42: 'for' is 3651d, more than kRunHorizonMaxUs (3650d)"});
  CHECK(errors_after_header("site:\n  retry:\n    delay: 106751991d\n") ==
        Errors{"t.yaml:5:12: 'delay' is 106751991d, more than kRunHorizonMaxUs (3650d)"});
}

TEST_CASE("a file or tree at a volume root is refused; a trailing separator is dropped",
          "[scenario_loader][limits]") {
  // Goal: `tree: 'C:\'`, `tree: 'C:\a\'` and `file: 'C:\'` crashed the run. Method: the root
  // forms are refused where they are written; the trailing separator is removed, as the world
  // names the path.
  CHECK(errors_after_header("filesystem:\n  - {tree: 'C:\\', files: 3}\n") ==
        Errors{"t.yaml:4:12: 'C:\\' is the root of a volume; a 'tree' needs a name below it, "
               "like 'C:\\Data'"});
  CHECK(errors_after_header("filesystem:\n  - file: '\\\\DP01\\SMSPKGC$'\n") ==
        Errors{"t.yaml:4:11: '\\\\DP01\\SMSPKGC$' is the root of a volume; a 'file' needs a name "
               "below it, like '\\\\DP01\\SMSPKGC$\\Data'"});
  const Scenario scenario = load_valid(
      "version: 1\nname: t\nfilesystem:\n  - {tree: 'C:\\a\\', files: 3}\n  - dir: 'D:/b/'\n"
      "  - dir: 'E:\\'\n");
  CHECK(scenario.filesystem[0].path == "C:\\a");
  CHECK(scenario.filesystem[1].path == "D:\\b");
  CHECK(scenario.filesystem[2].path == "E:\\");
}

TEST_CASE("a tree whose file names would pass kPathLengthMax is refused", "[scenario_loader]") {
  // Goal: a tree path near 32,767 characters crashed the world when it named its files.
  // Method: the longest path that fits ("\file00003.dat" is 14 characters) and one more.
  const auto tree_of_length = [](size_t length) {
    std::string path = "C:";
    while (path.size() + 201 <= length) path += "\\" + std::string(200, 'a');
    path += "\\" + std::string(length - path.size() - 1, 'b');
    return "filesystem:\n  - {tree: '" + path + "', files: 3}\n";
  };
  CHECK(errors_after_header(tree_of_length(kPathLengthMax - 14)).empty());
  const Errors errors = errors_after_header(tree_of_length(kPathLengthMax - 13));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("t.yaml:4:12: a tree at 'C:\\aaaa") == 0);
  CHECK(errors[0].find("(32754 characters) would name its files past kPathLengthMax (32767); its "
                       "path may have at most 32753 characters") != std::string::npos);
}

TEST_CASE("deep filesystem paths sharing a long prefix are all checked against each other",
          "[scenario_loader][limits]") {
  // Goal: checking each ancestor of a 16,000-component path took minutes for a 16 MB file.
  // Method: 200 directories of 16,000 components sharing their first 15,999, one file among
  // them and one more entry below it; loading finds that entry. The time it takes is measured
  // in tools/bench/README.md ("Worst case at the loader's limits"), not asserted here: wall time
  // on shared machines would make a flaky test.
  std::string deep = "C:";
  for (int index = 0; index < 15'999; ++index) deep += "\\a";
  std::string text = "version: 1\nname: t\nfilesystem:\n  - file: '" + deep + "\\f'\n";
  for (int index = 0; index < 200; ++index) {
    text += "  - dir: '" + deep + "\\" + std::to_string(index) + "'\n";
  }
  text += "  - dir: '" + deep + "\\f\\x'\n";
  const Errors errors = errors_of(text);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("t.yaml:205:5: '", 0) == 0);
  CHECK(errors[0].find("\\f\\x' is below '") != std::string::npos);
}

TEST_CASE("the directories deep paths create count toward kScenarioFilesystemNodesMax",
          "[scenario_loader][limits]") {
  // Goal: 480 directories of 16,000 components each loaded, then the world could not build its
  // 7.7 million directories (an internal error). Method: 260 such directories (4,160,260 nodes).
  std::string deep;
  for (int index = 0; index < 15'999; ++index) deep += "\\a";
  std::string text = "version: 1\nname: t\nfilesystem:\n";
  for (int index = 0; index < 260; ++index) {
    text += "  - dir: 'C:\\" + std::to_string(index) + deep + "'\n";
  }
  CHECK(errors_of(text) ==
        Errors{"t.yaml:4:3: 'filesystem' asks for 4160260 files and directories (each entry's "
               "parents counted), more than kScenarioFilesystemNodesMax (4000000)"});
}

TEST_CASE("the accepted edges of filesystem paths and sizes run without an internal error",
          "[scenario_loader][limits]") {
  // Goal: what `validate` accepts, `run` runs. Method: a tree with a trailing separator, a
  // directory at a drive root, 16 files of kFileBytesMax on one volume, and the longest tree
  // path, each run with a small event budget.
  std::string text =
      "version: 1\nname: t\nfilesystem:\n  - {tree: 'C:\\a\\', files: 3}\n  - dir: 'E:\\'\n";
  for (int index = 0; index < 16; ++index) {
    text += "  - {file: 'D:\\f" + std::to_string(index) + "', size: 16TB}\n";
  }
  text += "  - {tree: 'F:\\" + std::string(240, 'x') + "', files: 2}\n";
  const Scenario scenario = load_valid(text);
  REQUIRE(unsupported_features(scenario).empty());
  RunOptions options;
  options.trace = false;
  options.event_budget = 10'000;
  const RunResult result = run_world(scenario, options);
  CHECK(result.until_us == scenario.until_us);
}

// One package from C:\Src to DP01 over a day: lines 1 to 11 of the expectation tests' files.
constexpr std::string_view kOnePackageWorld = R"(version: 1
name: t
until: 1d
filesystem:
  - file: 'C:\Src\setup.exe'
distribution_points:
  - name: DP01
packages:
  - id: S0100001
    name: p
    source: 'C:\Src'
)";

TEST_CASE("an expectation's failure points at its own key", "[scenario_loader][expect]") {
  // Goal: `attempts: expected 2, got 1` pointed at the package id's line. Method: load the
  // positions of each expectation key, run the scenario, and find each failure's position.
  const Scenario scenario = load_valid(std::string(kOnePackageWorld) + R"(expect:
  packages:
    S0100001:
      state: failed
      attempts: 2
      retries: 5
      installed_by: 0s
      distribution_points:
        DP01: failed
  component_status: critical
  log:
    contains: ['never written']
    not_contains:
      - 'S0100001'
)");
  const PackageExpectation& package = scenario.expect.packages.at(0);
  CHECK(package.position == SourcePosition{14, 5});
  CHECK(package.state_position == SourcePosition{15, 7});
  CHECK(package.attempts_position == SourcePosition{16, 7});
  CHECK(package.retries_position == SourcePosition{17, 7});
  CHECK(package.installed_by_position == SourcePosition{18, 7});
  CHECK(package.distribution_points.at(0).position == SourcePosition{20, 9});
  CHECK(scenario.expect.component_status_position == SourcePosition{21, 3});
  CHECK(scenario.expect.log_contains.at(0).position == SourcePosition{23, 16});
  CHECK(scenario.expect.log_not_contains.at(0).position == SourcePosition{25, 9});
  const RunResult run = run_world(scenario, RunOptions{});
  uint32_t failures = 0;
  for (const ExpectationResult& result : evaluate_expectations(scenario, run)) {
    INFO(result.what);
    if (result.what == "S0100001 state") CHECK(result.position.line == 15);
    if (result.what == "S0100001 attempts") CHECK(result.position.line == 16);
    if (result.what == "S0100001 retries") CHECK(result.position.line == 17);
    if (result.what == "S0100001 installed_by") CHECK(result.position.line == 18);
    if (result.what == "S0100001 on DP01") CHECK(result.position.line == 20);
    if (result.what == "component status") CHECK(result.position.line == 21);
    if (result.what == "log contains 'never written'") {
      CHECK(result.position.line == 23);
      // No event decided it: the line names the end of the run.
      CHECK_THAT(expectation_failure_text(result, run.ended_us),
                 Catch::EndsWith("(at 1d 00:00:00, the end of the run) [line 23]"));
    }
    if (result.what == "log does not contain 'S0100001'") {
      CHECK(result.position.line == 25);
      CHECK_THAT(expectation_failure_text(result, run.ended_us),
                 Catch::EndsWith("for package S0100001. (at 00:00:00) [line 25]"));
    }
    if (!result.ok) ++failures;
  }
  CHECK(failures == 8);
}

TEST_CASE("an invariant failure points at the no_invariant_violations key when it is written",
          "[scenario_loader][expect]") {
  // Goal: invariant failures carry a scenario line too. Method: a trace limit of 10 records makes
  // the checkers' own failure ("invariant checkers") at once.
  // The world of the test above, with only this key under `expect` (line 13).
  const Scenario scenario =
      load_valid(std::string(kOnePackageWorld) + "expect:\n  no_invariant_violations: true\n");
  CHECK(scenario.expect.no_invariant_violations_position == SourcePosition{13, 3});
  RunOptions options;
  options.kept.trace_records = 10;
  const RunResult run = run_world(scenario, options);
  const auto results = evaluate_expectations(scenario, run);
  REQUIRE(results.size() == 1);
  CHECK(results[0].what == "invariant checkers");
  CHECK(results[0].position.line == 13);
}

}  // namespace
}  // namespace distsim::sim
