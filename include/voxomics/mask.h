/* voxomics: label masks and their grids.
 *
 * A label mask is a vx_image whose voxels hold 0 (background) or a positive integer label; a binary mask
 * holds 0 and 1. These utilities list the labels of a mask, keep the largest connected component of a
 * region of interest, check that a mask lies on an image's voxel grid, and resample a mask onto another
 * grid by nearest neighbour (labels copied, never blended).
 *
 * Geometry follows voxomics/image.h: the world position (LPS mm) of voxel (i, j, k) is
 *   p = origin + D * diag(spacing) * (i, j, k)^T,
 * so the continuous voxel index of a world point p is diag(spacing)^-1 * D^-1 * (p - origin).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_MASK_H
#define VOXOMICS_MASK_H

#include "voxomics/export.h"

#include <stddef.h>

#include "voxomics/error.h"
#include "voxomics/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The distinct labels of a label mask, ascending, in a new array *labels of *n ints (free() it; NULL and
 * n = 0 when the mask holds no label). Labels are the voxel values > 0; 0 and negative integers are
 * background and not listed. Every voxel must hold an integer: a fractional, NaN or infinite value is
 * VX_EFORMAT naming the first such voxel (i, j, k) and its value (a fractional mask must be thresholded,
 * not listed); a label above INT_MAX is VX_EUNSUPPORTED. Linear time. */
VX_API int vx_mask_labels(const vx_image *mask, int **labels, size_t *n, vx_error *err);

/* At most this many distinct values in a mask (VX_MASK_MAX_VALUES): more is taken for an image. */
#define VX_MASK_MAX_VALUES 1000
/* VX_OK when a mask read from a file looks like a mask: every voxel finite and >= 0, every value above 1 an
 * integer (0/1 masks, fractional masks in [0, 1], integer label images), and at most VX_MASK_MAX_VALUES
 * distinct values. Otherwise VX_EFORMAT with one line naming path (NULL: "mask"), the first offending voxel
 * (i, j, k) and its value, or the count, and asking whether IMAGE and MASK were swapped. One pass, linear
 * time: distinct values are counted in a small hash set that stops at VX_MASK_MAX_VALUES + 1. */
VX_API int vx_mask_check_values(const vx_image *mask, const char *path, vx_error *err);

/* Keep only the largest connected component of the region of interest of a mask, in place. The ROI is the
 * voxels equal to label when label > 0, else the voxels >= threshold (NaN excluded; a NaN threshold is
 * VX_EINVAL). Voxels are connected when they share a face (connectivity 6), a face or an edge (18), or a
 * face, an edge or a corner (26); any other connectivity is VX_EINVAL. Every ROI voxel outside the kept
 * component is set to 0; the kept voxels and the voxels outside the ROI (e.g. other labels) are unchanged.
 * Ties: among components of the largest size, the one containing the lowest linear index
 * (i + nx (j + ny k)) is kept. *kept (may be NULL) receives the kept size: 0 for an empty ROI, which is not
 * an error. Linear time and memory (breadth-first search with an explicit queue, no recursion). */
VX_API int vx_mask_largest_component(vx_image *mask, int label, double threshold, int connectivity, size_t *kept,
                                     vx_error *err);

/* The number of connected components of the ROI of mask (label and threshold as for
 * vx_mask_largest_component; connectivity 6, 18 or 26) into *count: 0 for an empty ROI. Linear time and memory.
 * Errors: VX_EINVAL (connectivity, NaN threshold), VX_ENOMEM. */
VX_API int vx_mask_count_components(const vx_image *mask, int label, double threshold, int connectivity, size_t *count,
                                    vx_error *err);

/* One line describing a grid into buf (n bytes, always terminated when n > 0), e.g.
 *   "204x201x60 voxels, spacing 0.977 x 0.977 x 3 mm, origin (-174.39, -79.63, -100.4) mm,
 *    direction (1 0 0; 0 1 0; 0 0 1)"
 * (on one line). Numbers have up to 6 significant digits; the direction matrix is printed row by row
 * (row-major, as stored: column c is the world direction of array axis c). 256 bytes are always enough. */
VX_API void vx_geometry_describe(const vx_geometry *g, char *buf, size_t n);

/* VX_OK when a mask lies on the image's voxel grid: same dimensions; spacing equal within 1e-3 relative
 * plus 1e-6 mm; origins within 1e-2 voxel plus 1e-4 mm along each image axis (the origin difference is
 * measured in the image's voxel index frame); direction cosines equal within 1e-4. Otherwise
 * VX_EGEOMETRY with one line naming what differs and describing both grids ("image <describe>; mask
 * <describe>") and the fix: pass --resample-mask to resample the mask onto the image grid. */
VX_API int vx_geometry_check(const vx_geometry *image, const vx_geometry *mask, vx_error *err);

/* The affine map from world coordinates (LPS mm) to continuous voxel indices of g:
 *   index[r] = m[4 r] p[0] + m[4 r + 1] p[1] + m[4 r + 2] p[2] + m[4 r + 3],  r = 0, 1, 2
 * (the inverse of origin + D diag(spacing) index). VX_EGEOMETRY when a spacing is not positive and finite,
 * or the direction matrix is singular (|det D| < 1e-6) or not finite. */
VX_API int vx_geometry_world_to_index(const vx_geometry *g, double m[12], vx_error *err);

/* Resample a (label) mask onto grid g by nearest neighbour in physical space, into a new image *out
 * (free with vx_image_free). For each voxel centre of g, its world position is mapped to a continuous
 * index c of the mask grid and rounded to the nearest voxel, floor(c + 1/2) along each axis: ties round
 * half up (a position within 1e-6 voxel below a half-way point counts as the half-way point, so that
 * rounding noise in the mapping does not decide ties). Voxels of g whose nearest mask voxel lies outside
 * the mask grid get 0. Values are copied, never blended, so labels survive. Grids that coincide give a
 * bit-identical copy; a mask on the same lattice with another extent gives an exact shifted copy (crop or
 * pad with 0). An empty result is not an error. VX_EGEOMETRY when the mask grid cannot be inverted (see
 * vx_geometry_world_to_index), VX_EINVAL when g has over 2^40 voxels, VX_ENOMEM. */
VX_API int vx_mask_resample_nearest(const vx_image *mask, const vx_geometry *g, vx_image **out, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
