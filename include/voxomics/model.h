/* voxomics: binary classifiers for cohort statistics (logistic regression, L1 logistic regression, RBF SVM,
 * random forest and gradient boosting).
 *
 * Data: X is n x p, row-major (X[i*p + j]), complete (finite) and already scaled by the caller's pipeline;
 * y holds 0/1 labels and both classes must be present (labels 0..K-1, K >= 3: one-vs-rest, see
 * vx_model_predict_multi). Every model gives, for each row, a score (higher =
 * more likely class 1) and a probability of class 1. Every fit is deterministic: the same data, parameters
 * and seed give bit-identical predictions. A fitted model is immutable; predicting from several threads at
 * once is safe for logreg, logreg-l1 and svm models; XGBoost (rf, gbm) keeps per-booster prediction state,
 * so concurrent predictions with ONE rf/gbm model must be serialised by the caller (distinct models are fine).
 *
 * Models
 *   VX_MODEL_LOGREG (name "logreg"): L2-penalised logistic regression, the objective of scikit-learn's
 *     LogisticRegression(penalty="l2", C=C):
 *       F(w, b) = 0.5 ||w||^2 + C sum_i log(1 + exp(-y'_i (w.x_i + b))),   y'_i = 2 y_i - 1,
 *     with the intercept b not penalised. Solved by Newton's method (IRLS) with a backtracking (Armijo) line
 *     search on F itself. Each step solves the exact Newton system in the smaller space: for p <= n the
 *     (p+1) x (p+1) Hessian by Cholesky; for p > n an equivalent (n+1)-dimensional system (the Hessian's
 *     kernel form: the n x n matrix I + D^1/2 X X' D^1/2, D the curvatures, with the intercept as one bordering
 *     row), X X' formed once per fit (OpenBLAS dsyrk). Cost per step O(n p min(n, p)) at most; the iterates
 *     and the optimum are those of the full Newton method, bit-identical for any BLAS thread count.
 *     Converged when ||grad F|| / max(1, C) < 1e-10 (the gradient is divided by max(1, C) because with a
 *     large C the terms of grad F are O(C) and their rounding floor is O(C * 1e-16)); see vx_model_grad_norm.
 *     For C -> infinity this is maximum-likelihood logistic regression (R glm(family = binomial)).
 *     score = w.x + b, prob = 1 / (1 + exp(-score)).
 *   VX_MODEL_LOGREG_L1 ("logreg-l1"): L1-penalised logistic regression by liblinear (solver L1R_LR, C, eps 1e-7:
 *     converged, so the fit does not depend on the solver's random coordinate order; it gives the fold AUCs of
 *     LogisticRegression(penalty="l1", solver="liblinear", tol=1e-8), whereas at scikit-learn's default tol
 *     1e-4 liblinear stops at a point that moves fold AUCs by up to 0.022 between random_states):
 *     min ||w||_1 + C sum_i log(1 + exp(-y'_i w.x_i)). The intercept is liblinear's bias term: a constant
 *     feature of value 1 appended to every row, whose weight is PENALISED like the others (liblinear 2.3 has
 *     no unpenalised intercept). score = w.x + w_bias, prob = 1 / (1 + exp(-score)) (liblinear's own
 *     probability for logistic regression). liblinear's coordinate-descent solver draws permutations from the
 *     C library's rand(): the fit calls srand(seed) right before train(), under a process-wide mutex held by
 *     every voxomics fit that uses liblinear or libsvm (so concurrent voxomics fits stay deterministic;
 *     other code that calls rand() concurrently would still disturb it).
 *     Fan, Chang, Hsieh, Wang, Lin, "LIBLINEAR: A library for large linear classification", JMLR 9 (2008).
 *   VX_MODEL_SVM ("svm"): C-SVC with the RBF kernel K(u, v) = exp(-gamma ||u - v||^2) by libsvm (eps 1e-3,
 *     shrinking, cache 200 MB: scikit-learn's SVC defaults), parameter C. The kernel matrix of the training rows
 *     is computed once (||u||^2 + ||v||^2 - 2 u.v, as libsvm's own RBF kernel, the products by OpenBLAS) and
 *     handed to libsvm's solver as a precomputed kernel, and predictions use the same dense kernel rows; the
 *     model (support vectors, coefficients, rho) is the ordinary RBF model. gamma <= 0 means "scale":
 *     gamma = 1 / (p * Var(X)), Var the population variance (1/(n p)) over all n*p entries of the training X
 *     (scikit-learn's definition).
 *     score = the decision value oriented towards class 1. Probability: libsvm's own Platt scaling runs an
 *     internal cross-validation that draws from rand(); instead (deterministic, no global state) a sigmoid
 *     prob = 1 / (1 + exp(A score + B)) is fitted to the TRAINING decision values with Platt's regularised
 *     targets (N+ + 1)/(N+ + 2) and 1/(N- + 2) by the Newton method of Lin, Lin & Weng, "A note on Platt's
 *     probabilistic outputs for support vector machines", Machine Learning 68 (2007) (libsvm's
 *     sigmoid_train). Training decision values are optimistic, so these probabilities are over-confident;
 *     the score (and so the AUC) does not depend on them.
 *     Chang & Lin, "LIBSVM: a library for support vector machines", ACM TIST 2 (2011).
 *   VX_MODEL_RF ("rf"): random forest by XGBoost following its documented recipe ("Random Forests in
 *     XGBoost"): booster gbtree, one boosting round of num_parallel_tree = trees trees (XGBoost averages
 *     their leaf values), learning_rate 1, max_depth = depth, subsample (default 0.632), colsample_bynode
 *     (default sqrt(p)/p), reg_lambda (default 0), min_child_weight, colsample_bytree, base_score, objective
 *     binary:logistic, tree_method exact, nthread 1, seed.
 *     score = the margin (log-odds), prob = XGBoost's probability.
 *   VX_MODEL_GBM ("gbm"): gradient boosting by XGBoost: objective binary:logistic, trees boosting rounds,
 *     max_depth = depth, eta, reg_lambda, min_child_weight, subsample, colsample_bytree, colsample_bynode,
 *     base_score, tree_method exact, nthread 1, seed. score = margin, prob = probability.
 *   See vx_model_params_preset for the parameters that reproduce scikit-learn's GradientBoostingClassifier
 *   and RandomForestClassifier.
 *     Chen & Guestrin, "XGBoost: a scalable tree boosting system", KDD 2016.
 *
 * Errors: VX_EINVAL for invalid settings, a single class in y, non-finite X, a constant X (svm, gamma
 * "scale"), p mismatches and a logistic regression that does not converge (e.g. separable data with a huge
 * C); VX_ENOMEM; VX_EFORMAT for a corrupt serialised model; VX_EUNSUPPORTED when an external library fails.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_MODEL_H
#define VOXOMICS_MODEL_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* VX_MODEL_COX ("cox") and VX_MODEL_COXNET ("coxnet") are the Cox models of time-to-event pipelines
 * (voxomics/pipeline.h vx_pipeline_fit_surv; voxomics/survival.h): vx_model_fit refuses them. */
typedef enum {
    VX_MODEL_LOGREG,
    VX_MODEL_LOGREG_L1,
    VX_MODEL_SVM,
    VX_MODEL_RF,
    VX_MODEL_GBM,
    VX_MODEL_COX,
    VX_MODEL_COXNET
} vx_model_kind;

typedef struct vx_model_params {
    vx_model_kind kind;
    double C;            /* logreg, logreg-l1, svm: inverse regularisation strength, > 0 */
    double gamma;        /* svm: RBF gamma; <= 0: "scale" = 1 / (p * Var(X)) */
    int trees;           /* rf: trees in the forest; gbm: boosting rounds; >= 1 */
    int depth;           /* rf, gbm: max_depth, >= 1 */
    double eta;          /* gbm: learning rate, in (0, 1] */
    unsigned long seed;  /* logreg-l1, rf, gbm: random seed (logreg and svm are deterministic without one) */
    /* rf, gbm: the tree parameters of XGBoost (names as XGBoost's) */
    double reg_lambda;       /* L2 penalty on leaf weights, >= 0 (leaf value -G / (H + reg_lambda)) */
    double min_child_weight; /* a split is kept only if each child's hessian sum is >= this, >= 0 */
    double subsample;        /* fraction of rows drawn (without replacement) for each tree, in (0, 1] */
    double colsample_bytree; /* fraction of features drawn for each tree, in (0, 1] */
    double colsample_bynode; /* fraction of features drawn for each split, in (0, 1]; 0: rf's sqrt(p) / p */
    double base_score;       /* the starting prediction, a probability in (0, 1); 0: XGBoost's 0.5 (margin 0);
                                VX_BASE_SCORE_PRIOR: the class-1 fraction of the training labels (margin = the
                                prior log-odds, scikit-learn's init for GradientBoostingClassifier) */
    int bootstrap;           /* rf: 1 = each tree on round(subsample * n) rows drawn WITH replacement (draw
                                counts as row weights, rows not drawn left out; scikit-learn's bootstrap,
                                max_samples = subsample), each tree one round of custom-gradient boosting at the
                                starting margin; 0 (default) = XGBoost's own row sampling (subsample, without
                                replacement) in one round of num_parallel_tree trees */
    int criterion;           /* gbm: VX_GBM_XGBOOST (default) or VX_GBM_FRIEDMAN_MSE (see below) */
    double lambda;           /* coxnet: a fixed penalty lambda (> 0); 0 (default): lambda by an inner
                                cross-validation on the training rows (vx_coxnet_cv) */
    double l1_ratio;         /* coxnet: the elastic-net mixing (glmnet's alpha), in (0, 1]; default 1 (LASSO) */
} vx_model_params;

/* gbm's tree builder: XGBoost's second-order gain G^2 / (H + reg_lambda) with leaf values -G / (H + reg_lambda)
 * ("xgboost"), or scikit-learn's GradientBoostingClassifier trees ("friedman_mse": each stage a least-squares
 * regression tree on the residuals y - p, split by Friedman's improvement n_l n_r / n (mean_l - mean_r)^2,
 * each leaf a Newton step sum(y - p) / (sum p (1 - p) + reg_lambda); voxomics' own implementation in
 * src/learn/model_gbt.c, which uses trees, depth, eta, reg_lambda and min_child_weight, and needs subsample,
 * colsample_bytree and colsample_bynode 1 and base_score VX_BASE_SCORE_PRIOR). */
#define VX_GBM_XGBOOST 0
#define VX_GBM_FRIEDMAN_MSE 1

#define VX_BASE_SCORE_PRIOR (-1.0)

/* Defaults for kind k: C 1, gamma 0 ("scale"), seed 0; rf: trees 100, depth 8, reg_lambda 0, min_child_weight
 * 1, subsample 0.632, colsample_bytree 1, colsample_bynode 0 (sqrt(p) / p), base_score 0, bootstrap 0; gbm: trees 100,
 * depth 3, eta 0.1, reg_lambda 1, min_child_weight 1, subsample 1, colsample_bytree 1, colsample_bynode 1,
 * base_score 0 (XGBoost's defaults); coxnet: lambda 0 (inner CV), l1_ratio 1. Fields a kind does not use are
 * set anyway. */
VX_API void vx_model_params_default(vx_model_params *p, vx_model_kind k);

/* Presets that reproduce another tool's defaults for kind p->kind, applied over p's current values:
 *   "sklearn" (scikit-learn 1.2):
 *     gbm: GradientBoostingClassifier() = criterion VX_GBM_FRIEDMAN_MSE (scikit-learn's trees: least
 *          squares on the residuals), trees 100, depth 3, eta 0.1, reg_lambda 0 (scikit-learn's leaf value is
 *          the plain Newton step sum(y - p) / sum(p (1 - p))), base_score VX_BASE_SCORE_PRIOR (init = the prior
 *          log-odds), subsample 1, colsample_bytree 1, colsample_bynode 1, and min_child_weight 0: a child
 *          needs one row (min_samples_leaf = 1; the hessian p (1 - p) of a row is below 1, so no positive
 *          hessian threshold means "one row": 0 is the exact equivalent). With criterion VX_GBM_XGBOOST and
 *          the other values of this preset, XGBoost's boosting differs from scikit-learn's only in choosing
 *          splits by the second-order gain G^2 / H instead of the residuals' least squares; on noisy tables
 *          that alone moves fold AUCs by up to 0.1.
 *     rf:  RandomForestClassifier(n_estimators = trees, max_depth = depth, max_features = "sqrt",
 *          min_samples_leaf = 1, bootstrap = True) = bootstrap 1, subsample 1 (n draws with replacement),
 *          reg_lambda 0, min_child_weight 0, colsample_bynode 0 (sqrt(p) / p: floor(sqrt(p)) features per
 *          split), colsample_bytree 1, base_score 0. Every tree starts from the same margin, so every row has
 *          the same hessian: XGBoost's gain G^2 / H then orders splits exactly as the (weighted) Gini decrease
 *          does, and a leaf's value is an increasing linear function of its class-1 fraction; the trees' mean
 *          margin ranks rows as the mean leaf frequency (scikit-learn's predict_proba) does; rows not drawn
 *          are left out of the tree entirely (thresholds fall between drawn rows, as scikit-learn's). What
 *          still differs: the random draws (rows, and the features of each split).
 *     logreg, logreg-l1, svm: nothing to change (their defaults are scikit-learn's LogisticRegression(C=1),
 *          LogisticRegression(penalty="l1", solver="liblinear") and SVC(C=1, gamma="scale")).
 * Errors: VX_EINVAL for an unknown preset name (the message lists them). */
VX_API int vx_model_params_preset(vx_model_params *p, const char *name, vx_error *err);

/* The kind named "logreg", "logreg-l1", "svm", "rf", "gbm", "cox" or "coxnet" (exact, case-sensitive);
 * VX_EINVAL otherwise. */
VX_API int vx_model_kind_find(const char *name);
/* The name of kind k ("logreg", ...; a static string); "?" for an invalid k. */
VX_API const char *vx_model_kind_name(vx_model_kind k);

typedef struct vx_model vx_model; /* opaque */

/* Fit a model of kind mp->kind on X (n x p) and y (0/1). *m receives the model (free with vx_model_free);
 * NULL on error. Errors: see "Errors" above. */
VX_API int vx_model_fit(const double *X, size_t n, size_t p, const int *y, const vx_model_params *mp, vx_model **m,
                        vx_error *err);

/* For each of the n rows of X (n x p with the p of the fit): score[i] (higher = class 1; see the models
 * above) and prob[i] = P(class 1), into arrays of n the caller provides. Either output may be NULL.
 * Errors: VX_EINVAL for a non-finite X; VX_EUNSUPPORTED when XGBoost fails; VX_ENOMEM. */
VX_API int vx_model_predict(const vx_model *m, const double *X, size_t n, double *score, double *prob, vx_error *err);

/* More than two classes (labels 0, 1, ..., K-1 with K >= 3, every class present in y; vx_model_fit): one-vs-rest
 * for every kind: K binary models of the same kind and parameters, model k fitted on (y == k) against the rest
 * (scikit-learn's OneVsRestClassifier). The binary path (labels 0 and 1 only) is unchanged. Serialised as "kind",
 * "p", "classes" (K) and "ovr" (the K binary models' objects). vx_model_predict refuses a K-class model
 * (VX_EINVAL); vx_model_predict_multi gives, for each row i and class k, score[i*K + k] = model k's score and
 * prob[i*K + k] = model k's probability divided by the sum of the K models' probabilities for that row (1/K when
 * that sum is 0): OneVsRestClassifier.predict_proba. For a binary model it gives K = 2 columns: score (-s, s)
 * and prob (1 - p, p). Arrays of n*K doubles the caller provides; either may be NULL. Errors: as
 * vx_model_predict. vx_model_nclasses: K (2 for a binary model, 0 for NULL). */
VX_API int vx_model_nclasses(const vx_model *m);
VX_API int vx_model_predict_multi(const vx_model *m, const double *X, size_t n, double *score, double *prob,
                                  vx_error *err);

/* Number of features the model was fitted on (0 for NULL); its parameters (a pointer into the model, valid
 * until vx_model_free; NULL for NULL). */
VX_API size_t vx_model_nfeatures(const vx_model *m);
VX_API const vx_model_params *vx_model_get_params(const vx_model *m);

/* logreg: coefficients w (p values) and intercept b of the fit (pointer into the model, valid until
 * vx_model_free); NULL for other kinds. */
VX_API const double *vx_model_logreg_coef(const vx_model *m, double *intercept);

/* Serialise into an existing cJSON object (a `cJSON *` passed as void *): members "kind", "p", the
 * parameters ("C", "gamma", "trees", "depth", "eta", "seed" as a decimal string; rf and gbm also "reg_lambda",
 * "min_child_weight", "subsample", "colsample_bytree", "colsample_bynode", "base_score", which
 * vx_model_from_json reads when present and otherwise takes as the kind's defaults, so model files written
 * before they existed still load), and the fitted state:
 *   logreg:    "coef" (array of p), "intercept", "grad_norm";
 *   logreg-l1: "liblinear": liblinear's model-file text (solver_type L1R_LR ... w), values printed %.17g;
 *   svm:       "libsvm": libsvm's model-file text (svm_type c_svc, kernel_type rbf ...), every value printed
 *              %.17g (libsvm's own svm_save_model prints support vectors with %.8g, which is not exact),
 *              plus "platt_A", "platt_B";
 *   rf, gbm:   "xgboost": XGBoost's JSON model (XGBoosterSaveModelToBuffer, format json) as a string.
 * Doubles are written as raw JSON numbers printed %.17g (exact when parsed back by strtod; note that cJSON's
 * own printing of a number it parsed keeps only 15 digits when that is within DBL_EPSILON, so re-printing a
 * parsed tree with cJSON may change the last bit). The members are added to the caller's object, which the
 * caller keeps owning (cJSON_Delete). Non-finite values give VX_EINVAL; VX_ENOMEM. */
VX_API int vx_model_to_json(const vx_model *m, void *cjson_object, vx_error *err);
/* Rebuild a model from an object written by vx_model_to_json (read from text by cJSON_Parse, or the same
 * in-memory object, which is only read). Predictions equal those of the serialised model bit for bit. *m
 * receives a new model (free with vx_model_free), NULL on error. Errors: VX_EFORMAT or VX_EINVAL for a
 * missing or invalid member (naming it), VX_EUNSUPPORTED when the backend rejects its model text, VX_ENOMEM. */
VX_API int vx_model_from_json(const void *cjson_object, vx_model **m, vx_error *err);

/* logreg: the final ||grad F|| / max(1, C) (Euclidean norm over w and b); NaN for other kinds or NULL. */
VX_API double vx_model_grad_norm(const vx_model *m);

/* Free a model from vx_model_fit or vx_model_from_json. NULL is allowed. */
VX_API void vx_model_free(vx_model *m);

#ifdef __cplusplus
}
#endif
#endif
