#!/usr/bin/env bash
# The HTML report in a real browser: writes the report of five QA worlds (an Explorer window open
# for 3 hours on sms2, an exclusive antivirus on two DPs under configmgr2007, retries exhausted
# under configmgr2012, a nightly backup without VSS, and a wrong expectation), opens each in
# Debian's Chromium at 800 and 1,400 pixels through puppeteer-core (tools/report-check), and
# checks that the page never scrolls sideways, no two SVG texts overlap, every package and DP
# lane is drawn, every refusal names bars that exist, and no table is wider than the page.
# Screenshots go to SCREENSHOT_DIR. Exits 77 (skipped) when Chromium, node or puppeteer-core
# cannot be had.
#
# Usage: report_browser_test.sh DISTSIM SOURCE_DIR WORK_DIR SCREENSHOT_DIR
set -euo pipefail
distsim=$1
source_dir=$2
work=$3
screenshots=$4
chromium=${CHROMIUM:-/usr/bin/chromium}

skip() {
  echo "SKIPPED: $*"
  exit 77
}
[ -x "$chromium" ] || skip "no Chromium at $chromium (apt-get install chromium)"
command -v node >/dev/null || skip "no node"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 18 ] || skip "node older than 18"

# puppeteer-core from the committed lock file, installed under the build tree; no browser is
# downloaded (PUPPETEER_SKIP_DOWNLOAD, and puppeteer-core never downloads one anyway).
modules=$work/node
mkdir -p "$modules" "$work/cases" "$screenshots"
for file in package.json package-lock.json; do
  cmp -s "$source_dir/tools/report-check/$file" "$modules/$file" ||
    cp "$source_dir/tools/report-check/$file" "$modules/$file"
done
if [ ! -f "$modules/node_modules/puppeteer-core/package.json" ] ||
   [ "$modules/package-lock.json" -nt "$modules/node_modules/puppeteer-core/package.json" ]; then
  (cd "$modules" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts \
     >"$work/npm.log" 2>&1) || skip "npm ci failed (see $work/npm.log)"
fi

# A copy of a scenario with some text replaced; fails when the text is not there.
variant() {
  local from=$1 to=$2
  shift 2
  cp "$source_dir/scenarios/$from" "$to"
  while [ $# -gt 0 ]; do
    grep -qF -- "$1" "$to" || { echo "FAIL: '$1' not found in scenarios/$from"; exit 1; }
    python3 - "$to" "$1" "$2" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path, encoding="utf-8").read()
open(path, "w", encoding="utf-8").write(text.replace(old, new))
PY
    shift 2
  done
}

cases=$work/cases
variant q207416-explorer-window.yaml "$cases/explorer-3h.yaml" \
  "for: 2h" "for: 3h" "attempts: 3" "attempts: 4" "installed_by: 2h10m" "installed_by: 3h10m" \
  "sequence: [2300, 2302, 2300, 2302, 2300, 2301]" \
  "sequence: [2300, 2302, 2300, 2302, 2300, 2302, 2300, 2301]"
cp "$source_dir/scenarios/antivirus-exclusive-two-dps.yaml" "$cases/antivirus-two-dps.yaml"
cp "$source_dir/scenarios/cm2012-dp-retries-exhausted.yaml" "$cases/retries-exhausted.yaml"
cp "$source_dir/scenarios/backup-plain.yaml" "$cases/backup-plain.yaml"
variant q207416-temp-source.yaml "$cases/wrong-expectation.yaml" "attempts: 3" "attempts: 2"

arguments=()
for name in explorer-3h antivirus-two-dps retries-exhausted backup-plain wrong-expectation; do
  status=0
  "$distsim" run "$cases/$name.yaml" --report "$cases/$name.html" >"$cases/$name.txt" || status=$?
  "$distsim" run "$cases/$name.yaml" --json >"$cases/$name.json" || true
  # 0 or 1 (an expectation or invariant failed) both write a report; 2 and 3 do not.
  if [ "$status" -gt 1 ] || [ ! -s "$cases/$name.html" ]; then
    echo "FAIL: distsim run $name exited $status without a report"
    cat "$cases/$name.txt"
    exit 1
  fi
  arguments+=(--case "$name,$cases/$name.html,$cases/$name.json")
done
grep -q '<p class="verdict fail">FAIL' "$cases/wrong-expectation.html" ||
  { echo "FAIL: the wrong expectation's report shows no FAIL"; exit 1; }

exec node "$source_dir/tools/report-check/check.mjs" --modules "$modules" \
  --chromium "$chromium" --screenshots "$screenshots" --widths 800,1400 "${arguments[@]}"
