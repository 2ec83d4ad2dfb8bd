/* voxomics: the study run loop. Each step present in the file runs in vxs_steps() order. Its key:
 *   settings_hash = SHA-256 of (step name, voxomics version, the canonical text (sorted JSON) of the step's map,
 *                   of inputs and of outcome, the current feature table's path within OUTDIR and its ID column);
 *   hash          = SHA-256 of (settings_hash, the SHA-256 of every file the step read, in the order read).
 * A step's inputs are only known once it ran, so OUTDIR/<step>.json keeps them ("inputs": [{path, sha256}]): the
 * step is skipped when its settings_hash is the same, every recorded input still has its recorded SHA-256 and
 * (for a step that rewrites the feature table) its output table is still there with its recorded SHA-256. A
 * rewritten feature table reaches the later steps as one of their inputs, so they rerun when it changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/hash.h"
#include "study/runner.h"
#include "voxomics/io.h"
#include "voxomics/voxomics.h"

typedef struct runner {
    vxs_study s;
    vxs_ctx ctx;
    vx_error *err;
    cJSON *steps; /* study.json's "steps" */
    cJSON *step_inputs; /* every step's inputs, for the provenance */
    char *base_features, *base_id; /* the feature table after extraction (the cohort summary's) */
    int ran, skipped;
} runner;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void set_item(cJSON *o, const char *key, cJSON *v)
{
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    cJSON_AddItemToObject(o, key, v);
}

/* The feature table's path as it enters the key: OUTDIR-relative when inside OUTDIR. */
static const char *features_key(const vxs_ctx *ctx)
{
    size_t lo = strlen(ctx->outdir);
    const char *f = ctx->features_path ? ctx->features_path : "";
    return !strncmp(f, ctx->outdir, lo) && f[lo] == '/' ? f + lo + 1 : f;
}

static void settings_hash(const runner *r, const vxs_step *st, const vxs_node *cfg, char hex[65])
{
    cJSON *k = cJSON_CreateObject();
    cJSON_AddStringToObject(k, "step", st->name);
    cJSON_AddStringToObject(k, "voxomics", vx_version());
    cJSON_AddItemToObject(k, "settings", vxs_node_json(cfg, 1));
    cJSON_AddItemToObject(k, "inputs", vxs_node_json(vxs_get(r->s.root, "inputs"), 1));
    cJSON_AddItemToObject(k, "outcome", vxs_node_json(vxs_get(r->s.root, "outcome"), 1));
    cJSON_AddStringToObject(k, "features", features_key(&r->ctx));
    cJSON_AddStringToObject(k, "features_id", r->ctx.features_id ? r->ctx.features_id : "");
    char *text = cJSON_PrintUnformatted(k);
    vx_sha256_hex(text ? text : "", text ? strlen(text) : 0, hex);
    free(text);
    cJSON_Delete(k);
}

/* hash = SHA-256 of the settings hash and the inputs' hashes; inputs from the JSON array [{path, sha256}]. */
static void full_hash(const char *shash, const cJSON *inputs, char hex[65])
{
    size_t n = (size_t)cJSON_GetArraySize(inputs), len = 65 + 66 * n;
    char *text = malloc(len + 1);
    if (!text) {
        hex[0] = '\0';
        return;
    }
    size_t at = (size_t)snprintf(text, len, "%s\n", shash);
    const cJSON *it;
    cJSON_ArrayForEach(it, inputs)
    {
        const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "sha256"));
        at += (size_t)snprintf(text + at, len + 1 - at, "%.64s\n", h ? h : "");
    }
    vx_sha256_hex(text, at, hex);
    free(text);
}

static char *json_path(const runner *r, const char *name)
{
    size_t n = strlen(r->ctx.outdir) + strlen(name) + 8;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s.json", r->ctx.outdir, name);
    return p;
}

/* 1 when OUTDIR/<step>.json shows the same settings, unchanged inputs and (if any) its feature table intact; then
 * the feature table is handed on. */
static int can_skip(runner *r, const vxs_step *st, const char *shash, cJSON *doc)
{
    const char *old = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "settings_hash"));
    const char *oldh = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "hash"));
    const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(doc, "inputs"), *it;
    if (!old || !oldh || strcmp(old, shash) || !cJSON_IsArray(inputs))
        return 0;
    cJSON_ArrayForEach(it, inputs)
    {
        const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "path"));
        const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "sha256"));
        char now_h[65];
        if (!p || !h || vx_path_sha256(p, now_h, NULL) != VX_OK || strcmp(now_h, h))
            return 0;
    }
    char hex[65];
    full_hash(shash, inputs, hex);
    if (strcmp(hex, oldh))
        return 0;
    const cJSON *fo = cJSON_GetObjectItemCaseSensitive(doc, "features_out");
    if (!fo)
        return 1;
    const char *rel = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fo, "path"));
    const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fo, "sha256"));
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fo, "id"));
    char fh[65];
    char *full = rel ? vxs_outpath(&r->ctx, rel) : NULL;
    int ok = full && h && vx_path_sha256(full, fh, NULL) == VX_OK && !strcmp(fh, h);
    free(full);
    (void)st;
    return ok && vxs_set_features(&r->ctx, rel, id, NULL) == VX_OK;
}

static void run_free(struct vxs_run *run)
{
    for (size_t i = 0; i < run->n; i++)
        free(run->paths[i]);
    free(run->paths);
    free(run->sha);
    memset(run, 0, sizeof *run);
}

/* Add the runner's fields to a step's result and write it. */
static int finish_step(runner *r, const vxs_step *st, const vxs_node *cfg, const char *shash, cJSON *res,
                       const struct vxs_run *run, double secs, int new_features)
{
    cJSON *inputs = cJSON_CreateArray();
    for (size_t i = 0; i < run->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", run->paths[i]);
        cJSON_AddStringToObject(o, "sha256", run->sha[i]);
        cJSON_AddItemToArray(inputs, o);
    }
    char hex[65];
    full_hash(shash, inputs, hex);
    set_item(res, "step", cJSON_CreateString(st->name));
    set_item(res, "hash", cJSON_CreateString(hex));
    set_item(res, "settings_hash", cJSON_CreateString(shash));
    set_item(res, "voxomics_version", cJSON_CreateString(vx_version()));
    set_item(res, "inputs", inputs);
    set_item(res, "seconds", cJSON_CreateNumber(secs));
    set_item(res, "settings", vxs_node_json(cfg, 0));
    if (new_features) {
        char fh[65];
        int rc = vx_path_sha256(r->ctx.features_path, fh, r->err);
        if (rc != VX_OK)
            return rc;
        cJSON *fo = cJSON_CreateObject();
        cJSON_AddStringToObject(fo, "path", features_key(&r->ctx));
        if (r->ctx.features_id)
            cJSON_AddStringToObject(fo, "id", r->ctx.features_id);
        cJSON_AddStringToObject(fo, "sha256", fh);
        set_item(res, "features_out", fo);
    }
    char *jp = json_path(r, st->name);
    int rc = jp ? vxs_write_json(jp, res, r->err) : vx_error_set(r->err, VX_ENOMEM, "out of memory");
    free(jp);
    return rc;
}

static void progress(const runner *r, const char *name, vx_study_state s, double secs)
{
    if (r->ctx.opt && r->ctx.opt->progress)
        r->ctx.opt->progress(name, s, secs, r->ctx.opt->progress_ctx);
}

static void note_step(runner *r, const char *name, const char *state, const cJSON *doc, double secs)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddStringToObject(o, "state", state);
    const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "hash"));
    cJSON_AddStringToObject(o, "hash", h ? h : "");
    cJSON_AddNumberToObject(o, "seconds", secs);
    cJSON_AddItemToArray(r->steps, o);
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(doc, "inputs"), *it;
    cJSON_ArrayForEach(it, in)
    {
        cJSON *c = cJSON_Duplicate(it, 1);
        cJSON_AddStringToObject(c, "role", name);
        cJSON_AddItemToArray(r->step_inputs, c);
    }
}

/* Run one step (or skip it). */
static int one_step(runner *r, const vxs_step *st, const vxs_node *cfg)
{
    char shash[65];
    settings_hash(r, st, cfg, shash);
    char *jp = json_path(r, st->name);
    if (!jp)
        return vx_error_set(r->err, VX_ENOMEM, "out of memory");
    cJSON *old = r->ctx.opt && r->ctx.opt->force ? NULL : vxs_read_json(jp);
    if (old && can_skip(r, st, shash, old)) {
        double secs = vxs_json_num(old, "seconds");
        note_step(r, st->name, "skipped", old, secs);
        progress(r, st->name, VX_STUDY_SKIPPED, secs);
        r->skipped++;
        cJSON_Delete(old);
        free(jp);
        return VX_OK;
    }
    cJSON_Delete(old);
    unlink(jp); /* a failed or interrupted run leaves no stale result of this step */
    free(jp);
    progress(r, st->name, VX_STUDY_START, 0);
    struct vxs_run run;
    memset(&run, 0, sizeof run);
    r->ctx.run = &run;
    char *before = r->ctx.features_path ? strdup(r->ctx.features_path) : NULL;
    cJSON *res = cJSON_CreateObject();
    double t0 = now();
    int rc = res ? st->run(&r->ctx, cfg, res, r->err) : vx_error_set(r->err, VX_ENOMEM, "out of memory");
    double secs = now() - t0;
    r->ctx.run = NULL;
    int changed = r->ctx.features_path && (!before || strcmp(before, r->ctx.features_path));
    if (rc == VX_OK)
        rc = finish_step(r, st, cfg, shash, res, &run, secs, changed);
    if (rc == VX_OK) {
        note_step(r, st->name, "ran", res, secs);
        r->ran++;
        progress(r, st->name, VX_STUDY_DONE, secs);
    } else {
        char msg[VX_ERROR_LEN];
        snprintf(msg, sizeof msg, "%s", r->err ? r->err->msg : "");
        vx_error_set(r->err, rc, "%s: step '%s' failed: %s", r->s.path, st->name, msg);
        progress(r, st->name, VX_STUDY_FAILED, secs);
    }
    free(before);
    run_free(&run);
    cJSON_Delete(res);
    return rc;
}

static int study_json(runner *r)
{
    cJSON *doc = cJSON_CreateObject(), *study = cJSON_CreateObject(), *inputs = cJSON_CreateArray();
    cJSON_AddStringToObject(doc, "voxomics_version", vx_version());
    cJSON_AddStringToObject(study, "file", r->s.path);
    cJSON_AddStringToObject(study, "sha256", r->s.sha);
    cJSON_AddStringToObject(study, "title", vxs_str(r->s.root, "title", ""));
    cJSON_AddStringToObject(study, "description", vxs_str(r->s.root, "description", ""));
    cJSON_AddItemToObject(doc, "study", study);
    const vxs_node *in = vxs_get(r->s.root, "inputs");
    int rc = VX_OK;
    for (size_t i = 0; in && rc == VX_OK && i < in->n; i++) {
        const vxs_node *v = in->items[i];
        const char *p = v->kind == VXS_MAP ? vxs_str(v, "path", NULL) : v->kind == VXS_SCALAR ? v->value : NULL;
        if (!p || !strcmp(in->keys[i], "id"))
            continue;
        char *full = vxs_resolve(&r->ctx, p), hex[65];
        rc = full ? vx_path_sha256(full, hex, r->err) : vx_error_set(r->err, VX_ENOMEM, "out of memory");
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "role", in->keys[i]);
        cJSON_AddStringToObject(o, "path", full ? full : p);
        cJSON_AddStringToObject(o, "sha256", rc == VX_OK ? hex : "");
        cJSON_AddItemToArray(inputs, o);
        free(full);
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, r->step_inputs) cJSON_AddItemToArray(inputs, cJSON_Duplicate(it, 1));
    cJSON_AddItemToObject(doc, "inputs", inputs);
    cJSON_AddItemToObject(doc, "outcome", vxs_node_json(vxs_get(r->s.root, "outcome"), 0));
    if (!cJSON_GetObjectItemCaseSensitive(doc, "outcome") || cJSON_IsNull(cJSON_GetObjectItem(doc, "outcome")))
        set_item(doc, "outcome", cJSON_CreateObject());
    cJSON *cohort = cJSON_CreateObject();
    cJSON_AddItemToObject(doc, "cohort", cohort);
    if (rc == VX_OK)
        rc = vxs_cohort_summary(&r->ctx, r->base_features, r->base_id, cohort, r->err);
    cJSON_AddItemToObject(doc, "steps", cJSON_Duplicate(r->steps, 1));
    cJSON_AddStringToObject(doc, "study_text", r->s.text);
    char *jp = json_path(r, "study");
    if (rc == VX_OK)
        rc = jp ? vxs_write_json(jp, doc, r->err) : vx_error_set(r->err, VX_ENOMEM, "out of memory");
    free(jp);
    cJSON_Delete(doc);
    return rc;
}

static int run_steps(runner *r)
{
    size_t ns;
    const vxs_step *const *steps = vxs_steps(&ns);
    const vxs_node *sm = vxs_get(r->s.root, "steps");
    int rc = VX_OK;
    for (size_t i = 0; rc == VX_OK && i < ns; i++) {
        const vxs_node *cfg = vxs_get(sm, steps[i]->name);
        if (!cfg) { /* a result of an earlier run with this step would be stale */
            char *jp = json_path(r, steps[i]->name);
            if (jp)
                unlink(jp);
            free(jp);
        } else {
            vxs_node empty = {.kind = VXS_MAP, .line = cfg->line};
            rc = one_step(r, steps[i], cfg->kind == VXS_MAP ? cfg : &empty);
        }
        if (rc == VX_OK && i == 0 && r->ctx.features_path) { /* after extraction: the cohort's feature table */
            r->base_features = strdup(r->ctx.features_path);
            r->base_id = r->ctx.features_id ? strdup(r->ctx.features_id) : NULL;
        }
    }
    return rc;
}

static int runner_init(runner *r, const char *study_path, const char *outdir, const vx_study_options *opt)
{
    memset(r, 0, sizeof *r);
    r->ctx.study_path = study_path;
    r->ctx.outdir = outdir;
    r->ctx.opt = opt;
    r->steps = cJSON_CreateArray();
    r->step_inputs = cJSON_CreateArray();
    return r->steps && r->step_inputs ? VX_OK : VX_ENOMEM;
}

int vx_study_run(const char *study_path, const char *outdir, const vx_study_options *opt, int *ran, int *skipped,
                 vx_error *err)
{
    if (!study_path || !outdir)
        return vx_error_set(err, VX_EINVAL, "study: the study file and the output folder are required");
    runner r;
    int rc = runner_init(&r, study_path, outdir, opt);
    r.err = err;
    if (rc != VX_OK)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vxs_study_parse(study_path, &r.s, err);
    if (rc == VX_OK)
        rc = vxs_study_check_tree(&r.s, err);
    if (rc == VX_OK)
        rc = vxs_mkdirs(outdir, 1, err);
    if (rc == VX_OK) {
        r.ctx.study_dir = r.s.dir;
        r.ctx.root = r.s.root;
        const vxs_node *in = vxs_get(r.s.root, "inputs");
        r.ctx.features_path = vxs_resolve(&r.ctx, vxs_str(in, "features", NULL));
        r.ctx.features_id = vxs_str(in, "id", NULL) ? strdup(vxs_str(in, "id", NULL)) : NULL;
        rc = run_steps(&r);
    }
    if (rc == VX_OK)
        rc = study_json(&r);
    if (rc == VX_OK) {
        size_t n = strlen(outdir) + 16;
        char *html = malloc(n), *svg = malloc(n);
        if (html && svg) {
            snprintf(html, n, "%s/report.html", outdir);
            snprintf(svg, n, "%s/plots", outdir);
            rc = vxs_mkdirs(svg, 1, err);
            if (rc == VX_OK)
                rc = vxs_report_write(outdir, html, svg, err);
        } else
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
        free(html);
        free(svg);
    }
    if (ran)
        *ran = r.ran;
    if (skipped)
        *skipped = r.skipped;
    free(r.ctx.features_path);
    free(r.ctx.features_id);
    free(r.base_features);
    free(r.base_id);
    cJSON_Delete(r.steps);
    cJSON_Delete(r.step_inputs);
    vxs_study_free(&r.s);
    return rc;
}
