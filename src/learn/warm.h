/* voxomics: warm starts along a tuning grid, internal to libvoxomics (not installed). Inner cross-validation
 * (src/learn/cv.c) fits the same training rows once per value of a tuned parameter; for the L2 logistic
 * regression the optimum of the previous value (e.g. the previous C) is a good starting point for Newton's
 * method. The optimum reached is the same to the stopping tolerance (||grad F|| / max(1, C) < 1e-10); only
 * the number of Newton steps changes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_LEARN_WARM_H
#define VX_LEARN_WARM_H

#include "voxomics/model.h"
#include "voxomics/pipeline.h"

/* vx_model_fit, starting a logreg fit at warm's coefficients when warm is a logreg model with p features
 * (otherwise, or with warm NULL, exactly vx_model_fit). */
int vxm_model_fit_warm(const double *X, size_t n, size_t p, const int *y, const vx_model_params *mp,
                       const vx_model *warm, vx_model **out, vx_error *err);
/* vx_pipeline_fit, handing the model of warm to vxm_model_fit_warm when warm selected the same features. */
int vxp_pipeline_fit_warm(const double *X, size_t n, size_t p, const int *y, const char *const *names,
                          const char *const *batch, const vx_pipeline_params *pp, const vx_pipeline *warm,
                          vx_pipeline **out, vx_error *err);

#endif
