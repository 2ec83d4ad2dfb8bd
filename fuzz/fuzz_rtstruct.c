/* libFuzzer target: RT Structure Set listing and rasterisation onto the fixed phantom grid of fuzz_util.h, so
 * that the phantom's structure set, the seed, reaches the rasteriser.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_util.h"
#include "voxomics/dicom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("f.dcm");
    fuzz_put(path, data, size);
    vx_error err;
    vx_rtstruct_roi *rois = NULL;
    size_t n = 0;
    if (vx_rtstruct_list(path, &rois, &n, &err) == VX_OK) {
        vx_geometry g;
        fuzz_phantom_grid(&g);
        for (size_t i = 0; i < n && i < 4; i++) {
            vx_image *m = NULL;
            if (vx_rtstruct_rasterise(path, rois[i].name, &g, NULL, &m, &err) == VX_OK)
                vx_image_free(m);
        }
        free(rois);
    }
    return 0;
}
