#!/usr/bin/env bash
# The study report in headless Chromium (tests/browser/report_check.py): no console errors, nothing fetched or
# referenced outside the page, every plot drawn with a non-empty box, every number equal to its JSON source, a
# section with plots for every step with a result and none for the others; `voxomics report` rebuilds the same file from
# the folder without recomputing. On the example study (examples/nsclc_study.yaml) when it and `voxomics study`
# are there, and on a hand-written study folder (study.json only).
# Needs the test tier of the setup (chromium, chromium-driver, python3-selenium): a missing one FAILS the test.
# usage: report_browser.sh VOXOMICS   (CTest: cli_report_browser)
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
vx=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=${VX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PY=/usr/bin/python3
fail() { echo "FAIL: $*"; exit 1; }
need="run the project's setup with the test tier: bash scripts/setup.sh test (make setup-test; make test does it)"
[ -x /usr/bin/chromium ] || fail "chromium is missing: $need"
[ -x /usr/bin/chromedriver ] || fail "chromedriver (Debian package chromium-driver) is missing: $need"
{ [ -x "$PY" ] && "$PY" -c 'import selenium' 2>/dev/null; } || fail "python3-selenium is missing: $need"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

# check_folder DIR: the report of DIR rebuilt from the folder alone (the same bytes, each plot as a standalone
# SVG), then the browser check: cohort, RQS and provenance sections, a section with plots for every step with a
# JSON and none for the others.
check_folder() {
    local d="$1" s args=()
    [ -s "$d/report.html" ] || fail "no $d/report.html"
    "$vx" report "$d" -o "$d.rebuilt.html" --svg "$d.svg" -q
    cmp -s "$d/report.html" "$d.rebuilt.html" || fail "voxomics report $d rebuilt a different report.html"
    local nplots nsvg=0
    nplots=$( (grep -o '<figure class="vx-figure"' "$d.rebuilt.html" || true) | wc -l)
    [ -d "$d.svg" ] && nsvg=$(find "$d.svg" -type f -name '*.svg' | wc -l)
    [ "$nplots" -eq "$nsvg" ] || fail "$nplots plots in the page but $nsvg files in --svg $d.svg"
    for s in extraction reliability harmonization selection classification survival association gsea \
        imaging_to_omics; do
        if [ -f "$d/$s.json" ]; then
            args+=(--expect-section "$s")
            [ "$s" = extraction ] || args+=(--expect-plots-in "$s") # settings and the IBSI statement: no plot
        else
            args+=(--expect-no-section "$s")
        fi
    done
    "$PY" "$SRC/tests/browser/report_check.py" "$d" --screenshot "$d.png" --expect-section cohort \
        --expect-section rqs --expect-section provenance "${args[@]}" || fail "the report check of $d failed"
    [ -s "$d.png" ] || fail "no screenshot of $d"
}

# a hand-written study folder (study.json only): the page's own sections
mkdir -p out
cat >out/study.json <<'JSON'
{"voxomics_version": "0.0-test",
 "study": {"file": "s.yaml", "sha256": "5d41402abc4b2a76b9719d911017c592", "title": "Fixture & <study>",
           "description": "A hand-written study folder."},
 "inputs": [{"role": "features", "path": "f.csv", "sha256": "0a1b"},
            {"role": "clinical", "path": "c.csv", "sha256": "2c3d"}],
 "outcome": {"label": "egfr", "positive": "1", "time": "days", "event": "dead"},
 "cohort": {"n_features_rows": 120, "n_features": 57, "n_clinical_rows": 118, "n_joined": 116,
            "label_counts": {"0": 80, "1": 36}, "n_label_missing": 0, "n_events": 40, "n_censored": 76,
            "median_time": 734.5, "batches": {"GE": 60, "Siemens": 56}},
 "steps": [{"name": "selection", "state": "ran", "hash": "ab12", "seconds": 0.123456789}],
 "study_text": "title: Fixture\n"}
JSON
"$vx" report out -q
check_folder out

# the example study, when this tree has it
example="$SRC/examples/nsclc_study.yaml"
if [ -f "$example" ]; then
    "$vx" study "$example" -o ex -q || fail "voxomics study $example -o ex failed"
    check_folder ex
    echo "report_browser: the example study ($example) checked"
fi

# a study that extracts its features (four synthetic CT cases) and then keeps the reliable ones: the extraction
# section (settings, IBSI statement) and the ICC histogram. The repeated segmentations are made from the first
# run's features (a second rater within a few per cent), so the second run skips the extraction.
for i in 1 2 3 4; do
    "$vx" synth -o "syn$i" --size 40 --radius $((8 + 2 * i)) --seed "$i" -q
    echo "case$i,$T/syn$i/image.nii.gz,$T/syn$i/mask.nii.gz"
done | { echo "ID,Image,Mask"; cat; } >cases.csv
cat >xs.yaml <<YAML
title: Synthetic CT cases, extracted and screened for reliability
inputs:
  id: ID
steps:
  extraction:
    cohort: cases.csv
    config: $SRC/configs/examples/ct_3d.yaml
YAML
"$vx" study xs.yaml -o xs -q || fail "voxomics study xs.yaml (extraction) failed"
awk -F, 'NR == 1 { printf "row,patient,seg"; for (j = 2; j <= NF; j++) printf ",%s", $j; print ""; next }
         { for (r = 0; r < 2; r++) { printf "%s_%d,%s,%s", $1, r, $1, r ? "B" : "A"
             for (j = 2; j <= NF; j++) printf ",%.10g", $j * (r ? 1 + 0.04 * sin(NR * j) : 1); print "" } }' \
    xs/extraction/features.csv >long.csv
cat >>xs.yaml <<YAML
  reliability:
    table: long.csv
    subject: patient
    rater: seg
    type: ICC(3,1)
    threshold: 0.75
YAML
"$vx" study xs.yaml -o xs 2>xs.txt || fail "voxomics study xs.yaml (reliability) failed: $(cat xs.txt)"
grep -q "extraction: skipped" xs.txt || fail "the extraction was not skipped: $(cat xs.txt)"
check_folder xs
grep -q 'data-plot="histogram"' xs/report.html || fail "no ICC histogram in the extraction + reliability report"

# the checker catches what it must: a number that differs from its JSON, an external image and stylesheet,
# a script and a console error
mkdir bad
cp out/*.json bad/
sed -e '0,/data-value="[^"]*"/s//data-value="12345"/' \
    -e 's|</main>|<img src="https://example.org/x.png"><link rel="stylesheet" href="x.css"><script>console.error("boom")</script></main>|' \
    out/report.html >bad/report.html
if "$PY" "$SRC/tests/browser/report_check.py" bad >bad.txt 2>&1; then fail "the checker passed a tampered report"; fi
for w in "data-value 12345" "reference outside the page: IMG src=https://example.org/x.png" "<link>" \
    "console error: " "boom" "<script>"; do
    grep -qF "$w" bad.txt || { cat bad.txt; fail "the checker did not report: $w"; }
done
# the folder is not a study: exit 1 with a message
if "$vx" report "$T/nothing" 2>err.txt; then fail "report of a missing folder succeeded"; fi
grep -q "not a finished study folder" err.txt || fail "unexpected message: $(cat err.txt)"
"$vx" report 2>/dev/null && fail "report without OUTDIR succeeded" || [ $? -eq 2 ] || fail "usage error not 2"
echo "report_browser: ok"
