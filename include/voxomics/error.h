/* voxomics: status codes and the caller-owned error message.
 *
 * Every library call that can fail returns an int status: VX_OK (0) or a negative VX_E* code, and writes
 * one line into a caller-owned vx_error saying what failed, where (file, case, setting) and why.
 * The library never prints and never exits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_ERROR_H
#define VOXOMICS_ERROR_H

#include "voxomics/export.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    VX_OK = 0,
    VX_EINVAL = -1,       /* invalid argument or setting */
    VX_EIO = -2,          /* file cannot be opened, read or written */
    VX_ENOMEM = -3,       /* allocation failed */
    VX_EFORMAT = -4,      /* file content is corrupt or not the expected format */
    VX_EUNSUPPORTED = -5, /* valid but unsupported (datatype, dimensionality, ...) */
    VX_EGEOMETRY = -6,    /* image and mask (or two images) do not share one voxel grid */
    VX_EEMPTY = -7,       /* empty region of interest */
    VX_ENAN = -8,         /* non-finite voxel values inside the region of interest */
};

#define VX_ERROR_LEN 1024

typedef struct vx_error {
    int code;
    char msg[VX_ERROR_LEN];
} vx_error;

/* Record an error: err->code = code and the printf-style message, truncated to VX_ERROR_LEN - 1 bytes.
 * err may be NULL (nothing is recorded). Returns code, so that `return vx_error_set(err, VX_EIO, ...)` works. */
VX_API int vx_error_set(vx_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefix an existing message, e.g. with the file name: "image.nii.gz: <old message>" (truncated to
 * VX_ERROR_LEN - 1 bytes). Returns err->code; VX_EINVAL when err is NULL. */
VX_API int vx_error_prefix(vx_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reset to VX_OK and an empty message. err may be NULL. */
VX_API void vx_error_clear(vx_error *err);

/* Short name of a status code ("invalid argument", ...; "unknown error" for other values): a static string,
 * never NULL, not to be freed. */
VX_API const char *vx_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
