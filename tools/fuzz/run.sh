#!/usr/bin/env bash
# Fuzzes every target for a short fixed time: builds the `fuzz` preset (clang, libFuzzer,
# AddressSanitizer + UBSan), generates seeds and the scenario dictionary from the project's own
# files (make_seeds.py), and runs each target for its share of the time with a fixed seed. A
# crash is copied to tests/data/fuzz-regressions/<target>/ (commit it with the fix: ctest replays
# that folder through the same target function) and makes the script exit 1.
# Usage: tools/fuzz/run.sh [--if-available] [TOTAL_SECONDS]   (default 30 seconds in all)
#   --if-available: exit 0 with a note when clang++ with libFuzzer is missing (CI without clang).
set -euo pipefail
cd "$(dirname "$0")/../.."

if_available=0
if [ "${1:-}" = "--if-available" ]; then
  if_available=1
  shift
fi
total="${1:-30}"
targets=(scenario_loader scenario_run windows_path value_parse trace_jsonl)

probe_dir="$(mktemp -d)"
trap 'rm -rf "$probe_dir"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
  >"$probe_dir/probe.cpp"
if ! command -v clang++ >/dev/null ||
   ! clang++ -fsanitize=fuzzer,address,undefined "$probe_dir/probe.cpp" -o "$probe_dir/probe" \
     2>/dev/null; then
  echo "fuzz: skipped, clang++ with libFuzzer is not available (Debian: apt-get install clang)"
  [ "$if_available" = 1 ] && exit 0
  exit 2
fi

python=python3
[ -x /usr/bin/python3 ] && python=/usr/bin/python3  # Debian's, with python3-yaml
jobs="$(nproc 2>/dev/null || echo 2)"
echo "fuzz: building the fuzz preset (build/fuzz)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs" >/dev/null
work=build/fuzz/run
rm -rf "$work"
"$python" tools/fuzz/make_seeds.py . "$work"

seconds=$(( total / ${#targets[@]} ))
[ "$seconds" -ge 1 ] || seconds=1
failed=()
for target in "${targets[@]}"; do
  dictionary="$work/scenario.dict"
  [ -f "tools/fuzz/$target.dict" ] && dictionary="tools/fuzz/$target.dict"
  regressions="tests/data/fuzz-regressions/$target"
  corpora=("$work/corpus/$target")
  [ -d "$regressions" ] && corpora+=("$regressions")
  mkdir -p "$work/crashes/$target"
  log="$work/$target.log"
  status=0
  "build/fuzz/tools/fuzz/fuzz_$target" -max_total_time="$seconds" -seed=1 -timeout=60 \
    -rss_limit_mb=2048 -max_len=16384 -dict="$dictionary" -print_final_stats=1 \
    -artifact_prefix="$work/crashes/$target/" "${corpora[@]}" >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  echo "fuzz: $target: ${seconds}s, ${runs:-?} inputs, exit status $status (log: $log)"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    mkdir -p "$regressions"
    for crash in "$work/crashes/$target"/*; do
      [ -f "$crash" ] || continue
      cp "$crash" "$regressions/"
      echo "fuzz: $target: kept $regressions/$(basename "$crash")"
    done
    grep -m1 -A12 -E "ERROR: |fuzz property failed|runtime error|deadly signal" "$log" || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (replay: build/ci/tools/fuzz/distsim_fuzz_regression TARGET FILE)"
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a crash"
