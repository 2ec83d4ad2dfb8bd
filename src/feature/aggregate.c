/* voxomics: texture-matrix aggregation (IBSI 1, "Feature aggregation"), shared by GLCM, GLRLM, GLSZM, GLDZM,
 * NGTDM and NGLDM. See texture.h for the rules of each aggregation method.
 *
 * Matrices are built independently per (slice, direction) or per 3D direction, possibly in parallel, and
 * then merged and averaged in one fixed order, so results do not depend on the thread count.
 * Averages skip matrices that are empty and, per feature, values that are undefined (NaN) for a single
 * slice or direction; a feature is NaN only when it is undefined for all of them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "texture.h"
#include "voxomics/settings.h"

const int vx_texture_dirs[VX_N_DIR_3D][3] = {
    {1, 0, 0}, {0, 1, 0},  {1, 1, 0},  {1, -1, 0}, {0, 0, 1},  {1, 0, 1},   {1, 0, -1},
    {0, 1, 1}, {0, 1, -1}, {1, 1, 1},  {1, 1, -1}, {1, -1, 1}, {1, -1, -1},
};

double vx_texture_offset_norm(int weighting, const long d[3], const double sp[3])
{
    double l1 = 0.0, l2 = 0.0, linf = 0.0;
    for (int a = 0; a < 3; a++) {
        const double v = fabs((double)d[a] * sp[a]);
        l1 += v;
        l2 += v * v;
        linf = v > linf ? v : linf;
    }
    switch (weighting) {
    case VX_GLCM_WEIGHT_MANHATTAN:
        return l1;
    case VX_GLCM_WEIGHT_EUCLIDEAN:
        return sqrt(l2);
    case VX_GLCM_WEIGHT_INFINITY:
        return linf;
    default:
        return -1.0;
    }
}

/* Running per-feature mean that skips NaN values. The mean is taken relative to the first value v0 of each
 * feature: mean = v0 + sum (v - v0) / n. Equal values (a feature whose definition gives the same value for
 * every slice or direction, e.g. any GLCM feature of a single grey level) then average to exactly that
 * value, so averaged and merged aggregations agree bit for bit where the definition says they agree. */
typedef struct {
    size_t nf;
    double *first, *sum;
    size_t *cnt;
} mean_acc;

static int acc_init(mean_acc *a, size_t nf)
{
    a->nf = nf;
    a->first = calloc(nf, sizeof *a->first);
    a->sum = calloc(nf, sizeof *a->sum);
    a->cnt = calloc(nf, sizeof *a->cnt);
    return (a->first && a->sum && a->cnt) ? VX_OK : VX_ENOMEM;
}

static void acc_reset(mean_acc *a)
{
    memset(a->first, 0, a->nf * sizeof *a->first);
    memset(a->sum, 0, a->nf * sizeof *a->sum);
    memset(a->cnt, 0, a->nf * sizeof *a->cnt);
}

static void acc_add(mean_acc *a, const double *v)
{
    for (size_t i = 0; i < a->nf; i++) {
        if (isnan(v[i]))
            continue;
        if (a->cnt[i] == 0)
            a->first[i] = v[i];
        else
            a->sum[i] += v[i] - a->first[i];
        a->cnt[i]++;
    }
}

static void acc_mean(const mean_acc *a, double *out)
{
    for (size_t i = 0; i < a->nf; i++)
        out[i] = a->cnt[i] ? a->first[i] + a->sum[i] / (double)a->cnt[i] : NAN;
}

static void acc_free(mean_acc *a)
{
    free(a->first);
    free(a->sum);
    free(a->cnt);
}

typedef struct {
    const vx_texture_ops *ops;
    const vx_roi *roi;
    const vx_feature_settings *fs;
    vx_results *res;
    vx_family fam;
    size_t nf;
    double *vals;
    mean_acc acc;
} tex_ctx;

/* features of m into c->vals; returns 1 when empty (vals all NaN) */
static int feats(tex_ctx *c, const void *m)
{
    if (c->ops->features(m, c->fs, c->vals)) {
        for (size_t i = 0; i < c->nf; i++)
            c->vals[i] = NAN;
        return 1;
    }
    return 0;
}

/* The family's values under agg; features only PyRadiomics defines (VX_FF_PYRADIOMICS) only in its
 * compatibility mode. */
static int emit(tex_ctx *c, vx_agg agg)
{
    const vx_feature_id first = vx_feature_first(c->fam);
    if (c->fs->compat == VX_COMPAT_PYRADIOMICS)
        return vx_results_add_block(c->res, first, c->nf, agg, c->vals);
    int rc = VX_OK;
    for (size_t k = 0; k < c->nf && rc == VX_OK; k++)
        if (!(vx_feature_get((vx_feature_id)(first + (int)k))->flags & VX_FF_PYRADIOMICS))
            rc = vx_results_add(c->res, (vx_feature_id)(first + (int)k), agg, c->vals[k]);
    return rc;
}

static int emit_mean(tex_ctx *c, vx_agg agg)
{
    acc_mean(&c->acc, c->vals);
    return emit(c, agg);
}

/* Merge list[0..n) (skipping NULL) into a new matrix; *out NULL when the list is all NULL. */
static int merge_list(const vx_texture_ops *ops, void *const *list, size_t n, size_t stride, void **out)
{
    *out = NULL;
    for (size_t i = 0; i < n; i++) {
        const void *m = list[i * stride];
        if (!m)
            continue;
        if (!*out) {
            if (!(*out = ops->clone(m)))
                return VX_ENOMEM;
        } else if (ops->merge(*out, m) != VX_OK) {
            return VX_ENOMEM;
        }
    }
    return VX_OK;
}

/* Slices (z indices) of the box that contain intensity-mask voxels. */
static size_t roi_slices(const vx_roi *roi, long *z_out)
{
    size_t ns = 0;
    for (size_t z = roi->box_lo[2]; z < roi->box_hi[2]; z++) {
        int any = 0;
        for (size_t y = roi->box_lo[1]; y < roi->box_hi[1] && !any; y++) {
            const uint8_t *row = roi->imask + roi->dims[0] * (y + roi->dims[1] * z);
            for (size_t x = roi->box_lo[0]; x < roi->box_hi[0]; x++)
                if (row[x]) {
                    any = 1;
                    break;
                }
        }
        if (any)
            z_out[ns++] = (long)z;
    }
    return ns;
}

static int nthreads(const vx_feature_settings *fs)
{
    return fs->threads > 0 ? fs->threads : 1;
}

/* Build mats[i] = build(slice_of(i), dir_of(i)) for i < n; returns VX_ENOMEM if any failed. */
static int build_all(tex_ctx *c, void **mats, size_t n, const long *slices, int ndir)
{
    int fail = 0;
    int nt = nthreads(c->fs);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nt > 1) reduction(| : fail)
    for (size_t i = 0; i < n; i++) {
        long z = slices ? slices[i / (size_t)ndir] : -1;
        int d = (int)(i % (size_t)ndir);
        mats[i] = c->ops->build(c->roi, c->fs, z, d);
        if (!mats[i])
            fail = 1;
    }
    return fail ? VX_ENOMEM : VX_OK;
}

static void free_all(const vx_texture_ops *ops, void **mats, size_t n)
{
    if (!mats)
        return;
    for (size_t i = 0; i < n; i++)
        if (mats[i])
            ops->free(mats[i]);
    free(mats);
}

/* Features of each matrix, averaged (BTW3, ITBB, 8QNN). */
static int agg_mean(tex_ctx *c, void *const *mats, size_t n, vx_agg agg)
{
    acc_reset(&c->acc);
    for (size_t i = 0; i < n; i++)
        if (!feats(c, mats[i]))
            acc_add(&c->acc, c->vals);
    return emit_mean(c, agg);
}

/* Groups g < ngroups of matrices list[g * gstep + k * stride], k < n: each group merged into one matrix; the
 * features of the merged matrices averaged (SUJT, JJUI), or, for a single group, emitted as they are (ZW7Z,
 * IAZD, 62GR: an empty merged matrix then gives NaN). */
static int agg_merged(tex_ctx *c, void *const *list, size_t ngroups, size_t gstep, size_t n, size_t stride,
                      vx_agg agg)
{
    int rc = VX_OK;
    acc_reset(&c->acc);
    for (size_t g = 0; g < ngroups && rc == VX_OK; g++) {
        void *m = NULL;
        rc = merge_list(c->ops, list + g * gstep, n, stride, &m);
        if (rc == VX_OK && m && !feats(c, m))
            acc_add(&c->acc, c->vals);
        if (m)
            c->ops->free(m);
    }
    return rc == VX_OK ? emit_mean(c, agg) : rc;
}

#define WANT(a) (want & VX_AGGBIT(a))

static int directional_2d(tex_ctx *c, unsigned want, const long *slices, size_t ns)
{
    const size_t nd = VX_N_DIR_2D, n = ns * nd;
    void **mats = calloc(n ? n : 1, sizeof *mats);
    int rc = mats ? build_all(c, mats, n, slices, (int)nd) : VX_ENOMEM;
    if (rc == VX_OK && WANT(VX_AGG_2D_AVG)) /* BTW3: every (slice, direction) */
        rc = agg_mean(c, mats, n, VX_AGG_2D_AVG);
    if (rc == VX_OK && WANT(VX_AGG_2D_SMRG)) /* SUJT: per slice, its 4 directions merged */
        rc = agg_merged(c, mats, ns, nd, nd, 1, VX_AGG_2D_SMRG);
    if (rc == VX_OK && WANT(VX_AGG_25D_DMRG)) /* JJUI: per direction, all slices merged */
        rc = agg_merged(c, mats, nd, 1, ns, nd, VX_AGG_25D_DMRG);
    if (rc == VX_OK && WANT(VX_AGG_25D_MRG)) /* ZW7Z: everything merged */
        rc = agg_merged(c, mats, 1, 0, n, 1, VX_AGG_25D_MRG);
    free_all(c->ops, mats, n);
    return rc;
}

/* The 3D aggregations of the 13 directions' matrices mats: ITBB, and IAZD from merged where given (the sum of
 * mats, built by the caller), else by merging mats. */
static int aggregate_3d(tex_ctx *c, unsigned want, void *const *mats, const void *merged)
{
    const size_t n = VX_N_DIR_3D;
    int rc = VX_OK;
    if (WANT(VX_AGG_3D_AVG)) /* ITBB */
        rc = agg_mean(c, mats, n, VX_AGG_3D_AVG);
    if (rc == VX_OK && WANT(VX_AGG_3D_MRG) && !merged) /* IAZD */
        rc = agg_merged(c, mats, 1, 0, n, 1, VX_AGG_3D_MRG);
    if (rc == VX_OK && WANT(VX_AGG_3D_MRG) && merged) { /* IAZD, as agg_merged gives it for one group */
        acc_reset(&c->acc);
        if (!feats(c, merged))
            acc_add(&c->acc, c->vals);
        rc = emit_mean(c, VX_AGG_3D_MRG);
    }
    return rc;
}

static int directional_3d(tex_ctx *c, unsigned want)
{
    const size_t n = VX_N_DIR_3D;
    void **mats = calloc(n, sizeof *mats);
    int rc = mats ? build_all(c, mats, n, NULL, (int)n) : VX_ENOMEM;
    if (rc == VX_OK)
        rc = aggregate_3d(c, want, mats, NULL);
    free_all(c->ops, mats, n);
    return rc;
}

static int zone_2d(tex_ctx *c, unsigned want, const long *slices, size_t ns)
{
    void **mats = calloc(ns ? ns : 1, sizeof *mats);
    int rc = mats ? build_all(c, mats, ns, slices, 1) : VX_ENOMEM;
    if (rc == VX_OK && WANT(VX_AGG_2D)) /* 8QNN */
        rc = agg_mean(c, mats, ns, VX_AGG_2D);
    if (rc == VX_OK && WANT(VX_AGG_25D)) /* 62GR */
        rc = agg_merged(c, mats, 1, 0, ns, 1, VX_AGG_25D);
    free_all(c->ops, mats, ns);
    return rc;
}

static int zone_3d(tex_ctx *c)
{
    void *m = c->ops->build(c->roi, c->fs, -1, 0);
    if (!m)
        return VX_ENOMEM;
    feats(c, m);
    c->ops->free(m);
    return emit(c, VX_AGG_3D);
}

int vx_texture_compute(const vx_texture_ops *ops, const vx_roi *roi, const vx_feature_settings *fs,
                       vx_results *res, vx_error *err)
{
    const vx_family_info *fi = vx_family_get(ops->family);
    unsigned want = fs->aggregations & fi->aggregations;
    if (!want)
        return VX_OK;
    tex_ctx c = {ops, roi, fs, res, ops->family, vx_feature_count(ops->family), NULL, {0, NULL, NULL, NULL}};
    size_t nz = roi->box_hi[2] > roi->box_lo[2] ? roi->box_hi[2] - roi->box_lo[2] : 0;
    long *slices = malloc((nz ? nz : 1) * sizeof *slices);
    c.vals = malloc(c.nf * sizeof *c.vals);
    int rc = (slices && c.vals) ? acc_init(&c.acc, c.nf) : VX_ENOMEM;
    size_t ns = rc == VX_OK ? roi_slices(roi, slices) : 0;

    if (rc == VX_OK && ops->directional) {
        if (want & (VX_AGGBIT(VX_AGG_2D_AVG) | VX_AGGBIT(VX_AGG_2D_SMRG) | VX_AGGBIT(VX_AGG_25D_DMRG) |
                    VX_AGGBIT(VX_AGG_25D_MRG)))
            rc = directional_2d(&c, want, slices, ns);
        if (rc == VX_OK && (want & (VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D_MRG))))
            rc = directional_3d(&c, want);
    } else if (rc == VX_OK) {
        if (want & (VX_AGGBIT(VX_AGG_2D) | VX_AGGBIT(VX_AGG_25D)))
            rc = zone_2d(&c, want, slices, ns);
        if (rc == VX_OK && (want & VX_AGGBIT(VX_AGG_3D)))
            rc = zone_3d(&c);
    }
    free(slices);
    free(c.vals);
    acc_free(&c.acc);
    if (rc != VX_OK)
        return vx_error_set(err, rc,
                            "%s: cannot build or merge the texture matrices for %d grey levels (out of memory, or "
                            "more grey levels than the family supports: use a coarser discretisation)",
                            fi->key, roi->n_grey);
    return VX_OK;
}

int vx_texture_compute_3d(const vx_texture_ops *ops, const vx_feature_settings *fs, void *const *mats,
                          const void *merged, vx_results *res, vx_error *err)
{
    const vx_family_info *fi = vx_family_get(ops->family);
    const unsigned want = fs->aggregations & fi->aggregations & (VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D_MRG));
    if (!want)
        return VX_OK;
    enum { STACK_NF = 32 }; /* a kernel of the voxel maps per call: no allocation for up to 32 features */
    double vals[STACK_NF], first[STACK_NF], sum[STACK_NF];
    size_t cnt[STACK_NF];
    tex_ctx c = {ops, NULL, fs, res, ops->family, vx_feature_count(ops->family), vals, {0, first, sum, cnt}};
    const int heap = c.nf > STACK_NF;
    int rc = VX_OK;
    if (heap) {
        c.vals = malloc(c.nf * sizeof *c.vals);
        rc = c.vals ? acc_init(&c.acc, c.nf) : VX_ENOMEM;
    } else {
        c.acc.nf = c.nf;
    }
    if (rc == VX_OK)
        rc = aggregate_3d(&c, want, mats, merged);
    if (heap) {
        free(c.vals);
        acc_free(&c.acc);
    }
    return rc == VX_OK ? VX_OK : vx_error_set(err, rc, "%s: out of memory aggregating the 3D matrices", fi->key);
}
