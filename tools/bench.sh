#!/usr/bin/env bash
# The benchmark command (tools/bench/README.md): installs what is missing (libbenchmark-dev
# besides the usual packages), builds the `release` preset at low priority, then runs
# distsim_bench (kernel, VFS, whole runs, small worlds, tracing; 3 repetitions each) and
# distsim_sitescale once per size in its own process, and prints every figure with its target.
# Not part of ctest.
# Usage: tools/bench.sh [--quick]   (--quick: 1 repetition, shorter runs, no 10,000-package runs)
set -euo pipefail
cd "$(dirname "$0")/.."

repetitions=3
min_time=0.5
sizes=(100 1000 10000)
if [ "${1:-}" = "--quick" ]; then
  repetitions=1
  min_time=0.1
  sizes=(100 1000)
fi

# Benchmarks share the machine with compilers: build at low priority, measure at normal priority.
nice -n 10 tools/setup.sh release libbenchmark-dev

bench_dir=build/release/tools/bench
echo
echo "=== machine ==="
date -u '+date: %Y-%m-%d %H:%M UTC'
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores online"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min; figures are noisy when other work runs)"
echo "compiler: $(c++ --version | head -1); Google Benchmark $(dpkg-query -W -f='${Version}' libbenchmark-dev)"

echo
echo "=== distsim_bench: kernel, VFS, whole runs, small worlds, tracing ==="
"$bench_dir/distsim_bench" --benchmark_repetitions="$repetitions" \
  --benchmark_min_time="$min_time" --benchmark_report_aggregates_only=false

# One process per run, so that ru_maxrss is the peak of that size alone.
results=$(mktemp)
trap 'rm -f "$results"' EXIT
site_run() {
  local output
  output=$("$bench_dir/distsim_sitescale" --repetitions "$repetitions" "$@" 2>&1) || true
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
echo "=== site-scale summary (targets: < 5 s and < 500 MB at 1,000 packages; cost linear) ==="
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
      growth = sprintf("trace on/off = %.2fx [%s, target <= 3x]", wall / off_wall[key],
                       wall / off_wall[key] <= 3 ? "PASS" : "MISS")
    }
    verdict = ""
    if (n == 1000 && f["trace"] == "off" && f["dps_per_package"] == 0) {
      verdict = sprintf("[time %s, memory %s]", wall < 5 ? "PASS" : "MISS", mb < 500 ? "PASS" : "MISS")
    }
    printf "  %-20s %6d packages: %7.2f s (%.2f..%.2f)  %7.0f MB  %9d events  %4.0f k ev/s  installed %d/%d  %s %s\n",
           series, n, wall, f["wall_s_min"], f["wall_s_max"], mb, f["events"],
           f["events_per_s"] / 1000, f["installed"], n, verdict, growth
    last_n[series] = n; last_wall[series] = wall; last_mb[series] = mb
  }
' "$results"
