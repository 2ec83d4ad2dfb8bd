/* plot_gallery: one SVG of every plot kind of include/voxomics/plot.h from made-up data, for looking at them.
 *
 * usage: plot_gallery OUTDIR
 * Writes OUTDIR/KIND.svg for each plot and OUTDIR/index.html showing them all (inline, as the study report
 * does). scripts/plot_gallery.sh renders the page and each plot to PNG with headless Chromium.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/plot.h"

static unsigned long long rng = 12345;
static double unif(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) / 9007199254740992.0;
}
static double gauss(void) { return sqrt(-2 * log(unif() + 1e-300)) * cos(6.283185307179586 * unif()); }

static FILE *html;
static const char *outdir;

static void save(const char *name, char *svg, const vx_error *err)
{
    if (!svg) {
        fprintf(stderr, "%s: %s\n", name, err->msg);
        exit(1);
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.svg", outdir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(svg, f);
    fclose(f);
    fprintf(html, "<div class=\"p\"><h3>%s</h3>\n%s</div>\n", name, svg);
    vx_plot_free(svg);
}

static void roc(void)
{
    static double fx[5][21], fy[5][21], mx[21], my[21], lo[21], hi[21];
    vx_plot_series s[6];
    memset(s, 0, sizeof s);
    for (int f = 0; f < 5; f++) {
        for (int i = 0; i <= 20; i++) {
            double t = i / 20.0;
            fx[f][i] = t;
            fy[f][i] = fmin(1, pow(t, 0.35 + 0.08 * f) + (i && i < 20 ? 0.03 * gauss() : 0));
        }
        s[f] = (vx_plot_series){.x = fx[f], .y = fy[f], .n = 21, .color = 0, .width = 1, .opacity = 0.35};
    }
    for (int i = 0; i <= 20; i++) {
        mx[i] = i / 20.0;
        my[i] = pow(mx[i], 0.5);
        lo[i] = fmax(0, my[i] - 0.08 * sin(3.14159 * mx[i]));
        hi[i] = fmin(1, my[i] + 0.08 * sin(3.14159 * mx[i]));
    }
    s[5] = (vx_plot_series){.label = "Mean ROC (AUC 0.71)", .x = mx, .y = my, .n = 21, .lo = lo, .hi = hi,
                            .color = 0, .width = 2.5};
    s[0].label = "Folds";
    vx_plot_axes ax = {.title = "ROC - logistic regression (5-fold CV)", .xlabel = "1 - specificity",
                       .ylabel = "Sensitivity", .xmin = 0, .xmax = 1, .ymin = 0, .ymax = 1, .diagonal = 1,
                       .note = "mean AUC 0.71 (0.65-0.77)", .width = 460, .height = 440};
    vx_error err = {0};
    save("roc", vx_plot_lines(&ax, s, 6, &err), &err);
}

static void calibration(void)
{
    double x[10], y[10], el[10], eh[10];
    for (int i = 0; i < 10; i++) {
        x[i] = 0.05 + 0.1 * i;
        y[i] = x[i] * 0.85 + 0.05 + 0.03 * gauss();
        el[i] = y[i] - 0.06;
        eh[i] = y[i] + 0.06;
    }
    vx_plot_series s = {.label = "Logistic <regression> & \"friends\"", .x = x, .y = y, .n = 10, .err_lo = el,
                        .err_hi = eh, .color = 1, .style = VX_PLOT_LINE_POINTS};
    vx_plot_axes ax = {.title = "Calibration", .xlabel = "Predicted probability", .ylabel = "Observed frequency",
                       .xmin = 0, .xmax = 1, .ymin = 0, .ymax = 1, .diagonal = 1, .width = 440, .height = 420};
    vx_error err = {0};
    save("calibration", vx_plot_lines(&ax, &s, 1, &err), &err);
}

static void km(void)
{
    enum { N = 40 };
    static double t[2][N], sv[2][N], lo[2][N], hi[2][N];
    static unsigned char mk[2][N];
    vx_plot_series s[2];
    const char *names[2] = {"Low risk (n = 60)", "High risk (n = 58)"};
    for (int g = 0; g < 2; g++) {
        double surv = 1, time = 0;
        t[g][0] = 0, sv[g][0] = 1, lo[g][0] = 1, hi[g][0] = 1;
        for (int i = 1; i < N; i++) {
            time += 20 + 60 * unif();
            mk[g][i] = unif() < 0.3;
            if (!mk[g][i])
                surv *= 1 - (g ? 0.045 : 0.02);
            t[g][i] = time, sv[g][i] = surv;
            double se = 0.02 + 0.004 * i;
            lo[g][i] = fmax(0, surv - se), hi[g][i] = fmin(1, surv + se);
        }
        s[g] = (vx_plot_series){.label = names[g], .x = t[g], .y = sv[g], .n = N, .lo = lo[g], .hi = hi[g],
                                .color = g, .style = VX_PLOT_STEP, .marks = mk[g]};
    }
    double at[5] = {0, 500, 1000, 1500, 2000}, risk[10] = {60, 48, 31, 17, 4, 58, 35, 16, 6, 1};
    vx_plot_axes ax = {.title = "Overall survival by risk group", .xlabel = "Days", .ylabel = "Survival probability",
                       .note = "log-rank p = 0.0031"};
    vx_error err = {0};
    save("km", vx_plot_km(&ax, s, 2, at, 5, risk, &err), &err);
}

static void forest(void)
{
    const char *labels[7] = {"age (per 10 years)", "sex: male", "stage III-IV",
                             "original_glcm_Correlation_with_a_really_very_long_feature_name_2D",
                             "wavelet-LLH_firstorder_Mean", "shape_Sphericity", "not estimable"};
    double est[7] = {1.21, 0.86, 2.45, 1.62, 0.71, 0.33, NAN}, lo[7] = {1.02, 0.55, 1.51, 1.11, 0.49, 0.04, NAN},
           hi[7] = {1.44, 1.34, 3.98, 2.36, 1.03, 2.9, NAN}, p[7] = {0.028, 0.51, 0.0002, 0.013, 0.072, 0.3, NAN};
    vx_plot_axes ax = {.title = "Multivariable Cox model", .xlabel = "Hazard ratio (95% CI)", .vline = 1,
                       .vline_on = 1};
    vx_error err = {0};
    save("forest", vx_plot_forest(&ax, labels, est, lo, hi, p, 7, 1, &err), &err);
}

static void pca(void)
{
    enum { N = 150 };
    double x[N], y[N];
    int g[N];
    for (int i = 0; i < N; i++) {
        g[i] = i % 3;
        x[i] = 3 * g[i] - 3 + 1.5 * gauss();
        y[i] = (g[i] == 1 ? 1.5 : -0.5) + gauss();
    }
    const char *names[3] = {"GE MEDICAL SYSTEMS", "SIEMENS", "Philips"};
    vx_plot_axes ax = {.title = "PCA of the features by scanner", .xlabel = "PC1 (31.2%)", .ylabel = "PC2 (12.5%)"};
    vx_error err = {0};
    save("pca", vx_plot_scatter(&ax, x, y, N, g, names, 3, NULL, NULL, &err), &err);
}

static void volcano(void)
{
    enum { N = 400 };
    double x[N], y[N];
    int g[N];
    unsigned char hl[N];
    static char buf[N][48];
    const char *lab[N];
    for (int i = 0; i < N; i++) {
        x[i] = 0.25 * gauss();
        double p = pow(10, -fabs(x[i]) * (4 + 4 * unif()));
        y[i] = -log10(p);
        g[i] = y[i] > 2.5 ? 1 : 0;
        hl[i] = y[i] > 4.2;
        snprintf(buf[i], sizeof buf[i], "GENE%d ~ glcm_%d", i, i % 7);
        lab[i] = buf[i];
    }
    const char *names[2] = {"q >= 0.05", "q < 0.05"};
    vx_plot_axes ax = {.title = "Feature-gene associations", .xlabel = "Spearman rho", .ylabel = "-log10 p",
                       .hline = 2.5, .hline_on = 1, .vline = 0, .vline_on = 1};
    vx_error err = {0};
    save("volcano", vx_plot_scatter(&ax, x, y, N, g, names, 2, hl, lab, &err), &err);
}

static void heatmap(void)
{
    enum { R = 12, C = 16 };
    double v[R * C];
    unsigned char m[R * C];
    static char rb[R][64], cb[C][32];
    const char *rl[R], *cl[C];
    for (int i = 0; i < R; i++) {
        snprintf(rb[i], sizeof rb[i], i == 3 ? "original_glszm_LargeAreaHighGrayLevelEmphasis_%d" : "feature_%d", i);
        rl[i] = rb[i];
    }
    for (int j = 0; j < C; j++) {
        snprintf(cb[j], sizeof cb[j], j == 5 ? "ENSG00000141510.17" : "GENE%d", j);
        cl[j] = cb[j];
    }
    for (int k = 0; k < R * C; k++) {
        v[k] = 0.35 * gauss();
        m[k] = fabs(v[k]) > 0.45;
    }
    v[7] = NAN;
    m[7] = 0;
    vx_plot_axes ax = {.title = "Top associations (Spearman)"};
    vx_error err = {0};
    save("heatmap", vx_plot_heatmap(&ax, v, R, C, rl, cl, 0, "Spearman rho", m, &err), &err);
}

static void histograms(void)
{
    enum { N = 500 };
    double v[N];
    for (int i = 0; i < N; i++)
        v[i] = fmin(1, fmax(0, 0.8 + 0.15 * gauss()));
    vx_plot_axes ax = {.title = "ICC of the features", .xlabel = "ICC(3,1)", .vline = 0.75, .vline_on = 1,
                       .xmin = 0, .xmax = 1, .note = "412 of 500 features >= 0.75"};
    vx_error err = {0};
    save("histogram", vx_plot_histogram(&ax, v, N, 20, &err), &err);
    const char *labels[8] = {"original_shape_Sphericity", "original_firstorder_Kurtosis",
                             "wavelet-HLH_glcm_ClusterShade", "log-sigma-3-0-mm-3D_ngtdm_Busyness", "age",
                             "a_feature_name_that_is_much_too_long_to_show_in_full_here", "stage", "sex"};
    double imp[8] = {0.31, 0.22, 0.15, 0.11, 0.08, -0.05, -0.12, 0.02};
    vx_plot_axes bx = {.title = "Feature importance", .xlabel = "Coefficient"};
    save("bars", vx_plot_bars(&bx, labels, imp, 8, &err), &err);
}

static void gsea(void)
{
    enum { N = 5000, H = 60 };
    static double r[N];
    size_t hits[H];
    unsigned char is_hit[N] = {0};
    for (int k = 0; k < H; k++) {
        size_t pos = (size_t)(N * pow(unif(), 2.2));
        while (is_hit[pos])
            pos = (pos + 1) % N;
        is_hit[pos] = 1;
        hits[k] = pos;
    }
    double up = 1.0 / H, down = 1.0 / (N - H), acc = 0, es = 0;
    for (int i = 0; i < N; i++) {
        acc += is_hit[i] ? up : -down;
        r[i] = acc;
        if (fabs(acc) > fabs(es))
            es = acc;
    }
    vx_plot_axes ax = {.title = "HALLMARK_HYPOXIA", .note = "NES 1.84, q = 0.012"};
    vx_error err = {0};
    save("gsea", vx_plot_gsea(&ax, r, N, hits, H, es, &err), &err);
}

/* Small and awkward inputs: a 2 x 3 heatmap, a linear forest plot of coefficients, a log x axis, one point,
 * a KM curve without the at-risk table, a histogram of equal values. */
static void edge_cases(void)
{
    vx_error err = {0};
    double hv[6] = {0.2, -0.7, 0.05, NAN, 0.9, -0.1};
    const char *rl[2] = {"volume", "sphericity"}, *cl[3] = {"EGFR", "KRAS", "TP53"};
    vx_plot_axes hax = {.title = "2 x 3"};
    save("edge_heatmap", vx_plot_heatmap(&hax, hv, 2, 3, rl, cl, 1, "rho", NULL, &err), &err);
    const char *fl[3] = {"intercept", "glcm_Contrast", "age"};
    double est[3] = {-0.8, 0.35, 0.02}, lo[3] = {-1.4, 0.1, -0.01}, hi[3] = {-0.2, 0.6, 0.05};
    vx_plot_axes fax = {.title = "Coefficients", .xlabel = "log odds", .vline = 0, .vline_on = 1};
    save("edge_forest", vx_plot_forest(&fax, fl, est, lo, hi, NULL, 3, 0, &err), &err);
    double lx[6] = {0.001, 0.01, 0.1, 1, 10, 100}, ly[6] = {0.9, 0.85, 0.7, 0.4, 0.2, 0.18};
    vx_plot_series ls = {.label = "cv deviance", .x = lx, .y = ly, .n = 6, .style = VX_PLOT_LINE_POINTS};
    vx_plot_axes lax = {.title = "Log x", .xlabel = "lambda", .ylabel = "deviance", .xlog = 1, .vline = 0.1,
                        .vline_on = 1};
    save("edge_logx", vx_plot_lines(&lax, &ls, 1, &err), &err);
    double one = 3.3;
    vx_plot_series os = {.label = "one point", .x = &one, .y = &one, .n = 1, .style = VX_PLOT_POINTS};
    vx_plot_axes oax = {.title = "A title far too long for its plot: one point, all alone, in the middle of its own "
                                 "frame, which is what a degenerate range gives",
                        .xlabel = "an x label that is also much longer than the width of the plot area it labels, "
                                  "so it is cut",
                        .note = "a note"};
    save("edge_one_point", vx_plot_lines(&oax, &os, 1, &err), &err);
    double kt[3] = {0, 2.5, 7.25}, ks[3] = {1, 0.5, 0.25};
    vx_plot_series ks1 = {.x = kt, .y = ks, .n = 3, .style = VX_PLOT_STEP};
    vx_plot_axes kax = {.xlabel = "years"};
    save("edge_km", vx_plot_km(&kax, &ks1, 1, NULL, 0, NULL, &err), &err);
    double same[4] = {0.5, 0.5, 0.5, 0.5};
    save("edge_histogram", vx_plot_histogram(NULL, same, 4, 0, &err), &err);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: plot_gallery OUTDIR\n");
        return 2;
    }
    outdir = argv[1];
    char path[1024];
    snprintf(path, sizeof path, "%s/index.html", outdir);
    html = fopen(path, "w");
    if (!html) {
        perror(path);
        return 1;
    }
    fprintf(html, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>voxomics plots</title><style>"
                  "body{font-family:sans-serif;margin:16px}.p{display:inline-block;vertical-align:top;margin:8px}"
                  "</style></head><body>\n");
    roc();
    calibration();
    km();
    forest();
    pca();
    volcano();
    heatmap();
    histograms();
    gsea();
    edge_cases();
    fprintf(html, "</body></html>\n");
    fclose(html);
    return 0;
}
