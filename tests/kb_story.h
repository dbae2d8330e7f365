// The KB Q207416 story the invariant checkers' tests plant violations in: a hand-written history
// where a pass fails on a locked file and the hourly retry installs the package, with a Story of
// switches that each change it in one respect (a leaked handle, a crash, a DP file of another
// version, ...). only_violation() asserts that a history has exactly one violation.
#pragma once

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants.h"

namespace distsim::testing {

using sim::InvariantViolation;

inline const std::string kPackage = "S0100001";
inline const std::string kSource = "C:\\Src";
inline const std::string kFileA = "C:\\Src\\a.cab";
inline const std::string kFileB = "C:\\Src\\b.cab";
inline const std::string kShare = "\\\\DP01\\SMSPKGC$";
inline const std::string kFolder = "\\\\DP01\\SMSPKGC$\\S0100001";
constexpr TimeUs kFailedAt = kSecond;
constexpr TimeUs kRetryAt = kFailedAt + kHour;

// What a test changes in the story; the defaults tell the clean one.
struct Story {
  model::RetryPolicy policy = model::profile_defaults(model::Profile::sms2).retry;
  TimeUs retry_due_us = kRetryAt;     // when the retry is scheduled for
  TimeUs second_start_us = kRetryAt;  // when the second pass begins
  std::string retries_shown = "0";    // 2302's "retries so far"
  bool give_up = false;               // the first failure is final: no second pass
  int64_t leaked_handle = 0;          // a manager handle of pass 2 never closed (3..6)
  std::optional<TimeUs> crash_at_us;  // the process dies during pass 2, never restarts
  int64_t dp_b_version = 2;           // the version written to the DP's b.cab
  bool dp_b_copied = true;
  bool raise_2301 = true;
  model::PackageState final_state = model::PackageState::installed;
  TimeUs until_us = 2 * model::kMicrosecondsPerDay;
  bool overlapping_pass = false;         // another package's pass runs beside pass 2
  bool overlapping_same_source = false;  // ... and that package's source is C:\Src too
  bool parallel_dp_copy = false;         // pass 2 also copies a.cab to DP02 while it copies to DP01
  std::string first_log_ending;      // overrides the end of the first failure's Distmgr.log line
  bool first_failure_logged = true;  // the first failure has its Distmgr.log line
  bool second_2300 = false;          // pass 2 raises 2300 twice
  bool second_lists_source = true;   // pass 2 lists the source before it reads it
  bool stray_handle = false;         // pass 2 opens C:\Other\x.tmp (handle 9), never closed
};

inline std::string count_text(const model::RetryPolicy& policy) {
  return policy.retry_count_max ? fmt::format("{}", *policy.retry_count_max) : "unlimited";
}

inline void first_pass(HistoryBuilder& history, const Story& story) {
  history.notify(0, "create", kPackage, kSource);
  history.pass_start(0, kPackage, 1);
  history.status(0, 2300, kPackage, {"Office", kPackage});
  history.list(0, kSource);
  history.open(0, "distmgr", kFileA, 1);
  history.content_op(kFailedAt, "read", "distmgr", kFileA, 1, 1000, 1);
  history.close(kFailedAt, "distmgr", kFileA, 1);
  history.open_refused(kFailedAt, "distmgr", kFileB);
  const std::string next = story.give_up ? "none" : "11/16/2000 09:00:01";
  const std::string ending = !story.first_log_ending.empty() ? story.first_log_ending
                             : story.give_up                 ? "It will not be retried."
                                                             : "Will retry.";
  if (story.first_failure_logged) {
    history.log(kFailedAt,
                fmt::format("~Failed to process package {} (retries so far: 0 of {}). {}", kPackage,
                            count_text(story.policy), ending));
  }
  history.status(kFailedAt, 2302, kPackage, {"Office", kPackage, "32", story.retries_shown, next});
  history.pass_end(kFailedAt, kPackage, 1, story.give_up ? "failed" : "retry", 32);
  history.dp_state(kFailedAt, kPackage, "DP01",
                   story.give_up ? "INSTALL_FAILED" : "INSTALL_RETRYING");
  if (!story.give_up) history.retry_scheduled(kFailedAt, kPackage, "", 2, story.retry_due_us);
}

// The manager's handles of pass 2: 3 and 4 read the source, each in a second, 5 and 6 write the
// DP, each in the time DP01's bandwidth gives its size (copy_bandwidth holds writes to it).
inline void copy_file(HistoryBuilder& history, const Story& story, TimeUs t_us, int64_t handle,
                      const std::string& path, std::string_view event, int64_t size,
                      int64_t version) {
  if (story.crash_at_us && *story.crash_at_us < t_us + kSecond) return;
  const auto bandwidth =
      static_cast<int64_t>(history.run.distribution_points.front().bandwidth_bytes_per_second);
  const TimeUs done_us =
      event == "write" ? t_us + (size * kSecond + bandwidth - 1) / bandwidth : t_us + kSecond;
  history.open(t_us, "distmgr", path, handle);
  history.content_op(done_us, event, "distmgr", path, handle, size, version);
  if (story.leaked_handle != handle) history.close(done_us, "distmgr", path, handle);
}

inline void second_pass(HistoryBuilder& history, const Story& story) {
  const TimeUs t_us = story.second_start_us;
  history.pass_start(t_us, kPackage, 2);
  history.status(t_us, 2300, kPackage, {"Office", kPackage});
  if (story.second_2300) history.status(t_us, 2300, kPackage, {"Office", kPackage});
  if (story.stray_handle) {
    history.open(t_us, "distmgr", "C:\\Other\\x.tmp", 9);
    history.run.open_handles.push_back({"distmgr", 9, "C:\\Other\\x.tmp"});
  }
  if (story.overlapping_pass) {
    if (story.overlapping_same_source) history.notify(t_us, "create", "S0100009", kSource);
    history.pass_start(t_us, "S0100009", 1);
    history.status(t_us, 2300, "S0100009", {"Other", "S0100009"});
  }
  if (story.second_lists_source) history.list(t_us, kSource);
  copy_file(history, story, t_us, 3, kFileA, "read", 1000, 1);
  if (story.crash_at_us) {  // the pass dies while reading b.cab (handle 4)
    history.open(t_us + kSecond, "distmgr", kFileB, 4);
    history.world(*story.crash_at_us, "crash");
    history.run.open_handles.push_back({"distmgr", 4, kFileB});
    return;
  }
  copy_file(history, story, t_us + kSecond, 4, kFileB, "read", 2000, 2);
  history.make_directory(t_us + 2 * kSecond, kFolder);
  if (story.parallel_dp_copy) {
    history.open(t_us + 2 * kSecond, "distmgr", "\\\\DP02\\SMSPKGC$\\S0100001\\a.cab", 7);
  }
  copy_file(history, story, t_us + 2 * kSecond, 5, kFolder + "\\a.cab", "write", 1000, 1);
  if (story.parallel_dp_copy) {
    history.close(t_us + 3 * kSecond, "distmgr", "\\\\DP02\\SMSPKGC$\\S0100001\\a.cab", 7);
  }
  if (story.dp_b_copied) {
    copy_file(history, story, t_us + 3 * kSecond, 6, kFolder + "\\b.cab", "write", 2000,
              story.dp_b_version);
  }
  const TimeUs done_us = t_us + 4 * kSecond;
  history.dp_state(done_us, kPackage, "DP01", "INSTALLED");
  history.status(done_us, 2330, kPackage, {kPackage, kShare}, kShare);
  if (story.raise_2301) history.status(done_us, 2301, kPackage, {"Office", kPackage});
  history.pass_end(done_us, kPackage, 2, "success");
  if (story.overlapping_pass) {
    history.status(done_us, 2301, "S0100009", {"Other", "S0100009"});
    history.pass_end(done_us, "S0100009", 1, "success");
  }
  for (const int64_t handle : {3, 4, 5, 6}) {
    if (story.leaked_handle != handle) continue;
    const std::string path = handle == 3   ? kFileA
                             : handle == 4 ? kFileB
                             : handle == 5 ? kFolder + "\\a.cab"
                                           : kFolder + "\\b.cab";
    history.run.open_handles.push_back({"distmgr", static_cast<model::HandleId>(handle), path});
  }
}

inline sim::RunResult story_run(const Story& story) {
  HistoryBuilder history;
  if (story.parallel_dp_copy) {
    history.run.distribution_points.push_back({"DP02", "\\\\DP02\\SMSPKGC$", 12'500'000});
  }
  history.run.site.retry = story.policy;
  history.run.until_us = story.until_us;
  first_pass(history, story);
  model::PackageStatus status;
  status.id = kPackage;
  status.name = "Office";
  status.state = story.give_up ? model::PackageState::failed : story.final_state;
  status.attempt_count = story.give_up ? 1 : 2;
  model::DpStatus dp;
  dp.dp_name = "DP01";
  dp.state = story.give_up ? model::DpState::install_failed : model::DpState::installed;
  history.run.final_files = {{kFileA, {1000, 1}}, {kFileB, {2000, 2}}};
  if (!story.give_up) {
    second_pass(history, story);
    const TimeUs done_us = story.second_start_us + 4 * kSecond;
    if (status.state == model::PackageState::installed) status.installed_at_us = done_us;
    status.state_since_us = done_us;
    history.run.final_files.push_back({kFolder + "\\a.cab", {1000, 1}});
    if (story.dp_b_copied) {
      history.run.final_files.push_back(
          {kFolder + "\\b.cab", {2000, static_cast<uint64_t>(story.dp_b_version)}});
    }
  }
  if (story.crash_at_us) {
    status.state = model::PackageState::retrying;
    dp.state = model::DpState::install_retrying;
    status.installed_at_us.reset();
  }
  status.distribution_points.push_back(dp);
  history.run.packages.push_back(status);
  return std::move(history.run);
}

// The one violation a history must have.
inline InvariantViolation only_violation(const sim::RunResult& run) {
  const auto violations = sim::check_invariants(run);
  for (const auto& violation : violations) {
    INFO(violation.invariant << " at " << violation.t_us << ": " << violation.detail);
    CHECK(violations.size() == 1);
  }
  REQUIRE(violations.size() == 1);
  return violations.front();
}

}  // namespace distsim::testing
