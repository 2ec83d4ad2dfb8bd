/* Feature selection (include/voxomics/select.h) against external references:
 *  - univariate tests, BH, LASSO path and cv.glmnet: R 4.x (stats, glmnet 4.1-6) on the Wisconsin breast cancer
 *    table in the shared data (stats/wdbc/wdbc_sklearn_breast_cancer.csv); the R commands are quoted per test;
 *  - variance / correlation filters and mRMR: values derived by hand in the comments.
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

#include "voxomics/select.h"
#include "voxomics/table.h"
#include "vx_test.h"

#define WDBC_N 569
static double wdbc[WDBC_N][31];

static int load_wdbc(void **state)
{
    (void)state;
    FILE *f = fopen(vx_test_data("stats/wdbc/wdbc_sklearn_breast_cancer.csv"), "r");
    if (!f)
        return -1;
    char line[4096];
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return -1;
    }
    int r = 0;
    while (r < WDBC_N && fgets(line, sizeof line, f)) {
        char *s = line;
        for (int j = 0; j < 31; j++) {
            wdbc[r][j] = strtod(s, &s);
            if (*s == ',')
                s++;
        }
        r++;
    }
    fclose(f);
    return r == WDBC_N ? 0 : -1;
}

/* rows 0..n-1, the given 0-based columns; y = column 30 (1 = benign) */
static void wdbc_subset(size_t n, const int *cols, size_t p, double *X, int *y)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            X[i * p + j] = wdbc[i][cols[j]];
        y[i] = (int)wdbc[i][30];
    }
}

static void assert_p(double a, double b) /* p-values: relative 1e-9 (they reach 1e-15) */
{
    vx_assert_near(a, b, 1e-9 * fabs(b) + 1e-300);
}

/* R:
 * d <- read.csv(".../wdbc_sklearn_breast_cancer.csv", header=FALSE, skip=1)
 * x <- as.matrix(d[1:60, 1:8]); y <- d[1:60, 31]          # 13 of class 1
 * per j: a <- wilcox.test(x[y==1,j], x[y==0,j], exact=FALSE, correct=TRUE); b <- t.test(x[y==1,j], x[y==0,j])
 * rows: a$statistic, a$p.value, b$statistic, b$p.value (sprintf "%.17g") */
static const double ref_uni[8][4] = {
    {61, 1.1960045643901115e-05, -6.4670060133989162, 6.0973950664841813e-07},
    {135, 0.0022848708079451479, -3.6799086839951873, 0.0014491168893719679},
    {45, 3.0799102231754208e-06, -7.0138598097061013, 1.4419426331226582e-07},
    {59, 1.0144040892505781e-05, -7.1010282074592768, 8.9712044601262338e-09},
    {128, 0.0014930624633208236, -4.1890148356135706, 0.00028796975703760465},
    {42, 2.3686924570338884e-06, -8.0194935360977162, 2.6985932020935653e-10},
    {17, 2.3689687381659881e-07, -11.018446412923264, 1.1184652185674596e-15},
    {15, 1.9547466563942427e-07, -11.025628421143034, 2.4034337025035973e-14},
};
/* p.adjust(pw, "BH") and p.adjust(pt, "BH") of the p-value columns above */
static const double ref_bh_w[8] = {1.5946727525201486e-05, 0.0022848708079451479, 6.1598204463508416e-06,
                                   1.5946727525201486e-05, 0.001706357100938084,  6.1598204463508416e-06,
                                   9.4758749526639525e-07, 9.4758749526639525e-07};
static const double ref_bh_t[8] = {8.1298600886455748e-07, 0.0014491168893719679, 2.3071082129962532e-07,
                                   1.7942408920252468e-08, 0.00032910829375726243, 7.1962485389161733e-10,
                                   8.9477217485396771e-15, 9.613734810014389e-14};

static void test_univariate_wdbc(void **state)
{
    (void)state;
    int cols[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    double X[60 * 8], st[8], pv[8], adj[8];
    int y[60];
    wdbc_subset(60, cols, 8, X, y);
    vx_error e;
    assert_int_equal(vx_univariate(X, 60, 8, y, VX_TEST_MANN_WHITNEY, st, pv, adj, &e), VX_OK);
    for (int j = 0; j < 8; j++) {
        vx_assert_near(st[j], ref_uni[j][0], 1e-12);
        assert_p(pv[j], ref_uni[j][1]);
        assert_p(adj[j], ref_bh_w[j]);
    }
    assert_int_equal(vx_univariate(X, 60, 8, y, VX_TEST_WELCH, st, pv, adj, &e), VX_OK);
    for (int j = 0; j < 8; j++) {
        vx_assert_near(st[j], ref_uni[j][2], 1e-10);
        assert_p(pv[j], ref_uni[j][3]);
        assert_p(adj[j], ref_bh_t[j]);
    }
    /* selection by adjusted p: the 3 smallest Welch BH values are features 6, 7, 5 */
    size_t idx[8], k;
    assert_int_equal(vx_select_pvalue(adj, 8, 0.05, 3, idx, &k, &e), VX_OK);
    assert_int_equal(k, 3);
    assert_int_equal(idx[0], 6);
    assert_int_equal(idx[1], 7);
    assert_int_equal(idx[2], 5);
    /* alpha 1e-6: features 6, 7, 5, 3, 2, 0 (BH values above) */
    assert_int_equal(vx_select_pvalue(adj, 8, 1e-6, 0, idx, &k, &e), VX_OK);
    assert_int_equal(k, 6);
    assert_int_equal(idx[3], 3);
    assert_int_equal(idx[4], 2);
    assert_int_equal(idx[5], 0);
}

/* Ties: floor() of the first two features (many tied values).
 * R: wilcox.test(floor(x[y==1,j]), floor(x[y==0,j]), exact=FALSE, correct=TRUE), j = 1, 2:
 *   W 64, p 1.2878412822527093e-05;  W 132, p 0.0018016213229727395 */
static void test_mann_whitney_ties(void **state)
{
    (void)state;
    int cols[2] = {0, 1};
    double X[60 * 2], st[2], pv[2];
    int y[60];
    wdbc_subset(60, cols, 2, X, y);
    for (int i = 0; i < 120; i++)
        X[i] = floor(X[i]);
    vx_error e;
    assert_int_equal(vx_univariate(X, 60, 2, y, VX_TEST_MANN_WHITNEY, st, pv, NULL, &e), VX_OK);
    vx_assert_near(st[0], 64, 1e-12);
    vx_assert_near(st[1], 132, 1e-12);
    assert_p(pv[0], 1.2878412822527093e-05);
    assert_p(pv[1], 0.0018016213229727395);
}

/* R: p.adjust(c(0.01, 0.04, 0.03, 0.04, 0.2, 0.5, 0.001), "BH") (ties, and a value > the cummin) */
static void test_bh(void **state)
{
    (void)state;
    const double p[7] = {0.01, 0.04, 0.03, 0.04, 0.2, 0.5, 0.001};
    const double ref[7] = {0.035000000000000003, 0.055999999999999994, 0.055999999999999994, 0.055999999999999994,
                           0.23333333333333336,  0.5,                  0.0070000000000000001};
    double a[7];
    assert_int_equal(vx_bh_adjust(p, 7, a), VX_OK);
    for (int i = 0; i < 7; i++)
        vx_assert_near(a[i], ref[i], 1e-15);
    const double bad[2] = {0.1, NAN};
    assert_int_equal(vx_bh_adjust(bad, 2, a), VX_EINVAL);
}

static void test_degenerate(void **state)
{
    (void)state;
    /* feature 1 constant */
    double X[6 * 2] = {1, 5, 2, 5, 3, 5, 4, 5, 5, 5, 6, 5};
    int y[6] = {0, 0, 0, 1, 1, 1};
    vx_error e;
    vx_error_clear(&e);
    assert_int_equal(vx_univariate(X, 6, 2, y, VX_TEST_WELCH, NULL, NULL, NULL, &e), VX_EINVAL);
    assert_non_null(strstr(e.msg, "feature 1"));
    assert_int_equal(vx_univariate(X, 6, 2, y, VX_TEST_MANN_WHITNEY, NULL, NULL, NULL, &e), VX_EINVAL);
    assert_non_null(strstr(e.msg, "feature 1"));
    int ybad[6] = {0, 0, 2, 1, 1, 1};
    assert_int_equal(vx_univariate(X, 6, 2, ybad, VX_TEST_WELCH, NULL, NULL, NULL, &e), VX_EINVAL);
    assert_non_null(strstr(e.msg, "sample 2"));
    X[4] = NAN;
    assert_int_equal(vx_univariate(X, 6, 2, y, VX_TEST_WELCH, NULL, NULL, NULL, &e), VX_EINVAL);
    assert_non_null(strstr(e.msg, "sample 2, feature 0"));
}

/* Hand-derived: col0 = 1,2,3,4 (var 5/3), col1 = 2,2,2,2 (var 0), col2 = 0,0,0,1 (var 0.25). */
static void test_variance(void **state)
{
    (void)state;
    const double X[4 * 3] = {1, 2, 0, 2, 2, 0, 3, 2, 0, 4, 2, 1};
    size_t idx[3], k;
    double var[3];
    vx_error e;
    assert_int_equal(vx_select_variance(X, 4, 3, 0.2, idx, &k, var, &e), VX_OK);
    vx_assert_close(var[0], 5.0 / 3.0);
    vx_assert_close(var[1], 0.0);
    vx_assert_close(var[2], 0.25);
    assert_int_equal(k, 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 2);
    assert_int_equal(vx_select_variance(X, 4, 3, 0.25, idx, &k, NULL, &e), VX_OK); /* strict > */
    assert_int_equal(k, 1);
    assert_int_equal(idx[0], 0);
}

/* Hand-derived: a = 1,2,3,4 (var 5/3), b = 2a (var 20/3, r(a,b) = 1), c = 1,-1,-1,1 (var 4/3, r = 0 with a, b
 * and d), d = 1,1,2,2 (var 1/3, r(a,d) = r(b,d) = 2/sqrt(5) = 0.894). By variance: b, a, c, d. */
static void test_correlation(void **state)
{
    (void)state;
    const double X[4 * 4] = {1, 2, 1, 1, 2, 4, -1, 1, 3, 6, -1, 2, 4, 8, 1, 2};
    size_t idx[4], k;
    vx_error e;
    assert_int_equal(vx_select_correlation(X, 4, 4, 0.9, NULL, idx, &k, &e), VX_OK);
    assert_int_equal(k, 3); /* b kept, a dropped (r 1), c kept, d kept (0.894 <= 0.9) */
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[1], 2);
    assert_int_equal(idx[2], 3);
    assert_int_equal(vx_select_correlation(X, 4, 4, 0.85, NULL, idx, &k, &e), VX_OK);
    assert_int_equal(k, 2); /* d dropped now */
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[1], 2);
    const size_t order[4] = {0, 1, 2, 3};
    assert_int_equal(vx_select_correlation(X, 4, 4, 0.85, order, idx, &k, &e), VX_OK);
    assert_int_equal(k, 2); /* a kept, b dropped, c kept, d dropped */
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 2);
    const size_t bad[4] = {0, 1, 1, 3};
    assert_int_equal(vx_select_correlation(X, 4, 4, 0.85, bad, idx, &k, &e), VX_EINVAL);
    const double C[4 * 2] = {1, 3, 2, 3, 3, 3, 4, 3};
    assert_int_equal(vx_select_correlation(C, 4, 2, 0.9, NULL, idx, &k, &e), VX_EINVAL);
    assert_non_null(strstr(e.msg, "feature 1 is constant"));
}

/* Hand-derived mRMR, n = 8, y = 0,0,0,0,1,1,1,1; binary features land in two distinct bins of 5, so MI is that
 * of the 0/1 values (plug-in, nats):
 *   f0 = y:               I(f0;y) = ln 2
 *   f1 = 0,0,0,1,1,1,1,1: I(f1;y) = I(f1;f0) = I3 = 3/8 ln 2 + 1/8 ln(2/5) + 1/2 ln(8/5)
 *   f2 = 0,0,1,1,0,0,1,1 and f3 = 0,1,0,1,0,1,0,1: independent of y, f0 and each other (MI 0);
 *   I(f2;f1) = I(f3;f1) = J = 1/4 ln(4/3) + 1/8 ln(2/3) + 1/4 ln(4/5) + 3/8 ln(6/5).
 * MID: f0 (ln 2); then f1, f2, f3 all score 0 (f1: I3 - I3) -> f1 (lower index); then f2, f3 both -J/2 -> f2.
 * MIQ: f0; then f1 with I3 / (I3 + 1e-4) (f2, f3: 0); then f2 with 0. */
static void test_mrmr(void **state)
{
    (void)state;
    const int f[4][8] = {
        {0, 0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 1, 1, 1, 1, 1}, {0, 0, 1, 1, 0, 0, 1, 1}, {0, 1, 0, 1, 0, 1, 0, 1}};
    const int y[8] = {0, 0, 0, 0, 1, 1, 1, 1};
    double X[8 * 4];
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            X[i * 4 + j] = f[j][i];
    const double I3 = 3.0 / 8 * log(2.0) + 1.0 / 8 * log(2.0 / 5) + 0.5 * log(8.0 / 5);
    const double J = 0.25 * log(4.0 / 3) + 1.0 / 8 * log(2.0 / 3) + 0.25 * log(4.0 / 5) + 3.0 / 8 * log(6.0 / 5);
    size_t idx[4];
    double sc[4];
    vx_error e;
    assert_int_equal(vx_mrmr(X, 8, 4, y, 3, 0, 0, idx, sc, &e), VX_OK);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 1);
    assert_int_equal(idx[2], 2);
    vx_assert_near(sc[0], log(2.0), 1e-14);
    vx_assert_near(sc[1], 0.0, 1e-14);
    vx_assert_near(sc[2], -J / 2, 1e-14);
    assert_int_equal(vx_mrmr(X, 8, 4, y, 4, 1, 5, idx, sc, &e), VX_OK);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 1);
    assert_int_equal(idx[2], 2);
    assert_int_equal(idx[3], 3);
    vx_assert_near(sc[0], log(2.0), 1e-14);
    vx_assert_near(sc[1], I3 / (I3 + 1e-4), 1e-13);
    vx_assert_near(sc[2], 0.0, 1e-14);
    /* equal-frequency bins: x = 1..10 in 5 bins {1,2} {3,4} {5,6} {7,8} {9,10}; y = (x > 6) is a function of
     * the bin: I = H(y) = -(0.6 ln 0.6 + 0.4 ln 0.4) */
    double x10[10];
    int y10[10];
    for (int i = 0; i < 10; i++) {
        x10[i] = i + 1;
        y10[i] = i >= 6;
    }
    assert_int_equal(vx_mrmr(x10, 10, 1, y10, 1, 0, 5, idx, sc, &e), VX_OK);
    vx_assert_near(sc[0], -(0.6 * log(0.6) + 0.4 * log(0.4)), 1e-14);
    /* y = (x > 7) cuts bin {7,8}: I = H(y) - H(y | bin) = H(0.3) - 0.2 ln 2 */
    for (int i = 0; i < 10; i++)
        y10[i] = i >= 7;
    assert_int_equal(vx_mrmr(x10, 10, 1, y10, 1, 0, 5, idx, sc, &e), VX_OK);
    vx_assert_near(sc[0], -(0.7 * log(0.7) + 0.3 * log(0.3)) - 0.2 * log(2.0), 1e-14);
}

/* R (glmnet 4.1-6):
 * x <- as.matrix(d[1:120, c(1,2,5,6,9,10,12,28)]); y <- d[1:120, 31]      # 49 of class 1
 * f <- glmnet(x, y, family="binomial", thresh=1e-22)
 * length(f$lambda) = 100; f$lambda[c(1,2,3,10,30,100)]; c(f$a0[l], f$beta[,l]) for l = 15, 50, 100 */
static const int lasso_cols[8] = {0, 1, 4, 5, 8, 9, 11, 27};
static const double ref_lambda[6] = {0.38304685173063396, 0.34901802514424568,  0.31801222572441601,
                                     0.16581183806123317, 0.025794952085312309, 3.8304685173063446e-05};
static const size_t ref_lambda_at[6] = {0, 1, 2, 9, 29, 99};
static const size_t ref_coef_at[3] = {14, 49, 99};
static const double ref_coef[3][9] = {
    {4.50512812493765, -0.149297927043761, -0.0275851145377685, 0, 0, 0, 0, 0, -17.0324690011229},
    {36.643325326857, -0.920663860565593, -0.573668047180815, -91.8416887953425, 4.90546380344452, 0, 0,
     0.468811541653018, -40.0054448007341},
    {102.512781714479, -2.85554360958582, -0.908201440656207, -186.892199443502, 130.885845415942, 20.9132634352727,
     -509.397169113336, 0.536926072823422, -113.313574177332},
};
/* the same with thresh=1e-14 (passed explicitly; the default is glmnet's 1e-7):
 * c(f$a0[100], f$beta[,100]); f$dev.ratio[c(15, 100)] */
static const double ref_coef14[9] = {102.512391657383, -2.85553105555275, -0.908200060225406,
                                     -186.891694990903, 130.885049516858,  20.9131064482838,
                                     -509.394061133659, 0.536928518509423, -113.313091316114};

static void test_lasso_path(void **state)
{
    (void)state;
    const size_t n = 120, p = 8;
    double *X = malloc(n * p * sizeof *X);
    int *y = malloc(n * sizeof *y);
    wdbc_subset(n, lasso_cols, p, X, y);
    vx_lasso_path P;
    vx_error e;
    assert_int_equal(vx_lasso_logistic(X, n, p, y, NULL, 100, 0.0, 1e-22, &P, &e), VX_OK);
    assert_int_equal(P.nlambda, 100);
    for (int t = 0; t < 6; t++)
        vx_assert_near_rel(P.lambda[ref_lambda_at[t]], ref_lambda[t], 1e-12);
    for (int t = 0; t < 3; t++) {
        size_t l = ref_coef_at[t];
        vx_assert_near_rel(P.a0[l], ref_coef[t][0], 1e-8);
        for (size_t j = 0; j < p; j++) {
            vx_assert_near_rel(P.beta[l * p + j], ref_coef[t][j + 1], 1e-8);
            assert_int_equal(P.beta[l * p + j] == 0.0, ref_coef[t][j + 1] == 0.0);
        }
    }
    /* glmnet(x, y, family="binomial", thresh=1e-22)$dev.ratio[c(15, 100)] */
    vx_assert_near(P.dev_ratio[14], 0.564899465772609, 1e-12);
    vx_assert_near(P.dev_ratio[99], 0.886897871340409, 1e-12);
    size_t idx[8], k;
    assert_int_equal(vx_lasso_selected(&P, 14, idx, &k, &e), VX_OK);
    assert_int_equal(k, 3);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 1);
    assert_int_equal(idx[2], 7);
    vx_lasso_path_free(&P);

    assert_int_equal(vx_lasso_logistic(X, n, p, y, NULL, 0, 0.0, 1e-14, &P, &e), VX_OK);
    assert_int_equal(P.nlambda, 100);
    /* the subspace Newton steps land nearer the exact optimum than glmnet's own iterations at the same
     * thresh: glmnet (thresh 1e-14) is 3.8e-6 (relative) off its 1e-22 fit on a0, ours is within 2e-9 */
    vx_assert_near_rel(P.a0[99], ref_coef[2][0], 1e-8);
    for (size_t j = 0; j < p; j++)
        vx_assert_near_rel(P.beta[99 * p + j], ref_coef[2][j + 1], 1e-8);
    assert_true(fabs(ref_coef14[0] / ref_coef[2][0] - 1.0) > 1e-6); /* glmnet's 1e-14 fit: farther off */
    /* the 1e-22 reference dev.ratio (below), reached by a 1e-14 fit to 3e-12 */
    vx_assert_near(P.dev_ratio[14], 0.564899465772609, 1e-11);
    vx_assert_near(P.dev_ratio[99], 0.886897871340409, 1e-11);
    vx_lasso_path_free(&P);

    /* a user lambda sequence: the first three default lambdas reproduce the default path's fits */
    assert_int_equal(vx_lasso_logistic(X, n, p, y, ref_lambda, 3, 0.0, 1e-22, &P, &e), VX_OK);
    assert_int_equal(P.nlambda, 3);
    vx_lasso_path_free(&P);

    int yc[120];
    for (size_t i = 0; i < n; i++)
        yc[i] = i == 0;
    assert_int_equal(vx_lasso_logistic(X, n, p, yc, NULL, 0, 0.0, 0.0, &P, &e), VX_EINVAL);
    assert_non_null(strstr(e.msg, "class 1 has 1"));
    free(X);
    free(y);
}

/* R: fid <- ((1:120) - 1) %% 5 + 1
 * cv <- cv.glmnet(x, y, family="binomial", type.measure="deviance", foldid=fid, thresh=1e-20, maxit=1e8)
 * cv$index = (44, 34); cv$lambda.min, cv$lambda.1se; cv$cvm / cv$cvsd at 1, 10, 30, 60, 80 (the fits
 * converged to near machine precision; ours at thresh 1e-16, reached within glmnet's 100000 passes per path) */
static void test_lasso_cv(void **state)
{
    (void)state;
    const size_t n = 120, p = 8;
    double *X = malloc(n * p * sizeof *X);
    int *y = malloc(n * sizeof *y), *fold = malloc(n * sizeof *fold);
    wdbc_subset(n, lasso_cols, p, X, y);
    for (size_t i = 0; i < n; i++)
        fold[i] = (int)(i % 5);
    vx_lasso_path P;
    vx_error e;
    assert_int_equal(vx_lasso_logistic_cv(X, n, p, y, fold, 5, 0, 0.0, 1e-16, &P, &e), VX_OK);
    assert_int_equal(P.nlambda, 100);
    assert_int_equal(P.imin, 43);
    assert_int_equal(P.i1se, 33);
    vx_assert_near_rel(P.lambda[P.imin], 0.0070125853460989603, 1e-12);
    vx_assert_near_rel(P.lambda[P.i1se], 0.017779459897434412, 1e-12);
    const size_t at[5] = {0, 9, 29, 59, 79};
    const double cvm[5] = {1.35708558579436, 0.783984928188745, 0.364795769819018, 0.360754500231646,
                           0.584151569950992};
    const double cvsd[5] = {0.0393351170752467, 0.0408609518627725, 0.0371969664554387, 0.0820944677568436,
                            0.174587392629588};
    for (int t = 0; t < 5; t++) {
        vx_assert_near_rel(P.cvm[at[t]], cvm[t], 1e-8);
        vx_assert_near_rel(P.cvsd[at[t]], cvsd[t], 1e-7);
    }
    vx_lasso_path_free(&P);
    fold[3] = 7;
    assert_int_equal(vx_lasso_logistic_cv(X, n, p, y, fold, 5, 0, 0.0, 0.0, &P, &e), VX_EINVAL);
    assert_non_null(strstr(e.msg, "fold[3] = 7"));
    free(X);
    free(y);
    free(fold);
}

/* The NSCLC radiogenomics CaPTk features (shared data) with the EGFR label: 170 rows (no label or '#NAME?'
 * dropped) x 102 features, a real table with many near-collinear features (Mean, Median, RMS...) where
 * coordinate descent is slow. R (glmnet 4.1-6):
 *   a <- read.csv(".../captk_features.csv", check.names=FALSE); cl <- read.csv(".../clinical_covariates.csv")
 *   lab <- as.numeric(cl[["egfr-mut"]][match(a$SubjectID, cl[[1]])]); X <- sapply(a[,-1], as.numeric)
 *   ok <- !is.na(lab) & rowSums(is.na(X)) == 0; X <- X[ok,]; y <- lab[ok]          # 170 x 102, 42 positive
 *   f7 <- glmnet(X, y, family="binomial")                     # defaults: 100 lambdas, converged (63925 passes)
 *   f <- glmnet(X, y, family="binomial", thresh=1e-13, maxit=1e8)  # near-exact: 100 lambdas, 3393577 passes
 *   f$lambda[c(1, 2, 3, 10, 50, 100)]; at l = 5, 10, 20, 30: which(f$beta[, l] != 0) - 1, the standardised
 *   coefficients f$beta[, l] * sdn (sdn = 1/n standard deviation), f$a0[l]
 * glmnet's own default fit (thresh 1e-7) is off the near-exact one by 1.4e-6, 1.1e-4, 4.5e-4, 6.3e-3 in the
 * standardised coefficients at these lambdas (its convergence test bounds the last change, not the error). */
static const double nsclc_lambda[6] = {0.15720283861010403, 0.14323737169716083, 0.13051255837432385,
                                       0.068049356105176734, 0.0016468817011119649, 1.572028386101043e-05};
static const size_t nsclc_lambda_at[6] = {0, 1, 2, 9, 49, 99};
static const int nsclc_nz5[] = {32, 91, -1};
static const double nsclc_b5[] = {
    -0.10718202215877, 0.226825069908244};
static const int nsclc_nz10[] = {8, 32, 91, -1};
static const double nsclc_b10[] = {
    0.0691496948106632, -0.200661439558317, 0.411447924398956};
static const int nsclc_nz20[] = {3, 8, 12, 19, 32, 70, 91, 93, 94, 99, -1};
static const double nsclc_b20[] = {
    -0.0641904591946011, 0.183320084633085, -0.0109808879106594, -0.0471537900198817, -0.369172748924198,
    -0.167769575839752, 0.657826174784373, -0.126308207192512, -0.00912931052381905, -0.0829720102627364};
static const int nsclc_nz30[] = {0, 3, 8, 12, 17, 19, 31, 32, 34, 36, 47, 49, 50, 58, 61, 70, 84, 86, 91, 99, 100, -1};
static const double nsclc_b30[] = {
    -0.012402461895457, -0.700780895009601, 0.428846406222038, -0.169319579743643, 0.103764806901619,
    -0.15915304989649, -0.181317640582547, -0.548861938582778, 0.125620983585868, -0.088216635178217,
    0.00853489802291898, 0.174560650675345, -0.512543862813025, 0.0477099900443404, -0.142864855711039,
    -0.237674526818731, 0.443561603852148, -0.0809391659519666, 0.750445715485779, -0.186473310460674,
    -0.0896596171207943};
static const double nsclc_a0[4] = {-3.65282472548735, -5.67961904261018, -7.84704049907264, -8.48752685812631};
static const int *const nsclc_nz[4] = {nsclc_nz5, nsclc_nz10, nsclc_nz20, nsclc_nz30};
static const double *const nsclc_b[4] = {nsclc_b5, nsclc_b10, nsclc_b20, nsclc_b30};
static const size_t nsclc_at[4] = {4, 9, 19, 29};

static void test_lasso_nsclc(void **state)
{
    (void)state;
    vx_table t, c;
    vx_error e;
    assert_int_equal(vx_table_read(vx_test_data("stats/nsclc_radiogenomics/captk_features.csv"), "SubjectID", &t, &e),
                     VX_OK);
    assert_int_equal(vx_table_read(vx_test_data("stats/nsclc_radiogenomics/clinical_covariates.csv"), NULL, &c, &e),
                     VX_OK);
    size_t ua, ub, *cols, p, dropped;
    assert_int_equal(vx_table_join(&t, &c, &ua, &ub, &e), VX_OK);
    vx_table_free(&c);
    const char *skip[1] = {"egfr-mut"};
    const char *exc[64];
    size_t ne = 0;
    for (size_t j = t.main_ncol; j < t.ncol && ne < 64; j++)
        exc[ne++] = t.colnames[j];
    (void)skip;
    assert_int_equal(vx_table_numeric_cols(&t, NULL, 0, exc, ne, &cols, &p, &e), VX_OK);
    assert_int_equal(p, 102);
    size_t lc = (size_t)vx_table_col(&t, "egfr-mut");
    char report[512];
    assert_int_equal(vx_table_missing(&t, cols, p, &lc, 1, VX_MISSING_DROP, &dropped, report, sizeof report, &e),
                     VX_OK);
    assert_int_equal(t.nrow, 170);
    const size_t n = t.nrow;
    double *X;
    assert_int_equal(vx_table_matrix(&t, cols, p, &X, &e), VX_OK);
    int *y = malloc(n * sizeof *y);
    const char *names[2];
    assert_int_equal(vx_table_binary_label(&t, lc, NULL, y, names, &e), VX_OK);
    double *sd = malloc(p * sizeof *sd);
    for (size_t j = 0; j < p; j++) {
        double m = 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++)
            m += X[i * p + j] / (double)n;
        for (size_t i = 0; i < n; i++)
            ss += (X[i * p + j] - m) * (X[i * p + j] - m) / (double)n;
        sd[j] = sqrt(ss);
    }
    /* glmnet's defaults: the whole path converges, as glmnet's does, with glmnet's supports */
    vx_lasso_path P;
    assert_int_equal(vx_lasso_logistic(X, n, p, y, NULL, 0, 0.0, 0.0, &P, &e), VX_OK);
    assert_int_equal(P.nlambda, 100);
    assert_int_equal(P.unconverged, 0);
    for (int t6 = 0; t6 < 6; t6++)
        vx_assert_near_rel(P.lambda[nsclc_lambda_at[t6]], nsclc_lambda[t6], 1e-13);
    for (int q = 0; q < 3; q++) {
        size_t l = nsclc_at[q], k = 0;
        for (size_t j = 0; j < p; j++)
            if (P.beta[l * p + j] != 0.0)
                assert_int_equal((int)j, nsclc_nz[q][k++]);
        assert_int_equal(nsclc_nz[q][k], -1);
    }
    vx_lasso_path_free(&P);
    /* thresh 1e-12: the near-exact standardised coefficients to 1e-6 at lambdas 5, 10, 20 and 1e-5 at 30
     * (measured: 5e-10, 1.2e-7, 2.1e-7, 3.1e-6); a0 to 1e-6 relative */
    assert_int_equal(vx_lasso_logistic(X, n, p, y, NULL, 0, 0.0, 1e-12, &P, &e), VX_OK);
    assert_true(P.nlambda >= 60);
    for (int q = 0; q < 4; q++) {
        size_t l = nsclc_at[q], k = 0;
        double tol = q < 3 ? 1e-6 : 1e-5;
        for (size_t j = 0; j < p; j++)
            if (P.beta[l * p + j] != 0.0) {
                assert_int_equal((int)j, nsclc_nz[q][k]);
                vx_assert_near(P.beta[l * p + j] * sd[j], nsclc_b[q][k], tol);
                k++;
            }
        assert_int_equal(nsclc_nz[q][k], -1);
        vx_assert_near_rel(P.a0[l], nsclc_a0[q], 1e-6); /* measured: 1e-9, 4e-8, 4.3e-7, 7.4e-7 */
    }
    vx_lasso_path_free(&P);
    /* cross-validation runs on it (a fold's path may end early, as glmnet's folds do) */
    int *fold = malloc(n * sizeof *fold);
    for (size_t i = 0; i < n; i++)
        fold[i] = (int)(i % 5);
    assert_int_equal(vx_lasso_logistic_cv(X, n, p, y, fold, 5, 0, 0.0, 0.0, &P, &e), VX_OK);
    assert_int_equal(P.nlambda, 100);
    assert_true(P.imin < P.nlambda && P.i1se <= P.imin);
    vx_lasso_path_free(&P);
    free(fold);
    free(sd);
    free(y);
    free(X);
    free(cols);
    vx_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_univariate_wdbc), cmocka_unit_test(test_mann_whitney_ties),
        cmocka_unit_test(test_bh),              cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_variance),        cmocka_unit_test(test_correlation),
        cmocka_unit_test(test_mrmr),            cmocka_unit_test(test_lasso_path),
        cmocka_unit_test(test_lasso_cv),        cmocka_unit_test(test_lasso_nsclc),
    };
    return cmocka_run_group_tests(tests, load_wdbc, NULL);
}
