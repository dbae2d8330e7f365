#!/usr/bin/env bash
# The Kubernetes manifests of tools/campaign/kubernetes/ validate against the Kubernetes API's
# OpenAPI schemas (the npm package kubernetes-models, which checks each object's types, required
# fields and allowed values with Ajv; unknown fields are not its concern). It must also reject a
# copy of the Job broken in two known ways, so that a validator that accepts everything cannot
# pass. Exit 77 (skipped) where Node.js or npm is missing or the npm registry cannot be reached.
#
# Usage: tests/kubernetes_manifest_validate.sh SOURCE_DIR WORK_DIR
set -uo pipefail

source_dir=$(realpath "$1")
work=$(realpath -m "$2")
models_version=5.1.0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

# shellcheck source=tests/npm_package.sh
source "$(dirname "$0")/npm_package.sh"
npm_package "$work" kubernetes-models "$models_version"
rm -rf "$work/manifests" && mkdir -p "$work/manifests"

# Each manifest as JSON (python3-yaml reads YAML as the API server does), then a copy of the Job
# with a misspelt completion mode and an unknown operator.
/usr/bin/python3 - "$source_dir/tools/campaign/kubernetes" "$work/manifests" <<'PY' ||
import json, pathlib, sys, yaml
source, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for manifest in sorted(source.glob("*.yaml")):
    document = yaml.safe_load(manifest.read_text())
    (target / (manifest.stem + ".json")).write_text(json.dumps(document))
job = json.loads((target / "explore-job.json").read_text())
job["spec"]["completionMode"] = "Indexd"
job["spec"]["podFailurePolicy"]["rules"][0]["onExitCodes"]["operator"] = "Within"
(target.parent / "broken-job.json").write_text(json.dumps(job))
PY
  fail "cannot read the manifests"

cat >"$work/validate.mjs" <<'JS'
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim, Pod } from 'kubernetes-models/v1';
import { readFileSync } from 'node:fs';
const kinds = { Job, PersistentVolumeClaim, Pod };
let problems = 0;
for (const file of process.argv.slice(2)) {
  const object = JSON.parse(readFileSync(file, 'utf8'));
  const Kind = kinds[object.kind];
  try {
    if (!Kind) throw new Error(`kind ${object.kind} is not one this check knows`);
    new Kind(object).validate();
  } catch (error) {
    console.log(`${file}: ${error.message}`);
    ++problems;
  }
}
console.log(`${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
JS

count=$(find "$work/manifests" -name '*.json' | wc -l)
[ "$count" -ge 4 ] || fail "expected at least 4 manifests, found $count"
(cd "$work" && node validate.mjs manifests/*.json) || fail "a manifest does not validate"
broken=$(cd "$work" && node validate.mjs broken-job.json)
if ! echo "$broken" | grep -q 'completionMode' || ! echo "$broken" | grep -q 'operator'; then
  echo "$broken"
  fail "the validator did not report both planted breaks"
fi
echo "PASS: $count manifests validate against kubernetes-models $models_version;" \
  "both planted breaks reported"
