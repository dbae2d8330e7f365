#!/usr/bin/env bash
# ctest: the JUnit XML of `distsim check --junit`, on a report holding a pass, a failure and an
# error with characters that need escaping, and that of `distsim explore --merge --junit`, on a
# campaign with a coverage gap and a failing world, validate against the JUnit schema that
# Jenkins' xunit plugin uses. The schema is not part of this repository: it is read from the
# shared folder beside the checkout, and where it or xmllint is absent the test reports itself
# skipped (exit 77, ctest's SKIP_RETURN_CODE), never passed.
# Usage: junit_schema_test.sh DISTSIM SOURCE_DIR WORK_DIR
set -euo pipefail
distsim=$1
source_dir=$2
work=$3
schema="$source_dir/../shared/schemas/junit-10.xsd"
if [ ! -f "$schema" ]; then
  echo "skipped: the JUnit schema is not present at $schema"
  exit 77
fi
if ! command -v xmllint >/dev/null; then
  echo "skipped: xmllint (Debian libxml2-utils) is not installed"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work/lib/sub"
cp "$source_dir/scenarios/q207416-temp-source.yaml" "$work/lib/"
sed 's/attempts: 3/attempts: 2/' "$source_dir/scenarios/q207416-temp-source.yaml" \
  >"$work/lib/sub/broken.yaml"
printf 'version: 1\nname: t\nuntill: 3d\n' >"$work/lib/sub/bad & <odd>.yaml"
cat >"$work/lib/sub/odd.yaml" <<'YAML'
version: 1
name: "odd \x01 name"
expect:
  log:
    contains: ["\x01 <&> \" ' \xe9"]
YAML
cd "$work"
# expect_status STATUS WHY COMMAND...: runs distsim with COMMAND, its output in run.out, and
# fails the test unless it exits with STATUS.
expect_status() {
  local expected=$1 why=$2 status=0
  shift 2
  "$distsim" "$@" >run.out 2>&1 || status=$?
  if [ "$status" -ne "$expected" ]; then
    echo "FAIL: distsim $* exited $status, expected $expected ($why)"
    cat run.out
    exit 1
  fi
}
# has FILE TEXT: fails the test unless FILE contains TEXT.
has() { grep -qF -- "$2" "$1" || { echo "FAIL: no $2 in $1"; exit 1; }; }

expect_status 2 "a scenario could not run" check lib --junit out.xml
has out.xml '<failure'
has out.xml '<error'
xmllint --noout --schema "$schema" out.xml

# A shard cut by its time limit, given a failing world with awkward text by hand (no generated
# world fails), merged: one testcase per shard (a coverage_gap failure) and one per failure.
"$distsim" explore --seeds 100000000 --time-limit 1s --result gap.json >/dev/null || true
/usr/bin/python3 - gap.json <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
result["failures"] = [{
    "seed": 0, "kind": "liveness:32", "detail": "S0100001 <&> \"retrying\" \u00e9",
    "shrink_runs": 3, "shrink_stopped": True, "reproducer_file": "explore-0-liveness-32.yaml",
    "reproducer_yaml": "version: 1\nname: \"]]> <odd>\"\n"}]
json.dump(result, open(sys.argv[1], "w"))
PY
expect_status 1 "a gap and a failure" explore --merge gap.json --out found --junit explore.xml
has explore.xml 'type="coverage_gap"'
has explore.xml 'type="liveness:32"'
xmllint --noout --schema "$schema" explore.xml
