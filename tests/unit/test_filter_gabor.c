/* voxomics tests: the Gabor filter (IBSI 2 Q88H, src/filter/gabor.c).
 * - IBSI 2 phase 1 tests 4.a.1, 4.a.2, 4.b.1, 4.b.2: every voxel of the response map within 1 % of the range
 *   (max - min) of the consensus reference map (phase1_response_maps/4_*-ValidCRM.nii); the worst
 *   |diff| / range of each test is printed.
 * - the impulse response against the kernel formula written out here (modulus = 255 x the Gaussian envelope
 *   exp(-(k~1^2 + gamma^2 k~2^2) / (2 sigma^2)) inside the truncation box, 0 outside), anisotropic spacing;
 * - properties of the definition: modulus >= 0 and finite; a 2D filter acts on each axial slice on its own;
 *   rotating the image by 90 degrees in-plane with theta + pi/2 rotates the map; pooling over orientations
 *   equals the max / mean / min of the single-orientation maps (also where theta + pi pairs are merged);
 *   the orthogonal-planes map equals the mean of the axial maps of the three axis-permuted volumes;
 *   a crop of the image extending vx_filter_reach beyond a box gives the same map in the box;
 *   the map does not depend on the thread count; a second map on the same cache makes no new FFT plan;
 *   invalid parameters are refused with a message.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "voxomics/filter.h"
#include "voxomics/image.h"
#include "voxomics/io.h"
#include "vx_test.h"

static const double PI = 3.14159265358979323846;

/* a NIfTI image as doubles (dims, spacing) */
static double *load(const char *rel, size_t dims[3], double spacing[3])
{
    vx_image *img = NULL;
    vx_error err;
    const char *path = vx_test_data(rel);
    if (vx_image_read(path, &img, &err) != VX_OK)
        fail_msg("cannot read %s: %s (set VOXOMICS_DATA)", path, err.msg);
    const size_t nv = vx_geometry_count(&img->geom);
    double *v = malloc(nv * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < nv; i++)
        v[i] = img->v[i];
    for (int a = 0; a < 3; a++) {
        dims[a] = img->geom.dims[a];
        spacing[a] = img->geom.spacing[a];
    }
    vx_image_free(img);
    return v;
}

static vx_filter_spec gabor_spec(double sigma, double lambda, double gamma, vx_pad_mode pad)
{
    vx_filter_spec f;
    vx_filter_spec_init(&f);
    f.kind = VX_FILTER_GABOR;
    f.dim = 2;
    f.sigma_mm = sigma;
    f.lambda_mm = lambda;
    f.gamma = gamma;
    f.pad = pad;
    return f;
}

static double *apply(const vx_filter_spec *f, const double *in, const size_t dims[3], const double sp[3])
{
    double *out = malloc(dims[0] * dims[1] * dims[2] * sizeof *out);
    assert_non_null(out);
    vx_error err;
    vx_error_clear(&err);
    if (vx_filter_apply(NULL, f, in, dims, sp, out, &err) != VX_OK)
        fail_msg("vx_filter_apply: %s", err.msg);
    return out;
}

/* ---- IBSI 2 phase 1 ----------------------------------------------------------------------------------------- */
static void phase1(const char *id, const char *phantom, const char *ref, const vx_filter_spec *f)
{
    char rel[256];
    size_t dims[3], rd[3];
    double sp[3], rsp[3];
    snprintf(rel, sizeof rel, "ibsi/ibsi2/phase1_phantoms/%s/image.nii.gz", phantom);
    double *in = load(rel, dims, sp);
    snprintf(rel, sizeof rel, "ibsi/ibsi2/phase1_response_maps/%s", ref);
    double *h = load(rel, rd, rsp);
    assert_memory_equal(dims, rd, sizeof dims);
    vx_fft_cache *c;
    assert_int_equal(vx_fft_cache_new(&c, NULL), VX_OK);
    const size_t nv = dims[0] * dims[1] * dims[2];
    double *out = malloc(nv * sizeof *out);
    assert_non_null(out);
    vx_error err;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (vx_filter_apply(c, f, in, dims, sp, out, &err) != VX_OK)
        fail_msg("%s: %s", id, err.msg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double lo = h[0], hi = h[0];
    for (size_t i = 0; i < nv; i++) {
        lo = fmin(lo, h[i]);
        hi = fmax(hi, h[i]);
    }
    const double range = hi - lo;
    assert_true(range > 0.0);
    double worst = 0.0;
    size_t wi = 0, bad = 0;
    for (size_t i = 0; i < nv; i++) {
        const double r = fabs(out[i] - h[i]) / range;
        if (!(r <= 0.01))
            bad++;
        if (!(r <= worst)) {
            worst = r;
            wi = i;
        }
    }
    printf("IBSI 2 %s (%s): worst |diff| / range = %.3g at voxel (%zu, %zu, %zu) (ours %.6g, reference %.6g, "
           "range %.6g); %zu voxels over 1 %%; %.3f s\n",
           id, ref, worst, wi % dims[0], wi / dims[0] % dims[1], wi / dims[0] / dims[1], out[wi], h[wi], range, bad,
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    if (bad)
        fail_msg("IBSI 2 %s: %zu voxels differ from the reference by more than 1 %% of its range", id, bad);
    vx_fft_cache_free(c);
    free(in);
    free(h);
    free(out);
}

static void test_ibsi2_4a1(void **state)
{
    (void)state;
    vx_filter_spec f = gabor_spec(10.0, 4.0, 0.5, VX_PAD_CONSTANT);
    f.theta = PI / 3.0;
    phase1("4.a.1", "impulse", "4_a_1-ValidCRM.nii", &f);
}

static void test_ibsi2_4a2(void **state)
{
    (void)state;
    vx_filter_spec f = gabor_spec(10.0, 4.0, 0.5, VX_PAD_CONSTANT);
    f.rot_invariant = 1;
    f.delta_theta = PI / 4.0;
    f.pooling = VX_POOL_AVERAGE;
    f.orthogonal = 1;
    phase1("4.a.2", "impulse", "4_a_2-ValidCRM.nii", &f);
}

static void test_ibsi2_4b1(void **state)
{
    (void)state;
    vx_filter_spec f = gabor_spec(20.0, 8.0, 2.5, VX_PAD_MIRROR);
    f.theta = 5.0 * PI / 4.0;
    phase1("4.b.1", "sphere", "4_b_1-ValidCRM.nii", &f);
}

static void test_ibsi2_4b2(void **state)
{
    (void)state;
    vx_filter_spec f = gabor_spec(20.0, 8.0, 2.5, VX_PAD_MIRROR);
    f.rot_invariant = 1;
    f.delta_theta = PI / 8.0;
    f.pooling = VX_POOL_AVERAGE;
    f.orthogonal = 1;
    phase1("4.b.2", "sphere", "4_b_2-ValidCRM.nii", &f);
}

/* ---- hand-derived impulse response ------------------------------------------------------------------------- */
static void test_impulse_formula(void **state)
{
    (void)state;
    /* one slice 41 x 33, spacing 0.8 x 1.3 mm, impulse 255 at (20, 16), zero padding */
    const size_t dims[3] = {41, 33, 1};
    const double sp[3] = {0.8, 1.3, 2.0};
    const double sigma = 3.0, lambda = 2.5, gamma = 0.7, theta = 0.9, d = 2.5;
    double in[41 * 33] = {0};
    in[20 + 41 * 16] = 255.0;
    vx_filter_spec f = gabor_spec(sigma, lambda, gamma, VX_PAD_CONSTANT);
    f.theta = theta;
    f.truncate = d;
    double *out = apply(&f, in, dims, sp);
    /* half support: floor(d sigma max(1, 1/gamma) / s + 0.5) = floor(2.5 * 3 / 0.7 / s + 0.5): 13 along x (0.8
     * mm), 8 along y (1.3 mm) */
    size_t reach[3];
    vx_filter_reach(&f, sp, reach);
    assert_int_equal(reach[0], 13);
    assert_int_equal(reach[1], 8);
    assert_int_equal(reach[2], 0);
    for (int y = 0; y < 33; y++)
        for (int x = 0; x < 41; x++) {
            const int p = x - 20, q = y - 16;
            const double mx = p * sp[0], my = q * sp[1];
            const double t1 = cos(theta) * mx + sin(theta) * my, t2 = sin(theta) * mx - cos(theta) * my;
            double e = 255.0 * exp(-(t1 * t1 + gamma * gamma * t2 * t2) / (2.0 * sigma * sigma));
            if (abs(p) > 13 || abs(q) > 8)
                e = 0.0;
            vx_assert_near(out[x + 41 * y], e, 1e-9);
        }
    free(out);
}

/* ---- properties ----------------------------------------------------------------------------------------------- */
static double *random_image(const size_t dims[3], unsigned seed)
{
    const size_t nv = dims[0] * dims[1] * dims[2];
    double *v = malloc(nv * sizeof *v);
    assert_non_null(v);
    unsigned long s = seed * 2654435761UL + 12345;
    for (size_t i = 0; i < nv; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        v[i] = (double)((s >> 33) % 1000) / 10.0 - 20.0;
    }
    return v;
}

static double max_abs(const double *v, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

static void test_nonnegative_and_per_slice(void **state)
{
    (void)state;
    const size_t dims[3] = {23, 19, 5};
    const double sp[3] = {1.0, 1.2, 2.5};
    double *in = random_image(dims, 1);
    static const vx_pad_mode modes[4] = {VX_PAD_CONSTANT, VX_PAD_NEAREST, VX_PAD_PERIODIC, VX_PAD_MIRROR};
    for (int m = 0; m < 4; m++) {
        vx_filter_spec f = gabor_spec(2.5, 3.0, 1.5, modes[m]);
        f.pad_value = 7.0;
        f.rot_invariant = m % 2;
        f.delta_theta = PI / 3.0;
        f.theta = 0.4;
        double *out = apply(&f, in, dims, sp);
        const size_t ns = dims[0] * dims[1];
        for (size_t i = 0; i < ns * dims[2]; i++)
            if (!(out[i] >= 0.0) || !isfinite(out[i]))
                fail_msg("%s padding: voxel %zu has modulus %g", vx_pad_name(modes[m]), i, out[i]);
        /* each slice alone gives the same slice of the map */
        for (size_t z = 0; z < dims[2]; z++) {
            const size_t d1[3] = {dims[0], dims[1], 1};
            double *one = apply(&f, in + z * ns, d1, sp);
            for (size_t i = 0; i < ns; i++)
                vx_assert_near(one[i], out[z * ns + i], 1e-12 * (1.0 + out[z * ns + i]));
            free(one);
        }
        free(out);
    }
    free(in);
}

static void test_rotation_90(void **state)
{
    (void)state;
    /* f'[i', j'] = f[i, j] with (i', j') = (ny - 1 - j, i): a 90 degree in-plane turn (spacings swap); then
     * g_{theta + pi/2} on f' gives the map of g_theta on f, turned the same way */
    const size_t dims[3] = {27, 20, 3}, rd[3] = {20, 27, 3};
    const double sp[3] = {0.9, 1.4, 3.0}, rsp[3] = {1.4, 0.9, 3.0};
    double *in = random_image(dims, 2);
    const size_t nv = dims[0] * dims[1] * dims[2];
    double *rin = malloc(nv * sizeof *rin);
    assert_non_null(rin);
    for (size_t z = 0; z < dims[2]; z++)
        for (size_t j = 0; j < dims[1]; j++)
            for (size_t i = 0; i < dims[0]; i++)
                rin[(dims[1] - 1 - j) + rd[0] * (i + rd[1] * z)] = in[i + dims[0] * (j + dims[1] * z)];
    static const vx_pad_mode modes[3] = {VX_PAD_CONSTANT, VX_PAD_MIRROR, VX_PAD_NEAREST};
    for (int m = 0; m < 3; m++) {
        vx_filter_spec f = gabor_spec(3.0, 2.0, 1.5, modes[m]);
        f.theta = 0.3;
        double *a = apply(&f, in, dims, sp);
        f.theta = 0.3 + PI / 2.0;
        double *b = apply(&f, rin, rd, rsp);
        const double tol = 1e-9 * max_abs(a, nv);
        for (size_t z = 0; z < dims[2]; z++)
            for (size_t j = 0; j < dims[1]; j++)
                for (size_t i = 0; i < dims[0]; i++)
                    vx_assert_near(b[(dims[1] - 1 - j) + rd[0] * (i + rd[1] * z)], a[i + dims[0] * (j + dims[1] * z)],
                                   tol);
        free(a);
        free(b);
    }
    free(in);
    free(rin);
}

static void test_pooling(void **state)
{
    (void)state;
    const size_t dims[3] = {21, 18, 2};
    const double sp[3] = {1.0, 1.0, 2.0};
    const size_t nv = dims[0] * dims[1] * dims[2];
    double *in = random_image(dims, 3);
    /* pi/2: 4 orientations (theta + pi pairs merged); 2 pi/3: 3 orientations (none merged) */
    static const double steps[2] = {PI / 2.0, 2.0 * PI / 3.0};
    static const int counts[2] = {4, 3};
    for (int s = 0; s < 2; s++) {
        vx_filter_spec f = gabor_spec(2.0, 3.0, 0.8, VX_PAD_MIRROR);
        double *one[4];
        for (int o = 0; o < counts[s]; o++) {
            f.theta = o * steps[s];
            one[o] = apply(&f, in, dims, sp);
        }
        f.rot_invariant = 1;
        f.delta_theta = steps[s];
        static const vx_pool pools[3] = {VX_POOL_MAX, VX_POOL_AVERAGE, VX_POOL_MIN};
        for (int p = 0; p < 3; p++) {
            f.pooling = pools[p];
            double *out = apply(&f, in, dims, sp);
            const double tol = 1e-9 * max_abs(one[0], nv);
            for (size_t i = 0; i < nv; i++) {
                double e = one[0][i];
                for (int o = 1; o < counts[s]; o++)
                    e = pools[p] == VX_POOL_MAX ? fmax(e, one[o][i]) : pools[p] == VX_POOL_MIN ? fmin(e, one[o][i])
                                                                                              : e + one[o][i];
                if (pools[p] == VX_POOL_AVERAGE)
                    e /= counts[s];
                vx_assert_near(out[i], e, tol);
            }
            free(out);
        }
        for (int o = 0; o < counts[s]; o++)
            free(one[o]);
    }
    free(in);
}

/* out[perm(x)] = in[x] where axis a of in becomes axis ax[a] of out */
static void permute(const double *in, const size_t dims[3], const int ax[3], double *out, size_t od[3])
{
    for (int a = 0; a < 3; a++)
        od[ax[a]] = dims[a];
    for (size_t z = 0; z < dims[2]; z++)
        for (size_t y = 0; y < dims[1]; y++)
            for (size_t x = 0; x < dims[0]; x++) {
                size_t c[3];
                c[ax[0]] = x, c[ax[1]] = y, c[ax[2]] = z;
                out[c[0] + od[0] * (c[1] + od[1] * c[2])] = in[x + dims[0] * (y + dims[1] * z)];
            }
}

static void test_orthogonal_planes(void **state)
{
    (void)state;
    const size_t dims[3] = {16, 13, 11};
    const double sp[3] = {0.7, 0.9, 1.6};
    const size_t nv = dims[0] * dims[1] * dims[2];
    double *in = random_image(dims, 4);
    vx_filter_spec f = gabor_spec(2.0, 2.5, 1.3, VX_PAD_NEAREST);
    f.theta = 0.6;
    f.orthogonal = 1;
    double *out = apply(&f, in, dims, sp);
    f.orthogonal = 0;
    double *ax = apply(&f, in, dims, sp);
    /* coronal (x, z) slices: x stays axis 0, z becomes axis 1, y axis 2; sagittal (y, z): y -> 0, z -> 1, x -> 2 */
    static const int cor[3] = {0, 2, 1}, sag[3] = {2, 0, 1};
    const int *perm[2] = {cor, sag};
    double *sum = malloc(nv * sizeof *sum), *t = malloc(nv * sizeof *t), *back = malloc(nv * sizeof *back);
    assert_true(sum && t && back);
    memcpy(sum, ax, nv * sizeof *sum);
    for (int p = 0; p < 2; p++) {
        size_t td[3], bd[3];
        double tsp[3];
        permute(in, dims, perm[p], t, td);
        for (int a = 0; a < 3; a++)
            tsp[perm[p][a]] = sp[a];
        double *m = apply(&f, t, td, tsp);
        int inv[3];
        for (int a = 0; a < 3; a++)
            inv[perm[p][a]] = a;
        permute(m, td, inv, back, bd);
        assert_memory_equal(bd, dims, sizeof bd);
        for (size_t i = 0; i < nv; i++)
            sum[i] += back[i];
        free(m);
    }
    const double tol = 1e-9 * max_abs(sum, nv);
    for (size_t i = 0; i < nv; i++)
        vx_assert_near(out[i], sum[i] / 3.0, tol);
    free(sum);
    free(t);
    free(back);
    free(out);
    free(ax);
    free(in);
}

static void test_reach_crop(void **state)
{
    (void)state;
    /* the box [30, 40) x [25, 33) x [10, 13) of a 80 x 70 x 24 image; the crop extends the reach beyond it */
    const size_t dims[3] = {80, 70, 24};
    const double sp[3] = {0.9, 0.9, 1.5};
    double *in = random_image(dims, 5);
    vx_filter_spec f = gabor_spec(3.0, 2.0, 1.5, VX_PAD_MIRROR);
    f.rot_invariant = 1;
    f.delta_theta = PI / 4.0;
    f.pooling = VX_POOL_AVERAGE;
    f.orthogonal = 1;
    f.dim = 3;
    size_t r[3];
    vx_filter_reach(&f, sp, r);
    const size_t lo[3] = {30, 25, 10}, hi[3] = {40, 33, 13};
    size_t c0[3], cd[3];
    for (int a = 0; a < 3; a++) {
        assert_true(r[a] < lo[a] && hi[a] + r[a] <= dims[a]);
        c0[a] = lo[a] - r[a];
        cd[a] = hi[a] + r[a] - c0[a];
    }
    double *crop = malloc(cd[0] * cd[1] * cd[2] * sizeof *crop);
    assert_non_null(crop);
    for (size_t z = 0; z < cd[2]; z++)
        for (size_t y = 0; y < cd[1]; y++)
            for (size_t x = 0; x < cd[0]; x++)
                crop[x + cd[0] * (y + cd[1] * z)] = in[(x + c0[0]) + dims[0] * ((y + c0[1]) + dims[1] * (z + c0[2]))];
    double *full = apply(&f, in, dims, sp), *part = apply(&f, crop, cd, sp);
    const double tol = 1e-9 * max_abs(full, dims[0] * dims[1] * dims[2]);
    for (size_t z = lo[2]; z < hi[2]; z++)
        for (size_t y = lo[1]; y < hi[1]; y++)
            for (size_t x = lo[0]; x < hi[0]; x++)
                vx_assert_near(part[(x - c0[0]) + cd[0] * ((y - c0[1]) + cd[1] * (z - c0[2]))],
                               full[x + dims[0] * (y + dims[1] * z)], tol);
    free(full);
    free(part);
    free(crop);
    free(in);
}

static void test_threads(void **state)
{
    (void)state;
#ifdef _OPENMP
    const size_t dims[3] = {24, 22, 9};
    const double sp[3] = {1.0, 1.0, 1.5};
    const size_t nv = dims[0] * dims[1] * dims[2];
    double *in = random_image(dims, 6);
    vx_filter_spec f = gabor_spec(2.0, 2.0, 1.5, VX_PAD_MIRROR);
    f.rot_invariant = 1;
    f.delta_theta = PI / 8.0;
    f.pooling = VX_POOL_AVERAGE;
    f.orthogonal = 1;
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    double *a = apply(&f, in, dims, sp);
    for (int nt = 2; nt <= 4; nt++) {
        omp_set_num_threads(nt);
        double *b = apply(&f, in, dims, sp);
        assert_memory_equal(a, b, nv * sizeof *a);
        free(b);
    }
    omp_set_num_threads(saved);
    free(a);
    free(in);
#else
    skip();
#endif
}

static void test_plans_reused(void **state)
{
    (void)state;
    /* a second map of the same size on the same cache makes no new FFT plan */
    const size_t dims[3] = {30, 26, 7};
    const double sp[3] = {1.0, 1.0, 2.0};
    const size_t nv = dims[0] * dims[1] * dims[2];
    double *in = random_image(dims, 7), *out = malloc(nv * sizeof *out);
    assert_non_null(out);
    vx_filter_spec f = gabor_spec(2.0, 2.0, 1.5, VX_PAD_MIRROR);
    f.rot_invariant = 1;
    f.delta_theta = PI / 4.0;
    f.orthogonal = 1;
    vx_fft_cache *c;
    assert_int_equal(vx_fft_cache_new(&c, NULL), VX_OK);
    assert_int_equal(vx_filter_apply(c, &f, in, dims, sp, out, NULL), VX_OK);
    const size_t made = vx_fft_cache_plans_made(c);
    assert_true(made > 0);
    assert_int_equal(vx_filter_apply(c, &f, in, dims, sp, out, NULL), VX_OK);
    assert_int_equal(vx_fft_cache_plans_made(c), made);
    vx_fft_cache_free(c);
    free(in);
    free(out);
}

static void test_invalid(void **state)
{
    (void)state;
    vx_error err;
    vx_filter_spec f = gabor_spec(2.0, 2.0, 1.0, VX_PAD_MIRROR);
    assert_int_equal(vx_filter_validate(&f, &err), VX_OK);
    f.sigma_mm = 0.0;
    assert_int_equal(vx_filter_validate(&f, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "sigma"));
    f = gabor_spec(2.0, -1.0, 1.0, VX_PAD_MIRROR);
    assert_int_equal(vx_filter_validate(&f, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "lambda"));
    f = gabor_spec(2.0, 2.0, 0.0, VX_PAD_MIRROR);
    assert_int_equal(vx_filter_validate(&f, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "gamma"));
    f = gabor_spec(2.0, 2.0, 1.0, VX_PAD_MIRROR);
    f.rot_invariant = 1;
    f.delta_theta = 0.0;
    assert_int_equal(vx_filter_validate(&f, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "delta theta"));
    f.delta_theta = 1e-4;
    assert_int_equal(vx_filter_validate(&f, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "orientations"));
    f = gabor_spec(2.0, 2.0, 1.0, VX_PAD_MIRROR);
    f.dim = 3;
    assert_int_equal(vx_filter_validate(&f, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "orthogonal"));
    f.orthogonal = 1;
    assert_int_equal(vx_filter_validate(&f, &err), VX_OK);
    f.truncate = NAN;
    assert_int_equal(vx_filter_validate(&f, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "truncation"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ibsi2_4a1),
        cmocka_unit_test(test_ibsi2_4a2),
        cmocka_unit_test(test_ibsi2_4b1),
        cmocka_unit_test(test_ibsi2_4b2),
        cmocka_unit_test(test_impulse_formula),
        cmocka_unit_test(test_nonnegative_and_per_slice),
        cmocka_unit_test(test_rotation_90),
        cmocka_unit_test(test_pooling),
        cmocka_unit_test(test_orthogonal_planes),
        cmocka_unit_test(test_reach_crop),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_plans_reused),
        cmocka_unit_test(test_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
