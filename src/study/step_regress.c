/* voxomics study step "imaging_to_omics": every gene predicted from the features (vx_regress: ridge, PLS or
 * elastic net, out-of-fold Pearson r, permutation p, BH q); OUTDIR/imaging_to_omics/genes.csv; the section's
 * histogram of r, counts and the best predicted genes.
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

#define RJ "imaging_to_omics.json"

static const vxs_key regress_keys[] = {
    {"model", VXS_STR, "ridge|pls|enet (default ridge)", NULL},
    {"alpha", VXS_NUM, "ridge / elastic-net penalty (default 100 for ridge, 0.1 for enet)", NULL},
    {"l1_ratio", VXS_NUM, "elastic net: lasso share (default 0.5)", NULL},
    {"components", VXS_INT, "PLS components (default 2)", NULL},
    {"folds", VXS_INT, "cross-validation folds (default 5)", NULL},
    {"permutations", VXS_INT, "permutations per gene for p (default 100)", NULL},
    {"seed", VXS_INT, "seed of the folds and permutations (default 1)", NULL},
    {NULL, VXS_STR, NULL, NULL}};

static int regress_params(vxs_ctx *ctx, const vxs_node *cfg, vx_regress_params *par, int *folds, cJSON *res,
                          vx_error *err)
{
    const char *model = vxs_str(cfg, "model", "ridge");
    if (strcmp(model, "ridge") && strcmp(model, "pls") && strcmp(model, "enet"))
        return vx_error_set(err, VX_EINVAL, "%s: steps.imaging_to_omics.model: '%s' is not known (known: ridge, pls, "
                            "enet)", ctx->study_path, model);
    par->model = !strcmp(model, "ridge") ? VX_REGRESS_RIDGE : !strcmp(model, "pls") ? VX_REGRESS_PLS : VX_REGRESS_ENET;
    par->alpha = vxs_num(cfg, "alpha", par->model == VX_REGRESS_ENET ? 0.1 : 100);
    par->l1_ratio = vxs_num(cfg, "l1_ratio", 0.5);
    const long comp = vxs_int(cfg, "components", 2), perm = vxs_int(cfg, "permutations", 100);
    par->seed = (uint64_t)vxs_int(cfg, "seed", 1);
    *folds = (int)vxs_int(cfg, "folds", 5);
    if (comp < 1 || perm < 0 || *folds < 2)
        return vx_error_set(err, VX_EINVAL, "%s: steps.imaging_to_omics: components >= 1, permutations >= 0 and "
                            "folds >= 2 expected", ctx->study_path);
    par->components = (size_t)comp, par->nperm = (size_t)perm;
    cJSON_AddStringToObject(res, "model", model);
    cJSON_AddNumberToObject(res, "alpha", par->alpha);
    cJSON_AddNumberToObject(res, "l1_ratio", par->l1_ratio);
    cJSON_AddNumberToObject(res, "components", (double)par->components);
    cJSON_AddNumberToObject(res, "folds", *folds);
    cJSON_AddNumberToObject(res, "permutations", (double)par->nperm);
    cJSON_AddNumberToObject(res, "seed", (double)par->seed);
    return VX_OK;
}

static char *genes_csv(const vxs_omics *o, const vx_regress_result *r)
{
    char *buf;
    size_t len;
    FILE *f = vxs_mem_open(&buf, &len);
    if (!f)
        return NULL;
    fputs("gene,n,r,p,q\n", f);
    for (size_t j = 0; j < o->py; j++) {
        vx_csv_field(f, o->gname[j]);
        fprintf(f, ",%zu", r[j].n);
        const double v[3] = {r[j].r, r[j].p, r[j].q};
        for (int k = 0; k < 3; k++)
            isnan(v[k]) ? fputc(',', f) : fprintf(f, ",%.17g", v[k]);
        fputc('\n', f);
    }
    return vxs_mem_close(f, &buf);
}

static int regress_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    vx_regress_params par = {0};
    int folds = 5;
    vxs_data d = {0};
    vx_table ot = {0};
    vxs_omics o = {0};
    vx_regress_result *out = NULL;
    char *csv = NULL;
    int rc = regress_params(ctx, cfg, &par, &folds, result, err);
    if (!rc)
        rc = vxs_omics_load(ctx, "imaging_to_omics", &d, &ot, &o, err);
    if (!rc && !(out = malloc((o.py + 1) * sizeof *out)))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (!rc)
        rc = vxs_regress_compute(&o, &par, folds, par.seed, result, out, err);
    if (!rc)
        rc = (csv = genes_csv(&o, out)) ? vxs_write_text(ctx, "imaging_to_omics/genes.csv", csv, err)
                                        : vx_error_set(err, VX_ENOMEM, "out of memory");
    free(csv), free(out);
    vxs_omics_free(&o), vx_table_free(&ot), vxs_data_free(&d);
    return rc;
}

static void regress_text(const cJSON *res, vxs_html *h)
{
    vxs_html_say(h, RJ, res, "<p>Each of {n_genes} genes predicted from {n_features} features (");
    vxs_html_text(h, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "model")));
    vxs_html_say(h, RJ, res,
                 ", {folds}-fold cross-validation on {n_samples} samples; imputation and scaling inside the folds), "
                 "scored by the Pearson r of its out-of-fold predictions: mean r {mean_r|%.3f}, median "
                 "{median_r|%.3f}; {n_r_above_0_3} genes with r above 0.3. With {permutations} permutations per "
                 "gene, {n_p_below_0_05} genes have p below 0.05 and {n_q_below_0_05} a BH q below 0.05 (the "
                 "smallest p of N permutations is 1 / (N + 1)).</p>");
}

static int regress_section(const cJSON *res, const cJSON *study, vxs_html *h, vx_error *err)
{
    (void)study;
    regress_text(res, h);
    size_t n = 0;
    double *r = vxs_json_doubles(res, "r", &n);
    vx_plot_axes ax = {0};
    ax.title = "Imaging-to-omics: out-of-fold r per gene", ax.xlabel = "Pearson r (out of fold)",
    ax.ylabel = "genes", ax.vline = 0, ax.vline_on = 1;
    vx_error e = {0};
    vxs_html_plot(h, "imaging_to_omics_r", r && n ? vx_plot_histogram(&ax, r, n, 30, &e) : NULL,
                  "Histogram of the out-of-fold correlation of every gene with its prediction from the features");
    free(r);
    static const vxs_col_spec cols[] = {{"gene", "gene", NULL}, {"n", "n", "%.0f"}, {"r", "r", "%.3f"},
                                        {"p", "p", "%.3g"}, {"q", "q", "%.3g"}};
    vxs_html_rows(h, RJ, "top", cJSON_GetObjectItemCaseSensitive(res, "top"), 10, cols, 5);
    return vxs_html_status(h, err);
}

const vxs_step vxs_step_imaging_to_omics = {"imaging_to_omics", "Imaging to omics", regress_keys, regress_run,
                                            regress_section};
