/* voxomics: what the filter module (src/filter) shares internally: one apply / reach / check function per
 * filter kind, called by the dispatcher src/filter/filter.c. Internal to libvoxomics (not installed).
 *
 * Each kind's file owns its definition (IBSI 2 name, id and formula in its header comment):
 *   convolve.c   mean, LoG (spatial kernels, FFT or separable)
 *   laws.c       Laws kernels, right-angle rotation invariance, energy map
 *   gabor.c      Gabor, orientations, orthogonal planes
 *   wavelet.c    separable undecimated wavelets (wavelet_bank.c: the filter banks)
 *   simoncelli.c Simoncelli band-pass maps; riesz.c: Riesz transforms and structure-tensor steering
 *   pyrad_maps.c PyRadiomics' square, square root, logarithm, exponential, gradient and LBP maps
 *   recursive_gauss.c  log_recursive: PyRadiomics' LoG, ITK's recursive (Deriche) Gaussian derivatives
 *   pyrad_wavelet.c    wavelet_pyradiomics: PyRadiomics' wavelets (wrap-padded to even, undilated levels)
 * Contract of an apply function: in/out of dims voxels (x fastest), spacing in mm, f valid for its kind
 * (vx_filter_validate passed), out caller-allocated and not aliasing in, every out voxel written; c may be
 * NULL (make plans for the call). A reach function fills the half support per axis (vx_filter_reach).
 * A check function returns VX_OK or VX_EINVAL with a message naming the parameter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_FILTER_IMPL_H
#define VX_FILTER_IMPL_H

#include "voxomics/filter.h"

typedef int (*vxf_apply_fn)(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                            const double spacing[3], double *out, vx_error *err);
typedef void (*vxf_reach_fn)(const vx_filter_spec *f, const double spacing[3], size_t reach[3]);
typedef int (*vxf_check_fn)(const vx_filter_spec *f, vx_error *err);

#define VXF_DECLARE(name)                                                                                         \
    int vxf_##name##_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],      \
                           const double spacing[3], double *out, vx_error *err);                                  \
    void vxf_##name##_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3]);                   \
    int vxf_##name##_check(const vx_filter_spec *f, vx_error *err);

VXF_DECLARE(mean)
VXF_DECLARE(log)
VXF_DECLARE(laws)
VXF_DECLARE(gabor)
VXF_DECLARE(wavelet)
VXF_DECLARE(simoncelli)
VXF_DECLARE(pyrad)
VXF_DECLARE(logrec)
VXF_DECLARE(pywavelet)

/* Riesz transform (IBSI 2 AYRS) of the response map `resp` (dims) of a LoG or Simoncelli filter, of order
 * f->riesz, steered by the structure tensor when f->tensor_sigma_mm > 0 (computed from `img`, the filter's
 * input). Into out. Called by the LoG and Simoncelli apply functions when any f->riesz[a] != 0. */
int vxf_riesz_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *img, const double *resp,
                    const size_t dims[3], const double spacing[3], double *out, vx_error *err);
/* Checks the Riesz fields (order >= 0, at most 2 along z in 2D ... ). */
int vxf_riesz_check(const vx_filter_spec *f, vx_error *err);

/* 1 when the spec asks for a Riesz transform (any order component non-zero). */
static inline int vxf_has_riesz(const vx_filter_spec *f)
{
    return f->riesz[0] || f->riesz[1] || f->riesz[2];
}

#endif
