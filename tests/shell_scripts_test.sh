#!/usr/bin/env bash
# Every shell script of the repository (tools/, tests/, .ci/run, the Slurm batch scripts) passes
# ShellCheck, so that the scripts the README's commands, the benchmarks and the campaigns run are
# free of the quoting, unset-variable and exit-status mistakes their own runs show only when a
# path has a space or a step fails. Exit 77 (skipped) where shellcheck is not installed.
# Usage: tests/shell_scripts_test.sh SOURCE_DIR
set -euo pipefail
source_dir="$1"
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "shellcheck is not installed (Debian: shellcheck); skipped"
  exit 77
fi
cd "$source_dir"
mapfile -t scripts < <({ find tools tests -name '*.sh' -o -name '*.sbatch'; echo .ci/run; } | sort)
[ ${#scripts[@]} -gt 0 ] || { echo "no shell script found under $source_dir" >&2; exit 1; }
shellcheck --external-sources "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts clean"
