#!/usr/bin/env bash
# make demo: generate a synthetic CT-like case and extract its IBSI features.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
build=${1:-build}
out=demo-out
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
"$build/voxomics" synth --size 96 --radius 20 --lobulation 0.15 --seed 7 -o "$out"
"$build/voxomics" extract --config configs/examples/ct_3d.yaml --case demo_lesion --format long \
  -o "$out/features.csv" "$out/image.nii.gz" "$out/mask.nii.gz"
echo
echo "Features of the demo case: $out/features.csv ($(($(wc -l < "$out/features.csv") - 1)) values)."
echo "First rows (family, tag, value, unit):"
head -n 7 "$out/features.csv" | awk -F, '{ printf "  %-14s %-22s %-20s %s\n", $4, $8, $9, $10 }'
