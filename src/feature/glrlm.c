/* voxomics: grey level run length matrix (GLRLM) features, IBSI family TP0I (IBSI 1 section 3.7).
 *
 * Matrix. A run is a maximal sequence of consecutive voxels along direction m (one of the 13 unique 3D
 * neighbour directions of vx_texture_dirs; a run along m is the same as along -m) that all lie in the
 * intensity mask and share one grey level; voxels outside the intensity mask break runs. Element
 * r_ij counts the runs of grey level i and length j. The matrix is N_g x N_r with N_g = roi->n_grey and
 * N_r the longest run in the matrix (it grows when matrices of different extents are merged). 2D
 * matrices (one z-slice) follow runs inside the slice. N_v, the number of intensity-mask voxels the
 * matrix was built from, is kept with the matrix and summed when matrices are merged, as IBSI requires.
 *
 * Features use N_s = sum_ij r_ij, the marginals r_i. = sum_j r_ij and r_.j = sum_i r_ij, and
 * p_ij = r_ij / N_s.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feature/texture.h"
#include "voxomics/feature.h"
#include "voxomics/settings.h"

enum { GLRLM_NF = 16 };

typedef struct glrlm_mat {
    int ng;        /* N_g */
    size_t nr;     /* N_r: longest run length with a count (columns 1..nr are valid) */
    size_t cap;    /* allocated run lengths */
    double nv;     /* N_v: intensity-mask voxels (summed on merge) */
    double *r;     /* counts, run-length-major: r[(j-1)*ng + (i-1)], run length j, grey level i */
} glrlm_mat;

static glrlm_mat *glrlm_alloc(int ng, size_t cap)
{
    glrlm_mat *g = malloc(sizeof *g);
    if (!g)
        return NULL;
    g->ng = ng > 0 ? ng : 0;
    g->nr = 0;
    g->cap = cap;
    g->nv = 0.0;
    g->r = calloc(cap * (size_t)g->ng > 0 ? cap * (size_t)g->ng : 1, sizeof *g->r);
    if (!g->r) {
        free(g);
        return NULL;
    }
    return g;
}

static void glrlm_free(void *p)
{
    glrlm_mat *g = p;
    if (g) {
        free(g->r);
        free(g);
    }
}

/* Make room for run lengths up to len; new columns are zero. 0 or VX_ENOMEM. */
static int glrlm_reserve(glrlm_mat *g, size_t len)
{
    if (len <= g->cap)
        return 0;
    size_t cap = g->cap > 0 ? g->cap : 8;
    while (cap < len)
        cap *= 2;
    const size_t ng = (size_t)g->ng;
    double *r = realloc(g->r, (cap * ng > 0 ? cap * ng : 1) * sizeof *r);
    if (!r)
        return VX_ENOMEM;
    memset(r + g->cap * ng, 0, (cap - g->cap) * ng * sizeof *r);
    g->r = r;
    g->cap = cap;
    return 0;
}

/* Count the runs of one line, n voxels from index p in steps of off, into cnt: a (len_max + 1) x stride
 * table (stride = N_g + 1) of 32-bit counts, cnt[len * stride + v] for a run of grey level v and length
 * len; column 0 collects the (ignored) stretches outside the intensity mask. Every voxel adds 0 or 1 to
 * one cell instead of branching on "run ends here", which random grey levels make unpredictable (the
 * mask test is a predictable branch: masks are spatially coherent). */
static void glrlm_line(uint32_t *cnt, size_t stride, const int32_t *grey, const uint8_t *im, uint32_t ung,
                       size_t p, ptrdiff_t off, size_t n)
{
    /* (a step count, not an end index: off is 0 for e.g. direction (1,-1,0) in a grid one voxel wide) */
    ptrdiff_t q = (ptrdiff_t)p;
    /* skip the stretches outside the mask at both ends of the line (cheap loops) */
    for (; n > 0 && !im[q]; n--)
        q += off;
    while (n > 0 && !im[q + (ptrdiff_t)(n - 1) * off])
        n--;
    uint32_t prev = 0; /* grey level of the open run, 0: none */
    size_t row = 0;    /* length of the open run times stride */
    for (; n > 0; n--, q += off) {
        const uint32_t g0 = (uint32_t)grey[q];
        /* in the mask with a grey level in 1..N_g; anything else counts as outside */
        const uint32_t v = ((im[q] != 0) & (g0 - 1u < ung)) ? g0 : 0u;
        const uint32_t same = v == prev;
        cnt[row + prev] += 1u - same;          /* a run of prev ends before this voxel */
        row = same ? row + stride : stride;    /* length of the run v belongs to, times stride */
        prev = v;
    }
    cnt[row + prev] += 1u; /* the last run */
}

static void *glrlm_build(const vx_roi *roi, const vx_feature_settings *fs, long slice, int dir)
{
    (void)fs;
    const int ng = roi->n_grey;
    size_t lo[3] = {roi->box_lo[0], roi->box_lo[1], roi->box_lo[2]};
    size_t hi[3] = {roi->box_hi[0], roi->box_hi[1], roi->box_hi[2]};
    if (slice >= 0) { /* 2D: runs stay inside slice z */
        lo[2] = (size_t)slice;
        hi[2] = (size_t)slice + 1;
    }
    const int valid = ng > 0 && dir >= 0 && dir < VX_N_DIR_3D && lo[0] < hi[0] && lo[1] < hi[1] && lo[2] < hi[2];
    if (!valid)
        return glrlm_alloc(ng, 1);

    /* The longest line along m in the box bounds the run length. */
    const int d[3] = {vx_texture_dirs[dir][0], vx_texture_dirs[dir][1], vx_texture_dirs[dir][2]};
    size_t lmax = SIZE_MAX;
    for (int k = 0; k < 3; k++)
        if (d[k] != 0 && hi[k] - lo[k] < lmax)
            lmax = hi[k] - lo[k];
    const size_t stride = (size_t)ng + 1;
    uint32_t *cnt = calloc((lmax + 1) * stride, sizeof *cnt);
    if (!cnt)
        return NULL;

    /* Walk every line of the box along m once. A line starts at a voxel whose predecessor (at -m) lies
     * outside the box, i.e. on the entry face of an axis k with m_k != 0 (c_k = lo_k when m_k > 0,
     * hi_k - 1 when m_k < 0). Faces are enumerated in axis order, skipping voxels on an earlier face. */
    const size_t nx = roi->dims[0], nxy = roi->dims[0] * roi->dims[1];
    const ptrdiff_t off = (ptrdiff_t)d[0] + (ptrdiff_t)nx * ((ptrdiff_t)d[1] + (ptrdiff_t)roi->dims[1] * (ptrdiff_t)d[2]);
    size_t entry[3];
    for (int k = 0; k < 3; k++)
        entry[k] = d[k] > 0 ? lo[k] : hi[k] - 1;
    for (int f = 0; f < 3; f++) {
        if (d[f] == 0)
            continue;
        size_t a[3], b[3];
        for (int k = 0; k < 3; k++) {
            a[k] = lo[k];
            b[k] = hi[k];
        }
        a[f] = entry[f];
        b[f] = entry[f] + 1;
        for (size_t z = a[2]; z < b[2]; z++) {
            for (size_t y = a[1]; y < b[1]; y++) {
                for (size_t x = a[0]; x < b[0]; x++) {
                    const size_t c[3] = {x, y, z};
                    int earlier = 0;
                    for (int k = 0; k < f; k++)
                        if (d[k] != 0 && c[k] == entry[k])
                            earlier = 1;
                    if (earlier)
                        continue;
                    /* voxels on the line: until a coordinate leaves the box */
                    size_t n = SIZE_MAX;
                    for (int k = 0; k < 3; k++) {
                        if (d[k] == 0)
                            continue;
                        const size_t room = d[k] > 0 ? hi[k] - c[k] : c[k] - lo[k] + 1;
                        if (room < n)
                            n = room;
                    }
                    glrlm_line(cnt, stride, roi->grey, roi->imask, (uint32_t)ng, x + nx * y + nxy * z, off, n);
                }
            }
        }
    }

    /* Compact double matrix of run lengths 1..N_r (longest run present); N_v = sum_ij j r_ij. */
    size_t nr = 0, nv = 0;
    for (size_t len = lmax; len >= 1 && nr == 0; len--)
        for (size_t v = 1; v <= (size_t)ng; v++)
            if (cnt[len * stride + v]) {
                nr = len;
                break;
            }
    glrlm_mat *g = glrlm_alloc(ng, nr > 0 ? nr : 1);
    if (g) {
        for (size_t len = 1; len <= nr; len++)
            for (size_t v = 1; v <= (size_t)ng; v++) {
                g->r[(len - 1) * (size_t)ng + (v - 1)] = (double)cnt[len * stride + v];
                nv += len * cnt[len * stride + v];
            }
        g->nr = nr;
        g->nv = (double)nv;
    }
    free(cnt);
    return g;
}

static void *glrlm_clone(const void *p)
{
    const glrlm_mat *s = p;
    glrlm_mat *g = glrlm_alloc(s->ng, s->nr > 0 ? s->nr : 1);
    if (!g)
        return NULL;
    g->nr = s->nr;
    g->nv = s->nv;
    if (s->nr > 0)
        memcpy(g->r, s->r, s->nr * (size_t)s->ng * sizeof *g->r);
    return g;
}

/* IBSI merging: run counts are summed element-wise (the longer run range wins), N_v is summed. */
static int glrlm_merge(void *dst, const void *src)
{
    glrlm_mat *d = dst;
    const glrlm_mat *s = src;
    if (d->ng != s->ng)
        return VX_EINVAL;
    if (glrlm_reserve(d, s->nr) != 0)
        return VX_ENOMEM;
    const size_t n = s->nr * (size_t)s->ng;
    for (size_t k = 0; k < n; k++)
        d->r[k] += s->r[k];
    if (s->nr > d->nr)
        d->nr = s->nr;
    d->nv += s->nv;
    return 0;
}

/* Sums of one pass over the run-length columns. */
typedef struct {
    double sre, lre, rlnu, srlge, srhge, lrlge, lrhge, entr, sum_j;
} run_sums;

/* One pass over the matrix (N_s = ns runs): grey-level marginal r_i. (added into ri, per grey level),
 * run-length marginal r_.j, the mixed emphases and the entropy. */
static run_sums run_length_pass(const glrlm_mat *g, double ns, double *ri)
{
    const size_t ng = (size_t)g->ng, nr = g->nr;
    /* Every sum is over probabilities p = count / N_s, formed by division: a count equal to N_s gives
     * exactly 1, so a matrix with one grey level (or one run length) gives exact marginal features
     * (emphases of the one level, normalised non-uniformity 1, variance 0, entropy 0). */
    double sre = 0.0, lre = 0.0, rlnu = 0.0, srlge = 0.0, srhge = 0.0, lrlge = 0.0, lrhge = 0.0;
    double entr = 0.0, sum_j = 0.0;
    for (size_t j = 1; j <= nr; j++) {
        const double *col = g->r + (j - 1) * ng;
        const double dj = (double)j, j2 = dj * dj;
        double rj = 0.0, low = 0.0, high = 0.0;
        for (size_t i = 0; i < ng; i++) {
            const double c = col[i];
            if (c == 0.0)
                continue;
            const double di = (double)(i + 1), i2 = di * di, pij = c / ns;
            rj += c;
            ri[i] += c;
            low += pij / i2;
            high += pij * i2;
            if (pij < 1.0)
                entr -= pij * log2(pij); /* > 0: the entropy is >= 0, and 0 for a single cell */
        }
        const double pj = rj / ns;
        sre += pj / j2;
        lre += pj * j2;
        rlnu += pj * pj;
        sum_j += dj * rj;
        srlge += low / j2;
        srhge += high / j2;
        lrlge += low * j2;
        lrhge += high * j2;
    }
    return (run_sums){sre, lre, rlnu, srlge, srhge, lrlge, lrhge, entr, sum_j};
}

/* Grey level variance about mu_i (from the marginal ri) and run length variance about mu_j. */
static void glrlm_variances(const glrlm_mat *g, const double *ri, double ns, double mu_i, double mu_j,
                            double *glvar_out, double *rlvar_out)
{
    const size_t ng = (size_t)g->ng, nr = g->nr;
    double glvar = 0.0;
    for (size_t i = 0; i < ng; i++) {
        const double e = (double)(i + 1) - mu_i;
        glvar += e * e * (ri[i] / ns);
    }
    double rlvar = 0.0;
    for (size_t j = 1; j <= nr; j++) {
        const double *col = g->r + (j - 1) * ng;
        double rj = 0.0;
        for (size_t i = 0; i < ng; i++)
            rj += col[i];
        const double e = (double)j - mu_j;
        rlvar += e * e * (rj / ns);
    }
    *glvar_out = glvar;
    *rlvar_out = rlvar;
}

static int glrlm_features(const void *p, const vx_feature_settings *fs, double *out)
{
    (void)fs;
    const glrlm_mat *g = p;
    const size_t ng = (size_t)g->ng, nr = g->nr;
    double ns = 0.0;
    for (size_t k = 0; k < nr * ng; k++)
        ns += g->r[k];
    if (!(ns > 0.0)) {
        for (int k = 0; k < GLRLM_NF; k++)
            out[k] = NAN;
        return 1;
    }
    /* the grey-level marginal r_i. (ri), on the stack unless N_g is large */
    enum { STACK_NG = 1024 };
    double stackbuf[STACK_NG];
    double *heap = NULL, *ri = stackbuf;
    if (ng > STACK_NG) {
        heap = calloc(ng, sizeof *heap);
        if (!heap) {
            for (int k = 0; k < GLRLM_NF; k++)
                out[k] = NAN;
            return 1;
        }
        ri = heap;
    } else {
        memset(ri, 0, ng * sizeof *ri);
    }
    const run_sums rs = run_length_pass(g, ns, ri);
    const double sre = rs.sre, lre = rs.lre, rlnu = rs.rlnu, srlge = rs.srlge, srhge = rs.srhge;
    const double lrlge = rs.lrlge, lrhge = rs.lrhge, entr = rs.entr, sum_j = rs.sum_j;
    double lgre = 0.0, hgre = 0.0, glnu = 0.0, sum_i = 0.0;
    for (size_t i = 0; i < ng; i++) {
        if (ri[i] == 0.0)
            continue;
        const double di = (double)(i + 1), pi = ri[i] / ns;
        lgre += pi / (di * di);
        hgre += pi * di * di;
        glnu += pi * pi;
        sum_i += di * ri[i];
    }
    /* means from integer-valued sums divided once: exactly the level (run length) when only one occurs */
    const double mu_i = sum_i / ns, mu_j = sum_j / ns;
    double glvar, rlvar;
    glrlm_variances(g, ri, ns, mu_i, mu_j, &glvar, &rlvar);
    free(heap);

    /* Short runs emphasis, 22OV: (1/N_s) sum_j r_.j / j^2 */
    out[0] = sre;
    /* Long runs emphasis, W4KF: (1/N_s) sum_j j^2 r_.j */
    out[1] = lre;
    /* Low grey level run emphasis, V3SW: (1/N_s) sum_i r_i. / i^2 */
    out[2] = lgre;
    /* High grey level run emphasis, G3QZ: (1/N_s) sum_i i^2 r_i. */
    out[3] = hgre;
    /* Short run low grey level emphasis, HTZT: (1/N_s) sum_ij r_ij / (i^2 j^2) */
    out[4] = srlge;
    /* Short run high grey level emphasis, GD3A: (1/N_s) sum_ij i^2 r_ij / j^2 */
    out[5] = srhge;
    /* Long run low grey level emphasis, IVPO: (1/N_s) sum_ij j^2 r_ij / i^2 */
    out[6] = lrlge;
    /* Long run high grey level emphasis, 3KUM: (1/N_s) sum_ij i^2 j^2 r_ij */
    out[7] = lrhge;
    /* Grey level non-uniformity, R5YN: (1/N_s) sum_i r_i.^2 */
    out[8] = glnu * ns;
    /* Normalised grey level non-uniformity, OVBL: (1/N_s^2) sum_i r_i.^2 */
    out[9] = glnu;
    /* Run length non-uniformity, W92Y: (1/N_s) sum_j r_.j^2 */
    out[10] = rlnu * ns;
    /* Normalised run length non-uniformity, IC23: (1/N_s^2) sum_j r_.j^2 */
    out[11] = rlnu;
    /* Run percentage, 9ZK5: N_s / N_v (N_v summed over merged matrices) */
    out[12] = g->nv > 0.0 ? ns / g->nv : NAN;
    /* Grey level variance, 8CE5: sum_ij (i - mu)^2 p_ij, mu = sum_ij i p_ij */
    out[13] = glvar;
    /* Run length variance, SXLW: sum_ij (j - mu)^2 p_ij, mu = sum_ij j p_ij */
    out[14] = rlvar;
    /* Run entropy, HJ9O: -sum_ij p_ij log2 p_ij */
    out[15] = entr;
    return 0;
}

static const vx_texture_ops glrlm_ops = {
    .family = VX_FAM_GLRLM,
    .directional = 1,
    .build = glrlm_build,
    .clone = glrlm_clone,
    .merge = glrlm_merge,
    .features = glrlm_features,
    .free = glrlm_free,
};

/* PyRadiomics' GLRLM (compat pyradiomics) under agg (3D averaged: its 13 angles; 2.5D direction-merged, force2D:
 * the 4 in-plane ones), each angle's matrix over the whole ROI (in-plane runs never cross slices). Its angles
 * leave out the directions that move along an axis of a single voxel (a 2D image): those would only add runs
 * of length 1. Without weighting the features are computed per angle and averaged over the angles with runs;
 * with `weightingNorm` the angles' matrices are summed, each scaled by the length of its offset in mm under the
 * norm (no_weighting: 1), counts and voxel numbers alike, and the features computed on that one matrix
 * (no_weighting: IBSI 3D or 2.5D merged). */
static int glrlm_pyradiomics(const vx_roi *roi, const vx_feature_settings *fs, vx_agg agg, vx_results *res)
{
    const int ndir = agg == VX_AGG_25D_DMRG ? VX_N_DIR_2D : VX_N_DIR_3D;
    const int weighted = fs->glcm_weighting != VX_GLCM_WEIGHT_NONE;
    glrlm_mat *sum = NULL;
    double out[GLRLM_NF], acc[GLRLM_NF] = {0};
    int cnt[GLRLM_NF] = {0}, rc = VX_OK;
    for (int dir = 0; dir < ndir && rc == VX_OK; dir++) {
        const long d[3] = {vx_texture_dirs[dir][0], vx_texture_dirs[dir][1], vx_texture_dirs[dir][2]};
        if ((d[0] && roi->dims[0] < 2) || (d[1] && roi->dims[1] < 2) || (d[2] && roi->dims[2] < 2))
            continue;
        glrlm_mat *m = glrlm_build(roi, fs, -1, dir);
        if (!m) {
            rc = VX_ENOMEM;
            break;
        }
        if (!weighted) {
            if (!glrlm_features(m, fs, out))
                for (int k = 0; k < GLRLM_NF; k++)
                    if (!isnan(out[k]))
                        acc[k] += out[k], cnt[k]++;
            glrlm_free(m);
            continue;
        }
        const double n = vx_texture_offset_norm(fs->glcm_weighting, d, roi->spacing), w = n < 0.0 ? 1.0 : n;
        for (size_t k = 0; k < m->nr * (size_t)m->ng; k++)
            m->r[k] *= w;
        m->nv *= w;
        if (!sum) {
            sum = m;
            continue;
        }
        rc = glrlm_merge(sum, m);
        glrlm_free(m);
    }
    if (!weighted)
        for (int k = 0; k < GLRLM_NF; k++)
            out[k] = cnt[k] ? acc[k] / (double)cnt[k] : NAN;
    else if (rc == VX_OK && (!sum || glrlm_features(sum, fs, out)))
        for (int k = 0; k < GLRLM_NF; k++)
            out[k] = NAN;
    glrlm_free(sum);
    return rc == VX_OK ? vx_results_add_block(res, VX_F_RLM_SRE, GLRLM_NF, agg, out) : rc;
}

int vx_glrlm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    if (fs->compat != VX_COMPAT_PYRADIOMICS)
        return vx_texture_compute(&glrlm_ops, roi, fs, res, err);
    const unsigned own = fs->aggregations & (VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_25D_DMRG));
    vx_feature_settings rest = *fs;
    rest.aggregations &= ~own;
    int rc = vx_texture_compute(&glrlm_ops, roi, &rest, res, err);
    for (int a = 0; a < VX_AGG_COUNT && rc == VX_OK; a++)
        if (own & VX_AGGBIT(a) && (rc = glrlm_pyradiomics(roi, fs, (vx_agg)a, res)) != VX_OK)
            vx_error_set(err, rc, "glrlm: out of memory");
    return rc;
}
