/* voxomics: PyRadiomics parameter files (internal; called by the YAML settings loader, src/io/config.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_IO_PYRAD_PARAMS_H
#define VOXOMICS_IO_PYRAD_PARAMS_H

#include <yaml.h>

#include "voxomics/settings.h"

/* Whether root (the document's root node) is a mapping with at least one PyRadiomics top-level key
 * (imageType, featureClass, setting, voxelSetting). */
int vx_pyrad_is_params(yaml_document_t *doc, yaml_node_t *root);

/* Map the PyRadiomics parameter file `path` (parsed into doc, root its root node) onto s: PyRadiomics'
 * defaults first (label 1, binWidth 25, sitkBSpline, nearest-neighbour masks, every feature class, GLCM and
 * GLRLM averaged over the 13 directions, the others in 3D, compat pyradiomics), then the file. Unknown
 * keys and values are VX_EINVAL, valid PyRadiomics options voxomics does not implement VX_EUNSUPPORTED; the
 * message names the file, the line and the key. */
int vx_pyrad_params_load(yaml_document_t *doc, yaml_node_t *root, const char *path, vx_settings *s, vx_error *err);

#endif
