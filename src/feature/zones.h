/* voxomics (internal): zones of linked voxels with equal discretised grey level, shared by the grey level
 * size zone matrix (GLSZM, IBSI 9SAK) and the grey level distance zone matrix (GLDZM, IBSI VMDZ).
 *
 * A zone is a maximal set of intensity-mask voxels with the same grey level that are linked through
 * neighbours within Chebyshev distance `linkage` (1: 26-connectivity in 3D, 8-connectivity in a 2D slice).
 * Zones are labelled with one union-find pass over the ROI box (or one slice of it); GLDZM distances come
 * from one distance transform of the box, not one search per zone.
 *
 * Both matrices are stored the same way, sparsely: a list of (grey level i, length j, count) entries with
 * count > 0, sorted by (j, i) and unique, where j is the zone size (GLSZM) or the zone distance (GLDZM). This
 * keeps a 3D GLSZM of a large ROI (zone sizes up to the ROI volume) small, and two matrices of different
 * extents merge by one linear merge of their entry lists. The matrix also carries the number of
 * intensity-mask voxels N_v (summed on merge, as IBSI prescribes for merged aggregations) and the
 * per-grey-level marginal s_i. (so that features() needs no allocation).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_ZONES_H
#define VX_ZONES_H

#include <stddef.h>
#include <stdint.h>

#include "voxomics/feature.h"

typedef struct vx_zone_entry {
    uint32_t len;   /* j: zone size (GLSZM) or zone distance (GLDZM), >= 1 */
    uint32_t grey;  /* i: discretised grey level, >= 1 */
    uint64_t count; /* number of zones with this (i, j) */
} vx_zone_entry;

typedef struct vx_zone_matrix {
    int n_grey;          /* grey levels 1..n_grey may occur (roi->n_grey, or the largest one seen) */
    uint64_t n_voxels;   /* N_v: intensity-mask voxels the matrix was built over */
    size_t n, cap;       /* entries */
    vx_zone_entry *e;    /* sorted by (len, grey), unique, count > 0 */
    uint64_t *row;       /* s_i. for i = 0..n_grey (row[0] unused) */
} vx_zone_matrix;

/* What a zone matrix yields to build all 16 features of either family. With p_ij = s_ij / N_s (formed by
 * division, so that a count equal to N_s gives exactly 1), p_i. and p_.j the marginals: sums are over all
 * (i, j) with s_ij > 0, already normalised by N_s. A matrix with one grey level thus gives exactly 1/i^2,
 * i^2, 1 and 0 for the grey-level emphases, the normalised non-uniformity and the variance. */
typedef struct vx_zone_sums {
    double ns;          /* N_s = sum_ij s_ij */
    double nv;          /* N_v */
    double inv_j2;      /* sum_j p_.j / j^2 */
    double j2;          /* sum_j j^2 p_.j */
    double inv_i2;      /* sum_i p_i. / i^2 */
    double i2;          /* sum_i i^2 p_i. */
    double inv_i2j2;    /* sum_ij p_ij / (i^2 j^2) */
    double i2_inv_j2;   /* sum_ij i^2 p_ij / j^2 */
    double j2_inv_i2;   /* sum_ij j^2 p_ij / i^2 */
    double i2j2;        /* sum_ij i^2 j^2 p_ij */
    double sum_pi2;     /* sum_i p_i.^2 */
    double sum_pj2;     /* sum_j p_.j^2 */
    double var_i;       /* sum_ij (i - mu_i)^2 p_ij, mu_i = sum_ij i p_ij */
    double var_j;       /* sum_ij (j - mu_j)^2 p_ij, mu_j = sum_ij j p_ij */
    double entropy;     /* -sum_ij p_ij log2 p_ij (>= 0; 0 for a single cell) */
} vx_zone_sums;

/* Build the zone matrix over slice z = `slice` of the box (2D: in-plane linkage, in-plane distances) or the
 * whole box when slice < 0 (3D). distance == 0: j = zone size (GLSZM). distance != 0: j = zone distance
 * (GLDZM): the minimum over the zone's voxels of the distance map, which is the number of 4-connected (2D)
 * or 6-connected (3D) steps to the nearest voxel outside the morphological mask, so 1 on the mask edge.
 * linkage < 1 is taken as 1. NULL: out of memory (or a box too large to index with 31 bits). */
vx_zone_matrix *vx_zones_build(const vx_roi *roi, int linkage, long slice, int distance);

void *vx_zone_matrix_clone(const void *m);
/* dst += src: entries summed, N_v summed. 0 or VX_ENOMEM (dst unchanged on failure). */
int vx_zone_matrix_merge(void *dst, const void *src);
void vx_zone_matrix_free(void *m);

/* Fill s from m. Return 0, or 1 when the matrix holds no zone (s is then zeroed). */
int vx_zone_sums_compute(const vx_zone_matrix *m, vx_zone_sums *s);

/* The 16 features of each family, in dictionary order (the vx_texture_ops.features of glszm.c / gldzm.c,
 * exposed for unit tests). Return 0, or 1 (all NaN) when the matrix holds no zone. */
int vx_glszm_features(const void *m, const vx_feature_settings *fs, double *out);
int vx_gldzm_features(const void *m, const vx_feature_settings *fs, double *out);

#endif
