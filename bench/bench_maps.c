/* Benchmark: voxel maps of the first-order families (intensity statistics and intensity histogram) and the GLCM
 * (3D averaged and merged), kernel radius 1 (3 x 3 x 3 cube), on bench_families' generated 128^3 volume with a
 * lesion of about 113,000 ROI voxels, one thread: vx_maps_compute (the sliding window) against its per-kernel path
 * (vx_maps_compute_path without it: every kernel a small ROI), alternately in one run, best of RUNS each; then
 * against the direct path (vx_extract on each kernel written as a mask: "extract on each kernel as its own ROI"),
 * timed on an evenly spaced subset of the ROI voxels and extrapolated to the whole ROI. Figures are recorded in
 * bench/README.md.
 * Usage: bench_maps [RUNS] [SUBSET]
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "extract/maps_impl.h"
#include "voxomics/voxomics.h"

/* Seconds per ROI voxel of the direct path on `subset` voxels spread over the ROI of m. */
static double direct_per_voxel(const vx_image *img, const vx_image *mask, const vx_settings *s, const vx_maps *m,
                               size_t subset)
{
    vx_image *k = vx_image_new(&mask->geom);
    if (!k)
        return -1.0;
    memset(k->v, 0, vx_geometry_count(&k->geom) * sizeof *k->v);
    const size_t nx = mask->geom.dims[0], ny = mask->geom.dims[1], step = m->n_vox / subset ? m->n_vox / subset : 1;
    double t = 0.0;
    size_t done = 0;
    for (size_t i = 0; i < m->n_vox && done < subset; i += step, done++) {
        const size_t idx = m->index[i], c[3] = {idx % nx, (idx / nx) % ny, idx / (nx * ny)};
        double t0 = bench_now();
        for (int pass = 0; pass < 2; pass++) /* 1: set the kernel, then 0: clear it again */
            for (long dz = -1; dz <= 1; dz++)
                for (long dy = -1; dy <= 1; dy++)
                    for (long dx = -1; dx <= 1; dx++) {
                        const size_t j = (c[0] + dx) + nx * ((c[1] + dy) + ny * (c[2] + dz));
                        k->v[j] = pass == 0 && mask->v[j] >= 0.5f ? 1.0f : 0.0f;
                        if (pass == 0 && dz == 1 && dy == 1 && dx == 1) {
                            vx_results res;
                            vx_results_init(&res);
                            vx_error err;
                            if (vx_extract(img, k, s, &res, &err) != VX_OK)
                                fprintf(stderr, "bench_maps: %s\n", err.msg);
                            vx_results_free(&res);
                        }
                    }
        t += bench_now() - t0;
    }
    vx_image_free(k);
    return t / (double)done;
}

/* 1 when the maps a and b agree to 1e-12 relative (NaN with NaN). */
static int maps_agree(const vx_maps *a, const vx_maps *b)
{
    if (a->n_vox != b->n_vox || a->n_features != b->n_features)
        return 0;
    for (size_t i = 0; i < a->n_vox * a->n_features; i++) {
        const double x = a->values[i], y = b->values[i];
        if ((isnan(x) || isnan(y)) ? !(isnan(x) && isnan(y)) : fabs(x - y) > 1e-12 * fmax(fabs(x), fabs(y)))
            return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    size_t subset = argc > 2 ? (size_t)atol(argv[2]) : 300;
    reps = reps < 1 ? 1 : reps;
    subset = subset < 1 ? 1 : subset;
    vx_synth_params p;
    vx_synth_default(&p);
    vx_image *img, *mask;
    vx_error err;
    if (vx_synth_ct(&p, &img, &mask, &err) != VX_OK) {
        fprintf(stderr, "bench_maps: %s\n", err.msg);
        return 1;
    }
    vx_settings s;
    vx_settings_default(&s);
    s.round_intensities = 1;
    s.texture_disc = (vx_discretisation){VX_DISC_FBS, 25.0, 0, -1000.0};
    s.features.families = (1u << VX_FAM_STAT) | (1u << VX_FAM_IH) | (1u << VX_FAM_GLCM);
    s.features.aggregations = VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D_MRG);
    s.features.threads = 1;
    vx_maps_settings ms;
    vx_maps_settings_default(&ms);
    ms.threads = 1;
    double *t = malloc((size_t)reps * sizeof *t), *tk = malloc((size_t)reps * sizeof *tk);
    vx_maps m = {0}, mk = {0};
    for (int r = 0; r < reps; r++) { /* the per-kernel path and the sliding window alternately */
        vx_maps_free(&mk);
        double t0 = bench_now();
        int rc = vx_maps_compute_path(img, mask, &s, &ms, 0, &mk, &err);
        tk[r] = bench_now() - t0;
        vx_maps_free(&m);
        t0 = bench_now();
        if (rc != VX_OK || vx_maps_compute(img, mask, &s, &ms, &m, &err) != VX_OK) {
            fprintf(stderr, "bench_maps: %s\n", err.msg);
            return 1;
        }
        t[r] = bench_now() - t0;
    }
    qsort(t, (size_t)reps, sizeof *t, bench_cmp);
    qsort(tk, (size_t)reps, sizeof *tk, bench_cmp);
    printf("voxomics %s bench_maps: 128^3 volume, %zu ROI voxels, statistics + intensity histogram + GLCM (3D avg "
           "and merged), cube kernel radius 1, 1 thread\n",
           vx_version(), m.n_vox);
    printf("per-kernel path (each kernel a small ROI): %zu maps, best %.3f s, median %.3f s (%d runs)\n",
           mk.n_features, tk[0], tk[reps / 2], reps);
    printf("vx_maps_compute (sliding window): %zu maps, best %.3f s, median %.3f s; per-kernel / sliding %.2fx "
           "(best), maps %s\n",
           m.n_features, t[0], t[reps / 2], tk[0] / t[0],
           maps_agree(&m, &mk) ? "equal to 1e-12 relative" : "DIFFER");
    vx_maps_free(&mk);
    free(tk);
    vx_maps m2 = {0};
    ms.threads = 2;
    double t2 = bench_now();
    int rc2 = vx_maps_compute(img, mask, &s, &ms, &m2, &err);
    t2 = bench_now() - t2;
    if (rc2 == VX_OK)
        printf("vx_maps_compute, 2 threads: %.3f s (one run); maps %s\n", t2,
               !memcmp(m.values, m2.values, m.n_vox * m.n_features * sizeof *m.values) ? "bit-identical" : "DIFFER");
    vx_maps_free(&m2);
    const double per = direct_per_voxel(img, mask, &s, &m, subset);
    printf("direct (vx_extract per kernel): %.3f ms per voxel on %zu voxels, %.1f s extrapolated to the ROI; ratio "
           "%.1fx\n",
           1e3 * per, subset, per * (double)m.n_vox, per * (double)m.n_vox / t[0]);
    vx_maps_free(&m);
    free(t);
    vx_image_free(img);
    vx_image_free(mask);
    return 0;
}
