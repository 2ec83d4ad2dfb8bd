/* PyRadiomics' filtered image types against the tools PyRadiomics calls.
 *
 * External references:
 * - tests/data/pyradiomics/filter_ref.csv + filter_ref.f64, made by scripts/pyrad_filter_reference.sh with
 *   ITK 5.2 (LaplacianRecursiveGaussianImageFilter with NormalizeAcrossScale on, GradientMagnitudeImageFilter
 *   with and without image spacing, float32 output, as SimpleITK runs them for PyRadiomics) and PyWavelets 1.1.1
 *   (swtn called as PyRadiomics' _swt3 calls it), on a small synthetic 3D image of anisotropic spacing with odd
 *   sizes and on a 2D image. The filters are built the way a PyRadiomics parameter file builds them (each map
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
    r->m = calloc(64, sizeof *r->m);
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
            assert_true(r->n < 64);
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
    assert_int_equal(r->n, 43); /* the maps the script writes: 2 inputs, 7 LoG, 3 gradient, 31 wavelet */
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

/* ---- wavelets ----------------------------------------------------------------------------------------- */
static void test_wavelet_maps(void **state)
{
    (void)state;
    ref_set r;
    ref_load(&r);
    vx_settings *s = malloc(sizeof *s);
    assert_non_null(s);
    static const struct {
        const char *wavelet;
        int start, level, maps;
    } cfg[] = {{"haar", 0, 2, 15}, {"db2", 0, 1, 8}, {"coif1", 1, 1, 8}};
    int maps = 0;
    size_t voxels = 0;
    double worst = 0.0;
    for (size_t c = 0; c < sizeof cfg / sizeof cfg[0]; c++) {
        char text[256], sl[8], lv[8];
        snprintf(text, sizeof text,
                 "setting:\n  label: 1\nimageType:\n  Wavelet:\n    wavelet: %s\n    start_level: %d\n    level: %d\n",
                 cfg[c].wavelet, cfg[c].start, cfg[c].level);
        snprintf(sl, sizeof sl, "%d", cfg[c].start);
        snprintf(lv, sizeof lv, "%d", cfg[c].level);
        load_params(text, s);
        assert_int_equal(s->n_filters, cfg[c].maps);
        for (int k = 0; k < s->n_filters; k++) {
            const ref_map *m = NULL;
            for (int i = 0; i < r.n && !m; i++)
                if (!strcmp(r.m[i].kind, "wavelet") && !strcmp(r.m[i].p[0], cfg[c].wavelet) &&
                    !strcmp(r.m[i].p[1], sl) && !strcmp(r.m[i].p[2], lv) && !strcmp(r.m[i].name, s->filters[k].name))
                    m = &r.m[i];
            if (!m)
                fail_msg("%s: image type %s not in filter_ref.csv", cfg[c].wavelet, s->filters[k].name);
            voxels += check_map(&r, m, &s->filters[k].filter, 1e-9, &worst);
            maps++;
        }
    }
    printf("wavelets: %d maps, %zu voxels, worst difference %.3g of max |ref|\n", maps, voxels, worst);
    assert_int_equal(maps, 31);
    assert_int_equal(voxels, 31 * 1404);
    free(s);
    ref_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log_maps),
        cmocka_unit_test(test_gradient_maps),
        cmocka_unit_test(test_wavelet_maps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
