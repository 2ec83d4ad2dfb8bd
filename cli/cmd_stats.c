/* voxomics harmonize | icc | select | train | predict | cv | evaluate: the cohort statistics commands.
 *
 * Common options: --id NAME (the ID column, default the first), --join FILE (repeatable: joined on the ID; the
 * joined file's ID is its first column), --missing error|drop|impute-median (default error), --features a,b,...
 * / --exclude a,b,... (feature columns; default every numeric column but the ID, label, batch, covariates).
 * Results go to the named CSV / JSON files; a human-readable summary is printed when stdout is a terminal.
 * Exit status: 0 done, 1 a problem with the data or files (one line naming it), 2 wrong command line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "voxomics/combat.h"
#include "voxomics/icc.h"
#include "voxomics/pipeline.h"
#include "voxomics/roc.h"
#include "voxomics/select.h"
#include "voxomics/table.h"

#define MAX_LIST 64

typedef struct sopts {
    const char *cmd;
    const char *data, *id, *out, *json, *label, *positive, *batch, *method, *model, *save, *apply, *subject, *rater;
    const char *score, *compare, *prob, *folds_from, *features, *exclude, *missing, *harmonize_batch, *model_file;
    const char *youden_from;
    const char *joins[MAX_LIST];
    size_t njoin;
    const char *covariates[MAX_LIST];
    size_t ncov;
    const char *tune[MAX_LIST];
    size_t ntune;
    const char *where[MAX_LIST];
    size_t nwhere;
    int folds, repeats, nonparametric, mean_only, no_eb, miq, welch, lasso_1se, bootstrap;
    const char *ref_batch;
    unsigned long seed;
    double C, gamma, eta, threshold, alpha, k, nlambda, lambda_min_ratio;
    int trees, depth;
} sopts;

static int usage(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "voxomics %s: %s%s%s\n", cmd, msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "usage: see `voxomics help` and docs/statistics.md\n");
    return 2;
}

static int fail(const char *cmd, const vx_error *err)
{
    fprintf(stderr, "voxomics %s: %s\n", cmd, err->msg);
    return 1;
}

/* "a,b,c" -> list (pointers into a copy that lives until exit of the command) */
static size_t split_list(char *s, const char **out, size_t max)
{
    size_t n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        out[n++] = tok;
    return n;
}

static int parse_num(const char *cmd, const char *opt, const char *arg, double *v)
{
    char *end;
    *v = strtod(arg, &end);
    if (end == arg || *end || !isfinite(*v))
        return usage(cmd, "not a number", opt);
    return 0;
}

static int parse_args(int argc, char **argv, sopts *o)
{
    memset(o, 0, sizeof *o);
    o->cmd = argv[0];
    o->folds = 5;
    o->repeats = 1;
    o->C = o->gamma = o->eta = o->threshold = o->alpha = o->k = o->nlambda = o->lambda_min_ratio = NAN;
    o->trees = o->depth = -1;
    o->missing = "error";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        const char **str = NULL;
        double *num = NULL;
        if (!strcmp(a, "--id"))
            str = &o->id;
        else if (!strcmp(a, "-o") || !strcmp(a, "--output"))
            str = &o->out;
        else if (!strcmp(a, "--json"))
            str = &o->json;
        else if (!strcmp(a, "--label"))
            str = &o->label;
        else if (!strcmp(a, "--positive"))
            str = &o->positive;
        else if (!strcmp(a, "--batch"))
            str = &o->batch;
        else if (!strcmp(a, "--method"))
            str = &o->method;
        else if (!strcmp(a, "--model"))
            str = &o->model;
        else if (!strcmp(a, "--save"))
            str = &o->save;
        else if (!strcmp(a, "--apply"))
            str = &o->apply;
        else if (!strcmp(a, "--subject"))
            str = &o->subject;
        else if (!strcmp(a, "--rater"))
            str = &o->rater;
        else if (!strcmp(a, "--score"))
            str = &o->score;
        else if (!strcmp(a, "--compare"))
            str = &o->compare;
        else if (!strcmp(a, "--prob"))
            str = &o->prob;
        else if (!strcmp(a, "--folds-from"))
            str = &o->folds_from;
        else if (!strcmp(a, "--features"))
            str = &o->features;
        else if (!strcmp(a, "--exclude"))
            str = &o->exclude;
        else if (!strcmp(a, "--missing"))
            str = &o->missing;
        else if (!strcmp(a, "--ref-batch"))
            str = &o->ref_batch;
        else if (!strcmp(a, "--harmonize-batch"))
            str = &o->harmonize_batch;
        else if (!strcmp(a, "--youden-from"))
            str = &o->youden_from;
        else if (!strcmp(a, "--select"))
            str = &o->method;
        else if (!strcmp(a, "--C"))
            num = &o->C;
        else if (!strcmp(a, "--gamma"))
            num = &o->gamma;
        else if (!strcmp(a, "--eta"))
            num = &o->eta;
        else if (!strcmp(a, "--threshold"))
            num = &o->threshold;
        else if (!strcmp(a, "--alpha"))
            num = &o->alpha;
        else if (!strcmp(a, "--k"))
            num = &o->k;
        else if (!strcmp(a, "--nlambda"))
            num = &o->nlambda;
        else if (!strcmp(a, "--lambda-min-ratio"))
            num = &o->lambda_min_ratio;
        if (str || num) {
            if (!has)
                return usage(o->cmd, "option needs a value", a);
            if (str)
                *str = argv[++i];
            else if (parse_num(o->cmd, a, argv[++i], num))
                return 2;
            continue;
        }
        if ((!strcmp(a, "--join") || !strcmp(a, "--covariate") || !strcmp(a, "--tune") || !strcmp(a, "--where")) &&
            has) {
            const char **list = a[2] == 'j' ? o->joins : a[2] == 'c' ? o->covariates : a[2] == 't' ? o->tune : o->where;
            size_t *n = a[2] == 'j' ? &o->njoin : a[2] == 'c' ? &o->ncov : a[2] == 't' ? &o->ntune : &o->nwhere;
            if (*n == MAX_LIST)
                return usage(o->cmd, "too many", a);
            list[(*n)++] = argv[++i];
        } else if ((!strcmp(a, "--folds") || !strcmp(a, "--repeats") || !strcmp(a, "--trees") ||
                    !strcmp(a, "--depth") || !strcmp(a, "--bootstrap") || !strcmp(a, "--seed")) &&
                   has) {
            char *end;
            long v = strtol(argv[++i], &end, 10);
            if (*end || end == argv[i] || v < 0)
                return usage(o->cmd, "needs a non-negative integer", a);
            if (!strcmp(a, "--folds"))
                o->folds = (int)v;
            else if (!strcmp(a, "--repeats"))
                o->repeats = (int)v;
            else if (!strcmp(a, "--trees"))
                o->trees = (int)v;
            else if (!strcmp(a, "--depth"))
                o->depth = (int)v;
            else if (!strcmp(a, "--bootstrap"))
                o->bootstrap = (int)v;
            else
                o->seed = (unsigned long)v;
        } else if (!strcmp(a, "--nonparametric"))
            o->nonparametric = 1;
        else if (!strcmp(a, "--mean-only"))
            o->mean_only = 1;
        else if (!strcmp(a, "--no-eb"))
            o->no_eb = 1;
        else if (!strcmp(a, "--miq"))
            o->miq = 1;
        else if (!strcmp(a, "--welch"))
            o->welch = 1;
        else if (!strcmp(a, "--lambda-1se"))
            o->lasso_1se = 1;
        else if (a[0] == '-' && a[1])
            return usage(o->cmd, "unknown or incomplete option", a);
        else if (!strcmp(o->cmd, "predict") && !o->model_file)
            o->model_file = a;
        else if (!o->data)
            o->data = a;
        else
            return usage(o->cmd, "too many arguments", a);
    }
    if (vx_missing_find(o->missing) < 0)
        return usage(o->cmd, "--missing must be error, drop or impute-median", o->missing);
    return 0;
}

/* Read DATA with its joins; report unmatched rows on stderr. */
static int load_table(const sopts *o, vx_table *t, vx_error *err)
{
    if (!o->data)
        return vx_error_set(err, VX_EINVAL, "the data table (DATA.csv) is required");
    int rc = !strcmp(o->cmd, "icc") ? vx_table_read_long(o->data, o->id, t, err) /* long format: IDs repeat */
                                     : vx_table_read(o->data, o->id, t, err);
    /* joined files bring labels, batches and covariates: by default features come from DATA only
     * (t->main_ncol, kept by the joins) */
    for (size_t j = 0; rc == VX_OK && j < o->njoin; j++) {
        vx_table b;
        rc = vx_table_read(o->joins[j], NULL, &b, err);
        size_t ua = 0, ub = 0;
        if (rc == VX_OK)
            rc = vx_table_join(t, &b, &ua, &ub, err);
        if (rc == VX_OK && (ua || ub))
            fprintf(stderr, "voxomics %s: join %s: %zu rows of the data and %zu rows of the joined file have no "
                            "partner and are left out (%zu rows remain)\n",
                    o->cmd, o->joins[j], ua, ub, t->nrow);
        vx_table_free(&b);
    }
    /* --where COL=VALUE / COL!=VALUE */
    for (size_t w = 0; rc == VX_OK && w < o->nwhere; w++) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", o->where[w]);
        char *eq = strchr(buf, '=');
        if (!eq || eq == buf) {
            rc = vx_error_set(err, VX_EINVAL, "--where COL=VALUE or COL!=VALUE: '%s'", o->where[w]);
            break;
        }
        int neq = eq[-1] == '!';
        *(neq ? eq - 1 : eq) = '\0';
        size_t removed = 0;
        rc = vx_table_where(t, buf, eq + 1, !neq, &removed, err);
        if (rc == VX_OK && removed)
            fprintf(stderr, "voxomics %s: --where %s: %zu rows left out (%zu remain)\n", o->cmd, o->where[w], removed,
                    t->nrow);
    }
    return rc;
}

/* Feature columns: --features / --exclude, minus the columns in skip. */
static int feature_cols(const sopts *o, const vx_table *t, const char *const *skip, size_t nskip, size_t **cols,
                        size_t *p, vx_error *err)
{
    char fbuf[8192], ebuf[8192];
    const char *inc[1024], *exc[1100];
    size_t ni = 0, ne = 0;
    if (o->features) {
        snprintf(fbuf, sizeof fbuf, "%s", o->features);
        ni = split_list(fbuf, inc, 1024);
    }
    if (o->exclude) {
        snprintf(ebuf, sizeof ebuf, "%s", o->exclude);
        ne = split_list(ebuf, exc, 1024);
    }
    for (size_t i = 0; i < nskip && ne < 1100; i++)
        if (skip[i] && vx_table_col(t, skip[i]) >= 0)
            exc[ne++] = skip[i];
    for (size_t j = t->main_ncol; !o->features && j < t->ncol && ne < 1100; j++)
        exc[ne++] = t->colnames[j]; /* joined columns are not features unless named in --features */
    return vx_table_numeric_cols(t, o->features ? inc : NULL, ni, exc, ne, cols, p, err);
}

static long need_col(const sopts *o, const vx_table *t, const char *name, const char *what, vx_error *err)
{
    if (!name) {
        vx_error_set(err, VX_EINVAL, "--%s COLUMN is required", what);
        return -1;
    }
    long c = vx_table_col(t, name);
    if (c < 0)
        vx_error_set(err, VX_EINVAL, "%s: no column '%s' (--%s)", o->data, name, what);
    return c;
}

static int write_json(const char *cmd, const char *path, cJSON *root)
{
    char *text = cJSON_Print(root);
    FILE *f = text ? fopen(path, "w") : NULL;
    int ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0)
        ok = 0;
    free(text);
    if (!ok) {
        fprintf(stderr, "voxomics %s: %s: cannot write: %s\n", cmd, path, strerror(errno));
        return 1;
    }
    return 0;
}

static cJSON *json_nums(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

/* ---- harmonize -------------------------------------------------------------------------------------------- */
static int cmd_harmonize(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->out)
        return usage(o->cmd, "-o OUT.csv is required", NULL);
    vx_table t;
    int rc = load_table(o, &t, &err);
    if (rc != VX_OK)
        return fail(o->cmd, &err);
    vx_combat_fit *fit = NULL;
    size_t *cols = NULL, p = 0;
    double *X = NULL, *H = NULL, *C = NULL;
    const char **bnames = NULL, **rowb = NULL;
    int *bi = NULL;
    long bc = -1;
    if (o->apply) {
        rc = vx_combat_load(o->apply, &fit, &err);
        p = rc == VX_OK ? vx_combat_fit_n_features(fit) : 0;
        cols = malloc((p + 1) * sizeof *cols);
        for (size_t j = 0; rc == VX_OK && j < p; j++) {
            long c = vx_table_col(&t, vx_combat_fit_feature_name(fit, j));
            if (c < 0)
                rc = vx_error_set(&err, VX_EINVAL, "%s: feature '%s' of the fit %s is missing", o->data,
                                  vx_combat_fit_feature_name(fit, j), o->apply);
            else
                cols[j] = (size_t)c;
        }
        if (rc == VX_OK && vx_combat_fit_n_covariates(fit) > 0)
            rc = vx_error_set(&err, VX_EUNSUPPORTED, "%s: applying a fit with covariates: give the covariates (not yet "
                                                     "supported by the command line)", o->apply);
    } else {
        const char *skip[MAX_LIST + 2];
        size_t ns = 0;
        skip[ns++] = o->batch;
        for (size_t c = 0; c < o->ncov; c++)
            skip[ns++] = o->covariates[c];
        rc = feature_cols(o, &t, skip, ns, &cols, &p, &err);
    }
    if (rc == VX_OK && (bc = need_col(o, &t, o->batch, "batch", &err)) < 0)
        rc = VX_EINVAL;
    size_t *req = malloc((o->ncov + 2) * sizeof *req), nreq = 0;
    if (rc == VX_OK) {
        req[nreq++] = (size_t)bc;
        for (size_t c = 0; rc == VX_OK && c < o->ncov; c++) {
            long cc = need_col(o, &t, o->covariates[c], "covariate", &err);
            if (cc < 0)
                rc = VX_EINVAL;
            else if (!vx_table_col_numeric(&t, (size_t)cc))
                rc = vx_error_set(&err, VX_EINVAL, "covariate '%s' is not numeric: code it as numbers (0/1 columns)",
                                  o->covariates[c]);
            else
                req[nreq++] = (size_t)cc;
        }
    }
    char report[512] = "";
    size_t dropped = 0;
    if (rc == VX_OK)
        rc = vx_table_missing(&t, cols, p, req, nreq, (vx_missing_policy)vx_missing_find(o->missing), &dropped,
                              report, sizeof report, &err);
    if (rc == VX_OK && report[0])
        fprintf(stderr, "voxomics harmonize: %s; %s\n", report,
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
                rc = vx_error_set(&err, VX_EINVAL, "--ref-batch '%s' is not a value of '%s'", o->ref_batch, o->batch);
        }
        if (rc == VX_OK && o->ncov) {
            C = malloc((n * o->ncov + 1) * sizeof *C);
            for (size_t i = 0; C && i < n; i++)
                for (size_t c = 0; c < o->ncov; c++)
                    C[i * o->ncov + c] = t.num[i * t.ncol + req[c + 1]];
        }
        const char **fnames = malloc((p + 1) * sizeof *fnames);
        for (size_t j = 0; fnames && j < p; j++)
            fnames[j] = t.colnames[cols[j]];
        if (rc == VX_OK)
            rc = vx_combat_fit_apply(X, n, p, bi, bnames, nb, C, o->ncov, fnames, &co, H, &fit, &err);
        free(fnames);
        if (rc == VX_OK && o->save)
            rc = vx_combat_save(fit, o->save, &err);
    }
    if (rc == VX_OK && vx_combat_fit_note(fit) && vx_combat_fit_note(fit)[0])
        fprintf(stderr, "voxomics harmonize: %s\n", vx_combat_fit_note(fit));
    /* write the table with the harmonised columns replaced */
    for (size_t i = 0; rc == VX_OK && i < n; i++)
        for (size_t j = 0; j < p; j++) {
            char buf[40];
            snprintf(buf, sizeof buf, "%.17g", H[i * p + j]);
            char **cell = &t.cell[i * t.ncol + cols[j]];
            free(*cell);
            *cell = strdup(buf);
        }
    if (rc == VX_OK) {
        /* DATA's columns, plus the batch and covariate columns when they came from --join files */
        unsigned char *keep = calloc(t.ncol + 1, 1);
        for (size_t j = 0; keep && j < t.ncol; j++)
            keep[j] = j < t.main_ncol;
        for (size_t r = 0; keep && r < nreq; r++)
            keep[req[r]] = 1;
        FILE *f = keep ? fopen(o->out, "w") : NULL;
        if (!f)
            rc = vx_error_set(&err, VX_EIO, "%s: cannot write: %s", o->out, strerror(errno));
        for (size_t i = 0; f && i <= t.nrow; i++) {
            int first = 1;
            for (size_t j = 0; j < t.ncol; j++) {
                if (!keep[j])
                    continue;
                if (!first)
                    fputc(',', f);
                first = 0;
                vx_csv_field(f, i == 0 ? t.colnames[j] : t.cell[(i - 1) * t.ncol + j]);
            }
            fputc('\n', f);
        }
        free(keep);
        if (f && ferror(f))
            rc = vx_error_set(&err, VX_EIO, "%s: write error", o->out);
        if (f && fclose(f) != 0 && rc == VX_OK)
            rc = vx_error_set(&err, VX_EIO, "%s: cannot write", o->out);
    }
    if (rc == VX_OK && isatty(1))
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
    return rc == VX_OK ? 0 : fail(o->cmd, &err);
}

/* ---- icc --------------------------------------------------------------------------------------------------- */
static int cmd_icc(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->out)
        return usage(o->cmd, "-o OUT.csv is required", NULL);
    vx_table t;
    if (load_table(o, &t, &err) != VX_OK)
        return fail(o->cmd, &err);
    long sc = need_col(o, &t, o->subject, "subject", &err), rcol = sc >= 0 ? need_col(o, &t, o->rater, "rater", &err) : -1;
    size_t *cols = NULL, p = 0;
    int rc = sc < 0 || rcol < 0 ? VX_EINVAL : VX_OK;
    const char *skip[2] = {o->subject, o->rater};
    if (rc == VX_OK)
        rc = feature_cols(o, &t, skip, 2, &cols, &p, &err);
    /* subjects and raters in order of appearance */
    size_t n = 0, k = 0, N = t.nrow;
    const char **subj = malloc((N + 1) * sizeof *subj), **rat = malloc((N + 1) * sizeof *rat);
    const char **sv = malloc((N + 1) * sizeof *sv), **rv = malloc((N + 1) * sizeof *rv);
    int *si = malloc((N + 1) * sizeof *si), *ri = malloc((N + 1) * sizeof *ri);
    if (rc == VX_OK && (!subj || !rat || !sv || !rv || !si || !ri))
        rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < N; i++) {
        sv[i] = t.cell[i * t.ncol + (size_t)sc];
        rv[i] = t.cell[i * t.ncol + (size_t)rcol];
    }
    if (rc == VX_OK) {
        n = vx_levels(sv, N, subj, si);
        k = vx_levels(rv, N, rat, ri);
    }
    double *Y = rc == VX_OK ? malloc((n * k + 1) * sizeof *Y) : NULL;
    vx_icc *res = rc == VX_OK ? malloc((p + 1) * sizeof *res) : NULL;
    if (rc == VX_OK && (!Y || !res))
        rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
    /* every feature first: the output is written only when all are computed (no partial file) */
    for (size_t j = 0; rc == VX_OK && j < p; j++) {
        for (size_t q = 0; q < n * k; q++)
            Y[q] = NAN;
        for (size_t i = 0; i < N; i++) {
            double *cell = &Y[(size_t)si[i] * k + (size_t)ri[i]];
            if (!isnan(*cell)) {
                rc = vx_error_set(&err, VX_EINVAL, "%s: subject '%s' rated twice by '%s'", o->data, subj[si[i]],
                                  rat[ri[i]]);
                break;
            }
            *cell = t.num[i * t.ncol + cols[j]];
            if (isnan(*cell)) {
                const char *txt = t.cell[i * t.ncol + cols[j]];
                const char *why = vx_table_cell_missing(&t, i, cols[j]) == 2 ? "' is not a number"
                                  : txt[0]                                    ? "' is missing"
                                                                              : "";
                rc = vx_error_set(&err, VX_EINVAL,
                                  "%s: %s (subject '%s', rater '%s'), column %s: %s%s%s: the ICC needs a number from "
                                  "every rater for every subject",
                                  o->data, VX_TABLE_ID(&t, i), subj[si[i]], rat[ri[i]], t.colnames[cols[j]],
                                  txt[0] ? "'" : "empty", txt, why);
                break;
            }
        }
        for (size_t q = 0; rc == VX_OK && q < n * k; q++)
            if (isnan(Y[q]))
                rc = vx_error_set(&err, VX_EINVAL,
                                  "%s: feature '%s': subject '%s' has no value from rater '%s' (ICC needs every "
                                  "subject rated by every rater)",
                                  o->data, t.colnames[cols[j]], subj[q / k], rat[q % k]);
        if (rc == VX_OK && (rc = vx_icc_compute(Y, n, k, &res[j], &err)) != VX_OK)
            vx_error_prefix(&err, "feature '%s': ", t.colnames[cols[j]]);
    }
    for (size_t j = 0; rc == VX_OK && j < p; j++)
        if (res[j].note[0])
            fprintf(stderr, "voxomics icc: feature '%s': %s\n", t.colnames[cols[j]], res[j].note);
    FILE *f = rc == VX_OK ? fopen(o->out, "w") : NULL;
    if (rc == VX_OK && !f)
        rc = vx_error_set(&err, VX_EIO, "%s: cannot write: %s", o->out, strerror(errno));
    if (f) {
        fputs("feature", f);
        for (int m = 0; m < 6; m++)
            fprintf(f, ",%s,%s_lo,%s_hi,%s_F,%s_p", vx_icc_name(m), vx_icc_name(m), vx_icc_name(m), vx_icc_name(m),
                    vx_icc_name(m));
        fputs("\n", f);
        for (size_t j = 0; j < p; j++) {
            vx_csv_field(f, t.colnames[cols[j]]);
            for (int m = 0; m < 6; m++) {
                const double v[5] = {res[j].icc[m], res[j].lo[m], res[j].hi[m], res[j].F[m], res[j].p[m]};
                for (int q = 0; q < 5; q++) /* undefined (NaN) values: an empty cell */
                    if (isnan(v[q]))
                        fputc(',', f);
                    else
                        fprintf(f, ",%.10g", v[q]);
            }
            fputs("\n", f);
        }
        int bad = ferror(f);
        if ((fclose(f) != 0 || bad) && rc == VX_OK) {
            rc = vx_error_set(&err, VX_EIO, "%s: cannot write: %s", o->out, strerror(errno));
            remove(o->out); /* no partial output */
        }
    }
    if (rc == VX_OK && isatty(1))
        printf("ICC of %zu features: %zu subjects x %zu raters -> %s\n", p, n, k, o->out);
    free(Y);
    free(res);
    free(subj);
    free(rat);
    free(sv);
    free(rv);
    free(si);
    free(ri);
    free(cols);
    vx_table_free(&t);
    return rc == VX_OK ? 0 : fail(o->cmd, &err);
}

/* ---- the labelled matrix shared by select / train / cv ----------------------------------------------------- */
typedef struct labelled {
    vx_table t;
    size_t *cols, p;
    double *X;
    int *y;
    const char *names[2];
    const char **fnames;
    const char **batch;
} labelled;

static void labelled_free(labelled *d)
{
    free(d->cols);
    free(d->X);
    free(d->y);
    free(d->fnames);
    free(d->batch);
    vx_table_free(&d->t);
}

static int load_labelled(const sopts *o, labelled *d, vx_error *err)
{
    memset(d, 0, sizeof *d);
    int rc = load_table(o, &d->t, err);
    long lc = rc == VX_OK ? need_col(o, &d->t, o->label, "label", err) : -1;
    if (rc == VX_OK && lc < 0)
        rc = VX_EINVAL;
    long bc = -1;
    if (rc == VX_OK && o->harmonize_batch && (bc = need_col(o, &d->t, o->harmonize_batch, "harmonize-batch", err)) < 0)
        rc = VX_EINVAL;
    const char *skip[2] = {o->label, o->harmonize_batch};
    if (rc == VX_OK)
        rc = feature_cols(o, &d->t, skip, 2, &d->cols, &d->p, err);
    size_t req[2] = {(size_t)lc, (size_t)bc}, dropped = 0;
    char report[512] = "";
    if (rc == VX_OK)
        rc = vx_table_missing(&d->t, d->cols, d->p, req, bc >= 0 ? 2 : 1,
                              (vx_missing_policy)vx_missing_find(o->missing), &dropped, report, sizeof report, err);
    if (rc == VX_OK && report[0])
        fprintf(stderr, "voxomics %s: %s; %s\n", o->cmd, report,
                dropped ? "rows dropped (--missing drop)" : "medians imputed inside each training set");
    if (rc == VX_OK)
        rc = vx_table_matrix(&d->t, d->cols, d->p, &d->X, err);
    d->y = malloc((d->t.nrow + 1) * sizeof *d->y);
    d->fnames = malloc((d->p + 1) * sizeof *d->fnames);
    if (rc == VX_OK && (!d->y || !d->fnames))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vx_table_binary_label(&d->t, (size_t)lc, o->positive, d->y, d->names, err);
    for (size_t j = 0; rc == VX_OK && j < d->p; j++)
        d->fnames[j] = d->t.colnames[d->cols[j]];
    if (rc == VX_OK && bc >= 0) {
        d->batch = malloc((d->t.nrow + 1) * sizeof *d->batch);
        for (size_t i = 0; d->batch && i < d->t.nrow; i++)
            d->batch[i] = d->t.cell[i * d->t.ncol + (size_t)bc];
    }
    return rc;
}

static int pipeline_params(const sopts *o, vx_pipeline_params *pp, vx_error *err)
{
    int kind = vx_model_kind_find(o->model ? o->model : "logreg");
    if (kind < 0)
        return vx_error_set(err, VX_EINVAL, "unknown --model '%s' (logreg, logreg-l1, svm, rf, gbm)", o->model);
    vx_pipeline_params_default(pp, (vx_model_kind)kind);
    pp->model.seed = o->seed;
    if (o->method) {
        int m = vx_select_method_find(o->method);
        if (m < 0)
            return vx_error_set(err, VX_EINVAL,
                                "unknown selection method '%s' (none, variance, correlation, univariate, mrmr, lasso)",
                                o->method);
        pp->select.method = (vx_select_method)m;
    }
    pp->select.welch = o->welch;
    pp->select.miq = o->miq;
    pp->select.lasso_1se = o->lasso_1se;
    pp->harmonize = o->harmonize_batch != NULL;
    const struct {
        const char *name;
        double v;
    } set[] = {{"C", o->C}, {"gamma", o->gamma}, {"eta", o->eta}, {"threshold", o->threshold}, {"alpha", o->alpha},
               {"k", o->k}, {"trees", (double)o->trees}, {"depth", (double)o->depth}, {"nlambda", o->nlambda},
               {"lambda_min_ratio", o->lambda_min_ratio}};
    for (size_t i = 0; i < sizeof set / sizeof *set; i++)
        if (!isnan(set[i].v) && set[i].v >= 0 && vx_pipeline_params_set(pp, set[i].name, set[i].v, err) != VX_OK)
            return VX_EINVAL;
    return VX_OK;
}

/* ---- select ----------------------------------------------------------------------------------------------- */
static int cmd_select(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->out)
        return usage(o->cmd, "-o OUT.csv is required", NULL);
    if (!o->method)
        return usage(o->cmd, "--method variance|correlation|univariate|mrmr|lasso is required", NULL);
    labelled d;
    vx_pipeline_params pp;
    int rc = load_labelled(o, &d, &err);
    if (rc == VX_OK)
        rc = pipeline_params(o, &pp, &err);
    size_t n = d.t.nrow, p = d.p;
    double *med = malloc((p + 1) * sizeof *med);
    if (rc == VX_OK)
        rc = vx_impute_fit(d.X, n, p, med, &err);
    if (rc == VX_OK)
        vx_impute_apply(d.X, n, p, med);
    /* features constant over the samples carry nothing and make rank tests undefined: leave them out */
    size_t pc = 0;
    for (size_t j = 0; rc == VX_OK && j < p; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, d.X[i * p + j]);
            hi = fmax(hi, d.X[i * p + j]);
        }
        if (hi > lo) {
            for (size_t i = 0; i < n; i++)
                d.X[i * p + pc] = d.X[i * p + j];
            d.fnames[pc] = d.fnames[j];
            pc++;
        }
    }
    if (rc == VX_OK && pc < p) {
        fprintf(stderr, "voxomics select: %zu constant features left out\n", p - pc);
        for (size_t i = 1; i < n; i++) /* compact the rows to the new width */
            memmove(d.X + i * pc, d.X + i * p, pc * sizeof *d.X);
        p = pc;
    }
    size_t *idx = malloc((p + 1) * sizeof *idx), k = 0;
    double *stat = calloc(3 * p + 1, sizeof *stat);
    double *pv = stat + p, *padj = stat + 2 * p;
    int have_p = 0;
    if (rc == VX_OK) {
        switch (pp.select.method) {
        case VX_SELECT_VARIANCE:
            rc = vx_select_variance(d.X, n, p, isnan(o->threshold) ? 0.0 : o->threshold, idx, &k, stat, &err);
            break;
        case VX_SELECT_CORRELATION:
            rc = vx_select_correlation(d.X, n, p, isnan(o->threshold) ? 0.9 : o->threshold, NULL, idx, &k, &err);
            break;
        case VX_SELECT_UNIVARIATE:
            rc = vx_univariate(d.X, n, p, d.y, o->welch ? VX_TEST_WELCH : VX_TEST_MANN_WHITNEY, stat, pv, padj, &err);
            have_p = 1;
            if (rc == VX_OK)
                rc = vx_select_pvalue(padj, p, isnan(o->alpha) ? 0.05 : o->alpha, isnan(o->k) ? 0 : (size_t)o->k,
                                      idx, &k, &err);
            break;
        case VX_SELECT_MRMR:
            k = isnan(o->k) ? (p < 10 ? p : 10) : (size_t)o->k;
            rc = vx_mrmr(d.X, n, p, d.y, k, o->miq, 0, idx, stat, &err);
            break;
        case VX_SELECT_LASSO: {
            int *fold = malloc((n + 1) * sizeof *fold);
            vx_lasso_path path;
            memset(&path, 0, sizeof path);
            rc = fold ? vx_cv_stratified_folds(d.y, n, o->folds, o->seed, fold, &err) : VX_ENOMEM;
            if (rc == VX_OK)
                rc = vx_lasso_logistic_cv(d.X, n, p, d.y, fold, o->folds, pp.select.lasso_nlambda,
                                          pp.select.lasso_lambda_min_ratio, 0.0, &path, &err);
            if (rc == VX_OK) {
                size_t l = o->lasso_1se ? path.i1se : path.imin;
                rc = vx_lasso_selected(&path, l, idx, &k, &err);
                for (size_t j = 0; j < p; j++)
                    stat[j] = path.beta[l * p + j];
                fprintf(stderr, "voxomics select: lambda.min %.6g, lambda.1se %.6g (%d-fold CV, deviance); using %s\n",
                        path.lambda[path.imin], path.lambda[path.i1se], o->folds, o->lasso_1se ? "1se" : "min");
                if (path.unconverged)
                    fprintf(stderr, "voxomics select: the LASSO path ends at lambda %zu of %zu (%.6g): coordinate "
                                    "descent used up its 100000 passes at the next one, as glmnet would warn; a "
                                    "larger --lambda-min-ratio ends the path before it\n",
                            path.nlambda, path.nlambda + 1, path.lambda[path.nlambda - 1]);
            }
            vx_lasso_path_free(&path);
            free(fold);
            break;
        }
        default:
            rc = vx_error_set(&err, VX_EINVAL, "--method none selects nothing");
        }
    }
    FILE *f = rc == VX_OK ? fopen(o->out, "w") : NULL;
    if (rc == VX_OK && !f)
        rc = vx_error_set(&err, VX_EIO, "%s: cannot write: %s", o->out, strerror(errno));
    if (f) {
        fprintf(f, "feature,selected,rank,%s%s\n",
                pp.select.method == VX_SELECT_VARIANCE   ? "variance"
                : pp.select.method == VX_SELECT_MRMR     ? "score"
                : pp.select.method == VX_SELECT_LASSO    ? "coefficient"
                : pp.select.method == VX_SELECT_UNIVARIATE ? "statistic"
                                                            : "unused",
                have_p ? ",p,p_bh" : "");
        size_t *rank = calloc(p + 1, sizeof *rank);
        for (size_t r = 0; rank && r < k; r++)
            rank[idx[r]] = r + 1;
        for (size_t j = 0; rank && j < p; j++) {
            vx_csv_field(f, d.fnames[j]);
            double sv = pp.select.method == VX_SELECT_MRMR ? (rank[j] ? stat[rank[j] - 1] : NAN) : stat[j];
            fprintf(f, ",%d,%zu,", rank[j] > 0, rank[j]);
            if (!isnan(sv)) /* mRMR scores exist for the selected features only: the others get an empty cell */
                fprintf(f, "%.10g", sv);
            if (have_p)
                fprintf(f, ",%.10g,%.10g", pv[j], padj[j]);
            fputc('\n', f);
        }
        free(rank);
        if (fclose(f) != 0)
            rc = vx_error_set(&err, VX_EIO, "%s: cannot write", o->out);
    }
    if (rc == VX_OK && isatty(1))
        printf("%s: %zu of %zu features selected -> %s\n", o->method, k, p, o->out);
    free(idx);
    free(stat);
    free(med);
    labelled_free(&d);
    return rc == VX_OK ? 0 : fail(o->cmd, &err);
}

/* ---- train / predict -------------------------------------------------------------------------------------- */
static int cmd_train(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->out)
        return usage(o->cmd, "-o MODEL.json is required", NULL);
    labelled d;
    vx_pipeline_params pp;
    vx_pipeline *pl = NULL;
    int rc = load_labelled(o, &d, &err);
    if (rc == VX_OK)
        rc = pipeline_params(o, &pp, &err);
    if (rc == VX_OK)
        rc = vx_pipeline_fit(d.X, d.t.nrow, d.p, d.y, d.fnames, d.batch, &pp, &pl, &err);
    if (rc == VX_OK)
        vx_pipeline_set_labels(pl, o->label, d.names[0], d.names[1]);
    if (rc == VX_OK)
        rc = vx_pipeline_save(pl, o->out, &err);
    if (rc == VX_OK && isatty(1)) {
        const size_t *idx;
        size_t k = vx_pipeline_selected(pl, &idx);
        printf("%s on %zu samples (%s = 1), %zu of %zu features -> %s\n", vx_model_kind_name(pp.model.kind),
               d.t.nrow, d.names[1], k, d.p, o->out);
    }
    vx_pipeline_free(pl);
    labelled_free(&d);
    return rc == VX_OK ? 0 : fail(o->cmd, &err);
}

static int cmd_predict(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->model_file || !o->data)
        return usage(o->cmd, "MODEL.json and DATA.csv are required", NULL);
    if (!o->out)
        return usage(o->cmd, "-o PRED.csv is required", NULL);
    vx_pipeline *pl = NULL;
    vx_table t;
    memset(&t, 0, sizeof t);
    int rc = vx_pipeline_load(o->model_file, &pl, &err);
    if (rc == VX_OK)
        rc = load_table(o, &t, &err);
    const char *const *names = NULL;
    size_t p = rc == VX_OK ? vx_pipeline_features(pl, &names) : 0;
    size_t *cols = malloc((p + 1) * sizeof *cols);
    for (size_t j = 0; rc == VX_OK && j < p; j++) {
        long c = vx_table_col(&t, names[j]);
        if (c < 0)
            rc = vx_error_set(&err, VX_EINVAL, "%s: the model needs column '%s' (%zu features in %s)", o->data,
                              names[j], p, o->model_file);
        else
            cols[j] = (size_t)c;
    }
    double *X = NULL;
    char report[512] = "";
    size_t dropped = 0;
    /* the model imputes with its training medians: only 'error' and 'drop' act here */
    if (rc == VX_OK)
        rc = vx_table_missing(&t, cols, p, NULL, 0, (vx_missing_policy)vx_missing_find(o->missing), &dropped, report,
                              sizeof report, &err);
    if (rc == VX_OK && report[0])
        fprintf(stderr, "voxomics predict: %s; %s\n", report,
                dropped ? "rows dropped" : "imputed with the training medians stored in the model");
    if (rc == VX_OK)
        rc = vx_table_matrix(&t, cols, p, &X, &err);
    double *score = malloc((t.nrow + 1) * sizeof *score), *prob = malloc((t.nrow + 1) * sizeof *prob);
    if (rc == VX_OK)
        rc = vx_pipeline_predict(pl, X, t.nrow, NULL, score, prob, &err);
    FILE *f = rc == VX_OK ? fopen(o->out, "w") : NULL;
    if (rc == VX_OK && !f)
        rc = vx_error_set(&err, VX_EIO, "%s: cannot write: %s", o->out, strerror(errno));
    if (f) {
        long lc = vx_table_col(&t, vx_pipeline_label(pl, -1));
        vx_csv_field(f, t.colnames[t.id_col]);
        fputs(",score,probability", f);
        if (lc >= 0) {
            fputc(',', f);
            vx_csv_field(f, vx_pipeline_label(pl, -1));
        }
        fputc('\n', f);
        for (size_t i = 0; i < t.nrow; i++) {
            vx_csv_field(f, VX_TABLE_ID(&t, i));
            fprintf(f, ",%.17g,%.17g", score[i], prob[i]);
            if (lc >= 0) {
                fputc(',', f);
                vx_csv_field(f, t.cell[i * t.ncol + (size_t)lc]);
            }
            fputc('\n', f);
        }
        if (fclose(f) != 0)
            rc = vx_error_set(&err, VX_EIO, "%s: cannot write", o->out);
    }
    if (rc == VX_OK && isatty(1))
        printf("%zu predictions -> %s (probability of %s = '%s')\n", t.nrow, o->out, vx_pipeline_label(pl, -1),
               vx_pipeline_label(pl, 1));
    free(score);
    free(prob);
    free(X);
    free(cols);
    vx_table_free(&t);
    vx_pipeline_free(pl);
    return rc == VX_OK ? 0 : fail(o->cmd, &err);
}

/* ---- cv --------------------------------------------------------------------------------------------------- */
/* --folds-from FILE:COL[,COL]...: fold numbers (any integers; renumbered 0..K-1 in increasing order) by ID. */
static int read_given_folds(const sopts *o, const vx_table *t, int **given, int *repeats, vx_error *err)
{
    char spec[4096];
    snprintf(spec, sizeof spec, "%s", o->folds_from);
    char *colon = strrchr(spec, ':');
    if (!colon)
        return vx_error_set(err, VX_EINVAL, "--folds-from FILE:COL[,COL...]: no ':' in '%s'", o->folds_from);
    *colon = '\0';
    const char *cols[MAX_LIST];
    size_t nc = split_list(colon + 1, cols, MAX_LIST);
    vx_table f;
    int rc = vx_table_read(spec, NULL, &f, err);
    if (rc != VX_OK)
        return rc;
    *given = malloc((t->nrow * nc + 1) * sizeof **given);
    *repeats = (int)nc;
    for (size_t r = 0; rc == VX_OK && r < nc; r++) {
        long c = vx_table_col(&f, cols[r]);
        if (c < 0) {
            rc = vx_error_set(err, VX_EINVAL, "%s: no fold column '%s'", spec, cols[r]);
            break;
        }
        double lo = INFINITY;
        for (size_t i = 0; i < f.nrow; i++)
            lo = fmin(lo, f.num[i * f.ncol + (size_t)c]);
        for (size_t i = 0; rc == VX_OK && i < t->nrow; i++) {
            size_t k = 0;
            while (k < f.nrow && strcmp(VX_TABLE_ID(&f, k), VX_TABLE_ID(t, i)))
                k++;
            double v = k < f.nrow ? f.num[k * f.ncol + (size_t)c] : NAN;
            if (isnan(v) || v != floor(v))
                rc = vx_error_set(err, VX_EINVAL, "%s: no integer fold for '%s' in column '%s'", spec,
                                  VX_TABLE_ID(t, i), cols[r]);
            else
                (*given)[i * nc + r] = (int)(v - lo);
        }
    }
    vx_table_free(&f);
    return rc;
}

static int cmd_cv(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->json)
        return usage(o->cmd, "--json OUT.json is required", NULL);
    labelled d;
    vx_pipeline_params pp;
    int rc = load_labelled(o, &d, &err);
    if (rc == VX_OK)
        rc = pipeline_params(o, &pp, &err);
    vx_cv_options co = {o->folds, o->repeats, o->seed, NULL, NULL, 0};
    int *given = NULL;
    if (rc == VX_OK && o->folds_from) {
        rc = read_given_folds(o, &d.t, &given, &co.repeats, &err);
        co.given = given;
    }
    /* --tune PARAM=v1,v2,... */
    vx_cv_tune tune[MAX_LIST];
    double *vals = malloc(MAX_LIST * 64 * sizeof *vals);
    char tbuf[MAX_LIST][512];
    for (size_t t = 0; rc == VX_OK && t < o->ntune; t++) {
        snprintf(tbuf[t], sizeof tbuf[t], "%s", o->tune[t]);
        char *eq = strchr(tbuf[t], '=');
        if (!eq) {
            rc = vx_error_set(&err, VX_EINVAL, "--tune PARAM=v1,v2,...: no '=' in '%s'", o->tune[t]);
            break;
        }
        *eq = '\0';
        const char *items[64];
        size_t nv = split_list(eq + 1, items, 64);
        tune[t].param = tbuf[t];
        tune[t].values = vals + t * 64;
        tune[t].n = nv;
        for (size_t v = 0; rc == VX_OK && v < nv; v++) {
            char *end;
            vals[t * 64 + v] = strtod(items[v], &end);
            if (*end || end == items[v])
                rc = vx_error_set(&err, VX_EINVAL, "--tune %s: '%s' is not a number", tbuf[t], items[v]);
        }
        vx_pipeline_params test = pp;
        if (rc == VX_OK && nv)
            rc = vx_pipeline_params_set(&test, tbuf[t], vals[t * 64], &err);
    }
    co.tune = tune;
    co.n_tune = o->ntune;
    vx_cv_result r;
    memset(&r, 0, sizeof r);
    if (rc == VX_OK)
        rc = vx_cv_run(d.X, d.t.nrow, d.p, d.y, d.fnames, d.batch, &pp, &co, &r, &err);
    if (rc == VX_OK) {
        size_t nf = (size_t)r.folds * (size_t)r.repeats;
        double tsum = 0;
        for (size_t i = 0; i < nf; i++)
            tsum += r.fit_time[i];
        cJSON *root = cJSON_CreateObject();
        cJSON_AddNumberToObject(root, "auc_fold_mean", r.auc_mean);
        cJSON_AddNumberToObject(root, "auc_fold_sd", r.auc_sd);
        cJSON_AddItemToObject(root, "auc_folds", json_nums(r.auc, nf));
        cJSON_AddItemToObject(root, "auc_pooled", json_nums(r.pooled, (size_t)r.repeats));
        cJSON_AddItemToObject(root, "fit_seconds", json_nums(r.fit_time, nf));
        cJSON_AddNumberToObject(root, "fit_seconds_mean", tsum / (double)nf);
        if (o->ntune) {
            cJSON *ch = cJSON_AddObjectToObject(root, "tuned");
            for (size_t t = 0; t < o->ntune; t++) {
                double *v = malloc(nf * sizeof *v);
                for (size_t i = 0; v && i < nf; i++)
                    v[i] = r.chosen[i * o->ntune + t];
                cJSON_AddItemToObject(ch, tune[t].param, json_nums(v, nf));
                free(v);
            }
        }
        cJSON *s = cJSON_AddObjectToObject(root, "settings");
        cJSON_AddStringToObject(s, "data", o->data);
        cJSON_AddStringToObject(s, "label", o->label);
        cJSON_AddStringToObject(s, "positive", d.names[1]);
        cJSON_AddNumberToObject(s, "samples", (double)d.t.nrow);
        cJSON_AddNumberToObject(s, "features", (double)d.p);
        cJSON_AddStringToObject(s, "model", vx_model_kind_name(pp.model.kind));
        cJSON_AddStringToObject(s, "selection", o->method ? o->method : "none");
        cJSON_AddNumberToObject(s, "folds", r.folds);
        cJSON_AddNumberToObject(s, "repeats", r.repeats);
        cJSON_AddNumberToObject(s, "seed", (double)o->seed);
        cJSON_AddStringToObject(s, "fold_source", o->folds_from ? o->folds_from : "stratified");
        cJSON_AddStringToObject(s, "missing", o->missing);
        cJSON_AddStringToObject(s, "harmonize_batch", o->harmonize_batch ? o->harmonize_batch : "");
        cJSON_AddStringToObject(s, "voxomics_version", vx_version());
        int w = write_json(o->cmd, o->json, root);
        cJSON_Delete(root);
        if (w)
            rc = VX_EIO, err.msg[0] = '\0';
        if (rc == VX_OK && isatty(1))
            printf("%s, %d folds x %d repeats: AUC %.4f +/- %.4f (fold mean +/- sd), %.3f s per fold -> %s\n",
                   vx_model_kind_name(pp.model.kind), r.folds, r.repeats, r.auc_mean, r.auc_sd, tsum / (double)nf,
                   o->json);
    }
    vx_cv_result_free(&r);
    free(vals);
    free(given);
    labelled_free(&d);
    if (rc == VX_EIO && !err.msg[0])
        return 1;
    return rc == VX_OK ? 0 : fail(o->cmd, &err);
}

/* ---- evaluate --------------------------------------------------------------------------------------------- */
static int cmd_evaluate(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->json)
        return usage(o->cmd, "--json OUT.json is required", NULL);
    vx_table t;
    if (load_table(o, &t, &err) != VX_OK)
        return fail(o->cmd, &err);
    long lc = need_col(o, &t, o->label, "label", &err), sc = lc >= 0 ? need_col(o, &t, o->score, "score", &err) : -1;
    long cc = o->compare && sc >= 0 ? need_col(o, &t, o->compare, "compare", &err) : -1;
    long pc = o->prob && sc >= 0 ? need_col(o, &t, o->prob, "prob", &err) : -1;
    int rc = lc < 0 || sc < 0 || (o->compare && cc < 0) || (o->prob && pc < 0) ? VX_EINVAL : VX_OK;
    if (rc == VX_OK) { /* rows without a label or score: --missing drop leaves them out, else the cell is named */
        size_t ecols[3] = {(size_t)sc, (size_t)cc, (size_t)pc}, ne = 0, req = (size_t)lc, dropped = 0;
        size_t sc_cols[3];
        for (int q = 0; q < 3; q++)
            if ((long)ecols[q] >= 0)
                sc_cols[ne++] = ecols[q];
        char report[512] = "";
        vx_missing_policy pol = (vx_missing_policy)vx_missing_find(o->missing);
        rc = vx_table_missing(&t, sc_cols, ne, &req, 1, pol == VX_MISSING_DROP ? pol : VX_MISSING_ERROR, &dropped,
                              report, sizeof report, &err);
        if (rc == VX_OK && report[0])
            fprintf(stderr, "voxomics evaluate: %s; rows dropped (--missing drop)\n", report);
    }
    size_t n = t.nrow;
    int *y = malloc((n + 1) * sizeof *y);
    double *s = malloc((n + 1) * sizeof *s), *s2 = malloc((n + 1) * sizeof *s2), *pr = malloc((n + 1) * sizeof *pr);
    const char *names[2] = {"", ""};
    if (rc == VX_OK)
        rc = vx_table_binary_label(&t, (size_t)lc, o->positive, y, names, &err);
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        s[i] = t.num[i * t.ncol + (size_t)sc];
        s2[i] = cc >= 0 ? t.num[i * t.ncol + (size_t)cc] : 0.0;
        pr[i] = pc >= 0 ? t.num[i * t.ncol + (size_t)pc] : 0.0;
        if (isnan(s[i]) || isnan(s2[i]) || isnan(pr[i])) {
            size_t bc = isnan(s[i]) ? (size_t)sc : isnan(s2[i]) ? (size_t)cc : (size_t)pc;
            rc = vx_error_set(&err, VX_EINVAL, "%s: %s, column %s: '%s' is not a number", o->data, VX_TABLE_ID(&t, i),
                              t.colnames[bc], t.cell[i * t.ncol + bc]);
        }
    }
    vx_roc roc;
    cJSON *root = cJSON_CreateObject();
    if (rc == VX_OK)
        rc = vx_roc_auc(s, y, n, &roc, &err);
    if (rc == VX_OK) {
        cJSON_AddNumberToObject(root, "auc", roc.auc);
        cJSON_AddNumberToObject(root, "auc_se", roc.se);
        cJSON_AddItemToObject(root, "auc_ci", json_nums(roc.ci, 2));
        cJSON_AddNumberToObject(root, "n_positive", (double)roc.n_pos);
        cJSON_AddNumberToObject(root, "n_negative", (double)roc.n_neg);
        cJSON_AddStringToObject(root, "positive", names[1]);
    }
    double a1, a2, z, p;
    if (rc == VX_OK && cc >= 0 && (rc = vx_roc_delong_paired(s, s2, y, n, &a1, &a2, &z, &p, &err)) == VX_OK) {
        cJSON_AddNumberToObject(root, "auc_compare", a2);
        cJSON_AddNumberToObject(root, "delong_z", z);
        cJSON_AddNumberToObject(root, "delong_p", p);
    }
    double ci[2];
    if (rc == VX_OK && o->bootstrap > 0 &&
        (rc = vx_roc_bootstrap_ci(s, y, n, (size_t)o->bootstrap, o->seed, 0.95, ci, &err)) == VX_OK) {
        cJSON_AddItemToObject(root, "auc_bootstrap_ci", json_nums(ci, 2));
        cJSON_AddNumberToObject(root, "bootstrap", o->bootstrap);
        cJSON_AddNumberToObject(root, "seed", (double)o->seed);
    }
    double thr = o->threshold, sens, spec;
    const char *thr_source = isnan(o->threshold) ? "youden (these data)" : "given";
    if (rc == VX_OK && isnan(thr) && o->youden_from) {
        /* Youden's threshold from the training predictions (same --id / --join / --label / --score) */
        sopts tr = *o;
        tr.data = o->youden_from;
        tr.youden_from = NULL;
        vx_table tt;
        memset(&tt, 0, sizeof tt);
        rc = load_table(&tr, &tt, &err);
        long tl = rc == VX_OK ? need_col(&tr, &tt, o->label, "label", &err) : -1;
        long ts = tl >= 0 ? need_col(&tr, &tt, o->score, "score", &err) : -1;
        if (rc == VX_OK && (tl < 0 || ts < 0))
            rc = VX_EINVAL;
        int *ty = rc == VX_OK ? malloc((tt.nrow + 1) * sizeof *ty) : NULL;
        double *tsc = rc == VX_OK ? malloc((tt.nrow + 1) * sizeof *tsc) : NULL;
        const char *tn[2];
        if (rc == VX_OK)
            rc = vx_table_binary_label(&tt, (size_t)tl, o->positive, ty, tn, &err);
        for (size_t i = 0; rc == VX_OK && i < tt.nrow; i++)
            tsc[i] = tt.num[i * tt.ncol + (size_t)ts];
        if (rc == VX_OK)
            rc = vx_roc_youden(tsc, ty, tt.nrow, &thr, &err);
        thr_source = "youden (training predictions)";
        free(ty);
        free(tsc);
        vx_table_free(&tt);
    } else if (rc == VX_OK && isnan(thr)) {
        rc = vx_roc_youden(s, y, n, &thr, &err);
    }
    if (rc == VX_OK && (rc = vx_roc_sens_spec(s, y, n, thr, &sens, &spec, &err)) == VX_OK) {
        cJSON_AddNumberToObject(root, "threshold", thr);
        cJSON_AddStringToObject(root, "threshold_source", thr_source);
        cJSON_AddNumberToObject(root, "sensitivity", sens);
        cJSON_AddNumberToObject(root, "specificity", spec);
    }
    double brier, ci0, slope, ll;
    size_t nclip = 0;
    if (rc == VX_OK && pc >= 0 && (rc = vx_roc_brier(pr, y, n, &brier, &err)) == VX_OK &&
        (rc = vx_roc_log_loss(pr, y, n, &ll, &nclip, &err)) == VX_OK &&
        (rc = vx_roc_calibration(pr, y, n, &ci0, &slope, &err)) == VX_OK) {
        cJSON_AddNumberToObject(root, "brier", brier);
        cJSON_AddNumberToObject(root, "log_loss", ll);
        cJSON_AddNumberToObject(root, "calibration_intercept", ci0);
        cJSON_AddNumberToObject(root, "calibration_slope", slope);
        cJSON *set = cJSON_AddObjectToObject(root, "settings");
        cJSON_AddNumberToObject(set, "prob_clip_eps", VX_ROC_PROB_EPS);
        cJSON_AddNumberToObject(set, "probabilities_clipped", (double)nclip);
        if (nclip)
            fprintf(stderr, "voxomics evaluate: %zu probabilities of exactly 0 or 1 (or within %g of them) clipped to "
                            "[%g, 1 - %g] for the log-loss and calibration\n",
                    nclip, VX_ROC_PROB_EPS, VX_ROC_PROB_EPS, VX_ROC_PROB_EPS);
    }
    if (rc == VX_OK && write_json(o->cmd, o->json, root))
        rc = VX_EIO, err.msg[0] = '\0';
    if (rc == VX_OK && isatty(1)) {
        printf("AUC %.4f (SE %.4f, 95%% CI %.4f-%.4f), %zu positive ('%s'), %zu negative\n", roc.auc, roc.se,
               roc.ci[0], roc.ci[1], roc.n_pos, names[1], roc.n_neg);
        if (cc >= 0)
            printf("compared with %s: AUC %.4f, DeLong p = %.4g\n", o->compare, a2, p);
    }
    cJSON_Delete(root);
    free(y);
    free(s);
    free(s2);
    free(pr);
    vx_table_free(&t);
    if (rc == VX_EIO && !err.msg[0])
        return 1;
    return rc == VX_OK ? 0 : fail(o->cmd, &err);
}

int cli_stats(int argc, char **argv)
{
    sopts o;
    int u = parse_args(argc, argv, &o);
    if (u)
        return u;
    if (!strcmp(o.cmd, "harmonize"))
        return cmd_harmonize(&o);
    if (!strcmp(o.cmd, "icc"))
        return cmd_icc(&o);
    if (!strcmp(o.cmd, "select"))
        return cmd_select(&o);
    if (!strcmp(o.cmd, "train"))
        return cmd_train(&o);
    if (!strcmp(o.cmd, "predict"))
        return cmd_predict(&o);
    if (!strcmp(o.cmd, "cv"))
        return cmd_cv(&o);
    if (!strcmp(o.cmd, "evaluate"))
        return cmd_evaluate(&o);
    return usage(o.cmd, "unknown command", NULL);
}
