// The timeline both drawings share: lane assignment under the nesting and disjoint rules, handle
// spans matched open-to-close with data and metadata handles told apart, the manager's handles
// given to the package whose pass opened them and to the DP they touch, the activity period, and
// each refusal tied to the handles that refused it (from the trace's blame, or inferred).
#include "sim/report/timeline.h"

#include <catch2/catch.hpp>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "sim/scenario/scenario_loader.h"
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
    if (handle.actor != kManagerActorName) holds.push_back(&handle);
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
    if (handle.actor != kManagerActorName) continue;
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
  CHECK(timeline.activity_start_us == 0);
  CHECK(timeline.activity_end_us == *run.passes.back().end_us);
}

Scenario scenario_file(const std::string& name) {
  LoadResult loaded = load_scenario_file(std::string(DISTSIM_SOURCE_DIR) + "/scenarios/" + name);
  REQUIRE(loaded.errors.empty());
  return *loaded.scenario;
}

RunResult traced_run(const Scenario& scenario) {
  RunOptions options;
  options.trace = true;
  return run_world(scenario, options);
}

// A recorded field as an argument for another trace.
sim::TraceArg as_arg(const TraceField& field) {
  return std::visit(
      [&](const auto& value) -> sim::TraceArg {
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, sim::TraceList>) {
          return {field.key, value.strings()};
        } else {
          return {field.key, value};
        }
      },
      field.value);
}

// The run with every refusal's `blame` field replaced by `blame` (or dropped when empty).
RunResult with_blame(RunResult run, const std::vector<std::string>& blame) {
  Trace trace(true);
  for (const TraceRecord& record : run.trace.records()) {
    std::vector<sim::TraceArg> fields;
    bool refused = false;
    for (const TraceField& field : record.fields) {
      if (field.key == "win32") refused = std::get<int64_t>(field.value) != 0;
      if (field.key != kBlameField) fields.push_back(as_arg(field));
    }
    if (refused && record.event == "open" && !blame.empty()) fields.push_back({kBlameField, blame});
    trace.add(record.t_us, record.actor, record.event, fields);
  }
  run.trace = std::move(trace);
  return run;
}

TEST_CASE("the activity period leaves out an idle horizon", "[timeline]") {
  // Goal: the report's zoom starts from what happened, not from the horizon. Method: the
  // Explorer window world (horizon 1 day): activity from the window opening at 0 to the last
  // pass, well before the horizon.
  const Scenario scenario = scenario_file("q207416-explorer-window.yaml");
  const RunResult run = traced_run(scenario);
  const Timeline timeline = build_timeline(scenario, run);
  CHECK(timeline.activity_start_us == 0);
  CHECK(timeline.activity_end_us == *run.passes.back().end_us);
  CHECK(timeline.activity_end_us < 3 * model::kMicrosecondsPerHour);
}

TEST_CASE("a scheduled retry is labelled with the attempt it will make", "[timeline]") {
  // Goal: the label names the pass the retry starts, counted as the passes are (the first retry
  // is the second attempt). Method: the TEMP world, whose package fails and retries; the n-th
  // retry mark must read "attempt n+1", and the run must have made that many passes.
  const Scenario scenario = scenario_file("q207416-temp-source.yaml");
  const RunResult run = traced_run(scenario);
  const Timeline timeline = build_timeline(scenario, run);
  std::vector<std::string> labels;
  for (const TimelineMark& mark : timeline.marks) {
    if (mark.kind == MarkKind::retry_scheduled) labels.push_back(mark.label);
  }
  REQUIRE(labels.size() >= 2);
  REQUIRE(run.passes.size() >= labels.size() + 1);
  for (size_t retry = 0; retry < labels.size(); ++retry) {
    CHECK(labels[retry] == "attempt " + std::to_string(retry + 2));
  }
}

TEST_CASE("a distribution point's fault is drawn as a fault span, not as a holder", "[timeline]") {
  // Goal: the DP's fault records (actor dp:<name>) reach the faults row. Method: the scenario
  // where DP02 is unreachable for the first 45 minutes.
  const Scenario scenario = scenario_file("cm2012-dp-back-after-maintenance.yaml");
  const RunResult run = traced_run(scenario);
  const Timeline timeline = build_timeline(scenario, run);
  REQUIRE(timeline.faults.size() == 1);
  CHECK(timeline.faults[0].fault == "dp_unreachable");
  CHECK(timeline.faults[0].target == "DP02");
  CHECK(timeline.faults[0].start_us == 0);
  CHECK(timeline.faults[0].end_us == 45 * model::kMicrosecondsPerMinute);
  for (const TimelineHolder& holder : timeline.holders) CHECK(holder.name.rfind("dp:", 0) != 0);
}

TEST_CASE("the manager's handles and marks are given to the distribution point they concern",
          "[timeline]") {
  // Goal: a row per DP. Method: the antivirus world with two DPs: the package lists both DPs;
  // each DP's copies, 2328, retry and refusal carry its name; package-wide marks carry none.
  const Scenario scenario = scenario_file("antivirus-exclusive-two-dps.yaml");
  const Timeline timeline = build_timeline(scenario, traced_run(scenario));
  REQUIRE(timeline.packages.size() == 1);
  CHECK(timeline.packages[0].dps == std::vector<std::string>{"DP01", "DP02"});
  REQUIRE(timeline.dps.size() == 2);
  CHECK(timeline.dps[1].share == "\\\\DP02\\SMSPKGC$");
  size_t copies_to_dp02 = 0;
  for (const HandleSpan& handle : timeline.handles) {
    if (handle.actor == kManagerActorName && handle.dp == "DP02") ++copies_to_dp02;
    if (handle.path.rfind("D:\\", 0) == 0) CHECK(handle.dp.empty());
  }
  CHECK(copies_to_dp02 == 4);
  std::vector<std::string> dp_of_2328;
  std::vector<std::string> dp_of_refusals;
  for (const TimelineMark& mark : timeline.marks) {
    if (mark.kind == MarkKind::status_message && mark.status_id == 2328) {
      dp_of_2328.push_back(mark.dp);
    }
    if (mark.kind == MarkKind::refusal) dp_of_refusals.push_back(mark.dp);
    if (mark.kind == MarkKind::status_message && mark.status_id == 2300) CHECK(mark.dp.empty());
  }
  CHECK(dp_of_2328 == std::vector<std::string>{"DP01", "DP02"});
  CHECK(dp_of_refusals == std::vector<std::string>{"DP01", "DP02"});
}

TEST_CASE("a refusal is tied to the handles its blame names, or else to those open on its path",
          "[timeline]") {
  // Goal: each failed attempt names its culprit. Method: the Explorer window world's refused
  // opens of Thumbs.db, blamed on the window's Thumbs.db handle in the world's culprit form and in
  // the short form, and without any blame (inferred: the window also has the folder open, but
  // only the Thumbs.db handle is on the refused path).
  const Scenario scenario = scenario_file("q207416-explorer-window.yaml");
  const RunResult run = traced_run(scenario);
  auto refusal_blockers = [&](const Timeline& timeline, bool from_trace) {
    std::vector<std::string> named;
    for (const TimelineMark& mark : timeline.marks) {
      if (mark.kind != MarkKind::refusal) continue;
      CHECK(mark.blame_from_trace == from_trace);
      for (const size_t index : mark.blockers) {
        const HandleSpan& held = timeline.handles[index];
        named.push_back(held.actor + " " + held.path);
      }
    }
    return named;
  };
  const std::string culprit = "admin-window D:\\Packages\\Office2000\\Thumbs.db";
  const std::vector<std::string> expected{culprit, culprit};
  const std::string world_form =
      "actor=admin-window kind=explorer_window app=RmExplorer handle=2 since_us=0 "
      "access=GENERIC_READ|GENERIC_WRITE share=FILE_SHARE_READ path=D:\\Packages\\Office2000"
      "\\Thumbs.db";
  CHECK(refusal_blockers(build_timeline(scenario, with_blame(run, {world_form})), true) ==
        expected);
  CHECK(refusal_blockers(build_timeline(scenario, with_blame(run, {"admin-window#2"})), true) ==
        expected);
  CHECK(refusal_blockers(build_timeline(scenario, with_blame(run, {})), false) == expected);
}

TEST_CASE("a refusal that no handle caused names no culprit", "[timeline]") {
  // Goal: an unreachable DP is not blamed on a bystander. Method: the ConfigMgr world whose DP02
  // is unreachable: every refusal has an empty blame.
  const Scenario scenario = scenario_file("cm2012-dp-retries-exhausted.yaml");
  const Timeline timeline = build_timeline(scenario, traced_run(scenario));
  size_t refusals = 0;
  for (const TimelineMark& mark : timeline.marks) {
    if (mark.kind != MarkKind::refusal) continue;
    ++refusals;
    CHECK(mark.blockers.empty());
    CHECK(mark.dp == "DP02");
  }
  CHECK(refusals > 100);
}

}  // namespace
}  // namespace distsim::sim
