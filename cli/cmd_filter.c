/* voxomics filter: the response map of one IBSI 2 filter of a settings file on a whole image, written as a
 * float32 NIfTI with the image's geometry (vx_filter_image).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct filter_opts {
    const char *config, *out, *type;
    int quiet;
} filter_opts;

#define OFF(f) offsetof(filter_opts, f)
static const cli_opt filter_table[] = {
    {"--config", "-c", "F.yaml", "required",
     "settings file whose image_types.filters list the filter (docs/config.md \"Filters\")", CLI_STR, OFF(config), 0,
     0, 0},
    {"--output", "-o", "MAP.nii.gz", "required", "the response map written (NIfTI-1, float32; .gz compresses)",
     CLI_STR, OFF(out), 0, 0, 0},
    {"--image-type", "-t", "NAME", "the only filter",
     "which filter of the file, by its image-type name (e.g. log_s3.0mm_3D) or its position 1, 2, ...", CLI_STR,
     OFF(type), 0, 0, 0},
    CLI_QUIET(filter_opts),
    CLI_END};

/* the filter the options select: --image-type NAME or N, else the file's only filter */
static const vx_image_type_settings *pick(const cli_command *c, const vx_settings *s, const char *type,
                                          const char *config)
{
    if (!s->n_filters) {
        fprintf(stderr, "voxomics filter: %s: lists no filter; add image_types.filters: [{filter: log, sigma_mm: "
                        "3}] (docs/config.md \"Filters\")\n", config);
        return NULL;
    }
    if (!type) {
        if (s->n_filters == 1)
            return &s->filters[0];
        fprintf(stderr, "voxomics filter: %s: lists %d filters; choose one with --image-type:", config, s->n_filters);
        for (int i = 0; i < s->n_filters; i++)
            fprintf(stderr, " %s", s->filters[i].name);
        fputc('\n', stderr);
        return NULL;
    }
    char *end;
    long k = strtol(type, &end, 10);
    if (end != type && !*end && k >= 1 && k <= s->n_filters)
        return &s->filters[k - 1];
    for (int i = 0; i < s->n_filters; i++)
        if (!strcmp(s->filters[i].name, type))
            return &s->filters[i];
    fprintf(stderr, "voxomics filter: %s: no image type '%s'; the file lists:", config, type);
    for (int i = 0; i < s->n_filters; i++)
        fprintf(stderr, " %s", s->filters[i].name);
    fputc('\n', stderr);
    (void)c;
    return NULL;
}

static int run_filter(const cli_command *c, int argc, char **argv)
{
    filter_opts o = {NULL, NULL, NULL, 0};
    const char *pos[1];
    int npos, pr = cli_parse(c, argc, argv, &o, pos, 1, &npos);
    if (pr)
        return pr == CLI_DONE ? 0 : pr;
    if (!o.config)
        return cli_usage_error(c, "--config F.yaml is required", NULL);
    if (!o.out)
        return cli_usage_error(c, "-o MAP.nii.gz is required", NULL);
    if (npos != 1)
        return cli_usage_error(c, "give one IMAGE", NULL);
    vx_settings *s = malloc(sizeof *s);
    if (!s) {
        fprintf(stderr, "voxomics filter: out of memory\n");
        return 1;
    }
    vx_settings_default(s);
    vx_error err;
    vx_error_clear(&err);
    vx_image *img = NULL, *map = NULL;
    vx_fft_cache *fft = NULL;
    int rc = vx_settings_load(o.config, s, &err);
    const vx_image_type_settings *t = NULL;
    if (rc == VX_OK && !(t = pick(c, s, o.type, o.config))) {
        free(s);
        return 1;
    }
    if (rc == VX_OK)
        rc = vx_image_read(pos[0], &img, &err);
    if (rc == VX_OK)
        rc = vx_fft_cache_new(&fft, &err);
    vx_filter_spec f;
    if (rc == VX_OK) {
        f = t->filter;
        f.slice_axis = s->features.slice_axis; /* 2D filters in the planes of the settings' slice axis */
    }
    if (rc == VX_OK && (rc = vx_filter_image(fft, &f, img, &map, &err)) != VX_OK)
        vx_error_prefix(&err, "%s: ", pos[0]);
    if (rc == VX_OK)
        rc = vx_nifti_write(o.out, map, map->geom.dims[0] > 32767 || map->geom.dims[1] > 32767 ||
                                                map->geom.dims[2] > 32767 ? 2 : 1, &err);
    if (rc == VX_OK && !o.quiet)
        fprintf(stderr, "voxomics filter: wrote %s (%s, %zux%zux%zu)\n", o.out, t->name, map->geom.dims[0],
                map->geom.dims[1], map->geom.dims[2]);
    vx_fft_cache_free(fft);
    vx_image_free(img);
    vx_image_free(map);
    free(s);
    if (rc != VX_OK) {
        fprintf(stderr, "voxomics filter: %s\n", err.msg);
        return 1;
    }
    return 0;
}

const cli_command cli_cmd_filter = {
    "filter",
    "write the response map of an IBSI 2 filter (mean, LoG, Laws, Gabor, wavelets, Simoncelli, Riesz) of an image",
    "--config F.yaml [--image-type NAME] -o MAP.nii.gz IMAGE",
    "IMAGE  the image (NIfTI, NRRD or a DICOM series folder); filtered on its own grid, as it is",
    filter_table,
    "Only the filter acts: the settings file's resampling, rounding and re-segmentation are for extract, which "
    "filters the processed image and computes the feature families on each response map. The IBSI 2 phase 1 "
    "configurations are in configs/ibsi2/phase1/.",
    "voxomics filter --config configs/ibsi2/phase1/2.a.yaml -o log.nii.gz "
    "../shared/ibsi/ibsi2/phase1_phantoms/impulse/image.nii.gz",
    "0  written\n1  the settings, image or output failed (one line says which and why)\n2  wrong command line",
    run_filter};
