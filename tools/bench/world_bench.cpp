// Whole runs of the real Distribution Manager with lock holders: events per second for one
// scenario (tracing off, on, and on with the JSON Lines trace streamed to /dev/null as
// `distsim run --trace` streams it to its file, so that the disk is not measured), and small
// worlds per second, the rate a random explorer inherits (KB variations built in code, and the
// same built from YAML text through the scenario loader).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "model/assert.h"
#include "sim/core/trace.h"
#include "sim/core/trace_jsonl.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/world/world.h"
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

void BM_ScenarioRun(benchmark::State& state) {
  const sim::Scenario scenario = world_for(state.range(0));
  DISTSIM_ASSERT(sim::unsupported_features(scenario).empty());
  const int64_t trace = state.range(1);
  sim::RunOptions options;
  options.trace = trace != kTraceOff;
  // As `distsim run` does: a traced run lists the final files for the invariant checkers when
  // the scenario expects them (the fast mode lists nothing).
  options.capture_files = options.trace && scenario.expect.no_invariant_violations;
  uint64_t events = 0;
  uint64_t trace_bytes = 0;
  const int null_device = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  DISTSIM_ASSERT(null_device >= 0);
  const sim::TextSink to_null_device = [&](std::string_view piece) {
    DISTSIM_ASSERT(::write(null_device, piece.data(), piece.size()) ==
                   static_cast<ssize_t>(piece.size()));
    trace_bytes += piece.size();
  };
  for (auto _ : state) {
    const sim::RunResult result = sim::run_world(scenario, options);
    DISTSIM_ASSERT(result.outcome != sim::RunOutcome::budget_exhausted);
    events += result.events_executed;
    if (trace == kTraceJsonl) {
      sim::write_trace_jsonl(result.trace, {scenario.name, 0, "bench"}, to_null_device);
    }
    benchmark::DoNotOptimize(result.events_executed);
  }
  ::close(null_device);
  const auto iterations = static_cast<double>(state.iterations());
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["runs_per_s"] = benchmark::Counter(iterations, benchmark::Counter::kIsRate);
  state.counters["events_per_run"] = static_cast<double>(events) / iterations;
  if (trace == kTraceJsonl) {
    state.counters["trace_bytes_per_run"] = static_cast<double>(trace_bytes) / iterations;
  }
}

BENCHMARK(BM_ScenarioRun)
    ->ArgNames({"world", "trace"})
    ->ArgsProduct({{kKbWorld, kCampusWorld, kSite100World}, {kTraceOff, kTraceOn, kTraceJsonl}})
    ->Unit(benchmark::kMicrosecond);

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
