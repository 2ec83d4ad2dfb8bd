/* voxomics: voxel maps (feature maps, PyRadiomics' voxel-based extraction): for every voxel of the ROI, the
 * features of a kernel around it computed as if the kernel were its own ROI (docs/maps.md).
 *
 * Definition (what vx_maps_compute computes):
 *   - the ROI is processed once as vx_extract does (interpolation, re-segmentation; PyRadiomics' processing
 *     with compat pyradiomics) and discretised once, over the whole ROI: the kernels share the ROI's bin
 *     edges (as PyRadiomics' voxel mode). The number of grey levels Ng of a kernel is what an extraction on
 *     the kernel with those edges gives: N for fixed bin number, the kernel's highest grey level for fixed
 *     bin size and for none;
 *   - the kernel of ROI voxel v is the set of voxels u of the processed grid with ||u - v|| <= radius in
 *     voxel units, the Chebyshev norm for VX_KERNEL_CUBE (a (2r+1)^3 cube) and the Euclidean norm for
 *     VX_KERNEL_SPHERE (dx^2 + dy^2 + dz^2 <= r^2, whatever the spacing), intersected with the grid and, for a
 *     masked kernel (PyRadiomics' maskedKernel true), with the intensity mask;
 *   - unmasked kernels (maskedKernel false) hold every grid voxel within the radius, ROI or not. Their grey levels
 *     are then discretised over the ROI's bounding box (of the intensity mask) padded by the radius in voxels and
 *     clipped to the grid (PyRadiomics crops the image so in voxel mode and discretises all of it): the same
 *     method and fixed-bin-size lower bound as the ROI's (a box voxel below that bound is an error, VX_EINVAL),
 *     the box's range for fixed bin number and for a fixed bin size without a lower bound. The maps are still
 *     computed at the ROI voxels only;
 *   - the families computed are those of the settings among intensity statistics, intensity histogram, GLCM,
 *     GLRLM, GLSZM, GLDZM, NGTDM and NGLDM (the families IBSI defines on a local ROI; morphology, local
 *     intensity and the IVH are left out), under the 3D aggregations of the settings (3D_avg, 3D_mrg, 3D);
 *     every value is that of vx_extract on the kernel as its own ROI with the same settings; with a
 *     PyRadiomics featureClass list (s->feature_subset) only the features it names are kept, as in an
 *     extraction's table (vx_settings_feature_wanted);
 *   - image types: the original image (image_types.original) and each filter of the settings, its response map
 *     computed once on the whole processed grid and discretised once over the ROI as vx_extract discretises it
 *     (its own discretisation, else the top-level method with the bins starting at the ROI's minimum of the
 *     response); the columns of a filter are prefixed "<image type>_".
 * How: along each x row of the ROI a sliding window moves the kernel one voxel at a time (the voxels leaving and
 * entering are the ends of the kernel's x runs) and keeps, exactly, the kernel's grey-level histogram and the GLCM
 * co-occurrence counts of the 13 directions and their sum; the intensity statistics, intensity histogram and
 * GLCM features are computed from them by the families' own code. GLRLM, GLSZM, GLDZM, NGTDM and NGLDM depend on
 * the kernel's boundary (runs, zones and neighbourhoods are cut by it) and are computed per kernel, the kernel as
 * a small ROI; so is the GLCM for more than 256 grey levels or PyRadiomics' own angles (distances, weighting,
 * asymmetric), and the intensity statistics with compat pyradiomics. A row is computed from its start by one
 * thread, so the maps are the same bits for any thread count and voxelBatch.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_MAPS_H
#define VOXOMICS_MAPS_H

#include <stddef.h>

#include "voxomics/error.h"
#include "voxomics/export.h"
#include "voxomics/feature.h"
#include "voxomics/image.h"
#include "voxomics/settings.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vx_kernel_shape {
    VX_KERNEL_CUBE = 0,  /* Chebyshev ball: |dx|, |dy|, |dz| <= r (PyRadiomics' kernel) */
    VX_KERNEL_SPHERE = 1 /* Euclidean ball in voxel units: dx^2 + dy^2 + dz^2 <= r^2 */
} vx_kernel_shape;

/* PyRadiomics' voxelSetting and the work split. */
typedef struct vx_maps_settings {
    int radius;        /* kernelRadius, voxels, 1..15 (default 1) */
    int shape;         /* vx_kernel_shape (default VX_KERNEL_CUBE) */
    int masked;        /* maskedKernel (default 1): 1 the kernel within the ROI, 0 every grid voxel (unmasked) */
    double init_value; /* initValue: the maps' value outside the ROI (default 0, as PyRadiomics) */
    int batch;         /* voxelBatch: ROI voxels per work unit of the threads, in whole x rows (a unit is the
                          fewest consecutive rows holding at least batch voxels); <= 0 (default 0, PyRadiomics'
                          -1): one row. The maps do not depend on it */
    int threads;       /* OpenMP threads over the work units; <= 0: 1. The maps do not depend on it */
} vx_maps_settings;

/* Defaults above. */
VX_API void vx_maps_settings_default(vx_maps_settings *m);

/* ms from the voxelSetting section (kernelRadius, maskedKernel, initValue, voxelBatch) of the PyRadiomics
 * parameter file path; ms is left as it is for a file without one (a voxomics settings file). Errors: VX_EIO,
 * VX_EFORMAT (YAML), VX_EINVAL (a key or value, with the file, line and key). */
VX_API int vx_maps_settings_load(const char *path, vx_maps_settings *ms, vx_error *err);
/* vx_maps_settings_load on YAML text of len bytes (a parameter file's text, e.g. from the Python package); name
 * stands for the file in messages (NULL: "settings text"). Errors: VX_EFORMAT, VX_EINVAL, VX_ENOMEM. */
VX_API int vx_maps_settings_load_text(const char *text, size_t len, const char *name, vx_maps_settings *ms,
                                      vx_error *err);

/* The maps of one case: for feature column k (0 <= k < n_features) and ROI voxel i (0 <= i < n_vox),
 * values[k * n_vox + i]; index[i] is the voxel's linear index in geom (x fastest), increasing. */
typedef struct vx_maps {
    vx_geometry geom;          /* the processed grid (the image's without resampling) */
    size_t n_vox, n_features;
    size_t *index;
    double *values;
    vx_feature_id *feature;    /* per column */
    vx_agg *agg;               /* per column */
    char (*name)[168];         /* per column: the IBSI tag with its aggregation suffix ("cm_contrast_3D_avg"),
                                  after "<image type>_" for a filter's ("mean_m3_3D_cm_contrast_3D_avg"), or
                                  with compat pyradiomics PyRadiomics' column ("original_glcm_Contrast",
                                  "log-sigma-1-0-mm-3D_glcm_Contrast") where it has the feature */
    double init_value;
} vx_maps;

/* Compute the maps of image img and mask per the settings s (validated here) and ms into *out (overwritten;
 * free with vx_maps_free, also after an error). Errors: those of vx_extract's processing, VX_EINVAL (ms out of
 * range, no family of the list above in s; unmasked kernels: a voxel of the padded box below the fixed-bin-size
 * lower bound), VX_ENAN (a response map not finite in the ROI), VX_ENOMEM. */
VX_API int vx_maps_compute(const vx_image *img, const vx_image *mask, const vx_settings *s, const vx_maps_settings *ms,
                           vx_maps *out, vx_error *err);
/* Column k of m as an image of m->geom (float32), m->init_value outside the ROI; *out NULL on error.
 * Errors: VX_EINVAL (k out of range), VX_ENOMEM. */
VX_API int vx_maps_image(const vx_maps *m, size_t k, vx_image **out, vx_error *err);
/* Free what vx_maps_compute allocated and zero m (NULL and a zeroed vx_maps are fine). */
VX_API void vx_maps_free(vx_maps *m);

#ifdef __cplusplus
}
#endif
#endif
