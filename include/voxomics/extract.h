/* voxomics: extraction of one case: settings -> IBSI image processing -> families -> result set, and the
 * writers of result tables.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_EXTRACT_H
#define VOXOMICS_EXTRACT_H

#include "voxomics/export.h"

#include <stdint.h>
#include <stdio.h>

#include "voxomics/feature.h"
#include "voxomics/image.h"
#include "voxomics/process.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- discretisation (IBSI 1, "Intensity discretisation") --------------------------------------------- */
typedef enum vx_disc_method {
    VX_DISC_NONE = 0, /* use intensities as grey levels (integer intensities >= 1 required) */
    VX_DISC_FBS,      /* fixed bin size: g = floor((x - x_min) / w) + 1 */
    VX_DISC_FBN,      /* fixed bin number: g = floor(N (x - x_min) / (x_max - x_min)) + 1, g(x_max) = N */
} vx_disc_method;

typedef struct vx_discretisation {
    vx_disc_method method;
    double bin_width;  /* FBS: w */
    int bin_count;     /* FBN: N */
    double min_value;  /* FBS: x_min; NaN = lower bound of the re-segmentation range, else the ROI minimum */
} vx_discretisation;

/* Discretise n values x[i] where mask[i] != 0 (mask NULL: all) into grey[i] (0 outside the mask; the caller
 * provides n entries). x_min/x_max: FBS lower bound and FBN range (NaN: ROI minimum / maximum). On success
 * *n_grey is the number of grey levels Ng: N for FBN, the highest level reached for FBS and none.
 * Errors: VX_ENAN for a non-finite value in the mask, VX_EEMPTY for an empty mask, VX_EINVAL for settings the
 * method cannot use (a bin width or number out of range; with method none, intensities that are not integers
 * >= 1), each naming the fix. */
VX_API int vx_discretise(const float *x, const uint8_t *mask, size_t n, const vx_discretisation *d, double x_min,
                         double x_max, int32_t *grey, int *n_grey, vx_error *err);

/* ---- settings ----------------------------------------------------------------------------------------- */
typedef struct vx_settings {
    /* input */
    double mask_threshold;   /* mask voxels with value >= threshold are in the ROI (default 0.5) */
    int mask_label;          /* > 0: only voxels equal to this label are in the ROI (default 0: any) */
    /* image processing, in IBSI order: interpolation, rounding, ROI partial-volume threshold,
     * re-segmentation, discretisation */
    double resample_spacing[3]; /* new voxel spacing in mm per axis; NaN keeps that axis (NaN z with x, y
                                   set: in-plane 2D interpolation); all NaN (default): no interpolation */
    vx_interp interp;           /* image interpolator, default linear */
    vx_interp mask_interp;      /* ROI interpolator, default linear */
    double mask_partial_volume; /* interpolated ROI voxels >= this are in the ROI, default 0.5 */
    int round_intensities;   /* round intensities to the nearest integer (IBSI, calibrated CT), default 0;
                                applies to the input and to interpolated intensities */
    double reseg_min, reseg_max; /* re-segmentation range of the intensity mask; NaN = open */
    double reseg_outlier_sigma;  /* > 0: also drop intensities outside mean +/- sigma * sd, default 0 */
    vx_discretisation texture_disc; /* intensity histogram and texture families */
    vx_discretisation ivh_disc;     /* intensity-volume histogram */
    /* families */
    vx_feature_settings features;
    /* output */
    int diagnostics;         /* add the IBSI diagnostic values (image, ROI and processing checks), default 0;
                                with interpolation this interpolates the whole image once for its statistics */
    /* compatibility (docs/config.md, "PyRadiomics compatibility") */
    int compat;              /* VX_COMPAT_IBSI (default) or VX_COMPAT_PYRADIOMICS */
    double voxel_shift;      /* PyRadiomics voxelArrayShift c: with VX_COMPAT_PYRADIOMICS, energy and root mean
                                square use x + c; default 0 */
    int feature_subset;      /* != 0: only the features whose bit is set in feature_bits were requested (a
                                PyRadiomics featureClass list); the families compute all, writers keep these */
    uint8_t feature_bits[(VX_F_COUNT + 7) / 8];
} vx_settings;

/* ---- compatibility modes ------------------------------------------------------------------------------ */
enum {
    VX_COMPAT_IBSI = 0,        /* IBSI 1 definitions (default) */
    VX_COMPAT_PYRADIOMICS = 1, /* PyRadiomics' documented deviations from IBSI (docs/config.md) */
};
/* "ibsi" / "pyradiomics"; "?" when unknown (static strings). */
VX_API const char *vx_compat_name(int compat);
/* VX_COMPAT_* by name (case-insensitive), -1 when unknown. */
VX_API int vx_compat_find(const char *name);
/* Whether feature f was requested: always when s->feature_subset is 0, else its bit in s->feature_bits. */
VX_API int vx_settings_feature_wanted(const vx_settings *s, vx_feature_id f);
/* PyRadiomics output column of feature f under aggregation a, "original_<class>_<Feature>" (e.g.
 * "original_glcm_Contrast"), into buf. Returns 0, or -1 when PyRadiomics has no such feature, does not
 * compute it under a (GLCM/GLRLM: 3D_avg, or 2.5D_dmrg with force2D; GLSZM/NGTDM/GLDM: 3D, or 2.5D with
 * force2D; other families: the 3D volume) or buf is too small. */
VX_API int vx_feature_pyradiomics_column(vx_feature_id f, vx_agg a, char *buf, size_t n);
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

/* Fill s with the defaults documented field by field above and in docs/config.md. */
VX_API void vx_settings_default(vx_settings *s);
/* Read a YAML settings file (schema: docs/config.md) over the defaults already in s. Unknown keys and
 * invalid values are errors naming the file, the key and the accepted values: VX_EINVAL; VX_EIO when the file
 * cannot be opened (or is a fifo), VX_EFORMAT for a YAML syntax error (file:line), VX_ENOMEM. */
VX_API int vx_settings_load(const char *path, vx_settings *s, vx_error *err);
/* VX_OK when every value of s lies in its valid range (docs/config.md): mask_threshold in (0, 1], resampling
 * spacings NaN or in [1e-6, 1e4] mm, re-segmentation min <= max, outlier sigma finite >= 0, a fixed bin size
 * > 0 / bin number in 1..2^24 for the method in use, finite discretisation minimum (or NaN), sphere volume in
 * (0, 1e4) cm^3, finite voxel shift. Else VX_EINVAL "settings: <key>: <what is wrong and the valid range>".
 * vx_settings_load checks the same (and more: keys that do not fit the method) with the file and line;
 * vx_extract calls this for settings built in code. */
VX_API int vx_settings_validate(const vx_settings *s, vx_error *err);
/* Canonical text of every setting ("key=value;...") into buf (len bytes); stable across versions for equal
 * settings. VX_OK, or VX_EINVAL when the text does not fit (vx_settings_hash uses 4096 bytes). */
VX_API int vx_settings_canonical(const vx_settings *s, char *buf, size_t len);
/* SHA-256 of the canonical text, as 64 hex characters + NUL. */
VX_API void vx_settings_hash(const vx_settings *s, char hex[65]);

/* SHA-256 of a file's bytes as 64 hex characters + NUL. Errors: VX_EIO naming the file. */
VX_API int vx_file_sha256(const char *path, char hex[65], vx_error *err);
/* SHA-256 of a file, or of a folder (e.g. a DICOM series): the hash of the lines "<file sha256>  <name>\n" of
 * its regular files in byte order of their names. Errors: VX_EIO naming the file or folder; VX_ENOMEM. */
VX_API int vx_path_sha256(const char *path, char hex[65], vx_error *err);

/* ---- one case ------------------------------------------------------------------------------------------ */
/* Check the image and mask, build the ROI per the settings, and compute every requested family into res.
 * res must be initialised (vx_results_init); rows are appended, then res is sorted (vx_results_sort). The
 * caller owns res and frees it with vx_results_free, on success and on error alike.
 * Errors: VX_EINVAL (settings, vx_settings_validate), VX_EGEOMETRY (grids differ or are invalid), VX_EEMPTY
 * (empty ROI), VX_ENAN (non-finite intensities in the ROI), VX_ENOMEM; the message names the problem and the
 * caller prefixes the case/file. */
VX_API int vx_extract(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_results *res,
                      vx_error *err);

/* ---- writing results ----------------------------------------------------------------------------------- */
typedef struct vx_provenance {
    const char *version;       /* voxomics version */
    char settings_hash[65];
    char image_sha256[65];
    char mask_sha256[65];
} vx_provenance;

/* Long format: one row per value of res to f, columns
 *   case,roi,image_type,family,feature,ibsi_code,aggregation_code,tag,value,unit,voxomics_version,
 *   settings_sha256,image_sha256,mask_sha256
 * with diagnostics (family "diagnostics", feature = tag). header != 0 writes the header line first.
 * Values use the shortest text that reads back to the same double (vx_format_double: "NaN" for NaN).
 * VX_OK, or VX_EIO when writing to f failed. */
VX_API int vx_results_write_long(FILE *f, const char *case_id, const char *roi, const char *image_type,
                                 const vx_results *res, const vx_provenance *prov, int header);
/* roi names the region: the label of a label mask, the ROI or segment of an RTSTRUCT / SEG mask, "" for all
 * non-zero voxels of the mask. */
/* Wide format: one row per case and roi; columns case, roi, image_type, then one per (tag) as IBSI tags, then
 * provenance. header != 0 writes the header line first. VX_OK, or VX_EIO when writing to f failed. */
VX_API int vx_results_write_wide(FILE *f, const char *case_id, const char *roi, const char *image_type,
                                 const vx_results *res, const vx_provenance *prov, int header);

/* Write one CSV field to f, quoted ("..." with "" for a quote) when it holds a comma, quote or line break.
 * Write errors stay in f's error indicator (ferror). */
VX_API void vx_csv_field(FILE *f, const char *s);

/* Shortest decimal text of v that parses back to v exactly (C locale; "NaN", "Inf", "-Inf"), into buf (len
 * bytes, at least 8; 32 always suffice). */
VX_API void vx_format_double(double v, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
