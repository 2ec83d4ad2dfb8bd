/* voxomics: axis permutations of 3D grids (src/image/permute.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "image/permute.h"

#include <string.h>

int vx_slice_axes(int slice_axis, int ax[3])
{
    int k = 0;
    for (int a = 0; a < 3; a++) /* the slice axis s is z (2) for 0, y (1) for 1, x (0) for 2 */
        if (a != 2 - slice_axis)
            ax[k++] = a;
    ax[2] = 2 - slice_axis;
    return slice_axis != 0;
}

void vx_permute_inverse(const int ax[3], int inv[3])
{
    for (int k = 0; k < 3; k++)
        inv[ax[k]] = k;
}

void vx_permute3(const void *src, size_t elem, const size_t dims[3], const int ax[3], void *dst, size_t ddims[3])
{
    size_t stride[3] = {1, dims[0], dims[0] * dims[1]}; /* src strides, in voxels */
    const size_t d0 = dims[ax[0]], d1 = dims[ax[1]], d2 = dims[ax[2]];
    const size_t s0 = stride[ax[0]], s1 = stride[ax[1]], s2 = stride[ax[2]];
    if (ddims) {
        ddims[0] = d0;
        ddims[1] = d1;
        ddims[2] = d2;
    }
    const unsigned char *s = src;
    unsigned char *d = dst;
    size_t o = 0;
    for (size_t i2 = 0; i2 < d2; i2++)
        for (size_t i1 = 0; i1 < d1; i1++) {
            const unsigned char *row = s + (i1 * s1 + i2 * s2) * elem;
            if (s0 == 1) {
                memcpy(d + o * elem, row, d0 * elem);
                o += d0;
                continue;
            }
            switch (elem) { /* typed copies for the voxel sizes in use, one memcpy each otherwise */
            case 1:
                for (size_t i0 = 0; i0 < d0; i0++, o++)
                    d[o] = row[i0 * s0];
                break;
            case 4:
                for (size_t i0 = 0; i0 < d0; i0++, o++)
                    memcpy(d + o * 4, row + i0 * s0 * 4, 4);
                break;
            case 8:
                for (size_t i0 = 0; i0 < d0; i0++, o++)
                    memcpy(d + o * 8, row + i0 * s0 * 8, 8);
                break;
            default:
                for (size_t i0 = 0; i0 < d0; i0++, o++)
                    memcpy(d + o * elem, row + i0 * s0 * elem, elem);
            }
        }
}
