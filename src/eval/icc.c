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

/* The degrees of freedom and mean squares of the two-way table. */
typedef struct icc_ms {
    double dn, dk;                 /* subjects, raters */
    double df_b, df_j, df_e, df_w; /* between subjects, between raters, residual, within subjects */
    double msb, msj, mse, msw;
} icc_ms;

static int check_ratings(const double *Y, size_t n, size_t k, const vx_icc *out, vx_error *err)
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
    return VX_OK;
}

/* Sums of squares between subjects (ssb), between raters (ssj), residual (sse) and total (sst). */
static int sums_of_squares(const double *Y, size_t n, size_t k, double *ssb_out, double *ssj_out, double *sse_out,
                           double *sst_out, vx_error *err)
{
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
    *ssb_out = ssb;
    *ssj_out = ssj;
    *sse_out = sse;
    *sst_out = sst;
    return VX_OK;
}

/* The F-based interval of a single-rater form and its k-rater form (ICC1/ICC1k, or ICC3/ICC3k): F with df1,
 * df2 degrees of freedom, a2 in each tail. */
static void f_interval(vx_icc *o, int single, int average, double f, double df1, double df2, double dk, double a2)
{
    const double fl = f / f_upper_quantile(a2, df1, df2), fu = f * f_upper_quantile(a2, df2, df1);
    o->lo[single] = (fl - 1.0) / (fl + dk - 1.0);
    o->hi[single] = (fu - 1.0) / (fu + dk - 1.0);
    o->lo[average] = 1.0 - 1.0 / fl;
    o->hi[average] = 1.0 - 1.0 / fu;
}

/* The raters agree exactly (up to a constant offset per rater when MSJ > 0): F = MSB/MSE is infinite; the
 * coefficients follow from the formulas, the intervals that divide by MSE (or MSW) are undefined. */
static void exact_agreement(vx_icc *o, const icc_ms *m, size_t n, size_t k, double ssj)
{
    snprintf(o->note, sizeof o->note,
             "the residual variance is zero (the %zu raters agree exactly%s on all %zu subjects): F is infinite, "
             "p = 0 and the confidence intervals%s are undefined (NaN)",
             k, ssj > 0.0 ? " up to a constant offset per rater" : "", n,
             m->msw > 0.0 ? " of ICC2, ICC3, ICC2k, ICC3k" : "");
    const double f11 = m->msb / m->msw;
    for (int t = 0; t < 6; t++) {
        int one = t == VX_ICC1 || t == VX_ICC1K;
        o->F[t] = one ? f11 : INFINITY;
        o->p[t] = one ? (m->msw > 0.0 ? gsl_cdf_fdist_Q(f11, m->df_b, m->df_w) : 0.0) : 0.0;
    }
    if (m->msw > 0.0)
        f_interval(o, VX_ICC1, VX_ICC1K, f11, m->df_b, m->df_w, m->dk, 0.025);
}

/* Two-way random: the ICC2 and ICC2k interval with Satterthwaite degrees of freedom (NaN with a note when
 * those are not positive and finite). */
static void icc2_interval(vx_icc *o, const icc_ms *m, double a2)
{
    const double dn = m->dn, dk = m->dk, msb = m->msb, msj = m->msj, mse = m->mse;
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
        return;
    }
    const double f3u = f_upper_quantile(a2, m->df_b, v), f3l = f_upper_quantile(a2, v, m->df_b);
    const double c = dk * msj + (dk * dn - dk - dn) * mse;
    const double l3 = dn * (msb - f3u * mse) / (f3u * c + dn * msb);
    const double u3 = dn * (f3l * msb - mse) / (c + dn * f3l * msb);
    o->lo[VX_ICC2] = l3;
    o->hi[VX_ICC2] = u3;
    o->lo[VX_ICC2K] = l3 * dk / (1.0 + l3 * (dk - 1.0));
    o->hi[VX_ICC2K] = u3 * dk / (1.0 + u3 * (dk - 1.0));
}

int vx_icc_compute(const double *Y, size_t n, size_t k, vx_icc *out, vx_error *err)
{
    int rc = check_ratings(Y, n, k, out, err);
    if (rc)
        return rc;
    double ssb = 0.0, ssj = 0.0, sse = 0.0, sst = 0.0;
    if ((rc = sums_of_squares(Y, n, k, &ssb, &ssj, &sse, &sst, err)))
        return rc;
    icc_ms m;
    m.dn = (double)n;
    m.dk = (double)k;
    const double dn = m.dn, dk = m.dk;
    m.df_b = dn - 1.0;
    m.df_j = dk - 1.0;
    m.df_e = (dn - 1.0) * (dk - 1.0);
    m.df_w = dn * (dk - 1.0);
    vx_icc *o = out;
    memset(o, 0, sizeof *o);
    for (int t = 0; t < 6; t++) {
        int one = t == VX_ICC1 || t == VX_ICC1K;
        o->icc[t] = o->lo[t] = o->hi[t] = o->F[t] = o->p[t] = NAN;
        o->df1[t] = m.df_b;
        o->df2[t] = one ? m.df_w : m.df_e;
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
    m.msb = ssb / m.df_b;
    m.msj = ssj / m.df_j;
    m.mse = sse / m.df_e;
    m.msw = (ssj + sse) / m.df_w;
    const double msb = m.msb, msj = m.msj, mse = m.mse, msw = m.msw;

    o->icc[VX_ICC1] = (msb - msw) / (msb + (dk - 1.0) * msw);
    o->icc[VX_ICC2] = (msb - mse) / (msb + (dk - 1.0) * mse + dk * (msj - mse) / dn);
    o->icc[VX_ICC3] = (msb - mse) / (msb + (dk - 1.0) * mse);
    o->icc[VX_ICC1K] = (msb - msw) / msb;
    o->icc[VX_ICC2K] = (msb - mse) / (msb + (msj - mse) / dn);
    o->icc[VX_ICC3K] = (msb - mse) / msb;

    if (sse == 0.0) {
        exact_agreement(o, &m, n, k, ssj);
        return VX_OK;
    }
    const double f11 = msb / msw, f21 = msb / mse;
    const double p11 = gsl_cdf_fdist_Q(f11, m.df_b, m.df_w), p21 = gsl_cdf_fdist_Q(f21, m.df_b, m.df_e);
    for (int t = 0; t < 6; t++) {
        int one = t == VX_ICC1 || t == VX_ICC1K;
        o->F[t] = one ? f11 : f21;
        o->p[t] = one ? p11 : p21;
    }
    const double a2 = 0.05 / 2.0;
    f_interval(o, VX_ICC1, VX_ICC1K, f11, m.df_b, m.df_w, dk, a2); /* one-way */
    f_interval(o, VX_ICC3, VX_ICC3K, f21, m.df_b, m.df_e, dk, a2); /* two-way mixed */
    icc2_interval(o, &m, a2);                                      /* two-way random */
    return VX_OK;
}
