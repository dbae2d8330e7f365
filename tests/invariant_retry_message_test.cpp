// retry_count_text where the site shows the retry count in a message of its own
// (`site.retry_count_shown_in: retry_message`): 2302 then gives the error only, 62302 follows it
// when a retry does, and a 62302 anywhere else is a finding.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";
const std::string kWillRetry =
    "~Failed to process package S0100001 (retries so far: 0 of unlimited). Will retry in 3600 "
    "seconds, at 11/16/2000 09:00:01.";
const std::string kGivesUp =
    "~Failed to process package S0100001 (retries so far: 0 of unlimited). It will not be "
    "retried: error not retried.";

HistoryBuilder site_showing_counts_in(model::RetryCountShownIn shown_in) {
  HistoryBuilder history;
  history.run.site.retry_count_shown_in = shown_in;
  history.notify(0, "create", kPackage, "C:\\Src");
  history.pass_start(0, kPackage, 1);
  history.status(0, 2300, kPackage, {"Office", kPackage});
  return history;
}

std::vector<sim::InvariantViolation> findings(HistoryBuilder& history) {
  const sim::RunResult run = std::move(history.run);
  const sim::invariant_detail::History read = sim::invariant_detail::read_history(run);
  std::vector<sim::InvariantViolation> violations;
  sim::invariant_detail::check_retry_messages(read, violations);
  for (const auto& violation : violations) UNSCOPED_INFO(violation.detail);
  return violations;
}

// The one finding the history must have, a retry_count_text one.
std::string only_finding(HistoryBuilder& history) {
  const auto violations = findings(history);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].invariant == "retry_count_text");
  return violations[0].detail;
}

// The pass fails at 1 s and its retry is scheduled for 1 h 1 s; `failure` and `retry` are the
// insertion strings of its 2302 and of the 62302 after it (`copies` of them, none when empty).
HistoryBuilder failed_pass(model::RetryCountShownIn shown_in, std::vector<std::string> failure,
                           const std::vector<std::string>& retry, char retry_severity = 'W',
                           int copies = 1) {
  HistoryBuilder history = site_showing_counts_in(shown_in);
  history.log(kSecond, kWillRetry);
  history.status(kSecond, 2302, kPackage, std::move(failure), {}, 'E');
  for (int copy = 0; copy < copies && !retry.empty(); ++copy) {
    history.status(kSecond, 62302, kPackage, retry, {}, retry_severity);
  }
  history.pass_end(kSecond, kPackage, 1, "retry", 32);
  history.retry_scheduled(kSecond, kPackage, "", 2, kHour + kSecond);
  return history;
}

const std::vector<std::string> kShortFailure{"Office", kPackage, "32"};
const std::vector<std::string> kCounts{"Office", kPackage, "32", "0", "11/16/2000 09:00:01"};

// A pass that fails at 1 s and gives up, on a site that shows the count in 62302, followed by a
// 62302 with `retry` all the same.
HistoryBuilder given_up_pass_with(std::vector<std::string> retry) {
  HistoryBuilder history = site_showing_counts_in(model::RetryCountShownIn::retry_message);
  history.log(kSecond, kGivesUp);
  history.status(kSecond, 2302, kPackage, kShortFailure, {}, 'E');
  history.status(kSecond, 62302, kPackage, std::move(retry), {}, 'W');
  history.pass_end(kSecond, kPackage, 1, "failed", 32);
  return history;
}

TEST_CASE("a failed pass whose retry message shows the count and the next retry passes",
          "[invariants]") {
  // Goal: the checker accepts the form the model writes. Method: 2302 with the error, 62302
  // with the count 0 and the retry the log line announces.
  HistoryBuilder history =
      failed_pass(model::RetryCountShownIn::retry_message, kShortFailure, kCounts);
  CHECK(findings(history).empty());
}

TEST_CASE("the retry message's count is judged against the trace's failed attempts",
          "[invariants]") {
  // Goal: the count is read from 62302, not from 2302. Method: 62302 shows one retry too many.
  std::vector<std::string> one_too_many = kCounts;
  one_too_many[3] = "1";
  HistoryBuilder history =
      failed_pass(model::RetryCountShownIn::retry_message, kShortFailure, one_too_many);
  CHECK(only_finding(history) ==
        "62302 for S0100001 shows 1 retry; the trace shows 0 failed attempts before it in this "
        "retry cycle");
}

TEST_CASE("a 2302 that still shows the count where a message of its own should is a finding",
          "[invariants]") {
  // Goal: the site's setting decides 2302's form. Method: five insertion strings in 2302.
  HistoryBuilder history = failed_pass(model::RetryCountShownIn::retry_message, kCounts, kCounts);
  CHECK(only_finding(history) ==
        "2302 for S0100001 has 5 insertion strings; 3 expected where a message of its own shows "
        "the retry count");
}

TEST_CASE("a retry message on a site whose 2302 shows the count is a finding", "[invariants]") {
  // Goal: 62302 exists only where the site says. Method: the default site raising both forms.
  HistoryBuilder history = failed_pass(model::RetryCountShownIn::failure_message, kCounts, kCounts);
  CHECK(only_finding(history) ==
        "62302 for S0100001 on a site whose 2302 shows the retry count itself");
}

TEST_CASE("a retry message after a pass that gives up is a finding", "[invariants]") {
  // Goal: the log line and 62302 agree on whether a retry follows. Method: the log gives up,
  // 62302 names a retry.
  HistoryBuilder history = given_up_pass_with(kCounts);
  CHECK(only_finding(history) ==
        "Distmgr.log for S0100001 says it will not retry but its 62302 gives the next retry as "
        "'11/16/2000 09:00:01'");
}

TEST_CASE("a retry message that names no next retry is a finding", "[invariants]") {
  // Goal: 62302 exists only where a retry follows. Method: a 62302 whose content agrees with
  // the log line that gives up.
  std::vector<std::string> no_retry = kCounts;
  no_retry[4] = "none";
  HistoryBuilder history = given_up_pass_with(no_retry);
  CHECK(only_finding(history) ==
        "62302 for S0100001 gives the next retry as 'none'; it is raised only when a retry "
        "follows");
}

TEST_CASE("a retry message before its pass's 2302 is a finding", "[invariants]") {
  // Goal: 62302 follows its 2302. Method: the two raised the other way round.
  HistoryBuilder history = site_showing_counts_in(model::RetryCountShownIn::retry_message);
  history.log(kSecond, kWillRetry);
  history.status(kSecond, 62302, kPackage, kCounts, {}, 'W');
  history.status(kSecond, 2302, kPackage, kShortFailure, {}, 'E');
  history.pass_end(kSecond, kPackage, 1, "retry", 32);
  history.retry_scheduled(kSecond, kPackage, "", 2, kHour + kSecond);
  const auto violations = findings(history);
  REQUIRE(violations.size() == 2);
  CHECK(violations[0].detail == "62302 for S0100001 follows no 2302 of a failed pass");
  CHECK(violations[1].detail ==
        "Distmgr.log for S0100001 says it will retry but no 62302 follows its 2302");
}

TEST_CASE("a second retry message, or one after the pass ended, is a finding", "[invariants]") {
  // Goal: one 62302 per failed pass, within the pass. Method: a second 62302 at once, and a
  // third after the pass's end.
  HistoryBuilder history =
      failed_pass(model::RetryCountShownIn::retry_message, kShortFailure, kCounts);
  history.status(2 * kSecond, 62302, kPackage, kCounts, {}, 'W');
  CHECK(only_finding(history) ==
        "62302 for S0100001 comes after the end of the pass whose 2302 it follows");

  HistoryBuilder twice =
      failed_pass(model::RetryCountShownIn::retry_message, kShortFailure, kCounts, 'W', 2);
  CHECK(only_finding(twice) == "a second 62302 for S0100001 follows the same 2302");
}

TEST_CASE("a retry message that names another error or is not a warning is a finding",
          "[invariants]") {
  // Goal: 62302 repeats its 2302's package and error, as a Warning. Method: error 5 in 62302
  // after error 32; then the right strings with severity Error.
  std::vector<std::string> other_error = kCounts;
  other_error[2] = "5";
  HistoryBuilder history =
      failed_pass(model::RetryCountShownIn::retry_message, kShortFailure, other_error);
  CHECK(only_finding(history) ==
        "62302 for S0100001 (W: Office|S0100001|5|0|11/16/2000 09:00:01) does not repeat its "
        "2302's package and error (Office|S0100001|32) as a Warning");

  HistoryBuilder as_error =
      failed_pass(model::RetryCountShownIn::retry_message, kShortFailure, kCounts, 'E');
  CHECK(only_finding(as_error) ==
        "62302 for S0100001 (E: Office|S0100001|32|0|11/16/2000 09:00:01) does not repeat its "
        "2302's package and error (Office|S0100001|32) as a Warning");
}

TEST_CASE("a log line and a 2302 that name different next retries are a finding", "[invariants]") {
  // Goal: the time of the next retry is judged, not only whether one follows. Method: the
  // default site's 2302 names a retry an hour later than the log line announces.
  std::vector<std::string> later = kCounts;
  later[4] = "11/16/2000 10:00:01";
  HistoryBuilder history = failed_pass(model::RetryCountShownIn::failure_message, later, {});
  CHECK(only_finding(history) ==
        "Distmgr.log for S0100001 gives the next retry as '11/16/2000 09:00:01' but its 2302 "
        "gives '11/16/2000 10:00:01'");
}

}  // namespace
}  // namespace distsim::testing
