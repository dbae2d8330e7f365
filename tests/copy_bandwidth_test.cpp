// Copies to DPs take the time the links allow, shared equally among the copies under way (the
// copy_bandwidth invariant, sim/check/invariant_copy_bandwidth.cpp): recomputed from the trace, it
// agrees with the manager's own links to the microsecond, and it catches a manager whose copies
// run faster than their share or keep a share that should have grown.
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/manager_fault_injection.h"
#include "sim/check/invariants.h"
#include "sim/world/world.h"
#include "tests/manager_trace_times.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using loader_test::load_valid;

// Two packages copied to one DP of 8 Mbps (1,000,000 bytes a second): S0100001's 2 MB file and
// S0100002's 6 MB one, first as they are created (their reads end at different times), then both
// again from the same instant, when a refresh of each comes at 10m (no source is read again):
// each at half the link until the first ends, then the second alone. `site` is extra site keys.
Scenario shared_link_world(const std::string& site) {
  return load_valid("version: 1\nname: t\nuntil: 1h\nsite:\n  profile: sms2\n  max_packages: 2\n" +
                    site +
                    "filesystem:\n"
                    "  - {file: 'D:\\Src\\A\\a.cab', size: 2000000B}\n"
                    "  - {file: 'D:\\Src\\B\\b.cab', size: 6000000B}\n"
                    "distribution_points:\n  - {name: DP01, bandwidth: 8Mbps}\n"
                    "packages:\n  - {id: S0100001, source: 'D:\\Src\\A'}\n"
                    "  - {id: S0100002, source: 'D:\\Src\\B'}\n"
                    "  - {refresh: S0100001, at: 10m}\n  - {refresh: S0100002, at: 10m}\n");
}

std::vector<InvariantViolation> bandwidth_violations(const Scenario& scenario,
                                                     model::ManagerFaultInjection faults) {
  const model::ScopedManagerFaultInjection injected(faults);
  std::vector<InvariantViolation> found = check_invariants(run_world(scenario, RunOptions{}));
  std::erase_if(found,
                [](const InvariantViolation& each) { return each.invariant != "copy_bandwidth"; });
  return found;
}

TEST_CASE("two copies sharing a DP's link finish when their equal shares allow",
          "[invariants][bandwidth]") {
  // Goal: the rule the checker recomputes, by hand, on the copies the refreshes start together:
  // 2 MB at 500,000 bytes a second take 4 s; by then the 6 MB copy has sent 2 MB, and its last
  // 4 MB take 4 s more at the whole link.
  const Scenario world = shared_link_world("");
  const RunResult run = run_world(world, RunOptions{});
  const TimeUs a = write_time(run, "\\a.cab");
  const TimeUs b = write_time(run, "\\b.cab");
  CHECK(a == 10 * model::kMicrosecondsPerMinute + 4 * model::kMicrosecondsPerSecond);
  CHECK(b - a == 4 * model::kMicrosecondsPerSecond);
  CHECK(check_invariants(run).empty());
  // The site's outgoing limit of 4 Mbps (500,000 bytes a second) is the smaller share: half of
  // it each while both copy, then all of it.
  const RunResult limited = run_world(shared_link_world("  outgoing_bandwidth: 4Mbps\n"), {});
  CHECK(write_time(limited, "\\b.cab") - write_time(limited, "\\a.cab") ==
        8 * model::kMicrosecondsPerSecond);
  CHECK(check_invariants(limited).empty());
}

TEST_CASE("a manager whose copies ignore the DP's sharing is caught by copy_bandwidth",
          "[invariants][bandwidth][faults]") {
  model::ManagerFaultInjection faults;
  faults.copies_take_whole_link = true;
  const auto caught = bandwidth_violations(shared_link_world(""), faults);
  REQUIRE(!caught.empty());
  CHECK_THAT(caught[0].detail,
             Catch::Contains("the copy of \\\\DP01\\SMSPKGC$\\S0100001\\a.cab (2000000 bytes, "
                             "begun at 00:00:00"));
  CHECK_THAT(caught[0].detail, Catch::Contains("before its last byte could arrive"));
  CHECK_THAT(caught[0].detail, Catch::Contains("DP01's 1000000 bytes a second shared equally"));
}

TEST_CASE("a manager whose copies keep a share that should have grown is caught by copy_bandwidth",
          "[invariants][bandwidth][faults]") {
  model::ManagerFaultInjection faults;
  faults.shares_never_grow = true;
  const auto caught = bandwidth_violations(shared_link_world(""), faults);
  REQUIRE(caught.size() == 2);  // the copies the creations start, and those the refreshes do
  CHECK_THAT(caught.back().detail,
             Catch::Contains("the copy of \\\\DP01\\SMSPKGC$\\S0100002\\b.cab"));
  // The refreshed copy's last 4 MB at half the link instead of all of it: 4 s late.
  CHECK_THAT(caught.back().detail, Catch::Contains("4000000 us after its last byte arrived"));
}

}  // namespace
}  // namespace distsim::sim
