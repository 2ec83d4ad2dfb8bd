/* voxomics report: scatter plots coloured by group (PCA by scanner batch, volcano plots).
 *
 * Points are drawn at 75% opacity so that overplotting stays visible; highlighted points come last (on top),
 * larger, with a dark outline and their label beside them (to the left when the label would leave the plot).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg_impl.h"

#define LABEL_CH 28

typedef struct scatter {
    const double *x, *y;
    size_t n;
    const int *group;
    const unsigned char *highlight;
    const char *const *labels;
} scatter;

static const char *point_color(const scatter *s, size_t i)
{
    if (!s->group)
        return vx_plot_color(0);
    return s->group[i] < 0 ? "#999999" : vx_plot_color(s->group[i]);
}

/* Label boxes placed so far (pixels), so that labels do not overlap. */
typedef struct boxes {
    double (*b)[4];
    size_t n, cap;
} boxes;

static int collides(const vxr_plot *p, const boxes *bx, const double r[4])
{
    if (r[0] < p->L || r[2] > p->R || r[1] < p->T || r[3] > p->B)
        return 1;
    for (size_t i = 0; i < bx->n; i++)
        if (r[0] < bx->b[i][2] && r[2] > bx->b[i][0] && r[1] < bx->b[i][3] && r[3] > bx->b[i][1])
            return 1;
    return 0;
}

/* The label beside its point: right above, right below, left above or left below, the first place free of
 * other labels; none when all four are taken (the point keeps its label as a hover title). */
static void point_label(vxr_plot *p, boxes *bx, const char *label, double x, double y)
{
    double w = vxr_label_width(label, VXR_FS_TICK, LABEL_CH);
    static const int side[4][2] = {{1, -1}, {1, 1}, {-1, -1}, {-1, 1}};
    for (int k = 0; k < 4 && bx->n < bx->cap; k++) {
        double tx = x + 7 * side[k][0], ty = side[k][1] < 0 ? y - 5 : y + 13;
        double r[4] = {side[k][0] > 0 ? tx : tx - w, ty - 10, side[k][0] > 0 ? tx + w : tx, ty + 3};
        if (collides(p, bx, r))
            continue;
        memcpy(bx->b[bx->n++], r, sizeof r);
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\"%s>", tx, ty, side[k][0] < 0 ? " text-anchor=\"end\"" : "");
        vxr_esc_trunc(&p->b, label, LABEL_CH); /* the point itself has the full label as its title */
        vxr_out(&p->b, "</text>\n");
        for (double u = r[0]; u <= r[2]; u += 6)
            vxr_occupy(p, u, ty - 4);
        return;
    }
}

/* Large plots: has an ordinary point of this colour already been drawn on this pixel? (Then another one there
 * changes nothing visible: a volcano plot of 10^6 pairs stays small.) seen: one bit per pixel of the plot area,
 * reset for each colour; NULL for small plots. */
static int drawn_before(const vxr_plot *p, unsigned char *seen, size_t gw, size_t gh, double x, double y)
{
    if (!seen)
        return 0;
    size_t i = (size_t)fmax(0, x - p->L), j = (size_t)fmax(0, y - p->T);
    if (i >= gw || j >= gh)
        return 0;
    size_t bit = j * gw + i;
    if (seen[bit / 8] & (1u << (bit % 8)))
        return 1;
    seen[bit / 8] |= (unsigned char)(1u << (bit % 8));
    return 0;
}

/* Palette slot of point i: 0..7, or 8 for "no group" (grey). */
static int color_slot(const scatter *s, size_t i)
{
    return !s->group ? 0 : s->group[i] < 0 ? 8 : ((s->group[i] % 8) + 8) % 8;
}

/* Ordinary points, one group per colour (slot order, then point order). They carry their label as a hover title
 * only in plots of at most BIG points. */
#define BIG 5000
static void draw_points(vxr_plot *p, const scatter *s)
{
    size_t gw = (size_t)(p->R - p->L) + 2, gh = (size_t)(p->B - p->T) + 2;
    unsigned char *seen = s->n > BIG ? malloc((gw * gh + 7) / 8) : NULL;
    for (int slot = 0; slot < 9; slot++) {
        size_t start = p->b.len;
        int any = 0;
        if (seen)
            memset(seen, 0, (gw * gh + 7) / 8);
        vxr_out(&p->b, "<g fill=\"%s\" fill-opacity=\"0.75\">\n", slot == 8 ? "#999999" : vx_plot_color(slot));
        for (size_t i = 0; i < s->n; i++) {
            if ((s->highlight && s->highlight[i]) || color_slot(s, i) != slot)
                continue;
            double x = vxr_map(&p->x, s->x[i]), y = vxr_map(&p->y, s->y[i]);
            if (!vxr_inside(p, x, y) || drawn_before(p, seen, gw, gh, x, y))
                continue;
            any = 1;
            vxr_occupy(p, x, y);
            vxr_out(&p->b, "<circle cx=\"%p\" cy=\"%p\" r=\"3\"", x, y);
            if (s->labels && s->labels[i] && s->n <= BIG)
                vxr_out(&p->b, "><title>%t</title></circle>\n", s->labels[i]);
            else
                vxr_out(&p->b, "/>\n");
        }
        if (any)
            vxr_out(&p->b, "</g>\n");
        else if (!p->b.oom && p->b.s)
            p->b.s[p->b.len = start] = '\0';
    }
    free(seen);
}

/* Highlighted points on top, larger, outlined, with their labels. */
static void draw_highlighted(vxr_plot *p, const scatter *s, boxes *bx)
{
    for (size_t i = 0; s->highlight && i < s->n; i++) {
        double x = vxr_map(&p->x, s->x[i]), y = vxr_map(&p->y, s->y[i]);
        if (!s->highlight[i] || !vxr_inside(p, x, y))
            continue;
        vxr_occupy(p, x, y);
        const char *label = s->labels ? s->labels[i] : NULL;
        vxr_out(&p->b, "<circle cx=\"%p\" cy=\"%p\" r=\"5\" fill=\"%s\" stroke=\"#222222\" stroke-width=\"1\"", x, y,
                point_color(s, i));
        if (label) {
            vxr_out(&p->b, "><title>%t</title></circle>\n", label);
            point_label(p, bx, label, x, y);
        } else {
            vxr_out(&p->b, "/>\n");
        }
    }
}

char *vx_plot_scatter(const vx_plot_axes *ax, const double *x, const double *y, size_t n, const int *group,
                      const char *const *group_names, size_t ngroups, const unsigned char *highlight,
                      const char *const *point_labels, vx_error *err)
{
    static const vx_plot_axes none = {0};
    if (!ax)
        ax = &none;
    if (!x || !y || n == 0) {
        vx_error_set(err, VX_EINVAL, "vx_plot_scatter: no points to draw (x %s, y %s, n %zu)", x ? "given" : "NULL",
                     y ? "given" : "NULL", n);
        return NULL;
    }
    vxr_extent ex, ey;
    vxr_extent_init(&ex, ax->xlog);
    vxr_extent_init(&ey, 0);
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i]) && (!ax->xlog || x[i] > 0))
            vxr_extent_add(&ex, x[i]), vxr_extent_add(&ey, y[i]);
    if (ex.n == 0) {
        vx_error_set(err, VX_EINVAL, "vx_plot_scatter: none of the %zu points is finite%s: nothing to draw", n,
                     ax->xlog ? " (with x > 0 on the log axis)" : "");
        return NULL;
    }
    vxr_plot p;
    vxr_plot_begin(&p, "scatter", ax, 520, 420);
    vxr_axis_setup(&p.x, &ex, ax->xmin, ax->xmax, 6);
    vxr_axis_setup(&p.y, &ey, ax->ymin, ax->ymax, 6);
    vxr_layout(&p, ax, 0, 0, 0);
    vxr_axes(&p, ax, p.B, 1);
    scatter s = {x, y, n, group, highlight, point_labels};
    boxes bx = {malloc(n * sizeof *bx.b), 0, n};
    if (!bx.b)
        bx.cap = 0;
    draw_points(&p, &s);
    draw_highlighted(&p, &s, &bx);
    free(bx.b);
    size_t nk = group_names ? ngroups : 0;
    vxr_key *k = malloc((nk ? nk : 1) * sizeof *k);
    if (!k) {
        p.b.oom = 1;
        return vxr_plot_end(&p, err);
    }
    size_t m = 0;
    for (size_t g = 0; g < nk; g++)
        if (group_names[g])
            k[m++] = (vxr_key){group_names[g], vx_plot_color((int)g), VXR_KEY_POINT, 0, 0};
    vxr_legend(&p, k, m, ax->note);
    free(k);
    return vxr_plot_end(&p, err);
}
