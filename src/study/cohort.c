/* voxomics: the cohort summary of study.json: the feature table joined with the clinical and batch tables, the
 * label's levels, events and median time, the batches' sizes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study/runner.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* {level: n} of a categorical column over the non-missing cells (levels sorted); the missing count returned. */
static size_t level_counts(const vx_table *t, size_t col, cJSON *out)
{
    const char **v = malloc((t->nrow ? t->nrow : 1) * sizeof *v);
    size_t n = 0, missing = 0;
    for (size_t i = 0; v && i < t->nrow; i++) {
        if (vxs_cell_missing(t, i, col))
            missing++;
        else
            v[n++] = t->cell[i * t->ncol + col];
    }
    if (!v)
        return 0;
    qsort(v, n, sizeof *v, cmp_str);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && !strcmp(v[j], v[i]))
            j++;
        cJSON_AddNumberToObject(out, v[i], (double)(j - i));
        i = j;
    }
    free(v);
    return missing;
}

/* n_events, n_censored, median_time over the rows with both a time and an event. */
static void survival_counts(const vx_table *t, size_t tc, size_t ec, cJSON *cohort)
{
    double *times = malloc((t->nrow ? t->nrow : 1) * sizeof *times);
    size_t n = 0, events = 0;
    for (size_t i = 0; times && i < t->nrow; i++) {
        double tm = t->num[i * t->ncol + tc], ev = t->num[i * t->ncol + ec];
        if (!isfinite(tm) || !isfinite(ev))
            continue;
        times[n++] = tm;
        events += ev != 0;
    }
    qsort(times, n, sizeof *times, cmp_dbl);
    double med = !n ? NAN : n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    cJSON_AddNumberToObject(cohort, "n_events", (double)events);
    cJSON_AddNumberToObject(cohort, "n_censored", (double)(n - events));
    cJSON_AddItemToObject(cohort, "median_time", isfinite(med) ? cJSON_CreateNumber(med) : cJSON_CreateNull());
    free(times);
}

static long table_rows(vxs_ctx *ctx, const char *role, vx_error *err)
{
    const vxs_node *m = vxs_get(vxs_get(ctx->root, "inputs"), role);
    char *path = vxs_resolve(ctx, vxs_str(m, "path", NULL));
    if (!path)
        return -1;
    vx_table t;
    int rc = vx_table_read(path, vxs_str(m, "id", NULL), &t, err);
    long n = rc == VX_OK ? (long)t.nrow : -1;
    vx_table_free(&t);
    free(path);
    return n;
}

/* The outcome's and batch's columns of the joined table. */
static int outcome_counts(vxs_ctx *ctx, const vxs_data *d, cJSON *cohort, vx_error *err)
{
    const vxs_node *out = vxs_get(ctx->root, "outcome");
    const char *label = vxs_str(out, "label", NULL), *time = vxs_str(out, "time", NULL),
               *event = vxs_str(out, "event", NULL);
    const char *batch = vxs_str(vxs_get(vxs_get(ctx->root, "steps"), "harmonization"), "batch", NULL);
    size_t c, c2;
    int rc = VX_OK;
    if (label && (rc = vxs_col(d, label, "outcome.label", &c, err)) == VX_OK) {
        cJSON *lc = cJSON_CreateObject();
        size_t miss = level_counts(&d->t, c, lc);
        cJSON_AddItemToObject(cohort, "label_counts", lc);
        cJSON_AddNumberToObject(cohort, "n_label_missing", (double)miss);
    }
    if (rc == VX_OK && time && event && (rc = vxs_col(d, time, "outcome.time", &c, err)) == VX_OK &&
        (rc = vxs_col(d, event, "outcome.event", &c2, err)) == VX_OK)
        survival_counts(&d->t, c, c2, cohort);
    if (rc == VX_OK && batch && (rc = vxs_col(d, batch, "steps.harmonization.batch", &c, err)) == VX_OK) {
        cJSON *bc = cJSON_CreateObject();
        size_t miss = level_counts(&d->t, c, bc);
        cJSON_AddItemToObject(cohort, "batches", bc);
        cJSON_AddNumberToObject(cohort, "n_batch_missing", (double)miss);
    }
    return rc;
}

int vxs_cohort_summary(vxs_ctx *ctx, const char *features, const char *id, cJSON *cohort, vx_error *err)
{
    if (!features)
        return VX_OK;
    char *keep = ctx->features_path, *keep_id = ctx->features_id;
    ctx->features_path = (char *)features;
    ctx->features_id = (char *)id;
    const vxs_node *in = vxs_get(ctx->root, "inputs");
    unsigned what = VXS_FEATURES | (vxs_get(in, "clinical") ? VXS_CLINICAL : 0) | (vxs_get(in, "batch") ? VXS_BATCH : 0);
    vxs_data d;
    int rc = vxs_load(ctx, what, &d, err);
    ctx->features_path = keep;
    ctx->features_id = keep_id;
    if (rc != VX_OK)
        return rc;
    cJSON_AddNumberToObject(cohort, "n_features_rows", (double)(d.t.nrow + d.n_unmatched));
    cJSON_AddNumberToObject(cohort, "n_features", (double)d.p);
    long nc = vxs_get(in, "clinical") ? table_rows(ctx, "clinical", err) : 0;
    if (nc < 0)
        rc = err ? err->code : VX_EIO;
    else
        cJSON_AddNumberToObject(cohort, "n_clinical_rows", (double)nc);
    cJSON_AddNumberToObject(cohort, "n_joined", (double)d.t.nrow);
    if (rc == VX_OK)
        rc = outcome_counts(ctx, &d, cohort, err);
    vxs_data_free(&d);
    return rc;
}
