/* voxomics study, classification: one model's cross-validation with its out-of-fold decision values and
 * probabilities, fold ROC curves and selection frequencies. The folds are those of vx_cv_run (stratified, seed +
 * 1000003 r for repeat r) and each fold fits vx_pipeline_fit on the training rows only, so the fold AUCs equal
 * vx_cv_run's (`voxomics cv`) with the same settings.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "voxomics/roc.h"
#include "study/step_class.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void vxc_cv_free(vxc_cv *c)
{
    if (!c)
        return;
    free(c->fold);
    free(c->score);
    free(c->prob);
    free(c->auc);
    free(c->pooled);
    free(c->sel);
    memset(c, 0, sizeof *c);
}

/* Fit on the rows of fold != f, predict the rows of fold f into score/prob (at their row numbers), count the kept
 * features into sel and the fold's AUC into *auc. Xtr, Xte: work room n x p; ytr, yte, rows: n. */
static int one_fold(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                    const vx_pipeline_params *pp, const int *fold, int f, double *score, double *prob, double *sel,
                    double *auc, double *Xtr, double *Xte, int *ytr, int *yte, size_t *rows, vx_error *err)
{
    size_t ntr = 0, nte = 0;
    for (size_t i = 0; i < n; i++) {
        if (fold[i] == f) {
            memcpy(Xte + nte * p, X + i * p, p * sizeof *X);
            yte[nte] = y[i];
            rows[nte++] = i;
        } else {
            memcpy(Xtr + ntr * p, X + i * p, p * sizeof *X);
            ytr[ntr++] = y[i];
        }
    }
    vx_pipeline *pl = NULL;
    double *s = malloc((nte + 1) * sizeof *s), *pr = malloc((nte + 1) * sizeof *pr);
    int rc = s && pr ? vx_pipeline_fit(Xtr, ntr, p, ytr, names, NULL, pp, &pl, err)
                     : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vx_pipeline_predict(pl, Xte, nte, NULL, s, pr, err);
    vx_roc r;
    if (rc == VX_OK)
        rc = vx_roc_auc(s, yte, nte, &r, err);
    if (rc == VX_OK) {
        *auc = r.auc;
        for (size_t i = 0; i < nte; i++) {
            score[rows[i]] = s[i];
            prob[rows[i]] = pr[i];
        }
        const size_t *idx;
        size_t k = vx_pipeline_selected(pl, &idx);
        for (size_t j = 0; j < k; j++)
            sel[idx[j]] += 1.0;
    }
    vx_pipeline_free(pl);
    free(s);
    free(pr);
    return rc;
}

static int alloc_cv(vxc_cv *c, size_t n, size_t p, int K, int R)
{
    const size_t rn = (size_t)R * n + 1;
    c->K = K;
    c->R = R;
    c->n = n;
    c->p = p;
    c->fold = malloc(rn * sizeof *c->fold);
    c->score = malloc(rn * sizeof *c->score);
    c->prob = malloc(rn * sizeof *c->prob);
    c->auc = malloc(((size_t)R * (size_t)K + 1) * sizeof *c->auc);
    c->pooled = malloc(((size_t)R + 1) * sizeof *c->pooled);
    c->sel = calloc(p + 1, sizeof *c->sel);
    return c->fold && c->score && c->prob && c->auc && c->pooled && c->sel;
}

int vxc_cv_run(const double *X, size_t n, size_t p, const int *y, const char *const *names,
               const vx_pipeline_params *pp, const vxc_setup *s, vxc_cv *out, vx_error *err)
{
    const double t0 = now();
    const char *name = out->name;
    memset(out, 0, sizeof *out);
    out->name = name;
    double *Xtr = malloc((n * p + 1) * sizeof *Xtr), *Xte = malloc((n * p + 1) * sizeof *Xte);
    int *ytr = malloc((n + 1) * sizeof *ytr), *yte = malloc((n + 1) * sizeof *yte);
    size_t *rows = malloc((n + 1) * sizeof *rows);
    int rc = alloc_cv(out, n, p, s->K, s->R) && Xtr && Xte && ytr && yte && rows
                 ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (int r = 0; rc == VX_OK && r < s->R; r++) {
        int *fold = out->fold + (size_t)r * n;
        double *sc = out->score + (size_t)r * n, *pr = out->prob + (size_t)r * n;
        rc = vx_cv_stratified_folds(y, n, s->K, s->seed + 1000003ul * (unsigned long)r, fold, err);
        for (int f = 0; rc == VX_OK && f < s->K; f++) {
            rc = one_fold(X, n, p, y, names, pp, fold, f, sc, pr, out->sel, &out->auc[r * s->K + f], Xtr, Xte, ytr,
                          yte, rows, err);
            if (rc != VX_OK)
                vx_error_prefix(err, "model %s, repeat %d, fold %d: ", name, r + 1, f + 1);
        }
        vx_roc roc;
        if (rc == VX_OK && (rc = vx_roc_auc(sc, y, n, &roc, err)) == VX_OK)
            out->pooled[r] = roc.auc;
    }
    const size_t nf = (size_t)s->K * (size_t)s->R;
    if (rc == VX_OK) {
        double m = 0.0, ss = 0.0;
        for (size_t i = 0; i < nf; i++)
            m += out->auc[i];
        m /= (double)nf;
        for (size_t i = 0; i < nf; i++)
            ss += (out->auc[i] - m) * (out->auc[i] - m);
        out->auc_mean = m;
        out->auc_sd = nf > 1 ? sqrt(ss / (double)(nf - 1)) : 0.0;
        for (size_t j = 0; j < p; j++)
            out->sel[j] /= (double)nf;
    }
    free(Xtr);
    free(Xte);
    free(ytr);
    free(yte);
    free(rows);
    out->seconds = now() - t0;
    if (rc != VX_OK)
        vxc_cv_free(out);
    return rc;
}
