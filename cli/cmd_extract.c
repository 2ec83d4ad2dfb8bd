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
    if (r.note[0] && !o->quiet)
        fprintf(stderr, "voxomics extract: case '%s': %s\n", cid, r.note);
    vx_provenance prov;
    memset(&prov, 0, sizeof prov);
    prov.version = vx_version();
    vx_settings_hash(s, prov.settings_hash);
    snprintf(prov.image_sha256, sizeof prov.image_sha256, "%s", r.image_sha256);
    snprintf(prov.mask_sha256, sizeof prov.mask_sha256, "%s", r.mask_sha256);

    /* a regular file is written beside and renamed in (never half-written); "-", fifos, devices stream */
    vx_error err;
    vx_error_clear(&err);
    vx_outfile *of;
    FILE *f = vx_outfile_open(o->out, &of, &err);
    if (!f) {
        fprintf(stderr, "voxomics extract: %s\n", err.msg);
        vx_case_result_free(&r);
        return 1;
    }
    int rc = VX_OK;
    size_t nvals = 0;
    for (size_t g = 0; rc == VX_OK && g < r.n_regions; g++) {
        const vx_region_result *reg = &r.regions[g];
        if (!strcmp(o->format, "long"))
            rc = vx_results_write_long(f, cid, reg->roi, &reg->res, &prov, g == 0);
        else
            rc = vx_results_write_wide_named(f, cid, reg->roi, &reg->res, &prov, g == 0,
                                             s->compat == VX_COMPAT_PYRADIOMICS ? VX_NAMES_PYRADIOMICS
                                                                                : VX_NAMES_IBSI);
        nvals += reg->res.n + reg->res.n_diag + reg->res.n_text;
    }
    size_t nregions = r.n_regions;
    vx_case_result_free(&r);
    if (rc != VX_OK) {
        fprintf(stderr, "voxomics extract: %s: cannot write: %s\n", o->out, strerror(errno));
        vx_outfile_abort(of);
        return 1;
    }
    if (vx_outfile_commit(of, &err) != VX_OK) {
        fprintf(stderr, "voxomics extract: %s\n", err.msg);
        return 1;
    }
    if (!o->quiet)
        fprintf(stderr, "voxomics extract: case '%s': %zu values (%zu region%s) written to %s\n", cid, nvals,
                nregions, nregions == 1 ? "" : "s", strcmp(o->out, "-") ? o->out : "standard output");
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

#define OFF(f) offsetof(extract_opts, f)
static const cli_opt extract_table[] = {
    {"--config", "-c", "PARAMS", "required",
     "settings: a voxomics YAML file (docs/config.md) or a PyRadiomics parameter file", CLI_STR, OFF(config), 0, 0, 0},
    {"--output", "-o", "OUT.csv", "required",
     "the feature table; '-' writes to standard output, a symbolic link writes its target, a fifo or device is "
     "written as a stream, a regular file is replaced atomically",
     CLI_STR, OFF(out), 0, 0, 0},
    {"--format", NULL, "long|wide", "long; wide with --cohort",
     "long: one row per feature value; wide: one row per case and region", CLI_STR, OFF(format), 0, 0, 0},
    {"--case", NULL, "ID", "the image file name without its extension", "the case id written in the table",
     CLI_STR, OFF(case_id), 0, 0, 0},
    {"--threads", NULL, "N", "features.threads of the settings, else 1",
     "threads inside one case (results are bit-identical for any N)", CLI_INT, OFF(threads), 1, 4096, 0},
    {"--label", NULL, "N|all", "every voxel >= mask_threshold",
     "the ROI is the mask voxels equal to N; 'all': one result set per label present", CLI_STR, OFF(label), 0, 0, 0},
    {"--largest-component", NULL, NULL, NULL, "keep only the largest 26-connected component of the ROI", CLI_FLAG,
     OFF(largest), 0, 0, 1},
    {"--resample-mask", NULL, NULL, NULL,
     "resample a mask on another grid onto the image grid (nearest neighbour) instead of failing", CLI_FLAG,
     OFF(resample_mask), 0, 0, 1},
    {"--series", NULL, "UID", "the only series of the folder",
     "the DICOM series to read when a folder holds several", CLI_STR, OFF(series), 0, 0, 0},
    {"--no-suv", NULL, NULL, "SUV (body weight) for PET", "keep PET values in Bq/ml instead of converting to SUV",
     CLI_FLAG, OFF(suv), 0, 0, 0},
    {"--compat", NULL, "pyradiomics|ibsi", "compat of the settings (ibsi; pyradiomics for a PyRadiomics file)",
     "reproduce PyRadiomics' conventions and column names, or IBSI's", CLI_STR, OFF(compat), 0, 0, 0},
    {"--cohort", NULL, "CASES.csv", NULL,
     "run a whole study: a CSV with columns id,image,mask (docs/inputs.md); writes one wide table", CLI_STR,
     OFF(cohort), 0, 0, 0},
    {"--jobs", "-j", "N", "the number of CPU cores", "cases run in parallel (--cohort)", CLI_INT, OFF(jobs), 1, 4096,
     0},
    {"--store", NULL, "RUN.db", NULL,
     "SQLite store of finished cases (--cohort): a rerun skips them, an interrupted run resumes", CLI_STR,
     OFF(store), 0, 0, 0},
    {"--retry-failed", NULL, NULL, NULL, "run the cases stored as failed again (--cohort --store)", CLI_FLAG,
     OFF(retry_failed), 0, 0, 1},
    CLI_QUIET(extract_opts),
    CLI_END};

static int run_extract(const cli_command *c, int argc, char **argv)
{
    extract_opts o = {.format = NULL, .threads = -1, .jobs = -1, .suv = 1};
    int npos = 0;
    int pr = cli_parse(c, argc, argv, &o, o.pos, 2, &npos);
    if (pr)
        return pr == CLI_DONE ? 0 : pr;
    if (!o.config)
        return cli_usage_error(c, "--config PARAMS is required", NULL);
    if (!o.out)
        return cli_usage_error(c, "-o OUT.csv is required ('-' for standard output)", NULL);
    if (o.cohort && npos)
        return cli_usage_error(c, "--cohort takes the cases from CASES.csv: no IMAGE MASK arguments", o.pos[0]);
    if (!o.cohort && npos != 2)
        return cli_usage_error(c, "IMAGE and MASK (or --cohort CASES.csv) are required", NULL);
    if (!o.cohort && (o.store || o.jobs > 0 || o.retry_failed))
        return cli_usage_error(c, "-j, --store and --retry-failed apply to --cohort runs", NULL);
    if (!o.format)
        o.format = o.cohort ? "wide" : "long";
    if (strcmp(o.format, "long") && strcmp(o.format, "wide"))
        return cli_usage_error(c, "--format must be long or wide", o.format);
    if (o.cohort && strcmp(o.format, "wide"))
        return cli_usage_error(c, "a cohort table is wide (one row per case)", o.format);
    if (o.compat && vx_compat_find(o.compat) < 0)
        return cli_usage_error(c, "--compat must be pyradiomics or ibsi", o.compat);
    if (o.label && strcmp(o.label, "all")) {
        char *end;
        long l = strtol(o.label, &end, 10);
        if (*end || end == o.label || l < 1 || l > 1000000000L)
            return cli_usage_error(c, "--label needs a positive label number or 'all'", o.label);
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
        s.features.threads = (int)o.threads;
    if (o.compat)
        s.compat = vx_compat_find(o.compat);
    return o.cohort ? cli_run_cohort(&o, &s) : run_single(&o, &s);
}

const cli_command cli_cmd_extract = {
    "extract",
    "compute IBSI features of one image and mask, or of a whole cohort",
    "--config PARAMS [options] -o OUT.csv IMAGE MASK\n"
    "--config PARAMS --cohort CASES.csv [-j N] [--store RUN.db] [--retry-failed] [options] -o FEATURES.csv",
    "IMAGE  NIfTI (.nii, .nii.gz) or NRRD file, a DICOM file or a DICOM series folder\n"
    "MASK   mask file or folder, RTSTRUCT_FILE:ROI_NAME, SEG_FILE:SEGMENT, FILE.seg.nrrd:SEGMENT or\n"
    "       LABEL_IMAGE:N (docs/inputs.md)",
    extract_table,
    "A single case writes a long table (case, roi, feature, value and provenance columns) unless --format wide. "
    "A cohort (--cohort) writes one wide row per case; the rows of failed cases carry their error.",
    "voxomics synth --size 48 --radius 10 -o synth_case\n"
    "voxomics extract --config configs/examples/ct_3d.yaml -o features.csv synth_case/image.nii.gz "
    "synth_case/mask.nii.gz\n"
    "voxomics extract --config configs/examples/ct_3d.yaml --format wide -o - synth_case/image.nii.gz "
    "synth_case/mask.nii.gz",
    "0  the table was written (with --cohort: every case succeeded)\n"
    "1  the run failed: settings, inputs or output (one line naming the file and the problem)\n"
    "2  wrong command line\n"
    "3  --cohort: the table was written, but some cases failed (their rows carry the error)",
    run_extract};
