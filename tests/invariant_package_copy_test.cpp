// The package_copy checker caught in the act: a DP copy that reads a .PCK the compression wrote is
// clean; one that reads a .PCK created and never written is found, with the times a user reads;
// a holder that wrote the .PCK in between takes the blame off the manager.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";
const std::string kPackageCopy = "C:\\SMSPKG\\S0100001.PCK";

// One pass that creates kPackage's .PCK at one minute, writes it at two minutes when `written`,
// and is cut short by a crash at three; after the restart a DP copy opens the .PCK to read it at
// ten minutes, after a holder wrote it at five when `holder_writes`.
struct Story {
  bool written = false;
  bool holder_writes = false;
};

std::vector<sim::InvariantViolation> judge(const Story& story) {
  HistoryBuilder history;
  REQUIRE(history.run.site.package_store == "C:\\SMSPKG");
  history.notify(0, "create", kPackage, "C:\\Src");
  history.pass_start(0, kPackage, 1);
  history.open(kMinute, "distmgr", kPackageCopy, 2, {"GENERIC_WRITE"});
  if (story.written) {
    history.content_op(2 * kMinute, "write", "distmgr", kPackageCopy, 2, 4096, 1);
  }
  history.world(3 * kMinute, "crash");
  history.close(3 * kMinute, "distmgr", kPackageCopy, 2);
  history.world(4 * kMinute, "restart");
  if (story.holder_writes) {
    history.open(5 * kMinute, "backup-agent", kPackageCopy, 9, {"GENERIC_WRITE"});
    history.content_op(5 * kMinute, "write", "backup-agent", kPackageCopy, 9, 100, 7);
    history.close(5 * kMinute, "backup-agent", kPackageCopy, 9);
  }
  history.pass_start(10 * kMinute, kPackage, 2);
  history.open(10 * kMinute, "distmgr", kPackageCopy, 3, {"GENERIC_READ"});
  history.close(11 * kMinute, "distmgr", kPackageCopy, 3);
  const sim::RunResult run = std::move(history.run);
  const auto read = sim::invariant_detail::read_history(run);
  std::vector<sim::InvariantViolation> violations;
  sim::invariant_detail::check_package_copies(read, violations);
  return violations;
}

TEST_CASE("a DP copy that reads a .PCK the compression wrote is clean", "[invariants]") {
  CHECK(judge({.written = true}).empty());
}

TEST_CASE("package_copy catches a DP copy that reads a .PCK created and never written",
          "[invariants]") {
  const auto violations = judge({});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].invariant == "package_copy");
  CHECK(violations[0].t_us == 10 * kMinute);
  CHECK(violations[0].detail ==
        "a DP copy of S0100001 opens C:\\SMSPKG\\S0100001.PCK at 00:10:00, which the manager "
        "created at 00:01:00 and has not written since");
}

TEST_CASE("a .PCK a holder wrote after the manager created it is not judged", "[invariants]") {
  CHECK(judge({.holder_writes = true}).empty());
}

}  // namespace
}  // namespace distsim::testing
