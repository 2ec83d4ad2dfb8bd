/* PyRadiomics parameter files (src/io/pyrad_params.c) and the PyRadiomics compatibility mode.
 *
 * Expected values are derived by hand from the PyRadiomics documentation (customization.rst: keys and
 * defaults; feature definitions: kurtosis m4 / m2^2, energy sum (x + c)^2; imageoperations: fixed-bin-width
 * edges at multiples of the bin width, resampling grid with the first voxel corners aligned) and the IBSI
 * formulas; the arithmetic is written next to each check.
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

/* Write text to a file in the test's temp dir; path receives its name. */
static const char *write_params(char *path, size_t len, const char *name, const char *text)
{
    snprintf(path, len, "%s/%s", vx_test_tmpdir(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Load text as a settings file over the defaults; returns the status, err holds the message. */
static int load_text(const char *text, vx_settings *s, vx_error *err)
{
    char path[4096];
    vx_settings_default(s);
    vx_error_clear(err);
    return vx_settings_load(write_params(path, sizeof path, "params.yaml", text), s, err);
}

/* The load fails with code, and the message holds each of the NULL-terminated words. */
static void expect_error(const char *text, int code, ...)
{
    vx_settings s;
    vx_error err;
    int rc = load_text(text, &s, &err);
    if (rc != code)
        print_error("expected %d, got %d: %s\n", code, rc, err.msg);
    assert_int_equal(rc, code);
    assert_non_null(strstr(err.msg, "params.yaml")); /* the file is named */
    va_list ap;
    va_start(ap, code);
    for (const char *w = va_arg(ap, const char *); w; w = va_arg(ap, const char *)) {
        if (!strstr(err.msg, w))
            print_error("'%s' not in: %s\n", w, err.msg);
        assert_non_null(strstr(err.msg, w));
    }
    va_end(ap);
}

static int bits_set(const vx_settings *s)
{
    int n = 0;
    for (int f = 0; f < VX_F_COUNT; f++)
        n += vx_settings_feature_wanted(s, (vx_feature_id)f);
    return n;
}

#define FAM(f) (1u << (f))

/* A file with only PyRadiomics' defaults: every key left out. */
static void test_defaults(void **state)
{
    (void)state;
    vx_settings s;
    vx_error err;
    assert_int_equal(load_text("imageType:\n  Original: {}\n", &s, &err), VX_OK);
    assert_int_equal(s.compat, VX_COMPAT_PYRADIOMICS);
    assert_int_equal(s.mask_label, 1);                   /* label [1] */
    assert_int_equal(s.texture_disc.method, VX_DISC_FBS); /* binWidth [25] */
    assert_true(s.texture_disc.bin_width == 25.0);
    assert_true(isnan(s.texture_disc.min_value));
    assert_int_equal(s.interp, VX_INTERP_CUBIC);          /* interpolator [sitkBSpline] */
    assert_int_equal(s.mask_interp, VX_INTERP_NEAREST);   /* masks: sitkNearestNeighbor */
    assert_true(isnan(s.resample_spacing[0]) && isnan(s.resample_spacing[1]) && isnan(s.resample_spacing[2]));
    assert_true(isnan(s.reseg_min) && isnan(s.reseg_max));
    assert_true(s.reseg_outlier_sigma == 0.0);
    assert_true(s.voxel_shift == 0.0);                    /* voxelArrayShift [0] */
    assert_int_equal(s.features.glcm_distance, 1);        /* distances [[1]] */
    assert_int_equal(s.features.ngtdm_distance, 1);
    assert_int_equal(s.features.glcm_symmetric, 1);       /* symmetricalGLCM [True] */
    assert_int_equal(s.features.ngldm_coarseness, 0);     /* gldm_a [0] */
    /* GLCM / GLRLM averaged over the 13 directions; GLSZM, GLDM, NGTDM in 3D */
    assert_int_equal(s.features.aggregations, VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D));
    /* every class: firstorder = statistics + histogram (Entropy, Uniformity), shape = morphology */
    assert_int_equal(s.features.families, FAM(VX_FAM_MORPH) | FAM(VX_FAM_STAT) | FAM(VX_FAM_IH) |
                                              FAM(VX_FAM_GLCM) | FAM(VX_FAM_GLRLM) | FAM(VX_FAM_GLSZM) |
                                              FAM(VX_FAM_NGTDM) | FAM(VX_FAM_NGLDM));
    /* PyRadiomics' features (docs, non-deprecated), all of which voxomics computes in compatibility mode:
     * firstorder 18, shape 14, shape2D 9 (10 - the deprecated SphericalDisproportion), glcm 24, glrlm 16,
     * glszm 16, gldm 14, ngtdm 5 */
    assert_int_equal(s.feature_subset, 1);
    assert_int_equal(bits_set(&s), 18 + 14 + 9 + 24 + 16 + 16 + 14 + 5);
    assert_true(vx_settings_feature_wanted(&s, VX_F_STAT_KURT));
    assert_true(vx_settings_feature_wanted(&s, VX_F_IH_ENTROPY));
    assert_true(vx_settings_feature_wanted(&s, VX_F_MORPH_VOLUME));
    assert_true(vx_settings_feature_wanted(&s, VX_F_NGT_STRENGTH));
    assert_false(vx_settings_feature_wanted(&s, VX_F_STAT_MEDAD)); /* not a PyRadiomics feature */
    assert_false(vx_settings_feature_wanted(&s, VX_F_CM_SUM_VAR));
    assert_false(vx_settings_feature_wanted(&s, VX_F_IH_MEAN));
    /* an empty file of sections is the same; null sections are the defaults */
    assert_int_equal(load_text("setting:\nfeatureClass:\nimageType:\n", &s, &err), VX_OK);
    assert_int_equal(bits_set(&s), 116);
    /* without a subset every feature is wanted */
    vx_settings_default(&s);
    assert_int_equal(bits_set(&s), VX_F_COUNT);
    assert_int_equal(s.compat, VX_COMPAT_IBSI);
}

/* Every mapped setting, each with a value other than its default. */
static void test_settings_mapped(void **state)
{
    (void)state;
    vx_settings s;
    vx_error err;
    const char *text = "# PyRadiomics parameters\n"
                       "imageType:\n"
                       "  Original: {}\n"
                       "featureClass:\n"
                       "  glcm: ['Contrast', 'Idmn']\n"
                       "  firstorder:\n"
                       "    - Kurtosis\n"
                       "    - Entropy\n"
                       "  shape:\n"
                       "  ngtdm: []\n"
                       "setting:\n"
                       "  binWidth: 10\n"
                       "  resampledPixelSpacing: [2, 1.5, 0]\n"
                       "  interpolator: sitkLinear\n"
                       "  padDistance: 10\n"
                       "  preCrop: true\n"
                       "  resegmentRange: [-1000, 400]\n"
                       "  resegmentMode: absolute\n"
                       "  resegmentShape: false\n"
                       "  label: 2\n"
                       "  label_channel: 0\n"
                       "  normalize: false\n"
                       "  normalizeScale: 100\n"
                       "  removeOutliers: 3\n"
                       "  force2D: False\n"
                       "  force2Ddimension: 0\n"
                       "  distances: [2]\n"
                       "  weightingNorm:\n"
                       "  symmetricalGLCM: false\n"
                       "  gldm_a: 2\n"
                       "  voxelArrayShift: 1000\n"
                       "  correctMask: True\n"
                       "  geometryTolerance: 1e-5\n"
                       "  minimumROIDimensions: 2\n"
                       "  minimumROISize: 50\n"
                       "  additionalInfo: false\n"
                       "  enableCExtensions: true\n"
                       "  sigma: [1.0, 3.0]\n"
                       "  wavelet: coif1\n";
    assert_int_equal(load_text(text, &s, &err), VX_OK);
    assert_int_equal(s.texture_disc.method, VX_DISC_FBS);
    assert_true(s.texture_disc.bin_width == 10.0);
    assert_true(s.resample_spacing[0] == 2.0 && s.resample_spacing[1] == 1.5);
    assert_true(isnan(s.resample_spacing[2])); /* 0 keeps the axis */
    assert_int_equal(s.interp, VX_INTERP_LINEAR);
    assert_int_equal(s.mask_interp, VX_INTERP_NEAREST);
    assert_true(s.reseg_min == -1000.0 && s.reseg_max == 400.0);
    assert_int_equal(s.mask_label, 2);
    /* distances [2]: the neighbours at Chebyshev distance exactly 2 (bit 2) for GLCM, GLDM and NGTDM */
    assert_int_equal(s.features.distance_set, 1 << 2);
    assert_int_equal(s.features.glcm_distance, 1);
    assert_int_equal(s.features.ngtdm_distance, 1);
    assert_int_equal(s.features.ngldm_distance, 1);
    assert_int_equal(s.features.glcm_symmetric, 0);
    assert_int_equal(s.features.ngldm_coarseness, 2);
    assert_true(s.voxel_shift == 1000.0);
    assert_int_equal(s.features.aggregations, VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D));
    assert_int_equal(s.features.families,
                     FAM(VX_FAM_GLCM) | FAM(VX_FAM_STAT) | FAM(VX_FAM_IH) | FAM(VX_FAM_MORPH) | FAM(VX_FAM_NGTDM));
    /* 2 GLCM + 2 firstorder + 14 shape + 5 NGTDM */
    assert_int_equal(bits_set(&s), 2 + 2 + 14 + 5);
    assert_true(vx_settings_feature_wanted(&s, VX_F_CM_CONTRAST));
    assert_true(vx_settings_feature_wanted(&s, VX_F_CM_INV_DIFF_MOM_NORM)); /* Idmn */
    assert_false(vx_settings_feature_wanted(&s, VX_F_CM_INV_DIFF_NORM));    /* Idn: not listed */
    assert_true(vx_settings_feature_wanted(&s, VX_F_STAT_KURT));
    assert_true(vx_settings_feature_wanted(&s, VX_F_IH_ENTROPY));
    assert_false(vx_settings_feature_wanted(&s, VX_F_STAT_MEAN));
    assert_true(vx_settings_feature_wanted(&s, VX_F_MORPH_PCA_FLATNESS));
    assert_false(vx_settings_feature_wanted(&s, VX_F_RLM_SRE));

    /* binCount: fixed bin number, and it wins over binWidth (PyRadiomics uses binCount when given) */
    /* force2Ddimension: the slice axis (also without force2D: PyRadiomics' LBP2D follows it); label_channel:
     * the mask channel, 0 (its default) meaning what compat pyradiomics reads without it */
    assert_int_equal(load_text("setting:\n  force2D: true\n  force2Ddimension: 1\n  label_channel: 3\n", &s, &err),
                     VX_OK);
    assert_int_equal(s.features.slice_axis, VX_SLICE_Y);
    assert_int_equal(s.mask_channel, 3);
    assert_int_equal(s.features.aggregations, VX_AGGBIT(VX_AGG_25D_DMRG) | VX_AGGBIT(VX_AGG_25D));
    assert_int_equal(load_text("setting:\n  force2Ddimension: 2\n  label_channel: 0\n", &s, &err), VX_OK);
    assert_int_equal(s.features.slice_axis, VX_SLICE_X);
    assert_int_equal(s.mask_channel, -1);
    assert_int_equal(s.features.aggregations, VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D));
    assert_int_equal(load_text("setting:\n  binWidth: 5\n  binCount: 16\n", &s, &err), VX_OK);
    assert_int_equal(s.texture_disc.method, VX_DISC_FBN);
    assert_int_equal(s.texture_disc.bin_count, 16);
    /* binMinimum: the fixed-bin-size lower bound */
    assert_int_equal(load_text("setting:\n  binWidth: 5\n  binMinimum: -100\n", &s, &err), VX_OK);
    assert_true(s.texture_disc.method == VX_DISC_FBS && s.texture_disc.min_value == -100.0);
    /* interpolators: names and SimpleITK's integer values */
    static const struct {
        const char *v;
        vx_interp m;
    } interps[] = {{"sitkNearestNeighbor", VX_INTERP_NEAREST}, {"1", VX_INTERP_NEAREST},
                   {"sitkLinear", VX_INTERP_LINEAR},           {"2", VX_INTERP_LINEAR},
                   {"sitkBSpline", VX_INTERP_CUBIC},           {"3", VX_INTERP_CUBIC}};
    for (size_t i = 0; i < sizeof interps / sizeof interps[0]; i++) {
        char t[200];
        snprintf(t, sizeof t, "setting:\n  resampledPixelSpacing: [1, 1, 1]\n  interpolator: %s\n", interps[i].v);
        assert_int_equal(load_text(t, &s, &err), VX_OK);
        assert_int_equal(s.interp, interps[i].m);
        assert_true(s.resample_spacing[0] == 1.0 && s.resample_spacing[2] == 1.0);
    }
    /* interpolator null or resampledPixelSpacing null: no resampling (PyRadiomics) */
    assert_int_equal(load_text("setting:\n  resampledPixelSpacing: [1, 1, 1]\n  interpolator:\n", &s, &err), VX_OK);
    assert_true(isnan(s.resample_spacing[0]) && isnan(s.resample_spacing[1]) && isnan(s.resample_spacing[2]));
    assert_int_equal(load_text("setting:\n  resampledPixelSpacing: null\n", &s, &err), VX_OK);
    assert_true(isnan(s.resample_spacing[0]));
    /* resegmentation: one value is a lower bound only; two values are sorted */
    assert_int_equal(load_text("setting:\n  resegmentRange: [-100]\n", &s, &err), VX_OK);
    assert_true(s.reseg_min == -100.0 && isnan(s.reseg_max));
    assert_int_equal(load_text("setting:\n  resegmentRange: [400, -1000]\n", &s, &err), VX_OK);
    assert_true(s.reseg_min == -1000.0 && s.reseg_max == 400.0);
    /* sigma mode [-3, 3]: the range in standard deviations from the ROI mean (turned into intensities when the
     * ROI is known); IBSI's outlier rule stays off */
    assert_int_equal(load_text("setting:\n  resegmentRange: [-3, 3]\n  resegmentMode: sigma\n", &s, &err), VX_OK);
    assert_true(s.reseg_outlier_sigma == 0.0);
    assert_true(s.reseg_min == -3.0 && s.reseg_max == 3.0);
    assert_int_equal(s.pyrad_reseg_mode, VX_PYRAD_RESEG_SIGMA);
    /* asymmetric sigma and relative ranges, a single relative bound */
    assert_int_equal(load_text("setting:\n  resegmentRange: [3, -2]\n  resegmentMode: sigma\n", &s, &err), VX_OK);
    assert_true(s.reseg_min == -2.0 && s.reseg_max == 3.0);
    assert_int_equal(load_text("setting:\n  resegmentRange: [0.5]\n  resegmentMode: relative\n", &s, &err), VX_OK);
    assert_true(s.reseg_min == 0.5 && isnan(s.reseg_max));
    assert_int_equal(s.pyrad_reseg_mode, VX_PYRAD_RESEG_RELATIVE);
    /* the image-processing settings and their PyRadiomics defaults */
    assert_int_equal(load_text("imageType:\n  Original: {}\n", &s, &err), VX_OK);
    assert_true(!s.pyrad_normalize && s.pyrad_normalize_scale == 1.0 && s.pyrad_remove_outliers == 0.0);
    assert_true(s.pyrad_pad_distance == 5 && s.pyrad_min_roi_dims == 2 && s.pyrad_min_roi_size == 0);
    assert_true(!s.pyrad_correct_mask && s.pyrad_geometry_tolerance == 1e-6 && !s.pyrad_reseg_shape);
    assert_int_equal(s.pyrad_reseg_mode, VX_PYRAD_RESEG_ABSOLUTE);
    assert_int_equal(load_text("setting:\n  normalize: true\n  normalizeScale: 100\n  removeOutliers: 3\n"
                               "  padDistance: 2\n  resegmentShape: true\n  minimumROIDimensions: 3\n"
                               "  minimumROISize: 10\n  correctMask: true\n  geometryTolerance: 1e-4\n"
                               "  preCrop: true\n",
                               &s, &err),
                     VX_OK);
    assert_true(s.pyrad_normalize && s.pyrad_normalize_scale == 100.0 && s.pyrad_remove_outliers == 3.0);
    assert_true(s.pyrad_pad_distance == 2 && s.pyrad_min_roi_dims == 3 && s.pyrad_min_roi_size == 10);
    assert_true(s.pyrad_correct_mask && s.pyrad_geometry_tolerance == 1e-4 && s.pyrad_reseg_shape);
    assert_int_equal(load_text("setting:\n  removeOutliers: null\n  minimumROISize: null\n"
                               "  geometryTolerance: null\n", &s, &err),
                     VX_OK);
    assert_true(s.pyrad_remove_outliers == 0.0 && s.pyrad_min_roi_size == 0 && s.pyrad_geometry_tolerance == 1e-6);
    /* force2D: the in-plane (2.5D) aggregations */
    assert_int_equal(load_text("setting:\n  force2D: true\n  force2Ddimension: 0\n", &s, &err), VX_OK);
    assert_int_equal(s.features.aggregations, VX_AGGBIT(VX_AGG_25D_DMRG) | VX_AGGBIT(VX_AGG_25D));
    /* settings under imageType.Original override `setting` */
    assert_int_equal(load_text("imageType:\n  Original:\n    binWidth: 5\nsetting:\n  binWidth: 20\n  label: 3\n", &s,
                               &err),
                     VX_OK);
    assert_true(s.texture_disc.bin_width == 5.0);
    assert_int_equal(s.mask_label, 3);
}

/* Unknown keys and values: VX_EINVAL naming them, the file and the line. */
static void test_errors_unknown(void **state)
{
    (void)state;
    expect_error("setting:\n  binWidth: 25\n  binwidth: 10\n", VX_EINVAL, "params.yaml:3:", "setting.binwidth",
                 "unknown PyRadiomics setting", NULL);
    expect_error("imageType:\n  Original:\n    bogus: 1\n", VX_EINVAL, "params.yaml:3:", "imageType.Original.bogus",
                 NULL);
    expect_error("setting:\n  interpolator: sitkCubic\n", VX_EINVAL, "setting.interpolator", "'sitkCubic'", NULL);
    expect_error("setting:\n  interpolator: 42\n", VX_EINVAL, "setting.interpolator", "'42'", NULL);
    expect_error("setting:\n  resegmentMode: fuzzy\n", VX_EINVAL, "setting.resegmentMode", "'fuzzy'", NULL);
    expect_error("setting:\n  binWidth: -5\n", VX_EINVAL, "setting.binWidth", NULL);
    expect_error("setting:\n  binWidth: wide\n", VX_EINVAL, "setting.binWidth", "'wide'", NULL);
    expect_error("setting:\n  binCount: 0\n", VX_EINVAL, "setting.binCount", NULL);
    expect_error("setting:\n  label: 0\n", VX_EINVAL, "setting.label", NULL);
    expect_error("setting:\n  force2D: maybe\n", VX_EINVAL, "setting.force2D", "'maybe'", NULL);
    expect_error("setting:\n  force2Ddimension: 3\n", VX_EINVAL, "setting.force2Ddimension", NULL);
    expect_error("setting:\n  minimumROIDimensions: 4\n", VX_EINVAL, "setting.minimumROIDimensions", NULL);
    expect_error("setting:\n  resampledPixelSpacing: [1, 1]\n", VX_EINVAL, "setting.resampledPixelSpacing", NULL);
    expect_error("setting:\n  resampledPixelSpacing: [1, -1, 1]\n", VX_EINVAL, "setting.resampledPixelSpacing",
                 NULL);
    expect_error("setting:\n  resegmentRange: [1, 2, 3]\n", VX_EINVAL, "setting.resegmentRange", NULL);
    expect_error("imageType:\n  Sharpen: {}\n", VX_EINVAL, "imageType.Sharpen", "unknown image type", NULL);
    expect_error("imageType: {}\n", VX_EINVAL, "imageType", "Original", NULL);
    expect_error("featureClass:\n  texture:\n", VX_EINVAL, "featureClass.texture", "unknown feature class", NULL);
    expect_error("featureClass:\n  glcm: [Contrast, Nope]\n", VX_EINVAL, "featureClass.glcm", "'Nope'", "Idmn",
                 NULL);
    expect_error("featureClass:\n  firstorder: Mean\n", VX_EINVAL, "featureClass.firstorder", "list", NULL);
    expect_error("featureClass: {}\n", VX_EINVAL, "featureClass", "no feature class", NULL);
    expect_error("setting:\n  binWidth: 25\nfoo: 1\n", VX_EINVAL, "params.yaml:3:", "foo", "imageType", NULL);
    /* mixing the schemas */
    expect_error("setting:\n  binWidth: 25\nfeatures:\n  families: all\n", VX_EINVAL, "params.yaml:3:", "features",
                 "one schema", NULL);
    expect_error("discretisation:\n  texture: {method: fbs, bin_width: 25}\nfeatureClass:\n  glcm:\n", VX_EINVAL,
                 "params.yaml:1:", "discretisation", "one schema", NULL);
    expect_error("compat: pyradiomics\nsetting:\n  binWidth: 25\n", VX_EINVAL, "compat", "one schema", NULL);
}

/* Valid PyRadiomics options voxomics does not implement: VX_EUNSUPPORTED naming them. */
static void test_errors_unsupported(void **state)
{
    (void)state;
    expect_error("imageType:\n  Original: {}\n  LoG: {}\n", VX_EINVAL, "params.yaml:3:", "imageType.LoG",
                 "no sigma", NULL);
    expect_error("imageType:\n  Wavelet: {wavelet: dmey}\n", VX_EUNSUPPORTED, "imageType.Wavelet.wavelet",
                 "'dmey' is not supported", "db1 .. db38, sym2 .. sym20", NULL);
    expect_error("imageType:\n  Wavelet: {wavelet: coif6}\n", VX_EUNSUPPORTED, "'coif6' is not supported", NULL);
    expect_error("imageType:\n  Wavelet: {wavelet: DB4}\n", VX_EUNSUPPORTED, "'DB4' is not supported", NULL);
    expect_error("imageType:\n  LoG: {sigma: [1.0], resampledPixelSpacing: [1, 1, 1]}\n", VX_EUNSUPPORTED,
                 "imageType.LoG.resampledPixelSpacing", "per-image-type setting", NULL);
    expect_error("setting:\n  lbp2DMethod: ror\n", VX_EUNSUPPORTED, "setting.lbp2DMethod", "'uniform'", NULL);
    expect_error("setting:\n  sigma: [0]\n", VX_EINVAL, "setting.sigma", "must be > 0", NULL);
    expect_error("featureClass:\n  shape2D:\n", VX_EINVAL, "featureClass.shape2D", "force2D: true", NULL);
    expect_error("voxelSetting:\n  kernelRadius: 0\n", VX_EINVAL, "params.yaml:2:", "voxelSetting.kernelRadius",
                 "1 to 15", NULL);
    expect_error("voxelSetting:\n  kernelRadus: 2\n", VX_EINVAL, "voxelSetting.kernelRadus", "unknown key", NULL);
    expect_error("voxelSetting:\n  maskedKernel: maybe\n", VX_EINVAL, "voxelSetting.maskedKernel", "true or false",
                 NULL);
    expect_error("setting:\n  interpolator: sitkGaussian\n", VX_EUNSUPPORTED, "sitkGaussian", NULL);
    expect_error("setting:\n  interpolator: 9\n", VX_EUNSUPPORTED, "sitkLanczosWindowedSinc", NULL);
    /* the image-processing settings: ranges */
    expect_error("setting:\n  normalize: 2\n", VX_EINVAL, "params.yaml:2:", "setting.normalize", "true or false",
                 NULL);
    expect_error("setting:\n  normalizeScale: 0\n", VX_EINVAL, "setting.normalizeScale", "(0, 1e15]", NULL);
    expect_error("setting:\n  removeOutliers: -1\n", VX_EINVAL, "setting.removeOutliers", "(0, 1e15]", NULL);
    expect_error("setting:\n  padDistance: -1\n", VX_EINVAL, "setting.padDistance", "0..1048576", NULL);
    expect_error("setting:\n  minimumROISize: 0\n", VX_EINVAL, "setting.minimumROISize", "1..1073741824", NULL);
    expect_error("setting:\n  geometryTolerance: 0\n", VX_EINVAL, "setting.geometryTolerance", "(0, 1]", NULL);
    expect_error("setting:\n  correctMask: sometimes\n", VX_EINVAL, "setting.correctMask", "'sometimes'", NULL);
    expect_error("setting:\n  resegmentShape: 1.5\n", VX_EINVAL, "setting.resegmentShape", NULL);
    expect_error("setting:\n  force2D: true\n  force2Ddimension: 3\n", VX_EINVAL, "setting.force2Ddimension", "0..2",
                 NULL);
    expect_error("setting:\n  weightingNorm: chebyshev\n", VX_EINVAL, "'chebyshev'", "manhattan", NULL);
    expect_error("setting:\n  distances: [1, 31]\n", VX_EINVAL, "setting.distances", "1..30", NULL);
    expect_error("setting:\n  label_channel: -1\n", VX_EINVAL, "setting.label_channel", "0..1048576", NULL);
    expect_error("setting:\n  interpolator: sitkBlackmanWindowedSinc\n", VX_EUNSUPPORTED,
                 "sitkBlackmanWindowedSinc is not supported", "sitkBSpline", NULL);
}

/* The features only PyRadiomics defines are selected by name (computed with compat pyradiomics). */
static void test_pyradiomics_only_features(void **state)
{
    (void)state;
    vx_settings s;
    vx_error err;
    assert_int_equal(load_text("featureClass:\n  firstorder: [Mean, TotalEnergy]\n  glcm: [MCC]\n", &s, &err), VX_OK);
    assert_int_equal(bits_set(&s), 3);
    assert_true(vx_settings_feature_wanted(&s, VX_F_STAT_TOTAL_ENERGY));
    assert_true(vx_settings_feature_wanted(&s, VX_F_CM_MCC));
    assert_true(vx_settings_feature_wanted(&s, VX_F_STAT_MEAN));
    assert_true(vx_feature_get(VX_F_CM_MCC)->flags & VX_FF_PYRADIOMICS);
}

/* `compat` in our schema, the canonical text and the hash, and the shipped example. */
static void test_compat_key_and_hash(void **state)
{
    (void)state;
    vx_settings s;
    vx_error err;
    char text[4096], h0[65], h1[65], h2[65];
    assert_string_equal(vx_compat_name(VX_COMPAT_IBSI), "ibsi");
    assert_string_equal(vx_compat_name(VX_COMPAT_PYRADIOMICS), "pyradiomics");
    assert_int_equal(vx_compat_find("PyRadiomics"), VX_COMPAT_PYRADIOMICS);
    assert_int_equal(vx_compat_find("ibsi"), VX_COMPAT_IBSI);
    assert_int_equal(vx_compat_find("radiomics"), -1);

    vx_settings_default(&s);
    assert_int_equal(vx_settings_canonical(&s, text, sizeof text), VX_OK);
    assert_null(strstr(text, "compat")); /* the default adds nothing: earlier hashes stay */
    assert_null(strstr(text, "subset"));
    vx_settings_hash(&s, h0);

    assert_int_equal(load_text("compat: pyradiomics\nvoxel_array_shift: 2000\n", &s, &err), VX_OK);
    assert_int_equal(s.compat, VX_COMPAT_PYRADIOMICS);
    assert_true(s.voxel_shift == 2000.0);
    assert_int_equal(s.feature_subset, 0);
    assert_int_equal(vx_settings_canonical(&s, text, sizeof text), VX_OK);
    assert_non_null(strstr(text, ";compat=pyradiomics;voxel_shift=2000"));
    vx_settings_hash(&s, h1);
    assert_string_not_equal(h0, h1);
    assert_int_equal(load_text("compat: ibsi\n", &s, &err), VX_OK);
    vx_settings_hash(&s, h2);
    assert_string_equal(h0, h2);
    expect_error("compat: pyrad\n", VX_EINVAL, "params.yaml:1:", "compat", "'pyrad'", NULL);

    /* a feature subset is part of the text */
    assert_int_equal(load_text("featureClass:\n  glcm: [Contrast]\n", &s, &err), VX_OK);
    assert_int_equal(vx_settings_canonical(&s, text, sizeof text), VX_OK);
    assert_non_null(strstr(text, ";compat=pyradiomics;subset="));
    vx_settings_hash(&s, h1);
    assert_int_equal(load_text("featureClass:\n  glcm: [Idmn]\n", &s, &err), VX_OK);
    vx_settings_hash(&s, h2);
    assert_string_not_equal(h1, h2);

    /* the shipped example loads */
    char path[4096];
    snprintf(path, sizeof path, "%s/configs/examples/pyradiomics_params.yaml", getenv("VX_SOURCE_DIR"));
    vx_settings_default(&s);
    assert_int_equal(vx_settings_load(path, &s, &err), VX_OK);
    assert_int_equal(s.compat, VX_COMPAT_PYRADIOMICS);
    assert_true(s.texture_disc.method == VX_DISC_FBS && s.texture_disc.bin_width == 25.0);
    assert_true(s.reseg_min == -1000.0 && s.reseg_max == 400.0);
    assert_true(s.resample_spacing[0] == 1.0 && s.resample_spacing[1] == 1.0 && s.resample_spacing[2] == 1.0);
    assert_int_equal(s.interp, VX_INTERP_CUBIC);
    assert_true(s.voxel_shift == 1000.0);
    assert_int_equal(bits_set(&s), 107); /* every class but shape2D */
}

/* PyRadiomics column names. */
static void test_columns(void **state)
{
    (void)state;
    char b[96];
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_CM_CONTRAST, VX_AGG_3D_AVG, b, sizeof b), 0);
    assert_string_equal(b, "original_glcm_Contrast");
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_CM_CONTRAST, VX_AGG_25D_DMRG, b, sizeof b), 0);
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_CM_CONTRAST, VX_AGG_3D_MRG, b, sizeof b), -1);
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_CM_CONTRAST, VX_AGG_2D_AVG, b, sizeof b), -1);
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_CM_SUM_VAR, VX_AGG_3D_AVG, b, sizeof b), -1);
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_STAT_KURT, VX_AGG_NONE, b, sizeof b), 0);
    assert_string_equal(b, "original_firstorder_Kurtosis");
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_IH_ENTROPY, VX_AGG_NONE, b, sizeof b), 0);
    assert_string_equal(b, "original_firstorder_Entropy");
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_MORPH_VOLUME, VX_AGG_NONE, b, sizeof b), 0);
    assert_string_equal(b, "original_shape_MeshVolume");
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_NGL_LDE, VX_AGG_3D, b, sizeof b), 0);
    assert_string_equal(b, "original_gldm_SmallDependenceEmphasis");
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_SZM_SZE, VX_AGG_25D, b, sizeof b), 0);
    assert_string_equal(b, "original_glszm_SmallAreaEmphasis");
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_SZM_SZE, VX_AGG_2D, b, sizeof b), -1);
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_RLM_SRE, VX_AGG_3D_AVG, b, sizeof b), 0);
    assert_string_equal(b, "original_glrlm_ShortRunEmphasis");
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_DZM_SDE, VX_AGG_3D, b, sizeof b), -1);
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_STAT_MEAN, VX_AGG_3D, b, sizeof b), -1);
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_CM_CONTRAST, VX_AGG_3D_AVG, b, 10), -1); /* too small */
    assert_int_equal(vx_feature_pyradiomics_column("original", VX_F_COUNT, VX_AGG_NONE, b, sizeof b), -1);
}

/* Fixed bin width: IBSI from the ROI minimum, PyRadiomics on multiples of w. */
static void test_fbs_edges(void **state)
{
    (void)state;
    vx_error err;
    int32_t g[4];
    int ng;
    const vx_discretisation fbs = {.method = VX_DISC_FBS, .bin_width = 25.0, .min_value = NAN};
    /* x = {-1, 3, 24, 26}, w = 25. IBSI: floor((x + 1) / 25) + 1 = floor({0, 0.16, 1, 1.08}) + 1 = 1, 1, 2, 2.
     * PyRadiomics: lowest edge -1 - (-1 mod 25) = -1 - 24 = -25, edges -25, 0, 25, 50:
     * g = floor(x / 25) - floor(-1 / 25) + 1 = {-1, 0, 0, 1} + 2 = 1, 2, 2, 3. */
    const float x[4] = {-1.0f, 3.0f, 24.0f, 26.0f};
    assert_int_equal(vx_discretise(x, NULL, 4, &fbs, NAN, NAN, g, &ng, &err), VX_OK);
    assert_true(g[0] == 1 && g[1] == 1 && g[2] == 2 && g[3] == 2 && ng == 2);
    assert_int_equal(vx_discretise_compat(x, NULL, 4, &fbs, VX_COMPAT_IBSI, NAN, NAN, g, &ng, &err), VX_OK);
    assert_true(g[0] == 1 && g[1] == 1 && g[2] == 2 && g[3] == 2 && ng == 2);
    assert_int_equal(vx_discretise_compat(x, NULL, 4, &fbs, VX_COMPAT_PYRADIOMICS, NAN, NAN, g, &ng, &err), VX_OK);
    assert_true(g[0] == 1 && g[1] == 2 && g[2] == 2 && g[3] == 3 && ng == 3);
    /* a given lower bound (binMinimum) is used as it is: the IBSI bins from -1 */
    assert_int_equal(vx_discretise_compat(x, NULL, 4, &fbs, VX_COMPAT_PYRADIOMICS, -1.0, NAN, g, &ng, &err), VX_OK);
    assert_true(g[0] == 1 && g[1] == 1 && g[2] == 2 && g[3] == 2);
    /* positive minimum: x = {30, 49, 50, 74}. IBSI from 30: floor({0, 0.76, 0.8, 1.76}) + 1 = 1, 1, 1, 2.
     * PyRadiomics: edges 25, 50, 75: 1, 1, 2, 2. */
    const float y[4] = {30.0f, 49.0f, 50.0f, 74.0f};
    assert_int_equal(vx_discretise_compat(y, NULL, 4, &fbs, VX_COMPAT_IBSI, NAN, NAN, g, &ng, &err), VX_OK);
    assert_true(g[0] == 1 && g[1] == 1 && g[2] == 1 && g[3] == 2);
    assert_int_equal(vx_discretise_compat(y, NULL, 4, &fbs, VX_COMPAT_PYRADIOMICS, NAN, NAN, g, &ng, &err), VX_OK);
    assert_true(g[0] == 1 && g[1] == 1 && g[2] == 2 && g[3] == 2 && ng == 2);
    /* a flat region on an edge: one bin (PyRadiomics' [m - 0.5, m + 0.5] case) */
    const float z[2] = {50.0f, 50.0f};
    assert_int_equal(vx_discretise_compat(z, NULL, 2, &fbs, VX_COMPAT_PYRADIOMICS, NAN, NAN, g, &ng, &err), VX_OK);
    assert_true(g[0] == 1 && g[1] == 1 && ng == 1);
    /* fixed bin number is the same in both */
    const vx_discretisation fbn = {.method = VX_DISC_FBN, .bin_count = 2, .min_value = NAN};
    assert_int_equal(vx_discretise_compat(x, NULL, 4, &fbn, VX_COMPAT_PYRADIOMICS, NAN, NAN, g, &ng, &err), VX_OK);
    /* range 27: floor(2 (x + 1) / 27) + 1 = floor({0, 0.30, 1.85}) + 1, max -> 2: 1, 1, 2, 2 */
    assert_true(g[0] == 1 && g[1] == 1 && g[2] == 2 && g[3] == 2 && ng == 2);
}

/* A 4 x 1 x 1 image, all voxels in the ROI. */
static void four_voxels(const float v[4], vx_image **img, vx_image **mask)
{
    vx_geometry g;
    vx_geometry_default(&g, 4, 1, 1);
    *img = vx_image_new(&g);
    *mask = vx_image_new(&g);
    assert_non_null(*img);
    assert_non_null(*mask);
    for (int i = 0; i < 4; i++) {
        (*img)->v[i] = v[i];
        (*mask)->v[i] = 1.0f;
    }
}

static void run_stats(const float v[4], int compat, double shift, double bin_width, vx_results *res)
{
    vx_image *img, *mask;
    four_voxels(v, &img, &mask);
    vx_settings s;
    vx_error err;
    vx_settings_default(&s);
    s.compat = compat;
    s.voxel_shift = shift;
    s.pyrad_min_roi_dims = 1; /* a 1D ROI (PyRadiomics' default minimumROIDimensions 2 would refuse it) */
    s.texture_disc = (vx_discretisation){.method = VX_DISC_FBS, .bin_width = bin_width, .min_value = NAN};
    s.features.families = FAM(VX_FAM_STAT) | FAM(VX_FAM_IH);
    vx_results_init(res);
    int rc = vx_extract(img, mask, &s, res, &err);
    if (rc != VX_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    vx_image_free(img);
    vx_image_free(mask);
}

/* Kurtosis, energy / RMS with voxelArrayShift, histogram entropy with PyRadiomics' bins. */
static void test_firstorder_compat(void **state)
{
    (void)state;
    vx_results r;
    /* x = {1, 2, 3, 10}: mean 4, deviations -3, -2, -1, 6; m2 = 50 / 4 = 12.5, m4 = (81 + 16 + 1 + 1296) / 4
     * = 348.5; kurtosis m4 / m2^2 = 348.5 / 156.25 = 2.23040; IBSI excess kurtosis 2.23040 - 3 = -0.76960.
     * Energy sum x^2 = 1 + 4 + 9 + 100 = 114, RMS sqrt(114 / 4); with c = 1000: sum (x + c)^2 = 1001^2 + 1002^2 +
     * 1003^2 + 1010^2 = 4032114, RMS sqrt(4032114 / 4) = sqrt(1008028.5). */
    const float v[4] = {1.0f, 2.0f, 3.0f, 10.0f};
    run_stats(v, VX_COMPAT_IBSI, 1000.0, 25.0, &r); /* the shift is PyRadiomics-only */
    vx_assert_close(vx_results_get(&r, VX_F_STAT_KURT, VX_AGG_NONE), 348.5 / 156.25 - 3.0);
    vx_assert_close(vx_results_get(&r, VX_F_STAT_ENERGY, VX_AGG_NONE), 114.0);
    vx_assert_close(vx_results_get(&r, VX_F_STAT_RMS, VX_AGG_NONE), sqrt(114.0 / 4.0));
    vx_results_free(&r);
    run_stats(v, VX_COMPAT_PYRADIOMICS, 0.0, 25.0, &r);
    vx_assert_close(vx_results_get(&r, VX_F_STAT_KURT, VX_AGG_NONE), 348.5 / 156.25);
    vx_assert_close(vx_results_get(&r, VX_F_STAT_ENERGY, VX_AGG_NONE), 114.0);
    vx_assert_close(vx_results_get(&r, VX_F_STAT_RMS, VX_AGG_NONE), sqrt(114.0 / 4.0));
    vx_assert_close(vx_results_get(&r, VX_F_STAT_MEAN, VX_AGG_NONE), 4.0); /* the others unchanged */
    vx_assert_close(vx_results_get(&r, VX_F_STAT_SKEW, VX_AGG_NONE), (-27.0 - 8.0 - 1.0 + 216.0) / 4.0 /
                                                                       pow(12.5, 1.5));
    vx_results_free(&r);
    run_stats(v, VX_COMPAT_PYRADIOMICS, 1000.0, 25.0, &r);
    vx_assert_close(vx_results_get(&r, VX_F_STAT_ENERGY, VX_AGG_NONE), 4032114.0);
    vx_assert_close(vx_results_get(&r, VX_F_STAT_RMS, VX_AGG_NONE), sqrt(1008028.5));
    vx_assert_close(vx_results_get(&r, VX_F_STAT_KURT, VX_AGG_NONE), 348.5 / 156.25);
    vx_results_free(&r);
    /* a flat region: kurtosis 0 in both (PyRadiomics returns 0, not 3) */
    const float flat[4] = {5.0f, 5.0f, 5.0f, 5.0f};
    run_stats(flat, VX_COMPAT_PYRADIOMICS, 0.0, 25.0, &r);
    assert_true(vx_results_get(&r, VX_F_STAT_KURT, VX_AGG_NONE) == 0.0);
    vx_results_free(&r);
    /* histogram entropy on x = {-1, 3, 24, 26}, w = 25: IBSI bins 1, 1, 2, 2 -> p = 1/2, 1/2 -> 1 bit;
     * PyRadiomics bins 1, 2, 2, 3 -> p = 1/4, 1/2, 1/4 -> 1.5 bits */
    const float e[4] = {-1.0f, 3.0f, 24.0f, 26.0f};
    run_stats(e, VX_COMPAT_IBSI, 0.0, 25.0, &r);
    vx_assert_close(vx_results_get(&r, VX_F_IH_ENTROPY, VX_AGG_NONE), 1.0);
    vx_results_free(&r);
    run_stats(e, VX_COMPAT_PYRADIOMICS, 0.0, 25.0, &r);
    vx_assert_close(vx_results_get(&r, VX_F_IH_ENTROPY, VX_AGG_NONE), 1.5);
    vx_results_free(&r);
}

static void grid_case(const double dir[9], size_t n, double sp, double sp_new, int compat, vx_geometry *out)
{
    vx_geometry in;
    vx_geometry_default(&in, n, n, 3);
    in.spacing[0] = in.spacing[1] = sp;
    in.spacing[2] = 5.0;
    in.origin[0] = 10.0;
    in.origin[1] = 20.0;
    in.origin[2] = 30.0;
    memcpy(in.direction, dir, sizeof in.direction);
    const double spacing[3] = {sp_new, sp_new, NAN};
    vx_error err;
    assert_int_equal(vx_resample_grid_compat(&in, spacing, compat, out, &err), VX_OK);
}

/* Resampling grid: IBSI aligns the grid centres, PyRadiomics the corners of the first voxels. */
static void test_grid(void **state)
{
    (void)state;
    const double id[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    vx_geometry a, b;
    /* 4 x 4 voxels of 3 mm -> 2 mm: n' = ceil(4 * 3 / 2) = 6 in both. IBSI: first centre at
     * ((4 - 1) 3 - (6 - 1) 2) / 2 = -0.5 mm; PyRadiomics: (2 - 3) / 2 = -0.5 mm: here they coincide, as
     * n s = n' s' (both grids cover exactly the same 12 mm). */
    grid_case(id, 4, 3.0, 2.0, VX_COMPAT_IBSI, &a);
    grid_case(id, 4, 3.0, 2.0, VX_COMPAT_PYRADIOMICS, &b);
    assert_true(a.dims[0] == 6 && a.dims[1] == 6 && a.dims[2] == 3);
    assert_true(b.dims[0] == 6 && b.dims[1] == 6 && b.dims[2] == 3);
    vx_assert_close(a.origin[0], 9.5);
    vx_assert_close(b.origin[0], 9.5);
    vx_assert_close(b.origin[1], 19.5);
    vx_assert_close(b.origin[2], 30.0); /* z kept */
    /* 5 x 5 voxels of 3 mm -> 2 mm: n' = ceil(7.5) = 8. IBSI: ((5 - 1) 3 - (8 - 1) 2) / 2 = -1 mm;
     * PyRadiomics: -0.5 mm (its grid overhangs the image by 1 mm at the far end). */
    grid_case(id, 5, 3.0, 2.0, VX_COMPAT_IBSI, &a);
    grid_case(id, 5, 3.0, 2.0, VX_COMPAT_PYRADIOMICS, &b);
    assert_true(a.dims[0] == 8 && b.dims[0] == 8 && a.dims[1] == 8 && b.dims[1] == 8);
    vx_assert_close(a.origin[0], 9.0);
    vx_assert_close(a.origin[1], 19.0);
    vx_assert_close(b.origin[0], 9.5);
    vx_assert_close(b.origin[1], 19.5);
    assert_true(b.spacing[0] == 2.0 && b.spacing[2] == 5.0);
    /* the shift follows the direction cosines: x axis pointing to -x in the world, y to +z, z to +y */
    const double d[9] = {-1, 0, 0, 0, 0, 1, 0, 1, 0};
    grid_case(d, 5, 3.0, 2.0, VX_COMPAT_PYRADIOMICS, &b);
    vx_assert_close(b.origin[0], 10.5); /* 10 + (-1)(-0.5) */
    vx_assert_close(b.origin[1], 20.0); /* z axis (column 2) is kept */
    vx_assert_close(b.origin[2], 29.5); /* 30 + (1)(-0.5) along the y axis */
    /* IBSI's entry point is unchanged */
    vx_geometry in, c;
    vx_geometry_default(&in, 5, 5, 3);
    in.spacing[0] = in.spacing[1] = 3.0;
    const double sp[3] = {2.0, 2.0, NAN};
    vx_error err;
    assert_int_equal(vx_resample_grid(&in, sp, &c, &err), VX_OK);
    vx_assert_close(c.origin[0], -1.0);
}

/* Through vx_extract: PyRadiomics does not resample along an axis where the ROI is one voxel thick, and uses
 * the corner-aligned grid (checked on the diagnostic grid size and spacing). */
static void test_extract_grid(void **state)
{
    (void)state;
    vx_geometry g;
    vx_geometry_default(&g, 5, 5, 3);
    g.spacing[0] = g.spacing[1] = g.spacing[2] = 3.0;
    vx_image *img = vx_image_new(&g), *mask = vx_image_new(&g);
    assert_non_null(img);
    assert_non_null(mask);
    for (size_t i = 0; i < 75; i++) {
        img->v[i] = (float)(i % 7);
        mask->v[i] = 0.0f;
    }
    for (size_t y = 1; y < 4; y++)
        for (size_t x = 1; x < 4; x++)
            mask->v[x + 5 * (y + 5 * 1)] = 1.0f; /* a 3 x 3 ROI in slice z = 1 */
    vx_settings s;
    vx_error err;
    for (int compat = 0; compat < 2; compat++) {
        vx_settings_default(&s);
        s.compat = compat;
        s.resample_spacing[0] = s.resample_spacing[1] = s.resample_spacing[2] = 2.0;
        s.mask_interp = VX_INTERP_NEAREST;
        s.texture_disc = (vx_discretisation){.method = VX_DISC_FBN, .bin_count = 4, .min_value = NAN};
        s.features.families = FAM(VX_FAM_STAT);
        s.diagnostics = 1;
        vx_results r;
        vx_results_init(&r);
        int rc = vx_extract(img, mask, &s, &r, &err);
        if (rc != VX_OK)
            print_error("%s\n", err.msg);
        assert_int_equal(rc, VX_OK);
        double dz = NAN, nx = NAN, nz = NAN;
        for (size_t i = 0; i < r.n_diag; i++) {
            if (!strcmp(r.diag[i].tag, "vox_dim_z_interp_img"))
                dz = r.diag[i].value;
            if (!strcmp(r.diag[i].tag, "img_dim_x_interp_img"))
                nx = r.diag[i].value;
            if (!strcmp(r.diag[i].tag, "img_dim_z_interp_img"))
                nz = r.diag[i].value;
        }
        /* x: ceil(5 * 3 / 2) = 8 in both; z: IBSI resamples to ceil(9 / 2) = 5 slices of 2 mm, PyRadiomics
         * keeps the 3 slices of 3 mm (the ROI spans one slice) */
        assert_true(nx == 8.0);
        assert_true(compat ? (dz == 3.0 && nz == 3.0) : (dz == 2.0 && nz == 5.0));
        vx_results_free(&r);
    }
    vx_image_free(img);
    vx_image_free(mask);
}

/* Filtered image types: each maps onto IBSI 2 filters with PyRadiomics' image-type names, in file order
 * after Original; filter settings from `setting`, overridden by the image type's own mapping. */
static void test_image_types(void **state)
{
    (void)state;
    vx_settings *s = malloc(sizeof *s);
    vx_error err;
    const char *text = "imageType:\n"
                       "  Original: {}\n"
                       "  LoG: {sigma: [1, 2.5, 3.0], binWidth: 5}\n"
                       "  Wavelet: {level: 2}\n"
                       "  Square: {}\n"
                       "  Gradient: {gradientUseSpacing: false}\n"
                       "  LBP3D: {}\n"
                       "setting:\n"
                       "  wavelet: db2\n"
                       "  sigma: [9.0]\n";
    if (load_text(text, s, &err) != VX_OK)
        fail_msg("%s", err.msg);
    const char *names[] = {"log-sigma-1-mm-3D", "log-sigma-2-5-mm-3D", "log-sigma-3-0-mm-3D",
                           "wavelet-LLH", "wavelet-LHL", "wavelet-LHH", "wavelet-HLL", "wavelet-HLH", "wavelet-HHL",
                           "wavelet-HHH", "wavelet2-LLH", "wavelet2-LHL", "wavelet2-LHH", "wavelet2-HLL",
                           "wavelet2-HLH", "wavelet2-HHL", "wavelet2-HHH", "wavelet2-LLL", "square", "gradient",
                           "lbp-3D-m1", "lbp-3D-m2", "lbp-3D-k"};
    const int n = (int)(sizeof names / sizeof names[0]);
    assert_int_equal(s->image_original, 1);
    assert_int_equal(s->n_filters, n);
    for (int i = 0; i < n; i++)
        assert_string_equal(s->filters[i].name, names[i]);
    /* LoG (ITK's recursive LoG, log_recursive): the image type's sigma list wins over setting.sigma; its binWidth is
     * its own discretisation */
    assert_int_equal(s->filters[1].filter.kind, VX_FILTER_LOG_RECURSIVE);
    assert_true(s->filters[1].filter.sigma_mm == 2.5);
    assert_int_equal(s->filters[1].own_texture_disc, 1);
    assert_true(s->filters[1].texture_disc.method == VX_DISC_FBS && s->filters[1].texture_disc.bin_width == 5.0);
    /* wavelet: setting.wavelet, levels 1 and 2, sub-band letters x first, the approximation of the last level */
    assert_int_equal(s->filters[3].filter.kind, VX_FILTER_WAVELET_PYRAD);
    assert_string_equal(s->filters[3].filter.wavelet, "db2");
    assert_string_equal(s->filters[3].filter.subband, "LLH");
    assert_int_equal(s->filters[3].filter.level, 1);
    assert_int_equal(s->filters[10].filter.level, 2);
    assert_string_equal(s->filters[17].filter.subband, "LLL");
    assert_int_equal(s->filters[17].filter.level, 2);
    assert_int_equal(s->filters[3].own_texture_disc, 0);
    assert_int_equal(s->filters[18].filter.kind, VX_FILTER_SQUARE);
    assert_int_equal(s->filters[19].filter.gradient_spacing, 0);
    assert_int_equal(s->filters[20].filter.lbp_map, 1);
    assert_int_equal(s->filters[22].filter.lbp_map, 0);
    assert_int_equal(vx_settings_validate(s, &err), VX_OK);
    /* PyRadiomics' column names from the image-type names */
    char col[160];
    assert_int_equal(vx_feature_pyradiomics_column(s->filters[3].name, VX_F_CM_CONTRAST, VX_AGG_3D_AVG, col,
                                                   sizeof col), 0);
    assert_string_equal(col, "wavelet-LLH_glcm_Contrast");
    assert_int_equal(vx_feature_pyradiomics_column(s->filters[2].name, VX_F_STAT_MEAN, VX_AGG_NONE, col, sizeof col), 0);
    assert_string_equal(col, "log-sigma-3-0-mm-3D_firstorder_Mean");
    /* start_level shifts the levels, not the names; force2D: the in-plane sub-bands */
    text = "imageType:\n  Wavelet: {start_level: 1}\nsetting:\n  force2D: true\n";
    if (load_text(text, s, &err) != VX_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(s->image_original, 0);
    assert_int_equal(s->n_filters, 4);
    assert_string_equal(s->filters[0].name, "wavelet-LH");
    assert_int_equal(s->filters[0].filter.dim, 2);
    assert_int_equal(s->filters[0].filter.level, 2);
    assert_string_equal(s->filters[3].name, "wavelet-LL");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),           cmocka_unit_test(test_settings_mapped),
        cmocka_unit_test(test_image_types),
        cmocka_unit_test(test_errors_unknown),     cmocka_unit_test(test_errors_unsupported),
        cmocka_unit_test(test_pyradiomics_only_features),
        cmocka_unit_test(test_compat_key_and_hash), cmocka_unit_test(test_columns),
        cmocka_unit_test(test_fbs_edges),          cmocka_unit_test(test_firstorder_compat),
        cmocka_unit_test(test_grid),               cmocka_unit_test(test_extract_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
