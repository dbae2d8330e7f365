#!/usr/bin/env bash
# Shared set-up for the README's commands: installs the Debian packages distsim needs (only the
# missing ones), then configures and builds the given CMake preset.
# Usage: tools/setup.sh PRESET [--target TARGET] [EXTRA_PACKAGE...]
#   --target builds only TARGET and what it needs (tools/run-scenario.sh builds just `distsim`).
#   The release presets also get what they link: Google Benchmark (DISTSIM_BUILD_BENCHMARKS, whose
#   configure step fails without it, even for --target distsim) and tcmalloc (DISTSIM_TCMALLOC).
set -euo pipefail

preset="${1:-ci}"
shift || true
target_args=()
if [ "${1:-}" = "--target" ]; then
  target_args=(--target "$2")
  shift 2
fi
cd "$(dirname "$0")/.."

packages=(cmake make g++ catch2 librapidcheck-dev libfmt-dev libyaml-cpp-dev libcli11-dev
          python3-jsonschema python3-yaml libxml2-utils "$@")
case "$preset" in
  release | release-*) packages+=(libbenchmark-dev libgoogle-perftools-dev) ;;
esac
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "distsim: installing missing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
    "${sudo_cmd[@]}" apt-get update
    "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

jobs="$(nproc 2>/dev/null || echo 2)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs" "${target_args[@]}"
