#!/usr/bin/env bash
# voxomics maps: help, one NIfTI per feature into the folder, the same bytes for 1 and 2 threads, the file's
# voxelSetting read, unmasked kernels (--unmasked, --masked-kernel false, maskedKernel false), command-line errors (exit 2) and run errors (exit 1, one line).
set -euo pipefail
vx="$1"
data="${VOXOMICS_DATA:-$VX_SOURCE_DIR/../shared}"
P="$data/ibsi/ibsi1/digital_phantom"
cfg="$VX_SOURCE_DIR/configs/ibsi1/digital_phantom.yaml"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$vx" maps --help | grep -q "^usage: voxomics maps" || fail "no usage"
"$vx" maps --help | grep -q -- "--kernel-radius" || fail "help lists no --kernel-radius"

"$vx" maps -q -c "$cfg" -o "$T/a" "$P/image.nii.gz" "$P/mask.nii.gz" 2>"$T/err" || fail "maps exit $?"
[ ! -s "$T/err" ] || fail "--quiet wrote: $(cat "$T/err")"
n=$(ls "$T/a" | wc -l)
[ "$n" -ge 150 ] || fail "only $n maps"
for f in stat_mean cm_contrast_3D_avg cm_contrast_3D_comb rlm_sre_3D_avg szm_sze_3D dzm_sde_3D ngt_coarseness_3D \
    ngl_lde_3D ih_mean; do
    [ -s "$T/a/$f.nii.gz" ] || fail "no map $f"
done
"$vx" maps -q -j 2 -c "$cfg" -o "$T/b" "$P/image.nii.gz" "$P/mask.nii.gz" || fail "maps -j 2 exit $?"
for f in "$T"/a/*.nii.gz; do cmp -s "$f" "$T/b/$(basename "$f")" || fail "$(basename "$f") differs for 2 threads"; done
"$vx" maps -q -r 2 --kernel sphere --init-value nan -c "$cfg" -o "$T/c" "$P/image.nii.gz" "$P/mask.nii.gz" ||
    fail "sphere exit $?"
cmp -s "$T/a/stat_mean.nii.gz" "$T/c/stat_mean.nii.gz" && fail "radius 2 sphere gives the radius 1 cube's map"

# a PyRadiomics parameter file: its voxelSetting is read (maskedKernel false: unmasked kernels, as --unmasked)
printf 'setting:\n  binWidth: 1\n  label: 1\nvoxelSetting:\n  kernelRadius: 1\n  maskedKernel: false\n  voxelBatch: 5\n' >"$T/p.yaml"
"$vx" maps -q -c "$T/p.yaml" -o "$T/d" "$P/image.nii.gz" "$P/mask.nii.gz" || fail "maskedKernel false: exit $?"
"$vx" maps -q --unmasked --voxel-batch 3 -c "$cfg" -o "$T/u" "$P/image.nii.gz" "$P/mask.nii.gz" || fail "--unmasked exit $?"
"$vx" maps -q --masked-kernel false -c "$cfg" -o "$T/v" "$P/image.nii.gz" "$P/mask.nii.gz" || fail "--masked-kernel exit $?"
for f in "$T"/u/*.nii.gz; do cmp -s "$f" "$T/v/$(basename "$f")" || fail "$(basename "$f"): --unmasked differs"; done
cmp -s "$T/a/stat_mean.nii.gz" "$T/u/stat_mean.nii.gz" && fail "unmasked kernels give the masked map"
printf 'setting:\n  binWidth: 1\n  label: 1\nvoxelSetting:\n  kernelRadius: 1\n  initValue: nan\n' >"$T/q.yaml"
"$vx" maps -q -c "$T/q.yaml" -o "$T/e" "$P/image.nii.gz" "$P/mask.nii.gz" || fail "PyRadiomics file exit $?"
[ -s "$T/e/original_glcm_Contrast.nii.gz" ] || fail "no PyRadiomics-named map: $(ls "$T/e" | head -3)"

expect() { # expect STATUS WORD ARGS...: exit status and a word of stderr
    local want=$1 word=$2
    shift 2
    set +e
    "$vx" maps "$@" 2>"$T/err" >/dev/null
    local rc=$?
    set -e
    [ $rc -eq "$want" ] || fail "maps $*: exit $rc, want $want"
    grep -q -- "$word" "$T/err" || fail "maps $*: '$word' not in: $(cat "$T/err")"
}
expect 2 "-o OUTDIR" -c "$cfg" "$P/image.nii.gz" "$P/mask.nii.gz"
expect 2 "IMAGE and MASK" -c "$cfg" -o "$T/f" "$P/image.nii.gz"
expect 2 "cube or sphere" -c "$cfg" -o "$T/f" --kernel ball "$P/image.nii.gz" "$P/mask.nii.gz"
expect 2 "kernel-radius" -c "$cfg" -o "$T/f" -r 0 "$P/image.nii.gz" "$P/mask.nii.gz"
expect 2 "true or false" -c "$cfg" -o "$T/f" --masked-kernel no "$P/image.nii.gz" "$P/mask.nii.gz"
expect 1 "nothere" -c "$cfg" -o "$T/f" "$T/nothere.nii.gz" "$P/mask.nii.gz"
echo "maps: ok ($n maps)"
