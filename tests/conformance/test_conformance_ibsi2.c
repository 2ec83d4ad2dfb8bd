/* IBSI 2 conformance: run the voxomics CLI exactly as a user would on the IBSI 2 reference data.
 *
 * Phase 1 (response maps): for every test of $VOXOMICS_DATA/ibsi/ibsi2/phase1_tests.csv,
 *   voxomics filter --config configs/ibsi2/phase1/<id>.yaml -o map.nii.gz phase1_phantoms/<phantom>/image.nii.gz
 * and, where the test has a consensus map (33 of 36), every voxel within 1 % of the reference map's range:
 * |h - h_ref| <= 0.01 (max h_ref - min h_ref) (IBSI 2 phase 1 compliance). The 3 tests without a map (9.b.2,
 * 10.a, 10.b.2) must run and give a finite map of the phantom's size.
 * Phase 2 (feature values): for each of the 22 filter configurations of phase2_reference_values_tidy.csv,
 *   voxomics extract --config configs/ibsi2/phase2/<id>.yaml --format long -o out.csv ct_phantom image mask
 * and every reference value (323: 10.x and 11.x have none, nor 8.B's quartile coefficient of dispersion) within
 * its tolerance: |x - reference| <= tolerance.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/voxomics.h"
#include "vx_test.h"

static int col(char **hdr, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(hdr[i], name))
            return i;
    return -1;
}

static void run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0)
        fail_msg("command failed (%d): %s", rc, cmd);
}

/* ---- phase 1 ---------------------------------------------------------------------------------------------- */
/* Worst |h - h_ref| / range of the map at out against the reference (same grid); -1 when the sizes differ. */
static double map_error(const char *out, const char *ref_path)
{
    vx_image *h = NULL, *r = NULL;
    vx_error err;
    if (vx_nifti_read(out, &h, &err) != VX_OK)
        fail_msg("%s", err.msg);
    if (vx_nifti_read(ref_path, &r, &err) != VX_OK)
        fail_msg("%s", err.msg);
    double worst = -1.0;
    if (vx_geometry_count(&h->geom) == vx_geometry_count(&r->geom) &&
        !memcmp(h->geom.dims, r->geom.dims, sizeof h->geom.dims)) {
        const size_t n = vx_geometry_count(&r->geom);
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, r->v[i]);
            hi = fmax(hi, r->v[i]);
        }
        worst = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = fabs((double)h->v[i] - (double)r->v[i]) / (hi - lo);
            if (!(d <= worst)) /* NaN counts as the worst */
                worst = isnan(d) ? INFINITY : d;
        }
    }
    vx_image_free(h);
    vx_image_free(r);
    return worst;
}

static void test_phase1_maps(void **state)
{
    (void)state;
    const char *build = getenv("VX_BUILD_DIR"), *src = getenv("VX_SOURCE_DIR");
    assert_non_null(build);
    assert_non_null(src);
    FILE *f = fopen(vx_test_data("ibsi/ibsi2/phase1_tests.csv"), "r");
    assert_non_null(f);
    char line[8192], *fl[40];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = vx_test_csv_split(line, fl, 40);
    const int c_id = col(fl, nh, "test_id"), c_ph = col(fl, nh, "phantom"), c_ref = col(fl, nh, "reference_map_file");
    assert_true(c_id >= 0 && c_ph >= 0 && c_ref >= 0);
    int tests = 0, with_map = 0, passed = 0, no_map_ran = 0;
    while (fgets(line, sizeof line, f)) {
        int nf = vx_test_csv_split(line, fl, 40);
        if (nf <= c_ref)
            continue;
        tests++;
        char out[4096], cmd[16384], image[4096], id[32];
        snprintf(id, sizeof id, "%s", fl[c_id]);
        snprintf(image, sizeof image, "%s/ibsi/ibsi2/phase1_phantoms/%s/image.nii.gz", vx_test_data_dir(), fl[c_ph]);
        snprintf(out, sizeof out, "%s/ibsi2_%s.nii.gz", vx_test_tmpdir(), id);
        snprintf(cmd, sizeof cmd, "'%s/voxomics' filter -q --config '%s/configs/ibsi2/phase1/%s.yaml' -o '%s' '%s'",
                 build, src, id, out, image);
        if (system(cmd) != 0) {
            print_error("phase 1 %s: the command failed: %s\n", id, cmd);
            continue;
        }
        if (!fl[c_ref][0]) { /* no consensus map: it runs and gives a finite map of the phantom's size */
            vx_image *h = NULL, *p = NULL;
            vx_error err;
            assert_int_equal(vx_nifti_read(out, &h, &err), VX_OK);
            assert_int_equal(vx_nifti_read(image, &p, &err), VX_OK);
            int ok = !memcmp(h->geom.dims, p->geom.dims, sizeof h->geom.dims);
            for (size_t i = 0; ok && i < vx_geometry_count(&h->geom); i++)
                ok = isfinite(h->v[i]);
            no_map_ran += ok;
            print_message("phase 1 %s: no reference map; map %s\n", id, ok ? "finite, phantom-sized" : "WRONG");
            vx_image_free(h);
            vx_image_free(p);
            continue;
        }
        with_map++;
        char ref[4096];
        snprintf(ref, sizeof ref, "%s/ibsi/ibsi2/%s", vx_test_data_dir(), fl[c_ref]);
        double worst = map_error(out, ref);
        int ok = worst >= 0.0 && worst <= 0.01;
        passed += ok;
        if (ok)
            print_message("phase 1 %s: worst voxel %.4f %% of the reference range\n", id, 100.0 * worst);
        else
            print_error("phase 1 %s: worst voxel %.4f %% of the reference range (limit 1 %%)\n", id, 100.0 * worst);
    }
    fclose(f);
    print_message("IBSI 2 phase 1: %d of %d reference maps matched; %d of %d tests without a map ran\n", passed,
                  with_map, no_map_ran, tests - with_map);
    assert_int_equal(tests, 36);
    assert_int_equal(with_map, 33);
    assert_int_equal(passed, 33);
    assert_int_equal(no_map_ran, 3);
}

/* ---- phase 2 ---------------------------------------------------------------------------------------------- */
typedef struct {
    char tag[64];
    double value;
} out_row;

static size_t read_long(const char *path, out_row **rows)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[8192], *fl[32];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = vx_test_csv_split(line, fl, 32);
    int c_tag = col(fl, nh, "tag"), c_val = col(fl, nh, "value");
    assert_true(c_tag >= 0 && c_val >= 0);
    size_t n = 0, cap = 64;
    *rows = malloc(cap * sizeof **rows);
    while (fgets(line, sizeof line, f)) {
        int nf = vx_test_csv_split(line, fl, 32);
        assert_true(nf > c_val);
        if (n == cap)
            *rows = realloc(*rows, (cap *= 2) * sizeof **rows);
        snprintf((*rows)[n].tag, sizeof (*rows)[n].tag, "%s", fl[c_tag]);
        (*rows)[n].value = strtod(fl[c_val], NULL);
        n++;
    }
    fclose(f);
    return n;
}

static void test_phase2_values(void **state)
{
    (void)state;
    const char *build = getenv("VX_BUILD_DIR"), *src = getenv("VX_SOURCE_DIR");
    FILE *f = fopen(vx_test_data("ibsi/ibsi2/phase2_reference_values_tidy.csv"), "r");
    assert_non_null(f);
    char line[8192], *fl[40];
    assert_non_null(fgets(line, sizeof line, f));
    int nh = vx_test_csv_split(line, fl, 40);
    const int c_id = col(fl, nh, "filter_id"), c_tag = col(fl, nh, "feature_tag"),
              c_ref = col(fl, nh, "reference_value"), c_tol = col(fl, nh, "tolerance");
    assert_true(c_id >= 0 && c_tag >= 0 && c_ref >= 0 && c_tol >= 0);
    char current[32] = "";
    out_row *rows = NULL;
    size_t n_rows = 0;
    int ran = 0, checked = 0, matched = 0;
    while (fgets(line, sizeof line, f)) {
        int nf = vx_test_csv_split(line, fl, 40);
        if (nf <= c_tol)
            continue;
        char *end;
        double ref = strtod(fl[c_ref], &end);
        if (end == fl[c_ref]) /* no reference value (10.x, 11.x, 8.B qcod) */
            continue;
        double tol = strtod(fl[c_tol], NULL);
        if (strcmp(current, fl[c_id])) { /* a new configuration: run it */
            snprintf(current, sizeof current, "%s", fl[c_id]);
            char out[4096], cmd[16384];
            snprintf(out, sizeof out, "%s/ibsi2_p2_%s.csv", vx_test_tmpdir(), current);
            snprintf(cmd, sizeof cmd,
                     "'%s/voxomics' extract -q --config '%s/configs/ibsi2/phase2/%s.yaml' --format long -o '%s' "
                     "'%s/ibsi/ibsi1/ct_phantom/image.nii.gz' '%s/ibsi/ibsi1/ct_phantom/mask.nii.gz'",
                     build, src, current, out, vx_test_data_dir(), vx_test_data_dir());
            free(rows);
            rows = NULL;
            n_rows = 0;
            if (system(cmd) != 0)
                print_error("phase 2 %s: the command failed: %s\n", current, cmd);
            else {
                n_rows = read_long(out, &rows);
                ran++;
            }
        }
        checked++;
        const out_row *hit = NULL;
        for (size_t i = 0; i < n_rows && !hit; i++)
            if (!strcmp(rows[i].tag, fl[c_tag]))
                hit = &rows[i];
        if (!hit)
            print_error("phase 2 %s: %s missing (reference %g)\n", current, fl[c_tag], ref);
        else if (fabs(hit->value - ref) <= tol)
            matched++;
        else
            print_error("phase 2 %s: %s = %.6g, reference %g +/- %g\n", current, fl[c_tag], hit->value, ref, tol);
    }
    fclose(f);
    free(rows);
    print_message("IBSI 2 phase 2: %d of %d reference values matched (%d configurations run)\n", matched, checked,
                  ran);
    assert_int_equal(checked, 323);
    assert_int_equal(matched, 323);
}

/* The 4 configurations without reference values (10.A/B, 11.A/B: Riesz-transformed Simoncelli) run. */
static void test_phase2_unreferenced_run(void **state)
{
    (void)state;
    const char *build = getenv("VX_BUILD_DIR"), *src = getenv("VX_SOURCE_DIR");
    const char *ids[] = {"10.A", "10.B", "11.A", "11.B"};
    for (size_t k = 0; k < 4; k++) {
        char out[4096], cmd[16384];
        snprintf(out, sizeof out, "%s/ibsi2_p2_%s.csv", vx_test_tmpdir(), ids[k]);
        snprintf(cmd, sizeof cmd,
                 "'%s/voxomics' extract -q --config '%s/configs/ibsi2/phase2/%s.yaml' --format long -o '%s' "
                 "'%s/ibsi/ibsi1/ct_phantom/image.nii.gz' '%s/ibsi/ibsi1/ct_phantom/mask.nii.gz'",
                 build, src, ids[k], out, vx_test_data_dir(), vx_test_data_dir());
        run(cmd);
        out_row *rows = NULL;
        size_t n = read_long(out, &rows);
        assert_int_equal(n, 18);
        for (size_t i = 0; i < n; i++)
            assert_true(isfinite(rows[i].value) || !strcmp(rows[i].tag, "stat_qcod"));
        free(rows);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phase1_maps),
        cmocka_unit_test(test_phase2_values),
        cmocka_unit_test(test_phase2_unreferenced_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
