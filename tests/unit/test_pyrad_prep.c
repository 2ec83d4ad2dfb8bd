/* PyRadiomics' image processing in compatibility mode (src/prep/pyrad_prep.c, the re-segmentation modes of
 * src/prep/roi.c): normalisation, resampling as SimpleITK resamples, re-segmentation, the ROI checks and
 * correctMask.
 *
 * References: PyRadiomics' committed baselines for brain1 ($VOXOMICS_DATA/pyradiomics/baseline_*.csv, read at
 * test time: columns brain1_normalization, brain1_resampling, brain1_resegmentation); hand derivations written
 * next to each check; and, for the B-spline on a small 3D image, numbers computed once with ITK 5.2 by
 * scripts/pyrad_prep_reference.sh (scripts/itk_pyrad_resample.cxx: itk::ResampleImageFilter configured as
 * SimpleITK configures it for PyRadiomics), committed below; ITK does not run here.
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

#include "voxomics/voxomics.h"
#include "vx_test.h"

/* ---- brain1 against PyRadiomics' baselines ---- */

/* The settings of one baseline column (its diagnostics_Configuration_Settings row) as a parameter file. */
static const struct {
    const char *column, *params;
} configs[] = {
    {"brain1_normalization", "imageType:\n  Original: {}\nsetting:\n  binWidth: 5\n  distances: [1]\n"
                             "  force2D: false\n  force2Ddimension: 0\n  interpolator: sitkBSpline\n  label: 1\n"
                             "  minimumROIDimensions: 2\n  normalize: true\n  normalizeScale: 100\n"
                             "  removeOutliers: null\n  padDistance: 5\n  preCrop: false\n"},
    {"brain1_resampling", "imageType:\n  Original: {}\nsetting:\n  distances: [1]\n  force2D: false\n"
                          "  force2Ddimension: 0\n  interpolator: sitkBSpline\n  label: 1\n"
                          "  minimumROIDimensions: 2\n  normalize: false\n  normalizeScale: 1\n  padDistance: 5\n"
                          "  preCrop: false\n  resampledPixelSpacing: [2, 2, 2]\n"},
    {"brain1_resegmentation", "imageType:\n  Original: {}\nsetting:\n  distances: [1]\n  force2D: false\n"
                              "  force2Ddimension: 0\n  interpolator: sitkBSpline\n  label: 1\n"
                              "  minimumROIDimensions: 2\n  normalize: false\n  normalizeScale: 1\n"
                              "  padDistance: 5\n  preCrop: false\n  resegmentMode: sigma\n"
                              "  resegmentRange: [-3, 3]\n"},
};
enum { N_CONFIGS = sizeof configs / sizeof configs[0] };

/* Features of the baselines that other parts of issue 14 bring (PyRadiomics' mesh and PCA shape definitions,
 * TotalEnergy, MCC): not checked here. The voxel volume of shape is: it counts the (resampled) mask. */
static int not_processing(const char *name)
{
    if (strstr(name, "_shape_"))
        return strcmp(name, "original_shape_VoxelVolume") != 0;
    return strstr(name, "TotalEnergy") || strstr(name, "_MCC");
}

typedef struct named {
    char name[96];
    double value;
} named;

/* Our values under PyRadiomics' column names. */
static named *our_columns(const vx_results *r, size_t *n)
{
    named *v = calloc(r->n + 1, sizeof *v);
    assert_non_null(v);
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++)
        if (vx_feature_pyradiomics_column("original", r->rows[i].feature, r->rows[i].agg, v[k].name,
                                          sizeof v[k].name) == 0)
            v[k++].value = r->rows[i].value;
    *n = k;
    return v;
}

/* Compare column `col` of every baseline_*.csv with ours: returns the number of values checked, *matched
 * those within tol (relative), *worst the largest relative difference. */
static size_t compare_baselines(const char *col, const named *ours, size_t n_ours, double tol, size_t *matched,
                                double *worst)
{
    static const char *const classes[] = {"firstorder", "glcm", "gldm", "glrlm", "glszm", "ngtdm", "shape"};
    size_t checked = 0;
    *matched = 0;
    *worst = 0.0;
    for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++) {
        char rel[128];
        snprintf(rel, sizeof rel, "pyradiomics/baseline_%s.csv", classes[c]);
        char *text = vx_test_slurp(vx_test_data(rel), NULL);
        assert_non_null(text);
        int ci = -1;
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            if (!strncmp(line, "diagnostics_", 12))
                continue;
            char *f[16];
            int nf = vx_test_csv_split(line, f, 16);
            if (ci < 0) { /* the header */
                for (int i = 1; i < nf; i++)
                    if (!strcmp(f[i], col))
                        ci = i;
                if (ci < 0) /* the class has no baseline for this configuration (shape: brain1_resampling only) */
                    break;
                continue;
            }
            if (ci >= nf || !f[ci][0] || not_processing(f[0]))
                continue;
            const double ref = strtod(f[ci], NULL);
            checked++;
            const named *o = NULL;
            for (size_t i = 0; i < n_ours && !o; i++)
                if (!strcmp(ours[i].name, f[0]))
                    o = &ours[i];
            if (!o) {
                print_message("%s: %s missing\n", col, f[0]);
                continue;
            }
            const double d = ref != 0.0 ? fabs(o->value - ref) / fabs(ref) : fabs(o->value);
            *worst = d > *worst ? d : *worst;
            if (d <= tol)
                ++*matched;
            else
                print_message("%s: %s = %.12g, PyRadiomics %.12g (%.2g)\n", col, f[0], o->value, ref, d);
        }
        free(text);
    }
    return checked;
}

static void run_config(int c, size_t *checked, size_t *matched, double *worst)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.yaml", vx_test_tmpdir(), configs[c].column);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(configs[c].params, f);
    fclose(f);
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    vx_settings_default(s);
    vx_error err;
    int rc = vx_settings_load(path, s, &err);
    if (rc != VX_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    vx_image *img = NULL, *mask = NULL;
    assert_int_equal(vx_image_read(vx_test_data("pyradiomics/brain1_image.nrrd"), &img, &err), VX_OK);
    assert_int_equal(vx_image_read(vx_test_data("pyradiomics/brain1_label.nrrd"), &mask, &err), VX_OK);
    assert_int_equal(img->pixel_type, VX_PIXEL_INT16); /* the file's type: short */
    vx_results r;
    vx_results_init(&r);
    rc = vx_extract(img, mask, s, &r, &err);
    if (rc != VX_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    size_t n = 0;
    named *ours = our_columns(&r, &n);
    *checked = compare_baselines(configs[c].column, ours, n, 1e-6, matched, worst);
    print_message("%s: %zu / %zu within 1e-6 (worst %.2g)\n", configs[c].column, *matched, *checked, *worst);
    free(ours);
    vx_results_free(&r);
    vx_image_free(img);
    vx_image_free(mask);
    free(s);
}

/* Every value of the three configurations (but the features listed in not_processing) within 1e-6 of
 * PyRadiomics (the issue asks 1e-4 for brain1_resampling; its voxels are ITK's exactly, so 1e-6 holds). */
static void test_brain1_baselines(void **state)
{
    (void)state;
    /* firstorder 19 - TotalEnergy = 18, glcm 24 - MCC = 23, gldm 14, glrlm 16, glszm 16, ngtdm 5: 91 per
     * configuration; brain1_resampling also has a shape baseline, of which VoxelVolume (the resampled mask's
     * voxel count times 8 mm^3) is checked here: 92 */
    const size_t want[N_CONFIGS] = {91, 92, 91};
    size_t total = 0;
    for (int c = 0; c < N_CONFIGS; c++) {
        size_t checked, matched;
        double worst;
        run_config(c, &checked, &matched, &worst);
        assert_int_equal(checked, want[c]);
        assert_int_equal(matched, want[c]);
        total += matched;
    }
    assert_int_equal(total, 274);
}

/* ---- normalisation ---- */
/* 4 voxels {1, 2, 3, 10}: mean 4, sample variance ((-3)^2 + (-2)^2 + (-1)^2 + 6^2) / 3 = 50 / 3, sd 4.0825;
 * with scale 100: (x - 4) / sd * 100 = -73.48, -48.99, -24.49, 146.97; with removeOutliers 1 the last is
 * clipped to 1 sd first: 100. */
static void test_normalize(void **state)
{
    (void)state;
    vx_geometry g;
    vx_geometry_default(&g, 4, 1, 1);
    vx_image *img = vx_image_new(&g);
    assert_non_null(img);
    const float x[4] = {1, 2, 3, 10};
    vx_error err;
    for (int clip = 0; clip < 2; clip++) {
        memcpy(img->v, x, sizeof x);
        img->pixel_type = VX_PIXEL_INT16;
        assert_int_equal(vx_pyrad_normalize(img, 100.0, clip ? 1.0 : 0.0, &err), VX_OK);
        const double sd = sqrt(50.0 / 3.0);
        for (int i = 0; i < 4; i++) {
            double want = ((double)x[i] - 4.0) / sd;
            if (clip && want > 1.0)
                want = 1.0;
            vx_assert_near_rel(img->v[i], want * 100.0, 1e-6);
        }
        assert_int_equal(img->pixel_type, VX_PIXEL_REAL); /* a real image afterwards: no integer cast later */
    }
    /* a flat image cannot be normalised */
    for (int i = 0; i < 4; i++)
        img->v[i] = 7.0f;
    assert_int_equal(vx_pyrad_normalize(img, 1.0, 0.0, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "flat"));
    vx_image_free(img);
}

/* ---- resampling ---- */
/* A 4 x 1 x 1 image of 1 mm, ROI voxels 1 and 2, new spacing 0.4 mm, padDistance 0. PyRadiomics' grid along x:
 * r = 1 / 0.4 = 2.5, lower floor((1 - 0.5) 2.5) = 1, upper ceil((3 - 0.5) 2.5) = 7 (within ceil(4 r) - 1 = 9):
 * 7 voxels, the first at input index 0.5 (0.4 - 1) / 1 + 1 / 2.5 = 0.1, then 0.5, 0.9, 1.3, 1.7, 2.1, 2.5; y
 * and z (the ROI one voxel thick) keep 1 mm and 1 voxel. Linear values of {0, -7, 10, 3}: -0.7, -3.5, -6.3,
 * -1.9, 4.9, 9.3, 6.5; an int16 image truncates them toward zero: 0, -3, -6, -1, 4, 9, 6; nearest neighbour
 * (floor(c + 0.5)): voxels 0, 1, 1, 1, 2, 2, 3 -> 0, -7, -7, -7, 10, 10, 3. */
static void test_resample_linear_cast(void **state)
{
    (void)state;
    vx_geometry g;
    vx_geometry_default(&g, 4, 1, 1);
    vx_image *img = vx_image_new(&g), *mask = vx_image_new(&g);
    assert_non_null(img);
    assert_non_null(mask);
    const float x[4] = {0, -7, 10, 3};
    memcpy(img->v, x, sizeof x);
    mask->v[1] = mask->v[2] = 1.0f;
    vx_error err;
    vx_geometry grid;
    const double sp[3] = {0.4, 0.4, 0.0};
    assert_int_equal(vx_pyrad_resample_grid(mask, 1, sp, 0.0, &grid, &err), VX_OK);
    assert_true(grid.dims[0] == 7 && grid.dims[1] == 1 && grid.dims[2] == 1);
    assert_true(grid.spacing[0] == 0.4 && grid.spacing[1] == 1.0 && grid.spacing[2] == 1.0);
    vx_assert_near(grid.origin[0], 0.1, 1e-12);
    const double lin[7] = {-0.7, -3.5, -6.3, -1.9, 4.9, 9.3, 6.5};
    const double cast[7] = {0, -3, -6, -1, 4, 9, 6};
    const double nn[7] = {0, -7, -7, -7, 10, 10, 3};
    for (int t = 0; t < 2; t++) {
        img->pixel_type = t ? VX_PIXEL_INT16 : VX_PIXEL_REAL;
        vx_image *o = NULL;
        assert_int_equal(vx_pyrad_resample_onto(img, &grid, VX_INTERP_LINEAR, &o, &err), VX_OK);
        assert_int_equal(o->pixel_type, img->pixel_type);
        for (int i = 0; i < 7; i++)
            vx_assert_near(o->v[i], t ? cast[i] : lin[i], 1e-6);
        vx_image_free(o);
        assert_int_equal(vx_pyrad_resample_onto(img, &grid, VX_INTERP_NEAREST, &o, &err), VX_OK);
        for (int i = 0; i < 7; i++)
            assert_true(o->v[i] == nn[i]);
        vx_image_free(o);
    }
    /* the cast: clamped to the type's range, then truncated toward zero */
    assert_true(vx_pixel_cast(VX_PIXEL_INT16, -2.7) == -2.0 && vx_pixel_cast(VX_PIXEL_INT16, 2.7) == 2.0);
    assert_true(vx_pixel_cast(VX_PIXEL_UINT8, -3.0) == 0.0 && vx_pixel_cast(VX_PIXEL_UINT8, 300.0) == 255.0);
    assert_true(vx_pixel_cast(VX_PIXEL_INT16, 40000.0) == 32767.0 && vx_pixel_cast(VX_PIXEL_REAL, 2.7) == 2.7);
    /* points outside [-0.5, N - 0.5) get 0: a grid shifted 3 mm along x reads input indices 3, 4, 5, ... */
    vx_geometry far = grid;
    far.origin[0] = 3.0;
    far.spacing[0] = 1.0;
    vx_image *o = NULL;
    assert_int_equal(vx_pyrad_resample_onto(img, &far, VX_INTERP_CUBIC, &o, &err), VX_OK);
    assert_true(o->v[0] != 0.0f); /* index 3: inside */
    for (int i = 1; i < 7; i++)
        assert_true(o->v[i] == 0.0f);
    vx_image_free(o);
    vx_image_free(img);
    vx_image_free(mask);
}

/* The B-spline on a constant line: the coefficients of a constant c are c (gain 6 over 1 + 4 + 1), so every
 * point inside is c; a 5-voxel line (at most 18 voxels: ITK's exact mirror sum) and a 40-voxel one (the
 * 18-term horizon) both. */
static void test_bspline_constant(void **state)
{
    (void)state;
    for (int len = 5; len <= 40; len += 35) {
        vx_geometry g;
        vx_geometry_default(&g, (size_t)len, 1, 1);
        vx_image *img = vx_image_new(&g);
        assert_non_null(img);
        for (int i = 0; i < len; i++)
            img->v[i] = 250.0f;
        vx_geometry t = g;
        t.spacing[0] = 0.3;
        t.dims[0] = (size_t)(len / 0.3) - 1;
        t.origin[0] = -0.4;
        vx_image *o = NULL;
        vx_error err;
        assert_int_equal(vx_pyrad_resample_onto(img, &t, VX_INTERP_CUBIC, &o, &err), VX_OK);
        for (size_t i = 0; i < t.dims[0]; i++)
            vx_assert_near_rel(o->v[i], 250.0, 1e-9);
        vx_image_free(o);
        vx_image_free(img);
    }
}

/* The synthetic case of scripts/pyrad_prep_reference.sh: 7 x 6 x 5 voxels of 1 x 1.2 x 2 mm at (-3, 2, 5),
 * intensity ((37 i + 11 j + 5 k) mod 23) - 7, label 1 on [2..4] x [1..3] x [1..3]; new spacing 0.7 x 0.9 x 1.3,
 * padDistance 1. ITK 5.2's numbers: the grid (8 x 7 x 8 voxels at (-2.45, 1.85, 4.65)), the sum of the 448
 * resampled intensities, five voxels (every 97th) and the 64 mask voxels. */
typedef struct itk_ref {
    int pixel_int16, interp; /* 1 nearest, 2 linear, 3 B-spline */
    double sum;
    double v[5]; /* voxels 0, 97, 194, 291, 388 (x fastest) */
} itk_ref;

static const itk_ref itk_refs[] = {
    {1, 1, 2039, {7, 5, 7, 15, 7}},
    {1, 2, 1596, {0, 3, 4, 8, 2}},
    {1, 3, 1665, {0, 1, 5, 9, 2}},
    {0, 1, 2039, {7, 5, 7, 15, 7}},
    {0, 2, 1785.1117179283465,
     {0.69999998807907104, 3.15625, 4.6596875190734863, 8.4415626525878906, 2.5354688167572021}},
    {0, 3, 1809.7858530282974,
     {0.73538053035736084, 1.4699522256851196, 5.0238280296325684, 9.4837245941162109, 2.7828965187072754}},
};

static void test_resample_itk(void **state)
{
    (void)state;
    vx_geometry g;
    vx_geometry_default(&g, 7, 6, 5);
    g.spacing[1] = 1.2;
    g.spacing[2] = 2.0;
    g.origin[0] = -3.0;
    g.origin[1] = 2.0;
    g.origin[2] = 5.0;
    vx_image *img = vx_image_new(&g), *mask = vx_image_new(&g);
    assert_non_null(img);
    assert_non_null(mask);
    for (int k = 0; k < 5; k++)
        for (int j = 0; j < 6; j++)
            for (int i = 0; i < 7; i++) {
                const size_t x = (size_t)(i + 7 * (j + 6 * k));
                img->v[x] = (float)((37 * i + 11 * j + 5 * k) % 23 - 7);
                mask->v[x] = i >= 2 && i <= 4 && j >= 1 && j <= 3 && k >= 1 && k <= 3 ? 1.0f : 0.0f;
            }
    vx_error err;
    vx_geometry grid;
    const double sp[3] = {0.7, 0.9, 1.3};
    assert_int_equal(vx_pyrad_resample_grid(mask, 1, sp, 1.0, &grid, &err), VX_OK);
    assert_true(grid.dims[0] == 8 && grid.dims[1] == 7 && grid.dims[2] == 8);
    vx_assert_near(grid.origin[0], -2.45, 1e-12);
    vx_assert_near(grid.origin[1], 1.85, 1e-12);
    vx_assert_near(grid.origin[2], 4.65, 1e-12);
    vx_image *m = NULL;
    assert_int_equal(vx_pyrad_resample_onto(mask, &grid, VX_INTERP_NEAREST, &m, &err), VX_OK);
    double mcount = 0.0;
    for (size_t i = 0; i < 448; i++)
        mcount += m->v[i];
    assert_true(mcount == 64.0);
    vx_image_free(m);
    for (size_t r = 0; r < sizeof itk_refs / sizeof itk_refs[0]; r++) {
        const itk_ref *ref = &itk_refs[r];
        img->pixel_type = ref->pixel_int16 ? VX_PIXEL_INT16 : VX_PIXEL_REAL;
        vx_image *o = NULL;
        const vx_interp it = ref->interp == 1 ? VX_INTERP_NEAREST : ref->interp == 2 ? VX_INTERP_LINEAR
                                                                                     : VX_INTERP_CUBIC;
        assert_int_equal(vx_pyrad_resample_onto(img, &grid, it, &o, &err), VX_OK);
        double sum = 0.0;
        for (size_t i = 0; i < 448; i++)
            sum += o->v[i];
        /* ITK's float output is float32, as ours: the same float values give the same double sum */
        vx_assert_near_rel(sum, ref->sum, 1e-12);
        for (int i = 0; i < 5; i++)
            assert_true((double)o->v[97 * i] == ref->v[i]);
        vx_image_free(o);
    }
    vx_image_free(img);
    vx_image_free(mask);
}

/* The second case of scripts/pyrad_prep_reference.sh: 40 x 6 x 5 voxels, the y axis pointing to -y, the ROI on
 * the last columns 36..39 (the B-spline's mirrored taps at the border; only the columns the grid reaches get
 * coefficients); int16, B-spline, new spacing 1.6 x 1 x 0.5, padDistance 1. ITK 5.2: 4 x 7 x 15 voxels at
 * (30.9, 2.1, 4.75), intensity sum 1655, mask 144 voxels, every 37th voxel below. */
static void test_resample_itk_border(void **state)
{
    (void)state;
    vx_geometry g;
    vx_geometry_default(&g, 40, 6, 5);
    g.spacing[1] = 1.2;
    g.spacing[2] = 2.0;
    g.direction[4] = -1.0;
    g.origin[0] = -3.0;
    g.origin[1] = 2.0;
    g.origin[2] = 5.0;
    vx_image *img = vx_image_new(&g), *mask = vx_image_new(&g);
    assert_non_null(img);
    assert_non_null(mask);
    img->pixel_type = VX_PIXEL_INT16;
    for (int k = 0; k < 5; k++)
        for (int j = 0; j < 6; j++)
            for (int i = 0; i < 40; i++) {
                const size_t x = (size_t)(i + 40 * (j + 6 * k));
                img->v[x] = (float)((37 * i + 11 * j + 5 * k) % 23 - 7);
                mask->v[x] = i >= 36 && j >= 1 && j <= 3 && k >= 1 && k <= 3 ? 1.0f : 0.0f;
            }
    vx_error err;
    vx_geometry grid;
    const double sp[3] = {1.6, 1.0, 0.5};
    assert_int_equal(vx_pyrad_resample_grid(mask, 1, sp, 1.0, &grid, &err), VX_OK);
    assert_true(grid.dims[0] == 4 && grid.dims[1] == 7 && grid.dims[2] == 15);
    vx_assert_near(grid.origin[0], 30.9, 1e-12);
    vx_assert_near(grid.origin[1], 2.1, 1e-12);
    vx_assert_near(grid.origin[2], 4.75, 1e-12);
    vx_image *o = NULL, *m = NULL;
    assert_int_equal(vx_pyrad_resample_onto(img, &grid, VX_INTERP_CUBIC, &o, &err), VX_OK);
    assert_int_equal(vx_pyrad_resample_onto(mask, &grid, VX_INTERP_NEAREST, &m, &err), VX_OK);
    static const double every37[12] = {8, 6, 9, 0, 8, 9, -1, 5, 8, 6, 7, 5};
    double sum = 0.0, mc = 0.0;
    for (size_t i = 0; i < 420; i++) {
        sum += o->v[i];
        mc += m->v[i];
    }
    assert_true(sum == 1655.0 && mc == 144.0);
    for (int i = 0; i < 12; i++)
        assert_true((double)o->v[37 * i] == every37[i]);
    vx_image_free(o);
    vx_image_free(m);
    vx_image_free(img);
    vx_image_free(mask);
}

/* ---- re-segmentation, ROI checks, correctMask (through vx_extract) ---- */
/* A 4 x 4 x 1 image, all 16 voxels in the ROI, intensities 1..16; the mean intensity (8.5) after each rule. */
static int run_case(vx_settings *s, const vx_image *img, const vx_image *mask, double *mean, double *volume,
                    vx_error *err)
{
    vx_results r;
    vx_results_init(&r);
    int rc = vx_extract(img, mask, s, &r, err);
    *mean = *volume = NAN;
    for (size_t i = 0; rc == VX_OK && i < r.n; i++) {
        if (r.rows[i].feature == VX_F_STAT_MEAN)
            *mean = r.rows[i].value;
        if (r.rows[i].feature == VX_F_MORPH_VOL_APPROX)
            *volume = r.rows[i].value;
    }
    vx_results_free(&r);
    return rc;
}

static void square_case(vx_image **img, vx_image **mask)
{
    vx_geometry g;
    vx_geometry_default(&g, 4, 4, 1);
    *img = vx_image_new(&g);
    *mask = vx_image_new(&g);
    assert_non_null(*img);
    assert_non_null(*mask);
    for (int i = 0; i < 16; i++) {
        (*img)->v[i] = (float)(i + 1);
        (*mask)->v[i] = 1.0f;
    }
}

static void compat_settings(vx_settings *s)
{
    vx_settings_default(s);
    s->compat = VX_COMPAT_PYRADIOMICS;
    s->mask_label = 1;
    s->texture_disc = (vx_discretisation){.method = VX_DISC_FBS, .bin_width = 25.0, .min_value = NAN};
    s->features.families = (1u << VX_FAM_STAT) | (1u << VX_FAM_MORPH);
}

static void test_resegment_modes(void **state)
{
    (void)state;
    vx_image *img, *mask;
    square_case(&img, &mask);
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    vx_error err;
    double mean, vol;
    /* absolute [5, 12]: 5..12, mean 8.5; a single bound [9]: 9..16, mean 12.5 */
    compat_settings(s);
    s->reseg_min = 5.0;
    s->reseg_max = 12.0;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_OK);
    vx_assert_near_rel(mean, 8.5, 1e-12);
    s->reseg_min = 9.0;
    s->reseg_max = NAN;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_OK);
    vx_assert_near_rel(mean, 12.5, 1e-12);
    /* shape: the mask as given, cut to the re-segmented box (rows y = 2, 3), as PyRadiomics crops it: 8 mm^3 */
    vx_assert_near_rel(vol, 8.0, 1e-12);
    s->pyrad_reseg_shape = 0;
    /* where the kept voxels span the whole box, shape keeps every voxel of the mask: intensities 100 but 10 at
     * the four corners and at (1, 1); range [0, 50] keeps those 5 voxels (mean 10), their box is the whole
     * 4 x 4: volume 16; with resegmentShape the shape mask is the 5 voxels */
    vx_image *img2 = vx_image_copy(img);
    assert_non_null(img2);
    for (int i = 0; i < 16; i++)
        img2->v[i] = (i == 0 || i == 3 || i == 12 || i == 15 || i == 5) ? 10.0f : 100.0f;
    s->reseg_min = 0.0;
    s->reseg_max = 50.0;
    assert_int_equal(run_case(s, img2, mask, &mean, &vol, &err), VX_OK);
    vx_assert_near_rel(mean, 10.0, 1e-12);
    vx_assert_near_rel(vol, 16.0, 1e-12);
    s->pyrad_reseg_shape = 1;
    assert_int_equal(run_case(s, img2, mask, &mean, &vol, &err), VX_OK);
    vx_assert_near_rel(vol, 5.0, 1e-12);
    s->pyrad_reseg_shape = 0;
    vx_image_free(img2);
    /* relative [0.5, 0.75] of the maximum 16: [8, 12] -> 8..12, mean 10 */
    s->pyrad_reseg_mode = VX_PYRAD_RESEG_RELATIVE;
    s->reseg_min = 0.5;
    s->reseg_max = 0.75;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_OK);
    vx_assert_near_rel(mean, 10.0, 1e-12);
    /* sigma [-1, 0.5]: mean 8.5, population sd sqrt((16^2 - 1) / 12) = 4.6098; [3.890, 10.805] -> 4..10, mean 7 */
    s->pyrad_reseg_mode = VX_PYRAD_RESEG_SIGMA;
    s->reseg_min = -1.0;
    s->reseg_max = 0.5;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_OK);
    vx_assert_near_rel(mean, 7.0, 1e-12);
    /* a range keeping a single voxel: PyRadiomics needs at least 2 */
    s->pyrad_reseg_mode = VX_PYRAD_RESEG_ABSOLUTE;
    s->reseg_min = 16.0;
    s->reseg_max = NAN;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_EEMPTY);
    assert_non_null(strstr(err.msg, "at least 2"));
    /* the re-segmented mask is checked again: 15..16 is a line (1 dimension) */
    s->reseg_min = 15.0;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_EEMPTY);
    assert_non_null(strstr(err.msg, "re-segmented mask"));
    assert_non_null(strstr(err.msg, "minimumROIDimensions 2"));
    free(s);
    vx_image_free(img);
    vx_image_free(mask);
}

static void test_roi_checks(void **state)
{
    (void)state;
    vx_image *img, *mask;
    square_case(&img, &mask);
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    vx_error err;
    double mean, vol;
    compat_settings(s);
    /* 16 voxels in 2 dimensions: minimumROIDimensions 3 refuses, minimumROISize 16 too (size <= 16), 15 not */
    s->pyrad_min_roi_dims = 3;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_EEMPTY);
    assert_non_null(strstr(err.msg, "spans 2 dimensions"));
    s->pyrad_min_roi_dims = 2;
    s->pyrad_min_roi_size = 16;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_EEMPTY);
    assert_non_null(strstr(err.msg, "minimumROISize 16"));
    s->pyrad_min_roi_size = 15;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_OK);
    /* one voxel is always refused */
    memset(mask->v, 0, 16 * sizeof *mask->v);
    mask->v[5] = 1.0f;
    s->pyrad_min_roi_size = 0;
    s->pyrad_min_roi_dims = 1;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_EEMPTY);
    assert_non_null(strstr(err.msg, "single voxel"));
    free(s);
    vx_image_free(img);
    vx_image_free(mask);
}

/* A mask on another grid: within geometryTolerance it is the image's grid; beyond it an error unless
 * correctMask, which resamples it onto the image grid by nearest neighbour. */
static void test_correct_mask(void **state)
{
    (void)state;
    vx_image *img, *mask;
    square_case(&img, &mask);
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    vx_error err;
    double mean, vol;
    compat_settings(s);
    /* origin 1e-7 mm off: within 1e-6 x 1 mm */
    mask->geom.origin[0] = 1e-7;
    assert_int_equal(run_case(s, img, mask, &mean, &vol, &err), VX_OK);
    vx_assert_near_rel(mean, 8.5, 1e-12);
    /* a mask of 2 x 2 voxels of 2 mm covering the same 4 x 4 mm, its first voxel in the ROI: off the grid */
    vx_geometry g2;
    vx_geometry_default(&g2, 2, 2, 1);
    g2.spacing[0] = g2.spacing[1] = 2.0;
    g2.origin[0] = g2.origin[1] = 0.5; /* centre of the first 2 mm voxel = corner of the image + 1 mm */
    vx_image *m2 = vx_image_new(&g2);
    assert_non_null(m2);
    m2->v[0] = 1.0f; /* covers image voxels (0..1, 0..1): intensities 1, 2, 5, 6 */
    assert_int_equal(run_case(s, img, m2, &mean, &vol, &err), VX_EGEOMETRY);
    assert_non_null(strstr(err.msg, "correctMask"));
    s->pyrad_correct_mask = 1;
    /* image index x 0, 1 maps to mask continuous index (x - 0.5) / 2 = -0.25, 0.25: rounded to mask voxel 0 */
    assert_int_equal(run_case(s, img, m2, &mean, &vol, &err), VX_OK);
    vx_assert_near_rel(mean, 3.5, 1e-12);
    /* with resampling the grid comes from the mask, whatever the image's: no correctMask needed. Mask voxels
     * (0, 0), (1, 0), (0, 1) of 2 mm, new spacing 2 mm: the grid is the mask's own 2 x 2 voxels (padDistance 5,
     * clipped), its voxel centres at image continuous indices 0.5 and 2.5; linear: the means of 2 x 2 image
     * voxels, (1 + 2 + 5 + 6) / 4 = 3.5, (3 + 4 + 7 + 8) / 4 = 5.5, (9 + 10 + 13 + 14) / 4 = 11.5: mean 6.8333 */
    s->pyrad_correct_mask = 0;
    m2->v[1] = m2->v[2] = 1.0f;
    s->resample_spacing[0] = s->resample_spacing[1] = 2.0;
    s->interp = VX_INTERP_LINEAR;
    assert_int_equal(run_case(s, img, m2, &mean, &vol, &err), VX_OK);
    vx_assert_near_rel(mean, (3.5 + 5.5 + 11.5) / 3.0, 1e-12);
    s->resample_spacing[0] = s->resample_spacing[1] = NAN;
    s->pyrad_correct_mask = 1;
    m2->v[1] = m2->v[2] = 0.0f;
    /* a ROI reaching outside the image is refused */
    m2->geom.origin[0] = 4.5;
    assert_int_equal(run_case(s, img, m2, &mean, &vol, &err), VX_EGEOMETRY);
    assert_non_null(strstr(err.msg, "outside the image"));
    vx_image_free(m2);
    free(s);
    vx_image_free(img);
    vx_image_free(mask);
}

/* preCrop: the image is cut to the ROI box plus padDistance (here a 2 x 2 x 1 ROI in a 6 x 6 x 3 image, pad 1:
 * the ROI at x, y = 2..3, z = 1 widened by one voxel: x, y 1..4, z 0..2, i.e. 4 x 4 x 3 voxels from (1, 1, 0) mm);
 * the original image's features are the same with and without. */
static void test_pre_crop(void **state)
{
    (void)state;
    vx_geometry g;
    vx_geometry_default(&g, 6, 6, 3);
    vx_image *img = vx_image_new(&g), *mask = vx_image_new(&g);
    assert_non_null(img);
    assert_non_null(mask);
    for (size_t i = 0; i < 108; i++)
        img->v[i] = (float)((i * 7) % 11);
    for (int y = 2; y < 4; y++)
        for (int x = 2; x < 4; x++)
            mask->v[x + 6 * (y + 6 * 1)] = 1.0f;
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    compat_settings(s);
    s->pyrad_pad_distance = 1;
    s->pyrad_pre_crop = 1;
    s->features.families = (1u << VX_FAM_STAT) | (1u << VX_FAM_GLCM) | (1u << VX_FAM_GLSZM);
    vx_error err;
    vx_image *pi = NULL, *pm = NULL;
    assert_int_equal(vx_pyrad_prepare(img, mask, s, &pi, &pm, &err), VX_OK);
    assert_non_null(pi);
    assert_non_null(pm);
    assert_true(pi->geom.dims[0] == 4 && pi->geom.dims[1] == 4 && pi->geom.dims[2] == 3);
    assert_true(pi->geom.origin[0] == 1.0 && pi->geom.origin[1] == 1.0 && pi->geom.origin[2] == 0.0);
    assert_true(pi->v[1 + 4 * (1 + 4 * 1)] == img->v[2 + 6 * (2 + 6 * 1)] && pm->v[1 + 4 * (1 + 4 * 1)] == 1.0f);
    vx_image_free(pi);
    vx_image_free(pm);
    /* without preCrop nothing changes: no copies */
    s->pyrad_pre_crop = 0;
    assert_int_equal(vx_pyrad_prepare(img, mask, s, &pi, &pm, &err), VX_OK);
    assert_null(pi);
    assert_null(pm);
    s->pyrad_pre_crop = 1;
    vx_results a, b;
    vx_results_init(&a);
    vx_results_init(&b);
    assert_int_equal(vx_extract(img, mask, s, &a, &err), VX_OK);
    s->pyrad_pre_crop = 0;
    assert_int_equal(vx_extract(img, mask, s, &b, &err), VX_OK);
    vx_test_assert_results_identical(&a, &b);
    vx_results_free(&a);
    vx_results_free(&b);
    free(s);
    vx_image_free(img);
    vx_image_free(mask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brain1_baselines), cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_resample_linear_cast), cmocka_unit_test(test_bspline_constant),
        cmocka_unit_test(test_resample_itk), cmocka_unit_test(test_resample_itk_border),
        cmocka_unit_test(test_resegment_modes),
        cmocka_unit_test(test_roi_checks), cmocka_unit_test(test_correct_mask),
        cmocka_unit_test(test_pre_crop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
