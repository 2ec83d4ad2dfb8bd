/* voxomics (internal): the voxel maps' two paths (maps.c) and their sliding window (maps_slide.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_MAPS_IMPL_H
#define VOXOMICS_MAPS_IMPL_H

#include "voxomics/maps.h"
#include "voxomics/roi.h"

/* vx_maps_compute with the path chosen: sliding 1 (what vx_maps_compute does) updates the kernel along each x row
 * of the ROI for the families maps_slide.c computes from it; sliding 0 builds every kernel as a small ROI and
 * runs every family on it (the reference path, kept for the benchmark). Both give the same maps. */
int vx_maps_compute_path(const vx_image *img, const vx_image *mask, const vx_settings *s, const vx_maps_settings *ms,
                         int sliding, vx_maps *out, vx_error *err);

/* The largest number of grey levels for which the sliding window keeps GLCM count matrices (14 of them, per
 * thread, N_g x N_g); above it the GLCM is computed per kernel. */
#define VX_SLIDE_MAX_GREY 256

/* A kernel moving along x over the processed ROI g: its voxels' grey-level histogram, the co-occurrence counts
 * of the 13 directions and their sum, updated as voxels leave and enter. */
typedef struct vx_slide vx_slide;

/* The families of `families` that the sliding window computes under s for a ROI of n_grey grey levels: intensity
 * statistics and intensity histogram always, the GLCM with the 13 IBSI directions and n_grey <= VX_SLIDE_MAX_GREY. */
unsigned vx_slide_families(const vx_settings *s, unsigned families, int n_grey);

/* A sliding window over g (its grey levels 1..g->n_grey in the kernel's voxels) for kernels of ms (radius,
 * shape, masked), computing families (from vx_slide_families); fbn: N_g is g->n_grey (fixed bin number), else
 * the kernel's highest grey level. NULL when out of memory. */
vx_slide *vx_slide_new(const vx_roi *g, const vx_maps_settings *ms, const vx_settings *s, unsigned families, int fbn);
void vx_slide_free(vx_slide *w);

/* The kernel of voxel (x, y, z) from scratch. */
void vx_slide_start(vx_slide *w, size_t x, size_t y, size_t z);
/* The kernel moved from (x, y, z) to (x + 1, y, z): the voxels leaving removed, those entering added. */
void vx_slide_step(vx_slide *w);
/* The rows of family f (one of vx_slide_families) of the current kernel, as vx_extract gives them on the kernel as
 * its own ROI, appended to res. */
int vx_slide_rows(vx_slide *w, vx_family f, vx_results *res, vx_error *err);

#endif
