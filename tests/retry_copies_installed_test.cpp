// `site.retry_copies_installed`: the two readings of KB Q319207's "the whole package-update process
// is retried". By default an sms2 retry pass copies only the DPs still missing the package; with
// the key, it copies every DP again, and a client holding a file on a DP installed earlier then
// refuses the retry.
#include <catch2/catch.hpp>
#include <string>

#include "sim/check/invariants.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/world/world.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using namespace loader_test;

Scenario retry_scenario(bool copies_installed) {
  const std::string name = "q319207-retry-copies-installed-dps.yaml";
  return copies_installed ? repository_scenario(name)
                          : repository_scenario(name, "  retry_copies_installed: true\n", "");
}

uint32_t copy_attempts(const RunResult& run, const std::string& dp) {
  for (const model::DpStatus& status : run.packages.at(0).distribution_points) {
    if (status.dp_name == dp) return status.attempt_count;
  }
  FAIL("no DP " << dp);
  return 0;
}

TEST_CASE("an sms2 retry copies only the DPs still missing the package unless told otherwise",
          "[retry_copies_installed]") {
  // Goal: the key decides whether an installed DP is copied again. Method: the repository's
  // scenario both ways: DP01, installed by the first pass, gets one copy by default and is held
  // by its client on every retry with the key, which installs an hour later.
  const RunResult only_missing = run_world(retry_scenario(false), {});
  CHECK(only_missing.packages.at(0).state == model::PackageState::installed);
  CHECK(only_missing.packages.at(0).attempt_count == 3);
  CHECK(copy_attempts(only_missing, "DP01") == 1);
  CHECK(check_invariants(only_missing).empty());
  const RunResult all = run_world(retry_scenario(true), {});
  CHECK(all.packages.at(0).state == model::PackageState::installed);
  CHECK(all.packages.at(0).attempt_count == 4);
  CHECK(copy_attempts(all, "DP01") == 4);
  CHECK(check_invariants(all).empty());
}

TEST_CASE("retry_copies_installed loads, writes back and changes nothing under per-DP retries",
          "[retry_copies_installed][scenario_loader]") {
  const Scenario set = load_valid("version: 1\nname: t\nsite:\n  retry_copies_installed: true\n");
  REQUIRE(set.site.retry_copies_installed.has_value());
  CHECK(*set.site.retry_copies_installed);
  const Scenario again = load_valid(write_scenario_yaml(set));
  CHECK(again.site.retry_copies_installed == std::optional<bool>(true));
  CHECK_FALSE(load_valid("version: 1\nname: t\n").site.retry_copies_installed.has_value());
  CHECK(errors_after_header("site:\n  retry_copies_installed: yes\n").size() == 1);
  // ConfigMgr retries each DP on its own: a DP installed earlier is never part of a DP retry.
  Scenario per_dp = retry_scenario(true);
  per_dp.site.profile = model::Profile::configmgr2007;
  const RunResult run = run_world(per_dp, {});
  CHECK(copy_attempts(run, "DP01") == 1);
  CHECK(check_invariants(run).empty());
}

}  // namespace
}  // namespace distsim::sim
