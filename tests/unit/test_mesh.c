/* Unit tests: marching-cubes mesh of a binary mask (src/feature/mesh.c).
 *
 * Hand-derived volumes and areas (single voxel, 2x2x2 block, anisotropic spacing), closedness and
 * orientation (every undirected edge in exactly two triangles, traversed once each way; positive signed
 * volume) on many random masks, translation invariance, and a digitised sphere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feature/mesh.h"
#include "vx_test.h"

static const double unit[3] = {1.0, 1.0, 1.0};

static void build(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3], vx_mesh *m)
{
    vx_error err = {0};
    assert_int_equal(vx_mesh_build(mask, dims, lo, hi, m, &err), VX_OK);
}

/* 6 x the signed volume (doubled coordinates: times 8), exactly. */
static long long signed_vol48(const vx_mesh *m)
{
    long long s = 0;
    for (size_t f = 0; f < m->n_tri; f++) {
        const int32_t *a = m->vert + 3 * m->tri[3 * f], *b = m->vert + 3 * m->tri[3 * f + 1],
                      *c = m->vert + 3 * m->tri[3 * f + 2];
        s += (long long)a[0] * ((long long)b[1] * c[2] - (long long)b[2] * c[1]) +
             (long long)a[1] * ((long long)b[2] * c[0] - (long long)b[0] * c[2]) +
             (long long)a[2] * ((long long)b[0] * c[1] - (long long)b[1] * c[0]);
    }
    return s;
}

typedef struct dedge {
    uint32_t a, b;
} dedge;

static int cmp_dedge(const void *x, const void *y)
{
    const dedge *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

/* Closed and consistently oriented: every directed edge (a, b) occurs exactly once and (b, a) occurs too;
 * no degenerate triangle; every vertex used. */
static void assert_closed(const vx_mesh *m)
{
    size_t ne = 3 * m->n_tri;
    dedge *e = malloc((ne ? ne : 1) * sizeof *e);
    assert_non_null(e);
    for (size_t f = 0; f < m->n_tri; f++)
        for (int k = 0; k < 3; k++) {
            e[3 * f + (size_t)k].a = m->tri[3 * f + (size_t)k];
            e[3 * f + (size_t)k].b = m->tri[3 * f + (size_t)(k + 1) % 3];
            assert_true(e[3 * f + (size_t)k].a != e[3 * f + (size_t)k].b);
        }
    qsort(e, ne, sizeof *e, cmp_dedge);
    for (size_t i = 0; i < ne; i++) {
        if (i > 0)
            assert_true(cmp_dedge(&e[i - 1], &e[i]) != 0); /* each directed edge once */
        dedge r = {e[i].b, e[i].a};
        assert_non_null(bsearch(&r, e, ne, sizeof *e, cmp_dedge)); /* and its reverse */
    }
    unsigned char *used = calloc(m->n_vert ? m->n_vert : 1, 1);
    assert_non_null(used);
    for (size_t i = 0; i < ne; i++)
        used[e[i].a] = 1;
    for (size_t v = 0; v < m->n_vert; v++)
        assert_true(used[v]);
    free(used);
    free(e);
}

/* A single voxel: the mesh is the octahedron through the six face-neighbour midpoints, semi-axes s/2:
 * V = (4/3)(sx/2)(sy/2)(sz/2) = sx sy sz / 6 and A = 8 triangles of area |(-a,b,0) x (-a,0,c)| / 2 with
 * a, b, c = s/2: A = 4 sqrt(a^2 b^2 + b^2 c^2 + a^2 c^2) (unit spacing: V = 1/6, A = sqrt(3)). */
static void test_single_voxel(void **state)
{
    (void)state;
    uint8_t mask[27] = {0};
    mask[13] = 1;
    const size_t dims[3] = {3, 3, 3}, lo[3] = {1, 1, 1}, hi[3] = {2, 2, 2};
    vx_mesh m;
    build(mask, dims, lo, hi, &m);
    assert_int_equal(m.n_vert, 6);
    assert_int_equal(m.n_tri, 8);
    assert_closed(&m);
    assert_true(signed_vol48(&m) > 0); /* outward normals */
    assert_float_equal(vx_mesh_volume(&m, unit), 1.0 / 6.0, 1e-15);
    assert_float_equal(vx_mesh_area(&m, unit), sqrt(3.0), 1e-14);
    const double sp[3] = {0.5, 2.0, 3.0};
    const double a = 0.25, b = 1.0, c = 1.5;
    assert_float_equal(vx_mesh_volume(&m, sp), 0.5 * 2.0 * 3.0 / 6.0, 1e-14);
    assert_float_equal(vx_mesh_area(&m, sp), 4.0 * sqrt(a * a * b * b + b * b * c * c + a * a * c * c), 1e-13);
    vx_mesh_free(&m);
}

/* A 2x2x2 block, centred coordinates u, v, w in [-1, 1]: the mesh is the polyhedron |u|, |v|, |w| <= 1,
 * |u| + |v| <= 3/2 (each pair), |u| + |v| + |w| <= 2. Faces: 6 unit squares (u = +-1), 12 chamfer
 * rectangles 1 x sqrt(1/2) (planes |u| + |v| = 3/2), 8 corner triangles, equilateral with side sqrt(1/2).
 *   A = 6 + 12 sqrt(1/2) + 8 (sqrt(3)/4)(1/2) = 6 + 6 sqrt(2) + sqrt(3)
 *   V = sum_faces area * distance to the centre / 3 = 6 * 1 * 1 / 3 + 12 sqrt(1/2) (3/2)/sqrt(2) / 3
 *       + 8 (sqrt(3)/8)(2/sqrt(3)) / 3 = 2 + 3 + 2/3 = 17/3 */
static void test_block_2x2x2(void **state)
{
    (void)state;
    uint8_t mask[64] = {0};
    for (int z = 1; z < 3; z++)
        for (int y = 1; y < 3; y++)
            for (int x = 1; x < 3; x++)
                mask[x + 4 * (y + 4 * z)] = 1;
    const size_t dims[3] = {4, 4, 4}, lo[3] = {1, 1, 1}, hi[3] = {3, 3, 3};
    vx_mesh m;
    build(mask, dims, lo, hi, &m);
    assert_closed(&m);
    assert_true(signed_vol48(&m) > 0);
    assert_float_equal(vx_mesh_volume(&m, unit), 17.0 / 3.0, 1e-14);
    assert_float_equal(vx_mesh_area(&m, unit), 6.0 + 6.0 * sqrt(2.0) + sqrt(3.0), 1e-13);
    /* spacing scales the volume by sx sy sz */
    const double sp[3] = {0.7, 1.3, 2.9};
    assert_float_equal(vx_mesh_volume(&m, sp), 17.0 / 3.0 * 0.7 * 1.3 * 2.9, 1e-12);
    vx_mesh_free(&m);
    /* the same block touching the grid border: the box is padded internally */
    uint8_t full[8];
    memset(full, 1, sizeof full);
    const size_t d2[3] = {2, 2, 2}, l2[3] = {0, 0, 0};
    build(full, d2, l2, d2, &m);
    assert_float_equal(vx_mesh_volume(&m, unit), 17.0 / 3.0, 1e-14);
    vx_mesh_free(&m);
}

/* Empty masks and boxes give empty meshes; bad boxes are rejected. */
static void test_empty(void **state)
{
    (void)state;
    uint8_t mask[8] = {0};
    const size_t dims[3] = {2, 2, 2}, lo[3] = {0, 0, 0}, hi[3] = {2, 2, 2}, bad[3] = {3, 2, 2};
    vx_mesh m;
    build(mask, dims, lo, hi, &m);
    assert_int_equal(m.n_vert, 0);
    assert_int_equal(m.n_tri, 0);
    assert_float_equal(vx_mesh_volume(&m, unit), 0.0, 0.0);
    vx_mesh_free(&m);
    build(mask, dims, lo, lo, &m);
    assert_int_equal(m.n_tri, 0);
    vx_mesh_free(&m);
    vx_error err = {0};
    assert_int_equal(vx_mesh_build(mask, dims, lo, bad, &m, &err), VX_EINVAL);
}

/* Random masks of several densities and shapes: closed and consistently oriented. */
static void test_random_closed(void **state)
{
    (void)state;
    unsigned seed = 12345u;
    for (int it = 0; it < 200; it++) {
        size_t n[3] = {3 + (size_t)(it % 5), 4 + (size_t)(it % 3), 2 + (size_t)(it % 7)};
        size_t tot = n[0] * n[1] * n[2];
        uint8_t *mask = malloc(tot);
        assert_non_null(mask);
        unsigned dens = 20u + 15u * (unsigned)(it % 5);
        for (size_t i = 0; i < tot; i++) {
            seed = seed * 1103515245u + 12345u;
            mask[i] = ((seed >> 16) % 100u) < dens;
        }
        const size_t lo[3] = {0, 0, 0};
        vx_mesh m;
        build(mask, n, lo, n, &m);
        assert_closed(&m);
        size_t cnt = 0;
        for (size_t i = 0; i < tot; i++)
            cnt += mask[i];
        if (cnt > 0) {
            assert_true(signed_vol48(&m) > 0);
        }
        vx_mesh_free(&m);
        free(mask);
    }
}

/* Every one of the 256 cube configurations (a 2x2x2 mask, padded): closed and oriented. Mask voxels
 * touching only along an edge or a corner are separate pieces (6-connectivity): two voxels sharing an
 * edge give twice the single-voxel volume. */
static void test_all_cases(void **state)
{
    (void)state;
    const size_t dims[3] = {2, 2, 2}, lo[3] = {0, 0, 0};
    for (int cs = 1; cs < 256; cs++) {
        uint8_t mask[8];
        for (int c = 0; c < 8; c++)
            mask[c] = (uint8_t)((cs >> c) & 1);
        vx_mesh m;
        build(mask, dims, lo, dims, &m);
        assert_closed(&m);
        assert_true(signed_vol48(&m) > 0);
        vx_mesh_free(&m);
    }
    uint8_t diag[8] = {1, 0, 0, 1, 0, 0, 0, 0}; /* (0,0,0) and (1,1,0): edge neighbours */
    vx_mesh m;
    build(diag, dims, lo, dims, &m);
    assert_float_equal(vx_mesh_volume(&m, unit), 2.0 / 6.0, 1e-15);
    vx_mesh_free(&m);
}

/* Moving the mask inside a larger grid gives the identical mesh (doubled coordinates relative to the box). */
static void test_translation(void **state)
{
    (void)state;
    const size_t n[3] = {5, 4, 6};
    uint8_t small[120];
    unsigned seed = 99u;
    for (size_t i = 0; i < 120; i++) {
        seed = seed * 1103515245u + 12345u;
        small[i] = ((seed >> 16) % 3u) != 0;
    }
    const size_t big[3] = {11, 9, 14}, off[3] = {4, 3, 7};
    uint8_t *mask = calloc(big[0] * big[1] * big[2], 1);
    assert_non_null(mask);
    for (size_t z = 0; z < n[2]; z++)
        for (size_t y = 0; y < n[1]; y++)
            for (size_t x = 0; x < n[0]; x++)
                mask[(x + off[0]) + big[0] * ((y + off[1]) + big[1] * (z + off[2]))] = small[x + n[0] * (y + n[1] * z)];
    const size_t lo0[3] = {0, 0, 0}, hi1[3] = {off[0] + n[0], off[1] + n[1], off[2] + n[2]};
    vx_mesh a, b;
    build(small, n, lo0, n, &a);
    build(mask, big, off, hi1, &b);
    assert_int_equal(a.n_vert, b.n_vert);
    assert_int_equal(a.n_tri, b.n_tri);
    assert_memory_equal(a.vert, b.vert, 3 * a.n_vert * sizeof(int32_t));
    assert_memory_equal(a.tri, b.tri, 3 * a.n_tri * sizeof(uint32_t));
    vx_mesh_free(&a);
    vx_mesh_free(&b);
    free(mask);
}

/* A digitised sphere of radius 20 voxels: the mesh volume is within 0.5 % of 4/3 pi r^3; marching cubes
 * on a binary mask overestimates the area (staircase), so sphericity (36 pi V^2)^(1/3) / A lies between
 * 0.90 and 0.95 (0.92 at radius 30). */
static void test_sphere(void **state)
{
    (void)state;
    const size_t D = 45, dims[3] = {D, D, D}, lo[3] = {0, 0, 0};
    uint8_t *mask = calloc(D * D * D, 1);
    assert_non_null(mask);
    const double c = 22.0, r = 20.0;
    for (size_t z = 0; z < D; z++)
        for (size_t y = 0; y < D; y++)
            for (size_t x = 0; x < D; x++) {
                double dx = (double)x - c, dy = (double)y - c, dz = (double)z - c;
                mask[x + D * (y + D * z)] = dx * dx + dy * dy + dz * dz <= r * r;
            }
    vx_mesh m;
    build(mask, dims, lo, dims, &m);
    assert_closed(&m);
    const double pi = 3.14159265358979323846;
    double V = vx_mesh_volume(&m, unit), A = vx_mesh_area(&m, unit), ideal = 4.0 / 3.0 * pi * r * r * r;
    assert_true(fabs(V - ideal) < 0.005 * ideal);
    double sph = cbrt(36.0 * pi * V * V) / A;
    assert_true(sph > 0.90 && sph < 0.95);
    vx_mesh_free(&m);
    free(mask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_voxel), cmocka_unit_test(test_block_2x2x2),
        cmocka_unit_test(test_empty),        cmocka_unit_test(test_random_closed),
        cmocka_unit_test(test_all_cases),    cmocka_unit_test(test_translation),
        cmocka_unit_test(test_sphere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
