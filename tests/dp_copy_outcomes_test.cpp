// What each copy to a DP of a pass did (PassRecord::dp_copies, sim/world/pass_records.h), as the
// run summary's copy lines and --json show it: a pass line names only the failure that ended the
// pass, so another DP's different failure, or a DP installed in a failed pass, is told per copy,
// with the handles behind each refusal taken from the VFS.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>

#include "sim/check/evidence.h"
#include "sim/check/verdict.h"
#include "sim/core/limits.h"
#include "sim/report/run_report.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/blame.h"
#include "sim/world/world.h"
#include "tests/scenario_loader_fixture.h"

namespace distsim::sim {
namespace {

using loader_test::load_valid;

// An sms2 site with `dps` DPs; package S0100017 from D:\Src\App is installed on all of them at 0s
// and refreshed at 2h, and then `rest` (holders, faults) holds.
std::string refreshed_world(int dps, const std::string& rest) {
  std::string text =
      "version: 1\nname: t\nuntil: 3h\nsite:\n  profile: sms2\nfilesystem:\n"
      "  - file: 'D:\\Src\\App\\setup.exe'\n    size: 4MB\ndistribution_points:\n";
  for (int dp = 1; dp <= dps; ++dp) text += fmt::format("  - name: DP{:02}\n", dp);
  text +=
      "packages:\n  - id: S0100017\n    name: App\n    source: 'D:\\Src\\App'\n"
      "  - refresh: S0100017\n    at: 2h\n";
  return text + rest;
}

// A ConfigMgr 2007 site copying a 200 MB file to DP01 and DP02 (long enough to be under way at
// 5 s), then `rest`: more package events, or other sections.
std::string big_copy_world(const std::string& rest) {
  return "version: 1\nname: t\nuntil: 1h\nsite:\n  profile: configmgr2007\nfilesystem:\n"
         "  - file: 'D:\\Src\\App\\data.cab'\n    size: 200MB\ndistribution_points:\n"
         "  - name: DP01\n  - name: DP02\npackages:\n  - id: S0100017\n    name: App\n"
         "    source: 'D:\\Src\\App'\n" +
         rest;
}

// DP01's disk is full and a client holds setup.exe on DP02 from 1h; DP03 is fine.
const std::string kTwoFailures =
    refreshed_world(3,
                    "holders:\n  - kind: dp_client\n    name: client-on-dp02\n"
                    "    path: '\\\\DP02\\SMSPKGC$\\S0100017\\setup.exe'\n    at: 1h\n"
                    "faults:\n  - dp_disk_full: DP01\n    at: 1h\n");

std::string summary_of(const Scenario& scenario, const RunResult& run) {
  return summary_text(scenario, run, judge_run(scenario, run), SummaryOptions{});
}

TEST_CASE("a failed pass tells each DP's copy: another DP's different failure and a DP installed",
          "[dp copies]") {
  const Scenario scenario = load_valid(kTwoFailures);
  const RunResult run = run_world(scenario, RunOptions{});
  REQUIRE(run.passes.size() == 2);
  const PassRecord& refresh = run.passes[1];
  REQUIRE(refresh.result == model::PassResult::retry);
  CHECK(refresh.error == Win32Error::disk_full);  // the first DP's failure ends the pass
  REQUIRE(refresh.dp_copies.size() == 3);
  CHECK(refresh.dp_copies[0].dp == "DP01");
  CHECK(refresh.dp_copies[0].error == Win32Error::disk_full);
  CHECK(refresh.dp_copies[1].dp == "DP02");
  CHECK(refresh.dp_copies[1].error == Win32Error::sharing_violation);
  // The refusal is the VFS's: the open the client's handle refused, and that handle.
  REQUIRE(refresh.dp_copies[1].refusal.has_value());
  CHECK(refresh.dp_copies[1].refusal->operation == "open");
  REQUIRE(refresh.dp_copies[1].refusal->culprits.size() == 1);
  CHECK(refresh.dp_copies[1].refusal->culprits[0].actor == "client-on-dp02");
  CHECK(refresh.dp_copies[2].dp == "DP03");
  CHECK(refresh.dp_copies[2].error == Win32Error::ok);
  REQUIRE(refresh.dp_copies[2].end_us.has_value());

  const std::string summary = summary_of(scenario, run);
  CHECK_THAT(summary, Catch::Contains("failed with error 112 (ERROR_DISK_FULL) writing "
                                      "\\\\DP01\\SMSPKGC$\\S0100017\\setup.exe"));
  CHECK_THAT(summary, Catch::Contains("copy to DP02 at 02:00:00: error 32 "
                                      "(ERROR_SHARING_VIOLATION) opening "
                                      "\\\\DP02\\SMSPKGC$\\S0100017\\setup.exe"));
  // DP02's culprit is named under its copy line, as the pass's blame lines name DP01's none.
  CHECK_THAT(summary, Catch::Contains("\n                     held by client-on-dp02 (dp_client"));
  CHECK_THAT(summary, Catch::Contains("copy to DP03 at 02:00:00: copied by "));
  // The first pass succeeded: its copies need no lines of their own.
  CHECK(dp_copy_lines(run.passes[0]).empty());

  const std::string json = summary_json(scenario, run, judge_run(scenario, run), "distsim");
  CHECK_THAT(json, Catch::Contains(R"("copies":[{"dp":"DP01",)"));
  CHECK_THAT(json, Catch::Contains(R"("dp":"DP02",)"));
  CHECK_THAT(json, Catch::Contains(R"("win32":32,"failed_path":)"));
  CHECK_THAT(json, Catch::Contains(R"("blame":[{"actor":"client-on-dp02")"));
}

TEST_CASE("a copy's culprit already named by the pass's blame lines is not named twice",
          "[dp copies]") {
  // Only DP02 fails: the pass's refusal is its copy's, named once under the pass line.
  const Scenario scenario = load_valid(
      refreshed_world(2,
                      "holders:\n  - kind: dp_client\n    name: client-on-dp02\n"
                      "    path: '\\\\DP02\\SMSPKGC$\\S0100017\\setup.exe'\n    at: 1h\n"));
  const RunResult run = run_world(scenario, RunOptions{});
  REQUIRE(run.passes.size() == 2);
  const std::vector<std::string> lines = dp_copy_lines(run.passes[1]);
  REQUIRE(lines.size() == 2);
  // The copy that failed comes first, then the one that copied.
  CHECK_THAT(lines[0], Catch::StartsWith("copy to DP02 at 02:00:00: error 32"));
  CHECK_THAT(lines[1], Catch::StartsWith("copy to DP01 at 02:00:00: copied by "));
  const std::string summary = summary_of(scenario, run);
  const size_t first = summary.find("held by client-on-dp02");
  REQUIRE(first != std::string::npos);
  CHECK(summary.find("held by client-on-dp02", first + 1) == std::string::npos);
}

TEST_CASE("a pass's copy lines show failed copies first, stop at their limit and count the rest",
          "[dp copies]") {
  // DP01 and the last DP fail: both are shown, ahead of the copies made.
  const int dps = static_cast<int>(kDpCopyLinesMax) + 3;
  const Scenario scenario =
      load_valid(refreshed_world(dps, fmt::format("faults:\n  - dp_unreachable: DP01\n    at: 1h\n"
                                                  "  - dp_unreachable: DP{:02}\n    at: 1h\n",
                                                  dps)));
  const RunResult run = run_world(scenario, RunOptions{});
  REQUIRE(run.passes.size() == 2);
  REQUIRE(run.passes[1].dp_copies.size() == kDpCopyLinesMax + 3);
  const std::vector<std::string> lines = dp_copy_lines(run.passes[1]);
  REQUIRE(lines.size() == kDpCopyLinesMax + 1);
  CHECK_THAT(lines[0], Catch::StartsWith("copy to DP01 at 02:00:00: error 53 (ERROR_BAD_NETPATH) "
                                         "creating the folder \\\\DP01\\SMSPKGC$"));
  CHECK_THAT(lines[1], Catch::StartsWith(fmt::format("copy to DP{:02} at ", dps)));
  CHECK_THAT(lines[2], Catch::Contains(": copied by "));
  CHECK(lines.back() == "... 3 more copies to DPs not shown (distsim run --json lists every one)");

  // Past the limit, the count says how many of the copies not shown failed.
  const Scenario more_failures = load_valid(
      refreshed_world(dps, fmt::format("faults:\n{}", [&] {
                        std::string faults;
                        for (int dp = 1; dp <= dps; dp += 1) {
                          if (dp % 4 != 0)
                            faults += fmt::format("  - dp_unreachable: DP{:02}\n    at: 1h\n", dp);
                        }
                        return faults;
                      }())));
  const RunResult failing = run_world(more_failures, RunOptions{});
  REQUIRE(failing.passes.size() == 2);
  const std::vector<std::string> failing_lines = dp_copy_lines(failing.passes[1]);
  CHECK(failing_lines.back() ==
        "... 3 more copies to DPs not shown, 1 of them not copied (distsim run --json lists every "
        "one)");
}

TEST_CASE("a pass line names the first DP whose failure ended the pass, as the manager's 2302",
          "[dp copies]") {
  // Clients hold setup.exe on both DPs: two refusals with error 32; the manager reports DP01's.
  const Scenario scenario = load_valid(
      refreshed_world(2,
                      "holders:\n  - kind: dp_client\n    name: client-on-dp01\n"
                      "    path: '\\\\DP01\\SMSPKGC$\\S0100017\\setup.exe'\n    at: 1h\n"
                      "  - kind: dp_client\n    name: client-on-dp02\n"
                      "    path: '\\\\DP02\\SMSPKGC$\\S0100017\\setup.exe'\n    at: 1h\n"));
  const RunResult run = run_world(scenario, RunOptions{});
  REQUIRE(run.passes.size() >= 2);  // the retry at 3h fails again
  REQUIRE(run.passes[1].refusal.has_value());
  CHECK(run.passes[1].refusal->path == R"(\\DP01\SMSPKGC$\S0100017\setup.exe)");
  REQUIRE(run.passes[1].refusal->culprits.size() == 1);
  CHECK(run.passes[1].refusal->culprits[0].actor == "client-on-dp01");
  // DP01's culprit is named once, under the pass line; DP02's under its copy.
  const std::string summary = summary_of(scenario, run);
  const size_t first = summary.find("held by client-on-dp01");
  REQUIRE(first != std::string::npos);
  CHECK(summary.find("held by client-on-dp01", first + 1) == std::string::npos);
  CHECK_THAT(summary, Catch::Contains("\n                     held by client-on-dp02"));
}

TEST_CASE(
    "a pass line names the DP whose failure the manager reports, not an earlier one a "
    "refresh voided",
    "[dp copies]") {
  // DP01 (1 MB free) fails with 112 at once; a refresh of DP01 then voids that copy for the old
  // cycle, and DP02 (100 MB free, slower) fails with 112 later: the pass's error is DP02's.
  const Scenario scenario = load_valid(
      "version: 1\nname: t\nuntil: 10m\nsite:\n  profile: configmgr2007\nfilesystem:\n"
      "  - file: 'D:\\Src\\App\\data.cab'\n    size: 200MB\ndistribution_points:\n"
      "  - {name: DP01, free: 1MB, bandwidth: 1000Mbps}\n"
      "  - {name: DP02, free: 100MB, bandwidth: 10Mbps}\n"
      "packages:\n  - id: S0100017\n    name: App\n    source: 'D:\\Src\\App'\n"
      "  - refresh: S0100017\n    at: 5s\n    distribution_points: [DP01]\n");
  const RunResult run = run_world(scenario, RunOptions{});
  REQUIRE_FALSE(run.passes.empty());
  const PassRecord& first = run.passes[0];
  REQUIRE(first.error == Win32Error::disk_full);
  REQUIRE(first.dp_copies.size() == 2);
  CHECK(first.dp_copies[0].end_us < first.dp_copies[1].end_us);  // DP01 failed first
  REQUIRE(first.refusal.has_value());
  CHECK(first.refusal->path == R"(\\DP02\SMSPKGC$\S0100017\data.cab)");
}

TEST_CASE("a failed copy keeps a few of its culprits and counts the rest", "[dp copies]") {
  // Five clients on DP02's file: the copy's record keeps kCopyCulpritsKeptMax of them.
  std::string holders = "holders:\n";
  for (int client = 1; client <= 5; ++client) {
    holders += fmt::format(
        "  - kind: dp_client\n    name: client-{}\n"
        "    path: '\\\\DP02\\SMSPKGC$\\S0100017\\setup.exe'\n    at: 1h\n",
        client);
  }
  const Scenario scenario =
      load_valid(refreshed_world(2, holders + "faults:\n  - dp_disk_full: DP01\n    at: 1h\n"));
  const RunResult run = run_world(scenario, RunOptions{});
  REQUIRE(run.passes.size() == 2);
  REQUIRE(run.passes[1].dp_copies.size() == 2);
  const PassRecord::DpCopy& held = run.passes[1].dp_copies[1];
  REQUIRE(held.refusal.has_value());
  CHECK(held.refusal->culprits.size() == kCopyCulpritsKeptMax);
  CHECK(held.refusal->culprits_not_kept == 5 - kCopyCulpritsKeptMax);
  const std::string summary = summary_of(scenario, run);
  CHECK_THAT(summary,
             Catch::Contains("  and 3 more handles (distsim run --trace names every one)"));
  const std::string json = summary_json(scenario, run, judge_run(scenario, run), "distsim");
  CHECK_THAT(json, Catch::Contains(R"("blame_not_kept":3)"));
}

TEST_CASE("a copy cut short by a crash has no outcome in --json", "[dp copies]") {
  const Scenario scenario =
      load_valid(big_copy_world("faults:\n  - crash: distribution_manager\n    at: 5s\n"));
  const RunResult run = run_world(scenario, RunOptions{});
  REQUIRE(run.passes.size() == 1);
  REQUIRE(run.passes[0].dp_copies.size() == 2);
  CHECK_FALSE(run.passes[0].dp_copies[0].end_us.has_value());
  const std::string json = summary_json(scenario, run, judge_run(scenario, run), "distsim");
  CHECK_THAT(json, Catch::Contains(R"("dp":"DP01","start_us":)"));
  CHECK_THAT(json, Catch::Contains(R"("end_us":null,"win32":null})"));
  const std::vector<std::string> lines = dp_copy_lines(run.passes[0]);
  REQUIRE(lines.size() == 2);
  CHECK_THAT(lines[0], Catch::EndsWith(": under way when the manager crashed"));
}

TEST_CASE("a copy an update overtook is told as copying an old version", "[dp copies]") {
  // A 200 MB file takes the copy past the update at 5 s: that copy ends superseded.
  const Scenario scenario = load_valid(big_copy_world("  - update: S0100017\n    at: 5s\n"));
  const RunResult run = run_world(scenario, RunOptions{});
  REQUIRE_FALSE(run.passes.empty());
  REQUIRE(run.passes[0].dp_copies.size() == 2);
  CHECK(run.passes[0].dp_copies[0].superseded);
  CHECK(run.passes[0].dp_copies[1].superseded);
  REQUIRE(run.passes.size() >= 2);
  CHECK_FALSE(run.passes.back().dp_copies.at(0).superseded);
}

TEST_CASE("a failed folder operation's copy finds the refusal of a file below that folder",
          "[dp copies]") {
  RefusalLog log;
  log.record(Refusal{
      10, "delete", "\\\\DP01\\SMSPKGC$\\S0100017\\sub\\a.txt", Win32Error::sharing_violation, {}});
  CHECK(log.on("\\\\dp01\\smspkgc$\\s0100017", Win32Error::sharing_violation, 0) != nullptr);
  CHECK(log.on("\\\\DP01\\SMSPKGC$\\S0100017\\sub\\a.txt", Win32Error::sharing_violation, 0) !=
        nullptr);
  // A name that only begins the same is another folder; another error or an older refusal is
  // not this copy's.
  CHECK(log.on("\\\\DP01\\SMSPKGC$\\S01000", Win32Error::sharing_violation, 0) == nullptr);
  CHECK(log.on("\\\\DP01\\SMSPKGC$\\S0100017", Win32Error::access_denied, 0) == nullptr);
  CHECK(log.on("\\\\DP01\\SMSPKGC$\\S0100017", Win32Error::sharing_violation, 11) == nullptr);
  CHECK(log.on("", Win32Error::sharing_violation, 0) == nullptr);
}

TEST_CASE("a per-DP retry decided after a slower copy ended says from when its delay counts",
          "[dp copies]") {
  // DP01's disk is full for 5 minutes, so its copy fails at once; DP02's link is slow, and its
  // copy ends about 70 minutes later, when the DP's 30-minute retry delay starts.
  const std::string world =
      "version: 1\nname: t\nuntil: 3h\nsite:\n  profile: configmgr2007\nfilesystem:\n"
      "  - file: 'D:\\Src\\App\\setup.exe'\n    size: 10MB\ndistribution_points:\n"
      "  - name: DP01\n  - name: DP02\n    bandwidth: 20Kbps\npackages:\n  - id: S0100020\n"
      "    name: App\n    source: 'D:\\Src\\App'\nfaults:\n  - dp_disk_full: DP01\n"
      "    at: 0s\n    for: 5m\n";
  const Scenario scenario = load_valid(world);
  const RunResult run = run_world(scenario, RunOptions{});
  CHECK_THAT(summary_of(scenario, run),
             Catch::Contains("retry at 01:39:54.404 (its delay counts from 01:09:54.404, when the "
                             "last copy of the pass ended)"));
  // Counted from the copy's start instead, the delay is the copy's own: nothing to explain.
  Scenario from_start = load_valid(world);
  from_start.site.retry.delay_from = model::DelayFrom::attempt_start;
  const RunResult early = run_world(from_start, RunOptions{});
  CHECK_THAT(summary_of(from_start, early), !Catch::Contains("its delay counts from"));
  // Decided as the copy failed, the retry falls due at 30m and follows the pass's end.
  Scenario at_copy_end = load_valid(world);
  at_copy_end.site.retry.dp_retry_decided = model::DpRetryDecided::copy_end;
  const RunResult decided = run_world(at_copy_end, RunOptions{});
  CHECK_THAT(summary_of(at_copy_end, decided),
             Catch::Contains("retry at 01:09:54.404; 2 copies to DPs"));
  // A crash at 10m cuts the pass short: DP01's retry, decided already, outlives it.
  Scenario crashed = load_valid(world +
                                "  - crash: distribution_manager\n    at: 10m\n"
                                "    restart_after: 5m\n");
  crashed.site.retry.dp_retry_decided = model::DpRetryDecided::copy_end;
  CHECK_THAT(summary_of(crashed, run_world(crashed, RunOptions{})),
             Catch::Contains("interrupted at 00:10:00 by a crash of the manager, DP retry at "
                             "00:30:00.938 (decided before the crash)"));
}

}  // namespace
}  // namespace distsim::sim
