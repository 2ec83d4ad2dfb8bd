/* Ranks with ties, Benjamini-Hochberg, and the one-pair tests: correlation (Spearman, Pearson, Kendall tau-b)
 * and the group tests (Mann-Whitney, Kruskal-Wallis). Definitions in voxomics/omics.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "omics_internal.h"

typedef struct vi {
    double v;
    size_t i;
} vi;

static int vi_less(const vi *a, const vi *b)
{
    return a->v < b->v || (a->v == b->v && a->i < b->i);
}

/* stable merge sort of w[0..n) by value (then index) with tmp[0..n); no allocation (glibc's qsort allocates
 * above 1 kB, which dominated the many small rankings of an association) */
static void vi_sort(vi *w, vi *tmp, size_t n)
{
    const size_t run = 16;
    for (size_t s = 0; s < n; s += run) { /* insertion sort of runs */
        const size_t e = s + run < n ? s + run : n;
        for (size_t i = s + 1; i < e; i++) {
            const vi v = w[i];
            size_t j = i;
            while (j > s && vi_less(&v, &w[j - 1]))
                w[j] = w[j - 1], j--;
            w[j] = v;
        }
    }
    for (size_t width = run; width < n; width *= 2) {
        for (size_t s = 0; s < n; s += 2 * width) {
            const size_t m = s + width < n ? s + width : n, e = s + 2 * width < n ? s + 2 * width : n;
            size_t a = s, b = m, o = s;
            while (a < m && b < e)
                tmp[o++] = vi_less(&w[b], &w[a]) ? w[b++] : w[a++];
            while (a < m)
                tmp[o++] = w[a++];
            while (b < e)
                tmp[o++] = w[b++];
        }
        memcpy(w, tmp, n * sizeof *w);
    }
}

double omics_rank_buf(const double *x, size_t n, double *r, void *work)
{
    vi *w = work;
    for (size_t i = 0; i < n; i++)
        w[i].v = x[i], w[i].i = i;
    vi_sort(w, w + n, n);
    double ties = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && w[j].v == w[i].v)
            j++;
        const double avg = 0.5 * (double)(i + 1 + j), t = (double)(j - i);
        for (size_t k = i; k < j; k++)
            r[w[k].i] = avg;
        ties += t * t * t - t;
        i = j;
    }
    return ties;
}

size_t omics_rank_work(size_t n)
{
    return 2 * (n ? n : 1) * sizeof(vi);
}

double vx_rank(const double *x, size_t n, double *r)
{
    void *w = malloc(omics_rank_work(n));
    if (!w)
        return NAN;
    const double t = omics_rank_buf(x, n, r, w);
    free(w);
    return t;
}

static int p_cmp(const void *a, const void *b)
{
    const vi *x = a, *y = b;
    return x->v < y->v ? 1 : x->v > y->v ? -1 : (x->i > y->i) - (x->i < y->i); /* decreasing p */
}

int vx_bh(const double *p, size_t n, double *q, vx_error *err)
{
    vi *w = malloc((n ? n : 1) * sizeof *w);
    if (!w)
        return vx_error_set(err, VX_ENOMEM, "out of memory (BH adjustment of %zu p values)", n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i]))
            w[m].v = p[i], w[m].i = i, m++;
    qsort(w, m, sizeof *w, p_cmp);
    double run = 1.0;
    for (size_t r = 0; r < m; r++) { /* r-th largest p has rank m - r */
        const double v = w[r].v * (double)m / (double)(m - r);
        if (v < run)
            run = v;
        w[r].v = run;
    }
    for (size_t i = 0; i < n; i++)
        if (isnan(p[i]))
            q[i] = NAN;
    for (size_t r = 0; r < m; r++)
        q[w[r].i] = w[r].v;
    free(w);
    return VX_OK;
}

/* centre v[0..n) and scale it to unit norm; 0 when constant */
int omics_standardise(double *v, size_t n)
{
    double mean = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += v[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        v[i] -= mean;
        ss += v[i] * v[i];
    }
    if (!(ss > 0.0))
        return 0;
    const double s = 1.0 / sqrt(ss);
    for (size_t i = 0; i < n; i++)
        v[i] *= s;
    return 1;
}

double omics_cor_p(double r, size_t n)
{
    if (isnan(r) || n < 3)
        return NAN;
    if (fabs(r) >= 1.0)
        return 0.0;
    return vx_t_p2(r * sqrt((double)(n - 2) / (1.0 - r * r)), (double)(n - 2));
}

/* sum over tie groups of f(t) for sorted values v: t(t-1), t(t-1)(2t+5), t(t-1)(t-2) */
static void kendall_ties(double *v, size_t n, double s[3])
{
    s[0] = s[1] = s[2] = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j] == v[i])
            j++;
        const double t = (double)(j - i);
        s[0] += t * (t - 1.0), s[1] += t * (t - 1.0) * (2.0 * t + 5.0), s[2] += t * (t - 1.0) * (t - 2.0);
        i = j;
    }
}

static int dcmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void omics_kendall(const double *x, const double *y, size_t n, double *sort_buf, double *tau, double *p)
{
    double S = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            const double a = x[i] - x[j], b = y[i] - y[j];
            S += (double)(((a > 0) - (a < 0)) * ((b > 0) - (b < 0)));
        }
    double tx[3], ty[3];
    memcpy(sort_buf, x, n * sizeof *x);
    qsort(sort_buf, n, sizeof *sort_buf, dcmp);
    kendall_ties(sort_buf, n, tx);
    memcpy(sort_buf, y, n * sizeof *y);
    qsort(sort_buf, n, sizeof *sort_buf, dcmp);
    kendall_ties(sort_buf, n, ty);
    const double dn = (double)n, n0 = dn * (dn - 1.0) / 2.0;
    const double den = sqrt((n0 - tx[0] / 2.0) * (n0 - ty[0] / 2.0));
    if (!(den > 0.0) || n < 3) {
        *tau = *p = NAN;
        return;
    }
    *tau = S / den;
    const double v0 = dn * (dn - 1.0) * (2.0 * dn + 5.0);
    const double var = (v0 - tx[1] - ty[1]) / 18.0 + tx[0] * ty[0] / (2.0 * dn * (dn - 1.0)) +
                       tx[2] * ty[2] / (9.0 * dn * (dn - 1.0) * (dn - 2.0));
    *p = var > 0.0 ? fmin(1.0, 2.0 * vx_norm_upper(fabs(S) / sqrt(var))) : NAN;
}
