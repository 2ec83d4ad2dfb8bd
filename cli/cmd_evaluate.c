/* voxomics evaluate: ROC evaluation of predictions: AUC with DeLong CI, paired test, bootstrap, threshold, calibration.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_common.h"
#include "voxomics/roc.h"

/* Rows without a label or a score: --missing drop leaves them out (they can never be imputed), otherwise the
 * first such cell is named. */
static int drop_missing(const sopts *o, vx_table *t, long lc, long sc, long cc, long pc, vx_error *err)
{
    size_t req[4] = {(size_t)lc, (size_t)sc}, nreq = 2, dropped = 0;
    if (cc >= 0)
        req[nreq++] = (size_t)cc;
    if (pc >= 0)
        req[nreq++] = (size_t)pc;
    char report[512] = "";
    vx_missing_policy pol = (vx_missing_policy)vx_missing_find(o->missing);
    int rc = vx_table_missing(t, NULL, 0, req, nreq, pol == VX_MISSING_DROP ? pol : VX_MISSING_ERROR, &dropped,
                              report, sizeof report, err);
    if (rc == VX_OK && report[0])
        stats_note(o, "%s; rows dropped (--missing drop)", report);
    return rc;
}

/* Youden's threshold from the training predictions in --youden-from (same --id / --join / --label / --score). */
static int youden_from_training(const sopts *o, double *thr, vx_error *err)
{
    sopts tr = *o;
    tr.data = o->youden_from;
    tr.youden_from = NULL;
    vx_table tt;
    memset(&tt, 0, sizeof tt);
    int rc = stats_load_table(&tr, &tt, err);
    long tl = rc == VX_OK ? stats_need_col(&tr, &tt, o->label, "label", err) : -1;
    long ts = tl >= 0 ? stats_need_col(&tr, &tt, o->score, "score", err) : -1;
    if (rc == VX_OK && (tl < 0 || ts < 0))
        rc = VX_EINVAL;
    int *ty = rc == VX_OK ? malloc((tt.nrow + 1) * sizeof *ty) : NULL;
    double *tsc = rc == VX_OK ? malloc((tt.nrow + 1) * sizeof *tsc) : NULL;
    const char *tn[2];
    if (rc == VX_OK)
        rc = vx_table_binary_label(&tt, (size_t)tl, o->positive, ty, tn, err);
    for (size_t i = 0; rc == VX_OK && i < tt.nrow; i++)
        tsc[i] = tt.num[i * tt.ncol + (size_t)ts];
    if (rc == VX_OK)
        rc = vx_roc_youden(tsc, ty, tt.nrow, thr, err);
    free(ty);
    free(tsc);
    vx_table_free(&tt);
    return rc;
}

/* Brier score, log-loss and calibration of the --prob probabilities, added to root. */
static int add_calibration(const sopts *o, cJSON *root, const double *pr, const int *y, size_t n, vx_error *err)
{
    double brier, ci0, slope, ll;
    size_t nclip = 0;
    int rc;
    if ((rc = vx_roc_brier(pr, y, n, &brier, err)) == VX_OK &&
        (rc = vx_roc_log_loss(pr, y, n, &ll, &nclip, err)) == VX_OK &&
        (rc = vx_roc_calibration(pr, y, n, &ci0, &slope, err)) == VX_OK) {
        cJSON_AddNumberToObject(root, "brier", brier);
        cJSON_AddNumberToObject(root, "log_loss", ll);
        cJSON_AddNumberToObject(root, "calibration_intercept", ci0);
        cJSON_AddNumberToObject(root, "calibration_slope", slope);
        cJSON *set = cJSON_AddObjectToObject(root, "settings");
        cJSON_AddNumberToObject(set, "prob_clip_eps", VX_ROC_PROB_EPS);
        cJSON_AddNumberToObject(set, "probabilities_clipped", (double)nclip);
        if (nclip)
            stats_note(o, "%zu probabilities of exactly 0 or 1 (or within %g of them) clipped to [%g, 1 - %g] for "
                          "the log-loss and calibration",
                       nclip, VX_ROC_PROB_EPS, VX_ROC_PROB_EPS, VX_ROC_PROB_EPS);
    }
    return rc;
}

static int cmd_evaluate(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->json)
        return stats_usage(o, "--json OUT.json is required", NULL);
    vx_table t;
    if (stats_load_table(o, &t, &err) != VX_OK)
        return stats_fail(o, &err);
    long lc = stats_need_col(o, &t, o->label, "label", &err), sc = lc >= 0 ? stats_need_col(o, &t, o->score, "score", &err) : -1;
    long cc = o->compare && sc >= 0 ? stats_need_col(o, &t, o->compare, "compare", &err) : -1;
    long pc = o->prob && sc >= 0 ? stats_need_col(o, &t, o->prob, "prob", &err) : -1;
    int rc = lc < 0 || sc < 0 || (o->compare && cc < 0) || (o->prob && pc < 0) ? VX_EINVAL : VX_OK;
    if (rc == VX_OK)
        rc = drop_missing(o, &t, lc, sc, cc, pc, &err);
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
        cJSON_AddItemToObject(root, "auc_ci", stats_json_nums(roc.ci, 2));
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
        cJSON_AddItemToObject(root, "auc_bootstrap_ci", stats_json_nums(ci, 2));
        cJSON_AddNumberToObject(root, "bootstrap", o->bootstrap);
        cJSON_AddNumberToObject(root, "seed", (double)o->seed);
    }
    double thr = o->threshold, sens, spec;
    const char *thr_source = isnan(o->threshold) ? "youden (these data)" : "given";
    if (rc == VX_OK && isnan(thr) && o->youden_from) {
        rc = youden_from_training(o, &thr, &err);
        thr_source = "youden (training predictions)";
    } else if (rc == VX_OK && isnan(thr)) {
        rc = vx_roc_youden(s, y, n, &thr, &err);
    }
    if (rc == VX_OK && (rc = vx_roc_sens_spec(s, y, n, thr, &sens, &spec, &err)) == VX_OK) {
        cJSON_AddNumberToObject(root, "threshold", thr);
        cJSON_AddStringToObject(root, "threshold_source", thr_source);
        cJSON_AddNumberToObject(root, "sensitivity", sens);
        cJSON_AddNumberToObject(root, "specificity", spec);
    }
    if (rc == VX_OK && pc >= 0)
        rc = add_calibration(o, root, pr, y, n, &err);
    if (rc == VX_OK && stats_write_json(o, o->json, root))
        rc = VX_EIO, err.msg[0] = '\0';
    if (rc == VX_OK && stats_summary(o)) {
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
    return rc == VX_OK ? 0 : stats_fail(o, &err);
}

static const cli_opt evaluate_table[] = {
    OPT_JSON("the results: AUC, CI, threshold, sensitivity, specificity, DeLong test, Brier, calibration"),
    OPT_LABEL, OPT_POSITIVE,
    {"--score", NULL, "COL", "required", "the score column (higher: more likely positive)", CLI_STR, SO(score), 0,
     0, 0},
    {"--compare", NULL, "COL", NULL, "a second score column: paired DeLong test of the two AUCs", CLI_STR,
     SO(compare), 0, 0, 0},
    {"--prob", NULL, "COL", NULL, "a probability column: Brier score and calibration intercept and slope", CLI_STR,
     SO(prob), 0, 0, 0},
    OPT_THRESHOLD("Youden's optimum on these data (or on --youden-from)",
                  "the score threshold for sensitivity and specificity"),
    {"--youden-from", NULL, "TRAIN_PRED.csv", NULL,
     "take Youden's threshold from these (training) predictions, with the same --label and --score", CLI_STR,
     SO(youden_from), 0, 0, 0},
    {"--bootstrap", NULL, "B", "0: none", "stratified bootstrap replicates for a percentile CI of the AUC", CLI_INT,
     SO(bootstrap), 0, 2147483647.0, 0},
    OPT_SEED("0", "seed of the bootstrap"),
    OPT_ID, OPT_JOIN, OPT_WHERE,
    {"--missing", NULL, "error|drop", "error",
     "rows whose label or score is empty or NA: stop, or drop them (a label or score is never imputed)", CLI_STR,
     SO(missing), 0, 0, 0},
    CLI_QUIET(sopts),
    CLI_END};

static int run_evaluate(const cli_command *c, int argc, char **argv)
{
    sopts o;
    int r = stats_parse(c, argc, argv, &o);
    if (r)
        return r == CLI_DONE ? 0 : r;
    return cmd_evaluate(&o);
}

const cli_command cli_cmd_evaluate = {
    "evaluate",
    "ROC evaluation of predictions: AUC with DeLong CI, paired test, bootstrap, threshold, calibration",
    "PRED.csv --label COL --score COL [--compare COL] [--prob COL] [--threshold T | --youden-from FILE]\n"
    "         [--bootstrap B --seed S] [options] --json OUT.json",
    "PRED.csv  predictions with the label: e.g. the output of voxomics predict",
    evaluate_table,
    NULL,
    "voxomics train ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --join ../shared/stats/nsclc_radiogenomics/clinical_covariates.csv --label egfr-mut --missing drop --model logreg --C 0.1 -o model.json\n"
    "voxomics predict model.json ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --missing drop -o pred.csv\n"
    "voxomics evaluate pred.csv --id SubjectID --join ../shared/stats/nsclc_radiogenomics/clinical_covariates.csv --label egfr-mut --missing drop --score score --prob probability --bootstrap 200 --seed 1 --json eval.json",
    STATS_EXITS,
    run_evaluate};
