// The checkers after an administrator deletes a package's Retry History key (KB Q319207): no pass
// of the package may begin until one of its passes ends or an update or refresh comes, and a
// retry the deletion stopped is neither late (retry_wait) nor owed (liveness).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";

// Pass 1 fails at 1 s (its 2302 counts no retry yet) and schedules its retry for 1 h 1 s.
void failed_first_pass(HistoryBuilder& history) {
  history.pass_start(0, kPackage, 1);
  history.status(0, 2300, kPackage, {"Office", kPackage});
  history.status(kSecond, 2302, kPackage, {"Office", kPackage, "32", "0", "11/16/2000 09:00:01"});
  history.pass_end(kSecond, kPackage, 1, "retry", 32);
  history.retry_scheduled(kSecond, kPackage, "", 2, kHour + kSecond);
}

// failed_first_pass, and the key deleted at 30 min. What follows is up to each case.
HistoryBuilder failed_once_then_deleted() {
  HistoryBuilder history;
  history.notify(0, "create", kPackage, "C:\\Src");
  failed_first_pass(history);
  history.retry_history_deleted(30 * kMinute, kPackage);
  return history;
}

// The builder sets no final package states: liveness, which reads them, is asked only where the
// package is meant to end uninstalled.
std::vector<sim::InvariantViolation> findings(HistoryBuilder& history, bool liveness = false) {
  const sim::RunResult run = std::move(history.run);
  const sim::invariant_detail::History read = sim::invariant_detail::read_history(run);
  std::vector<sim::InvariantViolation> violations;
  sim::invariant_detail::check_retry_history(read, violations);
  sim::invariant_detail::check_retry_units(read, violations);
  if (liveness) sim::invariant_detail::check_liveness(read, violations);
  for (const auto& violation : violations) UNSCOPED_INFO(violation.detail);
  return violations;
}

TEST_CASE("a retry that begins after its retry history was deleted is a finding", "[invariants]") {
  HistoryBuilder history = failed_once_then_deleted();
  history.pass_start(kHour + kSecond, kPackage, 2);
  history.pass_end(kHour + 2 * kSecond, kPackage, 2, "success");
  const auto violations = findings(history);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].invariant == "retry_history");
  CHECK(violations[0].detail ==
        "S0100001: a pass began at 01:00:01 although its retry history was deleted at 00:30:00 "
        "and no pass of it ended and no update or refresh came since");
}

TEST_CASE("a retry the deletion stopped is neither late nor owed by liveness", "[invariants]") {
  HistoryBuilder stopped = failed_once_then_deleted();
  CHECK(findings(stopped, true).empty());

  // The same history without the deletion: the retry fell due with the manager free and no pass
  // began, and the package is owed an installation.
  HistoryBuilder history;
  history.notify(0, "create", kPackage, "C:\\Src");
  failed_first_pass(history);
  const auto violations = findings(history, true);
  REQUIRE(violations.size() == 2);
  CHECK(violations[0].invariant == "retry_wait");
  CHECK(violations[1].invariant == "liveness");
}

TEST_CASE("a pass that ends or an update after the deletion lets the retries go on",
          "[invariants]") {
  SECTION("a pass running at the deletion ends: it writes the history anew") {
    HistoryBuilder history;
    history.notify(0, "create", kPackage, "C:\\Src");
    history.pass_start(0, kPackage, 1);
    history.retry_history_deleted(kSecond / 2, kPackage);
    history.pass_end(kSecond, kPackage, 1, "retry", 32);
    history.retry_scheduled(kSecond, kPackage, "", 2, kHour + kSecond);
    history.pass_start(kHour + kSecond, kPackage, 2);
    history.pass_end(kHour + 2 * kSecond, kPackage, 2, "success");
    CHECK(findings(history).empty());
  }
  SECTION("an update starts a new cycle") {
    HistoryBuilder history = failed_once_then_deleted();
    history.notify(2 * kHour, "update", kPackage);
    history.pass_start(2 * kHour, kPackage, 2);
    history.pass_end(2 * kHour + kSecond, kPackage, 2, "success");
    CHECK(findings(history).empty());
  }
  SECTION("a pass a crash cut short wrote nothing: its redo is a retry") {
    HistoryBuilder history;
    history.notify(0, "create", kPackage, "C:\\Src");
    failed_first_pass(history);
    history.pass_start(kHour + kSecond, kPackage, 2);
    history.retry_history_deleted(kHour + 2 * kSecond, kPackage);
    history.world(kHour + 3 * kSecond, "crash");
    history.world(kHour + kMinute, "restart");
    history.pass_start(kHour + kMinute, kPackage, 3);
    history.pass_end(kHour + kMinute + kSecond, kPackage, 3, "success");
    const auto violations = findings(history);
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].invariant == "retry_history");
  }
  SECTION("a deletion before any pass of the package ended deleted no key") {
    HistoryBuilder history;
    history.notify(0, "create", kPackage, "C:\\Src");
    history.pass_start(0, kPackage, 1);
    history.retry_history_deleted(kSecond / 2, kPackage);
    history.world(kSecond, "crash");
    history.world(kMinute, "restart");
    history.pass_start(kMinute, kPackage, 2);
    history.pass_end(kMinute + kSecond, kPackage, 2, "success");
    CHECK(findings(history).empty());
  }
  SECTION("a deletion after an update, before a pass of the new cycle ended, finds no key") {
    // The update made the first deletion no longer apply and no pass has written the key since:
    // the second deletion removes nothing, so the redo of the crash-cut pass may run.
    HistoryBuilder history = failed_once_then_deleted();
    history.notify(40 * kMinute, "update", kPackage);
    history.pass_start(40 * kMinute, kPackage, 2);
    history.retry_history_deleted(41 * kMinute, kPackage);
    history.world(42 * kMinute, "crash");
    history.world(50 * kMinute, "restart");
    history.pass_start(50 * kMinute, kPackage, 3);
    history.pass_end(50 * kMinute + kSecond, kPackage, 3, "success");
    CHECK(findings(history).empty());
  }
  SECTION("the pass a refresh asked for is its cycle's first, not a retry, even after a crash") {
    HistoryBuilder history;
    history.notify(0, "create", kPackage, "C:\\Src");
    history.pass_start(0, kPackage, 1);
    history.notify(kSecond / 4, "refresh", kPackage);
    history.world(kSecond / 2, "crash");
    history.retry_history_deleted(kSecond, kPackage);
    history.world(kMinute, "restart");
    history.pass_start(kMinute, kPackage, 2);
    history.pass_end(kMinute + kSecond, kPackage, 2, "success");
    CHECK(findings(history).empty());
  }
}

}  // namespace
}  // namespace distsim::testing
