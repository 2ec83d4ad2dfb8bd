/* libFuzzer target: DICOM Segmentation listing and reading, on its own grid and on a fixed grid: 24 x 20 x 10
 * voxels of the lattice of the phantom grid of fuzz_util.h, around the 16 x 12 x 6 series of the seeds
 * (fuzz/make_seeds.py), so that their frames land on it (or, for the off-lattice seed, are resampled onto it).
 * A small grid keeps every execution cheap: the reader fills and scans the whole grid.
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
        const size_t first[3] = {16, 20, 26}; /* the seeds' series starts at voxel (20, 24, 28) */
        for (int d = 0; d < 3; d++)
            g.origin[d] += (double)first[d] * g.spacing[d]; /* the phantom grid's direction is the identity */
        g.dims[0] = 24;
        g.dims[1] = 20;
        g.dims[2] = 10;
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
