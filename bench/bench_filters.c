/* Benchmark: features of filtered images (IBSI 2), single-threaded unless asked.
 *
 * 1. The 22 IBSI 2 phase 2 configurations (configs/ibsi2/phase2/<id>.yaml: one image type each, the 18
 *    intensity statistics) on the IBSI 1 CT phantom: seconds per configuration (best of the runs), read once.
 * 2. A PyRadiomics-style set on the 113,000-voxel generated case of bench_families (128^3 voxels of 1 mm,
 *    rounding, fixed bin size 25 HU, 3D aggregations, every family): the original image alone (the baseline,
 *    measured in the same run) and the original + LoG at 1, 2 and 3 mm + the 8 first-level coif1 sub-bands
 *    (12 image types); best and median seconds per case and the ratio to the baseline.
 * Usage: bench_filters DATA_DIR SOURCE_DIR [RUNS] [THREADS]. Figures are recorded in bench/README.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "voxomics/voxomics.h"

static int phase2(const char *data, const char *src, int reps, int threads)
{
    char ip[4096], mp[4096];
    snprintf(ip, sizeof ip, "%s/ibsi/ibsi1/ct_phantom/image.nii.gz", data);
    snprintf(mp, sizeof mp, "%s/ibsi/ibsi1/ct_phantom/mask.nii.gz", data);
    vx_image *img = NULL, *mask = NULL;
    vx_error err;
    if (vx_image_read(ip, &img, &err) != VX_OK || vx_image_read(mp, &mask, &err) != VX_OK) {
        fprintf(stderr, "bench_filters: %s\n", err.msg);
        return 1;
    }
    vx_settings *s = malloc(sizeof *s);
    printf("1. IBSI 2 phase 2 configurations on the CT phantom (%zux%zux%zu), best of %d runs, %d thread(s)\n",
           img->geom.dims[0], img->geom.dims[1], img->geom.dims[2], reps, threads);
    printf("| configuration | image type | best (s) | median (s) |\n|---|---|---|---|\n");
    double total = 0.0;
    int rc = 0;
    for (int id = 1; id <= 11 && !rc; id++)
        for (const char *c = "AB"; *c && !rc; c++) {
            char cfg[4096];
            snprintf(cfg, sizeof cfg, "%s/configs/ibsi2/phase2/%d.%c.yaml", src, id, *c);
            vx_settings_default(s);
            if (vx_settings_load(cfg, s, &err) != VX_OK) {
                fprintf(stderr, "bench_filters: %s\n", err.msg);
                rc = 1;
                break;
            }
            s->features.threads = threads;
            double best, med;
            size_t nv;
            if (bench_time_extract(img, mask, s, reps, &best, &med, &nv) != VX_OK) {
                rc = 1;
                break;
            }
            total += best;
            printf("| %d.%c | %s | %.4f | %.4f |\n", id, *c, s->n_filters ? s->filters[0].name : "original", best,
                   med);
        }
    if (!rc)
        printf("| **all 22** | | **%.3f** | |\n\n", total);
    free(s);
    vx_image_free(img);
    vx_image_free(mask);
    return rc;
}

static void add_filter(vx_settings *s, const vx_filter_spec *f)
{
    vx_image_type_settings *t = &s->filters[s->n_filters++];
    memset(t, 0, sizeof *t);
    t->filter = *f;
    vx_filter_image_type(f, t->name, sizeof t->name);
}

static int pyradiomics_set(int reps, int threads)
{
    vx_synth_params p;
    vx_synth_default(&p);
    vx_image *img, *mask;
    vx_error err;
    if (vx_synth_ct(&p, &img, &mask, &err) != VX_OK) {
        fprintf(stderr, "bench_filters: %s\n", err.msg);
        return 1;
    }
    vx_settings *s = malloc(sizeof *s);
    vx_settings_default(s);
    s->round_intensities = 1;
    s->texture_disc = (vx_discretisation){VX_DISC_FBS, 25.0, 0, -1000.0};
    s->features.aggregations = VX_AGGBIT(VX_AGG_3D_AVG) | VX_AGGBIT(VX_AGG_3D_MRG) | VX_AGGBIT(VX_AGG_3D);
    s->features.threads = threads;
    double b0, m0, b1, m1;
    size_t n0, n1;
    int rc = bench_time_extract(img, mask, s, reps, &b0, &m0, &n0);
    /* + LoG 1, 2, 3 mm (3D, mirror) and the 8 coif1 level-1 sub-bands (periodic, as PyRadiomics' wavelets) */
    vx_filter_spec f;
    for (int k = 1; k <= 3; k++) {
        vx_filter_spec_init(&f);
        f.kind = VX_FILTER_LOG;
        f.sigma_mm = k;
        add_filter(s, &f);
    }
    const char *bands[] = {"LLH", "LHL", "LHH", "HLL", "HLH", "HHL", "HHH", "LLL"};
    for (int b = 0; b < 8; b++) {
        vx_filter_spec_init(&f);
        f.kind = VX_FILTER_WAVELET;
        f.pad = VX_PAD_PERIODIC;
        snprintf(f.wavelet, sizeof f.wavelet, "coif1");
        snprintf(f.subband, sizeof f.subband, "%s", bands[b]);
        add_filter(s, &f);
    }
    if (rc == VX_OK)
        rc = bench_time_extract(img, mask, s, reps, &b1, &m1, &n1);
    if (rc == VX_OK) {
        printf("2. PyRadiomics-style set on the 128^3 generated case (113,104 ROI voxels), every family, FBS 25 HU, "
               "3D aggregations, %d thread(s), %d runs\n", threads, reps);
        printf("| image types | values | best (s) | median (s) |\n|---|---|---|---|\n");
        printf("| original only (baseline) | %zu | %.4f | %.4f |\n", n0, b0, m0);
        printf("| original + LoG 1, 2, 3 mm + 8 coif1 sub-bands (12) | %zu | %.4f | %.4f |\n", n1, b1, m1);
        printf("ratio to the baseline: %.1fx (best)\n", b1 / b0);
    }
    free(s);
    vx_image_free(img);
    vx_image_free(mask);
    return rc == VX_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_filters DATA_DIR SOURCE_DIR [RUNS] [THREADS]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 5, threads = argc > 4 ? atoi(argv[4]) : 1;
    if (reps < 1)
        reps = 1;
    if (threads < 1)
        threads = 1;
    printf("voxomics %s bench_filters\n\n", vx_version());
    int rc = phase2(argv[1], argv[2], reps, threads);
    return rc ? rc : pyradiomics_set(reps, threads);
}
