#!/usr/bin/env bash
# CTest python_package: build the Python package (python/) against this build's libvoxomics into
# BUILD/python (nothing is installed into the system), then run its tests (tests/python/test_*.py) with pytest.
# usage: tests/python/run.sh BUILD_DIR [pytest arguments...]
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
BUILD=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
shift
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3
missing=()
for m in cffi numpy pandas pytest setuptools pip nibabel yaml; do
  "$PY" -c "import $m" 2>/dev/null || missing+=("python3-$m")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "python_package: FAIL: missing ${missing[*]}: run 'make setup' (scripts/setup.sh installs them)" >&2
  exit 1
fi
OUT="$BUILD/python"
mkdir -p "$OUT"
# the package's own build tree (setuptools' build/ and egg-info) goes under BUILD, not into the source tree
LOG="$OUT/pip.log"
if ! VOXOMICS_BUILD_DIR="$BUILD" "$PY" -m pip install --no-build-isolation --no-deps --no-index --upgrade \
      --target "$OUT/site" "$SRC/python" >"$LOG" 2>&1; then
  cat "$LOG" >&2
  echo "python_package: FAIL: the package did not build (log above)" >&2
  exit 1
fi
cd "$SRC"
export PYTHONPATH="$OUT/site${PYTHONPATH:+:$PYTHONPATH}"
export VOXOMICS_DATA="${VOXOMICS_DATA:-$(cd "$SRC/.." && pwd)/shared}"
export VOXOMICS_CLI="$BUILD/voxomics"  # the command line of this build (tests that compare with its output)
exec "$PY" -m pytest -q -p no:cacheprovider tests/python "$@"
