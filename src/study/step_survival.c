/* voxomics study step "survival": univariate and multivariable Cox models, a LASSO-Cox risk split with its
 * Kaplan-Meier curves (surv_compute.c computes; this file reads the settings, writes the CSV files under OUTDIR/survival/ and
 * draws the report section). docs/study.md describes the keys and the JSON.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/runner.h"
#include "study/survomics.h"
#include "voxomics/plot.h"

static const vxs_key coxnet_keys[] = {
    {"alpha", VXS_NUM, "elastic-net mixing in (0, 1] (1: LASSO), as glmnet's alpha (default 1)", NULL},
    {"folds", VXS_INT, "cross-validation folds choosing lambda.min (default 5)", NULL},
    {"seed", VXS_INT, "seed of the folds (default 1)", NULL},
    {"lambda_min_ratio", VXS_NUM, "smallest lambda / largest (default glmnet's up to 20 features, 0.01 above)", NULL},
    {NULL, VXS_STR, NULL, NULL}};
static const vxs_key holdout_keys[] = {
    {"fraction", VXS_NUM, "fraction of the subjects held out, stratified by the event (default 0.3)", NULL},
    {"seed", VXS_INT, "seed of the split (default 1)", NULL},
    {NULL, VXS_STR, NULL, NULL}};
static const vxs_key survival_keys[] = {
    {"cox", VXS_LIST, "features for the Cox models and the LASSO-Cox score (default: the selection step's, else all)",
     NULL},
    {"clinical", VXS_LIST, "clinical covariates of the multivariable Cox model", NULL},
    {"coxnet", VXS_MAP_T, "LASSO-Cox risk score at lambda.min: {alpha, folds, seed}", coxnet_keys},
    {"split", VXS_STR, "risk groups: median (of the training risk)", NULL},
    {"holdout", VXS_MAP_T, "fit on the training part, Kaplan-Meier of the held-out part: {fraction, seed}",
     holdout_keys},
    {"at", VXS_LIST, "times for survival and numbers at risk (e.g. [365, 1095])", NULL},
    {NULL, VXS_STR, NULL, NULL}};

/* the features: the `cox` list, else the selection step's "selected" (OUTDIR/selection.json), else all */
static int surv_features(vxs_ctx *ctx, const vxs_node *cfg, const vxs_data *d, vxs_surv_opts *o, cJSON **sel,
                         vx_error *err)
{
    const char **v = NULL;
    if ((o->nfeat = vxs_list(cfg, "cox", &v))) {
        o->features = v, o->features_source = "cox";
        return VX_OK;
    }
    free(v);
    int rc = vxs_step_result(ctx, "selection", sel, err); /* declared: survival reruns when the selection changes */
    if (rc)
        return rc;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(*sel, "selected");
    const size_t n = cJSON_IsArray(a) ? (size_t)cJSON_GetArraySize(a) : 0;
    const char **names = malloc((n ? n : d->p) * sizeof *names + 1);
    if (!names)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    const cJSON *e;
    o->nfeat = 0;
    cJSON_ArrayForEach(e, a)
        if (cJSON_IsString(e))
            names[o->nfeat++] = e->valuestring;
    o->features_source = "selection";
    if (!o->nfeat) {
        for (size_t j = 0; j < d->p; j++)
            names[j] = d->fnames[j];
        o->nfeat = d->p, o->features_source = "all";
    }
    o->features = names;
    return VX_OK;
}

static int surv_opts(vxs_ctx *ctx, const vxs_node *cfg, vxs_surv_opts *o, double **at, vx_error *err)
{
    const vxs_node *out = vxs_get(ctx->root, "outcome"), *cn = vxs_get(cfg, "coxnet"), *ho = vxs_get(cfg, "holdout");
    o->time = vxs_str(out, "time", NULL), o->event = vxs_str(out, "event", NULL);
    if (!o->time || !o->event)
        return vx_error_set(err, VX_EINVAL, "%s: steps.survival needs outcome.time and outcome.event (the follow-up "
                            "time and event columns)", ctx->study_path);
    const char *split = vxs_str(cfg, "split", "median");
    if (strcmp(split, "median"))
        return vx_error_set(err, VX_EINVAL, "%s: steps.survival.split: '%s' is not known (known: median)",
                            ctx->study_path, split);
    o->alpha = vxs_num(cn, "alpha", 1), o->folds = (int)vxs_int(cn, "folds", 5);
    o->seed = (unsigned long)vxs_int(cn, "seed", 1), o->lambda_min_ratio = vxs_num(cn, "lambda_min_ratio", NAN);
    if (!isnan(o->lambda_min_ratio) && !(o->lambda_min_ratio > 0 && o->lambda_min_ratio < 1))
        return vx_error_set(err, VX_EINVAL, "%s: steps.survival.coxnet.lambda_min_ratio must be in (0, 1)",
                            ctx->study_path);
    o->holdout = ho ? vxs_num(ho, "fraction", 0.3) : 0, o->holdout_seed = (unsigned long)vxs_int(ho, "seed", 1);
    if (!(o->alpha > 0 && o->alpha <= 1) || o->folds < 3 || !(o->holdout >= 0 && o->holdout < 1))
        return vx_error_set(err, VX_EINVAL, "%s: steps.survival: coxnet.alpha must be in (0, 1], coxnet.folds >= 3 and "
                            "holdout.fraction in (0, 1)", ctx->study_path);
    o->clinical = NULL;
    o->nclin = vxs_list(cfg, "clinical", (const char ***)&o->clinical);
    const char **a = NULL;
    o->nat = vxs_list(cfg, "at", &a);
    *at = malloc((o->nat + 1) * sizeof **at);
    for (size_t k = 0; *at && k < o->nat; k++) {
        char *end;
        (*at)[k] = strtod(a[k], &end);
        if (*end || !((*at)[k] >= 0)) {
            free(a);
            return vx_error_set(err, VX_EINVAL, "%s: steps.survival.at: '%s' is not a time >= 0", ctx->study_path,
                                a[k]);
        }
    }
    free(a);
    o->at = *at, o->forest_max = 20;
    return *at ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
}

static int write_json_csv(vxs_ctx *ctx, const char *rel, const cJSON *rows, const char *const *keys, size_t nk,
                          vx_error *err)
{
    char *text = vxs_json_csv(rows, keys, nk);
    int rc = text ? vxs_write_text(ctx, rel, text, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    free(text);
    return rc;
}

/* OUTDIR/survival/{univariate,multivariable,coxnet,km_at,risk}.csv */
static int surv_csv(vxs_ctx *ctx, const cJSON *res, vx_error *err)
{
    static const char *const uni[] = {"name", "n", "events", "sd", "coef", "se", "hr", "hr_lower", "hr_upper", "p", "q"};
    static const char *const mul[] = {"name", "kind", "scale", "coef", "se", "hr", "hr_lower", "hr_upper", "z", "p"};
    static const char *const cnz[] = {"name", "coef", "hr"};
    static const char *const rsk[] = {"id", "time", "event", "risk", "set", "group"};
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(res, "multivariable");
    int rc = write_json_csv(ctx, "survival/univariate.csv", cJSON_GetObjectItemCaseSensitive(res, "univariate"), uni,
                            11, err);
    if (!rc)
        rc = write_json_csv(ctx, "survival/multivariable.csv", cJSON_GetObjectItemCaseSensitive(m, "covariates"), mul,
                            10, err);
    if (!rc)
        rc = write_json_csv(ctx, "survival/coxnet.csv",
                            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(res, "coxnet"), "nonzero"),
                            cnz, 3, err);
    if (!rc)
        rc = write_json_csv(ctx, "survival/risk.csv", cJSON_GetObjectItemCaseSensitive(res, "risk_scores"), rsk, 6, err);
    return rc;
}

static int survival_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    vxs_surv_opts o = {0};
    vxs_data d = {0};
    cJSON *sel = NULL;
    double *at = NULL;
    const int clin = vxs_get(vxs_get(ctx->root, "inputs"), "clinical") != NULL;
    int rc = surv_opts(ctx, cfg, &o, &at, err);
    if (!rc)
        rc = vxs_load(ctx, VXS_FEATURES | (clin ? VXS_CLINICAL : 0), &d, err);
    if (!rc)
        rc = surv_features(ctx, cfg, &d, &o, &sel, err);
    if (!rc)
        rc = vxs_survival_compute(&d, &o, result, err);
    if (!rc)
        rc = surv_csv(ctx, result, err);
    free((void *)o.features), free((void *)o.clinical), free(at);
    cJSON_Delete(sel);
    vxs_data_free(&d);
    return rc;
}

const vxs_step vxs_step_survival = {"survival", "Survival", survival_keys, survival_run, vxs_survival_section};
