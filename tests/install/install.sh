#!/usr/bin/env bash
# Install voxomics into a temporary prefix (cmake --install, what `make install PREFIX=...` runs) and use it as
# a program outside the tree would: check the installed files, build tests/install/consumer.c in a temporary
# folder with `cc $(pkg-config --cflags --libs voxomics)` (PKG_CONFIG_PATH=PREFIX/lib/pkgconfig), run it
# with LD_LIBRARY_PATH=PREFIX/lib on the IBSI 1 digital phantom (it checks all 482 reference values through
# the public API), then link the same program statically against libvoxomics.a
# (pkg-config --static, from a copy of the prefix without the shared library) and run it again.
# Usage: install.sh BUILD_DIR [CC] [EXTRA_CFLAGS]; env VX_SOURCE_DIR, VOXOMICS_DATA.
# EXTRA_CFLAGS: the sanitizer flags of a sanitizer build, whose installed library needs their runtime.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
build=$1
cc=${2:-cc}
extra=${3:-}
src=${VX_SOURCE_DIR:?VX_SOURCE_DIR not set}
data=${VOXOMICS_DATA:?VOXOMICS_DATA not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install $build"; }

# ---- the installed files ----
lib=$prefix/lib
for f in lib/libvoxomics.so lib/libvoxomics.a lib/pkgconfig/voxomics.pc bin/voxomics include/voxomics/voxomics.h \
         include/voxomics/export.h include/voxomics/features.def; do
    [ -e "$prefix/$f" ] || fail "$f is not installed"
done
for h in "$src"/include/voxomics/*.h "$src"/include/voxomics/*.def; do
    cmp -s "$h" "$prefix/include/voxomics/$(basename "$h")" || fail "include/voxomics/$(basename "$h") not installed"
done
soname=$(objdump -p "$lib/libvoxomics.so" | awk '$1 == "SONAME" {print $2}')
[[ $soname == libvoxomics.so.[0-9]* ]] || fail "SONAME is '$soname', expected libvoxomics.so.<major>"
[ -L "$lib/libvoxomics.so" ] && [ -e "$lib/$soname" ] || fail "libvoxomics.so is not a link to the SONAME file $soname"
version=$("$prefix/bin/voxomics" version 2>&1 || true)
echo "installed: $soname, CLI: $version"

# ---- pkg-config ----
export PKG_CONFIG_PATH=$lib/pkgconfig
unset PKG_CONFIG_LIBDIR || true
pkg-config --exists --print-errors voxomics || fail "pkg-config does not find voxomics in $PKG_CONFIG_PATH"
modversion=$(pkg-config --modversion voxomics)
[[ $version == *"$modversion"* ]] || fail "voxomics.pc version $modversion differs from the CLI's '$version'"
cflags=$(pkg-config --cflags voxomics)
libs=$(pkg-config --libs voxomics)
static_libs=$(pkg-config --static --libs voxomics)
echo "pkg-config --cflags: $cflags"
echo "pkg-config --libs: $libs"
echo "pkg-config --static --libs: $static_libs"
[ "$(cd "$(pkg-config --variable=libdir voxomics)" && pwd -P)" = "$(cd "$lib" && pwd -P)" ] ||
    fail "voxomics.pc libdir $(pkg-config --variable=libdir voxomics) is not $lib"

# ---- a consumer built outside the tree ----
work=$tmp/consumer
mkdir -p "$work"
cp "$src/tests/install/consumer.c" "$work/"
cd "$work"
run_args=("$data/ibsi/ibsi1/digital_phantom/image.nii.gz" "$data/ibsi/ibsi1/digital_phantom/mask.nii.gz"
          "$src/configs/ibsi1/digital_phantom.yaml" "$data/ibsi/ibsi1/reference_values.csv" digital_phantom 482)
# -lm: the consumer's own use of floor, pow, log10
# shellcheck disable=SC2086  # flags are word lists
"$cc" -std=c17 -Wall -Wextra -Werror -pedantic $extra consumer.c -o consumer $cflags $libs -lm ||
    fail "the consumer does not build with pkg-config --cflags --libs voxomics"
# (outputs are captured first: grep -q closing a pipe early would fail the pipeline under pipefail)
dyn=$(readelf -d consumer)
grep -q "NEEDED.*\[$soname\]" <<< "$dyn" || fail "consumer does not load $soname"
deps=$(LD_LIBRARY_PATH=$lib ldd ./consumer)
grep -q "$soname => $lib/" <<< "$deps" || fail "consumer does not resolve $soname in $lib: $deps"
LD_LIBRARY_PATH=$lib ./consumer "${run_args[@]}" || fail "the consumer (shared library) failed"

# static: libvoxomics.a from a copy of the prefix that has no shared library, its dependencies from
# Requires.private / Libs.private (fully static linking is not possible: several Debian dependencies ship no .a)
cp -a "$prefix" "$tmp/static"
rm -f "$tmp/static/lib"/libvoxomics.so*
export PKG_CONFIG_PATH=$tmp/static/lib/pkgconfig
# shellcheck disable=SC2086
"$cc" -std=c17 -Wall -Wextra -Werror -pedantic $extra consumer.c -o consumer_static \
    $(pkg-config --cflags voxomics) $(pkg-config --static --libs voxomics) -lm ||
    fail "the consumer does not link statically with pkg-config --static --libs voxomics"
dyn=$(readelf -d consumer_static)
if grep -q 'NEEDED.*libvoxomics' <<< "$dyn"; then fail "consumer_static still needs libvoxomics.so"; fi
./consumer_static "${run_args[@]}" || fail "the consumer (static library) failed"
echo "OK: installed, built with pkg-config (shared and static) and matched the IBSI digital phantom"
