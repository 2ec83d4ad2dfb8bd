/* The statistics commands end to end through the CLI, against external references:
 *  - `voxomics harmonize` on ComBat's testdata (200 features x 10 samples, written here as a samples x features
 *    table with batch and covariate columns) reproduces R's combat_parametric_adjusted_r.csv and
 *    combat_nonparametric_unadjusted_r.csv to 1e-8; --save / --apply gives the same table again; a batch the fit
 *    never saw is refused;
 *  - `voxomics icc` on the Shrout & Fleiss (1979) example in long format gives psych::ICC's values (README) to 1e-6;
 *  - train -> predict -> evaluate on wdbc (scikit-learn's breast cancer table), and cv with --folds-from.
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
#include <sys/wait.h>

#include "voxomics/table.h"
#include "vx_test.h"

static const char *tmp(const char *name)
{
    static char buf[8][4200];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", vx_test_tmpdir(), name);
    return buf[k];
}

static int run(const char *args)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "'%s/voxomics' %s 2>'%s'", getenv("VX_BUILD_DIR"), args, tmp("stderr.txt"));
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* testdata.csv (features x samples, header V1..V10 or none) -> samples x features table */
static void write_combat_table(double x[200][10])
{
    FILE *f = fopen(vx_test_data("stats/combat_reference/testdata.csv"), "r");
    assert_non_null(f);
    char line[1 << 14];
    size_t r = 0;
    while (r < 200 && fgets(line, sizeof line, f)) {
        char *s = line;
        double v[10];
        int k = 0;
        while (k < 10) {
            char *end;
            v[k] = strtod(s, &end);
            if (end == s) { /* a header or a quoted label: skip this line */
                k = -1;
                break;
            }
            k++;
            s = end;
            while (*s == ',' || *s == ' ')
                s++;
        }
        if (k != 10)
            continue;
        memcpy(x[r], v, sizeof v);
        r++;
    }
    fclose(f);
    assert_int_equal(r, 200);
    FILE *o = fopen(tmp("combat_in.csv"), "w");
    fputs("id,batch,cov", o);
    for (int j = 0; j < 200; j++)
        fprintf(o, ",f%d", j + 1);
    fputc('\n', o);
    for (int i = 0; i < 10; i++) {
        fprintf(o, "s%d,b%d,%d", i + 1, i < 5 ? 1 : 2, i % 2 == 0);
        for (int j = 0; j < 200; j++)
            fprintf(o, ",%.17g", x[j][i]);
        fputc('\n', o);
    }
    fclose(o);
}

/* max |harmonised - R| over the table written by the CLI */
static double compare_r(const char *out, const char *ref_name)
{
    double ref[200][10];
    FILE *f = fopen(vx_test_data(ref_name), "r");
    assert_non_null(f);
    char line[1 << 14];
    size_t r = 0;
    while (r < 200 && fgets(line, sizeof line, f)) {
        char *s = line, *end;
        double v = strtod(s, &end);
        if (end == s)
            continue; /* header V1..V10 */
        for (int k = 0; k < 10; k++) {
            ref[r][k] = v;
            s = end;
            while (*s == ',' || *s == ' ')
                s++;
            v = strtod(s, &end);
        }
        r++;
    }
    fclose(f);
    assert_int_equal(r, 200);
    vx_table t;
    vx_error err;
    assert_int_equal(vx_table_read(out, "id", &t, &err), VX_OK);
    assert_int_equal(t.nrow, 10);
    double worst = 0;
    for (int j = 0; j < 200; j++) {
        char name[16];
        snprintf(name, sizeof name, "f%d", j + 1);
        long c = vx_table_col(&t, name);
        assert_true(c >= 0);
        for (int i = 0; i < 10; i++)
            worst = fmax(worst, fabs(t.num[(size_t)i * t.ncol + (size_t)c] - ref[j][i]));
    }
    vx_table_free(&t);
    return worst;
}

static void test_harmonize(void **state)
{
    (void)state;
    static double x[200][10];
    write_combat_table(x);
    char args[9000];
    snprintf(args, sizeof args, "harmonize '%s' --id id --batch batch --covariate cov -o '%s' --save '%s'",
             tmp("combat_in.csv"), tmp("h1.csv"), tmp("fit.json"));
    assert_int_equal(run(args), 0);
    double d1 = compare_r(tmp("h1.csv"), "stats/combat_reference/combat_parametric_adjusted_r.csv");
    snprintf(args, sizeof args, "harmonize '%s' --id id --batch batch --exclude cov --nonparametric -o '%s'",
             tmp("combat_in.csv"), tmp("h2.csv"));
    assert_int_equal(run(args), 0);
    double d2 = compare_r(tmp("h2.csv"), "stats/combat_reference/combat_nonparametric_unadjusted_r.csv");
    snprintf(args, sizeof args, "harmonize '%s' --id id --batch batch --exclude cov --ref-batch b1 -o '%s'",
             tmp("combat_in.csv"), tmp("h3.csv"));
    assert_int_equal(run(args), 0);
    double d3 = compare_r(tmp("h3.csv"), "stats/combat_reference/combat_parametric_unadjusted_batchref_r.csv");
    print_message("harmonize vs R: parametric adjusted %.2g, nonparametric unadjusted %.2g, batchref %.2g\n", d1, d2,
                  d3);
    assert_true(d1 < 1e-8 && d2 < 1e-8 && d3 < 1e-8);

    /* a stored fit without covariates, applied to the same table, gives the fit's own output */
    snprintf(args, sizeof args, "harmonize '%s' --id id --batch batch --exclude cov -o '%s' --save '%s'",
             tmp("combat_in.csv"), tmp("h4.csv"), tmp("fit4.json"));
    assert_int_equal(run(args), 0);
    snprintf(args, sizeof args, "harmonize --apply '%s' '%s' --id id --batch batch -o '%s'", tmp("fit4.json"),
             tmp("combat_in.csv"), tmp("h5.csv"));
    assert_int_equal(run(args), 0);
    double d5 = compare_r(tmp("h5.csv"), "stats/combat_reference/combat_parametric_unadjusted_r.csv");
    assert_true(d5 < 1e-8);
    /* a batch the fit never saw */
    FILE *f = fopen(tmp("combat_in.csv"), "r"), *o = fopen(tmp("newbatch.csv"), "w");
    char line[1 << 14];
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        if (!first && !strncmp(line, "s10,b2", 6))
            memcpy(line, "s10,b9", 6);
        first = 0;
        fputs(line, o);
    }
    fclose(f);
    fclose(o);
    snprintf(args, sizeof args, "harmonize --apply '%s' '%s' --id id --batch batch -o '%s'", tmp("fit4.json"),
             tmp("newbatch.csv"), tmp("h6.csv"));
    assert_int_equal(run(args), 1);
    FILE *e = fopen(tmp("stderr.txt"), "r");
    assert_true(fgets(line, sizeof line, e) != NULL);
    fclose(e);
    assert_non_null(strstr(line, "'b9'"));
}

static void test_icc(void **state)
{
    (void)state;
    const int y[6][4] = {{9, 2, 5, 8}, {6, 1, 3, 2}, {8, 4, 6, 8}, {7, 1, 2, 6}, {10, 5, 6, 9}, {6, 2, 4, 7}};
    FILE *f = fopen(tmp("icc.csv"), "w");
    fputs("row,target,judge,score\n", f);
    int r = 0;
    for (int j = 3; j >= 0; j--) /* any row order */
        for (int i = 0; i < 6; i++)
            fprintf(f, "%d,t%d,j%d,%d\n", ++r, i + 1, j + 1, y[i][j]);
    fclose(f);
    char args[9000];
    snprintf(args, sizeof args, "icc '%s' --subject target --rater judge -o '%s'", tmp("icc.csv"), tmp("icc_out.csv"));
    assert_int_equal(run(args), 0);
    vx_table t;
    vx_error err;
    assert_int_equal(vx_table_read(tmp("icc_out.csv"), "feature", &t, &err), VX_OK);
    assert_int_equal(t.nrow, 1);
    assert_string_equal(VX_TABLE_ID(&t, 0), "score");
    const char *names[6] = {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"};
    const double want[6] = {0.165742, 0.289764, 0.714841, 0.442797, 0.620051, 0.909316};
    for (int m = 0; m < 6; m++) {
        long c = vx_table_col(&t, names[m]);
        if (c < 0)
            fail_msg("no column %s", names[m]);
        assert_true(fabs(t.num[c] - want[m]) < 1e-6);
    }
    vx_table_free(&t);
}

/* wdbc as a table with an ID and a text label */
static void write_wdbc(void)
{
    FILE *f = fopen(vx_test_data("stats/wdbc/wdbc_sklearn_breast_cancer.csv"), "r"), *o = fopen(tmp("wdbc.csv"), "w");
    char line[8192];
    assert_non_null(fgets(line, sizeof line, f));
    fputs("id", o);
    for (int j = 0; j < 30; j++)
        fprintf(o, ",x%d", j);
    fputs(",diagnosis\n", o);
    for (int i = 0; fgets(line, sizeof line, f); i++) {
        char *last = strrchr(line, ',');
        int target = atoi(last + 1);
        *last = '\0';
        fprintf(o, "w%03d,%s,%s\n", i, line, target == 0 ? "malignant" : "benign");
    }
    fclose(f);
    fclose(o);
}

static void test_train_predict_evaluate_cv(void **state)
{
    (void)state;
    write_wdbc();
    char args[9000];
    snprintf(args, sizeof args,
             "train '%s' --id id --label diagnosis --positive malignant --model logreg --C 0.5 --select univariate "
             "--k 8 -o '%s'",
             tmp("wdbc.csv"), tmp("model.json"));
    assert_int_equal(run(args), 0);
    snprintf(args, sizeof args, "predict '%s' '%s' --id id -o '%s'", tmp("model.json"), tmp("wdbc.csv"),
             tmp("pred.csv"));
    assert_int_equal(run(args), 0);
    vx_table t;
    vx_error err;
    assert_int_equal(vx_table_read(tmp("pred.csv"), "id", &t, &err), VX_OK);
    assert_int_equal(t.nrow, 569);
    long pc = vx_table_col(&t, "probability"), lc = vx_table_col(&t, "diagnosis");
    assert_true(pc >= 0 && lc >= 0);
    for (size_t i = 0; i < t.nrow; i++)
        assert_true(t.num[i * t.ncol + (size_t)pc] >= 0.0 && t.num[i * t.ncol + (size_t)pc] <= 1.0);
    vx_table_free(&t);
    snprintf(args, sizeof args,
             "evaluate '%s' --id id --label diagnosis --positive malignant --score score --prob probability "
             "--bootstrap 200 --seed 1 --json '%s'",
             tmp("pred.csv"), tmp("eval.json"));
    assert_int_equal(run(args), 0);
    FILE *f = fopen(tmp("eval.json"), "r");
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    const char *keys[] = {"\"auc\"", "\"auc_se\"", "\"auc_ci\"", "\"auc_bootstrap_ci\"", "\"brier\"",
                          "\"calibration_slope\"", "\"sensitivity\""};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        if (!strstr(buf, keys[k]))
            fail_msg("evaluate JSON lacks %s", keys[k]);
    double auc = strtod(strstr(buf, "\"auc\"") + 6, NULL);
    assert_true(auc > 0.98); /* apparent (training) AUC of a good model */

    /* cv with given folds: two repeats from a file of fold numbers (1-based here) */
    FILE *ff = fopen(tmp("folds.csv"), "w");
    fputs("id,r1,r2\n", ff);
    for (int i = 0; i < 569; i++)
        fprintf(ff, "w%03d,%d,%d\n", i, 1 + i % 4, 1 + (i / 7) % 4);
    fclose(ff);
    snprintf(args, sizeof args,
             "cv '%s' --id id --label diagnosis --positive malignant --model svm --folds-from '%s:r1,r2' --json '%s'",
             tmp("wdbc.csv"), tmp("folds.csv"), tmp("cv.json"));
    assert_int_equal(run(args), 0);
    f = fopen(tmp("cv.json"), "r");
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, "\"auc_fold_mean\""));
    assert_non_null(strstr(buf, "\"auc_fold_sd\""));
    assert_non_null(strstr(buf, "\"folds\":\t4"));
    assert_non_null(strstr(buf, "\"repeats\":\t2"));
    double mean = strtod(strstr(buf, "\"auc_fold_mean\"") + 16, NULL);
    assert_true(mean > 0.95);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_harmonize),
        cmocka_unit_test(test_icc),
        cmocka_unit_test(test_train_predict_evaluate_cv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
