// Golden traces: for chosen scenarios, the JSON Lines trace and Distmgr.log that `distsim run`
// writes are kept under tests/golden/traces/ and compared byte for byte, so that any change of
// behaviour shows up as a diff a reviewer reads. After an intended change, regenerate them with
// tools/regen-golden.sh (DISTSIM_REGEN_GOLDEN=1 for the "[golden]" tests) and review `git diff`.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cli_runner.h"

namespace distsim::testing {
namespace {

// The scenarios whose outputs are golden, by file stem under scenarios/.
constexpr std::string_view kGoldenScenarios[] = {"q207416-temp-source", "q207416-explorer-window",
                                                 "cm2012-dp-back-after-maintenance"};

// "line 12 differs:\n  golden: ...\n  now:    ..." for the first line that differs, or "".
std::string first_difference(const std::string& golden, const std::string& now) {
  size_t line = 1;
  size_t golden_start = 0;
  size_t now_start = 0;
  while (golden_start < golden.size() || now_start < now.size()) {
    const size_t golden_end = std::min(golden.find('\n', golden_start), golden.size());
    const size_t now_end = std::min(now.find('\n', now_start), now.size());
    const std::string golden_line = golden.substr(golden_start, golden_end - golden_start);
    const std::string now_line = now.substr(now_start, now_end - now_start);
    if (golden_line != now_line) {
      return "line " + std::to_string(line) + " differs:\n  golden: " + golden_line +
             "\n  now:    " + now_line;
    }
    golden_start = golden_end + 1;
    now_start = now_end + 1;
    ++line;
  }
  return golden == now ? "" : "the files differ in their final newline";
}

void compare_or_regenerate(const std::string& golden_path, const std::string& now) {
  if (std::getenv("DISTSIM_REGEN_GOLDEN") != nullptr) write_text_file(golden_path, now);
  const std::string golden = read_text_file(golden_path);
  INFO("golden file " << golden_path << " (regenerate with tools/regen-golden.sh)");
  CHECK(!golden.empty());
  CHECK(first_difference(golden, now) == "");
}

TEST_CASE("the trace and Distmgr.log of the golden scenarios match their files byte for byte",
          "[golden][trace]") {
  // Goal: end-to-end stability of what users read. Method: `distsim run --trace --log` on each
  // golden scenario, from the source directory as the README runs it.
  const std::string scratch = scratch_directory("golden-traces");
  const std::string golden_directory = std::string(DISTSIM_SOURCE_DIR) + "/tests/golden/traces/";
  for (const std::string_view stem_view : kGoldenScenarios) {
    const std::string stem(stem_view);
    const std::string trace = scratch + "/" + stem + ".trace.jsonl";
    const std::string log = scratch + "/" + stem + ".Distmgr.log";
    const CliResult result = run_distsim(
        "run scenarios/" + stem + ".yaml --quiet --trace '" + trace + "' --log '" + log + "'",
        DISTSIM_SOURCE_DIR);
    INFO(stem << ": " << result.out << result.err);
    REQUIRE(result.status == 0);
    compare_or_regenerate(golden_directory + stem + ".trace.jsonl", read_text_file(trace));
    compare_or_regenerate(golden_directory + stem + ".Distmgr.log", read_text_file(log));
  }
}

}  // namespace
}  // namespace distsim::testing
