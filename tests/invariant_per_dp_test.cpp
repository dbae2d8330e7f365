// The retry checkers on the per-DP path (site.retry_unit distribution_point, as configmgr2012):
// DP copies that fail, retry and give up as the policy says are clean; a missing or miscounted DP
// retry line, a DP retried past its count and a wrong retry limit in Distmgr.log are each found.
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "history_builder.h"
#include "kb_story.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

constexpr TimeUs kDpRetryDelay = 30 * kMinute;  // the configmgr2012 profile's delay
const std::string kAttempting =
    "DP Thread: Attempting to add or update package S0100001 on distribution point "
    "\\\\DP01\\SMSPKGC$";

// What a test changes in a per-DP history of kPackage and DP01: each copy to DP01 takes a second;
// the failed ones are refused with 53 and retried 30 minutes after they end, and the copy after
// the last failed one succeeds unless that one gives up.
struct PerDpStory {
  std::optional<uint32_t> retry_count_max = 100;
  int failed_copies = 1;  // at least one: the package's own pass holds the first
  bool gives_up = false;  // the last failed copy is final
  bool last_line = true;  // the last failed copy's line saying whether a retry follows
  int64_t miscount = 0;   // added to the count that line gives
  // The "of M" the failed pass's Distmgr.log line gives (the policy's when unset).
  std::optional<std::string> package_limit = std::nullopt;
  int64_t logged_error = 53;  // the error each failed copy's "~Error N:" line gives
};

// When copy `copy` (0 for the package pass's own) begins.
TimeUs copy_start(int copy) { return static_cast<TimeUs>(copy) * (kSecond + kDpRetryDelay); }

// A span of DP retries without a processing thread, as the manager begins one when a retry of
// DP01 falls due.
void dp_retries_start(HistoryBuilder& history, int copy, const std::string& most) {
  const TimeUs t_us = copy_start(copy);
  history.add_record(t_us, "distmgr", "pass_start",
                     {{"package", kPackage}, {"attempt", int64_t{1}}, {"dp_retries", true}});
  sim::PassRecord pass;
  pass.package_id = kPackage;
  pass.attempt = 1;
  pass.dp_retries = true;
  pass.start_us = t_us;
  history.run.passes.push_back(pass);
  history.log(t_us, fmt::format("~Retrying package {} on distribution point {}: retry {} of {}.",
                                kPackage, kShare, copy, most));
}

// A copy to DP01 that the DP refuses at once: the network path is not found (53).
void refused_copy(HistoryBuilder& history, TimeUs t_us, int64_t logged_error) {
  history.log(t_us, kAttempting);
  history.add_record(t_us, "distmgr", "open",
                     {{"path", kFolder + "\\a.cab"},
                      {"access", std::vector<std::string>{"GENERIC_WRITE"}},
                      {"share", std::vector<std::string>{}},
                      {"win32", int64_t{53}},
                      {"result", std::string("ERROR_BAD_NETPATH")}});
  history.log(t_us, fmt::format("~Error {}: The network path was not found. Cannot copy package {} "
                                "to distribution point {}. Failed on {}\\a.cab.",
                                logged_error, kPackage, kShare, kFolder));
}

// The end of the package's own pass, whose copy to DP01 failed: DP01 retries on its own.
void package_pass_end(HistoryBuilder& history, const PerDpStory& story, const std::string& most,
                      bool retried) {
  const TimeUs t_us = kSecond;
  const std::string next = retried ? "11/16/2000 08:30:01" : "none";
  history.log(t_us, fmt::format("~Failed to process package {} (retries so far: 0 of {}): copies "
                                "to distribution points failed; each is retried on its own (next "
                                "retry: {}).",
                                kPackage, story.package_limit.value_or(most), next));
  history.status(t_us, 2302, kPackage, {"Office", kPackage, "53", "0", next}, {}, 'E');
}

sim::RunResult per_dp_run(const PerDpStory& story) {
  HistoryBuilder history;
  history.run.site = model::profile_defaults(model::Profile::configmgr2012);
  history.run.site.retry.retry_count_max = story.retry_count_max;
  const std::string most = count_text(history.run.site.retry);
  history.notify(0, "create", kPackage, kSource);
  history.pass_start(0, kPackage, 1);
  history.status(0, 2300, kPackage, {"Office", kPackage});
  history.list(0, kSource);
  for (int copy = 0; copy < story.failed_copies; ++copy) {
    const TimeUs end_us = copy_start(copy) + kSecond;
    if (copy > 0) dp_retries_start(history, copy, most);
    refused_copy(history, copy_start(copy), story.logged_error);
    const bool last = copy + 1 == story.failed_copies;
    const bool gives_up = last && story.gives_up;
    // The model's count: retries made before this copy; counting this one where it retries.
    const int64_t shown = int64_t{copy} + (gives_up ? 0 : 1) + (last ? story.miscount : 0);
    if (!last || story.last_line) {
      history.log(end_us,
                  gives_up ? fmt::format("~Package {} failed on distribution point {} after {} "
                                         "retries; it will not be retried: retry count exhausted.",
                                         kPackage, kShare, shown)
                           : fmt::format("~Will retry package {} on distribution point {} in 1800 "
                                         "seconds (retry {} of {}).",
                                         kPackage, kShare, shown, most));
    }
    history.dp_state(end_us, kPackage, "DP01", gives_up ? "INSTALL_FAILED" : "INSTALL_RETRYING");
    history.status(end_us, 2328, kPackage, {kPackage, kSource, kFolder}, kShare,
                   gives_up ? 'E' : 'W');
    if (!gives_up) {
      history.retry_scheduled(end_us, kPackage, "DP01", int64_t{copy} + 2, end_us + kDpRetryDelay);
    }
    if (copy == 0) package_pass_end(history, story, most, !gives_up);
    history.pass_end(end_us, kPackage, 1, gives_up ? "failed" : "retry", 53);
  }
  if (!story.gives_up) {
    const TimeUs start_us = copy_start(story.failed_copies);
    dp_retries_start(history, story.failed_copies, most);
    history.log(start_us, kAttempting);
    history.dp_state(start_us + kSecond, kPackage, "DP01", "INSTALLED");
    history.log(
        start_us + kSecond,
        fmt::format("~Package {} has been copied to distribution point {}.", kPackage, kShare));
    history.status(start_us + kSecond, 2330, kPackage, {kPackage, kShare}, kShare);
    history.pass_end(start_us + kSecond, kPackage, 1, "success");
  }
  return std::move(history.run);
}

// What the retry checkers (retry_bound, retry_give_up, retry_wait), retry_count_text and
// failure_error find in a run.
std::vector<InvariantViolation> findings(const sim::RunResult& run) {
  const sim::invariant_detail::History history = sim::invariant_detail::read_history(run);
  std::vector<InvariantViolation> violations;
  sim::invariant_detail::check_retry_units(history, violations);
  sim::invariant_detail::check_retry_messages(history, violations);
  sim::invariant_detail::check_failure_errors(history, violations);
  for (const auto& violation : violations) {
    UNSCOPED_INFO(violation.invariant << " at " << violation.t_us << ": " << violation.detail);
  }
  return violations;
}

// The one finding a run must have.
InvariantViolation only_finding(const sim::RunResult& run) {
  const auto violations = findings(run);
  REQUIRE(violations.size() == 1);
  return violations.front();
}

TEST_CASE("a per-DP history whose DP copies fail, retry and give up as the policy says is clean",
          "[invariants]") {
  // Goal: the stories below differ from a clean per-DP history in exactly one respect. Method: one
  // failed copy then a copied one; two failed copies then a copied one; two failed copies where
  // the second gives up with the one retry the policy allows spent.
  CHECK(findings(per_dp_run({})).empty());
  CHECK(findings(per_dp_run({.failed_copies = 2})).empty());
  CHECK(findings(per_dp_run({.retry_count_max = 1, .failed_copies = 2, .gives_up = true})).empty());
  // The DP's own unit is read: two copy attempts, the first failed with 53 and retried.
  const sim::RunResult run = per_dp_run({});
  const auto history = sim::invariant_detail::read_history(run);
  REQUIRE(history.units.size() == 2);
  REQUIRE(history.units[1].name() == "S0100001 on DP01");
  REQUIRE(history.units[1].attempts.size() == 2);
  CHECK(history.units[1].attempts[0].outcome == sim::invariant_detail::Outcome::failed);
  CHECK(history.units[1].attempts[0].error == 53);
  CHECK(history.units[1].attempts[1].outcome == sim::invariant_detail::Outcome::success);
  CHECK(history.units[1].retries.size() == 1);
}

TEST_CASE("retry_count_text catches a failed DP copy with no retry line", "[invariants]") {
  // Goal: a DP copy's retry is announced in Distmgr.log. Method: the first copy fails and its
  // retry is scheduled, but no "Will retry package" line says so.
  const InvariantViolation violation = only_finding(per_dp_run({.last_line = false}));
  CHECK(violation.invariant == "retry_count_text");
  CHECK(violation.t_us == kSecond);
  CHECK(violation.detail ==
        "Distmgr.log for S0100001 on DP01 has no line starting 'Will retry package S0100001 on "
        "distribution point \\\\DP01\\SMSPKGC$ in ' for the failed copy");
}

TEST_CASE("retry_count_text catches a DP copy that gives up with no line saying so",
          "[invariants]") {
  // Goal: a 2328 that gives up (severity Error) is looked for with the give-up line, not the
  // retry line. Method: the second copy gives up without its line.
  const InvariantViolation violation = only_finding(
      per_dp_run({.retry_count_max = 1, .failed_copies = 2, .gives_up = true, .last_line = false}));
  CHECK(violation.invariant == "retry_count_text");
  CHECK(violation.t_us == copy_start(1) + kSecond);
  CHECK(violation.detail ==
        "Distmgr.log for S0100001 on DP01 has no line starting 'Package S0100001 failed on "
        "distribution point \\\\DP01\\SMSPKGC$ after ' for the failed copy");
}

TEST_CASE("retry_count_text catches a DP give-up line that miscounts the retries", "[invariants]") {
  // Goal: the give-up line gives the retries made before the copy. Method: the second copy gives
  // up after one retry, and its line says two.
  const InvariantViolation violation = only_finding(
      per_dp_run({.retry_count_max = 1, .failed_copies = 2, .gives_up = true, .miscount = 1}));
  CHECK(violation.invariant == "retry_count_text");
  CHECK(violation.t_us == copy_start(1) + kSecond);
  CHECK(violation.detail ==
        "Distmgr.log for S0100001 on DP01 shows 2 retries; the trace shows 1 failed attempt before "
        "it in this retry cycle");
}

TEST_CASE("retry_count_text catches a DP retry line that miscounts the retry it announces",
          "[invariants]") {
  // Goal: the retry line counts the retry it announces with those before it. Method: the second
  // failed copy announces retry 3 where it is the second; then retry 1.
  const InvariantViolation violation =
      only_finding(per_dp_run({.failed_copies = 2, .miscount = 1}));
  CHECK(violation.invariant == "retry_count_text");
  CHECK(violation.t_us == copy_start(1) + kSecond);
  CHECK(violation.detail ==
        "Distmgr.log for S0100001 on DP01 (counting this one) shows 3 retries; the trace shows 2 "
        "failed attempts before it in this retry cycle");
  const InvariantViolation too_few = only_finding(per_dp_run({.failed_copies = 2, .miscount = -1}));
  CHECK(too_few.detail ==
        "Distmgr.log for S0100001 on DP01 (counting this one) shows 1 retry; the trace shows 2 "
        "failed attempts before it in this retry cycle");
}

TEST_CASE("retry_bound catches a DP copy retried where a count of 0 forbids it", "[invariants]") {
  // Goal: a DP is its own retry unit, its copies counted against the policy. Method: with
  // retry_count_max 0 the first failed copy is retried anyway; the second fails and gives up.
  const InvariantViolation violation =
      only_finding(per_dp_run({.retry_count_max = 0, .failed_copies = 2, .gives_up = true}));
  CHECK(violation.invariant == "retry_bound");
  CHECK(violation.t_us == copy_start(1));
  CHECK(violation.detail ==
        "S0100001 on DP01 made attempt 2 of one retry cycle; the policy allows at most 1");
}

TEST_CASE("retry_count_text catches a failed pass's log line that gives another retry limit",
          "[invariants]") {
  // Goal: "retries so far: N of M" gives the policy's limit. Method: the KB Q207416 story's line
  // says "of unlimited" on a site whose policy allows 3 retries; then a per-DP pass whose copy
  // failed says the same where the policy allows 100.
  sim::RunResult run = story_run({});
  run.site.retry.retry_count_max = 3;
  const InvariantViolation violation = only_finding(run);
  CHECK(violation.invariant == "retry_count_text");
  CHECK(violation.t_us == kFailedAt);
  CHECK(violation.detail ==
        "Distmgr.log for S0100001 gives the retry limit as 'unlimited'; the policy's is 3");

  const InvariantViolation per_dp = only_finding(per_dp_run({.package_limit = "unlimited"}));
  CHECK(per_dp.invariant == "retry_count_text");
  CHECK(per_dp.t_us == kSecond);
  CHECK(per_dp.detail ==
        "Distmgr.log for S0100001 gives the retry limit as 'unlimited'; the policy's is 100");
}

TEST_CASE("failure_error catches a DP copy whose log line gives an error no refusal gave",
          "[invariants]") {
  // The DP refused the copy with 53; the manager's line says 5.
  const InvariantViolation violation = only_finding(per_dp_run({.logged_error = 5}));
  CHECK(violation.invariant == "failure_error");
  CHECK(violation.t_us == kSecond);
  CHECK(violation.detail ==
        "S0100001 on DP01: the attempt from 00:00:00 failed with error 5 (its Distmgr.log line), "
        "but the file system refused none of the manager's operations on its files with 5 during "
        "the attempt; it refused 53 (open \\\\DP01\\SMSPKGC$\\S0100001\\a.cab at 00:00:00)");
}

TEST_CASE("a package pass after one whose DP copies failed needs no package retry",
          "[invariants]") {
  // Under a per-DP policy the DPs retry on their own: the package's next pass (here an hour
  // later) is no retry of the package, so retry_wait does not ask for one.
  HistoryBuilder history;
  history.run = per_dp_run({});
  const TimeUs t_us = 2 * kHour;
  history.pass_start(t_us, kPackage, 2);
  history.status(t_us, 2300, kPackage, {"Office", kPackage});
  history.status(t_us + kSecond, 2301, kPackage, {"Office", kPackage});
  history.pass_end(t_us + kSecond, kPackage, 2, "success");
  for (const InvariantViolation& violation : findings(history.run)) {
    CHECK(violation.invariant != "retry_wait");
  }
}

}  // namespace
}  // namespace distsim::testing
