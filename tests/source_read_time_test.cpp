// Source reads take the time of the file the manager opened (the source_read_time invariant,
// sim/check/invariant_source_read_time.cpp): the manager times a read by the size on its handle,
// the checker agrees from the trace to the microsecond, and it catches a manager that times the
// read by the listing's size when the file changed in between, whichever way the size moved.
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

// One package whose b.bin (1,000,000 bytes when listed) is swapped at 100 ms, before the manager
// reaches it, for a file of `new_size` (a.bin, read first, takes 2 s at 1,000,000 bytes a
// second). `read_bandwidth` is the site's; a `compressed` package is compressed after the reads.
// `site` is extra site keys.
Scenario swapped_world(const std::string& new_size, const std::string& read_bandwidth,
                       bool compressed = false, const std::string& site = "") {
  return load_valid("version: 1\nname: t\nuntil: 1h\nsite:\n  profile: sms2\n" + site +
                    "  read_bandwidth: " + read_bandwidth +
                    "\nfilesystem:\n"
                    "  - {file: 'D:\\Src\\A\\a.bin', size: 2000000B}\n"
                    "  - {file: 'D:\\Src\\A\\b.bin', size: 1000000B}\n"
                    "  - {file: 'D:\\Other\\new.bin', size: " +
                    new_size +
                    "}\n"
                    "packages:\n  - {id: S0100001, source: 'D:\\Src\\A', compressed: " +
                    (compressed ? "true" : "false") +
                    "}\n"
                    "holders:\n  - kind: script\n    name: swapper\n    steps:\n"
                    "      - {at: 100ms, delete: 'D:\\Src\\A\\b.bin'}\n"
                    "      - {at: 100ms, rename: 'D:\\Other\\new.bin', to: 'D:\\Src\\A\\b.bin'}\n");
}

std::vector<InvariantViolation> read_time_violations(const RunResult& run) {
  std::vector<InvariantViolation> found = check_invariants(run);
  std::erase_if(
      found, [](const InvariantViolation& each) { return each.invariant != "source_read_time"; });
  return found;
}

// The times of the manager's open and read of the file whose path ends with `name`.
struct OpenAndRead {
  TimeUs open_us = 0;
  TimeUs read_us = 0;
};
OpenAndRead open_and_read(const RunResult& run, std::string_view name) {
  return {manager_event_time(run, "open", name), manager_event_time(run, "read", name)};
}

TEST_CASE("a source file replaced after the listing is read in the time of what it holds",
          "[invariants][read_time]") {
  // Goal: the rule by hand. b.bin is opened at 2 s (after a.bin's 2,000,000 bytes); the file
  // there then holds 5,000,000 bytes, which take 5 s at 1,000,000 bytes a second, not the 1 s
  // the listing's 1,000,000 bytes would.
  const RunResult run = run_world(swapped_world("5000000B", "1000000Bps"), RunOptions{});
  const OpenAndRead b = open_and_read(run, "\\b.bin");
  CHECK(b.open_us == 2 * model::kMicrosecondsPerSecond);
  CHECK(b.read_us - b.open_us == 5 * model::kMicrosecondsPerSecond);
  CHECK(check_invariants(run).empty());
}

TEST_CASE("a compression takes the time of the bytes its pass read", "[invariants][read_time]") {
  // Goal: the rule by hand for the .PCK: the reads end at 7 s (2,000,000 bytes, then the
  // 5,000,000 swapped in), the compression then takes 7 s for those 7,000,000 bytes (not the 3 s
  // of the listing's 3,000,000), and Distmgr.log gives the compressed size of what was read.
  const RunResult run = run_world(swapped_world("5000000B", "1000000Bps", true), RunOptions{});
  CHECK(write_time(run, "\\S0100001.PCK") == 14 * model::kMicrosecondsPerSecond);
  CHECK(check_invariants(run).empty());
  // 7,000,000 bytes at the default 1,000 per mille are 6,836 KBytes, rounded up.
  CHECK(std::any_of(run.log_lines.begin(), run.log_lines.end(), [](const LogLine& line) {
    return line.text == "The compressed size of package S0100001 is 6836 KBytes";
  }));
  const model::ScopedManagerFaultInjection injected({.reads_timed_by_listing = true});
  const std::vector<InvariantViolation> found =
      read_time_violations(run_world(swapped_world("5000000B", "1000000Bps", true), RunOptions{}));
  REQUIRE(found.size() == 2);
  CHECK(found[0].detail.find("the read of D:\\Src\\A\\b.bin") == 0);
  CHECK(found[1].detail ==
        "the compression of S0100001 into C:\\SMSPKG\\S0100001.PCK (begun at 00:00:03 after its "
        "pass read 7000000 bytes) ends at 00:00:06, 4000000 us early: 7000000 bytes at the site's "
        "read bandwidth of 1000000 bytes a second take 7000000 us");
}

TEST_CASE("reads and compressions are judged whatever rights the site's opens ask",
          "[invariants][read_time]") {
  // Goal: a source opened for writing is still read, and a DP copy's open of the .PCK that may
  // write is no compression: the checker tells them by what the trace says of each open (the
  // compression's disposition creates), not by rights.
  const std::string site =
      "  source_open: {access: [GENERIC_ALL], share: [FILE_SHARE_READ]}\n"
      "  pck_create_open: {access: [GENERIC_ALL]}\n"
      "  pck_read_open: {access: [GENERIC_ALL], share: [FILE_SHARE_READ]}\n";
  const std::string dp = "distribution_points:\n  - {name: DP01, bandwidth: 8Mbps}\n";
  Scenario world = swapped_world("5000000B", "1000000Bps", true, site);
  world.distribution_points = load_valid("version: 1\nname: t\n" + dp).distribution_points;
  const RunResult run = run_world(world, RunOptions{});
  CHECK(write_time(run, "\\S0100001.PCK") == 14 * model::kMicrosecondsPerSecond);
  CHECK(write_time(run, "\\b.bin") > 14 * model::kMicrosecondsPerSecond);  // copied to DP01
  CHECK(check_invariants(run).empty());
  const model::ScopedManagerFaultInjection injected({.reads_timed_by_listing = true});
  const std::vector<InvariantViolation> found = read_time_violations(run_world(world, {}));
  REQUIRE(found.size() == 2);
  CHECK(found[0].detail.find("the read of D:\\Src\\A\\b.bin") == 0);
  CHECK(found[1].detail.find("the compression of S0100001") == 0);
}

TEST_CASE("a read's time is rounded up to the microsecond", "[invariants][read_time]") {
  // Goal: the rounding, by hand: 10 bytes at 3,000 bytes a second take 3,333.33 us, so the read
  // comes 3,334 us after the open; the checker agrees.
  const RunResult run = run_world(
      load_valid(
          "version: 1\nname: t\nuntil: 1h\nsite:\n  profile: sms2\n  read_bandwidth: 3000Bps\n"
          "filesystem:\n  - {file: 'D:\\Src\\A\\a.bin', size: 10B}\n"
          "packages:\n  - {id: S0100001, source: 'D:\\Src\\A'}\n"),
      RunOptions{});
  const OpenAndRead a = open_and_read(run, "\\a.bin");
  CHECK(a.read_us - a.open_us == 3'334);
  CHECK(read_time_violations(run).empty());
}

TEST_CASE("a manager that times a read by the listing is caught by source_read_time",
          "[invariants][read_time]") {
  // Goal: the checker fires both ways: a file grown since the listing is read too early, one
  // shrunk too late; with nothing swapped the fault changes nothing and nothing fires.
  const model::ScopedManagerFaultInjection injected({.reads_timed_by_listing = true});
  const std::vector<InvariantViolation> grown =
      read_time_violations(run_world(swapped_world("5000000B", "1000000Bps"), RunOptions{}));
  REQUIRE(grown.size() == 1);
  CHECK(grown[0].detail ==
        "the read of D:\\Src\\A\\b.bin (opened at 00:00:02 with 5000000 bytes) comes at "
        "00:00:03, 4000000 us early: 5000000 bytes at the site's read bandwidth of 1000000 bytes "
        "a second take 5000000 us");
  const std::vector<InvariantViolation> shrunk =
      read_time_violations(run_world(swapped_world("250000B", "1000000Bps"), RunOptions{}));
  REQUIRE(shrunk.size() == 1);
  CHECK(shrunk[0].detail.find("750000 us late") != std::string::npos);
  CHECK(read_time_violations(run_world(swapped_world("1000000B", "1000000Bps"), RunOptions{}))
            .empty());
}

}  // namespace
}  // namespace distsim::sim
