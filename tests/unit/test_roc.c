/* ROC evaluation (include/voxomics/roc.h) against R pROC 1.18 / glm and hand-derived values.
 *
 * Data: 48 samples (24 cases, 24 controls), scores rounded to 1 decimal (many ties), generated in R by
 *   set.seed(6); n <- 48; y <- sample(rep(c(0,1), length.out=n)); s1 <- round(0.8*y + rnorm(n), 1)
 *   s2 <- round(0.5*y + rnorm(n), 1); p <- round(plogis(-0.3 + 1.3*(1.2*y - 0.6 + rnorm(n))), 2)
 * and pasted below. Reference numbers from exactly these arrays:
 *   library(pROC); r1 <- roc(y, s1, direction="<", levels=c(0,1)); r2 <- roc(y, s2, direction="<", levels=c(0,1))
 *   auc(r1); sqrt(var(r1)); ci.auc(r1, method="delong"); (same for r2 and for roc(y, p, ...))
 *   roc.test(r1, r2, method="delong", paired=TRUE)              -> z, p.value
 *   ctl <- glm.control(epsilon=1e-15, maxit=100)
 *   coef(glm(y ~ offset(qlogis(p)), family=binomial, control=ctl))  -> calibration-in-the-large
 *   coef(glm(y ~ qlogis(p), family=binomial, control=ctl))[2]       -> calibration slope
 *   mean((p-y)^2)                                                    -> Brier
 *   coords(r1, "best", best.method="youden")  -> threshold 0.45 (midpoint of 0.4 and 0.5), sens 0.7916667,
 *                                                 spec 0.7083333
 *   set.seed(1); ci.auc(r1, method="bootstrap", boot.n=2000)   -> 0.6632-0.9062
 * all printed with sprintf("%.17g").
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "voxomics/roc.h"
#include "vx_test.h"

#define N 48
static const int y[N] = {
    1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0,
    1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0,
};
static const double s1[N] = {
    3.1, -1.4, 0.9, 0.6, -1.4, 2.3, -0.5, -0.5, 1.6, 0.0, 1.0, 0.6, -0.4, 0.7, -0.2, 1.2,
    -1.1, 1.6, -0.9, 1.0, 1.8, 1.5, -0.8, -0.4, 2.5, 0.4, 0.0, 0.7, 0.3, 0.4, 0.8, 0.8,
    -0.1, 0.1, -1.2, 1.9, 0.5, -0.8, 1.5, -1.0, -1.1, 2.2, 0.5, 0.7, 0.8, 0.9, -1.8, 1.1,
};
static const double s2[N] = {
    2.1, 0.6, -0.3, 2.2, 0.9, -2.3, 0.5, 0.3, 0.9, -1.2, 3.7, 0.8, -1.2, 0.7, -1.5, 0.0,
    2.4, 2.8, -1.8, 3.1, 0.2, -0.4, -0.5, -0.7, -1.1, 2.9, 0.3, 1.6, 1.4, 1.4, 0.6, 2.4,
    0.1, 1.1, 0.2, 0.6, 0.5, -0.2, -0.1, -0.3, 0.5, 0.0, 1.8, -0.4, 1.9, 0.9, 1.1, 1.3,
};
static const double prob[N] = {
    0.95, 0.09, 0.81, 0.76, 0.29, 0.16, 0.36, 0.97, 0.22, 0.48, 0.51, 0.04, 0.85, 0.63, 0.13, 0.43,
    0.52, 0.84, 0.23, 0.75, 0.66, 0.42, 0.06, 0.24, 0.64, 0.11, 0.67, 0.64, 0.13, 0.47, 0.87, 0.45,
    0.15, 0.73, 0.32, 0.28, 0.80, 0.97, 0.92, 0.31, 0.90, 0.42, 0.23, 0.17, 0.42, 0.62, 0.13, 0.22,
};

static void test_auc_delong(void **state)
{
    (void)state;
    vx_roc r;
    vx_error err = {0};
    assert_int_equal(vx_roc_auc(s1, y, N, &r, &err), VX_OK);
    assert_int_equal(r.n_pos, 24);
    assert_int_equal(r.n_neg, 24);
    vx_assert_near(r.auc, 0.79861111111111116, 1e-10);
    vx_assert_near(r.se, 0.064008237610625171, 1e-8);
    vx_assert_near(r.ci[0], 0.67315727068040376, 1e-8);
    vx_assert_near(r.ci[1], 0.92406495154181856, 1e-8);

    assert_int_equal(vx_roc_auc(s2, y, N, &r, &err), VX_OK);
    vx_assert_near(r.auc, 0.5234375, 1e-10);
    vx_assert_near(r.se, 0.085656265595982162, 1e-8);
    vx_assert_near(r.ci[0], 0.35555430438167773, 1e-8);
    vx_assert_near(r.ci[1], 0.69132069561832221, 1e-8);

    assert_int_equal(vx_roc_auc(prob, y, N, &r, &err), VX_OK);
    vx_assert_near(r.auc, 0.85677083333333337, 1e-10);
    vx_assert_near(r.se, 0.057870307467759702, 1e-8);

    /* reversed score: AUC -> 1 - AUC, same SE */
    double neg[N];
    for (int i = 0; i < N; i++)
        neg[i] = -s1[i];
    assert_int_equal(vx_roc_auc(neg, y, N, &r, &err), VX_OK);
    vx_assert_near(r.auc, 1.0 - 0.79861111111111116, 1e-12);
    vx_assert_near(r.se, 0.064008237610625171, 1e-8);
}

/* Hand-derived: cases 0.35 0.8 0.7, controls 0.1 0.4 0.35: pair wins 1 + 0 + 1/2, 3, 3 -> AUC 7.5/9. Placements
 * V10 = 1.5/3, 1, 1 ; V01 (control 0.1, 0.4, 0.35) = 1, 2/3, (2 + 1/2)/3 -> S10 = 1/12, S01 = 1/36,
 * Var = (1/12)/3 + (1/36)/3 = 1/27. */
static void test_auc_hand(void **state)
{
    (void)state;
    const double s[6] = {0.1, 0.4, 0.35, 0.8, 0.7, 0.35};
    const int l[6] = {0, 0, 1, 1, 1, 0};
    vx_roc r;
    vx_error err = {0};
    assert_int_equal(vx_roc_auc(s, l, 6, &r, &err), VX_OK);
    vx_assert_near(r.auc, 7.5 / 9.0, 1e-15);
    vx_assert_near(r.se, sqrt(1.0 / 27.0), 1e-15);
    vx_assert_near(r.ci[1], 1.0, 0); /* 0.833 + 1.96 * 0.192 > 1: clamped */
    vx_assert_near(r.ci[0], 7.5 / 9.0 - 1.959963984540054 * sqrt(1.0 / 27.0), 1e-15);
}

static void test_delong_paired(void **state)
{
    (void)state;
    double a1, a2, z, p;
    vx_error err = {0};
    assert_int_equal(vx_roc_delong_paired(s1, s2, y, N, &a1, &a2, &z, &p, &err), VX_OK);
    vx_assert_near(a1, 0.79861111111111116, 1e-10);
    vx_assert_near(a2, 0.5234375, 1e-10);
    vx_assert_near(z, 2.8428492504925797, 1e-8);
    vx_assert_near(p, 0.0044712213300231911, 1e-8);
    /* swapped: z changes sign, same p */
    assert_int_equal(vx_roc_delong_paired(s2, s1, y, N, NULL, NULL, &z, &p, &err), VX_OK);
    vx_assert_near(z, -2.8428492504925797, 1e-8);
    vx_assert_near(p, 0.0044712213300231911, 1e-8);
    /* a monotone transform of s1 has the same placements: no test */
    double t[N];
    for (int i = 0; i < N; i++)
        t[i] = exp(s1[i]);
    assert_int_equal(vx_roc_delong_paired(s1, t, y, N, &a1, &a2, &z, &p, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "identical placement"));
}

static void test_bootstrap(void **state)
{
    (void)state;
    double c1[2], c2[2], c3[2];
    vx_error err = {0};
    assert_int_equal(vx_roc_bootstrap_ci(s1, y, N, 2000, 42, 0.95, c1, &err), VX_OK);
    assert_int_equal(vx_roc_bootstrap_ci(s1, y, N, 2000, 42, 0.95, c2, &err), VX_OK);
    assert_memory_equal(c1, c2, sizeof c1); /* deterministic */
    assert_int_equal(vx_roc_bootstrap_ci(s1, y, N, 2000, 43, 0.95, c3, &err), VX_OK);
    assert_true(c3[0] != c1[0] || c3[1] != c1[1]); /* the seed matters */
    /* pROC (its own RNG): 0.6632-0.9062; DeLong 0.6732-0.9241. Percentile intervals of 2000 replicates agree
     * with pROC's to Monte Carlo error. */
    vx_assert_near(c1[0], 0.6632, 0.02);
    vx_assert_near(c1[1], 0.9062, 0.02);
    assert_true(c1[0] < 0.79861111111111116 && 0.79861111111111116 < c1[1]);

    /* order of the samples does not matter (draws index the sorted class lists) */
    double rs[N];
    int ry[N];
    for (int i = 0; i < N; i++) {
        rs[i] = s1[N - 1 - i];
        ry[i] = y[N - 1 - i];
    }
    assert_int_equal(vx_roc_bootstrap_ci(rs, ry, N, 2000, 42, 0.95, c2, &err), VX_OK);
    assert_memory_equal(c1, c2, sizeof c1);

    /* coverage: 200 data sets, 30 cases ~ N(1, 1) and 30 controls ~ N(0, 1), true AUC = Phi(1/sqrt 2);
     * 95% percentile intervals (B = 400) should cover it in roughly 95% of the data sets. */
    const double truth = 0.76024993890652326; /* R: pnorm(1/sqrt(2)) */
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 2024);
    int cover = 0;
    for (int d = 0; d < 200; d++) {
        double sc[60];
        int lab[60];
        for (int i = 0; i < 60; i++) {
            lab[i] = i < 30;
            sc[i] = gsl_ran_gaussian(g, 1.0) + (lab[i] ? 1.0 : 0.0);
        }
        double ci[2];
        assert_int_equal(vx_roc_bootstrap_ci(sc, lab, 60, 400, (unsigned long)d + 1, 0.95, ci, &err), VX_OK);
        cover += ci[0] <= truth && truth <= ci[1];
    }
    gsl_rng_free(g);
    assert_in_range(cover, 170, 199);

    assert_int_equal(vx_roc_bootstrap_ci(s1, y, N, 1, 1, 0.95, c1, &err), VX_EINVAL);
    assert_int_equal(vx_roc_bootstrap_ci(s1, y, N, 100, 1, 1.0, c1, &err), VX_EINVAL);
}

static void test_youden_sens_spec(void **state)
{
    (void)state;
    vx_error err = {0};
    double t, se, sp;
    /* cases 0.35 0.8 0.7, controls 0.1 0.4 0.35; J at t = 0.1, 0.35, 0.4, 0.7, 0.8: 0, 1/3, 1/3, 2/3, 1/3 */
    const double s[6] = {0.1, 0.4, 0.35, 0.8, 0.7, 0.35};
    const int l[6] = {0, 0, 1, 1, 1, 0};
    assert_int_equal(vx_roc_youden(s, l, 6, &t, &err), VX_OK);
    vx_assert_near(t, 0.7, 0);
    assert_int_equal(vx_roc_sens_spec(s, l, 6, 0.7, &se, &sp, &err), VX_OK);
    vx_assert_near(se, 2.0 / 3.0, 1e-15);
    vx_assert_near(sp, 1.0, 0);
    /* score >= t is positive: the control tied at 0.35 counts as a false positive */
    assert_int_equal(vx_roc_sens_spec(s, l, 6, 0.35, &se, &sp, &err), VX_OK);
    vx_assert_near(se, 1.0, 0);
    vx_assert_near(sp, 1.0 / 3.0, 1e-15);
    assert_int_equal(vx_roc_sens_spec(s, l, 6, INFINITY, &se, &sp, &err), VX_OK);
    vx_assert_near(se, 0.0, 0);
    vx_assert_near(sp, 1.0, 0);

    /* ties of J: cases 0.35 0.8 0.7, controls 0.1 0.4 0.75: J(0.35) = 1 + 1/3 - 1, J(0.7) = 2/3 + 2/3 - 1,
     * J(0.8) = 1/3 + 1 - 1, all 1/3 (and J(0.4) = J(0.75) = 0): the lowest, 0.35, wins */
    const double s3[6] = {0.1, 0.4, 0.35, 0.8, 0.7, 0.75};
    assert_int_equal(vx_roc_youden(s3, l, 6, &t, &err), VX_OK);
    vx_assert_near(t, 0.35, 0);

    /* the 48-sample set: pROC's best Youden threshold is 0.45 = midpoint of 0.4 and 0.5, sens 0.7916667 (19/24),
     * spec 0.7083333 (17/24); ours is the observed score 0.5 with the same classification */
    assert_int_equal(vx_roc_youden(s1, y, N, &t, &err), VX_OK);
    vx_assert_near(t, 0.5, 0);
    assert_int_equal(vx_roc_sens_spec(s1, y, N, t, &se, &sp, &err), VX_OK);
    vx_assert_near(se, 19.0 / 24.0, 1e-15);
    vx_assert_near(sp, 17.0 / 24.0, 1e-15);
    assert_int_equal(vx_roc_sens_spec(s1, y, N, NAN, &se, &sp, &err), VX_EINVAL);
}

static void test_brier(void **state)
{
    (void)state;
    vx_error err = {0};
    double b;
    /* (0.1^2 + 0.2^2 + 0.6^2 + 0.5^2) / 4 = 0.66 / 4 */
    const double p[4] = {0.9, 0.2, 0.6, 0.5};
    const int l[4] = {1, 0, 0, 1};
    assert_int_equal(vx_roc_brier(p, l, 4, &b, &err), VX_OK);
    vx_assert_near(b, 0.165, 1e-15);
    const int one[4] = {1, 1, 1, 1}; /* one class is fine for the Brier score */
    assert_int_equal(vx_roc_brier(p, one, 4, &b, &err), VX_OK);
    vx_assert_near(b, (0.01 + 0.64 + 0.16 + 0.25) / 4.0, 1e-15);
    assert_int_equal(vx_roc_brier(prob, y, N, &b, &err), VX_OK);
    vx_assert_near(b, 0.15254375000000001, 1e-14); /* R mean((p-y)^2) */
    const double bad[2] = {0.5, 1.5};
    assert_int_equal(vx_roc_brier(bad, l, 2, &b, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "outside [0, 1]"));
}

static void test_calibration(void **state)
{
    (void)state;
    vx_error err = {0};
    double a, b;
    assert_int_equal(vx_roc_calibration(prob, y, N, &a, &b, &err), VX_OK);
    vx_assert_near(a, 0.12695487822802035, 1e-12);
    vx_assert_near(b, 1.0861386102345441, 1e-12);
    assert_int_equal(vx_roc_calibration(prob, y, N, NULL, &b, &err), VX_OK);
    vx_assert_near(b, 1.0861386102345441, 1e-12);

    /* p = 0 or 1 is clipped to [1e-15, 1 - 1e-15] (VX_ROC_PROB_EPS), not refused. R on the clipped values:
     * q <- p; q[8] <- 1; q[9] <- 0; q[12] <- 0; pc <- pmin(pmax(q, 1e-15), 1 - 1e-15)
     * coef(glm(y ~ offset(qlogis(pc)), ...)); coef(glm(y ~ qlogis(pc), ...))[2]   (ctl as above) */
    double p1[N];
    memcpy(p1, prob, sizeof p1);
    p1[7] = 1.0;
    p1[8] = 0.0;
    p1[11] = 0.0;
    assert_int_equal(vx_roc_calibration(p1, y, N, &a, &b, &err), VX_OK);
    vx_assert_near(a, 0.16008519727907686, 1e-10);
    vx_assert_near(b, 0.048822815915509375, 1e-10);
    /* errors: outside [0, 1]; constant p has no slope; perfect separation has an infinite slope */
    p1[7] = 1.5;
    assert_int_equal(vx_roc_calibration(p1, y, N, &a, &b, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "sample 7"));
    for (int i = 0; i < N; i++)
        p1[i] = 0.3;
    assert_int_equal(vx_roc_calibration(p1, y, N, &a, NULL, &err), VX_OK);
    vx_assert_near(a, log(0.5 / 0.5) - log(0.3 / 0.7), 1e-12); /* 24/48 observed: logit(0.5) - logit(0.3) */
    assert_int_equal(vx_roc_calibration(p1, y, N, &a, &b, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "not identifiable"));
    for (int i = 0; i < N; i++)
        p1[i] = y[i] ? 0.6 + 0.005 * i : 0.4 - 0.005 * i;
    assert_int_equal(vx_roc_calibration(p1, y, N, NULL, &b, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "separates"));
}

/* scikit-learn 1.2.1: sklearn.metrics.log_loss(y, p, eps=1e-15) with p = prob -> 0.4932198767734815; with
 * p[7] = 1 (a case), p[8] = 0 (a case: clipped to 1e-15, loss 34.5) and p[11] = 0 (a control)
 * -> 1.1797483655292302 */
static void test_log_loss(void **state)
{
    (void)state;
    vx_error err = {0};
    double ll;
    size_t nc = 99;
    assert_int_equal(vx_roc_log_loss(prob, y, N, &ll, &nc, &err), VX_OK);
    vx_assert_near(ll, 0.4932198767734815, 1e-14);
    assert_int_equal(nc, 0);
    double p1[N];
    memcpy(p1, prob, sizeof p1);
    p1[7] = 1.0;
    p1[8] = 0.0;
    p1[11] = 0.0;
    assert_int_equal(vx_roc_log_loss(p1, y, N, &ll, &nc, &err), VX_OK);
    vx_assert_near(ll, 1.1797483655292302, 1e-13);
    assert_int_equal(nc, 3);
    vx_assert_near(vx_roc_prob_clip(0.0), 1e-15, 0.0);
    vx_assert_near(vx_roc_prob_clip(1.0), 1.0 - 1e-15, 0.0);
    vx_assert_near(vx_roc_prob_clip(0.25), 0.25, 0.0);
    p1[3] = -0.1;
    assert_int_equal(vx_roc_log_loss(p1, y, N, &ll, NULL, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "sample 3"));
}

static void test_errors(void **state)
{
    (void)state;
    vx_error err = {0};
    vx_roc r;
    const int all1[4] = {1, 1, 1, 1};
    const double s[4] = {1, 2, 3, 4};
    assert_int_equal(vx_roc_auc(s, all1, 4, &r, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "4 positive and 0 negative"));
    const int one_pos[4] = {0, 0, 1, 0};
    assert_int_equal(vx_roc_auc(s, one_pos, 4, &r, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "at least 2"));
    const int bad[4] = {0, 2, 1, 0};
    assert_int_equal(vx_roc_auc(s, bad, 4, &r, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "sample 1 is 2"));
    const double sn[4] = {1, NAN, 3, 4};
    const int l[4] = {0, 1, 1, 0};
    assert_int_equal(vx_roc_auc(sn, l, 4, &r, &err), VX_ENAN);
    assert_int_equal(vx_roc_auc(s, l, 0, &r, &err), VX_EINVAL);
    assert_int_equal(vx_roc_auc(NULL, l, 4, &r, &err), VX_EINVAL);
    double t;
    assert_int_equal(vx_roc_youden(s, all1, 4, &t, &err), VX_EINVAL);
    assert_int_equal(vx_roc_bootstrap_ci(s, all1, 4, 100, 1, 0.95, (double[2]){0}, &err), VX_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auc_delong),       cmocka_unit_test(test_auc_hand),
        cmocka_unit_test(test_delong_paired),    cmocka_unit_test(test_bootstrap),
        cmocka_unit_test(test_youden_sens_spec), cmocka_unit_test(test_brier),
        cmocka_unit_test(test_calibration),      cmocka_unit_test(test_log_loss),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
