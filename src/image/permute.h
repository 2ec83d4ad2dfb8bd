/* voxomics (internal): axis permutations of 3D grids, for the slice axis of 2D work (features.slice_axis).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_PERMUTE_H
#define VX_PERMUTE_H

#include <stddef.h>

/* The axes (0 x, 1 y, 2 z) that become x, y and z when the slices are perpendicular to slice_axis
 * (vx_slice_axis: 0 z, 1 y, 2 x): the two in-plane axes in increasing order, then the slice axis, i.e.
 * {0, 1, 2}, {0, 2, 1} or {1, 2, 0}. This keeps the in-plane axes in the order PyRadiomics' force2Ddimension
 * gives them (its angles, its wavelet axes, its shape2D plane). Returns 1 when that is not the identity. */
int vx_slice_axes(int slice_axis, int ax[3]);

/* dst = src with its axes permuted: dst's axis k is src's axis ax[k], so dst has dims ddims[k] = dims[ax[k]]
 * (ddims may be NULL) and dst(i0, i1, i2) = src(c) with c[ax[k]] = ik; elem bytes per voxel, x fastest. dst
 * must not alias src. */
void vx_permute3(const void *src, size_t elem, const size_t dims[3], const int ax[3], void *dst, size_t ddims[3]);

/* The inverse permutation of ax: vx_permute3 with inv undoes vx_permute3 with ax. */
void vx_permute_inverse(const int ax[3], int inv[3]);

#endif
