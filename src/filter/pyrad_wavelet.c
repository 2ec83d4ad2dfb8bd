/* voxomics: PyRadiomics' wavelet image types (filter kind wavelet_pyradiomics), PyRadiomics' own definition
 * (radiomics/imageoperations.py, getWaveletImage and _swt3), which differs from the IBSI 2 undecimated
 * wavelet (wavelet.c) in two ways:
 *   1. every filtered axis of odd size N is first padded to N + 1 voxels by numpy's 'wrap' (voxel N is voxel
 *      0), then transformed periodically with period N + 1, and the padding is cropped at the end;
 *   2. every level is PyWavelets' level-1 stationary transform (pywt.swtn(level=1, start_level=0)) of the
 *      previous level's approximation: the filters are never dilated (no a trous upsampling).
 * So the sub-band s of level J (J = start_level + the level's index, as src/io/pyrad_params.c counts it) is
 *   a^0 = pad(f),  a^j = W_{LL..L}(a^(j-1)) for j < J,  h_s^J = W_s(a^(J-1)),  cropped,
 * W_s the level-1 separable transform of wavelet.c (IBSI 2 25BO at level 1, periodic padding: PyWavelets'
 * swtn with mode periodization of the even-sized array). The approximation image (LLL, PyRadiomics'
 * wavelet-LLL / waveletJ-LLL) is the sub-band LL..L of level J. dim 2: x and y (PyRadiomics' force2D with
 * force2Ddimension 0). Same wavelets as wavelet.c (haar, dbN, coifN); the result is global (reach SIZE_MAX:
 * the wrap padding depends on the image's size).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_impl.h"

/* the level-1 IBSI wavelet spec of f for sub-band `band` */
static void level1(const vx_filter_spec *f, const char *band, vx_filter_spec *w)
{
    vx_filter_spec_init(w);
    w->kind = VX_FILTER_WAVELET;
    w->dim = f->dim;
    w->pad = VX_PAD_PERIODIC;
    w->level = 1;
    memcpy(w->wavelet, f->wavelet, sizeof w->wavelet);
    snprintf(w->subband, sizeof w->subband, "%.*s", (int)sizeof w->subband - 1, band);
}

int vxf_pywavelet_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                        const double spacing[3], double *out, vx_error *err)
{
    size_t P[3];
    for (int a = 0; a < 3; a++)
        P[a] = a < f->dim && dims[a] % 2 ? dims[a] + 1 : dims[a];
    const size_t np = P[0] * P[1] * P[2];
    double *A = malloc(np * sizeof *A), *B = malloc(np * sizeof *B);
    if (!A || !B) {
        free(A);
        free(B);
        return vx_error_set(err, VX_ENOMEM, "filter wavelet_pyradiomics: out of memory for 2 images of %zu voxels",
                            np);
    }
    /* numpy.pad(..., 'wrap') by one voxel at the end of each odd axis */
    for (size_t z = 0; z < P[2]; z++)
        for (size_t y = 0; y < P[1]; y++)
            for (size_t x = 0; x < P[0]; x++)
                A[x + P[0] * (y + P[1] * z)] =
                    in[x % dims[0] + dims[0] * (y % dims[1] + dims[1] * (z % dims[2]))];
    const char *low = f->dim == 2 ? "LL" : "LLL";
    int rc = VX_OK;
    vx_filter_spec w;
    for (int j = 1; rc == VX_OK && j < f->level; j++) {
        level1(f, low, &w);
        rc = vx_filter_apply(c, &w, A, P, spacing, B, err);
        double *t = A;
        A = B;
        B = t;
    }
    if (rc == VX_OK) {
        level1(f, f->subband, &w);
        rc = vx_filter_apply(c, &w, A, P, spacing, B, err);
    }
    if (rc == VX_OK)
        for (size_t z = 0; z < dims[2]; z++)
            for (size_t y = 0; y < dims[1]; y++)
                memcpy(out + dims[0] * (y + dims[1] * z), B + P[0] * (y + P[1] * z), dims[0] * sizeof *out);
    else
        vx_error_prefix(err, "filter wavelet_pyradiomics: ");
    free(A);
    free(B);
    return rc;
}

void vxf_pywavelet_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    (void)spacing;
    reach[0] = reach[1] = SIZE_MAX;
    reach[2] = f->dim == 3 ? SIZE_MAX : 0;
}

int vxf_pywavelet_check(const vx_filter_spec *f, vx_error *err)
{
    vx_filter_spec w;
    level1(f, f->subband, &w);
    int rc = vxf_wavelet_check(&w, err);
    if (rc != VX_OK) {
        vx_error_prefix(err, "wavelet_pyradiomics: ");
        return rc;
    }
    if (f->level < 1 || f->level > 10)
        return vx_error_set(err, VX_EINVAL, "filter wavelet_pyradiomics: level %d; use 1 .. 10", f->level);
    return VX_OK;
}
