/* voxomics: the wavelet filter banks of the separable wavelet filter (IBSI 2, 25BO) and of PyRadiomics'
 * wavelets, internal to src/filter (wavelet.c, pyrad_wavelet.c and the tests).
 *
 * A bank holds the decomposition low-pass and high-pass filters g_L and g_H of one wavelet (biorthogonal ones:
 * src/filter/wavelet_bank.c says how they are laid out). For an orthogonal wavelet, as IBSI 2
 * writes them (Haar: g_H = [-1, 1] / sqrt 2, g_L = [1, 1] / sqrt 2) and as PyWavelets names them (dec_lo,
 * dec_hi). With h the scaling filter of Daubechies ("Ten Lectures on Wavelets", 1992: sum h = sqrt 2, h[0] the
 * coefficient of the highest power of the minimum-phase factor), of even length n:
 *   g_L[k] = h[n - 1 - k],   g_H[k] = (-1)^(k + 1) h[k],   k = 0 .. n - 1.
 * Filters are used as true convolution kernels with a zero appended (odd length n + 1, centre n / 2).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_WAVELET_BANK_H
#define VX_WAVELET_BANK_H

#define VXW_MAXLEN 76 /* db38: 76 taps */

typedef struct vxw_bank {
    int n;                  /* filter length (even) */
    double lo[VXW_MAXLEN];  /* g_L, decomposition low-pass */
    double hi[VXW_MAXLEN];  /* g_H, decomposition high-pass */
} vxw_bank;

/* The accepted names, for messages. */
#define VXW_NAMES                                                                                         \
    "haar, db1 .. db38, sym2 .. sym20, coif1 .. coif5, bior1.1, 1.3, 1.5, 2.2, 2.4, 2.6, 2.8, 3.1, 3.3, 3.5, 3.7, " \
    "3.9, 4.4, 5.5, 6.8 and rbio of the same orders"

/* 1 when name (case-insensitive) names a bank VXW_NAMES lists, else 0. */
int vxw_bank_known(const char *name);

/* Filter length of the bank called name (haar, dbN, symN: 2N; coifN: 6N; bior, rbio: PyWavelets' array
 * length), 0 for an unknown name. */
int vxw_bank_length(const char *name);

/* Fill *b with the bank called name: Haar and Daubechies dbN by spectral factorisation of Daubechies'
 * maxflat polynomial (roots inside the unit circle), symlets symN by the same with PyWavelets' choice of
 * roots, bior / rbio by Cohen-Daubechies-Feauveau's factorisation, Coiflets coifN by solving their defining equations
 * (orthonormality, 2N vanishing moments of the wavelet, 2N - 1 of the scaling function) with Gauss-Newton in
 * 128-bit floating point. Returns 0, or -1 for an unknown name (or a solver failure, which does not occur for
 * the listed names). Deterministic: the same bits on every call. */
int vxw_bank_get(const char *name, vxw_bank *b);

#endif
