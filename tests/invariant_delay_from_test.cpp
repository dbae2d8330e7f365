// retry_give_up under both anchors of site.retry.delay_from: whether the deadline still allows a
// retry depends on where the wait is counted from, and the checker counts it as the policy does.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";

// One pass from 0 to 10 minutes that fails on a held file and gives up (2302 with next retry
// "none"), under an hourly policy with a 65-minute deadline.
std::vector<sim::InvariantViolation> give_up_findings(model::DelayFrom delay_from) {
  HistoryBuilder history;
  history.run.site.retry.delay_us = kHour;
  history.run.site.retry.deadline_us = 65 * kMinute;
  history.run.site.retry.delay_from = delay_from;
  const TimeUs failed_at = 10 * kMinute;
  history.notify(0, "create", kPackage, "C:\\Src");
  history.pass_start(0, kPackage, 1);
  history.status(0, 2300, kPackage, {"Office", kPackage});
  history.list(0, "C:\\Src");
  history.open_refused(failed_at, "distmgr", "C:\\Src\\a.cab");
  history.status(failed_at, 2302, kPackage, {"Office", kPackage, "32", "0", "none"});
  history.pass_end(failed_at, kPackage, 1, "failed", 32);
  const sim::RunResult run = std::move(history.run);
  std::vector<sim::InvariantViolation> violations;
  sim::invariant_detail::check_retry_units(sim::invariant_detail::read_history(run), violations);
  return violations;
}

TEST_CASE("retry_give_up judges the deadline from where delay_from counts the wait",
          "[invariants]") {
  // Counted from the end, the retry would fall due at 1h10m, past the deadline: giving up is
  // right. Counted from the start it falls due at 1h, within it: giving up is a finding.
  CHECK(give_up_findings(model::DelayFrom::attempt_end).empty());
  const auto findings = give_up_findings(model::DelayFrom::attempt_start);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].invariant == "retry_give_up");
  CHECK(findings[0].t_us == 10 * kMinute);
  CHECK(findings[0].detail ==
        "S0100001 gave up after 0 retries of unlimited although the policy still allows a retry");
}

}  // namespace
}  // namespace distsim::testing
