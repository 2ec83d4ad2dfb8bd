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

/* ---- test ROI helper ------------------------------------------------------------------------------- */
typedef struct tcase {
    size_t dims[3];
    float *img;
    uint8_t *mask;
    int32_t *grey;
    vx_roi roi;
} tcase;

/* A grid of dims voxels; the values v (nv[0] x nv[1] x nv[2], x fastest) with mask m (NULL: all in)
 * are placed at offset off. Voxels outside the placed block are outside the mask. grey = v inside the
 * intensity mask, 0 outside; img = v everywhere inside the block (and 7 elsewhere). */
static void tcase_make(tcase *t, const size_t dims[3], const size_t off[3], const size_t nv[3], const int *v,
                       const uint8_t *m, int n_grey)
{
    memset(t, 0, sizeof *t);
    const size_t n = dims[0] * dims[1] * dims[2];
    memcpy(t->dims, dims, sizeof t->dims);
    t->img = malloc(n * sizeof *t->img);
    t->mask = calloc(n, 1);
    t->grey = calloc(n, sizeof *t->grey);
    assert_non_null(t->img);
    assert_non_null(t->mask);
    assert_non_null(t->grey);
    for (size_t i = 0; i < n; i++)
        t->img[i] = 7.0f;
    size_t lo[3] = {dims[0], dims[1], dims[2]}, hi[3] = {0, 0, 0}, cnt = 0;
    for (size_t z = 0; z < nv[2]; z++)
        for (size_t y = 0; y < nv[1]; y++)
            for (size_t x = 0; x < nv[0]; x++) {
                const size_t s = x + nv[0] * (y + nv[1] * z);
                const size_t c[3] = {x + off[0], y + off[1], z + off[2]};
                const size_t d = c[0] + dims[0] * (c[1] + dims[1] * c[2]);
                t->img[d] = (float)v[s];
                if (m && !m[s])
                    continue;
                t->mask[d] = 1;
                t->grey[d] = v[s];
                cnt++;
                for (int k = 0; k < 3; k++) {
                    if (c[k] < lo[k])
                        lo[k] = c[k];
                    if (c[k] + 1 > hi[k])
                        hi[k] = c[k] + 1;
                }
            }
    vx_roi *r = &t->roi;
    memcpy(r->dims, dims, sizeof r->dims);
    r->spacing[0] = r->spacing[1] = r->spacing[2] = 2.0;
    memcpy(r->box_lo, lo, sizeof lo);
    memcpy(r->box_hi, hi, sizeof hi);
    r->img = t->img;
    r->imask = t->mask;
    r->mmask = t->mask;
    r->n_imask = r->n_mmask = cnt;
    r->grey = t->grey;
    r->n_grey = n_grey;
}

static void tcase_free(tcase *t)
{
    free(t->img);
    free(t->mask);
    free(t->grey);
}

static void compute(const tcase *t, const vx_feature_settings *fs_in, vx_results *res)
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

#define TOL 1e-12
#define ASSERT_NEAR(x, ref) assert_true(fabs((x) - (ref)) <= TOL * (1.0 + fabs(ref)))

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
    tcase t;
    const size_t dims[3] = {3, 3, 1}, off[3] = {0, 0, 0}, nv[3] = {3, 3, 1};
    tcase_make(&t, dims, off, nv, img3x3, NULL, n_grey);
    vx_results r;
    compute(&t, NULL, &r);
    ASSERT_NEAR(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_2D_AVG), 13.0 / 48.0);
    ASSERT_NEAR(get(&r, VX_F_CM_CONTRAST, VX_AGG_2D_AVG), 21.0 / 16.0);
    ASSERT_NEAR(get(&r, VX_F_CM_JOINT_ENTR, VX_AGG_2D_AVG), (1.5 * log2(6.0) + 0.5 * log2(12.0) + 4.5) / 4.0);
    const double entr_m = -(0.2 * log2(0.2) + 0.05 * log2(0.05) + 2 * 0.175 * log2(0.175) + 4 * 0.1 * log2(0.1));
    const vx_agg merged[3] = {VX_AGG_2D_SMRG, VX_AGG_25D_MRG, VX_AGG_3D_MRG};
    for (int k = 0; k < 3; k++) {
        ASSERT_NEAR(get(&r, VX_F_CM_JOINT_MAX, merged[k]), 0.2);
        ASSERT_NEAR(get(&r, VX_F_CM_CONTRAST, merged[k]), 1.35);
        ASSERT_NEAR(get(&r, VX_F_CM_JOINT_ENTR, merged[k]), entr_m);
        ASSERT_NEAR(get(&r, VX_F_CM_JOINT_AVG, merged[k]), 69.0 / 40.0);
        ASSERT_NEAR(get(&r, VX_F_CM_SUM_AVG, merged[k]), 2.0 * 69.0 / 40.0);
        ASSERT_NEAR(get(&r, VX_F_CM_DIFF_AVG, merged[k]), 0.95);
        ASSERT_NEAR(get(&r, VX_F_CM_DISSIMILARITY, merged[k]), 0.95);
        ASSERT_NEAR(get(&r, VX_F_CM_INV_DIFF, merged[k]), 71.0 / 120.0);
        if (n_grey == 3)
            ASSERT_NEAR(get(&r, VX_F_CM_INV_DIFF_NORM, merged[k]), 0.25 + 0.4125 + 0.12);
        ASSERT_NEAR(get(&r, VX_F_CM_INV_VAR, merged[k]), 0.6);
        /* sum variance and cluster tendency agree for a symmetric matrix */
        ASSERT_NEAR(get(&r, VX_F_CM_SUM_VAR, merged[k]), get(&r, VX_F_CM_CLUST_TEND, merged[k]));
    }
    for (vx_feature_id f = VX_F_CM_JOINT_MAX; f <= VX_F_CM_INFO_CORR2; f++)
        ASSERT_NEAR(get(&r, f, VX_AGG_3D_AVG), get(&r, f, VX_AGG_2D_AVG));
    vx_results_free(&r);
    tcase_free(&t);
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
    tcase t;
    const size_t dims[3] = {3, 3, 1}, off[3] = {0, 0, 0}, nv[3] = {3, 3, 1};
    const uint8_t m[9] = {1, 1, 1, 1, 0, 1, 1, 1, 1};
    tcase_make(&t, dims, off, nv, img3x3, m, 3);
    t.grey[4] = 1;
    vx_results r;
    compute(&t, NULL, &r);
    ASSERT_NEAR(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_2D_SMRG), 4.0 / 24.0);
    ASSERT_NEAR(get(&r, VX_F_CM_CONTRAST, VX_AGG_2D_SMRG), 4.0 / 3.0);
    vx_results_free(&r);
    tcase_free(&t);
}

/* Chebyshev distance 2 on the 3 x 3 slice: direction vectors (2,0) (0,2) (2,2) (2,-2):
 *   (2,0): (1,2) (1,3) (3,1);  (0,2): (1,3) (2,2) (2,1);  (2,2): (1,1);  (2,-2): (3,2)
 * Merged symmetric matrix [2 2 3; 2 2 1; 3 1 0] / 16: joint max 3/16, contrast (4*1 + 6*4 + 2*1)/16 = 15/8. */
static void test_hand_2d_distance(void **state)
{
    (void)state;
    tcase t;
    const size_t dims[3] = {3, 3, 1}, off[3] = {0, 0, 0}, nv[3] = {3, 3, 1};
    tcase_make(&t, dims, off, nv, img3x3, NULL, 3);
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    fs.glcm_distance = 2;
    vx_results r;
    compute(&t, &fs, &r);
    ASSERT_NEAR(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_2D_SMRG), 3.0 / 16.0);
    ASSERT_NEAR(get(&r, VX_F_CM_CONTRAST, VX_AGG_2D_SMRG), 15.0 / 8.0);
    vx_results_free(&r);
    tcase_free(&t);
}

/* Non-symmetric option (not IBSI): only M+ along the directions of vx_texture_dirs, (1,0) (0,1) (1,1) (1,-1):
 * merged counts of the pairs listed for test_hand_2d: (1,1) 4, (1,2) 5, (2,1) 2, (2,2) 1, (1,3) 2, (3,1) 2,
 * (2,3) 3, (3,2) 1 (total 20): joint max 5/20, contrast (11*1 + 4*4)/20 = 1.35,
 * row marginal p_1. = 11/20, p_2. = 6/20, p_3. = 3/20 -> joint average 32/20 = 1.6. */
static void test_hand_2d_asymmetric(void **state)
{
    (void)state;
    for (int n_grey = 3; n_grey <= 40; n_grey += 37) { /* dense and sparse storage */
        tcase t;
        const size_t dims[3] = {3, 3, 1}, off[3] = {0, 0, 0}, nv[3] = {3, 3, 1};
        tcase_make(&t, dims, off, nv, img3x3, NULL, n_grey);
        vx_feature_settings fs;
        vx_feature_settings_default(&fs);
        fs.glcm_symmetric = 0;
        vx_results r;
        compute(&t, &fs, &r);
        ASSERT_NEAR(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_2D_SMRG), 0.25);
        ASSERT_NEAR(get(&r, VX_F_CM_CONTRAST, VX_AGG_2D_SMRG), 1.35);
        ASSERT_NEAR(get(&r, VX_F_CM_JOINT_AVG, VX_AGG_2D_SMRG), 1.6);
        vx_results_free(&r);
        tcase_free(&t);
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
        tcase a, b;
        const size_t dims[3] = {NX, NY, NZ}, off[3] = {0, 0, 0}, nv[3] = {NX, NY, NZ};
        tcase_make(&a, dims, off, nv, v, m, 3);
        tcase_make(&b, dims, off, nv, v, m, 60);
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
        tcase_free(&a);
        tcase_free(&b);
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
    tcase t;
    const int v[4] = {1, 2, 3, 1};
    const size_t dims[3] = {2, 1, 2}, off[3] = {0, 0, 0}, nv[3] = {2, 1, 2};
    tcase_make(&t, dims, off, nv, v, NULL, 3);
    vx_results r;
    compute(&t, NULL, &r);
    ASSERT_NEAR(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_3D_AVG), 0.5);
    ASSERT_NEAR(get(&r, VX_F_CM_CONTRAST, VX_AGG_3D_AVG), 1.5);
    ASSERT_NEAR(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_3D_MRG), 1.0 / 6.0);
    ASSERT_NEAR(get(&r, VX_F_CM_CONTRAST, VX_AGG_3D_MRG), 11.0 / 6.0);
    ASSERT_NEAR(get(&r, VX_F_CM_CONTRAST, VX_AGG_2D_AVG), 2.5);
    ASSERT_NEAR(get(&r, VX_F_CM_CONTRAST, VX_AGG_25D_MRG), 2.5);
    vx_results_free(&r);
    tcase_free(&t);
}

/* A single voxel per slice has no in-plane pairs: every 2D matrix is empty, so the 2D and 2.5D features
 * are NaN; one grey level along z gives a 3D matrix with a single cell, where correlation (sigma = 0)
 * and information correlation 1 (HX = 0) are undefined (NaN) and the rest is finite. */
static void test_empty_and_degenerate(void **state)
{
    (void)state;
    tcase t;
    const int v[3] = {2, 2, 2};
    const size_t dims[3] = {1, 1, 3}, off[3] = {0, 0, 0}, nv[3] = {1, 1, 3};
    tcase_make(&t, dims, off, nv, v, NULL, 4);
    vx_results r;
    compute(&t, NULL, &r);
    const vx_agg a2[4] = {VX_AGG_2D_AVG, VX_AGG_2D_SMRG, VX_AGG_25D_DMRG, VX_AGG_25D_MRG};
    for (int k = 0; k < 4; k++)
        for (vx_feature_id f = VX_F_CM_JOINT_MAX; f <= VX_F_CM_INFO_CORR2; f++)
            assert_true(isnan(get(&r, f, a2[k])));
    assert_true(isnan(get(&r, VX_F_CM_CORR, VX_AGG_3D_MRG)));
    assert_true(isnan(get(&r, VX_F_CM_INFO_CORR1, VX_AGG_3D_MRG)));
    ASSERT_NEAR(get(&r, VX_F_CM_JOINT_MAX, VX_AGG_3D_MRG), 1.0);
    ASSERT_NEAR(get(&r, VX_F_CM_JOINT_AVG, VX_AGG_3D_MRG), 2.0);
    ASSERT_NEAR(get(&r, VX_F_CM_JOINT_ENTR, VX_AGG_3D_MRG), 0.0);
    ASSERT_NEAR(get(&r, VX_F_CM_INFO_CORR2, VX_AGG_3D_MRG), 0.0);
    ASSERT_NEAR(get(&r, VX_F_CM_INV_DIFF_NORM, VX_AGG_3D_MRG), 1.0);
    vx_results_free(&r);
    tcase_free(&t);
}

/* ---- IBSI 1 digital phantom -------------------------------------------------------------------------
 * 5 x 4 x 4 voxels (x fastest, then y, then z), grey levels = intensities, N_g = 6. */
static const int phantom_img[80] = {
    1, 4, 4, 1, 1, 1, 4, 6, 1, 1, 4, 1, 6, 4, 1, 4, 4, 6, 4, 1, /* z = 0 */
    1, 4, 4, 1, 1, 1, 1, 6, 1, 1, 1, 1, 3, 1, 1, 4, 4, 6, 1, 1, /* z = 1 */
    1, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 1, 1, 1, 1, 6, 1, 1, /* z = 2 */
    1, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 6, 1, 1, /* z = 3 */
};
static const uint8_t phantom_mask[80] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* z = 0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* z = 1 */
    1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, /* z = 2 */
    1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* z = 3 */
};

/* IBSI 1 reference values (reference_values.csv, dataset digital_phantom): tag, value, tolerance. */
typedef struct ref_row {
    const char *tag;
    double value, tol;
} ref_row;
static const ref_row phantom_ref[] = {
    {"cm_joint_max_2D_avg", 0.519, 0},
    {"cm_joint_avg_2D_avg", 2.14, 0},
    {"cm_joint_var_2D_avg", 2.69, 0},
    {"cm_joint_entr_2D_avg", 2.05, 0},
    {"cm_diff_avg_2D_avg", 1.42, 0},
    {"cm_diff_var_2D_avg", 2.9, 0},
    {"cm_diff_entr_2D_avg", 1.4, 0},
    {"cm_sum_avg_2D_avg", 4.28, 0},
    {"cm_sum_var_2D_avg", 5.47, 0},
    {"cm_sum_entr_2D_avg", 1.6, 0},
    {"cm_energy_2D_avg", 0.368, 0},
    {"cm_contrast_2D_avg", 5.28, 0},
    {"cm_dissimilarity_2D_avg", 1.42, 0},
    {"cm_inv_diff_2D_avg", 0.678, 0},
    {"cm_inv_diff_norm_2D_avg", 0.851, 0},
    {"cm_inv_diff_mom_2D_avg", 0.619, 0},
    {"cm_inv_diff_mom_norm_2D_avg", 0.899, 0},
    {"cm_inv_var_2D_avg", 0.0567, 0},
    {"cm_corr_2D_avg", -0.0121, 0},
    {"cm_auto_corr_2D_avg", 5.09, 0},
    {"cm_clust_tend_2D_avg", 5.47, 0},
    {"cm_clust_shade_2D_avg", 7, 0},
    {"cm_clust_prom_2D_avg", 79.1, 0},
    {"cm_info_corr1_2D_avg", -0.155, 0},
    {"cm_info_corr2_2D_avg", 0.487, 0},
    {"cm_joint_max_2D_comb", 0.512, 0},
    {"cm_joint_avg_2D_comb", 2.14, 0},
    {"cm_joint_var_2D_comb", 2.71, 0},
    {"cm_joint_entr_2D_comb", 2.24, 0},
    {"cm_diff_avg_2D_comb", 1.4, 0},
    {"cm_diff_var_2D_comb", 3.06, 0},
    {"cm_diff_entr_2D_comb", 1.49, 0},
    {"cm_sum_avg_2D_comb", 4.29, 0},
    {"cm_sum_var_2D_comb", 5.66, 0},
    {"cm_sum_entr_2D_comb", 1.79, 0},
    {"cm_energy_2D_comb", 0.352, 0},
    {"cm_contrast_2D_comb", 5.19, 0},
    {"cm_dissimilarity_2D_comb", 1.4, 0},
    {"cm_inv_diff_2D_comb", 0.683, 0},
    {"cm_inv_diff_norm_2D_comb", 0.854, 0},
    {"cm_inv_diff_mom_2D_comb", 0.625, 0},
    {"cm_inv_diff_mom_norm_2D_comb", 0.901, 0},
    {"cm_inv_var_2D_comb", 0.0553, 0},
    {"cm_corr_2D_comb", 0.0173, 0},
    {"cm_auto_corr_2D_comb", 5.14, 0},
    {"cm_clust_tend_2D_comb", 5.66, 0},
    {"cm_clust_shade_2D_comb", 6.98, 0},
    {"cm_clust_prom_2D_comb", 80.4, 0},
    {"cm_info_corr1_2D_comb", -0.0341, 0},
    {"cm_info_corr2_2D_comb", 0.263, 0},
    {"cm_joint_max_2_5D_avg", 0.489, 0},
    {"cm_joint_avg_2_5D_avg", 2.2, 0},
    {"cm_joint_var_2_5D_avg", 3.22, 0},
    {"cm_joint_entr_2_5D_avg", 2.48, 0},
    {"cm_diff_avg_2_5D_avg", 1.46, 0},
    {"cm_diff_var_2_5D_avg", 3.11, 0},
    {"cm_diff_entr_2_5D_avg", 1.61, 0},
    {"cm_sum_avg_2_5D_avg", 4.41, 0},
    {"cm_sum_var_2_5D_avg", 7.48, 0},
    {"cm_sum_entr_2_5D_avg", 2.01, 0},
    {"cm_energy_2_5D_avg", 0.286, 0},
    {"cm_contrast_2_5D_avg", 5.39, 0},
    {"cm_dissimilarity_2_5D_avg", 1.46, 0},
    {"cm_inv_diff_2_5D_avg", 0.668, 0},
    {"cm_inv_diff_norm_2_5D_avg", 0.847, 0},
    {"cm_inv_diff_mom_2_5D_avg", 0.606, 0},
    {"cm_inv_diff_mom_norm_2_5D_avg", 0.897, 0},
    {"cm_inv_var_2_5D_avg", 0.0597, 0},
    {"cm_corr_2_5D_avg", 0.178, 0},
    {"cm_auto_corr_2_5D_avg", 5.4, 0},
    {"cm_clust_tend_2_5D_avg", 7.48, 0},
    {"cm_clust_shade_2_5D_avg", 16.6, 0},
    {"cm_clust_prom_2_5D_avg", 147, 0},
    {"cm_info_corr1_2_5D_avg", -0.124, 0},
    {"cm_info_corr2_2_5D_avg", 0.487, 0},
    {"cm_joint_max_2_5D_comb", 0.492, 0},
    {"cm_joint_avg_2_5D_comb", 2.2, 0},
    {"cm_joint_var_2_5D_comb", 3.24, 0},
    {"cm_joint_entr_2_5D_comb", 2.61, 0},
    {"cm_diff_avg_2_5D_comb", 1.44, 0},
    {"cm_diff_var_2_5D_comb", 3.23, 0},
    {"cm_diff_entr_2_5D_comb", 1.67, 0},
    {"cm_sum_avg_2_5D_comb", 4.41, 0},
    {"cm_sum_var_2_5D_comb", 7.65, 0},
    {"cm_sum_entr_2_5D_comb", 2.14, 0},
    {"cm_energy_2_5D_comb", 0.277, 0},
    {"cm_contrast_2_5D_comb", 5.29, 0},
    {"cm_dissimilarity_2_5D_comb", 1.44, 0},
    {"cm_inv_diff_2_5D_comb", 0.673, 0},
    {"cm_inv_diff_norm_2_5D_comb", 0.85, 0},
    {"cm_inv_diff_mom_2_5D_comb", 0.613, 0},
    {"cm_inv_diff_mom_norm_2_5D_comb", 0.899, 0},
    {"cm_inv_var_2_5D_comb", 0.0582, 0},
    {"cm_corr_2_5D_comb", 0.182, 0},
    {"cm_auto_corr_2_5D_comb", 5.45, 0},
    {"cm_clust_tend_2_5D_comb", 7.65, 0},
    {"cm_clust_shade_2_5D_comb", 16.4, 0},
    {"cm_clust_prom_2_5D_comb", 142, 0},
    {"cm_info_corr1_2_5D_comb", -0.0334, 0},
    {"cm_info_corr2_2_5D_comb", 0.291, 0},
    {"cm_joint_max_3D_avg", 0.503, 0},
    {"cm_joint_avg_3D_avg", 2.14, 0},
    {"cm_joint_var_3D_avg", 3.1, 0},
    {"cm_joint_entr_3D_avg", 2.4, 0},
    {"cm_diff_avg_3D_avg", 1.43, 0},
    {"cm_diff_var_3D_avg", 3.06, 0},
    {"cm_diff_entr_3D_avg", 1.56, 0},
    {"cm_sum_avg_3D_avg", 4.29, 0},
    {"cm_sum_var_3D_avg", 7.07, 0},
    {"cm_sum_entr_3D_avg", 1.92, 0},
    {"cm_energy_3D_avg", 0.303, 0},
    {"cm_contrast_3D_avg", 5.32, 0},
    {"cm_dissimilarity_3D_avg", 1.43, 0},
    {"cm_inv_diff_3D_avg", 0.677, 0},
    {"cm_inv_diff_norm_3D_avg", 0.851, 0},
    {"cm_inv_diff_mom_3D_avg", 0.618, 0},
    {"cm_inv_diff_mom_norm_3D_avg", 0.898, 0},
    {"cm_inv_var_3D_avg", 0.0604, 0},
    {"cm_corr_3D_avg", 0.157, 0},
    {"cm_auto_corr_3D_avg", 5.06, 0},
    {"cm_clust_tend_3D_avg", 7.07, 0},
    {"cm_clust_shade_3D_avg", 16.6, 0},
    {"cm_clust_prom_3D_avg", 145, 0},
    {"cm_info_corr1_3D_avg", -0.157, 0},
    {"cm_info_corr2_3D_avg", 0.52, 0},
    {"cm_joint_max_3D_comb", 0.509, 0},
    {"cm_joint_avg_3D_comb", 2.15, 0},
    {"cm_joint_var_3D_comb", 3.13, 0},
    {"cm_joint_entr_3D_comb", 2.57, 0},
    {"cm_diff_avg_3D_comb", 1.38, 0},
    {"cm_diff_var_3D_comb", 3.21, 0},
    {"cm_diff_entr_3D_comb", 1.64, 0},
    {"cm_sum_avg_3D_comb", 4.3, 0},
    {"cm_sum_var_3D_comb", 7.41, 0},
    {"cm_sum_entr_3D_comb", 2.11, 0},
    {"cm_energy_3D_comb", 0.291, 0},
    {"cm_contrast_3D_comb", 5.12, 0},
    {"cm_dissimilarity_3D_comb", 1.38, 0},
    {"cm_inv_diff_3D_comb", 0.688, 0},
    {"cm_inv_diff_norm_3D_comb", 0.856, 0},
    {"cm_inv_diff_mom_3D_comb", 0.631, 0},
    {"cm_inv_diff_mom_norm_3D_comb", 0.902, 0},
    {"cm_inv_var_3D_comb", 0.0574, 0},
    {"cm_corr_3D_comb", 0.183, 0},
    {"cm_auto_corr_3D_comb", 5.19, 0},
    {"cm_clust_tend_3D_comb", 7.41, 0},
    {"cm_clust_shade_3D_comb", 17.4, 0},
    {"cm_clust_prom_3D_comb", 147, 0},
    {"cm_info_corr1_3D_comb", -0.0288, 0},
    {"cm_info_corr2_3D_comb", 0.269, 0},
};

static void test_phantom(void **state)
{
    (void)state;
    tcase t;
    const size_t dims[3] = {5, 4, 4}, off[3] = {0, 0, 0}, nv[3] = {5, 4, 4};
    tcase_make(&t, dims, off, nv, phantom_img, phantom_mask, 6);
    vx_results r;
    compute(&t, NULL, &r);
    const size_t nref = sizeof phantom_ref / sizeof phantom_ref[0];
    const vx_agg aggs[6] = {VX_AGG_2D_AVG, VX_AGG_2D_SMRG, VX_AGG_25D_DMRG, VX_AGG_25D_MRG, VX_AGG_3D_AVG, VX_AGG_3D_MRG};
    size_t checked = 0, failed = 0;
    for (int a = 0; a < 6; a++) {
        for (vx_feature_id f = VX_F_CM_JOINT_MAX; f <= VX_F_CM_INFO_CORR2; f++) {
            char tag[96];
            assert_int_equal(vx_feature_tag(f, aggs[a], tag, sizeof tag), VX_OK);
            const ref_row *ref = NULL;
            for (size_t i = 0; i < nref; i++)
                if (!strcmp(phantom_ref[i].tag, tag))
                    ref = &phantom_ref[i];
            assert_non_null(ref);
            const double x = get(&r, f, aggs[a]);
            checked++;
            if (!vx_test_ibsi_match(x, ref->value, ref->tol)) {
                print_error("%s: %.6g, reference %.6g (tolerance %g)\n", tag, x, ref->value, ref->tol);
                failed++;
            }
        }
    }
    assert_int_equal(checked, 150);
    assert_int_equal(failed, 0);
    vx_results_free(&r);
    tcase_free(&t);
}

/* The same phantom inside a larger grid (other voxels outside the mask) gives bit-identical values, and
 * so does any thread count. */
static void test_phantom_translated_and_threads(void **state)
{
    (void)state;
    tcase a, b;
    const size_t d0[3] = {5, 4, 4}, o0[3] = {0, 0, 0}, nv[3] = {5, 4, 4};
    const size_t d1[3] = {11, 9, 8}, o1[3] = {4, 2, 3};
    tcase_make(&a, d0, o0, nv, phantom_img, phantom_mask, 6);
    tcase_make(&b, d1, o1, nv, phantom_img, phantom_mask, 6);
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
    assert_int_equal(rb.n, ra.n);
    assert_int_equal(rc.n, ra.n);
    for (size_t i = 0; i < ra.n; i++) {
        assert_int_equal(ra.rows[i].feature, rb.rows[i].feature);
        assert_int_equal(ra.rows[i].agg, rb.rows[i].agg);
        assert_memory_equal(&ra.rows[i].value, &rb.rows[i].value, sizeof(double));
        assert_memory_equal(&ra.rows[i].value, &rc.rows[i].value, sizeof(double));
    }
    vx_results_free(&ra);
    vx_results_free(&rb);
    vx_results_free(&rc);
    tcase_free(&a);
    tcase_free(&b);
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
