/* voxomics tests: src/prep as a stage: vx_roi_build (crop with the margin asked for, masks, re-segmentation,
 * discretisation, IVH values, diagnostics, errors), vx_resegment and vx_ivh_values on hand-derived values, and
 * rows that carry their image type through extraction and the writers.
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

#include "voxomics/extract.h"
#include "voxomics/roi.h"
#include "vx_test.h"

static void test_resegment(void **state)
{
    (void)state;
    const float img[5] = {1, 5, 10, 20, 100};
    const uint8_t mm[5] = {1, 1, 1, 1, 1};
    uint8_t im[5];
    size_t n;
    assert_int_equal(vx_resegment(img, mm, 5, 2.0, 50.0, 0.0, im, &n, NULL), VX_OK);
    const uint8_t e1[5] = {0, 1, 1, 1, 0};
    assert_memory_equal(im, e1, 5);
    assert_int_equal(n, 3);
    /* open bounds (NaN) and a voxel outside the morphological mask */
    const uint8_t mm2[5] = {1, 0, 1, 1, 1};
    assert_int_equal(vx_resegment(img, mm2, 5, NAN, 15.0, 0.0, im, &n, NULL), VX_OK);
    const uint8_t e2[5] = {1, 0, 1, 0, 0};
    assert_memory_equal(im, e2, 5);
    /* outliers: {0, 0, 0, 0, 10}: mean 2, population sd sqrt((4 * 4 + 64) / 5) = 4; 1 sigma keeps [-2, 6] */
    const float o[5] = {0, 0, 0, 0, 10};
    assert_int_equal(vx_resegment(o, mm, 5, NAN, NAN, 1.0, im, &n, NULL), VX_OK);
    const uint8_t e3[5] = {1, 1, 1, 1, 0};
    assert_memory_equal(im, e3, 5);
    assert_int_equal(n, 4);
    /* 2 sigma keeps [-6, 10]: all */
    assert_int_equal(vx_resegment(o, mm, 5, NAN, NAN, 2.0, im, &n, NULL), VX_OK);
    assert_int_equal(n, 5);
    vx_error err;
    assert_int_equal(vx_resegment(img, mm, 5, 200.0, 300.0, 0.0, im, &n, &err), VX_EEMPTY);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err.msg, "widen the range"));
}

static void test_ivh_values(void **state)
{
    (void)state;
    const float img[4] = {1.0f, 3.5f, 6.25f, 99.0f};
    const uint8_t m[4] = {1, 1, 1, 0};
    double ivh[4] = {-7, -7, -7, -7}, lo, hi, w;
    /* fixed bin size 2.5 from the ROI minimum 1: g = 1, 2, 3; bin centres 1 + (g - 0.5) 2.5 */
    vx_discretisation d = {VX_DISC_FBS, 2.5, 0, NAN};
    assert_int_equal(vx_ivh_values(img, m, 4, &d, NAN, NAN, ivh, &lo, &hi, &w, NULL), VX_OK);
    assert_true(ivh[0] == 2.25 && ivh[1] == 4.75 && ivh[2] == 7.25 && ivh[3] == -7);
    assert_true(lo == 2.25 && hi == 7.25 && w == 2.5);
    /* with an upper re-segmentation bound 10: the range ends at the centre of the bin below it,
     * 1 + (ceil(9 / 2.5) - 0.5) 2.5 = 9.75 */
    assert_int_equal(vx_ivh_values(img, m, 4, &d, NAN, 10.0, ivh, &lo, &hi, &w, NULL), VX_OK);
    assert_true(lo == 2.25 && hi == 9.75);
    /* fixed bin number 4 over [1, 6.25]: g = floor(4 (x - 1) / 5.25) + 1 = 1, 2, 4 */
    d = (vx_discretisation){VX_DISC_FBN, 0.0, 4, NAN};
    assert_int_equal(vx_ivh_values(img, m, 4, &d, NAN, NAN, ivh, &lo, &hi, &w, NULL), VX_OK);
    assert_true(ivh[0] == 1 && ivh[1] == 2 && ivh[2] == 4 && lo == 1 && hi == 4 && w == 1);
    /* none: the intensities, the range from the re-segmentation bounds where set */
    d = (vx_discretisation){VX_DISC_NONE, 0.0, 0, NAN};
    assert_int_equal(vx_ivh_values(img, m, 4, &d, 0.0, NAN, ivh, &lo, &hi, &w, NULL), VX_OK);
    assert_true(ivh[1] == 3.5 && lo == 0.0 && hi == 6.25 && w == 1);
}

/* 6 x 5 x 4 image v = x + 10 y + 100 z + 1, mask: x in 2..3, y in 1..2, z = 1 (intensities 113, 114, 123, 124) */
static void make_case(vx_image **img, vx_image **mask)
{
    vx_geometry g;
    vx_geometry_default(&g, 6, 5, 4);
    *img = vx_image_new(&g);
    *mask = vx_image_new(&g);
    for (size_t z = 0; z < 4; z++)
        for (size_t y = 0; y < 5; y++)
            for (size_t x = 0; x < 6; x++) {
                size_t i = x + 6 * (y + 5 * z);
                (*img)->v[i] = (float)(x + 10 * y + 100 * z + 1);
                (*mask)->v[i] = (x >= 2 && x <= 3 && y >= 1 && y <= 2 && z == 1) ? 1.0f : 0.0f;
            }
}

static void test_roi_build(void **state)
{
    (void)state;
    vx_image *img, *mask;
    make_case(&img, &mask);
    vx_settings s;
    vx_settings_default(&s);
    vx_roi r;
    vx_roi_diag dg;
    vx_error err;
    /* no margin: one voxel around the ROI box (ceil(0) + 1), within the grid */
    vx_roi_request req = {0.0};
    assert_int_equal(vx_roi_build(img, mask, &s, &req, &r, &dg, &err), VX_OK);
    const size_t dims[3] = {4, 4, 3}, blo[3] = {1, 1, 1}, bhi[3] = {3, 3, 2};
    for (int a = 0; a < 3; a++) {
        assert_int_equal(r.dims[a], dims[a]);
        assert_int_equal(r.box_lo[a], blo[a]);
        assert_int_equal(r.box_hi[a], bhi[a]);
        assert_true(r.spacing[a] == 1.0);
    }
    assert_int_equal(r.n_mmask, 4);
    assert_int_equal(r.n_imask, 4);
    /* the crop starts at (1, 0, 0): local (1, 1, 1) is global (2, 1, 1) = 113 */
    assert_true(r.img[1 + 4 * (1 + 4 * 1)] == 113.0f);
    assert_true(r.img[0] == 1.0f + 1.0f); /* global (1, 0, 0) */
    assert_int_equal(r.mmask[1 + 4 * (1 + 4 * 1)], 1);
    assert_int_equal(r.mmask[0], 0);
    /* discretisation none: grey levels are the intensities, Ng the highest */
    assert_int_equal(r.grey[1 + 4 * (1 + 4 * 1)], 113);
    assert_int_equal(r.n_grey, 124);
    assert_true(r.ivh_min == 113.0 && r.ivh_max == 124.0 && r.ivh_bin_width == 1.0);
    assert_null(r.fft);
    /* diagnostics: input grid, whole-image mean 2.5 + 10 * 2 + 100 * 1.5 + 1 = 173.5, the ROI stages */
    assert_int_equal(dg.init_grid.dims[0], 6);
    assert_int_equal(dg.interp_grid.dims[2], 4);
    assert_int_equal(dg.init_img.n, 120);
    assert_true(dg.init_img.sum / 120.0 == 173.5 && dg.interp_img.sum / 120.0 == 173.5);
    assert_true(dg.init_img.min == 1.0 && dg.init_img.max == 5.0 + 40.0 + 300.0 + 1.0);
    assert_int_equal(dg.init_roi.n_int, 4);
    assert_int_equal(dg.reseg_roi.n_int, 4);
    assert_int_equal(dg.init_roi.int_bb[0], 2);
    assert_int_equal(dg.init_roi.int_bb[2], 1);
    assert_true(dg.reseg_roi.in.min == 113.0 && dg.reseg_roi.in.max == 124.0);
    vx_roi_free(&r);
    assert_null(r.img);
    vx_roi_free(&r); /* twice: fine */

    /* a 2.5 mm margin: ceil(2.5) + 1 = 4 voxels, clipped to the grid: the whole image */
    req.margin_mm = 2.5;
    assert_int_equal(vx_roi_build(img, mask, &s, &req, &r, NULL, &err), VX_OK);
    assert_int_equal(r.dims[0], 6);
    assert_int_equal(r.dims[1], 5);
    assert_int_equal(r.dims[2], 4);
    assert_int_equal(r.box_lo[0], 2);
    assert_int_equal(r.box_hi[1], 3);
    vx_roi_free(&r);

    /* re-segmentation [115, 200]: the intensity mask keeps 123 and 124, the morphological mask all four; IVH
     * range from the re-segmentation bounds */
    s.reseg_min = 115.0;
    s.reseg_max = 200.0;
    assert_int_equal(vx_roi_build(img, mask, &s, NULL, &r, &dg, &err), VX_OK);
    assert_int_equal(r.n_mmask, 4);
    assert_int_equal(r.n_imask, 2);
    assert_int_equal(r.imask[1 + 4 * (1 + 4 * 1)], 0);
    assert_int_equal(r.grey[1 + 4 * (1 + 4 * 1)], 0);
    assert_true(r.ivh_min == 115.0 && r.ivh_max == 200.0);
    assert_int_equal(dg.reseg_roi.n_int, 2);
    assert_int_equal(dg.reseg_roi.n_morph, 4);
    assert_int_equal(dg.reseg_roi.int_bb[0], 2);
    assert_int_equal(dg.reseg_roi.int_bb[1], 1);
    vx_roi_free(&r);

    /* errors leave no array behind */
    s.reseg_min = 500.0;
    s.reseg_max = 600.0;
    assert_int_equal(vx_roi_build(img, mask, &s, NULL, &r, NULL, &err), VX_EEMPTY);
    assert_non_null(strstr(err.msg, "re-segmentation left no voxel"));
    assert_null(r.img);
    vx_settings_default(&s);
    img->v[2 + 6 * (1 + 5 * 1)] = NAN;
    assert_int_equal(vx_roi_build(img, mask, &s, NULL, &r, NULL, &err), VX_ENAN);
    assert_null(r.img);
    for (size_t i = 0; i < 120; i++)
        mask->v[i] = 0.0f;
    assert_int_equal(vx_roi_build(img, mask, &s, NULL, &r, NULL, &err), VX_EEMPTY);
    assert_non_null(strstr(err.msg, "empty"));
    vx_roi_free(&r);
    vx_image_free(img);
    vx_image_free(mask);
}

static void test_rows_carry_image_type(void **state)
{
    (void)state;
    vx_image *img, *mask;
    make_case(&img, &mask);
    vx_settings s;
    vx_settings_default(&s);
    s.diagnostics = 1;
    s.features.families = (1u << VX_FAM_STAT) | (1u << VX_FAM_GLCM);
    vx_results res;
    vx_results_init(&res);
    vx_error err;
    if (vx_extract(img, mask, &s, &res, &err) != VX_OK)
        fail_msg("%s", err.msg);
    assert_true(res.n > 0 && res.n_diag > 0);
    for (size_t i = 0; i < res.n; i++)
        assert_int_equal(res.rows[i].image_type, VX_IMAGE_ORIGINAL);
    for (size_t i = 0; i < res.n_diag; i++)
        assert_int_equal(res.diag[i].image_type, VX_IMAGE_ORIGINAL);
    /* the writers take the image type from the rows */
    char path[4096];
    snprintf(path, sizeof path, "%s/roi_long.csv", vx_test_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(vx_results_write_long(f, "c1", "", &res, NULL, 1), VX_OK);
    fclose(f);
    f = fopen(path, "r");
    char line[2048];
    size_t rows = 0;
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        assert_int_equal(strncmp(line, "c1,,original,", 13), 0);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, res.n + res.n_diag);
    snprintf(path, sizeof path, "%s/roi_wide.csv", vx_test_tmpdir());
    f = fopen(path, "w");
    assert_int_equal(vx_results_write_wide(f, "c1", "", &res, NULL, 1), VX_OK);
    fclose(f);
    f = fopen(path, "r");
    char *big = malloc(1 << 16);
    assert_non_null(fgets(big, 1 << 16, f));
    assert_int_equal(strncmp(big, "case,roi,image_type,", 20), 0);
    assert_null(strstr(big, "original_")); /* one image type: plain tags */
    assert_non_null(fgets(big, 1 << 16, f));
    assert_int_equal(strncmp(big, "c1,,original,", 13), 0);
    free(big);
    fclose(f);
    /* PyRadiomics names from the row's image type */
    char name[128];
    for (size_t i = 0; i < res.n; i++)
        if (res.rows[i].feature == VX_F_STAT_MEAN) {
            assert_int_equal(vx_feature_pyradiomics_column(vx_results_image_type_name(&res, res.rows[i].image_type),
                                                           res.rows[i].feature, res.rows[i].agg, name, sizeof name),
                             0);
            assert_string_equal(name, "original_firstorder_Mean");
        }
    assert_int_equal(vx_feature_pyradiomics_column(NULL, VX_F_STAT_MEAN, VX_AGG_NONE, name, sizeof name), -1);
    assert_int_equal(vx_feature_pyradiomics_column("", VX_F_STAT_MEAN, VX_AGG_NONE, name, sizeof name), -1);
    /* vx_results_add stamps the results' current image type */
    vx_results r2;
    vx_results_init(&r2);
    assert_int_equal(r2.image_type, VX_IMAGE_ORIGINAL);
    assert_int_equal(vx_results_add(&r2, VX_F_STAT_MEAN, VX_AGG_NONE, 1.0), VX_OK);
    assert_int_equal(r2.rows[0].image_type, VX_IMAGE_ORIGINAL);
    /* named image types: indices in order of first use, "original" always 0, names checked */
    assert_string_equal(vx_results_image_type_name(&r2, VX_IMAGE_ORIGINAL), "original");
    assert_string_equal(vx_results_image_type_name(&r2, 1), "?");
    assert_int_equal(vx_results_set_image_type(&r2, "log_s3.0mm_3D"), VX_OK);
    assert_int_equal(r2.image_type, 1);
    assert_int_equal(vx_results_add(&r2, VX_F_STAT_MEAN, VX_AGG_NONE, 2.0), VX_OK);
    assert_int_equal(vx_results_set_image_type(&r2, "wav_coif1_LLH_l1_3D"), VX_OK);
    assert_int_equal(r2.image_type, 2);
    assert_int_equal(vx_results_set_image_type(&r2, "log_s3.0mm_3D"), VX_OK);
    assert_int_equal(r2.image_type, 1);
    assert_int_equal(vx_results_set_image_type(&r2, "original"), VX_OK);
    assert_int_equal(r2.image_type, VX_IMAGE_ORIGINAL);
    assert_int_equal(vx_results_image_type_count(&r2), 3);
    assert_string_equal(vx_results_image_type_name(&r2, 2), "wav_coif1_LLH_l1_3D");
    assert_int_equal(r2.rows[1].image_type, 1);
    assert_int_equal(vx_results_set_image_type(&r2, "a,b"), VX_EINVAL);
    assert_int_equal(vx_results_set_image_type(&r2, "a b"), VX_EINVAL);
    assert_int_equal(vx_results_set_image_type(&r2, ""), VX_EINVAL);
    vx_results_free(&r2);
    vx_results_free(&res);
    vx_image_free(img);
    vx_image_free(mask);
}

/* Filtered image types: the families run on each response map on the ROI box plus the filter's reach, which
 * must give the values of filtering the whole image (here the mean, minimum and maximum of the map in the ROI,
 * computed from vx_filter_image), for every padding mode and a ROI near the border; the rows carry the image
 * types in the settings' order; any thread count gives the same rows bit for bit. */
static void test_filtered_image_types(void **state)
{
    (void)state;
    vx_synth_params p;
    vx_synth_default(&p);
    p.dims[0] = 40, p.dims[1] = 36, p.dims[2] = 30;
    p.lesion_radius_mm = 7.0;
    vx_image *img, *mask;
    vx_error err;
    assert_int_equal(vx_synth_ct(&p, &img, &mask, &err), VX_OK);
    /* move the lesion towards a corner: the reach then crosses the border there */
    vx_image *shifted = vx_image_copy(mask);
    const size_t nx = p.dims[0], ny = p.dims[1], nz = p.dims[2];
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++)
                shifted->v[x + nx * (y + ny * z)] =
                    x + 14 < nx && y + 12 < ny ? mask->v[(x + 14) + nx * ((y + 12) + ny * z)] : 0.0f;
    vx_settings *s = malloc(sizeof *s);
    vx_settings_default(s);
    s->features.families = (1u << VX_FAM_STAT) | (1u << VX_FAM_GLCM) | (1u << VX_FAM_MORPH);
    s->texture_disc = (vx_discretisation){VX_DISC_FBN, 0.0, 16, NAN};
    const vx_pad_mode pads[] = {VX_PAD_CONSTANT, VX_PAD_NEAREST, VX_PAD_PERIODIC, VX_PAD_MIRROR};
    vx_filter_spec f[4];
    for (int i = 0; i < 4; i++)
        vx_filter_spec_init(&f[i]);
    f[0].kind = VX_FILTER_LOG, f[0].sigma_mm = 2.0;
    f[1].kind = VX_FILTER_MEAN, f[1].support = 5, f[1].dim = 2;
    f[2].kind = VX_FILTER_WAVELET, f[2].level = 2;
    snprintf(f[2].wavelet, sizeof f[2].wavelet, "coif1");
    snprintf(f[2].subband, sizeof f[2].subband, "HLH");
    f[3].kind = VX_FILTER_LAWS, f[3].energy_delta = 2;
    snprintf(f[3].laws, sizeof f[3].laws, "L5E5S5");
    for (int m = 0; m < 4; m++) {
        s->n_filters = 4;
        for (int i = 0; i < 4; i++) {
            s->filters[i] = (vx_image_type_settings){.filter = f[i]};
            s->filters[i].filter.pad = pads[m];
            assert_int_equal(vx_filter_image_type(&s->filters[i].filter, s->filters[i].name, 64), 0);
        }
        vx_results r1, r3;
        vx_results_init(&r1);
        vx_results_init(&r3);
        s->features.threads = 1;
        if (vx_extract(img, shifted, s, &r1, &err) != VX_OK)
            fail_msg("%s", err.msg);
        s->features.threads = 3;
        assert_int_equal(vx_extract(img, shifted, s, &r3, &err), VX_OK);
        vx_test_assert_results_identical(&r1, &r3);
        assert_int_equal(vx_results_image_type_count(&r1), 5);
        for (int i = 0; i < 4; i++) {
            assert_string_equal(vx_results_image_type_name(&r1, (vx_image_type)(i + 1)), s->filters[i].name);
            /* the whole image filtered, then the statistics of the map in the ROI */
            vx_image *map = NULL;
            assert_int_equal(vx_filter_image(NULL, &s->filters[i].filter, img, &map, &err), VX_OK);
            double sum = 0.0, lo = INFINITY, hi = -INFINITY;
            size_t cnt = 0;
            for (size_t k = 0; k < nx * ny * nz; k++)
                if (shifted->v[k] >= 0.5f) {
                    sum += map->v[k];
                    lo = fmin(lo, map->v[k]);
                    hi = fmax(hi, map->v[k]);
                    cnt++;
                }
            vx_image_free(map);
            double mean = NAN, mn = NAN, mx = NAN;
            int morph = 0;
            for (size_t k = 0; k < r1.n; k++) {
                if (r1.rows[k].image_type != (vx_image_type)(i + 1))
                    continue;
                morph |= vx_feature_family(r1.rows[k].feature) == VX_FAM_MORPH;
                if (r1.rows[k].feature == VX_F_STAT_MEAN)
                    mean = r1.rows[k].value;
                else if (r1.rows[k].feature == VX_F_STAT_MIN)
                    mn = r1.rows[k].value;
                else if (r1.rows[k].feature == VX_F_STAT_MAX)
                    mx = r1.rows[k].value;
            }
            assert_false(morph); /* morphology once, on the original image type */
            vx_assert_near(mean, sum / (double)cnt, 1e-9 * (1.0 + fabs(mean)));
            assert_true(mn == lo && mx == hi);
        }
        vx_results_free(&r1);
        vx_results_free(&r3);
    }
    free(s);
    vx_image_free(shifted);
    vx_image_free(img);
    vx_image_free(mask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resegment),
        cmocka_unit_test(test_ivh_values),
        cmocka_unit_test(test_roi_build),
        cmocka_unit_test(test_rows_carry_image_type),
        cmocka_unit_test(test_filtered_image_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
