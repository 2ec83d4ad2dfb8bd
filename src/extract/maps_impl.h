/* voxomics (internal): the voxel maps' two paths (maps.c; their sliding window: vx_window, voxomics/feature.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_MAPS_IMPL_H
#define VOXOMICS_MAPS_IMPL_H

#include "voxomics/maps.h"

/* vx_maps_compute with the path chosen: sliding 1 (what vx_maps_compute does) updates the kernel along each x row
 * of the ROI for the families the window (vx_window) computes from it; sliding 0 builds every kernel as a small ROI and
 * runs every family on it (the reference path, kept for the benchmark). Both give the same maps. */
int vx_maps_compute_path(const vx_image *img, const vx_image *mask, const vx_settings *s, const vx_maps_settings *ms,
                         int sliding, vx_maps *out, vx_error *err);

#endif
