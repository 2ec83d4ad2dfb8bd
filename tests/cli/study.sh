#!/usr/bin/env bash
# voxomics study end to end on the NSCLC radiogenomics data ($VOXOMICS_DATA): a small study (harmonization by
# manufacturer, mRMR selection) runs and writes study.json and each step's JSON and CSV; a second run skips every
# step; a changed setting reruns only that step; --check accepts the file and names an unknown key by
# file:line:key with the nearest known key (exit 1, nothing written); the shipped example passes --check's YAML
# and path checks (its other steps' keys are checked by their own steps); a wrong command line exits 2.
set -euo pipefail
vx="$1"
export VOXOMICS_DATA="${VOXOMICS_DATA:-$VX_SOURCE_DIR/../shared}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }
study() {
    cat >s.yaml <<YAML
title: small study
inputs:
  features: \${VOXOMICS_DATA}/stats/nsclc_radiogenomics/captk_features.csv
  id: SubjectID
  clinical:
    path: \${VOXOMICS_DATA}/stats/nsclc_radiogenomics/clinical_covariates.csv
  batch:
    path: \${VOXOMICS_DATA}/stats/nsclc_radiogenomics/ct_acquisition_parameters.csv
    id: clc
outcome:
  label: egfr-mut
steps:
  harmonization:
    batch: Manufacturer
    min_batch_size: 5
  selection:
    method: $1
    k: 5
YAML
}
study mrmr
"$vx" study s.yaml --check 2>err.txt || fail "--check: $(cat err.txt)"
[ ! -e out ] || fail "--check wrote something"
run() {
    "$vx" study s.yaml -o out 2>err.txt || fail "study: $(cat err.txt)"
    [ -s out/report.html ] || fail "study: no out/report.html"
}
run
grep -q '^voxomics study: harmonization: ran in [0-9.]* s$' err.txt || fail "first run: $(cat err.txt)"
grep -q '^voxomics study: selection: ran in' err.txt || fail "first run: $(cat err.txt)"
for f in out/study.json out/harmonization.json out/selection.json out/harmonization/features.csv \
    out/selection/selected.csv; do
    [ -s "$f" ] || fail "no $f"
done
[ "$(($(wc -l <out/selection/selected.csv) - 1))" -eq 5 ] || fail "selected.csv: 5 features expected"
run
grep -q '^voxomics study: harmonization: skipped (unchanged)$' err.txt || fail "second run: $(cat err.txt)"
grep -q '^voxomics study: selection: skipped (unchanged)$' err.txt || fail "second run: $(cat err.txt)"
grep -q ' ran in ' err.txt && fail "second run ran a step: $(cat err.txt)"
study univariate
run
grep -q '^voxomics study: harmonization: skipped' err.txt || fail "changed selection: $(cat err.txt)"
grep -q '^voxomics study: selection: ran in' err.txt || fail "changed selection: $(cat err.txt)"
sed 's/    k: 5/    kk: 5/' s.yaml >u.yaml
set +e
"$vx" study u.yaml -o out2 2>err.txt
[ $? -eq 1 ] || fail "unknown key: exit 1 expected"
grep -qx "voxomics study: u.yaml:18: unknown key 'kk' in steps.selection (known: method, k, alpha, threshold, welch, miq, folds, seed)" err.txt ||
    fail "unknown key message: $(cat err.txt)"
[ ! -e out2 ] || fail "a refused study wrote out2"
sed 's/^outcome:/outcom:/' s.yaml >v.yaml
"$vx" study v.yaml --check 2>err.txt
[ $? -eq 1 ] || fail "unknown top-level key: exit 1 expected"
grep -q "v.yaml:10: unknown key 'outcom' in the top level .*did you mean 'outcome'?" err.txt ||
    fail "top-level message: $(cat err.txt)"
"$vx" study 2>/dev/null
[ $? -eq 2 ] || fail "no study file: exit 2 expected"
"$vx" study s.yaml 2>/dev/null
[ $? -eq 2 ] || fail "no -o: exit 2 expected"
"$vx" study s.yaml -o out --frobnicate 2>/dev/null
[ $? -eq 2 ] || fail "unknown option: exit 2 expected"
set -e
echo "study: ok"
