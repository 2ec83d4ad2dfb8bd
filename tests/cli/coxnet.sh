#!/usr/bin/env bash
# voxomics coxnet end to end (issue 16) on NSCLC radiogenomics: the 8 CaPTk features of the coxnet tests, the
# censored times moved 0.5 day later (see tests/unit/test_survival_metrics.c), the folds R drew
# (tests/data/stats/coxnet_cv_foldid.csv, 0-based: --foldid-from shifts them to start at 0 anyway) give
# cv.glmnet's lambda.min and lambda.1se and its cvm per lambda (tests/data/stats/coxnet_cv_glmnet.csv, from
# scripts/survival_metrics_reference.R) for the deviance and for C; -o writes the coefficients at both; drawn
# folds are reproducible from the seed; bad options are usage errors (exit 2), a missing fold a data error (1).
set -euo pipefail
vx="$1"
ref="$VX_SOURCE_DIR/tests/data/stats"
D="${VOXOMICS_DATA:-$VX_SOURCE_DIR/../shared}/stats/nsclc_radiogenomics"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }
awk -F, 'NR == 1 { print "SubjectID,days,event"; next } { print $1 "," ($2 == 1 ? $3 : $3 + 0.5) "," $2 }' \
    "$D/clinical_covariates.csv" >surv.csv
cov=""
for f in T1_ED_Intensity_Mean T1_ED_Intensity_StandardDeviation T1_ED_Intensity_Skewness T1_ED_Intensity_Kurtosis \
    T1_ED_Volumetric_Volume T1_ED_Morphologic_EllipseDiameter \
    T1_ED_GLSZM_Bins-20_Radius-1_LargeZoneLowGreyLevelEmphasis T1_ED_Intensity_Energy; do
    cov="$cov --covariate $f"
done
run() { "$vx" coxnet "$D/captk_features.csv" --id SubjectID --join surv.csv --time days --event event $cov -q "$@"; }
num() { grep "\"$1\":" "$2" | head -1 | sed 's/.*:[[:space:]]*//; s/,$//'; }
arr() { grep "\"$1\":" "$2" | head -1 | sed 's/.*\[//; s/\].*//' | tr ',' '\n' | tr -d ' \t'; } # one a line
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t * (b < 0 ? -b : b)) }'; }
# deviance: lambda.min index 25, lambda.1se 1; C: 4 and 3 (cv.glmnet)
for m in deviance:25:1:0.0102084646991364:0.0952044832515634:2 C:4:3:0.0720187002173167:0.0790404345740711:4; do
    IFS=: read -r meas imin i1se lmin l1se col <<<"$m"
    run --foldid-from "$ref/coxnet_cv_foldid.csv:fold" --measure "$meas" --json "$meas.json" -o "$meas.csv" ||
        fail "coxnet --measure $meas exit $?"
    [ "$(num index_min "$meas.json")" = "$imin" ] || fail "$meas: index_min $(num index_min "$meas.json"), R $imin"
    [ "$(num index_1se "$meas.json")" = "$i1se" ] || fail "$meas: index_1se $(num index_1se "$meas.json"), R $i1se"
    near "$(num lambda_min "$meas.json")" "$lmin" 1e-7 || fail "$meas: lambda_min $(num lambda_min "$meas.json")"
    near "$(num lambda_1se "$meas.json")" "$l1se" 1e-7 || fail "$meas: lambda_1se $(num lambda_1se "$meas.json")"
    arr cvm "$meas.json" >got.txt
    awk -F, -v c="$col" 'NR > 1 { print $c }' "$ref/coxnet_cv_glmnet.csv" >want.txt
    [ "$(wc -l <got.txt)" = 67 ] || fail "$meas: $(wc -l <got.txt) lambdas, R 67"
    paste got.txt want.txt | awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > 1e-6 * ($2 < 0 ? -$2 : $2)) bad++ }
        END { exit bad > 0 }' || fail "$meas: cvm differs from cv.glmnet"
    [ "$(head -1 "$meas.csv")" = "name,coef_min,hr_min,coef_1se,hr_1se" ] || fail "$meas: coefficient CSV header"
    [ "$(wc -l <"$meas.csv")" = 9 ] || fail "$meas: coefficient CSV rows"
done
# C at lambda.min: only the ellipse diameter, 0.00738379358306807 (cv.glmnet's coef(s = "lambda.min"))
c=$(awk -F, '$1 == "T1_ED_Morphologic_EllipseDiameter" { print $2 }' C.csv)
near "$c" 0.00738379358306807 1e-6 || fail "C: ellipse diameter coefficient $c"
# drawn folds: the same seed, the same result
run --folds 4 --seed 7 --json a.json && run --folds 4 --seed 7 --json b.json || fail "drawn folds exit $?"
cmp -s a.json b.json || fail "the same seed gave different results"
[ "$(num folds a.json)" = 4 ] || fail "folds $(num folds a.json)"
# errors
set +e
run --measure auc --json x.json 2>/dev/null; [ $? = 2 ] || fail "--measure auc is not a usage error"
run --folds 2 --json x.json 2>/dev/null; [ $? = 2 ] || fail "--folds 2 is not a usage error"
run --alpha 0 --json x.json 2>/dev/null; [ $? = 2 ] || fail "--alpha 0 is not a usage error"
head -100 "$ref/coxnet_cv_foldid.csv" >few.csv
msg=$(run --foldid-from few.csv --json x.json 2>&1); [ $? = 1 ] || fail "a missing fold is not a data error"
grep -q "no integer fold for" <<<"$msg" || fail "missing fold message: $msg"
"$vx" coxnet --help | grep -q -- "--foldid-from" || fail "--help lacks --foldid-from"
echo "coxnet: cv.glmnet's lambda.min, lambda.1se and cvm (deviance and C) reproduced"
