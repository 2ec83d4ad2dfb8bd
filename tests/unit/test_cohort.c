/* Cohort runs through the CLI (`voxomics extract --cohort`): bad cases, extra columns, exit status, bit-identical
 * tables for any -j, the crash-safe store (SIGKILL midway, then resume) and store/settings mismatches.
 *
 * The cohort is generated here (vx_synth_ct: CT-like volumes with a spherical lesion of known voxel count) and
 * written as NIfTI; the table's voxel-counting volume of every good case is checked against the mask's voxel
 * count times the voxel volume, counted in the test.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "voxomics/voxomics.h"
#include "vx_test.h"

#define NCASES 20

static char dir[4096];
static size_t mask_voxels[NCASES];

static const char *tmp(const char *name)
{
    static char buf[8][4600];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* The cohort: case 7 has a truncated image, case 13 a mask on another grid. */
static void make_cohort(void)
{
    vx_error err;
    char name[256];
    FILE *csv = fopen(tmp("cases.csv"), "w");
    assert_non_null(csv);
    fputs("ID,Image,Mask,Site,Scanner\n", csv);
    for (int i = 0; i < NCASES; i++) {
        vx_synth_params p;
        vx_synth_default(&p);
        p.dims[0] = p.dims[1] = 40;
        p.dims[2] = 32;
        p.lesion_radius_mm = 7.0 + 0.1 * i;
        p.seed = 100u + (unsigned)i;
        vx_image *img = NULL, *mask = NULL;
        assert_int_equal(vx_synth_ct(&p, &img, &mask, &err), VX_OK);
        mask_voxels[i] = 0;
        for (size_t k = 0; k < vx_geometry_count(&mask->geom); k++)
            mask_voxels[i] += mask->v[k] >= 0.5f;
        snprintf(name, sizeof name, "img%02d.nii.gz", i);
        assert_int_equal(vx_nifti_write(tmp(name), img, 1, &err), VX_OK);
        if (i == 13) { /* a mask one voxel wider than the image */
            vx_geometry g = mask->geom;
            g.dims[0] += 1;
            vx_image *wide = vx_image_new(&g);
            vx_image_free(mask);
            mask = wide;
        }
        snprintf(name, sizeof name, "msk%02d.nii.gz", i);
        assert_int_equal(vx_nifti_write(tmp(name), mask, 1, &err), VX_OK);
        if (i == 7) {
            snprintf(name, sizeof name, "img%02d.nii.gz", i);
            assert_int_equal(truncate(tmp(name), 2000), 0);
        }
        fprintf(csv, "case%02d,img%02d.nii.gz,msk%02d.nii.gz,site %c,\"CT, vendor %d\"\n", i, i, i, 'A' + i % 3,
                i % 2);
        vx_image_free(img);
        vx_image_free(mask);
    }
    fclose(csv);
}

static int run(const char *args)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/examples/ct_3d.yaml' --cohort '%s' %s 2>'%s'",
             getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("cases.csv"), args, tmp("stderr.txt"));
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static int col(char **f, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(f[i], name))
            return i;
    return -1;
}

static void group_setup_once(void)
{
    static int done;
    if (done)
        return;
    snprintf(dir, sizeof dir, "%s", vx_test_tmpdir());
    make_cohort();
    done = 1;
}

/* 18 good rows, 2 rows whose error names the problem, exit 3, extra columns copied. */
static void test_bad_cases_and_columns(void **state)
{
    (void)state;
    group_setup_once();
    char args[9000];
    snprintf(args, sizeof args, "-j 1 -o '%s'", tmp("j1.csv"));
    assert_int_equal(run(args), 3);
    FILE *f = fopen(tmp("j1.csv"), "r");
    assert_non_null(f);
    static char line[1 << 16];
    char *fl[1024];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = vx_test_csv_split(line, fl, 1024);
    int c_case = col(fl, nh, "case"), c_site = col(fl, nh, "Site"), c_scan = col(fl, nh, "Scanner"),
        c_err = col(fl, nh, "error"), c_vol = col(fl, nh, "morph_vol_approx"), c_sha = col(fl, nh, "image_sha256");
    assert_true(c_case == 0 && c_site == 1 && c_scan == 2 && c_err > 0 && c_vol > 0 && c_sha > 0);
    int rows = 0, ok = 0;
    while (fgets(line, sizeof line, f)) {
        int nf = vx_test_csv_split(line, fl, 1024);
        assert_int_equal(nf, nh);
        char want[32];
        snprintf(want, sizeof want, "case%02d", rows);
        assert_string_equal(fl[c_case], want);
        snprintf(want, sizeof want, "site %c", 'A' + rows % 3);
        assert_string_equal(fl[c_site], want);
        snprintf(want, sizeof want, "CT, vendor %d", rows % 2);
        assert_string_equal(fl[c_scan], want);
        if (rows == 7) {
            assert_non_null(strstr(fl[c_err], "read image"));
            assert_non_null(strstr(fl[c_err], "img07.nii.gz"));
            assert_non_null(strstr(fl[c_err], "truncated"));
        } else if (rows == 13) {
            assert_non_null(strstr(fl[c_err], "read mask"));
            assert_non_null(strstr(fl[c_err], "msk13.nii.gz"));
            assert_non_null(strstr(fl[c_err], "--resample-mask"));
        } else {
            assert_string_equal(fl[c_err], "");
            /* voxel-counting volume = voxels of the mask x 1 mm^3 (synthetic cases have 1 mm voxels) */
            assert_true(fabs(strtod(fl[c_vol], NULL) - (double)mask_voxels[rows]) < 1e-9);
            assert_int_equal(strlen(fl[c_sha]), 64);
            ok++;
        }
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, NCASES);
    assert_int_equal(ok, NCASES - 2);
}

/* -j 1 and -j 2 tables are identical, byte for byte; so is a run through a store. */
static void test_jobs_identical(void **state)
{
    (void)state;
    group_setup_once();
    char args[9000];
    snprintf(args, sizeof args, "-j 1 -o '%s'", tmp("a1.csv"));
    assert_int_equal(run(args), 3);
    snprintf(args, sizeof args, "-j 2 -o '%s'", tmp("a2.csv"));
    assert_int_equal(run(args), 3);
    snprintf(args, sizeof args, "-j 2 --store '%s' -o '%s'", tmp("a.db"), tmp("a3.csv"));
    assert_int_equal(run(args), 3);
    size_t n1, n2, n3;
    char *a = vx_test_slurp(tmp("a1.csv"), &n1), *b = vx_test_slurp(tmp("a2.csv"), &n2), *c = vx_test_slurp(tmp("a3.csv"), &n3);
    assert_true(n1 > 1000);
    assert_int_equal(n1, n2);
    assert_int_equal(n1, n3);
    assert_memory_equal(a, b, n1);
    assert_memory_equal(a, c, n1);
    /* run again on the finished store: everything comes from the store, same table */
    snprintf(args, sizeof args, "-j 2 --store '%s' -o '%s'", tmp("a.db"), tmp("a4.csv"));
    assert_int_equal(run(args), 3);
    size_t n4;
    char *d = vx_test_slurp(tmp("a4.csv"), &n4);
    assert_int_equal(n1, n4);
    assert_memory_equal(a, d, n1);
    free(a);
    free(b);
    free(c);
    free(d);
}

static int stored_cases(const char *db)
{
    sqlite3 *h;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(h);
        return 0;
    }
    sqlite3_busy_timeout(h, 1000);
    int n = 0;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(h, "SELECT COUNT(*), COUNT(DISTINCT idx) FROM cases", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        n = sqlite3_column_int(q, 0);
        assert_int_equal(n, sqlite3_column_int(q, 1)); /* never a case twice */
    }
    sqlite3_finalize(q);
    sqlite3_close(h);
    return n;
}

/* A long cohort (the same cases listed 6 times) killed with SIGKILL midway, then resumed: the same table as an
 * uninterrupted run, no case twice in the store. */
static void test_kill_and_resume(void **state)
{
    (void)state;
    group_setup_once();
    FILE *in = fopen(tmp("cases.csv"), "r"), *out = fopen(tmp("long.csv"), "w");
    assert_non_null(in);
    assert_non_null(out);
    char line[4096];
    assert_non_null(fgets(line, sizeof line, in));
    fputs(line, out);
    char rows[NCASES][512];
    int n = 0;
    while (n < NCASES && fgets(rows[n], sizeof rows[n], in))
        n++;
    for (int rep = 0; rep < 6; rep++)
        for (int i = 0; i < n; i++)
            fprintf(out, "r%d_%s", rep, rows[i]);
    fclose(in);
    fclose(out);
    char cmd[16384];
    const char *build = getenv("VX_BUILD_DIR"), *src = getenv("VX_SOURCE_DIR");
    /* uninterrupted reference */
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/examples/ct_3d.yaml' --cohort '%s' -j 1 -o '%s' 2>/dev/null",
             build, src, tmp("long.csv"), tmp("ref.csv"));
    int st = system(cmd);
    assert_int_equal(WEXITSTATUS(st), 3);

    unlink(tmp("k.db"));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char cfg[4200], exe[4200];
        snprintf(exe, sizeof exe, "%s/voxomics", build);
        snprintf(cfg, sizeof cfg, "%s/configs/examples/ct_3d.yaml", src);
        freopen("/dev/null", "w", stderr);
        execl(exe, exe, "extract", "--config", cfg, "--cohort", tmp("long.csv"), "-j", "1", "--store", tmp("k.db"),
              "-o", tmp("killed.csv"), (char *)NULL);
        _exit(127);
    }
    /* kill once a few cases are committed and many are not */
    int seen = 0;
    for (int t = 0; t < 20000; t++) {
        seen = stored_cases(tmp("k.db"));
        if (seen >= 10)
            break;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    int ws;
    waitpid(pid, &ws, 0);
    assert_true(WIFSIGNALED(ws)); /* killed before it finished */
    int kept = stored_cases(tmp("k.db"));
    print_message("killed with %d of %d cases committed\n", kept, 6 * NCASES);
    assert_true(kept >= 10 && kept < 6 * NCASES);
    struct stat sb;
    assert_true(stat(tmp("killed.csv"), &sb) != 0); /* no table from the killed run */

    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/examples/ct_3d.yaml' --cohort '%s' -j 2 --store '%s' "
             "-o '%s' 2>/dev/null",
             build, src, tmp("long.csv"), tmp("k.db"), tmp("resumed.csv"));
    st = system(cmd);
    assert_int_equal(WEXITSTATUS(st), 3);
    assert_int_equal(stored_cases(tmp("k.db")), 6 * NCASES);
    size_t n1, n2;
    char *a = vx_test_slurp(tmp("ref.csv"), &n1), *b = vx_test_slurp(tmp("resumed.csv"), &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
}

/* Other settings on the same store: refused with a clear message; a clean cohort exits 0. */
static void test_store_mismatch_and_exit_zero(void **state)
{
    (void)state;
    group_setup_once();
    char args[9000];
    snprintf(args, sizeof args, "-j 1 --store '%s' -o '%s'", tmp("m.db"), tmp("m1.csv"));
    assert_int_equal(run(args), 3);
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/examples/ct_1mm.yaml' --cohort '%s' --store '%s' -o '%s' "
             "2>'%s'",
             getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("cases.csv"), tmp("m.db"), tmp("m2.csv"),
             tmp("err.txt"));
    int st = system(cmd);
    assert_int_equal(WEXITSTATUS(st), 1);
    char *e = vx_test_slurp(tmp("err.txt"), NULL);
    assert_non_null(strstr(e, "m.db"));
    assert_non_null(strstr(e, "settings"));
    free(e);

    /* only the good cases: exit 0 */
    FILE *in = fopen(tmp("cases.csv"), "r"), *out = fopen(tmp("good.csv"), "w");
    char line[4096];
    int k = -1;
    while (fgets(line, sizeof line, in)) {
        if (k != 7 && k != 13)
            fputs(line, out);
        k++;
    }
    fclose(in);
    fclose(out);
    snprintf(cmd, sizeof cmd,
             "'%s/voxomics' extract --config '%s/configs/examples/ct_3d.yaml' --cohort '%s' -o '%s' --quiet 2>'%s'",
             getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("good.csv"), tmp("g.csv"), tmp("err.txt"));
    st = system(cmd);
    assert_int_equal(WEXITSTATUS(st), 0);
    e = vx_test_slurp(tmp("err.txt"), NULL);
    assert_string_equal(e, ""); /* --quiet, and not a terminal: nothing on stderr */
    free(e);
}

/* A value of the first data row of a table, by column name (NAN when absent). */
static double first_row_value(const char *table, const char *name, int *present)
{
    FILE *f = fopen(table, "r");
    assert_non_null(f);
    static char hl[1 << 16], rl[1 << 16];
    char *h[1024], *r[1024];
    assert_non_null(fgets(hl, sizeof hl, f));
    assert_non_null(fgets(rl, sizeof rl, f));
    fclose(f);
    int nh = vx_test_csv_split(hl, h, 1024), nr = vx_test_csv_split(rl, r, 1024);
    assert_int_equal(nh, nr);
    int c = col(h, nh, name);
    *present = c >= 0;
    return c >= 0 ? strtod(r[c], NULL) : NAN;
}

/* A PyRadiomics parameter file as PARAMS: PyRadiomics column names, only the requested classes, and its
 * kurtosis (not excess kurtosis) = the IBSI value + 3 on the same case (--compat ibsi, same mapped settings). */
static void test_pyradiomics_params(void **state)
{
    (void)state;
    group_setup_once();
    FILE *out = fopen(tmp("one.csv"), "w");
    fputs("ID,Image,Mask\ncase00,img00.nii.gz,msk00.nii.gz\n", out);
    fclose(out);
    char cmd[16384];
    for (int ibsi = 0; ibsi < 2; ibsi++) {
        snprintf(cmd, sizeof cmd,
                 "'%s/voxomics' extract --config '%s/configs/examples/pyradiomics_params.yaml' --cohort '%s' -o '%s' "
                 "%s 2>/dev/null",
                 getenv("VX_BUILD_DIR"), getenv("VX_SOURCE_DIR"), tmp("one.csv"), tmp(ibsi ? "ibsi.csv" : "pyr.csv"),
                 ibsi ? "--compat ibsi" : "");
        int st = system(cmd);
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    int present;
    first_row_value(tmp("pyr.csv"), "original_glcm_Contrast", &present);
    assert_true(present);
    first_row_value(tmp("pyr.csv"), "original_gldm_DependenceEntropy", &present);
    assert_true(present);
    first_row_value(tmp("pyr.csv"), "ivh_v10", &present); /* no IVH class in a PyRadiomics file */
    assert_false(present);
    first_row_value(tmp("pyr.csv"), "original_glcm_Contrast_2D", &present);
    assert_false(present);
    double kp = first_row_value(tmp("pyr.csv"), "original_firstorder_Kurtosis", &present);
    assert_true(present);
    double ki = first_row_value(tmp("ibsi.csv"), "stat_kurt", &present);
    assert_true(present);
    assert_true(fabs(kp - (ki + 3.0)) < 1e-9 * fabs(kp));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_cases_and_columns),
        cmocka_unit_test(test_jobs_identical),
        cmocka_unit_test(test_kill_and_resume),
        cmocka_unit_test(test_store_mismatch_and_exit_zero),
        cmocka_unit_test(test_pyradiomics_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
