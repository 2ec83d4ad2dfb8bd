/* voxomics: random forest and gradient boosting by XGBoost (the "rf" and "gbm" models of voxomics/model.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xgboost/c_api.h>

#include "learn/model_impl.h"

/* ---- XGBoost ---------------------------------------------------------------------------------------------- */

#define XGB_CHECK(call, what)                                                                                          \
    do {                                                                                                               \
        if ((call) != 0) {                                                                                             \
            rc = vx_error_set(err, VX_EUNSUPPORTED, "model %s: XGBoost %s failed: %s", kn, what, XGBGetLastError());  \
            goto done;                                                                                                 \
        }                                                                                                              \
    } while (0)

static int xgb_dmatrix(const char *kn, const double *X, size_t n, size_t p, DMatrixHandle *dm, vx_error *err)
{
    int rc = VX_OK;
    float *xf = malloc((n * p > 0 ? n * p : 1) * sizeof *xf);
    if (!xf)
        return vx_error_set(err, VX_ENOMEM, "model %s: out of memory for %zu x %zu", kn, n, p);
    for (size_t k = 0; k < n * p; k++)
        xf[k] = (float)X[k];
    *dm = NULL;
    XGB_CHECK(XGDMatrixCreateFromMat(xf, (bst_ulong)n, (bst_ulong)p, NAN, dm), "DMatrix");
done:
    free(xf);
    return rc;
}

/* A booster from JSON model text, with per-call settings (one thread, silent). */
int vxm_xgb_load(const char *kn, vx_model *m, vx_error *err)
{
    int rc = VX_OK;
    XGB_CHECK(XGBoosterCreate(NULL, 0, &m->booster), "booster creation");
    XGB_CHECK(XGBoosterLoadModelFromBuffer(m->booster, m->xgb_json, (bst_ulong)m->xgb_len), "model loading");
    XGB_CHECK(XGBoosterSetParam(m->booster, "nthread", "1"), "setting nthread");
    XGB_CHECK(XGBoosterSetParam(m->booster, "verbosity", "0"), "setting verbosity");
done:
    return rc;
}

/* splitmix64 (no global state): the bootstrap draws. */
static uint64_t boot_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A bootstrap forest (rf with bootstrap): tree t is one boosting round on round(subsample * n) rows drawn with
 * replacement (scikit-learn's bootstrap, max_samples = subsample). The gradients are given (custom-gradient
 * boosting): a drawn row i counted w_i times has g_i = w_i (p0 - y_i) and h_i = w_i p0 (1 - p0), p0 the starting
 * probability, so every tree is grown from the same margin whatever the trees before it; a row not drawn gets a
 * negative hessian, which XGBoost's exact tree builder treats as a deleted row (left out of the split search
 * and of the leaf sums, as scikit-learn's tree never sees it). The booster's learning rate is 1 / trees, so the
 * model's margin is the starting margin plus the mean of the trees' leaf values, as in a single round of
 * num_parallel_tree trees. */
static int rf_bootstrap(const char *kn, const vx_model_params *mp, const int *y, size_t n, double bs,
                        BoosterHandle bh, DMatrixHandle dm, vx_error *err)
{
    int rc = VX_OK;
    float *g = malloc(n * sizeof *g), *h = malloc(n * sizeof *h);
    unsigned *w = malloc(n * sizeof *w);
    if (!g || !h || !w) {
        rc = vx_error_set(err, VX_ENOMEM, "model %s: out of memory", kn);
        goto done;
    }
    size_t draws = (size_t)llround(mp->subsample * (double)n);
    if (draws < 1)
        draws = 1;
    uint64_t st = (uint64_t)mp->seed * 0x2545F4914F6CDD1Dull + 0x5851F42D4C957F2Dull;
    for (int t = 0; t < mp->trees; t++) {
        memset(w, 0, n * sizeof *w);
        for (size_t d = 0; d < draws; d++)
            w[boot_next(&st) % n]++;
        for (size_t i = 0; i < n; i++) {
            g[i] = w[i] ? (float)((double)w[i] * (bs - (double)y[i])) : 0.0f;
            h[i] = w[i] ? (float)((double)w[i] * bs * (1.0 - bs)) : -1.0f;
        }
        XGB_CHECK(XGBoosterBoostOneIter(bh, dm, g, h, (bst_ulong)n), "training");
    }
done:
    free(g);
    free(h);
    free(w);
    return rc;
}

int vxm_fit_xgb(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
{
    const char *kn = vx_model_kind_name(m->par.kind);
    const vx_model_params *mp = &m->par;
    int rc = VX_OK, rf = mp->kind == VX_MODEL_RF, boot = rf && mp->bootstrap;
    DMatrixHandle dm = NULL;
    BoosterHandle bh = NULL;
    float *lab = malloc(n * sizeof *lab);
    char buf[64];
    if (!lab)
        return vx_error_set(err, VX_ENOMEM, "model %s: out of memory", kn);
    size_t n1 = 0;
    for (size_t i = 0; i < n; i++) {
        lab[i] = (float)y[i];
        n1 += y[i] == 1;
    }
    rc = xgb_dmatrix(kn, X, n, p, &dm, err);
    if (rc)
        goto done;
    XGB_CHECK(XGDMatrixSetFloatInfo(dm, "label", lab, (bst_ulong)n), "setting labels");
    XGB_CHECK(XGBoosterCreate(&dm, 1, &bh), "booster creation");
    struct {
        const char *k;
        char v[40];
    } set[24];
    int ns = 0;
#define SETP(key, ...) (set[ns].k = key, snprintf(set[ns].v, sizeof set[ns].v, __VA_ARGS__), ns++)
    SETP("verbosity", "0");
    SETP("nthread", "1");
    SETP("booster", "gbtree");
    SETP("objective", "binary:logistic");
    SETP("tree_method", "exact");
    SETP("seed", "%lu", mp->seed & 0x7fffffffffffffffUL);
    SETP("max_depth", "%d", mp->depth);
    if (boot) {
        SETP("learning_rate", "%.17g", 1.0 / mp->trees); /* the model's margin: the mean of the trees' */
    } else if (rf) {
        SETP("num_parallel_tree", "%d", mp->trees);
        SETP("learning_rate", "1");
    } else {
        SETP("eta", "%.17g", mp->eta);
    }
    SETP("subsample", "%.17g", boot ? 1.0 : mp->subsample);
    SETP("colsample_bynode", "%.17g", mp->colsample_bynode > 0 ? mp->colsample_bynode : sqrt((double)p) / (double)p);
    SETP("colsample_bytree", "%.17g", mp->colsample_bytree);
    SETP("reg_lambda", "%.17g", mp->reg_lambda);
    SETP("min_child_weight", "%.17g", mp->min_child_weight);
    if (mp->base_score == VX_BASE_SCORE_PRIOR) /* the prior: margin = log(n1 / n0) */
        SETP("base_score", "%.17g", (double)n1 / (double)n);
    else if (mp->base_score > 0)
        SETP("base_score", "%.17g", mp->base_score);
#undef SETP
    for (int k = 0; k < ns; k++) {
        snprintf(buf, sizeof buf, "setting %s", set[k].k);
        XGB_CHECK(XGBoosterSetParam(bh, set[k].k, set[k].v), buf);
    }
    if (boot) {
        double bs = mp->base_score == VX_BASE_SCORE_PRIOR ? (double)n1 / (double)n
                    : mp->base_score > 0                 ? mp->base_score
                                                         : 0.5;
        rc = rf_bootstrap(kn, mp, y, n, bs, bh, dm, err);
        if (rc)
            goto done;
    } else {
        int rounds = rf ? 1 : mp->trees;
        for (int r = 0; r < rounds; r++)
            XGB_CHECK(XGBoosterUpdateOneIter(bh, r, dm), "training");
    }
    bst_ulong len = 0;
    const char *out = NULL;
    XGB_CHECK(XGBoosterSaveModelToBuffer(bh, "{\"format\": \"json\"}", &len, &out), "model saving");
    m->xgb_json = malloc((size_t)len + 1);
    if (!m->xgb_json) {
        rc = vx_error_set(err, VX_ENOMEM, "model %s: out of memory", kn);
        goto done;
    }
    memcpy(m->xgb_json, out, (size_t)len);
    m->xgb_json[len] = 0;
    m->xgb_len = (size_t)len;
    /* predict from a booster loaded from the saved text: a fitted and a deserialised model are the same */
    rc = vxm_xgb_load(kn, m, err);
done:
    if (bh)
        XGBoosterFree(bh);
    if (dm)
        XGDMatrixFree(dm);
    free(lab);
    return rc;
}

int vxm_predict_xgb(const vx_model *m, const double *X, size_t n, double *score, double *prob, vx_error *err)
{
    const char *kn = vx_model_kind_name(m->par.kind);
    DMatrixHandle dm = NULL;
    int rc = xgb_dmatrix(kn, X, n, m->p, &dm, err);
    if (rc)
        return rc;
    for (int type = 0; type < 2; type++) {
        double *dst = type ? score : prob;
        if (!dst)
            continue;
        char cfg[128];
        snprintf(cfg, sizeof cfg,
                 "{\"type\": %d, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
                 "\"strict_shape\": false}",
                 type);
        const bst_ulong *shape = NULL;
        bst_ulong dim = 0;
        const float *res = NULL;
        XGB_CHECK(XGBoosterPredictFromDMatrix(m->booster, dm, cfg, &shape, &dim, &res), "prediction");
        bst_ulong tot = 1;
        for (bst_ulong k = 0; k < dim; k++)
            tot *= shape[k];
        if (tot != (bst_ulong)n) {
            rc = vx_error_set(err, VX_EUNSUPPORTED, "model %s: XGBoost returned %lu predictions for %zu rows", kn,
                              (unsigned long)tot, n);
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            dst[i] = res[i];
    }
done:
    XGDMatrixFree(dm);
    return rc;
}

#undef XGB_CHECK
