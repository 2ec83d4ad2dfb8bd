/* voxomics: L2-penalised logistic regression fitted by Newton's method (the "logreg" model of voxomics/model.h).
 *
 * F(w, b) = 0.5 ||w||^2 + C sum_i log(1 + exp(-y'_i z_i)),  z = X w + b, b unpenalised. The Newton system
 *   [ I + X'DX   X'D1 ] [dw]     [g_w]
 *   [ 1'DX       1'D1 ] [db] = - [g_b],    D = C diag(s_i (1 - s_i)),
 * is solved in whichever space is smaller:
 *   p <= n (primal): the (p+1) x (p+1) Hessian H = E + A'A, A = D^1/2 [X 1], E = diag(1, .., 1, 0), formed by
 *     BLAS dsyrk and factored by Cholesky: O(n p^2 + p^3) a step.
 *   p > n (kernel form): with q = diag(D)^1/2 and r = q o (X dw + db) the system is equivalent to the
 *     (n+1) x (n+1) saddle-point system
 *       M r - q db = -q o (X g_w),   q'r = -g_b,   M = I + diag(q) K diag(q),  K = X X'
 *     and dw = -g_w - X'(q o r). M >= I is positive definite whatever D is, so its Cholesky never fails;
 *     db = -(g_b + q'M^-1 f) / (q'M^-1 q), f = -q o (X g_w). K is formed once per fit (dsyrk); a step costs
 *     O(n p + n^3). Both give the exact Newton step, so the iterates, the stopping rule and the optimum are those
 *     of the full Newton method.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/model_impl.h"

/* Column-major, the row-major B is the k x m matrix B', and the row-major lower triangle of B B' is the
 * column-major upper one. */
void vxm_gram_rows(const double *B, size_t m, size_t k, double *G)
{
    const int mi = (int)m, ki = (int)k;
    const double one = 1.0, zero = 0.0;
    dsyrk_("U", "T", &mi, &ki, &one, B, &ki, &zero, G, &mi);
}

/* log(1 + exp(-m)) */
static double logloss(double m)
{
    return m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m));
}

/* x . y with four interleaved partial sums (a fixed order: deterministic, and four times the ILP of one sum). */
static double dot(const double *x, const double *y, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        s0 += x[j] * y[j];
        s1 += x[j + 1] * y[j + 1];
        s2 += x[j + 2] * y[j + 2];
        s3 += x[j + 3] * y[j + 3];
    }
    for (; j < n; j++)
        s0 += x[j] * y[j];
    return (s0 + s1) + (s2 + s3);
}

/* z = X w + b */
static void margins(const double *X, size_t n, size_t p, const double *w, double b, double *z)
{
    for (size_t i = 0; i < n; i++)
        z[i] = b + dot(X + i * p, w, p);
}

/* out (p) = X' c */
static void xt_times(const double *X, size_t n, size_t p, const double *c, double *out)
{
    memset(out, 0, p * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const double *x = X + i * p;
        double ci = c[i];
        if (ci != 0.0)
            for (size_t j = 0; j < p; j++)
                out[j] += ci * x[j];
    }
}

/* The loss part C sum log(1 + exp(-y' z)) for z = z0 + t dz (dz may be NULL). */
static double loss_at(const double *z0, const double *dz, double t, size_t n, const int *y, double C)
{
    double loss = 0;
    for (size_t i = 0; i < n; i++) {
        double z = dz ? z0[i] + t * dz[i] : z0[i];
        loss += logloss(y[i] ? z : -z);
    }
    return C * loss;
}

/* The work space of one fit. */
typedef struct lr_fit {
    const double *X;
    size_t n, p;
    const int *y;
    double C;
    int dual;        /* p > n: kernel form */
    double *K;       /* dual: n x n, lower triangle of X X' */
    double *M;       /* dual: n x n; primal: (p+1) x (p+1) */
    double *A;       /* primal: n x (p+1) scaled rows */
    double *z, *c, *d, *q, *u, *v, *dz;
    double *w, *dw, *g; /* p + 1 each: (w, b) */
} lr_fit;

/* Gradient g = (w + X'c, sum c) with c_i = -C y'_i (1 - sigma(y'_i z_i)); also the curvatures d_i. */
static void gradient(lr_fit *f)
{
    size_t n = f->n, p = f->p;
    double gb = 0;
    for (size_t i = 0; i < n; i++) {
        double ys = f->y[i] ? 1.0 : -1.0;
        double s = vxm_sigm_neg(ys * f->z[i]); /* 1 - sigma(y' z) */
        f->c[i] = -f->C * ys * s;
        f->d[i] = f->C * s * (1.0 - s);
        gb += f->c[i];
    }
    xt_times(f->X, n, p, f->c, f->g);
    for (size_t j = 0; j < p; j++)
        f->g[j] += f->w[j];
    f->g[p] = gb;
}

extern void dpotf2_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dtrsv_(const char *uplo, const char *trans, const char *diag, const int *n, const double *a,
                   const int *lda, double *x, const int *incx);

/* Solve A X = B in place for the SPD A (m x m) given by its row-major lower triangle (= the column-major upper
 * one) and the column-major m x nrhs B: LAPACK's unblocked Cholesky A = U'U (dpotf2) and two triangular solves
 * per column (dtrsv). OpenBLAS runs these on the calling thread; its blocked dpotrf splits the factorisation
 * among its threads in a way that changes the rounding (tests/unit/test_model_solvers.c checks the fit is
 * bit-identical for 1 and 4 BLAS threads), at a cost of at most 2x on this O(m^3 / 3) step. 0, or LAPACK's info. */
static int chol_solve(double *A, size_t m, double *B, int nrhs)
{
    const int mi = (int)m, one = 1;
    int info = 0;
    dpotf2_("U", &mi, A, &mi, &info);
    for (int c = 0; info == 0 && c < nrhs; c++) {
        dtrsv_("U", "T", "N", &mi, A, &mi, B + (size_t)c * m, &one);
        dtrsv_("U", "N", "N", &mi, A, &mi, B + (size_t)c * m, &one);
    }
    return info;
}

/* The Newton direction dw (p + 1) from g and d; 0, or the LAPACK info of a failed factorisation. */
static int newton_primal(lr_fit *f)
{
    size_t n = f->n, p = f->p, q = p + 1;
    for (size_t i = 0; i < n; i++) {
        double s = sqrt(f->d[i]);
        const double *x = f->X + i * p;
        double *a = f->A + i * q;
        for (size_t j = 0; j < p; j++)
            a[j] = s * x[j];
        a[p] = s;
    }
    /* lower triangle of A'A (row-major): A'A = B B' for B = A' */
    {
        const int qi = (int)q, ni = (int)n;
        const double one = 1.0, zero = 0.0;
        /* column-major, the row-major A (n x q) is the q x n matrix A'; "N" gives A' A'' = A'A, its column-major
         * upper triangle being the row-major lower one */
        dsyrk_("U", "N", &qi, &ni, &one, f->A, &qi, &zero, f->M, &qi);
    }
    for (size_t j = 0; j < p; j++)
        f->M[j * q + j] += 1.0;
    for (size_t j = 0; j < q; j++)
        f->dw[j] = -f->g[j];
    return chol_solve(f->M, q, f->dw, 1);
}

static int newton_dual(lr_fit *f)
{
    size_t n = f->n, p = f->p;
    double *M = f->M, *q = f->q, *rhs = f->u; /* rhs: columns f (rhs[0..n)) and q (rhs[n..2n)) */
    for (size_t i = 0; i < n; i++)
        q[i] = sqrt(f->d[i]);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k <= i; k++)
            M[i * n + k] = q[i] * f->K[i * n + k] * q[k];
        M[i * n + i] += 1.0;
    }
    margins(f->X, n, p, f->g, 0.0, f->v); /* v = X g_w */
    for (size_t i = 0; i < n; i++) {
        rhs[i] = -q[i] * f->v[i];
        rhs[n + i] = q[i];
    }
    int info = chol_solve(M, n, rhs, 2);
    if (info != 0)
        return info;
    double qa = 0, qb = 0;
    for (size_t i = 0; i < n; i++) {
        qa += q[i] * rhs[i];
        qb += q[i] * rhs[n + i];
    }
    if (!(qb > 0)) /* every curvature underflowed to 0: no information on the intercept */
        return -1000;
    double db = -(f->g[p] + qa) / qb;
    for (size_t i = 0; i < n; i++)
        f->v[i] = q[i] * (rhs[i] + rhs[n + i] * db); /* q o r */
    xt_times(f->X, n, p, f->v, f->dw);
    for (size_t j = 0; j < p; j++)
        f->dw[j] = -f->g[j] - f->dw[j];
    f->dw[p] = db;
    return 0;
}

static double norm2(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

static void lr_free(lr_fit *f)
{
    free(f->K);
    free(f->M);
    free(f->A);
    free(f->z);
    free(f->c);
    free(f->d);
    free(f->q);
    free(f->u);
    free(f->v);
    free(f->dz);
    free(f->w);
    free(f->dw);
    free(f->g);
}

static int lr_alloc(lr_fit *f)
{
    size_t n = f->n, q = f->p + 1, nn = n ? n : 1;
    if (f->dual) {
        f->K = malloc(n * n * sizeof *f->K);
        f->M = malloc(n * n * sizeof *f->M);
    } else {
        f->A = malloc(n * q * sizeof *f->A);
        f->M = malloc(q * q * sizeof *f->M);
    }
    f->z = malloc(nn * sizeof *f->z);
    f->c = malloc(nn * sizeof *f->c);
    f->d = malloc(nn * sizeof *f->d);
    f->q = malloc(nn * sizeof *f->q);
    f->u = malloc(2 * nn * sizeof *f->u);
    f->v = malloc(nn * sizeof *f->v);
    f->dz = malloc(nn * sizeof *f->dz);
    f->w = calloc(q, sizeof *f->w);
    f->dw = malloc(q * sizeof *f->dw);
    f->g = malloc(q * sizeof *f->g);
    return (f->dual ? f->K != NULL : f->A != NULL) && f->M && f->z && f->c && f->d && f->q && f->u && f->v && f->dz &&
           f->w && f->dw && f->g;
}

int vxm_fit_logreg_from(const double *X, size_t n, size_t p, const int *y, const double *init, vx_model *m,
                        vx_error *err)
{
    const double C = m->par.C, scale = C > 1 ? C : 1.0;
    const size_t q = p + 1;
    const int max_iter = 500;
    lr_fit f = {.X = X, .n = n, .p = p, .y = y, .C = C, .dual = p > n};
    size_t dim = f.dual ? n : q;
    if (dim > 46000)
        return vx_error_set(err, VX_EINVAL,
                            "model logreg: %zu samples x %zu features: the Newton system is min(n, p + 1) = %zu wide, "
                            "at most 46000; select features first",
                            n, p, dim);
    int rc = VX_OK;
    if (!lr_alloc(&f)) {
        rc = vx_error_set(err, VX_ENOMEM, "model logreg: out of memory for %zu x %zu", n, p);
        goto done;
    }
    if (init)
        memcpy(f.w, init, q * sizeof *f.w);
    if (f.dual) /* lower triangle of X X' */
        vxm_gram_rows(X, n, p, f.K);
    margins(X, n, p, f.w, f.w[p], f.z);
    double ww = dot(f.w, f.w, p);
    double F = 0.5 * ww + loss_at(f.z, NULL, 0, n, y, C), gn = 0;
    int it, converged = 0;
    for (it = 0; it < max_iter; it++) {
        gradient(&f);
        gn = norm2(f.g, q) / scale;
        if (gn < 1e-10) {
            converged = 1;
            break;
        }
        int info = f.dual ? newton_dual(&f) : newton_primal(&f);
        if (info != 0) {
            rc = vx_error_set(err, VX_EINVAL,
                              "model logreg: Newton system singular at iteration %d (code %d): the classes are "
                              "(nearly) separable with C = %g; lower C",
                              it, info, C);
            goto done;
        }
        double gd = dot(f.g, f.dw, q);
        margins(X, n, p, f.dw, f.dw[p], f.dz); /* X dw + db */
        double wd = dot(f.w, f.dw, p), dd = dot(f.dw, f.dw, p);
        /* backtracking line search on F; the small absolute slack lets the full Newton step through when F only
         * changes at its rounding level (near the optimum), where the gradient still decreases quadratically */
        double t = 1.0, Fn = F;
        int ok = 0;
        for (int ls = 0; ls < 60; ls++, t *= 0.5) {
            Fn = 0.5 * (ww + 2 * t * wd + t * t * dd) + loss_at(f.z, f.dz, t, n, y, C);
            if (Fn <= F + 1e-4 * t * gd + 1e-13 * fabs(F)) {
                ok = 1;
                break;
            }
        }
        if (!ok)
            break;
        for (size_t j = 0; j < q; j++)
            f.w[j] += t * f.dw[j];
        margins(X, n, p, f.w, f.w[p], f.z); /* recomputed, not updated, so rounding does not accumulate */
        ww = dot(f.w, f.w, p);
        F = 0.5 * ww + loss_at(f.z, NULL, 0, n, y, C);
    }
    if (!converged) {
        gradient(&f);
        gn = norm2(f.g, q) / scale;
        /* the rounding floor of the gradient may lie a little above 1e-10 for large n or badly scaled X */
        if (!(gn < 1e-8)) {
            rc = vx_error_set(err, VX_EINVAL,
                              "model logreg: Newton stopped after %d iterations with ||gradient||/max(1,C) = %.3g "
                              "(> 1e-8): the classes are (nearly) separable with C = %g; lower C",
                              it, gn, C);
            goto done;
        }
    }
    m->grad_norm = gn;
    m->w = malloc((p ? p : 1) * sizeof *m->w);
    if (!m->w) {
        rc = vx_error_set(err, VX_ENOMEM, "model logreg: out of memory");
        goto done;
    }
    memcpy(m->w, f.w, p * sizeof *m->w);
    m->b = f.w[p];
done:
    lr_free(&f);
    return rc;
}

int vxm_fit_logreg(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
{
    return vxm_fit_logreg_from(X, n, p, y, NULL, m, err);
}
