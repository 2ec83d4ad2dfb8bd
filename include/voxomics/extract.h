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
 * with diagnostics (family "diagnostics", feature = tag). image_type is each row's own (vx_image_type_name).
 * header != 0 writes the header line first. Values use the shortest text that reads back to the same double
 * ("NaN" for NaN). roi names the region: the label of a label mask, the ROI or segment of an RTSTRUCT / SEG
 * mask, "" for all non-zero voxels of the mask. Returns VX_OK, or VX_EIO when the stream reports an error. */
VX_API int vx_results_write_long(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                          const vx_provenance *prov, int header);
/* Wide format: one row per case and roi; columns case, roi, image_type, then one per value named by its IBSI
 * tag, then provenance. image_type is the rows' image type; should res hold several, the column lists them
 * joined by '+' (in vx_image_type order). Each value column is "<image type>_<tag>" whenever a row is of a
 * filter's image type (several types, or one that is not the original image), else the tag. */
VX_API int vx_results_write_wide(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                          const vx_provenance *prov, int header);

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
