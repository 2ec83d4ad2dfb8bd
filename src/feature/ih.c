/* voxomics: intensity histogram features, IBSI family ZVCW (IBSI 1 section 3.4).
 *
 * Input: X_d = the discretised grey levels roi->grey (1..N_g, N_g = roi->n_grey) of the N_v voxels of the
 * intensity mask. H = {n_1, ..., n_Ng} is the non-sparse histogram over all grey levels 1..N_g of the
 * discretisation (bins with n_i = 0 are kept), p_i = n_i / N_v. Computed over the 3D volume (DHQ4).
 * mu = mean, P_p = p-th percentile (linear interpolation between order statistics, firstorder.h; computed
 * from the cumulative histogram, so O(N_v + N_g)), M = P_50.
 *
 * Undefined values: skewness and kurtosis are 0 when the variance is 0 (IBSI); the histogram gradient
 * features are NaN when N_g = 1 (no neighbouring bin). An empty intensity mask gives NaN for every feature.
 * Ties: the mode is the most frequent level closest to mu, the lower one when two are equidistant (IBSI);
 * the gradient grey levels are the lowest level attaining the maximum / minimum gradient (IBSI leaves
 * this open).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "feature/firstorder.h"
#include "voxomics/feature.h"

enum { IH_NF = 23 };

static int add_rows(vx_results *res, const double *out, vx_error *err)
{
    if (vx_results_add_block(res, VX_F_IH_MEAN, IH_NF, VX_AGG_NONE, out) != VX_OK)
        return vx_error_set(err, VX_ENOMEM, "intensity histogram: out of memory adding results");
    return VX_OK;
}

/* The histogram of the grey levels in the intensity mask: h[i - 1] = n_i (h zeroed, ng + 1 long); *nout
 * voxels. A grey level outside 1..ng is an error. */
static int grey_histogram(const vx_roi *roi, int ng, double *h, size_t *nout, vx_error *err)
{
    const size_t nx = roi->dims[0], nxy = roi->dims[0] * roi->dims[1];
    size_t n = 0;
    for (size_t z = roi->box_lo[2]; z < roi->box_hi[2]; z++)
        for (size_t y = roi->box_lo[1]; y < roi->box_hi[1]; y++) {
            const size_t row = z * nxy + y * nx;
            const uint8_t *m = roi->imask + row;
            const int32_t *g = roi->grey + row;
            for (size_t x = roi->box_lo[0]; x < roi->box_hi[0]; x++) {
                if (!m[x])
                    continue;
                if (g[x] < 1 || g[x] > ng) {
                    int gv = g[x];
                    return vx_error_set(err, VX_EINVAL,
                                        "intensity histogram: grey level %d at voxel (%zu, %zu, %zu) outside 1..%d",
                                        gv, x, y, z, ng);
                }
                h[g[x] - 1] += 1.0;
                n++;
            }
        }
    *nout = n;
    return VX_OK;
}

/* The histogram gradient H'_i: n_2 - n_1 (i = 1), (n_{i+1} - n_{i-1}) / 2 (1 < i < N_g), n_Ng - n_{Ng-1}
 * (i = N_g); its maximum and minimum and their first grey levels (g[0..3] = max, argmax, min, argmin; NaN for
 * fewer than 2 grey levels). */
static void histogram_gradient(const double *h, int ng, double g[4])
{
    double gmaxv = NAN, gminv = NAN, gmaxi = NAN, gmini = NAN;
    if (ng >= 2) {
        for (int i = 1; i <= ng; i++) {
            double d;
            if (i == 1)
                d = h[1] - h[0];
            else if (i == ng)
                d = h[ng - 1] - h[ng - 2];
            else
                d = (h[i] - h[i - 2]) / 2.0;
            if (i == 1 || d > gmaxv) {
                gmaxv = d;
                gmaxi = i;
            }
            if (i == 1 || d < gminv) {
                gminv = d;
                gmini = i;
            }
        }
    }
    g[0] = gmaxv;
    g[1] = gmaxi;
    g[2] = gminv;
    g[3] = gmini;
}

/* Moments of the discretised intensities from the histogram h[i - 1] = n_i of nv > 0 voxels. */
typedef struct {
    int gmin, gmax;                                   /* lowest and highest occupied grey level */
    double mu, m2, m3, m4, mad, entr, unif;           /* mean, central moments 2-4, mean abs. deviation,
                                                         entropy, uniformity */
} ih_moments;

static void histogram_moments(const double *h, int ng, double nv, ih_moments *mo)
{
    double sum = 0.0;
    int gmin = 0, gmax = 0;
    for (int i = 1; i <= ng; i++) {
        if (h[i - 1] == 0.0)
            continue;
        sum += i * h[i - 1];
        if (!gmin)
            gmin = i;
        gmax = i;
    }
    const double mu = sum / nv;

    double m2 = 0.0, m3 = 0.0, m4 = 0.0, mad = 0.0, entr = 0.0, unif = 0.0;
    for (int i = 1; i <= ng; i++) {
        double c = h[i - 1];
        if (c == 0.0)
            continue;
        double d = i - mu, d2 = d * d, p = c / nv;
        m2 += c * d2;
        m3 += c * d2 * d;
        m4 += c * d2 * d2;
        mad += c * fabs(d);
        if (p < 1.0)
            entr -= p * log2(p); /* > 0 term by term: entropy >= 0, and 0 for one grey level */
        unif += p * p;
    }
    m2 /= nv;
    m3 /= nv;
    m4 /= nv;
    mad /= nv;
    *mo = (ih_moments){gmin, gmax, mu, m2, m3, m4, mad, entr, unif};
}

/* Mode (ties: closest to mu, then the lower level), median absolute deviation about med and robust mean
 * absolute deviation over the levels in [p10, p90] (NAN when there are none). */
static void histogram_spread(const double *h, int ng, double nv, double mu, int gmin, double med, double p10,
                             double p90, int *mode_out, double *medad_out, double *rmad_out)
{
    int mode = gmin;
    double rsum = 0.0, rn = 0.0, medad = 0.0;
    for (int i = 1; i <= ng; i++) {
        double c = h[i - 1];
        if (c == 0.0)
            continue;
        if (c > h[mode - 1] || (c == h[mode - 1] && fabs(i - mu) < fabs(mode - mu)))
            mode = i;
        medad += c * fabs(i - med);
        if (i >= p10 && i <= p90) {
            rsum += c * i;
            rn += c;
        }
    }
    medad /= nv;
    double rmad = NAN;
    if (rn > 0.0) {
        double rmu = rsum / rn, acc = 0.0;
        for (int i = 1; i <= ng; i++)
            if (h[i - 1] != 0.0 && i >= p10 && i <= p90)
                acc += h[i - 1] * fabs(i - rmu);
        rmad = acc / rn;
    }
    *mode_out = mode;
    *medad_out = medad;
    *rmad_out = rmad;
}

int vx_ih_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    (void)fs;
    const int ng = roi->n_grey;
    double *h = calloc((size_t)(ng > 0 ? ng : 0) + 1, sizeof *h); /* h[i - 1] = n_i */
    if (!h)
        return vx_error_set(err, VX_ENOMEM, "intensity histogram: out of memory for %d bins", ng);

    size_t n = 0;
    int rc = grey_histogram(roi, ng, h, &n, err);
    if (rc == VX_OK)
        rc = vx_ih_from_histogram(h, ng, n, res, err);
    free(h);
    return rc;
}

int vx_ih_from_histogram(const double *h, int ng, size_t n, vx_results *res, vx_error *err)
{
    double out[IH_NF];
    for (int i = 0; i < IH_NF; i++)
        out[i] = NAN;
    if (n == 0)
        return add_rows(res, out, err);
    const double nv = (double)n;

    ih_moments mo;
    histogram_moments(h, ng, nv, &mo);
    const int gmin = mo.gmin, gmax = mo.gmax;
    const double mu = mo.mu, m2 = mo.m2, m3 = mo.m3, m4 = mo.m4, mad = mo.mad, entr = mo.entr, unif = mo.unif;

    static const double probs[5] = {0.10, 0.25, 0.50, 0.75, 0.90};
    double q[5];
    vx_quantiles_hist(h, (size_t)ng, 1.0, nv, probs, 5, q);
    const double p10 = q[0], p25 = q[1], med = q[2], p75 = q[3], p90 = q[4];

    /* mode, robust MAD, median absolute deviation */
    int mode;
    double medad, rmad;
    histogram_spread(h, ng, nv, mu, gmin, med, p10, p90, &mode, &medad, &rmad);

    /* histogram gradient: maximum, its grey level, minimum, its grey level */
    double grd[4];
    histogram_gradient(h, ng, grd);
    const double gmaxv = grd[0], gmaxi = grd[1], gminv = grd[2], gmini = grd[3];

    /* Mean discretised intensity, X6K6: F = 1/N_v sum_k X_d,k = sum_i i p_i */
    out[0] = mu;
    /* Discretised intensity variance, CH89: F = sum_i (i - mu)^2 p_i */
    out[1] = m2;
    /* Discretised intensity skewness, 88K1: F = sum_i (i - mu)^3 p_i / var^(3/2); 0 when var = 0 */
    out[2] = m2 > 0.0 ? m3 / pow(m2, 1.5) : 0.0;
    /* (Excess) discretised intensity kurtosis, C3I7: F = sum_i (i - mu)^4 p_i / var^2 - 3; 0 when var = 0 */
    out[3] = m2 > 0.0 ? m4 / (m2 * m2) - 3.0 : 0.0;
    /* Median discretised intensity, WIFQ: F = P50(X_d) */
    out[4] = med;
    /* Minimum discretised intensity, 1PR8: F = min(X_d) */
    out[5] = gmin;
    /* 10th discretised intensity percentile, GPMT: F = P10(X_d) */
    out[6] = p10;
    /* 90th discretised intensity percentile, OZ0C: F = P90(X_d) */
    out[7] = p90;
    /* Maximum discretised intensity, 3NCY: F = max(X_d) */
    out[8] = gmax;
    /* Intensity histogram mode, AMMC: F = argmax_i n_i (ties: closest to mu, then the lower level) */
    out[9] = mode;
    /* Discretised intensity interquartile range, WR0O: F = P75 - P25 */
    out[10] = p75 - p25;
    /* Discretised intensity range, 5Z3W: F = max(X_d) - min(X_d) */
    out[11] = gmax - gmin;
    /* Intensity histogram mean absolute deviation, D2ZX: F = 1/N_v sum_k |X_d,k - mu| */
    out[12] = mad;
    /* Intensity histogram robust mean absolute deviation, WRZB:
     * F = 1/N_10-90 sum_k |X_d,10-90,k - mean(X_d,10-90)|, X_d,10-90 = {x in X_d : P10 <= x <= P90} */
    out[13] = rmad;
    /* Intensity histogram median absolute deviation, 4RNL: F = 1/N_v sum_k |X_d,k - M| */
    out[14] = medad;
    /* Intensity histogram coefficient of variation, CWYJ: F = sigma / mu, sigma = var^(1/2) */
    out[15] = sqrt(m2) / mu;
    /* Intensity histogram quartile coefficient of dispersion, SLWD: F = (P75 - P25) / (P75 + P25) */
    out[16] = (p75 - p25) / (p75 + p25);
    /* Discretised intensity entropy, TLU2: F = -sum_i p_i log2 p_i */
    out[17] = entr;
    /* Discretised intensity uniformity, BJ5W: F = sum_i p_i^2 */
    out[18] = unif;
    /* Maximum histogram gradient, 12CE: F = max(H') */
    out[19] = gmaxv;
    /* Maximum histogram gradient intensity, 8E6O: F = argmax_i H'_i (lowest such i) */
    out[20] = gmaxi;
    /* Minimum histogram gradient, VQB3: F = min(H') */
    out[21] = gminv;
    /* Minimum histogram gradient intensity, RHQZ: F = argmin_i H'_i (lowest such i) */
    out[22] = gmini;

    return add_rows(res, out, err);
}
