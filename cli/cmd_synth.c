/* voxomics synth: write a synthetic CT-like volume and its lesion mask (NIfTI), for demos and benchmarks.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

typedef struct synth_opts {
    const char *dir;
    long size, depth, seed;
    double spacing, radius, lobulation, noise;
    int integer, quiet;
} synth_opts;

#define OFF(f) offsetof(synth_opts, f)
static const cli_opt synth_table[] = {
    {"--output", "-o", "DIR", "required", "the folder written (created if missing): DIR/image.nii.gz and "
     "DIR/mask.nii.gz", CLI_STR, OFF(dir), 0, 0, 0},
    {"--size", NULL, "N", "128", "voxels along each axis (N x N x N)", CLI_INT, OFF(size), 1, 2048, 0},
    {"--depth", NULL, "N", "N of --size", "voxels along z (N x N x depth; e.g. --size 512 --depth 300 --radius 170: a "
     "CT-sized case with a ROI of about 20 million voxels)", CLI_INT, OFF(depth), 1, 2048, 0},
    {"--integer", NULL, NULL, NULL, "store the image as int16 and the mask as uint8, as CT files are (default: float32)",
     CLI_FLAG, OFF(integer), 0, 0, 1},
    {"--spacing", NULL, "MM", "1", "voxel spacing in mm (isotropic)", CLI_NUM, OFF(spacing), 1e-3, 100, 0},
    {"--radius", NULL, "MM", "30", "lesion radius in mm", CLI_NUM, OFF(radius), 0, 1e5, 0},
    {"--lobulation", NULL, "F", "0.15", "lesion surface lobulation, 0 (a sphere) to 0.9", CLI_NUM, OFF(lobulation), 0,
     0.9, 0},
    {"--noise", NULL, "HU", "20", "Gaussian noise standard deviation in HU", CLI_NUM, OFF(noise), 0, 1e4, 0},
    {"--seed", NULL, "S", "1", "random seed (the same seed gives the same files)", CLI_INT, OFF(seed), 0, 4000000000.0,
     0},
    CLI_QUIET(synth_opts),
    CLI_END};

static int run_synth(const cli_command *c, int argc, char **argv)
{
    vx_synth_params p;
    vx_synth_default(&p);
    synth_opts o = {NULL, (long)p.dims[0], 0, (long)p.seed, p.spacing[0], p.lesion_radius_mm, 0.15, p.noise_hu, 0, 0};
    const char *pos[1];
    int npos, pr = cli_parse(c, argc, argv, &o, pos, 0, &npos);
    if (pr)
        return pr == CLI_DONE ? 0 : pr;
    if (!o.dir)
        return cli_usage_error(c, "-o DIR is required", NULL);
    p.dims[0] = p.dims[1] = p.dims[2] = (size_t)o.size;
    if (o.depth > 0)
        p.dims[2] = (size_t)o.depth;
    p.spacing[0] = p.spacing[1] = p.spacing[2] = o.spacing;
    p.lesion_radius_mm = o.radius;
    p.lobulation = o.lobulation;
    p.noise_hu = o.noise;
    p.seed = (unsigned long)o.seed;
    if (mkdir(o.dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "voxomics synth: %s: cannot create the folder: %s\n", o.dir, strerror(errno));
        return 1;
    }
    vx_error err;
    vx_error_clear(&err);
    vx_image *img = NULL, *mask = NULL;
    char ip[4096], mp[4096];
    snprintf(ip, sizeof ip, "%s/image.nii.gz", o.dir);
    snprintf(mp, sizeof mp, "%s/mask.nii.gz", o.dir);
    /* each file is written under a temporary name in DIR and renamed when complete: never a partial file */
    char it[4200], mt[4200];
    snprintf(it, sizeof it, "%s/.image.tmp.%ld.nii.gz", o.dir, (long)getpid());
    snprintf(mt, sizeof mt, "%s/.mask.tmp.%ld.nii.gz", o.dir, (long)getpid());
    int rc = vx_synth_ct(&p, &img, &mask, &err);
    if (rc == VX_OK)
        rc = vx_nifti_write_as(it, img, 1, o.integer ? VX_PIXEL_INT16 : VX_PIXEL_FLOAT32, &err);
    if (rc == VX_OK)
        rc = vx_nifti_write_as(mt, mask, 1, o.integer ? VX_PIXEL_UINT8 : VX_PIXEL_FLOAT32, &err);
    if (rc == VX_OK && (rename(it, ip) != 0 || rename(mt, mp) != 0))
        rc = vx_error_set(&err, VX_EIO, "%s: cannot move the written files into place: %s", o.dir, strerror(errno));
    unlink(it);
    unlink(mt);
    vx_image_free(img);
    vx_image_free(mask);
    if (rc != VX_OK) {
        fprintf(stderr, "voxomics synth: %s\n", err.msg);
        return 1;
    }
    if (!o.quiet)
        fprintf(stderr, "voxomics synth: wrote %s and %s\n", ip, mp);
    return 0;
}

const cli_command cli_cmd_synth = {
    "synth",
    "write a synthetic CT-like volume and lesion mask (NIfTI) for demos and benchmarks",
    "[--size N] [--depth N] [--integer] [--spacing MM] [--radius MM] [--lobulation F] [--noise HU] [--seed S] -o DIR",
    NULL,
    synth_table,
    NULL,
    "voxomics synth --size 48 --radius 10 --seed 3 -o synth_case",
    "0  written\n1  the folder or files could not be written\n2  wrong command line",
    run_synth};
