/* voxomics: leak-free cross-validation of a pipeline (see include/voxomics/pipeline.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "voxomics/pipeline.h"
#include "voxomics/roc.h"

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
    int next = 0; /* continue dealing across classes so fold sizes stay balanced */
    for (int cls = 0; cls < 2; cls++) {
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
static size_t gather(const double *X, size_t n, size_t p, const int *y, const char *const *batch, const int *fold,
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

/* AUC of a pipeline fitted on the train rows and scored on the test rows of one split. */
static int split_auc(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                     const char *const *batch, const vx_pipeline_params *pp, const int *fold, int f, double *auc,
                     double *score_out, vx_error *err)
{
    double *Xtr = malloc((n * p + 1) * sizeof *Xtr), *Xte = malloc((n * p + 1) * sizeof *Xte);
    int *ytr = malloc((n + 1) * sizeof *ytr), *yte = malloc((n + 1) * sizeof *yte);
    const char **btr = batch ? malloc((n + 1) * sizeof *btr) : NULL, **bte = batch ? malloc((n + 1) * sizeof *bte) : NULL;
    size_t *rows = malloc((n + 1) * sizeof *rows);
    double *score = malloc((n + 1) * sizeof *score), *prob = malloc((n + 1) * sizeof *prob);
    int rc = Xtr && Xte && ytr && yte && rows && score && prob && (!batch || (btr && bte))
                 ? VX_OK
                 : vx_error_set(err, VX_ENOMEM, "out of memory");
    vx_pipeline *pl = NULL;
    if (rc == VX_OK) {
        size_t ntr = gather(X, n, p, y, batch, fold, f, 0, Xtr, ytr, btr, NULL);
        size_t nte = gather(X, n, p, y, batch, fold, f, 1, Xte, yte, bte, rows);
        rc = vx_pipeline_fit(Xtr, ntr, p, ytr, names, btr, pp, &pl, err);
        if (rc == VX_OK)
            rc = vx_pipeline_predict(pl, Xte, nte, bte, score, prob, err);
        vx_roc roc;
        if (rc == VX_OK)
            rc = vx_roc_auc(score, yte, nte, &roc, err);
        if (rc == VX_OK) {
            *auc = roc.auc;
            for (size_t i = 0; score_out && i < nte; i++)
                score_out[rows[i]] = score[i];
        }
    }
    vx_pipeline_free(pl);
    free(Xtr);
    free(Xte);
    free(ytr);
    free(yte);
    free(btr);
    free(bte);
    free(rows);
    free(score);
    free(prob);
    return rc;
}

/* Inner CV on the training rows: the best value of each tuned parameter (one at a time, in order), by mean AUC;
 * ties keep the first value listed. pp is updated in place; chosen[t] gets the values. */
static int tune(const double *X, size_t n, size_t p, const int *y, const char *const *names, const char *const *batch,
                vx_pipeline_params *pp, const vx_cv_options *o, unsigned long seed, double *chosen, vx_error *err)
{
    int *fold = malloc((n ? n : 1) * sizeof *fold);
    if (!fold)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    int K = o->folds > 1 ? o->folds : 5;
    int rc = vx_cv_stratified_folds(y, n, K, seed, fold, err);
    for (size_t t = 0; rc == VX_OK && t < o->n_tune; t++) {
        double best = -1.0, best_v = o->tune[t].values[0];
        for (size_t v = 0; rc == VX_OK && v < o->tune[t].n; v++) {
            vx_pipeline_params trial = *pp;
            rc = vx_pipeline_params_set(&trial, o->tune[t].param, o->tune[t].values[v], err);
            double sum = 0.0;
            for (int f = 0; rc == VX_OK && f < K; f++) {
                double a = 0.0;
                rc = split_auc(X, n, p, y, names, batch, &trial, fold, f, &a, NULL, err);
                sum += a;
            }
            if (rc == VX_OK && sum / K > best) {
                best = sum / K;
                best_v = o->tune[t].values[v];
            }
        }
        if (rc == VX_OK) {
            rc = vx_pipeline_params_set(pp, o->tune[t].param, best_v, err);
            chosen[t] = best_v;
        }
    }
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
    memset(r, 0, sizeof *r);
}

int vx_cv_run(const double *X, size_t n, size_t p, const int *y, const char *const *names,
              const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o, vx_cv_result *r,
              vx_error *err)
{
    memset(r, 0, sizeof *r);
    int K = o->folds, R = o->repeats > 0 ? o->repeats : 1;
    if (o->given) {
        K = 0;
        for (size_t i = 0; i < n * (size_t)R; i++) {
            if (o->given[i] < 0)
                return vx_error_set(err, VX_EINVAL, "cv: negative fold number for row %zu", i / (size_t)R + 1);
            if (o->given[i] + 1 > K)
                K = o->given[i] + 1;
        }
    }
    if (K < 2)
        return vx_error_set(err, VX_EINVAL, "cv: %d folds (at least 2)", K);
    r->folds = K;
    r->repeats = R;
    size_t nf = (size_t)K * (size_t)R;
    r->auc = malloc(nf * sizeof *r->auc);
    r->pooled = malloc((size_t)R * sizeof *r->pooled);
    r->fit_time = malloc(nf * sizeof *r->fit_time);
    r->chosen = malloc((nf * (o->n_tune ? o->n_tune : 1)) * sizeof *r->chosen);
    int *fold = malloc((n ? n : 1) * sizeof *fold);
    double *oof = malloc((n ? n : 1) * sizeof *oof);
    double *Xtr = malloc((n * p + 1) * sizeof *Xtr);
    int *ytr = malloc((n + 1) * sizeof *ytr);
    const char **btr = batch ? malloc((n + 1) * sizeof *btr) : NULL;
    int rc = r->auc && r->pooled && r->fit_time && r->chosen && fold && oof && Xtr && ytr && (!batch || btr)
                 ? VX_OK
                 : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (int rep = 0; rc == VX_OK && rep < R; rep++) {
        if (o->given) {
            for (size_t i = 0; i < n; i++)
                fold[i] = o->given[i * (size_t)R + (size_t)rep];
        } else {
            rc = vx_cv_stratified_folds(y, n, K, o->seed + 1000003ul * (unsigned long)rep, fold, err);
        }
        for (int f = 0; rc == VX_OK && f < K; f++) {
            double t0 = seconds();
            vx_pipeline_params fp = *pp;
            double *ch = r->chosen + ((size_t)rep * (size_t)K + (size_t)f) * (o->n_tune ? o->n_tune : 1);
            if (o->n_tune) {
                size_t ntr = gather(X, n, p, y, batch, fold, f, 0, Xtr, ytr, btr, NULL);
                rc = tune(Xtr, ntr, p, ytr, names, btr, &fp, o, o->seed + 7ul * (unsigned long)(rep * K + f) + 1,
                          ch, err);
            }
            double a = NAN;
            if (rc == VX_OK)
                rc = split_auc(X, n, p, y, names, batch, &fp, fold, f, &a, oof, err);
            if (rc != VX_OK)
                vx_error_prefix(err, "cv repeat %d, fold %d: ", rep + 1, f + 1);
            r->auc[rep * K + f] = a;
            r->fit_time[rep * K + f] = seconds() - t0;
        }
        vx_roc roc;
        if (rc == VX_OK && (rc = vx_roc_auc(oof, y, n, &roc, err)) == VX_OK)
            r->pooled[rep] = roc.auc;
    }
    if (rc == VX_OK) {
        double s = 0.0, ss = 0.0;
        for (size_t i = 0; i < nf; i++)
            s += r->auc[i];
        r->auc_mean = s / (double)nf;
        for (size_t i = 0; i < nf; i++)
            ss += (r->auc[i] - r->auc_mean) * (r->auc[i] - r->auc_mean);
        r->auc_sd = nf > 1 ? sqrt(ss / (double)(nf - 1)) : 0.0;
    }
    free(fold);
    free(oof);
    free(Xtr);
    free(ytr);
    free(btr);
    if (rc != VX_OK)
        vx_cv_result_free(r);
    return rc;
}
