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

/* The intensities vx_extract keeps around the ROI box (mm, the processed grid's; vx_roi_request): the
 * local-intensity sphere's radius plus the largest filter reach; 1e12 when a filter needs the whole grid. */
double vx_extract_margin_mm(const vx_image *img, const vx_settings *s);

/* vx_extract on an image and a mask the caller hands over: both are freed (*img, *mask set NULL) as soon as the
 * processed ROI is built when nothing reads them later (IBSI mode without filters), so that the whole-volume
 * inputs and the ROI are not held at once; else they stay the caller's (free them either way). */
int vx_extract_release(vx_image **img, vx_image **mask, const vx_settings *s, vx_results *res, vx_error *err);

#endif
