// Whole runs of the real Distribution Manager with lock holders: events per second for one
// scenario (tracing off, on, and on with the JSON Lines trace streamed to /dev/null as
// `distsim run --trace` streams it to its file, so that the disk is not measured), what writing
// the trace costs measured in pairs of runs, and small worlds per second, the rate a random
// explorer inherits (KB variations built in code, and the same built from YAML text through the
// scenario loader).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/assert.h"
#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
#include "tools/bench/bench_report.h"
#include "tools/bench/bench_worlds.h"

namespace distsim::bench {
namespace {

enum WorldArg : int64_t { kKbWorld = 0, kCampusWorld = 1, kSite100World = 2 };
enum TraceArg : int64_t { kTraceOff = 0, kTraceOn = 1, kTraceJsonl = 2 };

sim::RunOptions trace_off() {
  sim::RunOptions options;
  options.trace = false;
  return options;
}

sim::Scenario world_for(int64_t world) {
  switch (world) {
    case kKbWorld:
      return kb_variation(0);
    case kCampusWorld:
      return campus_world();
    default: {
      SiteWorldOptions options;
      options.package_count = 100;
      return site_world(options);
    }
  }
}

// The options of `distsim run`: a traced run lists the final files for the invariant checkers
// when the scenario expects them (the fast mode lists nothing).
sim::RunOptions run_options(const sim::Scenario& scenario, bool traced) {
  sim::RunOptions options;
  options.trace = traced;
  options.capture_files = traced && scenario.expect.no_invariant_violations;
  return options;
}

// A sink that writes to /dev/null and counts the bytes.
class NullDevice {
 public:
  NullDevice() : descriptor_(::open("/dev/null", O_WRONLY | O_CLOEXEC)) {
    DISTSIM_ASSERT(descriptor_ >= 0);
  }
  NullDevice(const NullDevice&) = delete;
  NullDevice& operator=(const NullDevice&) = delete;
  ~NullDevice() { ::close(descriptor_); }
  [[nodiscard]] sim::TextSink sink() {
    return [this](std::string_view piece) {
      DISTSIM_ASSERT(::write(descriptor_, piece.data(), piece.size()) ==
                     static_cast<ssize_t>(piece.size()));
      bytes_ += piece.size();
    };
  }
  [[nodiscard]] uint64_t bytes() const { return bytes_; }

 private:
  int descriptor_;
  uint64_t bytes_ = 0;
};

// One run as `distsim run` makes it: with the JSON Lines trace written to `sink` when `written`.
uint64_t run_once(const sim::Scenario& scenario, const sim::RunOptions& options, bool written,
                  const sim::TextSink& sink) {
  const sim::RunResult result = sim::run_world(scenario, options);
  DISTSIM_ASSERT(result.outcome != sim::RunOutcome::budget_exhausted);
  if (written) sim::write_trace_jsonl(result.trace, {scenario.name, 0, "bench"}, sink);
  benchmark::DoNotOptimize(result.events_executed);
  return result.events_executed;
}

void BM_ScenarioRun(benchmark::State& state) {
  const sim::Scenario scenario = world_for(state.range(0));
  DISTSIM_ASSERT(sim::unsupported_features(scenario).empty());
  const int64_t trace = state.range(1);
  const sim::RunOptions options = run_options(scenario, trace != kTraceOff);
  uint64_t events = 0;
  NullDevice null_device;
  const sim::TextSink to_null_device = null_device.sink();
  for (auto _ : state) events += run_once(scenario, options, trace == kTraceJsonl, to_null_device);
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["runs_per_s"] = benchmark::Counter(iterations, benchmark::Counter::kIsRate);
  state.counters["events_per_run"] = static_cast<double>(events) / iterations;
  if (trace == kTraceJsonl) {
    state.counters["trace_bytes_per_run"] = static_cast<double>(null_device.bytes()) / iterations;
  }
}

BENCHMARK(BM_ScenarioRun)
    ->ArgNames({"world", "trace"})
    ->ArgsProduct({{kKbWorld, kCampusWorld, kSite100World}, {kTraceOff, kTraceOn, kTraceJsonl}})
    ->Unit(benchmark::kMicrosecond);

// What writing the trace costs, as pairs of runs: each iteration runs the world untraced and
// traced with its JSON Lines written, one right after the other (in turn which first), and
// `written_over_off` is the median of the pairs' time ratios. A shared machine's speed drifts
// over seconds, so two medians taken a minute apart (BM_ScenarioRun's) can differ by more than
// the cost being measured; the two runs of a pair share the drift, and the ratio cancels it.
void BM_TraceCost(benchmark::State& state) {
  const sim::Scenario scenario = world_for(state.range(0));
  const sim::RunOptions off = run_options(scenario, false);
  const sim::RunOptions traced = run_options(scenario, true);
  NullDevice null_device;
  const sim::TextSink to_null_device = null_device.sink();
  using Clock = std::chrono::steady_clock;
  const auto time_of = [&](const sim::RunOptions& options, bool written) {
    const Clock::time_point start = Clock::now();
    run_once(scenario, options, written, to_null_device);
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  std::vector<double> ratios;
  std::vector<double> off_seconds;
  for (auto _ : state) {
    double off_time = 0;
    double written_time = 0;
    if (ratios.size() % 2 == 0) {
      off_time = time_of(off, false);
      written_time = time_of(traced, true);
    } else {
      written_time = time_of(traced, true);
      off_time = time_of(off, false);
    }
    ratios.push_back(written_time / off_time);
    off_seconds.push_back(off_time);
  }
  state.counters["written_over_off"] = median_of(ratios);
  state.counters["off_ms"] = 1000 * median_of(off_seconds);
  state.counters["pairs"] = static_cast<double>(ratios.size());
}

BENCHMARK(BM_TraceCost)
    ->ArgName("world")
    ->Arg(kCampusWorld)
    ->Arg(kSite100World)
    ->MinTime(2.0)
    ->Unit(benchmark::kMillisecond);

// Each iteration builds a new KB variation (seed, lock duration, file count and holders vary)
// and runs it with tracing off.
void BM_SmallWorlds(benchmark::State& state) {
  uint64_t index = 0;
  uint64_t events = 0;
  uint64_t installed = 0;
  for (auto _ : state) {
    const sim::Scenario scenario = kb_variation(index++);
    const sim::RunResult result = sim::run_world(scenario, trace_off());
    events += result.events_executed;
    if (result.packages.at(0).state == model::PackageState::installed) ++installed;
  }
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["worlds_per_s"] = benchmark::Counter(iterations, benchmark::Counter::kIsRate);
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events_per_world"] = static_cast<double>(events) / iterations;
  state.counters["installed_share"] = static_cast<double>(installed) / iterations;
}

BENCHMARK(BM_SmallWorlds)->Unit(benchmark::kMicrosecond);

// The KB scenario as YAML text with a varying seed and lock duration, loaded and run.
std::string kb_yaml(uint64_t index) {
  return fmt::format(R"(version: 1
name: KB Q207416 variation {0}
seed: {0}
until: 1d
site:
  profile: sms2
filesystem:
  - dir: 'C:\WINNT\TEMP'
  - file: 'C:\WINNT\TEMP\setup.exe'
    size: 4MB
  - file: 'C:\WINNT\TEMP\data1.cab'
    size: 20MB
distribution_points:
  - name: DP01
packages:
  - id: S0100001
    name: Office 2000 SR1
    source: 'C:\WINNT\TEMP'
    at: 0s
holders:
  - kind: temp_user
    name: setup-program
    path: 'C:\WINNT\TEMP\~setup1.tmp'
    size: 2MB
    at: 0s
    for: {1}m
)",
                     index, 1 + (index * 37) % 180);
}

void BM_SmallWorldsFromYaml(benchmark::State& state) {
  uint64_t index = 0;
  for (auto _ : state) {
    const std::string text = kb_yaml(index++);
    const sim::LoadResult loaded = sim::load_scenario_text(text, "bench.yaml");
    if (!loaded.errors.empty()) {
      state.SkipWithError(loaded.errors.front().to_string().c_str());
      break;
    }
    const sim::RunResult result = sim::run_world(*loaded.scenario, trace_off());
    benchmark::DoNotOptimize(result.events_executed);
  }
  state.counters["worlds_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_SmallWorldsFromYaml)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace distsim::bench
