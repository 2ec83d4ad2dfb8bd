/* voxomics study step "harmonization": ComBat (vx_combat_fit_apply, as `voxomics harmonize`) of the features
 * by a batch column of the joined tables. Subjects without a batch, or in a batch smaller than min_batch_size,
 * are left out (counted in the JSON); missing feature cells are median-imputed for the fit and stay empty in
 * the output. The harmonised table, OUTDIR/harmonization/features.csv, becomes the feature table of the later
 * steps. The batch effect before and after: the first two principal components of the standardised features
 * (SVD; explained variance ratios) coloured by batch, and the number of features whose Kruskal-Wallis test by
 * batch (Mann-Whitney for two batches; vx_group_test) has BH q < 0.05.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/runner.h"
#include "voxomics/combat.h"
#include "voxomics/omics.h"
#include "voxomics/plot.h"

static const vxs_key harmonization_keys[] = {
    {"batch", VXS_STR, "the batch column (of the batch or clinical table), required", NULL},
    {"covariates", VXS_LIST, "numeric biological covariates whose effects ComBat keeps", NULL},
    {"min_batch_size", VXS_INT, "smaller batches are left out (default 2)", NULL},
    {"parametric", VXS_BOOL, "parametric empirical-Bayes priors (default true)", NULL},
    {"eb", VXS_BOOL, "empirical Bayes shrinkage (default true)", NULL},
    {"mean_only", VXS_BOOL, "adjust the location only (default false)", NULL},
    {"q", VXS_NUM, "BH q threshold of the batch test (default 0.05)", NULL},
    {NULL, VXS_STR, NULL, NULL}};

/* PCA of X (n x p) on standardised columns (mean 0, standard deviation 1 with 1/n; constant columns left out):
 * the scores of the first two components into pc1, pc2 (n each; signs: the largest loading of each component
 * positive) and their explained variance ratios into ev[2]. */
int vxs_pca2(const double *X, size_t n, size_t p, double *pc1, double *pc2, double ev[2], vx_error *err)
{
    double *A = malloc((n * p + 1) * sizeof *A), *s = malloc((n + p + 1) * sizeof *s);
    double *U = malloc((n * n + 1) * sizeof *U), *VT = malloc((p * p + 1) * sizeof *VT);
    if (!A || !s || !U || !VT) {
        free(A), free(s), free(U), free(VT);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    size_t pc = 0;
    for (size_t j = 0; j < p; j++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < n; i++)
            m += X[i * p + j];
        m /= (double)n;
        for (size_t i = 0; i < n; i++)
            v += (X[i * p + j] - m) * (X[i * p + j] - m);
        double sd = sqrt(v / (double)n);
        if (!(sd > 1e-12 * (fabs(m) + 1)))
            continue;
        for (size_t i = 0; i < n; i++)
            A[i * p + pc] = (X[i * p + j] - m) / sd; /* compacted: row stride p, pc columns used */
        pc++;
    }
    size_t mn = n < pc ? n : pc;
    int rc = VX_OK;
    ev[0] = ev[1] = NAN;
    lapack_int info = mn >= 1 ? LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', (lapack_int)n, (lapack_int)pc, A,
                                                (lapack_int)p, s, U, (lapack_int)mn, VT, (lapack_int)pc)
                              : -1;
    if (info != 0)
        rc = vx_error_set(err, VX_EINVAL, "PCA: the SVD of the %zu x %zu standardised features failed (%d)", n, pc,
                          (int)info);
    double tot = 0;
    for (size_t k = 0; rc == VX_OK && k < mn; k++)
        tot += s[k] * s[k];
    for (size_t k = 0; rc == VX_OK && k < 2; k++) {
        double *out = k ? pc2 : pc1, sign = 1, big = -1;
        for (size_t j = 0; k < mn && j < pc; j++)
            if (fabs(VT[k * pc + j]) > big) {
                big = fabs(VT[k * pc + j]);
                sign = VT[k * pc + j] < 0 ? -1 : 1;
            }
        for (size_t i = 0; i < n; i++)
            out[i] = k < mn ? sign * U[i * mn + k] * s[k] : NAN;
        ev[k] = k < mn && tot > 0 ? s[k] * s[k] / tot : NAN;
    }
    free(A), free(s), free(U), free(VT);
    return rc;
}

/* Features with a significant batch test (BH q < qmax) of the n x p matrix X by batch codes g (nb batches). */
int vxs_batch_tests(const double *X, size_t n, size_t p, const int *g, int nb, double qmax, size_t *count,
                    vx_error *err)
{
    double *x = malloc((n + 1) * sizeof *x), *pv = calloc(p + 1, sizeof *pv);
    int rc = x && pv ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; rc == VX_OK && j < p; j++) {
        for (size_t i = 0; i < n; i++)
            x[i] = X[i * p + j];
        double stat, rho;
        size_t used;
        rc = vx_group_test(x, g, n, nb, &stat, &rho, &pv[j], &used, err);
    }
    if (rc == VX_OK)
        rc = vx_bh(pv, p, pv, err);
    *count = 0;
    for (size_t j = 0; rc == VX_OK && j < p; j++)
        *count += pv[j] < qmax;
    free(x);
    free(pv);
    return rc;
}

typedef struct harm {
    size_t n, p, nb;
    int *g;              /* batch code of each kept row */
    const char **bnames; /* nb */
    size_t *bsize;
    double *X, *H, *C;   /* n x p before / after; n x q covariates */
    unsigned char *miss; /* n x p: the cell was missing */
} harm;

/* Rows kept: a batch (of at least min_batch_size subjects) and every covariate. */
static int keep_rows(const vxs_node *cfg, vxs_data *d, cJSON *res, vx_error *err)
{
    size_t bc, nr = d->t.nrow, missing = 0, small = 0;
    int rc = vxs_col(d, vxs_str(cfg, "batch", NULL), "steps.harmonization.batch", &bc, err);
    const char **cv;
    size_t q = vxs_list(cfg, "covariates", &cv), *cc = malloc((q + 1) * sizeof *cc);
    for (size_t c = 0; rc == VX_OK && c < q; c++)
        rc = vxs_col(d, cv[c], "steps.harmonization.covariates", &cc[c], err);
    const char **vals = malloc((nr + 1) * sizeof *vals), **lev = malloc((nr + 1) * sizeof *lev);
    int *code = malloc((nr + 1) * sizeof *code);
    unsigned char *keep = malloc(nr + 1);
    if (rc == VX_OK && (!vals || !lev || !code || !keep || !cc))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < nr; i++) {
        vals[i] = d->t.cell[i * d->t.ncol + bc];
        keep[i] = !vxs_cell_missing(&d->t, i, bc);
        for (size_t c = 0; c < q; c++)
            keep[i] = keep[i] && isfinite(d->t.num[i * d->t.ncol + cc[c]]);
        missing += !keep[i];
    }
    size_t nl = rc == VX_OK ? vx_levels(vals, nr, lev, code) : 0, *cnt = calloc(nl + 1, sizeof *cnt);
    for (size_t i = 0; cnt && i < nr; i++)
        cnt[code[i]] += keep[i];
    cJSON *out = cJSON_AddArrayToObject(res, "batches_left_out");
    long minb = vxs_int(cfg, "min_batch_size", 2);
    for (size_t l = 0; cnt && l < nl; l++)
        if (cnt[l] && (long)cnt[l] < minb) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "name", lev[l]);
            cJSON_AddNumberToObject(o, "n", (double)cnt[l]);
            cJSON_AddItemToArray(out, o);
            small += cnt[l];
            for (size_t i = 0; i < nr; i++)
                keep[i] = keep[i] && (size_t)code[i] != l;
        }
    cJSON_AddNumberToObject(res, "n_batch_missing", (double)missing);
    cJSON_AddNumberToObject(res, "n_small_batches", (double)small);
    if (rc == VX_OK && !cnt)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vx_table_filter_rows(&d->t, keep, err);
    free(vals), free(lev), free(code), free(keep), free(cnt), free(cc), free(cv);
    return rc;
}

/* The batch codes of the kept rows, names and sizes; the covariate matrix. */
static int batches(const vxs_node *cfg, const vxs_data *d, harm *h, vx_error *err)
{
    size_t bc, n = d->t.nrow;
    int rc = vxs_col(d, vxs_str(cfg, "batch", NULL), "steps.harmonization.batch", &bc, err);
    const char **vals = malloc((n + 1) * sizeof *vals), **cv;
    size_t q = vxs_list(cfg, "covariates", &cv);
    h->g = malloc((n + 1) * sizeof *h->g);
    h->bnames = malloc((n + 1) * sizeof *h->bnames);
    h->bsize = calloc(n + 1, sizeof *h->bsize);
    h->C = malloc((n * q + 1) * sizeof *h->C);
    if (rc == VX_OK && (!vals || !h->g || !h->bnames || !h->bsize || !h->C))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < n; i++)
        vals[i] = d->t.cell[i * d->t.ncol + bc];
    h->nb = rc == VX_OK ? vx_levels(vals, n, h->bnames, h->g) : 0;
    for (size_t i = 0; rc == VX_OK && i < n; i++)
        h->bsize[h->g[i]]++;
    for (size_t c = 0; rc == VX_OK && c < q; c++) {
        size_t col;
        rc = vxs_col(d, cv[c], "steps.harmonization.covariates", &col, err);
        for (size_t i = 0; rc == VX_OK && i < n; i++)
            h->C[i * q + c] = d->t.num[i * d->t.ncol + col];
    }
    if (rc == VX_OK && h->nb < 2)
        rc = vx_error_set(err, VX_EINVAL, "steps.harmonization: %zu batch%s of at least min_batch_size subjects in "
                          "column '%s': ComBat needs two or more", h->nb, h->nb == 1 ? "" : "es",
                          vxs_str(cfg, "batch", ""));
    free(vals);
    free(cv);
    return rc;
}

static cJSON *pca_json(const double *X, size_t n, size_t p, vx_error *err, int *rc)
{
    double *pc = malloc((2 * n + 1) * sizeof *pc), ev[2];
    *rc = pc ? vxs_pca2(X, n, p, pc, pc + n, ev, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    cJSON *o = cJSON_CreateObject();
    if (*rc == VX_OK) {
        cJSON_AddItemToObject(o, "explained", vxs_json_array(ev, 2));
        cJSON_AddItemToObject(o, "pc1", vxs_json_array(pc, n));
        cJSON_AddItemToObject(o, "pc2", vxs_json_array(pc + n, n));
    }
    free(pc);
    return o;
}

/* ComBat, the harmonised table, PCA and batch tests before and after. */
static int harmonise(vxs_ctx *ctx, const vxs_node *cfg, const vxs_data *d, harm *h, cJSON *res, vx_error *err)
{
    const char **cv;
    size_t q = vxs_list(cfg, "covariates", &cv), n = h->n, p = h->p, before = 0, after = 0;
    free(cv);
    vx_combat_options co;
    vx_combat_options_default(&co);
    co.parametric = vxs_bool(cfg, "parametric", 1);
    co.eb = vxs_bool(cfg, "eb", 1);
    co.mean_only = vxs_bool(cfg, "mean_only", 0);
    h->H = malloc((n * p + 1) * sizeof *h->H);
    int rc = h->H ? vx_combat_fit_apply(h->X, n, p, h->g, h->bnames, h->nb, q ? h->C : NULL, q, d->fnames, &co,
                                        h->H, NULL, err)
                  : vx_error_set(err, VX_ENOMEM, "out of memory");
    cJSON *pca = cJSON_AddObjectToObject(res, "pca");
    if (rc == VX_OK)
        cJSON_AddItemToObject(pca, "before", pca_json(h->X, n, p, err, &rc));
    if (rc == VX_OK)
        cJSON_AddItemToObject(pca, "after", pca_json(h->H, n, p, err, &rc));
    for (size_t c = 0; c < n * p; c++) /* missing cells stay missing (the tests leave them out) */
        if (h->miss[c])
            h->X[c] = h->H[c] = NAN;
    double qmax = vxs_num(cfg, "q", 0.05);
    if (rc == VX_OK)
        rc = vxs_batch_tests(h->X, n, p, h->g, (int)h->nb, qmax, &before, err);
    if (rc == VX_OK)
        rc = vxs_batch_tests(h->H, n, p, h->g, (int)h->nb, qmax, &after, err);
    cJSON *bt = cJSON_AddObjectToObject(res, "batch_test");
    cJSON_AddStringToObject(bt, "test", h->nb > 2 ? "kruskal-wallis" : "mann-whitney");
    cJSON_AddNumberToObject(bt, "q", qmax);
    cJSON_AddNumberToObject(bt, "before", (double)before);
    cJSON_AddNumberToObject(bt, "after", (double)after);
    if (rc == VX_OK)
        rc = vxs_write_features(ctx, "harmonization/features.csv", d, h->H, NULL, err);
    if (rc == VX_OK)
        rc = vxs_set_features(ctx, "harmonization/features.csv", d->t.colnames[d->t.id_col], err);
    return rc;
}

static void harm_json(const vxs_node *cfg, const harm *h, cJSON *res)
{
    cJSON_AddStringToObject(res, "batch", vxs_str(cfg, "batch", ""));
    cJSON_AddNumberToObject(res, "n", (double)h->n);
    cJSON_AddNumberToObject(res, "p", (double)h->p);
    cJSON_AddItemToObject(res, "batch_names", vxs_json_strings(h->bnames, h->nb));
    double *sz = malloc((h->nb + 1) * sizeof *sz), *gi = malloc((h->n + 1) * sizeof *gi);
    for (size_t b = 0; sz && b < h->nb; b++)
        sz[b] = (double)h->bsize[b];
    for (size_t i = 0; gi && i < h->n; i++)
        gi[i] = h->g[i];
    cJSON_AddItemToObject(res, "batch_sizes", vxs_json_array(sz, sz ? h->nb : 0));
    cJSON_AddItemToObject(res, "batch_index", vxs_json_array(gi, gi ? h->n : 0));
    cJSON_AddStringToObject(res, "csv", "harmonization/features.csv");
    free(sz);
    free(gi);
}

static int harmonization_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *res, vx_error *err)
{
    if (!vxs_str(cfg, "batch", NULL))
        return vx_error_set(err, VX_EINVAL, "%s:%d: steps.harmonization.batch: the batch column is required",
                            ctx->study_path, cfg->line);
    const vxs_node *in = vxs_get(ctx->root, "inputs");
    unsigned what = VXS_FEATURES | (vxs_get(in, "clinical") ? VXS_CLINICAL : 0) | (vxs_get(in, "batch") ? VXS_BATCH : 0);
    vxs_data d;
    harm h;
    memset(&h, 0, sizeof h);
    int rc = vxs_load(ctx, what, &d, err);
    if (rc == VX_OK)
        rc = keep_rows(cfg, &d, res, err);
    if (rc == VX_OK)
        rc = batches(cfg, &d, &h, err);
    h.n = d.t.nrow;
    h.p = d.p;
    if (rc == VX_OK)
        rc = vxs_features_matrix(&d, 0, &h.X, err);
    h.miss = rc == VX_OK ? malloc(h.n * h.p + 1) : NULL;
    for (size_t c = 0; h.miss && c < h.n * h.p; c++)
        h.miss[c] = isnan(h.X[c]);
    free(h.X);
    h.X = NULL;
    if (rc == VX_OK)
        rc = h.miss ? vxs_features_matrix(&d, 1, &h.X, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = harmonise(ctx, cfg, &d, &h, res, err);
    if (rc == VX_OK)
        harm_json(cfg, &h, res);
    cJSON_AddNumberToObject(res, "n_unmatched", (double)d.n_unmatched);
    free(h.g), free(h.bnames), free(h.bsize), free(h.X), free(h.H), free(h.C), free(h.miss);
    vxs_data_free(&d);
    return rc;
}

/* One PCA scatter plot of the JSON's pca.<when>. */
static void pca_plot(vxs_html *h, const cJSON *res, const char *when, const char *title)
{
    char key[64];
    size_t n1, n2, ng, nb = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(res, "batch_names"));
    snprintf(key, sizeof key, "pca.%s.pc1", when);
    double *x = vxs_json_doubles(res, key, &n1);
    snprintf(key, sizeof key, "pca.%s.pc2", when);
    double *y = vxs_json_doubles(res, key, &n2);
    double *gd = vxs_json_doubles(res, "batch_index", &ng);
    int *g = malloc((ng + 1) * sizeof *g);
    const char **names = malloc((nb + 1) * sizeof *names);
    for (size_t i = 0; g && i < ng; i++)
        g[i] = (int)gd[i];
    for (size_t b = 0; names && b < nb; b++)
        names[b] = cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "batch_names"),
                                                           (int)b));
    char xl[64], yl[64], path[64];
    snprintf(path, sizeof path, "pca.%s.explained", when);
    size_t ne;
    double *ev = vxs_json_doubles(res, path, &ne);
    snprintf(xl, sizeof xl, "PC1 (%.1f%%)", ne > 0 ? 100 * ev[0] : NAN);
    snprintf(yl, sizeof yl, "PC2 (%.1f%%)", ne > 1 ? 100 * ev[1] : NAN);
    vx_plot_axes ax = {.title = title, .xlabel = xl, .ylabel = yl};
    vx_error perr;
    char name[64], cap[200];
    snprintf(name, sizeof name, "harmonization_pca_%s", when);
    snprintf(cap, sizeof cap, "First two principal components of the standardised features %s ComBat, coloured by "
                              "batch.", strcmp(when, "before") ? "after" : "before");
    size_t n = n1 < n2 ? n1 : n2;
    vxs_html_plot(h, name, g && names && n == ng ? vx_plot_scatter(&ax, x, y, n, g, names, nb, NULL, NULL, &perr) : NULL,
                  cap);
    free(x), free(y), free(gd), free(g), free(names), free(ev);
}

static int harmonization_section(const cJSON *res, const cJSON *study, vxs_html *h, vx_error *err)
{
    (void)study;
    (void)err;
    vxs_html_raw(h, "<p>ComBat by ");
    vxs_html_text(h, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "batch")));
    vxs_html_say(h, "harmonization.json", res,
                 " on {n} subjects and {p} features; left out: {n_unmatched} without a row in the batch table, "
                 "{n_batch_missing} without a batch (or a covariate), {n_small_batches} in batches below the minimum "
                 "size.</p>\n<p>Features with a significant batch test (");
    vxs_html_text(h, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetObjectItemCaseSensitive(res, "batch_test"), "test")));
    vxs_html_say(h, "harmonization.json", res,
                 ", BH q &lt; {batch_test.q|%g}): before {batch_test.before}, after {batch_test.after}.</p>\n");
    pca_plot(h, res, "before", "Before harmonisation");
    pca_plot(h, res, "after", "After harmonisation");
    return VX_OK;
}

const vxs_step vxs_step_harmonization = {"harmonization", "Harmonisation (batch effects)", harmonization_keys,
                                         harmonization_run, harmonization_section};
