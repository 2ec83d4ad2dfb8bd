/* voxomics maps: voxel maps (vx_maps_compute): for every ROI voxel the features of the kernel around it, one
 * float32 NIfTI per feature into a folder (docs/maps.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

typedef struct maps_opts {
    const char *config, *out, *kernel, *init, *masked;
    long radius, threads, label, batch;
    int quiet, unmasked;
} maps_opts;

#define OFF(f) offsetof(maps_opts, f)
static const cli_opt maps_table[] = {
    {"--config", "-c", "F.yaml", "required",
     "settings file (voxomics YAML or a PyRadiomics parameter file, whose voxelSetting is read)", CLI_STR,
     OFF(config), 0, 0, 0},
    {"--output", "-o", "OUTDIR", "required",
     "folder for the maps (made when missing): OUTDIR/NAME.nii.gz per feature, NAME its column name", CLI_STR,
     OFF(out), 0, 0, 0},
    {"--kernel-radius", "-r", "N", "1, or the file's kernelRadius",
     "kernel radius in voxels (PyRadiomics' kernelRadius)", CLI_INT, OFF(radius), 1, 15, 0},
    {"--kernel", NULL, "cube|sphere", "cube",
     "kernel shape: cube (Chebyshev distance <= N, PyRadiomics') or sphere (Euclidean distance <= N, in voxels)",
     CLI_STR, OFF(kernel), 0, 0, 0},
    {"--masked-kernel", NULL, "true|false", "true, or the file's maskedKernel",
     "true: a kernel holds its voxels in the ROI only; false: every voxel of the image within it, the grey levels "
     "then discretised over the ROI's box padded by the radius (PyRadiomics' maskedKernel)",
     CLI_STR, OFF(masked), 0, 0, 0},
    {"--unmasked", NULL, NULL, NULL, "--masked-kernel false", CLI_FLAG, OFF(unmasked), 0, 0, 1},
    {"--voxel-batch", NULL, "N", "one x row, or the file's voxelBatch",
     "ROI voxels per work unit of the threads, in whole x rows (PyRadiomics' voxelBatch; the maps do not depend "
     "on it)", CLI_INT, OFF(batch), 1, 2147483647, 0},
    {"--init-value", NULL, "X|nan", "0, or the file's initValue",
     "value of the maps outside the ROI (PyRadiomics' initValue)", CLI_STR, OFF(init), 0, 0, 0},
    {"--label", "-l", "N", "the settings' input.mask_label", "the mask label of the ROI", CLI_INT, OFF(label), 1,
     2147483647, 0},
    {"--threads", "-j", "N", "1", "threads over work units of x rows (the maps do not depend on it)", CLI_INT, OFF(threads), 1,
     1024, 0},
    CLI_QUIET(maps_opts),
    CLI_END};

/* The options given on the command line over the file's voxelSetting; 2 on a bad value. */
static int apply_options(const cli_command *c, const maps_opts *o, vx_settings *s, vx_maps_settings *ms)
{
    if (o->radius)
        ms->radius = (int)o->radius;
    if (o->threads)
        ms->threads = (int)o->threads;
    if (o->label)
        s->mask_label = (int)o->label;
    if (o->batch)
        ms->batch = (int)o->batch;
    if (o->unmasked || (o->masked && !strcmp(o->masked, "false")))
        ms->masked = 0;
    else if (o->masked && !strcmp(o->masked, "true"))
        ms->masked = 1;
    else if (o->masked)
        return cli_usage_error(c, "--masked-kernel takes true or false", o->masked);
    if (o->kernel && !strcmp(o->kernel, "cube"))
        ms->shape = VX_KERNEL_CUBE;
    else if (o->kernel && !strcmp(o->kernel, "sphere"))
        ms->shape = VX_KERNEL_SPHERE;
    else if (o->kernel)
        return cli_usage_error(c, "--kernel takes cube or sphere", o->kernel);
    if (o->init) {
        char *end;
        double v = strtod(o->init, &end);
        if (end == o->init || *end)
            return cli_usage_error(c, "--init-value takes a number or nan", o->init);
        ms->init_value = v;
    }
    return 0;
}

/* Every map of m into the folder dir. */
static int write_maps(const vx_maps *m, const char *dir, vx_error *err)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return vx_error_set(err, VX_EIO, "%s: cannot make the output folder: %s", dir, strerror(errno));
    const int version = m->geom.dims[0] > 32767 || m->geom.dims[1] > 32767 || m->geom.dims[2] > 32767 ? 2 : 1;
    char path[4200];
    int rc = VX_OK;
    for (size_t k = 0; k < m->n_features && rc == VX_OK; k++) {
        vx_image *im = NULL;
        snprintf(path, sizeof path, "%s/%s.nii.gz", dir, m->name[k]);
        rc = vx_maps_image(m, k, &im, err);
        if (rc == VX_OK)
            rc = vx_nifti_write(path, im, version, err);
        vx_image_free(im);
    }
    return rc;
}

static int maps_load(const maps_opts *o, const char *const pos[2], vx_settings *s, vx_maps_settings *ms,
                     vx_image **img, vx_image **mask, vx_error *err)
{
    int rc = vx_settings_load(o->config, s, err);
    if (rc == VX_OK)
        rc = vx_maps_settings_load(o->config, ms, err);
    if (rc == VX_OK && (rc = vx_image_read(pos[0], img, err)) != VX_OK)
        vx_error_prefix(err, "%s: ", pos[0]);
    if (rc == VX_OK && (rc = vx_image_read(pos[1], mask, err)) != VX_OK)
        vx_error_prefix(err, "%s: ", pos[1]);
    return rc;
}

static int run_maps(const cli_command *c, int argc, char **argv)
{
    maps_opts o = {0};
    const char *pos[2];
    int npos, pr = cli_parse(c, argc, argv, &o, pos, 2, &npos);
    if (pr)
        return pr == CLI_DONE ? 0 : pr;
    if (!o.config)
        return cli_usage_error(c, "--config F.yaml is required", NULL);
    if (!o.out)
        return cli_usage_error(c, "-o OUTDIR is required", NULL);
    if (npos != 2)
        return cli_usage_error(c, "give IMAGE and MASK", NULL);
    vx_settings *s = malloc(sizeof *s);
    if (!s) {
        fprintf(stderr, "voxomics maps: out of memory\n");
        return 1;
    }
    vx_settings_default(s);
    vx_maps_settings ms;
    vx_maps_settings_default(&ms);
    vx_error err;
    vx_error_clear(&err);
    vx_image *img = NULL, *mask = NULL;
    vx_maps m = {0};
    int rc = maps_load(&o, pos, s, &ms, &img, &mask, &err);
    int ur = rc == VX_OK ? apply_options(c, &o, s, &ms) : 0;
    if (rc == VX_OK && !ur)
        rc = vx_maps_compute(img, mask, s, &ms, &m, &err);
    if (rc == VX_OK && !ur)
        rc = write_maps(&m, o.out, &err);
    if (rc == VX_OK && !ur && !o.quiet)
        fprintf(stderr, "voxomics maps: wrote %zu maps of %zu ROI voxels (%zux%zux%zu) into %s\n", m.n_features,
                m.n_vox, m.geom.dims[0], m.geom.dims[1], m.geom.dims[2], o.out);
    vx_maps_free(&m);
    vx_image_free(img);
    vx_image_free(mask);
    free(s);
    if (ur)
        return ur;
    if (rc != VX_OK) {
        fprintf(stderr, "voxomics maps: %s\n", err.msg);
        return 1;
    }
    return 0;
}

const cli_command cli_cmd_maps = {
    "maps",
    "voxel maps: for every ROI voxel the features of a kernel around it, one NIfTI per feature",
    "--config F.yaml [-r N] [--kernel cube|sphere] [--unmasked] [-j N] -o OUTDIR IMAGE MASK",
    "IMAGE  the image (NIfTI or NRRD)\nMASK   its mask, on the image grid",
    maps_table,
    "The ROI is processed and discretised once, as extract does; each ROI voxel's kernel (its neighbours within "
    "the radius, in the ROI, or every image voxel with --unmasked) is then its own ROI for the intensity statistics, intensity histogram, GLCM, GLRLM, "
    "GLSZM, GLDZM, NGTDM and NGLDM of the settings, under their 3D aggregations, on the original image and on "
    "each filter's response map (docs/maps.md). The maps are float32 NIfTI-1 files on the processed grid.",
    "voxomics maps --config configs/examples/ct_3d.yaml -r 1 -o maps/ "
    "../shared/ibsi/ibsi1/digital_phantom/image.nii.gz ../shared/ibsi/ibsi1/digital_phantom/mask.nii.gz",
    "0  written\n1  the settings, images, maps or outputs failed (one line says which and why)\n2  wrong command "
    "line",
    run_maps};
