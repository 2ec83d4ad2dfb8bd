/* PyRadiomics' output in compatibility mode: Python's float text (vx_python_float_repr against Python's own
 * repr()), text values of a result set and how the writers place them, and vx_pyradiomics_diagnostics on
 * small images whose values are derived by hand (hashes: Python's hashlib.sha1 of the same little-endian
 * bytes, as SimpleITK's sitk.Hash defines them); PyRadiomics' result dict (vx_results_pyradiomics_items) names
 * and orders the values as the wide table does.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/cohort.h"
#include "voxomics/extract.h"
#include "voxomics/settings.h"
#include "vx_test.h"

static void test_python_float_repr(void **state)
{
    (void)state;
    /* the right-hand sides are Python 3's repr() of the same doubles */
    const struct {
        double v;
        const char *py;
    } cases[] = {{0.1, "0.1"},
                 {1e-5, "1e-05"},
                 {1e16, "1e+16"},
                 {2.0, "2.0"},
                 {100.0, "100.0"},
                 {0.0001, "0.0001"},
                 {1234567890123456.0, "1234567890123456.0"},
                 {2.5e-7, "2.5e-07"},
                 {-1.5, "-1.5"},
                 {0.1 + 0.2, "0.30000000000000004"},
                 {1.0 / 3.0, "0.3333333333333333"},
                 {1e22, "1e+22"},
                 {1.7976931348623157e308, "1.7976931348623157e+308"},
                 {5e-324, "5e-324"},
                 {0.78124999999999989, "0.7812499999999999"},
                 {123456789.125, "123456789.125"},
                 {-0.0, "-0.0"},
                 {0.0, "0.0"}};
    char buf[40];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vx_python_float_repr(cases[i].v, buf, sizeof buf);
        assert_string_equal(buf, cases[i].py);
    }
    vx_python_float_repr(NAN, buf, sizeof buf);
    assert_string_equal(buf, "nan");
    vx_python_float_repr(-INFINITY, buf, sizeof buf);
    assert_string_equal(buf, "-inf");
}

static void test_settings_dict(void **state)
{
    (void)state;
    char d[256] = "";
    vx_pyrad_settings_set(d, sizeof d, "label", "1");
    vx_pyrad_settings_set(d, sizeof d, "binWidth", "25");
    vx_pyrad_settings_set(d, sizeof d, "label", "2"); /* a dict update keeps the key's place */
    assert_string_equal(d, "label=2\nbinWidth=25\n");
}

static void test_text_values(void **state)
{
    (void)state;
    vx_results r;
    vx_results_init(&r);
    assert_int_equal(vx_results_add(&r, VX_F_STAT_MEAN, VX_AGG_NONE, 1.5), VX_OK);
    assert_int_equal(vx_results_add_text(&r, "diagnostics_A", "(1, 2)"), VX_OK);
    assert_int_equal(vx_results_add_text(&r, "diagnostics_B", "x"), VX_OK);
    assert_int_equal(vx_results_add_text(&r, "diagnostics_A", "(3, 4)"), VX_OK); /* replaced in place */
    assert_int_equal(vx_results_add_text(&r, "", "x"), VX_EINVAL);
    assert_int_equal(r.n_text, 2);
    assert_string_equal(vx_results_get_text(&r, "diagnostics_A"), "(3, 4)");
    assert_null(vx_results_get_text(&r, "diagnostics_C"));

    const char *path = "text_values.csv";
    char full[4200];
    snprintf(full, sizeof full, "%s/%s", vx_test_tmpdir(), path);
    FILE *f = fopen(full, "w");
    assert_non_null(f);
    assert_int_equal(vx_results_write_wide_named(f, "c1", "", &r, NULL, 1, VX_NAMES_PYRADIOMICS), VX_OK);
    assert_int_equal(vx_results_write_long(f, "c1", "", &r, NULL, 1), VX_OK);
    fclose(f);
    char *text = vx_test_slurp(full, NULL);
    assert_non_null(text);
    /* wide: text columns first after image_type, quoted where CSV needs it; PyRadiomics' feature names */
    assert_non_null(strstr(text, "case,roi,image_type,diagnostics_A,diagnostics_B,original_firstorder_Mean,"));
    assert_non_null(strstr(text, "\nc1,,original,\"(3, 4)\",x,1.5,"));
    /* long: one diagnostics row per text value */
    assert_non_null(strstr(text, "\nc1,,original,diagnostics,diagnostics_A,,,diagnostics_A,\"(3, 4)\",,"));
    free(text);
    vx_results_free(&r);
    assert_int_equal(r.n_text, 0);
}

/* PyRadiomics' result dict: text values, diagnostic numbers, features, in the wide table's order and names */
static void test_pyradiomics_items(void **state)
{
    (void)state;
    vx_results r;
    vx_results_init(&r);
    assert_int_equal(vx_results_add(&r, VX_F_STAT_MEAN, VX_AGG_NONE, 1.5), VX_OK);
    assert_int_equal(vx_results_add_diag(&r, "input_mask_resampled_nearest", 1.0), VX_OK);
    assert_int_equal(vx_results_add_text(&r, "diagnostics_A", "(3, 4)"), VX_OK);
    assert_int_equal(vx_results_add_text(&r, "diagnostics_B", "{'a': None}"), VX_OK);
    assert_int_equal(vx_results_set_image_type(&r, "wavelet-LLH"), VX_OK);
    assert_int_equal(vx_results_add(&r, VX_F_STAT_MEAN, VX_AGG_NONE, -2.25), VX_OK);
    vx_pyrad_items it;
    vx_error err;
    assert_int_equal(vx_results_pyradiomics_items(&r, &it, &err), VX_OK);
    static const char *const keys[] = {"diagnostics_A", "diagnostics_B", "original_input_mask_resampled_nearest",
                                       "original_firstorder_Mean", "wavelet-LLH_firstorder_Mean"};
    assert_int_equal(it.n, 5);
    for (size_t i = 0; i < it.n; i++)
        assert_string_equal(it.items[i].key, keys[i]);
    assert_string_equal(it.items[0].text, "(3, 4)");
    assert_string_equal(it.items[1].text, "{'a': None}");
    assert_null(it.items[2].text);
    assert_true(it.items[2].value == 1.0 && it.items[3].value == 1.5 && it.items[4].value == -2.25);

    /* the wide header names the same columns in the same order */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(vx_results_write_wide_named(f, "c", "", &r, NULL, 1, VX_NAMES_PYRADIOMICS), VX_OK);
    fclose(f);
    char expect[512] = "case,roi,image_type";
    for (size_t i = 0; i < it.n; i++)
        snprintf(expect + strlen(expect), sizeof expect - strlen(expect), ",%s", keys[i]);
    assert_int_equal(strncmp(buf, expect, strlen(expect)), 0);
    free(buf);
    vx_pyrad_items_free(&it);
    assert_int_equal(it.n, 0);
    assert_null(it.items);
    vx_pyrad_items_free(NULL);
    vx_results_free(&r);

    /* vx_pyradiomics_execute: the image and the mask both as paths or both in memory */
    vx_settings s;
    vx_settings_default(&s);
    assert_int_equal(vx_pyradiomics_execute(&s, "a.nrrd", NULL, NULL, NULL, &it, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "both as paths or both as images"));
    assert_int_equal(it.n, 0);
    assert_int_equal(vx_pyradiomics_execute(NULL, "a.nrrd", "b.nrrd", NULL, NULL, &it, &err), VX_EINVAL);
    assert_int_equal(vx_pyradiomics_execute(&s, "/nonexistent/a.nrrd", "/nonexistent/b.nrrd", NULL, NULL, &it,
                                            &err), VX_EIO);
    assert_non_null(strstr(err.msg, "read image"));
    assert_non_null(strstr(err.msg, "/nonexistent/a.nrrd"));
    vx_pyrad_items_free(&it);
}

/* a 4 x 1 x 1 image of the given values, spacing 2 mm along x, origin (10, 0, 0) */
static vx_image *line_image(const float v[4])
{
    vx_geometry g;
    vx_geometry_default(&g, 4, 1, 1);
    g.spacing[0] = 2.0;
    g.origin[0] = 10.0;
    vx_image *im = vx_image_new(&g);
    for (int i = 0; i < 4; i++)
        im->v[i] = v[i];
    return im;
}

static void test_diagnostics(void **state)
{
    (void)state;
    const float iv[4] = {1, 2, -3, 300}, mv[4] = {0, 1, 0, 1};
    vx_image *img = line_image(iv), *mask = line_image(mv);
    vx_settings s;
    vx_settings_default(&s);
    s.compat = VX_COMPAT_PYRADIOMICS;
    s.mask_label = 1;
    vx_results r;
    vx_results_init(&r);
    vx_error err;
    img->pixel_type = VX_PIXEL_INT16; /* the file's voxel type, as a reader sets it */
    assert_int_equal(vx_pyradiomics_diagnostics(img, mask, NULL, &s, &r, &err), VX_OK);
    /* hashlib.sha1(struct.pack('<4h', 1, 2, -3, 300)) and of struct.pack('<4I', 0, 1, 0, 1) */
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Image-original_Hash"),
                        "b8ea5d079679b842cdeaf4b1e7c65ec83cbaa096");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Mask-original_Hash"),
                        "b309096bd5dda881b327ea2ee932ff90289a36fc");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Image-original_Dimensionality"), "3D");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Image-original_Spacing"), "(2.0, 1.0, 1.0)");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Image-original_Size"), "(4, 1, 1)");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Image-original_Mean"), "75.0"); /* 300 / 4 */
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Image-original_Minimum"), "-3.0");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Image-original_Maximum"), "300.0");
    /* ROI: x = 1 and x = 3, not neighbours */
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Mask-original_BoundingBox"), "(1, 0, 0, 3, 1, 1)");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Mask-original_VoxelNum"), "2");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Mask-original_VolumeNum"), "2");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Mask-original_CenterOfMassIndex"), "(2.0, 0.0, 0.0)");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Mask-original_CenterOfMass"), "(14.0, 0.0, 0.0)");
    assert_null(vx_results_get_text(&r, "diagnostics_Mask-original_Mean")); /* PyRadiomics: no image there */
    assert_null(vx_results_get_text(&r, "diagnostics_Versions_PyRadiomics"));
    assert_non_null(vx_results_get_text(&r, "diagnostics_Versions_voxomics"));
    /* a voxomics settings file: its settings in PyRadiomics' terms */
    const char *cfg = vx_results_get_text(&r, "diagnostics_Configuration_Settings");
    assert_non_null(strstr(cfg, "'label': 1"));
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Configuration_EnabledImageTypes"), "{'Original': {}}");
    vx_results_free(&r);

    /* float32 voxels: hashlib.sha1(struct.pack('<4f', 1.5, 2, -3, 300)) */
    img->v[0] = 1.5f;
    img->pixel_type = VX_PIXEL_FLOAT32;
    vx_results_init(&r);
    assert_int_equal(vx_pyradiomics_diagnostics(img, mask, NULL, &s, &r, &err), VX_OK);
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Image-original_Hash"),
                        "a2699771a38ede4f29399fb2ca3d7410539cf8f1");
    vx_results_free(&r);

    /* corner neighbours are one volume (26-connectivity): (0,0,0) and (1,1,1) of a 2 x 2 x 2 mask */
    vx_geometry g;
    vx_geometry_default(&g, 2, 2, 2);
    vx_image *cube = vx_image_new(&g), *cm = vx_image_new(&g);
    cube->pixel_type = VX_PIXEL_UINT8;
    cm->v[0] = 1.0f;
    cm->v[7] = 1.0f;
    vx_results_init(&r);
    assert_int_equal(vx_pyradiomics_diagnostics(cube, cm, NULL, &s, &r, &err), VX_OK);
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Mask-original_VolumeNum"), "1");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Mask-original_BoundingBox"), "(0, 0, 0, 2, 2, 2)");
    assert_string_equal(vx_results_get_text(&r, "diagnostics_Mask-original_CenterOfMassIndex"), "(0.5, 0.5, 0.5)");
    vx_results_free(&r);

    /* a mask without the label is an error, not an empty row */
    s.mask_label = 2;
    vx_results_init(&r);
    assert_int_equal(vx_pyradiomics_diagnostics(img, mask, NULL, &s, &r, &err), VX_EEMPTY);
    vx_results_free(&r);
    vx_image_free(cube);
    vx_image_free(cm);
    vx_image_free(img);
    vx_image_free(mask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_python_float_repr),
        cmocka_unit_test(test_settings_dict),
        cmocka_unit_test(test_text_values),
        cmocka_unit_test(test_pyradiomics_items),
        cmocka_unit_test(test_diagnostics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
