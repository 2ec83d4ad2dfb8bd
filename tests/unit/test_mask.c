/* Unit tests: label masks and their grids (voxomics/mask.h, src/image/mask.c).
 *
 * Expected values are derived by hand in the comments next to them; the connected-component test on random
 * masks compares with a brute-force labelling by repeated minimum-label propagation (an independent
 * algorithm: no queue, no search order).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/mask.h"
#include "vx_test.h"

/* ---- helpers -------------------------------------------------------------------------------------------- */

static vx_image *image_of(size_t nx, size_t ny, size_t nz, const float *v)
{
    vx_geometry g;
    vx_geometry_default(&g, nx, ny, nz);
    vx_image *img = vx_image_new(&g);
    assert_non_null(img);
    if (v)
        memcpy(img->v, v, nx * ny * nz * sizeof *v);
    return img;
}

static float at(const vx_image *img, size_t i, size_t j, size_t k)
{
    const size_t *d = img->geom.dims;
    return img->v[i + d[0] * (j + d[1] * k)];
}

static void set(vx_image *img, size_t i, size_t j, size_t k, float v)
{
    const size_t *d = img->geom.dims;
    img->v[i + d[0] * (j + d[1] * k)] = v;
}

static size_t count_nonzero(const vx_image *img)
{
    size_t n = vx_geometry_count(&img->geom), c = 0;
    for (size_t s = 0; s < n; s++)
        c += img->v[s] != 0.0f;
    return c;
}

static void assert_contains(const char *msg, const char *part)
{
    if (!strstr(msg, part))
        fail_msg("message \"%s\" does not contain \"%s\"", msg, part);
}

/* ---- vx_mask_labels ------------------------------------------------------------------------------------- */

static void test_labels(void **state)
{
    (void)state;
    /* 3 x 2 x 2: labels 1, 2, 3 and 70000 (past the bitmap), background 0 and -1 */
    const float v[12] = {0, 3, 1, 0, 3, 70000, 2, 0, -1, 1, 0, 2};
    vx_image *img = image_of(3, 2, 2, v);
    vx_error err;
    int *l = NULL;
    size_t n = 99;
    assert_int_equal(vx_mask_labels(img, &l, &n, &err), VX_OK);
    assert_int_equal(n, 4);
    assert_int_equal(l[0], 1);
    assert_int_equal(l[1], 2);
    assert_int_equal(l[2], 3);
    assert_int_equal(l[3], 70000);
    free(l);

    /* empty: no array */
    memset(img->v, 0, 12 * sizeof(float));
    img->v[4] = -7.0f;
    assert_int_equal(vx_mask_labels(img, &l, &n, &err), VX_OK);
    assert_int_equal(n, 0);
    assert_null(l);
    vx_image_free(img);
}

static void test_labels_many(void **state)
{
    (void)state;
    /* 2000 voxels: value 100000 + (s * 7919) % 500, descending blocks and repeats: 500 distinct labels */
    vx_image *img = image_of(20, 10, 10, NULL);
    for (size_t s = 0; s < 2000; s++)
        img->v[s] = (float)(100000 + (s * 7919) % 500);
    img->v[0] = 5.0f;
    img->v[1] = 65535.0f;
    img->v[2] = 65536.0f; /* first label past the bitmap */
    vx_error err;
    int *l = NULL;
    size_t n = 0;
    assert_int_equal(vx_mask_labels(img, &l, &n, &err), VX_OK);
    /* s = 0, 1, 2 gave 100000, 107919 % 500 = 419 -> 100419, 100338: check whether those still occur */
    int seen[500] = {0};
    for (size_t s = 3; s < 2000; s++)
        seen[(s * 7919) % 500] = 1;
    size_t nbig = 0;
    for (int i = 0; i < 500; i++)
        nbig += (size_t)seen[i];
    assert_int_equal(n, 3 + nbig);
    assert_int_equal(l[0], 5);
    assert_int_equal(l[1], 65535);
    assert_int_equal(l[2], 65536);
    size_t k = 3;
    for (int i = 0; i < 500; i++)
        if (seen[i])
            assert_int_equal(l[k++], 100000 + i);
    free(l);
    vx_image_free(img);
}

static void test_labels_errors(void **state)
{
    (void)state;
    vx_image *img = image_of(3, 2, 2, NULL);
    vx_error err;
    int *l = (int *)&err; /* must be reset to NULL */
    size_t n = 5;

    set(img, 1, 0, 1, 0.5f); /* first offending voxel (1, 0, 1) */
    set(img, 2, 1, 1, 0.25f);
    assert_int_equal(vx_mask_labels(img, &l, &n, &err), VX_EFORMAT);
    assert_null(l);
    assert_int_equal(n, 0);
    assert_contains(err.msg, "(1, 0, 1)");
    assert_contains(err.msg, "0.5");
    assert_contains(err.msg, "threshold");

    memset(img->v, 0, 12 * sizeof(float));
    set(img, 0, 1, 0, NAN);
    assert_int_equal(vx_mask_labels(img, &l, &n, &err), VX_EFORMAT);
    assert_contains(err.msg, "(0, 1, 0)");
    assert_contains(err.msg, "nan");

    set(img, 0, 1, 0, -INFINITY);
    assert_int_equal(vx_mask_labels(img, &l, &n, &err), VX_EFORMAT);
    assert_contains(err.msg, "inf");

    set(img, 0, 1, 0, 3e9f);
    assert_int_equal(vx_mask_labels(img, &l, &n, &err), VX_EUNSUPPORTED);
    assert_contains(err.msg, "(0, 1, 0)");

    set(img, 0, 1, 0, -2.5f); /* negative fractions are not integers either */
    assert_int_equal(vx_mask_labels(img, &l, &n, &err), VX_EFORMAT);
    vx_image_free(img);
}

/* ---- vx_mask_largest_component -------------------------------------------------------------------------- */

static void test_component_diagonal(void **state)
{
    (void)state;
    /* 5 x 5 x 1: A = (0,0), (1,1), (2,2) touch along edges only; B = (4,0), (4,1) share a face.
     * 6-connectivity: A is three singletons, B (2) wins. 18 and 26: A (3) wins. */
    static const int conn[3] = {6, 18, 26};
    for (int c = 0; c < 3; c++) {
        vx_image *img = image_of(5, 5, 1, NULL);
        set(img, 0, 0, 0, 1);
        set(img, 1, 1, 0, 1);
        set(img, 2, 2, 0, 1);
        set(img, 4, 0, 0, 1);
        set(img, 4, 1, 0, 1);
        vx_error err;
        size_t kept = 0;
        assert_int_equal(vx_mask_largest_component(img, 0, 0.5, conn[c], &kept, &err), VX_OK);
        if (conn[c] == 6) {
            assert_int_equal(kept, 2);
            assert_true(at(img, 4, 0, 0) == 1.0f && at(img, 4, 1, 0) == 1.0f);
            assert_true(at(img, 0, 0, 0) == 0.0f && at(img, 1, 1, 0) == 0.0f && at(img, 2, 2, 0) == 0.0f);
        } else {
            assert_int_equal(kept, 3);
            assert_true(at(img, 0, 0, 0) == 1.0f && at(img, 1, 1, 0) == 1.0f && at(img, 2, 2, 0) == 1.0f);
            assert_true(at(img, 4, 0, 0) == 0.0f && at(img, 4, 1, 0) == 0.0f);
        }
        assert_int_equal(count_nonzero(img), kept);
        vx_image_free(img);
    }
    /* 3D, corners only: A = (0,0,0), (1,1,1), (2,2,2); B = (4,4,0), (4,4,1). 6 and 18: B; 26: A. */
    for (int c = 0; c < 3; c++) {
        vx_image *img = image_of(5, 5, 3, NULL);
        set(img, 0, 0, 0, 1);
        set(img, 1, 1, 1, 1);
        set(img, 2, 2, 2, 1);
        set(img, 4, 4, 0, 1);
        set(img, 4, 4, 1, 1);
        vx_error err;
        size_t kept = 0;
        assert_int_equal(vx_mask_largest_component(img, 1, 0.0, conn[c], &kept, &err), VX_OK);
        assert_int_equal(kept, conn[c] == 26 ? 3 : 2);
        assert_true(at(img, 1, 1, 1) == (conn[c] == 26 ? 1.0f : 0.0f));
        assert_true(at(img, 4, 4, 1) == (conn[c] == 26 ? 0.0f : 1.0f));
        assert_int_equal(count_nonzero(img), kept);
        vx_image_free(img);
    }
}

static void test_component_ties(void **state)
{
    (void)state;
    /* 4 x 3 x 1: X = (3,0), (3,1) (lowest linear index 3), Y = (0,1), (1,1) (lowest index 4), Z = (2,2)
     * (index 10, touching the others only diagonally): X and Y have equal sizes, X contains the lowest
     * index and is kept although Y is met first along row 1 */
    vx_image *img = image_of(4, 3, 1, NULL);
    set(img, 3, 0, 0, 1);
    set(img, 3, 1, 0, 1);
    set(img, 0, 1, 0, 1);
    set(img, 1, 1, 0, 1);
    set(img, 2, 2, 0, 1);
    vx_error err;
    size_t kept = 0;
    assert_int_equal(vx_mask_largest_component(img, 0, 0.5, 6, &kept, &err), VX_OK);
    assert_int_equal(kept, 2);
    assert_true(at(img, 3, 0, 0) == 1.0f && at(img, 3, 1, 0) == 1.0f);
    assert_true(at(img, 0, 1, 0) == 0.0f && at(img, 1, 1, 0) == 0.0f && at(img, 2, 2, 0) == 0.0f);
    vx_image_free(img);

    /* 5 x 1 x 1: 1 1 0 1 1 -> the first pair */
    const float v[5] = {1, 1, 0, 1, 1};
    img = image_of(5, 1, 1, v);
    assert_int_equal(vx_mask_largest_component(img, 0, 0.5, 26, NULL, &err), VX_OK);
    const float e[5] = {1, 1, 0, 0, 0};
    assert_memory_equal(img->v, e, sizeof e);
    vx_image_free(img);
}

static void test_component_label_threshold(void **state)
{
    (void)state;
    /* 8 x 1 x 1 labels 1 1 1 0 2 2 0 2: the label-1 run (3) is larger than any label-2 run, but only
     * label 2 is examined: runs {4,5} (2) and {7} (1) -> {4,5} kept, label 1 untouched */
    const float v[8] = {1, 1, 1, 0, 2, 2, 0, 2};
    vx_image *img = image_of(8, 1, 1, v);
    vx_error err;
    size_t kept = 0;
    assert_int_equal(vx_mask_largest_component(img, 2, 0.5, 6, &kept, &err), VX_OK);
    assert_int_equal(kept, 2);
    const float e[8] = {1, 1, 1, 0, 2, 2, 0, 0};
    assert_memory_equal(img->v, e, sizeof e);
    vx_image_free(img);

    /* threshold 0.5: ROI = {0.7, 0.9} at 1, 2 and {0.6} at 5; 0.3 at 3 and 4 is outside the ROI (kept as is,
     * though it bridges the two parts); ROI values of the kept part unchanged */
    const float t[6] = {0.1f, 0.7f, 0.9f, 0.3f, 0.3f, 0.6f};
    img = image_of(6, 1, 1, t);
    assert_int_equal(vx_mask_largest_component(img, 0, 0.5, 26, &kept, &err), VX_OK);
    assert_int_equal(kept, 2);
    const float te[6] = {0.1f, 0.7f, 0.9f, 0.3f, 0.3f, 0.0f};
    assert_memory_equal(img->v, te, sizeof te);

    /* empty ROI: nothing changes, kept 0 */
    assert_int_equal(vx_mask_largest_component(img, 0, 5.0, 6, &kept, &err), VX_OK);
    assert_int_equal(kept, 0);
    assert_memory_equal(img->v, te, sizeof te);

    assert_int_equal(vx_mask_largest_component(img, 0, 0.5, 8, &kept, &err), VX_EINVAL);
    assert_contains(err.msg, "connectivity 8");
    assert_int_equal(vx_mask_largest_component(img, 0, NAN, 6, &kept, &err), VX_EINVAL);
    vx_image_free(img);
}

/* Brute force: every ROI voxel starts with its own index as label; repeat "take the smallest label of the
 * neighbours" until nothing changes. Returns the component label per voxel (SIZE_MAX outside the ROI). */
static size_t *brute_labels(const vx_image *img, int conn)
{
    const size_t *d = img->geom.dims;
    size_t n = vx_geometry_count(&img->geom);
    size_t *lab = malloc(n * sizeof *lab);
    assert_non_null(lab);
    for (size_t s = 0; s < n; s++)
        lab[s] = img->v[s] >= 0.5f ? s : SIZE_MAX;
    int reach = conn == 6 ? 1 : conn == 18 ? 2 : 3;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t z = 0; z < d[2]; z++)
            for (size_t y = 0; y < d[1]; y++)
                for (size_t x = 0; x < d[0]; x++) {
                    size_t s = x + d[0] * (y + d[1] * z);
                    if (lab[s] == SIZE_MAX)
                        continue;
                    for (long dz = -1; dz <= 1; dz++)
                        for (long dy = -1; dy <= 1; dy++)
                            for (long dx = -1; dx <= 1; dx++) {
                                long m = labs(dx) + labs(dy) + labs(dz);
                                long X = (long)x + dx, Y = (long)y + dy, Z = (long)z + dz;
                                if (m == 0 || m > reach || X < 0 || Y < 0 || Z < 0 || X >= (long)d[0] ||
                                    Y >= (long)d[1] || Z >= (long)d[2])
                                    continue;
                                size_t t = (size_t)X + d[0] * ((size_t)Y + d[1] * (size_t)Z);
                                if (lab[t] < lab[s]) {
                                    lab[s] = lab[t];
                                    changed = 1;
                                }
                            }
                }
    }
    return lab;
}

static void test_component_random(void **state)
{
    (void)state;
    static const int conn[3] = {6, 18, 26};
    unsigned seed = 12345;
    for (int rep = 0; rep < 12; rep++) {
        vx_image *img = image_of(13, 11, 7, NULL);
        size_t n = vx_geometry_count(&img->geom);
        for (size_t s = 0; s < n; s++) {
            seed = seed * 1103515245u + 12345u;
            img->v[s] = ((seed >> 16) % 100) < 30 + (unsigned)rep * 2 ? 1.0f : 0.0f;
        }
        int c = conn[rep % 3];
        size_t *lab = brute_labels(img, c);
        /* the largest component by brute force; ties: smallest label = lowest linear index */
        size_t *size = calloc(n, sizeof *size);
        assert_non_null(size);
        for (size_t s = 0; s < n; s++)
            if (lab[s] != SIZE_MAX)
                size[lab[s]]++;
        size_t best = 0, best_lab = 0;
        for (size_t s = 0; s < n; s++)
            if (size[s] > best) {
                best = size[s];
                best_lab = s;
            }
        vx_error err;
        size_t kept = 0;
        assert_int_equal(vx_mask_largest_component(img, 0, 0.5, c, &kept, &err), VX_OK);
        assert_int_equal(kept, best);
        for (size_t s = 0; s < n; s++)
            assert_true(img->v[s] == (lab[s] == best_lab ? 1.0f : 0.0f));
        free(size);
        free(lab);
        vx_image_free(img);
    }
}

static void test_component_large(void **state)
{
    (void)state;
    /* a 200 x 200 x 40 slab, full, with one voxel cut off in a corner by a gap plane: linear time */
    vx_image *img = image_of(200, 200, 40, NULL);
    size_t n = vx_geometry_count(&img->geom);
    for (size_t s = 0; s < n; s++)
        img->v[s] = 1.0f;
    for (size_t y = 0; y < 200; y++)
        for (size_t x = 0; x < 200; x++)
            set(img, x, y, 38, 0.0f); /* slice 39 is cut off: 40000 voxels */
    vx_error err;
    size_t kept = 0;
    assert_int_equal(vx_mask_largest_component(img, 0, 0.5, 6, &kept, &err), VX_OK);
    assert_int_equal(kept, 200 * 200 * 38);
    assert_true(at(img, 5, 5, 39) == 0.0f && at(img, 5, 5, 37) == 1.0f);
    vx_image_free(img);
}

/* ---- vx_geometry_describe ------------------------------------------------------------------------------- */

static void test_describe(void **state)
{
    (void)state;
    vx_geometry g;
    vx_geometry_default(&g, 204, 201, 60);
    g.spacing[0] = g.spacing[1] = 0.977;
    g.spacing[2] = 3.0;
    g.origin[0] = -174.39;
    g.origin[1] = -79.63;
    g.origin[2] = -100.4;
    char buf[384];
    vx_geometry_describe(&g, buf, sizeof buf);
    assert_string_equal(buf, "204x201x60 voxels, spacing 0.977 x 0.977 x 3 mm, origin (-174.39, -79.63, -100.4) mm, "
                             "direction (1 0 0; 0 1 0; 0 0 1)");
    /* x flipped, y and z swapped, -0 and rounding noise printed as 0; row by row */
    double d[9] = {-1, -0.0, 1e-17, 0, 0, 1, -0.0, 1, 0};
    memcpy(g.direction, d, sizeof d);
    g.origin[0] = -0.0;
    vx_geometry_describe(&g, buf, sizeof buf);
    assert_string_equal(buf, "204x201x60 voxels, spacing 0.977 x 0.977 x 3 mm, origin (0, -79.63, -100.4) mm, "
                             "direction (-1 0 0; 0 0 1; 0 1 0)");
    /* truncated, terminated */
    char small[11];
    memset(small, 'x', sizeof small);
    vx_geometry_describe(&g, small, 10);
    assert_string_equal(small, "204x201x6");
    vx_geometry_describe(&g, small, 0); /* nothing written */
    assert_int_equal(small[0], '2');
}

/* ---- vx_geometry_check ---------------------------------------------------------------------------------- */

static void base_geometry(vx_geometry *g)
{
    vx_geometry_default(g, 10, 12, 8);
    g->spacing[0] = 0.8;
    g->spacing[1] = 0.8;
    g->spacing[2] = 2.5;
    g->origin[0] = -40.0;
    g->origin[1] = 12.5;
    g->origin[2] = 100.0;
}

static void expect_mismatch(const vx_geometry *a, const vx_geometry *b, const char *what)
{
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_geometry_check(a, b, &err), VX_EGEOMETRY);
    char da[384], db[384], ia[400], mb[400];
    vx_geometry_describe(a, da, sizeof da);
    vx_geometry_describe(b, db, sizeof db);
    snprintf(ia, sizeof ia, "image %s", da);
    snprintf(mb, sizeof mb, "mask %s", db);
    assert_contains(err.msg, what);
    assert_contains(err.msg, ia);
    assert_contains(err.msg, mb);
    assert_contains(err.msg, "pass --resample-mask to resample the mask onto the image grid (nearest neighbour)");
    assert_null(strchr(err.msg, '\n'));
}

static void test_geometry_check(void **state)
{
    (void)state;
    vx_geometry a, b;
    vx_error err;
    base_geometry(&a);
    b = a;
    assert_int_equal(vx_geometry_check(&a, &b, &err), VX_OK);

    /* within tolerance: spacing 5e-4 relative, origin 0.5e-2 voxel along x (0.004 mm), direction 5e-5 */
    b.spacing[0] = 0.8 * (1.0 + 5e-4);
    b.origin[0] += 0.004;
    b.direction[1] = 5e-5;
    assert_int_equal(vx_geometry_check(&a, &b, &err), VX_OK);

    b = a;
    b.dims[2] = 9;
    expect_mismatch(&a, &b, "dimensions");
    b = a;
    b.spacing[2] = 2.5 * (1.0 + 2e-3); /* 0.005 mm > 1e-3 * 2.5 + 1e-6 */
    expect_mismatch(&a, &b, "spacing");
    b = a;
    b.origin[1] += 0.4; /* half a voxel along y */
    expect_mismatch(&a, &b, "origin (off by 0, 0.5, 0 image voxels)");
    b = a;
    b.direction[0] = -1.0; /* x flipped */
    expect_mismatch(&a, &b, "direction");
    b = a;
    b.direction[4] = 1.0 + 2e-4;
    expect_mismatch(&a, &b, "direction");
    b = a;
    b.spacing[0] = NAN;
    expect_mismatch(&a, &b, "spacing");
    b = a;
    b.dims[0] = 11;
    b.origin[2] -= 2.5;
    expect_mismatch(&a, &b, "dimensions, origin (off by 0, 0, -1 image voxels)");

    /* origin tolerance in the image's index frame: image axis 0 points along world +y (spacing 1), axis 1
     * along world -x (spacing 3). A 0.02 mm shift along world y is 0.02 voxel of axis 0: over 1e-2 + 1e-4;
     * the same shift along world x is 0.0067 voxel of axis 1: within 1e-2 + 1e-4 / 3. */
    vx_geometry_default(&a, 4, 4, 4);
    double rot[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1};
    memcpy(a.direction, rot, sizeof rot);
    a.spacing[1] = 3.0;
    b = a;
    b.origin[1] += 0.02;
    expect_mismatch(&a, &b, "origin (off by 0.02, 0, 0 image voxels)");
    b = a;
    b.origin[0] += 0.02;
    assert_int_equal(vx_geometry_check(&a, &b, &err), VX_OK);
    b.origin[0] += 0.02; /* 0.04 mm = 0.0133 voxel of axis 1 */
    expect_mismatch(&a, &b, "origin (off by 0, -0.0133, 0 image voxels)");

    /* the 1e-4 mm term: spacing 0.01 mm, so the tolerance is 0.01 + 0.01 = 0.02 voxel (2e-4 mm) */
    vx_geometry_default(&a, 4, 4, 4);
    a.spacing[0] = a.spacing[1] = a.spacing[2] = 0.01;
    b = a;
    b.origin[2] = 1.5e-4; /* 0.015 voxel */
    assert_int_equal(vx_geometry_check(&a, &b, &err), VX_OK);
    b.origin[2] = 2.5e-4; /* 0.025 voxel */
    expect_mismatch(&a, &b, "origin (off by 0, 0, 0.025 image voxels)");

    /* an image grid that cannot be inverted */
    a.direction[0] = a.direction[3] = 0.0;
    b = a;
    assert_int_equal(vx_geometry_check(&a, &b, &err), VX_EGEOMETRY);
    assert_contains(err.msg, "image grid: direction matrix");
}

/* ---- vx_mask_resample_nearest --------------------------------------------------------------------------- */

static void test_resample_identity(void **state)
{
    (void)state;
    /* an oblique grid (30 degrees about z, then tilted) with a noisy origin: bit-identical copy */
    vx_geometry g;
    vx_geometry_default(&g, 9, 7, 5);
    double c = cos(0.5235987755982988), s = sin(0.5235987755982988), ct = cos(0.2), st = sin(0.2);
    /* R = Rz(30) * Rx(0.2 rad), row-major */
    double r[9] = {c, -s * ct, s * st, s, c * ct, -c * st, 0, st, ct};
    memcpy(g.direction, r, sizeof r);
    g.spacing[0] = 0.7;
    g.spacing[1] = 1.3;
    g.spacing[2] = 2.9;
    g.origin[0] = -123.456789;
    g.origin[1] = 98.7654321;
    g.origin[2] = -0.123;
    vx_image *m = vx_image_new(&g);
    assert_non_null(m);
    size_t n = vx_geometry_count(&g);
    for (size_t i = 0; i < n; i++)
        m->v[i] = (float)((i * 37) % 11) + (i % 5 == 0 ? 0.25f : 0.0f);
    m->v[3] = -0.0f;
    vx_image *out = NULL;
    vx_error err;
    assert_int_equal(vx_mask_resample_nearest(m, &g, &out, &err), VX_OK);
    assert_memory_equal(out->v, m->v, n * sizeof(float));
    assert_memory_equal(&out->geom, &g, sizeof g);
    vx_image_free(out);
    vx_image_free(m);
}

static void test_resample_shift(void **state)
{
    (void)state;
    /* mask 4 x 3 x 2, spacing 0.8 x 1.2 x 2.5, origin (1.6, -1.2, 5): on the lattice of the target grid
     * 6 x 5 x 3 with origin (0, 0, 0) shifted by (2, -1, 2) voxels. Target voxel (i, j, k) takes mask
     * voxel (i - 2, j + 1, k - 2) when inside, else 0. */
    vx_geometry gm, gt;
    vx_geometry_default(&gm, 4, 3, 2);
    double sp[3] = {0.8, 1.2, 2.5};
    memcpy(gm.spacing, sp, sizeof sp);
    gm.origin[0] = 1.6;
    gm.origin[1] = -1.2;
    gm.origin[2] = 5.0;
    vx_image *m = vx_image_new(&gm);
    assert_non_null(m);
    for (size_t s = 0; s < 24; s++)
        m->v[s] = (float)(s + 1);
    vx_geometry_default(&gt, 6, 5, 3);
    memcpy(gt.spacing, sp, sizeof sp);
    vx_image *out = NULL;
    vx_error err;
    assert_int_equal(vx_mask_resample_nearest(m, &gt, &out, &err), VX_OK);
    size_t nonzero = 0;
    for (size_t k = 0; k < 3; k++)
        for (size_t j = 0; j < 5; j++)
            for (size_t i = 0; i < 6; i++) {
                long a = (long)i - 2, b = (long)j + 1, cc = (long)k - 2;
                float e = (a >= 0 && a < 4 && b >= 0 && b < 3 && cc >= 0 && cc < 2)
                              ? (float)(a + 4 * (b + 3 * cc) + 1)
                              : 0.0f;
                assert_true(at(out, i, j, k) == e);
                nonzero += e != 0.0f;
            }
    /* overlap: i 2..5 (4), j 0..1 (2), k 2 (1) */
    assert_int_equal(nonzero, 8);
    vx_image_free(out);

    /* crop: the target is the mask's voxels (1..2, 1..2, 1) */
    vx_geometry gc = gm;
    gc.dims[0] = 2;
    gc.dims[1] = 2;
    gc.dims[2] = 1;
    gc.origin[0] = 1.6 + 0.8;
    gc.origin[1] = -1.2 + 1.2;
    gc.origin[2] = 5.0 + 2.5;
    assert_int_equal(vx_mask_resample_nearest(m, &gc, &out, &err), VX_OK);
    /* mask value of (a, b, 1) is a + 4 (b + 3) + 1 */
    const float e[4] = {1 + 4 * 4 + 1, 2 + 4 * 4 + 1, 1 + 4 * 5 + 1, 2 + 4 * 5 + 1};
    assert_memory_equal(out->v, e, sizeof e);
    vx_image_free(out);
    vx_image_free(m);
}

static void test_resample_flipped(void **state)
{
    (void)state;
    /* A 5 x 3 x 2 identity grid and the same voxels stored with x reversed: direction x = -1, origin at the
     * world position of the last x voxel. Resampling the reversed copy onto the identity grid gives back
     * the original. */
    vx_geometry g;
    vx_geometry_default(&g, 5, 3, 2);
    g.spacing[0] = 1.5;
    g.origin[0] = 10.0;
    g.origin[1] = -3.0;
    vx_geometry gf = g;
    gf.direction[0] = -1.0;
    gf.origin[0] = 10.0 + 4 * 1.5;
    vx_image *orig = vx_image_new(&g), *rev = vx_image_new(&gf);
    assert_non_null(orig);
    assert_non_null(rev);
    for (size_t k = 0; k < 2; k++)
        for (size_t j = 0; j < 3; j++)
            for (size_t i = 0; i < 5; i++) {
                float v = (float)((i * 3 + j * 5 + k * 7) % 4);
                set(orig, i, j, k, v);
                set(rev, 4 - i, j, k, v);
            }
    vx_image *out = NULL;
    vx_error err;
    assert_int_equal(vx_mask_resample_nearest(rev, &g, &out, &err), VX_OK);
    assert_memory_equal(out->v, orig->v, 30 * sizeof(float));
    vx_image_free(out);
    /* and back */
    assert_int_equal(vx_mask_resample_nearest(orig, &gf, &out, &err), VX_OK);
    assert_memory_equal(out->v, rev->v, 30 * sizeof(float));
    vx_image_free(out);
    vx_image_free(orig);
    vx_image_free(rev);
}

static void test_resample_coarse(void **state)
{
    (void)state;
    /* mask 2 x 2 x 1 of spacing 2, origin (0.5, 0.5, 0), labels 7, 300 / 12, 0; target 4 x 4 x 1 of
     * spacing 1, origin 0. Target x = 0..3 maps to mask index (x - 0.5) / 2 = -0.25, 0.25, 0.75, 1.25,
     * nearest 0, 0, 1, 1: each mask voxel covers a 2 x 2 block. */
    vx_geometry gm, gt;
    vx_geometry_default(&gm, 2, 2, 1);
    gm.spacing[0] = gm.spacing[1] = 2.0;
    gm.origin[0] = gm.origin[1] = 0.5;
    vx_image *m = vx_image_new(&gm);
    assert_non_null(m);
    const float mv[4] = {7, 300, 12, 0};
    memcpy(m->v, mv, sizeof mv);
    vx_geometry_default(&gt, 4, 4, 1);
    vx_image *out = NULL;
    vx_error err;
    assert_int_equal(vx_mask_resample_nearest(m, &gt, &out, &err), VX_OK);
    const float e[16] = {7, 7, 300, 300, 7, 7, 300, 300, 12, 12, 0, 0, 12, 12, 0, 0};
    assert_memory_equal(out->v, e, sizeof e);
    vx_image_free(out);

    /* ties: mask origin 0, so target x = 0..3 maps to 0, 0.5, 1, 1.5: half up gives 0, 1, 1, 2 (outside) */
    m->geom.origin[0] = m->geom.origin[1] = 0.0;
    assert_int_equal(vx_mask_resample_nearest(m, &gt, &out, &err), VX_OK);
    const float t[16] = {7, 300, 300, 0, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0};
    assert_memory_equal(out->v, t, sizeof t);
    vx_image_free(out);
    vx_image_free(m);
}

static void test_resample_rotated(void **state)
{
    (void)state;
    /* Mask grid rotated 90 degrees about z: axis 0 along world +y, axis 1 along world -x:
     * D = (0 -1 0; 1 0 0; 0 0 1), origin (3, 0, 0): mask voxel (a, b) lies at world (3 - b, a).
     * Identity target 4 x 4 x 1: voxel (i, j) at world (i, j) takes mask voxel (a, b) = (j, 3 - i). */
    vx_geometry gm, gt;
    vx_geometry_default(&gm, 4, 4, 1);
    double d[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1};
    memcpy(gm.direction, d, sizeof d);
    gm.origin[0] = 3.0;
    vx_image *m = vx_image_new(&gm);
    assert_non_null(m);
    for (size_t s = 0; s < 16; s++)
        m->v[s] = (float)(s + 1); /* mask (a, b) = a + 4 b + 1 */
    vx_geometry_default(&gt, 4, 4, 1);
    vx_image *out = NULL;
    vx_error err;
    assert_int_equal(vx_mask_resample_nearest(m, &gt, &out, &err), VX_OK);
    for (size_t j = 0; j < 4; j++)
        for (size_t i = 0; i < 4; i++)
            assert_true(at(out, i, j, 0) == (float)(j + 4 * (3 - i) + 1));
    vx_image_free(out);
    vx_image_free(m);
}

static void test_resample_outside(void **state)
{
    (void)state;
    vx_geometry gm, gt;
    vx_geometry_default(&gm, 3, 3, 3);
    vx_image *m = vx_image_new(&gm);
    assert_non_null(m);
    for (size_t s = 0; s < 27; s++)
        m->v[s] = 1.0f;
    /* far away: all 0 (an empty result is not an error) */
    vx_geometry_default(&gt, 4, 4, 4);
    gt.origin[0] = 100.0;
    vx_image *out = NULL;
    vx_error err;
    assert_int_equal(vx_mask_resample_nearest(m, &gt, &out, &err), VX_OK);
    assert_int_equal(count_nonzero(out), 0);
    vx_image_free(out);
    /* target spacing 1, origin (-1.4, 1.6, 2.4): x -1.4..1.6 -> mask x index round(-1.4)=-1 (out), -0.4 -> 0,
     * 0.6 -> 1, 1.6 -> 2; y 1.6, 2.6 (out: 3), 3.6, 4.6 -> 1 voxel row; z 2.4 -> 2, 3.4 out.
     * inside: 3 (x) * 1 (y) * 1 (z) = 3 voxels */
    gt.origin[0] = -1.4;
    gt.origin[1] = 1.6;
    gt.origin[2] = 2.4;
    assert_int_equal(vx_mask_resample_nearest(m, &gt, &out, &err), VX_OK);
    assert_int_equal(count_nonzero(out), 3);
    assert_true(at(out, 1, 0, 0) == 1.0f && at(out, 3, 0, 0) == 1.0f && at(out, 0, 0, 0) == 0.0f);
    vx_image_free(out);

    /* singular mask direction, zero spacing: VX_EGEOMETRY, no output */
    m->geom.direction[8] = 0.0;
    out = (vx_image *)&err;
    assert_int_equal(vx_mask_resample_nearest(m, &gt, &out, &err), VX_EGEOMETRY);
    assert_null(out);
    assert_contains(err.msg, "singular");
    m->geom.direction[8] = 1.0;
    m->geom.spacing[1] = 0.0;
    assert_int_equal(vx_mask_resample_nearest(m, &gt, &out, &err), VX_EGEOMETRY);
    assert_contains(err.msg, "spacing");
    vx_image_free(m);
}

static void test_world_to_index(void **state)
{
    (void)state;
    /* voxel (2, 1, 3) of a grid spacing (0.5, 2, 4), origin (10, 20, 30), D = (0 0 1; -1 0 0; 0 -1 0)
     * lies at origin + D (1, 2, 12) = (10 + 12, 20 - 1, 30 - 2) = (22, 19, 28) */
    vx_geometry g;
    vx_geometry_default(&g, 5, 5, 5);
    double d[9] = {0, 0, 1, -1, 0, 0, 0, -1, 0};
    memcpy(g.direction, d, sizeof d);
    double sp[3] = {0.5, 2, 4}, o[3] = {10, 20, 30};
    memcpy(g.spacing, sp, sizeof sp);
    memcpy(g.origin, o, sizeof o);
    double m[12];
    vx_error err;
    assert_int_equal(vx_geometry_world_to_index(&g, m, &err), VX_OK);
    const double p[3] = {22, 19, 28}, e[3] = {2, 1, 3};
    for (int r = 0; r < 3; r++)
        vx_assert_near(m[4 * r] * p[0] + m[4 * r + 1] * p[1] + m[4 * r + 2] * p[2] + m[4 * r + 3], e[r], 1e-12);
    g.origin[1] = INFINITY;
    assert_int_equal(vx_geometry_world_to_index(&g, m, &err), VX_EGEOMETRY);
}

/* vx_mask_check_values (issue 11): a mask must look like a mask. */
static vx_image *values_mask(size_t n, float (*f)(size_t))
{
    vx_geometry g;
    vx_geometry_default(&g, n, 1, 1);
    vx_image *m = vx_image_new(&g);
    assert_non_null(m);
    for (size_t i = 0; i < n; i++)
        m->v[i] = f(i);
    return m;
}
static float mv_binary(size_t i) { return (float)(i % 2); }
static float mv_fraction(size_t i) { return (float)(i % 11) / 10.0f; } /* 0, 0.1, ..., 1 */
static float mv_labels(size_t i) { return (float)(i % 1000); }          /* 1000 distinct values: the limit */
static float mv_labels_over(size_t i) { return (float)(i % 1001); }     /* 1001 distinct values */
static float mv_negative(size_t i) { return i == 7 ? -2.0f : 0.0f; }
static float mv_17(size_t i) { return i == 9 ? 1.7f : 1.0f; }
static float mv_nan(size_t i) { return i == 3 ? NAN : 0.0f; }
static float mv_inf(size_t i) { return i == 4 ? INFINITY : 1.0f; }
static float mv_negzero(size_t i) { return i % 2 ? -0.0f : 0.0f; }
static float mv_big_label(size_t i) { return i % 3 == 0 ? 65535.0f : (float)(i % 3); }

static void test_check_values(void **state)
{
    (void)state;
    struct {
        float (*f)(size_t);
        size_t n;
        int ok;
        const char *needle;
    } cases[] = {
        {mv_binary, 100, 1, NULL},
        {mv_fraction, 100, 1, NULL},
        {mv_labels, 5000, 1, NULL},
        {mv_negzero, 10, 1, NULL},
        {mv_big_label, 30, 1, NULL},
        {mv_labels_over, 5000, 0, "m.nii: does not look like a mask: more than 1000 distinct values"},
        {mv_negative, 10, 0, "m.nii: does not look like a mask: voxel (7, 0, 0) holds -2"},
        {mv_17, 10, 0, "m.nii: does not look like a mask: voxel (9, 0, 0) holds 1.7"},
        {mv_nan, 10, 0, "voxel (3, 0, 0) holds nan"},
        {mv_inf, 10, 0, "voxel (4, 0, 0) holds inf"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        vx_image *m = values_mask(cases[c].n, cases[c].f);
        vx_error err;
        vx_error_clear(&err);
        int rc = vx_mask_check_values(m, "m.nii", &err);
        if (cases[c].ok) {
            if (rc != VX_OK)
                fail_msg("case %zu: %s", c, err.msg);
        } else {
            assert_int_equal(rc, VX_EFORMAT);
            if (!strstr(err.msg, cases[c].needle) || !strstr(err.msg, "were IMAGE and MASK swapped?"))
                fail_msg("case %zu: '%s' lacks '%s'", c, err.msg, cases[c].needle);
        }
        vx_image_free(m);
    }
    /* linear time: a 2^24-voxel image of 2^24 distinct values stops after 1001 of them, and a 2^24-voxel
     * label image with 1000 labels in runs is one pass */
    vx_geometry g;
    vx_geometry_default(&g, 256, 256, 256);
    vx_image *m = vx_image_new(&g);
    assert_non_null(m);
    size_t n = vx_geometry_count(&g);
    for (size_t i = 0; i < n; i++)
        m->v[i] = (float)(i / 16777); /* 0..1000 in runs: 1001 values */
    vx_error err;
    assert_int_equal(vx_mask_check_values(m, NULL, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "mask: does not look like a mask: more than 1000"));
    for (size_t i = 0; i < n; i++)
        m->v[i] = (float)((i * 2654435761u) % 1000u); /* scattered, 1000 values */
    assert_int_equal(vx_mask_check_values(m, NULL, &err), VX_OK);
    vx_image_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_labels_many),
        cmocka_unit_test(test_labels_errors),
        cmocka_unit_test(test_component_diagonal),
        cmocka_unit_test(test_component_ties),
        cmocka_unit_test(test_component_label_threshold),
        cmocka_unit_test(test_component_random),
        cmocka_unit_test(test_component_large),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_geometry_check),
        cmocka_unit_test(test_resample_identity),
        cmocka_unit_test(test_resample_shift),
        cmocka_unit_test(test_resample_flipped),
        cmocka_unit_test(test_resample_coarse),
        cmocka_unit_test(test_resample_rotated),
        cmocka_unit_test(test_resample_outside),
        cmocka_unit_test(test_world_to_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
