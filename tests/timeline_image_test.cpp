// The timeline draws a running program's image section as a span of the program's holder, from
// map_image to unmap_image, and ties the refusals it caused to that span.
#include <catch2/catch.hpp>
#include <string>

#include "sim/report/timeline.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"

namespace distsim::sim {
namespace {

constexpr const char* kScenario = R"(version: 1
name: image span
until: 6h
filesystem:
  - file: 'D:\Src\App\setup.exe'
distribution_points:
  - name: DP01
packages:
  - id: S0100001
    source: 'D:\Src\App'
  - update: S0100001
    at: 2h
holders:
  - kind: script
    name: client
    steps:
      - at: 1h
        run: '\\DP01\SMSPKGC$\S0100001\setup.exe'
        as: setup
      - at: 3h
        exit: setup
)";

TEST_CASE("a running program's image is a span of its holder that the refusals it caused name",
          "[timeline][semantics]") {
  // Goal: the report shows what blocked the manager when only an image section did. Method: a
  // client runs setup.exe from the DP from 1h to 3h; the update at 2h is refused on it.
  const LoadResult loaded = load_scenario_text(kScenario, "image.yaml");
  REQUIRE(loaded.errors.empty());
  const RunResult run = run_world(*loaded.scenario, {});
  const Timeline timeline = build_timeline(*loaded.scenario, run);
  size_t image = timeline.handles.size();
  for (size_t index = 0; index < timeline.handles.size(); ++index) {
    if (timeline.handles[index].actor == "client" &&
        timeline.handles[index].access == std::vector<std::string>{"SEC_IMAGE"}) {
      image = index;
    }
  }
  REQUIRE(image < timeline.handles.size());
  const HandleSpan& span = timeline.handles[image];
  CHECK(span.data);
  CHECK(span.open_us == model::kMicrosecondsPerHour);
  CHECK(span.close_us == 3 * model::kMicrosecondsPerHour);
  bool named = false;
  for (const TimelineMark& mark : timeline.marks) {
    if (mark.kind != MarkKind::refusal || mark.actor != "distmgr") continue;
    for (const size_t blocker : mark.blockers) named |= blocker == image;
  }
  CHECK(named);
}

}  // namespace
}  // namespace distsim::sim
