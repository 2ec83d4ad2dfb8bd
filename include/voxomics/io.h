/* voxomics: reading and writing images.
 *
 * NIfTI-1 and NIfTI-2, single file (.nii) or gzip-compressed (.nii.gz). Readers apply scl_slope/scl_inter,
 * take the geometry from the sform when sform_code > 0, else from the qform when qform_code > 0, else from
 * pixdim alone, and convert NIfTI's RAS world coordinates to LPS. All common datatypes (uint8, int8, int16,
 * uint16, int32, uint32, int64, uint64, float32, float64) are read into float voxels; other datatypes,
 * more than 3 spatial dimensions with more than one volume, and truncated files are errors naming the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_IO_H
#define VOXOMICS_IO_H

#include "voxomics/export.h"

#include <stdio.h>

#include "voxomics/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Read a NIfTI-1/2 file (.nii or .nii.gz; gzip is detected from the content). On success *out receives a new
 * image (free with vx_image_free); on failure *out is NULL, the return value is VX_EIO (cannot open or read),
 * VX_EFORMAT (not NIfTI, truncated, corrupt), VX_EUNSUPPORTED (datatype, several volumes), VX_EGEOMETRY
 * (vx_geometry_validate) or VX_ENOMEM, and err names the file and the problem. */
VX_API int vx_nifti_read(const char *path, vx_image **out, vx_error *err);

/* Write img as NIfTI-1 (version 1) or NIfTI-2 (version 2), float32, with sform and qform (code 1) from the
 * geometry. A path ending in ".gz" is gzip-compressed. Errors: VX_EINVAL (version not 1 or 2, a dimension
 * NIfTI-1 cannot hold, a non-finite spacing or origin), VX_EIO naming the path. */
VX_API int vx_nifti_write(const char *path, const vx_image *img, int version, vx_error *err);
/* vx_nifti_write with the voxels stored as type: VX_PIXEL_FLOAT32 (or REAL: float32, vx_nifti_write),
 * VX_PIXEL_INT16 or VX_PIXEL_UINT8 (every voxel must be an integer of the type's range: VX_EINVAL naming the
 * first that is not; nothing written); another type is VX_EUNSUPPORTED. */
VX_API int vx_nifti_write_as(const char *path, const vx_image *img, int version, vx_pixel_type type,
                             vx_error *err);

/* VX_OK when path names a regular file, or (allow_dir != 0) a folder. Checked with stat() before anything
 * opens the path, so a fifo is refused at once instead of blocking: a fifo, socket, character or block
 * device is VX_EIO "<path>: is a fifo, not a regular file" (", or a folder" with allow_dir); a folder
 * without allow_dir is VX_EIO "<path>: is a folder, not a regular file"; a path that cannot be stat'ed is
 * VX_EIO "<path>: cannot open: <reason>". what, when not NULL, names the input ("settings file") after the
 * path. */
VX_API int vx_path_check(const char *path, int allow_dir, const char *what, vx_error *err);

/* SHA-256 of a file's bytes as 64 hex characters + NUL. VX_EIO when it cannot be read. */
VX_API int vx_file_sha256(const char *path, char hex[65], vx_error *err);
/* SHA-256 of a file, or of a folder (e.g. a DICOM series): the hash of the lines "<file sha256>  <name>\n" of
 * its regular files in byte order of their names. VX_EIO when a file cannot be read. */
VX_API int vx_path_sha256(const char *path, char hex[65], vx_error *err);

/* Read an image file of any supported format, chosen from its content (NRRD magic, NIfTI header), else its
 * extension (.nrrd, .nhdr; .nii, .nii.gz, .hdr): vx_nrrd_read or vx_nifti_read, with their errors. *out
 * receives a new image (free with vx_image_free), NULL on error. A folder, or a file of no supported format,
 * is VX_EUNSUPPORTED; a fifo or other non-regular file is VX_EIO (vx_path_check). DICOM: vx_input_image. */
VX_API int vx_image_read(const char *path, vx_image **out, vx_error *err);


/* ---- output files: atomic for regular files, streamed for pipes and devices ----------------------------
 *
 * vx_outfile_open(path, &h, err) returns the stream to write an output to; vx_outfile_commit(h, err) finishes
 * it, vx_outfile_abort(h) throws it away. What PATH is decides how:
 *   - "-": standard output (a duplicate of descriptor 1, so closing it leaves stdout open);
 *   - an existing fifo, character or block device: opened and written directly, as a stream; never replaced;
 *   - a symbolic link (also a dangling one, also a chain): the file it points to is written, the link is kept;
 *   - a regular file or a new name: written to a temporary file beside it (".NAME.tmp.XXXXXX" in the same
 *     folder, mode 0666 less the umask, or the mode of the file it replaces), flushed with fsync, then renamed
 *     over PATH by vx_outfile_commit. On any error, and on vx_outfile_abort, the temporary file is removed and
 *     an existing PATH is left untouched: no partial output is ever left behind.
 * A folder or a socket is an error. Errors: VX_EIO with the path, what failed and why (errno text);
 * VX_ENOMEM. vx_outfile_commit and vx_outfile_abort free h and close the stream in every case; h may be NULL
 * for abort. One handle per output; handles are independent (thread-safe for different paths). */
typedef struct vx_outfile vx_outfile;
/* Open the output for PATH as above. Returns the stream to write (owned by *h: do not fclose it) and the handle
 * *h, which vx_outfile_commit or vx_outfile_abort releases; NULL (and *h NULL) on error. */
VX_API FILE *vx_outfile_open(const char *path, vx_outfile **h, vx_error *err);
/* Flush, check for write errors, fsync (regular files) and rename into place. VX_OK or VX_EIO naming the path. */
VX_API int vx_outfile_commit(vx_outfile *h, vx_error *err);
/* Close and discard: the temporary file is removed; a stream target just gets closed. */
VX_API void vx_outfile_abort(vx_outfile *h);
/* 1 when the output goes to a stream (standard output, fifo, device) rather than a file that is renamed in. */
VX_API int vx_outfile_is_stream(const vx_outfile *h);
/* The path the output finally lands at ("-" for standard output; the link target for a symbolic link): a
 * string owned by h, valid until it is committed or aborted. */
VX_API const char *vx_outfile_target(const vx_outfile *h);

#ifdef __cplusplus
}
#endif
#endif
