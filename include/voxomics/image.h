/* voxomics: the image model.
 *
 * vx_image holds float voxels on a 3D grid with double-precision geometry. Voxel (i, j, k) is stored at
 * v[i + dims[0] * (j + dims[1] * k)] (x fastest). The world position of a voxel centre is
 *   p = origin + D * diag(spacing) * (i, j, k)^T
 * with D the 3x3 direction-cosine matrix stored row-major in direction[9] (column c = world direction of
 * array axis c). World coordinates are LPS, as in DICOM and ITK.
 * vx_mask has the same geometry with one uint8 per voxel (0 = outside, non-zero = inside).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_IMAGE_H
#define VOXOMICS_IMAGE_H

#include "voxomics/export.h"

#include <stddef.h>
#include <stdint.h>

#include "voxomics/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vx_geometry {
    size_t dims[3];
    double spacing[3];
    double origin[3];
    double direction[9];
} vx_geometry;

/* The voxel type of the file an image was read from (NRRD type, NIfTI datatype). voxomics computes on float
 * voxels whatever the file held; the type matters where another tool's output type does, e.g. PyRadiomics
 * (SimpleITK) resamples into the input's pixel type, so interpolated values of an integer image are truncated
 * to integers (compat pyradiomics). VX_PIXEL_REAL (0) is a floating-point file, a scaled NIfTI, DICOM, or an
 * image built in memory: no cast. */
typedef enum vx_pixel_type {
    VX_PIXEL_REAL = 0,
    VX_PIXEL_INT8,
    VX_PIXEL_UINT8,
    VX_PIXEL_INT16,
    VX_PIXEL_UINT16,
    VX_PIXEL_INT32,
    VX_PIXEL_UINT32,
    VX_PIXEL_INT64,
    VX_PIXEL_UINT64,
    VX_PIXEL_FLOAT32, /* a float32 file, or a scaled NIfTI (as ITK reads it) */
    VX_PIXEL_FLOAT64, /* a float64 file (or a scaled float64 NIfTI) */
} vx_pixel_type;

typedef struct vx_image {
    vx_geometry geom;
    float *v;
    vx_pixel_type pixel_type; /* the file's voxel type (NRRD, NIfTI; VX_PIXEL_REAL: DICOM, images built in memory) */
} vx_image;

/* "real", "int8", "uint8", "int16", ..., "float32", "float64" */
VX_API const char *vx_pixel_type_name(vx_pixel_type t);
/* v cast to integer type t as ITK casts a resampled value: clamped to the type's range, then truncated toward
 * zero; the real types return v. */
VX_API double vx_pixel_cast(vx_pixel_type t, double v);

typedef struct vx_mask {
    vx_geometry geom;
    uint8_t *v;
} vx_mask;

/* Number of voxels of a grid, dims[0] * dims[1] * dims[2]. */
VX_API size_t vx_geometry_count(const vx_geometry *g);
/* Set g to nx x ny x nz voxels with identity direction, unit spacing and zero origin. */
VX_API void vx_geometry_default(vx_geometry *g, size_t nx, size_t ny, size_t nz);
/* 1 when both grids coincide (dims equal; spacing, origin, direction equal within tol_mm / 1e-4). */
VX_API int vx_geometry_same(const vx_geometry *a, const vx_geometry *b, double tol_mm);

/* Bounds every grid voxomics reads or builds must meet (docs/inputs.md, "Hostile inputs"). */
#define VX_SPACING_MIN_MM 1e-6   /* smallest accepted voxel spacing (1 nm) */
#define VX_SPACING_MAX_MM 1e6    /* largest accepted voxel spacing (1 km) */
#define VX_ORTHO_TOL 1e-4        /* largest accepted |cos| of the angle between two grid axes */
/* VX_OK when g is a grid voxomics can measure on: every spacing finite and within
 * [VX_SPACING_MIN_MM, VX_SPACING_MAX_MM] mm; origin and direction finite; every direction column of unit
 * length (within 1e-3) and the three columns mutually orthogonal (|cos angle| <= VX_ORTHO_TOL: rotations,
 * flips and oblique orthogonal grids pass, sheared grids do not). Otherwise VX_EGEOMETRY with one line
 * "<path>: <what>: <problem and the accepted range>"; what names the source of the geometry (e.g. "sform",
 * "space directions"; NULL or "" for none). path may be NULL. */
VX_API int vx_geometry_validate(const vx_geometry *g, const char *path, const char *what, vx_error *err);

/* Allocate a zero-filled image / mask with geometry g (copied). The caller owns the result: free it with
 * vx_image_free / vx_mask_free. NULL when out of memory. */
VX_API vx_image *vx_image_new(const vx_geometry *g);
VX_API vx_mask *vx_mask_new(const vx_geometry *g);
/* Free an image / mask and its voxels. NULL is allowed. */
VX_API void vx_image_free(vx_image *img);
VX_API void vx_mask_free(vx_mask *m);
/* A new image with the geometry and voxels of img (free with vx_image_free); NULL when out of memory. */
VX_API vx_image *vx_image_copy(const vx_image *img);

/* Mask from an image: voxels whose value v satisfies v >= lo and v <= hi are 1 (NaN excluded), others 0.
 * A new mask on img's grid (free with vx_mask_free); NULL when out of memory. */
VX_API vx_mask *vx_mask_from_image(const vx_image *img, double lo, double hi);
/* Number of non-zero mask voxels. */
VX_API size_t vx_mask_count(const vx_mask *m);
/* Bounding box [lo, hi) of non-zero voxels; returns 0 when the mask is empty. */
VX_API int vx_mask_bbox(const vx_mask *m, size_t lo[3], size_t hi[3]);

/* ---- synthetic data (demo, benchmarks, tests) ---------------------------------------------------------- */
typedef struct vx_synth_params {
    size_t dims[3];          /* voxels */
    double spacing[3];       /* mm */
    double lesion_radius_mm; /* mean radius of the lesion */
    double lobulation;       /* relative radius modulation, 0 = a sphere */
    double noise_hu;         /* standard deviation of the voxel noise in HU */
    unsigned long seed;      /* same seed, same volume */
} vx_synth_params;

/* Defaults: 128^3 voxels of 1 mm, lesion radius 30 mm (about 113,000 voxels), lobulation 0, noise 20 HU,
 * seed 1. */
VX_API void vx_synth_default(vx_synth_params *p);
/* A CT-like volume (air, body, lung, a textured soft-tissue lesion; integer HU) and the lesion mask (0/1),
 * centred in the volume. *img and *mask receive new images (free each with vx_image_free; both NULL on
 * error). Errors: VX_EINVAL for a size outside 1..4096 voxels or a spacing that is not > 0 on an axis;
 * VX_ENOMEM. */
VX_API int vx_synth_ct(const vx_synth_params *p, vx_image **img, vx_image **mask, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
