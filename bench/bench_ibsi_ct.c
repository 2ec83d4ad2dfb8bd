/* Benchmark: the full IBSI 1 CT radiomics phantom (204 x 201 x 60 voxels, float32 NIfTI, gzip) under IBSI
 * configuration C (3D trilinear interpolation to 2 mm, rounding, ROI partial volume 0.5, re-segmentation
 * [-1000, 400] HU, fixed bin size 25 HU, IVH fixed bin size 2.5 HU, all 11 families, 3D aggregations),
 * single-threaded, beside the time to only read and decompress the image. Then, as processes measured in the
 * same run: `gunzip -c image.nii.gz > /dev/null` (the reading floor) against the whole `voxomics extract
 * --config CONFIG -o /dev/null image mask`, and in-process the image read through zlib's stream against
 * libdeflate's whole-buffer decompression. Figures go to bench/README.md.
 *
 * Usage: bench_ibsi_ct DATA_DIR CONFIG [RUNS]   (DATA_DIR holds ibsi/ibsi1/ct_phantom; CONFIG is
 * configs/ibsi1/C.yaml; the CLI is found beside the bench folder: build/voxomics). Prints best and median
 * seconds of each step and the ratios.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "io/gzip.h"
#include "voxomics/voxomics.h"

typedef struct timing {
    double *t;
    int n;
} timing;

static void report(const char *what, timing *tm, double ref_best)
{
    qsort(tm->t, (size_t)tm->n, sizeof *tm->t, bench_cmp);
    printf("%-58s best %.4f s  median %.4f s", what, tm->t[0], tm->t[tm->n / 2]);
    if (ref_best > 0)
        printf("  (%.1fx the image read)", tm->t[0] / ref_best);
    printf("\n");
}

/* Seconds to run argv as a process, its standard and error output to /dev/null; < 0 when it fails. *cpu: the
 * child's user + system CPU seconds (all its threads). */
static double children_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static double run_process(char *const argv[], double *cpu)
{
    double c0 = children_cpu(), t0 = bench_now();
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return -1.0;
    double wall = bench_now() - t0;
    *cpu = children_cpu() - c0; /* one child at a time: the difference is this child's */
    return wall;
}

/* The CLI beside the bench folder of argv0 (build/bench/bench_ibsi_ct -> build/voxomics). */
static void cli_path(const char *argv0, char *out, size_t n)
{
    const char *slash = strrchr(argv0, '/');
    int dir = slash ? (int)(slash - argv0) : 0;
    snprintf(out, n, "%.*s%s../voxomics", dir, argv0, slash ? "/" : "");
}

/* 4. the floor and the whole command as processes, and the two image readers; interleaved, best of reps */
static int floor_vs_extract(const char *argv0, const char *image, const char *mask, const char *config, int reps)
{
    char cli[4096];
    cli_path(argv0, cli, sizeof cli);
    char *gz[] = {"gunzip", "-c", (char *)image, NULL};
    char *ex[] = {cli, "extract", "--config", (char *)config, "-o", "/dev/null", (char *)image, (char *)mask, NULL};
    timing tg = {calloc((size_t)reps, sizeof(double)), reps}, te = {calloc((size_t)reps, sizeof(double)), reps},
           tz = {calloc((size_t)reps, sizeof(double)), reps}, td = {calloc((size_t)reps, sizeof(double)), reps},
           cg = {calloc((size_t)reps, sizeof(double)), reps}, ce = {calloc((size_t)reps, sizeof(double)), reps};
    int rc = 0;
    for (int r = 0; r < reps && rc == 0; r++) {
        vx_image *img = NULL;
        vx_error err;
        tg.t[r] = run_process(gz, &cg.t[r]);
        te.t[r] = run_process(ex, &ce.t[r]);
        double t0 = bench_now();
        rc |= vxio_nifti_read_zlib(image, &img, &err);
        tz.t[r] = bench_now() - t0;
        vx_image_free(img);
        t0 = bench_now();
        rc |= vx_image_read(image, &img, &err);
        td.t[r] = bench_now() - t0;
        vx_image_free(img);
        if (tg.t[r] < 0 || te.t[r] < 0 || rc) {
            fprintf(stderr, "bench: %s failed\n", tg.t[r] < 0 ? "gunzip -c" : te.t[r] < 0 ? cli : "image read");
            rc = 1;
        }
    }
    if (rc == 0) {
        printf("\nprocesses and readers, interleaved in one run, best of %d:\n", reps);
        report("gunzip -c image.nii.gz > /dev/null (process)", &tg, 0);
        double floor = tg.t[0];
        qsort(te.t, (size_t)reps, sizeof *te.t, bench_cmp);
        printf("%-58s best %.4f s  median %.4f s  (%.2fx gunzip -c)\n", "voxomics extract, configuration C (process)",
               te.t[0], te.t[reps / 2], te.t[0] / floor);
        report("gunzip -c, CPU time (user + system)", &cg, 0);
        qsort(ce.t, (size_t)reps, sizeof *ce.t, bench_cmp);
        printf("%-58s best %.4f s  median %.4f s  (%.2fx gunzip -c)\n", "voxomics extract, CPU time (all threads)",
               ce.t[0], ce.t[reps / 2], ce.t[0] / cg.t[0]);
        report("image read, zlib stream (vxio_nifti_read_zlib)", &tz, 0);
        qsort(td.t, (size_t)reps, sizeof *td.t, bench_cmp);
        printf("%-58s best %.4f s  median %.4f s  (%.2fx the zlib read)\n", "image read, libdeflate (vx_image_read)",
               td.t[0], td.t[reps / 2], td.t[0] / tz.t[0]);
    }
    free(tg.t);
    free(te.t);
    free(tz.t);
    free(td.t);
    free(cg.t);
    free(ce.t);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_ibsi_ct DATA_DIR CONFIG [RUNS]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 7;
    if (reps < 1)
        reps = 1;
    char image[4096], mask[4096];
    snprintf(image, sizeof image, "%s/ibsi/ibsi1/ct_phantom/image.nii.gz", argv[1]);
    snprintf(mask, sizeof mask, "%s/ibsi/ibsi1/ct_phantom/mask.nii.gz", argv[1]);
    vx_settings s;
    vx_settings_default(&s);
    vx_error err;
    if (vx_settings_load(argv[2], &s, &err) != VX_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    s.features.threads = 1;
    timing rd = {calloc((size_t)reps, sizeof(double)), reps}, ex = {calloc((size_t)reps, sizeof(double)), reps},
           exd = {calloc((size_t)reps, sizeof(double)), reps}, all = {calloc((size_t)reps, sizeof(double)), reps};
    size_t nvals = 0;
    for (int r = 0; r < reps; r++) {
        vx_image *img = NULL, *msk = NULL;
        /* 1. read and decompress the image only */
        double t0 = bench_now();
        if (vx_image_read(image, &img, &err) != VX_OK) {
            fprintf(stderr, "bench: %s\n", err.msg);
            return 1;
        }
        rd.t[r] = bench_now() - t0;
        if (vx_image_read(mask, &msk, &err) != VX_OK) {
            fprintf(stderr, "bench: %s\n", err.msg);
            return 1;
        }
        /* 2. processing + features, with and without the diagnostic values (whole-image interpolation) */
        for (int diag = 1; diag >= 0; diag--) {
            s.diagnostics = diag;
            vx_results res;
            vx_results_init(&res);
            t0 = bench_now();
            int rc = vx_extract(img, msk, &s, &res, &err);
            (diag ? &exd : &ex)->t[r] = bench_now() - t0;
            nvals = res.n + res.n_diag > nvals ? res.n + res.n_diag : nvals;
            vx_results_free(&res);
            if (rc != VX_OK) {
                fprintf(stderr, "bench: %s\n", err.msg);
                return 1;
            }
        }
        vx_image_free(img);
        vx_image_free(msk);
        /* 3. what `voxomics extract` does: read image and mask, extract with diagnostics, write the table */
        s.diagnostics = 1;
        t0 = bench_now();
        vx_results res;
        vx_results_init(&res);
        int rc = vx_image_read(image, &img, &err);
        if (rc == VX_OK)
            rc = vx_image_read(mask, &msk, &err);
        if (rc == VX_OK)
            rc = vx_extract(img, msk, &s, &res, &err);
        if (rc == VX_OK) {
            FILE *f = fopen("/dev/null", "w");
            vx_provenance prov = {.version = vx_version()};
            vx_settings_hash(&s, prov.settings_hash);
            if (f) {
                vx_results_write_long(f, "ct_phantom", "", &res, &prov, 1);
                fclose(f);
            }
        }
        all.t[r] = bench_now() - t0;
        vx_results_free(&res);
        vx_image_free(img);
        vx_image_free(msk);
        if (rc != VX_OK) {
            fprintf(stderr, "bench: %s\n", err.msg);
            return 1;
        }
    }
    printf("voxomics %s bench_ibsi_ct: IBSI CT phantom 204x201x60, configuration C (%s), %zu values, 1 thread, "
           "%d runs\n",
           vx_version(), argv[2], nvals, reps);
    report("read + decompress image.nii.gz (3.9 MB gzip, 9.8 MB float32)", &rd, 0);
    double base = rd.t[0];
    report("vx_extract, config C without diagnostics", &ex, base);
    report("vx_extract, config C with the 60 diagnostics", &exd, base);
    report("whole extract: read image + mask, extract, write CSV", &all, base);
    free(rd.t);
    free(ex.t);
    free(exd.t);
    free(all.t);
    return floor_vs_extract(argv[0], image, mask, argv[2], reps);
}
