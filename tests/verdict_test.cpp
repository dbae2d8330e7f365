// The verdict of a run: how its expectations are counted, the invariant checkers' findings
// counted as the one expectation `no_invariant_violations` however many they list.
#include "sim/check/verdict.h"

#include <catch2/catch.hpp>

#include "history_builder.h"

namespace distsim::testing {
namespace {

TEST_CASE("a verdict counts no_invariant_violations once however many violations it lists",
          "[verdict]") {
  // Goal: a failing run says "1 of 1 failed" where a passing one says "1 held", and still lists
  // each violation. Method: a pass that ends with two of the manager's handles open, against a
  // run with nothing in it.
  const sim::Scenario scenario;  // expects only what every scenario does: no invariant violation
  HistoryBuilder leaky;
  leaky.notify(0, "create", "S0100001", "C:\\Src");
  leaky.pass_start(0, "S0100001", 1);
  leaky.open(kSecond, "distmgr", "C:\\Src\\a.cab", 1);
  leaky.open(kSecond, "distmgr", "C:\\Src\\b.cab", 2);
  leaky.pass_end(2 * kSecond, "S0100001", 1, "success");
  leaky.run.open_handles.push_back({"distmgr", 1, "C:\\Src\\a.cab"});
  leaky.run.open_handles.push_back({"distmgr", 2, "C:\\Src\\b.cab"});
  const sim::RunVerdict failing = sim::judge_run(scenario, leaky.run);
  CHECK(failing.expectations.size() >= 2);
  for (const sim::ExpectationResult& result : failing.expectations) {
    CHECK(result.invariants);
    CHECK_FALSE(result.ok);
  }
  CHECK(failing.expectation_count == 1);
  CHECK(failing.failed_count == 1);
  CHECK_FALSE(failing.passed());
  const sim::RunVerdict passing = sim::judge_run(scenario, HistoryBuilder().run);
  REQUIRE(passing.expectations.size() == 1);
  CHECK(passing.expectations[0].what == "invariants");
  CHECK(passing.expectations[0].ok);
  CHECK(passing.expectation_count == 1);
  CHECK(passing.failed_count == 0);
}

TEST_CASE("a verdict holds named invariant violations to account both ways", "[verdict]") {
  // Goal: `invariant_violations` passes only when each named invariant reports and no other one
  // does, still as one expectation. Method: a pass that leaks a handle and raises no status
  // message (handles_closed, pass_messages and liveness report it) against a clean run; then
  // with one of the three left unnamed.
  HistoryBuilder leaky;
  leaky.notify(0, "create", "S0100001", "C:\\Src");
  leaky.pass_start(0, "S0100001", 1);
  leaky.open(kSecond, "distmgr", "C:\\Src\\a.cab", 1);
  leaky.pass_end(2 * kSecond, "S0100001", 1, "success");
  leaky.run.open_handles.push_back({"distmgr", 1, "C:\\Src\\a.cab"});
  sim::Scenario expects_all;
  expects_all.expect.invariant_violations = {"handles_closed", "liveness", "pass_messages"};
  const sim::RunVerdict caught = sim::judge_run(expects_all, leaky.run);
  CHECK(caught.passed());
  CHECK(caught.expectation_count == 1);
  REQUIRE(caught.expectations.size() == 4);
  CHECK(caught.expectations[0].what == "invariants");
  CHECK(caught.expectations[0].expected == "no other violation");
  CHECK(caught.expectations[1].what == "invariant handles_closed");
  for (const sim::ExpectationResult& result : caught.expectations) CHECK(result.ok);
  const sim::RunVerdict missed = sim::judge_run(expects_all, HistoryBuilder().run);
  CHECK_FALSE(missed.passed());
  CHECK(missed.failed_count == 1);
  REQUIRE(missed.expectations.size() == 4);
  CHECK(missed.expectations[0].ok);
  for (size_t named = 1; named < 4; ++named) {
    CHECK_FALSE(missed.expectations[named].ok);
    CHECK(missed.expectations[named].actual == "no violation");
  }
  sim::Scenario expects_two = expects_all;
  expects_two.expect.invariant_violations = {"handles_closed", "pass_messages"};
  const sim::RunVerdict unnamed = sim::judge_run(expects_two, leaky.run);
  CHECK_FALSE(unnamed.passed());
  REQUIRE_FALSE(unnamed.expectations.empty());
  CHECK(unnamed.expectations[0].what == "invariant liveness");
  CHECK_FALSE(unnamed.expectations[0].ok);
}

}  // namespace
}  // namespace distsim::testing
