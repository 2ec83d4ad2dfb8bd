/* libFuzzer target: RT Structure Set listing and rasterisation onto a fixed 64 x 64 x 60 grid with the IBSI CT
 * phantom's slice positions (origin (-174.3945, -79.6255, -100.4) mm, 3.2 x 3.2 x 3 mm), so that the phantom's
 * structure set, the seed, reaches the rasteriser.  SPDX-License-Identifier: GPL-3.0-or-later */
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
        vx_geometry_default(&g, 64, 64, 60);
        g.spacing[0] = g.spacing[1] = 3.2;
        g.spacing[2] = 3.0;
        g.origin[0] = -174.3945;
        g.origin[1] = -79.6255;
        g.origin[2] = -100.4;
        for (size_t i = 0; i < n && i < 4; i++) {
            vx_image *m = NULL;
            if (vx_rtstruct_rasterise(path, rois[i].name, &g, NULL, &m, &err) == VX_OK)
                vx_image_free(m);
        }
        free(rois);
    }
    return 0;
}
