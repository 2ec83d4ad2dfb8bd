/* libFuzzer target: RT Structure Set listing and rasterisation onto a fixed 64 x 64 x 16 grid (1 x 1 x 2 mm,
 * origin (-32, -32, -16) mm).  SPDX-License-Identifier: GPL-3.0-or-later */
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
        snprintf(path, sizeof path, "/tmp/vx_fuzz_rtstruct_%ld.dcm", (long)getpid());
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    vx_error err;
    vx_rtstruct_roi *rois = NULL;
    size_t n = 0;
    if (vx_rtstruct_list(path, &rois, &n, &err) == VX_OK) {
        vx_geometry g;
        vx_geometry_default(&g, 64, 64, 16);
        g.spacing[2] = 2.0;
        g.origin[0] = g.origin[1] = -32.0;
        g.origin[2] = -16.0;
        for (size_t i = 0; i < n && i < 4; i++) {
            vx_image *m = NULL;
            if (vx_rtstruct_rasterise(path, rois[i].name, &g, NULL, &m, &err) == VX_OK)
                vx_image_free(m);
        }
        free(rois);
    }
    return 0;
}
