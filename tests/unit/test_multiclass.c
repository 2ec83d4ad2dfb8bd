/* More than two classes: the one-vs-rest AUC (vx_roc_auc_ovr) on a hand-derived example, the one-vs-rest
 * model wrapper of every kind (vx_model_predict_multi: per-class models, normalised probabilities, JSON round
 * trip), stratified folds over three classes, the pipeline (save and load with class names) and the errors.
 * The parity of the fold AUCs with scikit-learn's OneVsRestClassifier is in test_sklearn_parity.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/model.h"
#include "voxomics/pipeline.h"
#include "voxomics/roc.h"
#include "vx_test.h"

/* y = 0,0,1,1,2,2 with these probabilities. By hand (pairs, ties 1/2): class 0: positives 0.6, 0.4 against
 * 0.3, 0.5, 0.1, 0.2 -> (4 + 3) / 8 = 0.875; class 1: 0.5, 0.2 against 0.3, 0.4, 0.3, 0.2 -> (4 + 0.5) / 8 =
 * 0.5625; class 2: 0.6, 0.6 above 0.1, 0.2, 0.2, 0.3 -> 1; macro 0.8125 (scikit-learn's roc_auc_score(y, P,
 * multi_class="ovr", average="macro") gives the same 0.8125). */
static void test_auc_ovr_by_hand(void **state)
{
    (void)state;
    const int y[6] = {0, 0, 1, 1, 2, 2};
    const double P[18] = {.6, .3, .1, .4, .4, .2, .3, .5, .2, .5, .2, .3, .1, .3, .6, .2, .2, .6};
    double per[3], macro = NAN;
    vx_error err = {0};
    assert_int_equal(vx_roc_auc_ovr(P, y, 6, 3, per, &macro, &err), VX_OK);
    vx_assert_near(per[0], 0.875, 1e-15);
    vx_assert_near(per[1], 0.5625, 1e-15);
    vx_assert_near(per[2], 1.0, 1e-15);
    vx_assert_near(macro, 0.8125, 1e-15);
    /* a class absent from y, a label out of range */
    const int y2[6] = {0, 0, 1, 1, 1, 1};
    assert_int_equal(vx_roc_auc_ovr(P, y2, 6, 3, NULL, &macro, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "class 2"));
    const int y3[6] = {0, 0, 1, 1, 2, 3};
    assert_int_equal(vx_roc_auc_ovr(P, y3, 6, 3, NULL, &macro, &err), VX_EINVAL);
}

/* 90 rows, 4 features, 3 classes whose means differ (deterministic, no random generator needed). */
#define MN 90
#define MP 4
static double mx[MN * MP];
static int my[MN];
static void make_data(void)
{
    for (int i = 0; i < MN; i++) {
        my[i] = i % 3;
        for (int j = 0; j < MP; j++) {
            double u = sin(12.9898 * (i + 1) + 78.233 * (j + 1)) * 43758.5453;
            u -= floor(u); /* a deterministic pseudo-uniform in [0, 1) */
            mx[i * MP + j] = 2.0 * u - 1.0 + (j == my[i] ? 0.8 : 0.0) + (j == 3 ? 0.3 * my[i] : 0.0);
        }
    }
}

static void check_kind(vx_model_kind kind)
{
    vx_model_params mp;
    vx_model_params_default(&mp, kind);
    if (kind == VX_MODEL_RF || kind == VX_MODEL_GBM)
        mp.trees = 20;
    vx_error err = {0};
    vx_model *m = NULL;
    int rc = vx_model_fit(mx, MN, MP, my, &mp, &m, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    assert_int_equal(vx_model_nclasses(m), 3);
    double *score = malloc(MN * 3 * sizeof *score), *prob = malloc(MN * 3 * sizeof *prob);
    assert_int_equal(vx_model_predict_multi(m, mx, MN, score, prob, &err), VX_OK);
    /* vx_model_predict refuses a 3-class model */
    double s1;
    assert_int_equal(vx_model_predict(m, mx, 1, &s1, NULL, &err), VX_EINVAL);
    /* by definition: model k is the binary model of (y == k); prob = p_k / sum_j p_j */
    int yk[MN];
    double *pk = malloc(3 * MN * sizeof *pk), *sk = malloc(3 * MN * sizeof *sk);
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < MN; i++)
            yk[i] = my[i] == k;
        vx_model *b = NULL;
        assert_int_equal(vx_model_fit(mx, MN, MP, yk, &mp, &b, &err), VX_OK);
        assert_int_equal(vx_model_predict(b, mx, MN, sk + k * MN, pk + k * MN, &err), VX_OK);
        vx_model_free(b);
    }
    size_t correct = 0;
    for (int i = 0; i < MN; i++) {
        double sum = pk[i] + pk[MN + i] + pk[2 * MN + i], t = 0.0;
        int best = 0;
        for (int k = 0; k < 3; k++) {
            assert_true(score[i * 3 + k] == sk[k * MN + i]);
            vx_assert_near(prob[i * 3 + k], pk[k * MN + i] / sum, 1e-15);
            t += prob[i * 3 + k];
            if (prob[i * 3 + k] > prob[i * 3 + best])
                best = k;
        }
        vx_assert_near(t, 1.0, 1e-12);
        correct += best == my[i];
    }
    assert_true(correct > MN / 2); /* the classes are separable enough to beat chance (1/3) clearly */
    /* JSON round trip: the same predictions bit for bit */
    cJSON *o = cJSON_CreateObject();
    assert_int_equal(vx_model_to_json(m, o, &err), VX_OK);
    char *text = cJSON_PrintUnformatted(o);
    cJSON *back = cJSON_Parse(text);
    vx_model *m2 = NULL;
    rc = vx_model_from_json(back, &m2, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    double *prob2 = malloc(MN * 3 * sizeof *prob2);
    assert_int_equal(vx_model_predict_multi(m2, mx, MN, NULL, prob2, &err), VX_OK);
    assert_memory_equal(prob, prob2, MN * 3 * sizeof *prob);
    printf("%s one-vs-rest: %zu of %d training rows classified correctly\n", vx_model_kind_name(kind), correct, MN);
    free(text);
    cJSON_Delete(o);
    cJSON_Delete(back);
    vx_model_free(m);
    vx_model_free(m2);
    free(score);
    free(prob);
    free(prob2);
    free(pk);
    free(sk);
}

static void test_ovr_every_kind(void **state)
{
    (void)state;
    make_data();
    for (int k = 0; k < 5; k++)
        check_kind((vx_model_kind)k);
}

/* A binary model through vx_model_predict_multi: columns (1 - p, p) and (-s, s) of vx_model_predict. */
static void test_binary_through_multi(void **state)
{
    (void)state;
    make_data();
    int yb[MN];
    for (int i = 0; i < MN; i++)
        yb[i] = my[i] == 1;
    vx_model_params mp;
    vx_model_params_default(&mp, VX_MODEL_LOGREG);
    vx_model *m = NULL;
    vx_error err = {0};
    assert_int_equal(vx_model_fit(mx, MN, MP, yb, &mp, &m, &err), VX_OK);
    assert_int_equal(vx_model_nclasses(m), 2);
    double s[MN], p[MN], S[2 * MN], P[2 * MN];
    assert_int_equal(vx_model_predict(m, mx, MN, s, p, &err), VX_OK);
    assert_int_equal(vx_model_predict_multi(m, mx, MN, S, P, &err), VX_OK);
    for (int i = 0; i < MN; i++) {
        assert_true(S[2 * i + 1] == s[i] && S[2 * i] == -s[i]);
        assert_true(P[2 * i + 1] == p[i] && P[2 * i] == 1.0 - p[i]);
    }
    vx_model_free(m);
}

static void test_errors_and_folds(void **state)
{
    (void)state;
    make_data();
    vx_model_params mp;
    vx_model_params_default(&mp, VX_MODEL_LOGREG);
    vx_model *m = NULL;
    vx_error err = {0};
    int y[MN];
    for (int i = 0; i < MN; i++)
        y[i] = my[i] == 1 ? 2 : my[i]; /* labels 0 and 2: class 1 missing */
    assert_int_equal(vx_model_fit(mx, MN, MP, y, &mp, &m, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "class 1"));
    assert_null(m);
    /* stratified folds over three classes: every fold holds 6 of each class (30 per class, 5 folds) */
    int fold[MN];
    assert_int_equal(vx_cv_stratified_folds(my, MN, 5, 3, fold, &err), VX_OK);
    for (int f = 0; f < 5; f++)
        for (int c = 0; c < 3; c++) {
            int k = 0;
            for (int i = 0; i < MN; i++)
                k += fold[i] == f && my[i] == c;
            assert_int_equal(k, 6);
        }
    /* a pipeline with a label-based selection refuses three classes */
    const char *names[MP] = {"a", "b", "c", "d"};
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    pp.select.method = VX_SELECT_UNIVARIATE;
    vx_pipeline *pl = NULL;
    assert_int_equal(vx_pipeline_fit(mx, MN, MP, my, names, NULL, &pp, &pl, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "3 classes"));
}

/* The pipeline: fit, save, load; the class names and the probabilities survive. */
static void test_pipeline_save_load(void **state)
{
    (void)state;
    make_data();
    const char *names[MP] = {"a", "b", "c", "d"}, *cls[3] = {"adeno", "squamous", "large cell"};
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_SVM);
    vx_pipeline *pl = NULL, *back = NULL;
    vx_error err = {0};
    assert_int_equal(vx_pipeline_fit(mx, MN, MP, my, names, NULL, &pp, &pl, &err), VX_OK);
    assert_int_equal(vx_pipeline_set_classes(pl, "histology", cls, 3), VX_OK);
    char path[4096];
    snprintf(path, sizeof path, "%s/multiclass_model.json", vx_test_tmpdir());
    assert_int_equal(vx_pipeline_save(pl, path, &err), VX_OK);
    int rc = vx_pipeline_load(path, &back, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    assert_int_equal(vx_pipeline_nclasses(back), 3);
    assert_string_equal(vx_pipeline_class(back, 2), "large cell");
    assert_string_equal(vx_pipeline_label(back, -1), "histology");
    double *a = malloc(MN * 3 * sizeof *a), *b = malloc(MN * 3 * sizeof *b);
    assert_int_equal(vx_pipeline_predict_multi(pl, mx, MN, NULL, NULL, a, &err), VX_OK);
    assert_int_equal(vx_pipeline_predict_multi(back, mx, MN, NULL, NULL, b, &err), VX_OK);
    assert_memory_equal(a, b, MN * 3 * sizeof *a);
    double s;
    assert_int_equal(vx_pipeline_predict(back, mx, 1, NULL, &s, NULL, &err), VX_EINVAL);
    free(a);
    free(b);
    vx_pipeline_free(pl);
    vx_pipeline_free(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auc_ovr_by_hand),
        cmocka_unit_test(test_ovr_every_kind),
        cmocka_unit_test(test_binary_through_multi),
        cmocka_unit_test(test_errors_and_folds),
        cmocka_unit_test(test_pipeline_save_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
