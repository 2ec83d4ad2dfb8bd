#!/usr/bin/env bash
# Documentation that cannot drift: every command example in README.md and docs/*.md is run, as written.
#
# Which blocks run: every fenced code block whose info string is empty, `sh`, `bash` or `shell`, in full, line by
# line (a line ending in `\` continues). Blocks tagged `synopsis` are usage synopses (placeholders such as
# IMAGE, [options]; a synopsis block without any placeholder fails the test) and are not run; other tags (`yaml`, `text`, ...) are not commands. So a new example is run
# unless it is explicitly marked as a synopsis.
# How: one bash session per document (variables and files of earlier blocks carry over, as for a reader typing
# them), in a fresh temporary folder laid out like the repository: build/ (this build), configs/, scripts/, examples/,
# ../shared (VOXOMICS_DATA), `voxomics` on PATH, and the example files of scripts/doc_examples_data.sh.
# `make TARGET` lines are checked with `make -n` in the source tree (they build and test the project, which this
# test is part of); `mpirun` lines run when build/voxomics-mpi is built (`make mpi`), else are listed as skipped.
# Also: scripts/demo.sh prints result rows with the value column.
# A failing command fails the test with the document, the line and the command.
# usage: doc_examples.sh VOXOMICS   (CTest: cli_doc_examples)
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
VX=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
BUILD=$(dirname "$VX")
SRC=${VX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=${VOXOMICS_DATA:-$SRC/../shared}
DATA=$(cd "$DATA" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export OMP_WAIT_POLICY=passive OPENBLAS_NUM_THREADS=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
mkdir -p "$T/bin"
ln -s "$VX" "$T/bin/voxomics"
export PATH="$T/bin:$PATH"

# The examples of one document as a bash script: every command wrapped so that its status is checked.
extract() {
    awk -v doc="$1" '
    function q(s) { gsub(/\047/, "\047\\\047\047", s); return "\047" s "\047" }
    /^```/ {
        if (!inblock) {
            inblock = 1
            info = substr($0, 4); gsub(/[ \t]/, "", info)
            run = (info == "" || info == "sh" || info == "bash" || info == "shell")
            syn = (info == "synopsis"); synline = NR; placeholder = 0
            cont = 0
        } else {
            inblock = 0
            if (syn && !placeholder)
                print "vx_begin " q(doc) " " synline " \047a synopsis without placeholders\047; " \
                      "echo \"a synopsis block names no placeholder (IMAGE, [option], a|b): tag it sh so that it runs\" >\"$VX_LOG\"; vx_end 1"
            if (cont) print "} >>\"$VX_LOG\" 2>&1; vx_end $?"
            cont = 0
        }
        next
    }
    inblock && syn && /\[|\||(^|[ =:])[A-Z][A-Z0-9_]+([ .:]|$)/ { placeholder = 1 }
    inblock && run {
        line = $0
        if (!cont) {
            if (line ~ /^[ \t]*(#.*)?$/) next
            print "vx_begin " q(doc) " " NR " " q(line)
            print "{"
        }
        print line
        cont = (line ~ /\\$/)
        if (!cont) print "} >>\"$VX_LOG\" 2>&1; vx_end $?"
    }' "$SRC/$1"
}

fails=0
total=0
docs=$(cd "$SRC" && ls README.md docs/*.md)
for doc in $docs; do
    name=$(echo "$doc" | tr '/.' '__')
    w="$T/$name/repo"
    mkdir -p "$w"
    ln -s "$BUILD" "$w/build"
    ln -s "$SRC/configs" "$w/configs"
    ln -s "$SRC/scripts" "$w/scripts"
    ln -s "$SRC/examples" "$w/examples"
    ln -s "$DATA" "$T/$name/shared"
    script="$T/$name.sh"
    {
        cat <<'HEAD'
VX_LOG=$VX_WORK/log.txt
vx_n=0; vx_fail=0; vx_skip=0
vx_begin() { vx_doc=$1; vx_line=$2; vx_cmd=$3; vx_n=$((vx_n + 1)); : >"$VX_LOG"; }
vx_end() {
    if [ "$1" -ne 0 ]; then
        vx_fail=$((vx_fail + 1))
        echo "FAIL $vx_doc:$vx_line: exit $1: $vx_cmd"
        tail -n 5 "$VX_LOG" | sed 's/^/    /'
    fi
}
make() { command make -s -n -C "$VX_SOURCE_DIR" "$@" >/dev/null; }
mpirun() {
    if [ -x build/voxomics-mpi ]; then command mpirun "$@"; else
        vx_skip=$((vx_skip + 1)); echo "skipped $vx_doc:$vx_line (build/voxomics-mpi not built: make mpi)" >&3; fi
}
HEAD
        extract "$doc"
        echo 'echo "$vx_n $vx_fail $vx_skip" >"$VX_WORK/result"'
    } >"$script"
    (cd "$w" && bash scripts/doc_examples_data.sh build/voxomics >/dev/null) || { echo "FAIL: doc_examples_data.sh"; exit 1; }
    (cd "$w" && VX_WORK="$T/$name" VX_SOURCE_DIR="$SRC" bash "$script" 3>&1)
    read -r n f s <"$T/$name/result" || { echo "FAIL $doc: the session did not finish"; fails=$((fails + 1)); continue; }
    skipped=""
    [ "$s" -gt 0 ] && skipped=", $s skipped"
    echo "$doc: $n commands, $f failed$skipped"
    total=$((total + n))
    fails=$((fails + f))
done

# the demo prints result rows with their value column
(cd "$T" && mkdir demo && cd demo && ln -s "$SRC/configs" configs && bash "$SRC/scripts/demo.sh" "$BUILD" >out.txt 2>&1) ||
    { echo "FAIL scripts/demo.sh"; cat "$T/demo/out.txt"; exit 1; }
# a header naming the value column, and rows "family tag number unit"
grep -Eq '^ +family +tag +value +unit$' "$T/demo/out.txt" &&
    [ "$(grep -Ec '^ +morphology +morph_[a-z_]+ +-?[0-9][0-9.e+-]* +' "$T/demo/out.txt")" -ge 3 ] ||
    { echo "FAIL scripts/demo.sh does not print result rows with their value column:"; cat "$T/demo/out.txt"; exit 1; }

[ "$total" -gt 0 ] || { echo "FAIL: no example found"; exit 1; }
[ "$fails" -eq 0 ] || { echo "FAIL: $fails of $total documented commands failed"; exit 1; }
echo "documented commands: $total run, all succeeded; demo prints values"
