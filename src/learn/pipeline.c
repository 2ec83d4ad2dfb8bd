/* voxomics: the modelling pipeline (see include/voxomics/pipeline.h).  SPDX-License-Identifier: GPL-3.0-or-later */
#include "voxomics/pipeline.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/combat.h"
#include "voxomics/io.h"
#include "voxomics/select.h"
#include "voxomics/table.h"
#include "learn/warm.h"
#include "learn/pipeline_impl.h"



static const char *const select_names[] = {"none", "variance", "correlation", "univariate", "mrmr", "lasso", "cox"};

int vx_select_method_find(const char *name)
{
    for (int i = 0; i < 7; i++)
        if (!strcmp(name, select_names[i]))
            return i;
    return -1;
}

const char *vxp_select_name(vx_select_method m)
{
    return (unsigned)m < 7 ? select_names[m] : "?";
}

void vx_pipeline_params_default(vx_pipeline_params *pp, vx_model_kind kind)
{
    memset(pp, 0, sizeof *pp);
    pp->select.method = VX_SELECT_NONE;
    pp->select.threshold = NAN;
    pp->select.alpha = 0.05;
    pp->select.lasso_folds = 5;
    vx_model_params_default(&pp->model, kind);
}

int vx_pipeline_params_set(vx_pipeline_params *pp, const char *name, double v, vx_error *err)
{
    if (!strcmp(name, "C"))
        pp->model.C = v;
    else if (!strcmp(name, "gamma"))
        pp->model.gamma = v;
    else if (!strcmp(name, "trees"))
        pp->model.trees = (int)v;
    else if (!strcmp(name, "depth"))
        pp->model.depth = (int)v;
    else if (!strcmp(name, "eta"))
        pp->model.eta = v;
    else if (!strcmp(name, "reg_lambda"))
        pp->model.reg_lambda = v;
    else if (!strcmp(name, "min_child_weight"))
        pp->model.min_child_weight = v;
    else if (!strcmp(name, "subsample"))
        pp->model.subsample = v;
    else if (!strcmp(name, "colsample_bytree"))
        pp->model.colsample_bytree = v;
    else if (!strcmp(name, "colsample_bynode"))
        pp->model.colsample_bynode = v;
    else if (!strcmp(name, "base_score"))
        pp->model.base_score = v;
    else if (!strcmp(name, "criterion"))
        pp->model.criterion = v == 0 ? VX_GBM_XGBOOST : v == 1 ? VX_GBM_FRIEDMAN_MSE : -1;
    else if (!strcmp(name, "bootstrap"))
        pp->model.bootstrap = v == 0 ? 0 : v == 1 ? 1 : -1;
    else if (!strcmp(name, "k"))
        pp->select.k = (size_t)v;
    else if (!strcmp(name, "threshold"))
        pp->select.threshold = v;
    else if (!strcmp(name, "alpha"))
        pp->select.alpha = v;
    else if (!strcmp(name, "nlambda")) {
        if (!(v >= 3.0 && v <= 100000.0 && v == floor(v)))
            return vx_error_set(err, VX_EINVAL, "nlambda %g: the LASSO path needs a whole number of lambdas, 3 to "
                                                "100000 (glmnet's default 100)", v);
        pp->select.lasso_nlambda = (size_t)v;
    } else if (!strcmp(name, "lambda_min_ratio")) {
        if (!(v > 0.0 && v < 1.0))
            return vx_error_set(err, VX_EINVAL, "lambda_min_ratio %g must lie in (0, 1) (glmnet's default: 0.01 "
                                                "when samples < features, else 1e-4)", v);
        pp->select.lasso_lambda_min_ratio = v;
    } else if (!strcmp(name, "lambda")) {
        if (!(v >= 0.0 && isfinite(v)))
            return vx_error_set(err, VX_EINVAL, "lambda %g: give a coxnet penalty > 0, or 0 to choose it by inner "
                                                "cross-validation", v);
        pp->model.lambda = v;
    } else if (!strcmp(name, "l1_ratio")) {
        if (!(v > 0.0 && v <= 1.0))
            return vx_error_set(err, VX_EINVAL, "l1_ratio %g: the elastic-net mixing must lie in (0, 1] (1: LASSO)", v);
        pp->model.l1_ratio = v;
    } else
        return vx_error_set(err, VX_EINVAL,
                            "unknown parameter '%s' (C, gamma, trees, depth, eta, reg_lambda, min_child_weight, "
                            "subsample, colsample_bytree, colsample_bynode, base_score, bootstrap, criterion, k, threshold, alpha, nlambda, "
                            "lambda_min_ratio, lambda, l1_ratio)", name);
    return VX_OK;
}

void vx_pipeline_free(vx_pipeline *pl)
{
    if (!pl)
        return;
    for (size_t j = 0; pl->names && j < pl->p; j++)
        free(pl->names[j]);
    free(pl->names);
    free(pl->median);
    free(pl->mean);
    free(pl->sd);
    free(pl->sel);
    vx_combat_free(pl->combat);
    vx_model_free(pl->model);
    for (int i = 0; i < 3; i++)
        free(pl->label[i]);
    for (int k = 0; pl->classes && k < pl->nclass; k++)
        free(pl->classes[k]);
    free(pl->classes);
    vxp_surv_free(pl);
    free(pl);
}

/* Variance filter: on the imputed, unscaled data the variance means something: undo the scaling. */
static int select_variance_on(vx_pipeline *pl, const double *Z, size_t n, size_t p, const size_t *map,
                              vx_error *err)
{
    const vx_select_params *s = &pl->params.select;
    double *raw = malloc((n * p + 1) * sizeof *raw);
    if (!raw)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            raw[i * p + j] = Z[i * p + j] * pl->sd[map[j]] + pl->mean[map[j]];
    int rc = vx_select_variance(raw, n, p, isnan(s->threshold) ? 0.0 : s->threshold, pl->sel, &pl->k, NULL, err);
    free(raw);
    return rc;
}

/* Univariate tests with BH: the k best, or those with adjusted p below alpha (at least the best one). */
static int select_univariate_on(vx_pipeline *pl, const double *Z, size_t n, size_t p, const int *y, vx_error *err)
{
    const vx_select_params *s = &pl->params.select;
    double *stat = malloc(3 * p * sizeof *stat);
    size_t *ord = malloc(p * sizeof *ord);
    if (!stat || !ord) {
        free(stat);
        free(ord);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    double *pv = stat + p, *padj = stat + 2 * p;
    int rc = vx_univariate(Z, n, p, y, s->welch ? VX_TEST_WELCH : VX_TEST_MANN_WHITNEY, stat, pv, padj, err);
    if (rc == VX_OK) {
        /* order by adjusted p, then raw p, then index: deterministic */
        for (size_t j = 0; j < p; j++)
            ord[j] = j;
        for (size_t a = 1; a < p; a++) {
            size_t v = ord[a], b = a;
            while (b > 0 && (padj[ord[b - 1]] > padj[v] ||
                             (padj[ord[b - 1]] == padj[v] && (pv[ord[b - 1]] > pv[v] ||
                                                              (pv[ord[b - 1]] == pv[v] && ord[b - 1] > v))))) {
                ord[b] = ord[b - 1];
                b--;
            }
            ord[b] = v;
        }
        pl->k = 0;
        for (size_t j = 0; j < p; j++)
            if (s->k ? j < s->k : padj[ord[j]] < s->alpha)
                pl->sel[pl->k++] = ord[j];
        if (!pl->k) /* nothing significant: keep the best one rather than an empty model */
            pl->sel[pl->k++] = ord[0];
    }
    free(stat);
    free(ord);
    return rc;
}

static int select_mrmr_on(vx_pipeline *pl, const double *Z, size_t n, size_t p, const int *y, vx_error *err)
{
    const vx_select_params *s = &pl->params.select;
    double *score = malloc(p * sizeof *score);
    if (!score)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    size_t k = s->k ? (s->k < p ? s->k : p) : (p < 10 ? p : 10);
    int rc = vx_mrmr(Z, n, p, y, k, s->miq, 0, pl->sel, score, err);
    pl->k = k;
    free(score);
    return rc;
}

/* LASSO: the nonzero coefficients at the CV lambda (else the first feature to enter the path, else the first). */
static int select_lasso_on(vx_pipeline *pl, const double *Z, size_t n, size_t p, const int *y, vx_error *err)
{
    const vx_select_params *s = &pl->params.select;
    int K = s->lasso_folds > 1 ? s->lasso_folds : 5;
    int *fold = malloc((n ? n : 1) * sizeof *fold);
    if (!fold)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    int rc = vx_cv_stratified_folds(y, n, K, pl->params.model.seed + 7919u, fold, err);
    vx_lasso_path path;
    memset(&path, 0, sizeof path);
    if (rc == VX_OK)
        rc = vx_lasso_logistic_cv(Z, n, p, y, fold, K, s->lasso_nlambda, s->lasso_lambda_min_ratio, 0.0, &path,
                                  err);
    if (rc == VX_OK) {
        size_t li = s->lasso_1se ? path.i1se : path.imin;
        pl->k = 0;
        for (size_t j = 0; j < p; j++)
            if (path.beta[li * p + j] != 0.0)
                pl->sel[pl->k++] = j;
        if (!pl->k) {
            /* the CV lambda keeps nothing: the first feature to enter the path */
            for (size_t l = 0; l < path.nlambda && !pl->k; l++)
                for (size_t j = 0; j < p && !pl->k; j++)
                    if (path.beta[l * p + j] != 0.0)
                        pl->sel[pl->k++] = j;
        }
        if (!pl->k)
            pl->sel[pl->k++] = 0;
    }
    vx_lasso_path_free(&path);
    free(fold);
    return rc;
}

/* Univariate Cox screening (vx_cox_univariate, Efron) against the training outcome, BH over the features with a
 * p-value: the k smallest p, or those with adjusted p below alpha (at least the best one), by increasing p. */
static int select_cox_on(vx_pipeline *pl, const double *Z, size_t n, size_t p, vx_error *err)
{
    const vx_select_params *s = &pl->params.select;
    if (!pl->fit_time)
        return vx_error_set(err, VX_EINVAL, "pipeline: selection 'cox' needs a time-to-event outcome (--time, "
                                            "--event); for a binary label use univariate, mrmr or lasso");
    double *w = malloc((5 * p + 1) * sizeof *w);
    size_t *ord = malloc((p + 1) * sizeof *ord);
    int rc = w && ord ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    double *coef = w, *se = w + p, *pv = w + 2 * p, *pc = w + 3 * p, *q = w + 4 * p;
    if (rc == VX_OK)
        rc = vx_cox_univariate(Z, n, p, pl->fit_time, pl->fit_event, NULL, VX_TIES_EFRON, coef, se, pv, NULL, err);
    size_t m = 0;
    for (size_t j = 0; rc == VX_OK && j < p; j++)
        if (!isnan(pv[j]))
            pc[m++] = pv[j];
    if (rc == VX_OK && m && vx_bh_adjust(pc, m, pc) != VX_OK)
        rc = vx_error_set(err, VX_EINVAL, "pipeline: cox selection: BH adjustment failed");
    for (size_t j = 0, r = 0; rc == VX_OK && j < p; j++) { /* features without a p-value sort last */
        ord[j] = j;
        q[j] = isnan(pv[j]) ? INFINITY : pc[r++];
        if (isnan(pv[j]))
            pv[j] = INFINITY;
    }
    for (size_t a = 1; rc == VX_OK && a < p; a++) /* by increasing p, ties by index (stable) */
        for (size_t b = a; b > 0 && pv[ord[b - 1]] > pv[ord[b]]; b--) {
            size_t t = ord[b];
            ord[b] = ord[b - 1];
            ord[b - 1] = t;
        }
    pl->k = 0;
    for (size_t j = 0; rc == VX_OK && j < p; j++)
        if (isfinite(pv[ord[j]]) && (s->k ? j < s->k : q[ord[j]] < s->alpha))
            pl->sel[pl->k++] = ord[j];
    if (rc == VX_OK && !pl->k) /* nothing significant: keep the best one rather than an empty model */
        pl->sel[pl->k++] = ord[0];
    free(w);
    free(ord);
    return rc;
}

/* Selection on standardised training data Z (n x p, the non-constant features; map[c] = the pipeline's
 * feature index of column c): pl->sel (pipeline indices), pl->k. */
static int select_on(vx_pipeline *pl, const double *Z, size_t n, size_t p, const size_t *map, const int *y,
                     vx_error *err)
{
    const vx_select_params *s = &pl->params.select;
    int rc = VX_OK;
    switch (s->method) {
    case VX_SELECT_NONE:
        for (size_t j = 0; j < p; j++)
            pl->sel[j] = j;
        pl->k = p;
        break;
    case VX_SELECT_VARIANCE:
        rc = select_variance_on(pl, Z, n, p, map, err);
        break;
    case VX_SELECT_CORRELATION:
        rc = vx_select_correlation(Z, n, p, isnan(s->threshold) ? 0.9 : s->threshold, NULL, pl->sel, &pl->k, err);
        break;
    case VX_SELECT_UNIVARIATE:
        rc = select_univariate_on(pl, Z, n, p, y, err);
        break;
    case VX_SELECT_MRMR:
        rc = select_mrmr_on(pl, Z, n, p, y, err);
        break;
    case VX_SELECT_COX:
        rc = select_cox_on(pl, Z, n, p, err);
        break;
    case VX_SELECT_LASSO:
        rc = select_lasso_on(pl, Z, n, p, y, err);
        break;
    }
    for (size_t c = 0; rc == VX_OK && c < pl->k; c++)
        pl->sel[c] = map[pl->sel[c]];
    return rc;
}

/* Selection among the features that vary on the training rows (a feature constant there carries no
 * information and makes rank tests and correlations undefined): pl->sel, pl->k. */
int vxp_run_selection(vx_pipeline *pl, const double *Z, size_t n, const int *y, const unsigned char *constant,
                      vx_error *err)
{
    size_t p = pl->p, pc = 0;
    pl->sel = malloc((p ? p : 1) * sizeof *pl->sel);
    size_t *map = malloc((p ? p : 1) * sizeof *map);
    if (!pl->sel || !map) {
        free(map);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    for (size_t j = 0; j < p; j++)
        if (!constant[j])
            map[pc++] = j;
    if (!pc) {
        free(map);
        return vx_error_set(err, VX_EINVAL, "pipeline: every feature is constant on the training rows");
    }
    /* the varying columns (no copy when every column varies or nothing is selected) */
    int copy = pc < p && pl->params.select.method != VX_SELECT_NONE;
    double *Zc = copy ? malloc((n * pc + 1) * sizeof *Zc) : NULL;
    if (copy && !Zc) {
        free(map);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    for (size_t i = 0; copy && i < n; i++)
        for (size_t c = 0; c < pc; c++)
            Zc[i * pc + c] = Z[i * p + map[c]];
    int rc = select_on(pl, copy ? Zc : Z, n, pc, map, y, err);
    free(Zc);
    free(map);
    return rc;
}

/* Standardise W (n x p) in place by its column means and population SDs (1/n: scikit-learn's StandardScaler,
 * glmnet) into pl->mean, pl->sd; constant[j] for a column constant on these rows (sd 1: it stays 0). The sums
 * sweep along the rows (each column's sum still runs over i in order; row-major sweeps instead of a column at a
 * time, which strides through memory and the TLB). */
static void standardise(double *W, size_t n, size_t p, vx_pipeline *pl, unsigned char *constant)
{
    double *ss = pl->sd;
    for (size_t j = 0; j < p; j++)
        pl->mean[j] = ss[j] = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            pl->mean[j] += W[i * p + j];
    for (size_t j = 0; j < p; j++)
        pl->mean[j] /= (double)n;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            ss[j] += (W[i * p + j] - pl->mean[j]) * (W[i * p + j] - pl->mean[j]);
    for (size_t j = 0; j < p; j++) {
        double s = sqrt(ss[j] / (double)n); /* population SD (1/n): scikit-learn's StandardScaler, glmnet */
        constant[j] = !(s > 0.0);
        pl->sd[j] = s > 0.0 ? s : 1.0; /* a constant feature stays 0 after centring */
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            W[i * p + j] = (W[i * p + j] - pl->mean[j]) / pl->sd[j];
}

/* Rows -> the model's input: impute, harmonise, standardise, select. Z: n x k. */
int vxp_transform(const vx_pipeline *pl, const double *X, size_t n, const char *const *batch, double *Z,
                  vx_error *err)
{
    size_t p = pl->p;
    double *tmp = malloc((n * p + 1) * sizeof *tmp);
    if (!tmp)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    memcpy(tmp, X, n * p * sizeof *tmp);
    vx_impute_apply(tmp, n, p, pl->median);
    int rc = VX_OK;
    if (pl->combat) {
        double *h = malloc((n * p + 1) * sizeof *h);
        if (!h)
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
        else if (!batch)
            rc = vx_error_set(err, VX_EINVAL, "the pipeline harmonises by batch: the batch column is needed");
        else
            rc = vx_combat_apply(pl->combat, tmp, n, batch, NULL, h, err);
        if (rc == VX_OK)
            memcpy(tmp, h, n * p * sizeof *tmp);
        free(h);
    }
    for (size_t i = 0; rc == VX_OK && i < n; i++)
        for (size_t c = 0; c < pl->k; c++) {
            size_t j = pl->sel[c];
            Z[i * pl->k + c] = (tmp[i * p + j] - pl->mean[j]) / pl->sd[j];
        }
    free(tmp);
    return rc;
}

int vx_pipeline_fit(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                    const char *const *batch, const vx_pipeline_params *pp, vx_pipeline **out, vx_error *err)
{
    return vxp_pipeline_fit_warm(X, n, p, y, names, batch, pp, NULL, out, err);
}

/* ComBat by batch, fitted on the imputed training rows W (n x p) and applied to them: pl->combat. */
static int harmonise(vx_pipeline *pl, double *W, size_t n, size_t p, const char *const *names,
                     const char *const *batch, vx_error *err)
{
    /* batch names -> 0..nb-1 in order of appearance */
    const char **bn = malloc(n * sizeof *bn);
    int *bi = malloc(n * sizeof *bi);
    double *h = malloc((n * p + 1) * sizeof *h);
    size_t nb = 0;
    int rc = VX_OK;
    if (!bn || !bi || !h)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    else if (!batch)
        rc = vx_error_set(err, VX_EINVAL, "pipeline: harmonisation needs a batch column");
    if (rc == VX_OK)
        nb = vx_levels(batch, n, bn, bi);
    vx_combat_options co;
    vx_combat_options_default(&co);
    if (rc == VX_OK)
        rc = vx_combat_fit_apply(W, n, p, bi, bn, nb, NULL, 0, names, &co, h, &pl->combat, err);
    if (rc == VX_OK)
        memcpy(W, h, n * p * sizeof *W);
    free(bn);
    free(bi);
    free(h);
    return rc;
}

int vxp_prepare(vx_pipeline *pl, const double *X, size_t n, size_t p, const char *const *names,
                const char *const *batch, const vx_pipeline_params *pp, double *W, unsigned char *constant,
                vx_error *err)
{
    pl->p = p;
    pl->params = *pp;
    pl->names = calloc(p, sizeof *pl->names);
    pl->median = malloc(p * sizeof *pl->median);
    pl->mean = malloc(p * sizeof *pl->mean);
    pl->sd = malloc(p * sizeof *pl->sd);
    int rc = pl->names && pl->median && pl->mean && pl->sd ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; rc == VX_OK && j < p; j++)
        if (!(pl->names[j] = strdup(names[j])))
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK) {
        memcpy(W, X, n * p * sizeof *W);
        rc = vx_impute_fit(W, n, p, pl->median, err);
        vx_impute_apply(W, n, p, pl->median);
    }
    if (rc == VX_OK && pp->harmonize)
        rc = harmonise(pl, W, n, p, names, batch, err);
    if (rc == VX_OK)
        standardise(W, n, p, pl, constant);
    return rc;
}

int vxp_pipeline_fit_warm(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                          const char *const *batch, const vx_pipeline_params *pp, const vx_pipeline *warm,
                          vx_pipeline **out, vx_error *err)
{
    *out = NULL;
    if (n < 2 || p < 1)
        return vx_error_set(err, VX_EINVAL, "pipeline: %zu rows and %zu features: too few to fit", n, p);
    if (pp->model.kind == VX_MODEL_COX || pp->model.kind == VX_MODEL_COXNET)
        return vx_error_set(err, VX_EINVAL, "pipeline: model %s needs a time-to-event outcome (time and event: "
                                            "vx_pipeline_fit_surv), not class labels",
                            vx_model_kind_name(pp->model.kind));
    vx_pipeline *pl = calloc(1, sizeof *pl);
    double *W = malloc((n * p + 1) * sizeof *W);
    unsigned char *constant = calloc(p + 1, 1);
    if (!pl || !W || !constant) {
        free(pl);
        free(W);
        free(constant);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    int rc = vxp_prepare(pl, X, n, p, names, batch, pp, W, constant, err);
    int ncls = 2;
    for (size_t i = 0; i < n; i++)
        if (y[i] + 1 > ncls)
            ncls = y[i] + 1;
    if (rc == VX_OK && ncls > 2 && pp->select.method != VX_SELECT_NONE && pp->select.method != VX_SELECT_VARIANCE &&
        pp->select.method != VX_SELECT_CORRELATION)
        rc = vx_error_set(err, VX_EINVAL,
                          "pipeline: %d classes: selection '%s' tests a binary label; use none, variance or "
                          "correlation with more than two classes",
                          ncls, vxp_select_name(pp->select.method));
    if (rc == VX_OK)
        rc = vxp_run_selection(pl, W, n, y, constant, err);
    int all = rc == VX_OK && pl->k == p; /* every feature kept, in order: the model takes W itself */
    for (size_t c = 0; all && c < p; c++)
        all = pl->sel[c] == c;
    double *Z = rc == VX_OK && !all ? malloc((n * pl->k + 1) * sizeof *Z) : NULL;
    if (rc == VX_OK && !all && !Z)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && !all && i < n; i++)
        for (size_t c = 0; c < pl->k; c++)
            Z[i * pl->k + c] = W[i * p + pl->sel[c]];
    /* a warm start only from a pipeline that fed its model the same features */
    if (warm && !(warm->model && warm->p == p && warm->k == pl->k &&
                  !memcmp(warm->sel, pl->sel, pl->k * sizeof *pl->sel)))
        warm = NULL;
    if (rc == VX_OK)
        rc = vxm_model_fit_warm(all ? W : Z, n, pl->k, y, &pp->model, warm ? warm->model : NULL, &pl->model, err);
    free(Z);
    free(W);
    free(constant);
    if (rc != VX_OK) {
        vx_pipeline_free(pl);
        return rc;
    }
    *out = pl;
    return VX_OK;
}

int vx_pipeline_predict(const vx_pipeline *pl, const double *X, size_t n, const char *const *batch, double *score,
                        double *prob, vx_error *err)
{
    if (pl->outcome == VX_OUTCOME_TIME_TO_EVENT) { /* the risk score; no class probability */
        for (size_t i = 0; prob && i < n; i++)
            prob[i] = NAN;
        return vx_pipeline_predict_surv(pl, X, n, batch, NULL, 0, score, NULL, err);
    }
    double *Z = malloc((n * pl->k + 1) * sizeof *Z);
    if (!Z)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    int rc = vxp_transform(pl, X, n, batch, Z, err);
    if (rc == VX_OK)
        rc = vx_model_predict(pl->model, Z, n, score, prob, err);
    free(Z);
    return rc;
}

int vx_pipeline_predict_multi(const vx_pipeline *pl, const double *X, size_t n, const char *const *batch,
                              double *score, double *prob, vx_error *err)
{
    if (pl->outcome == VX_OUTCOME_TIME_TO_EVENT)
        return vx_error_set(err, VX_EINVAL, "pipeline: a survival pipeline has no classes (vx_pipeline_predict_surv)");
    double *Z = malloc((n * pl->k + 1) * sizeof *Z);
    if (!Z)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    int rc = vxp_transform(pl, X, n, batch, Z, err);
    if (rc == VX_OK)
        rc = vx_model_predict_multi(pl->model, Z, n, score, prob, err);
    free(Z);
    return rc;
}

int vx_pipeline_nclasses(const vx_pipeline *pl)
{
    return vx_model_nclasses(pl->model);
}

int vx_pipeline_set_classes(vx_pipeline *pl, const char *column, const char *const *names, int K)
{
    if (K == 2)
        return vx_pipeline_set_labels(pl, column, names[0], names[1]);
    int rc = vx_pipeline_set_labels(pl, column, "", "");
    for (int k = 0; pl->classes && k < pl->nclass; k++)
        free(pl->classes[k]);
    free(pl->classes);
    pl->nclass = 0;
    pl->classes = rc == VX_OK ? calloc((size_t)K, sizeof *pl->classes) : NULL;
    if (!pl->classes)
        return VX_ENOMEM;
    pl->nclass = K;
    for (int k = 0; k < K; k++)
        if (!(pl->classes[k] = strdup(names[k] ? names[k] : "")))
            return VX_ENOMEM;
    return VX_OK;
}

const char *vx_pipeline_class(const vx_pipeline *pl, int k)
{
    if (pl->nclass > 2)
        return k >= 0 && k < pl->nclass && pl->classes[k] ? pl->classes[k] : "";
    return k == 0 || k == 1 ? vx_pipeline_label(pl, k) : "";
}

size_t vx_pipeline_features(const vx_pipeline *pl, const char *const **names)
{
    *names = (const char *const *)pl->names;
    return pl->p;
}

size_t vx_pipeline_selected(const vx_pipeline *pl, const size_t **idx)
{
    *idx = pl->sel;
    return pl->k;
}

const vx_model *vx_pipeline_model(const vx_pipeline *pl)
{
    return pl ? pl->model : NULL;
}

int vx_pipeline_set_labels(vx_pipeline *pl, const char *column, const char *neg, const char *pos)
{
    const char *v[3] = {neg, pos, column};
    for (int i = 0; i < 3; i++) {
        free(pl->label[i]);
        pl->label[i] = strdup(v[i] ? v[i] : "");
        if (!pl->label[i])
            return VX_ENOMEM;
    }
    return VX_OK;
}

const char *vx_pipeline_label(const vx_pipeline *pl, int which)
{
    const char *s = pl->label[which < 0 ? 2 : which & 1];
    return s ? s : "";
}

/* ---- JSON ------------------------------------------------------------------------------------------------- */
static cJSON *num_array(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        char buf[40];
        snprintf(buf, sizeof buf, "%.17g", v[i]);
        cJSON_AddItemToArray(a, cJSON_CreateRaw(buf)); /* exact: 17 significant digits */
    }
    return a;
}

static int read_nums(const cJSON *o, const char *key, double *v, size_t n)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
        return -1;
    size_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        if (!cJSON_IsNumber(e))
            return -1;
        v[i++] = e->valuedouble;
    }
    return 0;
}

int vx_pipeline_save(const vx_pipeline *pl, const char *path, vx_error *err)
{
    if (pl->combat)
        return vx_error_set(err, VX_EUNSUPPORTED,
                            "%s: saving a pipeline with ComBat inside is not supported yet: harmonise the table "
                            "first (voxomics harmonize --save) and train on the harmonised table",
                            path);
    cJSON *root = cJSON_CreateObject(), *model = cJSON_CreateObject();
    int rc = root && model ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK) {
        cJSON_AddStringToObject(root, "format", "voxomics-pipeline-1");
        cJSON *lab = pl->outcome == VX_OUTCOME_TIME_TO_EVENT ? NULL : cJSON_AddObjectToObject(root, "label");
        cJSON_AddStringToObject(lab, "column", vx_pipeline_label(pl, -1));
        cJSON_AddStringToObject(lab, "negative", vx_pipeline_label(pl, 0));
        cJSON_AddStringToObject(lab, "positive", vx_pipeline_label(pl, 1));
        cJSON *cl = lab ? cJSON_AddArrayToObject(lab, "classes") : NULL;
        for (int k = 0; cl && k < vx_pipeline_nclasses(pl); k++)
            cJSON_AddItemToArray(cl, cJSON_CreateString(vx_pipeline_class(pl, k)));
        cJSON *names = cJSON_AddArrayToObject(root, "features");
        for (size_t j = 0; j < pl->p; j++)
            cJSON_AddItemToArray(names, cJSON_CreateString(pl->names[j]));
        cJSON_AddItemToObject(root, "impute_median", num_array(pl->median, pl->p));
        cJSON_AddItemToObject(root, "scale_mean", num_array(pl->mean, pl->p));
        cJSON_AddItemToObject(root, "scale_sd", num_array(pl->sd, pl->p));
        cJSON *sel = cJSON_AddObjectToObject(root, "selection");
        cJSON_AddStringToObject(sel, "method", vxp_select_name(pl->params.select.method));
        cJSON *idx = cJSON_AddArrayToObject(sel, "selected");
        for (size_t c = 0; c < pl->k; c++)
            cJSON_AddItemToArray(idx, cJSON_CreateString(pl->names[pl->sel[c]]));
        rc = pl->outcome == VX_OUTCOME_TIME_TO_EVENT ? vxp_surv_to_json(pl, root, model, err)
                                                     : vx_model_to_json(pl->model, model, err);
        cJSON_AddItemToObject(root, "model", model);
        model = NULL;
    }
    char *text = rc == VX_OK ? cJSON_Print(root) : NULL;
    if (rc == VX_OK && !text)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK) {
        vx_outfile *of; /* atomic for files; "-", fifos, devices as streams (io.h) */
        FILE *f = vx_outfile_open(path, &of, err);
        if (!f)
            rc = VX_EIO;
        else if (fputs(text, f) < 0 || fputc('\n', f) == EOF) {
            rc = vx_error_set(err, VX_EIO, "%s: cannot write: %s", path, strerror(errno));
            vx_outfile_abort(of);
        } else
            rc = vx_outfile_commit(of, err);
    }
    free(text);
    cJSON_Delete(model);
    cJSON_Delete(root);
    return rc;
}

int vx_pipeline_load(const char *path, vx_pipeline **out, vx_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return vx_error_set(err, VX_EIO, "%s: cannot open: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = len >= 0 ? malloc((size_t)len + 1) : NULL;
    size_t got = text ? fread(text, 1, (size_t)len, f) : 0;
    fclose(f);
    if (!text || got != (size_t)len) {
        free(text);
        return vx_error_set(err, VX_EIO, "%s: cannot read", path);
    }
    text[len] = '\0';
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!root || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, "voxomics-pipeline-1")) {
        cJSON_Delete(root);
        return vx_error_set(err, VX_EFORMAT, "%s: not a voxomics model file (format voxomics-pipeline-1)", path);
    }
    vx_pipeline *pl = calloc(1, sizeof *pl);
    const cJSON *names = cJSON_GetObjectItemCaseSensitive(root, "features");
    int rc = pl && cJSON_IsArray(names) ? VX_OK : vx_error_set(err, VX_EFORMAT, "%s: no feature list", path);
    if (rc == VX_OK) {
        pl->p = (size_t)cJSON_GetArraySize(names);
        pl->names = calloc(pl->p + 1, sizeof *pl->names);
        pl->median = malloc((pl->p + 1) * sizeof *pl->median);
        pl->mean = malloc((pl->p + 1) * sizeof *pl->mean);
        pl->sd = malloc((pl->p + 1) * sizeof *pl->sd);
        pl->sel = malloc((pl->p + 1) * sizeof *pl->sel);
        if (!pl->names || !pl->median || !pl->mean || !pl->sd || !pl->sel)
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    size_t j = 0;
    const cJSON *e;
    if (rc == VX_OK)
        cJSON_ArrayForEach(e, names)
        {
            pl->names[j++] = strdup(cJSON_IsString(e) ? e->valuestring : "");
        }
    if (rc == VX_OK && (read_nums(root, "impute_median", pl->median, pl->p) || read_nums(root, "scale_mean", pl->mean, pl->p) ||
                        read_nums(root, "scale_sd", pl->sd, pl->p)))
        rc = vx_error_set(err, VX_EFORMAT, "%s: impute_median / scale_mean / scale_sd missing or of the wrong length",
                          path);
    const cJSON *sel = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "selection"), "selected");
    if (rc == VX_OK && !cJSON_IsArray(sel))
        rc = vx_error_set(err, VX_EFORMAT, "%s: no selection.selected list", path);
    if (rc == VX_OK)
        cJSON_ArrayForEach(e, sel)
        {
            size_t c = 0;
            while (c < pl->p && (!cJSON_IsString(e) || strcmp(pl->names[c], e->valuestring)))
                c++;
            if (c == pl->p) {
                rc = vx_error_set(err, VX_EFORMAT, "%s: selected feature '%s' is not among the features", path,
                                  cJSON_IsString(e) ? e->valuestring : "?");
                break;
            }
            pl->sel[pl->k++] = c;
        }
    const cJSON *lab = cJSON_GetObjectItemCaseSensitive(root, "label");
    const cJSON *oc = cJSON_GetObjectItemCaseSensitive(root, "outcome");
    int surv = cJSON_IsString(oc) && !strcmp(oc->valuestring, vx_outcome_kind_name(VX_OUTCOME_TIME_TO_EVENT));
    if (rc == VX_OK && surv)
        rc = vxp_surv_from_json(pl, root, path, err);
    if (rc == VX_OK && !surv) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(lab, "column"), *ng = cJSON_GetObjectItemCaseSensitive(lab, "negative"),
                    *ps = cJSON_GetObjectItemCaseSensitive(lab, "positive");
        vx_pipeline_set_labels(pl, cJSON_IsString(c) ? c->valuestring : "", cJSON_IsString(ng) ? ng->valuestring : "0",
                               cJSON_IsString(ps) ? ps->valuestring : "1");
        rc = vx_model_from_json(cJSON_GetObjectItemCaseSensitive(root, "model"), &pl->model, err);
        if (rc != VX_OK)
            vx_error_prefix(err, "%s: ", path);
        const cJSON *cl = cJSON_GetObjectItemCaseSensitive(lab, "classes");
        int K = rc == VX_OK ? vx_model_nclasses(pl->model) : 0;
        if (rc == VX_OK && K > 2) {
            const char *nm[256];
            if (!cJSON_IsArray(cl) || cJSON_GetArraySize(cl) != K)
                rc = vx_error_set(err, VX_EFORMAT, "%s: label.classes must name the model's %d classes", path, K);
            for (int k = 0; rc == VX_OK && k < K; k++) {
                const cJSON *e = cJSON_GetArrayItem(cl, k);
                nm[k] = cJSON_IsString(e) ? e->valuestring : "";
            }
            if (rc == VX_OK && vx_pipeline_set_classes(pl, cJSON_IsString(c) ? c->valuestring : "", nm, K) != VX_OK)
                rc = vx_error_set(err, VX_ENOMEM, "out of memory");
        }
    }
    cJSON_Delete(root);
    if (rc != VX_OK) {
        vx_pipeline_free(pl);
        return rc;
    }
    *out = pl;
    return VX_OK;
}
