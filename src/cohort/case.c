/* voxomics: one case end to end: IMAGE and MASK specifications -> hashes -> regions -> feature results.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <pthread.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/cohort.h"
#include "voxomics/input.h"
#include "voxomics/io.h"
#include "voxomics/mask.h"

#include "cohort/crop.h"
#include "io/input_pre.h"

void vx_case_options_default(vx_case_options *o)
{
    memset(o, 0, sizeof *o);
    vx_dicom_options_default(&o->dicom);
}

void vx_case_result_free(vx_case_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_regions; i++)
        vx_results_free(&r->regions[i].res);
    free(r->regions);
    free(r->error);
    memset(r, 0, sizeof *r);
}

/* Record the failure of a stage: "stage: message". Returns the code. */
static int fail(vx_case_result *r, const char *stage, const vx_error *err)
{
    const char *msg = err->msg[0] ? err->msg : vx_strerror(err->code);
    size_t n = strlen(stage) + strlen(msg) + 3;
    free(r->error);
    r->error = malloc(n);
    if (r->error)
        snprintf(r->error, n, "%s: %s", stage, msg);
    return err->code ? err->code : VX_EINVAL;
}

/* Diagnostic rows for the input remarks (PET SUV conversion, mask resampling). */
static int input_diag(vx_results *res, const vx_input_info *ii, const vx_input_info *mi)
{
    int rc = VX_OK;
    if (!strcmp(ii->dicom.modality, "PT")) {
        rc = vx_results_add_diag(res, "input_pet_suv_bw", ii->dicom.suv_applied ? 1.0 : 0.0);
        if (rc == VX_OK && ii->dicom.suv_applied)
            rc = vx_results_add_diag(res, "input_pet_suv_bw_factor", ii->dicom.suv_factor);
    }
    if (rc == VX_OK && mi->mask_resampled)
        rc = vx_results_add_diag(res, "input_mask_resampled_nearest", 1.0);
    return rc;
}

/* The channel of a multi-channel mask to read: the settings' (compat pyradiomics: label_channel, default 0). */
static int mask_channel(const vx_settings *s)
{
    return s->mask_channel >= 0 ? s->mask_channel : s->compat == VX_COMPAT_PYRADIOMICS ? 0 : -1;
}

/* One region: label > 0 that label, else every voxel >= the threshold. own (NULL, or the case's image and
 * mask, img and mask, when this is its only region): handed to vx_extract_release, which may free them. */
static int run_region(const vx_image *img, const vx_image *mask, const vx_image *mask_read, const vx_settings *base,
                      int label, const vx_case_options *o, const vx_input_info *ii, const vx_input_info *mi,
                      vx_image **own, vx_results *res, vx_error *err)
{
    vx_settings s = *base;
    if (label > 0)
        s.mask_label = label;
    const vx_image *m = mask;
    vx_image *cc = NULL;
    int rc = VX_OK;
    if (o->largest_component) {
        cc = vx_image_copy(mask);
        if (!cc)
            return vx_error_set(err, VX_ENOMEM, "out of memory copying the mask");
        rc = vx_mask_largest_component(cc, s.mask_label, s.mask_threshold, 26, NULL, err);
        m = cc;
    }
    if (rc == VX_OK && own && !cc)
        rc = vx_extract_release(&own[0], &own[1], &s, res, err); /* frees nothing that is read below */
    else if (rc == VX_OK)
        rc = vx_extract(img, m, &s, res, err);
    if (rc == VX_OK)
        rc = input_diag(res, ii, mi);
    /* PyRadiomics' diagnostics_* columns (its additionalInfo, on unless the parameter file turns it off); the
     * mask as read, and the one resampled onto the image grid as PyRadiomics' corrected mask */
    if (rc == VX_OK && s.compat == VX_COMPAT_PYRADIOMICS && !s.pyrad_no_additional_info)
        rc = vx_pyradiomics_diagnostics(img, mask_read ? mask_read : mask, mask_read ? mask : NULL, &s, res, err);
    if (rc == VX_OK && s.feature_subset) {
        /* a PyRadiomics featureClass list: the families compute everything, the results keep what was asked */
        size_t k = 0;
        for (size_t i = 0; i < res->n; i++)
            if (vx_settings_feature_wanted(&s, res->rows[i].feature))
                res->rows[k++] = res->rows[i];
        res->n = k;
    }
    if (rc == VX_OK)
        vx_results_sort(res);
    vx_image_free(cc);
    return rc;
}

/* The label of a case: *all for "all", else *one (0: none given, the mask threshold). VX_EINVAL otherwise. */
static int parse_label(const char *label, int *all, long *one, vx_error *err)
{
    *all = label && !strcmp(label, "all");
    *one = 0;
    if (label && label[0] && !*all) {
        char *end;
        *one = strtol(label, &end, 10);
        if (*end || end == label || *one < 1 || *one > 1000000000L)
            return vx_error_set(err, VX_EINVAL, "label '%s' is not a positive label number or 'all'", label);
    }
    return VX_OK;
}

/* The regions of a case whose image and mask are read: one (label one, or the threshold), or every label of
 * the mask (all). image_name and mask_name name the inputs in messages. Fills r->regions; a failure frees
 * them (a failed case keeps no partial results) and records the stage in r->error. */
static int run_regions(const vx_image *img, const vx_image *mask, const vx_image *mask_read, const vx_settings *s,
                       const vx_case_options *o, int all, long one, const vx_input_info *ii,
                       const vx_input_info *mi, const char *image_name, const char *mask_name, vx_image **own,
                       vx_case_result *r, vx_error *err)
{
    int *labels = NULL;
    size_t nlab = 1;
    int rc = VX_OK;
    if (all) {
        rc = vx_mask_labels(mask, &labels, &nlab, err);
        if (rc == VX_OK && nlab == 0)
            rc = vx_error_set(err, VX_EEMPTY, "%s: the mask holds no label > 0", mask_name);
        if (rc != VX_OK)
            fail(r, "labels", err);
    }
    if (rc == VX_OK) {
        if (ii->dicom.note[0])
            snprintf(r->note, sizeof r->note, "%s", ii->dicom.note);
        else if (mi->mask_resampled)
            snprintf(r->note, sizeof r->note, "mask resampled onto the image grid (nearest neighbour)");
        r->regions = calloc(nlab, sizeof *r->regions);
        if (!r->regions) {
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
            fail(r, "extract", err);
        }
    }
    for (size_t k = 0; rc == VX_OK && k < nlab; k++) {
        int label = all ? labels[k] : (int)one;
        vx_region_result *g = &r->regions[k];
        vx_results_init(&g->res);
        r->n_regions = k + 1;
        if (label > 0)
            snprintf(g->roi, sizeof g->roi, "%d", label);
        else
            snprintf(g->roi, sizeof g->roi, "%s", mi->selector);
        rc = run_region(img, mask, mask_read, s, label, o, ii, mi, all ? NULL : own, &g->res, err);
        if (rc != VX_OK) {
            vx_error_prefix(err, "image %s, mask %s%s%s: ", image_name, mask_name, label > 0 ? ", label " : "",
                            label > 0 ? g->roi : "");
            fail(r, "extract", err);
        }
    }
    free(labels);
    if (rc != VX_OK) {
        for (size_t i = 0; i < r->n_regions; i++)
            vx_results_free(&r->regions[i].res);
        free(r->regions);
        r->regions = NULL;
        r->n_regions = 0;
    }
    return rc;
}

/* Start a case: r zeroed and marked done, err cleared; the options to use (o, or the defaults in *def). */
static const vx_case_options *case_start(vx_case_result *r, const vx_case_options *o, vx_case_options *def,
                                         vx_error *err)
{
    memset(r, 0, sizeof *r);
    r->done = 1;
    vx_error_clear(err);
    if (o)
        return o;
    vx_case_options_default(def);
    return def;
}

/* Read ahead on a second thread while the image is read and decompressed: the image file's SHA-256 and the
 * mask file (read and hashed). The results are used only where the serial order would have produced them, so
 * results and error messages are those of reading one after the other. */
typedef struct read_ahead {
    const char *image, *mask;
    int channel;
    pthread_t thread;
    int started, ran; /* ran: the thread ran to its end (nothing is used from a thread that never started) */
    int image_hashed, image_hash_rc; /* hashed: only a regular file or a folder (a fifo would block) */
    char image_hash[65];
    vx_error image_hash_err;
    vxio_mask_pre mask_pre;
} read_ahead;

static void *read_ahead_run(void *arg)
{
    read_ahead *a = arg;
    struct stat st;
    if (stat(a->image, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
        a->image_hash_rc = vx_path_sha256(a->image, a->image_hash, &a->image_hash_err);
        a->image_hashed = 1;
    }
    vxio_mask_preload(a->mask, a->channel, &a->mask_pre);
    return NULL;
}

static void read_ahead_start(read_ahead *a, const char *image, const char *mask, int channel)
{
    memset(a, 0, sizeof *a);
    a->image = image;
    a->mask = mask;
    a->channel = channel;
    a->started = pthread_create(&a->thread, NULL, read_ahead_run, a) == 0;
}

static void read_ahead_end(read_ahead *a)
{
    if (a->started)
        a->ran = pthread_join(a->thread, NULL) == 0;
    a->started = 0;
}

/* The image file's hash: from the read-ahead when it hashed that path. */
static int image_hash(const read_ahead *a, const char *path, char hex[65], vx_error *err)
{
    if (a->ran && a->image_hashed && !strcmp(a->image, path)) {
        memcpy(hex, a->image_hash, 65);
        if (a->image_hash_rc != VX_OK && err)
            *err = a->image_hash_err;
        return a->image_hash_rc;
    }
    return vx_path_sha256(path, hex, err);
}

/* The mask file's hash: from the read-ahead when it read that path. */
static int mask_hash(const vxio_mask_pre *p, const char *path, char hex[65], vx_error *err)
{
    if (p->done && !strcmp(p->path, path)) {
        memcpy(hex, p->hash, 65);
        if (p->hash_rc != VX_OK && err)
            *err = p->hash_err;
        return p->hash_rc;
    }
    return vx_path_sha256(path, hex, err);
}

int vx_case_run(const vx_case_spec *c, const vx_settings *s, const vx_case_options *o, vx_case_result *r)
{
    vx_case_options def;
    vx_error err;
    o = case_start(r, o, &def, &err);
    if (!c || !c->image || !c->mask || !s) {
        vx_error_set(&err, VX_EINVAL, "case without image or mask");
        return fail(r, "input", &err);
    }
    int all;
    long one;
    if (parse_label(c->label, &all, &one, &err) != VX_OK)
        return fail(r, "input", &err);
    vx_image *img = NULL, *mask = NULL;
    vx_input_info ii, mi;
    memset(&mi, 0, sizeof mi);
    read_ahead ra;
    read_ahead_start(&ra, c->image, c->mask, mask_channel(s));
    int rc = vx_input_image(c->image, &o->dicom, &img, &ii, &err);
    read_ahead_end(&ra);
    if (rc != VX_OK) {
        vx_image_free(ra.mask_pre.m);
        return fail(r, "read image", &err);
    }
    rc = image_hash(&ra, ii.path, r->image_sha256, &err);
    if (rc == VX_OK) {
        /* compat pyradiomics checks the mask's grid itself (geometryTolerance, correctMask) */
        const int own = s->compat == VX_COMPAT_PYRADIOMICS && !o->resample_mask;
        rc = vxio_input_mask_pre(c->mask, img, &ii, own ? VX_INPUT_MASK_OWN_GRID : o->resample_mask,
                                 mask_channel(s), &ra.mask_pre, &mask, &mi, &err);
        if (rc != VX_OK)
            fail(r, "read mask", &err);
    } else {
        fail(r, "hash image", &err);
    }
    vx_image_free(ra.mask_pre.m); /* not taken: the image hash failed */
    if (rc == VX_OK && (rc = mask_hash(&ra.mask_pre, mi.path, r->mask_sha256, &err)) != VX_OK)
        fail(r, "hash mask", &err);
    /* a mask resampled onto the image grid: PyRadiomics' diagnostics describe it as read too */
    vx_image *mask_read = NULL;
    if (rc == VX_OK && mi.mask_resampled && s->compat == VX_COMPAT_PYRADIOMICS && !s->pyrad_no_additional_info &&
        (rc = vx_image_read(mi.path, &mask_read, &err)) != VX_OK)
        fail(r, "read mask", &err);
    /* only the part of the volumes the features read (crop.h): the case holds no whole-volume copies */
    if (rc == VX_OK && !mask_read)
        vxc_crop_case(s, img, mask);
    /* one region: its extraction may free the image and the mask once its ROI is built */
    vx_image *own[2] = {img, mask};
    if (rc == VX_OK)
        rc = run_regions(img, mask, mask_read, s, o, all, one, &ii, &mi, c->image, c->mask, own, r, &err);
    vx_image_free(own[0]);
    vx_image_free(own[1]);
    vx_image_free(mask_read);
    return rc;
}

int vx_case_run_images(const vx_image *img, const vx_image *mask, const char *label, const vx_settings *s,
                       const vx_case_options *o, vx_case_result *r)
{
    vx_case_options def;
    vx_error err;
    o = case_start(r, o, &def, &err);
    if (!img || !mask || !s || !img->v || !mask->v) {
        vx_error_set(&err, VX_EINVAL, "case without image or mask voxels");
        return fail(r, "input", &err);
    }
    int all;
    long one;
    if (parse_label(label, &all, &one, &err) != VX_OK)
        return fail(r, "input", &err);
    vx_input_info ii, mi;
    memset(&ii, 0, sizeof ii);
    memset(&mi, 0, sizeof mi);
    int rc = vx_geometry_validate(&img->geom, "image", NULL, &err);
    if (rc != VX_OK)
        return fail(r, "image", &err);
    if ((rc = vx_geometry_validate(&mask->geom, "mask", NULL, &err)) != VX_OK ||
        (rc = vx_mask_check_values(mask, "mask", &err)) != VX_OK)
        return fail(r, "mask", &err);
    /* a mask off the image grid: compat pyradiomics checks it itself (geometryTolerance, correctMask); else it
     * is an error, or resampled onto the image grid when asked */
    vx_image *resampled = NULL;
    const int own = s->compat == VX_COMPAT_PYRADIOMICS && !o->resample_mask;
    if (!own && vx_geometry_check(&img->geom, &mask->geom, &err) != VX_OK) {
        if (!o->resample_mask)
            return fail(r, "mask", &err);
        vx_error_clear(&err);
        if ((rc = vx_mask_resample_nearest(mask, &img->geom, &resampled, &err)) != VX_OK)
            return fail(r, "resample mask", &err);
        mi.mask_resampled = 1;
    }
    rc = run_regions(img, resampled ? resampled : mask, resampled ? mask : NULL, s, o, all, one, &ii, &mi,
                     "(in memory)", "(in memory)", NULL, r, &err);
    vx_image_free(resampled);
    return rc;
}
