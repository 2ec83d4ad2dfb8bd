#!/usr/bin/python3
"""PyWavelets' decomposition filters of every wavelet voxomics builds (src/filter/wavelet_bank.c), as test data
for tests/unit/test_filter_wavelet.c; the tests never run this script.

    /usr/bin/python3 scripts/pywt_banks_reference.py [OUT.csv]   (default tests/data/pyradiomics/wavelet_banks.csv)

Needs Debian's python3-pywt (PyWavelets 1.1.1). Writes name,k,dec_lo,dec_hi (k = 0 .. length - 1, %.17g)."""
import sys

import pywt

names = ["haar"] + [f"db{n}" for n in range(1, 39)] + [f"sym{n}" for n in range(2, 21)] + \
    [f"coif{n}" for n in range(1, 6)] + \
    [w for w in pywt.wavelist(kind="discrete") if w.startswith("bior") or w.startswith("rbio")]
out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/pyradiomics/wavelet_banks.csv"
with open(out, "w") as f:
    f.write(f"# PyWavelets {pywt.__version__}: pywt.Wavelet(name).dec_lo / dec_hi (scripts/pywt_banks_reference.py)\n")
    f.write("name,k,dec_lo,dec_hi\n")
    for n in names:
        w = pywt.Wavelet(n)
        for k, (lo, hi) in enumerate(zip(w.dec_lo, w.dec_hi)):
            f.write(f"{n},{k},{lo:.17g},{hi:.17g}\n")
