// A holder's `scope` as a list of folders: the loader reads a path or a list, the writer writes
// it back the same, an antivirus watches every folder of its list, and a backup reads them all.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "scenario_loader_fixture.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

using loader_test::errors_after_header;
using loader_test::load_valid;

constexpr const char* kTwoScopes = R"(version: 1
name: two scopes
until: 1h
filesystem:
  - file: 'D:\Packages\a.exe'
    size: 1MB
  - file: 'E:\Sources\b.cab'
    size: 1MB
  - file: 'F:\Other\c.txt'
    size: 1MB
holders:
  - kind: backup
    name: nightly
    scope: ['D:\Packages', 'E:\Sources', 'D:\Packages']
  - kind: antivirus
    name: av
    scope: 'D:\Packages'
)";

const TraceRecord* first_record(const RunResult& run, std::string_view actor,
                                std::string_view event) {
  for (const TraceRecord& record : run.trace.records()) {
    if (record.actor == actor && record.event == event) return &record;
  }
  return nullptr;
}

const TraceValue* field(const TraceRecord& record, std::string_view key) {
  for (const TraceField& each : record.fields) {
    if (each.key == key) return &each.value;
  }
  return nullptr;
}

TEST_CASE("a holder scope may be one folder or a list of folders", "[scope]") {
  const Scenario scenario = load_valid(kTwoScopes);
  REQUIRE(scenario.holders.size() == 2);
  CHECK(scenario.holders[0].scope ==
        std::vector<std::string>{"D:\\Packages", "E:\\Sources", "D:\\Packages"});
  CHECK(scenario.holders[1].scope == std::vector<std::string>{"D:\\Packages"});
}

TEST_CASE("an empty scope list and a bad path in one are refused with their positions", "[scope]") {
  const auto empty = errors_after_header("holders:\n  - kind: indexer\n    scope: []\n");
  REQUIRE(empty.size() == 1);
  CHECK(empty[0].rfind("t.yaml:5:12: ", 0) == 0);
  const auto bad =
      errors_after_header("holders:\n  - kind: indexer\n    scope: ['C:\\a', 'C:\\b?']\n");
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].rfind("t.yaml:5:21: ", 0) == 0);
}

TEST_CASE("a scope list survives a write and a load unchanged", "[scope][scenario_writer]") {
  const Scenario scenario = load_valid(kTwoScopes);
  const std::string written = write_scenario_yaml(scenario);
  INFO(written);
  CHECK(written.find("scope: ['D:\\Packages', 'E:\\Sources', 'D:\\Packages']") !=
        std::string::npos);
  CHECK(written.find("scope: 'D:\\Packages'\n") != std::string::npos);
  CHECK(with_positions_cleared(load_valid(written)) == with_positions_cleared(scenario));
}

TEST_CASE("a backup with a scope list reads the files of every folder once", "[scope]") {
  const RunResult run = run_world(load_valid(kTwoScopes), RunOptions{});
  const TraceRecord* start = first_record(run, "nightly", "backup_start");
  REQUIRE(start != nullptr);
  CHECK(*field(*start, "files") == TraceValue{int64_t{2}});
  CHECK(*field(*start, "scope") ==
        TraceValue{std::string("D:\\Packages; E:\\Sources; D:\\Packages")});
}

}  // namespace
}  // namespace distsim::sim
