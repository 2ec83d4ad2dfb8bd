/* voxomics statistics commands: parsing, tables, outputs shared by harmonize, icc, select, train, predict, cv
 * and evaluate (stats_common.h).  SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stats_common.h"
#include "voxomics/io.h"
#include "voxomics/select.h"

int stats_parse(const cli_command *c, int argc, char **argv, sopts *o)
{
    memset(o, 0, sizeof *o);
    o->c = c;
    o->cmd = c->name;
    o->folds = 5;
    o->repeats = 1;
    o->C = o->gamma = o->eta = o->threshold = o->alpha = o->k = o->nlambda = o->lambda_min_ratio = NAN;
    o->reg_lambda = o->min_child_weight = o->subsample = o->colsample_bytree = o->colsample_bynode = NAN;
    o->lambda = o->l1_ratio = o->cutoff = NAN;
    o->trees = o->depth = -1;
    o->missing = "error";
    const char *pos[2];
    int npos = 0, two = !strcmp(c->name, "predict");
    int r = cli_parse(c, argc, argv, o, pos, two ? 2 : 1, &npos);
    if (r)
        return r;
    if (two) {
        o->model_file = npos > 0 ? pos[0] : NULL;
        o->data = npos > 1 ? pos[1] : NULL;
    } else {
        o->data = npos > 0 ? pos[0] : NULL;
    }
    if (vx_missing_find(o->missing) < 0)
        return stats_usage(o, "--missing must be error, drop or impute-median", o->missing);
    return CLI_OK;
}

int stats_usage(const sopts *o, const char *msg, const char *arg)
{
    return cli_usage_error(o->c, msg, arg);
}

int stats_fail(const sopts *o, const vx_error *err)
{
    fprintf(stderr, "voxomics %s: %s\n", o->cmd, err->msg);
    return 1;
}

void stats_note(const sopts *o, const char *fmt, ...)
{
    if (o->quiet)
        return;
    fprintf(stderr, "voxomics %s: ", o->cmd);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int stats_summary(const sopts *o)
{
    const char *outs[3] = {o->out, o->json, o->save};
    for (int i = 0; i < 3; i++)
        if (outs[i] && !strcmp(outs[i], "-"))
            return 0;
    return !o->quiet && isatty(1);
}

size_t stats_split_list(char *s, const char **out, size_t max)
{
    size_t n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        out[n++] = tok;
    return n;
}

int stats_finish(vx_outfile *of, int rc, vx_error *err)
{
    if (rc != VX_OK) {
        vx_outfile_abort(of);
        return rc;
    }
    return vx_outfile_commit(of, err);
}

/* Read DATA with its joins; report unmatched rows on stderr. */
int stats_load_table(const sopts *o, vx_table *t, vx_error *err)
{
    if (!o->data)
        return vx_error_set(err, VX_EINVAL, "the data table (DATA.csv) is required");
    int rc = !strcmp(o->cmd, "icc") ? vx_table_read_long(o->data, o->id, t, err) /* long format: IDs repeat */
                                     : vx_table_read(o->data, o->id, t, err);
    /* joined files bring labels, batches and covariates: by default features come from DATA only
     * (t->main_ncol, kept by the joins) */
    for (size_t j = 0; rc == VX_OK && j < o->joins.n; j++) {
        vx_table b;
        rc = vx_table_read(o->joins.v[j], NULL, &b, err);
        size_t ua = 0, ub = 0;
        if (rc == VX_OK)
            rc = vx_table_join(t, &b, &ua, &ub, err);
        if (rc == VX_OK && (ua || ub))
            stats_note(o, "join %s: %zu rows of the data and %zu rows of the joined file have no "
                          "partner and are left out (%zu rows remain)",
                       o->joins.v[j], ua, ub, t->nrow);
        vx_table_free(&b);
    }
    /* --join-by-rows FILE: one variable a row, one sample a column (e.g. genes x patients), transposed first */
    for (size_t j = 0; rc == VX_OK && j < o->joins_by_rows.n; j++) {
        vx_table b, tb;
        memset(&tb, 0, sizeof tb);
        rc = vx_table_read(o->joins_by_rows.v[j], NULL, &b, err);
        if (rc == VX_OK)
            rc = vx_table_transpose(&b, &tb, err);
        size_t ua = 0, ub = 0;
        if (rc == VX_OK)
            rc = vx_table_join(t, &tb, &ua, &ub, err);
        if (rc == VX_OK && (ua || ub))
            stats_note(o, "join %s (by rows): %zu rows of the data and %zu samples of the joined file have no "
                          "partner and are left out (%zu rows remain)",
                       o->joins_by_rows.v[j], ua, ub, t->nrow);
        vx_table_free(&b);
        vx_table_free(&tb);
    }
    /* --where COL=VALUE / COL!=VALUE */
    for (size_t w = 0; rc == VX_OK && w < o->where.n; w++) {
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", o->where.v[w]);
        char *eq = strchr(buf, '=');
        if (!eq || eq == buf) {
            rc = vx_error_set(err, VX_EINVAL, "--where COL=VALUE or COL!=VALUE: '%s'", o->where.v[w]);
            break;
        }
        int neq = eq[-1] == '!';
        *(neq ? eq - 1 : eq) = '\0';
        size_t removed = 0;
        rc = vx_table_where(t, buf, eq + 1, !neq, &removed, err);
        if (rc == VX_OK && removed)
            stats_note(o, "--where %s: %zu rows left out (%zu remain)", o->where.v[w], removed,
                    t->nrow);
    }
    return rc;
}

/* Feature columns: --features / --exclude, minus the columns in skip. */
int stats_feature_cols(const sopts *o, const vx_table *t, const char *const *skip, size_t nskip, size_t **cols,
                        size_t *p, vx_error *err)
{
    char fbuf[8192], ebuf[8192];
    const char *inc[1024], *exc[1100];
    size_t ni = 0, ne = 0;
    if (o->features) {
        snprintf(fbuf, sizeof fbuf, "%s", o->features);
        ni = stats_split_list(fbuf, inc, 1024);
    }
    if (o->exclude) {
        snprintf(ebuf, sizeof ebuf, "%s", o->exclude);
        ne = stats_split_list(ebuf, exc, 1024);
    }
    for (size_t i = 0; i < nskip && ne < 1100; i++)
        if (skip[i] && vx_table_col(t, skip[i]) >= 0)
            exc[ne++] = skip[i];
    if (o->block_features) /* cv --block: the blocks' columns, joined ones included */
        return vx_table_numeric_cols(t, o->block_features, o->n_block_features, exc, ne, cols, p, err);
    for (size_t j = t->main_ncol; !o->features && j < t->ncol && ne < 1100; j++)
        exc[ne++] = t->colnames[j]; /* joined columns are not features unless named in --features */
    return vx_table_numeric_cols(t, o->features ? inc : NULL, ni, exc, ne, cols, p, err);
}

long stats_need_col(const sopts *o, const vx_table *t, const char *name, const char *what, vx_error *err)
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

int stats_write_json(const sopts *o, const char *path, cJSON *root)
{
    vx_error err;
    vx_error_clear(&err);
    char *text = cJSON_Print(root);
    if (!text) {
        vx_error_set(&err, VX_ENOMEM, "%s: out of memory writing the JSON", path);
        return stats_fail(o, &err);
    }
    vx_outfile *of;
    FILE *f = vx_outfile_open(path, &of, &err);
    int rc = f ? VX_OK : VX_EIO;
    if (f && (fputs(text, f) < 0 || fputc('\n', f) == EOF))
        rc = vx_error_set(&err, VX_EIO, "%s: cannot write: %s", path, strerror(errno));
    if (f)
        rc = stats_finish(of, rc, &err);
    free(text);
    return rc == VX_OK ? 0 : stats_fail(o, &err);
}

cJSON *stats_json_nums(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

/* ---- the labelled matrix shared by select / train / cv ----------------------------------------------------- */

void stats_labelled_free(labelled *d)
{
    free(d->cols);
    free(d->X);
    free(d->y);
    free(d->fnames);
    free(d->batch);
    free(d->time);
    free(d->event);
    vx_table_free(&d->t);
}

/* d's feature columns (every numeric column but skip), the --missing policy over them with the columns req
 * that must be present (nreq of them), its note, and the matrix d->X: the common part of the labelled and the
 * survival loads. */
static int load_features(const sopts *o, labelled *d, const char *const *skip, size_t nskip, const size_t *req,
                         size_t nreq, vx_error *err)
{
    int rc = stats_feature_cols(o, &d->t, skip, nskip, &d->cols, &d->p, err);
    size_t dropped = 0;
    char report[512] = "";
    if (rc == VX_OK)
        rc = vx_table_missing(&d->t, d->cols, d->p, req, nreq, (vx_missing_policy)vx_missing_find(o->missing),
                              &dropped, report, sizeof report, err);
    if (rc == VX_OK && report[0])
        stats_note(o, "%s; %s", report,
                   dropped ? "rows dropped (--missing drop)" : "medians imputed inside each training set");
    if (rc == VX_OK)
        rc = vx_table_matrix(&d->t, d->cols, d->p, &d->X, err);
    return rc;
}

int stats_load_labelled(const sopts *o, labelled *d, vx_error *err)
{
    if ((o->time || o->event) && (!strcmp(o->cmd, "cv") || !strcmp(o->cmd, "train")))
        return stats_load_surv(o, d, err);
    memset(d, 0, sizeof *d);
    int rc = stats_load_table(o, &d->t, err);
    long lc = rc == VX_OK ? stats_need_col(o, &d->t, o->label, "label", err) : -1;
    if (rc == VX_OK && lc < 0)
        rc = VX_EINVAL;
    long bc = -1;
    if (rc == VX_OK && o->harmonize_batch && (bc = stats_need_col(o, &d->t, o->harmonize_batch, "harmonize-batch", err)) < 0)
        rc = VX_EINVAL;
    const char *const skip[2] = {o->label, o->harmonize_batch};
    const size_t req[2] = {(size_t)lc, (size_t)bc};
    if (rc == VX_OK)
        rc = load_features(o, d, skip, 2, req, bc >= 0 ? 2 : 1, err);
    d->y = malloc((d->t.nrow + 1) * sizeof *d->y);
    d->fnames = malloc((d->p + 1) * sizeof *d->fnames);
    if (rc == VX_OK && (!d->y || !d->fnames))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    /* cv and train take more than two classes (one-vs-rest); two classes keep vx_table_binary_label's order */
    int multi = !strcmp(o->cmd, "cv") || !strcmp(o->cmd, "train");
    d->nclass = 2;
    if (rc == VX_OK && multi)
        rc = vx_table_class_labels(&d->t, (size_t)lc, d->y, d->classes, MAX_CLASSES, &d->nclass, err);
    if (rc == VX_OK && d->nclass > 2 && o->positive)
        rc = vx_error_set(err, VX_EINVAL, "--positive %s: label '%s' has %d classes (one-vs-rest): --positive is for "
                                          "two classes", o->positive, o->label, d->nclass);
    if (rc == VX_OK && d->nclass > 2) {
        d->names[0] = d->classes[0];
        d->names[1] = d->classes[1];
    }
    if (rc == VX_OK && d->nclass == 2) {
        rc = vx_table_binary_label(&d->t, (size_t)lc, o->positive, d->y, d->names, err);
        d->classes[0] = d->names[0];
        d->classes[1] = d->names[1];
    }
    for (size_t j = 0; rc == VX_OK && j < d->p; j++)
        d->fnames[j] = d->t.colnames[d->cols[j]];
    if (rc == VX_OK && bc >= 0) {
        d->batch = malloc((d->t.nrow + 1) * sizeof *d->batch);
        for (size_t i = 0; d->batch && i < d->t.nrow; i++)
            d->batch[i] = d->t.cell[i * d->t.ncol + (size_t)bc];
    }
    return rc;
}

int stats_pipeline_params(const sopts *o, vx_pipeline_params *pp, vx_error *err)
{
    int kind = vx_model_kind_find(o->model ? o->model : "logreg");
    if (kind < 0)
        return vx_error_set(err, VX_EINVAL, "unknown --model '%s' (logreg, logreg-l1, svm, rf, gbm, cox, coxnet)",
                            o->model);
    int pipeline = !strcmp(o->cmd, "cv") || !strcmp(o->cmd, "train");
    if (pipeline && (o->time != NULL) != (kind == VX_MODEL_COX || kind == VX_MODEL_COXNET))
        return vx_error_set(err, VX_EINVAL, "--model %s: %s", vx_model_kind_name((vx_model_kind)kind),
                            o->time ? "a survival outcome (--time, --event) needs --model cox or coxnet"
                                    : "a Cox model needs a survival outcome: give --time and --event");
    vx_pipeline_params_default(pp, (vx_model_kind)kind);
    pp->model.seed = o->seed;
    if (o->preset && vx_model_params_preset(&pp->model, o->preset, err) != VX_OK)
        return VX_EINVAL;
    if (o->bootstrap_rows)
        pp->model.bootstrap = 1;
    if (o->criterion) {
        if (!strcmp(o->criterion, "xgboost"))
            pp->model.criterion = VX_GBM_XGBOOST;
        else if (!strcmp(o->criterion, "friedman_mse"))
            pp->model.criterion = VX_GBM_FRIEDMAN_MSE;
        else
            return vx_error_set(err, VX_EINVAL, "--criterion '%s': give xgboost or friedman_mse", o->criterion);
    }
    if (o->base_score) {
        char *end;
        double b = !strcmp(o->base_score, "prior") ? VX_BASE_SCORE_PRIOR : strtod(o->base_score, &end);
        if (strcmp(o->base_score, "prior") && (end == o->base_score || *end || !(b > 0 && b < 1)))
            return vx_error_set(err, VX_EINVAL, "--base-score '%s': give a probability in (0, 1) or 'prior'",
                                o->base_score);
        pp->model.base_score = b;
    }
    if (o->method) {
        int m = vx_select_method_find(o->method);
        if (m < 0)
            return vx_error_set(err, VX_EINVAL,
                                "unknown selection method '%s' (none, variance, correlation, univariate, mrmr, lasso, cox)",
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
               {"lambda_min_ratio", o->lambda_min_ratio}, {"reg_lambda", o->reg_lambda},
               {"min_child_weight", o->min_child_weight}, {"subsample", o->subsample},
               {"colsample_bytree", o->colsample_bytree}, {"colsample_bynode", o->colsample_bynode},
               {"lambda", o->lambda}, {"l1_ratio", o->l1_ratio}};
    for (size_t i = 0; i < sizeof set / sizeof *set; i++)
        if (!isnan(set[i].v) && !(set[i].v < 0 && (!strcmp(set[i].name, "trees") || !strcmp(set[i].name, "depth"))) &&
            vx_pipeline_params_set(pp, set[i].name, set[i].v, err) != VX_OK)
            return VX_EINVAL;
    return VX_OK;
}

/* Survival outcome: --time and --event columns (never imputed), the features without them. */
int stats_load_surv(const sopts *o, labelled *d, vx_error *err)
{
    memset(d, 0, sizeof *d);
    if (o->label)
        return vx_error_set(err, VX_EINVAL, "--label %s with --time / --event: give a label or a survival outcome",
                            o->label);
    int rc = stats_load_table(o, &d->t, err);
    long tc = rc == VX_OK ? stats_need_col(o, &d->t, o->time, "time", err) : -1;
    long ec = tc >= 0 ? stats_need_col(o, &d->t, o->event, "event", err) : -1, bc = -1;
    if (rc == VX_OK && (tc < 0 || ec < 0))
        rc = VX_EINVAL;
    if (rc == VX_OK && o->harmonize_batch &&
        (bc = stats_need_col(o, &d->t, o->harmonize_batch, "harmonize-batch", err)) < 0)
        rc = VX_EINVAL;
    const char *const skip[3] = {o->time, o->event, o->harmonize_batch};
    const size_t req[3] = {(size_t)tc, (size_t)ec, (size_t)bc};
    if (rc == VX_OK)
        rc = load_features(o, d, skip, 3, req, bc >= 0 ? 3 : 2, err);
    size_t n = d->t.nrow;
    d->time = malloc((n + 1) * sizeof *d->time);
    d->event = malloc((n + 1) * sizeof *d->event);
    d->y = malloc((n + 1) * sizeof *d->y);
    d->fnames = malloc((d->p + 1) * sizeof *d->fnames);
    if (rc == VX_OK && (!d->time || !d->event || !d->y || !d->fnames))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        d->time[i] = d->t.num[i * d->t.ncol + (size_t)tc];
        const double e = d->t.num[i * d->t.ncol + (size_t)ec];
        if (e != 0 && e != 1)
            rc = vx_error_set(err, VX_EINVAL, "%s: %s, column %s: '%s': the event must be 1 (event) or 0 (censored)",
                              o->data, VX_TABLE_ID(&d->t, i), o->event, d->t.cell[i * d->t.ncol + (size_t)ec]);
        d->event[i] = d->y[i] = (int)e;
    }
    for (size_t j = 0; rc == VX_OK && j < d->p; j++)
        d->fnames[j] = d->t.colnames[d->cols[j]];
    if (rc == VX_OK && bc >= 0) {
        d->batch = malloc((n + 1) * sizeof *d->batch);
        for (size_t i = 0; d->batch && i < n; i++)
            d->batch[i] = d->t.cell[i * d->t.ncol + (size_t)bc];
    }
    return rc;
}

int stats_times(const sopts *o, double *t, size_t max, size_t *m, vx_error *err)
{
    *m = 0;
    for (const char *s = o->at; s && *s;) {
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (end == s || errno || !isfinite(v) || v < 0 || (*end && *end != ','))
            return vx_error_set(err, VX_EINVAL, "--at %s: give times >= 0, comma-separated", o->at);
        if (*m == max)
            return vx_error_set(err, VX_EINVAL, "--at %s: at most %zu times", o->at, max);
        t[(*m)++] = v;
        s = *end ? end + 1 : end;
    }
    return VX_OK;
}

cJSON *stats_model_params_json(const vx_model_params *mp, const char *preset)
{
    cJSON *o = cJSON_CreateObject();
    char seed[32];
    snprintf(seed, sizeof seed, "%lu", mp->seed);
    cJSON_AddNumberToObject(o, "C", mp->C);
    cJSON_AddNumberToObject(o, "gamma", mp->gamma);
    cJSON_AddStringToObject(o, "seed", seed);
    if (mp->kind == VX_MODEL_RF || mp->kind == VX_MODEL_GBM) {
        cJSON_AddNumberToObject(o, "trees", mp->trees);
        cJSON_AddNumberToObject(o, "depth", mp->depth);
        cJSON_AddNumberToObject(o, "eta", mp->kind == VX_MODEL_RF ? 1.0 : mp->eta);
        cJSON_AddNumberToObject(o, "reg_lambda", mp->reg_lambda);
        cJSON_AddNumberToObject(o, "min_child_weight", mp->min_child_weight);
        cJSON_AddNumberToObject(o, "subsample", mp->subsample);
        cJSON_AddNumberToObject(o, "colsample_bytree", mp->colsample_bytree);
        if (mp->colsample_bynode > 0)
            cJSON_AddNumberToObject(o, "colsample_bynode", mp->colsample_bynode);
        else
            cJSON_AddStringToObject(o, "colsample_bynode", "sqrt(p)/p");
        cJSON_AddBoolToObject(o, "bootstrap", mp->bootstrap);
        cJSON_AddStringToObject(o, "criterion", mp->criterion == VX_GBM_FRIEDMAN_MSE ? "friedman_mse" : "xgboost");
        if (mp->base_score == VX_BASE_SCORE_PRIOR)
            cJSON_AddStringToObject(o, "base_score", "prior");
        else
            cJSON_AddNumberToObject(o, "base_score", mp->base_score > 0 ? mp->base_score : 0.5);
    }
    if (mp->kind == VX_MODEL_COXNET) {
        if (mp->lambda > 0)
            cJSON_AddNumberToObject(o, "lambda", mp->lambda);
        else
            cJSON_AddStringToObject(o, "lambda", "inner cross-validation");
        cJSON_AddNumberToObject(o, "l1_ratio", mp->l1_ratio);
    }
    if (preset)
        cJSON_AddStringToObject(o, "preset", preset);
    else
        cJSON_AddNullToObject(o, "preset");
    return o;
}
