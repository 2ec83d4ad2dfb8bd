/* bench_cohort: cohort throughput of `voxomics extract --cohort` at -j 1 and -j 2.
 *
 * Generates N cases (default 50) of 128 x 128 x 64 voxels (1 mm, CT-like, integer HU, gzip NIfTI) with a
 * lobulated lesion of about 20,000 voxels, writes the cohort CSV, then runs the CLI on it with
 * configs/examples/ct_3d.yaml (all 11 IBSI families, 3D aggregations) at -j 1 and -j 2, each in a child process
 * whose wall time and peak resident memory (wait4 rusage) are reported. Also checks that both tables are
 * identical.
 *
 * usage: bench_cohort [N] [CONFIG]   (run from the source tree; the CLI is taken from the bench's build folder)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _DEFAULT_SOURCE /* wait4: per-child peak memory */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "voxomics/voxomics.h"

/* Run argv in a child; wall seconds, peak RSS (MiB) and exit status. */
static int run_child(char *const argv[], double *wall, double *rss_mib)
{
    double t0 = bench_now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) < 0)
        return -1;
    *wall = bench_now() - t0;
    *rss_mib = (double)ru.ru_maxrss / 1024.0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* 1 when the two files hold the same bytes */
static int same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    char x[65536], y[65536];
    while (same) {
        size_t na = fread(x, 1, sizeof x, fa), nb = fread(y, 1, sizeof y, fb);
        same = na == nb && !memcmp(x, y, na);
        if (na < sizeof x)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 50;
    const char *config = argc > 2 ? argv[2] : "configs/examples/ct_3d.yaml";
    if (n < 1)
        n = 50;
    char exe[4096], dir[] = "/tmp/vx_bench_cohort.XXXXXX";
    snprintf(exe, sizeof exe, "%s", argv[0]);
    char *slash = strrchr(exe, '/');
    snprintf(slash ? slash + 1 : exe, sizeof exe - (size_t)(slash ? slash + 1 - exe : 0), "../voxomics");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[4200], csv[4200];
    snprintf(csv, sizeof csv, "%s/cases.csv", dir);
    FILE *f = fopen(csv, "w");
    fputs("ID,Image,Mask\n", f);
    vx_error err;
    double t0 = bench_now();
    size_t voxels = 0;
    for (int i = 0; i < n; i++) {
        vx_synth_params p;
        vx_synth_default(&p);
        p.dims[0] = p.dims[1] = 128;
        p.dims[2] = 64;
        p.lesion_radius_mm = 16.8;
        p.lobulation = 0.15;
        p.seed = 1000u + (unsigned)i;
        vx_image *img = NULL, *mask = NULL;
        if (vx_synth_ct(&p, &img, &mask, &err) != VX_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        for (size_t k = 0; k < vx_geometry_count(&mask->geom); k++)
            voxels += mask->v[k] >= 0.5f;
        snprintf(path, sizeof path, "%s/img%03d.nii.gz", dir, i);
        vx_nifti_write(path, img, 1, &err);
        snprintf(path, sizeof path, "%s/msk%03d.nii.gz", dir, i);
        vx_nifti_write(path, mask, 1, &err);
        fprintf(f, "case%03d,img%03d.nii.gz,msk%03d.nii.gz\n", i, i, i);
        vx_image_free(img);
        vx_image_free(mask);
    }
    fclose(f);
    printf("cohort: %d cases of 128x128x64 voxels, mean lesion %.0f voxels (generated in %.1f s)\n", n,
           (double)voxels / n, bench_now() - t0);
    printf("config: %s\n", config);
    double wall[2], rss[2];
    const char *jobs[2] = {"1", "2"};
    for (int j = 0; j < 2; j++) {
        char out[4200];
        snprintf(out, sizeof out, "%s/out_j%s.csv", dir, jobs[j]);
        char *args[] = {exe, "extract", "--config", (char *)config, "--cohort", csv, "-j", (char *)jobs[j], "-o", out,
                        "--quiet", NULL};
        int rc = run_child(args, &wall[j], &rss[j]);
        if (rc != 0) {
            fprintf(stderr, "bench_cohort: %s exited %d\n", exe, rc);
            return 1;
        }
        printf("-j %s: %6.2f s, %6.2f cases/s, peak RSS %6.1f MiB\n", jobs[j], wall[j], n / wall[j], rss[j]);
    }
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/out_j1.csv", dir);
    snprintf(b, sizeof b, "%s/out_j2.csv", dir);
    int same = same_bytes(a, b);
    printf("speed-up -j 2 / -j 1: %.2fx; tables identical: %s\n", wall[0] / wall[1], same ? "yes" : "NO");
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_cohort: could not remove %s\n", dir);
    return same ? 0 : 1;
}
