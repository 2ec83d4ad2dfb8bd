/* Parity with scikit-learn (issue 15): on the same folds, every model's fold AUCs equal scikit-learn's.
 *
 * Tables: wdbc (VOXOMICS_DATA stats/wdbc, 569 x 30) and two generated tables committed in tests/data/stats
 * (sklearn_parity_data_pltn.csv 150 x 20, p < n; sklearn_parity_data_pgtn.csv 200 x 300, p > n), each with
 * scikit-learn's StratifiedKFold(5, shuffle=True, random_state=0) folds (sklearn_parity_folds_<table>.csv) and
 * scikit-learn's fold AUCs (sklearn_parity_auc.csv), all written by scripts/sklearn_parity_reference.py
 * (scikit-learn 1.2.1, run offline; its header lists the estimators). voxomics runs vx_cv_run with those folds
 * given, so standardisation (population SD, as StandardScaler) and the model are fitted on the same training
 * rows as scikit-learn's. Tolerances (issue 15's acceptance):
 *   logreg, logreg-l1, svm: |AUC - scikit-learn's| <= 0.003 on every fold;
 *   gbm (preset "sklearn" = GradientBoostingClassifier(), criterion friedman_mse): <= 0.02 on every fold from
 *   the nearest of scikit-learn's fold AUCs with random_state 0..9. scikit-learn scans the features of a split
 *   in an order drawn from random_state and keeps the first of equally good splits; in small nodes many
 *   features split the rows identically, so scikit-learn's own fold AUCs move by up to 0.08 between random
 *   states on the generated tables (voxomics scans in index order, one more such order). On wdbc every fold
 *   is also within 0.001 of random_state 0 (printed). The cross-validated AUC (mean of the 5 folds) is within
 *   0.01 of scikit-learn's with random_state 0 (issue 15's deliver 2);
 *   rf (preset "sklearn", 5000 trees, depth 8) against RandomForestClassifier(10000, max_depth=8,
 *   max_features="sqrt", random_state=0): <= 0.02 on every fold. Forests are random: with 500 trees
 *   scikit-learn's fold AUCs move by up to 0.05 between random states, so both forests are large enough to
 *   be near the infinite forest's AUC.
 * Nested CV on pltn with scikit-learn's inner folds (--inner-folds-from's library side): the same C chosen in every
 * outer fold as GridSearchCV, and the fold AUC within 0.003.
 * A 3-class table (sklearn_parity_data_3class.csv, 180 x 8): logreg one-vs-rest, macro AUC per fold against
 * OneVsRestClassifier(LogisticRegression()) and roc_auc_score(multi_class="ovr", average="macro"): <= 0.003.
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

typedef struct table {
    size_t n, p;
    double *X;
    int *y;
    int *fold;
    char **names;
} table;

static const char *src_path(const char *rel)
{
    static char buf[4096];
    const char *s = getenv("VX_SOURCE_DIR");
    snprintf(buf, sizeof buf, "%s/%s", s ? s : "..", rel);
    return buf;
}

/* A numeric CSV; skip = header lines. Returns the rows (malloc'ed), *nr rows of *nc columns. */
static double *read_csv(const char *path, int skip, size_t *nr, size_t *nc)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fprintf(stderr, "cannot open %s\n", path);
    assert_non_null(f);
    static char line[1 << 16];
    char *fld[400];
    size_t cap = 1024, n = 0, c = 0;
    double *v = malloc(cap * sizeof *v);
    for (int k = 0; k < skip; k++)
        assert_non_null(fgets(line, sizeof line, f));
    size_t rows = 0;
    while (fgets(line, sizeof line, f)) {
        int k = vx_test_csv_split(line, fld, 400);
        if (k <= 1 && !fld[0][0])
            continue;
        if (!c)
            c = (size_t)k;
        assert_int_equal((size_t)k, c);
        for (int j = 0; j < k; j++) {
            if (n == cap)
                v = realloc(v, (cap *= 2) * sizeof *v);
            v[n++] = strtod(fld[j], NULL);
        }
        rows++;
    }
    fclose(f);
    *nr = rows;
    *nc = c;
    return v;
}

/* The table: features then the label in the last column; folds from sklearn_parity_folds_<name>.csv. */
static void load_table(const char *name, table *t)
{
    char rel[256];
    size_t nr, nc;
    double *d;
    if (!strcmp(name, "wdbc"))
        d = read_csv(vx_test_data("stats/wdbc/wdbc_sklearn_breast_cancer.csv"), 1, &nr, &nc);
    else {
        snprintf(rel, sizeof rel, "tests/data/stats/sklearn_parity_data_%s.csv", name);
        d = read_csv(src_path(rel), 1, &nr, &nc);
    }
    t->n = nr;
    t->p = nc - 1;
    t->X = malloc(t->n * t->p * sizeof *t->X);
    t->y = malloc(t->n * sizeof *t->y);
    t->fold = malloc(t->n * sizeof *t->fold);
    t->names = malloc(t->p * sizeof *t->names);
    for (size_t i = 0; i < t->n; i++) {
        memcpy(t->X + i * t->p, d + i * nc, t->p * sizeof *t->X);
        t->y[i] = (int)d[i * nc + t->p];
    }
    for (size_t j = 0; j < t->p; j++) {
        t->names[j] = malloc(16);
        snprintf(t->names[j], 16, "x%zu", j + 1);
    }
    free(d);
    snprintf(rel, sizeof rel, "tests/data/stats/sklearn_parity_folds_%s.csv", name);
    d = read_csv(src_path(rel), 1, &nr, &nc);
    assert_int_equal(nr, t->n);
    assert_int_equal(nc, 2);
    for (size_t i = 0; i < nr; i++) {
        assert_int_equal((size_t)d[i * 2], i);
        t->fold[i] = (int)d[i * 2 + 1];
    }
    free(d);
}

static void free_table(table *t)
{
    for (size_t j = 0; j < t->p; j++)
        free(t->names[j]);
    free(t->names);
    free(t->X);
    free(t->y);
    free(t->fold);
}

/* scikit-learn's AUC of fold f for (table, model); NAN when absent. */
static double ref_auc(const char *tab, const char *model, int f)
{
    static char line[512];
    FILE *fh = fopen(src_path("tests/data/stats/sklearn_parity_auc.csv"), "r");
    assert_non_null(fh);
    double v = NAN;
    char *fld[8];
    while (fgets(line, sizeof line, fh))
        if (vx_test_csv_split(line, fld, 8) == 4 && !strcmp(fld[0], tab) && !strcmp(fld[1], model) &&
            atoi(fld[2]) == f)
            v = strtod(fld[3], NULL);
    fclose(fh);
    return v;
}

/* Cross-validate model `kind` on table `name` with its given folds and compare every fold AUC with
 * scikit-learn's; returns the largest difference. */
static double check_model(const char *name, vx_model_kind kind, double tol)
{
    table t;
    load_table(name, &t);
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, kind);
    vx_error err = {0};
    if (kind == VX_MODEL_RF || kind == VX_MODEL_GBM)
        assert_int_equal(vx_model_params_preset(&pp.model, "sklearn", &err), VX_OK);
    if (kind == VX_MODEL_RF)
        pp.model.trees = 5000;
    vx_cv_options o;
    memset(&o, 0, sizeof o);
    o.repeats = 1;
    o.given = t.fold;
    vx_cv_result r;
    int rc = vx_cv_run(t.X, t.n, t.p, t.y, (const char *const *)t.names, NULL, &pp, &o, &r, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    assert_int_equal(r.folds, 5);
    double worst = 0.0, worst0 = 0.0, mean = 0.0, mean0 = 0.0;
    for (int f = 0; f < 5; f++) {
        double ref = ref_auc(name, vx_model_kind_name(kind), f), near = ref;
        assert_false(isnan(ref));
        /* gbm: scikit-learn's random_state decides between equally good splits; the nearest of its ten */
        for (int s = 1; kind == VX_MODEL_GBM && s < 10; s++) {
            char mn[16];
            snprintf(mn, sizeof mn, "gbm@%d", s);
            double v = ref_auc(name, mn, f);
            assert_false(isnan(v));
            if (fabs(r.auc[f] - v) < fabs(r.auc[f] - near))
                near = v;
        }
        double d = fabs(r.auc[f] - near);
        printf("%-6s %-9s fold %d: voxomics %.6f scikit-learn %.6f |diff| %.6f", name, vx_model_kind_name(kind), f,
               r.auc[f], near, d);
        if (kind == VX_MODEL_GBM)
            printf(" (random_state 0: %.6f, |diff| %.6f)", ref, fabs(r.auc[f] - ref));
        printf("\n");
        worst = fmax(worst, d);
        worst0 = fmax(worst0, fabs(r.auc[f] - ref));
        mean += r.auc[f] / 5;
        mean0 += ref / 5;
        vx_assert_near(r.auc[f], near, tol);
    }
    printf("%-6s %-9s worst |AUC difference| %.6f (tolerance %g)", name, vx_model_kind_name(kind), worst, tol);
    if (kind == VX_MODEL_GBM) /* deliver 2: the cross-validated AUC within 0.01 of GradientBoostingClassifier() */
        printf("; against random_state 0 alone %.6f; CV AUC %.6f, scikit-learn's (random_state 0) %.6f", worst0,
               mean, mean0);
    printf("\n");
    if (kind == VX_MODEL_GBM)
        vx_assert_near(mean, mean0, 0.01);
    vx_cv_result_free(&r);
    free_table(&t);
    return worst;
}

static void check_table(const char *name)
{
    check_model(name, VX_MODEL_LOGREG, 0.003);
    check_model(name, VX_MODEL_LOGREG_L1, 0.003);
    check_model(name, VX_MODEL_SVM, 0.003);
    check_model(name, VX_MODEL_GBM, 0.02);
    check_model(name, VX_MODEL_RF, 0.02);
}

static void test_wdbc(void **state)
{
    (void)state;
    check_table("wdbc");
}

static void test_p_below_n(void **state)
{
    (void)state;
    check_table("pltn");
}

static void test_p_above_n(void **state)
{
    (void)state;
    check_table("pgtn");
}

/* Nested CV with given inner folds (pltn): logreg tuned over C in {0.01, 0.1, 1, 10} on scikit-learn's inner
 * folds (sklearn_parity_inner_pltn.csv) against GridSearchCV(cv=PredefinedSplit): the same C in every outer fold
 * and the held-out AUC within 0.003. */
static void test_nested_given_inner_folds(void **state)
{
    (void)state;
    table t;
    load_table("pltn", &t);
    int *inner = malloc(t.n * 5 * sizeof *inner);
    FILE *fh = fopen(src_path("tests/data/stats/sklearn_parity_inner_pltn.csv"), "r");
    assert_non_null(fh);
    char line[1024], *fld[8];
    assert_non_null(fgets(line, sizeof line, fh));
    for (size_t i = 0; i < t.n; i++) {
        assert_non_null(fgets(line, sizeof line, fh));
        assert_int_equal(vx_test_csv_split(line, fld, 8), 7);
        assert_int_equal(atoi(fld[0]), (int)i);
        assert_int_equal(atoi(fld[1]), t.fold[i]);
        for (int f = 0; f < 5; f++) {
            char *e = fld[2 + f];
            e[strcspn(e, "\r\n")] = 0;
            inner[i * 5 + (size_t)f] = *e ? atoi(e) : -1;
            assert_true((*e == 0) == (t.fold[i] == f)); /* only the held-out rows have none */
        }
    }
    fclose(fh);
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    static const double Cs[4] = {0.01, 0.1, 1.0, 10.0};
    vx_cv_tune tune = {"C", Cs, 4};
    vx_cv_options o;
    memset(&o, 0, sizeof o);
    o.repeats = 1;
    o.given = t.fold;
    o.inner_given = inner;
    o.tune = &tune;
    o.n_tune = 1;
    vx_cv_result r;
    vx_error err = {0};
    int rc = vx_cv_run(t.X, t.n, t.p, t.y, (const char *const *)t.names, NULL, &pp, &o, &r, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    for (int f = 0; f < 5; f++) {
        double ref = ref_auc("pltn", "logreg-nested", f), refC = ref_auc("pltn", "logreg-nested-C", f);
        printf("pltn nested logreg fold %d: C %g (scikit-learn %g), AUC %.6f (scikit-learn %.6f)\n", f, r.chosen[f],
               refC, r.auc[f], ref);
        vx_assert_near(r.chosen[f], refC, 1e-12);
        vx_assert_near(r.auc[f], ref, 0.003);
    }
    vx_cv_result_free(&r);
    /* a training row without an inner fold is an error naming it */
    for (size_t i = 0; i < t.n; i++)
        if (t.fold[i] != 0) {
            inner[i * 5] = -1;
            break;
        }
    rc = vx_cv_run(t.X, t.n, t.p, t.y, (const char *const *)t.names, NULL, &pp, &o, &r, &err);
    assert_int_equal(rc, VX_EINVAL);
    assert_non_null(strstr(err.msg, "no inner fold"));
    vx_cv_result_free(&r);
    free(inner);
    free_table(&t);
}

/* 3 classes: logreg one-vs-rest, the macro one-vs-rest AUC of the normalised probabilities per fold. */
static void test_three_classes(void **state)
{
    (void)state;
    table t;
    load_table("3class", &t);
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    vx_cv_options o;
    memset(&o, 0, sizeof o);
    o.repeats = 1;
    o.given = t.fold;
    vx_cv_result r;
    vx_error err = {0};
    int rc = vx_cv_run(t.X, t.n, t.p, t.y, (const char *const *)t.names, NULL, &pp, &o, &r, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    double worst = 0.0;
    for (int f = 0; f < 5; f++) {
        double ref = ref_auc("3class", "logreg-ovr", f);
        assert_false(isnan(ref));
        printf("3class logreg-ovr fold %d: voxomics %.6f scikit-learn %.6f |diff| %.6f\n", f, r.auc[f], ref,
               fabs(r.auc[f] - ref));
        worst = fmax(worst, fabs(r.auc[f] - ref));
        vx_assert_near(r.auc[f], ref, 0.003);
    }
    printf("3class logreg-ovr worst |AUC difference| %.6f (tolerance 0.003)\n", worst);
    vx_cv_result_free(&r);
    free_table(&t);
}

/* The sklearn preset's values, the checks of the tree parameters, one boosting stage by hand, and the JSON of
 * the new parameters (round trip; a model file without them loads with the defaults). */
static void test_preset_and_params(void **state)
{
    (void)state;
    vx_model_params mp;
    vx_error err = {0};
    vx_model_params_default(&mp, VX_MODEL_GBM);
    assert_int_equal(vx_model_params_preset(&mp, "sklearn", &err), VX_OK);
    assert_int_equal(mp.criterion, VX_GBM_FRIEDMAN_MSE);
    assert_true(mp.trees == 100 && mp.depth == 3 && mp.eta == 0.1 && mp.reg_lambda == 0 && mp.min_child_weight == 0 &&
                mp.subsample == 1 && mp.base_score == VX_BASE_SCORE_PRIOR);
    vx_model_params_default(&mp, VX_MODEL_RF);
    assert_int_equal(vx_model_params_preset(&mp, "sklearn", &err), VX_OK);
    assert_true(mp.bootstrap == 1 && mp.subsample == 1 && mp.colsample_bynode == 0 && mp.min_child_weight == 0 &&
                mp.reg_lambda == 0);
    assert_int_equal(vx_model_params_preset(&mp, "weka", &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "sklearn"));

    /* one stage by hand: x = 1, 2, 3, 4, y = 0, 0, 1, 1, depth 1, eta 1. F0 = log(2 / 2) = 0, p = 1/2,
     * residuals -1/2, -1/2, 1/2, 1/2: the split is x <= 2.5 (midpoint); leaves sum r / sum p(1 - p) = -1 / 0.5
     * = -2 and +2. */
    const double X[4] = {1, 2, 3, 4};
    const int y[4] = {0, 0, 1, 1};
    vx_model_params_default(&mp, VX_MODEL_GBM);
    assert_int_equal(vx_model_params_preset(&mp, "sklearn", &err), VX_OK);
    mp.trees = 1;
    mp.depth = 1;
    mp.eta = 1.0;
    vx_model *m = NULL;
    assert_int_equal(vx_model_fit(X, 4, 1, y, &mp, &m, &err), VX_OK);
    const double Xq[3] = {2.5, 2.5001, 10}; /* features are compared in single precision, as scikit-learn does */
    double s[3], pr[3];
    assert_int_equal(vx_model_predict(m, Xq, 3, s, pr, &err), VX_OK);
    vx_assert_near(s[0], -2.0, 1e-15);
    vx_assert_near(s[1], 2.0, 1e-15);
    vx_assert_near(s[2], 2.0, 1e-15);
    vx_assert_near(pr[0], 1.0 / (1.0 + exp(2.0)), 1e-15);
    /* JSON: the parameters and the trees round trip exactly */
    cJSON *o = cJSON_CreateObject();
    assert_int_equal(vx_model_to_json(m, o, &err), VX_OK);
    assert_non_null(strstr(cJSON_GetObjectItem(o, "criterion")->valuestring, "friedman_mse"));
    char *text = cJSON_PrintUnformatted(o);
    cJSON *back = cJSON_Parse(text);
    vx_model *m2 = NULL;
    assert_int_equal(vx_model_from_json(back, &m2, &err), VX_OK);
    double s2[3];
    assert_int_equal(vx_model_predict(m2, Xq, 3, s2, NULL, &err), VX_OK);
    assert_memory_equal(s, s2, sizeof s);
    assert_true(vx_model_get_params(m2)->base_score == VX_BASE_SCORE_PRIOR);
    free(text);
    cJSON_Delete(o);
    cJSON_Delete(back);
    vx_model_free(m);
    vx_model_free(m2);

    /* XGBoost gbm with the tree parameters; without them in the JSON the defaults are read back */
    vx_model_params_default(&mp, VX_MODEL_GBM);
    mp.trees = 5;
    mp.reg_lambda = 0.5;
    mp.subsample = 0.8;
    mp.colsample_bytree = 1.0;
    mp.base_score = VX_BASE_SCORE_PRIOR;
    table t;
    load_table("pltn", &t);
    assert_int_equal(vx_model_fit(t.X, t.n, t.p, t.y, &mp, &m, &err), VX_OK);
    o = cJSON_CreateObject();
    assert_int_equal(vx_model_to_json(m, o, &err), VX_OK);
    assert_int_equal(vx_model_from_json(o, &m2, &err), VX_OK);
    assert_true(vx_model_get_params(m2)->reg_lambda == 0.5 && vx_model_get_params(m2)->subsample == 0.8);
    vx_model_free(m2);
    const char *keys[] = {"reg_lambda", "min_child_weight", "subsample", "colsample_bytree", "colsample_bynode",
                          "base_score", "bootstrap", "criterion"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        cJSON_DeleteItemFromObject(o, keys[k]);
    assert_int_equal(vx_model_from_json(o, &m2, &err), VX_OK);
    assert_true(vx_model_get_params(m2)->reg_lambda == 1.0 && vx_model_get_params(m2)->base_score == 0.0);
    cJSON_Delete(o);
    vx_model_free(m);
    vx_model_free(m2);
    /* invalid values name the parameter */
    const struct {
        const char *field;
        double v;
    } bad[] = {{"reg_lambda", -1}, {"min_child_weight", -0.5}, {"subsample", 0}, {"colsample_bytree", 1.5},
               {"colsample_bynode", 0}, {"base_score", 1}};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        vx_pipeline_params pp;
        vx_pipeline_params_default(&pp, VX_MODEL_GBM);
        assert_int_equal(vx_pipeline_params_set(&pp, bad[k].field, bad[k].v, &err), VX_OK);
        assert_int_equal(vx_model_fit(t.X, t.n, t.p, t.y, &pp.model, &m, &err), VX_EINVAL);
        assert_non_null(strstr(err.msg, bad[k].field));
    }
    vx_model_params_default(&mp, VX_MODEL_GBM);
    mp.criterion = VX_GBM_FRIEDMAN_MSE; /* needs the prior base score */
    assert_int_equal(vx_model_fit(t.X, t.n, t.p, t.y, &mp, &m, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "base_score prior"));
    free_table(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preset_and_params),
        cmocka_unit_test(test_wdbc),
        cmocka_unit_test(test_p_below_n),
        cmocka_unit_test(test_p_above_n),
        cmocka_unit_test(test_nested_given_inner_folds),
        cmocka_unit_test(test_three_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
