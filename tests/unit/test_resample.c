/* Unit tests: interpolation onto a new grid (IBSI 1 "Interpolation", voxomics/process.h).
 *
 * Every expected value below is derived from the IBSI formulas, not from the library's output:
 *   grid size       n' = ceil(n s / s')
 *   first position  x0 = (n - 1 - (s'/s) (n' - 1)) / 2   (grid coordinates of the input, "align grid centers")
 *   target j        x0 + j s'/s
 *   world origin    o' = o + D diag(shift), shift_a = s_a x0_a = ((n - 1) s - (n' - 1) s') / 2 mm
 *   outside the input grid the image continues with its nearest boundary voxel.
 * The library quantises sample positions to 2^-24 voxel (see POS_TOL); positions are checked against the
 * formula above to that tolerance, and interpolated values against hand-derived functions of the position.
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

#include "voxomics/process.h"
#include "vx_test.h"

/* ---- helpers -------------------------------------------------------------------------------------------- */

/* Identity direction, origin 0, the given dims and spacing. */
static void geom(vx_geometry *g, size_t nx, size_t ny, size_t nz, double sx, double sy, double sz)
{
    vx_geometry_default(g, nx, ny, nz);
    g->spacing[0] = sx;
    g->spacing[1] = sy;
    g->spacing[2] = sz;
}

/* IBSI "Interpolation grid position": grid coordinate of target voxel j along an axis (input n voxels of
 * spacing s, target n2 voxels of spacing s2). */
static double ibsi_pos(size_t n, double s, size_t n2, double s2, double j)
{
    double sg = s2 / s;
    return 0.5 * ((double)n - 1.0 - sg * ((double)n2 - 1.0)) + j * sg;
}

/* vx_resample_position snaps positions to a multiple of 2^-24 voxel (resample.c: so that grids equal up to
 * rounding noise get the same weights), so it can differ from the IBSI formula by up to half a step. */
#define POS_TOL (1.0 / 33554432.0 + 1e-14)

/* The position where the library samples target j along axis a, checked against the IBSI formula to POS_TOL.
 * The polynomial tests evaluate their expected values there: they check the interpolator at its sample
 * positions (to ~1e-12), while the positions themselves are checked against IBSI here and in
 * test_position_formula. */
static double sample_pos(const vx_geometry *in, const vx_geometry *out, int a, size_t j)
{
    double p = vx_resample_position(in, out, a, (double)j);
    vx_assert_near(p, ibsi_pos(in->dims[a], in->spacing[a], out->dims[a], out->spacing[a], (double)j), POS_TOL);
    return p;
}

static double clampd(double p, size_t n)
{
    return p < 0.0 ? 0.0 : (p > (double)n - 1.0 ? (double)n - 1.0 : p);
}

static size_t clampz(long k, size_t n)
{
    return k < 0 ? 0 : ((size_t)k >= n ? n - 1 : (size_t)k);
}

static size_t idx3(const size_t d[3], size_t x, size_t y, size_t z)
{
    return x + d[0] * (y + d[1] * z);
}

/* Deterministic pseudo-random values: multiples of 1/8 in [-500, 500) (exact in float). */
static unsigned lcg_state;
static float lcg_value(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (float)((double)((lcg_state >> 8) % 8000u) / 8.0 - 500.0);
}

static float *random_image(const vx_geometry *g, unsigned seed)
{
    size_t n = vx_geometry_count(g);
    float *v = malloc(n * sizeof *v);
    assert_non_null(v);
    lcg_state = seed;
    for (size_t i = 0; i < n; i++)
        v[i] = lcg_value();
    return v;
}

/* Resample the whole target grid; fails the test on an error. Caller frees. */
static double *resample_all(const float *src, const vx_geometry *in, const vx_geometry *out, vx_interp m,
                            int round_src)
{
    size_t lo[3] = {0, 0, 0};
    double *dst = malloc(vx_geometry_count(out) * sizeof *dst);
    assert_non_null(dst);
    vx_error err = {0};
    int rc = vx_resample_box(src, in, out, lo, out->dims, m, round_src, dst, &err);
    if (rc != VX_OK)
        print_error("vx_resample_box: %s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    return dst;
}

static void new_grid(const vx_geometry *in, double sx, double sy, double sz, vx_geometry *out)
{
    double sp[3] = {sx, sy, sz};
    vx_error err = {0};
    int rc = vx_resample_grid(in, sp, out, &err);
    if (rc != VX_OK)
        print_error("vx_resample_grid: %s\n", err.msg);
    assert_int_equal(rc, VX_OK);
}

/* ---- 1. grid ---------------------------------------------------------------------------------------------- */

/* IBSI manual example: 4 x 4 grid of 3 mm to 2 mm. n' = ceil(4 * 3 / 2) = 6; first target at grid coordinate
 * 0.5 (3 - 2/3 * 5) = -1/6, i.e. -0.5 mm; last at -1/6 + 5 * 2/3 = 19/6; their midpoint 1.5 = (n - 1) / 2 is
 * the input grid centre. The third axis (1 slice, NaN spacing) is kept. */
static void test_grid_manual_example(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 4, 4, 1, 3.0, 3.0, 5.0);
    in.origin[0] = 100.0;
    in.origin[1] = -20.0;
    in.origin[2] = 7.0;
    new_grid(&in, 2.0, 2.0, NAN, &out);
    assert_int_equal(out.dims[0], 6);
    assert_int_equal(out.dims[1], 6);
    assert_int_equal(out.dims[2], 1);
    vx_assert_close(out.spacing[0], 2.0);
    vx_assert_close(out.spacing[1], 2.0);
    vx_assert_close(out.spacing[2], 5.0);
    vx_assert_close(out.origin[0], 99.5);
    vx_assert_close(out.origin[1], -20.5);
    vx_assert_close(out.origin[2], 7.0);
    for (int i = 0; i < 9; i++)
        vx_assert_close(out.direction[i], in.direction[i]);
    for (int a = 0; a < 2; a++) {
        vx_assert_near(vx_resample_position(&in, &out, a, 0.0), -1.0 / 6.0, POS_TOL);
        vx_assert_near(vx_resample_position(&in, &out, a, 5.0), 19.0 / 6.0, POS_TOL);
        double mid = 0.5 * (vx_resample_position(&in, &out, a, 0.0) + vx_resample_position(&in, &out, a, 5.0));
        vx_assert_near(mid, 1.5, POS_TOL);
    }
    vx_assert_near(vx_resample_position(&in, &out, 2, 0.0), 0.0, POS_TOL);
}

/* IBSI CT phantom: 204 x 201 x 60 voxels of 0.977 x 0.977 x 3 mm to 2 mm isotropic:
 *   n' = ceil(199.308 / 2) = 100, ceil(196.377 / 2) = 99, 180 / 2 = 90;
 *   shift = (203 * 0.977 - 99 * 2) / 2 = 0.1655, (200 * 0.977 - 98 * 2) / 2 = -0.3, (59 * 3 - 89 * 2) / 2 = -0.5 mm. */
static void test_grid_ct_phantom(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 204, 201, 60, 0.977, 0.977, 3.0);
    in.origin[0] = -99.5;
    in.origin[1] = -250.0;
    in.origin[2] = 12.0;
    new_grid(&in, 2.0, 2.0, 2.0, &out);
    assert_int_equal(out.dims[0], 100);
    assert_int_equal(out.dims[1], 99);
    assert_int_equal(out.dims[2], 90);
    vx_assert_near(out.origin[0], -99.5 + 0.1655, 1e-12);
    vx_assert_near(out.origin[1], -250.0 - 0.3, 1e-12);
    vx_assert_near(out.origin[2], 12.0 - 0.5, 1e-12);
    for (int a = 0; a < 3; a++)
        vx_assert_close(out.spacing[a], 2.0);
}

/* An axis whose spacing is NaN, 0 or negative keeps dims, spacing and origin; the others still move. */
static void test_grid_keep_axis(void **state)
{
    (void)state;
    const double keep[3] = {NAN, 0.0, -1.0};
    for (int t = 0; t < 3; t++) {
        vx_geometry in, out;
        geom(&in, 5, 7, 9, 1.25, 0.8, 2.5);
        in.origin[0] = 3.0;
        in.origin[1] = -4.0;
        in.origin[2] = 1.5;
        new_grid(&in, keep[t], 0.5, keep[t], &out);
        /* kept axes 0 and 2 */
        assert_int_equal(out.dims[0], 5);
        assert_int_equal(out.dims[2], 9);
        vx_assert_close(out.spacing[0], 1.25);
        vx_assert_close(out.spacing[2], 2.5);
        vx_assert_close(out.origin[0], 3.0);
        vx_assert_close(out.origin[2], 1.5);
        vx_assert_near(vx_resample_position(&in, &out, 0, 3.0), 3.0, POS_TOL);
        vx_assert_near(vx_resample_position(&in, &out, 2, 8.0), 8.0, POS_TOL);
        /* axis 1: n' = ceil(7 * 0.8 / 0.5) = ceil(11.2) = 12, shift = (6 * 0.8 - 11 * 0.5) / 2 = -0.35 mm */
        assert_int_equal(out.dims[1], 12);
        vx_assert_close(out.spacing[1], 0.5);
        vx_assert_near(out.origin[1], -4.35, 1e-12);
    }
}

/* Rotated and flipped direction: columns (world direction of array axes) axis 0 -> +y, axis 1 -> -x,
 * axis 2 -> -z. Input 4 x 6 x 5 of 3 x 1 x 2 mm at (10, 20, 30) to (2, NaN, 1.5) mm:
 *   axis 0: n' = ceil(12 / 2) = 6, shift = (3 * 3 - 5 * 2) / 2 = -0.5 mm  -> origin += -0.5 (0, 1, 0)
 *   axis 1: kept (6 voxels, shift 0)
 *   axis 2: n' = ceil(10 / 1.5) = 7, shift = (4 * 2 - 6 * 1.5) / 2 = -0.5 mm -> origin += -0.5 (0, 0, -1)
 *   origin' = (10, 19.5, 30.5). Positions: axis 0 (-0.5 + 2 j) / 3, axis 1 j, axis 2 (-0.5 + 1.5 j) / 2.
 * Interpolation happens in index space, so the samples equal those of the same grid with identity direction
 * (bit for bit: the projections onto the direction columns multiply by 0 and +-1 only). */
static void test_grid_rotated(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 4, 6, 5, 3.0, 1.0, 2.0);
    const double dir[9] = {0, -1, 0, 1, 0, 0, 0, 0, -1}; /* row-major, column c = axis c */
    memcpy(in.direction, dir, sizeof dir);
    in.origin[0] = 10.0;
    in.origin[1] = 20.0;
    in.origin[2] = 30.0;
    new_grid(&in, 2.0, NAN, 1.5, &out);
    assert_int_equal(out.dims[0], 6);
    assert_int_equal(out.dims[1], 6);
    assert_int_equal(out.dims[2], 7);
    vx_assert_close(out.origin[0], 10.0);
    vx_assert_close(out.origin[1], 19.5);
    vx_assert_close(out.origin[2], 30.5);
    for (int i = 0; i < 9; i++)
        vx_assert_close(out.direction[i], dir[i]);
    for (int j = 0; j < 6; j++) {
        vx_assert_near(vx_resample_position(&in, &out, 0, j), (-0.5 + 2.0 * j) / 3.0, POS_TOL);
        vx_assert_near(vx_resample_position(&in, &out, 1, j), (double)j, POS_TOL);
    }
    for (int j = 0; j < 7; j++)
        vx_assert_near(vx_resample_position(&in, &out, 2, j), (-0.5 + 1.5 * j) / 2.0, POS_TOL);

    vx_geometry in_id, out_id;
    geom(&in_id, 4, 6, 5, 3.0, 1.0, 2.0);
    new_grid(&in_id, 2.0, NAN, 1.5, &out_id);
    float *src = random_image(&in, 11);
    for (int m = VX_INTERP_NEAREST; m <= VX_INTERP_CUBIC; m++) {
        double *a = resample_all(src, &in, &out, (vx_interp)m, 0);
        double *b = resample_all(src, &in_id, &out_id, (vx_interp)m, 0);
        assert_memory_equal(a, b, vx_geometry_count(&out) * sizeof *a);
        free(a);
        free(b);
    }
    free(src);
}

/* Extents that are exact multiples of the new spacing must not gain a voxel from floating-point noise:
 * 60 * 3 / 2 = 90; 3 * 0.1 / 0.3 = 1 (double: 1.0000000000000002); 6 * 0.1 / 0.2 = 3 (3.0000000000000004);
 * 9 * 1.1 / 3.3 = 3 (3.0000000000000004). A true fraction still rounds up: 61 * 3 / 2 = 91.5 -> 92. */
static void test_grid_exact_multiple(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 7, 5, 60, 1.0, 1.0, 3.0);
    new_grid(&in, NAN, NAN, 2.0, &out);
    assert_int_equal(out.dims[2], 90);
    /* first position (59 - 2/3 * 89) / 2 = -1/6: centres aligned, not -0.5 + ... of a 91-voxel grid */
    vx_assert_near(vx_resample_position(&in, &out, 2, 0.0), -1.0 / 6.0, POS_TOL);

    geom(&in, 3, 6, 9, 0.1, 0.1, 1.1);
    new_grid(&in, 0.3, 0.2, 3.3, &out);
    assert_int_equal(out.dims[0], 1);
    assert_int_equal(out.dims[1], 3);
    assert_int_equal(out.dims[2], 3);
    /* a single target voxel sits at the input centre: (3 - 1) / 2 = 1 */
    vx_assert_near(vx_resample_position(&in, &out, 0, 0.0), 1.0, POS_TOL);

    geom(&in, 7, 5, 61, 1.0, 1.0, 3.0);
    new_grid(&in, NAN, NAN, 2.0, &out);
    assert_int_equal(out.dims[2], 92);
}

/* vx_resample_position = (offset of the target origin along the axis + j s') / s, checked against the IBSI
 * formula on an anisotropic grid with up- and down-sampling and a non-zero origin. */
static void test_position_formula(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 13, 8, 5, 0.7, 2.2, 3.1);
    in.origin[0] = -12.5;
    in.origin[1] = 40.25;
    in.origin[2] = 3.0;
    new_grid(&in, 0.45, 3.0, 1.0, &out);
    /* n' = ceil(9.1 / 0.45) = ceil(20.22) = 21, ceil(17.6 / 3) = 6, ceil(15.5 / 1) = 16 */
    assert_int_equal(out.dims[0], 21);
    assert_int_equal(out.dims[1], 6);
    assert_int_equal(out.dims[2], 16);
    for (int a = 0; a < 3; a++)
        for (size_t j = 0; j < out.dims[a]; j++)
            vx_assert_near(vx_resample_position(&in, &out, a, (double)j),
                           ibsi_pos(in.dims[a], in.spacing[a], out.dims[a], out.spacing[a], (double)j), POS_TOL);
    /* fractional j is allowed too (continuous) */
    vx_assert_near(vx_resample_position(&in, &out, 0, 2.5), ibsi_pos(13, 0.7, 21, 0.45, 2.5), POS_TOL);
}

/* ---- 2. interpolators reproduce polynomials -------------------------------------------------------------- */

/* Multilinear in index coordinates; dyadic coefficients, so the samples are exact in float. */
static double f_multilinear(double x, double y, double z)
{
    return 3.0 + 0.5 * x - 1.25 * y + 2.0 * z + 0.75 * x * y - 0.5 * x * z + 0.25 * y * z + 0.125 * x * y * z;
}

/* Linear interpolation is multilinear in each cell, so it reproduces f exactly at interior targets. Outside
 * the input grid the image continues with its boundary voxels, and linear interpolation between equal
 * values gives that value: the result there is f at the clamped position. So every target voxel equals
 * f(clamp(px), clamp(py), clamp(pz)) (to rounding, 1e-12 relative), p the sample positions (sample_pos).
 * Input 7 x 5 x 4 of 1.5 x 2 x 3 mm to 1 x 3 x 1.25 mm: x and z up-sampled, y down-sampled;
 * n' = ceil(10.5) = 11, ceil(10 / 3) = 4, ceil(9.6) = 10. */
static void test_linear_multilinear(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 7, 5, 4, 1.5, 2.0, 3.0);
    in.origin[0] = 1.0;
    in.origin[1] = 2.0;
    in.origin[2] = -3.0;
    float *src = malloc(vx_geometry_count(&in) * sizeof *src);
    assert_non_null(src);
    for (size_t z = 0; z < 4; z++)
        for (size_t y = 0; y < 5; y++)
            for (size_t x = 0; x < 7; x++)
                src[idx3(in.dims, x, y, z)] = (float)f_multilinear((double)x, (double)y, (double)z);
    new_grid(&in, 1.0, 3.0, 1.25, &out);
    assert_int_equal(out.dims[0], 11);
    assert_int_equal(out.dims[1], 4);
    assert_int_equal(out.dims[2], 10);
    double *dst = resample_all(src, &in, &out, VX_INTERP_LINEAR, 0);
    size_t interior = 0, outside = 0;
    for (size_t k = 0; k < out.dims[2]; k++)
        for (size_t j = 0; j < out.dims[1]; j++)
            for (size_t i = 0; i < out.dims[0]; i++) {
                double px = sample_pos(&in, &out, 0, i), py = sample_pos(&in, &out, 1, j),
                       pz = sample_pos(&in, &out, 2, k);
                double cx = clampd(px, 7), cy = clampd(py, 5), cz = clampd(pz, 4);
                if (cx == px && cy == py && cz == pz)
                    interior++;
                else
                    outside++;
                vx_assert_near_rel(dst[idx3(out.dims, i, j, k)], f_multilinear(cx, cy, cz), 1e-12);
            }
    /* x positions -1/3 + 2j/3: -1/3 and 19/3 > 6 fall outside (9 inside); y positions -0.25 + 1.5 j
     * (-0.25, 1.25, 2.75, 4.25): 2 inside; z positions -0.375 + 5k/12: -0.375 and 3.375 > 3 fall outside (8 inside) */
    assert_int_equal(interior, 9 * 2 * 8);
    assert_int_equal(outside, 11 * 4 * 10 - 9 * 2 * 8);
    free(dst);
    free(src);
}

/* Degree <= 3 in each variable: x^3 - 2 x y + z^2 (index coordinates; integers < 2^24, exact in float). */
static double f_cubic(double x, double y, double z)
{
    return x * x * x - 2.0 * x * y + z * z;
}

/* Cubic B-spline interpolation reproduces polynomials of degree <= 3 on an infinite grid. The image is
 * finite and continues as a constant, which is not polynomial; the exact prefilter spreads that mismatch
 * with the pole z = sqrt(3) - 2, |z| = 0.268, so at 25 voxels from the border it has decayed by
 * 0.268^25 ~ 5e-15 (times the mismatch scale ~1e4 here: ~1e-10 absolute on values up to ~5e4).
 * 64^3 voxels of 1 x 1.5 x 2 mm to 0.7 x 2.0 x 1.3 mm (x, z up-sampled, y down-sampled); the targets whose
 * positions lie in [25, 38] on every axis are checked to 1e-9 relative against f at the sample positions. */
static void test_cubic_polynomial(void **state)
{
    (void)state;
    const size_t n = 64;
    const double margin = 25.0;
    vx_geometry in, out;
    geom(&in, n, n, n, 1.0, 1.5, 2.0);
    float *src = malloc(vx_geometry_count(&in) * sizeof *src);
    assert_non_null(src);
    for (size_t z = 0; z < n; z++)
        for (size_t y = 0; y < n; y++)
            for (size_t x = 0; x < n; x++)
                src[idx3(in.dims, x, y, z)] = (float)f_cubic((double)x, (double)y, (double)z);
    new_grid(&in, 0.7, 2.0, 1.3, &out);
    /* n' = ceil(64 / 0.7) = 92, ceil(96 / 2) = 48, ceil(128 / 1.3) = 99 */
    assert_int_equal(out.dims[0], 92);
    assert_int_equal(out.dims[1], 48);
    assert_int_equal(out.dims[2], 99);
    size_t lo[3], hi[3];
    for (int a = 0; a < 3; a++) {
        lo[a] = out.dims[a];
        hi[a] = 0;
        for (size_t j = 0; j < out.dims[a]; j++) {
            double p = ibsi_pos(n, in.spacing[a], out.dims[a], out.spacing[a], (double)j);
            if (p >= margin && p <= (double)n - 1.0 - margin) {
                lo[a] = j < lo[a] ? j : lo[a];
                hi[a] = j + 1;
            }
        }
        assert_true(hi[a] > lo[a] + 5);
    }
    size_t nb = (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
    double *dst = malloc(nb * sizeof *dst);
    assert_non_null(dst);
    vx_error err = {0};
    assert_int_equal(vx_resample_box(src, &in, &out, lo, hi, VX_INTERP_CUBIC, 0, dst, &err), VX_OK);
    size_t t = 0;
    for (size_t k = lo[2]; k < hi[2]; k++)
        for (size_t j = lo[1]; j < hi[1]; j++)
            for (size_t i = lo[0]; i < hi[0]; i++, t++) {
                double px = sample_pos(&in, &out, 0, i), py = sample_pos(&in, &out, 1, j),
                       pz = sample_pos(&in, &out, 2, k);
                vx_assert_near_rel(dst[t], f_cubic(px, py, pz), 1e-9);
            }
    assert_int_equal(t, nb);
    /* and linear does not reproduce x^3 (sanity check that the test can fail): somewhere off by > 0.01 */
    assert_int_equal(vx_resample_box(src, &in, &out, lo, hi, VX_INTERP_LINEAR, 0, dst, &err), VX_OK);
    double worst = 0.0;
    t = 0;
    for (size_t k = lo[2]; k < hi[2]; k++)
        for (size_t j = lo[1]; j < hi[1]; j++)
            for (size_t i = lo[0]; i < hi[0]; i++, t++) {
                double e = fabs(dst[t] - f_cubic(sample_pos(&in, &out, 0, i), sample_pos(&in, &out, 1, j),
                                                 sample_pos(&in, &out, 2, k)));
                worst = e > worst ? e : worst;
            }
    assert_true(worst > 0.01);
    free(dst);
    free(src);
}

/* Target grid = input grid shifted by whole voxels (same spacing, origin moved by +2 voxels along axis 0 and
 * -1 voxel along axis 1, a rotated direction): every interpolator returns the input voxel at (i + 2, j - 1, k),
 * clamped to the grid (constant continuation), exactly. */
static void test_pass_through_shift(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 6, 5, 4, 0.8, 1.7, 2.5);
    const double dir[9] = {0, 0, 1, -1, 0, 0, 0, 1, 0}; /* axis 0 -> -y, axis 1 -> +z, axis 2 -> +x */
    memcpy(in.direction, dir, sizeof dir);
    in.origin[0] = 5.0;
    in.origin[1] = -7.0;
    in.origin[2] = 11.0;
    out = in;
    /* origin + 2 * 0.8 * (0, -1, 0) - 1 * 1.7 * (0, 0, 1) */
    out.origin[1] -= 1.6;
    out.origin[2] -= 1.7;
    vx_assert_near(vx_resample_position(&in, &out, 0, 0.0), 2.0, 1e-12);
    vx_assert_near(vx_resample_position(&in, &out, 1, 0.0), -1.0, 1e-12);
    vx_assert_near(vx_resample_position(&in, &out, 2, 0.0), 0.0, 1e-12);
    float *src = random_image(&in, 5);
    for (int m = VX_INTERP_NEAREST; m <= VX_INTERP_CUBIC; m++) {
        double *dst = resample_all(src, &in, &out, (vx_interp)m, 0);
        for (size_t k = 0; k < 4; k++)
            for (size_t j = 0; j < 5; j++)
                for (size_t i = 0; i < 6; i++) {
                    size_t si = clampz((long)i + 2, 6), sj = clampz((long)j - 1, 5);
                    assert_true(dst[idx3(out.dims, i, j, k)] == (double)src[idx3(in.dims, si, sj, k)]);
                }
        free(dst);
    }
    free(src);
}

/* Interpolation (not the copy path) through the input values: s' = s / 3 gives n' = 3 n and a first position
 * (n - 1 - (3 n - 1) / 3) / 2 = -1/3, so target 3 k + 1 lies exactly on input voxel k. Linear and cubic
 * B-spline (an interpolating spline: the prefilter makes it pass through the samples) return the input
 * value there, to rounding. */
static void test_pass_through_refined(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 5, 4, 6, 3.0, 1.5, 2.0);
    new_grid(&in, 1.0, 0.5, 2.0 / 3.0, &out);
    assert_int_equal(out.dims[0], 15);
    assert_int_equal(out.dims[1], 12);
    assert_int_equal(out.dims[2], 18);
    for (int a = 0; a < 3; a++)
        vx_assert_near(vx_resample_position(&in, &out, a, 1.0), 0.0, 1e-12);
    float *src = random_image(&in, 77);
    for (int m = VX_INTERP_LINEAR; m <= VX_INTERP_CUBIC; m++) {
        double *dst = resample_all(src, &in, &out, (vx_interp)m, 0);
        for (size_t k = 0; k < 6; k++)
            for (size_t j = 0; j < 4; j++)
                for (size_t i = 0; i < 5; i++)
                    vx_assert_near(dst[idx3(out.dims, 3 * i + 1, 3 * j + 1, 3 * k + 1)],
                                   (double)src[idx3(in.dims, i, j, k)], 1e-10); /* values up to 500 */
        free(dst);
    }
    free(src);
}

/* Nearest: the input voxel nearest to each target position (brute force over all input voxels, clamped to the
 * grid outside it), on an anisotropic grid with up- and down-sampling. No position here is within 1e-6 of a
 * tie (checked), so rounding of the positions cannot change the answer. */
static size_t nearest_index(double p, size_t n)
{
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (fabs(p - (double)k) <= fabs(p - (double)best)) /* <=: ties to the higher index */
            best = k;
    return best;
}

static void test_nearest_general(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 9, 7, 4, 1.1, 2.0, 3.0);
    new_grid(&in, 0.7, 2.9, 1.3, &out);
    /* n' = ceil(9.9 / 0.7) = 15, ceil(14 / 2.9) = 5, ceil(12 / 1.3) = 10. (An even n with an odd n' would put
     * the middle target exactly half way, at (n - 1) / 2: that case is in test_nearest_ties.) */
    assert_int_equal(out.dims[0], 15);
    assert_int_equal(out.dims[1], 5);
    assert_int_equal(out.dims[2], 10);
    float *src = random_image(&in, 3);
    double *dst = resample_all(src, &in, &out, VX_INTERP_NEAREST, 0);
    size_t map[3][16];
    for (int a = 0; a < 3; a++)
        for (size_t j = 0; j < out.dims[a]; j++) {
            double p = ibsi_pos(in.dims[a], in.spacing[a], out.dims[a], out.spacing[a], (double)j);
            assert_true(fabs(fabs(p - floor(p)) - 0.5) > 1e-6);
            map[a][j] = nearest_index(p, in.dims[a]);
        }
    for (size_t k = 0; k < out.dims[2]; k++)
        for (size_t j = 0; j < out.dims[1]; j++)
            for (size_t i = 0; i < out.dims[0]; i++)
                assert_true(dst[idx3(out.dims, i, j, k)] == (double)src[idx3(in.dims, map[0][i], map[1][j], map[2][k])]);
    free(dst);
    free(src);
}

/* Exact ties: 4 voxels of 1.5 mm to 3 mm: n' = 2, first position (3 - 2 * 1) / 2 = 0.5, then 2.5 (both exact
 * in binary). Ties go to the higher index: targets take voxels 1 and 3. Same along y with 4 voxels of 1 mm
 * to 2 mm (positions 0.5, 2.5). */
static void test_nearest_ties(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 4, 4, 1, 1.5, 1.0, 1.0);
    new_grid(&in, 3.0, 2.0, NAN, &out);
    assert_int_equal(out.dims[0], 2);
    assert_int_equal(out.dims[1], 2);
    assert_true(vx_resample_position(&in, &out, 0, 0.0) == 0.5);
    assert_true(vx_resample_position(&in, &out, 0, 1.0) == 2.5);
    float src[16];
    for (int i = 0; i < 16; i++)
        src[i] = (float)(10 * (i / 4) + i % 4); /* value = 10 y + x */
    double *dst = resample_all(src, &in, &out, VX_INTERP_NEAREST, 0);
    assert_true(dst[0] == 11.0); /* (1, 1) */
    assert_true(dst[1] == 13.0); /* (3, 1) */
    assert_true(dst[2] == 31.0); /* (1, 3) */
    assert_true(dst[3] == 33.0); /* (3, 3) */
    free(dst);

    /* A tie that is exact only mathematically: 6 voxels of 0.977 mm to 1.3 mm: n' = ceil(5.862 / 1.3) = 5 (odd),
     * so the middle target j = 2 sits on the grid centre (6 - 1) / 2 = 2.5, half way between voxels 2 and 3;
     * in double arithmetic the position carries rounding noise either way. Ties go to the higher index: 3.
     * Targets 1 and 3 at 2.5 -+ 1.3 / 0.977 = 1.169, 3.831 take voxels 1 and 4. */
    vx_geometry in2, out2;
    geom(&in2, 6, 1, 1, 0.977, 1.0, 1.0);
    in2.origin[0] = -123.4;
    new_grid(&in2, 1.3, NAN, NAN, &out2);
    assert_int_equal(out2.dims[0], 5);
    const float src2[6] = {0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 5.0f};
    dst = resample_all(src2, &in2, &out2, VX_INTERP_NEAREST, 0);
    assert_true(dst[1] == 1.0);
    assert_true(dst[2] == 3.0);
    assert_true(dst[3] == 4.0);
    free(dst);
}

/* A target box lying entirely outside the input grid, further out than the kernel reaches: a target grid
 * with its own origin, 28 voxels of 1 mm from x = -10.25 (non-integer offset, so x is interpolated) to 16.75,
 * on a 4-voxel-long image; the boxes [0, 3) (positions -10.25 .. -8.25) and [25, 28) (14.75 .. 16.75) along x.
 * Nearest and linear: constant continuation gives the boundary voxel x = 0 (x = 3) of each (y, z) row.
 * Cubic: the interpolating spline of the padded image is not exactly constant in the padding (its ringing
 * decays as 0.268^d), so there the box must equal the same targets of the whole grid (1e-12 relative).
 * Regression test: the x-row gather once filled the padding before x = 0 without stopping at the block end,
 * so a block lying wholly before x = 0 (linear: block [-11, -8], 4 doubles) was written 11 times (a heap
 * overflow under ASan). */
static void test_box_far_outside(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 4, 3, 2, 1.0, 1.0, 1.0);
    geom(&out, 28, 3, 2, 1.0, 1.0, 1.0);
    out.origin[0] = -10.25;
    float *src = random_image(&in, 41);
    const size_t box_lo[2] = {0, 25}, edge[2] = {0, 3};
    for (int m = VX_INTERP_NEAREST; m <= VX_INTERP_CUBIC; m++) {
        double *whole = resample_all(src, &in, &out, (vx_interp)m, 0);
        for (int side = 0; side < 2; side++) {
            size_t lo[3] = {box_lo[side], 0, 0}, hi[3] = {box_lo[side] + 3, 3, 2};
            double part[18];
            vx_error err = {0};
            assert_int_equal(vx_resample_box(src, &in, &out, lo, hi, (vx_interp)m, 0, part, &err), VX_OK);
            for (size_t k = 0; k < 2; k++)
                for (size_t j = 0; j < 3; j++)
                    for (size_t i = 0; i < 3; i++) {
                        double v = part[i + 3 * (j + 3 * k)];
                        if (m == VX_INTERP_CUBIC)
                            vx_assert_near_rel(v, whole[idx3(out.dims, lo[0] + i, j, k)], 1e-12);
                        else
                            vx_assert_near_rel(v, (double)src[idx3(in.dims, edge[side], j, k)], 1e-12);
                    }
        }
        free(whole);
    }
    free(src);
}

/* ---- 3. boundary ------------------------------------------------------------------------------------------ */

/* 1D (x only): 3 voxels of 1 mm to 0.25 mm: n' = 12, positions -0.375 + 0.25 j: -0.375, -0.125 (before voxel
 * 0), 0.125 ... 1.875 inside, 2.125, 2.375 (after voxel 2). Linear: outside = boundary value; inside
 * v0 + p (v1 - v0) for p <= 1, v1 + (p - 1)(v2 - v1) after. Cubic with a constant image: see
 * test_constant_image. */
static void test_boundary_linear(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 3, 1, 1, 1.0, 1.0, 1.0);
    new_grid(&in, 0.25, NAN, NAN, &out);
    assert_int_equal(out.dims[0], 12);
    const float src[3] = {4.0f, -8.0f, 16.0f};
    double *dst = resample_all(src, &in, &out, VX_INTERP_LINEAR, 0);
    const double expect[12] = {4.0, 4.0, 4.0 - 0.125 * 12, 4.0 - 0.375 * 12, 4.0 - 0.625 * 12, 4.0 - 0.875 * 12,
                               -8.0 + 0.125 * 24, -8.0 + 0.375 * 24, -8.0 + 0.625 * 24, -8.0 + 0.875 * 24,
                               16.0, 16.0};
    for (int j = 0; j < 12; j++)
        vx_assert_near(dst[j], expect[j], 1e-12);
    free(dst);
    /* nearest: -0.375, -0.125 -> 0; 2.125, 2.375 -> 2 */
    dst = resample_all(src, &in, &out, VX_INTERP_NEAREST, 0);
    assert_true(dst[0] == 4.0 && dst[1] == 4.0 && dst[10] == 16.0 && dst[11] == 16.0);
    free(dst);
}

/* A constant image stays constant everywhere, outside the input grid included, for every interpolator
 * (nearest exactly; linear and cubic to rounding: their weights sum to 1, and the prefilter of a constant is
 * that constant since (c[k-1] + 4 c[k] + c[k+1]) / 6 = c). */
static void test_constant_image(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 6, 5, 4, 1.0, 2.0, 3.0);
    size_t n = vx_geometry_count(&in);
    float *src = malloc(n * sizeof *src);
    assert_non_null(src);
    for (size_t i = 0; i < n; i++)
        src[i] = -123.25f;
    new_grid(&in, 0.4, 0.9, 1.3, &out);
    for (int m = VX_INTERP_NEAREST; m <= VX_INTERP_CUBIC; m++) {
        double *dst = resample_all(src, &in, &out, (vx_interp)m, 0);
        for (size_t i = 0; i < vx_geometry_count(&out); i++) {
            if (m == VX_INTERP_NEAREST)
                assert_true(dst[i] == -123.25);
            else
                vx_assert_near_rel(dst[i], -123.25, 1e-13);
        }
        free(dst);
    }
    free(src);
}

/* A 1-voxel-thick axis: along it the image is constant (continuation of its only voxel), so cubic (and
 * linear) interpolation along z returns each (x, y) voxel unchanged: 6 x 5 x 1 of 2 mm in z to 0.5 mm gives
 * n'z = 4 at positions -0.375, -0.125, 0.125, 0.375, all outside or on the single voxel. With x, y kept, every
 * slice equals the input. With x resampled as well (cubic), the 4 slices are equal to each other. */
static void test_thin_axis(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 6, 5, 1, 1.5, 1.0, 2.0);
    float *src = random_image(&in, 21);
    new_grid(&in, NAN, NAN, 0.5, &out);
    assert_int_equal(out.dims[2], 4);
    for (int m = VX_INTERP_LINEAR; m <= VX_INTERP_CUBIC; m++) {
        double *dst = resample_all(src, &in, &out, (vx_interp)m, 0);
        for (size_t k = 0; k < 4; k++)
            for (size_t i = 0; i < 30; i++)
                vx_assert_near_rel(dst[k * 30 + i], (double)src[i], 1e-12);
        free(dst);
    }
    new_grid(&in, 1.0, NAN, 0.5, &out);
    assert_int_equal(out.dims[0], 9);
    double *dst = resample_all(src, &in, &out, VX_INTERP_CUBIC, 0);
    size_t plane = out.dims[0] * out.dims[1];
    for (size_t k = 1; k < 4; k++)
        for (size_t i = 0; i < plane; i++)
            vx_assert_near_rel(dst[k * plane + i], dst[i], 1e-12);
    free(dst);
    free(src);
}

/* ---- 4. cropping ------------------------------------------------------------------------------------------ */

/* vx_resample_box over [lo, hi) equals that part of the whole-grid result. Nearest and linear use the same
 * input voxels and weights for each target, so they are bit-identical. The cubic prefilter of a crop starts
 * (where the image continues) 40 input voxels away from any target and treats the block edge as a constant
 * continuation; that edge's effect decays as |sqrt(3) - 2|^40 = 0.268^40 ~ 1e-23, far below rounding, so
 * cubic matches to 1e-12 relative (not bit for bit: the recursions start elsewhere, rounding differs).
 * The input is 128 voxels long in x so a box in the middle really is cropped on both sides (targets 70..89 at
 * positions 55.9..71.1: the block spans ~14..~113 of 0..127). Boxes touching the grid corners too. */
static void test_crop_equals_whole(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 128, 9, 7, 1.0, 1.2, 2.0);
    new_grid(&in, 0.8, 1.0, 1.5, &out);
    /* n' = 160, ceil(10.8) = 11, ceil(14 / 1.5) = 10 */
    assert_int_equal(out.dims[0], 160);
    assert_int_equal(out.dims[1], 11);
    assert_int_equal(out.dims[2], 10);
    float *src = random_image(&in, 99);
    const size_t boxes[4][6] = {
        {70, 3, 2, 90, 8, 7},     /* interior */
        {0, 0, 0, 17, 4, 3},      /* low corner */
        {141, 7, 6, 160, 11, 10}, /* high corner */
        {79, 5, 4, 80, 6, 5},     /* one voxel */
    };
    for (int m = VX_INTERP_NEAREST; m <= VX_INTERP_CUBIC; m++) {
        double *whole = resample_all(src, &in, &out, (vx_interp)m, 0);
        for (int b = 0; b < 4; b++) {
            const size_t *lo = boxes[b], *hi = boxes[b] + 3;
            size_t nb = (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
            double *part = malloc(nb * sizeof *part), *ref = malloc(nb * sizeof *ref);
            assert_non_null(part);
            assert_non_null(ref);
            vx_error err = {0};
            assert_int_equal(vx_resample_box(src, &in, &out, lo, hi, (vx_interp)m, 0, part, &err), VX_OK);
            size_t t = 0;
            for (size_t k = lo[2]; k < hi[2]; k++)
                for (size_t j = lo[1]; j < hi[1]; j++)
                    for (size_t i = lo[0]; i < hi[0]; i++)
                        ref[t++] = whole[idx3(out.dims, i, j, k)];
            if (m == VX_INTERP_CUBIC)
                for (size_t i = 0; i < nb; i++)
                    vx_assert_near_rel(part[i], ref[i], 1e-12);
            else
                assert_memory_equal(part, ref, nb * sizeof *part);
            free(part);
            free(ref);
        }
        free(whole);
    }
    free(src);
}

/* ---- 5. rounding and errors --------------------------------------------------------------------------------- */

/* round_src rounds the input to the nearest integer, ties to even: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> -0,
 * -1.5 -> -2, 3.49 -> 3, -2.51 -> -3, 7 -> 7. Identity grid (copy path), so the output is the rounded input. */
static void test_round_src(void **state)
{
    (void)state;
    vx_geometry in;
    geom(&in, 8, 1, 1, 1.0, 1.0, 1.0);
    const float src[8] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 3.49f, -2.51f, 7.0f};
    const double expect[8] = {0.0, 2.0, 2.0, -0.0, -2.0, 3.0, -3.0, 7.0};
    for (int m = VX_INTERP_NEAREST; m <= VX_INTERP_CUBIC; m++) {
        double *dst = resample_all(src, &in, &in, (vx_interp)m, 1);
        for (int i = 0; i < 8; i++) {
            assert_true(dst[i] == expect[i]);
            assert_int_equal(signbit(dst[i]) != 0, signbit(expect[i]) != 0);
        }
        free(dst);
        dst = resample_all(src, &in, &in, (vx_interp)m, 0); /* round_src = 0: untouched */
        for (int i = 0; i < 8; i++)
            assert_true(dst[i] == (double)src[i]);
        free(dst);
    }
}

/* Rounding applies to the input, before interpolation (and ties to even there too): 3 voxels of 2 mm
 * {0.4, 2.5, -1.5} -> rounded {0, 2, -2}, to 1 mm: n' = 6 at positions -0.25 + 0.5 j:
 * -0.25 -> 0, 0.25 -> 0.5, 0.75 -> 1.5, 1.25 -> 2 - 0.25 * 4 = 1, 1.75 -> 2 - 0.75 * 4 = -1, 2.25 -> -2.
 * (Unrounded input would give 0.4, 0.925, ...; rounding half away from zero {0, 3, -2}: 0, 0.75, ...) */
static void test_round_src_before_interp(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 3, 1, 1, 2.0, 1.0, 1.0);
    new_grid(&in, 1.0, NAN, NAN, &out);
    assert_int_equal(out.dims[0], 6);
    const float src[3] = {0.4f, 2.5f, -1.5f};
    double *dst = resample_all(src, &in, &out, VX_INTERP_LINEAR, 1);
    const double expect[6] = {0.0, 0.5, 1.5, 1.0, -1.0, -2.0};
    for (int i = 0; i < 6; i++)
        vx_assert_near(dst[i], expect[i], 1e-12);
    free(dst);
}

static void expect_box_error(const float *src, const vx_geometry *in, const vx_geometry *out, const size_t lo[3],
                             const size_t hi[3], vx_interp m)
{
    double dst[64];
    vx_error err = {0};
    int rc = vx_resample_box(src, in, out, lo, hi, m, 0, dst, &err);
    assert_int_equal(rc, VX_EINVAL);
    assert_int_equal(err.code, VX_EINVAL);
    assert_true(strlen(err.msg) > 0);
}

static void test_errors(void **state)
{
    (void)state;
    vx_geometry in, out;
    geom(&in, 4, 4, 4, 1.0, 1.0, 1.0);
    float src[64] = {0};
    out = in;
    const size_t lo[3] = {0, 0, 0}, hi[3] = {4, 4, 4};
    const size_t lo_empty[3] = {1, 2, 1}, hi_empty[3] = {3, 2, 3}; /* y: [2, 2) */
    const size_t hi_out[3] = {4, 5, 4};                            /* y beyond the target grid */
    const size_t lo_out[3] = {5, 0, 0}, hi_out2[3] = {6, 4, 4};   /* entirely outside */
    expect_box_error(src, &in, &out, lo_empty, hi_empty, VX_INTERP_LINEAR);
    expect_box_error(src, &in, &out, lo, hi_out, VX_INTERP_LINEAR);
    expect_box_error(src, &in, &out, lo_out, hi_out2, VX_INTERP_NEAREST);
    expect_box_error(src, &in, &out, hi, lo, VX_INTERP_CUBIC); /* lo > hi */
    expect_box_error(src, &in, &out, lo, hi, (vx_interp)3);
    expect_box_error(src, &in, &out, lo, hi, (vx_interp)-1);
    vx_geometry rot = in;
    const double dir[9] = {0, 1, 0, 1, 0, 0, 0, 0, 1};
    memcpy(rot.direction, dir, sizeof dir);
    expect_box_error(src, &in, &rot, lo, hi, VX_INTERP_LINEAR);
    /* the same box is fine otherwise */
    double dst[64];
    vx_error err = {0};
    assert_int_equal(vx_resample_box(src, &in, &out, lo, hi, VX_INTERP_CUBIC, 0, dst, &err), VX_OK);

    /* grid: an infinite spacing, or one giving over 1e8 voxels along an axis, is refused with a message */
    double sp_inf[3] = {INFINITY, 1.0, 1.0}, sp_tiny[3] = {1e-9, NAN, NAN};
    vx_error e1 = {0}, e2 = {0};
    assert_int_equal(vx_resample_grid(&in, sp_inf, &out, &e1), VX_EINVAL);
    assert_true(strlen(e1.msg) > 0);
    assert_int_equal(vx_resample_grid(&in, sp_tiny, &out, &e2), VX_EINVAL);
    assert_true(strlen(e2.msg) > 0);
}

/* ---- 6. names ----------------------------------------------------------------------------------------------- */

static void test_interp_names(void **state)
{
    (void)state;
    assert_string_equal(vx_interp_name(VX_INTERP_NEAREST), "nearest");
    assert_string_equal(vx_interp_name(VX_INTERP_LINEAR), "linear");
    assert_string_equal(vx_interp_name(VX_INTERP_CUBIC), "cubic");
    for (int m = VX_INTERP_NEAREST; m <= VX_INTERP_CUBIC; m++)
        assert_int_equal(vx_interp_find(vx_interp_name((vx_interp)m)), m);
    assert_int_equal(vx_interp_find("Linear"), VX_INTERP_LINEAR);
    assert_int_equal(vx_interp_find("CUBIC"), VX_INTERP_CUBIC);
    assert_int_equal(vx_interp_find("trilinear"), VX_INTERP_LINEAR);
    assert_int_equal(vx_interp_find("bilinear"), VX_INTERP_LINEAR);
    assert_int_equal(vx_interp_find("tricubic"), VX_INTERP_CUBIC);
    assert_int_equal(vx_interp_find("bspline"), VX_INTERP_CUBIC);
    assert_int_equal(vx_interp_find("nn"), VX_INTERP_NEAREST);
    assert_int_equal(vx_interp_find("quintic"), -1);
    assert_int_equal(vx_interp_find(""), -1);
    assert_int_equal(vx_interp_find("linear "), -1);
}

/* process.h: "Name of an interpolator (...), and the reverse (NULL / -1 when unknown)": an unknown value
 * has no name, so vx_interp_name returns NULL. */
static void test_interp_name_unknown(void **state)
{
    (void)state;
    /* "?" rather than NULL, so that a caller printing it never prints a null pointer */
    assert_string_equal(vx_interp_name((vx_interp)3), "?");
    assert_string_equal(vx_interp_name((vx_interp)-1), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_manual_example),
        cmocka_unit_test(test_grid_ct_phantom),
        cmocka_unit_test(test_grid_keep_axis),
        cmocka_unit_test(test_grid_rotated),
        cmocka_unit_test(test_grid_exact_multiple),
        cmocka_unit_test(test_position_formula),
        cmocka_unit_test(test_linear_multilinear),
        cmocka_unit_test(test_cubic_polynomial),
        cmocka_unit_test(test_pass_through_shift),
        cmocka_unit_test(test_pass_through_refined),
        cmocka_unit_test(test_nearest_general),
        cmocka_unit_test(test_nearest_ties),
        cmocka_unit_test(test_boundary_linear),
        cmocka_unit_test(test_constant_image),
        cmocka_unit_test(test_thin_axis),
        cmocka_unit_test(test_crop_equals_whole),
        cmocka_unit_test(test_round_src),
        cmocka_unit_test(test_round_src_before_interp),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_interp_names),
        cmocka_unit_test(test_interp_name_unknown),
        cmocka_unit_test(test_box_far_outside),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
