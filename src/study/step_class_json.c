/* voxomics study, classification: the JSON of one model's cross-validation (fold ROC curves, the mean ROC with
 * its band, the pooled out-of-fold evaluation) and the matrix helper.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/roc.h"
#include "study/step_class.h"

#define Z975 1.959963984540054

double *vxc_matrix(const vx_table *t, const size_t *rows, size_t n, const size_t *cols, size_t p)
{
    double *X = malloc((n * p + 1) * sizeof *X);
    for (size_t i = 0; X && i < n; i++)
        for (size_t j = 0; j < p; j++)
            X[i * p + j] = t->num[rows[i] * t->ncol + cols[j]];
    return X;
}

/* The fold ROC curves of c (every repeat's folds, repeat-major) concatenated into fpr/tpr with offsets start. */
static int fold_curves(const vxc_cv *c, const int *y, double *fpr, double *tpr, size_t *start, vx_error *err)
{
    const size_t n = c->n;
    double *s = malloc((n + 1) * sizeof *s);
    int *yy = malloc((n + 1) * sizeof *yy);
    int rc = s && yy ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    size_t at = 0, k = 0;
    for (int r = 0; rc == VX_OK && r < c->R; r++)
        for (int f = 0; rc == VX_OK && f < c->K; f++) {
            size_t m = 0, np = 0;
            for (size_t i = 0; i < n; i++)
                if (c->fold[(size_t)r * n + i] == f) {
                    s[m] = c->score[(size_t)r * n + i];
                    yy[m++] = y[i];
                }
            start[k++] = at;
            rc = vx_roc_curve(s, yy, m, fpr + at, tpr + at, &np, err);
            at += np;
        }
    start[k] = at;
    free(s);
    free(yy);
    return rc;
}

static void add_curve(cJSON *arr, const double *fpr, const double *tpr, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "fpr", vxs_json_array(fpr, n));
    cJSON_AddItemToObject(o, "tpr", vxs_json_array(tpr, n));
    cJSON_AddItemToArray(arr, o);
}

/* roc_folds and roc_mean of c into o. */
static int roc_json(const vxc_cv *c, const int *y, cJSON *o, vx_error *err)
{
    const size_t nf = (size_t)c->K * (size_t)c->R, room = (size_t)c->R * (c->n + (size_t)c->K) + 1;
    double *fpr = malloc(room * sizeof *fpr), *tpr = malloc(room * sizeof *tpr);
    size_t *start = malloc((nf + 1) * sizeof *start);
    double grid[VXC_GRID], mean[VXC_GRID], lo[VXC_GRID], hi[VXC_GRID];
    for (size_t g = 0; g < VXC_GRID; g++)
        grid[g] = (double)g / (double)(VXC_GRID - 1);
    int rc = fpr && tpr && start ? fold_curves(c, y, fpr, tpr, start, err)
                                 : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vxc_mean_roc(fpr, tpr, start, nf, grid, VXC_GRID, mean, lo, hi, err);
    if (rc == VX_OK) {
        cJSON *folds = cJSON_AddArrayToObject(o, "roc_folds");
        for (size_t k = 0; k < nf; k++)
            add_curve(folds, fpr + start[k], tpr + start[k], start[k + 1] - start[k]);
        cJSON *m = cJSON_AddObjectToObject(o, "roc_mean");
        cJSON_AddItemToObject(m, "fpr", vxs_json_array(grid, VXC_GRID));
        cJSON_AddItemToObject(m, "tpr", vxs_json_array(mean, VXC_GRID));
        cJSON_AddItemToObject(m, "lo", vxs_json_array(lo, VXC_GRID));
        cJSON_AddItemToObject(m, "hi", vxs_json_array(hi, VXC_GRID));
        cJSON_AddStringToObject(m, "band", "mean -/+ 1.96 sd / sqrt(curves) of the fold TPRs at each FPR, "
                                           "clipped to [0, 1]");
    }
    free(fpr);
    free(tpr);
    free(start);
    return rc;
}

cJSON *vxc_cv_json(const vxc_cv *c, const int *y, vx_error *err)
{
    const size_t nf = (size_t)c->K * (size_t)c->R;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", c->name);
    cJSON_AddNumberToObject(o, "folds", c->K);
    cJSON_AddNumberToObject(o, "repeats", c->R);
    cJSON_AddItemToObject(o, "auc_folds", vxs_json_array(c->auc, nf));
    cJSON_AddNumberToObject(o, "auc_mean", c->auc_mean);
    cJSON_AddNumberToObject(o, "auc_sd", c->auc_sd);
    const double h = Z975 * c->auc_sd / sqrt((double)nf);
    const double ci[2] = {fmax(0.0, c->auc_mean - h), fmin(1.0, c->auc_mean + h)};
    cJSON_AddItemToObject(o, "auc_mean_ci", vxs_json_array(ci, 2));
    cJSON_AddItemToObject(o, "auc_pooled", vxs_json_array(c->pooled, (size_t)c->R));
    cJSON_AddNumberToObject(o, "seconds", c->seconds);
    cJSON *pooled = vxc_eval_json(c->score, c->prob, y, c->n, err);
    int rc = pooled ? roc_json(c, y, o, err) : VX_EINVAL;
    if (pooled)
        cJSON_AddItemToObject(o, "pooled", pooled);
    if (rc != VX_OK) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
