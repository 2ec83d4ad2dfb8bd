/* voxomics: leak-free cross-validation of a pipeline (see include/voxomics/pipeline.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "voxomics/pipeline.h"
#include "voxomics/roc.h"
#include "learn/warm.h"
#include "learn/pipeline_impl.h"

/* splitmix64: a small, seedable, portable PRNG for fold assignment (no global state). */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int vx_cv_stratified_folds(const int *y, size_t n, int K, unsigned long seed, int *fold, vx_error *err)
{
    if (K < 2)
        return vx_error_set(err, VX_EINVAL, "cv: %d folds (at least 2)", K);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    uint64_t st = (uint64_t)seed * 0x2545F4914F6CDD1Dull + 1;
    int next = 0, ncls = 2; /* continue dealing across classes so fold sizes stay balanced */
    for (size_t i = 0; i < n; i++)
        if (y[i] + 1 > ncls)
            ncls = y[i] + 1; /* labels 0..ncls-1 (multiclass: every class is stratified) */
    for (int cls = 0; cls < ncls; cls++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (y[i] == cls)
                idx[m++] = i;
        if (m < (size_t)K) {
            free(idx);
            return vx_error_set(err, VX_EINVAL, "cv: class %d has %zu samples, fewer than the %d folds", cls, m, K);
        }
        for (size_t i = m; i > 1; i--) { /* Fisher-Yates */
            size_t j = (size_t)(next_u64(&st) % i);
            size_t t = idx[i - 1];
            idx[i - 1] = idx[j];
            idx[j] = t;
        }
        for (size_t i = 0; i < m; i++) {
            fold[idx[i]] = next;
            next = (next + 1) % K;
        }
    }
    free(idx);
    return VX_OK;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Rows with fold == f (test) or != f (train) into contiguous arrays. */
size_t vxp_cv_gather(const double *X, size_t n, size_t p, const int *y, const char *const *batch, const int *fold,
                     int f, int test, double *Xo, int *yo, const char **bo, size_t *rows)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if ((fold[i] == f) != test)
            continue;
        memcpy(Xo + m * p, X + i * p, p * sizeof *Xo);
        yo[m] = y[i];
        if (bo)
            bo[m] = batch[i];
        if (rows)
            rows[m] = i;
        m++;
    }
    return m;
}

/* The classes of labels y: the largest + 1, at least 2 (2: binary). */
static int n_classes(const int *y, size_t n)
{
    int C = 2;
    for (size_t i = 0; i < n; i++)
        if (y[i] + 1 > C)
            C = y[i] + 1;
    return C;
}

/* The outcome of labels y with C classes: binary (C = 2) or multiclass. */
static vx_outcome outcome_of(const int *y, size_t n, int C)
{
    return C > 2 ? vx_outcome_multiclass(y, n, C) : vx_outcome_binary(y, n);
}

void vxp_split_buf_free(vxp_split_buf *b)
{
    free(b->Xtr);
    free(b->Xte);
    free(b->score);
    free(b->prob);
    free(b->ytr);
    free(b->yte);
    free(b->btr);
    free(b->bte);
    free(b->rows);
}

/* Room for the splits of n rows x p features (batch names when batch; w scores per row); VX_ENOMEM. */
int vxp_split_buf_alloc(vxp_split_buf *b, size_t n, size_t p, int batch, size_t w, vx_error *err)
{
    b->Xtr = malloc((n * p + 1) * sizeof *b->Xtr);
    b->Xte = malloc((n * p + 1) * sizeof *b->Xte);
    b->ytr = malloc((n + 1) * sizeof *b->ytr);
    b->yte = malloc((n + 1) * sizeof *b->yte);
    b->btr = batch ? malloc((n + 1) * sizeof *b->btr) : NULL;
    b->bte = batch ? malloc((n + 1) * sizeof *b->bte) : NULL;
    b->rows = malloc((n + 1) * sizeof *b->rows);
    b->score = malloc((n * w + 1) * sizeof *b->score);
    b->prob = malloc((n * w + 1) * sizeof *b->prob);
    if (b->Xtr && b->Xte && b->ytr && b->yte && b->rows && b->score && b->prob && (!batch || (b->btr && b->bte)))
        return VX_OK;
    vxp_split_buf_free(b);
    memset(b, 0, sizeof *b);
    return vx_error_set(err, VX_ENOMEM, "out of memory");
}

/* The metric of a pipeline fitted on the train rows and scored on the test rows of one split; the test rows'
 * scores and probabilities go to score_out / prob_out (may be NULL) at their row numbers (C > 2 classes: C
 * values per row, vx_pipeline_predict_multi). warm: NULL, or a
 * pipeline fitted on the same rows whose model may start this fit (learn/warm.h); keep: NULL, or where the
 * fitted pipeline goes instead of being freed. */
int vxp_split_score(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                       const char *const *batch, const vx_pipeline_params *pp, const int *fold, int f,
                       const vx_cv_metric *cm, double *value, double *score_out, double *prob_out, vxp_split_buf *b,
                       const vx_pipeline *warm, vx_pipeline **keep, vx_error *err)
{
    double *Xtr = b->Xtr, *Xte = b->Xte, *score = b->score, *prob = b->prob;
    int *ytr = b->ytr, *yte = b->yte;
    const char **btr = batch ? b->btr : NULL, **bte = batch ? b->bte : NULL;
    size_t *rows = b->rows;
    int C = n_classes(y, n);
    size_t w = C > 2 ? (size_t)C : 1; /* values per row */
    int rc = VX_OK;
    vx_pipeline *pl = NULL;
    if (rc == VX_OK) {
        size_t ntr = vxp_cv_gather(X, n, p, y, batch, fold, f, 0, Xtr, ytr, btr, NULL);
        size_t nte = vxp_cv_gather(X, n, p, y, batch, fold, f, 1, Xte, yte, bte, rows);
        rc = vxp_pipeline_fit_warm(Xtr, ntr, p, ytr, names, btr, pp, warm, &pl, err);
        if (rc == VX_OK)
            rc = C > 2 ? vx_pipeline_predict_multi(pl, Xte, nte, bte, score, prob, err)
                       : vx_pipeline_predict(pl, Xte, nte, bte, score, prob, err);
        vx_outcome truth = outcome_of(yte, nte, C);
        if (rc == VX_OK)
            rc = cm->fn(&truth, score, prob, cm->ctx, value, err);
        for (size_t i = 0; rc == VX_OK && i < nte; i++)
            for (size_t k = 0; k < w; k++) {
                if (score_out)
                    score_out[rows[i] * w + k] = score[i * w + k];
                if (prob_out)
                    prob_out[rows[i] * w + k] = prob[i * w + k];
            }
    }
    if (keep && rc == VX_OK)
        *keep = pl;
    else
        vx_pipeline_free(pl);
    return rc;
}

/* Inner folds of n training rows: given (given_inner[i]; *Kout = the largest + 1, at least 2) or stratified
 * folds of y (o->folds of them, 5 when fewer than 2) drawn from seed. */
static int inner_assign(const int *y, size_t n, const vx_cv_options *o, unsigned long seed, const int *given_inner,
                        int *fold, int *Kout, vx_error *err)
{
    int K = o->folds > 1 ? o->folds : 5, rc = VX_OK;
    if (given_inner) { /* given inner folds: K = the largest + 1 */
        K = 0;
        for (size_t i = 0; i < n; i++) {
            fold[i] = given_inner[i];
            if (fold[i] < 0)
                rc = vx_error_set(err, VX_EINVAL, "cv: training row %zu has no inner fold (give one for every row "
                                                  "outside the outer test fold)", i + 1);
            if (fold[i] + 1 > K)
                K = fold[i] + 1;
        }
        if (rc == VX_OK && K < 2)
            rc = vx_error_set(err, VX_EINVAL, "cv: the given inner folds number %d: give at least 2", K);
    } else
        rc = vx_cv_stratified_folds(y, n, K, seed, fold, err);
    *Kout = K;
    return rc;
}

int vxp_cv_inner_folds(const int *y, size_t n, const vx_cv_options *o, int rep, int f, int K, int R,
                       const size_t *rows, int *fold, int *Kin, vx_error *err)
{
    int *given = NULL;
    if (o->inner_given) {
        size_t col = (size_t)rep * (size_t)K + (size_t)f, ncol = (size_t)R * (size_t)K;
        if (!(given = malloc((n + 1) * sizeof *given)))
            return vx_error_set(err, VX_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            given[i] = o->inner_given[rows[i] * ncol + col];
    }
    int rc = inner_assign(y, n, o, o->seed + 7ul * (unsigned long)(rep * K + f) + 1, given, fold, Kin, err);
    free(given);
    return rc;
}

/* Inner CV on the training rows: the best value of each tuned parameter (one at a time, in order), by mean
 * metric; ties (to 1e-12 relative) keep the first value listed. pp is updated in place; chosen[t] gets the values. */
static int tune(const double *X, size_t n, size_t p, const int *y, const char *const *names, const char *const *batch,
                vx_pipeline_params *pp, const vx_cv_options *o, const vx_cv_metric *cm, unsigned long seed,
                const int *given_inner, double *chosen, vx_error *err)
{
    int *fold = malloc((n ? n : 1) * sizeof *fold);
    if (!fold)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    int K = 0, rc = inner_assign(y, n, o, seed, given_inner, fold, &K, err);
    const int C = n_classes(y, n);
    vx_pipeline **prev = calloc((size_t)(K > 0 ? K : 1), sizeof *prev); /* per inner fold: the previous value's fit */
    vxp_split_buf sb;
    memset(&sb, 0, sizeof sb);
    if (!prev || vxp_split_buf_alloc(&sb, n, p, batch != NULL, C > 2 ? (size_t)C : 1, err) != VX_OK) {
        free(fold);
        free(prev);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    for (size_t t = 0; rc == VX_OK && t < o->n_tune; t++) {
        double best = -1.0, best_v = o->tune[t].values[0];
        for (size_t v = 0; rc == VX_OK && v < o->tune[t].n; v++) {
            vx_pipeline_params trial = *pp;
            rc = vx_pipeline_params_set(&trial, o->tune[t].param, o->tune[t].values[v], err);
            double sum = 0.0;
            for (int f = 0; rc == VX_OK && f < K; f++) {
                double a = 0.0;
                vx_pipeline *fit = NULL; /* warm start from the previous value's fit on the same rows */
                rc = vxp_split_score(X, n, p, y, names, batch, &trial, fold, f, cm, &a, NULL, NULL, &sb, prev[f], &fit,
                                 err);
                vx_pipeline_free(prev[f]);
                prev[f] = fit;
                sum += a;
            }
            /* a mean above the best by rounding only (mathematically equal fold metrics summed in another
             * order, e.g. AUCs of 0.5791666666666666 and ...67) is a tie: the first value listed is kept */
            double mean = sum / K;
            if (rc == VX_OK && (v == 0 || mean > best + 1e-12 * fmax(1.0, fabs(best)))) {
                best = mean;
                best_v = o->tune[t].values[v];
            }
        }
        if (rc == VX_OK) {
            rc = vx_pipeline_params_set(pp, o->tune[t].param, best_v, err);
            chosen[t] = best_v;
        }
    }
    for (int f = 0; f < K; f++)
        vx_pipeline_free(prev[f]);
    free(prev);
    vxp_split_buf_free(&sb);
    free(fold);
    return rc;
}

void vx_cv_result_free(vx_cv_result *r)
{
    if (!r)
        return;
    free(r->auc);
    free(r->pooled);
    free(r->fit_time);
    free(r->chosen);
    free(r->oof);
    memset(r, 0, sizeof *r);
}

vx_outcome vx_outcome_binary(const int *y, size_t n)
{
    vx_outcome o;
    memset(&o, 0, sizeof o);
    o.kind = VX_OUTCOME_BINARY;
    o.n = n;
    o.y = y;
    return o;
}

vx_outcome vx_outcome_multiclass(const int *y, size_t n, int classes)
{
    vx_outcome o;
    memset(&o, 0, sizeof o);
    o.kind = VX_OUTCOME_MULTICLASS;
    o.n = n;
    o.y = y;
    o.classes = classes;
    return o;
}

const char *vx_outcome_kind_name(vx_outcome_kind k)
{
    switch (k) {
    case VX_OUTCOME_MULTICLASS:
        return "multiclass";
    case VX_OUTCOME_BINARY:
        return "binary";
    case VX_OUTCOME_CONTINUOUS:
        return "continuous";
    case VX_OUTCOME_TIME_TO_EVENT:
        return "time-to-event";
    }
    return "?";
}

int vx_outcome_check(const vx_outcome *o, const char *what, vx_error *err)
{
    if (!o)
        return vx_error_set(err, VX_EINVAL, "%s: the outcome is NULL", what);
    switch (o->kind) {
    case VX_OUTCOME_BINARY:
        if (!o->y && o->n)
            return vx_error_set(err, VX_EINVAL, "%s: binary outcome without labels (y is NULL)", what);
        for (size_t i = 0; i < o->n; i++)
            if (o->y[i] != 0 && o->y[i] != 1)
                return vx_error_set(err, VX_EINVAL, "%s: label of row %zu is %d: binary labels must be 0 or 1",
                                    what, i + 1, o->y[i]);
        return VX_OK;
    case VX_OUTCOME_MULTICLASS:
        if (o->classes < 3 || o->classes > 256)
            return vx_error_set(err, VX_EINVAL, "%s: a multiclass outcome of %d classes: give 3 to 256 (2: binary)",
                                what, o->classes);
        if (!o->y && o->n)
            return vx_error_set(err, VX_EINVAL, "%s: multiclass outcome without labels (y is NULL)", what);
        for (size_t i = 0; i < o->n; i++)
            if (o->y[i] < 0 || o->y[i] >= o->classes)
                return vx_error_set(err, VX_EINVAL, "%s: label of row %zu is %d: the labels must be 0..%d", what,
                                    i + 1, o->y[i], o->classes - 1);
        return VX_OK;
    case VX_OUTCOME_CONTINUOUS:
        if (!o->value && o->n)
            return vx_error_set(err, VX_EINVAL, "%s: continuous outcome without values (value is NULL)", what);
        for (size_t i = 0; i < o->n; i++)
            if (!isfinite(o->value[i]))
                return vx_error_set(err, VX_EINVAL, "%s: outcome of row %zu is %g: impute or drop it first", what,
                                    i + 1, o->value[i]);
        return VX_OK;
    case VX_OUTCOME_TIME_TO_EVENT:
        if ((!o->time || !o->event) && o->n)
            return vx_error_set(err, VX_EINVAL, "%s: time-to-event outcome needs both time and event", what);
        for (size_t i = 0; i < o->n; i++) {
            if (!(isfinite(o->time[i]) && o->time[i] >= 0))
                return vx_error_set(err, VX_EINVAL, "%s: time of row %zu is %g: follow-up times must be >= 0",
                                    what, i + 1, o->time[i]);
            if (o->event[i] != 0 && o->event[i] != 1)
                return vx_error_set(err, VX_EINVAL, "%s: event of row %zu is %d: give 1 (event) or 0 (censored)",
                                    what, i + 1, o->event[i]);
        }
        return VX_OK;
    }
    return vx_error_set(err, VX_EINVAL, "%s: unknown outcome kind %d", what, (int)o->kind);
}

int vx_cv_metric_auc(const vx_outcome *truth, const double *score, const double *prob, void *ctx, double *value,
                     vx_error *err)
{
    (void)ctx;
    if (truth && truth->kind == VX_OUTCOME_MULTICLASS) /* one-vs-rest macro AUC of the normalised probabilities */
        return vx_roc_auc_ovr(prob, truth->y, truth->n, truth->classes, NULL, value, err);
    (void)prob;
    if (!truth || truth->kind != VX_OUTCOME_BINARY)
        return vx_error_set(err, VX_EUNSUPPORTED,
                            "cv metric auc: the AUC needs a binary outcome, not %s: give a metric for that outcome",
                            truth ? vx_outcome_kind_name(truth->kind) : "none");
    vx_roc roc;
    int rc = vx_roc_auc(score, truth->y, truth->n, &roc, err);
    if (rc == VX_OK)
        *value = roc.auc;
    return rc;
}

/* The number of folds (given assignments: the largest fold number + 1), checked. */
void vxp_cv_result_alloc(vx_cv_result *r, int K, int R, size_t chosen_per_fold, size_t oof_len)
{
    const size_t nf = (size_t)K * (size_t)R;
    r->folds = K;
    r->repeats = R;
    r->auc = malloc(nf * sizeof *r->auc);
    r->pooled = malloc((size_t)R * sizeof *r->pooled);
    r->fit_time = malloc(nf * sizeof *r->fit_time);
    r->chosen = chosen_per_fold ? malloc(nf * chosen_per_fold * sizeof *r->chosen) : NULL;
    r->oof = oof_len ? malloc(oof_len * sizeof *r->oof) : NULL;
}

int vxp_cv_fold_count(size_t n, const vx_cv_options *o, int R, int *K, vx_error *err)
{
    *K = o->folds;
    if (o->given) {
        *K = 0;
        for (size_t i = 0; i < n * (size_t)R; i++) {
            if (o->given[i] < 0)
                return vx_error_set(err, VX_EINVAL, "cv: negative fold number for row %zu", i / (size_t)R + 1);
            if (o->given[i] + 1 > *K)
                *K = o->given[i] + 1;
        }
    }
    if (*K < 2)
        return vx_error_set(err, VX_EINVAL, "cv: %d folds (at least 2)", *K);
    return VX_OK;
}

/* Mean and sample standard deviation (n - 1) of the fold metrics. */
void vxp_cv_summary(vx_cv_result *r, size_t nf)
{
    double s = 0.0, ss = 0.0;
    for (size_t i = 0; i < nf; i++)
        s += r->auc[i];
    r->auc_mean = s / (double)nf;
    for (size_t i = 0; i < nf; i++)
        ss += (r->auc[i] - r->auc_mean) * (r->auc[i] - r->auc_mean);
    r->auc_sd = nf > 1 ? sqrt(ss / (double)(nf - 1)) : 0.0;
}

int vxp_cv_repeat_folds(const int *y, size_t n, const vx_cv_options *o, int rep, int K, int R, int *fold,
                        vx_error *err)
{
    if (!o->given)
        return vx_cv_stratified_folds(y, n, K, o->seed + 1000003ul * (unsigned long)rep, fold, err);
    for (size_t i = 0; i < n; i++)
        fold[i] = o->given[i * (size_t)R + (size_t)rep];
    return VX_OK;
}

/* One repeat: fold assignment, then per fold tuning (inner CV) and the held-out metric; the pooled metric of
 * all out-of-fold predictions. oof, oofp, fold: n; Xtr, ytr, btr: room for the training rows;
 * sb: the work arrays of the splits. */
static int cv_repeat(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                     const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o,
                     const vx_cv_metric *cm, int rep, int K, int R, int *fold, double *oof, double *oofp, double *Xtr,
                     int *ytr, const char **btr, vxp_split_buf *sb, vx_cv_result *r, vx_error *err)
{
    int rc = VX_OK;
    size_t *rows = o->inner_given && o->n_tune ? malloc((n + 1) * sizeof *rows) : NULL;
    int *inner = rows ? malloc((n + 1) * sizeof *inner) : NULL;
    if (o->inner_given && o->n_tune && !inner)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vxp_cv_repeat_folds(y, n, o, rep, K, R, fold, err);
    for (int f = 0; rc == VX_OK && f < K; f++) {
        double t0 = seconds();
        vx_pipeline_params fp = *pp;
        double *ch = r->chosen + ((size_t)rep * (size_t)K + (size_t)f) * (o->n_tune ? o->n_tune : 1);
        if (o->n_tune) {
            size_t ntr = vxp_cv_gather(X, n, p, y, batch, fold, f, 0, Xtr, ytr, btr, inner ? rows : NULL);
            size_t col = (size_t)rep * (size_t)K + (size_t)f, ncol = (size_t)R * (size_t)K;
            for (size_t i = 0; inner && i < ntr; i++) /* the training rows' given inner folds */
                inner[i] = o->inner_given[rows[i] * ncol + col];
            rc = tune(Xtr, ntr, p, ytr, names, btr, &fp, o, cm, o->seed + 7ul * (unsigned long)(rep * K + f) + 1,
                      inner, ch, err);
        }
        double a = NAN;
        if (rc == VX_OK)
            rc = vxp_split_score(X, n, p, y, names, batch, &fp, fold, f, cm, &a, oof, oofp, sb, NULL, NULL, err);
        if (rc != VX_OK)
            vx_error_prefix(err, "cv repeat %d, fold %d: ", rep + 1, f + 1);
        r->auc[rep * K + f] = a;
        r->fit_time[rep * K + f] = seconds() - t0;
    }
    free(rows);
    free(inner);
    vx_outcome all = outcome_of(y, n, n_classes(y, n));
    if (rc == VX_OK)
        rc = cm->fn(&all, oof, oofp, cm->ctx, &r->pooled[rep], err);
    return rc;
}

int vx_cv_run_outcome(const double *X, size_t n, size_t p, const vx_outcome *truth, const char *const *names,
                      const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o,
                      const vx_cv_metric *metric, vx_cv_result *r, vx_error *err)
{
    memset(r, 0, sizeof *r);
    int rc = vx_outcome_check(truth, "cv", err);
    if (rc != VX_OK)
        return rc;
    if (truth->n != n)
        return vx_error_set(err, VX_EINVAL, "cv: the outcome has %zu rows, the data %zu", truth->n, n);
    if (truth->kind == VX_OUTCOME_TIME_TO_EVENT)
        return vxp_cv_surv(X, n, p, truth, names, batch, pp, o, metric, r, err);
    if (truth->kind != VX_OUTCOME_BINARY && truth->kind != VX_OUTCOME_MULTICLASS)
        return vx_error_set(err, VX_EUNSUPPORTED,
                            "cv: %s outcomes are not implemented yet (the pipeline fits classifiers and Cox "
                            "models): give a binary or multiclass label, or a time and an event",
                            vx_outcome_kind_name(truth->kind));
    const int *y = truth->y;
    if (truth->kind == VX_OUTCOME_MULTICLASS && n_classes(y, n) != truth->classes)
        return vx_error_set(err, VX_EINVAL, "cv: the outcome declares %d classes, its labels hold %d",
                            truth->classes, n_classes(y, n));
    size_t w = truth->kind == VX_OUTCOME_MULTICLASS ? (size_t)truth->classes : 1;
    vx_cv_metric cm = {metric && metric->fn ? metric->fn : vx_cv_metric_auc, metric ? metric->ctx : NULL};
    int K, R = o->repeats > 0 ? o->repeats : 1;
    if ((rc = vxp_cv_fold_count(n, o, R, &K, err)) != VX_OK)
        return rc;
    vxp_cv_result_alloc(r, K, R, o->n_tune ? o->n_tune : 1, n * w * (size_t)R + 1);
    int *fold = malloc((n ? n : 1) * sizeof *fold);
    double *oofp = malloc((n * w + 1) * sizeof *oofp);
    double *Xtr = malloc((n * p + 1) * sizeof *Xtr);
    int *ytr = malloc((n + 1) * sizeof *ytr);
    const char **btr = batch ? malloc((n + 1) * sizeof *btr) : NULL;
    vxp_split_buf sb;
    memset(&sb, 0, sizeof sb);
    rc = r->auc && r->pooled && r->fit_time && r->chosen && fold && r->oof && oofp && Xtr && ytr && (!batch || btr)
             ? vxp_split_buf_alloc(&sb, n, p, batch != NULL, w, err)
             : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (int rep = 0; rc == VX_OK && rep < R; rep++)
        rc = cv_repeat(X, n, p, y, names, batch, pp, o, &cm, rep, K, R, fold, r->oof + (size_t)rep * n * w, oofp,
                       Xtr, ytr, btr, &sb, r, err);
    if (rc == VX_OK)
        vxp_cv_summary(r, (size_t)K * (size_t)R);
    free(fold);
    free(oofp);
    free(Xtr);
    free(ytr);
    free(btr);
    vxp_split_buf_free(&sb);
    if (rc != VX_OK)
        vx_cv_result_free(r);
    return rc;
}

int vx_cv_run(const double *X, size_t n, size_t p, const int *y, const char *const *names,
              const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o, vx_cv_result *r,
              vx_error *err)
{
    vx_outcome truth = outcome_of(y, n, n_classes(y, n));
    return vx_cv_run_outcome(X, n, p, &truth, names, batch, pp, o, NULL, r, err);
}
