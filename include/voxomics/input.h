/* voxomics: image and mask inputs as users name them on the command line or in a cohort table.
 *
 * IMAGE is one of
 *   - an image file: NIfTI (.nii, .nii.gz, .hdr), NRRD (.nrrd, .nhdr), or a single DICOM file;
 *   - a folder holding one DICOM series (other files are skipped; several series need a series UID).
 * MASK is one of
 *   - an image file or a DICOM folder, as above, on the image's grid (a label image or a 0/1 mask);
 *   - RTSTRUCT_FILE:ROI_NAME  an RT Structure Set and the ROI to rasterise onto the image grid ("#N" selects
 *                             ROINumber N; the name may be omitted when the structure set has one ROI);
 *   - SEG_FILE:SEGMENT        a DICOM Segmentation and the segment by number or label (may be omitted when
 *                             there is one segment);
 *   - FILE.seg.nrrd:SEGMENT   a 3D Slicer segmentation and the segment by name, ID or 1-based position;
 *   - LABEL_IMAGE:N           label N of a label image, as a 0/1 mask.
 * A path that exists as a file is always taken whole, so paths containing ':' keep working; otherwise the
 * text after the last ':' is the selector.
 *
 * Hostile inputs (docs/inputs.md): a path that is neither a regular file nor (where a DICOM folder is
 * allowed) a folder, e.g. a fifo or a socket, is refused with stat() before anything opens it; a mask read
 * from an image file or a DICOM series must look like a mask (vx_mask_check_values: no negative, non-finite
 * or non-integer-above-1 value, at most 1,000 distinct values), else the message asks whether IMAGE and MASK
 * were swapped; every grid passes vx_geometry_validate in its reader.
 *
 * Geometry: an RTSTRUCT or SEG mask is built on the image grid (frames of reference must match). Any other
 * mask must lie on the image grid (vx_geometry_check); when it does not and resample_mask is 1, it is
 * resampled onto the image grid by nearest neighbour and info->mask_resampled says so; with
 * VX_INPUT_MASK_OWN_GRID it is returned as it is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_INPUT_H
#define VOXOMICS_INPUT_H

#include "voxomics/export.h"

#include "voxomics/dicom.h"
#include "voxomics/image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vx_input_info {
    char format[16];                 /* "nifti", "nrrd", "dicom", "rtstruct", "seg", "seg.nrrd", "label" */
    char path[4096];                 /* the file or folder part of the spec */
    char selector[256];              /* ROI / segment / label selected ("" when none) */
    char frame_of_reference_uid[65]; /* DICOM inputs */
    vx_dicom_info dicom;             /* DICOM image inputs */
    int mask_resampled;              /* the mask was resampled onto the image grid (nearest neighbour) */
} vx_input_info;

/* Read IMAGE (a file or a DICOM folder). dopt may be NULL (defaults); info (may be NULL) receives what was
 * read. *img receives a new image (free with vx_image_free), NULL on error. Errors: those of the readers
 * (vx_image_read, vx_dicom_read), VX_EIO for a path that is not a regular file or folder. */
VX_API int vx_input_image(const char *spec, const vx_dicom_options *dopt, vx_image **img, vx_input_info *info,
                          vx_error *err);
/* resample_mask of vx_input_mask: a mask file on another grid is returned on its own grid, unchecked (the
 * caller checks the grids; compat pyradiomics does, with PyRadiomics' geometryTolerance and correctMask). */
#define VX_INPUT_MASK_OWN_GRID 2

/* Read MASK for image (read by vx_input_image, whose info is image_info; may be NULL for non-DICOM), on the
 * image grid (see above). *mask receives a new image (free with vx_image_free), NULL on error. Errors: those
 * of the readers and rasterisers, VX_EFORMAT when the file does not look like a mask
 * (vx_mask_check_values), VX_EGEOMETRY off the image grid without resample_mask (vx_geometry_check),
 * VX_EINVAL for a selector that names no ROI, segment or label, VX_EEMPTY for an empty label. */
VX_API int vx_input_mask(const char *spec, const vx_image *image, const vx_input_info *image_info, int resample_mask,
                         vx_image **mask, vx_input_info *info, vx_error *err);

/* vx_input_mask reading channel `channel` (>= 0) of a multi-channel NRRD mask without a segment selector
 * (vx_nrrd_read_channel: a vector or list axis first, e.g. a multi-layer .seg.nrrd; its values in that
 * channel, a :LABEL selector applying to them); a single-channel file or another format ignores it, as
 * PyRadiomics' label_channel. channel -1 is vx_input_mask. Errors: those of vx_input_mask; VX_EINVAL for a
 * channel beyond the file's. */
VX_API int vx_input_mask_channel(const char *spec, const vx_image *image, const vx_input_info *image_info,
                                 int resample_mask, int channel, vx_image **mask, vx_input_info *info, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
