/* voxomics (internal): one 1D convolution pass along one axis of a 3D image, the building block of the
 * separable IBSI 2 filters of convolve.c (mean, LoG) and laws.c. Same definition as vx_separable_convolve
 * (voxomics/filter.h) restricted to one axis: with K taps h and centre c = floor(K / 2),
 *   out[x] = sum_{t = 0}^{K-1} h[t] f~[x + c - t]     (f~: the image padded under mode m, constant cval),
 * the taps added in index order, in double. Lines across the other axes are processed together (the inner loop
 * runs along x, contiguous) and in parallel (OpenMP, each thread writing its own output rows), so the result
 * is bit-identical for any thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_FILTER_LINEPASS_H
#define VX_FILTER_LINEPASS_H

#include "voxomics/filter.h"

/* in and out: dims voxels, x fastest; out must not alias in. axis 0, 1 or 2; K >= 1. VX_ENOMEM. */
int vxf_line_pass(const double *in, const size_t dims[3], int axis, const double *h, size_t K, vx_pad_mode m,
                  double cval, double *out, vx_error *err);

/* The mean over a box of W voxels (odd) along x and y (and z when dim is 3), as W-tap passes of 1 / W, in ->
 * out, under mode m; VX_PAD_CONSTANT pads with cval, each later pass with the constant as the earlier ones left
 * it (the image padded once by cval). work: 2 images of dims voxels; in may be out. VX_ENOMEM. Used by the
 * mean filter (S60F) and the Laws energy map (I176). */
int vxf_box_mean(const double *in, const size_t dims[3], int dim, size_t W, vx_pad_mode m, double cval, double *work,
                 double *out, vx_error *err);

#endif
