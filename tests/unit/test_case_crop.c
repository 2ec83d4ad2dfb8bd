/* A case's memory: vx_case_run on files crops the image and mask to the ROI box plus margin and frees them once
 * the ROI is built; the IVH family computes each voxel's IVH value from its intensity. References: the whole
 * image in memory (vx_case_run_images, which neither crops nor frees), bit for bit; the IVH values stored by
 * vx_ivh_values; the voxels written (vx_nifti_write_as read back by the NIfTI reader).
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

#include "cohort/crop.h"
#include "feature/firstorder.h"
#include "voxomics/cohort.h"
#include "voxomics/io.h"
#include "voxomics/roi.h"
#include "voxomics/settings.h"
#include "vx_test.h"

/* A synthetic CT case (integer HU) whose lesion reaches the image border along x (off centre), with a second
 * label on part of it; written as int16 / uint8 NIfTI into the temporary folder. */
static void make_case(vx_image **img, vx_image **mask, char *ip, char *mp, size_t len)
{
    vx_synth_params p;
    vx_synth_default(&p);
    p.dims[0] = 40;
    p.dims[1] = 36;
    p.dims[2] = 30;
    p.lesion_radius_mm = 9.0;
    p.lobulation = 0.2;
    vx_error err;
    assert_int_equal(vx_synth_ct(&p, img, mask, &err), VX_OK);
    vx_image *m = *mask;
    const size_t nx = m->geom.dims[0], ny = m->geom.dims[1], nz = m->geom.dims[2];
    /* shift the lesion 12 voxels towards x = 0 (cut by the border) and label its upper half 2 */
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++) {
                const size_t k = x + nx * (y + ny * z);
                m->v[k] = x + 12 < nx ? m->v[k + 12] : 0.0f;
                if (m->v[k] > 0.0f && z > nz / 2)
                    m->v[k] = 2.0f;
            }
    (*img)->geom.origin[0] = -7.5;
    (*img)->geom.origin[2] = 3.25;
    m->geom = (*img)->geom;
    snprintf(ip, len, "%s/crop_image.nii.gz", vx_test_tmpdir());
    snprintf(mp, len, "%s/crop_mask.nii.gz", vx_test_tmpdir());
    assert_int_equal(vx_nifti_write_as(ip, *img, 1, VX_PIXEL_INT16, &err), VX_OK);
    assert_int_equal(vx_nifti_write_as(mp, m, 1, VX_PIXEL_UINT8, &err), VX_OK);
}

static void assert_same_results(const vx_case_result *a, const vx_case_result *b)
{
    assert_null(a->error);
    assert_null(b->error);
    assert_int_equal(a->n_regions, b->n_regions);
    for (size_t r = 0; r < a->n_regions; r++) {
        const vx_results *x = &a->regions[r].res, *y = &b->regions[r].res;
        assert_string_equal(a->regions[r].roi, b->regions[r].roi);
        assert_int_equal(x->n, y->n);
        for (size_t i = 0; i < x->n; i++) {
            assert_int_equal(x->rows[i].feature, y->rows[i].feature);
            assert_int_equal(x->rows[i].agg, y->rows[i].agg);
            assert_true(memcmp(&x->rows[i].value, &y->rows[i].value, sizeof(double)) == 0);
        }
    }
}

/* vx_nifti_write_as: the voxels and types read back; values a type cannot hold are refused. */
static void test_write_as(void **state)
{
    (void)state;
    vx_image *img, *mask, *a = NULL, *b = NULL;
    char ip[4096], mp[4096];
    make_case(&img, &mask, ip, mp, sizeof ip);
    vx_error err;
    assert_int_equal(vx_image_read(ip, &a, &err), VX_OK);
    assert_int_equal(vx_image_read(mp, &b, &err), VX_OK);
    assert_int_equal(a->pixel_type, VX_PIXEL_INT16);
    assert_int_equal(b->pixel_type, VX_PIXEL_UINT8);
    const size_t n = vx_geometry_count(&img->geom);
    for (size_t k = 0; k < n; k++)
        if (a->v[k] != img->v[k] || b->v[k] != mask->v[k])
            fail_msg("voxel %zu: %g %g read back as %g %g", k, img->v[k], mask->v[k], a->v[k], b->v[k]);
    assert_true(vx_geometry_same(&a->geom, &img->geom, 1e-6));
    img->v[5] = 0.5f;
    assert_int_equal(vx_nifti_write_as(ip, img, 1, VX_PIXEL_INT16, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "voxel 5 holds 0.5"));
    img->v[5] = 40000.0f;
    assert_int_equal(vx_nifti_write_as(ip, img, 2, VX_PIXEL_INT16, &err), VX_EINVAL);
    assert_int_equal(vx_nifti_write_as(ip, img, 1, VX_PIXEL_UINT16, &err), VX_EUNSUPPORTED);
    vx_image_free(a);
    vx_image_free(b);
    vx_image_free(img);
    vx_image_free(mask);
}

/* vxc_crop_case: the part of the grid around the mask's box with the geometry of that part; no crop where the
 * features read beyond the box. */
static void test_crop_box(void **state)
{
    (void)state;
    vx_image *img, *mask;
    char ip[4096], mp[4096];
    make_case(&img, &mask, ip, mp, sizeof ip);
    vx_settings s;
    vx_settings_default(&s);
    vx_image *ci = vx_image_copy(img), *cm = vx_image_copy(mask);
    vxc_crop_case(&s, ci, cm);
    /* the box of the mask, independently: then the margin of a 1 cm^3 sphere at 1 mm (ceil(6.2) + 1 = 8) */
    size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0};
    const size_t *d = img->geom.dims;
    for (size_t k = 0; k < vx_geometry_count(&img->geom); k++)
        if (mask->v[k] != 0.0f) {
            const size_t c[3] = {k % d[0], k / d[0] % d[1], k / (d[0] * d[1])};
            for (int a = 0; a < 3; a++) {
                lo[a] = c[a] < lo[a] ? c[a] : lo[a];
                hi[a] = c[a] + 1 > hi[a] ? c[a] + 1 : hi[a];
            }
        }
    assert_int_equal(lo[0], 0); /* the lesion is cut by the border */
    for (int a = 0; a < 3; a++) {
        lo[a] = lo[a] > 8 ? lo[a] - 8 : 0;
        hi[a] = hi[a] + 8 < d[a] ? hi[a] + 8 : d[a];
        assert_int_equal(ci->geom.dims[a], hi[a] - lo[a]);
        assert_int_equal(cm->geom.dims[a], hi[a] - lo[a]);
        assert_true(fabs(ci->geom.origin[a] - (img->geom.origin[a] + (double)lo[a] * img->geom.spacing[a])) < 1e-9);
    }
    assert_true(ci->geom.dims[1] < d[1] || ci->geom.dims[2] < d[2]);
    for (size_t z = 0; z < ci->geom.dims[2]; z++)
        for (size_t x = 0; x < ci->geom.dims[0]; x++) {
            const size_t y = ci->geom.dims[1] / 2;
            const size_t k = x + ci->geom.dims[0] * (y + ci->geom.dims[1] * z);
            const size_t f = x + lo[0] + d[0] * (y + lo[1] + d[1] * (z + lo[2]));
            assert_true(ci->v[k] == img->v[f] && cm->v[k] == mask->v[f]);
        }
    assert_int_equal(ci->pixel_type, img->pixel_type);
    vx_image_free(ci);
    vx_image_free(cm);
    /* the settings that read beyond the box keep the whole grid */
    for (int c = 0; c < 3; c++) {
        vx_settings t = s;
        if (c == 0)
            t.diagnostics = 1;
        else if (c == 1)
            t.resample_spacing[0] = t.resample_spacing[1] = t.resample_spacing[2] = 2.0;
        else
            t.compat = VX_COMPAT_PYRADIOMICS;
        ci = vx_image_copy(img);
        cm = vx_image_copy(mask);
        vxc_crop_case(&t, ci, cm);
        assert_true(vx_geometry_same(&ci->geom, &img->geom, 0.0) && vx_geometry_same(&cm->geom, &img->geom, 0.0));
        vx_image_free(ci);
        vx_image_free(cm);
    }
    vx_image_free(img);
    vx_image_free(mask);
}

/* vx_case_run (cropped, inputs freed after the ROI) gives the whole image's values bit for bit: every family,
 * each label and all labels, a mirror-padded filter (its reach widens the margin), and the CT example. */
static void test_case_crop(void **state)
{
    (void)state;
    vx_image *img, *mask;
    char ip[4096], mp[4096];
    make_case(&img, &mask, ip, mp, sizeof ip);
    static const char *const yaml[] = {
        "version: 1\nprocessing:\n  round_intensities: true\n  resegmentation:\n    range: [-1000, 400]\n"
        "discretisation:\n  texture: {method: fixed_bin_size, bin_width: 25}\n  ivh: {method: none}\n",
        "version: 1\ndiscretisation:\n  texture: {method: fixed_bin_number, bin_count: 16}\n"
        "  ivh: {method: fixed_bin_number, bin_count: 100}\n",
        "version: 1\nprocessing:\n  resegmentation:\n    range: [-1000, 400]\nimage_types:\n  original: true\n"
        "  filters:\n  - filter: log\n    dim: 3D\n    padding: mirror\n    sigma_mm: 1.5\n    truncate: 4.0\n"
        "discretisation:\n  texture: {method: fixed_bin_number, bin_count: 8}\n"
        "  ivh: {method: fixed_bin_size, bin_width: 2.5}\nfeatures:\n  families: [statistics, "
        "intensity_volume_histogram, glszm, local_intensity]\n",
    };
    static const char *const labels[] = {NULL, "all", "2"};
    for (size_t c = 0; c < sizeof yaml / sizeof yaml[0]; c++)
        for (size_t l = 0; l < 3; l++) {
            vx_settings s;
            vx_error err;
            vx_settings_default(&s);
            assert_int_equal(vx_settings_load_text(yaml[c], strlen(yaml[c]), "test", &s, &err), VX_OK);
            vx_case_spec spec = {"crop", ip, mp, labels[l]};
            vx_case_result a, b;
            assert_int_equal(vx_case_run(&spec, &s, NULL, &a), VX_OK);
            assert_int_equal(vx_case_run_images(img, mask, labels[l], &s, NULL, &b), VX_OK);
            assert_same_results(&a, &b);
            assert_int_equal(a.n_regions, l == 1 ? 2 : 1);
            vx_case_result_free(&a);
            vx_case_result_free(&b);
        }
    vx_image_free(img);
    vx_image_free(mask);
}

/* The IVH family on values computed from the intensities (roi.ivh NULL) equals it on the values vx_ivh_values
 * stores, for each IVH discretisation. */
static void test_ivh_on_the_fly(void **state)
{
    (void)state;
    vx_image *img, *mask;
    char ip[4096], mp[4096];
    make_case(&img, &mask, ip, mp, sizeof ip);
    const vx_disc_method methods[3] = {VX_DISC_NONE, VX_DISC_FBS, VX_DISC_FBN};
    for (int c = 0; c < 3; c++) {
        vx_settings s;
        vx_settings_default(&s);
        s.round_intensities = 1;
        s.reseg_min = -1000.0;
        s.ivh_disc.method = methods[c];
        s.ivh_disc.bin_width = 2.5;
        s.ivh_disc.bin_count = 1000;
        s.features.families = 1u << VX_FAM_IVH;
        vx_roi roi;
        vx_error err;
        assert_int_equal(vx_roi_build(img, mask, &s, NULL, &roi, NULL, &err), VX_OK);
        assert_null(roi.ivh);
        double fly[VX_IVH_NF], stored[VX_IVH_NF], lo, hi, w;
        assert_int_equal(vx_ivh_eval(&roi, roi.ivh_bin_width, fly, &err), VX_OK);
        const size_t n = roi.dims[0] * roi.dims[1] * roi.dims[2];
        double *iv = calloc(n, sizeof *iv);
        assert_non_null(iv);
        assert_int_equal(vx_ivh_values(roi.img, roi.imask, n, &s.ivh_disc, s.reseg_min, s.reseg_max, iv, &lo, &hi,
                                       &w, &err),
                         VX_OK);
        assert_true(lo == roi.ivh_min && hi == roi.ivh_max && w == roi.ivh_bin_width);
        roi.ivh = iv;
        assert_int_equal(vx_ivh_eval(&roi, w, stored, &err), VX_OK);
        assert_true(memcmp(fly, stored, sizeof fly) == 0);
        assert_false(isnan(stored[2]));
        roi.ivh = NULL;
        free(iv);
        vx_roi_free(&roi);
    }
    vx_image_free(img);
    vx_image_free(mask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_as),
        cmocka_unit_test(test_crop_box),
        cmocka_unit_test(test_case_crop),
        cmocka_unit_test(test_ivh_on_the_fly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
