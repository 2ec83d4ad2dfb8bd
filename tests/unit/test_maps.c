/* Voxel maps (vx_maps_compute) against the direct computation: for every ROI voxel, the kernel written as a
 * mask and extracted with vx_extract as its own ROI (the same settings, bin edges fixed so that the kernel's
 * grey levels are the ROI's); every feature of every map family, cube and sphere kernels, radius 1 and 2, to
 * 1e-12 relative, masked and unmasked kernels. 1 and 2 threads, and any voxelBatch, give bit-identical maps. The
 * voxelSetting of a PyRadiomics parameter file, and the maps under one (compat pyradiomics).
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
#include "vx_test.h"

#define MAP_FAMILIES                                                                                            \
    ((1u << VX_FAM_STAT) | (1u << VX_FAM_IH) | (1u << VX_FAM_GLCM) | (1u << VX_FAM_GLRLM) |                    \
     (1u << VX_FAM_GLSZM) | (1u << VX_FAM_GLDZM) | (1u << VX_FAM_NGTDM) | (1u << VX_FAM_NGLDM))
#define AGGS_3D (VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D_MRG) | VX_AGGBIT(VX_AGG_3D))

/* |a - b| <= 1e-12 max(|a|, |b|), NaN only against NaN */
static int same_value(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b)) || a == b;
}

/* The kernel of voxel c as a mask on img's grid: its neighbours within radius (shape) that are in mask (masked
 * kernels), or all of them within the grid (unmasked). */
static void kernel_mask(const vx_image *mask, const vx_maps_settings *ms, const size_t c[3], vx_image *k)
{
    const size_t *d = mask->geom.dims;
    const long r = ms->radius;
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++)
            for (size_t x = 0; x < d[0]; x++) {
                const long dx = (long)x - (long)c[0], dy = (long)y - (long)c[1], dz = (long)z - (long)c[2];
                const int near = ms->shape == VX_KERNEL_CUBE
                                     ? labs(dx) <= r && labs(dy) <= r && labs(dz) <= r
                                     : dx * dx + dy * dy + dz * dz <= r * r;
                const size_t i = x + d[0] * (y + d[1] * z);
                k->v[i] = near && (!ms->masked || mask->v[i] >= 0.5f) ? 1.0f : 0.0f;
            }
}

/* The value of map column k of m in the direct extraction res: the column of the same name (named by the table
 * writers' vx_results_column_name, the image type prefixed for filters), else (PyRadiomics' column names) the
 * original image's row of the same feature and aggregation; fails when res has neither. */
static double direct_value(const vx_results *res, const vx_maps *m, size_t k)
{
    char buf[256];
    for (size_t r = 0; r < res->n; r++) {
        vx_results_column_name(res, &res->rows[r], VX_NAMES_IBSI, res->rows[r].image_type != VX_IMAGE_ORIGINAL, buf,
                               sizeof buf);
        if (!strcmp(buf, m->name[k]))
            return res->rows[r].value;
    }
    for (size_t r = 0; r < res->n; r++)
        if (res->rows[r].image_type == VX_IMAGE_ORIGINAL && res->rows[r].feature == m->feature[k] &&
            res->rows[r].agg == m->agg[k])
            return res->rows[r].value;
    fail_msg("the direct extraction has no column %s", m->name[k]);
    return NAN;
}

/* The maps of (img, mask, s, ms) equal vx_extract on each kernel; 2 threads give the same bits as 1. */
static void check_maps(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_maps_settings ms)
{
    vx_maps m1, m2;
    vx_error err;
    ms.threads = 1;
    int rc = vx_maps_compute(img, mask, s, &ms, &m1, &err);
    if (rc != VX_OK)
        fail_msg("maps: %s", err.msg);
    ms.threads = 2;
    assert_int_equal(vx_maps_compute(img, mask, s, &ms, &m2, &err), VX_OK);
    assert_int_equal(m1.n_vox, m2.n_vox);
    assert_int_equal(m1.n_features, m2.n_features);
    assert_true(m1.n_features > 100);
    assert_memory_equal(m1.index, m2.index, m1.n_vox * sizeof *m1.index);
    assert_memory_equal(m1.values, m2.values, m1.n_vox * m1.n_features * sizeof *m1.values);
    vx_image *k = vx_image_new(&mask->geom);
    assert_non_null(k);
    const size_t nx = mask->geom.dims[0], ny = mask->geom.dims[1];
    size_t checked = 0;
    for (size_t i = 0; i < m1.n_vox; i++) {
        const size_t idx = m1.index[i], c[3] = {idx % nx, (idx / nx) % ny, idx / (nx * ny)};
        assert_true(mask->v[idx] >= 0.5f);
        kernel_mask(mask, &ms, c, k);
        vx_results res;
        vx_results_init(&res);
        rc = vx_extract(img, k, s, &res, &err);
        if (rc != VX_OK)
            fail_msg("direct extraction at (%zu, %zu, %zu): %s", c[0], c[1], c[2], err.msg);
        for (size_t f = 0; f < m1.n_features; f++) {
            const double want = direct_value(&res, &m1, f), got = m1.values[f * m1.n_vox + i];
            if (!same_value(got, want))
                fail_msg("%s at (%zu, %zu, %zu), radius %d, %s%s: map %.17g, direct %.17g", m1.name[f], c[0], c[1],
                         c[2], ms.radius, ms.shape ? "sphere" : "cube", ms.masked ? "" : " unmasked", got, want);
            checked++;
        }
        vx_results_free(&res);
    }
    assert_int_equal(checked, m1.n_vox * m1.n_features);
    vx_image_free(k);
    vx_maps_free(&m1);
    vx_maps_free(&m2);
}

static void map_settings(vx_settings *s);

/* check_maps for cube and sphere kernels of radius 1 and 2, masked and (unmasked set) unmasked, under s
 * restricted to the map families in 3D; frees img and mask. Unmasked kernels hold voxels outside the ROI: their
 * grey levels, discretised over the ROI's box padded by the radius, equal the direct extraction's where the bin
 * edges do not depend on the range (fixed bin size from a given minimum, or none). */
static void check_kernels(vx_image *img, vx_image *mask, vx_settings *s, int unmasked)
{
    map_settings(s);
    vx_maps_settings ms;
    vx_maps_settings_default(&ms);
    for (int masked = 1; masked >= (unmasked ? 0 : 1); masked--)
        for (int shape = 0; shape < 2; shape++)
            for (int r = 1; r <= 2; r++) {
                ms.masked = masked;
                ms.shape = shape;
                ms.radius = r;
                check_maps(img, mask, s, ms);
            }
    vx_image_free(img);
    vx_image_free(mask);
}

static void map_settings(vx_settings *s)
{
    s->features.families = MAP_FAMILIES;
    s->features.aggregations = AGGS_3D;
}

static void read_phantom(vx_image **img, vx_image **mask)
{
    vx_error err;
    assert_int_equal(vx_image_read(vx_test_data("ibsi/ibsi1/digital_phantom/image.nii.gz"), img, &err), VX_OK);
    assert_int_equal(vx_image_read(vx_test_data("ibsi/ibsi1/digital_phantom/mask.nii.gz"), mask, &err), VX_OK);
}

/* The IBSI 1 digital phantom (74 ROI voxels, grey levels 1..6 as they are). */
static void test_maps_digital_phantom(void **state)
{
    (void)state;
    vx_image *img = NULL, *mask = NULL;
    vx_error err;
    read_phantom(&img, &mask);
    vx_settings s;
    vx_settings_default(&s);
    char cfg[4096];
    snprintf(cfg, sizeof cfg, "%s/configs/ibsi1/digital_phantom.yaml", getenv("VX_SOURCE_DIR"));
    assert_int_equal(vx_settings_load(cfg, &s, &err), VX_OK);
    check_kernels(img, mask, &s, 1);
}

/* A small synthetic CT volume n x n x nz (spacing 1 x 1 x sz mm) with a lobulated lesion of radius r mm. */
static void synth_lesion(size_t n, size_t nz, double sz, double r, unsigned long seed, vx_image **img,
                         vx_image **mask)
{
    vx_synth_params p;
    vx_synth_default(&p);
    p.dims[0] = p.dims[1] = n;
    p.dims[2] = nz;
    p.spacing[2] = sz;
    p.lesion_radius_mm = r;
    p.lobulation = 0.2;
    p.seed = seed;
    vx_error err;
    assert_int_equal(vx_synth_ct(&p, img, mask, &err), VX_OK);
}

/* synth_lesion, and default settings with a fixed bin size of bw HU from -1100 HU (below the air, -1024 HU, that
 * unmasked kernels reach). */
static void synth_case(size_t n, size_t nz, double sz, double r, unsigned long seed, double bw, vx_image **img,
                       vx_image **mask, vx_settings *s)
{
    synth_lesion(n, nz, sz, r, seed, img, mask);
    vx_settings_default(s);
    s->texture_disc.method = VX_DISC_FBS;
    s->texture_disc.bin_width = bw;
    s->texture_disc.min_value = -1100.0;
}

/* A small synthetic CT lesion (about 350 ROI voxels, 1 x 1 x 1.5 mm, integer HU), fixed bin size 10 HU (the
 * kernels' bins are the ROI's), masked and unmasked kernels. */
static void test_maps_synthetic(void **state)
{
    (void)state;
    vx_image *img = NULL, *mask = NULL;
    vx_settings s;
    synth_case(16, 10, 1.5, 5.0, 7, 10.0, &img, &mask, &s);
    check_kernels(img, mask, &s, 1);
}

/* More grey levels than the sliding window keeps GLCM counts for (fixed bin size 2 HU: several hundred levels):
 * the GLCM per kernel beside the window's statistics and histogram, masked and unmasked cube kernels of radius 1. */
static void test_maps_many_levels(void **state)
{
    (void)state;
    vx_image *img = NULL, *mask = NULL;
    vx_settings s;
    synth_case(12, 7, 1.5, 3.5, 13, 2.0, &img, &mask, &s);
    map_settings(&s);
    vx_maps_settings ms;
    vx_maps_settings_default(&ms);
    for (ms.masked = 1; ms.masked >= 0; ms.masked--)
        check_maps(img, mask, &s, ms);
    vx_image_free(img);
    vx_image_free(mask);
}

/* check_kernels under the settings file `text` (written as name in the test folder, loaded: compat its compat
 * mode) on a synthetic lesion (seed); unmasked: also unmasked kernels. */
static void check_file(const char *name, const char *text, int compat, unsigned long seed, int unmasked)
{
    vx_image *img = NULL, *mask = NULL;
    synth_lesion(14, 9, 1.0, 4.0, seed, &img, &mask);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", vx_test_tmpdir(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    vx_settings s;
    vx_settings_default(&s);
    vx_error err;
    assert_int_equal(vx_settings_load(path, &s, &err), VX_OK);
    assert_int_equal(s.compat, compat);
    check_kernels(img, mask, &s, unmasked);
    remove(path);
}

/* A filtered image type (3D mean filter, support 3) besides the original image, on the synthetic lesion: the
 * maps of the response map equal the direct extraction's values of that image type. */
static void test_maps_filtered(void **state)
{
    (void)state;
    check_file("filtered.yaml",
               "version: 1\ndiscretisation:\n  texture: {method: fixed_bin_size, bin_width: 10, min: -1000}\n"
               "image_types:\n  original: true\n  filters:\n  - filter: mean\n    dim: 3D\n    padding: constant\n"
               "    support: 3\n    discretisation:\n      texture: {method: fixed_bin_size, bin_width: 5, min: -1000}\n",
               VX_COMPAT_IBSI, 3, 0);
}

/* The maps as images: the map values in the ROI (float32), init_value elsewhere; errors that say what to do. */
static void test_maps_image_and_errors(void **state)
{
    (void)state;
    vx_image *img = NULL, *mask = NULL;
    vx_error err;
    read_phantom(&img, &mask);
    vx_settings s;
    vx_settings_default(&s);
    s.texture_disc.method = VX_DISC_NONE;
    map_settings(&s);
    vx_maps_settings ms;
    vx_maps_settings_default(&ms);
    ms.init_value = NAN;
    vx_maps m;
    assert_int_equal(vx_maps_compute(img, mask, &s, &ms, &m, &err), VX_OK);
    assert_int_equal(m.n_vox, 74);
    vx_image *map = NULL;
    assert_int_equal(vx_maps_image(&m, 0, &map, &err), VX_OK);
    size_t inside = 0;
    for (size_t i = 0; i < vx_geometry_count(&map->geom); i++)
        if (mask->v[i] >= 0.5f) {
            assert_true(map->v[i] == (float)m.values[inside++]);
        } else {
            assert_true(isnan(map->v[i]));
        }
    vx_image_free(map);
    assert_int_equal(vx_maps_image(&m, m.n_features, &map, &err), VX_EINVAL);
    vx_maps_free(&m);
    ms.radius = 0;
    assert_int_equal(vx_maps_compute(img, mask, &s, &ms, &m, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "radius"));
    vx_maps_free(&m);
    ms.radius = 1;
    s.features.families = 1u << VX_FAM_MORPH;
    assert_int_equal(vx_maps_compute(img, mask, &s, &ms, &m, &err), VX_EINVAL);
    vx_maps_free(&m);
    vx_image_free(img);
    vx_image_free(mask);
}

/* voxelSetting of a PyRadiomics parameter file: read into vx_maps_settings; the settings load too. */
static void test_maps_voxel_setting(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/params.yaml", vx_test_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("setting:\n  binWidth: 25\nvoxelSetting:\n  kernelRadius: 2\n  maskedKernel: true\n  initValue: nan\n"
          "  voxelBatch: 1000\n",
          f);
    fclose(f);
    vx_maps_settings ms;
    vx_maps_settings_default(&ms);
    vx_error err;
    assert_int_equal(vx_maps_settings_load(path, &ms, &err), VX_OK);
    assert_int_equal(ms.radius, 2);
    assert_int_equal(ms.masked, 1);
    assert_true(isnan(ms.init_value));
    assert_int_equal(ms.batch, 1000);
    vx_settings s;
    vx_settings_default(&s);
    assert_int_equal(vx_settings_load(path, &s, &err), VX_OK);
    assert_int_equal(s.compat, VX_COMPAT_PYRADIOMICS);
    remove(path);
    /* the same reader on text; errors name the document and line */
    const char *text = "setting:\n  binWidth: 25\nvoxelSetting:\n  kernelRadius: 3\n  maskedKernel: false\n";
    vx_maps_settings_default(&ms);
    assert_int_equal(vx_maps_settings_load_text(text, strlen(text), "doc", &ms, &err), VX_OK);
    assert_int_equal(ms.radius, 3);
    assert_int_equal(ms.masked, 0);
    assert_int_equal(ms.batch, 0);
    const char *bad = "voxelSetting:\n  kernelRadius: 2\n  kernelShape: ball\n";
    assert_int_equal(vx_maps_settings_load_text(bad, strlen(bad), "doc", &ms, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "doc:3"));
    assert_non_null(strstr(err.msg, "kernelShape"));
}

/* A PyRadiomics parameter file (compat pyradiomics: PyRadiomics' GLCM MCC, energy and total energy, kurtosis):
 * the maps equal vx_extract on each kernel under the same file; fixed bin size 10 from binMinimum -1100 (the
 * kernels' bins are the ROI's) and no minimum ROI size (a kernel at the rim is small). */
static void test_maps_pyradiomics(void **state)
{
    (void)state;
    check_file("pyrad_maps.yaml",
               "setting:\n  binWidth: 10\n  binMinimum: -1100\n  label: 1\n  minimumROIDimensions: 1\n"
               "  minimumROISize: 1\n",
               VX_COMPAT_PYRADIOMICS, 5, 1);
}

/* voxelBatch (ROI voxels per work unit of the thread schedule) never changes the maps: the same bits for units of
 * one row, a few rows, everything, with 1 and 3 threads, masked and unmasked kernels. */
static void test_maps_batch(void **state)
{
    (void)state;
    vx_image *img = NULL, *mask = NULL;
    vx_settings s;
    synth_case(16, 10, 1.5, 5.0, 11, 10.0, &img, &mask, &s);
    map_settings(&s);
    vx_maps_settings ms;
    vx_maps_settings_default(&ms);
    ms.radius = 2;
    vx_error err;
    for (int masked = 0; masked < 2; masked++) {
        vx_maps ref, m;
        ms.masked = masked;
        ms.batch = 0;
        ms.threads = 1;
        assert_int_equal(vx_maps_compute(img, mask, &s, &ms, &ref, &err), VX_OK);
        static const int batch[] = {-1, 1, 7, 40, 100000};
        for (size_t b = 0; b < sizeof batch / sizeof *batch; b++)
            for (int t = 1; t <= 3; t += 2) {
                ms.batch = batch[b];
                ms.threads = t;
                assert_int_equal(vx_maps_compute(img, mask, &s, &ms, &m, &err), VX_OK);
                assert_int_equal(m.n_features, ref.n_features);
                assert_memory_equal(m.values, ref.values, ref.n_vox * ref.n_features * sizeof *m.values);
                vx_maps_free(&m);
            }
        vx_maps_free(&ref);
    }
    vx_image_free(img);
    vx_image_free(mask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maps_digital_phantom),
        cmocka_unit_test(test_maps_synthetic),
        cmocka_unit_test(test_maps_many_levels),
        cmocka_unit_test(test_maps_filtered),
        cmocka_unit_test(test_maps_pyradiomics),
        cmocka_unit_test(test_maps_image_and_errors),
        cmocka_unit_test(test_maps_batch),
        cmocka_unit_test(test_maps_voxel_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
