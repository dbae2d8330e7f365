// The explorer's worlds exercise the Windows semantics: some seeds switch on delete-on-close temp
// files, programs running from source or DP files (image sections) and read-only files, those
// worlds load back from YAML, and they hold every invariant.
#include <catch2/catch.hpp>

#include "sim/check/swarm_explorer.h"
#include "sim/check/world_generator.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"

namespace distsim::sim {
namespace {

bool has_step(const Scenario& scenario, ScriptStep::Action action) {
  for (const HolderSpec& holder : scenario.holders) {
    for (const ScriptStep& step : holder.steps) {
      if (step.action == action) return true;
    }
  }
  return false;
}

TEST_CASE("generated worlds run programs, delete temp files on close and mark files read-only",
          "[explore][semantics]") {
  // Goal: explore reaches the new semantics, and a world that uses them is valid and passes the
  // oracles. Method: the first 200 seeds; count worlds with each feature and check them.
  uint32_t with_images = 0;
  uint32_t with_delete_on_close = 0;
  uint32_t with_read_only = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const GeneratedWorld world = generate_world(seed, {});
    const Scenario& scenario = world.scenario;
    bool delete_on_close = false;
    for (const HolderSpec& holder : scenario.holders) delete_on_close |= holder.delete_on_close;
    bool read_only = false;
    for (const FilesystemEntry& entry : scenario.filesystem) read_only |= entry.read_only;
    CHECK(world.features.images == has_step(scenario, ScriptStep::Action::run));
    CHECK(world.features.delete_on_close == delete_on_close);
    CHECK(world.features.read_only == read_only);
    CHECK(world.features.read_only == has_step(scenario, ScriptStep::Action::set_attributes));
    if (!world.features.images && !delete_on_close && !read_only) continue;
    with_images += world.features.images ? 1 : 0;
    with_delete_on_close += delete_on_close ? 1 : 0;
    with_read_only += read_only ? 1 : 0;
    const LoadResult loaded = load_scenario_text(write_scenario_yaml(scenario), "generated.yaml");
    INFO("seed " << seed);
    REQUIRE(loaded.errors.empty());
    const auto failure = check_world(scenario, world.must_install_all);
    CHECK_FALSE(failure.has_value());
  }
  CHECK(with_images > 50);
  CHECK(with_delete_on_close > 50);
  CHECK(with_read_only > 50);
}

}  // namespace
}  // namespace distsim::sim
