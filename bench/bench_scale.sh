#!/bin/sh
# Thread scaling and the big case, baseline and new build measured in one run (bench/README.md, bench_scale).
#   bench/bench_scale.sh BASE_BENCH_SCALE NEW_BENCH_SCALE [RUNS] [CASES]
# BASE_BENCH_SCALE: bench/bench_scale.c built against the baseline library (e.g. main's build/libvoxomics.a),
# NEW_BENCH_SCALE: build/bench/bench_scale. Each line: best (and median) of RUNS extractions in one process;
# the two programs alternate per case and thread count, so both see the same machine load.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
base=$1 new=$2 runs=${3:-3} cases=${4:-"small mid"}
export OMP_WAIT_POLICY=passive
for c in $cases; do
  for t in 1 2; do
    for which in base new; do
      eval bin=\$$which
      printf '%-4s ' "$which"
      "$bin" "$c" "$t" "$runs"
    done
  done
done
