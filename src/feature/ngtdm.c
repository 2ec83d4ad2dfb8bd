/* voxomics: neighbourhood grey tone difference matrix (NGTDM) features, IBSI family IPET.
 *
 * Definitions (IBSI 1 reference manual, "Neighbourhood grey tone difference based features"):
 *   The neighbourhood of voxel k holds the voxels k + m with 0 < ||m||_inf <= delta (fs->ngtdm_distance)
 *   that lie in the ROI intensity mask; in 2D (per slice) only m_z = 0. W_k is the number of such
 *   neighbours, X_k their mean discretised grey level. Voxels with W_k = 0 have no valid neighbourhood
 *   and are left out.
 *   s_i = sum over voxels k of grey level i with W_k > 0 of |i - X_k|
 *   n_i = number of voxels of grey level i with W_k > 0
 *   N_vc = sum_i n_i, p_i = n_i / N_vc, N_gp = number of grey levels with p_i > 0.
 *   Sums over grey levels run over i = 1..N_g (N_g = roi->n_grey); levels with p_i = 0 contribute
 *   nothing, and the pair sums of busyness, complexity and strength are restricted to p_i1, p_i2 != 0.
 * PyRadiomics compatibility (fs->compat): a voxel without neighbours counts in n_i with a zero difference, and
 *   its distances (fs->distance_set) make the neighbourhood the offsets at exactly those Chebyshev distances.
 * Aggregation: 2D (8QNN) features per slice averaged; 2.5D (62GR) s_i and n_i summed over the slices
 * (N_vc and p_i recomputed from the merged matrix); 3D (KOBO) one matrix over the volume.
 * Degenerate matrices: N_vc = 0 (no voxel has an intensity-mask neighbour, e.g. a one-voxel ROI) leaves p_i
 * = 0/0: the matrix is empty and every feature NaN. One grey level: every s_i is exactly 0 (the neighbour
 * sum is exactly W_k i), giving the IBSI values coarseness 10^6, contrast 0, busyness 0, strength 0, and
 * complexity 0 (no pair of levels).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feature/neighbourhood.h"
#include "feature/texture.h"
#include "voxomics/settings.h"

/* The matrix, with the list of grey levels present (n_i > 0) kept up to date by build and merge so that
 * features() need not allocate. */
typedef struct ngtdm {
    vx_ngtdm_matrix m;
    int *lv;  /* grey levels with n_i > 0, ascending; capacity m.ng */
    int ngp;  /* N_gp */
} ngtdm;

static void ngtdm_free(void *p)
{
    ngtdm *t = p;
    if (!t)
        return;
    free(t->m.s);
    free(t->m.n);
    free(t->lv);
    free(t);
}

static ngtdm *ngtdm_new(int ng)
{
    ngtdm *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->m.ng = ng > 0 ? ng : 0;
    const size_t len = (size_t)t->m.ng + 1;
    t->m.s = calloc(len, sizeof *t->m.s);
    t->m.n = calloc(len, sizeof *t->m.n);
    t->lv = malloc(len * sizeof *t->lv);
    if (!t->m.s || !t->m.n || !t->lv) {
        ngtdm_free(t);
        return NULL;
    }
    return t;
}

static void ngtdm_levels(ngtdm *t)
{
    t->ngp = 0;
    for (int i = 1; i <= t->m.ng; i++)
        if (t->m.n[i] > 0)
            t->lv[t->ngp++] = i;
}

/* sum[k] += q[k], cnt[k] += [q[k] != 0] over one widened plane run, for one row offset (dy, dz). Kept out
 * of line: with restrict pointers in a function of its own the loop is reliably vectorised. */
__attribute__((noinline)) static void add_row(int32_t *restrict sum, int32_t *restrict cnt,
                                               const int32_t *restrict q, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        const int32_t v = q[k];
        sum[k] += v;
        cnt[k] += v != 0;
    }
}

/* Window sums are kept in int32: (2 delta + 1)^3 n_grey must fit. */
static int sums_fit(const vx_roi *roi, int delta)
{
    const double w = 2.0 * (double)delta + 1.0;
    return delta >= 1 && w * w * w * (double)(roi->n_grey > 0 ? roi->n_grey : 1) <= (double)INT32_MAX;
}

/* The neighbourhood distance: PyRadiomics' largest distance, or the IBSI delta. */
static int ngtdm_delta(const vx_feature_settings *fs)
{
    return fs->distance_set ? vx_distance_set_max(fs->distance_set) : fs->ngtdm_distance;
}

/* One voxel of grey level g with neighbour sum bs over bc neighbours into s_g, n_g. PyRadiomics (compat) also
 * counts a voxel without neighbours in n_g (with a zero difference); IBSI leaves it out. */
static inline void ngtdm_add(double *s, double *n, int32_t g, int32_t bs, int32_t bc, int pyrad)
{
    if (bc > 0) {
        s[g] += fabs((double)g - (double)bs / (double)bc);
        n[g] += 1.0;
    } else if (pyrad) {
        n[g] += 1.0;
    }
}

/* PyRadiomics' distances that are not all of 1..delta (e.g. [2]: only the shell at distance 2): the neighbours
 * are nb->off, visited one by one. */
static void ngtdm_shells(const vx_nbh *nb, double *s, double *n, int pyrad)
{
    const size_t len = vx_nbh_run(nb);
    for (size_t z = 0; z < nb->n[2]; z++) {
        const int32_t *c = nb->g + vx_nbh_row(nb, 0, z);
        for (size_t k = 0; k < len; k++) {
            const int32_t g = c[k];
            if (!g)
                continue;
            int32_t bs = 0, bc = 0;
            for (size_t o = 0; o < nb->n_off; o++) {
                const int32_t v = c[(ptrdiff_t)k + nb->off[o]];
                bs += v;
                bc += v != 0;
            }
            ngtdm_add(s, n, g, bs, bc, pyrad);
        }
    }
}

static void *ngtdm_build(const vx_roi *roi, const vx_feature_settings *fs, long slice, int dir)
{
    (void)dir;
    const int delta = ngtdm_delta(fs), pyrad = fs->compat == VX_COMPAT_PYRADIOMICS;
    if (!sums_fit(roi, delta))
        return NULL;
    ngtdm *t = ngtdm_new(roi->n_grey);
    if (!t)
        return NULL;
    vx_nbh nb;
    if (vx_nbh_init(&nb, roi, slice, delta, fs->distance_set, 0) != 0) {
        ngtdm_free(t);
        return NULL;
    }
    if (fs->distance_set && fs->distance_set != (2 << delta) - 2) {
        ngtdm_shells(&nb, t->m.s, t->m.n, pyrad);
        vx_nbh_free(&nb);
        ngtdm_levels(t);
        return t;
    }
    /* One z-plane at a time, as one contiguous run of the padded grid from the first voxel of row 0 to the
     * last voxel of row n[1]-1 (the padding columns in between are computed and ignored). Box sums of
     * the grey levels and of the in-ROI indicator over the (2 delta + 1)^d window, by rows: first the
     * (2 delta + 1)^(d-1) rows (dy, dz) are added up over the run widened by delta on both sides, then
     * the 2 delta + 1 columns dx; the centre voxel is subtracted. Integer sums are exact (int32: see sums_fit). */
    const size_t d = nb.pad[0], dz_n = 2 * nb.pad[2] + 1, w = 2 * d + 1;
    const size_t len = vx_nbh_run(&nb), ext = len + 2 * d;
    int32_t *rsum = malloc((ext ? ext : 1) * sizeof *rsum);
    int32_t *rcnt = malloc((ext ? ext : 1) * sizeof *rcnt);
    if (!rsum || !rcnt) {
        free(rsum);
        free(rcnt);
        vx_nbh_free(&nb);
        ngtdm_free(t);
        return NULL;
    }
    const ptrdiff_t sy = (ptrdiff_t)nb.p[0], sz = sy * (ptrdiff_t)nb.p[1];
    double *s = t->m.s, *n = t->m.n;
    for (size_t z = 0; z < nb.n[2]; z++) {
        const int32_t *c = nb.g + vx_nbh_row(&nb, 0, z);
        int any = 0;
        for (size_t k = 0; k < len; k++)
            any |= c[k];
        if (!any)
            continue;
        memset(rsum, 0, ext * sizeof *rsum);
        memset(rcnt, 0, ext * sizeof *rcnt);
        for (size_t iz = 0; iz < dz_n; iz++)
            for (size_t iy = 0; iy < w; iy++) {
                const ptrdiff_t o = ((ptrdiff_t)iz - (ptrdiff_t)nb.pad[2]) * sz + ((ptrdiff_t)iy - (ptrdiff_t)d) * sy;
                add_row(rsum, rcnt, c - d + o, ext);
            }
        for (size_t k = 0; k < len; k++) {
            const int32_t g = c[k];
            if (!g)
                continue;
            int32_t bs = -g;
            int32_t bc = -1;
            for (size_t dx = 0; dx < w; dx++) {
                bs += rsum[k + dx];
                bc += rcnt[k + dx];
            }
            ngtdm_add(s, n, g, bs, bc, pyrad);
        }
    }
    free(rsum);
    free(rcnt);
    vx_nbh_free(&nb);
    ngtdm_levels(t);
    return t;
}

static void *ngtdm_clone(const void *p)
{
    const ngtdm *a = p;
    ngtdm *t = ngtdm_new(a->m.ng);
    if (!t)
        return NULL;
    const size_t len = (size_t)a->m.ng + 1;
    memcpy(t->m.s, a->m.s, len * sizeof *t->m.s);
    memcpy(t->m.n, a->m.n, len * sizeof *t->m.n);
    memcpy(t->lv, a->lv, len * sizeof *t->lv);
    t->ngp = a->ngp;
    return t;
}

/* IBSI NGTDM merging (2.5D, 62GR): s_i and n_i are summed over the slice matrices. */
static int ngtdm_merge(void *dp, const void *sp)
{
    ngtdm *d = dp;
    const ngtdm *a = sp;
    if (a->m.ng > d->m.ng) { /* matrices of one ROI share N_g; grow anyway when they do not */
        const size_t len = (size_t)a->m.ng + 1, old = (size_t)d->m.ng + 1;
        double *s = realloc(d->m.s, len * sizeof *s);
        if (!s)
            return VX_ENOMEM;
        d->m.s = s;
        double *n = realloc(d->m.n, len * sizeof *n);
        if (!n)
            return VX_ENOMEM;
        d->m.n = n;
        int *lv = realloc(d->lv, len * sizeof *lv);
        if (!lv)
            return VX_ENOMEM;
        d->lv = lv;
        memset(d->m.s + old, 0, (len - old) * sizeof *s);
        memset(d->m.n + old, 0, (len - old) * sizeof *n);
        d->m.ng = a->m.ng;
    }
    for (int i = 1; i <= a->m.ng; i++) {
        d->m.s[i] += a->m.s[i];
        d->m.n[i] += a->m.n[i];
    }
    ngtdm_levels(d);
    return 0;
}

enum { NGT_COARSENESS, NGT_CONTRAST, NGT_BUSYNESS, NGT_COMPLEXITY, NGT_STRENGTH, NGT_N };

static int ngtdm_features(const void *p, const vx_feature_settings *fs, double *out)
{
    (void)fs;
    const ngtdm *t = p;
    const double *s = t->m.s, *n = t->m.n;
    const int *lv = t->lv;
    const int ngp = t->ngp;

    double nvc = 0.0, sum_s = 0.0;
    for (int a = 0; a < ngp; a++) {
        nvc += n[lv[a]];
        sum_s += s[lv[a]];
    }
    if (ngp == 0 || !(nvc > 0)) {
        for (int f = 0; f < NGT_N; f++)
            out[f] = NAN;
        return 1;
    }
    double sum_ps = 0.0; /* sum_i p_i s_i */
    for (int a = 0; a < ngp; a++)
        sum_ps += n[lv[a]] / nvc * s[lv[a]];

    /* Pair sums over grey levels with p != 0; the terms are symmetric and vanish for i1 = i2, so each
     * unordered pair is taken once and doubled. */
    double con = 0.0, bus = 0.0, cpx = 0.0, str = 0.0;
    for (int a = 0; a < ngp; a++) {
        const double ia = lv[a], pa = n[lv[a]] / nvc, sa = s[lv[a]];
        for (int b = a + 1; b < ngp; b++) {
            const double ib = lv[b], pb = n[lv[b]] / nvc, sb = s[lv[b]];
            const double d = ia - ib, d2 = d * d;
            con += pa * pb * d2;
            bus += fabs(ia * n[lv[a]] - ib * n[lv[b]]); /* exact integers: == 0 only when truly 0 */
            cpx += fabs(d) * (pa * sa + pb * sb) / (pa + pb);
            str += (pa + pb) * d2;
        }
    }
    con *= 2.0;
    bus *= 2.0 / nvc;
    cpx *= 2.0;
    str *= 2.0;

    /* Coarseness (QCDE): F = 1 / sum_i p_i s_i; 10^6 when the sum is 0. */
    out[NGT_COARSENESS] = sum_ps > 0.0 ? 1.0 / sum_ps : 1.0e6;

    /* Contrast (65HE): F = [1/(N_gp (N_gp - 1)) sum_i1 sum_i2 p_i1 p_i2 (i1 - i2)^2] [1/N_vc sum_i s_i];
     * 0 when N_gp = 1. */
    out[NGT_CONTRAST] = ngp > 1 ? con / ((double)ngp * (double)(ngp - 1)) * (sum_s / nvc) : 0.0;

    /* Busyness (NQ30): F = sum_i p_i s_i / sum_i1 sum_i2 |i1 p_i1 - i2 p_i2| (p_i1, p_i2 != 0);
     * 0 when N_gp = 1 (IBSI); NaN when N_gp > 1 and the denominator is 0 (i1 n_i1 = i2 n_i2 for every
     * pair: a division by zero, which IBSI leaves undefined). The denominator is summed from the exact
     * integer products i n_i, so it is 0 exactly when it is 0 by definition. */
    out[NGT_BUSYNESS] = ngp == 1 ? 0.0 : bus > 0.0 ? sum_ps / bus : NAN;

    /* Complexity (HDEZ): F = 1/N_vc sum_i1 sum_i2 |i1 - i2| (p_i1 s_i1 + p_i2 s_i2) / (p_i1 + p_i2)
     * (p_i1, p_i2 != 0). */
    out[NGT_COMPLEXITY] = cpx / nvc;

    /* Strength (1X9X): F = sum_i1 sum_i2 (p_i1 + p_i2) (i1 - i2)^2 / sum_i s_i (p_i1, p_i2 != 0);
     * 0 when sum_i s_i = 0. */
    out[NGT_STRENGTH] = sum_s > 0.0 ? str / sum_s : 0.0;
    return 0;
}

static const vx_texture_ops ngtdm_ops = {
    .family = VX_FAM_NGTDM,
    .directional = 0,
    .build = ngtdm_build,
    .clone = ngtdm_clone,
    .merge = ngtdm_merge,
    .features = ngtdm_features,
    .free = ngtdm_free,
};

const vx_texture_ops *vx_ngtdm_ops(void)
{
    return &ngtdm_ops;
}

int vx_ngtdm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    const int delta = ngtdm_delta(fs);
    if (delta < 1)
        return vx_error_set(err, VX_EINVAL, "ngtdm: neighbourhood distance must be at least 1 (got %d)", delta);
    if (!sums_fit(roi, delta))
        return vx_error_set(err, VX_EINVAL, "ngtdm: neighbourhood distance %d too large for %d grey levels", delta,
                            roi->n_grey);
    return vx_texture_compute(&ngtdm_ops, roi, fs, res, err);
}
