/* Unit tests: morphological features, IBSI family HCUG (src/feature/morph*.c).
 *
 * The IBSI 1 digital-phantom reference values (25 with a value; the 4 OMBB/MVEE densities are not
 * standardised: finite and in (0, 1]), also read from reference_values.csv when available; hand-derived
 * small cases (one voxel, two voxels, three collinear voxels); Moran's I / Geary's C by the direct sum and
 * by FFT on random regions; translation invariance; thread-count independence; ellipsoid helpers.
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

#include "feature/morph_impl.h"
#include "voxomics/feature.h"
#include "vx_test.h"

#define PI 3.14159265358979323846
#define NF ((size_t)(VX_F_MORPH_GEARY_C - VX_F_MORPH_VOLUME + 1))
#define IDX(id) ((size_t)(VX_F_MORPH_##id - VX_F_MORPH_VOLUME))

/* ---- test ROI helper --------------------------------------------------------------------------------- */
typedef struct tcase {
    float *img;
    uint8_t *mask;
    vx_roi roi;
} tcase;

/* A grid of dims voxels; the block nv (x fastest) of intensities v and mask m (NULL: all in) is placed at
 * off. Outside the block: intensity `fill`, outside the mask. Both masks equal; spacing sp. */
static void tcase_make(tcase *t, const size_t dims[3], const size_t off[3], const size_t nv[3], const float *v,
                       const uint8_t *m, float fill, const double sp[3])
{
    memset(t, 0, sizeof *t);
    const size_t n = dims[0] * dims[1] * dims[2];
    t->img = malloc(n * sizeof *t->img);
    t->mask = calloc(n, 1);
    assert_non_null(t->img);
    assert_non_null(t->mask);
    for (size_t i = 0; i < n; i++)
        t->img[i] = fill;
    size_t lo[3] = {dims[0], dims[1], dims[2]}, hi[3] = {0, 0, 0}, cnt = 0;
    for (size_t z = 0; z < nv[2]; z++)
        for (size_t y = 0; y < nv[1]; y++)
            for (size_t x = 0; x < nv[0]; x++) {
                const size_t s = x + nv[0] * (y + nv[1] * z);
                const size_t c[3] = {x + off[0], y + off[1], z + off[2]};
                const size_t d = c[0] + dims[0] * (c[1] + dims[1] * c[2]);
                t->img[d] = v[s];
                if (m && !m[s])
                    continue;
                t->mask[d] = 1;
                cnt++;
                for (int k = 0; k < 3; k++) {
                    lo[k] = c[k] < lo[k] ? c[k] : lo[k];
                    hi[k] = c[k] + 1 > hi[k] ? c[k] + 1 : hi[k];
                }
            }
    vx_roi *r = &t->roi;
    memcpy(r->dims, dims, sizeof r->dims);
    memcpy(r->spacing, sp, sizeof r->spacing);
    memcpy(r->box_lo, lo, sizeof lo);
    memcpy(r->box_hi, hi, sizeof hi);
    r->img = t->img;
    r->imask = t->mask;
    r->mmask = t->mask;
    r->n_imask = r->n_mmask = cnt;
}

static void tcase_free(tcase *t)
{
    free(t->img);
    free(t->mask);
}

/* All NF values in dictionary order (NaN when absent). */
static void compute(const vx_roi *roi, int threads, double out[NF])
{
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    fs.threads = threads;
    vx_results res;
    vx_results_init(&res);
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_morph_compute(roi, &fs, &res, &err), VX_OK);
    assert_int_equal(res.n, NF);
    for (size_t i = 0; i < NF; i++)
        out[i] = vx_results_get(&res, (vx_feature_id)(VX_F_MORPH_VOLUME + (int)i), VX_AGG_NONE);
    vx_results_free(&res);
}

#define ASSERT_REL(x, ref, tol) assert_true(fabs((x) - (ref)) <= (tol) * (1e-300 + fabs(ref)))

/* ---- the IBSI 1 digital phantom ----------------------------------------------------------------------
 * 5 x 4 x 4 voxels, 2 mm; per (z, y): 5 intensities of x = 0..4, then the 5 mask values. */
static const int phantom_rows[16][10] = {
    {1, 4, 4, 1, 1, 1, 1, 1, 1, 1}, {1, 4, 6, 1, 1, 1, 1, 1, 1, 1}, {4, 1, 6, 4, 1, 1, 1, 1, 1, 1},
    {4, 4, 6, 4, 1, 1, 1, 1, 1, 1}, {1, 4, 4, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 6, 1, 1, 1, 1, 1, 1, 1},
    {1, 1, 3, 1, 1, 0, 1, 1, 1, 1}, {4, 4, 6, 1, 1, 1, 1, 1, 1, 1}, {1, 4, 4, 1, 1, 1, 1, 1, 0, 0},
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 9, 1, 1, 1, 1, 0, 1, 1}, {1, 1, 6, 1, 1, 1, 1, 1, 1, 1},
    {1, 4, 4, 1, 1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {1, 1, 6, 1, 1, 1, 1, 1, 1, 1},
};
static const double two_mm[3] = {2.0, 2.0, 2.0};

static void phantom_make(tcase *t, const size_t dims[3], const size_t off[3], float fill)
{
    float v[80];
    uint8_t m[80];
    for (int z = 0; z < 4; z++)
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 5; x++) {
                v[x + 5 * (y + 4 * z)] = (float)phantom_rows[4 * z + y][x];
                m[x + 5 * (y + 4 * z)] = (uint8_t)phantom_rows[4 * z + y][5 + x];
            }
    const size_t nv[3] = {5, 4, 4};
    tcase_make(t, dims, off, nv, v, m, fill, two_mm);
}

/* IBSI 1 reference values (reference_values.csv, dataset digital_phantom): tag, value, tolerance. */
static const struct {
    vx_feature_id id;
    double ref, tol;
} phantom_ref[] = {
    {VX_F_MORPH_VOLUME, 556, 4},
    {VX_F_MORPH_VOL_APPROX, 592, 4},
    {VX_F_MORPH_AREA_MESH, 388, 3},
    {VX_F_MORPH_AV, 0.698, 0.004},
    {VX_F_MORPH_COMP_1, 0.0411, 0.0003},
    {VX_F_MORPH_COMP_2, 0.599, 0.004},
    {VX_F_MORPH_SPH_DISPR, 1.19, 0.01},
    {VX_F_MORPH_SPHERICITY, 0.843, 0.005},
    {VX_F_MORPH_ASPHERICITY, 0.186, 0.001},
    {VX_F_MORPH_COM, 0.672, 0.004},
    {VX_F_MORPH_DIAM, 13.1, 0.1},
    {VX_F_MORPH_PCA_MAJ_AXIS, 11.4, 0.1},
    {VX_F_MORPH_PCA_MIN_AXIS, 9.31, 0.06},
    {VX_F_MORPH_PCA_LEAST_AXIS, 8.54, 0.05},
    {VX_F_MORPH_PCA_ELONGATION, 0.816, 0.005},
    {VX_F_MORPH_PCA_FLATNESS, 0.749, 0.005},
    {VX_F_MORPH_VOL_DENS_AABB, 0.869, 0.005},
    {VX_F_MORPH_AREA_DENS_AABB, 0.866, 0.005},
    {VX_F_MORPH_VOL_DENS_AEE, 1.17, 0.01},
    {VX_F_MORPH_AREA_DENS_AEE, 1.36, 0.01},
    {VX_F_MORPH_VOL_DENS_CONV_HULL, 0.961, 0.006},
    {VX_F_MORPH_AREA_DENS_CONV_HULL, 1.03, 0.01},
    {VX_F_MORPH_INTEG_INT, 1200, 10},
    {VX_F_MORPH_MORAN_I, 0.0397, 0.0003},
    {VX_F_MORPH_GEARY_C, 0.974, 0.006},
};

static void check_phantom(const double f[NF])
{
    for (size_t i = 0; i < sizeof phantom_ref / sizeof phantom_ref[0]; i++) {
        double x = f[phantom_ref[i].id - VX_F_MORPH_VOLUME];
        if (!vx_test_ibsi_match(x, phantom_ref[i].ref, phantom_ref[i].tol))
            fail_msg("%s = %.6g, reference %.6g +- %.6g", vx_feature_get(phantom_ref[i].id)->tag, x,
                     phantom_ref[i].ref, phantom_ref[i].tol);
    }
    /* not standardised by IBSI: sensible densities */
    const size_t ns[4] = {IDX(VOL_DENS_OMBB), IDX(AREA_DENS_OMBB), IDX(VOL_DENS_MVEE), IDX(AREA_DENS_MVEE)};
    for (int k = 0; k < 4; k++) {
        assert_true(isfinite(f[ns[k]]));
        assert_true(f[ns[k]] > 0.0 && f[ns[k]] <= 1.0);
    }
    /* the oriented box is never larger than the axis-aligned one */
    assert_true(f[IDX(VOL_DENS_OMBB)] >= f[IDX(VOL_DENS_AABB)] - 1e-12);
}

static void test_phantom(void **state)
{
    (void)state;
    const size_t dims[3] = {5, 4, 4}, off[3] = {0, 0, 0};
    tcase t;
    phantom_make(&t, dims, off, 0.0f);
    double f[NF];
    compute(&t.roi, 1, f);
    check_phantom(f);
    /* the phantom is box-shaped: the oriented box is the axis-aligned one */
    ASSERT_REL(f[IDX(VOL_DENS_OMBB)], f[IDX(VOL_DENS_AABB)], 1e-12);
    tcase_free(&t);
}

/* Every digital-phantom row of the morphology family in reference_values.csv. */
static void test_phantom_csv(void **state)
{
    (void)state;
    FILE *fp = fopen(vx_test_data("ibsi/ibsi1/reference_values.csv"), "r");
    if (!fp)
        skip();
    const size_t dims[3] = {5, 4, 4}, off[3] = {0, 0, 0};
    tcase t;
    phantom_make(&t, dims, off, 0.0f);
    double f[NF];
    compute(&t.roi, 1, f);
    char line[4096], *fld[24];
    int rows = 0, with_value = 0;
    while (fgets(line, sizeof line, fp)) {
        int n = vx_test_csv_split(line, fld, 24);
        if (n < 11 || strcmp(fld[0], "digital_phantom") != 0 || strncmp(fld[8], "morph_", 6) != 0)
            continue;
        size_t i = 0;
        char tag[96];
        for (; i < NF; i++) {
            vx_feature_tag((vx_feature_id)(VX_F_MORPH_VOLUME + (int)i), VX_AGG_NONE, tag, sizeof tag);
            if (strcmp(tag, fld[8]) == 0)
                break;
        }
        if (i == NF)
            fail_msg("unknown tag %s in reference_values.csv", fld[8]);
        rows++;
        if (fld[9][0] == '\0') { /* not standardised */
            assert_true(isfinite(f[i]) && f[i] > 0.0 && f[i] <= 1.0);
            continue;
        }
        with_value++;
        double ref = strtod(fld[9], NULL), tol = strtod(fld[10], NULL);
        if (!vx_test_ibsi_match(f[i], ref, tol))
            fail_msg("%s = %.6g, reference %.6g +- %.6g", fld[8], f[i], ref, tol);
    }
    fclose(fp);
    assert_int_equal(rows, NF);
    assert_int_equal(with_value, 25);
    tcase_free(&t);
}

/* The phantom moved inside a larger grid with other intensities around it: every value bit-identical. */
static void test_translation(void **state)
{
    (void)state;
    const size_t d0[3] = {5, 4, 4}, o0[3] = {0, 0, 0}, d1[3] = {13, 11, 9}, o1[3] = {6, 4, 3};
    tcase a, b;
    phantom_make(&a, d0, o0, 0.0f);
    phantom_make(&b, d1, o1, 123.0f);
    double fa[NF], fb[NF];
    compute(&a.roi, 1, fa);
    compute(&b.roi, 1, fb);
    assert_memory_equal(fa, fb, sizeof fa);
    tcase_free(&a);
    tcase_free(&b);
}

/* A random blob of a few thousand voxels (the FFT path of Moran's I) and anisotropic spacing: the values
 * do not depend on the number of threads, nor on the position in the grid. */
static void test_threads_and_position(void **state)
{
    (void)state;
    const size_t nv[3] = {17, 15, 12};
    const size_t n = nv[0] * nv[1] * nv[2];
    float *v = malloc(n * sizeof *v);
    uint8_t *m = malloc(n);
    assert_non_null(v);
    assert_non_null(m);
    unsigned seed = 2024u;
    for (size_t z = 0; z < nv[2]; z++)
        for (size_t y = 0; y < nv[1]; y++)
            for (size_t x = 0; x < nv[0]; x++) {
                size_t i = x + nv[0] * (y + nv[1] * z);
                seed = seed * 1103515245u + 12345u;
                v[i] = (float)((seed >> 16) % 200u) - 50.0f;
                double dx = ((double)x - 8.0) / 8.0, dy = ((double)y - 7.0) / 7.0, dz = ((double)z - 5.5) / 5.5;
                m[i] = dx * dx + dy * dy + dz * dz <= 1.0 && (seed >> 8) % 7u != 0;
            }
    const double sp[3] = {0.8, 0.8, 2.5};
    const size_t d0[3] = {17, 15, 12}, o0[3] = {0, 0, 0}, d1[3] = {30, 22, 19}, o1[3] = {9, 2, 5};
    tcase a, b;
    tcase_make(&a, d0, o0, nv, v, m, 0.0f, sp);
    tcase_make(&b, d1, o1, nv, v, m, -1000.0f, sp);
    double f1[NF], f2[NF], f3[NF];
    compute(&a.roi, 1, f1);
    compute(&a.roi, 2, f2);
    compute(&b.roi, 3, f3);
    assert_memory_equal(f1, f2, sizeof f1);
    assert_memory_equal(f1, f3, sizeof f1);
    for (size_t i = 0; i < NF; i++)
        assert_true(isfinite(f1[i]));
    assert_true(f1[IDX(VOL_DENS_OMBB)] >= f1[IDX(VOL_DENS_AABB)] - 1e-12);
    assert_true(f1[IDX(VOL_DENS_CONV_HULL)] <= 1.0 && f1[IDX(AREA_DENS_CONV_HULL)] >= 1.0 - 1e-12);
    tcase_free(&a);
    tcase_free(&b);
    free(v);
    free(m);
}

/* ---- Moran's I and Geary's C ------------------------------------------------------------------------- */
static void moran_both(const vx_roi *roi, double *mi_d, double *gc_d, double *mi_f, double *gc_f)
{
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_morph_moran_geary(roi, VX_MORAN_DIRECT, 1, mi_d, gc_d, &err), VX_OK);
    assert_int_equal(vx_morph_moran_geary(roi, VX_MORAN_FFT, 1, mi_f, gc_f, &err), VX_OK);
}

/* Two voxels (any distance d, intensities differing by 2e): y = -e, +e, W = 2/d, sum w y y = -2 e^2 / d,
 * sum y^2 = 2 e^2: I = 2 / (2/d) * (-2 e^2/d) / (2 e^2) = -1; C = 1 / (4/d) * (2 (2e)^2 / d) / (2 e^2) = 1.
 * Three collinear voxels at 0, 1, 2 (unit spacing) with intensities 1, 2, 4: mu = 7/3, y = -4/3, -1/3, 5/3,
 * sum y^2 = 42/9, pair weights 1, 1/2, 1: W = 5, sum w y y = 2 (4/9 - 10/9 - 5/9) = -22/9, so
 * I = 3/5 * (-22/9) / (42/9) = -11/35; sum w (dx)^2 = 2 (1 + 9/2 + 4) = 19, C = 2/10 * 19 / (42/9) = 57/70. */
static void test_moran_hand(void **state)
{
    (void)state;
    const size_t dims[3] = {4, 3, 2}, nv2[3] = {1, 2, 1}, nv3[3] = {3, 1, 1}, off[3] = {1, 1, 0};
    const float v2[2] = {3.0f, 8.0f}, v3[3] = {1.0f, 2.0f, 4.0f};
    const double sp[3] = {1.0, 1.7, 1.0}, unitsp[3] = {1.0, 1.0, 1.0};
    tcase t;
    double a, b, c, d;
    tcase_make(&t, dims, off, nv2, v2, NULL, 0.0f, sp);
    moran_both(&t.roi, &a, &b, &c, &d);
    ASSERT_REL(a, -1.0, 1e-14);
    ASSERT_REL(b, 1.0, 1e-14);
    ASSERT_REL(c, -1.0, 1e-12);
    ASSERT_REL(d, 1.0, 1e-12);
    tcase_free(&t);
    const size_t off3[3] = {0, 2, 1};
    tcase_make(&t, dims, off3, nv3, v3, NULL, 0.0f, unitsp);
    moran_both(&t.roi, &a, &b, &c, &d);
    ASSERT_REL(a, -11.0 / 35.0, 1e-14);
    ASSERT_REL(b, 57.0 / 70.0, 1e-14);
    ASSERT_REL(c, -11.0 / 35.0, 1e-12);
    ASSERT_REL(d, 57.0 / 70.0, 1e-12);
    tcase_free(&t);
    /* a single voxel and a constant region: undefined */
    const size_t nv1[3] = {1, 1, 1};
    tcase_make(&t, dims, off, nv1, v2, NULL, 0.0f, unitsp);
    moran_both(&t.roi, &a, &b, &c, &d);
    assert_true(isnan(a) && isnan(b) && isnan(c) && isnan(d));
    tcase_free(&t);
    const float cst[3] = {5.0f, 5.0f, 5.0f};
    tcase_make(&t, dims, off3, nv3, cst, NULL, 0.0f, unitsp);
    moran_both(&t.roi, &a, &b, &c, &d);
    assert_true(isnan(a) && isnan(b) && isnan(c) && isnan(d));
    tcase_free(&t);
}

/* Random regions of a few hundred voxels (3D, one slice, one row), anisotropic spacing: the FFT
 * evaluation agrees with the direct O(N^2) sums to 1e-9 (relative). */
static void test_moran_fft_vs_direct(void **state)
{
    (void)state;
    const size_t shapes[4][3] = {{9, 8, 7}, {23, 19, 1}, {1, 1, 300}, {12, 1, 25}};
    unsigned seed = 77u;
    for (int s = 0; s < 4; s++) {
        const size_t *nv = shapes[s], n = nv[0] * nv[1] * nv[2];
        float *v = malloc(n * sizeof *v);
        uint8_t *m = malloc(n);
        assert_non_null(v);
        assert_non_null(m);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            v[i] = (float)((seed >> 16) % 1000u) * 0.1f + (float)(i % 13);
            m[i] = (seed >> 12) % 5u != 0;
        }
        const size_t dims[3] = {nv[0] + 3, nv[1] + 2, nv[2] + 1}, off[3] = {2, 1, 1};
        const double sp[3] = {0.9, 1.3, 2.1};
        tcase t;
        tcase_make(&t, dims, off, nv, v, m, 0.0f, sp);
        double a, b, c, d;
        moran_both(&t.roi, &a, &b, &c, &d);
        assert_true(isfinite(a) && isfinite(b));
        ASSERT_REL(c, a, 1e-9);
        ASSERT_REL(d, b, 1e-9);
        /* the FFT path with the x-frequency planes in chunks of one (tiny memory limit), two threads */
        double h, k;
        vx_error err0;
        vx_error_clear(&err0);
        assert_int_equal(vx_morph_moran_geary_ex(&t.roi, VX_MORAN_FFT, 2, 1, &h, &k, &err0), VX_OK);
        ASSERT_REL(h, a, 1e-9);
        ASSERT_REL(k, b, 1e-9);
        /* the automatic choice gives one of the two */
        double e, g;
        vx_error err;
        vx_error_clear(&err);
        assert_int_equal(vx_morph_moran_geary(&t.roi, VX_MORAN_AUTO, 2, &e, &g, &err), VX_OK);
        ASSERT_REL(e, a, 1e-9);
        ASSERT_REL(g, b, 1e-9);
        tcase_free(&t);
        free(v);
        free(m);
    }
}

/* Equal spacings (the FFT path's tabulated kernel), odd numbers of rows (the x pass transforms rows in
 * pairs), whole and chunked x-frequency planes: the FFT evaluation agrees with the direct sums to 1e-12. */
static void test_moran_fft_isotropic(void **state)
{
    (void)state;
    const size_t shapes[3][3] = {{11, 7, 5}, {6, 9, 13}, {17, 3, 1}};
    const double sps[3] = {1.0, 1.3, 0.7};
    unsigned seed = 4242u;
    for (int s = 0; s < 3; s++) {
        const size_t *nv = shapes[s], n = nv[0] * nv[1] * nv[2];
        float *v = malloc(n * sizeof *v);
        uint8_t *m = malloc(n);
        assert_non_null(v);
        assert_non_null(m);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            v[i] = (float)((seed >> 16) % 2000u) - 1000.0f;
            m[i] = (seed >> 13) % 4u != 0;
        }
        const size_t dims[3] = {nv[0] + 2, nv[1] + 3, nv[2] + 2}, off[3] = {1, 2, 1};
        const double sp[3] = {sps[s], sps[s], sps[s]};
        tcase t;
        tcase_make(&t, dims, off, nv, v, m, 0.0f, sp);
        double a, b, c, d, h, k;
        moran_both(&t.roi, &a, &b, &c, &d);
        assert_true(isfinite(a) && isfinite(b));
        ASSERT_REL(c, a, 1e-12);
        ASSERT_REL(d, b, 1e-12);
        vx_error err;
        vx_error_clear(&err);
        assert_int_equal(vx_morph_moran_geary_ex(&t.roi, VX_MORAN_FFT, 1, 3 * nv[1] * nv[2] * 16, &h, &k, &err),
                         VX_OK);
        ASSERT_REL(h, a, 1e-12);
        ASSERT_REL(k, b, 1e-12);
        tcase_free(&t);
        free(v);
        free(m);
    }
}

/* ---- hand-derived small regions ----------------------------------------------------------------------- */

/* One voxel of 2 mm, intensity 5. Mesh: octahedron of semi-axes 1 mm: V = 4/3, A = 4 sqrt(3) (unit
 * voxel: 1/6 and sqrt(3), times 8 and 4). Voxel volume 8. Sphericity (36 pi V^2)^(1/3) / A =
 * pi^(1/3) / sqrt(3); compactness 2 = 36 pi V^2 / A^3 = pi / (3 sqrt(3)). Diameter: opposite vertices,
 * 2 mm. The convex hull is the octahedron (densities 1). AABB: the 2 mm cube: V / 8 = 1/6,
 * A / 24 = sqrt(3)/6. The box flush with an octahedron face: extent 2/sqrt(3) along the face normal, the
 * hexagonal outline (circumradius sqrt(2/3)) in a sqrt(2) x 2 sqrt(2/3) rectangle: volume 8/3, density
 * 1/2. MVEE: the sphere through the six vertices, radius 1: density (4/3) / (4 pi / 3) = 1/pi (to the
 * algorithm's tolerance 1e-3). PCA of one point: zero axes, elongation undefined. Integrated intensity
 * 5 V. One voxel: Moran's I and Geary's C undefined. */
static void test_single_voxel(void **state)
{
    (void)state;
    const size_t dims[3] = {3, 3, 3}, off[3] = {1, 1, 1}, nv[3] = {1, 1, 1};
    const float v[1] = {5.0f};
    tcase t;
    tcase_make(&t, dims, off, nv, v, NULL, 0.0f, two_mm);
    double f[NF];
    compute(&t.roi, 1, f);
    const double V = 4.0 / 3.0, A = 4.0 * sqrt(3.0);
    ASSERT_REL(f[IDX(VOLUME)], V, 1e-14);
    ASSERT_REL(f[IDX(AREA_MESH)], A, 1e-14);
    ASSERT_REL(f[IDX(VOL_APPROX)], 8.0, 1e-15);
    ASSERT_REL(f[IDX(AV)], A / V, 1e-14);
    ASSERT_REL(f[IDX(SPHERICITY)], cbrt(PI) / sqrt(3.0), 1e-13);
    ASSERT_REL(f[IDX(COMP_2)], PI / (3.0 * sqrt(3.0)), 1e-13);
    ASSERT_REL(f[IDX(COMP_1)], V / (sqrt(PI) * pow(A, 1.5)), 1e-13);
    ASSERT_REL(f[IDX(SPH_DISPR)], sqrt(3.0) / cbrt(PI), 1e-13);
    ASSERT_REL(f[IDX(ASPHERICITY)], sqrt(3.0) / cbrt(PI) - 1.0, 1e-12);
    assert_float_equal(f[IDX(COM)], 0.0, 1e-15);
    ASSERT_REL(f[IDX(DIAM)], 2.0, 1e-14);
    assert_float_equal(f[IDX(PCA_MAJ_AXIS)], 0.0, 0.0);
    assert_true(isnan(f[IDX(PCA_ELONGATION)]) && isnan(f[IDX(PCA_FLATNESS)]));
    assert_true(isnan(f[IDX(VOL_DENS_AEE)]));
    ASSERT_REL(f[IDX(VOL_DENS_CONV_HULL)], 1.0, 1e-12);
    ASSERT_REL(f[IDX(AREA_DENS_CONV_HULL)], 1.0, 1e-12);
    ASSERT_REL(f[IDX(VOL_DENS_AABB)], 1.0 / 6.0, 1e-14);
    ASSERT_REL(f[IDX(AREA_DENS_AABB)], sqrt(3.0) / 6.0, 1e-14);
    ASSERT_REL(f[IDX(VOL_DENS_OMBB)], 0.5, 1e-9);
    const double bw = 2.0 / sqrt(3.0), br = sqrt(2.0), bl = 2.0 * sqrt(2.0 / 3.0);
    ASSERT_REL(f[IDX(AREA_DENS_OMBB)], A / (2.0 * (bw * br + bw * bl + br * bl)), 1e-9);
    ASSERT_REL(f[IDX(VOL_DENS_MVEE)], 1.0 / PI, 3e-3);
    assert_true(f[IDX(VOL_DENS_MVEE)] <= 1.0 / PI * (1.0 + 1e-12)); /* encloses: never above the exact value */
    ASSERT_REL(f[IDX(INTEG_INT)], 5.0 * V, 1e-14);
    assert_true(isnan(f[IDX(MORAN_I)]) && isnan(f[IDX(GEARY_C)]));
    tcase_free(&t);
}

/* Two face-neighbours along x (2 mm), intensities 1 and 3. Mesh (unit voxels): two half-octahedra
 * (square pyramids of volume 1/12, 4 triangles of area sqrt(3)/8) joined by a square prism of cross-section
 * 1/2 and length 1 (4 rectangles 1 x sqrt(1/2)): V = 2/3, A = sqrt(3) + 2 sqrt(2); times 8 and 4 for 2 mm.
 * Centre of mass: geometric at x = 1 mm, intensity-weighted (1 * 0 + 3 * 2) / 4 = 1.5 mm: shift 0.5 mm.
 * PCA: var_x = (1 + 1) / (2 - 1) = 2 mm^2: major axis 4 sqrt(2), minor and least 0. Diameter: 4 mm.
 * Integrated intensity: V * 2. Moran's I -1, Geary's C 1 (see test_moran_hand). */
static void test_two_voxels(void **state)
{
    (void)state;
    const size_t dims[3] = {4, 3, 3}, off[3] = {1, 1, 1}, nv[3] = {2, 1, 1};
    const float v[2] = {1.0f, 3.0f};
    tcase t;
    tcase_make(&t, dims, off, nv, v, NULL, 0.0f, two_mm);
    double f[NF];
    compute(&t.roi, 1, f);
    const double V = 8.0 * 2.0 / 3.0, A = 4.0 * (sqrt(3.0) + 2.0 * sqrt(2.0));
    ASSERT_REL(f[IDX(VOLUME)], V, 1e-14);
    ASSERT_REL(f[IDX(AREA_MESH)], A, 1e-14);
    ASSERT_REL(f[IDX(VOL_APPROX)], 16.0, 1e-15);
    ASSERT_REL(f[IDX(COM)], 0.5, 1e-14);
    ASSERT_REL(f[IDX(PCA_MAJ_AXIS)], 4.0 * sqrt(2.0), 1e-14);
    assert_float_equal(f[IDX(PCA_MIN_AXIS)], 0.0, 1e-12);
    assert_float_equal(f[IDX(PCA_ELONGATION)], 0.0, 1e-12);
    ASSERT_REL(f[IDX(DIAM)], 4.0, 1e-14);
    ASSERT_REL(f[IDX(INTEG_INT)], 2.0 * V, 1e-14);
    ASSERT_REL(f[IDX(MORAN_I)], -1.0, 1e-13);
    ASSERT_REL(f[IDX(GEARY_C)], 1.0, 1e-13);
    /* the hull of the mesh is the mesh itself (convex) */
    ASSERT_REL(f[IDX(VOL_DENS_CONV_HULL)], 1.0, 1e-12);
    tcase_free(&t);
}

/* ---- ellipsoid helpers ------------------------------------------------------------------------------- */

/* The IBSI Legendre series A = 4 pi a b sum_{nu <= 20} (alpha beta)^nu / (1 - 4 nu^2) P_nu(x),
 * x = (alpha^2 + beta^2) / (2 alpha beta), alpha = sqrt(1 - b^2/a^2), beta = sqrt(1 - c^2/a^2), evaluated here
 * with the plain Legendre recurrence: a sphere gives 4 pi r^2. Note: as defined by IBSI (and as its
 * reference values use) this is not the exact ellipsoid area (prolate 2,1,1: 17.34 instead of 21.48). */
static double ibsi_series(double a, double b, double c)
{
    double al = sqrt(1.0 - b * b / (a * a)), be = sqrt(1.0 - c * c / (a * a)), x = (al * al + be * be) / (2.0 * al * be);
    double p0 = 1.0, p1 = x, sum = 1.0, pw = al * be;
    for (int nu = 1; nu <= 20; nu++) {
        sum += pw / (1.0 - 4.0 * nu * nu) * p1;
        double p2 = ((2.0 * nu + 1.0) * x * p1 - nu * p0) / (nu + 1.0);
        p0 = p1;
        p1 = p2;
        pw *= al * be;
    }
    return 4.0 * PI * a * b * sum;
}

static void test_ellipsoid_area(void **state)
{
    (void)state;
    ASSERT_REL(vx_ellipsoid_area(3.0, 3.0, 3.0), 4.0 * PI * 9.0, 1e-15);
    /* prolate 2,1,1: alpha = beta = sqrt(3)/2, x = 1, P_nu(1) = 1: 8 pi sum (3/4)^nu / (1 - 4 nu^2) */
    double s = 0.0, w = 1.0;
    for (int nu = 0; nu <= 20; nu++, w *= 0.75)
        s += w / (1.0 - 4.0 * nu * nu);
    ASSERT_REL(vx_ellipsoid_area(2.0, 1.0, 1.0), 8.0 * PI * s, 1e-13);
    ASSERT_REL(vx_ellipsoid_area(2.0, 1.0, 1.0), 17.34387, 1e-6);
    ASSERT_REL(vx_ellipsoid_area(3.0, 2.0, 1.0), ibsi_series(3.0, 2.0, 1.0), 1e-12);
    ASSERT_REL(vx_ellipsoid_area(5.7, 4.65, 4.27), ibsi_series(5.7, 4.65, 4.27), 1e-12);
    assert_true(isnan(vx_ellipsoid_area(0.0, 0.0, 0.0)));
}

/* Symmetric 3x3 eigenvalues: a known matrix and a rotated diagonal one. */
static void test_sym3_eigen(void **state)
{
    (void)state;
    const double a[9] = {2, 1, 0, 1, 2, 0, 0, 0, 5}; /* eigenvalues 5, 3, 1 */
    double ev[3], V[9];
    vx_sym3_eigen(a, ev, V);
    ASSERT_REL(ev[0], 5.0, 1e-14);
    ASSERT_REL(ev[1], 3.0, 1e-14);
    ASSERT_REL(ev[2], 1.0, 1e-14);
    for (int k = 0; k < 3; k++) { /* A v = lambda v */
        for (int r = 0; r < 3; r++) {
            double s = 0.0;
            for (int c = 0; c < 3; c++)
                s += a[3 * r + c] * V[3 * c + k];
            assert_float_equal(s, ev[k] * V[3 * r + k], 1e-13);
        }
    }
}

/* MVEE of the 8 corners of a 2 x 4 x 6 box: by symmetry and affine invariance the ellipsoid with
 * semi-axes sqrt(3) times the half-sides (3 sqrt(3), 2 sqrt(3), sqrt(3)), to the tolerance. */
static void test_mvee(void **state)
{
    (void)state;
    double p[24];
    for (int i = 0; i < 8; i++) {
        p[3 * i] = (i & 1) ? 1.0 : -1.0;
        p[3 * i + 1] = (i & 2) ? 2.0 : -2.0;
        p[3 * i + 2] = (i & 4) ? 3.0 : -3.0;
    }
    double ax[3];
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_mvee(p, 8, 1e-3, ax, &err), VX_OK);
    ASSERT_REL(ax[0], 3.0 * sqrt(3.0), 2e-3);
    ASSERT_REL(ax[1], 2.0 * sqrt(3.0), 2e-3);
    ASSERT_REL(ax[2], sqrt(3.0), 2e-3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phantom),           cmocka_unit_test(test_phantom_csv),
        cmocka_unit_test(test_translation),       cmocka_unit_test(test_threads_and_position),
        cmocka_unit_test(test_moran_hand),        cmocka_unit_test(test_moran_fft_vs_direct),
        cmocka_unit_test(test_moran_fft_isotropic),
        cmocka_unit_test(test_single_voxel),      cmocka_unit_test(test_two_voxels),
        cmocka_unit_test(test_ellipsoid_area),    cmocka_unit_test(test_sym3_eigen),
        cmocka_unit_test(test_mvee),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
