/* voxomics: DICOM Segmentation objects (PS3.3 A.51, C.8.20): list segments, read one as a mask.
 *
 * Segment Sequence (0062,0002) describes the segments (SegmentNumber, SegmentLabel). Each frame belongs to one
 * segment (Per-Frame Functional Groups: Segment Identification Sequence (0062,000A) -> Referenced Segment
 * Number) and is placed by its Plane Position Sequence ImagePositionPatient; orientation and pixel spacing come
 * from the per-frame or shared Plane Orientation / Pixel Measures sequences. BINARY segmentations are 1-bit
 * (values 0/1); FRACTIONAL ones are 8-bit, scaled by MaximumFractionalValue (0062,000E) to [0, 1].
 *
 * Placement: when every frame of the segment lies on the target grid's lattice (same row/column directions
 * and spacing, its first pixel at integer voxel indices), frames are copied into their slices; otherwise the
 * segment is first assembled on its own grid and then resampled onto the target by nearest neighbour.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dicom.h"
#include "voxomics/dicom.h"
#include "voxomics/mask.h"

enum {
    TAG_SEG_TYPE = 0x00620001,
    TAG_SEGMENT_SEQ = 0x00620002,
    TAG_SEGMENT_NUMBER = 0x00620004,
    TAG_SEGMENT_LABEL = 0x00620005,
    TAG_SEGMENT_ID_SEQ = 0x0062000A,
    TAG_REF_SEGMENT_NUMBER = 0x0062000B,
    TAG_MAX_FRACTIONAL = 0x0062000E,
};

/* Segment number of frame k (-1 when missing). */
static int frame_segment(const vx_dcm_ds *ds, size_t k)
{
    double v;
    return vx_dcm_frame_nums(ds, k, TAG_SEGMENT_ID_SEQ, TAG_REF_SEGMENT_NUMBER, &v, 1) == 1 ? (int)v : -1;
}

static int open_seg(const char *path, vx_dcm_file *f, vx_dcm_pixfmt *pf, size_t *nframes, vx_error *err)
{
    int rc = vx_dcm_read(path, f, err);
    if (rc != VX_OK)
        return rc;
    char modality[17];
    vx_dcm_str(&f->ds, VX_DCM_MODALITY, modality, sizeof modality);
    if (strcmp(modality, "SEG") != 0)
        rc = vx_error_set(err, VX_EFORMAT, "%s: not a DICOM Segmentation (Modality is '%s', not SEG)", path,
                          modality);
    if (rc == VX_OK)
        rc = vx_dcm_pixfmt_read(f, pf, nframes, err);
    if (rc != VX_OK)
        vx_dcm_free(f);
    return rc;
}

static int list_segments(const vx_dcm_file *f, size_t nframes, vx_seg_segment **segs, size_t *n, vx_error *err)
{
    size_t ns;
    const vx_dcm_ds *ss = vx_dcm_seq(&f->ds, TAG_SEGMENT_SEQ, &ns);
    *segs = NULL;
    *n = 0;
    if (!ss)
        return vx_error_set(err, VX_EFORMAT, "%s: Segmentation without a Segment Sequence (0062,0002)", f->name);
    vx_seg_segment *s = calloc(ns, sizeof *s);
    if (!s)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", f->name);
    for (size_t i = 0; i < ns; i++) {
        double num = -1;
        vx_dcm_num(&ss[i], TAG_SEGMENT_NUMBER, &num);
        s[i].number = (int)num;
        vx_dcm_str(&ss[i], TAG_SEGMENT_LABEL, s[i].label, sizeof s[i].label);
    }
    for (size_t k = 0; k < nframes; k++) {
        int sn = frame_segment(&f->ds, k);
        for (size_t i = 0; i < ns; i++)
            s[i].n_frames += s[i].number == sn;
    }
    *segs = s;
    *n = ns;
    return VX_OK;
}

int vx_seg_list(const char *path, vx_seg_segment **segs, size_t *n, vx_error *err)
{
    if (!path || !segs || !n)
        return vx_error_set(err, VX_EINVAL, "SEG list: NULL argument");
    vx_dcm_file f;
    vx_dcm_pixfmt pf;
    size_t nframes;
    int rc = open_seg(path, &f, &pf, &nframes, err);
    if (rc != VX_OK)
        return rc;
    rc = list_segments(&f, nframes, segs, n, err);
    vx_dcm_free(&f);
    return rc;
}

static int find_segment(const char *path, const vx_seg_segment *s, size_t n, const char *want, size_t *idx,
                        vx_error *err)
{
    int numeric = want[0] != '\0';
    for (const char *p = want; *p; p++)
        numeric &= isdigit((unsigned char)*p) != 0;
    for (size_t i = 0; numeric && i < n; i++)
        if (s[i].number == atoi(want)) {
            *idx = i;
            return VX_OK;
        }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s[i].label, want)) {
            *idx = i;
            return VX_OK;
        }
    size_t hits = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(s[i].label, want)) {
            *idx = i;
            hits++;
        }
    if (hits == 1)
        return VX_OK;
    char list[512];
    size_t off = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && off + 1 < sizeof list; i++) {
        size_t room = sizeof list - off;
        int w = snprintf(list + off, room, "%s%d '%s'", i ? ", " : "", s[i].number, s[i].label);
        off += w < 0 ? 0 : ((size_t)w < room ? (size_t)w : room - 1);
    }
    return vx_error_set(err, VX_EINVAL, "%s: no segment '%s'; segments: %s", path, want, n ? list : "none");
}

static double dot3(const double *a, const double *b)
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* The segment's own grid: frames' in-plane lattice, slices along the normal from the lowest to the highest
 * frame position, spaced by SpacingBetweenSlices, else the smallest gap between frames, else SliceThickness. */
static int own_grid(const vx_dcm_file *f, const vx_dcm_pixfmt *pf, const size_t *fr, size_t n, const double *iop,
                    const double *ps, vx_geometry *g, vx_error *err)
{
    double r[3] = {iop[0], iop[1], iop[2]}, c[3] = {iop[3], iop[4], iop[5]};
    double nrm[3] = {r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]};
    double lo = INFINITY, hi = -INFINITY, p0[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        double p[3];
        vx_dcm_frame_nums(&f->ds, fr[i], VX_DCM_PLANE_POSITION_SEQ, VX_DCM_IMAGE_POSITION, p, 3);
        double d = dot3(p, nrm);
        if (d < lo) {
            lo = d;
            memcpy(p0, p, sizeof p0);
        }
        hi = fmax(hi, d);
    }
    double gap = 0;
    if (vx_dcm_frame_nums(&f->ds, fr[0], VX_DCM_PIXEL_MEASURES_SEQ, VX_DCM_SPACING_BETWEEN_SLICES, &gap, 1) != 1 || !(gap > 0)) {
        gap = INFINITY;
        for (size_t i = 0; i < n; i++) {
            double p[3];
            vx_dcm_frame_nums(&f->ds, fr[i], VX_DCM_PLANE_POSITION_SEQ, VX_DCM_IMAGE_POSITION, p, 3);
            double d = dot3(p, nrm) - lo;
            if (d > 1e-3 && d < gap)
                gap = d;
        }
        if (!isfinite(gap) &&
            (vx_dcm_frame_nums(&f->ds, fr[0], VX_DCM_PIXEL_MEASURES_SEQ, VX_DCM_SLICE_THICKNESS, &gap, 1) != 1 || !(gap > 0)))
            gap = 1.0;
    }
    double nk = round((hi - lo) / gap) + 1;
    if (nk > 100000 || nk * pf->rows * pf->cols > (double)(1u << 28))
        return vx_error_set(err, VX_EFORMAT, "%s: frames span %g slices of %ux%u: implausible frame positions",
                            f->name, nk, pf->cols, pf->rows);
    vx_geometry_default(g, pf->cols, pf->rows, (size_t)nk);
    g->spacing[0] = ps[1];
    g->spacing[1] = ps[0];
    g->spacing[2] = gap;
    for (int i = 0; i < 3; i++) {
        g->origin[i] = p0[i];
        g->direction[3 * i] = r[i];
        g->direction[3 * i + 1] = c[i];
        g->direction[3 * i + 2] = nrm[i];
    }
    return vx_geometry_validate(g, f->name, "ImageOrientationPatient / PixelSpacing", err);
}

/* Place the frames on grid g when they lie on its lattice; *fits = 0 (nothing written) when they do not. */
static int place_frames(const vx_dcm_file *f, const vx_dcm_pixfmt *pf, size_t nframes, const size_t *fr, size_t n,
                        const double *iop, const double *ps, double scale, vx_image *m, int *fits, vx_error *err)
{
    const vx_geometry *g = &m->geom;
    *fits = 0;
    for (int i = 0; i < 3; i++)
        if (fabs(g->direction[3 * i] - iop[i]) > 1e-4 || fabs(g->direction[3 * i + 1] - iop[3 + i]) > 1e-4)
            return VX_OK;
    if (fabs(g->spacing[0] - ps[1]) > 1e-4 * ps[1] || fabs(g->spacing[1] - ps[0]) > 1e-4 * ps[0])
        return VX_OK;
    double a[12];
    int rc = vx_geometry_world_to_index(g, a, err);
    if (rc != VX_OK)
        return rc;
    long *off = malloc(3 * n * sizeof *off);
    if (!off)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", f->name);
    for (size_t i = 0; i < n; i++) {
        double p[3];
        vx_dcm_frame_nums(&f->ds, fr[i], VX_DCM_PLANE_POSITION_SEQ, VX_DCM_IMAGE_POSITION, p, 3);
        for (int r = 0; r < 3; r++) {
            double c = a[4 * r] * p[0] + a[4 * r + 1] * p[1] + a[4 * r + 2] * p[2] + a[4 * r + 3];
            if (!(fabs(c - round(c)) <= 0.01 && fabs(c) < 1e9)) {
                free(off);
                return VX_OK; /* off the lattice: the caller resamples */
            }
            off[3 * i + r] = (long)round(c);
        }
    }
    *fits = 1;
    size_t npix = (size_t)pf->rows * pf->cols;
    double *buf = malloc(npix * sizeof *buf);
    if (!buf) {
        free(off);
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", f->name);
    }
    const long nx = (long)g->dims[0], ny = (long)g->dims[1], nz = (long)g->dims[2];
    for (size_t i = 0; i < n && rc == VX_OK; i++) {
        long i0 = off[3 * i], j0 = off[3 * i + 1], k = off[3 * i + 2];
        if (k < 0 || k >= nz)
            continue;
        rc = vx_dcm_frame(f, pf, nframes, fr[i], buf, err);
        for (long row = 0; rc == VX_OK && row < (long)pf->rows; row++) {
            long y = j0 + row;
            if (y < 0 || y >= ny)
                continue;
            for (long col = 0; col < (long)pf->cols; col++) {
                long x = i0 + col;
                if (x < 0 || x >= nx)
                    continue;
                float v = (float)(buf[(size_t)row * pf->cols + (size_t)col] * scale);
                float *d = &m->v[(size_t)x + (size_t)nx * ((size_t)y + (size_t)ny * (size_t)k)];
                if (v > *d)
                    *d = v; /* two frames of one segment at one position: their union */
            }
        }
    }
    free(buf);
    free(off);
    return rc;
}

/* SegmentationType: BINARY, or FRACTIONAL with its scale (1 / MaximumFractionalValue); and the segmentation's
 * frame of reference, which must be the image's (frame_uid) where both are known. */
static int seg_scale_and_frame(const char *path, const vx_dcm_file *f, const char *frame_uid, double *scale,
                               vx_error *err)
{
    int rc = VX_OK;
    char type[32], fuid[65];
    vx_dcm_str(&f->ds, TAG_SEG_TYPE, type, sizeof type);
    vx_dcm_str(&f->ds, VX_DCM_FRAME_OF_REF_UID, fuid, sizeof fuid);
    if (!strcmp(type, "FRACTIONAL")) {
        double mx = 255;
        vx_dcm_num(&f->ds, TAG_MAX_FRACTIONAL, &mx);
        if (!(mx > 0))
            rc = vx_error_set(err, VX_EFORMAT, "%s: MaximumFractionalValue %g is not positive", path, mx);
        *scale = 1.0 / mx;
    } else if (strcmp(type, "BINARY") != 0) {
        rc = vx_error_set(err, VX_EUNSUPPORTED, "%s: SegmentationType '%s' (expected BINARY or FRACTIONAL)", path,
                          type);
    }
    if (rc == VX_OK && frame_uid && frame_uid[0] && fuid[0] && strcmp(frame_uid, fuid) != 0)
        rc = vx_error_set(err, VX_EGEOMETRY,
                          "%s: the segmentation is in frame of reference %s but the image is in %s: it belongs to "
                          "another scan",
                          path, fuid, frame_uid);
    return rc;
}

/* The orientation and pixel spacing shared by the n frames fr of segment number (from their functional groups). */
static int frames_plane(const char *path, const vx_dcm_file *f, const size_t *fr, size_t n, int number,
                        double iop[6], double ps[2], vx_error *err)
{
    int rc = VX_OK;
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        double o[6], s[2], p[3];
        if (vx_dcm_frame_nums(&f->ds, fr[i], VX_DCM_PLANE_ORIENTATION_SEQ, VX_DCM_IMAGE_ORIENTATION, o, 6) != 6 ||
            vx_dcm_frame_nums(&f->ds, fr[i], VX_DCM_PIXEL_MEASURES_SEQ, VX_DCM_PIXEL_SPACING, s, 2) != 2 ||
            vx_dcm_frame_nums(&f->ds, fr[i], VX_DCM_PLANE_POSITION_SEQ, VX_DCM_IMAGE_POSITION, p, 3) != 3 ||
            !(s[0] > 0) || !(s[1] > 0)) {
            rc = vx_error_set(err, VX_EFORMAT,
                              "%s: frame %zu lacks ImageOrientationPatient, PixelSpacing or ImagePositionPatient "
                              "(functional groups)",
                              path, fr[i] + 1);
            break;
        }
        if (i == 0) {
            memcpy(iop, o, sizeof o);
            memcpy(ps, s, sizeof s);
        } else {
            for (int j = 0; j < 6; j++)
                if (fabs(o[j] - iop[j]) > 1e-4)
                    rc = vx_error_set(err, VX_EUNSUPPORTED, "%s: frames of segment %d have different orientations",
                                      path, number);
        }
    }
    return rc;
}

int vx_seg_read(const char *path, const char *segment, const vx_geometry *grid, const char *frame_uid,
                vx_image **mask, vx_error *err)
{
    if (!path || !segment || !mask)
        return vx_error_set(err, VX_EINVAL, "SEG read: NULL argument");
    *mask = NULL;
    vx_dcm_file f;
    vx_dcm_pixfmt pf;
    size_t nframes;
    int rc = open_seg(path, &f, &pf, &nframes, err);
    if (rc != VX_OK)
        return rc;
    vx_seg_segment *segs = NULL;
    size_t nseg = 0, idx = 0;
    rc = list_segments(&f, nframes, &segs, &nseg, err);
    if (rc == VX_OK)
        rc = find_segment(path, segs, nseg, segment, &idx, err);
    double scale = 1.0;
    if (rc == VX_OK)
        rc = seg_scale_and_frame(path, &f, frame_uid, &scale, err);
    size_t *fr = NULL, n = 0;
    int number = rc == VX_OK ? segs[idx].number : 0;
    if (rc == VX_OK && !(fr = malloc((nframes ? nframes : 1) * sizeof *fr)))
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    for (size_t k = 0; rc == VX_OK && k < nframes; k++)
        if (frame_segment(&f.ds, k) == number)
            fr[n++] = k;
    if (rc == VX_OK && n == 0)
        rc = vx_error_set(err, VX_EEMPTY, "%s: segment %d '%s' has no frames", path, number, segs[idx].label);
    double iop[6], ps[2];
    if (rc == VX_OK)
        rc = frames_plane(path, &f, fr, n, number, iop, ps, err);
    vx_geometry own;
    vx_image *m = NULL;
    if (rc == VX_OK)
        rc = own_grid(&f, &pf, fr, n, iop, ps, &own, err);
    int fits = 0;
    if (rc == VX_OK && grid) {
        if (!(m = vx_image_new(grid)))
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for the mask", path);
        else
            rc = place_frames(&f, &pf, nframes, fr, n, iop, ps, scale, m, &fits, err);
    }
    if (rc == VX_OK && !fits) {
        vx_image *o = vx_image_new(&own);
        if (!o)
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for the mask", path);
        else
            rc = place_frames(&f, &pf, nframes, fr, n, iop, ps, scale, o, &fits, err);
        if (rc == VX_OK && !fits)
            rc = vx_error_set(err, VX_EFORMAT, "%s: segment %d frames are not evenly spaced along the normal", path,
                              number);
        if (rc == VX_OK && grid) {
            vx_image_free(m);
            m = NULL;
            rc = vx_mask_resample_nearest(o, grid, &m, err);
            vx_image_free(o);
        } else if (rc == VX_OK) {
            m = o;
        } else {
            vx_image_free(o);
        }
    }
    if (rc == VX_OK) {
        size_t nv = vx_geometry_count(&m->geom), nz = 0;
        for (size_t i = 0; i < nv; i++)
            nz += m->v[i] > 0;
        if (nz == 0)
            rc = vx_error_set(err, VX_EEMPTY, "%s: segment %d '%s' is empty on the image grid%s", path, number,
                              segs[idx].label, grid ? " (its frames lie outside the image?)" : "");
    }
    free(fr);
    free(segs);
    vx_dcm_free(&f);
    if (rc != VX_OK) {
        vx_image_free(m);
        return rc;
    }
    *mask = m;
    return VX_OK;
}
