/* voxomics: DICOM RT Structure Set (PS3.3 A.19, C.8.8.5-6): list ROIs, rasterise one onto an image grid.
 *
 * Structure Set ROI Sequence (3006,0020) names the ROIs (ROINumber, ROIName, ReferencedFrameOfReferenceUID);
 * ROI Contour Sequence (3006,0039) holds per ROI (ReferencedROINumber) a Contour Sequence (3006,0040) of
 * contours (ContourGeometricType, NumberOfContourPoints, ContourData x\y\z in mm, patient LPS). Closed planar
 * contours (CLOSED_PLANAR, CLOSED_PLANAR_XOR) are rasterised by src/image/contour.c; points and open contours
 * enclose no volume and are ignored.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dicom.h"
#include "image/contour.h"
#include "voxomics/dicom.h"

enum {
    TAG_SS_ROI_SEQ = 0x30060020,
    TAG_ROI_NUMBER = 0x30060022,
    TAG_REF_FRAME_UID = 0x30060024,
    TAG_ROI_NAME = 0x30060026,
    TAG_ROI_CONTOUR_SEQ = 0x30060039,
    TAG_CONTOUR_SEQ = 0x30060040,
    TAG_CONTOUR_TYPE = 0x30060042,
    TAG_N_POINTS = 0x30060046,
    TAG_CONTOUR_DATA = 0x30060050,
    TAG_REF_ROI_NUMBER = 0x30060084,
};

static int is_closed(const vx_dcm_ds *c)
{
    char type[32];
    vx_dcm_str(c, TAG_CONTOUR_TYPE, type, sizeof type);
    return !strcmp(type, "CLOSED_PLANAR") || !strcmp(type, "CLOSED_PLANAR_XOR");
}

/* The contour items of ROI number `number` (NULL when it has none). */
static const vx_dcm_ds *roi_contours(const vx_dcm_ds *ds, int number, size_t *n)
{
    size_t nr;
    const vx_dcm_ds *rc = vx_dcm_seq(ds, TAG_ROI_CONTOUR_SEQ, &nr);
    *n = 0;
    for (size_t i = 0; rc && i < nr; i++) {
        double ref;
        if (vx_dcm_num(&rc[i], TAG_REF_ROI_NUMBER, &ref) == 0 && (int)ref == number)
            return vx_dcm_seq(&rc[i], TAG_CONTOUR_SEQ, n);
    }
    return NULL;
}

static int open_rtstruct(const char *path, vx_dcm_file *f, vx_error *err)
{
    int rc = vx_dcm_read(path, f, err);
    if (rc != VX_OK)
        return rc;
    char modality[17];
    vx_dcm_str(&f->ds, VX_DCM_MODALITY, modality, sizeof modality);
    if (strcmp(modality, "RTSTRUCT") != 0) {
        vx_dcm_free(f);
        return vx_error_set(err, VX_EFORMAT, "%s: not an RT Structure Set (Modality is '%s', not RTSTRUCT)", path,
                            modality);
    }
    return VX_OK;
}

static int list_rois(const vx_dcm_file *f, vx_rtstruct_roi **rois, size_t *n, vx_error *err)
{
    size_t ns;
    const vx_dcm_ds *ss = vx_dcm_seq(&f->ds, TAG_SS_ROI_SEQ, &ns);
    *rois = NULL;
    *n = 0;
    if (!ss)
        return vx_error_set(err, VX_EFORMAT, "%s: RT Structure Set without a Structure Set ROI Sequence (3006,0020)",
                            f->name);
    vx_rtstruct_roi *r = calloc(ns, sizeof *r);
    if (!r)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", f->name);
    for (size_t i = 0; i < ns; i++) {
        double num = -1;
        vx_dcm_num(&ss[i], TAG_ROI_NUMBER, &num);
        r[i].number = (int)num;
        vx_dcm_str(&ss[i], TAG_ROI_NAME, r[i].name, sizeof r[i].name);
        vx_dcm_str(&ss[i], TAG_REF_FRAME_UID, r[i].frame_of_reference_uid, sizeof r[i].frame_of_reference_uid);
        size_t nc;
        const vx_dcm_ds *c = roi_contours(&f->ds, r[i].number, &nc);
        for (size_t k = 0; c && k < nc; k++)
            r[i].n_contours += (size_t)is_closed(&c[k]);
    }
    *rois = r;
    *n = ns;
    return VX_OK;
}

int vx_rtstruct_list(const char *path, vx_rtstruct_roi **rois, size_t *n, vx_error *err)
{
    if (!path || !rois || !n)
        return vx_error_set(err, VX_EINVAL, "RTSTRUCT list: NULL argument");
    vx_dcm_file f;
    int rc = open_rtstruct(path, &f, err);
    if (rc != VX_OK)
        return rc;
    rc = list_rois(&f, rois, n, err);
    vx_dcm_free(&f);
    return rc;
}

/* Index of the ROI called name: "#N" by number, else exact name, else a unique case-insensitive match. */
static int find_roi(const char *path, const vx_rtstruct_roi *r, size_t n, const char *name, size_t *idx,
                    vx_error *err)
{
    if (name[0] == '#') {
        char *end;
        long num = strtol(name + 1, &end, 10);
        for (size_t i = 0; !*end && i < n; i++)
            if (r[i].number == num) {
                *idx = i;
                return VX_OK;
            }
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(r[i].name, name)) {
            *idx = i;
            return VX_OK;
        }
    size_t hits = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(r[i].name, name)) {
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
        int w = snprintf(list + off, room, "%s'%s' (#%d)", i ? ", " : "", r[i].name, r[i].number);
        off += w < 0 ? 0 : ((size_t)w < room ? (size_t)w : room - 1);
    }
    return vx_error_set(err, VX_EINVAL, "%s: no ROI named '%s'%s; ROIs in this structure set: %s", path, name,
                        hits > 1 ? " (ambiguous without case)" : "", n ? list : "none");
}

int vx_rtstruct_rasterise(const char *path, const char *roi, const vx_geometry *grid, const char *frame_uid,
                          vx_image **mask, vx_error *err)
{
    if (!path || !roi || !grid || !mask)
        return vx_error_set(err, VX_EINVAL, "RTSTRUCT rasterise: NULL argument");
    *mask = NULL;
    vx_dcm_file f;
    int rc = open_rtstruct(path, &f, err);
    if (rc != VX_OK)
        return rc;
    vx_rtstruct_roi *rois = NULL;
    size_t nroi = 0, idx = 0;
    rc = list_rois(&f, &rois, &nroi, err);
    if (rc == VX_OK)
        rc = find_roi(path, rois, nroi, roi, &idx, err);
    if (rc == VX_OK && frame_uid && frame_uid[0] && rois[idx].frame_of_reference_uid[0] &&
        strcmp(frame_uid, rois[idx].frame_of_reference_uid) != 0)
        rc = vx_error_set(err, VX_EGEOMETRY,
                          "%s: ROI '%s' is drawn in frame of reference %s but the image is in %s: this structure set "
                          "belongs to another scan",
                          path, rois[idx].name, rois[idx].frame_of_reference_uid, frame_uid);
    size_t nitems = 0;
    const vx_dcm_ds *items = rc == VX_OK ? roi_contours(&f.ds, rois[idx].number, &nitems) : NULL;
    vx_contour *cs = NULL;
    double **pts = NULL;
    size_t nc = 0;
    if (rc == VX_OK && nitems) {
        cs = calloc(nitems, sizeof *cs);
        pts = calloc(nitems, sizeof *pts);
        if (!cs || !pts)
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    }
    for (size_t i = 0; rc == VX_OK && i < nitems; i++) {
        if (!is_closed(&items[i]))
            continue;
        const vx_dcm_elem *e = vx_dcm_find(&items[i], TAG_CONTOUR_DATA);
        size_t nval = 1;
        for (size_t b = 0; e && e->value && b < e->len; b++)
            nval += e->value[b] == '\\';
        pts[nc] = malloc(nval * sizeof **pts);
        if (!pts[nc]) {
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
            break;
        }
        size_t got = vx_dcm_nums(&items[i], TAG_CONTOUR_DATA, pts[nc], nval);
        if (!e || got != nval || got % 3 != 0) {
            free(pts[nc]);
            pts[nc] = NULL;
            rc = vx_error_set(err, VX_EFORMAT,
                              "%s: ROI '%s', contour %zu: ContourData (3006,0050) is not a list of x\\y\\z numbers",
                              path, rois[idx].name, i + 1);
            break;
        }
        cs[nc].xyz = pts[nc];
        cs[nc].n = got / 3;
        nc++;
    }
    vx_image *m = NULL;
    if (rc == VX_OK && nc == 0)
        rc = vx_error_set(err, VX_EEMPTY, "%s: ROI '%s' has no closed planar contour", path, rois[idx].name);
    if (rc == VX_OK && !(m = vx_image_new(grid)))
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for the mask", path);
    vx_contour_stats st = {0, 0};
    if (rc == VX_OK) {
        rc = vx_contours_rasterise(grid, cs, nc, m->v, &st, err);
        if (rc != VX_OK)
            vx_error_prefix(err, "%s: ROI '%s': ", path, rois[idx].name);
    }
    if (rc == VX_OK && st.used == 0)
        rc = vx_error_set(err, VX_EEMPTY,
                          "%s: ROI '%s': all %zu contours lie outside the image's slices: is this the right image?",
                          path, rois[idx].name, st.outside);
    for (size_t i = 0; pts && i < nc; i++)
        free(pts[i]);
    free(pts);
    free(cs);
    free(rois);
    vx_dcm_free(&f);
    if (rc != VX_OK) {
        vx_image_free(m);
        return rc;
    }
    *mask = m;
    return VX_OK;
}
