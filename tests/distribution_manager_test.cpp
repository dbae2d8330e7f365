// The real Distribution Manager in small simulated worlds: error 32 from a TEMP user, the hourly
// package retry of sms2, retry counts, installation, a .PCK that cannot be written and what reaches
// Distmgr.log.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "sim/check/expectations.h"
#include "sim/check/invariants.h"
#include "sim/check/invariants_internal.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
#include "world_fixture.h"

namespace distsim::sim {
namespace {

constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;

std::vector<uint32_t> message_ids(const RunResult& run) {
  std::vector<uint32_t> ids;
  for (const auto& message : run.status_messages) ids.push_back(message.id);
  return ids;
}

RunOptions capturing_files() {
  RunOptions options;
  options.capture_files = true;
  return options;
}

bool log_contains(const RunResult& run, std::string_view needle) {
  return std::any_of(run.log_lines.begin(), run.log_lines.end(),
                     [&run, needle](const LogLine& line) {
                       return formatted_log_line(run, line).find(needle) != std::string::npos;
                     });
}

TEST_CASE("a TEMP user holding a file for 95 minutes makes two passes fail with error 32",
          "[distmgr]") {
  // Goal: the KB Q207416 story end to end. Method: run the fixture world, inspect passes.
  const RunResult run = run_world(testing::kb_world({}), {});
  REQUIRE(run.packages.size() == 1);
  const auto& package = run.packages[0];
  CHECK(package.state == model::PackageState::installed);
  CHECK(package.attempt_count == 3);
  REQUIRE(run.passes.size() == 3);
  CHECK(run.passes[0].error == model::Win32Error::sharing_violation);
  CHECK(run.passes[1].error == model::Win32Error::sharing_violation);
  CHECK(run.passes[2].result == model::PassResult::success);
  // The second pass starts 60 minutes after the end of the first one (sms2 default delay).
  REQUIRE(run.passes[0].end_us.has_value());
  CHECK(run.passes[1].start_us == *run.passes[0].end_us + 60 * kMinute);
  CHECK(message_ids(run) == std::vector<uint32_t>{2300, 2302, 2300, 2302, 2300, 2330, 2301});
  CHECK(log_contains(run,
                     "Error 32: The process cannot access the file because it is being used "
                     "by another process."));
  CHECK(check_invariants(run).empty());
}

TEST_CASE("without a lock holder the package installs on the first pass", "[distmgr]") {
  // Goal: the negative space: nothing locked, nothing retried.
  const RunResult run = run_world(testing::kb_world(testing::lock_for(0)), {});
  REQUIRE(run.packages.size() == 1);
  CHECK(run.packages[0].state == model::PackageState::installed);
  CHECK(run.packages[0].attempt_count == 1);
  CHECK(message_ids(run) == std::vector<uint32_t>{2300, 2330, 2301});
}

TEST_CASE("a retry count of 1 leaves a package held for a day failed after two attempts",
          "[distmgr]") {
  // Goal: a finite `count` ends in the failed state and no further passes run.
  Scenario scenario = testing::kb_world(testing::lock_for(model::kMicrosecondsPerDay));
  scenario.site.retry.count_given = true;
  scenario.site.retry.count = 1;
  const RunResult run = run_world(scenario, {});
  REQUIRE(run.packages.size() == 1);
  CHECK(run.packages[0].state == model::PackageState::failed);
  CHECK(run.packages[0].attempt_count == 2);
  CHECK(run.packages[0].distribution_points[0].state == model::DpState::install_failed);
  CHECK(log_contains(run, "It will not be retried: retry count exhausted."));
}

TEST_CASE("whether the manager's reader is blocked follows from both share modes", "[distmgr]") {
  // Goal: conflicts come from the sharing rule, both ways round. Method: a holder with write
  // access sharing nothing blocks every reader; one sharing read blocks a reader that does not
  // share write, and lets in one that does.
  const auto attempts = [](std::optional<model::ShareMode> holder_share, uint32_t reader_share) {
    Scenario scenario = testing::kb_world({});
    scenario.holders[0].share = holder_share;
    scenario.site.source_open_share = model::ShareMode{reader_share};
    return run_world(scenario, {}).packages.at(0).attempt_count;
  };
  const uint32_t read = model::share_bits::kRead;
  const uint32_t read_write = model::share_bits::kRead | model::share_bits::kWrite;
  CHECK(attempts(std::nullopt, read_write) == 3);  // temp_user's default share 0
  CHECK(attempts(model::ShareMode{read}, read) == 3);
  CHECK(attempts(model::ShareMode{read}, read_write) == 1);
}

TEST_CASE("a .PCK that cannot be written logs KB Q316316's line and fails the pass",
          "[distmgr][compressed]") {
  // Goal: the compression's write failure is visible as Distmgr.log shows it in KB Q316316
  // ("Cannot write to output file, Win32 Error = 998"). Method: a 200 GB compressed source
  // whose .PCK does not fit on C:, the package store's volume (100 GB by default).
  sim::Scenario scenario = testing::kb_world(testing::lock_for(0));
  scenario.holders.clear();
  scenario.filesystem[1].size_bytes = 100ull * 1024 * 1024 * 1024;
  scenario.filesystem[2].size_bytes = 100ull * 1024 * 1024 * 1024;
  scenario.packages[0].compressed = true;
  scenario.until_us = 3 * model::kMicrosecondsPerHour;
  const RunResult run = run_world(scenario, {});
  CHECK(log_contains(run, "Cannot write to output file, Win32 Error = 112"));
  REQUIRE_FALSE(run.passes.empty());
  CHECK(run.passes[0].error == model::Win32Error::disk_full);
  CHECK(message_ids(run).at(1) == 2302);
}

TEST_CASE("a compressed copy has exactly the source size times the compression ratio",
          "[distmgr][compressed]") {
  // Goal: the .PCK size to the byte, rounding included. Method: at compression 0.5, 1,000,999
  // source bytes give 500,499 and 1,000,002 give 500,001; each remainder (999, 2) catches a
  // different off-by-one in the rounding.
  const auto package_copy_size = [](uint64_t last_file_bytes) -> std::optional<uint64_t> {
    sim::Scenario scenario = testing::kb_world(testing::lock_for(0));
    scenario.holders.clear();
    scenario.filesystem[1].size_bytes = 1'000'000;
    scenario.filesystem[2].size_bytes = last_file_bytes;
    scenario.packages[0].compressed = true;
    scenario.site.compression_per_mille = 500;
    const RunResult run = run_world(scenario, capturing_files());
    for (const auto& [file, content] : run.final_files) {
      if (file == "C:\\SMSPKG\\S0100001.PCK") return content.size_bytes;
    }
    return std::nullopt;
  };
  CHECK(package_copy_size(999) == std::optional<uint64_t>(500'499));
  CHECK(package_copy_size(2) == std::optional<uint64_t>(500'001));
}

TEST_CASE("the package size line rounds the source's bytes up to whole KBytes", "[distmgr]") {
  // Goal: "The size of package ... is N KBytes" counts a started KByte as one, to the byte.
  // Method: sources of 1,024 bytes (exactly 1) and 1,025 bytes (just over 1, so 2).
  const auto size_line_for = [](uint64_t last_file_bytes) {
    sim::Scenario scenario = testing::kb_world(testing::lock_for(0));
    scenario.holders.clear();
    scenario.filesystem[1].size_bytes = 1024;
    scenario.filesystem[2].size_bytes = last_file_bytes;
    return run_world(scenario, {});
  };
  CHECK(log_contains(size_line_for(0), "The size of package S0100001 is 1 KBytes"));
  CHECK(log_contains(size_line_for(1), "The size of package S0100001 is 2 KBytes"));
}

TEST_CASE("the copy on the distribution point equals the source read by the pass", "[distmgr]") {
  // Goal: content versions travel from the source snapshot to the DP share, file by file.
  const RunResult run = run_world(testing::kb_world(testing::lock_for(0)), capturing_files());
  const auto content_of = [&run](std::string_view path) -> std::optional<model::FileContent> {
    for (const auto& [file, content] : run.final_files) {
      if (file == path) return content;
    }
    return std::nullopt;
  };
  for (const char* name : {"setup.exe", "data1.cab"}) {
    const auto source = content_of(std::string("C:\\WINNT\\TEMP\\") + name);
    const auto copy = content_of(std::string("\\\\DP01\\SMSPKGC$\\S0100001\\") + name);
    REQUIRE(source.has_value());
    REQUIRE(copy.has_value());
    CHECK(*copy == *source);
  }
}

TEST_CASE("a retry pulled forward on wake is traced with the time it runs", "[distmgr]") {
  // Goal: a package's latest retry_scheduled says when its next pass falls due, also when other
  // work woke the manager early (KB Q319207). Method: the repository's retry-on-wake scenario,
  // where a processing thread is always free, so every retry pass starts at the at_us of its
  // package's latest retry_scheduled; one of them is marked pulled_forward.
  const LoadResult loaded =
      load_scenario_file(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/q319207-retry-on-wake.yaml");
  REQUIRE(loaded.scenario.has_value());
  const RunResult run = run_world(*loaded.scenario, RunOptions{});
  std::map<std::string, int64_t, std::less<>> latest_due_us;
  size_t pulled = 0;
  size_t retry_passes = 0;
  for (const TraceRecord& record : run.trace.records()) {
    const std::string package(invariant_detail::text_field(record, "package"));
    if (record.event == "retry_scheduled") {
      latest_due_us[package] = invariant_detail::number_field(record, "at_us").value_or(-1);
      if (invariant_detail::flag_field(record, "pulled_forward")) {
        ++pulled;
        CHECK(latest_due_us[package] == record.t_us);  // it runs now
      }
    } else if (record.event == "pass_start" && latest_due_us.contains(package)) {
      INFO(package << " pass at " << record.t_us);
      CHECK(latest_due_us[package] == record.t_us);
      latest_due_us.erase(package);
      ++retry_passes;
    }
  }
  CHECK(pulled == 1);
  CHECK(retry_passes >= 4);
}

TEST_CASE("a package's retry is traced with the attempt number its pass will start with",
          "[distmgr]") {
  // Goal: retry_scheduled's `attempt` is the pass_start `attempt` of the pass it announces,
  // after an update (which starts a new retry cycle) and for a retry pulled forward too. Method:
  // three repository scenarios with package-level retries; every package-level retry_scheduled
  // is matched with its package's next processing pass.
  for (const char* file :
       {"/scenarios/q319207-retry-on-wake.yaml",
        "/scenarios/regressions/update-then-same-moment-failure-announces-no-wait.yaml",
        "/scenarios/q207416-temp-source.yaml"}) {
    const LoadResult loaded = load_scenario_file(std::string(DISTSIM_SOURCE_DIR) + file);
    REQUIRE(loaded.scenario.has_value());
    const RunResult run = run_world(*loaded.scenario, RunOptions{});
    std::map<std::string, int64_t, std::less<>> announced;  // package -> attempt
    size_t matched = 0;
    for (const TraceRecord& record : run.trace.records()) {
      const std::string package(invariant_detail::text_field(record, "package"));
      const int64_t attempt = invariant_detail::number_field(record, "attempt").value_or(-1);
      if (record.event == "retry_scheduled" && invariant_detail::text_field(record, "dp").empty()) {
        announced[package] = attempt;
      } else if (record.event == "pass_start" &&
                 !invariant_detail::flag_field(record, "dp_retries") &&
                 announced.contains(package)) {
        INFO(file << ": " << package << " pass at " << record.t_us);
        CHECK(announced[package] == attempt);
        announced.erase(package);
        ++matched;
      }
    }
    INFO(file);
    CHECK(matched >= 2);
  }
}

TEST_CASE("a DP's retry is traced with the number of the copy attempt it will make", "[distmgr]") {
  // Goal: a per-DP retry_scheduled's `attempt` counts every copy attempt to the DP, across a
  // refresh's new retry cycle too. Method: the repository's scenario where DP02 is refreshed
  // while down (its retry after the refresh is its third copy attempt, the second of its cycle);
  // each DP's copy attempts are counted from Distmgr.log's "Attempting to add or update" lines,
  // and every retry_scheduled is matched with that DP's next one.
  const LoadResult loaded =
      load_scenario_file(std::string(DISTSIM_SOURCE_DIR) +
                         "/scenarios/cm2012-dp-retry-due-during-another-dps-copy.yaml");
  REQUIRE(loaded.scenario.has_value());
  const RunResult run = run_world(*loaded.scenario, RunOptions{});
  std::map<std::string, int64_t, std::less<>> copies;     // DP -> copy attempts logged so far
  std::map<std::string, int64_t, std::less<>> announced;  // DP -> announced attempt
  size_t matched = 0;
  for (const TraceRecord& record : run.trace.records()) {
    if (record.event == "retry_scheduled") {
      announced[std::string(invariant_detail::text_field(record, "dp"))] =
          invariant_detail::number_field(record, "attempt").value_or(-1);
      continue;
    }
    if (record.event != "log_line") continue;
    const std::string_view text = invariant_detail::text_field(record, "text");
    for (const std::string dp : {"DP01", "DP02"}) {
      if (text.find("Attempting to add or update package") == std::string_view::npos ||
          text.find("\\\\" + dp + "\\") == std::string_view::npos) {
        continue;
      }
      ++copies[dp];
      if (!announced.contains(dp)) continue;
      INFO(dp << " copy at " << record.t_us);
      CHECK(announced[dp] == copies[dp]);
      announced.erase(dp);
      ++matched;
    }
  }
  CHECK(matched == 3);
  CHECK(copies["DP02"] == 3);
}

TEST_CASE("a pass after a .PCK that could not be created reads the source again",
          "[distmgr][compressed]") {
  // Goal: a failed compression forgets the source version it read, so the retry redoes the whole
  // package-update process (KB Q319207) rather than copy from a .PCK that was never written;
  // under the ConfigMgr profiles, whose DP retries keep the version read, too. Method: a copy
  // tool holds the .PCK with no sharing for the first 30 minutes; the first pass reads both
  // source files and fails to create the .PCK (32); the retry (after an hour under sms2, 30
  // minutes under configmgr2012) must open each source file again before it compresses.
  for (const std::string profile : {"sms2", "configmgr2012"}) {
    const LoadResult loaded = load_scenario_text(R"(version: 1
name: the .PCK held at the first compression
until: 3h
site:
  profile: )" + profile + R"(
filesystem:
  - file: 'C:\SMSPKG\S0100001.PCK'
    size: 1KB
  - file: 'D:\Src\setup.exe'
    size: 1MB
  - file: 'D:\Src\data1.cab'
    size: 1MB
distribution_points:
  - name: DP01
packages:
  - id: S0100001
    name: App
    source: 'D:\Src'
    compressed: true
holders:
  - kind: script
    name: copy-tool
    steps:
      - at: 0s
        open: 'C:\SMSPKG\S0100001.PCK'
        access: [GENERIC_WRITE]
        share: []
        as: p
      - at: 30m
        close: p
)",
                                                 "pck-held.yaml");
    REQUIRE(loaded.errors.empty());
    const RunResult run = run_world(*loaded.scenario, RunOptions{});
    INFO("profile " << profile);
    REQUIRE(run.packages.size() == 1);
    CHECK(run.packages[0].state == model::PackageState::installed);
    std::map<std::string, size_t> source_opens;  // source file -> the manager's successful opens
    size_t refused_pck_creates = 0;
    for (const TraceRecord& record : run.trace.records()) {
      if (record.actor != kManagerActorName || record.event != "open") continue;
      const std::string_view path = invariant_detail::text_field(record, "path");
      const bool ok = invariant_detail::number_field(record, "win32") == 0;
      if (path.starts_with("D:\\Src\\") && ok) ++source_opens[std::string(path)];
      if (path.ends_with(".PCK") && !ok) ++refused_pck_creates;
    }
    CHECK(refused_pck_creates == 1);
    CHECK(source_opens ==
          std::map<std::string, size_t>{{"D:\\Src\\data1.cab", 2}, {"D:\\Src\\setup.exe", 2}});
  }
}

}  // namespace
}  // namespace distsim::sim
