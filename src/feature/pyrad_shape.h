/* voxomics (internal): PyRadiomics' shape and shape2D classes (compat pyradiomics); see pyrad_shape.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_PYRAD_SHAPE_H
#define VX_PYRAD_SHAPE_H

#include <stddef.h>
#include <stdint.h>

#include "voxomics/error.h"
#include "voxomics/feature.h"

/* PyRadiomics' marching-cubes mesh of the voxels with mask[i] != 0 inside the half-open box [lo, hi) of a
 * dims grid (x fastest; voxels outside the box count as outside): its signed volume (mm^3) and its surface
 * area (mm^2). An empty box gives 0 and 0. */
void vx_pyrad_mesh(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3],
                   const double spacing[3], double *volume, double *area);

/* PyRadiomics' largest distances (mm) between mesh vertices (midpoints of the grid edges joining a mask
 * voxel to a non-mask voxel) lying in one plane of constant z (diam[0], "Slice"), y (diam[1], "Column") and
 * x (diam[2], "Row"); 0 where no plane holds two vertices. VX_OK or VX_ENOMEM with err set. */
int vx_pyrad_plane_diameters(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3],
                             const double spacing[3], double diam[3], vx_error *err);

/* Eigenvalues (descending) of the covariance of the voxel centres (mm) of the mask in the box, normalised
 * by N as PyRadiomics does; values in (-1e-10, 0) are rounded to 0. N = 0 gives NaN. */
void vx_pyrad_pca(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3],
                  const double spacing[3], double lam[3]);

/* The shape2D class of the mask in the box, which must be one voxel thick along z (lo[2] + 1 == hi[2]):
 * out[k] is feature VX_F_SHAPE2D_MESH_SURFACE + k (10 values). VX_OK or VX_ENOMEM with err set. */
int vx_pyrad_shape2d(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3],
                     const double spacing[3], double out[10], vx_error *err);

/* The morphology family in PyRadiomics compatibility: f holds the family's values (f[k] is feature
 * VX_F_MORPH_VOLUME + k, k < 29); the PyRadiomics definitions replace the mesh volume and area, the ratios
 * built on them and the PCA features, and the rows of PyRadiomics' own shape features (the three plane
 * diameters; the shape2D class when fs asks for 2D (force2D) and the morphological mask is one slice thick
 * along fs->slice_axis) are appended to res. VX_OK, or VX_ENOMEM with err set. */
int vx_pyrad_shape(const vx_roi *roi, const vx_feature_settings *fs, double *f, vx_results *res, vx_error *err);

#endif
