/* Outcomes and the metric hook of cross-validation (voxomics/pipeline.h: vx_outcome, vx_cv_run_outcome).
 *
 * 1. vx_cv_metric_auc on four hand-scored rows: positives 0.35 and 0.8, negatives 0.1 and 0.4 win 3 of the 4
 *    positive-negative pairs: AUC 0.75.
 * 2. The hook: a metric that returns the number of held-out rows and counts its calls. With the folds given
 *    (row i in fold i mod 3, 12 rows) every fold holds 4 rows, the pooled metric sees all 12, and the metric is
 *    called once per fold and once per repeat for the pooled value (2 repeats: 8 calls); the fold mean is 4
 *    with sd 0.
 * 3. The default metric is the AUC: one feature that separates the classes exactly (x = row number, class 1
 *    for rows 6-11) gives a positive logistic coefficient in every training fold, so each held-out fold
 *    (2 negatives below 2 positives) has AUC exactly 1; vx_cv_run gives the same result.
 * 4. Outcomes that the pipeline cannot fit yet (continuous) are VX_EUNSUPPORTED with a message naming the kind;
 *    a time-to-event outcome with a classifier is VX_EINVAL naming the Cox models it needs (survival pipelines:
 *    tests/unit/test_survival_flow.c); bad outcome values are VX_EINVAL naming the row.
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
#include "vx_test.h"

#define N 12

static double X[N];
static int y[N], given[N * 2];
static const char *names[1] = {"x"};

static void setup_data(void)
{
    for (int i = 0; i < N; i++) {
        X[i] = (double)i;
        y[i] = i >= 6;
        given[i * 2] = given[i * 2 + 1] = i % 3; /* n x repeats, row-major */
    }
}

static void test_metric_auc_hand(void **state)
{
    (void)state;
    const double score[4] = {0.1, 0.4, 0.35, 0.8};
    const int lab[4] = {0, 0, 1, 1};
    vx_outcome t = vx_outcome_binary(lab, 4);
    double v = NAN;
    vx_error err;
    assert_int_equal(vx_cv_metric_auc(&t, score, NULL, NULL, &v, &err), VX_OK);
    assert_true(v == 0.75);
    const double tm[4] = {1, 2, 3, 4};
    const int ev[4] = {1, 0, 1, 1};
    vx_outcome s = {VX_OUTCOME_TIME_TO_EVENT, 4, NULL, NULL, tm, ev, 0};
    assert_int_equal(vx_cv_metric_auc(&s, score, NULL, NULL, &v, &err), VX_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "time-to-event"));
}

typedef struct counter {
    int calls;
} counter;

static int rows_metric(const vx_outcome *truth, const double *score, const double *prob, void *ctx, double *value,
                       vx_error *err)
{
    (void)score;
    (void)prob;
    (void)err;
    ((counter *)ctx)->calls++;
    *value = (double)truth->n;
    return VX_OK;
}

static void test_metric_hook(void **state)
{
    (void)state;
    setup_data();
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    vx_cv_options o = {3, 2, 1, given, NULL, 0, NULL};
    counter c = {0};
    vx_cv_metric m = {rows_metric, &c};
    vx_outcome t = vx_outcome_binary(y, N);
    vx_cv_result r;
    vx_error err;
    assert_int_equal(vx_cv_run_outcome(X, N, 1, &t, names, NULL, &pp, &o, &m, &r, &err), VX_OK);
    assert_int_equal(r.folds, 3);
    assert_int_equal(r.repeats, 2);
    for (int i = 0; i < 6; i++)
        assert_true(r.auc[i] == 4.0);
    assert_true(r.pooled[0] == 12.0 && r.pooled[1] == 12.0);
    assert_true(r.auc_mean == 4.0 && r.auc_sd == 0.0);
    assert_int_equal(c.calls, 8);
    vx_cv_result_free(&r);
}

static void test_default_is_auc(void **state)
{
    (void)state;
    setup_data();
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    vx_cv_options o = {3, 1, 1, given, NULL, 0, NULL};
    vx_outcome t = vx_outcome_binary(y, N);
    vx_cv_result r, r2;
    vx_error err;
    assert_int_equal(vx_cv_run_outcome(X, N, 1, &t, names, NULL, &pp, &o, NULL, &r, &err), VX_OK);
    for (int f = 0; f < 3; f++)
        assert_true(r.auc[f] == 1.0);
    assert_int_equal(vx_cv_run(X, N, 1, y, names, NULL, &pp, &o, &r2, &err), VX_OK);
    assert_memory_equal(r.auc, r2.auc, 3 * sizeof(double));
    assert_memory_equal(r.pooled, r2.pooled, sizeof(double));
    vx_cv_result_free(&r);
    vx_cv_result_free(&r2);
}

static void test_unsupported_and_invalid(void **state)
{
    (void)state;
    setup_data();
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    vx_cv_options o = {3, 1, 1, given, NULL, 0, NULL};
    vx_cv_result r;
    vx_error err;
    double val[N], tm[N];
    int ev[N];
    for (int i = 0; i < N; i++) {
        val[i] = 0.5 * i;
        tm[i] = 10.0 + i;
        ev[i] = i % 2;
    }
    vx_outcome cont = {VX_OUTCOME_CONTINUOUS, N, NULL, val, NULL, NULL, 0};
    assert_int_equal(vx_cv_run_outcome(X, N, 1, &cont, names, NULL, &pp, &o, NULL, &r, &err), VX_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "continuous outcomes are not implemented"));
    vx_outcome surv = {VX_OUTCOME_TIME_TO_EVENT, N, NULL, NULL, tm, ev, 0};
    assert_int_equal(vx_cv_run_outcome(X, N, 1, &surv, names, NULL, &pp, &o, NULL, &r, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "needs cox or coxnet"));

    int bad[N];
    memcpy(bad, y, sizeof bad);
    bad[1] = 2;
    vx_outcome b = vx_outcome_binary(bad, N);
    assert_int_equal(vx_outcome_check(&b, "test", &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "row 2 is 2"));
    val[4] = NAN;
    assert_int_equal(vx_outcome_check(&cont, "test", &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "row 5"));
    tm[3] = -1.0;
    assert_int_equal(vx_outcome_check(&surv, "test", &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "time of row 4"));
    tm[3] = 1.0;
    ev[7] = 3;
    assert_int_equal(vx_outcome_check(&surv, "test", &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "event of row 8"));
    vx_outcome shortb = vx_outcome_binary(y, N - 1);
    assert_int_equal(vx_cv_run_outcome(X, N, 1, &shortb, names, NULL, &pp, &o, NULL, &r, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "11 rows"));
    assert_string_equal(vx_outcome_kind_name(VX_OUTCOME_CONTINUOUS), "continuous");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metric_auc_hand),
        cmocka_unit_test(test_metric_hook),
        cmocka_unit_test(test_default_is_auc),
        cmocka_unit_test(test_unsupported_and_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
