#!/usr/bin/env bash
# The README's first command: set everything up, build, and run the main job, the KB Q207416
# scenario (or the scenario given as the first argument), with any distsim run flags after it
# or, for the KB scenario, instead of it (`tools/run-scenario.sh --json`). Paths are taken from
# where it is run.
set -euo pipefail
here="$(pwd)"
cd "$(dirname "$0")/.."
root="$(pwd)"
# Only the CLI is built, and build output goes to stderr so that `--json` output stays clean.
tools/setup.sh ci --target distsim >&2
# Named relative to where it is run, as the summary and its repro line then show it.
scenario="$(realpath --relative-to="$here" "$root/scenarios/q207416-temp-source.yaml")"
if [[ $# -gt 0 && "$1" != -* ]]; then
  scenario="$1"
  shift
fi
cd "$here"
exec "$root/build/ci/tools/distsim" run "$scenario" "$@"
