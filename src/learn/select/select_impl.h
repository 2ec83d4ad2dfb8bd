/* voxomics: what the feature-selection methods (the files of src/learn/select) share: input checks, sort keys and the
 * column mean. Internal to libvoxomics (not installed).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_LEARN_SELECT_IMPL_H
#define VX_LEARN_SELECT_IMPL_H

#include <stddef.h>

#include "voxomics/select.h"

/* X (n x p) not NULL, p > 0, n >= nmin, every value finite; messages start with who. */
int vxs_check_matrix(const char *who, const double *X, size_t n, size_t p, size_t nmin, vx_error *err);
/* Labels 0/1; counts of class 1 into *n1. */
int vxs_check_labels(const char *who, const int *y, size_t n, size_t *n1, vx_error *err);

/* A value with the index of its feature, for sorting. */
typedef struct {
    double v;
    size_t j;
} vkey;
int vxs_cmp_vkey_desc(const void *a, const void *b); /* decreasing value, ties: lower index */
int vxs_cmp_vkey_asc(const void *a, const void *b);  /* increasing value, ties: lower index */
/* Mean of column j of X (n x p), with R's second pass that removes the rounding of the first. */
double vxs_col_mean(const double *X, size_t n, size_t p, size_t j);

#endif
