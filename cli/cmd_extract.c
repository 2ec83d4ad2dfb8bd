/* voxomics extract: one image + mask -> feature table (long or wide CSV).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Case id from the image path: file name without directory and without .nii/.nii.gz/.nrrd extensions. */
static void case_from_path(const char *path, char *buf, size_t len)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    size_t n0 = strlen(tmp);
    while (n0 > 1 && tmp[n0 - 1] == '/') /* a DICOM folder given as "dir/" */
        tmp[--n0] = '\0';
    const char *b = strrchr(tmp, '/');
    b = b ? b + 1 : tmp;
    snprintf(buf, len, "%s", b);
    static const char *ext[] = {".nii.gz", ".nii", ".nrrd", ".nhdr", ".dcm", ".gz"};
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t n = strlen(buf), e = strlen(ext[i]);
        if (n > e && !strcmp(buf + n - e, ext[i])) {
            buf[n - e] = '\0';
            break;
        }
    }
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "voxomics extract: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr,
            "usage: voxomics extract --config FILE.yaml [--format long|wide] [--case ID] [--threads N]\n"
            "         [--label N|all] [--largest-component] [--resample-mask] [--series UID] [--no-suv]\n"
            "         -o OUT.csv IMAGE MASK\n"
            "  IMAGE: NIfTI/NRRD file, DICOM file or DICOM series folder\n"
            "  MASK:  mask file or folder, RTSTRUCT_FILE:ROI_NAME, SEG_FILE:SEGMENT, FILE.seg.nrrd:SEGMENT,\n"
            "         LABEL_IMAGE:N (see docs/inputs.md)\n");
    return 2;
}

/* Input notes as diagnostic rows: PET SUV conversion and mask resampling. */
static int add_input_diag(vx_results *res, const vx_input_info *ii, const vx_input_info *mi)
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

typedef struct extract_opts {
    const char *config, *out, *format, *case_id, *label, *series;
    const char *pos[2];
    int threads, largest, resample_mask, suv;
} extract_opts;

/* Extract one region (label > 0: that label; 0: every voxel >= the threshold) and append it to f. */
static int extract_region(const vx_image *img, const vx_image *mask, const vx_settings *base, int label,
                          int largest, const vx_input_info *ii, const vx_input_info *mi, vx_results *res,
                          vx_error *err)
{
    vx_settings s = *base;
    if (label > 0)
        s.mask_label = label;
    const vx_image *m = mask;
    vx_image *cc = NULL;
    if (largest) {
        cc = vx_image_copy(mask);
        if (!cc)
            return vx_error_set(err, VX_ENOMEM, "out of memory copying the mask");
        size_t kept = 0;
        int rc = vx_mask_largest_component(cc, s.mask_label, s.mask_threshold, 26, &kept, err);
        if (rc != VX_OK) {
            vx_image_free(cc);
            return rc;
        }
        m = cc;
    }
    int rc = vx_extract(img, m, &s, res, err);
    if (rc == VX_OK)
        rc = add_input_diag(res, ii, mi);
    vx_image_free(cc);
    return rc;
}

int cli_extract(int argc, char **argv)
{
    extract_opts o = {.format = "long", .threads = -1, .suv = 1};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "--config") || !strcmp(a, "-c")) && i + 1 < argc)
            o.config = argv[++i];
        else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc)
            o.out = argv[++i];
        else if (!strcmp(a, "--format") && i + 1 < argc)
            o.format = argv[++i];
        else if (!strcmp(a, "--case") && i + 1 < argc)
            o.case_id = argv[++i];
        else if (!strcmp(a, "--label") && i + 1 < argc)
            o.label = argv[++i];
        else if (!strcmp(a, "--series") && i + 1 < argc)
            o.series = argv[++i];
        else if (!strcmp(a, "--largest-component"))
            o.largest = 1;
        else if (!strcmp(a, "--resample-mask"))
            o.resample_mask = 1;
        else if (!strcmp(a, "--no-suv"))
            o.suv = 0;
        else if (!strcmp(a, "--threads") && i + 1 < argc) {
            char *end;
            long t = strtol(argv[++i], &end, 10);
            if (*end || t < 1 || t > 4096)
                return usage_error("--threads needs a positive integer", argv[i]);
            o.threads = (int)t;
        } else if (a[0] == '-' && a[1])
            return usage_error("unknown or incomplete option", a);
        else if (npos < 2)
            o.pos[npos++] = a;
        else
            return usage_error("too many arguments", a);
    }
    if (!o.config)
        return usage_error("--config is required", NULL);
    if (!o.out)
        return usage_error("-o OUT.csv is required", NULL);
    if (npos != 2)
        return usage_error("IMAGE and MASK are required", NULL);
    if (strcmp(o.format, "long") && strcmp(o.format, "wide"))
        return usage_error("--format must be long or wide", o.format);
    int all_labels = o.label && !strcmp(o.label, "all");
    long one_label = 0;
    if (o.label && !all_labels) {
        char *end;
        one_label = strtol(o.label, &end, 10);
        if (*end || end == o.label || one_label < 1 || one_label > 1000000000L)
            return usage_error("--label needs a positive label number or 'all'", o.label);
    }

    vx_error err;
    vx_error_clear(&err);
    vx_settings s;
    vx_settings_default(&s);
    if (vx_settings_load(o.config, &s, &err) != VX_OK) {
        fprintf(stderr, "voxomics extract: %s\n", err.msg);
        return 1;
    }
    if (o.threads > 0)
        s.features.threads = o.threads;

    char cid[256];
    if (o.case_id)
        snprintf(cid, sizeof cid, "%s", o.case_id);
    else
        case_from_path(o.pos[0], cid, sizeof cid);

    vx_image *img = NULL, *mask = NULL;
    vx_input_info ii, mi;
    memset(&ii, 0, sizeof ii);
    memset(&mi, 0, sizeof mi);
    vx_provenance prov;
    memset(&prov, 0, sizeof prov);
    prov.version = vx_version();
    vx_settings_hash(&s, prov.settings_hash);
    vx_dicom_options dopt;
    vx_dicom_options_default(&dopt);
    dopt.series_uid = o.series;
    dopt.suv = o.suv;

    int rc = vx_input_image(o.pos[0], &dopt, &img, &ii, &err);
    if (rc == VX_OK)
        rc = vx_input_mask(o.pos[1], img, &ii, o.resample_mask, &mask, &mi, &err);
    if (rc == VX_OK)
        rc = vx_path_sha256(ii.path, prov.image_sha256, &err);
    if (rc == VX_OK)
        rc = vx_path_sha256(mi.path, prov.mask_sha256, &err);
    int *labels = NULL;
    size_t nlabels = 0;
    if (rc == VX_OK && all_labels) {
        rc = vx_mask_labels(mask, &labels, &nlabels, &err);
        if (rc == VX_OK && nlabels == 0)
            rc = vx_error_set(&err, VX_EEMPTY, "%s: the mask holds no label > 0", o.pos[1]);
    }
    if (rc != VX_OK) {
        fprintf(stderr, "voxomics extract: case '%s': %s\n", cid, err.msg);
        vx_image_free(img);
        vx_image_free(mask);
        return 1;
    }
    if (ii.dicom.note[0])
        fprintf(stderr, "voxomics extract: case '%s': %s\n", cid, ii.dicom.note);
    if (mi.mask_resampled)
        fprintf(stderr, "voxomics extract: case '%s': mask resampled onto the image grid (nearest neighbour)\n", cid);

    /* write to a temporary file, then rename: never leave a half-written table */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", o.out, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "voxomics extract: %s: cannot write: %s\n", o.out, strerror(errno));
        free(labels);
        vx_image_free(img);
        vx_image_free(mask);
        return 1;
    }
    size_t nregions = all_labels ? nlabels : 1, nvals = 0;
    for (size_t r = 0; rc == VX_OK && r < nregions; r++) {
        int label = all_labels ? labels[r] : (int)one_label;
        char roi[sizeof mi.selector];
        if (label > 0)
            snprintf(roi, sizeof roi, "%d", label);
        else
            snprintf(roi, sizeof roi, "%s", mi.selector);
        vx_results res;
        vx_results_init(&res);
        rc = extract_region(img, mask, &s, label, o.largest, &ii, &mi, &res, &err);
        if (rc != VX_OK) {
            vx_error_prefix(&err, "image %s, mask %s%s%s: ", o.pos[0], o.pos[1], label > 0 ? ", label " : "",
                            label > 0 ? roi : "");
            fprintf(stderr, "voxomics extract: case '%s': %s\n", cid, err.msg);
        } else if (!strcmp(o.format, "long")) {
            rc = vx_results_write_long(f, cid, roi, "original", &res, &prov, r == 0);
        } else {
            rc = vx_results_write_wide(f, cid, roi, "original", &res, &prov, r == 0);
        }
        nvals += res.n + res.n_diag;
        vx_results_free(&res);
    }
    free(labels);
    vx_image_free(img);
    vx_image_free(mask);
    int extract_failed = rc != VX_OK;
    if (fclose(f) != 0 && rc == VX_OK)
        rc = VX_EIO;
    if (rc != VX_OK || rename(tmp, o.out) != 0) {
        if (!extract_failed)
            fprintf(stderr, "voxomics extract: %s: cannot write: %s\n", o.out, strerror(errno));
        unlink(tmp);
        return 1;
    }
    fprintf(stderr, "voxomics extract: case '%s': %zu values (%zu region%s) written to %s\n", cid, nvals, nregions,
            nregions == 1 ? "" : "s", o.out);
    return 0;
}
