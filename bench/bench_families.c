/* Benchmark: all 11 IBSI families (3D aggregations, fixed bin size 25) on a generated 128^3 volume with a
 * spherical ROI of about 113,000 voxels, single-threaded. Prints seconds per case (best and median of
 * repeated runs) and the time of each family alone. Figures are recorded in bench/README.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "voxomics/voxomics.h"

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 7;
    if (reps < 1)
        reps = 1;
    vx_synth_params p;
    vx_synth_default(&p); /* 128^3, 1 mm, sphere of radius 30 mm */
    vx_image *img, *mask;
    vx_settings s;
    size_t nroi;
    if (bench_synth_case(&p, 1, &img, &mask, &nroi, &s) != VX_OK)
        return 1;

    printf("voxomics %s bench_families: 128x128x128 volume, spherical ROI of %zu voxels, FBS 25 HU, 3D aggregations,"
           " 1 thread, %d runs\n",
           vx_version(), nroi, reps);
    double best, med;
    size_t nvals;
    if (bench_time_extract(img, mask, &s, reps, &best, &med, &nvals) != VX_OK)
        return 1;
    printf("all 11 families: %zu values, best %.4f s, median %.4f s per case\n", nvals, best, med);
    for (int f = 0; f < VX_FAM_COUNT; f++) {
        vx_settings one = s;
        one.features.families = 1u << f;
        if (bench_time_extract(img, mask, &one, reps, &best, &med, &nvals) != VX_OK)
            return 1;
        printf("  %-28s best %.4f s, median %.4f s (includes ROI preparation)\n", vx_family_get((vx_family)f)->key,
               best, med);
    }
    vx_settings none = s;
    none.features.families = 0;
    if (bench_time_extract(img, mask, &none, reps, &best, &med, &nvals) != VX_OK)
        return 1;
    printf("  %-28s best %.4f s, median %.4f s\n", "ROI preparation only", best, med);
    vx_image_free(img);
    vx_image_free(mask);
    return 0;
}
