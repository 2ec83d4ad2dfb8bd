/* voxomics (internal): the recursive (IIR) Gaussian of Deriche as ITK's RecursiveGaussianImageFilter defines
 * it, the building block of the filter kind log_recursive (PyRadiomics' LoG, recursive_gauss.c has the
 * definitions and references).
 *
 * One pass filters every line of a 3D image (x fastest) along one axis with the 4th-order causal and
 * anti-causal recursions of one order (0: smoothing, 2: second derivative); each line is computed in double
 * from its input values and written as float (ITK's float images between passes). Lines are independent and
 * each one is computed by one thread in a fixed order, so the result does not depend on the thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_FILTER_RECURSIVE_GAUSS_H
#define VX_FILTER_RECURSIVE_GAUSS_H

#include <stddef.h>

#include "voxomics/error.h"

/* The coefficients of one recursive Gaussian: numerator n[0..3] (causal), m[0..3] (anti-causal, m[k] acts on
 * the sample k + 1 ahead), denominator d[0..3] (d_1 .. d_4), and the boundary terms bn, bm (d_k times the
 * numerator's sum over the denominator's sum: the steady state of a constant line). */
typedef struct vxf_rgauss {
    double n[4], m[4], d[4], bn[4], bm[4];
} vxf_rgauss;

/* Coefficients for scale sigma_mm on a grid of spacing_mm along the axis (sigma in voxels sigma_mm /
 * spacing_mm), order 0 (Gaussian, unit sum) or 2 (second derivative in voxel units), normalize: scale the
 * second derivative by sigma_mm^2 (ITK's NormalizeAcrossScale; order 0 is never scaled). */
void vxf_rgauss_setup(vxf_rgauss *g, double sigma_mm, double spacing_mm, int order, int normalize);

/* One line of ln >= 4 samples at data[i * W + w] for the W interleaved lines w = 0 .. W-1 (W lines filtered
 * together: the same operations per line), into out (same layout; may not alias data); scratch: ln * W
 * doubles. */
void vxf_rgauss_lines(const vxf_rgauss *g, const double *restrict data, size_t ln, size_t W, double *restrict out,
                      double *restrict scratch);

/* Filter the image (dims voxels, x fastest) along axis 0, 1 or 2 with g: from ind (double) or, when ind is
 * NULL, from inf (float), into outf (float; may alias inf). dims[axis] >= 4. VX_ENOMEM. */
int vxf_rgauss_pass(const vxf_rgauss *g, const double *ind, const float *inf, const size_t dims[3], int axis,
                    float *outf, vx_error *err);

#endif
