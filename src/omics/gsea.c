/* Pre-ranked GSEA: the weighted Kolmogorov-Smirnov enrichment score (weight 1), its leading edge, and NES and
 * p values by gene-set permutation (fgsea's simple method) from a seeded generator (voxomics/omics.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "omics_internal.h"

double vx_gsea_es(const double *stat, size_t N, const size_t *hit, size_t k, size_t *peak)
{
    *peak = 0;
    if (k == 0 || k >= N)
        return 0.0;
    double nr = 0.0;
    for (size_t j = 0; j < k; j++)
        nr += fabs(stat[hit[j]]);
    double cum = 0.0, top = -INFINITY, bottom = INFINITY;
    size_t jt = 0, jb = 0;
    const double nmiss = (double)(N - k);
    for (size_t j = 0; j < k; j++) {
        const double a = fabs(stat[hit[j]]);
        cum += a;
        /* the running sum just after hit j, and just before it */
        const double miss = (double)(hit[j] - j) / nmiss;
        const double t = (nr > 0.0 ? cum / nr : (double)(j + 1) / (double)k) - miss;
        const double b = t - (nr > 0.0 ? a / nr : 1.0 / (double)k);
        if (t > top)
            top = t, jt = j;
        if (b < bottom)
            bottom = b, jb = j;
    }
    if (top > -bottom) {
        *peak = jt;
        return top;
    }
    if (top < -bottom) {
        *peak = jb;
        return bottom;
    }
    return 0.0;
}

/* ---- the generator: splitmix64 seeds xoshiro256** ----------------------------------------------------------- */
typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    const uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3], s[2] ^= t, s[3] = rotl(s[3], 45);
    return out;
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&x);
}

/* uniform integer in [0, m) (53-bit fraction times m) */
static size_t rng_below(rng *r, size_t m)
{
    const size_t v = (size_t)((double)(rng_next(r) >> 11) * 0x1.0p-53 * (double)m);
    return v < m ? v : m - 1;
}

static int sz_cmp(const void *a, const void *b)
{
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* nperm enrichment scores of random sets of size k into es */
static void perm_es(const double *stat, size_t N, size_t k, size_t nperm, uint64_t seed, size_t *pool, size_t *set,
                    double *es)
{
    rng r;
    rng_seed(&r, seed, (uint64_t)k);
    for (size_t i = 0; i < N; i++)
        pool[i] = i;
    for (size_t t = 0; t < nperm; t++) {
        for (size_t j = 0; j < k; j++) { /* partial Fisher-Yates */
            const size_t u = j + rng_below(&r, N - j), v = pool[j];
            pool[j] = pool[u], pool[u] = v;
            set[j] = pool[j];
        }
        qsort(set, k, sizeof *set, sz_cmp);
        size_t peak;
        es[t] = vx_gsea_es(stat, N, set, k, &peak);
    }
}

/* NES and p of one set from the permutation scores of its size */
static void nes_p(vx_gsea_result *g, const double *es, size_t nperm)
{
    double sum = 0.0;
    size_t same = 0, more = 0;
    for (size_t t = 0; t < nperm; t++) {
        const int ok = g->es >= 0.0 ? es[t] >= 0.0 : es[t] <= 0.0;
        if (!ok)
            continue;
        same++, sum += es[t];
        if (g->es >= 0.0 ? es[t] >= g->es : es[t] <= g->es)
            more++;
    }
    g->nes = same && sum != 0.0 ? g->es / fabs(sum / (double)same) : NAN;
    g->p = (double)(more + 1) / (double)(same + 1);
}

static int by_size(const vx_gsea_result *res, size_t nsets, size_t **order)
{
    size_t *o = malloc((nsets + 1) * sizeof *o);
    if (!o)
        return VX_ENOMEM;
    for (size_t s = 0; s < nsets; s++) /* insertion into size order via counting would need the max; qsort */
        o[s] = res[s].size * (nsets + 1) + s;
    qsort(o, nsets, sizeof *o, sz_cmp);
    for (size_t s = 0; s < nsets; s++)
        o[s] %= nsets + 1;
    *order = o;
    return VX_OK;
}

static int permute_all(const double *stat, size_t N, size_t nsets, size_t nperm, uint64_t seed, vx_gsea_result *res)
{
    size_t *order = NULL, *pool = malloc((N + 1) * sizeof *pool), *set = malloc((N + 1) * sizeof *set);
    double *es = malloc((nperm + 1) * sizeof *es);
    if (!pool || !set || !es || by_size(res, nsets, &order)) {
        free(pool), free(set), free(es), free(order);
        return VX_ENOMEM;
    }
    size_t last = (size_t)-1;
    for (size_t i = 0; i < nsets; i++) {
        vx_gsea_result *g = &res[order[i]];
        if (g->size == 0 || g->size >= N)
            continue;
        if (g->size != last)
            perm_es(stat, N, g->size, nperm, seed, pool, set, es);
        last = g->size;
        nes_p(g, es, nperm);
    }
    free(pool), free(set), free(es), free(order);
    return VX_OK;
}

int vx_gsea(const double *stat, size_t N, const size_t *hit, const size_t *off, size_t nsets, size_t nperm,
            uint64_t seed, vx_gsea_result *res, vx_error *err)
{
    for (size_t s = 0; s < nsets; s++) {
        vx_gsea_result *g = &res[s];
        const size_t *h = hit + off[s], k = off[s + 1] - off[s];
        size_t peak;
        g->size = k;
        g->es = vx_gsea_es(stat, N, h, k, &peak);
        g->nes = g->p = g->q = NAN;
        g->le_first = g->es > 0.0 ? 0 : peak;
        g->le_count = g->es > 0.0 ? peak + 1 : g->es < 0.0 ? k - peak : 0;
    }
    if (!nperm)
        return VX_OK;
    if (permute_all(stat, N, nsets, nperm, seed, res))
        return vx_error_set(err, VX_ENOMEM, "out of memory (GSEA permutations: %zu genes, %zu permutations)", N,
                            nperm);
    double *p = malloc((nsets + 1) * sizeof *p);
    if (!p)
        return vx_error_set(err, VX_ENOMEM, "out of memory (BH of %zu sets)", nsets);
    for (size_t s = 0; s < nsets; s++)
        p[s] = res[s].p;
    const int rc = vx_bh(p, nsets, p, err);
    for (size_t s = 0; !rc && s < nsets; s++)
        res[s].q = p[s];
    free(p);
    return rc;
}
