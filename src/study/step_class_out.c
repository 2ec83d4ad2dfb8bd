/* voxomics study, classification: OUTDIR/classification/oof.csv (out-of-fold predictions), roc.csv (fold and mean
 * ROC curves) and holdout.csv (held-out predictions).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/step_class.h"

/* Write the memory stream's text to OUTDIR/<rel>. */
static int flush_to(const vxs_ctx *ctx, const char *rel, FILE *f, char **buf, vx_error *err)
{
    if (fclose(f) != 0 || !*buf)
        return vx_error_set(err, VX_ENOMEM, "out of memory writing %s", rel);
    int rc = vxs_write_text(ctx, rel, *buf, err);
    free(*buf);
    *buf = NULL;
    return rc;
}

static int write_oof(const vxs_ctx *ctx, const vxc_data *v, const vxc_cv *cv, size_t nm, vx_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    fprintf(f, "ID,repeat,fold,label");
    for (size_t m = 0; m < nm; m++)
        fprintf(f, ",score_%s,prob_%s", cv[m].name, cv[m].name);
    fputc('\n', f);
    for (int r = 0; nm && r < cv[0].R; r++)
        for (size_t i = 0; i < v->ndev; i++) {
            const size_t k = (size_t)r * v->ndev + i;
            fprintf(f, "%s,%d,%d,%d", VX_TABLE_ID(&v->d.t, v->dev[i]), r + 1, cv[0].fold[k] + 1, v->ydev[i]);
            for (size_t m = 0; m < nm; m++)
                fprintf(f, ",%.17g,%.17g", cv[m].score[k], cv[m].prob[k]);
            fputc('\n', f);
        }
    return flush_to(ctx, "classification/oof.csv", f, &buf, err);
}

static void curve_rows(FILE *f, const char *model, const char *curve, const cJSON *c)
{
    const cJSON *x = cJSON_GetObjectItem(c, "fpr"), *y = cJSON_GetObjectItem(c, "tpr");
    const cJSON *lo = cJSON_GetObjectItem(c, "lo"), *hi = cJSON_GetObjectItem(c, "hi");
    int n = cJSON_GetArraySize(x);
    for (int k = 0; k < n; k++) {
        fprintf(f, "%s,%s,%.17g,%.17g", model, curve, cJSON_GetArrayItem(x, k)->valuedouble,
                cJSON_GetArrayItem(y, k)->valuedouble);
        if (lo && hi)
            fprintf(f, ",%.17g,%.17g\n", cJSON_GetArrayItem(lo, k)->valuedouble, cJSON_GetArrayItem(hi, k)->valuedouble);
        else
            fprintf(f, ",,\n");
    }
}

static int write_roc(const vxs_ctx *ctx, const cJSON *models, vx_error *err)
{
    char *buf = NULL, name[32];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    fprintf(f, "model,curve,fpr,tpr,lo,hi\n");
    const cJSON *m;
    cJSON_ArrayForEach(m, models)
    {
        const char *mn = cJSON_GetStringValue(cJSON_GetObjectItem(m, "name"));
        int k = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(m, "roc_folds"))
        {
            snprintf(name, sizeof name, "fold %d", ++k);
            curve_rows(f, mn, name, c);
        }
        curve_rows(f, mn, "mean", cJSON_GetObjectItem(m, "roc_mean"));
        curve_rows(f, mn, "pooled", cJSON_GetObjectItem(cJSON_GetObjectItem(m, "pooled"), "roc"));
    }
    return flush_to(ctx, "classification/roc.csv", f, &buf, err);
}

static int write_holdout(const vxs_ctx *ctx, const vxc_data *v, const cJSON *ho, vx_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    const cJSON *models = cJSON_GetObjectItem(ho, "models"), *m;
    fprintf(f, "ID,label");
    cJSON_ArrayForEach(m, models)
    fprintf(f, ",score_%s", cJSON_GetStringValue(cJSON_GetObjectItem(m, "name")));
    fputc('\n', f);
    for (size_t i = 0; i < v->nhold; i++) {
        fprintf(f, "%s,%d", VX_TABLE_ID(&v->d.t, v->hold[i]), v->yhold[i]);
        cJSON_ArrayForEach(m, models)
        fprintf(f, ",%.17g", cJSON_GetArrayItem(cJSON_GetObjectItem(m, "score"), (int)i)->valuedouble);
        fputc('\n', f);
    }
    return flush_to(ctx, "classification/holdout.csv", f, &buf, err);
}

int vxc_write_csv(const vxs_ctx *ctx, const vxc_data *v, const vxc_cv *cv, size_t nm, const cJSON *result,
                  vx_error *err)
{
    int rc = write_oof(ctx, v, cv, nm, err);
    if (rc == VX_OK)
        rc = write_roc(ctx, cJSON_GetObjectItem(result, "models"), err);
    const cJSON *ho = cJSON_GetObjectItem(result, "holdout");
    if (rc == VX_OK && ho)
        rc = write_holdout(ctx, v, ho, err);
    return rc;
}
