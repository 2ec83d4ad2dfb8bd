/* voxomics: a case's image and mask cropped to what vx_extract reads (internal to src/cohort).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_COHORT_CROP_H
#define VX_COHORT_CROP_H

#include "voxomics/image.h"
#include "voxomics/settings.h"

/* Crop img and mask (one grid), in place, to the bounding box of every voxel any region of the mask can hold
 * (value != 0 or >= the threshold) plus the margin vx_extract keeps around the ROI, with the geometry of that
 * part of the grid (origin at its first voxel), when vx_extract gives the same results on the crop: IBSI mode
 * without interpolation, diagnostics or a periodically padded filter (those read the whole image). Otherwise,
 * for an empty mask or a box that is the whole grid, nothing changes. Used by vx_case_run, so that a case
 * holds the part of its volumes the features read, not the whole of them; no allocation, no failure. */
void vxc_crop_case(const vx_settings *s, vx_image *img, vx_image *mask);

#endif
