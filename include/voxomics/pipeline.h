/* voxomics: the modelling pipeline and leak-free cross-validation.
 *
 * A pipeline is every fitted step between a raw feature table and a prediction, learnt on training rows only:
 *   1. median imputation of missing values (medians of the training rows);
 *   2. optional ComBat harmonisation by a batch column (fitted on the training rows, applied to new rows of the
 *      batches it saw);
 *   3. standardisation (training mean and standard deviation, 1/(n-1); constant features get sd 1);
 *   4. optional feature selection (variance, correlation, univariate tests with BH FDR, mRMR, LASSO);
 *   5. the model (voxomics/model.h).
 * The pipeline file (JSON) holds all of it, with the feature names, so `predict` on an external cohort needs
 * nothing else.
 *
 * Cross-validation: stratified repeated K-fold (per repeat, each class is shuffled with the seed and dealt to the
 * folds in turn), or fold assignments given per repeat. In every fold the whole pipeline, tuning included (an
 * inner stratified K-fold on the training rows picks the best value of each tuned parameter by mean inner AUC),
 * is fitted on the training rows only and scored on the held-out rows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_PIPELINE_H
#define VOXOMICS_PIPELINE_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/error.h"
#include "voxomics/model.h"

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
} vx_select_params;

VX_API int vx_select_method_find(const char *name); /* "none", "variance", ... ; -1 unknown */

typedef struct vx_pipeline_params {
    vx_select_params select;
    vx_model_params model;
    int harmonize; /* ComBat by the batch given to fit/predict */
} vx_pipeline_params;

VX_API void vx_pipeline_params_default(vx_pipeline_params *pp, vx_model_kind kind);
/* Set a parameter by name ("C", "gamma", "trees", "depth", "eta", "k", "threshold", "alpha"). */
VX_API int vx_pipeline_params_set(vx_pipeline_params *pp, const char *name, double value, vx_error *err);

typedef struct vx_pipeline vx_pipeline;

/* Fit on X (n x p, NaN = missing) with labels y; names: the p feature names; batch (NULL unless harmonize):
 * per-row batch names. */
VX_API int vx_pipeline_fit(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                    const char *const *batch, const vx_pipeline_params *pp, vx_pipeline **out, vx_error *err);
/* Score and probability of class 1 for rows of X, whose columns are the pipeline's features in its order. */
VX_API int vx_pipeline_predict(const vx_pipeline *pl, const double *X, size_t n, const char *const *batch, double *score,
                        double *prob, vx_error *err);
/* The feature names the pipeline needs (in order), and those it kept after selection. */
VX_API size_t vx_pipeline_features(const vx_pipeline *pl, const char *const **names);
VX_API size_t vx_pipeline_selected(const vx_pipeline *pl, const size_t **idx);
/* label value texts: names[0] = class 0, names[1] = class 1 (set by the caller before saving) */
VX_API int vx_pipeline_set_labels(vx_pipeline *pl, const char *label_column, const char *neg, const char *pos);
VX_API const char *vx_pipeline_label(const vx_pipeline *pl, int which); /* 0, 1; -1: the column name */
VX_API int vx_pipeline_save(const vx_pipeline *pl, const char *path, vx_error *err);
VX_API int vx_pipeline_load(const char *path, vx_pipeline **out, vx_error *err);
VX_API void vx_pipeline_free(vx_pipeline *pl);

/* ---- cross-validation ------------------------------------------------------------------------------------- */
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
} vx_cv_options;

typedef struct vx_cv_result {
    int folds, repeats;
    double *auc;        /* repeats x folds */
    double *pooled;     /* repeats: AUC of all out-of-fold scores of the repeat */
    double *fit_time;   /* repeats x folds, seconds (pipeline fit, tuning included) */
    double auc_mean, auc_sd; /* over all folds (sd with n-1) */
    double *chosen;     /* repeats x folds x n_tune: the tuned values */
} vx_cv_result;

/* Stratified fold assignment for one repeat: fold[i] in 0..K-1. */
VX_API int vx_cv_stratified_folds(const int *y, size_t n, int K, unsigned long seed, int *fold, vx_error *err);
VX_API int vx_cv_run(const double *X, size_t n, size_t p, const int *y, const char *const *names,
              const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o, vx_cv_result *r,
              vx_error *err);
VX_API void vx_cv_result_free(vx_cv_result *r);

#ifdef __cplusplus
}
#endif
#endif
