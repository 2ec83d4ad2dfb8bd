#!/usr/bin/env bash
# The scikit-learn parity options end to end (issue 15), on the committed tables of tests/data/stats
# (scripts/sklearn_parity_reference.py):
#  - cv --folds-from and --inner-folds-from with --tune C=...: the C chosen and the fold AUCs equal
#    GridSearchCV(cv=PredefinedSplit) inside scikit-learn's outer folds (sklearn_parity_auc.csv, logreg-nested);
#    a wrong number of inner columns is an error naming the expected layout;
#  - a 3-class label: cv reports the classes and the one-vs-rest macro AUCs of OneVsRestClassifier
#    (logreg-ovr); train + predict write predicted and one probability column per class, summing to 1;
#  - --preset sklearn: gbm's model file records criterion friedman_mse and the prior base score; settings keep
#    the parameters.
set -euo pipefail
vx="$1"
src="$VX_SOURCE_DIR/tests/data/stats"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }
# data with an ID column (r0, r1, ...)
awk 'NR == 1 { print "id," $0; next } { print "r" NR - 2 "," $0 }' "$src/sklearn_parity_data_pltn.csv" >pltn.csv
awk -F, 'NR == 1 { print "id,outer,inner0,inner1,inner2,inner3,inner4"; next }
         { $1 = "r" $1; print }' OFS=, "$src/sklearn_parity_inner_pltn.csv" >folds.csv
ref() { awk -F, -v t="$1" -v m="$2" '$1 == t && $2 == m { printf "%s ", $4 }' "$src/sklearn_parity_auc.csv"; }
nums() { # the numbers of a one-line JSON array member
    grep "\"$1\"" "$2" | head -1 | sed 's/.*\[//; s/\].*//; s/,/ /g'
}
"$vx" cv pltn.csv --label y --folds-from folds.csv:outer \
    --inner-folds-from folds.csv:inner0,inner1,inner2,inner3,inner4 --tune C=0.01,0.1,1,10 --json nested.json -q ||
    fail "nested cv with --inner-folds-from exit $?"
got=$(nums auc_folds nested.json) want=$(ref pltn logreg-nested)
gotC=$(nums C nested.json) wantC=$(ref pltn logreg-nested-C)
awk -v g="$got" -v w="$want" -v gc="$gotC" -v wc="$wantC" 'BEGIN {
    n = split(g, a, " "); split(w, b, " "); split(gc, c, " "); split(wc, d, " ")
    if (n != 5) exit 1
    for (i = 1; i <= n; i++) { e = a[i] - b[i]; if (e < 0) e = -e; if (e > 0.003 || c[i] != d[i]) exit 1 }
}' || fail "nested cv: AUC $got C $gotC, scikit-learn AUC $want C $wantC"
grep -q '"inner_fold_source":.*folds.csv:inner0' nested.json || fail "settings.inner_fold_source missing"
if "$vx" cv pltn.csv --label y --folds-from folds.csv:outer --inner-folds-from folds.csv:inner0,inner1 \
    --tune C=0.1,1 --json bad.json 2>err.txt; then fail "2 inner columns for 5 outer folds accepted"; fi
grep -q "one column per outer fold" err.txt || fail "wrong inner column count: $(cat err.txt)"

# three classes
awk 'NR == 1 { print "id," $0; next } { print "s" NR - 2 "," $0 }' "$src/sklearn_parity_data_3class.csv" |
    sed 's/,0$/,adeno/; s/,1$/,large/; s/,2$/,squamous/' >three.csv
awk -F, 'NR == 1 { print "id,fold"; next } { print "s" $1 "," $2 }' "$src/sklearn_parity_folds_3class.csv" >f3.csv
"$vx" cv three.csv --label y --folds-from f3.csv:fold --json three.json -q || fail "3-class cv exit $?"
got=$(nums auc_folds three.json) want=$(ref 3class logreg-ovr)
awk -v g="$got" -v w="$want" 'BEGIN { n = split(g, a, " "); split(w, b, " "); if (n != 5) exit 1
    for (i = 1; i <= n; i++) { e = a[i] - b[i]; if (e < 0) e = -e; if (e > 0.003) exit 1 } }' ||
    fail "3-class cv: macro AUC $got, scikit-learn $want"
grep -q '"classes":.*"adeno", "large", "squamous"' three.json || fail "settings.classes missing"
grep -q '"metric":.*one-vs-rest macro AUC' three.json || fail "settings.metric missing"
"$vx" train three.csv --label y --model svm -o m3.json -q || fail "3-class train exit $?"
"$vx" predict m3.json three.csv -o p3.csv -q || fail "3-class predict exit $?"
head -1 p3.csv | grep -qx 'id,predicted,probability_adeno,probability_large,probability_squamous,y' ||
    fail "3-class predict header: $(head -1 p3.csv)"
awk -F, 'NR > 1 { s = $3 + $4 + $5; if (s < 1 - 1e-12 || s > 1 + 1e-12) exit 1 }' p3.csv ||
    fail "3-class probabilities do not sum to 1"
if "$vx" cv three.csv --label y --positive adeno --json x.json 2>err.txt; then fail "--positive with 3 classes"; fi

# the scikit-learn preset
"$vx" train pltn.csv --label y --model gbm --preset sklearn -o gbm.json -q || fail "gbm preset train exit $?"
grep -q '"criterion":.*"friedman_mse"' gbm.json || fail "gbm preset: criterion not recorded"
grep -q '"base_score":.*-1' gbm.json || fail "gbm preset: prior base score not recorded"
"$vx" predict gbm.json pltn.csv -o pg.csv -q || fail "gbm preset predict exit $?"
"$vx" cv pltn.csv --label y --model rf --preset sklearn --trees 50 --folds 3 --json rf.json -q ||
    fail "rf preset cv exit $?"
grep -q '"bootstrap":.*true' rf.json || fail "rf preset: settings.model_params.bootstrap"
grep -q '"preset":.*"sklearn"' rf.json || fail "rf preset: settings.model_params.preset"
if "$vx" cv pltn.csv --label y --model gbm --criterion friedman_mse --json x.json 2>err.txt; then
    fail "friedman_mse with XGBoost's base score accepted"
fi
grep -q "base_score prior" err.txt || fail "friedman_mse error: $(cat err.txt)"
echo "scikit-learn parity options: nested, 3-class, presets ok"
