// The Chrome trace writer: valid trace event JSON, a thread per package and per holder, spans
// that match the run's passes, holds and retry waits, instant events, stable bytes, and the
// `distsim run --chrome-trace` flag.
#include "sim/report/chrome_trace.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/report/run_report.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
#include "tests/cli_runner.h"
#include "tests/json_value.h"
#include "tests/world_fixture.h"

namespace distsim::sim {
namespace {

using testing::JsonReader;
using testing::JsonValue;

constexpr TimeUs kSecond = model::kMicrosecondsPerSecond;
constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;

struct TracedRun {
  Scenario scenario;
  RunResult run;
  std::string json;
};

TracedRun traced_run(Scenario scenario) {
  RunOptions options;
  options.trace = true;
  RunResult run = run_world(scenario, options);
  const RunVerdict verdict = judge_run(scenario, run);
  std::string json = chrome_trace_json(scenario, run, verdict);
  return {std::move(scenario), std::move(run), std::move(json)};
}

JsonValue parsed(const std::string& json) {
  JsonReader reader(json);
  const auto value = reader.read();
  INFO(reader.error());
  REQUIRE(value.has_value());
  return *value;
}

std::vector<const JsonValue*> events_where(const JsonValue& trace, const std::string& phase,
                                           const std::string& category = "") {
  std::vector<const JsonValue*> found;
  for (const JsonValue& event : trace.at("traceEvents").items) {
    if (event.at("ph").text != phase) continue;
    if (!category.empty() && (!event.has("cat") || event.at("cat").text != category)) continue;
    found.push_back(&event);
  }
  return found;
}

// The names of the threads of one process, by thread_name metadata.
std::vector<std::string> thread_names(const JsonValue& trace, int64_t pid) {
  std::vector<std::string> names;
  for (const JsonValue* event : events_where(trace, "M")) {
    if (event->at("name").text == "thread_name" && event->at("pid").integer() == pid)
      names.push_back(event->at("args").at("name").text);
  }
  return names;
}

// The KB world plus a second package from its own folder and a second holder outside both.
Scenario two_packages_two_holders() {
  Scenario scenario = testing::kb_world(testing::lock_for(30 * kMinute));
  scenario.filesystem.push_back({FilesystemEntry::Kind::dir, "C:\\Apps\\Two", 0, 0, {}});
  scenario.filesystem.push_back(
      {FilesystemEntry::Kind::file, "C:\\Apps\\Two\\two.msi", 1024, 0, {}});
  scenario.filesystem.push_back({FilesystemEntry::Kind::dir, "C:\\Users", 0, 0, {}});
  PackageEvent second = scenario.packages.front();
  second.id = "S0100002";
  second.name = "Second";
  second.source = "C:\\Apps\\Two";
  second.at_us = 10 * kSecond;
  scenario.packages.push_back(second);
  HolderSpec other = scenario.holders.front();
  other.name = "desktop-user";
  other.path = "C:\\Users\\notes.tmp";
  scenario.holders.push_back(other);
  return scenario;
}

TEST_CASE("the Chrome trace of the KB world is trace event JSON with the required keys",
          "[chrome_trace]") {
  // Goal: Perfetto and chrome://tracing can load it. Method: parse it strictly and check every
  // event for the keys its phase needs.
  const TracedRun traced = traced_run(testing::kb_world({}));
  const JsonValue trace = parsed(traced.json);
  REQUIRE(trace.kind == JsonValue::Kind::object);
  CHECK(trace.at("displayTimeUnit").text == "ms");
  REQUIRE(trace.at("traceEvents").kind == JsonValue::Kind::array);
  CHECK(trace.at("traceEvents").items.size() > 10);
  for (const JsonValue& event : trace.at("traceEvents").items) {
    INFO(event.at("name").text);
    CHECK(event.has("pid"));
    CHECK(event.has("tid"));
    const std::string& phase = event.at("ph").text;
    REQUIRE((phase == "X" || phase == "i" || phase == "M"));
    if (phase == "M") {
      CHECK(event.at("args").kind == JsonValue::Kind::object);
      continue;
    }
    CHECK(event.at("ts").integer() >= 0);
    CHECK(event.has("cat"));
    if (phase == "X") CHECK(event.at("dur").integer() >= 0);
    if (phase == "i") CHECK(event.at("s").text == "t");
  }
}

TEST_CASE("the Chrome trace has one thread per package and one per holder", "[chrome_trace]") {
  // Goal: a track per package worker and per holder. Method: two packages and two holders; read
  // the process and thread name metadata.
  const TracedRun traced = traced_run(two_packages_two_holders());
  const JsonValue trace = parsed(traced.json);
  std::vector<std::string> processes;
  for (const JsonValue* event : events_where(trace, "M")) {
    if (event->at("name").text == "process_name")
      processes.push_back(event->at("args").at("name").text);
  }
  CHECK(processes == std::vector<std::string>{"distmgr", "holders", "world"});
  CHECK(thread_names(trace, kChromeManagerPid) ==
        std::vector<std::string>{"S0100001 Office 2000 SR1", "S0100002 Second"});
  CHECK(thread_names(trace, kChromeHoldersPid) ==
        std::vector<std::string>{"setup-program (temp_user)", "desktop-user (temp_user)"});
  CHECK(thread_names(trace, kChromeWorldPid).empty());  // no faults
}

TEST_CASE("a pass span starts when the pass started and lasts as long as it ran",
          "[chrome_trace]") {
  // Goal: ts/dur are the virtual microseconds of each pass. Method: match every pass of the KB
  // world (two failures, one success) with its "pass" span.
  const TracedRun traced = traced_run(testing::kb_world({}));
  const JsonValue trace = parsed(traced.json);
  const auto spans = events_where(trace, "X", "pass");
  REQUIRE(traced.run.passes.size() == 3);
  REQUIRE(spans.size() == traced.run.passes.size());
  for (const PassRecord& pass : traced.run.passes) {
    const auto span = std::find_if(spans.begin(), spans.end(), [&](const JsonValue* event) {
      return event->at("args").at("attempt").integer() == pass.attempt;
    });
    REQUIRE(span != spans.end());
    REQUIRE(pass.end_us.has_value());
    CHECK((*span)->at("ts").integer() == pass.start_us);
    CHECK((*span)->at("dur").integer() == *pass.end_us - pass.start_us);
    CHECK((*span)->at("pid").integer() == kChromeManagerPid);
    CHECK((*span)->at("tid").integer() == 1);
  }
  CHECK(spans[0]->at("args").at("result").text == "retry");
  CHECK(spans[0]->at("args").at("win32").integer() == 32);
  CHECK(spans[2]->at("args").at("result").text == "success");
}

TEST_CASE("a span of DP retries is named as such, not as a repeat of the attempt before it",
          "[chrome_trace]") {
  // Goal: Perfetto shows what the run summary shows: per-DP retries are no attempt of the
  // package. Method: the two-DP antivirus world, whose DP02 is retried on its own.
  const LoadResult loaded = load_scenario_file(std::string(DISTSIM_SOURCE_DIR) +
                                               "/scenarios/antivirus-exclusive-two-dps.yaml");
  REQUIRE(loaded.scenario.has_value());
  const TracedRun traced = traced_run(*loaded.scenario);
  const JsonValue trace = parsed(traced.json);
  size_t dp_retries = 0;
  for (const JsonValue* span : events_where(trace, "X", "pass")) {
    const bool flagged = span->at("args").has("dp_retries");
    CHECK(flagged == span->at("name").text.starts_with("DP retries: "));
    dp_retries += flagged ? 1 : 0;
  }
  const auto expected = std::count_if(traced.run.passes.begin(), traced.run.passes.end(),
                                      [](const PassRecord& pass) { return pass.dp_retries; });
  CHECK(expected > 0);
  CHECK(dp_retries == static_cast<size_t>(expected));
}

TEST_CASE("a holder's handle is a span from its open to its close on the holder's thread",
          "[chrome_trace]") {
  // Goal: handle holds come from open/close pairs. Method: the KB holder keeps ~setup1.tmp open
  // for 95 minutes from 0.
  const TracedRun traced = traced_run(testing::kb_world({}));
  const JsonValue trace = parsed(traced.json);
  std::vector<const JsonValue*> holds;
  for (const JsonValue* event : events_where(trace, "X", "handle")) {
    if (event->at("pid").integer() == kChromeHoldersPid) holds.push_back(event);
  }
  REQUIRE(holds.size() == 1);
  CHECK(holds[0]->at("name").text == "~setup1.tmp");
  CHECK(holds[0]->at("ts").integer() == 0);
  CHECK(holds[0]->at("dur").integer() == 95 * kMinute);
  CHECK(holds[0]->at("args").at("share").text == "0");
  CHECK(holds[0]->at("args").at("data").boolean);
}

TEST_CASE("retry waits run from the end of a failed pass to its retry", "[chrome_trace]") {
  // Goal: the hourly waits of SMS 2.0 are visible. Method: compare each wait span with the
  // pass it follows.
  const TracedRun traced = traced_run(testing::kb_world({}));
  const JsonValue trace = parsed(traced.json);
  const auto waits = events_where(trace, "X", "retry_wait");
  REQUIRE(waits.size() == 2);
  for (size_t index = 0; index < waits.size(); ++index) {
    const PassRecord& pass = traced.run.passes[index];
    CHECK(waits[index]->at("ts").integer() == *pass.end_us);
    CHECK(waits[index]->at("dur").integer() == *pass.next_retry_us - *pass.end_us);
  }
}

TEST_CASE("status messages, refusals and scheduled retries are instant events", "[chrome_trace]") {
  // Goal: the point events of the run. Method: count them against the run's own records.
  const TracedRun traced = traced_run(testing::kb_world({}));
  const JsonValue trace = parsed(traced.json);
  CHECK(events_where(trace, "i", "status_message").size() == traced.run.status_messages.size());
  const auto refusals = events_where(trace, "i", "refusal");
  REQUIRE(refusals.size() == 2);
  CHECK(refusals[0]->at("args").at("result").text == "ERROR_SHARING_VIOLATION");
  CHECK(refusals[0]->at("pid").integer() == kChromeManagerPid);
  CHECK(events_where(trace, "i", "retry").size() == 2);
}

TEST_CASE("spans that overlap without nesting on one thread go to an extra thread",
          "[chrome_trace]") {
  // Goal: no thread holds crossing slices (Perfetto would reject them). Method: a script holder
  // opens a at 0s and b at 10s, closes a at 20s and b at 30s.
  Scenario scenario = testing::kb_world(testing::lock_for(kMinute));
  HolderSpec script;
  script.kind = HolderKind::script;
  script.name = "crossing";
  auto step = [](ScriptStep::Action action, TimeUs at_us, std::string path, std::string name) {
    ScriptStep each;
    each.action = action;
    each.at_us = at_us;
    each.path = std::move(path);
    each.handle_name = std::move(name);
    each.share = model::ShareMode{model::share_bits::kAll};
    return each;
  };
  script.steps = {step(ScriptStep::Action::open, 0, "C:\\WINNT\\TEMP\\setup.exe", "a"),
                  step(ScriptStep::Action::open, 10 * kSecond, "C:\\WINNT\\TEMP\\data1.cab", "b"),
                  step(ScriptStep::Action::close, 20 * kSecond, "", "a"),
                  step(ScriptStep::Action::close, 30 * kSecond, "", "b")};
  scenario.holders.push_back(script);
  const TracedRun traced = traced_run(scenario);
  const JsonValue trace = parsed(traced.json);
  CHECK(thread_names(trace, kChromeHoldersPid) ==
        std::vector<std::string>{"setup-program (temp_user)", "crossing (script)",
                                 "crossing (script) (2)"});
  std::vector<int64_t> tids;
  for (const JsonValue* event : events_where(trace, "X", "handle")) {
    if (event->at("pid").integer() == kChromeHoldersPid && event->at("ts").integer() < kMinute &&
        event->at("name").text != "~setup1.tmp")
      tids.push_back(event->at("tid").integer());
  }
  CHECK(tids == std::vector<int64_t>{2, 3});
}

TEST_CASE("two runs of the same seed give the same Chrome trace bytes", "[chrome_trace]") {
  // Goal: deterministic output. Method: run a world with two packages twice.
  CHECK(traced_run(two_packages_two_holders()).json == traced_run(two_packages_two_holders()).json);
}

TEST_CASE("distsim run --chrome-trace writes the trace file and still prints the summary",
          "[chrome_trace][cli]") {
  // Goal: the CLI flag, as a user runs it. Method: run the KB scenario into a scratch directory
  // and parse the file.
  const std::string directory = testing::scratch_directory("chrome-trace");
  const auto result = testing::run_distsim(
      "run '" + std::string(DISTSIM_SOURCE_DIR) +
          "/scenarios/q207416-temp-source.yaml' --chrome-trace trace.json --quiet",
      directory);
  CHECK(result.status == 0);
  CHECK(result.err.empty());
  const JsonValue trace = parsed(testing::read_text_file(directory + "/trace.json"));
  CHECK(events_where(trace, "X", "pass").size() == 3);
  CHECK(thread_names(trace, kChromeHoldersPid) ==
        std::vector<std::string>{"setup-program (temp_user)"});
}

TEST_CASE("distsim run --chrome-trace into a missing directory exits 2 and says why",
          "[chrome_trace][cli]") {
  // Goal: exit status 2 for an unwritable output. Method: a path under a directory that does not
  // exist.
  const std::string directory = testing::scratch_directory("chrome-trace-missing");
  const auto result = testing::run_distsim(
      "run '" + std::string(DISTSIM_SOURCE_DIR) +
          "/scenarios/q207416-temp-source.yaml' --chrome-trace nowhere/trace.json",
      directory);
  CHECK(result.status == 2);
  CHECK(result.err.find("nowhere/trace.json") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(directory + "/nowhere"));
}

}  // namespace
}  // namespace distsim::sim
