// main() of distsim_bench: runs every registered benchmark through the recording reporter, then
// prints the summary: each figure (median of the repetitions, min..max spread) next to its
// performance target, and next to the peers' figures when `--peers=FILE` names the output of
// distsim_heap_hold and simpy_hold.py (tools/bench.sh does).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "tools/bench/bench_report.h"
#include "tools/bench/peer_figures.h"

namespace distsim::bench {
namespace {

void print_kernel_summary(const RecordingReporter& report) {
  fmt::print("\nKernel, hold model (events/s; target: kernel >= 0.5 x bare heap)\n");
  fmt::print("  {:>8}  {:<26}  {:<26}  {:>6}  {}\n", "pending", "kernel", "bare priority_queue",
             "ratio", "verdict");
  for (const char* pending : {"16", "1024", "65536"}) {
    const auto kernel =
        report.spread(fmt::format("BM_KernelHold/pending:{}", pending), "events_per_s");
    const auto heap =
        report.spread(fmt::format("BM_BareHeapHold/pending:{}", pending), "events_per_s");
    if (!kernel || !heap) continue;
    const double ratio = kernel->median / heap->median;
    fmt::print("  {:>8}  {:<26}  {:<26}  {:>6.2f}  {}\n", pending, si_spread(*kernel),
               si_spread(*heap), ratio, verdict(ratio >= 0.5));
  }
}

void print_vfs_summary(const RecordingReporter& report) {
  fmt::print("\nVFS open+close pairs/s on one file (no target)\n");
  fmt::print("  {:>8}  {:<26}  {:<26}\n", "held", "no observer", "observer (as in a World)");
  for (const char* held : {"1", "10", "1000"}) {
    const auto plain = report.spread(fmt::format("BM_VfsOpenClose/held:{}/observed:0", held),
                                     "open_close_pairs_per_s");
    const auto observed = report.spread(fmt::format("BM_VfsOpenClose/held:{}/observed:1", held),
                                        "open_close_pairs_per_s");
    if (!plain || !observed) continue;
    fmt::print("  {:>8}  {:<26}  {:<26}\n", held, si_spread(*plain), si_spread(*observed));
  }
}

void print_world_summary(const RecordingReporter& report) {
  fmt::print(
      "\nWhole runs (events/s; targets: >= 1 M events/s with tracing off at campus (20 packages x "
      "5 DPs) and site-100 (100 x 50); trace written <= 2.5x off, judged on the paired ratio. kb "
      "has 9 events, so world building dominates it: no events/s target)\n");
  fmt::print("  {:<10}  {:>9}  {:<24}  {:<24}  {:<24}  {:>9}  {:>9}  {:>14}  {}\n", "world",
             "ev/run", "trace off", "trace on (records)", "trace on + JSONL", "on/off", "jsonl/off",
             "jsonl/off pair", "verdicts");
  const char* names[] = {"kb", "campus", "site-100"};
  for (int world = 0; world < 3; ++world) {
    const auto off =
        report.spread(fmt::format("BM_ScenarioRun/world:{}/trace:0", world), "events_per_s");
    const auto on =
        report.spread(fmt::format("BM_ScenarioRun/world:{}/trace:1", world), "events_per_s");
    const auto jsonl =
        report.spread(fmt::format("BM_ScenarioRun/world:{}/trace:2", world), "events_per_s");
    const auto per_run =
        report.spread(fmt::format("BM_ScenarioRun/world:{}/trace:0", world), "events_per_run");
    if (!off || !on || !jsonl || !per_run) continue;
    const auto paired =
        report.spread(fmt::format("BM_TraceCost/world:{}", world), "written_over_off");
    const double slowdown = off->median / on->median;
    const double jsonl_slowdown = off->median / jsonl->median;
    // The paired ratio where it was measured: both runs of a pair see the same machine.
    const double judged = paired ? paired->median : jsonl_slowdown;
    fmt::print(
        "  {:<10}  {:>9}  {:<24}  {:<24}  {:<24}  {:>8.2f}x  {:>8.2f}x  {:>14}  {} / {}\n",
        names[world], si(per_run->median), si_spread(*off), si_spread(*on), si_spread(*jsonl),
        slowdown, jsonl_slowdown,
        paired ? fmt::format("{:.2f}x ({:.2f}..{:.2f})", paired->median, paired->min, paired->max)
               : std::string("-"),
        world == 0 ? "-" : verdict(off->median >= 1e6), verdict(judged <= 2.5));
  }
}

void print_small_world_summary(const RecordingReporter& report) {
  fmt::print("\nSmall worlds (KB variations, one process, one core; target >= 1,000 worlds/s)\n");
  if (const auto built = report.spread("BM_SmallWorlds", "worlds_per_s")) {
    const auto events = report.spread("BM_SmallWorlds", "events_per_world");
    fmt::print("  built in code     {:<26} worlds/s  ({} events/world)  {}\n", si_spread(*built),
               events ? si(events->median) : "?", verdict(built->median >= 1000));
  }
  if (const auto loaded = report.spread("BM_SmallWorldsFromYaml", "worlds_per_s")) {
    fmt::print("  loaded from YAML  {:<26} worlds/s  {}\n", si_spread(*loaded),
               verdict(loaded->median >= 1000));
  }
}

// Removes `--peers=FILE` from the arguments (Google Benchmark refuses flags it does not know)
// and returns FILE, or "" without it.
std::string take_peers_flag(int& argc, char** argv) {
  constexpr std::string_view kFlag = "--peers=";
  std::string path;
  int kept = 0;
  for (int index = 0; index < argc; ++index) {
    const std::string_view arg = argv[index];
    if (index > 0 && arg.substr(0, kFlag.size()) == kFlag) {
      path = std::string(arg.substr(kFlag.size()));
    } else {
      argv[kept++] = argv[index];
    }
  }
  argc = kept;
  return path;
}

}  // namespace
}  // namespace distsim::bench

int main(int argc, char** argv) {
  const std::string peers_path = distsim::bench::take_peers_flag(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  distsim::bench::RecordingReporter report;
  benchmark::RunSpecifiedBenchmarks(&report);
  benchmark::Shutdown();
  fmt::print("\n=== distsim_bench summary: median of the repetitions (min..max) ===\n");
  distsim::bench::print_kernel_summary(report);
  distsim::bench::print_vfs_summary(report);
  distsim::bench::print_world_summary(report);
  distsim::bench::print_small_world_summary(report);
  if (!peers_path.empty()) {
    distsim::bench::print_peer_summary(report, distsim::bench::read_peer_figures(peers_path));
  }
  return 0;
}
