// The explorer: generated worlds are reproducible and loadable, the oracles catch a stuck
// package, shrinking keeps the failure while dropping what does not matter, and shards and
// threads do not change what is found.
#include <catch2/catch.hpp>

#include "sim/check/swarm_explorer.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
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

TEST_CASE("shards split the seeds and threads do not change the result", "[explore]") {
  // Goal: --shard and --jobs are pure partitions of the same work.
  ExploreOptions options;
  options.seed_count = 60;
  const auto ignore = [](uint64_t, uint64_t) {};
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

}  // namespace
}  // namespace distsim::sim
