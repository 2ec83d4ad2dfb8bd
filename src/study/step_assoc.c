/* voxomics study step "association": every feature against every gene of inputs.omics (vx_associate, BH over
 * all pairs); OUTDIR/association/pairs.csv; the section's volcano plot, heatmap and counts.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/runner.h"
#include "study/survomics.h"
#include "voxomics/extract.h"
#include "voxomics/plot.h"

#define AJ "association.json"

static const vxs_key association_keys[] = {
    {"method", VXS_STR, "spearman|pearson|kendall (default spearman)", NULL},
    {"q", VXS_NUM, "BH q threshold of a significant pair (default 0.05)", NULL},
    {"top", VXS_INT, "features and genes in the heatmap (default 20)", NULL},
    {NULL, VXS_STR, NULL, NULL}};

static char *pairs_csv(const vxs_omics *o, const vx_assoc_pair *pr, size_t np)
{
    char *buf;
    size_t len;
    FILE *f = vxs_mem_open(&buf, &len);
    if (!f)
        return NULL;
    fputs("feature,gene,n,rho,p,q\n", f);
    for (size_t i = 0; i < np; i++) {
        vx_csv_field(f, o->fname[pr[i].feature]);
        fputc(',', f);
        vx_csv_field(f, o->gname[pr[i].target]);
        fprintf(f, ",%zu,%.17g,%.17g,%.17g\n", pr[i].n, pr[i].rho, pr[i].p, pr[i].q);
    }
    return vxs_mem_close(f, &buf);
}

static int association_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    vxs_data d = {0};
    vx_table ot = {0};
    vxs_omics o = {0};
    vx_assoc_pair *pairs = NULL;
    size_t np = 0;
    const char *mn = vxs_str(cfg, "method", "spearman");
    const int m = vxs_cor_method(mn);
    const double q = vxs_num(cfg, "q", 0.05);
    const long top = vxs_int(cfg, "top", 20);
    if (m < 0 || !(q > 0 && q <= 1) || top < 1)
        return vx_error_set(err, VX_EINVAL, "%s: steps.association: method '%s' (known: spearman, pearson, kendall), q "
                            "in (0, 1] and top >= 1 expected", ctx->study_path, mn);
    int rc = vxs_omics_load(ctx, "association", &d, &ot, &o, err);
    if (!rc)
        rc = vxs_assoc_compute(&o, (vx_cor_method)m, q, (size_t)top, result, &pairs, &np, err);
    char *csv = rc ? NULL : pairs_csv(&o, pairs, np);
    if (!rc)
        rc = csv ? vxs_write_text(ctx, "association/pairs.csv", csv, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    free(csv), free(pairs);
    vxs_omics_free(&o), vx_table_free(&ot), vxs_data_free(&d);
    return rc;
}

static void volcano(const cJSON *res, vxs_html *h)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(res, "volcano");
    size_t n = 0, n2 = 0, n3 = 0;
    double *x = vxs_json_doubles(v, "rho", &n), *y = vxs_json_doubles(v, "neglog10p", &n2);
    double *s = vxs_json_doubles(v, "significant", &n3);
    int *grp = malloc((n + 1) * sizeof *grp);
    unsigned char *hl = malloc(n + 1);
    const char **lab = malloc((n + 1) * sizeof *lab);
    char names[5][160];
    const cJSON *tp = cJSON_GetObjectItemCaseSensitive(res, "top_pairs");
    for (size_t i = 0; grp && hl && lab && n2 == n && n3 == n && i < n; i++) {
        grp[i] = s[i] > 0, hl[i] = i < 5 && s[i] > 0, lab[i] = NULL;
        if (hl[i]) { /* the first points are the smallest p: top_pairs' first rows */
            const cJSON *r = cJSON_GetArrayItem(tp, (int)i);
            snprintf(names[i], sizeof names[i], "%s / %s",
                     cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "feature")),
                     cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "gene")));
            lab[i] = names[i];
        }
    }
    static const char *const gn[] = {"not significant", "q below the threshold"};
    vx_plot_axes ax = {0};
    ax.title = "Feature-gene associations", ax.xlabel = "correlation (rho)", ax.ylabel = "-log10 p";
    vx_error e = {0};
    char *svg = grp && hl && lab && n && n2 == n && n3 == n
                    ? vx_plot_scatter(&ax, x, y, n, grp, gn, 2, hl, lab, &e) : NULL;
    vxs_html_plot(h, "association_volcano", svg,
                  "Volcano plot: the 500 pairs with the smallest p, then every k-th other pair in p order (k: "
                  "volcano.every_other in association.json); the five smallest p labelled");
    free(x), free(y), free(s), free(grp), free(hl), free(lab);
}

static void heatmap(const cJSON *res, vxs_html *h)
{
    const cJSON *hm = cJSON_GetObjectItemCaseSensitive(res, "heatmap");
    const cJSON *fa = cJSON_GetObjectItemCaseSensitive(hm, "features"), *ga = cJSON_GetObjectItemCaseSensitive(hm, "genes");
    const size_t nf = (size_t)cJSON_GetArraySize(fa), ng = (size_t)cJSON_GetArraySize(ga);
    size_t n1 = 0, n2 = 0;
    double *rho = vxs_json_doubles(hm, "rho", &n1), *q = vxs_json_doubles(hm, "q", &n2);
    const double qmax = vxs_json_num(res, "q_threshold");
    const char **lab = malloc((nf + ng + 1) * sizeof *lab);
    unsigned char *mk = malloc(nf * ng + 1);
    for (size_t k = 0; lab && k < nf + ng; k++)
        lab[k] = cJSON_GetStringValue(cJSON_GetArrayItem(k < nf ? fa : ga, (int)(k < nf ? k : k - nf)));
    for (size_t k = 0; mk && n2 == nf * ng && k < nf * ng; k++)
        mk[k] = q[k] < qmax;
    vx_plot_axes ax = {0};
    ax.title = "Top features x top genes", ax.height = (int)(260 + 20 * nf), ax.width = (int)(480 + 24 * ng);
    vx_error e = {0};
    char *svg = lab && mk && nf && ng && n1 == nf * ng && n2 == n1
                    ? vx_plot_heatmap(&ax, rho, nf, ng, lab, lab + nf, 1, "rho", mk, &e) : NULL;
    vxs_html_plot(h, "association_heatmap", svg,
                  "Correlation of the features and genes with the smallest p; a dot marks q below the threshold");
    free(rho), free(q), free(lab), free(mk);
}

static int association_section(const cJSON *res, const cJSON *study, vxs_html *h, vx_error *err)
{
    (void)study;
    vxs_html_raw(h, "<p>");
    vxs_html_text(h, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "method")));
    vxs_html_say(h, AJ, res,
                 " correlation of {n_features} features with {n_genes} genes on {n_samples} samples: {n_pairs} pairs "
                 "tested, {n_significant} with a BH q below {q_threshold|%g} ({n_features_significant} features, "
                 "{n_genes_significant} genes); {n_p_below_0_05} with p below 0.05. The feature with the most "
                 "significant pairs: ");
    vxs_html_text(h, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "top_feature")));
    vxs_html_raw(h, ".</p>");
    volcano(res, h);
    heatmap(res, h);
    static const vxs_col_spec cols[] = {{"feature", "feature", NULL}, {"gene", "gene", NULL}, {"n", "n", "%.0f"},
                                        {"rho", "rho", "%.3f"}, {"p", "p", "%.3g"}, {"q", "q", "%.3g"}};
    vxs_html_rows(h, AJ, "top_pairs", cJSON_GetObjectItemCaseSensitive(res, "top_pairs"), 10, cols, 6);
    return vxs_html_status(h, err);
}

const vxs_step vxs_step_association = {"association", "Feature-gene association", association_keys, association_run,
                                       association_section};
