/* voxomics (internal): what the survival sources share (src/survival).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_SURV_IMPL_H
#define VX_SURV_IMPL_H

#include <stddef.h>

#include "voxomics/error.h"

/* stratum of subject i (0 without strata) */
static inline int surv_stratum(const int *strata, size_t i)
{
    return strata ? strata[i] : 0;
}

/* Checks time (finite, >= 0), event (0/1) and strata (>= 0); *events = the number of events. VX_EINVAL naming
 * the subject (1-based) and `what`. */
int surv_check(const double *time, const int *event, const int *strata, size_t n, const char *what, size_t *events,
               vx_error *err);

/* Stable merge sort of idx[0..n) by cmp(a, b, ctx) (pointers to elements of idx). */
void surv_sort(size_t *idx, size_t n, int (*cmp)(const void *, const void *, void *), void *ctx);

/* A new array of 0..n-1 ordered by stratum (strata NULL: one), then key ascending (desc: descending), then
 * index; NULL without memory. */
size_t *surv_order(const double *key, const int *strata, size_t n, int desc);

/* Cholesky factor L (lower, row-major p x p) of the symmetric A; -1 when A is not positive definite (a pivot
 * below 1e-13 of the largest diagonal, relative), else 0. */
int surv_chol(const double *A, size_t p, double *L);
/* x = A^-1 b from the factor L (x may not alias b). */
void surv_chol_solve(const double *L, size_t p, const double *b, double *x);
/* inv = A^-1 (p x p) from the factor L. */
void surv_chol_inverse(const double *L, size_t p, double *inv);

#endif
