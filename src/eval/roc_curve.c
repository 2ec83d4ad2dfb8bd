/* voxomics: the empirical ROC curve, its vertical interpolation on an FPR grid, and the reliability curve
 * (binned calibration with Clopper-Pearson intervals). See include/voxomics/roc.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "voxomics/roc.h"

typedef struct ranked {
    double v;
    size_t i;
} ranked;

/* Descending by value, ties by index (a stable, deterministic order). */
static int cmp_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

/* Ascending by value, ties by index. */
static int cmp_asc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

/* The values with their indexes, sorted by cmp (malloc'd; NULL when out of memory). */
static ranked *sorted(const double *v, size_t n, int (*cmp)(const void *, const void *))
{
    ranked *r = malloc(n * sizeof *r);
    for (size_t i = 0; r && i < n; i++)
        r[i] = (ranked){v[i], i};
    if (r)
        qsort(r, n, sizeof *r, cmp);
    return r;
}

/* Labels 0/1 and finite values in [lo, hi]; counts of cases and controls. */
static int check(const char *fn, const double *v, const int *y, size_t n, double lo, double hi, size_t *np,
                 size_t *nn, vx_error *err)
{
    if (!v || !y)
        return vx_error_set(err, VX_EINVAL, "%s: NULL %s", fn, !v ? "values" : "labels");
    if (n == 0)
        return vx_error_set(err, VX_EINVAL, "%s: no samples (n = 0)", fn);
    *np = *nn = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return vx_error_set(err, VX_EINVAL, "%s: label of sample %zu is %d: labels must be 0 or 1", fn, i,
                                y[i]);
        if (!isfinite(v[i]))
            return vx_error_set(err, VX_ENAN, "%s: value of sample %zu is not finite (%g): remove or impute it", fn,
                                i, v[i]);
        if (v[i] < lo || v[i] > hi)
            return vx_error_set(err, VX_EINVAL, "%s: probability of sample %zu is %g, outside [0, 1]: pass "
                                "predicted probabilities, not scores", fn, i, v[i]);
        *np += (size_t)y[i];
    }
    *nn = n - *np;
    return VX_OK;
}

int vx_roc_curve(const double *score, const int *y, size_t n, double *fpr, double *tpr, size_t *npts,
                 vx_error *err)
{
    const char *fn = "roc curve";
    size_t np, nn;
    int rc = check(fn, score, y, n, -INFINITY, INFINITY, &np, &nn, err);
    if (rc == VX_OK && (!fpr || !tpr || !npts))
        rc = vx_error_set(err, VX_EINVAL, "%s: NULL output array", fn);
    if (rc == VX_OK && (np == 0 || nn == 0))
        rc = vx_error_set(err, VX_EINVAL, "%s: %s: a ROC curve needs cases and controls", fn,
                          np ? "no control (y = 0)" : "no case (y = 1)");
    if (rc != VX_OK)
        return rc;
    ranked *r = sorted(score, n, cmp_desc);
    if (!r)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu samples", fn, n);
    size_t tp = 0, fp = 0, k = 0;
    fpr[k] = 0.0;
    tpr[k++] = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (y[r[i].i])
            tp++;
        else
            fp++;
        if (i + 1 == n || r[i + 1].v != r[i].v) {
            fpr[k] = (double)fp / (double)nn;
            tpr[k++] = (double)tp / (double)np;
        }
    }
    *npts = k;
    free(r);
    return VX_OK;
}

int vx_roc_interp(const double *fpr, const double *tpr, size_t npts, const double *grid, size_t ngrid, double *out,
                  vx_error *err)
{
    const char *fn = "roc interp";
    if (!fpr || !tpr || !grid || !out)
        return vx_error_set(err, VX_EINVAL, "%s: NULL array", fn);
    if (npts < 2)
        return vx_error_set(err, VX_EINVAL, "%s: %zu curve points (at least 2)", fn, npts);
    for (size_t k = 1; k < npts; k++)
        if (!(fpr[k] >= fpr[k - 1]))
            return vx_error_set(err, VX_EINVAL, "%s: fpr decreases at point %zu: pass vx_roc_curve's points", fn, k);
    for (size_t g = 0; g < ngrid; g++) {
        const double x = grid[g];
        if (!(x >= 0.0 && x <= 1.0))
            return vx_error_set(err, VX_EINVAL, "%s: grid value %zu is %g, outside [0, 1]", fn, g, x);
        size_t last_le = 0; /* the last point with fpr <= x */
        while (last_le + 1 < npts && fpr[last_le + 1] <= x)
            last_le++;
        if (fpr[last_le] == x || last_le + 1 == npts) {
            out[g] = tpr[last_le];
            continue;
        }
        const size_t a = last_le, b = last_le + 1; /* fpr[a] < x < fpr[b] */
        out[g] = tpr[a] + (tpr[b] - tpr[a]) * (x - fpr[a]) / (fpr[b] - fpr[a]);
    }
    return VX_OK;
}

/* Clopper-Pearson 95% interval of x successes in m trials. */
static void clopper_pearson(size_t x, size_t m, double *lo, double *hi)
{
    *lo = x == 0 ? 0.0 : gsl_cdf_beta_Pinv(0.025, (double)x, (double)(m - x + 1));
    *hi = x == m ? 1.0 : gsl_cdf_beta_Pinv(0.975, (double)(x + 1), (double)(m - x));
}

int vx_roc_reliability(const double *prob, const int *y, size_t n, size_t bins, double *mean_pred,
                       double *observed, double *lo, double *hi, size_t *count, size_t *nout, vx_error *err)
{
    const char *fn = "roc reliability";
    size_t np, nn;
    int rc = check(fn, prob, y, n, 0.0, 1.0, &np, &nn, err);
    if (rc == VX_OK && (!mean_pred || !observed || !count || !nout))
        rc = vx_error_set(err, VX_EINVAL, "%s: NULL output array", fn);
    if (rc == VX_OK && bins == 0)
        rc = vx_error_set(err, VX_EINVAL, "%s: 0 bins (at least 1)", fn);
    if (rc != VX_OK)
        return rc;
    ranked *r = sorted(prob, n, cmp_asc);
    if (!r)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu samples", fn, n);
    size_t k = 0;
    for (size_t g = 0; g < bins; g++) {
        size_t a = g * n / bins, b = (g + 1) * n / bins; /* ascending positions a .. b-1 */
        if (b <= a)
            continue;
        double sp = 0.0;
        size_t x = 0;
        for (size_t j = a; j < b; j++) {
            const ranked *e = &r[j];
            sp += e->v;
            x += (size_t)y[e->i];
        }
        count[k] = b - a;
        mean_pred[k] = sp / (double)(b - a);
        observed[k] = (double)x / (double)(b - a);
        double l, h;
        clopper_pearson(x, b - a, &l, &h);
        if (lo)
            lo[k] = l;
        if (hi)
            hi[k] = h;
        k++;
    }
    *nout = k;
    free(r);
    return VX_OK;
}
