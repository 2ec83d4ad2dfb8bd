/* voxomics synth: write a synthetic CT-like volume and its lesion mask (NIfTI), for demos and benchmarks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static int bad(const char *msg, const char *arg)
{
    fprintf(stderr, "voxomics synth: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "usage: voxomics synth [--size N] [--spacing MM] [--radius MM] [--lobulation F] [--noise HU] "
                    "[--seed S] -o DIR\n");
    return 2;
}

static int num(const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi))
        return 0;
    *out = v;
    return 1;
}

int cli_synth(int argc, char **argv)
{
    vx_synth_params p;
    vx_synth_default(&p);
    p.lobulation = 0.15;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        double v;
        const char *a = argv[i];
        if (!strcmp(a, "-o") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(a, "--size") && i + 1 < argc && num(argv[i + 1], 1, 2048, &v)) {
            i++;
            p.dims[0] = p.dims[1] = p.dims[2] = (size_t)v;
        } else if (!strcmp(a, "--spacing") && i + 1 < argc && num(argv[i + 1], 1e-3, 100, &v)) {
            i++;
            p.spacing[0] = p.spacing[1] = p.spacing[2] = v;
        } else if (!strcmp(a, "--radius") && i + 1 < argc && num(argv[i + 1], 0, 1e5, &v)) {
            i++;
            p.lesion_radius_mm = v;
        } else if (!strcmp(a, "--lobulation") && i + 1 < argc && num(argv[i + 1], 0, 0.9, &v)) {
            i++;
            p.lobulation = v;
        } else if (!strcmp(a, "--noise") && i + 1 < argc && num(argv[i + 1], 0, 1e4, &v)) {
            i++;
            p.noise_hu = v;
        } else if (!strcmp(a, "--seed") && i + 1 < argc && num(argv[i + 1], 0, 4e9, &v)) {
            i++;
            p.seed = (unsigned long)v;
        } else
            return bad("unknown option or invalid value", a);
    }
    if (!dir)
        return bad("-o DIR is required", NULL);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "voxomics synth: %s: cannot create directory: %s\n", dir, strerror(errno));
        return 1;
    }
    vx_error err;
    vx_error_clear(&err);
    vx_image *img = NULL, *mask = NULL;
    char ip[4096], mp[4096];
    snprintf(ip, sizeof ip, "%s/image.nii.gz", dir);
    snprintf(mp, sizeof mp, "%s/mask.nii.gz", dir);
    int rc = vx_synth_ct(&p, &img, &mask, &err);
    if (rc == VX_OK)
        rc = vx_nifti_write(ip, img, 1, &err);
    if (rc == VX_OK)
        rc = vx_nifti_write(mp, mask, 1, &err);
    vx_image_free(img);
    vx_image_free(mask);
    if (rc != VX_OK) {
        fprintf(stderr, "voxomics synth: %s\n", err.msg);
        return 1;
    }
    fprintf(stderr, "voxomics synth: wrote %s and %s\n", ip, mp);
    return 0;
}
