/* voxomics: time-to-event pipelines: Cox and penalised Cox models on the pipeline's features, their baseline
 * hazard, survival predictions and their pipeline file (include/voxomics/pipeline.h, vx_pipeline_fit_surv).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/pipeline.h"
#include "voxomics/survival.h"
#include "learn/pipeline_impl.h"

vx_outcome vx_outcome_time_to_event(const double *time, const int *event, size_t n)
{
    vx_outcome o;
    memset(&o, 0, sizeof o);
    o.kind = VX_OUTCOME_TIME_TO_EVENT;
    o.n = n;
    o.time = time;
    o.event = event;
    return o;
}

void vxp_surv_free(vx_pipeline *pl)
{
    free(pl->coef);
    vx_cox_baseline_free(&pl->base);
    free(pl->surv_col[0]);
    free(pl->surv_col[1]);
}

vx_outcome_kind vx_pipeline_outcome(const vx_pipeline *pl)
{
    if (pl->outcome == VX_OUTCOME_TIME_TO_EVENT)
        return VX_OUTCOME_TIME_TO_EVENT;
    return vx_pipeline_nclasses(pl) > 2 ? VX_OUTCOME_MULTICLASS : VX_OUTCOME_BINARY;
}

const double *vx_pipeline_cox_coef(const vx_pipeline *pl, double *lambda)
{
    if (pl->outcome != VX_OUTCOME_TIME_TO_EVENT)
        return NULL;
    if (lambda)
        *lambda = pl->lambda;
    return pl->coef;
}

const vx_cox_baseline *vx_pipeline_cox_baseline(const vx_pipeline *pl)
{
    return pl->outcome == VX_OUTCOME_TIME_TO_EVENT ? &pl->base : NULL;
}

int vx_pipeline_set_surv_columns(vx_pipeline *pl, const char *time_column, const char *event_column)
{
    const char *v[2] = {time_column, event_column};
    for (int i = 0; i < 2; i++) {
        free(pl->surv_col[i]);
        if (!(pl->surv_col[i] = strdup(v[i] ? v[i] : "")))
            return VX_ENOMEM;
    }
    return VX_OK;
}

const char *vx_pipeline_surv_column(const vx_pipeline *pl, int which)
{
    const char *s = pl->surv_col[which ? 1 : 0];
    return s ? s : "";
}

/* The coxnet solution at one lambda: the path from lambda_max down to lambda in 5 steps (a path of at most 5
 * lambdas never ends early), its last solution exact there (glmnet(..., lambda = lambda)). */
static int coxnet_at(const double *Z, size_t n, size_t k, const double *time, const int *event, double l1_ratio,
                     double lambda, double *coef, vx_error *err)
{
    vx_coxnet_path path;
    memset(&path, 0, sizeof path);
    int rc = vx_coxnet_fit(Z, n, k, time, event, l1_ratio, 3, 0.5, &path, err);
    double lmax = rc == VX_OK ? path.lambda[0] : NAN;
    vx_coxnet_free(&path);
    if (rc != VX_OK)
        return rc;
    memset(coef, 0, k * sizeof *coef);
    if (lambda >= lmax) /* every coefficient is 0 at lambda_max and above */
        return VX_OK;
    rc = vx_coxnet_fit(Z, n, k, time, event, l1_ratio, 5, lambda / lmax, &path, err);
    if (rc == VX_OK)
        memcpy(coef, path.beta + (path.nlambda - 1) * k, k * sizeof *coef);
    vx_coxnet_free(&path);
    return rc;
}

/* coxnet at lambda.min (or lambda.1se) of the inner cross-validation on these rows. */
static int coxnet_cv_fit(vx_pipeline *pl, const double *Z, size_t n, const double *time, const int *event,
                         vx_error *err)
{
    const vx_pipeline_params *pp = &pl->params;
    size_t k = pl->k;
    vx_coxnet_cv_result cv;
    memset(&cv, 0, sizeof cv);
    int folds = pp->select.lasso_folds > 1 ? pp->select.lasso_folds : 5;
    int rc = vx_coxnet_cv(Z, n, k, time, event, pp->model.l1_ratio,
                          pp->select.lasso_nlambda ? pp->select.lasso_nlambda : 100,
                          pp->select.lasso_lambda_min_ratio > 0 ? pp->select.lasso_lambda_min_ratio : NAN, NULL, folds,
                          pp->model.seed + 7919u, VX_COXNET_CV_DEVIANCE, &cv, err);
    if (rc != VX_OK) {
        vx_error_prefix(err, "coxnet: lambda by inner cross-validation: ");
    } else {
        size_t li = pp->select.lasso_1se ? cv.i1se : cv.imin;
        pl->lambda = cv.path.lambda[li];
        memcpy(pl->coef, cv.path.beta + li * k, k * sizeof *pl->coef);
    }
    vx_coxnet_cv_free(&cv);
    return rc;
}

/* The model on the selected standardised features Z (n x k): pl->coef, pl->lambda, then the baseline hazard. */
static int surv_model(vx_pipeline *pl, const double *Z, size_t n, const double *time, const int *event,
                      vx_error *err)
{
    const vx_model_params *mp = &pl->params.model;
    size_t k = pl->k;
    double *lp = malloc((n + 1) * sizeof *lp);
    pl->coef = malloc((k + 1) * sizeof *pl->coef);
    pl->lambda = NAN;
    int rc = lp && pl->coef ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK && mp->kind == VX_MODEL_COX) {
        const char **nm = malloc((k + 1) * sizeof *nm);
        for (size_t c = 0; nm && c < k; c++)
            nm[c] = pl->names[pl->sel[c]];
        vx_cox_result res;
        memset(&res, 0, sizeof res);
        rc = nm ? vx_cox_fit(Z, time, event, NULL, n, k, nm, VX_TIES_EFRON, &res, err)
                : vx_error_set(err, VX_ENOMEM, "out of memory");
        if (rc == VX_OK)
            memcpy(pl->coef, res.coef, k * sizeof *pl->coef);
        vx_cox_free(&res);
        free(nm);
    } else if (rc == VX_OK && mp->lambda > 0) {
        pl->lambda = mp->lambda;
        rc = coxnet_at(Z, n, k, time, event, mp->l1_ratio, mp->lambda, pl->coef, err);
    } else if (rc == VX_OK) {
        rc = coxnet_cv_fit(pl, Z, n, time, event, err);
    }
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        double s = 0.0;
        for (size_t c = 0; c < k; c++)
            s += Z[i * k + c] * pl->coef[c];
        lp[i] = s;
    }
    if (rc == VX_OK)
        rc = vx_cox_baseline_fit(lp, time, event, n, VX_TIES_EFRON, &pl->base, err);
    free(lp);
    return rc;
}

/* What a survival pipeline accepts (model kind, selection, coxnet parameters). */
int vxp_surv_check_params(const vx_pipeline_params *pp, vx_error *err)
{
    const vx_model_params *mp = &pp->model;
    if (mp->kind != VX_MODEL_COX && mp->kind != VX_MODEL_COXNET)
        return vx_error_set(err, VX_EINVAL, "pipeline: model %s is a classifier: a time-to-event outcome needs cox "
                                            "or coxnet", vx_model_kind_name(mp->kind));
    vx_select_method m = pp->select.method;
    if (m == VX_SELECT_UNIVARIATE || m == VX_SELECT_MRMR || m == VX_SELECT_LASSO)
        return vx_error_set(err, VX_EINVAL, "pipeline: selection '%s' tests a binary label: with a time-to-event "
                                            "outcome use none, variance, correlation or cox", vxp_select_name(m));
    if (mp->kind == VX_MODEL_COXNET && !(mp->l1_ratio > 0 && mp->l1_ratio <= 1))
        return vx_error_set(err, VX_EINVAL, "pipeline: coxnet l1_ratio %g: give the elastic-net mixing in (0, 1]",
                            mp->l1_ratio);
    if (mp->kind == VX_MODEL_COXNET && !(mp->lambda >= 0 && isfinite(mp->lambda)))
        return vx_error_set(err, VX_EINVAL, "pipeline: coxnet lambda %g: give a penalty > 0, or 0 to choose it by "
                                            "inner cross-validation", mp->lambda);
    return VX_OK;
}

int vx_pipeline_fit_surv(const double *X, size_t n, size_t p, const double *time, const int *event,
                         const char *const *names, const char *const *batch, const vx_pipeline_params *pp,
                         vx_pipeline **out, vx_error *err)
{
    *out = NULL;
    if (n < 2 || p < 1)
        return vx_error_set(err, VX_EINVAL, "pipeline: %zu rows and %zu features: too few to fit", n, p);
    vx_outcome o = vx_outcome_time_to_event(time, event, n);
    int rc = vx_outcome_check(&o, "pipeline", err);
    if (rc == VX_OK)
        rc = vxp_surv_check_params(pp, err);
    if (rc != VX_OK)
        return rc;
    vx_pipeline *pl = calloc(1, sizeof *pl);
    double *W = malloc((n * p + 1) * sizeof *W), *Z = malloc((n * p + 1) * sizeof *Z);
    unsigned char *constant = calloc(p + 1, 1);
    rc = pl && W && Z && constant ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK) {
        pl->outcome = VX_OUTCOME_TIME_TO_EVENT;
        rc = vxp_prepare(pl, X, n, p, names, batch, pp, W, constant, err);
    }
    if (rc == VX_OK) {
        pl->fit_time = time;
        pl->fit_event = event;
        rc = vxp_run_selection(pl, W, n, NULL, constant, err);
        pl->fit_time = NULL;
        pl->fit_event = NULL;
    }
    for (size_t i = 0; rc == VX_OK && i < n; i++)
        for (size_t c = 0; c < pl->k; c++)
            Z[i * pl->k + c] = W[i * p + pl->sel[c]];
    if (rc == VX_OK)
        rc = surv_model(pl, Z, n, time, event, err);
    free(W);
    free(Z);
    free(constant);
    if (rc != VX_OK) {
        vx_pipeline_free(pl);
        return rc;
    }
    *out = pl;
    return VX_OK;
}

int vx_pipeline_predict_surv(const vx_pipeline *pl, const double *X, size_t n, const char *const *batch,
                             const double *t, size_t m, double *lp, double *S, vx_error *err)
{
    if (pl->outcome != VX_OUTCOME_TIME_TO_EVENT)
        return vx_error_set(err, VX_EINVAL, "pipeline: survival predictions need a survival pipeline (cox, coxnet)");
    double *Z = malloc((n * pl->k + 1) * sizeof *Z), *eta = malloc((n + 1) * sizeof *eta);
    int rc = Z && eta ? vxp_transform(pl, X, n, batch, Z, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        double s = 0.0;
        for (size_t c = 0; c < pl->k; c++)
            s += Z[i * pl->k + c] * pl->coef[c];
        eta[i] = s;
    }
    if (rc == VX_OK && lp)
        memcpy(lp, eta, n * sizeof *lp);
    if (rc == VX_OK && S)
        rc = vx_cox_baseline_surv(&pl->base, eta, n, t, m, S, err);
    free(Z);
    free(eta);
    return rc;
}

/* ---- the pipeline file ------------------------------------------------------------------------------------- */
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

static cJSON *raw_number(double v)
{
    char buf[40];
    snprintf(buf, sizeof buf, "%.17g", v);
    return cJSON_CreateRaw(buf);
}

int vxp_surv_to_json(const vx_pipeline *pl, void *root_, void *model_, vx_error *err)
{
    cJSON *root = root_, *model = model_;
    if (!isfinite(pl->base.center))
        return vx_error_set(err, VX_EINVAL, "pipeline: the baseline hazard is not finite");
    cJSON_AddStringToObject(root, "outcome", vx_outcome_kind_name(VX_OUTCOME_TIME_TO_EVENT));
    cJSON *sv = cJSON_AddObjectToObject(root, "survival");
    cJSON_AddStringToObject(sv, "time", vx_pipeline_surv_column(pl, 0));
    cJSON_AddStringToObject(sv, "event", vx_pipeline_surv_column(pl, 1));
    cJSON_AddStringToObject(model, "kind", vx_model_kind_name(pl->params.model.kind));
    cJSON_AddNumberToObject(model, "p", (double)pl->k);
    cJSON_AddStringToObject(model, "ties", "efron");
    cJSON_AddItemToObject(model, "coef", num_array(pl->coef, pl->k));
    if (pl->params.model.kind == VX_MODEL_COXNET) {
        cJSON_AddItemToObject(model, "lambda", raw_number(pl->lambda));
        cJSON_AddItemToObject(model, "l1_ratio", raw_number(pl->params.model.l1_ratio));
    }
    cJSON *b = cJSON_AddObjectToObject(model, "baseline");
    cJSON_AddItemToObject(b, "center", raw_number(pl->base.center));
    cJSON_AddItemToObject(b, "time", num_array(pl->base.time, pl->base.m));
    cJSON_AddItemToObject(b, "cumhaz", num_array(pl->base.cumhaz, pl->base.m));
    return VX_OK;
}

/* An array of n numbers of o (a member name) into a new array *v. */
static int read_array(const cJSON *o, const char *key, double **v, size_t *n)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *e;
    if (!cJSON_IsArray(a))
        return -1;
    *n = (size_t)cJSON_GetArraySize(a);
    *v = malloc((*n + 1) * sizeof **v);
    size_t i = 0;
    cJSON_ArrayForEach(e, a)
    {
        if (!*v || !cJSON_IsNumber(e))
            return -1;
        (*v)[i++] = e->valuedouble;
    }
    return 0;
}

int vxp_surv_from_json(vx_pipeline *pl, const void *root_, const char *path, vx_error *err)
{
    const cJSON *root = root_, *model = cJSON_GetObjectItemCaseSensitive(root, "model");
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(root, "survival");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(model, "kind");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(model, "baseline");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(b, "center");
    const cJSON *tc = cJSON_GetObjectItemCaseSensitive(sv, "time"), *ec = cJSON_GetObjectItemCaseSensitive(sv, "event");
    int k = cJSON_IsString(kind) ? vx_model_kind_find(kind->valuestring) : -1;
    pl->outcome = VX_OUTCOME_TIME_TO_EVENT;
    if (k != VX_MODEL_COX && k != VX_MODEL_COXNET)
        return vx_error_set(err, VX_EFORMAT, "%s: a survival pipeline's model.kind must be cox or coxnet", path);
    vx_model_params_default(&pl->params.model, (vx_model_kind)k);
    const cJSON *lam = cJSON_GetObjectItemCaseSensitive(model, "lambda");
    const cJSON *l1 = cJSON_GetObjectItemCaseSensitive(model, "l1_ratio");
    pl->lambda = cJSON_IsNumber(lam) ? lam->valuedouble : NAN;
    if (cJSON_IsNumber(l1))
        pl->params.model.l1_ratio = l1->valuedouble;
    size_t nc = 0, nt = 0, nh = 0;
    if (read_array(model, "coef", &pl->coef, &nc) || nc != pl->k || !cJSON_IsNumber(c) ||
        read_array(b, "time", &pl->base.time, &nt) || read_array(b, "cumhaz", &pl->base.cumhaz, &nh) || nt != nh)
        return vx_error_set(err, VX_EFORMAT, "%s: model.coef (one per selected feature), model.baseline.center, "
                                             ".time and .cumhaz (of one length) are needed", path);
    pl->base.m = nt;
    pl->base.center = c->valuedouble;
    if (vx_pipeline_set_surv_columns(pl, cJSON_IsString(tc) ? tc->valuestring : "",
                                     cJSON_IsString(ec) ? ec->valuestring : "") != VX_OK)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    return VX_OK;
}
