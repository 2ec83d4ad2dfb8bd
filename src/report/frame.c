/* voxomics report: the frame of a plot (root element, margins, axes, ticks, labels, title, reference lines) and
 * its legend.
 *
 * Margins are computed from the text they must hold (the widest y tick label, the axis labels, the title), with
 * text widths estimated from the characters (vxr_text_width), so long tick labels never run off the canvas.
 * The legend goes in the corner of the plot area where the data drawn so far is sparsest (an occupancy grid
 * filled by the drawing functions), bottom right when several corners are equally free.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg_impl.h"

#define GRID_COLOR "#e6e6e6"
#define AXIS_COLOR "#444444"
#define TEXT_COLOR "#222222"
#define REF_COLOR "#888888"

void vxr_plot_begin(vxr_plot *p, const char *kind, const vx_plot_axes *ax, int defw, int defh)
{
    memset(p, 0, sizeof *p);
    p->W = ax && ax->width > 0 ? ax->width : defw;
    p->H = ax && ax->height > 0 ? ax->height : defh;
    vxr_out(&p->b,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"vx-plot\" data-plot=\"%s\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"%d\" fill=\"%s\"",
            kind, p->W, p->H, p->W, p->H, VXR_FS_TICK, TEXT_COLOR);
    if (ax && ax->title) /* for screen readers: the plot is one image named by its title */
        vxr_out(&p->b, " role=\"img\" aria-label=\"%t\"", ax->title);
    vxr_out(&p->b, ">\n");
    vxr_out(&p->b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", p->W, p->H);
}

char *vxr_plot_end(vxr_plot *p, vx_error *err)
{
    vxr_out(&p->b, "</svg>\n");
    if (p->b.oom || !p->b.s) {
        free(p->b.s);
        vx_error_set(err, VX_ENOMEM, "plot: out of memory while writing the SVG (%zu bytes so far)", p->b.len);
        return NULL;
    }
    return p->b.s;
}

static double max_tick_width(const vxr_axis *a)
{
    double w = 0;
    char s[48];
    for (int i = 0; i < a->nt; i++) {
        double t = vxr_text_width(vxr_tick_label(a, i, s, sizeof s), VXR_FS_TICK);
        if (t > w)
            w = t;
    }
    return w;
}

void vxr_layout(vxr_plot *p, const vx_plot_axes *ax, double extra_left, double extra_bottom, double extra_right)
{
    double left = 10 + max_tick_width(&p->y) + 8 + (ax && ax->ylabel ? VXR_FS_LABEL + 8 : 0) + extra_left;
    double bottom = 8 + VXR_FS_TICK + 6 + (ax && ax->xlabel ? VXR_FS_LABEL + 8 : 0) + extra_bottom;
    double top = ax && ax->title ? VXR_FS_TITLE + 18 : 14;
    /* the last x tick label is centred on the right edge: leave half of it */
    double right = 14 + extra_right;
    if (p->x.nt > 0) {
        char s[48];
        double half = vxr_text_width(vxr_tick_label(&p->x, p->x.nt - 1, s, sizeof s), VXR_FS_TICK) / 2;
        if (half + 4 > right)
            right = half + 4;
    }
    p->L = left;
    p->T = top;
    p->R = p->W - right;
    p->B = p->H - bottom;
    if (p->R < p->L + 40)
        p->R = p->L + 40;
    if (p->B < p->T + 40)
        p->B = p->T + 40;
    p->x.p0 = p->L;
    p->x.p1 = p->R;
    p->y.p0 = p->B;
    p->y.p1 = p->T;
}

/* The dashed grey reference lines of ax. */
static void reference_lines(vxr_plot *p, const vx_plot_axes *ax)
{
    const char *style = "stroke=\"" REF_COLOR "\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"";
    double x0, y0, x1, y1;
    if (ax->diagonal) {
        double lo = fmax(p->x.lo, p->y.lo), hi = fmin(p->x.hi, p->y.hi);
        x0 = vxr_map(&p->x, lo), y0 = vxr_map(&p->y, lo), x1 = vxr_map(&p->x, hi), y1 = vxr_map(&p->y, hi);
        if (lo < hi && vxr_clip_segment(p, &x0, &y0, &x1, &y1))
            vxr_out(&p->b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" %s/>\n", x0, y0, x1, y1, style);
    }
    if (ax->hline_on) {
        x0 = p->L, x1 = p->R, y0 = y1 = vxr_map(&p->y, ax->hline);
        if (vxr_clip_segment(p, &x0, &y0, &x1, &y1))
            vxr_out(&p->b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" %s/>\n", x0, y0, x1, y1, style);
    }
    if (ax->vline_on) {
        y0 = p->T, y1 = p->B, x0 = x1 = vxr_map(&p->x, ax->vline);
        if (vxr_clip_segment(p, &x0, &y0, &x1, &y1))
            vxr_out(&p->b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" %s/>\n", x0, y0, x1, y1, style);
    }
}

static void x_ticks(vxr_plot *p, double xaxis_y, int labels)
{
    char s[48];
    for (int i = 0; i < p->x.nt; i++) {
        double x = vxr_map(&p->x, p->x.t[i]);
        vxr_out(&p->b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"" GRID_COLOR "\"/>\n", x, p->T, x,
                p->B);
        vxr_out(&p->b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"" AXIS_COLOR "\"/>\n", x, xaxis_y, x,
                xaxis_y + 5);
        if (labels)
            vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" text-anchor=\"middle\">%t</text>\n", x,
                    xaxis_y + 8 + VXR_FS_TICK, vxr_tick_label(&p->x, i, s, sizeof s));
    }
}

static void y_ticks(vxr_plot *p)
{
    char s[48];
    for (int i = 0; i < p->y.nt; i++) {
        double y = vxr_map(&p->y, p->y.t[i]);
        vxr_out(&p->b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"" GRID_COLOR "\"/>\n", p->L, y, p->R,
                y);
        vxr_out(&p->b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"" AXIS_COLOR "\"/>\n", p->L - 5, y,
                p->L, y);
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" text-anchor=\"end\">%t</text>\n", p->L - 8, y + 4,
                vxr_tick_label(&p->y, i, s, sizeof s));
    }
}

/* How many characters of text at font size px fit in w pixels (average advance 0.62 em, bold a little wider). */
static int fit_chars(double w, int px) { return (int)fmax(8, w / (0.66 * px)); }

void vxr_title(vxr_plot *p, double x, const char *title)
{
    if (!title)
        return;
    int maxch = fit_chars(p->W - 16, VXR_FS_TITLE); /* centred on the canvas when it would not fit around x */
    if (vxr_label_width(title, VXR_FS_TITLE * 1.08, maxch) / 2 > fmin(x, p->W - x) - 6)
        x = p->W / 2.0;
    vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" text-anchor=\"middle\" font-size=\"%d\" font-weight=\"bold\">", x,
            8.0 + VXR_FS_TITLE, VXR_FS_TITLE);
    vxr_label(&p->b, title, maxch);
    vxr_out(&p->b, "</text>\n");
}

void vxr_axes(vxr_plot *p, const vx_plot_axes *ax, double xaxis_y, int xlabels)
{
    x_ticks(p, xaxis_y, xlabels);
    y_ticks(p);
    vxr_out(&p->b, "<path d=\"M%p %pV%pM%p %pH%p\" fill=\"none\" stroke=\"" AXIS_COLOR "\"/>\n", p->L, p->T, p->B,
            p->L, xaxis_y, p->R);
    if (ax)
        vxr_title(p, (p->L + p->R) / 2, ax->title);
    if (ax && ax->xlabel && xlabels) {
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" text-anchor=\"middle\" font-size=\"%d\">", (p->L + p->R) / 2,
                xaxis_y + 8 + VXR_FS_TICK + 8 + VXR_FS_LABEL, VXR_FS_LABEL);
        vxr_label(&p->b, ax->xlabel, fit_chars(p->W - 16, VXR_FS_LABEL));
        vxr_out(&p->b, "</text>\n");
    }
    if (ax && ax->ylabel) { /* next to the tick labels, whatever extra margin the plot added on the left */
        double x = p->L - 16 - max_tick_width(&p->y), y = (p->T + p->B) / 2;
        vxr_out(&p->b,
                "<text x=\"%p\" y=\"%p\" text-anchor=\"middle\" font-size=\"%d\" transform=\"rotate(-90 %p %p)\">", x,
                y, VXR_FS_LABEL, x, y);
        vxr_label(&p->b, ax->ylabel, fit_chars(p->B - p->T + 40, VXR_FS_LABEL));
        vxr_out(&p->b, "</text>\n");
    }
    if (ax)
        reference_lines(p, ax);
}

void vxr_occupy(vxr_plot *p, double x, double y)
{
    if (!vxr_inside(p, x, y))
        return;
    int i = (int)((x - p->L) / (p->R - p->L + 1e-9) * VXR_GRID);
    int j = (int)((y - p->T) / (p->B - p->T + 1e-9) * VXR_GRID);
    if (i < 0 || j < 0 || i >= VXR_GRID || j >= VXR_GRID)
        return;
    if (p->occ[j][i] < 60000)
        p->occ[j][i]++;
}

/* Data drawn under the box [x0, x1] x [y0, y1]. */
static double occupied(const vxr_plot *p, double x0, double y0, double x1, double y1)
{
    double sum = 0, cw = (p->R - p->L) / VXR_GRID, ch = (p->B - p->T) / VXR_GRID;
    for (int j = 0; j < VXR_GRID; j++)
        for (int i = 0; i < VXR_GRID; i++) {
            double cx0 = p->L + i * cw, cy0 = p->T + j * ch;
            if (cx0 + cw > x0 && cx0 < x1 && cy0 + ch > y0 && cy0 < y1)
                sum += p->occ[j][i];
        }
    return sum;
}

static void key_sample(vxr_plot *p, const vxr_key *k, double x, double y)
{
    char op[16] = "";
    if (k->opacity > 0 && k->opacity < 1)
        vxr_fmt(op, sizeof op, "%.2f", k->opacity);
    if (k->kind == VXR_KEY_BOX) {
        vxr_out(&p->b, "<rect x=\"%p\" y=\"%p\" width=\"12\" height=\"10\" fill=\"%s\"/>\n", x + 4, y - 5, k->color);
        return;
    }
    if (k->kind == VXR_KEY_LINE || k->kind == VXR_KEY_LINE_POINT)
        vxr_out(&p->b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"%s\" stroke-width=\"2\"%s%s%s%s/>\n",
                x, y, x + 20, y, k->color, k->dashed ? " stroke-dasharray=\"6 3\"" : "",
                op[0] ? " stroke-opacity=\"" : "", op, op[0] ? "\"" : "");
    if (k->kind == VXR_KEY_POINT || k->kind == VXR_KEY_LINE_POINT)
        vxr_out(&p->b, "<circle cx=\"%p\" cy=\"%p\" r=\"3.5\" fill=\"%s\"/>\n", x + 10, y, k->color);
}

void vxr_legend(vxr_plot *p, const vxr_key *k, size_t n, const char *note)
{
    if (n == 0 && !note)
        return;
    const double line = 16, pad = 6, sample = 26;
    double w = 0;
    int maxch = 40;
    for (size_t i = 0; i < n; i++)
        w = fmax(w, sample + vxr_label_width(k[i].label, VXR_FS_TICK, maxch));
    int notech = fit_chars(p->R - p->L - 24, VXR_FS_TICK);
    if (note)
        w = fmax(w, vxr_label_width(note, VXR_FS_TICK, notech));
    w += 2 * pad;
    double h = line * (double)(n + (note ? 1 : 0)) + 2 * pad - 4;
    /* candidate corners, in order of preference: bottom right, top right, bottom left, top left */
    double cx[4] = {p->R - 6 - w, p->R - 6 - w, p->L + 6, p->L + 6};
    double cy[4] = {p->B - 6 - h, p->T + 6, p->B - 6 - h, p->T + 6};
    int best = 0;
    double bocc = INFINITY;
    for (int c = 0; c < 4; c++) {
        double o = occupied(p, cx[c] - 8, cy[c] - 8, cx[c] + w + 8, cy[c] + h + 8); /* with breathing room */
        if (o < bocc - 1e-9) {
            bocc = o;
            best = c;
        }
    }
    double x = cx[best], y = cy[best];
    vxr_out(&p->b,
            "<rect x=\"%p\" y=\"%p\" width=\"%p\" height=\"%p\" fill=\"#ffffff\" fill-opacity=\"0.85\" "
            "stroke=\"#cccccc\"/>\n",
            x, y, w, h);
    for (size_t i = 0; i < n; i++) {
        double ly = y + pad + line * (double)i + 6;
        key_sample(p, &k[i], x + pad, ly);
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\">", x + pad + sample, ly + 4);
        vxr_label(&p->b, k[i].label, maxch);
        vxr_out(&p->b, "</text>\n");
    }
    if (note) {
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" text-anchor=\"end\">", x + w - pad, y + pad + line * (double)n + 10);
        vxr_label(&p->b, note, notech);
        vxr_out(&p->b, "</text>\n");
    }
}
