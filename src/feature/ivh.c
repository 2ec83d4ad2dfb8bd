/* voxomics: intensity-volume histogram (IVH) features, IBSI family P88C (IBSI 1 section 3.5).
 *
 * ---- What this family expects in vx_roi -------------------------------------------------------------------
 * roi->ivh[k]  (read only where roi->imask[k] != 0) is X_d,gl, the IVH intensity of voxel k *in the units
 *              in which I_x is reported* (roi->ivh NULL: computed from roi->img[k] under roi->ivh_map), and roi->ivh_min / roi->ivh_max are min(G) / max(G) of the total
 *              range G. The IVH is evaluated at the grey levels i = ivh_min + j w_d, j = 0 .. J, with
 *              J = round((ivh_max - ivh_min) / w_d), w_d the discretisation interval. The three IBSI cases:
 *   1. Definite units, discrete (CT; the digital phantom; configurations A, B, D):
 *        ivh = raw intensities X_gl (no discretisation), w_d = 1;
 *        G = the re-segmentation range when one is given (a half-open range takes max(X_gl) as its upper
 *        bound), else [min(X_gl), max(X_gl)] over the intensity mask.
 *   2. Definite units, continuous (PET; configuration C: fixed bin size w_b = 2.5 HU from X_gl,min = -1000):
 *        X_d = fixed-bin-size bin numbers with bin width w_b and minimum X_gl,min (the lower bound of the
 *        re-segmentation range, else min(X_gl)), converted to bin centres:
 *        ivh = X_gl,min + (X_d - 0.5) w_b;  w_d = w_b;
 *        G = [X_gl,min + 0.5 w_b, X_gl,max - 0.5 w_b], i.e. ivh_min / ivh_max are the first and last
 *        *bin centres* (config C: -998.75 and 398.75), NOT the re-segmentation bounds -1000 / 400.
 *   3. Arbitrary units (MRI; configuration E: 1000 bins): fixed-bin-number discretisation with N_g = 1000
 *        bins over [min(X_gl), max(X_gl)] of the ROI; ivh = the bin numbers 1..N_g; w_d = 1; G = [1, N_g].
 * Values off the grid are allowed (a voxel counts as "< i" when X < i); values on the grid are recognised up
 * to a relative 1e-7 of w_d, so bin centres computed in floating point are never split across levels.
 *
 * The discretisation interval w_d is roi->ivh_bin_width (values <= 0 are taken as 1).
 *
 * ---- Definitions ------------------------------------------------------------------------------------------
 * Volume fraction nu_i = 1 - 1/N_v sum_k [X_d,gl,k < i]; intensity fraction
 * gamma_i = (i - min G) / (max G - min G), over every level i of the grid (also absent levels).
 *   V_x: the largest nu_i with gamma_i >= x (nu is non-increasing in i: nu at the lowest such level).
 *   I_x: the lowest level i with nu_i <= x. When no level of G qualifies (the top level alone holds more
 *        than x of the volume) I_x = max G + w_d, the next level, where nu = 0 (IBSI leaves this open).
 * Degenerate range (max G = min G): gamma is undefined, V10 / V90 / their difference are NaN and the area
 * is 0 (IBSI: one grey level gives AUC = 0). Empty intensity mask: every feature NaN.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "feature/firstorder.h"
#include "prep/levels.h"
#include "voxomics/roi.h"
#include "voxomics/feature.h"

/* Largest grid accepted (levels of G): protects against a tiny w_d over a huge range. */
#define IVH_MAX_LEVELS ((size_t)1 << 22)

/* The IVH discretisation interval w_d for vx_ivh_compute. */
static double ivh_wd(const vx_roi *roi)
{
    return roi->ivh_bin_width > 0.0 ? roi->ivh_bin_width : 1.0;
}

/* Count the intensity-mask voxels into below[j], j = the first level g_j = gmin + j wd above the value
 * (nl: any value at or above g_{nl-1}). Returns the number of voxels. */
static size_t ivh_bin(const vx_roi *roi, double gmin, double wd, size_t nl, double *below)
{
    const size_t nx = roi->dims[0], nxy = roi->dims[0] * roi->dims[1];
    size_t n = 0;
    for (size_t z = roi->box_lo[2]; z < roi->box_hi[2]; z++)
        for (size_t y = roi->box_lo[1]; y < roi->box_hi[1]; y++) {
            const size_t row = z * nxy + y * nx;
            const uint8_t *m = roi->imask + row;
            const double *v = roi->ivh ? roi->ivh + row : NULL;
            const float *im = roi->img + row;
            for (size_t x = roi->box_lo[0]; x < roi->box_hi[0]; x++) {
                if (!m[x])
                    continue;
                /* grid coordinate t = (X - min G) / w_d; the first level j with g_j > X is floor(t) + 1,
                 * where t within 1e-7 of an integer counts as that integer (X on the grid) */
                const double t = ((v ? v[x] : vx_ivh_map_value(&roi->ivh_map, im[x])) - gmin) / wd;
                size_t j;
                if (!(t > -1.0))
                    j = 0;
                else if (t >= (double)nl)
                    j = nl;
                else {
                    const long long ti = (long long)t; /* truncation; t in (-1, nl) */
                    const double fr = t - (double)ti;  /* in (-1, 1) */
                    long long fl = fr > 1.0 - 1e-7 ? ti + 1 : (fr >= -1e-7 ? ti : ti - 1);
                    j = fl + 1 <= 0 ? 0 : ((size_t)(fl + 1) >= nl ? nl : (size_t)(fl + 1));
                }
                below[j] += 1.0;
                n++;
            }
        }
    return n;
}

int vx_ivh_eval(const vx_roi *roi, double wd, double out[VX_IVH_NF], vx_error *err)
{
    for (int i = 0; i < VX_IVH_NF; i++)
        out[i] = NAN;
    const double gmin = roi->ivh_min, gmax = roi->ivh_max;
    const size_t nx = roi->dims[0], nxy = roi->dims[0] * roi->dims[1];
    if (!(wd > 0.0) || !isfinite(wd) || !isfinite(gmin) || !isfinite(gmax) || gmax < gmin) {
        /* an empty intensity mask may come with an undefined range: every feature NaN */
        size_t cnt = 0;
        for (size_t z = roi->box_lo[2]; z < roi->box_hi[2]; z++)
            for (size_t y = roi->box_lo[1]; y < roi->box_hi[1]; y++)
                for (size_t x = roi->box_lo[0]; x < roi->box_hi[0]; x++)
                    cnt += roi->imask[z * nxy + y * nx + x] != 0;
        if (cnt == 0)
            return VX_OK;
        return vx_error_set(err, VX_EINVAL, "intensity-volume histogram: invalid range [%g, %g] or interval %g",
                            gmin, gmax, wd);
    }
    const double span = gmax - gmin;
    const double jr = nearbyint(span / wd);
    if (jr + 1.0 > (double)IVH_MAX_LEVELS)
        return vx_error_set(err, VX_EINVAL,
                            "intensity-volume histogram: range [%g, %g] with interval %g gives more than %zu levels",
                            gmin, gmax, wd, IVH_MAX_LEVELS);
    const size_t nl = (size_t)jr + 1; /* levels j = 0 .. nl - 1 */

    /* below[j] = number of voxels whose value lies in [g_{j-1}, g_j): such a voxel is < g_j' for j' >= j.
     * below[nl] collects voxels >= g_{nl-1} (never below any level). */
    double *below = calloc(nl + 1, sizeof *below);
    if (!below)
        return vx_error_set(err, VX_ENOMEM, "intensity-volume histogram: out of memory for %zu levels", nl);

    const size_t n = ivh_bin(roi, gmin, wd, nl, below);
    if (n == 0) {
        free(below);
        return VX_OK;
    }
    const double nv = (double)n;

    double v10 = NAN, v90 = NAN, i10 = NAN, i90 = NAN, auc = 0.0;
    double cum = 0.0, nu_prev = 0.0, ga_prev = 0.0;
    for (size_t j = 0; j < nl; j++) {
        cum += below[j];
        const double nu = 1.0 - cum / nv;               /* nu at level g_j */
        const double g = gmin + (double)j * wd;          /* level g_j */
        const double ga = span > 0.0 ? (double)j * wd / span : NAN; /* gamma at g_j */
        if (span > 0.0) {
            /* tolerance: gamma_j computed in floating point may miss x = 0.1 / 0.9 by an ulp */
            if (isnan(v10) && ga >= 0.10 - 1e-12)
                v10 = nu;
            if (isnan(v90) && ga >= 0.90 - 1e-12)
                v90 = nu;
            if (j > 0)
                auc += (ga - ga_prev) * (nu + nu_prev) / 2.0;
        }
        if (isnan(i10) && nu <= 0.10)
            i10 = g;
        if (isnan(i90) && nu <= 0.90)
            i90 = g;
        nu_prev = nu;
        ga_prev = ga;
    }
    free(below);
    if (isnan(i10))
        i10 = gmax + wd;
    if (isnan(i90))
        i90 = gmax + wd;

    /* Volume fraction at 10% intensity, BC2M: F = V10 = max{nu_i : gamma_i >= 0.10} */
    out[0] = v10;
    /* Volume fraction at 90% intensity, BC2M: F = V90 = max{nu_i : gamma_i >= 0.90} */
    out[1] = v90;
    /* Intensity at 10% volume, GBPN: F = I10 = min{i : nu_i <= 0.10} */
    out[2] = i10;
    /* Intensity at 90% volume, GBPN: F = I90 = min{i : nu_i <= 0.90} */
    out[3] = i90;
    /* Volume fraction difference between 10% and 90% intensity, DDTU: F = V10 - V90 */
    out[4] = v10 - v90;
    /* Intensity difference between 10% and 90% volume, CNV2: F = I10 - I90 */
    out[5] = i10 - i90;
    /* Area under the IVH curve, 9CMM (not standardised by IBSI): trapezoidal rule over the points
     * (gamma_i, nu_i) of every level of G, F = sum_j (gamma_{j+1} - gamma_j)(nu_j + nu_{j+1}) / 2;
     * 0 for a single level */
    out[6] = auc;
    return VX_OK;
}

int vx_ivh_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    (void)fs;
    double out[VX_IVH_NF];
    int rc = vx_ivh_eval(roi, ivh_wd(roi), out, err);
    if (rc != VX_OK)
        return rc;
    if (vx_results_add_block(res, VX_F_IVH_V10, VX_IVH_NF, VX_AGG_NONE, out) != VX_OK)
        return vx_error_set(err, VX_ENOMEM, "intensity-volume histogram: out of memory adding results");
    return VX_OK;
}
