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
#include "voxomics/io.h" /* vx_file_sha256, vx_path_sha256 (declared there since issue 12) */
#include "voxomics/process.h"
#include "voxomics/roi.h" /* vx_discretise, vx_discretise_compat, vx_resample_grid_compat (prep) */
#include "voxomics/settings.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- one case ------------------------------------------------------------------------------------------ */
/* Check the settings, the image and the mask, then for each image type (only the original image today):
 * build the processed ROI (vx_roi_build, voxomics/roi.h), compute every requested family, and append the rows
 * to res, each carrying its image type (the diagnostic values too, when asked for); finally sort the rows
 * (vx_results_sort). res must be initialised (vx_results_init); its image_type is left as it was.
 * Errors (VX_EGEOMETRY, VX_EEMPTY, VX_ENAN, ...) name the problem; the caller prefixes the case/file. */
VX_API int vx_extract(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_results *res,
               vx_error *err);
/* vx_extract on an image and a mask the caller hands over: both are freed (*img, *mask set NULL) as soon as the
 * processed ROI is built when nothing reads them later (IBSI mode without filters), so that the whole-volume
 * inputs and the ROI are not held at once; else they stay the caller's (free them either way). */
VX_API int vx_extract_release(vx_image **img, vx_image **mask, const vx_settings *s, vx_results *res,
                              vx_error *err);
/* The intensities vx_extract keeps around the ROI box (mm, the processed grid's; vx_roi_request): the
 * local-intensity sphere's radius plus the largest filter reach; 1e12 when a filter needs the whole grid. */
VX_API double vx_extract_margin_mm(const vx_image *img, const vx_settings *s);

/* ---- PyRadiomics' diagnostics (compatibility mode) -------------------------------------------------- */
/* Append PyRadiomics' diagnostics_* values (its additionalInfo, on by default) to res as text values
 * (vx_results_add_text), in PyRadiomics' order and formats (docs/pyradiomics_output.md):
 *   diagnostics_Versions_voxomics, _zlib, _libyaml, _FFTW, _Nettle: voxomics' version and the versions of the
 *     libraries it computes with (PyRadiomics lists its own, NumPy's, SimpleITK's, PyWavelets' and Python's;
 *     voxomics uses none of them and names none);
 *   diagnostics_Configuration_Settings: PyRadiomics' settings dict as it prints it (s->pyrad_settings, the
 *     label of the region s->mask_label in it; for a voxomics YAML file the settings in PyRadiomics' terms);
 *   diagnostics_Configuration_EnabledImageTypes (s->pyrad_image_types);
 *   diagnostics_Image-original_Hash, _Dimensionality, _Spacing, _Size, _Mean, _Minimum, _Maximum of img;
 *   diagnostics_Mask-original_Hash, _Spacing, _Size, _BoundingBox, _VoxelNum, _VolumeNum,
 *     _CenterOfMassIndex, _CenterOfMass of mask (the mask as read), the ROI being the voxels equal to
 *     s->mask_label (> 0), else those >= s->mask_threshold;
 *   diagnostics_Mask-corrected_* (the mask fields and the ROI's intensity Mean, Minimum, Maximum) of
 *     corrected_mask, the mask resampled onto the image grid, when it is not NULL; when it is NULL, of the
 *     mask PyRadiomics' checkMask corrects (s->pyrad_correct_mask, a mask off the image grid beyond
 *     geometryTolerance, no resampling and no preCrop), put on the image grid as the extraction does
 *     (vx_pyrad_prepare).
 * The image hash is SimpleITK's, the SHA-1 of the voxels in the file's voxel type (img->pixel_type: "int16",
 * ..., float32 for VX_PIXEL_REAL: DICOM, images built in memory), little endian; the mask hash is that of the
 * mask cast to uint32, as PyRadiomics casts it. Values voxomics holds as float32 hash as
 * SimpleITK's only where float32 holds them exactly (integers up to 2^24 in magnitude; not float64 files).
 * Errors: VX_EINVAL (NULL argument), VX_EEMPTY (no ROI voxel in the mask), VX_ENOMEM. */
VX_API int vx_pyradiomics_diagnostics(const vx_image *img, const vx_image *mask, const vx_image *corrected_mask,
                                      const vx_settings *s, vx_results *res, vx_error *err);

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
 * with diagnostics (family "diagnostics", feature = tag); text values (res->text) come first, one row each (see
 * vx_results_write_wide_named). image_type is each row's own (vx_image_type_name).
 * header != 0 writes the header line first. Values use the shortest text that reads back to the same double
 * ("NaN" for NaN). roi names the region: the label of a label mask, the ROI or segment of an RTSTRUCT / SEG
 * mask, "" for all non-zero voxels of the mask. Returns VX_OK, or VX_EIO when the stream reports an error. */
VX_API int vx_results_write_long(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                          const vx_provenance *prov, int header);
/* Column names of wide tables (single case and cohort). */
typedef enum vx_column_names {
    VX_NAMES_IBSI = 0,       /* IBSI tags, e.g. cm_contrast_3D_avg */
    VX_NAMES_PYRADIOMICS = 1 /* original_glcm_Contrast; features PyRadiomics lacks keep their IBSI tag */
} vx_column_names;

/* The wide column name of row r of res into buf (n bytes; 256 always suffice): with VX_NAMES_PYRADIOMICS
 * PyRadiomics' "<image type>_<class>_<Feature>" where it has the feature (vx_feature_pyradiomics_column), else
 * the IBSI tag, prefixed "<image type>_" when prefix is set. The single-case and the cohort writers both name
 * their columns with it, so that both tables of one case have the same columns. */
VX_API void vx_results_column_name(const vx_results *res, const vx_result_row *r, vx_column_names names, int prefix,
                                   char *buf, size_t n);

/* Wide format: one row per case and roi; columns case, roi, image_type, then one per value named by its IBSI
 * tag, then provenance. image_type is the rows' image type; should res hold several, the column lists them
 * joined by '+' (in vx_image_type order). Each value column is "<image type>_<tag>" whenever a row is of a
 * filter's image type (several types, or one that is not the original image), else the tag. */
VX_API int vx_results_write_wide(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                          const vx_provenance *prov, int header);
/* vx_results_write_wide with a choice of names: VX_NAMES_PYRADIOMICS names feature columns as PyRadiomics does
 * (vx_results_column_name; "original_firstorder_Mean"), as the cohort table does in compatibility mode. Text
 * values (res->text, e.g. PyRadiomics' diagnostics_* columns) come first after image_type, in both forms,
 * each a column named by its key holding its text (quoted where CSV needs it). The long format writes a text
 * value as one row: family "diagnostics", feature and tag = its key, value = its text (quoted where needed),
 * no unit, image type "original". */
VX_API int vx_results_write_wide_named(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                                       const vx_provenance *prov, int header, vx_column_names names);

/* ---- PyRadiomics' result dict (compatibility mode) -------------------------------------------------- */
/* One entry of the ordered dict PyRadiomics' RadiomicsFeatureExtractor.execute() returns. */
typedef struct vx_pyrad_item {
    char *key;    /* "diagnostics_Mask-original_BoundingBox", "original_glcm_Contrast", ... */
    char *text;   /* a diagnostics value as Python prints it ("(162, 84, 11, 47, 70, 7)"); NULL for a number */
    double value; /* the number, when text is NULL */
} vx_pyrad_item;

/* A caller's struct filled by vx_results_pyradiomics_items / vx_pyradiomics_execute (voxomics/cohort.h);
 * release it with vx_pyrad_items_free. */
typedef struct vx_pyrad_items {
    vx_pyrad_item *items;
    size_t n;
} vx_pyrad_items;

/* Every value of res as PyRadiomics' result dict, in the order and with the names of the wide table in
 * PyRadiomics compatibility (vx_results_write_wide_named with VX_NAMES_PYRADIOMICS, so that the two never
 * differ): the text values first (PyRadiomics' diagnostics_*, in its order), then voxomics' own diagnostic
 * values (numbers; none for a PyRadiomics parameter file on NIfTI / NRRD inputs), then the features,
 * "<image type>_<class>_<Feature>" ("original_firstorder_Mean", "wavelet-LLH_glcm_Contrast"; a feature
 * PyRadiomics lacks keeps its IBSI tag). out is overwritten; free it with vx_pyrad_items_free (also after an
 * error). Errors: VX_EINVAL, VX_ENOMEM. */
VX_API int vx_results_pyradiomics_items(const vx_results *res, vx_pyrad_items *out, vx_error *err);
/* Free the keys and texts of items and its array (not items itself) and zero it. NULL is allowed. */
VX_API void vx_pyrad_items_free(vx_pyrad_items *items);

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
