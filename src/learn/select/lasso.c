/* voxomics: glmnet-style LASSO logistic regression path with cross-validation, for feature selection. See
 * include/voxomics/select.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/select/select_impl.h"

/* ---- 5. LASSO logistic regression ---------------------------------------------------------------------------- */
#define LASSO_PMIN 1e-9      /* glmnet get_int_parms pmin */
#define LASSO_BIG 9.9e35     /* glmnet big: the first lambda of the default path */
#define LASSO_FDEV 1e-5      /* glmnet fdev (sml) */
#define LASSO_DEVMAX 0.999   /* glmnet devmax */
#define LASSO_MNLAM 5        /* glmnet mnlam */
#define LASSO_EPS 1e-6       /* glmnet eps: smallest lambda.min.ratio */
#define LASSO_THRESH 1e-7    /* default convergence threshold: glmnet's (R glmnet.control thresh) */
#define LASSO_MAXIT 100000L  /* coordinate-descent passes over the path (glmnet's maxit) */
#define LASSO_NEWTON_WAIT 3    /* sweeps with an unchanged sign pattern before a Newton step is tried */

void vx_lasso_path_free(vx_lasso_path *path)
{
    if (!path)
        return;
    free(path->lambda);
    free(path->beta);
    free(path->a0);
    free(path->dev_ratio);
    free(path->cvm);
    free(path->cvsd);
    memset(path, 0, sizeof *path);
}

/* Subspace Newton step for the inner (quadratic) problem of one IRLS iteration: with the signs s_k of the
 * current nonzero coefficients S held fixed, the penalised quadratic
 *   Q(b0, b) = 1/2 sum_i v_i (t_i - b0 - z_i . b)^2 + al sum_k |b_k|   (t: the IRLS working response)
 * is a smooth quadratic on that orthant face; its minimiser solves
 *   G [d0; d_S] = [sum r; Z_S' r - al s_S],  G = [sum v, (Z_S' v)'; Z_S' v, Z_S' V Z_S],  r_i = v_i (t_i - eta_i).
 * When the solution keeps every sign, it is the exact minimiser of Q on the face and is taken; otherwise
 * nothing changes. When G is singular (a feature of S is a linear combination of others, e.g. a range that
 * equals maximum - minimum), Q is linear along the null direction u (G u = 0) with slope al s.u: the step moves
 * along -sign(s.u) u until the first coefficient reaches 0 (the minimum on the face lies on its boundary), if
 * that lowers Q. Coordinate descent keeps deciding convergence (a full sweep that changes no coordinate by more
 * than the threshold): the step only shortens the slow linear tail of coordinate descent on correlated
 * features, it does not change what is converged to.
 * G: room for nmax^2 doubles, wk: 4 nmax, sel: nmax (nmax = min(n, p + 1)). Returns 1 when a step was taken. */
/* The system of the face: sel[0..m-1] the active coefficients that are nonzero; G (M x M, M = m + 1, both
 * triangles), rhs = wk[0..M-1] and the gradient g = wk[3M..4M-1] as in lasso_newton. Returns m; 0 when no
 * coefficient is nonzero or there are more coefficients than samples (left to coordinate descent). */
static size_t newton_system(const double *z, size_t n, const double *v, const double *r, const double *b,
                            const size_t *act, size_t nin, double al, double *G, double *wk, size_t *sel)
{
    size_t m = 0;
    for (size_t t = 0; t < nin; t++)
        if (b[act[t]] != 0.0) {
            if (m + 1 >= n)
                return 0; /* more coefficients than samples: leave it to coordinate descent */
            sel[m++] = act[t];
        }
    if (m == 0)
        return 0;
    const size_t M = m + 1;
    double *rhs = wk, *g = wk + 3 * M;
    double sv = 0.0, sr = 0.0;
    for (size_t i = 0; i < n; i++) {
        sv += v[i];
        sr += r[i];
    }
    G[0] = sv;
    g[0] = rhs[0] = sr;
    for (size_t a = 0; a < m; a++) {
        const double *za = z + sel[a] * n;
        double s0 = 0.0, s1 = 0.0;
        for (size_t i = 0; i < n; i++) {
            s0 += v[i] * za[i];
            s1 += r[i] * za[i];
        }
        G[a + 1] = G[(a + 1) * M] = s0;
        g[a + 1] = s1;
        rhs[a + 1] = s1 - copysign(al, b[sel[a]]);
        for (size_t c = 0; c <= a; c++) {
            const double *zc = z + sel[c] * n;
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += v[i] * za[i] * zc[i];
            G[(a + 1) * M + c + 1] = G[(c + 1) * M + a + 1] = s;
        }
    }
    return m;
}

/* Solve L L' d = rhs over the kept columns (dg >= 0) among the first cnt, L in the lower triangle of G (M x M);
 * rhs[i * stride]. A skipped column i (dg[i] < 0) gets d[i] = 0. */
static void chol_solve(const double *G, size_t M, const double *dg, size_t cnt, const double *rhs, size_t stride,
                       double *d)
{
    for (size_t i = 0; i < cnt; i++) {
        if (dg[i] < 0.0) {
            d[i] = 0.0;
            continue;
        }
        double t = rhs[i * stride];
        for (size_t c = 0; c < i; c++)
            if (dg[c] >= 0.0)
                t -= G[i * M + c] * d[c];
        d[i] = t / G[i * M + i];
    }
    for (size_t i = cnt; i-- > 0;) {
        if (dg[i] < 0.0)
            continue;
        double t = d[i];
        for (size_t c = i + 1; c < cnt; c++)
            if (dg[c] >= 0.0)
                t -= G[c * M + i] * d[c];
        d[i] = t / G[i * M + i];
    }
}

enum { NULL_REFUSED = 0, NULL_SKIP = 1, NULL_STEP = 2 };

/* Column j of the face system is a linear combination of the kept columns before it: null direction
 * u = (-c, 1), L L' c = G[kept, j]. When the penalty's slope s.u along u is 0, Q is constant along u: column j
 * is held at its value (NULL_SKIP, marked by a negative diagonal in dg). Otherwise the step d moves along
 * -sign(s.u) u until the first coefficient reaches 0 (NULL_STEP, coefficients 1..j move) if that lowers Q;
 * else NULL_REFUSED. */
static int newton_null_step(const double *G, size_t M, double *dg, size_t j, const double *b, const size_t *sel,
                            double al, const double *g, double *d)
{
    chol_solve(G, M, dg, j, G + j, M, d);
    for (size_t i = 0; i < j; i++)
        d[i] = -d[i];
    d[j] = 1.0;
    double sl = 0.0;
    for (size_t i = 1; i <= j; i++)
        sl += copysign(d[i], b[sel[i - 1]]);
    if (fabs(sl) <= 1e-12) {
        dg[j] = -dg[j] - 1.0; /* skipped: marked by a negative diagonal */
        return NULL_SKIP;
    }
    double sg = sl > 0.0 ? -1.0 : 1.0, tmax = INFINITY;
    size_t hit = 0;
    for (size_t i = 1; i <= j; i++) {
        double di = sg * d[i], bi = b[sel[i - 1]];
        if (di * bi < 0.0 && -bi / di < tmax) {
            tmax = -bi / di;
            hit = i;
        }
    }
    if (!hit)
        return NULL_REFUSED;
    for (size_t i = 0; i <= j; i++)
        d[i] *= sg * tmax;
    for (size_t i = j + 1; i < M; i++)
        d[i] = 0.0;
    d[hit] = -b[sel[hit - 1]];
    /* change of Q: -d.g + d'Gd/2 + al sum_k (|b_k + d_k| - |b_k|) */
    double dq = 0.0;
    for (size_t i = 0; i <= j; i++) {
        double gi = (dg[i] >= 0.0 ? dg[i] : -dg[i] - 1.0) * d[i];
        for (size_t c = 0; c <= j; c++)
            if (c != i)
                gi += G[(i < c ? i : c) * M + (i < c ? c : i)] * d[c];
        dq += d[i] * (0.5 * gi - g[i]);
        if (i > 0)
            dq += al * (fabs(b[sel[i - 1]] + d[i]) - fabs(b[sel[i - 1]]));
    }
    return dq < 0.0 ? NULL_STEP : NULL_REFUSED;
}

/* Take the step d (intercept d[0], coefficients sel[0..m-1] by d[1..m]; a coefficient reaching 0 is set to 0)
 * and update the residuals. */
static void newton_apply(const double *z, size_t n, const double *v, double *r, double *b, double *b0,
                         const size_t *sel, size_t m, const double *d)
{
    *b0 += d[0];
    for (size_t a = 0; a < m; a++) {
        double nb = b[sel[a]] + d[a + 1];
        b[sel[a]] = nb * b[sel[a]] > 0.0 ? nb : 0.0;
    }
    for (size_t i = 0; i < n; i++) {
        double e = d[0];
        for (size_t a = 0; a < m; a++)
            e += d[a + 1] * z[sel[a] * n + i];
        r[i] -= v[i] * e;
    }
}

static int lasso_newton(const double *z, size_t n, const double *v, double *r, double *b, double *b0,
                        const size_t *act, size_t nin, double al, double *G, double *wk, size_t *sel)
{
    size_t m = newton_system(z, n, v, r, b, act, nin, al, G, wk, sel);
    if (m == 0)
        return 0;
    const size_t M = m + 1;
    double *rhs = wk, *d = wk + M, *dg = wk + 2 * M, *g = wk + 3 * M;
    for (size_t j = 0; j < M; j++)
        dg[j] = G[j * M + j];
    /* Cholesky G = L L' in the lower triangle (the upper triangle and dg keep G), over the kept columns. A pivot
     * below 1e-12 of its diagonal: column j is a linear combination of the kept columns before it
     * (newton_null_step). */
    for (size_t j = 0; j < M; j++) {
        double s = dg[j];
        for (size_t c = 0; c < j; c++)
            if (dg[c] >= 0.0)
                s -= G[j * M + c] * G[j * M + c];
        if (!(s > 1e-12 * dg[j])) {
            int k = newton_null_step(G, M, dg, j, b, sel, al, g, d);
            if (k == NULL_REFUSED)
                return 0;
            if (k == NULL_SKIP)
                continue;
            newton_apply(z, n, v, r, b, b0, sel, j, d); /* only coefficients 1..j move */
            return 1;
        }
        double l = sqrt(s);
        G[j * M + j] = l;
        for (size_t i = j + 1; i < M; i++) {
            double t = G[j * M + i];
            for (size_t c = 0; c < j; c++)
                if (dg[c] >= 0.0)
                    t -= G[i * M + c] * G[j * M + c];
            G[i * M + j] = t / l;
        }
    }
    /* solve L L' d = rhs over the kept columns; skipped ones stay */
    chol_solve(G, M, dg, M, rhs, 1, d);
    for (size_t a = 0; a < m; a++)
        if (d[a + 1] != 0.0 && !((b[sel[a]] + d[a + 1]) * b[sel[a]] > 0.0))
            return 0; /* a sign changes: not this face's minimiser */
    newton_apply(z, n, v, r, b, b0, sel, m, d);
    return 1;
}

/* One path fit. who: the message prefix (names the fold in cross-validation). */
/* The state of one path fit (lasso_fit): the standardised data z (column-major, p columns of n), the IRLS
 * weights v and weighted residuals r, the coefficients on the standardised scale, and the active set. */
typedef struct lasso_state {
    const char *who;
    const double *X;
    const int *y;
    size_t n, p;
    double w;               /* 1 / n */
    double *z, *xm, *xs;    /* standardised data, column means and sds (1/n) */
    int *ju;                /* 1 for a non-constant column */
    double *b, *bs, *xv;    /* coefficients, those at the start of the IRLS step, weighted column norms */
    double *q, *v, *r;      /* fitted probabilities, IRLS weights, weighted residuals */
    size_t *act, nin;       /* the active set (in order of entry) */
    unsigned char *inact;   /* p: in the active set */
    unsigned char *strong;  /* p: in the strong set of the current lambda (full sweeps visit only these) */
    double *ga;             /* p: |z_j' r| at the last solution (the gradient of the log-likelihood) */
    double *G, *wk;         /* Newton workspace (lasso_newton) */
    size_t *sel;
    long nlp;               /* coordinate-descent passes over the whole path */
    double b0, xmz;         /* intercept; sum of the IRLS weights */
    double shr, fmin, fmax, vmin, dev0, dev1;
} lasso_state;

static void lasso_state_free(lasso_state *st)
{
    free(st->z);
    free(st->xm);
    free(st->xs);
    free(st->ju);
    free(st->b);
    free(st->bs);
    free(st->xv);
    free(st->q);
    free(st->v);
    free(st->r);
    free(st->act);
    free(st->inact);
    free(st->strong);
    free(st->ga);
    free(st->G);
    free(st->wk);
    free(st->sel);
}

static int lasso_alloc(lasso_state *st, size_t nlam, vx_lasso_path *out, vx_error *err)
{
    const size_t n = st->n, p = st->p;
    st->z = malloc(n * p * sizeof *st->z);
    st->xm = malloc(p * sizeof *st->xm);
    st->xs = malloc(p * sizeof *st->xs);
    st->ju = malloc(p * sizeof *st->ju);
    st->b = calloc(p, sizeof *st->b);
    st->bs = malloc(p * sizeof *st->bs);
    st->xv = malloc(p * sizeof *st->xv);
    st->q = malloc(n * sizeof *st->q);
    st->v = malloc(n * sizeof *st->v);
    st->r = malloc(n * sizeof *st->r);
    st->act = malloc(p * sizeof *st->act);
    st->inact = calloc(p, 1);
    st->strong = calloc(p, 1);
    st->ga = calloc(p, sizeof *st->ga);
    const size_t nmax = n < p + 1 ? n : p + 1; /* the largest Newton system (intercept + coefficients) */
    st->G = malloc(nmax * nmax * sizeof *st->G);
    st->wk = malloc(4 * nmax * sizeof *st->wk);
    st->sel = malloc(nmax * sizeof *st->sel);
    out->lambda = malloc(nlam * sizeof *out->lambda);
    out->beta = calloc(nlam * p, sizeof *out->beta);
    out->a0 = malloc(nlam * sizeof *out->a0);
    out->dev_ratio = malloc(nlam * sizeof *out->dev_ratio);
    if (!st->z || !st->xm || !st->xs || !st->ju || !st->b || !st->bs || !st->xv || !st->q || !st->v || !st->r ||
        !st->act || !st->inact || !st->strong || !st->ga || !st->G || !st->wk || !st->sel || !out->lambda || !out->beta || !out->a0 ||
        !out->dev_ratio)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu x %zu values", st->who, n, p);
    return VX_OK;
}

/* Standardise the non-constant columns (mean and sd with weights 1/n, as glmnet); returns their number. */
static size_t lasso_standardise(lasso_state *st)
{
    const size_t n = st->n, p = st->p;
    const double *X = st->X, w = st->w;
    size_t nju = 0;
    for (size_t j = 0; j < p; j++) {
        st->ju[j] = 0;
        for (size_t i = 1; i < n; i++)
            if (X[i * p + j] != X[j]) {
                st->ju[j] = 1;
                break;
            }
        st->xm[j] = 0.0;
        st->xs[j] = 1.0;
        if (!st->ju[j])
            continue;
        nju++;
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += w * X[i * p + j];
        double ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = X[i * p + j] - s;
            st->z[j * n + i] = d;
            ss += w * d * d;
        }
        st->xm[j] = s;
        st->xs[j] = sqrt(ss);
        for (size_t i = 0; i < n; i++)
            st->z[j * n + i] /= st->xs[j];
    }
    return nju;
}

/* The intercept-only model (class proportion q0), the deviance scale and the convergence threshold. */
static void lasso_null_model(lasso_state *st, double q0, double thresh)
{
    st->fmax = log(1.0 / LASSO_PMIN - 1.0);
    st->fmin = -st->fmax;
    st->vmin = (1.0 + LASSO_PMIN) * LASSO_PMIN * (1.0 - LASSO_PMIN);
    st->b0 = log(q0 / (1.0 - q0));
    st->xmz = q0 * (1.0 - q0);
    for (size_t i = 0; i < st->n; i++) {
        st->q[i] = q0;
        st->v[i] = st->w * st->xmz;
        st->r[i] = st->w * ((double)st->y[i] - q0);
    }
    st->dev1 = -(st->b0 * q0 + log(1.0 - q0));
    st->dev0 = st->dev1;
    st->shr = thresh * st->dev0;
}

/* The smallest lambda with every coefficient 0: max_j |z_j' r|. */
static double lasso_lambda_max(const lasso_state *st)
{
    double al0 = 0.0;
    for (size_t j = 0; j < st->p; j++) {
        if (!st->ju[j])
            continue;
        double g = 0.0;
        for (size_t i = 0; i < st->n; i++)
            g += st->r[i] * st->z[j * st->n + i];
        if (fabs(g) > al0)
            al0 = fabs(g);
    }
    return al0;
}

/* One coordinate-descent sweep at penalty al over the strong set (full) or the active set, then the intercept.
 * Returns the largest weighted squared change; *moved: a coefficient entered, left or changed sign. */
static double lasso_sweep(lasso_state *st, int full, double al, int *moved)
{
    const size_t n = st->n;
    double *b = st->b, *r = st->r, *v = st->v;
    double dlx = 0.0;
    *moved = 0;
    size_t cnt = full ? st->p : st->nin;
    for (size_t t = 0; t < cnt; t++) {
        size_t k = full ? t : st->act[t];
        if (!st->ju[k] || (full && !st->strong[k]))
            continue;
        const double *zk = st->z + k * n;
        double bk = b[k], gk = 0.0;
        for (size_t i = 0; i < n; i++)
            gk += r[i] * zk[i];
        double u = gk + st->xv[k] * bk, au = fabs(u) - al;
        b[k] = au <= 0.0 ? 0.0 : copysign(au, u) / st->xv[k];
        double d = b[k] - bk;
        if (d == 0.0)
            continue;
        if (!(b[k] * bk > 0.0))
            *moved = 1;
        if (st->xv[k] * d * d > dlx)
            dlx = st->xv[k] * d * d;
        for (size_t i = 0; i < n; i++)
            r[i] -= d * v[i] * zk[i];
        if (!st->inact[k]) {
            st->inact[k] = 1;
            st->act[st->nin++] = k;
        }
    }
    double sr = 0.0;
    for (size_t i = 0; i < n; i++)
        sr += r[i];
    double d = sr / st->xmz;
    if (d != 0.0) {
        st->b0 += d;
        if (st->xmz * d * d > dlx)
            dlx = st->xmz * d * d;
        for (size_t i = 0; i < n; i++)
            r[i] -= d * v[i];
    }
    return dlx;
}

enum { LASSO_STEP_OK = 0, LASSO_PATH_END = 1, LASSO_SATURATED = 2 };

/* Coordinate descent on the quadratic of one IRLS step at penalty al (lambda number l): full sweeps, each
 * followed by the active set to convergence, with subspace Newton steps once the sign pattern settles.
 * LASSO_STEP_OK when a full sweep changes nothing beyond the threshold; LASSO_PATH_END when the pass limit is
 * reached after the first lambda (as glmnet: the path ends before lambda l, out->unconverged = l + 1); a VX_E*
 * code (< 0) when it is reached at the first lambda. */
static int lasso_cd(lasso_state *st, size_t l, double al, vx_lasso_path *out, vx_error *err)
{
    long stable = 0, wait = LASSO_NEWTON_WAIT;
    for (;;) {
        for (int full = 1;; full = 0) {
            st->nlp++;
            int moved;
            double dlx = lasso_sweep(st, full, al, &moved);
            if (st->nlp > LASSO_MAXIT) {
                if (l == 0)
                    return vx_error_set(err, VX_EINVAL,
                                        "%s: coordinate descent did not converge in %ld passes at the first "
                                        "lambda (%g): pass a looser threshold",
                                        st->who, LASSO_MAXIT, al);
                /* as glmnet (jerr < 0, "Convergence for kth lambda value not reached after maxit
                 * iterations; solutions for larger lambdas returned"): the path ends before this lambda */
                out->unconverged = l + 1;
                return LASSO_PATH_END;
            }
            if (dlx < st->shr) {
                if (full)
                    return LASSO_STEP_OK;
                break; /* active set converged: back to a full sweep */
            }
            /* a Newton step costs about as much as 20 sweeps: tried once the sign pattern has held for
             * `wait` sweeps; a refused step doubles the wait, a change of pattern resets it */
            if (moved) {
                stable = 0;
                wait = LASSO_NEWTON_WAIT;
            } else if (++stable >= wait) {
                if (lasso_newton(st->z, st->n, st->v, st->r, st->b, &st->b0, st->act, st->nin, al, st->G, st->wk,
                                 st->sel)) {
                    stable = 0;
                    wait = LASSO_NEWTON_WAIT;
                } else {
                    wait *= 2;
                }
            }
        }
    }
}

/* New IRLS weights and residuals from the current fit; 1 when the weights vanish (saturated fit). */
static int lasso_reweight(lasso_state *st)
{
    const size_t n = st->n;
    st->xmz = 0.0;
    for (size_t i = 0; i < n; i++) {
        double fi = st->b0;
        for (size_t t = 0; t < st->nin; t++)
            fi += st->b[st->act[t]] * st->z[st->act[t] * n + i];
        st->q[i] = fi < st->fmin ? 0.0 : (fi > st->fmax ? 1.0 : 1.0 / (1.0 + exp(-fi)));
        st->v[i] = st->w * st->q[i] * (1.0 - st->q[i]);
        st->xmz += st->v[i];
        st->r[i] = st->w * ((double)st->y[i] - st->q[i]);
    }
    return st->xmz <= st->vmin;
}

/* ga_j = |z_j' r| for every column at the current fit (r = w (y - q) after lasso_reweight: the gradient of the
 * log-likelihood); the columns outside the strong set that violate the KKT condition ga_j <= al join it.
 * Returns their number: 0 means the solution over the strong set solves the whole problem. */
static size_t lasso_kkt(lasso_state *st, double al)
{
    size_t nv = 0;
    for (size_t j = 0; j < st->p; j++) {
        if (!st->ju[j])
            continue;
        const double *zj = st->z + j * st->n;
        double g = 0.0;
        for (size_t i = 0; i < st->n; i++)
            g += st->r[i] * zj[i];
        st->ga[j] = fabs(g);
        if (!st->strong[j] && st->ga[j] > al) {
            st->strong[j] = 1;
            nv++;
        }
    }
    return nv;
}

/* The sequential strong rule (Tibshirani et al., JRSS B 74 (2012); as glmnet): at lambda al after al_prev,
 * column j is in the strong set when it is active or |z_j' r| >= 2 al - al_prev at the previous solution.
 * Columns it leaves out are checked against the KKT conditions once the fit converges (lasso_kkt) and join
 * when they violate them, so the solution is that of full sweeps over every column. */
static void lasso_strong_set(lasso_state *st, double al, double al_prev)
{
    const double cut = 2.0 * al - al_prev;
    for (size_t j = 0; j < st->p; j++)
        st->strong[j] = st->ju[j] && (st->inact[j] || st->ga[j] >= cut);
}

/* IRLS at penalty al (lambda number l) to convergence: LASSO_STEP_OK, LASSO_SATURATED, or what lasso_cd
 * returns otherwise. */
static int lasso_irls(lasso_state *st, size_t l, double al, vx_lasso_path *out, vx_error *err)
{
    const size_t n = st->n, p = st->p;
    for (;;) {
        double bs0 = st->b0;
        memcpy(st->bs, st->b, p * sizeof *st->b);
        for (size_t j = 0; j < p; j++) {
            if (!st->ju[j] || !st->strong[j]) /* only the strong set is swept (the active set lies in it) */
                continue;
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += st->v[i] * st->z[j * n + i] * st->z[j * n + i];
            st->xv[j] = s;
        }
        int rc = lasso_cd(st, l, al, out, err);
        if (rc != LASSO_STEP_OK)
            return rc;
        if (lasso_reweight(st))
            return LASSO_SATURATED;
        int conv = st->xmz * (st->b0 - bs0) * (st->b0 - bs0) < st->shr;
        for (size_t t = 0; t < st->nin && conv; t++) {
            size_t k = st->act[t];
            if (st->xv[k] * (st->b[k] - st->bs[k]) * (st->b[k] - st->bs[k]) >= st->shr)
                conv = 0;
        }
        if (conv && lasso_kkt(st, al) == 0)
            return LASSO_STEP_OK;
    }
}

/* Store the fit at lambda number l on the original scale, with its deviance ratio. */
static void lasso_store(const lasso_state *st, size_t l, double al, vx_lasso_path *out)
{
    const size_t n = st->n, p = st->p;
    double a0 = st->b0;
    for (size_t j = 0; j < p; j++) {
        double bj = st->ju[j] ? st->b[j] / st->xs[j] : 0.0;
        out->beta[l * p + j] = bj;
        a0 -= bj * st->xm[j];
    }
    out->a0[l] = a0;
    out->lambda[l] = al;
    double devi = 0.0;
    for (size_t i = 0; i < n; i++) {
        double pi = st->q[i] < LASSO_PMIN ? LASSO_PMIN : (st->q[i] > 1.0 - LASSO_PMIN ? 1.0 - LASSO_PMIN : st->q[i]);
        devi -= st->w * (st->y[i] ? log(pi) : log(1.0 - pi));
    }
    out->dev_ratio[l] = (st->dev1 - devi) / st->dev0;
}

static int lasso_fit(const char *who, const double *X, size_t n, size_t p, const int *y, const double *ulam,
                     size_t nlam, double ratio, double thresh, vx_lasso_path *out, vx_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n1 = 0;
    for (size_t i = 0; i < n; i++)
        n1 += (size_t)y[i];
    if (n1 < 2 || n - n1 < 2)
        return vx_error_set(err, VX_EINVAL,
                            "%s: class 1 has %zu and class 0 has %zu samples; each class needs >= 2 (as glmnet)",
                            who, n1, n - n1);
    const double w = 1.0 / (double)n;
    double q0 = (double)n1 * w;
    if (q0 <= LASSO_PMIN || q0 >= 1.0 - LASSO_PMIN)
        return vx_error_set(err, VX_EINVAL, "%s: class proportion %g too extreme", who, q0);

    lasso_state st;
    memset(&st, 0, sizeof st);
    st.who = who;
    st.X = X;
    st.y = y;
    st.n = n;
    st.p = p;
    st.w = w;
    int rc = lasso_alloc(&st, nlam, out, err);
    if (rc)
        goto done;
    out->p = p;
    if (lasso_standardise(&st) == 0) {
        rc = vx_error_set(err, VX_EINVAL, "%s: every feature is constant, nothing to fit", who);
        goto done;
    }
    lasso_null_model(&st, q0, thresh);
    double alf = 1.0, al = 0.0, al0 = 0.0;
    if (!ulam) {
        double eqs = ratio > LASSO_EPS ? ratio : LASSO_EPS;
        alf = pow(eqs, 1.0 / (double)(nlam - 1));
        al0 = lasso_lambda_max(&st);
    }
    size_t lmu = 0;
    lasso_kkt(&st, 0.0); /* ga at the null model (the strong set is set anew before each lambda) */
    double al_prev = 0.0;
    for (size_t j = 0; j < p; j++)
        al_prev = st.ju[j] && st.ga[j] > al_prev ? st.ga[j] : al_prev; /* lambda max */
    for (size_t l = 0; l < nlam; l++) {
        if (ulam)
            al = ulam[l];
        else if (l == 0)
            al = LASSO_BIG;
        else if (l == 1)
            al = alf * al0;
        else
            al *= alf;
        lasso_strong_set(&st, al, al_prev);
        al_prev = l == 0 && !ulam ? al0 : al;
        int step = lasso_irls(&st, l, al, out, err);
        if (step < 0) {
            rc = step;
            goto done;
        }
        if (step == LASSO_PATH_END)
            break;
        lasso_store(&st, l, al, out);
        lmu = l + 1;
        if (step == LASSO_SATURATED)
            break;
        if (l + 1 < LASSO_MNLAM || ulam)
            continue;
        if (out->dev_ratio[l] > LASSO_DEVMAX)
            break;
        if (out->dev_ratio[l] - out->dev_ratio[l - 1] < LASSO_FDEV)
            break;
    }
    out->nlambda = lmu;
    if (!ulam) { /* R glmnet's fix.lam: the first lambda is "infinity" inside the Fortran code */
        if (lmu > 2)
            out->lambda[0] = exp(2.0 * log(out->lambda[1]) - log(out->lambda[2]));
        else
            out->lambda[0] = al0;
    }
    rc = VX_OK;
done:
    lasso_state_free(&st);
    if (rc)
        vx_lasso_path_free(out);
    return rc;
}

int vx_lasso_logistic(const double *X, size_t n, size_t p, const int *y, const double *lambda, size_t nlambda,
                      double lambda_min_ratio, double thresh, vx_lasso_path *out, vx_error *err)
{
    const char *who = "lasso";
    if (!out)
        return vx_error_set(err, VX_EINVAL, "%s: out is NULL", who);
    memset(out, 0, sizeof *out);
    int rc = vxs_check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    size_t n1 = 0;
    if ((rc = vxs_check_labels(who, y, n, &n1, err)))
        return rc;
    if (lambda) {
        if (nlambda == 0)
            return vx_error_set(err, VX_EINVAL, "%s: a user lambda sequence needs nlambda >= 1", who);
        for (size_t l = 0; l < nlambda; l++)
            if (!(lambda[l] >= 0.0 && isfinite(lambda[l])) || (l > 0 && !(lambda[l] < lambda[l - 1])))
                return vx_error_set(err, VX_EINVAL,
                                    "%s: lambda[%zu] = %g: the sequence must be finite, >= 0 and strictly "
                                    "decreasing",
                                    who, l, lambda[l]);
    } else {
        if (nlambda == 0)
            nlambda = 100;
        if (nlambda < 3)
            return vx_error_set(err, VX_EINVAL, "%s: the default path needs nlambda >= 3 (got %zu)", who, nlambda);
        if (lambda_min_ratio == 0.0)
            lambda_min_ratio = n < p ? 0.01 : 1e-4;
        if (!(lambda_min_ratio > 0.0 && lambda_min_ratio < 1.0))
            return vx_error_set(err, VX_EINVAL, "%s: lambda_min_ratio %g must lie in (0, 1) (0 = default)", who,
                                lambda_min_ratio);
    }
    if (thresh == 0.0)
        thresh = LASSO_THRESH;
    if (!(thresh > 0.0 && thresh < 1.0))
        return vx_error_set(err, VX_EINVAL,
                            "%s: convergence threshold %g must lie in (0, 1) (0 = default 1e-7, glmnet's)",
                            who, thresh);
    return lasso_fit(who, X, n, p, y, lambda, nlambda, lambda_min_ratio, thresh, out, err);
}

/* Sizes of the K folds (fold[i] in 0..K-1, each fold >= 3 samples) into fsz. */
static int cv_fold_sizes(const char *who, const int *fold, size_t n, int K, size_t *fsz, vx_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (fold[i] < 0 || fold[i] >= K)
            return vx_error_set(err, VX_EINVAL, "%s: fold[%zu] = %d, folds must lie in 0..%d", who, i, fold[i],
                                K - 1);
        fsz[fold[i]]++;
    }
    for (int f = 0; f < K; f++)
        if (fsz[f] < 3)
            return vx_error_set(err, VX_EINVAL, "%s: fold %d has %zu sample(s), each fold needs >= 3", who, f,
                                fsz[f]);
    return VX_OK;
}

/* R predict.glmnet(s = lambda): coefficients interpolated linearly in lambda (lambda.interp) between the fold
 * path's lambdas left and right, with weight frac on left. lf: the k lambdas of the fold path (decreasing). */
static void lambda_interp(const double *lf, size_t k, double lambda, size_t *left, size_t *right, double *frac)
{
    *left = *right = 0;
    *frac = 1.0;
    if (k <= 1)
        return;
    double span = lf[0] - lf[k - 1];
    double sf = (lf[0] - lambda) / span;
    if (sf < 0.0)
        sf = 0.0;
    if (sf > 1.0)
        sf = 1.0;
    /* normalised fold lambdas nl_t = (lf0 - lf_t) / span increase from 0 to 1 */
    size_t lo = 0, hi = k - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if ((lf[0] - lf[mid]) / span <= sf)
            lo = mid;
        else
            hi = mid;
    }
    double nlo = (lf[0] - lf[lo]) / span, nhi = (lf[0] - lf[hi]) / span;
    if (sf == nlo)
        *left = *right = lo;
    else if (sf == nhi)
        *left = *right = hi;
    else {
        *left = lo;
        *right = hi;
        *frac = (sf - nhi) / (nlo - nhi);
        if (fabs(nlo - nhi) < DBL_EPSILON)
            *frac = 1.0;
    }
}

/* Binomial deviance (glmnet: probabilities clipped to [1e-5, 1 - 1e-5]) summed over the rows of fold f, of the
 * fold path's fit interpolated between lambdas left and right. */
static double fold_deviance(const double *X, size_t n, size_t p, const int *y, const int *fold, int f,
                            const vx_lasso_path *fp, size_t left, size_t right, double frac)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (fold[i] != f)
            continue;
        double eta = frac * fp->a0[left] + (1.0 - frac) * fp->a0[right];
        for (size_t j = 0; j < p; j++)
            eta += X[i * p + j] * (frac * fp->beta[left * p + j] + (1.0 - frac) * fp->beta[right * p + j]);
        double pr = 1.0 / (1.0 + exp(-eta));
        pr = pr < 1e-5 ? 1e-5 : (pr > 1.0 - 1e-5 ? 1.0 - 1e-5 : pr);
        s += -2.0 * (y[i] ? log(pr) : log(1.0 - pr));
    }
    return s;
}

/* cvm, cvsd (fold-size weighted, as cv.glmnet) from the fold mean deviances fm (K x L), then lambda.min and
 * lambda.1se. */
static void cv_summarise(vx_lasso_path *out, const double *fm, const size_t *fsz, int K, size_t L)
{
    for (size_t l = 0; l < L; l++) {
        double sw = 0.0, sm = 0.0;
        for (int f = 0; f < K; f++) {
            sw += (double)fsz[f];
            sm += (double)fsz[f] * fm[(size_t)f * L + l];
        }
        double cvm = sm / sw, ss = 0.0;
        for (int f = 0; f < K; f++) {
            double d = fm[(size_t)f * L + l] - cvm;
            ss += (double)fsz[f] * d * d;
        }
        out->cvm[l] = cvm;
        out->cvsd[l] = sqrt(ss / sw / (double)(K - 1));
    }
    size_t imin = 0;
    for (size_t l = 1; l < L; l++)
        if (out->cvm[l] < out->cvm[imin])
            imin = l;
    double lim = out->cvm[imin] + out->cvsd[imin];
    size_t i1se = imin;
    for (size_t l = 0; l < L; l++)
        if (out->cvm[l] <= lim) {
            i1se = l;
            break;
        }
    out->imin = imin;
    out->i1se = i1se;
}

int vx_lasso_logistic_cv(const double *X, size_t n, size_t p, const int *y, const int *fold, int K, size_t nlambda,
                         double lambda_min_ratio, double thresh, vx_lasso_path *out, vx_error *err)
{
    const char *who = "lasso cv";
    if (!out)
        return vx_error_set(err, VX_EINVAL, "%s: out is NULL", who);
    memset(out, 0, sizeof *out);
    if (!fold || K < 3)
        return vx_error_set(err, VX_EINVAL, "%s: %d folds: need a fold vector and K >= 3", who, K);
    int rc = vxs_check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    size_t *fsz = calloc((size_t)K, sizeof *fsz);
    if (!fsz)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", who);
    if ((rc = cv_fold_sizes(who, fold, n, K, fsz, err))) {
        free(fsz);
        return rc;
    }
    rc = vx_lasso_logistic(X, n, p, y, NULL, nlambda, lambda_min_ratio, thresh, out, err);
    if (nlambda == 0)
        nlambda = 100;
    if (thresh == 0.0)
        thresh = LASSO_THRESH;
    if (rc) {
        free(fsz);
        return rc;
    }
    size_t L = out->nlambda;
    double *Xt = malloc(n * p * sizeof *Xt);
    int *yt = malloc(n * sizeof *yt);
    double *fm = calloc((size_t)K * L, sizeof *fm); /* fold mean deviance */
    out->cvm = malloc(L * sizeof *out->cvm);
    out->cvsd = malloc(L * sizeof *out->cvsd);
    if (!Xt || !yt || !fm || !out->cvm || !out->cvsd) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", who);
        goto done;
    }
    for (int f = 0; f < K; f++) {
        size_t nt = 0;
        for (size_t i = 0; i < n; i++)
            if (fold[i] != f) {
                memcpy(Xt + nt * p, X + i * p, p * sizeof *X);
                yt[nt++] = y[i];
            }
        char fwho[64];
        snprintf(fwho, sizeof fwho, "lasso cv, training set without fold %d", f);
        vx_lasso_path fp;
        double ratio = lambda_min_ratio > 0.0 ? lambda_min_ratio : nt < p ? 0.01 : 1e-4;
        rc = lasso_fit(fwho, Xt, nt, p, yt, NULL, nlambda, ratio, thresh, &fp, err);
        if (rc)
            goto done;
        for (size_t l = 0; l < L; l++) {
            size_t left, right;
            double frac;
            lambda_interp(fp.lambda, fp.nlambda, out->lambda[l], &left, &right, &frac);
            fm[(size_t)f * L + l] = fold_deviance(X, n, p, y, fold, f, &fp, left, right, frac) / (double)fsz[f];
        }
        vx_lasso_path_free(&fp);
    }
    cv_summarise(out, fm, fsz, K, L);
    rc = VX_OK;
done:
    free(fsz);
    free(Xt);
    free(yt);
    free(fm);
    if (rc)
        vx_lasso_path_free(out);
    return rc;
}

int vx_lasso_selected(const vx_lasso_path *path, size_t l, size_t *idx, size_t *k, vx_error *err)
{
    if (!path || !idx || !k || l >= path->nlambda)
        return vx_error_set(err, VX_EINVAL, "lasso: lambda index %zu out of range (path of %zu lambdas)", l,
                            path ? path->nlambda : 0);
    size_t c = 0;
    for (size_t j = 0; j < path->p; j++)
        if (path->beta[l * path->p + j] != 0.0)
            idx[c++] = j;
    *k = c;
    return VX_OK;
}
