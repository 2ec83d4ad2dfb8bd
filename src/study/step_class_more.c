/* voxomics study, classification: the external cohort's data, the clinical covariates (clinical alone and imaging +
 * clinical, compared by DeLong) and multimodal blocks (vx_fusion_cv).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/roc.h"
#include "study/step_class.h"

/* Read the external feature table (and its clinical table, joined by ID); keep the rows with a label. */
static int external_table(vxs_ctx *ctx, const vxs_node *ext, const vxc_data *v, vx_table *t, long *lc,
                          vx_error *err)
{
    const vxs_node *cl = vxs_get(ext, "clinical");
    char *fp = vxs_resolve(ctx, vxs_str(ext, "features", ""));
    char *cp = cl ? vxs_resolve(ctx, vxs_str(cl, "path", "")) : NULL;
    int rc = fp && (!cl || cp) ? vxs_input(ctx, fp, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vx_table_read(fp, vxs_str(ext, "id", NULL), t, err);
    if (rc == VX_OK && cl && (rc = vxs_input(ctx, cp, err)) == VX_OK) {
        vx_table c;
        size_t ua, ub;
        rc = vx_table_read(cp, vxs_str(cl, "id", NULL), &c, err);
        if (rc == VX_OK)
            rc = vx_table_join(t, &c, &ua, &ub, err);
        vx_table_free(&c);
    }
    *lc = rc == VX_OK ? vx_table_col(t, v->label) : -1;
    if (rc == VX_OK && *lc < 0)
        rc = vx_error_set(err, VX_EINVAL, "no label column '%s' (outcome.label) in the external feature or clinical "
                          "table: add external.clinical {path, id}", v->label);
    unsigned char *keep = rc == VX_OK ? malloc(t->nrow + 1) : NULL;
    for (size_t i = 0; keep && i < t->nrow; i++)
        keep[i] = !vx_table_cell_missing(t, i, (size_t)*lc);
    if (rc == VX_OK)
        rc = keep ? vx_table_filter_rows(t, keep, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    free(keep);
    free(fp);
    free(cp);
    return rc;
}

int vxc_external_load(vxs_ctx *ctx, const vxs_node *ext, const vxc_data *v, double **X, int **y, size_t *n,
                      vx_error *err)
{
    vx_table t;
    memset(&t, 0, sizeof t);
    long lc = -1;
    int rc = external_table(ctx, ext, v, &t, &lc, err);
    size_t *cols = malloc((v->pf + 1) * sizeof *cols);
    *y = malloc((t.nrow + 1) * sizeof **y);
    if (rc == VX_OK && (!cols || !*y))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; rc == VX_OK && j < v->pf; j++) {
        long c = vx_table_col(&t, v->fnames[j]);
        if (c < 0)
            rc = vx_error_set(err, VX_EINVAL, "the external feature table has no column '%s' (it needs every feature "
                              "of the development table, by name)", v->fnames[j]);
        cols[j] = (size_t)(c < 0 ? 0 : c);
    }
    const char *names[2];
    if (rc == VX_OK)
        rc = vx_table_binary_label(&t, (size_t)lc, v->lab[1], *y, names, err);
    if (rc == VX_OK && strcmp(names[0], v->lab[0]))
        rc = vx_error_set(err, VX_EINVAL, "label '%s': the external cohort's values are '%s' and '%s', the "
                          "development cohort's '%s' and '%s'", v->label, names[0], names[1], v->lab[0], v->lab[1]);
    size_t *rows = rc == VX_OK ? malloc((t.nrow + 1) * sizeof *rows) : NULL;
    for (size_t i = 0; rows && i < t.nrow; i++)
        rows[i] = i;
    *X = rows ? vxc_matrix(&t, rows, t.nrow, cols, v->pf) : NULL;
    if (rc == VX_OK && !*X)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    *n = t.nrow;
    free(rows);
    free(cols);
    vx_table_free(&t);
    if (rc != VX_OK) {
        vx_error_prefix(err, "steps.classification.external: ");
        free(*y);
        *y = NULL;
    }
    return rc;
}

/* CV of the columns `which` (vxc_columns) with pp into c and its JSON into arr. */
static int cv_columns(const vxc_data *v, int which, const char *name, const vx_pipeline_params *pp,
                      const vxc_setup *s, vxc_cv *c, cJSON *arr, vx_error *err)
{
    size_t *cols = NULL, p = 0;
    const char **names = NULL;
    int rc = vxc_columns(v, which, &cols, &names, &p, err);
    double *X = rc == VX_OK ? vxc_matrix(&v->d.t, v->dev, v->ndev, cols, p) : NULL;
    if (rc == VX_OK && !X)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    c->name = name;
    if (rc == VX_OK)
        rc = vxc_cv_run(X, v->ndev, p, v->ydev, names, pp, s, c, err);
    cJSON *j = rc == VX_OK ? vxc_cv_json(c, v->ydev, err) : NULL;
    if (rc == VX_OK && !j)
        rc = VX_EINVAL;
    if (j) {
        cJSON_AddItemToObject(j, "features", vxs_json_strings(names, p));
        cJSON_AddItemToArray(arr, j);
    }
    free(X);
    free(cols);
    free(names);
    return rc;
}

int vxc_clinical(const vxc_data *v, const vxc_model *best, const vxc_cv *best_cv, const vxc_setup *s,
                 cJSON *result, vx_error *err)
{
    cJSON *o = cJSON_AddObjectToObject(result, "clinical");
    cJSON_AddItemToObject(o, "covariates", vxs_json_strings(v->cnames, v->pc));
    cJSON *arr = cJSON_AddArrayToObject(o, "models");
    vx_pipeline_params pc;
    vx_pipeline_params_default(&pc, VX_MODEL_LOGREG);
    pc.model.seed = s->seed;
    vxc_cv c[3];
    memset(c, 0, sizeof c);
    char both[96];
    snprintf(both, sizeof both, "imaging + clinical (%s)", best->name);
    int rc = cv_columns(v, 1, "clinical (logreg)", &pc, s, &c[0], arr, err);
    if (rc == VX_OK)
        rc = cv_columns(v, 2, both, &best->pp, s, &c[1], arr, err);
    if (rc == VX_OK) {
        c[2] = *best_cv; /* borrowed: not freed here */
        c[2].name = best->name;
        cJSON_AddItemToObject(o, "delong", vxc_delong_json(c, 3, v->ydev));
        cJSON_AddStringToObject(o, "note", "clinical alone: logreg without selection; imaging + clinical: the best "
                                           "imaging model and selection on the features and covariates together");
    }
    vxc_cv_free(&c[0]);
    vxc_cv_free(&c[1]);
    return rc;
}

/* One block's columns: "features" (the imaging features), "clinical" (the step's covariates) or a list. */
static int block_columns(const vxs_node *b, const char *name, const vxc_data *v, size_t **cols, size_t *p,
                         vx_error *err)
{
    if (b->kind == VXS_SCALAR && (!strcmp(b->value, "features") || !strcmp(b->value, "clinical"))) {
        const char **nm = NULL;
        int rc = vxc_columns(v, strcmp(b->value, "features") ? 1 : 0, cols, &nm, p, err);
        free(nm);
        if (rc == VX_OK && *p == 0)
            rc = vx_error_set(err, VX_EINVAL, "steps.classification.blocks.%s: clinical: give the covariates in "
                              "steps.classification.clinical", name);
        return rc;
    }
    if (b->kind != VXS_SEQ || b->n == 0)
        return vx_error_set(err, VX_EINVAL, "line %d: steps.classification.blocks.%s: give 'features', 'clinical' "
                            "or a list of columns", b->line, name);
    *cols = malloc(b->n * sizeof **cols);
    if (!*cols)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    *p = b->n;
    int rc = VX_OK;
    for (size_t j = 0; rc == VX_OK && j < b->n; j++)
        rc = b->items[j]->kind == VXS_SCALAR
                 ? vxs_col(&v->d, b->items[j]->value, "steps.classification.blocks", &(*cols)[j], err)
                 : vx_error_set(err, VX_EINVAL, "line %d: steps.classification.blocks.%s: a column name per item",
                                b->items[j]->line, name);
    return rc;
}

/* One block's or the fused model's CV results. */
static cJSON *fusion_one(const char *name, size_t p, const vx_cv_result *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", name);
    cJSON_AddNumberToObject(j, "features", (double)p);
    cJSON_AddItemToObject(j, "auc_folds", vxs_json_array(r->auc, (size_t)r->folds * (size_t)r->repeats));
    cJSON_AddNumberToObject(j, "auc_mean", r->auc_mean);
    cJSON_AddNumberToObject(j, "auc_sd", r->auc_sd);
    cJSON_AddItemToObject(j, "auc_pooled", vxs_json_array(r->pooled, (size_t)r->repeats));
    return j;
}

static void fusion_json(const vxs_node *bl, const vx_fusion_block *fb, const vx_fusion_result *r, size_t ptot,
                        const char *kind, const char *model, cJSON *result)
{
    cJSON *o = cJSON_AddObjectToObject(result, "fusion");
    cJSON_AddStringToObject(o, "kind", kind);
    cJSON_AddStringToObject(o, "model", model);
    cJSON *arr = cJSON_AddArrayToObject(o, "blocks");
    for (size_t b = 0; b < bl->n; b++)
        cJSON_AddItemToArray(arr, fusion_one(bl->keys[b], fb[b].p, &r->block[b]));
    cJSON_AddItemToObject(o, "fused", fusion_one("fused", ptot, &r->fused));
    cJSON *dl = cJSON_AddArrayToObject(o, "delong");
    for (size_t k = 0; k < r->ndelong; k++) {
        const vx_fusion_delong *e = &r->delong[k];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "a", bl->keys[e->a]);
        cJSON_AddStringToObject(j, "b", "fused");
        cJSON_AddNumberToObject(j, "repeat", e->repeat + 1);
        cJSON_AddNumberToObject(j, "auc_a", e->auc_a);
        cJSON_AddNumberToObject(j, "auc_b", e->auc_b);
        cJSON_AddNumberToObject(j, "z", e->z);
        cJSON_AddNumberToObject(j, "p", e->p);
        cJSON_AddItemToArray(dl, j);
    }
}

int vxc_fusion(const vxs_node *cfg, const vxc_data *v, const vxc_model *first, const vxc_setup *s, cJSON *result,
               vx_error *err)
{
    const vxs_node *bl = vxs_get(cfg, "blocks");
    const char *kind = vxs_str(cfg, "fusion", "late");
    int fk = vx_fusion_kind_find(kind);
    if (fk < 0)
        return vx_error_set(err, VX_EINVAL, "steps.classification.fusion '%s': give early or late", kind);
    if (!bl || bl->kind != VXS_MAP || bl->n == 0)
        return vx_error_set(err, VX_EINVAL, "steps.classification.blocks: a map NAME: features | clinical | [cols]");
    size_t nb = bl->n, ptot = 0, *cols[64] = {0}, pb[64] = {0};
    vx_fusion_block fb[64];
    int rc = nb <= 64 ? VX_OK : vx_error_set(err, VX_EINVAL, "steps.classification.blocks: at most 64 blocks");
    for (size_t b = 0; rc == VX_OK && b < nb; b++) {
        rc = block_columns(bl->items[b], bl->keys[b], v, &cols[b], &pb[b], err);
        ptot += pb[b];
    }
    /* X holds every block's columns side by side (a column in two blocks is there twice) */
    size_t *all = rc == VX_OK ? malloc((ptot + 1) * sizeof *all) : NULL, *idx = all ? malloc((ptot + 1) * sizeof *idx)
                                                                                     : NULL;
    const char **names = idx ? malloc((ptot + 1) * sizeof *names) : NULL;
    if (rc == VX_OK && !names)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t b = 0, k = 0; rc == VX_OK && b < nb; b++) {
        fb[b] = (vx_fusion_block){bl->keys[b], idx + k, pb[b]};
        for (size_t j = 0; j < pb[b]; j++, k++) {
            all[k] = cols[b][j];
            idx[k] = k;
            names[k] = v->d.t.colnames[cols[b][j]];
        }
    }
    double *X = rc == VX_OK ? vxc_matrix(&v->d.t, v->dev, v->ndev, all, ptot) : NULL;
    vx_cv_options o = {s->K, s->R, s->seed, NULL, NULL, 0, NULL};
    vx_fusion_result r;
    memset(&r, 0, sizeof r);
    if (rc == VX_OK)
        rc = X ? vx_fusion_cv(X, v->ndev, ptot, v->ydev, names, fb, nb, &first->pp, &o, (vx_fusion_kind)fk, 1, &r, err)
               : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        fusion_json(bl, fb, &r, ptot, kind, first->name, result);
    else
        vx_error_prefix(err, "steps.classification.blocks: ");
    vx_fusion_result_free(&r);
    for (size_t b = 0; b < nb && b < 64; b++)
        free(cols[b]);
    free(all);
    free(idx);
    free(names);
    free(X);
    return rc;
}
