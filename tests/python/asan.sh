#!/usr/bin/env bash
# CTest python_asan (sanitizer builds only): the Python package built against the ASan+UBSan libvoxomics of this
# build, driven by tests/python/asan_loop.py under /usr/bin/python3 with the sanitizer runtimes preloaded.
# Fails on any AddressSanitizer or UBSan error, and on any leak whose allocation stack passes through the
# library or the extension (the interpreter's own allocations still alive at exit are not the package's).
# usage: tests/python/asan.sh BUILD_DIR CC
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
BUILD=$(cd "${1:?usage: asan.sh BUILD_DIR CC}" && pwd)
CC=${2:?usage: asan.sh BUILD_DIR CC}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
for m in cffi numpy pandas setuptools pip; do
  "$PY" -c "import $m" 2>/dev/null || { echo "python_asan: FAIL: missing python3-$m: run 'make setup'" >&2; exit 1; }
done
OUT="$BUILD/python-asan"
mkdir -p "$OUT"
if ! VOXOMICS_BUILD_DIR="$BUILD" "$PY" -m pip install --no-build-isolation --no-deps --no-index --upgrade \
      --target "$OUT/site" "$SRC/python" >"$OUT/pip.log" 2>&1; then
  cat "$OUT/pip.log" >&2
  echo "python_asan: FAIL: the package did not build" >&2
  exit 1
fi
ASAN_LIB=$("$CC" -print-file-name=libasan.so)
UBSAN_LIB=$("$CC" -print-file-name=libubsan.so)
LOG="$OUT/asan.log"
cd "$SRC"
set +e
PYTHONPATH="$OUT/site" LD_PRELOAD="$ASAN_LIB $UBSAN_LIB" \
  ASAN_OPTIONS=detect_leaks=1:exitcode=0:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  VOXOMICS_DATA="${VOXOMICS_DATA:-$SRC/../shared}" "$PY" tests/python/asan_loop.py >"$LOG" 2>&1
rc=$?
set -e
if [ $rc -ne 0 ] || grep -q "ERROR: AddressSanitizer\|runtime error" "$LOG"; then
  cat "$LOG" >&2
  echo "python_asan: FAIL: exit status $rc or a sanitizer error (log above)" >&2
  exit 1
fi
ours=$("$PY" - "$LOG" <<'PYEOF'
import re, sys
text = open(sys.argv[1], errors="replace").read()
stacks = re.split(r"\n(?=(?:Direct|Indirect) leak)", text)[1:]
bad = [s for s in stacks if re.search(r"libvoxomics|_vx\.abi3|\bin vx_", s)]
print(len(bad))
for s in bad[:5]:
    print(s[:2000], file=sys.stderr)
PYEOF
)
grep "^asan_loop:" "$LOG"
if [ "$ours" != "0" ]; then
  echo "python_asan: FAIL: $ours leak(s) allocated through libvoxomics or the extension (stacks above)" >&2
  exit 1
fi
echo "python_asan: no sanitizer error, no leak through libvoxomics or the extension"
