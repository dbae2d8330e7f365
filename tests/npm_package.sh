# shellcheck shell=bash
# Sourced by the tests that run a checker from the npm registry (tests/github_workflow_lint.sh,
# tests/kubernetes_manifest_validate.sh, tests/gitlab_pipeline_check.sh): installs one package at
# a pinned version into a work folder once. The test is skipped (exit 77) where Node.js 20 or later
# or npm is missing or the registry cannot be reached, and fails, with npm's log, where the
# registry answers but the install fails (a version that does not exist, a full disk).
# Requires skip() and fail() from the sourcing script.

# npm_package WORK_DIR NAME VERSION
npm_package() {
  local work=$1 name=$2 version=$3 node_major
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then skip "no Node.js or npm"; fi
  # The three checkers are known to run on Node.js 20 (the machine's).
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$node_major" -lt 20 ]; then skip "Node.js $node_major is older than 20"; fi
  mkdir -p "$work"
  local installed=$work/node_modules/$name/package.json
  if [ -f "$installed" ] && grep -q "\"version\": \"$version\"" "$installed"; then return; fi
  # Asked first, with a bound: npm itself retries an unreachable registry for minutes.
  if ! timeout 30 npm ping >/dev/null 2>&1; then skip "the npm registry cannot be reached"; fi
  if npm install --prefix "$work" --no-audit --no-fund --no-save "$name@$version" \
    >"$work/npm-install.log" 2>&1; then
    return
  fi
  cat "$work/npm-install.log"
  fail "npm install $name@$version failed although the registry answers"
}
