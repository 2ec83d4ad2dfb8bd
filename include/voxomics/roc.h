/* voxomics: evaluation of binary classifiers: ROC AUC with DeLong and bootstrap intervals, paired DeLong test,
 * Youden threshold, sensitivity / specificity, Brier score and calibration.
 *
 * Conventions: y[i] is the label of sample i, 0 (negative / control) or 1 (positive / case); score[i] is any
 * finite number, a higher score meaning "more positive" (pROC direction "<": controls < cases). n_pos = m cases,
 * n_neg = n controls.
 *
 * AUC (Mann-Whitney): AUC = 1/(m n) sum_{case i} sum_{control j} psi(x_i, y_j), psi = 1 if x > y, 1/2 if x = y,
 * 0 otherwise.
 * DeLong variance (DeLong, DeLong & Clarke-Pearson 1988) from the placement values
 *   V10_i = 1/n sum_j psi(x_i, y_j) (case i),   V01_j = 1/m sum_i psi(x_i, y_j) (control j),
 *   Var(AUC) = S10/m + S01/n,  S10 = sum_i (V10_i - AUC)^2 / (m-1),  S01 = sum_j (V01_j - AUC)^2 / (n-1),
 * the placements computed in O(N log N) after one sort (Sun & Xu 2014: placement = count of the other class
 * below, ties counting one half), as pROC::var(roc, method = "delong").
 * Paired test of two scores on the same samples: with placements V10^(1), V10^(2), V01^(1), V01^(2),
 *   Var(AUC1 - AUC2) = Var_cases(V10^(1) - V10^(2)) / m + Var_controls(V01^(1) - V01^(2)) / n  (denominators
 *   m-1 and n-1), z = (AUC1 - AUC2) / sqrt(Var), p = 2 Phi(-|z|),
 * as pROC::roc.test(r1, r2, method = "delong", paired = TRUE).
 *
 * References: E. R. DeLong, D. M. DeLong, D. L. Clarke-Pearson, Comparing the areas under two or more correlated
 * receiver operating characteristic curves: a nonparametric approach, Biometrics 44 (1988) 837-845. X. Sun,
 * W. Xu, Fast implementation of DeLong's algorithm for comparing the areas under correlated receiver operating
 * characteristic curves, IEEE Signal Processing Letters 21 (2014) 1389-1393. X. Robin et al., pROC, BMC
 * Bioinformatics 12 (2011) 77. G. W. Brier, Monthly Weather Review 78 (1950) 1-3. D. R. Cox, Two further
 * applications of a model for binary regression, Biometrika 45 (1958) 562-565 (calibration slope).
 *
 * Every function is thread-safe, deterministic and reports (never returns NaN for) degenerate input:
 * VX_EINVAL for NULL pointers, n = 0, a label other than 0/1, no positive or no negative sample (except in
 * vx_roc_brier); VX_ENAN for a non-finite score (the message names the sample index, 0-based as in the
 * arrays).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_ROC_H
#define VOXOMICS_ROC_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vx_roc {
    double auc;    /* Mann-Whitney AUC */
    double se;     /* DeLong standard error, sqrt(Var(AUC)) */
    double ci[2];  /* 95% interval auc -/+ 1.959964 se (qnorm(0.975)), clamped to [0, 1] */
    size_t n_pos;  /* cases (y = 1) */
    size_t n_neg;  /* controls (y = 0) */
} vx_roc;

/* AUC with its DeLong standard error and 95% confidence interval.
 * Errors: as above; VX_EINVAL also when there is only one positive or one negative sample (the DeLong variance
 * needs at least 2 of each: its S10 / S01 divide by m-1 / n-1). */
VX_API int vx_roc_auc(const double *score, const int *y, size_t n, vx_roc *out, vx_error *err);

/* One-vs-rest AUC of K classes (scikit-learn's roc_auc_score(y, prob, multi_class="ovr", average="macro")):
 * prob holds n x K values (row-major: prob[i*K + k], e.g. vx_model_predict_multi's normalised probabilities),
 * y labels 0..K-1. For each class k, the Mann-Whitney AUC (ties 1/2) of column k with class k as the positives
 * and all other classes as the negatives, into auc_class[k] (K values; may be NULL); *macro = their unweighted
 * mean. Errors: VX_EINVAL for NULL inputs, K outside 2..256, a label outside 0..K-1, a non-finite value or a
 * class with no sample (or with every sample) in y; VX_ENOMEM. */
VX_API int vx_roc_auc_ovr(const double *prob, const int *y, size_t n, int K, double *auc_class, double *macro,
                          vx_error *err);

/* Paired DeLong test of two scores s1, s2 of the same n samples. auc1, auc2, z and p may each be NULL.
 * Errors: as vx_roc_auc; VX_EINVAL when Var(AUC1 - AUC2) = 0 (the two scores give the same placement values,
 * e.g. one is a monotone transform of the other: the AUCs are equal and there is nothing to test). */
VX_API int vx_roc_delong_paired(const double *s1, const double *s2, const int *y, size_t n, double *auc1, double *auc2,
                                double *z, double *p, vx_error *err);

/* Percentile bootstrap confidence interval of the AUC, stratified as pROC's default: each of the B replicates
 * draws m cases from the cases and n controls from the controls, with replacement (GSL mt19937 seeded with seed,
 * allocated per call; seed 0 means GSL's default seed 4357; per replicate first the m case draws, then the n
 * control draws, each gsl_rng_uniform_int into the class's scores sorted ascending, so the result depends only
 * on the scores of each class, not on the sample order). ci = the (1-level)/2 and (1+level)/2 quantiles of the
 * B AUCs, R's default quantile definition (type 7: linear interpolation between order statistics, h = (B-1) q), as
 * pROC::ci.auc(method = "bootstrap"). The same inputs and seed give bit-identical ci. Cost O(N log N + B N).
 * Errors: as above; VX_EINVAL when B < 2 or level is not in (0, 1); VX_ENOMEM. */
VX_API int vx_roc_bootstrap_ci(const double *score, const int *y, size_t n, size_t B, unsigned long seed, double level,
                               double ci[2], vx_error *err);

/* Youden threshold: the t among the observed scores that maximises J(t) = sens(t) + spec(t) - 1 with the rule
 * "positive when score >= t" (see vx_roc_sens_spec). J is compared exactly (as the integer tp n + tn m - m n),
 * and among equal maxima the LOWEST threshold is returned (the most sensitive operating point). The smallest
 * score always has J = 0, so the result is the smallest score when no threshold beats chance.
 * Note: pROC's coords(..., "best") reports the midpoint between the chosen score and the next lower observed
 * score; both classify every observed sample identically. */
VX_API int vx_roc_youden(const double *score, const int *y, size_t n, double *threshold, vx_error *err);

/* Sensitivity tp/m and specificity tn/n at threshold t: a sample is predicted positive when score >= t
 * (t may be +-infinity; NaN is VX_EINVAL). */
VX_API int vx_roc_sens_spec(const double *score, const int *y, size_t n, double t, double *sens, double *spec,
                            vx_error *err);

/* Brier score 1/N sum_i (prob_i - y_i)^2. prob must lie in [0, 1] (VX_EINVAL otherwise, VX_ENAN when not
 * finite). Both classes need not be present. */
VX_API int vx_roc_brier(const double *prob, const int *y, size_t n, double *brier, vx_error *err);

/* Probabilities of exactly 0 or 1 (a model's saturated output) have an infinite logit and log-loss: the
 * log-loss and the calibration fits clip every probability to [VX_ROC_PROB_EPS, 1 - VX_ROC_PROB_EPS] first,
 * eps = 1e-15 as scikit-learn's log_loss (eps=1e-15, its default before 1.2). AUC, the DeLong statistics,
 * the thresholds and the Brier score use the values as given. */
#define VX_ROC_PROB_EPS 1e-15

/* p clipped to [VX_ROC_PROB_EPS, 1 - VX_ROC_PROB_EPS]. */
VX_API double vx_roc_prob_clip(double p);

/* Log-loss (binary cross-entropy) -1/N sum_i [y_i ln p_i + (1 - y_i) ln(1 - p_i)] of the clipped probabilities,
 * as sklearn.metrics.log_loss(y, prob, eps=1e-15). prob must lie in [0, 1] (VX_EINVAL otherwise, VX_ENAN when
 * not finite); clipped (may be NULL) receives the number of probabilities the clip changed. */
VX_API int vx_roc_log_loss(const double *prob, const int *y, size_t n, double *loss, size_t *clipped, vx_error *err);

/* Calibration of predicted probabilities prob in [0, 1], clipped as above, lp = logit(prob) = log(p/(1-p)):
 *   intercept: calibration-in-the-large, a in logit P(y=1) = a + lp (lp as offset), R glm(y ~ offset(qlogis(p)),
 *              family = binomial); 0 when the mean predicted risk is right on the logit scale;
 *   slope:     b in logit P(y=1) = c + b lp, R glm(y ~ qlogis(p), family = binomial); 1 for perfect spread.
 * Maximum likelihood by Newton's method (step halving only when the log-likelihood drops), iterated until the
 * full Newton step is below 1e-13 relative (tighter than glm's default deviance criterion 1e-8; agrees with
 * glm(..., control = glm.control(epsilon = 1e-15)) to about 1e-15). intercept or slope may be NULL.
 * Errors: as above; VX_EINVAL when a probability is outside [0, 1], when all
 * logits are equal (the slope is not identifiable), when lp separates the classes (every case's lp >= every
 * control's, or <=: the slope MLE is infinite), or when Newton's method does not converge in 200 steps. */
VX_API int vx_roc_calibration(const double *prob, const int *y, size_t n, double *intercept, double *slope,
                              vx_error *err);

/* The empirical ROC curve of score against y: one point per distinct score threshold t, taken from the largest
 * down ("positive when score >= t"), preceded by (0, 0); the last point is (1, 1). fpr[k] = false positives /
 * controls, tpr[k] = true positives / cases; a run of tied scores moves both at once (a diagonal segment), as
 * pROC::roc and scikit-learn's roc_curve(drop_intermediate=False). fpr and tpr need room for n + 1 points;
 * *npts receives their number (distinct scores + 1). Errors: as vx_roc_auc's (both classes needed); VX_ENOMEM. */
VX_API int vx_roc_curve(const double *score, const int *y, size_t n, double *fpr, double *tpr, size_t *npts,
                        vx_error *err);

/* The ROC curve (fpr, tpr, npts points, as vx_roc_curve gives them: fpr non-decreasing) read at each fpr of grid
 * (ngrid values in [0, 1]) into out (vertical averaging, Fawcett 2006): at a grid value g that is one of the
 * curve's fpr values the largest tpr there (the top of a vertical step); between two points the straight line
 * joining the last point with fpr < g and the first with fpr > g. out[k] for g = 0 is therefore the tpr of the
 * first vertical step, not 0. Errors: VX_EINVAL (NULL, npts < 2, a grid value outside [0, 1], fpr decreasing). */
VX_API int vx_roc_interp(const double *fpr, const double *tpr, size_t npts, const double *grid, size_t ngrid,
                         double *out, vx_error *err);

/* Reliability curve (calibration plot) of predicted probabilities prob in [0, 1] against y: the samples sorted
 * by prob (ties by index) are cut into `bins` groups of equal size (group g: sorted positions floor(g n / bins)
 * to floor((g + 1) n / bins) - 1, so deciles for bins = 10; empty groups when n < bins are left out). Per group
 * k (k < *nout <= bins): count[k], mean_pred[k] = mean prob, observed[k] = fraction of y = 1, and the exact
 * (Clopper-Pearson) 95% binomial interval of that fraction, lo[k] = the 0.025 quantile of Beta(x, count - x + 1)
 * (0 when x = 0), hi[k] = the 0.975 quantile of Beta(x + 1, count - x) (1 when x = count), x the cases in the
 * group, as R's binom.test(x, count)$conf.int. Arrays of room bins; lo, hi may be NULL. Both classes need not
 * be present. Errors: VX_EINVAL (NULL, n = 0, bins = 0, a label not 0/1, a probability outside [0, 1]),
 * VX_ENAN, VX_ENOMEM. */
VX_API int vx_roc_reliability(const double *prob, const int *y, size_t n, size_t bins, double *mean_pred,
                              double *observed, double *lo, double *hi, size_t *count, size_t *nout, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
