/* voxomics: the helpers of the survival sources (src/survival/surv_impl.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survival/surv_impl.h"

int surv_check(const double *time, const int *event, const int *strata, size_t n, const char *what, size_t *events,
               vx_error *err)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(time[i]) || time[i] < 0.0)
            return vx_error_set(err, VX_EINVAL, "%s: the time of subject %zu is %g; times must be finite and >= 0",
                                what, i + 1, time[i]);
        if (event[i] != 0 && event[i] != 1)
            return vx_error_set(err, VX_EINVAL, "%s: the event of subject %zu is %d; events are 1 (event) or 0 "
                                "(censored)",
                                what, i + 1, event[i]);
        if (strata && strata[i] < 0)
            return vx_error_set(err, VX_EINVAL, "%s: the stratum of subject %zu is negative", what, i + 1);
        d += (size_t)event[i];
    }
    *events = d;
    return VX_OK;
}

static void merge_rec(size_t *a, size_t *tmp, size_t n, int (*cmp)(const void *, const void *, void *), void *ctx)
{
    if (n < 2)
        return;
    const size_t h = n / 2;
    merge_rec(a, tmp, h, cmp, ctx);
    merge_rec(a + h, tmp, n - h, cmp, ctx);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp(&a[j], &a[i], ctx) < 0 ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

void surv_sort(size_t *idx, size_t n, int (*cmp)(const void *, const void *, void *), void *ctx)
{
    size_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp) { /* insertion sort without memory */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && cmp(&idx[j], &idx[j - 1], ctx) < 0; j--) {
                size_t t = idx[j];
                idx[j] = idx[j - 1];
                idx[j - 1] = t;
            }
        return;
    }
    merge_rec(idx, tmp, n, cmp, ctx);
    free(tmp);
}

int surv_chol(const double *A, size_t p, double *L)
{
    double dmax = 0.0;
    for (size_t i = 0; i < p; i++)
        dmax = fmax(dmax, fabs(A[i * p + i]));
    memset(L, 0, p * p * sizeof *L);
    for (size_t j = 0; j < p; j++) {
        double s = A[j * p + j];
        for (size_t k = 0; k < j; k++)
            s -= L[j * p + k] * L[j * p + k];
        if (!(s > 1e-13 * dmax))
            return -1;
        const double d = sqrt(s);
        L[j * p + j] = d;
        for (size_t i = j + 1; i < p; i++) {
            double t = A[i * p + j];
            for (size_t k = 0; k < j; k++)
                t -= L[i * p + k] * L[j * p + k];
            L[i * p + j] = t / d;
        }
    }
    return 0;
}

void surv_chol_solve(const double *L, size_t p, const double *b, double *x)
{
    for (size_t i = 0; i < p; i++) { /* L y = b */
        double s = b[i];
        for (size_t k = 0; k < i; k++)
            s -= L[i * p + k] * x[k];
        x[i] = s / L[i * p + i];
    }
    for (size_t i = p; i-- > 0;) { /* L' x = y */
        double s = x[i];
        for (size_t k = i + 1; k < p; k++)
            s -= L[k * p + i] * x[k];
        x[i] = s / L[i * p + i];
    }
}

void surv_chol_inverse(const double *L, size_t p, double *inv)
{
    double *e = calloc(p ? p : 1, sizeof *e), *x = malloc((p ? p : 1) * sizeof *x);
    if (!e || !x) {
        for (size_t i = 0; i < p * p; i++)
            inv[i] = NAN;
        free(e);
        free(x);
        return;
    }
    for (size_t j = 0; j < p; j++) {
        e[j] = 1.0;
        surv_chol_solve(L, p, e, x);
        e[j] = 0.0;
        for (size_t i = 0; i < p; i++)
            inv[i * p + j] = x[i];
    }
    for (size_t i = 0; i < p; i++) /* exactly symmetric */
        for (size_t j = i + 1; j < p; j++)
            inv[i * p + j] = inv[j * p + i] = (inv[i * p + j] + inv[j * p + i]) / 2.0;
    free(e);
    free(x);
}

typedef struct order_ctx {
    const double *key;
    const int *strata;
    int desc;
} order_ctx;

/* by stratum, then key ascending (desc: descending), then index */
static int by_key(const void *a, const void *b, void *ctx)
{
    const order_ctx *o = ctx;
    const size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const int si = surv_stratum(o->strata, i), sj = surv_stratum(o->strata, j);
    if (si != sj)
        return si < sj ? -1 : 1;
    if (o->key[i] != o->key[j])
        return (o->key[i] < o->key[j]) == !o->desc ? -1 : 1;
    return i < j ? -1 : i > j;
}

size_t *surv_order(const double *key, const int *strata, size_t n, int desc)
{
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return NULL;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    order_ctx o = {key, strata, desc};
    surv_sort(idx, n, by_key, &o);
    return idx;
}
