/* voxomics: re-segmentation of the intensity mask (IBSI 1, "Re-segmentation"): range, then outliers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>

#include "voxomics/process.h"

int vx_resegment(const float *img, const uint8_t *mmask, size_t n, double min, double max, double outlier_sigma,
                 uint8_t *imask, size_t *n_int, vx_error *err)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t in = mmask[i];
        if (in && !isnan(min) && img[i] < min)
            in = 0;
        if (in && !isnan(max) && img[i] > max)
            in = 0;
        imask[i] = in;
        k += in;
    }
    if (k && outlier_sigma > 0.0) {
        /* mean and (population) standard deviation over the range-filtered mask, in double */
        double sum = 0.0, sum2 = 0.0;
        for (size_t i = 0; i < n; i++)
            if (imask[i])
                sum += img[i];
        double mean = sum / (double)k;
        for (size_t i = 0; i < n; i++)
            if (imask[i])
                sum2 += (img[i] - mean) * (img[i] - mean);
        double sd = sqrt(sum2 / (double)k);
        double a = mean - outlier_sigma * sd, b = mean + outlier_sigma * sd;
        k = 0;
        for (size_t i = 0; i < n; i++) {
            if (imask[i] && (img[i] < a || img[i] > b))
                imask[i] = 0;
            k += imask[i];
        }
    }
    *n_int = k;
    if (!k)
        return vx_error_set(err, VX_EEMPTY,
                            "re-segmentation left no voxel in the intensity mask (range %g..%g): widen the range",
                            min, max);
    return VX_OK;
}
