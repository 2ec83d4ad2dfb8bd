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
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/filter.h"
#include "voxomics/voxomics.h"
#include "vx_test.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brain1_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
