/* voxomics regress: imaging-to-omics regression (voxomics/omics.h vx_regress) of every target (gene) on the
 * features, out of fold; per-target CSV and a JSON summary.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "voxomics/omics.h"

typedef struct regress_opts {
    const char *id, *targets_id, *model, *out, *json, *folds_from;
    double alpha, l1_ratio;
    long components, folds, seed, perms;
    int by_rows, quiet;
} regress_opts;
#define RO(f) offsetof(regress_opts, f)

typedef struct regress_data {
    vx_table ft, tt, ff;
    size_t n, px, py;
    size_t *frow, *tsmp, *tidx; /* per sample: FEATURES row, TARGETS row (column with --targets-by-rows) */
    double *x, *y;
    int *fold, nfold;
    vx_regress_result *res;
} regress_data;

static void regress_free(regress_data *d)
{
    vx_table_free(&d->ft), vx_table_free(&d->tt), vx_table_free(&d->ff);
    free(d->frow), free(d->tsmp), free(d->tidx), free(d->x), free(d->y), free(d->fold), free(d->res);
}

static const char *target_sample(const regress_opts *o, const regress_data *d, size_t s)
{
    return o->by_rows ? d->tt.colnames[s] : VX_TABLE_ID(&d->tt, s);
}

static const char *target_name(const regress_opts *o, const regress_data *d, size_t j)
{
    return o->by_rows ? VX_TABLE_ID(&d->tt, d->tidx[j]) : d->tt.colnames[d->tidx[j]];
}

/* the samples in both files (FEATURES order), the feature matrix and the target matrix */
static int load_matrices(const regress_opts *o, regress_data *d, vx_error *err)
{
    const vx_table *f = &d->ft, *t = &d->tt;
    const size_t ns = o->by_rows ? t->ncol : t->nrow, nt = o->by_rows ? t->nrow : t->ncol;
    d->frow = malloc((f->nrow + 1) * sizeof *d->frow), d->tsmp = malloc((f->nrow + 1) * sizeof *d->tsmp);
    d->tidx = malloc((nt + 1) * sizeof *d->tidx);
    if (!d->frow || !d->tsmp || !d->tidx)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; i < f->nrow; i++)
        for (size_t s = 0; s < ns; s++)
            if (!(o->by_rows && s == t->id_col) && !strcmp(VX_TABLE_ID(f, i), target_sample(o, d, s))) {
                d->frow[d->n] = i, d->tsmp[d->n++] = s;
                break;
            }
    if (d->n < 3)
        return vx_error_set(err, VX_EINVAL, "%s and %s share %zu sample IDs; regress needs at least 3%s", f->path,
                            t->path, d->n, o->by_rows ? "" : " (are the samples the columns? --targets-by-rows)");
    d->x = malloc((f->ncol * d->n + 1) * sizeof *d->x), d->y = malloc((nt * d->n + 1) * sizeof *d->y);
    if (!d->x || !d->y)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t c = 0; c < f->ncol; c++)
        if (c != f->id_col && vx_table_col_numeric(f, c)) {
            for (size_t i = 0; i < d->n; i++)
                d->x[d->px * d->n + i] = f->num[d->frow[i] * f->ncol + c];
            d->px++;
        }
    for (size_t c = 0; c < nt; c++) {
        if (!o->by_rows && (c == t->id_col || !vx_table_col_numeric(t, c)))
            continue;
        for (size_t i = 0; i < d->n; i++)
            d->y[d->py * d->n + i] = o->by_rows ? t->num[c * t->ncol + d->tsmp[i]] : t->num[d->tsmp[i] * t->ncol + c];
        d->tidx[d->py++] = c;
    }
    if (!d->px || !d->py)
        return vx_error_set(err, VX_EINVAL, "%s: no numeric %s", d->px ? t->path : f->path,
                            d->px ? "target" : "feature column");
    return VX_OK;
}

/* --folds-from FILE:COL: fold labels by sample ID (integers; renumbered 0..k-1 in increasing order) */
static int folds_from(const regress_opts *o, regress_data *d, vx_error *err)
{
    char path[4096];
    const char *colon = strrchr(o->folds_from, ':');
    if (!colon || colon == o->folds_from || (size_t)(colon - o->folds_from) >= sizeof path)
        return vx_error_set(err, VX_EINVAL, "--folds-from %s: give FILE:COLUMN", o->folds_from);
    memcpy(path, o->folds_from, (size_t)(colon - o->folds_from));
    path[colon - o->folds_from] = '\0';
    int rc = vx_table_read(path, o->id, &d->ff, err);
    const long c = rc ? -1 : vx_table_col(&d->ff, colon + 1);
    if (!rc && c < 0)
        return vx_error_set(err, VX_EINVAL, "--folds-from: %s has no column %s", path, colon + 1);
    long lo = 0, hi = -1;
    for (size_t i = 0; !rc && i < d->n; i++) {
        const char *id = VX_TABLE_ID(&d->ft, d->frow[i]);
        size_t r = 0;
        while (r < d->ff.nrow && strcmp(VX_TABLE_ID(&d->ff, r), id))
            r++;
        const double v = r < d->ff.nrow ? d->ff.num[r * d->ff.ncol + (size_t)c] : NAN;
        if (!(v == floor(v)) || fabs(v) > 1e6)
            return vx_error_set(err, VX_EINVAL, "--folds-from: sample %s has no integer fold in %s", id, path);
        d->fold[i] = (int)v;
        lo = i ? (v < lo ? (long)v : lo) : (long)v, hi = i ? (v > hi ? (long)v : hi) : (long)v;
    }
    if (rc)
        return rc;
    int *code = calloc((size_t)(hi - lo + 1), sizeof *code), k = 0;
    if (!code)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; i < d->n; i++)
        code[d->fold[i] - lo] = 1;
    for (long v = 0; v <= hi - lo; v++)
        code[v] = code[v] ? k++ : -1;
    for (size_t i = 0; i < d->n; i++)
        d->fold[i] = code[d->fold[i] - lo];
    free(code);
    d->nfold = k;
    return k < 2 ? vx_error_set(err, VX_EINVAL, "--folds-from: %s gives %d fold", path, k) : VX_OK;
}

static void put_num(FILE *f, double v)
{
    if (isnan(v))
        fputc(',', f);
    else
        fprintf(f, ",%.17g", v);
}

static int write_targets(const regress_opts *o, const regress_data *d, vx_error *err)
{
    vx_outfile *h;
    FILE *f = vx_outfile_open(o->out, &h, err);
    if (!f)
        return err->code;
    fputs("target,n,r,p,q\n", f);
    for (size_t j = 0; j < d->py; j++) {
        vx_csv_field(f, target_name(o, d, j));
        fprintf(f, ",%zu", d->res[j].n);
        put_num(f, d->res[j].r), put_num(f, d->res[j].p), put_num(f, d->res[j].q);
        fputc('\n', f);
    }
    return vx_outfile_commit(h, err);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* mean and median r over targets with an r, targets with r > 0.3, q < 0.05 */
static void summarise(const regress_data *d, double *v, double *mean, double *median, size_t *nr, size_t *above,
                      size_t *sig)
{
    size_t k = 0;
    double s = 0.0;
    *above = *sig = 0;
    for (size_t j = 0; j < d->py; j++)
        if (!isnan(d->res[j].r)) {
            v[k++] = d->res[j].r, s += d->res[j].r;
            *above += d->res[j].r > 0.3, *sig += d->res[j].q < 0.05;
        }
    qsort(v, k, sizeof *v, cmp_double);
    *nr = k, *mean = k ? s / (double)k : NAN;
    *median = !k ? NAN : k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

static int write_json(const regress_opts *o, const regress_data *d, double secs, vx_error *err)
{
    double *v = malloc((d->py + 1) * sizeof *v), mean, median;
    size_t nr, above, sig;
    if (!v)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    summarise(d, v, &mean, &median, &nr, &above, &sig);
    free(v);
    cJSON *root = cJSON_CreateObject(), *set = cJSON_CreateObject();
    cJSON_AddStringToObject(set, "model", o->model);
    if (strcmp(o->model, "pls"))
        cJSON_AddNumberToObject(set, "alpha", o->alpha);
    if (!strcmp(o->model, "enet"))
        cJSON_AddNumberToObject(set, "l1_ratio", o->l1_ratio);
    if (!strcmp(o->model, "pls"))
        cJSON_AddNumberToObject(set, "components", (double)o->components);
    cJSON_AddNumberToObject(set, "folds", d->nfold);
    if (o->folds_from)
        cJSON_AddStringToObject(set, "folds_from", o->folds_from);
    cJSON_AddNumberToObject(set, "seed", (double)o->seed);
    cJSON_AddNumberToObject(set, "permutations", (double)o->perms);
    cJSON_AddItemToObject(root, "settings", set);
    cJSON_AddNumberToObject(root, "samples", (double)d->n);
    cJSON_AddNumberToObject(root, "features", (double)d->px);
    cJSON_AddNumberToObject(root, "targets", (double)d->py);
    cJSON_AddNumberToObject(root, "targets_with_r", (double)nr);
    cJSON_AddNumberToObject(root, "mean_r", mean);
    cJSON_AddNumberToObject(root, "median_r", median);
    cJSON_AddNumberToObject(root, "targets_r_above_0.3", (double)above);
    if (o->perms)
        cJSON_AddNumberToObject(root, "targets_q_below_0.05", (double)sig);
    cJSON_AddNumberToObject(root, "seconds", secs);
    char *txt = cJSON_Print(root);
    cJSON_Delete(root);
    vx_outfile *h;
    FILE *f = txt ? vx_outfile_open(o->json, &h, err) : NULL;
    if (f)
        fprintf(f, "%s\n", txt);
    free(txt);
    return !f ? (txt ? err->code : vx_error_set(err, VX_ENOMEM, "out of memory")) : vx_outfile_commit(h, err);
}

static int regress_compute(const regress_opts *o, regress_data *d, vx_error *err)
{
    d->fold = malloc((d->n + 1) * sizeof *d->fold), d->res = malloc((d->py + 1) * sizeof *d->res);
    if (!d->fold || !d->res)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    int rc = VX_OK;
    if (o->folds_from)
        rc = folds_from(o, d, err);
    else {
        d->nfold = (int)o->folds;
        rc = vx_regress_folds(d->n, d->nfold, (uint64_t)o->seed, d->fold, err);
    }
    vx_regress_params par = {!strcmp(o->model, "pls") ? VX_REGRESS_PLS
                             : !strcmp(o->model, "enet") ? VX_REGRESS_ENET
                                                         : VX_REGRESS_RIDGE,
                             o->alpha, o->l1_ratio, (size_t)o->components, (size_t)o->perms, (uint64_t)o->seed};
    if (!rc)
        rc = vx_regress(d->x, d->n, d->px, d->y, d->py, d->fold, d->nfold, &par, d->res, NULL, err);
    return rc;
}

static int run_regress(const cli_command *c, int argc, char **argv)
{
    regress_opts o = {.model = "ridge", .alpha = 1.0, .l1_ratio = 0.5, .components = 2, .folds = 5, .seed = 1};
    const char *pos[2];
    int npos, r = cli_parse(c, argc, argv, &o, pos, 2, &npos);
    if (r)
        return r == CLI_DONE ? 0 : r;
    if (npos != 2)
        return cli_usage_error(c, "give FEATURES.csv and TARGETS.csv", NULL);
    if (!o.out)
        return cli_usage_error(c, "-o PER_TARGET.csv is required", NULL);
    if (strcmp(o.model, "ridge") && strcmp(o.model, "pls") && strcmp(o.model, "enet"))
        return cli_usage_error(c, "--model must be ridge, pls or enet", o.model);
    if (strcmp(o.model, "pls") && !(o.alpha > 0.0))
        return cli_usage_error(c, "ridge and enet need --alpha > 0", NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vx_error err = {0};
    regress_data d = {0};
    int rc = vx_table_read(pos[0], o.id, &d.ft, &err);
    if (!rc)
        rc = vx_table_read(pos[1], o.by_rows ? NULL : o.targets_id ? o.targets_id : o.id, &d.tt, &err);
    if (!rc)
        rc = load_matrices(&o, &d, &err);
    if (!rc)
        rc = regress_compute(&o, &d, &err);
    if (!rc)
        rc = write_targets(&o, &d, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (!rc && o.json)
        rc = write_json(&o, &d, secs, &err);
    if (!rc && !o.quiet)
        fprintf(stderr, "%zu samples, %zu features, %zu targets, %d folds, %s: %.2f s\n", d.n, d.px, d.py, d.nfold,
                o.model, secs);
    regress_free(&d);
    if (rc)
        fprintf(stderr, "voxomics %s: %s\n", c->name, err.msg);
    return rc ? 1 : 0;
}

static const cli_opt regress_table[] = {
    {"--output", "-o", "PER_TARGET.csv", "required", "one row per target: target,n,r,p,q", CLI_STR, RO(out), 0, 0,
     0},
    {"--model", NULL, "ridge|pls|enet", "ridge", "the model fitted per target (scikit-learn's Ridge, "
     "PLSRegression, ElasticNet)", CLI_STR, RO(model), 0, 0, 0},
    {"--alpha", NULL, "A", "1", "the penalty of ridge and enet", CLI_NUM, RO(alpha), 0, 1e12, 0},
    {"--l1-ratio", NULL, "R", "0.5", "enet: the lasso share of the penalty", CLI_NUM, RO(l1_ratio), 0, 1, 0},
    {"--components", NULL, "K", "2", "pls: the number of components", CLI_INT, RO(components), 1, 1000, 0},
    {"--folds", NULL, "K", "5", "cross-validation folds (a seeded shuffle dealt round-robin)", CLI_INT, RO(folds),
     2, 1e6, 0},
    {"--seed", NULL, "S", "1", "the seed of the folds and of the permutations", CLI_INT, RO(seed), 0, 9e15, 0},
    {"--folds-from", NULL, "FILE:COL", NULL, "the folds from a CSV: column COL (integers) by sample ID (the --id "
     "column, else the first)", CLI_STR, RO(folds_from), 0, 0, 0},
    {"--permutations", NULL, "N", "0", "permutations of each target for its p (0: no p, q)", CLI_INT, RO(perms), 0,
     1e7, 0},
    {"--json", NULL, "SUMMARY.json", NULL, "the summary: mean and median r, targets with r > 0.3, settings",
     CLI_STR, RO(json), 0, 0, 0},
    {"--id", NULL, "COL", "the first column", "the sample ID column of FEATURES (and of TARGETS without "
     "--targets-by-rows)", CLI_STR, RO(id), 0, 0, 0},
    {"--targets-id", NULL, "COL", "the --id name", "the sample ID column of TARGETS when it is named otherwise",
     CLI_STR, RO(targets_id), 0, 0, 0},
    {"--targets-by-rows", NULL, NULL, NULL, "TARGETS has one target a row (genes) and one sample a column (header: "
     "sample IDs)", CLI_FLAG, RO(by_rows), 0, 0, 1},
    CLI_QUIET(regress_opts),
    CLI_END};

const cli_command cli_cmd_regress = {
    "regress",
    "predict every omics target (gene) from the features: ridge, PLS or elastic net, out-of-fold r, permutation p",
    "FEATURES.csv TARGETS.csv [--targets-by-rows] [--id COL] [--targets-id COL] --model ridge|pls|enet "
    "[--alpha A] [--l1-ratio R] [--components K] [--folds K --seed S | --folds-from FILE:COL] "
    "[--permutations N] -o PER_TARGET.csv [--json SUMMARY.json]",
    "FEATURES.csv  one row per sample: the ID column and numeric features (missing: imputed by training medians)\n"
    "TARGETS.csv   targets (genes): one sample a row, or a column with --targets-by-rows; a target's missing "
    "samples are left out for it",
    regress_table,
    "One model per target; inside each training fold the features are imputed (medians) and standardised, then "
    "fitted; r is the Pearson correlation of the out-of-fold predictions with the target. Ridge shares one "
    "factorisation per fold among the targets with the same missing samples. p: the target permuted over its "
    "samples, the same folds, p = (1 + #{r_perm >= r}) / (1 + N); q: BH. See docs/radiogenomics.md.",
    "voxomics regress features.csv rnaseq.csv --targets-by-rows --id SubjectID --model ridge --alpha 10 "
    "--folds 5 --seed 1 -o genes.csv --json summary.json",
    "0  done\n1  a problem with the data or the files (one line naming it)\n2  wrong command line",
    run_regress};
