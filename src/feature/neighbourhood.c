/* voxomics (internal): zero-padded grey-level grids for Chebyshev neighbourhoods (NGTDM, NGLDM).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "feature/neighbourhood.h"

void vx_nbh_free(vx_nbh *nb)
{
    free(nb->g);
    free(nb->off);
    memset(nb, 0, sizeof *nb);
}

int vx_distance_set_max(int set)
{
    int m = 0;
    for (int b = 1; b < 31; b++)
        if (set >> b & 1)
            m = b;
    return m;
}

/* Chebyshev norm of (dx, dy, dz). */
static ptrdiff_t cheb(ptrdiff_t dx, ptrdiff_t dy, ptrdiff_t dz)
{
    ptrdiff_t m = dx < 0 ? -dx : dx;
    m = (dy < 0 ? -dy : dy) > m ? (dy < 0 ? -dy : dy) : m;
    return (dz < 0 ? -dz : dz) > m ? (dz < 0 ? -dz : dz) : m;
}

int vx_nbh_init(vx_nbh *nb, const vx_roi *roi, long slice, int delta, int set, int32_t outside)
{
    memset(nb, 0, sizeof *nb);
    if (set)
        delta = vx_distance_set_max(set);
    nb->outside = outside;
    const size_t d = delta > 0 ? (size_t)delta : 1;
    const int in_plane = slice >= 0;
    for (int a = 0; a < 3; a++) {
        nb->n[a] = roi->box_hi[a] > roi->box_lo[a] ? roi->box_hi[a] - roi->box_lo[a] : 0;
        nb->pad[a] = d;
    }
    if (in_plane) {
        nb->n[2] = 1;
        nb->pad[2] = 0;
    }
    for (int a = 0; a < 3; a++)
        nb->p[a] = nb->n[a] + 2 * nb->pad[a];

    const size_t total = nb->p[0] * nb->p[1] * nb->p[2];
    const size_t w = 2 * d + 1;
    const size_t n_nb = in_plane ? w * w - 1 : w * w * w - 1;
    nb->g = malloc((total ? total : 1) * sizeof *nb->g);
    nb->off = malloc(n_nb * sizeof *nb->off);
    if (!nb->g || !nb->off) {
        vx_nbh_free(nb);
        return VX_ENOMEM;
    }
    for (size_t i = 0; i < total; i++)
        nb->g[i] = outside;

    /* neighbour offsets, in a fixed order (z, y, x ascending), centre excluded */
    const ptrdiff_t sd = (ptrdiff_t)d, sx = 1, sy = (ptrdiff_t)nb->p[0], sz = sy * (ptrdiff_t)nb->p[1];
    const ptrdiff_t dz_lo = in_plane ? 0 : -sd, dz_hi = in_plane ? 0 : sd;
    for (ptrdiff_t dz = dz_lo; dz <= dz_hi; dz++)
        for (ptrdiff_t dy = -sd; dy <= sd; dy++)
            for (ptrdiff_t dx = -sd; dx <= sd; dx++)
                if ((dx || dy || dz) && (!set || (set >> cheb(dx, dy, dz) & 1)))
                    nb->off[nb->n_off++] = dx * sx + dy * sy + dz * sz;

    /* copy the grey levels of the intensity mask */
    const size_t z0 = in_plane ? (size_t)slice : roi->box_lo[2];
    const int32_t ng = roi->n_grey;
    size_t nv = 0;
    if (nb->n[0] && nb->n[1] && (!in_plane || ((size_t)slice >= roi->box_lo[2] && (size_t)slice < roi->box_hi[2])))
        for (size_t z = 0; z < nb->n[2]; z++)
            for (size_t y = 0; y < nb->n[1]; y++) {
                const size_t src = roi->box_lo[0] + roi->dims[0] * ((roi->box_lo[1] + y) + roi->dims[1] * (z0 + z));
                const int32_t *gs = roi->grey + src;
                const uint8_t *ms = roi->imask + src;
                int32_t *gd = nb->g + vx_nbh_row(nb, y, z);
                for (size_t x = 0; x < nb->n[0]; x++) {
                    const int32_t v = gs[x];
                    const int in = ms[x] && v >= 1 && v <= ng;
                    gd[x] = in ? v : outside;
                    nv += (size_t)in;
                }
            }
    nb->nv = nv;
    return 0;
}
