/* voxomics: percentiles by selection (linear interpolation between order statistics, Hyndman & Fan type 7).
 * See firstorder.h for the estimator.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feature/firstorder.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline void swap_d(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

static inline double median3(double a, double b, double c)
{
    if (a > b)
        swap_d(&a, &b);
    if (b > c)
        swap_d(&b, &c);
    if (a > b)
        swap_d(&a, &b);
    return b;
}

static void insertion_sort(double *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const double v = x[i];
        size_t at = i;
        for (; at > 0 && x[at - 1] > v; at--)
            x[at] = x[at - 1];
        x[at] = v;
    }
}

/* Rearrange x[lo..hi) (lo <= k < hi) so that x[k] holds the value of rank k of the whole array, every
 * element of x[lo..k) is <= x[k] and every element of x(k..hi) is >= x[k]. Three-way partitioning keeps
 * heavily tied data (integer CT values) linear; a pass budget falls back to qsort on adversarial input. */
static void select_rank(double *x, size_t lo, size_t hi, size_t k)
{
    int budget = 128;
    while (hi - lo > 1) {
        if (hi - lo <= 16) { /* (qsort would allocate) */
            insertion_sort(x + lo, hi - lo);
            return;
        }
        if (--budget < 0) {
            qsort(x + lo, hi - lo, sizeof *x, cmp_double);
            return;
        }
        double p = median3(x[lo], x[lo + (hi - lo) / 2], x[hi - 1]);
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (x[i] < p)
                swap_d(&x[lt++], &x[i++]);
            else if (x[i] > p)
                swap_d(&x[i], &x[--gt]);
            else
                i++;
        }
        /* [lo, lt) < p, [lt, gt) == p, [gt, hi) > p */
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
}

/* The rank k = floor(h) (clamped to 0..n-1) of the lower order statistic of percentile p, h = (n - 1) p. */
static size_t lower_rank(size_t n, double p, double *h)
{
    *h = (double)(n - 1) * p;
    double fk = floor(*h);
    size_t k = fk <= 0.0 ? 0 : (size_t)fk;
    return k > n - 1 ? n - 1 : k;
}

/* Percentiles by selection on x itself (permutes x); sorted: x is sorted already (the order statistics are its
 * elements: the same values as selection finds). */
static void quantiles_select(double *x, size_t n, int sorted, const double *probs, size_t np, double *out)
{
    /* invariant: x[0..lo) holds the lo smallest values */
    size_t lo = 0;
    for (size_t q = 0; q < np; q++) {
        double h;
        size_t k = lower_rank(n, probs[q], &h);
        if (k < lo) /* probs not ascending: restart the search (still correct) */
            lo = 0;
        if (!sorted)
            select_rank(x, lo, n, k);
        double v = x[k];
        double f = h - (double)k;
        if (f > 0.0 && k + 1 < n) {
            double m = x[k + 1];
            for (size_t i = k + 2; i < n && !sorted; i++)
                if (x[i] < m)
                    m = x[i];
            v += f * (m - v);
        }
        out[q] = v;
        lo = k;
    }
}

enum { NBUCKET = 4096 };

/* Bucket of v in [vmin, vmax]: monotone non-decreasing in v (IEEE subtraction and multiplication by a
 * positive constant are monotone, and so are truncation and clamping). */
static inline size_t bucket_of(double v, double vmin, double scale)
{
    double t = (v - vmin) * scale;
    size_t b = t < (double)NBUCKET ? (size_t)t : NBUCKET - 1;
    return b;
}

/* The order statistics needed (rank: k and k + 1 of every percentile, 2 np of them), their buckets rb
 * (from the cumulative counts start) and, per needed bucket, its offset slot[b] in the gather buffer
 * (-1: not needed). Returns the buffer size. */
static size_t needed_buckets(const size_t *start, size_t n, const double *probs, size_t np, size_t *rank,
                             size_t *rb, long *slot)
{
    size_t nr = 0;
    for (size_t q = 0; q < np; q++) {
        double h;
        size_t k = lower_rank(n, probs[q], &h);
        rank[nr++] = k;
        rank[nr++] = k + 1 < n ? k + 1 : k;
    }
    for (size_t b = 0; b < NBUCKET; b++)
        slot[b] = -1;
    size_t total = 0;
    for (size_t r = 0; r < nr; r++) {
        /* last bucket b with start[b] <= rank: non-empty since start[b + 1] > rank */
        size_t lo = 0, hi = NBUCKET; /* start[lo] <= rank < start[hi] */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (start[mid] <= rank[r])
                lo = mid;
            else
                hi = mid;
        }
        rb[r] = lo;
        if (slot[lo] < 0) {
            slot[lo] = (long)total; /* buffer offset of this bucket */
            total += start[lo + 1] - start[lo];
        }
    }
    return total;
}

int vx_quantiles(const double *x, size_t n, const double *probs, size_t np, double *out)
{
    if (n == 0 || np == 0)
        return VX_OK;
    double vmin = x[0], vmax = x[0];
    for (size_t i = 1; i < n; i++) {
        if (x[i] < vmin)
            vmin = x[i];
        if (x[i] > vmax)
            vmax = x[i];
    }
    if (vmin == vmax) {
        for (size_t q = 0; q < np; q++)
            out[q] = vmin;
        return VX_OK;
    }
    const double scale = (double)NBUCKET / (vmax - vmin);
    if (n <= 64 || !isfinite(scale) || !(scale > 0.0)) {
        double *c = malloc(n * sizeof *c);
        if (!c)
            return VX_ENOMEM;
        memcpy(c, x, n * sizeof *c);
        const int sort = n <= 64; /* few values: sorted by insertion, then read */
        if (sort)
            insertion_sort(c, n);
        quantiles_select(c, n, sort, probs, np, out);
        free(c);
        return VX_OK;
    }

    /* pass 1: bucket counts; start[b] = number of values in buckets < b */
    size_t *start = calloc(NBUCKET + 1, sizeof *start);
    long *slot = malloc(NBUCKET * sizeof *slot);
    size_t *rank = malloc(2 * np * sizeof *rank);
    size_t *rb = malloc(2 * np * sizeof *rb);
    double *buf = NULL, *val = NULL;
    size_t *fill = NULL;
    int rc = VX_ENOMEM;
    if (!start || !slot || !rank || !rb)
        goto done;
    for (size_t i = 0; i < n; i++)
        start[bucket_of(x[i], vmin, scale) + 1]++;
    for (size_t b = 0; b < NBUCKET; b++)
        start[b + 1] += start[b];

    /* the order statistics needed (k and k + 1 of every percentile) and their buckets */
    const size_t nr = 2 * np;
    const size_t total = needed_buckets(start, n, probs, np, rank, rb, slot);

    /* pass 2: gather the values of the needed buckets, then select inside each bucket */
    buf = malloc(total * sizeof *buf);
    fill = calloc(NBUCKET, sizeof *fill);
    if (!buf || !fill)
        goto done;
    for (size_t i = 0; i < n; i++) {
        size_t b = bucket_of(x[i], vmin, scale);
        if (slot[b] >= 0)
            buf[(size_t)slot[b] + fill[b]++] = x[i];
    }
    val = malloc(nr * sizeof *val);
    if (!val)
        goto done;
    for (size_t r = 0; r < nr; r++) {
        size_t b = rb[r], off = (size_t)slot[b], cnt = start[b + 1] - start[b];
        size_t k = off + (rank[r] - start[b]);
        select_rank(buf, off, off + cnt, k);
        val[r] = buf[k];
    }
    for (size_t q = 0; q < np; q++) {
        double h = (double)(n - 1) * probs[q];
        double f = h - floor(h);
        double v = val[2 * q];
        if (f > 0.0)
            v += f * (val[2 * q + 1] - v);
        out[q] = v;
    }
    rc = VX_OK;
done:
    free(val);
    free(buf);
    free(fill);
    free(start);
    free(slot);
    free(rank);
    free(rb);
    return rc;
}

void vx_quantiles_hist(const double *counts, size_t nb, double v0, double n, const double *probs, size_t np,
                       double *out)
{
    for (size_t q = 0; q < np; q++) {
        double h = (n - 1.0) * probs[q];
        double k = floor(h);
        double f = h - k;
        /* value of order statistic k (0-based): the first bin whose cumulative count exceeds k */
        size_t b = 0;
        double cum = 0.0;
        while (b < nb && cum + counts[b] <= k)
            cum += counts[b++];
        if (b >= nb)
            b = nb - 1;
        double v = v0 + (double)b;
        if (f > 0.0 && k + 1.0 < n) {
            size_t b2 = b;
            if (cum + counts[b] <= k + 1.0) { /* order statistic k + 1 lies in a later bin */
                b2 = b + 1;
                while (b2 < nb && counts[b2] == 0.0)
                    b2++;
                if (b2 >= nb)
                    b2 = b;
            }
            v += f * (double)(b2 - b);
        }
        out[q] = v;
    }
}
