/* voxomics: leak-free cross-validation of survival pipelines (include/voxomics/pipeline.h, vx_cv_run_outcome
 * with a time-to-event outcome). SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "voxomics/pipeline.h"
#include "voxomics/survival.h"
#include "learn/pipeline_impl.h"

int vx_cv_metric_cindex(const vx_outcome *truth, const double *score, const double *prob, void *ctx, double *value,
                        vx_error *err)
{
    (void)prob;
    (void)ctx;
    if (!truth || truth->kind != VX_OUTCOME_TIME_TO_EVENT)
        return vx_error_set(err, VX_EINVAL, "cv metric C-index: Harrell's C needs a time-to-event outcome, not %s",
                            truth ? vx_outcome_kind_name(truth->kind) : "none");
    return vx_concordance(score, truth->time, truth->event, NULL, truth->n, value, NULL, err);
}

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Work arrays of one survival CV: the training rows and the held-out rows. */
typedef struct surv_buf {
    double *Xtr, *ttr, *Xte, *tte, *lp;
    int *etr, *ete;
    const char **btr, **bte;
    size_t *te_rows;
} surv_buf;

static void surv_buf_free(surv_buf *b)
{
    void *v[] = {b->Xtr, b->ttr, b->Xte, b->tte, b->lp, b->etr, b->ete, b->btr, b->bte, b->te_rows};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        free(v[i]);
}

static int surv_buf_alloc(surv_buf *b, size_t n, size_t p, int batch, vx_error *err)
{
    b->Xtr = malloc((n * p + 1) * sizeof *b->Xtr);
    b->Xte = malloc((n * p + 1) * sizeof *b->Xte);
    b->ttr = malloc((n + 1) * sizeof *b->ttr);
    b->tte = malloc((n + 1) * sizeof *b->tte);
    b->lp = malloc((n + 1) * sizeof *b->lp);
    b->etr = malloc((n + 1) * sizeof *b->etr);
    b->ete = malloc((n + 1) * sizeof *b->ete);
    b->te_rows = malloc((n + 1) * sizeof *b->te_rows);
    b->btr = batch ? malloc((n + 1) * sizeof *b->btr) : NULL;
    b->bte = batch ? malloc((n + 1) * sizeof *b->bte) : NULL;
    if (b->Xtr && b->Xte && b->ttr && b->tte && b->lp && b->etr && b->ete && b->te_rows && (!batch || (b->btr && b->bte)))
        return VX_OK;
    return vx_error_set(err, VX_ENOMEM, "out of memory");
}

/* One fold: fit on the rows of the other folds, predict the held-out rows into oof, their metric into *value. */
static int surv_fold(const double *X, size_t n, size_t p, const vx_outcome *truth, const char *const *names,
                     const char *const *batch, const vx_pipeline_params *pp, const int *fold, int f,
                     const vx_cv_metric *cm, surv_buf *b, double *oof, double *value, vx_error *err)
{
    size_t ntr = 0, nte = 0;
    for (size_t i = 0; i < n; i++) {
        int te = fold[i] == f;
        size_t r = te ? nte++ : ntr++;
        memcpy((te ? b->Xte : b->Xtr) + r * p, X + i * p, p * sizeof *X);
        (te ? b->tte : b->ttr)[r] = truth->time[i];
        (te ? b->ete : b->etr)[r] = truth->event[i];
        if (batch)
            (te ? b->bte : b->btr)[r] = batch[i];
        if (te)
            b->te_rows[r] = i;
    }
    if (!nte || ntr < 2)
        return vx_error_set(err, VX_EINVAL, "%zu training and %zu held-out rows", ntr, nte);
    vx_pipeline *pl = NULL;
    int rc = vx_pipeline_fit_surv(b->Xtr, ntr, p, b->ttr, b->etr, names, batch ? b->btr : NULL, pp, &pl, err);
    if (rc == VX_OK)
        rc = vx_pipeline_predict_surv(pl, b->Xte, nte, batch ? b->bte : NULL, NULL, 0, b->lp, NULL, err);
    vx_pipeline_free(pl);
    for (size_t r = 0; rc == VX_OK && r < nte; r++)
        oof[b->te_rows[r]] = b->lp[r];
    vx_outcome held = vx_outcome_time_to_event(b->tte, b->ete, nte);
    if (rc == VX_OK)
        rc = cm->fn(&held, b->lp, NULL, cm->ctx, value, err);
    return rc;
}

/* One repeat: folds (given, or stratified by the event), each fold's metric, the pooled metric. */
static int surv_repeat(const double *X, size_t n, size_t p, const vx_outcome *truth, const char *const *names,
                       const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o,
                       const vx_cv_metric *cm, int rep, int K, int R, int *fold, double *oof, surv_buf *b,
                       vx_cv_result *r, vx_error *err)
{
    int rc = VX_OK;
    if (o->given)
        for (size_t i = 0; i < n; i++)
            fold[i] = o->given[i * (size_t)R + (size_t)rep];
    else
        rc = vx_cv_stratified_folds(truth->event, n, K, o->seed + 1000003ul * (unsigned long)rep, fold, err);
    if (rc != VX_OK)
        vx_error_prefix(err, "cv (folds stratified by the event): ");
    for (int f = 0; rc == VX_OK && f < K; f++) {
        double t0 = now_seconds(), v = NAN;
        rc = surv_fold(X, n, p, truth, names, batch, pp, fold, f, cm, b, oof, &v, err);
        if (rc != VX_OK)
            vx_error_prefix(err, "cv repeat %d, fold %d: ", rep + 1, f + 1);
        r->auc[rep * K + f] = v;
        r->fit_time[rep * K + f] = now_seconds() - t0;
        r->chosen[rep * K + f] = NAN;
    }
    if (rc == VX_OK)
        rc = cm->fn(truth, oof, NULL, cm->ctx, &r->pooled[rep], err);
    return rc;
}

int vxp_cv_surv(const double *X, size_t n, size_t p, const vx_outcome *truth, const char *const *names,
                const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o,
                const vx_cv_metric *metric, vx_cv_result *r, vx_error *err)
{
    if (o->n_tune || o->inner_given)
        return vx_error_set(err, VX_EUNSUPPORTED,
                            "cv: tuning (--tune) is not implemented for time-to-event outcomes: coxnet chooses its "
                            "lambda by its own inner cross-validation on each training set");
    vx_cv_metric cm = {metric && metric->fn ? metric->fn : vx_cv_metric_cindex, metric ? metric->ctx : NULL};
    int K, R = o->repeats > 0 ? o->repeats : 1;
    int rc = vxp_surv_check_params(pp, err);
    if (rc == VX_OK)
        rc = vxp_cv_fold_count(n, o, R, &K, err);
    if (rc != VX_OK)
        return rc;
    vxp_cv_result_alloc(r, K, R, 1, 0);
    int *fold = malloc((n + 1) * sizeof *fold);
    double *oof = malloc((n + 1) * sizeof *oof);
    surv_buf b;
    memset(&b, 0, sizeof b);
    rc = r->auc && r->pooled && r->fit_time && r->chosen && fold && oof
             ? surv_buf_alloc(&b, n, p, batch != NULL, err)
             : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (int rep = 0; rc == VX_OK && rep < R; rep++)
        rc = surv_repeat(X, n, p, truth, names, batch, pp, o, &cm, rep, K, R, fold, oof, &b, r, err);
    if (rc == VX_OK)
        vxp_cv_summary(r, (size_t)K * (size_t)R);
    surv_buf_free(&b);
    free(fold);
    free(oof);
    if (rc != VX_OK)
        vx_cv_result_free(r);
    return rc;
}
