/* Multi-label masks through the CLI: --label N, --label all (one result set per label, named in the roi
 * column) and --largest-component.
 *
 * Reference: the IBSI digital phantom. The test image stacks two copies of the phantom along z (slices 0-3
 * and 4-7); the mask holds the phantom ROI as label 1 in the first copy and as label 2 in the second. Each
 * label must then reproduce every IBSI digital-phantom reference value except the local intensity features
 * (whose 1 cm^3 neighbourhood now reaches into the other copy), so labels cannot leak into each other.
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

#include "voxomics/voxomics.h"
#include "vx_test.h"

typedef struct {
    char roi[32], tag[96];
    double value;
} row;

static int col(char **hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(hdr[i], name))
            return i;
    return -1;
}

static row *run_cli(const char *args, const char *image, const char *mask, size_t *n_rows)
{
    const char *build = getenv("VX_BUILD_DIR"), *src = getenv("VX_SOURCE_DIR");
    assert_non_null(build);
    assert_non_null(src);
    char out[4096], cmd[16384];
    snprintf(out, sizeof out, "%s/labels_out.csv", vx_test_tmpdir());
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/ibsi1/digital_phantom.yaml' %s -o '%s' '%s' '%s' 2>/dev/null",
             build, src, args, out, image, mask);
    int rc = system(cmd);
    if (rc != 0)
        fail_msg("command failed (%d): %s", rc, cmd);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char line[8192];
    char *fl[32];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = vx_test_csv_split(line, fl, 32);
    int c_roi = col(fl, nh, "roi"), c_tag = col(fl, nh, "tag"), c_val = col(fl, nh, "value");
    assert_true(c_roi >= 0 && c_tag >= 0 && c_val >= 0);
    size_t cap = 2048, n = 0;
    row *rows = malloc(cap * sizeof *rows);
    while (fgets(line, sizeof line, f)) {
        int nf = vx_test_csv_split(line, fl, 32);
        assert_true(nf > c_val);
        if (n == cap)
            rows = realloc(rows, (cap *= 2) * sizeof *rows);
        snprintf(rows[n].roi, sizeof rows[n].roi, "%s", fl[c_roi]);
        snprintf(rows[n].tag, sizeof rows[n].tag, "%s", fl[c_tag]);
        rows[n].value = strtod(fl[c_val], NULL);
        n++;
    }
    fclose(f);
    *n_rows = n;
    return rows;
}

/* Write the stacked phantom image and its two-label mask; extra != 0 adds one isolated label-1 voxel. */
static void make_inputs(char *img_path, char *mask_path, int extra)
{
    vx_error err;
    vx_image *img = NULL, *msk = NULL;
    assert_int_equal(vx_image_read(vx_test_data("ibsi/ibsi1/digital_phantom/image.nii.gz"), &img, &err), VX_OK);
    assert_int_equal(vx_image_read(vx_test_data("ibsi/ibsi1/digital_phantom/mask.nii.gz"), &msk, &err), VX_OK);
    vx_geometry g = img->geom;
    size_t per = vx_geometry_count(&g);
    g.dims[2] *= 2;
    g.dims[0] += extra ? 4 : 0; /* room for an isolated voxel, 3 columns away */
    vx_image *big = vx_image_new(&g), *lab = vx_image_new(&g);
    for (size_t c = 0; c < 2; c++)
        for (size_t i = 0; i < per; i++) {
            size_t x = i % img->geom.dims[0], yz = i / img->geom.dims[0];
            size_t y = yz % img->geom.dims[1], z = yz / img->geom.dims[1] + c * img->geom.dims[2];
            size_t j = x + g.dims[0] * (y + g.dims[1] * z);
            big->v[j] = img->v[i];
            lab->v[j] = msk->v[i] > 0.5f ? (float)(c + 1) : 0.0f;
        }
    if (extra) {
        size_t j = (g.dims[0] - 1) + g.dims[0] * (0 + g.dims[1] * 0);
        lab->v[j] = 1.0f;
        big->v[j] = 6.0f;
    }
    snprintf(img_path, 4096, "%s/stack_%d.nii.gz", vx_test_tmpdir(), extra);
    snprintf(mask_path, 4096, "%s/labels_%d.nii.gz", vx_test_tmpdir(), extra);
    assert_int_equal(vx_nifti_write(img_path, big, 1, &err), VX_OK);
    assert_int_equal(vx_nifti_write(mask_path, lab, 1, &err), VX_OK);
    vx_image_free(img);
    vx_image_free(msk);
    vx_image_free(big);
    vx_image_free(lab);
}

/* Every digital-phantom reference row (but local intensity) matched by the rows of roi; returns the count. */
static int check_reference(const row *rows, size_t n, const char *roi)
{
    FILE *f = fopen(vx_test_data("ibsi/ibsi1/reference_values.csv"), "r");
    assert_non_null(f);
    char line[16384];
    char *fl[32];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = vx_test_csv_split(line, fl, 32);
    int c_ds = col(fl, nh, "dataset_id"), c_tag = col(fl, nh, "tag"), c_ref = col(fl, nh, "reference_value"),
        c_tol = col(fl, nh, "tolerance");
    int checked = 0;
    while (fgets(line, sizeof line, f)) {
        int nf = vx_test_csv_split(line, fl, 32);
        if (nf <= c_tol || strcmp(fl[c_ds], "digital_phantom") || !fl[c_ref][0] || !strncmp(fl[c_tag], "loc_", 4))
            continue;
        double ref = strtod(fl[c_ref], NULL), tol = strtod(fl[c_tol], NULL);
        const row *hit = NULL;
        for (size_t i = 0; i < n && !hit; i++)
            if (!strcmp(rows[i].roi, roi) && !strcmp(rows[i].tag, fl[c_tag]))
                hit = &rows[i];
        if (!hit)
            fail_msg("label %s: %s missing", roi, fl[c_tag]);
        if (!vx_test_ibsi_match(hit->value, ref, tol))
            fail_msg("label %s: %s = %.9g, reference %g +/- %g", roi, fl[c_tag], hit->value, ref, tol);
        checked++;
    }
    fclose(f);
    return checked;
}

static void test_all_labels(void **state)
{
    (void)state;
    char img[4096], mask[4096];
    make_inputs(img, mask, 0);
    size_t n = 0, n2 = 0;
    row *rows = run_cli("--label all", img, mask, &n);
    int c1 = check_reference(rows, n, "1"), c2 = check_reference(rows, n, "2");
    print_message("label 1: %d, label 2: %d reference values matched\n", c1, c2);
    assert_true(c1 > 400);
    assert_int_equal(c1, c2);
    /* --label 2 alone gives the same rows as label 2 of --label all */
    row *one = run_cli("--label 2", img, mask, &n2);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].roi, "2")) {
            assert_true(k < n2);
            assert_string_equal(one[k].roi, "2");
            assert_string_equal(one[k].tag, rows[i].tag);
            assert_memory_equal(&one[k].value, &rows[i].value, sizeof(double));
            k++;
        }
    assert_int_equal(k, n2);
    free(one);
    free(rows);
}

/* An isolated stray voxel of label 1 changes label 1's results; --largest-component removes it again. */
static void test_largest_component(void **state)
{
    (void)state;
    char img[4096], mask[4096];
    make_inputs(img, mask, 1);
    size_t n = 0;
    row *rows = run_cli("--label 1", img, mask, &n);
    double vol = NAN;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].tag, "morph_vol_approx"))
            vol = rows[i].value;
    assert_true(fabs(vol - 600.0) < 1e-9); /* 74 + 1 voxels of 8 mm^3 */
    free(rows);
    rows = run_cli("--label 1 --largest-component", img, mask, &n);
    assert_int_equal(check_reference(rows, n, "1"), check_reference(rows, n, "1"));
    free(rows);
    rows = run_cli("--label all --largest-component", img, mask, &n);
    int c1 = check_reference(rows, n, "1"), c2 = check_reference(rows, n, "2");
    assert_true(c1 > 400);
    assert_int_equal(c1, c2);
    free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_labels),
        cmocka_unit_test(test_largest_component),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
