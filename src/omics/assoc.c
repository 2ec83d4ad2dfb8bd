/* vx_associate: every feature x target correlation of two matrices, pairwise-complete, ranks shared by the
 * columns of one missingness pattern (voxomics/omics.h).
 *
 * Columns are grouped by their pattern of missing samples. Each pair of patterns (one of x, one of y) has one
 * set S of complete samples; pattern pairs are grouped by S, and for each distinct S every column of the
 * patterns involved is ranked (Spearman) and standardised once over S, so that a correlation is one dot product.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "omics_internal.h"

typedef struct patterns {
    size_t np;          /* distinct patterns */
    unsigned char *mask; /* np x n: 1 = missing */
    size_t *of;          /* pattern of each column */
    size_t *start, *col; /* the columns of pattern k: col[start[k] .. start[k+1]) */
} patterns;

/* the columns of each pattern, in column order */
static int list_columns(size_t p, patterns *pt)
{
    pt->start = calloc(pt->np + 2, sizeof *pt->start);
    pt->col = malloc((p + 1) * sizeof *pt->col);
    if (!pt->start || !pt->col)
        return VX_ENOMEM;
    for (size_t j = 0; j < p; j++)
        pt->start[pt->of[j] + 2]++;
    for (size_t k = 0; k < pt->np; k++)
        pt->start[k + 2] += pt->start[k + 1];
    for (size_t j = 0; j < p; j++)
        pt->col[pt->start[pt->of[j] + 1]++] = j;
    return VX_OK;
}

static int find_patterns(const double *x, size_t n, size_t p, patterns *pt)
{
    pt->np = 0;
    pt->mask = malloc((p + 1) * (n + 1));
    pt->of = malloc((p + 1) * sizeof *pt->of);
    unsigned char *cur = malloc(n + 1);
    if (!pt->mask || !pt->of || !cur) {
        free(cur);
        return VX_ENOMEM;
    }
    for (size_t j = 0; j < p; j++) {
        for (size_t i = 0; i < n; i++)
            cur[i] = (unsigned char)isnan(x[j * n + i]);
        size_t k = 0;
        while (k < pt->np && memcmp(pt->mask + k * n, cur, n))
            k++;
        if (k == pt->np)
            memcpy(pt->mask + pt->np++ * n, cur, n);
        pt->of[j] = k;
    }
    free(cur);
    return list_columns(p, pt);
}

typedef struct ppair {
    size_t g, a, b;          /* complete-set group, patterns of x and y */
    const unsigned char *s; /* complete-case key (1 = left out) */
} ppair;

static int ppair_cmp(const void *u, const void *v)
{
    const ppair *x = u, *y = v;
    if (x->g != y->g)
        return x->g < y->g ? -1 : 1;
    return x->a != y->a ? (x->a > y->a) - (x->a < y->a) : (x->b > y->b) - (x->b < y->b);
}

typedef struct work {
    const double *x, *y;
    size_t n, px, py, min_pairs;
    vx_cor_method m;
    patterns px_pt, py_pt;
    double *zx, *zy;    /* standardised columns over the current S: px x n, py x n */
    unsigned char *okx, *oky; /* column prepared (not constant) for the current S */
    size_t *idx;        /* the samples of S */
    double *tmp, *tmp2;
    double *rx, *ry;     /* Spearman: each column's ranks over its own non-missing samples (NaN where missing) */
    size_t *gone;        /* samples of a column left out of the current S */
    const unsigned char *out_s; /* the current S: 1 = left out */
    void *rw;
    vx_assoc_pair *out;
    size_t nout;
} work;

/* own ranks of every column (Spearman): ranks over the column's non-missing samples, NaN elsewhere */
static void own_ranks(work *w, const double *v, size_t p, double *r)
{
    const size_t n = w->n;
    for (size_t j = 0; j < p; j++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(v[j * n + i]))
                w->idx[m] = i, w->tmp[m++] = v[j * n + i];
        omics_rank_buf(w->tmp, m, w->tmp2, w->rw);
        for (size_t i = 0; i < n; i++)
            r[j * n + i] = NAN;
        for (size_t k = 0; k < m; k++)
            r[j * n + w->idx[k]] = w->tmp2[k];
    }
}

/* Ranks over S from the column's own ranks when S leaves out few of its samples: each left-out sample j lowers
 * the rank of sample i by [x_j < x_i] + [x_j == x_i] / 2 (exact half-integers, the same as ranking S afresh). */
static int rank_by_removal(work *w, const double *col, const double *own, size_t ns, double *z)
{
    size_t ng = 0;
    for (size_t i = 0; i < w->n; i++)
        if (w->out_s[i] && !isnan(col[i])) {
            if (ng == 8)
                return 0;
            w->gone[ng++] = i;
        }
    for (size_t k = 0; k < ns; k++) {
        const size_t i = w->idx[k];
        double r = own[i];
        for (size_t g = 0; g < ng; g++)
            r -= (col[w->gone[g]] < col[i]) + 0.5 * (col[w->gone[g]] == col[i]);
        z[k] = r;
    }
    return 1;
}

/* gather column c over S (idx, ns), rank if Spearman, standardise into z; 1 when not constant */
static int prepare(work *w, const double *col, const double *own, size_t ns, double *z)
{
    if (w->m != VX_COR_SPEARMAN || !rank_by_removal(w, col, own, ns, z)) {
        for (size_t i = 0; i < ns; i++)
            w->tmp[i] = col[w->idx[i]];
        if (w->m == VX_COR_SPEARMAN)
            omics_rank_buf(w->tmp, ns, z, w->rw);
        else
            memcpy(z, w->tmp, ns * sizeof *z);
    }
    return omics_standardise(z, ns);
}

static void pair_out(work *w, size_t fj, size_t tj, size_t ns, double rho, double p)
{
    if (isnan(p))
        return;
    vx_assoc_pair *o = &w->out[w->nout++];
    o->feature = fj, o->target = tj, o->n = ns, o->rho = rho, o->p = p, o->q = NAN;
}

/* the correlations of the pattern pairs pp[0..np), which share the complete set pp[0].s */
static void do_group(work *w, const ppair *pp, size_t np)
{
    const size_t n = w->n;
    size_t ns = 0;
    for (size_t i = 0; i < n; i++)
        if (!pp[0].s[i])
            w->idx[ns++] = i;
    if (ns < w->min_pairs || ns < 3)
        return;
    w->out_s = pp[0].s;
    for (size_t k = 0; k < np; k++) { /* forget the columns prepared for the previous complete set */
        for (size_t c = w->px_pt.start[pp[k].a]; c < w->px_pt.start[pp[k].a + 1]; c++)
            w->okx[w->px_pt.col[c]] = 0;
        for (size_t c = w->py_pt.start[pp[k].b]; c < w->py_pt.start[pp[k].b + 1]; c++)
            w->oky[w->py_pt.col[c]] = 0;
    }
    const patterns *A = &w->px_pt, *B = &w->py_pt;
    for (size_t k = 0; k < np; k++) {
        for (size_t c = A->start[pp[k].a]; c < A->start[pp[k].a + 1]; c++) {
            const size_t j = A->col[c];
            if (!(w->okx[j] & 2))
                w->okx[j] = (unsigned char)(2 | prepare(w, w->x + j * n, w->rx + j * n, ns, w->zx + j * n));
        }
        for (size_t c = B->start[pp[k].b]; c < B->start[pp[k].b + 1]; c++) {
            const size_t j = B->col[c];
            if (!(w->oky[j] & 2))
                w->oky[j] = (unsigned char)(2 | prepare(w, w->y + j * n, w->ry + j * n, ns, w->zy + j * n));
        }
    }
    for (size_t k = 0; k < np; k++)
        for (size_t c = A->start[pp[k].a]; c < A->start[pp[k].a + 1]; c++) {
            const size_t fj = A->col[c];
            if (w->okx[fj] != 3)
                continue;
            const double *a = w->zx + fj * n;
            for (size_t d = B->start[pp[k].b]; d < B->start[pp[k].b + 1]; d++) {
                const size_t tj = B->col[d];
                if (w->oky[tj] != 3)
                    continue;
                const double *b = w->zy + tj * n;
                double r = 0.0;
                for (size_t i = 0; i < ns; i++)
                    r += a[i] * b[i];
                r = r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
                pair_out(w, fj, tj, ns, r, omics_cor_p(r, ns));
            }
        }
}

/* Kendall: each pair on its own complete cases */
static void do_kendall(work *w)
{
    const size_t n = w->n;
    for (size_t fj = 0; fj < w->px; fj++)
        for (size_t tj = 0; tj < w->py; tj++) {
            const double *a = w->x + fj * n, *b = w->y + tj * n;
            size_t ns = 0;
            for (size_t i = 0; i < n; i++)
                if (!isnan(a[i]) && !isnan(b[i]))
                    w->zx[ns] = a[i], w->zy[ns] = b[i], ns++;
            if (ns < w->min_pairs || ns < 3)
                continue;
            double tau, p;
            omics_kendall(w->zx, w->zy, ns, w->tmp2, &tau, &p);
            pair_out(w, fj, tj, ns, tau, p);
        }
}

static int out_cmp(const void *u, const void *v)
{
    const vx_assoc_pair *x = u, *y = v;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    if (x->feature != y->feature)
        return x->feature < y->feature ? -1 : 1;
    return (x->target > y->target) - (x->target < y->target);
}

/* the pattern pairs sorted by complete set, then the groups */
static int run_patterns(work *w, vx_error *err)
{
    const size_t n = w->n, na = w->px_pt.np, nb = w->py_pt.np;
    ppair *pp = malloc((na * nb + 1) * sizeof *pp);
    unsigned char *keys = malloc((na * nb + 1) * n + 1);
    if (!pp || !keys) {
        free(pp);
        free(keys);
        return vx_error_set(err, VX_ENOMEM, "out of memory (%zu x %zu missingness patterns)", na, nb);
    }
    size_t ng = 0; /* distinct complete sets, stored at keys + g * n */
    unsigned char *cur = keys + na * nb * n;
    for (size_t a = 0; a < na; a++)
        for (size_t b = 0; b < nb; b++) {
            for (size_t i = 0; i < n; i++)
                cur[i] = w->px_pt.mask[a * n + i] | w->py_pt.mask[b * n + i];
            size_t g = 0;
            while (g < ng && memcmp(keys + g * n, cur, n))
                g++;
            if (g == ng)
                memcpy(keys + ng++ * n, cur, n);
            pp[a * nb + b] = (ppair){g, a, b, keys + g * n};
        }
    qsort(pp, na * nb, sizeof *pp, ppair_cmp);
    for (size_t s = 0; s < na * nb;) {
        size_t e = s + 1;
        while (e < na * nb && pp[e].g == pp[s].g)
            e++;
        do_group(w, pp + s, e - s);
        s = e;
    }
    free(pp);
    free(keys);
    return VX_OK;
}

static void work_free(work *w)
{
    free(w->px_pt.mask), free(w->px_pt.of), free(w->py_pt.mask), free(w->py_pt.of);
    free(w->px_pt.start), free(w->px_pt.col), free(w->py_pt.start), free(w->py_pt.col);
    free(w->zx), free(w->zy), free(w->okx), free(w->oky), free(w->idx), free(w->tmp), free(w->tmp2), free(w->rw);
    free(w->rx), free(w->ry), free(w->gone);
}

int vx_assoc_adjust(vx_assoc_pair *pairs, size_t n, vx_error *err)
{
    qsort(pairs, n, sizeof *pairs, out_cmp);
    double *p = malloc((n + 1) * sizeof *p);
    if (!p)
        return vx_error_set(err, VX_ENOMEM, "out of memory (BH of %zu pairs)", n);
    for (size_t i = 0; i < n; i++)
        p[i] = pairs[i].p;
    const int rc = vx_bh(p, n, p, err);
    for (size_t i = 0; !rc && i < n; i++)
        pairs[i].q = p[i];
    free(p);
    return rc;
}

int vx_associate_groups(const double *x, size_t n, size_t px, const int *g, const int *k, size_t pg,
                        size_t min_pairs, vx_assoc_pair **pairs, size_t *npairs, vx_error *err)
{
    *pairs = NULL;
    *npairs = 0;
    vx_assoc_pair *out = malloc((px * pg + 1) * sizeof *out);
    if (!out)
        return vx_error_set(err, VX_ENOMEM, "out of memory (%zu x %zu group tests)", px, pg);
    size_t m = 0;
    for (size_t fj = 0; fj < px; fj++)
        for (size_t tj = 0; tj < pg; tj++) {
            double stat, rho, p;
            size_t used;
            const int rc = vx_group_test(x + fj * n, g + tj * n, n, k[tj], &stat, &rho, &p, &used, err);
            if (rc) {
                free(out);
                return rc;
            }
            if (used >= min_pairs && used >= 3 && !isnan(p))
                out[m++] = (vx_assoc_pair){fj, tj, used, rho, p, NAN};
        }
    const int rc = vx_assoc_adjust(out, m, err);
    if (rc) {
        free(out);
        return rc;
    }
    *pairs = out, *npairs = m;
    return VX_OK;
}

int vx_associate(vx_cor_method m, const double *x, size_t n, size_t px, const double *y, size_t py,
                 size_t min_pairs, vx_assoc_pair **pairs, size_t *npairs, vx_error *err)
{
    *pairs = NULL;
    *npairs = 0;
    if (m != VX_COR_SPEARMAN && m != VX_COR_PEARSON && m != VX_COR_KENDALL)
        return vx_error_set(err, VX_EINVAL, "association: unknown correlation method %d", (int)m);
    work w = {.x = x, .y = y, .n = n, .px = px, .py = py, .min_pairs = min_pairs, .m = m};
    const size_t cap = n > 1 ? n : 1;
    w.zx = malloc((m == VX_COR_KENDALL ? cap : px * cap + 1) * sizeof *w.zx);
    w.zy = malloc((m == VX_COR_KENDALL ? cap : py * cap + 1) * sizeof *w.zy);
    w.okx = malloc(px + 1), w.oky = malloc(py + 1), w.idx = malloc(cap * sizeof *w.idx);
    w.tmp = malloc(cap * sizeof *w.tmp), w.tmp2 = malloc(cap * sizeof *w.tmp2), w.rw = malloc(omics_rank_work(n));
    w.gone = malloc(8 * sizeof *w.gone);
    if (m == VX_COR_SPEARMAN)
        w.rx = malloc((px * cap + 1) * sizeof *w.rx), w.ry = malloc((py * cap + 1) * sizeof *w.ry);
    w.out = malloc((px * py + 1) * sizeof *w.out);
    int rc = VX_OK;
    if (!w.zx || !w.zy || !w.okx || !w.oky || !w.idx || !w.tmp || !w.tmp2 || !w.rw || !w.out || !w.gone ||
        (m == VX_COR_SPEARMAN && (!w.rx || !w.ry)) ||
        find_patterns(x, n, px, &w.px_pt) || find_patterns(y, n, py, &w.py_pt))
        rc = vx_error_set(err, VX_ENOMEM, "out of memory (association of %zu x %zu columns, %zu samples)", px, py, n);
    else if (m == VX_COR_KENDALL)
        do_kendall(&w);
    else {
        if (m == VX_COR_SPEARMAN)
            own_ranks(&w, x, px, w.rx), own_ranks(&w, y, py, w.ry);
        rc = run_patterns(&w, err);
    }
    work_free(&w);
    if (rc) {
        free(w.out);
        return rc;
    }
    rc = vx_assoc_adjust(w.out, w.nout, err);
    if (rc)
        free(w.out);
    else
        *pairs = w.out, *npairs = w.nout;
    return rc;
}
