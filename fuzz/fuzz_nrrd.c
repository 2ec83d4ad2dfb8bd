/* libFuzzer target: the NRRD reader (vx_nrrd_read, vx_nrrd_segments, vx_nrrd_read_segment) on arbitrary bytes.
 *
 * The bytes go to a private temporary file f.nrrd. So that detached headers are exercised too, the bytes after
 * the first blank line are also written to a file named d in the same folder: a header with `data file: d`
 * (scripts/fuzz.sh makes such seeds from the .nhdr files of tests/data/nrrd) reads them as its data file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "voxomics/nrrd.h"

static void check_failure(int rc, const void *out, const vx_error *err)
{
    if (rc != VX_OK && (out || err->msg[0] == '\0' || err->code != rc))
        abort(); /* a failure must leave no output and must say why */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p_hdr = fuzz_path("f.nrrd"), *p_data = fuzz_path("d");
    fuzz_put(p_hdr, data, size);
    const uint8_t *blank = NULL;
    for (size_t i = 0; i + 1 < size && !blank; i++)
        if (data[i] == '\n' && data[i + 1] == '\n')
            blank = data + i + 2;
    if (blank)
        fuzz_put(p_data, blank, size - (size_t)(blank - data));
    else
        unlink(p_data);

    vx_error err;
    vx_error_clear(&err);
    vx_image *img = NULL;
    int rc = vx_nrrd_read(p_hdr, &img, &err);
    check_failure(rc, img, &err);
    vx_image_free(img);

    vx_nrrd_segment *segs = NULL;
    size_t n = 0;
    vx_error_clear(&err);
    rc = vx_nrrd_segments(p_hdr, &segs, &n, &err);
    check_failure(rc, segs, &err);
    if (rc == VX_OK && n > 0) {
        vx_image *m = NULL;
        vx_error_clear(&err);
        rc = vx_nrrd_read_segment(p_hdr, segs[n - 1].name, &m, &err);
        check_failure(rc, m, &err);
        vx_image_free(m);
    }
    free(segs);
    vx_image *m = NULL;
    vx_error_clear(&err);
    rc = vx_nrrd_read_segment(p_hdr, "1", &m, &err);
    check_failure(rc, m, &err);
    vx_image_free(m);
    return 0;
}
