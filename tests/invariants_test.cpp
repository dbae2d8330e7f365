// Every invariant checker caught in the act: a clean hand-written history (a KB Q207416 story: a
// pass fails on a locked file, the hourly retry installs the package) passes them all, and each
// test plants exactly one violation and asserts its checker's name, time and message.
#include "sim/check/invariants.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "history_builder.h"
#include "kb_story.h"
#include "sim/check/expectations.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

using sim::InvariantViolation;

TEST_CASE("the clean story passes every checker", "[invariants]") {
  // Goal: the stories below differ from a history with no violation in exactly one respect.
  for (const auto& violation : sim::check_invariants(story_run({}))) {
    FAIL_CHECK(violation.invariant << ": " << violation.detail);
  }
  Story gives_up;
  gives_up.give_up = true;
  gives_up.policy.retry_count_max = 0;
  CHECK(sim::check_invariants(story_run(gives_up)).empty());
}

TEST_CASE("retry_bound catches a second attempt that a count of 0 forbids", "[invariants]") {
  Story story;
  story.policy.retry_count_max = 0;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_bound");
  CHECK(violation.t_us == kRetryAt);
  CHECK(violation.detail ==
        "S0100001 made attempt 2 of one retry cycle; the policy allows at most 1");
}

TEST_CASE("retry_bound catches a retry past the deadline of an unlimited policy", "[invariants]") {
  // The sms2 default (no count) with a deadline: the deadline alone bounds the retries.
  Story story;
  story.policy.deadline_us = 30 * kMinute;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_bound");
  CHECK(violation.t_us == kFailedAt);
  CHECK(violation.detail ==
        "S0100001: a retry due at 01:00:01 is 1h1s after the cycle's first attempt began; the "
        "deadline is 30m");
}

TEST_CASE("retry_give_up catches giving up while retries remain", "[invariants]") {
  Story story;
  story.give_up = true;
  story.policy.retry_count_max = 5;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_give_up");
  CHECK(violation.t_us == kFailedAt);
  CHECK(violation.detail ==
        "S0100001 gave up after 0 retries of 5 although the policy still allows a retry");
}

TEST_CASE("retry_wait catches a wait shorter than the policy's delay", "[invariants]") {
  Story story;
  story.retry_due_us = kFailedAt + 30 * kMinute;
  story.second_start_us = story.retry_due_us;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_wait");
  CHECK(violation.t_us == kFailedAt);
  CHECK(violation.detail == "S0100001: retry 1 waits 30m; the policy allows 1h");
}

TEST_CASE("retry_wait counts each wait from where delay_from says", "[invariants]") {
  // Goal: the anchor is the policy's, not the model's. Counted from the first pass's start (0s),
  // the hour ends at 01:00:00; a retry an hour after the pass ended waits a second too long.
  Story story;
  story.policy.delay_from = model::DelayFrom::attempt_start;
  story.retry_due_us = kHour;
  story.second_start_us = kHour;
  CHECK(sim::check_invariants(story_run(story)).empty());
  story.retry_due_us = kRetryAt;
  story.second_start_us = kRetryAt;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_wait");
  CHECK(violation.t_us == kFailedAt);
  CHECK(violation.detail ==
        "S0100001: retry 1 waits 1h1s from the start of the failed attempt; the policy allows 1h");
}

TEST_CASE("retry_wait accepts a retry due as the attempt ends only when its delay ran out",
          "[invariants]") {
  // Goal: counted from the start, a delay shorter than the attempt makes the retry due at once;
  // one longer than the attempt may not.
  Story story;
  story.policy.delay_from = model::DelayFrom::attempt_start;
  story.policy.delay_us = kSecond / 2;
  story.retry_due_us = kFailedAt;
  story.second_start_us = kFailedAt;
  CHECK(sim::check_invariants(story_run(story)).empty());
  story.policy.delay_us = 2 * kSecond;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_wait");
  CHECK(violation.detail ==
        "S0100001: retry 1 falls due as the failed attempt ends, 1s from the start of the failed "
        "attempt; the policy allows 2s");
}

TEST_CASE("retry_wait catches a retry that starts before it falls due", "[invariants]") {
  Story story;
  story.second_start_us = kFailedAt + 30 * kMinute;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_wait");
  CHECK(violation.t_us == story.second_start_us);
  CHECK(violation.detail == "S0100001: retry 1 began at 00:30:01, before it fell due at 01:00:01");
}

TEST_CASE("retry_wait catches a retry that does not start when due on an idle manager",
          "[invariants]") {
  Story story;
  story.second_start_us = kRetryAt + 10 * kMinute;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_wait");
  CHECK(violation.t_us == kRetryAt);
  CHECK(violation.detail ==
        "S0100001: retry 1 fell due at 01:00:01 with the manager free, but no pass began then");
}

TEST_CASE("retry_count_text catches a 2302 that miscounts the retries", "[invariants]") {
  Story story;
  story.retries_shown = "1";
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_count_text");
  CHECK(violation.t_us == kFailedAt);
  CHECK(violation.detail ==
        "2302 for S0100001 shows 1 retry; the trace shows 0 failed attempts before it in this "
        "retry cycle");
}

TEST_CASE("retry_count_text catches a failed pass that Distmgr.log does not mention",
          "[invariants]") {
  // Goal: KB Q207416's Distmgr.log shows each failure and the retries so far; a failure the log
  // leaves out is caught, as a DP copy's is.
  Story story;
  story.first_failure_logged = false;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_count_text");
  CHECK(violation.t_us == kFailedAt);
  CHECK(violation.detail ==
        "Distmgr.log for S0100001 has no line starting 'Failed to process package S0100001 "
        "(retries so far: ' for the failed pass");
}

TEST_CASE("retry_count_text catches a log line that promises a retry the 2302 denies",
          "[invariants]") {
  Story story;
  story.give_up = true;
  story.policy.retry_count_max = 0;
  story.first_log_ending = "Will retry in 3600 seconds.";
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "retry_count_text");
  CHECK(violation.t_us == kFailedAt);
  CHECK(violation.detail ==
        "Distmgr.log for S0100001 says it will retry but its 2302 gives the next retry as 'none'");
}

TEST_CASE("retry_count_text holds an announced wait to whole seconds rounded up", "[invariants]") {
  Story story;  // the retry falls due 3600.5 s after the failure
  story.policy.delay_us = kHour + kSecond / 2;
  story.retry_due_us = story.second_start_us = kRetryAt + kSecond / 2;
  story.first_log_ending = "Will retry in 3601 seconds.";
  CHECK(sim::check_invariants(story_run(story)).empty());
  story.first_log_ending = "Will retry in 3600 seconds.";
  CHECK(only_violation(story_run(story)).detail ==
        "Distmgr.log for S0100001 announces a wait of 3600 seconds; the retry was scheduled 3601 "
        "seconds later");
}

TEST_CASE("thread_limit catches more passes at once than max_packages", "[invariants]") {
  Story story;
  story.overlapping_pass = true;
  sim::RunResult run = story_run(story);
  run.site.max_packages = 1;
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "thread_limit");
  CHECK(violation.t_us == kRetryAt);
  CHECK(violation.detail ==
        "2 processing passes run at once when the pass of S0100009 begins; max_packages is 1");
}

TEST_CASE("thread_limit catches more DP copies of a package at once than threads_per_package",
          "[invariants]") {
  Story story;
  story.parallel_dp_copy = true;
  sim::RunResult run = story_run(story);
  run.site.threads_per_package = 1;
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "thread_limit");
  CHECK(violation.t_us == kRetryAt + 2 * kSecond);
  CHECK(violation.detail ==
        "S0100001 is copied to 2 DPs at once at 01:00:03; threads_per_package is 1");
}

TEST_CASE("handles_closed catches a source handle that outlives its pass", "[invariants]") {
  // The manager's own count would say 0; the trace and the VFS table say handle 3 is open.
  Story story;
  story.leaked_handle = 3;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "handles_closed");
  CHECK(violation.t_us == kRetryAt + 4 * kSecond);
  CHECK(
      violation.detail ==
      "the pass of S0100001 ended at 01:00:05 but distmgr still holds handle 3 on C:\\Src\\a.cab");
}

TEST_CASE(
    "handles_closed catches a leaked handle two running passes could have opened once both "
    "end",
    "[invariants]") {
  // Goal: a path that belongs to two packages (both read C:\Src) is not blamed on the pass that
  // ends first, since the other may hold it, but a real leak is still caught, when the last of
  // them ends.
  Story story;
  story.leaked_handle = 3;
  story.overlapping_pass = true;
  story.overlapping_same_source = true;
  const sim::RunResult run = story_run(story);
  std::vector<InvariantViolation> closed;
  for (const InvariantViolation& violation : sim::check_invariants(run)) {
    if (violation.invariant == "handles_closed") closed.push_back(violation);
  }
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].t_us == kRetryAt + 4 * kSecond);
  CHECK(
      closed[0].detail ==
      "the pass of S0100009 ended at 01:00:05 but distmgr still holds handle 3 on C:\\Src\\a.cab");
}

TEST_CASE("handles_closed catches handles that survive the manager's death", "[invariants]") {
  Story story;
  story.crash_at_us = kRetryAt + 1500 * model::kMicrosecondsPerMillisecond;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "handles_closed");
  CHECK(violation.t_us == *story.crash_at_us);
  CHECK(violation.detail ==
        "distmgr died at 01:00:02.500 but 1 of its handles stayed open (first: 4 on "
        "C:\\Src\\b.cab)");
}

TEST_CASE("handles_closed catches a VFS handle table that disagrees with the trace",
          "[invariants]") {
  sim::RunResult run = story_run({});
  run.trace.add(10 * kHour, "setup-program", "open",
                {{"path", std::string("C:\\Src\\~busy.tmp")}, {"handle", int64_t{9}}});
  run.trace.add(11 * kHour, "setup-program", "close",
                {{"path", std::string("C:\\Src\\~busy.tmp")}, {"handle", int64_t{9}}});
  run.open_handles.push_back({"setup-program", 9, "C:\\Src\\~busy.tmp"});
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "handles_closed");
  CHECK(violation.t_us == run.until_us);
  CHECK(violation.detail ==
        "the VFS handle table holds setup-program's handle 9 on C:\\Src\\~busy.tmp at the end, "
        "which the trace shows closed or never opened");
}

TEST_CASE("dp_content catches a DP installed with a file of another version", "[invariants]") {
  Story story;
  story.dp_b_version = 7;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "dp_content");
  CHECK(violation.t_us == kRetryAt + 4 * kSecond);
  CHECK(violation.detail ==
        "S0100001 is INSTALLED on DP01 since 01:00:05 but its folder differs from the source "
        "version read: b.cab has 2000 bytes version 7, the source read had 2000 bytes version 2");
}

TEST_CASE("dp_content catches a DP installed with a partial copy", "[invariants]") {
  Story story;
  story.dp_b_copied = false;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "dp_content");
  CHECK(violation.t_us == kRetryAt + 4 * kSecond);
  CHECK(violation.detail ==
        "S0100001 is INSTALLED on DP01 since 01:00:05 but its folder differs from the source "
        "version read: b.cab is missing");
}

TEST_CASE("package_state catches a package whose state contradicts its DPs", "[invariants]") {
  // The horizon comes before the liveness bound, so that only the state is judged.
  Story story;
  story.final_state = model::PackageState::retrying;
  story.until_us = kRetryAt + kMinute;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "package_state");
  CHECK(violation.t_us == kRetryAt + 4 * kSecond);
  CHECK(violation.detail == "S0100001 is retrying: not installed although every DP is INSTALLED");
}

TEST_CASE("package_state catches a final DP state the trace never reported", "[invariants]") {
  Story story;
  story.until_us = kRetryAt + kMinute;
  sim::RunResult run = story_run(story);
  run.packages[0].distribution_points[0].state = model::DpState::install_retrying;
  run.packages[0].state = model::PackageState::retrying;
  run.packages[0].installed_at_us.reset();
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "package_state");
  CHECK(violation.t_us == kRetryAt + 4 * kSecond);
  CHECK(violation.detail ==
        "S0100001 on DP01 ends INSTALL_RETRYING but the trace last reported INSTALLED");
}

TEST_CASE("pass_messages catches a pass that ends without 2301 or 2302", "[invariants]") {
  Story story;
  story.raise_2301 = false;
  const InvariantViolation violation = only_violation(story_run(story));
  CHECK(violation.invariant == "pass_messages");
  CHECK(violation.t_us == kRetryAt + 4 * kSecond);
  CHECK(violation.detail ==
        "the pass of S0100001 that began at 01:00:01 raised 0 2301/2302 messages");
}

// The end of a world where the package was announced at 0 and never processed: its two source
// files are there and it sits on DP01 without ever having been installed.
void leave_package_unprocessed(HistoryBuilder& history) {
  history.run.final_files = {{kFileA, {1000, 1}}, {kFileB, {2000, 2}}};
  model::PackageStatus status;
  status.id = kPackage;
  status.state_since_us = 0;
  status.distribution_points.push_back({});
  status.distribution_points[0].dp_name = "DP01";
  history.run.packages.push_back(status);
}

// One retry wait (1 h) plus twice the processing time: a minute of slack, reading and compressing
// 3000 bytes at 100 MiB/s (29 us each) and copying them at 100 Mbps (240 us).
constexpr TimeUs kLivenessSlackUs = kHour + 2 * (kMinute + 2 * 29 + 240);

TEST_CASE("liveness catches a package that is never processed in a quiet world", "[invariants]") {
  HistoryBuilder history;
  history.notify(0, "create", kPackage, kSource);
  leave_package_unprocessed(history);
  const InvariantViolation violation = only_violation(history.run);
  CHECK(violation.invariant == "liveness");
  CHECK(violation.t_us == kLivenessSlackUs);
  CHECK(violation.detail ==
        "S0100001 is not installed at the end although everything let go at 00:00:00 and its "
        "policy still allows a retry; it should have been installed by 01:02:00");
}

TEST_CASE("liveness waits for a distribution point's fault to end and counts from its end",
          "[invariants]") {
  // The quiet world above, with DP01 unreachable from the start: while the fault lasts no retry
  // can install the package, and once it ends the package is owed one retry wait later.
  HistoryBuilder history;
  history.notify(0, "create", kPackage, kSource);
  history.run.trace.add(
      0, "dp:DP01", "fault_start",
      {{"fault", std::string_view("dp_unreachable")}, {"target", std::string_view("DP01")}});
  leave_package_unprocessed(history);
  CHECK(sim::check_invariants(history.run).empty());
  history.run.trace.add(
      3 * kHour, "dp:DP01", "fault_end",
      {{"fault", std::string_view("dp_unreachable")}, {"target", std::string_view("DP01")}});
  const InvariantViolation violation = only_violation(history.run);
  CHECK(violation.invariant == "liveness");
  CHECK(violation.t_us == 3 * kHour + kLivenessSlackUs);
}

TEST_CASE("liveness does not ask for a package whose source folder is gone at the end",
          "[invariants]") {
  // The same quiet world as above, but the source folder no longer exists: the manager's
  // retries can never succeed, so a package left retrying is not a liveness failure.
  HistoryBuilder history;
  history.notify(0, "create", kPackage, kSource);
  model::PackageStatus status;
  status.id = kPackage;
  status.state_since_us = 0;
  history.run.packages.push_back(status);
  history.run.missing_sources = {"c:\\SRC"};  // the VFS's spelling need not match
  CHECK(sim::check_invariants(history.run).empty());
  history.run.missing_sources = {"C:\\Src\\Other"};
  CHECK(only_violation(history.run).invariant == "liveness");
}

TEST_CASE("liveness does not ask for a package whose DP folder holds a read-only file at the end",
          "[invariants]") {
  // Copying over a read-only file fails with error 5 on every retry, so nothing can install it.
  HistoryBuilder history;
  history.notify(0, "create", kPackage, kSource);
  history.run.distribution_points.push_back({});
  history.run.distribution_points[0].name = "DP01";
  history.run.distribution_points[0].share = "\\\\DP01\\SMSPKGC$";
  model::PackageStatus status;
  status.id = kPackage;
  status.state_since_us = 0;
  history.run.packages.push_back(status);
  history.run.read_only_files = {"\\\\dp01\\smspkgc$\\S0100001\\A.CAB"};
  CHECK(sim::check_invariants(history.run).empty());
  history.run.read_only_files = {"\\\\DP01\\SMSPKGC$\\S0100002\\A.CAB"};
  CHECK(only_violation(history.run).invariant == "liveness");
}

TEST_CASE("status_log_consistency catches a status message missing from Distmgr.log",
          "[invariants]") {
  sim::RunResult run = story_run({});
  run.log_lines.erase(run.log_lines.begin());  // the STATMSG line of the first 2300
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "status_log_consistency");
  CHECK(violation.t_us == run.until_us);
  CHECK(violation.detail == "status message 2300: raised and logged counts differ by 1");
}

TEST_CASE("installed_has_time catches an installed package without a time", "[invariants]") {
  sim::RunResult run = story_run({});
  run.packages[0].installed_at_us.reset();
  const InvariantViolation violation = only_violation(run);
  CHECK(violation.invariant == "installed_has_time");
  CHECK(violation.t_us == run.until_us);
  CHECK(violation.detail == "S0100001 is installed without a time within the run");
}

TEST_CASE("the wait bounds follow each jitter kind's definition", "[invariants]") {
  // Goal: the analytic bounds the retry_wait checker applies, per policy kind.
  using sim::invariant_detail::delay_range;
  model::RetryPolicy policy;
  policy.delay_us = 10 * kMinute;
  policy.backoff = model::Backoff::exponential;
  policy.multiplier_milli = 2000;
  policy.max_delay_us = 60 * kMinute;
  CHECK(delay_range(policy, 1, 0).low_us == 10 * kMinute);
  CHECK(delay_range(policy, 3, 0).high_us == 40 * kMinute);
  CHECK(delay_range(policy, 4, 0).high_us == 60 * kMinute);  // capped
  policy.jitter = model::Jitter::full;
  CHECK(delay_range(policy, 2, 0).low_us == 0);
  CHECK(delay_range(policy, 2, 0).high_us == 20 * kMinute);
  policy.jitter = model::Jitter::equal;
  CHECK(delay_range(policy, 2, 0).low_us == 10 * kMinute);
  policy.jitter = model::Jitter::decorrelated;
  CHECK(delay_range(policy, 5, 15 * kMinute).low_us == 10 * kMinute);
  CHECK(delay_range(policy, 5, 15 * kMinute).high_us == 45 * kMinute);
  CHECK(delay_range(policy, 5, 30 * kMinute).high_us == 60 * kMinute);
  CHECK(sim::invariant_detail::longest_delay(policy, 3) == 60 * kMinute);
}

}  // namespace
}  // namespace distsim::testing
