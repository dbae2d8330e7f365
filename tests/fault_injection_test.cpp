// Test-only broken managers (model/manager_fault_injection.h) and the oracles that catch them: a
// manager that leaks source handles, one that copies DPs partially, one that miscounts retries in
// its messages, one that saves a version before its .PCK is written, ones that break the update,
// restart and 62302 settings, one that reports the wrong error, one that leaves out a source file
// it cannot open, one that raises no 2306. Each is caught by its checker in a world run, the first
// three and the one that leaves out a file also by a fixed-seed exploration, and no source of the
// CLI or the simulator can reach the switches.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>

#include "model/manager_fault_injection.h"
#include "sim/check/invariants.h"
#include "sim/check/swarm_explorer.h"
#include "sim/report/campaign_result.h"
#include "sim/scenario/scenario_loader.h"
#include "world_fixture.h"

namespace distsim::sim {
namespace {

std::vector<InvariantViolation> violations_of(const model::ManagerFaultInjection& faults,
                                              const Scenario& scenario) {
  const model::ScopedManagerFaultInjection injected(faults);
  return check_invariants(run_world(scenario, RunOptions{}));
}

// A library scenario that the manager as it is runs without a violation: the baseline each
// injected fault below is measured against.
Scenario clean_scenario(const std::string& path_below_scenarios) {
  const LoadResult loaded =
      load_scenario_file(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/" + path_below_scenarios);
  REQUIRE(loaded.scenario.has_value());
  CHECK(check_invariants(run_world(*loaded.scenario, RunOptions{})).empty());
  return *loaded.scenario;
}

// Kinds of the findings of a fixed-seed exploration under `faults`.
std::vector<std::string> explored_kinds(const model::ManagerFaultInjection& faults) {
  const model::ScopedManagerFaultInjection injected(faults);
  ExploreOptions options;
  options.seed_count = 24;
  const ExploreSummary summary = explore(options, [](const ExploreProgress&) {});
  std::vector<std::string> kinds;
  for (const ExploreFinding& finding : summary.findings) kinds.push_back(finding.failure.kind);
  return kinds;
}

bool contains(const std::vector<std::string>& kinds, std::string_view kind) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

TEST_CASE("a stop during an exploration's shrink keeps the failing world and says so in the result",
          "[explore][faults]") {
  // Goal: the stop reaches a shrink through explore() (a wall-clock limit or SIGTERM during a
  // shrink of a real finding), the seed still counts as explored, and the result file says the
  // reproducer is not minimal. Method: a manager that miscounts retries, the first seed it fails,
  // and a stop predicate that turns true once that seed's shrink has run two worlds.
  model::ManagerFaultInjection faults;
  faults.miscount_retries = true;
  const model::ScopedManagerFaultInjection injected(faults);
  ExploreOptions options;
  options.seed_count = 24;
  const ExploreSummary whole = explore(options, [](const ExploreProgress&) {});
  REQUIRE_FALSE(whole.findings.empty());
  const ExploreFinding& first = whole.findings.front();
  REQUIRE(first.shrink_runs > 2);
  CHECK_FALSE(first.shrink_stopped);

  options.seed_start = first.seed;
  options.seed_count = 1;
  int asked = 0;  // once before the seed starts, then before each world of its shrink
  std::vector<ShrinkProgress> heard;
  const ExploreSummary stopped = explore(
      options, [](const ExploreProgress&) {}, [&asked] { return ++asked > 3; },
      [&heard](const ShrinkProgress& shrink) { heard.push_back(shrink); });
  CHECK(stopped.worlds == 1);
  REQUIRE(stopped.findings.size() == 1);
  const ExploreFinding& finding = stopped.findings.front();
  CHECK(finding.failure.kind == first.failure.kind);
  CHECK(finding.shrink_stopped);
  CHECK(finding.shrink_runs == 2);
  REQUIRE(heard.size() == 3);
  CHECK(heard[0].seed == first.seed);
  CHECK(heard[1].runs == 2);
  CHECK(heard[2].done);
  const CampaignResult result = campaign_result(options, stopped, "0.1.0", "abc", "SIGTERM");
  REQUIRE(result.failures.size() == 1);
  CHECK(result.failures[0].shrink_stopped);
  CHECK(campaign_result_json(result).find("\"shrink_stopped\": true") != std::string::npos);
}

TEST_CASE("a manager that leaks source handles is caught by handles_closed",
          "[invariants][faults]") {
  // The KB world without its lock: one clean pass that reads two source files.
  const Scenario world = testing::kb_world(testing::lock_for(0));
  CHECK(check_invariants(run_world(world, RunOptions{})).empty());
  model::ManagerFaultInjection faults;
  faults.leak_source_handle = true;
  const auto violations = violations_of(faults, world);
  REQUIRE(!violations.empty());
  CHECK(violations.front().invariant == "handles_closed");
  CHECK(violations.front().detail.find("but distmgr still holds handle") != std::string::npos);
  CHECK(violations.front().detail.find("C:\\WINNT\\TEMP\\") != std::string::npos);
  // The manager's own count would have said 0; the VFS says one handle per source file read
  // (setup.exe, data1.cab and the setup program's ~setup1.tmp).
  const model::ScopedManagerFaultInjection injected(faults);
  CHECK(run_world(world, RunOptions{}).manager_open_handles_at_end == 3);
}

TEST_CASE("every fault-injection switch turned on reads back as on, and off once its scope ends",
          "[faults]") {
  // Goal: a switch added to the struct but not to the process-wide word would read as off, and
  // the test built on it would judge a manager that never misbehaved.
  // Every member is a bool (no padding between them), each set to true's representation, 1.
  static_assert(std::is_trivially_copyable_v<model::ManagerFaultInjection>);
  static_assert(sizeof(model::ManagerFaultInjection) % sizeof(bool) == 0);
  model::ManagerFaultInjection all;
  std::memset(static_cast<void*>(&all), 1, sizeof all);
  CHECK(all.leak_source_handle);
  CHECK(all.skips_unopenable_source_files);
  {
    const model::ScopedManagerFaultInjection injected(all);
    CHECK(model::manager_fault_injection() == all);
  }
  CHECK(model::manager_fault_injection() == model::ManagerFaultInjection{});
}

TEST_CASE("a manager that copies DPs partially is caught by dp_content", "[invariants][faults]") {
  const Scenario world = testing::kb_world(testing::lock_for(0));
  model::ManagerFaultInjection faults;
  faults.partial_dp_copy = true;
  const auto violations = violations_of(faults, world);
  REQUIRE(violations.size() == 1);
  CHECK(violations.front().invariant == "dp_content");
  CHECK(violations.front().detail.find("is missing") != std::string::npos);
}

TEST_CASE("a manager that skips a source file it cannot open is caught by source_read_whole",
          "[invariants][faults]") {
  // Goal: a pass that copies what it could read, leaving out the file a TEMP user holds, is
  // caught although every DP then holds exactly what was read (dp_content sees nothing wrong).
  // Method: the KB Q207416 story, whose setup program holds one of the three source files.
  const Scenario scenario = clean_scenario("q207416-temp-source.yaml");
  model::ManagerFaultInjection faults;
  faults.skips_unopenable_source_files = true;
  const auto violations = violations_of(faults, scenario);
  REQUIRE(violations.size() == 1);
  CHECK(violations.front().invariant == "source_read_whole");
  CHECK(violations.front().detail ==
        "S0100001: the pass that listed C:\\WINNT\\TEMP at 00:00:00 went on to its copies having "
        "read 2 of the 3 files its listings found");
  CHECK(contains(explored_kinds(faults), "invariant:source_read_whole"));
}

TEST_CASE(
    "a ConfigMgr manager that raises no 2306 for a source it cannot list is caught by "
    "pass_messages",
    "[invariants][faults]") {
  const Scenario scenario = clean_scenario("regressions/missing-source-folder-raises-2306.yaml");
  model::ManagerFaultInjection faults;
  faults.omits_source_not_accessible = true;
  const auto violations = violations_of(faults, scenario);
  REQUIRE(violations.size() == 2);  // one per pass
  CHECK(violations.front().invariant == "pass_messages");
  CHECK(violations.front().detail ==
        "the pass of S0100031 that began at 00:00:00 had its listing of D:\\Src\\Gone refused "
        "with 3 at 00:00:00 and raised 0 2306 messages instead of one");
}

TEST_CASE("a partial DP copy is caught where packages read the same source folder at once",
          "[invariants][faults]") {
  // Goal: dp_content credits a package with its own thread's listing and reads only, so the
  // others' reads neither hide a partial copy nor make a whole one look wrong. Method: the
  // shared-source regression is clean as it is; with one file left out of every DP copy of more
  // than one file, each of the five packages with two files is a finding (S0100006 has one file,
  // which the fault copies whole).
  const Scenario scenario = clean_scenario("regressions/packages-share-a-source-folder.yaml");
  model::ManagerFaultInjection faults;
  faults.partial_dp_copy = true;
  const auto violations = violations_of(faults, scenario);
  size_t partial = 0;
  for (const InvariantViolation& violation : violations) {
    INFO(violation.detail);
    if (violation.invariant == "dp_content" &&
        violation.detail.find("is missing") != std::string::npos) {
      ++partial;
    }
  }
  CHECK(partial == 5);
}

TEST_CASE(
    "a manager that miscounts retries in 2302 and Distmgr.log is caught by "
    "retry_count_text",
    "[invariants][faults]") {
  // The KB world as is: the lock makes the first passes fail.
  const Scenario world = testing::kb_world({});
  CHECK(check_invariants(run_world(world, RunOptions{})).empty());
  model::ManagerFaultInjection faults;
  faults.miscount_retries = true;
  const auto violations = violations_of(faults, world);
  REQUIRE(!violations.empty());
  CHECK(std::all_of(violations.begin(), violations.end(), [](const InvariantViolation& each) {
    return each.invariant == "retry_count_text";
  }));
  CHECK(violations.front().detail ==
        "2302 for S0100001 shows 1 retry; the trace shows 0 failed attempts before it in this "
        "retry cycle");
}

TEST_CASE("a manager that saves a version before its .PCK is written is caught by package_copy",
          "[invariants][faults]") {
  // A refresh saves the package during its compression and a crash follows before the .PCK is
  // written: the restarted manager must compress again, not copy the empty .PCK.
  const Scenario scenario =
      clean_scenario("regressions/crash-during-compression-after-refresh-compresses-again.yaml");
  model::ManagerFaultInjection faults;
  faults.save_version_before_compression = true;
  const auto violations = violations_of(faults, scenario);
  REQUIRE(violations.size() == 1);
  CHECK(violations.front().invariant == "package_copy");
  CHECK(violations.front().detail ==
        "a DP copy of S0100060 opens C:\\SMSPKG\\S0100060.PCK at 00:06:40, which the manager "
        "created at 00:01:00 and has not written since");
}

TEST_CASE("a manager whose updates reset the retry count against the site's setting is caught",
          "[invariants][faults]") {
  // Goal: the retry checkers count across an update when update_resets_retries is false, from
  // the trace alone. Method: the scenario where the update's pass finds every retry spent; a
  // manager that starts the count afresh shows 0 retries in its 2302 where the trace shows 3,
  // and makes more attempts than the two cycles' count allows.
  const Scenario scenario = clean_scenario("update-keeps-the-retry-count.yaml");
  model::ManagerFaultInjection faults;
  faults.updates_always_reset_retries = true;
  std::vector<std::string> details;
  for (const auto& violation : violations_of(faults, scenario)) {
    details.push_back(violation.invariant + ": " + violation.detail);
  }
  CHECK(contains(details,
                 "retry_count_text: 2302 for S0100090 shows 0 retries; the trace shows 3 failed "
                 "attempts before it in this retry cycle"));
  CHECK(contains(details,
                 "retry_bound: S0100090 made attempt 6 of 2 retry cycles counted together; the "
                 "policy allows at most 5"));
}

TEST_CASE(
    "a manager that runs an overdue retry at the restart against the site's setting is caught",
    "[invariants][faults]") {
  // Goal: retry_wait judges what a retry that fell due while the manager was down does after
  // the restart, from the trace. Method: the scenario whose overdue retry must wait its hour
  // again after the restart at 2h20m; a manager that runs it at once begins it an hour early.
  const Scenario scenario = clean_scenario("retry-due-while-down-waits-again.yaml");
  model::ManagerFaultInjection faults;
  faults.overdue_retries_run_at_restart = true;
  const auto violations = violations_of(faults, scenario);
  REQUIRE(!violations.empty());
  CHECK(violations.front().invariant == "retry_wait");
  CHECK(violations.front().detail ==
        "S0100072: retry 2 fell due at 02:00:00.080 while the manager was down and began at "
        "02:20:00, before 03:20:00, the restart at 02:20:00 and the wait again of 1h");
}

TEST_CASE("a manager that runs an overdue retry at the restart is caught across a second crash",
          "[invariants][faults]") {
  // Goal: retry_wait still judges a postponed retry when the manager crashes again before it
  // falls due (it used to say nothing then). Method: the scenario with two crashes, whose retry
  // must wait its hour again after the first restart; a manager that runs it at the restart
  // begins it at 01:10, before the first postponement's 02:10.
  const Scenario scenario =
      clean_scenario("regressions/retry-due-while-down-twice-waits-the-same-again.yaml");
  model::ManagerFaultInjection faults;
  faults.overdue_retries_run_at_restart = true;
  std::vector<std::string> details;
  for (const auto& violation : violations_of(faults, scenario)) {
    details.push_back(violation.invariant + ": " + violation.detail);
    UNSCOPED_INFO(details.back());
  }
  CHECK(
      contains(details,
               "retry_wait: S0100073: retry 1 fell due at 01:00:00.040 while the manager was "
               "down and began at 01:10:00, before 02:10:00, the restart at 01:10:00 and the wait "
               "again of 1h"));
}

TEST_CASE(
    "a manager that leaves out the retry message where the site shows the count there is "
    "caught",
    "[invariants][faults]") {
  // Goal: retry_count_text reads the count and the next retry from 62302 where the site says
  // they are shown there, and misses it when it is absent. Method: the scenario whose three
  // failed passes each raise 62302; a manager that raises none says in Distmgr.log that it will
  // retry while its status messages say it gives up.
  const Scenario scenario = clean_scenario("retry-count-in-its-own-message.yaml");
  model::ManagerFaultInjection faults;
  faults.omits_retry_messages = true;
  std::vector<std::string> details;
  for (const auto& violation : violations_of(faults, scenario)) {
    details.push_back(violation.invariant + ": " + violation.detail);
  }
  CHECK(contains(details,
                 "retry_count_text: Distmgr.log for S0100091 says it will retry but no 62302 "
                 "follows its 2302"));
  // Without the message the status messages say the package was given up, yet it was retried.
  CHECK(contains(details,
                 "retry_give_up: S0100091 gave up after 0 retries of 5 although the policy still "
                 "allows a retry"));

  // Under per-DP retries too: the pass whose DP copy failed at 2h30m names the DP's retry in its
  // log line, and no 62302 follows.
  const Scenario per_dp = clean_scenario("regressions/retry-message-per-dp-and-giving-up.yaml");
  const auto dp_violations = violations_of(faults, per_dp);
  CHECK(std::any_of(dp_violations.begin(), dp_violations.end(), [](const auto& violation) {
    return violation.t_us > 2 * model::kMicrosecondsPerHour &&
           violation.detail ==
               "Distmgr.log for S0100092 says it will retry but no 62302 follows its 2302";
  }));
}

TEST_CASE(
    "a fixed-seed exploration catches the managers that leak handles, copy partially or miscount "
    "retries",
    "[explore][faults]") {
  // Goal: the explorer, not only hand-made worlds, finds these bugs. Method: 24 seeds each.
  model::ManagerFaultInjection leak;
  leak.leak_source_handle = true;
  CHECK(contains(explored_kinds(leak), "invariant:handles_closed"));
  model::ManagerFaultInjection partial;
  partial.partial_dp_copy = true;
  CHECK(contains(explored_kinds(partial), "invariant:dp_content"));
  model::ManagerFaultInjection miscount;
  miscount.miscount_retries = true;
  CHECK(contains(explored_kinds(miscount), "invariant:retry_count_text"));
}

TEST_CASE("a manager that reports the wrong error and so gives up is caught by failure_error",
          "[invariants][faults]") {
  // Goal: the give-up judgement rests on the file system's refusal, not the manager's word.
  // Method: a site that retries only error 32; a manager that reports every failure as 5 gives
  // up at once, which retry_give_up alone would accept (5 is not retryable there).
  Scenario world = testing::kb_world(testing::lock_for(95 * model::kMicrosecondsPerMinute));
  world.site.retry.retry_on = std::vector<model::Win32Error>{model::Win32Error::sharing_violation};
  CHECK(check_invariants(run_world(world, RunOptions{})).empty());
  model::ManagerFaultInjection faults;
  faults.reports_access_denied = true;
  const auto violations = violations_of(faults, world);
  const auto failure_error = std::find_if(
      violations.begin(), violations.end(),
      [](const InvariantViolation& violation) { return violation.invariant == "failure_error"; });
  REQUIRE(failure_error != violations.end());
  CHECK_THAT(failure_error->detail, Catch::Contains("failed with error 5 (its 2302), but the file "
                                                    "system refused none of the manager's "
                                                    "operations on its files with 5"));
  CHECK_THAT(failure_error->detail, Catch::Contains("it refused 32 (open "));
  CHECK(std::none_of(violations.begin(), violations.end(), [](const InvariantViolation& violation) {
    return violation.invariant == "retry_give_up";
  }));
}

TEST_CASE("a manager that ignores dp_retry_decided copy_end is caught by retry_wait",
          "[invariants][faults]") {
  // DP01's copy fails at once beside a 70-minute copy to DP02: decided as it fails, its 2328
  // comes with the refusal; decided when the work ends, 70 minutes later.
  const Scenario scenario = clean_scenario("cm2007-dp-retry-decided-as-the-copy-fails.yaml");
  model::ManagerFaultInjection faults;
  faults.ignores_dp_retry_decided = true;
  const auto violations = violations_of(faults, scenario);
  const auto late = std::find_if(violations.begin(), violations.end(), [](const auto& violation) {
    return violation.invariant == "retry_wait" &&
           violation.detail.find("dp_retry_decided copy_end") != std::string::npos;
  });
  REQUIRE(late != violations.end());
  CHECK_THAT(late->detail, Catch::Contains("S0100021 on DP01: the copy attempt from 00:00:00.100 "
                                           "failed when the file system refused the manager's "
                                           "write of") &&
                               Catch::Contains("but its 2328 and retry came at 01:09:54.404"));
}

TEST_CASE("the fault-injection switches are off by default and no sim/ or tools/ source names them",
          "[invariants][faults][tidy]") {
  const model::ManagerFaultInjection now = model::manager_fault_injection();
  CHECK_FALSE(now.leak_source_handle);
  CHECK_FALSE(now.partial_dp_copy);
  CHECK_FALSE(now.miscount_retries);
  CHECK_FALSE(now.save_version_before_compression);
  CHECK_FALSE(now.updates_always_reset_retries);
  CHECK_FALSE(now.overdue_retries_run_at_restart);
  CHECK_FALSE(now.omits_retry_messages);
  CHECK_FALSE(now.reports_access_denied);
  CHECK_FALSE(now.hides_failed_copies);
  CHECK_FALSE(now.ignores_dp_retry_decided);
  namespace fs = std::filesystem;
  for (const char* directory : {"sim", "tools"}) {
    for (const auto& entry :
         fs::recursive_directory_iterator(fs::path(DISTSIM_SOURCE_DIR) / directory)) {
      const auto extension = entry.path().extension();
      if (!entry.is_regular_file() || (extension != ".h" && extension != ".cpp")) continue;
      std::ifstream stream(entry.path());
      std::stringstream text;
      text << stream.rdbuf();
      INFO(entry.path().string());
      CHECK(text.str().find("manager_fault_injection") == std::string::npos);
      CHECK(text.str().find("ManagerFaultInjection") == std::string::npos);
    }
  }
}

}  // namespace
}  // namespace distsim::sim
