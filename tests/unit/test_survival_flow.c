/* Survival pipelines, their cross-validation, survival predictions and risk groups (voxomics/pipeline.h
 * vx_pipeline_fit_surv, vx_cv_run_outcome; voxomics/survival.h vx_cox_baseline_fit, vx_risk_groups_fit) against
 * R's survival 3.5 and glmnet 4.1.
 *
 * NSCLC radiogenomics ($VOXOMICS_DATA/stats/nsclc_radiogenomics): the CaPTk features joined with the clinical
 * table by ID, the 206 complete cases of T1_ED_Intensity_Mean, T1_ED_Volumetric_Volume and
 * T1_ED_Intensity_Skewness with `days` and `event` (41 events); months = floor(days / 30.4375) has tied event
 * times. Folds 1..5 dealt in ID order (tests/data/stats/surv_flow_folds.csv); the training rows of the split are
 * folds 1-4, the held-out rows fold 5. scripts/survival_flow_reference.R printed the numbers below and wrote
 * tests/data/stats/surv_flow_pred_r.csv (the held-out rows' linear predictors and survfit(fit, newdata)
 * survival at two times per model):
 *   - a cox pipeline (days; months, Efron ties) = coxph on the training rows standardised by their mean and
 *     population SD: coefficients, held-out linear predictors, survival at 365 / 1095 days (12 / 36 months);
 *   - Breslow's baseline hazard (months, coxph(ties = "breslow") and its survfit);
 *   - a coxnet pipeline at lambda 0.01 = glmnet(lambda = 0.01) and glmnet's survfit (censored times + 0.5 day), to
 *     1e-6: glmnet stops short of the optimum (coefficients differ by 1e-7; see test_survival.c);
 *   - cv on the given folds: Harrell's C per fold (concordance(reverse = TRUE) of coxph fits), mean, sd, pooled;
 *   - risk groups of the held-out rows at the median training risk: survfit / survdiff.
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
#include "voxomics/survival.h"
#include "voxomics/table.h"
#include "vx_test.h"

#define NF 3
static const char *const FEAT[NF] = {"T1_ED_Intensity_Mean", "T1_ED_Volumetric_Volume", "T1_ED_Intensity_Skewness"};

typedef struct cohort {
    size_t n;
    double X[206 * NF], days[206], months[206], shifted[206];
    int event[206], fold[206];
    char id[206][32];
} cohort;

static cohort C;

static void near(double x, double ref, double tol, const char *what, size_t i)
{
    if (!(fabs(x - ref) <= tol * (1.0 + fabs(ref))))
        fail_msg("%s [%zu]: %.17g, R %.17g", what, i, x, ref);
}

static const char *src_path(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", getenv("VX_SOURCE_DIR"), rel);
    return buf;
}

/* The complete cases in ID order, with their folds. */
static int setup(void **state)
{
    (void)state;
    vx_table f, c, fo;
    vx_error err;
    size_t ua, ub;
    if (vx_table_read(vx_test_data("stats/nsclc_radiogenomics/captk_features.csv"), "SubjectID", &f, &err) != VX_OK ||
        vx_table_read(vx_test_data("stats/nsclc_radiogenomics/clinical_covariates.csv"), NULL, &c, &err) != VX_OK ||
        vx_table_join(&f, &c, &ua, &ub, &err) != VX_OK ||
        vx_table_read(src_path("tests/data/stats/surv_flow_folds.csv"), NULL, &fo, &err) != VX_OK)
        fail_msg("%s", err.msg);
    long col[NF], dc = vx_table_col(&f, "days"), ec = vx_table_col(&f, "event"), fc = vx_table_col(&fo, "fold");
    for (int j = 0; j < NF; j++)
        assert_true((col[j] = vx_table_col(&f, FEAT[j])) >= 0);
    C.n = 0;
    for (size_t k = 0; k < fo.nrow; k++) { /* the folds file lists the complete cases in ID order */
        size_t i = 0;
        while (i < f.nrow && strcmp(VX_TABLE_ID(&f, i), VX_TABLE_ID(&fo, k)))
            i++;
        assert_true(i < f.nrow);
        const double *r = f.num + i * f.ncol;
        for (int j = 0; j < NF; j++)
            C.X[C.n * NF + (size_t)j] = r[col[j]];
        C.days[C.n] = r[dc];
        C.months[C.n] = floor(r[dc] / 30.4375);
        C.event[C.n] = (int)r[ec];
        C.shifted[C.n] = r[dc] + 0.5 * (1 - C.event[C.n]);
        C.fold[C.n] = (int)fo.num[k * fo.ncol + (size_t)fc] - 1;
        snprintf(C.id[C.n], sizeof C.id[0], "%s", VX_TABLE_ID(&fo, k));
        C.n++;
    }
    assert_int_equal(C.n, 206);
    vx_table_free(&f);
    vx_table_free(&c);
    vx_table_free(&fo);
    return 0;
}

/* The rows of fold 5 (test = 1) or of the others, with the time array tm. */
static size_t split(int test, const double *tm, double *X, double *t, int *e)
{
    size_t m = 0;
    for (size_t i = 0; i < C.n; i++)
        if ((C.fold[i] == 4) == test) {
            memcpy(X + m * NF, C.X + i * NF, NF * sizeof *X);
            t[m] = tm[i];
            e[m] = C.event[i];
            m++;
        }
    return m;
}

/* Column `name` of surv_flow_pred_r.csv (the held-out rows in ID order). */
static void ref_col(const char *name, double *v, size_t n)
{
    vx_table r;
    vx_error err;
    if (vx_table_read(src_path("tests/data/stats/surv_flow_pred_r.csv"), NULL, &r, &err) != VX_OK)
        fail_msg("%s", err.msg);
    long c = vx_table_col(&r, name);
    assert_true(c >= 0);
    assert_int_equal(r.nrow, n);
    for (size_t i = 0; i < n; i++)
        v[i] = r.num[i * r.ncol + (size_t)c];
    vx_table_free(&r);
}

/* Fit a pipeline of kind on the training rows with times tm; compare its coefficients, then the held-out
 * linear predictors and survival at t[0], t[1] with R's columns prefix_lp, _s1, _s2. */
static vx_pipeline *check_pipeline(vx_model_kind kind, double lambda, const double *tm, const double *coef,
                                   const double t[2], const char *prefix, double tol)
{
    static double Xtr[206 * NF], ttr[206], Xte[206 * NF], tte[206], lp[206], S[412], ref[206];
    int etr[206], ete[206];
    size_t ntr = split(0, tm, Xtr, ttr, etr), nte = split(1, tm, Xte, tte, ete);
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, kind);
    pp.model.lambda = lambda;
    vx_pipeline *pl = NULL;
    vx_error err;
    if (vx_pipeline_fit_surv(Xtr, ntr, NF, ttr, etr, (const char *const *)FEAT, NULL, &pp, &pl, &err) != VX_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(vx_pipeline_outcome(pl), VX_OUTCOME_TIME_TO_EVENT);
    double lam;
    const double *b = vx_pipeline_cox_coef(pl, &lam);
    for (size_t j = 0; j < NF; j++)
        near(b[j], coef[j], tol, "coef", j);
    assert_int_equal(vx_pipeline_predict_surv(pl, Xte, nte, NULL, t, 2, lp, S, &err), VX_OK);
    char name[64];
    snprintf(name, sizeof name, "%s_lp", prefix);
    ref_col(name, ref, nte);
    for (size_t i = 0; i < nte; i++)
        near(lp[i], ref[i], tol, name, i);
    for (int k = 0; k < 2; k++) {
        snprintf(name, sizeof name, "%s_s%d", prefix, k + 1);
        ref_col(name, ref, nte);
        for (size_t i = 0; i < nte; i++)
            near(S[i * 2 + (size_t)k], ref[i], tol, name, i);
    }
    return pl;
}

static void test_cox_pipeline_vs_r(void **state)
{
    (void)state;
    const double days[2] = {365, 1095}, months[2] = {12, 36};
    const double b_days[NF] = {0.10630342295735838, 0.34761160058994112, -0.10282181362479989};
    const double b_months[NF] = {0.10109224787743043, 0.35460998403336619, -0.10772044976840868};
    vx_pipeline_free(check_pipeline(VX_MODEL_COX, 0, C.days, b_days, days, "days_efron", 1e-9));
    vx_pipeline_free(check_pipeline(VX_MODEL_COX, 0, C.months, b_months, months, "months_efron", 1e-9));
    /* the pipeline file keeps the model, the baseline and the outcome columns; predictions bit for bit */
    vx_pipeline *pl = check_pipeline(VX_MODEL_COX, 0, C.days, b_days, days, "days_efron", 1e-9), *back = NULL;
    vx_error err;
    assert_int_equal(vx_pipeline_set_surv_columns(pl, "days", "event"), VX_OK);
    assert_int_equal(vx_pipeline_save(pl, vx_test_tmp("cox.json"), &err), VX_OK);
    if (vx_pipeline_load(vx_test_tmp("cox.json"), &back, &err) != VX_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(vx_pipeline_surv_column(back, 0), "days");
    assert_string_equal(vx_pipeline_surv_column(back, 1), "event");
    assert_int_equal(vx_pipeline_outcome(back), VX_OUTCOME_TIME_TO_EVENT);
    double a[206 * 3], c[206 * 3], la[206], lc[206];
    const double t3[3] = {0, 365, 5000};
    assert_int_equal(vx_pipeline_predict_surv(pl, C.X, C.n, NULL, t3, 3, la, a, &err), VX_OK);
    assert_int_equal(vx_pipeline_predict_surv(back, C.X, C.n, NULL, t3, 3, lc, c, &err), VX_OK);
    assert_memory_equal(a, c, C.n * 3 * sizeof *a);
    assert_memory_equal(la, lc, C.n * sizeof *la);
    assert_true(a[0] == 1.0); /* before the first event time */
    vx_pipeline_free(pl);
    vx_pipeline_free(back);
}

/* Breslow's form of the baseline hazard (months: tied event times) for coxph(ties = "breslow"). */
static void test_baseline_breslow_vs_r(void **state)
{
    (void)state;
    static double Xtr[206 * NF], ttr[206], Xte[206 * NF], tte[206], lp[206], lpt[206], S[412], ref[206];
    int etr[206], ete[206];
    size_t ntr = split(0, C.months, Xtr, ttr, etr), nte = split(1, C.months, Xte, tte, ete);
    for (int j = 0; j < NF; j++) { /* standardise by the training mean and population SD */
        double m = 0, ss = 0;
        for (size_t i = 0; i < ntr; i++)
            m += Xtr[i * NF + (size_t)j];
        m /= (double)ntr;
        for (size_t i = 0; i < ntr; i++)
            ss += (Xtr[i * NF + (size_t)j] - m) * (Xtr[i * NF + (size_t)j] - m);
        const double sd = sqrt(ss / (double)ntr);
        for (size_t i = 0; i < ntr; i++)
            Xtr[i * NF + (size_t)j] = (Xtr[i * NF + (size_t)j] - m) / sd;
        for (size_t i = 0; i < nte; i++)
            Xte[i * NF + (size_t)j] = (Xte[i * NF + (size_t)j] - m) / sd;
    }
    vx_cox_result res;
    vx_error err;
    assert_int_equal(vx_cox_fit(Xtr, ttr, etr, NULL, ntr, NF, NULL, VX_TIES_BRESLOW, &res, &err), VX_OK);
    const double b[NF] = {0.1005413423627436, 0.35166900752702979, -0.10615063295355662};
    for (size_t j = 0; j < NF; j++)
        near(res.coef[j], b[j], 1e-9, "breslow coef", j);
    for (size_t i = 0; i < ntr; i++)
        lp[i] = Xtr[i * NF] * res.coef[0] + Xtr[i * NF + 1] * res.coef[1] + Xtr[i * NF + 2] * res.coef[2];
    for (size_t i = 0; i < nte; i++)
        lpt[i] = Xte[i * NF] * res.coef[0] + Xte[i * NF + 1] * res.coef[1] + Xte[i * NF + 2] * res.coef[2];
    vx_cox_baseline bh;
    assert_int_equal(vx_cox_baseline_fit(lp, ttr, etr, ntr, VX_TIES_BRESLOW, &bh, &err), VX_OK);
    const double t[2] = {12, 36};
    assert_int_equal(vx_cox_baseline_surv(&bh, lpt, nte, t, 2, S, &err), VX_OK);
    for (int k = 0; k < 2; k++) {
        ref_col(k ? "months_breslow_s2" : "months_breslow_s1", ref, nte);
        for (size_t i = 0; i < nte; i++)
            near(S[i * 2 + (size_t)k], ref[i], 1e-9, "breslow survival", i);
    }
    vx_cox_baseline_free(&bh);
    vx_cox_free(&res);
    /* errors: no events, a negative time */
    int none[3] = {0, 0, 0};
    const double t3[3] = {1, 2, 3}, z3[3] = {0, 0, 0};
    assert_int_equal(vx_cox_baseline_fit(z3, t3, none, 3, VX_TIES_EFRON, &bh, &err), VX_EINVAL);
    vx_cox_baseline_free(&bh);
}

/* coxnet at a fixed lambda: glmnet(lambda = 0.01) and its survfit (censored times 0.5 day later). */
static void test_coxnet_pipeline_vs_glmnet(void **state)
{
    (void)state;
    const double days[2] = {365, 1095};
    const double b[NF] = {0.062293002960251753, 0.26428279571625729, -0.10597068647149857};
    vx_pipeline *pl = check_pipeline(VX_MODEL_COXNET, 0.01, C.shifted, b, days, "coxnet", 1e-6);
    double lam;
    vx_pipeline_cox_coef(pl, &lam);
    assert_true(lam == 0.01);
    vx_pipeline_free(pl);
}

/* cv of a cox pipeline on the given folds: Harrell's C per fold, their mean and sd, and the pooled C. */
static void test_cv_vs_r(void **state)
{
    (void)state;
    const double folds[5] = {0.45454545454545459, 0.67475728155339809, 0.8214285714285714, 0.5535714285714286,
                             0.32400000000000007};
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_COX);
    vx_cv_options o = {5, 1, 0, C.fold, NULL, 0, NULL};
    vx_outcome truth = vx_outcome_time_to_event(C.days, C.event, C.n);
    vx_cv_result r;
    vx_error err;
    if (vx_cv_run_outcome(C.X, C.n, NF, &truth, (const char *const *)FEAT, NULL, &pp, &o, NULL, &r, &err) != VX_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(r.folds, 5);
    for (size_t f = 0; f < 5; f++)
        near(r.auc[f], folds[f], 1e-12, "fold C", f);
    near(r.auc_mean, 0.56566054721977055, 1e-12, "mean C", 0);
    near(r.auc_sd, 0.19249150003455368, 1e-12, "sd C", 0);
    near(r.pooled[0], 0.52173034162118448, 1e-12, "pooled C", 0);
    vx_cv_result_free(&r);
    /* stratified folds by the event, repeats: every fold holds events; the same seed gives the same folds */
    vx_cv_options o2 = {4, 2, 3, NULL, NULL, 0, NULL};
    vx_cv_result r1, r2;
    assert_int_equal(vx_cv_run_outcome(C.X, C.n, NF, &truth, (const char *const *)FEAT, NULL, &pp, &o2, NULL, &r1, &err),
                     VX_OK);
    assert_int_equal(vx_cv_run_outcome(C.X, C.n, NF, &truth, (const char *const *)FEAT, NULL, &pp, &o2, NULL, &r2, &err),
                     VX_OK);
    assert_memory_equal(r1.auc, r2.auc, 8 * sizeof *r1.auc);
    vx_cv_result_free(&r1);
    vx_cv_result_free(&r2);
    /* tuning is not implemented for survival */
    const double cv[2] = {1, 2};
    vx_cv_tune tn = {"C", cv, 2};
    vx_cv_options o3 = {4, 1, 3, NULL, &tn, 1, NULL};
    assert_int_equal(vx_cv_run_outcome(C.X, C.n, NF, &truth, (const char *const *)FEAT, NULL, &pp, &o3, NULL, &r, &err),
                     VX_EUNSUPPORTED);
    vx_cv_result_free(&r);
}

/* Risk groups of the held-out rows at the median of the training linear predictors (survfit, survdiff). */
static void test_risk_groups_vs_r(void **state)
{
    (void)state;
    static double Xtr[206 * NF], ttr[206], Xte[206 * NF], tte[206], lp[206], lpt[206];
    int etr[206], ete[206];
    size_t ntr = split(0, C.days, Xtr, ttr, etr), nte = split(1, C.days, Xte, tte, ete);
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_COX);
    vx_pipeline *pl = NULL;
    vx_error err;
    assert_int_equal(vx_pipeline_fit_surv(Xtr, ntr, NF, ttr, etr, (const char *const *)FEAT, NULL, &pp, &pl, &err),
                     VX_OK);
    assert_int_equal(vx_pipeline_predict(pl, Xtr, ntr, NULL, lp, NULL, &err), VX_OK);
    assert_int_equal(vx_pipeline_predict(pl, Xte, nte, NULL, lpt, NULL, &err), VX_OK);
    double cut;
    assert_int_equal(vx_impute_fit(lp, ntr, 1, &cut, &err), VX_OK); /* the median */
    near(cut, -0.02953436629782891, 1e-9, "cutoff", 0);
    const double t[2] = {365, 1095};
    vx_risk_groups g;
    assert_int_equal(vx_risk_groups_fit(lpt, tte, ete, nte, cut, t, 2, &g, &err), VX_OK);
    assert_int_equal(g.n[1], 18);
    assert_int_equal(g.n[0], 23);
    const double s[4] = {0.90025575447570338, 0.57873584216295215, 0.94444444444444442, 0.94444444444444442};
    const size_t nr[4] = {15, 6, 15, 8};
    for (size_t k = 0; k < 4; k++) {
        near(g.surv[k], s[k], 1e-12, "group survival", k);
        assert_int_equal(g.n_risk[k], nr[k]);
    }
    assert_true(g.median[0] == 1213 && isnan(g.median[1]));
    near(g.chisq, 5.4282602001052744, 1e-9, "log-rank chisq", 0);
    near(g.p, 0.01981340900055532, 1e-9, "log-rank p", 0);
    vx_risk_groups_free(&g);
    double c;
    assert_int_equal(vx_concordance(lpt, tte, ete, NULL, nte, &c, NULL, &err), VX_OK);
    near(c, 0.32400000000000007, 1e-12, "Harrell's C", 0);
    vx_pipeline_free(pl);
}

/* What a survival pipeline refuses, and the inner CV of coxnet (vx_coxnet_cv) passed through. */
static void test_refusals(void **state)
{
    (void)state;
    vx_pipeline_params pp;
    vx_pipeline *pl = NULL;
    vx_error err;
    const char *const *nm = (const char *const *)FEAT;
    vx_pipeline_params_default(&pp, VX_MODEL_COX);
    pp.select.method = VX_SELECT_UNIVARIATE;
    assert_int_equal(vx_pipeline_fit_surv(C.X, C.n, NF, C.days, C.event, nm, NULL, &pp, &pl, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "binary label"));
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    assert_int_equal(vx_pipeline_fit_surv(C.X, C.n, NF, C.days, C.event, nm, NULL, &pp, &pl, &err), VX_EINVAL);
    vx_pipeline_params_default(&pp, VX_MODEL_COX);
    assert_int_equal(vx_pipeline_fit(C.X, C.n, NF, C.event, nm, NULL, &pp, &pl, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "time-to-event"));
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    pp.select.method = VX_SELECT_COX;
    assert_int_equal(vx_pipeline_fit(C.X, C.n, NF, C.event, nm, NULL, &pp, &pl, &err), VX_EINVAL);
    assert_null(pl);
    /* selection by univariate Cox: the k best */
    vx_pipeline_params_default(&pp, VX_MODEL_COX);
    pp.select.method = VX_SELECT_COX;
    pp.select.k = 1;
    assert_int_equal(vx_pipeline_fit_surv(C.X, C.n, NF, C.days, C.event, nm, NULL, &pp, &pl, &err), VX_OK);
    const size_t *idx;
    assert_int_equal(vx_pipeline_selected(pl, &idx), 1);
    assert_int_equal(idx[0], 1); /* the volume: the smallest univariate p */
    vx_pipeline_free(pl);
    /* coxnet without a lambda: lambda.min of vx_coxnet_cv (cv.glmnet's, test_survival_metrics.c) on the
     * training rows, the folds drawn from the seed: a lambda of the path, and the same one for the same seed */
    vx_pipeline_params_default(&pp, VX_MODEL_COXNET);
    double lam[2] = {NAN, NAN};
    for (int rep = 0; rep < 2; rep++) {
        int rc = vx_pipeline_fit_surv(C.X, C.n, NF, C.shifted, C.event, nm, NULL, &pp, &pl, &err);
        if (rc != VX_OK)
            fprintf(stderr, "%s\n", err.msg);
        assert_int_equal(rc, VX_OK);
        assert_non_null(vx_pipeline_cox_coef(pl, &lam[rep]));
        vx_pipeline_free(pl);
        pl = NULL;
    }
    assert_true(isfinite(lam[0]) && lam[0] > 0);
    assert_true(lam[0] == lam[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cox_pipeline_vs_r),   cmocka_unit_test(test_baseline_breslow_vs_r),
        cmocka_unit_test(test_coxnet_pipeline_vs_glmnet), cmocka_unit_test(test_cv_vs_r),
        cmocka_unit_test(test_risk_groups_vs_r),    cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
