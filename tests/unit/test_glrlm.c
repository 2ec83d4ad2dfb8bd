/* Unit tests: grey level run length matrix (GLRLM) features, IBSI family TP0I.
 *
 * Hand-derived small 2D and 3D cases (run matrices counted by hand below), the IBSI 1 digital-phantom
 * reference values of all 16 features under all six aggregations, translation invariance and
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

#include "feature/texture.h"
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
    assert_int_equal(vx_glrlm_compute(&t->roi, &fs, res, &err), VX_OK);
}

static double get(const vx_results *r, vx_feature_id f, vx_agg a)
{
    return vx_results_get(r, f, a);
}

/* ---- hand-derived 2D case ---------------------------------------------------------------------------
 * One 4 x 3 slice (x to the right, y down), N_g = 2, N_v = 12:
 *     1 1 1 2
 *     2 2 1 1
 *     1 2 2 2
 * Runs (grey level x length) per in-plane direction:
 *   (1,0):  rows: 1x3 2x1 | 2x2 1x2 | 1x1 2x3      -> grey 1: len 1,2,3 once each; grey 2: the same; N_s = 6
 *   (0,1):  columns 1,2,1 | 1,2,2 | 1,1,2 | 2,1,2  -> grey 1: len1 4, len2 1; grey 2: len1 4, len2 1; N_s = 10
 *   (1,1):  diagonals x-y = -2..3: 1 | 2,2 | 1,2,2 | 1,1,2 | 1,1 | 2
 *                                                  -> grey 1: len1 2, len2 2; grey 2: len1 2, len2 2; N_s = 8
 *   (1,-1): anti-diagonals x+y = 0..5: no two equal neighbours -> 12 runs of length 1 (6 per grey level)
 * Short runs emphasis per direction (1/N_s sum_j r_.j / j^2): (1,0): (2 + 2/4 + 2/9)/6 = 49/108;
 *   (0,1): (8 + 2/4)/10 = 0.85; (1,1): (4 + 4/4)/8 = 5/8; (1,-1): 1.
 * Long runs emphasis: (1,0): (2 + 8 + 18)/6 = 14/3; (0,1): (8 + 8)/10 = 1.6; (1,1): (4 + 16)/8 = 2.5; (1,-1): 1.
 * Run percentage N_s / N_v: 6/12, 10/12, 8/12, 12/12 -> mean 0.75.
 * 2D slice-merged (sum of the four, N_v = 4 * 12 = 48): grey 1 and grey 2 each: len1 13, len2 4, len3 1;
 *   N_s = 36, r_.j = 26, 8, 2, r_i. = 18, 18:
 *   SRE (26 + 8/4 + 2/9)/36 = 127/162, LRE (26 + 32 + 18)/36 = 19/9, LGRE (18 + 18/4)/36 = 0.625,
 *   HGRE (18 + 72)/36 = 2.5, GLNU (18^2 + 18^2)/36 = 18, GLNU norm 648/36^2 = 0.5,
 *   RLNU (26^2 + 8^2 + 2^2)/36 = 62/3, RLNU norm 744/36^2, run percentage 36/48 = 0.75,
 *   grey level variance 0.25 (mu = 1.5), run length variance: mu = 48/36 = 4/3,
 *   (26 (1/3)^2 + 8 (2/3)^2 + 2 (5/3)^2)/36 = 1/3,
 *   run entropy -2 (13/36 log2(13/36) + 4/36 log2(4/36) + 1/36 log2(1/36)),
 *   SRLGE (1/36) (1 + 1/4) (13 + 4/4 + 1/9) = 635/1296 (sum_ij r_ij / (i^2 j^2)).
 */
static const int img4x3[12] = {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2};

static void test_hand_2d(void **state)
{
    (void)state;
    vx_test_roi t;
    const size_t dims[3] = {4, 3, 1}, off[3] = {0, 0, 0}, nv[3] = {4, 3, 1};
    vx_test_roi_place(&t, dims, off, nv, img4x3, NULL, 2);
    vx_results r;
    compute(&t, NULL, &r);
    vx_assert_close(get(&r, VX_F_RLM_SRE, VX_AGG_2D_AVG), (49.0 / 108.0 + 0.85 + 0.625 + 1.0) / 4.0);
    vx_assert_close(get(&r, VX_F_RLM_LRE, VX_AGG_2D_AVG), (14.0 / 3.0 + 1.6 + 2.5 + 1.0) / 4.0);
    vx_assert_close(get(&r, VX_F_RLM_R_PERC, VX_AGG_2D_AVG), 0.75);
    /* one slice: 2.5D merged = 2D slice-merged */
    const vx_agg merged[2] = {VX_AGG_2D_SMRG, VX_AGG_25D_MRG};
    for (int k = 0; k < 2; k++) {
        const vx_agg a = merged[k];
        vx_assert_close(get(&r, VX_F_RLM_SRE, a), 127.0 / 162.0);
        vx_assert_close(get(&r, VX_F_RLM_LRE, a), 19.0 / 9.0);
        vx_assert_close(get(&r, VX_F_RLM_LGRE, a), 0.625);
        vx_assert_close(get(&r, VX_F_RLM_HGRE, a), 2.5);
        vx_assert_close(get(&r, VX_F_RLM_SRLGE, a), 635.0 / 1296.0);
        vx_assert_close(get(&r, VX_F_RLM_GLNU, a), 18.0);
        vx_assert_close(get(&r, VX_F_RLM_GLNU_NORM, a), 0.5);
        vx_assert_close(get(&r, VX_F_RLM_RLNU, a), 62.0 / 3.0);
        vx_assert_close(get(&r, VX_F_RLM_RLNU_NORM, a), 744.0 / 1296.0);
        vx_assert_close(get(&r, VX_F_RLM_R_PERC, a), 0.75);
        vx_assert_close(get(&r, VX_F_RLM_GL_VAR, a), 0.25);
        vx_assert_close(get(&r, VX_F_RLM_RL_VAR, a), 1.0 / 3.0);
        vx_assert_close(get(&r, VX_F_RLM_RL_ENTR, a),
                    -2.0 * (13.0 / 36 * log2(13.0 / 36) + 4.0 / 36 * log2(4.0 / 36) + 1.0 / 36 * log2(1.0 / 36)));
    }
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* Runs are broken by voxels outside the intensity mask. One row 1 1 1 2 with the second voxel outside the
 * mask (its grey level left at 1, so only the mask can break the run): every direction sees runs of length
 * 1 only, 2 of grey 1 and 1 of grey 2 (N_s = N_v = 3 per direction). Slice-merged: grey 1 len1 8,
 * grey 2 len1 4, N_s = N_v = 12: SRE = LRE = 1, run percentage 1, GLNU (64 + 16)/12 = 20/3,
 * GLNU norm 80/144 = 5/9. Without the mask the (1,0) run 1 1 1 would give SRE < 1. */
static void test_hand_mask_breaks_runs(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[4] = {1, 1, 1, 2};
    const uint8_t m[4] = {1, 0, 1, 1};
    const size_t dims[3] = {4, 1, 1}, off[3] = {0, 0, 0}, nv[3] = {4, 1, 1};
    vx_test_roi_place(&t, dims, off, nv, v, m, 2);
    t.grey[1] = 1;
    vx_results r;
    compute(&t, NULL, &r);
    vx_assert_close(get(&r, VX_F_RLM_SRE, VX_AGG_2D_AVG), 1.0);
    vx_assert_close(get(&r, VX_F_RLM_LRE, VX_AGG_2D_AVG), 1.0);
    vx_assert_close(get(&r, VX_F_RLM_SRE, VX_AGG_2D_SMRG), 1.0);
    vx_assert_close(get(&r, VX_F_RLM_R_PERC, VX_AGG_2D_SMRG), 1.0);
    vx_assert_close(get(&r, VX_F_RLM_GLNU, VX_AGG_2D_SMRG), 20.0 / 3.0);
    vx_assert_close(get(&r, VX_F_RLM_GLNU_NORM, VX_AGG_2D_SMRG), 5.0 / 9.0);
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* 3D: a 1 x 1 x 3 column with grey levels 1, 2, 2 along z, N_g = 2. Direction (0,0,1): runs 1x1, 2x2
 * (N_s = 2, N_v = 3, SRE (1 + 1/4)/2 = 5/8, run percentage 2/3); the 12 other directions: three runs of
 * length 1 each (SRE 1, run percentage 1).
 * 3D averaged: SRE (12 + 5/8)/13 = 101/104, run percentage (12 + 2/3)/13 = 38/39.
 * 3D merged: grey 1 len1 13, grey 2 len1 24, grey 2 len2 1: N_s = 38, N_v = 13 * 3 = 39 (summed over the
 * merged matrices): SRE (37 + 1/4)/38 = 149/152, LRE (37 + 4)/38 = 41/38, run percentage 38/39.
 * 2D: each slice is one voxel, a run of length 1 in every direction: SRE = run percentage = 1. */
static void test_hand_3d(void **state)
{
    (void)state;
    vx_test_roi t;
    const int v[3] = {1, 2, 2};
    const size_t dims[3] = {1, 1, 3}, off[3] = {0, 0, 0}, nv[3] = {1, 1, 3};
    vx_test_roi_place(&t, dims, off, nv, v, NULL, 2);
    vx_results r;
    compute(&t, NULL, &r);
    vx_assert_close(get(&r, VX_F_RLM_SRE, VX_AGG_3D_AVG), 101.0 / 104.0);
    vx_assert_close(get(&r, VX_F_RLM_R_PERC, VX_AGG_3D_AVG), 38.0 / 39.0);
    vx_assert_close(get(&r, VX_F_RLM_SRE, VX_AGG_3D_MRG), 149.0 / 152.0);
    vx_assert_close(get(&r, VX_F_RLM_LRE, VX_AGG_3D_MRG), 41.0 / 38.0);
    vx_assert_close(get(&r, VX_F_RLM_R_PERC, VX_AGG_3D_MRG), 38.0 / 39.0);
    vx_assert_close(get(&r, VX_F_RLM_SRE, VX_AGG_2D_AVG), 1.0);
    vx_assert_close(get(&r, VX_F_RLM_R_PERC, VX_AGG_2D_AVG), 1.0);
    vx_assert_close(get(&r, VX_F_RLM_SRE, VX_AGG_25D_MRG), 1.0);
    vx_assert_close(get(&r, VX_F_RLM_R_PERC, VX_AGG_25D_MRG), 1.0);
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* A run longer than the initial run-length capacity (64): a row of 100 voxels of grey level 1.
 * Slice-merged: (1,0) gives one run of length 100, the three other directions 100 runs of length 1 each:
 * N_s = 301, N_v = 400: LRE (300 + 100^2)/301, SRE (300 + 1/100^2)/301, run percentage 301/400.
 * A single grey level: grey level variance 0, GLNU norm 1. */
static void test_long_run(void **state)
{
    (void)state;
    vx_test_roi t;
    int v[100];
    for (int i = 0; i < 100; i++)
        v[i] = 1;
    const size_t dims[3] = {100, 1, 1}, off[3] = {0, 0, 0}, nv[3] = {100, 1, 1};
    vx_test_roi_place(&t, dims, off, nv, v, NULL, 3);
    vx_results r;
    compute(&t, NULL, &r);
    vx_assert_close(get(&r, VX_F_RLM_LRE, VX_AGG_2D_SMRG), (300.0 + 10000.0) / 301.0);
    vx_assert_close(get(&r, VX_F_RLM_SRE, VX_AGG_2D_SMRG), (300.0 + 1e-4) / 301.0);
    vx_assert_close(get(&r, VX_F_RLM_R_PERC, VX_AGG_2D_SMRG), 301.0 / 400.0);
    vx_assert_close(get(&r, VX_F_RLM_GL_VAR, VX_AGG_2D_SMRG), 0.0);
    vx_assert_close(get(&r, VX_F_RLM_GLNU_NORM, VX_AGG_2D_SMRG), 1.0);
    /* 2D averaged: (1,0) has LRE 100^2, the others 1 */
    vx_assert_close(get(&r, VX_F_RLM_LRE, VX_AGG_2D_AVG), (10000.0 + 3.0) / 4.0);
    vx_results_free(&r);
    vx_test_roi_free(&t);
}

/* N_g only sets the size of the matrix: levels that are absent add nothing to any feature. */
static void test_ng_independent(void **state)
{
    (void)state;
    vx_test_roi a, b;
    const size_t dims[3] = {4, 3, 1}, off[3] = {0, 0, 0}, nv[3] = {4, 3, 1};
    vx_test_roi_place(&a, dims, off, nv, img4x3, NULL, 2);
    vx_test_roi_place(&b, dims, off, nv, img4x3, NULL, 50);
    vx_results ra, rb;
    compute(&a, NULL, &ra);
    compute(&b, NULL, &rb);
    vx_results_sort(&ra);
    vx_results_sort(&rb);
    assert_int_equal(ra.n, rb.n);
    for (size_t i = 0; i < ra.n; i++)
        vx_assert_close(rb.rows[i].value, ra.rows[i].value);
    vx_results_free(&ra);
    vx_results_free(&rb);
    vx_test_roi_free(&a);
    vx_test_roi_free(&b);
}

/* Against a direct enumeration of runs: a 7 x 6 x 5 block of pseudo-random grey levels 1..3 with holes in
 * the mask, placed off-origin in a larger grid. For each of the 13 directions, every mask voxel whose
 * predecessor (at -m) is not a mask voxel of the same grey level starts a run, followed along +m. From
 * the runs: 3D merged SRE, LRE, GLNU, run percentage and 3D averaged run percentage. */
static void test_against_enumeration(void **state)
{
    (void)state;
    enum { NX = 7, NY = 6, NZ = 5, NV = NX * NY * NZ };
    int v[NV];
    uint8_t m[NV];
    unsigned s = 77u;
    for (int i = 0; i < NV; i++) {
        s = s * 1103515245u + 12345u;
        v[i] = 1 + (int)((s >> 16) % 3u);
        m[i] = ((s >> 9) % 5u) != 0u;
    }
    vx_test_roi t;
    const size_t dims[3] = {NX + 5, NY + 3, NZ + 4}, off[3] = {2, 1, 3}, nv[3] = {NX, NY, NZ};
    vx_test_roi_place(&t, dims, off, nv, v, m, 3);
    vx_results r;
    compute(&t, NULL, &r);

    double ns_all = 0.0, nv_all = 0.0, sre = 0.0, lre = 0.0, perc_avg = 0.0, gl[3] = {0.0, 0.0, 0.0};
    for (int d = 0; d < VX_N_DIR_3D; d++) {
        const int *dv = vx_texture_dirs[d];
        double ns = 0.0, nvox = 0.0;
        for (int z = 0; z < NZ; z++)
            for (int y = 0; y < NY; y++)
                for (int x = 0; x < NX; x++) {
                    const int i = x + NX * (y + NY * z);
                    if (!m[i])
                        continue;
                    nvox += 1.0;
                    const int px = x - dv[0], py = y - dv[1], pz = z - dv[2];
                    if (px >= 0 && px < NX && py >= 0 && py < NY && pz >= 0 && pz < NZ) {
                        const int pi = px + NX * (py + NY * pz);
                        if (m[pi] && v[pi] == v[i])
                            continue; /* not a run start */
                    }
                    int len = 1, qx = x + dv[0], qy = y + dv[1], qz = z + dv[2];
                    while (qx >= 0 && qx < NX && qy >= 0 && qy < NY && qz >= 0 && qz < NZ) {
                        const int qi = qx + NX * (qy + NY * qz);
                        if (!m[qi] || v[qi] != v[i])
                            break;
                        len++;
                        qx += dv[0], qy += dv[1], qz += dv[2];
                    }
                    ns += 1.0;
                    sre += 1.0 / ((double)len * len);
                    lre += (double)len * len;
                    gl[v[i] - 1] += 1.0;
                }
        ns_all += ns;
        nv_all += nvox;
        perc_avg += ns / nvox / VX_N_DIR_3D;
    }
    vx_assert_close(get(&r, VX_F_RLM_SRE, VX_AGG_3D_MRG), sre / ns_all);
    vx_assert_close(get(&r, VX_F_RLM_LRE, VX_AGG_3D_MRG), lre / ns_all);
    vx_assert_close(get(&r, VX_F_RLM_GLNU, VX_AGG_3D_MRG), (gl[0] * gl[0] + gl[1] * gl[1] + gl[2] * gl[2]) / ns_all);
    vx_assert_close(get(&r, VX_F_RLM_R_PERC, VX_AGG_3D_MRG), ns_all / nv_all);
    vx_assert_close(get(&r, VX_F_RLM_R_PERC, VX_AGG_3D_AVG), perc_avg);
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
    assert_int_equal(vx_test_check_reference(&r, "digital_phantom", VX_FAM_GLRLM, 0), 96);
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
    assert_int_equal(ra.n, 96);
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
        cmocka_unit_test(test_hand_mask_breaks_runs),
        cmocka_unit_test(test_hand_3d),
        cmocka_unit_test(test_long_run),
        cmocka_unit_test(test_ng_independent),
        cmocka_unit_test(test_against_enumeration),
        cmocka_unit_test(test_phantom),
        cmocka_unit_test(test_phantom_translated_and_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
