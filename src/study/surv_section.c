/* voxomics study: the report section of the survival step, from survival.json: forest plots of the univariate
 * and multivariable Cox models, the LASSO-Cox coefficients, the Kaplan-Meier curves of the risk split.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/runner.h"
#include "study/survomics.h"
#include "voxomics/plot.h"

#define SJ "survival.json"

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = get(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* a forest plot of the first n rows (name, hr, hr_lower, hr_upper, p) of an array */
static void forest(vxs_html *h, const cJSON *rows, size_t n, const char *title, const char *name, const char *cap)
{
    const char **lab = malloc((n + 1) * sizeof *lab);
    double *v = malloc((4 * n + 1) * sizeof *v);
    if (!lab || !v) {
        free(lab), free(v);
        vxs_html_plot(h, name, NULL, cap);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const cJSON *r = cJSON_GetArrayItem(rows, (int)i);
        lab[i] = cJSON_GetStringValue(get(r, "name"));
        v[i] = num(r, "hr"), v[n + i] = num(r, "hr_lower"), v[2 * n + i] = num(r, "hr_upper"), v[3 * n + i] = num(r, "p");
    }
    vx_plot_axes ax = {0};
    ax.title = title, ax.xlabel = "hazard ratio (95% CI, log scale)", ax.vline = 1, ax.vline_on = 1;
    ax.height = (int)(120 + 22 * n);
    vx_error e = {0};
    vxs_html_plot(h, name, vx_plot_forest(&ax, lab, v, v + n, v + 2 * n, v + 3 * n, n, 1, &e), cap);
    free(lab), free(v);
}

/* a table of HR rows: name, [n], HR, CI, p, [q] */
static void hr_table(vxs_html *h, const cJSON *rows, size_t n, const char *base, int uni)
{
    static const char *const hu[] = {"feature", "n", "HR per SD", "95% CI", "p", "q (BH)"};
    static const char *const hm[] = {"covariate", "scale", "HR", "95% CI", "p"};
    vxs_html_thead(h, uni ? hu : hm, uni ? 6 : 5);
    char path[256];
    for (size_t i = 0; i < n; i++) {
        const cJSON *r = cJSON_GetArrayItem(rows, (int)i);
        vxs_html_raw(h, "<tr>");
        vxs_html_textcell(h, cJSON_GetStringValue(get(r, "name")));
#define CELL(key, fmt)                                                                                              \
    (snprintf(path, sizeof path, "%s.%zu.%s", base, i, key), vxs_html_numcell(h, SJ, path, num(r, key), fmt))
        if (uni)
            CELL("n", "%.0f");
        else
            vxs_html_textcell(h, cJSON_GetStringValue(get(r, "scale")));
        CELL("hr", "%.3f");
        vxs_html_raw(h, "<td class=\"num\">");
        snprintf(path, sizeof path, "%s.%zu.hr_lower", base, i);
        vxs_html_num(h, SJ, path, num(r, "hr_lower"), "%.3f");
        vxs_html_raw(h, " to ");
        snprintf(path, sizeof path, "%s.%zu.hr_upper", base, i);
        vxs_html_num(h, SJ, path, num(r, "hr_upper"), "%.3f");
        vxs_html_raw(h, "</td>");
        CELL("p", "%.3g");
        if (uni)
            CELL("q", "%.3g");
#undef CELL
        vxs_html_raw(h, "</tr>");
    }
    vxs_html_raw(h, "</tbody></table>");
}

static void multivariable_part(vxs_html *h, const cJSON *res)
{
    const cJSON *m = get(res, "multivariable"), *cov = get(m, "covariates");
    vxs_html_raw(h, "<h3>Multivariable Cox model</h3><p>");
    if (!cJSON_IsArray(cov)) {
        vxs_html_text(h, "Not fitted: ");
        vxs_html_text(h, cJSON_GetStringValue(get(m, "error")));
        vxs_html_raw(h, "</p>");
        return;
    }
    vxs_html_text(h, cJSON_GetArraySize(get(m, "clinical")) ? "Clinical covariates (per unit) and the features (per SD)"
                                                             : "The features (per SD), no clinical covariate");
    vxs_html_say(h, SJ, res,
                 ", on the {multivariable.n} complete cases ({multivariable.events} events); concordance "
                 "{multivariable.concordance|%.3f}, likelihood-ratio test chi-square {multivariable.lr.chisq|%.2f} on "
                 "{multivariable.lr.df} df, p = {multivariable.lr.p|%.3g}.");
    const char *w = cJSON_GetStringValue(get(m, "warning"));
    if (w && *w)
        vxs_html_raw(h, " Warning: "), vxs_html_text(h, w);
    vxs_html_raw(h, "</p>");
    const size_t n = (size_t)cJSON_GetArraySize(cov);
    forest(h, cov, n, "Multivariable Cox model", "survival_forest_multivariable",
           "Hazard ratios of the multivariable Cox model (Efron ties) with 95% confidence intervals");
    hr_table(h, cov, n, "multivariable.covariates", 0);
}

static void coxnet_part(vxs_html *h, const cJSON *res)
{
    const cJSON *nz = get(get(res, "coxnet"), "nonzero");
    vxs_html_say(h, SJ, res,
                 "<h3>LASSO-Cox risk score</h3><p>Penalised Cox model (alpha {coxnet.alpha|%g}) on {coxnet.n_train} "
                 "training subjects, lambda.min = {coxnet.lambda_min|%.4g} by {coxnet.folds}-fold cross-validation "
                 "(partial-likelihood deviance {coxnet.cvm_min|%.3f}); {coxnet.n_nonzero} non-zero coefficients at "
                 "lambda.min (per SD of the feature).</p>");
    const size_t n = (size_t)cJSON_GetArraySize(nz);
    if (!n)
        return;
    static const vxs_col_spec cols[] = {{"feature", "name", NULL}, {"coefficient", "coef", "%.4f"},
                                        {"HR per SD", "hr", "%.3f"}};
    vxs_html_rows(h, SJ, "coxnet.nonzero", nz, n, cols, 3);
}

/* one group's step curve from (0, 1) into series s (its arrays in *mem, freed by the caller) */
static int km_series(const cJSON *g, int k, vx_plot_series *s, double **mem, unsigned char **marks)
{
    const cJSON *c = get(g, "curve");
    size_t m = 0, m1, m2, m3, m4;
    double *v[5] = {vxs_json_doubles(c, "time", &m), vxs_json_doubles(c, "surv", &m1),
                    vxs_json_doubles(c, "lower", &m2), vxs_json_doubles(c, "upper", &m3),
                    vxs_json_doubles(c, "n_censor", &m4)};
    *mem = malloc((4 * (m + 1) + 1) * sizeof **mem), *marks = malloc(m + 2);
    const int ok = *mem && *marks && v[0] && v[1] && v[2] && v[3] && v[4] && m1 == m && m2 == m && m3 == m && m4 == m;
    for (size_t i = 0; ok && i <= m; i++) {
        for (int a = 0; a < 4; a++)
            (*mem)[a * (m + 1) + i] = i ? v[a][i - 1] : a ? 1 : 0;
        (*marks)[i] = i && v[4][i - 1] > 0;
    }
    for (int a = 0; a < 5; a++)
        free(v[a]);
    if (!ok)
        return 0;
    s->label = cJSON_GetStringValue(get(g, "name")), s->color = k, s->style = VX_PLOT_STEP;
    s->x = *mem, s->y = *mem + (m + 1), s->lo = *mem + 2 * (m + 1), s->hi = *mem + 3 * (m + 1), s->n = m + 1;
    s->marks = *marks;
    return 1;
}

static void km_plot(vxs_html *h, const cJSON *km, const char *time_col)
{
    vx_plot_series s[2] = {{0}};
    double *mem[2] = {0}, *risk = NULL, *ticks;
    unsigned char *marks[2] = {0};
    size_t nt = 0, ns = 0, nr;
    ticks = vxs_json_doubles(km, "ticks", &nt);
    risk = malloc((2 * nt + 1) * sizeof *risk);
    for (int k = 0; risk && ticks && k < 2; k++) {
        const cJSON *g = cJSON_GetArrayItem(get(km, "groups"), k);
        double *r = vxs_json_doubles(g, "n_risk_ticks", &nr);
        if (r && nr == nt && km_series(g, k, &s[ns], &mem[ns], &marks[ns]))
            memcpy(risk + ns++ * nt, r, nt * sizeof *r);
        free(r);
    }
    char note[96], xl[96];
    const double lp = vxs_json_num(km, "logrank.p");
    if (isfinite(lp))
        snprintf(note, sizeof note, "log-rank p = %.3g", lp);
    else
        snprintf(note, sizeof note, "one risk group: no log-rank test");
    snprintf(xl, sizeof xl, "time (%s)", time_col ? time_col : "outcome.time");
    vx_plot_axes ax = {0};
    ax.title = "Kaplan-Meier curves of the LASSO-Cox risk groups", ax.xlabel = xl, ax.ylabel = "survival";
    ax.ymin = 0, ax.ymax = 1, ax.note = note;
    vx_error e = {0};
    vxs_html_plot(h, "survival_km", ns ? vx_plot_km(&ax, s, ns, ticks, nt, risk, &e) : NULL,
                  "Kaplan-Meier survival of the low- and high-risk groups (median of the training risk) with 95% "
                  "confidence bands (Greenwood, log), censoring marks and numbers at risk");
    for (size_t k = 0; k < 2; k++)
        free(mem[k]), free(marks[k]);
    free(risk), free(ticks);
}

/* survival, CI and numbers at risk of each group at the `at` times */
static void km_at_table(vxs_html *h, const cJSON *km)
{
    size_t nat = 0;
    double *at = vxs_json_doubles(km, "at", &nat);
    static const char *const hd[] = {"group", "n", "events", "time", "survival", "95% CI", "at risk"};
    if (!nat) {
        free(at);
        return;
    }
    vxs_html_thead(h, hd, 7);
    char p[128];
    for (int k = 0; k < 2; k++) {
        const cJSON *g = cJSON_GetArrayItem(get(km, "groups"), k);
        if (!get(g, "surv_at")) /* an empty group (everyone in the other one): no curve, no row */
            continue;
        for (size_t j = 0; j < nat; j++) {
            vxs_html_raw(h, "<tr>");
            vxs_html_textcell(h, cJSON_GetStringValue(get(g, "name")));
#define KC(path_fmt, key, idx, fmt) (snprintf(p, sizeof p, path_fmt, k, key, idx),                                   \
                                     vxs_html_numcell(h, SJ, p, vxs_json_num(km, p + 3), fmt))
            KC("km.groups.%d.%s%s", "n", "", "%.0f");
            KC("km.groups.%d.%s%s", "events", "", "%.0f");
            snprintf(p, sizeof p, "km.at.%zu", j);
            vxs_html_numcell(h, SJ, p, at[j], "%g");
            char ix[32];
            snprintf(ix, sizeof ix, ".%zu", j);
            KC("km.groups.%d.%s%s", "surv_at", ix, "%.3f");
            vxs_html_raw(h, "<td class=\"num\">");
            snprintf(p, sizeof p, "km.groups.%d.lower_at.%zu", k, j);
            vxs_html_num(h, SJ, p, vxs_json_num(km, p + 3), "%.3f");
            vxs_html_raw(h, " to ");
            snprintf(p, sizeof p, "km.groups.%d.upper_at.%zu", k, j);
            vxs_html_num(h, SJ, p, vxs_json_num(km, p + 3), "%.3f");
            vxs_html_raw(h, "</td>");
            KC("km.groups.%d.%s%s", "n_risk_at", ix, "%.0f");
#undef KC
            vxs_html_raw(h, "</tr>");
        }
    }
    vxs_html_raw(h, "</tbody></table>");
    free(at);
}

static void km_part(vxs_html *h, const cJSON *res, const char *time_col)
{
    const cJSON *km = get(res, "km");
    if (!km)
        return;
    vxs_html_raw(h, "<h3>Kaplan-Meier curves of the risk groups</h3><p>");
    vxs_html_text(h, cJSON_GetStringValue(get(km, "note")));
    vxs_html_say(h, SJ, res,
                 ". {km.n_eval} subjects evaluated; cutoff (median training risk) {km.cutoff|%.4g}; log-rank "
                 "chi-square {km.logrank.chisq|%.2f} on 1 df, p = {km.logrank.p|%.3g}; Harrell's C of the risk "
                 "{km.c_index|%.3f}.");
    const char *sn = cJSON_GetStringValue(get(km, "split_note"));
    if (sn)
        vxs_html_raw(h, " "), vxs_html_text(h, sn), vxs_html_raw(h, ".");
    vxs_html_raw(h, "</p>");
    km_plot(h, km, time_col);
    km_at_table(h, km);
}

int vxs_survival_section(const cJSON *res, const cJSON *study, vxs_html *h, vx_error *err)
{
    const char *time_col = cJSON_GetStringValue(get(get(study, "outcome"), "time"));
    const cJSON *uni = get(res, "univariate");
    const size_t shown = (size_t)num(res, "univariate_shown");
    vxs_html_say(h, SJ, res, "<p>{n} subjects with an outcome, {events} events. Features: ");
    const char *src = cJSON_GetStringValue(get(res, "features_source"));
    vxs_html_text(h, !src ? "" : !strcmp(src, "cox") ? "as listed (steps.survival.cox)"
                     : !strcmp(src, "selection") ? "those of the selection step" : "every feature");
    vxs_html_say(h, SJ, res,
                 ". Hazard ratios are per SD of each feature (sample SD over the subjects of the model); clinical "
                 "covariates per unit.</p><h3>Univariate Cox models</h3><p>{univariate_q_below_0_05} of {n_features} "
                 "features have a BH q below 0.05; the forest plot shows the {univariate_shown} smallest p.</p>");
    if (shown) {
        forest(h, uni, shown, "Univariate Cox models", "survival_forest_univariate",
               "Univariate hazard ratios per SD with 95% confidence intervals (Efron ties), smallest p first");
        hr_table(h, uni, shown, "univariate", 1);
    }
    multivariable_part(h, res);
    coxnet_part(h, res);
    km_part(h, res, time_col);
    return vxs_html_status(h, err);
}
