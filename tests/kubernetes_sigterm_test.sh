#!/usr/bin/env bash
# The Kubernetes shard command of tools/campaign/kubernetes/explore-job.yaml, run as a container
# runs it: as PID 1 of its own PID namespace, where a signal without a handler is dropped. It gets
# SIGTERM from outside, as the kubelet sends it on pod deletion, and must pass it on so that
# distsim stops between worlds, writes its result file with the gap, and the pod ends with 0.
# Exit 77 (skipped) where a PID namespace cannot be made (not root, no unshare).
#
# Usage: tests/kubernetes_sigterm_test.sh DISTSIM_BINARY SOURCE_DIR
set -uo pipefail

distsim=$(realpath "$1")
source_dir=$(realpath "$2")

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

command -v unshare >/dev/null || skip "no unshare"
unshare --pid --fork true 2>/dev/null || skip "cannot make a PID namespace (needs root)"

work=$(mktemp -d /tmp/distsim-k8s.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$distsim" "$work/bin/distsim"

# The container's command and environment, read from the manifest itself.
manifest=$source_dir/tools/campaign/kubernetes/explore-job.yaml
/usr/bin/python3 - "$manifest" "$work" <<'PY' || fail "cannot read $manifest"
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
container = job["spec"]["template"]["spec"]["containers"][0]
assert container["command"] == ["/bin/sh", "-c"], container["command"]
open(sys.argv[2] + "/args.sh", "w").write(container["args"][0])
with open(sys.argv[2] + "/env", "w") as env:
    for item in container["env"]:
        env.write(f"{item['name']}={item['value']}\n")
PY
grep -q '^DISTSIM_SHARD_COUNT=8$' "$work/env" || fail "the manifest's shard count is not 8"

# Runs the shard command with many seeds, so that only the signal ends it, and sends SIGTERM to
# its PID 1 `when`: "early" as soon as the shell has made the results folder (its trap is set by
# then; distsim may not have started or installed its own handler yet), "late" once distsim has
# explored for a while. The pod must end with 0 and the result file record the stop.
run_case() {
  local when=$1 campaign=$work/campaign-$1
  env -i PATH="$work/bin:/usr/bin:/bin" DISTSIM_CAMPAIGN_DIR="$campaign" DISTSIM_SHARD_COUNT=8 \
    DISTSIM_SEEDS=100000000 JOB_COMPLETION_INDEX=3 \
    unshare --pid --fork --kill-child /bin/sh -c "$(cat "$work/args.sh")" >"$work/summary-$when" &
  local unshare_pid=$! init_pid=
  # PID 1 of the namespace is unshare's child.
  for _ in $(seq 100); do
    init_pid=$(pgrep -P "$unshare_pid" | head -n 1)
    [ -n "$init_pid" ] && [ -d "$campaign/results" ] && break
    sleep 0.01
  done
  if [ -z "$init_pid" ] || [ ! -d "$campaign/results" ]; then
    fail "$when: the shard command did not start"
  fi
  if [ "$when" = late ]; then
    for _ in $(seq 100); do pgrep -P "$init_pid" >/dev/null && break; sleep 0.05; done
    sleep 1.5
  fi
  kill -TERM "$init_pid"
  for _ in $(seq 300); do
    kill -0 "$unshare_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$unshare_pid" 2>/dev/null; then
    kill -9 "$unshare_pid"
    fail "$when: 30 s after SIGTERM the shard is still running: the signal did not reach distsim"
  fi
  wait "$unshare_pid"
  local status=$? result=$campaign/results/shard-3.json
  [ -s "$result" ] || fail "$when: no result file after SIGTERM (pod status $status)"
  grep -q '"stopped_by": "SIGTERM"' "$result" ||
    { cat "$result"; fail "$when: the result does not record SIGTERM"; }
  [ "$status" = 0 ] || fail "$when: the pod's command exited $status after a clean stop (want 0)"
  echo "PASS ($when): SIGTERM to PID 1 stopped shard 3/8 cleanly: $(grep '"worlds_run"' "$result")"
}

run_case early
run_case late
