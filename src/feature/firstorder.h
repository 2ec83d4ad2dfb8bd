/* voxomics: internal helpers shared by the first-order families (intensity-based statistics, intensity
 * histogram, intensity-volume histogram).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_FEATURE_FIRSTORDER_H
#define VOXOMICS_FEATURE_FIRSTORDER_H

#include <stddef.h>

#include "voxomics/error.h"
#include "voxomics/feature.h"

/* ---- percentiles ---------------------------------------------------------------------------------------
 * IBSI 1 does not spell out a percentile estimator; voxomics uses linear interpolation between order
 * statistics (Hyndman & Fan type 7, the default of R's quantile() and numpy.percentile()), which reproduces
 * every IBSI reference value:
 *     h = (n - 1) p,  P_p = x_(floor h) + (h - floor h) (x_(floor h + 1) - x_(floor h))
 * with x_(0) <= ... <= x_(n-1) the sorted sample (0-based order statistics). */

/* Percentiles probs[0..np-1] (each in [0, 1]) of x[0..n-1] by selection, no sort: one pass counts the
 * values into 4096 equal-width buckets over [min, max], a second gathers the buckets holding the needed
 * order statistics, and a three-way quickselect finds them inside those buckets. O(n). x is not modified.
 * Returns VX_OK or VX_ENOMEM. */
int vx_quantiles(const double *x, size_t n, const double *probs, size_t np, double *out);

/* Same estimator from a histogram: counts[0..nb-1] of the values v0, v0 + 1, ..., v0 + nb - 1 (total n >= 1). */
void vx_quantiles_hist(const double *counts, size_t nb, double v0, double n, const double *probs, size_t np,
                       double *out);

/* ---- the first-order families from their data (also the voxel maps' sliding window) ------------------- */

/* The intensity statistics rows of vx_stat_compute for the n intensities v (in the ROI's scan order: z, y, x). */
int vx_stat_from_values(const double *v, size_t n, vx_results *res, vx_error *err);

/* The intensity histogram rows of vx_ih_compute for the histogram h[i - 1] = n_i of the grey levels 1..ng
 * (ng + 1 values, h[ng] = 0) of n voxels. */
int vx_ih_from_histogram(const double *h, int ng, size_t n, vx_results *res, vx_error *err);

/* ---- intensity-volume histogram kernel (see ivh.c) ------------------------------------------------------ */
enum { VX_IVH_NF = 7 };

/* The 7 IVH features (order of features.def: V10, V90, I10, I90, V10-V90, I10-I90, AUC) of the IVH
 * intensities roi->ivh inside roi->imask, over the total range G = [roi->ivh_min, roi->ivh_max] sampled with
 * discretisation interval wd (> 0). vx_ivh_compute calls it with the interval of the IVH settings. */
int vx_ivh_eval(const vx_roi *roi, double wd, double out[VX_IVH_NF], vx_error *err);

#endif
