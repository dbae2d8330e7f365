// dp_content and the threads of the manager's source reads: a pass's read round holds the reads
// on handles its own thread opened during the pass, before the read, and nothing else, whatever
// other passes and threads do with the same folder. Hand-written traces, so that each case
// changes one thing.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";
const std::string kSourceFile = "C:\\Src\\a.cab";
const std::string kDpFolder = "\\\\DP01\\SMSPKGC$\\S0100001";
constexpr int64_t kPassThread = 7;
constexpr int64_t kOtherThread = 8;
constexpr int64_t kHandle = 5;

struct ReadStory {
  int64_t opening_thread = kPassThread;
  bool opened_before_pass = false;  // by the pass's thread, in an earlier pass
  bool opened_after_read = false;   // the trace shows the open only after the read
  bool id_used_before = false;      // another thread held the same handle id earlier
};

void open_source(HistoryBuilder& history, TimeUs t_us, int64_t thread) {
  history.add_record(t_us, "distmgr", "open",
                     {{"path", kSourceFile},
                      {"access", std::vector<std::string>{"GENERIC_READ"}},
                      {"share", std::vector<std::string>{"FILE_SHARE_READ"}},
                      {"win32", int64_t{0}},
                      {"result", std::string("ok")},
                      {"handle", kHandle},
                      {"thread", thread}});
}

// The dp_content findings of one pass that lists C:\Src, reads a.cab (2,000 bytes, version 2) on
// handle 5 and copies it to DP01, which holds that version at the end.
std::vector<std::string> dp_content_findings(const ReadStory& story) {
  HistoryBuilder history;
  history.notify(0, "create", kPackage, "C:\\Src");
  if (story.id_used_before) open_source(history, kSecond, kOtherThread);
  if (story.opened_before_pass) open_source(history, 2 * kSecond, kPassThread);
  history.add_record(kMinute, "distmgr", "pass_start",
                     {{"package", kPackage}, {"attempt", int64_t{1}}, {"thread", kPassThread}});
  history.add_record(kMinute + kSecond, "distmgr", "list_directory",
                     {{"path", std::string("C:\\Src")},
                      {"win32", int64_t{0}},
                      {"result", std::string("ok")},
                      {"thread", kPassThread}});
  const bool opened_in_pass = !story.opened_before_pass && !story.opened_after_read;
  if (opened_in_pass) open_source(history, kMinute + 2 * kSecond, story.opening_thread);
  history.content_op(kMinute + 3 * kSecond, "read", "distmgr", kSourceFile, kHandle, 2000, 2);
  if (story.opened_after_read) open_source(history, kMinute + 4 * kSecond, kPassThread);
  history.make_directory(kMinute + 5 * kSecond, kDpFolder);
  history.dp_state(kMinute + 6 * kSecond, kPackage, "DP01", "INSTALLED");
  history.add_record(kMinute + 7 * kSecond, "distmgr", "pass_end",
                     {{"package", kPackage},
                      {"attempt", int64_t{1}},
                      {"result", std::string("success")},
                      {"win32", int64_t{0}}});
  history.run.final_files.push_back({kSourceFile, {2000, 2}});
  history.run.final_files.push_back({kDpFolder + "\\a.cab", {2000, 2}});
  std::vector<std::string> findings;
  for (const sim::InvariantViolation& violation : sim::check_invariants(history.run)) {
    if (violation.invariant == "dp_content") findings.push_back(violation.detail);
  }
  return findings;
}

const std::string kNotRead =
    "S0100001 is INSTALLED on DP01 since 00:01:06 but its folder differs from the source version "
    "read: a.cab is not in the source version";

TEST_CASE("dp_content counts a read on a handle the pass's thread opened during the pass",
          "[invariants][dp_content]") {
  // Goal: the read behind a DP copy is found where it is the pass's own. Method: the plain story,
  // and the same with the handle id given earlier to another thread.
  CHECK(dp_content_findings({}).empty());
  // A hand-written trace may give an id twice; the open that counts is the pass's own.
  ReadStory reused;
  reused.id_used_before = true;
  CHECK(dp_content_findings(reused).empty());
}

TEST_CASE(
    "dp_content leaves out reads on handles another thread, an earlier pass or no open yet "
    "gave",
    "[invariants][dp_content]") {
  // Goal: another package's pass reading the same folder never completes this one's read. Method:
  // the same story with the read's handle opened by another thread, before the pass started, or
  // only after the read; the DP's copy then has no read behind it.
  ReadStory other_thread;
  other_thread.opening_thread = kOtherThread;
  CHECK(dp_content_findings(other_thread) == std::vector<std::string>{kNotRead});
  ReadStory earlier;
  earlier.opened_before_pass = true;
  CHECK(dp_content_findings(earlier) == std::vector<std::string>{kNotRead});
  ReadStory later;
  later.opened_after_read = true;
  CHECK(dp_content_findings(later) == std::vector<std::string>{kNotRead});
}

}  // namespace
}  // namespace distsim::testing
