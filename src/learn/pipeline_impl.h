/* voxomics (internal): the pipeline's state and the steps the classifier and survival pipelines share
 * (src/learn/pipeline.c, src/learn/pipeline_surv.c, src/learn/cv_surv.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_LEARN_PIPELINE_IMPL_H
#define VX_LEARN_PIPELINE_IMPL_H

#include "voxomics/combat.h"
#include "voxomics/pipeline.h"
#include "voxomics/survival.h"

struct vx_pipeline {
    size_t p;          /* input features */
    char **names;      /* p */
    double *median;    /* p */
    double *mean, *sd; /* p */
    size_t *sel;       /* k indices into 0..p-1 */
    size_t k;
    vx_combat_fit *combat; /* NULL unless harmonised */
    vx_model *model;       /* classifiers; NULL for a survival pipeline */
    vx_pipeline_params params;
    char *label[3]; /* class 0, class 1, column */
    char **classes; /* multiclass: the nclass class names */
    int nclass;
    /* time-to-event pipelines (outcome VX_OUTCOME_TIME_TO_EVENT) */
    vx_outcome_kind outcome;
    double *coef;          /* k: the Cox coefficients of the standardised selected features */
    double lambda;         /* coxnet: the penalty of coef (NaN for cox) */
    vx_cox_baseline base;  /* Breslow / Efron baseline cumulative hazard of the training rows */
    char *surv_col[2];     /* time and event column names */
    const double *fit_time; /* during a survival fit only: the training outcome (selection by Cox) */
    const int *fit_event;
};

/* Allocate pl's per-feature arrays (pl->p = p, names copied), then impute (training medians), harmonise (ComBat
 * by batch when pp->harmonize) and standardise X (n x p) into W; constant[j] for a feature constant there. */
int vxp_prepare(vx_pipeline *pl, const double *X, size_t n, size_t p, const char *const *names,
                const char *const *batch, const vx_pipeline_params *pp, double *W, unsigned char *constant,
                vx_error *err);
/* Selection on the standardised training rows W (n x pl->p) into pl->sel, pl->k; y: binary labels (NULL for a
 * survival pipeline: the Cox method uses pl->fit_time, pl->fit_event). */
int vxp_run_selection(vx_pipeline *pl, const double *W, size_t n, const int *y, const unsigned char *constant,
                      vx_error *err);
/* Rows -> the model's input: impute, harmonise, standardise, select. Z: n x pl->k. */
int vxp_transform(const vx_pipeline *pl, const double *X, size_t n, const char *const *batch, double *Z,
                  vx_error *err);
/* The name of a selection method. */
const char *vxp_select_name(vx_select_method m);
/* Survival pipelines: save the outcome and model into root / load them (pipeline_surv.c). */
int vxp_surv_to_json(const vx_pipeline *pl, void *root, void *model, vx_error *err);
int vxp_surv_from_json(vx_pipeline *pl, const void *root, const char *path, vx_error *err);
/* cv.c: the work arrays of one split (vxp_split_score), allocated once per cross-validation (not per split: fresh
 * memory for every split costs more than the fit of a linear model on a few hundred rows). */
typedef struct vxp_split_buf {
    double *Xtr, *Xte, *score, *prob;
    int *ytr, *yte;
    const char **btr, **bte;
    size_t *rows;
} vxp_split_buf;
/* Room for the splits of n rows x p features (batch names when batch; w scores per row); VX_ENOMEM. */
int vxp_split_buf_alloc(vxp_split_buf *b, size_t n, size_t p, int batch, size_t w, vx_error *err);
void vxp_split_buf_free(vxp_split_buf *b);
/* Rows with fold == f (test) or != f (train) of X (n x p), y and batch (may be NULL) into contiguous arrays
 * Xo, yo, bo (may be NULL); rows (may be NULL): their row numbers. Returns their number. */
size_t vxp_cv_gather(const double *X, size_t n, size_t p, const int *y, const char *const *batch, const int *fold,
                     int f, int test, double *Xo, int *yo, const char **bo, size_t *rows);
/* The metric (cm) of a pipeline fitted on the rows with fold != f and scored on those with fold == f; the test
 * rows' scores and probabilities go to score_out / prob_out (may be NULL) at their row numbers; warm: NULL or a
 * pipeline to warm-start from (learn/warm.h); keep: NULL, or where the fitted pipeline goes. */
int vxp_split_score(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                    const char *const *batch, const vx_pipeline_params *pp, const int *fold, int f,
                    const vx_cv_metric *cm, double *value, double *score_out, double *prob_out, vxp_split_buf *b,
                    const vx_pipeline *warm, vx_pipeline **keep, vx_error *err);
/* The outer folds of repeat rep (0-based) of R: o->given's column, or stratified folds of y drawn from
 * o->seed + 1000003 rep. fold: n. */
int vxp_cv_repeat_folds(const int *y, size_t n, const vx_cv_options *o, int rep, int K, int R, int *fold,
                        vx_error *err);
/* The inner folds of the n training rows of outer fold f of repeat rep (vx_cv_options: o->inner_given's
 * column for those rows, given by their row numbers rows[] in the whole data, or stratified folds of y, o->folds
 * of them (5 when fewer than 2), drawn from o->seed + 7 (rep K + f) + 1); *Kin: their number. fold: n. */
int vxp_cv_inner_folds(const int *y, size_t n, const vx_cv_options *o, int rep, int f, int K, int R,
                       const size_t *rows, int *fold, int *Kin, vx_error *err);
/* cv.c: the number of folds K of o (given folds: the largest + 1), checked; the mean and sd of r->auc (nf). */
int vxp_cv_fold_count(size_t n, const vx_cv_options *o, int R, int *K, vx_error *err);
/* r->folds, r->repeats = K, R and r's arrays for them: auc, pooled, fit_time, chosen (chosen_per_fold values per
 * fold; none for 0) and oof (oof_len values; none for 0). An allocation that fails leaves its member NULL: the
 * caller checks them (vx_cv_result_free frees what was allocated). */
void vxp_cv_result_alloc(vx_cv_result *r, int K, int R, size_t chosen_per_fold, size_t oof_len);
void vxp_cv_summary(vx_cv_result *r, size_t nf);
/* Cross-validation of a survival pipeline (vx_cv_run_outcome with a time-to-event outcome; cv_surv.c). */
int vxp_cv_surv(const double *X, size_t n, size_t p, const vx_outcome *truth, const char *const *names,
                const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o,
                const vx_cv_metric *metric, vx_cv_result *r, vx_error *err);
/* VX_OK when pp suits a survival pipeline (a Cox model, a selection without labels, coxnet's parameters). */
int vxp_surv_check_params(const vx_pipeline_params *pp, vx_error *err);
/* Free what a survival pipeline adds. */
void vxp_surv_free(vx_pipeline *pl);

#endif
