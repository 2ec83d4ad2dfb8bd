/* voxomics report: histograms (vertical bars of counts) and horizontal bar charts (importance, frequency).
 *
 * A histogram's bins are half-open [a, b) except the last, which includes its right edge (as numpy and R);
 * values outside the range are not counted. nbins 0 picks Sturges' rule, ceil(log2 n) + 1. Each bar carries
 * a <title> with its bin and count for hover.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>

#include "svg_impl.h"

#define LABEL_CH 36
#define ROW_H 22.0

static void bins_range(const vx_plot_axes *ax, const vxr_extent *e, double *lo, double *hi)
{
    if (isfinite(ax->xmin) && isfinite(ax->xmax) && ax->xmin < ax->xmax) {
        *lo = ax->xmin, *hi = ax->xmax;
        return;
    }
    *lo = e->lo, *hi = e->hi;
    if (!(*hi > *lo)) { /* all equal */
        double half = *lo != 0 ? fabs(*lo) * 0.1 : 0.5;
        *lo -= half, *hi += half;
    }
}

static void hist_bars(vxr_plot *p, const size_t *count, size_t nb, double lo, double w)
{
    char a[32], b[32];
    vxr_out(&p->b, "<g fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.8\">\n", vx_plot_color(0));
    for (size_t k = 0; k < nb; k++) {
        if (count[k] == 0)
            continue;
        double e0 = lo + w * (double)k, e1 = lo + w * (double)(k + 1);
        double x0 = vxr_map(&p->x, e0), x1 = vxr_map(&p->x, e1), y = vxr_map(&p->y, (double)count[k]);
        double y0 = p->B, yc = fmax(y, p->T);
        for (double yy = yc; yy <= y0; yy += 6)
            vxr_occupy(p, (x0 + x1) / 2, yy);
        vxr_out(&p->b, "<rect x=\"%p\" y=\"%p\" width=\"%p\" height=\"%p\"><title>%s%t, %t%s: %z</title></rect>\n",
                x0, yc, x1 - x0, y0 - yc, "[", vxr_fmt_val(a, sizeof a, e0), vxr_fmt_val(b, sizeof b, e1),
                k + 1 == nb ? "]" : ")", count[k]);
    }
    vxr_out(&p->b, "</g>\n");
}

char *vx_plot_histogram(const vx_plot_axes *ax, const double *values, size_t n, size_t nbins, vx_error *err)
{
    static const vx_plot_axes none = {0};
    if (!ax)
        ax = &none;
    vxr_extent e;
    vxr_extent_init(&e, 0);
    vxr_extent_addv(&e, values, n);
    if (!values || e.n == 0) {
        vx_error_set(err, VX_EINVAL, "vx_plot_histogram: no finite value to count (values %s, n %zu)",
                     values ? "given" : "NULL", n);
        return NULL;
    }
    if (nbins == 0)
        nbins = (size_t)ceil(log2((double)e.n)) + 1;
    if (nbins > 1000)
        nbins = 1000;
    double lo, hi;
    bins_range(ax, &e, &lo, &hi);
    size_t *count = calloc(nbins, sizeof *count), top = 0;
    if (!count) {
        vx_error_set(err, VX_ENOMEM, "vx_plot_histogram: out of memory for %zu bins", nbins);
        return NULL;
    }
    double w = (hi - lo) / (double)nbins;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i]) || values[i] < lo || values[i] > hi)
            continue;
        size_t k = (size_t)((values[i] - lo) / w);
        count[k < nbins ? k : nbins - 1]++;
    }
    for (size_t k = 0; k < nbins; k++)
        top = count[k] > top ? count[k] : top;
    vxr_plot p;
    vxr_plot_begin(&p, "histogram", ax, 520, 360);
    vxr_extent ex, ey;
    vxr_extent_init(&ex, 0);
    vxr_extent_add(&ex, lo), vxr_extent_add(&ex, hi);
    if (ax->vline_on)
        vxr_extent_add(&ex, ax->vline);
    vxr_extent_init(&ey, 0);
    vxr_extent_add(&ey, 0), vxr_extent_add(&ey, (double)(top ? top : 1));
    vxr_axis_setup(&p.x, &ex, ax->xmin, ax->xmax, 6);
    vxr_axis_setup(&p.y, &ey, ax->ymin, ax->ymax, 5);
    if (p.y.decimals > 0) { /* counts: whole-number ticks only */
        p.y.decimals = 0;
        p.y.nt = vxr_ticks_linear(p.y.lo, p.y.hi, 1, p.y.t, VXR_MAXTICKS);
    }
    vx_plot_axes a = *ax;
    if (!a.ylabel)
        a.ylabel = "Count";
    vxr_layout(&p, &a, 0, 0, 0);
    a.vline_on = 0; /* the threshold goes over the bars */
    vxr_axes(&p, &a, p.B, 1);
    hist_bars(&p, count, nbins, lo, w);
    free(count);
    if (ax->vline_on) {
        double x0 = vxr_map(&p.x, ax->vline), x1 = x0, y0 = p.T, y1 = p.B;
        if (vxr_clip_segment(&p, &x0, &y0, &x1, &y1))
            vxr_out(&p.b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"#222222\" stroke-width=\"1.5\" "
                          "stroke-dasharray=\"5 4\"/>\n", x0, y0, x1, y1);
    }
    vxr_legend(&p, NULL, 0, ax->note);
    return vxr_plot_end(&p, err);
}

/* ---- horizontal bars ---- */

static double label_w(const char *s)
{
    return vxr_label_width(s, VXR_FS_TICK, LABEL_CH);
}

/* gap: room kept between the labels and the axis for the values of negative bars */
static void bar_row(vxr_plot *p, const char *label, double v, double y, double rh, double gap)
{
    char num[32];
    vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" text-anchor=\"end\">", p->L - 8 - gap, y + 4);
    vxr_label(&p->b, label, LABEL_CH);
    vxr_out(&p->b, "</text>\n");
    double x0 = vxr_map(&p->x, 0), x1 = vxr_map(&p->x, v);
    if (!isfinite(x1)) {
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" fill=\"#888888\">NA</text>\n", fmax(x0, p->L) + 4, y + 4);
        return;
    }
    x0 = fmin(fmax(x0, p->L), p->R);
    x1 = fmin(fmax(x1, p->L), p->R);
    double a = fmin(x0, x1), b = fmax(x0, x1), h = fmin(rh * 0.7, 18);
    vxr_out(&p->b, "<rect x=\"%p\" y=\"%p\" width=\"%p\" height=\"%p\" fill=\"%s\"/>\n", a, y - h / 2, b - a, h,
            vx_plot_color(v < 0 ? 1 : 0));
    vxr_out(&p->b, "<text x=\"%p\" y=\"%p\"%s>%s</text>\n", v < 0 ? a - 4 : b + 4, y + 4,
            v < 0 ? " text-anchor=\"end\"" : "", vxr_fmt_val(num, sizeof num, v));
}

char *vx_plot_bars(const vx_plot_axes *ax, const char *const *labels, const double *values, size_t n,
                   vx_error *err)
{
    static const vx_plot_axes none = {0};
    if (!ax)
        ax = &none;
    if (!values || n == 0) {
        vx_error_set(err, VX_EINVAL, "vx_plot_bars: no bars to draw (values %s, n %zu)", values ? "given" : "NULL",
                     n);
        return NULL;
    }
    double labw = 0, valw = 0;
    char num[32];
    vxr_extent ex;
    vxr_extent_init(&ex, 0);
    vxr_extent_add(&ex, 0);
    int neg = 0;
    for (size_t i = 0; i < n; i++) {
        labw = fmax(labw, label_w(labels && labels[i] ? labels[i] : ""));
        valw = fmax(valw, vxr_text_width(vxr_fmt_val(num, sizeof num, values[i]), VXR_FS_TICK));
        vxr_extent_add(&ex, values[i]);
        neg |= values[i] < 0;
    }
    int top = ax->title ? VXR_FS_TITLE + 18 : 14, bottom = 8 + VXR_FS_TICK + 6 + (ax->xlabel ? VXR_FS_LABEL + 8 : 0);
    vx_plot_axes a = *ax;
    a.ylabel = NULL;
    vxr_plot p;
    vxr_plot_begin(&p, "bars", &a, (int)fmax(520, labw + valw + 320), top + (int)(ROW_H * (double)n) + bottom + 8);
    vxr_axis_setup(&p.x, &ex, ax->xmin, ax->xmax, 5);
    p.y.lo = 0, p.y.hi = 1, p.y.nt = 0;
    vxr_layout(&p, &a, labw + (neg ? valw + 6 : 0), 0, valw + 8);
    vxr_axes(&p, &a, p.B, 1);
    double rh = (p.B - p.T - 4) / (double)n;
    for (size_t i = 0; i < n; i++)
        bar_row(&p, labels && labels[i] ? labels[i] : "", values[i], p.T + 2 + rh * ((double)i + 0.5), rh,
                neg ? valw + 6 : 0);
    double x0 = vxr_map(&p.x, 0);
    if (x0 > p.L + 0.5 && x0 < p.R)
        vxr_out(&p.b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"#444444\"/>\n", x0, p.T, x0, p.B);
    return vxr_plot_end(&p, err);
}
