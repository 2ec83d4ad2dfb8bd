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
            "usage: voxomics extract --config PARAMS [--format long|wide] [--case ID] [--threads N]\n"
            "         [--label N|all] [--largest-component] [--resample-mask] [--series UID] [--no-suv]\n"
            "         [--compat pyradiomics] -o OUT.csv IMAGE MASK\n"
            "       voxomics extract --config PARAMS --cohort CASES.csv [-j N] [--store RUN.db] [--retry-failed]\n"
            "         [--quiet] [same input options] -o FEATURES.csv\n"
            "  IMAGE: NIfTI/NRRD file, DICOM file or DICOM series folder\n"
            "  MASK:  mask file or folder, RTSTRUCT_FILE:ROI_NAME, SEG_FILE:SEGMENT, FILE.seg.nrrd:SEGMENT,\n"
            "         LABEL_IMAGE:N (see docs/inputs.md); PARAMS: voxomics YAML or a PyRadiomics parameter file\n");
    return 2;
}

static int parse_positive(const char *arg, const char *opt, int *out)
{
    char *end;
    long t = strtol(arg, &end, 10);
    if (*end || end == arg || t < 1 || t > 4096) {
        char msg[64];
        snprintf(msg, sizeof msg, "%s needs a positive integer", opt);
        return usage_error(msg, arg);
    }
    *out = (int)t;
    return 0;
}

/* One case: every region (one, or one per label) into a long or wide table. */
static int run_single(const extract_opts *o, const vx_settings *s)
{
    char cid[256];
    if (o->case_id)
        snprintf(cid, sizeof cid, "%s", o->case_id);
    else
        case_from_path(o->pos[0], cid, sizeof cid);
    vx_case_spec cs = {cid, o->pos[0], o->pos[1], o->label};
    vx_case_options co;
    cli_case_options(o, &co);
    vx_case_result r;
    if (vx_case_run(&cs, s, &co, &r) != VX_OK) {
        fprintf(stderr, "voxomics extract: case '%s': %s\n", cid, r.error ? r.error : "failed");
        vx_case_result_free(&r);
        return 1;
    }
    if (r.note[0])
        fprintf(stderr, "voxomics extract: case '%s': %s\n", cid, r.note);
    vx_provenance prov;
    memset(&prov, 0, sizeof prov);
    prov.version = vx_version();
    vx_settings_hash(s, prov.settings_hash);
    snprintf(prov.image_sha256, sizeof prov.image_sha256, "%s", r.image_sha256);
    snprintf(prov.mask_sha256, sizeof prov.mask_sha256, "%s", r.mask_sha256);

    /* write to a temporary file, then rename: never leave a half-written table */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", o->out, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "voxomics extract: %s: cannot write: %s\n", o->out, strerror(errno));
        vx_case_result_free(&r);
        return 1;
    }
    int rc = VX_OK;
    size_t nvals = 0;
    for (size_t g = 0; rc == VX_OK && g < r.n_regions; g++) {
        const vx_region_result *reg = &r.regions[g];
        if (!strcmp(o->format, "long"))
            rc = vx_results_write_long(f, cid, reg->roi, "original", &reg->res, &prov, g == 0);
        else
            rc = vx_results_write_wide(f, cid, reg->roi, "original", &reg->res, &prov, g == 0);
        nvals += reg->res.n + reg->res.n_diag;
    }
    size_t nregions = r.n_regions;
    vx_case_result_free(&r);
    if (fclose(f) != 0)
        rc = VX_EIO;
    if (rc != VX_OK || rename(tmp, o->out) != 0) {
        fprintf(stderr, "voxomics extract: %s: cannot write: %s\n", o->out, strerror(errno));
        unlink(tmp);
        return 1;
    }
    fprintf(stderr, "voxomics extract: case '%s': %zu values (%zu region%s) written to %s\n", cid, nvals, nregions,
            nregions == 1 ? "" : "s", o->out);
    return 0;
}

void cli_case_options(const extract_opts *o, vx_case_options *co)
{
    vx_case_options_default(co);
    co->resample_mask = o->resample_mask;
    co->largest_component = o->largest;
    co->dicom.series_uid = o->series;
    co->dicom.suv = o->suv;
}

int cli_extract(int argc, char **argv)
{
    extract_opts o = {.format = NULL, .threads = -1, .jobs = -1, .suv = 1};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if ((!strcmp(a, "--config") || !strcmp(a, "-c")) && has)
            o.config = argv[++i];
        else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has)
            o.out = argv[++i];
        else if (!strcmp(a, "--format") && has)
            o.format = argv[++i];
        else if (!strcmp(a, "--case") && has)
            o.case_id = argv[++i];
        else if (!strcmp(a, "--label") && has)
            o.label = argv[++i];
        else if (!strcmp(a, "--series") && has)
            o.series = argv[++i];
        else if (!strcmp(a, "--cohort") && has)
            o.cohort = argv[++i];
        else if (!strcmp(a, "--store") && has)
            o.store = argv[++i];
        else if (!strcmp(a, "--compat") && has)
            o.compat = argv[++i];
        else if (!strcmp(a, "--largest-component"))
            o.largest = 1;
        else if (!strcmp(a, "--resample-mask"))
            o.resample_mask = 1;
        else if (!strcmp(a, "--no-suv"))
            o.suv = 0;
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            o.quiet = 1;
        else if (!strcmp(a, "--retry-failed"))
            o.retry_failed = 1;
        else if (!strcmp(a, "--threads") && has) {
            if (parse_positive(argv[++i], "--threads", &o.threads))
                return 2;
        } else if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && has) {
            if (parse_positive(argv[++i], "-j", &o.jobs))
                return 2;
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
    if (o.cohort && npos)
        return usage_error("--cohort takes the cases from CASES.csv: no IMAGE MASK arguments", o.pos[0]);
    if (!o.cohort && npos != 2)
        return usage_error("IMAGE and MASK (or --cohort CASES.csv) are required", NULL);
    if (!o.cohort && (o.store || o.jobs > 0 || o.retry_failed))
        return usage_error("-j, --store and --retry-failed apply to --cohort runs", NULL);
    if (!o.format)
        o.format = o.cohort ? "wide" : "long";
    if (strcmp(o.format, "long") && strcmp(o.format, "wide"))
        return usage_error("--format must be long or wide", o.format);
    if (o.cohort && strcmp(o.format, "wide"))
        return usage_error("a cohort table is wide (one row per case)", o.format);
    if (o.compat && vx_compat_find(o.compat) < 0)
        return usage_error("--compat must be pyradiomics or ibsi", o.compat);
    if (o.label && strcmp(o.label, "all")) {
        char *end;
        long l = strtol(o.label, &end, 10);
        if (*end || end == o.label || l < 1 || l > 1000000000L)
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
    if (o.compat)
        s.compat = vx_compat_find(o.compat);
    return o.cohort ? cli_run_cohort(&o, &s) : run_single(&o, &s);
}
