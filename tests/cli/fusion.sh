#!/usr/bin/env bash
# voxomics cv --block ... --fusion early|late (multimodal prediction):
#  - the small table of scripts/fusion_reference.py with its given outer and inner folds: late fusion's fold AUCs
#    equal scikit-learn's (0.84, 0.71, 0.79; pooled 0.778888...) to 1e-6, each block alone equals plain `cv` on its
#    columns, the JSON has blocks / fused / delong;
#  - NSCLC EGFR end to end ($VOXOMICS_DATA): imaging (CaPTk), genomic (RNA-seq, genes as rows: --join-by-rows)
#    and clinical blocks, early and late fusion, AUCs and DeLong p present;
#  - wrong command lines exit 2 or 1 with a message.
set -euo pipefail
vx="$1"
D="${VOXOMICS_DATA:-$VX_SOURCE_DIR/../shared}/stats/nsclc_radiogenomics"
S="$VX_SOURCE_DIR/tests/data/stats"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }
PY=/usr/bin/python3
num() { "$PY" -c "import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
"$vx" cv "$S/fusion_data.csv" --id id --label y --block imaging=a1,a2,a3,a4 --block genomic=g1,g2,g3 \
    --fusion late --folds-from "$S/fusion_data.csv:outer" --inner-folds-from "$S/fusion_data.csv:inner1,inner2,inner3" \
    --json late.json -q
"$vx" cv "$S/fusion_data.csv" --id id --label y --features a1,a2,a3,a4 --folds-from "$S/fusion_data.csv:outer" \
    --json img.json -q
if [ -x "$PY" ] && "$PY" -c 'import json' 2>/dev/null; then
    "$PY" - late.json img.json <<'PYEOF' || fail "late fusion JSON differs from the reference"
import json, sys
j = json.load(open(sys.argv[1])); c = json.load(open(sys.argv[2]))
ref = [0.84000000000000008, 0.70999999999999996, 0.79000000000000004]
assert all(abs(a - r) < 1e-6 for a, r in zip(j["fused"]["auc_folds"], ref)), j["fused"]["auc_folds"]
assert abs(j["fused"]["pooled"][0] - 0.77888888888888885) < 1e-6
assert [b["name"] for b in j["blocks"]] == ["imaging", "genomic"] and j["blocks"][0]["features"] == 4
assert j["blocks"][0]["auc_folds"] == c["auc_folds"] and j["blocks"][0]["pooled"] == c["auc_pooled"]
assert len(j["delong"]) == 2 and all(0 < d["p"] < 1 and d["b"] == "fused" for d in j["delong"])
PYEOF
fi
# NSCLC EGFR: imaging, genomic (transposed RNA-seq) and clinical blocks
head -1 "$D/captk_features.csv" | tr , '\n' | tail -n +2 >imaging.txt
{ echo "# genes"; cut -d, -f1 "$D/rnaseq_top1000var_log10_zscore.csv" | tail -n +2; } >genomic.txt
for f in early late; do
    "$vx" cv "$D/captk_features.csv" --id SubjectID --join "$D/clinical_covariates.csv" \
        --join-by-rows "$D/rnaseq_top1000var_log10_zscore.csv" --label egfr-mut --where 'egfr-mut!=nan' \
        --missing impute-median --block imaging=@imaging.txt --block genomic=@genomic.txt \
        --block clinical=age,sex,smoking --fusion $f --folds 5 --seed 1 --json egfr_$f.json -q
    grep -q '"fusion":[[:space:]]*"'$f'"' egfr_$f.json || fail "$f: no fusion setting"
    grep -q '"samples":[[:space:]]*101' egfr_$f.json || fail "$f: 101 samples expected"
    [ "$(grep -c '"p":' egfr_$f.json)" -eq 3 ] || fail "$f: 3 DeLong tests expected"
done
grep -q '"features":[[:space:]]*1000' egfr_late.json || fail "genomic block: 1000 genes expected"
set +e
"$vx" cv "$S/fusion_data.csv" --id id --label y --block imaging --json x.json 2>err.txt
[ $? -eq 1 ] && grep -q "NAME=@FILE" err.txt || fail "--block without '=': exit 1 with a message"
"$vx" cv "$S/fusion_data.csv" --id id --label y --block a=nosuch --json x.json 2>err.txt
[ $? -eq 1 ] && grep -q "nosuch" err.txt || fail "unknown block column: exit 1 naming it"
"$vx" cv "$S/fusion_data.csv" --id id --label y --block a=a1 --fusion middle --json x.json 2>err.txt
[ $? -eq 1 ] && grep -q "early or late" err.txt || fail "--fusion middle: exit 1"
"$vx" cv "$S/fusion_data.csv" --id id --label y --block a=@nosuch.txt --json x.json 2>err.txt
[ $? -eq 1 ] && grep -q "nosuch.txt" err.txt || fail "missing @FILE: exit 1"
echo "fusion: ok"
