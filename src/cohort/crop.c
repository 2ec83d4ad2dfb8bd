/* voxomics: a case's image and mask cropped to what vx_extract reads (src/cohort/crop.h).
 *
 * Why the results are the same: vx_roi_build keeps the ROI box plus ceil(margin / spacing) + 1 voxels per axis,
 * within the grid, and nothing else of the image reaches the features in the modes cropped here. The crop holds
 * the union of every region's box plus that margin (within the grid), so each region's processed ROI, clipped
 * to the crop instead of the grid, is the same box with the same voxels; the families never see the grid's
 * origin. Interpolation (its grid follows the whole image's extent), the diagnostics (whole-image statistics),
 * a periodically padded filter reaching over the image border (its far side) and PyRadiomics' processing
 * (whole-image normalisation) read beyond the box: those keep the whole image.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cohort/crop.h"
#include "voxomics/extract.h"
#include "voxomics/filter.h"

/* Whether vx_extract on a crop gives the results of the whole image (see above). */
static int crop_safe(const vx_settings *s)
{
    if (s->compat == VX_COMPAT_PYRADIOMICS || s->diagnostics)
        return 0;
    for (int a = 0; a < 3; a++)
        if (!isnan(s->resample_spacing[a]))
            return 0;
    for (int i = 0; i < s->n_filters; i++)
        if (s->filters[i].filter.pad == VX_PAD_PERIODIC)
            return 0;
    return 1;
}

/* The bounding box [lo, hi) of the voxels any region can hold; 0 when there is none. */
static int mask_box(const vx_image *mask, const vx_settings *s, size_t lo[3], size_t hi[3])
{
    const size_t *d = mask->geom.dims;
    const float thr = (float)s->mask_threshold;
    for (int a = 0; a < 3; a++) {
        lo[a] = d[a];
        hi[a] = 0;
    }
    const float *v = mask->v;
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++, v += d[0]) {
            size_t first = d[0], last = 0;
            for (size_t x = 0; x < d[0]; x++)
                if (v[x] != 0.0f || v[x] >= thr) {
                    first = x < first ? x : first;
                    last = x;
                }
            if (first == d[0])
                continue;
            const size_t c0[3] = {first, y, z}, c1[3] = {last, y, z};
            for (int a = 0; a < 3; a++) {
                lo[a] = c0[a] < lo[a] ? c0[a] : lo[a];
                hi[a] = c1[a] + 1 > hi[a] ? c1[a] + 1 : hi[a];
            }
        }
    return hi[0] > lo[0];
}

/* img becomes its part [lo, lo + d), with the geometry of that part: the rows moved to the front of its own
 * array (each row's destination lies at or before its source and after the rows moved before it), which then
 * shrinks, so no second array of either size is ever allocated. */
static void crop_in_place(vx_image *img, const size_t lo[3], const size_t d[3])
{
    const vx_geometry g0 = img->geom;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            img->geom.origin[r] += g0.direction[3 * r + c] * g0.spacing[c] * (double)lo[c];
    memcpy(img->geom.dims, d, sizeof img->geom.dims);
    const size_t *id = g0.dims;
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++)
            memmove(img->v + d[0] * (y + d[1] * z), img->v + lo[0] + id[0] * ((lo[1] + y) + id[1] * (lo[2] + z)),
                    d[0] * sizeof *img->v);
    float *v = realloc(img->v, d[0] * d[1] * d[2] * sizeof *v);
    if (v) /* a failed shrink leaves the larger array, which is as good */
        img->v = v;
}

void vxc_crop_case(const vx_settings *s, vx_image *img, vx_image *mask)
{
    size_t lo[3], hi[3], d[3];
    if (!crop_safe(s) || !mask_box(mask, s, lo, hi))
        return;
    const vx_geometry *g = &img->geom;
    const double margin = vx_extract_margin_mm(img, s);
    int whole = 1;
    for (int a = 0; a < 3; a++) {
        const double mv = ceil(margin / g->spacing[a]) + 1.0; /* vx_roi_build's margin in voxels */
        const size_t m = mv >= (double)g->dims[a] ? g->dims[a] : (size_t)mv;
        lo[a] = lo[a] > m ? lo[a] - m : 0;
        hi[a] = hi[a] + m < g->dims[a] ? hi[a] + m : g->dims[a];
        d[a] = hi[a] - lo[a];
        whole = whole && d[a] == g->dims[a];
    }
    if (whole)
        return;
    crop_in_place(mask, lo, d);
    crop_in_place(img, lo, d);
}
