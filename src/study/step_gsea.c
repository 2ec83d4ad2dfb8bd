/* voxomics study step "gsea": pre-ranked GSEA of one feature's correlation with every gene (the ranking) against
 * a GMT file; OUTDIR/gsea/gsea.csv; the section's table of the top sets and their running-sum plots.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/runner.h"
#include "study/survomics.h"
#include "voxomics/genesets.h"
#include "voxomics/plot.h"

#define GJ "gsea.json"

static const vxs_key gsea_keys[] = {
    {"feature", VXS_STR, "the ranked feature: top (most pairs at the association's q, default) or a name", NULL},
    {"genesets", VXS_PATH, "GMT gene-set file (default inputs.genesets)", NULL},
    {"min_size", VXS_INT, "smallest set size in the ranking (default 15)", NULL},
    {"max_size", VXS_INT, "largest set size (default 500)", NULL},
    {"permutations", VXS_INT, "gene-set permutations for NES and p (default 1000)", NULL},
    {"seed", VXS_INT, "seed of the permutations (default 1)", NULL},
    {"top", VXS_INT, "sets with a running-sum plot (default 5)", NULL},
    {NULL, VXS_STR, NULL, NULL}};

/* the feature's index by name, or with "top" the one with the most pairs at q <= qmax over all pairs */
static int gsea_feature_named(const vxs_ctx *ctx, const vxs_omics *o, const char *name, size_t *f, vx_cor_method m,
                              double qmax, vx_error *err)
{
    if (strcmp(name, "top")) {
        for (*f = 0; *f < o->px && strcmp(o->fname[*f], name); (*f)++)
            ;
        return *f < o->px ? VX_OK : vx_error_set(err, VX_EINVAL, "%s: steps.gsea.feature: no feature '%s' in the "
                                                 "feature table", ctx->study_path, name);
    }
    vx_assoc_pair *pairs = NULL;
    size_t np = 0;
    int rc = vx_associate(m, o->x, o->n, o->px, o->y, o->py, 3, &pairs, &np, err);
    if (!rc)
        *f = vxs_assoc_top_feature(pairs, np, o->px, qmax);
    free(pairs);
    return rc;
}

/* the ranked feature's index: a name, or "top": the association step's top feature when it ran (its result is
 * declared as an input), else the same choice computed here (steps.association's method and q) */
static int gsea_feature(vxs_ctx *ctx, const vxs_node *cfg, const vxs_omics *o, size_t *f, vx_cor_method *m,
                        cJSON *res, vx_error *err)
{
    const vxs_node *as = vxs_get(vxs_get(ctx->root, "steps"), "association");
    const char *name = vxs_str(cfg, "feature", "top"), *mn = vxs_str(as, "method", "spearman");
    const int mi = vxs_cor_method(mn);
    cJSON *assoc = NULL; /* declared as an input: a change of the association's settings reruns this step */
    if (as && vxs_step_result(ctx, "association", &assoc, err) != VX_OK)
        return err->code;
    const char *top = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(assoc, "top_feature"));
    if (!strcmp(name, "top") && top && *top) /* the association step ranked every pair already: its top feature */
        name = top;
    if (mi < 0) {
        cJSON_Delete(assoc);
        return vx_error_set(err, VX_EINVAL, "%s: steps.association.method '%s' is not known", ctx->study_path, mn);
    }
    *m = (vx_cor_method)mi;
    cJSON_AddStringToObject(res, "method", mn);
    cJSON_AddStringToObject(res, "feature_from", strcmp(vxs_str(cfg, "feature", "top"), "top") ? "given" : "top");
    int rc = gsea_feature_named(ctx, o, name, f, *m, vxs_num(as, "q", 0.05), err);
    cJSON_Delete(assoc);
    return rc;
}

/* the feature's rho over the genes (those with a rho) */
static int gsea_ranking(const vxs_omics *o, size_t f, vx_cor_method m, const char ***genes, double **stat, size_t *N,
                        vx_error *err)
{
    vx_assoc_pair *pairs = NULL;
    size_t np = 0;
    int rc = vx_associate(m, o->x + f * o->n, o->n, 1, o->y, o->py, 3, &pairs, &np, err);
    *genes = rc ? NULL : malloc((np + 1) * sizeof **genes), *stat = rc ? NULL : malloc((np + 1) * sizeof **stat);
    if (!rc && (!*genes || !*stat))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    double *rho = rc ? NULL : malloc((o->py + 1) * sizeof *rho);
    if (!rc && !rho)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; !rc && j < o->py; j++)
        rho[j] = NAN;
    for (size_t k = 0; !rc && k < np; k++)
        rho[pairs[k].target] = pairs[k].rho;
    size_t n = 0; /* in the omics table's gene order: ties of the ranking keep it */
    for (size_t j = 0; !rc && j < o->py; j++)
        if (!isnan(rho[j]))
            (*genes)[n] = o->gname[j], (*stat)[n++] = rho[j];
    free(rho);
    *N = n;
    free(pairs);
    return rc;
}

static int gsea_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    const char *rel = vxs_str(cfg, "genesets", vxs_str(vxs_get(ctx->root, "inputs"), "genesets", NULL));
    if (!rel)
        return vx_error_set(err, VX_EINVAL, "%s: steps.gsea needs a GMT file: steps.gsea.genesets or inputs.genesets",
                            ctx->study_path);
    vxs_gsea_opts go = {(size_t)vxs_int(cfg, "min_size", 15), (size_t)vxs_int(cfg, "max_size", 500),
                        (size_t)vxs_int(cfg, "permutations", 1000), (size_t)vxs_int(cfg, "top", 5),
                        (uint64_t)vxs_int(cfg, "seed", 1)};
    vxs_data d = {0};
    vx_table ot = {0};
    vxs_omics o = {0};
    vx_genesets gs = {0};
    vx_gsea_run run = {0};
    const char **genes = NULL;
    double *stat = NULL;
    size_t f = 0, N = 0;
    vx_cor_method m = VX_COR_SPEARMAN;
    char *path = vxs_resolve(ctx, rel), *csv = NULL;
    int rc = path ? vxs_input(ctx, path, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (!rc)
        rc = vx_genesets_read_gmt(path, &gs, err);
    if (!rc)
        rc = vxs_omics_load(ctx, "gsea", &d, &ot, &o, err);
    if (!rc)
        rc = gsea_feature(ctx, cfg, &o, &f, &m, result, err);
    if (!rc)
        rc = gsea_ranking(&o, f, m, &genes, &stat, &N, err);
    if (!rc) {
        cJSON_AddStringToObject(result, "feature", o.fname[f]);
        cJSON_AddNumberToObject(result, "min_size", (double)go.min_size);
        cJSON_AddNumberToObject(result, "max_size", (double)go.max_size);
        cJSON_AddNumberToObject(result, "permutations", (double)go.nperm);
        cJSON_AddNumberToObject(result, "seed", (double)go.seed);
        rc = vxs_gsea_compute(genes, stat, N, (const char *const *)gs.name, (const char *const *)gs.gene, gs.off, gs.n,
                              &go, result, &run, err);
    }
    static const char *const keys[] = {"set", "size", "es", "nes", "p", "q", "leading_edge"};
    if (!rc)
        csv = vxs_json_csv(cJSON_GetObjectItemCaseSensitive(result, "sets"), keys, 7);
    if (!rc)
        rc = csv ? vxs_write_text(ctx, "gsea/gsea.csv", csv, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    free(path), free(csv), free(genes), free(stat);
    vx_gsea_run_free(&run), vx_genesets_free(&gs);
    vxs_omics_free(&o), vx_table_free(&ot), vxs_data_free(&d);
    return rc;
}

static void gsea_plots(const cJSON *top, vxs_html *h)
{
    for (int i = 0; i < cJSON_GetArraySize(top); i++) {
        const cJSON *r = cJSON_GetArrayItem(top, i);
        size_t n = 0, k = 0;
        double *rs = vxs_json_doubles(r, "running", &n), *hd = vxs_json_doubles(r, "hits", &k);
        size_t *hit = malloc((k + 1) * sizeof *hit);
        for (size_t j = 0; hit && hd && j < k; j++)
            hit[j] = (size_t)hd[j];
        vx_plot_axes ax = {0};
        ax.title = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "set"));
        ax.xlabel = "rank in the ranking (largest rho first)", ax.ylabel = "running enrichment score";
        ax.hline = 0, ax.hline_on = 1;
        vx_error e = {0};
        char name[32];
        snprintf(name, sizeof name, "gsea_running_%d", i + 1);
        vxs_html_plot(h, name, rs && hit && n ? vx_plot_gsea(&ax, rs, n, hit, k, vxs_json_num(r, "es"), &e) : NULL,
                      "Running enrichment score of the set along the ranking; ticks: the set's genes");
        free(rs), free(hd), free(hit);
    }
}

static int gsea_section(const cJSON *res, const cJSON *study, vxs_html *h, vx_error *err)
{
    (void)study;
    vxs_html_raw(h, "<p>Ranking: the ");
    vxs_html_text(h, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "method")));
    vxs_html_raw(h, " correlation of ");
    vxs_html_text(h, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "feature")));
    vxs_html_say(h, GJ, res,
                 " with {n_genes} genes. {n_tested} of {n_sets} gene sets tested (size {min_size} to {max_size}), "
                 "{permutations} gene-set permutations; {n_q_below_0_25} sets with q below 0.25.</p>");
    static const vxs_col_spec cols[] = {{"gene set", "set", NULL}, {"size", "size", "%.0f"}, {"ES", "es", "%.3f"},
                                        {"NES", "nes", "%.3f"}, {"p", "p", "%.3g"}, {"q", "q", "%.3g"}};
    const cJSON *top = cJSON_GetObjectItemCaseSensitive(res, "top");
    vxs_html_rows(h, GJ, "top", top, (size_t)cJSON_GetArraySize(top), cols, 6);
    gsea_plots(top, h);
    return vxs_html_status(h, err);
}

const vxs_step vxs_step_gsea = {"gsea", "Gene-set enrichment (GSEA)", gsea_keys, gsea_run, gsea_section};
