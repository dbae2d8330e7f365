#!/usr/bin/env bash
# The README's first command: set everything up, build, and run the main job, the KB Q207416
# scenario (or the scenario given as the first argument, with any further distsim run flags).
set -euo pipefail
cd "$(dirname "$0")/.."
# Only the CLI is built, and build output goes to stderr so that `--json` output stays clean.
tools/setup.sh ci --target distsim >&2
scenario="${1:-scenarios/q207416-temp-source.yaml}"
shift || true
exec build/ci/tools/distsim run "$scenario" "$@"
