/* voxomics: PyRadiomics' local binary pattern maps (pyrad_lbp.c), called by the PyRadiomics dispatcher
 * (pyrad_maps.c). Internal to libvoxomics. SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_PYRAD_LBP_H
#define VX_PYRAD_LBP_H

#include "filter_impl.h"

/* LBP2D into out (every voxel); f valid (vxf_lbp_check). */
void vxf_lbp2d(const vx_filter_spec *f, const double *in, const size_t dims[3], double *out);
/* LBP3D into out; VX_ENOMEM. */
int vxf_lbp3d(const vx_filter_spec *f, const double *in, const size_t dims[3], double *out, vx_error *err);
/* half supports (voxels, per axis) */
size_t vxf_lbp2d_reach(const vx_filter_spec *f);
size_t vxf_lbp3d_reach(const vx_filter_spec *f);
/* checks the LBP fields of an LBP2D or LBP3D spec */
int vxf_lbp_check(const vx_filter_spec *f, vx_error *err);

#endif
