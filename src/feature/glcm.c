/* voxomics: grey level co-occurrence matrix (GLCM) features, IBSI family LFYI (IBSI 1 section 3.6).
 *
 * Matrix. For a direction vector m (one of the 13 unique 3D neighbour directions of vx_texture_dirs,
 * multiplied by the Chebyshev distance delta = fs->glcm_distance), element (i, j) of M_m counts the voxel
 * pairs (k, k + m) with grey level i at k and j at k + m, where both voxels lie in the intensity mask.
 * The IBSI matrix is symmetric: M_m = M_{m+} + M_{m-} = M_{m+} + M_{m+}^T (fs->glcm_symmetric; when 0,
 * only M_{m+} is counted, a non-IBSI option). The matrix is N_g x N_g with N_g = roi->n_grey, the number
 * of grey levels of the discretisation (not only those present). 2D matrices (one z-slice) pair voxels
 * inside the slice only. Merging (IBSI methods 2, 3 and 5) sums co-occurrence counts element-wise.
 *
 * Storage: a matrix with few non-zero cells (typically a 2D slice, or a large N_g) keeps only those
 * cells (sparse); otherwise, and always once something is merged into it, the full N_g x N_g array of
 * counts (dense). Both hold exact integer counts in doubles.
 *
 * Features use p_ij = M_ij / sum(M), the marginals p_i. and p_.j, the diagonal probabilities
 * p_{i-j,k} (k = |i-j|, 0..N_g-1) and the cross-diagonal probabilities p_{i+j,k} (k = i+j, 2..2N_g).
 *
 * Degenerate matrices (docs/features.md, "Degenerate regions"): a matrix without pairs is empty (every
 * feature NaN; left out of averages). A single occupied grey level gives exact values (probabilities are
 * divided, not multiplied by a reciprocal, so p = 1 exactly; entropies are >= 0 term by term), and NaN for
 * correlation and the first information correlation, whose definitions are 0/0 there; whether a marginal
 * has one level is counted, not read off a computed variance.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <lapacke.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feature/texture.h"
#include "voxomics/feature.h"
#include "voxomics/settings.h"

enum { GLCM_NF = 26 }; /* the 25 IBSI features and PyRadiomics' MCC (compat pyradiomics only) */

typedef struct glcm_mat {
    int ng;            /* N_g: the matrix is N_g x N_g */
    int dense;         /* 1: val is the N_g x N_g array (row-major); 0: nnz cells (ci, cj, val) */
    size_t nnz;        /* sparse: number of stored (non-zero) cells */
    uint32_t *ci, *cj; /* sparse: 0-based grey levels (row i = level at k, column j = level at k + m) */
    double *val;       /* counts */
    int lo, hi;        /* 0-based range of the occupied grey levels, rows and columns (lo > hi: empty) */
} glcm_mat;

static glcm_mat *glcm_new(int ng)
{
    glcm_mat *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->ng = ng > 0 ? ng : 0;
    g->lo = 0;
    g->hi = -1;
    return g;
}

static void glcm_free(void *p)
{
    glcm_mat *g = p;
    if (g) {
        free(g->ci);
        free(g->cj);
        free(g->val);
        free(g);
    }
}

/* Half-open range of coordinate c in [lo, hi) such that c + d also lies in [lo, hi). */
static void pair_range(size_t lo, size_t hi, long d, size_t *a, size_t *b)
{
    long l = (long)lo, h = (long)hi;
    long s = d < 0 ? l - d : l;
    long e = d > 0 ? h - d : h;
    if (e < s)
        e = s;
    *a = (size_t)s;
    *b = (size_t)e;
}

/* Count the pairs M_{m+}(i, j) between voxel p and p + off over the pair box [a, b) into c (N_g x N_g,
 * row i = level of p). With track set, also list each cell once, when it is first hit (branch-free:
 * the list entry is always written, the list grows only for a new cell). Returns the number listed. */
static size_t glcm_count_pairs(const vx_roi *roi, const size_t a[3], const size_t b[3], ptrdiff_t off, int track,
                               uint32_t *c, uint32_t *touched)
{
    const size_t nx = roi->dims[0], nxy = roi->dims[0] * roi->dims[1];
    const int32_t *grey = roi->grey;
    const uint8_t *im = roi->imask;
    const uint32_t ung = (uint32_t)roi->n_grey;
    size_t nt = 0;
    for (size_t z = a[2]; z < b[2]; z++) {
        for (size_t y = a[1]; y < b[1]; y++) {
            const size_t row = nx * y + nxy * z;
            if (track) {
                for (size_t x = a[0]; x < b[0]; x++) {
                    const size_t p = row + x;
                    const size_t q = (size_t)((ptrdiff_t)p + off);
                    if (!im[p] || !im[q])
                        continue;
                    const uint32_t gi = (uint32_t)grey[p] - 1u, gj = (uint32_t)grey[q] - 1u;
                    if (gi < ung && gj < ung) { /* grey levels 1..N_g; anything else is not in the mask */
                        const uint32_t idx = gi * ung + gj;
                        touched[nt] = gi << 16 | gj;
                        nt += c[idx] == 0;
                        c[idx]++;
                    }
                }
            } else {
                for (size_t x = a[0]; x < b[0]; x++) {
                    const size_t p = row + x;
                    const size_t q = (size_t)((ptrdiff_t)p + off);
                    if (!im[p] || !im[q])
                        continue;
                    const uint32_t gi = (uint32_t)grey[p] - 1u, gj = (uint32_t)grey[q] - 1u;
                    if (gi < ung && gj < ung)
                        c[gi * ung + gj]++;
                }
            }
        }
    }
    return nt;
}

/* Dense counts (no cell list): M = M+ + M+^T (symmetric) or M+ into a dense matrix over the occupied
 * grey-level band [lo, hi]. Returns 0 or VX_ENOMEM. */
static int glcm_from_dense_counts(glcm_mat *g, const uint32_t *c, size_t n, int sym)
{
    const size_t nn = n * n;
    size_t glo = n, ghi = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (c[i * n + j]) {
                glo = i < glo ? i : glo;
                glo = j < glo ? j : glo;
                ghi = i > ghi ? i : ghi;
                ghi = j > ghi ? j : ghi;
            }
    if (glo > ghi)
        return 0;
    g->val = calloc(nn, sizeof *g->val);
    if (!g->val)
        return VX_ENOMEM;
    g->dense = 1;
    g->lo = (int)glo;
    g->hi = (int)ghi;
    for (size_t i = glo; i <= ghi; i++)
        for (size_t j = glo; j <= ghi; j++)
            g->val[i * n + j] = (double)c[i * n + j] + (sym ? (double)c[j * n + i] : 0.0);
    return 0;
}

/* A sparse cell as a sort key (row, then column) and its count. */
typedef struct keyed_cell {
    uint64_t key;
    double val;
} keyed_cell;

static int keyed_cmp(const void *a, const void *b)
{
    const uint64_t x = ((const keyed_cell *)a)->key, y = ((const keyed_cell *)b)->key;
    return (x > y) - (x < y);
}

/* The cells of sparse g in row-major order (row i, then column j), the order of a dense matrix: the features sum
 * the cells in that order, so a matrix gives the same bits however it was counted and stored. 0 or VX_ENOMEM. */
static int glcm_sort_cells(glcm_mat *g)
{
    keyed_cell *t = malloc((g->nnz ? g->nnz : 1) * sizeof *t);
    if (!t)
        return VX_ENOMEM;
    for (size_t k = 0; k < g->nnz; k++)
        t[k] = (keyed_cell){(uint64_t)g->ci[k] << 32 | g->cj[k], g->val[k]};
    if (g->nnz > 48) {
        qsort(t, g->nnz, sizeof *t, keyed_cmp);
    } else { /* few cells (a small ROI): insertion */
        for (size_t k = 1; k < g->nnz; k++) {
            const keyed_cell c = t[k];
            size_t at = k;
            for (; at > 0 && t[at - 1].key > c.key; at--)
                t[at] = t[at - 1];
            t[at] = c;
        }
    }
    for (size_t k = 0; k < g->nnz; k++) {
        g->ci[k] = (uint32_t)(t[k].key >> 32);
        g->cj[k] = (uint32_t)t[k].key;
        g->val[k] = t[k].val;
    }
    free(t);
    return 0;
}

/* Listed counts (nt > 0 cells in touched): M = M+ + M+^T (symmetric) or M+, dense when at least half
 * the cells are occupied, otherwise sparse. Returns 0 or VX_ENOMEM. */
static int glcm_from_listed_counts(glcm_mat *g, const uint32_t *c, const uint32_t *touched, size_t nt, size_t n,
                                   int sym)
{
    const size_t nn = n * n;
    /* Cells of the result: a diagonal cell once; an off-diagonal pair (i, j), (j, i) once, from the
     * listed cell with i < j or from the only one of the two that is listed. */
    size_t nout = 0, glo = n, ghi = 0;
    for (size_t t = 0; t < nt; t++) {
        const size_t i = touched[t] >> 16, j = touched[t] & 0xffffu;
        glo = i < glo ? i : glo;
        glo = j < glo ? j : glo;
        ghi = i > ghi ? i : ghi;
        ghi = j > ghi ? j : ghi;
        if (!sym || i == j)
            nout++;
        else if (i < j || c[j * n + i] == 0)
            nout += 2;
    }
    g->lo = (int)glo;
    g->hi = (int)ghi;
    if (2 * nout >= nn) { /* dense */
        g->val = calloc(nn, sizeof *g->val);
        if (!g->val)
            return VX_ENOMEM;
        g->dense = 1;
        for (size_t t = 0; t < nt; t++) {
            const size_t i = touched[t] >> 16, j = touched[t] & 0xffffu;
            const double cij = (double)c[i * n + j];
            g->val[i * n + j] += cij;
            if (sym)
                g->val[j * n + i] += cij;
        }
        return 0;
    }
    /* sparse */
    g->ci = malloc(nout * sizeof *g->ci);
    g->cj = malloc(nout * sizeof *g->cj);
    g->val = malloc(nout * sizeof *g->val);
    if (!g->ci || !g->cj || !g->val)
        return VX_ENOMEM;
    size_t k = 0;
    for (size_t t = 0; t < nt; t++) {
        const uint32_t i = touched[t] >> 16, j = touched[t] & 0xffffu;
        const double cij = (double)c[(size_t)i * n + j];
        if (!sym) {
            g->ci[k] = i, g->cj[k] = j, g->val[k++] = cij;
        } else if (i == j) {
            g->ci[k] = i, g->cj[k] = j, g->val[k++] = 2.0 * cij;
        } else if (i < j || c[(size_t)j * n + i] == 0) {
            const double v = cij + (double)c[(size_t)j * n + i];
            g->ci[k] = i, g->cj[k] = j, g->val[k++] = v;
            g->ci[k] = j, g->cj[k] = i, g->val[k++] = v;
        }
    }
    g->nnz = k;
    return glcm_sort_cells(g);
}

/* Number of distinct grey levels in the intensity mask (PyRadiomics' MCC is 1 when the ROI has only one). */
static int roi_grey_levels(const vx_roi *roi)
{
    const size_t ng = roi->n_grey > 0 ? (size_t)roi->n_grey : 0;
    uint8_t *seen = calloc(ng + 1, 1);
    if (!seen)
        return 0;
    int n = 0;
    for (size_t z = roi->box_lo[2]; z < roi->box_hi[2]; z++)
        for (size_t y = roi->box_lo[1]; y < roi->box_hi[1]; y++) {
            const size_t row = roi->dims[0] * (y + roi->dims[1] * z);
            for (size_t x = roi->box_lo[0]; x < roi->box_hi[0]; x++) {
                const int32_t gv = roi->grey[row + x];
                if (roi->imask[row + x] && gv >= 1 && (size_t)gv <= ng && !seen[gv]) {
                    seen[gv] = 1;
                    n++;
                }
            }
        }
    free(seen);
    return n;
}

/* The matrix M_m of offset d (voxels), over slice z (slice >= 0; d[2] must then be 0) or the whole box. */
static void *glcm_build_offset(const vx_roi *roi, const vx_feature_settings *fs, long slice, const long d[3])
{
    const int ng = roi->n_grey;
    glcm_mat *g = glcm_new(ng);
    if (!g)
        return NULL;
    if (ng <= 0)
        return g; /* empty matrix */
    size_t lo[3] = {roi->box_lo[0], roi->box_lo[1], roi->box_lo[2]};
    size_t hi[3] = {roi->box_hi[0], roi->box_hi[1], roi->box_hi[2]};
    if (slice >= 0) { /* 2D: both voxels of a pair lie in slice z */
        lo[2] = (size_t)slice;
        hi[2] = (size_t)slice + 1;
    }
    size_t a[3], b[3];
    for (int k = 0; k < 3; k++)
        pair_range(lo[k], hi[k], d[k], &a[k], &b[k]);
    if (a[0] >= b[0] || a[1] >= b[1] || a[2] >= b[2])
        return g;

    /* Count M_{m+} in a scratch array of 32-bit integers. */
    const size_t n = (size_t)ng, nn = n * n;
    if (n > 65535u) { /* cells are listed as 16-bit level pairs; such an N_g x N_g matrix would not fit in
                         memory anyway */
        glcm_free(g);
        return NULL;
    }
    const size_t npair = (b[0] - a[0]) * (b[1] - a[1]) * (b[2] - a[2]);
    /* With many pairs per cell (3D, small N_g) the matrix is dense: count only. Otherwise also list
     * each cell once, when it is first hit, so that the few occupied cells can be kept sparse. */
    const int track = npair < 4 * nn;
    const size_t tcap = track ? (npair < nn ? npair : nn) + 1 : 0;
    uint32_t *c = calloc(nn, sizeof *c);
    uint32_t *touched = track ? malloc(tcap * sizeof *touched) : NULL;
    if (!c || (track && !touched)) {
        free(c);
        free(touched);
        glcm_free(g);
        return NULL;
    }
    const size_t nx = roi->dims[0];
    const ptrdiff_t off = (ptrdiff_t)d[0] + (ptrdiff_t)nx * ((ptrdiff_t)d[1] + (ptrdiff_t)roi->dims[1] * (ptrdiff_t)d[2]);
    const size_t nt = glcm_count_pairs(roi, a, b, off, track, c, touched);

    /* M = M+ + M+^T (symmetric) or M+, dense or sparse. */
    const int sym = fs ? fs->glcm_symmetric : 1;
    int rc = 0;
    if (!track)
        rc = glcm_from_dense_counts(g, c, n, sym);
    else if (nt > 0)
        rc = glcm_from_listed_counts(g, c, touched, nt, n, sym);
    free(c);
    free(touched);
    if (rc != 0) {
        glcm_free(g);
        return NULL;
    }
    return g;
}

static void *glcm_build(const vx_roi *roi, const vx_feature_settings *fs, long slice, int dir)
{
    if (dir < 0 || dir >= VX_N_DIR_3D)
        return glcm_new(roi->n_grey); /* empty matrix */
    const long delta = fs && fs->glcm_distance > 0 ? fs->glcm_distance : 1;
    const long d[3] = {vx_texture_dirs[dir][0] * delta, vx_texture_dirs[dir][1] * delta,
                       vx_texture_dirs[dir][2] * delta};
    return glcm_build_offset(roi, fs, slice, d);
}

static void *glcm_clone(const void *p)
{
    const glcm_mat *s = p;
    glcm_mat *g = glcm_new(s->ng);
    if (!g)
        return NULL;
    g->dense = s->dense;
    g->nnz = s->nnz;
    g->lo = s->lo;
    g->hi = s->hi;
    const size_t nv = s->dense ? (size_t)s->ng * (size_t)s->ng : s->nnz;
    if (nv > 0) {
        g->val = malloc(nv * sizeof *g->val);
        if (!s->dense) {
            g->ci = malloc(nv * sizeof *g->ci);
            g->cj = malloc(nv * sizeof *g->cj);
        }
        if (!g->val || (!s->dense && (!g->ci || !g->cj))) {
            glcm_free(g);
            return NULL;
        }
        memcpy(g->val, s->val, nv * sizeof *g->val);
        if (!s->dense) {
            memcpy(g->ci, s->ci, nv * sizeof *g->ci);
            memcpy(g->cj, s->cj, nv * sizeof *g->cj);
        }
    }
    return g;
}

/* IBSI merging: co-occurrence counts are summed element-wise. Matrices of one ROI share N_g. The
 * destination becomes dense (merged matrices accumulate many cells). */
static int glcm_merge(void *dst, const void *src)
{
    glcm_mat *d = dst;
    const glcm_mat *s = src;
    if (d->ng != s->ng)
        return VX_EINVAL;
    const size_t n = (size_t)d->ng;
    if (!d->dense) {
        double *m = calloc(n * n > 0 ? n * n : 1, sizeof *m);
        if (!m)
            return VX_ENOMEM;
        for (size_t k = 0; k < d->nnz; k++)
            m[(size_t)d->ci[k] * n + d->cj[k]] += d->val[k];
        free(d->ci);
        free(d->cj);
        free(d->val);
        d->ci = d->cj = NULL;
        d->nnz = 0;
        d->val = m;
        d->dense = 1;
    }
    if (s->lo > s->hi)
        return 0;
    if (s->dense) {
        for (size_t i = (size_t)s->lo; i <= (size_t)s->hi; i++)
            for (size_t j = (size_t)s->lo; j <= (size_t)s->hi; j++)
                d->val[i * n + j] += s->val[i * n + j];
    } else {
        for (size_t k = 0; k < s->nnz; k++)
            d->val[(size_t)s->ci[k] * n + s->cj[k]] += s->val[k];
    }
    if (d->lo > d->hi) {
        d->lo = s->lo;
        d->hi = s->hi;
    } else {
        d->lo = s->lo < d->lo ? s->lo : d->lo;
        d->hi = s->hi > d->hi ? s->hi : d->hi;
    }
    return 0;
}

/* -p log2 p for a probability p: 0 for p = 0 (0 log 0 = 0) and for p = 1, positive otherwise, so an entropy
 * summed from these terms is >= 0 by construction and exactly 0 for a one-point distribution. */
static double plogp(double p)
{
    return p > 0.0 && p < 1.0 ? -p * log2(p) : 0.0;
}

/* Sums over the non-zero cells, in units of counts (divided by the total afterwards). */
enum { LOG_CACHE = 64 };
typedef struct cell_acc {
    double *px, *py, *pd, *ps; /* marginal counts: rows, columns, |i-j|, i+j (+2) */
    double total, cmax, sq, clogc, cross, ctr;
    double n;                   /* the total count, known before the pass (for the entropy terms) */
    double lastc, lastlog;      /* log2(n / c) of the previous count c: symmetric cells come in equal pairs */
    double logc[LOG_CACHE + 1]; /* log2(n / c) of the integer counts c <= LOG_CACHE met so far (0: not yet) */
} cell_acc;

static inline void cell_add(cell_acc *a, size_t i, size_t j, double c)
{
    a->total += c;
    a->px[i] += c;
    a->py[j] += c;
    a->pd[i > j ? i - j : j - i] += c;
    a->ps[i + j + 2] += c;
    if (c > a->cmax)
        a->cmax = c;
    a->sq += c * c;
    if (c != a->lastc) {
        a->lastc = c;
        const size_t k = c <= LOG_CACHE && c == (double)(size_t)c ? (size_t)c : 0;
        if (k && a->logc[k] != 0.0) {
            a->lastlog = a->logc[k];
        } else {
            a->lastlog = log2(a->n / c); /* n / c >= 1: the term is >= 0, and 0 for c = n */
            if (k)
                a->logc[k] = a->lastlog;
        }
    }
    a->clogc += c * a->lastlog;
    a->cross += ((double)(i + 1) - a->ctr) * ((double)(j + 1) - a->ctr) * c;
}

/* The total count of the matrix. */
static double glcm_total(const glcm_mat *g)
{
    const size_t n = (size_t)g->ng;
    double ntot = 0.0;
    if (g->dense) {
        for (size_t i = (size_t)g->lo; i <= (size_t)g->hi; i++)
            for (size_t j = (size_t)g->lo; j <= (size_t)g->hi; j++)
                ntot += g->val[i * n + j];
    } else {
        for (size_t k = 0; k < g->nnz; k++)
            ntot += g->val[k];
    }
    return ntot;
}

/* Every non-zero cell of the matrix into the accumulator. */
static void glcm_accumulate(const glcm_mat *g, cell_acc *a)
{
    const size_t n = (size_t)g->ng;
    if (g->dense) {
        for (size_t i = (size_t)g->lo; i <= (size_t)g->hi; i++) {
            const double *row = g->val + i * n;
            for (size_t j = (size_t)g->lo; j <= (size_t)g->hi; j++)
                if (row[j] != 0.0)
                    cell_add(a, i, j, row[j]);
        }
    } else {
        for (size_t k = 0; k < g->nnz; k++)
            cell_add(a, g->ci[k], g->cj[k], g->val[k]);
    }
}

/* Sums over the difference marginal p_{i-j,k} (k = 0..Ng-1). */
typedef struct diff_moments {
    double avg, var, entr, contrast, idiff, idiffn, idm, idmn, ivar;
} diff_moments;

static diff_moments difference_moments(const double *pd, size_t n, int ng)
{
    double davg = 0.0, dentr = 0.0, idiff = 0.0, idiffn = 0.0, idm = 0.0, idmn = 0.0, ivar = 0.0, contrast = 0.0;
    const double dng = (double)ng;
    for (size_t k = 0; k < n; k++) {
        const double dk = (double)k, q = pd[k];
        davg += dk * q;
        contrast += dk * dk * q;
        dentr += plogp(q);
        idiff += q / (1.0 + dk);
        idiffn += q / (1.0 + dk / dng);
        idm += q / (1.0 + dk * dk);
        idmn += q / (1.0 + (dk / dng) * (dk / dng));
        if (k > 0)
            ivar += q / (dk * dk);
    }
    double dvar = 0.0;
    for (size_t k = 0; k < n; k++) {
        const double e = (double)k - davg;
        dvar += e * e * pd[k];
    }
    return (diff_moments){davg, dvar, dentr, contrast, idiff, idiffn, idm, idmn, ivar};
}

/* Sums over the sum marginal p_{i+j,k} (k = 2..2Ng) about the sum average and about mu_i. + mu_.j. */
typedef struct sum_moments {
    double avg, var, entr, ctend, cshade, cprom;
} sum_moments;

static sum_moments sum_marginal_moments(const double *ps, size_t klo, size_t khi, double mux, double muy)
{
    double savg = 0.0, sentr = 0.0;
    for (size_t k = klo; k <= khi; k++) {
        savg += (double)k * ps[k];
        sentr += plogp(ps[k]);
    }
    double svar = 0.0, ctend = 0.0, cshade = 0.0, cprom = 0.0;
    for (size_t k = klo; k <= khi; k++) {
        const double q = ps[k];
        if (q == 0.0)
            continue;
        const double es = (double)k - savg, ec = (double)k - mux - muy, ec2 = ec * ec;
        svar += es * es * q;
        ctend += ec2 * q;
        cshade += ec2 * ec * q;
        cprom += ec2 * ec2 * q;
    }
    return (sum_moments){savg, svar, sentr, ctend, cshade, cprom};
}

static void glcm_no_value(double *out)
{
    for (int k = 0; k < GLCM_NF; k++)
        out[k] = NAN;
}

/* One pass over the non-zero cells gathers everything the features need: the marginals (counts)
 * px[i] (row, p_i.), py[j] (column, p_.j), pd[k] (p_{i-j,k}), ps[k] (p_{i+j,k}; grey levels are
 * 1-based, so k = i + j + 2 for 0-based i, j), the maximum, sum c^2, sum c log2 c and the shifted
 * cross moment sum (i - ctr)(j - ctr) c (ctr = mid grey level, keeps the covariance accurate).
 * The marginals go into stackbuf (5 stack_ng + 2 doubles) or, for more grey levels, into *heap (the
 * caller frees it), and are divided by the total. Returns 1 (and frees *heap) when there is no value:
 * out of memory (which features() cannot report) or no count. */
static int glcm_probabilities(const glcm_mat *g, double *stackbuf, size_t stack_ng, double **heap, cell_acc *out)
{
    const int ng = g->ng;
    const size_t n = (size_t)ng;
    const size_t nbuf = 5 * n + 2; /* px, py, pd: n each; ps: 2n + 2 */
    double *buf = stackbuf;
    *heap = NULL;
    if (n > stack_ng) {
        *heap = malloc(nbuf * sizeof **heap);
        if (!*heap)
            return 1;
        buf = *heap;
    }
    memset(buf, 0, nbuf * sizeof *buf);
    /* the total count first: the joint entropy sums c log2(N / c), which is >= 0 term by term */
    const double ntot = glcm_total(g);
    cell_acc a = {buf, buf + n, buf + 2 * n, buf + 3 * n, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5 * (double)(ng + 1), ntot,
                  -1.0, 0.0, {0.0}};
    glcm_accumulate(g, &a);
    const double total = a.total;
    if (!(total > 0.0)) {
        free(*heap);
        *heap = NULL;
        return 1;
    }
    /* Counts -> probabilities by division (not by a reciprocal): a count equal to the total gives exactly
     * 1, so one grey level gives exact means, zero variances and zero entropies. */
    const size_t lo = (size_t)g->lo, hi = (size_t)g->hi; /* the marginals are 0 outside the occupied levels */
    for (size_t k = lo; k <= hi; k++) {
        a.px[k] /= total;
        a.py[k] /= total;
    }
    for (size_t k = 0; k <= hi - lo; k++)
        a.pd[k] /= total;
    for (size_t k = 2 * lo + 2; k <= 2 * hi + 2; k++)
        a.ps[k] /= total;
    *out = a;
    return 0;
}

/* Means, entropies, variances and occupied levels of the row (x) and column (y) marginals. */
typedef struct {
    double mux, muy, hx, hy, varx, vary;
    int nlx, nly;
} marg_moments;

static marg_moments marginal_moments(const double *px, const double *py, size_t lo, size_t hi)
{
    double mux = 0.0, muy = 0.0, hx = 0.0, hy = 0.0;
    int nlx = 0, nly = 0; /* grey levels occupied in the row and column marginals */
    for (size_t i = lo; i <= hi; i++) {
        mux += (double)(i + 1) * px[i];
        muy += (double)(i + 1) * py[i];
        const double tx = plogp(px[i]);
        hx += tx;
        hy += py[i] == px[i] ? tx : plogp(py[i]); /* a symmetric matrix: the same marginals */
        nlx += px[i] > 0.0;
        nly += py[i] > 0.0;
    }
    double varx = 0.0, vary = 0.0;
    for (size_t i = lo; i <= hi; i++) {
        const double ex = (double)(i + 1) - mux, ey = (double)(i + 1) - muy;
        varx += ex * ex * px[i];
        vary += ey * ey * py[i];
    }
    return (marg_moments){mux, muy, hx, hy, varx, vary, nlx, nly};
}

/* Calls f(i, j, c) for every non-zero cell (0-based levels i, j; count c). */
#define GLCM_FOR_CELLS(g, BODY)                                                                              \
    do {                                                                                                     \
        const size_t n_ = (size_t)(g)->ng;                                                                   \
        if ((g)->dense) {                                                                                    \
            for (size_t i = (size_t)(g)->lo; i <= (size_t)(g)->hi; i++)                                      \
                for (size_t j = (size_t)(g)->lo; j <= (size_t)(g)->hi; j++) {                                \
                    const double c = (g)->val[i * n_ + j];                                                   \
                    if (c != 0.0) {                                                                          \
                        BODY;                                                                                \
                    }                                                                                        \
                }                                                                                            \
        } else {                                                                                             \
            for (size_t k_ = 0; k_ < (g)->nnz; k_++) {                                                       \
                const size_t i = (g)->ci[k_], j = (g)->cj[k_];                                               \
                const double c = (g)->val[k_];                                                               \
                BODY;                                                                                        \
            }                                                                                                \
        }                                                                                                    \
    } while (0)

/* PyRadiomics' maximal correlation coefficient (glcm MCC; not an IBSI feature): the square root of the second
 * largest eigenvalue of Q, Q_ij = sum_k p_ik p_jk / (p_i. p_.k). Q = Dx^-1 P Dy^-1 P^T (Dx, Dy the diagonal
 * marginals) is similar to the symmetric positive semi-definite S = B B^T with B_ik = p_ik / sqrt(p_i. p_.k),
 * so its eigenvalues are real and >= 0; S is formed over the occupied rows and columns (an empty row or column
 * of Q adds a zero eigenvalue) and its eigenvalues come from LAPACK's dsyev. The largest eigenvalue is 1.
 * Fewer than two occupied rows: 0 (the flat-ROI convention, 1, is the caller's). NaN when out of memory. */
static double glcm_mcc(const glcm_mat *g, const double *px, const double *py, double total)
{
    const size_t n = (size_t)g->ng;
    size_t *ri = malloc(2 * n * sizeof *ri);
    if (!ri)
        return NAN;
    size_t *ck = ri + n, nr = 0, nc = 0;
    for (size_t i = 0; i < n; i++) {
        ri[i] = px[i] > 0.0 ? nr++ : SIZE_MAX;
        ck[i] = py[i] > 0.0 ? nc++ : SIZE_MAX;
    }
    if (nr < 2) {
        free(ri);
        return 0.0;
    }
    double *b = calloc(nr * nc + nr * nr + nr, sizeof *b);
    if (!b) {
        free(ri);
        return NAN;
    }
    double *s = b + nr * nc, *w = s + nr * nr;
    GLCM_FOR_CELLS(g, b[ri[i] * nc + ck[j]] = (c / total) / sqrt(px[i] * py[j]));
    for (size_t i = 0; i < nr; i++)
        for (size_t j = i; j < nr; j++) {
            double acc = 0.0;
            for (size_t k = 0; k < nc; k++)
                acc += b[i * nc + k] * b[j * nc + k];
            s[i * nr + j] = acc;
        }
    const lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)nr, s, (lapack_int)nr, w);
    const double l2 = info == 0 ? w[nr - 2] : NAN; /* ascending */
    free(b);
    free(ri);
    return isnan(l2) ? NAN : sqrt(l2 > 0.0 ? l2 : 0.0);
}

/* PyRadiomics' values where a marginal has one grey level (IBSI: 0/0, NaN): correlation 1, IMC1 0. */
static void pyradiomics_one_level(double *out)
{
    if (isnan(out[18]))
        out[18] = 1.0;
    if (isnan(out[23]))
        out[23] = 0.0;
}

/* The features of matrix p. The sums run over the occupied grey levels lo..hi only: the terms of the other levels
 * are exactly 0. */
static int glcm_features(const void *p, const vx_feature_settings *fs, double *out)
{
    const glcm_mat *g = p;
    const int ng = g->ng;
    const size_t lo = (size_t)g->lo, hi = (size_t)g->hi;
    if (g->lo > g->hi || (!g->dense && g->nnz == 0)) { /* no pairs */
        glcm_no_value(out);
        return 1;
    }
    enum { STACK_NG = 256 };
    double stackbuf[5 * STACK_NG + 2];
    double *heap = NULL;
    cell_acc a;
    if (glcm_probabilities(g, stackbuf, STACK_NG, &heap, &a)) {
        glcm_no_value(out);
        return 1;
    }
    const double total = a.total;
    const double *px = a.px, *py = a.py, *pd = a.pd, *ps = a.ps;
    const double jmax = a.cmax / total, energy = a.sq / (total * total), cross = a.cross / total, ctr = a.ctr;
    /* HXY = -sum p log2 p with p = c / N: (sum c log2(N / c)) / N, >= 0 term by term, 0 for one cell */
    const double hxy = a.clogc / total;
    const marg_moments mm = marginal_moments(px, py, lo, hi);
    const double mux = mm.mux, muy = mm.muy, hx = mm.hx, hy = mm.hy, varx = mm.varx, vary = mm.vary;
    const int nlx = mm.nlx, nly = mm.nly; /* grey levels occupied in the row and column marginals */
    /* covariance sum_ij (i - mu_i.)(j - mu_.j) p_ij from the shifted cross moment */
    const double cov = cross - (mux - ctr) * (muy - ctr);
    /* HXY_1 = -sum_ij p_ij log2(p_i. p_.j) = HX + HY (sum over j of p_ij is p_i.), and
     * HXY_2 = -sum_ij p_i. p_.j log2(p_i. p_.j) = HX + HY (the marginals sum to 1). */
    const double hxy1 = hx + hy, hxy2 = hx + hy;
    const diff_moments d = difference_moments(pd, hi - lo + 1, ng);
    const sum_moments sm = sum_marginal_moments(ps, 2 * lo + 2, 2 * hi + 2, mux, muy);
    /* Maximal correlation coefficient (PyRadiomics glcm MCC): sqrt(second largest eigenvalue of Q) */
    out[25] = fs && fs->compat == VX_COMPAT_PYRADIOMICS ? glcm_mcc(g, px, py, total) : NAN;
    free(heap);
    /* Joint maximum, GYBY: max(p_ij) */
    out[0] = jmax;
    /* Joint average, 60VM: sum_ij i p_ij */
    out[1] = mux;
    /* Joint variance, UR99: sum_ij (i - mu)^2 p_ij, mu = joint average */
    out[2] = varx;
    /* Joint entropy, TU9B: -sum_ij p_ij log2 p_ij */
    out[3] = hxy;
    /* Difference average, TF7R: sum_k k p_{i-j,k} */
    out[4] = d.avg;
    /* Difference variance, D3YU: sum_k (k - mu)^2 p_{i-j,k}, mu = difference average */
    out[5] = d.var;
    /* Difference entropy, NTRS: -sum_k p_{i-j,k} log2 p_{i-j,k} */
    out[6] = d.entr;
    /* Sum average, ZGXS: sum_{k=2}^{2Ng} k p_{i+j,k} */
    out[7] = sm.avg;
    /* Sum variance, OEEB: sum_k (k - mu)^2 p_{i+j,k}, mu = sum average */
    out[8] = sm.var;
    /* Sum entropy, P6QZ: -sum_k p_{i+j,k} log2 p_{i+j,k} */
    out[9] = sm.entr;
    /* Angular second moment, 8ZQL: sum_ij p_ij^2 */
    out[10] = energy;
    /* Contrast, ACUI: sum_ij (i - j)^2 p_ij = sum_k k^2 p_{i-j,k} */
    out[11] = d.contrast;
    /* Dissimilarity, 8S9J: sum_ij |i - j| p_ij = sum_k k p_{i-j,k} (equal to difference average) */
    out[12] = d.avg;
    /* Inverse difference, IB1Z: sum_k p_{i-j,k} / (1 + k) */
    out[13] = d.idiff;
    /* Normalised inverse difference, NDRX: sum_k p_{i-j,k} / (1 + k/Ng) */
    out[14] = d.idiffn;
    /* Inverse difference moment, WF0Z: sum_k p_{i-j,k} / (1 + k^2) */
    out[15] = d.idm;
    /* Normalised inverse difference moment, 1QCO: sum_k p_{i-j,k} / (1 + (k/Ng)^2) */
    out[16] = d.idmn;
    /* Inverse variance, E8JP: sum_{k=1}^{Ng-1} p_{i-j,k} / k^2 */
    out[17] = d.ivar;
    /* Correlation, NI2N: sum_ij (i - mu_i.)(j - mu_.j) p_ij / (sigma_i. sigma_.j). A marginal with a single
     * grey level has sigma = 0 and a zero numerator: 0/0, NaN. The test is on the number of occupied
     * levels, not on the computed variance (which is > 0 whenever two levels are occupied). */
    out[18] = nlx > 1 && nly > 1 ? cov / sqrt(varx * vary) : NAN;
    /* Autocorrelation, QWB0: sum_ij i j p_ij = covariance + mu_i. mu_.j */
    out[19] = cov + mux * muy;
    /* Cluster tendency, DG8W: sum_ij (i + j - mu_i. - mu_.j)^2 p_ij */
    out[20] = sm.ctend;
    /* Cluster shade, 7NFM: sum_ij (i + j - mu_i. - mu_.j)^3 p_ij */
    out[21] = sm.cshade;
    /* Cluster prominence, AE86: sum_ij (i + j - mu_i. - mu_.j)^4 p_ij */
    out[22] = sm.cprom;
    /* Information correlation 1, R8DG: (HXY - HXY_1) / HX, HXY = joint entropy,
     * HX = -sum_i p_i. log2 p_i., HXY_1 = -sum_ij p_ij log2(p_i. p_.j). For a non-symmetric matrix
     * the denominator is max(HX, HY) (Haralick); equal to HX for the symmetric IBSI matrix. One grey level:
     * HX = HXY = HXY_1 = 0, 0/0, NaN (HX > 0 exactly when two levels are occupied: every entropy term of
     * a probability strictly between 0 and 1 is positive). */
    const double hden = hx > hy ? hx : hy;
    out[23] = nlx > 1 || nly > 1 ? (hxy - hxy1) / hden : NAN;
    /* Information correlation 2, JN9H: sqrt(1 - exp(-2 (HXY_2 - HXY))),
     * HXY_2 = -sum_ij p_i. p_.j log2(p_i. p_.j). HXY_2 - HXY = HX + HY - HXY is the mutual information of
     * the two marginals, >= 0 by definition; a rounding-level negative difference counts as 0. One grey
     * level: every entropy is exactly 0, F = 0. */
    const double dh = hxy2 - hxy;
    out[24] = sqrt(1.0 - exp(-2.0 * (dh > 0.0 ? dh : 0.0)));
    if (fs && fs->compat == VX_COMPAT_PYRADIOMICS)
        pyradiomics_one_level(out);
    return 0;
}

static const vx_texture_ops glcm_ops = {
    .family = VX_FAM_GLCM,
    .directional = 1,
    .build = glcm_build,
    .clone = glcm_clone,
    .merge = glcm_merge,
    .features = glcm_features,
    .free = glcm_free,
};

/* ---- PyRadiomics' angles (compat pyradiomics with `distances` or `weightingNorm`) ----
 * PyRadiomics pairs voxels along every "angle": each offset m = (dx, dy, dz) whose Chebyshev norm is one of its
 * distances, taken once per +-m pair (the offsets after (0, 0, 0) in its (z, y, x) order) and, with force2D,
 * in-plane only; each angle's matrix counts the pairs over the whole ROI (in-plane angles: over all slices,
 * IBSI 2.5D direction-merged). Without weighting the features are computed per angle and averaged over the
 * angles that have pairs; with weighting the angles' matrices are summed, each scaled by w = exp(-||m s||^2)
 * (s the voxel spacing; manhattan: (sum |m_a s_a|)^2, euclidean: sum (m_a s_a)^2, infinity: max (m_a s_a)^2;
 * no_weighting: w = 1), and the features computed on that one matrix. */
/* PyRadiomics' GLCM weight of angle d: exp(-||d s||^2) under the weighting norm, 1 for no_weighting. */
static double angle_weight(int weighting, const long d[3], const double sp[3])
{
    const double n = vx_texture_offset_norm(weighting, d, sp);
    return n < 0.0 ? 1.0 : exp(-n * n);
}

/* Adds features f (skipping NaN) to the running sums. */
static void angle_acc(double *sum, int *cnt, const double *f)
{
    for (int k = 0; k < GLCM_NF; k++)
        if (!isnan(f[k])) {
            sum[k] += f[k];
            cnt[k]++;
        }
}

/* One PyRadiomics angle m into the running mean (no weighting) or the weighted sum *wsum. */
static int pyradiomics_angle(const vx_roi *roi, const vx_feature_settings *fs, const long d[3], glcm_mat **wsum,
                             double *sum, int *cnt)
{
    glcm_mat *m = glcm_build_offset(roi, fs, -1, d);
    if (!m)
        return VX_ENOMEM;
    int rc = VX_OK;
    if (fs->glcm_weighting == VX_GLCM_WEIGHT_NONE) {
        double f[GLCM_NF];
        if (!glcm_features(m, fs, f))
            angle_acc(sum, cnt, f);
    } else if (m->lo <= m->hi) {
        const double w = angle_weight(fs->glcm_weighting, d, roi->spacing);
        const size_t nv = m->dense ? (size_t)m->ng * (size_t)m->ng : m->nnz;
        for (size_t k = 0; k < nv; k++)
            m->val[k] *= w;
        if (!*wsum) {
            *wsum = m;
            m = NULL;
        } else {
            rc = glcm_merge(*wsum, m);
        }
    }
    glcm_free(m);
    return rc;
}

/* The PyRadiomics GLCM under aggregation agg (3D averaged: 3D angles; 2.5D direction-merged: in-plane). */
static int glcm_pyradiomics(const vx_roi *roi, const vx_feature_settings *fs, vx_agg agg, vx_results *res)
{
    const int set = fs->distance_set ? fs->distance_set : 1 << (fs->glcm_distance > 0 ? fs->glcm_distance : 1);
    int dmax = 0;
    for (int b = 1; b < 31; b++)
        if (set >> b & 1)
            dmax = b;
    const long dzmax = agg == VX_AGG_25D_DMRG ? 0 : dmax;
    double sum[GLCM_NF] = {0}, out[GLCM_NF];
    int cnt[GLCM_NF] = {0}, rc = VX_OK;
    glcm_mat *wsum = NULL;
    for (long dz = dzmax; dz >= -dzmax && rc == VX_OK; dz--)
        for (long dy = dmax; dy >= -dmax && rc == VX_OK; dy--)
            for (long dx = dmax; dx >= -dmax && rc == VX_OK; dx--) {
                const long norm = labs(dx) > labs(dy) ? (labs(dx) > labs(dz) ? labs(dx) : labs(dz))
                                                      : (labs(dy) > labs(dz) ? labs(dy) : labs(dz));
                const int first_half = dz > 0 || (dz == 0 && (dy > 0 || (dy == 0 && dx > 0)));
                if (first_half && (set >> norm & 1))
                    rc = pyradiomics_angle(roi, fs, (const long[3]){dx, dy, dz}, &wsum, sum, cnt);
            }
    if (rc == VX_OK && fs->glcm_weighting != VX_GLCM_WEIGHT_NONE) {
        if (!wsum || glcm_features(wsum, fs, out))
            glcm_no_value(out);
    } else {
        for (int k = 0; k < GLCM_NF; k++)
            out[k] = cnt[k] ? sum[k] / (double)cnt[k] : NAN;
    }
    glcm_free(wsum);
    return rc == VX_OK ? vx_results_add_block(res, VX_F_CM_JOINT_MAX, GLCM_NF, agg, out) : rc;
}

/* PyRadiomics' MCC of a ROI with a single grey level (n_levels < 2) is 1: rows from `from` on. */
static void pyradiomics_mcc_flat(vx_results *res, size_t from, int n_levels)
{
    if (n_levels < 2)
        for (size_t i = from; i < res->n; i++)
            if (res->rows[i].feature == VX_F_CM_MCC && !isnan(res->rows[i].value))
                res->rows[i].value = 1.0;
}

int vx_glcm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    if (fs->compat != VX_COMPAT_PYRADIOMICS)
        return vx_texture_compute(&glcm_ops, roi, fs, res, err);
    const size_t from = res->n;
    /* PyRadiomics' own angles where they differ from the IBSI directions: other distances, weighting, or an
     * asymmetric matrix (its angle of each +-m pair is not always the IBSI direction, and M_-m = M_m^T) */
    const unsigned own = fs->distance_set || fs->glcm_weighting != VX_GLCM_WEIGHT_NONE || !fs->glcm_symmetric
                             ? fs->aggregations & (VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_25D_DMRG))
                             : 0u;
    vx_feature_settings rest = *fs;
    rest.aggregations &= ~own;
    int rc = vx_texture_compute(&glcm_ops, roi, &rest, res, err);
    for (int a = 0; a < VX_AGG_COUNT && rc == VX_OK; a++)
        if (own & VX_AGGBIT(a) && (rc = glcm_pyradiomics(roi, fs, (vx_agg)a, res)) != VX_OK)
            vx_error_set(err, rc, "glcm: out of memory");
    if (rc == VX_OK)
        pyradiomics_mcc_flat(res, from, roi_grey_levels(roi));
    return rc;
}

int vx_glcm_cells_supported(const vx_feature_settings *fs)
{
    return fs->compat != VX_COMPAT_PYRADIOMICS ||
           !(fs->distance_set || fs->glcm_weighting != VX_GLCM_WEIGHT_NONE || !fs->glcm_symmetric);
}

int vx_glcm_compute_cells(int ng, const vx_glcm_cells *dirs, const vx_glcm_cells *merged, int n_levels,
                          const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    glcm_mat m[VX_N_DIR_3D + 1];
    void *mats[VX_N_DIR_3D];
    for (int k = 0; k <= VX_N_DIR_3D; k++) {
        const vx_glcm_cells *c = k < VX_N_DIR_3D ? &dirs[k] : merged;
        m[k] = (glcm_mat){ng, 0, c->nnz, c->ci, c->cj, c->val, ng, -1}; /* sparse; lo..hi: the occupied levels */
        for (size_t t = 0; t < c->nnz; t++) {
            const int i = (int)c->ci[t], j = (int)c->cj[t], l = i < j ? i : j, h = i > j ? i : j;
            m[k].lo = l < m[k].lo ? l : m[k].lo;
            m[k].hi = h > m[k].hi ? h : m[k].hi;
        }
        if (!c->nnz)
            m[k].lo = 0;
        if (k < VX_N_DIR_3D)
            mats[k] = &m[k];
    }
    const size_t from = res->n;
    int rc = vx_texture_compute_3d(&glcm_ops, fs, mats, &m[VX_N_DIR_3D], res, err);
    if (rc == VX_OK && fs->compat == VX_COMPAT_PYRADIOMICS)
        pyradiomics_mcc_flat(res, from, n_levels);
    return rc;
}
