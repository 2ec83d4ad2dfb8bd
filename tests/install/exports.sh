#!/usr/bin/env bash
# libvoxomics.so exports exactly the public API: every dynamic symbol it defines is a function declared in a
# public header (include/voxomics/*.h) and named vx_*, and every function declared there is exported.
# The declared set comes from the compiler itself (gcc -aux-info over a file that includes every public header,
# so a header added later is covered); the exported set from nm -D --defined-only.
# Usage: exports.sh LIBVOXOMICS_SO [CC]; env VX_SOURCE_DIR.  SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
lib=$1
cc=${2:-cc}
src=${VX_SOURCE_DIR:?VX_SOURCE_DIR not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# every public header compiles on its own (it includes what it uses, export.h among them)
: > "$tmp/all.c"
for h in "$src"/include/voxomics/*.h; do
    name=voxomics/$(basename "$h")
    printf '#include "%s"\n' "$name" > "$tmp/one.c"
    if ! "$cc" -std=c17 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -I"$src/include" -fsyntax-only \
        "$tmp/one.c" 2> "$tmp/err"; then
        echo "FAIL: $name does not compile on its own: $(head -n 3 "$tmp/err")"
        fail=1
    fi
    if grep -qE '^[A-Za-z_].*\bvx_[a-z0-9_]+\(' "$h" && ! grep -q '#include "voxomics/export.h"' "$h"; then
        echo "FAIL: $name declares functions but does not include voxomics/export.h; add it"
        fail=1
    fi
    printf '#include "%s"\n' "$name" >> "$tmp/all.c"
done

# functions declared in the public headers, as the compiler sees them (-aux-info is GCC's: with another
# compiler, gcc does the scan)
scan() { "$1" -std=c17 -D_POSIX_C_SOURCE=200809L -I"$src/include" -fsyntax-only -aux-info "$tmp/aux.txt" "$tmp/all.c"; }
if ! scan "$cc" 2> /dev/null || [ ! -s "$tmp/aux.txt" ]; then
    scan gcc
fi
grep -E '^/\* [^ ]*include/voxomics/[a-z0-9_]+\.h:[0-9]+:NC \*/ extern ' "$tmp/aux.txt" |
    sed -E 's/.*[ *]([A-Za-z_][A-Za-z0-9_]*) \(.*/\1/' | sort -u > "$tmp/declared"
# static inline functions in public headers would not be exported; none are expected
grep -E '^/\* [^ ]*include/voxomics/' "$tmp/aux.txt" | grep -v ':NC \*/ extern ' > "$tmp/nonextern" || true
if [ -s "$tmp/nonextern" ]; then
    echo "FAIL: a public header defines a non-extern function:"
    cat "$tmp/nonextern"
    fail=1
fi

# symbols the shared library defines and exports. GCC's named OpenMP critical sections
# (.gomp_critical_user_<name>) are lock words libgomp shares by name across modules, not functions; they are
# listed and allowed.
nm -D --defined-only "$lib" | awk '{print $NF}' | sed 's/@.*//' | sort -u > "$tmp/all_exported"
grep -v '^\.gomp_critical_user_' "$tmp/all_exported" > "$tmp/exported" || true
omp=$(grep -c '^\.gomp_critical_user_' "$tmp/all_exported" || true)

n_decl=$(wc -l < "$tmp/declared")
n_exp=$(wc -l < "$tmp/exported")
echo "public functions declared: $n_decl; symbols exported by $(basename "$lib"): $n_exp (+ $omp OpenMP critical-section lock words)"
if [ "$n_decl" -lt 100 ]; then
    echo "FAIL: only $n_decl public functions found; the -aux-info scan is broken"
    fail=1
fi
while read -r s; do
    case $s in
        vx_*) ;;
        *) echo "FAIL: exported symbol $s is not named vx_*: give it static linkage or drop VX_API"; fail=1 ;;
    esac
done < "$tmp/exported"
comm -13 "$tmp/declared" "$tmp/exported" | while read -r s; do
    echo "FAIL: $s is exported but declared in no public header: it must not carry VX_API (or declare it in include/voxomics)"
done
comm -23 "$tmp/declared" "$tmp/exported" | while read -r s; do
    echo "FAIL: $s is declared in a public header but not exported: mark its declaration VX_API (or define it)"
done
[ -z "$(comm -3 "$tmp/declared" "$tmp/exported")" ] || fail=1
# the shared library's SONAME carries the ABI major version
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" {print $2}')
if [[ $soname != libvoxomics.so.[0-9]* ]]; then
    echo "FAIL: SONAME of $lib is '$soname', expected libvoxomics.so.<major>"
    fail=1
fi
[ "$fail" -eq 0 ] && echo "OK: exports match the public headers; SONAME $soname"
exit "$fail"
