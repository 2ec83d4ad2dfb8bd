/* voxomics study step "reliability": the ICC of every feature from repeated segmentations (a long table: one
 * row per subject and rater / repeat, as `voxomics icc`), written to OUTDIR/reliability/icc.csv; features of the
 * feature table whose ICC (the chosen form) is below the threshold are dropped from it (the new table:
 * OUTDIR/reliability/features.csv). Features absent from the long table, and those whose ICC is undefined
 * (constant, or a rating missing), are kept and counted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "study/runner.h"
#include "voxomics/icc.h"
#include "voxomics/plot.h"

static const vxs_key reliability_keys[] = {
    {"table", VXS_PATH, "the long table: one row per subject and rater, the feature columns (required)", NULL},
    {"id", VXS_STR, "its row-name column (default: the first)", NULL},
    {"subject", VXS_STR, "the subject column (required)", NULL},
    {"rater", VXS_STR, "the rater / repeat / segmentation column (required)", NULL},
    {"type", VXS_STR, "ICC(1,1) ICC(2,1) ICC(3,1) ICC(1,k) ICC(2,k) ICC(3,k), or ICC1 ... ICC3k (default ICC(3,1))",
     NULL},
    {"threshold", VXS_NUM, "features with an ICC below are dropped (default 0.75)", NULL},
    {NULL, VXS_STR, NULL, NULL}};

/* The form named by type (ICC(2,1) or ICC2, ICC(2,k) or ICC2k), -1 when unknown. */
static int icc_form(const char *type)
{
    static const char *const paren[6] = {"ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)"};
    for (int m = 0; m < 6; m++)
        if (!strcasecmp(type, paren[m]) || !strcasecmp(type, vx_icc_name(m)))
            return m;
    return !strcasecmp(type, "ICC(1)") ? VX_ICC1 : -1;
}

typedef struct rel {
    vx_table t; /* the long table */
    size_t n, k, N;
    int *si, *ri;
} rel;

static int read_long(vxs_ctx *ctx, const vxs_node *cfg, rel *r, vx_error *err)
{
    char *path = vxs_resolve(ctx, vxs_str(cfg, "table", NULL));
    const char *subj = vxs_str(cfg, "subject", NULL), *rater = vxs_str(cfg, "rater", NULL);
    if (!path || !subj || !rater) {
        free(path);
        return vx_error_set(err, VX_EINVAL, "%s:%d: steps.reliability needs table, subject and rater",
                            ctx->study_path, cfg->line);
    }
    int rc = vxs_input(ctx, path, err);
    if (rc == VX_OK)
        rc = vx_table_read_long(path, vxs_str(cfg, "id", NULL), &r->t, err);
    long sc = rc == VX_OK ? vx_table_col(&r->t, subj) : -1, rcol = rc == VX_OK ? vx_table_col(&r->t, rater) : -1;
    if (rc == VX_OK && (sc < 0 || rcol < 0))
        rc = vx_error_set(err, VX_EINVAL, "%s: no column '%s' (steps.reliability.%s)", path, sc < 0 ? subj : rater,
                          sc < 0 ? "subject" : "rater");
    r->N = r->t.nrow;
    const char **sv = malloc((r->N + 1) * sizeof *sv), **rv = malloc((r->N + 1) * sizeof *rv),
               **lev = malloc((r->N + 1) * sizeof *lev);
    r->si = malloc((r->N + 1) * sizeof *r->si);
    r->ri = malloc((r->N + 1) * sizeof *r->ri);
    if (rc == VX_OK && (!sv || !rv || !lev || !r->si || !r->ri))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < r->N; i++) {
        sv[i] = r->t.cell[i * r->t.ncol + (size_t)sc];
        rv[i] = r->t.cell[i * r->t.ncol + (size_t)rcol];
    }
    if (rc == VX_OK) {
        r->n = vx_levels(sv, r->N, lev, r->si);
        r->k = vx_levels(rv, r->N, lev, r->ri);
    }
    if (rc == VX_OK && (r->n < 2 || r->k < 2))
        rc = vx_error_set(err, VX_EINVAL, "%s: %zu subjects and %zu raters: the ICC needs two or more of each", path,
                          r->n, r->k);
    free(sv), free(rv), free(lev), free(path);
    return rc;
}

/* The ICC of feature column c of the long table (NaN when a rating is missing or repeated, or undefined). */
static void feature_icc(const rel *r, size_t c, int form, double *Y, double out[3])
{
    out[0] = out[1] = out[2] = NAN;
    for (size_t q = 0; q < r->n * r->k; q++)
        Y[q] = NAN;
    for (size_t i = 0; i < r->N; i++) {
        double *cell = &Y[(size_t)r->si[i] * r->k + (size_t)r->ri[i]];
        if (!isnan(*cell))
            return;
        *cell = r->t.num[i * r->t.ncol + c];
    }
    for (size_t q = 0; q < r->n * r->k; q++)
        if (!isfinite(Y[q]))
            return;
    vx_icc res;
    if (vx_icc_compute(Y, r->n, r->k, &res, NULL) != VX_OK)
        return;
    out[0] = res.icc[form];
    out[1] = res.lo[form];
    out[2] = res.hi[form];
}

/* icc.csv and the JSON arrays of the assessed features. */
static int write_icc(vxs_ctx *ctx, const char *const *names, const double *v, size_t m, const unsigned char *kept,
                     cJSON *res, vx_error *err)
{
    size_t cap = 64 + m * 200, len = 0;
    char *csv = malloc(cap);
    double *icc = malloc((m + 1) * sizeof *icc), *lo = malloc((m + 1) * sizeof *lo), *hi = malloc((m + 1) * sizeof *hi);
    if (!csv || !icc || !lo || !hi) {
        free(csv), free(icc), free(lo), free(hi);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    len += (size_t)snprintf(csv, cap, "feature,icc,lo,hi,kept\n");
    for (size_t j = 0; j < m; j++) {
        icc[j] = v[3 * j], lo[j] = v[3 * j + 1], hi[j] = v[3 * j + 2];
        len += (size_t)snprintf(csv + len, cap - len, "\"%.120s\",", names[j]);
        for (int q = 0; q < 3; q++)
            len += isnan(v[3 * j + q]) ? (size_t)snprintf(csv + len, cap - len, ",")
                                       : (size_t)snprintf(csv + len, cap - len, "%.10g,", v[3 * j + q]);
        len += (size_t)snprintf(csv + len, cap - len, "%d\n", kept[j]);
    }
    int rc = vxs_write_text(ctx, "reliability/icc.csv", csv, err);
    cJSON_AddItemToObject(res, "features", vxs_json_strings(names, m));
    cJSON_AddItemToObject(res, "icc", vxs_json_array(icc, m));
    cJSON_AddItemToObject(res, "lo", vxs_json_array(lo, m));
    cJSON_AddItemToObject(res, "hi", vxs_json_array(hi, m));
    cJSON_AddStringToObject(res, "csv", "reliability/icc.csv");
    free(csv), free(icc), free(lo), free(hi);
    return rc;
}

/* The ICC of each feature of the feature table present in the long table; drop[j]: below the threshold. */
static int assess(vxs_ctx *ctx, const vxs_node *cfg, const rel *r, const vxs_data *d, int form,
                  unsigned char *drop, cJSON *res, vx_error *err)
{
    double thr = vxs_num(cfg, "threshold", 0.75), *Y = malloc((r->n * r->k + 1) * sizeof *Y);
    double *v = malloc((3 * d->p + 1) * sizeof *v);
    const char **names = malloc((d->p + 1) * sizeof *names);
    unsigned char *kept = malloc(d->p + 1);
    size_t m = 0, undefined = 0, absent = 0, dropped = 0;
    int rc = Y && v && names && kept ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; rc == VX_OK && j < d->p; j++) {
        long c = vx_table_col(&r->t, d->fnames[j]);
        drop[j] = 0;
        if (c < 0 || !vx_table_col_numeric(&r->t, (size_t)c)) {
            absent++;
            continue;
        }
        feature_icc(r, (size_t)c, form, Y, &v[3 * m]);
        undefined += isnan(v[3 * m]);
        drop[j] = !isnan(v[3 * m]) && v[3 * m] < thr;
        dropped += drop[j];
        kept[m] = !drop[j];
        names[m++] = d->fnames[j];
    }
    if (rc == VX_OK)
        rc = write_icc(ctx, names, v, m, kept, res, err);
    cJSON_AddStringToObject(res, "type", vx_icc_name(form));
    cJSON_AddNumberToObject(res, "threshold", thr);
    cJSON_AddNumberToObject(res, "n_subjects", (double)r->n);
    cJSON_AddNumberToObject(res, "n_raters", (double)r->k);
    cJSON_AddNumberToObject(res, "n_assessed", (double)m);
    cJSON_AddNumberToObject(res, "n_dropped", (double)dropped);
    cJSON_AddNumberToObject(res, "n_kept", (double)(d->p - dropped));
    cJSON_AddNumberToObject(res, "n_undefined", (double)undefined);
    cJSON_AddNumberToObject(res, "n_not_assessed", (double)absent);
    free(Y), free(v), free(names), free(kept);
    return rc;
}

static int reliability_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *res, vx_error *err)
{
    int form = icc_form(vxs_str(cfg, "type", "ICC(3,1)"));
    if (form < 0)
        return vx_error_set(err, VX_EINVAL, "%s:%d: steps.reliability.type: '%s' is not one of ICC(1,1), ICC(2,1), "
                            "ICC(3,1), ICC(1,k), ICC(2,k), ICC(3,k)", ctx->study_path, cfg->line,
                            vxs_str(cfg, "type", ""));
    rel r;
    memset(&r, 0, sizeof r);
    vxs_data d;
    memset(&d, 0, sizeof d);
    int rc = read_long(ctx, cfg, &r, err);
    if (rc == VX_OK)
        rc = vxs_load(ctx, VXS_FEATURES, &d, err);
    unsigned char *drop = rc == VX_OK ? malloc(d.p + 1) : NULL;
    if (rc == VX_OK && !drop)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = assess(ctx, cfg, &r, &d, form, drop, res, err);
    if (rc == VX_OK)
        rc = vxs_write_features(ctx, "reliability/features.csv", &d, NULL, drop, err);
    if (rc == VX_OK)
        rc = vxs_set_features(ctx, "reliability/features.csv", d.t.colnames[d.t.id_col], err);
    free(drop);
    free(r.si);
    free(r.ri);
    vx_table_free(&r.t);
    vxs_data_free(&d);
    return rc;
}

static int reliability_section(const cJSON *res, const cJSON *study, vxs_html *h, vx_error *err)
{
    (void)study;
    (void)err;
    size_t n;
    double *icc = vxs_json_doubles(res, "icc", &n), thr = vxs_json_num(res, "threshold");
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "type"));
    vxs_html_raw(h, "<p>");
    vxs_html_text(h, type ? type : "ICC");
    vxs_html_say(h, "reliability.json", res,
                 " of {n_assessed} features over {n_subjects} subjects and {n_raters} repeated segmentations: "
                 "{n_dropped} features below {threshold|%g} dropped, {n_kept} kept ({n_undefined} with an undefined "
                 "ICC kept).</p>\n");
    double lo = 0;
    for (size_t i = 0; i < n; i++) /* negative ICCs widen the axis to the left */
        if (icc[i] < lo)
            lo = floor(icc[i] * 10) / 10;
    if (n) {
        vx_plot_axes ax = {.title = "ICC distribution", .xlabel = "ICC", .ylabel = "features", .xmin = lo,
                           .xmax = 1, .vline = thr, .vline_on = 1};
        vx_error perr;
        vxs_html_plot(h, "reliability_icc", vx_plot_histogram(&ax, icc, n, 20, &perr),
                      "ICC of each feature; the dashed line is the threshold.");
    }
    free(icc);
    return VX_OK;
}

const vxs_step vxs_step_reliability = {"reliability", "Reliability (ICC)", reliability_keys, reliability_run,
                                       reliability_section};
