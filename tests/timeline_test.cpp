// The timeline both drawings share: lane assignment under the nesting and disjoint rules, handle
// spans matched open-to-close with data and metadata handles told apart, and the manager's
// handles given to the package whose pass opened them.
#include "sim/report/timeline.h"

#include <catch2/catch.hpp>
#include <vector>

#include "sim/world/world.h"
#include "tests/world_fixture.h"

namespace distsim::sim {
namespace {

constexpr TimeUs kSecond = model::kMicrosecondsPerSecond;

TEST_CASE("assign_lanes keeps nested spans in one lane and moves a crossing span to the next",
          "[timeline]") {
  // Goal: the Chrome trace rule. Method: an outer span, one inside it, one crossing its end, and
  // one after everything.
  const std::vector<LaneSpan> spans{{0, 100}, {10, 20}, {50, 150}, {200, 210}};
  CHECK(assign_lanes(spans, LaneRule::nest) == std::vector<uint32_t>{0, 0, 1, 0});
}

TEST_CASE("assign_lanes under the disjoint rule gives overlapping spans their own lanes",
          "[timeline]") {
  // Goal: the drawing rule, and lanes reused once free. Method: the same spans as the nesting
  // test plus two that touch end to start.
  const std::vector<LaneSpan> spans{{0, 100}, {10, 20}, {50, 150}, {100, 120}, {200, 210}};
  CHECK(assign_lanes(spans, LaneRule::disjoint) == std::vector<uint32_t>{0, 1, 1, 0, 0});
}

TEST_CASE("assign_lanes never uses more than kTimelineLanesMax lanes", "[timeline]") {
  // Goal: the bound. Method: more spans than lanes, all covering the same moment.
  std::vector<LaneSpan> spans;
  for (uint32_t index = 0; index < kTimelineLanesMax + 5; ++index) spans.push_back({0, 100});
  const std::vector<uint32_t> lanes = assign_lanes(spans, LaneRule::disjoint);
  CHECK(lanes[kTimelineLanesMax - 1] == kTimelineLanesMax - 1);
  CHECK(lanes.back() == kTimelineLanesMax - 1);
}

TEST_CASE("handles are matched open to close and metadata handles are told apart", "[timeline]") {
  // Goal: what the holders' bars show. Method: the KB holder (read/write, a data handle) and a
  // script that opens the source folder for attributes only.
  Scenario scenario = testing::kb_world({});
  HolderSpec script;
  script.kind = HolderKind::script;
  script.name = "attributes";
  ScriptStep open;
  open.path = "C:\\WINNT\\TEMP";
  open.handle_name = "dir";
  open.access = model::AccessMask{model::access_bits::kFileReadAttributes};
  open.share = model::ShareMode{model::share_bits::kAll};
  ScriptStep close;
  close.action = ScriptStep::Action::close;
  close.at_us = 5 * kSecond;
  close.handle_name = "dir";
  script.steps = {open, close};
  scenario.holders.push_back(script);
  const RunResult run = run_world(scenario, {});
  const Timeline timeline = build_timeline(scenario, run);
  REQUIRE(timeline.holders.size() == 2);
  CHECK(timeline.holders[1].kind == "script");
  std::vector<const HandleSpan*> holds;
  for (const HandleSpan& handle : timeline.handles) {
    if (handle.actor != kManagerTraceActor) holds.push_back(&handle);
  }
  REQUIRE(holds.size() == 2);
  CHECK(holds[0]->actor == "setup-program");
  CHECK(holds[0]->data);
  CHECK(holds[0]->close_us == 95 * model::kMicrosecondsPerMinute);
  CHECK(holds[1]->actor == "attributes");
  CHECK_FALSE(holds[1]->data);
  CHECK(holds[1]->close_us == 5 * kSecond);
}

TEST_CASE("the manager's handles and refusals belong to the package whose pass was running",
          "[timeline]") {
  // Goal: the manager's work lands on the right package track. Method: every manager handle and
  // refusal of the KB world names S0100001; the activity ends with the last pass.
  const Scenario scenario = testing::kb_world({});
  const RunResult run = run_world(scenario, {});
  const Timeline timeline = build_timeline(scenario, run);
  size_t manager_handles = 0;
  for (const HandleSpan& handle : timeline.handles) {
    if (handle.actor != kManagerTraceActor) continue;
    ++manager_handles;
    CHECK(handle.package_id == "S0100001");
  }
  CHECK(manager_handles > 3);
  size_t refusals = 0;
  for (const TimelineMark& mark : timeline.marks) {
    if (mark.kind != MarkKind::refusal) continue;
    ++refusals;
    CHECK(mark.package_id == "S0100001");
  }
  CHECK(refusals == 2);
  CHECK(timeline.activity_end_us == *run.passes.back().end_us);
}

}  // namespace
}  // namespace distsim::sim
