/* voxomics: feature selection on a cohort feature matrix.
 *
 * Data conventions (every function): X is a complete (no NaN/Inf: impute first) n x p matrix of doubles,
 * row-major, X[i*p + j] = feature j of sample i; binary labels y[i] in {0, 1}. Selections are arrays of
 * feature indices into 0..p-1 (the caller provides room for p entries) in the order documented per function.
 * All functions are deterministic and thread-safe; none prints or keeps state.
 *
 *  1. vx_select_variance     variance filter
 *  2. vx_select_correlation  greedy |Pearson r| filter
 *  3. vx_univariate          Mann-Whitney U / Welch t per feature + Benjamini-Hochberg (vx_bh_adjust)
 *     vx_select_pvalue       adjusted p < alpha or the k smallest
 *  4. vx_mrmr                minimum redundancy maximum relevance (MID / MIQ)
 *  5. vx_lasso_logistic      L1-penalised logistic regression path (glmnet's objective and lambda path)
 *     vx_lasso_logistic_cv   the same with K-fold cross-validated deviance, lambda.min and lambda.1se
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_SELECT_H
#define VOXOMICS_SELECT_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- 1. variance filter -----------------------------------------------------------------------------------
 * Keep feature j when its sample variance s2_j = sum_i (x_ij - mean_j)^2 / (n - 1) is > thr (strictly).
 * idx (room for p) receives the kept indices in increasing order, *k their number (may be 0).
 * var (NULL or room for p) receives every s2_j.
 * Errors: VX_EINVAL for n < 2, p == 0, thr < 0 or NaN, NULL pointers, a non-finite value (names the cell). */
VX_API int vx_select_variance(const double *X, size_t n, size_t p, double thr, size_t *idx, size_t *k, double *var,
                              vx_error *err);

/* ---- 2. greedy correlation filter -------------------------------------------------------------------------
 * Visit the features in `order` (a permutation of 0..p-1, e.g. by increasing univariate p-value), or, when
 * order is NULL, by decreasing sample variance (ties: lower index first). A visited feature is kept when
 * |r| <= thr for its Pearson correlation r with every feature kept before it; otherwise it is dropped.
 * Pearson r = sum (x - mx)(z - mz) / sqrt(sum (x - mx)^2 sum (z - mz)^2).
 * idx (room for p) receives the kept indices in visiting order, *k their number (>= 1).
 * Errors: VX_EINVAL for n < 2, p == 0, thr outside [0, 1], order not a permutation, a non-finite value, or a
 * constant feature (r undefined: names the feature; run the variance filter first). */
VX_API int vx_select_correlation(const double *X, size_t n, size_t p, double thr, const size_t *order, size_t *idx,
                                 size_t *k, vx_error *err);

/* ---- 3. univariate two-group tests ------------------------------------------------------------------------ */
typedef enum vx_test_kind {
    /* Wilcoxon-Mann-Whitney rank-sum test, normal approximation with tie and continuity correction, exactly
     * as R's wilcox.test(x1, x0, exact = FALSE, correct = TRUE) with x1 = values of class 1, x0 = class 0:
     *   W = sum of the (average) ranks of class 1 in the pooled sample - n1 (n1 + 1) / 2   (the statistic)
     *   sigma = sqrt(n1 n0 / 12 * ((N + 1) - sum_ties (t^3 - t) / (N (N - 1)))),  N = n1 + n0
     *   z = (W - n1 n0 / 2 - 0.5 sign(W - n1 n0 / 2)) / sigma,   p = 2 min(Phi(z), 1 - Phi(z)).
     * Needs n1, n0 >= 1 and sigma > 0 (not every value tied). */
    VX_TEST_MANN_WHITNEY = 0,
    /* Welch's unequal-variance t-test, as R's t.test(x1, x0) (var.equal = FALSE):
     *   t = (m1 - m0) / sqrt(s1^2/n1 + s0^2/n0)   (the statistic; s^2 with 1/(n-1))
     *   df = (s1^2/n1 + s0^2/n0)^2 / ((s1^2/n1)^2/(n1-1) + (s0^2/n0)^2/(n0-1)),   p = 2 P(T_df > |t|)
     * (Student t tail via the regularised incomplete beta function, p = I_{df/(df+t^2)}(df/2, 1/2)).
     * Needs n1, n0 >= 2 and s1^2/n1 + s0^2/n0 > 0. */
    VX_TEST_WELCH = 1,
} vx_test_kind;

/* Test every feature for a difference between class 1 and class 0 of y. stat, pval, padj_bh: NULL or room
 * for p each: the statistic (W or t as defined above), the two-sided p-value and the Benjamini-Hochberg
 * adjusted p-value over the p features (vx_bh_adjust).
 * Errors: VX_EINVAL for a label not 0/1, a class too small, a degenerate feature (names it and the cause),
 * a non-finite value. */
VX_API int vx_univariate(const double *X, size_t n, size_t p, const int *y, vx_test_kind t, double *stat, double *pval,
                         double *padj_bh, vx_error *err);

/* Benjamini-Hochberg (1995) adjusted p-values, exactly R's p.adjust(p, "BH"):
 *   adj_(i) = min(1, min_{j >= i} m / j * p_(j)) with p_(1) <= ... <= p_(m) the sorted p-values,
 * returned in the input order. adj may alias p. Returns VX_OK, or VX_EINVAL when m == 0, a pointer is NULL
 * or a p-value is outside [0, 1] or NaN (nothing written then). */
VX_API int vx_bh_adjust(const double *p, size_t m, double *adj);

/* Select by p-values q (e.g. padj_bh): when k == 0 every feature with q < alpha, else the k features with the
 * smallest q (ties: lower index; k > p is clamped to p; alpha ignored). idx (room for p) receives the chosen
 * indices by increasing q (ties: lower index first), *nsel their number. Errors: VX_EINVAL for NaN in q. */
VX_API int vx_select_pvalue(const double *q, size_t p, double alpha, size_t k, size_t *idx, size_t *nsel,
                            vx_error *err);

/* ---- 4. mRMR (Peng, Long & Ding, IEEE TPAMI 27(8):1226-1238, 2005) --------------------------------------
 * Discretisation: each feature is put into nbins (0 = default 5) equal-frequency bins, tie-preserving:
 *   bin(x_ij) = floor(nbins * c_ij / n),  c_ij = number of samples i' with x_i'j < x_ij,
 * so equal values share a bin and, without ties, bins hold n / nbins samples (a level that holds fewer than
 * n / nbins samples may share a bin with the next level). y is used as is (2 classes).
 * Mutual information: plug-in estimator in nats, I(A;B) = sum_ab p_ab ln(p_ab / (p_a p_b)), p = counts / n.
 * Greedy selection of k features (k > p clamped to p): the first maximises the relevance I(f; y); step m + 1
 * maximises, over the remaining f, with S the m selected features and D = mean_{s in S} I(f; s):
 *   MID (miq = 0):  I(f; y) - D
 *   MIQ (miq != 0): I(f; y) / (D + 1e-4)   (the 1e-4 guards D = 0, as in Peng's reference implementation)
 * Ties: the lower feature index. idx (room for k) receives the selection in selection order; score (NULL or
 * room for k) the criterion value of each at the step it was chosen (score[0] = its relevance).
 * Errors: VX_EINVAL for n < 2, k == 0, nbins == 1 or > n, labels not 0/1, a non-finite value. */
VX_API int vx_mrmr(const double *X, size_t n, size_t p, const int *y, size_t k, int miq, size_t nbins, size_t *idx,
                   double *score, vx_error *err);

/* ---- 5. LASSO logistic regression (glmnet, Friedman, Hastie & Tibshirani, J Stat Softw 33(1), 2010) --------
 * For each lambda, (a0, beta) minimises glmnet's binomial objective with alpha = 1:
 *   -(1/n) sum_i [ y_i eta_i - ln(1 + exp(eta_i)) ] + lambda sum_j sd_j |beta_j|,   eta_i = a0 + x_i . beta,
 * with sd_j the 1/n standard deviation of feature j (glmnet's standardize = TRUE: the penalty acts on the
 * standardised coefficients; beta and a0 are returned on the original scale). The intercept is not penalised;
 * a constant feature gets beta_j = 0 (glmnet excludes it).
 * Solver: glmnet's algorithm: Newton (IRLS) outer loop, cyclic coordinate descent inner loop (a full sweep,
 * then the active set to convergence, repeated until a full sweep changes nothing), warm starts along the
 * path; converged when every coordinate's weighted squared change v_j d_j^2 (and the intercept's) is below
 * thresh times the null deviance (glmnet's thresh: the last change of a standardised coefficient is about
 * sqrt(thresh)); at most 100000 passes over the whole path, glmnet's maxit (its npasses count the
 * sweeps of every lambda together). thresh 0 = 1e-7, glmnet's default (glmnet.control).
 * One addition to glmnet's iterations: when a sweep leaves the signs of the nonzero coefficients unchanged, a
 * subspace Newton step solves the IRLS quadratic on that sign pattern exactly (taken only when every sign is
 * kept; with linearly dependent features, a step along the null direction to the face's boundary, taken only
 * when it lowers the objective). The convergence test is glmnet's, unchanged: the step only removes the slow
 * linear tail of coordinate descent on strongly correlated features, so a given thresh lands closer to the
 * exact optimum than glmnet's iterations do (on the NSCLC CaPTk features at thresh 1e-7: standardised
 * coefficients within 1e-9 of the exact optimum where glmnet's are 4e-7 off, at the 5th lambda).
 * Coordinate descent is slow where the classes become nearly separable (small lambda, large coefficients):
 * tighter thresholds there can need more than the pass limit, as in glmnet.
 * As in glmnet, fitted eta_i beyond +-ln(1/1e-9 - 1) give probabilities 0/1 and the path stops when the sum
 * of the IRLS weights falls to (1 + 1e-9) 1e-9 (1 - 1e-9) (a fully separated sample).
 * Default lambda path (lambda == NULL): lambda_max = max_j |(1/n) sum_i (y_i - ybar) z_ij|, z = standardised
 * x; ratio r = 0.01 when n < p else 1e-4; lambda_l = lambda_max r^(l/(nlambda-1)), l = 0..nlambda-1, computed
 * as glmnet does (lambda_1 = lambda_max r^(1/(nlambda-1)), then repeated multiplication, lambda_0 from
 * R's fix.lam: exp(2 ln lambda_1 - ln lambda_2)); the path stops early, like glmnet, after at least 5 lambdas
 * when the deviance ratio 1 - dev/dev_null exceeds 0.999 or grows by less than 1e-5 from the previous lambda.
 * A user lambda sequence (decreasing) is fitted in full, without the early-stop rules. */
typedef struct vx_lasso_path {
    size_t nlambda;   /* lambdas actually fitted */
    size_t p;
    double *lambda;   /* nlambda, decreasing */
    double *beta;     /* nlambda x p, row l = coefficients at lambda[l], original scale */
    double *a0;       /* nlambda intercepts, original scale */
    double *dev_ratio; /* nlambda: 1 - deviance / null deviance (glmnet's dev.ratio) */
    /* vx_lasso_logistic_cv only (NULL / 0 otherwise): */
    double *cvm, *cvsd; /* nlambda: cross-validated mean deviance and its standard error */
    size_t imin, i1se;  /* index of lambda.min and lambda.1se in lambda */
    /* 0, or k when the 100000 passes of the path ran out at the k-th lambda (1-based): the path
     * then ends before it (nlambda = k - 1), as glmnet ("Convergence for kth lambda value not reached after
     * maxit iterations; solutions for larger lambdas returned") */
    size_t unconverged;
} vx_lasso_path;

/* Fit the path (thresh: see above, 0 = 1e-7). lambda: NULL for the default path with at most nlambda
 * (0 = 100) values and lambda_min_ratio r (0 = the default above; else 0 < r < 1), or a strictly
 * decreasing sequence of nlambda values >= 0.
 * out is overwritten (free with vx_lasso_path_free).
 * When the 100000 passes run out at a lambda, the path ends before it and
 * out->unconverged names it (as glmnet's warning); at the first lambda that is an error.
 * Errors: VX_EINVAL for n < 2, p == 0, labels not 0/1, a class with fewer than 2 samples (as glmnet),
 * every feature constant, bad lambda, a non-finite value, no convergence at the first lambda; VX_ENOMEM. */
VX_API int vx_lasso_logistic(const double *X, size_t n, size_t p, const int *y, const double *lambda, size_t nlambda,
                      double lambda_min_ratio, double thresh, vx_lasso_path *out, vx_error *err);

/* K-fold cross-validation exactly as R glmnet 4.1's cv.glmnet(x, y, family = "binomial", type.measure =
 * "deviance", foldid = fold + 1, thresh = thresh) (alignment = "lambda", grouped):
 *  - the default path on all data (vx_lasso_logistic with nlambda, lambda_min_ratio; 0 = defaults) gives
 *    lambda and the returned fit;
 *  - each fold k: the default path (own lambda_max; lambda_min_ratio, or when 0 its own default from its
 *    sample count; early stop) on the other folds, as cv.glmnet passes nlambda / lambda.min.ratio on;
 *    its coefficients at the full-data lambdas are interpolated linearly in lambda (R's lambda.interp;
 *    lambdas outside the fold's range take its end points); each held-out sample i gets the deviance
 *    d_il = -2 ln(p_il) for its true class, p clamped to [1e-5, 1 - 1e-5];
 *  - per lambda, m_kl = mean of d_il over fold k, cvm = sum_k n_k m_kl / n,
 *    cvsd = sqrt(sum_k n_k (m_kl - cvm)^2 / n / (K - 1));
 *  - imin = the largest lambda with the smallest cvm (lambda.min); i1se = the largest lambda with
 *    cvm <= cvm[imin] + cvsd[imin] (lambda.1se).
 * fold[i] in 0..K-1, K >= 3, every fold with >= 3 samples (cv.glmnet switches to ungrouped otherwise).
 * Errors: those of vx_lasso_logistic (for a fold's training set: names the fold) and VX_EINVAL for bad folds. */
VX_API int vx_lasso_logistic_cv(const double *X, size_t n, size_t p, const int *y, const int *fold, int K, size_t nlambda,
                         double lambda_min_ratio, double thresh, vx_lasso_path *out, vx_error *err);

/* Features with a nonzero coefficient at lambda index l, increasing; *k their number. VX_EINVAL for l out of
 * range. */
VX_API int vx_lasso_selected(const vx_lasso_path *path, size_t l, size_t *idx, size_t *k, vx_error *err);

/* Free the arrays of a path (not the struct) and zero it. NULL-safe. */
VX_API void vx_lasso_path_free(vx_lasso_path *path);

#ifdef __cplusplus
}
#endif
#endif
