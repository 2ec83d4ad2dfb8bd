/* voxomics predict: apply a saved model to new data: score and probability per row.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_common.h"

/* A survival pipeline's predictions: ID, risk (the linear predictor), surv_T per --at time, and the time and
 * event columns when the data have them. */
static int predict_surv(const sopts *o, const vx_pipeline *pl, const vx_table *t, const double *X, vx_error *err)
{
    double at[MAX_LIST];
    size_t m = 0, n = t->nrow;
    int rc = stats_times(o, at, MAX_LIST, &m, err);
    double *lp = malloc((n + 1) * sizeof *lp), *S = malloc((n * m + 1) * sizeof *S);
    if (rc == VX_OK && (!lp || !S))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vx_pipeline_predict_surv(pl, X, n, NULL, at, m, lp, S, err);
    vx_outfile *of = NULL;
    FILE *f = rc == VX_OK ? vx_outfile_open(o->out, &of, err) : NULL;
    if (rc == VX_OK && !f)
        rc = VX_EIO;
    long oc[2] = {vx_table_col(t, vx_pipeline_surv_column(pl, 0)), vx_table_col(t, vx_pipeline_surv_column(pl, 1))};
    if (f) {
        vx_csv_field(f, t->colnames[t->id_col]);
        fputs(",risk", f);
        for (size_t k = 0; k < m; k++)
            fprintf(f, ",surv_%g", at[k]);
        for (int c = 0; c < 2; c++)
            if (oc[c] >= 0) {
                fputc(',', f);
                vx_csv_field(f, t->colnames[oc[c]]);
            }
        fputc('\n', f);
        for (size_t i = 0; i < n; i++) {
            vx_csv_field(f, VX_TABLE_ID(t, i));
            fprintf(f, ",%.17g", lp[i]);
            for (size_t k = 0; k < m; k++)
                fprintf(f, ",%.17g", S[i * m + k]);
            for (int c = 0; c < 2; c++)
                if (oc[c] >= 0) {
                    fputc(',', f);
                    vx_csv_field(f, t->cell[i * t->ncol + (size_t)oc[c]]);
                }
            fputc('\n', f);
        }
        rc = stats_finish(of, rc, err);
    }
    if (rc == VX_OK && stats_summary(o))
        printf("%zu risk scores%s -> %s\n", n, m ? " and survival probabilities" : "", o->out);
    free(lp);
    free(S);
    return rc;
}

/* A classifier's predictions: ID, score, probability (K > 2: predicted, probability_CLASS per class), and the
 * label when the data have it. */
static void write_classes(FILE *f, const vx_pipeline *pl, const vx_table *t, int K, size_t w, const double *score,
                          const double *prob)
{
    long lc = vx_table_col(t, vx_pipeline_label(pl, -1));
    vx_csv_field(f, t->colnames[t->id_col]);
    if (K > 2) { /* predicted class, then each class's normalised probability */
        fputs(",predicted", f);
        for (int k = 0; k < K; k++) {
            char col[512];
            snprintf(col, sizeof col, "probability_%s", vx_pipeline_class(pl, k));
            fputc(',', f);
            vx_csv_field(f, col);
        }
    } else
        fputs(",score,probability", f);
    if (lc >= 0) {
        fputc(',', f);
        vx_csv_field(f, vx_pipeline_label(pl, -1));
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->nrow; i++) {
        vx_csv_field(f, VX_TABLE_ID(t, i));
        if (K > 2) {
            size_t best = 0;
            for (size_t k = 1; k < w; k++)
                if (prob[i * w + k] > prob[i * w + best])
                    best = k;
            fputc(',', f);
            vx_csv_field(f, vx_pipeline_class(pl, (int)best));
            for (size_t k = 0; k < w; k++)
                fprintf(f, ",%.17g", prob[i * w + k]);
        } else
            fprintf(f, ",%.17g,%.17g", score[i], prob[i]);
        if (lc >= 0) {
            fputc(',', f);
            vx_csv_field(f, t->cell[i * t->ncol + (size_t)lc]);
        }
        fputc('\n', f);
    }
}

static int cmd_predict(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->model_file || !o->data)
        return stats_usage(o, "MODEL.json and DATA.csv are required", NULL);
    if (!o->out)
        return stats_usage(o, "-o PRED.csv is required", NULL);
    vx_pipeline *pl = NULL;
    vx_table t;
    memset(&t, 0, sizeof t);
    int rc = vx_pipeline_load(o->model_file, &pl, &err);
    if (rc == VX_OK)
        rc = stats_load_table(o, &t, &err);
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
        stats_note(o, "%s; %s", report,
                dropped ? "rows dropped" : "imputed with the training medians stored in the model");
    if (rc == VX_OK)
        rc = vx_table_matrix(&t, cols, p, &X, &err);
    int surv = rc == VX_OK && vx_pipeline_outcome(pl) == VX_OUTCOME_TIME_TO_EVENT;
    if (rc == VX_OK && !surv && o->at)
        rc = vx_error_set(&err, VX_EINVAL, "--at: %s is not a survival model (cox, coxnet)", o->model_file);
    if (surv) {
        rc = predict_surv(o, pl, &t, X, &err);
        free(X);
        free(cols);
        vx_table_free(&t);
        vx_pipeline_free(pl);
        return rc == VX_OK ? 0 : stats_fail(o, &err);
    }
    int K = rc == VX_OK ? vx_pipeline_nclasses(pl) : 2;
    size_t w = K > 2 ? (size_t)K : 1;
    double *score = malloc((t.nrow * w + 1) * sizeof *score), *prob = malloc((t.nrow * w + 1) * sizeof *prob);
    if (rc == VX_OK)
        rc = K > 2 ? vx_pipeline_predict_multi(pl, X, t.nrow, NULL, score, prob, &err)
                   : vx_pipeline_predict(pl, X, t.nrow, NULL, score, prob, &err);
    vx_outfile *of = NULL;
    FILE *f = rc == VX_OK ? vx_outfile_open(o->out, &of, &err) : NULL;
    if (rc == VX_OK && !f)
        rc = VX_EIO;
    if (f) {
        write_classes(f, pl, &t, K, w, score, prob);
        rc = stats_finish(of, rc, &err);
    }
    if (rc == VX_OK && stats_summary(o))
        printf("%zu predictions -> %s (probability of %s = '%s')\n", t.nrow, o->out, vx_pipeline_label(pl, -1),
               vx_pipeline_label(pl, 1));
    free(score);
    free(prob);
    free(X);
    free(cols);
    vx_table_free(&t);
    vx_pipeline_free(pl);
    return rc == VX_OK ? 0 : stats_fail(o, &err);
}

static const cli_opt predict_table[] = {
    OPT_OUT("PRED.csv", "one row per sample: ID, score, probability (and the label when the data have it); a "
                        "model of more than two classes: ID, predicted, probability_CLASS per class; a survival "
                        "model: ID, risk, surv_T per --at time (and the time and event when the data have them)"),
    {"--at", NULL, "T1,T2,...", NULL,
     "survival models: also the predicted survival probability at these times (columns surv_T1, ...; Breslow / "
     "Efron baseline hazard of the training rows, as R's survfit(coxph fit, newdata))", CLI_STR, SO(at), 0, 0, 0},
    OPT_ID, OPT_JOIN, OPT_WHERE,
    {"--missing", NULL, "error|drop|impute-median", "error",
     "empty or NA feature cells: stop and name them, drop those rows, or impute with the training medians stored "
     "in the model", CLI_STR, SO(missing), 0, 0, 0},
    CLI_QUIET(sopts),
    CLI_END};

static int run_predict(const cli_command *c, int argc, char **argv)
{
    sopts o;
    int r = stats_parse(c, argc, argv, &o);
    if (r)
        return r == CLI_DONE ? 0 : r;
    return cmd_predict(&o);
}

const cli_command cli_cmd_predict = {
    "predict",
    "apply a saved model to new data: score and probability per row (survival: risk and survival probabilities)",
    "MODEL.json DATA.csv [--at T1,T2,...] [options] -o PRED.csv",
    "MODEL.json  a model written by voxomics train\n"
    "DATA.csv    the samples, with the feature columns the model names",
    predict_table,
    "Probabilities of a one-vs-rest model (more than two classes) are each class model's probability divided by "
    "their sum over the classes (scikit-learn's OneVsRestClassifier); predicted is the most probable class. A "
    "survival model (train --time --event) gives the risk score (linear predictor: higher, shorter survival) and "
    "with --at the survival probability exp(-H0(T) exp(risk - c)) at each time T.",
    "voxomics train ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --join ../shared/stats/nsclc_radiogenomics/clinical_covariates.csv --label egfr-mut --missing drop --model logreg --C 0.1 -o model.json\n"
    "voxomics predict model.json ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --missing drop -o pred.csv",
    STATS_EXITS,
    run_predict};
