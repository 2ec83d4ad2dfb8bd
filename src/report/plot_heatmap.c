/* voxomics report: heatmaps on a diverging blue-white-red scale with a colour bar.
 *
 * The scale is ColorBrewer's 7-class RdBu (blue for negative, white at 0, red for positive) interpolated
 * linearly; it stays readable for the common colour-vision deficiencies. The colour bar is drawn as thin
 * rectangles (a gradient would need an id). Each cell carries a <title> with its row, column and value for
 * hover. The size follows the matrix (cells of 10 to 28 px) unless width and height are given.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "svg_impl.h"

#define LABEL_CH 28
#define BAR_W 14.0
#define NAN_COLOR "#bdbdbd"

static const unsigned char RDBU[7][3] = {{0x21, 0x66, 0xAC}, {0x67, 0xA9, 0xCF}, {0xD1, 0xE5, 0xF0}, {0xF7, 0xF7, 0xF7},
                                         {0xFD, 0xDB, 0xC7}, {0xEF, 0x8A, 0x62}, {0xB2, 0x18, 0x2B}};

/* Colour of t in [0, 1] (0 blue, 0.5 white, 1 red). */
static const char *ramp(double t, char out[8])
{
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double f = t * 6;
    int i = (int)f;
    if (i > 5)
        i = 5;
    f -= i;
    int c[3];
    for (int k = 0; k < 3; k++)
        c[k] = (int)lround(RDBU[i][k] + f * (RDBU[i + 1][k] - RDBU[i][k]));
    snprintf(out, 8, "#%02X%02X%02X", c[0] & 255, c[1] & 255, c[2] & 255);
    return out;
}

typedef struct hm {
    const double *v;
    size_t rows, cols;
    const char *const *rl, *const *cl;
    const unsigned char *mark;
    double vmax;
    double gx, gy, cell; /* grid origin and cell size */
    double labw, colh;   /* row label width, column label height */
} hm;

static double label_w(const char *s)
{
    return vxr_label_width(s, VXR_FS_TICK, LABEL_CH);
}

/* A row label (right-aligned before x) or a column label (rotated, rising from x). */
static void label(vxr_plot *p, const char *s, int column, double x, double y)
{
    if (column)
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" transform=\"rotate(-50 %p %p)\">", x, y, x, y);
    else
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" text-anchor=\"end\">", x, y);
    vxr_label(&p->b, s, LABEL_CH);
    vxr_out(&p->b, "</text>\n");
}

static void cells(vxr_plot *p, const hm *h)
{
    char col[8], num[32];
    for (size_t i = 0; i < h->rows; i++)
        for (size_t j = 0; j < h->cols; j++) {
            double v = h->v[i * h->cols + j], x = h->gx + h->cell * (double)j, y = h->gy + h->cell * (double)i;
            double t = 0.5 + 0.5 * v / h->vmax;
            vxr_out(&p->b, "<rect x=\"%p\" y=\"%p\" width=\"%p\" height=\"%p\" fill=\"%s\"%s", x, y, h->cell, h->cell,
                    isfinite(v) ? ramp(t, col) : NAN_COLOR, h->cell >= 6 ? " stroke=\"#ffffff\" stroke-width=\"0.5\""
                                                                      : "");
            if (h->rows * h->cols <= 2500) /* hover text, for the matrices a reader can still read */
                vxr_out(&p->b, "><title>%t / %t: %s</title></rect>\n", h->rl ? h->rl[i] : "", h->cl ? h->cl[j] : "",
                        vxr_fmt_val(num, sizeof num, v));
            else
                vxr_out(&p->b, "/>\n");
            if (h->mark && h->mark[i * h->cols + j])
                vxr_out(&p->b, "<circle cx=\"%p\" cy=\"%p\" r=\"%p\" fill=\"%s\"/>\n", x + h->cell / 2,
                        y + h->cell / 2, fmax(1.5, h->cell * 0.14),
                        isfinite(v) && fabs(t - 0.5) > 0.33 ? "#ffffff" : "#222222");
        }
}

static void labels(vxr_plot *p, const hm *h)
{
    for (size_t i = 0; h->rl && i < h->rows; i++)
        if (h->rl[i])
            label(p, h->rl[i], 0, h->gx - 6, h->gy + h->cell * ((double)i + 0.5) + 4);
    for (size_t j = 0; h->cl && j < h->cols; j++)
        if (h->cl[j])
            label(p, h->cl[j], 1, h->gx + h->cell * ((double)j + 0.5) + 4, h->gy - 6);
}

static void colour_bar(vxr_plot *p, const hm *h, const char *cbar_label, double bx, double by, double bh)
{
    char col[8], s[48];
    const int steps = 64;
    for (int k = 0; k < steps; k++) /* top = +vmax */
        vxr_out(&p->b, "<rect x=\"%p\" y=\"%p\" width=\"%p\" height=\"%p\" fill=\"%s\"/>\n", bx,
                by + bh * k / steps, BAR_W, bh / steps + 0.3, ramp(1 - (k + 0.5) / steps, col));
    vxr_out(&p->b, "<rect x=\"%p\" y=\"%p\" width=\"%p\" height=\"%p\" fill=\"none\" stroke=\"#444444\"/>\n", bx, by,
            BAR_W, bh);
    vxr_axis a = {0};
    vxr_extent e;
    vxr_extent_init(&e, 0);
    vxr_axis_setup(&a, &e, -h->vmax, h->vmax, 6);
    a.p0 = by + bh;
    a.p1 = by;
    double tw = 0;
    for (int i = 0; i < a.nt; i++) {
        double y = vxr_map(&a, a.t[i]);
        vxr_tick_label(&a, i, s, sizeof s);
        tw = fmax(tw, vxr_text_width(s, VXR_FS_TICK));
        vxr_out(&p->b, "<line x1=\"%p\" y1=\"%p\" x2=\"%p\" y2=\"%p\" stroke=\"#444444\"/>\n", bx + BAR_W, y,
                bx + BAR_W + 4, y);
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\">%t</text>\n", bx + BAR_W + 7, y + 4, s);
    }
    if (cbar_label) {
        double x = bx + BAR_W + 12 + tw + VXR_FS_LABEL, y = by + bh / 2;
        vxr_out(&p->b,
                "<text x=\"%p\" y=\"%p\" text-anchor=\"middle\" font-size=\"%d\" transform=\"rotate(90 %p %p)\">"
                "%t</text>\n",
                x, y, VXR_FS_LABEL, x, y, cbar_label);
    }
}

/* Cell size and canvas: cells of 10..28 px from the matrix unless ax gives the size. */
static void size_up(hm *h, const vx_plot_axes *ax, int *W, int *H)
{
    h->labw = 0;
    h->colh = 0;
    for (size_t i = 0; h->rl && i < h->rows; i++)
        h->labw = fmax(h->labw, label_w(h->rl[i]));
    for (size_t j = 0; h->cl && j < h->cols; j++)
        h->colh = fmax(h->colh, label_w(h->cl[j]) * 0.77 + 10);
    double top = (ax->title ? VXR_FS_TITLE + 18 : 10) + h->colh, left = 12 + h->labw + 6;
    double right = 20 + BAR_W + 50 + 30, bottom = ax->xlabel ? 36 : 16;
    size_t m = h->rows > h->cols ? h->rows : h->cols;
    double cell = fmin(28, fmax(10, 440.0 / (double)m));
    if (ax->width > 0)
        cell = fmin(cell, (ax->width - left - right) / (double)h->cols);
    if (ax->height > 0)
        cell = fmin(cell, (ax->height - top - bottom) / (double)h->rows);
    h->cell = fmax(cell, 2);
    h->gx = left;
    h->gy = top;
    double gh = h->cell * (double)h->rows, bh = fmin(240, fmax(120, gh));
    *W = ax->width > 0 ? ax->width : (int)ceil(left + h->cell * (double)h->cols + right);
    *H = ax->height > 0 ? ax->height : (int)ceil(top + fmax(gh, bh) + bottom);
}

char *vx_plot_heatmap(const vx_plot_axes *ax, const double *v, size_t rows, size_t cols,
                      const char *const *row_labels, const char *const *col_labels, double vmax,
                      const char *cbar_label, const unsigned char *mark, vx_error *err)
{
    static const vx_plot_axes none = {0};
    if (!ax)
        ax = &none;
    if (!v || rows == 0 || cols == 0) {
        vx_error_set(err, VX_EINVAL, "vx_plot_heatmap: no matrix to draw (v %s, %zu x %zu)", v ? "given" : "NULL",
                     rows, cols);
        return NULL;
    }
    hm h = {v, rows, cols, row_labels, col_labels, mark, vmax, 0, 0, 0, 0, 0};
    if (!(h.vmax > 0) || !isfinite(h.vmax)) {
        h.vmax = 0;
        for (size_t i = 0; i < rows * cols; i++)
            if (isfinite(v[i]))
                h.vmax = fmax(h.vmax, fabs(v[i]));
        if (h.vmax == 0)
            h.vmax = 1;
    }
    vx_plot_axes a = *ax;
    size_up(&h, ax, &a.width, &a.height);
    vxr_plot p;
    vxr_plot_begin(&p, "heatmap", &a, a.width, a.height);
    double gw = h.cell * (double)cols, gh = h.cell * (double)rows;
    vxr_title(&p, h.gx + gw / 2, ax->title);
    cells(&p, &h);
    labels(&p, &h);
    colour_bar(&p, &h, cbar_label, h.gx + gw + 20, h.gy, fmin(240, fmax(120, gh)));
    if (ax->xlabel)
        vxr_out(&p.b, "<text x=\"%p\" y=\"%p\" text-anchor=\"middle\" font-size=\"%d\">%t</text>\n", h.gx + gw / 2,
                h.gy + gh + 24, VXR_FS_LABEL, ax->xlabel);
    return vxr_plot_end(&p, err);
}
