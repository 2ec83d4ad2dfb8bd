/* voxomics (internal to src/io): a settings document read by libyaml from a file or from text, for the readers
 * of settings files (config.c) and of PyRadiomics' voxelSetting (pyrad_voxel.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VOXOMICS_IO_YAML_INPUT_H
#define VOXOMICS_IO_YAML_INPUT_H

#include <stddef.h>
#include <yaml.h>

#include "voxomics/error.h"

/* What to do with the loaded document (its root may be NULL: an empty document); name: the file's path or the
 * text's name in messages. */
typedef int (*vxio_yaml_fn)(yaml_document_t *doc, const char *name, void *ctx, vx_error *err);

/* Load the YAML document of file path and hand it to fn. Errors: VX_EIO (cannot open), VX_ENOMEM, VX_EFORMAT
 * ("PATH:LINE: YAML syntax error: ..."), and fn's. */
int vxio_yaml_file(const char *path, vxio_yaml_fn fn, void *ctx, vx_error *err);
/* The same on len bytes of text, named name in messages. */
int vxio_yaml_text(const char *text, size_t len, const char *name, vxio_yaml_fn fn, void *ctx, vx_error *err);

#endif
