/* voxomics: the processed ROI in one call: ROI of the mask, interpolation, re-segmentation, discretisation
 * and IVH values (the steps and their rules: voxomics/roi.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/process.h"
#include "voxomics/roi.h"
#include "vx_math.h"

static void istat_init(vx_intensity_stats *a)
{
    a->sum = 0.0;
    a->min = INFINITY;
    a->max = -INFINITY;
    a->n = 0;
}

static inline void istat_add(vx_intensity_stats *a, double v)
{
    a->sum += v;
    a->min = v < a->min ? v : a->min;
    a->max = v > a->max ? v : a->max;
    a->n++;
}

/* The processed ROI's buffers while it is built, and the diagnostics of the way there. */
typedef struct roi_store {
    float *img;
    uint8_t *imask, *mmask;
    int32_t *grey;
    int want_diag;
    vx_roi_diag d; /* init_roi.in.n is the input ROI voxel count, also without diagnostics */
} roi_store;

static void roi_store_free(roi_store *st)
{
    free(st->img);
    free(st->imask);
    free(st->mmask);
    free(st->grey);
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
static int interp_image_stats(const vx_image *img, const vx_settings *s, const vx_geometry *tg, vx_intensity_stats *out,
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
                    vx_intensity_stats *in, vx_error *err)
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

/* Diagnostics of the input: the whole image (and, without interpolation, the image as processed) and the
 * input ROI with bounding box [lo, hi). */
static void diag_input(const vx_image *img, const vx_settings *s, const size_t lo[3], const size_t hi[3],
                       int resample, roi_store *st)
{
    const vx_geometry *g = &img->geom;
    istat_init(&st->d.init_img);
    istat_init(&st->d.interp_img);
    size_t nv = vx_geometry_count(g);
    for (size_t i = 0; i < nv; i++) {
        double v = img->v[i];
        if (!isfinite(v))
            continue;
        istat_add(&st->d.init_img, v);
        if (!resample)
            istat_add(&st->d.interp_img, s->round_intensities ? vx_round_even(v) : v);
    }
    vx_roi_stage *d = &st->d.init_roi;
    for (int a = 0; a < 3; a++) {
        d->dims[a] = g->dims[a];
        d->int_bb[a] = d->morph_bb[a] = hi[a] - lo[a];
    }
    d->n_int = d->n_morph = d->in.n;
}

/* The interpolation grid into st->d.interp_grid: the input grid itself when there is no interpolation (every
 * axis is a copy). [lo, hi): the input ROI box (PyRadiomics keeps axes where it is one voxel thick). */
static int roi_grid(const vx_geometry *g, const vx_settings *s, const size_t lo[3], const size_t hi[3], int resample,
                    roi_store *st, vx_error *err)
{
    st->d.interp_grid = *g;
    double spacing[3] = {s->resample_spacing[0], s->resample_spacing[1], s->resample_spacing[2]};
    if (s->compat == VX_COMPAT_PYRADIOMICS)
        for (int a = 0; a < 3; a++)
            if (hi[a] - lo[a] == 1)
                spacing[a] = NAN; /* PyRadiomics does not resample along an axis where the ROI is one voxel */
    return resample ? vx_resample_grid_compat(g, spacing, s->compat, &st->d.interp_grid, err) : VX_OK;
}

/* Diagnostics of the interpolated and re-segmented ROI (n voxels of the box cd; ROI box [rlo, rhi) on the
 * grid), and with interpolation the whole interpolated image. */
static int diag_processed(const vx_image *img, const vx_settings *s, int resample, const size_t cd[3], size_t n,
                          const size_t rlo[3], const size_t rhi[3], size_t n_roi, size_t n_int, roi_store *st,
                          vx_error *err)
{
    const vx_geometry *tg = &st->d.interp_grid;
    vx_roi_stage *di = &st->d.interp_roi, *dr = &st->d.reseg_roi;
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
    return resample ? interp_image_stats(img, s, tg, &st->d.interp_img, err) : VX_OK;
}

/* Grey levels of the intensity histogram and texture families (texture_disc): fixed bin size starts at `min`,
 * else at the lower re-segmentation bound; fixed bin number spans the ROI intensity range (IBSI). */
static int discretise_texture(const vx_settings *s, size_t n, roi_store *st, int *n_grey, vx_error *err)
{
    double fbs_min = !isnan(s->texture_disc.min_value) ? s->texture_disc.min_value : s->reseg_min;
    if (s->compat == VX_COMPAT_PYRADIOMICS)
        fbs_min = s->texture_disc.min_value; /* PyRadiomics: edges on multiples of w, whatever the range */
    if (s->texture_disc.method != VX_DISC_FBS)
        fbs_min = NAN;
    return vx_discretise_compat(st->img, st->imask, n, &s->texture_disc, s->compat, fbs_min, NAN, st->grey, n_grey,
                                err);
}

/* PyRadiomics' resegmentMask (compat pyradiomics): the range in the mode's units turned into intensities over
 * the ROI (relative: times the ROI maximum; sigma: mean + k sd, population sd), a single bound being a lower
 * bound; then at least 2 voxels must remain and the re-segmented mask pass checkMask again; with
 * pyrad_reseg_shape the morphological mask becomes the re-segmented one, else it is the mask as given cut to
 * the re-segmented mask's bounding box (PyRadiomics crops the shape mask with checkMask's latest box). */
void vx_pyrad_reseg_bounds(const float *img, const uint8_t *mask, size_t n, const vx_settings *s, double *plo,
                           double *phi)
{
    double lo = s->reseg_min, hi = s->reseg_max;
    if ((!isnan(lo) || !isnan(hi)) && s->pyrad_reseg_mode != VX_PYRAD_RESEG_ABSOLUTE) {
        double sum = 0.0, mx = -INFINITY;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (mask[i]) {
                sum += img[i];
                mx = img[i] > mx ? img[i] : mx;
                k++;
            }
        if (s->pyrad_reseg_mode == VX_PYRAD_RESEG_RELATIVE) {
            lo *= mx;
            hi *= mx;
        } else {
            const double mean = sum / (double)k;
            double ss = 0.0;
            for (size_t i = 0; i < n; i++)
                if (mask[i])
                    ss += ((double)img[i] - mean) * ((double)img[i] - mean);
            const double sd = sqrt(ss / (double)k);
            lo = mean + sd * lo;
            hi = mean + sd * hi;
        }
    }
    *plo = lo;
    *phi = hi;
}

static int pyrad_resegment(const vx_settings *s, roi_store *st, size_t n, size_t *n_roi, size_t *n_int,
                           const size_t cd[3], vx_error *err)
{
    double lo, hi;
    const int ranged = !isnan(s->reseg_min) || !isnan(s->reseg_max);
    vx_pyrad_reseg_bounds(st->img, st->mmask, n, s, &lo, &hi);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t in = st->mmask[i];
        if (in && !isnan(lo) && !((double)st->img[i] >= lo))
            in = 0;
        if (in && !isnan(hi) && !((double)st->img[i] <= hi))
            in = 0;
        st->imask[i] = in;
        kept += in;
    }
    if (s->reseg_outlier_sigma > 0.0 && kept) { /* a voxomics file's IBSI outlier rule, after the range */
        uint8_t *tmp = malloc(n ? n : 1);
        if (!tmp)
            return vx_error_set(err, VX_ENOMEM, "out of memory re-segmenting %zu voxels", n);
        memcpy(tmp, st->imask, n);
        int rc = vx_resegment(st->img, tmp, n, NAN, NAN, s->reseg_outlier_sigma, st->imask, &kept, err);
        free(tmp);
        if (rc != VX_OK)
            return rc;
    }
    *n_int = kept;
    if (!ranged && !(s->reseg_outlier_sigma > 0.0))
        return VX_OK;
    if (kept <= 1)
        return vx_error_set(err, VX_EEMPTY,
                            "re-segmentation (range %g..%g) kept %zu voxel%s: PyRadiomics needs at least 2; widen "
                            "resegmentRange", lo, hi, kept, kept == 1 ? "" : "s");
    int rc = vx_pyrad_check_mask(st->imask, cd, s->pyrad_min_roi_dims, s->pyrad_min_roi_size, "the re-segmented mask",
                                 err);
    if (rc != VX_OK)
        return rc;
    if (s->pyrad_reseg_shape) {
        memcpy(st->mmask, st->imask, n);
        *n_roi = kept;
        return VX_OK;
    }
    /* PyRadiomics computes shape on the mask as given cropped to the bounding box of the re-segmented mask
     * (checkMask's box after resegmentMask): voxels outside that box leave the shape mask */
    size_t blo[3] = {cd[0], cd[1], cd[2]}, bhi[3] = {0, 0, 0};
    for (size_t z = 0; z < cd[2]; z++)
        for (size_t y = 0; y < cd[1]; y++)
            for (size_t x = 0; x < cd[0]; x++)
                if (st->imask[x + cd[0] * (y + cd[1] * z)]) {
                    const size_t c[3] = {x, y, z};
                    for (int a = 0; a < 3; a++) {
                        blo[a] = c[a] < blo[a] ? c[a] : blo[a];
                        bhi[a] = c[a] + 1 > bhi[a] ? c[a] + 1 : bhi[a];
                    }
                }
    size_t m = 0;
    for (size_t z = 0; z < cd[2]; z++)
        for (size_t y = 0; y < cd[1]; y++)
            for (size_t x = 0; x < cd[0]; x++) {
                uint8_t *v = &st->mmask[x + cd[0] * (y + cd[1] * z)];
                if (x < blo[0] || x >= bhi[0] || y < blo[1] || y >= bhi[1] || z < blo[2] || z >= bhi[2])
                    *v = 0;
                m += *v;
            }
    *n_roi = m;
    return VX_OK;
}

static int build_roi(const vx_image *img, const vx_image *mask, const vx_settings *s, double margin_mm,
                     roi_store *st, vx_roi *r, vx_error *err)
{
    const vx_geometry *g = &img->geom;
    size_t lo[3], hi[3];
    int rc = scan_roi(img, mask, s, lo, hi, &st->d.init_roi.in, err);
    if (rc != VX_OK)
        return rc;
    const int resample = resampling_on(s);

    if (st->want_diag)
        diag_input(img, s, lo, hi, resample, st);
    if ((rc = roi_grid(g, s, lo, hi, resample, st, err)) != VX_OK)
        return rc;
    const vx_geometry *tg = &st->d.interp_grid;

    /* ROI on the new grid, partial-volume threshold */
    size_t tlo[3], thi[3], rlo[3], rhi[3], n_roi = st->d.init_roi.in.n;
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

    /* intensity box: the new ROI box plus the margin asked for, within the new grid */
    const double radius = margin_mm > 0.0 ? margin_mm : 0.0;
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
    if (!st->img || !st->imask || !st->mmask || !st->grey) {
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
    if (s->compat == VX_COMPAT_PYRADIOMICS)
        rc = pyrad_resegment(s, st, n, &n_roi, &n_int, cd, err);
    else
        rc = vx_resegment(st->img, st->mmask, n, s->reseg_min, s->reseg_max, s->reseg_outlier_sigma, st->imask,
                          &n_int, err);
    if (rc != VX_OK)
        return rc;

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

    if (st->want_diag && (rc = diag_processed(img, s, resample, cd, n, rlo, rhi, n_roi, n_int, st, err)) != VX_OK)
        return rc;
    /* grey levels and IVH values only where a family of the original image reads them: a filters-only or a
     * statistics-only run needs no discretisation of the original intensities */
    const unsigned fam = s->image_original ? s->features.families : 0u;
    r->grey = st->grey;
    r->ivh = NULL; /* computed from the intensities by the family (ivh_map) */
    r->ivh_bin_width = 1.0;
    if ((fam & VX_ROI_GREY_FAMILIES) && (rc = discretise_texture(s, n, st, &r->n_grey, err)) != VX_OK)
        return rc;
    if (fam & (1u << VX_FAM_IVH))
        rc = vx_ivh_map_make(st->img, st->imask, n, &s->ivh_disc, s->reseg_min, s->reseg_max, &r->ivh_map,
                             &r->ivh_min, &r->ivh_max, &r->ivh_bin_width, err);
    return rc;
}

int vx_roi_build(const vx_image *img, const vx_image *mask, const vx_settings *s, const vx_roi_request *req,
                 vx_roi *out, vx_roi_diag *diag, vx_error *err)
{
    memset(out, 0, sizeof *out);
    if (!img || !mask || !s)
        return vx_error_set(err, VX_EINVAL, "ROI: NULL image, mask or settings");
    roi_store st;
    memset(&st, 0, sizeof st);
    st.want_diag = diag != NULL;
    vx_roi r;
    int rc = build_roi(img, mask, s, req ? req->margin_mm : 0.0, &st, &r, err);
    if (rc != VX_OK) {
        roi_store_free(&st);
        return rc;
    }
    *out = r;
    if (diag) {
        st.d.init_grid = img->geom;
        *diag = st.d;
    }
    return VX_OK;
}

void vx_roi_free(vx_roi *r)
{
    if (!r)
        return;
    /* the arrays vx_roi_build allocated (const for the families, owned here) */
    free((void *)r->img);
    free((void *)r->imask);
    free((void *)r->mmask);
    free((void *)r->grey);
    free((void *)r->ivh);
    memset(r, 0, sizeof *r);
}

int vx_roi_derive(const vx_roi *base, float *img, const vx_settings *s, const vx_discretisation *tex,
                  const vx_discretisation *ivh, unsigned families, vx_roi *out, vx_error *err)
{
    memset(out, 0, sizeof *out);
    if (!base || !img || !s || !tex || !ivh) {
        free(img);
        return vx_error_set(err, VX_EINVAL, "ROI: NULL argument deriving a filtered ROI");
    }
    *out = *base;
    out->img = img;
    out->grey = NULL;
    out->ivh = NULL;
    out->n_grey = 0;
    const size_t n = base->dims[0] * base->dims[1] * base->dims[2];
    int rc = VX_OK;
    if (families & VX_ROI_GREY_FAMILIES) {
        int32_t *grey = calloc(n, sizeof *grey);
        out->grey = grey;
        if (!grey)
            return vx_error_set(err, VX_ENOMEM, "out of memory for the grey levels of %zu voxels", n);
        /* a response map has no re-segmentation bound: fixed bin size starts at min, else the ROI minimum */
        double fbs_min = tex->method == VX_DISC_FBS ? tex->min_value : NAN;
        rc = vx_discretise_compat(img, base->imask, n, tex, s->compat, fbs_min, NAN, grey, &out->n_grey, err);
    }
    if (rc == VX_OK && (families & (1u << VX_FAM_IVH)))
        rc = vx_ivh_map_make(img, base->imask, n, ivh, NAN, NAN, &out->ivh_map, &out->ivh_min, &out->ivh_max,
                             &out->ivh_bin_width, err);
    return rc;
}

void vx_roi_free_derived(vx_roi *r)
{
    if (!r)
        return;
    free((void *)r->img);
    free((void *)r->grey);
    free((void *)r->ivh);
    memset(r, 0, sizeof *r);
}
