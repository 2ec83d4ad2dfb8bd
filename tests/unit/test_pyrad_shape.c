/* PyRadiomics' shape and shape2D classes in compat pyradiomics (src/feature/pyrad_shape.c).
 *
 * External references: PyRadiomics' committed baselines of brain1 ($VOXOMICS_DATA/pyradiomics/
 * baseline_shape.csv, column brain1; baseline_shape2D.csv, column brain1_shape2D), read at test time, and the
 * four mesh values of PyRadiomics' current code given in $VOXOMICS_DATA/pyradiomics/README.md (the
 * committed ones come from an older PyRadiomics). The 2D case is PyRadiomics' test input: brain1's image with
 * a mask of the label's slice z = 16 alone (its diagnostics: 984 voxels, bounding box (162, 84, 16) size
 * (45, 32, 1), force2D with force2Ddimension 0). Other checks are derived by hand from the definitions
 * (arithmetic next to each).
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

#include "feature/pyrad_shape.h"
#include "voxomics/voxomics.h"
#include "vx_test.h"

#define PI 3.14159265358979323846

/* ---- helpers ------------------------------------------------------------------------------------------- */

static vx_settings load_params(const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/params.yaml", vx_test_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    vx_settings s;
    vx_error err;
    vx_settings_default(&s);
    vx_error_clear(&err);
    int rc = vx_settings_load(path, &s, &err);
    if (rc != VX_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    return s;
}

/* Value of PyRadiomics column `name` ("original_shape_MeshVolume") in res; NaN when absent. */
static double result_by_name(const vx_results *res, const char *name)
{
    char buf[160];
    for (size_t i = 0; i < res->n; i++)
        if (vx_feature_pyradiomics_column("original", res->rows[i].feature, res->rows[i].agg, buf, sizeof buf) == 0 &&
            !strcmp(buf, name))
            return res->rows[i].value;
    return NAN;
}

static double worst_rel;

static void near_rel(double x, double ref, double tol, const char *what)
{
    const double d = fabs(x - ref) / fabs(ref);
    if (d > worst_rel)
        worst_rel = d;
    if (!(d <= tol))
        print_error("%s: %.17g, reference %.17g, relative deviation %.3g > %.3g\n", what, x, ref, d, tol);
    assert_true(d <= tol);
}

/* The README's current PyRadiomics mesh values, at the digits it gives: |x - ref| within half a unit of the
 * last digit (and 1e-6 relative). */
static const struct {
    const char *name;
    double value, half_ulp;
} readme_mesh[] = {
    {"original_shape_MeshVolume", 16147.5118, 0.5e-4},
    {"original_shape_SurfaceArea", 6438.8216, 0.5e-4},
    {"original_shape_Sphericity", 0.479823454, 0.5e-9},
    {"original_shape_SurfaceVolumeRatio", 0.398750079, 0.5e-9},
};

/* Compare every "original_<cls>_" row of the baseline file's column `col` with res (the README's values for
 * the four mesh features); returns the number of values compared. */
static size_t check_baseline(const vx_results *res, const char *file, const char *col, const char *cls)
{
    char *csv = vx_test_slurp(vx_test_data(file), NULL);
    assert_non_null(csv);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "original_%s_", cls);
    int ci = -1;
    size_t matched = 0;
    for (char *line = csv, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *f[8];
        int nf = vx_test_csv_split(line, f, 8);
        if (ci < 0) {
            for (int k = 1; k < nf; k++)
                if (!strcmp(f[k], col))
                    ci = k;
            assert_true(ci > 0);
            continue;
        }
        if (nf <= ci || strncmp(f[0], prefix, strlen(prefix)) != 0 || !*f[ci])
            continue;
        double ref = strtod(f[ci], NULL), x = result_by_name(res, f[0]);
        for (size_t k = 0; k < sizeof readme_mesh / sizeof *readme_mesh; k++)
            if (!strcmp(f[0], readme_mesh[k].name)) {
                ref = readme_mesh[k].value;
                if (!(fabs(x - ref) <= readme_mesh[k].half_ulp))
                    print_error("%s: %.17g, README %.10g\n", f[0], x, ref);
                assert_true(fabs(x - ref) <= readme_mesh[k].half_ulp);
            }
        near_rel(x, ref, 1e-6, f[0]);
        matched++;
    }
    free(csv);
    return matched;
}

static const char *const brain1_params = "imageType:\n  Original: {}\n"
                                         "setting:\n  binWidth: 25\n  distances: [1]\n  force2D: false\n"
                                         "  force2Ddimension: 0\n  gldm_a: 0\n  label: 1\n"
                                         "  minimumROIDimensions: 1\n  normalize: false\n  normalizeScale: 1\n"
                                         "  padDistance: 5\n  preCrop: false\n  voxelArrayShift: 2000\n";

static const char *const shape2d_params = "imageType:\n  Original: {}\n"
                                          "setting:\n  correctMask: true\n  distances: [1]\n  force2D: true\n"
                                          "  force2Ddimension: 0\n  interpolator: sitkBSpline\n  label: 1\n"
                                          "  minimumROIDimensions: 2\n  normalize: false\n  normalizeScale: 1\n"
                                          "  padDistance: 5\n  preCrop: false\n";

static void read_brain1(vx_image **img, vx_image **lab)
{
    vx_error err;
    char path[4096];
    snprintf(path, sizeof path, "%s", vx_test_data("pyradiomics/brain1_image.nrrd"));
    assert_int_equal(vx_image_read(path, img, &err), VX_OK);
    snprintf(path, sizeof path, "%s", vx_test_data("pyradiomics/brain1_label.nrrd"));
    assert_int_equal(vx_image_read(path, lab, &err), VX_OK);
}

static void extract(const vx_image *img, const vx_image *lab, const vx_settings *s, vx_results *res)
{
    vx_error err;
    vx_error_clear(&err);
    vx_results_init(res);
    int rc = vx_extract(img, lab, s, res, &err);
    if (rc != VX_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
}

/* ---- brain1 against PyRadiomics ---------------------------------------------------------------------- */

static void test_brain1_shape(void **state)
{
    (void)state;
    vx_image *img = NULL, *lab = NULL;
    read_brain1(&img, &lab);
    vx_settings s = load_params(brain1_params);
    vx_results res;
    extract(img, lab, &s, &res);
    worst_rel = 0.0;
    /* 14 shape features: MeshVolume, VoxelVolume, SurfaceArea, SurfaceVolumeRatio, Sphericity,
     * Maximum3DDiameter, Maximum2DDiameterSlice/Column/Row, Major/Minor/LeastAxisLength, Elongation, Flatness */
    assert_int_equal(check_baseline(&res, "pyradiomics/baseline_shape.csv", "brain1", "shape"), 14);
    print_message("brain1 shape: 14/14, worst relative deviation %.3g\n", worst_rel);
    /* no 2D shape without force2D */
    assert_true(isnan(result_by_name(&res, "original_shape2D_MeshSurface")));
    vx_results_free(&res);

    /* IBSI mode: IBSI's mesh (it differs from PyRadiomics' by 1e-4 here) and no PyRadiomics-only rows */
    s.compat = VX_COMPAT_IBSI;
    extract(img, lab, &s, &res);
    for (size_t i = 0; i < res.n; i++)
        assert_false(vx_feature_get(res.rows[i].feature)->flags & VX_FF_PYRADIOMICS);
    assert_true(fabs(vx_results_get(&res, VX_F_MORPH_VOLUME, VX_AGG_NONE) - 16147.5118) > 1.0);
    vx_results_free(&res);
    vx_image_free(img);
    vx_image_free(lab);
}

static void test_brain1_shape2d(void **state)
{
    (void)state;
    vx_image *img = NULL, *lab = NULL;
    read_brain1(&img, &lab);
    vx_settings s = load_params(shape2d_params);
    vx_results res;
    /* brain1's label, several slices thick: no 2D shape (PyRadiomics refuses such a mask) */
    extract(img, lab, &s, &res);
    assert_true(isnan(result_by_name(&res, "original_shape2D_MeshSurface")));
    vx_results_free(&res);

    /* the label's slice z = 16 alone, as PyRadiomics' test case */
    const size_t nxy = lab->geom.dims[0] * lab->geom.dims[1], n = nxy * lab->geom.dims[2];
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (i / nxy != 16)
            lab->v[i] = 0.0f;
        count += lab->v[i] == 1.0f;
    }
    assert_int_equal(count, 984);
    extract(img, lab, &s, &res);
    worst_rel = 0.0;
    /* 9 shape2D features: MeshSurface, PixelSurface, Perimeter, PerimeterSurfaceRatio, Sphericity,
     * MaximumDiameter, MajorAxisLength, MinorAxisLength, Elongation */
    assert_int_equal(check_baseline(&res, "pyradiomics/baseline_shape2D.csv", "brain1_shape2D", "shape2D"), 9);
    print_message("brain1 shape2D: 9/9, worst relative deviation %.3g\n", worst_rel);
    /* deprecated in PyRadiomics: not in "every feature", computed all the same: 1 / Sphericity */
    assert_false(vx_settings_feature_wanted(&s, VX_F_SHAPE2D_SPHERICAL_DISPROPORTION));
    vx_assert_close(result_by_name(&res, "original_shape2D_SphericalDisproportion"),
                    1.0 / result_by_name(&res, "original_shape2D_Sphericity"));
    vx_results_free(&res);
    vx_image_free(img);
    vx_image_free(lab);
}

/* ---- hand-derived checks ------------------------------------------------------------------------------ */

/* A grid of nx x ny x nz voxels with the listed voxels (x, y, z triples) in the mask. */
static uint8_t *grid(const size_t d[3], const int *xyz, size_t n)
{
    uint8_t *m = calloc(d[0] * d[1] * d[2], 1);
    assert_non_null(m);
    for (size_t k = 0; k < n; k++)
        m[xyz[3 * k] + d[0] * (xyz[3 * k + 1] + d[1] * xyz[3 * k + 2])] = 1;
    return m;
}

static void test_mesh_by_hand(void **state)
{
    (void)state;
    const size_t d[3] = {3, 3, 3}, lo[3] = {0, 0, 0}, hi[3] = {3, 3, 3};
    /* One voxel, spacing (1, 2, 3): the surface is the octahedron of the 6 face-centre midpoints at
     * (+-sx/2, 0, 0), (0, +-sy/2, 0), (0, 0, +-sz/2): volume (4/3) (sx/2)(sy/2)(sz/2) = sx sy sz / 6 = 1;
     * 8 faces of area (1/2)|(sx/2, -sy/2, 0) x (sx/2, 0, -sz/2)| = (1/8) sqrt(sy^2 sz^2 + sx^2 sz^2 +
     * sx^2 sy^2) = (1/8) sqrt(36 + 9 + 4) = 7/8 each: area 7. */
    const int one[3] = {1, 1, 1};
    uint8_t *m = grid(d, one, 1);
    const double sp[3] = {1, 2, 3};
    double V, A;
    vx_pyrad_mesh(m, d, lo, hi, sp, &V, &A);
    vx_assert_close(V, 1.0);
    vx_assert_close(A, 7.0);
    /* in-plane vertex distances: equal z: (+-1/2, 0), (0, +-1) -> 2 (the y pair); equal y: x pair 1, z pair
     * 3 -> 3; equal x: y pair 2, z pair 3 -> 3 */
    double diam[3];
    vx_error err;
    assert_int_equal(vx_pyrad_plane_diameters(m, d, lo, hi, sp, diam, &err), VX_OK);
    vx_assert_close(diam[0], 2.0);
    vx_assert_close(diam[1], 3.0);
    vx_assert_close(diam[2], 3.0);
    free(m);

    /* A 2 x 2 x 2 cube, spacing 1: the box [-1/2, 3/2]^3 with its 12 edges chamfered (right-triangle wedges
     * of legs 1/2 along 1 mm each: volume 1/8 each) and its 8 corners cut (a corner cube of 1/8 keeps the
     * tetrahedron of legs 1/2, 1/48): V = 8 - 12/8 - 8 (1/8 - 1/48) = 17/3. Faces: 6 unit squares, 12
     * rectangles 1 x sqrt(1/2), 8 equilateral triangles of side sqrt(1/2) (area sqrt(3)/8):
     * A = 6 + 12 sqrt(1/2) + sqrt(3). All faces are planar, so any triangulation gives these. */
    const size_t d4[3] = {4, 4, 4}, hi4[3] = {4, 4, 4};
    const int cube[24] = {1, 1, 1, 2, 1, 1, 1, 2, 1, 2, 2, 1, 1, 1, 2, 2, 1, 2, 1, 2, 2, 2, 2, 2};
    m = grid(d4, cube, 8);
    const double unit[3] = {1, 1, 1}, aniso[3] = {1, 2, 3};
    vx_pyrad_mesh(m, d4, lo, hi4, unit, &V, &A);
    vx_assert_close(V, 17.0 / 3.0);
    vx_assert_close(A, 6.0 + 12.0 * sqrt(0.5) + sqrt(3.0));
    /* a linear map scales the volume by its determinant: 17/3 * 6 = 34 */
    vx_pyrad_mesh(m, d4, lo, hi4, aniso, &V, &A);
    vx_assert_close(V, 34.0);
    /* the box [1, 3) of the grid holds the whole cube: the same mesh (the voxels outside are not read) */
    const size_t lo1[3] = {1, 1, 1}, hi3[3] = {3, 3, 3};
    double V2, A2;
    vx_pyrad_mesh(m, d4, lo1, hi3, aniso, &V2, &A2);
    vx_assert_close(V2, V);
    vx_assert_close(A2, A);
    free(m);
}

static void test_pca_by_hand(void **state)
{
    (void)state;
    const size_t d[3] = {3, 2, 1}, lo[3] = {0, 0, 0}, hi[3] = {3, 2, 1};
    const double unit[3] = {1, 1, 1};
    double lam[3];
    /* two voxels 1 mm apart along x: centred +-1/2, variance over N = 1/4 (over N - 1 it would be 1/2) */
    const int two[6] = {0, 0, 0, 1, 0, 0};
    uint8_t *m = grid(d, two, 2);
    vx_pyrad_pca(m, d, lo, hi, unit, lam);
    vx_assert_close(lam[0], 0.25);
    vx_assert_close(lam[1], 0.0);
    vx_assert_close(lam[2], 0.0);
    free(m);
    /* the four corners of a 3 x 2 rectangle, spacing (1, 1, 5): x = 0, 2 (variance 1), y = 0, 1 (variance
     * 1/4), no covariance: major axis 4 sqrt(1) = 4, minor 4 sqrt(1/4) = 2, least 0 */
    const int four[12] = {0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 1, 0};
    m = grid(d, four, 4);
    const double sp[3] = {1, 1, 5};
    vx_pyrad_pca(m, d, lo, hi, sp, lam);
    vx_assert_close(lam[0], 1.0);
    vx_assert_close(lam[1], 0.25);
    vx_assert_near(lam[2], 0.0, 1e-15);
    free(m);
}

static void test_shape2d_by_hand(void **state)
{
    (void)state;
    const size_t d[3] = {4, 4, 2}, lo[3] = {1, 1, 0}, hi[3] = {2, 2, 1};
    double out[10];
    vx_error err;
    /* One pixel, spacing (1, 2): the contour is the diamond of the edge midpoints (+-1/2, 0), (0, +-1):
     * area sx sy / 2 = 1, perimeter 4 sqrt(1/4 + 1) = 2 sqrt(5), pixel area 2, diameter 2 (the y pair);
     * one point: zero eigenvalues (axes 0, elongation 0/0). */
    const int one[3] = {1, 1, 0};
    uint8_t *m = grid(d, one, 1);
    const double sp[3] = {1, 2, 7};
    assert_int_equal(vx_pyrad_shape2d(m, d, lo, hi, sp, out, &err), VX_OK);
    vx_assert_close(out[0], 1.0);
    vx_assert_close(out[1], 2.0);
    vx_assert_close(out[2], 2.0 * sqrt(5.0));
    vx_assert_close(out[3], 2.0 * sqrt(5.0));
    vx_assert_close(out[4], 2.0 * sqrt(PI) / (2.0 * sqrt(5.0)));
    vx_assert_close(out[5], 2.0 * sqrt(5.0) / (2.0 * sqrt(PI)));
    vx_assert_close(out[6], 2.0);
    vx_assert_close(out[7], 0.0);
    vx_assert_close(out[8], 0.0);
    assert_true(isnan(out[9]));
    free(m);

    /* A 2 x 2 square, spacing 1: area 4 - 4 (1/8) = 7/2, perimeter 4 + 4 sqrt(1/2); contour vertices at
     * (-1/2, 0), (-1/2, 1), (3/2, 0), (3/2, 1), (0, -1/2), ...: diameter |(-1/2, 0) - (3/2, 1)| = sqrt(5);
     * variances 1/4 and 1/4: both axes 4 sqrt(1/4) = 2, elongation 1. Two diagonal pixels (kept apart):
     * two diamonds, area 2 (1/2) = 1, perimeter 8 sqrt(1/2). */
    const int sq[12] = {1, 1, 0, 2, 1, 0, 1, 2, 0, 2, 2, 0};
    const size_t hi2[3] = {3, 3, 1};
    const double unit[3] = {1, 1, 1};
    m = grid(d, sq, 4);
    assert_int_equal(vx_pyrad_shape2d(m, d, lo, hi2, unit, out, &err), VX_OK);
    vx_assert_close(out[0], 3.5);
    vx_assert_close(out[2], 4.0 + 4.0 * sqrt(0.5));
    vx_assert_close(out[6], sqrt(5.0));
    vx_assert_close(out[7], 2.0);
    vx_assert_close(out[8], 2.0);
    vx_assert_close(out[9], 1.0);
    free(m);
    const int diag[6] = {1, 1, 0, 2, 2, 0};
    m = grid(d, diag, 2);
    assert_int_equal(vx_pyrad_shape2d(m, d, lo, hi2, unit, out, &err), VX_OK);
    vx_assert_close(out[0], 1.0);
    vx_assert_close(out[2], 8.0 * sqrt(0.5));
    free(m);

    /* a mask two slices thick has no 2D shape */
    const int thick[6] = {1, 1, 0, 1, 1, 1};
    const size_t hiz[3] = {2, 2, 2};
    m = grid(d, thick, 2);
    vx_error_clear(&err);
    assert_int_equal(vx_pyrad_shape2d(m, d, lo, hiz, unit, out, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "one slice thick"));
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brain1_shape),  cmocka_unit_test(test_brain1_shape2d),
        cmocka_unit_test(test_mesh_by_hand),  cmocka_unit_test(test_pca_by_hand),
        cmocka_unit_test(test_shape2d_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
