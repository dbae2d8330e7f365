// Crash and restart of the Distribution Manager process: its handles close, the pass it was in
// is interrupted, and the restarted process resumes from the state store.
#include <catch2/catch.hpp>
#include <string>

#include "sim/check/invariants.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

constexpr TimeUs kSecond = model::kMicrosecondsPerSecond;

Scenario big_copy_with_crash(TimeUs crash_at_us, std::optional<TimeUs> restart_after_us) {
  Scenario scenario;
  scenario.file = "crash";
  scenario.name = "crash during a DP copy";
  scenario.until_us = model::kMicrosecondsPerDay;
  scenario.filesystem.push_back(
      {FilesystemEntry::Kind::file, "D:\\Src\\Big\\big.cab", 1ull << 30, 0, {}});
  DistributionPointSpec dp;
  dp.name = "DP01";
  scenario.distribution_points.push_back(dp);
  PackageEvent package;
  package.id = "S0100080";
  package.name = "Big";
  package.source = "D:\\Src\\Big";
  scenario.packages.push_back(package);
  FaultSpec crash;
  crash.kind = FaultSpec::Kind::crash;
  crash.target = "distribution_manager";
  crash.at_us = crash_at_us;
  crash.restart_after_us = restart_after_us;
  scenario.faults.push_back(crash);
  return scenario;
}

TEST_CASE("a crash during a DP copy closes the manager's handles and the restart redoes the pass",
          "[distmgr][crash]") {
  // Goal: process death through the VFS and recovery from the state store. Method: a 1 GB copy
  // (about 86 s at 100 Mbps) cut at 30 s, restart after 60 s.
  const RunResult run = run_world(big_copy_with_crash(30 * kSecond, 60 * kSecond), RunOptions{});
  REQUIRE(run.packages.size() == 1);
  CHECK(run.packages[0].state == model::PackageState::installed);
  CHECK(run.packages[0].attempt_count == 2);
  REQUIRE(run.passes.size() == 2);
  CHECK(run.passes[0].result == model::PassResult::interrupted);
  CHECK(run.passes[1].start_us == 90 * kSecond);
  CHECK(check_invariants(run).empty());
  bool closed_at_crash = false;
  for (const auto& record : run.trace.records()) {
    closed_at_crash = closed_at_crash || (record.actor == "distmgr" && record.event == "close" &&
                                          record.t_us == 30 * kSecond);
  }
  CHECK(closed_at_crash);
}

TEST_CASE("a manager that never restarts leaves the package pending and holds no handle",
          "[distmgr][crash]") {
  // Goal: without restart_after the process stays down; the run still ends cleanly.
  const RunResult run = run_world(big_copy_with_crash(30 * kSecond, std::nullopt), RunOptions{});
  REQUIRE(run.packages.size() == 1);
  CHECK(run.packages[0].state == model::PackageState::pending);
  CHECK(run.manager_open_handles_at_end == 0);
  CHECK(check_invariants(run).empty());
}

TEST_CASE("overlapping crash outages are one: the manager comes back when the last one ends",
          "[distmgr][crash]") {
  // Goal: a second crash while the manager is down neither ends the outage early nor restarts a
  // manager meant to stay down (FORMAT.md, faults), as overlapping DP faults end with the last.
  const auto second_crash = [](Scenario& scenario, TimeUs at_us, std::optional<TimeUs> restart) {
    FaultSpec crash = scenario.faults.front();
    crash.at_us = at_us;
    crash.restart_after_us = restart;
    scenario.faults.push_back(crash);
  };
  constexpr TimeUs kHour = model::kMicrosecondsPerHour;
  // Down from 30 s for good; a crash at 1h with a 10-minute restart must not bring it back.
  Scenario stays_down = big_copy_with_crash(30 * kSecond, std::nullopt);
  second_crash(stays_down, kHour, 10 * model::kMicrosecondsPerMinute);
  const RunResult down = run_world(stays_down, RunOptions{});
  REQUIRE(down.manager_downtimes.size() == 1);
  CHECK_FALSE(down.manager_downtimes[0].restarted_us.has_value());
  CHECK(down.packages.at(0).state == model::PackageState::pending);

  // Down from 30 s for 2h; a crash at 1h with a 10-minute restart: back at 2h 00:30, not 1h10.
  Scenario longer = big_copy_with_crash(30 * kSecond, 2 * kHour);
  second_crash(longer, kHour, 10 * model::kMicrosecondsPerMinute);
  const RunResult back = run_world(longer, RunOptions{});
  REQUIRE(back.manager_downtimes.size() == 1);
  REQUIRE(back.manager_downtimes[0].restarted_us.has_value());
  CHECK(*back.manager_downtimes[0].restarted_us == 2 * kHour + 30 * kSecond);
  CHECK(check_invariants(back).empty());

  // A crash at 1h that outlasts the first outage keeps the manager down until it ends.
  Scenario extended = big_copy_with_crash(30 * kSecond, kHour);
  second_crash(extended, 45 * model::kMicrosecondsPerMinute, kHour);
  const RunResult later = run_world(extended, RunOptions{});
  REQUIRE(later.manager_downtimes.size() == 1);
  REQUIRE(later.manager_downtimes[0].restarted_us.has_value());
  CHECK(*later.manager_downtimes[0].restarted_us == 105 * model::kMicrosecondsPerMinute);
}

TEST_CASE("a crash as another crash's restart falls due joins its outage in any listed order",
          "[distmgr][crash]") {
  // Goal: the same faults give the same run whatever order the scenario lists them in. Method:
  // down from 10 min for 10 min, and a crash at 20 min for 5 min, in both orders: one outage,
  // 10 to 25 min.
  constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;
  const auto run_with = [&](bool touching_first) {
    Scenario scenario = big_copy_with_crash(10 * kMinute, 10 * kMinute);
    FaultSpec touching = scenario.faults.front();
    touching.at_us = 20 * kMinute;
    touching.restart_after_us = 5 * kMinute;
    scenario.faults.insert(touching_first ? scenario.faults.begin() : scenario.faults.end(),
                           touching);
    return run_world(scenario, RunOptions{});
  };
  for (const bool touching_first : {false, true}) {
    INFO("the later crash listed first: " << touching_first);
    const RunResult run = run_with(touching_first);
    REQUIRE(run.manager_downtimes.size() == 1);
    CHECK(run.manager_downtimes[0].stopped_us == 10 * kMinute);
    CHECK(run.manager_downtimes[0].restarted_us == 25 * kMinute);
  }
}

TEST_CASE("a restart saves what it concluded, so a second restart finds the package as it left it",
          "[distmgr][crash]") {
  // Goal: the accounting of an interrupted pass at a restart reaches the state store even when
  // no pass follows it. Method: the repository's crash-during-a-retry-pass regression (retry
  // count 1: the restart at 1h02m50s fails the package), plus a second crash at 3h restarting
  // at 3h01m. The package has been failed since the first restart; a second restart that read
  // the pre-accounting state back would fail it again, now.
  const LoadResult loaded = load_scenario_file(
      std::string(DISTSIM_SOURCE_DIR) + "/scenarios/regressions/crash-breaks-retry-bound.yaml");
  REQUIRE(loaded.scenario.has_value());
  Scenario scenario = *loaded.scenario;
  REQUIRE(scenario.faults.size() == 1);
  FaultSpec second = scenario.faults.front();
  second.at_us = 3 * model::kMicrosecondsPerHour;
  scenario.faults.push_back(second);
  const RunResult run = run_world(scenario, RunOptions{});
  REQUIRE(run.packages.size() == 1);
  CHECK(run.packages[0].state == model::PackageState::failed);
  const TimeUs first_restart_us =
      model::kMicrosecondsPerHour + 2 * model::kMicrosecondsPerMinute + 50 * kSecond;
  CHECK(run.packages[0].state_since_us == first_restart_us);
  CHECK(check_invariants(run).empty());
}

}  // namespace
}  // namespace distsim::sim
