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

}  // namespace
}  // namespace distsim::testing
