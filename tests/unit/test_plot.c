/* SVG plots (include/voxomics/plot.h, src/report/).
 *
 * Reference values are worked by hand: nice tick sequences (the 1, 2, 2.5, 5 x 10^k rule applied to the range
 * divided by the tick count), the pixel of a known point (the middle of a 0..1 axis lands at the middle of the
 * plot area), clipping of a segment by the frame. Every plot kind's output is checked for well-formed XML with a
 * small checker below (balanced elements, quoted attributes, entities only as &amp; &lt; &gt; &quot; &#39;),
 * for the root element the report relies on, for no ids or scripts, and for identical bytes on a second call.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "report/svg_impl.h"
#include "voxomics/plot.h"
#include "vx_test.h"

/* ---- a minimal XML well-formedness checker ------------------------------------------------------------ */

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == ':';
}

/* 1 when s at i starts a valid entity (&amp; &lt; &gt; &quot; &#39; or &#NNN;). */
static int entity_ok(const char *s)
{
    static const char *const E[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    for (size_t k = 0; k < 5; k++)
        if (strncmp(s, E[k], strlen(E[k])) == 0)
            return 1;
    return 0;
}

/* Returns NULL when well-formed, else a static description of the first problem. */
static const char *xml_check(const char *s)
{
    static char why[160];
    char stack[64][32];
    int depth = 0, roots = 0;
    for (size_t i = 0; s[i];) {
        if (s[i] == '&') {
            if (!entity_ok(s + i))
                return snprintf(why, sizeof why, "bare '&' at %zu", i), why;
            i++;
            continue;
        }
        if (s[i] != '<') {
            i++;
            continue;
        }
        if (strncmp(s + i, "<!--", 4) == 0) {
            const char *e = strstr(s + i, "-->");
            if (!e)
                return "unclosed comment";
            i = (size_t)(e - s) + 3;
            continue;
        }
        int closing = s[i + 1] == '/';
        size_t j = i + 1 + (size_t)closing, n0 = j;
        while (name_char(s[j]))
            j++;
        if (j == n0 || j - n0 >= 32)
            return snprintf(why, sizeof why, "bad element name at %zu", i), why;
        char name[32];
        memcpy(name, s + n0, j - n0);
        name[j - n0] = '\0';
        if (closing) {
            if (s[j] != '>')
                return snprintf(why, sizeof why, "bad closing tag </%s at %zu", name, i), why;
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
                return snprintf(why, sizeof why, "</%s> closes <%s> at %zu", name, depth ? stack[depth - 1] : "",
                                i), why;
            depth--;
            i = j + 1;
            continue;
        }
        for (;;) { /* attributes */
            while (s[j] == ' ' || s[j] == '\n')
                j++;
            if (s[j] == '>' || (s[j] == '/' && s[j + 1] == '>'))
                break;
            size_t a0 = j;
            while (name_char(s[j]))
                j++;
            if (j == a0 || s[j] != '=' || s[j + 1] != '"')
                return snprintf(why, sizeof why, "unquoted or bad attribute in <%s> at %zu", name, j), why;
            j += 2;
            while (s[j] && s[j] != '"') {
                if (s[j] == '<' || (s[j] == '&' && !entity_ok(s + j)))
                    return snprintf(why, sizeof why, "bad character in an attribute of <%s> at %zu", name, j), why;
                j++;
            }
            if (!s[j])
                return "unterminated attribute";
            j++;
        }
        if (depth == 0 && ++roots > 1)
            return "more than one root element";
        if (s[j] == '/') {
            i = j + 2;
        } else {
            if (depth == 64)
                return "too deep";
            strcpy(stack[depth++], name);
            i = j + 1;
        }
    }
    return depth ? "unclosed element" : NULL;
}

/* Everything the report needs of a plot: well-formed, <svg ... class="vx-plot" data-plot="KIND">, no ids, no
 * scripts, no external references; then freed. */
static void check_svg(char *svg, const char *kind, const vx_error *err)
{
    if (!svg)
        fail_msg("%s: NULL (%s)", kind, err->msg);
    const char *why = xml_check(svg);
    if (why)
        fail_msg("%s: not well-formed: %s", kind, why);
    assert_int_equal(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"vx-plot\" data-plot=\"", 67), 0);
    char want[64];
    snprintf(want, sizeof want, "data-plot=\"%s\"", kind);
    assert_non_null(strstr(svg, want));
    assert_non_null(strstr(svg, " viewBox=\"0 0 "));
    assert_non_null(strstr(svg, "font-family=\"sans-serif\""));
    assert_null(strstr(svg, " id="));
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "href"));
    assert_null(strstr(svg, "clipPath"));
    assert_null(strstr(svg, "nan"));
    assert_null(strstr(svg, "inf"));
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* ---- ticks and scales ---------------------------------------------------------------------------------- */

static void test_nice_ticks(void **state)
{
    (void)state;
    double t[VXR_MAXTICKS];
    int d;
    /* 0..1 in about 5 intervals: raw step 0.2 = 2 x 10^-1 */
    double step = vxr_nice_step(1, 5, &d);
    vx_assert_near(step, 0.2, 1e-15);
    assert_int_equal(d, 1);
    int n = vxr_ticks_linear(0, 1, step, t, VXR_MAXTICKS);
    assert_int_equal(n, 6);
    for (int i = 0; i < 6; i++)
        vx_assert_near(t[i], 0.2 * i, 1e-12);
    /* 10 in 4 intervals: raw 2.5 -> step 2.5, one decimal */
    vx_assert_near(vxr_nice_step(10, 4, &d), 2.5, 1e-15);
    assert_int_equal(d, 1);
    /* 0..37 taken from data: step 37/6 = 6.2 -> 10; 0 is a tick and stays, 37 + 4% = 38.5 extends to 40 */
    vxr_extent e;
    vxr_extent_init(&e, 0);
    vxr_extent_add(&e, 0);
    vxr_extent_add(&e, 37);
    vxr_extent_add(&e, NAN); /* skipped */
    vxr_axis a = {0};
    vxr_axis_setup(&a, &e, 0, 0, 6);
    vx_assert_near(a.lo, 0, 0);
    vx_assert_near(a.hi, 40, 1e-12);
    assert_int_equal(a.nt, 5);
    for (int i = 0; i < 5; i++)
        vx_assert_near(a.t[i], 10.0 * i, 1e-12);
    char s[32];
    assert_string_equal(vxr_tick_label(&a, 4, s, sizeof s), "40");
    /* -0.3..0.7 by 0.2: -0.2, 0, 0.2, 0.4, 0.6; the zero is exactly 0, printed "0.0" not "-0.0" */
    n = vxr_ticks_linear(-0.3, 0.7, 0.2, t, VXR_MAXTICKS);
    assert_int_equal(n, 5);
    assert_true(t[1] == 0 && !signbit(t[1]));
    assert_string_equal(vxr_fmt_tick(s, sizeof s, 0.1 + 0.2, 1), "0.3");
    assert_string_equal(vxr_fmt_tick(s, sizeof s, -1e-17, 1), "0.0");
    assert_string_equal(vxr_fmt_tick(s, sizeof s, 2.5, 1), "2.5");
    assert_string_equal(vxr_fmt_tick(s, sizeof s, 1e6, 0), "1e6");
    /* a fixed range is used as given */
    vxr_axis_setup(&a, &e, 0, 1, 5);
    vx_assert_near(a.lo, 0, 0);
    vx_assert_near(a.hi, 1, 0);
    assert_int_equal(a.nt, 6);
    /* all-equal data: a span around the value, never a zero-width axis */
    vxr_extent_init(&e, 0);
    vxr_extent_add(&e, 5);
    vxr_axis_setup(&a, &e, 0, 0, 6);
    assert_true(a.lo < 5 && a.hi > 5 && a.nt >= 2);
}

static void test_log_ticks(void **state)
{
    (void)state;
    double t[VXR_MAXTICKS];
    /* 1e-3..1e2: five decades, a tick at each */
    int n = vxr_ticks_log(1e-3, 1e2, t, VXR_MAXTICKS);
    assert_int_equal(n, 6);
    for (int i = 0; i < 6; i++)
        vx_assert_near_rel(t[i], pow(10.0, i - 3), 1e-12);
    /* 0.4..3 (less than a decade): 1-2-5 -> 0.5, 1, 2 */
    n = vxr_ticks_log(0.4, 3, t, VXR_MAXTICKS);
    assert_int_equal(n, 3);
    vx_assert_near(t[0], 0.5, 1e-12);
    vx_assert_near(t[1], 1, 1e-12);
    vx_assert_near(t[2], 2, 1e-12);
    /* a log axis from data skips values <= 0 and labels decades plainly */
    vxr_extent e;
    vxr_extent_init(&e, 1);
    double v[4] = {1e-3, 0, -1, 100};
    vxr_extent_addv(&e, v, 4);
    assert_int_equal((int)e.n, 2);
    vxr_axis a = {0};
    vxr_axis_setup(&a, &e, 0, 0, 6);
    vx_assert_near_rel(a.lo, 1e-3, 1e-12);
    vx_assert_near_rel(a.hi, 100, 1e-12);
    char s[32];
    assert_string_equal(vxr_tick_label(&a, 0, s, sizeof s), "0.001");
    assert_string_equal(vxr_tick_label(&a, 5, s, sizeof s), "100");
}

static void test_mapping_and_clipping(void **state)
{
    (void)state;
    vxr_axis a = {.lo = 0, .hi = 1, .p0 = 100, .p1 = 300};
    vx_assert_near(vxr_map(&a, 0.5), 200, 1e-12);
    vxr_axis y = {.lo = 0, .hi = 1, .p0 = 250, .p1 = 50}; /* y runs upwards */
    vx_assert_near(vxr_map(&y, 0.25), 200, 1e-12);
    vxr_axis l = {.lo = 1, .hi = 100, .log = 1, .p0 = 0, .p1 = 200};
    vx_assert_near(vxr_map(&l, 10), 100, 1e-12);
    assert_true(isnan(vxr_map(&l, 0)));
    assert_true(isnan(vxr_map(&a, NAN)));
    /* a segment from (0, 150) to (400, 150) through the area [100, 300] x [50, 250] */
    vxr_plot p;
    memset(&p, 0, sizeof p);
    p.L = 100, p.R = 300, p.T = 50, p.B = 250;
    double x0 = 0, y0 = 150, x1 = 400, y1 = 150;
    assert_true(vxr_clip_segment(&p, &x0, &y0, &x1, &y1));
    vx_assert_near(x0, 99.5, 1e-9); /* half-pixel tolerance */
    vx_assert_near(x1, 300.5, 1e-9);
    vx_assert_near(y0, 150, 1e-9);
    /* diagonal (0, 0) -> (200, 200) enters at y = 50 (x = 50 is outside), i.e. at (100, 100) on the left edge */
    x0 = 0, y0 = 0, x1 = 200, y1 = 200;
    assert_true(vxr_clip_segment(&p, &x0, &y0, &x1, &y1));
    vx_assert_near(x0, 99.5, 1e-9);
    vx_assert_near(y0, 99.5, 1e-9);
    x0 = 0, y0 = 0, x1 = 50, y1 = 40; /* entirely outside */
    assert_false(vxr_clip_segment(&p, &x0, &y0, &x1, &y1));
}

/* A point at (0.5, 0.5) on 0..1 axes lands at the middle of the plot area (read back from the axis lines). */
static void test_point_position(void **state)
{
    (void)state;
    double x[1] = {0.5}, y[1] = {0.5};
    vx_plot_series s = {.x = x, .y = y, .n = 1, .color = -1, .style = VX_PLOT_POINTS};
    vx_plot_axes ax = {.xmin = 0, .xmax = 1, .ymin = 0, .ymax = 1, .xlabel = "x", .ylabel = "y"};
    vx_error err = {0};
    char *svg = vx_plot_lines(&ax, &s, 1, &err);
    check_svg(svg, "lines", &err);
    double L, T, B, B2, R, cx, cy;
    const char *axis = strstr(svg, "<path d=\"M");
    assert_non_null(axis);
    assert_int_equal(sscanf(axis, "<path d=\"M%lf %lfV%lfM%lf %lfH%lf", &L, &T, &B, &L, &B2, &R), 6);
    const char *c = strstr(svg, "<circle cx=\"");
    assert_non_null(c);
    assert_int_equal(sscanf(c, "<circle cx=\"%lf\" cy=\"%lf\"", &cx, &cy), 2);
    vx_assert_near(cx, (L + R) / 2, 0.011);
    vx_assert_near(cy, (T + B) / 2, 0.011);
    vx_plot_free(svg);
}

/* ---- every kind: well-formed, deterministic -------------------------------------------------------------- */

typedef char *(*maker)(vx_error *err);

static const char *const LABELS[4] = {"a <b> & \"c\"", "feature_with_a_name_much_longer_than_any_column_allows_x",
                                      "gamma", "delta"};

static char *make_lines(vx_error *err)
{
    static const double x[5] = {0, 0.25, NAN, 0.75, 1}, y[5] = {0, 0.5, 0.6, 2.0, 1};
    static const double lo[5] = {0, 0.4, 0.5, 0.7, 0.9}, hi[5] = {0, 0.6, 0.7, 0.9, 1};
    vx_plot_series s[2] = {{.label = LABELS[0], .x = x, .y = y, .n = 5, .lo = lo, .hi = hi, .color = -1},
                           {.label = "pts", .x = x, .y = lo, .n = 5, .err_lo = lo, .err_hi = hi, .color = -1,
                            .style = VX_PLOT_LINE_POINTS, .dashed = 1, .opacity = 0.5}};
    vx_plot_axes ax = {.title = LABELS[0], .xlabel = "x & y", .ylabel = "<y>", .xmin = 0, .xmax = 1, .ymin = 0,
                       .ymax = 1, .diagonal = 1, .hline = 0.5, .hline_on = 1, .note = "AUC 0.71 (0.6-0.8)"};
    return vx_plot_lines(&ax, s, 2, err);
}

static char *make_km(vx_error *err)
{
    static const double t[4] = {0, 10, 20, 30}, s0[4] = {1, 0.8, 0.6, 0.5}, s1[4] = {1, 0.7, 0.4, 0.2};
    static const unsigned char mk[4] = {0, 1, 0, 1};
    vx_plot_series s[2] = {{.label = "low", .x = t, .y = s0, .n = 4, .lo = s1, .hi = s0, .color = -1,
                            .style = VX_PLOT_STEP, .marks = mk},
                           {.label = LABELS[1], .x = t, .y = s1, .n = 4, .color = -1, .style = VX_PLOT_STEP}};
    double at[3] = {0, 10, 20}, risk[6] = {50, 40, 30, 50, 30, 10};
    vx_plot_axes ax = {.title = "KM", .xlabel = "days", .ylabel = "S(t)", .note = "log-rank p = 0.003"};
    return vx_plot_km(&ax, s, 2, at, 3, risk, err);
}

static char *make_forest(vx_error *err)
{
    double est[4] = {1.5, 0.7, NAN, 20}, lo[4] = {1.1, 0.5, NAN, 0.01}, hi[4] = {2.1, 0.98, NAN, 1e4},
           p[4] = {0.004, 0.04, NAN, 0.5};
    vx_plot_axes ax = {.title = "Cox", .xlabel = "HR", .vline = 1, .vline_on = 1, .xmin = 0.1, .xmax = 10};
    return vx_plot_forest(&ax, LABELS, est, lo, hi, p, 4, 1, err);
}

static char *make_scatter(vx_error *err)
{
    double x[5] = {1, 2, NAN, 4, 5}, y[5] = {2, 1, 3, 5, 4};
    int g[5] = {0, 1, 0, 1, -1};
    unsigned char hl[5] = {0, 1, 0, 1, 0};
    const char *names[2] = {"GE", "Siemens & co"};
    const char *labels[5] = {"p0", LABELS[0], "p2", LABELS[1], NULL};
    vx_plot_axes ax = {.title = "PCA", .xlabel = "PC1", .ylabel = "PC2"};
    return vx_plot_scatter(&ax, x, y, 5, g, names, 2, hl, labels, err);
}

static char *make_heatmap(vx_error *err)
{
    double v[6] = {0.5, -0.3, NAN, 0.9, -0.9, 0};
    unsigned char m[6] = {1, 0, 0, 1, 1, 0};
    const char *cols[3] = {"G1", "G<2>", "G3"};
    vx_plot_axes ax = {.title = "assoc"};
    return vx_plot_heatmap(&ax, v, 2, 3, LABELS, cols, 0, "rho", m, err);
}

static char *make_histogram(vx_error *err)
{
    double v[8] = {0.1, 0.5, 0.55, 0.8, 0.9, NAN, 0.95, 1.0};
    vx_plot_axes ax = {.title = "ICC", .xlabel = "ICC", .vline = 0.75, .vline_on = 1, .xmin = 0, .xmax = 1};
    return vx_plot_histogram(&ax, v, 8, 10, err);
}

static char *make_bars(vx_error *err)
{
    double v[4] = {0.4, -0.2, NAN, 0.05};
    vx_plot_axes ax = {.title = "importance"};
    return vx_plot_bars(&ax, LABELS, v, 4, err);
}

static char *make_gsea(vx_error *err)
{
    double r[10] = {0.1, 0.2, 0.15, 0.3, 0.25, 0.2, 0.1, 0.0, -0.05, 0};
    size_t hits[4] = {0, 1, 3, 99}; /* 99 is past the end: ignored */
    vx_plot_axes ax = {.title = "SET"};
    return vx_plot_gsea(&ax, r, 10, hits, 4, 0.3, err);
}

static const struct {
    const char *kind;
    maker make;
} KINDS[8] = {{"lines", make_lines},         {"km", make_km},     {"forest", make_forest},
              {"scatter", make_scatter},     {"heatmap", make_heatmap}, {"histogram", make_histogram},
              {"bars", make_bars},           {"gsea", make_gsea}};

static void test_every_kind(void **state)
{
    (void)state;
    for (size_t k = 0; k < 8; k++) {
        vx_error err = {0};
        char *a = KINDS[k].make(&err), *b = KINDS[k].make(&err);
        check_svg(a, KINDS[k].kind, &err);
        assert_non_null(b);
        assert_string_equal(a, b); /* deterministic */
        vx_plot_free(a);
        vx_plot_free(b);
    }
}

static void test_escaping_and_truncation(void **state)
{
    (void)state;
    vx_error err = {0};
    char *svg = make_lines(&err);
    check_svg(svg, "lines", &err);
    assert_non_null(strstr(svg, ">a &lt;b&gt; &amp; &quot;c&quot;<"));
    assert_null(strstr(svg, "a <b>"));
    vx_plot_free(svg);
    /* a long row label is cut with an ellipsis, the full name kept in a <title> */
    svg = make_forest(&err);
    check_svg(svg, "forest", &err);
    assert_non_null(strstr(svg, "\xE2\x80\xA6<title>feature_with_a_name_much_longer_than_any_column_allows_x</title>"));
    vx_plot_free(svg);
    /* a title far wider than the canvas is cut too; the root names the image by its (escaped) title */
    char title[400];
    memset(title, 'x', sizeof title - 1);
    title[sizeof title - 1] = '\0';
    vx_plot_axes ax = {.title = title};
    double v[2] = {1, 2};
    svg = vx_plot_bars(&ax, LABELS, v, 2, &err);
    check_svg(svg, "bars", &err);
    assert_non_null(strstr(svg, "x\xE2\x80\xA6<title>xxxxxxxx"));
    vx_plot_free(svg);
    svg = make_lines(&err);
    assert_non_null(strstr(svg, " role=\"img\" aria-label=\"a &lt;b&gt; &amp; &quot;c&quot;\">"));
    vx_plot_free(svg);
    vxr_buf b = {0};
    vxr_esc_trunc(&b, "\xC3\xA9t\xC3\xA9 & co", 4); /* UTF-8: cut on characters, not bytes */
    assert_string_equal(b.s, "\xC3\xA9t\xC3\xA9\xE2\x80\xA6");
    free(b.s);
}

static void test_nan_skipped(void **state)
{
    (void)state;
    double x[6] = {0, 1, NAN, 3, 4, INFINITY}, y[6] = {0, NAN, 2, 3, 4, 5};
    vx_plot_series s = {.x = x, .y = y, .n = 6, .color = 0, .style = VX_PLOT_POINTS};
    vx_error err = {0};
    char *svg = vx_plot_lines(NULL, &s, 1, &err);
    check_svg(svg, "lines", &err);
    assert_int_equal(count(svg, "<circle"), 3); /* (0,0), (3,3), (4,4) */
    vx_plot_free(svg);
    /* a single point and all-equal values still give a frame with ticks */
    double one[1] = {7};
    s = (vx_plot_series){.x = one, .y = one, .n = 1, .style = VX_PLOT_LINE_POINTS};
    svg = vx_plot_lines(NULL, &s, 1, &err);
    check_svg(svg, "lines", &err);
    assert_int_equal(count(svg, "<circle"), 1);
    vx_plot_free(svg);
    double same[5] = {3, 3, 3, 3, 3};
    svg = vx_plot_histogram(NULL, same, 5, 0, &err);
    check_svg(svg, "histogram", &err);
    vx_plot_free(svg);
}

/* Awkward inputs for every kind: one point, all-equal, huge and tiny magnitudes, infinities, zeros on log axes.
 * Each must give a well-formed plot or an error with a message, never a crash or "nan" in the output. */
static void test_awkward_inputs(void **state)
{
    (void)state;
    static const double cases[][4] = {{1, 1, 1, 1},           {0, 0, 0, 0},          {1e300, -1e300, 0, 1},
                                      {1.7e308, -1.7e308, 0, 0}, {1e-300, 2e-300, 0, 0}, {INFINITY, -INFINITY, 1, NAN},
                                      {-5, -1, -2, -3},        {1e-9, 1e9, 1, 0.5}};
    const char *l4[4] = {"a", "b", "c", "d"};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const double *v = cases[c];
        unsigned char m[4] = {1, 0, 1, 0};
        size_t hits[2] = {0, 3};
        for (size_t n = 1; n <= 4; n += 3) {
            vx_error err = {0};
            char *svg[8];
            vx_plot_series s = {.label = "s", .x = v, .y = v, .n = n, .lo = v, .hi = v, .err_lo = v, .err_hi = v,
                                .style = VX_PLOT_STEP, .marks = m};
            vx_plot_axes ax = {.xlog = (int)(c % 2), .title = "t", .xlabel = "x", .ylabel = "y", .note = "n"};
            svg[0] = vx_plot_lines(&ax, &s, 1, &err);
            svg[1] = vx_plot_km(&ax, &s, 1, v, n, v, &err);
            svg[2] = vx_plot_forest(&ax, l4, v, v, v, v, n, (int)(c % 2), &err);
            svg[3] = vx_plot_scatter(&ax, v, v, n, NULL, NULL, 0, m, l4, &err);
            svg[4] = vx_plot_heatmap(&ax, v, 1, n, l4, l4, 0, "c", m, &err);
            svg[5] = vx_plot_histogram(&ax, v, n, 0, &err);
            svg[6] = vx_plot_bars(&ax, l4, v, n, &err);
            svg[7] = vx_plot_gsea(&ax, v, n, hits, 2, v[0], &err);
            for (size_t k = 0; k < 8; k++) {
                if (!svg[k])
                    continue;
                const char *why = xml_check(svg[k]);
                if (why || strstr(svg[k], "nan") || strstr(svg[k], "inf"))
                    fail_msg("case %zu, n %zu, %s: %s", c, n, KINDS[k].kind, why ? why : "nan or inf printed");
                vx_plot_free(svg[k]);
            }
        }
    }
}

static void test_locale(void **state)
{
    (void)state;
    vx_error err = {0};
    char *c = make_lines(&err);
    assert_non_null(c);
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "de_DE", NULL};
    const char *got = NULL;
    for (int i = 0; names[i] && !got; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    if (!got) {
        vx_plot_free(c);
        skip(); /* no comma-decimal locale installed: only this assertion is skipped */
        return;
    }
    char *d = make_lines(&err);
    setlocale(LC_NUMERIC, "C");
    assert_non_null(d);
    assert_string_equal(c, d);
    vx_plot_free(c);
    vx_plot_free(d);
}

static void test_errors(void **state)
{
    (void)state;
    vx_error err;
    double v[2] = {1, 2};
    const char *l[2] = {"a", "b"};
#define EXPECT_ERROR(call)                                                                                      \
    do {                                                                                                       \
        vx_error_clear(&err);                                                                                  \
        char *r_ = (call);                                                                                     \
        assert_null(r_);                                                                                       \
        assert_true(err.code < 0);                                                                             \
        assert_true(strlen(err.msg) > 10);                                                                     \
    } while (0)
    EXPECT_ERROR(vx_plot_lines(NULL, NULL, 1, &err));
    vx_plot_series s = {.x = v, .y = NULL, .n = 2};
    EXPECT_ERROR(vx_plot_lines(NULL, &s, 1, &err));
    s.y = v;
    EXPECT_ERROR(vx_plot_lines(NULL, &s, 0, &err));
    double nan2[2] = {NAN, NAN};
    s.y = nan2;
    EXPECT_ERROR(vx_plot_lines(NULL, &s, 1, &err));
    EXPECT_ERROR(vx_plot_km(NULL, NULL, 0, NULL, 0, NULL, &err));
    s.y = v;
    EXPECT_ERROR(vx_plot_km(NULL, &s, 1, v, 2, NULL, &err));
    EXPECT_ERROR(vx_plot_forest(NULL, l, NULL, v, v, NULL, 2, 0, &err));
    EXPECT_ERROR(vx_plot_forest(NULL, l, v, v, v, NULL, 0, 0, &err));
    EXPECT_ERROR(vx_plot_scatter(NULL, v, NULL, 2, NULL, NULL, 0, NULL, NULL, &err));
    EXPECT_ERROR(vx_plot_scatter(NULL, v, v, 0, NULL, NULL, 0, NULL, NULL, &err));
    EXPECT_ERROR(vx_plot_heatmap(NULL, NULL, 2, 2, NULL, NULL, 0, NULL, NULL, &err));
    EXPECT_ERROR(vx_plot_heatmap(NULL, v, 0, 2, NULL, NULL, 0, NULL, NULL, &err));
    EXPECT_ERROR(vx_plot_histogram(NULL, NULL, 2, 0, &err));
    EXPECT_ERROR(vx_plot_histogram(NULL, nan2, 2, 0, &err));
    EXPECT_ERROR(vx_plot_bars(NULL, l, NULL, 2, &err));
    EXPECT_ERROR(vx_plot_bars(NULL, l, v, 0, &err));
    EXPECT_ERROR(vx_plot_gsea(NULL, NULL, 2, NULL, 0, 0, &err));
    EXPECT_ERROR(vx_plot_gsea(NULL, v, 2, NULL, 3, 0, &err));
#undef EXPECT_ERROR
    /* the palette */
    assert_string_equal(vx_plot_color(0), "#0072B2");
    assert_string_equal(vx_plot_color(9), "#D55E00");
    assert_string_equal(vx_plot_color(-1), "#000000");
    vx_plot_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nice_ticks),        cmocka_unit_test(test_log_ticks),
        cmocka_unit_test(test_mapping_and_clipping), cmocka_unit_test(test_point_position),
        cmocka_unit_test(test_every_kind),        cmocka_unit_test(test_escaping_and_truncation),
        cmocka_unit_test(test_nan_skipped),       cmocka_unit_test(test_awkward_inputs),
        cmocka_unit_test(test_locale),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
