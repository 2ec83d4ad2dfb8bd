#!/usr/bin/env bash
# MPI cohort run: `mpirun -np 2 voxomics-mpi extract --cohort` must give the same table, byte for byte, as the
# single-process run, with one store per rank and exit status 3 (the cohort holds one truncated image).
# usage: cohort.sh VOXOMICS_MPI VOXOMICS   (run by CTest when built with VX_MPI=ON, i.e. `make mpi`)
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
MPI_EXE=$1
EXE=$2
SRC=${VX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMP_NUM_THREADS=1
fail() { echo "FAIL: $*"; exit 1; }

echo "ID,Image,Mask,Group" >"$T/cases.csv"
for i in 1 2 3 4 5 6 7; do
    "$EXE" synth --size 36 --radius 7 --seed "$i" -o "$T/c$i" >/dev/null 2>&1 || fail "synth"
    echo "p$i,c$i/image.nii.gz,c$i/mask.nii.gz,g$((i % 2))" >>"$T/cases.csv"
done
head -c 2000 "$T/c4/image.nii.gz" >"$T/c4/cut.nii.gz"
sed -i 's#p4,c4/image.nii.gz#p4,c4/cut.nii.gz#' "$T/cases.csv"
CFG=$SRC/configs/examples/ct_3d.yaml

"$EXE" extract --config "$CFG" --cohort "$T/cases.csv" -j 1 -o "$T/ref.csv" 2>/dev/null
rc=$?
[ $rc -eq 3 ] || fail "single-process run exited $rc, expected 3"

mpirun --allow-run-as-root --oversubscribe -np 2 "$MPI_EXE" extract --config "$CFG" --cohort "$T/cases.csv" \
    -j 1 --store "$T/run.db" -o "$T/mpi.csv" 2>"$T/mpi.err"
rc=$?
[ $rc -eq 3 ] || { cat "$T/mpi.err"; fail "mpirun exited $rc, expected 3"; }
[ -f "$T/run.db.rank0" ] && [ -f "$T/run.db.rank1" ] || fail "one store per rank expected"
cmp "$T/ref.csv" "$T/mpi.csv" || fail "MPI table differs from the single-process table"
rows=$(($(wc -l <"$T/mpi.csv") - 1))
[ "$rows" -eq 7 ] || fail "$rows rows, expected 7"
grep -q '^p4,g0,,"read image: .*cut.nii.gz' "$T/mpi.csv" || fail "the truncated case's error row is missing"

# a re-run resumes from both stores: same table
mpirun --allow-run-as-root --oversubscribe -np 2 "$MPI_EXE" extract --config "$CFG" --cohort "$T/cases.csv" \
    -j 1 --store "$T/run.db" -o "$T/again.csv" 2>/dev/null
[ $? -eq 3 ] || fail "re-run exit status"
cmp "$T/ref.csv" "$T/again.csv" || fail "resumed MPI table differs"
# a damaged rank store (here: not a SQLite file any more) refuses the run naming that store, no table; once it is
# deleted, the re-run recomputes that rank's cases and gives the same table
printf 'not a store\n' >"$T/run.db.rank1"
mpirun --allow-run-as-root --oversubscribe -np 2 "$MPI_EXE" extract --config "$CFG" --cohort "$T/cases.csv" \
    -j 1 --store "$T/run.db" -o "$T/bad.csv" 2>"$T/bad.err"
rc=$?
[ $rc -eq 1 ] || { cat "$T/bad.err"; fail "damaged rank store: exit $rc, expected 1"; }
grep -q "store $T/run.db.rank1 is not a SQLite database" "$T/bad.err" || { cat "$T/bad.err"; fail "message"; }
[ ! -e "$T/bad.csv" ] || fail "a table was written despite a damaged store"
rm -f "$T/run.db.rank1"
mpirun --allow-run-as-root --oversubscribe -np 2 "$MPI_EXE" extract --config "$CFG" --cohort "$T/cases.csv" \
    -j 1 --store "$T/run.db" -o "$T/fixed.csv" 2>/dev/null
[ $? -eq 3 ] || fail "re-run after deleting the damaged store: exit status"
cmp "$T/ref.csv" "$T/fixed.csv" || fail "table after recomputing a rank's store differs"
echo "mpi cohort: 2 ranks, 7 cases (1 failed), table identical to the single-process run; damaged rank store refused"
