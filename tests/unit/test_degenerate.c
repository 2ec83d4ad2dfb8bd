/* Degenerate regions of interest through the whole extraction (vx_extract, all 11 families, every IBSI
 * aggregation): a constant-intensity box (one grey level), a single voxel, and two voxels with two grey
 * levels. Every feature is checked against the value its IBSI 1 definition gives (derived by hand below, in
 * the comments), or NaN where the definition is 0/0, or the IBSI convention (docs/features.md, "Degenerate
 * regions"); and voxels on an oblique line and plane (exact zero principal axes). Also: no entropy below 0 (nor -0), no infinity, every aggregation agrees where the definition
 * says so, and 1 and 2 threads give bit-identical results.
 *
 * Geometry: a 16^3 grid of 1 mm voxels, intensity 100 everywhere outside the ROI too (so that the local
 * intensity spheres, which draw on every voxel of the grid, are known), ROI inside it.
 * Settings "CT": round intensities, re-segmentation [-1000, 400] HU, fixed bin size 25 HU from -1000 (100 HU
 * is grey level L = floor(1100 / 25) + 1 = 45, 130 HU is 46; N_g = 46 for the pair), IVH on the HU values
 * with the re-segmentation range as G = [-1000, 400], w_d = 1.
 * Settings "bare": no re-segmentation, fixed bin size 25 from the ROI minimum: one grey level 1, N_g = 1; the
 * IVH range G = [min, max] of the ROI.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/voxomics.h"
#include "vx_test.h"

#define N 16
#define L 45.0 /* grey level of 100 HU under the CT settings */
#define VX_PI_TEST 3.14159265358979323846

typedef struct vox {
    int x, y, z;
    float v;
} vox;

/* The grid with intensity 100 everywhere and the ROI voxels v[0..n) (intensity v.v, in the mask). */
static void make_case(const vox *v, size_t n, vx_image **img, vx_image **mask)
{
    vx_geometry g;
    vx_geometry_default(&g, N, N, N);
    *img = vx_image_new(&g);
    *mask = vx_image_new(&g);
    assert_non_null(*img);
    assert_non_null(*mask);
    for (size_t i = 0; i < (size_t)N * N * N; i++)
        (*img)->v[i] = 100.0f;
    for (size_t k = 0; k < n; k++) {
        const size_t i = (size_t)v[k].x + N * ((size_t)v[k].y + N * (size_t)v[k].z);
        (*img)->v[i] = v[k].v;
        (*mask)->v[i] = 1.0f;
    }
}

static void settings_ct(vx_settings *s, int threads)
{
    vx_settings_default(s);
    s->round_intensities = 1;
    s->reseg_min = -1000;
    s->reseg_max = 400;
    s->texture_disc = (vx_discretisation){VX_DISC_FBS, 25.0, 0, NAN};
    s->features.threads = threads;
}

static void settings_bare(vx_settings *s, int threads)
{
    vx_settings_default(s);
    s->texture_disc = (vx_discretisation){VX_DISC_FBS, 25.0, 0, NAN};
    s->features.threads = threads;
}

static void extract(const vox *v, size_t n, void (*settings)(vx_settings *, int), int threads, vx_results *res)
{
    vx_image *img, *mask;
    make_case(v, n, &img, &mask);
    vx_settings s;
    settings(&s, threads);
    vx_error err;
    vx_results_init(res);
    int rc = vx_extract(img, mask, &s, res, &err);
    vx_image_free(img);
    vx_image_free(mask);
    if (rc != VX_OK)
        fail_msg("vx_extract: %s", err.msg);
}

/* ---- checks ------------------------------------------------------------------------------------------- */

static const char *tag_of(vx_feature_id f, vx_agg a)
{
    static char buf[96];
    if (vx_feature_tag(f, a, buf, sizeof buf) != VX_OK)
        snprintf(buf, sizeof buf, "feature %d", (int)f);
    return buf;
}

/* v: expected value (NaN: must be NaN); tol < 0: bit-exact equality, else |x - v| <= tol (1 + |v|). */
static void check_one(const char *what, const vx_results *r, vx_feature_id f, vx_agg a, double v, double tol)
{
    const double x = vx_results_get(r, f, a);
    if (isnan(v)) {
        if (!isnan(x))
            fail_msg("%s: %s = %.17g, expected NaN", what, tag_of(f, a), x);
        return;
    }
    if (isnan(x))
        fail_msg("%s: %s = NaN, expected %.17g", what, tag_of(f, a), v);
    if (tol < 0.0 ? x != v : !(fabs(x - v) <= tol * (1.0 + fabs(v))))
        fail_msg("%s: %s = %.17g, expected %.17g%s", what, tag_of(f, a), x, v, tol < 0.0 ? " exactly" : "");
}

#define EXACT (-1.0)
#define TOL 1e-12

/* The same expected value under every aggregation of the feature's family. */
static void check(const char *what, const vx_results *r, vx_feature_id f, double v, double tol)
{
    const unsigned set = vx_family_get(vx_feature_family(f))->aggregations;
    for (int a = 0; a < VX_AGG_COUNT; a++)
        if (set & VX_AGGBIT(a))
            check_one(what, r, f, (vx_agg)a, v, tol);
}

/* Invariants of every result set: every (feature, aggregation) of every family present once (the IBSI
 * features: PyRadiomics' own exist only with compat pyradiomics); no infinity; entropies >= 0 and never -0. */
static void check_invariants(const char *what, const vx_results *r)
{
    size_t expected = 0;
    for (int f = 0; f < VX_FAM_COUNT; f++) {
        unsigned set = vx_family_get((vx_family)f)->aggregations, na = 0;
        for (int a = 0; a < VX_AGG_COUNT; a++)
            na += (set >> a) & 1u;
        size_t nf = 0;
        for (size_t k = 0; k < vx_feature_count((vx_family)f); k++)
            nf += !(vx_feature_get((vx_feature_id)(vx_feature_first((vx_family)f) + (int)k))->flags &
                    VX_FF_PYRADIOMICS);
        expected += na * nf;
    }
    if (r->n != expected)
        fail_msg("%s: %zu rows, expected %zu", what, r->n, expected);
    static const vx_feature_id entropies[] = {VX_F_IH_ENTROPY,  VX_F_CM_JOINT_ENTR, VX_F_CM_DIFF_ENTR,
                                              VX_F_CM_SUM_ENTR, VX_F_RLM_RL_ENTR,   VX_F_SZM_ZS_ENTR,
                                              VX_F_DZM_ZD_ENTR, VX_F_NGL_DC_ENTR};
    for (size_t i = 0; i < r->n; i++) {
        const double x = r->rows[i].value;
        if (isinf(x))
            fail_msg("%s: %s is infinite", what, tag_of(r->rows[i].feature, r->rows[i].agg));
        for (size_t e = 0; e < sizeof entropies / sizeof *entropies; e++)
            if (r->rows[i].feature == entropies[e] && !isnan(x) && (x < 0.0 || signbit(x)))
                fail_msg("%s: entropy %s = %.17g < 0", what, tag_of(r->rows[i].feature, r->rows[i].agg), x);
    }
}

/* Bit-identical results for 1 and 2 threads. */
static void check_threads(const char *what, const vox *v, size_t n, void (*settings)(vx_settings *, int))
{
    vx_results a, b;
    extract(v, n, settings, 1, &a);
    extract(v, n, settings, 2, &b);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        assert_int_equal(a.rows[i].feature, b.rows[i].feature);
        assert_int_equal(a.rows[i].agg, b.rows[i].agg);
        if (memcmp(&a.rows[i].value, &b.rows[i].value, sizeof(double)))
            fail_msg("%s: %s differs between 1 and 2 threads (%.17g, %.17g)", what,
                     tag_of(a.rows[i].feature, a.rows[i].agg), a.rows[i].value, b.rows[i].value);
    }
    vx_results_free(&a);
    vx_results_free(&b);
}

/* Features whose value for a single grey level does not depend on the matrix: bit-identical under every
 * aggregation of the family. */
static void check_agg_identical(const char *what, const vx_results *r, vx_feature_id f)
{
    const unsigned set = vx_family_get(vx_feature_family(f))->aggregations;
    int first = -1;
    for (int a = 0; a < VX_AGG_COUNT; a++) {
        if (!(set & VX_AGGBIT(a)))
            continue;
        if (first < 0) {
            first = a;
            continue;
        }
        const double x = vx_results_get(r, f, (vx_agg)first), y = vx_results_get(r, f, (vx_agg)a);
        if (!(isnan(x) && isnan(y)) && memcmp(&x, &y, sizeof x))
            fail_msg("%s: %s = %.17g but %s = %.17g", what, tag_of(f, (vx_agg)first), x, tag_of(f, (vx_agg)a), y);
    }
}

/* ---- one grey level: every GLCM, NGTDM feature and the grey-level marginal features of the run, zone and
 * dependence matrices are fixed by the level alone ---------------------------------------------------- */

static void check_one_level_texture(const char *what, const vx_results *r, double lv)
{
    /* GLCM with p_LL = 1 (every matrix with a pair): joint maximum 1, joint average L, variances 0,
     * entropies 0, difference average 0, sum average 2L, energy 1, contrast and dissimilarity 0, the four
     * inverse differences 1/(1 + 0) = 1, inverse variance (k >= 1 only) 0, autocorrelation L^2, cluster
     * features 0, correlation 0/0 (sigma = 0), information correlation 1 (HXY - HXY1) / HX = 0/0,
     * information correlation 2 sqrt(1 - exp(0)) = 0. */
    const struct {
        vx_feature_id f;
        double v;
    } cm[] = {
        {VX_F_CM_JOINT_MAX, 1},     {VX_F_CM_JOINT_AVG, lv},      {VX_F_CM_JOINT_VAR, 0},
        {VX_F_CM_JOINT_ENTR, 0},    {VX_F_CM_DIFF_AVG, 0},        {VX_F_CM_DIFF_VAR, 0},
        {VX_F_CM_DIFF_ENTR, 0},     {VX_F_CM_SUM_AVG, 2 * lv},    {VX_F_CM_SUM_VAR, 0},
        {VX_F_CM_SUM_ENTR, 0},      {VX_F_CM_ENERGY, 1},          {VX_F_CM_CONTRAST, 0},
        {VX_F_CM_DISSIMILARITY, 0}, {VX_F_CM_INV_DIFF, 1},        {VX_F_CM_INV_DIFF_NORM, 1},
        {VX_F_CM_INV_DIFF_MOM, 1},  {VX_F_CM_INV_DIFF_MOM_NORM, 1}, {VX_F_CM_INV_VAR, 0},
        {VX_F_CM_CORR, NAN},        {VX_F_CM_AUTO_CORR, lv * lv}, {VX_F_CM_CLUST_TEND, 0},
        {VX_F_CM_CLUST_SHADE, 0},   {VX_F_CM_CLUST_PROM, 0},      {VX_F_CM_INFO_CORR1, NAN},
        {VX_F_CM_INFO_CORR2, 0},
    };
    for (size_t k = 0; k < sizeof cm / sizeof *cm; k++)
        check(what, r, cm[k].f, cm[k].v, EXACT);
    for (size_t k = 0; k < vx_feature_count(VX_FAM_GLCM); k++)
        check_agg_identical(what, r, (vx_feature_id)(VX_F_CM_JOINT_MAX + (int)k));

    /* Run, zone and dependence matrices with only row L: sum_i p_i / i^2 = 1 / L^2, sum_i i^2 p_i = L^2,
     * normalised grey level non-uniformity sum_i p_i^2 = 1, grey level variance 0. */
    const vx_feature_id marg[][4] = {
        {VX_F_RLM_LGRE, VX_F_RLM_HGRE, VX_F_RLM_GLNU_NORM, VX_F_RLM_GL_VAR},
        {VX_F_SZM_LGZE, VX_F_SZM_HGZE, VX_F_SZM_GLNU_NORM, VX_F_SZM_GL_VAR},
        {VX_F_DZM_LGZE, VX_F_DZM_HGZE, VX_F_DZM_GLNU_NORM, VX_F_DZM_GL_VAR},
        {VX_F_NGL_LGCE, VX_F_NGL_HGCE, VX_F_NGL_GLNU_NORM, VX_F_NGL_GL_VAR},
    };
    for (size_t k = 0; k < 4; k++) {
        check(what, r, marg[k][0], 1.0 / (lv * lv), EXACT);
        check(what, r, marg[k][1], lv * lv, EXACT);
        check(what, r, marg[k][2], 1.0, EXACT);
        check(what, r, marg[k][3], 0.0, EXACT);
        for (int j = 0; j < 4; j++)
            check_agg_identical(what, r, marg[k][j]);
    }
}

/* ---- (a) constant intensities: a 4 x 3 x 2 box of 100 HU ------------------------------------------- */

static size_t box_case(vox *v)
{
    size_t n = 0;
    for (int z = 7; z < 9; z++)
        for (int y = 6; y < 9; y++)
            for (int x = 6; x < 10; x++)
                v[n++] = (vox){x, y, z, 100.0f};
    return n;
}

static void test_constant_ct(void **state)
{
    (void)state;
    vox v[24];
    const size_t n = box_case(v);
    vx_results r;
    extract(v, n, settings_ct, 1, &r);
    const char *w = "constant box, CT";
    check_invariants(w, &r);

    /* Morphology of a 4 x 3 x 2 box: 24 voxels; voxel centres x in {0..3} (each 6 times), y in {0,1,2}
     * (8 times), z in {0,1} (12 times), uncorrelated; covariance (1/(N-1)) diag(30, 16, 6) / 23. */
    check(w, &r, VX_F_MORPH_VOL_APPROX, 24.0, EXACT);
    check(w, &r, VX_F_MORPH_PCA_MAJ_AXIS, 4.0 * sqrt(30.0 / 23.0), TOL);
    check(w, &r, VX_F_MORPH_PCA_MIN_AXIS, 4.0 * sqrt(16.0 / 23.0), TOL);
    check(w, &r, VX_F_MORPH_PCA_LEAST_AXIS, 4.0 * sqrt(6.0 / 23.0), TOL);
    check(w, &r, VX_F_MORPH_PCA_ELONGATION, sqrt(16.0 / 30.0), TOL);
    check(w, &r, VX_F_MORPH_PCA_FLATNESS, sqrt(6.0 / 30.0), TOL);
    /* equal intensities: the intensity-weighted centre is the plain centre, the masks coincide */
    check(w, &r, VX_F_MORPH_COM, 0.0, EXACT);
    /* Moran's I and Geary's C: sum (X - mu)^2 = 0 in the denominator and 0 in the numerators */
    check(w, &r, VX_F_MORPH_MORAN_I, NAN, EXACT);
    check(w, &r, VX_F_MORPH_GEARY_C, NAN, EXACT);

    /* Local intensity: every sphere holds 100 HU only */
    check(w, &r, VX_F_LOC_PEAK_LOC, 100.0, EXACT);
    check(w, &r, VX_F_LOC_PEAK_GLOB, 100.0, EXACT);

    /* Statistics of 24 values 100: deviations 0; skewness and kurtosis 0 by the IBSI convention; the
     * coefficient of variation 0/100 = 0, the quartile coefficient 0/200 = 0. */
    const double stat[18] = {100, 0, 0, 0, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 0, 0, 24 * 1e4, 100};
    for (int k = 0; k < 18; k++)
        check(w, &r, (vx_feature_id)(VX_F_STAT_MEAN + k), stat[k], EXACT);

    /* Intensity histogram: all 24 voxels in bin 45 of N_g = 45. Gradient H'_i = 0 for i < 44,
     * H'_44 = (n_45 - n_43) / 2 = 12, H'_45 = n_45 - n_44 = 24: maximum 24 at 45, minimum 0 first at 1. */
    const double ih[23] = {L, 0, 0, 0, L, L, L, L, L, L, 0, 0, 0, 0, 0, 0, 0, 0, 1, 24, 45, 0, 1};
    for (int k = 0; k < 23; k++)
        check(w, &r, (vx_feature_id)(VX_F_IH_MEAN + k), ih[k], EXACT);

    /* IVH over G = [-1000, 400], w_d = 1: nu_i = 1 for i <= 100, 0 above; gamma_i = (i + 1000) / 1400.
     * V10 = nu(-860) = 1, V90 = nu(260) = 0, I10 = I90 = 101 (first level with nu <= x); the trapezoidal
     * area: 1100 steps at nu = 1 and one step from 1 to 0, (1100 + 1/2) / 1400. */
    check(w, &r, VX_F_IVH_V10, 1.0, EXACT);
    check(w, &r, VX_F_IVH_V90, 0.0, EXACT);
    check(w, &r, VX_F_IVH_I10, 101.0, EXACT);
    check(w, &r, VX_F_IVH_I90, 101.0, EXACT);
    check(w, &r, VX_F_IVH_DIFF_V10_V90, 1.0, EXACT);
    check(w, &r, VX_F_IVH_DIFF_I10_I90, 0.0, EXACT);
    check(w, &r, VX_F_IVH_AUC, 1100.5 / 1400.0, TOL);

    check_one_level_texture(w, &r, L);

    /* GLSZM: 3D one zone of 24 voxels; 2D one zone of 12 per slice; 2.5D two zones of 12 over N_v = 24. */
    check_one(w, &r, VX_F_SZM_SZE, VX_AGG_3D, 1.0 / 576.0, EXACT);
    check_one(w, &r, VX_F_SZM_LZE, VX_AGG_3D, 576.0, EXACT);
    check_one(w, &r, VX_F_SZM_Z_PERC, VX_AGG_3D, 1.0 / 24.0, EXACT);
    check_one(w, &r, VX_F_SZM_GLNU, VX_AGG_3D, 1.0, EXACT);
    check_one(w, &r, VX_F_SZM_ZSNU, VX_AGG_3D, 1.0, EXACT);
    for (int a = 0; a < 2; a++) {
        const vx_agg ag = a ? VX_AGG_25D : VX_AGG_2D;
        check_one(w, &r, VX_F_SZM_SZE, ag, 1.0 / 144.0, EXACT);
        check_one(w, &r, VX_F_SZM_LZE, ag, 144.0, EXACT);
        check_one(w, &r, VX_F_SZM_Z_PERC, ag, 1.0 / 12.0, EXACT);
        check_one(w, &r, VX_F_SZM_GLNU, ag, a ? 2.0 : 1.0, EXACT);
        check_one(w, &r, VX_F_SZM_ZSNU, ag, a ? 2.0 : 1.0, EXACT);
    }
    check(w, &r, VX_F_SZM_ZSNU_NORM, 1.0, EXACT);
    check(w, &r, VX_F_SZM_ZS_VAR, 0.0, EXACT);
    check(w, &r, VX_F_SZM_ZS_ENTR, 0.0, EXACT);
    /* GLDZM: the same zones, each touching the box edge: distance 1 */
    check(w, &r, VX_F_DZM_SDE, 1.0, EXACT);
    check(w, &r, VX_F_DZM_LDE, 1.0, EXACT);
    check(w, &r, VX_F_DZM_ZDNU_NORM, 1.0, EXACT);
    check(w, &r, VX_F_DZM_ZD_VAR, 0.0, EXACT);
    check(w, &r, VX_F_DZM_ZD_ENTR, 0.0, EXACT);
    check_one(w, &r, VX_F_DZM_Z_PERC, VX_AGG_3D, 1.0 / 24.0, EXACT);
    check_one(w, &r, VX_F_DZM_Z_PERC, VX_AGG_2D, 1.0 / 12.0, EXACT);
    check_one(w, &r, VX_F_DZM_Z_PERC, VX_AGG_25D, 1.0 / 12.0, EXACT);
    /* NGLDM: one dependence count per voxel, N_s = N_v */
    check(w, &r, VX_F_NGL_DC_PERC, 1.0, EXACT);
    /* GLRLM run percentage N_s / N_v is in (0, 1] */
    for (int a = VX_AGG_2D_AVG; a <= VX_AGG_3D_MRG; a++) {
        const double x = vx_results_get(&r, VX_F_RLM_R_PERC, (vx_agg)a);
        assert_true(x > 0.0 && x <= 1.0);
    }

    /* NGTDM, one grey level: every s_i = 0. Coarseness 10^6, contrast 0, busyness 0 (IBSI), complexity 0
     * (no pair of distinct levels), strength 0 (IBSI, sum s_i = 0). */
    const double ngt[5] = {1e6, 0, 0, 0, 0};
    for (int k = 0; k < 5; k++) {
        check(w, &r, (vx_feature_id)(VX_F_NGT_COARSENESS + k), ngt[k], EXACT);
        check_agg_identical(w, &r, (vx_feature_id)(VX_F_NGT_COARSENESS + k));
    }
    vx_results_free(&r);
    check_threads(w, v, n, settings_ct);
}

/* Constant box, bare settings: one grey level 1 of N_g = 1, IVH range of zero width. */
static void test_constant_bare(void **state)
{
    (void)state;
    vox v[24];
    const size_t n = box_case(v);
    vx_results r;
    extract(v, n, settings_bare, 1, &r);
    const char *w = "constant box, bare";
    check_invariants(w, &r);
    /* histogram: level 1 only; the gradient needs a neighbouring bin, N_g = 1 has none: NaN */
    const double ih[19] = {1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    for (int k = 0; k < 19; k++)
        check(w, &r, (vx_feature_id)(VX_F_IH_MEAN + k), ih[k], EXACT);
    for (int k = 19; k < 23; k++)
        check(w, &r, (vx_feature_id)(VX_F_IH_MEAN + k), NAN, EXACT);
    /* IVH: G = [100, 100]: gamma = 0/0, V10, V90 and their difference NaN; the area 0 (IBSI, one grey level);
     * nu(100) = 1 > x, so I10 = I90 = max G + w_d = 101 (the convention of ivh.c) */
    check(w, &r, VX_F_IVH_V10, NAN, EXACT);
    check(w, &r, VX_F_IVH_V90, NAN, EXACT);
    check(w, &r, VX_F_IVH_DIFF_V10_V90, NAN, EXACT);
    check(w, &r, VX_F_IVH_AUC, 0.0, EXACT);
    check(w, &r, VX_F_IVH_I10, 101.0, EXACT);
    check(w, &r, VX_F_IVH_I90, 101.0, EXACT);
    check_one_level_texture(w, &r, 1.0);
    vx_results_free(&r);
    check_threads(w, v, n, settings_bare);
}

/* ---- (b) one voxel of 100 HU -------------------------------------------------------------------------- */

static void test_one_voxel(void **state)
{
    (void)state;
    const vox v[1] = {{8, 8, 8, 100.0f}};
    vx_results r;
    extract(v, 1, settings_ct, 1, &r);
    const char *w = "one voxel";
    check_invariants(w, &r);

    /* Marching cubes on one voxel: the octahedron with vertices 1/2 mm from the centre along the axes:
     * V = (4/3) (1/2)^3 = 1/6, A = 8 (sqrt(3)/4) (sqrt(2)/2)^2 = sqrt(3), diameter 1, bounding box 1 mm^3
     * (density 1/6, area density sqrt(3)/6), convex hull = the octahedron (densities 1); the MVEE is the
     * sphere of radius 1/2 (volume pi/6: density 1/pi). */
    check(w, &r, VX_F_MORPH_VOLUME, 1.0 / 6.0, TOL);
    check(w, &r, VX_F_MORPH_VOL_APPROX, 1.0, EXACT);
    check(w, &r, VX_F_MORPH_AREA_MESH, sqrt(3.0), TOL);
    check(w, &r, VX_F_MORPH_DIAM, 1.0, TOL);
    check(w, &r, VX_F_MORPH_VOL_DENS_AABB, 1.0 / 6.0, TOL);
    check(w, &r, VX_F_MORPH_AREA_DENS_AABB, sqrt(3.0) / 6.0, TOL);
    check(w, &r, VX_F_MORPH_VOL_DENS_CONV_HULL, 1.0, TOL);
    check(w, &r, VX_F_MORPH_AREA_DENS_CONV_HULL, 1.0, TOL);
    check(w, &r, VX_F_MORPH_VOL_DENS_MVEE, 1.0 / VX_PI_TEST, 1e-6);
    check(w, &r, VX_F_MORPH_INTEG_INT, 100.0 / 6.0, TOL);
    check(w, &r, VX_F_MORPH_COM, 0.0, EXACT);
    /* PCA of one point with the 1/(N - 1) covariance: 0/0 */
    const vx_feature_id pca[] = {VX_F_MORPH_PCA_MAJ_AXIS, VX_F_MORPH_PCA_MIN_AXIS,  VX_F_MORPH_PCA_LEAST_AXIS,
                                 VX_F_MORPH_PCA_ELONGATION, VX_F_MORPH_PCA_FLATNESS, VX_F_MORPH_VOL_DENS_AEE,
                                 VX_F_MORPH_AREA_DENS_AEE, VX_F_MORPH_MORAN_I,      VX_F_MORPH_GEARY_C};
    for (size_t k = 0; k < sizeof pca / sizeof *pca; k++)
        check(w, &r, pca[k], NAN, EXACT);

    check(w, &r, VX_F_LOC_PEAK_LOC, 100.0, EXACT);
    check(w, &r, VX_F_LOC_PEAK_GLOB, 100.0, EXACT);
    const double stat[18] = {100, 0, 0, 0, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 0, 0, 1e4, 100};
    for (int k = 0; k < 18; k++)
        check(w, &r, (vx_feature_id)(VX_F_STAT_MEAN + k), stat[k], EXACT);
    /* one count in bin 45 of 45: H'_44 = 1/2, H'_45 = 1 */
    const double ih[23] = {L, 0, 0, 0, L, L, L, L, L, L, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 45, 0, 1};
    for (int k = 0; k < 23; k++)
        check(w, &r, (vx_feature_id)(VX_F_IH_MEAN + k), ih[k], EXACT);
    check(w, &r, VX_F_IVH_V10, 1.0, EXACT);
    check(w, &r, VX_F_IVH_I10, 101.0, EXACT);
    check(w, &r, VX_F_IVH_AUC, 1100.5 / 1400.0, TOL);

    /* GLCM: no voxel pair in any slice or direction: every matrix empty, every feature NaN */
    for (size_t k = 0; k < vx_feature_count(VX_FAM_GLCM); k++)
        check(w, &r, (vx_feature_id)(VX_F_CM_JOINT_MAX + (int)k), NAN, EXACT);
    /* NGTDM: the voxel has no neighbour in the ROI: N_vc = 0, p_i = 0/0: every feature NaN */
    for (int k = 0; k < 5; k++)
        check(w, &r, (vx_feature_id)(VX_F_NGT_COARSENESS + k), NAN, EXACT);

    /* GLRLM: every direction holds one run (L, 1), N_s = N_v = 1. Merged matrices sum the directions:
     * 4 in 2D_comb and 2.5D_comb, 13 in 3D_comb (N_s = N_v = 4 or 13, all in cell (L, 1)), so the
     * non-normalised non-uniformities are N_s there. */
    const double rlm[16] = {1, 1, 1 / (L * L), L * L, 1 / (L * L), L * L, 1 / (L * L), L * L, 1, 1, 1, 1, 1, 0, 0, 0};
    for (int k = 0; k < 16; k++) {
        if (k == 8 || k == 10)
            continue;
        check(w, &r, (vx_feature_id)(VX_F_RLM_SRE + k), rlm[k], EXACT);
    }
    const struct {
        vx_agg a;
        double ns;
    } merged[] = {{VX_AGG_2D_AVG, 1},  {VX_AGG_2D_SMRG, 4}, {VX_AGG_25D_DMRG, 1},
                  {VX_AGG_25D_MRG, 4}, {VX_AGG_3D_AVG, 1},  {VX_AGG_3D_MRG, 13}};
    for (size_t k = 0; k < 6; k++) {
        check_one(w, &r, VX_F_RLM_GLNU, merged[k].a, merged[k].ns, EXACT);
        check_one(w, &r, VX_F_RLM_RLNU, merged[k].a, merged[k].ns, EXACT);
    }
    /* GLSZM / GLDZM: one zone (L, 1) of size 1 at distance 1; NGLDM: one neighbourhood (L, 1) */
    const double one[16] = {1, 1, 1 / (L * L), L * L, 1 / (L * L), L * L, 1 / (L * L), L * L, 1, 1, 1, 1, 1, 0, 0, 0};
    for (int k = 0; k < 16; k++) {
        check(w, &r, (vx_feature_id)(VX_F_SZM_SZE + k), one[k], EXACT);
        check(w, &r, (vx_feature_id)(VX_F_DZM_SDE + k), one[k], EXACT);
        check(w, &r, (vx_feature_id)(VX_F_NGL_LDE + k), one[k], EXACT);
    }
    check(w, &r, VX_F_NGL_DC_ENERGY, 1.0, EXACT);
    vx_results_free(&r);
    check_threads(w, v, 1, settings_ct);
}

/* ---- (c) two voxels along x: 100 HU (level 45) and 130 HU (level 46), N_g = 46 ------------------------ */

static void test_two_levels(void **state)
{
    (void)state;
    const vox v[2] = {{8, 8, 8, 100.0f}, {9, 8, 8, 130.0f}};
    vx_results r;
    extract(v, 2, settings_ct, 1, &r);
    const char *w = "two voxels";
    check_invariants(w, &r);
    const double a = 45.0, b = 46.0, ng = 46.0;

    /* Morphology: centres 1 mm apart on x: covariance 1/2 on x and exactly 0 elsewhere (voxels on a line):
     * major axis 4 sqrt(1/2), minor and least 0, elongation and flatness 0, the approximate ellipsoid has
     * volume and area 0 (densities NaN: a division by zero). Moran's I: N / W * B / S2 with
     * W = 2 w, B = 2 w (-15)(15), S2 = 2 * 15^2: -1; Geary's C: (N - 1) / (2 W) * 2 w 30^2 / S2 = 1.
     * Centre of mass shift: |1/2 - 130/230| = 15/230 mm. */
    check(w, &r, VX_F_MORPH_PCA_MAJ_AXIS, 4.0 * sqrt(0.5), TOL);
    check(w, &r, VX_F_MORPH_PCA_MIN_AXIS, 0.0, EXACT);
    check(w, &r, VX_F_MORPH_PCA_LEAST_AXIS, 0.0, EXACT);
    check(w, &r, VX_F_MORPH_PCA_ELONGATION, 0.0, EXACT);
    check(w, &r, VX_F_MORPH_PCA_FLATNESS, 0.0, EXACT);
    check(w, &r, VX_F_MORPH_VOL_DENS_AEE, NAN, EXACT);
    check(w, &r, VX_F_MORPH_AREA_DENS_AEE, NAN, EXACT);
    check(w, &r, VX_F_MORPH_MORAN_I, -1.0, TOL);
    check(w, &r, VX_F_MORPH_GEARY_C, 1.0, TOL);
    check(w, &r, VX_F_MORPH_COM, 15.0 / 230.0, TOL);

    /* Local intensity: K voxel centres within r = (3000 / (4 pi))^(1/3) mm of a centre (all inside the
     * grid), both ROI voxels in each other's sphere: peak = (100 (K - 1) + 130) / K for both. */
    const double rad = cbrt(3000.0 / (4.0 * VX_PI_TEST));
    int K = 0;
    for (int z = -7; z <= 7; z++)
        for (int y = -7; y <= 7; y++)
            for (int x = -7; x <= 7; x++)
                K += x * x + y * y + z * z <= rad * rad;
    check(w, &r, VX_F_LOC_PEAK_LOC, 100.0 + 30.0 / K, TOL);
    check(w, &r, VX_F_LOC_PEAK_GLOB, 100.0 + 30.0 / K, TOL);

    /* Statistics of {100, 130}: mean 115, variance 225, skewness 0, kurtosis 15^4 / 225^2 - 3 = -2,
     * P10 = 103, P25 = 107.5, P75 = 122.5, P90 = 127 (type 7); no value in [P10, P90]: the robust mean
     * absolute deviation is 0/0. */
    const double stat[18] = {115, 225, 0, -2, 115, 100, 103, 127, 130, 15, 30, 15, NAN, 15, 15.0 / 115.0,
                             15.0 / 230.0, 26900, sqrt(13450.0)};
    for (int k = 0; k < 18; k++)
        check(w, &r, (vx_feature_id)(VX_F_STAT_MEAN + k), stat[k], TOL);
    /* Histogram {45, 46} of N_g = 46: mode tie at the same distance from 45.5: the lower, 45. Gradient:
     * H'_44 = H'_45 = 1/2, else 0: maximum 1/2 first at 44, minimum 0 first at 1. */
    const double ih[23] = {45.5, 0.25, 0, -2, 45.5, 45, 45.1, 45.9, 46, 45, 0.5, 1, 0.5, NAN, 0.5, 0.5 / 45.5,
                           0.5 / 91.0, 1, 0.5, 0.5, 44, 0, 1};
    for (int k = 0; k < 23; k++)
        check(w, &r, (vx_feature_id)(VX_F_IH_MEAN + k), ih[k], TOL);
    /* IVH: nu = 1 up to 100, 1/2 up to 130, then 0: V10 = 1, V90 = 0, I10 = 131, I90 = 101; area
     * (1100 + 3/4 + 29/2 + 1/4) / 1400 */
    const double ivh[7] = {1, 0, 131, 101, 1, 30, 1115.5 / 1400.0};
    for (int k = 0; k < 7; k++)
        check(w, &r, (vx_feature_id)(VX_F_IVH_V10 + k), ivh[k], TOL);

    /* GLCM: only direction (1, 0, 0) has a pair; its matrix p_ab = p_ba = 1/2 is also every merged matrix.
     * mu = 45.5, sigma^2 = 1/4, covariance -1/4: correlation -1; HXY = 1, HX = HY = 1, HXY1 = HXY2 = 2:
     * information correlation 1 = (1 - 2) / 1 = -1, 2 = sqrt(1 - e^-2). */
    const double cm[25] = {0.5, 45.5, 0.25, 1, 1, 0, 0, 91, 0, 0, 0.5, 1, 1, 0.5, 1 / (1 + 1 / ng), 0.5,
                           1 / (1 + 1 / (ng * ng)), 1, -1, a * b, 0, 0, 0, -1, sqrt(1 - exp(-2.0))};
    for (int k = 0; k < 25; k++)
        check(w, &r, (vx_feature_id)(VX_F_CM_JOINT_MAX + k), cm[k], TOL);

    /* GLRLM: every direction has the runs (a, 1) and (b, 1): N_s = N_v = 2 per direction, 8 when the 4
     * in-plane directions are merged, 26 for the 13 3D ones. */
    const double lg = (1 / (a * a) + 1 / (b * b)) / 2, hg = (a * a + b * b) / 2;
    const double rlm[16] = {1, 1, lg, hg, lg, hg, lg, hg, 1, 0.5, 2, 1, 1, 0.25, 0, 1};
    for (int k = 0; k < 16; k++)
        check_one(w, &r, (vx_feature_id)(VX_F_RLM_SRE + k), VX_AGG_3D_AVG, rlm[k], TOL);
    const struct {
        vx_agg a;
        double m; /* matrices merged */
    } merged[] = {{VX_AGG_2D_AVG, 1},  {VX_AGG_2D_SMRG, 4}, {VX_AGG_25D_DMRG, 1},
                  {VX_AGG_25D_MRG, 4}, {VX_AGG_3D_AVG, 1},  {VX_AGG_3D_MRG, 13}};
    for (size_t k = 0; k < 6; k++) {
        check_one(w, &r, VX_F_RLM_GLNU, merged[k].a, merged[k].m, TOL);
        check_one(w, &r, VX_F_RLM_RLNU, merged[k].a, 2 * merged[k].m, TOL);
        check_one(w, &r, VX_F_RLM_R_PERC, merged[k].a, 1.0, TOL);
        check_one(w, &r, VX_F_RLM_RL_ENTR, merged[k].a, 1.0, TOL);
    }
    /* GLSZM, GLDZM: two zones of size 1 at distance 1; NGLDM: both voxels have dependence 1 (the
     * neighbour differs by a level, alpha = 0) */
    const double zone[16] = {1, 1, lg, hg, lg, hg, lg, hg, 1, 0.5, 2, 1, 1, 0.25, 0, 1};
    for (int k = 0; k < 16; k++) {
        check(w, &r, (vx_feature_id)(VX_F_SZM_SZE + k), zone[k], TOL);
        check(w, &r, (vx_feature_id)(VX_F_DZM_SDE + k), zone[k], TOL);
        check(w, &r, (vx_feature_id)(VX_F_NGL_LDE + k), zone[k], TOL);
    }
    check(w, &r, VX_F_NGL_DC_ENERGY, 0.5, TOL);
    /* NGTDM: s_a = s_b = 1, n_a = n_b = 1, p = 1/2, N_gp = 2. Coarseness 1 / (1/2 + 1/2) = 1; contrast
     * [1/2 * 2 * 1/4] [2 / 2] = 1/4; busyness 1 / (2 |a/2 - b/2|) = 1; complexity 1/2 * 2 * 1 * 1 = 1;
     * strength 2 * 1 * 1 / 2 = 1. */
    const double ngt[5] = {1, 0.25, 1, 1, 1};
    for (int k = 0; k < 5; k++)
        check(w, &r, (vx_feature_id)(VX_F_NGT_COARSENESS + k), ngt[k], TOL);
    vx_results_free(&r);
    check_threads(w, v, 2, settings_ct);
}

/* ---- (d) rank-deficient point sets off the axes: the zero eigenvalues of the PCA are exact -------------- */

static void test_line_plane(void **state)
{
    (void)state;
    /* five voxels on the line (2, 2, 2) + k (1, 2, 3), k = 0..4: covariance (1/(N-1)) 2.5 d d^T with
     * d = (1, 2, 3): eigenvalues 2.5 * 14 = 35, 0, 0 (computed by rotations, the zeros come out as
     * +-1e-15 unless the rank is known) */
    vox line[5];
    for (int k = 0; k < 5; k++)
        line[k] = (vox){2 + k, 2 + 2 * k, 2 + 3 * k, 100.0f};
    vx_results r;
    extract(line, 5, settings_ct, 1, &r);
    check_invariants("diagonal line", &r);
    check("diagonal line", &r, VX_F_MORPH_PCA_MAJ_AXIS, 4.0 * sqrt(35.0), TOL);
    check("diagonal line", &r, VX_F_MORPH_PCA_MIN_AXIS, 0.0, EXACT);
    check("diagonal line", &r, VX_F_MORPH_PCA_LEAST_AXIS, 0.0, EXACT);
    check("diagonal line", &r, VX_F_MORPH_PCA_ELONGATION, 0.0, EXACT);
    check("diagonal line", &r, VX_F_MORPH_PCA_FLATNESS, 0.0, EXACT);
    check("diagonal line", &r, VX_F_MORPH_VOL_DENS_AEE, NAN, EXACT);
    check("diagonal line", &r, VX_F_MORPH_AREA_DENS_AEE, NAN, EXACT);
    vx_results_free(&r);
    /* four voxels in the oblique plane x = y: centres (0,0,0), (1,1,0), (0,0,1), (1,1,1); covariance
     * (1/3) [[1, 1, 0], [1, 1, 0], [0, 0, 1]]: eigenvalues 2/3, 1/3, 0 */
    const vox plane[4] = {{6, 6, 7, 100.0f}, {7, 7, 7, 100.0f}, {6, 6, 8, 100.0f}, {7, 7, 8, 100.0f}};
    extract(plane, 4, settings_ct, 1, &r);
    check_invariants("oblique plane", &r);
    check("oblique plane", &r, VX_F_MORPH_PCA_MAJ_AXIS, 4.0 * sqrt(2.0 / 3.0), TOL);
    check("oblique plane", &r, VX_F_MORPH_PCA_MIN_AXIS, 4.0 * sqrt(1.0 / 3.0), TOL);
    check("oblique plane", &r, VX_F_MORPH_PCA_LEAST_AXIS, 0.0, EXACT);
    check("oblique plane", &r, VX_F_MORPH_PCA_ELONGATION, sqrt(0.5), TOL);
    check("oblique plane", &r, VX_F_MORPH_PCA_FLATNESS, 0.0, EXACT);
    check("oblique plane", &r, VX_F_MORPH_VOL_DENS_AEE, NAN, EXACT);
    vx_results_free(&r);
}

/* The dictionary documents every NaN-or-convention feature above. */
static void test_notes(void **state)
{
    (void)state;
    const vx_feature_id noted[] = {VX_F_CM_CORR, VX_F_CM_INFO_CORR1, VX_F_CM_INFO_CORR2, VX_F_NGT_COARSENESS,
                                   VX_F_NGT_BUSYNESS, VX_F_STAT_SKEW, VX_F_STAT_RMAD, VX_F_IH_RMAD,
                                   VX_F_IH_MAX_GRAD, VX_F_IVH_V10, VX_F_IVH_AUC, VX_F_MORPH_MORAN_I,
                                   VX_F_MORPH_PCA_MAJ_AXIS, VX_F_MORPH_VOL_DENS_AEE};
    for (size_t k = 0; k < sizeof noted / sizeof *noted; k++)
        assert_non_null(vx_feature_degenerate_note(noted[k]));
    assert_null(vx_feature_degenerate_note(VX_F_CM_CONTRAST));
    for (int f = 0; f < VX_FAM_COUNT; f++)
        assert_true(strlen(vx_family_degenerate_note((vx_family)f)) > 0);
    assert_non_null(strstr(vx_degenerate_conventions(), "NaN"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constant_ct), cmocka_unit_test(test_constant_bare), cmocka_unit_test(test_one_voxel),
        cmocka_unit_test(test_two_levels),  cmocka_unit_test(test_line_plane), cmocka_unit_test(test_notes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
