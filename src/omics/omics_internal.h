/* Private helpers of src/omics. SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_OMICS_INTERNAL_H
#define VX_OMICS_INTERNAL_H
#include <stddef.h>

#include "voxomics/omics.h"

/* average ranks of x into r using work (omics_rank_work(n) bytes); returns sum(t^3 - t) over ties */
double omics_rank_buf(const double *x, size_t n, double *r, void *work);
size_t omics_rank_work(size_t n);
/* centre and scale to unit norm; 0 when constant */
int omics_standardise(double *v, size_t n);
/* two-sided p of a correlation r of n pairs by the t approximation */
double omics_cor_p(double r, size_t n);
/* Kendall tau-b and its normal-approximation p (sort_buf: n doubles) */
void omics_kendall(const double *x, const double *y, size_t n, double *sort_buf, double *tau, double *p);
#endif
