/* voxomics harmonize: ComBat harmonisation of features across batches (scanners, sites): fit, save, apply.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_common.h"
#include "voxomics/combat.h"

/* --apply: load the stored fit and find its features in the table (*cols, *p of them). */
static int stored_fit_columns(const sopts *o, vx_table *t, vx_combat_fit **fit, size_t **cols, size_t *p,
                              vx_error *err)
{
    int rc = vx_combat_load(o->apply, fit, err);
    *p = rc == VX_OK ? vx_combat_fit_n_features(*fit) : 0;
    *cols = malloc((*p + 1) * sizeof **cols);
    for (size_t j = 0; rc == VX_OK && j < *p; j++) {
        long c = vx_table_col(t, vx_combat_fit_feature_name(*fit, j));
        if (c < 0)
            rc = vx_error_set(err, VX_EINVAL, "%s: feature '%s' of the fit %s is missing", o->data,
                              vx_combat_fit_feature_name(*fit, j), o->apply);
        else
            (*cols)[j] = (size_t)c;
    }
    if (rc == VX_OK && vx_combat_fit_n_covariates(*fit) > 0)
        rc = vx_error_set(err, VX_EUNSUPPORTED, "%s: applying a fit with covariates: give the covariates (not yet "
                                                "supported by the command line)", o->apply);
    return rc;
}

/* The required columns: the batch column bc, then the covariates, which must be numeric (req, *nreq). */
static int required_columns(const sopts *o, vx_table *t, long bc, size_t *req, size_t *nreq, vx_error *err)
{
    int rc = VX_OK;
    req[(*nreq)++] = (size_t)bc;
    for (size_t c = 0; rc == VX_OK && c < o->covariates.n; c++) {
        long cc = stats_need_col(o, t, o->covariates.v[c], "covariate", err);
        if (cc < 0)
            rc = VX_EINVAL;
        else if (!vx_table_col_numeric(t, (size_t)cc))
            rc = vx_error_set(err, VX_EINVAL, "covariate '%s' is not numeric: code it as numbers (0/1 columns)",
                              o->covariates.v[c]);
        else
            req[(*nreq)++] = (size_t)cc;
    }
    return rc;
}

/* Fit ComBat on X (n samples, p features; batch index bi of the nb batches bnames), harmonise into H and save the
 * fit with --save. The covariate matrix is allocated into *C (req[1..]: the covariate columns). */
static int fit_new(const sopts *o, const vx_table *t, const double *X, size_t n, size_t p, const size_t *cols,
                   const int *bi, const char **bnames, size_t nb, const size_t *req, double *H, double **C,
                   vx_combat_fit **fit, vx_error *err)
{
    int rc = VX_OK;
    vx_combat_options co;
    vx_combat_options_default(&co);
    co.parametric = !o->nonparametric;
    co.eb = !o->no_eb;
    co.mean_only = o->mean_only;
    if (o->ref_batch) {
        co.ref_batch = -1;
        for (size_t b = 0; b < nb; b++)
            if (!strcmp(bnames[b], o->ref_batch))
                co.ref_batch = (int)b;
        if (co.ref_batch < 0)
            rc = vx_error_set(err, VX_EINVAL, "--ref-batch '%s' is not a value of '%s'", o->ref_batch, o->batch);
    }
    if (rc == VX_OK && o->covariates.n) {
        *C = malloc((n * o->covariates.n + 1) * sizeof **C);
        for (size_t i = 0; *C && i < n; i++)
            for (size_t c = 0; c < o->covariates.n; c++)
                (*C)[i * o->covariates.n + c] = t->num[i * t->ncol + req[c + 1]];
    }
    const char **fnames = malloc((p + 1) * sizeof *fnames);
    for (size_t j = 0; fnames && j < p; j++)
        fnames[j] = t->colnames[cols[j]];
    if (rc == VX_OK)
        rc = vx_combat_fit_apply(X, n, p, bi, bnames, nb, *C, o->covariates.n, fnames, &co, H, fit, err);
    free(fnames);
    if (rc == VX_OK && o->save)
        rc = vx_combat_save(*fit, o->save, err);
    return rc;
}

/* Write the table with the harmonised columns (H, n x p, into cols) replaced: DATA's columns, plus the batch and
 * covariate columns (req) when they came from --join files. */
static int write_harmonised(const sopts *o, vx_table *t, const double *H, size_t n, size_t p, const size_t *cols,
                            const size_t *req, size_t nreq, vx_error *err)
{
    int rc = VX_OK;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            char buf[40];
            snprintf(buf, sizeof buf, "%.17g", H[i * p + j]);
            char **cell = &t->cell[i * t->ncol + cols[j]];
            free(*cell);
            *cell = strdup(buf);
        }
    unsigned char *keep = calloc(t->ncol + 1, 1);
    for (size_t j = 0; keep && j < t->ncol; j++)
        keep[j] = j < t->main_ncol;
    for (size_t r = 0; keep && r < nreq; r++)
        keep[req[r]] = 1;
    vx_outfile *of = NULL;
    FILE *f = keep ? vx_outfile_open(o->out, &of, err) : NULL;
    if (!f)
        rc = keep ? VX_EIO : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; f && i <= t->nrow; i++) {
        int first = 1;
        for (size_t j = 0; j < t->ncol; j++) {
            if (!keep[j])
                continue;
            if (!first)
                fputc(',', f);
            first = 0;
            vx_csv_field(f, i == 0 ? t->colnames[j] : t->cell[(i - 1) * t->ncol + j]);
        }
        fputc('\n', f);
    }
    free(keep);
    if (f)
        rc = stats_finish(of, rc, err);
    return rc;
}

static int cmd_harmonize(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->out)
        return stats_usage(o, "-o OUT.csv is required", NULL);
    vx_table t;
    int rc = stats_load_table(o, &t, &err);
    if (rc != VX_OK)
        return stats_fail(o, &err);
    vx_combat_fit *fit = NULL;
    size_t *cols = NULL, p = 0;
    double *X = NULL, *H = NULL, *C = NULL;
    const char **bnames = NULL, **rowb = NULL;
    int *bi = NULL;
    long bc = -1;
    if (o->apply) {
        rc = stored_fit_columns(o, &t, &fit, &cols, &p, &err);
    } else {
        const char *skip[MAX_LIST + 2];
        size_t ns = 0;
        skip[ns++] = o->batch;
        for (size_t c = 0; c < o->covariates.n; c++)
            skip[ns++] = o->covariates.v[c];
        rc = stats_feature_cols(o, &t, skip, ns, &cols, &p, &err);
    }
    if (rc == VX_OK && (bc = stats_need_col(o, &t, o->batch, "batch", &err)) < 0)
        rc = VX_EINVAL;
    size_t *req = malloc((o->covariates.n + 2) * sizeof *req), nreq = 0;
    if (rc == VX_OK)
        rc = required_columns(o, &t, bc, req, &nreq, &err);
    char report[512] = "";
    size_t dropped = 0;
    if (rc == VX_OK)
        rc = vx_table_missing(&t, cols, p, req, nreq, (vx_missing_policy)vx_missing_find(o->missing), &dropped,
                              report, sizeof report, &err);
    if (rc == VX_OK && report[0])
        stats_note(o, "%s; %s", report,
                dropped ? "rows dropped (--missing drop)" : "medians imputed (--missing impute-median)");
    if (rc == VX_OK)
        rc = vx_table_matrix(&t, cols, p, &X, &err);
    if (rc == VX_OK && !strcmp(o->missing, "impute-median")) {
        double *med = malloc((p + 1) * sizeof *med);
        rc = med ? vx_impute_fit(X, t.nrow, p, med, &err) : VX_ENOMEM;
        if (rc == VX_OK)
            vx_impute_apply(X, t.nrow, p, med);
        free(med);
    }
    size_t n = t.nrow, nb = 0;
    H = malloc((n * p + 1) * sizeof *H);
    rowb = malloc((n + 1) * sizeof *rowb);
    bnames = malloc((n + 1) * sizeof *bnames);
    bi = malloc((n + 1) * sizeof *bi);
    if (rc == VX_OK && (!H || !rowb || !bnames || !bi))
        rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < n; i++)
        rowb[i] = t.cell[i * t.ncol + (size_t)bc];
    if (rc == VX_OK)
        nb = vx_levels(rowb, n, bnames, bi);
    if (rc == VX_OK && o->apply) {
        rc = vx_combat_apply(fit, X, n, rowb, NULL, H, &err);
    } else if (rc == VX_OK) {
        rc = fit_new(o, &t, X, n, p, cols, bi, bnames, nb, req, H, &C, &fit, &err);
    }
    if (rc == VX_OK && vx_combat_fit_note(fit) && vx_combat_fit_note(fit)[0])
        stats_note(o, "%s", vx_combat_fit_note(fit));
    if (rc == VX_OK)
        rc = write_harmonised(o, &t, H, n, p, cols, req, nreq, &err);
    if (rc == VX_OK && stats_summary(o))
        printf("harmonised %zu features of %zu samples in %zu batches (%s%s%s)\n", p, n, nb,
               o->apply ? "stored fit" : o->nonparametric ? "non-parametric" : "parametric",
               o->no_eb ? ", no EB" : "", o->mean_only ? ", mean only" : "");
    free(req);
    free(cols);
    free(X);
    free(H);
    free(C);
    free(rowb);
    free(bnames);
    free(bi);
    vx_combat_free(fit);
    vx_table_free(&t);
    return rc == VX_OK ? 0 : stats_fail(o, &err);
}

static const cli_opt harmonize_table[] = {
    OPT_OUT("OUT.csv", "the data table with the feature columns harmonised"),
    {"--batch", NULL, "COL", "required", "the batch column (scanner, site, protocol)", CLI_STR, SO(batch), 0, 0, 0},
    {"--covariate", NULL, "COL", NULL,
     "a numeric column whose effect is preserved (code categories as 0/1 columns)", CLI_LIST, SO(covariates), 0,
     0, 0},
    {"--nonparametric", NULL, NULL, "off: parametric priors", "non-parametric empirical Bayes priors", CLI_FLAG,
     SO(nonparametric), 0, 0, 1},
    {"--mean-only", NULL, NULL, NULL, "adjust only the batch means, not the variances", CLI_FLAG, SO(mean_only), 0,
     0, 1},
    {"--no-eb", NULL, NULL, "off: empirical Bayes", "no empirical Bayes shrinkage: the per-batch estimates as they are",
     CLI_FLAG, SO(no_eb), 0, 0, 1},
    {"--ref-batch", NULL, "VALUE", "none: the pooled mean and variance",
     "harmonise to this batch (its rows are left unchanged)", CLI_STR, SO(ref_batch), 0, 0, 0},
    {"--save", NULL, "FIT.json", NULL, "also write the fitted ComBat model, to harmonise new data with --apply; "
     "'-' is standard output", CLI_STR, SO(save), 0, 0, 0},
    {"--apply", NULL, "FIT.json", NULL,
     "harmonise with a saved fit instead of fitting (fits without covariates)", CLI_STR, SO(apply), 0, 0, 0},
    OPT_ID, OPT_JOIN, OPT_WHERE, OPT_MISSING, OPT_FEATURES, OPT_EXCLUDE,
    CLI_QUIET(sopts),
    CLI_END};

static int run_harmonize(const cli_command *c, int argc, char **argv)
{
    sopts o;
    int r = stats_parse(c, argc, argv, &o);
    if (r)
        return r == CLI_DONE ? 0 : r;
    return cmd_harmonize(&o);
}

const cli_command cli_cmd_harmonize = {
    "harmonize",
    "ComBat harmonisation of features across batches (scanners, sites): fit, save, apply",
    "DATA.csv --batch COL [--covariate COL]... [--nonparametric] [--mean-only] [--no-eb] [--ref-batch V]\n"
    "         [--save FIT.json] [options] -o OUT.csv\n"
    "--apply FIT.json NEW.csv --batch COL [options] -o OUT.csv",
    "DATA.csv  a CSV table: one row per sample, an ID column, the batch column, numeric feature columns\n"
    "NEW.csv   new samples to harmonise with a stored fit (their batches must be in the fit)",
    harmonize_table,
    "Reproduces sva::ComBat / neuroCombat exactly (docs/statistics.md). Features constant within a batch are left unharmonised and named in a note.",
    "voxomics harmonize ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --join ../shared/stats/nsclc_radiogenomics/ct_acquisition_parameters.csv --where Manufacturer!=TOSHIBA --batch Manufacturer --missing drop -o harmonized.csv --save combat.json\n"
    "voxomics harmonize --apply combat.json harmonized.csv --id SubjectID --batch Manufacturer -o reharmonized.csv",
    STATS_EXITS,
    run_harmonize};
