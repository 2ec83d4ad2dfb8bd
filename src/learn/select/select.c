/* voxomics: feature selection (variance and correlation filters, univariate tests with Benjamini-Hochberg,
 * mRMR, glmnet-style LASSO logistic regression with cross-validation). See include/voxomics/select.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

#include "voxomics/select.h"

/* ---- shared checks ------------------------------------------------------------------------------------------ */
static int check_matrix(const char *who, const double *X, size_t n, size_t p, size_t nmin, vx_error *err)
{
    if (!X)
        return vx_error_set(err, VX_EINVAL, "%s: the data matrix is NULL", who);
    if (p == 0)
        return vx_error_set(err, VX_EINVAL, "%s: the data matrix has no features (p = 0)", who);
    if (n < nmin)
        return vx_error_set(err, VX_EINVAL, "%s: %zu sample(s), at least %zu needed", who, n, nmin);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[i * p + j]))
                return vx_error_set(err, VX_EINVAL,
                                    "%s: sample %zu, feature %zu is not finite (%g): impute or drop it first",
                                    who, i, j, X[i * p + j]);
    return VX_OK;
}

/* Labels 0/1; counts of class 1 into *n1. */
static int check_labels(const char *who, const int *y, size_t n, size_t *n1, vx_error *err)
{
    if (!y)
        return vx_error_set(err, VX_EINVAL, "%s: the label vector is NULL", who);
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return vx_error_set(err, VX_EINVAL, "%s: label of sample %zu is %d, labels must be 0 or 1", who, i,
                                y[i]);
        c += (size_t)y[i];
    }
    *n1 = c;
    return VX_OK;
}

typedef struct {
    double v;
    size_t j;
} vkey;

/* decreasing value, ties: lower index */
static int cmp_vkey_desc(const void *a, const void *b)
{
    const vkey *x = a, *y = b;
    if (x->v > y->v)
        return -1;
    if (x->v < y->v)
        return 1;
    return (x->j > y->j) - (x->j < y->j);
}

/* increasing value, ties: lower index */
static int cmp_vkey_asc(const void *a, const void *b)
{
    const vkey *x = a, *y = b;
    if (x->v < y->v)
        return -1;
    if (x->v > y->v)
        return 1;
    return (x->j > y->j) - (x->j < y->j);
}

static double col_mean(const double *X, size_t n, size_t p, size_t j)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += X[i * p + j];
    double m = s / (double)n;
    double c = 0.0; /* second pass: removes the rounding of the first (as R's mean) */
    for (size_t i = 0; i < n; i++)
        c += X[i * p + j] - m;
    return m + c / (double)n;
}

/* ---- 1. variance filter ------------------------------------------------------------------------------------- */
int vx_select_variance(const double *X, size_t n, size_t p, double thr, size_t *idx, size_t *k, double *var,
                       vx_error *err)
{
    const char *who = "variance filter";
    int rc = check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    if (!idx || !k)
        return vx_error_set(err, VX_EINVAL, "%s: idx and k must not be NULL", who);
    if (!(thr >= 0.0))
        return vx_error_set(err, VX_EINVAL, "%s: threshold %g must be a number >= 0", who, thr);
    size_t c = 0;
    for (size_t j = 0; j < p; j++) {
        double m = col_mean(X, n, p, j), s = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = X[i * p + j] - m;
            s += d * d;
        }
        s /= (double)(n - 1);
        if (var)
            var[j] = s;
        if (s > thr)
            idx[c++] = j;
    }
    *k = c;
    return VX_OK;
}

/* ---- 2. greedy correlation filter ----------------------------------------------------------------------------- */
int vx_select_correlation(const double *X, size_t n, size_t p, double thr, const size_t *order, size_t *idx,
                          size_t *k, vx_error *err)
{
    const char *who = "correlation filter";
    int rc = check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    if (!idx || !k)
        return vx_error_set(err, VX_EINVAL, "%s: idx and k must not be NULL", who);
    if (!(thr >= 0.0 && thr <= 1.0))
        return vx_error_set(err, VX_EINVAL, "%s: threshold %g must lie in [0, 1] (it bounds |Pearson r|)", who,
                            thr);
    double *c = malloc(n * p * sizeof *c); /* centred columns, column-major */
    double *ss = malloc(p * sizeof *ss);
    vkey *vk = malloc(p * sizeof *vk);
    size_t *vis = malloc(p * sizeof *vis);
    unsigned char *seen = calloc(p, 1);
    if (!c || !ss || !vk || !vis || !seen) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu x %zu values", who, n, p);
        goto done;
    }
    for (size_t j = 0; j < p; j++) {
        double m = col_mean(X, n, p, j), s = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = X[i * p + j] - m;
            c[j * n + i] = d;
            s += d * d;
        }
        ss[j] = s;
        if (!(s > 0.0)) {
            rc = vx_error_set(err, VX_EINVAL,
                              "%s: feature %zu is constant, its Pearson correlation is undefined: remove it first "
                              "(variance filter)",
                              who, j);
            goto done;
        }
        vk[j].v = s;
        vk[j].j = j;
    }
    if (order) {
        for (size_t t = 0; t < p; t++) {
            if (order[t] >= p || seen[order[t]]) {
                rc = vx_error_set(err, VX_EINVAL,
                                  "%s: order[%zu] = %zu: the order must be a permutation of 0..%zu (out of range "
                                  "or repeated)",
                                  who, t, order[t], p - 1);
                goto done;
            }
            seen[order[t]] = 1;
            vis[t] = order[t];
        }
    } else {
        qsort(vk, p, sizeof *vk, cmp_vkey_desc);
        for (size_t t = 0; t < p; t++)
            vis[t] = vk[t].j;
    }
    size_t nk = 0;
    for (size_t t = 0; t < p; t++) {
        size_t j = vis[t];
        int keep = 1;
        for (size_t q = 0; q < nk && keep; q++) {
            size_t l = idx[q];
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += c[j * n + i] * c[l * n + i];
            double r = s / sqrt(ss[j] * ss[l]);
            if (fabs(r) > thr)
                keep = 0;
        }
        if (keep)
            idx[nk++] = j;
    }
    *k = nk;
    rc = VX_OK;
done:
    free(c);
    free(ss);
    free(vk);
    free(vis);
    free(seen);
    return rc;
}

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
    qsort(o, m, sizeof *o, cmp_vkey_desc);
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
    qsort(buf, n, sizeof *buf, cmp_vkey_asc);
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
    int rc = check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    size_t n1 = 0;
    if ((rc = check_labels(who, y, n, &n1, err)))
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
    qsort(o, p, sizeof *o, cmp_vkey_asc);
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

/* ---- 4. mRMR -------------------------------------------------------------------------------------------------- */
static double mutual_info(const int *a, size_t na, const int *b, size_t nb, size_t n, double *tab)
{
    memset(tab, 0, (na * nb + na + nb) * sizeof *tab);
    double *ca = tab + na * nb, *cb = ca + na;
    for (size_t i = 0; i < n; i++) {
        tab[(size_t)a[i] * nb + (size_t)b[i]] += 1.0;
        ca[a[i]] += 1.0;
        cb[b[i]] += 1.0;
    }
    double s = 0.0, dn = (double)n;
    for (size_t u = 0; u < na; u++)
        for (size_t v = 0; v < nb; v++) {
            double c = tab[u * nb + v];
            if (c > 0.0)
                s += c / dn * log(c * dn / (ca[u] * cb[v]));
        }
    return s;
}

int vx_mrmr(const double *X, size_t n, size_t p, const int *y, size_t k, int miq, size_t nbins, size_t *idx,
            double *score, vx_error *err)
{
    const char *who = miq ? "mRMR (MIQ)" : "mRMR (MID)";
    int rc = check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    size_t n1 = 0;
    if ((rc = check_labels(who, y, n, &n1, err)))
        return rc;
    if (nbins == 0)
        nbins = 5;
    if (nbins < 2 || nbins > n)
        return vx_error_set(err, VX_EINVAL, "%s: %zu bins for %zu samples: use 2..n bins (0 = default 5)", who,
                            nbins, n);
    if (k == 0 || !idx)
        return vx_error_set(err, VX_EINVAL, "%s: k must be >= 1 and idx not NULL", who);
    if (k > p)
        k = p;
    int *bin = malloc(n * p * sizeof *bin);
    vkey *buf = malloc(n * sizeof *buf);
    double *tab = malloc((nbins * nbins + 2 * nbins + 4) * sizeof *tab);
    double *rel = malloc(p * sizeof *rel), *red = calloc(p, sizeof *red);
    unsigned char *used = calloc(p, 1);
    if (!bin || !buf || !tab || !rel || !red || !used) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", who);
        goto done;
    }
    for (size_t j = 0; j < p; j++) {
        for (size_t i = 0; i < n; i++) {
            buf[i].v = X[i * p + j];
            buf[i].j = i;
        }
        qsort(buf, n, sizeof *buf, cmp_vkey_asc);
        for (size_t s = 0; s < n;) {
            size_t e = s + 1;
            while (e < n && buf[e].v == buf[s].v)
                e++;
            int b = (int)(nbins * s / n); /* s = number of samples with a smaller value */
            for (size_t q = s; q < e; q++)
                bin[j * n + buf[q].j] = b;
            s = e;
        }
    }
    for (size_t j = 0; j < p; j++)
        rel[j] = mutual_info(bin + j * n, nbins, y, 2, n, tab);
    for (size_t m = 0; m < k; m++) {
        size_t best = SIZE_MAX;
        double bs = -INFINITY;
        for (size_t j = 0; j < p; j++) {
            if (used[j])
                continue;
            double s;
            if (m == 0)
                s = rel[j];
            else {
                double d = red[j] / (double)m;
                s = miq ? rel[j] / (d + 1e-4) : rel[j] - d;
            }
            if (best == SIZE_MAX || s > bs) {
                best = j;
                bs = s;
            }
        }
        used[best] = 1;
        idx[m] = best;
        if (score)
            score[m] = bs;
        if (m + 1 < k)
            for (size_t j = 0; j < p; j++)
                if (!used[j])
                    red[j] += mutual_info(bin + j * n, nbins, bin + best * n, nbins, n, tab);
    }
    rc = VX_OK;
done:
    free(bin);
    free(buf);
    free(tab);
    free(rel);
    free(red);
    free(used);
    return rc;
}

/* ---- 5. LASSO logistic regression ---------------------------------------------------------------------------- */
#define LASSO_PMIN 1e-9      /* glmnet get_int_parms pmin */
#define LASSO_BIG 9.9e35     /* glmnet big: the first lambda of the default path */
#define LASSO_FDEV 1e-5      /* glmnet fdev (sml) */
#define LASSO_DEVMAX 0.999   /* glmnet devmax */
#define LASSO_MNLAM 5        /* glmnet mnlam */
#define LASSO_EPS 1e-6       /* glmnet eps: smallest lambda.min.ratio */
#define LASSO_THRESH 1e-7    /* default convergence threshold: glmnet's (R glmnet.control thresh) */
#define LASSO_MAXIT 100000L  /* coordinate-descent passes over the path (glmnet's maxit) */
#define LASSO_NEWTON_WAIT 3    /* sweeps with an unchanged sign pattern before a Newton step is tried */

void vx_lasso_path_free(vx_lasso_path *path)
{
    if (!path)
        return;
    free(path->lambda);
    free(path->beta);
    free(path->a0);
    free(path->dev_ratio);
    free(path->cvm);
    free(path->cvsd);
    memset(path, 0, sizeof *path);
}

/* Subspace Newton step for the inner (quadratic) problem of one IRLS iteration: with the signs s_k of the
 * current nonzero coefficients S held fixed, the penalised quadratic
 *   Q(b0, b) = 1/2 sum_i v_i (t_i - b0 - z_i . b)^2 + al sum_k |b_k|   (t: the IRLS working response)
 * is a smooth quadratic on that orthant face; its minimiser solves
 *   G [d0; d_S] = [sum r; Z_S' r - al s_S],  G = [sum v, (Z_S' v)'; Z_S' v, Z_S' V Z_S],  r_i = v_i (t_i - eta_i).
 * When the solution keeps every sign, it is the exact minimiser of Q on the face and is taken; otherwise
 * nothing changes. When G is singular (a feature of S is a linear combination of others, e.g. a range that
 * equals maximum - minimum), Q is linear along the null direction u (G u = 0) with slope al s.u: the step moves
 * along -sign(s.u) u until the first coefficient reaches 0 (the minimum on the face lies on its boundary), if
 * that lowers Q. Coordinate descent keeps deciding convergence (a full sweep that changes no coordinate by more
 * than the threshold): the step only shortens the slow linear tail of coordinate descent on correlated
 * features, it does not change what is converged to.
 * G: room for nmax^2 doubles, wk: 4 nmax, sel: nmax (nmax = min(n, p + 1)). Returns 1 when a step was taken. */
static int lasso_newton(const double *z, size_t n, const double *v, double *r, double *b, double *b0,
                        const size_t *act, size_t nin, double al, double *G, double *wk, size_t *sel)
{
    size_t m = 0;
    for (size_t t = 0; t < nin; t++)
        if (b[act[t]] != 0.0) {
            if (m + 1 >= n)
                return 0; /* more coefficients than samples: leave it to coordinate descent */
            sel[m++] = act[t];
        }
    if (m == 0)
        return 0;
    const size_t M = m + 1;
    double *rhs = wk, *d = wk + M, *dg = wk + 2 * M, *g = wk + 3 * M;
    double sv = 0.0, sr = 0.0;
    for (size_t i = 0; i < n; i++) {
        sv += v[i];
        sr += r[i];
    }
    G[0] = sv;
    g[0] = rhs[0] = sr;
    for (size_t a = 0; a < m; a++) {
        const double *za = z + sel[a] * n;
        double s0 = 0.0, s1 = 0.0;
        for (size_t i = 0; i < n; i++) {
            s0 += v[i] * za[i];
            s1 += r[i] * za[i];
        }
        G[a + 1] = G[(a + 1) * M] = s0;
        g[a + 1] = s1;
        rhs[a + 1] = s1 - copysign(al, b[sel[a]]);
        for (size_t c = 0; c <= a; c++) {
            const double *zc = z + sel[c] * n;
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += v[i] * za[i] * zc[i];
            G[(a + 1) * M + c + 1] = G[(c + 1) * M + a + 1] = s;
        }
    }
    for (size_t j = 0; j < M; j++)
        dg[j] = G[j * M + j];
    /* Cholesky G = L L' in the lower triangle (the upper triangle and dg keep G), over the kept columns. A pivot
     * below 1e-12 of its diagonal: column j is a linear combination of the kept columns before it, with null
     * direction u = (-c, 1), L L' c = G[kept, j]. When the penalty's slope s.u along u is 0, Q is constant
     * along u: j is held at its value (skipped) and the rest solved; otherwise the null step. */
    size_t nskip = 0;
    for (size_t j = 0; j < M; j++) {
        double s = dg[j];
        for (size_t c = 0; c < j; c++)
            if (dg[c] >= 0.0)
                s -= G[j * M + c] * G[j * M + c];
        if (!(s > 1e-12 * dg[j])) {
            for (size_t i = 0; i < j; i++) {
                if (dg[i] < 0.0) {
                    d[i] = 0.0;
                    continue;
                }
                double t = G[i * M + j];
                for (size_t c = 0; c < i; c++)
                    if (dg[c] >= 0.0)
                        t -= G[i * M + c] * d[c];
                d[i] = t / G[i * M + i];
            }
            for (size_t i = j; i-- > 0;) {
                if (dg[i] < 0.0)
                    continue;
                double t = d[i];
                for (size_t c = i + 1; c < j; c++)
                    if (dg[c] >= 0.0)
                        t -= G[c * M + i] * d[c];
                d[i] = t / G[i * M + i];
            }
            for (size_t i = 0; i < j; i++)
                d[i] = -d[i];
            d[j] = 1.0;
            double sl = 0.0;
            for (size_t i = 1; i <= j; i++)
                sl += copysign(d[i], b[sel[i - 1]]);
            if (fabs(sl) <= 1e-12) {
                dg[j] = -dg[j] - 1.0; /* skipped: marked by a negative diagonal */
                nskip++;
                continue;
            }
            double sg = sl > 0.0 ? -1.0 : 1.0, tmax = INFINITY;
            size_t hit = 0;
            for (size_t i = 1; i <= j; i++) {
                double di = sg * d[i], bi = b[sel[i - 1]];
                if (di * bi < 0.0 && -bi / di < tmax) {
                    tmax = -bi / di;
                    hit = i;
                }
            }
            if (!hit)
                return 0;
            for (size_t i = 0; i <= j; i++)
                d[i] *= sg * tmax;
            for (size_t i = j + 1; i < M; i++)
                d[i] = 0.0;
            d[hit] = -b[sel[hit - 1]];
            /* change of Q: -d.g + d'Gd/2 + al sum_k (|b_k + d_k| - |b_k|) */
            double dq = 0.0;
            for (size_t i = 0; i <= j; i++) {
                double gi = (dg[i] >= 0.0 ? dg[i] : -dg[i] - 1.0) * d[i];
                for (size_t c = 0; c <= j; c++)
                    if (c != i)
                        gi += G[(i < c ? i : c) * M + (i < c ? c : i)] * d[c];
                dq += d[i] * (0.5 * gi - g[i]);
                if (i > 0)
                    dq += al * (fabs(b[sel[i - 1]] + d[i]) - fabs(b[sel[i - 1]]));
            }
            if (!(dq < 0.0))
                return 0;
            m = j; /* only coefficients 1..j move */
            goto apply;
        }
        double l = sqrt(s);
        G[j * M + j] = l;
        for (size_t i = j + 1; i < M; i++) {
            double t = G[j * M + i];
            for (size_t c = 0; c < j; c++)
                if (dg[c] >= 0.0)
                    t -= G[i * M + c] * G[j * M + c];
            G[i * M + j] = t / l;
        }
    }
    /* solve L L' d = rhs over the kept columns; skipped ones stay */
    for (size_t i = 0; i < M; i++) {
        if (dg[i] < 0.0) {
            d[i] = 0.0;
            continue;
        }
        double t = rhs[i];
        for (size_t c = 0; c < i; c++)
            if (dg[c] >= 0.0)
                t -= G[i * M + c] * d[c];
        d[i] = t / G[i * M + i];
    }
    for (size_t i = M; i-- > 0;) {
        if (dg[i] < 0.0)
            continue;
        double t = d[i];
        for (size_t c = i + 1; c < M; c++)
            if (dg[c] >= 0.0)
                t -= G[c * M + i] * d[c];
        d[i] = t / G[i * M + i];
    }
    for (size_t a = 0; a < m; a++)
        if (d[a + 1] != 0.0 && !((b[sel[a]] + d[a + 1]) * b[sel[a]] > 0.0))
            return 0; /* a sign changes: not this face's minimiser */
    (void)nskip;
apply:
    *b0 += d[0];
    for (size_t a = 0; a < m; a++) {
        double nb = b[sel[a]] + d[a + 1];
        b[sel[a]] = nb * b[sel[a]] > 0.0 ? nb : 0.0;
    }
    for (size_t i = 0; i < n; i++) {
        double e = d[0];
        for (size_t a = 0; a < m; a++)
            e += d[a + 1] * z[sel[a] * n + i];
        r[i] -= v[i] * e;
    }
    return 1;
}

/* One path fit. who: the message prefix (names the fold in cross-validation). */
static int lasso_fit(const char *who, const double *X, size_t n, size_t p, const int *y, const double *ulam,
                     size_t nlam, double ratio, double thresh, vx_lasso_path *out, vx_error *err)
{
    int rc = VX_OK;
    memset(out, 0, sizeof *out);
    size_t n1 = 0;
    for (size_t i = 0; i < n; i++)
        n1 += (size_t)y[i];
    if (n1 < 2 || n - n1 < 2)
        return vx_error_set(err, VX_EINVAL,
                            "%s: class 1 has %zu and class 0 has %zu samples; each class needs >= 2 (as glmnet)",
                            who, n1, n - n1);
    const double w = 1.0 / (double)n;
    double q0 = (double)n1 * w;
    if (q0 <= LASSO_PMIN || q0 >= 1.0 - LASSO_PMIN)
        return vx_error_set(err, VX_EINVAL, "%s: class proportion %g too extreme", who, q0);

    double *z = malloc(n * p * sizeof *z), *xm = malloc(p * sizeof *xm), *xs = malloc(p * sizeof *xs);
    int *ju = malloc(p * sizeof *ju);
    double *b = calloc(p, sizeof *b), *bs = malloc(p * sizeof *bs), *xv = malloc(p * sizeof *xv);
    double *q = malloc(n * sizeof *q), *v = malloc(n * sizeof *v), *r = malloc(n * sizeof *r);
    size_t *act = malloc(p * sizeof *act);
    unsigned char *inact = calloc(p, 1);
    const size_t nmax = n < p + 1 ? n : p + 1; /* the largest Newton system (intercept + coefficients) */
    double *G = malloc(nmax * nmax * sizeof *G), *wk = malloc(4 * nmax * sizeof *wk);
    size_t *sel = malloc(nmax * sizeof *sel);
    out->lambda = malloc(nlam * sizeof *out->lambda);
    out->beta = calloc(nlam * p, sizeof *out->beta);
    out->a0 = malloc(nlam * sizeof *out->a0);
    out->dev_ratio = malloc(nlam * sizeof *out->dev_ratio);
    if (!z || !xm || !xs || !ju || !b || !bs || !xv || !q || !v || !r || !act || !inact || !G || !wk || !sel ||
        !out->lambda || !out->beta || !out->a0 || !out->dev_ratio) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu x %zu values", who, n, p);
        goto done;
    }
    out->p = p;
    size_t nju = 0;
    for (size_t j = 0; j < p; j++) {
        ju[j] = 0;
        for (size_t i = 1; i < n; i++)
            if (X[i * p + j] != X[j]) {
                ju[j] = 1;
                break;
            }
        xm[j] = 0.0;
        xs[j] = 1.0;
        if (!ju[j])
            continue;
        nju++;
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += w * X[i * p + j];
        double ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = X[i * p + j] - s;
            z[j * n + i] = d;
            ss += w * d * d;
        }
        xm[j] = s;
        xs[j] = sqrt(ss);
        for (size_t i = 0; i < n; i++)
            z[j * n + i] /= xs[j];
    }
    if (nju == 0) {
        rc = vx_error_set(err, VX_EINVAL, "%s: every feature is constant, nothing to fit", who);
        goto done;
    }

    const double fmax = log(1.0 / LASSO_PMIN - 1.0), fmin = -fmax;
    const double vmin = (1.0 + LASSO_PMIN) * LASSO_PMIN * (1.0 - LASSO_PMIN);
    double b0 = log(q0 / (1.0 - q0));
    double xmz = q0 * (1.0 - q0);
    for (size_t i = 0; i < n; i++) {
        q[i] = q0;
        v[i] = w * xmz;
        r[i] = w * ((double)y[i] - q0);
    }
    const double dev1 = -(b0 * q0 + log(1.0 - q0)), dev0 = dev1;
    const double shr = thresh * dev0;
    double alf = 1.0, al = 0.0, al0 = 0.0;
    if (!ulam) {
        double eqs = ratio > LASSO_EPS ? ratio : LASSO_EPS;
        alf = pow(eqs, 1.0 / (double)(nlam - 1));
        for (size_t j = 0; j < p; j++) {
            if (!ju[j])
                continue;
            double g = 0.0;
            for (size_t i = 0; i < n; i++)
                g += r[i] * z[j * n + i];
            if (fabs(g) > al0)
                al0 = fabs(g);
        }
    }
    size_t nin = 0, lmu = 0;
    long nlp = 0; /* coordinate-descent passes over the whole path (glmnet's npasses, bounded by maxit) */
    for (size_t l = 0; l < nlam; l++) {
        if (ulam)
            al = ulam[l];
        else if (l == 0)
            al = LASSO_BIG;
        else if (l == 1)
            al = alf * al0;
        else
            al *= alf;
        int saturated = 0;
        for (;;) { /* IRLS */
            double bs0 = b0;
            memcpy(bs, b, p * sizeof *b);
            for (size_t j = 0; j < p; j++) {
                if (!ju[j])
                    continue;
                double s = 0.0;
                for (size_t i = 0; i < n; i++)
                    s += v[i] * z[j * n + i] * z[j * n + i];
                xv[j] = s;
            }
            long stable = 0, wait = LASSO_NEWTON_WAIT;
            for (;;) { /* coordinate descent: full sweep, then the active set to convergence */
                for (int full = 1;; full = 0) {
                    nlp++;
                    double dlx = 0.0;
                    int moved = 0; /* a coefficient entered, left or changed sign in this sweep */
                    size_t cnt = full ? p : nin;
                    for (size_t t = 0; t < cnt; t++) {
                        size_t k = full ? t : act[t];
                        if (!ju[k])
                            continue;
                        const double *zk = z + k * n;
                        double bk = b[k], gk = 0.0;
                        for (size_t i = 0; i < n; i++)
                            gk += r[i] * zk[i];
                        double u = gk + xv[k] * bk, au = fabs(u) - al;
                        b[k] = au <= 0.0 ? 0.0 : copysign(au, u) / xv[k];
                        double d = b[k] - bk;
                        if (d == 0.0)
                            continue;
                        if (!(b[k] * bk > 0.0))
                            moved = 1;
                        if (xv[k] * d * d > dlx)
                            dlx = xv[k] * d * d;
                        for (size_t i = 0; i < n; i++)
                            r[i] -= d * v[i] * zk[i];
                        if (!inact[k]) {
                            inact[k] = 1;
                            act[nin++] = k;
                        }
                    }
                    double sr = 0.0;
                    for (size_t i = 0; i < n; i++)
                        sr += r[i];
                    double d = sr / xmz;
                    if (d != 0.0) {
                        b0 += d;
                        if (xmz * d * d > dlx)
                            dlx = xmz * d * d;
                        for (size_t i = 0; i < n; i++)
                            r[i] -= d * v[i];
                    }
                    if (nlp > LASSO_MAXIT) {
                        if (l == 0) {
                            rc = vx_error_set(err, VX_EINVAL,
                                              "%s: coordinate descent did not converge in %ld passes at the first "
                                              "lambda (%g): pass a looser threshold",
                                              who, LASSO_MAXIT, al);
                            goto done;
                        }
                        /* as glmnet (jerr < 0, "Convergence for kth lambda value not reached after maxit
                         * iterations; solutions for larger lambdas returned"): the path ends before this lambda */
                        out->unconverged = l + 1;
                        goto path_end;
                    }
                    if (dlx < shr) {
                        if (full)
                            goto cd_done;
                        break; /* active set converged: back to a full sweep */
                    }
                    /* a Newton step costs about as much as 20 sweeps: tried once the sign pattern has held for
                     * `wait` sweeps; a refused step doubles the wait, a change of pattern resets it */
                    if (moved) {
                        stable = 0;
                        wait = LASSO_NEWTON_WAIT;
                    } else if (++stable >= wait) {
                        if (lasso_newton(z, n, v, r, b, &b0, act, nin, al, G, wk, sel)) {
                            stable = 0;
                            wait = LASSO_NEWTON_WAIT;
                        } else {
                            wait *= 2;
                        }
                    }
                }
            }
        cd_done:
            xmz = 0.0;
            for (size_t i = 0; i < n; i++) {
                double fi = b0;
                for (size_t t = 0; t < nin; t++)
                    fi += b[act[t]] * z[act[t] * n + i];
                q[i] = fi < fmin ? 0.0 : (fi > fmax ? 1.0 : 1.0 / (1.0 + exp(-fi)));
                v[i] = w * q[i] * (1.0 - q[i]);
                xmz += v[i];
                r[i] = w * ((double)y[i] - q[i]);
            }
            if (xmz <= vmin) {
                saturated = 1;
                break;
            }
            int conv = xmz * (b0 - bs0) * (b0 - bs0) < shr;
            for (size_t t = 0; t < nin && conv; t++) {
                size_t k = act[t];
                if (xv[k] * (b[k] - bs[k]) * (b[k] - bs[k]) >= shr)
                    conv = 0;
            }
            if (conv)
                break;
        }
        /* store on the original scale */
        double a0 = b0;
        for (size_t j = 0; j < p; j++) {
            double bj = ju[j] ? b[j] / xs[j] : 0.0;
            out->beta[l * p + j] = bj;
            a0 -= bj * xm[j];
        }
        out->a0[l] = a0;
        out->lambda[l] = al;
        double devi = 0.0;
        for (size_t i = 0; i < n; i++) {
            double pi = q[i] < LASSO_PMIN ? LASSO_PMIN : (q[i] > 1.0 - LASSO_PMIN ? 1.0 - LASSO_PMIN : q[i]);
            devi -= w * (y[i] ? log(pi) : log(1.0 - pi));
        }
        out->dev_ratio[l] = (dev1 - devi) / dev0;
        lmu = l + 1;
        if (saturated)
            break;
        if (l + 1 < LASSO_MNLAM || ulam)
            continue;
        if (out->dev_ratio[l] > LASSO_DEVMAX)
            break;
        if (out->dev_ratio[l] - out->dev_ratio[l - 1] < LASSO_FDEV)
            break;
    }
path_end:
    out->nlambda = lmu;
    if (!ulam) { /* R glmnet's fix.lam: the first lambda is "infinity" inside the Fortran code */
        if (lmu > 2)
            out->lambda[0] = exp(2.0 * log(out->lambda[1]) - log(out->lambda[2]));
        else
            out->lambda[0] = al0;
    }
    rc = VX_OK;
done:
    free(z);
    free(xm);
    free(xs);
    free(ju);
    free(b);
    free(bs);
    free(xv);
    free(q);
    free(v);
    free(r);
    free(act);
    free(inact);
    free(G);
    free(wk);
    free(sel);
    if (rc)
        vx_lasso_path_free(out);
    return rc;
}

int vx_lasso_logistic(const double *X, size_t n, size_t p, const int *y, const double *lambda, size_t nlambda,
                      double lambda_min_ratio, double thresh, vx_lasso_path *out, vx_error *err)
{
    const char *who = "lasso";
    if (!out)
        return vx_error_set(err, VX_EINVAL, "%s: out is NULL", who);
    memset(out, 0, sizeof *out);
    int rc = check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    size_t n1 = 0;
    if ((rc = check_labels(who, y, n, &n1, err)))
        return rc;
    if (lambda) {
        if (nlambda == 0)
            return vx_error_set(err, VX_EINVAL, "%s: a user lambda sequence needs nlambda >= 1", who);
        for (size_t l = 0; l < nlambda; l++)
            if (!(lambda[l] >= 0.0 && isfinite(lambda[l])) || (l > 0 && !(lambda[l] < lambda[l - 1])))
                return vx_error_set(err, VX_EINVAL,
                                    "%s: lambda[%zu] = %g: the sequence must be finite, >= 0 and strictly "
                                    "decreasing",
                                    who, l, lambda[l]);
    } else {
        if (nlambda == 0)
            nlambda = 100;
        if (nlambda < 3)
            return vx_error_set(err, VX_EINVAL, "%s: the default path needs nlambda >= 3 (got %zu)", who, nlambda);
        if (lambda_min_ratio == 0.0)
            lambda_min_ratio = n < p ? 0.01 : 1e-4;
        if (!(lambda_min_ratio > 0.0 && lambda_min_ratio < 1.0))
            return vx_error_set(err, VX_EINVAL, "%s: lambda_min_ratio %g must lie in (0, 1) (0 = default)", who,
                                lambda_min_ratio);
    }
    if (thresh == 0.0)
        thresh = LASSO_THRESH;
    if (!(thresh > 0.0 && thresh < 1.0))
        return vx_error_set(err, VX_EINVAL,
                            "%s: convergence threshold %g must lie in (0, 1) (0 = default 1e-7, glmnet's)",
                            who, thresh);
    return lasso_fit(who, X, n, p, y, lambda, nlambda, lambda_min_ratio, thresh, out, err);
}

int vx_lasso_logistic_cv(const double *X, size_t n, size_t p, const int *y, const int *fold, int K, size_t nlambda,
                         double lambda_min_ratio, double thresh, vx_lasso_path *out, vx_error *err)
{
    const char *who = "lasso cv";
    if (!out)
        return vx_error_set(err, VX_EINVAL, "%s: out is NULL", who);
    memset(out, 0, sizeof *out);
    if (!fold || K < 3)
        return vx_error_set(err, VX_EINVAL, "%s: %d folds: need a fold vector and K >= 3", who, K);
    int rc = check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    size_t *fsz = calloc((size_t)K, sizeof *fsz);
    if (!fsz)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", who);
    for (size_t i = 0; i < n; i++) {
        if (fold[i] < 0 || fold[i] >= K) {
            rc = vx_error_set(err, VX_EINVAL, "%s: fold[%zu] = %d, folds must lie in 0..%d", who, i, fold[i],
                              K - 1);
            free(fsz);
            return rc;
        }
        fsz[fold[i]]++;
    }
    for (int f = 0; f < K; f++)
        if (fsz[f] < 3) {
            rc = vx_error_set(err, VX_EINVAL, "%s: fold %d has %zu sample(s), each fold needs >= 3", who, f,
                              fsz[f]);
            free(fsz);
            return rc;
        }
    rc = vx_lasso_logistic(X, n, p, y, NULL, nlambda, lambda_min_ratio, thresh, out, err);
    if (nlambda == 0)
        nlambda = 100;
    if (thresh == 0.0)
        thresh = LASSO_THRESH;
    if (rc) {
        free(fsz);
        return rc;
    }
    size_t L = out->nlambda;
    double *Xt = malloc(n * p * sizeof *Xt);
    int *yt = malloc(n * sizeof *yt);
    double *fm = calloc((size_t)K * L, sizeof *fm); /* fold mean deviance */
    out->cvm = malloc(L * sizeof *out->cvm);
    out->cvsd = malloc(L * sizeof *out->cvsd);
    if (!Xt || !yt || !fm || !out->cvm || !out->cvsd) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", who);
        goto done;
    }
    for (int f = 0; f < K; f++) {
        size_t nt = 0;
        for (size_t i = 0; i < n; i++)
            if (fold[i] != f) {
                memcpy(Xt + nt * p, X + i * p, p * sizeof *X);
                yt[nt++] = y[i];
            }
        char fwho[64];
        snprintf(fwho, sizeof fwho, "lasso cv, training set without fold %d", f);
        vx_lasso_path fp;
        double ratio = lambda_min_ratio > 0.0 ? lambda_min_ratio : nt < p ? 0.01 : 1e-4;
        rc = lasso_fit(fwho, Xt, nt, p, yt, NULL, nlambda, ratio, thresh, &fp, err);
        if (rc)
            goto done;
        /* R predict.glmnet(s = lambda): coefficients interpolated linearly in lambda (lambda.interp) */
        size_t k = fp.nlambda;
        const double *lf = fp.lambda;
        for (size_t l = 0; l < L; l++) {
            size_t left = 0, right = 0;
            double frac = 1.0;
            if (k > 1) {
                double span = lf[0] - lf[k - 1];
                double sf = (lf[0] - out->lambda[l]) / span;
                if (sf < 0.0)
                    sf = 0.0;
                if (sf > 1.0)
                    sf = 1.0;
                /* normalised fold lambdas nl_t = (lf0 - lf_t) / span increase from 0 to 1 */
                size_t lo = 0, hi = k - 1;
                while (hi - lo > 1) {
                    size_t mid = (lo + hi) / 2;
                    if ((lf[0] - lf[mid]) / span <= sf)
                        lo = mid;
                    else
                        hi = mid;
                }
                double nlo = (lf[0] - lf[lo]) / span, nhi = (lf[0] - lf[hi]) / span;
                if (sf == nlo)
                    left = right = lo;
                else if (sf == nhi)
                    left = right = hi;
                else {
                    left = lo;
                    right = hi;
                    frac = (sf - nhi) / (nlo - nhi);
                    if (fabs(nlo - nhi) < DBL_EPSILON)
                        frac = 1.0;
                }
            }
            double s = 0.0;
            for (size_t i = 0; i < n; i++) {
                if (fold[i] != f)
                    continue;
                double eta = frac * fp.a0[left] + (1.0 - frac) * fp.a0[right];
                for (size_t j = 0; j < p; j++)
                    eta += X[i * p + j] * (frac * fp.beta[left * p + j] + (1.0 - frac) * fp.beta[right * p + j]);
                double pr = 1.0 / (1.0 + exp(-eta));
                pr = pr < 1e-5 ? 1e-5 : (pr > 1.0 - 1e-5 ? 1.0 - 1e-5 : pr);
                s += -2.0 * (y[i] ? log(pr) : log(1.0 - pr));
            }
            fm[(size_t)f * L + l] = s / (double)fsz[f];
        }
        vx_lasso_path_free(&fp);
    }
    for (size_t l = 0; l < L; l++) {
        double sw = 0.0, sm = 0.0;
        for (int f = 0; f < K; f++) {
            sw += (double)fsz[f];
            sm += (double)fsz[f] * fm[(size_t)f * L + l];
        }
        double cvm = sm / sw, ss = 0.0;
        for (int f = 0; f < K; f++) {
            double d = fm[(size_t)f * L + l] - cvm;
            ss += (double)fsz[f] * d * d;
        }
        out->cvm[l] = cvm;
        out->cvsd[l] = sqrt(ss / sw / (double)(K - 1));
    }
    size_t Lok = L;
    size_t imin = 0;
    for (size_t l = 1; l < Lok; l++)
        if (out->cvm[l] < out->cvm[imin])
            imin = l;
    double lim = out->cvm[imin] + out->cvsd[imin];
    size_t i1se = imin;
    for (size_t l = 0; l < Lok; l++)
        if (out->cvm[l] <= lim) {
            i1se = l;
            break;
        }
    out->imin = imin;
    out->i1se = i1se;
    rc = VX_OK;
done:
    free(fsz);
    free(Xt);
    free(yt);
    free(fm);
    if (rc)
        vx_lasso_path_free(out);
    return rc;
}

int vx_lasso_selected(const vx_lasso_path *path, size_t l, size_t *idx, size_t *k, vx_error *err)
{
    if (!path || !idx || !k || l >= path->nlambda)
        return vx_error_set(err, VX_EINVAL, "lasso: lambda index %zu out of range (path of %zu lambdas)", l,
                            path ? path->nlambda : 0);
    size_t c = 0;
    for (size_t j = 0; j < path->p; j++)
        if (path->beta[l * path->p + j] != 0.0)
            idx[c++] = j;
    *k = c;
    return VX_OK;
}
