// Script steps whose `at` is a distribution: drawn in each run from the holder's stream, and run
// in order, so a step drawn (or written) earlier than the step before it runs right after it.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

constexpr const char* kScenario = R"(version: 1
name: drawn step times
until: 6h
filesystem:
  - file: 'C:\Data\a.txt'
holders:
  - kind: script
    name: installer
    steps:
      - at: {uniform: [2h, 3h]}
        open: 'C:\Data\a.txt'
        as: h1
      - at: 30m
        close: h1
      - at: {exponential: 1s}
        delete: 'C:\Data\a.txt'
)";

// The times of the installer's operations, in trace order.
std::vector<TimeUs> step_times(uint64_t seed) {
  const LoadResult loaded = load_scenario_text(kScenario, "drawn.yaml");
  REQUIRE(loaded.errors.empty());
  RunOptions options;
  options.seed = seed;
  const RunResult run = run_world(*loaded.scenario, options);
  std::vector<TimeUs> times;
  for (const TraceRecord& record : run.trace.records()) {
    if (record.actor == "installer") times.push_back(record.t_us);
  }
  return times;
}

TEST_CASE("a drawn step time is drawn per seed and never runs a step before the one before it",
          "[holders][script]") {
  // Goal: `at` takes a distribution on script steps too, as on every holder key, and steps keep
  // their order. Method: an open drawn in [2h, 3h], a close written for 30m, a delete drawn near
  // 0; over a few seeds the open lands in its range and the close and delete follow it.
  bool seeds_differ = false;
  const std::vector<TimeUs> first = step_times(0);
  for (uint64_t seed = 0; seed < 8; ++seed) {
    const std::vector<TimeUs> times = step_times(seed);
    REQUIRE(times.size() == 3);  // open, close, delete
    CHECK(times[0] >= 2 * model::kMicrosecondsPerHour);
    CHECK(times[0] <= 3 * model::kMicrosecondsPerHour);
    CHECK(times[1] == times[0]);
    CHECK(times[2] >= times[1]);
    CHECK(step_times(seed) == times);  // the same seed, the same draws
    seeds_differ |= times != first;
  }
  CHECK(seeds_differ);
}

}  // namespace
}  // namespace distsim::sim
