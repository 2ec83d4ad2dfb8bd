/* voxomics benchmarks: what every bench program shares: a monotonic clock, sorting times, and best / median
 * seconds of repeated vx_extract runs. Header-only (each bench program is built from one .c file).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_BENCH_UTIL_H
#define VX_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "voxomics/voxomics.h"

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* best and median seconds of `reps` runs of vx_extract; *nvals the values of one run; prints an error. */
static inline int bench_time_extract(const vx_image *img, const vx_image *mask, const vx_settings *s, int reps,
                                     double *best, double *median, size_t *nvals)
{
    double *t = malloc((size_t)reps * sizeof *t);
    if (!t)
        return VX_ENOMEM;
    for (int r = 0; r < reps; r++) {
        vx_results res;
        vx_results_init(&res);
        vx_error err;
        double t0 = bench_now();
        int rc = vx_extract(img, mask, s, &res, &err);
        t[r] = bench_now() - t0;
        *nvals = res.n;
        vx_results_free(&res);
        if (rc != VX_OK) {
            fprintf(stderr, "bench: %s\n", err.msg);
            free(t);
            return rc;
        }
    }
    qsort(t, (size_t)reps, sizeof *t, bench_cmp);
    *best = t[0];
    *median = t[reps / 2];
    free(t);
    return VX_OK;
}

/* The generated case of p (vx_synth_ct) into *img, *mask, its ROI voxel count into *nroi, and s set to the
 * bench_families settings (rounding, fixed bin size 25 HU from -1000 HU, all families, 3D aggregations) on
 * `threads` threads; prints an error. */
static inline int bench_synth_case(const vx_synth_params *p, int threads, vx_image **img, vx_image **mask,
                                   size_t *nroi, vx_settings *s)
{
    vx_error err;
    if (vx_synth_ct(p, img, mask, &err) != VX_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return VX_EINVAL;
    }
    size_t cnt = 0, n = vx_geometry_count(&(*mask)->geom);
    for (size_t i = 0; i < n; i++)
        cnt += (*mask)->v[i] > 0.5f;
    *nroi = cnt;
    vx_settings_default(s);
    s->round_intensities = 1;
    s->texture_disc = (vx_discretisation){VX_DISC_FBS, 25.0, 0, -1000.0};
    s->features.aggregations = VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D_MRG) | VX_AGGBIT(VX_AGG_3D);
    s->features.threads = threads;
    return VX_OK;
}

#endif
