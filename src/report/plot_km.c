/* voxomics report: Kaplan-Meier curves with the "Number at risk" table under the x axis.
 *
 * The x ticks are the table's times, so each count sits right under its tick; each row is labelled in its
 * curve's colour. The y axis defaults to survival probability 0..1.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>

#include "svg_impl.h"

#define ROW_H 17.0
#define LABEL_CH 24 /* row labels are cut to this many characters */

/* Decimals the times need (0 for whole numbers, at most 4). */
static int time_decimals(const double *t, size_t n)
{
    for (int d = 0; d < 4; d++) {
        double f = pow(10.0, d);
        int ok = 1;
        for (size_t j = 0; j < n && ok; j++)
            ok = !isfinite(t[j]) || fabs(t[j] * f - round(t[j] * f)) < 1e-6 * (1 + fabs(t[j] * f));
        if (ok)
            return d;
    }
    return 4;
}

static void risk_table(vxr_plot *p, const vx_plot_axes *ax, const vx_plot_series *s, size_t ns, const double *at,
                       size_t nt, const double *risk)
{
    double y = p->B + 8 + VXR_FS_TICK + 6 + (ax->xlabel ? VXR_FS_LABEL + 8 : 0) + 22;
    vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" font-weight=\"bold\">Number at risk</text>\n", 8.0, y);
    char num[32];
    for (size_t i = 0; i < ns; i++) {
        double ry = y + ROW_H * (double)(i + 1);
        const char *color = vxr_series_color(s, i);
        vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" text-anchor=\"end\" fill=\"%s\">", p->L - 26, ry, color);
        vxr_label(&p->b, s[i].label, LABEL_CH);
        vxr_out(&p->b, "</text>\n");
        for (size_t j = 0; j < nt; j++) {
            double x = vxr_map(&p->x, at[j]);
            if (!vxr_inside(p, x, p->B) || !isfinite(risk[i * nt + j]))
                continue;
            vxr_out(&p->b, "<text x=\"%p\" y=\"%p\" text-anchor=\"middle\">%s</text>\n", x, ry,
                    vxr_fmt(num, sizeof num, "%.0f", risk[i * nt + j]));
        }
    }
}

char *vx_plot_km(const vx_plot_axes *ax, const vx_plot_series *s, size_t ns, const double *at_times,
                 size_t n_times, const double *at_risk, vx_error *err)
{
    static const vx_plot_axes none = {0};
    if (!ax)
        ax = &none;
    if (vxr_check_series(s, ns, "vx_plot_km", err) < 0)
        return NULL;
    if (n_times > 0 && (!at_times || !at_risk)) {
        vx_error_set(err, VX_EINVAL, "vx_plot_km: %zu at-risk times but at_times or at_risk is NULL", n_times);
        return NULL;
    }
    vxr_plot p;
    vxr_plot_begin(&p, "km", ax, 560, 460);
    vxr_extent ex, ey;
    vxr_extent_init(&ex, 0);
    vxr_extent_init(&ey, 0);
    for (size_t i = 0; i < ns; i++)
        vxr_extent_addv(&ex, s[i].x, s[i].n), vxr_extent_addv(&ey, s[i].y, s[i].n);
    vxr_extent_addv(&ex, at_times, n_times);
    vxr_axis_setup(&p.x, &ex, ax->xmin, ax->xmax, 6);
    vxr_axis_setup(&p.y, &ey, ax->ymin < ax->ymax ? ax->ymin : 0, ax->ymin < ax->ymax ? ax->ymax : 1, 5);
    if (n_times > 0) { /* ticks at the table's times */
        p.x.nt = 0;
        for (size_t j = 0; j < n_times && p.x.nt < VXR_MAXTICKS; j++)
            if (isfinite(at_times[j]) && at_times[j] >= p.x.lo && at_times[j] <= p.x.hi)
                p.x.t[p.x.nt++] = at_times[j];
        p.x.decimals = time_decimals(at_times, n_times);
    }
    double table = n_times > 0 ? 22 + ROW_H * (double)ns + 6 : 0, need = 0;
    for (size_t i = 0; n_times > 0 && i < ns; i++) {
        double w = vxr_label_width(s[i].label, VXR_FS_TICK, LABEL_CH);
        need = fmax(need, w + 34); /* clear of a count centred on the axis */
    }
    vxr_layout(&p, ax, 0, table, 0);
    if (p.L < need)
        vxr_layout(&p, ax, need - p.L, table, 0);
    vxr_axes(&p, ax, p.B, 1);
    for (size_t i = 0; i < ns; i++)
        vxr_series(&p, &s[i], vxr_series_color(s, i));
    if (n_times > 0)
        risk_table(&p, ax, s, ns, at_times, n_times, at_risk);
    vxr_series_legend(&p, s, ns, ax->note);
    return vxr_plot_end(&p, err);
}
