/* voxomics: one case, from image and mask to a result set: a short loop over the image types (only the
 * original image today) -> the processed ROI (src/prep, voxomics/roi.h: interpolation, re-segmentation,
 * discretisation, IVH values, with the margin the local-intensity sphere needs) -> the requested families
 * -> rows, each carrying its image type. Optional IBSI diagnostic values describe the image and the ROI at
 * each stage.
 *
 * With compat pyradiomics (docs/config.md, "PyRadiomics compatibility") the ROI follows PyRadiomics' grid and
 * bins (voxomics/roi.h), and kurtosis, energy and RMS follow PyRadiomics; everything else is the IBSI path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "voxomics/extract.h"
#include "voxomics/filter.h"
#include "voxomics/mask.h"
#include "voxomics/roi.h"
#include "extract/extract_impl.h"
#include "image/permute.h"
#include "vx_math.h"

/* Running mean / minimum / maximum of intensities, for the diagnostic values. */

/* ---- diagnostics (IBSI 1 "Diagnostic features"; tags of the IBSI compliance tables) ---- */
/* <prefix>{mean,min,max}_int_<stage>: NaN when there is no voxel. */
static int diag_intensities(vx_results *res, const char *prefix, const char *stage, const vx_intensity_stats *in)
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

static int diag_image(vx_results *res, const char *stage, const vx_geometry *g, const vx_intensity_stats *in)
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

static int diag_roi(vx_results *res, const char *stage, const vx_roi_stage *d)
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

static int add_diagnostics(const vx_roi_diag *d, vx_results *res)
{
    int rc = diag_image(res, "init_img", &d->init_grid, &d->init_img);
    if (rc == VX_OK)
        rc = diag_image(res, "interp_img", &d->interp_grid, &d->interp_img);
    if (rc == VX_OK)
        rc = diag_roi(res, "init_roi", &d->init_roi);
    if (rc == VX_OK)
        rc = diag_roi(res, "interp_roi", &d->interp_roi);
    if (rc == VX_OK)
        rc = diag_roi(res, "reseg_roi", &d->reseg_roi);
    return rc;
}

/* The value of feature f (no aggregation) among res->rows[from..], NaN when absent. */
static double results_value_from(const vx_results *res, size_t from, vx_feature_id f)
{
    for (size_t i = from; i < res->n; i++)
        if (res->rows[i].feature == f && res->rows[i].agg == VX_AGG_NONE)
            return res->rows[i].value;
    return NAN;
}

/* PyRadiomics' first-order deviations (VX_COMPAT_PYRADIOMICS) on the statistics rows res->rows[from..]:
 * kurtosis m4 / m2^2 (not excess kurtosis; 0 for a flat region, as IBSI), and energy sum (x + c)^2 and root
 * mean square sqrt(sum (x + c)^2 / N) with c = voxelArrayShift over the intensity mask; and its total energy,
 * the energy times the voxel volume (mm^3). */
static int pyradiomics_statistics(const vx_settings *s, const vx_roi *r, vx_results *res, size_t from)
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
    const double var = results_value_from(res, from, VX_F_STAT_VAR);
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
    const double e = isnan(energy) ? results_value_from(res, from, VX_F_STAT_ENERGY) : energy;
    return vx_results_add(res, VX_F_STAT_TOTAL_ENERGY, VX_AGG_NONE, e * r->spacing[0] * r->spacing[1] * r->spacing[2]);
}

/* Removes the rows of features only PyRadiomics defines (VX_FF_PYRADIOMICS) from rows[0..n); the count kept. */
static size_t drop_pyradiomics_only(vx_result_row *rows, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!(vx_feature_get(rows[i].feature)->flags & VX_FF_PYRADIOMICS))
            rows[k++] = rows[i];
    return k;
}

static int check_settings(const vx_settings *s, vx_error *err)
{
    return vx_settings_validate(s, err); /* every range and enum of settings.def, and the named checks */
}

/* The 2D and 2.5D texture aggregations. */
#define AGGS_PLANAR                                                                                             \
    (VX_AGGBIT(VX_AGG_2D_AVG) | VX_AGGBIT(VX_AGG_2D_SMRG) | VX_AGGBIT(VX_AGG_25D_DMRG) |                        \
     VX_AGGBIT(VX_AGG_25D_MRG) | VX_AGGBIT(VX_AGG_2D) | VX_AGGBIT(VX_AGG_25D))

/* The families of `families` asked for under a 2D or 2.5D aggregation (as family bits). */
static unsigned planar_families(unsigned families, unsigned aggregations)
{
    unsigned out = 0;
    for (int f = 0; f < VX_FAM_COUNT; f++)
        if ((families & (1u << f)) && (vx_family_get((vx_family)f)->aggregations & aggregations & AGGS_PLANAR))
            out |= 1u << f;
    return out;
}

/* r with its axes permuted so that the slices perpendicular to slice_axis are its z slices (vx_slice_axes),
 * for the texture families (intensities, masks and grey levels; no IVH values). Release with vx_roi_free. */
static int roi_permuted(const vx_roi *r, int slice_axis, vx_roi *out, vx_error *err)
{
    int ax[3];
    vx_slice_axes(slice_axis, ax);
    const size_t n = r->dims[0] * r->dims[1] * r->dims[2];
    *out = *r;
    float *img = malloc(n * sizeof *img);
    uint8_t *im = malloc(n), *mm = malloc(n);
    int32_t *grey = r->grey ? malloc(n * sizeof *grey) : NULL;
    out->img = img;
    out->imask = im;
    out->mmask = mm;
    out->grey = grey;
    out->ivh = NULL;
    if (!img || !im || !mm || (r->grey && !grey)) {
        vx_roi_free(out);
        return vx_error_set(err, VX_ENOMEM, "out of memory for the %zux%zux%zu ROI in the slice axis' planes",
                            r->dims[0], r->dims[1], r->dims[2]);
    }
    vx_permute3(r->img, sizeof *img, r->dims, ax, img, out->dims);
    vx_permute3(r->imask, 1, r->dims, ax, im, NULL);
    vx_permute3(r->mmask, 1, r->dims, ax, mm, NULL);
    if (grey)
        vx_permute3(r->grey, sizeof *grey, r->dims, ax, grey, NULL);
    for (int k = 0; k < 3; k++) {
        out->spacing[k] = r->spacing[ax[k]];
        out->box_lo[k] = r->box_lo[ax[k]];
        out->box_hi[k] = r->box_hi[ax[k]];
    }
    return VX_OK;
}

/* Below this many ROI voxels a case runs on one thread whatever features.threads asks: starting a team and
 * splitting the families would cost more than it saves (the 113,000-voxel bench case stays serial;
 * bench/README.md, bench_scale). */
enum { PAR_MIN_VOXELS = 200000 };

/* The threads worth using inside one case on roi: 1 for small work, else the settings' count (<= 0: 1), at
 * most one per work item (run_families_parallel). */
static int case_threads(const vx_roi *roi, const vx_feature_settings *fs, unsigned families)
{
    const size_t work = roi->n_mmask;
    int nf = 0;
    for (int f = 0; f < VX_FAM_COUNT; f++)
        nf += (families >> f) & 1u;
    nf += nf > 1 && (families & 1u << VX_FAM_MORPH); /* two work items (run_families_parallel) */
    int nt = fs->threads > 0 ? fs->threads : 1;
    if (work < PAR_MIN_VOXELS)
        return 1;
    return nf > 1 && nt > nf ? nf : nt;
}

/* Family f on its ROI into res, PyRadiomics' statistics adjusted and PyRadiomics-only rows dropped as the
 * compatibility mode asks. */
static int run_family(int f, const vx_roi *froi, const vx_roi *roi, const vx_settings *s,
                      const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    size_t from = res->n;
    int rc = vx_family_compute_fn((vx_family)f)(froi, fs, res, err);
    if (rc == VX_OK && f == VX_FAM_STAT && s->compat == VX_COMPAT_PYRADIOMICS)
        rc = pyradiomics_statistics(s, roi, res, from);
    if (s->compat != VX_COMPAT_PYRADIOMICS) /* PyRadiomics' own features only in its compatibility mode */
        res->n = from + drop_pyradiomics_only(res->rows + from, res->n - from);
    return rc;
}

/* Work items of the parallel case: the families, and morphology's Moran's I and Geary's C as an item of its
 * own (MORAN_ITEM; the family's other features are the MORPH item), so that morphology, the costliest family,
 * shares out over two threads. */
enum { MORAN_ITEM = VX_FAM_COUNT, N_ITEMS };

/* The requested work items, costliest first (the order work is handed to the threads; rows are merged back
 * in family order, so it does not change the output). split: morphology as the two items MORPH and
 * MORAN_ITEM. */
static int family_order(unsigned families, int split, int *order)
{
    static const int cost_rank[N_ITEMS] = {VX_FAM_MORPH, MORAN_ITEM,   VX_FAM_LOCAL, VX_FAM_GLRLM,
                                           VX_FAM_GLDZM, VX_FAM_GLSZM, VX_FAM_GLCM,  VX_FAM_NGLDM,
                                           VX_FAM_NGTDM, VX_FAM_STAT,  VX_FAM_IVH,   VX_FAM_IH};
    int n = 0;
    for (int k = 0; k < N_ITEMS; k++)
        if (cost_rank[k] == MORAN_ITEM ? split : (int)((families >> cost_rank[k]) & 1u))
            order[n++] = cost_rank[k];
    return n;
}

/* Work item f of run_families_parallel: family f (morphology without Moran's I and Geary's C when split) into
 * part, or for MORAN_ITEM those two values into mg. */
static int run_item(int f, int split, const vx_roi *roi, const vx_roi *proi, unsigned planar, const vx_settings *s,
                    const vx_feature_settings *fs, vx_results *part, double mg[2], vx_error *err)
{
    if (f == MORAN_ITEM)
        return vx_morph_moran_geary(roi, VX_MORAN_AUTO, 1, &mg[0], &mg[1], err);
    if (f == VX_FAM_MORPH && split)
        return vx_morph_compute_ex(roi, fs, 0, part, err);
    return run_family(f, planar & (1u << f) ? proi : roi, roi, s, fs, part, err);
}

/* Moran's I and Geary's C (mg) into their rows of morphology's result set. */
static void put_moran(vx_results *r, const double mg[2])
{
    for (size_t i = 0; i < r->n; i++)
        if (r->rows[i].feature == VX_F_MORPH_MORAN_I)
            r->rows[i].value = mg[0];
        else if (r->rows[i].feature == VX_F_MORPH_GEARY_C)
            r->rows[i].value = mg[1];
}

/* The families in parallel (nt threads, one family per thread at a time, each on one thread inside), each into
 * its own result set, then appended to res in family order: the rows do not depend on the thread count. */
static int run_families_parallel(const vx_roi *roi, const vx_roi *proi, unsigned planar, const vx_settings *s,
                                 vx_feature_settings fs, unsigned families, int nt, vx_results *res, vx_error *err)
{
    int order[N_ITEMS], prc[N_ITEMS];
    vx_results part[VX_FAM_COUNT];
    vx_error perr[N_ITEMS];
    double mg[2] = {NAN, NAN};
    /* morphology in two items (in PyRadiomics compatibility it stays one) */
    const int split = (families & 1u << VX_FAM_MORPH) && s->compat != VX_COMPAT_PYRADIOMICS;
    const int n = family_order(families, split, order);
    fs.threads = 1;
    for (int f = 0; f < N_ITEMS; f++) {
        if (f < VX_FAM_COUNT)
            vx_results_init(&part[f]);
        prc[f] = VX_OK;
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (int k = 0; k < n; k++) {
        const int f = order[k];
        prc[f] = run_item(f, split, roi, proi, planar, s, &fs, &part[f < VX_FAM_COUNT ? f : 0], mg, &perr[f]);
    }
    if (split)
        put_moran(&part[VX_FAM_MORPH], mg);
    int rc = VX_OK;
    for (int f = 0; f < N_ITEMS; f++) {
        if (rc == VX_OK && prc[f] != VX_OK && (rc = prc[f]) != VX_OK && err)
            *err = perr[f];
        for (size_t i = 0; f < VX_FAM_COUNT && rc == VX_OK && i < part[f].n; i++)
            if ((rc = vx_results_add(res, part[f].rows[i].feature, part[f].rows[i].agg, part[f].rows[i].value)))
                vx_error_set(err, rc, "out of memory merging the rows of the families");
        if (f < VX_FAM_COUNT)
            vx_results_free(&part[f]);
    }
    return rc;
}

/* The families of the settings on one ROI (families: the bits to compute), their rows stamped with the
 * results' current image type. With a slice axis other than z the families asked for under a 2D or 2.5D
 * aggregation run on the ROI permuted into that axis' planes (roi_permuted; their 3D aggregations do not
 * depend on the axis order), the others on roi. With more than one thread worth using (case_threads) and
 * several families, the families run in parallel; a single family uses the threads inside. */
static int run_families(const vx_roi *roi, const vx_settings *s, unsigned families, vx_results *res, vx_error *err)
{
    int rc = VX_OK;
    vx_feature_settings fs = s->features;
    fs.compat = s->compat;
    fs.threads = case_threads(roi, &fs, families);
    const unsigned planar = fs.slice_axis != VX_SLICE_Z ? planar_families(families, fs.aggregations) : 0;
    vx_roi proi;
    if (planar && (rc = roi_permuted(roi, fs.slice_axis, &proi, err)) != VX_OK)
        return rc;
    if (fs.threads > 1 && (families & (families - 1u)))
        rc = run_families_parallel(roi, &proi, planar, s, fs, families, fs.threads, res, err);
    else
        for (int f = 0; rc == VX_OK && f < VX_FAM_COUNT; f++)
            if (families & (1u << f))
                rc = run_family(f, planar & (1u << f) ? &proi : roi, roi, s, &fs, res, err);
    if (planar)
        vx_roi_free(&proi);
    return rc;
}

int vx_extract_run_families(const vx_roi *roi, const vx_settings *s, unsigned families, vx_results *res,
                            vx_error *err)
{
    return run_families(roi, s, families, res, err);
}

/* Filter f with its 2D planes perpendicular to the settings' slice axis (features.slice_axis). */
static vx_filter_spec oriented(const vx_filter_spec *f, const vx_settings *s)
{
    vx_filter_spec g = *f;
    g.slice_axis = s->features.slice_axis;
    return g;
}

/* Radius in mm of the local-intensity peak sphere (the families read intensities this far around the ROI). */
static double peak_radius_mm(const vx_settings *s)
{
    return cbrt(3.0 * s->features.peak_volume_cc * 1000.0 / (4.0 * VX_PI));
}

/* Voxel spacing of the processed grid: the resampling spacing where set, else the image's. */
static void processed_spacing(const vx_image *img, const vx_settings *s, double sp[3])
{
    for (int a = 0; a < 3; a++)
        sp[a] = isnan(s->resample_spacing[a]) ? img->geom.spacing[a] : s->resample_spacing[a];
}

/* Intensities kept around the ROI box (mm): the local-intensity peak sphere's radius plus the largest reach of
 * the filters on the processed grid, so that every response voxel the families read is exact (the filters'
 * padding then acts only where the box meets the image border); a global filter keeps the whole image. */
double vx_extract_margin_mm(const vx_image *img, const vx_settings *s)
{
    const double peak = peak_radius_mm(s);
    double sp[3], reach_mm = 0.0;
    processed_spacing(img, s, sp);
    for (int i = 0; i < s->n_filters; i++) {
        size_t reach[3];
        const vx_filter_spec f = oriented(&s->filters[i].filter, s);
        vx_filter_reach(&f, sp, reach);
        for (int a = 0; a < 3; a++) {
            if (reach[a] == SIZE_MAX)
                return 1e12; /* the whole grid (1e12 mm: beyond any valid image, and ceil(1e12 / 1e-6) fits a size_t) */
            reach_mm = fmax(reach_mm, (double)reach[a] * sp[a]);
        }
    }
    return peak + reach_mm;
}

/* The part of base (the ROI built with the largest margin of all image types) that filter f needs: the ROI box
 * plus the local-intensity radius plus f's reach along each axis, within base; its own copies of the
 * intensities and masks (*owned = 1), or base itself when that is all of it (*owned = 0).
 * Periodic padding reads the far side of the image where the reach crosses the image border: base, a crop,
 * lacks it, so then *wrap = 1 and nothing is made (the caller filters a ROI of the whole image instead). base
 * was built with at least this margin wherever the image allowed, so a shorter margin means the border. */
static int roi_part(const vx_roi *base, const vx_filter_spec *f, const vx_settings *s, vx_roi *part, int *owned,
                    int *wrap)
{
    const double peak = peak_radius_mm(s);
    size_t reach[3], lo[3], hi[3], d[3];
    const vx_filter_spec fo = oriented(f, s);
    vx_filter_reach(&fo, base->spacing, reach);
    int whole = 1;
    for (int a = 0; a < 3; a++) {
        const size_t m = reach[a] == SIZE_MAX ? SIZE_MAX : reach[a] + (size_t)ceil(peak / base->spacing[a]) + 1;
        lo[a] = m == SIZE_MAX || base->box_lo[a] < m ? 0 : base->box_lo[a] - m;
        hi[a] = m == SIZE_MAX || base->dims[a] - base->box_hi[a] < m ? base->dims[a] : base->box_hi[a] + m;
        d[a] = hi[a] - lo[a];
        whole = whole && d[a] == base->dims[a];
        if (f->pad == VX_PAD_PERIODIC && reach[a] > 0 && m != SIZE_MAX &&
            (base->box_lo[a] < m || base->dims[a] - base->box_hi[a] < m))
            *wrap = 1;
    }
    *owned = 0;
    *part = *base;
    if (*wrap)
        return VX_OK;
    if (whole)
        return VX_OK;
    const size_t n = d[0] * d[1] * d[2];
    float *img = malloc(n * sizeof *img);
    uint8_t *im = malloc(n), *mm = malloc(n);
    if (!img || !im || !mm) {
        free(img);
        free(im);
        free(mm);
        return VX_ENOMEM;
    }
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++) {
            const size_t src = lo[0] + base->dims[0] * ((lo[1] + y) + base->dims[1] * (lo[2] + z));
            const size_t dst = d[0] * (y + d[1] * z);
            memcpy(img + dst, base->img + src, d[0] * sizeof *img);
            memcpy(im + dst, base->imask + src, d[0]);
            memcpy(mm + dst, base->mmask + src, d[0]);
        }
    for (int a = 0; a < 3; a++) {
        part->dims[a] = d[a];
        part->box_lo[a] = base->box_lo[a] - lo[a];
        part->box_hi[a] = base->box_hi[a] - lo[a];
    }
    part->img = img;
    part->imask = im;
    part->mmask = mm;
    part->grey = NULL;
    part->ivh = NULL;
    *owned = 1;
    return VX_OK;
}

static void roi_part_free(vx_roi *part)
{
    free((void *)part->img);
    free((void *)part->imask);
    free((void *)part->mmask);
}

static int filter_part(const vx_image_type_settings *t, const vx_roi *base, const vx_settings *s, vx_fft_cache *fft,
                       vx_results *res, vx_error *err);

/* One filtered image type (IBSI 2): the filter's response map of the processed intensities of base, on the
 * part of its grid the filter needs (roi_part), then every requested family but morphology (a property of the
 * mask, computed once). */
static int extract_filter(const vx_image_type_settings *t, const vx_roi *base, const vx_image *img,
                          const vx_image *mask, const vx_settings *s, vx_fft_cache *fft, vx_results *res,
                          vx_error *err)
{
    int rc = vx_results_set_image_type(res, t->name);
    if (rc != VX_OK)
        return vx_error_set(err, rc, "image type '%s': %s", t->name,
                            rc == VX_ENOMEM ? "out of memory" : "not a valid name (one word, no comma or quote)");
    vx_roi part; /* the part of base this filter needs */
    int owned = 0, wrap = 0;
    rc = roi_part(base, &t->filter, s, &part, &owned, &wrap);
    if (rc != VX_OK)
        return vx_error_set(err, rc, "image type '%s': out of memory for the ROI box", t->name);
    if (wrap) { /* periodic padding across the image border: the ROI of the whole processed image */
        const vx_roi_request all = {1e12};
        rc = vx_roi_build(img, mask, s, &all, &part, NULL, err);
        if (rc == VX_OK)
            rc = filter_part(t, &part, s, fft, res, err);
        vx_roi_free(&part);
        return rc;
    }
    rc = filter_part(t, &part, s, fft, res, err);
    if (owned)
        roi_part_free(&part);
    return rc;
}

/* extract_filter on the part of the ROI the filter needs */
static int filter_part(const vx_image_type_settings *t, const vx_roi *base, const vx_settings *s, vx_fft_cache *fft,
                       vx_results *res, vx_error *err)
{
    int rc;
    const size_t n = base->dims[0] * base->dims[1] * base->dims[2];
    double *in = calloc(n ? n : 1, sizeof *in), *out = malloc(n * sizeof *out);
    float *map = malloc(n * sizeof *map);
    if (!in || !out || !map) {
        free(in);
        free(out);
        free(map);
        return vx_error_set(err, VX_ENOMEM, "image type '%s': out of memory for a %zux%zux%zu response map", t->name,
                            base->dims[0], base->dims[1], base->dims[2]);
    }
    for (size_t i = 0; i < n; i++)
        in[i] = base->img[i];
    const vx_filter_spec f = oriented(&t->filter, s);
    rc = vx_filter_apply(fft, &f, in, base->dims, base->spacing, out, err);
    free(in);
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        map[i] = (float)out[i];
        if (base->imask[i] && !isfinite(map[i]))
            rc = vx_error_set(err, VX_ENAN, "image type '%s': the response map is not finite inside the ROI (%g); "
                              "check the filter's parameters",
                              t->name, (double)map[i]);
    }
    free(out);
    if (rc != VX_OK) {
        free(map);
        vx_error_prefix(err, "image type '%s': ", t->name);
        return rc;
    }
    const unsigned families = s->features.families & ~(1u << VX_FAM_MORPH);
    /* without its own discretisation a response map takes the top-level method and bin width or count, but
     * not its lower bound `min` (a value in the image's units; PyRadiomics' binMinimum, compat pyradiomics,
     * applies to every image type as in PyRadiomics) */
    vx_discretisation tex = t->own_texture_disc ? t->texture_disc : s->texture_disc;
    vx_discretisation ivh = t->own_ivh_disc ? t->ivh_disc : s->ivh_disc;
    if (!t->own_texture_disc && s->compat != VX_COMPAT_PYRADIOMICS)
        tex.min_value = NAN;
    if (!t->own_ivh_disc)
        ivh.min_value = NAN;
    vx_roi roi;
    rc = vx_roi_derive(base, map, s, &tex, &ivh, families, &roi, err);
    roi.fft = fft;
    if (rc == VX_OK)
        rc = run_families(&roi, s, families, res, err);
    else
        vx_error_prefix(err, "image type '%s': ", t->name);
    vx_roi_free_derived(&roi);
    return rc;
}

/* Append the rows of part (one filter's, of one image type) to res under that image type's name. */
static int merge_rows(const vx_results *part, vx_results *res)
{
    for (size_t k = 0; k < part->n; k++) {
        const vx_result_row *r = &part->rows[k];
        int rc = vx_results_set_image_type(res, vx_results_image_type_name(part, r->image_type));
        if (rc == VX_OK)
            rc = vx_results_add(res, r->feature, r->agg, r->value);
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}

/* The filters' image types, in parallel over the filters (features.threads; each filter into its own result
 * set, merged in the settings' order, so the rows do not depend on the thread count; the families inside
 * then run on one thread each). */
static int extract_filters(const vx_roi *roi, const vx_image *img, const vx_image *mask, const vx_settings *s,
                           vx_fft_cache *fft, vx_results *res, vx_error *err)
{
    const int n = s->n_filters;
    vx_results *part = calloc((size_t)n, sizeof *part);
    vx_error *perr = calloc((size_t)n, sizeof *perr);
    int *prc = calloc((size_t)n, sizeof *prc);
    if (!part || !perr || !prc) {
        free(part);
        free(perr);
        free(prc);
        return vx_error_set(err, VX_ENOMEM, "out of memory for the results of %d filters", n);
    }
    const int nt = s->features.threads > 0 ? s->features.threads : 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nt > 1 && n > 1)
    for (int i = 0; i < n; i++) {
        vx_results_init(&part[i]);
        prc[i] = extract_filter(&s->filters[i], roi, img, mask, s, fft, &part[i], &perr[i]);
    }
    int rc = VX_OK;
    for (int i = 0; i < n; i++) {
        if (rc == VX_OK && prc[i] != VX_OK) {
            rc = prc[i];
            if (err)
                *err = perr[i];
        }
        if (rc == VX_OK && (rc = merge_rows(&part[i], res)) != VX_OK)
            vx_error_set(err, rc, "out of memory merging the rows of image type '%s'", s->filters[i].name);
        vx_results_free(&part[i]);
    }
    free(part);
    free(perr);
    free(prc);
    return rc;
}

/* Every image type of the settings in output order: the original image (unless image_types.original is
 * false), then each filter's response map. The processed ROI is built once, with the margin the filters and
 * the local-intensity family need. */
static int extract_image_types(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_fft_cache *fft,
                               vx_image **release, vx_results *res, vx_error *err)
{
    const vx_roi_request req = {vx_extract_margin_mm(img, s)};
    vx_roi roi;
    vx_roi_diag diag;
    int rc = vx_roi_build(img, mask, s, &req, &roi, s->diagnostics ? &diag : NULL, err);
    roi.fft = fft;
    if (release && s->n_filters == 0) { /* nothing reads the image and the mask after the ROI (extract_filter may) */
        vx_image_free(release[0]);
        vx_image_free(release[1]);
        release[0] = release[1] = NULL;
        img = mask = NULL;
    }
    res->image_type = VX_IMAGE_ORIGINAL;
    if (rc == VX_OK && s->diagnostics)
        rc = add_diagnostics(&diag, res);
    if (rc == VX_OK && s->image_original)
        rc = run_families(&roi, s, s->features.families, res, err);
    if (rc == VX_OK && s->n_filters > 0)
        rc = extract_filters(&roi, img, mask, s, fft, res, err);
    vx_roi_free(&roi);
    return rc;
}

static int extract_processed(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_image **release,
                             vx_results *res, vx_error *err)
{
    /* one FFT plan cache for every image type of the case (Moran's I; the filters) */
    vx_fft_cache *fft = NULL;
    int rc = vx_fft_cache_new(&fft, err);
    const vx_image_type before = res->image_type;
    if (rc == VX_OK)
        rc = extract_image_types(img, mask, s, fft, release, res, err);
    res->image_type = before;
    vx_fft_cache_free(fft);
    if (rc == VX_OK)
        vx_results_sort(res);
    return rc;
}

/* compat pyradiomics: PyRadiomics' processing of the whole image first (vx_pyrad_prepare: mask geometry,
 * normalisation, resampling, ROI checks), then the ROI on the processed grid without further interpolation. */
static int extract_pyradiomics(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_results *res,
                               vx_error *err)
{
    vx_image *pimg = NULL, *pmask = NULL;
    int rc = vx_pyrad_prepare(img, mask, s, &pimg, &pmask, err);
    if (rc != VX_OK)
        return rc;
    vx_settings *ps = malloc(sizeof *ps);
    if (!ps)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory for the settings");
    if (rc == VX_OK) {
        *ps = *s;
        for (int a = 0; a < 3; a++)
            ps->resample_spacing[a] = NAN; /* resampled already, on PyRadiomics' grid */
        rc = extract_processed(pimg ? pimg : img, pmask ? pmask : mask, ps, NULL, res, err);
    }
    free(ps);
    vx_image_free(pimg);
    vx_image_free(pmask);
    return rc;
}

/* vx_extract; release (NULL, or the caller's image and mask, which it hands over): freed and set NULL once the
 * processed ROI is built when nothing reads them later (IBSI mode, no filter), else left to the caller. */
static int extract(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_image **release,
                   vx_results *res, vx_error *err)
{
    int rc = check_settings(s, err);
    if (rc == VX_OK) /* spacing bounds and orthogonal axes: a 1e-30 mm spacing never reaches the families */
        rc = vx_geometry_validate(&img->geom, "image", NULL, err);
    if (rc == VX_OK && s->compat == VX_COMPAT_PYRADIOMICS)
        return extract_pyradiomics(img, mask, s, res, err);
    if (rc == VX_OK)
        rc = vx_geometry_check(&img->geom, &mask->geom, err);
    return rc == VX_OK ? extract_processed(img, mask, s, release, res, err) : rc;
}

int vx_extract(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_results *res, vx_error *err)
{
    return extract(img, mask, s, NULL, res, err);
}

int vx_extract_release(vx_image **img, vx_image **mask, const vx_settings *s, vx_results *res, vx_error *err)
{
    vx_image *own[2] = {*img, *mask};
    int rc = extract(*img, *mask, s, own, res, err);
    *img = own[0];
    *mask = own[1];
    return rc;
}
