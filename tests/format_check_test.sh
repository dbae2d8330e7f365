#!/usr/bin/env bash
# Every C++ source of the repository is as clang-format (.clang-format: Google base, 100 columns)
# writes it, so that a diff shows what changed and never a reflow. Exit 77 (skipped) where
# clang-format is not installed; the README's test command installs it.
# Usage: tests/format_check_test.sh SOURCE_DIR
set -euo pipefail
source_dir="$1"
if ! command -v clang-format >/dev/null 2>&1; then
  echo "clang-format is not installed (Debian: clang-format); skipped"
  exit 77
fi
cd "$source_dir"
mapfile -t sources < <(find model sim tools tests -name '*.cpp' -o -name '*.h' | sort)
[ ${#sources[@]} -gt 0 ] || { echo "no C++ source found under $source_dir" >&2; exit 1; }
if ! clang-format --dry-run --Werror "${sources[@]}"; then
  echo "run: clang-format -i on the files named above" >&2
  exit 1
fi
echo "clang-format: ${#sources[@]} sources formatted"
