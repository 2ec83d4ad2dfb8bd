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

#include "voxomics/table.h"
#include "vx_test.h"

#define tmp vx_test_tmp
#define run vx_test_voxomics

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

static char *slurp_tmp(const char *name)
{
    FILE *f = fopen(tmp(name), "r");
    if (!f)
        return NULL;
    static char buf[4][1 << 16];
    static int k;
    k = (k + 1) % 4;
    size_t n = fread(buf[k], 1, sizeof buf[k] - 1, f);
    buf[k][n] = '\0';
    fclose(f);
    return buf[k];
}

/* icc on a long table whose first column repeats (one row per subject and rater), with a constant feature:
 * exit 0, the constant feature's cells empty and a note naming it; the other feature as psych (README).
 * A non-numeric cell: exit 1, the message quotes it, and no output file is left. */
static void test_icc_degenerate(void **state)
{
    (void)state;
    const int y[6][4] = {{9, 2, 5, 8}, {6, 1, 3, 2}, {8, 4, 6, 8}, {7, 1, 2, 6}, {10, 5, 6, 9}, {6, 2, 4, 7}};
    FILE *f = fopen(tmp("icc_long.csv"), "w");
    fputs("target,judge,flat,score\n", f);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 4; j++)
            fprintf(f, "t%d,j%d,3.5,%d\n", i + 1, j + 1, y[i][j]);
    fclose(f);
    char args[9000];
    remove(tmp("icc_long_out.csv"));
    snprintf(args, sizeof args, "icc '%s' --subject target --rater judge -o '%s'", tmp("icc_long.csv"),
             tmp("icc_long_out.csv"));
    assert_int_equal(run(args), 0);
    const char *msg = slurp_tmp("stderr.txt");
    assert_non_null(strstr(msg, "feature 'flat'"));
    assert_non_null(strstr(msg, "zero between- and within-subject variance"));
    const char *out = slurp_tmp("icc_long_out.csv");
    assert_non_null(out);
    assert_non_null(strstr(out, "\nflat,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n"));
    assert_null(strstr(out, "nan"));
    vx_table t;
    vx_error err;
    assert_int_equal(vx_table_read(tmp("icc_long_out.csv"), "feature", &t, &err), VX_OK);
    assert_int_equal(t.nrow, 2);
    assert_string_equal(VX_TABLE_ID(&t, 1), "score");
    assert_true(fabs(t.num[t.ncol + (size_t)vx_table_col(&t, "ICC3")] - 0.714841) < 1e-6);
    vx_table_free(&t);

    f = fopen(tmp("icc_bad.csv"), "w");
    fputs("target,judge,score\n", f);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 4; j++)
            if (i == 2 && j == 1)
                fputs("t3,j2,#VALUE!\n", f);
            else
                fprintf(f, "t%d,j%d,%d\n", i + 1, j + 1, y[i][j]);
    fclose(f);
    remove(tmp("icc_bad_out.csv"));
    snprintf(args, sizeof args, "icc '%s' --subject target --rater judge -o '%s'", tmp("icc_bad.csv"),
             tmp("icc_bad_out.csv"));
    assert_int_equal(run(args), 1);
    msg = slurp_tmp("stderr.txt");
    assert_non_null(strstr(msg, "t3 (subject 't3', rater 'j2'), column score: '#VALUE!' is not a number"));
    assert_null(fopen(tmp("icc_bad_out.csv"), "r"));
}

/* The NSCLC CaPTk table with the EGFR label (shared data, rows without a label or with '#NAME?' dropped):
 * mRMR writes an empty score for unselected features (never 'nan'); select --method lasso and cv --select lasso
 * run to the end on it with glmnet's defaults (they stopped with "did not converge" before). */
static void test_nsclc(void **state)
{
    (void)state;
    char args[9000], data[4200], clin[4200];
    snprintf(data, sizeof data, "%s", vx_test_data("stats/nsclc_radiogenomics/captk_features.csv"));
    snprintf(clin, sizeof clin, "%s", vx_test_data("stats/nsclc_radiogenomics/clinical_covariates.csv"));
    snprintf(args, sizeof args,
             "select '%s' --id SubjectID --join '%s' --label egfr-mut --missing drop --method mrmr --k 5 -o '%s'",
             data, clin, tmp("sel_mrmr.csv"));
    assert_int_equal(run(args), 0);
    const char *out = slurp_tmp("sel_mrmr.csv");
    assert_null(strstr(out, "nan"));
    assert_non_null(strstr(out, "\nT1_ED_Intensity_Energy,0,0,\n")); /* unselected: empty score */
    size_t sel = 0; /* rows whose second field ("selected") is 1 */
    for (const char *q = strchr(out, '\n'); q && q[1]; q = strchr(q + 1, '\n')) {
        const char *c = strchr(q + 1, ',');
        sel += c && c[1] == '1' && c[2] == ',';
    }
    assert_int_equal(sel, 5);

    snprintf(args, sizeof args,
             "select '%s' --id SubjectID --join '%s' --label egfr-mut --missing drop --method lasso --seed 1 -o '%s'",
             data, clin, tmp("sel_lasso.csv"));
    assert_int_equal(run(args), 0);
    const char *msg = slurp_tmp("stderr.txt");
    assert_non_null(strstr(msg, "lambda.min"));
    snprintf(args, sizeof args,
             "select '%s' --id SubjectID --join '%s' --label egfr-mut --missing drop --method lasso --nlambda 20 "
             "--lambda-min-ratio 0.01 -o '%s'",
             data, clin, tmp("sel_lasso20.csv"));
    assert_int_equal(run(args), 0);
    snprintf(args, sizeof args,
             "select '%s' --id SubjectID --join '%s' --label egfr-mut --missing drop --method lasso --nlambda 2 -o "
             "'%s'",
             data, clin, tmp("sel_lasso2.csv"));
    assert_int_equal(run(args), 1);
    assert_non_null(strstr(slurp_tmp("stderr.txt"), "nlambda 2"));
    snprintf(args, sizeof args,
             "cv '%s' --id SubjectID --join '%s' --label egfr-mut --missing drop --model logreg --select lasso "
             "--folds 3 --repeats 1 --seed 1 --json '%s'",
             data, clin, tmp("cv_lasso.json"));
    assert_int_equal(run(args), 0);
    out = slurp_tmp("cv_lasso.json");
    assert_non_null(out);
    double auc = strtod(strstr(out, "\"auc_fold_mean\"") + 16, NULL);
    assert_true(auc > 0.0 && auc < 1.0);
}

/* evaluate: probabilities of exactly 0 and 1 are clipped to [1e-15, 1 - 1e-15] (stated in the JSON settings)
 * for the log-loss (scikit-learn: log_loss([1,0,1,0,1,0], [1,0,0.7,0.2,0.4,0.6], eps=1e-15) =
 * 0.40206665983354234); a non-numeric score cell is quoted with its row and column. */
static void test_evaluate_clip(void **state)
{
    (void)state;
    FILE *f = fopen(tmp("ev.csv"), "w");
    fputs("id,label,score,prob\nw1,1,5,1\nw2,0,-5,0\nw3,1,0.8,0.7\nw4,0,-1,0.2\nw5,1,-0.4,0.4\nw6,0,0.4,0.6\n", f);
    fclose(f);
    char args[9000];
    snprintf(args, sizeof args, "evaluate '%s' --label label --score score --prob prob --json '%s'", tmp("ev.csv"),
             tmp("ev.json"));
    assert_int_equal(run(args), 0);
    const char *out = slurp_tmp("ev.json");
    assert_non_null(strstr(out, "\"prob_clip_eps\":\t1e-15"));
    assert_non_null(strstr(out, "\"probabilities_clipped\":\t2"));
    double ll = strtod(strstr(out, "\"log_loss\"") + 11, NULL);
    assert_true(fabs(ll - 0.40206665983354234) < 1e-12);
    double auc = strtod(strstr(out, "\"auc\"") + 6, NULL);
    assert_true(fabs(auc - 8.0 / 9.0) < 1e-15); /* raw scores: 8 of 9 case-control pairs ordered */

    f = fopen(tmp("ev_bad.csv"), "w");
    fputs("id,label,score\nw1,1,5\nw2,0,-5\nw3,1,#NAME?\nw4,0,-1\n", f);
    fclose(f);
    snprintf(args, sizeof args, "evaluate '%s' --label label --score score --json '%s'", tmp("ev_bad.csv"),
             tmp("ev_bad.json"));
    assert_int_equal(run(args), 1);
    assert_non_null(strstr(slurp_tmp("stderr.txt"), "w3, column score: '#NAME?' is not a number"));
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
        cmocka_unit_test(test_icc_degenerate),
        cmocka_unit_test(test_nsclc),
        cmocka_unit_test(test_evaluate_clip),
        cmocka_unit_test(test_train_predict_evaluate_cv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
