/* voxomics: whole gzip files decompressed in one call with libdeflate (internal to src/io).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_IO_GZIP_H
#define VX_IO_GZIP_H

#include <stddef.h>

#include "voxomics/image.h"

/* What vxio_gunzip_file did. */
enum {
    VXIO_GZ_OK = 0,       /* *out holds the whole decompressed content (free it) */
    VXIO_GZ_NOT_GZIP = 1, /* the file does not start with the gzip magic: read it as a plain file */
    VXIO_GZ_DECLINED = 2, /* a gzip file libdeflate did not decompress (corrupt, truncated, larger than max_out,
                           * out of memory, unreadable): stream it with zlib, which reports the precise error */
};

/* Decompress the whole gzip file at path (every member of a multi-member file, in order; bytes after the last
 * member that do not start another member are ignored, as zlib's gzread does) into a new buffer *out of *n
 * bytes, at most max_out bytes. Each member's CRC-32 and length are verified. The output is sized from the
 * ISIZE trailer (the length mod 2^32, so only a hint) and grown on demand. Never sets an error: every failure
 * is VXIO_GZ_DECLINED or VXIO_GZ_NOT_GZIP, and the caller falls back to streaming. */
int vxio_gunzip_file(const char *path, size_t max_out, unsigned char **out, size_t *n);

/* The same on a gzip buffer already in memory (in, len: the whole file). */
int vxio_gunzip_buffer(const unsigned char *in, size_t len, size_t max_out, unsigned char **out, size_t *n);

/* vx_nifti_read on zlib's streaming gzread only (libdeflate never used): for the tests that compare both. */
int vxio_nifti_read_zlib(const char *path, vx_image **out, vx_error *err);
/* vx_nrrd_read the same way: gzip data through zlib's inflate only. */
int vxio_nrrd_read_zlib(const char *path, vx_image **out, vx_error *err);

#endif
