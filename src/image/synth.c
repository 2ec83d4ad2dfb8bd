/* voxomics: a synthetic CT-like volume with a lesion mask, for the demo, benchmarks and tests.
 *
 * Air outside an elliptical body (-1000 HU), soft tissue (40 HU), two lungs (-850 HU), and in the middle a
 * lesion (mean 30 HU) whose radius is modulated by low-order spherical harmonics (lobulation) and whose
 * intensities carry a smooth texture plus Gaussian noise. Intensities are rounded to integer HU as in CT.
 * Deterministic for a given seed (GSL's MT19937).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

#include "voxomics/image.h"
#include "vx_math.h"

void vx_synth_default(vx_synth_params *p)
{
    for (int a = 0; a < 3; a++) {
        p->dims[a] = 128;
        p->spacing[a] = 1.0;
    }
    p->lesion_radius_mm = 30.0;
    p->lobulation = 0.0;
    p->noise_hu = 20.0;
    p->seed = 1;
}

int vx_synth_ct(const vx_synth_params *p, vx_image **img_out, vx_image **mask_out, vx_error *err)
{
    *img_out = *mask_out = NULL;
    for (int a = 0; a < 3; a++)
        if (p->dims[a] < 1 || p->dims[a] > 4096 || !(p->spacing[a] > 0))
            return vx_error_set(err, VX_EINVAL, "synthetic volume: invalid size or spacing on axis %d", a);
    vx_geometry g;
    vx_geometry_default(&g, p->dims[0], p->dims[1], p->dims[2]);
    for (int a = 0; a < 3; a++) {
        g.spacing[a] = p->spacing[a];
        g.origin[a] = -0.5 * (double)(p->dims[a] - 1) * p->spacing[a];
    }
    vx_image *img = vx_image_new(&g), *mask = vx_image_new(&g);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!img || !mask || !rng) {
        vx_image_free(img);
        vx_image_free(mask);
        if (rng)
            gsl_rng_free(rng);
        return vx_error_set(err, VX_ENOMEM, "synthetic volume: out of memory");
    }
    gsl_rng_set(rng, p->seed);
    /* random lobulation and texture phases */
    double ph[6];
    for (int i = 0; i < 6; i++)
        ph[i] = 2.0 * VX_PI * gsl_rng_uniform(rng);
    double cx = 0.5 * (double)(p->dims[0] - 1) * p->spacing[0];
    double cy = 0.5 * (double)(p->dims[1] - 1) * p->spacing[1];
    double cz = 0.5 * (double)(p->dims[2] - 1) * p->spacing[2];
    double bx = 0.48 * (double)p->dims[0] * p->spacing[0], by = 0.40 * (double)p->dims[1] * p->spacing[1];
    for (size_t z = 0; z < p->dims[2]; z++)
        for (size_t y = 0; y < p->dims[1]; y++)
            for (size_t x = 0; x < p->dims[0]; x++) {
                size_t i = x + p->dims[0] * (y + p->dims[1] * z);
                double px = (double)x * p->spacing[0] - cx, py = (double)y * p->spacing[1] - cy;
                double pz = (double)z * p->spacing[2] - cz;
                double v = -1000.0;
                if ((px * px) / (bx * bx) + (py * py) / (by * by) <= 1.0) {
                    v = 40.0;
                    double lx = fabs(px) - 0.45 * bx, ly = py / (0.75 * by), lxs = lx / (0.3 * bx);
                    if (lxs * lxs + ly * ly <= 1.0)
                        v = -850.0;
                }
                double r = sqrt(px * px + py * py + pz * pz);
                double theta = r > 0 ? acos(pz / r) : 0.0, phi = atan2(py, px);
                double lob = 1.0 + p->lobulation * (0.5 * sin(2.0 * theta + ph[0]) * cos(3.0 * phi + ph[1]) +
                                                    0.5 * cos(3.0 * theta + ph[2]));
                double in = r <= p->lesion_radius_mm * lob;
                if (in) {
                    double tex = 25.0 * sin(px / 3.1 + ph[3]) * sin(py / 2.7 + ph[4]) * sin(pz / 3.7 + ph[5]);
                    v = 30.0 + tex - 10.0 * r / (p->lesion_radius_mm + 1e-9);
                }
                v += gsl_ran_gaussian_ziggurat(rng, p->noise_hu);
                if (v < -1024.0)
                    v = -1024.0;
                img->v[i] = (float)nearbyint(v);
                mask->v[i] = in ? 1.0f : 0.0f;
            }
    gsl_rng_free(rng);
    *img_out = img;
    *mask_out = mask;
    return VX_OK;
}
