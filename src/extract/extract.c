/* voxomics: one case, from image and mask to a result set.
 *
 * Steps: check that image and mask share one grid; build the ROI mask (threshold or label); reject an empty
 * ROI and non-finite intensities inside it; optional rounding; re-segmentation of the intensity mask (range,
 * outliers) while the morphological mask stays as it is; crop everything to the ROI bounding box plus the
 * margin the local-intensity sphere needs (so the cost follows the ROI, not the image); discretise for the
 * intensity histogram and texture families and for the IVH; run the requested families.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/extract.h"
#include "vx_math.h"

void vx_settings_default(vx_settings *s)
{
    memset(s, 0, sizeof *s);
    s->mask_threshold = 0.5;
    s->mask_label = 0;
    s->round_intensities = 0;
    s->reseg_min = NAN;
    s->reseg_max = NAN;
    s->reseg_outlier_sigma = 0.0;
    s->texture_disc = (vx_discretisation){VX_DISC_NONE, 0.0, 0, NAN};
    s->ivh_disc = (vx_discretisation){VX_DISC_NONE, 0.0, 0, NAN};
    vx_feature_settings_default(&s->features);
}

static int check_geometry(const vx_image *img, const vx_image *mask, vx_error *err)
{
    const vx_geometry *a = &img->geom, *b = &mask->geom;
    if (a->dims[0] != b->dims[0] || a->dims[1] != b->dims[1] || a->dims[2] != b->dims[2])
        return vx_error_set(err, VX_EGEOMETRY,
                            "image is %zux%zux%zu voxels but mask is %zux%zux%zu: the mask must be drawn on the "
                            "image's voxel grid (resample it onto the image)",
                            a->dims[0], a->dims[1], a->dims[2], b->dims[0], b->dims[1], b->dims[2]);
    for (int i = 0; i < 3; i++) {
        double tol = 1e-3 * fabs(a->spacing[i]) + 1e-6;
        if (fabs(a->spacing[i] - b->spacing[i]) > tol)
            return vx_error_set(err, VX_EGEOMETRY,
                                "image spacing %g x %g x %g mm differs from mask spacing %g x %g x %g mm",
                                a->spacing[0], a->spacing[1], a->spacing[2], b->spacing[0], b->spacing[1],
                                b->spacing[2]);
    }
    for (int i = 0; i < 3; i++)
        if (fabs(a->origin[i] - b->origin[i]) > 1e-2 * fabs(a->spacing[i]) + 1e-4)
            return vx_error_set(err, VX_EGEOMETRY,
                                "image origin (%g, %g, %g) mm differs from mask origin (%g, %g, %g) mm: "
                                "image and mask are not on the same grid",
                                a->origin[0], a->origin[1], a->origin[2], b->origin[0], b->origin[1], b->origin[2]);
    for (int i = 0; i < 9; i++)
        if (fabs(a->direction[i] - b->direction[i]) > 1e-4)
            return vx_error_set(err, VX_EGEOMETRY,
                                "image and mask have different orientations (direction cosines differ)");
    return VX_OK;
}

/* The processed ROI with the buffers it owns. */
typedef struct roi_store {
    vx_roi roi;
    float *img;
    uint8_t *imask, *mmask;
    int32_t *grey;
    double *ivh;
} roi_store;

static void roi_store_free(roi_store *st)
{
    free(st->img);
    free(st->imask);
    free(st->mmask);
    free(st->grey);
    free(st->ivh);
}

static int in_roi(const vx_settings *s, float m)
{
    if (s->mask_label > 0)
        return m == (float)s->mask_label;
    return m >= (float)s->mask_threshold; /* float compare, as in the bounding-box scan */
}

/* Crop box: ROI bounding box grown by the local-intensity sphere radius (in voxels, per axis). */
static int build_roi(const vx_image *img, const vx_image *mask, const vx_settings *s, roi_store *st,
                     vx_error *err)
{
    const vx_geometry *g = &img->geom;
    const size_t nx = g->dims[0], ny = g->dims[1], nz = g->dims[2];
    size_t lo[3] = {nx, ny, nz}, hi[3] = {0, 0, 0}, n_roi = 0, n_bad = 0;
    const int label = s->mask_label;
    const float flabel = (float)label, thr = (float)s->mask_threshold;
    /* one pass: count ROI voxels and non-finite intensities in it, and find the bounding box row by row */
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++) {
            const float *m = mask->v + nx * (y + ny * z);
            const float *v = img->v + nx * (y + ny * z);
            size_t first = nx, last = 0, cnt = 0, bad = 0;
            for (size_t x = 0; x < nx; x++)
                cnt += (size_t)(label > 0 ? m[x] == flabel : m[x] >= thr);
            if (!cnt)
                continue;
            for (size_t x = 0; x < nx; x++) {
                int in = label > 0 ? m[x] == flabel : m[x] >= thr;
                if (in) {
                    bad += !isfinite(v[x]);
                    first = x < first ? x : first;
                    last = x;
                }
            }
            n_roi += cnt;
            n_bad += bad;
            lo[0] = first < lo[0] ? first : lo[0];
            hi[0] = last + 1 > hi[0] ? last + 1 : hi[0];
            lo[1] = y < lo[1] ? y : lo[1];
            hi[1] = y + 1 > hi[1] ? y + 1 : hi[1];
            lo[2] = z < lo[2] ? z : lo[2];
            hi[2] = z + 1;
        }
    if (!n_roi && s->mask_label > 0)
        return vx_error_set(err, VX_EEMPTY, "the mask has no voxel with label %d: check the mask or the label",
                            s->mask_label);
    if (!n_roi)
        return vx_error_set(err, VX_EEMPTY, "the mask is empty (no voxel >= %g): check the mask file",
                            s->mask_threshold);
    if (n_bad)
        return vx_error_set(err, VX_ENAN,
                            "%zu of the %zu ROI voxels have non-finite (NaN or infinite) intensities: fix the "
                            "image or exclude those voxels from the mask",
                            n_bad, n_roi);

    /* margin for the local intensity sphere */
    double radius = cbrt(3.0 * s->features.peak_volume_cc * 1000.0 / (4.0 * VX_PI));
    size_t clo[3], chi[3], cd[3];
    for (int a = 0; a < 3; a++) {
        size_t m = (size_t)ceil(radius / g->spacing[a]) + 1;
        clo[a] = lo[a] > m ? lo[a] - m : 0;
        chi[a] = hi[a] + m < g->dims[a] ? hi[a] + m : g->dims[a];
        cd[a] = chi[a] - clo[a];
    }
    size_t n = cd[0] * cd[1] * cd[2];
    st->img = malloc(n * sizeof *st->img);
    st->imask = calloc(n, 1);
    st->mmask = calloc(n, 1);
    st->grey = calloc(n, sizeof *st->grey);
    st->ivh = calloc(n, sizeof *st->ivh);
    if (!st->img || !st->imask || !st->mmask || !st->grey || !st->ivh)
        return vx_error_set(err, VX_ENOMEM, "out of memory for a ROI box of %zux%zux%zu voxels", cd[0], cd[1],
                            cd[2]);
    for (size_t z = 0; z < cd[2]; z++)
        for (size_t y = 0; y < cd[1]; y++) {
            size_t src = clo[0] + nx * (y + clo[1] + ny * (z + clo[2]));
            size_t dst = cd[0] * (y + cd[1] * z);
            for (size_t x = 0; x < cd[0]; x++) {
                float v = img->v[src + x];
                /* IBSI rounding to the nearest integer (ties to even, as numpy); integers pass unchanged */
                if (s->round_intensities && isfinite(v) && !(fabsf(v) < 8388608.0f && v == (float)(int32_t)v))
                    v = (float)nearbyint((double)v);
                st->img[dst + x] = v;
                st->mmask[dst + x] = in_roi(s, mask->v[src + x]) ? 1 : 0;
            }
        }

    /* re-segmentation: range, then outliers (IBSI: both act on the intensity mask only) */
    size_t n_int = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t in = st->mmask[i];
        if (in && !isnan(s->reseg_min) && st->img[i] < s->reseg_min)
            in = 0;
        if (in && !isnan(s->reseg_max) && st->img[i] > s->reseg_max)
            in = 0;
        st->imask[i] = in;
        n_int += in;
    }
    if (n_int && s->reseg_outlier_sigma > 0.0) {
        double sum = 0.0, sum2 = 0.0;
        for (size_t i = 0; i < n; i++)
            if (st->imask[i])
                sum += st->img[i];
        double mean = sum / (double)n_int;
        for (size_t i = 0; i < n; i++)
            if (st->imask[i])
                sum2 += (st->img[i] - mean) * (st->img[i] - mean);
        double sd = sqrt(sum2 / (double)n_int);
        double a = mean - s->reseg_outlier_sigma * sd, b = mean + s->reseg_outlier_sigma * sd;
        n_int = 0;
        for (size_t i = 0; i < n; i++) {
            if (st->imask[i] && (st->img[i] < a || st->img[i] > b))
                st->imask[i] = 0;
            n_int += st->imask[i];
        }
    }
    if (!n_int)
        return vx_error_set(err, VX_EEMPTY,
                            "re-segmentation left no voxel in the intensity mask (range %g..%g): widen the range",
                            s->reseg_min, s->reseg_max);

    vx_roi *r = &st->roi;
    memset(r, 0, sizeof *r);
    for (int a = 0; a < 3; a++) {
        r->dims[a] = cd[a];
        r->spacing[a] = g->spacing[a];
        r->box_lo[a] = lo[a] - clo[a];
        r->box_hi[a] = hi[a] - clo[a];
    }
    r->img = st->img;
    r->imask = st->imask;
    r->mmask = st->mmask;
    r->n_imask = n_int;
    r->n_mmask = n_roi;

    /* texture / intensity-histogram discretisation */
    double fbs_min = !isnan(s->texture_disc.min_value) ? s->texture_disc.min_value : s->reseg_min;
    int rc = vx_discretise(st->img, st->imask, n, &s->texture_disc, fbs_min, NAN, st->grey, &r->n_grey, err);
    if (rc != VX_OK)
        return rc;
    r->grey = st->grey;

    /* IVH: intensities as they are (calibrated, discrete), or discretised per the IVH settings */
    double ivh_lo = INFINITY, ivh_hi = -INFINITY;
    if (s->ivh_disc.method == VX_DISC_NONE) {
        for (size_t i = 0; i < n; i++)
            if (st->imask[i]) {
                double v = st->img[i];
                st->ivh[i] = v;
                ivh_lo = v < ivh_lo ? v : ivh_lo;
                ivh_hi = v > ivh_hi ? v : ivh_hi;
            }
    } else {
        int32_t *g2 = malloc(n * sizeof *g2);
        int ng2 = 0;
        if (!g2)
            return vx_error_set(err, VX_ENOMEM, "out of memory discretising for the IVH");
        double ivh_min = !isnan(s->ivh_disc.min_value) ? s->ivh_disc.min_value : s->reseg_min;
        rc = vx_discretise(st->img, st->imask, n, &s->ivh_disc, ivh_min, NAN, g2, &ng2, err);
        for (size_t i = 0; rc == VX_OK && i < n; i++)
            if (st->imask[i]) {
                double v = g2[i];
                st->ivh[i] = v;
                ivh_lo = v < ivh_lo ? v : ivh_lo;
                ivh_hi = v > ivh_hi ? v : ivh_hi;
            }
        free(g2);
        if (rc != VX_OK)
            return vx_error_prefix(err, "IVH ");
    }
    if (s->ivh_disc.method == VX_DISC_NONE) {
        /* calibrated, discrete intensities: the intensity fraction spans the re-segmentation range where set */
        if (isfinite(s->reseg_min))
            ivh_lo = s->reseg_min;
        if (isfinite(s->reseg_max))
            ivh_hi = s->reseg_max;
    }
    r->ivh = st->ivh;
    r->ivh_bin_width = 1.0; /* integer intensities or bin numbers (issue 3 adds bin centres for FBS) */
    r->ivh_min = ivh_lo;
    r->ivh_max = ivh_hi;
    return VX_OK;
}

int vx_extract(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_results *res, vx_error *err)
{
    int rc = check_geometry(img, mask, err);
    if (rc != VX_OK)
        return rc;
    roi_store st;
    memset(&st, 0, sizeof st);
    rc = build_roi(img, mask, s, &st, err);
    for (int f = 0; rc == VX_OK && f < VX_FAM_COUNT; f++) {
        if (!(s->features.families & (1u << f)))
            continue;
        rc = vx_family_compute_fn((vx_family)f)(&st.roi, &s->features, res, err);
    }
    roi_store_free(&st);
    if (rc == VX_OK)
        vx_results_sort(res);
    return rc;
}
