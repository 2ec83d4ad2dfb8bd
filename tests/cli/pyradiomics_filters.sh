#!/usr/bin/env bash
# A PyRadiomics parameter file with filtered image types (Original, LoG, Wavelet, Square, SquareRoot,
# Logarithm, Exponential, Gradient: $VOXOMICS_DATA/pyradiomics/filters/params.yaml) runs on a cohort (brain1
# twice) and names its columns as PyRadiomics does: every feature column of the wide table is one of the
# 1,502 names of PyRadiomics' own output for that file (filters/reference_brain1.csv), every image type of
# that output is there, and both cases have a value in every column. (The values of filtered images follow
# the IBSI 2 filters, not PyRadiomics' implementations: issue "PyRadiomics parity".)
set -euo pipefail
vx="$1"
data=${VOXOMICS_DATA:-$VX_SOURCE_DIR/../shared}
ref="$data/pyradiomics/filters/reference_brain1.csv"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
printf 'id,image,mask\nb1,%s,%s\nb2,%s,%s\n' "$data/pyradiomics/brain1_image.nrrd" "$data/pyradiomics/brain1_label.nrrd" \
    "$data/pyradiomics/brain1_image.nrrd" "$data/pyradiomics/brain1_label.nrrd" > "$T/cases.csv"
"$vx" extract -q --config "$data/pyradiomics/filters/params.yaml" --cohort "$T/cases.csv" -j 1 -o "$T/table.csv" \
    || fail "the cohort run failed"
# (compatibility mode copies the cases file's columns, id, image and mask here, and writes PyRadiomics'
# diagnostics_* columns: neither is a feature column; tests/cli/pyradiomics_output.sh checks them)
head -1 "$T/table.csv" | tr ',' '\n' | grep -v -x -e case -e roi -e error -e voxomics_version -e settings_sha256 \
    -e image_sha256 -e mask_sha256 -e id -e image -e mask | grep -v '^diagnostics_' > "$T/ours.txt"
tail -n +2 "$ref" | cut -d, -f1 | sort > "$T/theirs.txt"
n=$(wc -l < "$T/ours.txt")
[ "$n" -gt 0 ] || fail "no feature column"
extra=$(sort "$T/ours.txt" | comm -23 - "$T/theirs.txt")
[ -z "$extra" ] || fail "columns PyRadiomics does not write: $(echo "$extra" | head -5 | paste -sd' ')"
for t in $(cut -d_ -f1 "$T/theirs.txt" | sort -u); do
    grep -q "^${t}_" "$T/ours.txt" || fail "image type $t missing"
done
types=$(cut -d_ -f1 "$T/ours.txt" | sort -u | wc -l)
# every row has every value
awk -F, 'NR == 1 { n = NF; for (i = 1; i <= NF; i++) { if ($i == "error") e = i; if ($i == "roi") r = i }; next }
         { if (NF != n) exit 1; for (i = 1; i <= NF; i++) if (i != e && i != r && $i == "") exit 1 }' \
    "$T/table.csv" || fail "a row lacks values"
[ "$(tail -n +2 "$T/table.csv" | wc -l)" -eq 2 ] || fail "expected 2 rows"
echo "PyRadiomics filters: $n columns named as PyRadiomics names them, $types image types, 2 cases"
