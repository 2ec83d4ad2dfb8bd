/* voxomics (internal): the texture-matrix aggregation pattern, written once for all six texture families.
 *
 * A texture family supplies a matrix type and four operations: build a matrix over one slice or the whole
 * volume (for one direction when the family is directional), clone, merge (sum) and features. The
 * framework in aggregate.c builds the matrices the requested IBSI aggregations need and combines them:
 *
 *   directional families (GLCM, GLRLM; 13 directions in 3D, the first 4 of them in-plane):
 *     BTW3 2D averaged          features per (slice, in-plane direction), mean over all of them
 *     SUJT 2D slice-merged      per slice, merge the 4 directions, features, mean over slices
 *     JJUI 2.5D direction-merged per direction, merge all slices, features, mean over directions
 *     ZW7Z 2.5D merged          merge all slices and directions, features
 *     ITBB 3D averaged          3D matrix per direction, features, mean over the 13 directions
 *     IAZD 3D merged            merge the 13 3D matrices, features
 *   zone and neighbourhood families (GLSZM, GLDZM, NGTDM, NGLDM):
 *     8QNN 2D  features per slice, mean over slices;  62GR 2.5D  merge slice matrices;  KOBO 3D
 *
 * Slices without intensity-mask voxels are skipped. A features() call that reports an empty matrix is
 * left out of the mean. Means are taken in a fixed order (slice, then direction), so the result does not
 * depend on the number of threads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_TEXTURE_H
#define VX_TEXTURE_H

#include <stdint.h>

#include "voxomics/feature.h"

/* The 13 unique 3D neighbour directions (dx, dy, dz); the first 4 lie in the (x, y) plane. */
#define VX_N_DIR_2D 4
#define VX_N_DIR_3D 13
extern const int vx_texture_dirs[VX_N_DIR_3D][3];

typedef struct vx_texture_ops {
    vx_family family;
    int directional; /* 1 for GLCM and GLRLM */
    /* Build the matrix over slice z (z = box index along axis 2, in [roi->box_lo[2], roi->box_hi[2])),
     * or over the whole 3D volume when slice < 0. In 2D (slice >= 0) neighbourhoods and connectivity
     * stay inside the slice. dir indexes vx_texture_dirs (ignored when !directional). NULL: out of memory. */
    void *(*build)(const vx_roi *roi, const vx_feature_settings *fs, long slice, int dir);
    void *(*clone)(const void *m);
    /* dst += src (matrices of different extents must merge, e.g. run or zone lengths). 0 or VX_ENOMEM. */
    int (*merge)(void *dst, const void *src);
    /* Write vx_feature_count(family) values in dictionary order into out. Return 0, or 1 when the matrix
     * is empty (no voxels/pairs: the matrix is then left out of means and its features are NaN). */
    int (*features)(const void *m, const vx_feature_settings *fs, double *out);
    void (*free)(void *m);
} vx_texture_ops;

/* Length of offset d (voxels) scaled by the voxel spacing sp under PyRadiomics' weighting norm (vx_glcm_weighting:
 * manhattan sum |d_a s_a|, euclidean sqrt(sum (d_a s_a)^2), infinity max |d_a s_a|); -1 for no_weighting and none.
 * GLCM weights an angle's matrix by exp(-norm^2), GLRLM by norm (1 for no_weighting). */
double vx_texture_offset_norm(int weighting, const long d[3], const double sp[3]);

/* Compute every aggregation of fs->aggregations that the family supports and add the rows to res. */
int vx_texture_compute(const vx_texture_ops *ops, const vx_roi *roi, const vx_feature_settings *fs,
                       vx_results *res, vx_error *err);

/* The 3D aggregations (ITBB 3D averaged, IAZD 3D merged) of fs->aggregations for a directional family from
 * matrices built elsewhere: mats[0..12] one per direction of vx_texture_dirs, merged their sum (NULL: merged
 * here). The rows are those vx_texture_compute adds for these aggregations. */
int vx_texture_compute_3d(const vx_texture_ops *ops, const vx_feature_settings *fs, void *const *mats,
                          const void *merged, vx_results *res, vx_error *err);

/* ---- GLCM from co-occurrence cells counted elsewhere (the voxel maps' sliding window, window.c) --
 * A matrix as its non-zero cells (0-based grey levels ci, cj < ng; counts val as glcm.c stores them: the
 * symmetric matrix M+ + M+^T when fs->glcm_symmetric, else M+), in row-major order (ci, then cj): the order in
 * which glcm.c sums the cells of every matrix, so that the same counts give the same bits. */
typedef struct vx_glcm_cells {
    size_t nnz;
    uint32_t *ci, *cj;
    double *val;
} vx_glcm_cells;

/* 1 when vx_glcm_compute under fs uses the 13 IBSI directions (not PyRadiomics' own angles), so that
 * vx_glcm_compute_cells gives its rows. */
int vx_glcm_cells_supported(const vx_feature_settings *fs);

/* The GLCM rows of vx_glcm_compute under fs (3D aggregations only) for the matrices dirs[0..12] (per direction
 * of vx_texture_dirs) and merged (their sum) of N_g = ng grey levels; n_levels: the number of distinct grey
 * levels of the ROI (PyRadiomics' MCC). */
int vx_glcm_compute_cells(int ng, const vx_glcm_cells *dirs, const vx_glcm_cells *merged, int n_levels,
                          const vx_feature_settings *fs, vx_results *res, vx_error *err);

#endif
