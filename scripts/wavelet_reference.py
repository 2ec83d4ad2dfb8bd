#!/usr/bin/python3
"""Reference numbers for tests/unit/test_filter_wavelet.c, printed as C arrays from PyWavelets (Debian's
python3-pywt, `apt-get install python3-pywt`; run with /usr/bin/python3). Never run at test time: its output is
pasted into the test.

Prints
  1. the decomposition filters dec_lo, dec_hi of haar, db1 .. db10, coif1 .. coif5;
  2. undecimated (stationary) sub-bands of a small 3D test volume under periodic boundaries
     (pywt.swtn, mode periodization), which fixes our convention (kernel = dec filter, zero appended, true
     convolution centred on the middle tap): db2 level-2 "LHH", coif1 level-1 "HLH";
  3. a 2D sub-band (pywt.swt2 on every axial slice): db3 level-1 "HL".
The volume is v[x, y, z] = ((3 x + 5 y + 7 z + x y z) mod 11) - 4 + 0.25 x, of 8 x 4 x 8 voxels (x, y, z), the
same formula as vol() in the test. Sub-band letters are per axis, x first; pywt's keys use 'a' (approximation, L)
and 'd' (detail, H) per array axis, and the array here is indexed [x, y, z].

SPDX-License-Identifier: GPL-3.0-or-later
"""
import numpy as np
import pywt

NAMES = ["haar"] + ["db%d" % i for i in range(1, 11)] + ["coif%d" % i for i in range(1, 6)]
NX, NY, NZ = 8, 4, 8


def carr(vals, per_line=4):
    s = ["%.17g" % v for v in vals]
    return ",\n".join("    " + ", ".join(s[i:i + per_line]) for i in range(0, len(s), per_line))


def volume():
    v = np.zeros((NX, NY, NZ))
    for x in range(NX):
        for y in range(NY):
            for z in range(NZ):
                v[x, y, z] = ((3 * x + 5 * y + 7 * z + x * y * z) % 11) - 4 + 0.25 * x
    return v


def key(subband):
    return "".join("a" if c == "L" else "d" for c in subband)


def flat(a):
    """[x, y, z] array -> x-fastest list"""
    return [a[x, y, z] for z in range(a.shape[2]) for y in range(a.shape[1]) for x in range(a.shape[0])]


def main():
    print("/* pywt %s: decomposition filters (dec_lo, dec_hi) */" % pywt.__version__)
    for n in NAMES:
        w = pywt.Wavelet(n)
        print("static const double REF_LO_%s[%d] = {\n%s};" % (n, len(w.dec_lo), carr(w.dec_lo)))
        print("static const double REF_HI_%s[%d] = {\n%s};" % (n, len(w.dec_hi), carr(w.dec_hi)))
    v = volume()
    for wname, level, sb in (("db2", 2, "LHH"), ("coif1", 1, "HLH")):
        c = pywt.swtn(v, wname, level=level, trim_approx=False)
        band = c[0][key(sb)]  # c[0]: the deepest level
        print("/* pywt.swtn(v, '%s', level=%d)[0]['%s']: sub-band %s of level %d, x fastest */"
              % (wname, level, key(sb), sb, level))
        print("static const double REF_SWTN_%s_%s_L%d[%d] = {\n%s};" % (wname, sb, level, v.size, carr(flat(band))))
    out = np.zeros_like(v)
    for z in range(NZ):
        (ca, (ch, cv, cd)), = pywt.swt2(v[:, :, z], "db3", level=1, trim_approx=False)
        d2 = pywt.swtn(v[:, :, z], "db3", level=1, trim_approx=False)[0]["da"]  # H along x, L along y
        assert np.array_equal(d2, ch)  # pywt's 2D naming: cH is 'da'
        out[:, :, z] = ch
    print("/* pywt.swt2 per axial slice, 'db3', level 1, detail cH = 'da' (H along x, L along y): sub-band HL */")
    print("static const double REF_SWT2_db3_HL_L1[%d] = {\n%s};" % (v.size, carr(flat(out))))


if __name__ == "__main__":
    main()
