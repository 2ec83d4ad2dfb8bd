/* voxomics (internal): the files of a folder.  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_IO_DIRLIST_H
#define VX_IO_DIRLIST_H

#include <stddef.h>

#include "voxomics/error.h"

/* The regular files of folder dir (not recursive; names starting with '.' skipped) as malloc'ed paths
 * "dir/name", sorted by name (byte order). Free with vx_dir_free. */
int vx_dir_files(const char *dir, char ***paths, size_t *n, vx_error *err);
void vx_dir_free(char **paths, size_t n);

#endif
