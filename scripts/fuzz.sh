#!/usr/bin/env bash
# voxomics: build the libFuzzer targets (clang, ASan + UBSan) and run every one of them on a seed corpus.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 30)
# Environment: FUZZ_BUILD (build folder, default build-fuzz), FUZZ_TARGETS (space-separated subset of the
# fuzz_* names, default all), FUZZ_JOBS (ninja jobs, default 2), FUZZ_RUNS (stop each target after this many
# executions instead, libFuzzer -runs=N; SECONDS_PER_TARGET then only bounds the time when it is given).
#
# Everything it writes stays in the build folder: seeds in $FUZZ_BUILD/fuzz-seeds/<target>/, the growing corpus
# in $FUZZ_BUILD/fuzz-corpus/<target>/ (kept between runs), findings in $FUZZ_BUILD/fuzz-artifacts/<target>/,
# logs in $FUZZ_BUILD/fuzz-logs/. Exit status 1 when a target does not build or finds a crash, leak, timeout or
# out-of-memory; the reproducer paths are printed (re-run one with: build-fuzz/fuzz/<target> <reproducer>).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -uo pipefail

SECS=${1:-}
RUNS=${FUZZ_RUNS:-}
[ -n "$SECS$RUNS" ] || SECS=30
case "$SECS" in *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2 ;; esac
case "$RUNS" in *[!0-9]*) echo "$0: FUZZ_RUNS must be a number of executions" >&2; exit 2 ;; esac
limits=()
[ -n "$SECS" ] && limits+=(-max_total_time="$SECS")
[ -n "$RUNS" ] && limits+=(-runs="$RUNS")
what=${RUNS:+$RUNS runs}${RUNS:+${SECS:+, at most }}${SECS:+${SECS}s}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${FUZZ_BUILD:-$ROOT/build-fuzz}
JOBS=${FUZZ_JOBS:-2}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export OMP_WAIT_POLICY=passive OMP_NUM_THREADS=1

if [ ! -f "$BUILD/build.ninja" ]; then
    CC=${CC:-clang}
    command -v "$CC" >/dev/null || { echo "fuzz.sh: $CC not found (libFuzzer needs clang)" >&2; exit 2; }
    CC=$CC cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVX_FUZZ=ON -DVX_SANITIZE=ON \
        || exit 2
fi

if [ -n "${FUZZ_TARGETS:-}" ]; then
    TARGETS=$FUZZ_TARGETS
else
    TARGETS=$(cd "$ROOT/fuzz" && ls fuzz_*.c 2>/dev/null | sed 's/\.c$//')
fi
[ -n "$TARGETS" ] || { echo "fuzz.sh: no fuzz/fuzz_*.c targets" >&2; exit 2; }

SEEDS=$BUILD/fuzz-seeds
mkdir -p "$SEEDS" "$BUILD/fuzz-corpus" "$BUILD/fuzz-artifacts" "$BUILD/fuzz-logs"

# ---- seeds ------------------------------------------------------------------------------------------------
# NRRD: attached files as they are; a detached header becomes "header with data file: d" + blank line + the
# data file's bytes (fuzz_nrrd writes the bytes after the first blank line to a file named d).
seed_nrrd() {
    local out=$SEEDS/fuzz_nrrd f df
    rm -rf "$out" && mkdir -p "$out"
    for f in "$ROOT"/tests/data/nrrd/*.nrrd; do
        [ -f "$f" ] && cp "$f" "$out/"
    done
    for f in "$ROOT"/tests/data/nrrd/*.nhdr; do
        [ -f "$f" ] || continue
        df=$(sed -n 's/^data file: *//p' "$f" | head -n 1)
        case "$df" in
        LIST*) # one data file d holding every listed file: "LIST <dimension>" and the single name d
            local dim names
            dim=$(sed -n 's/^dimension: *//p' "$f" | head -n 1)
            names=$(sed -n '/^data file: *LIST/,$p' "$f" | tail -n +2)
            { sed '/^data file: *LIST/q' "$f" | sed "s/^data file: .*/data file: LIST $dim/"; printf 'd\n\n'
              for n in $names; do cat "$(dirname "$f")/$n"; done; } >"$out/$(basename "$f").seed"
            ;;
        ''|*%*) cp "$f" "$out/" ;;
        *)
            [ -f "$(dirname "$f")/$df" ] || continue
            { sed 's/^data file: .*/data file: d/' "$f"; printf '\n'; cat "$(dirname "$f")/$df"; } \
                >"$out/$(basename "$f").seed"
            ;;
        esac
    done
}

# NIfTI: small files of every common datatype, both versions, both byte orders, plain and gzip (nibabel);
# without nibabel, a small synthetic image from the CLI.
seed_nifti() {
    local out=$SEEDS/fuzz_nifti
    rm -rf "$out" && mkdir -p "$out"
    if /usr/bin/python3 -c 'import nibabel, numpy' 2>/dev/null; then
        /usr/bin/python3 - "$out" <<'PY'
import sys, numpy as np, nibabel as nib
out = sys.argv[1]
aff = np.array([[-0.8, 0.1, 0, 10], [0, 0.9, 0.2, -5], [0, 0, 2.5, 30], [0, 0, 0, 1]])
k = 0
for cls, hcls in ((nib.Nifti1Image, nib.Nifti1Header), (nib.Nifti2Image, nib.Nifti2Header)):
    for dt in (np.uint8, np.int16, np.uint16, np.int32, np.float32, np.float64, np.int8, np.int64):
        for end in ("<", ">"):
            data = (np.arange(3 * 4 * 2) % 7 - 2).reshape(3, 4, 2).astype(dt)
            hdr = hcls(endianness=end)
            hdr.set_data_dtype(dt)
            img = cls(data, aff, hdr)
            if dt == np.int16:
                img.header.set_slope_inter(0.5, -3)
            nib.save(img, f"{out}/s{k:02d}" + (".nii.gz" if k % 3 == 0 else ".nii"))
            k += 1
# a two-file header (magic ni1/ni2): fuzz_nifti uses the same bytes as f.hdr and as its f.img
import os
for cls, name in ((nib.Nifti1Pair, "pair1"), (nib.Nifti2Pair, "pair2")):
    nib.save(cls(np.arange(24, dtype=np.uint8).reshape(3, 4, 2), aff), f"{out}/{name}.hdr")
    os.remove(f"{out}/{name}.img")
PY
    fi
    if [ -z "$(ls -A "$out")" ] && [ -x "$BUILD/voxomics" ]; then
        "$BUILD/voxomics" synth --size 6 -o "$out/synth" >/dev/null 2>&1 && find "$out/synth" -type f \
            -exec sh -c 'cp "$1" "'"$out"'/$(basename "$1")"' _ {} \; && rm -rf "$out/synth"
    fi
}

# DICOM (fuzz_dicom*): the generated test series (tests/data/dicom, files up to 1 MiB) and the IBSI DICOM phantom
# slices. RTSTRUCT (fuzz_rtstruct*): the IBSI phantom's structure set with its contours thinned (10-20 KB instead
# of 450 KB). SEG (fuzz_seg*): small BINARY and FRACTIONAL SEGs (2-3 KB) written by scripts/make_seg.py from a
# 16 x 12 x 6 series on the fuzz grid (fuzz/make_seeds.py, pydicom). Small seeds keep libFuzzer fast: each
# execution copies, hashes and re-reads the whole input. Codecs (fuzz_codec*): every reference frame, once per
# leading pixel-format byte. Data under $VOXOMICS_DATA are read in place, never copied into the source tree.
DATA=${VOXOMICS_DATA:-$ROOT/../shared}
seed_dicom() {
    local out=$SEEDS/$1 f i=0
    rm -rf "$out" && mkdir -p "$out"
    case "$1" in
    fuzz_rtstruct*)
        for f in "$DATA"/ibsi/ibsi1/ct_phantom_dicom/mask/*.dcm; do
            [ -f "$f" ] && /usr/bin/python3 "$ROOT/fuzz/make_seeds.py" rtstruct "$f" "$out" || true
        done
        return 0 ;;
    fuzz_seg*)
        /usr/bin/python3 "$ROOT/fuzz/make_seeds.py" seg "$out" >/dev/null || true
        return 0 ;;
    fuzz_codec*)
        while IFS= read -r -d '' f; do
            for b in 0 1 3 5 7 10 12 13 14; do
                { printf "\\$(printf '%03o' $b)"; cat "$f"; } >"$out/$(printf '%04d' $i)_$b.bin"
            done
            i=$((i + 1))
        done < <(find "$ROOT/tests/data/dicom" -type f -name '*.bin' -print0)
        return 0 ;;
    esac
    [ -d "$ROOT/tests/data/dicom" ] || return 0
    while IFS= read -r -d '' f; do
        cp "$f" "$out/$(printf '%04d' $i)_$(basename "$f")"
        i=$((i + 1))
    done < <(find "$ROOT/tests/data/dicom" -type f -name '*.dcm' -size -1025k -print0)
    cp "$DATA"/ibsi/ibsi1/ct_phantom_dicom/image/DCM_IMG_0000[0-2].dcm "$out/" 2>/dev/null || true
}

# ---- build and run ----------------------------------------------------------------------------------------
failed=()
for t in $TARGETS; do
    echo "== $t: build"
    if ! ninja -C "$BUILD" -j "$JOBS" "$t" >"$BUILD/fuzz-logs/$t.build.log" 2>&1; then
        tail -n 30 "$BUILD/fuzz-logs/$t.build.log"
        echo "== $t: BUILD FAILED (log: $BUILD/fuzz-logs/$t.build.log)"
        failed+=("$t (build)")
        continue
    fi
    case "$t" in
    fuzz_nrrd*) seed_nrrd ;;
    fuzz_nifti*) seed_nifti ;;
    fuzz_dicom* | fuzz_rtstruct* | fuzz_seg* | fuzz_codec*) seed_dicom "$t" ;;
    *) mkdir -p "$SEEDS/$t" ;;
    esac
    corpus=$BUILD/fuzz-corpus/$t
    art=$BUILD/fuzz-artifacts/$t/
    mkdir -p "$corpus" "$art" "$SEEDS/$t"
    dict=()
    [ -f "$ROOT/fuzz/$t.dict" ] && dict=(-dict="$ROOT/fuzz/$t.dict")
    echo "== $t: run $what ($(ls "$SEEDS/$t" | wc -l) seeds, $(ls "$corpus" | wc -l) corpus files)"
    log=$BUILD/fuzz-logs/$t.log
    (cd "$BUILD" && "$BUILD/fuzz/$t" "${limits[@]}" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$art" -print_final_stats=1 "${dict[@]}" "$corpus" "$SEEDS/$t") >"$log" 2>&1
    rc=$?
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)' "$log" | tail -n 4
    if [ $rc -ne 0 ]; then
        grep -E 'ERROR: |SUMMARY: |runtime error|Test unit written to' "$log" | head -n 20
        echo "== $t: FAILED (exit $rc, log: $log); reproducers:"
        ls -1 "$art" 2>/dev/null | sed "s|^|   $art|"
        failed+=("$t")
    else
        echo "== $t: ok"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: FAILED: ${failed[*]}"
    exit 1
fi
echo "fuzz.sh: all targets ran $what without findings"
