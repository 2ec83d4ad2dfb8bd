/* voxomics: discrimination and calibration of survival predictions: Uno's C, the cumulative/dynamic
 * time-dependent AUC and the IPCW Brier score (include/voxomics/survival.h).
 *
 * Censoring weights: G is the Kaplan-Meier curve of the censoring times with censorings after the deaths at the
 * same time (the convention of survival::concordance and of prodlim's reverse Kaplan-Meier that riskRegression
 * and pec use): at a time u with c censorings, G drops by the factor 1 - c / (c + #{time > u}), the deaths at u
 * not counted at risk. G(t) is its value after the drops at times <= t, G(t-) after those at times < t.
 *
 * Uno's C (survival::concordance(timewt = "n/G2", ymax = tau), the left-continuous G(t-) of its vignette):
 *   C = sum_{i,j comparable} w_i [s_i > s_j] + 1/2 [s_i = s_j]  /  sum_{i,j comparable} w_i,  w_i = G(T_i-)^-2,
 * (i, j) comparable when i has the event at T_i <= tau and T_j > T_i, or T_j = T_i with j censored. Uno et al.
 * (2011) and survAUC::UnoC write G(T_i) (right-continuous, a censoring at T_i counted) and T_i < tau; the two
 * differ only where a censoring time equals an event time, or an event falls at tau.
 * Time-dependent AUC (riskRegression::Score(metrics = "auc", cens.model = "km"), the IPCW estimator of Uno 2007
 * and Blanche 2013 as timeROC): cases T_i <= t with an event, weight 1 / G(T_i-); controls T_j > t (equal
 * weights 1 / G(t), which cancel):
 *   AUC(t) = sum_i sum_j w_i ([s_i > s_j] + 1/2 [s_i = s_j]) / (sum_i w_i * #controls).
 * Brier score (Graf et al. 1999; riskRegression::Score(metrics = "brier"), pec::pec(cens.model = "marginal")):
 *   BS(t) = 1/n sum_i ( [T_i <= t, event] S_i(t)^2 / G(T_i-) + [T_i > t] (1 - S_i(t))^2 / G(t) ),
 * a subject censored at or before t contributing 0. Integrated (pec::ibs, its Dint over [t_0, t_{m-1}]): the
 * Brier curve as a step function of the grid, IBS = sum_{k < m-1} BS(t_k) (t_{k+1} - t_k) / (t_{m-1} - t_0).
 * Cost: O(n^2) for C, O(n^2 m) for the AUC, O(n (log n + m)) for the Brier scores.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survival/surv_impl.h"
#include "voxomics/survival.h"

/* The censoring curve: distinct times u[0..m) ascending and G after each. */
typedef struct cens {
    size_t m;
    double *u, *g;
} cens;

static void cens_free(cens *c)
{
    free(c->u);
    free(c->g);
}

static int cens_fit(const double *time, const int *event, size_t n, cens *c, vx_error *err)
{
    size_t *ord = surv_order(time, NULL, n, 0);
    c->u = malloc((n ? n : 1) * sizeof *c->u);
    c->g = malloc((n ? n : 1) * sizeof *c->g);
    c->m = 0;
    if (!ord || !c->u || !c->g) {
        free(ord);
        cens_free(c);
        return vx_error_set(err, VX_ENOMEM, "survival metrics: out of memory for %zu subjects", n);
    }
    double G = 1.0;
    for (size_t q = 0; q < n;) {
        size_t q1 = q, cn = 0;
        for (; q1 < n && time[ord[q1]] == time[ord[q]]; q1++)
            cn += event[ord[q1]] == 0;
        if (cn) /* at risk of censoring: the censored at u and every later time */
            G *= 1.0 - (double)cn / (double)(cn + n - q1);
        c->u[c->m] = time[ord[q]];
        c->g[c->m++] = G;
        q = q1;
    }
    free(ord);
    return VX_OK;
}

/* G(t) (left = 0) or G(t-) (left = 1) */
static double cens_at(const cens *c, double t, int left)
{
    size_t lo = 0, hi = c->m; /* the number of u below t (left) or at most t */
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (left ? c->u[mid] < t : c->u[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? c->g[lo - 1] : 1.0;
}

/* the common checks: data, finite scores (S: values in [0, 1]), the times t increasing when asked */
static int metric_check(const char *what, const double *x, size_t nx, int prob, const double *time, const int *event,
                        size_t n, const double *t, size_t m, vx_error *err)
{
    size_t ev;
    if (!x || !time || !event || n == 0 || (m && !t))
        return vx_error_set(err, VX_EINVAL, "%s: NULL argument or no subjects", what);
    int rc = surv_check(time, event, NULL, n, what, &ev, err);
    if (rc != VX_OK)
        return rc;
    for (size_t i = 0; i < nx; i++)
        if (!isfinite(x[i]) || (prob && (x[i] < 0.0 || x[i] > 1.0)))
            return vx_error_set(err, VX_EINVAL, "%s: the %s of subject %zu is %g; %s", what,
                                prob ? "predicted survival" : "score", (m && prob ? i / m : i) + 1, x[i],
                                prob ? "it must be a probability in [0, 1]" : "it must be a finite number");
    for (size_t k = 0; k < m; k++)
        if (!isfinite(t[k]) || t[k] < 0.0)
            return vx_error_set(err, VX_EINVAL, "%s: time %zu is %g; times must be finite and >= 0", what, k + 1,
                                t[k]);
    return VX_OK;
}

int vx_concordance_uno(const double *score, const double *time, const int *event, size_t n, double tau, double *c,
                       vx_error *err)
{
    int rc = metric_check("Uno's C", score, n, 0, time, event, n, NULL, 0, err);
    if (rc == VX_OK && !c)
        rc = vx_error_set(err, VX_EINVAL, "Uno's C: NULL result");
    if (rc != VX_OK)
        return rc;
    cens G;
    if ((rc = cens_fit(time, event, n, &G, err)) != VX_OK)
        return rc;
    const int trunc = tau > 0.0 && isfinite(tau);
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!event[i] || (trunc && time[i] > tau))
            continue;
        const double g = cens_at(&G, time[i], 1), w = 1.0 / (g * g);
        double cnt = 0.0, con = 0.0;
        for (size_t j = 0; j < n; j++)
            if (time[j] > time[i] || (time[j] == time[i] && !event[j])) {
                cnt += 1.0;
                con += score[i] > score[j] ? 1.0 : score[i] == score[j] ? 0.5 : 0.0;
            }
        num += w * con;
        den += w * cnt;
    }
    cens_free(&G);
    *c = den > 0.0 ? num / den : NAN;
    return VX_OK;
}

int vx_td_auc(const double *score, const double *time, const int *event, size_t n, const double *t, size_t m,
              double *auc, vx_error *err)
{
    int rc = metric_check("time-dependent AUC", score, n, 0, time, event, n, t, m, err);
    if (rc == VX_OK && !auc)
        rc = vx_error_set(err, VX_EINVAL, "time-dependent AUC: NULL result");
    if (rc != VX_OK)
        return rc;
    cens G;
    if ((rc = cens_fit(time, event, n, &G, err)) != VX_OK)
        return rc;
    for (size_t k = 0; k < m; k++) {
        double num = 0.0, wsum = 0.0, ctrl = 0.0;
        for (size_t j = 0; j < n; j++)
            ctrl += time[j] > t[k];
        for (size_t i = 0; i < n; i++) {
            if (!event[i] || time[i] > t[k])
                continue;
            const double w = 1.0 / cens_at(&G, time[i], 1);
            double con = 0.0;
            for (size_t j = 0; j < n; j++)
                if (time[j] > t[k])
                    con += score[i] > score[j] ? 1.0 : score[i] == score[j] ? 0.5 : 0.0;
            num += w * con;
            wsum += w;
        }
        auc[k] = wsum > 0.0 && ctrl > 0.0 ? num / (wsum * ctrl) : NAN;
    }
    cens_free(&G);
    return VX_OK;
}

int vx_brier(const double *S, const double *time, const int *event, size_t n, const double *t, size_t m, double *bs,
             vx_error *err)
{
    int rc = metric_check("Brier score", S, n * m, 1, time, event, n, t, m, err);
    if (rc == VX_OK && (!bs || m == 0))
        rc = vx_error_set(err, VX_EINVAL, "Brier score: NULL result or no time");
    if (rc != VX_OK)
        return rc;
    cens G;
    if ((rc = cens_fit(time, event, n, &G, err)) != VX_OK)
        return rc;
    for (size_t k = 0; k < m; k++) {
        const double gt = cens_at(&G, t[k], 0);
        double s = 0.0;
        for (size_t i = 0; i < n; i++) {
            const double p = S[i * m + k];
            if (time[i] > t[k])
                s += (1.0 - p) * (1.0 - p) / gt;
            else if (event[i])
                s += p * p / cens_at(&G, time[i], 1);
        }
        bs[k] = s / (double)n;
    }
    cens_free(&G);
    return VX_OK;
}

int vx_brier_integrated(const double *S, const double *time, const int *event, size_t n, const double *t, size_t m,
                        double *ibs, vx_error *err)
{
    if (!ibs || !t || m < 2)
        return vx_error_set(err, VX_EINVAL, "integrated Brier score: %zu times; it needs at least 2", m);
    for (size_t k = 1; k < m; k++)
        if (!(t[k] > t[k - 1]))
            return vx_error_set(err, VX_EINVAL, "integrated Brier score: the times must increase (time %zu is %g, "
                                "time %zu %g)", k, t[k - 1], k + 1, t[k]);
    double *bs = malloc(m * sizeof *bs);
    if (!bs)
        return vx_error_set(err, VX_ENOMEM, "integrated Brier score: out of memory");
    int rc = vx_brier(S, time, event, n, t, m, bs, err);
    if (rc == VX_OK) {
        double s = 0.0;
        for (size_t k = 0; k + 1 < m; k++)
            s += bs[k] * (t[k + 1] - t[k]);
        *ibs = s / (t[m - 1] - t[0]);
    }
    free(bs);
    return rc;
}
