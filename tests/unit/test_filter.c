/* voxomics tests: src/filter: padding modes (IBSI 2 boundary conditions) against hand-written arrays, FFT
 * convolution against the direct convolution (computed naively here) for odd and even sizes under every mode,
 * separable convolution against the 3D convolution with the outer product kernel, plan reuse (a counter) and
 * use of one plan cache from two threads, and Moran's I on a caller's cache.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feature/morph_impl.h"
#include "voxomics/filter.h"

static const vx_pad_mode MODES[4] = {VX_PAD_CONSTANT, VX_PAD_NEAREST, VX_PAD_PERIODIC, VX_PAD_MIRROR};

/* ---- padding ------------------------------------------------------------------------------------------------ */
static void test_pad_1d(void **state)
{
    (void)state;
    /* the row a b c = 1 2 3 padded by 4 on both sides; IBSI 2 definitions (mirror: k mod N when floor(k / N)
     * is even, else N - 1 - (k mod N), i.e. "abc|cba") */
    static const double expect[4][11] = {
        {9, 9, 9, 9, 1, 2, 3, 9, 9, 9, 9}, /* constant 9 */
        {1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3}, /* nearest */
        {3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1}, /* periodic */
        {3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1}, /* mirror: ..c c b a | a b c | c b a a.. */
    };
    const double in[3] = {1, 2, 3};
    const size_t dims[3] = {3, 1, 1}, lo[3] = {4, 0, 0}, hi[3] = {4, 0, 0};
    for (int m = 0; m < 4; m++) {
        double out[11];
        vx_error err;
        assert_int_equal(vx_pad(in, dims, lo, hi, MODES[m], 9.0, out, &err), VX_OK);
        for (int i = 0; i < 11; i++)
            if (out[i] != expect[m][i])
                fail_msg("%s padding, position %d: %g, expected %g", vx_pad_name(MODES[m]), i - 4, out[i],
                         expect[m][i]);
    }
    /* vx_pad_index: -1 for constant outside, the mirror sequence over two periods */
    assert_int_equal(vx_pad_index(-1, 3, VX_PAD_CONSTANT), -1);
    assert_int_equal(vx_pad_index(3, 3, VX_PAD_CONSTANT), -1);
    static const int mirror[14] = {0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1}; /* k = -6 .. 7 */
    for (int k = -6; k <= 7; k++)
        assert_int_equal(vx_pad_index(k, 3, VX_PAD_MIRROR), mirror[k + 6]);
    assert_int_equal(vx_pad_index(-7, 3, VX_PAD_PERIODIC), 2);
    assert_int_equal(vx_pad_index(5, 1, VX_PAD_MIRROR), 0);
    assert_int_equal(vx_pad_index(-5, 1, VX_PAD_PERIODIC), 0);
}

static void test_pad_2d(void **state)
{
    (void)state;
    /* [[1 2] [3 4]] (x fastest) padded by one voxel around, in-plane */
    const double in[4] = {1, 2, 3, 4};
    const size_t dims[3] = {2, 2, 1}, lo[3] = {1, 1, 0}, hi[3] = {1, 1, 0};
    static const double expect[4][16] = {
        {0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0},
        {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
        {4, 3, 4, 3, 2, 1, 2, 1, 4, 3, 4, 3, 2, 1, 2, 1},
        {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
    };
    for (int m = 0; m < 4; m++) {
        double out[16];
        assert_int_equal(vx_pad(in, dims, lo, hi, MODES[m], 0.0, out, NULL), VX_OK);
        for (int i = 0; i < 16; i++)
            if (out[i] != expect[m][i])
                fail_msg("%s padding 2D, voxel %d: %g, expected %g", vx_pad_name(MODES[m]), i, out[i], expect[m][i]);
    }
    /* through z as well: a 1 x 1 x 2 column {5, 7} padded by 2 along z, periodic: 5 7 | 5 7 | 5 7 */
    const double col[2] = {5, 7};
    const size_t cd[3] = {1, 1, 2}, clo[3] = {0, 0, 2}, chi[3] = {0, 0, 2};
    double out[6];
    assert_int_equal(vx_pad(col, cd, clo, chi, VX_PAD_PERIODIC, 0.0, out, NULL), VX_OK);
    const double pe[6] = {5, 7, 5, 7, 5, 7};
    assert_memory_equal(out, pe, sizeof pe);
}

static void test_pad_names_and_errors(void **state)
{
    (void)state;
    for (int m = 0; m < 4; m++)
        assert_int_equal(vx_pad_find(vx_pad_name(MODES[m])), MODES[m]);
    assert_int_equal(vx_pad_find("Zero"), VX_PAD_CONSTANT);
    assert_int_equal(vx_pad_find("reflect"), VX_PAD_MIRROR);
    assert_int_equal(vx_pad_find("wrap"), VX_PAD_PERIODIC);
    assert_int_equal(vx_pad_find("bogus"), -1);
    assert_string_equal(vx_pad_name((vx_pad_mode)9), "?");
    double in[1] = {1}, out[1];
    const size_t zero[3] = {0, 1, 1}, one[3] = {1, 1, 1}, none[3] = {0, 0, 0};
    vx_error err;
    assert_int_equal(vx_pad(in, zero, none, none, VX_PAD_MIRROR, 0.0, out, &err), VX_EINVAL);
    assert_int_equal(vx_pad(in, one, none, none, (vx_pad_mode)7, 0.0, out, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "unknown mode"));
}

/* ---- convolution: the naive reference -------------------------------------------------------------------------- */
/* Index of k in 0..n-1 under mode m, written out independently of vx_pad_index (-1: the constant). */
static long ref_index(long k, long n, vx_pad_mode m)
{
    if (k >= 0 && k < n)
        return k;
    if (m == VX_PAD_CONSTANT)
        return -1;
    if (m == VX_PAD_NEAREST)
        return k < 0 ? 0 : n - 1;
    long r = ((k % n) + n) % n;
    if (m == VX_PAD_PERIODIC)
        return r;
    long q = (k - r) / n; /* exact floor(k / n) */
    return (q % 2 == 0) ? r : n - 1 - r;
}

static double ref_value(const double *f, const size_t d[3], long x, long y, long z, vx_pad_mode m, double cval)
{
    long ix = ref_index(x, (long)d[0], m), iy = ref_index(y, (long)d[1], m), iz = ref_index(z, (long)d[2], m);
    if (ix < 0 || iy < 0 || iz < 0)
        return cval;
    return f[(size_t)ix + d[0] * ((size_t)iy + d[1] * (size_t)iz)];
}

/* out[x] = sum_j h[j] f~[x + c - j], c = floor(K / 2) per axis: the definition, summed directly */
static void ref_convolve(const double *f, const size_t d[3], const double *h, const size_t k[3], vx_pad_mode m,
                         double cval, double *out)
{
    const long c[3] = {(long)k[0] / 2, (long)k[1] / 2, (long)k[2] / 2};
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++)
            for (size_t x = 0; x < d[0]; x++) {
                long double acc = 0.0L;
                for (size_t jz = 0; jz < k[2]; jz++)
                    for (size_t jy = 0; jy < k[1]; jy++)
                        for (size_t jx = 0; jx < k[0]; jx++)
                            acc += (long double)h[jx + k[0] * (jy + k[1] * jz)] *
                                   ref_value(f, d, (long)x + c[0] - (long)jx, (long)y + c[1] - (long)jy,
                                             (long)z + c[2] - (long)jz, m, cval);
                out[x + d[0] * (y + d[1] * z)] = (double)acc;
            }
}

static unsigned rng_state;
static double rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (double)((rng_state >> 8) & 0xffff) / 32768.0 - 1.0;
}

static double *random_array(size_t n)
{
    double *a = malloc(n * sizeof *a);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++)
        a[i] = rnd();
    return a;
}

/* max |a - b| <= tol * max |b| */
static void assert_close(const double *a, const double *b, size_t n, double tol, const char *what)
{
    double scale = 0.0, worst = 0.0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        scale = fabs(b[i]) > scale ? fabs(b[i]) : scale;
        if (fabs(a[i] - b[i]) > worst) {
            worst = fabs(a[i] - b[i]);
            at = i;
        }
    }
    if (!(worst <= tol * scale))
        fail_msg("%s: voxel %zu: %.17g vs %.17g (max abs difference %g, scale %g)", what, at, a[at], b[at], worst,
                 scale);
}

static void test_fft_convolve_equals_direct(void **state)
{
    (void)state;
    /* odd and even image sizes, odd and even kernels, a 2D (one slice) case and a kernel larger than the image */
    static const size_t cases[][6] = {
        {7, 6, 5, 3, 3, 3}, {8, 5, 4, 4, 2, 5}, {9, 9, 1, 5, 5, 1}, {6, 7, 3, 1, 1, 1},
        {5, 4, 6, 2, 3, 4}, {3, 4, 2, 7, 6, 5}, {16, 1, 1, 6, 1, 1},
    };
    vx_fft_cache *c;
    assert_int_equal(vx_fft_cache_new(&c, NULL), VX_OK);
    rng_state = 7u;
    for (size_t t = 0; t < sizeof cases / sizeof *cases; t++) {
        const size_t d[3] = {cases[t][0], cases[t][1], cases[t][2]}, k[3] = {cases[t][3], cases[t][4], cases[t][5]};
        const size_t n = d[0] * d[1] * d[2], nk = k[0] * k[1] * k[2];
        double *f = random_array(n), *h = random_array(nk), *ref = malloc(n * sizeof *ref),
               *out = malloc(n * sizeof *out);
        for (int m = 0; m < 4; m++) {
            const double cval = m == 0 ? 1.75 : 0.0;
            ref_convolve(f, d, h, k, MODES[m], cval, ref);
            vx_error err;
            if (vx_fft_convolve(c, f, d, h, k, MODES[m], cval, out, &err) != VX_OK)
                fail_msg("case %zu: %s", t, err.msg);
            char what[128];
            snprintf(what, sizeof what, "FFT convolution %zux%zux%zu * %zux%zux%zu, %s padding", d[0], d[1], d[2],
                     k[0], k[1], k[2], vx_pad_name(MODES[m]));
            assert_close(out, ref, n, 1e-12, what);
        }
        free(f);
        free(h);
        free(ref);
        free(out);
    }
    vx_fft_cache_free(c);
}

static void test_fft_convolve_impulse(void **state)
{
    (void)state;
    /* an impulse at (2, 1, 0) of a 5 x 4 x 2 zero image convolved with an asymmetric 3 x 2 x 1 kernel gives the
     * kernel itself, placed by the definition: out[x] = h[x - 2 + c] with c = (1, 1, 0), flipped nowhere */
    const size_t d[3] = {5, 4, 2}, k[3] = {3, 2, 1};
    double f[40] = {0}, out[40];
    f[2 + 5 * 1] = 1.0;
    const double h[6] = {1, 2, 3, 4, 5, 6};
    vx_fft_cache *c;
    assert_int_equal(vx_fft_cache_new(&c, NULL), VX_OK);
    assert_int_equal(vx_fft_convolve(c, f, d, h, k, VX_PAD_CONSTANT, 0.0, out, NULL), VX_OK);
    for (size_t z = 0; z < 2; z++)
        for (size_t y = 0; y < 4; y++)
            for (size_t x = 0; x < 5; x++) {
                /* j = x0 + c - x... out[x] = h[j] where x + c - j = x0, j = x + c - x0 */
                long jx = (long)x + 1 - 2, jy = (long)y + 1 - 1;
                double e = (z == 0 && jx >= 0 && jx < 3 && jy >= 0 && jy < 2) ? h[jx + 3 * jy] : 0.0;
                assert_true(fabs(out[x + 5 * (y + 4 * z)] - e) < 1e-14);
            }
    vx_fft_cache_free(c);
}

static void test_separable_equals_3d(void **state)
{
    (void)state;
    static const size_t cases[][6] = {{7, 6, 5, 3, 5, 2}, {8, 5, 4, 4, 1, 3}, {6, 6, 1, 5, 5, 0}};
    rng_state = 11u;
    for (size_t t = 0; t < sizeof cases / sizeof *cases; t++) {
        const size_t d[3] = {cases[t][0], cases[t][1], cases[t][2]}, kl[3] = {cases[t][3], cases[t][4], cases[t][5]};
        const size_t n = d[0] * d[1] * d[2];
        double *k1[3];
        size_t k3[3];
        for (int a = 0; a < 3; a++) {
            k1[a] = kl[a] ? random_array(kl[a]) : NULL;
            k3[a] = kl[a] ? kl[a] : 1; /* a skipped axis is the identity kernel [1] */
        }
        double *h = malloc(k3[0] * k3[1] * k3[2] * sizeof *h);
        for (size_t z = 0; z < k3[2]; z++)
            for (size_t y = 0; y < k3[1]; y++)
                for (size_t x = 0; x < k3[0]; x++)
                    h[x + k3[0] * (y + k3[1] * z)] =
                        (k1[0] ? k1[0][x] : 1.0) * (k1[1] ? k1[1][y] : 1.0) * (k1[2] ? k1[2][z] : 1.0);
        double *f = random_array(n), *ref = malloc(n * sizeof *ref), *out = malloc(n * sizeof *out);
        for (int m = 0; m < 4; m++) {
            const double cval = m == 0 ? -2.5 : 0.0; /* a non-zero constant: the passes must carry it */
            ref_convolve(f, d, h, k3, MODES[m], cval, ref);
            const double *kk[3] = {k1[0], k1[1], k1[2]};
            vx_error err;
            if (vx_separable_convolve(f, d, kk, kl, MODES[m], cval, out, &err) != VX_OK)
                fail_msg("%s", err.msg);
            char what[128];
            snprintf(what, sizeof what, "separable %zu,%zu,%zu on %zux%zux%zu, %s padding", kl[0], kl[1], kl[2], d[0],
                     d[1], d[2], vx_pad_name(MODES[m]));
            assert_close(out, ref, n, 1e-12, what);
            /* in place gives the same */
            double *g = malloc(n * sizeof *g);
            memcpy(g, f, n * sizeof *g);
            assert_int_equal(vx_separable_convolve(g, d, kk, kl, MODES[m], cval, g, NULL), VX_OK);
            assert_memory_equal(g, out, n * sizeof *g);
            free(g);
        }
        for (int a = 0; a < 3; a++)
            free(k1[a]);
        free(h);
        free(f);
        free(ref);
        free(out);
    }
}

/* ---- plans ------------------------------------------------------------------------------------------------------- */
static void test_plans_reused(void **state)
{
    (void)state;
    vx_fft_cache *c;
    assert_int_equal(vx_fft_cache_new(&c, NULL), VX_OK);
    assert_int_equal(vx_fft_cache_plans_made(c), 0);
    const size_t d[3] = {10, 9, 7}, k[3] = {3, 3, 3}, n = 630;
    rng_state = 3u;
    double *f = random_array(n), *h = random_array(27), *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_int_equal(vx_fft_convolve(c, f, d, h, k, VX_PAD_MIRROR, 0.0, a, NULL), VX_OK);
    const size_t first = vx_fft_cache_plans_made(c);
    assert_int_equal(first, 2); /* forward r2c and inverse c2r */
    assert_int_equal(vx_fft_convolve(c, f, d, h, k, VX_PAD_MIRROR, 0.0, b, NULL), VX_OK);
    assert_int_equal(vx_fft_cache_plans_made(c), first); /* the second call does not plan */
    assert_memory_equal(a, b, n * sizeof *a);
    /* another padding mode, same sizes: same plans; another transform size (13 + 2 = 15, 11 -> 12, 7): two more,
     * while an image whose padded size rounds to the same transform (9 + 2 -> 12, 12, 9) reuses them */
    assert_int_equal(vx_fft_convolve(c, f, d, h, k, VX_PAD_NEAREST, 0.0, b, NULL), VX_OK);
    assert_int_equal(vx_fft_cache_plans_made(c), 2);
    const size_t d1[3] = {9, 10, 7}, d2[3] = {13, 9, 5};
    assert_int_equal(vx_fft_convolve(c, f, d1, h, k, VX_PAD_MIRROR, 0.0, b, NULL), VX_OK);
    assert_int_equal(vx_fft_cache_plans_made(c), 2);
    assert_int_equal(vx_fft_convolve(c, f, d2, h, k, VX_PAD_MIRROR, 0.0, b, NULL), VX_OK);
    assert_int_equal(vx_fft_cache_plans_made(c), 4);
    assert_int_equal(vx_fft_cache_size(c), 4);

    /* the guru interface: the same request gives the same plan; execution checks the arrays' alignment */
    double *in = fftw_malloc(64 * sizeof *in);
    fftw_complex *out = fftw_malloc(33 * sizeof *out);
    memset(in, 0, 64 * sizeof *in);
    const vx_fft_dim dim = {32, 1, 1};
    const vx_fft_plan *p1, *p2;
    assert_int_equal(vx_fft_plan_get(c, VX_FFT_R2C, 1, &dim, 0, NULL, in, out, 0, &p1, NULL), VX_OK);
    assert_int_equal(vx_fft_plan_get(c, VX_FFT_R2C, 1, &dim, 0, NULL, in, out, 0, &p2, NULL), VX_OK);
    assert_ptr_equal(p1, p2);
    assert_int_equal(vx_fft_cache_plans_made(c), 5);
    in[0] = 1.0; /* impulse: flat spectrum */
    assert_int_equal(vx_fft_execute(p1, in, out, NULL), VX_OK);
    for (int i = 0; i < 17; i++)
        assert_true(out[i][0] == 1.0 && out[i][1] == 0.0);
    vx_error err;
    assert_int_equal(vx_fft_execute(p1, in + 1, out, &err), VX_EINVAL); /* 8-byte offset: other alignment */
    assert_non_null(strstr(err.msg, "alignment"));
    const vx_fft_dim bad = {0, 1, 1};
    assert_int_equal(vx_fft_plan_get(c, VX_FFT_R2C, 1, &bad, 0, NULL, in, out, 0, &p1, &err), VX_EINVAL);
    fftw_free(in);
    fftw_free(out);
    free(f);
    free(h);
    free(a);
    free(b);
    vx_fft_cache_free(c);
}

typedef struct job {
    vx_fft_cache *cache;
    const double *f, *h;
    const double *expect[2]; /* single-thread results for the two sizes */
    int fails;
} job;

static const size_t JD[2][3] = {{12, 10, 8}, {11, 9, 7}}, JK[3] = {3, 3, 3};

static void *worker(void *arg)
{
    job *j = arg;
    double *out = malloc(12 * 10 * 8 * sizeof *out);
    for (int it = 0; it < 24; it++) {
        const int s = it % 2;
        const size_t n = JD[s][0] * JD[s][1] * JD[s][2];
        if (vx_fft_convolve(j->cache, j->f, JD[s], j->h, JK, VX_PAD_PERIODIC, 0.0, out, NULL) != VX_OK ||
            memcmp(out, j->expect[s], n * sizeof *out) != 0)
            j->fails++;
    }
    free(out);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    rng_state = 5u;
    double *f = random_array(12 * 10 * 8), *h = random_array(27);
    double *e0 = malloc(960 * sizeof *e0), *e1 = malloc(693 * sizeof *e1);
    /* reference results from a cache of their own, one thread */
    vx_fft_cache *c0;
    assert_int_equal(vx_fft_cache_new(&c0, NULL), VX_OK);
    assert_int_equal(vx_fft_convolve(c0, f, JD[0], h, JK, VX_PAD_PERIODIC, 0.0, e0, NULL), VX_OK);
    assert_int_equal(vx_fft_convolve(c0, f, JD[1], h, JK, VX_PAD_PERIODIC, 0.0, e1, NULL), VX_OK);
    vx_fft_cache_free(c0);
    /* two threads on one shared cache, then two threads with a cache each (planning concurrently) */
    for (int shared = 1; shared >= 0; shared--) {
        vx_fft_cache *c[2];
        assert_int_equal(vx_fft_cache_new(&c[0], NULL), VX_OK);
        c[1] = c[0];
        if (!shared)
            assert_int_equal(vx_fft_cache_new(&c[1], NULL), VX_OK);
        job jobs[2];
        pthread_t th[2];
        for (int t = 0; t < 2; t++) {
            jobs[t] = (job){c[t], f, h, {e0, e1}, 0};
            assert_int_equal(pthread_create(&th[t], NULL, worker, &jobs[t]), 0);
        }
        for (int t = 0; t < 2; t++)
            assert_int_equal(pthread_join(th[t], NULL), 0);
        assert_int_equal(jobs[0].fails + jobs[1].fails, 0);
        /* each size planned once per cache, whatever the interleaving */
        assert_int_equal(vx_fft_cache_plans_made(c[0]), 4);
        assert_int_equal(vx_fft_cache_plans_made(c[1]), 4);
        vx_fft_cache_free(c[0]);
        if (!shared)
            vx_fft_cache_free(c[1]);
    }
    free(f);
    free(h);
    free(e0);
    free(e1);
}

/* Moran's I / Geary's C on a caller's cache: same values as on a cache of the call's own, and a second
 * evaluation plans nothing. */
static void test_moran_on_cache(void **state)
{
    (void)state;
    const size_t nx = 14, ny = 11, nz = 9, n = nx * ny * nz;
    float *img = malloc(n * sizeof *img);
    uint8_t *m = malloc(n);
    rng_state = 9u;
    for (size_t i = 0; i < n; i++) {
        img[i] = (float)(100.0 * rnd());
        m[i] = rnd() > -0.6;
    }
    vx_roi roi;
    memset(&roi, 0, sizeof roi);
    roi.dims[0] = nx;
    roi.dims[1] = ny;
    roi.dims[2] = nz;
    roi.spacing[0] = 0.8;
    roi.spacing[1] = 1.0;
    roi.spacing[2] = 2.5;
    roi.box_hi[0] = nx;
    roi.box_hi[1] = ny;
    roi.box_hi[2] = nz;
    roi.img = img;
    roi.imask = roi.mmask = m;
    double mi0, gc0, mi1, gc1, mid, gcd;
    assert_int_equal(vx_morph_moran_geary(&roi, VX_MORAN_FFT, 1, &mi0, &gc0, NULL), VX_OK);
    vx_fft_cache *c;
    assert_int_equal(vx_fft_cache_new(&c, NULL), VX_OK);
    roi.fft = c;
    assert_int_equal(vx_morph_moran_geary(&roi, VX_MORAN_FFT, 2, &mi1, &gc1, NULL), VX_OK);
    size_t made = vx_fft_cache_plans_made(c);
    assert_true(made > 0);
    assert_memory_equal(&mi0, &mi1, sizeof mi0);
    assert_memory_equal(&gc0, &gc1, sizeof gc0);
    assert_int_equal(vx_morph_moran_geary(&roi, VX_MORAN_FFT, 1, &mi1, &gc1, NULL), VX_OK);
    assert_int_equal(vx_fft_cache_plans_made(c), made);
    assert_memory_equal(&mi0, &mi1, sizeof mi0);
    /* and the exact direct sum agrees */
    assert_int_equal(vx_morph_moran_geary(&roi, VX_MORAN_DIRECT, 1, &mid, &gcd, NULL), VX_OK);
    assert_true(fabs(mi0 - mid) <= 1e-12 * fabs(mid));
    assert_true(fabs(gc0 - gcd) <= 1e-12 * fabs(gcd));
    vx_fft_cache_free(c);
    free(img);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pad_1d),
        cmocka_unit_test(test_pad_2d),
        cmocka_unit_test(test_pad_names_and_errors),
        cmocka_unit_test(test_fft_convolve_equals_direct),
        cmocka_unit_test(test_fft_convolve_impulse),
        cmocka_unit_test(test_separable_equals_3d),
        cmocka_unit_test(test_plans_reused),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_moran_on_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
