/* libFuzzer target: vx_image_read (NIfTI-1/2, plain or gzip-compressed; other formats by their content) on
 * arbitrary bytes. The bytes go to a private temporary file named f.nii; a two-file NIfTI header (magic
 * "ni1"/"ni2") is also written as f.hdr with the same bytes as its f.img, to exercise the pair reader. Gzip
 * bytes (decompressed whole by libdeflate, src/io/gzip.c) are also read through zlib's stream alone
 * (vxio_nifti_read_zlib): when both readings succeed, the images must be identical.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "io/gzip.h"
#include "voxomics/io.h"

static void read_and_free(const char *path)
{
    vx_image *img = NULL;
    vx_error err;
    vx_error_clear(&err);
    if (vx_image_read(path, &img, &err) == VX_OK) {
        if (!img)
            abort();
        vx_image_free(img);
    } else if (img || err.msg[0] == '\0') {
        abort(); /* a failure must leave no image and must say why */
    }
}

/* libdeflate's reading against zlib's: identical whenever both succeed. */
static void same_as_zlib(const char *path)
{
    vx_image *a = NULL, *b = NULL;
    vx_error ea, eb;
    if (vx_nifti_read(path, &a, &ea) == VX_OK && vxio_nifti_read_zlib(path, &b, &eb) == VX_OK) {
        size_t n = vx_geometry_count(&a->geom);
        if (memcmp(&a->geom, &b->geom, sizeof a->geom) != 0 || a->pixel_type != b->pixel_type ||
            memcmp(a->v, b->v, n * sizeof *a->v) != 0)
            abort();
    }
    vx_image_free(a);
    vx_image_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p_nii = fuzz_path("f.nii");
    fuzz_put(p_nii, data, size);
    read_and_free(p_nii);
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        same_as_zlib(p_nii);
    int pair = (size >= 348 && memcmp(data + 344, "ni1", 4) == 0) || (size >= 12 && memcmp(data + 4, "ni2", 4) == 0);
    if (pair) {
        fuzz_put(fuzz_path("f.hdr"), data, size);
        fuzz_put(fuzz_path("f.img"), data, size);
        read_and_free(fuzz_path("f.hdr"));
    }
    return 0;
}
