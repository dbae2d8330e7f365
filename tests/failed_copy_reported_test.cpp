// A pass that ends with 2301 hid no failed DP copy (the failed_copy_reported invariant,
// sim/check/invariant_failure_errors.cpp), judged from the VFS's refusals and the world's
// notifications; and a copy that failed before an update or refresh of its DP came in is
// superseded, as the model reports (DpCopySupersededReport) and the run summary shows.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "model/manager_fault_injection.h"
#include "sim/check/evidence.h"
#include "sim/check/invariants.h"
#include "sim/world/world.h"
#include "tests/cli_runner.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using loader_test::load_valid;

// An sms2 site copying S0100020 (a 10 MB file) to DP01, whose disk is full from the start, and
// to DP02 over a slow link (about 14 minutes), then `rest` (more package events).
Scenario full_dp_world(const std::string& rest) {
  return load_valid(
      "version: 1\nname: t\nuntil: 1h\nsite:\n  profile: sms2\nfilesystem:\n"
      "  - file: 'D:\\Src\\App\\setup.exe'\n    size: 10MB\n"
      "distribution_points:\n  - name: DP01\n  - name: DP02\n    bandwidth: 100Kbps\n"
      "faults:\n  - dp_disk_full: DP01\n    at: 0s\n"
      "packages:\n  - id: S0100020\n    name: App\n    source: 'D:\\Src\\App'\n" +
      rest);
}

std::vector<InvariantViolation> named(const std::vector<InvariantViolation>& violations,
                                      std::string_view invariant) {
  std::vector<InvariantViolation> kept;
  std::copy_if(violations.begin(), violations.end(), std::back_inserter(kept),
               [&](const InvariantViolation& each) { return each.invariant == invariant; });
  return kept;
}

std::vector<InvariantViolation> violations_hiding_failures(const Scenario& scenario) {
  model::ManagerFaultInjection faults;
  faults.hides_failed_copies = true;
  const model::ScopedManagerFaultInjection injected(faults);
  return check_invariants(run_world(scenario, RunOptions{}));
}

TEST_CASE(
    "a manager that ends a pass with 2301 after a DP copy failed is caught by "
    "failed_copy_reported",
    "[invariants][faults]") {
  const Scenario world = full_dp_world("");
  CHECK(check_invariants(run_world(world, RunOptions{})).empty());
  const auto caught = named(violations_hiding_failures(world), "failed_copy_reported");
  REQUIRE(caught.size() == 1);
  CHECK_THAT(caught[0].detail,
             Catch::Contains("S0100020: the attempt from 00:00:00 ended with 2301, but the file "
                             "system refused the manager's write of "
                             "\\\\DP01\\SMSPKGC$\\S0100020\\setup.exe with 112"));
  CHECK_THAT(caught[0].detail, Catch::Contains("which failed its copy to DP01"));
}

TEST_CASE("failed_copy_reported catches a hidden failure to open the compressed copy for a DP",
          "[invariants][faults]") {
  // Each pass's second copy finds the .PCK held unshared by the first copy (32), a refusal on the
  // package store, not on a DP folder; the record does not say which DP's copy it failed.
  const Scenario world = load_valid(testing::read_text_file(
      std::string(DISTSIM_SOURCE_DIR) + "/scenarios/pck-read-sharing-nothing-never-installs.yaml"));
  const auto caught = named(violations_hiding_failures(world), "failed_copy_reported");
  REQUIRE_FALSE(caught.empty());
  CHECK_THAT(caught[0].detail, Catch::Contains("ended with 2301, but the file system refused the "
                                               "manager's open of C:\\SMSPKG\\S0100001.PCK "
                                               "with 32") &&
                                   Catch::Contains("which failed a copy to a DP"));
}

TEST_CASE(
    "an update after a DP copy failed supersedes the failure: the pass ends with 2301 and "
    "the copy says why",
    "[invariants][dp_copies]") {
  const RunResult run =
      run_world(full_dp_world("  - update: S0100020\n    at: 10m\n"), RunOptions{});
  CHECK(check_invariants(run).empty());
  REQUIRE(run.passes.size() == 2);
  const PassRecord& first = run.passes[0];
  CHECK(first.result == model::PassResult::success);
  REQUIRE(first.dp_copies.size() == 2);
  CHECK(first.dp_copies[0].dp == "DP01");
  CHECK(first.dp_copies[0].error == model::Win32Error::disk_full);
  CHECK(first.dp_copies[0].superseded);
  CHECK(first.dp_copies[1].superseded);  // under way at the update
  const std::vector<std::string> lines = dp_copy_lines(first);
  REQUIRE(!lines.empty());
  CHECK_THAT(lines[0], Catch::Contains("error 112") &&
                           Catch::Contains("(an update or refresh came in before the work ended: "
                                           "the DP is copied again in the new cycle)"));
  // The next pass copies DP01 again, fails again, and says so.
  CHECK(run.passes[1].result == model::PassResult::retry);
  CHECK_FALSE(run.passes[1].dp_copies[0].superseded);
}

TEST_CASE(
    "failed_copy_reported accepts a hidden failure only where a refresh naming that DP "
    "came in after it",
    "[invariants][faults]") {
  // Refreshes of DP02 alone or of DP01 alone at 10m: each supersedes DP02's copy under way, and
  // only the second excuses DP01's failure at 0s, whatever the injected manager does with it.
  const auto refresh_of = [](const char* dp) {
    return full_dp_world(
        std::string("  - refresh: S0100020\n    at: 10m\n    distribution_points: [") + dp + "]\n");
  };
  // The refresh's own pass copies DP01 again and hides that failure too: only the first pass's
  // verdict tells the two apart.
  const auto first_pass_caught = [&](const char* dp) {
    const auto caught = named(violations_hiding_failures(refresh_of(dp)), "failed_copy_reported");
    return std::count_if(caught.begin(), caught.end(), [](const InvariantViolation& each) {
      return each.detail.find("the attempt from 00:00:00 ") != std::string::npos;
    });
  };
  CHECK(first_pass_caught("DP02") == 1);
  CHECK(first_pass_caught("DP01") == 0);
}

}  // namespace
}  // namespace distsim::sim
