/* voxomics study, classification: the models fitted on every development row, evaluated on the held-out rows and
 * on an external cohort; the feature importance of the best model; DeLong comparisons of the CV models.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/roc.h"
#include "study/step_class.h"

cJSON *vxc_delong_json(const vxc_cv *cv, size_t nm, const int *y)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t a = 0; a < nm; a++)
        for (size_t b = a + 1; b < nm; b++) {
            double aa = NAN, ab = NAN, z = NAN, p = NAN;
            vx_error e;
            vx_error_clear(&e);
            vx_roc_delong_paired(cv[a].score, cv[b].score, y, cv[a].n, &aa, &ab, &z, &p, &e);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "a", cv[a].name);
            cJSON_AddStringToObject(o, "b", cv[b].name);
            cJSON_AddNumberToObject(o, "auc_a", cv[a].pooled[0]);
            cJSON_AddNumberToObject(o, "auc_b", cv[b].pooled[0]);
            cJSON_AddNumberToObject(o, "z", z);
            cJSON_AddNumberToObject(o, "p", p);
            cJSON_AddItemToArray(arr, o);
        }
    return arr;
}

typedef struct ranked {
    double v;
    size_t i;
} ranked;

static int by_v_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

/* importance: the selection frequency over the CV folds of the best model (top VXC_TOP; left out when every
 * feature was kept in every fold) and, for logreg, the standardised coefficients of its fit on every development row (top VXC_TOP by |coefficient|). */
static cJSON *importance_json(const vxc_data *v, const vxc_model *m, const vxc_cv *c, const vx_pipeline *pl)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", m->name);
    ranked *r = malloc((v->pf + 1) * sizeof *r);
    double val[VXC_TOP];
    const char *nm[VXC_TOP];
    for (size_t j = 0; r && j < v->pf; j++)
        r[j] = (ranked){c->sel[j], j};
    qsort(r, v->pf, sizeof *r, by_v_desc);
    size_t k = 0;
    for (; r && k < VXC_TOP && k < v->pf && r[k].v > 0; k++) {
        val[k] = r[k].v;
        nm[k] = v->fnames[r[k].i];
    }
    int every = 1; /* every feature in every fold: no selection, nothing to rank */
    for (size_t j = 0; j < v->pf; j++)
        every &= c->sel[j] == 1.0;
    if (!every) {
        cJSON *sf = cJSON_AddObjectToObject(o, "selection_frequency");
        cJSON_AddItemToObject(sf, "features", vxs_json_strings(nm, k));
        cJSON_AddItemToObject(sf, "values", vxs_json_array(val, k));
    }
    double b0;
    const double *w = vx_model_logreg_coef(vx_pipeline_model(pl), &b0);
    const size_t *sel;
    size_t ks = vx_pipeline_selected(pl, &sel);
    const char *const *names;
    vx_pipeline_features(pl, &names);
    if (w && r) {
        for (size_t j = 0; j < ks; j++)
            r[j] = (ranked){fabs(w[j]), j};
        qsort(r, ks, sizeof *r, by_v_desc);
        for (k = 0; k < VXC_TOP && k < ks; k++) {
            val[k] = w[r[k].i];
            nm[k] = names[sel[r[k].i]];
        }
        cJSON *co = cJSON_AddObjectToObject(o, "coefficients");
        cJSON_AddItemToObject(co, "features", vxs_json_strings(nm, k));
        cJSON_AddItemToObject(co, "values", vxs_json_array(val, k));
        cJSON_AddStringToObject(co, "scale", "standardised (training mean and sd): log-odds per sd");
    }
    free(r);
    return o;
}

/* Predictions of pl for the rows X (nte x p) evaluated against y into an array entry named after the model. */
static int eval_into(cJSON *arr, const char *name, const vx_pipeline *pl, const double *X, size_t nte,
                     const int *y, vx_error *err)
{
    double *s = malloc((nte + 1) * sizeof *s), *p = malloc((nte + 1) * sizeof *p);
    int rc = s && p ? vx_pipeline_predict(pl, X, nte, NULL, s, p, err)
                    : vx_error_set(err, VX_ENOMEM, "out of memory");
    cJSON *e = rc == VX_OK ? vxc_eval_json(s, p, y, nte, err) : NULL;
    if (rc == VX_OK && !e)
        rc = VX_EINVAL;
    if (e) {
        cJSON_AddStringToObject(e, "name", name);
        cJSON_AddItemToObject(e, "score", vxs_json_array(s, nte));
        cJSON_AddItemToObject(e, "prob", vxs_json_array(p, nte));
        for (size_t i = 0; i < nte; i++)
            s[i] = y[i];
        cJSON_AddItemToObject(e, "label", vxs_json_array(s, nte));
        cJSON_AddItemToArray(arr, e);
    }
    free(s);
    free(p);
    return rc;
}

int vxc_final(vxs_ctx *ctx, const vxs_node *cfg, const vxc_data *v, const vxc_model *models, size_t nm,
              size_t best, const vxc_cv *best_cv, cJSON *result, vx_error *err)
{
    const vxs_node *ext = vxs_get(cfg, "external");
    double *Xd = vxc_matrix(&v->d.t, v->dev, v->ndev, v->fcols, v->pf);
    double *Xh = vxc_matrix(&v->d.t, v->hold, v->nhold, v->fcols, v->pf), *Xe = NULL;
    int *ye = NULL;
    size_t ne = 0;
    int rc = Xd && Xh ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK && ext)
        rc = vxc_external_load(ctx, ext, v, &Xe, &ye, &ne, err);
    cJSON *ho = v->nhold ? cJSON_AddObjectToObject(result, "holdout") : NULL;
    cJSON *ex = ext ? cJSON_AddObjectToObject(result, "external") : NULL;
    cJSON *hm = ho ? cJSON_AddArrayToObject(ho, "models") : NULL, *em = ex ? cJSON_AddArrayToObject(ex, "models")
                                                                           : NULL;
    if (ho) {
        cJSON_AddNumberToObject(ho, "n_train", (double)v->ndev);
        cJSON_AddNumberToObject(ho, "n_test", (double)v->nhold);
    }
    if (ex)
        cJSON_AddNumberToObject(ex, "n", (double)ne);
    for (size_t m = 0; rc == VX_OK && m < nm; m++) {
        vx_pipeline *pl = NULL;
        rc = vx_pipeline_fit(Xd, v->ndev, v->pf, v->ydev, v->fnames, NULL, &models[m].pp, &pl, err);
        if (rc == VX_OK && ho)
            rc = eval_into(hm, models[m].name, pl, Xh, v->nhold, v->yhold, err);
        if (rc == VX_OK && ex)
            rc = eval_into(em, models[m].name, pl, Xe, ne, ye, err);
        if (rc == VX_OK && m == best)
            cJSON_AddItemToObject(result, "importance", importance_json(v, &models[m], best_cv, pl));
        if (rc != VX_OK)
            vx_error_prefix(err, "classification: model %s fitted on the %s rows: ", models[m].name,
                            v->nhold ? "training" : "development");
        vx_pipeline_free(pl);
    }
    free(Xd);
    free(Xh);
    free(Xe);
    free(ye);
    return rc;
}
