/* Unit tests: local intensity (9ST6), intensity-based statistics (UHIW), intensity histogram (ZVCW) and
 * intensity-volume histogram (P88C) families.
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

#include "feature/firstorder.h"
#include "voxomics/feature.h"
#include "vx_test.h"

/* ---- helpers -------------------------------------------------------------------------------------------- */

typedef struct troi {
    vx_roi roi;
    float *img;
    uint8_t *mask;
    int32_t *grey;
    double *ivh;
} troi;

/* A test ROI over an nx x ny x nz grid: intensities img, intensity = morphological mask `mask`. Grey levels
 * are the intensities themselves (must be integers >= 1 inside the mask, else pass grey), n_grey = their
 * maximum; IVH intensities are the intensities, range = observed min/max in the mask (IBSI discrete case). */
static void troi_init(troi *t, size_t nx, size_t ny, size_t nz, double sx, double sy, double sz, const float *img,
                      const uint8_t *mask, const int32_t *grey)
{
    size_t n = nx * ny * nz;
    memset(t, 0, sizeof *t);
    t->img = malloc(n * sizeof *t->img);
    t->mask = malloc(n * sizeof *t->mask);
    t->grey = calloc(n, sizeof *t->grey);
    t->ivh = calloc(n, sizeof *t->ivh);
    assert_non_null(t->img);
    assert_non_null(t->mask);
    assert_non_null(t->grey);
    assert_non_null(t->ivh);
    memcpy(t->img, img, n * sizeof *img);
    memcpy(t->mask, mask, n * sizeof *mask);
    vx_roi *r = &t->roi;
    r->dims[0] = nx;
    r->dims[1] = ny;
    r->dims[2] = nz;
    r->spacing[0] = sx;
    r->spacing[1] = sy;
    r->spacing[2] = sz;
    size_t lo[3] = {nx, ny, nz}, hi[3] = {0, 0, 0};
    int gmax = 0;
    double imin = INFINITY, imax = -INFINITY;
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++) {
                size_t k = x + nx * (y + ny * z);
                if (!mask[k])
                    continue;
                size_t c[3] = {x, y, z};
                for (int d = 0; d < 3; d++) {
                    if (c[d] < lo[d])
                        lo[d] = c[d];
                    if (c[d] + 1 > hi[d])
                        hi[d] = c[d] + 1;
                }
                t->grey[k] = grey ? grey[k] : (int32_t)img[k];
                if (t->grey[k] > gmax)
                    gmax = t->grey[k];
                t->ivh[k] = img[k];
                if (img[k] < imin)
                    imin = img[k];
                if (img[k] > imax)
                    imax = img[k];
                r->n_imask++;
            }
    if (r->n_imask == 0)
        for (int d = 0; d < 3; d++)
            lo[d] = hi[d] = 0;
    for (int d = 0; d < 3; d++) {
        r->box_lo[d] = lo[d];
        r->box_hi[d] = hi[d];
    }
    r->n_mmask = r->n_imask;
    r->img = t->img;
    r->imask = t->mask;
    r->mmask = t->mask;
    r->grey = t->grey;
    r->n_grey = gmax;
    r->ivh = t->ivh;
    r->ivh_min = r->n_imask ? imin : NAN;
    r->ivh_max = r->n_imask ? imax : NAN;
}

static void troi_free(troi *t)
{
    free(t->img);
    free(t->mask);
    free(t->grey);
    free(t->ivh);
}

static void run_family(vx_family_fn fn, const vx_roi *roi, const vx_feature_settings *fs, vx_results *res)
{
    vx_error err;
    vx_error_clear(&err);
    int rc = fn(roi, fs, res, &err);
    if (rc != VX_OK)
        fail_msg("family failed: %s", err.msg);
}

/* All four families into res (initialised here). */
static void run_all(const vx_roi *roi, int threads, vx_results *res)
{
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    fs.threads = threads;
    vx_results_init(res);
    run_family(vx_local_compute, roi, &fs, res);
    run_family(vx_stat_compute, roi, &fs, res);
    run_family(vx_ih_compute, roi, &fs, res);
    run_family(vx_ivh_compute, roi, &fs, res);
}

static double get(const vx_results *r, vx_feature_id f)
{
    return vx_results_get(r, f, VX_AGG_NONE);
}

#define ASSERT_NEAR(x, ref, tol)                                                                             \
    do {                                                                                                     \
        double x_ = (x), r_ = (ref);                                                                         \
        if (!(fabs(x_ - r_) <= (tol)))                                                                       \
            fail_msg("%s = %.17g, expected %.17g (line %d)", #x, x_, r_, __LINE__);                        \
    } while (0)

#define ASSERT_NAN(x)                                                                                        \
    do {                                                                                                     \
        double x_ = (x);                                                                                     \
        if (!isnan(x_))                                                                                      \
            fail_msg("%s = %.17g, expected NaN (line %d)", #x, x_, __LINE__);                              \
    } while (0)

/* ---- the IBSI 1 digital phantom: 5 x 4 x 4 voxels (x y z), 2 mm, index x + 5 (y + 4 z) ------------------ */
static const float phantom_img[80] = {
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

/* IBSI 1 reference values (digital phantom, tolerance 0: match to 3 significant digits). */
typedef struct refval {
    vx_feature_id id;
    double ref;
} refval;

static const refval phantom_refs[] = {
    {VX_F_LOC_PEAK_LOC, 2.6},      {VX_F_LOC_PEAK_GLOB, 3.1},

    {VX_F_STAT_MEAN, 2.15},        {VX_F_STAT_VAR, 3.05},        {VX_F_STAT_SKEW, 1.08},
    {VX_F_STAT_KURT, -0.355},      {VX_F_STAT_MEDIAN, 1},        {VX_F_STAT_MIN, 1},
    {VX_F_STAT_P10, 1},            {VX_F_STAT_P90, 4},           {VX_F_STAT_MAX, 6},
    {VX_F_STAT_IQR, 3},            {VX_F_STAT_RANGE, 5},         {VX_F_STAT_MAD, 1.55},
    {VX_F_STAT_RMAD, 1.11},        {VX_F_STAT_MEDAD, 1.15},      {VX_F_STAT_COV, 0.812},
    {VX_F_STAT_QCOD, 0.6},         {VX_F_STAT_ENERGY, 567},      {VX_F_STAT_RMS, 2.77},

    {VX_F_IH_MEAN, 2.15},          {VX_F_IH_VAR, 3.05},          {VX_F_IH_SKEW, 1.08},
    {VX_F_IH_KURT, -0.355},        {VX_F_IH_MEDIAN, 1},          {VX_F_IH_MIN, 1},
    {VX_F_IH_P10, 1},              {VX_F_IH_P90, 4},             {VX_F_IH_MAX, 6},
    {VX_F_IH_MODE, 1},             {VX_F_IH_IQR, 3},             {VX_F_IH_RANGE, 5},
    {VX_F_IH_MAD, 1.55},           {VX_F_IH_RMAD, 1.11},         {VX_F_IH_MEDAD, 1.15},
    {VX_F_IH_COV, 0.812},          {VX_F_IH_QCOD, 0.6},          {VX_F_IH_ENTROPY, 1.27},
    {VX_F_IH_UNIFORMITY, 0.512},   {VX_F_IH_MAX_GRAD, 8},        {VX_F_IH_MAX_GRAD_G, 3},
    {VX_F_IH_MIN_GRAD, -50},       {VX_F_IH_MIN_GRAD_G, 1},

    {VX_F_IVH_V10, 0.324},         {VX_F_IVH_V90, 0.0946},       {VX_F_IVH_I10, 5},
    {VX_F_IVH_I90, 2},             {VX_F_IVH_DIFF_V10_V90, 0.23}, {VX_F_IVH_DIFF_I10_I90, 3},
};

static void phantom_roi(troi *t)
{
    troi_init(t, 5, 4, 4, 2.0, 2.0, 2.0, phantom_img, phantom_mask, NULL);
    assert_int_equal(t->roi.n_imask, 74);
    assert_int_equal(t->roi.n_grey, 6);
    assert_true(t->roi.ivh_min == 1.0 && t->roi.ivh_max == 6.0);
}

static void test_phantom_literal(void **state)
{
    (void)state;
    troi t;
    phantom_roi(&t);
    vx_results res;
    run_all(&t.roi, 1, &res);
    assert_int_equal(sizeof phantom_refs / sizeof phantom_refs[0], 2 + 18 + 23 + 6);
    for (size_t i = 0; i < sizeof phantom_refs / sizeof phantom_refs[0]; i++) {
        double x = get(&res, phantom_refs[i].id);
        if (!vx_test_ibsi_match(x, phantom_refs[i].ref, 0.0))
            fail_msg("%s = %.10g, reference %g", vx_feature_get(phantom_refs[i].id)->tag, x, phantom_refs[i].ref);
    }
    /* exact values derived by hand: 50 voxels of 1, 1 of 3, 16 of 4, 7 of 6 (N_v = 74) */
    ASSERT_NEAR(get(&res, VX_F_STAT_MEAN), 159.0 / 74.0, 1e-14);
    ASSERT_NEAR(get(&res, VX_F_STAT_ENERGY), 567.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_LOC_PEAK_LOC), 2.6, 1e-14);
    ASSERT_NEAR(get(&res, VX_F_IVH_V10), 24.0 / 74.0, 1e-15);
    ASSERT_NEAR(get(&res, VX_F_IVH_V90), 7.0 / 74.0, 1e-15);
    /* AUC: gamma steps 0.2 over levels 1..6, nu = 1, 24/74, 24/74, 23/74, 7/74, 7/74:
     * 0.1 [(1 + 24/74) + 48/74 + 47/74 + 30/74 + 14/74] = 0.1 (1 + 163/74) = 23.7/74 */
    ASSERT_NEAR(get(&res, VX_F_IVH_AUC), 23.7 / 74.0, 1e-14);
    vx_results_free(&res);
    troi_free(&t);
}

static void test_phantom_csv(void **state)
{
    (void)state;
    FILE *fp = fopen(vx_test_data("ibsi/ibsi1/reference_values.csv"), "r");
    if (!fp) {
        skip();
        return;
    }
    troi t;
    phantom_roi(&t);
    vx_results res;
    run_all(&t.roi, 2, &res);
    char line[4096];
    int checked = 0;
    while (fgets(line, sizeof line, fp)) {
        char *f[20];
        int nf = vx_test_csv_split(line, f, 20);
        if (nf < 11 || strcmp(f[0], "digital_phantom") != 0 || f[9][0] == '\0')
            continue;
        for (int id = VX_F_LOC_PEAK_LOC; id <= VX_F_IVH_AUC; id++) {
            if (strcmp(vx_feature_get((vx_feature_id)id)->tag, f[8]) != 0)
                continue;
            double ref = strtod(f[9], NULL), tol = strtod(f[10], NULL);
            double x = get(&res, (vx_feature_id)id);
            if (!vx_test_ibsi_match(x, ref, tol))
                fail_msg("%s = %.10g, reference %g +- %g", f[8], x, ref, tol);
            checked++;
        }
    }
    fclose(fp);
    assert_int_equal(checked, 2 + 18 + 23 + 6);
    vx_results_free(&res);
    troi_free(&t);
}

/* ---- hand-derived small cases --------------------------------------------------------------------------- */

/* Intensities {1, 2, 3, 4, 10} inside a 3 x 2 x 2 grid (the sixth voxel, value 999, lies outside the mask).
 *   mean 4; deviations -3 -2 -1 0 6: m2 = 50/5 = 10, m3 = (-27 - 8 - 1 + 216)/5 = 36,
 *   m4 = (81 + 16 + 1 + 1296)/5 = 278.8; skew = 36 / 10^1.5; kurt = 278.8 / 100 - 3 = -0.212.
 *   Percentiles (type 7, h = 4 p): P10 = 1 + 0.4 (2 - 1) = 1.4, P25 = 2, P50 = 3, P75 = 4,
 *   P90 = 4 + 0.6 (10 - 4) = 7.6; IQR 2, QCOD 2/6, range 9.
 *   MAD = (3 + 2 + 1 + 0 + 6)/5 = 2.4; robust set {2, 3, 4}: mean 3, RMAD = 2/3;
 *   MedAD = (2 + 1 + 0 + 1 + 7)/5 = 2.2; CoV = sqrt(10)/4; energy 130; RMS sqrt(26). */
static void test_stat_hand(void **state)
{
    (void)state;
    const float img[12] = {1, 2, 3, 4, 10, 999, 999, 999, 999, 999, 999, 999};
    const uint8_t mask[12] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
    troi t;
    troi_init(&t, 3, 2, 2, 1.0, 1.0, 1.0, img, mask, NULL);
    vx_results res;
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    vx_results_init(&res);
    run_family(vx_stat_compute, &t.roi, &fs, &res);
    const double e = 1e-13;
    ASSERT_NEAR(get(&res, VX_F_STAT_MEAN), 4.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_VAR), 10.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_SKEW), 36.0 / pow(10.0, 1.5), e);
    ASSERT_NEAR(get(&res, VX_F_STAT_KURT), -0.212, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_MEDIAN), 3.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_MIN), 1.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_P10), 1.4, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_P90), 7.6, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_MAX), 10.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_IQR), 2.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_RANGE), 9.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_MAD), 2.4, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_RMAD), 2.0 / 3.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_MEDAD), 2.2, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_COV), sqrt(10.0) / 4.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_QCOD), 1.0 / 3.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_ENERGY), 130.0, e);
    ASSERT_NEAR(get(&res, VX_F_STAT_RMS), sqrt(26.0), e);
    vx_results_free(&res);
    troi_free(&t);
}

/* Percentiles by selection against a sorted reference on random, heavily tied and distinct data. */
static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_quantiles(void **state)
{
    (void)state;
    const double probs[5] = {0.10, 0.25, 0.50, 0.75, 0.90};
    uint32_t s = 12345u;
    for (size_t n = 1; n < 30000; n = n * 3 + 1) {
        for (int kind = 0; kind < 4; kind++) {
            double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
            assert_non_null(a);
            assert_non_null(b);
            for (size_t i = 0; i < n; i++) {
                s = s * 1664525u + 1013904223u;
                /* uniform; heavily tied; distinct; skewed (one outlier squeezes the rest into one bucket) */
                a[i] = kind == 0   ? (double)(s >> 8) / 16777216.0
                       : kind == 1 ? (double)((s >> 16) % 7)
                       : kind == 2 ? (double)i
                                   : (i == 0 ? 1e9 : (double)(s >> 8) / 16777216.0);
                b[i] = a[i];
            }
            qsort(b, n, sizeof *b, cmp_d);
            double q[5];
            assert_int_equal(vx_quantiles(a, n, probs, 5, q), VX_OK);
            for (int k = 0; k < 5; k++) {
                double h = (double)(n - 1) * probs[k];
                size_t f = (size_t)floor(h);
                double ref = b[f] + (f + 1 < n ? (h - (double)f) * (b[f + 1] - b[f]) : 0.0);
                ASSERT_NEAR(q[k], ref, 1e-12);
            }
            free(a);
            free(b);
        }
    }
}

/* Grey levels {1, 1, 2, 2, 2, 3, 5}, N_g = 5: histogram n = (2, 3, 1, 0, 1), N_v = 7.
 *   mean = 16/7; E[i^2] = 48/7, var = 48/7 - 256/49 = 80/49.
 *   deviations i - mu = -9/7, -2/7, 5/7, 19/7 (counts 2, 3, 1, 1):
 *   m3 = (2(-729) + 3(-8) + 125 + 6859) / 7^4 = 5502/2401, m4 = (2(6561) + 3(16) + 625 + 130321) / 7^5
 *   = 144116/16807; skew = m3 / var^1.5; kurt = m4 / var^2 - 3 = 144116/44800 - 3.
 *   sorted: 1 1 2 2 2 3 5, h = 6 p: P10 = 1 (h 0.6), P25 = 1.5 (h 1.5), P50 = 2, P75 = 2.5 (h 4.5),
 *   P90 = 3 + 0.4 (5 - 3) = 3.8 (h 5.4). IQR 1, QCOD 1/4, range 4, mode 2 (count 3).
 *   MAD = (2 (9/7) + 3 (2/7) + 5/7 + 19/7) / 7 = 48/49; MedAD = (2 + 0 + 1 + 3)/7 = 6/7;
 *   robust set {1, 1, 2, 2, 2, 3}: mean 11/6, RMAD = (2 (5/6) + 3 (1/6) + 7/6) / 6 = 5/9.
 *   entropy = -(2/7 log2 2/7 + 3/7 log2 3/7 + 2 (1/7 log2 1/7)); uniformity = (4 + 9 + 1 + 1)/49.
 *   gradient H' = (3 - 2, (1 - 2)/2, (0 - 3)/2, (1 - 1)/2, 1 - 0) = (1, -0.5, -1.5, 0, 1):
 *   max 1 first at level 1 (tie with level 5), min -1.5 at level 3. */
static void test_ih_hand(void **state)
{
    (void)state;
    const float img[8] = {1, 1, 2, 2, 2, 3, 5, 0};
    const uint8_t mask[8] = {1, 1, 1, 1, 1, 1, 1, 0};
    troi t;
    troi_init(&t, 2, 2, 2, 1.0, 1.0, 1.0, img, mask, NULL);
    assert_int_equal(t.roi.n_grey, 5);
    vx_results res;
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    vx_results_init(&res);
    run_family(vx_ih_compute, &t.roi, &fs, &res);
    const double e = 1e-13, var = 80.0 / 49.0;
    ASSERT_NEAR(get(&res, VX_F_IH_MEAN), 16.0 / 7.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_VAR), var, e);
    ASSERT_NEAR(get(&res, VX_F_IH_SKEW), (5502.0 / 2401.0) / pow(var, 1.5), e);
    ASSERT_NEAR(get(&res, VX_F_IH_KURT), 144116.0 / 44800.0 - 3.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_MEDIAN), 2.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_MIN), 1.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_P10), 1.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_P90), 3.8, e);
    ASSERT_NEAR(get(&res, VX_F_IH_MAX), 5.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_MODE), 2.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_IQR), 1.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_RANGE), 4.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_MAD), 48.0 / 49.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_RMAD), 5.0 / 9.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_MEDAD), 6.0 / 7.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_COV), sqrt(var) / (16.0 / 7.0), e);
    ASSERT_NEAR(get(&res, VX_F_IH_QCOD), 0.25, e);
    double ent = -(2.0 / 7 * log2(2.0 / 7) + 3.0 / 7 * log2(3.0 / 7) + 2.0 / 7 * log2(1.0 / 7));
    ASSERT_NEAR(get(&res, VX_F_IH_ENTROPY), ent, e);
    ASSERT_NEAR(get(&res, VX_F_IH_UNIFORMITY), 15.0 / 49.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_MAX_GRAD), 1.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_MAX_GRAD_G), 1.0, e);
    ASSERT_NEAR(get(&res, VX_F_IH_MIN_GRAD), -1.5, e);
    ASSERT_NEAR(get(&res, VX_F_IH_MIN_GRAD_G), 3.0, e);
    vx_results_free(&res);
    troi_free(&t);
}

/* Mode ties: {1, 1, 3, 3, 4} (mean 2.4): levels 1 and 3 both occur twice, 3 is closer -> 3.
 * {1, 1, 3, 3} (mean 2): equidistant -> the lower level 1. */
static void test_ih_mode_ties(void **state)
{
    (void)state;
    const float a[8] = {1, 1, 3, 3, 4, 0, 0, 0};
    const uint8_t ma[8] = {1, 1, 1, 1, 1, 0, 0, 0};
    const uint8_t mb[8] = {1, 1, 1, 1, 0, 0, 0, 0};
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    troi t;
    vx_results res;
    troi_init(&t, 2, 2, 2, 1.0, 1.0, 1.0, a, ma, NULL);
    vx_results_init(&res);
    run_family(vx_ih_compute, &t.roi, &fs, &res);
    ASSERT_NEAR(get(&res, VX_F_IH_MODE), 3.0, 0.0);
    vx_results_free(&res);
    troi_free(&t);
    troi_init(&t, 2, 2, 2, 1.0, 1.0, 1.0, a, mb, NULL);
    t.roi.n_grey = 4; /* histogram 1..4 with level 4 absent */
    vx_results_init(&res);
    run_family(vx_ih_compute, &t.roi, &fs, &res);
    ASSERT_NEAR(get(&res, VX_F_IH_MODE), 1.0, 0.0);
    /* H = (2, 0, 2, 0): H' = (-2, 0, 0, -2): max 0 first at 2, min -2 first at 1 */
    ASSERT_NEAR(get(&res, VX_F_IH_MAX_GRAD), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IH_MAX_GRAD_G), 2.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IH_MIN_GRAD), -2.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IH_MIN_GRAD_G), 1.0, 0.0);
    vx_results_free(&res);
    troi_free(&t);
}

/* IVH of {1, 1, 2, 2, 2, 3, 5}, G = [1, 5], w_d = 1: levels 1..5 with gamma = 0, 0.25, 0.5, 0.75, 1 and
 * nu = 1, 5/7, 2/7, 1/7, 1/7. V10 = nu(2) = 5/7 (first gamma >= 0.1), V90 = nu(5) = 1/7.
 * I90 = 2 (first nu <= 0.9); no level has nu <= 0.1 (1/7 > 0.1), so I10 = max G + w_d = 6.
 * AUC = 0.25 [(1 + 5/7) + (5/7 + 2/7) + (2/7 + 1/7) + (1/7 + 1/7)] / 2 = 0.125 (24/7) = 3/7.
 * The same data as fixed-bin-size bin centres (w_b = 2.5 from -1000, X_d = 1..5 -> -998.75 + 2.5 (X_d - 1)),
 * G = [-998.75, -988.75]: identical fractions, I90 = -996.25, I10 = -986.25. */
static void test_ivh_hand(void **state)
{
    (void)state;
    const float img[8] = {1, 1, 2, 2, 2, 3, 5, 0};
    const uint8_t mask[8] = {1, 1, 1, 1, 1, 1, 1, 0};
    troi t;
    troi_init(&t, 2, 2, 2, 1.0, 1.0, 1.0, img, mask, NULL);
    vx_results res;
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    vx_results_init(&res);
    run_family(vx_ivh_compute, &t.roi, &fs, &res);
    const double e = 1e-14;
    ASSERT_NEAR(get(&res, VX_F_IVH_V10), 5.0 / 7.0, e);
    ASSERT_NEAR(get(&res, VX_F_IVH_V90), 1.0 / 7.0, e);
    ASSERT_NEAR(get(&res, VX_F_IVH_I10), 6.0, e);
    ASSERT_NEAR(get(&res, VX_F_IVH_I90), 2.0, e);
    ASSERT_NEAR(get(&res, VX_F_IVH_DIFF_V10_V90), 4.0 / 7.0, e);
    ASSERT_NEAR(get(&res, VX_F_IVH_DIFF_I10_I90), 4.0, e);
    ASSERT_NEAR(get(&res, VX_F_IVH_AUC), 3.0 / 7.0, e);
    vx_results_free(&res);

    /* continuous case: bin centres, w_d = 2.5 */
    for (int k = 0; k < 7; k++)
        t.ivh[k] = -1000.0 + (img[k] - 0.5) * 2.5;
    t.roi.ivh_min = -998.75;
    t.roi.ivh_max = -988.75;
    double out[VX_IVH_NF];
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_ivh_eval(&t.roi, 2.5, out, &err), VX_OK);
    ASSERT_NEAR(out[0], 5.0 / 7.0, e);
    ASSERT_NEAR(out[1], 1.0 / 7.0, e);
    ASSERT_NEAR(out[2], -986.25, e);
    ASSERT_NEAR(out[3], -996.25, e);
    ASSERT_NEAR(out[4], 4.0 / 7.0, e);
    ASSERT_NEAR(out[5], 10.0, e);
    ASSERT_NEAR(out[6], 3.0 / 7.0, e);

    /* a range wider than the data (re-segmentation range [0, 10], w_d = 1): levels 0..10, gamma = i/10;
     * nu(0) = nu(1) = 1, nu(2) = 5/7, nu(3) = 2/7, nu(4) = nu(5) = 1/7, nu(6..10) = 0.
     * V10 = nu(1) = 1, V90 = nu(9) = 0, I10 = 6, I90 = 2. */
    for (int k = 0; k < 7; k++)
        t.ivh[k] = img[k];
    t.roi.ivh_min = 0.0;
    t.roi.ivh_max = 10.0;
    assert_int_equal(vx_ivh_eval(&t.roi, 1.0, out, &err), VX_OK);
    ASSERT_NEAR(out[0], 1.0, e);
    ASSERT_NEAR(out[1], 0.0, e);
    ASSERT_NEAR(out[2], 6.0, e);
    ASSERT_NEAR(out[3], 2.0, e);

    /* invalid range */
    t.roi.ivh_min = 3.0;
    t.roi.ivh_max = 2.0;
    assert_int_equal(vx_ivh_eval(&t.roi, 1.0, out, &err), VX_EINVAL);
    troi_free(&t);
}

/* Brute-force sphere mean for the local intensity tests. */
static double brute_mean(const troi *t, size_t cx, size_t cy, size_t cz, double r)
{
    const vx_roi *R = &t->roi;
    double s = 0.0;
    long n = 0;
    for (size_t z = 0; z < R->dims[2]; z++)
        for (size_t y = 0; y < R->dims[1]; y++)
            for (size_t x = 0; x < R->dims[0]; x++) {
                double dx = ((double)x - (double)cx) * R->spacing[0], dy = ((double)y - (double)cy) * R->spacing[1],
                       dz = ((double)z - (double)cz) * R->spacing[2];
                if (dx * dx + dy * dy + dz * dz <= r * r) {
                    s += t->img[x + R->dims[0] * (y + R->dims[1] * z)];
                    n++;
                }
            }
    return s / (double)n;
}

/* 5 x 5 x 5 grid of 5 mm voxels: r = 6.2035 mm keeps the centre and its 6 face neighbours (5 mm) and drops
 * the edge neighbours (7.07 mm).
 *   A = (2,2,2) = 10 with face neighbours 1: mean (10 + 6)/7 = 16/7.
 *   B = (0,0,0) = 10 with its 3 in-grid face neighbours 4: mean (10 + 12)/4 = 5.5.
 *   C = (4,4,4) = 9 with its 3 in-grid face neighbours 9: mean 9.
 * Local peak: the maximum 10 occurs at A and B -> the higher mean, 5.5. Global peak: 9 (at C).
 * With C outside the intensity mask, the global peak is the next best centre; B gives 5.5 and
 * C's neighbour (3,4,4) gives (9 + 9 + 0 + 0 + 0)/5 = 3.6, so 5.5. */
static void test_local_hand(void **state)
{
    (void)state;
    float img[125] = {0};
    uint8_t mask[125];
    memset(mask, 1, sizeof mask);
#define I5(x, y, z) ((x) + 5 * ((y) + 5 * (z)))
    img[I5(2, 2, 2)] = 10;
    img[I5(1, 2, 2)] = img[I5(3, 2, 2)] = img[I5(2, 1, 2)] = img[I5(2, 3, 2)] = img[I5(2, 2, 1)] =
        img[I5(2, 2, 3)] = 1;
    img[I5(0, 0, 0)] = 10;
    img[I5(1, 0, 0)] = img[I5(0, 1, 0)] = img[I5(0, 0, 1)] = 4;
    img[I5(4, 4, 4)] = img[I5(3, 4, 4)] = img[I5(4, 3, 4)] = img[I5(4, 4, 3)] = 9;
    troi t;
    troi_init(&t, 5, 5, 5, 5.0, 5.0, 5.0, img, mask, NULL);
    vx_results res;
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    vx_results_init(&res);
    run_family(vx_local_compute, &t.roi, &fs, &res);
    ASSERT_NEAR(get(&res, VX_F_LOC_PEAK_LOC), 5.5, 1e-14);
    ASSERT_NEAR(get(&res, VX_F_LOC_PEAK_GLOB), 9.0, 1e-14);
    vx_results_free(&res);
    troi_free(&t);

    mask[I5(4, 4, 4)] = 0;
    troi_init(&t, 5, 5, 5, 5.0, 5.0, 5.0, img, mask, NULL);
    vx_results_init(&res);
    run_family(vx_local_compute, &t.roi, &fs, &res);
    ASSERT_NEAR(get(&res, VX_F_LOC_PEAK_LOC), 5.5, 1e-14);
    ASSERT_NEAR(get(&res, VX_F_LOC_PEAK_GLOB), 5.5, 1e-14);
    vx_results_free(&res);

    /* a larger sphere (8 cm^3: r = 12.407 mm) reaches the edge neighbours (7.07 mm) and the corner
     * neighbours (8.66 mm) and the face neighbours at 10 mm: compare with brute force */
    fs.peak_volume_cc = 8.0;
    vx_results_init(&res);
    run_family(vx_local_compute, &t.roi, &fs, &res);
    double r = cbrt(3.0 * 8000.0 / (4.0 * 3.14159265358979323846));
    double best = -INFINITY;
    for (size_t k = 0; k < 125; k++)
        if (mask[k]) {
            double m = brute_mean(&t, k % 5, (k / 5) % 5, k / 25, r);
            if (m > best)
                best = m;
        }
    ASSERT_NEAR(get(&res, VX_F_LOC_PEAK_GLOB), best, 1e-12);
    vx_results_free(&res);
    troi_free(&t);
#undef I5
}

/* Random anisotropic image against brute force, for 1 and 2 threads (bit-identical). */
static void test_local_brute(void **state)
{
    (void)state;
    const size_t nx = 13, ny = 11, nz = 9, n = nx * ny * nz;
    float *img = malloc(n * sizeof *img);
    uint8_t *mask = calloc(n, 1);
    assert_non_null(img);
    assert_non_null(mask);
    uint32_t s = 777u;
    for (size_t k = 0; k < n; k++) {
        s = s * 1664525u + 1013904223u;
        img[k] = (float)((s >> 20) % 200) - 50.0f;
    }
    for (size_t z = 2; z < 7; z++)
        for (size_t y = 3; y < 9; y++)
            for (size_t x = 4; x < 10; x++) {
                s = s * 1664525u + 1013904223u;
                mask[x + nx * (y + ny * z)] = (s >> 28) % 3 != 0;
            }
    int32_t *g0 = malloc(n * sizeof *g0);
    assert_non_null(g0);
    for (size_t k = 0; k < n; k++)
        g0[k] = (int32_t)img[k] + 51; /* grey levels 1..200 */
    troi t;
    troi_init(&t, nx, ny, nz, 1.5, 2.0, 3.0, img, mask, g0);
    free(g0);
    const double r = cbrt(3.0 * 1000.0 / (4.0 * 3.14159265358979323846));
    double gbest = -INFINITY, lbest = -INFINITY, imax = -INFINITY;
    for (size_t k = 0; k < n; k++)
        if (mask[k] && img[k] > imax)
            imax = img[k];
    for (size_t k = 0; k < n; k++) {
        if (!mask[k])
            continue;
        double m = brute_mean(&t, k % nx, (k / nx) % ny, k / (nx * ny), r);
        if (m > gbest)
            gbest = m;
        if (img[k] == imax && m > lbest)
            lbest = m;
    }
    vx_results r1, r2;
    run_all(&t.roi, 1, &r1);
    run_all(&t.roi, 2, &r2);
    ASSERT_NEAR(get(&r1, VX_F_LOC_PEAK_GLOB), gbest, 1e-12);
    ASSERT_NEAR(get(&r1, VX_F_LOC_PEAK_LOC), lbest, 1e-12);
    for (int id = VX_F_LOC_PEAK_LOC; id <= VX_F_IVH_AUC; id++) {
        double a = get(&r1, (vx_feature_id)id), b = get(&r2, (vx_feature_id)id);
        assert_memory_equal(&a, &b, sizeof a);
    }
    vx_results_free(&r1);
    vx_results_free(&r2);
    troi_free(&t);
    free(img);
    free(mask);

    /* a larger ROI (> 4096 centres, so the parallel loop runs): 1 and 2 threads bit-identical */
    const size_t mx = 40, my = 36, mz = 30, mn = mx * my * mz;
    img = malloc(mn * sizeof *img);
    mask = calloc(mn, 1);
    assert_non_null(img);
    assert_non_null(mask);
    for (size_t k = 0; k < mn; k++) {
        s = s * 1664525u + 1013904223u;
        img[k] = (float)((s >> 12) % 100000) / 7.0f;
        size_t x = k % mx, y = (k / mx) % my, z = k / (mx * my);
        mask[k] = x > 3 && x < 36 && y > 2 && y < 33 && z > 1 && z < 28 && (s >> 30) != 0;
    }
    int32_t *grey = malloc(mn * sizeof *grey);
    assert_non_null(grey);
    for (size_t k = 0; k < mn; k++)
        grey[k] = 1 + (int32_t)(img[k] / 500.0f);
    troi_init(&t, mx, my, mz, 0.9, 1.1, 2.5, img, mask, grey);
    free(grey);
    assert_true(t.roi.n_imask > 4096);
    run_all(&t.roi, 1, &r1);
    run_all(&t.roi, 2, &r2);
    for (int id = VX_F_LOC_PEAK_LOC; id <= VX_F_IVH_AUC; id++) {
        double a = get(&r1, (vx_feature_id)id), b = get(&r2, (vx_feature_id)id);
        assert_memory_equal(&a, &b, sizeof a);
    }
    vx_results_free(&r1);
    vx_results_free(&r2);
    troi_free(&t);
    free(img);
    free(mask);
}

/* Interior rows of many widths (1 mm voxels, r = 6.2 mm: every sphere of the mask lies inside the grid, the
 * centres of a row are summed in blocks of 8, 4, 2 and 1): both peaks against brute force. Intensities are
 * multiples of 1/4, so every sum is exact. */
static void test_local_brute_rows(void **state)
{
    (void)state;
    const size_t nx = 36, ny = 19, nz = 18, n = nx * ny * nz;
    float *img = malloc(n * sizeof *img);
    uint8_t *mask = calloc(n, 1);
    assert_non_null(img);
    assert_non_null(mask);
    uint32_t s = 4711u;
    for (size_t k = 0; k < n; k++) {
        s = s * 1664525u + 1013904223u;
        img[k] = (float)((s >> 20) % 400) * 0.25f - 30.0f;
    }
    for (size_t z = 6; z < 12; z++)
        for (size_t y = 6; y < 13; y++) {
            /* row y: the masked span starts and ends at varying x, with holes */
            const size_t x0 = 6 + (y * 3 + z) % 5, x1 = 30 - (y + 2 * z) % 7;
            for (size_t x = x0; x < x1; x++) {
                s = s * 1664525u + 1013904223u;
                mask[x + nx * (y + ny * z)] = x == x0 || x + 1 == x1 || (s >> 29) != 0;
            }
        }
    int32_t *g0 = malloc(n * sizeof *g0);
    assert_non_null(g0);
    for (size_t k = 0; k < n; k++)
        g0[k] = 1 + (int32_t)((img[k] + 30.0f) / 4.0f);
    troi t;
    troi_init(&t, nx, ny, nz, 1.0, 1.0, 1.0, img, mask, g0);
    free(g0);
    const double r = cbrt(3.0 * 1000.0 / (4.0 * 3.14159265358979323846));
    double gbest = -INFINITY, lbest = -INFINITY, imax = -INFINITY;
    for (size_t k = 0; k < n; k++)
        if (mask[k] && img[k] > imax)
            imax = img[k];
    for (size_t k = 0; k < n; k++) {
        if (!mask[k])
            continue;
        double m = brute_mean(&t, k % nx, (k / nx) % ny, k / (nx * ny), r);
        if (m > gbest)
            gbest = m;
        if (img[k] == imax && m > lbest)
            lbest = m;
    }
    vx_results r1;
    run_all(&t.roi, 1, &r1);
    ASSERT_NEAR(get(&r1, VX_F_LOC_PEAK_GLOB), gbest, 1e-12);
    ASSERT_NEAR(get(&r1, VX_F_LOC_PEAK_LOC), lbest, 1e-12);
    vx_results_free(&r1);
    troi_free(&t);
    free(img);
    free(mask);
}

/* Constant image: both peaks equal the constant; statistics of a constant ROI. */
static void test_constant(void **state)
{
    (void)state;
    const size_t nx = 9, ny = 8, nz = 7, n = nx * ny * nz;
    float *img = malloc(n * sizeof *img);
    uint8_t *mask = calloc(n, 1);
    assert_non_null(img);
    assert_non_null(mask);
    for (size_t k = 0; k < n; k++)
        img[k] = 7.0f;
    for (size_t z = 1; z < 5; z++)
        for (size_t y = 2; y < 6; y++)
            for (size_t x = 0; x < 4; x++)
                mask[x + nx * (y + ny * z)] = 1;
    troi t;
    troi_init(&t, nx, ny, nz, 0.8, 0.9, 1.7, img, mask, NULL);
    vx_results res;
    run_all(&t.roi, 1, &res);
    ASSERT_NEAR(get(&res, VX_F_LOC_PEAK_LOC), 7.0, 1e-13);
    ASSERT_NEAR(get(&res, VX_F_LOC_PEAK_GLOB), 7.0, 1e-13);
    ASSERT_NEAR(get(&res, VX_F_STAT_MEAN), 7.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_VAR), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_SKEW), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_KURT), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_IQR), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_QCOD), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_COV), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_RMAD), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_ENERGY), 64.0 * 49.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IH_ENTROPY), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IH_UNIFORMITY), 1.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IH_MODE), 7.0, 0.0);
    /* n_grey = 7, only level 7 present: H' = (0, ..., 0, (0 - 0)/2 at 6 ... ) -> H'_6 = 32, H'_7 = 64 */
    ASSERT_NEAR(get(&res, VX_F_IH_MAX_GRAD), 64.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IH_MAX_GRAD_G), 7.0, 0.0);
    /* one IVH level: gamma undefined -> V NaN; AUC 0; nu(7) = 1 > 0.1 -> I = 7 + 1 */
    ASSERT_NAN(get(&res, VX_F_IVH_V10));
    ASSERT_NAN(get(&res, VX_F_IVH_V90));
    ASSERT_NEAR(get(&res, VX_F_IVH_I10), 8.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IVH_I90), 8.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IVH_AUC), 0.0, 0.0);
    vx_results_free(&res);
    troi_free(&t);
    free(img);
    free(mask);
}

/* One-voxel ROI: nothing crashes; defined features take their degenerate values. */
static void test_one_voxel(void **state)
{
    (void)state;
    float img[27];
    uint8_t mask[27] = {0};
    for (int k = 0; k < 27; k++)
        img[k] = (float)(k % 5 + 1);
    mask[13] = 1; /* centre (1,1,1), value 13 % 5 + 1 = 4 */
    troi t;
    troi_init(&t, 3, 3, 3, 1.0, 1.0, 1.0, img, mask, NULL);
    t.roi.n_grey = 1;
    t.grey[13] = 1;
    vx_results res;
    run_all(&t.roi, 1, &res);
    assert_int_equal(res.n, 2 + 18 + 23 + 7);
    /* whole 3x3x3 grid lies within r = 6.2 mm of the centre: mean of all 27 values */
    double s = 0.0;
    for (int k = 0; k < 27; k++)
        s += img[k];
    ASSERT_NEAR(get(&res, VX_F_LOC_PEAK_LOC), s / 27.0, 1e-14);
    ASSERT_NEAR(get(&res, VX_F_LOC_PEAK_GLOB), s / 27.0, 1e-14);
    ASSERT_NEAR(get(&res, VX_F_STAT_MEAN), 4.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_VAR), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_SKEW), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_P10), 4.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_P90), 4.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_MEDAD), 0.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_STAT_RMS), 4.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IH_MEAN), 1.0, 0.0);
    ASSERT_NEAR(get(&res, VX_F_IH_RANGE), 0.0, 0.0);
    ASSERT_NAN(get(&res, VX_F_IH_MAX_GRAD));
    ASSERT_NAN(get(&res, VX_F_IH_MIN_GRAD_G));
    ASSERT_NAN(get(&res, VX_F_IVH_V10));
    ASSERT_NEAR(get(&res, VX_F_IVH_AUC), 0.0, 0.0);
    vx_results_free(&res);
    troi_free(&t);
}

/* Empty intensity mask: every value NaN, no error. */
static void test_empty(void **state)
{
    (void)state;
    float img[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint8_t mask[8] = {0};
    troi t;
    troi_init(&t, 2, 2, 2, 1.0, 1.0, 1.0, img, mask, NULL);
    vx_results res;
    run_all(&t.roi, 1, &res);
    assert_int_equal(res.n, 2 + 18 + 23 + 7);
    for (size_t i = 0; i < res.n; i++)
        ASSERT_NAN(res.rows[i].value);
    vx_results_free(&res);
    troi_free(&t);
}

/* Translation invariance: the phantom with a 4-voxel (8 mm > r) border of value 2, then that block moved to
 * another place of a larger grid filled with 100 (beyond r of every ROI voxel), gives identical values.
 * The statistics / histogram families are also compared with the bare phantom. */
static void embed(const float *src, const uint8_t *msk, size_t sx, size_t sy, size_t sz, float *dst,
                  uint8_t *dmsk, size_t dx, size_t dy, size_t ox, size_t oy, size_t oz)
{
    for (size_t z = 0; z < sz; z++)
        for (size_t y = 0; y < sy; y++)
            for (size_t x = 0; x < sx; x++) {
                size_t d = (x + ox) + dx * ((y + oy) + dy * (z + oz));
                dst[d] = src[x + sx * (y + sy * z)];
                dmsk[d] = msk[x + sx * (y + sy * z)];
            }
}

static void test_translation(void **state)
{
    (void)state;
    /* block A: 13 x 12 x 12, phantom at (4, 4, 4) */
    const size_t ax = 13, ay = 12, az = 12, an = ax * ay * az;
    float *aimg = malloc(an * sizeof *aimg);
    uint8_t *amsk = calloc(an, 1);
    /* grid B: 20 x 18 x 19, block A at (5, 2, 6) */
    const size_t bx = 20, by = 18, bz = 19, bn = bx * by * bz;
    float *bimg = malloc(bn * sizeof *bimg);
    uint8_t *bmsk = calloc(bn, 1);
    assert_true(aimg && amsk && bimg && bmsk);
    for (size_t k = 0; k < an; k++)
        aimg[k] = 2.0f;
    for (size_t k = 0; k < bn; k++)
        bimg[k] = 100.0f;
    embed(phantom_img, phantom_mask, 5, 4, 4, aimg, amsk, ax, ay, 4, 4, 4);
    embed(aimg, amsk, ax, ay, az, bimg, bmsk, bx, by, 5, 2, 6);

    troi p, a, b;
    phantom_roi(&p);
    troi_init(&a, ax, ay, az, 2.0, 2.0, 2.0, aimg, amsk, NULL);
    troi_init(&b, bx, by, bz, 2.0, 2.0, 2.0, bimg, bmsk, NULL);
    vx_results rp, ra, rb;
    run_all(&p.roi, 1, &rp);
    run_all(&a.roi, 1, &ra);
    run_all(&b.roi, 2, &rb);
    for (int id = VX_F_LOC_PEAK_LOC; id <= VX_F_IVH_AUC; id++) {
        double va = get(&ra, (vx_feature_id)id), vb = get(&rb, (vx_feature_id)id);
        if (memcmp(&va, &vb, sizeof va) != 0)
            fail_msg("%s: %.17g vs %.17g", vx_feature_get((vx_feature_id)id)->tag, va, vb);
        if (id >= VX_F_STAT_MEAN) {
            double vp = get(&rp, (vx_feature_id)id);
            if (memcmp(&va, &vp, sizeof va) != 0)
                fail_msg("%s: %.17g vs phantom %.17g", vx_feature_get((vx_feature_id)id)->tag, va, vp);
        }
    }
    /* the interior (row-vectorised) path against brute force */
    const double r = cbrt(3.0 * 1000.0 / (4.0 * 3.14159265358979323846));
    double gbest = -INFINITY;
    for (size_t k = 0; k < an; k++)
        if (amsk[k]) {
            double m = brute_mean(&a, k % ax, (k / ax) % ay, k / (ax * ay), r);
            gbest = m > gbest ? m : gbest;
        }
    ASSERT_NEAR(get(&ra, VX_F_LOC_PEAK_GLOB), gbest, 1e-13);
    /* the border changes the local peaks of the bare phantom (voxels outside the phantom now exist) */
    assert_true(get(&ra, VX_F_LOC_PEAK_GLOB) != get(&rp, VX_F_LOC_PEAK_GLOB));
    vx_results_free(&rp);
    vx_results_free(&ra);
    vx_results_free(&rb);
    troi_free(&p);
    troi_free(&a);
    troi_free(&b);
    free(aimg);
    free(amsk);
    free(bimg);
    free(bmsk);
}

/* Bad grey level -> VX_EINVAL with a message, no crash. */
static void test_bad_grey(void **state)
{
    (void)state;
    troi t;
    phantom_roi(&t);
    t.roi.n_grey = 5; /* level 6 present */
    vx_results res;
    vx_results_init(&res);
    vx_feature_settings fs;
    vx_feature_settings_default(&fs);
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_ih_compute(&t.roi, &fs, &res, &err), VX_EINVAL);
    assert_true(strlen(err.msg) > 0);
    vx_results_free(&res);
    troi_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phantom_literal), cmocka_unit_test(test_phantom_csv),
        cmocka_unit_test(test_stat_hand),       cmocka_unit_test(test_quantiles),
        cmocka_unit_test(test_ih_hand),         cmocka_unit_test(test_ih_mode_ties),
        cmocka_unit_test(test_ivh_hand),        cmocka_unit_test(test_local_hand),
        cmocka_unit_test(test_local_brute),
        cmocka_unit_test(test_local_brute_rows),     cmocka_unit_test(test_constant),
        cmocka_unit_test(test_one_voxel),       cmocka_unit_test(test_empty),
        cmocka_unit_test(test_translation),     cmocka_unit_test(test_bad_grey),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
