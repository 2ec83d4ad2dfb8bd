/* voxomics: intraclass correlation coefficients (test-retest / inter-rater reliability of a feature).
 *
 * The six ICC forms of Shrout & Fleiss (1979), with the F tests and 95% confidence intervals of McGraw & Wong
 * (1996), computed exactly as R psych::ICC(Y, lmer = FALSE): the two-way ANOVA without interaction (psych's
 * default lmer = TRUE derives the mean squares from an lme4 REML fit instead and can differ). Input: Y, n subjects
 * (targets) x k raters (judges / repeated measurements), row-major (Y[i*k + j] = rating of subject i by rater
 * j), complete.
 *
 * Two-way ANOVA, with row means m_i, column means c_j and grand mean g:
 *   SSB = k sum_i (m_i - g)^2,  SSJ = n sum_j (c_j - g)^2,  SSE = sum_ij (Y_ij - m_i - c_j + g)^2
 *   MSB = SSB / (n-1), MSJ = SSJ / (k-1), MSE = SSE / ((n-1)(k-1)), MSW = (SSJ + SSE) / (n(k-1))
 * Coefficients (index in the arrays of vx_icc):
 *   [0] ICC1  (one-way random, single)      (MSB - MSW) / (MSB + (k-1) MSW)
 *   [1] ICC2  (two-way random, single)      (MSB - MSE) / (MSB + (k-1) MSE + k (MSJ - MSE) / n)
 *   [2] ICC3  (two-way mixed, single)       (MSB - MSE) / (MSB + (k-1) MSE)
 *   [3] ICC1k (one-way random, average)     (MSB - MSW) / MSB
 *   [4] ICC2k (two-way random, average)     (MSB - MSE) / (MSB + (MSJ - MSE) / n)
 *   [5] ICC3k (two-way mixed, average)      (MSB - MSE) / MSB
 * F tests (H0: ICC = 0) as psych: ICC1/ICC1k F = MSB/MSW on (n-1, n(k-1)) df; ICC2, ICC3, ICC2k, ICC3k
 * F = MSB/MSE on (n-1, (n-1)(k-1)) df; p = upper tail of the F distribution.
 * 95% confidence intervals (alpha = 0.05), McGraw & Wong (1996) Table 7, as psych:
 *   ICC1:  FL = F/q(1-a/2; n-1, n(k-1)), FU = F q(1-a/2; n(k-1), n-1); lo = (FL-1)/(FL+k-1), hi = (FU-1)/(FU+k-1)
 *   ICC1k: lo = 1 - 1/FL, hi = 1 - 1/FU;   ICC3 / ICC3k: the same with F = MSB/MSE and df (n-1, (n-1)(k-1)).
 *   ICC2:  Satterthwaite df v = (k-1)(n-1) (k r Fj + n (1 + (k-1) r) - k r)^2 /
 *                              ((n-1) k^2 r^2 Fj^2 + (n (1 + (k-1) r) - k r)^2), r = ICC2, Fj = MSJ/MSE,
 *          F* = q(1-a/2; n-1, v), F_* = q(1-a/2; v, n-1),
 *          lo = n (MSB - F* MSE) / (F* (k MSJ + (kn - k - n) MSE) + n MSB),
 *          hi = n (F_* MSB - MSE) / (k MSJ + (kn - k - n) MSE + n F_* MSB)
 *   ICC2k: lo = lo2 k / (1 + (k-1) lo2), hi = hi2 k / (1 + (k-1) hi2).
 * q(P; d1, d2) is the F quantile. Everything is accumulated in double; the F quantiles are found by bisection
 * on the regularised incomplete beta function to full double precision (deterministic).
 *
 * References: P. E. Shrout, J. L. Fleiss, Intraclass correlations: uses in assessing rater reliability,
 * Psychological Bulletin 86 (1979) 420-428. K. O. McGraw, S. P. Wong, Forming inferences about some
 * intraclass correlation coefficients, Psychological Methods 1 (1996) 30-46. W. Revelle, psych::ICC.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_ICC_H
#define VOXOMICS_ICC_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Index of each form in the arrays of vx_icc. */
enum { VX_ICC1 = 0, VX_ICC2 = 1, VX_ICC3 = 2, VX_ICC1K = 3, VX_ICC2K = 4, VX_ICC3K = 5 };

typedef struct vx_icc {
    double icc[6]; /* ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k */
    double lo[6];  /* lower bound of the 95% confidence interval */
    double hi[6];  /* upper bound of the 95% confidence interval */
    double F[6];   /* F statistic of the test ICC = 0 */
    double p[6];   /* its p value (upper tail) */
    double df1[6], df2[6]; /* degrees of freedom of F */
    char note[256];        /* empty, or why some values are NaN / infinite (see vx_icc_compute) */
} vx_icc;

/* Names of the forms ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"); NULL outside 0..5. */
VX_API const char *vx_icc_name(int form);

/* All six ICCs of Y (n subjects x k raters, row-major) with F tests and 95% confidence intervals.
 * Thread-safe; allocates k doubles.
 * Degenerate ratings are results, not errors (a feature table holds them: a constant feature, a feature every
 * rater measures identically); out->note then says which values are undefined and why, else it is empty:
 *  - all values equal (zero between- and within-subject variance): every icc, lo, hi, F and p is NaN;
 *  - residual variance zero (SSE = 0 up to rounding: the raters agree exactly, or up to a constant offset per
 *    rater): the coefficients follow from the formulas (ICC3 = ICC3k = 1), F = +Inf and p = 0 for the forms on
 *    MSE, their confidence intervals NaN; the one-way forms as usual when MSW > 0 (else F = +Inf, CI NaN);
 *  - Satterthwaite degrees of freedom of the ICC2 interval not positive: the ICC2 / ICC2k intervals are NaN.
 * Errors: VX_ENOMEM; VX_EINVAL when Y or out is NULL, n < 2 or k < 2 (reliability needs two subjects and two
 * ratings per subject); VX_ENAN when a value is not finite (the message gives the subject and rater index). */
VX_API int vx_icc_compute(const double *Y, size_t n, size_t k, vx_icc *out, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
