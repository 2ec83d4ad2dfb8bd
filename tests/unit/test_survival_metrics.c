/* Survival metrics and lambda by cross-validation (voxomics/survival.h, issue 16) against R.
 *
 * NSCLC radiogenomics ($VOXOMICS_DATA/stats/nsclc_radiogenomics): the CaPTk features joined with the clinical
 * table by ID (206 patients, 41 deaths), follow-up `days`, `event`. The numbers below and in
 * tests/data/stats/coxnet_cv_*.csv were printed by scripts/survival_metrics_reference.R:
 *   - vx_coxnet_cv against cv.glmnet (glmnet 4.1.6, family cox, thresh 1e-14) on the 8 CaPTk features of the
 *     coxnet path test, censored times moved 0.5 day later (glmnet's Fortran places a censoring tied with a death
 *     by its sort order, its deviance by R's +100 eps: without such ties both are Breslow's risk set), the 5 folds
 *     drawn in R (seed 16; coxnet_cv_foldid.csv, 0-based): cvm and cvsd of type.measure deviance and C at each of
 *     the 67 lambdas, lambda.min and lambda.1se of both. cv.glmnet 4.1 fits each fold on its own lambdas and reads
 *     the coefficients at the whole-data lambdas by linear interpolation (predict(s = lambda)); so does ours.
 *     Measured: C to 8e-16 relative (cvm) and 9e-16 (cvsd); the deviance to 3.5e-7 (cvm) and 1.8e-6 (cvsd, a
 *     spread of nearly equal fold values) from lambda 27 on, 1e-8 before: glmnet's fold solutions stop short of
 *     the optimum along flat directions (small coefficients that just entered; see the coxnet path test in
 *     test_survival.c, ours the lower objective there), so the bounds are 1e-6 (cvm) and 5e-6 (cvsd).
 *   - Uno's C (survival::concordance, timewt "n/G2", with and without ymax), the time-dependent AUC
 *     (riskRegression::Score, metrics auc, cens.model km), the Brier score (Score's brier and pec::pec) and the
 *     integrated Brier score (pec::ibs) on NSCLC and on 8 subjects worked out by hand (below).
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

#include "voxomics/survival.h"
#include "voxomics/table.h"
#include "vx_test.h"

static const char *const FEATS[8] = {"T1_ED_Intensity_Mean", "T1_ED_Intensity_StandardDeviation",
                                     "T1_ED_Intensity_Skewness", "T1_ED_Intensity_Kurtosis",
                                     "T1_ED_Volumetric_Volume", "T1_ED_Morphologic_EllipseDiameter",
                                     "T1_ED_GLSZM_Bins-20_Radius-1_LargeZoneLowGreyLevelEmphasis",
                                     "T1_ED_Intensity_Energy"};

typedef struct cohort {
    size_t n;
    double *X, *t; /* X: n x 8 (FEATS); t: days (censored + 0.5 when shift) */
    int *e, *fold;
    char **id;
    vx_table f, c;
} cohort;

static const char *src_file(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", getenv("VX_SOURCE_DIR"), rel);
    return buf;
}

/* the joined cohort; folds from coxnet_cv_foldid.csv by ID */
static void cohort_load(cohort *h, int shift)
{
    vx_error err;
    vx_table fo;
    memset(h, 0, sizeof *h);
    if (vx_table_read(vx_test_data("stats/nsclc_radiogenomics/captk_features.csv"), "SubjectID", &h->f, &err) !=
            VX_OK ||
        vx_table_read(vx_test_data("stats/nsclc_radiogenomics/clinical_covariates.csv"), NULL, &h->c, &err) != VX_OK ||
        vx_table_read(src_file("tests/data/stats/coxnet_cv_foldid.csv"), "SubjectID", &fo, &err) != VX_OK)
        fail_msg("%s", err.msg);
    size_t ua, ub;
    assert_int_equal(vx_table_join(&h->f, &h->c, &ua, &ub, &err), VX_OK);
    const size_t n = h->n = h->f.nrow;
    h->X = malloc(n * 8 * sizeof *h->X);
    h->t = malloc(n * sizeof *h->t);
    h->e = malloc(n * sizeof *h->e);
    h->fold = malloc(n * sizeof *h->fold);
    assert_true(h->X && h->t && h->e && h->fold);
    const long dc = vx_table_col(&h->f, "days"), ec = vx_table_col(&h->f, "event");
    assert_int_equal(fo.nrow, n);
    for (size_t i = 0; i < n; i++) {
        const double *r = h->f.num + i * h->f.ncol;
        h->e[i] = (int)r[ec];
        h->t[i] = r[dc] + (shift && !h->e[i] ? 0.5 : 0.0);
        for (int j = 0; j < 8; j++)
            h->X[i * 8 + j] = r[vx_table_col(&h->f, FEATS[j])];
        h->fold[i] = -1;
        for (size_t k = 0; k < fo.nrow; k++)
            if (!strcmp(VX_TABLE_ID(&fo, k), VX_TABLE_ID(&h->f, i)))
                h->fold[i] = (int)fo.num[k * fo.ncol + (size_t)vx_table_col(&fo, "fold")];
        assert_true(h->fold[i] >= 0);
    }
    vx_table_free(&fo);
}

static void cohort_free(cohort *h)
{
    free(h->X);
    free(h->t);
    free(h->e);
    free(h->fold);
    vx_table_free(&h->f);
    vx_table_free(&h->c);
}

static double reldiff(double x, double ref)
{
    return fabs(x - ref) / fmax(fabs(ref), 1e-300);
}

/* ---- vx_coxnet_cv against cv.glmnet ----------------------------------------------------------------------- */
static void test_coxnet_cv_vs_glmnet(void **state)
{
    (void)state;
    cohort h;
    cohort_load(&h, 1);
    vx_table ref;
    vx_error err;
    if (vx_table_read(src_file("tests/data/stats/coxnet_cv_glmnet.csv"), "lambda", &ref, &err) != VX_OK)
        fail_msg("%s", err.msg);
    static const struct {
        vx_coxnet_measure m;
        const char *cvm, *cvsd;
        size_t imin, i1se; /* R's index - 1 */
        double lmin, l1se, tol_m, tol_s;
    } M[2] = {{VX_COXNET_CV_DEVIANCE, "cvm_deviance", "cvsd_deviance", 24, 0, 0.0102084646991364, 0.0952044832515634,
               1e-6, 5e-6},
              {VX_COXNET_CV_C, "cvm_C", "cvsd_C", 3, 2, 0.0720187002173167, 0.0790404345740711, 1e-13, 1e-13}};
    for (int q = 0; q < 2; q++) {
        vx_coxnet_cv_result r;
        assert_int_equal(vx_coxnet_cv(h.X, h.n, 8, h.t, h.e, 1.0, 100, NAN, h.fold, 5, 0, M[q].m, &r, &err), VX_OK);
        assert_int_equal(r.path.nlambda, ref.nrow);
        double worst_m = 0.0, worst_s = 0.0;
        for (size_t k = 0; k < ref.nrow; k++) {
            const double *row = ref.num + k * ref.ncol;
            const double cm = row[vx_table_col(&ref, M[q].cvm)], cs = row[vx_table_col(&ref, M[q].cvsd)];
            worst_m = fmax(worst_m, reldiff(r.cvm[k], cm));
            worst_s = fmax(worst_s, reldiff(r.cvsd[k], cs));
            if (!(reldiff(r.cvm[k], cm) <= M[q].tol_m && reldiff(r.cvsd[k], cs) <= M[q].tol_s))
                fail_msg("%s lambda %zu: cvm %.12g (glmnet %.12g), cvsd %.12g (glmnet %.12g)", M[q].cvm, k + 1,
                         r.cvm[k], cm, r.cvsd[k], cs);
            assert_int_equal(r.path.df[k], (size_t)row[vx_table_col(&ref, "nzero")]);
        }
        assert_int_equal(r.imin, M[q].imin);
        assert_int_equal(r.i1se, M[q].i1se);
        assert_true(reldiff(r.path.lambda[r.imin], M[q].lmin) < 1e-7);
        assert_true(reldiff(r.path.lambda[r.i1se], M[q].l1se) < 1e-7);
        print_message("coxnet cv %s: worst relative difference from cv.glmnet: cvm %.3g, cvsd %.3g\n", M[q].cvm,
                      worst_m, worst_s);
        vx_coxnet_cv_free(&r);
    }
    vx_table_free(&ref);
    cohort_free(&h);
}


/* vx_coxnet_cv's checks: folds out of range, too few folds, a fold without events (deviance), drawn folds
 * reproducible from the seed with events in every fold */
static void test_coxnet_cv_errors(void **state)
{
    (void)state;
    cohort h;
    cohort_load(&h, 1);
    vx_coxnet_cv_result r, r2;
    vx_error err;
    int *f = malloc(h.n * sizeof *f);
    assert_non_null(f);
    for (size_t i = 0; i < h.n; i++)
        f[i] = h.fold[i];
    f[3] = 5; /* beyond nfolds 5 */
    assert_int_equal(vx_coxnet_cv(h.X, h.n, 8, h.t, h.e, 1.0, 20, NAN, f, 5, 0, VX_COXNET_CV_DEVIANCE, &r, &err),
                     VX_EINVAL);
    assert_non_null(strstr(err.msg, "subject 4"));
    for (size_t i = 0; i < h.n; i++)
        f[i] = (int)(i % 2);
    assert_int_equal(vx_coxnet_cv(h.X, h.n, 8, h.t, h.e, 1.0, 20, NAN, f, 0, 0, VX_COXNET_CV_C, &r, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "at least 3"));
    for (size_t i = 0; i < h.n; i++) /* fold 2: censored subjects only */
        f[i] = h.e[i] ? (int)(i % 2) : (i % 3 == 0 ? 2 : (int)(i % 2));
    assert_int_equal(vx_coxnet_cv(h.X, h.n, 8, h.t, h.e, 1.0, 20, NAN, f, 3, 0, VX_COXNET_CV_DEVIANCE, &r, &err),
                     VX_EINVAL);
    assert_non_null(strstr(err.msg, "fold 2 has no events"));
    assert_int_equal(vx_coxnet_cv(h.X, h.n, 8, h.t, h.e, 1.0, 20, NAN, NULL, 2, 0, VX_COXNET_CV_C, &r, &err),
                     VX_EINVAL);
    assert_int_equal(vx_coxnet_cv(h.X, h.n, 8, h.t, h.e, 1.0, 20, NAN, NULL, 4, 11, VX_COXNET_CV_DEVIANCE, &r, &err),
                     VX_OK);
    assert_int_equal(vx_coxnet_cv(h.X, h.n, 8, h.t, h.e, 1.0, 20, NAN, NULL, 4, 11, VX_COXNET_CV_DEVIANCE, &r2, &err),
                     VX_OK);
    assert_int_equal(r.path.nlambda, r2.path.nlambda);
    assert_memory_equal(r.cvm, r2.cvm, r.path.nlambda * sizeof *r.cvm);
    assert_true(r.imin < r.path.nlambda && r.i1se <= r.imin);
    vx_coxnet_cv_free(&r);
    vx_coxnet_cv_free(&r2);
    free(f);
    cohort_free(&h);
}

/* ---- Uno's C, time-dependent AUC, Brier scores ------------------------------------------------------------ */
/* 8 subjects by hand (scripts/survival_metrics_reference.R "tiny"): times 1 2 2 3 4 4 5 6, events 1 1 0 0 1 0 1 0
 * (a death and a censoring at 2 and at 4), scores .9 .5 .7 .2 .6 .1 .3 .4. The censoring curve, censorings after
 * the deaths at the same time: at 2 one censored of 1 + 5 later, G = 5/6; at 3 one of 1 + 4: 2/3; at 4 one of 1 + 2:
 * 4/9 (a death at 4 is not at risk of censoring at 4, so G(4-) = 2/3). Uno's C: events at 1 (weight 1, 7 pairs, 7
 * concordant), 2 (weight 1, 5 later + the censored at 2: 6 pairs, 4 concordant), 4 (weight 1 / (2/3)^2 = 9/4; 2
 * later + the censored at 4: 3 pairs, 3 concordant), 5 (weight 1 / (4/9)^2 = 81/16, 1 pair, 0 concordant): C =
 * 17.75 / 24.8125; with tau 4 (events at times <= 4): 17.75 / 19.75. AUC at 2: cases at 1 and 2 (weights 1),
 * 5 controls: (5 + 4) / 10; at 4: 1; at 5: cases 1, 2, 4 (weight 3/2), 5 (weight 9/4) against the one control
 * (score .4): (1 + 1 + 3/2) / (1 + 1 + 3/2 + 9/4) = 3.5 / 5.75. */
static void test_metrics_by_hand(void **state)
{
    (void)state;
    static const double tm[8] = {1, 2, 2, 3, 4, 4, 5, 6}, sc[8] = {.9, .5, .7, .2, .6, .1, .3, .4},
                        sct[8] = {.9, .5, .5, .2, .5, .1, .3, .5}, times[3] = {2, 4, 5};
    static const int ev[8] = {1, 1, 0, 0, 1, 0, 1, 0};
    /* R: concordance(timewt = "n/G2"[, ymax = 4]), Score(auc, brier), pec + ibs; S_i(t) = exp(-x_i t / 3) */
    static const struct {
        const double *x;
        double uno, uno4, auc[3], brier[3], ibs;
    } R[2] = {{sc, 0.7153652392947103, 0.89873417721518989, {0.90000000000000002, 1, 0.60869565217391308},
               {0.13423811696282206, 0.16076848289406609, 0.22526385797622636}, 0.1430815722732367},
              {sct, 0.69017632241813598, 0.86708860759493667, {0.90000000000000002, 0.8214285714285714,
                                                                0.39130434782608697},
               {0.13382270410432451, 0.19087216072447777, 0.25862287327502198}, 0.15283918964437557}};
    vx_error err;
    double c, auc[3], bs[3], ibs, S[24];
    assert_int_equal(vx_concordance_uno(sc, tm, ev, 8, NAN, &c, &err), VX_OK);
    vx_assert_near(c, 17.75 / 24.8125, 1e-15);
    assert_int_equal(vx_concordance_uno(sc, tm, ev, 8, 4.0, &c, &err), VX_OK);
    vx_assert_near(c, 17.75 / 19.75, 1e-15);
    assert_int_equal(vx_td_auc(sc, tm, ev, 8, times, 3, auc, &err), VX_OK);
    vx_assert_near(auc[0], 0.9, 1e-15);
    vx_assert_near(auc[1], 1.0, 1e-15);
    vx_assert_near(auc[2], 3.5 / 5.75, 1e-15);
    for (int q = 0; q < 2; q++) {
        for (int i = 0; i < 8; i++)
            for (int k = 0; k < 3; k++)
                S[i * 3 + k] = exp(-R[q].x[i] * times[k] / 3.0);
        assert_int_equal(vx_concordance_uno(R[q].x, tm, ev, 8, 0.0, &c, &err), VX_OK);
        vx_assert_near_rel(c, R[q].uno, 1e-14);
        assert_int_equal(vx_concordance_uno(R[q].x, tm, ev, 8, 4.0, &c, &err), VX_OK);
        vx_assert_near_rel(c, R[q].uno4, 1e-14);
        assert_int_equal(vx_td_auc(R[q].x, tm, ev, 8, times, 3, auc, &err), VX_OK);
        assert_int_equal(vx_brier(S, tm, ev, 8, times, 3, bs, &err), VX_OK);
        for (int k = 0; k < 3; k++) {
            vx_assert_near_rel(auc[k], R[q].auc[k], 1e-14);
            vx_assert_near_rel(bs[k], R[q].brier[k], 1e-14);
        }
        assert_int_equal(vx_brier_integrated(S, tm, ev, 8, times, 3, &ibs, &err), VX_OK);
        vx_assert_near_rel(ibs, R[q].ibs, 1e-14);
    }
    /* the Brier score at 2 by hand: deaths at 1 and 2 (G(t-) = 1) contribute S^2, the 5 later subjects
     * (1 - S)^2 / G(2) = (1 - S)^2 * 6/5, the censored at 2: nothing */
    double h = 0.0;
    for (int i = 0; i < 8; i++)
        h += tm[i] > 2 ? (1 - S[i * 3]) * (1 - S[i * 3]) * 6.0 / 5.0 : ev[i] ? S[i * 3] * S[i * 3] : 0.0;
    assert_int_equal(vx_brier(S, tm, ev, 8, times, 3, bs, &err), VX_OK);
    vx_assert_near(bs[0], h / 8.0, 1e-15);
    /* no comparable pair, no case, errors */
    static const int none[3] = {0, 0, 0};
    const double t3[3] = {1, 2, 3}, x3[3] = {1, 2, 3}, bad[3] = {0.5, 1.5, 0.2};
    assert_int_equal(vx_concordance_uno(x3, t3, none, 3, NAN, &c, &err), VX_OK);
    assert_true(isnan(c));
    assert_int_equal(vx_td_auc(x3, t3, none, 3, t3, 1, auc, &err), VX_OK);
    assert_true(isnan(auc[0]));
    assert_int_equal(vx_brier(bad, t3, none, 3, t3, 1, bs, &err), VX_EINVAL);
    assert_int_equal(vx_brier_integrated(S, tm, ev, 8, times, 1, &ibs, &err), VX_EINVAL);
    const double down[3] = {4, 2, 5};
    assert_int_equal(vx_brier_integrated(S, tm, ev, 8, down, 3, &ibs, &err), VX_EINVAL);
}

/* NSCLC (206 patients, 41 deaths, 5 death days with a censoring on the same day): the score plogis(log(volume) -
 * 8), the predicted survival S_i(t) = exp(-(t / 3000) exp(0.3 (log(volume) - 8))); R (survival 3.5.3,
 * riskRegression 2022.11.28, pec 2022.5.4, prodlim 2019.11.13) numbers to 1e-12 relative. */
static void test_metrics_nsclc(void **state)
{
    (void)state;
    cohort h;
    cohort_load(&h, 0);
    static const double times[6] = {180, 365, 730, 1095, 1460, 1825};
    static const double AUC[6] = {0.57232370263741128, 0.71397487779342972, 0.6913901126645392,
                                  0.69004129800035496, 0.58926557565601956, 0.60849076618724884};
    static const double BS[6] = {0.032618298612317319, 0.062808797510699899, 0.1307661424897755,
                                 0.18001242700371572, 0.23756379654456478, 0.25613870218315671};
    const size_t n = h.n;
    double *sc = malloc(n * sizeof *sc), *S = malloc(n * 6 * sizeof *S), c, auc[6], bs[6], ibs, worst = 0.0;
    assert_true(sc && S);
    const long vc = vx_table_col(&h.f, "T1_ED_Volumetric_Volume");
    for (size_t i = 0; i < n; i++) {
        const double lv = log(h.f.num[i * h.f.ncol + (size_t)vc]);
        sc[i] = 1.0 / (1.0 + exp(-(lv - 8.0)));
        for (int k = 0; k < 6; k++)
            S[i * 6 + k] = exp(-(times[k] / 3000.0) * exp(0.3 * (lv - 8.0)));
    }
    vx_error err;
    assert_int_equal(vx_concordance_uno(sc, h.t, h.e, n, NAN, &c, &err), VX_OK);
    vx_assert_near_rel(c, 0.61980716448167494, 1e-12);
    worst = fmax(worst, reldiff(c, 0.61980716448167494));
    assert_int_equal(vx_concordance_uno(sc, h.t, h.e, n, 1095, &c, &err), VX_OK);
    vx_assert_near_rel(c, 0.67727124508721848, 1e-12);
    worst = fmax(worst, reldiff(c, 0.67727124508721848));
    assert_int_equal(vx_td_auc(sc, h.t, h.e, n, times, 6, auc, &err), VX_OK);
    assert_int_equal(vx_brier(S, h.t, h.e, n, times, 6, bs, &err), VX_OK);
    for (int k = 0; k < 6; k++) {
        vx_assert_near_rel(auc[k], AUC[k], 1e-12);
        vx_assert_near_rel(bs[k], BS[k], 1e-12);
        worst = fmax(worst, fmax(reldiff(auc[k], AUC[k]), reldiff(bs[k], BS[k])));
    }
    assert_int_equal(vx_brier_integrated(S, h.t, h.e, n, times, 6, &ibs, &err), VX_OK);
    vx_assert_near_rel(ibs, 0.13927328871645872, 1e-12);
    worst = fmax(worst, reldiff(ibs, 0.13927328871645872));
    print_message("NSCLC survival metrics: worst relative difference from R %.3g\n", worst);
    free(sc);
    free(S);
    cohort_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coxnet_cv_vs_glmnet),
        cmocka_unit_test(test_coxnet_cv_errors),
        cmocka_unit_test(test_metrics_by_hand),
        cmocka_unit_test(test_metrics_nsclc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
