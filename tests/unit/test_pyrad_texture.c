/* PyRadiomics' texture definitions in compatibility mode (vx_feature_settings.compat = VX_COMPAT_PYRADIOMICS):
 * glcm MCC, the flat-region conventions, weightingNorm for GLCM and GLRLM, distances as Chebyshev shells
 * (GLCM angles, GLDM dependence, NGTDM neighbourhood) and NGTDM's counting of voxels without neighbours.
 *
 * Expected values are worked out by hand from PyRadiomics' documented definitions (its glcm, glrlm, gldm and
 * ngtdm class documentation: MCC = sqrt(second largest eigenvalue of Q), Q_ij = sum_k p_ik p_jk / (p_i p_k);
 * weighted GLCM angles exp(-||d||^2), weighted GLRLM angles ||d||; angles = offsets with infinity norm in
 * `distances`); the arithmetic is written next to each check. Values against PyRadiomics' own output (brain1
 * baselines, weightingNorm no_weighting, flat region) are in tests/conformance/test_conformance_pyradiomics.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "voxomics/voxomics.h"
#include "vx_test.h"

static void pyrad_settings(vx_feature_settings *fs, unsigned agg)
{
    vx_feature_settings_default(fs);
    fs->compat = VX_COMPAT_PYRADIOMICS;
    fs->aggregations = VX_AGGBIT(agg);
    fs->threads = 1;
}

typedef int (*family_fn)(const vx_roi *, const vx_feature_settings *, vx_results *, vx_error *);

static double run(family_fn fn, const vx_test_roi *t, const vx_feature_settings *fs, vx_feature_id f, vx_agg a)
{
    vx_results r;
    vx_results_init(&r);
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(fn(&t->roi, fs, &r, &err), VX_OK);
    const double v = vx_results_get(&r, f, a);
    vx_results_free(&r);
    return v;
}

/* One row along x: levels 1 2 2 1. Only the angle (1, 0, 0) has pairs: (1,2) (2,2) (2,1); symmetric counts
 * (1,2) = (2,1) = 2, (2,2) = 2, total 6: p12 = p21 = p22 = 1/3, p_1 = 1/3, p_2 = 2/3.
 * Q's eigenvalues are 1 and l2, trace Q = sum_ik p_ik^2 / (p_i p_k) = 1 + l2:
 * 2 (1/9) / (2/9) + (1/9) / (4/9) = 1.25, l2 = 0.25, MCC = 0.5.
 * In IBSI mode MCC is not computed (not an IBSI feature). */
static void test_mcc(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[4] = {1, 2, 2, 1};
    vx_test_roi_grid(&t, 4, 1, 1, v, NULL);
    vx_feature_settings fs;
    pyrad_settings(&fs, VX_AGG_3D_AVG);
    vx_assert_near(run(vx_glcm_compute, &t, &fs, VX_F_CM_MCC, VX_AGG_3D_AVG), 0.5, 1e-12);
    fs.compat = VX_COMPAT_IBSI;
    vx_results r;
    vx_results_init(&r);
    vx_error err;
    assert_int_equal(vx_glcm_compute(&t.roi, &fs, &r, &err), VX_OK);
    for (size_t i = 0; i < r.n; i++)
        assert_int_not_equal(r.rows[i].feature, VX_F_CM_MCC);
    assert_true(r.n > 0);
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* A flat region (one grey level): PyRadiomics sets correlation 1, IMC1 0 and MCC 1 (IBSI: correlation and
 * IMC1 NaN, 0/0). */
static void test_flat_region(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    vx_test_roi_grid(&t, 2, 2, 2, v, NULL);
    vx_feature_settings fs;
    pyrad_settings(&fs, VX_AGG_3D_AVG);
    vx_assert_near(run(vx_glcm_compute, &t, &fs, VX_F_CM_CORR, VX_AGG_3D_AVG), 1.0, 0.0);
    vx_assert_near(run(vx_glcm_compute, &t, &fs, VX_F_CM_INFO_CORR1, VX_AGG_3D_AVG), 0.0, 0.0);
    vx_assert_near(run(vx_glcm_compute, &t, &fs, VX_F_CM_MCC, VX_AGG_3D_AVG), 1.0, 0.0);
    fs.compat = VX_COMPAT_IBSI;
    assert_true(isnan(run(vx_glcm_compute, &t, &fs, VX_F_CM_CORR, VX_AGG_3D_AVG)));
    assert_true(isnan(run(vx_glcm_compute, &t, &fs, VX_F_CM_INFO_CORR1, VX_AGG_3D_AVG)));
    vx_test_roi_free(&t);
}

/* One 2 x 2 slice (x to the right, y down):  1 2 / 2 1.  In-plane angles and their symmetric counts:
 *   (1,0,0): (1,2) x2, (2,1) x2 -> off-diagonal 4;  (0,1,0): the same;
 *   (1,1,0): (1,1) -> diagonal 2;                   (1,-1,0): (2,2) -> diagonal 2.
 * Per-angle contrast 1, 1, 0, 0: averaged (weightingNorm none) 0.5. Weighted sums, spacing (sx, sy):
 *   manhattan: w = exp(-(sum |d s|)^2); euclidean: exp(-sum (d s)^2); infinity: exp(-max |d s|^2);
 *   contrast = off-diagonal mass / total = 4 (wx + wy) / (4 (wx + wy) + 2 (w11 + w1-1)).
 * With spacing (2, 1): manhattan wx = e^-4, wy = e^-1, w11 = w1-1 = e^-9;
 *   euclidean wx = e^-4, wy = e^-1, diagonals e^-5; infinity wx = e^-4, wy = e^-1, diagonals e^-4;
 *   no_weighting: all 1, contrast 8/12. */
static double contrast_of(double wx, double wy, double wd)
{
    return 4.0 * (wx + wy) / (4.0 * (wx + wy) + 4.0 * wd);
}

static void test_glcm_weighting(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[4] = {1, 2, 2, 1};
    vx_test_roi_grid(&t, 2, 2, 1, v, NULL);
    t.roi.spacing[0] = 2.0;
    vx_feature_settings fs;
    pyrad_settings(&fs, VX_AGG_3D_AVG);
    vx_assert_near(run(vx_glcm_compute, &t, &fs, VX_F_CM_CONTRAST, VX_AGG_3D_AVG), 0.5, 1e-15);
    const struct {
        int norm;
        double expect;
    } c[] = {
        {VX_GLCM_WEIGHT_NO_WEIGHTING, 8.0 / 12.0},
        {VX_GLCM_WEIGHT_MANHATTAN, contrast_of(exp(-4.0), exp(-1.0), exp(-9.0))},
        {VX_GLCM_WEIGHT_EUCLIDEAN, contrast_of(exp(-4.0), exp(-1.0), exp(-5.0))},
        {VX_GLCM_WEIGHT_INFINITY, contrast_of(exp(-4.0), exp(-1.0), exp(-4.0))},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        fs.glcm_weighting = c[i].norm;
        vx_assert_near(run(vx_glcm_compute, &t, &fs, VX_F_CM_CONTRAST, VX_AGG_3D_AVG), c[i].expect, 1e-14);
    }
    /* force2D (2.5D direction-merged): the same in-plane angles */
    pyrad_settings(&fs, VX_AGG_25D_DMRG);
    fs.glcm_weighting = VX_GLCM_WEIGHT_MANHATTAN;
    vx_assert_near(run(vx_glcm_compute, &t, &fs, VX_F_CM_CONTRAST, VX_AGG_25D_DMRG),
                        contrast_of(exp(-4.0), exp(-1.0), exp(-9.0)), 1e-14);
    vx_test_roi_free(&t);
}

/* GLRLM of the same slice, spacing 1, weightingNorm manhattan: weights ||d||_1 = 1 (x, y) and 2 (diagonals).
 * Runs: x: 4 of length 1; y: 4 of length 1; (1,1): level 1 length 2, two level-2 runs of length 1;
 * (1,-1): level 2 length 2, two level-1 runs of length 1. Weighted: length 1: 4 + 4 + 2*2 + 2*2 = 16,
 * length 2: 2 + 2 = 4; N_r = 20; SRE = (16 + 4/4) / 20 = 0.85; RP = N_r / sum j r_j = 20 / 24. */
static void test_glrlm_weighting(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[4] = {1, 2, 2, 1};
    vx_test_roi_grid(&t, 2, 2, 1, v, NULL);
    vx_feature_settings fs;
    pyrad_settings(&fs, VX_AGG_3D_AVG);
    fs.glcm_weighting = VX_GLCM_WEIGHT_MANHATTAN;
    vx_assert_near(run(vx_glrlm_compute, &t, &fs, VX_F_RLM_SRE, VX_AGG_3D_AVG), 0.85, 1e-15);
    vx_assert_near(run(vx_glrlm_compute, &t, &fs, VX_F_RLM_R_PERC, VX_AGG_3D_AVG), 20.0 / 24.0, 1e-15);
    vx_test_roi_free(&t);
}

/* One row along x: 1 2 1 2 1. distances [2]: the only angle with pairs is (2, 0, 0): (1,1) (2,2) (1,1), all on
 * the diagonal: contrast 0. distances [1, 2]: angles (1,0,0) (contrast 1) and (2,0,0) (0): mean 0.5.
 * GLDM (alpha 0), distances [2]: dependences (centre included) 2, 2, 3, 2, 2 -> s(., 2) = 4, s(., 3) = 1;
 * small dependence emphasis (4/4 + 1/9) / 5; distances [1]: every dependence 1, SDE 1. */
static void test_distances(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[5] = {1, 2, 1, 2, 1};
    vx_test_roi_grid(&t, 5, 1, 1, v, NULL);
    vx_feature_settings fs;
    pyrad_settings(&fs, VX_AGG_3D_AVG);
    fs.distance_set = 1 << 2;
    vx_assert_near(run(vx_glcm_compute, &t, &fs, VX_F_CM_CONTRAST, VX_AGG_3D_AVG), 0.0, 0.0);
    fs.distance_set = 1 << 1 | 1 << 2;
    vx_assert_near(run(vx_glcm_compute, &t, &fs, VX_F_CM_CONTRAST, VX_AGG_3D_AVG), 0.5, 1e-15);
    pyrad_settings(&fs, VX_AGG_3D);
    fs.distance_set = 1 << 2;
    vx_assert_near(run(vx_ngldm_compute, &t, &fs, VX_F_NGL_LDE, VX_AGG_3D), (1.0 + 1.0 / 9.0) / 5.0, 1e-15);
    fs.distance_set = 0;
    vx_assert_near(run(vx_ngldm_compute, &t, &fs, VX_F_NGL_LDE, VX_AGG_3D), 1.0, 1e-15);
    vx_test_roi_free(&t);
}

/* NGTDM, distances [2] on the row 1 2 1 2 1: every voxel's neighbours at distance 2 have its own level, so
 * every s_i = 0 (distance 1 gives s_1 = 3, s_2 = 2). And a voxel without neighbours: row 1 2 _ _ 2 (the third
 * and fourth voxels outside the mask): voxels 0 and 1 differ by 1 from their neighbour (s_1 = s_2 = 1), voxel 4
 * has none. IBSI leaves it out: n = (1, 1), p = (1/2, 1/2), contrast = (1 / (N_gp (N_gp - 1))) sum_ij p_i p_j
 * (i - j)^2 * sum_i s_i / N_v = (1/2)(2/4)(2/2) = 0.25. PyRadiomics counts it: n = (1, 2), N_v = 3,
 * p = (1/3, 2/3): (1/2)(2 * 2/9)(2/3) = 4/27. */
static void test_ngtdm(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[5] = {1, 2, 1, 2, 1};
    vx_test_roi_grid(&t, 5, 1, 1, v, NULL);
    vx_feature_settings fs;
    pyrad_settings(&fs, VX_AGG_3D);
    fs.distance_set = 1 << 2;
    vx_assert_near(run(vx_ngtdm_compute, &t, &fs, VX_F_NGT_CONTRAST, VX_AGG_3D), 0.0, 0.0);
    fs.distance_set = 0;
    assert_true(run(vx_ngtdm_compute, &t, &fs, VX_F_NGT_CONTRAST, VX_AGG_3D) > 0.0);
    vx_test_roi_free(&t);

    const int w[5] = {1, 2, 1, 1, 2};
    const uint8_t m[5] = {1, 1, 0, 0, 1};
    vx_test_roi_grid(&t, 5, 1, 1, w, m);
    vx_assert_near(run(vx_ngtdm_compute, &t, &fs, VX_F_NGT_CONTRAST, VX_AGG_3D), 4.0 / 27.0, 1e-15);
    fs.compat = VX_COMPAT_IBSI;
    vx_assert_near(run(vx_ngtdm_compute, &t, &fs, VX_F_NGT_CONTRAST, VX_AGG_3D), 0.25, 1e-15);
    vx_test_roi_free(&t);
}

/* symmetricalGLCM false: PyRadiomics takes, of each +-m pair, the offset that comes first in its (z, y, x) order
 * from (+d, +d, +d) down, i.e. dz > 0, or dz = 0 and dy > 0, or dz = dy = 0 and dx > 0; M_-m = M_m^T.
 * One 2 x 2 slice  1 2 / 3 4  (x to the right, y down): the in-plane angles (1,0,0) (x+1), (0,1,0) (y+1),
 * (1,1,0) and (-1,1,0) (PyRadiomics' choice for the anti-diagonal: dy = +1, dx = -1; IBSI's (1,-1,0) is its
 * reverse). Pairs (level at k, level at k + m): (1,0,0): (1,2) (3,4); (0,1,0): (1,3) (2,4); (1,1,0): (1,4);
 * (-1,1,0): (2,3). Joint average = mean over angles of sum_ij i p_ij: (1+3)/2 = 2, (1+2)/2 = 1.5, 1, 2:
 * (2 + 1.5 + 1 + 2) / 4 = 1.625 (with IBSI's (1,-1,0) the last would be (3,2): 3, mean 1.875). */
static void test_asymmetric(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[4] = {1, 2, 3, 4};
    vx_test_roi_grid(&t, 2, 2, 1, v, NULL);
    vx_feature_settings fs;
    pyrad_settings(&fs, VX_AGG_3D_AVG);
    fs.glcm_symmetric = 0;
    vx_assert_near(run(vx_glcm_compute, &t, &fs, VX_F_CM_JOINT_AVG, VX_AGG_3D_AVG), 1.625, 1e-15);
    vx_test_roi_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mcc),           cmocka_unit_test(test_flat_region),
        cmocka_unit_test(test_glcm_weighting), cmocka_unit_test(test_glrlm_weighting),
        cmocka_unit_test(test_distances),     cmocka_unit_test(test_ngtdm),
        cmocka_unit_test(test_asymmetric),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
