/* voxomics: the processed region of interest in one call (IBSI 1 chapter 2, in its order).
 *
 * vx_roi_build turns an image and its mask into the vx_roi every feature family consumes:
 *   1. the ROI of the mask (threshold or label, per the settings); an empty ROI or non-finite intensities in
 *      it are errors;
 *   2. interpolation (when a resampling spacing is set; voxomics/process.h): the ROI is interpolated onto
 *      the new grid and voxels at or above the partial-volume threshold kept, and the intensities are
 *      interpolated over the new ROI box plus the margin the consumer asks for (so the cost follows the
 *      ROI, not the image: only the input voxels the interpolator reaches are read), then rounded as asked;
 *      without interpolation the ROI box plus margin is copied (the values the interpolation path gives when
 *      every axis is a copy, without its double-precision staging);
 *   3. re-segmentation of the intensity mask (range, then outliers; vx_resegment), the morphological mask
 *      staying as it is;
 *   4. discretisation for the intensity histogram and texture families (texture_disc), and the
 *      intensity-volume histogram map (ivh_disc; vx_ivh_map_make: the values are computed from the
 *      intensities when the family runs, never stored), each only when the settings ask for
 *      those families on the original image (image_types.original; grey / ivh stay zero otherwise).
 * With compat pyradiomics fixed bin sizes start at a multiple of the bin width, and the resegmentation range
 * reads per pyrad_reseg_mode (docs/config.md); vx_extract prepares such a case with vx_pyrad_prepare
 * (PyRadiomics' normalisation and SimpleITK resampling, below) and builds the ROI without interpolation. Called
 * directly with a resampling spacing and compat pyradiomics, vx_roi_build's grid aligns the first voxel
 * corners and skips axes along which the ROI is one voxel thick (vx_resample_grid_compat).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_ROI_H
#define VOXOMICS_ROI_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "voxomics/error.h"
#include "voxomics/export.h"
#include "voxomics/settings.h"
#include "voxomics/feature.h"
#include "voxomics/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the consumer of the ROI asks for beyond the settings. */
typedef struct vx_roi_request {
    /* Intensities kept around the ROI's bounding box on the (interpolated) grid: ceil(margin_mm / spacing) + 1
     * voxels per axis, within the grid. The feature families need the local-intensity sphere radius
     * cbrt(3 V / (4 pi)) for a sphere of V mm^3; a filter would ask for its kernel's half support. */
    double margin_mm;
} vx_roi_request;

/* Running sum, minimum, maximum and count of intensities (diagnostics). Empty: n = 0, min +Inf, max -Inf. */
typedef struct vx_intensity_stats {
    double sum, min, max;
    size_t n;
} vx_intensity_stats;

/* IBSI diagnostic values of one stage of the ROI ("initial", "interpolated", "re-segmented"). */
typedef struct vx_roi_stage {
    size_t dims[3];                /* grid of the masks */
    size_t int_bb[3], morph_bb[3]; /* bounding-box sizes of the intensity and morphological masks */
    size_t n_int, n_morph;         /* voxel counts */
    vx_intensity_stats in;         /* intensities inside the intensity mask */
} vx_roi_stage;

/* The image and the ROI at each stage (IBSI 1 "Diagnostic features"). */
typedef struct vx_roi_diag {
    vx_geometry init_grid, interp_grid;     /* input grid; interpolated grid (the input grid without) */
    vx_intensity_stats init_img, interp_img; /* whole-image intensities (finite voxels) before / after interpolation */
    vx_roi_stage init_roi, interp_roi, reseg_roi;
} vx_roi_diag;

/* The families that read grey levels (the intensity histogram and the texture families), as family bits. */
#define VX_ROI_GREY_FAMILIES                                                                                      \
    ((1u << VX_FAM_IH) | (1u << VX_FAM_GLCM) | (1u << VX_FAM_GLRLM) | (1u << VX_FAM_GLSZM) | (1u << VX_FAM_GLDZM) | \
     (1u << VX_FAM_NGTDM) | (1u << VX_FAM_NGLDM))

/* Build the processed ROI of image img and mask (one grid: check it with vx_geometry_check first) per the
 * settings s (valid: vx_settings_validate) and the request req (NULL: no margin) into *out, whose arrays
 * (img, imask, mmask, grey; ivh stays NULL, the IVH values following from img under ivh_map) this call
 * allocates: release them with vx_roi_free, also after an error
 * (then *out holds no array). diag NULL: no diagnostics; else it receives the diagnostic values, which with
 * interpolation costs one interpolation of the whole image, slab by slab.
 * Errors: VX_EEMPTY (no ROI voxel, none left after interpolation or re-segmentation), VX_ENAN (non-finite
 * intensities in the ROI, or reaching it through interpolation), VX_EINVAL (discretisation: e.g. none with
 * non-integer intensities), VX_ENOMEM; the message names the step and the fix. */
VX_API int vx_roi_build(const vx_image *img, const vx_image *mask, const vx_settings *s, const vx_roi_request *req,
                 vx_roi *out, vx_roi_diag *diag, vx_error *err);
/* Free the arrays vx_roi_build allocated into r and zero r. NULL and a zeroed vx_roi are fine. */
VX_API void vx_roi_free(vx_roi *r);

/* The ROI of a filter's response map (IBSI 2): base's grid, box and masks (shared, not copied: base must
 * outlive out) with the intensities img (base's dims; out takes ownership, also on error), discretised for
 * the requested families only (bit (1u << vx_family)): grey levels per tex when a texture family or the
 * intensity histogram is asked for, the IVH map per ivh when the IVH is (ivh NULL). A response map is not in the image's
 * units, so no re-segmentation bound enters: fixed bin sizes start at tex->min_value, else at the ROI
 * minimum, and the IVH range is the ROI's. Release with vx_roi_free_derived (also after an error).
 * Errors: those of vx_discretise and vx_ivh_map_make, VX_ENOMEM. */
VX_API int vx_roi_derive(const vx_roi *base, float *img, const vx_settings *s, const vx_discretisation *tex,
                         const vx_discretisation *ivh, unsigned families, vx_roi *out, vx_error *err);
/* Free what vx_roi_derive allocated (the intensities, grey levels and IVH values; not the shared masks). */
VX_API void vx_roi_free_derived(vx_roi *r);

/* Intensity-volume histogram input (IBSI 1 "Intensity-volume histogram"): per voxel of the intensity mask
 * imask (n voxels of img), ivh[i] is
 *   d->method none:  the intensity itself (calibrated, discrete intensities); range: the re-segmentation
 *                    range where set, else the ROI range;
 *   fixed bin size:  the bin centre x_min + (g - 0.5) w, x_min = d->min_value, else reseg_min, else the ROI
 *                    minimum; range: the first bin centre to the centre of the bin below reseg_max (IBSI
 *                    configuration C: -998.75 .. 398.75), else to the highest occupied bin; *bin_width = w;
 *   fixed bin number: the bin number 1..N; range 1..N.
 * ivh[] outside the mask is left as it is. *bin_width is 1 except for fixed bin size.
 * Errors: those of vx_discretise (prefixed "IVH "), VX_ENOMEM. */
VX_API int vx_ivh_values(const float *img, const uint8_t *imask, size_t n, const vx_discretisation *d, double reseg_min,
                  double reseg_max, double *ivh, double *lo, double *hi, double *bin_width, vx_error *err);
/* vx_ivh_values without the values: the map from a voxel's intensity to its IVH value (vx_roi's ivh_map), the
 * range and the bin width; the same checks and errors. What vx_roi_build and vx_roi_derive store (their ivh
 * NULL): the IVH family computes each value from the intensity, no array of n doubles. */
VX_API int vx_ivh_map_make(const float *img, const uint8_t *imask, size_t n, const vx_discretisation *d,
                           double reseg_min, double reseg_max, vx_ivh_map *map, double *lo, double *hi,
                           double *bin_width, vx_error *err);

/* ---- discretisation and grids with a compatibility mode (src/prep) --------------------------------- */
/* Discretise n values x[i] where mask[i] != 0 (mask NULL: all) into grey[i] (0 outside the mask).
 * x_min/x_max: FBS lower bound and FBN range (NaN: ROI minimum / maximum). On success *n_grey is the number
 * of grey levels Ng: N for FBN, the highest level reached for FBS and none. */
VX_API int vx_discretise(const float *x, const uint8_t *mask, size_t n, const vx_discretisation *d, double x_min,
                  double x_max, int32_t *grey, int *n_grey, vx_error *err);

/* vx_discretise with a compatibility mode: VX_COMPAT_PYRADIOMICS puts fixed-bin-size edges on multiples of
 * the bin width, g = floor(x / w) - floor(m / w) + 1 with m the ROI minimum, unless x_min is given (then
 * g = floor((x - x_min) / w) + 1, PyRadiomics' binMinimum); other methods are as in vx_discretise. */
VX_API int vx_discretise_compat(const float *x, const uint8_t *mask, size_t n, const vx_discretisation *d, int compat,
                                double x_min, double x_max, int32_t *grey, int *n_grey, vx_error *err);
/* vx_resample_grid with a compatibility mode: VX_COMPAT_PYRADIOMICS aligns the corners of the first voxels
 * (the first new voxel centre lies (s' - s) / 2 mm from the first input voxel centre along each resampled
 * axis, as PyRadiomics' resampleImage) instead of IBSI's grid centres; the size is ceil(n s / s') in both. */
VX_API int vx_resample_grid_compat(const vx_geometry *in, const double spacing[3], int compat, vx_geometry *out,
                                   vx_error *err);

/* ---- PyRadiomics' image processing (compat pyradiomics; src/prep/pyrad_prep.c explains the arithmetic) --- */
/* PyRadiomics' normalizeImage on the whole image, in place: x -> ((x - mean) / sd) clipped to [-outliers,
 * outliers] when outliers > 0, times scale (mean and sample standard deviation of every voxel, as ITK's
 * NormalizeImageFilter); the image becomes real (pixel_type VX_PIXEL_REAL). Errors: VX_EINVAL (fewer than 2
 * voxels, a flat image), VX_ENAN (a non-finite voxel). */
VX_API int vx_pyrad_normalize(vx_image *img, double scale, double outliers, vx_error *err);
/* PyRadiomics' resampling grid (resampleImage) from the bounding box of label in mask (label <= 0: of the
 * voxels >= 0.5): spacing per axis (0 or
 * NaN keeps the mask's; so does an axis along which the ROI is one voxel), the box widened by pad new voxels
 * and clipped to the image, the origin where PyRadiomics puts it. Errors: VX_EEMPTY (no voxel with the label),
 * VX_EINVAL (a grid too large). */
VX_API int vx_pyrad_resample_grid(const vx_image *mask, int label, const double spacing[3], double pad,
                                  vx_geometry *out, vx_error *err);
/* src resampled onto grid (same direction) as SimpleITK's ResampleImageFilter with an identity transform:
 * nearest, linear or cubic B-spline (ITK's BSplineInterpolateImageFunction, order 3), 0 outside the image,
 * the result cast to src->pixel_type (vx_pixel_cast). *out: a new image (free with vx_image_free), NULL on
 * error. Errors: VX_EINVAL (unknown interpolator), VX_ENOMEM. */
VX_API int vx_pyrad_resample_onto(const vx_image *src, const vx_geometry *grid, vx_interp interp, vx_image **out,
                                  vx_error *err);
/* PyRadiomics' processing of a case before the ROI (featureextractor.loadImage and checkMask), per the
 * settings (compat pyradiomics): normalisation (pyrad_normalize), resampling (resample_spacing, interp; the
 * grid from the mask, the mask by nearest neighbour; a mask on another grid than the image's is fine when its
 * ROI lies inside the image), else the mask geometry (within pyrad_geometry_tolerance, else resampled onto
 * the image grid when pyrad_correct_mask, else an error), and the ROI checks (pyrad_min_roi_dims,
 * pyrad_min_roi_size, pre_crop). *pimg / *pmask receive the processed image and mask (new images: free with
 * vx_image_free), or NULL where a step left img / mask as they are (then the case goes on with img / mask);
 * the ROI is then built on them without further interpolation (a mask within the tolerance counts as on the
 * image grid). Both NULL on error. Errors: VX_EGEOMETRY, VX_EEMPTY, VX_EINVAL, VX_ENAN, VX_ENOMEM, each with
 * the step and the fix. */
VX_API int vx_pyrad_prepare(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_image **pimg,
                            vx_image **pmask, vx_error *err);
/* PyRadiomics' resegmentMask bounds: the range of s (reseg_min, reseg_max; NaN: open) in the units of
 * s->pyrad_reseg_mode turned into intensities over the n voxels of img where mask is set (absolute: as given;
 * relative: times their maximum; sigma: mean + k sd, population sd) into *lo, *hi (NaN: open). */
VX_API void vx_pyrad_reseg_bounds(const float *img, const uint8_t *mask, size_t n, const vx_settings *s, double *lo,
                                  double *hi);
/* PyRadiomics' checkMask on a mask (n voxels of dims d, non-zero = in the ROI): the number of axes along which
 * the ROI's bounding box is longer than one voxel must be >= min_dims (and >= 1), and the voxel count must
 * exceed min_size (when > 0). what names the mask in the message ("the mask", "the re-segmented mask").
 * Errors: VX_EEMPTY. */
VX_API int vx_pyrad_check_mask(const uint8_t *m, const size_t d[3], int min_dims, int min_size, const char *what,
                               vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
