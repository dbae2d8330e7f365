// KB Q316316 end to end: a compressed package whose source holds a file with alternate data
// streams fails every compression with Win32 error 998 where the site cannot compress such files
// (sms2 by default), and installs where it can or where nothing is compressed; the liveness
// oracle leaves the blocked package alone and nothing else.
#include <catch2/catch.hpp>
#include <string>

#include "model/manager_fault_injection.h"
#include "sim/check/invariants.h"
#include "sim/check/invariants_internal.h"
#include "sim/check/swarm_explorer.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

// The repository's scenario, with `from` replaced by `to` when given.
Scenario streams_scenario(const std::string& from = "", const std::string& to = "") {
  return loader_test::repository_scenario("q316316-compression-alternate-streams.yaml", from, to);
}

model::PackageStatus status_of(const RunResult& run, const std::string& id) {
  for (const model::PackageStatus& status : run.packages) {
    if (status.id == id) return status;
  }
  FAIL("no package " << id);
  return {};
}

TEST_CASE("an sms2 site fails every compression of a source with alternate streams with 998",
          "[compression][streams]") {
  const RunResult run = run_world(streams_scenario(), {});
  CHECK(status_of(run, "S0100070").state == model::PackageState::retrying);
  CHECK(status_of(run, "S0100070").attempt_count == 5);
  CHECK(status_of(run, "S0100071").state == model::PackageState::installed);
  CHECK(check_invariants(run).empty());
}

TEST_CASE("a site with the hotfix, or a package not compressed, installs despite the streams",
          "[compression][streams]") {
  // Goal: the failure belongs to the compressor, not to the file: the flag off, or no compression,
  // and the first pass installs. Method: the same scenario twice, changed once each way.
  const RunResult fixed = run_world(
      streams_scenario("profile: sms2", "profile: sms2\n  streams_fail_compression: false"), {});
  CHECK(status_of(fixed, "S0100070").state == model::PackageState::installed);
  CHECK(status_of(fixed, "S0100070").attempt_count == 1);
  const RunResult plain =
      run_world(streams_scenario("    source: 'D:\\Src\\Tools'\n    compressed: true",
                                 "    source: 'D:\\Src\\Tools'"),
                {});
  CHECK(status_of(plain, "S0100070").state == model::PackageState::installed);
  CHECK(check_invariants(plain).empty());
}

TEST_CASE("liveness leaves alone only a compressed package whose last source read met a stream",
          "[compression][streams]") {
  // Goal: the exemption is narrow: the package whose compression the stream fails, not the other
  // compressed package of the same run, and not on a site with the hotfix. Method: the history
  // of each run asked for each package.
  const RunResult run = run_world(streams_scenario(), {});
  const invariant_detail::History history = invariant_detail::read_history(run);
  CHECK(history.streams_block_compression("S0100070"));
  CHECK_FALSE(history.streams_block_compression("S0100071"));
  const RunResult fixed = run_world(
      streams_scenario("profile: sms2", "profile: sms2\n  streams_fail_compression: false"), {});
  CHECK_FALSE(invariant_detail::read_history(fixed).streams_block_compression("S0100070"));
}

TEST_CASE("a pass cut short before it meets a stream leaves the decision to the final source",
          "[compression][streams]") {
  // Goal: the end of a run inside a pass neither hides a stream still in the source nor lends an
  // earlier pass's stream to a source that no longer has one. Method: the regression scenario
  // whose run ends while its last pass reads the file with the stream; then the same with that
  // file deleted between the last two passes (the last one reads the other file alone and is cut
  // short while compressing it).
  const std::string name = "regressions/horizon-cuts-the-read-of-the-file-with-a-stream.yaml";
  const RunResult kept = run_world(loader_test::repository_scenario(name), {});
  CHECK(invariant_detail::read_history(kept).streams_block_compression("S0100003"));
  const RunResult deleted =
      run_world(loader_test::repository_scenario(name, "expect:",
                                                 "holders:\n"
                                                 "  - kind: script\n"
                                                 "    name: cleaner\n"
                                                 "    steps:\n"
                                                 "      - at: 3900s\n"
                                                 "        delete: 'D:\\Src\\App\\b.cab'\n"
                                                 "        expect: ok\n"
                                                 "expect:"),
                {});
  REQUIRE(status_of(deleted, "S0100003").state != model::PackageState::installed);
  CHECK_FALSE(invariant_detail::read_history(deleted).streams_block_compression("S0100003"));
}

TEST_CASE("DP retries cut short by a crash do not stand for a read of the source",
          "[compression][streams]") {
  // Goal: a span of DP retries copies the compressed copy and reads no source, so a stream that
  // came into the source later cannot excuse the package. Method: the first pass compresses a
  // stream-free source and fails its DP copy; a file with a stream is then moved into the source;
  // the run ends while the manager, crashed during the DP retries, is down.
  const Scenario scenario = loader_test::load_valid(R"(version: 1
name: stream moved into the source after its compression
until: 41m
site:
  profile: configmgr2012
  streams_fail_compression: true
filesystem:
  - file: 'D:\Src\a.cab'
    size: 300MB
  - file: 'D:\Out\x.cab'
    size: 1MB
    streams: 1
distribution_points:
  - name: DP01
    bandwidth: 1Mbps
packages:
  - id: S0100001
    name: App
    source: 'D:\Src'
    compressed: true
faults:
  - at: 0s
    dp_unreachable: DP01
    for: 20m
  - at: 40m
    crash: distribution_manager
    restart_after: 2m
holders:
  - kind: script
    name: admin
    steps:
      - at: 15m
        rename: 'D:\Out\x.cab'
        to: 'D:\Src\x.cab'
        expect: ok
)");
  const RunResult run = run_world(scenario, {});
  const invariant_detail::History history = invariant_detail::read_history(run);
  REQUIRE(history.passes.size() == 2);
  REQUIRE(history.passes.back().dp_retries);
  CHECK_FALSE(history.streams_block_compression("S0100001"));
}

TEST_CASE("a manager that fails compressions without streams is still caught by both oracles",
          "[compression][streams]") {
  // Goal: the exemption hides only what the streams explain. Method: a planted bug fails every
  // compression; the package without a stream must then be reported by failure_error (each 998
  // with no stream read), by the liveness invariant and by the explorer's oracle, the one with a
  // stream by none.
  model::ManagerFaultInjection faults;
  faults.fail_every_compression = true;
  const model::ScopedManagerFaultInjection planted(faults);
  const Scenario scenario = streams_scenario();
  const RunResult run = run_world(scenario, {});
  const std::vector<InvariantViolation> violations = check_invariants(run);
  INFO("S0100071 " << model::package_state_name(status_of(run, "S0100071").state) << " "
                   << status_of(run, "S0100071").attempt_count);
  REQUIRE(!violations.empty());
  size_t failure_errors = 0;
  size_t liveness = 0;
  for (const InvariantViolation& violation : violations) {
    INFO(violation.invariant << ": " << violation.detail);
    CHECK(violation.detail.rfind("S0100071", 0) == 0);
    if (violation.invariant == "failure_error") {
      ++failure_errors;
      CHECK_THAT(violation.detail, Catch::Contains("failed with error 998 (its 2302)"));
    } else {
      CHECK(violation.invariant == "liveness");
      ++liveness;
    }
  }
  CHECK(failure_errors == status_of(run, "S0100071").attempt_count);
  CHECK(liveness == 1);
  const auto failure = check_world(scenario, /*must_install_all=*/true);
  REQUIRE(failure.has_value());
  CHECK(failure->kind == "invariant:failure_error");  // the first violation, at the first 998
}

TEST_CASE("the DP copy of a file with alternate streams carries them", "[compression][streams]") {
  const RunResult run = run_world(
      streams_scenario("profile: sms2", "profile: sms2\n  streams_fail_compression: false"), {});
  bool found = false;
  for (const auto& [path, content] : run.final_files) {
    if (path.find("\\S0100070\\readme.txt") == std::string::npos) continue;
    if (path.rfind("\\\\", 0) != 0) continue;  // the DP's copy, not the source
    found = true;
    CHECK(content.alternate_streams == 1);
  }
  CHECK(found);
}

}  // namespace
}  // namespace distsim::sim
