#!/usr/bin/env bash
# Builds build/release-pgo with profile-guided optimisation (GCC), as tools/bench.sh measures it:
# installs what is missing, builds the tree instrumented (preset release-pgo-train), runs a
# training workload, then rebuilds the same tree from the profile it wrote (preset release-pgo).
# About twice a release build's time. The training is what users run, never a benchmark world:
# every scenario in scenarios/ with its outputs written, and a random-world campaign on two
# threads. Usage: tools/pgo-build.sh [EXTRA_DEBIAN_PACKAGE...]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build/release-pgo
tools/setup.sh release-pgo-train libbenchmark-dev libgoogle-perftools-dev "$@"

# A profile left from other sources would not match them: start from none.
rm -rf "$build_dir/pgo-profile"
training=$(mktemp -d)
trap 'rm -rf "$training"' EXIT
distsim="$build_dir/tools/distsim"
echo "distsim: training the profile (every scenario, then explore --seeds 5000 --jobs 2)"
scenarios=0
while IFS= read -r scenario; do
  # An expectation that fails (exit 1) still trains; a scenario that cannot run (2, 3) is a bug.
  status=0
  "$distsim" run "$scenario" --quiet --trace "$training/trace.jsonl" --log "$training/Distmgr.log" \
    --status "$training/status.csv" --chrome-trace "$training/chrome.json" \
    --report "$training/report.html" >/dev/null || status=$?
  if [ "$status" -gt 1 ]; then
    echo "distsim: training run of $scenario exited $status" >&2
    exit 1
  fi
  scenarios=$((scenarios + 1))
done < <(find scenarios -name '*.yaml' | sort)
status=0
"$distsim" explore --seeds 5000 --jobs 2 --out "$training/explore" >/dev/null || status=$?
if [ "$status" -gt 1 ]; then
  echo "distsim: training campaign exited $status" >&2
  exit 1
fi
echo "distsim: trained on $scenarios scenarios and 5000 random worlds; rebuilding with the profile"

cmake --preset release-pgo >/dev/null
cmake --build --preset release-pgo -j "$(nproc 2>/dev/null || echo 2)"
