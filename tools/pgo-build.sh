#!/usr/bin/env bash
# Builds build/release-pgo with profile-guided optimisation (GCC), as tools/bench.sh measures it:
# installs what is missing, builds the tree instrumented (preset release-pgo-train), runs a
# training workload, then rebuilds the same tree from the profile it wrote (preset release-pgo).
# About twice a release build's time. The training is what users run, never a benchmark world:
# every scenario in scenarios/ once with all its outputs written and once with none (a run
# without a trace takes other paths), and a random-world campaign on two threads.
# Usage: tools/pgo-build.sh [EXTRA_DEBIAN_PACKAGE...]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build/release-pgo
profile_dir="$build_dir/pgo-profile"  # DISTSIM_PGO_DIR's default in that tree
fail() {
  echo "distsim: $1; build/release-pgo is left instrumented, not usable for measurements" >&2
  exit 1
}

tools/setup.sh release-pgo-train libbenchmark-dev libgoogle-perftools-dev "$@"

# A profile left from other sources would not match them: start from none.
rm -rf "$profile_dir"
training=$(mktemp -d)
trap 'rm -rf "$training"' EXIT
distsim="$build_dir/tools/distsim"
mapfile -t scenarios < <(find scenarios -name '*.yaml' | sort)
[ ${#scenarios[@]} -gt 0 ] || fail "no scenario found under scenarios/"
echo "distsim: training the profile (${#scenarios[@]} scenarios twice, then explore --seeds 5000)"
for scenario in "${scenarios[@]}"; do
  # An expectation that fails (exit 1) still trains; a scenario that cannot run (2, 3) is a bug.
  for outputs in all none; do
    arguments=("$scenario" --quiet)
    if [ "$outputs" = all ]; then
      arguments+=(--trace "$training/trace.jsonl" --log "$training/Distmgr.log"
                  --status "$training/status.csv" --chrome-trace "$training/chrome.json"
                  --report "$training/report.html")
    fi
    status=0
    "$distsim" run "${arguments[@]}" </dev/null >/dev/null || status=$?
    [ "$status" -le 1 ] || fail "training run of $scenario exited $status"
  done
done
status=0
"$distsim" explore --seeds 5000 --jobs 2 --out "$training/explore" </dev/null >/dev/null ||
  status=$?
[ "$status" -le 1 ] || fail "training campaign exited $status"
if ! find "$profile_dir" -name '*.gcda' -print -quit 2>/dev/null | grep -q .; then
  fail "the training wrote no profile into $profile_dir"
fi
echo "distsim: trained; rebuilding with the profile"

cmake --preset release-pgo >/dev/null
cmake --build --preset release-pgo -j "$(nproc 2>/dev/null || echo 2)"
