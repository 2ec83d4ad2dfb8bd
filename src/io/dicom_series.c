/* voxomics: a DICOM image series -> vx_image (see include/voxomics/dicom.h for the rules).
 *
 * Two passes: the first parses every file and keeps one record per frame (file, frame, position, orientation,
 * spacing, rescale); the second decodes the frames of the selected series, in position order, straight into
 * the volume. Single-frame series and enhanced multi-frame objects share one path: a frame's attributes come
 * from its Per-Frame Functional Group, else the Shared Functional Group, else the top-level data set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "voxomics/dicom.h"
#include "voxomics/io.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dicom.h"
#include "dirlist.h"

enum {
    TAG_SERIES_DESCRIPTION = 0x0008103E,
    TAG_SERIES_DATE = 0x00080021,
    TAG_SERIES_TIME = 0x00080031,
    TAG_ACQUISITION_TIME = 0x00080032,
    TAG_PATIENT_WEIGHT = 0x00101030,
    TAG_RADIOPHARM_START_TIME = 0x00181072,
    TAG_RADIOPHARM_START_DATETIME = 0x00181078,
    TAG_TOTAL_DOSE = 0x00181074,
    TAG_HALF_LIFE = 0x00181075,
    TAG_RADIOPHARM_SEQ = 0x00540016,
    TAG_UNITS = 0x00541001,
    TAG_DECAY_CORRECTION = 0x00541102,
    TAG_PIXEL_VALUE_TRANSFORM_SEQ = 0x00289145,
};

void vx_dicom_options_default(vx_dicom_options *o)
{
    o->series_uid = NULL;
    o->suv = 1;
}

typedef struct frame_rec {
    size_t file;  /* index into the path list */
    size_t frame; /* frame within the file */
    double pos[3], iop[6], ps[2];
    double slope, intercept;
    double proj; /* position along the normal */
} frame_rec;

typedef struct series_rec {
    char uid[65];
    char modality[17];
    char description[65];
    size_t nframes;
} series_rec;

static int skip_modality(const char *m)
{
    static const char *skip[] = {"SEG", "RTSTRUCT", "RTPLAN", "RTDOSE", "RTRECORD", "SR", "PR", "KO", "REG"};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (!strcmp(m, skip[i]))
            return 1;
    return 0;
}

typedef struct scan {
    frame_rec *fr;
    size_t n, cap;
    series_rec *se;
    size_t nse, capse;
    size_t skipped;
} scan;

static int add_series(scan *sc, const char *uid, const char *modality, const char *desc, size_t *idx)
{
    for (size_t i = 0; i < sc->nse; i++)
        if (!strcmp(sc->se[i].uid, uid)) {
            *idx = i;
            return VX_OK;
        }
    if (sc->nse == sc->capse) {
        size_t nc = sc->capse ? sc->capse * 2 : 4;
        series_rec *s = realloc(sc->se, nc * sizeof *s);
        if (!s)
            return VX_ENOMEM;
        sc->se = s;
        sc->capse = nc;
    }
    series_rec *s = &sc->se[sc->nse];
    memset(s, 0, sizeof *s);
    snprintf(s->uid, sizeof s->uid, "%s", uid);
    snprintf(s->modality, sizeof s->modality, "%s", modality);
    snprintf(s->description, sizeof s->description, "%s", desc);
    *idx = sc->nse++;
    return VX_OK;
}

/* First pass over one parsed file: one record per frame. */
static int scan_file(scan *sc, const vx_dcm_file *f, size_t file_idx, const char *want_uid, vx_error *err)
{
    const vx_dcm_ds *ds = &f->ds;
    char modality[17], uid[65], desc[65];
    vx_dcm_str(ds, VX_DCM_MODALITY, modality, sizeof modality);
    if (skip_modality(modality) || (!vx_dcm_find(ds, VX_DCM_PIXEL_DATA) && !vx_dcm_find(ds, VX_DCM_FLOAT_PIXEL_DATA) &&
                                    !vx_dcm_find(ds, VX_DCM_DOUBLE_PIXEL_DATA))) {
        sc->skipped++;
        return VX_OK;
    }
    vx_dcm_str(ds, VX_DCM_SERIES_UID, uid, sizeof uid);
    vx_dcm_str(ds, TAG_SERIES_DESCRIPTION, desc, sizeof desc);
    size_t sidx;
    if (add_series(sc, uid, modality, desc, &sidx) != VX_OK)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", f->name);
    if (want_uid && strcmp(uid, want_uid) != 0) {
        sc->skipped++;
        return VX_OK;
    }
    vx_dcm_pixfmt pf;
    size_t nframes;
    int rc = vx_dcm_pixfmt_read(f, &pf, &nframes, err);
    if (rc != VX_OK)
        return rc;
    for (size_t k = 0; k < nframes; k++) {
        if (sc->n == sc->cap) {
            size_t nc = sc->cap ? sc->cap * 2 : 64;
            frame_rec *r = realloc(sc->fr, nc * sizeof *r);
            if (!r)
                return vx_error_set(err, VX_ENOMEM, "%s: out of memory", f->name);
            sc->fr = r;
            sc->cap = nc;
        }
        frame_rec *r = &sc->fr[sc->n];
        memset(r, 0, sizeof *r);
        r->file = file_idx;
        r->frame = k;
        if (vx_dcm_frame_nums(ds, k, VX_DCM_PLANE_POSITION_SEQ, VX_DCM_IMAGE_POSITION, r->pos, 3) != 3)
            return vx_error_set(err, VX_EFORMAT,
                                "%s: frame %zu has no ImagePositionPatient (0020,0032): cannot place the slice",
                                f->name, k + 1);
        if (vx_dcm_frame_nums(ds, k, VX_DCM_PLANE_ORIENTATION_SEQ, VX_DCM_IMAGE_ORIENTATION, r->iop, 6) != 6)
            return vx_error_set(err, VX_EFORMAT, "%s: frame %zu has no ImageOrientationPatient (0020,0037)", f->name,
                                k + 1);
        if (vx_dcm_frame_nums(ds, k, VX_DCM_PIXEL_MEASURES_SEQ, VX_DCM_PIXEL_SPACING, r->ps, 2) != 2)
            return vx_error_set(err, VX_EFORMAT, "%s: frame %zu has no PixelSpacing (0028,0030)", f->name, k + 1);
        for (int j = 0; j < 2; j++)
            if (!isfinite(r->ps[j]) || !(r->ps[j] >= VX_SPACING_MIN_MM && r->ps[j] <= VX_SPACING_MAX_MM))
                return vx_error_set(err, VX_EGEOMETRY, "%s: PixelSpacing (0028,0030) %g\\%g: a spacing must be finite "
                                    "and within [%g, %g] mm", f->name, r->ps[0], r->ps[1], VX_SPACING_MIN_MM,
                                    VX_SPACING_MAX_MM);
        r->slope = 1.0;
        r->intercept = 0.0;
        vx_dcm_frame_nums(ds, k, TAG_PIXEL_VALUE_TRANSFORM_SEQ, VX_DCM_RESCALE_SLOPE, &r->slope, 1);
        vx_dcm_frame_nums(ds, k, TAG_PIXEL_VALUE_TRANSFORM_SEQ, VX_DCM_RESCALE_INTERCEPT, &r->intercept, 1);
        sc->n++;
        sc->se[sidx].nframes++;
    }
    return VX_OK;
}

static int cmp_proj(const void *a, const void *b)
{
    const frame_rec *x = a, *y = b;
    if (x->proj != y->proj)
        return x->proj < y->proj ? -1 : 1;
    return x->file != y->file ? (x->file < y->file ? -1 : 1) : (x->frame < y->frame ? -1 : x->frame > y->frame);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double dot3(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Seconds since midnight from a DICOM TM (HHMMSS.FFFFFF, also HH:MM:SS); -1 when unreadable. */
static double tm_seconds(const char *s)
{
    char d[16];
    size_t n = 0;
    for (const char *p = s; *p && n < 6; p++)
        if (*p >= '0' && *p <= '9')
            d[n++] = *p;
        else if (*p == '.')
            break;
    if (n < 4)
        return -1;
    while (n < 6)
        d[n++] = '0';
    double h = (d[0] - '0') * 10 + (d[1] - '0'), m = (d[2] - '0') * 10 + (d[3] - '0'),
           sec = (d[4] - '0') * 10 + (d[5] - '0');
    const char *dot = strchr(s, '.');
    double frac = dot ? strtod(dot, NULL) : 0.0;
    if (h > 23 || m > 59 || sec > 60)
        return -1;
    return h * 3600 + m * 60 + sec + frac;
}

/* PET SUV body weight (PS3.3 C.8.9.1; the decay-to-series-start convention of the Quantitative Imaging
 * Biomarkers Alliance's SUV profile): SUVbw = C [Bq/ml] * weight [g] / (dose [Bq] * 2^(-dt / half-life)). */
static void pet_suv(const vx_dcm_ds *ds, vx_dicom_info *info)
{
    char units[17], decay[17], series_time[32], start[32];
    vx_dcm_str(ds, TAG_UNITS, units, sizeof units);
    vx_dcm_str(ds, TAG_DECAY_CORRECTION, decay, sizeof decay);
    double weight = 0, dose = 0, half = 0;
    size_t nr;
    const vx_dcm_ds *rp = vx_dcm_seq(ds, TAG_RADIOPHARM_SEQ, &nr);
    if (strcasecmp(units, "BQML") != 0) {
        snprintf(info->note, sizeof info->note, "PET values kept as stored: Units is '%s', not BQML", units);
        return;
    }
    if (vx_dcm_num(ds, TAG_PATIENT_WEIGHT, &weight) || !(weight > 0) || !rp || vx_dcm_num(rp, TAG_TOTAL_DOSE, &dose) ||
        !(dose > 0) || vx_dcm_num(rp, TAG_HALF_LIFE, &half) || !(half > 0)) {
        snprintf(info->note, sizeof info->note,
                 "PET values kept in Bq/ml: PatientWeight, RadionuclideTotalDose or RadionuclideHalfLife missing");
        return;
    }
    double dt = 0;
    if (strcasecmp(decay, "START") == 0) {
        vx_dcm_str(ds, TAG_SERIES_TIME, series_time, sizeof series_time);
        if (vx_dcm_str(rp, TAG_RADIOPHARM_START_TIME, start, sizeof start) != 0 || !start[0]) {
            char dtm[40];
            vx_dcm_str(rp, TAG_RADIOPHARM_START_DATETIME, dtm, sizeof dtm);
            snprintf(start, sizeof start, "%s", strlen(dtm) > 8 ? dtm + 8 : "");
        }
        double ts = tm_seconds(series_time), t0 = tm_seconds(start);
        if (ts < 0 || t0 < 0) {
            snprintf(info->note, sizeof info->note,
                     "PET values kept in Bq/ml: SeriesTime or RadiopharmaceuticalStartTime missing");
            return;
        }
        dt = ts - t0;
        if (dt < 0)
            dt += 86400.0; /* injection before midnight */
    } else if (strcasecmp(decay, "ADMIN") != 0) {
        snprintf(info->note, sizeof info->note, "PET values kept in Bq/ml: DecayCorrection '%s' is not START or ADMIN",
                 decay);
        return;
    }
    double decayed = dose * exp2(-dt / half);
    info->suv_applied = 1;
    info->suv_factor = weight * 1000.0 / decayed;
    snprintf(info->note, sizeof info->note,
             "PET converted to SUVbw: weight %g kg, dose %g Bq decayed over %.0f s (half-life %g s), factor %.6g",
             weight, dose, dt, half, info->suv_factor);
}

static int series_list_error(const scan *sc, const char *want, vx_error *err)
{
    char list[600];
    size_t off = 0;
    list[0] = '\0';
    for (size_t i = 0; i < sc->nse && off < sizeof list - 1; i++) {
        int w = snprintf(list + off, sizeof list - off, "%s%s (%s, '%s', %zu frames)", i ? "; " : "", sc->se[i].uid,
                         sc->se[i].modality, sc->se[i].description, sc->se[i].nframes);
        if (w < 0)
            break;
        off += (size_t)w < sizeof list - off ? (size_t)w : sizeof list - off - 1;
    }
    if (want)
        return vx_error_set(err, VX_EINVAL, "series %s not found; series present: %s", want, list);
    return vx_error_set(err, VX_EINVAL, "%zu image series found, choose one by its SeriesInstanceUID: %s", sc->nse,
                        list);
}

/* Check the sorted frames and build the geometry. */
static int build_geometry(const frame_rec *fr, size_t n, const char *const *paths, unsigned rows, unsigned cols,
                          const double *normal, double thickness, vx_geometry *g, vx_error *err)
{
    const frame_rec *a = &fr[0];
    for (size_t i = 1; i < n; i++) {
        const frame_rec *b = &fr[i];
        for (int j = 0; j < 6; j++)
            if (fabs(a->iop[j] - b->iop[j]) > 1e-4)
                return vx_error_set(err, VX_EGEOMETRY,
                                    "%s and %s have different ImageOrientationPatient: not one volume", paths[a->file],
                                    paths[b->file]);
        if (fabs(a->ps[0] - b->ps[0]) > 1e-4 * a->ps[0] || fabs(a->ps[1] - b->ps[1]) > 1e-4 * a->ps[1])
            return vx_error_set(err, VX_EGEOMETRY, "%s and %s have different PixelSpacing (%g\\%g vs %g\\%g)",
                                paths[a->file], paths[b->file], a->ps[0], a->ps[1], b->ps[0], b->ps[1]);
    }
    double r[3] = {a->iop[0], a->iop[1], a->iop[2]}, c[3] = {a->iop[3], a->iop[4], a->iop[5]};
    double nr = sqrt(dot3(r, r)), nc = sqrt(dot3(c, c));
    double gap = 0;
    if (n > 1) {
        double *gaps = malloc((n - 1) * sizeof *gaps);
        if (!gaps)
            return vx_error_set(err, VX_ENOMEM, "out of memory");
        for (size_t i = 0; i + 1 < n; i++)
            gaps[i] = fr[i + 1].proj - fr[i].proj;
        qsort(gaps, n - 1, sizeof *gaps, cmp_double);
        gap = gaps[(n - 1) / 2];
        free(gaps);
        double tol = fmax(0.01, 0.01 * gap);
        for (size_t i = 0; i + 1 < n; i++) {
            const frame_rec *p = &fr[i], *q = &fr[i + 1];
            double d = q->proj - p->proj;
            if (d <= tol)
                return vx_error_set(err, VX_EFORMAT,
                                    "%s and %s are at the same slice position (%.4g mm along the normal): duplicate "
                                    "slices or several acquisitions in one series",
                                    paths[p->file], paths[q->file], p->proj);
            if (fabs(d - gap) > tol) {
                double m = d / gap;
                if (fabs(m - round(m)) <= 0.05 && m >= 1.5)
                    return vx_error_set(err, VX_EFORMAT,
                                        "missing slice%s: a %.4g mm gap between %s and %s where the series has %.4g "
                                        "mm (about %.0f slice%s missing)",
                                        round(m) > 2 ? "s" : "", d, paths[p->file], paths[q->file], gap,
                                        round(m) - 1, round(m) > 2 ? "s" : "");
                return vx_error_set(err, VX_EFORMAT,
                                    "unevenly spaced slices: %.4g mm between %s and %s, median gap %.4g mm", d,
                                    paths[p->file], paths[q->file], gap);
            }
            double delta[3] = {q->pos[0] - p->pos[0], q->pos[1] - p->pos[1], q->pos[2] - p->pos[2]};
            double along = dot3(delta, normal);
            double off[3] = {delta[0] - along * normal[0], delta[1] - along * normal[1], delta[2] - along * normal[2]};
            if (sqrt(dot3(off, off)) > fmax(0.01, 0.01 * gap))
                return vx_error_set(err, VX_EUNSUPPORTED,
                                    "slice positions of %s and %s are shifted in-plane by %.3g mm (gantry tilt or "
                                    "sheared volume): resample the series first",
                                    paths[p->file], paths[q->file], sqrt(dot3(off, off)));
        }
    }
    vx_geometry_default(g, cols, rows, n);
    g->spacing[0] = a->ps[1];
    g->spacing[1] = a->ps[0];
    if (n == 1) { /* one slice: its thickness is the slice spacing; never a silent 1 mm */
        if (!isfinite(thickness) || !(thickness >= VX_SPACING_MIN_MM && thickness <= VX_SPACING_MAX_MM))
            return vx_error_set(err, VX_EGEOMETRY,
                                "%s: a single slice without a valid SpacingBetweenSlices (0018,0088) or SliceThickness "
                                "(0018,0050) (%g): the slice thickness is unknown, so volumes would be wrong",
                                paths[a->file], thickness);
        gap = thickness;
    }
    g->spacing[2] = gap;
    for (int i = 0; i < 3; i++) {
        g->origin[i] = a->pos[i];
        g->direction[3 * i + 0] = r[i] / nr;
        g->direction[3 * i + 1] = c[i] / nc;
        g->direction[3 * i + 2] = normal[i];
    }
    /* spacing bounds; row and column cosines orthogonal (a sheared ImageOrientationPatient is refused) */
    return vx_geometry_validate(g, paths[a->file], "ImageOrientationPatient / PixelSpacing", err);
}

/* First pass: read every file's header and collect the frames of the one series (skipping non-DICOM files in a
 * folder); first_file is the first file with a frame of it. */
static int scan_files(const char *const *paths, size_t np, int from_dir, const vx_dicom_options *opt, scan *sc,
                      size_t *first_file, vx_error *err)
{
    int rc = VX_OK;
    for (size_t i = 0; i < np && rc == VX_OK; i++) {
        vx_dcm_file f;
        vx_error e2;
        vx_error_clear(&e2);
        rc = vx_dcm_read(paths[i], &f, &e2);
        if (rc != VX_OK) {
            /* in a folder, files that are not DICOM at all are skipped; a broken DICOM file is an error */
            if (from_dir && rc == VX_EFORMAT && !vx_dicom_is_file(paths[i])) {
                sc->skipped++;
                rc = VX_OK;
                continue;
            }
            vx_error_set(err, rc, "%s", e2.msg);
            break;
        }
        size_t before = sc->n;
        rc = scan_file(sc, &f, i, opt->series_uid, err);
        if (rc == VX_OK && sc->n > before && *first_file == (size_t)-1)
            *first_file = i;
        vx_dcm_free(&f);
    }
    if (rc == VX_OK && sc->nse == 0)
        rc = vx_error_set(err, VX_EFORMAT, "%s: no DICOM image found%s", np ? paths[0] : "(no files)",
                          sc->skipped ? " (only non-image or non-DICOM files)" : "");
    if (rc == VX_OK && !opt->series_uid && sc->nse > 1)
        rc = series_list_error(sc, NULL, err);
    if (rc == VX_OK && sc->n == 0)
        rc = series_list_error(sc, opt->series_uid, err);
    return rc;
}

/* Second pass: decode each file once, its frames (rescaled, SUV applied) into their slices of img. */
static int decode_slices(const char *const *paths, const scan *sc, size_t first_file, const vx_dcm_pixfmt *pf0,
                         const vx_dicom_info *info, vx_image *img, double *buf, vx_error *err)
{
    int rc = VX_OK;
    vx_dcm_file f;
    size_t npix = (size_t)pf0->rows * pf0->cols;
    char *done = calloc(sc->n, 1);
    if (!done)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t s = 0; rc == VX_OK && s < sc->n; s++) {
        if (done[s])
            continue;
        rc = vx_dcm_read(paths[sc->fr[s].file], &f, err);
        if (rc != VX_OK)
            break;
        vx_dcm_pixfmt pf;
        size_t nf;
        rc = vx_dcm_pixfmt_read(&f, &pf, &nf, err);
        if (rc == VX_OK && (pf.rows != pf0->rows || pf.cols != pf0->cols))
            rc = vx_error_set(err, VX_EGEOMETRY, "%s is %ux%u pixels but %s is %ux%u: not one volume", f.name, pf.cols,
                              pf.rows, paths[first_file], pf0->cols, pf0->rows);
        for (size_t t = s; rc == VX_OK && t < sc->n; t++) {
            if (sc->fr[t].file != sc->fr[s].file)
                continue;
            rc = vx_dcm_frame(&f, &pf, nf, sc->fr[t].frame, buf, err);
            if (rc != VX_OK)
                break;
            float *dst = img->v + t * npix;
            double sl = sc->fr[t].slope, ic = sc->fr[t].intercept, sf = info->suv_applied ? info->suv_factor : 1.0;
            for (size_t i = 0; i < npix; i++)
                dst[i] = (float)((buf[i] * sl + ic) * sf);
            done[t] = 1;
        }
        vx_dcm_free(&f);
    }
    free(done);
    return rc;
}

static int read_series(const char *const *paths, size_t np, int from_dir, const vx_dicom_options *opt,
                       vx_image **out, vx_dicom_info *info, vx_error *err)
{
    scan sc;
    memset(&sc, 0, sizeof sc);
    size_t first_file = (size_t)-1;
    int rc = scan_files(paths, np, from_dir, opt, &sc, &first_file, err);
    if (rc != VX_OK) {
        free(sc.fr);
        free(sc.se);
        return rc;
    }

    /* sort by position along the normal of the first frame */
    const double *iop = sc.fr[0].iop;
    double r[3] = {iop[0], iop[1], iop[2]}, c[3] = {iop[3], iop[4], iop[5]};
    double nrm[3] = {r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]};
    double len = sqrt(dot3(nrm, nrm));
    if (!(len > 0.5))
        rc = vx_error_set(err, VX_EFORMAT, "%s: ImageOrientationPatient row and column cosines are not orthogonal",
                          paths[sc.fr[0].file]);
    for (int i = 0; i < 3; i++)
        nrm[i] /= len;
    for (size_t i = 0; i < sc.n; i++)
        sc.fr[i].proj = dot3(sc.fr[i].pos, nrm);
    qsort(sc.fr, sc.n, sizeof *sc.fr, cmp_proj);

    vx_dcm_file f;
    memset(&f, 0, sizeof f);
    vx_dcm_pixfmt pf0;
    size_t nf0 = 0;
    vx_geometry g;
    if (rc == VX_OK)
        rc = vx_dcm_read(paths[first_file], &f, err);
    if (rc == VX_OK)
        rc = vx_dcm_pixfmt_read(&f, &pf0, &nf0, err);
    {
        double thick = NAN; /* a single slice: SpacingBetweenSlices, else SliceThickness */
        if (rc == VX_OK && sc.n == 1 &&
            (vx_dcm_frame_nums(&f.ds, sc.fr[0].frame, VX_DCM_PIXEL_MEASURES_SEQ, VX_DCM_SPACING_BETWEEN_SLICES, &thick,
                               1) != 1 ||
             !(thick > 0)) &&
            vx_dcm_frame_nums(&f.ds, sc.fr[0].frame, VX_DCM_PIXEL_MEASURES_SEQ, VX_DCM_SLICE_THICKNESS, &thick, 1) != 1)
            thick = NAN;
        if (rc == VX_OK)
            rc = build_geometry(sc.fr, sc.n, paths, pf0.rows, pf0.cols, nrm, thick, &g, err);
    }
    if (rc == VX_OK) {
        memset(info, 0, sizeof *info);
        vx_dcm_str(&f.ds, VX_DCM_MODALITY, info->modality, sizeof info->modality);
        vx_dcm_str(&f.ds, VX_DCM_SERIES_UID, info->series_uid, sizeof info->series_uid);
        vx_dcm_str(&f.ds, VX_DCM_FRAME_OF_REF_UID, info->frame_of_reference_uid, sizeof info->frame_of_reference_uid);
        snprintf(info->transfer_syntax, sizeof info->transfer_syntax, "%s", f.ts);
        info->n_slices = sc.n;
        info->n_skipped = sc.skipped;
        info->suv_factor = 1.0;
        if (!strcmp(info->modality, "PT") && opt->suv)
            pet_suv(&f.ds, info);
    }
    vx_dcm_free(&f);

    vx_image *img = NULL;
    double *buf = NULL;
    if (rc == VX_OK) {
        img = vx_image_new(&g);
        buf = malloc((size_t)pf0.rows * pf0.cols * sizeof *buf);
        if (!img || !buf)
            rc = vx_error_set(err, VX_ENOMEM, "out of memory for a %ux%ux%zu volume", pf0.cols, pf0.rows, sc.n);
    }
    if (rc == VX_OK)
        rc = decode_slices(paths, &sc, first_file, &pf0, info, img, buf, err);
    free(buf);
    free(sc.fr);
    free(sc.se);
    if (rc != VX_OK) {
        vx_image_free(img);
        return rc;
    }
    *out = img;
    return VX_OK;
}

int vx_dicom_is_file(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) /* never open a fifo (it would block) */
        return 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    uint8_t b[132];
    size_t n = fread(b, 1, sizeof b, fp);
    fclose(fp);
    return vx_dcm_is_part10(b, n);
}

int vx_dicom_read_files(const char *const *paths, size_t n, const vx_dicom_options *opt, vx_image **out,
                        vx_dicom_info *info, vx_error *err)
{
    vx_dicom_options def;
    vx_dicom_info tmp;
    if (!opt) {
        vx_dicom_options_default(&def);
        opt = &def;
    }
    if (!info)
        info = &tmp;
    if (!out || (!paths && n))
        return vx_error_set(err, VX_EINVAL, "DICOM read: NULL argument");
    *out = NULL;
    return read_series(paths, n, 0, opt, out, info, err);
}

int vx_dicom_read(const char *path, const vx_dicom_options *opt, vx_image **out, vx_dicom_info *info, vx_error *err)
{
    vx_dicom_options def;
    vx_dicom_info tmp;
    if (!opt) {
        vx_dicom_options_default(&def);
        opt = &def;
    }
    if (!info)
        info = &tmp;
    if (!path || !out)
        return vx_error_set(err, VX_EINVAL, "DICOM read: NULL argument");
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return vx_error_set(err, VX_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return read_series(&path, 1, 0, opt, out, info, err);
    char **names = NULL;
    size_t n = 0;
    int rc = vx_dir_files(path, &names, &n, err);
    if (rc != VX_OK)
        return rc;
    /* a DICOMDIR indexes the folder; it is not part of the series */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(names[i], '/') + 1;
        if (strcasecmp(base, "DICOMDIR"))
            names[m++] = names[i];
        else
            free(names[i]);
    }
    n = m;
    if (n == 0)
        rc = vx_error_set(err, VX_EFORMAT, "%s: the folder holds no files", path);
    else /* name order only makes messages deterministic: slices sort by position */
        rc = read_series((const char *const *)names, n, 1, opt, out, info, err);
    vx_dir_free(names, n);
    return rc;
}
