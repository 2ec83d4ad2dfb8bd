/* voxomics study, classification: the report section (read back from classification.json; nothing recomputed).
 * Every number shown goes through vxs_html_num with its dotted path in classification.json.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/plot.h"
#include "study/step_class.h"

#define JF "classification.json"

#define PC 256 /* room of a JSON path */

/* out = a.b (a "" gives b); b may be NULL (out = a). Paths longer than PC - 1 are cut (never in practice). */
static void jpath(char *out, const char *a, const char *b)
{
    size_t la = strlen(a), lb = b ? strlen(b) : 0, k = 0;
    for (size_t i = 0; i < la && k + 1 < PC; i++)
        out[k++] = a[i];
    if (la && lb && k + 1 < PC)
        out[k++] = '.';
    for (size_t i = 0; i < lb && k + 1 < PC; i++)
        out[k++] = b[i];
    out[k] = '\0';
}

/* out = a.idx */
static void jpath_i(char *out, const char *a, long idx)
{
    char d[24];
    (void)!snprintf(d, sizeof d, "%ld", idx);
    jpath(out, a, d);
}

static const cJSON *at(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItem(o, key);
}

/* A number of the object at JSON path `base` (its member key), shown with fmt. */
static void num(vxs_html *h, const char *base, const cJSON *o, const char *key, const char *fmt)
{
    char path[PC];
    jpath(path, base, key);
    vxs_html_num(h, JF, path, vxs_json_num(o, key), fmt);
}

/* Item idx of the array member key of o (at path base). */
static void num_item(vxs_html *h, const char *base, const cJSON *o, const char *key, int idx, const char *fmt)
{
    char path[PC], p2[PC];
    jpath(p2, base, key);
    jpath_i(path, p2, idx);
    const cJSON *v = cJSON_GetArrayItem(at(o, key), idx);
    vxs_html_num(h, JF, path, v && cJSON_IsNumber(v) ? v->valuedouble : NAN, fmt);
}

/* "auc (lo-hi)" of members auc / auc_ci (or the given names) of the object at base. */
static void auc_ci(vxs_html *h, const char *base, const cJSON *o, const char *auc, const char *ci)
{
    num(h, base, o, auc, "%.3f");
    vxs_html_raw(h, " (");
    for (int k = 0; k < 2; k++) {
        num_item(h, base, o, ci, k, "%.3f");
        vxs_html_raw(h, k ? ")" : "&ndash;");
    }
}

/* A series from the JSON arrays x, y of object c (arrays kept in *keep for freeing). */
static vx_plot_series series(const cJSON *c, const char *xk, const char *yk, double **keep)
{
    size_t nx = 0, ny = 0;
    keep[0] = vxs_json_doubles(c, xk, &nx);
    keep[1] = vxs_json_doubles(c, yk, &ny);
    vx_plot_series s;
    memset(&s, 0, sizeof s);
    s.x = keep[0];
    s.y = keep[1];
    s.n = nx < ny ? nx : ny;
    s.color = -1;
    return s;
}

/* Per-fold ROC curves (thin), the mean with its band, of the CV object m at path base. */
static void roc_plot(vxs_html *h, const cJSON *m, int index)
{
    const cJSON *folds = at(m, "roc_folds"), *mean = at(m, "roc_mean"), *c;
    size_t nf = (size_t)cJSON_GetArraySize(folds), k = 0;
    vx_plot_series *s = calloc(nf + 1, sizeof *s);
    double **keep = calloc(2 * nf + 4, sizeof *keep);
    if (!s || !keep) {
        free(s);
        free(keep);
        return;
    }
    cJSON_ArrayForEach(c, folds)
    {
        s[k] = series(c, "fpr", "tpr", keep + 2 * k);
        s[k].color = 0;
        s[k].opacity = 0.35;
        s[k].width = 1;
        s[k].label = k == 0 ? "folds" : NULL;
        k++;
    }
    s[nf] = series(mean, "fpr", "tpr", keep + 2 * nf);
    size_t nb = 0;
    keep[2 * nf + 2] = vxs_json_doubles(mean, "lo", &nb);
    keep[2 * nf + 3] = vxs_json_doubles(mean, "hi", &nb);
    s[nf].lo = keep[2 * nf + 2];
    s[nf].hi = keep[2 * nf + 3];
    s[nf].color = 1;
    s[nf].label = "mean (95% band)";
    char note[128], title[128], name[64], cap[256];
    const cJSON *ci = at(m, "auc_mean_ci");
    (void)!snprintf(note, sizeof note, "mean AUC %.3f (%.3f-%.3f)", vxs_json_num(m, "auc_mean"),
             cJSON_GetArrayItem(ci, 0) ? cJSON_GetArrayItem(ci, 0)->valuedouble : NAN,
             cJSON_GetArrayItem(ci, 1) ? cJSON_GetArrayItem(ci, 1)->valuedouble : NAN);
    const char *mn = cJSON_GetStringValue(at(m, "name"));
    (void)!snprintf(title, sizeof title, "ROC, cross-validation: %s", mn ? mn : "?");
    vx_plot_axes ax = {.title = title, .xlabel = "1 - specificity (FPR)", .ylabel = "sensitivity (TPR)",
                       .xmin = 0, .xmax = 1, .ymin = 0, .ymax = 1, .diagonal = 1, .note = note};
    vx_error err;
    (void)!snprintf(name, sizeof name, "classification_roc_%d", index);
    (void)!snprintf(cap, sizeof cap, "%s: ROC curve of each held-out fold and their vertical average on an FPR grid with "
             "the band mean +/- 1.96 SD / sqrt(folds).", mn ? mn : "?");
    vxs_html_plot(h, name, vx_plot_lines(&ax, s, nf + 1, &err), cap);
    for (size_t i = 0; i < 2 * nf + 4; i++)
        free(keep[i]);
    free(keep);
    free(s);
}

static void table_open(vxs_html *h, const char *const *head, size_t n)
{
    vxs_html_raw(h, "<table class=\"vx-table\"><thead><tr>");
    for (size_t k = 0; k < n; k++) {
        vxs_html_raw(h, "<th>");
        vxs_html_text(h, head[k]);
        vxs_html_raw(h, "</th>");
    }
    vxs_html_raw(h, "</tr></thead><tbody>");
}

static void cell_text(vxs_html *h, const char *s)
{
    vxs_html_raw(h, "<td>");
    vxs_html_text(h, s ? s : "");
    vxs_html_raw(h, "</td>");
}

/* The cells AUC (DeLong CI), Brier, calibration intercept and slope of the evaluation object e at path base. */
static void eval_cells(vxs_html *h, const cJSON *e, const char *base)
{
    char cb[PC];
    jpath(cb, base, "calibration");
    vxs_html_raw(h, "<td>");
    auc_ci(h, base, e, "auc", "auc_ci");
    vxs_html_raw(h, "</td><td>");
    num(h, base, e, "brier", "%.3f");
    vxs_html_raw(h, "</td><td>");
    num(h, cb, at(e, "calibration"), "intercept", "%.2f");
    vxs_html_raw(h, "</td><td>");
    num(h, cb, at(e, "calibration"), "slope", "%.2f");
    vxs_html_raw(h, "</td></tr>");
}

/* One row of the models table: CV mean (CI), SD, then the pooled out-of-fold evaluation. */
static void model_row(vxs_html *h, const cJSON *m, const char *base)
{
    char pb[PC];
    jpath(pb, base, "pooled");
    vxs_html_raw(h, "<tr>");
    cell_text(h, cJSON_GetStringValue(at(m, "name")));
    vxs_html_raw(h, "<td>");
    auc_ci(h, base, m, "auc_mean", "auc_mean_ci");
    vxs_html_raw(h, "</td><td>");
    num(h, base, m, "auc_sd", "%.3f");
    vxs_html_raw(h, "</td>");
    eval_cells(h, at(m, "pooled"), pb);
}

static void models_table(vxs_html *h, const cJSON *models, const char *base)
{
    static const char *const head[] = {"model", "mean fold AUC (95% CI)", "SD", "pooled out-of-fold AUC (DeLong CI)",
                                       "Brier", "calibration intercept", "calibration slope"};
    table_open(h, head, 7);
    char b[PC];
    int i = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, models)
    {
        jpath_i(b, base, i++);
        model_row(h, m, b);
    }
    vxs_html_raw(h, "</tbody></table>");
}

static void delong_table(vxs_html *h, const cJSON *dl, const char *base)
{
    if (cJSON_GetArraySize(dl) == 0)
        return;
    static const char *const head[] = {"model A", "model B", "AUC A", "AUC B", "z", "p (paired DeLong)"};
    table_open(h, head, 6);
    char b[PC];
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, dl)
    {
        jpath_i(b, base, i++);
        vxs_html_raw(h, "<tr>");
        cell_text(h, cJSON_GetStringValue(at(e, "a")));
        cell_text(h, cJSON_GetStringValue(at(e, "b")));
        static const char *const keys[] = {"auc_a", "auc_b", "z", "p"};
        for (int k = 0; k < 4; k++) {
            vxs_html_raw(h, "<td>");
            num(h, b, e, keys[k], k == 3 ? "%.3g" : k == 2 ? "%.2f" : "%.3f");
            vxs_html_raw(h, "</td>");
        }
        vxs_html_raw(h, "</tr>");
    }
    vxs_html_raw(h, "</tbody></table>");
}

/* Reliability curve (deciles with Clopper-Pearson intervals) and the diagonal, of the evaluation object e. */
static void calibration_plot(vxs_html *h, const cJSON *e, const char *what, const char *name)
{
    const cJSON *cal = at(e, "calibration"), *bins = at(cal, "bins");
    double *keep[4] = {0};
    vx_plot_series s = series(bins, "mean_pred", "observed", keep);
    size_t n = 0;
    keep[2] = vxs_json_doubles(bins, "lo", &n);
    keep[3] = vxs_json_doubles(bins, "hi", &n);
    s.err_lo = keep[2];
    s.err_hi = keep[3];
    s.style = VX_PLOT_POINTS;
    s.label = "deciles (95% binomial CI)";
    char note[160], title[160], cap[256];
    (void)!snprintf(note, sizeof note, "intercept %.2f, slope %.2f, Brier %.3f", vxs_json_num(cal, "intercept"),
             vxs_json_num(cal, "slope"), vxs_json_num(e, "brier"));
    (void)!snprintf(title, sizeof title, "Calibration: %s", what);
    vx_plot_axes ax = {.title = title, .xlabel = "mean predicted probability", .ylabel = "observed fraction",
                       .xmin = 0, .xmax = 1, .ymin = 0, .ymax = 1, .diagonal = 1, .note = note};
    (void)!snprintf(cap, sizeof cap, "Calibration of %s: observed fraction of positives against the mean predicted "
             "probability in deciles of the prediction, with exact binomial 95%% intervals; the dashed line is "
             "perfect calibration.", what);
    vx_error err;
    vxs_html_plot(h, name, vx_plot_lines(&ax, &s, 1, &err), cap);
    for (int k = 0; k < 4; k++)
        free(keep[k]);
}

static void importance_plot(vxs_html *h, const cJSON *imp, const char *key, const char *title, const char *name,
                            const char *cap)
{
    const cJSON *o = at(imp, key);
    if (!o)
        return;
    size_t n = 0;
    double *v = vxs_json_doubles(o, "values", &n);
    const cJSON *f = at(o, "features");
    const char **labels = calloc(n + 1, sizeof *labels);
    for (size_t k = 0; labels && k < n; k++)
        labels[k] = cJSON_GetStringValue(cJSON_GetArrayItem(f, (int)k));
    if (n && labels && v) {
        vx_plot_axes ax = {.title = title, .xlabel = key[0] == 's' ? "fraction of CV folds" : "coefficient"};
        vx_error err;
        vxs_html_plot(h, name, vx_plot_bars(&ax, labels, v, n, &err), cap);
    }
    free(labels);
    free(v);
}

/* ROC curves of every model of an evaluation (holdout / external) with a table of the numbers. */
static void eval_block(vxs_html *h, const cJSON *ev, const char *base, const char *what, const char *name)
{
    const cJSON *models = at(ev, "models"), *m;
    size_t nm = (size_t)cJSON_GetArraySize(models), k = 0;
    vx_plot_series *s = calloc(nm + 1, sizeof *s);
    double **keep = calloc(2 * nm + 2, sizeof *keep);
    static const char *const head[] = {"model", "n", "AUC (DeLong 95% CI)", "Brier", "calibration intercept",
                                       "calibration slope"};
    table_open(h, head, 6);
    char b[PC], cb[PC];
    cJSON_ArrayForEach(m, models)
    {
        if (s && keep) {
            s[k] = series(at(m, "roc"), "fpr", "tpr", keep + 2 * k);
            s[k].label = cJSON_GetStringValue(at(m, "name"));
        }
        jpath(cb, base, "models");
        jpath_i(b, cb, (long)k++);
        vxs_html_raw(h, "<tr>");
        cell_text(h, cJSON_GetStringValue(at(m, "name")));
        vxs_html_raw(h, "<td>");
        num(h, b, m, "n", "%.0f");
        vxs_html_raw(h, "</td>");
        eval_cells(h, m, b);
    }
    vxs_html_raw(h, "</tbody></table>");
    char title[128], cap[256];
    (void)!snprintf(title, sizeof title, "ROC, %s", what);
    (void)!snprintf(cap, sizeof cap, "ROC curves on the %s of the models fitted on the development rows.", what);
    vx_plot_axes ax = {.title = title, .xlabel = "1 - specificity (FPR)", .ylabel = "sensitivity (TPR)",
                       .xmin = 0, .xmax = 1, .ymin = 0, .ymax = 1, .diagonal = 1};
    vx_error err;
    if (s && keep && nm)
        vxs_html_plot(h, name, vx_plot_lines(&ax, s, nm, &err), cap);
    for (size_t i = 0; keep && i < 2 * nm + 2; i++)
        free(keep[i]);
    free(keep);
    free(s);
}

static void fusion_block(vxs_html *h, const cJSON *fu)
{
    static const char *const head[] = {"block", "features", "mean fold AUC", "SD", "pooled AUC"};
    vxs_html_raw(h, "<h3>Multimodal blocks</h3><p>");
    vxs_html_text(h, cJSON_GetStringValue(at(fu, "kind")));
    vxs_html_raw(h, " fusion, model ");
    vxs_html_text(h, cJSON_GetStringValue(at(fu, "model")));
    vxs_html_raw(h, ".</p>");
    table_open(h, head, 5);
    char b[PC];
    const cJSON *bl = at(fu, "blocks"), *e;
    int i = 0, nb = cJSON_GetArraySize(bl);
    for (i = 0; i <= nb; i++) {
        e = i < nb ? cJSON_GetArrayItem(bl, i) : at(fu, "fused");
        if (i < nb)
            jpath_i(b, "fusion.blocks", i);
        else
            jpath(b, "fusion.fused", NULL);
        vxs_html_raw(h, "<tr>");
        cell_text(h, cJSON_GetStringValue(at(e, "name")));
        static const char *const keys[] = {"features", "auc_mean", "auc_sd"};
        for (int k = 0; k < 3; k++) {
            vxs_html_raw(h, "<td>");
            num(h, b, e, keys[k], k ? "%.3f" : "%.0f");
            vxs_html_raw(h, "</td>");
        }
        vxs_html_raw(h, "<td>");
        num_item(h, b, e, "auc_pooled", 0, "%.3f");
        vxs_html_raw(h, "</td></tr>");
    }
    vxs_html_raw(h, "</tbody></table>");
    delong_table(h, at(fu, "delong"), "fusion.delong");
}

static void summary(vxs_html *h, const cJSON *r)
{
    const cJSON *d = at(r, "data");
    vxs_html_raw(h, "<p>Outcome <code>");
    vxs_html_text(h, cJSON_GetStringValue(at(d, "label")));
    vxs_html_raw(h, "</code> (positive: <code>");
    vxs_html_text(h, cJSON_GetStringValue(at(d, "positive")));
    vxs_html_raw(h, "</code>): ");
    num(h, "data", d, "n", "%.0f");
    vxs_html_raw(h, " subjects (");
    num(h, "data", d, "n_pos", "%.0f");
    vxs_html_raw(h, " positive, ");
    num(h, "data", d, "n_neg", "%.0f");
    vxs_html_raw(h, " negative; ");
    num(h, "data", d, "n_label_missing", "%.0f");
    vxs_html_raw(h, " without a label left out), ");
    num(h, "data", d, "n_features", "%.0f");
    vxs_html_raw(h, " features. Cross-validation on ");
    num(h, "data", d, "n_development", "%.0f");
    vxs_html_raw(h, " development subjects: ");
    num(h, "data", d, "folds", "%.0f");
    vxs_html_raw(h, " stratified folds x ");
    num(h, "data", d, "repeats", "%.0f");
    vxs_html_raw(h, " repeats, selection <code>");
    vxs_html_text(h, cJSON_GetStringValue(at(d, "select")));
    vxs_html_raw(h, "</code> inside the folds, missing feature values imputed with the training medians of each "
                    "fold. Best model by mean fold AUC: <b>");
    vxs_html_text(h, cJSON_GetStringValue(at(r, "best_model")));
    vxs_html_raw(h, "</b>.</p>");
}

int vxc_section(const cJSON *r, const cJSON *study, vxs_html *h, vx_error *err)
{
    (void)study;
    (void)err;
    const cJSON *models = at(r, "models");
    if (!models || cJSON_GetArraySize(models) == 0)
        return VX_OK; /* nothing to show */
    summary(h, r);
    models_table(h, models, "models");
    delong_table(h, at(r, "delong"), "delong");
    int best = (int)vxs_json_num(r, "best_index"), i = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, models)
        roc_plot(h, m, i++);
    const cJSON *bm = cJSON_GetArrayItem(models, best >= 0 ? best : 0);
    char what[160];
    (void)!snprintf(what, sizeof what, "%s, pooled out-of-fold probabilities", cJSON_GetStringValue(at(bm, "name")));
    calibration_plot(h, at(bm, "pooled"), what, "classification_calibration");
    const cJSON *imp = at(r, "importance");
    importance_plot(h, imp, "selection_frequency", "Selection frequency over the CV folds",
                    "classification_selection", "Fraction of the cross-validation folds whose pipeline kept each "
                    "feature (best model, top 15).");
    importance_plot(h, imp, "coefficients", "Standardised coefficients", "classification_coefficients",
                    "Coefficients of the best model fitted on every development subject (log-odds per SD, top 15 by "
                    "magnitude).");
    const cJSON *ho = at(r, "holdout"), *ex = at(r, "external"), *cl = at(r, "clinical"), *fu = at(r, "fusion");
    if (ho) {
        vxs_html_raw(h, "<h3>Held-out split</h3><p>Fitted on ");
        num(h, "holdout", ho, "n_train", "%.0f");
        vxs_html_raw(h, " subjects, evaluated once on ");
        num(h, "holdout", ho, "n_test", "%.0f");
        vxs_html_raw(h, " held-out subjects.</p>");
        eval_block(h, ho, "holdout", "held-out subjects", "classification_holdout_roc");
        const cJSON *hb = cJSON_GetArrayItem(at(ho, "models"), best >= 0 ? best : 0);
        (void)!snprintf(what, sizeof what, "%s, held-out subjects", cJSON_GetStringValue(at(hb, "name")));
        calibration_plot(h, hb, what, "classification_holdout_calibration");
    }
    if (ex) {
        vxs_html_raw(h, "<h3>External validation</h3><p>");
        num(h, "external", ex, "n", "%.0f");
        vxs_html_raw(h, " subjects of the external cohort.</p>");
        eval_block(h, ex, "external", "external cohort", "classification_external_roc");
    }
    if (cl) {
        vxs_html_raw(h, "<h3>Clinical covariates</h3>");
        models_table(h, at(cl, "models"), "clinical.models");
        delong_table(h, at(cl, "delong"), "clinical.delong");
    }
    if (fu)
        fusion_block(h, fu);
    return VX_OK;
}
