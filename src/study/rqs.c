/* voxomics: the Radiomics Quality Score section of the report.
 *
 * The items and points are those of the RQS (Lambin et al., Nat Rev Clin Oncol 2017; 16 items, -8 to 36 points).
 * RQS 2.0 (Lambin et al., Nat Rev Clin Oncol 2025) keeps that rigour and adds harmonisation, quality control,
 * fairness, explainability and the radiomics readiness levels; its full item list was not available to us, so
 * the score below uses the RQS 1.0 items and the RQS 2.0 themes are listed apart, unscored.
 *
 * Only what the study file (the settings each step ran with, in its JSON) and the results show is scored; every
 * other item is listed "for the authors to complete" with its range. The rules (docs/study.md, "The report"):
 *   1 image protocol: +1 when the features were extracted by voxomics (settings file and hash recorded) or an
 *     acquisition-parameter (batch) table is an input; the "public protocol" point is the authors';
 *   2 multiple segmentations: +1 when the reliability step (ICC over repeated segmentations) ran;
 *   5 feature reduction or multiple testing: +3 when the selection step ran, classification selected inside its
 *     folds, survival fitted a LASSO-Cox model or association reported q-values; -3 when a model (classification
 *     or survival) ran without any;
 *   6 multivariable with non-radiomics features: +1 when classification or survival used clinical covariates
 *     (or a clinical block);
 *   7 biological correlates: +1 when association, gsea or imaging_to_omics ran;
 *   8 cut-off analysis: +1 when survival split the cohort into risk groups;
 *   9 discrimination: +2 when classification ran (AUC with CI, cross-validated: resampling), else +1 when
 *     survival reports a C-index;
 *  10 calibration: +2 when classification reports calibration (computed on out-of-fold probabilities);
 *  12 validation: +3 for an external cohort, +2 for a held-out split of the same cohort, else -5 (cross-validation
 *     alone is resampling, item 9, not validation);
 *  16 open science: +1 for open code (voxomics is GPL and the study file, which reruns the analysis, is in the
 *     report); scans, segmentations and representative features are the authors'.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "study/report_impl.h"

typedef struct rqs_item {
    int no;
    const char *name;
    int min, max;
} rqs_item;

static const rqs_item ITEMS[16] = {
    {1, "Image protocol quality", 0, 2},
    {2, "Multiple segmentations", 0, 1},
    {3, "Phantom study on all scanners", 0, 1},
    {4, "Imaging at multiple time points", 0, 1},
    {5, "Feature reduction or adjustment for multiple testing", -3, 3},
    {6, "Multivariable analysis with non-radiomics features", 0, 1},
    {7, "Detect and discuss biological correlates", 0, 1},
    {8, "Cut-off analyses", 0, 1},
    {9, "Discrimination statistics", 0, 2},
    {10, "Calibration statistics", 0, 2},
    {11, "Prospective study registered in a trial database", 0, 7},
    {12, "Validation", -5, 5},
    {13, "Comparison to 'gold standard'", 0, 2},
    {14, "Potential clinical utility", 0, 2},
    {15, "Cost-effectiveness analysis", 0, 1},
    {16, "Open science and data", 0, 4},
};

/* One item's outcome: scored from the study (points, why) or left to the authors (scored 0). */
typedef struct rqs_res {
    int scored;
    int points;
    char why[320];
} rqs_res;

/* A key of a step's settings (its map in the study file, copied into its JSON by the runner). */
static const cJSON *setting(const vxs_report_data *d, const char *step, const char *key)
{
    return vxs_report_get(vxs_report_get(vxs_report_result(d, step), "settings"), key);
}

static int ran(const vxs_report_data *d, const char *step)
{
    return vxs_report_result(d, step) != NULL;
}

/* Whether key appears anywhere in o (objects and arrays, a few levels down): e.g. "calibration" of each model. */
static int has_key(const cJSON *o, const char *key, int depth)
{
    if (!o || depth > 4)
        return 0;
    for (const cJSON *c = o->child; c; c = c->next)
        if ((c->string && strcmp(c->string, key) == 0) || has_key(c, key, depth + 1))
            return 1;
    return 0;
}

static void set(rqs_res *r, int points, const char *why)
{
    r->scored = 1;
    r->points = points;
    snprintf(r->why, sizeof r->why, "%s", why);
}

static int has_role(const vxs_report_data *d, const char *role)
{
    const cJSON *in;
    cJSON_ArrayForEach(in, vxs_report_get(d->study, "inputs"))
    {
        const char *r = vxs_report_str(in, "role");
        if (r && strcmp(r, role) == 0)
            return 1;
    }
    return 0;
}

/* Item 6: non-radiomics (clinical) covariates in a model. */
static void score_covariates(const vxs_report_data *d, rqs_res *r)
{
    const cJSON *blocks = setting(d, "classification", "blocks");
    const cJSON *cc = vxs_report_get(vxs_report_result(d, "classification"), "clinical_covariates");
    if (setting(d, "classification", "clinical") || vxs_report_get(blocks, "clinical") || cJSON_GetArraySize(cc) > 0)
        set(&r[5], 1, "classification with clinical covariates");
    else if (setting(d, "survival", "clinical"))
        set(&r[5], 1, "multivariable Cox model with clinical covariates");
}

/* Items 1, 2, 5 and 6: protocol, segmentations, feature reduction, non-radiomics covariates. */
static void score_methods(const vxs_report_data *d, rqs_res *r)
{
    if (ran(d, "extraction"))
        set(&r[0], 1, "features extracted by voxomics with a recorded settings file and hash (+1); whether a "
                      "public acquisition protocol was used is for the authors (+1)");
    else if (has_role(d, "batch"))
        set(&r[0], 1, "acquisition parameters recorded per subject in the batch table (+1); a public protocol is "
                      "for the authors (+1)");
    if (ran(d, "reliability"))
        set(&r[1], 1, "ICC over repeated segmentations (reliability step)");
    const char *how = ran(d, "selection")                      ? "feature selection step"
                      : setting(d, "classification", "select") ? "selection inside the cross-validation folds"
                      : vxs_report_get(vxs_report_result(d, "survival"), "coxnet") ? "LASSO-Cox (penalised) risk score"
                      : ran(d, "association")                  ? "association q-values (multiple-testing adjusted)"
                                                               : NULL;
    if (how) {
        char w[200];
        snprintf(w, sizeof w, "%s (+3)", how);
        set(&r[4], 3, w);
    } else if (ran(d, "classification") || ran(d, "survival")) {
        set(&r[4], -3, "models without feature reduction or adjustment for multiple testing (-3)");
    }
    score_covariates(d, r);
}

/* Items 7 to 10: biological correlates, cut-off, discrimination, calibration. */
static void score_models(const vxs_report_data *d, rqs_res *r)
{
    if (ran(d, "association") || ran(d, "gsea") || ran(d, "imaging_to_omics"))
        set(&r[6], 1, "features related to omics data (association, gene-set enrichment or imaging-to-omics)");
    if (ran(d, "survival") && (setting(d, "survival", "split") || vxs_report_get(vxs_report_result(d, "survival"), "km")))
        set(&r[7], 1, "risk groups by a cut-off of the risk score (Kaplan-Meier of the split)");
    const cJSON *cls = vxs_report_result(d, "classification");
    if (cls)
        set(&r[8], 2, "AUC with confidence intervals and DeLong comparisons (+1), cross-validated (+1)");
    else if (has_key(vxs_report_result(d, "survival"), "c_index", 0))
        set(&r[8], 1, "C-index of the risk score (+1); a resampled estimate is for the authors (+1)");
    if (has_key(cls, "calibration", 0))
        set(&r[9], 2, "calibration intercept, slope and plot (+1) of the cross-validated probabilities (+1)");
}

/* Items 12 and 16: validation, open science. */
static void score_validation(const vxs_report_data *d, rqs_res *r)
{
    const cJSON *cls = vxs_report_result(d, "classification"), *surv = vxs_report_result(d, "survival");
    if (setting(d, "classification", "external") || vxs_report_get(cls, "external"))
        set(&r[11], 3, "external cohort (+3 when it comes from another institute; +4/+5 for two or three "
                       "institutes are for the authors to claim)");
    else if (setting(d, "classification", "holdout") || setting(d, "survival", "holdout") || vxs_report_get(cls, "holdout") ||
             vxs_report_get(surv, "holdout"))
        set(&r[11], 2, "held-out split of the same cohort (+2)");
    else if (cls || surv)
        set(&r[11], -5, "no held-out or external validation: cross-validation alone is resampling (item 9), not "
                        "validation (-5)");
    set(&r[15], 1, "open-source code: voxomics (GPL-3.0-or-later), its version and the study file (which reruns the "
                   "analysis) are in this report (+1); open scans, segmentations and representative features are "
                   "for the authors (+1 each)");
}

static void rqs_row(vxs_html *h, const rqs_item *it, const rqs_res *r)
{
    vxs_html_printf(h, "<tr><td>%d</td><td>", it->no);
    vxs_html_text(h, it->name);
    vxs_html_printf(h, "</td><td>%d to %d</td>", it->min, it->max);
    if (r->scored)
        vxs_html_printf(h, "<td class=\"%s\">%+d</td><td>", r->points > 0 ? "vx-rqs-yes" : "vx-rqs-no", r->points);
    else
        vxs_html_raw(h, "<td>&#8212;</td><td>for the authors to complete");
    vxs_html_text(h, r->why);
    vxs_html_raw(h, "</td></tr>\n");
}

/* The RQS 2.0 themes beyond RQS 1.0, with what this study shows of them (not scored). */
static void rqs2_themes(const vxs_report_data *d, vxs_html *h)
{
    const cJSON *cls = vxs_report_result(d, "classification");
    const char *shown[5][2] = {
        {"Harmonisation", ran(d, "harmonization") ? "ComBat harmonisation by batch (harmonization step)" : NULL},
        {"Quality control of features", ran(d, "reliability") ? "ICC filter of unreliable features" : NULL},
        {"Explainability", vxs_report_get(cls, "importance") ? "feature importance of the classifiers" : NULL},
        {"Fairness and bias across subgroups", NULL},
        {"Radiomics readiness level", NULL},
    };
    vxs_html_raw(h, "<h3>RQS 2.0 themes (not scored here)</h3>\n<ul>\n");
    for (int i = 0; i < 5; i++) {
        vxs_html_raw(h, "<li><strong>");
        vxs_html_text(h, shown[i][0]);
        vxs_html_raw(h, "</strong>: ");
        vxs_html_text(h, shown[i][1] ? shown[i][1] : "for the authors to complete");
        vxs_html_raw(h, "</li>\n");
    }
    vxs_html_raw(h, "</ul>\n");
}

int vxs_report_rqs(const vxs_report_data *d, vxs_html *h, vx_error *err)
{
    (void)err;
    rqs_res r[16];
    memset(r, 0, sizeof r);
    score_methods(d, r);
    score_models(d, r);
    score_validation(d, r);
    int total = 0, open = 0, nopen = 0;
    for (int i = 0; i < 16; i++) {
        total += r[i].points;
        int room = ITEMS[i].max - (r[i].scored ? r[i].points : 0);
        if (!r[i].scored || (r[i].points > 0 && room > 0)) {
            open += room;
            nopen++;
        }
    }
    vxs_html_printf(h, "<p>What this study file and its results show scores <strong>%d</strong> of the 36 points "
                       "of the Radiomics Quality Score (RQS, Lambin et al. 2017; range &#8722;8 to 36). %d items "
                       "(up to %d more points) are for the authors to complete: they depend on facts voxomics "
                       "cannot see. The items and points are RQS 1.0's; RQS 2.0 (Lambin et al. 2025) adds the "
                       "themes listed below.</p>\n",
                    total, nopen, open);
    vxs_html_raw(h, "<div class=\"vx-table-wrap\"><table class=\"vx-table vx-rqs\"><thead><tr><th>#</th><th>Item"
                    "</th><th>Points</th><th>Shown</th><th>Basis</th></tr></thead><tbody>\n");
    for (int i = 0; i < 16; i++)
        rqs_row(h, &ITEMS[i], &r[i]);
    vxs_html_raw(h, "</tbody></table></div>\n");
    rqs2_themes(d, h);
    return VX_OK;
}
