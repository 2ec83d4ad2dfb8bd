/* voxomics: IBSI 1 image processing: interpolation onto a new grid ("Interpolation", IBSI 1 section 2.4), and
 * re-segmentation. The whole ROI in one call: voxomics/roi.h.
 *
 * Grid (IBSI "Notes on interpolation"): along each axis with input size n and spacing s, the new grid of
 * spacing s' has n' = ceil(n s / s') voxels and its centre coincides with the centre of the input grid, so
 * the first new voxel lies at input position ((n - 1) s - (n' - 1) s') / 2 mm from the first input voxel.
 * Direction cosines are kept. An axis whose new spacing is not given (NaN or <= 0) keeps its grid, which is
 * how in-plane (2D) interpolation leaves the slices alone.
 *
 * Interpolators are separable (one axis at a time, in double precision):
 *   nearest: the input voxel nearest to the sample position (ties to the higher index);
 *   linear:  linear in each axis (bilinear in-plane, trilinear in 3D); reproduces polynomials of degree 1;
 *   cubic:   cubic B-spline interpolation (IBSI configuration E's "tricubic spline"): the image is first
 *            turned into B-spline coefficients by the exact recursive prefilter (poles sqrt(3) - 2), then
 *            sampled with the cubic B-spline kernel; it passes through every input voxel and reproduces
 *            polynomials of degree 3.
 * Outside the input grid the image continues with its nearest boundary voxel (IBSI: "nearest boundary
 * intensities"); for the cubic prefilter this is the exact infinite constant continuation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_PROCESS_H
#define VOXOMICS_PROCESS_H

#include "voxomics/export.h"

#include <stddef.h>
#include <stdint.h>

#include "voxomics/error.h"
#include "voxomics/image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vx_interp {
    VX_INTERP_NEAREST = 0,
    VX_INTERP_LINEAR,
    VX_INTERP_CUBIC,
} vx_interp;

/* Name of an interpolator ("nearest", "linear", "cubic"; "?" when unknown; static strings), and the reverse
 * (-1 when unknown; also accepts trilinear, bilinear, tricubic, bspline, spline and nn). */
VX_API const char *vx_interp_name(vx_interp m);
VX_API int vx_interp_find(const char *name);

/* New grid of `in` with the given spacing (mm) per axis into *out; spacing[a] NaN or <= 0 keeps axis a.
 * Errors: VX_EINVAL for a spacing that is not valid, or one that gives more than 1e8 voxels along an axis. */
VX_API int vx_resample_grid(const vx_geometry *in, const double spacing[3], vx_geometry *out, vx_error *err);

/* Continuous input index (voxel units along axis a of `in`) of target voxel j along axis a of `out`,
 * rounded to a multiple of 2^-24 voxel so that coinciding grids give identical positions despite the
 * rounding noise of their origins. `out` must share the direction cosines of `in`. */
VX_API double vx_resample_position(const vx_geometry *in, const vx_geometry *out, int axis, double j);

/* Target voxels [*tlo, *thi) along `axis` of out whose interpolation with m reads any input voxel in
 * [lo, hi) of that axis (every other target sees none of them). Returns 0 when there is none. */
VX_API int vx_resample_reach(const vx_geometry *in, const vx_geometry *out, int axis, size_t lo, size_t hi, vx_interp m,
                             size_t *tlo, size_t *thi);

/* Sample the image src (geometry in, x fastest) at the target voxels lo[a] <= j < hi[a] of grid out with
 * the given interpolator. round_src != 0 rounds input values to the nearest integer first (IBSI, for
 * calibrated integer data). dst receives (hi-lo) voxels, x fastest, in double. Axes where out equals in
 * (same spacing, integer offset) are copied, not interpolated. The caller provides dst.
 * Errors: VX_EINVAL for an unknown interpolator, an empty or out-of-grid box, a grid whose direction differs
 * from in's; VX_ENOMEM. */
VX_API int vx_resample_box(const float *src, const vx_geometry *in, const vx_geometry *out, const size_t lo[3],
                           const size_t hi[3], vx_interp method, int round_src, double *dst, vx_error *err);

/* ---- re-segmentation (IBSI 1, "Re-segmentation") ------------------------------------------------------- */
/* The intensity mask imask (n voxels, caller-allocated) from the morphological mask mmask and the intensities
 * img: first the range, voxels of mmask with min <= img <= max (NaN bound: open), then, when
 * outlier_sigma > 0, only those within mean +/- outlier_sigma * sd of what the range left (population
 * standard deviation, in double). *n_int receives the voxel count of imask. The morphological mask is not
 * changed (IBSI: re-segmentation acts on the intensity mask only).
 * Errors: VX_EEMPTY when no voxel is left ("widen the range"); imask and *n_int are written even then. */
VX_API int vx_resegment(const float *img, const uint8_t *mmask, size_t n, double min, double max, double outlier_sigma,
                 uint8_t *imask, size_t *n_int, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
