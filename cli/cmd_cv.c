/* voxomics cv: leak-free repeated stratified cross-validation of a pipeline (AUC per fold, pooled, tuning).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_common.h"

/* FILE:COL[,COL]... of option `opt`: integer columns of FILE matched by ID, each shifted so that its smallest
 * value is 0, into *out (nrow x ncols, row-major). missing_ok: an empty or NA cell gives -1 (--inner-folds-from:
 * the rows held out by the outer fold need none). */
static int read_fold_columns(const char *opt, const char *arg, const vx_table *t, int missing_ok, int **out,
                             int *ncols, vx_error *err)
{
    char spec[4096];
    snprintf(spec, sizeof spec, "%s", arg);
    char *colon = strrchr(spec, ':');
    if (!colon)
        return vx_error_set(err, VX_EINVAL, "%s FILE:COL[,COL...]: no ':' in '%s'", opt, arg);
    *colon = '\0';
    const char *cols[MAX_LIST];
    size_t nc = stats_split_list(colon + 1, cols, MAX_LIST);
    if (!nc)
        return vx_error_set(err, VX_EINVAL, "%s %s: no column named after the ':'", opt, arg);
    vx_table f;
    int rc = vx_table_read(spec, NULL, &f, err);
    if (rc != VX_OK)
        return rc;
    *out = malloc((t->nrow * nc + 1) * sizeof **out);
    *ncols = (int)nc;
    if (!*out)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t r = 0; rc == VX_OK && r < nc; r++) {
        long c = vx_table_col(&f, cols[r]);
        if (c < 0) {
            rc = vx_error_set(err, VX_EINVAL, "%s: no fold column '%s' (%s)", spec, cols[r], opt);
            break;
        }
        double lo = INFINITY;
        for (size_t i = 0; i < f.nrow; i++)
            if (!isnan(f.num[i * f.ncol + (size_t)c]))
                lo = fmin(lo, f.num[i * f.ncol + (size_t)c]);
        for (size_t i = 0; rc == VX_OK && i < t->nrow; i++) {
            size_t k = 0;
            while (k < f.nrow && strcmp(VX_TABLE_ID(&f, k), VX_TABLE_ID(t, i)))
                k++;
            double v = k < f.nrow ? f.num[k * f.ncol + (size_t)c] : NAN;
            if (missing_ok && k < f.nrow && isnan(v))
                (*out)[i * nc + r] = -1;
            else if (isnan(v) || v != floor(v))
                rc = vx_error_set(err, VX_EINVAL, "%s: no integer fold for '%s' in column '%s' (%s)", spec,
                                  VX_TABLE_ID(t, i), cols[r], opt);
            else
                (*out)[i * nc + r] = (int)(v - lo);
        }
    }
    vx_table_free(&f);
    return rc;
}

/* --folds-from FILE:COL[,COL]...: fold numbers (any integers; shifted to start at 0) by ID, one column per repeat. */
static int read_given_folds(const sopts *o, const vx_table *t, int **given, int *repeats, vx_error *err)
{
    return read_fold_columns("--folds-from", o->folds_from, t, 0, given, repeats, err);
}

/* --inner-folds-from FILE:COL[,COL]...: one column per outer fold (repeat 1's folds 1..K, then repeat 2's, ...),
 * giving each training row's inner fold; the outer fold's held-out rows may be empty. */
static int read_inner_folds(const sopts *o, const vx_table *t, const vx_cv_options *co, int **inner, vx_error *err)
{
    int K = co->folds, R = co->repeats > 0 ? co->repeats : 1, nc = 0;
    if (co->given) {
        K = 0;
        for (size_t i = 0; i < t->nrow * (size_t)R; i++)
            if (co->given[i] + 1 > K)
                K = co->given[i] + 1;
    }
    int rc = read_fold_columns("--inner-folds-from", o->inner_folds_from, t, 1, inner, &nc, err);
    if (rc == VX_OK && nc != R * K)
        rc = vx_error_set(err, VX_EINVAL,
                          "--inner-folds-from %s: %d columns for %d repeats x %d outer folds: give one column per "
                          "outer fold (repeat 1's folds in order, then repeat 2's, ...)",
                          o->inner_folds_from, nc, R, K);
    if (rc == VX_OK && !o->tune.n && !o->blocks.n)
        rc = vx_error_set(err, VX_EINVAL, "--inner-folds-from: the inner folds are used for tuning (or --block "
                                          "--fusion late's stacking): give --tune");
    return rc;
}

/* --tune PARAM=v1,v2,...: one tune entry per option (its name in tbuf, its values in vals, up to 64 each); every
 * parameter name is checked by setting its first value on a copy of pp. */
static int parse_tune(const sopts *o, const vx_pipeline_params *pp, vx_cv_tune *tune, double *vals,
                      char tbuf[][512], vx_error *err)
{
    int rc = VX_OK;
    for (size_t t = 0; t < o->tune.n; t++) {
        snprintf(tbuf[t], sizeof tbuf[t], "%s", o->tune.v[t]);
        char *eq = strchr(tbuf[t], '=');
        if (!eq)
            return vx_error_set(err, VX_EINVAL, "--tune PARAM=v1,v2,...: no '=' in '%s'", o->tune.v[t]);
        *eq = '\0';
        const char *items[64];
        size_t nv = stats_split_list(eq + 1, items, 64);
        tune[t].param = tbuf[t];
        tune[t].values = vals + t * 64;
        tune[t].n = nv;
        for (size_t v = 0; rc == VX_OK && v < nv; v++) {
            char *end;
            vals[t * 64 + v] = strtod(items[v], &end);
            if (*end || end == items[v])
                rc = vx_error_set(err, VX_EINVAL, "--tune %s: '%s' is not a number", tbuf[t], items[v]);
        }
        vx_pipeline_params test = *pp;
        if (rc == VX_OK && nv)
            rc = vx_pipeline_params_set(&test, tbuf[t], vals[t * 64], err);
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}

/* The settings member of cv's JSON. */
static void cv_settings(const sopts *o, const labelled *d, const vx_pipeline_params *pp, const vx_cv_result *r,
                        cJSON *root)
{
    cJSON *s = cJSON_AddObjectToObject(root, "settings");
    cJSON_AddStringToObject(s, "data", o->data);
    if (d->time) {
        cJSON_AddStringToObject(s, "outcome", "time-to-event");
        cJSON_AddStringToObject(s, "time", o->time);
        cJSON_AddStringToObject(s, "event", o->event);
        cJSON_AddStringToObject(s, "metric", "Harrell's C");
        cJSON_AddStringToObject(s, "fold_strata", "event");
    } else {
        cJSON_AddStringToObject(s, "label", o->label);
    }
    if (!d->time && d->nclass > 2) {
        cJSON_AddNullToObject(s, "positive");
        cJSON *cl = cJSON_AddArrayToObject(s, "classes");
        for (int k = 0; k < d->nclass; k++)
            cJSON_AddItemToArray(cl, cJSON_CreateString(d->classes[k]));
        cJSON_AddStringToObject(s, "metric", "one-vs-rest macro AUC");
    } else if (!d->time) {
        cJSON_AddStringToObject(s, "positive", d->names[1]);
        cJSON_AddStringToObject(s, "metric", "AUC");
    }
    cJSON_AddNumberToObject(s, "samples", (double)d->t.nrow);
    cJSON_AddNumberToObject(s, "features", (double)d->p);
    cJSON_AddStringToObject(s, "model", vx_model_kind_name(pp->model.kind));
    cJSON_AddStringToObject(s, "selection", o->method ? o->method : "none");
    cJSON_AddNumberToObject(s, "folds", r->folds);
    cJSON_AddNumberToObject(s, "repeats", r->repeats);
    cJSON_AddNumberToObject(s, "seed", (double)o->seed);
    cJSON_AddStringToObject(s, "fold_source", o->folds_from ? o->folds_from : "stratified");
    cJSON_AddStringToObject(s, "inner_fold_source", o->inner_folds_from ? o->inner_folds_from : "stratified");
    cJSON_AddItemToObject(s, "model_params", stats_model_params_json(&pp->model, o->preset));
    cJSON_AddStringToObject(s, "missing", o->missing);
    cJSON_AddStringToObject(s, "harmonize_batch", o->harmonize_batch ? o->harmonize_batch : "");
    cJSON_AddStringToObject(s, "voxomics_version", vx_version());
}

/* cv's JSON (the metric's members named auc_..., or c_index_... for a survival outcome) and the summary line;
 * VX_OK, or VX_EIO with the error printed. */
static int cv_write(const sopts *o, const labelled *d, const vx_pipeline_params *pp, const vx_cv_result *r,
                    const vx_cv_tune *tune)
{
    size_t nf = (size_t)r->folds * (size_t)r->repeats;
    double tsum = 0;
    for (size_t i = 0; i < nf; i++)
        tsum += r->fit_time[i];
    const char *m = d->time ? "c_index" : "auc";
    char key[64];
    cJSON *root = cJSON_CreateObject();
    snprintf(key, sizeof key, "%s_fold_mean", m);
    cJSON_AddNumberToObject(root, key, r->auc_mean);
    snprintf(key, sizeof key, "%s_fold_sd", m);
    cJSON_AddNumberToObject(root, key, r->auc_sd);
    snprintf(key, sizeof key, "%s_folds", m);
    cJSON_AddItemToObject(root, key, stats_json_nums(r->auc, nf));
    snprintf(key, sizeof key, "%s_pooled", m);
    cJSON_AddItemToObject(root, key, stats_json_nums(r->pooled, (size_t)r->repeats));
    cJSON_AddItemToObject(root, "fit_seconds", stats_json_nums(r->fit_time, nf));
    cJSON_AddNumberToObject(root, "fit_seconds_mean", tsum / (double)nf);
    if (o->tune.n) {
        cJSON *ch = cJSON_AddObjectToObject(root, "tuned");
        for (size_t t = 0; t < o->tune.n; t++) {
            double *v = malloc(nf * sizeof *v);
            for (size_t i = 0; v && i < nf; i++)
                v[i] = r->chosen[i * o->tune.n + t];
            cJSON_AddItemToObject(ch, tune[t].param, stats_json_nums(v, nf));
            free(v);
        }
    }
    cv_settings(o, d, pp, r, root);
    int w = stats_write_json(o, o->json, root);
    cJSON_Delete(root);
    if (w)
        return VX_EIO;
    if (stats_summary(o))
        printf("%s, %d folds x %d repeats: %s %.4f +/- %.4f (fold mean +/- sd), %.3f s per fold -> %s\n",
               vx_model_kind_name(pp->model.kind), r->folds, r->repeats, d->time ? "C-index" : "AUC", r->auc_mean,
               r->auc_sd, tsum / (double)nf, o->json);
    return VX_OK;
}

/* ---- --block NAME=@FILE | NAME=COL,COL...: multimodal prediction (vx_fusion_cv) ------------------------------ */
typedef struct cv_blocks {
    size_t nb;
    char name[MAX_LIST][128];
    size_t start[MAX_LIST + 1]; /* block b: cols[start[b] .. start[b+1] - 1] */
    char **cols;                /* every block's column names, in order (owned) */
    size_t ncols, cap;
    const char **uniq; /* the distinct column names (the feature columns) */
    size_t nuniq;
    size_t *idx; /* per entry of cols: its feature index */
} cv_blocks;

static void blocks_free(cv_blocks *B)
{
    for (size_t i = 0; i < B->ncols; i++)
        free(B->cols[i]);
    free(B->cols);
    free(B->uniq);
    free(B->idx);
}

/* Append a column name (trimmed of spaces and CR) to the blocks; empty names are skipped. */
static int blocks_add(cv_blocks *B, const char *s, size_t len, vx_error *err)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    if (!len)
        return VX_OK;
    if (B->ncols == B->cap) {
        size_t cap = B->cap ? 2 * B->cap : 256;
        char **c = realloc(B->cols, cap * sizeof *c);
        if (!c)
            return vx_error_set(err, VX_ENOMEM, "out of memory");
        B->cols = c;
        B->cap = cap;
    }
    if (!(B->cols[B->ncols] = strndup(s, len)))
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    B->ncols++;
    return VX_OK;
}

/* The column names of @FILE: one a line (empty lines and lines starting with '#' skipped). */
static int blocks_read_file(cv_blocks *B, const char *path, vx_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return vx_error_set(err, VX_EIO, "--block: cannot open %s: %s", path, strerror(errno));
    char line[4096];
    int rc = VX_OK;
    while (rc == VX_OK && fgets(line, sizeof line, f))
        if (line[0] != '#')
            rc = blocks_add(B, line, strlen(line), err);
    fclose(f);
    return rc;
}

/* Parse every --block, then the distinct columns (the feature list of the table). */
static int blocks_parse(const sopts *o, cv_blocks *B, vx_error *err)
{
    int rc = VX_OK;
    for (size_t b = 0; rc == VX_OK && b < o->blocks.n; b++) {
        const char *spec = o->blocks.v[b], *eq = strchr(spec, '=');
        if (!eq || eq == spec || !eq[1])
            return vx_error_set(err, VX_EINVAL, "--block NAME=@FILE or NAME=COL,COL,...: '%s'", spec);
        snprintf(B->name[b], sizeof B->name[b], "%.*s", (int)(eq - spec), spec);
        B->start[b] = B->ncols;
        if (eq[1] == '@')
            rc = blocks_read_file(B, eq + 2, err);
        for (const char *p = eq + 1; rc == VX_OK && eq[1] != '@' && *p;) {
            const char *c = strchr(p, ',');
            size_t len = c ? (size_t)(c - p) : strlen(p);
            rc = blocks_add(B, p, len, err);
            p += len + (c ? 1 : 0);
        }
        if (rc == VX_OK && B->ncols == B->start[b])
            rc = vx_error_set(err, VX_EINVAL, "--block %s: no column", spec);
        B->nb = b + 1;
    }
    B->start[B->nb] = B->ncols;
    B->uniq = malloc((B->ncols + 1) * sizeof *B->uniq);
    B->idx = malloc((B->ncols + 1) * sizeof *B->idx);
    if (rc == VX_OK && (!B->uniq || !B->idx))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < B->ncols; i++) {
        size_t k = 0;
        while (k < B->nuniq && strcmp(B->uniq[k], B->cols[i]))
            k++;
        if (k == B->nuniq)
            B->uniq[B->nuniq++] = B->cols[i];
        B->idx[i] = k;
    }
    return rc;
}

/* One block's (or the fused model's) results. */
static cJSON *fusion_json_one(const char *name, size_t features, const vx_cv_result *r)
{
    cJSON *j = cJSON_CreateObject();
    size_t nf = (size_t)r->folds * (size_t)r->repeats;
    cJSON_AddStringToObject(j, "name", name);
    cJSON_AddNumberToObject(j, "features", (double)features);
    cJSON_AddItemToObject(j, "auc_folds", stats_json_nums(r->auc, nf));
    cJSON_AddNumberToObject(j, "auc_mean", r->auc_mean);
    cJSON_AddNumberToObject(j, "auc_sd", r->auc_sd);
    cJSON_AddItemToObject(j, "pooled", stats_json_nums(r->pooled, (size_t)r->repeats));
    return j;
}

/* cv --block's JSON and summary lines; VX_OK or VX_EIO (printed). */
static int fusion_write(const sopts *o, const labelled *d, const vx_pipeline_params *pp, const cv_blocks *B,
                        const vx_fusion_result *r)
{
    cJSON *root = cJSON_CreateObject(), *bl = cJSON_AddArrayToObject(root, "blocks");
    for (size_t b = 0; b < B->nb; b++)
        cJSON_AddItemToArray(bl, fusion_json_one(B->name[b], B->start[b + 1] - B->start[b], &r->block[b]));
    cJSON *fu = fusion_json_one("fused", B->ncols, &r->fused);
    cJSON_AddStringToObject(fu, "fusion", o->fusion);
    cJSON_AddItemToObject(root, "fused", fu);
    cJSON *dl = cJSON_AddArrayToObject(root, "delong");
    for (size_t k = 0; k < r->ndelong; k++) {
        const vx_fusion_delong *e = &r->delong[k];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "a", B->name[e->a]);
        cJSON_AddStringToObject(j, "b", "fused");
        cJSON_AddNumberToObject(j, "repeat", e->repeat + 1);
        cJSON_AddNumberToObject(j, "auc_a", e->auc_a);
        cJSON_AddNumberToObject(j, "auc_b", e->auc_b);
        cJSON_AddNumberToObject(j, "z", e->z); /* NaN -> null: the same ranking */
        cJSON_AddNumberToObject(j, "p", e->p);
        cJSON_AddItemToArray(dl, j);
    }
    cv_settings(o, d, pp, &r->fused, root);
    cJSON *s = cJSON_GetObjectItem(root, "settings");
    cJSON_AddStringToObject(s, "fusion", o->fusion);
    cJSON_AddBoolToObject(s, "block_scale", !o->no_block_scale && !strcmp(o->fusion, "early"));
    cJSON_AddStringToObject(s, "stacker", !strcmp(o->fusion, "late") ? "logreg C=1 on the blocks' inner out-of-fold "
                                                                       "decision values" : "none");
    int w = stats_write_json(o, o->json, root);
    cJSON_Delete(root);
    if (w)
        return VX_EIO;
    for (size_t b = 0; stats_summary(o) && b < B->nb; b++)
        printf("%-10s AUC %.4f +/- %.4f (pooled %.4f), DeLong vs fused p = %.4g\n", B->name[b], r->block[b].auc_mean,
               r->block[b].auc_sd, r->block[b].pooled[0], r->delong[b].p);
    if (stats_summary(o))
        printf("%-10s AUC %.4f +/- %.4f (pooled %.4f), %s fusion -> %s\n", "fused", r->fused.auc_mean,
               r->fused.auc_sd, r->fused.pooled[0], o->fusion, o->json);
    return VX_OK;
}

/* cv --block ...: load the blocks' columns, cross-validate them alone and fused. */
static int cv_fusion(const sopts *o, vx_error *err)
{
    cv_blocks B;
    memset(&B, 0, sizeof B);
    labelled d;
    memset(&d, 0, sizeof d);
    vx_pipeline_params pp;
    const char *fusion = o->fusion ? o->fusion : "early";
    int kind = vx_fusion_kind_find(fusion);
    int rc = kind < 0 ? vx_error_set(err, VX_EINVAL, "--fusion %s: give early or late", fusion) : VX_OK;
    if (rc == VX_OK && (o->time || o->event || o->features || o->exclude))
        rc = vx_error_set(err, VX_EINVAL, "--block: %s", o->time || o->event ? "a binary --label only (no survival "
                          "outcome)" : "the blocks name the features (no --features / --exclude)");
    if (rc == VX_OK)
        rc = blocks_parse(o, &B, err);
    sopts o2 = *o;
    o2.fusion = fusion;
    o2.block_features = B.uniq;
    o2.n_block_features = B.nuniq;
    if (rc == VX_OK)
        rc = stats_load_labelled(&o2, &d, err);
    if (rc == VX_OK && (d.nclass != 2 || d.p != B.nuniq))
        rc = vx_error_set(err, VX_EINVAL, "--block: %s", d.nclass != 2 ? "the label must have two classes"
                                                                       : "a block column is the label or the batch");
    if (rc == VX_OK)
        rc = stats_pipeline_params(o, &pp, err);
    vx_cv_options co = {o->folds, o->repeats, o->seed, NULL, NULL, 0, NULL};
    int *given = NULL, *inner = NULL;
    if (rc == VX_OK && o->folds_from && (rc = read_given_folds(o, &d.t, &given, &co.repeats, err)) == VX_OK)
        co.given = given;
    if (rc == VX_OK && o->inner_folds_from && (rc = read_inner_folds(o, &d.t, &co, &inner, err)) == VX_OK)
        co.inner_given = inner;
    if (rc == VX_OK && o->tune.n)
        rc = vx_error_set(err, VX_EUNSUPPORTED, "--tune with --block is not implemented: give fixed parameters");
    vx_fusion_block fb[MAX_LIST];
    for (size_t b = 0; b < B.nb; b++)
        fb[b] = (vx_fusion_block){B.name[b], B.idx + B.start[b], B.start[b + 1] - B.start[b]};
    vx_fusion_result r;
    memset(&r, 0, sizeof r);
    if (rc == VX_OK)
        rc = vx_fusion_cv(d.X, d.t.nrow, d.p, d.y, d.fnames, fb, B.nb, &pp, &co, (vx_fusion_kind)kind,
                          !o->no_block_scale, &r, err);
    if (rc == VX_OK && (rc = fusion_write(&o2, &d, &pp, &B, &r)) == VX_EIO)
        err->msg[0] = '\0'; /* printed */
    vx_fusion_result_free(&r);
    stats_labelled_free(&d);
    blocks_free(&B);
    free(given);
    free(inner);
    return rc;
}

static int cmd_cv(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->json)
        return stats_usage(o, "--json OUT.json is required", NULL);
    if (!o->blocks.n && (o->fusion || o->no_block_scale))
        return stats_usage(o, "--fusion and --no-block-scale need feature blocks (--block NAME=...)", NULL);
    if (o->blocks.n) { /* multimodal prediction: blocks alone and fused */
        int rc = cv_fusion(o, &err);
        if (rc == VX_EIO && !err.msg[0])
            return 1;
        return rc == VX_OK ? 0 : stats_fail(o, &err);
    }
    labelled d;
    vx_pipeline_params pp;
    int rc = stats_load_labelled(o, &d, &err);
    if (rc == VX_OK)
        rc = stats_pipeline_params(o, &pp, &err);
    vx_cv_options co = {o->folds, o->repeats, o->seed, NULL, NULL, 0, NULL};
    int *given = NULL;
    if (rc == VX_OK && o->folds_from) {
        rc = read_given_folds(o, &d.t, &given, &co.repeats, &err);
        co.given = given;
    }
    int *inner = NULL;
    if (rc == VX_OK && o->inner_folds_from) {
        rc = read_inner_folds(o, &d.t, &co, &inner, &err);
        co.inner_given = inner;
    }
    /* --tune PARAM=v1,v2,... */
    vx_cv_tune tune[MAX_LIST];
    double *vals = malloc(MAX_LIST * 64 * sizeof *vals);
    char tbuf[MAX_LIST][512];
    if (rc == VX_OK)
        rc = parse_tune(o, &pp, tune, vals, tbuf, &err);
    co.tune = tune;
    co.n_tune = o->tune.n;
    vx_cv_result r;
    memset(&r, 0, sizeof r);
    vx_outcome surv = vx_outcome_time_to_event(d.time, d.event, d.t.nrow);
    if (rc == VX_OK && d.time)
        rc = vx_cv_run_outcome(d.X, d.t.nrow, d.p, &surv, d.fnames, d.batch, &pp, &co, NULL, &r, &err);
    else if (rc == VX_OK)
        rc = vx_cv_run(d.X, d.t.nrow, d.p, d.y, d.fnames, d.batch, &pp, &co, &r, &err);
    if (rc == VX_OK && (rc = cv_write(o, &d, &pp, &r, tune)) == VX_EIO)
        err.msg[0] = '\0'; /* printed */
    vx_cv_result_free(&r);
    free(vals);
    free(given);
    free(inner);
    stats_labelled_free(&d);
    if (rc == VX_EIO && !err.msg[0])
        return 1;
    return rc == VX_OK ? 0 : stats_fail(o, &err);
}

static const cli_opt cv_table[] = {
    OPT_JSON("the results: fold AUCs (survival: c_index_folds, Harrell's C), pooled AUC per repeat, timings, tuned "
             "values, settings"),
    OPT_CLASS_LABEL, OPT_POSITIVE, OPT_SURV_OUTCOME, OPT_MODEL, OPT_MODEL_PARAMS,
    OPT_SEED("0", "seed of the folds and of the models that use one"),
    {"--folds", NULL, "K", "5", "folds per repeat (stratified by the label, or by the event with --time)", CLI_INT,
     SO(folds), 0, 2147483647.0, 0},
    {"--repeats", NULL, "R", "1", "repeats with different fold assignments", CLI_INT, SO(repeats), 0, 2147483647.0,
     0},
    {"--folds-from", NULL, "FILE:COL[,COL...]", NULL,
     "given folds instead: integer fold columns of FILE (one per repeat), matched by ID", CLI_STR, SO(folds_from), 0,
     0, 0},
    {"--inner-folds-from", NULL, "FILE:COL[,COL...]", NULL,
     "given inner folds for --tune: one integer column of FILE per outer fold (repeat 1's folds in order, then "
     "repeat 2's ...) giving each training row's inner fold, matched by ID (held-out rows may be empty)",
     CLI_STR, SO(inner_folds_from), 0, 0, 0},
    {"--tune", NULL, "PARAM=v1,v2,...", NULL,
     "tune PARAM (C, gamma, trees, depth, eta, reg_lambda, min_child_weight, subsample, colsample_bytree, "
     "colsample_bynode, base_score, k, threshold, alpha) by inner CV on each training set", CLI_LIST,
     SO(tune), 0, 0, 0},
    {"--block", NULL, "NAME=@FILE|NAME=COL,COL...", NULL,
     "a feature block for multimodal prediction (repeat for each block: e.g. imaging, genomic, clinical): its "
     "columns listed in FILE (one name a line) or given; the blocks are cross-validated alone and fused (--fusion), "
     "with paired DeLong tests of each block against the fused model", CLI_LIST, SO(blocks), 0, 0, 0},
    {"--fusion", NULL, "early|late", "early",
     "with --block: early = per-block imputation, scaling and selection on the training rows, blocks weighted by "
     "1/sqrt(width), one model; late = one pipeline per block stacked by a logistic regression (C = 1) fitted on "
     "inner out-of-fold scores of the training rows", CLI_STR, SO(fusion), 0, 0, 0},
    {"--no-block-scale", NULL, NULL, NULL, "early fusion without the 1/sqrt(width) block weights", CLI_FLAG,
     SO(no_block_scale), 0, 0, 1},
    {"--join-by-rows", NULL, "FILE.csv", NULL,
     "join a table with one variable a row and one sample a column (e.g. genes x patients; header: the sample IDs), "
     "transposed first; its variables can be features (--block, --features)", CLI_LIST, SO(joins_by_rows), 0, 0, 0},
    OPT_SELECT, OPT_SELECT_PARAMS, OPT_HARMONIZE_BATCH,
    OPT_ID, OPT_JOIN, OPT_WHERE, OPT_MISSING, OPT_FEATURES, OPT_EXCLUDE,
    CLI_QUIET(sopts),
    CLI_END};

static int run_cv(const cli_command *c, int argc, char **argv)
{
    sopts o;
    int r = stats_parse(c, argc, argv, &o);
    if (r)
        return r == CLI_DONE ? 0 : r;
    return cmd_cv(&o);
}

const cli_command cli_cmd_cv = {
    "cv",
    "leak-free repeated stratified cross-validation of a pipeline (AUC per fold, pooled, tuning)",
    "DATA.csv --label COL [--model M] [--folds K --repeats R --seed S | --folds-from FILE:COL[,COL]...]\n"
    "         [--select METHOD ...] [--tune PARAM=v1,v2]... [--inner-folds-from FILE:COL[,COL]...] [options]\n"
    "         --json OUT.json\n"
    "DATA.csv --time COL --event COL --model cox|coxnet [--lambda L] [--select cox --k K]\n"
    "         [--folds K --repeats R --seed S | --folds-from FILE:COL[,COL]...] [options] --json OUT.json\n"
    "DATA.csv --label COL --block NAME=@FILE|NAME=COL,COL... [--block ...]... [--fusion early|late]\n"
    "         [--join-by-rows FILE] [--model M] [--select METHOD ...] [--folds K ...] [options] --json OUT.json",
    "DATA.csv  one row per sample: an ID column, the label column (or the time and event columns), numeric feature "
    "columns",
    cv_table,
    "Every fitted step (imputation, scaling, harmonisation, selection, model, tuning) sees only the training rows of "
    "each fold. A label of more than two values is cross-validated one-vs-rest, scored by the macro one-vs-rest AUC. "
    "A survival outcome (--time, --event; --model cox or coxnet) is scored by Harrell's C of the held-out linear "
    "predictors (c_index_* members), with folds stratified by the event.",
    "voxomics cv ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --join ../shared/stats/nsclc_radiogenomics/clinical_covariates.csv --label egfr-mut --missing drop --model logreg --select univariate --k 10 --tune C=0.01,0.1,1 --folds 5 --repeats 2 --seed 1 --json cv.json",
    STATS_EXITS,
    run_cv};
