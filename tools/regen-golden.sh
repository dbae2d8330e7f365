#!/usr/bin/env bash
# Regenerates every golden file under tests/golden/ (the traces and Distmgr.logs of the golden
# scenarios, and the Distmgr.log formats) from the current sources, after an intended change of
# behaviour. Review the difference with `git diff tests/golden` and commit it with the change.
# Usage: tools/regen-golden.sh [PRESET]   (default ci)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-ci}"
tools/setup.sh "$preset"
DISTSIM_REGEN_GOLDEN=1 "build/$preset/tests/distsim_tests" "[golden]"
git --no-pager diff --stat -- tests/golden || true
