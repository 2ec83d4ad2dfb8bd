/* voxomics: the baseline cumulative hazard of a Cox model and its survival predictions
 * (include/voxomics/survival.h: vx_cox_baseline_fit).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "voxomics/survival.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survival/surv_impl.h"

void vx_cox_baseline_free(vx_cox_baseline *bh)
{
    if (!bh)
        return;
    free(bh->time);
    free(bh->cumhaz);
    memset(bh, 0, sizeof *bh);
}

/* The hazard increment of one event time: d events whose weights sum to sd, risk-set weight s0. */
static double increment(double d, double s0, double sd, vx_ties ties)
{
    if (ties == VX_TIES_BRESLOW)
        return d / s0;
    double h = 0.0;
    for (double j = 0.0; j < d; j += 1.0)
        h += 1.0 / (s0 - j / d * sd);
    return h;
}

/* The increments at each distinct event time, from the longest time down (risk sums accumulate), stored in
 * time order; bh->time and bh->cumhaz have room for the events. */
static void accumulate(const double *lp, const double *time, const int *event, size_t n, const size_t *ord,
                       vx_ties ties, vx_cox_baseline *bh)
{
    double s0 = 0.0;
    size_t m = bh->m, k = m;
    for (size_t q = n; q > 0;) {
        const double t = time[ord[q - 1]];
        double d = 0.0, sd = 0.0;
        for (; q > 0 && time[ord[q - 1]] == t; q--) {
            const size_t i = ord[q - 1];
            const double w = exp(lp[i] - bh->center);
            s0 += w;
            if (event[i]) {
                d += 1.0;
                sd += w;
            }
        }
        if (d > 0.0) {
            k--;
            bh->time[k] = t;
            bh->cumhaz[k] = increment(d, s0, sd, ties);
        }
    }
    for (size_t j = 1; j < m; j++)
        bh->cumhaz[j] += bh->cumhaz[j - 1];
}

int vx_cox_baseline_fit(const double *lp, const double *time, const int *event, size_t n, vx_ties ties,
                        vx_cox_baseline *bh, vx_error *err)
{
    memset(bh, 0, sizeof *bh);
    size_t events = 0;
    int rc = surv_check(time, event, NULL, n, "baseline hazard", &events, err);
    if (rc != VX_OK)
        return rc;
    if (!events)
        return vx_error_set(err, VX_EINVAL, "baseline hazard: no events among the %zu subjects", n);
    double c = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(lp[i]))
            return vx_error_set(err, VX_EINVAL, "baseline hazard: the linear predictor of subject %zu is %g", i + 1,
                                lp[i]);
        c += lp[i];
    }
    bh->center = c / (double)n;
    size_t *ord = surv_order(time, NULL, n, 0);
    size_t m = 0;
    for (size_t q = 0; ord && q < n;) { /* distinct event times */
        int any = 0;
        const double t = time[ord[q]];
        for (; q < n && time[ord[q]] == t; q++)
            any |= event[ord[q]];
        m += (size_t)any;
    }
    bh->time = malloc((m + 1) * sizeof *bh->time);
    bh->cumhaz = malloc((m + 1) * sizeof *bh->cumhaz);
    if (!ord || !bh->time || !bh->cumhaz) {
        free(ord);
        vx_cox_baseline_free(bh);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    bh->m = m;
    accumulate(lp, time, event, n, ord, ties, bh);
    free(ord);
    return VX_OK;
}

double vx_cox_baseline_cumhaz(const vx_cox_baseline *bh, double t)
{
    size_t lo = 0, hi = bh->m; /* the number of event times <= t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (bh->time[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? bh->cumhaz[lo - 1] : 0.0;
}

int vx_cox_baseline_surv(const vx_cox_baseline *bh, const double *lp, size_t n, const double *t, size_t m, double *S,
                         vx_error *err)
{
    for (size_t k = 0; k < m; k++)
        if (!(isfinite(t[k]) && t[k] >= 0.0))
            return vx_error_set(err, VX_EINVAL, "survival prediction: time %g: give finite times >= 0", t[k]);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(lp[i]))
            return vx_error_set(err, VX_EINVAL, "survival prediction: the linear predictor of row %zu is %g", i + 1,
                                lp[i]);
        const double r = exp(lp[i] - bh->center);
        for (size_t k = 0; k < m; k++)
            S[i * m + k] = exp(-vx_cox_baseline_cumhaz(bh, t[k]) * r);
    }
    return VX_OK;
}
