/* voxomics select: rank and select features: variance, correlation, univariate tests with BH, mRMR or LASSO.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_common.h"
#include "voxomics/select.h"
#include "voxomics/survival.h"

/* The selection table to -o: "feature,selected,rank" then the columns named in header (",a,b"), vals[c][j]
 * per feature (%.10g, NaN an empty cell); rank is 1-based over idx[0..k), 0 for the features left out. */
static int write_selection(const sopts *o, const char *const *names, size_t p, const size_t *idx, size_t k,
                           const char *header, const double *const *vals, size_t nv, vx_error *err)
{
    vx_outfile *of = NULL;
    FILE *f = vx_outfile_open(o->out, &of, err);
    if (!f)
        return VX_EIO;
    size_t *rank = calloc(p + 1, sizeof *rank);
    int rc = rank ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t r = 0; rank && r < k; r++)
        rank[idx[r]] = r + 1;
    fprintf(f, "feature,selected,rank%s\n", header);
    for (size_t j = 0; rc == VX_OK && j < p; j++) {
        vx_csv_field(f, names[j]);
        fprintf(f, ",%d,%zu", rank[j] > 0, rank[j]);
        for (size_t c = 0; c < nv; c++)
            if (isnan(vals[c][j]))
                fputc(',', f);
            else
                fprintf(f, ",%.10g", vals[c][j]);
        fputc('\n', f);
    }
    free(rank);
    return stats_finish(of, rc, err);
}

/* Features constant over the samples carry nothing and make rank tests undefined: leave them out (d->X is
 * compacted in place); returns the number of features kept. */
static size_t drop_constant(const sopts *o, labelled *d, size_t n, size_t p)
{
    size_t pc = 0;
    for (size_t j = 0; j < p; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, d->X[i * p + j]);
            hi = fmax(hi, d->X[i * p + j]);
        }
        if (hi > lo) {
            for (size_t i = 0; i < n; i++)
                d->X[i * p + pc] = d->X[i * p + j];
            d->fnames[pc] = d->fnames[j];
            pc++;
        }
    }
    if (pc < p) {
        stats_note(o, "%zu constant features left out", p - pc);
        for (size_t i = 1; i < n; i++) /* compact the rows to the new width */
            memmove(d->X + i * pc, d->X + i * p, pc * sizeof *d->X);
    }
    return pc;
}

/* --method lasso: cross-validated logistic LASSO path (stratified folds); the features with a nonzero
 * coefficient at lambda.min (or lambda.1se) are selected and stat gets the coefficients. */
static int select_lasso(const sopts *o, const labelled *d, size_t n, size_t p, const vx_pipeline_params *pp,
                        size_t *idx, size_t *k, double *stat, vx_error *err)
{
    int *fold = malloc((n + 1) * sizeof *fold);
    vx_lasso_path path;
    memset(&path, 0, sizeof path);
    int rc = fold ? vx_cv_stratified_folds(d->y, n, o->folds, o->seed, fold, err) : VX_ENOMEM;
    if (rc == VX_OK)
        rc = vx_lasso_logistic_cv(d->X, n, p, d->y, fold, (int)o->folds, pp->select.lasso_nlambda,
                                  pp->select.lasso_lambda_min_ratio, 0.0, &path, err);
    if (rc == VX_OK) {
        size_t l = o->lasso_1se ? path.i1se : path.imin;
        rc = vx_lasso_selected(&path, l, idx, k, err);
        for (size_t j = 0; j < p; j++)
            stat[j] = path.beta[l * p + j];
        stats_note(o, "lambda.min %.6g, lambda.1se %.6g (%ld-fold CV, deviance); using %s",
                path.lambda[path.imin], path.lambda[path.i1se], o->folds, o->lasso_1se ? "1se" : "min");
        if (path.unconverged)
            stats_note(o, "the LASSO path ends at lambda %zu of %zu (%.6g): coordinate descent used up its "
                          "100000 passes at the next one, as glmnet would warn; a larger --lambda-min-ratio "
                          "ends the path before it",
                       path.nlambda, path.nlambda + 1, path.lambda[path.nlambda - 1]);
    }
    vx_lasso_path_free(&path);
    free(fold);
    return rc;
}

/* BH over the features with a p-value (R: p.adjust, NA kept) into q (pc: room for p); the kept features by
 * increasing p into idx[0..*k): q < --alpha (default 0.05), or the --k smallest p. */
static int cox_keep(const sopts *o, size_t p, const double *pv, const unsigned char *sep, double *q, double *pc,
                    size_t *idx, size_t *kept, vx_error *err)
{
    size_t m = 0, nsep = 0, k = 0;
    for (size_t j = 0; j < p; j++) {
        q[j] = NAN;
        if (!isnan(pv[j]))
            pc[m++] = pv[j];
        nsep += sep[j];
    }
    if (m > 0 && vx_bh_adjust(pc, m, pc) != VX_OK)
        return vx_error_set(err, VX_EINVAL, "BH adjustment failed");
    for (size_t j = 0, r = 0; j < p; j++)
        if (!isnan(pv[j]))
            q[j] = pc[r++];
    const double alpha = isnan(o->alpha) ? 0.05 : o->alpha;
    for (size_t j = 0; j < p; j++)
        if (!isnan(pv[j]) && (!isnan(o->k) || q[j] < alpha))
            idx[k++] = j;
    for (size_t a = 1; a < k; a++)
        for (size_t b = a; b > 0 && pv[idx[b - 1]] > pv[idx[b]]; b--) {
            const size_t x = idx[b];
            idx[b] = idx[b - 1];
            idx[b - 1] = x;
        }
    if (!isnan(o->k) && (size_t)o->k < k)
        k = (size_t)o->k;
    if (nsep)
        stats_note(o, "%zu features with a monotone likelihood (separation): their coefficients may be infinite", nsep);
    if (m < p)
        stats_note(o, "%zu features without a Cox fit (constant, or no events among their subjects): p empty", p - m);
    *kept = k;
    return VX_OK;
}

/* --method cox: univariate Cox screening (vx_cox_univariate) of every feature against --time / --event (and
 * --strata), BH over the features with a p-value; kept: p_bh < --alpha (default 0.05), or the --k smallest p.
 * A missing feature cell: an error (--missing error), the subject left out of that feature's model only (drop,
 * as R's coxph na.omit per model), or the column median (impute-median). */
static int select_cox(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    vx_table t;
    int rc = stats_load_table(o, &t, &err);
    if (rc != VX_OK)
        return stats_fail(o, &err);
    long tc = stats_need_col(o, &t, o->time, "time", &err), ec = tc >= 0 ? stats_need_col(o, &t, o->event, "event", &err) : -1;
    long sc = ec >= 0 && o->strata ? stats_need_col(o, &t, o->strata, "strata", &err) : -1;
    if (tc < 0 || ec < 0 || (o->strata && sc < 0))
        rc = VX_EINVAL;
    const char *skip[3] = {o->time, o->event, o->strata};
    size_t *cols = NULL, p = 0, n = 0, k = 0;
    if (rc == VX_OK)
        rc = stats_feature_cols(o, &t, skip, o->strata ? 3 : 2, &cols, &p, &err);
    const size_t N = t.nrow;
    double *X = malloc((N * p + 1) * sizeof *X), *time = malloc((N + 1) * sizeof *time);
    double *res = malloc((5 * p + 1) * sizeof *res);
    int *event = malloc((N + 1) * sizeof *event), *strata = malloc((N + 1) * sizeof *strata);
    size_t *idx = malloc((p + 1) * sizeof *idx);
    unsigned char *sep = malloc(p + 1);
    const char **lev = malloc((N + 1) * sizeof *lev), **sv = malloc((N + 1) * sizeof *sv);
    if (rc == VX_OK && (!X || !time || !res || !event || !strata || !idx || !sep || !lev || !sv))
        rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
    const int drop = !strcmp(o->missing, "drop"), impute = !strcmp(o->missing, "impute-median");
    for (size_t i = 0; rc == VX_OK && i < N; i++) { /* subjects need a time, an event (and a stratum) */
        const double tv = t.num[i * t.ncol + (size_t)tc], ev = t.num[i * t.ncol + (size_t)ec];
        if (isnan(tv) || isnan(ev) || (sc >= 0 && vx_table_cell_missing(&t, i, (size_t)sc) == 1)) {
            if (drop)
                continue;
            rc = vx_error_set(&err, VX_EINVAL, "%s: row '%s': the time, event or stratum is missing; give --missing "
                              "drop to leave such rows out",
                              o->data, VX_TABLE_ID(&t, i));
            break;
        }
        if (ev != 0.0 && ev != 1.0) {
            rc = vx_error_set(&err, VX_EINVAL, "%s: row '%s': event %g; --event must be 1 (event) or 0 (censored)",
                              o->data, VX_TABLE_ID(&t, i), ev);
            break;
        }
        time[n] = tv;
        event[n] = (int)ev;
        if (sc >= 0)
            sv[n] = t.cell[i * t.ncol + (size_t)sc];
        for (size_t j = 0; j < p; j++) {
            X[n * p + j] = t.num[i * t.ncol + cols[j]];
            if (isnan(X[n * p + j]) && !drop && !impute)
                rc = vx_error_set(&err, VX_EINVAL, "%s: row '%s', feature %s: missing or not a number; give "
                                  "--missing drop (left out of that feature's model) or impute-median",
                                  o->data, VX_TABLE_ID(&t, i), t.colnames[cols[j]]);
        }
        n++;
    }
    if (rc == VX_OK && impute) {
        double *med = malloc((p + 1) * sizeof *med);
        rc = med ? vx_impute_fit(X, n, p, med, &err) : vx_error_set(&err, VX_ENOMEM, "out of memory");
        if (rc == VX_OK)
            vx_impute_apply(X, n, p, med);
        free(med);
    }
    if (rc == VX_OK && sc >= 0)
        vx_levels(sv, n, lev, strata);
    double *coef = res, *se = res + p, *pv = res + 2 * p, *q = res + 3 * p, *pc = res + 4 * p;
    if (rc == VX_OK && (rc = vx_cox_univariate(X, n, p, time, event, sc >= 0 ? strata : NULL,
                                               o->ties && !strcmp(o->ties, "breslow") ? VX_TIES_BRESLOW : VX_TIES_EFRON,
                                               coef, se, pv, sep, &err)) != VX_OK)
        vx_error_prefix(&err, "%s: ", o->data);
    if (rc == VX_OK)
        rc = cox_keep(o, p, pv, sep, q, pc, idx, &k, &err);
    for (size_t j = 0; rc == VX_OK && j < p; j++) /* the hazard ratios (reuses the compacted p-values' room) */
        pc[j] = exp(coef[j]);
    const char **names = rc == VX_OK ? malloc((p + 1) * sizeof *names) : NULL;
    for (size_t j = 0; names && j < p; j++)
        names[j] = t.colnames[cols[j]];
    if (rc == VX_OK && !names)
        rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
    const double *const vals[5] = {coef, pv, q, se, pc};
    if (rc == VX_OK)
        rc = write_selection(o, names, p, idx, k, ",coefficient,p,p_bh,se,hr", vals, 5, &err);
    free(names);
    if (rc == VX_OK && stats_summary(o))
        printf("cox: %zu of %zu features selected -> %s\n", k, p, o->out);
    free(X);
    free(time);
    free(res);
    free(event);
    free(strata);
    free(idx);
    free(sep);
    free(lev);
    free(sv);
    free(cols);
    vx_table_free(&t);
    return rc == VX_OK ? 0 : stats_fail(o, &err);
}

static int cmd_select(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->out)
        return stats_usage(o, "-o OUT.csv is required", NULL);
    if (!o->method)
        return stats_usage(o, "--method variance|correlation|univariate|mrmr|lasso|cox is required", NULL);
    if (!strcmp(o->method, "cox"))
        return select_cox(o);
    labelled d;
    vx_pipeline_params pp;
    int rc = stats_load_labelled(o, &d, &err);
    if (rc == VX_OK)
        rc = stats_pipeline_params(o, &pp, &err);
    size_t n = d.t.nrow, p = d.p;
    double *med = malloc((p + 1) * sizeof *med);
    if (rc == VX_OK)
        rc = vx_impute_fit(d.X, n, p, med, &err);
    if (rc == VX_OK)
        vx_impute_apply(d.X, n, p, med);
    if (rc == VX_OK)
        p = drop_constant(o, &d, n, p);
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
        case VX_SELECT_LASSO:
            rc = select_lasso(o, &d, n, p, &pp, idx, &k, stat, &err);
            break;
        default:
            rc = vx_error_set(&err, VX_EINVAL, "--method none selects nothing");
        }
    }
    if (rc == VX_OK) {
        char header[64];
        snprintf(header, sizeof header, ",%s%s",
                 pp.select.method == VX_SELECT_VARIANCE     ? "variance"
                 : pp.select.method == VX_SELECT_MRMR       ? "score"
                 : pp.select.method == VX_SELECT_LASSO      ? "coefficient"
                 : pp.select.method == VX_SELECT_UNIVARIATE ? "statistic"
                                                            : "unused",
                 have_p ? ",p,p_bh" : "");
        /* mRMR scores exist for the selected features only (in rank order): the others get an empty cell */
        double *sv = malloc((p + 1) * sizeof *sv);
        for (size_t j = 0; sv && j < p; j++)
            sv[j] = pp.select.method == VX_SELECT_MRMR ? NAN : stat[j];
        for (size_t r = 0; sv && pp.select.method == VX_SELECT_MRMR && r < k; r++)
            sv[idx[r]] = stat[r];
        const double *const vals[3] = {sv, pv, padj};
        rc = sv ? write_selection(o, d.fnames, p, idx, k, header, vals, have_p ? 3 : 1, &err)
                : vx_error_set(&err, VX_ENOMEM, "out of memory");
        free(sv);
    }
    if (rc == VX_OK && stats_summary(o))
        printf("%s: %zu of %zu features selected -> %s\n", o->method, k, p, o->out);
    free(idx);
    free(stat);
    free(med);
    stats_labelled_free(&d);
    return rc == VX_OK ? 0 : stats_fail(o, &err);
}

static const cli_opt select_table[] = {
    OPT_OUT("OUT.csv", "one row per feature: selected, rank and the method's statistic"),
    {"--method", NULL, "variance|correlation|univariate|mrmr|lasso|cox", "required", "the selection method (cox: "
     "univariate Cox screening with BH against --time and --event, no --label)", CLI_STR, SO(method), 0, 0, 0},
    {"--time", NULL, "COL", NULL, "cox: the follow-up time column", CLI_STR, SO(time), 0, 0, 0},
    {"--event", NULL, "COL", NULL, "cox: the event column (1 event, 0 censored)", CLI_STR, SO(event), 0, 0, 0},
    {"--strata", NULL, "COL", NULL, "cox: a stratification column", CLI_STR, SO(strata), 0, 0, 0},
    {"--ties", NULL, "efron|breslow", "efron", "cox: the handling of tied event times", CLI_STR, SO(ties), 0, 0, 0},
    OPT_LABEL, OPT_POSITIVE, OPT_SELECT_PARAMS,
    {"--folds", NULL, "K", "5", "lasso: cross-validation folds for lambda", CLI_INT, SO(folds), 0, 2147483647.0, 0},
    OPT_SEED("0", "lasso: seed of the stratified folds"),
    OPT_ID, OPT_JOIN, OPT_WHERE, OPT_MISSING, OPT_FEATURES, OPT_EXCLUDE,
    CLI_QUIET(sopts),
    CLI_END};

static int run_select(const cli_command *c, int argc, char **argv)
{
    sopts o;
    int r = stats_parse(c, argc, argv, &o);
    if (r)
        return r == CLI_DONE ? 0 : r;
    return cmd_select(&o);
}

const cli_command cli_cmd_select = {
    "select",
    "rank and select features: variance, correlation, univariate tests with BH, mRMR, LASSO or univariate Cox",
    "DATA.csv --label COL --method variance|correlation|univariate|mrmr|lasso [--threshold T] [--k K]\n"
    "         | DATA.csv --method cox --time COL --event COL [--strata COL]\n"
    "         [--alpha A] [--welch] [--miq] [--lambda-1se] [options] -o OUT.csv",
    "DATA.csv  one row per sample: an ID column, the label column, numeric feature columns",
    select_table,
    "Missing values are imputed with column medians for the selection; features constant over the samples are left out (a note counts them). --method cox: see --missing (drop leaves a subject out of that feature's model only).",
    "voxomics select ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --join ../shared/stats/nsclc_radiogenomics/clinical_covariates.csv --label egfr-mut --missing drop --method univariate --alpha 0.05 -o selected.csv",
    STATS_EXITS,
    run_select};
