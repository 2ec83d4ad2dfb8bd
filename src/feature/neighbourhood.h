/* voxomics (internal): Chebyshev neighbourhoods of the intensity mask, shared by the neighbourhood grey
 * tone difference matrix (NGTDM, IBSI IPET) and the neighbouring grey level dependence matrix (NGLDM,
 * IBSI REK0), and the matrix types of both families (exposed so that unit tests can check them).
 *
 * vx_nbh holds the discretised grey levels of one slice (2D, neighbourhoods in-plane) or of the whole ROI
 * box (3D), copied into a padded grid in which one value (`outside`) marks the voxels outside the
 * intensity mask and the padding, so that every neighbour of a voxel at Chebyshev distance <= delta can be
 * read without bounds checks. The families walk the grid one z-plane at a time and add the contribution
 * of one neighbour offset (or one row of offsets) to all voxels of the plane at once, in contiguous,
 * vectorised loops: one pass over the box with a few cheap operations per voxel and neighbour.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_NEIGHBOURHOOD_H
#define VX_NEIGHBOURHOOD_H

#include <stddef.h>
#include <stdint.h>

#include "feature/texture.h"
#include "voxomics/feature.h"

typedef struct vx_nbh {
    int32_t *g;        /* padded grey levels, p[0] * p[1] * p[2] values (x fastest) */
    int32_t outside;   /* the value of voxels not in the ROI */
    size_t n[3];       /* extent of the region walked (the ROI box; n[2] = 1 for a slice) */
    size_t pad[3];     /* padding per axis: delta (0 along z for a slice) */
    size_t p[3];       /* padded dimensions n[a] + 2 pad[a] */
    ptrdiff_t *off;    /* offsets (in g) of the neighbours m != 0 with Chebyshev norm <= delta */
    size_t n_off;
    size_t nv;         /* number of intensity-mask voxels in the region */
} vx_nbh;

/* Copy slice `slice` (slice >= 0; in-plane neighbourhood) or the whole box (slice < 0; 3D neighbourhood)
 * of roi->grey into a padded grid for Chebyshev distance delta >= 1. Voxels outside the intensity mask,
 * grey levels outside 1..roi->n_grey, and the padding are stored as `outside` (not in the ROI).
 * set != 0 (PyRadiomics' distances, vx_feature_settings.distance_set): the neighbours are the offsets whose
 * Chebyshev norm d has bit d set (delta is then the largest such d). Returns 0, or VX_ENOMEM (nb is then
 * empty and safe to free). */
int vx_nbh_init(vx_nbh *nb, const vx_roi *roi, long slice, int delta, int set, int32_t outside);

/* The largest distance of a PyRadiomics distance set (bit d: distance d), 0 for an empty set. */
int vx_distance_set_max(int set);

/* Number of grid values from the first voxel of row 0 to the last voxel of row n[1]-1 of one z-plane: a
 * plane is walked as one contiguous run (the padding columns inside it are computed and ignored). */
static inline size_t vx_nbh_run(const vx_nbh *nb)
{
    return nb->n[0] && nb->n[1] ? (nb->n[1] - 1) * nb->p[0] + nb->n[0] : 0;
}
void vx_nbh_free(vx_nbh *nb);

/* Index in nb->g of the first (padded-grid) voxel of row (y, z) of the walked region. */
static inline size_t vx_nbh_row(const vx_nbh *nb, size_t y, size_t z)
{
    return nb->pad[0] + nb->p[0] * ((y + nb->pad[1]) + nb->p[1] * (z + nb->pad[2]));
}

/* ---- NGTDM ------------------------------------------------------------------------------------------- */
/* s[i] (sum of |i - mean neighbour level|) and n[i] (voxels with a non-empty neighbourhood) for grey level
 * i = 1..ng (index 0 unused). Merging sums s_i and n_i (IBSI NGTDM aggregation, method 2). */
typedef struct vx_ngtdm_matrix {
    int ng;
    double *s;
    double *n;
} vx_ngtdm_matrix;

/* ---- NGLDM ------------------------------------------------------------------------------------------- */
/* s_ij = number of voxels of grey level i (1..ng) with dependence j (1..nn), stored column by column:
 * s[(j - 1) * ng + (i - 1)]; nn = largest dependence found (columns nn+1..cap are zero); nv = number of
 * intensity-mask voxels (N_v). Merging sums s_ij and N_v (IBSI NGLDM aggregation, method 2). */
typedef struct vx_ngldm_matrix {
    int ng;
    int nn;
    int cap;
    double *s;
    double nv;
} vx_ngldm_matrix;

/* The texture operations of both families (for unit tests; the families use them through
 * vx_ngtdm_compute / vx_ngldm_compute). The matrices their build() returns start with a vx_ngtdm_matrix
 * or vx_ngldm_matrix respectively, so the void pointer may be read as one. */
const vx_texture_ops *vx_ngtdm_ops(void);
const vx_texture_ops *vx_ngldm_ops(void);

#endif
