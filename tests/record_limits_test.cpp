// What a run keeps is bounded (sim/world/world.h KeptRecordLimits): a run that reaches one of the
// limits stops after the event under way with the outcome record_limit_hit, says which limit and
// when, and fails. The summary's attempt table stays short however many passes a run made, and
// its long output files are streamed rather than held whole.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sim/check/evidence.h"
#include "sim/check/expectations.h"
#include "sim/check/verdict.h"
#include "sim/report/chrome_trace.h"
#include "sim/report/run_report.h"
#include "sim/world/world.h"
#include "tests/json_value.h"
#include "tests/world_fixture.h"

namespace distsim::sim {
namespace {

using namespace testing;

// The KB world with its TEMP file held for the whole run and a one-minute retry: a failed pass a
// minute, two days long, about 2,900 passes if nothing stops it.
Scenario held_all_run() {
  KbWorldOptions options;
  options.lock_for_us = 3 * model::kMicrosecondsPerDay;
  Scenario scenario = kb_world(options);
  scenario.site.retry.delay_us = model::kMicrosecondsPerMinute;
  return scenario;
}

TEST_CASE("a run stops at the first kept-record limit it reaches and says which and when",
          "[world][limits]") {
  // Goal: memory is bounded by what a run keeps, not only by its events (one event keeps a
  // dozen records). Method: the same world under each limit lowered in turn; the unlimited run
  // shows how far it would have gone.
  const Scenario scenario = held_all_run();
  const RunResult unlimited = run_world(scenario, RunOptions{});
  REQUIRE(unlimited.outcome == RunOutcome::horizon_reached);
  REQUIRE(unlimited.passes.size() > 2'000);

  // Each limit lowered in turn: the field, its value, how the run names it, and what it counts.
  struct LimitCase {
    uint64_t KeptRecordLimits::*field;
    uint64_t value;
    std::string named;
    size_t (*kept_of)(const RunResult&);
  };
  const LimitCase limit = GENERATE(values<LimitCase>({
      {&KeptRecordLimits::passes, 5, "5 passes (kPassesKeptMax)",
       [](const RunResult& run) { return run.passes.size(); }},
      {&KeptRecordLimits::log_lines, 100, "100 Distmgr.log lines (kLogLinesKeptMax)",
       [](const RunResult& run) { return run.log_lines.size(); }},
      {&KeptRecordLimits::status_messages, 7, "7 status messages (kStatusMessagesKeptMax)",
       [](const RunResult& run) { return run.status_messages.size(); }},
  }));
  INFO(limit.named);
  RunOptions options;
  options.kept.*limit.field = limit.value;
  const RunResult run = run_world(scenario, options);
  // Where the run stops does not depend on whether it is traced.
  RunOptions untraced = options;
  untraced.trace = false;
  const RunResult fast = run_world(scenario, untraced);
  CHECK(fast.outcome == RunOutcome::record_limit_hit);
  CHECK(fast.ended_us == run.ended_us);
  CHECK(fast.events_executed == run.events_executed);
  CHECK(run.outcome == RunOutcome::record_limit_hit);
  CHECK(run.limit_reached == limit.named);
  // Kept up to the limit; the event that reached it may finish what it was writing, no more.
  CHECK(limit.kept_of(run) >= limit.value);
  CHECK(limit.kept_of(run) < limit.value + 20);
  CHECK(run.events_executed < unlimited.events_executed / 10);
  CHECK(run.ended_us > 0);
  CHECK(run.ended_us < unlimited.passes.back().start_us);
  CHECK_FALSE(run.trace.truncated());

  const RunVerdict verdict = judge_run(scenario, run);
  CHECK_FALSE(verdict.outcome_ok);
  const std::string summary = summary_text(scenario, run, verdict, SummaryOptions{});
  CHECK_THAT(summary,
             Catch::Contains("run stopped early: record_limit_hit at " + clock_text(run.ended_us)));
  CHECK_THAT(summary, Catch::Contains("it kept " + limit.named + ", as many as a run may keep"));
  const std::string json = summary_json(scenario, run, verdict, "distsim");
  CHECK_THAT(json, Catch::Contains(R"("outcome":"record_limit_hit")"));
  CHECK_THAT(json, Catch::Contains(R"("limit_reached":")" + limit.named + "\""));
  CHECK_THAT(json, Catch::Contains(fmt::format(R"("ended_us":{},)", run.ended_us)));
}

TEST_CASE("a full trace is truncated, the run goes on, and a run judged by the checkers fails",
          "[world][limits]") {
  // Goal: the trace limit bounds the trace without changing what the run does, and a run whose
  // invariants could not be judged whole is not a pass. Method: the trace limit lowered to 300.
  const Scenario scenario = held_all_run();
  RunOptions options;
  options.kept.trace_records = 300;
  const RunResult run = run_world(scenario, options);
  const RunResult whole = run_world(scenario, RunOptions{});
  CHECK(run.outcome == whole.outcome);
  CHECK(run.events_executed == whole.events_executed);
  CHECK(run.passes.size() == whole.passes.size());
  CHECK(run.trace.truncated());
  CHECK(run.trace.records().size() == 300);

  const RunVerdict verdict = judge_run(scenario, run);
  CHECK_FALSE(verdict.passed());
  const auto unjudged = std::find_if(verdict.expectations.begin(), verdict.expectations.end(),
                                     [](const ExpectationResult& result) { return !result.ok; });
  REQUIRE(unjudged != verdict.expectations.end());
  CHECK(unjudged->what == "invariant checkers");
  CHECK_THAT(unjudged->actual,
             Catch::Contains("the trace reached its limit of 300 records (kTraceRecordsMax)"));
  CHECK(judge_run(scenario, whole).passed());
}

TEST_CASE("the attempt table of a package with many passes shows the first and last ten",
          "[world][evidence]") {
  // Goal: a one-minute retry held for days prints a readable summary, and the count of what it
  // leaves out is right. Method: count the attempt lines and read the elision line's number.
  const RunResult run = run_world(held_all_run(), RunOptions{});
  const size_t passes = run.passes.size();
  REQUIRE(passes > kAttemptTableFirst + kAttemptTableLast);
  const std::vector<std::string> lines = attempt_table(run, "S0100001");
  std::vector<std::string> attempts;
  std::vector<std::string> elided;
  for (const std::string& line : lines) {
    if (line.rfind("attempt ", 0) == 0) attempts.push_back(line);
    if (line.rfind("... ", 0) == 0) elided.push_back(line);
  }
  REQUIRE(attempts.size() == kAttemptTableFirst + kAttemptTableLast);
  CHECK_THAT(attempts.front(), Catch::StartsWith("attempt   1 "));
  CHECK_THAT(attempts[kAttemptTableFirst - 1], Catch::StartsWith("attempt  10 "));
  CHECK_THAT(attempts.back(), Catch::StartsWith(fmt::format("attempt {} ", passes)));
  REQUIRE(elided.size() == 1);
  CHECK_THAT(elided.front(),
             Catch::StartsWith(fmt::format("... {} more attempts not shown", passes - 20)));
  CHECK_THAT(attempts.front(), !Catch::Contains("copies to DPs"));  // sms2: a pass is an attempt

  // A package with exactly as many passes as the table shows loses none.
  RunOptions options;
  options.kept.passes = kAttemptTableFirst + kAttemptTableLast;
  const RunResult short_run = run_world(held_all_run(), options);
  REQUIRE(short_run.passes.size() == kAttemptTableFirst + kAttemptTableLast);
  const std::vector<std::string> all = attempt_table(short_run, "S0100001");
  CHECK(std::none_of(all.begin(), all.end(),
                     [](const std::string& line) { return line.rfind("... ", 0) == 0; }));
}

// The pieces a streaming writer hands its sink.
template <typename Write>
std::vector<std::string> pieces_of(Write&& write) {
  std::vector<std::string> pieces;
  write([&pieces](std::string_view piece) { pieces.emplace_back(piece); });
  return pieces;
}

size_t lines_in(const std::vector<std::string>& pieces) {
  size_t lines = 0;
  for (const std::string& piece : pieces)
    lines += static_cast<size_t>(std::count(piece.begin(), piece.end(), '\n'));
  return lines;
}

TEST_CASE("a long run's log, status messages and Chrome trace reach their file in 64 KB pieces",
          "[world][limits][report]") {
  // Goal: an output file costs no memory beyond what the run keeps (a month of one-second
  // retries makes a 680 MB Distmgr.log), and is written whole. Method: a two-day run's outputs
  // through each writer; a writer that built its whole text first would hand it over in one
  // piece.
  const Scenario scenario = held_all_run();
  RunOptions options;
  options.trace = true;
  const RunResult run = run_world(scenario, options);
  const RunVerdict verdict = judge_run(scenario, run);
  const auto check_pieces = [](const std::vector<std::string>& pieces) {
    CHECK(pieces.size() > 4);
    for (const std::string& piece : pieces) CHECK(piece.size() < 2 * BufferedSink::kFlushBytes);
  };
  const auto log = pieces_of([&run](const TextSink& sink) { write_distmgr_log(run, sink); });
  check_pieces(log);
  CHECK(lines_in(log) == run.log_lines.size());
  const auto csv = pieces_of([&run](const TextSink& sink) { write_status_csv(run, sink); });
  check_pieces(csv);
  CHECK(lines_in(csv) == run.status_messages.size() + 1);  // and the header
  const auto chrome =
      pieces_of([&](const TextSink& sink) { write_chrome_trace(scenario, run, verdict, sink); });
  check_pieces(chrome);
  std::string json;
  for (const std::string& piece : chrome) json += piece;
  testing::JsonReader reader(json);
  const auto value = reader.read();
  INFO(reader.error());
  REQUIRE(value.has_value());
  size_t spans = 0;
  for (const auto& event : value->at("traceEvents").items) spans += event.at("ph").text == "X";
  CHECK(spans >= run.passes.size());  // a span per pass, besides waits and holds
}

}  // namespace
}  // namespace distsim::sim
