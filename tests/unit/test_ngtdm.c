/* Unit tests: neighbourhood grey tone difference matrix (NGTDM, IBSI IPET).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feature/neighbourhood.h"
#include "vx_test.h"
#include "voxomics/feature.h"

static vx_feature_settings settings(void)
{
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    fs.families = 1u << VX_FAM_NGTDM;
    fs.aggregations = VX_AGGS_ZONE;
    fs.threads = 1;
    return fs;
}

/* ---- hand-derived cases -------------------------------------------------------------------------------- */

/* 2D, delta = 1 (8 in-plane neighbours), one slice of 3 x 2 pixels, all in the mask:
 *     y=0:  1 1 2
 *     y=1:  3 1 2
 * A second slice (z = 1) of other levels lies above; the 2D matrix of slice 0 must ignore it.
 * Neighbour means (W_k = number of in-mask neighbours):
 *   (0,0)=1: {1,3,1}         mean 5/3  |1-5/3| = 2/3
 *   (1,0)=1: {1,2,3,1,2}     mean 9/5  |1-9/5| = 4/5
 *   (2,0)=2: {1,1,2}         mean 4/3  |2-4/3| = 2/3
 *   (0,1)=3: {1,1,1}         mean 1    |3-1|   = 2
 *   (1,1)=1: {3,2,1,1,2}     mean 9/5  4/5
 *   (2,1)=2: {1,1,2}         mean 4/3  2/3
 * s_1 = 2/3 + 4/5 + 4/5 = 34/15, n_1 = 3;  s_2 = 4/3, n_2 = 2;  s_3 = 2, n_3 = 1;  N_vc = 6.
 * p = (1/2, 1/3, 1/6), N_gp = 3, sum_i s_i = 28/5, sum_i p_i s_i = 17/15 + 4/9 + 1/3 = 86/45.
 *   coarseness = 45/86
 *   contrast   = [2 (p1 p2 + 4 p1 p3 + p2 p3) / (3 * 2)] [(28/5) / 6] = (5/27)(14/15) = 14/81
 *   busyness   : i p_i = (1/2, 2/3, 1/2); sum |i1 p1 - i2 p2| = 2 (1/6 + 0 + 1/6) = 2/3
 *                busyness = (86/45) / (2/3) = 43/15
 *   complexity : pairs (1,2): 1 (17/15 + 4/9)/(5/6) = 142/75; (1,3): 2 (17/15 + 1/3)/(2/3) = 22/5;
 *                (2,3): 1 (4/9 + 1/3)/(1/2) = 14/9; sum 1766/225, both orders 3532/225, / N_vc = 1766/675
 *   strength   : pairs (p1+p2) 1 = 5/6, (p1+p3) 4 = 8/3, (p2+p3) 1 = 1/2; sum 4, both orders 8;
 *                / sum s_i = 8 / (28/5) = 10/7 */
static void build_2d_example(vx_test_roi *t)
{
    static const int lv[2][3] = {{1, 1, 2}, {3, 1, 2}};
    vx_test_roi_init(t, 3, 2, 2);
    for (size_t y = 0; y < 2; y++)
        for (size_t x = 0; x < 3; x++) {
            vx_test_roi_set(t, x, y, 0, lv[y][x]);
            vx_test_roi_set(t, x, y, 1, 3);
        }
    vx_test_roi_finish(t);
}

static void test_hand_2d(void **state)
{
    (void)state;
    vx_test_roi t;
    build_2d_example(&t);
    vx_feature_settings fs = settings();
    const vx_texture_ops *ops = vx_ngtdm_ops();
    void *m = ops->build(&t.roi, &fs, 0, 0);
    assert_non_null(m);
    const vx_ngtdm_matrix *mm = m;
    assert_int_equal(mm->ng, 3);
    vx_assert_near(mm->s[1], 34.0 / 15.0, VX_TEST_EPS);
    vx_assert_near(mm->s[2], 4.0 / 3.0, VX_TEST_EPS);
    vx_assert_near(mm->s[3], 2.0, VX_TEST_EPS);
    vx_assert_near(mm->n[1], 3.0, 0);
    vx_assert_near(mm->n[2], 2.0, 0);
    vx_assert_near(mm->n[3], 1.0, 0);
    double f[5];
    assert_int_equal(ops->features(m, &fs, f), 0);
    vx_assert_near(f[0], 45.0 / 86.0, VX_TEST_EPS);
    vx_assert_near(f[1], 14.0 / 81.0, VX_TEST_EPS);
    vx_assert_near(f[2], 43.0 / 15.0, VX_TEST_EPS);
    vx_assert_near(f[3], 1766.0 / 675.0, VX_TEST_EPS);
    vx_assert_near(f[4], 10.0 / 7.0, VX_TEST_EPS);

    /* slice 1 is uniform (all 3): s = 0, N_gp = 1 -> coarseness 10^6, contrast 0, busyness 0,
     * complexity 0, strength 0 */
    void *m1 = ops->build(&t.roi, &fs, 1, 0);
    assert_non_null(m1);
    assert_int_equal(ops->features(m1, &fs, f), 0);
    vx_assert_near(f[0], 1e6, 0);
    vx_assert_near(f[1], 0, 0);
    vx_assert_near(f[2], 0, 0);
    vx_assert_near(f[3], 0, 0);
    vx_assert_near(f[4], 0, 0);

    /* merged (2.5D): s_i and n_i add up: s = (34/15, 4/3, 2), n = (3, 2, 1 + 6) */
    void *mg = ops->clone(m);
    assert_non_null(mg);
    assert_int_equal(ops->merge(mg, m1), 0);
    const vx_ngtdm_matrix *g = mg;
    vx_assert_near(g->s[1], 34.0 / 15.0, VX_TEST_EPS);
    vx_assert_near(g->s[3], 2.0, VX_TEST_EPS);
    vx_assert_near(g->n[3], 7.0, 0);
    vx_assert_near(g->n[1], 3.0, 0);
    ops->free(mg);
    ops->free(m1);
    ops->free(m);
    vx_test_roi_free(&t);
}

/* 3D, delta = 1 (26 neighbours). A 2 x 2 x 2 block with one corner outside the mask, plus an isolated
 * voxel of level 3 at (3,0,0) (column x = 2 outside the mask, holding non-zero grey values that must be
 * ignored because the intensity mask excludes them):
 *   z=0: (0,0)=1 (1,0)=2 (0,1)=2 (1,1)=1      z=1: (0,0)=2 (1,0)=1 (0,1)=1 (1,1) outside
 * Inside the block every voxel neighbours the 6 others: level sum 10, mean of the others (10 - g)/6:
 *   g = 1: |1 - 9/6| = 1/2 (4 voxels), g = 2: |2 - 8/6| = 2/3 (3 voxels).
 * The isolated voxel has W_k = 0 and is left out: s = (2, 2, 0), n = (4, 3, 0), N_vc = 7, N_gp = 2.
 * p = (4/7, 3/7): sum p s = 2 -> coarseness 1/2; contrast = [2 p1 p2 / 2] [4/7] = (12/49)(4/7) = 48/343;
 * busyness = 2 / (2 |4/7 - 6/7|) = 7/2; complexity = 2 (8/7 + 6/7)/1 / 7 = 4/7;
 * strength = 2 (p1 + p2) / 4 = 1/2. */
static void build_3d_example(vx_test_roi *t, size_t ox, size_t oy, size_t oz, size_t nx, size_t ny, size_t nz)
{
    vx_test_roi_init(t, nx, ny, nz);
    vx_test_roi_set(t, ox + 0, oy + 0, oz + 0, 1);
    vx_test_roi_set(t, ox + 1, oy + 0, oz + 0, 2);
    vx_test_roi_set(t, ox + 0, oy + 1, oz + 0, 2);
    vx_test_roi_set(t, ox + 1, oy + 1, oz + 0, 1);
    vx_test_roi_set(t, ox + 0, oy + 0, oz + 1, 2);
    vx_test_roi_set(t, ox + 1, oy + 0, oz + 1, 1);
    vx_test_roi_set(t, ox + 0, oy + 1, oz + 1, 1);
    vx_test_roi_set(t, ox + 3, oy + 0, oz + 0, 3);
    for (size_t y = 0; y < 2; y++)
        for (size_t z = 0; z < 2; z++)
            t->grey[(ox + 2) + nx * ((oy + y) + ny * (oz + z))] = 3; /* outside the mask: ignored */
    vx_test_roi_finish(t);
}

static void check_3d_example(const double *f)
{
    vx_assert_near(f[0], 0.5, VX_TEST_EPS);
    vx_assert_near(f[1], 48.0 / 343.0, VX_TEST_EPS);
    vx_assert_near(f[2], 3.5, VX_TEST_EPS);
    vx_assert_near(f[3], 4.0 / 7.0, VX_TEST_EPS);
    vx_assert_near(f[4], 0.5, VX_TEST_EPS);
}

static void test_hand_3d(void **state)
{
    (void)state;
    vx_test_roi t;
    build_3d_example(&t, 0, 0, 0, 4, 2, 2);
    vx_feature_settings fs = settings();
    const vx_texture_ops *ops = vx_ngtdm_ops();
    void *m = ops->build(&t.roi, &fs, -1, 0);
    assert_non_null(m);
    const vx_ngtdm_matrix *mm = m;
    vx_assert_near(mm->s[1], 2.0, VX_TEST_EPS);
    vx_assert_near(mm->s[2], 2.0, VX_TEST_EPS);
    vx_assert_near(mm->s[3], 0.0, 0);
    vx_assert_near(mm->n[1], 4.0, 0);
    vx_assert_near(mm->n[2], 3.0, 0);
    vx_assert_near(mm->n[3], 0.0, 0);
    double f[5];
    assert_int_equal(ops->features(m, &fs, f), 0);
    check_3d_example(f);
    ops->free(m);

    /* through the family function, in a larger array at an offset: same 3D values */
    vx_test_roi u;
    build_3d_example(&u, 3, 2, 4, 9, 6, 8);
    vx_results res;
    vx_results_init(&res);
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_ngtdm_compute(&u.roi, &fs, &res, &err), VX_OK);
    for (int k = 0; k < 5; k++)
        f[k] = vx_results_get(&res, (vx_feature_id)(VX_F_NGT_COARSENESS + k), VX_AGG_3D);
    check_3d_example(f);
    vx_results_free(&res);
    vx_test_roi_free(&u);
    vx_test_roi_free(&t);
}

/* A single voxel has no neighbour: the matrix is empty (N_vc = 0) and every feature NaN. In 2D a slice
 * whose voxels have no in-plane neighbour is left out of the 2D mean. */
static void test_empty(void **state)
{
    (void)state;
    vx_test_roi t;
    vx_test_roi_init(&t, 3, 3, 3);
    vx_test_roi_set(&t, 1, 1, 1, 2);
    vx_test_roi_finish(&t);
    vx_feature_settings fs = settings();
    const vx_texture_ops *ops = vx_ngtdm_ops();
    void *m = ops->build(&t.roi, &fs, -1, 0);
    assert_non_null(m);
    double f[5];
    assert_int_equal(ops->features(m, &fs, f), 1);
    for (int k = 0; k < 5; k++)
        assert_true(isnan(f[k]));
    ops->free(m);

    vx_results res;
    vx_results_init(&res);
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_ngtdm_compute(&t.roi, &fs, &res, &err), VX_OK);
    for (int a = VX_AGG_2D; a <= VX_AGG_3D; a++)
        for (int k = 0; k < 5; k++)
            assert_true(isnan(vx_results_get(&res, (vx_feature_id)(VX_F_NGT_COARSENESS + k), (vx_agg)a)));
    vx_results_free(&res);

    fs.ngtdm_distance = 0;
    vx_results_init(&res);
    assert_int_equal(vx_ngtdm_compute(&t.roi, &fs, &res, &err), VX_EINVAL);
    vx_results_free(&res);
    vx_test_roi_free(&t);
}

/* ---- IBSI 1 digital phantom (vx_test_phantom_roi) ---------------------------------------------------------------------------- */
static void compute(const vx_test_roi *t, const vx_feature_settings *fs, vx_results *res)
{
    vx_error err;
    vx_error_clear(&err);
    vx_results_init(res);
    assert_int_equal(vx_ngtdm_compute(&t->roi, fs, res, &err), VX_OK);
    assert_int_equal(res->n, 3 * 5);
}

static void test_phantom(void **state)
{
    (void)state;
    vx_test_roi t;
    const size_t dims[3] = {5, 4, 4}, off[3] = {0, 0, 0};
    vx_test_phantom_roi(&t, dims, off, 0);
    vx_feature_settings fs = settings();
    vx_results res;
    compute(&t, &fs, &res);
    assert_int_equal(vx_test_check_reference(&res, "digital_phantom", VX_FAM_NGTDM, 0), 15);
    vx_results_free(&res);
    vx_test_roi_free(&t);
}

/* Moving the phantom into a larger array (other values around it, a loose box) changes nothing, and
 * neither does the thread count. */
static void test_translation(void **state)
{
    (void)state;
    vx_test_roi a, b;
    const size_t d0[3] = {5, 4, 4}, o0[3] = {0, 0, 0}, d1[3] = {11, 9, 7}, o1[3] = {3, 2, 1};
    vx_test_phantom_roi(&a, d0, o0, 0);
    vx_test_phantom_roi(&b, d1, o1, 0);
    /* loosen b's box by one voxel on each side where the array allows */
    for (int k = 0; k < 3; k++) {
        b.roi.box_lo[k] -= 1;
        b.roi.box_hi[k] += 1;
    }
    vx_feature_settings fs = settings();
    vx_results ra, rb;
    compute(&a, &fs, &ra);
    fs.threads = 2;
    compute(&b, &fs, &rb);
    for (size_t k = 0; k < ra.n; k++) {
        const double x = ra.rows[k].value, y = vx_results_get(&rb, ra.rows[k].feature, ra.rows[k].agg);
        assert_memory_equal(&x, &y, sizeof x);
    }
    vx_results_free(&ra);
    vx_results_free(&rb);
    vx_test_roi_free(&a);
    vx_test_roi_free(&b);
}

/* Larger distance: delta = 2 in 2D on the 3 x 2 example reaches every pixel of the slice from every other,
 * so X_k = (sum of all - g)/5 (levels sum 10): g=1: |1 - 9/5| = 4/5 (3 voxels), g=2: |2 - 8/5| = 2/5
 * (2 voxels), g=3: |3 - 7/5| = 8/5: s = (12/5, 4/5, 8/5), n = (3, 2, 1). */
static void test_distance2(void **state)
{
    (void)state;
    vx_test_roi t;
    build_2d_example(&t);
    vx_feature_settings fs = settings();
    fs.ngtdm_distance = 2;
    const vx_texture_ops *ops = vx_ngtdm_ops();
    void *m = ops->build(&t.roi, &fs, 0, 0);
    assert_non_null(m);
    const vx_ngtdm_matrix *mm = m;
    vx_assert_near(mm->s[1], 12.0 / 5.0, VX_TEST_EPS);
    vx_assert_near(mm->s[2], 4.0 / 5.0, VX_TEST_EPS);
    vx_assert_near(mm->s[3], 8.0 / 5.0, VX_TEST_EPS);
    vx_assert_near(mm->n[1], 3.0, 0);
    vx_assert_near(mm->n[2], 2.0, 0);
    vx_assert_near(mm->n[3], 1.0, 0);
    ops->free(m);
    vx_test_roi_free(&t);
}

/* ---- cross-check against the definition, evaluated directly ------------------------------------------- */
/* s_i and n_i straight from the IBSI definition, for slice z (2D) or the volume (slice < 0) */
static void naive_ngtdm(const vx_test_roi *t, long slice, int delta, double *s, double *n)
{
    const vx_roi *r = &t->roi;
    for (int i = 0; i <= r->n_grey; i++)
        s[i] = n[i] = 0;
    for (long z = 0; z < (long)r->dims[2]; z++) {
        if (slice >= 0 && z != slice)
            continue;
        for (long y = 0; y < (long)r->dims[1]; y++)
            for (long x = 0; x < (long)r->dims[0]; x++) {
                const int g = vx_test_roi_level(t, x, y, z);
                if (!g)
                    continue;
                double sum = 0, w = 0;
                const long dz = slice >= 0 ? 0 : delta;
                for (long mz = -dz; mz <= dz; mz++)
                    for (long my = -delta; my <= delta; my++)
                        for (long mx = -delta; mx <= delta; mx++) {
                            if (!mx && !my && !mz)
                                continue;
                            const int v = vx_test_roi_level(t, x + mx, y + my, z + mz);
                            if (v) {
                                sum += v;
                                w += 1;
                            }
                        }
                if (w > 0) {
                    s[g] += fabs(g - sum / w);
                    n[g] += 1;
                }
            }
    }
}

static void test_versus_definition(void **state)
{
    (void)state;
    const vx_texture_ops *ops = vx_ngtdm_ops();
    for (unsigned seed = 1; seed <= 12; seed++) {
        vx_test_roi t;
        const int ng = 2 + (int)(seed % 6);
        vx_test_roi_random(&t, seed, 4 + seed % 5, 3 + seed % 4, 2 + seed % 3, ng);
        /* the whole array as the box (the mask reaches its faces) */
        for (int a = 0; a < 3; a++) {
            t.roi.box_lo[a] = 0;
            t.roi.box_hi[a] = t.roi.dims[a];
        }
        for (int delta = 1; delta <= 3; delta++) {
            vx_feature_settings fs = settings();
            fs.ngtdm_distance = delta;
            for (long slice = -1; slice < (long)t.roi.dims[2]; slice++) {
                double s[16], n[16];
                naive_ngtdm(&t, slice, delta, s, n);
                void *m = ops->build(&t.roi, &fs, slice, 0);
                assert_non_null(m);
                const vx_ngtdm_matrix *mm = m;
                for (int i = 1; i <= ng; i++) {
                    vx_assert_near(mm->s[i], s[i], 1e-9);
                    vx_assert_near(mm->n[i], n[i], 0);
                }
                ops->free(m);
            }
        }
        vx_test_roi_free(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_2d),    cmocka_unit_test(test_hand_3d),     cmocka_unit_test(test_empty),
        cmocka_unit_test(test_phantom),    cmocka_unit_test(test_translation), cmocka_unit_test(test_distance2),
        cmocka_unit_test(test_versus_definition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
