#!/usr/bin/env bash
# Install the Debian packages voxomics needs to build and test. Idempotent; silent when all are present.
# usage: scripts/setup.sh [test]
#   (no argument)  what `make` needs to build and run the unit, conformance and CLI tests;
#   test           also the test tier: headless Chromium, its WebDriver and python3-selenium, for the browser test
#                  of the study report (tests/browser/report_check.py); `make test` and CI install it.
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

PACKAGES=(
  build-essential pkg-config cmake ninja-build
  zlib1g-dev libdeflate-dev libyaml-dev libqhull-dev libfftw3-dev libgsl-dev libcmocka-dev nettle-dev
  libopenblas-dev liblapacke-dev libsvm-dev liblinear-dev libxgboost-dev libcjson-dev
  libsqlite3-dev libcharls-dev libopenjp2-7-dev libjpeg62-turbo-dev libgdcm-dev
  python3-numpy python3-nibabel python3-pydicom
  python3-dev python3-cffi python3-pandas python3-pytest python3-setuptools python3-pip python3-yaml
  clang libclang-rt-14-dev
  libopenmpi-dev openmpi-bin
)
case "${1:-}" in
  "") ;;
  test) PACKAGES+=(chromium chromium-driver python3-selenium) ;;
  *) echo "voxomics setup: unknown tier '$1' (known: test)" >&2; exit 2 ;;
esac

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "voxomics setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "voxomics setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "voxomics setup: done"
