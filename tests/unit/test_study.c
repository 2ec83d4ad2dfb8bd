/* The study runner (src/study): the study file (parsing, line numbers, unknown keys and wrong types named by
 * file:line:key, ${VAR} expansion, relative paths), hash-keyed skipping (a second run skips every step; a changed
 * setting or input file reruns that step and the steps downstream of a rewritten feature table, and only those),
 * the cohort summary, PCA, batch tests, the reliability and extraction steps.
 *
 * References (computed outside voxomics):
 *  - cohort summary of ../shared/stats/nsclc_radiogenomics (captk_features.csv joined with clinical_covariates.csv
 *    and ct_acquisition_parameters.csv by ID), counted with python3's csv module: 206 feature rows, 102 feature
 *    columns, 207 clinical rows, 167 joined; egfr-mut 0: 126, 1: 41; 167 with time and event, 34 events, median
 *    days 871; Manufacturer GE MEDICAL SYSTEMS 116, SIEMENS 45, Philips 5, TOSHIBA 1.
 *  - PCA (numpy 1.24: columns standardised with numpy's std, np.linalg.svd, explained = s^2 / sum s^2, scores
 *    U s with each component's largest |loading| made positive) of the 6 x 4 matrix pca_x below and, for the
 *    harmonisation step, of the 166 kept subjects' original features (missing cells: column medians):
 *    0.28925643609104770, 0.24977178368639010.
 *  - Kruskal-Wallis by manufacturer (scipy.stats.kruskal, BH as R's p.adjust), features with q < 0.05 among the
 *    166 subjects of the three batches with >= 5 subjects: 11 on the original features; 24 on the harmonised
 *    table written by the step (the count, not ComBat, is checked there: ComBat has its own test).
 *  - ICC(2,1): R psych::ICC(lmer = FALSE) of the 10 x 3 matrix rep of test_icc.c: 0.952497762070288; the made-up
 *    matrix f2 below by the Shrout-Fleiss ANOVA formulas in numpy: -0.47605224963715526.
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
#include <unistd.h>

#include "study/runner.h"
#include "vx_test.h"

static const char *tmp(const char *name)
{
    static char buf[8][4096];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", vx_test_tmpdir(), name);
    return buf[k];
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* ---- the study file ---- */

static void test_parse_lines(void **state)
{
    (void)state;
    put(tmp("p.yaml"), "title: t\n# a comment\ninputs:\n  features: f.csv\n  id: SubjectID\nsteps:\n  selection:\n"
                       "    method: mrmr\n    k: 7\n");
    vxs_study s;
    vx_error err;
    assert_int_equal(vxs_study_parse(tmp("p.yaml"), &s, &err), VX_OK);
    assert_string_equal(vxs_str(s.root, "title", NULL), "t");
    const vxs_node *in = vxs_get(s.root, "inputs"), *sel = vxs_get(vxs_get(s.root, "steps"), "selection");
    assert_non_null(in);
    assert_int_equal(in->key_lines[1], 5);
    assert_int_equal(sel->line, 8);
    assert_int_equal(vxs_int(sel, "k", 0), 7);
    assert_int_equal(vxs_int(sel, "missing", 3), 3);
    assert_string_equal(vxs_str(sel, "method", NULL), "mrmr");
    const char **l;
    assert_int_equal(vxs_list(sel, "method", &l), 1);
    assert_string_equal(l[0], "mrmr");
    free(l);
    vxs_study_free(&s);
}

/* The message of vx_study_check on the file text. */
static const char *check_msg(const char *name, const char *text)
{
    static vx_error err;
    put(tmp(name), text);
    vx_error_clear(&err);
    assert_int_not_equal(vx_study_check(tmp(name), &err), VX_OK);
    return err.msg;
}

static void test_unknown_key_and_type(void **state)
{
    (void)state;
    put(tmp("f.csv"), "ID,a\nx,1\ny,2\n");
    char want[4200];
    const char *m = check_msg("u.yaml", "title: t\ninputs:\n  features: f.csv\nsteps:\n  selection:\n    method: mrmr\n"
                                        "    kk: 3\n");
    snprintf(want, sizeof want, "%s:7: unknown key 'kk' in steps.selection (known: method, k,", tmp("u.yaml"));
    assert_non_null(strstr(m, want));
    m = check_msg("u2.yaml", "title: t\ninputs:\n  features: f.csv\noutcom:\n  label: y\n");
    snprintf(want, sizeof want, "%s:4: unknown key 'outcom' in the top level", tmp("u2.yaml"));
    assert_non_null(strstr(m, want));
    assert_non_null(strstr(m, "did you mean 'outcome'?"));
    m = check_msg("u3.yaml", "title: t\ninputs:\n  features: f.csv\nsteps:\n  harmonisation:\n    batch: b\n");
    assert_non_null(strstr(m, ":5: unknown key 'harmonisation' in steps"));
    assert_non_null(strstr(m, "did you mean 'harmonization'?"));
    m = check_msg("w.yaml", "title: t\ninputs:\n  features: f.csv\nsteps:\n  selection:\n    k: five\n");
    snprintf(want, sizeof want, "%s:6: steps.selection.k: expected an integer, got 'five'", tmp("w.yaml"));
    assert_string_equal(m, want);
    m = check_msg("w2.yaml", "title: t\ninputs:\n  features: nope.csv\n");
    assert_non_null(strstr(m, ":3: inputs.features: file '"));
    m = check_msg("w3.yaml", "title: t\ninputs:\n  features: f.csv\n  clinical: [a, b]\n");
    assert_non_null(strstr(m, ":4: inputs.clinical: expected a map"));
    m = check_msg("w4.yaml", "inputs:\n  features: f.csv\n");
    assert_non_null(strstr(m, "no title"));
    m = check_msg("w5.yaml", "title: t\n");
    assert_non_null(strstr(m, "no features"));
    put(tmp("ok.yaml"), "title: t\ninputs:\n  features: f.csv\nsteps:\n  selection:\n    k: 4\n  reliability:\n");
    vx_error err;
    assert_int_equal(vx_study_check(tmp("ok.yaml"), &err), VX_OK);
}

static void test_expansion_and_paths(void **state)
{
    (void)state;
    const char *keep = getenv("VOXOMICS_DATA");
    char saved[4096] = "";
    if (keep)
        snprintf(saved, sizeof saved, "%s", keep);
    put(tmp("e.yaml"), "title: ${VOXOMICS_DATA}/x and ${VOXOMICS_DATA}\ninputs:\n  features: f.csv\n");
    setenv("VOXOMICS_DATA", "/data/here", 1);
    vxs_study s;
    vx_error err;
    assert_int_equal(vxs_study_parse(tmp("e.yaml"), &s, &err), VX_OK);
    assert_string_equal(vxs_str(s.root, "title", NULL), "/data/here/x and /data/here");
    vxs_ctx ctx = {.study_dir = s.dir, .outdir = tmp("o")};
    char *p = vxs_resolve(&ctx, "sub/a.csv"), *q = vxs_resolve(&ctx, "/abs/b.csv");
    char want[4200];
    snprintf(want, sizeof want, "%s/sub/a.csv", vx_test_tmpdir());
    assert_string_equal(p, want);
    assert_string_equal(q, "/abs/b.csv");
    free(p);
    free(q);
    vxs_study_free(&s);
    unsetenv("VOXOMICS_DATA"); /* unset: ../shared under the current folder */
    assert_int_equal(vxs_study_parse(tmp("e.yaml"), &s, &err), VX_OK);
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(want, sizeof want, "%s/../shared/x and %s/../shared", cwd, cwd);
    assert_string_equal(vxs_str(s.root, "title", NULL), want);
    vxs_study_free(&s);
    if (saved[0])
        setenv("VOXOMICS_DATA", saved, 1);
    put(tmp("e2.yaml"), "title: t\ninputs:\n  features: ${VX_STUDY_TEST_UNSET_VAR}/f.csv\n");
    assert_int_not_equal(vxs_study_parse(tmp("e2.yaml"), &s, &err), VX_OK);
    snprintf(want, sizeof want, "%s:3: environment variable 'VX_STUDY_TEST_UNSET_VAR' is not set", tmp("e2.yaml"));
    assert_non_null(strstr(err.msg, want));
    vxs_study_free(&s);
}

/* ---- runs ---- */

typedef struct states {
    char log[1024];
} states;

static void note(const char *step, vx_study_state st, double seconds, void *ctx)
{
    (void)seconds;
    states *s = ctx;
    if (st == VX_STUDY_DONE || st == VX_STUDY_SKIPPED) {
        size_t n = strlen(s->log);
        snprintf(s->log + n, sizeof s->log - n, "%s%s:%s", n ? " " : "", step, st == VX_STUDY_DONE ? "ran" : "skipped");
    }
}

/* Run; the log of step states. */
static const char *run(const char *study, const char *out, int *ran, int *skipped)
{
    static states s;
    s.log[0] = '\0';
    vx_study_options o = {.progress = note, .progress_ctx = &s};
    vx_error err;
    vx_error_clear(&err);
    int rc = vx_study_run(study, out, &o, ran, skipped, &err);
    if (rc != VX_OK)
        fail_msg("%s", err.msg);
    return s.log;
}

static cJSON *json(const char *path)
{
    cJSON *d = vxs_read_json(path);
    assert_non_null(d);
    return d;
}

static void copy(const char *from, const char *to, const char *append)
{
    size_t n;
    char *text = vx_test_slurp(from, &n);
    assert_non_null(text);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    fwrite(text, 1, n, f);
    if (append)
        fputs(append, f);
    fclose(f);
    free(text);
}

static const char *nsclc_study(const char *k)
{
    static char text[4096];
    snprintf(text, sizeof text,
             "title: NSCLC test\ninputs:\n  features: ${VOXOMICS_DATA}/stats/nsclc_radiogenomics/captk_features.csv\n"
             "  id: SubjectID\n  clinical:\n    path: ${VOXOMICS_DATA}/stats/nsclc_radiogenomics/clinical_covariates.csv\n"
             "  batch:\n    path: batch.csv\n    id: clc\noutcome:\n  label: egfr-mut\n  positive: \"1\"\n"
             "  time: days\n  event: event\nsteps:\n  selection:\n    method: mrmr\n    k: %s\n"
             "  harmonization:\n    batch: Manufacturer\n    min_batch_size: 5\n",
             k);
    return text;
}

static void check_cohort(const cJSON *study)
{
    const cJSON *c = cJSON_GetObjectItem(study, "cohort");
    assert_int_equal((int)vxs_json_num(c, "n_features_rows"), 206);
    assert_int_equal((int)vxs_json_num(c, "n_features"), 102);
    assert_int_equal((int)vxs_json_num(c, "n_clinical_rows"), 207);
    assert_int_equal((int)vxs_json_num(c, "n_joined"), 167);
    assert_int_equal((int)vxs_json_num(c, "label_counts.0"), 126);
    assert_int_equal((int)vxs_json_num(c, "label_counts.1"), 41);
    assert_int_equal((int)vxs_json_num(c, "n_label_missing"), 0);
    assert_int_equal((int)vxs_json_num(c, "n_events"), 34);
    assert_int_equal((int)vxs_json_num(c, "n_censored"), 133);
    vx_assert_close(vxs_json_num(c, "median_time"), 871);
    const cJSON *b = cJSON_GetObjectItem(c, "batches");
    assert_int_equal(cJSON_GetObjectItem(b, "GE MEDICAL SYSTEMS")->valueint, 116);
    assert_int_equal(cJSON_GetObjectItem(b, "SIEMENS")->valueint, 45);
    assert_int_equal(cJSON_GetObjectItem(b, "Philips")->valueint, 5);
    assert_int_equal(cJSON_GetObjectItem(b, "TOSHIBA")->valueint, 1);
}

static void test_run_and_skip(void **state)
{
    (void)state;
    copy(vx_test_data("stats/nsclc_radiogenomics/ct_acquisition_parameters.csv"), tmp("batch.csv"), NULL);
    put(tmp("n.yaml"), nsclc_study("5"));
    char out[4096];
    snprintf(out, sizeof out, "%s", tmp("nout"));
    int ran = -1, skipped = -1;
    /* steps run in the fixed order (harmonization before selection), whatever the file's order */
    assert_string_equal(run(tmp("n.yaml"), out, &ran, &skipped), "harmonization:ran selection:ran");
    assert_int_equal(ran, 2);
    assert_int_equal(skipped, 0);
    cJSON *st = json(tmp("nout/study.json")), *h = json(tmp("nout/harmonization.json"));
    check_cohort(st);
    assert_int_equal((int)vxs_json_num(h, "n"), 166);
    assert_int_equal((int)vxs_json_num(h, "n_small_batches"), 1);
    vx_assert_near(vxs_json_num(h, "pca.before.explained.0"), 0.28925643609104770, 1e-10);
    vx_assert_near(vxs_json_num(h, "pca.before.explained.1"), 0.24977178368639010, 1e-10);
    assert_int_equal((int)vxs_json_num(h, "batch_test.before"), 11);
    assert_int_equal((int)vxs_json_num(h, "batch_test.after"), 24);
    cJSON *sel = json(tmp("nout/selection.json"));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(sel, "selected")), 5);
    assert_int_equal((int)vxs_json_num(sel, "n"), 166); /* the harmonised table's subjects, all labelled */
    cJSON_Delete(st), cJSON_Delete(h), cJSON_Delete(sel);

    assert_string_equal(run(tmp("n.yaml"), out, &ran, &skipped), "harmonization:skipped selection:skipped");
    assert_int_equal(ran, 0);
    assert_int_equal(skipped, 2);
    /* a changed setting reruns that step only */
    put(tmp("n.yaml"), nsclc_study("6"));
    assert_string_equal(run(tmp("n.yaml"), out, &ran, &skipped), "harmonization:skipped selection:ran");
    /* an input file changed without changing harmonization's output: that step reruns, selection does not */
    copy(vx_test_data("stats/nsclc_radiogenomics/ct_acquisition_parameters.csv"), tmp("batch.csv"),
         "NOT-A-SUBJECT,1,SIEMENS,0,B45f,139,0,1.2,253,120,281.0,1,512,x,278,CT,1.0\n");
    assert_string_equal(run(tmp("n.yaml"), out, &ran, &skipped), "harmonization:ran selection:skipped");
    /* a subject moved to another batch: the harmonised table changes, so selection reruns too */
    size_t n;
    char *text = vx_test_slurp(tmp("batch.csv"), &n), *at = strstr(text, "AMC-001,1,GE MEDICAL SYSTEMS");
    assert_non_null(at);
    memcpy(at + 10, "SIEMENS", 7);
    memmove(at + 17, at + 28, strlen(at + 28) + 1);
    put(tmp("batch.csv"), text);
    free(text);
    assert_string_equal(run(tmp("n.yaml"), out, &ran, &skipped), "harmonization:ran selection:ran");
    /* a damaged output of a step that rewrites the feature table: rerun */
    put(tmp("nout/harmonization/features.csv"), "SubjectID,a\nx,1\n");
    assert_string_equal(run(tmp("n.yaml"), out, &ran, &skipped), "harmonization:ran selection:skipped");
    vx_study_options force = {.force = 1};
    vx_error err;
    int rc = vx_study_run(tmp("n.yaml"), out, &force, &ran, &skipped, &err);
    if (rc != VX_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(ran, 2);
}

static void test_pca(void **state)
{
    (void)state;
    /* the constant 4th column is left out */
    static const double x[24] = {1, 2, 0.5, 3, 2, 1, 1.5, 3, 3, 4, 0.2, 3, 4, 3, 2.5, 3, 5, 7, 1.0, 3, 6, 5, 0.1, 3};
    static const double pc1[6] = {-1.3851758703981507, -1.703712133583158,  0.19363523706659863,
                                  -0.57925762551805871, 1.7409962499174128, 1.7335141425153562};
    static const double pc2[6] = {-1.0871312883363762, 0.20435343917036791, -0.9491033677606755,
                                  1.7956327758146888,  0.45014772452476187, -0.41389928341276649};
    double a[6], b[6], ev[2];
    vx_error err;
    assert_int_equal(vxs_pca2(x, 6, 4, a, b, ev, &err), VX_OK);
    vx_assert_near(ev[0], 0.62391780290742505, 1e-12);
    vx_assert_near(ev[1], 0.3179252569533173, 1e-12);
    for (int i = 0; i < 6; i++) {
        vx_assert_near(a[i], pc1[i], 1e-10);
        vx_assert_near(b[i], pc2[i], 1e-10);
    }
}

static void test_reliability(void **state)
{
    (void)state;
    static const double rep[30] = {1.2, 1.5, 1.1, 3.4, 3.9, 3.3, 2.2, 2.0, 2.8, 5.1, 5.6, 4.9, 0.3, 0.9, 0.1,
                                   4.4, 4.0, 4.8, 2.9, 3.5, 3.1, 1.8, 1.1, 2.0, 3.3, 3.0, 3.9, 6.0, 6.4, 5.5};
    static const double f2[30] = {1, 5, 2, 4, 1, 3, 2, 2, 5, 6, 3, 1, 3, 4, 2, 5, 1, 4, 2, 6, 3, 4, 3, 5, 1, 2, 6, 3, 5, 1};
    FILE *f = fopen(tmp("long.csv"), "w"), *g = fopen(tmp("rf.csv"), "w");
    assert_non_null(f);
    assert_non_null(g);
    fputs("row,patient,seg,f1,f2,c\n", f);
    fputs("ID,f1,f2,f3,c\n", g);
    for (int i = 0; i < 10; i++) {
        for (int r = 0; r < 3; r++)
            fprintf(f, "s%d%c,s%d,%c,%.17g,%.17g,7\n", i, 'a' + r, i, 'a' + r, rep[3 * i + r], f2[3 * i + r]);
        fprintf(g, "s%d,%g,%g,%d,7\n", i, rep[3 * i], f2[3 * i], i * i);
    }
    fclose(f);
    fclose(g);
    put(tmp("r.yaml"), "title: r\ninputs:\n  features: rf.csv\nsteps:\n  reliability:\n    table: long.csv\n"
                       "    subject: patient\n    rater: seg\n    type: ICC(2,1)\n    threshold: 0.75\n");
    int ran, skipped;
    assert_string_equal(run(tmp("r.yaml"), tmp("rout"), &ran, &skipped), "reliability:ran");
    cJSON *r = json(tmp("rout/reliability.json"));
    vx_assert_near(vxs_json_num(r, "icc.0"), 0.952497762070288, 1e-12);
    vx_assert_near(vxs_json_num(r, "icc.1"), -0.47605224963715526, 1e-12);
    assert_true(isnan(vxs_json_num(r, "icc.2"))); /* the constant c: undefined, kept */
    assert_int_equal((int)vxs_json_num(r, "n_dropped"), 1);
    assert_int_equal((int)vxs_json_num(r, "n_undefined"), 1);
    assert_int_equal((int)vxs_json_num(r, "n_not_assessed"), 1);
    cJSON_Delete(r);
    char *out = vx_test_slurp(tmp("rout/reliability/features.csv"), NULL);
    assert_non_null(out);
    assert_true(!strncmp(out, "ID,f1,f3,c\ns0,1.2,0,7\n", 22));
    free(out);
}

static void test_extraction(void **state)
{
    (void)state;
    char csv[8192];
    const char *img = vx_test_data("ibsi/ibsi1/digital_phantom/image.nii.gz");
    char im[4096];
    snprintf(im, sizeof im, "%s", img);
    const char *msk = vx_test_data("ibsi/ibsi1/digital_phantom/mask.nii.gz");
    snprintf(csv, sizeof csv, "ID,Image,Mask\ndp1,%s,%s\ndp2,%s,%s\nbad,%s.missing,%s\n", im, msk, im, msk, im, msk);
    put(tmp("cases.csv"), csv);
    char cfg[4096];
    snprintf(cfg, sizeof cfg, "title: e\nsteps:\n  extraction:\n    cohort: cases.csv\n    config: %s/configs/examples/ct_3d.yaml\n",
             getenv("VX_SOURCE_DIR"));
    put(tmp("x.yaml"), cfg);
    int ran, skipped;
    assert_string_equal(run(tmp("x.yaml"), tmp("xout"), &ran, &skipped), "extraction:ran");
    assert_string_equal(run(tmp("x.yaml"), tmp("xout"), &ran, &skipped), "extraction:skipped");
    cJSON *x = json(tmp("xout/extraction.json"));
    assert_int_equal((int)vxs_json_num(x, "n_cases"), 3);
    assert_int_equal((int)vxs_json_num(x, "n_failed"), 1);
    /* the feature columns of the table: all but case, roi, error and the four provenance columns */
    char *table = vx_test_slurp(tmp("xout/extraction/features.csv"), NULL);
    assert_non_null(table);
    int cols = 1;
    for (char *c = table; *c && *c != '\n'; c++)
        cols += *c == ',';
    free(table);
    double nf = vxs_json_num(x, "n_features");
    assert_int_equal((int)nf, cols - 7);
    vx_assert_close(vxs_json_num(x, "n_ibsi_standardised") + vxs_json_num(x, "n_ibsi_not_standardised") +
                        vxs_json_num(x, "n_not_ibsi"),
                    nf);
    assert_true(vxs_json_num(x, "n_ibsi_standardised") > 0);
    cJSON_Delete(x);
}

/* Another step's result is read as a declared input (its hash enters the key). */
static void test_step_result(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", tmp("sr"));
    assert_int_equal(vxs_mkdirs(dir, 1, NULL), VX_OK);
    put(tmp("sr/selection.json"), "{\"selected\": [\"a\", \"b\"]}\n");
    struct vxs_run run = {0};
    vxs_ctx ctx = {.outdir = dir, .run = &run};
    cJSON *r = NULL, *none = NULL;
    vx_error err;
    assert_int_equal(vxs_step_result(&ctx, "selection", &r, &err), VX_OK);
    assert_non_null(r);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r, "selected")), 2);
    assert_int_equal(run.n, 1);
    assert_non_null(strstr(run.paths[0], "sr/selection.json"));
    assert_int_equal(vxs_step_result(&ctx, "survival", &none, &err), VX_OK); /* absent: nothing, no input */
    assert_null(none);
    assert_int_equal(run.n, 1);
    cJSON_Delete(r);
    free(run.paths[0]);
    free(run.paths);
    free(run.sha);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_lines),     cmocka_unit_test(test_unknown_key_and_type),
        cmocka_unit_test(test_expansion_and_paths), cmocka_unit_test(test_pca),
        cmocka_unit_test(test_run_and_skip),    cmocka_unit_test(test_reliability),
        cmocka_unit_test(test_extraction),      cmocka_unit_test(test_step_result),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
