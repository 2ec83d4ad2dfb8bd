/* PyRadiomics image types (src/filter/pyrad_maps.c, pyrad_lbp.c): square, square root, logarithm,
 * exponential, gradient, LBP2D, LBP3D.
 *
 * External reference: PyRadiomics' own first-order values of brain1 on its square, squareroot, logarithm,
 * exponential and gradient images ($VOXOMICS_DATA/pyradiomics/filters/reference_brain1.csv, made with
 * PyRadiomics' RadiomicsFeatureExtractor and ITK's GradientMagnitudeImageFilter). The test filters the whole
 * image, then computes Mean, Minimum, Maximum, Variance and Median over label 1 as PyRadiomics defines them
 * (mean of the voxels; population variance; median the mean of the two middle values for an even count).
 * Other checks are hand-derived from the documented formulas (arithmetic next to each check).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <complex.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/filter.h"
#include "voxomics/voxomics.h"
#include "vx_test.h"

#define PI 3.14159265358979323846

/* ---- helpers ------------------------------------------------------------------------------------------- */

static void spec(vx_filter_spec *f, vx_filter_kind k)
{
    vx_filter_spec_init(f);
    f->kind = k;
}

/* apply f to in (dims, spacing 1 unless sp) into a new array */
static double *apply(const vx_filter_spec *f, const double *in, const size_t dims[3], const double *sp)
{
    const double one[3] = {1, 1, 1};
    const size_t n = dims[0] * dims[1] * dims[2];
    double *out = malloc(n * sizeof *out);
    assert_non_null(out);
    vx_error err;
    vx_error_clear(&err);
    int rc = vx_filter_apply(NULL, f, in, dims, sp ? sp : one, out, &err);
    if (rc != VX_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    return out;
}

/* the value of `name` in reference_brain1.csv */
static double csv_ref(const char *csv, const char *name)
{
    char key[256];
    snprintf(key, sizeof key, "\n%s,", name);
    const char *p = strstr(csv, key);
    if (!p)
        print_error("%s not in reference_brain1.csv\n", name);
    assert_non_null(p);
    return strtod(p + strlen(key), NULL);
}

static int cmp_dbl(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct stats {
    double mean, min, max, var, median;
} stats;

/* PyRadiomics' first-order Mean, Minimum, Maximum, Variance (population), Median over v[0..n) */
static stats first_order(double *v, size_t n)
{
    stats s;
    long double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    s.mean = (double)(sum / (long double)n);
    long double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += ((long double)v[i] - s.mean) * ((long double)v[i] - s.mean);
    s.var = (double)(ss / (long double)n);
    qsort(v, n, sizeof *v, cmp_dbl);
    s.min = v[0];
    s.max = v[n - 1];
    s.median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    return s;
}

static double worst_rel; /* largest relative deviation seen in the brain1 test */

static void near_rel(double x, double ref, double tol, const char *what)
{
    const double d = fabs(x - ref) / fmax(fabs(ref), 1e-300);
    if (d > worst_rel)
        worst_rel = d;
    if (!(d <= tol))
        print_error("%s: %.17g, reference %.17g, relative deviation %.3g > %.3g\n", what, x, ref, d, tol);
    assert_true(d <= tol);
}

/* ---- brain1 against PyRadiomics ---------------------------------------------------------------------- */

static void brain1_check(const char *csv, const vx_image *img, const vx_image *lab, const double *in,
                         vx_filter_kind kind, const char *prefix, double tol, int as_float)
{
    vx_filter_spec f;
    spec(&f, kind);
    const size_t *dims = img->geom.dims;
    const size_t n = vx_geometry_count(&img->geom);
    double *out = apply(&f, in, dims, img->geom.spacing);
    double *roi = malloc(n * sizeof *roi);
    assert_non_null(roi);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (lab->v[i] == 1.0f)
            roi[m++] = as_float ? (double)(float)out[i] : out[i];
    assert_int_equal(m, 4137); /* README: label 1 holds 4,137 voxels */
    stats s = first_order(roi, m);
    char name[128];
    const char *feat[5] = {"Mean", "Minimum", "Maximum", "Variance", "Median"};
    const double val[5] = {s.mean, s.min, s.max, s.var, s.median};
    double worst = 0;
    for (int k = 0; k < 5; k++) {
        snprintf(name, sizeof name, "%s_firstorder_%s", prefix, feat[k]);
        const double ref = csv_ref(csv, name);
        const double d = fabs(val[k] - ref) / fabs(ref);
        if (d > worst)
            worst = d;
        near_rel(val[k], ref, tol, name);
    }
    print_message("brain1 %s%s: worst relative deviation from PyRadiomics %.3g\n", prefix,
                  as_float ? " (map rounded to float32)" : "", worst);
    free(roi);
    free(out);
}

static void test_brain1_reference(void **state)
{
    (void)state;
    vx_image *img = NULL, *lab = NULL;
    vx_error err;
    char path[4096];
    snprintf(path, sizeof path, "%s", vx_test_data("pyradiomics/brain1_image.nrrd"));
    assert_int_equal(vx_image_read(path, &img, &err), VX_OK);
    snprintf(path, sizeof path, "%s", vx_test_data("pyradiomics/brain1_label.nrrd"));
    assert_int_equal(vx_image_read(path, &lab, &err), VX_OK);
    char *csv = vx_test_slurp(vx_test_data("pyradiomics/filters/reference_brain1.csv"), NULL);
    assert_non_null(csv);
    const size_t n = vx_geometry_count(&img->geom);
    double *in = malloc(n * sizeof *in);
    assert_non_null(in);
    for (size_t i = 0; i < n; i++)
        in[i] = img->v[i];
    /* the voxel-wise maps: PyRadiomics computes them in float64 as here; only summation order differs */
    brain1_check(csv, img, lab, in, VX_FILTER_SQUARE, "square", 1e-12, 0);
    brain1_check(csv, img, lab, in, VX_FILTER_SQUAREROOT, "squareroot", 1e-12, 0);
    brain1_check(csv, img, lab, in, VX_FILTER_LOGARITHM, "logarithm", 1e-12, 0);
    brain1_check(csv, img, lab, in, VX_FILTER_EXPONENTIAL, "exponential", 1e-12, 0);
    /* the gradient: ITK writes float32, this map is double: the values agree to float precision (2^-24
     * relative per voxel); rounded to float32 as ITK stores them they agree to the summation order */
    brain1_check(csv, img, lab, in, VX_FILTER_GRADIENT, "gradient", 1e-7, 0);
    brain1_check(csv, img, lab, in, VX_FILTER_GRADIENT, "gradient", 1e-12, 1);
    free(in);
    free(csv);
    vx_image_free(img);
    vx_image_free(lab);
}

/* ---- voxel-wise maps by hand ------------------------------------------------------------------------ */

static void expect_map(vx_filter_kind k, int dim, const double *in, const size_t dims[3], const double *want)
{
    vx_filter_spec f;
    spec(&f, k);
    f.dim = dim;
    double *out = apply(&f, in, dims, NULL);
    for (size_t i = 0; i < dims[0] * dims[1] * dims[2]; i++) {
        if (isnan(want[i]))
            assert_true(isnan(out[i]));
        else
            vx_assert_near_rel(out[i], want[i], 1e-15);
    }
    free(out);
}

static void test_voxelwise_by_hand(void **state)
{
    (void)state;
    const size_t d4[3] = {4, 1, 1};
    const double in[4] = {-4, 1, 2, 0}; /* M = max |x| = 4 */
    /* square: c = 1 / sqrt(4) = 1/2: (c x)^2 */
    expect_map(VX_FILTER_SQUARE, 3, in, d4, (const double[]){4, 0.25, 1, 0});
    /* square root: sign(x) sqrt(|x| 4) */
    expect_map(VX_FILTER_SQUAREROOT, 3, in, d4, (const double[]){-4, 2, sqrt(8.0), 0});
    /* logarithm: sign(x) log(|x| + 1) 4 / log(5): -4 -> -4 (max |f| = M) */
    const double cl = 4.0 / log(5.0);
    expect_map(VX_FILTER_LOGARITHM, 3, in, d4, (const double[]){-4, log(2.0) * cl, log(3.0) * cl, 0});
    /* exponential: exp(x log(4) / 4) = 4^(x/4): 1/4, sqrt(2), 2, 1 */
    expect_map(VX_FILTER_EXPONENTIAL, 3, in, d4, (const double[]){0.25, sqrt(2.0), 2, 1});
    /* an image of zeros (M = 0): 0, and exp(0) = 1 */
    const double zero[4] = {0, 0, 0, 0};
    expect_map(VX_FILTER_SQUARE, 3, zero, d4, zero);
    expect_map(VX_FILTER_SQUAREROOT, 3, zero, d4, zero);
    expect_map(VX_FILTER_LOGARITHM, 3, zero, d4, zero);
    expect_map(VX_FILTER_EXPONENTIAL, 3, zero, d4, (const double[]){1, 1, 1, 1});
    /* a NaN voxel stays NaN and does not count in M */
    const double nan_in[4] = {-4, NAN, 2, 0};
    expect_map(VX_FILTER_SQUARE, 3, nan_in, d4, (const double[]){4, NAN, 1, 0});
    /* dim 3: M over the whole image (8); dim 2: over each axial slice (2, then 8) */
    const size_t d2[3] = {2, 1, 2};
    const double two[4] = {1, 2, 4, 8};
    expect_map(VX_FILTER_SQUARE, 3, two, d2, (const double[]){0.125, 0.5, 2, 8});
    expect_map(VX_FILTER_SQUARE, 2, two, d2, (const double[]){0.5, 2, 2, 8});
    expect_map(VX_FILTER_SQUAREROOT, 2, two, d2, (const double[]){sqrt(2.0), 2, sqrt(32.0), 8});
}

/* ---- gradient by hand ---------------------------------------------------------------------------------- */

static void test_gradient_by_hand(void **state)
{
    (void)state;
    /* f = 2 x + 3 y + 5 z (voxel indices) on 4 x 5 x 6 voxels of 0.5 x 2 x 4 mm */
    const size_t dims[3] = {4, 5, 6};
    const double sp[3] = {0.5, 2, 4};
    double in[120];
    for (size_t z = 0; z < 6; z++)
        for (size_t y = 0; y < 5; y++)
            for (size_t x = 0; x < 4; x++)
                in[x + 4 * (y + 5 * z)] = 2.0 * x + 3.0 * y + 5.0 * z;
    vx_filter_spec f;
    spec(&f, VX_FILTER_GRADIENT);
    double *g = apply(&f, in, dims, sp);
    /* per mm inside: (2 / 0.5, 3 / 2, 5 / 4); at an edge the edge voxel is repeated: half the difference */
    for (size_t z = 0; z < 6; z++)
        for (size_t y = 0; y < 5; y++)
            for (size_t x = 0; x < 4; x++) {
                const double ex = (x == 0 || x == 3) ? 0.5 : 1, ey = (y == 0 || y == 4) ? 0.5 : 1,
                             ez = (z == 0 || z == 5) ? 0.5 : 1;
                const double gx = 4 * ex, gy = 1.5 * ey, gz = 1.25 * ez;
                vx_assert_near_rel(g[x + 4 * (y + 5 * z)], sqrt(gx * gx + gy * gy + gz * gz), 1e-15);
            }
    free(g);
    /* per voxel (gradient_spacing 0): (2, 3, 5) inside */
    f.gradient_spacing = 0;
    g = apply(&f, in, dims, sp);
    vx_assert_near_rel(g[1 + 4 * (2 + 5 * 3)], sqrt(4.0 + 9.0 + 25.0), 1e-15);
    free(g);
    /* 2D: x and y only */
    f.gradient_spacing = 1;
    f.dim = 2;
    g = apply(&f, in, dims, sp);
    vx_assert_near_rel(g[1 + 4 * (2 + 5 * 3)], sqrt(16.0 + 2.25), 1e-15);
    free(g);
    /* a single voxel: no neighbour, gradient 0 */
    const size_t one[3] = {1, 1, 1};
    f.dim = 3;
    g = apply(&f, in, one, sp);
    assert_true(g[0] == 0.0);
    free(g);
    size_t r[3];
    vx_filter_reach(&f, sp, r);
    assert_true(r[0] == 1 && r[1] == 1 && r[2] == 1);
    spec(&f, VX_FILTER_SQUARE);
    vx_filter_reach(&f, sp, r);
    assert_true(r[0] == SIZE_MAX && r[1] == SIZE_MAX && r[2] == SIZE_MAX);
}

/* ---- LBP2D by hand ------------------------------------------------------------------------------------ */

/* uniform LBP (P = 4, R = 1: the 4 axis neighbours, no interpolation) of the centre of a 3 x 3 slice with
 * centre 5 and neighbours right, up (y - 1), left, down (y + 1) */
static double lbp4(double right, double up, double left, double down)
{
    double in[9] = {0, up, 0, left, 5, right, 0, down, 0};
    const size_t dims[3] = {3, 3, 1};
    vx_filter_spec f;
    spec(&f, VX_FILTER_LBP2D);
    f.lbp_samples = 4;
    f.lbp_radius = 1;
    double *out = apply(&f, in, dims, NULL);
    const double v = out[4];
    free(out);
    return v;
}

static void test_lbp2d_by_hand(void **state)
{
    (void)state;
    /* s_i = [t_i >= 5]; U = transitions in s_0..s_3 (no wrap); LBP = sum s when U <= 2, else P + 1 = 5 */
    assert_true(lbp4(6, 4, 6, 4) == 5.0); /* 1010: U = 3, non-uniform */
    assert_true(lbp4(6, 6, 4, 4) == 2.0); /* 1100: U = 1 */
    assert_true(lbp4(4, 6, 6, 4) == 2.0); /* 0110: U = 2 */
    assert_true(lbp4(5, 0, 0, 0) == 1.0); /* 1000: a tie counts as 1 */
    assert_true(lbp4(4, 6, 4, 6) == 5.0); /* 0101 */
    assert_true(lbp4(9, 9, 9, 9) == 4.0);
    assert_true(lbp4(0, 0, 0, 0) == 0.0);
    assert_true(lbp4(6, 4, 6, 6) == 3.0); /* 1011: U = 2 */
    /* P = 8, R = 1 on a slice of ones (5 x 5): inside every sample is 1 (the bilinear weights 1 - 0.70711 and
     * 0.70711 sum to 1 exactly): LBP 8. Corner (0, 0): voxels outside read 0; samples right (1), up-right
     * (0.29289 < 1: 0), up, up-left, left (0), down-left (0.29289: 0), down (1), down-right (1):
     * 1 0 0 0 0 0 1 1, U = 2, LBP = 3 */
    double ones[50];
    for (int i = 0; i < 50; i++)
        ones[i] = 1.0;
    const size_t d5[3] = {5, 5, 2};
    vx_filter_spec f;
    spec(&f, VX_FILTER_LBP2D);
    double *out = apply(&f, ones, d5, NULL);
    for (int z = 0; z < 2; z++) {
        assert_true(out[25 * z + 0] == 3.0);
        for (int y = 1; y < 4; y++)
            for (int x = 1; x < 4; x++)
                assert_true(out[25 * z + x + 5 * y] == 8.0);
    }
    free(out);
    /* a ramp along x, f = x: samples with dx > 0 are above, dx = 0 equal, dx < 0 below:
     * 1 1 1 0 0 0 1 1, U = 2, LBP 5 inside */
    double ramp[25];
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++)
            ramp[x + 5 * y] = x;
    const size_t d1[3] = {5, 5, 1};
    out = apply(&f, ramp, d1, NULL);
    for (int y = 1; y < 4; y++)
        for (int x = 1; x < 4; x++)
            assert_true(out[x + 5 * y] == 5.0);
    free(out);
    /* per slice: each slice of a 3-slice image gets the map of that slice alone */
    const size_t d3[3] = {7, 6, 3}, ds[3] = {7, 6, 1};
    double vol[126];
    for (int i = 0; i < 126; i++)
        vol[i] = (double)((i * 37 + (i / 42) * 11) % 17);
    f.lbp_radius = 1.5;
    f.lbp_samples = 12;
    double *all = apply(&f, vol, d3, NULL);
    for (int z = 0; z < 3; z++) {
        double *one = apply(&f, vol + 42 * z, ds, NULL);
        assert_memory_equal(one, all + 42 * z, 42 * sizeof *one);
        for (int i = 0; i < 42; i++)
            assert_true(one[i] >= 0 && one[i] <= 13 && one[i] == floor(one[i]));
        free(one);
    }
    free(all);
    /* reach: ceil(R) in x and y, 0 in z */
    size_t r[3];
    const double sp[3] = {1, 1, 1};
    vx_filter_reach(&f, sp, r);
    assert_true(r[0] == 2 && r[1] == 2 && r[2] == 0);
}

/* ---- LBP3D by hand ------------------------------------------------------------------------------------ */

/* the icosphere of radius 1 with 0 or 1 subdivisions, built independently: the 12 cyclic permutations of
 * (+-1, +-t, 0) (edge length 2), and for 1 subdivision the midpoints of the 30 pairs at distance 2;
 * all normalised. Returns the count. */
static int ico_vertices(int subdiv, double v[][3])
{
    const double t = (1 + sqrt(5.0)) / 2;
    double b[12][3];
    int n = 0;
    for (int s1 = -1; s1 <= 1; s1 += 2)
        for (int s2 = -1; s2 <= 1; s2 += 2)
            for (int c = 0; c < 3; c++) {
                double p[3] = {s1 * 1.0, s2 * t, 0};
                b[n][c] = p[0], b[n][(c + 1) % 3] = p[1], b[n][(c + 2) % 3] = p[2];
                n++;
            }
    int m = 0;
    for (int i = 0; i < 12; i++)
        memcpy(v[m++], b[i], sizeof b[i]);
    if (subdiv == 1)
        for (int i = 0; i < 12; i++)
            for (int j = i + 1; j < 12; j++) {
                double d2 = 0;
                for (int c = 0; c < 3; c++)
                    d2 += (b[i][c] - b[j][c]) * (b[i][c] - b[j][c]);
                if (fabs(d2 - 4) < 1e-9) {
                    for (int c = 0; c < 3; c++)
                        v[m][c] = 0.5 * (b[i][c] + b[j][c]);
                    m++;
                }
            }
    for (int i = 0; i < m; i++) {
        const double l = sqrt(v[i][0] * v[i][0] + v[i][1] * v[i][1] + v[i][2] * v[i][2]);
        for (int c = 0; c < 3; c++)
            v[i][c] /= l;
    }
    return m;
}

static void test_lbp3d_ramp(void **state)
{
    (void)state;
    /* a linear image f = gx x + gy y + gz z, 41^3 voxels: cubic B-spline interpolation reproduces it away
     * from the edges (the mirror boundary's effect decays as 0.268^distance), so at the centre voxel the
     * samples are f(p) + g . v_j, with v_j = (a0, a1, a2) along (z, y, x) */
    const size_t N = 41, dims[3] = {N, N, N};
    const double gx = 1.0, gy = 0.37, gz = -0.11;
    double *in = malloc(N * N * N * sizeof *in);
    assert_non_null(in);
    for (size_t z = 0; z < N; z++)
        for (size_t y = 0; y < N; y++)
            for (size_t x = 0; x < N; x++)
                in[x + N * (y + N * z)] = gx * x + gy * y + gz * z;
    const size_t c = 20 + N * (20 + N * 20);
    double v[42][3];
    for (int sub = 0; sub <= 1; sub++) {
        const int nv = ico_vertices(sub, v);
        assert_int_equal(nv, sub ? 42 : 12);
        const double R = 1.5;
        double d[42];
        int ones = 0;
        for (int j = 0; j < nv; j++) {
            d[j] = R * (gz * v[j][0] + gy * v[j][1] + gx * v[j][2]);
            ones += d[j] >= 0;
        }
        assert_int_equal(ones, nv / 2); /* the vertex set is antipodal, no sample ties the centre */
        vx_filter_spec f;
        spec(&f, VX_FILTER_LBP3D);
        f.lbp_icosphere_radius = R;
        f.lbp_icosphere_subdiv = sub;
        /* level 1 (degree 0): Y_0^0 = 1 / sqrt(4 pi): c = ones / sqrt(4 pi), F_j = ones / (4 pi),
         * LBP = sqrt(N) ones / (4 pi) */
        f.lbp_map = 1;
        double *out = apply(&f, in, dims, NULL);
        vx_assert_near_rel(out[c], sqrt((double)nv) * ones / (4 * PI), 1e-12);
        free(out);
        /* level 2 (degree 1), PyRadiomics' arguments: azimuth th = acos(a2 / R), polar ph = atan2(a1, a0);
         * Y_1^0 = sqrt(3 / (4 pi)) cos ph, Y_1^{+-1} = -+ sqrt(3 / (8 pi)) |sin ph| e^{+-i th}, |sin ph| since
         * scipy evaluates P_1^1(cos ph) = -(1 - cos^2 ph)^(1/2) and ph = atan2(..) lies in (-pi, pi] */
        f.lbp_map = 2;
        out = apply(&f, in, dims, NULL);
        double complex Y[42][3], cm[3] = {0, 0, 0};
        for (int j = 0; j < nv; j++) {
            const double th = acos(v[j][2]), ph = atan2(v[j][1], v[j][0]);
            Y[j][1] = sqrt(3 / (4 * PI)) * cos(ph);
            Y[j][2] = -sqrt(3 / (8 * PI)) * fabs(sin(ph)) * cexp(I * th);
            Y[j][0] = sqrt(3 / (8 * PI)) * fabs(sin(ph)) * cexp(-I * th);
            if (d[j] >= 0)
                for (int m = 0; m < 3; m++)
                    cm[m] += Y[j][m];
        }
        double complex sq = 0;
        for (int j = 0; j < nv; j++) {
            double complex F = cm[0] * Y[j][0] + cm[1] * Y[j][1] + cm[2] * Y[j][2];
            sq += F * F;
        }
        vx_assert_near_rel(out[c], creal(csqrt(sq)), 1e-12);
        print_message("lbp3d ramp, %d vertices: level 1 %.6f, level 2 %.6f\n", nv, sqrt((double)nv) * ones / (4 * PI),
                      out[c]);
        free(out);
        /* kurtosis (lbp_map 0): of the samples g . v_j (the constant f(p) drops out) */
        f.lbp_map = 0;
        out = apply(&f, in, dims, NULL);
        double mean = 0, m2 = 0, m4 = 0;
        for (int j = 0; j < nv; j++)
            mean += d[j] / nv;
        for (int j = 0; j < nv; j++) {
            m2 += pow(d[j] - mean, 2) / nv;
            m4 += pow(d[j] - mean, 4) / nv;
        }
        vx_assert_near(out[c], m4 / (m2 * m2) - 3, 1e-9);
        free(out);
    }
    /* a cubic polynomial: cubic B-spline interpolation (prefilter and evaluation) reproduces it exactly
     * away from the edges, so the samples are the polynomial at p + v_j (here the prefilter matters: for the
     * ramp the coefficients equal the voxels) */
    const double R = 1.7;
#define CUBIC(x, y, z) (0.01 * ((x) - 20) * ((x) - 20) * ((x) - 20) + 0.5 * ((y) - 19) * ((y) - 19) - 0.3 * (x) * (z) + (z))
    for (size_t z = 0; z < N; z++)
        for (size_t y = 0; y < N; y++)
            for (size_t x = 0; x < N; x++)
                in[x + N * (y + N * z)] = CUBIC((double)x, (double)y, (double)z);
    const int nv = ico_vertices(1, v);
    double smp[42], mean = 0, m2 = 0, m4 = 0;
    int ones = 0;
    for (int j = 0; j < nv; j++) {
        smp[j] = CUBIC(20 + R * v[j][2], 20 + R * v[j][1], 20 + R * v[j][0]);
        mean += smp[j] / nv;
        ones += smp[j] >= CUBIC(20.0, 20.0, 20.0);
    }
#undef CUBIC
    for (int j = 0; j < nv; j++) {
        m2 += pow(smp[j] - mean, 2) / nv;
        m4 += pow(smp[j] - mean, 4) / nv;
    }
    vx_filter_spec f;
    spec(&f, VX_FILTER_LBP3D);
    f.lbp_icosphere_radius = R;
    f.lbp_map = 0;
    double *out = apply(&f, in, dims, NULL);
    vx_assert_near(out[c], m4 / (m2 * m2) - 3, 1e-9);
    print_message("lbp3d cubic: kurtosis %.9f (expected %.9f), %d of 42 samples >= centre\n", out[c],
                  m4 / (m2 * m2) - 3, ones);
    free(out);
    f.lbp_map = 1;
    out = apply(&f, in, dims, NULL);
    vx_assert_near_rel(out[c], sqrt(42.0) * ones / (4 * PI), 1e-12);
    free(out);
    free(in);
}

/* ---- parameters and threads --------------------------------------------------------------------------- */

static void expect_invalid(const vx_filter_spec *f, const char *word)
{
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_filter_validate(f, &err), VX_EINVAL);
    if (!strstr(err.msg, word))
        print_error("'%s' not in: %s\n", word, err.msg);
    assert_non_null(strstr(err.msg, word));
}

static void test_invalid(void **state)
{
    (void)state;
    vx_filter_spec f;
    spec(&f, VX_FILTER_GRADIENT);
    f.gradient_spacing = 2;
    expect_invalid(&f, "gradient_spacing");
    spec(&f, VX_FILTER_LBP2D);
    f.lbp_radius = 0;
    expect_invalid(&f, "lbp_radius");
    spec(&f, VX_FILTER_LBP2D);
    f.lbp_samples = 0;
    expect_invalid(&f, "lbp_samples");
    spec(&f, VX_FILTER_LBP3D);
    f.dim = 2;
    expect_invalid(&f, "3D");
    spec(&f, VX_FILTER_LBP3D);
    f.lbp_levels = -1;
    expect_invalid(&f, "lbp_levels");
    spec(&f, VX_FILTER_LBP3D);
    f.lbp_icosphere_radius = -1;
    expect_invalid(&f, "lbp_icosphere_radius");
    spec(&f, VX_FILTER_LBP3D);
    f.lbp_icosphere_subdiv = 9;
    expect_invalid(&f, "lbp_icosphere_subdiv");
}

static void test_threads(void **state)
{
    (void)state;
    const size_t dims[3] = {40, 33, 21}, n = 40 * 33 * 21;
    double *in = malloc(n * sizeof *in);
    assert_non_null(in);
    for (size_t i = 0; i < n; i++)
        in[i] = (double)((i * 7919) % 1013) - 300.0;
    const vx_filter_kind kinds[] = {VX_FILTER_SQUARE, VX_FILTER_LOGARITHM, VX_FILTER_GRADIENT, VX_FILTER_LBP2D,
                                    VX_FILTER_LBP3D};
    const double sp[3] = {0.7, 0.9, 2.5};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        vx_filter_spec f;
        spec(&f, kinds[k]);
        omp_set_num_threads(1);
        double *a = apply(&f, in, dims, sp);
        omp_set_num_threads(3);
        double *b = apply(&f, in, dims, sp);
        assert_memory_equal(a, b, n * sizeof *a);
        free(a);
        free(b);
    }
    omp_set_num_threads(2);
    free(in);
}

/* ---- slice axis ---------------------------------------------------------------------------------------- */

/* A 2D filter with slice_axis y or x works on each plane perpendicular to that axis as on a one-slice image
 * whose x and y are the plane's axes in PyRadiomics' order (force2Ddimension): slice axis y: (x, z); x: (y, z)
 * (its wavelet axes, its 2D matrices), but LBP2D with x: (z, y) (its swapaxes(0, 2) keeps y as the rows). */
static void slice_axis_case(const vx_filter_spec *f0, int slice_axis, int lbp)
{
    const size_t d[3] = {7, 6, 5};
    const double sp[3] = {0.7, 1.1, 2.5};
    double vol[210];
    for (int i = 0; i < 210; i++)
        vol[i] = (double)((i * 37 + (i / 42) * 11 + (i / 7) * 5) % 19);
    vx_filter_spec f = *f0;
    f.slice_axis = slice_axis;
    double *all = apply(&f, vol, d, sp);
    const int s = 2 - slice_axis; /* the slice axis as a grid axis */
    int u, v;                     /* the plane's x and y axes */
    if (s == 1) {
        u = 0;
        v = 2;
    } else if (lbp) {
        u = 2;
        v = 1;
    } else {
        u = 1;
        v = 2;
    }
    const size_t pd[3] = {d[u], d[v], 1};
    const double psp[3] = {sp[u], sp[v], sp[s]};
    vx_filter_spec g = *f0;
    g.slice_axis = 0;
    double plane[64];
    for (size_t k = 0; k < d[s]; k++) {
        size_t c[3];
        c[s] = k;
        for (size_t j = 0; j < pd[1]; j++)
            for (size_t i = 0; i < pd[0]; i++) {
                c[u] = i;
                c[v] = j;
                plane[i + pd[0] * j] = vol[c[0] + d[0] * (c[1] + d[1] * c[2])];
            }
        double *one = apply(&g, plane, pd, psp);
        for (size_t j = 0; j < pd[1]; j++)
            for (size_t i = 0; i < pd[0]; i++) {
                c[u] = i;
                c[v] = j;
                assert_true(one[i + pd[0] * j] == all[c[0] + d[0] * (c[1] + d[1] * c[2])]);
            }
        free(one);
    }
    free(all);
    /* the reach follows: the plane's reach along u and v, none along the slice axis */
    size_t r[3], rp[3];
    vx_filter_reach(&f, sp, r);
    vx_filter_reach(&g, psp, rp);
    assert_true(r[u] == rp[0] && r[v] == rp[1] && r[s] == 0);
}

static void test_slice_axis(void **state)
{
    (void)state;
    vx_filter_spec f;
    spec(&f, VX_FILTER_LBP2D);
    f.dim = 2;
    f.lbp_samples = 6; /* not a multiple of 4: the plane's orientation matters */
    f.lbp_radius = 1.5;
    f.pad = VX_PAD_NEAREST;
    for (int a = 1; a <= 2; a++)
        slice_axis_case(&f, a, 1);
    spec(&f, VX_FILTER_WAVELET_PYRAD);
    f.dim = 2;
    snprintf(f.wavelet, sizeof f.wavelet, "coif1");
    const char *const bands[] = {"LH", "HL", "HH", "LL"};
    for (int b = 0; b < 4; b++) {
        snprintf(f.subband, sizeof f.subband, "%s", bands[b]);
        f.level = 1 + b % 2;
        for (int a = 1; a <= 2; a++)
            slice_axis_case(&f, a, 0);
    }
    spec(&f, VX_FILTER_MEAN);
    f.dim = 2;
    f.support = 3;
    for (int a = 1; a <= 2; a++)
        slice_axis_case(&f, a, 0);
    /* a 3D filter ignores the slice axis */
    spec(&f, VX_FILTER_MEAN);
    const size_t d[3] = {4, 3, 5};
    double vol[60];
    for (int i = 0; i < 60; i++)
        vol[i] = (double)(i % 7);
    double *z = apply(&f, vol, d, NULL);
    f.slice_axis = 2;
    double *x = apply(&f, vol, d, NULL);
    assert_memory_equal(z, x, 60 * sizeof *z);
    free(z);
    free(x);
    f.slice_axis = 3;
    expect_invalid(&f, "slice axis");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brain1_reference), cmocka_unit_test(test_voxelwise_by_hand),
        cmocka_unit_test(test_gradient_by_hand), cmocka_unit_test(test_lbp2d_by_hand),
        cmocka_unit_test(test_lbp3d_ramp),       cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_threads),           cmocka_unit_test(test_slice_axis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
