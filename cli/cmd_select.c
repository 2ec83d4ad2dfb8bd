/* voxomics select: rank and select features: variance, correlation, univariate tests with BH, mRMR or LASSO.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_common.h"
#include "voxomics/select.h"

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

static int cmd_select(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->out)
        return stats_usage(o, "-o OUT.csv is required", NULL);
    if (!o->method)
        return stats_usage(o, "--method variance|correlation|univariate|mrmr|lasso is required", NULL);
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
    vx_outfile *of = NULL;
    FILE *f = rc == VX_OK ? vx_outfile_open(o->out, &of, &err) : NULL;
    if (rc == VX_OK && !f)
        rc = VX_EIO;
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
        if (!rank)
            rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
        free(rank);
        rc = stats_finish(of, rc, &err);
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
    {"--method", NULL, "variance|correlation|univariate|mrmr|lasso", "required", "the selection method", CLI_STR,
     SO(method), 0, 0, 0},
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
    "rank and select features: variance, correlation, univariate tests with BH, mRMR or LASSO",
    "DATA.csv --label COL --method variance|correlation|univariate|mrmr|lasso [--threshold T] [--k K]\n"
    "         [--alpha A] [--welch] [--miq] [--lambda-1se] [options] -o OUT.csv",
    "DATA.csv  one row per sample: an ID column, the label column, numeric feature columns",
    select_table,
    "Missing values are imputed with column medians for the selection; features constant over the samples are left out (a note counts them).",
    "voxomics select ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --join ../shared/stats/nsclc_radiogenomics/clinical_covariates.csv --label egfr-mut --missing drop --method univariate --alpha 0.05 -o selected.csv",
    STATS_EXITS,
    run_select};
