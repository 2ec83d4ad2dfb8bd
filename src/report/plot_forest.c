/* voxomics report: forest plots (hazard ratios, odds ratios, coefficients with their intervals).
 *
 * Layout, left to right: the row labels (right-aligned), the axis with one row per estimate (a square at the
 * estimate, a line over the interval; zebra stripes carry the eye across), and a text column with
 * "est (lo-hi)" and p, aligned on fixed x positions with a header row. An interval running off the axis ends in
 * an arrow head.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svg_impl.h"

#define ROW_H 24.0
#define LABEL_CH 36
#define COLOR "#0072B2"

typedef struct forest {
    const char *const *labels;
    const double *est, *lo, *hi, *p;
    size_t n;
} forest;

static char *fnum(char *out, size_t cap, double v)
{
    if (isfinite(v) && fabs(v) >= 0.01 && fabs(v) < 100)
        return vxr_fmt(out, cap, "%.2f", v);
    return vxr_fmt_val(out, cap, v);
}

/* "est (lo-hi)", or "est (lo, hi)" when a bound is negative (so that minus signs stay readable). */
static char *est_text(char *out, size_t cap, double est, double lo, double hi)
{
    char a[32], b[32], c[32];
    if (!isfinite(est))
        snprintf(out, cap, "NA");
    else if (!isfinite(lo) || !isfinite(hi))
        snprintf(out, cap, "%s", fnum(a, sizeof a, est));
    else
        snprintf(out, cap, "%s (%s%s%s)", fnum(a, sizeof a, est), fnum(b, sizeof b, lo), lo < 0 || hi < 0 ? ", " : "-",
                 fnum(c, sizeof c, hi));
    return out;
}

/* Rows share the plot area's height (ROW_H each at the default height). */
static double row_h(const vxr_plot *p, size_t n) { return (p->B - p->T - 4) / (double)n; }
static double row_y(const vxr_plot *p, size_t i, size_t n) { return p->T + 2 + row_h(p, n) * ((double)i + 0.5); }

/* Zebra stripes under every other row, drawn before the grid. */
static void stripes(vxr_plot *p, size_t n)
{
    for (size_t i = 0; i < n; i += 2)
        vxr_out(&p->b, "<rect x=\"%p\" y=\"%p\" width=\"%p\" height=\"%p\" fill=\"#f2f2f2\"/>\n", 4.0,
                row_y(p, i, n) - row_h(p, n) / 2, p->W - 8.0, row_h(p, n));
}

/* One row: label, interval line (arrow heads where it leaves the axis), square, text column. */
static void row(vxr_plot *p, const forest *f, size_t i, double xtext, double xp)
{
    double y = row_y(p, i, f->n);
    const char *label = f->labels && f->labels[i] ? f->labels[i] : "";
    vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" text-anchor=\"end\">", p->L - 10, y + 4);
    vxr_label(&p->b, label, LABEL_CH);
    vxr_out(&p->b, "</text>\n");
    double lo = f->lo ? f->lo[i] : NAN, hi = f->hi ? f->hi[i] : NAN, est = f->est[i];
    double x0 = vxr_map(&p->x, lo), x1 = vxr_map(&p->x, hi), y0 = y, y1 = y;
    if (isfinite(x0) && isfinite(x1) && vxr_clip_segment(p, &x0, &y0, &x1, &y1)) {
        vxr_out(&p->b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"" COLOR "\" stroke-width=\"1.6\"/>\n",
                x0, y, x1, y);
        if (vxr_map(&p->x, lo) < p->L - 0.5)
            vxr_out(&p->b, "<path d=\"M%p %pl6 -4v8Z\" fill=\"" COLOR "\"/>\n", p->L, y);
        if (vxr_map(&p->x, hi) > p->R + 0.5)
            vxr_out(&p->b, "<path d=\"M%p %pl-6 -4v8Z\" fill=\"" COLOR "\"/>\n", p->R, y);
    }
    double xe = vxr_map(&p->x, est);
    if (vxr_inside(p, xe, y))
        vxr_out(&p->b, "<rect x=\"%p\" y=\"%p\" width=\"9\" height=\"9\" fill=\"" COLOR "\"/>\n", xe - 4.5, y - 4.5);
    char t[96];
    vxr_out(&p->b, "<text x=\"%p\" y=\"%p\">%t</text>\n", xtext, y + 4, est_text(t, sizeof t, est, lo, hi));
    if (f->p)
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\">%t</text>\n", xp, y + 4, vxr_fmt_p(t, sizeof t, f->p[i]));
}

static int check(const char *const *labels, const double *est, size_t n, vx_error *err)
{
    if (!est || n == 0)
        return vx_error_set(err, VX_EINVAL, "vx_plot_forest: no estimates to draw (est %s, n %zu)",
                            est ? "given" : "NULL", n);
    (void)labels;
    for (size_t i = 0; i < n; i++)
        if (isfinite(est[i]))
            return VX_OK;
    return vx_error_set(err, VX_EINVAL, "vx_plot_forest: none of the %zu estimates is finite: nothing to draw", n);
}

char *vx_plot_forest(const vx_plot_axes *ax, const char *const *labels, const double *est, const double *lo,
                     const double *hi, const double *p, size_t n, int log_x, vx_error *err)
{
    static const vx_plot_axes none = {0};
    if (!ax)
        ax = &none;
    if (check(labels, est, n, err) < 0)
        return NULL;
    forest f = {labels, est, lo, hi, p, n};
    double labw = 0, textw = vxr_text_width("Estimate (CI)", VXR_FS_TICK);
    char t[96];
    for (size_t i = 0; i < n; i++) {
        const char *l = labels && labels[i] ? labels[i] : "";
        labw = fmax(labw, vxr_label_width(l, VXR_FS_TICK, LABEL_CH));
        textw = fmax(textw, vxr_text_width(est_text(t, sizeof t, est[i], lo ? lo[i] : NAN, hi ? hi[i] : NAN),
                                           VXR_FS_TICK));
    }
    double pw = p ? vxr_text_width("<0.001", VXR_FS_TICK) + 16 : 0;
    vx_plot_axes a = *ax;
    a.ylabel = NULL;
    int top = ax->title ? VXR_FS_TITLE + 18 : 14;
    int bottom = 8 + VXR_FS_TICK + 6 + (ax->xlabel ? VXR_FS_LABEL + 8 : 0);
    vxr_plot pl;
    int defw = (int)fmax(640, labw + textw + pw + 420), defh = top + 22 + (int)(ROW_H * (double)n) + bottom + 4;
    vxr_plot_begin(&pl, "forest", &a, defw, defh);
    vxr_extent ex;
    vxr_extent_init(&ex, log_x);
    vxr_extent_addv(&ex, est, n);
    vxr_extent_addv(&ex, lo, n);
    vxr_extent_addv(&ex, hi, n);
    if (ax->vline_on)
        vxr_extent_add(&ex, ax->vline);
    vxr_axis_setup(&pl.x, &ex, ax->xmin, ax->xmax, 5);
    pl.y.lo = 0, pl.y.hi = 1, pl.y.nt = 0;
    vxr_layout(&pl, &a, labw + 4, 0, textw + pw + 24);
    pl.T += 22; /* the header row */
    pl.y.p1 = pl.T;
    stripes(&pl, n);
    vxr_axes(&pl, &a, pl.B, 1);
    double xtext = pl.R + 16, xp = xtext + textw + 16;
    vxr_out(&pl.b, "<text x=\"%p\" y=\"%p\" font-weight=\"bold\">Estimate (CI)</text>\n", xtext, pl.T - 8);
    if (p)
        vxr_out(&pl.b, "<text x=\"%p\" y=\"%p\" font-weight=\"bold\">p</text>\n", xp, pl.T - 8);
    for (size_t i = 0; i < n; i++)
        row(&pl, &f, i, xtext, xp);
    return vxr_plot_end(&pl, err);
}
