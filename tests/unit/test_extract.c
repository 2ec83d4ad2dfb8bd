/* Dictionary, discretisation, settings, output formatting, and whole-case properties: moving the ROI in a
 * larger array changes no value; 1 and 2 threads give bit-identical results.
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
#include "settings_errors.h"
#include "vx_test.h"

/* Every settings rule (tests/unit/settings_errors.h): refused when loaded, one line "FILE:LINE: KEY: ...". */
static void test_settings_errors_table(void **state)
{
    (void)state;
    char path[4096];
    for (size_t i = 0; i < N_SETTINGS_ERROR_CASES; i++) {
        const settings_error_case *c = &settings_error_cases[i];
        snprintf(path, sizeof path, "%s/rule%zu.yaml", vx_test_tmpdir(), i);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(c->text, f);
        fclose(f);
        vx_settings s;
        vx_settings_default(&s);
        vx_error err;
        vx_error_clear(&err);
        int rc = vx_settings_load(path, &s, &err);
        char want[4400];
        snprintf(want, sizeof want, "%s:%d: %s: ", path, c->line, c->key);
        if (rc == VX_OK || strncmp(err.msg, want, strlen(want)) != 0 || !strstr(err.msg, c->needle) ||
            strchr(err.msg, '\n'))
            fail_msg("rule %zu (%s): rc %d, message '%s'; want '%s...%s'", i, c->text, rc, err.msg, want, c->needle);
        remove(path);
    }
}

/* Settings built in code are validated by vx_extract too; an image with an absurd spacing or a sheared
 * grid is refused before any family runs (issue 11). */
static void test_extract_refuses_hostile(void **state)
{
    (void)state;
    vx_settings s;
    vx_error err;
    vx_settings_default(&s);
    assert_int_equal(vx_settings_validate(&s, &err), VX_OK);
    vx_settings_default(&s);
    s.mask_threshold = 0.0;
    assert_int_equal(vx_settings_validate(&s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "settings: input.mask_threshold: 0 is out of range"));
    vx_settings_default(&s);
    s.texture_disc.method = VX_DISC_FBS;
    s.texture_disc.bin_width = -25;
    assert_int_equal(vx_settings_validate(&s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "discretisation.texture.bin_width: -25"));
    vx_settings_default(&s);
    s.ivh_disc.method = VX_DISC_FBN;
    assert_int_equal(vx_settings_validate(&s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "discretisation.ivh.bin_count: 0"));
    vx_settings_default(&s);
    s.reseg_min = 400;
    s.reseg_max = -1000;
    assert_int_equal(vx_settings_validate(&s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "min 400 exceeds max -1000"));
    vx_settings_default(&s);
    s.resample_spacing[0] = 1e-30;
    assert_int_equal(vx_settings_validate(&s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "processing.resampling.spacing: 1e-30 mm"));

    /* the image grid */
    vx_geometry g;
    vx_geometry_default(&g, 4, 4, 4);
    vx_image *img = vx_image_new(&g), *mask = vx_image_new(&g);
    for (size_t i = 0; i < 64; i++) {
        img->v[i] = (float)(1 + i % 3);
        mask->v[i] = 1.0f;
    }
    vx_settings_default(&s);
    vx_results res;
    const double sp[] = {1e-30, 0.0, NAN, INFINITY, 1e7};
    for (size_t k = 0; k < sizeof sp / sizeof sp[0]; k++) {
        img->geom.spacing[1] = mask->geom.spacing[1] = sp[k];
        vx_results_init(&res);
        assert_int_equal(vx_extract(img, mask, &s, &res, &err), VX_EGEOMETRY);
        assert_non_null(strstr(err.msg, "image: the spacing of axis 2 is"));
        vx_results_free(&res);
    }
    img->geom.spacing[1] = mask->geom.spacing[1] = 1.0;
    img->geom.direction[3] = mask->geom.direction[3] = 0.6; /* column 0 = (1, 0.6, 0): length 1.17 */
    vx_results_init(&res);
    assert_int_equal(vx_extract(img, mask, &s, &res, &err), VX_EGEOMETRY);
    assert_non_null(strstr(err.msg, "direction of axis 1 has length"));
    vx_results_free(&res);
    img->geom.direction[0] = mask->geom.direction[0] = 0.8; /* column 0 = (0.8, 0.6, 0): unit, 36.9 deg to axis 2 */
    vx_results_init(&res);
    assert_int_equal(vx_extract(img, mask, &s, &res, &err), VX_EGEOMETRY);
    assert_non_null(strstr(err.msg, "axes 1 and 2 are not orthogonal"));
    vx_results_free(&res);
    vx_image_free(img);
    vx_image_free(mask);
}

static void test_dictionary(void **state)
{
    (void)state;
    /* IBSI 1 feature counts per family (reference manual, chapter 3); the features only PyRadiomics defines
     * (VX_FF_PYRADIOMICS, no IBSI code) follow the IBSI ones of their family */
    static const size_t counts[VX_FAM_COUNT] = {29, 2, 18, 23, 7, 25, 16, 16, 16, 5, 17};
    size_t total = 0, total_pyr = 0;
    for (int f = 0; f < VX_FAM_COUNT; f++) {
        const size_t n = vx_feature_count((vx_family)f);
        size_t ibsi = 0;
        for (size_t k = 0; k < n; k++) {
            const vx_feature_id id = (vx_feature_id)(vx_feature_first((vx_family)f) + (int)k);
            assert_int_equal(vx_feature_family(id), f);
            const int pyr = (vx_feature_get(id)->flags & VX_FF_PYRADIOMICS) != 0;
            assert_int_equal(pyr, k >= counts[f]);
            ibsi += !pyr;
        }
        assert_int_equal(ibsi, counts[f]);
        total += ibsi;
        total_pyr += n - ibsi;
    }
    assert_int_equal(total, 174);
    assert_int_equal(total + total_pyr, VX_F_COUNT);
    for (int i = 0; i < VX_F_COUNT; i++) {
        const vx_feature_info *a = vx_feature_get((vx_feature_id)i);
        assert_int_equal(a->id, i);
        assert_int_equal(strlen(a->ibsi_code), (a->flags & VX_FF_PYRADIOMICS) ? 0 : 4);
        if (a->flags & VX_FF_PYRADIOMICS)
            assert_non_null(a->pyradiomics);
        assert_true(!strncmp(a->tag, vx_family_get(vx_feature_family(a->id))->tag_prefix,
                             strlen(vx_family_get(vx_feature_family(a->id))->tag_prefix)));
        for (int j = 0; j < i; j++)
            assert_string_not_equal(a->tag, vx_feature_get((vx_feature_id)j)->tag);
    }
    char tag[96];
    assert_int_equal(vx_feature_tag(VX_F_CM_JOINT_MAX, VX_AGG_25D_MRG, tag, sizeof tag), VX_OK);
    assert_string_equal(tag, "cm_joint_max_2_5D_comb");
    assert_int_equal(vx_feature_tag(VX_F_SZM_SZE, VX_AGG_3D, tag, sizeof tag), VX_OK);
    assert_string_equal(tag, "szm_sze_3D");
    assert_string_equal(vx_feature_get(VX_F_SZM_SZE)->ibsi_code, "5QRC");
    assert_true(vx_feature_get(VX_F_MORPH_VOL_DENS_MVEE)->flags & VX_FF_NOT_STANDARDISED);
    assert_ptr_equal(vx_agg_find("ITBB"), vx_agg_get(VX_AGG_3D_AVG));
    assert_ptr_equal(vx_family_find("glcm"), vx_family_get(VX_FAM_GLCM));
    assert_null(vx_family_find("nonsense"));
}

/* Discretisation edge cases, derived from the IBSI formulas. */
static void test_discretise(void **state)
{
    (void)state;
    vx_error err;
    int32_t g[6];
    int ng;
    /* FBS w = 25 from -500: -500 -> 1, -475 (on an edge) -> 2, -475.0001 -> 1, 0 -> 21, 400 -> 37 */
    float x[5] = {-500.0f, -475.0f, -475.001f, 0.0f, 400.0f};
    vx_discretisation fbs = {VX_DISC_FBS, 25.0, 0, NAN};
    assert_int_equal(vx_discretise(x, NULL, 5, &fbs, -500.0, NAN, g, &ng, &err), VX_OK);
    assert_int_equal(g[0], 1);
    assert_int_equal(g[1], 2);
    assert_int_equal(g[2], 1);
    assert_int_equal(g[3], 21);
    assert_int_equal(g[4], 37);
    assert_int_equal(ng, 37);
    /* FBS without lower bound: ROI minimum */
    assert_int_equal(vx_discretise(x + 1, NULL, 4, &fbs, NAN, NAN, g, &ng, &err), VX_OK);
    assert_int_equal(g[1], 1); /* -475.001 is the minimum -> 1 */
    assert_int_equal(g[0], 1); /* -475 - (-475.001) < 25 */
    /* FBN N = 4 over 0..8: 0 -> 1, 2 (edge) -> 2, 7.99 -> 4, 8 (max) -> 4 */
    float y[4] = {0.0f, 2.0f, 7.99f, 8.0f};
    vx_discretisation fbn = {VX_DISC_FBN, 0.0, 4, NAN};
    assert_int_equal(vx_discretise(y, NULL, 4, &fbn, NAN, NAN, g, &ng, &err), VX_OK);
    assert_int_equal(g[0], 1);
    assert_int_equal(g[1], 2);
    assert_int_equal(g[2], 4);
    assert_int_equal(g[3], 4);
    assert_int_equal(ng, 4);
    /* constant ROI and single voxel: one grey level */
    float c[3] = {5.0f, 5.0f, 5.0f};
    assert_int_equal(vx_discretise(c, NULL, 3, &fbn, NAN, NAN, g, &ng, &err), VX_OK);
    assert_true(g[0] == 1 && g[1] == 1 && g[2] == 1);
    assert_int_equal(vx_discretise(c, NULL, 1, &fbs, NAN, NAN, g, &ng, &err), VX_OK);
    assert_int_equal(g[0], 1);
    assert_int_equal(ng, 1);
    /* mask: voxels outside get 0 */
    uint8_t m[4] = {1, 0, 1, 0};
    assert_int_equal(vx_discretise(y, m, 4, &fbn, NAN, NAN, g, &ng, &err), VX_OK);
    assert_int_equal(g[1], 0);
    assert_int_equal(g[3], 0);
    assert_int_equal(g[2], 4); /* 7.99 is the mask maximum */
    /* none: non-integer intensities are refused with a message that says what to do */
    vx_discretisation none = {VX_DISC_NONE, 0, 0, NAN};
    assert_int_equal(vx_discretise(x, NULL, 5, &none, NAN, NAN, g, &ng, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "fixed_bin_size"));
    /* empty */
    uint8_t z[2] = {0, 0};
    assert_int_equal(vx_discretise(c, z, 2, &fbs, NAN, NAN, g, &ng, &err), VX_EEMPTY);
}

static void test_format_double(void **state)
{
    (void)state;
    char b[64];
    double vals[] = {556.0, 0.1, 1.0 / 3.0, -2.5e-300, 1e300, 0.0, 3.0649999999999999};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        vx_format_double(vals[i], b, sizeof b);
        assert_true(strtod(b, NULL) == vals[i]);
    }
    vx_format_double(556.0, b, sizeof b);
    assert_string_equal(b, "556");
    vx_format_double(NAN, b, sizeof b);
    assert_string_equal(b, "NaN");
}

static void test_settings(void **state)
{
    (void)state;
    char path[4096];
    vx_settings s;
    vx_error err;
    const char *files[] = {"configs/ibsi1/digital_phantom.yaml", "configs/examples/ct_3d.yaml"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", getenv("VX_SOURCE_DIR"), files[i]);
        vx_settings_default(&s);
        assert_int_equal(vx_settings_load(path, &s, &err), VX_OK);
    }
    assert_int_equal(s.texture_disc.method, VX_DISC_FBS);
    assert_true(s.texture_disc.bin_width == 25.0);
    assert_true(s.reseg_min == -1000.0 && s.reseg_max == 400.0);
    char h1[65], h2[65];
    vx_settings_hash(&s, h1);
    s.features.threads = 7; /* threads do not change results, so not the hash */
    vx_settings_hash(&s, h2);
    assert_string_equal(h1, h2);
    s.texture_disc.bin_width = 10;
    vx_settings_hash(&s, h2);
    assert_string_not_equal(h1, h2);

    snprintf(path, sizeof path, "%s/bad.yaml", vx_test_tmpdir());
    FILE *f = fopen(path, "w");
    fputs("discretisation:\n  texture: {method: fixed_bin_width}\n", f);
    fclose(f);
    vx_settings_default(&s);
    assert_int_equal(vx_settings_load(path, &s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "discretisation.texture.method"));
    assert_non_null(strstr(err.msg, "fixed_bin_size"));

    /* the IBSI CT configurations: interpolation settings as configurations.md gives them */
    struct {
        const char *id;
        double sx, sz; /* NaN: no interpolation / slices kept */
        vx_interp m;
        double rmin, sigma;
        vx_disc_method ivh;
    } cfg[5] = {{"A", NAN, NAN, VX_INTERP_LINEAR, -500, 0, VX_DISC_NONE},
                {"B", 2, NAN, VX_INTERP_LINEAR, -500, 0, VX_DISC_NONE},
                {"C", 2, 2, VX_INTERP_LINEAR, -1000, 0, VX_DISC_FBS},
                {"D", 2, 2, VX_INTERP_LINEAR, NAN, 3, VX_DISC_NONE},
                {"E", 2, 2, VX_INTERP_CUBIC, -1000, 3, VX_DISC_FBN}};
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "%s/configs/ibsi1/%s.yaml", getenv("VX_SOURCE_DIR"), cfg[i].id);
        vx_settings_default(&s);
        assert_int_equal(vx_settings_load(path, &s, &err), VX_OK);
        assert_true(isnan(cfg[i].sx) ? isnan(s.resample_spacing[0]) : s.resample_spacing[0] == cfg[i].sx);
        assert_true(isnan(cfg[i].sx) ? isnan(s.resample_spacing[1]) : s.resample_spacing[1] == cfg[i].sx);
        assert_true(isnan(cfg[i].sz) ? isnan(s.resample_spacing[2]) : s.resample_spacing[2] == cfg[i].sz);
        assert_int_equal(s.interp, cfg[i].m);
        assert_int_equal(s.mask_interp, VX_INTERP_LINEAR);
        assert_true(s.mask_partial_volume == 0.5);
        assert_true(isnan(cfg[i].rmin) ? isnan(s.reseg_min) : s.reseg_min == cfg[i].rmin);
        assert_true(s.reseg_outlier_sigma == cfg[i].sigma);
        assert_int_equal(s.ivh_disc.method, cfg[i].ivh);
        assert_true(s.round_intensities && s.diagnostics);
    }
    /* the ROI interpolator must be nearest or linear; partial volume in (0, 1] */
    snprintf(path, sizeof path, "%s/bad.yaml", vx_test_tmpdir());
    f = fopen(path, "w");
    fputs("processing:\n  resampling:\n    spacing: [1, 1, 1]\n    mask_method: cubic\n", f);
    fclose(f);
    vx_settings_default(&s);
    assert_int_equal(vx_settings_load(path, &s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "processing.resampling.mask_method"));
    f = fopen(path, "w");
    fputs("processing:\n  resampling: {spacing: [1, 1, 1], mask_partial_volume: 0}\n", f);
    fclose(f);
    assert_int_equal(vx_settings_load(path, &s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "mask_partial_volume"));
    f = fopen(path, "w");
    fputs("processing:\n  resampling: {spacing: [1, -1, 1]}\n", f);
    fclose(f);
    assert_int_equal(vx_settings_load(path, &s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "processing.resampling.spacing"));
    /* interpolation settings change the hash; settings files without them keep theirs */
    vx_settings_default(&s);
    vx_settings_hash(&s, h1);
    s.resample_spacing[0] = s.resample_spacing[1] = s.resample_spacing[2] = 1.0;
    vx_settings_hash(&s, h2);
    assert_string_not_equal(h1, h2);
    char text[4096];
    vx_settings_default(&s);
    assert_int_equal(vx_settings_canonical(&s, text, sizeof text), VX_OK);
    assert_null(strstr(text, "resample"));
}

/* A lobulated synthetic lesion, all families and all aggregations. */
static void small_case(vx_image **img, vx_image **mask)
{
    vx_synth_params p;
    vx_synth_default(&p);
    p.dims[0] = 30;
    p.dims[1] = 28;
    p.dims[2] = 26;
    p.spacing[2] = 1.5;
    p.lesion_radius_mm = 7.0;
    p.lobulation = 0.3;
    p.seed = 3;
    vx_error err;
    assert_int_equal(vx_synth_ct(&p, img, mask, &err), VX_OK);
}

static void settings_all(vx_settings *s)
{
    vx_settings_default(s);
    s->round_intensities = 1;
    s->reseg_min = -1000;
    s->reseg_max = 400;
    s->texture_disc = (vx_discretisation){VX_DISC_FBS, 10.0, 0, NAN};
}

static void extract_ok(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_results *res)
{
    vx_error err;
    vx_results_init(res);
    int rc = vx_extract(img, mask, s, res, &err);
    if (rc != VX_OK)
        fail_msg("vx_extract: %s", err.msg);
}

static void test_translation_invariance(void **state)
{
    (void)state;
    vx_image *img, *mask;
    small_case(&img, &mask);
    /* the same case at offset (11, 4, 7) inside a larger array filled with air */
    vx_geometry g = img->geom;
    g.dims[0] = 57;
    g.dims[1] = 40;
    g.dims[2] = 45;
    vx_image *big = vx_image_new(&g), *bigm = vx_image_new(&g);
    for (size_t i = 0; i < vx_geometry_count(&g); i++)
        big->v[i] = -1000.0f;
    const size_t *d = img->geom.dims;
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++)
            for (size_t x = 0; x < d[0]; x++) {
                size_t s = x + d[0] * (y + d[1] * z), t = (x + 11) + g.dims[0] * ((y + 4) + g.dims[1] * (z + 7));
                big->v[t] = img->v[s];
                bigm->v[t] = mask->v[s];
            }
    vx_settings s;
    settings_all(&s);
    vx_results a, b;
    extract_ok(img, mask, &s, &a);
    extract_ok(big, bigm, &s, &b);
    assert_int_equal(a.n, b.n);
    assert_true(a.n > 400);
    int diffs = 0;
    for (size_t i = 0; i < a.n; i++) {
        assert_int_equal(a.rows[i].feature, b.rows[i].feature);
        double x = a.rows[i].value, y = b.rows[i].value;
        if (isnan(x) && isnan(y))
            continue;
        if (!(fabs(x - y) <= 1e-12 * fmax(1.0, fabs(x)))) {
            char tag[96];
            vx_feature_tag(a.rows[i].feature, a.rows[i].agg, tag, sizeof tag);
            print_error("%s: %.17g vs %.17g\n", tag, x, y);
            diffs++;
        }
    }
    assert_int_equal(diffs, 0);
    vx_results_free(&a);
    vx_results_free(&b);
    vx_image_free(big);
    vx_image_free(bigm);
    vx_image_free(img);
    vx_image_free(mask);
}

/* With interpolation (2 mm, linear and cubic), padding the image symmetrically by whole new voxels keeps
 * the IBSI grid (centres aligned, n' = ceil(n s / s') grows by the padding) and must change no value: the
 * processing reads only the input voxels around the ROI, and outside the image it continues with the
 * boundary voxels, which is what the padding holds. Padding: x, y 2 voxels of 1 mm on each side (one 2 mm
 * step), z 4 voxels of 1.5 mm (three 2 mm steps). */
static void test_resampled_padding_invariance(void **state)
{
    (void)state;
    vx_synth_params p;
    vx_synth_default(&p);
    p.dims[0] = 40;
    p.dims[1] = 41;
    p.dims[2] = 28;
    p.spacing[2] = 1.5;
    p.lesion_radius_mm = 7.0;
    p.lobulation = 0.3;
    p.seed = 5;
    vx_image *img, *mask;
    vx_error err;
    assert_int_equal(vx_synth_ct(&p, &img, &mask, &err), VX_OK);
    const size_t pad[3] = {2, 2, 4};
    vx_geometry g = img->geom;
    for (int a = 0; a < 3; a++)
        g.dims[a] += 2 * pad[a];
    for (int r = 0; r < 3; r++)
        for (int a = 0; a < 3; a++)
            g.origin[r] -= g.direction[r * 3 + a] * g.spacing[a] * (double)pad[a];
    vx_image *big = vx_image_new(&g), *bigm = vx_image_new(&g);
    const size_t *d = img->geom.dims;
    for (size_t z = 0; z < g.dims[2]; z++)
        for (size_t y = 0; y < g.dims[1]; y++)
            for (size_t x = 0; x < g.dims[0]; x++) {
                size_t c[3] = {x, y, z}, sc[3];
                int inside = 1;
                for (int a = 0; a < 3; a++) {
                    long v = (long)c[a] - (long)pad[a];
                    inside &= v >= 0 && v < (long)d[a];
                    sc[a] = v < 0 ? 0 : (v >= (long)d[a] ? d[a] - 1 : (size_t)v); /* boundary voxel */
                }
                size_t s = sc[0] + d[0] * (sc[1] + d[1] * sc[2]);
                size_t t = x + g.dims[0] * (y + g.dims[1] * z);
                big->v[t] = img->v[s];
                bigm->v[t] = inside ? mask->v[s] : 0.0f;
            }
    for (int m = VX_INTERP_LINEAR; m <= VX_INTERP_CUBIC; m++) {
        vx_settings s;
        settings_all(&s);
        s.resample_spacing[0] = s.resample_spacing[1] = s.resample_spacing[2] = 2.0;
        s.interp = (vx_interp)m;
        s.features.peak_volume_cc = 0.1; /* keeps the local-intensity margin inside the small image */
        vx_results a, b;
        extract_ok(img, mask, &s, &a);
        extract_ok(big, bigm, &s, &b);
        /* linear: bit-identical; cubic: the B-spline prefilter's edge values are computed in closed form in
         * one case and by recursion over the padding in the other, equal up to rounding */
        if (m == VX_INTERP_LINEAR) {
            vx_test_assert_results_identical(&a, &b);
        } else {
            assert_int_equal(a.n, b.n);
            for (size_t i = 0; i < a.n; i++)
                if (!isnan(a.rows[i].value) || !isnan(b.rows[i].value))
                    vx_assert_near_rel(b.rows[i].value, a.rows[i].value, 1e-9);
        }
        vx_results_free(&a);
        vx_results_free(&b);
    }
    vx_image_free(big);
    vx_image_free(bigm);
    vx_image_free(img);
    vx_image_free(mask);
}

/* Failures of the processing chain come back as errors that say what happened. */
static void test_processing_errors(void **state)
{
    (void)state;
    vx_geometry g;
    vx_geometry_default(&g, 10, 10, 10);
    vx_image *img = vx_image_new(&g), *mask = vx_image_new(&g);
    for (size_t i = 0; i < 1000; i++)
        img->v[i] = (float)(i % 7);
    vx_settings s;
    vx_settings_default(&s);
    s.texture_disc = (vx_discretisation){VX_DISC_FBN, 0.0, 8, NAN};
    vx_results res;
    vx_error err;
    /* one ROI voxel, 1 mm -> 4 mm: n' = ceil(10 / 4) = 3, first new voxel at (9 - 2 * 4) / 2 = 0.5, so the
     * new voxels sit at 0.5, 4.5, 8.5: the one over voxel 5 gets 0.5^3 = 0.125 of it, below 0.5 */
    mask->v[5 + 10 * (5 + 10 * 5)] = 1.0f;
    s.resample_spacing[0] = s.resample_spacing[1] = s.resample_spacing[2] = 4.0;
    vx_results_init(&res);
    assert_int_equal(vx_extract(img, mask, &s, &res, &err), VX_EEMPTY);
    assert_non_null(strstr(err.msg, "partial-volume threshold"));
    vx_results_free(&res);
    /* a NaN voxel next to the ROI reaches it through interpolation (1 mm -> 0.8 mm) */
    for (size_t z = 3; z < 7; z++)
        for (size_t y = 3; y < 7; y++)
            for (size_t x = 3; x < 7; x++)
                mask->v[x + 10 * (y + 10 * z)] = 1.0f;
    img->v[7 + 10 * (5 + 10 * 5)] = NAN;
    s.resample_spacing[0] = s.resample_spacing[1] = s.resample_spacing[2] = 0.8;
    vx_results_init(&res);
    assert_int_equal(vx_extract(img, mask, &s, &res, &err), VX_ENAN);
    assert_non_null(strstr(err.msg, "interpolat"));
    vx_results_free(&res);
    /* the same without interpolation is fine: the NaN lies outside the ROI */
    s.resample_spacing[0] = s.resample_spacing[1] = s.resample_spacing[2] = NAN;
    s.features.families = 1u << VX_FAM_STAT;
    vx_results_init(&res);
    assert_int_equal(vx_extract(img, mask, &s, &res, &err), VX_OK);
    vx_results_free(&res);
    /* a cubic ROI interpolator is refused */
    s.mask_interp = VX_INTERP_CUBIC;
    vx_results_init(&res);
    assert_int_equal(vx_extract(img, mask, &s, &res, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "ROI interpolator"));
    vx_results_free(&res);
    vx_image_free(img);
    vx_image_free(mask);
}

static void test_thread_determinism(void **state)
{
    (void)state;
    vx_image *img, *mask;
    small_case(&img, &mask);
    vx_settings s;
    settings_all(&s);
    vx_results a, b;
    s.features.threads = 1;
    extract_ok(img, mask, &s, &a);
    s.features.threads = 2;
    extract_ok(img, mask, &s, &b);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        assert_int_equal(a.rows[i].feature, b.rows[i].feature);
        assert_int_equal(a.rows[i].agg, b.rows[i].agg);
        assert_memory_equal(&a.rows[i].value, &b.rows[i].value, sizeof(double));
    }
    vx_results_free(&a);
    vx_results_free(&b);
    vx_image_free(img);
    vx_image_free(mask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings_errors_table),
        cmocka_unit_test(test_extract_refuses_hostile),
        cmocka_unit_test(test_dictionary),          cmocka_unit_test(test_discretise),
        cmocka_unit_test(test_format_double),       cmocka_unit_test(test_settings),
        cmocka_unit_test(test_translation_invariance), cmocka_unit_test(test_thread_determinism),
        cmocka_unit_test(test_resampled_padding_invariance), cmocka_unit_test(test_processing_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
