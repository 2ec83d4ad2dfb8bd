/* Unit tests: grey level size zone matrix (IBSI 9SAK) and the shared zone labelling of zones.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feature/zones.h"
#include "voxomics/feature.h"
#include "vx_test.h"

/* ---- helpers ----------------------------------------------------------------------------------------- */

/* Assert that m holds exactly the (grey, len, count) triples of want (in (len, grey) order). */
static void expect_entries(const vx_zone_matrix *m, const unsigned (*want)[3], size_t n)
{
    assert_int_equal(m->n, n);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(m->e[k].grey, want[k][0]);
        assert_int_equal(m->e[k].len, want[k][1]);
        assert_int_equal(m->e[k].count, want[k][2]);
    }
}

static vx_feature_settings settings(void)
{
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    return fs;
}

/* ---- hand-derived cases ------------------------------------------------------------------------------ */

/* One 4 x 4 slice (rows y = 0..3, x left to right):
 *     1 1 2 3
 *     1 2 3 3
 *     2 2 1 1
 *     3 1 1 2
 * Zones with 8-connectivity, counted by hand:
 *   grey 1: {(0,0),(1,0),(0,1)} size 3;  {(2,2),(3,2),(1,3),(2,3)} size 4 ((2,2)-(1,3) diagonal)
 *   grey 2: {(2,0),(1,1),(0,2),(1,2)} size 4 ((2,0)-(1,1) and (1,1)-(0,2) diagonal);  {(3,3)} size 1
 *   grey 3: {(3,0),(2,1),(3,1)} size 3;  {(0,3)} size 1
 * N_s = 6, N_v = 16; s_.j: j=1: 2, j=3: 2, j=4: 2; s_i. = 2 for i = 1, 2, 3.
 *   SZE = (2/1 + 2/9 + 2/16)/6 = 169/432        LZE = (2 + 18 + 32)/6 = 26/3
 *   LGZE = (2 + 2/4 + 2/9)/6 = 49/108           HGZE = (2 + 8 + 18)/6 = 14/3
 *   SZLGE = (1/9 + 1/16 + 1/64 + 1/4 + 1/81 + 1/9)/6   (entries (1,3) (1,4) (2,4) (2,1) (3,3) (3,1))
 *   SZHGE = (1/9 + 1/16 + 4/16 + 4/1 + 9/9 + 9/1)/6    LZLGE = (9 + 16 + 16/4 + 1/4 + 9/9 + 1/9)/6
 *   LZHGE = (9 + 16 + 64 + 4 + 81 + 9)/6
 *   GLNU = (4 + 4 + 4)/6 = 2, GLNU_norm = 12/36; ZSNU = 2, ZSNU_norm = 1/3; Z_perc = 6/16
 *   GL_var: mu = 2, (2*1 + 0 + 2*1)/6 = 2/3
 *   ZS_var: mu = 16/6, sizes 3 4 4 1 3 1: (1 + 16 + 16 + 25 + 1 + 25)/9/6 = 14/9
 *   ZS_entr: six entries of p = 1/6: log2 6 */
static const int slice4[16] = {1, 1, 2, 3, 1, 2, 3, 3, 2, 2, 1, 1, 3, 1, 1, 2};

static void test_hand_2d(void **state)
{
    (void)state;
    vx_test_roi t;
    vx_test_roi_grid(&t, 4, 4, 1, slice4, NULL);
    vx_feature_settings fs = settings();
    /* 2D (slice 0) and 3D must agree for a single slice */
    for (long slice = -1; slice <= 0; slice++) {
        vx_zone_matrix *m = vx_zones_build(&t.roi, 1, slice, 0);
        assert_non_null(m);
        static const unsigned want[][3] = {{2, 1, 1}, {3, 1, 1}, {1, 3, 1}, {3, 3, 1}, {1, 4, 1}, {2, 4, 1}};
        expect_entries(m, want, 6);
        assert_int_equal(m->n_voxels, 16);
        double f[16];
        assert_int_equal(vx_glszm_features(m, &fs, f), 0);
        vx_assert_close(f[0], 169.0 / 432.0);
        vx_assert_close(f[1], 26.0 / 3.0);
        vx_assert_close(f[2], 49.0 / 108.0);
        vx_assert_close(f[3], 14.0 / 3.0);
        vx_assert_close(f[4], (1.0 / 9 + 1.0 / 16 + 1.0 / 64 + 1.0 / 4 + 1.0 / 81 + 1.0 / 9) / 6);
        vx_assert_close(f[5], (1.0 / 9 + 1.0 / 16 + 4.0 / 16 + 4.0 + 1.0 + 9.0) / 6);
        vx_assert_close(f[6], (9.0 + 16.0 + 4.0 + 0.25 + 1.0 + 1.0 / 9) / 6);
        vx_assert_close(f[7], (9.0 + 16.0 + 64.0 + 4.0 + 81.0 + 9.0) / 6);
        vx_assert_close(f[8], 2.0);
        vx_assert_close(f[9], 1.0 / 3.0);
        vx_assert_close(f[10], 2.0);
        vx_assert_close(f[11], 1.0 / 3.0);
        vx_assert_close(f[12], 6.0 / 16.0);
        vx_assert_close(f[13], 2.0 / 3.0);
        vx_assert_close(f[14], 14.0 / 9.0);
        vx_assert_close(f[15], log2(6.0));
        vx_zone_matrix_free(m);
    }
    vx_test_roi_free(&t);
}

/* 2 x 2 x 2 cube, grey 1 at (0,0,0) and (1,1,1), grey 2 elsewhere.
 *   3D (26-connectivity): the two 1s touch at a corner: one zone of size 2; the six 2s form one zone of 6.
 *   2D: slice 0: {1} size 1, {2,2,2} size 3; slice 1 likewise. Merged (2.5D): (1,1) x 2, (2,3) x 2, N_v 8. */
static void test_hand_3d_and_merge(void **state)
{
    (void)state;
    const int cube[8] = {1, 2, 2, 2, 2, 2, 2, 1};
    vx_test_roi t;
    vx_test_roi_grid(&t, 2, 2, 2, cube, NULL);
    vx_zone_matrix *m3 = vx_zones_build(&t.roi, 1, -1, 0);
    assert_non_null(m3);
    static const unsigned w3[][3] = {{1, 2, 1}, {2, 6, 1}};
    expect_entries(m3, w3, 2);
    assert_int_equal(m3->n_voxels, 8);

    vx_zone_matrix *s0 = vx_zones_build(&t.roi, 1, 0, 0), *s1 = vx_zones_build(&t.roi, 1, 1, 0);
    assert_non_null(s0);
    assert_non_null(s1);
    static const unsigned w2[][3] = {{1, 1, 1}, {2, 3, 1}};
    expect_entries(s0, w2, 2);
    expect_entries(s1, w2, 2);
    vx_zone_matrix *mm = vx_zone_matrix_clone(s0);
    assert_non_null(mm);
    assert_int_equal(vx_zone_matrix_merge(mm, s1), 0);
    static const unsigned wm[][3] = {{1, 1, 2}, {2, 3, 2}};
    expect_entries(mm, wm, 2);
    assert_int_equal(mm->n_voxels, 8);
    /* merging matrices of different extents (sizes 1, 3 with sizes 2, 6) interleaves the entries */
    assert_int_equal(vx_zone_matrix_merge(mm, m3), 0);
    static const unsigned wx[][3] = {{1, 1, 2}, {1, 2, 1}, {2, 3, 2}, {2, 6, 1}};
    expect_entries(mm, wx, 4);
    assert_int_equal(mm->n_voxels, 16);
    assert_int_equal(mm->row[1], 3);
    assert_int_equal(mm->row[2], 3);
    vx_zone_matrix_free(mm);
    vx_zone_matrix_free(s0);
    vx_zone_matrix_free(s1);
    vx_zone_matrix_free(m3);
    vx_test_roi_free(&t);
}

/* Row 1 2 1 2 1: with linkage 1 every voxel is its own zone (5 zones of size 1); with linkage (Chebyshev
 * distance) 2 the 1s at x = 0, 2, 4 form one zone of 3 and the 2s at x = 1, 3 one zone of 2. Also a mask hole
 * splits zones: 1 1 _ 1 1 gives two zones of size 2. */
static void test_linkage_and_mask(void **state)
{
    (void)state;
    const int row[5] = {1, 2, 1, 2, 1};
    vx_test_roi t;
    vx_test_roi_grid(&t, 5, 1, 1, row, NULL);
    vx_zone_matrix *m = vx_zones_build(&t.roi, 1, -1, 0);
    static const unsigned w1[][3] = {{1, 1, 3}, {2, 1, 2}};
    expect_entries(m, w1, 2);
    vx_zone_matrix_free(m);
    m = vx_zones_build(&t.roi, 2, 0, 0);
    static const unsigned w2[][3] = {{2, 2, 1}, {1, 3, 1}};
    expect_entries(m, w2, 2);
    vx_zone_matrix_free(m);
    vx_test_roi_free(&t);

    const int ones[5] = {1, 1, 1, 1, 1};
    const uint8_t hole[5] = {1, 1, 0, 1, 1};
    vx_test_roi_grid(&t, 5, 1, 1, ones, hole);
    m = vx_zones_build(&t.roi, 1, -1, 0);
    static const unsigned wh[][3] = {{1, 2, 2}};
    expect_entries(m, wh, 1);
    assert_int_equal(m->n_voxels, 4);
    vx_zone_matrix_free(m);
    vx_test_roi_free(&t);
}

static void test_empty(void **state)
{
    (void)state;
    const int g[4] = {1, 2, 3, 4};
    const uint8_t none[4] = {0, 0, 0, 0};
    vx_test_roi t;
    vx_test_roi_grid(&t, 4, 1, 1, g, none);
    vx_feature_settings fs = settings();
    vx_zone_matrix *m = vx_zones_build(&t.roi, 1, -1, 0);
    assert_non_null(m);
    assert_int_equal(m->n, 0);
    double f[16];
    assert_int_equal(vx_glszm_features(m, &fs, f), 1);
    for (int k = 0; k < 16; k++)
        assert_true(isnan(f[k]));
    vx_zone_matrix_free(m);
    vx_test_roi_free(&t);
}

/* ---- randomised comparison with a brute-force labelling ------------------------------------------------ */

/* Flood fill (explicit stack) of the zones of the region z in [z0, z1) of an nx x ny x nz grid, linking
 * equal grey levels within Chebyshev distance delta (in-plane when two_d). Counts zones by (grey, size) into
 * cnt[grey * (nmax + 1) + size]. */
static void brute_zones(const int *g, const uint8_t *mk, size_t nx, size_t ny, size_t nz, size_t z0, size_t z1,
                        int delta, int two_d, unsigned *cnt, size_t nmax)
{
    const size_t n = nx * ny * nz;
    uint8_t *seen = calloc(n, 1);
    size_t *stack = malloc(n * sizeof *stack);
    assert_non_null(seen);
    assert_non_null(stack);
    for (size_t z = z0; z < z1; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++) {
                const size_t s0 = x + nx * (y + ny * z);
                if (!mk[s0] || seen[s0])
                    continue;
                size_t top = 0, size = 0;
                stack[top++] = s0;
                seen[s0] = 1;
                while (top) {
                    const size_t v = stack[--top];
                    size++;
                    const long vx = (long)(v % nx), vy = (long)(v / nx % ny), vz = (long)(v / (nx * ny));
                    for (long dz = two_d ? 0 : -delta; dz <= (two_d ? 0 : delta); dz++)
                        for (long dy = -delta; dy <= delta; dy++)
                            for (long dx = -delta; dx <= delta; dx++) {
                                const long ux = vx + dx, uy = vy + dy, uz = vz + dz;
                                if (ux < 0 || uy < 0 || uz < (long)z0 || ux >= (long)nx || uy >= (long)ny ||
                                    uz >= (long)z1)
                                    continue;
                                const size_t u = (size_t)ux + nx * ((size_t)uy + ny * (size_t)uz);
                                if (mk[u] && !seen[u] && g[u] == g[s0]) {
                                    seen[u] = 1;
                                    stack[top++] = u;
                                }
                            }
                }
                cnt[(size_t)g[s0] * (nmax + 1) + size]++;
            }
    free(seen);
    free(stack);
}

/* Random grids (3 grey levels, 80 % mask) against the brute force, for 3D and every slice, delta 1 and 2. */
static void test_random_vs_brute(void **state)
{
    (void)state;
    unsigned seed = 20240601u;
    for (int trial = 0; trial < 60; trial++) {
        seed = seed * 1103515245u + 12345u;
        const size_t nx = 1 + (seed >> 16) % 8, ny = 1 + (seed >> 20) % 7, nz = 1 + (seed >> 24) % 6;
        const size_t n = nx * ny * nz;
        int *g = malloc(n * sizeof *g);
        uint8_t *mk = malloc(n);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            g[i] = 1 + (int)((seed >> 16) % 3);
            mk[i] = ((seed >> 24) % 10) < 8;
        }
        vx_test_roi t;
        vx_test_roi_grid(&t, nx, ny, nz, g, mk);
        t.roi.n_grey = 3;
        const size_t nmax = n;
        unsigned *want = malloc(4 * (nmax + 1) * sizeof *want);
        for (int delta = 1; delta <= 2; delta++)
            for (long slice = -1; slice < (long)nz; slice++) {
                memset(want, 0, 4 * (nmax + 1) * sizeof *want);
                brute_zones(g, mk, nx, ny, nz, slice < 0 ? 0 : (size_t)slice, slice < 0 ? nz : (size_t)slice + 1,
                            delta, slice >= 0, want, nmax);
                vx_zone_matrix *m = vx_zones_build(&t.roi, delta, slice, 0);
                assert_non_null(m);
                size_t k = 0;
                for (size_t j = 1; j <= nmax; j++)
                    for (size_t i = 1; i <= 3; i++) {
                        const unsigned c = want[i * (nmax + 1) + j];
                        if (!c)
                            continue;
                        assert_true(k < m->n);
                        assert_int_equal(m->e[k].grey, i);
                        assert_int_equal(m->e[k].len, j);
                        assert_int_equal(m->e[k].count, c);
                        k++;
                    }
                assert_int_equal(k, m->n);
                vx_zone_matrix_free(m);
            }
        free(want);
        free(g);
        free(mk);
        vx_test_roi_free(&t);
    }
}

/* ---- IBSI 1 digital phantom -------------------------------------------------------------------------- */

/* The phantom (vx_test_phantom_roi, N_g = 9) at offset (ox, oy, oz) of an (nx, ny, nz) grid; box = mask
 * bounds, or the whole grid when whole_box. */
static void phantom_roi(vx_test_roi *t, size_t nx, size_t ny, size_t nz, size_t ox, size_t oy, size_t oz,
                        int whole_box)
{
    const size_t dims[3] = {nx, ny, nz}, off[3] = {ox, oy, oz};
    vx_test_phantom_roi(t, dims, off, 9);
    for (int a = 0; whole_box && a < 3; a++) {
        t->roi.box_lo[a] = 0;
        t->roi.box_hi[a] = dims[a];
    }
}

static void compute(const vx_roi *roi, int threads, vx_results *res)
{
    vx_feature_settings fs = settings();
    fs.threads = threads;
    vx_results_init(res);
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_glszm_compute(roi, &fs, res, &err), VX_OK);
}

static void compute_all_threads(const vx_roi *roi, double out[3][16], int threads)
{
    vx_results res;
    compute(roi, threads, &res);
    const vx_agg aggs[3] = {VX_AGG_2D, VX_AGG_25D, VX_AGG_3D};
    for (int a = 0; a < 3; a++)
        for (int k = 0; k < 16; k++)
            out[a][k] = vx_results_get(&res, (vx_feature_id)(VX_F_SZM_SZE + k), aggs[a]);
    vx_results_free(&res);
}

static void compute_all(const vx_roi *roi, double out[3][16])
{
    compute_all_threads(roi, out, 1);
}

static void test_phantom(void **state)
{
    (void)state;
    vx_test_roi t;
    phantom_roi(&t, 5, 4, 4, 0, 0, 0, 0);
    vx_results res;
    compute(&t.roi, 1, &res);
    assert_int_equal(vx_test_check_reference(&res, "digital_phantom", VX_FAM_GLSZM, 0), 48);
    vx_results_free(&res);
    vx_test_roi_free(&t);
}

/* Moving the ROI inside a larger grid (other grey levels around it), with a tight or a loose box, changes
 * no value; neither does the number of threads. */
static void test_translation(void **state)
{
    (void)state;
    vx_test_roi a, b, c;
    phantom_roi(&a, 5, 4, 4, 0, 0, 0, 0);
    phantom_roi(&b, 11, 9, 8, 3, 2, 3, 0);
    phantom_roi(&c, 9, 7, 7, 2, 1, 1, 1);
    double va[3][16], vb[3][16], vc[3][16], vt[3][16];
    compute_all(&a.roi, va);
    compute_all(&b.roi, vb);
    compute_all(&c.roi, vc);
    compute_all_threads(&b.roi, vt, 2);
    for (int g = 0; g < 3; g++)
        for (int k = 0; k < 16; k++) {
            assert_true(va[g][k] == vb[g][k]);
            assert_true(va[g][k] == vc[g][k]);
            assert_true(va[g][k] == vt[g][k]);
        }
    vx_test_roi_free(&a);
    vx_test_roi_free(&b);
    vx_test_roi_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_2d),
        cmocka_unit_test(test_hand_3d_and_merge),
        cmocka_unit_test(test_linkage_and_mask),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_random_vs_brute),
        cmocka_unit_test(test_phantom),
        cmocka_unit_test(test_translation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
