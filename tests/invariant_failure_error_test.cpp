// The checkers that do not take the manager's word for why and when it retried, caught in the
// act: failure_error (the error a 2302 reports must be one the file system refused the pass
// with), retry_wait's rule that every retry of a package is scheduled in the trace, and its rule
// that a retry pulled forward was woken by another package's notification.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants_internal.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";
const std::string kSource = "C:\\Src";
const std::string kFile = "C:\\Src\\setup.cab";

// What a test changes in a pass of kPackage that fails on kFile at one second.
struct FailedPass {
  int64_t refused_with = 32;   // the file system's refusal of the open
  int64_t reported = 32;       // the error 2302 gives
  int64_t refusal_thread = 0;  // the thread the refused open names (0: none)
  int64_t streams = 0;         // alternate streams of a source file the pass read first
  bool streams_fail_compression = false;
  bool compressed = false;           // the package was created compressed
  std::string refused_path = kFile;  // where the refusal was
  std::string listed = kSource;      // the folder the pass listed
  int64_t listed_files = 1;          // the files that listing returned
  int64_t handle_thread = 0;         // the refusal is a read of a handle this thread opened
  std::string read_path = {};        // the read's path, when a rename moved the file since
};

sim::RunResult failed_pass_run(const FailedPass& story) {
  HistoryBuilder history;
  history.run.site.streams_fail_compression = story.streams_fail_compression;
  history.add_record(0, "world", "notification",
                     {{"kind", std::string("create")},
                      {"package", kPackage},
                      {"source", kSource},
                      {"dps", std::vector<std::string>{}},
                      {"compressed", story.compressed}});
  history.add_record(0, "distmgr", "pass_start",
                     {{"package", kPackage}, {"attempt", int64_t{1}}, {"thread", int64_t{300}}});
  history.run.passes.push_back({});
  history.run.passes.back().package_id = kPackage;
  history.status(0, 2300, kPackage, {"Office", kPackage});
  history.list(0, story.listed, story.listed_files);
  if (story.streams > 0) {
    history.open(0, "distmgr", kSource + "\\a.txt", 1);
    history.add_record(kSecond / 2, "distmgr", "read",
                       {{"path", kSource + "\\a.txt"},
                        {"handle", int64_t{1}},
                        {"win32", int64_t{0}},
                        {"result", std::string("ok")},
                        {"size", int64_t{10}},
                        {"version", int64_t{1}},
                        {"streams", story.streams}});
    history.close(kSecond / 2, "distmgr", kSource + "\\a.txt", 1);
  }
  if (story.handle_thread != 0) {
    // Another pass's thread opened the file; the read of its handle is refused.
    history.add_record(kSecond / 2, "distmgr", "open",
                       {{"path", story.refused_path},
                        {"win32", int64_t{0}},
                        {"result", std::string("ok")},
                        {"handle", int64_t{7}},
                        {"thread", story.handle_thread}});
    history.add_record(kSecond, "distmgr", "read",
                       {{"path", story.read_path.empty() ? story.refused_path : story.read_path},
                        {"handle", int64_t{7}},
                        {"win32", story.refused_with},
                        {"result", std::string("refused")}});
  } else {
    std::vector<sim::TraceArg> refusal{{"path", story.refused_path},
                                       {"access", std::vector<std::string>{"GENERIC_READ"}},
                                       {"share", std::vector<std::string>{"FILE_SHARE_READ"}},
                                       {"win32", story.refused_with},
                                       {"result", std::string("refused")}};
    if (story.refusal_thread != 0) refusal.push_back({"thread", story.refusal_thread});
    history.add_record(kSecond, "distmgr", "open", std::move(refusal));
  }
  history.status(kSecond, 2302, kPackage,
                 {"Office", kPackage, std::to_string(story.reported), "0", "11/16/2000 09:00:01"},
                 {}, 'E');
  history.pass_end(kSecond, kPackage, 1, "retry", story.reported);
  history.retry_scheduled(kSecond, kPackage, "", 2, kSecond + kHour);
  return std::move(history.run);
}

std::vector<sim::InvariantViolation> failure_errors(const sim::RunResult& run) {
  const auto history = sim::invariant_detail::read_history(run);
  std::vector<sim::InvariantViolation> violations;
  sim::invariant_detail::check_failure_errors(history, violations);
  return violations;
}

TEST_CASE("a 2302 that gives the error the file system refused the pass with is clean",
          "[invariants]") {
  CHECK(failure_errors(failed_pass_run({})).empty());
  CHECK(failure_errors(failed_pass_run({.refused_with = 33, .reported = 33})).empty());
  // The refusal names the pass's own thread.
  CHECK(failure_errors(failed_pass_run({.refusal_thread = 300})).empty());
}

TEST_CASE("failure_error catches a 2302 whose error no refusal of the pass gave", "[invariants]") {
  const sim::RunResult run = failed_pass_run({.refused_with = 32, .reported = 5});
  const auto violations = failure_errors(run);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].invariant == "failure_error");
  CHECK(violations[0].t_us == kSecond);
  CHECK(violations[0].detail ==
        "S0100001: the attempt from 00:00:00 failed with error 5 (its 2302), but the file system "
        "refused none of the manager's operations on its files with 5 during the attempt; it "
        "refused 32 (open C:\\Src\\setup.cab at 00:00:01)");
  // The whole set of checkers reports it too.
  const auto all = sim::check_invariants(run);
  CHECK(std::any_of(all.begin(), all.end(), [](const sim::InvariantViolation& violation) {
    return violation.invariant == "failure_error";
  }));
}

TEST_CASE("failure_error does not take another package's refusal for the pass's own",
          "[invariants]") {
  // The refused open names another processing thread: another package's pass reading the same
  // folder was refused, not this one.
  const auto violations = failure_errors(failed_pass_run({.refusal_thread = 301}));
  REQUIRE(violations.size() == 1);
  CHECK_THAT(violations[0].detail, Catch::EndsWith("it refused none of them"));
}

TEST_CASE("failure_error takes 998 only after the pass read a file with alternate data streams",
          "[invariants]") {
  // KB Q316316: the compressor fails with 998 on such a file; the file system refused nothing.
  const FailedPass with_streams{.refused_with = 32,
                                .reported = 998,
                                .streams = 2,
                                .streams_fail_compression = true,
                                .compressed = true};
  CHECK(failure_errors(failed_pass_run(with_streams)).empty());
  FailedPass not_compressed = with_streams;
  not_compressed.compressed = false;
  CHECK(failure_errors(failed_pass_run(not_compressed)).size() == 1);
  FailedPass without_streams = with_streams;
  without_streams.streams = 0;
  CHECK(failure_errors(failed_pass_run(without_streams)).size() == 1);
  FailedPass site_compresses_streams = with_streams;
  site_compresses_streams.streams_fail_compression = false;
  CHECK(failure_errors(failed_pass_run(site_compresses_streams)).size() == 1);
}

TEST_CASE("failure_error takes a refusal where the package store cannot be made", "[invariants]") {
  // A compressed package's pass creates C:\SMSPKG before it writes the .PCK there: a file of that
  // name refuses it (183), which is the pass's error although no file of the package is named.
  CHECK(failure_errors(
            failed_pass_run({.refused_with = 183, .reported = 183, .refused_path = "C:\\SMSPKG"}))
            .empty());
}

TEST_CASE("failure_error does not take a refusal of another package's files for the pass's own",
          "[invariants]") {
  // Another package's folder on the DP, and a read of a handle another pass's thread opened.
  const auto dp_folder =
      failure_errors(failed_pass_run({.refused_path = "\\\\DP01\\SMSPKGC$\\S0100009\\x.cab"}));
  REQUIRE(dp_folder.size() == 1);
  CHECK_THAT(dp_folder[0].detail, Catch::EndsWith("it refused none of them"));
  const auto other_thread =
      failure_errors(failed_pass_run({.refused_with = 33, .reported = 33, .handle_thread = 301}));
  REQUIRE(other_thread.size() == 1);
  CHECK_THAT(other_thread[0].detail, Catch::EndsWith("it refused none of them"));
  CHECK(failure_errors(failed_pass_run({.refused_with = 33, .reported = 33, .handle_thread = 300}))
            .empty());
}

TEST_CASE("failure_error takes distsim's own source bounds only where the pass met them",
          "[invariants]") {
  // 206: a folder kSourceDirectoryDepthMax (64) deep was listed; 8: the pass's listings of its
  // source returned more than kSourceFilesPerPackageMax (100,000) files.
  std::string deep = kSource;
  for (int level = 0; level < 64; ++level) deep += "\\d";
  CHECK(failure_errors(failed_pass_run({.reported = 206, .listed = deep})).empty());
  CHECK(failure_errors(failed_pass_run({.reported = 206})).size() == 1);
  CHECK(failure_errors(failed_pass_run({.reported = 8, .listed_files = 100'001})).empty());
  CHECK(failure_errors(failed_pass_run({.reported = 8, .listed_files = 100'000})).size() == 1);
  CHECK(failure_errors(
            failed_pass_run({.reported = 8, .listed = "C:\\Elsewhere", .listed_files = 100'001}))
            .size() == 1);
}

TEST_CASE("failure_error places a refused read where its handle was opened", "[invariants]") {
  // The source file was renamed out of the source folder after the pass opened it; the read of
  // the handle is still the pass's, though the trace names the file by its new path.
  CHECK(failure_errors(failed_pass_run({.refused_with = 33,
                                        .reported = 33,
                                        .handle_thread = 300,
                                        .read_path = "C:\\Moved\\setup.cab"}))
            .empty());
}

// kPackage's first pass, failing at one second on a refused open of kFile; with `retried`, the
// manager schedules its retry for an hour later, otherwise it gives up.
void failed_first_pass(HistoryBuilder& history, bool retried) {
  history.notify(0, "create", kPackage, kSource);
  history.pass_start(0, kPackage, 1);
  history.status(0, 2300, kPackage, {"Office", kPackage});
  history.list(0, kSource);
  history.open_refused(kSecond, "distmgr", kFile);
  history.status(kSecond, 2302, kPackage,
                 {"Office", kPackage, "32", "0", retried ? "11/16/2000 09:00:01" : "none"}, {},
                 'E');
  history.pass_end(kSecond, kPackage, 1, retried ? "retry" : "failed", 32);
}

// kPackage's second pass, succeeding a second after `start_us`.
void succeeding_pass(HistoryBuilder& history, TimeUs start_us) {
  history.pass_start(start_us, kPackage, 2);
  history.status(start_us, 2300, kPackage, {"Office", kPackage});
  history.pass_end(start_us + kSecond, kPackage, 2, "success");
  history.status(start_us + kSecond, 2301, kPackage, {"Office", kPackage});
}

// Two passes of kPackage, the first failing on a refused open; the second `at` later, with or
// without the retry the first scheduled.
sim::RunResult retried_run(bool scheduled, TimeUs second_at_us) {
  HistoryBuilder history;
  failed_first_pass(history, true);
  if (scheduled) history.retry_scheduled(kSecond, kPackage, "", 2, kSecond + kHour);
  succeeding_pass(history, second_at_us);
  return std::move(history.run);
}

std::vector<sim::InvariantViolation> retry_waits(const sim::RunResult& run) {
  const auto history = sim::invariant_detail::read_history(run);
  std::vector<sim::InvariantViolation> violations;
  sim::invariant_detail::check_retry_units(history, violations);
  std::erase_if(violations, [](const sim::InvariantViolation& violation) {
    return violation.invariant != "retry_wait";
  });
  return violations;
}

TEST_CASE("a retry the trace shows scheduled is clean", "[invariants]") {
  CHECK(retry_waits(retried_run(true, kSecond + kHour)).empty());
}

TEST_CASE("an attempt after a failure needs no scheduled retry where an update started it",
          "[invariants]") {
  // An update starts a new retry cycle, whose first attempt is no retry.
  HistoryBuilder updated;
  failed_first_pass(updated, false);
  updated.notify(kMinute, "update", kPackage);
  succeeding_pass(updated, kMinute);
  CHECK(retry_waits(updated.run).empty());
}

TEST_CASE("retry_wait catches a retry that began with no retry scheduled", "[invariants]") {
  // The waits are judged from the retry_scheduled records: without this rule a retry the manager
  // ran at once, unannounced, would pass every one of them.
  const auto violations = retry_waits(retried_run(false, 2 * kSecond));
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].t_us == 2 * kSecond);
  CHECK(violations[0].detail ==
        "S0100001: an attempt began at 00:00:02 after the failed attempt that ended at 00:00:01, "
        "but the trace shows no retry scheduled in between (and no update or refresh)");
}

// A retry due at 01:00:01 that the manager says other work pulled forward to 00:20:00, with or
// without another package's creation then.
sim::RunResult pulled_run(bool other_package_created) {
  HistoryBuilder history;
  history.run.site.retry_on_wake = true;
  failed_first_pass(history, true);
  history.retry_scheduled(kSecond, kPackage, "", 2, kSecond + kHour);
  const TimeUs pulled_us = 20 * kMinute;
  if (other_package_created) history.notify(pulled_us, "create", "S0100009", "C:\\Other");
  history.add_record(pulled_us, "distmgr", "retry_scheduled",
                     {{"package", kPackage},
                      {"attempt", int64_t{2}},
                      {"at_us", pulled_us},
                      {"pulled_forward", true}});
  succeeding_pass(history, pulled_us);
  return std::move(history.run);
}

TEST_CASE("a retry pulled forward when another package arrives is clean", "[invariants]") {
  CHECK(retry_waits(pulled_run(true)).empty());
}

TEST_CASE("retry_wait catches a retry the manager says was pulled forward with nothing to wake it",
          "[invariants]") {
  const auto violations = retry_waits(pulled_run(false));
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].t_us == 20 * kMinute);
  CHECK(violations[0].detail ==
        "S0100001: retry 1 began at 00:20:00, before it fell due at 01:00:01; the manager says "
        "other work pulled it forward, but no other package was created, updated or refreshed "
        "then");
}

}  // namespace
}  // namespace distsim::testing
