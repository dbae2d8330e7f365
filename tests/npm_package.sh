# shellcheck shell=bash
# Sourced by the tests that run a checker from the npm registry (tests/github_workflow_lint.sh,
# tests/kubernetes_manifest_validate.sh): installs one package at a pinned version into a work
# folder once, or ends the test as skipped (exit 77) where Node.js, npm or the registry is missing.
# Requires skip() from the sourcing script.

# npm_package WORK_DIR NAME VERSION
npm_package() {
  local work=$1 name=$2 version=$3
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then skip "no Node.js or npm"; fi
  mkdir -p "$work"
  local installed=$work/node_modules/$name/package.json
  if [ -f "$installed" ] && grep -q "\"version\": \"$version\"" "$installed"; then return; fi
  npm install --prefix "$work" --no-audit --no-fund --no-save --silent "$name@$version" \
    >/dev/null 2>&1 || skip "cannot install $name $version from the npm registry"
}
