/* libFuzzer target: DICOM Segmentation listing and reading, on its own grid and on a fixed 64 x 64 x 60 grid at
 * the IBSI CT phantom's slice positions (the seeds are SEGs of that phantom, so frames land on it).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "voxomics/dicom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64]; /* the fuzz driver's own state, not library state */
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/vx_fuzz_seg_%ld.dcm", (long)getpid());
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    vx_error err;
    vx_seg_segment *segs = NULL;
    size_t n = 0;
    if (vx_seg_list(path, &segs, &n, &err) == VX_OK) {
        vx_geometry g;
        vx_geometry_default(&g, 64, 64, 60);
        g.spacing[0] = g.spacing[1] = 3.2;
        g.spacing[2] = 3.0;
        g.origin[0] = -174.3945;
        g.origin[1] = -79.6255;
        g.origin[2] = -100.4;
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
