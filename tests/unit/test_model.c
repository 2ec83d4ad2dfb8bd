/* Classifiers (voxomics/model.h): logistic regression against R glm and an independent ridge solve, every kind
 * on the Wisconsin breast cancer data (wdbc, /work/shared/stats/wdbc) for AUC, determinism and exact JSON round
 * trips, and the error paths.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <libsvm/svm.h>
#include <linear.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "voxomics/model.h"
#include "vx_test.h"

#define WN 569
#define WP 30

static double wx[WN * WP];
static int wy[WN];

static void load_wdbc(void)
{
    static int loaded;
    if (loaded)
        return;
    FILE *f = fopen(vx_test_data("stats/wdbc/wdbc_sklearn_breast_cancer.csv"), "r");
    assert_non_null(f);
    char line[4096];
    char *fld[40];
    assert_non_null(fgets(line, sizeof line, f));
    assert_int_equal(vx_test_csv_split(line, fld, 40), 4);
    assert_int_equal(atoi(fld[0]), WN);
    assert_int_equal(atoi(fld[1]), WP);
    for (int i = 0; i < WN; i++) {
        assert_non_null(fgets(line, sizeof line, f));
        assert_int_equal(vx_test_csv_split(line, fld, 40), WP + 1);
        for (int j = 0; j < WP; j++)
            wx[i * WP + j] = strtod(fld[j], NULL);
        wy[i] = atoi(fld[WP]);
    }
    fclose(f);
    loaded = 1;
}

/* Columns cols of wdbc (all rows), standardised with mean and sd (n - 1 denominator) like R's scale(). */
static void wdbc_scaled_cols(const int *cols, int k, double *X)
{
    load_wdbc();
    for (int c = 0; c < k; c++) {
        double mu = 0, ss = 0;
        for (int i = 0; i < WN; i++)
            mu += wx[i * WP + cols[c]];
        mu /= WN;
        for (int i = 0; i < WN; i++)
            ss += (wx[i * WP + cols[c]] - mu) * (wx[i * WP + cols[c]] - mu);
        double sd = sqrt(ss / (WN - 1));
        for (int i = 0; i < WN; i++)
            X[i * k + c] = (wx[i * WP + cols[c]] - mu) / sd;
    }
}

/* Reference script (R 4.2, glmnet 4.1-6), run offline:
 *   d <- read.csv("wdbc_sklearn_breast_cancer.csv", header=FALSE, skip=1)
 *   X <- scale(as.matrix(d[, c(1,2,5)])); y <- d[, 31]       # mean radius, mean texture, mean smoothness
 *   coef(glm(y ~ X, family=binomial, control=glm.control(epsilon=1e-14, maxit=100)))
 *   # C = 1: Newton on 0.5||w||^2 + C sum log(1+exp(-y'(w.x+b))), b unpenalised, 100 iterations (|g| = 1.4e-14)
 *   Z <- cbind(1, X); th <- rep(0, 4); C <- 1
 *   for (it in 1:100) { pr <- 1/(1+exp(-Z %*% th)); gr <- C * t(Z) %*% (pr - y) + c(0, th[-1])
 *     H <- C * t(Z) %*% (Z * as.vector(pr*(1-pr))) + diag(c(0,1,1,1)); th <- th - solve(H, gr) }
 *   # cross-check: glmnet(X, y, family="binomial", alpha=0, lambda=1/(nrow(X)*C), standardize=FALSE,
 *   #   thresh=1e-20) gives 0.900565008933403 -3.91236247564514 -1.34521584002957 -1.64927788464815 (3e-10) */
static const double glm_ref[4] = {1.00199120729466, -4.92306945597793, -1.63679755376482, -2.03471686836445};
static const double ridge_c1_ref[4] = {0.900565008957865, -3.91236247581787, -1.34521584011873, -1.64927788472585};

static void check_logreg(double C, const double ref[4], double tol)
{
    const int cols[3] = {0, 1, 4};
    double *X = malloc(WN * 3 * sizeof *X);
    wdbc_scaled_cols(cols, 3, X);
    vx_model_params mp;
    vx_model_params_default(&mp, VX_MODEL_LOGREG);
    mp.C = C;
    vx_model *m = NULL;
    vx_error err = {0};
    int rc = vx_model_fit(X, WN, 3, wy, &mp, &m, &err);
    if (rc)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    double b = NAN;
    const double *w = vx_model_logreg_coef(m, &b);
    assert_non_null(w);
    printf("logreg C=%g: b %.15g w %.15g %.15g %.15g, |grad|/max(1,C) = %.3g\n", C, b, w[0], w[1], w[2],
           vx_model_grad_norm(m));
    assert_true(vx_model_grad_norm(m) < 1e-8);
    vx_assert_near(b, ref[0], tol);
    for (int j = 0; j < 3; j++)
        vx_assert_near(w[j], ref[j + 1], tol);
    /* prob = 1 / (1 + exp(-(w.x + b))) */
    double s, pr;
    assert_int_equal(vx_model_predict(m, X, 1, &s, &pr, &err), VX_OK);
    vx_assert_near(s, b + w[0] * X[0] + w[1] * X[1] + w[2] * X[2], 1e-12);
    vx_assert_near(pr, 1 / (1 + exp(-s)), 1e-15);
    vx_model_free(m);
    free(X);
}

static void test_logreg_glm(void **state)
{
    (void)state;
    check_logreg(1e8, glm_ref, 1e-6); /* unpenalised limit = maximum likelihood */
}

static void test_logreg_ridge(void **state)
{
    (void)state;
    check_logreg(1.0, ridge_c1_ref, 1e-8);
}

/* ---- every kind on wdbc ------------------------------------------------------------------------------------ */

#define NTR 399 /* rows with i % 10 < 7 */
#define NTE 170

static double xtr[NTR * WP], xte[NTE * WP];
static int ytr[NTR], yte[NTE];

static void wdbc_split(void)
{
    static int done;
    if (done)
        return;
    load_wdbc();
    int a = 0, b = 0;
    for (int i = 0; i < WN; i++) {
        if (i % 10 < 7) {
            memcpy(xtr + a * WP, wx + i * WP, WP * sizeof *wx);
            ytr[a++] = wy[i];
        } else {
            memcpy(xte + b * WP, wx + i * WP, WP * sizeof *wx);
            yte[b++] = wy[i];
        }
    }
    assert_int_equal(a, NTR);
    assert_int_equal(b, NTE);
    for (int j = 0; j < WP; j++) { /* standardise with the training mean and sd (n - 1) */
        double mu = 0, ss = 0;
        for (int i = 0; i < NTR; i++)
            mu += xtr[i * WP + j];
        mu /= NTR;
        for (int i = 0; i < NTR; i++)
            ss += (xtr[i * WP + j] - mu) * (xtr[i * WP + j] - mu);
        double sd = sqrt(ss / (NTR - 1));
        for (int i = 0; i < NTR; i++)
            xtr[i * WP + j] = (xtr[i * WP + j] - mu) / sd;
        for (int i = 0; i < NTE; i++)
            xte[i * WP + j] = (xte[i * WP + j] - mu) / sd;
    }
    done = 1;
}

/* AUC = P(score of a 1 > score of a 0) + 0.5 P(tie) (Mann-Whitney), by pairs. */
static double auc(const double *s, const int *y, int n)
{
    double num = 0, pairs = 0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++)
            if (y[i] == 1 && y[k] == 0) {
                num += s[i] > s[k] ? 1.0 : s[i] == s[k] ? 0.5 : 0.0;
                pairs += 1;
            }
    return num / pairs;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void fit_or_fail(const double *X, size_t n, size_t p, const int *y, const vx_model_params *mp, vx_model **m)
{
    vx_error err = {0};
    int rc = vx_model_fit(X, n, p, y, mp, m, &err);
    if (rc)
        fprintf(stderr, "fit %s: %s\n", vx_model_kind_name(mp->kind), err.msg);
    assert_int_equal(rc, VX_OK);
}

static void predict_or_fail(const vx_model *m, const double *X, size_t n, double *s, double *p)
{
    vx_error err = {0};
    int rc = vx_model_predict(m, X, n, s, p, &err);
    if (rc)
        fprintf(stderr, "predict: %s\n", err.msg);
    assert_int_equal(rc, VX_OK);
}

static void check_kind(vx_model_kind k, unsigned long seed)
{
    wdbc_split();
    vx_model_params mp;
    vx_model_params_default(&mp, k);
    mp.seed = seed;
    vx_model *m = NULL, *m2 = NULL, *m3 = NULL, *m4 = NULL;
    double t0 = now();
    fit_or_fail(xtr, NTR, WP, ytr, &mp, &m);
    double t1 = now();
    double s[NTE], pr[NTE], s2[NTE], pr2[NTE];
    predict_or_fail(m, xte, NTE, s, pr);
    double a = auc(s, yte, NTE), ap = auc(pr, yte, NTE);
    printf("%-9s fit %.3f s, test AUC %.4f (probability AUC %.4f)\n", vx_model_kind_name(k), t1 - t0, a, ap);
    assert_true(a > 0.9);
    for (int i = 0; i < NTE; i++)
        assert_true(pr[i] >= 0 && pr[i] <= 1 && isfinite(s[i]));

    /* determinism: a second fit gives bit-identical predictions */
    fit_or_fail(xtr, NTR, WP, ytr, &mp, &m2);
    predict_or_fail(m2, xte, NTE, s2, pr2);
    assert_memory_equal(s, s2, sizeof s);
    assert_memory_equal(pr, pr2, sizeof pr);
    /* score only / probability only */
    predict_or_fail(m2, xte, NTE, s2, NULL);
    assert_memory_equal(s, s2, sizeof s);
    predict_or_fail(m2, xte, NTE, NULL, pr2);
    assert_memory_equal(pr, pr2, sizeof pr);

    /* JSON round trip through text (print, parse) */
    vx_error err = {0};
    cJSON *o = cJSON_CreateObject();
    assert_int_equal(vx_model_to_json(m, o, &err), VX_OK);
    char *text = cJSON_PrintUnformatted(o);
    assert_non_null(text);
    cJSON *back = cJSON_Parse(text);
    assert_non_null(back);
    int rc = vx_model_from_json(back, &m3, &err);
    if (rc)
        fprintf(stderr, "from_json: %s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    predict_or_fail(m3, xte, NTE, s2, pr2);
    assert_memory_equal(s, s2, sizeof s);
    assert_memory_equal(pr, pr2, sizeof pr);
    assert_int_equal(vx_model_get_params(m3)->kind, k);
    assert_true(vx_model_get_params(m3)->seed == seed);
    assert_int_equal(vx_model_nfeatures(m3), WP);
    /* ... and through the in-memory object */
    assert_int_equal(vx_model_from_json(o, &m4, &err), VX_OK);
    predict_or_fail(m4, xte, NTE, s2, pr2);
    assert_memory_equal(s, s2, sizeof s);
    assert_memory_equal(pr, pr2, sizeof pr);
    if (k == VX_MODEL_SVM) {
        /* gamma "scale" = 1 / (p Var(X)); columns standardised with sd (n - 1) have population variance (n-1)/n
         * each and mean 0, so Var over all entries = (n-1)/n and gamma = n / ((n-1) p) */
        const char *lt = cJSON_GetObjectItemCaseSensitive(back, "libsvm")->valuestring;
        const char *g = strstr(lt, "gamma ");
        assert_non_null(g);
        vx_assert_near(strtod(g + 6, NULL), (double)NTR / ((NTR - 1.0) * WP), 1e-15);
    }
    if (k == VX_MODEL_SVM || k == VX_MODEL_LOGREG_L1) {
        /* the model text is a genuine libsvm / liblinear model file: load it with the library's own reader and
         * compare its decision values (towards the file's first label) with our scores */
        int svm = k == VX_MODEL_SVM;
        const char *mt = cJSON_GetObjectItemCaseSensitive(back, svm ? "libsvm" : "liblinear")->valuestring;
        char path[4200];
        snprintf(path, sizeof path, "%s/model_%s.txt", vx_test_tmpdir(), vx_model_kind_name(k));
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(mt, f);
        fclose(f);
        struct svm_model *sm = svm ? svm_load_model(path) : NULL;
        struct model *lm = svm ? NULL : load_model(path);
        assert_true(sm || lm);
        int lab[2];
        svm ? svm_get_labels(sm, lab) : get_labels(lm, lab);
        struct svm_node xs[WP + 1];
        struct feature_node xl[WP + 2];
        for (int i = 0; i < NTE; i++) {
            double dec = 0;
            for (int j = 0; j < WP; j++) {
                xs[j].index = xl[j].index = j + 1;
                xs[j].value = xl[j].value = xte[i * WP + j];
            }
            xs[WP].index = -1;
            xl[WP].index = WP + 1;
            xl[WP].value = 1.0; /* bias feature */
            xl[WP + 1].index = -1;
            svm ? svm_predict_values(sm, xs, &dec) : predict_values(lm, xl, &dec);
            vx_assert_near(lab[0] == 1 ? dec : -dec, s[i], 1e-12);
        }
        if (sm)
            svm_free_and_destroy_model(&sm);
        if (lm)
            free_and_destroy_model(&lm);
    }
    if (k == VX_MODEL_RF || k == VX_MODEL_GBM) {
        /* the forest holds `trees` trees (one round of num_parallel_tree), the boosted model `trees` rounds */
        const char *xt = cJSON_GetObjectItemCaseSensitive(back, "xgboost")->valuestring;
        int ntrees = 0;
        for (const char *q = xt; (q = strstr(q, "\"split_indices\"")); q++)
            ntrees++;
        assert_int_equal(ntrees, mp.trees);
        assert_non_null(strstr(xt, k == VX_MODEL_RF ? "\"num_parallel_tree\":\"100\"" : "\"num_parallel_tree\":\"1\""));
    }
    cJSON_free(text);
    cJSON_Delete(back);
    cJSON_Delete(o);
    vx_model_free(m);
    vx_model_free(m2);
    vx_model_free(m3);
    vx_model_free(m4);
}

static void test_wdbc_logreg(void **state)
{
    (void)state;
    check_kind(VX_MODEL_LOGREG, 0);
}
static void test_wdbc_logreg_l1(void **state)
{
    (void)state;
    check_kind(VX_MODEL_LOGREG_L1, 7);
}
static void test_wdbc_svm(void **state)
{
    (void)state;
    check_kind(VX_MODEL_SVM, 0);
}
static void test_wdbc_rf(void **state)
{
    (void)state;
    check_kind(VX_MODEL_RF, 42);
}
static void test_wdbc_gbm(void **state)
{
    (void)state;
    check_kind(VX_MODEL_GBM, 42);
}

/* The seed matters where the model is random: rf with two seeds differs. */
static void test_seed_changes_rf(void **state)
{
    (void)state;
    wdbc_split();
    vx_model_params mp;
    vx_model_params_default(&mp, VX_MODEL_RF);
    mp.trees = 20;
    vx_model *a = NULL, *b = NULL;
    mp.seed = 1;
    fit_or_fail(xtr, NTR, WP, ytr, &mp, &a);
    mp.seed = 2;
    fit_or_fail(xtr, NTR, WP, ytr, &mp, &b);
    double sa[NTE], sb[NTE];
    predict_or_fail(a, xte, NTE, sa, NULL);
    predict_or_fail(b, xte, NTE, sb, NULL);
    assert_true(memcmp(sa, sb, sizeof sa) != 0);
    vx_model_free(b);
    mp.seed = 0xFFFFFFFFFFFFFFFFUL; /* any unsigned long is a valid seed */
    fit_or_fail(xtr, NTR, WP, ytr, &mp, &b);
    vx_model_free(a);
    vx_model_free(b);
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(vx_model_kind_find("logreg"), VX_MODEL_LOGREG);
    assert_int_equal(vx_model_kind_find("logreg-l1"), VX_MODEL_LOGREG_L1);
    assert_int_equal(vx_model_kind_find("svm"), VX_MODEL_SVM);
    assert_int_equal(vx_model_kind_find("rf"), VX_MODEL_RF);
    assert_int_equal(vx_model_kind_find("gbm"), VX_MODEL_GBM);
    assert_int_equal(vx_model_kind_find("SVM"), VX_EINVAL);
    assert_int_equal(vx_model_kind_find(NULL), VX_EINVAL);
    assert_string_equal(vx_model_kind_name(VX_MODEL_LOGREG_L1), "logreg-l1");
    vx_model_params mp;
    vx_model_params_default(&mp, VX_MODEL_GBM);
    assert_int_equal(mp.trees, 100);
    assert_int_equal(mp.depth, 3);
    vx_assert_near(mp.eta, 0.1, 0);
    assert_true(isnan(vx_model_grad_norm(NULL)));
}

static void expect_fit_error(const double *X, size_t n, size_t p, const int *y, const vx_model_params *mp, int code,
                             const char *needle)
{
    vx_model *m = (vx_model *)1;
    vx_error err = {0};
    int rc = vx_model_fit(X, n, p, y, mp, &m, &err);
    if (rc != code)
        fail_msg("kind %d, expected \"%s\": got %d", (int)mp->kind, needle, rc);
    assert_null(m);
    if (!strstr(err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

static void test_errors(void **state)
{
    (void)state;
    double X[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    int y1[8] = {1, 1, 1, 1, 1, 1, 1, 1}, y[8] = {0, 1, 0, 1, 0, 1, 0, 1}, ybad[8] = {0, -1, 0, 1, 0, 1, 0, 1};
    vx_model_params mp;
    for (int k = 0; k < 5; k++) {
        vx_model_params_default(&mp, (vx_model_kind)k);
        expect_fit_error(X, 8, 1, y1, &mp, VX_EINVAL, "both classes");
        expect_fit_error(X, 8, 1, ybad, &mp, VX_EINVAL, "y[1] = -1");
    }
    vx_model_params_default(&mp, VX_MODEL_LOGREG);
    mp.C = 0;
    expect_fit_error(X, 8, 1, y, &mp, VX_EINVAL, "C = 0");
    mp.C = 1;
    double Xn[8] = {0, 1, 2, NAN, 4, 5, 6, 7};
    expect_fit_error(Xn, 8, 1, y, &mp, VX_EINVAL, "X[3][0]");
    /* separable data, almost unpenalised (C = 1e12): the penalised optimum is still finite and Newton reaches
     * it; x = 0..7 with labels 0 0 0 0 1 1 1 1 is symmetric about 3.5, so b = -3.5 w exactly at the optimum */
    int ysep[8] = {0, 0, 0, 0, 1, 1, 1, 1};
    mp.C = 1e12;
    vx_model *ms = NULL;
    fit_or_fail(X, 8, 1, ysep, &mp, &ms);
    double bs = 0;
    const double *ws = vx_model_logreg_coef(ms, &bs);
    printf("separable, C = 1e12: w %.6g b %.6g |grad|/C %.3g\n", ws[0], bs, vx_model_grad_norm(ms));
    assert_true(vx_model_grad_norm(ms) < 1e-8);
    assert_true(ws[0] > 5);
    vx_assert_near_rel(bs, -3.5 * ws[0], 1e-10);
    vx_model_free(ms);
    vx_model_params_default(&mp, VX_MODEL_SVM);
    double Xc[8] = {3, 3, 3, 3, 3, 3, 3, 3};
    expect_fit_error(Xc, 8, 1, y, &mp, VX_EINVAL, "scale");
    vx_model_params_default(&mp, VX_MODEL_GBM);
    mp.eta = 0;
    expect_fit_error(X, 8, 1, y, &mp, VX_EINVAL, "eta");
    vx_model_params_default(&mp, VX_MODEL_RF);
    mp.trees = 0;
    expect_fit_error(X, 8, 1, y, &mp, VX_EINVAL, "trees");
    mp.kind = (vx_model_kind)9;
    expect_fit_error(X, 8, 1, y, &mp, VX_EINVAL, "unknown model kind");

    /* corrupt JSON */
    vx_model *m = NULL;
    vx_error err = {0};
    cJSON *o = cJSON_Parse("{\"kind\":\"svm\",\"p\":1,\"C\":1,\"gamma\":0,\"trees\":1,\"depth\":3,\"eta\":0.1,"
                           "\"seed\":\"0\",\"libsvm\":\"svm_type c_svc\\nkernel_type rbf\\ngamma 1\\nSV\\n\"}");
    assert_non_null(o);
    assert_int_equal(vx_model_from_json(o, &m, &err), VX_EFORMAT);
    assert_null(m);
    cJSON_Delete(o);
    o = cJSON_Parse("{\"kind\":\"tree\"}");
    assert_int_equal(vx_model_from_json(o, &m, &err), VX_EFORMAT);
    cJSON_Delete(o);
    o = cJSON_Parse("{\"kind\":\"gbm\",\"p\":1,\"C\":1,\"gamma\":0,\"trees\":1,\"depth\":3,\"eta\":0.1,"
                    "\"seed\":\"0\",\"xgboost\":\"{not a model\"}");
    assert_int_equal(vx_model_from_json(o, &m, &err), VX_EFORMAT);
    assert_null(m);
    cJSON_Delete(o);
    o = cJSON_Parse("{\"kind\":\"logreg\",\"p\":2,\"C\":1,\"gamma\":0,\"trees\":1,\"depth\":3,\"eta\":0.1,"
                    "\"seed\":\"0\",\"coef\":[1],\"intercept\":0,\"grad_norm\":0}");
    assert_int_equal(vx_model_from_json(o, &m, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "coef"));
    cJSON_Delete(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),          cmocka_unit_test(test_logreg_glm),
        cmocka_unit_test(test_logreg_ridge),   cmocka_unit_test(test_wdbc_logreg),
        cmocka_unit_test(test_wdbc_logreg_l1), cmocka_unit_test(test_wdbc_svm),
        cmocka_unit_test(test_wdbc_rf),        cmocka_unit_test(test_wdbc_gbm),
        cmocka_unit_test(test_seed_changes_rf), cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
