/* libFuzzer target: the DICOM parser, pixel decoding (every codec) and series assembly.
 *
 * The bytes are parsed in memory (vx_dcm_parse, the parser under vx_dcm_read). When that fails, the file
 * readers would fail the same way, so the input is done. Otherwise they are read as a one-file series through
 * the public reader (vx_dicom_read, which decodes every frame); when that refuses the file, every frame (at most
 * 64) is still decoded from memory, so that the codecs see the pixel data of files the series reader rejects
 * (no position, odd geometry). A valid image is thus decoded once, not twice.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "io/dicom.h"
#include "voxomics/dicom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vx_error err;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    vx_dcm_file f;
    if (vx_dcm_parse("fuzz", copy, size, &f, &err) != VX_OK) {
        vx_dcm_free(&f); /* frees copy */
        return 0;
    }

    const char *path = fuzz_path("f.dcm");
    fuzz_put(path, data, size);
    vx_image *img = NULL;
    vx_dicom_info info;
    if (vx_dicom_read(path, NULL, &img, &info, &err) == VX_OK) {
        vx_image_free(img);
    } else {
        vx_dcm_pixfmt pf;
        size_t nframes;
        if (vx_dcm_pixfmt_read(&f, &pf, &nframes, &err) == VX_OK && nframes <= 64) {
            double *out = malloc((size_t)pf.rows * pf.cols * sizeof *out);
            for (size_t k = 0; out && k < nframes; k++)
                if (vx_dcm_frame(&f, &pf, nframes, k, out, &err) != VX_OK)
                    break;
            free(out);
        }
    }
    vx_dcm_free(&f);
    return 0;
}
