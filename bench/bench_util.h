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

#endif
