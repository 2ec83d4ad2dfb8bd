/* libFuzzer target: vx_image_read (NIfTI-1/2, plain or gzip-compressed; other formats by their content) on
 * arbitrary bytes. The bytes go to a private temporary file named f.nii; a two-file NIfTI header (magic
 * "ni1"/"ni2") is also written as f.hdr with the same bytes as its f.img, to exercise the pair reader.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "voxomics/io.h"

/* The fuzz driver (not library code) keeps its temporary folder in a static. */
static char dir[4096];
static char p_nii[4200], p_hdr[4200], p_img[4200];

static void cleanup(void)
{
    unlink(p_nii);
    unlink(p_hdr);
    unlink(p_img);
    rmdir(dir);
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/vxfuzz_nifti.XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(p_nii, sizeof p_nii, "%s/f.nii", dir);
    snprintf(p_hdr, sizeof p_hdr, "%s/f.hdr", dir);
    snprintf(p_img, sizeof p_img, "%s/f.img", dir);
    atexit(cleanup);
}

static void put(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        setup();
    put(p_nii, data, size);
    read_and_free(p_nii);
    int pair = (size >= 348 && memcmp(data + 344, "ni1", 4) == 0) || (size >= 12 && memcmp(data + 4, "ni2", 4) == 0);
    if (pair) {
        put(p_hdr, data, size);
        put(p_img, data, size);
        read_and_free(p_hdr);
    }
    return 0;
}
