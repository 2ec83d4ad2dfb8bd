/* voxomics (internal): helpers of the morphology family (morph.c), split by topic.
 *
 *   morph_moran.c      Moran's I and Geary's C (direct O(N^2) sum or exact FFT convolution)
 *   morph_hull.c       convex hull of the mesh vertices (qhull), maximum diameter, oriented bounding box
 *   morph_ellipsoid.c  PCA, ellipsoid surface area (Legendre series), minimum volume enclosing ellipsoid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_MORPH_IMPL_H
#define VX_MORPH_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "feature/mesh.h"
#include "voxomics/error.h"
#include "voxomics/feature.h"

#define VX_MORPH_PI 3.14159265358979323846

/* vx_morph_compute_ex, VX_MORAN_* and vx_morph_moran_geary: voxomics/feature.h (the case scheduler uses them). */

/* Memory for the spectra of the FFT path (bytes); above it the x frequencies are taken in residue classes
 * (morph_moran.c; the result does not depend on the thread count). 128 MiB: with the kernel octant (about
 * (L / 2)^3 doubles for the padded period L) morphology on a 5-million-voxel ROI then adds 267 MiB to the
 * peak instead of 425 and is faster; on 20 million voxels 678 MiB instead of 812 in about the same time
 * (bench/README.md, bench_scale). The _ex form takes the limit (for tests). */
#define VX_MORAN_MAX_SPEC ((size_t)1 << 27)
int vx_morph_moran_geary_ex(const vx_roi *roi, int method, int threads, size_t max_spec, double *moran,
                            double *geary, vx_error *err);

/* ---- convex hull ----------------------------------------------------------------------------------- */
typedef struct vx_hull {
    size_t n_vert;    /* hull vertices (mm, relative to the mesh box centre) */
    double *vert;     /* 3 per vertex */
    size_t n_face;    /* hull facets (triangles, or merged coplanar polygons) */
    double *normal;   /* 3 per facet, unit outward normals */
    double *farea;    /* facet areas (mm^2) */
    size_t *vf_start; /* facets around vertex v: vf_idx[vf_start[v] .. vf_start[v + 1]) */
    size_t *vf_idx;
    double volume, area;
} vx_hull;

/* Convex hull of the mesh vertices (world coordinates: doubled coordinates * spacing / 2, relative to the
 * box centre). Returns VX_OK or an error; an empty mesh gives an empty hull with volume = area = 0. */
int vx_hull_build(const vx_mesh *m, const double spacing[3], vx_hull *h, vx_error *err);
void vx_hull_free(vx_hull *h);

/* Largest distance between two hull vertices (mm); 0 for fewer than two vertices. */
double vx_hull_diameter(const vx_hull *h);

/* Oriented minimum bounding box (approximation, see morph_hull.c): volume and surface area. */
int vx_hull_ombb(const vx_hull *h, double *volume, double *area, vx_error *err);

/* ---- ellipsoids ------------------------------------------------------------------------------------ */
/* Eigenvalues (descending) of a symmetric 3x3 matrix a (row-major), by cyclic Jacobi rotations; the
 * eigenvectors (columns of v, row-major) when v != NULL. */
void vx_sym3_eigen(const double a[9], double eval[3], double v[9]);

/* Surface area of an ellipsoid with semi-axes a >= b >= c (IBSI Legendre series, terms nu = 0..20). */
double vx_ellipsoid_area(double a, double b, double c);

/* Minimum volume enclosing ellipsoid of n points (3 per point) by Khachiyan's barycentric coordinate
 * descent with Wolfe-Atwood away steps, tolerance tol; semi-axes (descending) in axes[3]. The ellipsoid
 * is scaled up, if needed, so that it encloses every point. */
int vx_mvee(const double *pts, size_t n, double tol, double axes[3], vx_error *err);

#endif
