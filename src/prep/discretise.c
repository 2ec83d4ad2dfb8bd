/* voxomics: intensity discretisation (IBSI 1, section "Intensity discretisation").
 *
 * Fixed bin number (FBN, IBSI id "K15C"):  g = floor(N (x - x_min) / (x_max - x_min)) + 1, and
 *   g = N for x = x_max; x_min, x_max are the ROI extremes (after re-segmentation).
 * Fixed bin size (FBS, IBSI id "Q3RU"):            g = floor((x - x_min) / w) + 1, with x_min the lower
 *   bound of the re-segmentation range when one is set, else the ROI minimum.
 * None: the intensities themselves are the grey levels; they must be integers >= 1.
 *
 * PyRadiomics compatibility (vx_discretise_compat with VX_COMPAT_PYRADIOMICS): fixed bin size puts the bin
 * edges on multiples of w, g = floor(x / w) - floor(m / w) + 1 with m the ROI minimum (PyRadiomics' lowest
 * edge m - (m mod w)); a given x_min (PyRadiomics' binMinimum) is used as it is, g = floor((x - x_min) / w) + 1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prep/levels.h"
#include "voxomics/roi.h"

int vx_discretise(const float *x, const uint8_t *mask, size_t n, const vx_discretisation *d, double x_min,
                  double x_max, int32_t *grey, int *n_grey, vx_error *err)
{
    return vx_discretise_compat(x, mask, n, d, VX_COMPAT_IBSI, x_min, x_max, grey, n_grey, err);
}

/* No discretisation: the intensities (integers >= 1 over the ROI range [lo, hi]) are the grey levels. */
static int disc_none(const float *x, const uint8_t *mask, size_t n, double lo, double hi, int32_t *grey,
                     int *gmax_out, vx_error *err)
{
    int gmax = 0;
    if (lo < 1.0 || hi > 2147483647.0)
        return vx_error_set(err, VX_EINVAL,
                            "discretisation 'none' needs integer intensities >= 1 in the ROI (found %g..%g); "
                            "use fixed_bin_size or fixed_bin_number",
                            lo, hi);
    for (size_t i = 0; i < n; i++) {
        if (mask && !mask[i]) {
            grey[i] = 0;
            continue;
        }
        double v = x[i];
        if (v != floor(v))
            return vx_error_set(err, VX_EINVAL,
                                "discretisation 'none' needs integer intensities (found %.9g); use "
                                "fixed_bin_size or fixed_bin_number, or round intensities",
                                v);
        grey[i] = (int32_t)v;
        gmax = grey[i] > gmax ? grey[i] : gmax;
    }
    *gmax_out = gmax;
    return VX_OK;
}

/* The checks of fixed bin size w from x_min over the ROI range [lo, hi]. */
static int fbs_check(double w, double lo, double hi, double x_min, vx_error *err)
{
    if (!(w > 0.0) || !isfinite(w))
        return vx_error_set(err, VX_EINVAL, "discretisation: fixed bin size needs bin_width > 0 (got %g)", w);
    if (lo < x_min)
        return vx_error_set(err, VX_EINVAL,
                            "discretisation: ROI intensity %g lies below the fixed-bin-size lower bound %g",
                            lo, x_min);
    if ((hi - x_min) / w > 1e8)
        return vx_error_set(err, VX_EINVAL,
                            "discretisation: bin width %g gives more than 1e8 bins over %g..%g", w, x_min, hi);
    return VX_OK;
}

/* Fixed bin size w from the lower bound x_min (or, fbs_on_multiples, PyRadiomics' edges on multiples of w);
 * lo, hi: the ROI range. */
static int disc_fixed_bin_size(const float *x, const uint8_t *mask, size_t n, double w, int fbs_on_multiples,
                               double lo, double hi, double x_min, int32_t *grey, int *gmax_out, vx_error *err)
{
    int gmax = 0;
    int rc = fbs_check(w, lo, hi, x_min, err);
    if (rc != VX_OK)
        return rc;
    const double k0 = floor(lo / w); /* PyRadiomics: index of the edge at or below the ROI minimum */
    for (size_t i = 0; i < n; i++) {
        if (mask && !mask[i]) {
            grey[i] = 0;
            continue;
        }
        int32_t g;
        if (fbs_on_multiples) {
            double k = floor(x[i] / w) - k0 + 1.0;
            g = k < 1.0 ? 1 : (int32_t)k;
        } else {
            g = vx_fbs_level(x[i], x_min, w);
        }
        grey[i] = g;
        gmax = g > gmax ? g : gmax;
    }
    *gmax_out = gmax;
    return VX_OK;
}

/* The range [lo, hi] of the n values x[i] where mask[i] != 0 (mask NULL: all): VX_ENAN for a non-finite value,
 * VX_EEMPTY for none. */
static int disc_range(const float *x, const uint8_t *mask, size_t n, double *lo_out, double *hi_out, vx_error *err)
{
    double lo = INFINITY, hi = -INFINITY;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (mask && !mask[i])
            continue;
        double v = x[i];
        if (!isfinite(v))
            return vx_error_set(err, VX_ENAN, "discretisation: non-finite intensity (%g) in the intensity mask", v);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        count++;
    }
    if (!count)
        return vx_error_set(err, VX_EEMPTY, "discretisation: the intensity mask is empty");
    *lo_out = lo;
    *hi_out = hi;
    return VX_OK;
}

static int fbn_check(int nb, vx_error *err)
{
    if (nb < 1)
        return vx_error_set(err, VX_EINVAL, "discretisation: fixed bin number needs bin_count >= 1 (got %d)", nb);
    return VX_OK;
}

int vx_discretise_compat(const float *x, const uint8_t *mask, size_t n, const vx_discretisation *d, int compat,
                         double x_min, double x_max, int32_t *grey, int *n_grey, vx_error *err)
{
    /* PyRadiomics' fixed bin size without a given lower bound: edges on multiples of the bin width */
    const int fbs_on_multiples = compat == VX_COMPAT_PYRADIOMICS && d->method == VX_DISC_FBS && isnan(x_min);
    double lo = 0.0, hi = 0.0;
    int rc = disc_range(x, mask, n, &lo, &hi, err);
    if (rc != VX_OK)
        return rc;
    if (isnan(x_min))
        x_min = lo;
    if (isnan(x_max))
        x_max = hi;
    int gmax = 0;
    switch (d->method) {
    case VX_DISC_NONE:
        rc = disc_none(x, mask, n, lo, hi, grey, &gmax, err);
        break;
    case VX_DISC_FBS:
        rc = disc_fixed_bin_size(x, mask, n, d->bin_width, fbs_on_multiples, lo, hi, x_min, grey, &gmax, err);
        break;
    case VX_DISC_FBN: {
        const int nb = d->bin_count;
        if ((rc = fbn_check(nb, err)) != VX_OK)
            return rc;
        for (size_t i = 0; i < n; i++)
            grey[i] = mask && !mask[i] ? 0 : vx_fbn_level(x[i], x_min, x_max, nb);
        gmax = nb;
        break;
    }
    default:
        return vx_error_set(err, VX_EINVAL, "discretisation: unknown method %d", (int)d->method);
    }
    if (rc != VX_OK)
        return rc;
    *n_grey = gmax;
    return VX_OK;
}

/* The IVH map and range per the IVH discretisation (voxomics/roi.h; the features: src/feature/ivh.c). */
int vx_ivh_map_make(const float *img, const uint8_t *imask, size_t n, const vx_discretisation *d, double reseg_min,
                    double reseg_max, vx_ivh_map *map, double *lo_out, double *hi_out, double *bin_width,
                    vx_error *err)
{
    double lo = INFINITY, hi = -INFINITY;
    memset(map, 0, sizeof *map);
    *bin_width = 1.0;
    int rc = VX_OK;
    if (d->method == VX_DISC_NONE) {
        /* calibrated, discrete intensities: the intensities themselves; the range is the re-segmentation
         * range where set, else the ROI range */
        for (size_t i = 0; i < n; i++)
            if (imask[i]) {
                double v = img[i];
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        if (isfinite(reseg_min))
            lo = reseg_min;
        if (isfinite(reseg_max))
            hi = reseg_max;
    } else if (d->method == VX_DISC_FBS) {
        /* continuous calibrated intensities: bin centres x_min + (g - 0.5) w; the range runs from the first bin
         * centre to the centre of the bin below the upper re-segmentation bound (IBSI configuration C:
         * -998.75 .. 398.75), else to the highest occupied bin (that of the ROI maximum) */
        const double w = d->bin_width, xmin = !isnan(d->min_value) ? d->min_value : reseg_min;
        double rlo = 0.0, rhi = 0.0;
        if ((rc = disc_range(img, imask, n, &rlo, &rhi, err)) == VX_OK)
            rc = fbs_check(w, rlo, rhi, isnan(xmin) ? rlo : xmin, err);
        if (rc != VX_OK)
            return vx_error_prefix(err, "IVH ");
        const double x0 = isnan(xmin) ? rlo : xmin;
        *map = (vx_ivh_map){.method = VX_DISC_FBS, .x_min = x0, .width = w};
        lo = x0 + 0.5 * w;
        hi = isfinite(reseg_max) ? x0 + (ceil((reseg_max - x0) / w - 1e-9) - 0.5) * w
                                 : x0 + ((double)vx_fbs_level(rhi, x0, w) - 0.5) * w;
        *bin_width = w;
    } else {
        /* arbitrary units: the bin numbers 1 .. N over the ROI range */
        double rlo = 0.0, rhi = 0.0;
        if ((rc = disc_range(img, imask, n, &rlo, &rhi, err)) == VX_OK)
            rc = d->method == VX_DISC_FBN ? fbn_check(d->bin_count, err)
                                          : vx_error_set(err, VX_EINVAL, "discretisation: unknown method %d",
                                                         (int)d->method);
        if (rc != VX_OK)
            return vx_error_prefix(err, "IVH ");
        *map = (vx_ivh_map){.method = VX_DISC_FBN, .x_min = rlo, .x_max = rhi, .bins = d->bin_count};
        lo = 1.0;
        hi = (double)d->bin_count;
    }
    *lo_out = lo;
    *hi_out = hi;
    return VX_OK;
}

/* IVH input per the IVH discretisation: the map's value of every intensity-mask voxel. */
int vx_ivh_values(const float *img, const uint8_t *imask, size_t n, const vx_discretisation *d, double reseg_min,
                  double reseg_max, double *ivh, double *lo_out, double *hi_out, double *bin_width, vx_error *err)
{
    vx_ivh_map map;
    int rc = vx_ivh_map_make(img, imask, n, d, reseg_min, reseg_max, &map, lo_out, hi_out, bin_width, err);
    if (rc != VX_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (imask[i])
            ivh[i] = vx_ivh_map_value(&map, img[i]);
    return VX_OK;
}
