/* voxomics: feature selection, shared checks and helpers of the methods in this folder (variance.c, univariate.c,
 * mrmr.c, lasso.c). See include/voxomics/select.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/select/select_impl.h"

/* ---- shared checks ------------------------------------------------------------------------------------------ */
int vxs_check_matrix(const char *who, const double *X, size_t n, size_t p, size_t nmin, vx_error *err)
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
int vxs_check_labels(const char *who, const int *y, size_t n, size_t *n1, vx_error *err)
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

/* decreasing value, ties: lower index */
int vxs_cmp_vkey_desc(const void *a, const void *b)
{
    const vkey *x = a, *y = b;
    if (x->v > y->v)
        return -1;
    if (x->v < y->v)
        return 1;
    return (x->j > y->j) - (x->j < y->j);
}

/* increasing value, ties: lower index */
int vxs_cmp_vkey_asc(const void *a, const void *b)
{
    const vkey *x = a, *y = b;
    if (x->v < y->v)
        return -1;
    if (x->v > y->v)
        return 1;
    return (x->j > y->j) - (x->j < y->j);
}

double vxs_col_mean(const double *X, size_t n, size_t p, size_t j)
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
