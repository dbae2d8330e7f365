#!/usr/bin/env bash
# The benchmark command (tools/bench/README.md): installs what is missing (libbenchmark-dev and
# python3-simpy besides the usual packages), builds the `release-pgo` preset (profile-guided, by
# tools/pgo-build.sh) at low priority, runs
# the peers (the hold model on a bare binary heap and on SimPy) at 16 and 1,024 pending events,
# then distsim_bench (kernel, VFS, whole runs, small worlds, tracing; 3 repetitions each; its
# summary gives distsim's figures as ratios of the peers') and distsim_sitescale once per size in
# its own process, then `distsim explore` campaigns on one and two threads, and prints every
# figure with its target. Not part of ctest.
# Usage: tools/bench.sh [--quick] [--no-build]
#   --quick: 1 repetition, shorter runs, no 10,000-package runs
#   --no-build: run what build/release-pgo holds (built beforehand, e.g. by a serialised build)
set -euo pipefail
cd "$(dirname "$0")/.."

repetitions=3
min_time=0.5
sizes=(100 1000 10000)
explore_seeds=100000
peer_events_heap=20000000
peer_events_simpy=300000
build=yes
for arg in "$@"; do
  case "$arg" in
    --quick)
      repetitions=1
      min_time=0.1
      sizes=(100 1000)
      explore_seeds=20000
      peer_events_heap=5000000
      peer_events_simpy=100000
      ;;
    --no-build) build=no ;;
    *)
      echo "usage: tools/bench.sh [--quick] [--no-build]" >&2
      exit 2
      ;;
  esac
done

# Benchmarks share the machine with compilers: build at low priority, measure at normal priority.
if [ "$build" = yes ]; then
  nice -n 10 tools/pgo-build.sh python3-simpy
fi

bench_dir=build/release-pgo/tools/bench
# Only a tree rebuilt from its profile is what the figures claim (an instrumented one, left by a
# failed training, runs several times slower).
if ! grep -q '^DISTSIM_PGO:STRING=use$' build/release-pgo/CMakeCache.txt 2>/dev/null; then
  echo "tools/bench.sh: build/release-pgo is not a profile-guided build; run tools/pgo-build.sh" >&2
  exit 2
fi
echo
echo "=== machine ==="
date -u '+date: %Y-%m-%d %H:%M UTC'
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores online"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; figures are noisy when other work runs)"
echo "build: $bench_dir (preset release-pgo: -O3, tcmalloc, GCC profile-guided by tools/pgo-build.sh)"
echo "compiler: $(c++ --version | head -1); Google Benchmark $(dpkg-query -W -f='${Version}' libbenchmark-dev)"
echo "SimPy: $(dpkg-query -W -f='${Version}' python3-simpy 2>/dev/null || echo missing) on $(/usr/bin/python3 --version 2>&1)"

results=$(mktemp)
peers=$(mktemp)
explore_out=$(mktemp -d)
trap 'rm -rf "$results" "$peers" "$explore_out"' EXIT

# The peers, each in its own process, before distsim_bench reads their lines (--peers).
echo
echo "=== peers: the hold model on a bare binary heap and on SimPy (16 and 1,024 pending) ==="
"$bench_dir/distsim_heap_hold" --events "$peer_events_heap" --repetitions "$repetitions" \
  16 1024 | tee -a "$peers"
# SimPy is the interpreter's package: run with Debian's python3, not whatever is first on PATH.
/usr/bin/python3 tools/bench/simpy_hold.py --events "$peer_events_simpy" \
  --repetitions "$repetitions" --pending 16 1024 | tee -a "$peers" ||
  echo "simpy_hold.py failed (is python3-simpy installed?); no SimPy figures"

echo
echo "=== distsim_bench: kernel, VFS, whole runs, small worlds, tracing ==="
"$bench_dir/distsim_bench" --benchmark_repetitions="$repetitions" \
  --benchmark_min_time="$min_time" --benchmark_report_aggregates_only=false --peers="$peers"

# One process per run, so that ru_maxrss is the peak of that size alone. The 10,000-package site
# needs about 11.2 M events, past the default budget of one run (10 M): the budget is raised.
site_run() {
  local output
  output=$("$bench_dir/distsim_sitescale" --repetitions "$repetitions" --event-budget 50000000 \
    "$@" 2>&1) || true
  echo "$output" | grep -E '^(sitescale|LIMIT)' | tee -a "$results"
}

echo
echo "=== distsim_sitescale: the site-scale world (50 DPs, 20 files per package, a month) ==="
for packages in "${sizes[@]}"; do site_run --packages "$packages"; done
echo
echo "=== distsim_sitescale: the same world with each package on 3 of the 50 DPs (fits the limits) ==="
for packages in "${sizes[@]}"; do site_run --packages "$packages" --dps-per-package 3; done
echo
echo "=== distsim_sitescale: tracing on, 1,000 packages on 3 DPs each ==="
site_run --packages 1000 --dps-per-package 3 --trace

echo
echo "=== site-scale summary (targets: < 2 s and < 400 MB at 1,000 packages, < 25 s and < 4 GB at 10,000; cost linear) ==="
awk '
  /^sitescale/ {
    delete f
    for (i = 2; i <= NF; ++i) { split($i, kv, "="); f[kv[1]] = kv[2] }
    series = (f["dps_per_package"] == 0 ? "all 50 DPs" : f["dps_per_package"] " DPs each") \
             (f["trace"] == "on" ? ", trace on" : "")
    if (f["outcome"] == "out_of_memory") {
      printf "  %-20s %6d packages: out of memory at the %s MB cap (peak %.0f MB)\n",
             series, f["packages"], f["memory_cap_mb"], f["peak_rss_mb"]
      next
    }
    wall = f["wall_s"] + 0; mb = f["peak_rss_mb"] + 0; n = f["packages"] + 0
    growth = ""
    if (series in last_n) {
      growth = sprintf("x%.1f packages -> time x%.1f, memory x%.1f", n / last_n[series],
                       wall / last_wall[series], mb / last_mb[series])
    }
    key = f["dps_per_package"] "/" n
    if (f["trace"] == "off") off_wall[key] = wall
    if (f["trace"] == "on" && key in off_wall) {
      growth = sprintf("trace on/off = %.2fx (records kept, not written)", wall / off_wall[key])
    }
    verdict = ""
    if (n == 1000 && f["trace"] == "off" && f["dps_per_package"] == 0) {
      verdict = sprintf("[time %s, memory %s]", wall < 2 ? "PASS" : "MISS", mb < 400 ? "PASS" : "MISS")
    }
    if (n == 10000 && f["trace"] == "off" && f["dps_per_package"] == 0) {
      verdict = sprintf("[time %s, memory %s, outcome %s]", wall < 25 ? "PASS" : "MISS",
                        mb < 4096 ? "PASS" : "MISS", f["outcome"])
    }
    printf "  %-20s %6d packages: %7.2f s (%.2f..%.2f)  %7.0f MB  %9d events  %4.0f k ev/s  installed %d/%d  %s %s\n",
           series, n, wall, f["wall_s_min"], f["wall_s_max"], mb, f["events"],
           f["events_per_s"] / 1000, f["installed"], n, verdict, growth
    last_n[series] = n; last_wall[series] = wall; last_mb[series] = mb
  }
' "$results"

# A whole campaign as a user runs it: generation, traced runs, the checkers, the classification,
# every 16th world run again and every 256th loaded back from YAML. Wall and CPU time of the
# process.
explore_run() {
  local jobs=$1 timing
  timing=$({ TIMEFORMAT='%R %U %S'; time build/release-pgo/tools/distsim explore \
    --seeds "$explore_seeds" --jobs "$jobs" --out "$explore_out" >/dev/null 2>&1; } 2>&1) || true
  echo "$jobs $timing"
}
echo
echo "=== distsim explore --seeds $explore_seeds (targets: 10,000 worlds/s on one core; --jobs 2 at least 1.8x; a million seeds with --jobs 2 in under 2 minutes) ==="
explore_one=$(explore_run 1)
explore_two=$(explore_run 2)
echo "$explore_one
$explore_two" | awk -v seeds="$explore_seeds" '
  { jobs[NR] = $1; wall[NR] = $2; cpu[NR] = $3 + $4 }
  END {
    one = seeds / wall[1]; two = seeds / wall[2]
    printf "  --jobs 1: %6.2f s wall, %6.2f s CPU: %6.0f worlds/s (%.0f per CPU second, %.0f us per world) [%s]\n",
           wall[1], cpu[1], one, seeds / cpu[1], 1e6 * cpu[1] / seeds, (one >= 10000 ? "PASS" : "MISS")
    printf "  --jobs 2: %6.2f s wall, %6.2f s CPU: %6.0f worlds/s, %.2fx --jobs 1 [%s]\n",
           wall[2], cpu[2], two, two / one, (two / one >= 1.8 ? "PASS" : "MISS")
    printf "  a million seeds with --jobs 2 at this rate: %.0f s [%s]\n", 1e6 / two,
           (1e6 / two < 120 ? "PASS" : "MISS")
  }'
