/* libFuzzer target: the DICOM parser, pixel decoding (every codec) and series assembly.
 * The input is parsed in memory (vx_dcm_parse), every frame of an image is decoded, then the same bytes are
 * read as a one-file series through the public reader.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/dicom.h"
#include "voxomics/dicom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *temp_path(void)
{
    static char path[64]; /* the fuzz driver's own state, not library state */
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/vx_fuzz_dicom_%ld.dcm", (long)getpid());
    }
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vx_error err;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    vx_dcm_file f;
    if (vx_dcm_parse("fuzz", copy, size, &f, &err) == VX_OK) {
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

    const char *path = temp_path();
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    vx_image *img = NULL;
    vx_dicom_info info;
    if (vx_dicom_read(path, NULL, &img, &info, &err) == VX_OK)
        vx_image_free(img);
    return 0;
}
