#!/usr/bin/env bash
# PyRadiomics' mask checks in a cohort run with a PyRadiomics parameter file (compat pyradiomics): a case that
# fails minimumROISize, or whose mask lies off the image grid beyond geometryTolerance, is a failed case whose
# message names the case, the files, the check and the fix; with correctMask the shifted mask is resampled onto
# the image grid and the case runs. (Values: tests/unit/test_pyrad_prep.c.)
set -euo pipefail
vx="$1"
data=${VOXOMICS_DATA:-$VX_SOURCE_DIR/../shared}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
img="$data/pyradiomics/brain1_image.nrrd"
lab="$data/pyradiomics/brain1_label.nrrd"
# the label map with its origin moved by 0.4 mm along x (the header is text; the data stay as they are)
python3 - "$lab" "$T/shifted.nrrd" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
old = b"space origin: (-99.609374999999986,"
assert old in b
open(sys.argv[2], "wb").write(b.replace(old, b"space origin: (-99.209374999999986,", 1))
PY
printf 'id,image,mask\nsmall,%s,%s\n' "$img" "$lab" > "$T/cases.csv"
printf 'id,image,mask\nshifted,%s,%s\n' "$img" "$T/shifted.nrrd" > "$T/shifted.csv"
printf 'imageType:\n  Original: {}\nfeatureClass:\n  firstorder:\nsetting:\n  minimumROISize: 5000\n' > "$T/size.yaml"
printf 'imageType:\n  Original: {}\nfeatureClass:\n  firstorder:\n' > "$T/plain.yaml"
printf 'imageType:\n  Original: {}\nfeatureClass:\n  firstorder:\nsetting:\n  correctMask: true\n' > "$T/correct.yaml"

if "$vx" extract --config "$T/size.yaml" --cohort "$T/cases.csv" -j 1 -o "$T/a.csv" 2> "$T/a.err"; then
    fail "minimumROISize 5000 accepted a 4137-voxel ROI"
fi
for w in "case 'small'" "$img" "$lab" "4137 voxels" "minimumROISize 5000" "lower minimumROISize"; do
    grep -qF "$w" "$T/a.err" || fail "minimumROISize message lacks '$w': $(cat "$T/a.err")"
done

if "$vx" extract --config "$T/plain.yaml" --cohort "$T/shifted.csv" -j 1 -o "$T/b.csv" 2> "$T/b.err"; then
    fail "a mask 0.4 mm off the image grid was accepted without correctMask"
fi
for w in "case 'shifted'" "shifted.nrrd" "geometryTolerance" "correctMask true"; do
    grep -qF "$w" "$T/b.err" || fail "geometry message lacks '$w': $(cat "$T/b.err")"
done

"$vx" extract -q --config "$T/correct.yaml" --cohort "$T/shifted.csv" -j 1 -o "$T/c.csv" 2> "$T/c.err" ||
    fail "correctMask did not resample the shifted mask: $(cat "$T/c.err")"
grep -q "original_firstorder_Mean" "$T/c.csv" || fail "no firstorder column with correctMask"
echo "ok"
