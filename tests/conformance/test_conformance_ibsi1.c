/* IBSI 1 conformance: run the voxomics CLI exactly as a user would on the IBSI reference data sets and
 * compare every value of the long output with every reference row that has a value
 * ($VOXOMICS_DATA/ibsi/ibsi1/reference_values.csv), by the rule of $VOXOMICS_DATA/ibsi/README.md.
 *
 * Data sets: digital_phantom (configs/ibsi1/digital_phantom.yaml on ibsi1/digital_phantom, 482 values) and the
 * CT radiomics phantom under configurations A-E (configs/ibsi1/{A..E}.yaml on ibsi1/ct_phantom: 406, 406,
 * 270, 270 and 270 values, each including the 60 diagnostic values of the image-processing chain), and
 * configuration C once more from the DICOM version of the phantom (ibsi1/ct_phantom_dicom: the image series
 * folder and the RTSTRUCT ROI GTV-1), which must match the same 270 reference values.
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

#include "vx_test.h"

typedef struct {
    char tag[96];
    double value;
    int used;
} out_row;

static int col(char **hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(hdr[i], name))
            return i;
    return -1;
}

/* Run the CLI; read its long CSV into rows (tag -> value). */
static out_row *run_cli(const char *config, const char *image, const char *mask, size_t *n_rows)
{
    const char *build = getenv("VX_BUILD_DIR");
    const char *src = getenv("VX_SOURCE_DIR");
    assert_non_null(build);
    assert_non_null(src);
    char out[4096], cmd[16384];
    snprintf(out, sizeof out, "%s/ibsi1_out.csv", vx_test_tmpdir());
    char cfg[4096];
    if (config[0] == '/')
        snprintf(cfg, sizeof cfg, "%s", config);
    else
        snprintf(cfg, sizeof cfg, "%s/%s", src, config);
    snprintf(cmd, sizeof cmd, "'%s/voxomics' extract --config '%s' --format long -o '%s' '%s' '%s'", build, cfg, out,
             image, mask);
    int rc = system(cmd);
    if (rc != 0)
        fail_msg("command failed (%d): %s", rc, cmd);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char line[8192];
    char *fl[32];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = vx_test_csv_split(line, fl, 32);
    int c_tag = col(fl, nh, "tag"), c_val = col(fl, nh, "value");
    assert_true(c_tag >= 0 && c_val >= 0);
    size_t cap = 1024, n = 0;
    out_row *rows = malloc(cap * sizeof *rows);
    while (fgets(line, sizeof line, f)) {
        int nf = vx_test_csv_split(line, fl, 32);
        assert_true(nf > c_val);
        if (n == cap)
            rows = realloc(rows, (cap *= 2) * sizeof *rows);
        snprintf(rows[n].tag, sizeof rows[n].tag, "%s", fl[c_tag]);
        rows[n].value = strtod(fl[c_val], NULL);
        rows[n].used = 0;
        n++;
    }
    fclose(f);
    *n_rows = n;
    return rows;
}

/* Compare the CLI output with every reference row of data set `dataset` that has a value. */
static void check_dataset(const char *dataset, const char *config, const char *image, const char *mask,
                          int expected_rows)
{
    size_t n_out;
    char img[4096], msk[4096];
    snprintf(img, sizeof img, "%s", image[0] == '/' ? image : vx_test_data(image));
    snprintf(msk, sizeof msk, "%s", mask[0] == '/' ? mask : vx_test_data(mask));
    out_row *rows = run_cli(config, img, msk, &n_out);

    FILE *f = fopen(vx_test_data("ibsi/ibsi1/reference_values.csv"), "r");
    assert_non_null(f);
    char line[16384];
    char *fl[32];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = vx_test_csv_split(line, fl, 32);
    int c_ds = col(fl, nh, "dataset_id"), c_tag = col(fl, nh, "tag"), c_ref = col(fl, nh, "reference_value"),
        c_tol = col(fl, nh, "tolerance");
    assert_true(c_ds >= 0 && c_tag >= 0 && c_ref >= 0 && c_tol >= 0);
    int checked = 0, matched = 0;
    while (fgets(line, sizeof line, f)) {
        int nf = vx_test_csv_split(line, fl, 32);
        if (nf <= c_tol || strcmp(fl[c_ds], dataset) || !fl[c_ref][0])
            continue;
        double ref = strtod(fl[c_ref], NULL), tol = strtod(fl[c_tol], NULL);
        checked++;
        const out_row *hit = NULL;
        for (size_t i = 0; i < n_out; i++)
            if (!strcmp(rows[i].tag, fl[c_tag])) {
                hit = &rows[i];
                break;
            }
        if (!hit) {
            print_error("%s: %s: missing from the output (reference %g)\n", dataset, fl[c_tag], ref);
            continue;
        }
        if (vx_test_ibsi_match(hit->value, ref, tol))
            matched++;
        else
            print_error("%s: %s = %.9g, reference %g +/- %g\n", dataset, fl[c_tag], hit->value, ref, tol);
    }
    fclose(f);
    free(rows);
    print_message("%s: %d of %d reference values matched\n", dataset, matched, checked);
    assert_int_equal(checked, expected_rows);
    assert_int_equal(matched, checked);
}

static void test_digital_phantom(void **state)
{
    (void)state;
    check_dataset("digital_phantom", "configs/ibsi1/digital_phantom.yaml", "ibsi/ibsi1/digital_phantom/image.nii.gz",
                  "ibsi/ibsi1/digital_phantom/mask.nii.gz", 482);
}

/* features.slice_axis: the digital phantom with its axes permuted so that its axial slices lie perpendicular to
 * y (new axes x, z, y) or to x (new axes z, x, y), extracted with slice_axis y or x, gives every reference value
 * (the 2D and 2.5D aggregations run over the same slices). */
static void test_digital_phantom_slice_axes(void **state)
{
    (void)state;
    static const int axes[2][3] = {{0, 2, 1}, {2, 0, 1}};
    static const char *const word[2] = {"y", "x"};
    const char *tmp = vx_test_tmpdir();
    char src[4096], line[1024];
    snprintf(src, sizeof src, "%s/configs/ibsi1/digital_phantom.yaml", getenv("VX_SOURCE_DIR"));
    for (int k = 0; k < 2; k++) {
        char image[4096], mask[4096], config[4096];
        snprintf(image, sizeof image, "%s/phantom_image_%s.nii.gz", tmp, word[k]);
        snprintf(mask, sizeof mask, "%s/phantom_mask_%s.nii.gz", tmp, word[k]);
        snprintf(config, sizeof config, "%s/phantom_%s.yaml", tmp, word[k]);
        vx_test_write_permuted(vx_test_data("ibsi/ibsi1/digital_phantom/image.nii.gz"), axes[k], -1, image);
        vx_test_write_permuted(vx_test_data("ibsi/ibsi1/digital_phantom/mask.nii.gz"), axes[k], -1, mask);
        FILE *in = fopen(src, "r"), *out = fopen(config, "w");
        assert_non_null(in);
        assert_non_null(out);
        int added = 0;
        while (fgets(line, sizeof line, in)) {
            fputs(line, out);
            if (!strcmp(line, "features:\n")) {
                fprintf(out, "  slice_axis: %s\n", word[k]);
                added = 1;
            }
        }
        fclose(in);
        fclose(out);
        assert_true(added);
        check_dataset("digital_phantom", config, image, mask, 482);
    }
}

static void check_ct(const char *config_id, int expected_rows)
{
    char config[64];
    snprintf(config, sizeof config, "configs/ibsi1/%s.yaml", config_id);
    check_dataset(config_id, config, "ibsi/ibsi1/ct_phantom/image.nii.gz", "ibsi/ibsi1/ct_phantom/mask.nii.gz",
                  expected_rows);
}

static void test_ct_config_a(void **state)
{
    (void)state;
    check_ct("A", 406);
}

static void test_ct_config_b(void **state)
{
    (void)state;
    check_ct("B", 406);
}

static void test_ct_config_c(void **state)
{
    (void)state;
    check_ct("C", 270);
}

static void test_ct_config_d(void **state)
{
    (void)state;
    check_ct("D", 270);
}

static void test_ct_config_e(void **state)
{
    (void)state;
    check_ct("E", 270);
}

/* Configuration C from DICOM: image folder + RTSTRUCT_FILE:ROI_NAME, as a user would type it. */
static void test_ct_config_c_dicom(void **state)
{
    (void)state;
    check_dataset("C", "configs/ibsi1/C.yaml", "ibsi/ibsi1/ct_phantom_dicom/image",
                  "ibsi/ibsi1/ct_phantom_dicom/mask/DCM_RS_00060.dcm:GTV-1", 270);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digital_phantom), cmocka_unit_test(test_ct_config_a), cmocka_unit_test(test_ct_config_b),
        cmocka_unit_test(test_ct_config_c),     cmocka_unit_test(test_ct_config_d), cmocka_unit_test(test_ct_config_e),
        cmocka_unit_test(test_ct_config_c_dicom), cmocka_unit_test(test_digital_phantom_slice_axes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
