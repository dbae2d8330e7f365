// source_read_whole: a pass goes on to its copies only once it has read every file its listings of
// the source folder and its subfolders found. Hand-written traces, so that each case changes one
// thing; tests/fault_injection_test.cpp shows the checker catching a manager that skips a file.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "history_builder.h"
#include "sim/check/invariants.h"

namespace distsim::testing {
namespace {

const std::string kPackage = "S0100001";
const std::string kSource = "C:\\Src";
const std::string kDpFolder = "\\\\DP01\\SMSPKGC$\\S0100001";
constexpr int64_t kPassThread = 7;
constexpr int64_t kOtherThread = 8;

// One pass of S0100001 (thread 7) that lists C:\Src, reads files and, when it goes on to its
// copies, creates its DP folder and ends with success; otherwise it fails with 32.
class PassStory {
 public:
  PassStory() {
    history_.notify(0, "create", kPackage, kSource);
    history_.add_record(kMinute, "distmgr", "pass_start",
                        {{"package", kPackage}, {"attempt", int64_t{1}}, {"thread", kPassThread}});
    t_us_ = kMinute;
  }
  // A listing of `path` that found `files` files, by `thread`.
  PassStory& list(const std::string& path, int64_t files, int64_t thread = kPassThread) {
    history_.add_record(next(), "distmgr", "list_directory",
                        {{"path", path},
                         {"win32", int64_t{0}},
                         {"result", std::string("ok")},
                         {"files", files},
                         {"folders", int64_t{0}},
                         {"thread", thread}});
    return *this;
  }
  // An open of `path` by the pass's thread and a read of it on that handle.
  PassStory& read(const std::string& path) {
    const int64_t handle = ++handles_;
    history_.add_record(next(), "distmgr", "open",
                        {{"path", path},
                         {"access", std::vector<std::string>{"GENERIC_READ"}},
                         {"share", std::vector<std::string>{"FILE_SHARE_READ"}},
                         {"win32", int64_t{0}},
                         {"result", std::string("ok")},
                         {"handle", handle},
                         {"thread", kPassThread}});
    history_.content_op(next(), "read", "distmgr", path, handle, 1000, 1);
    history_.close(next(), "distmgr", path, handle);
    return *this;
  }
  // The source_read_whole findings once the pass copies (or, `copies` false, fails instead).
  std::vector<std::string> findings(bool copies = true) {
    if (copies) history_.make_directory(next(), kDpFolder);
    history_.add_record(next(), "distmgr", "pass_end",
                        {{"package", kPackage},
                         {"attempt", int64_t{1}},
                         {"result", std::string(copies ? "success" : "retry")},
                         {"win32", int64_t{copies ? 0 : 32}}});
    std::vector<std::string> found;
    for (const sim::InvariantViolation& violation : sim::check_invariants(history_.run)) {
      if (violation.invariant == "source_read_whole") found.push_back(violation.detail);
    }
    return found;
  }

 private:
  TimeUs next() { return t_us_ += kSecond; }
  HistoryBuilder history_;
  TimeUs t_us_ = 0;
  int64_t handles_ = 0;
};

TEST_CASE("source_read_whole accepts a pass that read every file its listings found",
          "[invariants][source_read_whole]") {
  // Goal: the files of subfolders count, and a file read twice counts once. Method: C:\Src holds
  // two files and C:\Src\sub one; a.cab is read again before the last file.
  CHECK(PassStory()
            .list(kSource, 2)
            .list(kSource + "\\sub", 1)
            .read(kSource + "\\a.cab")
            .read(kSource + "\\b.cab")
            .read(kSource + "\\a.cab")
            .read(kSource + "\\sub\\c.cab")
            .findings()
            .empty());
}

TEST_CASE("source_read_whole catches a pass that copies without reading a file it listed",
          "[invariants][source_read_whole]") {
  // Goal: a file left out is caught whether it sits in the source folder or in a subfolder, and
  // reading another file twice does not make up for it.
  const std::vector<std::string> missing_below{
      "S0100001: the pass that listed C:\\Src at 00:01:01 went on to its copies having read 2 of "
      "the 3 files its listings found"};
  CHECK(PassStory()
            .list(kSource, 2)
            .list(kSource + "\\sub", 1)
            .read(kSource + "\\a.cab")
            .read(kSource + "\\b.cab")
            .findings() == missing_below);
  const std::vector<std::string> read_twice{
      "S0100001: the pass that listed C:\\Src at 00:01:01 went on to its copies having read 1 of "
      "the 2 files its listings found"};
  CHECK(
      PassStory().list(kSource, 2).read(kSource + "\\a.cab").read(kSource + "\\a.cab").findings() ==
      read_twice);
}

TEST_CASE("source_read_whole counts only the pass's own listings and judges only passes that copy",
          "[invariants][source_read_whole]") {
  // Goal: another package's pass listing a subfolder of the same source adds nothing to this
  // pass's count, and a pass that fails before its copies has nothing to answer for.
  CHECK(PassStory()
            .list(kSource, 1)
            .list(kSource + "\\sub", 5, kOtherThread)
            .read(kSource + "\\a.cab")
            .findings()
            .empty());
  CHECK(PassStory().list(kSource, 3).read(kSource + "\\a.cab").findings(false).empty());
}

}  // namespace
}  // namespace distsim::testing
