/* voxomics report: scales from data to pixels and their "nice" ticks.
 *
 * Linear ticks are multiples of a step 1, 2, 2.5 or 5 x 10^k chosen so that the range has about `target`
 * intervals (the classic "nice numbers" rule); log ticks are decades, or 1-2-5 per decade on short ranges.
 * An axis taken from the data is padded by 4% of its span and extended to the next tick when that is close,
 * so that the frame ends on labelled values; an end that already falls on a tick is kept as it is.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>

#include "svg_impl.h"

double vxr_nice_step(double span, int target, int *decimals)
{
    if (!(span > 0) || !isfinite(span))
        span = 1;
    if (target < 1)
        target = 1;
    double raw = span / target;
    int e = (int)floor(log10(raw));
    double mag = pow(10.0, e);
    double f = raw / mag;
    static const double M[5] = {1, 2, 2.5, 5, 10};
    int i = 0;
    while (i < 4 && M[i] < f * (1 - 1e-9))
        i++;
    double m = M[i];
    if (m == 10) {
        m = 1;
        e++;
        mag *= 10;
    }
    if (decimals) {
        int d = e < 0 ? -e : 0;
        if (m == 2.5)
            d++;
        *decimals = d;
    }
    return m * mag;
}

int vxr_ticks_linear(double lo, double hi, double step, double *t, int cap)
{
    if (!(step > 0) || !(hi >= lo))
        return 0;
    double tol = step * 1e-6;
    double k0 = ceil((lo - tol) / step);
    int n = 0;
    for (double k = k0; n < cap; k++) {
        double v = k * step;
        if (v > hi + tol)
            break;
        if (fabs(v) < tol)
            v = 0; /* no "-0" and no 1e-17 */
        t[n++] = v;
    }
    return n;
}

/* Ticks m x 10^k within [lo, hi] for the multipliers m of the given list. */
static int log_ticks_with(double lo, double hi, const double *m, int nm, double *t, int cap)
{
    int n = 0;
    int k0 = (int)floor(log10(lo)) - 1, k1 = (int)ceil(log10(hi)) + 1;
    for (int k = k0; k <= k1; k++)
        for (int i = 0; i < nm; i++) {
            double v = m[i] * pow(10.0, k);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) && n < cap)
                t[n++] = v;
        }
    return n;
}

int vxr_ticks_log(double lo, double hi, double *t, int cap)
{
    if (!(lo > 0) || !(hi > lo))
        return 0;
    double decades = log10(hi) - log10(lo);
    if (decades >= 3 - 1e-9) {
        int k0 = (int)ceil(log10(lo) - 1e-9), k1 = (int)floor(log10(hi) + 1e-9);
        int every = 1 + (k1 - k0) / (cap < 10 ? cap : 10);
        int n = 0;
        for (int k = k0; k <= k1 && n < cap; k++)
            if ((k - k0) % every == 0)
                t[n++] = pow(10.0, k);
        return n;
    }
    static const double M125[3] = {1, 2, 5};
    static const double M19[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    int n = log_ticks_with(lo, hi, M125, 3, t, cap);
    if (n < 3)
        n = log_ticks_with(lo, hi, M19, 9, t, cap);
    return n;
}

void vxr_extent_init(vxr_extent *e, int log)
{
    e->lo = INFINITY;
    e->hi = -INFINITY;
    e->log = log;
    e->n = 0;
}

void vxr_extent_add(vxr_extent *e, double v)
{
    /* beyond 1e300 the span of an axis could overflow: such values are treated as non-finite */
    if (!isfinite(v) || fabs(v) > 1e300 || (e->log && v <= 0))
        return;
    if (v < e->lo)
        e->lo = v;
    if (v > e->hi)
        e->hi = v;
    e->n++;
}

void vxr_extent_addv(vxr_extent *e, const double *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        vxr_extent_add(e, v[i]);
}

static int on_step(double v, double step)
{
    double k = v / step;
    return fabs(k - round(k)) < 1e-9 * (1 + fabs(k));
}

/* Range of an axis from data (in the scale's own units: log10 of the values for a log axis). */
static void auto_range(double lo, double hi, int target, double *olo, double *ohi)
{
    if (hi - lo <= 1e-12 * (fabs(lo) + fabs(hi))) { /* all equal: a span around the value */
        double half = lo != 0 ? fabs(lo) * 0.1 : 1;
        lo -= half;
        hi += half;
        target = 4;
    }
    double span = hi - lo;
    double step = vxr_nice_step(span, target, NULL);
    double plo = lo - 0.04 * span, phi = hi + 0.04 * span;
    double slo = floor(plo / step) * step, shi = ceil(phi / step) * step;
    *olo = on_step(lo, step) ? lo : (plo - slo <= 0.1 * span ? slo : plo);
    *ohi = on_step(hi, step) ? hi : (shi - phi <= 0.1 * span ? shi : phi);
}

void vxr_axis_setup(vxr_axis *a, const vxr_extent *e, double flo, double fhi, int target)
{
    a->log = e->log;
    int fixed = isfinite(flo) && isfinite(fhi) && flo < fhi && (!a->log || flo > 0);
    if (fixed) {
        a->lo = flo;
        a->hi = fhi;
    } else if (e->n == 0) {
        a->lo = a->log ? 1 : 0;
        a->hi = a->log ? 10 : 1;
    } else if (a->log) {
        double l0 = log10(e->lo), l1 = log10(e->hi);
        if (l1 - l0 < 1e-9) {
            l0 -= 0.5;
            l1 += 0.5;
        }
        double span = l1 - l0;
        double pl0 = fabs(l0 - round(l0)) < 1e-9 ? l0 : l0 - 0.04 * span;
        double pl1 = fabs(l1 - round(l1)) < 1e-9 ? l1 : l1 + 0.04 * span;
        if (span >= 3) { /* decade ticks: extend to whole decades */
            pl0 = floor(pl0 + 1e-9);
            pl1 = ceil(pl1 - 1e-9);
        }
        a->lo = pow(10.0, pl0);
        a->hi = pow(10.0, pl1);
    } else {
        auto_range(e->lo, e->hi, target, &a->lo, &a->hi);
    }
    if (!isfinite(a->lo) || !isfinite(a->hi) || !(a->hi > a->lo) || !isfinite(a->hi - a->lo)) {
        a->lo = a->log ? 1 : 0; /* nothing sensible came out: an empty unit axis */
        a->hi = a->log ? 10 : 1;
    }
    if (a->log) {
        a->nt = vxr_ticks_log(a->lo, a->hi, a->t, VXR_MAXTICKS);
        a->decimals = 0;
    } else {
        double step = vxr_nice_step(a->hi - a->lo, target, &a->decimals);
        a->nt = vxr_ticks_linear(a->lo, a->hi, step, a->t, VXR_MAXTICKS);
    }
}

double vxr_map(const vxr_axis *a, double v)
{
    if (!isfinite(v) || (a->log && v <= 0))
        return NAN;
    double f = a->log ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) : (v - a->lo) / (a->hi - a->lo);
    return a->p0 + f * (a->p1 - a->p0);
}

char *vxr_tick_label(const vxr_axis *a, int i, char *out, size_t cap)
{
    if (a->log)
        return vxr_fmt_tick(out, cap, a->t[i], a->t[i] >= 1 ? 0 : (int)ceil(-log10(a->t[i]) - 1e-9));
    return vxr_fmt_tick(out, cap, a->t[i], a->decimals);
}
