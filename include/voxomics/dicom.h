/* voxomics: DICOM inputs: image series, RTSTRUCT and SEG.
 *
 * Image series (CT, MR, PET and any other single-sample greyscale modality):
 *   - files are grouped by SeriesInstanceUID; files that are not DICOM, and DICOM objects without pixel data
 *     (RTSTRUCT, SEG, reports), are skipped; a file with the DICOM marker that cannot be parsed is an error;
 *   - slices are sorted by their position along the slice normal (ImagePositionPatient projected on the cross
 *     product of the ImageOrientationPatient row and column cosines), never by file name or InstanceNumber;
 *   - geometry: origin = position of the first slice, direction columns = row cosine, column cosine, normal,
 *     spacing = PixelSpacing[1] (between columns), PixelSpacing[0] (between rows), and the slice gap;
 *   - every slice must share rows, columns, orientation and pixel spacing; duplicate positions, missing slices
 *     and gaps that differ by more than max(0.01 mm, 1 %) from the median gap, and positions that drift
 *     in-plane (gantry tilt), are errors naming the slices;
 *   - stored values are sign-extended / masked to BitsStored, then RescaleSlope and RescaleIntercept are
 *     applied per slice;
 *   - PET: with Units BQML, PatientWeight, and the radiopharmaceutical dose, half-life and start time present,
 *     values are converted to SUV body weight (SUVbw = C * weight[g] / decayed dose[Bq], decay from injection
 *     to the series time when DecayCorrection is START); info says whether and with what factor.
 * Transfer syntaxes: implicit/explicit VR little endian, explicit VR big endian, deflate, RLE, JPEG baseline
 * and extended, JPEG lossless (process 14), JPEG-LS, JPEG 2000.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_DICOM_H
#define VOXOMICS_DICOM_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vx_dicom_options {
    const char *series_uid; /* select this series when the input holds several; NULL: there must be one */
    int suv;                /* convert PET activity concentration to SUVbw when possible (default 1) */
} vx_dicom_options;

/* Defaults: no series UID (the input must hold one series), SUV conversion on. */
VX_API void vx_dicom_options_default(vx_dicom_options *o);

typedef struct vx_dicom_info {
    char modality[17];
    char series_uid[65];
    char frame_of_reference_uid[65];
    char transfer_syntax[68];
    size_t n_slices;
    size_t n_skipped;      /* files skipped: not DICOM, no pixel data, or another series */
    int suv_applied;       /* PET values were converted to SUVbw */
    double suv_factor;     /* SUVbw = stored activity (Bq/ml) * suv_factor */
    char note[256];        /* why SUV was not applied, or other remarks; "" when none */
} vx_dicom_info;

/* Read one series from a directory (its regular files, not recursive) or from one file. opt may be NULL
 * (defaults); info may be NULL. *out receives a new image (free with vx_image_free), NULL on error.
 * Errors: VX_EIO (cannot open or read), VX_EFORMAT (a damaged DICOM file, no image series, missing or
 * duplicate slices, naming them), VX_EUNSUPPORTED (a pixel encoding it cannot decode), VX_EINVAL (the series
 * UID asked for is absent, or several series and none asked for: the message lists them), VX_EGEOMETRY
 * (slices that do not form one grid, invalid spacing), VX_ENOMEM. */
VX_API int vx_dicom_read(const char *path, const vx_dicom_options *opt, vx_image **out, vx_dicom_info *info,
                         vx_error *err);
/* Read one series from an explicit list of n files: as vx_dicom_read. */
VX_API int vx_dicom_read_files(const char *const *paths, size_t n, const vx_dicom_options *opt, vx_image **out,
                               vx_dicom_info *info, vx_error *err);
/* 1 when path is a regular file with the DICOM Part 10 marker. */
VX_API int vx_dicom_is_file(const char *path);

/* ---- RTSTRUCT ---------------------------------------------------------------------------------------------- */
typedef struct vx_rtstruct_roi {
    int number;                       /* ROINumber */
    char name[128];                   /* ROIName */
    char frame_of_reference_uid[65];  /* ReferencedFrameOfReferenceUID */
    size_t n_contours;                /* closed planar contours (other types are not counted) */
} vx_rtstruct_roi;

/* List the ROIs of an RT Structure Set. *rois is a new array of *n entries: free it with free().
 * Errors: VX_EIO, VX_EFORMAT (not an RTSTRUCT, or damaged), VX_ENOMEM. */
VX_API int vx_rtstruct_list(const char *path, vx_rtstruct_roi **rois, size_t *n, vx_error *err);
/* Rasterise the ROI named roi (exact name, else case-insensitive; a number "#3" selects ROINumber 3) onto grid:
 * closed planar contours, voxel centres inside by the even-odd rule per slice (holes), no contour invented
 * between slices. frame_uid: the image's FrameOfReferenceUID; when both it and the ROI's are known they must
 * match. *mask receives a new 0/1 image on grid (free with vx_image_free), NULL on error.
 * Errors: VX_EINVAL (no such ROI: the message lists them), VX_EGEOMETRY (frames of reference differ),
 * VX_EEMPTY (no closed planar contour, or none on the grid), VX_EIO, VX_EFORMAT, VX_ENOMEM. */
VX_API int vx_rtstruct_rasterise(const char *path, const char *roi, const vx_geometry *grid, const char *frame_uid,
                                 vx_image **mask, vx_error *err);

/* ---- SEG ---------------------------------------------------------------------------------------------------- */
typedef struct vx_seg_segment {
    int number;        /* SegmentNumber */
    char label[128];   /* SegmentLabel */
    size_t n_frames;   /* frames of this segment */
} vx_seg_segment;

/* List the segments of a DICOM Segmentation. *segs is a new array of *n entries: free it with free().
 * Errors: VX_EIO, VX_EFORMAT (not a SEG, or damaged), VX_ENOMEM. */
VX_API int vx_seg_list(const char *path, vx_seg_segment **segs, size_t *n, vx_error *err);
/* Read one segment (by number "2", or by label: exact, then case-insensitive) as a mask on grid: every frame
 * is placed by its ImagePositionPatient; frames must lie in the grid's slice planes with the grid's in-plane
 * lattice. BINARY segmentations give 0/1; FRACTIONAL ones give value / MaximumFractionalValue in [0, 1].
 * grid NULL: the SEG's own grid (its frames' extent along the normal). frame_uid as for RTSTRUCT. *mask
 * receives a new image (free with vx_image_free), NULL on error. Errors: VX_EINVAL (no such segment: the
 * message lists them), VX_EGEOMETRY (frames of reference differ; frames off the grid's planes or lattice),
 * VX_EEMPTY (a segment without frames, or empty on the grid), VX_EUNSUPPORTED (SegmentationType other than
 * BINARY / FRACTIONAL, frames of several orientations), VX_EIO, VX_EFORMAT, VX_ENOMEM. */
VX_API int vx_seg_read(const char *path, const char *segment, const vx_geometry *grid, const char *frame_uid,
                       vx_image **mask, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
