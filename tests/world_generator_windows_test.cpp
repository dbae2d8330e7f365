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

TEST_CASE("a generated administrator clears the DP copy's read-only mark only while the DP answers",
          "[explore][semantics]") {
  // Goal: a clearing refused by a DP fault would leave the copy read-only for good, and the
  // oracle that demands every package installed would fail on a world that cannot install it.
  // Method: every seed below 3,000 with a read-only DP copy and a fault on that DP.
  uint32_t with_both = 0;
  for (uint64_t seed = 0; seed < 3000; ++seed) {
    const Scenario scenario = generate_world(seed, {}).scenario;
    const std::string dp = scenario.distribution_points.front().name;
    for (const HolderSpec& holder : scenario.holders) {
      if (holder.name != "attrib") continue;
      for (const FaultSpec& fault : scenario.faults) {
        if (fault.kind == FaultSpec::Kind::crash || fault.target != dp) continue;
        ++with_both;
        for (const ScriptStep& step : holder.steps) {
          const bool clears_dp = step.action == ScriptStep::Action::set_attributes &&
                                 !step.read_only && step.path.rfind("\\\\", 0) == 0;
          if (!clears_dp) continue;
          INFO("seed " << seed << ", clearing at " << step.at_us << " us");
          CHECK((step.at_us < fault.at_us || step.at_us > fault.at_us + fault.for_us.value_or(0)));
        }
      }
    }
  }
  CHECK(with_both > 20);
}

}  // namespace
}  // namespace distsim::sim
