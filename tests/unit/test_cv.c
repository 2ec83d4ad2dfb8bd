/* Leak-free cross-validation.
 *
 * 1. Leakage (the acceptance test): pure noise, 200 samples x 2,000 features, random labels. With
 *    univariate selection (Mann-Whitney + BH, the 20 best) inside each training fold, the cross-validated AUC
 *    must be 0.5 +/- 0.05 (there is nothing to find); selecting the same 20 features on all the data first and
 *    cross-validating only the model gives a clearly optimistic AUC (the classic leak), which the test shows.
 * 2. wdbc (scikit-learn's Wisconsin breast cancer table): every model cross-validates (5 folds x 2 repeats here;
 *    the 5 x 10 run is `voxomics cv` in docs/statistics.md) to a mean AUC above 0.95, the published range for
 *    this benchmark.
 * 3. Stratified folds: every fold holds floor/ceil of each class share; the same seed gives the same folds;
 *    given folds are used as they are.
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

#include "voxomics/pipeline.h"
#include "voxomics/select.h"
#include "vx_test.h"

static uint64_t rng_state;
static double unif(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void)
{
    return sqrt(-2.0 * log(unif())) * cos(6.283185307179586 * unif());
}

static void test_leakage(void **state)
{
    (void)state;
    const size_t n = 200, p = 2000, k = 20;
    double *X = malloc(n * p * sizeof *X);
    int *y = malloc(n * sizeof *y);
    const char **names = malloc(p * sizeof *names);
    char (*nb)[16] = malloc(p * sizeof *nb);
    rng_state = 20261121;
    for (size_t i = 0; i < n * p; i++)
        X[i] = gauss();
    for (size_t i = 0; i < n; i++)
        y[i] = unif() < 0.5;
    for (size_t j = 0; j < p; j++) {
        snprintf(nb[j], sizeof nb[j], "f%zu", j);
        names[j] = nb[j];
    }
    vx_error err;
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    pp.select.method = VX_SELECT_UNIVARIATE;
    pp.select.k = k;
    vx_cv_options o = {5, 4, 7, NULL, NULL, 0, NULL};
    vx_cv_result r;
    assert_int_equal(vx_cv_run(X, n, p, y, names, NULL, &pp, &o, &r, &err), VX_OK);
    double inside = r.auc_mean;
    vx_cv_result_free(&r);

    /* the leak: the 20 best features chosen on all 200 samples, then only the model cross-validated */
    double *stat = malloc(3 * p * sizeof *stat);
    size_t idx[20], nsel;
    assert_int_equal(vx_univariate(X, n, p, y, VX_TEST_MANN_WHITNEY, stat, stat + p, stat + 2 * p, &err), VX_OK);
    assert_int_equal(vx_select_pvalue(stat + 2 * p, p, 0.05, k, idx, &nsel, &err), VX_OK);
    assert_int_equal(nsel, k);
    double *Xs = malloc(n * k * sizeof *Xs);
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < k; c++)
            Xs[i * k + c] = X[i * p + idx[c]];
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    assert_int_equal(vx_cv_run(Xs, n, k, y, names, NULL, &pp, &o, &r, &err), VX_OK);
    double leaked = r.auc_mean;
    vx_cv_result_free(&r);
    print_message("pure noise: AUC %.4f with selection inside the folds, %.4f when selected on all data first\n",
                  inside, leaked);
    assert_true(fabs(inside - 0.5) <= 0.05);
    assert_true(leaked > 0.65);
    free(X);
    free(y);
    free(names);
    free(nb);
    free(stat);
    free(Xs);
}

/* wdbc: "569,30,malignant,benign" then 30 features + target (0 = malignant). */
static void load_wdbc(double **X, int **y, size_t *n, size_t *p)
{
    FILE *f = fopen(vx_test_data("stats/wdbc/wdbc_sklearn_breast_cancer.csv"), "r");
    assert_non_null(f);
    char line[8192];
    assert_non_null(fgets(line, sizeof line, f));
    *n = 569;
    *p = 30;
    *X = malloc(569 * 30 * sizeof **X);
    *y = malloc(569 * sizeof **y);
    for (size_t i = 0; i < 569; i++) {
        assert_non_null(fgets(line, sizeof line, f));
        char *s = line;
        for (size_t j = 0; j < 30; j++) {
            (*X)[i * 30 + j] = strtod(s, &s);
            assert_int_equal(*s, ',');
            s++;
        }
        (*y)[i] = (int)strtol(s, NULL, 10) == 0; /* malignant = positive */
    }
    fclose(f);
}

static void test_wdbc_every_model(void **state)
{
    (void)state;
    double *X;
    int *y;
    size_t n, p;
    load_wdbc(&X, &y, &n, &p);
    const char *names[30];
    char nb[30][8];
    for (int j = 0; j < 30; j++) {
        snprintf(nb[j], sizeof nb[j], "x%d", j);
        names[j] = nb[j];
    }
    const vx_model_kind kinds[] = {VX_MODEL_LOGREG, VX_MODEL_LOGREG_L1, VX_MODEL_SVM, VX_MODEL_RF, VX_MODEL_GBM};
    for (size_t m = 0; m < 5; m++) {
        vx_pipeline_params pp;
        vx_pipeline_params_default(&pp, kinds[m]);
        pp.model.seed = 3;
        vx_cv_options o = {5, 2, 11, NULL, NULL, 0, NULL};
        vx_cv_result r;
        vx_error err;
        int rc = vx_cv_run(X, n, p, y, names, NULL, &pp, &o, &r, &err);
        if (rc != VX_OK)
            fail_msg("%s: %s", vx_model_kind_name(kinds[m]), err.msg);
        double t = 0;
        for (int i = 0; i < 10; i++)
            t += r.fit_time[i];
        print_message("wdbc %-9s AUC %.4f +/- %.4f, pooled %.4f, %.4f s per fold\n", vx_model_kind_name(kinds[m]),
                      r.auc_mean, r.auc_sd, r.pooled[0], t / 10);
        assert_true(r.auc_mean > 0.95);
        /* same seed, same result */
        vx_cv_result r2;
        assert_int_equal(vx_cv_run(X, n, p, y, names, NULL, &pp, &o, &r2, &err), VX_OK);
        assert_memory_equal(r.auc, r2.auc, 10 * sizeof(double));
        vx_cv_result_free(&r);
        vx_cv_result_free(&r2);
    }
    free(X);
    free(y);
}

static void test_folds(void **state)
{
    (void)state;
    int y[23], f1[23], f2[23];
    for (int i = 0; i < 23; i++)
        y[i] = i % 3 == 0; /* 8 positives, 15 negatives */
    vx_error err;
    assert_int_equal(vx_cv_stratified_folds(y, 23, 4, 5, f1, &err), VX_OK);
    assert_int_equal(vx_cv_stratified_folds(y, 23, 4, 5, f2, &err), VX_OK);
    assert_memory_equal(f1, f2, sizeof f1);
    int cnt[4][2] = {{0}};
    for (int i = 0; i < 23; i++)
        cnt[f1[i]][y[i]]++;
    for (int k = 0; k < 4; k++) {
        assert_int_equal(cnt[k][1], 2);                      /* 8 positives over 4 folds */
        assert_true(cnt[k][0] == 3 || cnt[k][0] == 4);       /* 15 negatives: 4,4,4,3 */
        assert_true(cnt[k][0] + cnt[k][1] >= 5);
    }
    assert_int_equal(vx_cv_stratified_folds(y, 23, 9, 5, f1, &err), VX_EINVAL); /* 8 positives < 9 folds */
    assert_non_null(strstr(err.msg, "fewer than the 9 folds"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folds),
        cmocka_unit_test(test_leakage),
        cmocka_unit_test(test_wdbc_every_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
