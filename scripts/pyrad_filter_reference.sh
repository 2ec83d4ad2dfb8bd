#!/usr/bin/env bash
# Reference response maps of PyRadiomics' filtered image types, computed with the tools PyRadiomics calls:
# ITK 5.2 (Debian libinsighttoolkit5-dev) configured as SimpleITK configures it for PyRadiomics' LoG and
# gradient, and PyWavelets (Debian python3-pywt) called as PyRadiomics' _swt3 calls it. The output is test
# data for tests/unit/test_filter_pyrad_ref.c; the tests never run this script.
#
#   scripts/pyrad_filter_reference.sh [OUTDIR]      (default tests/data/pyradiomics)
#
# Writes OUTDIR/filter_ref.csv (one row per map: name, input, kind, parameters, offset and count of its
# values) and OUTDIR/filter_ref.f64 (every map's values, float64 little-endian, x fastest, at its offset).
#
# Inputs (rows of kind "input"), synthetic and fixed (numpy PCG64, seed 14), float32 values:
#   img3  13 x 12 x 9 voxels of 1.3 x 0.9 x 2.5 mm (odd sizes along x and z: PyRadiomics' wavelet padding);
#   img2  15 x 12 pixels of 0.7 x 1.2 mm, a 2D image (ITK's 2D filters).
#   img4  7 x 6 x 5 voxels of 0.8 x 1.1 x 2.0 mm (the other wavelet families).
# Maps:
#   LoG       itk::LaplacianRecursiveGaussianImageFilter<Image<float>, Image<float>>, NormalizeAcrossScale on,
#             sigma in mm (image spacing), as PyRadiomics' getLoGImage: img3 at 0.5, 1, 2, 5 and 8 mm (8 mm:
#             size >= ceil(sigma / spacing) + 1 holds with 2 voxels to spare along y), img2 at 1 and 3 mm.
#   gradient  itk::GradientMagnitudeImageFilter<Image<float>, Image<float>>, UseImageSpacing on and off (img3),
#             on (img2), as PyRadiomics' getGradientImage.
#   wavelet   PyRadiomics' _swt3 on img3 computed in float64 (what PyWavelets does with PyRadiomics' integer
#             images): odd sizes padded by one voxel with numpy 'wrap'; per level pywt.swtn(level=1,
#             start_level=0, axes=(x, y, z)) of the previous level's approximation (no filter dilation); the
#             padding cropped. haar level 2, db2 level 1, coif1 start_level 1 level 1, named as PyRadiomics names
#             the image types (wavelet-LLH, wavelet2-HHH, wavelet2-LLL ...). On img4 (7 x 6 x 5 voxels of 0.8 x
#             1.1 x 2 mm, shorter than most filters) sym4, db12, bior2.2, rbio3.3 level 2, bior4.4 start_level 1.
#             With force2D (kind wavelet2d<force2Ddimension>): swtn over the two axes but force2Ddimension, on
#             img3: coif1 (dimension 0), sym3 (1), bior1.3 (2), sub-bands LH, HL, HH and LL.
#   lbp2d     scikit-image 0.19 (Debian python3-skimage) local_binary_pattern, method uniform, per plane as
#             PyRadiomics' getLBP2DImage (kind lbp2d<force2Ddimension>): img3 with P, R = 8, 1 and 12, 1.5
#             (dimension 0), 6, 1 (dimension 1), 6, 1 and 8, 2 (dimension 2).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/tests/data/pyradiomics}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/itkref.cxx" <<'EOF'
// itkref DIM NX NY [NZ] SX SY [SZ] IN.f32 (log SIGMA | grad USE_SPACING) OUT.f32
// IN and OUT: float32 little-endian, x fastest.
#include "itkGradientMagnitudeImageFilter.h"
#include "itkImage.h"
#include "itkImageRegionIterator.h"
#include "itkLaplacianRecursiveGaussianImageFilter.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

template <unsigned D> static int run(char **a)
{
  using Img = itk::Image<float, D>;
  typename Img::SizeType size;
  typename Img::SpacingType sp;
  size_t n = 1;
  for (unsigned i = 0; i < D; i++) {
    size[i] = std::strtoul(a[i], nullptr, 10);
    n *= size[i];
  }
  for (unsigned i = 0; i < D; i++)
    sp[i] = std::strtod(a[D + i], nullptr);
  const char *in = a[2 * D], *op = a[2 * D + 1], *par = a[2 * D + 2], *outp = a[2 * D + 3];
  std::vector<float> v(n);
  FILE *f = std::fopen(in, "rb");
  if (!f || std::fread(v.data(), sizeof(float), n, f) != n)
    return 2;
  std::fclose(f);
  auto img = Img::New();
  typename Img::RegionType region;
  region.SetSize(size);
  img->SetRegions(region);
  img->SetSpacing(sp);
  img->Allocate();
  std::memcpy(img->GetBufferPointer(), v.data(), n * sizeof(float));
  typename Img::Pointer res;
  if (!std::strcmp(op, "log")) {
    auto l = itk::LaplacianRecursiveGaussianImageFilter<Img, Img>::New();
    l->SetNormalizeAcrossScale(true);
    l->SetSigma(std::strtod(par, nullptr));
    l->SetInput(img);
    l->Update();
    res = l->GetOutput();
  } else {
    auto g = itk::GradientMagnitudeImageFilter<Img, Img>::New();
    g->SetUseImageSpacing(std::atoi(par) != 0);
    g->SetInput(img);
    g->Update();
    res = g->GetOutput();
  }
  f = std::fopen(outp, "wb");
  if (!f || std::fwrite(res->GetBufferPointer(), sizeof(float), n, f) != n)
    return 3;
  std::fclose(f);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 2)
    return 1;
  const int D = std::atoi(argv[1]);
  if (D == 3 && argc == 12)
    return run<3>(argv + 2);
  if (D == 2 && argc == 10)
    return run<2>(argv + 2);
  std::fprintf(stderr, "usage: itkref DIM NX NY [NZ] SX SY [SZ] IN OP PARAM OUT\n");
  return 1;
}
EOF
g++ -std=c++17 -O1 -I/usr/include/ITK-5.2 "$tmp/itkref.cxx" -o "$tmp/itkref" -L/usr/lib -lITKSmoothing-5.2 \
    -lITKCommon-5.2 -litksys-5.2 -litkvnl_algo-5.2 -litkvnl-5.2 -lpthread

ITKREF="$tmp/itkref" TMPD="$tmp" OUT="$out" /usr/bin/python3 - <<'EOF'
import os, subprocess
import numpy as np
import pywt
import skimage
from skimage.feature import local_binary_pattern

itkref, tmp, out = os.environ["ITKREF"], os.environ["TMPD"], os.environ["OUT"]
rng = np.random.Generator(np.random.PCG64(14))

def make3():
    nz, ny, nx = 9, 12, 13
    z, y, x = np.meshgrid(np.arange(nz) * 2.5, np.arange(ny) * 0.9, np.arange(nx) * 1.3, indexing="ij")
    v = (300 + 500 * np.exp(-((x - 7) ** 2 + (y - 5) ** 2 + (z - 9) ** 2) / 30.0)
         + 80 * np.sin(x / 2.0) * np.cos(y / 1.5) - 60 * (z > 12) + rng.normal(0, 40, (nz, ny, nx)))
    return v.astype(np.float32), (13, 12, 9), (1.3, 0.9, 2.5)

def make2():
    ny, nx = 12, 15
    y, x = np.meshgrid(np.arange(ny) * 1.2, np.arange(nx) * 0.7, indexing="ij")
    v = 100 + 250 * np.exp(-((x - 5) ** 2 + (y - 6) ** 2) / 12.0) - 40 * (x > 7) + rng.normal(0, 15, (ny, nx))
    return v.astype(np.float32), (15, 12), (0.7, 1.2)

def make4():
    nz, ny, nx = 5, 6, 7
    v = 200 + 100 * np.arange(nx)[None, None, :] % 3 + rng.normal(0, 50, (nz, ny, nx))
    return v.astype(np.float32), (7, 6, 5), (0.8, 1.1, 2.0)

inputs = {"img3": make3(), "img2": make2()}
inputs["img4"] = make4()
rows, blobs, offset = [], [], 0

def add(name, inp, kind, p, arr):
    global offset
    a = np.ascontiguousarray(arr, dtype="<f8").ravel()
    dims, sp = inputs[inp][1], inputs[inp][2]
    d3 = list(dims) + [1] * (3 - len(dims))
    s3 = list(sp) + [1.0] * (3 - len(sp))
    rows.append([name, inp, kind] + [str(x) for x in (p + ["", "", ""])[:3]] + [str(x) for x in d3]
                + [repr(float(x)) for x in s3] + [str(offset), str(a.size)])
    blobs.append(a.tobytes())
    offset += a.size

def itk(inp, op, par):
    v, dims, sp = inputs[inp]
    src, dst = os.path.join(tmp, inp + ".f32"), os.path.join(tmp, "out.f32")
    v.astype("<f4").tofile(src)
    subprocess.run([itkref, str(len(dims))] + [str(d) for d in dims] + [repr(s) for s in sp]
                   + [src, op, str(par), dst], check=True)
    return np.fromfile(dst, dtype="<f4")

def swt3(data, wavelet, start_level, level, axes=(2, 1, 0)):
    # PyRadiomics' _swt3: pad odd sizes by one voxel ('wrap'), level-1 swtn per level, crop; axes: x, y, z of a
    # (z, y, x) array (the sub-band letters x first), or with force2D the two axes but force2Ddimension
    shape = data.shape
    data = np.pad(data.astype(np.float64), tuple((0, 1 if d % 2 else 0) for d in shape), "wrap")
    crop = tuple(slice(None, -1 if d % 2 else None) for d in shape)
    w = pywt.Wavelet(wavelet)
    a = "a" * len(axes)
    for _ in range(start_level):
        data = pywt.swtn(data, w, level=1, start_level=0, axes=axes)[0][a].copy()
    ret = []
    for _ in range(start_level, start_level + level):
        dec = pywt.swtn(data, w, level=1, start_level=0, axes=axes)[0]
        data = dec[a].copy()
        ret.append({k.replace("a", "L").replace("d", "H"): v[crop] for k, v in dec.items() if k != a})
    return data[crop], ret

for inp in ("img3", "img2", "img4"):
    add(inp, inp, "input", [], inputs[inp][0])
for s in (0.5, 1.0, 2.0, 5.0, 8.0):
    add("log-sigma-%s-mm-3D" % str(s).replace(".", "-"), "img3", "log", [s], itk("img3", "log", s))
for s in (1.0, 3.0):
    add("log-sigma-%s-mm-3D" % str(s).replace(".", "-"), "img2", "log", [s], itk("img2", "log", s))
add("gradient", "img3", "gradient", [1], itk("img3", "grad", 1))
add("gradient", "img3", "gradient", [0], itk("img3", "grad", 0))
add("gradient", "img2", "gradient", [1], itk("img2", "grad", 1))
bands = ("LLH", "LHL", "LHH", "HLL", "HLH", "HHL", "HHH")
for wav, start, lev in (("haar", 0, 2), ("db2", 0, 1), ("coif1", 1, 1)):
    approx, ret = swt3(inputs["img3"][0], wav, start, lev)
    for idx, dec in enumerate(ret, start=1):
        for b in bands:
            add(("wavelet-%s" if idx == 1 else "wavelet%d-" % idx + "%s") % b, "img3", "wavelet",
                [wav, start, lev], dec[b])
    add("wavelet-LLL" if lev == 1 else "wavelet%d-LLL" % lev, "img3", "wavelet", [wav, start, lev], approx)
# the other PyWavelets families on img4 (filters longer than the image: the periodic wrap goes round)
for wav, start, lev in (("sym4", 0, 1), ("db12", 0, 1), ("bior2.2", 0, 1), ("rbio3.3", 0, 2), ("bior4.4", 1, 1)):
    approx, ret = swt3(inputs["img4"][0], wav, start, lev)
    for idx, dec in enumerate(ret, start=1):
        for b in bands:
            add(("wavelet-%s" if idx == 1 else "wavelet%d-" % idx + "%s") % b, "img4", "wavelet",
                [wav, start, lev], dec[b])
    add("wavelet-LLL" if lev == 1 else "wavelet%d-LLL" % lev, "img4", "wavelet", [wav, start, lev], approx)
# LBP2D: scikit-image's uniform LBP per plane, as PyRadiomics' getLBP2DImage: the array's axes 0 and
# force2Ddimension swapped, each plane [idx, ...] (kind lbp2d<dimension>, p = samples, radius)
for dim, P, R in ((0, 8, 1.0), (0, 12, 1.5), (1, 6, 1.0), (2, 6, 1.0), (2, 8, 2.0)):
    arr = inputs["img3"][0].copy().swapaxes(0, dim)
    for idx in range(arr.shape[0]):
        arr[idx, ...] = local_binary_pattern(arr[idx, ...], P=P, R=R, method="uniform")
    add("lbp-2D", "img3", "lbp2d%d" % dim, [P, R], arr.swapaxes(0, dim))
# force2D: the axes x, y, z but force2Ddimension (0: z, 1: y, 2: x), kind wavelet2d<dimension>
for dim, wav in ((0, "coif1"), (1, "sym3"), (2, "bior1.3")):
    axes = tuple(a for a in (2, 1, 0) if a != dim)
    approx, ret = swt3(inputs["img3"][0], wav, 0, 1, axes)
    for b in ("LH", "HL", "HH"):
        add("wavelet-%s" % b, "img3", "wavelet2d%d" % dim, [wav, 0, 1], ret[0][b])
    add("wavelet-LL", "img3", "wavelet2d%d" % dim, [wav, 0, 1], approx)

with open(os.path.join(out, "filter_ref.f64"), "wb") as f:
    f.write(b"".join(blobs))
with open(os.path.join(out, "filter_ref.csv"), "w") as f:
    f.write("name,input,kind,p1,p2,p3,nx,ny,nz,sx,sy,sz,offset,count\n")
    for r in rows:
        f.write(",".join(r) + "\n")
print("%d maps, %d values (ITK %s, PyWavelets %s, scikit-image %s)" % (len(rows), offset, "5.2", pywt.__version__, skimage.__version__))
EOF
