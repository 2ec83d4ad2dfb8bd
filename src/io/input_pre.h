/* voxomics: a case's mask file read ahead, on another thread while the image decompresses (internal; used by
 * src/cohort/case.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_IO_INPUT_PRE_H
#define VX_IO_INPUT_PRE_H

#include "voxomics/input.h"

/* What vxio_mask_preload read. done = 0: nothing (a DICOM, RTSTRUCT or SEG mask, a .seg.nrrd segment or a spec
 * that does not name a file: vx_input_mask_channel reads it after the image, as always). done = 1: the file
 * `path` read and its values checked exactly as vx_input_mask_channel does (rc, m, err), and its SHA-256 (hash_rc,
 * hash, hash_err). */
typedef struct vxio_mask_pre {
    int done;
    char path[4096];
    int channel;
    int rc, hash_rc;
    vx_image *m;
    vx_error err, hash_err;
    char hash[65];
} vxio_mask_pre;

/* Read the mask file of spec (a plain NIfTI, NRRD or label image), check its values and hash it. Touches nothing
 * but pre. */
void vxio_mask_preload(const char *spec, int channel, vxio_mask_pre *pre);

/* vx_input_mask_channel, taking the file's reading from pre (then pre->m is taken) when pre read that file;
 * pre NULL or not done: reads it. Errors are those of vx_input_mask_channel, word for word. */
int vxio_input_mask_pre(const char *spec, const vx_image *image, const vx_input_info *image_info,
                        int resample_mask, int channel, vxio_mask_pre *pre, vx_image **mask, vx_input_info *info,
                        vx_error *err);

#endif
