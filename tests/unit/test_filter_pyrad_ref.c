/* PyRadiomics' filtered image types against the tools PyRadiomics calls.
 *
 * External references:
 * - tests/data/pyradiomics/filter_ref.csv + filter_ref.f64, made by scripts/pyrad_filter_reference.sh with
 *   ITK 5.2 (LaplacianRecursiveGaussianImageFilter with NormalizeAcrossScale on, GradientMagnitudeImageFilter
 *   with and without image spacing, float32 output, as SimpleITK runs them for PyRadiomics) and PyWavelets 1.1.1
 *   (swtn called as PyRadiomics' _swt3 calls it), on a small synthetic 3D image of anisotropic spacing with odd
 *   sizes and on a 2D image; the other wavelet families (sym, db12, bior, rbio) on a smaller 3D image than their
 *   filters, and force2D wavelets over the axes but force2Ddimension 0, 1 and 2; scikit-image 0.19's uniform LBP
 *   per plane as PyRadiomics' LBP2D takes the planes (force2Ddimension 0, 1, 2), to the voxel. The filters are built the way a PyRadiomics parameter file builds them (each map
 *   from a params.yaml read by vx_settings_load, so the mapping of src/io/pyrad_params.c is tested with the
 *   filter) and applied to the whole input.
 * - $VOXOMICS_DATA/pyradiomics/filters/reference_brain1.csv: PyRadiomics' own feature values of brain1 on its
 *   LoG images (sigma 1 and 3 mm; every feature class), compared with a full extraction.
 *
 * Tolerances. LoG: the reference maps are float32 and our passes reproduce ITK's float32 pipeline operation by
 * operation, so a voxel may differ by rounding only: 4 float32 ulps of the map's largest magnitude
 * (4 * 2^-23 max |ref| ~ 4.8e-7 of the range) bounds that and is far below any feature's sensitivity.
 * Gradient: our map stays double while ITK stores float32: half an ulp of each value plus the rounding of
 * the sum, 1e-6 of max |ref|. Wavelets: both in double, 1e-9 of max |ref| (different summation orders).
 * Features on brain1's LoG images: 1e-4 relative (the criterion for LoG image types).
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

/* ---- the reference maps ------------------------------------------------------------------------------ */
typedef struct ref_map {
    char name[64], input[16], kind[16], p[3][16];
    size_t dims[3];
    double sp[3];
    size_t offset, count;
} ref_map;

typedef struct ref_set {
    ref_map *m;
    int n;
    double *v; /* every value */
    size_t nv;
} ref_set;

static const char *src_path(const char *rel)
{
    static char buf[4096];
    const char *s = getenv("VX_SOURCE_DIR");
    snprintf(buf, sizeof buf, "%s/%s", s ? s : "..", rel);
    return buf;
}

static void ref_load(ref_set *r)
{
    memset(r, 0, sizeof *r);
    size_t nb;
    unsigned char *bin = (unsigned char *)vx_test_slurp(src_path("tests/data/pyradiomics/filter_ref.f64"), &nb);
    char *csv = vx_test_slurp(src_path("tests/data/pyradiomics/filter_ref.csv"), NULL);
    assert_non_null(bin);
    assert_non_null(csv);
    assert_int_equal(nb % 8, 0);
    r->nv = nb / 8;
    r->v = malloc(r->nv * sizeof *r->v);
    assert_non_null(r->v);
    for (size_t i = 0; i < r->nv; i++) { /* float64 little-endian */
        uint64_t u = 0;
        for (int b = 7; b >= 0; b--)
            u = u << 8 | bin[8 * i + (size_t)b];
        memcpy(&r->v[i], &u, sizeof u);
    }
    free(bin);
    r->m = calloc(128, sizeof *r->m);
    assert_non_null(r->m);
    char *line = strchr(csv, '\n'); /* the header */
    assert_non_null(line);
    line++;
    while (*line) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *f[16];
        if (vx_test_csv_split(line, f, 16) == 14) {
            assert_true(r->n < 128);
            ref_map *m = &r->m[r->n++];
            snprintf(m->name, sizeof m->name, "%s", f[0]);
            snprintf(m->input, sizeof m->input, "%s", f[1]);
            snprintf(m->kind, sizeof m->kind, "%s", f[2]);
            for (int k = 0; k < 3; k++) {
                snprintf(m->p[k], sizeof m->p[k], "%s", f[3 + k]);
                m->dims[k] = strtoul(f[6 + k], NULL, 10);
                m->sp[k] = strtod(f[9 + k], NULL);
            }
            m->offset = strtoul(f[12], NULL, 10);
            m->count = strtoul(f[13], NULL, 10);
            assert_int_equal(m->count, m->dims[0] * m->dims[1] * m->dims[2]);
            assert_true(m->offset + m->count <= r->nv);
        }
        if (!end)
            break;
        line = end + 1;
    }
    free(csv);
    assert_int_equal(r->n, 108); /* the maps the script writes: 3 inputs, 7 LoG, 3 gradient, 78 wavelet, 12 2D
                                  * wavelet, 5 LBP2D */
}

static void ref_free(ref_set *r)
{
    free(r->m);
    free(r->v);
}

static const ref_map *ref_input(const ref_set *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->m[i].kind, "input") && !strcmp(r->m[i].name, name))
            return &r->m[i];
    fail_msg("input %s not in filter_ref.csv", name);
    return NULL;
}

/* The settings of a PyRadiomics parameter file with the given text. */
static void load_params(const char *text, vx_settings *s)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/params.yaml", vx_test_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    vx_error err;
    vx_error_clear(&err);
    vx_settings_default(s);
    int rc = vx_settings_load(path, s, &err);
    if (rc != VX_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(s->compat, VX_COMPAT_PYRADIOMICS);
}

/* Apply f to the map's input and compare every voxel with the map within tol times max |ref|; returns the
 * number of voxels compared and the largest difference in units of max |ref| in *worst. */
static size_t check_map(const ref_set *r, const ref_map *m, const vx_filter_spec *f, double tol, double *worst)
{
    const ref_map *in = ref_input(r, m->input);
    const size_t n = in->count;
    assert_int_equal(n, m->count);
    double *out = malloc(n * sizeof *out);
    assert_non_null(out);
    vx_error err;
    vx_error_clear(&err);
    int rc = vx_filter_apply(NULL, f, r->v + in->offset, in->dims, in->sp, out, &err);
    if (rc != VX_OK)
        fail_msg("%s: %s", m->name, err.msg);
    const double *ref = r->v + m->offset;
    double amax = 0.0, dmax = 0.0;
    for (size_t i = 0; i < n; i++)
        amax = fmax(amax, fabs(ref[i]));
    for (size_t i = 0; i < n; i++)
        dmax = fmax(dmax, fabs(out[i] - ref[i]));
    const double rel = amax > 0.0 ? dmax / amax : dmax;
    if (!(rel <= tol))
        fail_msg("%s (%s, %s %s %s): max difference %.3g of max |ref| %.6g; tolerance %.3g", m->name, m->input,
                 m->p[0], m->p[1], m->p[2], rel, amax, tol);
    *worst = fmax(*worst, rel);
    free(out);
    return n;
}

/* ---- LoG ---------------------------------------------------------------------------------------------- */
static void test_log_maps(void **state)
{
    (void)state;
    ref_set r;
    ref_load(&r);
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    int maps = 0;
    size_t voxels = 0;
    double worst = 0.0;
    for (int i = 0; i < r.n; i++) {
        const ref_map *m = &r.m[i];
        if (strcmp(m->kind, "log"))
            continue;
        char text[256];
        snprintf(text, sizeof text, "setting:\n  label: 1\nimageType:\n  LoG:\n    sigma: [%s]\n", m->p[0]);
        load_params(text, s);
        assert_int_equal(s->n_filters, 1);
        assert_int_equal(s->filters[0].filter.kind, VX_FILTER_LOG_RECURSIVE);
        assert_string_equal(s->filters[0].name, m->name);
        voxels += check_map(&r, m, &s->filters[0].filter, 4.0 * 0x1p-23, &worst);
        maps++;
    }
    printf("LoG: %d maps, %zu voxels, worst difference %.3g of max |ref|\n", maps, voxels, worst);
    assert_int_equal(maps, 7);
    assert_int_equal(voxels, 5 * 1404 + 2 * 180);
    free(s);
    ref_free(&r);
}

/* ---- gradient ----------------------------------------------------------------------------------------- */
static void test_gradient_maps(void **state)
{
    (void)state;
    ref_set r;
    ref_load(&r);
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    int maps = 0;
    size_t voxels = 0;
    double worst = 0.0;
    for (int i = 0; i < r.n; i++) {
        const ref_map *m = &r.m[i];
        if (strcmp(m->kind, "gradient"))
            continue;
        char text[256];
        snprintf(text, sizeof text, "setting:\n  label: 1\n  gradientUseSpacing: %s\nimageType:\n  Gradient: {}\n",
                 atoi(m->p[0]) ? "true" : "false");
        load_params(text, s);
        assert_int_equal(s->n_filters, 1);
        assert_int_equal(s->filters[0].filter.kind, VX_FILTER_GRADIENT);
        voxels += check_map(&r, m, &s->filters[0].filter, 1e-6, &worst);
        maps++;
    }
    printf("gradient: %d maps, %zu voxels, worst difference %.3g of max |ref|\n", maps, voxels, worst);
    assert_int_equal(maps, 3);
    assert_int_equal(voxels, 2 * 1404 + 180);
    free(s);
    ref_free(&r);
}

/* ---- LBP2D -------------------------------------------------------------------------------------------- */
/* scikit-image's uniform LBP per plane, as PyRadiomics' getLBP2DImage runs it (its plane for force2Ddimension
 * 0, 1 and 2, with 6 samples where the plane's orientation matters): every voxel equal (integer codes). */
static void test_lbp2d_maps(void **state)
{
    (void)state;
    ref_set r;
    ref_load(&r);
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    int maps = 0;
    size_t voxels = 0;
    double worst = 0.0;
    for (int i = 0; i < r.n; i++) {
        const ref_map *m = &r.m[i];
        if (strncmp(m->kind, "lbp2d", 5))
            continue;
        char text[320];
        snprintf(text, sizeof text,
                 "setting:\n  label: 1\n  force2D: true\n  force2Ddimension: %s\n  lbp2DSamples: %s\n"
                 "  lbp2DRadius: %s\nimageType:\n  LBP2D: {}\n",
                 m->kind + 5, m->p[0], m->p[1]);
        load_params(text, s);
        assert_int_equal(s->n_filters, 1);
        assert_int_equal(s->filters[0].filter.kind, VX_FILTER_LBP2D);
        assert_string_equal(s->filters[0].name, m->name);
        vx_filter_spec f = s->filters[0].filter; /* the slice axis as the extraction sets it */
        f.slice_axis = s->features.slice_axis;
        voxels += check_map(&r, m, &f, 0.0, &worst);
        maps++;
    }
    printf("LBP2D: %d maps, %zu voxels, worst difference %.3g of max |ref|\n", maps, voxels, worst);
    assert_int_equal(maps, 5);
    assert_int_equal(voxels, 5 * 1404);
    free(s);
    ref_free(&r);
}

/* ---- wavelets ----------------------------------------------------------------------------------------- */
static void test_wavelet_maps(void **state)
{
    (void)state;
    ref_set r;
    ref_load(&r);
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    /* force2D: -1 (3D), or force2Ddimension (2D over the other two axes; maps of kind wavelet2d<dimension>) */
    static const struct {
        const char *wavelet, *input;
        int start, level, maps, force2d;
    } cfg[] = {{"haar", "img3", 0, 2, 15, -1},   {"db2", "img3", 0, 1, 8, -1},    {"coif1", "img3", 1, 1, 8, -1},
               {"sym4", "img4", 0, 1, 8, -1},    {"db12", "img4", 0, 1, 8, -1},   {"bior2.2", "img4", 0, 1, 8, -1},
               {"rbio3.3", "img4", 0, 2, 15, -1}, {"bior4.4", "img4", 1, 1, 8, -1}, {"coif1", "img3", 0, 1, 4, 0},
               {"sym3", "img3", 0, 1, 4, 1},     {"bior1.3", "img3", 0, 1, 4, 2}};
    int maps = 0;
    size_t voxels = 0;
    double worst = 0.0;
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
        char text[320], sl[8], lv[8], kind[16], two_d[64] = "";
        if (cfg[c].force2d >= 0)
            snprintf(two_d, sizeof two_d, "  force2D: true\n  force2Ddimension: %d\n", cfg[c].force2d);
        snprintf(text, sizeof text,
                 "setting:\n  label: 1\n%simageType:\n  Wavelet:\n    wavelet: %s\n    start_level: %d\n"
                 "    level: %d\n",
                 two_d, cfg[c].wavelet, cfg[c].start, cfg[c].level);
        snprintf(sl, sizeof sl, "%d", cfg[c].start);
        snprintf(lv, sizeof lv, "%d", cfg[c].level);
        if (cfg[c].force2d >= 0)
            snprintf(kind, sizeof kind, "wavelet2d%d", cfg[c].force2d);
        else
            snprintf(kind, sizeof kind, "wavelet");
        load_params(text, s);
        assert_int_equal(s->n_filters, cfg[c].maps);
        for (int k = 0; k < s->n_filters; k++) {
            const ref_map *m = NULL;
            for (int i = 0; i < r.n && !m; i++)
                if (!strcmp(r.m[i].kind, kind) && !strcmp(r.m[i].p[0], cfg[c].wavelet) &&
                    !strcmp(r.m[i].p[1], sl) && !strcmp(r.m[i].p[2], lv) && !strcmp(r.m[i].input, cfg[c].input) &&
                    !strcmp(r.m[i].name, s->filters[k].name))
                    m = &r.m[i];
            if (!m)
                fail_msg("%s: image type %s not in filter_ref.csv", cfg[c].wavelet, s->filters[k].name);
            vx_filter_spec f = s->filters[k].filter; /* the slice axis as the extraction sets it */
            f.slice_axis = s->features.slice_axis;
            voxels += check_map(&r, m, &f, 1e-9, &worst);
            maps++;
        }
    }
    printf("wavelets: %d maps, %zu voxels, worst difference %.3g of max |ref|\n", maps, voxels, worst);
    assert_int_equal(maps, 90);
    assert_int_equal(voxels, 31 * 1404 + 47 * 210 + 12 * 1404);
    free(s);
    ref_free(&r);
}

/* ---- brain1: PyRadiomics' own features on its LoG images ----------------------------------------------- */
/* Every log-sigma-* value of reference_brain1.csv (2 x 93) against a full extraction (binWidth 25, label 1,
 * all feature classes, LoG sigma 1 and 3 mm, PyRadiomics' parameter-file path): every value computed and within
 * 1e-4 relative. */
static void test_brain1_log_features(void **state)
{
    (void)state;
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    load_params("setting:\n  binWidth: 25\n  label: 1\n  additionalInfo: false\nimageType:\n  LoG:\n"
                "    sigma: [1.0, 3.0]\nfeatureClass:\n  shape: null\n  firstorder: null\n  glcm: null\n"
                "  glrlm: null\n  glszm: null\n  gldm: null\n  ngtdm: null\n",
                s);
    vx_image *img = NULL, *mask = NULL;
    vx_error err;
    vx_error_clear(&err);
    assert_int_equal(vx_image_read(vx_test_data("pyradiomics/brain1_image.nrrd"), &img, &err), VX_OK);
    assert_int_equal(vx_image_read(vx_test_data("pyradiomics/brain1_label.nrrd"), &mask, &err), VX_OK);
    vx_results res;
    vx_results_init(&res);
    int rc = vx_extract(img, mask, s, &res, &err);
    if (rc != VX_OK)
        fail_msg("%s", err.msg);
    /* our values by PyRadiomics column name */
    char (*names)[160] = calloc(res.n, sizeof *names);
    assert_non_null(names);
    for (size_t i = 0; i < res.n; i++)
        if (vx_feature_pyradiomics_column(vx_results_image_type_name(&res, res.rows[i].image_type),
                                          res.rows[i].feature, res.rows[i].agg, names[i], sizeof names[i]))
            names[i][0] = '\0';
    char *csv = vx_test_slurp(vx_test_data("pyradiomics/filters/reference_brain1.csv"), NULL);
    assert_non_null(csv);
    int total = 0, matched = 0;
    double worst = 0.0;
    char *line = csv;
    while (line && *line) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *comma = strchr(line, ',');
        if (comma && !strncmp(line, "log-sigma-", 10)) {
            *comma = '\0';
            const double ref = strtod(comma + 1, NULL);
            total++;
            size_t k = 0;
            while (k < res.n && strcmp(names[k], line))
                k++;
            if (k == res.n) {
                fail_msg("%s: not computed", line);
            } else {
                const double v = res.rows[k].value;
                const double d = ref != 0.0 ? fabs(v - ref) / fabs(ref) : fabs(v);
                if (!(d <= 1e-4))
                    fail_msg("%s: %.17g, PyRadiomics %.17g, relative difference %.3g > 1e-4", line, v, ref, d);
                worst = fmax(worst, d);
                matched++;
            }
        }
        line = end ? end + 1 : NULL;
    }
    printf("brain1 LoG image types: %d of %d values match PyRadiomics (worst relative difference %.3g)\n", matched,
           total, worst);
    assert_int_equal(total, 186);
    assert_int_equal(matched, 186);
    free(csv);
    free(names);
    vx_results_free(&res);
    vx_image_free(img);
    vx_image_free(mask);
    free(s);
}

/* ---- log_recursive: properties derived by hand --------------------------------------------------------- */
/* A constant image has zero Laplacian (the order-2 filter sums to zero, the boundary rule continues the
 * constant): |response| <= 1e-9 of the constant, rounding. A quadratic f = x^2 (x in mm) has Laplacian 2, so the normalised response is
 * sigma^2 * 2 away from the borders: the order-2 filter is normalised to a unit second moment, so only float32
 * storage and the border limit it; 40 voxels (13 sigma) from the ends the recursions' memory, which decays as
 * exp(-1.37 k / sigma), is below 1e-7: 1e-5 relative. */
static void test_logrec_properties(void **state)
{
    (void)state;
    const size_t dims[3] = {100, 9, 8};
    const double sp[3] = {0.5, 1.0, 2.0};
    const size_t n = dims[0] * dims[1] * dims[2];
    double *in = malloc(n * sizeof *in), *out = malloc(n * sizeof *out);
    assert_non_null(in);
    assert_non_null(out);
    vx_filter_spec f;
    vx_filter_spec_init(&f);
    f.kind = VX_FILTER_LOG_RECURSIVE;
    f.sigma_mm = 1.5;
    vx_error err;
    for (size_t i = 0; i < n; i++)
        in[i] = 100.0;
    assert_int_equal(vx_filter_apply(NULL, &f, in, dims, sp, out, &err), VX_OK);
    for (size_t i = 0; i < n; i++)
        assert_true(fabs(out[i]) <= 1e-7);
    for (size_t i = 0; i < n; i++) {
        const double x = (double)(i % dims[0]) * sp[0] - 25.0;
        in[i] = x * x;
    }
    assert_int_equal(vx_filter_apply(NULL, &f, in, dims, sp, out, &err), VX_OK);
    for (size_t z = 0; z < dims[2]; z++)
        for (size_t y = 0; y < dims[1]; y++)
            for (size_t x = 40; x < 60; x++) /* >= 20 mm = 13 sigma from either end */
                vx_assert_near_rel(out[x + dims[0] * (y + dims[1] * z)], 2.0 * 1.5 * 1.5, 1e-5);
    free(in);
    free(out);
}

/* PyRadiomics' conditions refused by name; thread count does not change a bit. */
static void test_logrec_limits_threads(void **state)
{
    (void)state;
    vx_filter_spec f;
    vx_filter_spec_init(&f);
    f.kind = VX_FILTER_LOG_RECURSIVE;
    f.sigma_mm = 1.0;
    vx_error err;
    double in[3 * 20 * 20], out[3 * 20 * 20];
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        in[i] = (double)(i * 7919 % 101);
    const size_t thin[3] = {20, 20, 3};
    const double sp1[3] = {1, 1, 1};
    assert_int_equal(vx_filter_apply(NULL, &f, in, thin, sp1, out, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "at least 4"));
    f.dim = 2; /* per axial slice: x and y only */
    assert_int_equal(vx_filter_apply(NULL, &f, in, thin, sp1, out, &err), VX_OK);
    f.dim = 3;
    const size_t cube[3] = {20, 15, 4};
    f.sigma_mm = 3.5; /* ceil(3.5 / 1) + 1 = 5 > 4 along z */
    assert_int_equal(vx_filter_apply(NULL, &f, in, cube, sp1, out, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "ceil(sigma / spacing) + 1 = 5"));
    f.sigma_mm = 3.0; /* 4 >= 4: accepted */
    assert_int_equal(vx_filter_apply(NULL, &f, in, cube, sp1, out, &err), VX_OK);
    /* bit-identical for 1 and 2 threads on an image large enough to run in parallel */
    const size_t big[3] = {64, 48, 40};
    const double sp[3] = {0.7, 0.8, 3.0};
    const size_t n = big[0] * big[1] * big[2];
    double *img = malloc(n * sizeof *img), *o1 = malloc(n * sizeof *o1), *o2 = malloc(n * sizeof *o2);
    assert_non_null(img);
    assert_non_null(o1);
    assert_non_null(o2);
    for (size_t i = 0; i < n; i++)
        img[i] = (double)(float)(sin(0.001 * (double)i * (double)(i % 97)) * 1000.0);
    f.sigma_mm = 2.0;
    const int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    assert_int_equal(vx_filter_apply(NULL, &f, img, big, sp, o1, &err), VX_OK);
    omp_set_num_threads(2);
    assert_int_equal(vx_filter_apply(NULL, &f, img, big, sp, o2, &err), VX_OK);
    omp_set_num_threads(nt);
    assert_memory_equal(o1, o2, n * sizeof *o1);
    free(img);
    free(o1);
    free(o2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_maps),
        cmocka_unit_test(test_gradient_maps),
        cmocka_unit_test(test_wavelet_maps),
        cmocka_unit_test(test_lbp2d_maps),
        cmocka_unit_test(test_brain1_log_features),
        cmocka_unit_test(test_logrec_properties),
        cmocka_unit_test(test_logrec_limits_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
