// The site keys for the manager's open flags no source gives: `dp_copy_open` (each file a DP copy
// writes), `pck_create_open` (the compressed copy the compression writes) and `pck_read_open`
// (the compressed copy a DP copy reads). Each default is an assumption, so the keys replace them:
// loaded, written back, refused when they could not do the manager's work, and deciding end to
// end whether another process's handle refuses the manager.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "model/file_access.h"
#include "sim/check/invariants.h"
#include "sim/check/verdict.h"
#include "sim/report/run_report.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/world/world.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using namespace loader_test;

Scenario shares_read_scenario(bool default_flags) {
  return default_flags ? repository_scenario("dp-copy-shares-read.yaml",
                                             "  dp_copy_open:\n    share: [FILE_SHARE_READ]\n", "")
                       : repository_scenario("dp-copy-shares-read.yaml");
}

// The share list of the manager's first open of a path starting with `prefix` whose access list
// holds `access` (any access when empty), from the trace.
std::vector<std::string> traced_share(const RunResult& run, std::string_view prefix,
                                      std::string_view access = {}) {
  for (const TraceRecord& record : run.trace.records()) {
    if (record.actor != kManagerActorName || record.event != "open") continue;
    std::string_view path;
    std::vector<std::string> share;
    std::vector<std::string> accesses;
    for (const TraceField& field : record.fields) {
      if (field.key == "path") path = std::get<std::string_view>(field.value);
      if (field.key == "share") share = std::get<TraceList>(field.value).strings();
      if (field.key == "access") accesses = std::get<TraceList>(field.value).strings();
    }
    const bool wanted =
        access.empty() || std::find(accesses.begin(), accesses.end(), access) != accesses.end();
    if (path.starts_with(prefix) && wanted) return share;
  }
  return {"(no open)"};
}

TEST_CASE("dp_copy_open loads, keeps its defaults when left out and writes back the same",
          "[scenario_loader][dp_copy_open]") {
  const Scenario plain = load_valid("version: 1\nname: t\n");
  CHECK_FALSE(plain.site.dp_copy_open_access.has_value());
  CHECK_FALSE(plain.site.dp_copy_open_share.has_value());
  const Scenario set = load_valid(
      "version: 1\nname: t\nsite:\n  dp_copy_open:\n"
      "    access: [FILE_WRITE_DATA, FILE_READ_ATTRIBUTES]\n"
      "    share: [FILE_SHARE_READ, FILE_SHARE_DELETE]\n");
  REQUIRE(set.site.dp_copy_open_access.has_value());
  CHECK(set.site.dp_copy_open_access->bits ==
        (model::access_bits::kFileWriteData | model::access_bits::kFileReadAttributes));
  REQUIRE(set.site.dp_copy_open_share.has_value());
  CHECK(set.site.dp_copy_open_share->bits ==
        (model::share_bits::kRead | model::share_bits::kDelete));
  const Scenario again = load_valid(write_scenario_yaml(set));
  CHECK(again.site.dp_copy_open_access->bits == set.site.dp_copy_open_access->bits);
  CHECK(again.site.dp_copy_open_share->bits == set.site.dp_copy_open_share->bits);
  const Scenario pck = load_valid(
      "version: 1\nname: t\nsite:\n  pck_create_open:\n    share: [FILE_SHARE_READ]\n"
      "  pck_read_open:\n    access: [FILE_READ_DATA]\n");
  const Scenario pck_again = load_valid(write_scenario_yaml(pck));
  REQUIRE(pck_again.site.pck_create_open_share.has_value());
  CHECK(pck_again.site.pck_create_open_share->bits == model::share_bits::kRead);
  REQUIRE(pck_again.site.pck_read_open_access.has_value());
  CHECK(pck_again.site.pck_read_open_access->bits == model::access_bits::kFileReadData);
  CHECK_FALSE(pck_again.site.pck_create_open_access.has_value());
}

TEST_CASE("the open-flag keys refuse an access that cannot do the work and keys they do not take",
          "[scenario_loader][dp_copy_open][pck_open]") {
  const std::string head = "site:\n  dp_copy_open:\n";  // lines 3-4
  CHECK(errors_after_header(head + "    access: [GENERIC_READ]\n") ==
        Errors{"t.yaml:5:13: 'access' of 'dp_copy_open' must let the manager write the file: "
               "include GENERIC_WRITE, FILE_WRITE_DATA or GENERIC_ALL"});
  CHECK(errors_after_header("site:\n  pck_create_open:\n    access: [FILE_READ_DATA]\n") ==
        Errors{"t.yaml:5:13: 'access' of 'pck_create_open' must let the manager write the file: "
               "include GENERIC_WRITE, FILE_WRITE_DATA or GENERIC_ALL"});
  CHECK(errors_after_header("site:\n  pck_read_open:\n    access: [GENERIC_WRITE]\n") ==
        Errors{"t.yaml:5:13: 'access' of 'pck_read_open' must let the manager read the file: "
               "include GENERIC_READ, FILE_READ_DATA or GENERIC_ALL"});
  CHECK(errors_after_header(head + "    access: [GENERIC_ALL]\n").empty());
  CHECK(errors_after_header(head + "    retries: 3\n").size() == 1);
}

TEST_CASE("a client reading a DP file refuses the refresh unless the manager shares read",
          "[dp_copy_open]") {
  // Goal: the key reaches the manager's open. Method: the scenario's world with the default flags
  // (the client's read is not shared: 32 until it closes, installed on the 5h retry) and with
  // share read (the refresh installs at once); the trace shows the manager's open flags.
  const RunResult blocked = run_world(shares_read_scenario(true), {});
  REQUIRE(blocked.packages.size() == 1);
  CHECK(blocked.packages[0].state == model::PackageState::installed);
  CHECK(blocked.packages[0].attempt_count == 5);
  CHECK(check_invariants(blocked).empty());
  const RunResult shared = run_world(shares_read_scenario(false), {});
  REQUIRE(shared.packages.size() == 1);
  CHECK(shared.packages[0].state == model::PackageState::installed);
  CHECK(shared.packages[0].attempt_count == 2);
  CHECK(check_invariants(shared).empty());
  // The summary counts in the right number ("1 retry"; the README's excerpt, compared with the
  // real output by a test, shows "1 copy attempt").
  const Scenario scenario = shares_read_scenario(false);
  const std::string summary =
      summary_text(scenario, shared, judge_run(scenario, shared), SummaryOptions{});
  CHECK_THAT(summary, Catch::Contains("2 attempts, 1 retry\n"));
  CHECK_THAT(summary, Catch::Contains("DP DP01: INSTALLED, 2 copy attempts,"));
  CHECK(traced_share(shared, "\\\\DP01\\") == std::vector<std::string>{"FILE_SHARE_READ"});
  CHECK(traced_share(blocked, "\\\\DP01\\").empty());
}

TEST_CASE("pck_read_open decides whether a program reading the .PCK refuses a DP retry",
          "[pck_open]") {
  // Goal: the key reaches the DP copy's open of the compressed copy. Method: the repository's
  // .PCK scenario with its program only reading and sharing read: the default read open shares
  // read and goes through; with share none it is refused (32) until the program lets go.
  const std::string tool_open = "access: [GENERIC_READ, GENERIC_WRITE]\n        share: []";
  const std::string reader_open = "access: [GENERIC_READ]\n        share: [FILE_SHARE_READ]";
  const RunResult shared =
      run_world(repository_scenario("pck-held-during-dp-retry.yaml", tool_open, reader_open), {});
  CHECK(shared.packages.at(0).state == model::PackageState::installed);
  CHECK(shared.packages.at(0).attempt_count == 1);
  CHECK(traced_share(shared, "C:\\SMSPKG\\S0100005.PCK", "GENERIC_READ") ==
        std::vector<std::string>{"FILE_SHARE_READ"});
  Scenario exclusive = repository_scenario("pck-held-during-dp-retry.yaml", tool_open, reader_open);
  exclusive.site.pck_read_open_share = model::ShareMode{0};
  const RunResult refused = run_world(exclusive, {});
  CHECK(traced_share(refused, "C:\\SMSPKG\\S0100005.PCK", "GENERIC_READ").empty());
  CHECK(refused.packages.at(0).state == model::PackageState::installed);
  bool refused_32 = false;
  for (const LogLine& line : refused.log_lines) {
    refused_32 = refused_32 || line.text.find("Error 32") != std::string::npos;
  }
  CHECK(refused_32);
  CHECK(check_invariants(refused).empty());
}

TEST_CASE("pck_create_open gives the compression's open of the .PCK its flags", "[pck_open]") {
  // Goal: the key reaches the compression's create-always open. Method: the trace of that open,
  // with the default (share none) and with share read and delete set.
  Scenario scenario = repository_scenario("pck-held-during-dp-retry.yaml");
  const RunResult plain = run_world(scenario, {});
  CHECK(traced_share(plain, "C:\\SMSPKG\\S0100005.PCK", "GENERIC_WRITE").empty());
  scenario.site.pck_create_open_share =
      model::ShareMode{model::share_bits::kRead | model::share_bits::kDelete};
  const RunResult shared = run_world(scenario, {});
  CHECK(traced_share(shared, "C:\\SMSPKG\\S0100005.PCK", "GENERIC_WRITE") ==
        std::vector<std::string>{"FILE_SHARE_READ", "FILE_SHARE_DELETE"});
  CHECK(check_invariants(shared).empty());
}

}  // namespace
}  // namespace distsim::sim
