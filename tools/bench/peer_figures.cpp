// Reading the peers' output lines and printing distsim's rates as ratios of theirs.
#include "tools/bench/peer_figures.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

namespace distsim::bench {
namespace {

constexpr uint64_t kPeerPendings[] = {16, 1'024};
constexpr std::string_view kHeapPeer = "heap_hold";
constexpr std::string_view kSimPyPeer = "simpy_hold";

std::optional<double> peer_rate(const PeerFigures& peers, std::string_view name, uint64_t pending) {
  const auto found = peers.find({std::string(name), pending});
  if (found == peers.end()) return std::nullopt;
  return found->second;
}

std::string ratio_text(std::optional<double> numerator, std::optional<double> denominator) {
  if (!numerator || !denominator || *denominator <= 0) return "-";
  return fmt::format("{:.2f}x", *numerator / *denominator);
}

std::string rate_text(std::optional<double> rate) { return rate ? si(*rate) : "-"; }

}  // namespace

PeerFigures read_peer_figures(const std::string& path) {
  PeerFigures peers;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string word;
    if (!(words >> word) || word != "peer") continue;
    std::string name;
    uint64_t pending = 0;
    double rate = 0;
    while (words >> word) {
      const size_t equals = word.find('=');
      if (equals == std::string::npos) continue;
      const std::string key = word.substr(0, equals);
      const std::string value = word.substr(equals + 1);
      if (key == "name") name = value;
      if (key == "pending") pending = std::strtoull(value.c_str(), nullptr, 10);
      if (key == "events_per_s") rate = std::strtod(value.c_str(), nullptr);
    }
    if (!name.empty() && pending > 0 && rate > 0) peers[{name, pending}] = rate;
  }
  return peers;
}

void print_peer_summary(const RecordingReporter& report, const PeerFigures& peers) {
  if (peers.empty()) return;
  fmt::print(
      "\nPeers, hold model (events/s, each in its own process; target: kernel >= 0.5 x bare "
      "heap)\n");
  fmt::print("  {:>8}  {:>14}  {:>16}  {:>12}  {:>11}  {:>12}  {}\n", "pending", "distsim kernel",
             "bare binary heap", "SimPy hold", "kernel/heap", "kernel/SimPy", "verdict");
  for (const uint64_t pending : kPeerPendings) {
    const auto kernel =
        report.spread(fmt::format("BM_KernelHold/pending:{}", pending), "events_per_s");
    const std::optional<double> kernel_rate =
        kernel ? std::optional<double>(kernel->median) : std::nullopt;
    const auto heap = peer_rate(peers, kHeapPeer, pending);
    const auto simpy = peer_rate(peers, kSimPyPeer, pending);
    const bool met = kernel_rate && heap && *kernel_rate >= 0.5 * *heap;
    fmt::print("  {:>8}  {:>14}  {:>16}  {:>12}  {:>11}  {:>12}  {}\n", pending,
               rate_text(kernel_rate), rate_text(heap), rate_text(simpy),
               ratio_text(kernel_rate, heap), ratio_text(kernel_rate, simpy),
               kernel_rate && heap ? verdict(met) : "-");
  }
  fmt::print(
      "\nWhole runs vs SimPy's empty kernel (world events/s with tracing off / SimPy hold "
      "events/s; target: campus and site-100 >= 2x SimPy at 16 pending)\n");
  fmt::print("  {:<10}  {:>10}  {:>14}  {:>14}  {}\n", "world", "trace off", "/ SimPy @16",
             "/ SimPy @1024", "verdict");
  const char* names[] = {"kb", "campus", "site-100"};
  for (int world = 0; world < 3; ++world) {
    const auto off =
        report.spread(fmt::format("BM_ScenarioRun/world:{}/trace:0", world), "events_per_s");
    if (!off) continue;
    const auto simpy_16 = peer_rate(peers, kSimPyPeer, 16);
    const char* met = world == 0 || !simpy_16 ? "-" : verdict(off->median >= 2 * *simpy_16);
    fmt::print("  {:<10}  {:>10}  {:>14}  {:>14}  {}\n", names[world], si(off->median),
               ratio_text(off->median, simpy_16),
               ratio_text(off->median, peer_rate(peers, kSimPyPeer, 1'024)), met);
  }
}

}  // namespace distsim::bench
