/* voxomics study: the classification step's internals (src/study/step_class*.c, step_classification.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_STEP_CLASS_H
#define VX_STEP_CLASS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "voxomics/pipeline.h"
#include "study/study_impl.h"

/* The common FPR grid of the mean ROC curve: 0, 0.01, ..., 1. */
#define VXC_GRID 101
/* Groups of the reliability curve (deciles of the predicted probability). */
#define VXC_BINS 10
/* Features kept in the importance list. */
#define VXC_TOP 15

/* The mean ROC of several curves read on the grid (vx_roc_interp), each curve's value taken as 0 at fpr 0 and 1
 * at fpr 1 (every ROC curve runs from (0, 0) to (1, 1)): mean[g], the band mean -/+ 1.959964 sd / sqrt(c) (sd
 * with c - 1, c the number of curves) clipped to [0, 1] into lo, hi. fpr/tpr: the curves' points concatenated, curve k at start[k] .. start[k+1]-1
 * (start: c + 1 offsets). grid, mean, lo, hi: ngrid values. */
int vxc_mean_roc(const double *fpr, const double *tpr, const size_t *start, size_t c, const double *grid,
                 size_t ngrid, double *mean, double *lo, double *hi, vx_error *err);

/* Stratified held-out split: within each class, the rows shuffled by a seeded splitmix64 (Fisher-Yates) and the
 * first round(fraction x class size) (at least 2 and at most class size - 2) held out: held[i] = 1. */
int vxc_holdout_split(const int *y, size_t n, double fraction, unsigned long seed, unsigned char *held,
                      vx_error *err);

/* The evaluation object of one set of predictions: {n, n_pos, auc, auc_se, auc_ci[2], roc {fpr, tpr},
 * brier, calibration {intercept, slope, bins {mean_pred, observed, lo, hi, n}}}. Calibration members are
 * null (and calibration.error says why) when the fit is not possible (e.g. separated classes). NULL on error. */
cJSON *vxc_eval_json(const double *score, const double *prob, const int *y, size_t n, vx_error *err);

/* One model's cross-validation (own fold loop, the folds of vx_cv_run: vx_cv_stratified_folds with seed + 1000003
 * r for repeat r). */
typedef struct vxc_cv {
    const char *name; /* display name */
    int K, R;
    size_t n, p;
    int *fold;            /* R x n */
    double *score, *prob; /* R x n: out-of-fold decision values and probabilities */
    double *auc;          /* R x K */
    double *pooled;       /* R: AUC of the repeat's out-of-fold scores */
    double auc_mean, auc_sd;
    double *sel;          /* p: fraction of the R x K folds whose pipeline kept the feature */
    double seconds;
} vxc_cv;

typedef struct vxc_setup {
    int K, R;
    unsigned long seed;
} vxc_setup;

int vxc_cv_run(const double *X, size_t n, size_t p, const int *y, const char *const *names,
               const vx_pipeline_params *pp, const vxc_setup *s, vxc_cv *out, vx_error *err);
void vxc_cv_free(vxc_cv *c);
/* The JSON of a CV: {name, folds, repeats, auc_folds, auc_mean, auc_sd, auc_mean_ci, auc_pooled, pooled {eval of
 * repeat 1}, roc_folds [{fpr, tpr}], roc_mean {fpr, tpr, lo, hi}, seconds}. */
cJSON *vxc_cv_json(const vxc_cv *c, const int *y, vx_error *err);

/* Rows x columns of the data table gathered into a new matrix (NaN = missing). */
double *vxc_matrix(const vx_table *t, const size_t *rows, size_t n, const size_t *cols, size_t p);

/* A model to cross-validate: its display name and pipeline parameters. */
typedef struct vxc_model {
    char name[64];
    vx_pipeline_params pp;
} vxc_model;

/* The step's data: the joined table (rows with a label only), the labels, the imaging feature columns and the
 * clinical covariate columns, and the development / held-out rows. */
typedef struct vxc_data {
    vxs_data d;
    size_t n, n_dropped; /* rows kept; rows dropped for a missing label */
    int *y;              /* n */
    const char *lab[2];  /* the label texts of class 0 and 1 (into d.t) */
    const char *label;   /* outcome.label */
    size_t pf, pc;       /* imaging features, clinical covariates */
    size_t *fcols, *ccols;
    const char **fnames, **cnames;
    size_t ndev, nhold;  /* development rows (all rows without a holdout) and held-out rows */
    size_t *dev, *hold;
    int *ydev, *yhold;
} vxc_data;

void vxc_data_free(vxc_data *v);

/* The columns of v: the imaging features (which = 0), the clinical covariates (1) or both (2), as a new array
 * (*p of them) with their names. */
int vxc_columns(const vxc_data *v, int which, size_t **cols, const char ***names, size_t *p, vx_error *err);

/* Models fitted on every development row of the given columns (one per model); evaluated on the held-out rows
 * (result "holdout") and on the external cohort ("external"), and the importance of the best model. */
int vxc_final(vxs_ctx *ctx, const vxs_node *cfg, const vxc_data *v, const vxc_model *models, size_t nm,
              size_t best, const vxc_cv *best_cv, cJSON *result, vx_error *err);

/* The external cohort (external {features, id, clinical {path, id}}): its rows with a label, the matrix of the
 * development features by name (X, *n x v->pf, NaN = missing) and the labels coded like the development cohort's. */
int vxc_external_load(vxs_ctx *ctx, const vxs_node *ext, const vxc_data *v, double **X, int **y, size_t *n,
                      vx_error *err);

/* Paired DeLong comparisons of every pair of the CVs' repeat-1 pooled out-of-fold scores: an array of {a, b,
 * auc_a, auc_b, z, p} (z, p null when the two scores rank the subjects identically). */
cJSON *vxc_delong_json(const vxc_cv *cv, size_t nm, const int *y);

/* The clinical covariates alone and imaging + clinical ("clinical" of the result) and the multimodal blocks
 * ("fusion"). */
int vxc_clinical(const vxc_data *v, const vxc_model *best, const vxc_cv *best_cv, const vxc_setup *s,
                 cJSON *result, vx_error *err);
int vxc_fusion(const vxs_node *cfg, const vxc_data *v, const vxc_model *first, const vxc_setup *s, cJSON *result,
               vx_error *err);

/* OUTDIR/classification/oof.csv, roc.csv and (with a holdout) holdout.csv. */
int vxc_write_csv(const vxs_ctx *ctx, const vxc_data *v, const vxc_cv *cv, size_t nm, const cJSON *result,
                  vx_error *err);

/* Report section (step_class_report.c). */
int vxc_section(const cJSON *result, const cJSON *study, vxs_html *h, vx_error *err);

#endif
