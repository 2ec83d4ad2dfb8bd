/* Every supported DICOM transfer syntax, end to end: each folder of tests/data/dicom/ts (written by
 * scripts/make_dicom_testdata.py with pydicom and GDCM's gdcmconv, not by voxomics) is read as a series and
 * must give the voxels GDCM/pydicom decode (expected.raw, float32 after rescale, slices in position order)
 * and the geometry in expected.json, exactly. File names and instance numbers are shuffled against the
 * positions in every folder.
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

/* Up to n numbers of the JSON array "key": [a, b, c]. */
static size_t json_nums(const char *json, const char *key, double *v, size_t n)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    const char *p = strstr(json, pat);
    assert_non_null(p);
    p = strchr(p, '[');
    assert_non_null(p);
    size_t k = 0;
    while (k < n) {
        p++;
        char *end;
        v[k] = strtod(p, &end);
        if (end == p)
            break;
        k++;
        p = end;
        while (*p == ' ' || *p == '\n')
            p++;
        if (*p != ',')
            break;
    }
    return k;
}

static void json_str(const char *json, const char *key, char *out, size_t n)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(json, pat);
    assert_non_null(p);
    p += strlen(pat);
    size_t k = 0;
    while (p[k] && p[k] != '"' && k + 1 < n) {
        out[k] = p[k];
        k++;
    }
    out[k] = '\0';
}

static void check_folder(const char *name)
{
    const char *src = getenv("VX_SOURCE_DIR");
    assert_non_null(src);
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/tests/data/dicom/ts/%s", src, name);
    size_t n;
    snprintf(path, sizeof path, "%s/expected.json", dir);
    char *json = vx_test_slurp(path, &n);
    if (!json)
        fail_msg("cannot open %s", path);
    double dims[3], spacing[3], origin[3], dir9[9];
    assert_int_equal(json_nums(json, "dims", dims, 3), 3);
    assert_int_equal(json_nums(json, "spacing", spacing, 3), 3);
    assert_int_equal(json_nums(json, "origin", origin, 3), 3);
    assert_int_equal(json_nums(json, "direction", dir9, 9), 9);
    char ts[80];
    json_str(json, "transfer_syntax", ts, sizeof ts);
    free(json);

    vx_image *img = NULL;
    vx_dicom_info info;
    vx_error err;
    int rc = vx_dicom_read(dir, NULL, &img, &info, &err);
    if (rc != VX_OK)
        fail_msg("%s: %s", name, err.msg);
    assert_string_equal(info.transfer_syntax, ts);
    const vx_geometry *g = &img->geom;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(g->dims[i], (size_t)dims[i]);
        assert_true(fabs(g->spacing[i] - spacing[i]) < 1e-9);
        assert_true(fabs(g->origin[i] - origin[i]) < 1e-9);
    }
    for (int i = 0; i < 9; i++)
        assert_true(fabs(g->direction[i] - dir9[i]) < 1e-12);
    snprintf(path, sizeof path, "%s/expected.raw", dir);
    char *raw = vx_test_slurp(path, &n);
    if (!raw)
        fail_msg("cannot open %s", path);
    size_t nv = vx_geometry_count(g);
    assert_int_equal(n, nv * sizeof(float));
    size_t diff = 0;
    for (size_t i = 0; i < nv; i++) {
        float want;
        memcpy(&want, raw + 4 * i, 4);
        diff += img->v[i] != want;
    }
    if (diff)
        fail_msg("%s (%s): %zu of %zu voxels differ from the reference decoding", name, ts, diff, nv);
    print_message("%-18s %-24s %zux%zux%zu voxels identical\n", name, ts, g->dims[0], g->dims[1], g->dims[2]);
    free(raw);
    vx_image_free(img);
}

#define TS_TEST(n)                                                                                                   \
    static void test_##n(void **state)                                                                               \
    {                                                                                                                \
        (void)state;                                                                                                 \
        check_folder(#n);                                                                                            \
    }
TS_TEST(implicit_le)
TS_TEST(explicit_le)
TS_TEST(explicit_be)
TS_TEST(deflate)
TS_TEST(rle)
TS_TEST(jpeg_baseline)
TS_TEST(jpeg_extended12)
TS_TEST(jpeg_lossless14)
TS_TEST(jpeg_lossless_sv1)
TS_TEST(jpegls_lossless)
TS_TEST(jpegls_near)
TS_TEST(j2k_lossless)
TS_TEST(j2k_lossy)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_implicit_le),       cmocka_unit_test(test_explicit_le),
        cmocka_unit_test(test_explicit_be),       cmocka_unit_test(test_deflate),
        cmocka_unit_test(test_rle),               cmocka_unit_test(test_jpeg_baseline),
        cmocka_unit_test(test_jpeg_extended12),   cmocka_unit_test(test_jpeg_lossless14),
        cmocka_unit_test(test_jpeg_lossless_sv1), cmocka_unit_test(test_jpegls_lossless),
        cmocka_unit_test(test_jpegls_near),       cmocka_unit_test(test_j2k_lossless),
        cmocka_unit_test(test_j2k_lossy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
