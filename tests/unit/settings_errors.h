/* One settings file per validation rule of src/io/config.c and src/io/pyrad_params.c (issue 11): each must be
 * refused when loaded, with "FILE:LINE: KEY: ..." and a needle saying what is wrong or the valid range.
 * Shared by test_extract.c (library) and test_cli_errors.c (single and cohort runs).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_SETTINGS_ERRORS_H
#define VX_SETTINGS_ERRORS_H

typedef struct settings_error_case {
    const char *text; /* the whole settings file */
    int line;         /* 1-based line the message must name */
    const char *key;  /* key path the message must name */
    const char *needle;
} settings_error_case;

static const settings_error_case settings_error_cases[] = {
    /* input */
    {"input:\n  mask_threshold: 0\n", 2, "input.mask_threshold", "must be a finite number in (0, 1]"},
    {"input:\n  mask_threshold: 1.5\n", 2, "input.mask_threshold", "1.5 is out of range"},
    {"input:\n  mask_threshold: .nan\n", 2, "input.mask_threshold", "(0, 1]"},
    {"input:\n  mask_label: -1\n", 2, "input.mask_label", "integer in 0..1073741824"},
    /* resampling */
    {"processing:\n  resampling:\n    spacing: [0, 1, 1]\n", 3, "processing.resampling.spacing", "[1e-06, 10000] mm"},
    {"processing:\n  resampling:\n    spacing: [1e-30, 1, 1]\n", 3, "processing.resampling.spacing", "1e-30 mm"},
    {"processing:\n  resampling:\n    spacing: [-2, 2, 2]\n", 3, "processing.resampling.spacing", "-2 mm"},
    {"processing:\n  resampling:\n    spacing: [1, 1, .inf]\n", 3, "processing.resampling.spacing", "inf mm"},
    {"processing:\n  resampling:\n    method: sinc\n", 3, "processing.resampling.method", "nearest, linear or cubic"},
    {"processing:\n  resampling:\n    mask_method: cubic\n", 3, "processing.resampling.mask_method",
     "nearest or linear"},
    {"processing:\n  resampling:\n    mask_partial_volume: 0\n", 3, "processing.resampling.mask_partial_volume",
     "(0, 1]"},
    {"processing:\n  resampling:\n    mask_partial_volume: 1.5\n", 3, "processing.resampling.mask_partial_volume",
     "1.5 is out of range"},
    /* re-segmentation */
    {"processing:\n  resegmentation:\n    range: [400, -1000]\n", 3, "processing.resegmentation.range",
     "min 400 exceeds max -1000"},
    {"processing:\n  resegmentation:\n    range: [.inf, 400]\n", 3, "processing.resegmentation.range[0]",
     "an empty range"},
    {"processing:\n  resegmentation:\n    range: [-1000, -.inf]\n", 3, "processing.resegmentation.range[1]",
     "an empty range"},
    {"processing:\n  resegmentation:\n    outlier_sigma: -1\n", 3, "processing.resegmentation.outlier_sigma",
     "finite number >= 0"},
    {"processing:\n  resegmentation:\n    outlier_sigma: .inf\n", 3, "processing.resegmentation.outlier_sigma",
     "finite number >= 0"},
    /* discretisation */
    {"discretisation:\n  texture:\n    method: quantile\n", 3, "discretisation.texture.method",
     "none, fixed_bin_size or fixed_bin_number"},
    {"discretisation:\n  texture:\n    method: fixed_bin_size\n    bin_width: -25\n", 4,
     "discretisation.texture.bin_width", "(0, 1e+15]"},
    {"discretisation:\n  texture:\n    method: fixed_bin_size\n    bin_width: 0\n", 4,
     "discretisation.texture.bin_width", "0 is out of range"},
    {"discretisation:\n  texture:\n    method: fixed_bin_size\n", 3, "discretisation.texture.bin_width",
     "needs bin_width"},
    {"discretisation:\n  texture:\n    method: fixed_bin_number\n", 3, "discretisation.texture.bin_count",
     "needs bin_count"},
    {"discretisation:\n  texture:\n    method: fixed_bin_number\n    bin_count: 0\n", 4,
     "discretisation.texture.bin_count", "integer in 1..16777216"},
    {"discretisation:\n  texture:\n    method: fixed_bin_size\n    bin_width: 25\n    bin_count: 32\n", 5,
     "discretisation.texture.bin_count", "applies to method fixed_bin_number only"},
    {"discretisation:\n  texture:\n    method: fixed_bin_number\n    bin_count: 32\n    bin_width: 25\n", 5,
     "discretisation.texture.bin_width", "applies to method fixed_bin_size only"},
    {"discretisation:\n  ivh:\n    bin_count: 10\n", 3, "discretisation.ivh.bin_count", "the method is none"},
    {"discretisation:\n  texture:\n    method: fixed_bin_number\n    bin_count: 8\n    min: -1000\n", 5,
     "discretisation.texture.min", "applies to method fixed_bin_size only"},
    {"discretisation:\n  texture:\n    method: fixed_bin_size\n    bin_width: 25\n    min: .inf\n", 5,
     "discretisation.texture.min", "finite number"},
    {"processing:\n  resegmentation:\n    range: [-1000, 400]\ndiscretisation:\n  texture: {method: fixed_bin_size, "
     "bin_width: 25, min: -500}\n",
     5, "discretisation.texture.min", "above the re-segmentation lower bound -1000"},
    /* features */
    {"features:\n  families: []\n", 2, "features.families", "at least one family"},
    {"features:\n  families: [glcm, shape]\n", 2, "features.families", "unknown value 'shape'"},
    {"features:\n  aggregations: []\n", 2, "features.aggregations", "at least one aggregation"},
    {"features:\n  glcm: {distance: 0}\n", 2, "features.glcm.distance", "integer in 1..64"},
    {"features:\n  ngldm: {coarseness: -1}\n", 2, "features.ngldm.coarseness", "integer in 0..1048576"},
    {"features:\n  local_intensity: {sphere_volume_cc: 0}\n", 2, "features.local_intensity.sphere_volume_cc",
     "(0, 10000) cm^3"},
    /* image types (IBSI 2 filters) */
    {"image_types:\n  filters:\n    - {filter: blur}\n", 3, "image_types.filters[1].filter", "unknown filter 'blur'; use one of mean, log"},
    {"image_types:\n  filters:\n    - {sigma_mm: 1}\n", 3, "image_types.filters[1]", "no 'filter:' key"},
    {"image_types:\n  filters:\n    - {filter: log, sigma_mm: -1}\n", 3, "image_types.filters[1].sigma_mm",
     "got '-1': expected a number in [1e-06, 10000]"},
    {"image_types:\n  filters:\n    - filter: log\n      truncate: 4\n", 3, "image_types.filters[1]", "filter log: scale sigma = 0 mm; it must be a finite number > 0"},
    {"image_types:\n  filters:\n    - {filter: mean, support: 4}\n", 3, "image_types.filters[1]", "support M = 4 voxels; it must be odd"},
    {"image_types:\n  filters:\n    - {filter: mean, sigma_mm: 2}\n", 3, "image_types.filters[1].sigma_mm",
     "does not apply for filter mean; accepted: filter, name, discretisation, dim, padding"},
    {"image_types:\n  filters:\n    - {filter: log, sigma_mm: 1, colour: red}\n", 3, "image_types.filters[1].colour", "unknown key for filter log"},
    {"image_types:\n  filters: {filter: log}\n", 2, "image_types.filters", "expected a list of filters"},
    {"image_types:\n  filters:\n    - {filter: log, sigma_mm: 1}\n    - {filter: log, sigma_mm: 1.0}\n", 4, "image_types.filters[2]",
     "image type 'log_s1.0mm_3D' is already listed"},
    {"image_types:\n  filters:\n    - {filter: gabor, dim: 2D, sigma_mm: 5, lambda_mm: 2, theta: 5pie}\n", 3,
     "image_types.filters[1].theta", "expected an angle in rad"},
    {"image_types:\n  filters:\n    - {filter: gabor, sigma_mm: 5, lambda_mm: 2}\n", 3, "image_types.filters[1]", "Gabor is a 2D filter; use dim 2"},
    {"image_types:\n  filters:\n    - {filter: mean, dim: 4D}\n", 3, "image_types.filters[1].dim", "expected 2D or 3D"},
    {"image_types:\n  filters:\n    - {filter: mean, padding: zeros}\n", 3, "image_types.filters[1].padding",
     "expected constant (zero), nearest, periodic or mirror"},
    {"image_types:\n  filters:\n    - {filter: laws, kernel: E5L5S5, pooling: median}\n", 3, "image_types.filters[1].pooling",
     "expected max, average or min"},
    {"image_types:\n  filters:\n    - {filter: simoncelli, riesz_order: [1, 0]}\n", 3, "image_types.filters[1].riesz_order",
     "a list of three integers"},
    {"image_types:\n  filters:\n    - {filter: mean, name: 'a b'}\n", 3, "image_types.filters[1].name", "expected one word"},
    {"image_types:\n  filters:\n    - {filter: wavelet, subband: LLH}\n", 3, "image_types.filters[1]", "unknown wavelet ''; use one of haar, db1 .. db38, sym2 .. sym20, coif1 .. coif5, bior1.1"},
    {"image_types:\n  filters:\n    - filter: log\n      sigma_mm: 1\n      discretisation: {texture: {method: fixed_bin_number}}\n", 5,
     "discretisation.texture.bin_count", "needs bin_count"},
    {"image_types:\n  original: false\n", 2, "image_types.original", "no image type"},
    /* top level */
    {"version: 2\n", 1, "version", "integer in 1..1"},
    {"threads: -1\n", 1, "threads", "integer in 0..4096"},
    {"compat: radiomics\n", 1, "compat", "ibsi or pyradiomics"},
    {"voxel_array_shift: .nan\n", 1, "voxel_array_shift", "finite number"},
    {"diagnostics: maybe\n", 1, "diagnostics", "true or false"},
    {"bins: 32\n", 1, "bins", "unknown setting"},
    /* PyRadiomics parameter files */
    {"setting:\n  binWidth: -5\n", 2, "setting.binWidth", "must be > 0"},
    {"setting:\n  binCount: 0\n", 2, "setting.binCount", "integer in 1..16777216"},
    {"setting:\n  resampledPixelSpacing: [1e-30, 1, 1]\n", 2, "setting.resampledPixelSpacing",
     "0 (keeps the axis) or lie in [1e-06, 10000] mm"},
    {"setting:\n  resampledPixelSpacing: [1, -1, 1]\n", 2, "setting.resampledPixelSpacing", "-1 mm is out of range"},
    {"setting:\n  interpolator: sitkCubic\n", 2, "setting.interpolator", "unknown interpolator"},
    {"setting:\n  resegmentRange: [1, 2, 3]\n", 2, "setting.resegmentRange", "[min] or [min, max]"},
    {"setting:\n  normalize: true\n  normalizeScale: 0\n", 3, "setting.normalizeScale", "must be a number in (0, 1e15]"},
    {"setting:\n  removeOutliers: -3\n", 2, "setting.removeOutliers", "must be a number in (0, 1e15]"},
    {"setting:\n  padDistance: -1\n", 2, "setting.padDistance", "integer in 0..1048576"},
    {"setting:\n  minimumROISize: 0\n", 2, "setting.minimumROISize", "integer in 1..1073741824"},
    {"setting:\n  resegmentShape: maybe\n", 2, "setting.resegmentShape", "true or false"},
    {"setting:\n  label: 0\n", 2, "setting.label", "integer in 1..1073741824"},
    {"setting:\n  distances: [0]\n", 2, "setting.distances", "integer in 1..30"},
    {"setting:\n  gldm_a: -1\n", 2, "setting.gldm_a", "integer in 0..1048576"},
    {"setting:\n  voxelArrayShift: .nan\n", 2, "setting.voxelArrayShift", "expected a number"},
    {"setting:\n  geometryTolerance: 0\n", 2, "setting.geometryTolerance", "must be a number in (0, 1]"},
    {"setting:\n  force2Ddimension: 3\n", 2, "setting.force2Ddimension", "integer in 0..2"},
};

#define N_SETTINGS_ERROR_CASES (sizeof settings_error_cases / sizeof settings_error_cases[0])

#endif
