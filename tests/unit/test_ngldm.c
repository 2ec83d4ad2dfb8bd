/* Unit tests: neighbouring grey level dependence matrix (NGLDM, IBSI REK0).
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
    fs.families = 1u << VX_FAM_NGLDM;
    fs.aggregations = VX_AGGS_ZONE;
    fs.threads = 1;
    return fs;
}

/* ---- hand-derived cases -------------------------------------------------------------------------------- */

/* s_ij of a matrix (i = grey level, j = dependence, both from 1); 0 outside the stored extent */
static double sij(const vx_ngldm_matrix *m, int i, int j)
{
    if (i < 1 || i > m->ng || j < 1 || j > m->nn)
        return 0.0;
    return m->s[(size_t)(j - 1) * (size_t)m->ng + (size_t)(i - 1)];
}

static double total(const vx_ngldm_matrix *m)
{
    double t = 0;
    for (int j = 1; j <= m->nn; j++)
        for (int i = 1; i <= m->ng; i++)
            t += sij(m, i, j);
    return t;
}

/* 2D, delta = 1, alpha = 0, one slice of 3 x 2 pixels, all in the mask:
 *     y=0:  1 1 2
 *     y=1:  3 1 2
 * and a second slice (z = 1) of level 3 everywhere, which the 2D matrix of slice 0 must ignore.
 * Dependence j_k = 1 (centre) + in-plane neighbours of the same level:
 *   (0,0)=1: neighbours {1,3,1}      -> j = 3      (1,0)=1: {1,2,3,1,2} -> j = 3
 *   (2,0)=2: {1,1,2}                 -> j = 2      (0,1)=3: {1,1,1}     -> j = 1
 *   (1,1)=1: {3,2,1,1,2}             -> j = 3      (2,1)=2: {1,1,2}     -> j = 2
 * s_13 = 3, s_22 = 2, s_31 = 1; N_s = N_v = 6; s_i. = (3,2,1), s_.j = (1,2,3).
 *   LDE = (1 + 2/4 + 3/9)/6 = 11/36          HDE = (1 + 8 + 27)/6 = 6
 *   LGCE = (3 + 2/4 + 1/9)/6 = 65/108        HGCE = (3 + 8 + 9)/6 = 10/3
 *   LDLGE = (3/9 + 2/16 + 1/9)/6 = 41/432    LDHGE = (3/9 + 8/4 + 9)/6 = 17/9
 *   HDLGE = (27 + 8/4 + 1/9)/6 = 131/27      HDHGE = (27 + 32 + 9)/6 = 34/3
 *   GLNU = DCNU = (9 + 4 + 1)/6 = 7/3,  normalised 14/36 = 7/18,  DC_PERC = 1
 *   GL_VAR: mu = 10/6 = 5/3, (3 (4/9) + 2 (1/9) + 16/9)/6 = 5/9
 *   DC_VAR: mu = 14/6 = 7/3, (3 (4/9) + 2 (1/9) + 16/9)/6 = 5/9
 *   DC_ENTR = -(1/2 log2 1/2 + 1/3 log2 1/3 + 1/6 log2 1/6),  DC_ENERGY = 1/4 + 1/9 + 1/36 = 7/18
 * Slice 1 (all level 3): corners have 3 in-plane neighbours (j = 4), the middle pixels 5 (j = 6):
 *   s_34 = 4, s_36 = 2. */
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
    const vx_texture_ops *ops = vx_ngldm_ops();
    void *m = ops->build(&t.roi, &fs, 0, 0);
    assert_non_null(m);
    const vx_ngldm_matrix *mm = m;
    assert_int_equal(mm->ng, 3);
    assert_int_equal(mm->nn, 3);
    vx_assert_near(sij(mm, 1, 3), 3, 0);
    vx_assert_near(sij(mm, 2, 2), 2, 0);
    vx_assert_near(sij(mm, 3, 1), 1, 0);
    vx_assert_near(total(mm), 6, 0);
    vx_assert_near(mm->nv, 6, 0);
    double f[17];
    assert_int_equal(ops->features(m, &fs, f), 0);
    const double want[17] = {11.0 / 36, 6, 65.0 / 108, 10.0 / 3, 41.0 / 432, 17.0 / 9, 131.0 / 27, 34.0 / 3,
                             7.0 / 3, 7.0 / 18, 7.0 / 3, 7.0 / 18, 1, 5.0 / 9, 5.0 / 9,
                             0.5 + log2(3.0) / 3 + log2(6.0) / 6, 7.0 / 18};
    for (int k = 0; k < 17; k++)
        vx_assert_near(f[k], want[k], VX_TEST_EPS);

    void *m1 = ops->build(&t.roi, &fs, 1, 0);
    assert_non_null(m1);
    const vx_ngldm_matrix *m1m = m1;
    assert_int_equal(m1m->nn, 6);
    vx_assert_near(sij(m1m, 3, 4), 4, 0);
    vx_assert_near(sij(m1m, 3, 6), 2, 0);
    vx_assert_near(total(m1m), 6, 0);

    /* 2.5D merging: element-wise sums, N_n grows to 6, N_v adds up; same result in either order */
    for (int order = 0; order < 2; order++) {
        void *g = ops->clone(order ? m1 : m);
        assert_non_null(g);
        assert_int_equal(ops->merge(g, order ? m : m1), 0);
        const vx_ngldm_matrix *gm = g;
        assert_int_equal(gm->nn, 6);
        vx_assert_near(sij(gm, 1, 3), 3, 0);
        vx_assert_near(sij(gm, 2, 2), 2, 0);
        vx_assert_near(sij(gm, 3, 1), 1, 0);
        vx_assert_near(sij(gm, 3, 4), 4, 0);
        vx_assert_near(sij(gm, 3, 6), 2, 0);
        vx_assert_near(total(gm), 12, 0);
        vx_assert_near(gm->nv, 12, 0);
        ops->free(g);
    }
    ops->free(m1);
    ops->free(m);
    vx_test_roi_free(&t);
}

/* 3D, delta = 1. A 2 x 2 x 2 block with one corner outside the mask, plus an isolated voxel of level 3
 * at (3,0,0); column x = 2 is outside the mask but holds grey level 3, which must not count:
 *   z=0: (0,0)=1 (1,0)=2 (0,1)=2 (1,1)=1      z=1: (0,0)=2 (1,0)=1 (0,1)=1 (1,1) outside
 * Inside the block all 7 voxels are mutual neighbours.
 * alpha = 0: level 1 (4 voxels) j = 4, level 2 (3 voxels) j = 3, isolated level 3 j = 1:
 *   s_14 = 4, s_23 = 3, s_31 = 1, N_s = N_v = 8; s_i. = (4,3,1), s_.j = (1,0,3,4).
 *   LDE = (1 + 3/9 + 4/16)/8 = 19/96                 HDE = (1 + 27 + 64)/8 = 23/2
 *   LGCE = (4 + 3/4 + 1/9)/8 = 175/288               HGCE = (4 + 12 + 9)/8 = 25/8
 *   LDLGE = (4/16 + 3/36 + 1/9)/8 = 1/18             LDHGE = (4/16 + 12/9 + 9)/8 = 127/96
 *   HDLGE = (64 + 27/4 + 1/9)/8 = 2551/288           HDHGE = (64 + 108 + 9)/8 = 181/8
 *   GLNU = DCNU = (16 + 9 + 1)/8 = 13/4, normalised 26/64 = 13/32, DC_PERC = 1
 *   GL_VAR: mu = 13/8, (4 (25/64) + 3 (9/64) + 121/64)/8 = 31/64
 *   DC_VAR: mu = 26/8, (4 (9/16) + 3 (1/16) + 81/16)/8 = 15/16
 *   DC_ENTR = -(1/2 log2 1/2 + 3/8 log2 3/8 + 1/8 log2 1/8),  DC_ENERGY = 1/4 + 9/64 + 1/64 = 13/32
 * alpha = 3: every block voxel depends on all 6 others (j = 7); the isolated voxel stays at j = 1 (the
 * zero padding and the out-of-mask column are not in the ROI, although |3 - 0| <= 3). */
static const double want_3d[17] = {19.0 / 96, 23.0 / 2, 175.0 / 288, 25.0 / 8, 1.0 / 18, 127.0 / 96,
                                   2551.0 / 288, 181.0 / 8, 13.0 / 4, 13.0 / 32, 13.0 / 4, 13.0 / 32, 1,
                                   31.0 / 64, 15.0 / 16, 0, 13.0 / 32};

static double entr_3d(void)
{
    return -(0.5 * log2(0.5) + 0.375 * log2(0.375) + 0.125 * log2(0.125));
}

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

static void check_3d(const double *f)
{
    for (int k = 0; k < 17; k++)
        vx_assert_near(f[k], k == 15 ? entr_3d() : want_3d[k], VX_TEST_EPS);
}

static void test_hand_3d(void **state)
{
    (void)state;
    vx_test_roi t;
    build_3d_example(&t, 0, 0, 0, 4, 2, 2);
    vx_feature_settings fs = settings();
    const vx_texture_ops *ops = vx_ngldm_ops();
    void *m = ops->build(&t.roi, &fs, -1, 0);
    assert_non_null(m);
    const vx_ngldm_matrix *mm = m;
    assert_int_equal(mm->nn, 4);
    vx_assert_near(sij(mm, 1, 4), 4, 0);
    vx_assert_near(sij(mm, 2, 3), 3, 0);
    vx_assert_near(sij(mm, 3, 1), 1, 0);
    vx_assert_near(total(mm), 8, 0);
    vx_assert_near(mm->nv, 8, 0);
    double f[17];
    assert_int_equal(ops->features(m, &fs, f), 0);
    check_3d(f);
    ops->free(m);

    for (int alpha = 1; alpha <= 3; alpha += 2) {
        fs.ngldm_coarseness = alpha;
        m = ops->build(&t.roi, &fs, -1, 0);
        assert_non_null(m);
        mm = m;
        assert_int_equal(mm->nn, 7);
        vx_assert_near(sij(mm, 1, 7), 4, 0);
        vx_assert_near(sij(mm, 2, 7), 3, 0);
        vx_assert_near(sij(mm, 3, 1), 1, 0);
        vx_assert_near(total(mm), 8, 0);
        ops->free(m);
    }
    fs.ngldm_coarseness = 0;

    /* through the family function, in a larger array at an offset: same 3D values */
    vx_test_roi u;
    build_3d_example(&u, 3, 2, 4, 9, 6, 8);
    vx_results res;
    vx_results_init(&res);
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_ngldm_compute(&u.roi, &fs, &res, &err), VX_OK);
    for (int k = 0; k < 17; k++)
        f[k] = vx_results_get(&res, (vx_feature_id)(VX_F_NGL_LDE + k), VX_AGG_3D);
    check_3d(f);
    vx_results_free(&res);
    vx_test_roi_free(&u);
    vx_test_roi_free(&t);
}

/* delta = 2 on the uniform 3 x 2 slice: every pixel reaches the other 5, so j = 6 for all: s_36 = 6.
 * A single voxel: j = 1, N_s = N_v = 1 (never empty); a negative alpha or zero distance is rejected. */
static void test_distance_and_single(void **state)
{
    (void)state;
    vx_test_roi t;
    build_2d_example(&t);
    vx_feature_settings fs = settings();
    fs.ngldm_distance = 2;
    const vx_texture_ops *ops = vx_ngldm_ops();
    void *m = ops->build(&t.roi, &fs, 1, 0);
    assert_non_null(m);
    const vx_ngldm_matrix *mm = m;
    assert_int_equal(mm->nn, 6);
    vx_assert_near(sij(mm, 3, 6), 6, 0);
    vx_assert_near(total(mm), 6, 0);
    ops->free(m);
    vx_test_roi_free(&t);

    vx_test_roi s;
    vx_test_roi_init(&s, 3, 3, 3);
    vx_test_roi_set(&s, 1, 1, 1, 2);
    vx_test_roi_finish(&s);
    fs.ngldm_distance = 1;
    vx_results res;
    vx_results_init(&res);
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_ngldm_compute(&s.roi, &fs, &res, &err), VX_OK);
    for (int a = VX_AGG_2D; a <= VX_AGG_3D; a++) {
        vx_assert_near(vx_results_get(&res, VX_F_NGL_LDE, (vx_agg)a), 1.0, 0);
        vx_assert_near(vx_results_get(&res, VX_F_NGL_HGCE, (vx_agg)a), 4.0, 0);
        vx_assert_near(vx_results_get(&res, VX_F_NGL_DC_ENTR, (vx_agg)a), 0.0, 0);
        vx_assert_near(vx_results_get(&res, VX_F_NGL_DC_VAR, (vx_agg)a), 0.0, 0);
    }
    vx_results_free(&res);
    fs.ngldm_coarseness = -1;
    vx_results_init(&res);
    assert_int_equal(vx_ngldm_compute(&s.roi, &fs, &res, &err), VX_EINVAL);
    vx_results_free(&res);
    fs.ngldm_coarseness = 0;
    fs.ngldm_distance = 0;
    vx_results_init(&res);
    assert_int_equal(vx_ngldm_compute(&s.roi, &fs, &res, &err), VX_EINVAL);
    vx_results_free(&res);
    vx_test_roi_free(&s);
}

/* ---- IBSI 1 digital phantom (vx_test_phantom_roi) ---------------------------------------------------------------------------- */
static void compute(const vx_test_roi *t, const vx_feature_settings *fs, vx_results *res)
{
    vx_error err;
    vx_error_clear(&err);
    vx_results_init(res);
    assert_int_equal(vx_ngldm_compute(&t->roi, fs, res, &err), VX_OK);
    assert_int_equal(res->n, 3 * 17);
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
    assert_int_equal(vx_test_check_reference(&res, "digital_phantom", VX_FAM_NGLDM, 0), 51);
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

/* ---- cross-check against the definition, evaluated directly ------------------------------------------- */
/* s_ij straight from the IBSI definition (j_k counts the centre and the neighbours in the ROI within
 * alpha), for slice z (2D) or the volume (slice < 0); s[(j - 1) * ng + i - 1], j up to jmax */
static void naive_ngldm(const vx_test_roi *t, long slice, int delta, int alpha, double *s, int jmax)
{
    const vx_roi *r = &t->roi;
    const int ng = r->n_grey;
    for (int k = 0; k < ng * jmax; k++)
        s[k] = 0;
    for (long z = 0; z < (long)r->dims[2]; z++) {
        if (slice >= 0 && z != slice)
            continue;
        for (long y = 0; y < (long)r->dims[1]; y++)
            for (long x = 0; x < (long)r->dims[0]; x++) {
                const int g = vx_test_roi_level(t, x, y, z);
                if (!g)
                    continue;
                int j = 0;
                const long dz = slice >= 0 ? 0 : delta;
                for (long mz = -dz; mz <= dz; mz++)
                    for (long my = -delta; my <= delta; my++)
                        for (long mx = -delta; mx <= delta; mx++) {
                            const int v = vx_test_roi_level(t, x + mx, y + my, z + mz);
                            if (v && abs(v - g) <= alpha)
                                j++;
                        }
                s[(j - 1) * ng + g - 1] += 1;
            }
    }
}

static void test_versus_definition(void **state)
{
    (void)state;
    const vx_texture_ops *ops = vx_ngldm_ops();
    enum { JMAX = 7 * 7 * 7 };
    double *s = malloc(8 * JMAX * sizeof *s);
    assert_non_null(s);
    for (unsigned seed = 1; seed <= 12; seed++) {
        vx_test_roi t;
        const int ng = 2 + (int)(seed % 6);
        vx_test_roi_random(&t, seed, 4 + seed % 5, 3 + seed % 4, 2 + seed % 3, ng);
        for (int a = 0; a < 3; a++) {
            t.roi.box_lo[a] = 0;
            t.roi.box_hi[a] = t.roi.dims[a];
        }
        for (int delta = 1; delta <= 3; delta++)
            for (int alpha = 0; alpha <= 3; alpha++) {
                vx_feature_settings fs = settings();
                fs.ngldm_distance = delta;
                fs.ngldm_coarseness = alpha;
                for (long slice = -1; slice < (long)t.roi.dims[2]; slice++) {
                    naive_ngldm(&t, slice, delta, alpha, s, JMAX);
                    void *m = ops->build(&t.roi, &fs, slice, 0);
                    assert_non_null(m);
                    const vx_ngldm_matrix *mm = m;
                    assert_int_equal(mm->ng, ng);
                    for (int j = 1; j <= JMAX; j++)
                        for (int i = 1; i <= ng; i++)
                            vx_assert_near(sij(mm, i, j), s[(j - 1) * ng + i - 1], 0);
                    ops->free(m);
                }
            }
        vx_test_roi_free(&t);
    }
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_2d), cmocka_unit_test(test_hand_3d),     cmocka_unit_test(test_distance_and_single),
        cmocka_unit_test(test_phantom), cmocka_unit_test(test_translation),
        cmocka_unit_test(test_versus_definition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
