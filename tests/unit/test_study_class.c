/* The study's classification step (src/study/step_class*.c) and its evaluation functions (vx_roc_curve,
 * vx_roc_interp, vx_roc_reliability, vx_roc_calibration) against external references:
 *
 * - calibration and reliability: R 4.2.2 on the 20 fixed probabilities / labels below:
 *     ctl <- glm.control(epsilon=1e-15, maxit=100)
 *     coef(glm(y ~ offset(qlogis(p)), family=binomial, control=ctl))   -> 0.34367688830093246
 *     coef(glm(y ~ qlogis(p), family=binomial, control=ctl))[2]        -> 1.2261777468058808
 *     per group of 5 (sorted p): mean(p), x/5, binom.test(x, 5)$conf.int, printed with sprintf("%.17g");
 * - the ROC curve: scikit-learn 1.2.1 roc_curve([1,1,0,1,0,0], [0.9,0.8,0.8,0.5,0.3,0.3],
 *   drop_intermediate=False) -> fpr 0 0 1/3 1/3 1, tpr 0 1/3 2/3 1 1;
 * - the grid interpolation and the mean ROC band: worked by hand (comments at the asserts);
 * - the whole step on the NSCLC radiogenomics cohort (tests/data/study_class, nsclc_cv.yaml and nsclc_class.yaml): the fold and pooled AUCs of
 *   logreg and rf equal `voxomics cv captk_features.csv --id SubjectID --join clinical_covariates.csv --label
 *   egfr-mut --positive 1 --missing drop --model M --select mrmr --k 10 --folds 5 --repeats 1 --seed 1` (the
 *   independent CLI path, which drops the same 36 unlabelled rows); the held-out and external AUCs and Brier
 *   scores equal scikit-learn 1.2.1 roc_auc_score / brier_score_loss of the predictions the step wrote
 *   (holdout.csv; the external "label", "score" and "prob" arrays), computed once and pasted here.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "voxomics/roc.h"
#include "voxomics/study.h"
#include "study/step_class.h"
#include "vx_test.h"

#define N 20
static const double P[N] = {0.05, 0.12, 0.18, 0.22, 0.25, 0.31, 0.35, 0.38, 0.42, 0.47,
                            0.5,  0.55, 0.58, 0.61, 0.66, 0.7,  0.74, 0.81, 0.88, 0.93};
static const int Y[N] = {0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1};

static void test_calibration_vs_glm(void **state)
{
    (void)state;
    double a, b;
    vx_error err;
    assert_int_equal(vx_roc_calibration(P, Y, N, &a, &b, &err), VX_OK);
    vx_assert_near_rel(a, 0.34367688830093246, 1e-8);
    vx_assert_near_rel(b, 1.2261777468058808, 1e-8);
}

static void test_reliability_vs_binom_test(void **state)
{
    (void)state;
    static const double ref[4][4] = {
        {0.16400000000000001, 0.2, 0.0050507633794680609, 0.71641793611808935},
        {0.38600000000000001, 0.4, 0.052744950526316912, 0.85336720036532676},
        {0.57999999999999996, 0.6, 0.14663279963467321, 0.94725504947368311},
        {0.81200000000000006, 1.0, 0.47817624989501861, 1.0}};
    double mp[4], ob[4], lo[4], hi[4];
    size_t cnt[4], nb = 0;
    vx_error err;
    /* reversed input order: the groups come from the sorted probabilities */
    double p[N];
    int y[N];
    for (int i = 0; i < N; i++) {
        p[i] = P[N - 1 - i];
        y[i] = Y[N - 1 - i];
    }
    assert_int_equal(vx_roc_reliability(p, y, N, 4, mp, ob, lo, hi, cnt, &nb, &err), VX_OK);
    assert_int_equal(nb, 4);
    for (int k = 0; k < 4; k++) {
        assert_int_equal(cnt[k], 5);
        vx_assert_near_rel(mp[k], ref[k][0], 1e-12);
        vx_assert_near_rel(ob[k], ref[k][1], 1e-12);
        vx_assert_near_rel(lo[k], ref[k][2], 1e-8);
        vx_assert_near_rel(hi[k], ref[k][3], 1e-8);
    }
    /* more bins than samples: the empty groups are left out */
    assert_int_equal(vx_roc_reliability(P, Y, 3, 10, mp, ob, lo, hi, cnt, &nb, &err), VX_OK);
    assert_int_equal(nb, 3);
    assert_int_equal(vx_roc_reliability(P, Y, N, 0, mp, ob, lo, hi, cnt, &nb, &err), VX_EINVAL);
}

static void test_roc_curve_and_interp(void **state)
{
    (void)state;
    const double s[6] = {0.9, 0.8, 0.8, 0.5, 0.3, 0.3};
    const int y[6] = {1, 1, 0, 1, 0, 0};
    double fpr[7], tpr[7];
    size_t np = 0;
    vx_error err;
    assert_int_equal(vx_roc_curve(s, y, 6, fpr, tpr, &np, &err), VX_OK);
    const double rf[5] = {0, 0, 1.0 / 3, 1.0 / 3, 1}, rt[5] = {0, 1.0 / 3, 2.0 / 3, 1, 1};
    assert_int_equal(np, 5);
    for (int k = 0; k < 5; k++) {
        vx_assert_near(fpr[k], rf[k], 1e-15);
        vx_assert_near(tpr[k], rt[k], 1e-15);
    }
    /* by hand: at 0 the top of the first vertical step (1/3); at 1/6 halfway between (0, 1/3) and (1/3, 2/3)
     * (1/2); at 1/3 the top of the step there (1); then 1 */
    const double grid[5] = {0, 1.0 / 6, 1.0 / 3, 0.5, 1}, want[5] = {1.0 / 3, 0.5, 1, 1, 1};
    double out[5];
    assert_int_equal(vx_roc_interp(fpr, tpr, np, grid, 5, out, &err), VX_OK);
    for (int k = 0; k < 5; k++)
        vx_assert_near(out[k], want[k], 1e-15);
    const double bad = 1.5;
    assert_int_equal(vx_roc_interp(fpr, tpr, np, &bad, 1, out, &err), VX_EINVAL);
}

static void test_mean_roc_band(void **state)
{
    (void)state;
    /* curve A as above; curve B: (0,0) (0.5,0) (0.5,1) (1,1) */
    const double fpr[9] = {0, 0, 1.0 / 3, 1.0 / 3, 1, 0, 0.5, 0.5, 1};
    const double tpr[9] = {0, 1.0 / 3, 2.0 / 3, 1, 1, 0, 0, 1, 1};
    const size_t start[3] = {0, 5, 9};
    const double grid[5] = {0, 0.25, 0.5, 0.75, 1};
    double mean[5], lo[5], hi[5];
    vx_error err;
    assert_int_equal(vxc_mean_roc(fpr, tpr, start, 2, grid, 5, mean, lo, hi, &err), VX_OK);
    /* by hand: at 0.25, A = 1/3 + (1/3)(0.25 / (1/3)) = 7/12, B = 0: mean 7/24, sd = (7/12) / sqrt(2), sd /
     * sqrt(2) = 7/24, band 7/24 (1 -/+ 1.959964) clipped at 0; at 0 both curves count as 0, at 1 as 1; at 0.5 and
     * 0.75 both are 1 */
    const double z = 1.959963984540054;
    const double wm[5] = {0, 7.0 / 24, 1, 1, 1}, wl[5] = {0, 0, 1, 1, 1}, wh[5] = {0, 7.0 / 24 * (1 + z), 1, 1, 1};
    for (int k = 0; k < 5; k++) {
        vx_assert_near(mean[k], wm[k], 1e-15);
        vx_assert_near(lo[k], wl[k], 1e-15);
        vx_assert_near(hi[k], wh[k], 1e-15);
    }
}

static void test_holdout_split(void **state)
{
    (void)state;
    int y[40];
    unsigned char held[40], again[40];
    for (int i = 0; i < 40; i++)
        y[i] = i < 10; /* 10 cases, 30 controls */
    vx_error err;
    assert_int_equal(vxc_holdout_split(y, 40, 0.3, 7, held, &err), VX_OK);
    int hc = 0, hn = 0;
    for (int i = 0; i < 40; i++) {
        hc += held[i] && y[i];
        hn += held[i] && !y[i];
    }
    assert_int_equal(hc, 3); /* round(0.3 x 10) */
    assert_int_equal(hn, 9); /* round(0.3 x 30) */
    assert_int_equal(vxc_holdout_split(y, 40, 0.3, 7, again, &err), VX_OK);
    assert_memory_equal(held, again, 40);
    assert_int_equal(vxc_holdout_split(y, 40, 1.0, 7, held, &err), VX_EINVAL);
}

/* Run a study file of tests/data/study_class into a temporary folder; its classification.json parsed. */
static cJSON *run_study(const char *name)
{
    char path[1024], out[1024];
    const char *src = getenv("VX_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/data/study_class/%s", src ? src : "..", name);
    snprintf(out, sizeof out, "%s/%s.out", vx_test_tmpdir(), name);
    if (!getenv("VOXOMICS_DATA"))
        setenv("VOXOMICS_DATA", vx_test_data_dir(), 1);
    vx_study_options opt;
    memset(&opt, 0, sizeof opt);
    opt.force = 1;
    vx_error err;
    vx_error_clear(&err);
    int rc = vx_study_run(path, out, &opt, NULL, NULL, &err);
    if (rc != VX_OK)
        print_message("vx_study_run %s: %s\n", name, err.msg);
    assert_int_equal(rc, VX_OK);
    snprintf(path, sizeof path, "%s/classification.json", out);
    char *text = vx_test_slurp(path, NULL);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    return j;
}

static double item(const cJSON *o, const char *key, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(o, key), i)->valuedouble;
}

static void test_step_cv_equals_cli(void **state)
{
    (void)state;
    cJSON *j = run_study("nsclc_cv.yaml");
    static const double cli[2][6] = {
        /* voxomics cv ... --model logreg: auc_folds, auc_pooled */
        {0.730769230769231, 0.591346153846154, 0.6875, 0.7244444444444444, 0.6311111111111112, 0.677827380952381},
        /* --model rf */
        {0.769230769230769, 0.6875, 0.7596153846153846, 0.6977777777777777, 0.6044444444444443, 0.697544642857143}};
    const cJSON *d = cJSON_GetObjectItem(j, "data");
    assert_int_equal((int)vxs_json_num(d, "n"), 170);
    assert_int_equal((int)vxs_json_num(d, "n_label_missing"), 36);
    const cJSON *models = cJSON_GetObjectItem(j, "models");
    assert_int_equal(cJSON_GetArraySize(models), 2);
    for (int m = 0; m < 2; m++) {
        const cJSON *o = cJSON_GetArrayItem(models, m);
        for (int f = 0; f < 5; f++)
            vx_assert_near_rel(item(o, "auc_folds", f), cli[m][f], 1e-14);
        vx_assert_near_rel(item(o, "auc_pooled", 0), cli[m][5], 1e-14);
        vx_assert_near_rel(vxs_json_num(cJSON_GetObjectItem(o, "pooled"), "auc"), cli[m][5], 1e-14);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "roc_folds")), 5);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "roc_mean"), "tpr")),
                         VXC_GRID);
    }
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "delong")), 1);
    cJSON_Delete(j);
}

static void test_step_holdout_external(void **state)
{
    (void)state;
    cJSON *j = run_study("nsclc_class.yaml");
    /* scikit-learn roc_auc_score / brier_score_loss of the step's held-out and external predictions */
    static const double ho_auc[2] = {0.7044534412955465, 0.8016194331983806};
    static const double ho_brier[2] = {0.18686366969485138, 0.16907658165301104};
    static const double ex_auc[2] = {0.7780877976190477, 0.9322916666666666};
    static const double ex_brier[2] = {0.15611627231233166, 0.10970034173826348};
    const cJSON *ho = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "holdout"), "models");
    const cJSON *ex = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "external"), "models");
    assert_int_equal(cJSON_GetArraySize(ho), 2);
    assert_int_equal(cJSON_GetArraySize(ex), 2);
    for (int m = 0; m < 2; m++) {
        vx_assert_near_rel(vxs_json_num(cJSON_GetArrayItem(ho, m), "auc"), ho_auc[m], 1e-12);
        vx_assert_near_rel(vxs_json_num(cJSON_GetArrayItem(ho, m), "brier"), ho_brier[m], 1e-12);
        vx_assert_near_rel(vxs_json_num(cJSON_GetArrayItem(ex, m), "auc"), ex_auc[m], 1e-12);
        vx_assert_near_rel(vxs_json_num(cJSON_GetArrayItem(ex, m), "brier"), ex_brier[m], 1e-12);
    }
    const cJSON *d = cJSON_GetObjectItem(j, "data");
    assert_int_equal((int)vxs_json_num(d, "n_holdout"), 51);
    assert_int_equal((int)vxs_json_num(d, "n_development"), 119);
    assert_non_null(cJSON_GetObjectItem(j, "importance"));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "clinical"), "models")), 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "fusion"), "blocks")), 2);
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calibration_vs_glm),   cmocka_unit_test(test_reliability_vs_binom_test),
        cmocka_unit_test(test_roc_curve_and_interp), cmocka_unit_test(test_mean_roc_band),
        cmocka_unit_test(test_holdout_split),        cmocka_unit_test(test_step_cv_equals_cli),
        cmocka_unit_test(test_step_holdout_external),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
