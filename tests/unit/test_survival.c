/* Survival analysis (voxomics/survival.h; `voxomics cox`, `voxomics km`) against R's survival package 3.5.
 *
 * NSCLC radiogenomics ($VOXOMICS_DATA/stats/nsclc_radiogenomics): the CaPTk features joined with the clinical
 * table by ID (206 patients, 41 deaths), the covariate log(T1_ED_Volumetric_Volume), follow-up `days`, `event`;
 * months = floor(days / 30.4375) has tied event times. The numbers below were printed by
 * scripts/survival_reference.R (coxph, survfit, summary.survfit, quantile.survfit, survdiff); they must agree
 * to 1e-9 relative (the issue asks 1e-6):
 *   - coxph, days (no ties: Efron = Breslow) and months, Efron and Breslow: coefficient, SE, z, p, the
 *     log-likelihoods, the likelihood-ratio, Wald and score tests and the concordance;
 *   - coxph with two numeric covariates, histology as a factor (two indicators) and strata(sex);
 *   - survfit of a median split of the covariate: survival, 95% CI (log and log-log) and number at risk at 365
 *     and 1,095 days, the medians' lower limits (the medians are not reached);
 *   - survdiff: the median split (log-rank and rho = 1), stratified by sex (months), three histology groups;
 *   - univariate Cox screening of all 102 features with BH (`select --method cox`), tests/data/stats/
 *     cox_univariate_r.csv.
 * Edge cases by hand: no events, a constant covariate, separation (monotone likelihood), all censored, one group,
 * and Harrell's C with tied times and scores counted pair by pair.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/survival.h"
#include "voxomics/table.h"
#include "vx_test.h"

#define tmp vx_test_tmp

/* voxomics ARGS -q */
static int run(const char *args)
{
    char a[16384];
    snprintf(a, sizeof a, "%s -q", args);
    return vx_test_voxomics(a);
}

static cJSON *load_json(const char *name)
{
    size_t n;
    char *text = vx_test_slurp(tmp(name), &n);
    assert_non_null(text);
    cJSON *j = cJSON_Parse(text);
    free(text);
    assert_non_null(j);
    return j;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        fail_msg("no key '%s'", key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN; /* null: NaN */
}

static void near(double x, double ref, const char *what)
{
    if (!(fabs(x - ref) <= 1e-9 * fabs(ref) + 1e-13))
        fail_msg("%s: %.15g, R %.15g", what, x, ref);
}

/* surv.csv: SubjectID, logvol, mean (T1_ED_Intensity_Mean), days, months, event, sex, histology */
static void write_cohort(void)
{
    vx_table f, c;
    vx_error err;
    if (vx_table_read(vx_test_data("stats/nsclc_radiogenomics/captk_features.csv"), "SubjectID", &f, &err) != VX_OK ||
        vx_table_read(vx_test_data("stats/nsclc_radiogenomics/clinical_covariates.csv"), NULL, &c, &err) != VX_OK)
        fail_msg("%s", err.msg);
    size_t ua, ub;
    assert_int_equal(vx_table_join(&f, &c, &ua, &ub, &err), VX_OK);
    const long vol = vx_table_col(&f, "T1_ED_Volumetric_Volume"), mean = vx_table_col(&f, "T1_ED_Intensity_Mean"),
               days = vx_table_col(&f, "days"), ev = vx_table_col(&f, "event"), sex = vx_table_col(&f, "sex"),
               hist = vx_table_col(&f, "histology");
    assert_true(vol >= 0 && mean >= 0 && days >= 0 && ev >= 0 && sex >= 0 && hist >= 0);
    FILE *o = fopen(tmp("surv.csv"), "w");
    assert_non_null(o);
    fprintf(o, "SubjectID,logvol,mean,days,months,event,sex,histology\n");
    for (size_t i = 0; i < f.nrow; i++) {
        const double *r = f.num + i * f.ncol;
        fprintf(o, "%s,%.17g,%.17g,%.17g,%.17g,%.17g,", VX_TABLE_ID(&f, i), log(r[vol]), r[mean], r[days],
                floor(r[days] / 30.4375), r[ev]);
        for (int k = 0; k < 2; k++) { /* empty when missing ("nan") */
            const double v = r[k ? hist : sex];
            if (isnan(v))
                fprintf(o, "%s", k ? "\n" : ",");
            else
                fprintf(o, "%.17g%s", v, k ? "\n" : ",");
        }
    }
    fclose(o);
    assert_int_equal(f.nrow, 206);
    vx_table_free(&f);
    vx_table_free(&c);
}

/* ---- Cox ------------------------------------------------------------------------------------------------------ */
typedef struct cox_ref {
    const char *args;
    int ncoef;
    const char *name[4];
    double coef[4], se[4], z[4], p[4];
    double ll0, ll, lr, wald, score, c;
} cox_ref;

static const cox_ref COX[] = {
    {"--time days --event event --covariate logvol --ties efron", 1, {"logvol"}, {0.299091558658385},
     {0.0888985357525287}, {3.36441490432397}, {0.000767061343865889}, -190.742642909543, -185.321116020725,
     10.843053777635, 11.3192876484373, 11.6514839851252, 0.666060238528401},
    {"--time days --event event --covariate logvol --ties breslow", 1, {"logvol"}, {0.299091558658385},
     {0.0888985357525287}, {3.36441490432397}, {0.000767061343865889}, -190.742642909543, -185.321116020725,
     10.843053777635, 11.3192876484373, 11.6514839851252, 0.666060238528401},
    {"--time months --event event --covariate logvol", 1, {"logvol"}, {0.302374809037209}, {0.0889646177453624},
     {3.39882097737639}, {0.000676769990885173}, -191.169041217598, -185.640043002579, 11.0579964300382,
     11.5519840362538, 11.8959112952071, 0.667604501607717},
    {"--time months --event event --covariate logvol --ties breslow", 1, {"logvol"}, {0.3008554722588},
     {0.0889536269950303}, {3.38216082269033}, {0.000719180277919969}, -191.313375293952, -185.836219258469,
     10.9543120709655, 11.4390118305413, 11.777517184431, 0.667604501607717},
    {"--time months --event event --covariate logvol --covariate mean --covariate histology --categorical histology "
     "--strata sex --missing drop",
     4,
     {"logvol", "mean", "histology2", "histology3"},
     {0.309895610621033, -0.000763168322391851, 0.000148929881117873, 0.361800065340545},
     {0.0980581961995165, 0.00100789488812032, 0.432490623137992, 1.02914633540817},
     {3.16032338582383, -0.757190388985036, 0.000344354011740862, 0.351553567158214},
     {0.00157594116465404, 0.448935807393248, 0.999725245256012, 0.725173092885533},
     -167.665491127463,
     -162.734983455162,
     9.86101534460062,
     10.2269636272749,
     10.5178870109654,
     0.641293013555787},
};

static void test_cox_vs_r(void **state)
{
    (void)state;
    write_cohort();
    for (size_t k = 0; k < sizeof COX / sizeof COX[0]; k++) {
        const cox_ref *r = &COX[k];
        char args[2048];
        snprintf(args, sizeof args, "cox '%s' %s --json '%s'", tmp("surv.csv"), r->args, tmp("cox.json"));
        assert_int_equal(run(args), 0);
        cJSON *j = load_json("cox.json");
        const cJSON *co = cJSON_GetObjectItemCaseSensitive(j, "coefficients");
        assert_int_equal(cJSON_GetArraySize(co), r->ncoef);
        for (int q = 0; q < r->ncoef; q++) {
            const cJSON *c = cJSON_GetArrayItem(co, q);
            assert_string_equal(cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring, r->name[q]);
            near(num(c, "coef"), r->coef[q], "coef");
            near(num(c, "se"), r->se[q], "se");
            near(num(c, "z"), r->z[q], "z");
            near(num(c, "p"), r->p[q], "p");
            near(num(c, "hr"), exp(r->coef[q]), "hr");
            near(num(c, "hr_lower"), exp(r->coef[q] - 1.959963984540054 * r->se[q]), "hr_lower");
        }
        near(num(j, "loglik_null"), r->ll0, "loglik0");
        near(num(j, "loglik"), r->ll, "loglik");
        near(num(j, "concordance"), r->c, "concordance");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "tests");
        near(num(cJSON_GetObjectItemCaseSensitive(t, "lr"), "stat"), r->lr, "lr");
        near(num(cJSON_GetObjectItemCaseSensitive(t, "wald"), "stat"), r->wald, "wald");
        near(num(cJSON_GetObjectItemCaseSensitive(t, "score"), "stat"), r->score, "score");
        assert_true(num(cJSON_GetObjectItemCaseSensitive(t, "lr"), "df") == r->ncoef);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "warnings")), 0);
        if (k == 0) {
            assert_true(num(j, "n") == 206 && num(j, "events") == 41);
        }
        cJSON_Delete(j);
    }
}

/* ---- Kaplan-Meier and log-rank --------------------------------------------------------------------------------- */
static void test_km_vs_r(void **state)
{
    (void)state;
    write_cohort();
    static const struct {
        const char *group;
        double t, surv[2], lower[2], upper[2];
        int nrisk;
    } AT[] = { /* [0]: log CI, [1]: log-log CI */
        {"high", 365, {0.89724280884557, 0.89724280884557}, {0.835554081040445, 0.811276251232471},
         {0.963485998443852, 0.945337594740468}, 72},
        {"high", 1095, {0.684963879821334, 0.684963879821334}, {0.582717596654012, 0.559854105167368},
         {0.805150761456182, 0.781276929956131}, 29},
        {"low", 365, {0.979772961816305, 0.979772961816305}, {0.952397578303646, 0.921476105135643},
         {1, 0.99490696160362}, 83},
        {"low", 1095, {0.863874468864389, 0.863874468864389}, {0.78615402122887, 0.756770216672419},
         {0.949278484627213, 0.926048450551073}, 40},
    };
    static const double MEDIAN_LOWER[2][2] = {{1280, 2408}, {1251, 2408}}; /* [ci][high, low] */
    for (int ci = 0; ci < 2; ci++) {
        char args[2048];
        snprintf(args, sizeof args,
                 "km '%s' --time days --event event --split-at median --by logvol --at 365,1095 --conf-type %s "
                 "--json '%s'",
                 tmp("surv.csv"), ci ? "log-log" : "log", tmp("km.json"));
        assert_int_equal(run(args), 0);
        cJSON *j = load_json("km.json");
        near(num(j, "cutoff"), 8.22095162117243, "median cutoff");
        const cJSON *groups = cJSON_GetObjectItemCaseSensitive(j, "groups");
        assert_int_equal(cJSON_GetArraySize(groups), 2);
        int checked = 0;
        for (int g = 0; g < 2; g++) {
            const cJSON *gr = cJSON_GetArrayItem(groups, g);
            const char *name = cJSON_GetObjectItemCaseSensitive(gr, "name")->valuestring;
            const int high = !strcmp(name, "high");
            assert_true(high || !strcmp(name, "low"));
            assert_true(num(gr, "n") == 103);
            assert_true(num(gr, "events") == (high ? 27 : 14));
            assert_true(isnan(num(gr, "median")) && isnan(num(gr, "median_upper"))); /* not reached */
            near(num(gr, "median_lower"), MEDIAN_LOWER[ci][high ? 0 : 1], "median lower");
            const cJSON *at = cJSON_GetObjectItemCaseSensitive(gr, "at");
            for (int a = 0; a < cJSON_GetArraySize(at); a++) {
                const cJSON *e = cJSON_GetArrayItem(at, a);
                for (size_t r = 0; r < sizeof AT / sizeof AT[0]; r++)
                    if (!strcmp(AT[r].group, name) && AT[r].t == num(e, "time")) {
                        near(num(e, "survival"), AT[r].surv[ci], "survival");
                        near(num(e, "lower"), AT[r].lower[ci], "lower");
                        near(num(e, "upper"), AT[r].upper[ci], "upper");
                        assert_true(num(e, "n_risk") == AT[r].nrisk);
                        checked++;
                    }
            }
        }
        assert_int_equal(checked, 4);
        near(num(cJSON_GetObjectItemCaseSensitive(j, "logrank"), "chisq"), 6.42810710520223, "log-rank");
        cJSON_Delete(j);
    }
    static const struct {
        const char *args;
        double chisq;
        int df;
    } LR[] = {
        {"--time days --event event --split-at median --by logvol --rho 1", 6.89516843892068, 1},
        {"--time months --event event --split-at median --by logvol --strata sex --missing drop", 5.79464847359004, 1},
        {"--time months --event event --group histology --missing drop", 0.402410626507056, 2},
    };
    for (size_t k = 0; k < sizeof LR / sizeof LR[0]; k++) {
        char args[2048];
        snprintf(args, sizeof args, "km '%s' %s --json '%s'", tmp("surv.csv"), LR[k].args, tmp("lr.json"));
        assert_int_equal(run(args), 0);
        cJSON *j = load_json("lr.json");
        const cJSON *lr = cJSON_GetObjectItemCaseSensitive(j, "logrank");
        near(num(lr, "chisq"), LR[k].chisq, LR[k].args);
        assert_true(num(lr, "df") == LR[k].df);
        cJSON_Delete(j);
    }
}

/* ---- univariate Cox screening -------------------------------------------------------------------------------- */
/* `select --method cox` of the 102 CaPTk features (each on its complete cases: --missing drop) against
 * tests/data/stats/cox_univariate_r.csv (scripts/survival_reference.R: coxph per feature, p.adjust BH): every
 * coefficient, SE, p and BH p within 1e-6 relative (the tolerance; R's information sums of this
 * data's widest-ranged features carry ~1e-8 of rounding, which the p of a z near 3.8 magnifies to ~7e-7), and
 * the same 13 features kept at BH 0.05. */
static void test_select_cox_vs_r(void **state)
{
    (void)state;
    char feats[8192], args[16384];
    FILE *h = fopen(vx_test_data("stats/nsclc_radiogenomics/captk_features.csv"), "r");
    assert_non_null(h);
    assert_non_null(fgets(feats, sizeof feats, h));
    fclose(h);
    feats[strcspn(feats, "\r\n")] = 0;
    char fpath[4096], cpath[4096]; /* vx_test_data returns one buffer */
    snprintf(fpath, sizeof fpath, "%s", vx_test_data("stats/nsclc_radiogenomics/captk_features.csv"));
    snprintf(cpath, sizeof cpath, "%s", vx_test_data("stats/nsclc_radiogenomics/clinical_covariates.csv"));
    snprintf(args, sizeof args,
             "select '%s' --id SubjectID --join '%s' --method cox --time days --event event --missing drop "
             "--features '%s' -o '%s'",
             fpath, cpath, strchr(feats, ',') + 1, tmp("sel.csv"));
    assert_int_equal(run(args), 0);
    vx_table ours, ref;
    vx_error err;
    char refp[4096];
    snprintf(refp, sizeof refp, "%s/tests/data/stats/cox_univariate_r.csv", getenv("VX_SOURCE_DIR"));
    if (vx_table_read(tmp("sel.csv"), "feature", &ours, &err) != VX_OK || vx_table_read(refp, "feature", &ref, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(ours.nrow, 102);
    assert_int_equal(ref.nrow, 102);
    static const char *const pairs[4][2] = {{"coefficient", "coef"}, {"se", "se"}, {"p", "p"}, {"p_bh", "p_bh"}};
    size_t kept = 0, kept_r = 0;
    double worst = 0.0;
    for (size_t i = 0; i < ref.nrow; i++) {
        size_t k = 0;
        while (k < ours.nrow && strcmp(VX_TABLE_ID(&ours, k), VX_TABLE_ID(&ref, i)))
            k++;
        assert_true(k < ours.nrow);
        for (int q = 0; q < 4; q++) {
            const double x = ours.num[k * ours.ncol + (size_t)vx_table_col(&ours, pairs[q][0])],
                         y = ref.num[i * ref.ncol + (size_t)vx_table_col(&ref, pairs[q][1])];
            const double rel = fabs(x - y) / fabs(y);
            worst = fmax(worst, rel);
            if (!(rel <= 1e-6))
                fail_msg("%s %s: %.12g, R %.12g", VX_TABLE_ID(&ref, i), pairs[q][0], x, y);
        }
        kept += ours.num[k * ours.ncol + (size_t)vx_table_col(&ours, "selected")] == 1.0;
        kept_r += ref.num[i * ref.ncol + (size_t)vx_table_col(&ref, "p_bh")] < 0.05;
    }
    print_message("univariate Cox: 102 features, worst relative difference %.3g, %zu kept\n", worst, kept);
    assert_int_equal(kept, 13);
    assert_int_equal(kept_r, 13);
    vx_table_free(&ours);
    vx_table_free(&ref);
}

/* ---- LASSO-Cox path ------------------------------------------------------------------------------------------ */
/* -(1/n) l(b) + lambda sum |b_j| sd_j (Breslow, no ties in t), the LASSO-Cox objective on the original scale */
static double lasso_cox_objective(const double *X, const double *t, const int *e, size_t n, const double *b,
                                  const double *sd, double lambda)
{
    double ll = 0.0, pen = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!e[i])
            continue;
        double eta_i = 0.0, s0 = 0.0;
        for (int j = 0; j < 8; j++)
            eta_i += X[i * 8 + j] * b[j];
        for (size_t k = 0; k < n; k++)
            if (t[k] >= t[i]) {
                double eta = 0.0;
                for (int j = 0; j < 8; j++)
                    eta += X[k * 8 + j] * b[j];
                s0 += exp(eta);
            }
        ll += eta_i - log(s0);
    }
    for (int j = 0; j < 8; j++)
        pen += fabs(b[j]) * sd[j];
    return -ll / (double)n + lambda * pen;
}

/* vx_coxnet_fit against glmnet 4.1 (family cox, alpha 1, thresh 1e-14: the exact optimum;
 * tests/data/stats/coxnet_glmnet.csv from scripts/survival_reference.R): 8 CaPTk features, the 206 patients,
 * censored times moved 0.5 day later (no censoring time equal to a death time). The same 67 lambdas to 1e-7
 * (glmnet's log-spaced sequence ends at lambda_max 1.0000000086e-4, not 1e-4: 8.6e-9 at the end);
 * every coefficient within 1e-5 relative or 1e-5 of the largest standardised coefficient, except where glmnet
 * stops short of the optimum along a flat direction (a coefficient that has just entered): there our penalised
 * objective must be the lower one; and the deviance ratios to 1e-7. */
static void test_coxnet_vs_glmnet(void **state)
{
    (void)state;
    static const char *const feats[8] = {"T1_ED_Intensity_Mean", "T1_ED_Intensity_StandardDeviation",
                                         "T1_ED_Intensity_Skewness", "T1_ED_Intensity_Kurtosis",
                                         "T1_ED_Volumetric_Volume", "T1_ED_Morphologic_EllipseDiameter",
                                         "T1_ED_GLSZM_Bins-20_Radius-1_LargeZoneLowGreyLevelEmphasis",
                                         "T1_ED_Intensity_Energy"};
    vx_table f, c, ref;
    vx_error err;
    char refp[4096];
    snprintf(refp, sizeof refp, "%s/tests/data/stats/coxnet_glmnet.csv", getenv("VX_SOURCE_DIR"));
    if (vx_table_read(vx_test_data("stats/nsclc_radiogenomics/captk_features.csv"), "SubjectID", &f, &err) != VX_OK ||
        vx_table_read(vx_test_data("stats/nsclc_radiogenomics/clinical_covariates.csv"), NULL, &c, &err) != VX_OK ||
        vx_table_read(refp, "lambda", &ref, &err) != VX_OK)
        fail_msg("%s", err.msg);
    size_t ua, ub;
    assert_int_equal(vx_table_join(&f, &c, &ua, &ub, &err), VX_OK);
    const size_t n = f.nrow;
    double *X = malloc(n * 8 * sizeof *X), *t = malloc(n * sizeof *t);
    int *e = malloc(n * sizeof *e);
    assert_true(X && t && e);
    const long dc = vx_table_col(&f, "days"), ec = vx_table_col(&f, "event");
    for (size_t i = 0; i < n; i++) {
        e[i] = (int)f.num[i * f.ncol + (size_t)ec];
        t[i] = f.num[i * f.ncol + (size_t)dc] + (e[i] ? 0.0 : 0.5);
        for (int j = 0; j < 8; j++)
            X[i * 8 + j] = f.num[i * f.ncol + (size_t)vx_table_col(&f, feats[j])];
    }
    double sd[8]; /* population SDs (glmnet's standardisation) */
    for (int j = 0; j < 8; j++) {
        double m = 0.0, v = 0.0;
        for (size_t i = 0; i < n; i++)
            m += X[i * 8 + j] / (double)n;
        for (size_t i = 0; i < n; i++)
            v += (X[i * 8 + j] - m) * (X[i * 8 + j] - m) / (double)n;
        sd[j] = sqrt(v);
    }
    size_t flat = 0;
    vx_coxnet_path path;
    assert_int_equal(vx_coxnet_fit(X, n, 8, t, e, 1.0, 100, NAN, &path, &err), VX_OK);
    assert_int_equal(path.nlambda, ref.nrow);
    assert_int_equal(ref.nrow, 67);
    double worst = 0.0;
    for (size_t k = 0; k < ref.nrow; k++) {
        const double *r = ref.num + k * ref.ncol;
        const double lr = strtod(VX_TABLE_ID(&ref, k), NULL); /* glmnet's sequence ends 8.6e-9 above lmr */
        if (!(fabs(path.lambda[k] - lr) <= 1e-7 * lr))
            fail_msg("lambda %zu: %.15g, glmnet %.15g", k + 1, path.lambda[k], lr);
        if (!(fabs(path.dev_ratio[k] - r[vx_table_col(&ref, "dev_ratio")]) <= 1e-7))
            fail_msg("lambda %zu: deviance ratio %.12g, glmnet %.12g", k + 1, path.dev_ratio[k],
                     r[vx_table_col(&ref, "dev_ratio")]);
        double gb[8], bigstd = 0.0;
        for (int j = 0; j < 8; j++) {
            gb[j] = r[vx_table_col(&ref, feats[j])];
            bigstd = fmax(bigstd, fabs(gb[j]) * sd[j]);
        }
        for (int j = 0; j < 8; j++) {
            const double x = path.beta[k * 8 + j], y = gb[j];
            const double d = fabs(x - y), tol = 1e-5 * fabs(y);
            if (d > tol && d * sd[j] > 1e-5 * bigstd) { /* glmnet's inexactness: ours must be the better optimum */
                if (!(lasso_cox_objective(X, t, e, n, path.beta + k * 8, sd, path.lambda[k]) <=
                      lasso_cox_objective(X, t, e, n, gb, sd, path.lambda[k])))
                    fail_msg("lambda %zu, %s: %.12g, glmnet %.12g, and glmnet's objective is the lower", k + 1,
                             feats[j], x, y);
                flat++;
            }
            if (y != 0.0)
                worst = fmax(worst, d / fabs(y));
        }
    }
    print_message("LASSO-Cox: %zu lambdas, worst relative coefficient difference %.3g; %zu small coefficients beyond "
                  "1e-5 where glmnet stopped short of the optimum (its objective the higher)\n",
                  path.nlambda, worst, flat);
    vx_coxnet_free(&path);
    free(X);
    free(t);
    free(e);
    vx_table_free(&f);
    vx_table_free(&c);
    vx_table_free(&ref);
}

/* ---- edge cases ---------------------------------------------------------------------------------------------- */
static void test_edge_cases(void **state)
{
    (void)state;
    vx_error err;
    vx_cox_result r;
    const double t[6] = {1, 2, 3, 4, 5, 6};
    const int none[6] = {0, 0, 0, 0, 0, 0}, ev[6] = {1, 1, 0, 1, 0, 1};
    const double x[6] = {0.5, 1.5, 0.2, 0.9, 1.1, 0.3}, c[6] = {2, 2, 2, 2, 2, 2};
    const char *nm[1] = {"volume"};
    /* no events: an error that says so */
    assert_int_equal(vx_cox_fit(x, t, none, NULL, 6, 1, nm, VX_TIES_EFRON, &r, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "no events"));
    /* a constant covariate: named */
    assert_int_equal(vx_cox_fit(c, t, ev, NULL, 6, 1, nm, VX_TIES_EFRON, &r, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "volume is constant"));
    /* separation: the events happen in the order of the covariate (larger x, earlier event, every time) */
    const double xs[6] = {6, 5, 4, 3, 2, 1};
    const int all[6] = {1, 1, 1, 1, 1, 1};
    assert_int_equal(vx_cox_fit(xs, t, all, NULL, 6, 1, nm, VX_TIES_EFRON, &r, &err), VX_OK);
    assert_non_null(strstr(r.warning, "monotone likelihood"));
    assert_non_null(strstr(r.warning, "volume"));
    assert_true(r.coef[0] > 5.0); /* on its way to infinity */
    vx_cox_free(&r);
    /* a proper fit: no warning */
    assert_int_equal(vx_cox_fit(x, t, ev, NULL, 6, 1, nm, VX_TIES_EFRON, &r, &err), VX_OK);
    assert_string_equal(r.warning, "");
    vx_cox_free(&r);
    /* all censored: S = 1 throughout, no median */
    vx_km km;
    assert_int_equal(vx_km_fit(t, none, NULL, 6, VX_KM_CI_LOG, &km, &err), VX_OK);
    assert_int_equal(km.m, 6);
    for (size_t j = 0; j < km.m; j++)
        assert_true(km.surv[j] == 1.0 && km.lower[j] == 1.0 && km.upper[j] == 1.0);
    assert_true(isnan(km.median));
    vx_km_free(&km);
    /* KM by hand with a tie: times 1, 2, 2, 3 (events 1, 1, 0, 1): S = 3/4 at 1, 3/4 * 2/3 = 1/2 at 2 (the censored
     * at 2 stays in the risk set), 0 at 3; the median: S = 1/2 exactly from 2 to 3, so (2 + 3) / 2 = 2.5 */
    const double tk[4] = {1, 2, 2, 3};
    const int ek[4] = {1, 1, 0, 1};
    assert_int_equal(vx_km_fit(tk, ek, NULL, 4, VX_KM_CI_LOG, &km, &err), VX_OK);
    assert_int_equal(km.m, 3);
    assert_true(fabs(km.surv[0] - 0.75) < 1e-15 && fabs(km.surv[1] - 0.5) < 1e-15 && km.surv[2] == 0.0);
    assert_true(km.n_risk[1] == 3 && km.n_censor[1] == 1);
    /* Greenwood at 2: 1 / (4 * 3) + 1 / (3 * 2) */
    assert_true(fabs(km.se[1] - sqrt(1.0 / 12 + 1.0 / 6)) < 1e-15);
    assert_true(fabs(km.median - 2.5) < 1e-15);
    vx_km_free(&km);
    /* one group only: the log-rank test needs two */
    const int g1[6] = {0, 0, 0, 0, 0, 0};
    double chi, p;
    int df;
    assert_int_equal(vx_logrank(t, ev, g1, 2, NULL, 6, 0.0, &chi, &df, &p, NULL, NULL, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "one group"));
}

/* Harrell's C pair by pair: times 1 2 2 3 4 (events 1 1 0 1 0), scores 5 3 4 3 1.
 * comparable pairs (shorter time an event; equal times: the event with the censored): (1,2) (1,3) (1,4) (1,5)
 * [t = 1]; (2,3) [t = 2, event vs censored] (2,4) (2,5); (4,5) [t = 3 vs 4]. Scores (5 vs 3, 4, 3, 1): 4
 * concordant; 3 vs 4: discordant; 3 vs 3: tied; 3 vs 1: concordant; 3 vs 1: concordant.
 * C = (6 + 0.5) / 8. */
static void test_concordance_by_hand(void **state)
{
    (void)state;
    const double t[5] = {1, 2, 2, 3, 4}, s[5] = {5, 3, 4, 3, 1};
    const int e[5] = {1, 1, 0, 1, 0};
    double c, counts[4];
    vx_error err;
    assert_int_equal(vx_concordance(s, t, e, NULL, 5, &c, counts, &err), VX_OK);
    assert_true(counts[0] == 6 && counts[1] == 1 && counts[2] == 1);
    assert_true(fabs(c - 6.5 / 8.0) < 1e-15);
    /* strata: pairs across strata do not count */
    const int st[5] = {0, 0, 0, 1, 1};
    assert_int_equal(vx_concordance(s, t, e, st, 5, &c, counts, &err), VX_OK);
    /* stratum 0: (1,2) (1,3) concordant, (2,3) discordant; stratum 1: (4,5) concordant */
    assert_true(counts[0] == 3 && counts[1] == 1 && counts[2] == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cox_vs_r),
        cmocka_unit_test(test_km_vs_r),
        cmocka_unit_test(test_select_cox_vs_r),
        cmocka_unit_test(test_coxnet_vs_glmnet),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_concordance_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
