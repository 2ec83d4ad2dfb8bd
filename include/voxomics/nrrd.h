/* voxomics: reading and writing NRRD images, and 3D Slicer segmentations (.seg.nrrd).
 *
 * NRRD ("nearly raw raster data", http://teem.sourceforge.net/nrrd/format.html), magics NRRD0001..NRRD0005:
 * attached headers (.nrrd: header, blank line, data) and detached headers (.nhdr with a `data file:` field,
 * relative to the header's folder; the single-file, `LIST [subdim]` and printf-style
 * `<format> <min> <max> <step> [subdim]` forms). Encodings raw and gzip (gz; zlib streams too); txt/ascii,
 * hex, bzip2 and zrl are VX_EUNSUPPORTED. `endian` (required for multi-byte types), `line skip` (lines of the
 * data file skipped before reading or decompressing), `byte skip` (bytes skipped after decompression; -1 for
 * raw: the data are the last bytes of the file), every scalar type under all its NRRD names (int8 = signed
 * char, uint8 = uchar = unsigned char, ..., int64 = long long, uint64, float, double; "block" is
 * unsupported). Voxels are converted to float.
 *
 * Geometry. `space` (RAS, LAS, LPS in short or long form, their -time variants, scanner-xyz, 3D-right-handed,
 * 3D-left-handed) or `space dimension`; `space directions` (one vector per axis, `none` for non-spatial
 * axes) and `space origin`. RAS and LAS coordinates are converted to our LPS world; scanner-xyz and the 3D-*
 * spaces are taken as they are. spacing = norms of the direction vectors, direction = the normalised vectors,
 * origin = space origin (0 when absent). Without space directions, `spacings` (finite, non-zero; else 1)
 * with an identity direction and zero origin.
 *
 * Axes. An axis is non-spatial when its space direction is `none`, or, without space directions, when its
 * `kinds` entry is not domain or space (time, list, vector, RGB-color, ...). Non-spatial axes of size 1 are
 * dropped; a non-spatial axis of any other size is VX_EUNSUPPORTED naming the axis. One to three spatial
 * axes remain (size-1 trailing axes of a header without kinds or directions are dropped too); a 2D image is
 * one slice whose third direction completes a right-handed frame. A 4D file whose first axis is a `list`
 * axis of size 1 therefore reads as 3D.
 *
 * Limits against malformed files: header at most 16 MiB, dimension at most 16, at most 2^36 samples,
 * claimed data sizes checked against the data files' sizes (gzip: the deflate limit 1032:1) before
 * allocating. Errors name the file, the field and its header line.
 *
 * 3D Slicer segmentations store segments as key/value pairs `Segment<k>_ID`, `Segment<k>_Name`,
 * `Segment<k>_LabelValue`, `Segment<k>_Layer` (k = 0, 1, ...), either as one 3D labelmap (every segment
 * on layer 0 with its own label value) or as a 4D array whose first axis holds the layers (older Slicer
 * versions: one layer per segment, label value 1, no LabelValue/Layer keys).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_NRRD_H
#define VOXOMICS_NRRD_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Read a NRRD image (.nrrd or .nhdr). On success *out receives a new image (free with vx_image_free); on
 * failure *out is NULL, the return value is VX_EIO (cannot open or read), VX_EFORMAT (malformed header or
 * data), VX_EUNSUPPORTED (encoding, type or axes above), VX_EGEOMETRY or VX_ENOMEM, and err names the file,
 * the field and its header line. */
VX_API int vx_nrrd_read(const char *path, vx_image **out, vx_error *err);

/* Write img as NRRD0004: type float, little endian, space left-posterior-superior, space directions and
 * origin from the geometry; raw (gzip = 0) or gzip-compressed (gzip != 0) data attached to the header.
 * Errors: VX_EIO naming the path; VX_EINVAL for a zero dimension or a non-finite geometry. */
VX_API int vx_nrrd_write(const char *path, const vx_image *img, int gzip, vx_error *err);

/* One segment of a .seg.nrrd. index is k of the Segment<k>_ keys (0-based, as in the file); names and IDs
 * longer than the fields are truncated. label_value defaults to 1; layer defaults to the segment's position
 * in a multi-layer file without Layer keys, else 0. */
typedef struct vx_nrrd_segment {
    int index;
    char id[64];
    char name[128];
    int label_value;
    int layer;
} vx_nrrd_segment;

/* The segments described by the header of path (the data are not read), ordered by index. *segs is a new
 * array of *n entries, freed with free(); NULL and 0 when the file has no Segment<k>_ keys. Errors: those
 * of the header reader (vx_nrrd_read). */
VX_API int vx_nrrd_segments(const char *path, vx_nrrd_segment **segs, size_t *n, vx_error *err);

/* Read channel `channel` (>= 0) of a multi-channel NRRD, whose non-spatial axis 0 (any kind that is not a
 * domain or space axis: vector, list, ...; a multi-layer .seg.nrrd) holds the channels, as a scalar image
 * with the file's values of that channel (PyRadiomics' label_channel, SimpleITK's VectorIndexSelectionCast). A
 * scalar file is read as it is whatever the channel (as PyRadiomics' getMask). Errors: VX_EINVAL for a
 * channel beyond the file's channels (naming their count), others as vx_nrrd_read. */
VX_API int vx_nrrd_read_channel(const char *path, int channel, vx_image **out, vx_error *err);

/* Read one segment of a .seg.nrrd as a 0/1 mask image. segment selects by name (exact match, then the ID,
 * then a case-insensitive name match) or, failing those, by its 1-based position k in vx_nrrd_segments'
 * order ("1", "2", ...). Handles the single-layer 3D labelmap form and the multi-layer 4D form (first axis =
 * layers). *mask receives a new image (free with vx_image_free), NULL on error. An unknown segment is
 * VX_EINVAL with a message listing the available segments; other errors as vx_nrrd_read. */
VX_API int vx_nrrd_read_segment(const char *path, const char *segment, vx_image **mask, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
