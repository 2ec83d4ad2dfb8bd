/* voxomics: the Simoncelli non-separable wavelet, band-pass ("B") map of one decomposition level (IBSI 2
 * "non-separable wavelets" LODD, Simoncelli wavelet PRT7, B map GCEK), optionally Riesz-transformed (riesz.c).
 *
 * Radial profile in the Fourier domain (IBSI 2 eq. "simoncelliWavelet"), nu_B = pi the normalised Nyquist
 * frequency:
 *
 *     g^(nu) = cos(pi/2 log2(2 |nu| / nu_B))   if nu_B / 4 <= |nu| <= nu_B,   0 otherwise;
 *
 * the band-pass filter of level j (1, 2, ...) replaces nu_B by nu_B / 2^(j-1) (the first level uses nu_B itself:
 * "start from the initial definition of the band-pass filter ... constructing the filter with half nu_B at
 * every consecutive step"). |nu| = sqrt(nu1^2 + nu2^2 + nu3^2) in rad / sample on the IBSI frequency grid of
 * fourier_impl.h: nu_i in [-pi, pi] with step 2 pi / (N_i - 1), the null frequency at the centre of the
 * shifted spectrum. The response map is the real part of F^-1{g^ . F{f}} (Hadamard product with the image's
 * DFT). 3D: one 3D transform of the volume; 2D: the (nu1, nu2) profile applied to every axial slice's 2D
 * transform. The profile is in voxel units (the manual's grid "in voxel dimensions"): the voxel spacing does
 * not enter (IBSI recommends isotropic resampling before filtering).
 *
 * Boundary conditions: the filter is defined on the image's own grid, so with periodic boundaries (IBSI
 * "periodisation", the DFT's own boundary condition) the image is transformed as it is. For the other
 * conditions (constant, nearest, mirror) the image is padded under that condition by half its size on each
 * side along every filtered axis (vxf_fourier_grid), filtered on the padded grid (whose IBSI frequency grid is
 * finer but spans the same [-pi, pi], so the wavelet keeps its scale in voxels) and cropped back; the
 * wavelet's spatial kernel decays within that margin (level 1 to 3), so a voxel sees the padded continuation,
 * not the opposite edge.
 *
 * Riesz (f->riesz non-zero): the Riesz multiplier (riesz.c) is applied to the same padded spectrum before the
 * inverse transform, and its structure-tensor alignment when tensor_sigma_mm > 0.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "filter_impl.h"
#include "fourier_impl.h"

#define VXF_SIM_MAX_LEVEL 16

/* The level-j profile at radius r (rad / sample). */
static double simoncelli_profile(double r, double nub)
{
    if (r < 0.25 * nub || r > nub)
        return 0.0;
    return cos(0.5 * VXF_PI * log2(2.0 * r / nub));
}

int vxf_simoncelli_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                         const double spacing[3], double *out, vx_error *err)
{
    size_t lo[3], hi[3], n[3];
    vxf_fourier_grid(f, dims, lo, hi, n);
    vxf_spectrum s;
    int rc = vxf_spectrum_init(&s, c, n, f->dim, err);
    if (rc != VX_OK)
        return rc;
    double *w = NULL;
    rc = vxf_spectrum_load(&s, in, dims, lo, f->pad, f->pad_value, err);
    if (rc != VX_OK)
        goto done;
    /* per-axis grid frequencies, then the profile at every bin */
    if (!(w = malloc((n[0] + n[1] + n[2]) * sizeof *w))) {
        rc = vx_error_set(err, VX_ENOMEM, "filter simoncelli: out of memory");
        goto done;
    }
    double *wa[3] = {w, w + n[0], w + n[0] + n[1]};
    for (int a = 0; a < 3; a++)
        for (size_t k = 0; k < n[a]; k++)
            wa[a][k] = a == 2 && f->dim == 2 ? 0.0 : vxf_grid_freq(k, n[a]);
    const double nub = VXF_PI / ldexp(1.0, f->level - 1);
    double(*F)[2] = s.F;
#pragma omp parallel for schedule(static)
    for (size_t z = 0; z < n[2]; z++)
        for (size_t y = 0; y < n[1]; y++)
            for (size_t x = 0; x < n[0]; x++) {
                const size_t i = x + n[0] * (y + n[1] * z);
                const double g = simoncelli_profile(
                    sqrt(wa[0][x] * wa[0][x] + wa[1][y] * wa[1][y] + wa[2][z] * wa[2][z]), nub);
                F[i][0] *= g;
                F[i][1] *= g;
            }
    if (vxf_has_riesz(f))
        rc = vxf_riesz_spectral(&s, f, lo, dims, spacing, out, err);
    else {
        rc = vx_fft_execute(s.inv, s.F, s.F, err);
        if (rc != VX_OK)
            goto done;
        const double norm = 1.0 / (double)(f->dim == 3 ? s.nv : n[0] * n[1]);
        for (size_t z = 0; z < dims[2]; z++)
            for (size_t y = 0; y < dims[1]; y++) {
                const double(*src)[2] = F + lo[0] + n[0] * ((y + lo[1]) + n[1] * (z + lo[2]));
                double *o = out + dims[0] * (y + dims[1] * z);
                for (size_t x = 0; x < dims[0]; x++)
                    o[x] = src[x][0] * norm;
            }
    }
done:
    free(w);
    vxf_spectrum_free(&s);
    return rc;
}

void vxf_simoncelli_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    (void)spacing;
    reach[0] = reach[1] = SIZE_MAX;
    reach[2] = f->dim == 2 ? 0 : SIZE_MAX;
}

int vxf_simoncelli_check(const vx_filter_spec *f, vx_error *err)
{
    if (f->level < 1 || f->level > VXF_SIM_MAX_LEVEL)
        return vx_error_set(err, VX_EINVAL, "filter simoncelli: decomposition level %d; use 1 .. %d", f->level,
                            VXF_SIM_MAX_LEVEL);
    if (f->tensor_sigma_mm != 0.0 && !vxf_has_riesz(f))
        return vx_error_set(err, VX_EINVAL, "filter simoncelli: structure-tensor sigma %g mm without a Riesz "
                            "order; set the Riesz order (e.g. 0,2,0) or a tensor sigma of 0", f->tensor_sigma_mm);
    return VX_OK;
}
