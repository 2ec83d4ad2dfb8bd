/* PyRadiomics parity: run the voxomics CLI as a PyRadiomics user would, with PyRadiomics parameter files, on
 * PyRadiomics' own test case brain1, and compare with PyRadiomics' output.
 *
 * Baselines: for each of PyRadiomics' brain1 test configurations, configs/pyradiomics/<configuration>.yaml
 * (its settings, scripts/make_pyradiomics_configs.py) runs as
 *   voxomics extract --config configs/pyradiomics/<configuration>.yaml --cohort cases.csv -o table.csv
 * and every value of that column in $VOXOMICS_DATA/pyradiomics/baseline_<class>.csv must be reproduced within
 * 1e-6 relative (brain1_resampling: 1e-4), the column named as PyRadiomics names it (original_<class>_<Feature>).
 * The shape2D configuration's mask is one slice (its baseline's diagnostics: brain1's label at z = 16 as a 2D
 * image, corrected onto the image grid by correctMask), made here from brain1's label.
 * Four of brain1's committed mesh values come from an older PyRadiomics; they are checked against the values of
 * PyRadiomics' current code on the same mask that the data's README gives (9 significant digits).
 * Filters: $VOXOMICS_DATA/pyradiomics/filters/params.yaml (Original, LoG 1 and 3 mm, Wavelet, Square, SquareRoot,
 * Logarithm, Exponential, Gradient) on brain1 reproduces PyRadiomics' 1,502 values of reference_brain1.csv within
 * 1e-5 relative (LoG image types 1e-4).
 * force2Ddimension 1 and 2: brain1 with its axes permuted so that its slices lie perpendicular to y or x, run with
 * the brain1_2d and brain1_shape2D parameter files set to that dimension, reproduces those baselines.
 * label_channel: brain1's label as channel 1 of a two-channel NRRD mask, read with label_channel 1, reproduces the
 * brain1 baseline.
 * Relative tolerance: |x - ref| <= tol |ref|, or |x - ref| <= 1e-12 where ref is 0.
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

/* A name -> value table read from one CSV row (ours) or one column of PyRadiomics' files. */
typedef struct {
    char **name;
    double *value;
    size_t n, cap;
} nv_table;

static void nv_add(nv_table *t, const char *name, double v)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->name = realloc(t->name, t->cap * sizeof *t->name);
        t->value = realloc(t->value, t->cap * sizeof *t->value);
        assert_non_null(t->name);
        assert_non_null(t->value);
    }
    t->name[t->n] = strdup(name);
    assert_non_null(t->name[t->n]);
    t->value[t->n++] = v;
}

static const double *nv_get(const nv_table *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->name[i], name))
            return &t->value[i];
    return NULL;
}

static void nv_free(nv_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->name[i]);
    free(t->name);
    free(t->value);
    memset(t, 0, sizeof *t);
}

/* Reads a whole line (any length) into *buf; 0 at the end of the file. */
static int read_line(FILE *f, char **buf, size_t *cap)
{
    return getline(buf, cap, f) > 0;
}

/* Our wide table (header + one case row): every numeric column. */
static void read_ours(const char *path, nv_table *t)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    char *hdr = NULL, *row = NULL;
    size_t hc = 0, rc = 0;
    assert_true(read_line(f, &hdr, &hc));
    assert_true(read_line(f, &row, &rc));
    fclose(f);
    enum { MAXF = 4096 };
    char **h = malloc(MAXF * sizeof *h), **r = malloc(MAXF * sizeof *r);
    assert_non_null(h);
    assert_non_null(r);
    const int nh = vx_test_csv_split(hdr, h, MAXF), nr = vx_test_csv_split(row, r, MAXF);
    assert_int_equal(nh, nr);
    for (int i = 0; i < nh; i++) {
        char *end;
        const double v = strtod(r[i], &end);
        if (end != r[i] && *end == '\0')
            nv_add(t, h[i], v);
    }
    free(h);
    free(r);
    free(hdr);
    free(row);
}

/* The values of column `column` in a PyRadiomics table (featureName, then one column per configuration; rows
 * diagnostics_* are skipped, as are empty cells). Returns 0 when the file lacks the column. */
static int read_theirs(const char *path, const char *column, nv_table *t)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    char *line = NULL;
    size_t cap = 0;
    char *cells[64];
    int c = -1;
    if (read_line(f, &line, &cap)) {
        const int n = vx_test_csv_split(line, cells, 64);
        for (int i = 1; i < n; i++)
            if (!strcmp(cells[i], column))
                c = i;
    }
    while (c > 0 && read_line(f, &line, &cap)) {
        const int n = vx_test_csv_split(line, cells, 64);
        if (n <= c || !strncmp(cells[0], "diagnostics_", 12) || !cells[c][0])
            continue;
        nv_add(t, cells[0], strtod(cells[c], NULL));
    }
    free(line);
    fclose(f);
    return c > 0;
}

/* $VX_BUILD_DIR / $VX_SOURCE_DIR (set by CTest). */
static const char *env_dir(const char *name)
{
    const char *d = getenv(name);
    if (!d)
        fail_msg("%s is not set (run through ctest)", name);
    return d;
}

static int matches(double x, double ref, double tol)
{
    return fabs(x - ref) <= tol * fabs(ref) || fabs(x - ref) <= 1e-12;
}

/* PyRadiomics' 2D shape case: its baseline's mask is one slice (original bounding box (162, 84, 0, 45, 32, 1),
 * 984 voxels), corrected onto the image grid at z = 16 (corrected box (162, 84, 16, 45, 32, 1)): brain1's label
 * at slice 16 as a one-slice image placed where that slice lies, written to path (NIfTI). */
static void write_slice16_mask(const char *path)
{
    vx_image *lab = NULL;
    vx_error err;
    char src[4096];
    snprintf(src, sizeof src, "%s/brain1_label.nrrd", vx_test_data("pyradiomics"));
    if (vx_image_read(src, &lab, &err) != VX_OK)
        fail_msg("%s", err.msg);
    vx_geometry g = lab->geom;
    g.dims[2] = 1;
    for (int a = 0; a < 3; a++) /* origin + direction * (0, 0, 16 spacing_z) */
        g.origin[a] += lab->geom.direction[3 * a + 2] * 16.0 * lab->geom.spacing[2];
    vx_image *slice = vx_image_new(&g);
    assert_non_null(slice);
    const size_t nxy = g.dims[0] * g.dims[1];
    size_t n = 0;
    for (size_t i = 0; i < nxy; i++) {
        slice->v[i] = lab->v[16 * nxy + i];
        n += slice->v[i] == 1.0f;
    }
    assert_int_equal(n, 984);
    assert_int_equal(vx_nifti_write(path, slice, 1, &err), VX_OK);
    vx_image_free(slice);
    vx_image_free(lab);
}

/* Runs a PyRadiomics parameter file on brain1 as a one-case cohort (image: brain1's, or image when not NULL;
 * mask: brain1's label, or mask when not NULL); our values into ours (none when the run fails: the failure is
 * printed and every value then counts as missing). */
static void run_case(const char *config, const char *image, const char *mask, nv_table *ours)
{
    const char *data = vx_test_data("pyradiomics");
    char cases[4096], table[4096], cmd[16384], label[4096], img[4096];
    snprintf(label, sizeof label, "%s/brain1_label.nrrd", data);
    snprintf(img, sizeof img, "%s/brain1_image.nrrd", data);
    snprintf(cases, sizeof cases, "%s/cases.csv", vx_test_tmpdir());
    snprintf(table, sizeof table, "%s/table.csv", vx_test_tmpdir());
    FILE *f = fopen(cases, "w");
    assert_non_null(f);
    fprintf(f, "id,image,mask\nbrain1,%s,%s\n", image ? image : img, mask ? mask : label);
    fclose(f);
    snprintf(cmd, sizeof cmd, "'%s/voxomics' extract -q --config '%s' --cohort '%s' -j 1 -o '%s'", env_dir("VX_BUILD_DIR"),
             config, cases, table);
    if (system(cmd) != 0) {
        print_error("command failed: %s\n", cmd);
        return;
    }
    read_ours(table, ours);
}

static void run_brain1(const char *config, const char *mask, nv_table *ours)
{
    run_case(config, NULL, mask, ours);
}

/* PyRadiomics' current mesh values for brain1 (its README: the committed ones come from an older version). */
static const struct {
    const char *name;
    double value;
} current_mesh[] = {
    {"original_shape_MeshVolume", 16147.5118},
    {"original_shape_SurfaceArea", 6438.8216},
    {"original_shape_Sphericity", 0.479823454},
    {"original_shape_SurfaceVolumeRatio", 0.398750079},
};

/* Every baseline value of column (a configuration) against our values of one run of config on image and mask
 * (NULL: brain1's); returns the number matched, *total the number of values. */
static size_t check_values(const char *column, double tol, const char *config, const char *image, const char *mask,
                           size_t *total)
{
    static const char *const classes[] = {"firstorder", "glcm", "gldm", "glrlm", "glszm",
                                          "ngtdm",      "shape", "shape2D"};
    char path[4096];
    nv_table theirs = {0}, ours = {0};
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        snprintf(path, sizeof path, "%s/baseline_%s.csv", vx_test_data("pyradiomics"), classes[i]);
        read_theirs(path, column, &theirs);
    }
    run_case(config, image, mask, &ours);
    size_t ok = 0;
    for (size_t i = 0; i < theirs.n; i++) {
        double ref = theirs.value[i];
        for (size_t k = 0; !strcmp(column, "brain1") && k < sizeof current_mesh / sizeof current_mesh[0]; k++)
            if (!strcmp(theirs.name[i], current_mesh[k].name))
                ref = current_mesh[k].value;
        const double *x = nv_get(&ours, theirs.name[i]);
        if (x && matches(*x, ref, tol))
            ok++;
        else if (x)
            print_error("%s %s: %.12g, PyRadiomics %.12g (relative %.3g)\n", column, theirs.name[i], *x, ref,
                        (*x - ref) / ref);
        else
            print_error("%s %s: missing\n", column, theirs.name[i]);
    }
    *total = theirs.n;
    print_message("%s (%s): %zu of %zu values match\n", column, config, ok, theirs.n);
    nv_free(&theirs);
    nv_free(&ours);
    return ok;
}

/* Every baseline value of one configuration (configs/pyradiomics/<column>.yaml). */
static size_t check_configuration(const char *column, double tol, size_t *total)
{
    char mask[4096], path[4096];
    snprintf(mask, sizeof mask, "%s/brain1_label_z16.nii.gz", vx_test_tmpdir());
    const int slice = !strcmp(column, "brain1_shape2D");
    if (slice)
        write_slice16_mask(mask);
    snprintf(path, sizeof path, "%s/configs/pyradiomics/%s.yaml", env_dir("VX_SOURCE_DIR"), column);
    return check_values(column, tol, path, NULL, slice ? mask : NULL, total);
}

static void test_baselines(void **state)
{
    (void)state;
    static const struct {
        const char *column;
        double tol;
        size_t values;
    } cfg[] = {
        {"brain1", 1e-6, 107},          {"brain1_2d", 1e-6, 75},          {"brain1_FBN", 1e-6, 75},
        {"brain1_combined", 1e-6, 40},  {"brain1_flatRegion", 1e-6, 75},  {"brain1_normalization", 1e-6, 93},
        {"brain1_resampling", 1e-4, 107}, {"brain1_resegmentation", 1e-6, 93}, {"brain1_shape2D", 1e-6, 9},
    };
    size_t ok = 0, total = 0, failed = 0;
    for (size_t i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
        size_t n;
        const size_t m = check_configuration(cfg[i].column, cfg[i].tol, &n);
        assert_int_equal(n, cfg[i].values); /* the baseline holds this many values */
        ok += m;
        total += n;
        failed += m != n;
    }
    print_message("PyRadiomics baselines: %zu of %zu values match\n", ok, total);
    assert_int_equal(total, 674);
    assert_int_equal(failed, 0);
    assert_int_equal(ok, 674);
}

static void test_filters(void **state)
{
    (void)state;
    char path[4096];
    nv_table theirs = {0}, ours = {0};
    snprintf(path, sizeof path, "%s/filters/reference_brain1.csv", vx_test_data("pyradiomics"));
    assert_true(read_theirs(path, "brain1", &theirs));
    snprintf(path, sizeof path, "%s/filters/params.yaml", vx_test_data("pyradiomics"));
    run_brain1(path, NULL, &ours);
    size_t ok = 0, log_ok = 0;
    for (size_t i = 0; i < theirs.n; i++) {
        const int is_log = !strncmp(theirs.name[i], "log-", 4);
        const double *x = nv_get(&ours, theirs.name[i]);
        if (x && matches(*x, theirs.value[i], is_log ? 1e-4 : 1e-5)) {
            ok++;
            log_ok += is_log;
        } else {
            print_error("%s: %.12g, PyRadiomics %.12g\n", theirs.name[i], x ? *x : NAN, theirs.value[i]);
        }
    }
    print_message("PyRadiomics filters: %zu of %zu values match (LoG %zu)\n", ok, theirs.n, log_ok);
    assert_int_equal(theirs.n, 1502);
    assert_int_equal(ok, 1502);
    nv_free(&theirs);
    nv_free(&ours);
}

/* configs/pyradiomics/<column>.yaml written to path with text in place of (replace) or after the one line
 * that equals match. */
static void write_config(const char *column, const char *path, const char *match, const char *text, int replace)
{
    char src[4096], line[1024];
    snprintf(src, sizeof src, "%s/configs/pyradiomics/%s.yaml", env_dir("VX_SOURCE_DIR"), column);
    FILE *in = fopen(src, "r"), *out = fopen(path, "w");
    assert_non_null(in);
    assert_non_null(out);
    int found = 0;
    while (fgets(line, sizeof line, in)) {
        const int hit = !strcmp(line, match);
        if (!(hit && replace))
            fputs(line, out);
        if (hit) {
            fputs(text, out);
            found++;
        }
    }
    fclose(in);
    fclose(out);
    assert_int_equal(found, 1);
}

/* the configuration with force2Ddimension 0 replaced by dim */
static void write_config_dim(const char *column, int dim, const char *path)
{
    char text[64];
    snprintf(text, sizeof text, "  force2Ddimension: %d\n", dim);
    write_config(column, path, "  force2Ddimension: 0\n", text, 1);
}

/* force2Ddimension 1 and 2: brain1 with its axes permuted so that its axial slices become the planes
 * perpendicular to y (dimension 1: new axes x, z, y) or to x (dimension 2: new axes z, x, y), the in-plane
 * axes in the order PyRadiomics takes them. PyRadiomics with force2Ddimension d on such an image forms the same
 * 2D matrices (the same in-plane offsets, zones and neighbourhoods) as with force2Ddimension 0 on brain1, and
 * the same 2D shape of the one-slice mask: the brain1_2d (75) and brain1_shape2D (9) baselines hold for both. */
static void test_slice_axes(void **state)
{
    (void)state;
    static const int axes[2][3] = {{0, 2, 1}, {2, 0, 1}};
    const char *data = vx_test_data("pyradiomics"), *tmp = vx_test_tmpdir();
    size_t ok = 0, total = 0;
    for (int d = 1; d <= 2; d++) {
        char src[4096], image[4096], label[4096], z16[4096], config[4096];
        snprintf(image, sizeof image, "%s/brain1_image_dim%d.nii.gz", tmp, d);
        snprintf(label, sizeof label, "%s/brain1_label_dim%d.nii.gz", tmp, d);
        snprintf(z16, sizeof z16, "%s/brain1_label_z16_dim%d.nii.gz", tmp, d);
        snprintf(src, sizeof src, "%s/brain1_image.nrrd", data);
        vx_test_write_permuted(src, axes[d - 1], -1, image);
        snprintf(src, sizeof src, "%s/brain1_label.nrrd", data);
        vx_test_write_permuted(src, axes[d - 1], -1, label);
        vx_test_write_permuted(src, axes[d - 1], 16, z16);
        size_t n;
        snprintf(config, sizeof config, "%s/brain1_2d_dim%d.yaml", tmp, d);
        write_config_dim("brain1_2d", d, config);
        ok += check_values("brain1_2d", 1e-6, config, image, label, &n);
        assert_int_equal(n, 75);
        total += n;
        snprintf(config, sizeof config, "%s/brain1_shape2D_dim%d.yaml", tmp, d);
        write_config_dim("brain1_shape2D", d, config);
        ok += check_values("brain1_shape2D", 1e-6, config, image, z16, &n);
        assert_int_equal(n, 9);
        total += n;
    }
    print_message("force2Ddimension 1 and 2: %zu of %zu values match\n", ok, total);
    assert_int_equal(ok, 168);
}

/* brain1's label as channel 1 of a two-channel NRRD ("kinds: vector domain domain domain", the channels
 * interleaved), channel 0 holding only its voxels below slice 12, written to path. */
static void write_two_channel_mask(const char *path)
{
    vx_image *lab = NULL;
    vx_error err;
    char src[4096];
    snprintf(src, sizeof src, "%s/brain1_label.nrrd", vx_test_data("pyradiomics"));
    if (vx_image_read(src, &lab, &err) != VX_OK)
        fail_msg("%s", err.msg);
    const vx_geometry *g = &lab->geom;
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fprintf(f, "NRRD0004\ntype: float\ndimension: 4\nspace: left-posterior-superior\nsizes: 2 %zu %zu %zu\n",
            g->dims[0], g->dims[1], g->dims[2]);
    fprintf(f, "space directions: none");
    for (int a = 0; a < 3; a++)
        fprintf(f, " (%.17g,%.17g,%.17g)", g->direction[a] * g->spacing[a], g->direction[3 + a] * g->spacing[a],
                g->direction[6 + a] * g->spacing[a]);
    fprintf(f, "\nkinds: vector domain domain domain\nendian: little\nencoding: raw\nspace origin: "
               "(%.17g,%.17g,%.17g)\n\n", g->origin[0], g->origin[1], g->origin[2]);
    const size_t nxy = g->dims[0] * g->dims[1], n = nxy * g->dims[2];
    for (size_t i = 0; i < n; i++) {
        const float v[2] = {i / nxy < 12 ? lab->v[i] : 0.0f, lab->v[i]};
        assert_int_equal(fwrite(v, sizeof v[0], 2, f), 2);
    }
    assert_int_equal(fclose(f), 0);
    vx_image_free(lab);
}

/* label_channel: the brain1 configuration with label_channel 1 on a two-channel mask whose channel 1 is brain1's
 * label reproduces the brain1 baseline (107 values); without it PyRadiomics reads channel 0 (another ROI: the
 * values differ); label_channel 2 is an error naming the file's 2 channels. */
static void test_label_channel(void **state)
{
    (void)state;
    const char *tmp = vx_test_tmpdir();
    char mask[4096], config[4096];
    snprintf(mask, sizeof mask, "%s/brain1_label_2ch.nrrd", tmp);
    write_two_channel_mask(mask);
    for (int ch = 0; ch <= 2; ch++) {
        char text[64] = "";
        snprintf(config, sizeof config, "%s/brain1_channel%d.yaml", tmp, ch);
        if (ch > 0)
            snprintf(text, sizeof text, "  label_channel: %d\n", ch);
        write_config("brain1", config, "setting:\n", text, 0);
        if (ch == 2) {
            char cmd[16384], log[4096], cases[4096];
            snprintf(cases, sizeof cases, "%s/cases_ch.csv", tmp);
            snprintf(log, sizeof log, "%s/channel2.log", tmp);
            FILE *f = fopen(cases, "w");
            assert_non_null(f);
            fprintf(f, "id,image,mask\nbrain1,%s/brain1_image.nrrd,%s\n", vx_test_data("pyradiomics"), mask);
            fclose(f);
            snprintf(cmd, sizeof cmd, "'%s/voxomics' extract -q --config '%s' --cohort '%s' -j 1 -o '%s/ch2.csv' "
                     "2> '%s'", env_dir("VX_BUILD_DIR"), config, cases, tmp, log);
            assert_true(system(cmd) != 0);
            size_t n;
            char *text = vx_test_slurp(log, &n);
            assert_non_null(text);
            assert_non_null(strstr(text, "channel 2 requested, but the file has 2 channels"));
            free(text);
            continue;
        }
        size_t n;
        const size_t ok = check_values("brain1", 1e-6, config, NULL, mask, &n);
        assert_int_equal(n, 107);
        if (ch == 1)
            assert_int_equal(ok, 107);
        else
            assert_true(ok < 60);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baselines),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_slice_axes),
        cmocka_unit_test(test_label_channel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
