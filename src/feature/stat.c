/* voxomics: intensity-based statistical features, IBSI family UHIW (IBSI 1 section 3.3).
 *
 * Input: X_gl = the intensities roi->img of the N_v voxels of the intensity mask roi->imask (no
 * discretisation). Computed over the 3D volume (aggregation DHQ4, VX_AGG_NONE). mu = mean, P_p = p-th
 * percentile (linear interpolation between order statistics, see firstorder.h), M = median = P_50.
 * Moments are accumulated in double as centred sums (two passes) for accuracy.
 *
 * Undefined values: skewness and kurtosis are 0 when the variance is 0 (IBSI). The variance is 0 exactly when
 * all intensities are equal (tested on min = max, not on a computed variance). The coefficient of variation
 * is NaN when mu = 0 (0/0 for constant zero intensities, a division by zero otherwise) and the quartile
 * coefficient of dispersion when P75 + P25 = 0. An empty intensity mask gives NaN for every feature.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "feature/firstorder.h"
#include "voxomics/feature.h"

enum { STAT_NF = 18, LANES = 4 };

static inline double lane_sum(const double a[LANES])
{
    return (a[0] + a[1]) + (a[2] + a[3]);
}

static int add_rows(vx_results *res, const double *out, vx_error *err)
{
    if (vx_results_add_block(res, VX_F_STAT_MEAN, STAT_NF, VX_AGG_NONE, out) != VX_OK)
        return vx_error_set(err, VX_ENOMEM, "statistics: out of memory adding results");
    return VX_OK;
}

/* The intensities of the intensity mask, in scan order, into *vout (malloc'ed; NULL when *nout = 0). */
static int roi_intensities(const vx_roi *roi, double **vout, size_t *nout, vx_error *err)
{
    const size_t nx = roi->dims[0], nxy = roi->dims[0] * roi->dims[1];
    size_t n = 0;
    for (size_t z = roi->box_lo[2]; z < roi->box_hi[2]; z++)
        for (size_t y = roi->box_lo[1]; y < roi->box_hi[1]; y++) {
            const uint8_t *m = roi->imask + z * nxy + y * nx;
            for (size_t x = roi->box_lo[0]; x < roi->box_hi[0]; x++)
                n += m[x] != 0;
        }
    *nout = n;
    *vout = NULL;
    if (n == 0)
        return VX_OK;

    double *v = malloc(n * sizeof *v);
    if (!v)
        return vx_error_set(err, VX_ENOMEM, "statistics: out of memory copying %zu intensities", n);
    size_t j = 0;
    for (size_t z = roi->box_lo[2]; z < roi->box_hi[2]; z++)
        for (size_t y = roi->box_lo[1]; y < roi->box_hi[1]; y++) {
            const size_t row = z * nxy + y * nx;
            const uint8_t *m = roi->imask + row;
            const float *im = roi->img + row;
            for (size_t x = roi->box_lo[0]; x < roi->box_hi[0]; x++)
                if (m[x])
                    v[j++] = im[x];
        }
    *vout = v;
    return VX_OK;
}

/* Sum, sum of squares, minimum and maximum of v[0..n-1] (n >= 1). */
static void power_sums(const double *v, size_t n, double *sum, double *sum2, double *vmin, double *vmax)
{
    /* Sums use LANES interleaved partial accumulators (fixed order: deterministic, and free of the
     * latency chain of a single accumulator), combined pairwise at the end. */
    double s1[LANES] = {0}, s2[LANES] = {0}, lo[LANES], hi[LANES];
    for (int l = 0; l < LANES; l++)
        lo[l] = hi[l] = v[0];
    size_t k = 0;
    for (; k + LANES <= n; k += LANES)
        for (int l = 0; l < LANES; l++) {
            const double g = v[k + (size_t)l];
            s1[l] += g;
            s2[l] += g * g;
            lo[l] = g < lo[l] ? g : lo[l];
            hi[l] = g > hi[l] ? g : hi[l];
        }
    for (; k < n; k++) {
        s1[0] += v[k];
        s2[0] += v[k] * v[k];
        lo[0] = v[k] < lo[0] ? v[k] : lo[0];
        hi[0] = v[k] > hi[0] ? v[k] : hi[0];
    }
    *sum = lane_sum(s1);
    *sum2 = lane_sum(s2);
    *vmin = lo[0];
    *vmax = hi[0];
    for (int l = 1; l < LANES; l++) {
        *vmin = lo[l] < *vmin ? lo[l] : *vmin;
        *vmax = hi[l] > *vmax ? hi[l] : *vmax;
    }
}

/* Central moments m2, m3, m4 and the mean absolute deviation about mu. */
static void central_moments(const double *v, size_t n, double mu, double *m2, double *m3, double *m4, double *mad)
{
    const double nv = (double)n;
    size_t k;
    double a2[LANES] = {0}, a3[LANES] = {0}, a4[LANES] = {0}, am[LANES] = {0};
    for (k = 0; k + LANES <= n; k += LANES)
        for (int l = 0; l < LANES; l++) {
            const double d = v[k + (size_t)l] - mu, d2 = d * d;
            a2[l] += d2;
            a3[l] += d2 * d;
            a4[l] += d2 * d2;
            am[l] += fabs(d);
        }
    for (; k < n; k++) {
        const double d = v[k] - mu, d2 = d * d;
        a2[0] += d2;
        a3[0] += d2 * d;
        a4[0] += d2 * d2;
        am[0] += fabs(d);
    }
    *m2 = lane_sum(a2) / nv;
    *m3 = lane_sum(a3) / nv;
    *m4 = lane_sum(a4) / nv;
    *mad = lane_sum(am) / nv;

}

/* Median absolute deviation about med, and the robust mean absolute deviation over [p10, p90]. */
static void median_and_robust_deviation(const double *v, size_t n, double p10, double p90, double med,
                                        double *medad, double *rmad)
{
    const double nv = (double)n;
    size_t k;
    /* robust MAD over X_gl,10-90 = {x : P10 <= x <= P90}; median absolute deviation from M */
    double bs[LANES] = {0}, bn[LANES] = {0}, bm[LANES] = {0};
    for (k = 0; k + LANES <= n; k += LANES)
        for (int l = 0; l < LANES; l++) {
            const double g = v[k + (size_t)l], in = (double)((g >= p10) & (g <= p90));
            bm[l] += fabs(g - med);
            bs[l] += in * g;
            bn[l] += in;
        }
    for (; k < n; k++) {
        const double g = v[k], in = (double)((g >= p10) & (g <= p90));
        bm[0] += fabs(g - med);
        bs[0] += in * g;
        bn[0] += in;
    }
    const double rn = lane_sum(bn);
    *medad = lane_sum(bm) / nv;
    *rmad = NAN;
    if (rn > 0.0) {
        const double rmu = lane_sum(bs) / rn;
        double ra[LANES] = {0};
        for (k = 0; k + LANES <= n; k += LANES)
            for (int l = 0; l < LANES; l++) {
                const double g = v[k + (size_t)l];
                ra[l] += (double)((g >= p10) & (g <= p90)) * fabs(g - rmu);
            }
        for (; k < n; k++)
            ra[0] += (double)((v[k] >= p10) & (v[k] <= p90)) * fabs(v[k] - rmu);
        *rmad = lane_sum(ra) / rn;
    }
}

int vx_stat_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    (void)fs;
    double *v;
    size_t n;
    int rc = roi_intensities(roi, &v, &n, err);
    if (rc == VX_OK)
        rc = vx_stat_from_values(v, n, res, err);
    free(v);
    return rc;
}

int vx_stat_from_values(const double *v, size_t n, vx_results *res, vx_error *err)
{
    double out[STAT_NF];
    for (int i = 0; i < STAT_NF; i++)
        out[i] = NAN;
    if (n == 0)
        return add_rows(res, out, err);
    const double nv = (double)n;

    double sum, sum2, vmin, vmax;
    power_sums(v, n, &sum, &sum2, &vmin, &vmax);
    /* One value (constant intensities, or a single voxel): the mean is that value exactly, so every
     * deviation below is exactly 0 (variance 0, skewness and kurtosis 0 by the IBSI convention). */
    const int constant = vmin == vmax;
    const double mu = constant ? vmin : sum / nv;

    double m2, m3, m4, mad;
    central_moments(v, n, mu, &m2, &m3, &m4, &mad);

    /* P10, P25, P50, P75, P90 by selection */
    static const double probs[5] = {0.10, 0.25, 0.50, 0.75, 0.90};
    double q[5];
    if (vx_quantiles(v, n, probs, 5, q) != VX_OK)
        return vx_error_set(err, VX_ENOMEM, "statistics: out of memory computing percentiles of %zu values", n);
    const double p10 = q[0], p25 = q[1], med = q[2], p75 = q[3], p90 = q[4];

    double medad, rmad;
    median_and_robust_deviation(v, n, p10, p90, med, &medad, &rmad);

    /* Mean, Q4LE: F = 1/N_v sum_k X_gl,k */
    out[0] = mu;
    /* Intensity variance, ECT3: F = 1/N_v sum_k (X_gl,k - mu)^2 (biased) */
    out[1] = m2;
    /* Intensity skewness, KE2A: F = m3 / m2^(3/2), m_r = 1/N_v sum_k (X_gl,k - mu)^r; 0 when m2 = 0 */
    out[2] = m2 > 0.0 ? m3 / pow(m2, 1.5) : 0.0;
    /* (Excess) intensity kurtosis, IPH6: F = m4 / m2^2 - 3; 0 when m2 = 0 */
    out[3] = m2 > 0.0 ? m4 / (m2 * m2) - 3.0 : 0.0;
    /* Median intensity, Y12H: F = P50 (sample median) */
    out[4] = med;
    /* Minimum intensity, 1GSF: F = min(X_gl) */
    out[5] = vmin;
    /* 10th intensity percentile, QG58: F = P10 */
    out[6] = p10;
    /* 90th intensity percentile, 8DWT: F = P90 */
    out[7] = p90;
    /* Maximum intensity, 84IY: F = max(X_gl) */
    out[8] = vmax;
    /* Intensity interquartile range, SALO: F = P75 - P25 */
    out[9] = p75 - p25;
    /* Intensity range, 2OJQ: F = max(X_gl) - min(X_gl) */
    out[10] = vmax - vmin;
    /* Intensity-based mean absolute deviation, 4FUA: F = 1/N_v sum_k |X_gl,k - mu| */
    out[11] = mad;
    /* Intensity-based robust mean absolute deviation, 1128:
     * F = 1/N_10-90 sum_k |X_gl,10-90,k - mean(X_gl,10-90)|, X_gl,10-90 = {x in X_gl : P10 <= x <= P90} */
    out[12] = rmad;
    /* Intensity-based median absolute deviation, N72L: F = 1/N_v sum_k |X_gl,k - M| */
    out[13] = medad;
    /* Intensity-based coefficient of variation, 7TET: F = sigma / mu, sigma = var^(1/2); NaN when mu = 0 */
    out[14] = mu != 0.0 ? sqrt(m2) / mu : NAN;
    /* Intensity-based quartile coefficient of dispersion, 9S40: F = (P75 - P25) / (P75 + P25) */
    out[15] = (p75 + p25) != 0.0 ? (p75 - p25) / (p75 + p25) : NAN;
    /* Intensity-based energy, N8CA: F = sum_k X_gl,k^2 */
    out[16] = sum2;
    /* Root mean square intensity, 5ZWQ: F = sqrt(1/N_v sum_k X_gl,k^2) */
    out[17] = constant ? fabs(vmin) : sqrt(sum2 / nv);

    return add_rows(res, out, err);
}
