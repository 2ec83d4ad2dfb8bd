/* voxomics: the modelling pipeline and leak-free cross-validation.
 *
 * A pipeline is every fitted step between a raw feature table and a prediction, learnt on training rows only:
 *   1. median imputation of missing values (medians of the training rows);
 *   2. optional ComBat harmonisation by a batch column (fitted on the training rows, applied to new rows of the
 *      batches it saw);
 *   3. standardisation (training mean and the population standard deviation sqrt(sum (x - mean)^2 / n), the
 *      divisor n as in scikit-learn's StandardScaler and glmnet; a feature constant on the training rows gets sd 1);
 *   4. optional feature selection (variance, correlation, univariate tests with BH FDR, mRMR, LASSO);
 *   5. the model (voxomics/model.h).
 * The pipeline file (JSON) holds all of it, with the feature names, so `predict` on an external cohort needs
 * nothing else.
 *
 * Cross-validation: stratified repeated K-fold (per repeat, each class is shuffled with the seed and dealt to the
 * folds in turn), or fold assignments given per repeat. In every fold the whole pipeline, tuning included (an
 * inner stratified K-fold on the training rows, or given inner folds, picks the best value of each tuned
 * parameter by the mean inner metric, the AUC by default), is fitted on the training rows only and scored on the held-out rows. The
 * score of a fold is a metric callback (vx_cv_metric; by default the AUC for binary outcomes), so other outcomes
 * and metrics (C-index, regression errors) use the same CV.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_PIPELINE_H
#define VOXOMICS_PIPELINE_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/error.h"
#include "voxomics/model.h"
#include "voxomics/survival.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vx_select_method {
    VX_SELECT_NONE = 0,
    VX_SELECT_VARIANCE,    /* keep variance > threshold */
    VX_SELECT_CORRELATION, /* greedy |r| <= threshold */
    VX_SELECT_UNIVARIATE,  /* Mann-Whitney (or Welch) + BH: the k smallest adjusted p, or adjusted p < alpha */
    VX_SELECT_MRMR,        /* k features, MID (or MIQ) */
    VX_SELECT_LASSO,       /* nonzero coefficients at the CV lambda (min or 1se) */
    VX_SELECT_COX,         /* time-to-event outcomes: univariate Cox (Wald p) + BH, as univariate: k or alpha */
} vx_select_method;

typedef struct vx_select_params {
    vx_select_method method;
    double threshold; /* variance / correlation */
    size_t k;         /* univariate, mRMR: number kept (0: univariate uses alpha) */
    double alpha;     /* univariate: adjusted p below alpha (default 0.05) */
    int welch;        /* univariate: Welch t-test instead of Mann-Whitney */
    int miq;          /* mRMR: MIQ instead of MID */
    int lasso_1se;    /* LASSO: lambda.1se instead of lambda.min */
    int lasso_folds;  /* LASSO: inner folds (default 5) */
    size_t lasso_nlambda;          /* LASSO: lambdas on the path (0 = 100, glmnet's nlambda) */
    double lasso_lambda_min_ratio; /* LASSO: smallest / largest lambda (0 = glmnet's 0.01 if n < p else 1e-4) */
} vx_select_params;

/* The method named "none", "variance", "correlation", "univariate", "mrmr", "lasso" or "cox"; -1 when unknown. */
VX_API int vx_select_method_find(const char *name);

typedef struct vx_pipeline_params {
    vx_select_params select;
    vx_model_params model;
    int harmonize; /* ComBat by the batch given to fit/predict */
} vx_pipeline_params;

/* Defaults: no selection (threshold NaN, alpha 0.05, 5 LASSO folds, 100 lambdas, glmnet's lambda.min.ratio),
 * no harmonisation, the model defaults of kind (vx_model_params_default). */
VX_API void vx_pipeline_params_default(vx_pipeline_params *pp, vx_model_kind kind);
/* Set a parameter by name ("C", "gamma", "trees", "depth", "eta", "reg_lambda", "min_child_weight",
 * "subsample", "colsample_bytree", "colsample_bynode", "base_score" (vx_model_params), "k", "threshold",
 * "alpha", "nlambda" (>= 3),
 * "lambda_min_ratio" (in (0, 1)), "lambda" (coxnet: > 0 fixed, 0 by inner CV), "l1_ratio" (coxnet, in
 * (0, 1])). VX_EINVAL for an unknown name (the message lists the names) or a value outside those ranges; other
 * values are checked by vx_pipeline_fit. */
VX_API int vx_pipeline_params_set(vx_pipeline_params *pp, const char *name, double value, vx_error *err);

typedef struct vx_pipeline vx_pipeline;

/* Fit on X (n x p, NaN = missing) with labels y; names: the p feature names (copied); batch (NULL unless
 * harmonize): per-row batch names. *out receives the pipeline (free with vx_pipeline_free), NULL on error.
 * Errors: VX_EINVAL (fewer than 2 rows or no feature, and the errors of selection, vx_combat_fit_apply and
 * vx_model_fit), VX_EUNSUPPORTED (an external library failed), VX_ENOMEM. */
VX_API int vx_pipeline_fit(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                           const char *const *batch, const vx_pipeline_params *pp, vx_pipeline **out, vx_error *err);
/* Score and probability of class 1 for the n rows of X, whose columns are the pipeline's features in its
 * order (NaN = missing: imputed with the training medians), into arrays of n the caller provides (either may
 * be NULL); batch: per-row batch names when the pipeline harmonises. Errors: those of vx_combat_apply and
 * vx_model_predict; VX_ENOMEM. */
VX_API int vx_pipeline_predict(const vx_pipeline *pl, const double *X, size_t n, const char *const *batch,
                               double *score, double *prob, vx_error *err);
/* Multiclass pipelines (labels 0..K-1, K >= 3, given to vx_pipeline_fit; the model is one-vs-rest, see
 * vx_model_predict_multi; feature selection then must be none, variance or correlation, which do not use the
 * labels): per row K scores and K probabilities (normalised to sum 1), score[i*K + k], prob[i*K + k], in arrays
 * of n*K the caller provides (either may be NULL); for a binary pipeline K = 2 (class 0: -score, 1 - prob).
 * vx_pipeline_nclasses: K (2 for binary). Errors: as vx_pipeline_predict. */
VX_API int vx_pipeline_predict_multi(const vx_pipeline *pl, const double *X, size_t n, const char *const *batch,
                                     double *score, double *prob, vx_error *err);
VX_API int vx_pipeline_nclasses(const vx_pipeline *pl);
/* Record the label column and the K class names (class k's text, copied; the pipeline file keeps them as
 * "label": {"column", "classes": [...]}, and for K = 2 also "negative" / "positive"). VX_OK or VX_ENOMEM. */
VX_API int vx_pipeline_set_classes(vx_pipeline *pl, const char *label_column, const char *const *names, int K);
/* The name of class k (0..K-1); "" when unset or out of range. Owned by pl. */
VX_API const char *vx_pipeline_class(const vx_pipeline *pl, int k);

/* The feature names the pipeline needs (in order; returns their number, *names points into the pipeline),
 * and those it kept after selection (returns their number, *idx: indices into those names, pointing into the
 * pipeline). Both arrays stay valid until vx_pipeline_free; do not free them. */
VX_API size_t vx_pipeline_features(const vx_pipeline *pl, const char *const **names);
VX_API size_t vx_pipeline_selected(const vx_pipeline *pl, const size_t **idx);
/* The fitted classifier of a classification pipeline (pointer into pl, valid until vx_pipeline_free; NULL for a
 * survival pipeline or NULL pl): e.g. vx_model_logreg_coef gives the coefficients of the selected features on the
 * standardised scale (the standardised coefficients), in the order of vx_pipeline_selected. */
VX_API const vx_model *vx_pipeline_model(const vx_pipeline *pl);
/* Record the label column name and the texts of class 0 (neg) and class 1 (pos), copied into the pipeline
 * (set by the caller before saving; NULL is stored as ""). VX_OK or VX_ENOMEM. */
VX_API int vx_pipeline_set_labels(vx_pipeline *pl, const char *label_column, const char *neg, const char *pos);
/* The text of class `which` (0 or 1), or with -1 the label column name; "" when unset. Owned by pl. */
VX_API const char *vx_pipeline_label(const vx_pipeline *pl, int which);
/* Save as JSON (format "voxomics-pipeline-1": names, medians, scaling, selection, model, labels; doubles with
 * %.17g; a survival pipeline: "outcome": "time-to-event", "survival": {"time", "event"} (the column names) and
 * "model": {"kind": "cox" | "coxnet", "coef", "lambda", "l1_ratio", "ties", "baseline": {"center", "time",
 * "cumhaz"}} instead of "label"). Errors: VX_EUNSUPPORTED for a pipeline with ComBat inside (harmonise the
 * table first), VX_EIO naming the path, VX_EINVAL / VX_ENOMEM from the model's serialisation (vx_model_to_json). */
VX_API int vx_pipeline_save(const vx_pipeline *pl, const char *path, vx_error *err);
/* Load a pipeline saved by vx_pipeline_save. *out receives it (free with vx_pipeline_free), NULL on error.
 * Errors: VX_EIO (cannot open or read), VX_EFORMAT (not a voxomics pipeline, or damaged), VX_ENOMEM. */
VX_API int vx_pipeline_load(const char *path, vx_pipeline **out, vx_error *err);
/* Free a pipeline from vx_pipeline_fit or vx_pipeline_load. NULL is allowed. */
VX_API void vx_pipeline_free(vx_pipeline *pl);

/* ---- outcomes ------------------------------------------------------------------------------------------------ */
/* What a model predicts. Binary outcomes (labels 0/1) are implemented end to end, multiclass outcomes (labels
 * 0..K-1, one-vs-rest models) in the pipeline and cross-validation; continuous (regression) and
 * time-to-event (survival) outcomes are declared so that metrics and cross-validation can name them, and the
 * functions that cannot yet handle them refuse them with VX_EUNSUPPORTED and a message saying so. */
typedef enum vx_outcome_kind {
    VX_OUTCOME_BINARY = 0,  /* y[i] in {0, 1} */
    VX_OUTCOME_CONTINUOUS,  /* value[i] finite */
    VX_OUTCOME_TIME_TO_EVENT, /* time[i] >= 0, event[i] in {0 (censored), 1 (event)} */
    VX_OUTCOME_MULTICLASS,  /* y[i] in {0, ..., classes - 1}, classes >= 3 */
} vx_outcome_kind;

typedef struct vx_outcome {
    vx_outcome_kind kind;
    size_t n;            /* rows */
    const int *y;        /* binary: the labels */
    const double *value; /* continuous: the response */
    const double *time;  /* time-to-event: follow-up time */
    const int *event;    /* time-to-event: 1 event, 0 censored */
    int classes;         /* multiclass: the number of classes */
} vx_outcome;

/* A binary outcome viewing y (not copied). */
VX_API vx_outcome vx_outcome_binary(const int *y, size_t n);
/* A multiclass outcome (labels 0..classes-1, classes >= 3) viewing y (not copied). */
VX_API vx_outcome vx_outcome_multiclass(const int *y, size_t n, int classes);
VX_API const char *vx_outcome_kind_name(vx_outcome_kind k); /* "binary", "continuous", "time-to-event" */
/* Check an outcome's values (what: the caller, for the message): VX_EINVAL naming the first bad row. */
VX_API int vx_outcome_check(const vx_outcome *o, const char *what, vx_error *err);

/* ---- time-to-event (survival) pipelines --------------------------------------------------------------------- */
/* A time-to-event outcome viewing time and event (not copied). */
VX_API vx_outcome vx_outcome_time_to_event(const double *time, const int *event, size_t n);

/* Fit a survival pipeline on X (n x p, NaN = missing), follow-up time[i] >= 0 and event[i] (1 event, 0
 * censored); names, batch and pp as vx_pipeline_fit. Steps 1-3 of the top of this file as for classifiers, all
 * on these rows; then selection: none, variance, correlation, or cox (VX_SELECT_COX: univariate Cox models,
 * Efron ties, Wald p, BH over the features; the k smallest p, or adjusted p < alpha, at least the best one);
 * univariate, mrmr and lasso test a binary label and are refused (VX_EINVAL). The model (pp->model.kind):
 *   VX_MODEL_COX:    vx_cox_fit (Efron ties) of the selected standardised features (R coxph);
 *   VX_MODEL_COXNET: the penalised Cox model of glmnet (vx_coxnet_fit; mixing l1_ratio) at pp->model.lambda
 *                    when > 0 (glmnet(..., lambda = lambda) exactly), else at lambda.min (lambda.1se with
 *                    select.lasso_1se) of vx_coxnet_cv (deviance, select.lasso_folds folds drawn from the seed,
 *                    select.lasso_nlambda lambdas, select.lasso_lambda_min_ratio) on these rows.
 * The score is the linear predictor (the risk: higher = shorter survival); the pipeline keeps the baseline
 * cumulative hazard of the training rows (vx_cox_baseline_fit, Efron's form) for survival probabilities.
 * Errors: VX_EINVAL (fewer than 2 rows, no feature, invalid time / event, no events, a classifier model, a
 * selection that needs a label, and the errors of vx_cox_fit / vx_coxnet_fit), those of vx_coxnet_cv (with the
 * prefix "coxnet: lambda by inner cross-validation: "), VX_ENOMEM. */
VX_API int vx_pipeline_fit_surv(const double *X, size_t n, size_t p, const double *time, const int *event,
                                const char *const *names, const char *const *batch, const vx_pipeline_params *pp,
                                vx_pipeline **out, vx_error *err);
/* A survival pipeline's predictions for the n rows of X (the pipeline's features, in order; NaN imputed):
 * lp[i] the linear predictor (n values, or NULL) and S[i*m + k] the survival probability at time t[k]
 * (vx_cox_baseline_surv; n x m, or NULL). vx_pipeline_predict on a survival pipeline gives score = lp and
 * prob = NaN. Errors: VX_EINVAL (not a survival pipeline, a negative time), those of vx_pipeline_predict. */
VX_API int vx_pipeline_predict_surv(const vx_pipeline *pl, const double *X, size_t n, const char *const *batch,
                                    const double *t, size_t m, double *lp, double *S, vx_error *err);
/* VX_OUTCOME_TIME_TO_EVENT for a survival pipeline, else VX_OUTCOME_BINARY (or VX_OUTCOME_MULTICLASS). */
VX_API vx_outcome_kind vx_pipeline_outcome(const vx_pipeline *pl);
/* A survival pipeline's coefficients (vx_pipeline_selected's features, on the standardised scale; pointer into
 * pl) and, for coxnet, *lambda the penalty used (NaN for cox; lambda may be NULL); NULL for a classifier. */
VX_API const double *vx_pipeline_cox_coef(const vx_pipeline *pl, double *lambda);
/* A survival pipeline's baseline hazard (pointer into pl); NULL for a classifier. */
VX_API const vx_cox_baseline *vx_pipeline_cox_baseline(const vx_pipeline *pl);
/* Record the time and event column names (saved as "survival": {"time", "event"}). VX_OK or VX_ENOMEM. */
VX_API int vx_pipeline_set_surv_columns(vx_pipeline *pl, const char *time_column, const char *event_column);
/* The time (0) or event (1) column name; "" when unset. Owned by pl. */
VX_API const char *vx_pipeline_surv_column(const vx_pipeline *pl, int which);

/* ---- cross-validation ------------------------------------------------------------------------------------- */
/* A CV metric: the value of held-out predictions (score: decision values, prob: probabilities, both n =
 * truth->n rows) against the truth of those rows; larger is better (tuning keeps the largest mean). ctx: the
 * pointer of its vx_cv_metric. Returns VX_OK or a VX_E* code with err set. */
typedef int (*vx_cv_metric_fn)(const vx_outcome *truth, const double *score, const double *prob, void *ctx,
                               double *value, vx_error *err);
typedef struct vx_cv_metric {
    vx_cv_metric_fn fn; /* NULL: the default of the outcome (binary: vx_cv_metric_auc) */
    void *ctx;          /* passed to fn */
} vx_cv_metric;
/* The default metric of binary outcomes: the ROC AUC of score (voxomics/roc.h). For a multiclass outcome
 * (score and prob then hold truth->classes values per row, vx_pipeline_predict_multi's), the one-vs-rest macro
 * AUC of the normalised probabilities (vx_roc_auc_ovr: scikit-learn's roc_auc_score(multi_class="ovr",
 * average="macro")). */
VX_API int vx_cv_metric_auc(const vx_outcome *truth, const double *score, const double *prob, void *ctx, double *value,
                     vx_error *err);
/* The default metric of time-to-event outcomes: Harrell's C of score (the risk) (vx_concordance; NaN when no
 * pair is comparable). VX_EINVAL for another outcome. */
VX_API int vx_cv_metric_cindex(const vx_outcome *truth, const double *score, const double *prob, void *ctx,
                               double *value, vx_error *err);

typedef struct vx_cv_tune {
    const char *param;    /* a name for vx_pipeline_params_set */
    const double *values;
    size_t n;
} vx_cv_tune;

typedef struct vx_cv_options {
    int folds, repeats;
    unsigned long seed;
    const int *given; /* NULL, or n x repeats fold numbers (row-major, 0-based) from --folds-from */
    const vx_cv_tune *tune;
    size_t n_tune;
    /* NULL, or the inner folds of nested CV (tuning), given: n x (repeats x folds) numbers, row-major; column
     * r * folds + f is for outer fold f of repeat r, and holds each training row's inner fold (0-based; the
     * number of inner folds is the largest + 1, at least 2); the rows held out in that outer fold are ignored
     * (any value, e.g. -1). NULL: stratified inner folds (folds of them) drawn from the seed. */
    const int *inner_given;
} vx_cv_options;

/* The members named auc hold the metric of vx_cv_options (the AUC by default). */
typedef struct vx_cv_result {
    int folds, repeats;
    double *auc;        /* repeats x folds */
    double *pooled;     /* repeats: the metric of all out-of-fold predictions of the repeat */
    double *fit_time;   /* repeats x folds, seconds (pipeline fit, tuning included) */
    double auc_mean, auc_sd; /* over all folds (sd with n-1) */
    double *chosen;     /* repeats x folds x n_tune: the tuned values */
    double *oof;        /* repeats x n (x classes when multiclass): the out-of-fold scores (decision values) of each
                         * repeat, row i of repeat r at oof[r n + i]; NULL for time-to-event outcomes */
} vx_cv_result;

/* Stratified fold assignment for one repeat: fold[i] in 0..K-1 (the caller provides n entries). Errors:
 * VX_EINVAL for K < 2 or a class with fewer than K samples; VX_ENOMEM. */
VX_API int vx_cv_stratified_folds(const int *y, size_t n, int K, unsigned long seed, int *fold, vx_error *err);
/* Cross-validate the pipeline pp on X (n x p, NaN = missing), y, names and batch as vx_pipeline_fit takes
 * them, per the options o (see the top of this file). r is overwritten and owned by the caller afterwards:
 * free its arrays with vx_cv_result_free (also after an error). Errors: VX_EINVAL (folds < 2, a class smaller
 * than the folds, bad given folds, an unknown tuned parameter) and those of vx_pipeline_fit / _predict and
 * vx_roc_auc for a fold (naming the repeat and fold); VX_ENOMEM. */
VX_API int vx_cv_run(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                     const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o, vx_cv_result *r,
                     vx_error *err);
/* vx_cv_run for any outcome (truth->n rows), scored by metric (NULL or metric->fn NULL: the outcome's default;
 * the members named auc of the result then hold that metric). Time-to-event outcomes: folds stratified by the
 * event (vx_cv_stratified_folds of event), or given; in each fold vx_pipeline_fit_surv on the training rows and
 * the metric (default Harrell's C, vx_cv_metric_cindex) of the held-out linear predictors; pooled: the metric
 * of all out-of-fold linear predictors of a repeat; tuning
 * (o->n_tune) is VX_EUNSUPPORTED for them (coxnet chooses its lambda by its own inner CV). A continuous outcome
 * is VX_EUNSUPPORTED. vx_cv_run(..., y, ...) is vx_cv_run_outcome with vx_outcome_binary(y, n) and the AUC. r as for
 * vx_cv_run. */
VX_API int vx_cv_run_outcome(const double *X, size_t n, size_t p, const vx_outcome *truth,
                             const char *const *names, const char *const *batch, const vx_pipeline_params *pp,
                             const vx_cv_options *o, const vx_cv_metric *metric, vx_cv_result *r, vx_error *err);
/* Free the arrays of r (not r itself) and zero it. NULL is allowed. */
VX_API void vx_cv_result_free(vx_cv_result *r);

/* ---- multimodal prediction: feature blocks in one cross-validation ------------------------------------------- */
/* Blocks of columns of one table (e.g. imaging, genomic, clinical features of the same patients), compared alone
 * and fused, all in one leak-free CV of a binary label (the folds of vx_cv_options: given, or stratified from the
 * seed, the same for every block and the fused model):
 *   each block alone: vx_cv_run_outcome on the block's columns (its result equals vx_cv_run on them);
 *   early fusion:     in each fold, per block on the training rows: median imputation, standardisation and the
 *                     pipeline's selection (pp->select, within the block), then (block_scale) each block's kept
 *                     features divided by sqrt(their number), so that every block has the same total variance
 *                     (sum of squares) whatever its width; the blocks concatenated feed one model (pp->model);
 *   late fusion:      (stacking) in each outer fold, an inner K-fold CV of the training rows (the inner folds of
 *                     tuning: o->inner_given, or o->folds stratified folds from the seed) gives each block's
 *                     out-of-fold decision values on the training rows; a stacker, the L2 logistic regression with
 *                     C = 1 (intercept unpenalised), is fitted on them (one column per block, unscaled); each block's
 *                     pipeline refitted on the whole outer training set scores the test rows, and the stacker's
 *                     decision value of those block scores is the fused score. The stacker never sees a test row:
 *                     as scikit-learn's StackingClassifier(stack_method="decision_function",
 *                     final_estimator=LogisticRegression(C=1), cv=inner folds) fitted on the outer training set.
 * Per repeat, the paired DeLong test (vx_roc_delong_paired, pROC's roc.test) of each block against the fused
 * model on the pooled out-of-fold scores of the repeat. Tuning (o->n_tune) and harmonisation are not supported
 * (VX_EUNSUPPORTED). */
typedef enum vx_fusion_kind {
    VX_FUSION_EARLY = 0,
    VX_FUSION_LATE,
} vx_fusion_kind;

typedef struct vx_fusion_block {
    const char *name;  /* e.g. "imaging" */
    const size_t *col; /* the block's columns of X (0-based) */
    size_t p;          /* their number, >= 1 */
} vx_fusion_block;

typedef struct vx_fusion_delong {
    size_t a;        /* the block */
    int repeat;      /* 0-based */
    double auc_a, auc_b, z, p; /* block a vs the fused model (b); z and p NaN when Var(AUC_a - AUC_b) = 0 */
} vx_fusion_delong;

typedef struct vx_fusion_result {
    size_t nblocks;
    vx_cv_result *block;      /* nblocks: each block alone (oof: its out-of-fold scores) */
    vx_cv_result fused;       /* the fused model (chosen is NULL) */
    vx_fusion_delong *delong; /* nblocks x repeats, repeat-major: delong[r nblocks + b] */
    size_t ndelong;
} vx_fusion_result;

/* The kind named "early" or "late"; -1 when unknown. */
VX_API int vx_fusion_kind_find(const char *name);
/* Cross-validate the blocks (nb >= 1; a column may be in several blocks) of X (n x p, NaN = missing) with binary
 * labels y, alone and fused (kind; block_scale: early fusion's 1/sqrt(width) weighting, 0 = none), as described
 * above. r is overwritten and owned by the caller: free it with vx_fusion_result_free (also after an error).
 * Errors: VX_EINVAL (no block, an empty block, a column outside X, labels not 0/1, the errors of vx_cv_run),
 * VX_EUNSUPPORTED (tuning, harmonisation), those of the pipeline and the stacker's fit naming the repeat and
 * fold, VX_ENOMEM. */
VX_API int vx_fusion_cv(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                        const vx_fusion_block *blocks, size_t nb, const vx_pipeline_params *pp,
                        const vx_cv_options *o, vx_fusion_kind kind, int block_scale, vx_fusion_result *r,
                        vx_error *err);
/* Free the arrays of r (not r itself) and zero it. NULL is allowed. */
VX_API void vx_fusion_result_free(vx_fusion_result *r);

#ifdef __cplusplus
}
#endif
#endif
