/* voxomics study step "extraction": a cohort CSV (voxomics cohort semantics: Image, Mask, optional ID and Label
 * columns) extracted with a settings file through the cohort API, as `voxomics extract --cohort`. The wide table,
 * OUTDIR/extraction/features.csv (ID column "case": one region per case), becomes the feature table of the later
 * steps. The JSON carries the settings' hash and text, the voxomics version, the counts of feature columns and
 * of those that are IBSI-standardised (an IBSI code and reference values in IBSI 1), the failed cases.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "study/runner.h"
#include "voxomics/cohort.h"
#include "voxomics/feature.h"
#include "voxomics/io.h"
#include "voxomics/settings.h"
#include "voxomics/voxomics.h"

static const vxs_key extraction_keys[] = {
    {"cohort", VXS_PATH, "the cohort CSV: Image, Mask (ID, Label) columns, paths relative to it (required)", NULL},
    {"config", VXS_PATH, "the settings file (docs/config.md) or a PyRadiomics parameter file (required)", NULL},
    {"jobs", VXS_INT, "cases run at once (default: --threads, else 1; results do not depend on it)", NULL},
    {NULL, VXS_STR, NULL, NULL}};

/* The image or mask of a case as a file or folder to hash ("RTSTRUCT_FILE:ROI": the file). */
static int declare(vxs_ctx *ctx, const char *spec, vx_error *err)
{
    struct stat st;
    if (stat(spec, &st) == 0)
        return vxs_input(ctx, spec, err);
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", spec);
    char *colon = strrchr(buf, ':');
    if (colon) {
        *colon = '\0';
        if (stat(buf, &st) == 0)
            return vxs_input(ctx, buf, err);
    }
    return VX_OK; /* the case fails with its own message */
}

/* Counts of the feature columns of the first successful case: all, IBSI-standardised, without a reference value
 * in IBSI, not IBSI features. */
static void ibsi_counts(const vx_cohort_results *r, cJSON *res)
{
    size_t all = 0, std = 0, nostd = 0, other = 0;
    for (size_t i = 0; i < r->n && !all; i++) {
        if (!r->cases[i].done || r->cases[i].error || !r->cases[i].n_regions)
            continue;
        const vx_results *rs = &r->cases[i].regions[0].res;
        for (size_t k = 0; k < rs->n; k++) {
            const vx_feature_info *fi = vx_feature_get(rs->rows[k].feature);
            all++;
            if (!fi || !fi->ibsi_code || !fi->ibsi_code[0] || (fi->flags & VX_FF_PYRADIOMICS))
                other++;
            else if (fi->flags & VX_FF_NOT_STANDARDISED)
                nostd++;
            else
                std++;
        }
    }
    cJSON_AddNumberToObject(res, "n_features", (double)all);
    cJSON_AddNumberToObject(res, "n_ibsi_standardised", (double)std);
    cJSON_AddNumberToObject(res, "n_ibsi_not_standardised", (double)nostd);
    cJSON_AddNumberToObject(res, "n_not_ibsi", (double)other);
}

static int write_wide(vxs_ctx *ctx, const vx_cohort *c, const vx_cohort_results *r, const vx_settings *s,
                      vx_error *err)
{
    char *path = vxs_outpath(ctx, "extraction/features.csv");
    if (!path)
        return vx_error_set(err, VX_EIO, "%s/extraction: cannot create the folder", ctx->outdir);
    vx_outfile *of;
    FILE *f = vx_outfile_open(path, &of, err);
    free(path);
    if (!f)
        return VX_EIO;
    vx_column_names names = s->compat == VX_COMPAT_PYRADIOMICS ? VX_NAMES_PYRADIOMICS : VX_NAMES_IBSI;
    int rc = vx_cohort_write_csv(f, c, r, s, names, err);
    if (rc != VX_OK) {
        vx_outfile_abort(of);
        return rc;
    }
    return vx_outfile_commit(of, err);
}

static void case_json(const vx_cohort *c, const vx_cohort_results *r, cJSON *res)
{
    size_t done = 0, failed = 0;
    vx_cohort_count(r, &done, &failed);
    cJSON_AddNumberToObject(res, "n_cases", (double)c->n);
    cJSON_AddNumberToObject(res, "n_failed", (double)failed);
    cJSON *fl = cJSON_AddArrayToObject(res, "failed");
    for (size_t i = 0; i < r->n; i++)
        if (r->cases[i].done && r->cases[i].error) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", c->cases[i].id ? c->cases[i].id : "");
            cJSON_AddStringToObject(o, "error", r->cases[i].error);
            cJSON_AddItemToArray(fl, o);
        }
}

static int settings_json(const char *cfg_path, const vx_settings *s, cJSON *res)
{
    char hex[65];
    vx_settings_hash(s, hex);
    cJSON_AddStringToObject(res, "settings_sha256", hex);
    cJSON_AddStringToObject(res, "voxomics", vx_version());
    FILE *f = fopen(cfg_path, "rb");
    char *text = malloc(1 << 16);
    size_t n = f && text ? fread(text, 1, (1 << 16) - 1, f) : 0;
    if (text) {
        text[n] = '\0';
        cJSON_AddStringToObject(res, "settings_text", text);
    }
    if (f)
        fclose(f);
    free(text);
    return VX_OK;
}

static int extraction_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *res, vx_error *err)
{
    char *cohort = vxs_resolve(ctx, vxs_str(cfg, "cohort", NULL)), *config = vxs_resolve(ctx, vxs_str(cfg, "config", NULL));
    vx_cohort c;
    memset(&c, 0, sizeof c);
    vx_cohort_results r = {0, NULL};
    vx_settings s;
    vx_settings_default(&s);
    int rc = cohort && config ? VX_OK
                              : vx_error_set(err, VX_EINVAL, "%s:%d: steps.extraction needs cohort and config",
                                             ctx->study_path, cfg->line);
    if (rc == VX_OK)
        rc = vxs_input(ctx, cohort, err);
    if (rc == VX_OK)
        rc = vxs_input(ctx, config, err);
    if (rc == VX_OK)
        rc = vx_settings_load(config, &s, err);
    if (rc == VX_OK)
        rc = vx_cohort_read(cohort, &c, err);
    for (size_t i = 0; rc == VX_OK && i < c.n; i++) {
        rc = declare(ctx, c.cases[i].image, err);
        if (rc == VX_OK)
            rc = declare(ctx, c.cases[i].mask, err);
    }
    vx_cohort_options co;
    vx_cohort_options_default(&co);
    long jobs = vxs_int(cfg, "jobs", ctx->opt && ctx->opt->threads > 0 ? ctx->opt->threads : 1);
    co.jobs = jobs < 1 ? 1 : (int)jobs;
    if (rc == VX_OK)
        rc = vx_cohort_run(&c, &s, &co, &r, err);
    if (rc == VX_OK)
        rc = write_wide(ctx, &c, &r, &s, err);
    if (rc == VX_OK) {
        settings_json(config, &s, res);
        ibsi_counts(&r, res);
        case_json(&c, &r, res);
        cJSON_AddStringToObject(res, "csv", "extraction/features.csv");
        rc = vxs_set_features(ctx, "extraction/features.csv", "case", err);
    }
    vx_cohort_results_free(&r);
    if (c.n || c.path)
        vx_cohort_free(&c);
    free(cohort);
    free(config);
    return rc;
}

static int extraction_section(const cJSON *res, const cJSON *study, vxs_html *h, vx_error *err)
{
    (void)study;
    (void)err;
    const char *hash = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "settings_sha256"));
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "settings_text"));
    vxs_html_say(h, "extraction.json", res, "<p>{n_cases} cases extracted ({n_failed} failed) with voxomics ");
    vxs_html_text(h, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "voxomics")));
    vxs_html_raw(h, "; settings SHA-256 <code>");
    vxs_html_text(h, hash ? hash : "");
    vxs_html_say(h, "extraction.json", res,
                 "</code>.</p>\n<p>IBSI compliance: {n_ibsi_standardised} of the {n_features} features are defined "
                 "and standardised by the Image Biomarker Standardisation Initiative (IBSI 1: an IBSI code and "
                 "consensus reference values, which voxomics reproduces); {n_ibsi_not_standardised} are IBSI "
                 "features without consensus reference values; {n_not_ibsi} are not IBSI features.</p>\n");
    if (text) {
        vxs_html_raw(h, "<details><summary>Extraction settings</summary><pre>");
        vxs_html_text(h, text);
        vxs_html_raw(h, "</pre></details>\n");
    }
    return VX_OK;
}

const vxs_step vxs_step_extraction = {"extraction", "Feature extraction", extraction_keys, extraction_run,
                                      extraction_section};
