/* voxomics report: line plots (vx_plot_lines) and the series drawing shared with Kaplan-Meier curves:
 * straight lines or right-continuous steps, confidence bands at 20% opacity, vertical error bars, markers and
 * censoring marks, every piece clipped to the plot area.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "svg_impl.h"

const char *vxr_series_color(const vx_plot_series *s, size_t i)
{
    return vx_plot_color(s[i].color >= 0 ? s[i].color : (int)(i % 8));
}

int vxr_check_series(const vx_plot_series *s, size_t ns, const char *fn, vx_error *err)
{
    if (!s || ns == 0)
        return vx_error_set(err, VX_EINVAL, "%s: no series to draw (series %s, count %zu): pass at least one", fn,
                            s ? "given" : "NULL", ns);
    size_t points = 0;
    for (size_t i = 0; i < ns; i++) {
        if (s[i].n > 0 && (!s[i].x || !s[i].y))
            return vx_error_set(err, VX_EINVAL, "%s: series %zu (%s) has %zu points but its x or y is NULL", fn, i,
                                s[i].label ? s[i].label : "unlabelled", s[i].n);
        if ((s[i].lo == NULL) != (s[i].hi == NULL) || (s[i].err_lo == NULL) != (s[i].err_hi == NULL))
            return vx_error_set(err, VX_EINVAL,
                                "%s: series %zu (%s) gives only one side of its band or error bars: give both lo "
                                "and hi (or neither)",
                                fn, i, s[i].label ? s[i].label : "unlabelled");
        for (size_t j = 0; j < s[i].n; j++)
            points += isfinite(s[i].x[j]) && isfinite(s[i].y[j]);
    }
    if (points == 0)
        return vx_error_set(err, VX_EINVAL, "%s: the %zu series hold no finite point: nothing to draw", fn, ns);
    return VX_OK;
}

void vxr_series_legend(vxr_plot *p, const vx_plot_series *s, size_t ns, const char *note)
{
    vxr_key *k = malloc(ns * sizeof *k);
    if (!k) {
        p->b.oom = 1;
        return;
    }
    vxr_legend(p, k, vxr_series_keys(s, ns, k), note);
    free(k);
}

size_t vxr_series_keys(const vx_plot_series *s, size_t ns, vxr_key *k)
{
    size_t m = 0;
    for (size_t i = 0; i < ns; i++) {
        if (!s[i].label)
            continue;
        int kind = s[i].style == VX_PLOT_POINTS ? VXR_KEY_POINT
                   : s[i].style == VX_PLOT_LINE_POINTS ? VXR_KEY_LINE_POINT
                                                       : VXR_KEY_LINE;
        k[m++] = (vxr_key){s[i].label, vxr_series_color(s, i), kind, s[i].dashed, s[i].opacity};
    }
    return m;
}

/* The band of a series: one clipped polygon per run of points with finite x, lo and hi. */
static void band(vxr_plot *p, const vx_plot_series *s, const char *color)
{
    double *bx = malloc(8 * s->n * sizeof *bx);
    if (!bx) {
        p->b.oom = 1;
        return;
    }
    double *by = bx + 4 * s->n;
    char attrs[64];
    snprintf(attrs, sizeof attrs, "fill=\"%s\" fill-opacity=\"0.2\" stroke=\"none\"", color);
    int step = s->style == VX_PLOT_STEP;
    for (size_t a = 0; a < s->n;) {
        size_t b = a;
        while (b < s->n && isfinite(vxr_map(&p->x, s->x[b])) && isfinite(vxr_map(&p->y, s->lo[b])) &&
               isfinite(vxr_map(&p->y, s->hi[b])))
            b++;
        size_t m = 0;
        for (size_t i = a; i < b; i++) {
            double x = vxr_map(&p->x, s->x[i]);
            if (step && i > a)
                bx[m] = x, by[m++] = vxr_map(&p->y, s->hi[i - 1]);
            bx[m] = x, by[m++] = vxr_map(&p->y, s->hi[i]);
        }
        for (size_t i = b; i-- > a;) {
            double x = vxr_map(&p->x, s->x[i]);
            bx[m] = x, by[m++] = vxr_map(&p->y, s->lo[i]);
            if (step && i > a)
                bx[m] = x, by[m++] = vxr_map(&p->y, s->lo[i - 1]);
        }
        vxr_polygon(p, bx, by, m, attrs);
        a = b > a ? b : a + 1;
    }
    free(bx);
}

static void line(vxr_plot *p, const vx_plot_series *s, const char *color)
{
    vxr_pen q;
    vxr_pen_begin(&q, p);
    double prev = NAN;
    for (size_t i = 0; i < s->n; i++) {
        double x = vxr_map(&p->x, s->x[i]), y = vxr_map(&p->y, s->y[i]);
        if (!isfinite(x) || !isfinite(y)) {
            vxr_pen_break(&q);
            prev = NAN;
            continue;
        }
        if (s->style == VX_PLOT_STEP && isfinite(prev))
            vxr_pen_to(&q, x, prev);
        vxr_pen_to(&q, x, y);
        prev = y;
    }
    char attrs[160], op[16] = "", w[16];
    vxr_fmt(w, sizeof w, "%.3g", s->width > 0 ? s->width : 2);
    if (s->opacity > 0 && s->opacity < 1)
        vxr_fmt(op, sizeof op, "%.3g", s->opacity);
    snprintf(attrs, sizeof attrs, "fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" stroke-linejoin=\"round\"%s%s%s%s",
             color, w, s->dashed ? " stroke-dasharray=\"6 3\"" : "", op[0] ? " stroke-opacity=\"" : "", op,
             op[0] ? "\"" : "");
    vxr_pen_end(&q, attrs);
}

static void error_bars(vxr_plot *p, const vx_plot_series *s, const char *color)
{
    vxr_pen q;
    vxr_pen_begin(&q, p);
    for (size_t i = 0; i < s->n; i++) {
        double x = vxr_map(&p->x, s->x[i]), y0 = vxr_map(&p->y, s->err_lo[i]), y1 = vxr_map(&p->y, s->err_hi[i]);
        if (!isfinite(x) || !isfinite(y0) || !isfinite(y1))
            continue;
        vxr_pen_break(&q);
        vxr_pen_to(&q, x, y0);
        vxr_pen_to(&q, x, y1);
        for (int e = 0; e < 2; e++) { /* caps */
            double y = e ? y1 : y0;
            vxr_pen_break(&q);
            vxr_pen_to(&q, x - 3, y);
            vxr_pen_to(&q, x + 3, y);
        }
    }
    char attrs[96];
    snprintf(attrs, sizeof attrs, "fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\"", color);
    vxr_pen_end(&q, attrs);
}

/* Markers (circles) or censoring marks ("+") at the points, in one group. */
static void points(vxr_plot *p, const vx_plot_series *s, const char *color, int censor)
{
    size_t start = p->b.len;
    int any = 0;
    if (censor)
        vxr_out(&p->b, "<path d=\"");
    else
        vxr_out(&p->b, "<g fill=\"%s\"%s>\n", color, s->opacity > 0 && s->opacity < 1 ? " fill-opacity=\"0.6\"" : "");
    for (size_t i = 0; i < s->n; i++) {
        double x = vxr_map(&p->x, s->x[i]), y = vxr_map(&p->y, s->y[i]);
        if ((censor && !s->marks[i]) || !vxr_inside(p, x, y))
            continue;
        any = 1;
        vxr_occupy(p, x, y);
        if (censor)
            vxr_out(&p->b, "M%p %pv8M%p %ph8", x, y - 4, x - 4, y);
        else
            vxr_out(&p->b, "<circle cx=\"%p\" cy=\"%p\" r=\"3\"/>\n", x, y);
    }
    if (!any) {
        if (!p->b.oom && p->b.s)
            p->b.s[p->b.len = start] = '\0';
        return;
    }
    if (censor)
        vxr_out(&p->b, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", color);
    else
        vxr_out(&p->b, "</g>\n");
}

void vxr_series(vxr_plot *p, const vx_plot_series *s, const char *color)
{
    if (s->n == 0)
        return;
    if (s->lo && s->hi)
        band(p, s, color);
    if (s->style != VX_PLOT_POINTS)
        line(p, s, color);
    if (s->err_lo && s->err_hi)
        error_bars(p, s, color);
    if (s->style == VX_PLOT_POINTS || s->style == VX_PLOT_LINE_POINTS)
        points(p, s, color, 0);
    if (s->style == VX_PLOT_STEP && s->marks)
        points(p, s, color, 1);
}

/* The axes' ranges from every series (points, bands, error bars). */
static void series_extents(const vx_plot_series *s, size_t ns, int xlog, vxr_extent *ex, vxr_extent *ey)
{
    vxr_extent_init(ex, xlog);
    vxr_extent_init(ey, 0);
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < s[i].n; j++) {
            if (!isfinite(s[i].x[j]) || (xlog && s[i].x[j] <= 0))
                continue;
            vxr_extent_add(ex, s[i].x[j]);
            vxr_extent_add(ey, s[i].y[j]);
            if (s[i].lo)
                vxr_extent_add(ey, s[i].lo[j]), vxr_extent_add(ey, s[i].hi[j]);
            if (s[i].err_lo)
                vxr_extent_add(ey, s[i].err_lo[j]), vxr_extent_add(ey, s[i].err_hi[j]);
        }
}

char *vx_plot_lines(const vx_plot_axes *ax, const vx_plot_series *s, size_t ns, vx_error *err)
{
    static const vx_plot_axes none = {0};
    if (!ax)
        ax = &none;
    if (vxr_check_series(s, ns, "vx_plot_lines", err) < 0)
        return NULL;
    vxr_plot p;
    vxr_plot_begin(&p, "lines", ax, 520, 400);
    vxr_extent ex, ey;
    series_extents(s, ns, ax->xlog, &ex, &ey);
    vxr_axis_setup(&p.x, &ex, ax->xmin, ax->xmax, 6);
    vxr_axis_setup(&p.y, &ey, ax->ymin, ax->ymax, 6);
    vxr_layout(&p, ax, 0, 0, 0);
    vxr_axes(&p, ax, p.B, 1);
    for (size_t i = 0; i < ns; i++)
        vxr_series(&p, &s[i], vxr_series_color(s, i));
    vxr_series_legend(&p, s, ns, ax->note);
    return vxr_plot_end(&p, err);
}
