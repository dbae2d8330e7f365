// What `attempts` and `retries` count (sim/world/package_attempts.h): processing passes under
// sms2; under the per-DP profiles, copy attempts to one DP each, with a pass that copied nothing
// counting once. Checked end to end through the expectations and the summary.
#include "sim/world/package_attempts.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/check/evidence.h"
#include "sim/check/verdict.h"
#include "sim/report/run_report.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

Scenario loaded(const std::string& text) {
  LoadResult result = load_scenario_text(text, "t.yaml");
  INFO((result.errors.empty() ? std::string() : result.errors.front().to_string()));
  REQUIRE(result.scenario.has_value());
  return *result.scenario;
}

// A ConfigMgr 2007 site with `dps` DPs and package S0100001 from D:\Src, then `rest` (faults,
// holders, expect).
std::string configmgr_world(int dps, const std::string& rest) {
  std::string text =
      "version: 1\nname: t\nuntil: 1d\nsite:\n  profile: configmgr2007\n  retry:\n    count: 3\n"
      "filesystem:\n  - file: 'D:\\Src\\setup.exe'\n    size: 1MB\ndistribution_points:\n";
  for (int dp = 1; dp <= dps; ++dp) text += fmt::format("  - name: DP0{}\n", dp);
  text += "packages:\n  - id: S0100001\n    name: App\n    source: 'D:\\Src'\n";
  return text + rest;
}

PackageAttempts attempts_of(const RunResult& run) {
  return attempts_by_package(run).at("S0100001");
}

TEST_CASE("under a per-DP profile each copy attempt to one DP is an attempt", "[attempts]") {
  // Goal: the scenario format's definition ("for per-DP profiles, one copy attempt to one DP"),
  // as an expectation, the summary and the JSON see it. Method: DP01 unreachable all run with
  // `count: 3`: one copy at the pass and three DP retries, then the DP fails.
  const Scenario scenario = loaded(configmgr_world(
      1,
      "faults:\n  - dp_unreachable: DP01\nexpect:\n  packages:\n    S0100001:\n      state: "
      "failed\n      attempts: 4\n      retries: 3\n"));
  const RunResult run = run_world(scenario, RunOptions{});
  REQUIRE(run.packages.size() == 1);
  REQUIRE(run.packages[0].distribution_points.size() == 1);
  CHECK(run.packages[0].distribution_points[0].attempt_count == 4);
  CHECK(attempts_of(run).attempts == 4);
  CHECK(attempts_of(run).retries == 3);
  const RunVerdict verdict = judge_run(scenario, run);
  for (const ExpectationResult& result : verdict.expectations) {
    INFO(result.what << ": " << result.actual);
    CHECK(result.ok);
  }
  const std::string summary = summary_text(scenario, run, verdict, SummaryOptions{});
  CHECK_THAT(summary, Catch::Contains("4 attempts, 3 retries"));
  const std::string json = summary_json(scenario, run, verdict, "distsim");
  CHECK_THAT(json, Catch::Contains(R"("attempts":4,"retries":3)"));
}

TEST_CASE("a per-DP package copied to three DPs by its first pass made three attempts",
          "[attempts]") {
  // Goal: each copy to one DP is an attempt, and retries stay attempts - 1 as the format defines
  // them, also with several DPs.
  const RunResult run = run_world(loaded(configmgr_world(3, "")), RunOptions{});
  REQUIRE(run.packages.at(0).state == model::PackageState::installed);
  CHECK(attempts_of(run).attempts == 3);
  CHECK(attempts_of(run).retries == 2);
}

TEST_CASE("a per-DP pass whose source is locked is one attempt, as under sms2", "[attempts]") {
  // Goal: a pass that copies nothing still counts (the whole package is retried then). Method: a
  // script holds the source's file for 50 minutes against 30-minute retries: two failed
  // passes, then a pass that copies to the one DP.
  const RunResult run =
      run_world(loaded(configmgr_world(
                    1,
                    "holders:\n  - kind: script\n    name: writer\n    steps:\n      - "
                    "at: 0s\n        open: 'D:\\Src\\setup.exe'\n        access: "
                    "[GENERIC_WRITE]\n        share: []\n        as: h\n      - at: 50m\n        "
                    "close: h\n")),
                RunOptions{});
  REQUIRE(run.packages.at(0).state == model::PackageState::installed);
  REQUIRE(run.passes.size() == 3);
  CHECK(run.passes[0].dp_copies.empty());
  CHECK(run.passes[2].dp_copies.size() == 1);
  CHECK(attempts_of(run).attempts == 3);
  CHECK(attempts_of(run).retries == 2);  // The attempt table says how a pass without a copy counts.
  const std::vector<std::string> table = attempt_table(run, "S0100001");
  REQUIRE_FALSE(table.empty());
  CHECK_THAT(table.front(), Catch::EndsWith("; no copy to a DP (1 attempt)"));
}

}  // namespace
}  // namespace distsim::sim
