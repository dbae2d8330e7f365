// Properties of whole runs (RapidCheck): a generated world whose run draws random numbers (jitter,
// drawn durations, several holders) traces byte for byte the same when run twice in one process
// and once more after a round trip through its YAML file; the same check fails on a planted
// source of nondeterminism, so it can fail at all. And a lock released at time T leads to
// `installed` no later than the end of the first pass that starts at or after T. A run with its
// trace off reports what the same run with its trace on reports.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <string>

#include "sim/check/world_generator.h"
#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_writer.h"
#include "sim/world/blame.h"
#include "sim/world/world.h"
#include "world_fixture.h"

namespace distsim::sim {
namespace {

constexpr TimeUs kMinute = model::kMicrosecondsPerMinute;

// A generated world that draws random numbers while it runs: jittered retries, holders with
// drawn durations, at least two holders.
Scenario random_world(uint64_t seed) {
  GeneratedWorld world = generate_world(seed, {});
  Scenario& scenario = world.scenario;
  if (!scenario.site.retry.jitter) {
    scenario.site.retry.jitter = model::Jitter::full;
    scenario.site.retry.max_delay_us = model::kMicrosecondsPerHour;
  }
  HolderSpec user;
  user.kind = HolderKind::temp_user;
  user.name = "drawn-user";
  user.path = scenario.packages.front().source + "\\~drawn.tmp";
  user.at = {DurationSpec::Kind::uniform, 0, 6 * model::kMicrosecondsPerHour};
  user.hold_for = DurationSpec{DurationSpec::Kind::exponential, 30 * kMinute, 0};
  user.every = DurationSpec{DurationSpec::Kind::uniform, kMinute, 90 * kMinute};
  user.count = 3;
  scenario.holders.push_back(user);
  HolderSpec explorer = user;
  explorer.kind = HolderKind::explorer_window;
  explorer.name = "drawn-explorer";
  explorer.path = scenario.packages.front().source;
  scenario.holders.push_back(explorer);
  return scenario;
}

std::string trace_of(const Scenario& scenario, const RunOptions& options) {
  const RunResult run = run_world(scenario, options);
  return trace_to_jsonl(run.trace, {scenario.name, run.seed, "test"});
}

// Empty when the world traces the same three times (twice, then after a YAML round trip);
// otherwise what differed.
std::string nondeterminism_in(const Scenario& scenario, const RunOptions& options) {
  const std::string first = trace_of(scenario, options);
  if (trace_of(scenario, options) != first) return "two runs in one process differ";
  const LoadResult reloaded = load_scenario_text(write_scenario_yaml(scenario), "reloaded.yaml");
  if (!reloaded.errors.empty())
    return "the world does not load back: " + reloaded.errors[0].to_string();
  if (trace_of(*reloaded.scenario, options) != first) return "the reloaded world runs differently";
  return "";
}

TEST_CASE("a generated world with random draws traces the same twice and after a reload",
          "[property][determinism]") {
  // Goal: determinism, the prerequisite of every replay, where it can break: worlds that draw
  // jitter and durations from their seed. Method: generated worlds, three runs each.
  rc::prop("three runs, one trace", [] {
    const Scenario scenario = random_world(*rc::gen::inRange<uint64_t>(0, 1'000'000));
    const std::string difference = nondeterminism_in(scenario, RunOptions{});
    RC_ASSERT(difference == "");
  });
}

TEST_CASE("the determinism check fails on a planted source of nondeterminism",
          "[property][determinism]") {
  // Goal: the property above can fail. Method: a test-only hook mixes a counter into the
  // manager's random stream on every run, as a hidden global would.
  uint64_t runs = 0;
  RunOptions planted;
  planted.planted_entropy = [&runs] { return ++runs; };
  uint32_t caught = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const Scenario scenario = random_world(seed);
    CHECK(nondeterminism_in(scenario, RunOptions{}) == "");
    caught += nondeterminism_in(scenario, planted).empty() ? 0u : 1u;
  }
  CHECK(caught > 0);
}

// When the manager died and came back, per crash: "STOPPED-RESTARTED," (nothing after the dash
// when it did not come back within the run).
std::string crash_times(const RunResult& run) {
  std::string out;
  for (const auto& downtime : run.manager_downtimes) {
    out += fmt::format(
        "{}-{},", downtime.stopped_us,
        downtime.restarted_us ? fmt::format("{}", *downtime.restarted_us) : std::string());
  }
  return out;
}

// Everything a run without a trace still reports, as text: the outcome, the events run, the log,
// the status messages, the packages and their passes with the refusal behind each failure, the
// holders' findings, the handles left open and the crashes.
std::string observable(const RunResult& run) {
  std::string out = fmt::format(
      "outcome {} events {} component {} limit '{}' {} manager handles {} crashes {}\n",
      static_cast<int>(run.outcome), run.events_executed, static_cast<int>(run.component_status),
      run.limit_reached, run.ended_us, run.manager_open_handles_at_end, crash_times(run));
  for (const LogLine& line : run.log_lines) out += formatted_log_line(run, line) + "\n";
  for (const model::StatusMessage& message : run.status_messages) {
    out += fmt::format("status {} {} {} {} {}\n", message.t_us, message.id, message.package_id,
                       message.dp_name, message.text);
  }
  for (const model::PackageStatus& package : run.packages) {
    out += fmt::format("package {} {} {} {}\n", package.id, static_cast<int>(package.state),
                       package.attempt_count, static_cast<int>(package.last_error));
    for (const model::DpStatus& dp : package.distribution_points) {
      out += fmt::format("  dp {} {} {} {}\n", dp.dp_name, static_cast<int>(dp.state),
                         dp.attempt_count, static_cast<int>(dp.last_error));
    }
  }
  for (const PassRecord& pass : run.passes) {
    out += fmt::format("pass {} {} {} {} {} {} {} {}\n", pass.package_id, pass.attempt,
                       pass.dp_retries, pass.start_us, pass.end_us.value_or(-1),
                       static_cast<int>(pass.result), static_cast<int>(pass.error),
                       pass.next_retry_us.value_or(-1));
    // The refused operation behind a failed pass comes from the events a run without a trace
    // still asks for: every refusal.
    if (pass.refusal) {
      out += fmt::format("  refused {} {} {} {}\n", pass.refusal->t_us, pass.refusal->operation,
                         pass.refusal->path, static_cast<int>(pass.refusal->error));
      for (const Culprit& culprit : pass.refusal->culprits) {
        out += "    " + culprit_trace_text(culprit) + "\n";
      }
    }
  }
  for (const HolderFinding& finding : run.holder_findings) {
    out += fmt::format("finding {} {} {} {}\n", finding.holder, finding.what, finding.detail,
                       finding.ok);
  }
  for (const OpenHandleRecord& handle : run.open_handles) {
    out += fmt::format("open {} {} {}\n", handle.actor, handle.handle, handle.path);
  }
  return out;
}

TEST_CASE("a generated world does the same with its trace off", "[property][determinism]") {
  // Goal: the fast mode (no trace records, what the benchmarks and site-scale runs use) changes
  // nothing a run reports, though the world then skips work only a trace needs (display paths,
  // trace records, events nobody else watches). Method: generated worlds, with and without
  // extra holders that draw durations, each run traced and untraced.
  rc::prop("one run, with or without its trace", [] {
    const uint64_t seed = *rc::gen::inRange<uint64_t>(0, 1'000'000);
    const Scenario scenario =
        *rc::gen::arbitrary<bool>() ? random_world(seed) : generate_world(seed, {}).scenario;
    RunOptions untraced;
    untraced.trace = false;
    const std::string traced_report = observable(run_world(scenario, RunOptions{}));
    RC_ASSERT(observable(run_world(scenario, untraced)) == traced_report);
  });
}

testing::KbWorldOptions generated_options() {
  testing::KbWorldOptions options;
  options.lock_at_us = *rc::gen::inRange<TimeUs>(0, 30) * kMinute;
  options.lock_for_us = *rc::gen::inRange<TimeUs>(0, 12 * 60) * kMinute;
  options.source_size_bytes = *rc::gen::inRange<uint64_t>(0, 64) * 1024 * 1024;
  return options;
}

TEST_CASE("a lock released at T leads to installed by the end of the first pass after T",
          "[property][retry]") {
  // Goal: the retry loop makes progress as soon as the lock is gone. Method: generated lock
  // windows; find the first pass starting at or after the release and compare times.
  rc::prop("installed no later than the first pass after the release", [] {
    const testing::KbWorldOptions options = generated_options();
    const RunResult run = run_world(testing::kb_world(options), {});
    const TimeUs released_us = options.lock_at_us + options.lock_for_us;
    RC_ASSERT(run.packages.size() == 1u);
    const auto& package = run.packages[0];
    RC_ASSERT(package.state == model::PackageState::installed);
    const PassRecord* first_after = nullptr;
    for (const PassRecord& pass : run.passes) {
      if (pass.start_us >= released_us) {
        first_after = &pass;
        break;
      }
    }
    if (first_after == nullptr) return;  // installed by a pass that began before the release
    RC_ASSERT(first_after->end_us.has_value());
    RC_ASSERT(*package.installed_at_us <= *first_after->end_us);
  });
}

}  // namespace
}  // namespace distsim::sim
