/* Gene names to positions: vx_gsea_sets (ranking, set hits, size filter, then vx_gsea) and vx_ora (universe,
 * selection, hypergeometric tails). Names are looked up in a sorted index (strcmp order) by binary search.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "omics_internal.h"

typedef struct named {
    const char *name;
    size_t i;
} named;

static int named_cmp(const void *a, const void *b)
{
    const named *x = a, *y = b;
    const int c = strcmp(x->name, y->name);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* sorted index of names[0..n) (first occurrence wins on lookup) */
static named *index_names(const char *const *names, size_t n)
{
    named *ix = malloc((n + 1) * sizeof *ix);
    if (!ix)
        return NULL;
    for (size_t i = 0; i < n; i++)
        ix[i].name = names[i], ix[i].i = i;
    qsort(ix, n, sizeof *ix, named_cmp);
    return ix;
}

/* the value i of the first entry named s, or (size_t)-1 */
static size_t lookup(const named *ix, size_t n, const char *s)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix[mid].name, s) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && !strcmp(ix[lo].name, s) ? ix[lo].i : (size_t)-1;
}

typedef struct ds {
    double v;
    size_t i;
} ds;

static int ds_desc(const void *a, const void *b)
{
    const ds *x = a, *y = b;
    if (x->v != y->v)
        return x->v > y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static int sz_cmp(const void *a, const void *b)
{
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* sorted distinct positions of the set's genes in the ranking into h; returns their number */
static size_t set_hits(const named *ix, size_t N, const size_t *pos_of, const char *const *g, size_t m, size_t *h)
{
    size_t k = 0;
    for (size_t j = 0; j < m; j++) {
        const size_t i = lookup(ix, N, g[j]);
        if (i != (size_t)-1)
            h[k++] = pos_of[i];
    }
    qsort(h, k, sizeof *h, sz_cmp);
    size_t u = 0;
    for (size_t j = 0; j < k; j++)
        if (!u || h[u - 1] != h[j])
            h[u++] = h[j];
    return u;
}

static int rank_genes(const double *stat, size_t N, vx_gsea_run *run, size_t *pos_of)
{
    ds *d = malloc((N + 1) * sizeof *d);
    if (!d)
        return VX_ENOMEM;
    for (size_t i = 0; i < N; i++)
        d[i].v = stat[i], d[i].i = i;
    qsort(d, N, sizeof *d, ds_desc);
    for (size_t r = 0; r < N; r++)
        run->order[r] = d[r].i, run->stat[r] = d[r].v, pos_of[d[r].i] = r;
    free(d);
    return VX_OK;
}

int vx_gsea_sets(const char *const *genes, const double *stat, size_t N, const char *const *set_genes,
                 const size_t *set_off, size_t nsets, size_t min_size, size_t max_size, size_t nperm, uint64_t seed,
                 vx_gsea_run *run, vx_error *err)
{
    memset(run, 0, sizeof *run);
    for (size_t i = 0; i < N; i++)
        if (!isfinite(stat[i]))
            return vx_error_set(err, VX_EINVAL, "GSEA: gene '%s' has no finite statistic", genes[i]);
    const size_t total = set_off[nsets];
    run->N = N;
    run->order = malloc((N + 1) * sizeof *run->order);
    run->stat = malloc((N + 1) * sizeof *run->stat);
    run->set = malloc((nsets + 1) * sizeof *run->set);
    run->hit = malloc((total + 1) * sizeof *run->hit);
    run->off = malloc((nsets + 1) * sizeof *run->off);
    run->res = malloc((nsets + 1) * sizeof *run->res);
    size_t *pos_of = malloc((N + 1) * sizeof *pos_of);
    named *ix = index_names(genes, N);
    int rc = VX_OK;
    if (!run->order || !run->stat || !run->set || !run->hit || !run->off || !run->res || !pos_of || !ix ||
        rank_genes(stat, N, run, pos_of))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory (GSEA of %zu genes, %zu sets)", N, nsets);
    run->off[0] = 0;
    for (size_t s = 0; !rc && s < nsets; s++) {
        size_t *h = run->hit + run->off[run->ntested];
        const size_t k = set_hits(ix, N, pos_of, set_genes + set_off[s], set_off[s + 1] - set_off[s], h);
        if (k < min_size || k > max_size || k == 0)
            continue;
        run->set[run->ntested++] = s;
        run->off[run->ntested] = run->off[run->ntested - 1] + k;
    }
    free(pos_of);
    free(ix);
    if (!rc)
        rc = vx_gsea(run->stat, N, run->hit, run->off, run->ntested, nperm, seed, run->res, err);
    if (rc)
        vx_gsea_run_free(run);
    return rc;
}

void vx_gsea_run_free(vx_gsea_run *run)
{
    if (!run)
        return;
    free(run->order), free(run->stat), free(run->set), free(run->hit), free(run->off), free(run->res);
    memset(run, 0, sizeof *run);
}

/* flags over the tested genes: 1 in the universe (annotated), 2 also selected */
static void ora_universe(const named *ix, size_t nt, const char *const *selected, size_t ns,
                         const char *const *set_genes, size_t total, unsigned char *flag, size_t *N, size_t *n)
{
    *N = *n = 0;
    for (size_t j = 0; j < total; j++) {
        const size_t i = lookup(ix, nt, set_genes[j]);
        if (i != (size_t)-1 && !flag[i])
            flag[i] = 1, (*N)++;
    }
    for (size_t j = 0; j < ns; j++) {
        const size_t i = lookup(ix, nt, selected[j]);
        if (i != (size_t)-1 && flag[i] == 1)
            flag[i] = 2, (*n)++;
    }
}

int vx_ora(const char *const *tested, size_t nt, const char *const *selected, size_t ns,
           const char *const *set_genes, const size_t *set_off, size_t nsets, vx_ora_result *res,
           unsigned char *in_overlap, size_t *universe, size_t *nselected, vx_error *err)
{
    named *ix = index_names(tested, nt);
    unsigned char *flag = calloc(nt + 1, 1), *seen = calloc(nt + 1, 1);
    double *p = malloc((nsets + 1) * sizeof *p);
    if (!ix || !flag || !seen || !p) {
        free(ix), free(flag), free(seen), free(p);
        return vx_error_set(err, VX_ENOMEM, "out of memory (ORA of %zu genes, %zu sets)", nt, nsets);
    }
    size_t N, n;
    ora_universe(ix, nt, selected, ns, set_genes, set_off[nsets], flag, &N, &n);
    for (size_t s = 0; s < nsets; s++) {
        size_t K = 0, k = 0;
        for (size_t j = set_off[s]; j < set_off[s + 1]; j++) {
            const size_t i = lookup(ix, nt, set_genes[j]);
            in_overlap[j] = 0;
            if (i == (size_t)-1 || seen[i])
                continue;
            seen[i] = 1, K++;
            if (flag[i] == 2)
                k++, in_overlap[j] = 1;
        }
        for (size_t j = set_off[s]; j < set_off[s + 1]; j++) { /* clear the marks of this set */
            const size_t i = lookup(ix, nt, set_genes[j]);
            if (i != (size_t)-1)
                seen[i] = 0;
        }
        res[s] = (vx_ora_result){K, k, N ? (double)n * (double)K / (double)N : NAN, NAN, NAN};
        res[s].p = p[s] = K ? vx_ora_p((long)k, (long)K, (long)N, (long)n) : NAN;
    }
    const int rc = vx_bh(p, nsets, p, err);
    for (size_t s = 0; !rc && s < nsets; s++)
        res[s].q = p[s];
    *universe = N, *nselected = n;
    free(ix), free(flag), free(seen), free(p);
    return rc;
}
