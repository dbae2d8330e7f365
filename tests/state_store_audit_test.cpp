// The audit of the manager's partial saves (DISTSIM_AUDITS, on in the test presets): after a copy
// the manager saves only the DPs that changed, and the audit compares that with a save of the
// whole package. Built only where the audit is compiled in; a build without it has no such test.
#include <catch2/catch.hpp>

#include "model/assert.h"
#include "model/manager_fault_injection.h"
#include "sim/world/world.h"
#include "world_fixture.h"

#if defined(DISTSIM_AUDITS)

namespace distsim::sim {
namespace {

// The KB world without its lock, on eight DPs: more than the five a package copies to at once, so
// three copies start in the step where another one finished, which saves only the DPs it touched.
Scenario eight_dp_world() {
  Scenario world = testing::kb_world(testing::lock_for(0));
  for (const char* name : {"DP02", "DP03", "DP04", "DP05", "DP06", "DP07", "DP08"}) {
    DistributionPointSpec dp;
    dp.name = name;
    world.distribution_points.push_back(dp);
  }
  return world;
}

TEST_CASE("partial saves of a package equal whole saves in every step of an eight-DP world",
          "[state_store][audit]") {
  // Goal: with the audit compiled in, a world whose copies start and end step by step runs to the
  // end, so every partial save it made equalled a whole one.
  const RunResult result = run_world(eight_dp_world(), RunOptions{});
  REQUIRE(result.packages.size() == 1);
  CHECK(result.packages.front().state == model::PackageState::installed);
  CHECK(result.packages.front().distribution_points.size() == 8);
}

TEST_CASE("a DP copy start the manager forgets to save fails the state store audit",
          "[state_store][audit][faults]") {
  model::ManagerFaultInjection faults;
  faults.unsaved_dp_start = true;
  const model::ScopedManagerFaultInjection injected(faults);
  // The audit's own check, not another one the fault trips.
  CHECK_THROWS_WITH(run_world(eight_dp_world(), RunOptions{}),
                    Catch::Contains("stored_scratch_ == *saved"));
}

}  // namespace
}  // namespace distsim::sim

#endif
