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

# Many seeds, so that only the signal ends the shard; the campaign directory in $work.
env -i PATH="$work/bin:/usr/bin:/bin" DISTSIM_CAMPAIGN_DIR="$work/campaign" DISTSIM_SHARD_COUNT=8 \
  DISTSIM_SEEDS=100000000 JOB_COMPLETION_INDEX=3 \
  unshare --pid --fork --kill-child /bin/sh -c "$(cat "$work/args.sh")" >"$work/summary" &
unshare_pid=$!

# PID 1 of the namespace is unshare's child; wait until distsim (its child) runs.
init_pid=
for _ in $(seq 100); do
  init_pid=$(pgrep -P "$unshare_pid" | head -n 1)
  [ -n "$init_pid" ] && pgrep -P "$init_pid" >/dev/null && break
  sleep 0.1
done
[ -n "$init_pid" ] || fail "the shard command did not start"
sleep 1.5
kill -TERM "$init_pid"

for _ in $(seq 300); do
  kill -0 "$unshare_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$unshare_pid" 2>/dev/null; then
  kill -9 "$unshare_pid"
  fail "30 s after SIGTERM the shard is still running: the signal did not reach distsim"
fi
wait "$unshare_pid"
status=$?
result=$work/campaign/results/shard-3.json
[ -s "$result" ] || fail "no result file after SIGTERM"
grep -q '"stopped_by": "SIGTERM"' "$result" || { cat "$result"; fail "the result does not record SIGTERM"; }
[ "$status" = 0 ] || fail "the pod's command exited $status after a clean stop (want 0)"
echo "PASS: SIGTERM to PID 1 stopped shard 3/8 cleanly: $(grep '"worlds_run"' "$result")"
