// The user_disconnect checker: a forced disconnect of a DP's users is a finding unless the
// package asked for it, the DP supports it and enough copy attempts to that DP came before it in
// the retry cycle.
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";
const std::string kClientFile = "\\\\DP01\\SMSPKGC$\\S0100001\\setup.exe";
const std::string kAttempt =
    "~Attempting to add or update package S0100001 on distribution point \\\\DP01\\SMSPKGC$";

// The package created (with disconnect_users `after` when given) and `attempts` copy attempts to
// DP01 logged an hour apart; the client's handle is ended just after the last one.
HistoryBuilder disconnected_after(std::optional<int64_t> after, int attempts,
                                  const std::string& actor = "client") {
  HistoryBuilder history;
  history.notify(0, "create", kPackage, "C:\\Src", {}, after);
  history.open(kSecond, actor, kClientFile, 7);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    history.log(attempt * kHour + 2 * kSecond, kAttempt);
  }
  history.disconnected_close((attempts - 1) * kHour + 3 * kSecond, actor, kClientFile, 7);
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
  HistoryBuilder history = disconnected_after(2, 3);
  CHECK(findings(history).empty());
}

TEST_CASE("a disconnect before the package's count of failed attempts is a finding",
          "[invariants][disconnect]") {
  HistoryBuilder history = disconnected_after(2, 2);
  const auto violations = findings(history);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].invariant == "user_disconnect");
  CHECK(violations[0].detail ==
        "client's handle of \\\\DP01\\SMSPKGC$\\S0100001\\setup.exe was ended by a forced "
        "disconnect at 01:00:03, but only 2 copy attempts of S0100001 to DP01 were logged in this "
        "retry cycle, and disconnect_users asks for 2 failed ones before");
}

TEST_CASE("attempts before an update do not count towards a disconnect after it",
          "[invariants][disconnect]") {
  HistoryBuilder history;
  history.notify(0, "create", kPackage, "C:\\Src", {}, 1);
  history.log(kSecond, kAttempt);
  history.log(kHour, kAttempt);
  history.notify(2 * kHour, "update", kPackage);
  history.log(2 * kHour + kSecond, kAttempt);
  history.disconnected_close(2 * kHour + 2 * kSecond, "client", kClientFile, 7);
  REQUIRE(findings(history).size() == 1);
}

TEST_CASE(
    "a disconnect the package did not ask for, on a NetWare DP or of the manager is a "
    "finding",
    "[invariants][disconnect]") {
  HistoryBuilder not_asked = disconnected_after(std::nullopt, 5);
  auto violations = findings(not_asked);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail.ends_with("package S0100001 was not created with disconnect_users"));

  HistoryBuilder netware = disconnected_after(0, 1);
  netware.run.distribution_points[0].forced_disconnect = false;
  violations = findings(netware);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail.ends_with("DP01 does not support forced disconnect"));

  HistoryBuilder manager = disconnected_after(0, 1, "distmgr");
  violations = findings(manager);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail.ends_with("the manager never disconnects itself"));
}

TEST_CASE("a disconnect outside a package folder on a DP is a finding",
          "[invariants][disconnect]") {
  HistoryBuilder history = disconnected_after(0, 1);
  history.disconnected_close(2 * kHour, "client", "C:\\Src\\setup.exe", 8);
  const auto violations = findings(history);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].detail.ends_with("it is in no package folder on a distribution point"));
}

}  // namespace
}  // namespace distsim::testing
