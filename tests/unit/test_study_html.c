/* The study report's HTML builder (src/study/html.c) and page (src/study/report.c) on hand-written inputs:
 * escaping, numbers tied to their JSON source, format checks, plots inline and as standalone SVG files with
 * unique names, a section that writes nothing leaving no frame, and a page that references nothing outside.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "study/report_impl.h"
#include "vx_test.h"

static char *dupstr(const char *s)
{
    char *p = malloc(strlen(s) + 1);
    strcpy(p, s);
    return p;
}

static void test_text_and_num(void **state)
{
    (void)state;
    vxs_html *h = vxs_html_new(NULL);
    assert_non_null(h);
    vxs_html_text(h, "a<b & \"c\" 'd'>");
    assert_string_equal(vxs_html_data(h, NULL), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    vxs_html_truncate(h, 0);
    vxs_html_num(h, "survival.json", "km.logrank.p", 0.1, "%.3f");
    assert_string_equal(vxs_html_data(h, NULL),
                        "<span class=\"vx-num\" data-src=\"survival.json\" data-path=\"km.logrank.p\" "
                        "data-value=\"0.10000000000000001\" data-fmt=\"%.3f\">0.100</span>");
    vxs_html_truncate(h, 0);
    vxs_html_num(h, "a.json", "x", 0.0 / 0.0, "%.2g");
    assert_non_null(strstr(vxs_html_data(h, NULL), ">NA</span>"));
    assert_int_equal(vxs_html_status(h, NULL), VX_OK);
    vxs_html_num(h, "a.json", "n", 3, "%d"); /* an int conversion with a double argument: refused */
    vx_error err;
    assert_int_equal(vxs_html_status(h, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "a.json n"));
    vxs_html_free(h);
}

static void test_formats(void **state)
{
    (void)state;
    const char *ok[] = {"%.3f", "%g", "%+08.2e", "AUC %.2f%%", "%.0f"};
    const char *bad[] = {"%d", "%s", "%.3f %.3f", "no conversion", "%", "%*f", "%ld"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        vxs_html *h = vxs_html_new(NULL);
        vxs_html_num(h, "f", "p", 1.5, ok[i]);
        assert_int_equal(vxs_html_status(h, NULL), VX_OK);
        vxs_html_free(h);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        vxs_html *h = vxs_html_new(NULL);
        vxs_html_num(h, "f", "p", 1.5, bad[i]);
        assert_int_equal(vxs_html_status(h, NULL), VX_EINVAL);
        vxs_html_free(h);
    }
}

static void test_plot_and_table(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/svg/sub", vx_test_tmpdir());
    vxs_html *h = vxs_html_new(dir);
    const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"vx-plot\" data-plot=\"lines\"></svg>";
    vxs_html_plot(h, "roc", dupstr(svg), "ROC <curves>");
    vxs_html_plot(h, "roc", dupstr(svg), NULL);
    vxs_html_plot(h, "a b/c", dupstr(svg), "x");
    assert_int_equal(vxs_html_status(h, NULL), VX_OK);
    const char *t = vxs_html_data(h, NULL);
    assert_non_null(strstr(t, "<figure class=\"vx-figure\" data-name=\"roc\"><svg"));
    assert_non_null(strstr(t, "<figcaption>ROC &lt;curves&gt;</figcaption>"));
    char p[1200];
    const char *names[] = {"roc.svg", "roc-2.svg", "a_b_c.svg"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        char *s = vx_test_slurp(p, NULL);
        assert_non_null(s);
        assert_int_equal(strncmp(s, "<svg", 4), 0);
        free(s);
    }
    vxs_html_truncate(h, 0);
    const char *head[] = {"feature", "p"}, *cells[] = {"a&b", "0.1", "c", NULL};
    vxs_html_table(h, head, 2, cells, 2);
    assert_string_equal(vxs_html_data(h, NULL),
                        "<div class=\"vx-table-wrap\"><table class=\"vx-table\"><thead><tr><th>feature</th>"
                        "<th>p</th></tr></thead><tbody><tr><td>a&amp;b</td><td>0.1</td></tr><tr><td>c</td><td>"
                        "</td></tr></tbody></table></div>");
    vxs_html_plot(h, "bad", NULL, "a failed plot");
    vx_error err;
    assert_int_equal(vxs_html_status(h, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "'bad'"));
    vxs_html_free(h);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_page(void **state)
{
    (void)state;
    char dir[1024], p[1200];
    snprintf(dir, sizeof dir, "%s/out", vx_test_tmpdir());
    mkdir(dir, 0777);
    snprintf(p, sizeof p, "%s/study.json", dir);
    write_file(p, "{\"voxomics_version\":\"9.9\",\"study\":{\"file\":\"s.yaml\",\"sha256\":\"ab\",\"title\":\"T <1>\"},"
                  "\"inputs\":[{\"role\":\"features\",\"path\":\"f.csv\",\"sha256\":\"cd\"}],"
                  "\"outcome\":{\"label\":\"y\",\"positive\":\"1\"},"
                  "\"cohort\":{\"n_joined\":40,\"label_counts\":{\"0\":25,\"1\":15}},"
                  "\"steps\":[{\"name\":\"selection\",\"state\":\"ran\",\"hash\":\"ef\",\"seconds\":0.25}]}");
    vx_error err;
    snprintf(p, sizeof p, "%s/report.html", dir);
    assert_int_equal(vx_study_report(dir, p, NULL, &err), VX_OK);
    char *t = vx_test_slurp(p, NULL);
    assert_non_null(t);
    assert_non_null(strstr(t, "<title>T &lt;1&gt;</title>"));
    assert_non_null(strstr(t, "data-path=\"cohort.label_counts.1\" data-value=\"15\" data-fmt=\"%.0f\">15<"));
    assert_non_null(strstr(t, "<section class=\"vx-section\" id=\"provenance\">"));
    assert_non_null(strstr(t, "ready table"));
    assert_null(strstr(t, "<script"));
    assert_null(strstr(t, "url("));
    assert_null(strstr(t, "id=\"selection\"")); /* no selection.json: no section, no empty frame */
    assert_non_null(strstr(t, "Radiomics Quality Score"));
    free(t);
    /* a damaged step JSON fails the report, naming the file; the previous report stays */
    char bad[1200];
    snprintf(bad, sizeof bad, "%s/selection.json", dir);
    write_file(bad, "{\"step\": \"selection\", ");
    assert_int_equal(vx_study_report(dir, p, NULL, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "selection.json is not a JSON object"));
    t = vx_test_slurp(p, NULL);
    assert_non_null(t);
    assert_non_null(strstr(t, "</html>"));
    free(t);
    /* an empty folder is not a study */
    snprintf(dir, sizeof dir, "%s/empty", vx_test_tmpdir());
    mkdir(dir, 0777);
    assert_int_equal(vx_study_report(dir, p, NULL, &err), VX_EIO);
    assert_non_null(strstr(err.msg, "not a finished study folder"));
}

/* The RQS section on hand-made results: the points of docs/study.md, "The report"'s rules, worked by hand. */
static int rqs_total(const char *study, const char *const *names, const char *const *results, size_t n)
{
    vxs_report_data d;
    memset(&d, 0, sizeof d);
    d.study = cJSON_Parse(study);
    for (size_t i = 0; i < n; i++) {
        d.names[i] = names[i];
        d.results[i] = cJSON_Parse(results[i]);
        assert_non_null(d.results[i]);
    }
    d.n = n;
    vxs_html *h = vxs_html_new(NULL);
    assert_int_equal(vxs_report_rqs(&d, h, NULL), VX_OK);
    int total = -99;
    const char *t = strstr(vxs_html_data(h, NULL), "show scores <strong>");
    assert_non_null(t);
    sscanf(t, "show scores <strong>%d", &total);
    vxs_html_free(h);
    cJSON_Delete((cJSON *)d.study);
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(d.results[i]);
    return total;
}

static void test_rqs(void **state)
{
    (void)state;
    /* batch table (+1), selection (+3), clinical covariates (+1), association (+1), KM split (+1), AUC CV (+2),
     * calibration (+2), held-out split (+2), open code (+1) = 14 */
    const char *names[] = {"selection", "classification", "survival", "association"};
    const char *res[] = {"{}",
                         "{\"settings\": {\"holdout\": {\"fraction\": 0.3}}, \"calibration\": {\"slope\": 1},"
                         " \"clinical_covariates\": [\"age\"]}",
                         "{\"km\": {\"c_index\": 0.7}}", "{}"};
    assert_int_equal(rqs_total("{\"inputs\": [{\"role\": \"batch\"}]}", names, res, 4), 14);
    /* classification alone, cross-validated only: no reduction (-3), AUC CV (+2), no validation (-5), code (+1) */
    const char *names2[] = {"classification"}, *res2[] = {"{\"settings\": {}}"};
    assert_int_equal(rqs_total("{}", names2, res2, 1), -5);
    /* an external cohort (+3) with selection inside the folds (+3), AUC (+2), code (+1) */
    const char *res3[] = {"{\"settings\": {\"external\": {\"features\": \"e.csv\"}, \"select\": {\"k\": 5}}}"};
    assert_int_equal(rqs_total("{}", names2, res3, 1), 9);
    /* nothing but the cohort: open code only */
    assert_int_equal(rqs_total("{}", names2, res2, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_and_num),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_plot_and_table),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_rqs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
