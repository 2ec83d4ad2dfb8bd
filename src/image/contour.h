/* voxomics (internal): closed planar contours (DICOM RTSTRUCT) rasterised onto a voxel grid.
 *
 * Rule (voxel-centre test, even-odd):
 *  - Every point is mapped to continuous voxel indices (i, j, k) of the grid (vx_geometry_world_to_index:
 *    any orthonormal, possibly oblique, direction matrix).
 *  - A contour belongs to one slice k0: every point's k must lie within 0.25 voxel of the same integer k0.
 *    Points between slices (|k - round(k)| > 0.25 while the points spread over at most half a voxel) are
 *    VX_EFORMAT "contour 12 lies between slices 40 and 41 (k = 40.5): ..."; points spread over more than
 *    that, or rounding to different slices, are VX_EFORMAT "contour 12 is not parallel to the image slices".
 *    Contours are numbered from 1 in messages, in the order given. A contour with fewer than 3 points, or a
 *    non-finite point, or one over 1e9 voxels from the grid, is VX_EFORMAT. A contour on a slice outside
 *    [0, dims[2]) is counted in st->outside and skipped; st->used counts the others. Every contour is
 *    checked before any voxel is written, so on error mask is untouched.
 *  - Each contour is closed (its last point joins its first). In each slice, all contours of that slice are
 *    combined by the even-odd rule: a voxel centre (i, j) is inside when a ray from it towards +i crosses
 *    the slice's edges an odd number of times, so holes (a contour inside another) are outside and overlaps
 *    of two contours cancel (XOR).
 *  - Crossings use the half-open rule: the edge from a to b (index plane) crosses row j when
 *    (a_j > j) != (b_j > j), at i = a_i + (j - a_j) (b_i - a_i) / (b_j - a_j), computed from the endpoint of
 *    lower j, so an edge gives the same crossing in either direction; a voxel centre counts the crossings
 *    strictly to its right. Consequences: a centre exactly on a left boundary (a crossing at i) is inside, a
 *    centre on a right boundary is outside; a centre on a bottom horizontal boundary (lowest j) is inside,
 *    on a top one is outside. So a square with corners on voxel centres (i, j) in [i0, i1] x [j0, j1]
 *    covers i0 <= i < i1, j0 <= j < j1, and two contours sharing an edge never both claim a voxel.
 *  - Point coordinates and crossings are snapped to multiples of 2^-20 voxel, so points meant to lie on
 *    voxel centres or edges do so despite rounding noise in the world-to-index mapping.
 *  - Inside voxels are set to 1.0f; every other voxel is left untouched (the caller zero-fills).
 * Work: a scanline fill per slice (edge table sorted by first row, active edges, sorted crossings per row),
 * O(points log points + rows x crossings + filled voxels).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_CONTOUR_H
#define VX_CONTOUR_H

#include <stddef.h>

#include "voxomics/error.h"
#include "voxomics/image.h"

/* n points x, y, z (world LPS mm, 3 n doubles), closed (the last point joins the first). */
typedef struct vx_contour {
    const double *xyz;
    size_t n;
} vx_contour;

typedef struct vx_contour_stats {
    size_t used, outside; /* contours rasterised; contours on a slice outside the grid (skipped) */
} vx_contour_stats;

/* Rasterise the nc closed planar contours c onto grid g into mask (vx_geometry_count(g) floats, x fastest):
 * inside voxels are set to 1, the others left untouched. st may be NULL. VX_EGEOMETRY when g cannot be
 * inverted, VX_EFORMAT for a malformed contour (see above), VX_ENOMEM. */
int vx_contours_rasterise(const vx_geometry *g, const vx_contour *c, size_t nc, float *mask, vx_contour_stats *st,
                          vx_error *err);

#endif
