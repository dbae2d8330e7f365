#!/usr/bin/env bash
# A real Slurm campaign: starts a one-node cluster on 127.0.0.1 (munged, slurmctld, slurmd, no
# systemd, no accounting) with its configuration and state in a temporary directory, submits
# tools/campaign/slurm/explore-array.sbatch as a 4-task job array and merge.sbatch after it,
# waits, and compares the merged summary with one process over the same seeds; then a second
# campaign whose shards all stop at their time limit, which the merge must report as gaps. The
# daemons are always stopped. Exit 77 (skipped) when not root or when Slurm cannot be installed.
#
# Usage: tests/slurm_campaign_test.sh DISTSIM_BINARY SOURCE_DIR
set -uo pipefail

distsim=$(realpath "$1")
source_dir=$(realpath "$2")
seeds=400
seed_start=5000

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root to run slurmctld, slurmd and munged"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
   ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y slurmctld slurmd slurm-client munge >/dev/null 2>&1 ||
    { apt-get update >/dev/null 2>&1 &&
      apt-get install -y slurmctld slurmd slurm-client munge >/dev/null 2>&1; } ||
    skip "cannot install slurmctld slurmd slurm-client munge"
fi

work=$(mktemp -d /tmp/distsim-slurm.XXXXXX)
chmod 0755 "$work"
export SLURM_CONF=$work/slurm.conf

teardown() {
  for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  sleep 1
  for pidfile in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    [ -s "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null
  done
  rm -rf "$work"
}
trap teardown EXIT

show_logs() {
  for log in "$work"/*.log "$work"/munge/*.log "$work"/campaign/*.out; do
    [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }
  done
}

# Two free TCP ports for slurmctld and slurmd, so that a cluster already on this machine (or a
# parallel run) is never disturbed.
read -r ctld_port slurmd_port < <(/usr/bin/python3 -c '
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])')

# munged: its own key, socket and state; the socket directory must be 0755.
mkdir -m 0755 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/munged.seed" --origin=127.0.0.1 ||
  { show_logs; fail "munged did not start"; }

memory_mb=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool" "$work/campaign"
cat >"$SLURM_CONF" <<EOF
ClusterName=distsim-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -f "$SLURM_CONF" || { show_logs; fail "slurmctld did not start"; }
slurmd -f "$SLURM_CONF" -N localhost || { show_logs; fail "slurmd did not start"; }
for _ in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -qx idle && break
  sleep 0.5
done
sinfo -h -o %T | grep -qx idle || { sinfo; show_logs; fail "the node never became idle"; }

# run_campaign: submits a 4-task array and the merge after it, exactly as
# tools/campaign/README.md does, into $DISTSIM_CAMPAIGN_DIR; waits for the merge. Sets `array`
# (the array's job id) and `merge_status`.
run_campaign() {
  mkdir -p "$DISTSIM_CAMPAIGN_DIR"
  cd "$DISTSIM_CAMPAIGN_DIR" || fail "no campaign directory"
  array=$(sbatch --parsable --array=0-3 --cpus-per-task=1 --time=10 \
    "$source_dir/tools/campaign/slurm/explore-array.sbatch") ||
    { show_logs; fail "sbatch (array)"; }
  array=${array%%;*}
  merge_status=0
  sbatch --wait --dependency="afterany:$array" --output="$DISTSIM_CAMPAIGN_DIR/merge.out" \
    "$source_dir/tools/campaign/slurm/merge.sbatch" >/dev/null || merge_status=$?
}

export DISTSIM=$distsim DISTSIM_CAMPAIGN_DIR=$work/campaign DISTSIM_SEEDS=$seeds \
  DISTSIM_SEED_START=$seed_start DISTSIM_TIME_LIMIT=10m
run_campaign

# Every array task ran and ended with 0 (no accounting: ask slurmctld, which keeps finished jobs
# for MinJobAge seconds).
states=$(scontrol show job "$array" | grep -o 'JobState=[A-Z]* .*\|ExitCode=[0-9:]*' | tr '\n' ' ')
completed=$(scontrol show job "$array" | grep -c 'JobState=COMPLETED')
[ "$completed" = 4 ] || { echo "$states"; show_logs; fail "$completed of 4 array tasks completed"; }
for shard in 0 1 2 3; do
  [ -s "$work/campaign/results/shard-$shard.json" ] || fail "no result file for shard $shard"
done

single=$("$distsim" explore --seeds "$seeds" --seed-start "$seed_start" \
  --out "$work/campaign/reproducers")
single_status=$?
merged=$(cat "$work/campaign/merge.out")
if [ "$merged" != "$single" ] || [ "$merge_status" != "$single_status" ]; then
  echo "merged (status $merge_status):"; echo "$merged"
  echo "single process (status $single_status):"; echo "$single"
  show_logs
  fail "the merged campaign does not report what one process reports"
fi
grep -q 'name="shard 3/4: 100 worlds"' "$work/campaign/junit.xml" ||
  fail "the merge's JUnit lacks the shards"

# A campaign whose shards all stop at their time limit: each task exits 1 (FAILED), the merge still
# runs (afterany), reports every shard's gap and exits 1 itself: a gap is never a pass.
export DISTSIM_CAMPAIGN_DIR=$work/cut DISTSIM_SEEDS=40000000 DISTSIM_TIME_LIMIT=1s
run_campaign
failed=$(scontrol -o show job "$array" | grep -c 'JobState=FAILED .* ExitCode=1:0')
gaps=$(grep -c '^GAP shard [0-3]/4: explored .* (stopped at --time-limit)' "$work/cut/merge.out")
if [ "$failed" != 4 ] || [ "$gaps" != 4 ] || [ "$merge_status" != 1 ]; then
  scontrol show job "$array" | grep -o 'JobState=[A-Z]* .*\|ExitCode=[0-9:]*'
  cat "$work/cut/merge.out"; show_logs
  fail "cut shards: $failed of 4 tasks ended with status 1, $gaps gaps merged," \
    "merge status $merge_status"
fi
echo "PASS: 4 Slurm array tasks merged into: $merged"
echo "PASS: 4 shards cut by --time-limit merged into 4 gaps, status 1"
