// The peers distsim's figures are compared with (tools/bench/README.md): the hold model on a bare
// binary heap (distsim_heap_hold) and on SimPy's kernel (simpy_hold.py), each run by
// tools/bench.sh in its own process before distsim_bench; their output lines are read back here
// and printed next to distsim's kernel and whole-run rates as ratios.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "tools/bench/bench_report.h"

namespace distsim::bench {

// Events per second of each peer, keyed by (peer name, pending events).
using PeerFigures = std::map<std::pair<std::string, uint64_t>, double>;

// Reads the lines "peer name=NAME pending=N ... events_per_s=R" of a file; other lines are
// ignored. A missing file gives no figures.
[[nodiscard]] PeerFigures read_peer_figures(const std::string& path);

// Kernel vs bare heap and SimPy at each pending count, and whole runs (tracing off) vs SimPy's
// empty kernel. Prints nothing when there are no peer figures.
void print_peer_summary(const RecordingReporter& report, const PeerFigures& peers);

}  // namespace distsim::bench
