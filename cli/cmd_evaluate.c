/* voxomics evaluate: ROC evaluation of predictions: AUC with DeLong CI, paired test, bootstrap, threshold, calibration.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_common.h"
#include "voxomics/roc.h"
#include "voxomics/survival.h"

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

/* ---- survival: --time, --event, --score (the risk: higher, shorter survival) ------------------------------- */
typedef struct surv_eval {
    vx_table t;
    size_t n, m;
    double *risk, *time, *S; /* S: n x m survival probabilities (--surv-prob) or NULL */
    int *event;
    double at[MAX_LIST];
} surv_eval;

static void surv_eval_free(surv_eval *e)
{
    free(e->risk);
    free(e->time);
    free(e->S);
    free(e->event);
    vx_table_free(&e->t);
}

/* --surv-prob PREFIX: the column PREFIX<T> (T printed %g) of each --at time; -1 in pc when not wanted. */
static int surv_prob_cols(const sopts *o, const surv_eval *e, long *pc, vx_error *err)
{
    for (size_t k = 0; k < e->m; k++) {
        pc[k] = -1;
        if (!o->surv_prob)
            continue;
        char name[512];
        snprintf(name, sizeof name, "%s%g", o->surv_prob, e->at[k]);
        if ((pc[k] = vx_table_col(&e->t, name)) < 0)
            return vx_error_set(err, VX_EINVAL, "%s: no column '%s' (--surv-prob %s with --at %g)", o->data, name,
                                o->surv_prob, e->at[k]);
    }
    if (o->surv_prob && !e->m)
        return vx_error_set(err, VX_EINVAL, "--surv-prob %s needs --at T1,T2,... (its columns are %sT)", o->surv_prob,
                            o->surv_prob);
    return VX_OK;
}

/* The table, its time / event / score (and survival probability) columns, rows with missing values dropped
 * (--missing drop) or named. */
static int surv_load(const sopts *o, surv_eval *e, vx_error *err)
{
    memset(e, 0, sizeof *e);
    int rc = stats_times(o, e->at, MAX_LIST, &e->m, err);
    if (rc == VX_OK)
        rc = stats_load_table(o, &e->t, err);
    long tc = rc == VX_OK ? stats_need_col(o, &e->t, o->time, "time", err) : -1;
    long ec = tc >= 0 ? stats_need_col(o, &e->t, o->event, "event", err) : -1;
    long sc = ec >= 0 ? stats_need_col(o, &e->t, o->score, "score", err) : -1, pc[MAX_LIST];
    if (rc == VX_OK && sc < 0)
        rc = VX_EINVAL;
    if (rc == VX_OK)
        rc = surv_prob_cols(o, e, pc, err);
    size_t req[MAX_LIST + 3] = {(size_t)tc, (size_t)ec, (size_t)sc}, nreq = 3, dropped = 0;
    for (size_t k = 0; o->surv_prob && k < e->m; k++)
        req[nreq++] = (size_t)pc[k];
    char report[512] = "";
    vx_missing_policy pol = (vx_missing_policy)vx_missing_find(o->missing);
    if (rc == VX_OK)
        rc = vx_table_missing(&e->t, NULL, 0, req, nreq, pol == VX_MISSING_DROP ? pol : VX_MISSING_ERROR, &dropped,
                              report, sizeof report, err);
    if (rc == VX_OK && report[0])
        stats_note(o, "%s; rows dropped (--missing drop)", report);
    size_t n = e->n = e->t.nrow;
    e->risk = malloc((n + 1) * sizeof *e->risk);
    e->time = malloc((n + 1) * sizeof *e->time);
    e->event = malloc((n + 1) * sizeof *e->event);
    e->S = o->surv_prob ? malloc((n * e->m + 1) * sizeof *e->S) : NULL;
    if (rc == VX_OK && (!e->risk || !e->time || !e->event || (o->surv_prob && !e->S)))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        const double *r = e->t.num + i * e->t.ncol;
        e->risk[i] = r[sc];
        e->time[i] = r[tc];
        e->event[i] = r[ec] == 1;
        if (isnan(r[sc]) || (r[ec] != 0 && r[ec] != 1))
            rc = vx_error_set(err, VX_EINVAL, "%s: %s: the score must be a number and the event 1 or 0", o->data,
                              VX_TABLE_ID(&e->t, i));
        for (size_t k = 0; e->S && k < e->m; k++)
            e->S[i * e->m + k] = r[pc[k]];
    }
    return rc;
}

/* Harrell's C, Uno's C and the time-dependent AUC at the --at times. */
static int surv_discrimination(const surv_eval *e, cJSON *root, vx_error *err)
{
    double c, counts[4], uno, auc[MAX_LIST];
    int rc = vx_concordance(e->risk, e->time, e->event, NULL, e->n, &c, counts, err);
    if (rc == VX_OK) {
        cJSON_AddNumberToObject(root, "c_index", c);
        cJSON *k = cJSON_AddObjectToObject(root, "c_index_pairs");
        cJSON_AddNumberToObject(k, "concordant", counts[0]);
        cJSON_AddNumberToObject(k, "discordant", counts[1]);
        cJSON_AddNumberToObject(k, "tied_risk", counts[2]);
    }
    if (rc == VX_OK && (rc = vx_concordance_uno(e->risk, e->time, e->event, e->n, NAN, &uno, err)) == VX_OK)
        cJSON_AddNumberToObject(root, "c_index_uno", uno);
    if (rc == VX_OK && e->m && (rc = vx_td_auc(e->risk, e->time, e->event, e->n, e->at, e->m, auc, err)) == VX_OK)
        cJSON_AddItemToObject(root, "td_auc", stats_json_nums(auc, e->m));
    return rc;
}

/* Brier score at each --at time and the integrated Brier score over them, from the --surv-prob columns. */
static int surv_calibration(const surv_eval *e, cJSON *root, vx_error *err)
{
    double bs[MAX_LIST], ibs;
    int rc = vx_brier(e->S, e->time, e->event, e->n, e->at, e->m, bs, err);
    if (rc == VX_OK)
        cJSON_AddItemToObject(root, "brier", stats_json_nums(bs, e->m));
    if (rc == VX_OK && e->m >= 2 &&
        (rc = vx_brier_integrated(e->S, e->time, e->event, e->n, e->at, e->m, &ibs, err)) == VX_OK)
        cJSON_AddNumberToObject(root, "integrated_brier", ibs);
    return rc;
}

/* The median of the --score column of the training predictions (--cutoff-from; same --id / --join). */
static int cutoff_from_training(const sopts *o, double *cut, vx_error *err)
{
    sopts tr = *o;
    tr.data = o->cutoff_from;
    tr.where.n = 0;
    vx_table tt;
    memset(&tt, 0, sizeof tt);
    int rc = stats_load_table(&tr, &tt, err);
    long sc = rc == VX_OK ? stats_need_col(&tr, &tt, o->score, "score", err) : -1;
    double *v = sc >= 0 ? malloc((tt.nrow + 1) * sizeof *v) : NULL;
    if (rc == VX_OK && !v)
        rc = sc < 0 ? VX_EINVAL : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < tt.nrow; i++)
        v[i] = tt.num[i * tt.ncol + (size_t)sc];
    if (rc == VX_OK)
        rc = vx_impute_fit(v, tt.nrow, 1, cut, err); /* the median of the scores present */
    if (rc == VX_OK && isnan(*cut))
        rc = vx_error_set(err, VX_EINVAL, "%s: no score in column '%s' (--cutoff-from)", o->cutoff_from, o->score);
    free(v);
    vx_table_free(&tt);
    return rc;
}

static cJSON *group_json(const vx_risk_groups *g, int k, size_t m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "n", (double)g->n[k]);
    cJSON_AddNumberToObject(o, "events", (double)g->events[k]);
    if (isnan(g->median[k]))
        cJSON_AddNullToObject(o, "median");
    else
        cJSON_AddNumberToObject(o, "median", g->median[k]);
    cJSON_AddItemToObject(o, "surv", stats_json_nums(g->surv + (size_t)k * m, m));
    double nr[MAX_LIST];
    for (size_t j = 0; j < m; j++)
        nr[j] = (double)g->n_risk[(size_t)k * m + j];
    cJSON_AddItemToObject(o, "n_risk", stats_json_nums(nr, m));
    return o;
}

/* Risk groups at the cutoff (--cutoff, --cutoff-from, else the median score of these data): Kaplan-Meier per
 * group at the --at times, medians, log-rank. */
static int surv_groups(const sopts *o, const surv_eval *e, cJSON *root, vx_error *err)
{
    double cut = o->cutoff;
    const char *src = "given";
    int rc = VX_OK;
    if (isnan(cut) && o->cutoff_from) {
        rc = cutoff_from_training(o, &cut, err);
        src = "median of the training predictions";
    } else if (isnan(cut)) {
        rc = vx_impute_fit(e->risk, e->n, 1, &cut, err);
        src = "median of these data";
    }
    vx_risk_groups g;
    memset(&g, 0, sizeof g);
    if (rc == VX_OK)
        rc = vx_risk_groups_fit(e->risk, e->time, e->event, e->n, cut, e->at, e->m, &g, err);
    if (rc == VX_OK) {
        cJSON *r = cJSON_AddObjectToObject(root, "risk_groups");
        cJSON_AddNumberToObject(r, "cutoff", cut);
        cJSON_AddStringToObject(r, "cutoff_source", src);
        cJSON_AddItemToObject(r, "low", group_json(&g, 0, e->m));
        cJSON_AddItemToObject(r, "high", group_json(&g, 1, e->m));
        cJSON_AddNumberToObject(r, "logrank_chisq", g.chisq);
        cJSON_AddNumberToObject(r, "logrank_df", 1);
        cJSON_AddNumberToObject(r, "logrank_p", g.p);
    }
    vx_risk_groups_free(&g);
    return rc;
}

static int evaluate_surv(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (o->label || o->compare || o->prob || o->youden_from || o->bootstrap > 0)
        return stats_usage(o, "--time / --event evaluate risk scores: --label, --compare, --prob, --youden-from and "
                              "--bootstrap are for binary labels", NULL);
    if (!isnan(o->cutoff) && o->cutoff_from)
        return stats_usage(o, "give --cutoff or --cutoff-from, not both", NULL);
    surv_eval e;
    int rc = surv_load(o, &e, &err);
    cJSON *root = cJSON_CreateObject();
    size_t events = 0;
    for (size_t i = 0; rc == VX_OK && i < e.n; i++)
        events += (size_t)e.event[i];
    cJSON_AddNumberToObject(root, "n", (double)e.n);
    cJSON_AddNumberToObject(root, "events", (double)events);
    cJSON_AddItemToObject(root, "times", stats_json_nums(e.at, e.m));
    if (rc == VX_OK)
        rc = surv_discrimination(&e, root, &err);
    if (rc == VX_OK && e.S)
        rc = surv_calibration(&e, root, &err);
    if (rc == VX_OK)
        rc = surv_groups(o, &e, root, &err);
    cJSON *set = cJSON_AddObjectToObject(root, "settings");
    cJSON_AddStringToObject(set, "data", o->data ? o->data : "");
    cJSON_AddStringToObject(set, "time", o->time);
    cJSON_AddStringToObject(set, "event", o->event ? o->event : "");
    cJSON_AddStringToObject(set, "score", o->score ? o->score : "");
    cJSON_AddStringToObject(set, "surv_prob", o->surv_prob ? o->surv_prob : "");
    if (rc == VX_OK && stats_write_json(o, o->json, root))
        rc = VX_EIO, err.msg[0] = '\0';
    if (rc == VX_OK && stats_summary(o))
        printf("Harrell's C %.4f, %zu subjects, %zu events -> %s\n",
               cJSON_GetObjectItem(root, "c_index")->valuedouble, e.n, events, o->json);
    cJSON_Delete(root);
    surv_eval_free(&e);
    if (rc == VX_EIO && !err.msg[0])
        return 1;
    return rc == VX_OK ? 0 : stats_fail(o, &err);
}

static int cmd_evaluate(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->json)
        return stats_usage(o, "--json OUT.json is required", NULL);
    if (o->time || o->event)
        return evaluate_surv(o);
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
    OPT_JSON("the results: AUC, CI, threshold, sensitivity, specificity, DeLong test, Brier, calibration; "
             "survival: Harrell's and Uno's C, time-dependent AUC, Brier, risk groups"),
    {"--label", NULL, "COL", "required",
     "the binary outcome column (exactly two distinct values); survival: --time and --event instead", CLI_STR,
     SO(label), 0, 0, 0},
    OPT_POSITIVE,
    {"--score", NULL, "COL", "required", "the score column (higher: more likely positive; survival: the risk, "
     "higher = shorter survival)", CLI_STR, SO(score), 0, 0, 0},
    {"--time", NULL, "COL", NULL, "survival (instead of --label): the follow-up time column", CLI_STR, SO(time), 0,
     0, 0},
    {"--event", NULL, "COL", NULL, "survival: the event column (1 event, 0 censored)", CLI_STR, SO(event), 0, 0, 0},
    {"--at", NULL, "T1,T2,...", NULL,
     "survival: times of the time-dependent AUC, the Brier scores and the risk groups' survival", CLI_STR, SO(at),
     0, 0, 0},
    {"--surv-prob", NULL, "PREFIX", NULL,
     "survival: columns PREFIX<T> of predicted survival probabilities at each --at time (predict --at writes "
     "surv_<T>: give surv_): Brier scores and the integrated Brier score", CLI_STR, SO(surv_prob), 0, 0, 0},
    {"--cutoff", NULL, "VALUE", "the median score of these data (or --cutoff-from)",
     "survival: the risk cutoff of the high-risk group (score > VALUE)", CLI_NUM, SO(cutoff), 0, 0, 0},
    {"--cutoff-from", NULL, "TRAIN_PRED.csv", NULL,
     "survival: the cutoff is the median --score of these (training) predictions (read with --id and --join, "
     "not --where), fixed before looking at the test data", CLI_STR, SO(cutoff_from), 0, 0, 0},
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
    "ROC evaluation of predictions: AUC with DeLong CI, paired test, bootstrap, threshold, calibration; survival "
    "risk scores: C-index, time-dependent AUC, Brier, risk groups",
    "PRED.csv --label COL --score COL [--compare COL] [--prob COL] [--threshold T | --youden-from FILE]\n"
    "         [--bootstrap B --seed S] [options] --json OUT.json\n"
    "PRED.csv --time COL --event COL --score COL [--at T1,T2,...] [--surv-prob PREFIX]\n"
    "         [--cutoff VALUE | --cutoff-from TRAIN_PRED.csv] [options] --json OUT.json",
    "PRED.csv  predictions with the label (or the time and event): e.g. the output of voxomics predict",
    evaluate_table,
    "Survival (--time, --event): Harrell's C (survival::concordance), Uno's C, the time-dependent AUC and the "
    "Brier scores at the --at times, and the risk groups split at a cutoff fixed on the training data "
    "(--cutoff-from: the median training risk): Kaplan-Meier survival at the --at times, medians, log-rank test.",
    "voxomics train ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --join ../shared/stats/nsclc_radiogenomics/clinical_covariates.csv --label egfr-mut --missing drop --model logreg --C 0.1 -o model.json\n"
    "voxomics predict model.json ../shared/stats/nsclc_radiogenomics/captk_features.csv --id SubjectID --missing drop -o pred.csv\n"
    "voxomics evaluate pred.csv --id SubjectID --join ../shared/stats/nsclc_radiogenomics/clinical_covariates.csv --label egfr-mut --missing drop --score score --prob probability --bootstrap 200 --seed 1 --json eval.json",
    STATS_EXITS,
    run_evaluate};
