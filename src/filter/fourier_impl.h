/* voxomics: the Fourier-domain frequency grid shared by the Simoncelli wavelet (simoncelli.c) and the Riesz
 * transform (riesz.c). Internal to libvoxomics.
 *
 * IBSI 2, non-separable wavelets (LODD): "we recommend defining a coordinate grid in the Fourier domain, where
 * each dimension nu_i is sampled in the interval [-pi, pi] with a step of 2 pi / (N_i - 1)", the null frequency
 * in the centre of the (fft-shifted) array. The centred array's element m (0 .. N-1) holds
 * nu = -pi + 2 pi m / (N - 1); it multiplies the spectrum bin k that fftshift brings to position m,
 * m = (k + floor(N / 2)) mod N. For odd N the grid is symmetric (bin 0 has nu = 0); for even N the centre
 * element N / 2 (which multiplies bin 0) has nu = pi / (N - 1), so the filter is slightly off-centre and its
 * spatial kernel slightly complex: the response map is the real part (as in the IBSI reference maps).
 * N = 1: nu = 0.
 *
 * Also declared here: the padded grid, spectrum work array and Riesz step (implemented in riesz.c) that both
 * files use, so that a Riesz-transformed Simoncelli map is one padded transform with both multipliers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_FOURIER_IMPL_H
#define VX_FOURIER_IMPL_H

#include <math.h>
#include <stddef.h>

#include "filter_impl.h"

#define VXF_PI 3.14159265358979323846

/* Frequency in rad / sample that the IBSI grid gives the DFT bin k of an n-point axis. */
static inline double vxf_grid_freq(size_t k, size_t n)
{
    if (n < 2)
        return 0.0;
    const size_t m = (k + n / 2) % n;
    return -VXF_PI + 2.0 * VXF_PI * (double)m / (double)(n - 1);
}

/* The grid on which a Fourier-domain filter of spec f acts on an image of dims voxels: the image padded by
 * lo[a] voxels before and hi[a] after along each axis (none for periodic boundaries; none along z in 2D),
 * n[a] = lo[a] + dims[a] + hi[a]. */
void vxf_fourier_grid(const vx_filter_spec *f, const size_t dims[3], size_t lo[3], size_t hi[3], size_t n[3]);

/* A complex work array on the grid n and the in-place forward and backward (unnormalised) DFT plans of the
 * spec's dimensionality: 3D over the volume, or 2D over each axial slice (batched along z). */
typedef struct vxf_spectrum {
    size_t n[3], nv;
    int dim;
    double (*F)[2];          /* nv bins, x fastest, fftw_malloc'ed */
    const vx_fft_plan *fwd, *inv;
    vx_fft_cache *own;       /* the cache made for the call when the caller gave none */
} vxf_spectrum;
int vxf_spectrum_init(vxf_spectrum *s, vx_fft_cache *c, const size_t n[3], int dim, vx_error *err);
void vxf_spectrum_free(vxf_spectrum *s);
/* Fill s->F with the image in (dims) padded under the spec's boundary condition (offsets lo; cval for constant
 * padding), imaginary parts 0, and transform it forward. */
int vxf_spectrum_load(vxf_spectrum *s, const double *in, const size_t dims[3], const size_t lo[3], vx_pad_mode m,
                      double cval, vx_error *err);
/* The Riesz transform of order f->riesz (steered when f->tensor_sigma_mm > 0) of the response whose spectrum
 * s->F holds on the grid s->n (destroyed), cropped at offset lo to dims into out. */
int vxf_riesz_spectral(vxf_spectrum *s, const vx_filter_spec *f, const size_t lo[3], const size_t dims[3],
                       const double spacing[3], double *out, vx_error *err);

#endif
