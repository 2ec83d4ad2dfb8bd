/* voxomics (internal to prep and feature): one intensity's grey level and IVH value.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_PREP_LEVELS_H
#define VX_PREP_LEVELS_H
#include <math.h>
#include <stdint.h>

#include "voxomics/feature.h"
#include "voxomics/settings.h"

/* The formulas of vx_discretise (IBSI mode) and vx_ivh_values for one intensity, shared by the discretisation
 * and the IVH family, which computes each voxel's IVH value from its intensity (vx_roi's ivh_map) instead of
 * storing it: the same values, bit for bit. */
/* Fixed bin size w from x_min (IBSI): g = floor((x - x_min) / w) + 1. */
static inline int32_t vx_fbs_level(double x, double x_min, double w)
{
    return (int32_t)floor((x - x_min) / w) + 1;
}

/* Fixed bin number nb over [x_min, x_max]: g = floor(nb (x - x_min) / (x_max - x_min)) + 1, nb at x >= x_max,
 * at least 1; a single level (1) for an empty range. */
static inline int32_t vx_fbn_level(double x, double x_min, double x_max, int nb)
{
    const double range = x_max - x_min;
    int32_t g;
    if (!(range > 0.0))
        g = 1; /* constant ROI: a single grey level */
    else if (x >= x_max)
        g = nb;
    else
        g = (int32_t)floor(nb * (x - x_min) / range) + 1;
    return g < 1 ? 1 : g;
}

/* The IVH value of intensity x under m (vx_ivh_values' rules, voxomics/roi.h). */
static inline double vx_ivh_map_value(const vx_ivh_map *m, double x)
{
    switch (m->method) {
    case VX_DISC_FBS:
        return m->x_min + ((double)vx_fbs_level(x, m->x_min, m->width) - 0.5) * m->width;
    case VX_DISC_FBN:
        return vx_fbn_level(x, m->x_min, m->x_max, m->bins);
    default:
        return x;
    }
}

#endif
