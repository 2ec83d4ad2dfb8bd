#!/usr/bin/env bash
# Reference numbers for tests/unit/test_pyrad_prep.c: PyRadiomics' resampling of small synthetic images, computed
# with ITK 5.2 (Debian's libinsighttoolkit5-dev) by scripts/itk_pyrad_resample.cxx as SimpleITK configures it.
# ITK never runs at test time: this script prints the numbers that the test carries.
# usage: scripts/pyrad_prep_reference.sh [WORKDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
g++ -O1 -std=c++14 -I/usr/include/ITK-5.2 "$here/itk_pyrad_resample.cxx" -o "$work/itk_pyrad_resample" -L/usr/lib \
    -lITKIONRRD-5.2 -lITKNrrdIO-5.2 -lITKIOImageBase-5.2 -lITKTransform-5.2 -lITKCommon-5.2 -litkvnl_algo-5.2 \
    -litkvnl-5.2 -litkv3p_netlib-5.2 -litksys-5.2 -lITKVNLInstantiation-5.2 -lpthread
# the synthetic case: 7 x 6 x 5 voxels of 1 x 1.2 x 2 mm, origin (-3, 2, 5), identity direction;
# intensity ((37 i + 11 j + 5 k) mod 23) - 7 (short and float files); label 1 on the box [2..4] x [1..3] x [1..3]
python3 - "$work" <<'PY'
import struct, sys
work = sys.argv[1]
nx, ny, nz = 7, 6, 5
def write(path, typ, fmt, vals):
    hdr = ("NRRD0004\ntype: %s\ndimension: 3\nspace: left-posterior-superior\nsizes: %d %d %d\n"
           "space directions: (1,0,0) (0,1.2,0) (0,0,2)\nkinds: domain domain domain\nendian: little\n"
           "encoding: raw\nspace origin: (-3,2,5)\n\n") % (typ, nx, ny, nz)
    with open(path, "wb") as f:
        f.write(hdr.encode())
        f.write(struct.pack("<%d%s" % (len(vals), fmt), *vals))
img = [((37 * i + 11 * j + 5 * k) % 23) - 7 for k in range(nz) for j in range(ny) for i in range(nx)]
lab = [1 if 2 <= i <= 4 and 1 <= j <= 3 and 1 <= k <= 3 else 0 for k in range(nz) for j in range(ny) for i in range(nx)]
write(work + "/img_short.nrrd", "short", "h", img)
write(work + "/img_float.nrrd", "float", "f", [float(v) for v in img])
write(work + "/label.nrrd", "int", "i", lab)
# a wider image (40 x 6 x 5, y axis pointing to -y) whose ROI touches its last columns (36..39): the B-spline's
# mirrored taps at the border, and the coefficients of the columns the grid reaches only
nx = 40
def write2(path, typ, fmt, vals):
    hdr = ("NRRD0004\ntype: %s\ndimension: 3\nspace: left-posterior-superior\nsizes: %d %d %d\n"
           "space directions: (1,0,0) (0,-1.2,0) (0,0,2)\nkinds: domain domain domain\nendian: little\n"
           "encoding: raw\nspace origin: (-3,2,5)\n\n") % (typ, nx, ny, nz)
    with open(path, "wb") as f:
        f.write(hdr.encode())
        f.write(struct.pack("<%d%s" % (len(vals), fmt), *vals))
img = [((37 * i + 11 * j + 5 * k) % 23) - 7 for k in range(nz) for j in range(ny) for i in range(nx)]
lab = [1 if 36 <= i <= 39 and 1 <= j <= 3 and 1 <= k <= 3 else 0 for k in range(nz) for j in range(ny) for i in range(nx)]
write2(work + "/wide_short.nrrd", "short", "h", img)
write2(work + "/wide_label.nrrd", "int", "i", lab)
PY
for t in short float; do
    for interp in 1 2 3; do
        echo "== $t interpolator $interp, spacing 0.7 0.9 1.3, padDistance 1"
        "$work/itk_pyrad_resample" "$work/img_$t.nrrd" "$work/label.nrrd" 0.7 0.9 1.3 $interp 1 1 |
            awk 'NR == 1 { print; next } { n++; s += $4; m += $5; if (n % 97 == 1) printf "  %d %d %d %.17g %d\n", $1, $2, $3, $4, $5 }
                 END { printf "  voxels %d sum %.17g mask %d\n", n, s, m }'
    done
done
echo "== wide short B-spline, spacing 1.6 1 0.5, padDistance 1"
"$work/itk_pyrad_resample" "$work/wide_short.nrrd" "$work/wide_label.nrrd" 1.6 1 0.5 3 1 1 |
    awk 'NR == 1 { print; next } { n++; s += $4; m += $5; if (n % 37 == 1) printf "  %d %d %d %.17g %d\n", $1, $2, $3, $4, $5 }
         END { printf "  voxels %d sum %.17g mask %d\n", n, s, m }'
