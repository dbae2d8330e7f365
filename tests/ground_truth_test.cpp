// The final files the checkers judge by (sim/world/ground_truth.cpp): every file below each root
// with its content, in root order and each root's files sorted case-insensitively, and a file
// below two roots listed once, whichever way the roots are spelled; and when a run lists them.
#include "sim/world/ground_truth.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "model/assert.h"
#include "sim/check/invariants.h"
#include "sim/world/world.h"
#include "tests/vfs_world.h"
#include "tests/world_fixture.h"

namespace distsim::sim {
namespace {

using namespace testing;

std::vector<std::string> paths_of(const std::vector<FinalFile>& files) {
  std::vector<std::string> paths;
  for (const FinalFile& file : files) paths.push_back(file.first);
  return paths;
}

TEST_CASE("final files list each root's files with their content, in root order", "[ground]") {
  VfsWorld world;
  REQUIRE(world.vfs.make_file("D:\\Share\\b.txt", {3, 4}) == model::Win32Error::ok);
  REQUIRE(world.vfs.make_file("D:\\Share\\A.txt", {5, 6}) == model::Win32Error::ok);
  const auto files = files_below(world.vfs, {"D:\\Share", "C:\\Src\\Pkg", "E:\\Missing"});
  CHECK(paths_of(files) ==
        std::vector<std::string>{"D:\\Share\\A.txt", "D:\\Share\\b.txt", kSetup, kCab});
  CHECK(files[0].second == model::FileContent{5, 6});
  CHECK(files[3].second == model::FileContent{200, 2});
}

TEST_CASE("a file below two overlapping roots is listed once, under the first", "[ground]") {
  VfsWorld world;
  SECTION("a later root below an earlier one") {
    CHECK(paths_of(files_below(world.vfs, {"C:\\Src", "c:/src/pkg/sub"})) ==
          std::vector<std::string>{kSetup, kCab});
  }
  SECTION("an earlier root below a later one") {
    CHECK(paths_of(files_below(world.vfs, {"C:\\SRC\\PKG\\SUB", "C:\\Src"})) ==
          std::vector<std::string>{kCab, kSetup});
  }
  SECTION("the same root spelled twice") {
    CHECK(paths_of(files_below(world.vfs, {"C:\\Src\\Pkg", "c:\\src\\pkg\\"})) ==
          std::vector<std::string>{kSetup, kCab});
  }
  SECTION("a drive root above everything") {
    CHECK(paths_of(files_below(world.vfs, {"C:\\Src\\Pkg\\Sub", "C:\\"})) ==
          std::vector<std::string>{kCab, kSetup});
  }
}

TEST_CASE("a traced run lists its final files unless told not to, and no checker judges without",
          "[ground]") {
  // Goal: RunOptions::capture_files follows the trace by default, false skips the listing, and
  // the checkers refuse a traced run without its files instead of judging an empty DP. Method:
  // the KB world three ways.
  const Scenario scenario = testing::kb_world({});
  const RunResult by_default = run_world(scenario, RunOptions{});
  CHECK(by_default.files_captured);
  CHECK_FALSE(by_default.final_files.empty());
  CHECK(check_invariants(by_default).empty());

  RunOptions untraced;
  untraced.trace = false;
  const RunResult fast = run_world(scenario, untraced);
  CHECK_FALSE(fast.files_captured);
  CHECK(fast.final_files.empty());
  untraced.capture_files = true;
  CHECK(run_world(scenario, untraced).final_files == by_default.final_files);

  RunOptions unchecked;
  unchecked.capture_files = false;
  const RunResult traced_only = run_world(scenario, unchecked);
  CHECK_FALSE(traced_only.files_captured);
  CHECK(traced_only.final_files.empty());
  CHECK(traced_only.trace.records().size() == by_default.trace.records().size());
  CHECK_THROWS_AS(check_invariants(traced_only), AssertionFailure);
}

}  // namespace
}  // namespace distsim::sim
