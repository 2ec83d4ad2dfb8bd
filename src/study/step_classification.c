/* voxomics study step "classification": the label outcome (outcome.label / outcome.positive) predicted from the
 * feature table: every model cross-validated (stratified folds, seeded; selection inside the folds), fold and
 * mean ROC curves, DeLong comparisons and calibration of the pooled out-of-fold predictions, feature importance
 * of the best model, a stratified held-out split, an external cohort, clinical covariates and multimodal blocks.
 * docs/study.md (section classification) describes the keys and the JSON.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/roc.h"
#include "study/step_class.h"

static const vxs_key select_keys[] = {
    {"method", VXS_STR, "selection inside the folds: variance|correlation|univariate|mrmr|lasso", NULL},
    {"k", VXS_INT, "features kept (univariate, mrmr)", NULL},
    {"threshold", VXS_NUM, "variance / correlation threshold", NULL},
    {"alpha", VXS_NUM, "univariate: adjusted p below alpha when k is not given", NULL},
    {NULL, VXS_STR, NULL, NULL}};
static const vxs_key holdout_keys[] = {
    {"fraction", VXS_NUM, "fraction of each class held out (default 0.3)", NULL},
    {"seed", VXS_INT, "seed of the split (default: the step's seed)", NULL},
    {NULL, VXS_STR, NULL, NULL}};
static const vxs_key ext_clinical_keys[] = {
    {"path", VXS_PATH, "the external cohort's clinical table (joined by ID)", NULL},
    {"id", VXS_STR, "its ID column (default: the first column)", NULL},
    {NULL, VXS_STR, NULL, NULL}};
static const vxs_key external_keys[] = {
    {"features", VXS_PATH, "the external cohort's feature table (the same feature names)", NULL},
    {"id", VXS_STR, "its ID column (default: the first column)", NULL},
    {"clinical", VXS_MAP_T, "its clinical table {path, id} when the label is there", ext_clinical_keys},
    {NULL, VXS_STR, NULL, NULL}};
static const vxs_key classification_keys[] = {
    {"models", VXS_LIST, "models to cross-validate: logreg, logreg-l1, svm, rf, gbm (default logreg)", NULL},
    {"select", VXS_MAP_T, "feature selection inside the folds {method, k, threshold, alpha}", select_keys},
    {"folds", VXS_INT, "folds per repeat (default 5)", NULL},
    {"repeats", VXS_INT, "repeats (default 1)", NULL},
    {"seed", VXS_INT, "seed of the folds and models (default 1)", NULL},
    {"holdout", VXS_MAP_T, "stratified held-out split {fraction, seed}", holdout_keys},
    {"external", VXS_MAP_T, "external validation cohort {features, id, clinical {path, id}}", external_keys},
    {"clinical", VXS_LIST, "clinical covariates: a clinical-only and an imaging + clinical model", NULL},
    {"blocks", VXS_MAP_T, "multimodal blocks NAME: features | clinical | [columns]", NULL},
    {"fusion", VXS_STR, "early | late (default late)", NULL},
    {NULL, VXS_STR, NULL, NULL}};

void vxc_data_free(vxc_data *v)
{
    vxs_data_free(&v->d);
    free(v->y);
    free(v->fcols);
    free(v->ccols);
    free(v->fnames);
    free(v->cnames);
    free(v->dev);
    free(v->hold);
    free(v->ydev);
    free(v->yhold);
    memset(v, 0, sizeof *v);
}

/* The models of the study file with their pipeline parameters (select applied to each). */
static int parse_models(const vxs_node *cfg, unsigned long seed, vxc_model **out, size_t *nm, vx_error *err)
{
    const char **names = NULL, *def = "logreg";
    size_t n = vxs_list(cfg, "models", &names);
    const char *const *list = n ? names : &def;
    n = n ? n : 1;
    const vxs_node *sel = vxs_get(cfg, "select");
    const char *method = vxs_str(sel, "method", "none");
    int m = vx_select_method_find(method), rc = VX_OK;
    *out = calloc(n, sizeof **out);
    if (!*out)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK && (m < 0 || m == VX_SELECT_COX))
        rc = vx_error_set(err, VX_EINVAL, "steps.classification.select.method '%s': give none, variance, "
                          "correlation, univariate, mrmr or lasso", method);
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        int kind = vx_model_kind_find(list[i]);
        if (kind < 0 || kind == VX_MODEL_COX || kind == VX_MODEL_COXNET) {
            rc = vx_error_set(err, VX_EINVAL, "steps.classification.models: unknown classifier '%s' (logreg, "
                              "logreg-l1, svm, rf, gbm)", list[i]);
            break;
        }
        vxc_model *md = &(*out)[i];
        snprintf(md->name, sizeof md->name, "%s", list[i]);
        vx_pipeline_params_default(&md->pp, (vx_model_kind)kind);
        md->pp.model.seed = seed;
        md->pp.select.method = (vx_select_method)m;
        md->pp.select.k = (size_t)vxs_int(sel, "k", 10);
        md->pp.select.threshold = vxs_num(sel, "threshold", md->pp.select.threshold);
        md->pp.select.alpha = vxs_num(sel, "alpha", md->pp.select.alpha);
    }
    free(names);
    *nm = n;
    if (rc != VX_OK) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

/* Drop the rows without a label, code the label 0/1 (outcome.positive, else the larger value). */
static int load_label(vxc_data *v, const vxs_node *outcome, vx_error *err)
{
    v->label = vxs_str(outcome, "label", NULL);
    if (!v->label)
        return vx_error_set(err, VX_EINVAL, "steps.classification needs outcome.label (the class column)");
    size_t lc;
    int rc = vxs_col(&v->d, v->label, "outcome.label", &lc, err);
    unsigned char *keep = rc == VX_OK ? malloc(v->d.t.nrow + 1) : NULL;
    if (rc == VX_OK && !keep)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < v->d.t.nrow; i++) {
        keep[i] = !vx_table_cell_missing(&v->d.t, i, lc);
        v->n_dropped += !keep[i];
    }
    if (rc == VX_OK)
        rc = vx_table_filter_rows(&v->d.t, keep, err);
    free(keep);
    v->n = v->d.t.nrow;
    if (rc == VX_OK && !(v->y = malloc((v->n + 1) * sizeof *v->y)))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vx_table_binary_label(&v->d.t, lc, vxs_str(outcome, "positive", NULL), v->y, v->lab, err);
    if (rc != VX_OK)
        vx_error_prefix(err, "classification: outcome.label '%s': ", v->label);
    return rc;
}

/* The imaging features (the feature table's numeric columns but the label and the clinical covariates) and the
 * clinical covariate columns (numeric). */
static int load_columns(vxc_data *v, const vxs_node *cfg, vx_error *err)
{
    const char **cl = NULL;
    size_t nc = vxs_list(cfg, "clinical", &cl);
    v->fcols = malloc((v->d.p + 1) * sizeof *v->fcols);
    v->fnames = malloc((v->d.p + 1) * sizeof *v->fnames);
    v->ccols = malloc((nc + 1) * sizeof *v->ccols);
    v->cnames = malloc((nc + 1) * sizeof *v->cnames);
    int rc = v->fcols && v->fnames && v->ccols && v->cnames ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; rc == VX_OK && j < nc; j++) {
        rc = vxs_col(&v->d, cl[j], "steps.classification.clinical", &v->ccols[j], err);
        if (rc == VX_OK && !vx_table_col_numeric(&v->d.t, v->ccols[j]))
            rc = vx_error_set(err, VX_EINVAL, "steps.classification.clinical: column '%s' is not numeric: code it "
                              "as numbers (e.g. 0/1) in the clinical table", cl[j]);
        v->cnames[j] = rc == VX_OK ? v->d.t.colnames[v->ccols[j]] : NULL;
    }
    v->pc = rc == VX_OK ? nc : 0;
    for (size_t j = 0; rc == VX_OK && j < v->d.p; j++) {
        const char *name = v->d.fnames[j];
        int skip = !strcmp(name, v->label);
        for (size_t k = 0; k < nc; k++)
            skip |= !strcmp(name, cl[k]);
        if (!skip) {
            v->fcols[v->pf] = v->d.fcols[j];
            v->fnames[v->pf++] = name;
        }
    }
    if (rc == VX_OK && v->pf == 0)
        rc = vx_error_set(err, VX_EINVAL, "classification: the feature table has no numeric feature column");
    free(cl);
    return rc;
}

/* Development and held-out rows (holdout {fraction, seed}; without it every row is a development row). */
static int split_rows(vxc_data *v, const vxs_node *cfg, unsigned long seed, vx_error *err)
{
    const vxs_node *ho = vxs_get(cfg, "holdout");
    unsigned char *held = calloc(v->n + 1, 1);
    v->dev = malloc((v->n + 1) * sizeof *v->dev);
    v->hold = malloc((v->n + 1) * sizeof *v->hold);
    v->ydev = malloc((v->n + 1) * sizeof *v->ydev);
    v->yhold = malloc((v->n + 1) * sizeof *v->yhold);
    int rc = held && v->dev && v->hold && v->ydev && v->yhold ? VX_OK
                                                              : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK && ho)
        rc = vxc_holdout_split(v->y, v->n, vxs_num(ho, "fraction", 0.3),
                               (unsigned long)vxs_int(ho, "seed", (long)seed), held, err);
    for (size_t i = 0; rc == VX_OK && i < v->n; i++) {
        if (held[i]) {
            v->yhold[v->nhold] = v->y[i];
            v->hold[v->nhold++] = i;
        } else {
            v->ydev[v->ndev] = v->y[i];
            v->dev[v->ndev++] = i;
        }
    }
    free(held);
    if (rc != VX_OK)
        vx_error_prefix(err, "steps.classification.holdout: ");
    return rc;
}

int vxc_columns(const vxc_data *v, int which, size_t **cols, const char ***names, size_t *p, vx_error *err)
{
    const size_t np = (which != 1 ? v->pf : 0) + (which != 0 ? v->pc : 0);
    *cols = malloc((np + 1) * sizeof **cols);
    *names = malloc((np + 1) * sizeof **names);
    if (!*cols || !*names) {
        free(*cols);
        free(*names);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t j = 0; which != 1 && j < v->pf; j++, k++) {
        (*cols)[k] = v->fcols[j];
        (*names)[k] = v->fnames[j];
    }
    for (size_t j = 0; which != 0 && j < v->pc; j++, k++) {
        (*cols)[k] = v->ccols[j];
        (*names)[k] = v->cnames[j];
    }
    *p = k;
    return VX_OK;
}

static int load_data(vxs_ctx *ctx, const vxs_node *cfg, unsigned long seed, vxc_data *v, vx_error *err)
{
    memset(v, 0, sizeof *v);
    const vxs_node *inputs = vxs_get(ctx->root, "inputs");
    unsigned what = VXS_FEATURES | (vxs_get(inputs, "clinical") ? VXS_CLINICAL : 0u);
    int rc = vxs_load(ctx, what, &v->d, err);
    if (rc == VX_OK)
        rc = load_label(v, vxs_get(ctx->root, "outcome"), err);
    if (rc == VX_OK)
        rc = load_columns(v, cfg, err);
    if (rc == VX_OK)
        rc = split_rows(v, cfg, seed, err);
    return rc;
}

/* The cohort summary and settings of the step's result. */
static void data_json(const vxc_data *v, const vxc_setup *s, const vxs_node *cfg, cJSON *result)
{
    cJSON *d = cJSON_AddObjectToObject(result, "data");
    cJSON_AddStringToObject(d, "label", v->label);
    cJSON_AddStringToObject(d, "negative", v->lab[0]);
    cJSON_AddStringToObject(d, "positive", v->lab[1]);
    size_t npos = 0;
    for (size_t i = 0; i < v->n; i++)
        npos += (size_t)v->y[i];
    cJSON_AddNumberToObject(d, "n", (double)v->n);
    cJSON_AddNumberToObject(d, "n_pos", (double)npos);
    cJSON_AddNumberToObject(d, "n_neg", (double)(v->n - npos));
    cJSON_AddNumberToObject(d, "n_label_missing", (double)v->n_dropped);
    cJSON_AddNumberToObject(d, "n_development", (double)v->ndev);
    cJSON_AddNumberToObject(d, "n_holdout", (double)v->nhold);
    cJSON_AddNumberToObject(d, "n_features", (double)v->pf);
    cJSON_AddNumberToObject(d, "folds", s->K);
    cJSON_AddNumberToObject(d, "repeats", s->R);
    cJSON_AddNumberToObject(d, "seed", (double)s->seed);
    const vxs_node *sel = vxs_get(cfg, "select");
    cJSON_AddStringToObject(d, "select", vxs_str(sel, "method", "none"));
    cJSON_AddStringToObject(d, "missing", "feature cells imputed with the training medians inside each fold");
}

/* Cross-validate every model on the development rows: models[] of the result, the DeLong comparisons; *best the
 * model with the highest mean fold AUC. cv receives nm results (the caller frees them). */
static int run_models(const vxc_data *v, const vxc_model *models, size_t nm, const vxc_setup *s, vxc_cv *cv,
                      size_t *best, cJSON *result, vx_error *err)
{
    double *X = vxc_matrix(&v->d.t, v->dev, v->ndev, v->fcols, v->pf);
    int rc = X ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    cJSON *arr = cJSON_AddArrayToObject(result, "models");
    *best = 0;
    for (size_t m = 0; rc == VX_OK && m < nm; m++) {
        cv[m].name = models[m].name;
        rc = vxc_cv_run(X, v->ndev, v->pf, v->ydev, v->fnames, &models[m].pp, s, &cv[m], err);
        cJSON *j = rc == VX_OK ? vxc_cv_json(&cv[m], v->ydev, err) : NULL;
        if (rc == VX_OK && !j)
            rc = VX_EINVAL;
        if (j)
            cJSON_AddItemToArray(arr, j);
        if (rc == VX_OK && cv[m].auc_mean > cv[*best].auc_mean)
            *best = m;
    }
    free(X);
    if (rc == VX_OK) {
        cJSON_AddItemToObject(result, "delong", vxc_delong_json(cv, nm, v->ydev));
        cJSON_AddStringToObject(result, "best_model", models[*best].name);
        cJSON_AddNumberToObject(result, "best_index", (double)*best);
    }
    return rc;
}

/* Top-level summary keys for the report's quality score: "calibration" (the best model's pooled out-of-fold
 * calibration), "clinical_covariates" and "validation" {cross_validation, holdout, external}. */
static void summary_json(const vxc_data *v, const vxs_node *cfg, size_t best, cJSON *result)
{
    const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(result, "models"), (int)best);
    const cJSON *po = cJSON_GetObjectItem(m, "pooled"), *cal = cJSON_GetObjectItem(po, "calibration");
    cJSON *c = cJSON_AddObjectToObject(result, "calibration");
    cJSON_AddStringToObject(c, "model", cJSON_GetStringValue(cJSON_GetObjectItem(m, "name")));
    cJSON_AddStringToObject(c, "source", "pooled out-of-fold probabilities (repeat 1)");
    cJSON_AddNumberToObject(c, "intercept", vxs_json_num(cal, "intercept"));
    cJSON_AddNumberToObject(c, "slope", vxs_json_num(cal, "slope"));
    cJSON_AddNumberToObject(c, "brier", vxs_json_num(po, "brier"));
    cJSON_AddItemToObject(result, "clinical_covariates", vxs_json_strings(v->cnames, v->pc));
    cJSON *val = cJSON_AddObjectToObject(result, "validation");
    cJSON_AddBoolToObject(val, "cross_validation", 1);
    cJSON_AddBoolToObject(val, "holdout", v->nhold > 0);
    cJSON_AddBoolToObject(val, "external", vxs_get(cfg, "external") != NULL);
}

static int classification_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    vxc_setup s = {(int)vxs_int(cfg, "folds", 5), (int)vxs_int(cfg, "repeats", 1),
                   (unsigned long)vxs_int(cfg, "seed", 1)};
    if (s.K < 2 || s.R < 1)
        return vx_error_set(err, VX_EINVAL, "steps.classification: folds %d, repeats %d: give folds >= 2 and "
                            "repeats >= 1", s.K, s.R);
    vxc_model *models = NULL;
    size_t nm = 0, best = 0;
    vxc_data v;
    memset(&v, 0, sizeof v);
    int rc = parse_models(cfg, s.seed, &models, &nm, err);
    if (rc == VX_OK)
        rc = load_data(ctx, cfg, s.seed, &v, err);
    vxc_cv *cv = rc == VX_OK ? calloc(nm, sizeof *cv) : NULL;
    if (rc == VX_OK && !cv)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK) {
        data_json(&v, &s, cfg, result);
        rc = run_models(&v, models, nm, &s, cv, &best, result, err);
    }
    if (rc == VX_OK)
        summary_json(&v, cfg, best, result);
    if (rc == VX_OK)
        rc = vxc_final(ctx, cfg, &v, models, nm, best, &cv[best], result, err);
    if (rc == VX_OK && v.pc)
        rc = vxc_clinical(&v, &models[best], &cv[best], &s, result, err);
    if (rc == VX_OK && vxs_get(cfg, "blocks"))
        rc = vxc_fusion(cfg, &v, &models[0], &s, result, err);
    if (rc == VX_OK)
        rc = vxc_write_csv(ctx, &v, cv, nm, result, err);
    for (size_t m = 0; cv && m < nm; m++)
        vxc_cv_free(&cv[m]);
    free(cv);
    free(models);
    vxc_data_free(&v);
    return rc;
}

const vxs_step vxs_step_classification = {"classification", "Classification", classification_keys,
                                          classification_run, vxc_section};
