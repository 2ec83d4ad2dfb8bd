/* voxomics study: the computations of the association, gsea and imaging_to_omics steps on the aligned
 * features x genes (vxs_omics): result JSON objects (keys in docs/study.md).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study/survomics.h"

#define VOLCANO_MAX 3000 /* points drawn in the volcano plot: */
#define VOLCANO_HEAD 500 /* the smallest p all, then the other pairs evenly thinned */

size_t vxs_assoc_top_feature(const vx_assoc_pair *pairs, size_t np, size_t px, double qmax)
{
    size_t *cnt = calloc(px + 1, sizeof *cnt), best = pairs && np ? pairs[0].feature : 0;
    if (!cnt)
        return best;
    for (size_t i = 0; i < np; i++)
        cnt[pairs[i].feature] += pairs[i].q < qmax;
    /* pairs are sorted by p (so by q): the first pair of a feature holds its smallest q */
    for (size_t i = 0; i < np; i++)
        if (cnt[pairs[i].feature] > cnt[best])
            best = pairs[i].feature;
    free(cnt);
    return best;
}

static cJSON *pair_json(const vxs_omics *o, const vx_assoc_pair *a)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "feature", o->fname[a->feature]);
    cJSON_AddStringToObject(r, "gene", o->gname[a->target]);
    cJSON_AddNumberToObject(r, "n", (double)a->n);
    cJSON_AddNumberToObject(r, "rho", a->rho);
    cJSON_AddNumberToObject(r, "p", a->p);
    cJSON_AddNumberToObject(r, "q", a->q);
    return r;
}

/* the heatmap block: the first `top` distinct features and genes in p order, rho and q of their pairs */
static int assoc_heatmap(const vxs_omics *o, const vx_assoc_pair *pr, size_t np, size_t top, cJSON *res)
{
    size_t *fi = malloc((top + 1) * sizeof *fi), *gi = malloc((top + 1) * sizeof *gi), nf = 0, ng = 0;
    unsigned char *fs = calloc(o->px + 1, 1), *gs = calloc(o->py + 1, 1);
    double *v = malloc((2 * top * top + 1) * sizeof *v);
    int rc = fi && gi && fs && gs && v ? VX_OK : VX_ENOMEM;
    for (size_t i = 0; !rc && i < np && (nf < top || ng < top); i++) {
        if (nf < top && !fs[pr[i].feature])
            fs[pr[i].feature] = 1, fi[nf++] = pr[i].feature;
        if (ng < top && !gs[pr[i].target])
            gs[pr[i].target] = 1, gi[ng++] = pr[i].target;
    }
    for (size_t k = 0; !rc && k < 2 * top * top; k++)
        v[k] = NAN;
    for (size_t i = 0; !rc && i < np; i++) {
        if (!fs[pr[i].feature] || !gs[pr[i].target])
            continue;
        size_t a = 0, b = 0;
        while (fi[a] != pr[i].feature)
            a++;
        while (gi[b] != pr[i].target)
            b++;
        v[a * ng + b] = pr[i].rho, v[top * top + a * ng + b] = pr[i].q;
    }
    if (!rc) {
        cJSON *hm = cJSON_AddObjectToObject(res, "heatmap");
        const char **nm = malloc((nf + ng + 1) * sizeof *nm);
        for (size_t k = 0; nm && k < nf + ng; k++)
            nm[k] = k < nf ? o->fname[fi[k]] : o->gname[gi[k - nf]];
        cJSON_AddItemToObject(hm, "features", vxs_json_strings(nm, nm ? nf : 0));
        cJSON_AddItemToObject(hm, "genes", vxs_json_strings(nm ? nm + nf : NULL, nm ? ng : 0));
        cJSON_AddItemToObject(hm, "rho", vxs_json_array(v, nf * ng));
        cJSON_AddItemToObject(hm, "q", vxs_json_array(v + top * top, nf * ng));
        rc = nm ? VX_OK : VX_ENOMEM;
        free(nm);
    }
    free(fi), free(gi), free(fs), free(gs), free(v);
    return rc;
}

/* the volcano points: the VOLCANO_HEAD smallest p, then every k-th other pair in p order (at most VOLCANO_MAX) */
static int assoc_volcano(const vx_assoc_pair *pr, size_t np, double qmax, cJSON *res)
{
    const size_t head = np < VOLCANO_HEAD ? np : VOLCANO_HEAD, rest = np - head, room = VOLCANO_MAX - VOLCANO_HEAD;
    const size_t every = rest > room ? (rest + room - 1) / room : 1;
    double *v = malloc((3 * (VOLCANO_MAX + 1)) * sizeof *v);
    if (!v)
        return VX_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < np && m < VOLCANO_MAX; i++)
        if (i < head || (i - head) % every == 0)
            v[m] = pr[i].rho, v[VOLCANO_MAX + m] = -log10(pr[i].p), v[2 * VOLCANO_MAX + m++] = pr[i].q < qmax;
    cJSON *vo = cJSON_AddObjectToObject(res, "volcano");
    cJSON_AddNumberToObject(vo, "points", (double)m);
    cJSON_AddNumberToObject(vo, "all_first", (double)head);
    cJSON_AddNumberToObject(vo, "every_other", (double)every);
    cJSON_AddItemToObject(vo, "rho", vxs_json_array(v, m));
    cJSON_AddItemToObject(vo, "neglog10p", vxs_json_array(v + VOLCANO_MAX, m));
    cJSON_AddItemToObject(vo, "significant", vxs_json_array(v + 2 * VOLCANO_MAX, m));
    free(v);
    return VX_OK;
}

static void assoc_counts(const vxs_omics *o, const vx_assoc_pair *pr, size_t np, double qmax, cJSON *res)
{
    size_t sig = 0, p05 = 0, nf = 0, ng = 0;
    unsigned char *fs = calloc(o->px + 1, 1), *gs = calloc(o->py + 1, 1);
    for (size_t i = 0; i < np; i++) {
        p05 += pr[i].p < 0.05;
        if (!(pr[i].q < qmax))
            continue;
        sig++;
        if (fs && !fs[pr[i].feature])
            fs[pr[i].feature] = 1, nf++;
        if (gs && !gs[pr[i].target])
            gs[pr[i].target] = 1, ng++;
    }
    cJSON_AddNumberToObject(res, "n_samples", (double)o->n);
    cJSON_AddNumberToObject(res, "n_features", (double)o->px);
    cJSON_AddNumberToObject(res, "n_genes", (double)o->py);
    cJSON_AddNumberToObject(res, "n_pairs", (double)np);
    cJSON_AddNumberToObject(res, "q_threshold", qmax);
    cJSON_AddNumberToObject(res, "n_significant", (double)sig);
    cJSON_AddNumberToObject(res, "n_p_below_0_05", (double)p05);
    cJSON_AddNumberToObject(res, "n_features_significant", (double)nf);
    cJSON_AddNumberToObject(res, "n_genes_significant", (double)ng);
    free(fs), free(gs);
}

int vxs_assoc_compute(const vxs_omics *o, vx_cor_method m, double qmax, size_t top, cJSON *res,
                      vx_assoc_pair **pairs, size_t *np, vx_error *err)
{
    int rc = vx_associate(m, o->x, o->n, o->px, o->y, o->py, 3, pairs, np, err);
    if (rc)
        return rc;
    static const char *const mname[] = {"spearman", "pearson", "kendall"};
    cJSON_AddStringToObject(res, "method", mname[m]);
    assoc_counts(o, *pairs, *np, qmax, res);
    const size_t tf = vxs_assoc_top_feature(*pairs, *np, o->px, qmax);
    cJSON_AddStringToObject(res, "top_feature", *np ? o->fname[tf] : "");
    cJSON *tp = cJSON_AddArrayToObject(res, "top_pairs");
    for (size_t i = 0; i < *np && i < 20; i++)
        cJSON_AddItemToArray(tp, pair_json(o, &(*pairs)[i]));
    rc = assoc_heatmap(o, *pairs, *np, top, res);
    if (!rc)
        rc = assoc_volcano(*pairs, *np, qmax, res);
    return rc ? vx_error_set(err, VX_ENOMEM, "out of memory") : VX_OK;
}

void vxs_gsea_running(const double *stat, size_t N, const size_t *hit, size_t k, double *running)
{
    double nr = 0;
    for (size_t j = 0; j < k; j++)
        nr += fabs(stat[hit[j]]);
    const double miss = N > k ? 1.0 / (double)(N - k) : 0;
    double s = 0;
    for (size_t i = 0, j = 0; i < N; i++) {
        if (j < k && hit[j] == i)
            s += nr > 0 ? fabs(stat[i]) / nr : 1.0 / (double)k, j++;
        else
            s -= miss;
        running[i] = s;
    }
}

static cJSON *gsea_set_json(const vx_gsea_run *run, const char *const *genes, const char *name, size_t t)
{
    const vx_gsea_result *g = &run->res[t];
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "set", name);
    cJSON_AddNumberToObject(r, "size", (double)g->size);
    cJSON_AddNumberToObject(r, "es", g->es);
    cJSON_AddNumberToObject(r, "nes", g->nes);
    cJSON_AddNumberToObject(r, "p", g->p);
    cJSON_AddNumberToObject(r, "q", g->q);
    cJSON *le = cJSON_AddArrayToObject(r, "leading_edge");
    const size_t *hit = run->hit + run->off[t];
    for (size_t j = 0; j < g->le_count; j++)
        cJSON_AddItemToArray(le, cJSON_CreateString(genes[run->order[hit[g->le_first + j]]]));
    return r;
}

/* the running sum and hits of tested set t, and the largest deviation of the running sum */
static int gsea_top_json(const vx_gsea_run *run, size_t t, cJSON *r)
{
    const size_t k = run->off[t + 1] - run->off[t], *hit = run->hit + run->off[t];
    double *rs = malloc((run->N + k + 1) * sizeof *rs), dev = 0;
    if (!rs)
        return VX_ENOMEM;
    vxs_gsea_running(run->stat, run->N, hit, k, rs);
    for (size_t i = 0; i < run->N; i++)
        dev = fabs(rs[i]) > fabs(dev) ? rs[i] : dev;
    cJSON_AddNumberToObject(r, "running_max_deviation", dev);
    cJSON_AddItemToObject(r, "running", vxs_json_array(rs, run->N));
    for (size_t j = 0; j < k; j++)
        rs[j] = (double)hit[j];
    cJSON_AddItemToObject(r, "hits", vxs_json_array(rs, k));
    free(rs);
    return VX_OK;
}

int vxs_gsea_compute(const char *const *genes, const double *stat, size_t N, const char *const *set_names,
                     const char *const *set_genes, const size_t *set_off, size_t nsets, const vxs_gsea_opts *o,
                     cJSON *res, vx_gsea_run *run, vx_error *err)
{
    int rc = vx_gsea_sets(genes, stat, N, set_genes, set_off, nsets, o->min_size, o->max_size, o->nperm, o->seed, run,
                          err);
    double *key = rc ? NULL : malloc((run->ntested + 1) * sizeof *key);
    size_t *ord = rc ? NULL : malloc((run->ntested + 1) * sizeof *ord), sig = 0;
    if (!rc && (!key || !ord))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    /* order: p, then the larger |NES| (|ES| without permutations) first */
    for (size_t t = 0; !rc && t < run->ntested; t++) {
        const vx_gsea_result *g = &run->res[t];
        key[t] = (isnan(g->p) ? 0 : g->p) - 1e-6 * fmin(fabs(isnan(g->nes) ? g->es : g->nes), 100) / 100;
        sig += g->q < 0.25;
    }
    if (!rc && vxs_order(key, run->ntested, ord))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (!rc) {
        cJSON_AddNumberToObject(res, "n_genes", (double)run->N);
        cJSON_AddNumberToObject(res, "n_sets", (double)nsets);
        cJSON_AddNumberToObject(res, "n_tested", (double)run->ntested);
        cJSON_AddNumberToObject(res, "n_q_below_0_25", (double)sig);
        cJSON *sets = cJSON_AddArrayToObject(res, "sets"), *top = cJSON_AddArrayToObject(res, "top");
        for (size_t i = 0; i < run->ntested; i++)
            cJSON_AddItemToArray(sets, gsea_set_json(run, genes, set_names[run->set[ord[i]]], ord[i]));
        for (size_t i = 0; !rc && i < run->ntested && i < o->top; i++) {
            cJSON *r = gsea_set_json(run, genes, set_names[run->set[ord[i]]], ord[i]);
            cJSON_AddItemToArray(top, r);
            if (gsea_top_json(run, ord[i], r))
                rc = vx_error_set(err, VX_ENOMEM, "out of memory");
        }
    }
    free(key), free(ord);
    return rc;
}

static void regress_summary(const vxs_omics *o, const vx_regress_result *out, cJSON *res)
{
    double *r = malloc((o->py + 1) * sizeof *r), sum = 0;
    size_t m = 0, above = 0, qs = 0, ps = 0;
    for (size_t j = 0; r && j < o->py; j++) {
        r[j] = out[j].r;
        if (isnan(out[j].r))
            continue;
        sum += out[j].r, m++, above += out[j].r > 0.3, qs += out[j].q < 0.05, ps += out[j].p < 0.05;
    }
    size_t *ord = malloc((o->py + 1) * sizeof *ord);
    double med = NAN;
    if (r && ord && m && !vxs_order(r, o->py, ord)) /* NaN last: the first m are the numbers */
        med = m % 2 ? r[ord[m / 2]] : 0.5 * (r[ord[m / 2 - 1]] + r[ord[m / 2]]);
    cJSON_AddNumberToObject(res, "n_samples", (double)o->n);
    cJSON_AddNumberToObject(res, "n_features", (double)o->px);
    cJSON_AddNumberToObject(res, "n_genes", (double)o->py);
    cJSON_AddNumberToObject(res, "n_genes_r", (double)m);
    cJSON_AddNumberToObject(res, "mean_r", m ? sum / (double)m : NAN);
    cJSON_AddNumberToObject(res, "median_r", med);
    cJSON_AddNumberToObject(res, "n_r_above_0_3", (double)above);
    cJSON_AddNumberToObject(res, "n_p_below_0_05", (double)ps);
    cJSON_AddNumberToObject(res, "n_q_below_0_05", (double)qs);
    cJSON_AddItemToObject(res, "r", vxs_json_array(r, r ? o->py : 0));
    cJSON *top = cJSON_AddArrayToObject(res, "top");
    for (size_t i = 0; r && ord && i < m && i < 10; i++) { /* the largest r first */
        const size_t j = ord[m - 1 - i];
        cJSON *g = cJSON_CreateObject();
        cJSON_AddStringToObject(g, "gene", o->gname[j]);
        cJSON_AddNumberToObject(g, "n", (double)out[j].n);
        cJSON_AddNumberToObject(g, "r", out[j].r);
        cJSON_AddNumberToObject(g, "p", out[j].p);
        cJSON_AddNumberToObject(g, "q", out[j].q);
        cJSON_AddItemToArray(top, g);
    }
    free(r), free(ord);
}

int vxs_regress_compute(const vxs_omics *o, const vx_regress_params *par, int folds, uint64_t fold_seed,
                        cJSON *res, vx_regress_result *out, vx_error *err)
{
    int *fold = malloc((o->n + 1) * sizeof *fold);
    int rc = fold ? vx_regress_folds(o->n, folds, fold_seed, fold, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (!rc)
        rc = vx_regress(o->x, o->n, o->px, o->y, o->py, fold, folds, par, out, NULL, err);
    free(fold);
    if (!rc)
        regress_summary(o, out, res);
    return rc;
}
