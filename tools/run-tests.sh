#!/usr/bin/env bash
# The README's second command (and CI's): set everything up, build with warnings as errors, and
# run the whole test suite (unit tests, RapidCheck properties with a fixed seed, every scenario).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh ci shellcheck clang-format
jobs="$(nproc 2>/dev/null || echo 2)"
ctest --preset ci -j "$jobs"
# About 30 s of fuzzing where clang++ with libFuzzer is installed; a note and nothing else where not.
tools/fuzz/run.sh --if-available 30
