/* voxomics report: drawing clipped to the plot area, in pixel coordinates.
 *
 * Plots carry no ids, so SVG clipPath cannot be used; data outside the axis range is cut here instead:
 * segments with the Liang-Barsky algorithm (parametric clipping against the four edges), polygons (confidence
 * bands) with Sutherland-Hodgman (one pass per edge), points by a containment test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>

#include "svg_impl.h"

#define TOL 0.5 /* half a pixel: a point on the frame is inside */

int vxr_inside(const vxr_plot *p, double x, double y)
{
    return isfinite(x) && isfinite(y) && x >= p->L - TOL && x <= p->R + TOL && y >= p->T - TOL && y <= p->B + TOL;
}

/* One Liang-Barsky edge test: q/pd bounds the parameter interval [*t0, *t1]. */
static int lb_edge(double pd, double q, double *t0, double *t1)
{
    if (pd == 0)
        return q >= 0;
    double r = q / pd;
    if (pd < 0) {
        if (r > *t1)
            return 0;
        if (r > *t0)
            *t0 = r;
    } else {
        if (r < *t0)
            return 0;
        if (r < *t1)
            *t1 = r;
    }
    return 1;
}

int vxr_clip_segment(const vxr_plot *p, double *x0, double *y0, double *x1, double *y1)
{
    if (!isfinite(*x0) || !isfinite(*y0) || !isfinite(*x1) || !isfinite(*y1))
        return 0;
    double dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0, t1 = 1;
    if (!lb_edge(-dx, *x0 - (p->L - TOL), &t0, &t1) || !lb_edge(dx, (p->R + TOL) - *x0, &t0, &t1) ||
        !lb_edge(-dy, *y0 - (p->T - TOL), &t0, &t1) || !lb_edge(dy, (p->B + TOL) - *y0, &t0, &t1))
        return 0;
    double ax = *x0, ay = *y0;
    *x0 = ax + t0 * dx;
    *y0 = ay + t0 * dy;
    *x1 = ax + t1 * dx;
    *y1 = ay + t1 * dy;
    return 1;
}

void vxr_pen_begin(vxr_pen *q, vxr_plot *p)
{
    q->p = p;
    q->have_prev = 0;
    q->drawn = 0;
    q->start = p->b.len;
    vxr_out(&p->b, "<path d=\"");
}

void vxr_pen_break(vxr_pen *q) { q->have_prev = 0; }

void vxr_pen_to(vxr_pen *q, double x, double y)
{
    if (!isfinite(x) || !isfinite(y)) {
        q->have_prev = 0;
        return;
    }
    if (q->have_prev) {
        double x0 = q->px, y0 = q->py, x1 = x, y1 = y;
        if (vxr_clip_segment(q->p, &x0, &y0, &x1, &y1)) {
            if (!q->drawn || fabs(x0 - q->ex) > 0.005 || fabs(y0 - q->ey) > 0.005)
                vxr_out(&q->p->b, "M%p %p", x0, y0);
            vxr_out(&q->p->b, "L%p %p", x1, y1);
            q->drawn = 1;
            q->ex = x1;
            q->ey = y1;
            /* occupancy: samples along the segment every 6 px */
            double len = hypot(x1 - x0, y1 - y0);
            int k = 1 + (int)(len / 6);
            for (int i = 0; i <= k; i++)
                vxr_occupy(q->p, x0 + (x1 - x0) * i / k, y0 + (y1 - y0) * i / k);
        }
    }
    q->px = x;
    q->py = y;
    q->have_prev = 1;
}

void vxr_pen_end(vxr_pen *q, const char *attrs)
{
    vxr_buf *b = &q->p->b;
    if (!q->drawn) {
        if (!b->oom && b->s) { /* nothing visible: drop the opened element */
            b->len = q->start;
            b->s[b->len] = '\0';
        }
        return;
    }
    vxr_out(b, "\" %s/>\n", attrs);
}

/* One Sutherland-Hodgman pass: keep the side of the line where sign * (coord - c) <= 0. */
static size_t sh_pass(const double *ix, const double *iy, size_t n, double *ox, double *oy, int vertical, double c,
                      double sign)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = (i + 1) % n;
        double ci = vertical ? ix[i] : iy[i], cj = vertical ? ix[j] : iy[j];
        int ini = sign * (ci - c) <= 0, inj = sign * (cj - c) <= 0;
        if (ini) {
            ox[m] = ix[i];
            oy[m++] = iy[i];
        }
        if (ini != inj) {
            double t = (c - ci) / (cj - ci);
            ox[m] = ix[i] + t * (ix[j] - ix[i]);
            oy[m++] = iy[i] + t * (iy[j] - iy[i]);
        }
    }
    return m;
}

/* Mark the grid cells whose centre lies inside the polygon (even-odd rule), once each. */
static void occupy_inside(vxr_plot *p, const double *x, const double *y, size_t m)
{
    double cw = (p->R - p->L) / VXR_GRID, ch = (p->B - p->T) / VXR_GRID;
    for (int j = 0; j < VXR_GRID; j++)
        for (int i = 0; i < VXR_GRID; i++) {
            double px = p->L + (i + 0.5) * cw, py = p->T + (j + 0.5) * ch;
            int in = 0;
            for (size_t a = 0, b = m - 1; a < m; b = a++)
                if ((y[a] > py) != (y[b] > py) && px < x[b] + (x[a] - x[b]) * (py - y[b]) / (y[a] - y[b]))
                    in = !in;
            if (in)
                vxr_occupy(p, px, py);
        }
}

void vxr_polygon(vxr_plot *p, const double *x, const double *y, size_t n, const char *attrs)
{
    if (n < 3)
        return;
    /* a half-plane pass outputs at most 1.5 x its input (inside vertices + crossings, and every outside run
     * has two crossings), so four passes stay below 5.1 n */
    size_t cap = 6 * n + 16;
    double *buf = malloc(4 * cap * sizeof *buf);
    if (!buf) {
        p->b.oom = 1;
        return;
    }
    double *ax = buf, *ay = buf + cap, *bx = ay + cap, *by = bx + cap;
    size_t m = sh_pass(x, y, n, ax, ay, 1, p->L, -1);
    m = sh_pass(ax, ay, m, bx, by, 1, p->R, 1);
    m = sh_pass(bx, by, m, ax, ay, 0, p->T, -1);
    m = sh_pass(ax, ay, m, bx, by, 0, p->B, 1);
    if (m >= 3) {
        vxr_out(&p->b, "<path d=\"");
        for (size_t i = 0; i < m; i++) {
            vxr_out(&p->b, "%s%p %p", i ? "L" : "M", bx[i], by[i]);
            size_t j = (i + 1) % m; /* the outline counts as data for the legend placement */
            int k = 1 + (int)(hypot(bx[j] - bx[i], by[j] - by[i]) / 6);
            for (int s = 0; s < k; s++)
                vxr_occupy(p, bx[i] + (bx[j] - bx[i]) * s / k, by[i] + (by[j] - by[i]) * s / k);
        }
        vxr_out(&p->b, "Z\" %s/>\n", attrs);
        occupy_inside(p, bx, by, m);
    }
    free(buf);
}
