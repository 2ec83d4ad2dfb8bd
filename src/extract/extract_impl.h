/* voxomics: what src/extract/extract.c shares inside the library (not installed).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_EXTRACT_IMPL_H
#define VX_EXTRACT_IMPL_H

#include "voxomics/roi.h"
#include "voxomics/settings.h"

/* The families `families` (bits) of the settings on one processed ROI, as vx_extract runs them on the original
 * image (PyRadiomics' statistics and its own features with compat pyradiomics), rows appended to res unsorted.
 * The voxel maps (src/feature/maps.c) run it on each kernel. */
int vx_extract_run_families(const vx_roi *roi, const vx_settings *s, unsigned families, vx_results *res,
                            vx_error *err);

#endif
