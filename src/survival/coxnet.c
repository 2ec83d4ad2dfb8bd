/* voxomics: penalised Cox regression paths as glmnet's Cox family (include/voxomics/survival.h).
 *
 * Objective at each lambda, on the covariates centred and scaled by their population SD (glmnet's
 * standardize = TRUE), with Breslow's ties and weights 1/n:
 *   -(1/n) l(b) + lambda (alpha ||b||_1 + (1 - alpha) / 2 ||b||^2).
 * Solved by proximal Newton steps with the exact Hessian of the partial likelihood on a working set (the nonzero
 * coefficients and those breaking the optimality condition; see cn_solve), each step's lasso subproblem by
 * coordinate descent with an exact solve on its signs, each step halved while it raises the penalised
 * objective; each lambda started from the previous solution and solved to its optimum (where glmnet stops at its
 * thresh; glmnet's steps on the diagonal of the Hessian converge slowly on nearly collinear covariates).
 * Lambda: lambda_max = max_j |(1/n) dl/db_j at 0| / max(alpha,
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

/* The Hessian of -(1/n) l in the coefficients of the working set W (k of them), H (k x k, row-major):
 * (1/n) sum over event times of d (S2 / S0 - S1 S1' / S0^2), S0, S1, S2 the sums of w = exp(eta), w x_W and
 * w x_W x_W' over the risk set (time >= t), accumulated from the longest time down. s1, xi: k, s2: k x k work. */
static void cn_hessian(const cn *c, const size_t *W, size_t k, double *H, double *s1, double *s2, double *xi)
{
    const size_t n = c->n;
    double s0 = 0.0;
    memset(H, 0, k * k * sizeof *H);
    memset(s1, 0, k * sizeof *s1);
    memset(s2, 0, k * k * sizeof *s2);
    for (size_t q1 = n; q1 > 0;) {
        size_t q0 = q1;
        const double t = c->time[c->ord[q1 - 1]];
        double d = 0.0;
        for (; q0 > 0 && c->time[c->ord[q0 - 1]] == t; q0--) {
            const size_t i = c->ord[q0 - 1];
            const double w = exp(c->eta[i]);
            d += c->event[i];
            s0 += w;
            for (size_t a = 0; a < k; a++) /* subject i's working covariates, gathered once */
                xi[a] = c->x[W[a] * n + i];
            for (size_t a = 0; a < k; a++) {
                const double wa = w * xi[a];
                double *row = s2 + a * k;
                s1[a] += wa;
                for (size_t b = 0; b <= a; b++)
                    row[b] += wa * xi[b];
            }
        }
        if (d > 0.0)
            for (size_t a = 0; a < k; a++)
                for (size_t b = 0; b <= a; b++)
                    H[a * k + b] += d / (double)n * (s2[a * k + b] / s0 - s1[a] * s1[b] / (s0 * s0));
        q1 = q0;
    }
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < a; b++)
            H[b * k + a] = H[a * k + b];
}

/* The exact minimiser of the quadratic model below on the signs of bw: with A the nonzero coordinates and s their
 * signs, (H_AA + l2 I) b_A = H_A. b0 - G_A - l1 s_A (the others 0). Accepted, into bw and r, when b_A keeps the
 * signs s and every other coordinate j of W satisfies |G_j + (H (b - b0))_j| <= l1; 0 then, else -1 (bw kept).
 * m: 3 k + 2 k^2 doubles of work; A: k indices. */
static int cn_sign_solve(const double *G, const double *H, size_t k, const double *b0, double *bw, double *r,
                         double l1, double l2, double *m, size_t *A)
{
    size_t na = 0;
    for (size_t j = 0; j < k; j++)
        if (bw[j] != 0.0)
            A[na++] = j;
    double *M = m, *L = m + k * k, *rhs = m + 2 * k * k, *x = rhs + k, *q = x + k;
    for (size_t a = 0; a < na; a++) {
        const size_t j = A[a];
        double v = -G[j] - l1 * (bw[j] > 0.0 ? 1.0 : -1.0);
        for (size_t l = 0; l < k; l++)
            v += H[j * k + l] * b0[l];
        rhs[a] = v;
        for (size_t c = 0; c < na; c++)
            M[a * na + c] = H[j * k + A[c]] + (a == c ? l2 : 0.0);
    }
    if (surv_chol(M, na, L) != 0)
        return -1;
    surv_chol_solve(L, na, rhs, x);
    for (size_t a = 0; a < na; a++)
        if (!(x[a] * bw[A[a]] > 0.0))
            return -1;
    for (size_t j = 0; j < k; j++) /* the trial point, then H (b - b0) there */
        q[j] = -b0[j];
    for (size_t a = 0; a < na; a++)
        q[A[a]] = x[a] - b0[A[a]];
    for (size_t j = 0; j < k; j++) {
        double v = 0.0;
        for (size_t l = 0; l < k; l++)
            v += H[j * k + l] * q[l];
        m[j] = v;                                  /* M is no longer needed either: H (b - b0) */
    }
    for (size_t j = 0, a = 0; j < k; j++) {
        if (a < na && A[a] == j) {
            a++;
            continue;
        }
        if (fabs(G[j] + m[j]) > l1 * (1.0 + 1e-9) + 1e-15)
            return -1;
    }
    for (size_t j = 0; j < k; j++) {
        bw[j] = q[j] + b0[j];
        r[j] = m[j];
    }
    return 0;
}

/* The proximal Newton step on W: the minimiser of G'(b - b0) + (b - b0)' H (b - b0) / 2 + l1 |b|_1 + l2 |b|^2 / 2
 * over the coefficients of W (others stay 0): coordinate descent, which finds the signs, and after 10, 20, 40,
 * ... sweeps the exact solve on those signs (cn_sign_solve), which ends it when the signs are right (coordinate descent
 * alone converges slowly when H is nearly singular); else coordinate descent to rounding. bw: W's coefficients,
 * b0 in and the minimiser out; r: k work (H (b - b0)); m, A: cn_sign_solve's work. */
static void cn_newton_step(const double *G, const double *H, size_t k, const double *b0, double *bw, double *r,
                           double l1, double l2, double *m, size_t *A)
{
    memset(r, 0, k * sizeof *r);
    int next_try = 9; /* sweeps between exact solves doubling: a failed one costs k^3 / 3 */
    for (int sweep = 0; sweep < 1000; sweep++) { /* an inexact step beyond that: the next Newton step goes on */
        double dmax = 0.0;
        for (size_t j = 0; j < k; j++) {
            const double hjj = H[j * k + j] > 1e-300 ? H[j * k + j] : 1e-300;
            const double u = hjj * bw[j] - G[j] - r[j]; /* hjj b0 - G - (r - hjj (b - b0)) */
            const double nb = (u > l1 ? u - l1 : u < -l1 ? u + l1 : 0.0) / (hjj + l2), d = nb - bw[j];
            if (d != 0.0) {
                for (size_t a = 0; a < k; a++)
                    r[a] += d * H[j * k + a]; /* H symmetric: row j */
                bw[j] = nb;
                dmax = fmax(dmax, fabs(d) * sqrt(hjj));
            }
        }
        if (dmax < 1e-15)
            break;
        if (sweep == next_try) {
            if (cn_sign_solve(G, H, k, b0, bw, r, l1, l2, m, A) == 0)
                break;
            next_try = 2 * next_try + 1;
        }
    }
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

/* Work arrays of the Newton solver, for up to cap working coordinates (grown on demand). */
typedef struct cn_work {
    size_t cap;
    size_t *W;
    double *G, *Gw, *H, *s1, *s2, *r, *bw, *b0, *m;
    size_t *A;
} cn_work;

static void cn_work_free(cn_work *w)
{
    free(w->W);
    free(w->G);
    free(w->Gw);
    free(w->H);
    free(w->s1);
    free(w->s2);
    free(w->r);
    free(w->bw);
    free(w->b0);
    free(w->m);
    free(w->A);
    memset(w, 0, sizeof *w);
}

/* room for k working coordinates of p; 0, or -1 without memory */
static int cn_work_fit(cn_work *w, size_t p, size_t k)
{
    if (!w->W && (!(w->W = malloc(p * sizeof *w->W)) || !(w->G = malloc(p * sizeof *w->G))))
        return -1;
    if (k <= w->cap)
        return 0;
    double **v[] = {&w->Gw, &w->s1, &w->r, &w->bw, &w->b0};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        free(*v[i]);
        *v[i] = malloc(k * sizeof **v[i]);
    }
    free(w->H);
    free(w->s2);
    free(w->m);
    free(w->A);
    w->H = malloc(k * k * sizeof *w->H);
    w->s2 = malloc(k * k * sizeof *w->s2);
    w->m = malloc((3 * k + 2 * k * k) * sizeof *w->m);
    w->A = malloc(k * sizeof *w->A);
    w->cap = k;
    return w->Gw && w->s1 && w->r && w->bw && w->b0 && w->H && w->s2 && w->m && w->A ? 0 : -1;
}

/* The working set: the nonzero coefficients and those whose gradient G_j (of -(1/n) l, all p computed into
 * w->G) breaks the optimality condition |G_j| <= l1; returns its size */
static size_t cn_working_set(const cn *c, const double *beta, double l1, cn_work *w)
{
    const size_t n = c->n;
    size_t k = 0;
    for (size_t j = 0; j < c->p; j++) {
        double s = 0.0;
        const double *xj = c->x + j * n;
        for (size_t i = 0; i < n; i++)
            s += c->g[i] * xj[i];
        w->G[j] = s;
        if (beta[j] != 0.0 || fabs(s) > l1 * (1.0 + 1e-12))
            w->W[k++] = j;
    }
    return k;
}

/* One lambda from the current b (standardised scale) by proximal Newton steps with the exact Hessian on the
 * working set (cn_working_set): each step minimises the quadratic model plus the penalty over the set
 * (cn_newton_step) and is halved while it raises the penalised objective (cn_backtrack). Converged when a step
 * moves no coefficient by more than 1e-13 (in units of its curvature) and none outside the set breaks the
 * optimality condition: the exact optimum; on nearly singular problems, also when steps below 1e-8 no longer
 * lower the objective (the rounding floor). (glmnet's steps on the diagonal of the Hessian converge linearly,
 * slowly on the nearly collinear covariates of radiomics tables; these converge quadratically.) Returns l(b);
 * NAN without memory. */
static double cn_solve(cn *c, double *beta, double l1, double l2, cn_work *w)
{
    const size_t n = c->n, p = c->p;
    if (cn_work_fit(w, p, 0) != 0)
        return NAN;
    double fprev = INFINITY;
    for (int outer = 0; outer < 500; outer++) {
        const double f0 = cn_objective(c, beta, cn_derivs(c), l1, l2);
        const size_t k = cn_working_set(c, beta, l1, w);
        if (k == 0)
            break;
        if (cn_work_fit(w, p, k) != 0)
            return NAN;
        cn_hessian(c, w->W, k, w->H, w->s1, w->s2, w->bw); /* bw: scratch until filled below */
        for (size_t a = 0; a < k; a++) {
            w->Gw[a] = w->G[w->W[a]];
            w->b0[a] = w->bw[a] = beta[w->W[a]];
        }
        cn_newton_step(w->Gw, w->H, k, w->b0, w->bw, w->r, l1, l2, w->m, w->A);
        double dmax = 0.0;
        for (size_t a = 0; a < k; a++)
            dmax = fmax(dmax, fabs(w->bw[a] - w->b0[a]) * sqrt(fmax(w->H[a * k + a], 0.0)));
        /* converged; or at the rounding floor of an ill-conditioned problem: steps of 1e-11 that no longer lower
         * the objective (to 1e-15 relative) */
        if (dmax < 1e-13 || (dmax < 1e-8 && f0 >= fprev - 1e-15 * fabs(fprev)))
            break;
        fprev = f0;
        memcpy(c->eta0, c->eta, n * sizeof *c->eta);
        memcpy(c->b0, beta, p * sizeof *beta);
        for (size_t a = 0; a < k; a++) {
            const size_t j = w->W[a];
            const double d = w->bw[a] - w->b0[a];
            beta[j] = w->bw[a];
            for (size_t i = 0; i < n; i++)
                c->eta[i] += d * c->x[j * n + i];
        }
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
static int cn_path(cn *c, const double *sd, double alpha, size_t nlambda, double lambda_min_ratio,
                   vx_coxnet_path *path, double *beta, vx_error *err)
{
    const size_t n = c->n, p = c->p;
    cn_work w;
    memset(&w, 0, sizeof w);
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
        const double ll = k == 0 ? ll0 : cn_solve(c, beta, lam * alpha, lam * (1.0 - alpha), &w);
        if (isnan(ll)) {
            cn_work_free(&w);
            return vx_error_set(err, VX_ENOMEM, "coxnet: out of memory for the Hessian of %zu covariates", p);
        }
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
    cn_work_free(&w);
    return VX_OK;
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
    rc = cn_path(&c, sd, alpha, nlambda, lambda_min_ratio, path, beta, err);
done:
    cn_free(&c);
    free(sd);
    free(beta);
    if (rc != VX_OK)
        vx_coxnet_free(path);
    return rc;
}
