/* voxomics: PyRadiomics' voxelSetting section (internal; src/io/pyrad_voxel.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VOXOMICS_IO_PYRAD_VOXEL_H
#define VOXOMICS_IO_PYRAD_VOXEL_H

#include <yaml.h>

#include "voxomics/error.h"

/* PyRadiomics' voxelSetting values (voxomics/maps.h's vx_maps_settings takes them). */
typedef struct vx_pyrad_voxel {
    int radius, masked, batch;
    double init_value;
} vx_pyrad_voxel;

/* Read the voxelSetting mapping n of the parsed file path into ms (NULL: only check it): kernelRadius (1..15),
 * maskedKernel (true / false), initValue (a number, nan allowed), voxelBatch (an integer; -1 or > 0). A null
 * section is fine. Errors: VX_EINVAL naming the file, the line and the key. */
int vx_pyrad_voxel_setting(yaml_document_t *doc, const yaml_node_t *n, const char *path, vx_pyrad_voxel *ms,
                           vx_error *err);
/* The voxelSetting section of the YAML file path into *v (the keys it gives; v as it is without a section). */
int vx_pyrad_voxel_load(const char *path, vx_pyrad_voxel *v, vx_error *err);
/* vx_pyrad_voxel_load on the YAML text of len bytes (name: the document named in errors). */
int vx_pyrad_voxel_load_text(const char *text, size_t len, const char *name, vx_pyrad_voxel *v, vx_error *err);

#endif
