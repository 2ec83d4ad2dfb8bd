#!/usr/bin/env bash
# voxomics regress end to end on the NSCLC radiogenomics data ($VOXOMICS_DATA):
#  - the first 50 genes of the RNA-seq (genes as rows) from the 102 CaPTk features, the folds of
#    tests/data/stats/regress_folds.csv (--folds-from): out-of-fold r of ridge (alpha 10), PLS (2 components) and the
#    elastic net (alpha 0.1, l1_ratio 0.5) equal to scikit-learn's (tests/data/stats/regress_sklearn.csv,
#    scripts/regress_reference.py) to 1e-10, n equal (genes with missing cells use their complete patients);
#  - permutations: p in [1/(1+N), 1], q >= p, the same seed gives the same file; the JSON summary has the mean and
#    median r and the count of r > 0.3, equal to those of the CSV;
#  - wrong command lines exit 2, a missing file 1.
set -euo pipefail
vx="$1"
N="${VOXOMICS_DATA:-$VX_SOURCE_DIR/../shared}/stats/nsclc_radiogenomics"
ref="$VX_SOURCE_DIR/tests/data/stats/regress_sklearn.csv"
folds="$VX_SOURCE_DIR/tests/data/stats/regress_folds.csv:fold"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }
head -51 "$N/rnaseq_top1000var_log10_zscore.csv" >rna50.csv
F="$N/captk_features.csv"
check() { # model param -> compare out.csv with the reference rows
    awk -F, -v m="$1" -v p="$2" 'NR == FNR { if (FNR > 1) { n[$1] = $2; r[$1] = $3 }; next }
        $1 == m && $2 == p { k++; d = r[$3] - $5; if (d < 0) d = -d
            if (!($3 in r) || d > 1e-10 || n[$3] != $4) { print $0, n[$3], r[$3]; bad = 1 } }
        END { if (k != 50) { print "matched", k; bad = 1 }; exit bad }' out.csv "$ref" ||
        fail "$1 $2: r differs from scikit-learn"
}
"$vx" regress "$F" rna50.csv --targets-by-rows --id SubjectID --model ridge --alpha 10 --folds-from "$folds" \
    -o out.csv -q
[ "$(head -1 out.csv)" = target,n,r,p,q ] || fail "header $(head -1 out.csv)"
[ "$(wc -l <out.csv)" -eq 51 ] || fail "$(wc -l <out.csv) lines, 51 expected"
check ridge 10.0
"$vx" regress "$F" rna50.csv --targets-by-rows --id SubjectID --model pls --components 2 --folds-from "$folds" \
    -o out.csv -q
check pls 2
"$vx" regress "$F" rna50.csv --targets-by-rows --id SubjectID --model enet --alpha 0.1 --l1-ratio 0.5 \
    --folds-from "$folds" -o out.csv -q
check enet 0.1/0.5
# permutations, seeded folds, the summary
for i in 1 2; do
    "$vx" regress "$F" rna50.csv --targets-by-rows --id SubjectID --model ridge --alpha 10 --folds 5 --seed 4 \
        --permutations 99 -o p$i.csv --json s$i.json -q
done
cmp -s p1.csv p2.csv || fail "the same seed gave different files"
awk -F, 'NR > 1 && ($4 < 0.01 - 1e-12 || $4 > 1 || $5 < $4 - 1e-15 || $5 > 1) { bad = 1; print } END { exit bad }' \
    p1.csv || fail "p or q out of range"
python3 - s1.json p1.csv <<'EOF' || fail "the JSON summary does not match the CSV"
import json, sys, statistics
s = json.load(open(sys.argv[1]))
r = [float(l.split(",")[2]) for l in open(sys.argv[2]).read().splitlines()[1:]]
assert s["targets"] == 50 and s["samples"] == 127 and s["features"] == 102, s
assert abs(s["mean_r"] - sum(r) / len(r)) < 1e-12 and abs(s["median_r"] - statistics.median(r)) < 1e-12, s
assert s["targets_r_above_0.3"] == sum(x > 0.3 for x in r), s
assert s["settings"]["model"] == "ridge" and s["settings"]["permutations"] == 99, s
EOF
set +e
"$vx" regress "$F" -o x.csv 2>/dev/null; [ $? -eq 2 ] || fail "one table: exit 2 expected"
"$vx" regress "$F" rna50.csv --model lasso -o x.csv 2>/dev/null; [ $? -eq 2 ] || fail "--model lasso: exit 2"
"$vx" regress "$F" rna50.csv --targets-by-rows --id SubjectID --alpha 0 -o x.csv 2>/dev/null
[ $? -eq 2 ] || fail "ridge --alpha 0: exit 2 expected"
"$vx" regress nosuch.csv rna50.csv -o x.csv 2>/dev/null; [ $? -eq 1 ] || fail "missing file: exit 1"
"$vx" regress "$F" rna50.csv --targets-by-rows --id SubjectID --folds-from nofile.csv:fold -o x.csv 2>/dev/null
[ $? -eq 1 ] || fail "missing folds file: exit 1"
set -e
echo "regress: ridge, PLS and the elastic net equal scikit-learn's r on 50 genes"
