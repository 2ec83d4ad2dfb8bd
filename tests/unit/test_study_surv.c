/* The study steps survival, association, gsea and imaging_to_omics (src/study/step_survival.c, step_assoc.c,
 * step_gsea.c, step_regress.c) run through their vxs_step on the NSCLC radiogenomics cohort
 * ($VOXOMICS_DATA/stats/nsclc_radiogenomics: 206 patients with CaPTk features, days / event with 41 deaths; RNA-seq
 * of 1,000 genes for 127 of them; GO biological-process gene sets), against R 4.2 with survival 3.5
 * (scripts/study_surv_reference.R printed every reference number below):
 *   - univariate Cox per SD of six features: coxph(Surv(days, event) ~ scale(x)), HR, CI, p, BH q;
 *   - the multivariable Cox model of age and sex (per unit) and the six features (scaled over the 159 complete
 *     cases): HR, CI, p, concordance, likelihood-ratio test;
 *   - the Kaplan-Meier curves of the step's LASSO-Cox risk split (its risk.csv read into R: the groups are the
 *     step's, everything that follows from them R's): survfit + summary(times = c(365, 1095)) survival, log CI
 *     and numbers at risk, survdiff's chi-square and p, concordance(reverse = TRUE); with and without a holdout;
 *   - the association counts: cor.test(method = "spearman", exact = FALSE) on the complete cases of all 102,000
 *     feature x gene pairs, p.adjust(BH);
 * and the GSEA running sum: its largest deviation is the ES of the library (vx_gsea_es / fgsea's), on a case
 * worked by hand and on the step's top sets.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "study/report_impl.h"
#include "study/runner.h"
#include "study/survomics.h"
#include "vx_test.h"

#define REL 1e-9
/* R: the association counts (q < 0.05, p < 0.05, features and genes in a pair with q < 0.05) */
#define R_Q05 4418
#define R_P05 17434
#define R_FEAT 97
#define R_GENES 395

static const char *const FEAT = "[T1_ED_Volumetric_Volume, T1_ED_Morphologic_EllipseDiameter, T1_ED_Intensity_Mean, "
                                "T1_ED_Intensity_StandardDeviation, T1_ED_Intensity_Skewness, T1_ED_Intensity_Kurtosis]";

/* a study file in a fresh folder with the NSCLC inputs and the given steps block */
static const char *study_file(const char *name, const char *steps)
{
    static char path[4096];
    char dir[4096], gmt[4096]; /* absolute: the study file lives in the temporary folder */
    if (!realpath(vx_test_data("stats/nsclc_radiogenomics"), dir) ||
        !realpath(vx_test_data("stats/genesets/enrichr_GO_Biological_Process_2021_human_symbols.gmt"), gmt))
        fail_msg("no NSCLC data under %s", vx_test_data_dir());
    snprintf(path, sizeof path, "%s/%s.yaml", vx_test_tmpdir(), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "title: test %s\ninputs:\n  features: %s/captk_features.csv\n  id: SubjectID\n"
               "  clinical:\n    path: %s/clinical_covariates.csv\n"
               "  omics:\n    path: %s/rnaseq_top1000var_log10_zscore.csv\n    by_rows: true\n"
               "  genesets: %s\noutcome:\n  time: days\n  event: event\nsteps:\n%s",
            name, dir, dir, dir, gmt, steps);
    fclose(f);
    return path;
}

/* run one step of a study file into OUTDIR = <tmp>/<name>: its result object */
static cJSON *run_step(const vxs_step *step, const char *name, const char *steps)
{
    const char *path = study_file(name, steps);
    char outdir[4096];
    snprintf(outdir, sizeof outdir, "%s/%s", vx_test_tmpdir(), name);
    vxs_study s = {0};
    vx_error err = {0};
    if (vxs_study_parse(path, &s, &err) || vxs_study_check_tree(&s, &err))
        fail_msg("%s", err.msg);
    vxs_ctx ctx = {0};
    ctx.study_path = path, ctx.study_dir = s.dir, ctx.outdir = outdir, ctx.root = s.root;
    ctx.features_path = vxs_resolve(&ctx, vxs_str(vxs_get(s.root, "inputs"), "features", NULL));
    ctx.features_id = NULL;
    cJSON *res = cJSON_CreateObject();
    const int rc = step->run(&ctx, vxs_get(vxs_get(s.root, "steps"), step->name), res, &err);
    free(ctx.features_path);
    vxs_study_free(&s);
    if (rc)
        fail_msg("step %s: %s", step->name, err.msg);
    return res;
}

/* the step's report section of res: it succeeds, shows each number of paths[] tied to file (data-path) with
 * the JSON's value, and holds nplots plots */
static void check_section(const vxs_step *step, const cJSON *res, const char *file, const char *const *paths,
                          size_t np, int nplots)
{
    vxs_html *h = vxs_html_new(NULL);
    vx_error err = {0};
    if (step->section(res, NULL, h, &err))
        fail_msg("section %s: %s", step->name, err.msg);
    const char *html = vxs_html_data(h, NULL);
    char want[512];
    for (size_t i = 0; i < np; i++) {
        snprintf(want, sizeof want, "data-src=\"%s\" data-path=\"%s\" data-value=\"%.17g\"", file, paths[i],
                 vxs_json_num(res, paths[i]));
        if (!strstr(html, want))
            fail_msg("section %s: no %s", step->name, want);
    }
    int n = 0;
    for (const char *q = html; (q = strstr(q, "<svg")); q++)
        n++;
    assert_int_equal(n, nplots);
    vxs_html_free(h);
}

static double jnum(const cJSON *o, const char *path)
{
    const double v = vxs_json_num(o, path);
    if (isnan(v))
        fail_msg("no number at %s", path);
    return v;
}

static const cJSON *find_named(const cJSON *arr, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
        if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "name")), name))
            return e;
    fail_msg("no row named %s", name);
    return NULL;
}

static void check_row(const cJSON *row, const double ref[4])
{
    static const char *const k[] = {"hr", "hr_lower", "hr_upper", "p"};
    for (int i = 0; i < 4; i++)
        vx_assert_near_rel(jnum(row, k[i]), ref[i], REL);
}

/* survfit / survdiff / concordance of the risk groups: per group n, events, surv, lower, upper, n.risk at 365 and
 * 1095; chisq, p, C */
typedef struct km_ref {
    double n[2], events[2], surv[4], lower[4], upper[4], nrisk[4], chisq, p, c;
} km_ref;

static void check_km(const cJSON *km, const km_ref *r)
{
    char p[96];
    static const char *const k[] = {"surv_at", "lower_at", "upper_at", "n_risk_at"};
    for (int g = 0; g < 2; g++) {
        snprintf(p, sizeof p, "groups.%d.n", g);
        assert_int_equal((long)jnum(km, p), (long)r->n[g]);
        snprintf(p, sizeof p, "groups.%d.events", g);
        assert_int_equal((long)jnum(km, p), (long)r->events[g]);
        for (int t = 0; t < 2; t++) {
            const double *ref[4] = {r->surv, r->lower, r->upper, r->nrisk};
            for (int a = 0; a < 4; a++) {
                snprintf(p, sizeof p, "groups.%d.%s.%d", g, k[a], t);
                vx_assert_near_rel(jnum(km, p), ref[a][2 * g + t], REL);
            }
        }
    }
    vx_assert_near_rel(jnum(km, "logrank.chisq"), r->chisq, REL);
    vx_assert_near_rel(jnum(km, "logrank.p"), r->p, REL);
    vx_assert_near_rel(jnum(km, "c_index"), r->c, REL);
}

static char *surv_steps(int holdout)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "  survival:\n    cox: %s\n    clinical: [age, sex]\n    coxnet: {alpha: 1, folds: 5, seed: 1}\n"
             "    split: median\n%s    at: [365, 1095]\n",
             FEAT, holdout ? "    holdout: {fraction: 0.3, seed: 1}\n" : "");
    return buf;
}

static void test_survival_cox(void **state)
{
    (void)state;
    cJSON *res = run_step(&vxs_step_survival, "surv", surv_steps(0));
    assert_int_equal((long)jnum(res, "n"), 206);
    assert_int_equal((long)jnum(res, "events"), 41);
    const cJSON *uni = cJSON_GetObjectItemCaseSensitive(res, "univariate");
    static const struct { const char *name; double v[5]; } U[] = {
        {"T1_ED_Volumetric_Volume", {1.4447836286633053, 0.97591339307566838, 2.1389190357096153,
                                     0.066038093505155243, 0.19811428051546573}},
        {"T1_ED_Morphologic_EllipseDiameter", {1.4614770223672884, 1.1510566665268396, 1.8556124550778155,
                                               0.0018409200855795276, 0.011045520513477167}},
        {"T1_ED_Intensity_Mean", {1.1826765913588237, 0.84457327406837035, 1.656130927527901,
                                  0.32874072822038364, 0.49311109233057548}},
        {"T1_ED_Intensity_Kurtosis", {1.1412444093701652, 0.91684347386835852, 1.4205683293173146,
                                      0.23690763814109581, 0.47381527628219161}},
    };
    for (size_t i = 0; i < sizeof U / sizeof *U; i++) {
        const cJSON *row = find_named(uni, U[i].name);
        check_row(row, U[i].v);
        vx_assert_near_rel(jnum(row, "q"), U[i].v[4], REL);
    }
    /* sorted by p: the ellipse diameter first */
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(uni, 0), "name")),
                        "T1_ED_Morphologic_EllipseDiameter");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(res, "multivariable");
    assert_int_equal((long)jnum(m, "n"), 159);
    assert_int_equal((long)jnum(m, "events"), 36);
    static const double hr[8] = {1.0229983474049289, 2.815444122158151, 0.50406596159844985, 3.0034040209048265,
                                 1.2117284924275582, 1.0049113628887449, 1.4495390596880913, 1.0151595758145298};
    static const double lo[8] = {0.97991484311900368, 1.0191958000074242, 0.23449039149645728, 1.2587702790033348,
                                 0.77537419427177223, 0.64827197800616587, 1.0137115602070277, 0.73830846220403945};
    static const double hi[8] = {1.0679760860262044, 7.7774315837419481, 1.0835518334916876, 7.1660698248527543,
                                 1.8936481897489121, 1.5577518102337442, 2.0727429458655089, 1.3958243974225679};
    static const double pv[8] = {0.3003220477003673, 0.045864325128878017, 0.079352933269238937,
                                 0.013187989563685103, 0.39917421709694589, 0.98252264237909492,
                                 0.041891216791355074, 0.9262169193863109};
    for (int j = 0; j < 8; j++) {
        const double ref[4] = {hr[j], lo[j], hi[j], pv[j]};
        check_row(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "covariates"), j), ref);
    }
    vx_assert_near_rel(jnum(m, "concordance"), 0.68095238095238098, REL);
    vx_assert_near_rel(jnum(m, "lr.chisq"), 17.667752060489079, REL);
    vx_assert_near_rel(jnum(m, "lr.p"), 0.023860101558910111, REL);
    /* the resubstitution KM of the median split (203 complete cases: all 206) */
    const cJSON *km = cJSON_GetObjectItemCaseSensitive(res, "km");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(km, "validation")), "resubstitution");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(km, "leak_free")));
    static const km_ref R = {{103, 103}, {14, 27},
                             {0.97977296181630547, 0.86387446886438946, 0.89724280884557006, 0.68467859707255341},
                             {0.9523975783036458, 0.78615402122886957, 0.83555408104044471, 0.5823572901271834},
                             {1, 0.94927848462721287, 0.96348599844385208, 0.80497795637942482},
                             {83, 40, 72, 29}, 6.442715674372911, 0.011140820461704688, 0.66646452395391143};
    check_km(km, &R);
    static const char *const shown[] = {"km.logrank.p", "km.c_index", "univariate.0.hr", "univariate.0.q",
                                        "multivariable.covariates.1.hr_upper", "multivariable.concordance",
                                        "km.groups.1.surv_at.1", "km.groups.0.n_risk_at.0", "coxnet.lambda_min"};
    check_section(&vxs_step_survival, res, "survival.json", shown, sizeof shown / sizeof *shown, 3);
    cJSON_Delete(res);
}

static void test_survival_holdout(void **state)
{
    (void)state;
    cJSON *res = run_step(&vxs_step_survival, "surv_ho", surv_steps(1));
    const cJSON *km = cJSON_GetObjectItemCaseSensitive(res, "km");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(km, "validation")), "held-out");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(km, "leak_free")));
    /* stratified: round(0.3 x 165) censored + round(0.3 x 41) deaths held out; the model saw the other 144 */
    assert_int_equal((long)jnum(km, "n_eval"), 62);
    assert_int_equal((long)jnum(res, "coxnet.n_train"), 144);
    assert_int_equal((long)jnum(res, "coxnet.events_train"), 29);
    static const km_ref R = {{37, 25}, {6, 6},
                             {0.97058823529411764, 0.88544891640866863, 0.95999999999999996, 0.73007407407407399},
                             {0.91542588997111707, 0.76833103054035357, 0.88617822729993079, 0.54975177998873792},
                             {1, 1, 1, 0.96954329760612257},
                             {28, 16, 19, 10}, 0.41488223170088806, 0.51950182128465805, 0.61032863849765251};
    check_km(km, &R);
    cJSON_Delete(res);
}

/* the running sum worked by hand: ranking 3, 2, 1, -1, -2, the set at positions 0 and 3: a hit adds
 * |r| / (3 + 1), a miss subtracts 1 / 3: 0.75, 5/12, 1/12, 1/3, 0; ES 0.75 */
static void test_gsea_running_hand(void **state)
{
    (void)state;
    const double stat[5] = {3, 2, 1, -1, -2}, ref[5] = {0.75, 5.0 / 12, 1.0 / 12, 1.0 / 3, 0};
    const size_t hit[2] = {0, 3};
    double rs[5];
    vxs_gsea_running(stat, 5, hit, 2, rs);
    for (int i = 0; i < 5; i++)
        vx_assert_near(rs[i], ref[i], 1e-15);
    size_t peak;
    vx_assert_near(vx_gsea_es(stat, 5, hit, 2, &peak), 0.75, 1e-15);
}

static void test_gsea_step(void **state)
{
    (void)state;
    cJSON *res = run_step(&vxs_step_gsea, "gsea",
                          "  association: {method: spearman, q: 0.05}\n"
                          "  gsea:\n    feature: top\n    min_size: 10\n    max_size: 500\n    permutations: 200\n"
                          "    seed: 1\n    top: 5\n");
    assert_int_equal((long)jnum(res, "n_genes"), 1000);
    const cJSON *top = cJSON_GetObjectItemCaseSensitive(res, "top"), *t;
    assert_int_equal(cJSON_GetArraySize(top), 5);
    cJSON_ArrayForEach(t, top) {
        size_t n = 0, k = 0;
        double *rs = vxs_json_doubles(t, "running", &n), *hits = vxs_json_doubles(t, "hits", &k), dev = 0;
        assert_int_equal(n, 1000);
        assert_int_equal(k, (size_t)jnum(t, "size"));
        for (size_t i = 0; i < n; i++)
            dev = fabs(rs[i]) > fabs(dev) ? rs[i] : dev;
        vx_assert_near(dev, jnum(t, "es"), 1e-12); /* the running sum's largest deviation is the library's ES */
        vx_assert_near(rs[n - 1], 0, 1e-12);       /* hits add up to 1, misses to -1 */
        free(rs), free(hits);
    }
    static const char *const shown[] = {"n_tested", "top.0.nes", "top.4.p"};
    check_section(&vxs_step_gsea, res, "gsea.json", shown, 3, 5);
    cJSON_Delete(res);
}

static void test_association_counts(void **state)
{
    (void)state;
    cJSON *res = run_step(&vxs_step_association, "assoc", "  association:\n    method: spearman\n    q: 0.05\n    top: 20\n");
    assert_int_equal((long)jnum(res, "n_samples"), 127);
    assert_int_equal((long)jnum(res, "n_pairs"), 102000);
    /* R: cor.test + p.adjust(BH) over the same pairs */
    assert_int_equal((long)jnum(res, "n_significant"), R_Q05);
    assert_int_equal((long)jnum(res, "n_p_below_0_05"), R_P05);
    assert_int_equal((long)jnum(res, "n_features_significant"), R_FEAT);
    assert_int_equal((long)jnum(res, "n_genes_significant"), R_GENES);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetObjectItemCaseSensitive(res, "heatmap"), "features")), 20);
    static const char *const shown[] = {"n_significant", "n_pairs", "top_pairs.0.rho", "top_pairs.9.q"};
    check_section(&vxs_step_association, res, "association.json", shown, 4, 2);
    cJSON_Delete(res);
}

static void test_imaging_to_omics(void **state)
{
    (void)state;
    cJSON *res = run_step(&vxs_step_imaging_to_omics, "i2o",
                          "  imaging_to_omics:\n    model: ridge\n    alpha: 100\n    folds: 5\n    permutations: 20\n"
                          "    seed: 1\n");
    assert_int_equal((long)jnum(res, "n_genes"), 1000);
    size_t n = 0;
    double *r = vxs_json_doubles(res, "r", &n);
    assert_int_equal(n, 1000);
    /* the top genes are the largest r, in decreasing order */
    double best = -2;
    for (size_t i = 0; i < n; i++)
        best = r[i] > best ? r[i] : best;
    vx_assert_near(jnum(res, "top.0.r"), best, 0);
    assert_true(jnum(res, "top.1.r") <= best);
    free(r);
    static const char *const shown[] = {"mean_r", "n_q_below_0_05", "top.0.r"};
    check_section(&vxs_step_imaging_to_omics, res, "imaging_to_omics.json", shown, 3, 1);
    cJSON_Delete(res);
}

static void test_unknown_key(void **state)
{
    (void)state;
    const char *path = study_file("badkey", "  survival:\n    coxnet: {alpha: 1, fold: 5}\n");
    vxs_study s = {0};
    vx_error err = {0};
    assert_int_equal(vxs_study_parse(path, &s, &err), VX_OK);
    assert_int_not_equal(vxs_study_check_tree(&s, &err), VX_OK);
    assert_non_null(strstr(err.msg, "fold"));
    vxs_study_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_survival_cox),      cmocka_unit_test(test_survival_holdout),
        cmocka_unit_test(test_gsea_running_hand), cmocka_unit_test(test_gsea_step),
        cmocka_unit_test(test_association_counts), cmocka_unit_test(test_imaging_to_omics),
        cmocka_unit_test(test_unknown_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
