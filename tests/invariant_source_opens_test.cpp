// The source_open_retries checker caught in the act: a pass that opens a held source file again as
// site.source_open says is clean, and opening it again too soon, too often, or failing the pass
// before the retries are spent are each found, with the time and the words a user reads.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";
const std::string kSource = "C:\\Src";
const std::string kFile = "C:\\Src\\readme.txt";

// One pass of kPackage whose opens of kFile are refused at `refused_at`; then either opened at
// `opened_at` (the pass succeeds) or, without it, the pass fails with 32 at the last refusal.
struct OnePass {
  uint32_t retries = 2;
  TimeUs interval_us = 10 * kSecond;
  std::vector<TimeUs> refused_at;
  std::optional<TimeUs> opened_at;
};

std::vector<sim::InvariantViolation> judge(const OnePass& story) {
  HistoryBuilder history;
  history.run.site.source_open_retries = story.retries;
  history.run.site.source_open_retry_interval_us = story.interval_us;
  history.notify(0, "create", kPackage, kSource);
  history.pass_start(0, kPackage, 1);
  history.list(0, kSource);
  for (const TimeUs t_us : story.refused_at) history.open_refused(t_us, "distmgr", kFile);
  if (story.opened_at) {
    history.open(*story.opened_at, "distmgr", kFile, 1);
    history.close(*story.opened_at + kSecond, "distmgr", kFile, 1);
    history.pass_end(*story.opened_at + kSecond, kPackage, 1, "success");
  } else {
    history.pass_end(story.refused_at.back(), kPackage, 1, "retry", 32);
  }
  const sim::RunResult run = std::move(history.run);
  const auto read = sim::invariant_detail::read_history(run);
  std::vector<sim::InvariantViolation> violations;
  sim::invariant_detail::check_source_open_retries(read, violations);
  return violations;
}

TEST_CASE("opening a held source file again at each retry_interval is clean", "[invariants]") {
  CHECK(judge({2, 10 * kSecond, {0, 10 * kSecond}, 20 * kSecond}).empty());
  CHECK(judge({2, 10 * kSecond, {0, 10 * kSecond, 20 * kSecond}, std::nullopt}).empty());
  CHECK(judge({0, 10 * kSecond, {0}, std::nullopt}).empty());
}

TEST_CASE("source_open_retries catches a source file opened again too soon", "[invariants]") {
  const auto violations = judge({2, 10 * kSecond, {0, 4 * kSecond}, 14 * kSecond});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].invariant == "source_open_retries");
  CHECK(violations[0].t_us == 4 * kSecond);
  CHECK(violations[0].detail ==
        "the pass of S0100001 opened C:\\Src\\readme.txt again 4s after it was refused; "
        "site.source_open.retry_interval is 10s");
}

TEST_CASE("source_open_retries catches more refused opens in a row than the retries allow",
          "[invariants]") {
  const auto violations = judge({1, 10 * kSecond, {0, 10 * kSecond, 20 * kSecond}, std::nullopt});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].t_us == 20 * kSecond);
  CHECK(violations[0].detail ==
        "the pass of S0100001 was refused C:\\Src\\readme.txt 3 times in a row; "
        "site.source_open.retries is 1");
}

TEST_CASE("source_open_retries catches a pass that fails before its retries are spent",
          "[invariants]") {
  const auto violations = judge({3, 10 * kSecond, {0, 10 * kSecond}, std::nullopt});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].t_us == 10 * kSecond);
  CHECK(violations[0].detail ==
        "the pass of S0100001 failed after 2 refused opens of C:\\Src\\readme.txt; "
        "site.source_open.retries allows 2 more");
}

}  // namespace
}  // namespace distsim::testing
