#!/usr/bin/env bash
# The training workload of the profile-guided build (tools/pgo-build.sh), on its own so that a
# test can run it with any distsim: what users run, never a benchmark world. Every scenario in
# scenarios/ once with all its outputs written and once with none (a run without a trace takes
# other paths), then a random-world campaign on two threads. Stops with exit 1 and says which
# step when a run cannot run (an expectation that fails still trains: exit 1 from `run` is fine).
# Usage: tools/pgo-train.sh DISTSIM [SEEDS]   (SEEDS: explore's --seeds, 5000)
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: tools/pgo-train.sh DISTSIM [SEEDS]" >&2
  exit 2
fi
distsim="$(realpath "$1")"
seeds="${2:-5000}"
cd "$(dirname "$0")/.."
fail() {
  echo "distsim: PGO training: $1" >&2
  exit 1
}
[ -x "$distsim" ] || fail "$distsim is not an executable"

training=$(mktemp -d)
trap 'rm -rf "$training"' EXIT
mapfile -t scenarios < <(find scenarios -name '*.yaml' | sort)
[ ${#scenarios[@]} -gt 0 ] || fail "no scenario found under scenarios/"
echo "distsim: training (${#scenarios[@]} scenarios twice, then explore --seeds $seeds)"
for scenario in "${scenarios[@]}"; do
  for outputs in all none; do
    arguments=("$scenario" --quiet)
    if [ "$outputs" = all ]; then
      arguments+=(--trace "$training/trace.jsonl" --log "$training/Distmgr.log"
                  --status "$training/status.csv" --chrome-trace "$training/chrome.json"
                  --report "$training/report.html")
    fi
    status=0
    "$distsim" run "${arguments[@]}" </dev/null >/dev/null || status=$?
    [ "$status" -le 1 ] || fail "the run of $scenario with $outputs outputs exited $status"
    if [ "$outputs" = all ]; then
      for output in trace.jsonl Distmgr.log status.csv chrome.json report.html; do
        [ -s "$training/$output" ] || fail "the run of $scenario wrote no $output"
        rm -f "$training/$output"
      done
    fi
  done
done
status=0
"$distsim" explore --seeds "$seeds" --jobs 2 --out "$training/explore" </dev/null >/dev/null ||
  status=$?
[ "$status" -le 1 ] || fail "the campaign exited $status"
echo "distsim: training workload done"
