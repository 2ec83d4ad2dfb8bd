/* voxomics: ComBat harmonisation of features across batches (scanners, sites, protocols).
 *
 * Exactly the method of R sva::ComBat / neuroCombat (Johnson, Li & Rabinovic 2007, Biostatistics 8:118-127;
 * Fortin et al. 2017/2018, NeuroImage): a location/scale model per feature with empirical-Bayes shrinkage of
 * the batch effects across features.
 *
 * Data: X holds n samples (rows) x p features (columns), row-major, X[i*p + j]. batch[i] in 0..nb-1 indexes
 * batch_names. Covariates: an n x q row-major matrix cov (cov[i*q + c]) of numeric design columns (the caller
 * codes categorical covariates, e.g. as 0/1 dummies); columns whose every value is exactly 1 (an intercept)
 * are ignored, as in sva. Every value of X and cov must be finite (no missing values).
 *
 * Model, for feature j and sample i in batch b (Johnson et al. 2007, eq. 2.1):
 *   y_ij = alpha_j + cov_i . beta_j + gamma_bj + delta_bj * eps_ij
 * Fit (all sums over samples i; "var" is the sample variance with n-1):
 *   1. Least squares of y_.j on the design D = [batch indicators | covariates] (with a reference batch r its
 *      indicator column is all ones), B_j = (D'D)^-1 D'y_.j.
 *   2. Grand mean alpha_j = sum_b (n_b / n) B_bj (batch-size-weighted mean of the batch coefficients); with a
 *      reference batch alpha_j = B_rj.
 *   3. Pooled variance s2_j = (1/n) sum_i (y_ij - D_i B_j)^2 (1/n, not 1/(n-k)); with a reference batch the
 *      mean over the reference batch's samples only.
 *   4. Standardise: m_ij = alpha_j + cov_i . beta_j, z_ij = (y_ij - m_ij) / sqrt(s2_j).
 *   5. Batch estimates: gamma^_.j = (Db'Db)^-1 Db'z_.j with Db the batch columns of D (the batch means of z
 *      without a reference batch); delta^_bj = var of z_ij over the samples of batch b (1 when mean_only).
 *   6. Empirical Bayes (eb = 1), per batch b over the features j:
 *      gamma_bar = mean_j gamma^_bj, tau2 = var_j gamma^_bj, and with m, s2 = mean, var_j of delta^_bj the
 *      inverse-gamma prior a = (2 s2 + m^2) / s2, b = (m s2 + m^3) / s2.
 *      Parametric: iterate from gamma_old = gamma^, delta_old = delta^
 *        gamma* = (tau2 n_b gamma^ + delta_old gamma_bar) / (tau2 n_b + delta_old)
 *        delta* = (sum_{i in b} (z_ij - gamma*)^2 / 2 + b) / (n_b / 2 + a - 1)
 *      until max_j over both of |new - old| / old is <= 1e-4 (signed old, as sva's it.sol).
 *      Parametric mean-only: gamma* = (tau2 gamma^ + gamma_bar) / (tau2 + 1), delta* = 1 (sva).
 *      Non-parametric: for feature j, weights w_k = prod_{i in b} N(z_ij; gamma^_bk, delta^_bk) over the other
 *      features k != j, gamma*_bj = sum_k w_k gamma^_bk / sum_k w_k, delta*_bj likewise (sva int.eprior;
 *      evaluated in log space, which changes nothing but the underflow).
 *      No EB (eb = 0): gamma* = gamma^, delta* = delta^.
 *      With a reference batch r: gamma*_rj = 0, delta*_rj = 1.
 *   7. Adjust: y*_ij = (z_ij - gamma*_bj) / sqrt(delta*_bj) * sqrt(s2_j) + m_ij; samples of the reference
 *      batch are returned unchanged.
 *
 * Degenerate inputs:
 *   - a batch with 1 sample: its variance is undefined, VX_EINVAL naming the batch, unless mean_only is set
 *     (then delta* = 1 and the batch is allowed, as in neuroCombat); a reference batch needs >= 2 samples.
 *   - a feature that is constant within a batch of >= 2 samples (so also a feature constant overall), or one
 *     the design fits exactly (pooled variance 0), or whose standardised values are constant within a batch:
 *     with skip_constant = 1 (default, sva's behaviour) it is left unharmonised (output = input), excluded from
 *     the EB priors, and listed by vx_combat_fit_n_skipped / vx_combat_fit_skipped / vx_combat_fit_note;
 *     with skip_constant = 0 it is VX_EINVAL naming the feature and batch.
 *   - fewer than 2 non-empty batches, a confounded design (a covariate that is a linear combination of the
 *     batch indicators and the other covariates, QR rank test with relative tolerance 1e-7 as R's qr), no
 *     residual degree of freedom (n <= number of design columns): VX_EINVAL.
 *   - EB needs >= 2 harmonised features, tau2 > 0 and (parametric, not mean-only) var_j delta^ > 0; otherwise
 *     VX_EINVAL suggesting eb = 0. The parametric iteration stops with VX_EINVAL after 10000 rounds.
 *   Batches with no samples (a name nobody uses) are dropped from the fit; applying to them is an error.
 * Output is never NaN: every path either produces finite values or returns an error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_COMBAT_H
#define VOXOMICS_COMBAT_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vx_combat_options {
    int parametric;    /* 1: parametric priors (default); 0: non-parametric (O(p^2 n) per batch) */
    int eb;            /* 1: empirical Bayes (default); 0: per-feature location/scale estimates */
    int mean_only;     /* 1: adjust the location only (delta* = 1); default 0 */
    int ref_batch;     /* -1: none (default); else the batch index (0..nb-1) left unchanged */
    int skip_constant; /* 1 (default): degenerate features are left unharmonised and listed; 0: VX_EINVAL */
} vx_combat_options;

/* parametric = 1, eb = 1, mean_only = 0, ref_batch = -1, skip_constant = 1. */
VX_API void vx_combat_options_default(vx_combat_options *o);

/* Opaque fitted model: batch names and sizes, feature names, options, per feature the grand mean, pooled
 * variance and covariate coefficients, per batch and feature gamma* and delta*, the skipped features. */
typedef struct vx_combat_fit vx_combat_fit;

/* Fit ComBat on X (n x p) and write the harmonised data to out (n x p; may equal X). batch_names[nb] must be
 * distinct and non-empty. cov: n x q covariate design columns (NULL when q = 0). feature_names: p names for
 * messages and the saved model (NULL: "feature 1", "feature 2", ...). o: NULL for the defaults. fit: NULL to
 * discard the model, else *fit receives it (free with vx_combat_free; NULL on error).
 * Errors: VX_EINVAL (see the degenerate inputs above; a batch index out of range), VX_ENAN (non-finite value,
 * naming sample and feature), VX_ENOMEM. */
VX_API int vx_combat_fit_apply(const double *X, size_t n, size_t p, const int *batch, const char *const *batch_names,
                               size_t nb, const double *cov, size_t q, const char *const *feature_names,
                               const vx_combat_options *o, double *out, vx_combat_fit **fit, vx_error *err);

/* Apply a fitted model to n new samples (X: n x p, the fit's features in the fit's order) whose batches are
 * given by name (batch[i]); cov: n x q with the fit's q (NULL when the fit has none). Step 4 and 7 above with
 * the stored estimates; reference-batch samples and skipped features are copied unchanged. Applied to the
 * training data it reproduces the output of vx_combat_fit_apply exactly. out may equal X.
 * Errors: VX_EINVAL "combat: batch 'X' was not in the fit (batches: A, B)", missing covariates; VX_ENAN. */
VX_API int vx_combat_apply(const vx_combat_fit *fit, const double *X, size_t n, const char *const *batch,
                           const double *cov, double *out, vx_error *err);

/* Save as JSON (every double written with %.17g, so a loaded model applies bit-identically) / load. Load:
 * *fit receives a new model (free with vx_combat_free), NULL on error.
 * Errors: VX_EIO (cannot open / write), VX_EFORMAT (not a ComBat model or inconsistent sizes), VX_ENOMEM. */
VX_API int vx_combat_save(const vx_combat_fit *fit, const char *path, vx_error *err);
VX_API int vx_combat_load(const char *path, vx_combat_fit **fit, vx_error *err);
/* Free a model from vx_combat_fit_apply or vx_combat_load. NULL is allowed. */
VX_API void vx_combat_free(vx_combat_fit *fit);

/* ---- queries ------------------------------------------------------------------------------------------
 * Read-only views of a fit: sizes (0 for a NULL fit); names are strings owned by the fit, valid until
 * vx_combat_free (NULL for an index out of range). */
VX_API size_t vx_combat_fit_n_features(const vx_combat_fit *fit);
VX_API size_t vx_combat_fit_n_batches(const vx_combat_fit *fit);  /* non-empty batches of the fit */
VX_API size_t vx_combat_fit_n_covariates(const vx_combat_fit *fit); /* q as given to the fit */
VX_API const char *vx_combat_fit_batch_name(const vx_combat_fit *fit, size_t b);
VX_API const char *vx_combat_fit_feature_name(const vx_combat_fit *fit, size_t j);
/* The fit's options (ref_batch as an index into the fit's batches). */
VX_API vx_combat_options vx_combat_fit_options(const vx_combat_fit *fit);
/* Features left unharmonised: count, the k-th feature index (ascending; (size_t)-1 for k out of range), and
 * one line naming them and why ("" when none; owned by the fit), e.g.
 * "combat: 2 features left unharmonised: 'f3' (constant in batch 'A'), ...". */
VX_API size_t vx_combat_fit_n_skipped(const vx_combat_fit *fit);
VX_API size_t vx_combat_fit_skipped(const vx_combat_fit *fit, size_t k);
VX_API const char *vx_combat_fit_note(const vx_combat_fit *fit);
/* gamma*_bj and delta*_bj of batch b (fit order) and feature j (0 and 1 for skipped features; NaN for an
 * index out of range). */
VX_API double vx_combat_fit_gamma(const vx_combat_fit *fit, size_t b, size_t j);
VX_API double vx_combat_fit_delta(const vx_combat_fit *fit, size_t b, size_t j);

#ifdef __cplusplus
}
#endif
#endif
