/* The two library entry points of the Python package: vx_settings_load_text (settings from text in memory, a
 * voxomics YAML or a PyRadiomics parameter document) and vx_case_run_images (one case on images in memory).
 * References: the IBSI 1 digital phantom's reference values ($VOXOMICS_DATA/ibsi/ibsi1/reference_values.csv),
 * and the file-based entry points (vx_settings_load, vx_case_run), which the text/memory ones must equal.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/cohort.h"
#include "voxomics/io.h"
#include "voxomics/settings.h"
#include "vx_test.h"

static const char *src_path(const char *rel)
{
    static char buf[4096];
    const char *src = getenv("VX_SOURCE_DIR");
    snprintf(buf, sizeof buf, "%s/%s", src ? src : ".", rel);
    return buf;
}

/* The same settings from a file and from its text: equal canonical hashes; errors name the text's name. */
static void test_load_text(void **state)
{
    (void)state;
    const char *files[] = {"configs/ibsi1/digital_phantom.yaml", "configs/ibsi1/C.yaml"};
    for (size_t i = 0; i < 2; i++) {
        vx_error err;
        vx_settings a, b;
        vx_settings_default(&a);
        vx_settings_default(&b);
        assert_int_equal(vx_settings_load(src_path(files[i]), &a, &err), VX_OK);
        size_t n;
        char *text = vx_test_slurp(src_path(files[i]), &n);
        assert_non_null(text);
        assert_int_equal(vx_settings_load_text(text, n, "dict", &b, &err), VX_OK);
        free(text);
        char ha[65], hb[65];
        vx_settings_hash(&a, ha);
        vx_settings_hash(&b, hb);
        assert_string_equal(ha, hb);
    }
    vx_error err;
    vx_settings s;
    vx_settings_default(&s);
    const char *bad = "features:\n  famlies: all\n";
    assert_int_equal(vx_settings_load_text(bad, strlen(bad), "settings dict", &s, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "settings dict:2: features.famlies"));
    const char *syntax = "a: [1, 2\n";
    assert_int_equal(vx_settings_load_text(syntax, strlen(syntax), NULL, &s, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "settings:"));
    /* a PyRadiomics parameter document: PyRadiomics' defaults (label 1, compat pyradiomics) and its keys */
    const char *pyr = "imageType:\n  Original: {}\nsetting:\n  binWidth: 10\n  label: 2\n";
    vx_settings_default(&s);
    assert_int_equal(vx_settings_load_text(pyr, strlen(pyr), "params", &s, &err), VX_OK);
    assert_int_equal(s.compat, VX_COMPAT_PYRADIOMICS);
    assert_int_equal(s.mask_label, 2);
    assert_true(fabs(s.texture_disc.bin_width - 10.0) < 1e-12);
}

static double value_of(const vx_results *res, const char *tag)
{
    char buf[128];
    for (size_t i = 0; i < res->n; i++) {
        vx_feature_tag(res->rows[i].feature, res->rows[i].agg, buf, sizeof buf);
        if (!strcmp(buf, tag))
            return res->rows[i].value;
    }
    return NAN;
}

/* The digital phantom in memory: the values of vx_case_run on its files, bit for bit, and so the IBSI
 * reference values (a sample of them is checked here; tests/python checks all 482 through this function). */
static void test_case_run_images(void **state)
{
    (void)state;
    vx_error err;
    vx_settings s;
    vx_settings_default(&s);
    assert_int_equal(vx_settings_load(src_path("configs/ibsi1/digital_phantom.yaml"), &s, &err), VX_OK);
    char img_path[4096], mask_path[4096];
    snprintf(img_path, sizeof img_path, "%s", vx_test_data("ibsi/ibsi1/digital_phantom/image.nii.gz"));
    snprintf(mask_path, sizeof mask_path, "%s", vx_test_data("ibsi/ibsi1/digital_phantom/mask.nii.gz"));
    vx_image *img = NULL, *mask = NULL;
    assert_int_equal(vx_image_read(img_path, &img, &err), VX_OK);
    assert_int_equal(vx_image_read(mask_path, &mask, &err), VX_OK);
    vx_case_result a, b;
    vx_case_spec spec = {"phantom", img_path, mask_path, NULL};
    assert_int_equal(vx_case_run(&spec, &s, NULL, &a), VX_OK);
    assert_int_equal(vx_case_run_images(img, mask, NULL, &s, NULL, &b), VX_OK);
    assert_int_equal(a.n_regions, 1);
    assert_int_equal(b.n_regions, 1);
    assert_int_equal(a.regions[0].res.n, b.regions[0].res.n);
    for (size_t i = 0; i < a.regions[0].res.n; i++) {
        const vx_result_row *x = &a.regions[0].res.rows[i], *y = &b.regions[0].res.rows[i];
        assert_int_equal(x->feature, y->feature);
        assert_true(memcmp(&x->value, &y->value, sizeof x->value) == 0);
    }
    assert_string_equal(b.image_sha256, "");
    /* IBSI 1 reference values of the digital phantom (reference_values.csv) */
    assert_true(vx_test_ibsi_match(value_of(&b.regions[0].res, "morph_volume"), 556, 4));
    assert_true(vx_test_ibsi_match(value_of(&b.regions[0].res, "stat_mean"), 2.15, 0));
    assert_true(vx_test_ibsi_match(value_of(&b.regions[0].res, "cm_joint_max_3D_avg"), 0.503, 0));
    vx_case_result_free(&a);
    vx_case_result_free(&b);

    /* label "all": one region per label; a label that is not a number fails */
    assert_int_equal(vx_case_run_images(img, mask, "all", &s, NULL, &b), VX_OK);
    assert_int_equal(b.n_regions, 1);
    assert_string_equal(b.regions[0].roi, "1");
    vx_case_result_free(&b);
    assert_int_equal(vx_case_run_images(img, mask, "x", &s, NULL, &b), VX_EINVAL);
    assert_non_null(strstr(b.error, "label 'x'"));
    vx_case_result_free(&b);

    /* a mask on another grid: an error naming both grids, or resampled onto the image grid when asked */
    mask->geom.origin[0] += 2.0; /* one voxel (2 mm) along x */
    assert_int_equal(vx_case_run_images(img, mask, NULL, &s, NULL, &b), VX_EGEOMETRY);
    assert_non_null(strstr(b.error, "mask"));
    assert_null(b.regions);
    vx_case_result_free(&b);
    vx_case_options o;
    vx_case_options_default(&o);
    o.resample_mask = 1;
    assert_int_equal(vx_case_run_images(img, mask, NULL, &s, &o, &b), VX_OK);
    assert_non_null(strstr(b.note, "resampled"));
    vx_case_result_free(&b);

    /* not a mask (the image as its own mask: values above 1 that a label image would not hold are fine, so
     * use a negative value) */
    mask->geom.origin[0] -= 2.0;
    mask->v[0] = -1.0f;
    assert_int_equal(vx_case_run_images(img, mask, NULL, &s, NULL, &b), VX_EFORMAT);
    vx_case_result_free(&b);
    vx_image_free(img);
    vx_image_free(mask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_text),
        cmocka_unit_test(test_case_run_images),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
