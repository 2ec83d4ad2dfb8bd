/* Unit tests: grey level co-occurrence matrix (GLCM) features, IBSI family LFYI.
 *
 * Hand-derived small 2D and 3D cases (matrices counted by hand below), the IBSI 1 digital-phantom
 * reference values of all 25 features under all six aggregations, translation invariance and
 * thread-count independence.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/feature.h"
#include "vx_test.h"

static void compute(const vx_test_roi *t, const vx_feature_settings *fs_in, vx_results *res)
{
    vx_feature_settings fs;
    if (fs_in)
        fs = *fs_in;
    else
        vx_feature_settings_default(&fs);
    vx_error err;
    vx_error_clear(&err);
    vx_results_init(res);
    assert_int_equal(vx_glcm_compute(&t->roi, &fs, res, &err), VX_OK);
}

static double get(const vx_results *r, vx_feature_id f, vx_agg a)
{
    return vx_results_get(r, f, a);
}

/* ---- hand-derived 2D case ---------------------------------------------------------------------------
 * One 3 x 3 slice (x to the right, y down), N_g = 3:
 *     1 2 2
 *     1 1 3
 *     3 2 1
 * Pairs (value at k, value at k + m) per in-plane direction:
 *   (1,0):  (1,2) (2,2) (1,1) (1,3) (3,2) (2,1)                 6 pairs
 *   (0,1):  (1,1) (1,3) (2,1) (1,2) (2,3) (3,1)                 6 pairs
 *   (1,1):  (1,1) (2,3) (1,2) (1,1)                             4 pairs
 *   (1,-1): (1,2) (1,2) (3,1) (2,3)                             4 pairs
 * Symmetric matrices M = M+ + M+^T (rows i = 1..3):
 *   (1,0):  [2 2 1; 2 2 1; 1 1 0] / 12   joint max 1/6, contrast (4*1 + 2*4 + 2*1)/12 = 7/6
 *   (0,1):  [2 2 2; 2 0 1; 2 1 0] / 12   joint max 1/6, contrast (4*1 + 4*4 + 2*1)/12 = 11/6
 *   (1,1):  [4 1 0; 1 0 1; 0 1 0] / 8    joint max 1/2, contrast (2*1 + 2*1)/8 = 1/2
 *   (1,-1): [0 2 1; 2 0 1; 1 1 0] / 8    joint max 1/4, contrast (4*1 + 2*4 + 2*1)/8 = 7/4
 * Joint entropies: (1,0): 4 x 1/6 and 4 x 1/12 -> (2/3) log2 6 + (1/3) log2 12;
 *   (0,1): 5 x 1/6 and 2 x 1/12 -> (5/6) log2 6 + (1/6) log2 12; (1,1): 1/2 and 4 x 1/8 -> 2;
 *   (1,-1): 2 x 1/4 and 4 x 1/8 -> 2.5.
 * 2D averaged: joint max (1/6 + 1/6 + 1/2 + 1/4)/4 = 13/48, contrast (7/6 + 11/6 + 1/2 + 7/4)/4 = 21/16,
 *   joint entropy (1.5 log2 6 + 0.5 log2 12 + 4.5)/4.
 * 2D slice-merged (sum of the four): [8 7 4; 7 2 4; 4 4 0] / 40: joint max 8/40 = 0.2,
 *   contrast (14*1 + 8*4 + 8*1)/40 = 54/40 = 1.35, joint entropy
 *   -(0.2 log2 0.2 + 0.05 log2 0.05 + 2 * 0.175 log2 0.175 + 4 * 0.1 log2 0.1),
 *   p_1. = 19/40, p_2. = 13/40, p_3. = 8/40 -> joint average 69/40,
 *   diagonal probabilities p_{i-j,0} = 10/40, p_{i-j,1} = 22/40, p_{i-j,2} = 8/40 ->
 *   difference average (22 + 16)/40 = 0.95, inverse difference 10/40 + 11/40 + 8/120 = 71/120,
 *   normalised inverse difference (N_g = 3) 10/40 + (22/40)/(4/3) + (8/40)/(5/3) = 0.25 + 0.4125 + 0.12,
 *   inverse variance 22/40 + 2/40 = 0.6.
 * The slice is the whole volume, so the 3D directions with a z component have no pairs (empty, left out):
 * 3D averaged = 2D averaged, 3D merged = 2D slice-merged = 2.5D merged.
 */
static const int img3x3[9] = {1, 2, 2, 1, 1, 3, 3, 2, 1};

static void check_hand_2d(int n_grey)
{
    vx_test_roi t;
    const size_t dims[3] = {3, 3, 1}, off[3] = {0, 0, 0}, nv[3] = {3, 3, 1};
    vx_test_roi_place(&t, dims, off, nv, img3x3, NULL, n_grey);
    vx_results r;
    compute(&t, NULL, &r);
    vx_assert_close(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_2D_AVG), 13.0 / 48.0);
    vx_assert_close(get(&r, VX_F_CM_CONTRAST, VX_AGG_2D_AVG), 21.0 / 16.0);
    vx_assert_close(get(&r, VX_F_CM_JOINT_ENTR, VX_AGG_2D_AVG), (1.5 * log2(6.0) + 0.5 * log2(12.0) + 4.5) / 4.0);
    const double entr_m = -(0.2 * log2(0.2) + 0.05 * log2(0.05) + 2 * 0.175 * log2(0.175) + 4 * 0.1 * log2(0.1));
    const vx_agg merged[3] = {VX_AGG_2D_SMRG, VX_AGG_25D_MRG, VX_AGG_3D_MRG};
    for (int k = 0; k < 3; k++) {
        vx_assert_close(get(&r, VX_F_CM_JOINT_MAX, merged[k]), 0.2);
        vx_assert_close(get(&r, VX_F_CM_CONTRAST, merged[k]), 1.35);
        vx_assert_close(get(&r, VX_F_CM_JOINT_ENTR, merged[k]), entr_m);
        vx_assert_close(get(&r, VX_F_CM_JOINT_AVG, merged[k]), 69.0 / 40.0);
        vx_assert_close(get(&r, VX_F_CM_SUM_AVG, merged[k]), 2.0 * 69.0 / 40.0);
        vx_assert_close(get(&r, VX_F_CM_DIFF_AVG, merged[k]), 0.95);
        vx_assert_close(get(&r, VX_F_CM_DISSIMILARITY, merged[k]), 0.95);
        vx_assert_close(get(&r, VX_F_CM_INV_DIFF, merged[k]), 71.0 / 120.0);
        if (n_grey == 3)
            vx_assert_close(get(&r, VX_F_CM_INV_DIFF_NORM, merged[k]), 0.25 + 0.4125 + 0.12);
        vx_assert_close(get(&r, VX_F_CM_INV_VAR, merged[k]), 0.6);
        /* sum variance and cluster tendency agree for a symmetric matrix */
        vx_assert_close(get(&r, VX_F_CM_SUM_VAR, merged[k]), get(&r, VX_F_CM_CLUST_TEND, merged[k]));
    }
    for (vx_feature_id f = VX_F_CM_JOINT_MAX; f <= VX_F_CM_INFO_CORR2; f++)
        vx_assert_close(get(&r, f, VX_AGG_3D_AVG), get(&r, f, VX_AGG_2D_AVG));
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* N_g = 3 stores these small matrices densely, N_g = 40 sparsely (few occupied cells): same values. */
static void test_hand_2d(void **state)
{
    (void)state;
    check_hand_2d(3);
    check_hand_2d(40);
}

/* Same slice with the centre voxel outside the intensity mask (its grey level is even left at 1 to check
 * that the mask, not the grey level, decides). Pairs that involve the centre are dropped:
 *   (1,0): (1,2) (2,2) (3,2) (2,1);  (0,1): (1,1) (1,3) (2,3) (3,1);  (1,1): (2,3) (1,2);  (1,-1): (1,2) (2,3)
 * Merged symmetric matrix [2 4 2; 4 2 4; 2 4 0] / 24: joint max 4/24, contrast (8*1 + 8*1 + 4*4)/24 = 4/3. */
static void test_hand_2d_mask(void **state)
{
    (void)state;
    vx_test_roi t;
    const size_t dims[3] = {3, 3, 1}, off[3] = {0, 0, 0}, nv[3] = {3, 3, 1};
    const uint8_t m[9] = {1, 1, 1, 1, 0, 1, 1, 1, 1};
    vx_test_roi_place(&t, dims, off, nv, img3x3, m, 3);
    t.grey[4] = 1;
    vx_results r;
    compute(&t, NULL, &r);
    vx_assert_close(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_2D_SMRG), 4.0 / 24.0);
    vx_assert_close(get(&r, VX_F_CM_CONTRAST, VX_AGG_2D_SMRG), 4.0 / 3.0);
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* Chebyshev distance 2 on the 3 x 3 slice: direction vectors (2,0) (0,2) (2,2) (2,-2):
 *   (2,0): (1,2) (1,3) (3,1);  (0,2): (1,3) (2,2) (2,1);  (2,2): (1,1);  (2,-2): (3,2)
 * Merged symmetric matrix [2 2 3; 2 2 1; 3 1 0] / 16: joint max 3/16, contrast (4*1 + 6*4 + 2*1)/16 = 15/8. */
static void test_hand_2d_distance(void **state)
{
    (void)state;
    vx_test_roi t;
    const size_t dims[3] = {3, 3, 1}, off[3] = {0, 0, 0}, nv[3] = {3, 3, 1};
    vx_test_roi_place(&t, dims, off, nv, img3x3, NULL, 3);
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    fs.glcm_distance = 2;
    vx_results r;
    compute(&t, &fs, &r);
    vx_assert_close(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_2D_SMRG), 3.0 / 16.0);
    vx_assert_close(get(&r, VX_F_CM_CONTRAST, VX_AGG_2D_SMRG), 15.0 / 8.0);
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* Non-symmetric option (not IBSI): only M+ along the directions of vx_texture_dirs, (1,0) (0,1) (1,1) (1,-1):
 * merged counts of the pairs listed for test_hand_2d: (1,1) 4, (1,2) 5, (2,1) 2, (2,2) 1, (1,3) 2, (3,1) 2,
 * (2,3) 3, (3,2) 1 (total 20): joint max 5/20, contrast (11*1 + 4*4)/20 = 1.35,
 * row marginal p_1. = 11/20, p_2. = 6/20, p_3. = 3/20 -> joint average 32/20 = 1.6. */
static void test_hand_2d_asymmetric(void **state)
{
    (void)state;
    for (int n_grey = 3; n_grey <= 40; n_grey += 37) { /* dense and sparse storage */
        vx_test_roi t;
        const size_t dims[3] = {3, 3, 1}, off[3] = {0, 0, 0}, nv[3] = {3, 3, 1};
        vx_test_roi_place(&t, dims, off, nv, img3x3, NULL, n_grey);
        vx_feature_settings fs;
        vx_feature_settings_default(&fs);
        fs.glcm_symmetric = 0;
        vx_results r;
        compute(&t, &fs, &r);
        vx_assert_close(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_2D_SMRG), 0.25);
        vx_assert_close(get(&r, VX_F_CM_CONTRAST, VX_AGG_2D_SMRG), 1.35);
        vx_assert_close(get(&r, VX_F_CM_JOINT_AVG, VX_AGG_2D_SMRG), 1.6);
        vx_results_free(&r);
        vx_test_roi_free(&t);
    }
}

/* Storage paths: an 8 x 8 x 6 block of pseudo-random grey levels 1..3 with some voxels outside the mask.
 * With N_g = 3 the 3D matrices are counted without listing cells (many pairs per cell) and stored
 * densely; with N_g = 60 the cells are listed and slice matrices stored sparsely. Every feature except
 * the two normalised by N_g must agree (symmetric and non-symmetric). */
static void test_storage_paths(void **state)
{
    (void)state;
    enum { NX = 8, NY = 8, NZ = 6, NV = NX * NY * NZ };
    int v[NV];
    uint8_t m[NV];
    unsigned s = 2024u;
    for (int i = 0; i < NV; i++) {
        s = s * 1103515245u + 12345u;
        v[i] = 1 + (int)((s >> 16) % 3u);
        m[i] = ((s >> 8) & 15u) != 0u;
    }
    for (int sym = 0; sym <= 1; sym++) {
        vx_feature_settings fs;
        vx_feature_settings_default(&fs);
        fs.glcm_symmetric = sym;
        vx_test_roi a, b;
        const size_t dims[3] = {NX, NY, NZ}, off[3] = {0, 0, 0}, nv[3] = {NX, NY, NZ};
        vx_test_roi_place(&a, dims, off, nv, v, m, 3);
        vx_test_roi_place(&b, dims, off, nv, v, m, 60);
        vx_results ra, rb;
        compute(&a, &fs, &ra);
        compute(&b, &fs, &rb);
        const vx_agg aggs[6] = {VX_AGG_2D_AVG, VX_AGG_2D_SMRG, VX_AGG_25D_DMRG, VX_AGG_25D_MRG, VX_AGG_3D_AVG, VX_AGG_3D_MRG};
        for (int k = 0; k < 6; k++)
            for (vx_feature_id f = VX_F_CM_JOINT_MAX; f <= VX_F_CM_INFO_CORR2; f++) {
                if (f == VX_F_CM_INV_DIFF_NORM || f == VX_F_CM_INV_DIFF_MOM_NORM)
                    continue;
                const double x = get(&ra, f, aggs[k]), y = get(&rb, f, aggs[k]);
                assert_true(isfinite(x));
                assert_true(fabs(x - y) <= 1e-10 * (1.0 + fabs(x)));
            }
        vx_results_free(&ra);
        vx_results_free(&rb);
        vx_test_roi_free(&a);
        vx_test_roi_free(&b);
    }
}

/* 3D: a 2 x 1 x 2 block (x, z; y = 0) with grey levels (x,z): (0,0)=1 (1,0)=2 (0,1)=3 (1,1)=1, N_g = 3.
 * 3D directions with pairs: (1,0,0): (1,2) (3,1);  (0,0,1): (1,3) (2,1);  (1,0,1): (1,1);  (1,0,-1): (3,2).
 *   (1,0,0), (0,0,1): [0 1 1; 1 0 0; 1 0 0] / 4: joint max 1/4, contrast (2*1 + 2*4)/4 = 2.5
 *   (1,0,1): [2 0 0; 0 0 0; 0 0 0] / 2: joint max 1, contrast 0
 *   (1,0,-1): [0 0 0; 0 0 1; 0 1 0] / 2: joint max 1/2, contrast 1
 * 3D averaged (4 non-empty matrices): joint max 2/4 = 0.5, contrast 6/4 = 1.5.
 * 3D merged: [2 2 2; 2 0 1; 2 1 0] / 12: joint max 1/6, contrast (4*1 + 4*4 + 2*1)/12 = 11/6.
 * 2D: each slice is a 2 x 1 row with one (1,0) pair: slice 0 (1,2): contrast 1; slice 1 (3,1): contrast 4;
 * 2D averaged over the two non-empty matrices: contrast 2.5; 2.5D merged [0 1 1; 1 0 0; 1 0 0]/4: 2.5. */
static void test_hand_3d(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[4] = {1, 2, 3, 1};
    const size_t dims[3] = {2, 1, 2}, off[3] = {0, 0, 0}, nv[3] = {2, 1, 2};
    vx_test_roi_place(&t, dims, off, nv, v, NULL, 3);
    vx_results r;
    compute(&t, NULL, &r);
    vx_assert_close(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_3D_AVG), 0.5);
    vx_assert_close(get(&r, VX_F_CM_CONTRAST, VX_AGG_3D_AVG), 1.5);
    vx_assert_close(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_3D_MRG), 1.0 / 6.0);
    vx_assert_close(get(&r, VX_F_CM_CONTRAST, VX_AGG_3D_MRG), 11.0 / 6.0);
    vx_assert_close(get(&r, VX_F_CM_CONTRAST, VX_AGG_2D_AVG), 2.5);
    vx_assert_close(get(&r, VX_F_CM_CONTRAST, VX_AGG_25D_MRG), 2.5);
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* A single voxel per slice has no in-plane pairs: every 2D matrix is empty, so the 2D and 2.5D features
 * are NaN; one grey level along z gives a 3D matrix with a single cell, where correlation (sigma = 0)
 * and information correlation 1 (HX = 0) are undefined (NaN) and the rest is finite. */
static void test_empty_and_degenerate(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[3] = {2, 2, 2};
    const size_t dims[3] = {1, 1, 3}, off[3] = {0, 0, 0}, nv[3] = {1, 1, 3};
    vx_test_roi_place(&t, dims, off, nv, v, NULL, 4);
    vx_results r;
    compute(&t, NULL, &r);
    const vx_agg a2[4] = {VX_AGG_2D_AVG, VX_AGG_2D_SMRG, VX_AGG_25D_DMRG, VX_AGG_25D_MRG};
    for (int k = 0; k < 4; k++)
        for (vx_feature_id f = VX_F_CM_JOINT_MAX; f <= VX_F_CM_INFO_CORR2; f++)
            assert_true(isnan(get(&r, f, a2[k])));
    assert_true(isnan(get(&r, VX_F_CM_CORR, VX_AGG_3D_MRG)));
    assert_true(isnan(get(&r, VX_F_CM_INFO_CORR1, VX_AGG_3D_MRG)));
    vx_assert_close(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_3D_MRG), 1.0);
    vx_assert_close(get(&r, VX_F_CM_JOINT_AVG, VX_AGG_3D_MRG), 2.0);
    vx_assert_close(get(&r, VX_F_CM_JOINT_ENTR, VX_AGG_3D_MRG), 0.0);
    vx_assert_close(get(&r, VX_F_CM_INFO_CORR2, VX_AGG_3D_MRG), 0.0);
    vx_assert_close(get(&r, VX_F_CM_INV_DIFF_NORM, VX_AGG_3D_MRG), 1.0);
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* ---- IBSI 1 digital phantom (vx_test_phantom_roi, N_g = 6) against reference_values.csv ---------- */
static void test_phantom(void **state)
{
    (void)state;
    vx_test_roi t;
    const size_t dims[3] = {5, 4, 4}, off[3] = {0, 0, 0};
    vx_test_phantom_roi(&t, dims, off, 6);
    vx_results r;
    compute(&t, NULL, &r);
    assert_int_equal(vx_test_check_reference(&r, "digital_phantom", VX_FAM_GLCM, 0), 150);
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* The same phantom inside a larger grid (other voxels outside the mask) gives bit-identical values, and
 * so does any thread count. */
static void test_phantom_translated_and_threads(void **state)
{
    (void)state;
    vx_test_roi a, b;
    const size_t d0[3] = {5, 4, 4}, o0[3] = {0, 0, 0};
    const size_t d1[3] = {11, 9, 8}, o1[3] = {4, 2, 3};
    vx_test_phantom_roi(&a, d0, o0, 6);
    vx_test_phantom_roi(&b, d1, o1, 6);
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    fs.threads = 1;
    vx_results ra, rb, rc;
    compute(&a, &fs, &ra);
    compute(&b, &fs, &rb);
    fs.threads = 3;
    compute(&b, &fs, &rc);
    vx_results_sort(&ra);
    vx_results_sort(&rb);
    vx_results_sort(&rc);
    assert_int_equal(ra.n, 150);
    vx_test_assert_results_identical(&ra, &rb);
    vx_test_assert_results_identical(&ra, &rc);
    vx_results_free(&ra);
    vx_results_free(&rb);
    vx_results_free(&rc);
    vx_test_roi_free(&a);
    vx_test_roi_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_2d),
        cmocka_unit_test(test_hand_2d_mask),
        cmocka_unit_test(test_hand_2d_distance),
        cmocka_unit_test(test_hand_2d_asymmetric),
        cmocka_unit_test(test_storage_paths),
        cmocka_unit_test(test_hand_3d),
        cmocka_unit_test(test_empty_and_degenerate),
        cmocka_unit_test(test_phantom),
        cmocka_unit_test(test_phantom_translated_and_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
