/* voxomics test helpers (linked into every test).  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_TEST_H
#define VX_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "voxomics/feature.h"

/* Reference-data folder: $VOXOMICS_DATA, else ../shared relative to the source tree. */
const char *vx_test_data_dir(void);
/* path = data dir + "/" + rel, in a static buffer of the test program. */
const char *vx_test_data(const char *rel);
/* A fresh temporary directory for the test's files (removed by nothing: lives under $TMPDIR). */
const char *vx_test_tmpdir(void);
/* The whole file as a NUL-terminated malloc'ed buffer (*n bytes, n may be NULL); NULL when it cannot be read. */
char *vx_test_slurp(const char *path, size_t *n);

/* IBSI 1 match rule (../shared/ibsi/README.md): |x - ref| truncated at the reference's third significant
 * digit must not exceed the tolerance. */
int vx_test_ibsi_match(double x, double ref, double tol);

/* Split one CSV line in place into at most maxf fields (RFC 4180 quotes; stops at the line end).
 * Returns the number of fields. */
int vx_test_csv_split(char *line, char **f, int maxf);

/* ---- double comparisons (cmocka's float assertion is single precision) ------------------------------
 * vx_assert_near:     |a - b| <= eps
 * vx_assert_near_rel: |a - b| <= rel (1 + |b|)
 * vx_assert_close:    vx_assert_near_rel with rel = VX_TEST_EPS
 * NaN never passes. A failure prints the expression and both values, then fails the test. */
#define VX_TEST_EPS 1e-12
#define vx_assert_near(a, b, eps) vx_test_assert_near((a), (b), (eps), 0, #a, __FILE__, __LINE__)
#define vx_assert_near_rel(a, b, rel) vx_test_assert_near((a), (b), (rel), 1, #a, __FILE__, __LINE__)
#define vx_assert_close(a, b) vx_assert_near_rel(a, b, VX_TEST_EPS)
void vx_test_assert_near(double a, double b, double tol, int relative, const char *expr, const char *file, int line);

/* ---- test ROI over its own arrays -------------------------------------------------------------------- */
typedef struct vx_test_roi {
    vx_roi roi; /* img, imask = mmask, grey point into the arrays below */
    float *img;
    uint8_t *mask;
    int32_t *grey;
} vx_test_roi;

/* An nx x ny x nz grid, spacing 1, every voxel outside the mask (img, grey 0). */
void vx_test_roi_init(vx_test_roi *t, size_t nx, size_t ny, size_t nz);
/* Voxel (x, y, z) inside the mask with grey level and intensity `level`. */
void vx_test_roi_set(vx_test_roi *t, size_t x, size_t y, size_t z, int level);
/* box = bounding box of the mask (0..0 when empty), mask voxel counts, n_grey = largest level in the mask. */
void vx_test_roi_finish(vx_test_roi *t);
void vx_test_roi_free(vx_test_roi *t);

/* A dims grid; the values v (nv[0] x nv[1] x nv[2], x fastest) with mask m (NULL: all in) are placed at
 * offset off. Voxels outside the placed block are outside the mask and hold distractor intensities;
 * inside the block img = v, grey = v inside the mask and 0 outside. Finished (box = mask bounds); n_grey
 * as given, or the largest level in the mask when n_grey <= 0. */
void vx_test_roi_place(vx_test_roi *t, const size_t dims[3], const size_t off[3], const size_t nv[3],
                       const int *v, const uint8_t *m, int n_grey);
/* vx_test_roi_place of a whole nx x ny x nz grid (mask NULL: all in), box = the whole grid. */
void vx_test_roi_grid(vx_test_roi *t, size_t nx, size_t ny, size_t nz, const int *v, const uint8_t *m);

/* A small deterministic pseudo-random ROI: levels 1..ng, about a quarter of the voxels outside the mask;
 * finished, n_grey = ng. */
void vx_test_roi_random(vx_test_roi *t, unsigned seed, size_t nx, size_t ny, size_t nz, int ng);
/* Grey level at (x, y, z) when inside the grid and the mask, else 0. */
int vx_test_roi_level(const vx_test_roi *t, long x, long y, long z);

/* ---- IBSI 1 digital phantom -------------------------------------------------------------------------- */
/* 5 x 4 x 4 voxels (x fastest, then y, then z), grey levels = intensities; the 9 lies outside the mask. */
#define VX_TEST_PHANTOM_NX 5
#define VX_TEST_PHANTOM_NY 4
#define VX_TEST_PHANTOM_NZ 4
extern const int vx_test_phantom_img[80];
extern const uint8_t vx_test_phantom_mask[80];
/* The phantom placed at offset off of a dims grid (vx_test_roi_place; dims = {5, 4, 4} and off = {0, 0, 0}
 * for the phantom alone), voxel spacing 2 mm as in IBSI 1. */
void vx_test_phantom_roi(vx_test_roi *t, const size_t dims[3], const size_t off[3], int n_grey);

/* ---- reference values --------------------------------------------------------------------------------
 * Check every feature of family fam under every aggregation of aggs (VX_AGGBIT set; 0: all of the family's
 * aggregations) in res against the row of the same tag and dataset id (e.g. "digital_phantom") in
 * ibsi/ibsi1/reference_values.csv, with vx_test_ibsi_match and the row's tolerance. Every checked pair must
 * have a reference value; every mismatch is printed, then the test fails. Returns the number of values
 * checked (callers assert it). */
/* Assert that two sorted result sets hold the same rows with bit-identical values. */
void vx_test_assert_results_identical(const vx_results *a, const vx_results *b);

size_t vx_test_check_reference(const vx_results *res, const char *dataset, vx_family fam, unsigned aggs);

/* The image at src with its axes permuted (the new axis k is the old axis ax[k]; spacing and direction columns
 * follow, the origin stays: the same voxels in space), written to path (NIfTI); keep >= 0: only the voxels
 * of the old slice z = keep, the others 0. */
void vx_test_write_permuted(const char *src, const int ax[3], int keep, const char *path);

/* name in the test's temporary folder (8 rotating buffers: valid for the next 7 calls) */
const char *vx_test_tmp(const char *name);
/* Runs $VX_BUILD_DIR/voxomics with args (shell words), its standard error into vx_test_tmp("stderr.txt");
 * returns the exit status (-1 when it did not exit). */
int vx_test_voxomics(const char *args);

#endif
