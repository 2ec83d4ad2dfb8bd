/* Unit tests: grey level distance zone matrix (IBSI VMDZ): distance map, zone distances, features.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
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

/* Set the morphological mask of t to its own copy (so it can differ from the intensity mask). */
static uint8_t *own_mmask(vx_test_roi *t)
{
    const size_t n = t->roi.dims[0] * t->roi.dims[1] * t->roi.dims[2];
    uint8_t *mm = malloc(n);
    assert_non_null(mm);
    memcpy(mm, t->mask, n);
    t->roi.mmask = mm;
    return mm;
}

/* ---- hand-derived cases ------------------------------------------------------------------------------ */

/* One 5 x 5 slice, both masks full (rows y = 0..4):
 *     grey            distance map (4-connected steps to leave the mask, 1 on the edge)
 *     1 1 1 1 1       1 1 1 1 1
 *     1 2 2 2 1       1 2 2 2 1
 *     1 2 3 2 1       1 2 3 2 1
 *     1 2 2 2 1       1 2 2 2 1
 *     1 1 1 2 1       1 1 1 1 1
 * Zones (8-connected): grey 1: the border ring without (3,4), 15 voxels, distance 1; grey 2: the inner ring
 * plus (3,4), 9 voxels, distance min(2, 1) = 1; grey 3: the centre, distance 3.
 * Entries (i, j): (1,1) (2,1) (3,3), one zone each; N_s = 3, N_v = 25; d_.1 = 2, d_.3 = 1.
 *   SDE = (2 + 1/9)/3 = 19/27      LDE = (2 + 9)/3 = 11/3
 *   LGZE = (1 + 1/4 + 1/9)/3       HGZE = (1 + 4 + 9)/3 = 14/3
 *   SDLGE = (1 + 1/4 + 1/81)/3     SDHGE = (1 + 4 + 9/9)/3 = 2
 *   LDLGE = (1 + 1/4 + 9/9)/3      LDHGE = (1 + 4 + 81)/3 = 86/3
 *   GLNU = 3/3 = 1, norm 1/3;  ZDNU = (4 + 1)/3 = 5/3, norm 5/9;  Z_perc = 3/25
 *   GL_var: mu = 2, (1 + 0 + 1)/3 = 2/3;  ZD_var: mu = 5/3, (4/9 + 4/9 + 16/9)/3 = 8/9;  ZD_entr = log2 3 */
static const int sq5[25] = {1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 2, 3, 2, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2, 1};

static void test_hand_2d(void **state)
{
    (void)state;
    vx_test_roi t;
    vx_test_roi_grid(&t, 5, 5, 1, sq5, NULL);
    vx_feature_settings fs = settings();
    {
        vx_zone_matrix *m = vx_zones_build(&t.roi, 1, 0, 1);
        assert_non_null(m);
        static const unsigned want[][3] = {{1, 1, 1}, {2, 1, 1}, {3, 3, 1}};
        expect_entries(m, want, 3);
        assert_int_equal(m->n_voxels, 25);
        double f[16];
        assert_int_equal(vx_gldzm_features(m, &fs, f), 0);
        vx_assert_close(f[0], 19.0 / 27.0);
        vx_assert_close(f[1], 11.0 / 3.0);
        vx_assert_close(f[2], (1.0 + 0.25 + 1.0 / 9) / 3);
        vx_assert_close(f[3], 14.0 / 3.0);
        vx_assert_close(f[4], (1.0 + 0.25 + 1.0 / 81) / 3);
        vx_assert_close(f[5], 2.0);
        vx_assert_close(f[6], (1.0 + 0.25 + 1.0) / 3);
        vx_assert_close(f[7], 86.0 / 3.0);
        vx_assert_close(f[8], 1.0);
        vx_assert_close(f[9], 1.0 / 3.0);
        vx_assert_close(f[10], 5.0 / 3.0);
        vx_assert_close(f[11], 5.0 / 9.0);
        vx_assert_close(f[12], 3.0 / 25.0);
        vx_assert_close(f[13], 2.0 / 3.0);
        vx_assert_close(f[14], 8.0 / 9.0);
        vx_assert_close(f[15], log2(3.0));
        vx_zone_matrix_free(m);
    }
    /* In 3D the single slice is one voxel thick: every voxel is on the edge (distance 1). */
    vx_zone_matrix *m3 = vx_zones_build(&t.roi, 1, -1, 1);
    static const unsigned w3[][3] = {{1, 1, 1}, {2, 1, 1}, {3, 1, 1}};
    expect_entries(m3, w3, 3);
    vx_zone_matrix_free(m3);
    vx_test_roi_free(&t);
}

/* The morphological mask defines the edge, the intensity mask the zones. 5 x 5 slice, border ring grey 1,
 * inner ring grey 2, centre (2,2) grey 3:
 *   a) centre outside both masks: it is an edge, so the inner ring's 4-neighbours of the centre get distance
 *      1 and the grey 2 zone has distance 1: entries (1,1) (2,1);
 *   b) centre outside the intensity mask only: the distance map is that of the full square, the grey 2 zone
 *      has distance 2: entries (1,1) (2,2), N_v = 24. */
static void test_masks(void **state)
{
    (void)state;
    int g[25];
    memcpy(g, sq5, sizeof g);
    g[23] = 1;
    uint8_t mk[25];
    memset(mk, 1, sizeof mk);
    mk[12] = 0;
    vx_test_roi t;
    vx_test_roi_grid(&t, 5, 5, 1, g, mk);
    vx_zone_matrix *m = vx_zones_build(&t.roi, 1, 0, 1);
    static const unsigned wa[][3] = {{1, 1, 1}, {2, 1, 1}};
    expect_entries(m, wa, 2);
    assert_int_equal(m->n_voxels, 24);
    vx_zone_matrix_free(m);

    uint8_t *mm = own_mmask(&t);
    mm[12] = 1;
    m = vx_zones_build(&t.roi, 1, 0, 1);
    static const unsigned wb[][3] = {{1, 1, 1}, {2, 2, 1}};
    expect_entries(m, wb, 2);
    assert_int_equal(m->n_voxels, 24);
    vx_zone_matrix_free(m);
    free(mm);
    vx_test_roi_free(&t);
}

/* The distance is city-block (4/6-connected steps), not Chebyshev: a 5 x 5 slice of grey 1 with the centre
 * (2,2) grey 2 and the voxel (1,1) outside both masks. The centre is 2 steps from (1,1) (Chebyshev would say
 * 1) and 3 from the outer border: zone distance 2. The grey 1 zone touches the border: distance 1. */
static void test_city_block(void **state)
{
    (void)state;
    int g[25];
    for (int i = 0; i < 25; i++)
        g[i] = 1;
    g[12] = 2;
    uint8_t mk[25];
    memset(mk, 1, sizeof mk);
    mk[6] = 0;
    vx_test_roi t;
    vx_test_roi_grid(&t, 5, 5, 1, g, mk);
    vx_zone_matrix *m = vx_zones_build(&t.roi, 1, 0, 1);
    static const unsigned w[][3] = {{1, 1, 1}, {2, 2, 1}};
    expect_entries(m, w, 2);
    vx_zone_matrix_free(m);
    vx_test_roi_free(&t);
}

/* 5 x 5 x 3 block of grey 1 with the voxel (2,2,1) grey 2, both masks full.
 *   3D: distance of (2,2,1) = min(3 steps in-plane, 2 steps along z) = 2: entries (1,1) (2,2); the grey 1
 *       voxels form one zone of 74 voxels.
 *   2D: distances stay in-plane: slice 1 gives (1,1) (2,3); slices 0 and 2 give (1,1) only.
 *   2.5D merge of the three slices: (1,1) x 3, (2,3) x 1, N_v 75. */
static void test_hand_3d(void **state)
{
    (void)state;
    int g[75];
    for (int i = 0; i < 75; i++)
        g[i] = 1;
    g[2 + 5 * (2 + 5 * 1)] = 2;
    vx_test_roi t;
    vx_test_roi_grid(&t, 5, 5, 3, g, NULL);
    vx_zone_matrix *m = vx_zones_build(&t.roi, 1, -1, 1);
    static const unsigned w3[][3] = {{1, 1, 1}, {2, 2, 1}};
    expect_entries(m, w3, 2);
    assert_int_equal(m->n_voxels, 75);
    vx_zone_matrix_free(m);

    vx_zone_matrix *s[3];
    for (int z = 0; z < 3; z++) {
        s[z] = vx_zones_build(&t.roi, 1, z, 1);
        assert_non_null(s[z]);
    }
    static const unsigned w0[][3] = {{1, 1, 1}};
    static const unsigned w1[][3] = {{1, 1, 1}, {2, 3, 1}};
    expect_entries(s[0], w0, 1);
    expect_entries(s[1], w1, 2);
    expect_entries(s[2], w0, 1);
    assert_int_equal(vx_zone_matrix_merge(s[0], s[1]), 0);
    assert_int_equal(vx_zone_matrix_merge(s[0], s[2]), 0);
    static const unsigned wm[][3] = {{1, 1, 3}, {2, 3, 1}};
    expect_entries(s[0], wm, 2);
    assert_int_equal(s[0]->n_voxels, 75);
    for (int z = 0; z < 3; z++)
        vx_zone_matrix_free(s[z]);
    vx_test_roi_free(&t);
}

/* Larger distances: a 9 x 9 slice, grey 1 with a 3 x 3 grey 2 block at x, y = 3..5 (distances 4 and 5
 * inside it: min 4) and a single grey 3 voxel at (1,7) (distance 2). Entries (1,1) (3,2) (2,4). */
static void test_deep(void **state)
{
    (void)state;
    int g[81];
    for (int i = 0; i < 81; i++)
        g[i] = 1;
    for (int y = 3; y <= 5; y++)
        for (int x = 3; x <= 5; x++)
            g[x + 9 * y] = 2;
    g[1 + 9 * 7] = 3;
    vx_test_roi t;
    vx_test_roi_grid(&t, 9, 9, 1, g, NULL);
    vx_zone_matrix *m = vx_zones_build(&t.roi, 1, 0, 1);
    static const unsigned w[][3] = {{1, 1, 1}, {3, 2, 1}, {2, 4, 1}};
    expect_entries(m, w, 3);
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
    vx_zone_matrix *m = vx_zones_build(&t.roi, 1, -1, 1);
    assert_non_null(m);
    assert_int_equal(m->n, 0);
    double f[16];
    assert_int_equal(vx_gldzm_features(m, &fs, f), 1);
    for (int k = 0; k < 16; k++)
        assert_true(isnan(f[k]));
    vx_zone_matrix_free(m);
    vx_test_roi_free(&t);
}

/* ---- randomised comparison with a brute-force implementation of the IBSI definition ------------------- */

/* IBSI distance map of the region z in [z0, z1): repeatedly erode the morphological mask with the 4-connected
 * (two_d) or 6-connected cross (voxels outside the region count as outside the mask) and add 1 to every voxel
 * still in the mask, until the mask is empty. */
static void brute_distance(const uint8_t *mm, size_t nx, size_t ny, size_t nz, size_t z0, size_t z1, int two_d,
                           int *dist)
{
    const size_t n = nx * ny * nz;
    uint8_t *cur = calloc(n, 1), *next = calloc(n, 1);
    assert_non_null(cur);
    assert_non_null(next);
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        dist[i] = 0;
        const size_t z = i / (nx * ny);
        cur[i] = mm[i] && z >= z0 && z < z1;
        left += cur[i];
    }
    static const int nb[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    while (left) {
        left = 0;
        for (size_t i = 0; i < n; i++) {
            next[i] = 0;
            if (!cur[i])
                continue;
            dist[i]++;
            const long x = (long)(i % nx), y = (long)(i / nx % ny), z = (long)(i / (nx * ny));
            int keep = 1;
            for (int k = 0; k < (two_d ? 4 : 6) && keep; k++) {
                const long ux = x + nb[k][0], uy = y + nb[k][1], uz = z + nb[k][2];
                if (ux < 0 || uy < 0 || uz < (long)z0 || ux >= (long)nx || uy >= (long)ny || uz >= (long)z1)
                    keep = 0;
                else
                    keep = cur[(size_t)ux + nx * ((size_t)uy + ny * (size_t)uz)];
            }
            next[i] = (uint8_t)keep;
            left += (size_t)keep;
        }
        memcpy(cur, next, n);
    }
    free(cur);
    free(next);
}

/* Zones (8/26-connected, flood fill) of the region, each counted by (grey, minimum distance). */
static void brute_dzm(const int *g, const uint8_t *im, const int *dist, size_t nx, size_t ny, size_t nz,
                      size_t z0, size_t z1, int two_d, unsigned *cnt, size_t dmax)
{
    const size_t n = nx * ny * nz;
    uint8_t *seen = calloc(n, 1);
    size_t *stack = malloc(n * sizeof *stack);
    assert_non_null(seen);
    assert_non_null(stack);
    for (size_t s0 = 0; s0 < n; s0++) {
        const size_t sz0 = s0 / (nx * ny);
        if (!im[s0] || seen[s0] || sz0 < z0 || sz0 >= z1)
            continue;
        size_t top = 0;
        int dmin = INT32_MAX;
        stack[top++] = s0;
        seen[s0] = 1;
        while (top) {
            const size_t v = stack[--top];
            if (dist[v] < dmin)
                dmin = dist[v];
            const long vx = (long)(v % nx), vy = (long)(v / nx % ny), vz = (long)(v / (nx * ny));
            for (long dz = two_d ? 0 : -1; dz <= (two_d ? 0 : 1); dz++)
                for (long dy = -1; dy <= 1; dy++)
                    for (long dx = -1; dx <= 1; dx++) {
                        const long ux = vx + dx, uy = vy + dy, uz = vz + dz;
                        if (ux < 0 || uy < 0 || uz < (long)z0 || ux >= (long)nx || uy >= (long)ny || uz >= (long)z1)
                            continue;
                        const size_t u = (size_t)ux + nx * ((size_t)uy + ny * (size_t)uz);
                        if (im[u] && !seen[u] && g[u] == g[s0]) {
                            seen[u] = 1;
                            stack[top++] = u;
                        }
                    }
        }
        assert_true(dmin >= 1 && (size_t)dmin <= dmax);
        cnt[(size_t)g[s0] * (dmax + 1) + (size_t)dmin]++;
    }
    free(seen);
    free(stack);
}

/* Random grids (3 grey levels; morphological mask 85 %, intensity mask a random 90 % of it) against the
 * brute force, for 3D and every slice. */
static void test_random_vs_brute(void **state)
{
    (void)state;
    unsigned seed = 777u;
    for (int trial = 0; trial < 60; trial++) {
        seed = seed * 1103515245u + 12345u;
        const size_t nx = 1 + (seed >> 16) % 9, ny = 1 + (seed >> 20) % 8, nz = 1 + (seed >> 24) % 7;
        const size_t n = nx * ny * nz;
        int *g = malloc(n * sizeof *g), *dist = malloc(n * sizeof *dist);
        uint8_t *im = malloc(n), *mm = malloc(n);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            g[i] = 1 + (int)((seed >> 16) % 3);
            mm[i] = ((seed >> 20) % 100) < 85;
            im[i] = mm[i] && ((seed >> 24) % 10) < 9;
        }
        vx_test_roi t;
        vx_test_roi_grid(&t, nx, ny, nz, g, im);
        t.roi.n_grey = 3;
        t.roi.mmask = mm;
        const size_t dmax = 16;
        unsigned want[4 * 17];
        for (long slice = -1; slice < (long)nz; slice++) {
            const size_t z0 = slice < 0 ? 0 : (size_t)slice, z1 = slice < 0 ? nz : (size_t)slice + 1;
            brute_distance(mm, nx, ny, nz, z0, z1, slice >= 0, dist);
            memset(want, 0, sizeof want);
            brute_dzm(g, im, dist, nx, ny, nz, z0, z1, slice >= 0, want, dmax);
            vx_zone_matrix *m = vx_zones_build(&t.roi, 1, slice, 1);
            assert_non_null(m);
            size_t k = 0;
            for (size_t j = 1; j <= dmax; j++)
                for (size_t i = 1; i <= 3; i++) {
                    const unsigned c = want[i * (dmax + 1) + j];
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
        free(g);
        free(dist);
        free(im);
        free(mm);
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
    assert_int_equal(vx_gldzm_compute(roi, &fs, res, &err), VX_OK);
}

static void compute_all_threads(const vx_roi *roi, double out[3][16], int threads)
{
    vx_results res;
    compute(roi, threads, &res);
    const vx_agg aggs[3] = {VX_AGG_2D, VX_AGG_25D, VX_AGG_3D};
    for (int a = 0; a < 3; a++)
        for (int k = 0; k < 16; k++)
            out[a][k] = vx_results_get(&res, (vx_feature_id)(VX_F_DZM_SDE + k), aggs[a]);
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
    assert_int_equal(vx_test_check_reference(&res, "digital_phantom", VX_FAM_GLDZM, 0), 48);
    /* every zone of the 3D phantom touches the edge: zone distance variance is exactly 0 */
    assert_true(vx_results_get(&res, VX_F_DZM_ZD_VAR, VX_AGG_3D) == 0.0);
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

/* Grey levels above 65535 (the zone grid's 32-bit path, also when roi->n_grey understates them): the zones,
 * sizes and distances of the same ROI with its levels shifted down to 1.., each entry's level shifted back. */
static void test_wide_levels(void **state)
{
    (void)state;
    vx_test_roi a, b;
    vx_test_roi_random(&a, 11, 9, 8, 7, 5);
    vx_test_roi_random(&b, 11, 9, 8, 7, 5);
    const int shift = 100000;
    const size_t n = 9 * 8 * 7;
    for (size_t k = 0; k < n; k++)
        if (b.grey[k] > 0)
            b.grey[k] += shift;
    for (int variant = 0; variant < 2; variant++) {
        b.roi.n_grey = variant ? 5 + shift : 5; /* stated, or understated (found while filling the grid) */
        for (int distance = 0; distance < 2; distance++)
            for (long slice = -1; slice < 2; slice++) {
                vx_zone_matrix *ma = vx_zones_build(&a.roi, 1, slice, distance);
                vx_zone_matrix *mb = vx_zones_build(&b.roi, 1, slice, distance);
                assert_non_null(ma);
                assert_non_null(mb);
                assert_int_equal(ma->n, mb->n);
                assert_true(ma->n > 0);
                assert_int_equal(ma->n_voxels, mb->n_voxels);
                assert_int_equal(mb->n_grey, 5 + shift);
                for (size_t k = 0; k < ma->n; k++) {
                    assert_int_equal(ma->e[k].len, mb->e[k].len);
                    assert_int_equal(ma->e[k].grey + shift, mb->e[k].grey);
                    assert_int_equal(ma->e[k].count, mb->e[k].count);
                }
                vx_zone_matrix_free(ma);
                vx_zone_matrix_free(mb);
            }
    }
    vx_test_roi_free(&a);
    vx_test_roi_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_2d),
        cmocka_unit_test(test_masks),
        cmocka_unit_test(test_city_block),
        cmocka_unit_test(test_hand_3d),
        cmocka_unit_test(test_deep),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_random_vs_brute),
        cmocka_unit_test(test_phantom),
        cmocka_unit_test(test_translation),
        cmocka_unit_test(test_wide_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
