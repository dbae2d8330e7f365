// The retry checkers under both values of site.retry.crash_uses_retry: an attempt a crash cut
// short counts as a used retry, or as nothing when the manager redoes it without using one.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";

// A policy of one retry. Pass 1 fails and schedules the retry; pass 2 (the retry) dies in a
// crash; after the restart pass 3 fails and gives up, its 2302 and Distmgr.log counting one
// retry so far: right only when the crash used no retry.
std::vector<sim::InvariantViolation> findings(bool crash_uses_retry) {
  HistoryBuilder history;
  history.run.site.retry.retry_count_max = 1;
  history.run.site.retry.crash_uses_retry = crash_uses_retry;
  history.notify(0, "create", kPackage, "C:\\Src");
  history.pass_start(0, kPackage, 1);
  history.status(0, 2300, kPackage, {"Office", kPackage});
  history.open_refused(kSecond, "distmgr", "C:\\Src\\a.cab");
  history.log(kSecond, "~Failed to process package S0100001 (retries so far: 0 of 1). Will retry.");
  history.status(kSecond, 2302, kPackage, {"Office", kPackage, "32", "0", "11/16/2000 09:00:01"});
  history.pass_end(kSecond, kPackage, 1, "retry", 32);
  history.retry_scheduled(kSecond, kPackage, "", 2, kHour + kSecond);
  history.pass_start(kHour + kSecond, kPackage, 2);
  history.status(kHour + kSecond, 2300, kPackage, {"Office", kPackage});
  history.world(kHour + 2 * kSecond, "crash");
  const TimeUs restart_us = kHour + 5 * kMinute;
  history.world(restart_us, "restart");
  history.pass_start(restart_us, kPackage, 3);
  history.status(restart_us, 2300, kPackage, {"Office", kPackage});
  history.open_refused(restart_us + kSecond, "distmgr", "C:\\Src\\a.cab");
  history.log(restart_us + kSecond,
              "~Failed to process package S0100001 (retries so far: 1 of 1). It will not be "
              "retried: no retries left.");
  history.status(restart_us + kSecond, 2302, kPackage, {"Office", kPackage, "32", "1", "none"});
  history.pass_end(restart_us + kSecond, kPackage, 3, "failed", 32);
  const sim::RunResult run = std::move(history.run);
  const sim::invariant_detail::History read = sim::invariant_detail::read_history(run);
  std::vector<sim::InvariantViolation> violations;
  sim::invariant_detail::check_retry_units(read, violations);
  sim::invariant_detail::check_retry_messages(read, violations);
  return violations;
}

TEST_CASE("a crash-interrupted attempt counts as a retry only where crash_uses_retry says",
          "[invariants]") {
  CHECK(findings(false).empty());
  const auto counted = findings(true);
  REQUIRE(counted.size() == 3);
  CHECK(counted[0].invariant == "retry_bound");
  CHECK(counted[0].detail ==
        "S0100001 made attempt 3 of one retry cycle; the policy allows at most 2");
  CHECK(counted[1].invariant == "retry_count_text");
  CHECK(counted[1].detail ==
        "2302 for S0100001 shows 1 retry; the trace shows 2 failed attempts before it in this "
        "retry cycle");
  CHECK(counted[2].invariant == "retry_count_text");
}

}  // namespace
}  // namespace distsim::testing
