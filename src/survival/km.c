/* voxomics: Kaplan-Meier curves, log-rank tests and Harrell's C (include/voxomics/survival.h has the
 * definitions).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "voxomics/survival.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survival/surv_impl.h"

#define Z975 1.959963984540054
#define TOLER 1.4901161193847656e-08 /* sqrt(DBL_EPSILON): quantile.survfit's tolerance */

/* ---- Harrell's C -------------------------------------------------------------------------------------------- */
/* Fenwick tree over score ranks 1..R */
static void fw_add(double *t, size_t R, size_t r, double v)
{
    for (; r <= R; r += r & (~r + 1))
        t[r] += v;
}
static double fw_sum(const double *t, size_t r)
{
    double s = 0.0;
    for (; r > 0; r -= r & (~r + 1))
        s += t[r];
    return s;
}

int vx_concordance(const double *score, const double *time, const int *event, const int *strata, size_t n,
                   double *c, double counts[4], vx_error *err)
{
    size_t events;
    if (!score || !time || !event || !c)
        return vx_error_set(err, VX_EINVAL, "concordance: NULL argument");
    int rc = surv_check(time, event, strata, n, "concordance", &events, err);
    for (size_t i = 0; rc == VX_OK && i < n; i++)
        if (!isfinite(score[i]))
            rc = vx_error_set(err, VX_EINVAL, "concordance: the score of subject %zu is not a finite number", i + 1);
    if (rc != VX_OK)
        return rc;
    /* score ranks (equal scores, equal rank) */
    size_t *bys = surv_order(score, NULL, n, 0), *ord = surv_order(time, strata, n, 1), *rank = malloc((n + 1) * sizeof *rank);
    double *tree = calloc(n + 2, sizeof *tree);
    if (!bys || !ord || !rank || !tree) {
        free(bys);
        free(ord);
        free(rank);
        free(tree);
        return vx_error_set(err, VX_ENOMEM, "concordance: out of memory");
    }
    size_t R = 0;
    for (size_t q = 0; q < n; q++) {
        if (q == 0 || score[bys[q]] != score[bys[q - 1]])
            R++;
        rank[bys[q]] = R;
    }
    double conc = 0.0, disc = 0.0, tx = 0.0, ty = 0.0, total = 0.0;
    for (size_t q = 0; q < n;) {
        const size_t i0 = ord[q];
        if (q > 0 && surv_stratum(strata, ord[q - 1]) != surv_stratum(strata, i0)) {
            memset(tree, 0, (n + 2) * sizeof *tree); /* a new stratum: no partners yet */
            total = 0.0;
        }
        size_t q1 = q, d = 0;
        while (q1 < n && time[ord[q1]] == time[i0] && surv_stratum(strata, ord[q1]) == surv_stratum(strata, i0))
            q1++;
        for (size_t k = q; k < q1; k++) /* the censored at this time outlive its events */
            if (!event[ord[k]]) {
                fw_add(tree, R, rank[ord[k]], 1.0);
                total += 1.0;
            }
        for (size_t k = q; k < q1; k++) {
            const size_t i = ord[k];
            if (!event[i])
                continue;
            d++;
            const double below = fw_sum(tree, rank[i] - 1), upto = fw_sum(tree, rank[i]);
            conc += below;
            tx += upto - below;
            disc += total - upto;
        }
        ty += (double)d * (double)(d - 1) / 2.0;
        for (size_t k = q; k < q1; k++)
            if (event[ord[k]]) {
                fw_add(tree, R, rank[ord[k]], 1.0);
                total += 1.0;
            }
        q = q1;
    }
    free(bys);
    free(ord);
    free(rank);
    free(tree);
    const double comparable = conc + disc + tx;
    *c = comparable > 0.0 ? (conc + tx / 2.0) / comparable : NAN;
    if (counts) {
        counts[0] = conc;
        counts[1] = disc;
        counts[2] = tx;
        counts[3] = ty;
    }
    return VX_OK;
}

/* ---- Kaplan-Meier ------------------------------------------------------------------------------------------- */
void vx_km_free(vx_km *km)
{
    if (!km)
        return;
    free(km->time);
    free(km->surv);
    free(km->se);
    free(km->lower);
    free(km->upper);
    free(km->n_risk);
    free(km->n_event);
    free(km->n_censor);
    memset(km, 0, sizeof *km);
}

static void km_ci(double s, double sigma, vx_km_ci ci, double *lo, double *hi)
{
    if (ci == VX_KM_CI_LOG) {
        if (s <= 0.0 || !isfinite(sigma)) {
            *lo = *hi = NAN;
            return;
        }
        *lo = s * exp(-Z975 * sigma);
        *hi = fmin(1.0, s * exp(Z975 * sigma));
        return;
    }
    if (s <= 0.0 || s >= 1.0 || !isfinite(sigma)) {
        *lo = *hi = NAN;
        return;
    }
    const double ll = log(-log(s)), w = Z975 * sigma / log(s);
    *lo = exp(-exp(ll - w));
    *hi = exp(-exp(ll + w));
}

/* quantile.survfit's median of a curve: the first step at or below 0.5; where the curve equals 0.5 (within
 * TOLER) the midpoint of that time and the time of its next drop */
static double median_of(const vx_km *km, const double *curve)
{
    for (size_t j = 0; j < km->m; j++) {
        if (!(curve[j] <= 0.5 + TOLER))
            continue;
        if (fabs(curve[j] - 0.5) < TOLER) {
            for (size_t k = j + 1; k < km->m; k++)
                if (curve[k] < curve[j] - TOLER)
                    return (km->time[j] + km->time[k]) / 2.0;
            return km->time[j];
        }
        return km->time[j];
    }
    return NAN;
}

int vx_km_fit(const double *time, const int *event, const unsigned char *use, size_t n, vx_km_ci ci, vx_km *km,
              vx_error *err)
{
    if (!km)
        return vx_error_set(err, VX_EINVAL, "Kaplan-Meier: NULL result");
    memset(km, 0, sizeof *km);
    size_t events;
    if (!time || !event)
        return vx_error_set(err, VX_EINVAL, "Kaplan-Meier: NULL argument");
    int rc = surv_check(time, event, NULL, n, "Kaplan-Meier", &events, err);
    if (rc != VX_OK)
        return rc;
    size_t *ord = surv_order(time, NULL, n, 0), nu = 0;
    for (size_t i = 0; i < n; i++)
        nu += !use || use[i];
    if (nu == 0) {
        free(ord);
        return vx_error_set(err, VX_EINVAL, "Kaplan-Meier: no subject");
    }
    km->time = malloc(nu * sizeof *km->time);
    km->surv = malloc(nu * sizeof *km->surv);
    km->se = malloc(nu * sizeof *km->se);
    km->lower = malloc(nu * sizeof *km->lower);
    km->upper = malloc(nu * sizeof *km->upper);
    km->n_risk = malloc(nu * sizeof *km->n_risk);
    km->n_event = malloc(nu * sizeof *km->n_event);
    km->n_censor = malloc(nu * sizeof *km->n_censor);
    if (!ord || !km->time || !km->surv || !km->se || !km->lower || !km->upper || !km->n_risk || !km->n_event ||
        !km->n_censor) {
        free(ord);
        vx_km_free(km);
        return vx_error_set(err, VX_ENOMEM, "Kaplan-Meier: out of memory");
    }
    km->n = nu;
    size_t at_risk = nu, m = 0;
    double s = 1.0, v = 0.0;
    for (size_t q = 0; q < n;) {
        const double t = time[ord[q]];
        size_t d = 0, c = 0;
        for (; q < n && time[ord[q]] == t; q++)
            if (!use || use[ord[q]]) {
                d += (size_t)event[ord[q]];
                c += (size_t)!event[ord[q]];
            }
        if (d + c == 0)
            continue;
        if (d > 0) {
            s *= 1.0 - (double)d / (double)at_risk;
            v = at_risk > d ? v + (double)d / ((double)at_risk * (double)(at_risk - d)) : INFINITY;
        }
        km->time[m] = t;
        km->surv[m] = s;
        km->se[m] = sqrt(v);
        km_ci(s, km->se[m], ci, &km->lower[m], &km->upper[m]);
        if (v == 0.0) /* before the first event: S = 1 exactly, so is its interval */
            km->lower[m] = km->upper[m] = 1.0;
        km->n_risk[m] = at_risk;
        km->n_event[m] = d;
        km->n_censor[m] = c;
        km->events += d;
        at_risk -= d + c;
        m++;
    }
    free(ord);
    km->m = m;
    km->median = median_of(km, km->surv);
    km->median_lower = median_of(km, km->lower);
    km->median_upper = median_of(km, km->upper);
    return VX_OK;
}

void vx_km_at(const vx_km *km, double t, double *surv, double *lower, double *upper, size_t *n_risk)
{
    size_t j = 0;
    while (j < km->m && km->time[j] <= t)
        j++;
    /* j steps at or before t; the number at risk at t: of the first step at or after t */
    size_t k = 0;
    while (k < km->m && km->time[k] < t)
        k++;
    if (n_risk)
        *n_risk = k < km->m ? km->n_risk[k] : 0;
    if (j == 0) {
        *surv = *lower = *upper = 1.0;
        return;
    }
    *surv = km->surv[j - 1];
    *lower = km->lower[j - 1];
    *upper = km->upper[j - 1];
}

/* ---- log-rank ----------------------------------------------------------------------------------------------- */
/* chi-square of (O - E) on V over the present groups but the last; its df */
static double lr_chisq(const double *O, const double *E, const double *V, int k, const unsigned char *present, int *df)
{
    int idx[256], m = 0;
    for (int g = 0; g < k; g++)
        if (present[g])
            idx[m++] = g;
    *df = m - 1;
    if (m < 2)
        return NAN;
    const size_t r = (size_t)m - 1;
    double *A = malloc(r * r * sizeof *A), *L = malloc(r * r * sizeof *L), *b = malloc(r * sizeof *b),
           *x = malloc(r * sizeof *x);
    double chi = NAN;
    if (A && L && b && x) {
        for (size_t i = 0; i < r; i++) {
            b[i] = O[idx[i]] - E[idx[i]];
            for (size_t j = 0; j < r; j++)
                A[i * r + j] = V[idx[i] * k + idx[j]];
        }
        if (surv_chol(A, r, L) == 0) {
            surv_chol_solve(L, r, b, x);
            chi = 0.0;
            for (size_t i = 0; i < r; i++)
                chi += b[i] * x[i];
        }
    }
    free(A);
    free(L);
    free(b);
    free(x);
    return chi;
}

int vx_logrank(const double *time, const int *event, const int *group, int k, const int *strata, size_t n,
               double rho, double *chisq, int *df, double *p, double *observed, double *expected, vx_error *err)
{
    size_t events;
    if (!time || !event || !group || !chisq || !df || !p)
        return vx_error_set(err, VX_EINVAL, "log-rank: NULL argument");
    if (k < 2 || k > 256)
        return vx_error_set(err, VX_EINVAL, "log-rank: %d groups; the test compares 2 to 256", k);
    int rc = surv_check(time, event, strata, n, "log-rank", &events, err);
    for (size_t i = 0; rc == VX_OK && i < n; i++)
        if (group[i] < 0 || group[i] >= k)
            rc = vx_error_set(err, VX_EINVAL, "log-rank: subject %zu is in group %d of %d", i + 1, group[i], k);
    if (rc == VX_OK && events == 0)
        rc = vx_error_set(err, VX_EINVAL, "log-rank: no events: the groups cannot be compared");
    if (rc != VX_OK)
        return rc;
    const size_t K = (size_t)k;
    double *O = calloc(K, sizeof *O), *E = calloc(K, sizeof *E), *V = calloc(K * K, sizeof *V);
    double *nr = calloc(K, sizeof *nr), *dg = calloc(K, sizeof *dg);
    unsigned char *present = calloc(K, 1);
    size_t *ord = surv_order(time, strata, n, 0);
    if (!O || !E || !V || !nr || !dg || !present || !ord) {
        rc = vx_error_set(err, VX_ENOMEM, "log-rank: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        present[group[i]] = 1;
    for (size_t q = 0; q < n;) {
        /* one stratum: ord[q .. qe) */
        size_t qe = q;
        while (qe < n && surv_stratum(strata, ord[qe]) == surv_stratum(strata, ord[q]))
            qe++;
        memset(nr, 0, K * sizeof *nr);
        for (size_t r = q; r < qe; r++)
            nr[group[ord[r]]] += 1.0;
        double at_risk = (double)(qe - q), s = 1.0; /* the pooled Kaplan-Meier, left-continuous */
        while (q < qe) {
            const double t = time[ord[q]];
            size_t q1 = q;
            double d = 0.0;
            memset(dg, 0, K * sizeof *dg);
            for (; q1 < qe && time[ord[q1]] == t; q1++)
                if (event[ord[q1]]) {
                    d += 1.0;
                    dg[group[ord[q1]]] += 1.0;
                }
            if (d > 0.0) {
                const double w = rho != 0.0 ? pow(s, rho) : 1.0;
                const double vf = at_risk > 1.0 ? w * w * d * (at_risk - d) / (at_risk - 1.0) : 0.0;
                for (size_t g = 0; g < K; g++) {
                    O[g] += w * dg[g];
                    E[g] += w * d * nr[g] / at_risk;
                    for (size_t h = 0; h < K; h++)
                        V[g * K + h] += vf * nr[g] / at_risk * ((g == h ? 1.0 : 0.0) - nr[h] / at_risk);
                }
                s *= 1.0 - d / at_risk;
            }
            for (size_t r = q; r < q1; r++) { /* leave the risk set after t */
                nr[group[ord[r]]] -= 1.0;
                at_risk -= 1.0;
            }
            q = q1;
        }
    }
    *chisq = lr_chisq(O, E, V, k, present, df);
    *p = isnan(*chisq) ? NAN : gsl_cdf_chisq_Q(*chisq, (double)*df);
    if (*df < 1)
        rc = vx_error_set(err, VX_EINVAL, "log-rank: only one group has subjects; the test needs two");
    for (size_t g = 0; g < K; g++) {
        if (observed)
            observed[g] = O[g];
        if (expected)
            expected[g] = E[g];
    }
done:
    free(O);
    free(E);
    free(V);
    free(nr);
    free(dg);
    free(present);
    free(ord);
    return rc;
}
