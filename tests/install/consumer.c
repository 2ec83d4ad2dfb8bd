/* A program outside the voxomics tree, built against an installed voxomics with
 *   cc consumer.c $(pkg-config --cflags --libs voxomics)
 * It uses only the public API (<voxomics/voxomics.h>): it reads the IBSI 1 digital phantom, extracts its
 * features with the IBSI digital-phantom settings, and compares every value with the IBSI 1 reference table,
 * by IBSI's rule (the absolute difference, rounded down at the third significant digit of the reference, is
 * at most the tolerance). Three values are also checked against numbers written here from the IBSI 1 manual,
 * so a broken table read cannot pass unnoticed.
 *
 * Usage: consumer IMAGE MASK SETTINGS.yaml REFERENCE_VALUES.csv DATASET_ID EXPECTED_COUNT
 * Exit 0 when every reference value matches and EXPECTED_COUNT were compared; 1 otherwise.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <voxomics/voxomics.h>

/* Split one CSV line in place (RFC 4180 quoting); returns the number of fields, at most max. */
static int split_csv(char *line, char **field, int max)
{
    int n = 0;
    char *r = line;
    while (n < max) {
        char *w = r;
        field[n++] = w;
        int quoted = 0;
        for (; *r && (quoted || (*r != ',' && *r != '\n' && *r != '\r')); r++) {
            if (*r == '"') {
                if (quoted && r[1] == '"')
                    *w++ = *++r;
                else
                    quoted = !quoted;
                continue;
            }
            *w++ = *r;
        }
        const char sep = *r;
        *w = '\0';
        if (sep != ',')
            break;
        r++;
    }
    return n;
}

static int find_column(char **field, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(field[i], name))
            return i;
    return -1;
}

/* IBSI 1 rule: |x - ref| rounded down (toward zero) at the reference's third significant digit <= tol. */
static int ibsi_match(double x, double ref, double tol)
{
    if (!isfinite(x))
        return 0;
    const int exponent = ref == 0.0 ? 2 : (int)floor(log10(fabs(ref)));
    const double step = pow(10.0, exponent - 2);
    const double diff = floor(fabs(x - ref) / step * (1.0 + 1e-12)) * step;
    return diff <= tol * (1.0 + 1e-12);
}

/* Value of IBSI tag `tag` in res (feature rows and diagnostic rows); 1 when found. */
static int lookup(const vx_results *res, const char *tag, double *value)
{
    char buf[128];
    for (size_t i = 0; i < res->n; i++) {
        if (vx_feature_tag(res->rows[i].feature, res->rows[i].agg, buf, sizeof buf) != VX_OK)
            continue;
        if (!strcmp(buf, tag)) {
            *value = res->rows[i].value;
            return 1;
        }
    }
    for (size_t i = 0; i < res->n_diag; i++)
        if (!strcmp(res->diag[i].tag, tag)) {
            *value = res->diag[i].value;
            return 1;
        }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s IMAGE MASK SETTINGS.yaml REFERENCE_VALUES.csv DATASET_ID EXPECTED_COUNT\n",
                argv[0]);
        return 2;
    }
    const char *image_path = argv[1], *mask_path = argv[2], *settings_path = argv[3], *ref_path = argv[4],
               *dataset = argv[5];
    const int expected = atoi(argv[6]);
    printf("voxomics %s\n", vx_version());

    vx_error err;
    vx_error_clear(&err);
    vx_image *img = NULL, *mask = NULL;
    vx_settings settings;
    vx_results res;
    vx_results_init(&res);
    vx_settings_default(&settings);
    int rc = vx_image_read(image_path, &img, &err);
    if (rc == VX_OK)
        rc = vx_image_read(mask_path, &mask, &err);
    if (rc == VX_OK)
        rc = vx_settings_load(settings_path, &settings, &err);
    if (rc == VX_OK)
        rc = vx_extract(img, mask, &settings, &res, &err);
    vx_image_free(img);
    vx_image_free(mask);
    if (rc != VX_OK) {
        fprintf(stderr, "FAIL: %s (%s)\n", err.msg, vx_strerror(rc));
        vx_results_free(&res);
        return 1;
    }
    char hash[65];
    vx_settings_hash(&settings, hash);
    printf("%zu feature values and %zu diagnostic values; settings sha256 %s\n", res.n, res.n_diag, hash);

    int failed = 0, compared = 0;
    /* from the IBSI 1 manual, digital phantom: volume (mesh) 556 +/- 4 mm^3, mean 2.15, joint maximum
     * (GLCM, 3D averaged) 0.503 */
    static const struct {
        const char *tag;
        double value, tol;
    } manual[] = {{"morph_volume", 556, 4}, {"stat_mean", 2.15, 0}, {"cm_joint_max_3D_avg", 0.503, 0}};
    for (size_t i = 0; i < sizeof manual / sizeof manual[0]; i++) {
        double x = NAN;
        if (!lookup(&res, manual[i].tag, &x) || !ibsi_match(x, manual[i].value, manual[i].tol)) {
            fprintf(stderr, "FAIL: %s = %.9g, IBSI manual %g +/- %g\n", manual[i].tag, x, manual[i].value,
                    manual[i].tol);
            failed++;
        } else {
            printf("%s = %.9g (IBSI %g +/- %g)\n", manual[i].tag, x, manual[i].value, manual[i].tol);
        }
    }

    FILE *f = fopen(ref_path, "r");
    if (!f) {
        fprintf(stderr, "FAIL: %s: cannot open\n", ref_path);
        vx_results_free(&res);
        return 1;
    }
    char line[16384];
    char *field[32];
    int c_ds = -1, c_tag = -1, c_ref = -1, c_tol = -1;
    if (fgets(line, sizeof line, f)) {
        const int n = split_csv(line, field, 32);
        c_ds = find_column(field, n, "dataset_id");
        c_tag = find_column(field, n, "tag");
        c_ref = find_column(field, n, "reference_value");
        c_tol = find_column(field, n, "tolerance");
    }
    if (c_ds < 0 || c_tag < 0 || c_ref < 0 || c_tol < 0) {
        fprintf(stderr, "FAIL: %s: no dataset_id, tag, reference_value and tolerance columns\n", ref_path);
        fclose(f);
        vx_results_free(&res);
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        const int n = split_csv(line, field, 32);
        if (n <= c_tol || strcmp(field[c_ds], dataset) || !field[c_ref][0])
            continue;
        const double ref = strtod(field[c_ref], NULL), tol = strtod(field[c_tol], NULL);
        double x = NAN;
        compared++;
        if (!lookup(&res, field[c_tag], &x)) {
            fprintf(stderr, "FAIL: %s: not in the results (reference %g)\n", field[c_tag], ref);
            failed++;
        } else if (!ibsi_match(x, ref, tol)) {
            fprintf(stderr, "FAIL: %s = %.9g, reference %g +/- %g\n", field[c_tag], x, ref, tol);
            failed++;
        }
    }
    fclose(f);
    vx_results_free(&res);
    printf("%s: %d reference values compared, %d failed\n", dataset, compared, failed);
    if (compared != expected) {
        fprintf(stderr, "FAIL: %d reference values compared, expected %d\n", compared, expected);
        return 1;
    }
    return failed ? 1 : 0;
}
