/* voxomics: one case, from image and mask to a result set.
 *
 * Steps (IBSI 1 chapter 2 order): check that image and mask share one grid; build the ROI mask (threshold or
 * label); reject an empty ROI and non-finite intensities inside it; interpolate the ROI onto the new grid
 * (IBSI grid alignment, see voxomics/process.h) and keep voxels at or above the partial-volume threshold;
 * interpolate the intensities over the new ROI box plus the margin the local-intensity sphere needs (so the
 * cost follows the ROI, not the image: only the input voxels the interpolator reaches are read) and round
 * them; re-segment the intensity mask (range, outliers) while the morphological mask stays as it is;
 * discretise for the intensity histogram and texture families and for the IVH; run the requested families.
 * Without interpolation the ROI box is copied directly (the values the interpolation path gives when every
 * axis is a copy, without its double-precision staging). Optional IBSI diagnostic values describe the image
 * and the ROI at each stage.
 *
 * With compat pyradiomics (docs/config.md, "PyRadiomics compatibility") the grid aligns the first voxel
 * corners and skips axes along which the ROI is one voxel thick, fixed bin sizes start at a multiple of the
 * bin width, and kurtosis, energy and RMS follow PyRadiomics; everything else is the IBSI path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "voxomics/extract.h"
#include "voxomics/mask.h"
#include "vx_math.h"

/* Running mean / minimum / maximum of intensities, for the diagnostic values. */
typedef struct istat {
    double sum, min, max;
    size_t n;
} istat;

static void istat_init(istat *a)
{
    a->sum = 0.0;
    a->min = INFINITY;
    a->max = -INFINITY;
    a->n = 0;
}

static inline void istat_add(istat *a, double v)
{
    a->sum += v;
    a->min = v < a->min ? v : a->min;
    a->max = v > a->max ? v : a->max;
    a->n++;
}

/* IBSI diagnostic values of one stage of the ROI ("initial", "interpolated", "re-segmented"). */
typedef struct roi_diag {
    size_t dims[3];                 /* grid of the masks */
    size_t int_bb[3], morph_bb[3];  /* bounding-box sizes of the intensity and morphological masks */
    size_t n_int, n_morph;          /* voxel counts */
    istat in;                       /* intensities inside the intensity mask */
} roi_diag;

/* The processed ROI with the buffers it owns, and the diagnostics of the way there. */
typedef struct roi_store {
    vx_roi roi;
    float *img;
    uint8_t *imask, *mmask;
    int32_t *grey;
    double *ivh;
    vx_geometry grid;               /* interpolated grid (the input grid without interpolation) */
    istat init_img, interp_img;     /* whole-image intensities (diagnostics only) */
    roi_diag init_roi, interp_roi, reseg_roi;
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

static int resampling_on(const vx_settings *s)
{
    return !isnan(s->resample_spacing[0]) || !isnan(s->resample_spacing[1]) || !isnan(s->resample_spacing[2]);
}

/* Geometry of the sub-box [lo, hi) of grid g. */
static vx_geometry sub_grid(const vx_geometry *g, const size_t lo[3], const size_t hi[3])
{
    vx_geometry c = *g;
    for (int a = 0; a < 3; a++)
        c.dims[a] = hi[a] - lo[a];
    for (int r = 0; r < 3; r++)
        for (int a = 0; a < 3; a++)
            c.origin[r] += g->direction[r * 3 + a] * g->spacing[a] * (double)lo[a];
    return c;
}

/* Whole-image intensity statistics of the interpolated image, computed slab by slab (diagnostics). */
static int interp_image_stats(const vx_image *img, const vx_settings *s, const vx_geometry *tg, istat *out,
                              vx_error *err)
{
    istat_init(out);
    size_t plane = tg->dims[0] * tg->dims[1];
    /* small slabs stay in cache; the cubic prefilter reads 40 extra input slices per slab, so it gets big ones */
    size_t slab = s->interp == VX_INTERP_CUBIC ? (size_t)1 << 23 : (size_t)1 << 17;
    slab = plane >= slab ? 1 : slab / plane;
    double *buf = malloc(plane * (slab < tg->dims[2] ? slab : tg->dims[2]) * sizeof *buf);
    if (!buf)
        return vx_error_set(err, VX_ENOMEM, "out of memory for the interpolated-image diagnostics");
    int rc = VX_OK;
    for (size_t z0 = 0; z0 < tg->dims[2] && rc == VX_OK; z0 += slab) {
        size_t z1 = z0 + slab < tg->dims[2] ? z0 + slab : tg->dims[2];
        size_t lo[3] = {0, 0, z0}, hi[3] = {tg->dims[0], tg->dims[1], z1};
        rc = vx_resample_box(img->v, &img->geom, tg, lo, hi, s->interp, s->round_intensities, buf, err);
        for (size_t i = 0; rc == VX_OK && i < plane * (z1 - z0); i++)
            istat_add(out, s->round_intensities ? vx_round_even(buf[i]) : buf[i]);
    }
    free(buf);
    return rc;
}

/* Bounding-box sizes of the non-zero voxels of m (dims d); zeros when empty. */
static void mask_bb(const uint8_t *m, const size_t d[3], size_t bb[3])
{
    size_t lo[3] = {d[0], d[1], d[2]}, hi[3] = {0, 0, 0};
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++)
            for (size_t x = 0; x < d[0]; x++) {
                if (!m[x + d[0] * (y + d[1] * z)])
                    continue;
                size_t c[3] = {x, y, z};
                for (int a = 0; a < 3; a++) {
                    lo[a] = c[a] < lo[a] ? c[a] : lo[a];
                    hi[a] = c[a] + 1 > hi[a] ? c[a] + 1 : hi[a];
                }
            }
    for (int a = 0; a < 3; a++)
        bb[a] = hi[a] > lo[a] ? hi[a] - lo[a] : 0;
}

/* Scan the input ROI: voxel count, bounding box [lo, hi), non-finite intensities, intensity statistics. */
static int scan_roi(const vx_image *img, const vx_image *mask, const vx_settings *s, size_t lo[3], size_t hi[3],
                    istat *in, vx_error *err)
{
    const vx_geometry *g = &img->geom;
    const size_t nx = g->dims[0], ny = g->dims[1], nz = g->dims[2];
    size_t n_roi = 0, n_bad = 0;
    const int label = s->mask_label;
    const float flabel = (float)label, thr = (float)s->mask_threshold;
    for (int a = 0; a < 3; a++) {
        lo[a] = g->dims[a];
        hi[a] = 0;
    }
    istat_init(in);
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
                int inside = label > 0 ? m[x] == flabel : m[x] >= thr;
                if (inside) {
                    if (isfinite(v[x]))
                        istat_add(in, v[x]);
                    else
                        bad++;
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
    return VX_OK;
}

/* Interpolate the ROI onto grid tg and apply the partial-volume threshold. On return *mvals holds the
 * interpolated ROI over the target box [tlo, thi), and [rlo, rhi) bounds the voxels >= threshold. */
static int interpolate_roi(const vx_image *mask, const vx_settings *s, const size_t lo[3], const size_t hi[3],
                           const vx_geometry *tg, size_t tlo[3], size_t thi[3], double **mvals, size_t rlo[3],
                           size_t rhi[3], size_t *count, vx_error *err)
{
    const vx_geometry *g = &mask->geom;
    /* outside the targets that reach the input ROI box the interpolated ROI is 0 (below any threshold > 0) */
    for (int a = 0; a < 3; a++)
        if (!vx_resample_reach(g, tg, a, lo[a], hi[a], s->mask_interp, &tlo[a], &thi[a]))
            return vx_error_set(err, VX_EEMPTY,
                                "the ROI has no voxel on the interpolated grid (axis %d): it is smaller than "
                                "the new voxel spacing %g mm",
                                a, tg->spacing[a]);
    /* the ROI as 0/1 on the input box plus two voxels (the interpolator's reach), outside it zero */
    size_t clo[3], chi[3], cd[3];
    for (int a = 0; a < 3; a++) {
        clo[a] = lo[a] > 2 ? lo[a] - 2 : 0;
        chi[a] = hi[a] + 2 < g->dims[a] ? hi[a] + 2 : g->dims[a];
        cd[a] = chi[a] - clo[a];
    }
    vx_geometry cg = sub_grid(g, clo, chi);
    size_t nt = (thi[0] - tlo[0]) * (thi[1] - tlo[1]) * (thi[2] - tlo[2]);
    float *memb = malloc(cd[0] * cd[1] * cd[2] * sizeof *memb);
    *mvals = malloc(nt * sizeof **mvals);
    if (!memb || !*mvals) {
        free(memb);
        return vx_error_set(err, VX_ENOMEM, "out of memory interpolating the ROI");
    }
    for (size_t z = 0; z < cd[2]; z++)
        for (size_t y = 0; y < cd[1]; y++) {
            const float *m = mask->v + clo[0] + g->dims[0] * (y + clo[1] + g->dims[1] * (z + clo[2]));
            float *d = memb + cd[0] * (y + cd[1] * z);
            for (size_t x = 0; x < cd[0]; x++)
                d[x] = in_roi(s, m[x]) ? 1.0f : 0.0f;
        }
    int rc = vx_resample_box(memb, &cg, tg, tlo, thi, s->mask_interp, 0, *mvals, err);
    free(memb);
    if (rc != VX_OK)
        return vx_error_prefix(err, "ROI ");
    size_t td[3] = {thi[0] - tlo[0], thi[1] - tlo[1], thi[2] - tlo[2]}, n = 0;
    for (int a = 0; a < 3; a++) {
        rlo[a] = tg->dims[a];
        rhi[a] = 0;
    }
    const double pv = s->mask_partial_volume;
    for (size_t z = 0; z < td[2]; z++)
        for (size_t y = 0; y < td[1]; y++) {
            const double *row = *mvals + td[0] * (y + td[1] * z);
            size_t first = td[0], last = 0, cnt = 0;
            for (size_t x = 0; x < td[0]; x++)
                if (row[x] >= pv) {
                    first = x < first ? x : first;
                    last = x;
                    cnt++;
                }
            if (!cnt)
                continue;
            n += cnt;
            rlo[0] = first + tlo[0] < rlo[0] ? first + tlo[0] : rlo[0];
            rhi[0] = last + 1 + tlo[0] > rhi[0] ? last + 1 + tlo[0] : rhi[0];
            rlo[1] = y + tlo[1] < rlo[1] ? y + tlo[1] : rlo[1];
            rhi[1] = y + 1 + tlo[1] > rhi[1] ? y + 1 + tlo[1] : rhi[1];
            rlo[2] = z + tlo[2] < rlo[2] ? z + tlo[2] : rlo[2];
            rhi[2] = z + 1 + tlo[2];
        }
    *count = n;
    if (!n)
        return vx_error_set(err, VX_EEMPTY,
                            "no voxel of the interpolated ROI reaches the partial-volume threshold %g: the ROI is "
                            "too small for the new voxel spacing",
                            s->mask_partial_volume);
    return VX_OK;
}

/* No interpolation: the box [clo, clo + cd) of the input, rounded as asked, and the ROI in it (the values
 * the interpolation path gives when every axis is a copy, without its double-precision staging). */
static void copy_box(const vx_image *img, const vx_image *mask, const vx_settings *s, const size_t clo[3],
                     const size_t cd[3], roi_store *st)
{
    const size_t *dims = img->geom.dims;
    for (size_t z = 0; z < cd[2]; z++)
        for (size_t y = 0; y < cd[1]; y++) {
            size_t src = clo[0] + dims[0] * (y + clo[1] + dims[1] * (z + clo[2]));
            size_t dst = cd[0] * (y + cd[1] * z);
            for (size_t x = 0; x < cd[0]; x++) {
                double v = img->v[src + x];
                st->img[dst + x] = (float)(s->round_intensities ? vx_round_even(v) : v);
                st->mmask[dst + x] = (uint8_t)in_roi(s, mask->v[src + x]);
            }
        }
}

/* Interpolation: intensities of the box [clo, clo + cd) of grid tg, rounded after interpolation as asked,
 * and the ROI from the interpolated ROI values mvals over [tlo, thi) at the partial-volume threshold. */
static int fill_interpolated(const vx_image *img, const vx_settings *s, const vx_geometry *tg, const size_t clo[3],
                             const size_t cd[3], const size_t tlo[3], const size_t thi[3], const double *mvals,
                             size_t n_roi, roi_store *st, vx_error *err)
{
    const size_t chi[3] = {clo[0] + cd[0], clo[1] + cd[1], clo[2] + cd[2]};
    double *vals = malloc(cd[0] * cd[1] * cd[2] * sizeof *vals);
    if (!vals)
        return vx_error_set(err, VX_ENOMEM, "out of memory interpolating a %zux%zux%zu box", cd[0], cd[1], cd[2]);
    int rc = vx_resample_box(img->v, &img->geom, tg, clo, chi, s->interp, s->round_intensities, vals, err);
    size_t td[3] = {thi[0] - tlo[0], thi[1] - tlo[1], thi[2] - tlo[2]}, n_bad = 0;
    const double pv = s->mask_partial_volume;
    for (size_t z = 0; rc == VX_OK && z < cd[2]; z++)
        for (size_t y = 0; y < cd[1]; y++) {
            const size_t i0 = cd[0] * (y + cd[1] * z);
            /* IBSI rounding to the nearest integer (ties to even, as numpy) after interpolation */
            for (size_t x = 0; x < cd[0]; x++)
                st->img[i0 + x] = (float)(s->round_intensities ? vx_round_even(vals[i0 + x]) : vals[i0 + x]);
            /* the part of this row inside the box where the ROI was interpolated */
            size_t gy = y + clo[1], gz = z + clo[2];
            if (gy < tlo[1] || gy >= thi[1] || gz < tlo[2] || gz >= thi[2])
                continue;
            const double *mrow = mvals + td[0] * ((gy - tlo[1]) + td[1] * (gz - tlo[2]));
            size_t xa = tlo[0] > clo[0] ? tlo[0] : clo[0], xb = thi[0] < chi[0] ? thi[0] : chi[0];
            for (size_t gx = xa; gx < xb; gx++) {
                uint8_t inside = mrow[gx - tlo[0]] >= pv;
                size_t i = i0 + (gx - clo[0]);
                st->mmask[i] = inside;
                n_bad += inside && !isfinite(st->img[i]);
            }
        }
    free(vals);
    if (rc == VX_OK && n_bad)
        rc = vx_error_set(err, VX_ENAN,
                          "%zu of the %zu interpolated ROI voxels have non-finite intensities (NaN or infinite "
                          "voxels next to the ROI reach it through interpolation): fix the image",
                          n_bad, n_roi);
    return rc;
}

/* IVH input per the IVH discretisation; see the cases in src/feature/ivh.c. */
static int ivh_values(const vx_settings *s, roi_store *st, size_t n, vx_error *err)
{
    vx_roi *r = &st->roi;
    double lo = INFINITY, hi = -INFINITY;
    const vx_discretisation *d = &s->ivh_disc;
    r->ivh_bin_width = 1.0;
    if (d->method == VX_DISC_NONE) {
        /* calibrated, discrete intensities: the intensities themselves; the range is the re-segmentation
         * range where set, else the ROI range */
        for (size_t i = 0; i < n; i++)
            if (st->imask[i]) {
                double v = st->img[i];
                st->ivh[i] = v;
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        if (isfinite(s->reseg_min))
            lo = s->reseg_min;
        if (isfinite(s->reseg_max))
            hi = s->reseg_max;
    } else {
        int32_t *g2 = malloc(n * sizeof *g2);
        int ng2 = 0;
        if (!g2)
            return vx_error_set(err, VX_ENOMEM, "out of memory discretising for the IVH");
        double xmin = !isnan(d->min_value) ? d->min_value : s->reseg_min;
        int rc = vx_discretise(st->img, st->imask, n, d, d->method == VX_DISC_FBS ? xmin : NAN, NAN, g2, &ng2, err);
        if (rc != VX_OK) {
            free(g2);
            return vx_error_prefix(err, "IVH ");
        }
        if (d->method == VX_DISC_FBS) {
            /* continuous calibrated intensities: bin centres x_min + (g - 0.5) w; the range runs from the
             * first bin centre to the centre of the bin below the upper re-segmentation bound (IBSI
             * configuration C: -998.75 .. 398.75), else to the highest occupied bin */
            double w = d->bin_width, x0 = xmin;
            if (isnan(x0)) {
                x0 = INFINITY;
                for (size_t i = 0; i < n; i++)
                    if (st->imask[i] && st->img[i] < x0)
                        x0 = st->img[i];
            }
            for (size_t i = 0; i < n; i++)
                if (st->imask[i])
                    st->ivh[i] = x0 + ((double)g2[i] - 0.5) * w;
            lo = x0 + 0.5 * w;
            hi = isfinite(s->reseg_max) ? x0 + (ceil((s->reseg_max - x0) / w - 1e-9) - 0.5) * w
                                        : x0 + ((double)ng2 - 0.5) * w;
            r->ivh_bin_width = w;
        } else {
            /* arbitrary units: the bin numbers 1 .. N over the ROI range */
            for (size_t i = 0; i < n; i++)
                if (st->imask[i])
                    st->ivh[i] = g2[i];
            lo = 1.0;
            hi = (double)d->bin_count;
        }
        free(g2);
    }
    r->ivh = st->ivh;
    r->ivh_min = lo;
    r->ivh_max = hi;
    return VX_OK;
}

static int build_roi(const vx_image *img, const vx_image *mask, const vx_settings *s, roi_store *st,
                     vx_error *err)
{
    const vx_geometry *g = &img->geom;
    size_t lo[3], hi[3];
    int rc = scan_roi(img, mask, s, lo, hi, &st->init_roi.in, err);
    if (rc != VX_OK)
        return rc;
    const int resample = resampling_on(s);

    /* diagnostics: the whole input image (and, without interpolation, the image as processed) */
    if (s->diagnostics) {
        istat_init(&st->init_img);
        istat_init(&st->interp_img);
        size_t nv = vx_geometry_count(g);
        for (size_t i = 0; i < nv; i++) {
            double v = img->v[i];
            if (!isfinite(v))
                continue;
            istat_add(&st->init_img, v);
            if (!resample)
                istat_add(&st->interp_img, s->round_intensities ? vx_round_even(v) : v);
        }
        roi_diag *d = &st->init_roi;
        for (int a = 0; a < 3; a++) {
            d->dims[a] = g->dims[a];
            d->int_bb[a] = d->morph_bb[a] = hi[a] - lo[a];
        }
        d->n_int = d->n_morph = d->in.n;
    }

    /* interpolation grid (the input grid itself when there is no interpolation: every axis is a copy) */
    st->grid = *g;
    double spacing[3] = {s->resample_spacing[0], s->resample_spacing[1], s->resample_spacing[2]};
    if (s->compat == VX_COMPAT_PYRADIOMICS)
        for (int a = 0; a < 3; a++)
            if (hi[a] - lo[a] == 1)
                spacing[a] = NAN; /* PyRadiomics does not resample along an axis where the ROI is one voxel */
    if (resample && (rc = vx_resample_grid_compat(g, spacing, s->compat, &st->grid, err)) != VX_OK)
        return rc;
    const vx_geometry *tg = &st->grid;

    /* ROI on the new grid, partial-volume threshold */
    size_t tlo[3], thi[3], rlo[3], rhi[3], n_roi = st->init_roi.in.n;
    double *mvals = NULL;
    if (resample) {
        rc = interpolate_roi(mask, s, lo, hi, tg, tlo, thi, &mvals, rlo, rhi, &n_roi, err);
        if (rc != VX_OK) {
            free(mvals);
            return rc;
        }
    } else {
        for (int a = 0; a < 3; a++) {
            tlo[a] = rlo[a] = lo[a];
            thi[a] = rhi[a] = hi[a];
        }
    }

    /* intensity box: the new ROI box plus the local-intensity sphere radius, within the new grid */
    double radius = cbrt(3.0 * s->features.peak_volume_cc * 1000.0 / (4.0 * VX_PI));
    size_t clo[3], chi[3], cd[3];
    for (int a = 0; a < 3; a++) {
        size_t m = (size_t)ceil(radius / tg->spacing[a]) + 1;
        clo[a] = rlo[a] > m ? rlo[a] - m : 0;
        chi[a] = rhi[a] + m < tg->dims[a] ? rhi[a] + m : tg->dims[a];
        cd[a] = chi[a] - clo[a];
    }
    size_t n = cd[0] * cd[1] * cd[2];
    st->img = malloc(n * sizeof *st->img);
    st->imask = calloc(n, 1);
    st->mmask = calloc(n, 1);
    st->grey = calloc(n, sizeof *st->grey);
    st->ivh = calloc(n, sizeof *st->ivh);
    if (!st->img || !st->imask || !st->mmask || !st->grey || !st->ivh) {
        free(mvals);
        return vx_error_set(err, VX_ENOMEM, "out of memory for a ROI box of %zux%zux%zu voxels", cd[0], cd[1],
                            cd[2]);
    }
    if (resample)
        rc = fill_interpolated(img, s, tg, clo, cd, tlo, thi, mvals, n_roi, st, err);
    else
        copy_box(img, mask, s, clo, cd, st);
    free(mvals);
    if (rc != VX_OK)
        return rc;

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
        r->spacing[a] = tg->spacing[a];
        r->box_lo[a] = rlo[a] - clo[a];
        r->box_hi[a] = rhi[a] - clo[a];
    }
    r->img = st->img;
    r->imask = st->imask;
    r->mmask = st->mmask;
    r->n_imask = n_int;
    r->n_mmask = n_roi;

    if (s->diagnostics) {
        roi_diag *di = &st->interp_roi, *dr = &st->reseg_roi;
        istat_init(&di->in);
        istat_init(&dr->in);
        for (size_t i = 0; i < n; i++) {
            if (st->mmask[i])
                istat_add(&di->in, st->img[i]);
            if (st->imask[i])
                istat_add(&dr->in, st->img[i]);
        }
        for (int a = 0; a < 3; a++) {
            di->dims[a] = dr->dims[a] = tg->dims[a];
            di->int_bb[a] = di->morph_bb[a] = dr->morph_bb[a] = rhi[a] - rlo[a];
        }
        mask_bb(st->imask, cd, dr->int_bb);
        di->n_int = di->n_morph = dr->n_morph = n_roi;
        dr->n_int = n_int;
        if (resample && (rc = interp_image_stats(img, s, tg, &st->interp_img, err)) != VX_OK)
            return rc;
    }

    /* texture / intensity-histogram discretisation */
    /* fixed bin size starts at `min`, else at the lower re-segmentation bound; fixed bin number spans the
     * ROI intensity range (IBSI) */
    double fbs_min = !isnan(s->texture_disc.min_value) ? s->texture_disc.min_value : s->reseg_min;
    if (s->compat == VX_COMPAT_PYRADIOMICS)
        fbs_min = s->texture_disc.min_value; /* PyRadiomics: edges on multiples of w, whatever the range */
    if (s->texture_disc.method != VX_DISC_FBS)
        fbs_min = NAN;
    rc = vx_discretise_compat(st->img, st->imask, n, &s->texture_disc, s->compat, fbs_min, NAN, st->grey,
                              &r->n_grey, err);
    if (rc != VX_OK)
        return rc;
    r->grey = st->grey;
    return ivh_values(s, st, n, err);
}

/* ---- diagnostics (IBSI 1 "Diagnostic features"; tags of the IBSI compliance tables) ---- */
/* <prefix>{mean,min,max}_int_<stage>: NaN when there is no voxel. */
static int diag_intensities(vx_results *res, const char *prefix, const char *stage, const istat *in)
{
    double v[3] = {in->n ? in->sum / (double)in->n : NAN, in->n ? in->min : NAN, in->n ? in->max : NAN};
    static const char *const what[3] = {"mean", "min", "max"};
    char tag[48];
    int rc = VX_OK;
    for (int i = 0; i < 3 && rc == VX_OK; i++) {
        snprintf(tag, sizeof tag, "%s%s_int_%s", prefix, what[i], stage);
        rc = vx_results_add_diag(res, tag, v[i]);
    }
    return rc;
}

static int diag_image(vx_results *res, const char *stage, const vx_geometry *g, const istat *in)
{
    static const char ax[3] = {'x', 'y', 'z'};
    char tag[48];
    int rc = VX_OK;
    for (int a = 0; a < 3 && rc == VX_OK; a++) {
        snprintf(tag, sizeof tag, "img_dim_%c_%s", ax[a], stage);
        rc = vx_results_add_diag(res, tag, (double)g->dims[a]);
    }
    for (int a = 0; a < 3 && rc == VX_OK; a++) {
        snprintf(tag, sizeof tag, "vox_dim_%c_%s", ax[a], stage);
        rc = vx_results_add_diag(res, tag, g->spacing[a]);
    }
    return rc == VX_OK ? diag_intensities(res, "", stage, in) : rc;
}

static int diag_roi(vx_results *res, const char *stage, const roi_diag *d)
{
    static const char ax[3] = {'x', 'y', 'z'};
    char tag[48];
    int rc = VX_OK;
    for (int a = 0; a < 3 && rc == VX_OK; a++) {
        snprintf(tag, sizeof tag, "int_mask_dim_%c_%s", ax[a], stage);
        rc = vx_results_add_diag(res, tag, (double)d->dims[a]);
    }
    for (int a = 0; a < 3 && rc == VX_OK; a++) {
        snprintf(tag, sizeof tag, "int_mask_bb_dim_%c_%s", ax[a], stage);
        rc = vx_results_add_diag(res, tag, (double)d->int_bb[a]);
    }
    for (int a = 0; a < 3 && rc == VX_OK; a++) {
        snprintf(tag, sizeof tag, "morph_mask_bb_dim_%c_%s", ax[a], stage);
        rc = vx_results_add_diag(res, tag, (double)d->morph_bb[a]);
    }
    snprintf(tag, sizeof tag, "int_mask_vox_count_%s", stage);
    if (rc == VX_OK)
        rc = vx_results_add_diag(res, tag, (double)d->n_int);
    snprintf(tag, sizeof tag, "morph_mask_vox_count_%s", stage);
    if (rc == VX_OK)
        rc = vx_results_add_diag(res, tag, (double)d->n_morph);
    return rc == VX_OK ? diag_intensities(res, "int_mask_", stage, &d->in) : rc;
}

static int add_diagnostics(const vx_image *img, const roi_store *st, vx_results *res)
{
    int rc = diag_image(res, "init_img", &img->geom, &st->init_img);
    if (rc == VX_OK)
        rc = diag_image(res, "interp_img", &st->grid, &st->interp_img);
    if (rc == VX_OK)
        rc = diag_roi(res, "init_roi", &st->init_roi);
    if (rc == VX_OK)
        rc = diag_roi(res, "interp_roi", &st->interp_roi);
    if (rc == VX_OK)
        rc = diag_roi(res, "reseg_roi", &st->reseg_roi);
    return rc;
}

/* PyRadiomics' first-order deviations (VX_COMPAT_PYRADIOMICS) on the statistics rows res->rows[from..]:
 * kurtosis m4 / m2^2 (not excess kurtosis; 0 for a flat region, as IBSI), and energy sum (x + c)^2 and root
 * mean square sqrt(sum (x + c)^2 / N) with c = voxelArrayShift over the intensity mask. */
static void pyradiomics_statistics(const vx_settings *s, const vx_roi *r, vx_results *res, size_t from)
{
    double energy = NAN;
    if (s->voxel_shift != 0.0) {
        const double c = s->voxel_shift;
        double sum = 0.0;
        size_t nv = r->dims[0] * r->dims[1] * r->dims[2];
        for (size_t i = 0; i < nv; i++)
            if (r->imask[i])
                sum += ((double)r->img[i] + c) * ((double)r->img[i] + c);
        energy = sum;
    }
    double var = NAN;
    for (size_t i = from; i < res->n; i++)
        if (res->rows[i].feature == VX_F_STAT_VAR && res->rows[i].agg == VX_AGG_NONE)
            var = res->rows[i].value;
    for (size_t i = from; i < res->n; i++) {
        vx_result_row *row = &res->rows[i];
        if (row->agg != VX_AGG_NONE)
            continue;
        if (row->feature == VX_F_STAT_KURT && var > 0.0)
            row->value += 3.0;
        else if (row->feature == VX_F_STAT_ENERGY && !isnan(energy))
            row->value = energy;
        else if (row->feature == VX_F_STAT_RMS && !isnan(energy))
            row->value = r->n_imask ? sqrt(energy / (double)r->n_imask) : NAN;
    }
}

static int check_settings(const vx_settings *s, vx_error *err)
{
    return vx_settings_validate(s, err); /* every range and enum of settings.def, and the named checks */
}

int vx_extract(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_results *res, vx_error *err)
{
    int rc = check_settings(s, err);
    if (rc == VX_OK) /* spacing bounds and orthogonal axes: a 1e-30 mm spacing never reaches the families */
        rc = vx_geometry_validate(&img->geom, "image", NULL, err);
    if (rc == VX_OK)
        rc = vx_geometry_check(&img->geom, &mask->geom, err);
    if (rc != VX_OK)
        return rc;
    roi_store st;
    memset(&st, 0, sizeof st);
    rc = build_roi(img, mask, s, &st, err);
    if (rc == VX_OK && s->diagnostics)
        rc = add_diagnostics(img, &st, res);
    for (int f = 0; rc == VX_OK && f < VX_FAM_COUNT; f++) {
        if (!(s->features.families & (1u << f)))
            continue;
        size_t from = res->n;
        rc = vx_family_compute_fn((vx_family)f)(&st.roi, &s->features, res, err);
        if (rc == VX_OK && f == VX_FAM_STAT && s->compat == VX_COMPAT_PYRADIOMICS)
            pyradiomics_statistics(s, &st.roi, res, from);
    }
    roi_store_free(&st);
    if (rc == VX_OK)
        vx_results_sort(res);
    return rc;
}
