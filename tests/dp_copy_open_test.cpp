// `site.dp_copy_open`: how a DP copy opens each file it writes. The default (GENERIC_WRITE, share
// none) is an assumption, so the scenario key replaces it: loaded, written back, refused when it
// could not write, and deciding end to end whether a client reading a DP file refuses a refresh.
#include <catch2/catch.hpp>
#include <string>

#include "model/file_access.h"
#include "sim/check/invariants.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/world/world.h"
#include "tests/cli_runner.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using namespace loader_test;

// The repository's scenario, its `dp_copy_open` block removed when `default_flags`.
Scenario shares_read_scenario(bool default_flags) {
  std::string text = testing::read_text_file(std::string(DISTSIM_SOURCE_DIR) +
                                             "/scenarios/dp-copy-shares-read.yaml");
  if (default_flags) {
    const std::string block = "  dp_copy_open:\n    share: [FILE_SHARE_READ]\n";
    const size_t at = text.find(block);
    REQUIRE(at != std::string::npos);
    text.erase(at, block.size());
  }
  return load_valid(text);
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
}

TEST_CASE("dp_copy_open refuses an access that cannot write and keys it does not take",
          "[scenario_loader][dp_copy_open]") {
  const std::string head = "site:\n  dp_copy_open:\n";  // lines 3-4
  CHECK(errors_after_header(head + "    access: [GENERIC_READ]\n") ==
        Errors{"t.yaml:5:13: 'access' of 'dp_copy_open' must let the copy write the file: "
               "include GENERIC_WRITE, FILE_WRITE_DATA or GENERIC_ALL"});
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
  bool traced_share_read = false;
  for (const TraceRecord& record : shared.trace.records()) {
    if (record.actor != kManagerActorName || record.event != "open") continue;
    for (const TraceField& field : record.fields) {
      if (field.key != "path" || std::get<std::string_view>(field.value).find("\\\\DP01\\") != 0)
        continue;
      for (const TraceField& other : record.fields) {
        if (other.key != "share") continue;
        const TraceList& share = std::get<TraceList>(other.value);
        traced_share_read = share.size() == 1 && share[0] == "FILE_SHARE_READ";
      }
    }
  }
  CHECK(traced_share_read);
}

}  // namespace
}  // namespace distsim::sim
