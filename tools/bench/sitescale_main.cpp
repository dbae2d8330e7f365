// main() of distsim_sitescale: one site-scale world (N packages, 50 DPs, 20 files each, a month,
// with lock holders) timed by Google Benchmark, with the process's peak resident memory
// (getrusage ru_maxrss). Run one process per size so that peaks never mix; tools/bench.sh runs
// 100, 1,000 and 10,000 packages and prints how time and memory grow.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include "model/assert.h"
#include "model/distribution_manager.h"
#include "sim/core/limits.h"
#include "sim/world/world.h"
#include "tools/bench/bench_report.h"
#include "tools/bench/bench_worlds.h"

namespace distsim::bench {
namespace {

struct Flags {
  SiteWorldOptions world;
  bool trace = false;
  // The process's address space is capped (setrlimit RLIMIT_AS) so that a world that grows
  // without bound ends with "out of memory" instead of taking the machine's memory from others.
  uint64_t memory_cap_mb = 4'096;
  int repetitions = 3;
  uint64_t event_budget = sim::kEventsPerRunDefault;
};

// What the last run left behind, for the summary line.
struct RunFacts {
  sim::RunOutcome outcome = sim::RunOutcome::queue_empty;
  uint64_t events = 0;
  size_t packages_installed = 0;
  size_t passes = 0;
  size_t passes_failed = 0;
  size_t passes_failed_error8 = 0;
  std::string limit_reached;  // with record_limit_hit
  size_t log_lines = 0;
  size_t status_messages = 0;
};

void cap_memory(uint64_t cap_mb) {
  const rlim_t cap_bytes = cap_mb * 1024 * 1024;
  const rlimit limit{cap_bytes, cap_bytes};
  const int status = setrlimit(RLIMIT_AS, &limit);
  DISTSIM_ASSERT(status == 0);
}

double peak_rss_mb() {
  rusage usage{};
  const int status = getrusage(RUSAGE_SELF, &usage);
  DISTSIM_ASSERT(status == 0);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports kilobytes
}

RunFacts facts_of(const sim::RunResult& result) {
  RunFacts facts;
  facts.limit_reached = result.limit_reached;
  facts.outcome = result.outcome;
  facts.events = result.events_executed;
  for (const auto& package : result.packages) {
    if (package.state == model::PackageState::installed) ++facts.packages_installed;
  }
  facts.passes = result.passes.size();
  facts.log_lines = result.log_lines.size();
  facts.status_messages = result.status_messages.size();
  for (const auto& pass : result.passes) {
    if (pass.end_us && pass.result != model::PassResult::success) ++facts.passes_failed;
    if (pass.error == model::Win32Error::not_enough_memory) ++facts.passes_failed_error8;
  }
  return facts;
}

// Every limit the world runs into, one line each (empty: none).
std::string limit_notes(const Flags& flags, const RunFacts& facts) {
  std::string notes;
  const SiteWorldOptions& world = flags.world;
  const uint64_t nodes = site_world_nodes_needed(world);
  if (nodes > sim::kFilesystemNodesMax) {
    notes += fmt::format(
        "LIMIT sim::kFilesystemNodesMax = {}: the world needs {} VFS nodes once every package is "
        "on its DPs; creations past the limit fail with error 8 (ERROR_NOT_ENOUGH_MEMORY), so "
        "those packages retry hourly and never install ({} passes failed with error 8)\n",
        sim::kFilesystemNodesMax, nodes, facts.passes_failed_error8);
  }
  if (facts.outcome == sim::RunOutcome::budget_exhausted) {
    notes += fmt::format(
        "LIMIT event budget = {} (RunOptions::event_budget, default sim::kEventsPerRunDefault = "
        "{}): the run stopped before the horizon; raise it with --event-budget\n",
        flags.event_budget, sim::kEventsPerRunDefault);
  }
  if (facts.outcome == sim::RunOutcome::record_limit_hit) {
    notes += fmt::format("LIMIT the run kept {}, as many as a run may, and stopped\n",
                         facts.limit_reached);
  }
  if (facts.outcome == sim::RunOutcome::pending_limit_hit) {
    notes += fmt::format("LIMIT sim::kEventsPendingMax = {} events pending at once\n",
                         sim::kEventsPendingMax);
  }
  if (world.package_count > sim::kPackagesMax || world.package_count > model::kManagedPackagesMax) {
    notes +=
        fmt::format("LIMIT packages: sim::kPackagesMax = {}, model::kManagedPackagesMax = {}\n",
                    sim::kPackagesMax, model::kManagedPackagesMax);
  }
  if (world.dp_count > sim::kDistributionPointsMax) {
    notes += fmt::format("LIMIT sim::kDistributionPointsMax = {}\n", sim::kDistributionPointsMax);
  }
  return notes;
}

// The summary line of a run that hit the memory cap.
void print_out_of_memory(const Flags& flags) {
  const SiteWorldOptions& world = flags.world;
  fmt::print(
      "sitescale packages={} dps={} files={} dps_per_package={} days={} trace={} "
      "outcome=out_of_memory peak_rss_mb={:.1f} memory_cap_mb={} nodes_needed={}\n",
      world.package_count, world.dp_count, world.files_per_package, world.dps_per_package,
      world.days, flags.trace ? "on" : "off", peak_rss_mb(), flags.memory_cap_mb,
      site_world_nodes_needed(world));
  fmt::print(
      "LIMIT memory: the run needed more than the {} MB cap (--memory-cap-mb); nothing in the run "
      "result bounds the log lines, status messages and passes it keeps\n",
      flags.memory_cap_mb);
  if (site_world_nodes_needed(world) > sim::kFilesystemNodesMax) {
    fmt::print("LIMIT sim::kFilesystemNodesMax = {}: the world needs {} VFS nodes\n",
               sim::kFilesystemNodesMax, site_world_nodes_needed(world));
  }
}

int run(const Flags& flags, const char* program) {
  const double baseline_rss_mb = peak_rss_mb();
  const sim::Scenario scenario = site_world(flags.world);
  if (!sim::unsupported_features(scenario).empty()) {
    fmt::print(stderr, "distsim_sitescale: the site world uses a feature this build lacks\n");
    return 2;
  }
  RunFacts facts;
  // The peak of the first run, which starts in a fresh process; later repetitions reuse a heap
  // the first one fragmented, so the process's final peak can be higher than one run needs.
  double first_run_peak_rss_mb = 0;
  benchmark::RegisterBenchmark("BM_SiteScale",
                               [&](benchmark::State& state) {
                                 sim::RunOptions options;
                                 options.trace = flags.trace;
                                 options.event_budget = flags.event_budget;
                                 for (auto _ : state) {
                                   const sim::RunResult result = sim::run_world(scenario, options);
                                   facts = facts_of(result);
                                   if (first_run_peak_rss_mb == 0) {
                                     first_run_peak_rss_mb = peak_rss_mb();
                                   }
                                 }
                                 state.counters["events"] = static_cast<double>(facts.events);
                                 state.counters["events_per_s"] =
                                     benchmark::Counter(static_cast<double>(facts.events),
                                                        benchmark::Counter::kIsRate);
                               })
      ->Iterations(1)
      ->Repetitions(flags.repetitions)
      ->UseRealTime()
      ->Unit(benchmark::kSecond);
  int argc = 1;
  char* argv[] = {const_cast<char*>(program), nullptr};
  benchmark::Initialize(&argc, argv);
  RecordingReporter report;
  benchmark::RunSpecifiedBenchmarks(&report);
  benchmark::Shutdown();
  const std::vector<std::string> names = report.names();
  DISTSIM_ASSERT(names.size() == 1);
  const auto wall = report.spread(names.front(), "real_time_s");
  DISTSIM_ASSERT(wall.has_value());
  const SiteWorldOptions& world = flags.world;
  fmt::print(
      "sitescale packages={} dps={} files={} dps_per_package={} holders={} days={} trace={} "
      "outcome={} events={} wall_s={:.3f} wall_s_min={:.3f} wall_s_max={:.3f} "
      "events_per_s={:.0f} peak_rss_mb={:.1f} process_peak_rss_mb={:.1f} baseline_rss_mb={:.1f} "
      "installed={} passes={} passes_failed={} log_lines={} status_messages={} nodes_needed={}\n",
      world.package_count, world.dp_count, world.files_per_package, world.dps_per_package,
      scenario.holders.size(), world.days, flags.trace ? "on" : "off",
      sim::run_outcome_name(facts.outcome), facts.events, wall->median, wall->min, wall->max,
      static_cast<double>(facts.events) / wall->median, first_run_peak_rss_mb, peak_rss_mb(),
      baseline_rss_mb, facts.packages_installed, facts.passes, facts.passes_failed, facts.log_lines,
      facts.status_messages, site_world_nodes_needed(world));
  fmt::print("{}", limit_notes(flags, facts));
  return 0;
}

}  // namespace
}  // namespace distsim::bench

int main(int argc, char** argv) {
  distsim::bench::Flags flags;
  CLI::App app{"Times one site-scale world and reports its peak memory (one size per process)"};
  app.add_option("--packages", flags.world.package_count, "packages")->required();
  app.add_option("--dps", flags.world.dp_count, "distribution points")->capture_default_str();
  app.add_option("--files", flags.world.files_per_package, "files per package")
      ->capture_default_str();
  app.add_option("--dps-per-package", flags.world.dps_per_package,
                 "DPs each package goes to, round-robin (0 = all)")
      ->capture_default_str();
  app.add_option("--holders-per-thousand", flags.world.holders_per_thousand_packages,
                 "lock holders per 1,000 packages")
      ->capture_default_str();
  app.add_option("--days", flags.world.days, "virtual days")->capture_default_str();
  app.add_option("--repetitions", flags.repetitions, "timed runs")->capture_default_str();
  app.add_option("--event-budget", flags.event_budget, "event budget of the run")
      ->capture_default_str();
  app.add_option("--memory-cap-mb", flags.memory_cap_mb, "address-space cap of this process")
      ->capture_default_str();
  app.add_flag("--trace", flags.trace, "keep trace records (tracing on)");
  CLI11_PARSE(app, argc, argv);
  distsim::bench::cap_memory(flags.memory_cap_mb);
  try {
    return distsim::bench::run(flags, argv[0]);
  } catch (const std::bad_alloc&) {
    distsim::bench::print_out_of_memory(flags);
    return 4;
  } catch (const distsim::AssertionFailure& failure) {
    fmt::print(stderr, "distsim_sitescale: internal error: {}\n", failure.what());
    return 3;
  }
}
