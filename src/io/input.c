/* voxomics: IMAGE and MASK specifications -> images on one grid (see include/voxomics/input.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "voxomics/input.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dicom.h"
#include "input_pre.h"
#include "voxomics/io.h"
#include "voxomics/mask.h"
#include "voxomics/nrrd.h"

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Split spec into an existing path and a selector (after the last ':'), per input.h. */
static int split_spec(const char *spec, vx_input_info *info, int *is_dir, vx_error *err)
{
    struct stat st;
    info->selector[0] = '\0';
    if (strlen(spec) >= sizeof info->path)
        return vx_error_set(err, VX_EINVAL, "%.80s...: path too long", spec);
    snprintf(info->path, sizeof info->path, "%s", spec);
    if (stat(spec, &st) == 0) {
        *is_dir = S_ISDIR(st.st_mode);
        /* a fifo, socket or device: refused before anything opens it (a fifo would block) */
        return S_ISREG(st.st_mode) || *is_dir ? VX_OK : vx_path_check(spec, 1, NULL, err);
    }
    int e = errno;
    const char *colon = strrchr(spec, ':');
    if (colon && colon != spec) {
        info->path[colon - spec] = '\0';
        if (stat(info->path, &st) == 0 && !S_ISDIR(st.st_mode)) {
            snprintf(info->selector, sizeof info->selector, "%s", colon + 1);
            *is_dir = 0;
            return S_ISREG(st.st_mode) ? VX_OK : vx_path_check(info->path, 0, NULL, err);
        }
        snprintf(info->path, sizeof info->path, "%s", spec);
    }
    return vx_error_set(err, VX_EIO, "%s: cannot open: %s", spec, strerror(e));
}

/* Modality of a DICOM file ("" when it cannot be parsed: the caller reports the parse error later). */
static void dicom_modality(const char *path, char *mod, size_t n)
{
    vx_dcm_file f;
    vx_error e;
    mod[0] = '\0';
    if (vx_dcm_read(path, &f, &e) == VX_OK) {
        vx_dcm_str(&f.ds, VX_DCM_MODALITY, mod, n);
        vx_dcm_free(&f);
    }
}

int vx_input_image(const char *spec, const vx_dicom_options *dopt, vx_image **img, vx_input_info *info,
                   vx_error *err)
{
    vx_input_info tmp;
    if (!info)
        info = &tmp;
    memset(info, 0, sizeof *info);
    if (!spec || !img)
        return vx_error_set(err, VX_EINVAL, "input: NULL argument");
    *img = NULL;
    int is_dir = 0;
    int rc = split_spec(spec, info, &is_dir, err);
    if (rc != VX_OK)
        return rc;
    if (info->selector[0])
        return vx_error_set(err, VX_EINVAL, "%s: cannot open: no such file (a selector ':%s' applies to masks only)",
                            spec, info->selector);
    if (is_dir || vx_dicom_is_file(info->path)) {
        snprintf(info->format, sizeof info->format, "dicom");
        rc = vx_dicom_read(info->path, dopt, img, &info->dicom, err);
        if (rc == VX_OK) {
            snprintf(info->frame_of_reference_uid, sizeof info->frame_of_reference_uid, "%s",
                     info->dicom.frame_of_reference_uid);
        }
        return rc;
    }
    snprintf(info->format, sizeof info->format, "%s",
             ends_with_ci(info->path, ".nrrd") || ends_with_ci(info->path, ".nhdr") ? "nrrd" : "nifti");
    rc = vx_image_read(info->path, img, err);
    return rc;
}

/* Keep voxels equal to label as 1, everything else 0. */
static int select_label(vx_image *m, const char *sel, const char *path, vx_error *err)
{
    char *end;
    long label = strtol(sel, &end, 10);
    if (*end || end == sel || label <= 0 || label > 1000000000L)
        return vx_error_set(err, VX_EINVAL, "%s: '%s' is not a label number (masks from label images take :N)",
                            path, sel);
    size_t n = vx_geometry_count(&m->geom), hits = 0;
    for (size_t i = 0; i < n; i++) {
        int in = m->v[i] == (float)label;
        hits += (size_t)in;
        m->v[i] = in ? 1.0f : 0.0f;
    }
    if (!hits)
        return vx_error_set(err, VX_EEMPTY, "%s: no voxel has label %ld", path, label);
    return VX_OK;
}

/* A DICOM RTSTRUCT mask: the named ROI (or the only one) rasterised on the image grid. */
static int read_rtstruct_mask(vx_input_info *info, const vx_image *image, const char *frame_uid, vx_image **m,
                              vx_error *err)
{
    snprintf(info->format, sizeof info->format, "rtstruct");
    char one[140];
    if (!info->selector[0]) {
        vx_rtstruct_roi *r = NULL;
        size_t n = 0;
        int rc = vx_rtstruct_list(info->path, &r, &n, err);
        if (rc == VX_OK && n != 1)
            rc = vx_error_set(err, VX_EINVAL,
                              "%s: the structure set has %zu ROIs: name one as %s:ROI_NAME (first ROI: '%s')",
                              info->path, n, info->path, n ? r[0].name : "");
        if (rc == VX_OK)
            snprintf(one, sizeof one, "%s", r[0].name);
        free(r);
        if (rc != VX_OK)
            return rc;
        snprintf(info->selector, sizeof info->selector, "%s", one);
    }
    return vx_rtstruct_rasterise(info->path, info->selector, &image->geom, frame_uid, m, err);
}

/* A DICOM SEG mask: the chosen segment (or the only one) on the image grid. */
static int read_seg_mask(vx_input_info *info, const vx_image *image, const char *frame_uid, vx_image **m,
                         vx_error *err)
{
    snprintf(info->format, sizeof info->format, "seg");
    if (!info->selector[0]) {
        vx_seg_segment *s = NULL;
        size_t n = 0;
        int rc = vx_seg_list(info->path, &s, &n, err);
        if (rc == VX_OK && n != 1)
            rc = vx_error_set(err, VX_EINVAL,
                              "%s: the segmentation has %zu segments: choose one as %s:NUMBER or %s:LABEL",
                              info->path, n, info->path, info->path);
        if (rc == VX_OK)
            snprintf(info->selector, sizeof info->selector, "%d", s[0].number);
        free(s);
        if (rc != VX_OK)
            return rc;
    }
    return vx_seg_read(info->path, info->selector, &image->geom, frame_uid, m, err);
}

int vx_input_mask(const char *spec, const vx_image *image, const vx_input_info *image_info, int resample_mask,
                  vx_image **mask, vx_input_info *info, vx_error *err)
{
    return vx_input_mask_channel(spec, image, image_info, resample_mask, -1, mask, info, err);
}

/* A mask read by vx_image_read or, for a channel of a NRRD, vx_nrrd_read_channel (the plain-file branch), and
 * its values checked. */
static int read_plain_mask(const char *path, int channel, vx_image **m, vx_error *err)
{
    const int nrrd = ends_with_ci(path, ".nrrd") || ends_with_ci(path, ".nhdr");
    int rc = nrrd && channel >= 0 ? vx_nrrd_read_channel(path, channel, m, err) : vx_image_read(path, m, err);
    return rc == VX_OK ? vx_mask_check_values(*m, path, err) : rc;
}

void vxio_mask_preload(const char *spec, int channel, vxio_mask_pre *pre)
{
    vx_input_info info;
    int is_dir = 0;
    memset(pre, 0, sizeof *pre);
    if (!spec || split_spec(spec, &info, &is_dir, &pre->err) != VX_OK || is_dir || vx_dicom_is_file(info.path) ||
        (ends_with_ci(info.path, ".seg.nrrd") && info.selector[0]))
        return;
    snprintf(pre->path, sizeof pre->path, "%s", info.path);
    pre->channel = channel;
    pre->rc = read_plain_mask(pre->path, channel, &pre->m, &pre->err);
    pre->hash_rc = vx_path_sha256(pre->path, pre->hash, &pre->hash_err);
    pre->done = 1;
}

int vx_input_mask_channel(const char *spec, const vx_image *image, const vx_input_info *image_info,
                          int resample_mask, int channel, vx_image **mask, vx_input_info *info, vx_error *err)
{
    return vxio_input_mask_pre(spec, image, image_info, resample_mask, channel, NULL, mask, info, err);
}

int vxio_input_mask_pre(const char *spec, const vx_image *image, const vx_input_info *image_info,
                        int resample_mask, int channel, vxio_mask_pre *pre, vx_image **mask, vx_input_info *info,
                        vx_error *err)
{
    vx_input_info tmp;
    if (!info)
        info = &tmp;
    memset(info, 0, sizeof *info);
    if (!spec || !image || !mask)
        return vx_error_set(err, VX_EINVAL, "input: NULL argument");
    *mask = NULL;
    int is_dir = 0;
    int rc = split_spec(spec, info, &is_dir, err);
    if (rc != VX_OK)
        return rc;
    const char *frame_uid = image_info ? image_info->frame_of_reference_uid : NULL;
    const char *sel = info->selector;
    vx_image *m = NULL;
    int on_grid = 0; /* built on the image grid already */
    if (!is_dir && vx_dicom_is_file(info->path)) {
        char mod[17];
        dicom_modality(info->path, mod, sizeof mod);
        if (!strcmp(mod, "RTSTRUCT")) {
            rc = read_rtstruct_mask(info, image, frame_uid, &m, err);
            on_grid = 1;
        } else if (!strcmp(mod, "SEG")) {
            rc = read_seg_mask(info, image, frame_uid, &m, err);
            on_grid = 1;
        } else {
            snprintf(info->format, sizeof info->format, "dicom");
            rc = vx_dicom_read(info->path, NULL, &m, &info->dicom, err);
            if (rc == VX_OK)
                rc = vx_mask_check_values(m, info->path, err);
            if (rc == VX_OK && sel[0])
                rc = select_label(m, sel, info->path, err);
        }
    } else if (is_dir) {
        snprintf(info->format, sizeof info->format, "dicom");
        rc = vx_dicom_read(info->path, NULL, &m, &info->dicom, err);
        if (rc == VX_OK)
            rc = vx_mask_check_values(m, info->path, err);
    } else if (ends_with_ci(info->path, ".seg.nrrd") && sel[0]) {
        snprintf(info->format, sizeof info->format, "seg.nrrd");
        rc = vx_nrrd_read_segment(info->path, sel, &m, err);
    } else {
        const int nrrd = ends_with_ci(info->path, ".nrrd") || ends_with_ci(info->path, ".nhdr");
        snprintf(info->format, sizeof info->format, "%s", nrrd ? "nrrd" : "nifti");
        if (pre && pre->done && pre->channel == channel && !strcmp(pre->path, info->path)) {
            rc = pre->rc; /* read ahead (vxio_mask_preload) */
            m = pre->m;
            pre->m = NULL;
            if (rc != VX_OK && err)
                *err = pre->err;
        } else {
            rc = read_plain_mask(info->path, channel, &m, err);
        }
        if (rc == VX_OK && sel[0]) {
            snprintf(info->format, sizeof info->format, "label");
            rc = select_label(m, sel, info->path, err);
        }
    }
    if (rc == VX_OK && !on_grid && vx_geometry_check(&image->geom, &m->geom, err) != VX_OK) {
        if (!resample_mask) {
            rc = err ? vx_error_prefix(err, "%s: ", info->path) : VX_EGEOMETRY;
        } else if (resample_mask == VX_INPUT_MASK_OWN_GRID) {
            vx_error_clear(err); /* the caller checks the grids (compat pyradiomics: vx_pyrad_prepare) */
        } else {
            vx_image *r = NULL;
            vx_error_clear(err);
            rc = vx_mask_resample_nearest(m, &image->geom, &r, err);
            vx_image_free(m);
            m = r;
            info->mask_resampled = rc == VX_OK;
        }
    }
    if (rc != VX_OK) {
        vx_image_free(m);
        return rc;
    }
    *mask = m;
    return VX_OK;
}
