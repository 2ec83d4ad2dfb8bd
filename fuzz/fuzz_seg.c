/* libFuzzer target: DICOM Segmentation listing and reading, on its own grid and on the fixed phantom grid of
 * fuzz_util.h (the seeds are SEGs of that phantom, so frames land on it).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_util.h"
#include "voxomics/dicom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("f.dcm");
    fuzz_put(path, data, size);
    vx_error err;
    vx_seg_segment *segs = NULL;
    size_t n = 0;
    if (vx_seg_list(path, &segs, &n, &err) == VX_OK) {
        vx_geometry g;
        fuzz_phantom_grid(&g);
        for (size_t i = 0; i < n && i < 4; i++) {
            char sel[16];
            snprintf(sel, sizeof sel, "%d", segs[i].number);
            vx_image *m = NULL;
            if (vx_seg_read(path, sel, NULL, NULL, &m, &err) == VX_OK)
                vx_image_free(m);
            m = NULL;
            if (vx_seg_read(path, sel, &g, NULL, &m, &err) == VX_OK)
                vx_image_free(m);
        }
        free(segs);
    }
    return 0;
}
