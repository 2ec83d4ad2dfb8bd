/* voxomics: univariate feature tests (Mann-Whitney U, Welch t) with Benjamini-Hochberg adjustment and selection by
 * adjusted p-value. See include/voxomics/select.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "learn/select/select_impl.h"

/* ---- 3. univariate tests -------------------------------------------------------------------------------------- */

/* Continued fraction of the incomplete beta function (modified Lentz; Press et al., Numerical Recipes, 6.4). */
static int beta_cf(double a, double b, double x, double *out)
{
    const double tiny = 1e-300, eps = 1e-16;
    double qab = a + b, qap = a + 1.0, qam = a - 1.0;
    double c = 1.0, d = 1.0 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    long maxit = 10000 + (long)(20.0 * sqrt(a + b));
    for (long m = 1; m <= maxit; m++) {
        double m2 = 2.0 * (double)m, dm = (double)m;
        double aa = dm * (b - dm) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + dm) * (qab + dm) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < eps) {
            *out = h;
            return 0;
        }
    }
    return -1;
}

/* Regularised incomplete beta I_x(a, b) for a, b > 0, with xc = 1 - x given exactly by the caller. */
static int beta_inc(double a, double b, double x, double xc, double *out)
{
    if (x <= 0.0) {
        *out = 0.0;
        return 0;
    }
    if (xc <= 0.0) {
        *out = 1.0;
        return 0;
    }
    gsl_sf_result lb;
    if (!(a > 0.0 && b > 0.0 && isfinite(a) && isfinite(b)) || gsl_sf_lnbeta_e(a, b, &lb) != GSL_SUCCESS)
        return -1;
    double cf;
    if (x < (a + 1.0) / (a + b + 2.0)) {
        if (beta_cf(a, b, x, &cf))
            return -1;
        *out = exp(a * log(x) + b * log(xc) - lb.val) * cf / a;
    } else {
        if (beta_cf(b, a, xc, &cf))
            return -1;
        *out = 1.0 - exp(a * log(x) + b * log(xc) - lb.val) * cf / b;
    }
    return 0;
}

/* Two-sided Student t p-value 2 P(T_df > |t|) = I_{df/(df+t^2)}(df/2, 1/2). */
static int t_pvalue2(double t, double df, double *p)
{
    double t2 = t * t;
    double x = df / (df + t2), xc = t2 / (df + t2);
    if (beta_inc(0.5 * df, 0.5, x, xc, p))
        return -1;
    if (*p > 1.0)
        *p = 1.0;
    if (*p < 0.0)
        *p = 0.0;
    return 0;
}

int vx_bh_adjust(const double *p, size_t m, double *adj)
{
    if (!p || !adj || m == 0)
        return VX_EINVAL;
    for (size_t i = 0; i < m; i++)
        if (!(p[i] >= 0.0 && p[i] <= 1.0))
            return VX_EINVAL;
    vkey *o = malloc(m * sizeof *o);
    if (!o)
        return VX_ENOMEM;
    for (size_t i = 0; i < m; i++) {
        o[i].v = p[i];
        o[i].j = i;
    }
    qsort(o, m, sizeof *o, vxs_cmp_vkey_desc);
    /* R: i <- m:1; pmin(1, cummin(m / i * p[o])) with o the decreasing order */
    double cm = INFINITY;
    for (size_t r = 0; r < m; r++) {
        double i = (double)(m - r);
        double v = ((double)m / i) * o[r].v;
        if (v < cm)
            cm = v;
        o[r].v = cm < 1.0 ? cm : 1.0;
    }
    for (size_t r = 0; r < m; r++)
        adj[o[r].j] = o[r].v;
    free(o);
    return VX_OK;
}

static int mann_whitney(const double *X, size_t n, size_t p, size_t j, const int *y, size_t n1, vkey *buf,
                        double *stat, double *pv, vx_error *err)
{
    for (size_t i = 0; i < n; i++) {
        buf[i].v = X[i * p + j];
        buf[i].j = i;
    }
    qsort(buf, n, sizeof *buf, vxs_cmp_vkey_asc);
    double rsum = 0.0, ties = 0.0;
    for (size_t s = 0; s < n;) {
        size_t e = s + 1;
        while (e < n && buf[e].v == buf[s].v)
            e++;
        double rank = 0.5 * ((double)(s + 1) + (double)e); /* average of ranks s+1..e */
        double t = (double)(e - s);
        ties += t * t * t - t;
        for (size_t q = s; q < e; q++)
            if (y[buf[q].j])
                rsum += rank;
        s = e;
    }
    double nx = (double)n1, ny = (double)(n - n1), N = nx + ny;
    double W = rsum - nx * (nx + 1.0) / 2.0;
    double z = W - nx * ny / 2.0;
    double sigma = sqrt((nx * ny / 12.0) * ((N + 1.0) - ties / (N * (N - 1.0))));
    if (!(sigma > 0.0))
        return vx_error_set(err, VX_EINVAL,
                            "Mann-Whitney: feature %zu has the same value in every sample, the test is undefined: "
                            "remove constant features first",
                            j);
    double corr = z > 0.0 ? 0.5 : (z < 0.0 ? -0.5 : 0.0);
    z = (z - corr) / sigma;
    *stat = W;
    *pv = erfc(fabs(z) / sqrt(2.0));
    if (*pv > 1.0)
        *pv = 1.0;
    return VX_OK;
}

static int welch(const double *X, size_t n, size_t p, size_t j, const int *y, size_t n1, double *stat, double *pv,
                 vx_error *err)
{
    double s[2] = {0, 0}, m[2], c[2] = {0, 0}, v[2] = {0, 0}, nn[2];
    nn[1] = (double)n1;
    nn[0] = (double)(n - n1);
    for (size_t i = 0; i < n; i++)
        s[y[i]] += X[i * p + j];
    for (int g = 0; g < 2; g++)
        m[g] = s[g] / nn[g];
    for (size_t i = 0; i < n; i++)
        c[y[i]] += X[i * p + j] - m[y[i]];
    for (int g = 0; g < 2; g++)
        m[g] += c[g] / nn[g];
    for (size_t i = 0; i < n; i++) {
        double d = X[i * p + j] - m[y[i]];
        v[y[i]] += d * d;
    }
    for (int g = 0; g < 2; g++)
        v[g] /= nn[g] - 1.0;
    double se1 = sqrt(v[1] / nn[1]), se0 = sqrt(v[0] / nn[0]);
    double se = sqrt(se1 * se1 + se0 * se0);
    double big = fmax(fabs(m[0]), fabs(m[1]));
    if (!(se > 10.0 * DBL_EPSILON * big) || !(se > 0.0))
        return vx_error_set(err, VX_EINVAL,
                            "Welch t-test: feature %zu is constant within both classes (standard error %g), the "
                            "test is undefined: remove it first",
                            j, se);
    double df = (se * se * se * se) / (se1 * se1 * se1 * se1 / (nn[1] - 1.0) + se0 * se0 * se0 * se0 / (nn[0] - 1.0));
    double t = (m[1] - m[0]) / se;
    *stat = t;
    if (t_pvalue2(t, df, pv))
        return vx_error_set(err, VX_EINVAL,
                            "Welch t-test: feature %zu: the t distribution tail did not converge (t = %g, df = %g)",
                            j, t, df);
    return VX_OK;
}

int vx_univariate(const double *X, size_t n, size_t p, const int *y, vx_test_kind t, double *stat, double *pval,
                  double *padj_bh, vx_error *err)
{
    const char *who = t == VX_TEST_WELCH ? "Welch t-test" : "Mann-Whitney";
    if (t != VX_TEST_WELCH && t != VX_TEST_MANN_WHITNEY)
        return vx_error_set(err, VX_EINVAL, "univariate test: unknown test kind %d", (int)t);
    int rc = vxs_check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    size_t n1 = 0;
    if ((rc = vxs_check_labels(who, y, n, &n1, err)))
        return rc;
    size_t need = t == VX_TEST_WELCH ? 2 : 1;
    if (n1 < need || n - n1 < need)
        return vx_error_set(err, VX_EINVAL, "%s: class 1 has %zu and class 0 has %zu samples, each needs >= %zu",
                            who, n1, n - n1, need);
    double *st = malloc(p * sizeof *st), *pv = malloc(p * sizeof *pv);
    vkey *buf = malloc(n * sizeof *buf);
    if (!st || !pv || !buf) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", who);
        goto done;
    }
    for (size_t j = 0; j < p; j++) {
        rc = t == VX_TEST_WELCH ? welch(X, n, p, j, y, n1, &st[j], &pv[j], err)
                                : mann_whitney(X, n, p, j, y, n1, buf, &st[j], &pv[j], err);
        if (rc)
            goto done;
    }
    if (padj_bh && (rc = vx_bh_adjust(pv, p, padj_bh)) != VX_OK) {
        rc = vx_error_set(err, rc, "%s: Benjamini-Hochberg adjustment failed", who);
        goto done;
    }
    if (stat)
        memcpy(stat, st, p * sizeof *st);
    if (pval)
        memcpy(pval, pv, p * sizeof *pv);
    rc = VX_OK;
done:
    free(st);
    free(pv);
    free(buf);
    return rc;
}

int vx_select_pvalue(const double *q, size_t p, double alpha, size_t k, size_t *idx, size_t *nsel, vx_error *err)
{
    if (!q || !idx || !nsel || p == 0)
        return vx_error_set(err, VX_EINVAL, "p-value selection: NULL argument or no features");
    for (size_t j = 0; j < p; j++)
        if (isnan(q[j]))
            return vx_error_set(err, VX_EINVAL, "p-value selection: feature %zu has a NaN p-value", j);
    vkey *o = malloc(p * sizeof *o);
    if (!o)
        return vx_error_set(err, VX_ENOMEM, "p-value selection: out of memory");
    for (size_t j = 0; j < p; j++) {
        o[j].v = q[j];
        o[j].j = j;
    }
    qsort(o, p, sizeof *o, vxs_cmp_vkey_asc);
    size_t c = 0;
    if (k == 0) {
        while (c < p && o[c].v < alpha) {
            idx[c] = o[c].j;
            c++;
        }
    } else {
        for (c = 0; c < p && c < k; c++)
            idx[c] = o[c].j;
    }
    *nsel = c;
    free(o);
    return VX_OK;
}
