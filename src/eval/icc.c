/* voxomics: intraclass correlation coefficients (Shrout & Fleiss 1979; McGraw & Wong 1996), as R psych::ICC.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "voxomics/icc.h"

static const char *const icc_names[6] = {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"};

const char *vx_icc_name(int form)
{
    return form >= 0 && form < 6 ? icc_names[form] : NULL;
}

/* Upper-tail F quantile: the f with Q_F(f; d1, d2) = a (0 < a < 1, d1, d2 > 0 finite). Bracketed within a
 * factor of 2, then bisected until the interval cannot shrink: deterministic, full double precision of the
 * CDF. gsl_cdf_fdist_Q calls no error handler for f >= 0 and positive degrees of freedom. */
static double f_upper_quantile(double a, double d1, double d2)
{
    double lo = 1.0, hi = 1.0;
    if (gsl_cdf_fdist_Q(1.0, d1, d2) > a) {
        for (int i = 0; i < 2100 && gsl_cdf_fdist_Q(hi, d1, d2) > a; i++)
            hi *= 2.0;
        lo = hi / 2.0;
    } else {
        for (int i = 0; i < 2100 && gsl_cdf_fdist_Q(lo, d1, d2) <= a; i++)
            lo /= 2.0;
        hi = lo * 2.0;
    }
    /* invariant: Q(lo) > a >= Q(hi) */
    for (int i = 0; i < 400; i++) {
        double mid = lo + 0.5 * (hi - lo);
        if (mid <= lo || mid >= hi)
            break;
        if (gsl_cdf_fdist_Q(mid, d1, d2) > a)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 0.5 * (hi - lo);
}

int vx_icc_compute(const double *Y, size_t n, size_t k, vx_icc *out, vx_error *err)
{
    if (!Y || !out)
        return vx_error_set(err, VX_EINVAL, "icc: %s is NULL", !Y ? "the rating matrix" : "the result");
    if (n < 2 || k < 2)
        return vx_error_set(err, VX_EINVAL,
                            "icc: %zu subject(s) x %zu rater(s): the ICC needs at least 2 subjects and 2 ratings "
                            "per subject (pass an n x k matrix with n >= 2, k >= 2)",
                            n, k);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            if (!isfinite(Y[i * k + j]))
                return vx_error_set(err, VX_ENAN,
                                    "icc: the rating of subject %zu by rater %zu is not finite (%g): remove or "
                                    "impute missing values before computing the ICC",
                                    i + 1, j + 1, Y[i * k + j]);

    const double dn = (double)n, dk = (double)k;
    /* grand mean, row and column sums (column means accumulated in a second pass to avoid an array) */
    double g = 0.0;
    for (size_t t = 0; t < n * k; t++)
        g += Y[t];
    g /= dn * dk;

    double *cm = malloc(k * sizeof *cm);
    if (!cm)
        return vx_error_set(err, VX_ENOMEM, "icc: out of memory for %zu column means", k);
    double ssb = 0.0, ssj = 0.0, sse = 0.0, sst = 0.0;
    for (size_t j = 0; j < k; j++) {
        double c = 0.0;
        for (size_t i = 0; i < n; i++)
            c += Y[i * k + j];
        cm[j] = c / dn;
        ssj += (cm[j] - g) * (cm[j] - g);
    }
    ssj *= dn;
    for (size_t i = 0; i < n; i++) {
        double m = 0.0;
        for (size_t j = 0; j < k; j++)
            m += Y[i * k + j];
        m /= dk;
        ssb += (m - g) * (m - g);
        for (size_t j = 0; j < k; j++) {
            double r = Y[i * k + j] - m - cm[j] + g;
            sse += r * r;
            sst += (Y[i * k + j] - g) * (Y[i * k + j] - g);
        }
    }
    ssb *= dk;
    free(cm);
    const double df_b = dn - 1.0, df_j = dk - 1.0, df_e = (dn - 1.0) * (dk - 1.0), df_w = dn * (dk - 1.0);
    vx_icc *o = out;
    memset(o, 0, sizeof *o);
    for (int t = 0; t < 6; t++) {
        int one = t == VX_ICC1 || t == VX_ICC1K;
        o->icc[t] = o->lo[t] = o->hi[t] = o->F[t] = o->p[t] = NAN;
        o->df1[t] = df_b;
        o->df2[t] = one ? df_w : df_e;
    }
    if (!(sst > 0.0)) {
        snprintf(o->note, sizeof o->note,
                 "all %zu x %zu ratings are equal (%g): zero between- and within-subject variance, every ICC, F "
                 "and p is undefined (NaN)",
                 n, k, Y[0]);
        return VX_OK;
    }
    /* sums of squares at rounding level count as zero */
    const double tiny = 64.0 * DBL_EPSILON * DBL_EPSILON * sst;
    if (sse <= tiny)
        sse = 0.0;
    if (ssj <= tiny)
        ssj = 0.0;
    if (ssb <= tiny)
        ssb = 0.0;
    const double msb = ssb / df_b, msj = ssj / df_j, mse = sse / df_e, msw = (ssj + sse) / df_w;

    o->icc[VX_ICC1] = (msb - msw) / (msb + (dk - 1.0) * msw);
    o->icc[VX_ICC2] = (msb - mse) / (msb + (dk - 1.0) * mse + dk * (msj - mse) / dn);
    o->icc[VX_ICC3] = (msb - mse) / (msb + (dk - 1.0) * mse);
    o->icc[VX_ICC1K] = (msb - msw) / msb;
    o->icc[VX_ICC2K] = (msb - mse) / (msb + (msj - mse) / dn);
    o->icc[VX_ICC3K] = (msb - mse) / msb;

    if (sse == 0.0) {
        /* the raters agree exactly (up to a constant offset per rater when MSJ > 0): F = MSB/MSE is infinite;
         * the coefficients follow from the formulas, the intervals that divide by MSE (or MSW) are undefined */
        snprintf(o->note, sizeof o->note,
                 "the residual variance is zero (the %zu raters agree exactly%s on all %zu subjects): F is infinite, "
                 "p = 0 and the confidence intervals%s are undefined (NaN)",
                 k, ssj > 0.0 ? " up to a constant offset per rater" : "", n,
                 msw > 0.0 ? " of ICC2, ICC3, ICC2k, ICC3k" : "");
        const double f11 = msb / msw;
        for (int t = 0; t < 6; t++) {
            int one = t == VX_ICC1 || t == VX_ICC1K;
            o->F[t] = one ? f11 : INFINITY;
            o->p[t] = one ? (msw > 0.0 ? gsl_cdf_fdist_Q(f11, df_b, df_w) : 0.0) : 0.0;
        }
        if (msw > 0.0) {
            const double fl = f11 / f_upper_quantile(0.025, df_b, df_w), fu = f11 * f_upper_quantile(0.025, df_w, df_b);
            o->lo[VX_ICC1] = (fl - 1.0) / (fl + dk - 1.0);
            o->hi[VX_ICC1] = (fu - 1.0) / (fu + dk - 1.0);
            o->lo[VX_ICC1K] = 1.0 - 1.0 / fl;
            o->hi[VX_ICC1K] = 1.0 - 1.0 / fu;
        }
        return VX_OK;
    }
    const double f11 = msb / msw, f21 = msb / mse;
    const double p11 = gsl_cdf_fdist_Q(f11, df_b, df_w), p21 = gsl_cdf_fdist_Q(f21, df_b, df_e);
    for (int t = 0; t < 6; t++) {
        int one = t == VX_ICC1 || t == VX_ICC1K;
        o->F[t] = one ? f11 : f21;
        o->p[t] = one ? p11 : p21;
    }

    const double a2 = 0.05 / 2.0;
    /* one-way: ICC1, ICC1k */
    double fl = f11 / f_upper_quantile(a2, df_b, df_w);
    double fu = f11 * f_upper_quantile(a2, df_w, df_b);
    o->lo[VX_ICC1] = (fl - 1.0) / (fl + dk - 1.0);
    o->hi[VX_ICC1] = (fu - 1.0) / (fu + dk - 1.0);
    o->lo[VX_ICC1K] = 1.0 - 1.0 / fl;
    o->hi[VX_ICC1K] = 1.0 - 1.0 / fu;
    /* two-way mixed: ICC3, ICC3k */
    fl = f21 / f_upper_quantile(a2, df_b, df_e);
    fu = f21 * f_upper_quantile(a2, df_e, df_b);
    o->lo[VX_ICC3] = (fl - 1.0) / (fl + dk - 1.0);
    o->hi[VX_ICC3] = (fu - 1.0) / (fu + dk - 1.0);
    o->lo[VX_ICC3K] = 1.0 - 1.0 / fl;
    o->hi[VX_ICC3K] = 1.0 - 1.0 / fu;
    /* two-way random: ICC2, ICC2k (Satterthwaite degrees of freedom) */
    const double r = o->icc[VX_ICC2], fj = msj / mse;
    const double a = dk * r * fj + dn * (1.0 + (dk - 1.0) * r) - dk * r;
    const double b = dn * (1.0 + (dk - 1.0) * r) - dk * r;
    const double vd = (dn - 1.0) * dk * dk * r * r * fj * fj + b * b;
    const double v = (dk - 1.0) * (dn - 1.0) * a * a / vd;
    if (!(v > 0.0) || !isfinite(v)) {
        o->lo[VX_ICC2] = o->hi[VX_ICC2] = o->lo[VX_ICC2K] = o->hi[VX_ICC2K] = NAN;
        snprintf(o->note, sizeof o->note,
                 "the Satterthwaite degrees of freedom of the ICC2 interval are %g (ICC2 = %g, MSJ/MSE = %g): the "
                 "ICC2 and ICC2k confidence intervals are undefined (NaN)",
                 v, r, fj);
        return VX_OK;
    }
    const double f3u = f_upper_quantile(a2, df_b, v), f3l = f_upper_quantile(a2, v, df_b);
    const double c = dk * msj + (dk * dn - dk - dn) * mse;
    const double l3 = dn * (msb - f3u * mse) / (f3u * c + dn * msb);
    const double u3 = dn * (f3l * msb - mse) / (c + dn * f3l * msb);
    o->lo[VX_ICC2] = l3;
    o->hi[VX_ICC2] = u3;
    o->lo[VX_ICC2K] = l3 * dk / (1.0 + l3 * (dk - 1.0));
    o->hi[VX_ICC2K] = u3 * dk / (1.0 + u3 * (dk - 1.0));
    return VX_OK;
}
