// The violations the KB story's tests in invariants_test.cpp leave out, each planted alone in the
// story (or next to it) and caught with its checker's name, time and words: handles held outside
// any pass, pass messages out of place, package states against their DPs, an INSTALLED DP with no
// read of its source, a retry lost while the manager was down, and expectations that fail.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "kb_story.h"
#include "sim/check/evidence.h"
#include "sim/check/expectations.h"
#include "sim/world/world.h"
#include "tests/scenario_loader_fixture.h"
#include "world_fixture.h"

namespace distsim::testing {
namespace {

TEST_CASE("handles_closed catches a manager handle held once no pass runs", "[invariants]") {
  // The handle is on no file of the package, so the pass's own end does not claim it.
  Story story;
  story.stray_handle = true;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "handles_closed");
  CHECK(violation.t_us == kRetryAt + 4 * kSecond);
  CHECK(violation.detail ==
        "no pass is running at 01:00:05 but distmgr still holds handle 9 on C:\\Other\\x.tmp");
}

TEST_CASE("handles_closed catches a manager handle opened outside any pass and left open",
          "[invariants]") {
  sim::RunResult run = story_run({});
  run.trace.add(10 * kHour, "distmgr", "open",
                {{"path", std::string("C:\\Other\\x.tmp")}, {"handle", int64_t{9}}});
  run.open_handles.push_back({"distmgr", 9, "C:\\Other\\x.tmp"});
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "handles_closed");
  CHECK(violation.t_us == run.until_us);
  CHECK(violation.detail ==
        "distmgr holds handle 9 on C:\\Other\\x.tmp at the end of the run, outside any running "
        "pass");
}

TEST_CASE("handles_closed catches a handle the trace shows open that the VFS table lacks",
          "[invariants]") {
  sim::RunResult run = story_run({});
  run.trace.add(10 * kHour, "setup-program", "open",
                {{"path", std::string("C:\\Src\\~busy.tmp")}, {"handle", int64_t{9}}});
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "handles_closed");
  CHECK(violation.t_us == run.until_us);
  CHECK(violation.detail ==
        "the trace shows setup-program's handle 9 on C:\\Src\\~busy.tmp still open, but the VFS "
        "handle table has no such handle at the end");
}

TEST_CASE("pass_messages catches a 2301 raised outside a pass", "[invariants]") {
  Story story;
  story.until_us = kRetryAt + kMinute;  // before liveness could judge anything
  HistoryBuilder late;
  late.run = story_run(story);
  late.status(kRetryAt + 30 * kSecond, 2301, kPackage, {"Office", kPackage});
  const InvariantViolation violation = only_violation(late.run);
  CHECK(violation.invariant == "pass_messages");
  CHECK(violation.t_us == kRetryAt + 30 * kSecond);
  CHECK(violation.detail == "S0100001: 2301 raised outside a pass");
}

TEST_CASE("pass_messages catches a pass that raises 2300 twice", "[invariants]") {
  Story story;
  story.second_2300 = true;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "pass_messages");
  CHECK(violation.t_us == kRetryAt);
  CHECK(violation.detail == "the pass of S0100001 that began at 01:00:01 raised 2 2300 messages");
}

// The KB story (sms2, per package) followed at 01:00:31 by a second's span the manager marks as DP
// retries, with a 2300 inside it when `raise_2300`.
sim::RunResult story_with_dp_retries(bool per_dp_site, bool raise_2300) {
  Story story;
  story.until_us = kRetryAt + kMinute;
  HistoryBuilder late;
  late.run = story_run(story);
  if (per_dp_site) late.run.site.retry_unit = model::RetryUnit::distribution_point;
  const TimeUs t_us = kRetryAt + 30 * kSecond;
  late.add_record(t_us, "distmgr", "pass_start",
                  {{"package", kPackage}, {"attempt", int64_t{3}}, {"dp_retries", true}});
  if (raise_2300) late.status(t_us, 2300, kPackage, {"Office", kPackage});
  late.add_record(t_us + kSecond, "distmgr", "pass_end",
                  {{"package", kPackage},
                   {"attempt", int64_t{3}},
                   {"result", std::string("success")},
                   {"win32", int64_t{0}}});
  return std::move(late.run);
}

TEST_CASE("pass_messages catches DP retries that raise pass messages", "[invariants]") {
  // DP retries run on DP threads without a processing pass, so without 2300/2301/2302. They
  // appear where the site retries DPs on their own.
  CHECK(sim::check_invariants(story_with_dp_retries(true, false)).empty());
  const InvariantViolation violation = only_violation(story_with_dp_retries(true, true));
  CHECK(violation.invariant == "pass_messages");
  CHECK(violation.t_us == kRetryAt + 30 * kSecond);
  CHECK(violation.detail ==
        "the DP retries of S0100001 that began at 01:00:31 raised 1 pass messages");
}

TEST_CASE("pass_messages catches DP retries on a site that retries whole packages",
          "[invariants]") {
  // The KB story's site is sms2, which retries packages: a span marked as DP retries there would
  // escape the pass rules on the manager's say alone.
  const InvariantViolation violation = only_violation(story_with_dp_retries(false, false));
  CHECK(violation.invariant == "pass_messages");
  CHECK(violation.t_us == kRetryAt + 30 * kSecond);
  CHECK(violation.detail ==
        "the pass of S0100001 that began at 01:00:31 is marked as DP retries, but the site "
        "retries whole packages (retry_unit package)");
}

TEST_CASE("installed_has_time catches an installation time before the DP was installed",
          "[invariants]") {
  // The manager's own time of installation is held to the trace's DP states.
  sim::RunResult run = story_run({});
  run.packages[0].installed_at_us = kRetryAt + 2 * kSecond;
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "installed_has_time");
  CHECK(violation.t_us == kRetryAt + 2 * kSecond);
  CHECK(violation.detail ==
        "S0100001 is installed since 01:00:03, before the trace reports DP01 INSTALLED at "
        "01:00:05");
}

TEST_CASE("installed_has_time catches an installation time after the last DP was installed",
          "[invariants]") {
  // The other side: a package is installed when its last DP becomes INSTALLED, not later.
  sim::RunResult run = story_run({});
  run.packages[0].installed_at_us = kRetryAt + 9 * kSecond;
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "installed_has_time");
  CHECK(violation.t_us == kRetryAt + 9 * kSecond);
  CHECK(violation.detail ==
        "S0100001 is installed since 01:00:10, but the trace reports its last DP INSTALLED at "
        "01:00:05");
}

TEST_CASE("package_state catches a package installed while a DP is not", "[invariants]") {
  sim::RunResult run = story_run({});
  model::DpStatus pending;
  pending.dp_name = "DP02";
  pending.state = model::DpState::install_pending;
  run.packages[0].distribution_points.push_back(pending);
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "package_state");
  CHECK(violation.t_us == kRetryAt + 4 * kSecond);
  CHECK(violation.detail == "S0100001 is installed: installed while not every DP is INSTALLED");
}

TEST_CASE("package_state catches a package that is not retrying while a DP is", "[invariants]") {
  // The manager gave up, yet its DP is still INSTALL_RETRYING (as the trace says last).
  Story story;
  story.give_up = true;
  story.policy.retry_count_max = 0;
  HistoryBuilder history;
  history.run = story_run(story);
  history.dp_state(2 * kSecond, kPackage, "DP01", "INSTALL_RETRYING");
  history.run.packages[0].distribution_points[0].state = model::DpState::install_retrying;
  const InvariantViolation violation = only_violation(history.run);
  CHECK(violation.invariant == "package_state");
  CHECK(violation.detail == "S0100001 is failed: not retrying although a DP is INSTALL_RETRYING");
}

TEST_CASE("dp_content catches a DP installed with no complete read of the source", "[invariants]") {
  // Pass 2 reads both files without listing the source: the trace cannot tell that it read all.
  Story story;
  story.second_lists_source = false;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "dp_content");
  CHECK(violation.t_us == kRetryAt + 4 * kSecond);
  CHECK(violation.detail ==
        "S0100001 is INSTALLED on DP01 but the trace shows no complete read of its source before "
        "01:00:05");
}

TEST_CASE("retry_wait catches a retry due while the manager was down that the restart forgot",
          "[invariants]") {
  // The retry falls due at 01:00:01; the manager is down from 00:30:00 to 02:00:00 and runs no
  // pass when it comes back, although nothing else keeps it busy.
  Story story;
  HistoryBuilder history;
  history.run.until_us = 2 * kHour + 30 * kMinute;
  first_pass(history, story);
  history.world(30 * kMinute, "crash");
  history.world(2 * kHour, "restart");
  model::PackageStatus status;
  status.id = kPackage;
  status.state = model::PackageState::retrying;
  status.distribution_points.push_back({});
  status.distribution_points[0].dp_name = "DP01";
  status.distribution_points[0].state = model::DpState::install_retrying;
  history.run.packages.push_back(status);
  history.run.final_files = {{kFileA, {1000, 1}}, {kFileB, {2000, 2}}};
  const InvariantViolation violation = only_violation(history.run);
  CHECK(violation.invariant == "retry_wait");
  CHECK(violation.t_us == 2 * kHour);
  CHECK(violation.detail ==
        "S0100001: retry 1 fell due at 01:00:01 while the manager was down; with the manager free "
        "it should have begun at 02:00:00, the restart");
}

// The KB world's run, judged against `expect` alone.
std::vector<sim::ExpectationResult> failed_expectations(const sim::Expectations& expect) {
  sim::Scenario scenario = kb_world(lock_for(95 * model::kMicrosecondsPerMinute));
  scenario.expect = expect;
  scenario.expect.no_invariant_violations = false;
  const sim::RunResult run = sim::run_world(scenario, sim::RunOptions{});
  std::vector<sim::ExpectationResult> failed;
  for (const auto& result : sim::evaluate_expectations(scenario, run)) {
    if (!result.ok) failed.push_back(result);
  }
  return failed;
}

TEST_CASE("an expectation about a package that never arrived fails and says so", "[expect]") {
  sim::Expectations expect;
  expect.packages.push_back({});
  expect.packages[0].package_id = "S0199999";
  expect.packages[0].state = model::PackageState::installed;
  const auto failed = failed_expectations(expect);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].what == "package S0199999");
  CHECK(failed[0].expected == "the package to exist");
  CHECK(failed[0].actual == "it never arrived before the end of the run");
}

TEST_CASE("results come in the order the scenario writes its expectations", "[expect]") {
  // Goal: a reader finds each result where the file has it. Method: the sections in an order
  // unlike the evaluation's (log, component status, packages, status messages).
  const sim::Scenario scenario = sim::loader_test::load_valid(
      "version: 1\nname: t\nuntil: 1h\ndistribution_points:\n  - name: DP01\n"
      "filesystem:\n  - file: 'D:\\Src\\a.exe'\n    size: 1MB\n"
      "packages:\n  - id: S0100001\n    source: 'D:\\Src'\n"
      "expect:\n  log:\n    contains: ['S0100001']\n  component_status: ok\n"
      "  packages:\n    S0100001:\n      state: installed\n      attempts: 1\n"
      "  status_messages:\n    - id: 2301\n      count: 1\n");
  const sim::RunResult run = sim::run_world(scenario, sim::RunOptions{});
  std::vector<std::string> order;
  for (const sim::ExpectationResult& result : sim::evaluate_expectations(scenario, run)) {
    order.push_back(result.what);
  }
  CHECK(order == std::vector<std::string>{"log contains 'S0100001'", "component status",
                                          "S0100001 state", "S0100001 attempts",
                                          "status message 2301 count", "invariants"});
}

TEST_CASE("a long log pattern is named by its start and length", "[expect]") {
  // 99 'x' and a two-byte character across the cut at 100: the cut keeps the character whole.
  const std::string pattern = std::string(99, 'x') + "\xc3\xa9" + std::string(300, 'y');
  sim::Expectations expect;
  expect.log_contains.push_back({pattern, {}});
  const auto failed = failed_expectations(expect);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].what == "log contains '" + std::string(99, 'x') + "...' (401 bytes)");
}

TEST_CASE("a status sequence expectation fails at the first message out of order", "[expect]") {
  // The file is held for 95 minutes: two passes fail (2300, 2302) before the third installs.
  sim::Expectations expect;
  expect.status_sequences.push_back({{2300, 2301}, std::string("S0100001"), {}});
  const auto failed = failed_expectations(expect);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].what == "status message sequence for S0100001");
  CHECK(failed[0].expected == "[2300, 2301]");
  CHECK(failed[0].actual == "[2300, 2300, 2300, 2301]");
  REQUIRE(failed[0].t_us.has_value());
  CHECK(*failed[0].t_us > 0);
}

TEST_CASE("a long status sequence is shown cut short, saying where it departs from the expected",
          "[expect]") {
  // A one-millisecond retry raises a hundred thousand messages: the result shows the first 40
  // and says in words where the run went another way.
  sim::Scenario scenario = kb_world(lock_for(95 * model::kMicrosecondsPerMinute));
  scenario.expect = {};
  scenario.expect.no_invariant_violations = false;
  scenario.expect.status_sequences.push_back({{2300, 2302, 2300, 2301}, std::string(kPackage), {}});
  sim::RunResult run = sim::run_world(scenario, sim::RunOptions{});
  run.status_messages.clear();
  for (uint32_t index = 0; index < 500; ++index) {
    model::StatusMessage& message = run.status_messages.emplace_back();
    message.id = index % 2 == 0 ? 2300 : 2302;
    message.package_id = kPackage;
    message.t_us = index;
  }
  const auto results = sim::evaluate_expectations(scenario, run);
  REQUIRE(results.size() == 1);
  CHECK_FALSE(results[0].ok);
  std::string shown;
  for (uint32_t index = 0; index < 40; ++index) shown += index % 2 == 0 ? "2300, " : "2302, ";
  CHECK(results[0].actual ==
        "[" + shown + "... 460 more]; message 4 is 2302 where 2301 was expected");
  CHECK(results[0].expected == "[2300, 2302, 2300, 2301]");

  // The expected messages all came, then more; and a run that stopped short of them.
  scenario.expect.status_sequences[0].ids = {2300, 2302, 2300, 2302};
  CHECK_THAT(sim::evaluate_expectations(scenario, run)[0].actual,
             Catch::EndsWith("... 460 more]; 4 messages came first as expected, then 496 more"));
  scenario.expect.status_sequences[0].ids.assign(600, 2300);
  for (size_t index = 1; index < 600; index += 2)
    scenario.expect.status_sequences[0].ids[index] = 2302;
  const sim::ExpectationResult short_run = sim::evaluate_expectations(scenario, run)[0];
  CHECK_THAT(short_run.actual, Catch::EndsWith("; it ends after 500 of the expected 600"));
  CHECK_THAT(short_run.expected, Catch::EndsWith(", ... 560 more]"));
}

TEST_CASE("a failed sequence's evidence lists its IDs from just before the first out of order",
          "[expect]") {
  sim::Scenario scenario = kb_world(lock_for(95 * model::kMicrosecondsPerMinute));
  scenario.expect = {};
  scenario.expect.no_invariant_violations = false;
  // 2300, 2302 alternating 15 times, then 2301: the run's 31st message is 2300 instead.
  std::vector<uint32_t> ids;
  for (int index = 0; index < 30; ++index) ids.push_back(index % 2 == 0 ? 2300 : 2302);
  ids.push_back(2301);
  scenario.expect.status_sequences.push_back({ids, std::string(kPackage), {}});
  sim::RunResult run = sim::run_world(scenario, sim::RunOptions{});
  run.status_messages.clear();
  for (uint32_t index = 0; index < 100; ++index) {
    // A 2330 between each pair: not an ID of the sequence, so neither compared nor listed.
    for (const uint32_t id : {index % 2 == 0 ? 2300u : 2302u, 2330u}) {
      model::StatusMessage& message = run.status_messages.emplace_back();
      message.id = id;
      message.package_id = kPackage;
      message.t_us = (2 * index + (id == 2330 ? 1 : 0)) * model::kMicrosecondsPerSecond;
    }
  }
  const auto results = sim::evaluate_expectations(scenario, run);
  REQUIRE(results.size() == 1);
  REQUIRE_FALSE(results[0].ok);
  const sim::ExpectationEvidence evidence = sim::expectation_evidence(run, results[0]);
  REQUIRE(evidence.lines.size() == 21);
  CHECK(evidence.lines[0] == "messages with the sequence's IDs (100, 20 listed from number 26):");
  CHECK_THAT(evidence.lines[1], Catch::StartsWith("  00:00:50 2302 I S0100001"));
  for (const std::string& line : evidence.lines) CHECK(line.find(" 2330 ") == std::string::npos);
}

TEST_CASE("an expectation about a DP the package does not target fails and says so", "[expect]") {
  sim::Expectations expect;
  expect.packages.push_back({});
  expect.packages[0].package_id = "S0100001";
  expect.packages[0].distribution_points.push_back({});
  expect.packages[0].distribution_points[0].dp_name = "DP09";
  expect.packages[0].distribution_points[0].state = model::DpState::installed;
  const auto failed = failed_expectations(expect);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].what == "S0100001 on DP09");
  CHECK(failed[0].actual == "not a target of this package");
}

}  // namespace
}  // namespace distsim::testing
