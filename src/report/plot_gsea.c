/* voxomics report: the GSEA enrichment plot of one gene set.
 *
 * Top: the running enrichment score against rank position, a grey line at 0 and a dashed line at ES. Below,
 * a strip with one tick per hit of the set; the x axis (ranks) runs under the strip. A running sum over tens of
 * thousands of genes is thinned to the extremes of each pixel column (drawn shape unchanged), and hits falling
 * on the same pixel column share one tick.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>

#include "svg_impl.h"

#define STRIP 30.0
#define LINE_COLOR "#009E73"
#define ES_COLOR "#D55E00"

/* The running sum, keeping per pixel column only its first, lowest, highest and last points. */
static void running_line(vxr_plot *p, const double *r, size_t n)
{
    vxr_pen q;
    vxr_pen_begin(&q, p);
    long col = -1;
    size_t first = 0, lo = 0, hi = 0, last = 0;
    for (size_t i = 0; i <= n; i++) {
        double x = i < n ? vxr_map(&p->x, (double)(i + 1)) : NAN;
        long c = i < n ? (long)floor(x) : -2;
        if (i < n && !isfinite(r[i]))
            continue;
        if (c != col && col != -1) { /* flush the previous column in index order */
            size_t idx[4] = {first, lo < hi ? lo : hi, lo < hi ? hi : lo, last};
            for (int k = 0; k < 4; k++)
                if (k == 0 || idx[k] != idx[k - 1])
                    vxr_pen_to(&q, vxr_map(&p->x, (double)(idx[k] + 1)), vxr_map(&p->y, r[idx[k]]));
        }
        if (i == n)
            break;
        if (c != col) {
            col = c;
            first = lo = hi = i;
        }
        if (r[i] < r[lo])
            lo = i;
        if (r[i] > r[hi])
            hi = i;
        last = i;
    }
    vxr_pen_end(&q, "fill=\"none\" stroke=\"" LINE_COLOR "\" stroke-width=\"2\" stroke-linejoin=\"round\"");
}

static void hit_strip(vxr_plot *p, const size_t *hits, size_t nh, size_t n)
{
    double y0 = p->B + 8, y1 = p->B + STRIP - 4;
    vxr_out(&p->b, "<rect x=\"%p\" y=\"%p\" width=\"%p\" height=\"%p\" fill=\"#ffffff\" stroke=\"#cccccc\"/>\n", p->L,
            y0, p->R - p->L, y1 - y0);
    size_t w = (size_t)(p->R - p->L) + 2;
    unsigned char *seen = calloc(w, 1);
    if (!seen) {
        p->b.oom = 1;
        return;
    }
    vxr_out(&p->b, "<path d=\"");
    for (size_t k = 0; k < nh; k++) {
        if (hits[k] >= n)
            continue;
        double x = vxr_map(&p->x, (double)(hits[k] + 1));
        if (!(x >= p->L - 0.5 && x <= p->R + 0.5))
            continue;
        size_t c = (size_t)fmax(0, floor(x - p->L));
        if (c >= w || seen[c])
            continue;
        seen[c] = 1;
        vxr_out(&p->b, "M%p %pV%p", x, y0 + 1, y1 - 1);
    }
    vxr_out(&p->b, "\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1\"/>\n");
    free(seen);
}

char *vx_plot_gsea(const vx_plot_axes *ax, const double *running, size_t n, const size_t *hit_positions,
                   size_t nhits, double es, vx_error *err)
{
    static const vx_plot_axes none = {0};
    if (!ax)
        ax = &none;
    vxr_extent ey;
    vxr_extent_init(&ey, 0);
    vxr_extent_addv(&ey, running, n);
    if (!running || ey.n == 0) {
        vx_error_set(err, VX_EINVAL, "vx_plot_gsea: no running enrichment score to draw (running %s, n %zu)",
                     running ? "given" : "NULL", n);
        return NULL;
    }
    if (nhits > 0 && !hit_positions) {
        vx_error_set(err, VX_EINVAL, "vx_plot_gsea: %zu hits but hit_positions is NULL", nhits);
        return NULL;
    }
    vxr_extent_add(&ey, 0);
    vxr_extent_add(&ey, es);
    vxr_extent ex;
    vxr_extent_init(&ex, 0);
    vxr_extent_add(&ex, 0);
    vxr_extent_add(&ex, (double)n);
    vxr_plot p;
    vxr_plot_begin(&p, "gsea", ax, 560, 380);
    vxr_axis_setup(&p.x, &ex, ax->xmin, ax->xmax, 6);
    vxr_axis_setup(&p.y, &ey, ax->ymin, ax->ymax, 5);
    vx_plot_axes a = *ax;
    if (!a.xlabel)
        a.xlabel = "Rank in the ordered list";
    if (!a.ylabel)
        a.ylabel = "Running enrichment score";
    a.hline_on = 1;
    a.hline = 0;
    vxr_layout(&p, &a, 0, STRIP, 0);
    a.hline_on = 0;
    vxr_axes(&p, &a, p.B + STRIP, 1);
    double y0 = vxr_map(&p.y, 0), x0 = p.L, x1 = p.R, y1 = y0;
    if (vxr_clip_segment(&p, &x0, &y0, &x1, &y1))
        vxr_out(&p.b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"#888888\"/>\n", x0, y0, x1, y1);
    double ye = vxr_map(&p.y, es);
    if (vxr_inside(&p, p.L, ye)) {
        char num[32];
        vxr_out(&p.b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"" ES_COLOR "\" stroke-width=\"1.2\" "
                      "stroke-dasharray=\"5 4\"/>\n", p.L, ye, p.R, ye);
        double yt = es >= 0 ? ye - 5 : ye + 14, xt = p.R - 4;
        vxr_out(&p.b, "<text x=\"%p\" y=\"%p\" text-anchor=\"end\" fill=\"" ES_COLOR "\">ES = %s</text>\n", xt, yt,
                vxr_fmt_val(num, sizeof num, es));
        for (double x = p.L; x <= p.R; x += 6) /* keep the legend off the ES line and its label */
            vxr_occupy(&p, x, ye);
        for (double x = xt - 70; x <= xt; x += 6)
            vxr_occupy(&p, x, yt - 5), vxr_occupy(&p, x, yt - 5), vxr_occupy(&p, x, yt - 5);
    }
    running_line(&p, running, n);
    hit_strip(&p, hit_positions, nhits, n);
    vxr_legend(&p, NULL, 0, ax->note);
    return vxr_plot_end(&p, err);
}
