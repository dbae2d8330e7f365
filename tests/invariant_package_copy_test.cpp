// The package_copy checker caught in the act: a DP copy that reads a .PCK the compression wrote is
// clean; one that reads a .PCK created and never written is found once per creation, with the
// times a user reads; a source read of the .PCK, a holder that changed it, and an open that may
// both read and write are not the manager's copy of an unwritten file.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";
const std::string kPackageCopy = "C:\\SMSPKG\\S0100001.PCK";

// A pass that creates kPackage's .PCK at one minute, writes it at two minutes when `written` (or
// fails to, when `write_fails`), and is cut short by a crash at three; after the restart, DP
// copies open the .PCK to read it at ten minutes (`copies` of them, one after the other) with
// `copy_access`, after a holder changed it at five minutes when `holder` names the event
// ("write", "delete", "rename"). With `source_read`, the ten-minute open reads the handle, as a
// source read of a package whose source folder holds the package store does.
struct Story {
  bool written = false;
  bool write_fails = false;
  std::string holder;
  std::vector<std::string> copy_access = {"GENERIC_READ"};
  int copies = 1;
  bool source_read = false;
};

// The default story with one change.
template <typename Change>
Story story_with(Change change) {
  Story story;
  change(story);
  return story;
}

std::vector<sim::InvariantViolation> judge(const Story& story) {
  HistoryBuilder history;
  REQUIRE(history.run.site.package_store == "C:\\SMSPKG");
  history.notify(0, "create", kPackage, "C:\\Src");
  history.pass_start(0, kPackage, 1);
  history.open(kMinute, "distmgr", kPackageCopy, 2, {"GENERIC_WRITE"});
  if (story.written) history.content_op(2 * kMinute, "write", "distmgr", kPackageCopy, 2, 4096, 1);
  if (story.write_fails) {
    history.add_record(2 * kMinute, "distmgr", "write",
                       {{"path", kPackageCopy},
                        {"handle", int64_t{2}},
                        {"win32", int64_t{112}},
                        {"result", std::string("ERROR_DISK_FULL")}});
  }
  history.world(3 * kMinute, "crash");
  history.close(3 * kMinute, "distmgr", kPackageCopy, 2);
  history.world(4 * kMinute, "restart");
  if (story.holder == "write") {
    history.open(5 * kMinute, "backup-agent", kPackageCopy, 9, {"GENERIC_WRITE"});
    history.content_op(5 * kMinute, "write", "backup-agent", kPackageCopy, 9, 100, 7);
    history.close(5 * kMinute, "backup-agent", kPackageCopy, 9);
  } else if (story.holder == "delete") {
    history.add_record(
        5 * kMinute, "backup-agent", "delete",
        {{"path", kPackageCopy}, {"win32", int64_t{0}}, {"result", std::string("ok")}});
  } else if (story.holder == "rename") {
    history.add_record(5 * kMinute, "backup-agent", "rename",
                       {{"path", std::string("C:\\SMSPKG\\old.PCK")},
                        {"to", kPackageCopy},
                        {"win32", int64_t{0}},
                        {"result", std::string("ok")}});
  }
  history.pass_start(10 * kMinute, kPackage, 2);
  for (int copy = 0; copy < story.copies; ++copy) {
    const TimeUs at_us = 10 * kMinute + copy * kMinute;
    history.open(at_us, "distmgr", kPackageCopy, 3 + copy, story.copy_access);
    if (story.source_read) {
      history.content_op(at_us, "read", "distmgr", kPackageCopy, 3 + copy, 0, 0);
    }
    history.close(at_us + 30 * kSecond, "distmgr", kPackageCopy, 3 + copy);
  }
  const sim::RunResult run = std::move(history.run);
  const auto read = sim::invariant_detail::read_history(run);
  std::vector<sim::InvariantViolation> violations;
  sim::invariant_detail::check_package_copies(read, violations);
  return violations;
}

TEST_CASE("a DP copy that reads a .PCK the compression wrote is clean", "[invariants]") {
  CHECK(judge(story_with([](Story& s) { s.written = true; })).empty());
}

TEST_CASE("package_copy catches a DP copy that reads a .PCK created and never written",
          "[invariants]") {
  const auto violations = judge(Story{});
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].invariant == "package_copy");
  CHECK(violations[0].t_us == 10 * kMinute);
  CHECK(violations[0].detail ==
        "a DP copy of S0100001 opens C:\\SMSPKG\\S0100001.PCK at 00:10:00, which the manager "
        "created at 00:01:00 and has not written since");
}

TEST_CASE("a .PCK whose write was refused is still unwritten for the copies after it",
          "[invariants]") {
  const auto violations = judge(story_with([](Story& s) { s.write_fails = true; }));
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].t_us == 10 * kMinute);
}

TEST_CASE("package_copy reports one finding per creation of the .PCK", "[invariants]") {
  CHECK(judge(story_with([](Story& s) { s.copies = 3; })).size() == 1);
}

TEST_CASE("a .PCK a holder wrote, deleted or renamed over after its creation is not judged",
          "[invariants]") {
  CHECK(judge(story_with([](Story& s) { s.holder = "write"; })).empty());
  CHECK(judge(story_with([](Story& s) { s.holder = "delete"; })).empty());
  CHECK(judge(story_with([](Story& s) { s.holder = "rename"; })).empty());
}

TEST_CASE("a source read that opens and reads an unwritten .PCK is no DP copy of it",
          "[invariants]") {
  CHECK(judge(story_with([](Story& s) { s.source_read = true; })).empty());
}

TEST_CASE("an open of the .PCK that may both read and write is not judged", "[invariants]") {
  CHECK(judge(story_with([](Story& s) { s.copy_access = {"GENERIC_ALL"}; })).empty());
  CHECK(judge(story_with([](Story& s) {
          s.copy_access = {"GENERIC_READ", "GENERIC_WRITE"};
        })).empty());
}

}  // namespace
}  // namespace distsim::testing
