/* voxomics: penalised Cox regression paths as glmnet's Cox family (include/voxomics/survival.h).
 *
 * Objective at each lambda, on the covariates centred and scaled by their population SD (glmnet's
 * standardize = TRUE), with Breslow's ties and weights 1/n:
 *   -(1/n) l(b) + lambda (alpha ||b||_1 + (1 - alpha) / 2 ||b||^2).
 * Solved as glmnet does, by proximal Newton steps on the diagonal of the Hessian in the linear predictor: with
 * g_i and h_i the first and (diagonal) second derivatives of -(1/n) l in eta_i, coordinate descent on the
 * weighted least squares sum h_i / 2 (z_i - x_i b)^2, z = eta - g / h, plus the penalty; outer steps until the
 * largest coefficient change is below 1e-13 of the scale (the exact optimum, where glmnet stops at its thresh),
 * each lambda started from the previous solution; an outer step that raises the penalised objective is halved
 * until it does not (with nearly collinear covariates the full step can overshoot and cycle). Lambda: lambda_max = max_j |(1/n) dl/db_j at 0| / max(alpha,
 * 1e-3), then nlambda values down to lambda_max * lambda_min_ratio on a log scale; the path ends early as
 * glmnet's (4.1, cox.path): from the 5th lambda on, when the deviance ratio r_k exceeds 0.99 or
 * r_k - r_(k-4) < 1e-3 r_k. The deviance ratio: (l(b) - l(0)) / (l_sat - l(0)), l_sat = -sum d log d over the
 * event times (0 without ties). Coefficients are returned on the original scale (b_j / sd_j).
 * Risk sets follow Breslow's definition (a subject censored at an event time is at risk then), as
 * survival::coxph; glmnet's own sums place such a subject by its sort order, so the two agree where no
 * censoring time equals an event time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "voxomics/survival.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survival/surv_impl.h"

typedef struct cn {
    size_t n, p;
    const double *time;
    const int *event;
    size_t *ord;   /* time ascending */
    double *x;     /* n x p standardised, column-major for the coordinate sweeps */
    double *eta, *g, *h, *z, *r, *xw;
    double *eta0, *b0; /* the start of an outer step (for its step halving) */
    double *a, *b; /* per sorted position: sum over event times <= t of d / S0 and d / S0^2 */
} cn;

/* l(b) through eta (Breslow; unweighted), and the derivatives g, h of -(1/n) l in eta */
static double cn_derivs(cn *c)
{
    const size_t n = c->n;
    double s0 = 0.0, ll = 0.0, A = 0.0, B = 0.0;
    /* risk sums from the longest time down; S0 at the first position of each tie group */
    for (size_t q = n; q-- > 0;)
        c->r[q] = (s0 += exp(c->eta[c->ord[q]]));
    for (size_t q = 0; q < n;) {
        size_t q1 = q;
        double d = 0.0;
        const double t = c->time[c->ord[q]], S = c->r[q];
        for (; q1 < n && c->time[c->ord[q1]] == t; q1++)
            if (c->event[c->ord[q1]]) {
                d += 1.0;
                ll += c->eta[c->ord[q1]];
            }
        if (d > 0.0) {
            ll -= d * log(S);
            A += d / S;
            B += d / (S * S);
        }
        for (size_t k = q; k < q1; k++) {
            const size_t i = c->ord[k];
            const double e = exp(c->eta[i]);
            c->g[i] = -((double)c->event[i] - e * A) / (double)n;
            c->h[i] = (e * A - e * e * B) / (double)n;
        }
        q = q1;
    }
    return ll;
}

/* the penalised objective -(1/n) l + l1 |b|_1 + l2 / 2 |b|^2 of log-likelihood ll at beta */
static double cn_objective(const cn *c, const double *beta, double ll, double l1, double l2)
{
    double pen = 0.0;
    for (size_t j = 0; j < c->p; j++)
        pen += l1 * fabs(beta[j]) + 0.5 * l2 * beta[j] * beta[j];
    return -ll / (double)c->n + pen;
}

/* Step halving of an outer step that raised the objective f0 (the diagonal quadratic model is not a bound:
 * with nearly collinear covariates a full step can overshoot and cycle): back towards b0 / eta0 until the
 * objective is not above f0 (to rounding); leaves g, h at the accepted point. */
static void cn_backtrack(cn *c, double *beta, double f0, double l1, double l2)
{
    double f = cn_objective(c, beta, cn_derivs(c), l1, l2);
    for (int k = 0; k < 60 && !(f <= f0 + 1e-14 * fabs(f0)); k++) { /* rounding is no increase */
        for (size_t j = 0; j < c->p; j++)
            beta[j] = 0.5 * (beta[j] + c->b0[j]);
        for (size_t i = 0; i < c->n; i++)
            c->eta[i] = 0.5 * (c->eta[i] + c->eta0[i]);
        f = cn_objective(c, beta, cn_derivs(c), l1, l2);
    }
}

/* one lambda from the current b (std scale): proximal Newton with coordinate descent; returns l(b) */
static double cn_solve(cn *c, double *beta, double l1, double l2)
{
    const size_t n = c->n, p = c->p;
    for (int outer = 0; outer < 200; outer++) {
        const double f0 = cn_objective(c, beta, cn_derivs(c), l1, l2);
        memcpy(c->b0, beta, p * sizeof *beta);
        memcpy(c->eta0, c->eta, n * sizeof *c->eta);
        for (size_t i = 0; i < n; i++) {
            const double hi = c->h[i] > 1e-300 ? c->h[i] : 1e-300;
            c->z[i] = -c->g[i] / hi; /* the residual z - eta */
            c->h[i] = hi;
        }
        for (size_t j = 0; j < p; j++) { /* sum h x^2 */
            double s = 0.0;
            const double *xj = c->x + j * n;
            for (size_t i = 0; i < n; i++)
                s += c->h[i] * xj[i] * xj[i];
            c->xw[j] = s;
        }
        double dmax_outer = 0.0;
        for (int inner = 0; inner < 100000; inner++) {
            double dmax = 0.0;
            for (size_t j = 0; j < p; j++) {
                const double *xj = c->x + j * n;
                double u = 0.0;
                for (size_t i = 0; i < n; i++)
                    u += c->h[i] * xj[i] * c->z[i];
                u += c->xw[j] * beta[j];
                const double nb = (u > l1 ? u - l1 : u < -l1 ? u + l1 : 0.0) / (c->xw[j] + l2), d = nb - beta[j];
                if (d != 0.0) {
                    for (size_t i = 0; i < n; i++) {
                        c->z[i] -= d * xj[i];
                        c->eta[i] += d * xj[i];
                    }
                    beta[j] = nb;
                    dmax = fmax(dmax, fabs(d) * sqrt(c->xw[j]));
                }
            }
            dmax_outer = fmax(dmax_outer, dmax);
            if (dmax < 1e-14)
                break;
        }
        if (dmax_outer < 1e-13)
            break;
        cn_backtrack(c, beta, f0, l1, l2);
    }
    return cn_derivs(c);
}

/* x (column-major) = X (n x p, row-major) centred and scaled by the population SD, sd[j] those SDs */
static int standardise(const double *X, size_t n, size_t p, double *x, double *sd, vx_error *err)
{
    for (size_t j = 0; j < p; j++) {
        double m = 0.0, v = 0.0;
        for (size_t i = 0; i < n; i++)
            m += X[i * p + j];
        m /= (double)n;
        for (size_t i = 0; i < n; i++)
            v += (X[i * p + j] - m) * (X[i * p + j] - m);
        sd[j] = sqrt(v / (double)n);
        if (!(sd[j] > 0.0) || !isfinite(sd[j]))
            return vx_error_set(err, VX_EINVAL, "coxnet: covariate %zu is constant or not finite", j + 1);
        for (size_t i = 0; i < n; i++)
            x[j * n + i] = (X[i * p + j] - m) / sd[j];
    }
    return VX_OK;
}

/* The path from lambda_max down (see the top of the file) into path; c standardised and sorted. */
static void cn_path(cn *c, const double *sd, double alpha, size_t nlambda, double lambda_min_ratio,
                    vx_coxnet_path *path, double *beta)
{
    const size_t n = c->n, p = c->p;
    const double ll0 = cn_derivs(c); /* l(0), l_sat, lambda_max */
    double lsat = 0.0, lmax = 0.0;
    for (size_t q = 0; q < n;) {
        size_t q1 = q;
        double d = 0.0;
        for (; q1 < n && c->time[c->ord[q1]] == c->time[c->ord[q]]; q1++)
            d += c->event[c->ord[q1]];
        if (d > 1.0)
            lsat -= d * log(d);
        q = q1;
    }
    for (size_t j = 0; j < p; j++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += c->g[i] * c->x[j * n + i];
        lmax = fmax(lmax, fabs(s));
    }
    lmax /= fmax(alpha, 1e-3);
    size_t k = 0;
    for (; k < nlambda; k++) {
        /* exp of an arithmetic sequence from log(lambda_max) to log(lambda_max lambda_min_ratio), as R's
         * seq(length.out =) that glmnet calls */
        const double from = log(lmax), to = log(lmax * lambda_min_ratio), by = (to - from) / (double)(nlambda - 1);
        const double lam = exp(k + 1 == nlambda ? to : from + (double)k * by);
        /* at lambda_max every coefficient is 0 by definition (glmnet solves it at an infinite lambda) */
        const double ll = k == 0 ? ll0 : cn_solve(c, beta, lam * alpha, lam * (1.0 - alpha));
        path->lambda[k] = lam;
        path->dev_ratio[k] = (ll - ll0) / (lsat - ll0);
        size_t df = 0;
        for (size_t j = 0; j < p; j++) {
            path->beta[k * p + j] = beta[j] / sd[j];
            df += beta[j] != 0.0;
        }
        path->df[k] = df;
        if (k + 1 >= 5) { /* glmnet's cox.path: mnlam 5, fdev 1e-5 x 100, devmax 0.999 x 0.99 / 0.999 */
            const double r = path->dev_ratio[k], r4 = path->dev_ratio[k - 4];
            if (r > 0.99 || r - r4 < 1e-3 * r) {
                k++;
                break;
            }
        }
    }
    path->nlambda = k;
    path->p = p;
}

void vx_coxnet_free(vx_coxnet_path *path)
{
    if (!path)
        return;
    free(path->lambda);
    free(path->beta);
    free(path->dev_ratio);
    free(path->df);
    memset(path, 0, sizeof *path);
}

static void cn_free(cn *c)
{
    free(c->ord);
    free(c->x);
    free(c->eta);
    free(c->g);
    free(c->h);
    free(c->z);
    free(c->r);
    free(c->xw);
    free(c->eta0);
    free(c->b0);
    memset(c, 0, sizeof *c);
}

/* c's work arrays for n subjects and p covariates; VX_ENOMEM */
static int cn_alloc(cn *c, size_t n, size_t p, const double *time, const int *event, vx_error *err)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    c->p = p;
    c->time = time;
    c->event = event;
    c->ord = surv_order(time, NULL, n, 0); /* time ascending */
    c->x = malloc(n * p * sizeof *c->x);
    c->eta = calloc(n, sizeof *c->eta);
    c->g = malloc(n * sizeof *c->g);
    c->h = malloc(n * sizeof *c->h);
    c->z = malloc(n * sizeof *c->z);
    c->r = malloc(n * sizeof *c->r);
    c->xw = malloc(p * sizeof *c->xw);
    c->eta0 = malloc(n * sizeof *c->eta0);
    c->b0 = malloc(p * sizeof *c->b0);
    if (!c->ord || !c->x || !c->eta || !c->g || !c->h || !c->z || !c->r || !c->xw || !c->eta0 || !c->b0) {
        cn_free(c);
        return vx_error_set(err, VX_ENOMEM, "coxnet: out of memory for %zu x %zu", n, p);
    }
    return VX_OK;
}

int vx_coxnet_fit(const double *X, size_t n, size_t p, const double *time, const int *event, double alpha,
                  size_t nlambda, double lambda_min_ratio, vx_coxnet_path *path, vx_error *err)
{
    if (!path)
        return vx_error_set(err, VX_EINVAL, "coxnet: NULL result");
    memset(path, 0, sizeof *path);
    size_t events;
    if (!X || !time || !event || n < 2 || p == 0)
        return vx_error_set(err, VX_EINVAL, "coxnet: %zu subjects and %zu covariates; it needs at least 2 and 1", n, p);
    if (!(alpha > 0.0 && alpha <= 1.0))
        return vx_error_set(err, VX_EINVAL, "coxnet: alpha %g; use a value in (0, 1] (1: LASSO)", alpha);
    if (nlambda < 3 || nlambda > 100000)
        return vx_error_set(err, VX_EINVAL, "coxnet: %zu lambdas; use 3 to 100000", nlambda);
    if (isnan(lambda_min_ratio))
        lambda_min_ratio = n < p ? 0.01 : 1e-4; /* glmnet's default */
    if (!(lambda_min_ratio > 0.0 && lambda_min_ratio < 1.0))
        return vx_error_set(err, VX_EINVAL, "coxnet: lambda_min_ratio %g; use a value in (0, 1)", lambda_min_ratio);
    int rc = surv_check(time, event, NULL, n, "coxnet", &events, err);
    if (rc == VX_OK && events == 0)
        rc = vx_error_set(err, VX_EINVAL, "coxnet: no events: the partial likelihood is constant");
    if (rc != VX_OK)
        return rc;
    cn c;
    rc = cn_alloc(&c, n, p, time, event, err);
    if (rc != VX_OK)
        return rc;
    double *sd = malloc(p * sizeof *sd), *beta = calloc(p, sizeof *beta);
    path->lambda = malloc(nlambda * sizeof *path->lambda);
    path->beta = calloc(nlambda * p, sizeof *path->beta);
    path->dev_ratio = malloc(nlambda * sizeof *path->dev_ratio);
    path->df = malloc(nlambda * sizeof *path->df);
    if (!sd || !beta || !path->lambda || !path->beta || !path->dev_ratio || !path->df) {
        rc = vx_error_set(err, VX_ENOMEM, "coxnet: out of memory for %zu x %zu", n, p);
        goto done;
    }
    rc = standardise(X, n, p, c.x, sd, err);
    if (rc != VX_OK)
        goto done;
    cn_path(&c, sd, alpha, nlambda, lambda_min_ratio, path, beta);
done:
    cn_free(&c);
    free(sd);
    free(beta);
    if (rc != VX_OK)
        vx_coxnet_free(path);
    return rc;
}
