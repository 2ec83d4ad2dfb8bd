/* Benchmark: one case at scale. Generates a CT-like volume (vx_synth_ct, seed 1, 1 mm voxels, a spherical
 * lesion) of the chosen size and times vx_extract with the settings of bench_families (rounding, fixed bin size
 * 25 HU, all 11 families, 3D aggregations) on the given thread count; prints best and median seconds, the ROI
 * voxels, the mean CPU time (user + system, all threads) per run, the peak resident memory of the process and its growth during extraction.
 *   bench_scale CASE [THREADS] [RUNS] [FAMILIES]
 * CASE: small (128^3, radius 30 mm: 113,104 voxels), mid (160^3, radius 62 mm: about 1.0 million voxels),
 * 5m (256^3, radius 106 mm: about 5 million), big (512 x 512 x 300, radius 170 mm clipped by the slab: about
 * 20 million). FAMILIES: a bit mask of vx_family (default all). Figures are recorded in bench/README.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_util.h"
#include "voxomics/voxomics.h"

static double rss_peak_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* CPU seconds (user + system) of the process so far, all threads. */
static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int pick_case(const char *name, vx_synth_params *p)
{
    vx_synth_default(p);
    static const struct {
        const char *name;
        size_t d[3];
        double r;
    } cases[] = {{"small", {128, 128, 128}, 30.0},
                 {"mid", {160, 160, 160}, 62.0},
                 {"5m", {256, 256, 256}, 106.0},
                 {"big", {512, 512, 300}, 170.0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (!strcmp(name, cases[i].name)) {
            memcpy(p->dims, cases[i].d, sizeof p->dims);
            p->lesion_radius_mm = cases[i].r;
            return 0;
        }
    return -1;
}

int main(int argc, char **argv)
{
    vx_synth_params p;
    if (argc < 2 || pick_case(argv[1], &p)) {
        fprintf(stderr, "usage: bench_scale small|mid|5m|big [THREADS] [RUNS] [FAMILIES]\n");
        return 2;
    }
    int threads = argc > 2 ? atoi(argv[2]) : 1, reps = argc > 3 ? atoi(argv[3]) : 3;
    unsigned fam = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 0) : 0;
    if (reps < 1)
        reps = 1;
    vx_image *img, *mask;
    vx_settings s;
    size_t nroi;
    if (bench_synth_case(&p, threads, &img, &mask, &nroi, &s) != VX_OK)
        return 1;
    if (fam)
        s.features.families = fam;
    double before = rss_peak_mib(), cpu0 = cpu_seconds(), best, med;
    size_t nvals;
    if (bench_time_extract(img, mask, &s, reps, &best, &med, &nvals) != VX_OK)
        return 1;
    const double cpu = (cpu_seconds() - cpu0) / reps;
    printf("bench_scale %s: %zux%zux%zu, ROI %zu voxels, threads %d, %d runs: %zu values, best %.4f s, median %.4f s,"
           " CPU %.4f s per run, peak RSS %.0f MiB (inputs %.0f MiB, extraction +%.0f MiB)\n",
           argv[1], p.dims[0], p.dims[1], p.dims[2], nroi, threads, reps, nvals, best, med, cpu, rss_peak_mib(), before,
           rss_peak_mib() - before);
    vx_image_free(img);
    vx_image_free(mask);
    return 0;
}
