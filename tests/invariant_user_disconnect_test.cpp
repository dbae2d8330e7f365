// The user_disconnect checker: a forced disconnect of a DP's users is a finding unless the
// package asked for it, the DP supports it and can be reached, and enough copy attempts to that
// DP came before it in the retry cycle; and a disconnect that is owed and missing is one too.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";
const std::string kFolder = "\\\\DP01\\SMSPKGC$\\S0100001";
const std::string kClientFile = kFolder + "\\setup.exe";
const std::string kAttempt =
    "~Attempting to add or update package S0100001 on distribution point \\\\DP01\\SMSPKGC$";

// The package created (with disconnect_users `after` when given), a client holding setup.exe on
// DP01, and `attempts` copy attempts to DP01 an hour apart, each writing the file after its
// attempt line; the last one forces the client off first when `disconnect` says so.
HistoryBuilder copies(std::optional<int64_t> after, int attempts, bool disconnect,
                      const std::string& actor = "client") {
  HistoryBuilder history;
  history.notify(0, "create", kPackage, "C:\\Src", {}, after);
  history.open(kSecond, actor, kClientFile, 7);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    const TimeUs at_us = attempt * kHour + 2 * kSecond;
    history.log(at_us, kAttempt);
    if (disconnect && attempt + 1 == attempts) {
      history.disconnected_close(at_us, actor, kClientFile, 7);
    }
    history.open_refused(at_us, "distmgr", kClientFile);
  }
  return history;
}

std::vector<sim::InvariantViolation> findings(HistoryBuilder& history) {
  const sim::RunResult run = std::move(history.run);
  const sim::invariant_detail::History read = sim::invariant_detail::read_history(run);
  std::vector<sim::InvariantViolation> violations;
  sim::invariant_detail::check_user_disconnects(read, violations);
  for (const auto& violation : violations) UNSCOPED_INFO(violation.detail);
  return violations;
}

TEST_CASE("a disconnect after the package's count of failed attempts is no finding",
          "[invariants][disconnect]") {
  // Goal: the rule as the model applies it passes. Method: count 2, the third attempt forces
  // the client off; and a count the attempts never reach, with no disconnect.
  HistoryBuilder owed = copies(2, 3, true);
  CHECK(findings(owed).empty());
  HistoryBuilder not_yet = copies(3, 3, false);
  CHECK(findings(not_yet).empty());
}

TEST_CASE("a disconnect before the package's count of failed attempts is a finding",
          "[invariants][disconnect]") {
  // Goal: a model that disconnects one attempt early is caught. Method: count 2, the second
  // attempt forces the client off.
  HistoryBuilder history = copies(2, 2, true);
  const auto violations = findings(history);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].invariant == "user_disconnect");
  CHECK(violations[0].detail ==
        "client's handle on \\\\DP01\\SMSPKGC$\\S0100001\\setup.exe was ended by a forced "
        "disconnect at 01:00:02, but it came in copy attempt 2 of S0100001 to DP01 in this retry "
        "cycle, and disconnect_users asks for 2 failed ones before");
}

TEST_CASE("a disconnect that is owed and missing is a finding", "[invariants][disconnect]") {
  // Goal: a model that never disconnects is caught. Method: count 1, the second attempt writes
  // the file while the client still holds it.
  HistoryBuilder history = copies(1, 2, false);
  const auto violations = findings(history);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail ==
        "client's handle on \\\\DP01\\SMSPKGC$\\S0100001\\setup.exe was not forced off DP01 at "
        "01:00:02, although package S0100001 has disconnect_users 1 and this was copy attempt 2 "
        "of the retry cycle");
}

TEST_CASE("attempts before an update do not count towards a disconnect after it",
          "[invariants][disconnect]") {
  // Goal: the count restarts with the cycle. Method: two attempts, an update, then a disconnect
  // at the first attempt after it with count 2.
  HistoryBuilder history;
  history.notify(0, "create", kPackage, "C:\\Src", {}, 2);
  history.open(kSecond, "client", kClientFile, 7);
  history.log(kSecond, kAttempt);
  history.log(kHour, kAttempt);
  history.notify(2 * kHour, "update", kPackage);
  history.log(2 * kHour + kSecond, kAttempt);
  history.disconnected_close(2 * kHour + kSecond, "client", kClientFile, 7);
  REQUIRE(findings(history).size() == 1);
}

TEST_CASE(
    "a disconnect the package did not ask for, on a NetWare or unreachable DP, of a server "
    "process or of the manager is a finding",
    "[invariants][disconnect]") {
  // Goal: each condition of the rule is judged. Method: one history per condition, otherwise
  // like a disconnect that is owed.
  HistoryBuilder not_asked = copies(std::nullopt, 5, true);
  auto violations = findings(not_asked);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail.ends_with("package S0100001 was not created with disconnect_users"));

  HistoryBuilder netware = copies(0, 1, true);
  netware.run.distribution_points[0].forced_disconnect = false;
  violations = findings(netware);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail.ends_with("DP01 does not support forced disconnect"));

  HistoryBuilder unreachable;
  unreachable.notify(0, "create", kPackage, "C:\\Src", {}, 0);
  unreachable.open(kSecond, "client", kClientFile, 7);
  unreachable.dp_fault(kMinute, "DP01", "dp_unreachable", true);
  unreachable.log(kHour, kAttempt);
  unreachable.disconnected_close(kHour, "client", kClientFile, 7);
  violations = findings(unreachable);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail.ends_with("DP01 was unreachable"));

  HistoryBuilder scanner = copies(0, 1, true, "scanner");
  scanner.run.server_processes.push_back("scanner");
  violations = findings(scanner);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail.ends_with("it runs on the server, not over a session"));

  HistoryBuilder manager = copies(std::nullopt, 1, false);
  manager.disconnected_close(2 * kHour, "distmgr", kClientFile, 9);
  violations = findings(manager);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail.ends_with("the manager never disconnects itself"));
}

TEST_CASE("a disconnect on the package folder itself is judged as one inside it",
          "[invariants][disconnect]") {
  // Goal: an Explorer window on the DP's package folder can be forced off. Method: the window's
  // handle on the folder is ended at an owed attempt; elsewhere on no DP, a finding.
  HistoryBuilder history;
  history.notify(0, "create", kPackage, "C:\\Src", {}, 0);
  history.open(kSecond, "window", kFolder, 3);
  history.log(kHour, kAttempt);
  history.disconnected_close(kHour, "window", kFolder, 3);
  history.open_refused(kHour, "distmgr", kClientFile);
  CHECK(findings(history).empty());
  history.disconnected_close(2 * kHour, "client", "C:\\Src\\setup.exe", 8);
  const auto violations = findings(history);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail.ends_with("it is on no distribution point"));
}

TEST_CASE("a disconnect outside a copy attempt's start is a finding", "[invariants][disconnect]") {
  // Goal: users are forced off only as an attempt begins. Method: the disconnect comes after the
  // attempt's first file operation.
  HistoryBuilder history = copies(0, 1, false);
  history.disconnected_close(kHour, "client", kClientFile, 7);
  const auto violations = findings(history);
  REQUIRE(violations.size() == 2);  // and the owed disconnect was missing
  CHECK(violations[1].detail.ends_with("no copy attempt of S0100001 to DP01 was starting"));
}

}  // namespace
}  // namespace distsim::testing
