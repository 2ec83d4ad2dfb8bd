/* voxomics study step "selection": as `voxomics select`, on all subjects, for the report's list of features
 * (cross-validation selects again inside its folds). Missing feature cells get their column's median; constant
 * features are left out. Writes OUTDIR/selection/selected.csv (feature, rank, score[, p, p_bh]) and the JSON
 * "selected": [names] that the survival step takes as its default features.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/runner.h"
#include "voxomics/pipeline.h"
#include "voxomics/plot.h"
#include "voxomics/select.h"
#include "voxomics/survival.h"

static const vxs_key selection_keys[] = {
    {"method", VXS_STR, "variance|univariate|mrmr|lasso|cox (default mrmr)", NULL},
    {"k", VXS_INT, "how many features (mrmr: default 10; univariate, cox: the k smallest q instead of q < alpha)",
     NULL},
    {"alpha", VXS_NUM, "univariate, cox: keep q < alpha (default 0.05)", NULL},
    {"threshold", VXS_NUM, "variance: keep variance > threshold (default 0)", NULL},
    {"welch", VXS_BOOL, "univariate: Welch's t-test instead of Mann-Whitney", NULL},
    {"miq", VXS_BOOL, "mrmr: the quotient criterion (MIQ) instead of the difference (MID)", NULL},
    {"folds", VXS_INT, "lasso: CV folds for lambda (default 5)", NULL},
    {"seed", VXS_INT, "lasso: seed of the folds (default 1)", NULL},
    {NULL, VXS_STR, NULL, NULL}};

typedef struct sel {
    const vxs_node *cfg;
    double *X;
    size_t n, p;
    const char **names;
    int *y;
    double *time;
    int *event;
    size_t *idx, k;
    double *score, *pv, *q; /* p each; score by feature (NaN where the method gives none) */
} sel;

/* Leave out the features constant over the rows (X compacted, names too). */
static size_t drop_constant(sel *s)
{
    size_t pc = 0;
    for (size_t j = 0; j < s->p; j++) {
        int constant = 1;
        for (size_t i = 1; i < s->n && constant; i++)
            constant = s->X[i * s->p + j] == s->X[j];
        if (constant)
            continue;
        for (size_t i = 0; i < s->n; i++)
            s->X[i * s->p + pc] = s->X[i * s->p + j];
        s->names[pc++] = s->names[j];
    }
    for (size_t i = 1; i < s->n; i++)
        memmove(s->X + i * pc, s->X + i * s->p, pc * sizeof *s->X);
    size_t dropped = s->p - pc;
    s->p = pc;
    return dropped;
}

/* The kept features by increasing q: q < alpha, or the k smallest. */
static int keep_by_q(sel *s, vx_error *err)
{
    long k = vxs_int(s->cfg, "k", 0);
    return vx_select_pvalue(s->q, s->p, vxs_num(s->cfg, "alpha", 0.05), k > 0 ? (size_t)k : 0, s->idx, &s->k, err);
}

static int run_lasso(sel *s, vx_error *err)
{
    int *fold = malloc((s->n + 1) * sizeof *fold);
    vx_lasso_path path;
    memset(&path, 0, sizeof path);
    long folds = vxs_int(s->cfg, "folds", 5);
    int rc = fold ? vx_cv_stratified_folds(s->y, s->n, (int)folds, (unsigned long)vxs_int(s->cfg, "seed", 1), fold, err)
                  : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vx_lasso_logistic_cv(s->X, s->n, s->p, s->y, fold, (int)folds, 0, 0.0, 0.0, &path, err);
    if (rc == VX_OK)
        rc = vx_lasso_selected(&path, path.imin, s->idx, &s->k, err);
    for (size_t j = 0; rc == VX_OK && j < s->p; j++)
        s->score[j] = path.beta[path.imin * s->p + j];
    vx_lasso_path_free(&path);
    free(fold);
    return rc;
}

static int run_cox(sel *s, vx_error *err)
{
    double *coef = s->score, *se = malloc((s->p + 1) * sizeof *se);
    int rc = se ? vx_cox_univariate(s->X, s->n, s->p, s->time, s->event, NULL, VX_TIES_EFRON, coef, se, s->pv,
                                    NULL, err)
                : vx_error_set(err, VX_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t j = 0; rc == VX_OK && j < s->p; j++)
        if (!isnan(s->pv[j]))
            se[m++] = s->pv[j];
    if (rc == VX_OK && m && vx_bh_adjust(se, m, se) != VX_OK)
        rc = vx_error_set(err, VX_EINVAL, "selection: BH adjustment failed");
    for (size_t j = 0, r = 0; rc == VX_OK && j < s->p; j++) /* no p-value: never kept */
        s->q[j] = isnan(s->pv[j]) ? 1.0 + 1e-9 : se[r++];
    free(se);
    double alpha = vxs_num(s->cfg, "alpha", 0.05);
    if (rc == VX_OK && vxs_int(s->cfg, "k", 0) <= 0 && alpha >= 1)
        alpha = 1; /* q = 1 + 1e-9 still excluded */
    if (rc == VX_OK)
        rc = keep_by_q(s, err);
    for (size_t j = 0; rc == VX_OK && j < s->p; j++)
        if (isnan(s->pv[j]))
            s->q[j] = NAN;
    return rc;
}

static int select_method(sel *s, const char *method, vx_error *err)
{
    if (!strcmp(method, "variance"))
        return vx_select_variance(s->X, s->n, s->p, vxs_num(s->cfg, "threshold", 0), s->idx, &s->k, s->score, err);
    if (!strcmp(method, "univariate")) {
        int rc = vx_univariate(s->X, s->n, s->p, s->y, vxs_bool(s->cfg, "welch", 0) ? VX_TEST_WELCH
                                                                                    : VX_TEST_MANN_WHITNEY,
                               s->score, s->pv, s->q, err);
        return rc == VX_OK ? keep_by_q(s, err) : rc;
    }
    if (!strcmp(method, "mrmr")) {
        long k = vxs_int(s->cfg, "k", 10);
        s->k = k < 1 ? 1 : (size_t)k > s->p ? s->p : (size_t)k;
        double *sc = malloc((s->k + 1) * sizeof *sc);
        int rc = sc ? vx_mrmr(s->X, s->n, s->p, s->y, s->k, vxs_bool(s->cfg, "miq", 0), 0, s->idx, sc, err)
                    : vx_error_set(err, VX_ENOMEM, "out of memory");
        for (size_t r = 0; rc == VX_OK && r < s->k; r++)
            s->score[s->idx[r]] = sc[r];
        free(sc);
        return rc;
    }
    if (!strcmp(method, "lasso"))
        return run_lasso(s, err);
    if (!strcmp(method, "cox"))
        return run_cox(s, err);
    return vx_error_set(err, VX_EINVAL, "steps.selection.method: '%s' is not one of variance, univariate, mrmr, "
                        "lasso, cox", method);
}

/* The outcome columns: the label (0/1), or for cox the time and event (rows without them left out). */
static int outcome(vxs_ctx *ctx, vxs_data *d, sel *s, int cox, cJSON *res, vx_error *err)
{
    const vxs_node *out = vxs_get(ctx->root, "outcome");
    size_t miss = 0;
    if (!cox) {
        const char *names[2];
        int rc = vxs_label_rows(d, vxs_str(out, "label", NULL), vxs_str(out, "positive", NULL), &s->y, names, &miss,
                                err);
        if (rc == VX_OK)
            cJSON_AddItemToObject(res, "classes", vxs_json_strings(names, 2));
        cJSON_AddNumberToObject(res, "n_outcome_missing", (double)miss);
        return rc;
    }
    size_t tc, ec;
    int rc = vxs_col(d, vxs_str(out, "time", NULL), "outcome.time", &tc, err);
    if (rc == VX_OK)
        rc = vxs_col(d, vxs_str(out, "event", NULL), "outcome.event", &ec, err);
    unsigned char *keep = rc == VX_OK ? malloc(d->t.nrow + 1) : NULL;
    for (size_t i = 0; keep && i < d->t.nrow; i++) {
        keep[i] = isfinite(d->t.num[i * d->t.ncol + tc]) && isfinite(d->t.num[i * d->t.ncol + ec]);
        miss += !keep[i];
    }
    if (rc == VX_OK)
        rc = keep ? vx_table_filter_rows(&d->t, keep, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    free(keep);
    s->time = rc == VX_OK ? malloc((d->t.nrow + 1) * sizeof *s->time) : NULL;
    s->event = rc == VX_OK ? malloc((d->t.nrow + 1) * sizeof *s->event) : NULL;
    if (rc == VX_OK && (!s->time || !s->event))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < d->t.nrow; i++) {
        s->time[i] = d->t.num[i * d->t.ncol + tc];
        s->event[i] = d->t.num[i * d->t.ncol + ec] != 0;
    }
    cJSON_AddNumberToObject(res, "n_outcome_missing", (double)miss);
    return rc;
}

/* selected.csv and the JSON lists. */
static int write_result(vxs_ctx *ctx, const sel *s, cJSON *res, vx_error *err)
{
    size_t cap = 64 + s->k * 160, len = 0;
    char *csv = malloc(cap);
    if (!csv)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    len += (size_t)snprintf(csv, cap, "feature,rank,score,p,q\n");
    const char **names = malloc((s->k + 1) * sizeof *names);
    double *sc = malloc((s->k + 1) * sizeof *sc), *pv = malloc((s->k + 1) * sizeof *pv),
           *q = malloc((s->k + 1) * sizeof *q);
    for (size_t r = 0; names && sc && pv && q && r < s->k; r++) {
        size_t j = s->idx[r];
        names[r] = s->names[j];
        sc[r] = s->score[j];
        pv[r] = s->pv[j];
        q[r] = s->q[j];
        len += (size_t)snprintf(csv + len, cap - len, "\"%.100s\",%zu,%.10g,%.10g,%.10g\n", names[r], r + 1, sc[r],
                                pv[r], q[r]);
    }
    int rc = names && sc && pv && q ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK) {
        for (char *nan = strstr(csv, "nan"); nan; nan = strstr(csv, "nan")) /* missing values: empty cells */
            memmove(nan, nan + 3, strlen(nan + 3) + 1);
        rc = vxs_write_text(ctx, "selection/selected.csv", csv, err);
        cJSON_AddItemToObject(res, "selected", vxs_json_strings(names, s->k));
        cJSON_AddNumberToObject(res, "n_selected", (double)s->k);
        cJSON_AddItemToObject(res, "scores", vxs_json_array(sc, s->k));
        cJSON_AddItemToObject(res, "p", vxs_json_array(pv, s->k));
        cJSON_AddItemToObject(res, "q", vxs_json_array(q, s->k));
        cJSON_AddStringToObject(res, "csv", "selection/selected.csv");
    }
    free(csv);
    free(names);
    free(sc);
    free(pv);
    free(q);
    return rc;
}

static void sel_free(sel *s)
{
    free(s->X);
    free(s->names);
    free(s->y);
    free(s->time);
    free(s->event);
    free(s->idx);
    free(s->score);
}

static int selection_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *res, vx_error *err)
{
    const char *method = vxs_str(cfg, "method", "mrmr");
    int cox = !strcmp(method, "cox");
    const vxs_node *in = vxs_get(ctx->root, "inputs");
    unsigned what = VXS_FEATURES | (vxs_get(in, "clinical") ? VXS_CLINICAL : 0);
    vxs_data d;
    sel s = {.cfg = cfg};
    int rc = vxs_load(ctx, what, &d, err);
    if (rc == VX_OK)
        rc = outcome(ctx, &d, &s, cox, res, err);
    if (rc == VX_OK)
        rc = vxs_features_matrix(&d, 1, &s.X, err);
    s.n = d.t.nrow;
    s.p = d.p;
    s.names = rc == VX_OK ? malloc((s.p + 1) * sizeof *s.names) : NULL;
    for (size_t j = 0; s.names && j < s.p; j++)
        s.names[j] = d.fnames[j];
    size_t dropped = s.names ? drop_constant(&s) : 0;
    s.idx = malloc((s.p + 1) * sizeof *s.idx);
    s.score = malloc((3 * s.p + 1) * sizeof *s.score);
    if (rc == VX_OK && (!s.names || !s.idx || !s.score))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; s.score && j < 3 * s.p; j++)
        s.score[j] = NAN;
    s.pv = s.score + s.p;
    s.q = s.score + 2 * s.p;
    if (rc == VX_OK)
        rc = select_method(&s, method, err);
    cJSON_AddStringToObject(res, "method", method);
    cJSON_AddNumberToObject(res, "n", (double)s.n);
    cJSON_AddNumberToObject(res, "n_features", (double)s.p);
    cJSON_AddNumberToObject(res, "n_constant_dropped", (double)dropped);
    cJSON_AddNumberToObject(res, "n_unmatched", (double)d.n_unmatched);
    if (rc == VX_OK)
        rc = write_result(ctx, &s, res, err);
    sel_free(&s);
    vxs_data_free(&d);
    return rc;
}

static int selection_section(const cJSON *res, const cJSON *study, vxs_html *h, vx_error *err)
{
    (void)study;
    const cJSON *sel = cJSON_GetObjectItemCaseSensitive(res, "selected");
    size_t k = (size_t)cJSON_GetArraySize(sel), ns = 0;
    if (!k)
        return VX_OK;
    const char *method = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "method"));
    vxs_html_raw(h, "<p>Method: ");
    vxs_html_text(h, method ? method : "?");
    vxs_html_say(h, "selection.json", res, ". {n_selected} of {n_features} features selected on {n} subjects.</p>\n");
    double *sc = vxs_json_doubles(res, "scores", &ns);
    const char **names = malloc(k * sizeof *names), **cells = malloc(3 * k * sizeof *cells);
    char(*buf)[2][32] = malloc(k * sizeof *buf);
    if (!sc || !names || !cells || !buf) {
        free(sc), free(names), free(cells), free(buf);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    for (size_t r = 0; r < k; r++) {
        names[r] = cJSON_GetStringValue(cJSON_GetArrayItem(sel, (int)r));
        snprintf(buf[r][0], 32, "%zu", r + 1);
        snprintf(buf[r][1], 32, "%.4g", r < ns ? sc[r] : NAN);
        cells[3 * r] = buf[r][0];
        cells[3 * r + 1] = names[r] ? names[r] : "";
        cells[3 * r + 2] = buf[r][1];
    }
    static const char *const header[] = {"rank", "feature", "score"};
    vxs_html_table(h, header, 3, cells, k);
    vx_plot_axes ax = {.title = "Selected features", .xlabel = "score", .height = 120 + 22 * (int)k};
    vx_error perr;
    vxs_html_plot(h, "selection_scores", vx_plot_bars(&ax, names, sc, k < ns ? k : ns, &perr),
                  "The selected features and their scores (the method's criterion).");
    free(sc);
    free(names);
    free(cells);
    free(buf);
    return VX_OK;
}

const vxs_step vxs_step_selection = {"selection", "Feature selection", selection_keys, selection_run,
                                     selection_section};
