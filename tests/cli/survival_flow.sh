#!/usr/bin/env bash
# The survival study workflow end to end (issue 16): cv, train, predict and evaluate with --time / --event on the
# NSCLC radiogenomics cohort ($VOXOMICS_DATA/stats/nsclc_radiogenomics: CaPTk features joined with the clinical
# table), three features, the folds of tests/data/stats/surv_flow_folds.csv; the reference numbers are R's
# (scripts/survival_flow_reference.R, tests/data/stats/surv_flow_pred_r.csv):
#  - cv --model cox --folds-from: Harrell's C of each fold and pooled = concordance() of coxph fits per fold;
#  - train on folds 1-4 records the outcome and its columns; predict fold 5 --at 365,1095: risk = the linear
#    predictor and surv_365, surv_1095 = survfit(coxph fit, newdata) to 1e-9;
#  - evaluate --cutoff-from the training predictions: Harrell's C, Uno's C (concordance, timewt "n/G2"), the
#    time-dependent AUC and Brier scores at 365 and 1095 days (riskRegression::Score), the integrated Brier score
#    (pec::ibs), the cutoff and the risk groups' log-rank = R's;
#  - refusals: a Cox model without --time, a classifier with --time, a selection that needs a label, --tune.
set -euo pipefail
vx="$1"
src="$VX_SOURCE_DIR/tests/data/stats"
D="${VOXOMICS_DATA:-$VX_SOURCE_DIR/../shared}/stats/nsclc_radiogenomics"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }
F=T1_ED_Intensity_Mean,T1_ED_Volumetric_Volume,T1_ED_Intensity_Skewness
rows=(--id SubjectID --join "$D/clinical_covariates.csv" --join "$src/surv_flow_folds.csv" -q)
common=("${rows[@]}" --features "$F")
nums() { grep "\"$1\"" "$2" | head -1 | sed 's/.*\[//; s/\].*//; s/,/ /g'; }
close() { # close GOT WANT TOL: every pair of numbers within TOL (1 + |want|)
    awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { n = split(g, a, " "); if (n != split(w, b, " ") || n == 0) exit 1
        for (i = 1; i <= n; i++) { e = a[i] - b[i]; if (e < 0) e = -e; r = b[i] < 0 ? -b[i] : b[i]
                                   if (e > t * (1 + r)) exit 1 } }'
}

"$vx" cv "$D/captk_features.csv" "${common[@]}" --time days --event event --model cox \
    --folds-from "$src/surv_flow_folds.csv:fold" --json cv.json || fail "cv exit $?"
close "$(nums c_index_folds cv.json)" "0.45454545454545459 0.67475728155339809 0.8214285714285714 0.5535714285714286 0.32400000000000007" 1e-12 ||
    fail "cv fold C $(nums c_index_folds cv.json)"
close "$(nums c_index_pooled cv.json)" "0.52173034162118448" 1e-12 || fail "pooled C $(nums c_index_pooled cv.json)"
grep -q '"metric":.*"Harrell' cv.json || fail "cv settings.metric"
# stratified folds by the event, seeded
"$vx" cv "$D/captk_features.csv" "${common[@]}" --time days --event event --model cox --select cox --k 2 \
    --folds 4 --repeats 2 --seed 3 --json cv2.json || fail "cv stratified exit $?"
[ "$(nums c_index_folds cv2.json | wc -w)" = 8 ] || fail "8 fold C-indexes expected"

"$vx" train "$D/captk_features.csv" "${common[@]}" --where 'fold!=5' --time days --event event --model cox \
    -o model.json || fail "train exit $?"
grep -q '"outcome":.*"time-to-event"' model.json || fail "model file: outcome"
grep -q '"time":.*"days"' model.json && grep -q '"event":.*"event"' model.json || fail "model file: columns"
"$vx" predict model.json "$D/captk_features.csv" "${rows[@]}" --where fold=5 --at 365,1095 -o test.csv ||
    fail "predict exit $?"
"$vx" predict model.json "$D/captk_features.csv" "${rows[@]}" --where 'fold!=5' -o train.csv ||
    fail "predict (training rows) exit $?"
head -1 test.csv | grep -q '^SubjectID,risk,surv_365,surv_1095,days,event' || fail "predict header $(head -1 test.csv)"
col() { awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { printf "%s ", $k }' "$1"; }
close "$(col test.csv risk)" "$(col "$src/surv_flow_pred_r.csv" days_efron_lp)" 1e-9 || fail "risk != R's lp"
close "$(col test.csv surv_365)" "$(col "$src/surv_flow_pred_r.csv" days_efron_s1)" 1e-9 || fail "surv_365 != survfit"
close "$(col test.csv surv_1095)" "$(col "$src/surv_flow_pred_r.csv" days_efron_s2)" 1e-9 || fail "surv_1095 != survfit"
"$vx" train "$D/captk_features.csv" "${common[@]}" --where 'fold!=5' --time days --event event --model coxnet \
    --lambda 0.01 -o coxnet.json || fail "coxnet train exit $?"
grep -q '"lambda":.*0.01' coxnet.json || fail "coxnet model file: lambda"

"$vx" evaluate test.csv --time days --event event --score risk --at 365,1095 --surv-prob surv_ \
    --cutoff-from train.csv --json eval.json -q || fail "evaluate exit $?"
val() { grep "\"$1\":" eval.json | head -1 | sed 's/.*://; s/,$//'; }
close "$(val c_index)" 0.32400000000000007 1e-12 || fail "evaluate C"
close "$(val c_index_uno)" 0.41451289129094615 1e-12 || fail "Uno's C $(val c_index_uno)"
close "$(nums td_auc eval.json)" "0.2578392621870883 0.23987745284446371" 1e-12 || fail "td AUC"
close "$(nums brier eval.json)" "0.074987492357361546 0.20234424904024828" 1e-12 || fail "Brier"
close "$(val integrated_brier)" 0.074987492357361546 1e-12 || fail "integrated Brier"
close "$(val logrank_chisq)" 5.4282602001052744 1e-9 || fail "log-rank"
close "$(val cutoff)" -0.02953436629782891 1e-9 || fail "cutoff"

# refusals, each naming the problem
expect() { # expect CODE TEXT ARGS...: the exit status and a message containing TEXT
    local code=$1 text=$2 rc=0
    shift 2
    "$vx" "$@" 2>err.txt >/dev/null || rc=$?
    [ "$rc" = "$code" ] || fail "$* exit $rc (want $code)"
    grep -q "$text" err.txt || fail "$*: $(cat err.txt)"
}
expect 1 "needs a survival outcome" cv "$D/captk_features.csv" "${common[@]}" --label event --model cox --json x.json
expect 1 "needs --model cox or coxnet" cv "$D/captk_features.csv" "${common[@]}" --time days --event event --json x.json
expect 1 "tests a binary label" train "$D/captk_features.csv" "${common[@]}" --time days --event event \
    --model cox --select univariate -o x.json
expect 1 "tuning" cv "$D/captk_features.csv" "${common[@]}" --time days --event event --model cox \
    --tune C=1,2 --json x.json
"$vx" train "$D/captk_features.csv" "${common[@]}" --label event --model logreg -o logreg.json || fail "logreg"
expect 1 "not a survival model" predict logreg.json "$D/captk_features.csv" "${rows[@]}" --at 365 -o x.csv
echo "survival flow: ok"
