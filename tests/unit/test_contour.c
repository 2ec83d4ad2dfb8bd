/* Unit tests: closed planar contours rasterised onto a voxel grid (src/image/contour.c).
 *
 * Expected voxel sets are derived by hand from the rule in contour.h (voxel-centre test, even-odd, half-open
 * crossings); random polygons are compared with a brute-force point-in-polygon test of every voxel centre
 * against every edge (the classic crossing-number test, O(voxels x edges), no scanline or sorting).
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

#include "image/contour.h"
#include "vx_test.h"

#define NX 10
#define NY 10
#define NZ 3
#define UNTOUCHED -1.0f /* masks start with this value: the rasteriser only ever writes 1 */

/* ---- helpers -------------------------------------------------------------------------------------------- */

/* Identity grid NX x NY x NZ, spacing 1, origin 0: world = index. */
static void unit_grid(vx_geometry *g)
{
    vx_geometry_default(g, NX, NY, NZ);
}

static float *new_mask(const vx_geometry *g)
{
    size_t n = vx_geometry_count(g);
    float *m = malloc(n * sizeof *m);
    assert_non_null(m);
    for (size_t s = 0; s < n; s++)
        m[s] = UNTOUCHED;
    return m;
}

/* A contour from 2D points (x, y) at height z. */
typedef struct poly {
    double xyz[3 * 64];
    vx_contour c;
} poly;

static void poly_set(poly *p, const double *xy, size_t n, double z)
{
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++) {
        p->xyz[3 * i] = xy[2 * i];
        p->xyz[3 * i + 1] = xy[2 * i + 1];
        p->xyz[3 * i + 2] = z;
    }
    p->c.xyz = p->xyz;
    p->c.n = n;
}

/* Axis-aligned rectangle [x0, x1] x [y0, y1] at height z, counter-clockwise (or clockwise when cw). */
static void rect(poly *p, double x0, double y0, double x1, double y1, double z, int cw)
{
    double ccw[8] = {x0, y0, x1, y0, x1, y1, x0, y1}, rev[8] = {x0, y0, x0, y1, x1, y1, x1, y0};
    poly_set(p, cw ? rev : ccw, 4, z);
}

/* Expect: inside (value 1) exactly the voxels of slice k with lo <= i < hi and jlo <= j < jhi (a box),
 * every other voxel untouched. */
static void expect_box(const float *m, size_t k, size_t ilo, size_t ihi, size_t jlo, size_t jhi)
{
    for (size_t z = 0; z < NZ; z++)
        for (size_t j = 0; j < NY; j++)
            for (size_t i = 0; i < NX; i++) {
                int in = z == k && i >= ilo && i < ihi && j >= jlo && j < jhi;
                float v = m[i + NX * (j + NY * z)];
                if (v != (in ? 1.0f : UNTOUCHED))
                    fail_msg("voxel (%zu, %zu, %zu) = %g, expected %s", i, j, z, v, in ? "inside" : "untouched");
            }
}

static size_t count_inside(const float *m, size_t n)
{
    size_t c = 0;
    for (size_t s = 0; s < n; s++) {
        assert_true(m[s] == 1.0f || m[s] == UNTOUCHED);
        c += m[s] == 1.0f;
    }
    return c;
}

static void assert_contains(const char *msg, const char *part)
{
    if (!strstr(msg, part))
        fail_msg("message \"%s\" does not contain \"%s\"", msg, part);
}

static int raster(const vx_geometry *g, const poly *p, size_t np, float *m, vx_contour_stats *st, vx_error *err)
{
    vx_contour c[8];
    assert_true(np <= 8);
    for (size_t i = 0; i < np; i++)
        c[i] = p[i].c;
    return vx_contours_rasterise(g, c, np, m, st, err);
}

/* ---- shapes --------------------------------------------------------------------------------------------- */

static void test_square_on_edges(void **state)
{
    (void)state;
    /* corners on voxel edges: x 1.5..4.5 holds centres 2, 3, 4; y 1.5..5.5 holds 2..5: 3 x 4 = 12 voxels */
    vx_geometry g;
    unit_grid(&g);
    for (int cw = 0; cw < 2; cw++) {
        float *m = new_mask(&g);
        poly p;
        rect(&p, 1.5, 1.5, 4.5, 5.5, 1.0, cw);
        vx_contour_stats st;
        vx_error err;
        assert_int_equal(raster(&g, &p, 1, m, &st, &err), VX_OK);
        assert_int_equal(st.used, 1);
        assert_int_equal(st.outside, 0);
        expect_box(m, 1, 2, 5, 2, 6);
        free(m);
    }
}

static void test_square_on_centres(void **state)
{
    (void)state;
    /* corners on voxel centres (2, 2) .. (5, 5): the half-open rule counts the left (i = 2) and bottom
     * (j = 2) boundaries in, the right (i = 5) and top (j = 5) ones out: i, j in {2, 3, 4}, 9 voxels.
     * Row j = 2: the vertical edges span y 2..5, and 2 <= 2 < 5, so they cross at x = 2 and 5; centres
     * with 2 <= i < 5 are inside. Row j = 5: 5 < 5 fails, no crossing, nothing inside. */
    vx_geometry g;
    unit_grid(&g);
    for (int cw = 0; cw < 2; cw++) {
        float *m = new_mask(&g);
        poly p;
        rect(&p, 2, 2, 5, 5, 0.0, cw);
        vx_error err;
        assert_int_equal(raster(&g, &p, 1, m, NULL, &err), VX_OK);
        expect_box(m, 0, 2, 5, 2, 5);
        free(m);
    }
}

static void test_shared_edges(void **state)
{
    (void)state;
    /* squares sharing a vertical edge at x = 5 (on centres) and one sharing a horizontal edge at y = 5:
     * each boundary voxel belongs to one square only, so the even-odd union has no gaps: 3 x 9 = ... */
    vx_geometry g;
    unit_grid(&g);
    float *m = new_mask(&g);
    poly p[2];
    rect(&p[0], 2, 2, 5, 5, 1.0, 0);
    rect(&p[1], 5, 2, 8, 5, 1.0, 1); /* other orientation: the shared edge runs the other way */
    vx_error err;
    assert_int_equal(raster(&g, p, 2, m, NULL, &err), VX_OK);
    expect_box(m, 1, 2, 8, 2, 5); /* 6 x 3 = 18 voxels, none cancelled */
    free(m);

    m = new_mask(&g);
    rect(&p[1], 2, 5, 5, 8, 1.0, 0);
    assert_int_equal(raster(&g, p, 2, m, NULL, &err), VX_OK);
    expect_box(m, 1, 2, 5, 2, 8); /* 3 x 6 */
    free(m);
}

static void test_ring(void **state)
{
    (void)state;
    /* outer [0.5, 7.5]^2 holds centres 1..7 (49), inner [2.5, 4.5]^2 holds 3..4 (4): a ring of 45; the hole
     * is left untouched */
    vx_geometry g;
    unit_grid(&g);
    float *m = new_mask(&g);
    poly p[2];
    rect(&p[0], 0.5, 0.5, 7.5, 7.5, 2.0, 0);
    rect(&p[1], 2.5, 2.5, 4.5, 4.5, 2.0, 0); /* same orientation: even-odd does not care */
    vx_contour_stats st;
    vx_error err;
    assert_int_equal(raster(&g, p, 2, m, &st, &err), VX_OK);
    assert_int_equal(st.used, 2);
    assert_int_equal(count_inside(m, NX * NY * NZ), 45);
    for (size_t j = 0; j < NY; j++)
        for (size_t i = 0; i < NX; i++) {
            int in = i >= 1 && i <= 7 && j >= 1 && j <= 7 && !(i >= 3 && i <= 4 && j >= 3 && j <= 4);
            assert_true(m[i + NX * (j + NY * 2)] == (in ? 1.0f : UNTOUCHED));
        }
    free(m);
}

static void test_overlap_xor(void **state)
{
    (void)state;
    /* A = [0.5, 4.5]^2 (centres 1..4, 16), B = [2.5, 6.5]^2 (3..6, 16), overlap 3..4 x 3..4 (4): even-odd
     * keeps 16 + 16 - 2 x 4 = 24 */
    vx_geometry g;
    unit_grid(&g);
    float *m = new_mask(&g);
    poly p[2];
    rect(&p[0], 0.5, 0.5, 4.5, 4.5, 0.0, 0);
    rect(&p[1], 2.5, 2.5, 6.5, 6.5, 0.0, 1);
    vx_error err;
    assert_int_equal(raster(&g, p, 2, m, NULL, &err), VX_OK);
    assert_int_equal(count_inside(m, NX * NY * NZ), 24);
    for (size_t j = 0; j < NY; j++)
        for (size_t i = 0; i < NX; i++) {
            int a = i >= 1 && i <= 4 && j >= 1 && j <= 4, b = i >= 3 && i <= 6 && j >= 3 && j <= 6;
            assert_true(m[i + NX * j] == (a != b ? 1.0f : UNTOUCHED));
        }
    free(m);
}

static void test_triangle(void **state)
{
    (void)state;
    /* (0, 0), (6, 0), (0, 6): row j is crossed by the left edge at x = 0 and by the hypotenuse at x = 6 - j
     * (j = 0..5; the bottom edge is horizontal and crosses no row; row 6 is the top vertex, excluded).
     * Inside: 0 <= i < 6 - j, i.e. i + j < 6: 6 + 5 + 4 + 3 + 2 + 1 = 21 voxels; centres on the hypotenuse
     * (i + j = 6) are on its right boundary and outside. */
    vx_geometry g;
    unit_grid(&g);
    float *m = new_mask(&g);
    poly p;
    const double xy[6] = {0, 0, 6, 0, 0, 6};
    poly_set(&p, xy, 3, 1.0);
    vx_error err;
    assert_int_equal(raster(&g, &p, 1, m, NULL, &err), VX_OK);
    assert_int_equal(count_inside(m, NX * NY * NZ), 21);
    for (size_t j = 0; j < NY; j++)
        for (size_t i = 0; i < NX; i++)
            assert_true(m[i + NX * (j + NY)] == (i + j < 6 ? 1.0f : UNTOUCHED));
    free(m);
}

static void test_partly_outside(void **state)
{
    (void)state;
    /* [-3.5, 2.5] x [-2.5, 1.5]: centres i -3..2, j -2..1, clipped to i 0..2, j 0..1 (6 voxels);
     * [7.5, 12.5] x [8.5, 14.5]: i 8..9, j 9 (2 voxels) */
    vx_geometry g;
    unit_grid(&g);
    float *m = new_mask(&g);
    poly p;
    rect(&p, -3.5, -2.5, 2.5, 1.5, 0.0, 0);
    vx_error err;
    assert_int_equal(raster(&g, &p, 1, m, NULL, &err), VX_OK);
    expect_box(m, 0, 0, 3, 0, 2);
    free(m);
    m = new_mask(&g);
    rect(&p, 7.5, 8.5, 12.5, 14.5, 2.0, 1);
    assert_int_equal(raster(&g, &p, 1, m, NULL, &err), VX_OK);
    expect_box(m, 2, 8, 10, 9, 10);
    free(m);
    /* wholly outside in-plane: nothing, still used */
    m = new_mask(&g);
    rect(&p, 20.5, -5.5, 30.5, 30.5, 2.0, 0);
    vx_contour_stats st;
    assert_int_equal(raster(&g, &p, 1, m, &st, &err), VX_OK);
    assert_int_equal(st.used, 1);
    assert_int_equal(count_inside(m, NX * NY * NZ), 0);
    free(m);
}

static void test_slices(void **state)
{
    (void)state;
    /* contours at z = -1 and z = 3 lie outside slices 0..2: counted, skipped; z = 1.2 is within 0.25 of
     * slice 1; z 0.8 .. 1.2 mixed also slice 1 */
    vx_geometry g;
    unit_grid(&g);
    float *m = new_mask(&g);
    poly p[4];
    rect(&p[0], 1.5, 1.5, 3.5, 3.5, -1.0, 0);
    rect(&p[1], 1.5, 1.5, 3.5, 3.5, 3.0, 0);
    rect(&p[2], 1.5, 1.5, 3.5, 3.5, 1.2, 0); /* centres 2..3 x 2..3 */
    rect(&p[3], 5.5, 5.5, 6.5, 6.5, 1.0, 0); /* centre (6, 6) */
    p[3].xyz[2] = 0.8;
    p[3].xyz[5] = 1.2;
    vx_contour_stats st;
    vx_error err;
    assert_int_equal(raster(&g, p, 4, m, &st, &err), VX_OK);
    assert_int_equal(st.used, 2);
    assert_int_equal(st.outside, 2);
    assert_int_equal(count_inside(m, NX * NY * NZ), 5);
    assert_true(m[2 + NX * (2 + NY)] == 1.0f && m[3 + NX * (3 + NY)] == 1.0f && m[6 + NX * (6 + NY)] == 1.0f);
    free(m);
}

static void test_errors(void **state)
{
    (void)state;
    vx_geometry g;
    unit_grid(&g);
    float *m = new_mask(&g);
    poly p[2];
    vx_contour_stats st;
    vx_error err;
    rect(&p[0], 1.5, 1.5, 3.5, 3.5, 1.0, 0); /* valid: must not be written when the next one fails */

    rect(&p[1], 1.5, 1.5, 3.5, 3.5, 1.5, 0);
    assert_int_equal(raster(&g, p, 2, m, &st, &err), VX_EFORMAT);
    assert_contains(err.msg, "contour 2 lies between slices 1 and 2 (k = 1.5): contours are not interpolated");
    rect(&p[1], 1.5, 1.5, 3.5, 3.5, 1.3, 0); /* 0.3 voxel off slice 1 */
    assert_int_equal(raster(&g, p, 2, m, &st, &err), VX_EFORMAT);
    assert_contains(err.msg, "between slices 1 and 2 (k = 1.3)");

    rect(&p[1], 1.5, 1.5, 3.5, 3.5, 0.0, 0); /* tilted: z 0, 0, 2, 2 */
    p[1].xyz[8] = p[1].xyz[11] = 2.0;
    assert_int_equal(raster(&g, p, 2, m, &st, &err), VX_EFORMAT);
    assert_contains(err.msg, "contour 2 is not parallel to the image slices (slice index k from 0 to 2)");
    p[1].xyz[8] = p[1].xyz[11] = 0.25; /* z 0 .. 0.25 then 0.75: spread 0.75 */
    p[1].xyz[11] = 0.75;
    assert_int_equal(raster(&g, p, 2, m, &st, &err), VX_EFORMAT);
    assert_contains(err.msg, "not parallel");
    p[1].xyz[8] = -0.25; /* -0.25 and 0.25 round to 0 ... and 0.75 to 1: not parallel */
    p[1].xyz[11] = 0.25;
    p[1].xyz[5] = 0.75;
    assert_int_equal(raster(&g, p, 2, m, &st, &err), VX_EFORMAT);

    const double two[4] = {0, 0, 1, 1};
    poly_set(&p[1], two, 2, 1.0);
    assert_int_equal(raster(&g, p, 2, m, &st, &err), VX_EFORMAT);
    assert_contains(err.msg, "contour 2 has 2 points");

    rect(&p[1], 1.5, 1.5, 3.5, 3.5, 1.0, 0);
    p[1].xyz[4] = NAN;
    assert_int_equal(raster(&g, p, 2, m, &st, &err), VX_EFORMAT);
    assert_contains(err.msg, "contour 2 point 2");
    p[1].xyz[4] = 1e300;
    assert_int_equal(raster(&g, p, 2, m, &st, &err), VX_EFORMAT);
    assert_contains(err.msg, "from the image grid");

    /* nothing was written by any failing call */
    assert_int_equal(count_inside(m, NX * NY * NZ), 0);

    /* a grid that cannot be inverted */
    g.spacing[2] = 0.0;
    assert_int_equal(raster(&g, p, 1, m, &st, &err), VX_EGEOMETRY);
    /* no contours: nothing to do */
    unit_grid(&g);
    assert_int_equal(vx_contours_rasterise(&g, NULL, 0, m, &st, &err), VX_OK);
    assert_int_equal(st.used + st.outside, 0);
    free(m);
}

/* ---- grids ---------------------------------------------------------------------------------------------- */

static void test_flipped_grid(void **state)
{
    (void)state;
    /* g1: identity, spacing (0.5, 2, 3), origin (10, 20, 5): voxel (i, j, k) at (10 + 0.5 i, 20 + 2 j, 5 + 3 k).
     * World rectangle x [10.75, 12.25], y [23, 29] at z = 8: 10 + 0.5 i in (10.75, 12.25) -> i 2..4;
     * 20 + 2 j in (23, 29) -> j 2..4; z = 8 -> k = 1. g2: y flipped, origin y = 20 + 2 x 9 = 38, so voxel
     * (i, j', k) lies at y = 38 - 2 j': the same world voxels are j' = 9 - j = 5..7. */
    vx_geometry g1, g2;
    vx_geometry_default(&g1, NX, NY, NZ);
    double sp[3] = {0.5, 2.0, 3.0};
    memcpy(g1.spacing, sp, sizeof sp);
    g1.origin[0] = 10.0;
    g1.origin[1] = 20.0;
    g1.origin[2] = 5.0;
    g2 = g1;
    g2.direction[4] = -1.0;
    g2.origin[1] = 38.0;
    poly p;
    rect(&p, 10.75, 23.0, 12.25, 29.0, 8.0, 0);
    vx_error err;
    float *m = new_mask(&g1);
    assert_int_equal(raster(&g1, &p, 1, m, NULL, &err), VX_OK);
    expect_box(m, 1, 2, 5, 2, 5);
    free(m);
    m = new_mask(&g2);
    assert_int_equal(raster(&g2, &p, 1, m, NULL, &err), VX_OK);
    expect_box(m, 1, 2, 5, 5, 8);
    free(m);
}

/* World position of continuous index (i, j, k) of g. */
static void to_world(const vx_geometry *g, double i, double j, double k, double *w)
{
    double s[3] = {i * g->spacing[0], j * g->spacing[1], k * g->spacing[2]};
    for (int r = 0; r < 3; r++)
        w[r] = g->origin[r] + g->direction[3 * r] * s[0] + g->direction[3 * r + 1] * s[1] +
               g->direction[3 * r + 2] * s[2];
}

static void test_oblique_grid(void **state)
{
    (void)state;
    /* grids rotated 30 degrees about z, and tilted 20 degrees about x (slices not axial), spacing
     * (0.7, 0.9, 2.5), origin (5, -3, 40): the square with index corners (1.5, 1.5) .. (4.5, 5.5) on slice
     * 2, given in world coordinates, covers i 2..4, j 2..5 as on the identity grid */
    for (int tilt = 0; tilt < 2; tilt++) {
        vx_geometry g;
        vx_geometry_default(&g, NX, NY, NZ);
        double a = 0.5235987755982988, b = tilt ? 0.3490658503988659 : 0.0;
        double ca = cos(a), sa = sin(a), cb = cos(b), sb = sin(b);
        double r[9] = {ca, -sa * cb, sa * sb, sa, ca * cb, -ca * sb, 0, sb, cb}; /* Rz(a) Rx(b) */
        memcpy(g.direction, r, sizeof r);
        g.spacing[0] = 0.7;
        g.spacing[1] = 0.9;
        g.spacing[2] = 2.5;
        g.origin[0] = 5.0;
        g.origin[1] = -3.0;
        g.origin[2] = 40.0;
        const double ij[8] = {1.5, 1.5, 4.5, 1.5, 4.5, 5.5, 1.5, 5.5};
        poly p;
        p.c.xyz = p.xyz;
        p.c.n = 4;
        for (int q = 0; q < 4; q++)
            to_world(&g, ij[2 * q], ij[2 * q + 1], 2.0, p.xyz + 3 * q);
        float *m = new_mask(&g);
        vx_error err;
        assert_int_equal(raster(&g, &p, 1, m, NULL, &err), VX_OK);
        expect_box(m, 2, 2, 5, 2, 6);
        free(m);

        /* the same square given in world coordinates of an identity grid does not lie in one slice of
         * the tilted grid */
        if (tilt) {
            rect(&p, 5.5, 5.5, 15.5, 15.5, 45.0, 0);
            m = new_mask(&g);
            assert_int_equal(raster(&g, &p, 1, m, NULL, &err), VX_EFORMAT);
            assert_contains(err.msg, "not parallel");
            free(m);
        }
    }
}

/* ---- random polygons against a brute-force crossing-number test ----------------------------------------- */

static unsigned rng = 2024;
static double rnd(double lo, double hi)
{
    rng = rng * 1664525u + 1013904223u;
    return lo + (hi - lo) * (double)(rng >> 8) / 16777216.0;
}

static void test_random_polygons(void **state)
{
    (void)state;
    /* per slice: 1..3 random polygons (3..12 vertices, self-intersections allowed) over a 24 x 20 grid with
     * a margin outside it; each voxel centre is inside when an odd number of the slice's edges cross the
     * ray towards +x (edge (a, b) crosses when (ya > y) != (yb > y), at a crossing right of the centre) */
    vx_geometry g;
    vx_geometry_default(&g, 24, 20, 4);
    size_t n = vx_geometry_count(&g);
    for (int rep = 0; rep < 20; rep++) {
        poly p[8];
        size_t np = 0;
        for (size_t k = 0; k < 4; k++) {
            size_t m = 1 + (size_t)rnd(0, 3);
            for (size_t c = 0; c < m && np < 8; c++, np++) {
                size_t nv = 3 + (size_t)rnd(0, 10);
                double xy[2 * 16];
                for (size_t v = 0; v < nv; v++) {
                    xy[2 * v] = rnd(-3, 27);
                    xy[2 * v + 1] = rnd(-3, 23);
                }
                poly_set(&p[np], xy, nv, (double)k);
            }
        }
        float *mask = new_mask(&g);
        vx_error err;
        vx_contour_stats st;
        assert_int_equal(raster(&g, p, np, mask, &st, &err), VX_OK);
        assert_int_equal(st.used, np);
        for (size_t k = 0; k < 4; k++)
            for (size_t j = 0; j < 20; j++)
                for (size_t i = 0; i < 24; i++) {
                    int in = 0;
                    double x = (double)i, y = (double)j;
                    for (size_t c = 0; c < np; c++) {
                        if (p[c].xyz[2] != (double)k)
                            continue;
                        for (size_t v = 0, u = p[c].c.n - 1; v < p[c].c.n; u = v++) {
                            double xa = p[c].xyz[3 * u], ya = p[c].xyz[3 * u + 1];
                            double xb = p[c].xyz[3 * v], yb = p[c].xyz[3 * v + 1];
                            if ((ya > y) != (yb > y) && x < xa + (y - ya) * (xb - xa) / (yb - ya))
                                in ^= 1;
                        }
                    }
                    float got = mask[i + 24 * (j + 20 * k)];
                    if (got != (in ? 1.0f : UNTOUCHED))
                        fail_msg("rep %d voxel (%zu, %zu, %zu): got %g, brute force %s", rep, i, j, k, got,
                                 in ? "inside" : "outside");
                }
        (void)n;
        free(mask);
    }
}

static void test_large_circle(void **state)
{
    (void)state;
    /* a circle of radius 200 voxels (4000 vertices) on a 512 x 512 slice: area close to pi r^2, and every
     * voxel centre well inside (r < 199) or outside (r > 201) is classified correctly */
    vx_geometry g;
    vx_geometry_default(&g, 512, 512, 1);
    float *m = malloc(512 * 512 * sizeof *m);
    assert_non_null(m);
    for (size_t s = 0; s < 512 * 512; s++)
        m[s] = 0.0f;
    static double xyz[3 * 4000];
    for (int q = 0; q < 4000; q++) {
        double t = 2.0 * 3.14159265358979323846 * q / 4000.0;
        xyz[3 * q] = 256.0 + 200.0 * cos(t);
        xyz[3 * q + 1] = 256.0 + 200.0 * sin(t);
        xyz[3 * q + 2] = 0.0;
    }
    vx_contour c = {xyz, 4000};
    vx_error err;
    assert_int_equal(vx_contours_rasterise(&g, &c, 1, m, NULL, &err), VX_OK);
    size_t area = 0;
    for (size_t j = 0; j < 512; j++)
        for (size_t i = 0; i < 512; i++) {
            double r = hypot((double)i - 256.0, (double)j - 256.0);
            float v = m[i + 512 * j];
            area += v == 1.0f;
            if (r < 199.0)
                assert_true(v == 1.0f);
            if (r > 201.0)
                assert_true(v == 0.0f);
        }
    /* pi 200^2 = 125663.7; the lattice count differs by O(r) */
    assert_true(fabs((double)area - 125663.7) < 800.0);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_square_on_edges),
        cmocka_unit_test(test_square_on_centres),
        cmocka_unit_test(test_shared_edges),
        cmocka_unit_test(test_ring),
        cmocka_unit_test(test_overlap_xor),
        cmocka_unit_test(test_triangle),
        cmocka_unit_test(test_partly_outside),
        cmocka_unit_test(test_slices),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_flipped_grid),
        cmocka_unit_test(test_oblique_grid),
        cmocka_unit_test(test_random_polygons),
        cmocka_unit_test(test_large_circle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
