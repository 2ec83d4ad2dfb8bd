/* voxomics: a temporary file beside an output, for writing it atomically (internal to src/io).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_IO_TEMPFILE_H
#define VX_IO_TEMPFILE_H

#include <stddef.h>

#include "voxomics/error.h"

/* Create a new file ".NAME.tmp.XXXXXX" in the folder of target (mode 0666 less the umask, or the mode of the
 * regular file target when it exists), its path into tmp (n bytes); salt varies the name between callers.
 * Returns the open descriptor (>= 0), or a VX_E* code (< 0) with a message naming target. */
int vxio_temp_beside(const char *target, char *tmp, size_t n, const void *salt, vx_error *err);

#endif
