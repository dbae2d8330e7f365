#!/usr/bin/env bash
# The GitLab CI campaign pipeline of tools/campaign/ is read by gitlab-ci-local (from the npm
# registry), which validates it against GitLab's JSON schema and resolves its jobs as GitLab
# would: `parallel: 8` must give eight shard jobs and the merge must need the shards and run
# `when: always`. It must also refuse two copies broken in known ways (a schema error and a need
# of a job that does not exist), so that a checker that accepts everything cannot pass. Exit 77
# (skipped) where Node.js, npm, git or the npm registry is missing.
#
# Usage: tests/gitlab_pipeline_check.sh SOURCE_DIR WORK_DIR
set -uo pipefail

source_dir=$(realpath "$1")
work=$(realpath -m "$2")
pipeline=$source_dir/tools/campaign/gitlab/explore.gitlab-ci.yml
tool_version=4.55.0  # runs on the machine's Node.js 20 (later releases need Node.js 22)

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

command -v git >/dev/null || skip "no git"
# shellcheck source=tests/npm_package.sh
source "$(dirname "$0")/npm_package.sh"
npm_package "$work" gitlab-ci-local "$tool_version"

# list PIPELINE_FILE: the jobs gitlab-ci-local resolves from it, in a repository of its own (it
# reads the project from git); its status is gitlab-ci-local's.
list() {
  local repo=$work/repo
  rm -rf "$repo" && mkdir -p "$repo" && cp "$1" "$repo/.gitlab-ci.yml" || return 2
  git -C "$repo" init -q && git -C "$repo" add .gitlab-ci.yml &&
    git -C "$repo" -c user.name=distsim -c user.email=distsim@localhost commit -qm pipeline ||
    return 2
  (cd "$repo" && node "$work/node_modules/gitlab-ci-local/src/index.js" --list 2>&1)
}

jobs=$(list "$pipeline") || { echo "$jobs"; fail "gitlab-ci-local refuses $pipeline"; }
echo "$jobs" | grep -q 'json schema validated' || { echo "$jobs"; fail "no schema validation"; }
shards=$(echo "$jobs" | grep -c '^distsim-explore: \[[1-8]/8\] ')
[ "$shards" = 8 ] || { echo "$jobs"; fail "$shards shard jobs, want 8"; }
echo "$jobs" | grep -Eq '^distsim-merge +merge +always .*\[distsim-build,distsim-explore\]' ||
  { echo "$jobs"; fail "the merge does not run always after the build and the shards"; }

sed 's/^  parallel: 8$/  parallel: eight/' "$pipeline" >"$work/schema-error.yml"
sed 's/needs: \[distsim-build, distsim-explore\]/needs: [distsim-build, distsim-explorer]/' \
  "$pipeline" >"$work/missing-need.yml"
for broken in schema-error missing-need; do
  cmp -s "$pipeline" "$work/$broken.yml" && fail "the planted $broken no longer applies"
  if out=$(list "$work/$broken.yml"); then echo "$out"; fail "gitlab-ci-local accepts $broken"; fi
done
echo "PASS: gitlab-ci-local $tool_version validates the pipeline (8 shards, the merge always" \
  "after them) and refuses both planted mistakes"
