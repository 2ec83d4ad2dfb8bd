/* voxomics: multimodal prediction, feature blocks alone and fused (early: concatenation; late: stacking) in one
 * leak-free cross-validation (see include/voxomics/pipeline.h, vx_fusion_cv).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "voxomics/pipeline.h"
#include "voxomics/roc.h"
#include "learn/pipeline_impl.h"

/* What every fold of the fused model needs: the data split into per-block matrices (n x p_b) and names. */
typedef struct fuse_ctx {
    size_t n, nb, pmax;
    const int *y;
    const vx_fusion_block *blocks;
    const vx_pipeline_params *pp;
    const vx_cv_options *o;
    int block_scale;
    double **Xb;       /* nb: n x blocks[b].p */
    const char ***nm;  /* nb: the block's feature names */
    vxp_split_buf sb;  /* n x pmax */
} fuse_ctx;

int vx_fusion_kind_find(const char *name)
{
    if (name && !strcmp(name, "early"))
        return VX_FUSION_EARLY;
    if (name && !strcmp(name, "late"))
        return VX_FUSION_LATE;
    return -1;
}

void vx_fusion_result_free(vx_fusion_result *r)
{
    if (!r)
        return;
    for (size_t b = 0; r->block && b < r->nblocks; b++)
        vx_cv_result_free(&r->block[b]);
    free(r->block);
    vx_cv_result_free(&r->fused);
    free(r->delong);
    memset(r, 0, sizeof *r);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A metric that measures nothing: the inner folds of stacking only need the held-out scores. */
static int no_metric(const vx_outcome *truth, const double *score, const double *prob, void *ctx, double *value,
                     vx_error *err)
{
    (void)truth, (void)score, (void)prob, (void)ctx, (void)err;
    *value = NAN;
    return VX_OK;
}

static void ctx_free(fuse_ctx *c)
{
    for (size_t b = 0; b < c->nb; b++) {
        free(c->Xb ? c->Xb[b] : NULL);
        free(c->nm ? (void *)c->nm[b] : NULL);
    }
    free(c->Xb);
    free((void *)c->nm);
    vxp_split_buf_free(&c->sb);
}

/* The per-block matrices and names of X; VX_EINVAL for an empty block or a column outside X. */
static int ctx_init(fuse_ctx *c, const double *X, size_t n, size_t p, const char *const *names, vx_error *err)
{
    c->Xb = calloc(c->nb, sizeof *c->Xb);
    c->nm = calloc(c->nb, sizeof *c->nm);
    if (!c->Xb || !c->nm)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t b = 0; b < c->nb; b++) {
        const vx_fusion_block *bl = &c->blocks[b];
        if (!bl->p || !bl->col)
            return vx_error_set(err, VX_EINVAL, "fusion: block %zu (%s) has no feature", b + 1,
                                bl->name ? bl->name : "");
        c->pmax = bl->p > c->pmax ? bl->p : c->pmax;
        c->Xb[b] = malloc(n * bl->p * sizeof *c->Xb[b]);
        c->nm[b] = malloc(bl->p * sizeof *c->nm[b]);
        if (!c->Xb[b] || !c->nm[b])
            return vx_error_set(err, VX_ENOMEM, "out of memory");
        for (size_t j = 0; j < bl->p; j++) {
            if (bl->col[j] >= p)
                return vx_error_set(err, VX_EINVAL, "fusion: block %s: column %zu outside the %zu columns of X",
                                    bl->name ? bl->name : "", bl->col[j], p);
            c->nm[b][j] = names[bl->col[j]];
            for (size_t i = 0; i < n; i++)
                c->Xb[b][i * bl->p + j] = X[i * p + bl->col[j]];
        }
    }
    return vxp_split_buf_alloc(&c->sb, n, c->pmax, 0, 1, err);
}

/* Early fusion, one block of one split: impute, standardise and select on the training rows Xtr (ntr x pb), the
 * kept features (weighted by 1/sqrt(k) when block_scale) of the training and test rows into *ztr, *zte. */
static int early_block(const fuse_ctx *c, size_t b, const double *Xtr, const int *ytr, size_t ntr, const double *Xte,
                       size_t nte, double **ztr, double **zte, size_t *k, vx_error *err)
{
    size_t pb = c->blocks[b].p;
    vx_pipeline *pl = calloc(1, sizeof *pl);
    double *W = malloc((ntr * pb + 1) * sizeof *W);
    unsigned char *constant = calloc(pb + 1, 1);
    int rc = pl && W && constant ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vxp_prepare(pl, Xtr, ntr, pb, c->nm[b], NULL, c->pp, W, constant, err);
    if (rc == VX_OK)
        rc = vxp_run_selection(pl, W, ntr, ytr, constant, err);
    *k = rc == VX_OK ? pl->k : 0;
    *ztr = malloc((ntr * *k + 1) * sizeof **ztr);
    *zte = malloc((nte * *k + 1) * sizeof **zte);
    if (rc == VX_OK && (!*ztr || !*zte))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vxp_transform(pl, Xte, nte, NULL, *zte, err);
    double w = c->block_scale && *k ? 1.0 / sqrt((double)*k) : 1.0;
    for (size_t i = 0; rc == VX_OK && i < ntr; i++)
        for (size_t j = 0; j < *k; j++)
            (*ztr)[i * *k + j] = W[i * pb + pl->sel[j]] * w;
    for (size_t i = 0; rc == VX_OK && w != 1.0 && i < nte * *k; i++)
        (*zte)[i] *= w;
    if (rc != VX_OK)
        vx_error_prefix(err, "block %s: ", c->blocks[b].name ? c->blocks[b].name : "");
    vx_pipeline_free(pl);
    free(W);
    free(constant);
    return rc;
}

/* Append block matrix z (m x k) as columns off.. of Z (m x K). */
static void put_cols(double *Z, size_t m, size_t K, size_t off, const double *z, size_t k)
{
    for (size_t i = 0; i < m; i++)
        memcpy(Z + i * K + off, z + i * k, k * sizeof *z);
}

/* Early fusion, one split (fold f): each block prepared on the training rows, concatenated, one model; the test
 * rows' scores into score[row]. */
static int early_fold(fuse_ctx *c, const int *fold, int f, double *score, vx_error *err)
{
    size_t n = c->n, nb = c->nb, ktot = 0, ntr = 0, nte = 0;
    double **ztr = calloc(nb, sizeof *ztr), **zte = calloc(nb, sizeof *zte), *Ztr = NULL, *Zte = NULL;
    size_t *kb = calloc(nb, sizeof *kb);
    int rc = ztr && zte && kb ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    vxp_split_buf *s = &c->sb;
    for (size_t b = 0; rc == VX_OK && b < nb; b++) {
        size_t pb = c->blocks[b].p;
        ntr = vxp_cv_gather(c->Xb[b], n, pb, c->y, NULL, fold, f, 0, s->Xtr, s->ytr, NULL, NULL);
        nte = vxp_cv_gather(c->Xb[b], n, pb, c->y, NULL, fold, f, 1, s->Xte, s->yte, NULL, s->rows);
        rc = early_block(c, b, s->Xtr, s->ytr, ntr, s->Xte, nte, &ztr[b], &zte[b], &kb[b], err);
        ktot += kb[b];
    }
    if (rc == VX_OK) {
        Ztr = malloc((ntr * ktot + 1) * sizeof *Ztr);
        Zte = malloc((nte * ktot + 1) * sizeof *Zte);
        if (!Ztr || !Zte)
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    for (size_t b = 0, off = 0; rc == VX_OK && b < nb; off += kb[b], b++) {
        put_cols(Ztr, ntr, ktot, off, ztr[b], kb[b]);
        put_cols(Zte, nte, ktot, off, zte[b], kb[b]);
    }
    vx_model *m = NULL;
    if (rc == VX_OK)
        rc = vx_model_fit(Ztr, ntr, ktot, s->ytr, &c->pp->model, &m, err);
    if (rc == VX_OK)
        rc = vx_model_predict(m, Zte, nte, s->score, NULL, err);
    for (size_t i = 0; rc == VX_OK && i < nte; i++)
        score[s->rows[i]] = s->score[i];
    vx_model_free(m);
    for (size_t b = 0; b < nb && ztr && zte; b++) {
        free(ztr[b]);
        free(zte[b]);
    }
    free(ztr);
    free(zte);
    free(kb);
    free(Ztr);
    free(Zte);
    return rc;
}

/* Late fusion, block b of one split (fold f): its inner out-of-fold scores on the training rows into zin[i nb +
 * b] (inner: the training rows' inner folds, Kin of them), its pipeline refitted on all training rows scoring the
 * test rows into zall[row] (n). */
static int late_block(fuse_ctx *c, size_t b, const int *fold, int f, const int *inner, int Kin, double *zin,
                      double *zall, double *Xtr, int *ytr, double *tmp, vx_error *err)
{
    size_t pb = c->blocks[b].p, nb = c->nb;
    vx_cv_metric none = {no_metric, NULL};
    double v;
    size_t ntr = vxp_cv_gather(c->Xb[b], c->n, pb, c->y, NULL, fold, f, 0, Xtr, ytr, NULL, NULL);
    int rc = VX_OK;
    for (int g = 0; rc == VX_OK && g < Kin; g++)
        rc = vxp_split_score(Xtr, ntr, pb, ytr, c->nm[b], NULL, c->pp, inner, g, &none, &v, tmp, NULL, &c->sb, NULL,
                             NULL, err);
    for (size_t i = 0; rc == VX_OK && i < ntr; i++)
        zin[i * nb + b] = tmp[i];
    if (rc == VX_OK)
        rc = vxp_split_score(c->Xb[b], c->n, pb, c->y, c->nm[b], NULL, c->pp, fold, f, &none, &v, zall, NULL, &c->sb,
                             NULL, NULL, err);
    if (rc != VX_OK)
        vx_error_prefix(err, "block %s: ", c->blocks[b].name ? c->blocks[b].name : "");
    return rc;
}

/* Late fusion, one split (fold f of repeat rep): per block inner out-of-fold scores, the stacker (L2 logistic
 * regression, C = 1) fitted on them, the refitted blocks' test scores combined by it into score[row]. */
static int late_fold(fuse_ctx *c, const int *fold, int f, int rep, int K, int R, double *score, vx_error *err)
{
    size_t n = c->n, nb = c->nb, ntr = 0, nte = 0;
    size_t *rtr = malloc((n + 1) * sizeof *rtr), *rte = malloc((n + 1) * sizeof *rte);
    int *ytr = malloc((n + 1) * sizeof *ytr), *inner = malloc((n + 1) * sizeof *inner), Kin = 0;
    double *zin = malloc((n * nb + 1) * sizeof *zin), *zte = malloc((n * nb + 1) * sizeof *zte);
    double *zall = malloc((n + 1) * sizeof *zall), *tmp = malloc((n + 1) * sizeof *tmp);
    double *Xtr = malloc((n * c->pmax + 1) * sizeof *Xtr), *s = malloc((n + 1) * sizeof *s);
    int rc = rtr && rte && ytr && inner && zin && zte && zall && tmp && Xtr && s
                 ? VX_OK
                 : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        if (fold[i] == f)
            rte[nte++] = i;
        else {
            ytr[ntr] = c->y[i];
            rtr[ntr++] = i;
        }
    }
    if (rc == VX_OK)
        rc = vxp_cv_inner_folds(ytr, ntr, c->o, rep, f, K, R, rtr, inner, &Kin, err);
    for (size_t b = 0; rc == VX_OK && b < nb; b++) {
        rc = late_block(c, b, fold, f, inner, Kin, zin, zall, Xtr, ytr, tmp, err);
        for (size_t i = 0; rc == VX_OK && i < nte; i++)
            zte[i * nb + b] = zall[rte[i]];
    }
    vx_model_params sp;
    vx_model_params_default(&sp, VX_MODEL_LOGREG);
    sp.C = 1.0;
    vx_model *m = NULL;
    if (rc == VX_OK && (rc = vx_model_fit(zin, ntr, nb, ytr, &sp, &m, err)) != VX_OK)
        vx_error_prefix(err, "stacker: ");
    if (rc == VX_OK)
        rc = vx_model_predict(m, zte, nte, s, NULL, err);
    for (size_t i = 0; rc == VX_OK && i < nte; i++)
        score[rte[i]] = s[i];
    vx_model_free(m);
    free(rtr);
    free(rte);
    free(ytr);
    free(inner);
    free(zin);
    free(zte);
    free(zall);
    free(tmp);
    free(Xtr);
    free(s);
    return rc;
}

/* The AUC of the rows of fold f (scores oof). */
static int fold_auc(const int *y, const double *oof, const int *fold, int f, size_t n, double *s, int *ys,
                    double *auc, vx_error *err)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (fold[i] == f) {
            s[m] = oof[i];
            ys[m++] = y[i];
        }
    vx_roc roc;
    int rc = vx_roc_auc(s, ys, m, &roc, err);
    *auc = roc.auc;
    return rc;
}

/* The fused model's CV: per repeat the folds of vx_cv_run, per fold early_fold or late_fold. */
static int fused_cv(fuse_ctx *c, vx_fusion_kind kind, vx_cv_result *r, vx_error *err)
{
    size_t n = c->n;
    int K, R = c->o->repeats > 0 ? c->o->repeats : 1;
    int rc = vxp_cv_fold_count(n, c->o, R, &K, err);
    if (rc != VX_OK)
        return rc;
    vxp_cv_result_alloc(r, K, R, 0, n * (size_t)R + 1);
    int *fold = malloc((n + 1) * sizeof *fold), *ys = malloc((n + 1) * sizeof *ys);
    double *s = malloc((n + 1) * sizeof *s);
    if (!r->auc || !r->pooled || !r->fit_time || !r->oof || !fold || !ys || !s)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (int rep = 0; rc == VX_OK && rep < R; rep++) {
        double *oof = r->oof + (size_t)rep * n;
        rc = vxp_cv_repeat_folds(c->y, n, c->o, rep, K, R, fold, err);
        for (int f = 0; rc == VX_OK && f < K; f++) {
            double t0 = now_s();
            rc = kind == VX_FUSION_LATE ? late_fold(c, fold, f, rep, K, R, oof, err)
                                        : early_fold(c, fold, f, oof, err);
            r->fit_time[rep * K + f] = now_s() - t0;
            if (rc == VX_OK)
                rc = fold_auc(c->y, oof, fold, f, n, s, ys, &r->auc[rep * K + f], err);
            if (rc != VX_OK)
                vx_error_prefix(err, "fusion: repeat %d, fold %d: ", rep + 1, f + 1);
        }
        vx_roc roc;
        if (rc == VX_OK && (rc = vx_roc_auc(oof, c->y, n, &roc, err)) == VX_OK)
            r->pooled[rep] = roc.auc;
    }
    if (rc == VX_OK)
        vxp_cv_summary(r, (size_t)K * (size_t)R);
    free(fold);
    free(ys);
    free(s);
    return rc;
}

/* Per repeat, the paired DeLong test of each block against the fused model on the pooled out-of-fold scores. */
static int delong_all(const int *y, size_t n, vx_fusion_result *r, vx_error *err)
{
    int R = r->fused.repeats;
    r->ndelong = r->nblocks * (size_t)R;
    r->delong = calloc(r->ndelong + 1, sizeof *r->delong);
    if (!r->delong)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (int rep = 0; rep < R; rep++)
        for (size_t b = 0; b < r->nblocks; b++) {
            vx_fusion_delong *d = &r->delong[(size_t)rep * r->nblocks + b];
            const double *sa = r->block[b].oof + (size_t)rep * n, *sb = r->fused.oof + (size_t)rep * n;
            d->a = b;
            d->repeat = rep;
            vx_roc ra, rb;
            int rc = vx_roc_auc(sa, y, n, &ra, err);
            if (rc == VX_OK)
                rc = vx_roc_auc(sb, y, n, &rb, err);
            if (rc != VX_OK)
                return rc;
            d->auc_a = ra.auc;
            d->auc_b = rb.auc;
            vx_error e2;
            vx_error_clear(&e2);
            if (vx_roc_delong_paired(sa, sb, y, n, NULL, NULL, &d->z, &d->p, &e2) != VX_OK)
                d->z = d->p = NAN; /* Var(AUC_a - AUC_b) = 0: the same ranking, nothing to test */
        }
    return VX_OK;
}

int vx_fusion_cv(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                 const vx_fusion_block *blocks, size_t nb, const vx_pipeline_params *pp, const vx_cv_options *o,
                 vx_fusion_kind kind, int block_scale, vx_fusion_result *r, vx_error *err)
{
    memset(r, 0, sizeof *r);
    vx_outcome truth = vx_outcome_binary(y, n);
    int rc = vx_outcome_check(&truth, "fusion", err);
    if (rc != VX_OK)
        return rc;
    if (!nb || !blocks)
        return vx_error_set(err, VX_EINVAL, "fusion: no feature block");
    if (o->n_tune || pp->harmonize)
        return vx_error_set(err, VX_EUNSUPPORTED, "fusion: %s inside fused cross-validation is not implemented: "
                                                  "give fixed parameters (harmonise the table first)",
                            o->n_tune ? "tuning" : "harmonisation");
    if (kind != VX_FUSION_EARLY && kind != VX_FUSION_LATE)
        return vx_error_set(err, VX_EINVAL, "fusion: unknown kind %d (early or late)", (int)kind);
    fuse_ctx c;
    memset(&c, 0, sizeof c);
    c.n = n;
    c.nb = nb;
    c.y = y;
    c.blocks = blocks;
    c.pp = pp;
    c.o = o;
    c.block_scale = block_scale;
    rc = ctx_init(&c, X, n, p, names, err);
    r->nblocks = nb;
    r->block = rc == VX_OK ? calloc(nb, sizeof *r->block) : NULL;
    if (rc == VX_OK && !r->block)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t b = 0; rc == VX_OK && b < nb; b++)
        if ((rc = vx_cv_run(c.Xb[b], n, blocks[b].p, y, c.nm[b], NULL, pp, o, &r->block[b], err)) != VX_OK)
            vx_error_prefix(err, "fusion: block %s alone: ", blocks[b].name ? blocks[b].name : "");
    if (rc == VX_OK)
        rc = fused_cv(&c, kind, &r->fused, err);
    if (rc == VX_OK)
        rc = delong_all(y, n, r, err);
    ctx_free(&c);
    if (rc != VX_OK)
        vx_fusion_result_free(r);
    return rc;
}
