/* voxomics: neighbouring grey level dependence matrix (NGLDM) features, IBSI family REK0.
 *
 * Definitions (IBSI 1 reference manual, "Neighbouring grey level dependence based features"):
 *   The neighbourhood of voxel k holds the voxels k + m with ||m||_inf <= delta (fs->ngldm_distance),
 *   in 2D (per slice) only m_z = 0. Dependence, the centre voxel included and neighbours outside the ROI
 *   intensity mask excluded:
 *     j_k = sum_m [ |X_d(k) - X_d(k + m)| <= alpha and k + m in ROI ]     (alpha = fs->ngldm_coarseness)
 *   so j_k >= 1. s_ij = number of voxels of grey level i with dependence j, i = 1..N_g (roi->n_grey),
 *   j = 1..N_n (largest dependence found). Every voxel of the intensity mask has a neighbourhood, so
 *   N_s = sum_ij s_ij = N_v. p_ij = s_ij / N_s, s_i. = sum_j s_ij, s_.j = sum_i s_ij.
 * Aggregation: 2D (8QNN) features per slice averaged; 2.5D (62GR) s_ij, N_v and N_s summed over slices;
 * 3D (KOBO) one matrix over the volume.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feature/neighbourhood.h"
#include "feature/texture.h"

static void ngldm_free(void *p)
{
    vx_ngldm_matrix *m = p;
    if (!m)
        return;
    free(m->s);
    free(m);
}

static vx_ngldm_matrix *ngldm_new(int ng, int cap)
{
    vx_ngldm_matrix *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->ng = ng > 0 ? ng : 0;
    m->cap = cap > 0 ? cap : 1;
    m->s = calloc((size_t)m->ng * (size_t)m->cap + 1, sizeof *m->s);
    if (!m->s) {
        free(m);
        return NULL;
    }
    return m;
}

/* Voxels outside the ROI hold this level: |c - OUTSIDE| > alpha for every ROI level c and every alpha
 * below 2^29, so they never count towards a dependence. */
#define OUTSIDE (-(INT32_C(1) << 30))

/* dep[t] += [|q[t] - c[t]| <= alpha] over one plane run, for one neighbour offset. Kept out of line: with
 * restrict pointers in a function of its own the loop is reliably vectorised. */
__attribute__((noinline)) static void add_dependence(int32_t *restrict dep, const int32_t *restrict q,
                                                      const int32_t *restrict c, size_t len, int32_t alpha)
{
    for (size_t t = 0; t < len; t++) {
        const int32_t d = q[t] - c[t];
        dep[t] += (d <= alpha) & (d >= -alpha);
    }
}

static void *ngldm_build(const vx_roi *roi, const vx_feature_settings *fs, long slice, int dir)
{
    (void)dir;
    if (roi->n_grey >= (1 << 29))
        return NULL;
    vx_nbh nb;
    if (vx_nbh_init(&nb, roi, slice, fs->ngldm_distance, fs->distance_set, OUTSIDE) != 0)
        return NULL;
    /* the largest possible dependence is the neighbourhood size, centre included */
    vx_ngldm_matrix *m = ngldm_new(roi->n_grey, (int)nb.n_off + 1);
    const size_t len = vx_nbh_run(&nb);
    int32_t *dep = malloc((len ? len : 1) * sizeof *dep);
    if (!m || !dep) {
        free(dep);
        ngldm_free(m);
        vx_nbh_free(&nb);
        return NULL;
    }
    /* levels differ by at most n_grey - 1, so a larger alpha changes nothing */
    const int32_t alpha = fs->ngldm_coarseness < 0 ? 0 : fs->ngldm_coarseness < roi->n_grey ? fs->ngldm_coarseness : roi->n_grey;
    const size_t ng = (size_t)m->ng;
    double *s = m->s;
    int nn = 0;
    for (size_t z = 0; z < nb.n[2]; z++) {
        const int32_t *c = nb.g + vx_nbh_row(&nb, 0, z);
        int any = 0;
        for (size_t t = 0; t < len; t++)
            any |= c[t] != OUTSIDE;
        if (!any)
            continue;
        for (size_t t = 0; t < len; t++)
            dep[t] = 1; /* the centre voxel */
        for (size_t k = 0; k < nb.n_off; k++)
            add_dependence(dep, c + nb.off[k], c, len, alpha);
        for (size_t t = 0; t < len; t++) {
            const int32_t g = c[t];
            if (g != OUTSIDE) {
                const int j = dep[t];
                s[(size_t)(j - 1) * ng + (size_t)(g - 1)] += 1.0;
                if (j > nn)
                    nn = j;
            }
        }
    }
    m->nn = nn;
    m->nv = (double)nb.nv;
    free(dep);
    vx_nbh_free(&nb);
    /* keep only the columns 1..nn */
    if (nn < m->cap) {
        const int cap = nn > 0 ? nn : 1;
        double *t = realloc(m->s, ((size_t)m->ng * (size_t)cap + 1) * sizeof *t);
        if (t) {
            m->s = t;
            m->cap = cap;
        }
    }
    return m;
}

static void *ngldm_clone(const void *p)
{
    const vx_ngldm_matrix *a = p;
    vx_ngldm_matrix *m = ngldm_new(a->ng, a->cap);
    if (!m)
        return NULL;
    memcpy(m->s, a->s, ((size_t)a->ng * (size_t)a->cap + 1) * sizeof *m->s);
    m->nn = a->nn;
    m->nv = a->nv;
    return m;
}

/* IBSI NGLDM merging (2.5D, 62GR): s_ij summed element-wise, N_v (and so N_s) summed. Matrices may differ in
 * N_n (and, defensively, in N_g). */
static int ngldm_merge(void *dp, const void *sp)
{
    vx_ngldm_matrix *d = dp;
    const vx_ngldm_matrix *a = sp;
    if (a->ng > d->ng || a->nn > d->cap) {
        const int ng = a->ng > d->ng ? a->ng : d->ng;
        const int cap = a->nn > d->cap ? a->nn : d->cap;
        double *t = calloc((size_t)ng * (size_t)cap + 1, sizeof *t);
        if (!t)
            return VX_ENOMEM;
        for (int j = 0; j < d->nn; j++)
            memcpy(t + (size_t)j * (size_t)ng, d->s + (size_t)j * (size_t)d->ng, (size_t)d->ng * sizeof *t);
        free(d->s);
        d->s = t;
        d->ng = ng;
        d->cap = cap;
    }
    const size_t dng = (size_t)d->ng, ang = (size_t)a->ng;
    for (int j = 0; j < a->nn; j++)
        for (size_t i = 0; i < ang; i++)
            d->s[(size_t)j * dng + i] += a->s[(size_t)j * ang + i];
    if (a->nn > d->nn)
        d->nn = a->nn;
    d->nv += a->nv;
    return 0;
}

enum {
    NGL_LDE, NGL_HDE, NGL_LGCE, NGL_HGCE, NGL_LDLGE, NGL_LDHGE, NGL_HDLGE, NGL_HDHGE, NGL_GLNU,
    NGL_GLNU_NORM, NGL_DCNU, NGL_DCNU_NORM, NGL_DC_PERC, NGL_GL_VAR, NGL_DC_VAR, NGL_DC_ENTR,
    NGL_DC_ENERGY, NGL_N
};

/* Sums over the grey level marginals s_i. and both variances. */
typedef struct {
    double lgce, hgce, glnu, gl_var, dc_var;
} grey_sums;

/* Grey level by grey level (N_s = ns, means mu_i, mu_j): the marginal s_i., its emphases and
 * non-uniformity, and the grey level and dependence count variances. */
static grey_sums grey_marginal_pass(const vx_ngldm_matrix *m, double ns, double mu_i, double mu_j)
{
    const size_t ng = (size_t)m->ng;
    const int nn = m->nn;
    double lgce = 0, hgce = 0, glnu = 0, gl_var = 0, dc_var = 0;
    for (size_t ii = 0; ii < ng; ii++) {
        const double i = (double)(ii + 1), i2 = i * i;
        double si = 0;
        for (int jj = 0; jj < nn; jj++) {
            const double v = m->s[(size_t)jj * ng + ii];
            if (v == 0)
                continue;
            const double dj = (jj + 1) - mu_j;
            si += v;
            dc_var += dj * dj * (v / ns);
        }
        if (si == 0)
            continue;
        const double di = i - mu_i, pi = si / ns;
        lgce += pi / i2;
        hgce += pi * i2;
        glnu += pi * pi;
        gl_var += di * di * pi;
    }
    return (grey_sums){lgce, hgce, glnu, gl_var, dc_var};
}

static int ngldm_features(const void *p, const vx_feature_settings *fs, double *out)
{
    (void)fs;
    const vx_ngldm_matrix *m = p;
    const size_t ng = (size_t)m->ng;
    const int nn = m->nn;

    double ns = 0.0;
    for (int j = 0; j < nn; j++)
        for (size_t i = 0; i < ng; i++)
            ns += m->s[(size_t)j * ng + i];
    if (!(ns > 0)) {
        for (int f = 0; f < NGL_N; f++)
            out[f] = NAN;
        return 1;
    }

    /* One pass over the matrix, column by column (dependence j), for everything but the grey level
     * marginals. Sums are over probabilities p = count / N_s formed by division (a count equal to N_s gives
     * exactly 1); means are integer-valued sums divided once. One grey level (or one dependence count) thus
     * gives exact marginal features: emphases of that level, normalised non-uniformity 1, variance 0. */
    double lde = 0, hde = 0, ldlge = 0, ldhge = 0, hdlge = 0, hdhge = 0, dcnu = 0;
    double sum_i = 0, sum_j = 0, entr = 0, energy = 0;
    for (int jj = 0; jj < nn; jj++) {
        const double j = jj + 1, j2 = j * j;
        const double *col = m->s + (size_t)jj * ng;
        double sj = 0, a_il2 = 0, a_i2 = 0;
        for (size_t ii = 0; ii < ng; ii++) {
            const double v = col[ii];
            if (v == 0)
                continue;
            const double i = (double)(ii + 1), i2 = i * i, pij = v / ns;
            sj += v;
            a_il2 += pij / i2;
            a_i2 += pij * i2;
            sum_i += v * i;
            if (pij < 1.0)
                entr -= pij * log2(pij); /* > 0 term by term */
            energy += pij * pij;
        }
        const double pj = sj / ns;
        lde += pj / j2;
        hde += pj * j2;
        ldlge += a_il2 / j2;
        ldhge += a_i2 / j2;
        hdlge += a_il2 * j2;
        hdhge += a_i2 * j2;
        dcnu += pj * pj;
        sum_j += j * sj;
    }
    const double mu_i = sum_i / ns, mu_j = sum_j / ns;

    /* grey level marginals s_i. and the variances */
    const grey_sums gs = grey_marginal_pass(m, ns, mu_i, mu_j);
    const double lgce = gs.lgce, hgce = gs.hgce, glnu = gs.glnu, gl_var = gs.gl_var, dc_var = gs.dc_var;

    /* Low dependence emphasis (SODN): F = 1/N_s sum_j s_.j / j^2 */
    out[NGL_LDE] = lde;
    /* High dependence emphasis (IMOQ): F = 1/N_s sum_j j^2 s_.j */
    out[NGL_HDE] = hde;
    /* Low grey level count emphasis (TL9H): F = 1/N_s sum_i s_i. / i^2 */
    out[NGL_LGCE] = lgce;
    /* High grey level count emphasis (OAE7): F = 1/N_s sum_i i^2 s_i. */
    out[NGL_HGCE] = hgce;
    /* Low dependence low grey level emphasis (EQ3F): F = 1/N_s sum_ij s_ij / (i^2 j^2) */
    out[NGL_LDLGE] = ldlge;
    /* Low dependence high grey level emphasis (JA6D): F = 1/N_s sum_ij i^2 s_ij / j^2 */
    out[NGL_LDHGE] = ldhge;
    /* High dependence low grey level emphasis (NBZI): F = 1/N_s sum_ij j^2 s_ij / i^2 */
    out[NGL_HDLGE] = hdlge;
    /* High dependence high grey level emphasis (9QMG): F = 1/N_s sum_ij i^2 j^2 s_ij */
    out[NGL_HDHGE] = hdhge;
    /* Grey level non-uniformity (FP8K): F = 1/N_s sum_i s_i.^2 */
    out[NGL_GLNU] = glnu * ns;
    /* Normalised grey level non-uniformity (5SPA): F = 1/N_s^2 sum_i s_i.^2 */
    out[NGL_GLNU_NORM] = glnu;
    /* Dependence count non-uniformity (Z87G): F = 1/N_s sum_j s_.j^2 */
    out[NGL_DCNU] = dcnu * ns;
    /* Normalised dependence count non-uniformity (OKJI): F = 1/N_s^2 sum_j s_.j^2 */
    out[NGL_DCNU_NORM] = dcnu;
    /* Dependence count percentage (6XV8): F = N_s / N_v (1 under the IBSI definition) */
    out[NGL_DC_PERC] = m->nv > 0 ? ns / m->nv : NAN;
    /* Grey level variance (1PFV): F = sum_ij (i - mu)^2 p_ij, mu = sum_ij i p_ij */
    out[NGL_GL_VAR] = gl_var;
    /* Dependence count variance (DNX2): F = sum_ij (j - mu)^2 p_ij, mu = sum_ij j p_ij */
    out[NGL_DC_VAR] = dc_var;
    /* Dependence count entropy (FCBV): F = -sum_ij p_ij log2 p_ij */
    out[NGL_DC_ENTR] = entr;
    /* Dependence count energy (CAS9): F = sum_ij p_ij^2 */
    out[NGL_DC_ENERGY] = energy;
    return 0;
}

static const vx_texture_ops ngldm_ops = {
    .family = VX_FAM_NGLDM,
    .directional = 0,
    .build = ngldm_build,
    .clone = ngldm_clone,
    .merge = ngldm_merge,
    .features = ngldm_features,
    .free = ngldm_free,
};

const vx_texture_ops *vx_ngldm_ops(void)
{
    return &ngldm_ops;
}

int vx_ngldm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    if (fs->ngldm_distance < 1)
        return vx_error_set(err, VX_EINVAL, "ngldm: neighbourhood distance must be at least 1 (got %d)",
                            fs->ngldm_distance);
    if (roi->n_grey >= (1 << 29))
        return vx_error_set(err, VX_EINVAL, "ngldm: too many grey levels (%d)", roi->n_grey);
    if (fs->ngldm_coarseness < 0)
        return vx_error_set(err, VX_EINVAL, "ngldm: coarseness parameter alpha must be non-negative (got %d)",
                            fs->ngldm_coarseness);
    return vx_texture_compute(&ngldm_ops, roi, fs, res, err);
}
