// The explorer: generated worlds are reproducible and loadable, the oracles catch a stuck
// package, shrinking keeps the failure while dropping what does not matter, and shards and
// threads do not change what is found.
#include <atomic>
#include <catch2/catch.hpp>

#include "sim/check/swarm_explorer.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/world/world.h"
#include "world_fixture.h"

namespace distsim::sim {
namespace {

TEST_CASE("a seed always draws the same world and that world loads back from YAML", "[explore]") {
  // Goal: the seed is a complete description of its world. Method: 300 seeds, twice each.
  for (uint64_t seed = 0; seed < 300; ++seed) {
    const GeneratedWorld first = generate_world(seed, {});
    const GeneratedWorld second = generate_world(seed, {});
    const std::string yaml = write_scenario_yaml(first.scenario);
    REQUIRE(yaml == write_scenario_yaml(second.scenario));
    const LoadResult loaded = load_scenario_text(yaml, "generated.yaml");
    INFO("seed " << seed << ": " << (loaded.errors.empty() ? "" : loaded.errors[0].to_string()));
    REQUIRE(loaded.errors.empty());
  }
}

TEST_CASE("the liveness oracle reports a package that never installs", "[explore]") {
  // Goal: must_install_all turns a stuck package into a finding. Method: a lock held all run.
  testing::KbWorldOptions options;
  options.lock_for_us = options.until_us;
  const Scenario stuck = testing::kb_world(options);
  const auto failure = check_world(stuck, true);
  REQUIRE(failure.has_value());
  CHECK(failure->kind == "liveness:32");
  CHECK_FALSE(check_world(stuck, false).has_value());
  CHECK_FALSE(check_world(testing::kb_world({}), true).has_value());
}

TEST_CASE("shrinking drops what the failure does not need and keeps its kind", "[explore]") {
  // Goal: a minimal reproducer. Method: the stuck KB world plus an unrelated package and DP.
  testing::KbWorldOptions options;
  options.lock_for_us = options.until_us;
  Scenario world = testing::kb_world(options);
  world.filesystem.push_back({FilesystemEntry::Kind::file, "D:\\Other\\x.msi", 1024, 0, {}});
  PackageEvent other;
  other.id = "S0100002";
  other.name = "Other";
  other.source = "D:\\Other";
  world.packages.push_back(other);
  DistributionPointSpec dp;
  dp.name = "DP02";
  world.distribution_points.push_back(dp);
  const auto failure = check_world(world, true);
  REQUIRE(failure.has_value());
  const ShrinkResult shrunk = shrink_world(world, true, *failure);
  CHECK(shrunk.runs > 0);
  CHECK(shrunk.scenario.packages.size() == 1);
  CHECK(shrunk.scenario.holders.size() == 1);
  CHECK(shrunk.scenario.distribution_points.size() <= 1);
  const auto again = check_world(shrunk.scenario, true);
  REQUIRE(again.has_value());
  CHECK(again->kind == "liveness:32");
}

TEST_CASE("the determinism check tells a repeated run from one with a planted difference",
          "[explore]") {
  // Goal: same_trace, the explorer's nondeterminism oracle, can fail. Method: the same world run
  // twice, and once more with entropy planted in the manager's random stream.
  testing::KbWorldOptions options;
  options.lock_for_us = 3 * model::kMicrosecondsPerHour;
  Scenario world = testing::kb_world(options);
  world.site.retry.jitter = model::Jitter::full;
  const RunResult first = run_world(world, {});
  REQUIRE(first.trace.records().size() > 10);
  CHECK(same_trace(first.trace, run_world(world, {}).trace));
  RunOptions planted;
  planted.planted_entropy = [] { return uint64_t{12345}; };
  CHECK_FALSE(same_trace(first.trace, run_world(world, planted).trace));
}

TEST_CASE("shards split the seeds and threads do not change the result", "[explore]") {
  // Goal: --shard and --jobs are pure partitions of the same work.
  ExploreOptions options;
  options.seed_count = 60;
  const auto ignore = [](const ExploreProgress&) {};
  const ExploreSummary whole = explore(options, ignore);
  options.jobs = 2;
  const ExploreSummary threaded = explore(options, ignore);
  CHECK(whole.worlds == 60);
  CHECK(threaded.worlds == 60);
  CHECK(whole.findings.size() == threaded.findings.size());
  options.jobs = 1;
  options.shard_count = 3;
  uint64_t shard_worlds = 0;
  for (uint32_t shard = 0; shard < 3; ++shard) {
    options.shard_index = shard;
    shard_worlds += explore(options, ignore).worlds;
  }
  CHECK(shard_worlds == 60);
}

TEST_CASE("a stop request ends the campaign between seeds and the summary covers the seeds before",
          "[explore]") {
  // Goal: --time-limit's mechanism. Method: a predicate that says stop when asked the 6th time;
  // with one thread the first five seeds ran, and the progress reports only those.
  ExploreOptions options;
  options.seed_count = 40;
  options.shard_index = 1;
  options.shard_count = 2;
  uint64_t asked = 0;
  uint64_t last_progress = 0;
  const ExploreSummary summary = explore(
      options, [&](const ExploreProgress& progress) { last_progress = progress.done; },
      [&] { return ++asked > 5; });
  CHECK(summary.worlds_planned == 20);
  CHECK(summary.worlds == 5);
  CHECK_FALSE(summary.complete());
  CHECK(last_progress == 5);
  CHECK(shard_seed(options, summary.worlds) == 11);  // the first seed not explored
  // With two threads the seeds run is still a prefix: at most the 7 seeds started.
  options.jobs = 2;
  std::atomic<uint64_t> asked_threaded{0};
  const ExploreSummary threaded = explore(
      options, [](const ExploreProgress&) {}, [&] { return ++asked_threaded > 7; });
  CHECK(threaded.worlds <= 7);
  CHECK_FALSE(threaded.complete());
}

TEST_CASE("a shard's seeds are every N-th seed from the start plus its index", "[explore]") {
  ExploreOptions options;
  options.seed_start = 100;
  options.seed_count = 10;
  options.shard_count = 4;
  options.shard_index = 3;
  CHECK(shard_seed_count(options) == 2);  // 103, 107
  CHECK(shard_seed(options, 1) == 107);
  options.seed_count = 3;
  CHECK(shard_seed_count(options) == 0);
}

}  // namespace
}  // namespace distsim::sim
