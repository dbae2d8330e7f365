#!/usr/bin/env bash
# Builds build/release-pgo with profile-guided optimisation (GCC), as tools/bench.sh measures it:
# installs what is missing, builds the tree instrumented (preset release-pgo-train), runs a
# training workload, then rebuilds the same tree from the profile it wrote (preset release-pgo).
# About twice a release build's time. The training workload is tools/pgo-train.sh: what users
# run, never a benchmark world.
# Usage: tools/pgo-build.sh [EXTRA_DEBIAN_PACKAGE...]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build/release-pgo
profile_dir="$build_dir/pgo-profile"  # DISTSIM_PGO_DIR's default in that tree
fail() {
  echo "distsim: $1; build/release-pgo is left instrumented, not usable for measurements" >&2
  exit 1
}

tools/setup.sh release-pgo-train "$@"

# A profile left from other sources would not match them: start from none.
rm -rf "$profile_dir"
tools/pgo-train.sh "$build_dir/tools/distsim" || fail "the training workload failed"
if ! find "$profile_dir" -name '*.gcda' -print -quit 2>/dev/null | grep -q .; then
  fail "the training wrote no profile into $profile_dir"
fi
echo "distsim: trained; rebuilding with the profile"

cmake --preset release-pgo >/dev/null
cmake --build --preset release-pgo -j "$(nproc 2>/dev/null || echo 2)"
