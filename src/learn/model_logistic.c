/* voxomics: L2-penalised logistic regression fitted by Newton's method (the "logreg" model of voxomics/model.h).
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

#include <lapacke.h>

#include "learn/model_impl.h"

/* ---- logistic regression (L2, Newton) --------------------------------------------------------------------- */

/* log(1 + exp(-m)) */
static double logloss(double m)
{
    return m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m));
}

/* F(theta) = 0.5 ||w||^2 + C sum log(1 + exp(-y' z)); theta = (w, b). */
static double lr_objective(const double *X, size_t n, size_t p, const int *y, double C, const double *th)
{
    double reg = 0, loss = 0;
    for (size_t j = 0; j < p; j++)
        reg += th[j] * th[j];
    for (size_t i = 0; i < n; i++) {
        double z = th[p];
        for (size_t j = 0; j < p; j++)
            z += X[i * p + j] * th[j];
        loss += logloss(y[i] ? z : -z);
    }
    return 0.5 * reg + C * loss;
}

/* Gradient g (p + 1) and, when H != NULL, the Hessian H ((p+1) x (p+1), row-major, full). */
static void lr_derivs(const double *X, size_t n, size_t p, const int *y, double C, const double *th, double *g,
                      double *H)
{
    size_t q = p + 1;
    for (size_t j = 0; j < p; j++)
        g[j] = th[j];
    g[p] = 0;
    if (H) {
        memset(H, 0, q * q * sizeof *H);
        for (size_t j = 0; j < p; j++)
            H[j * q + j] = 1.0;
    }
    for (size_t i = 0; i < n; i++) {
        const double *x = X + i * p;
        double z = th[p];
        for (size_t j = 0; j < p; j++)
            z += x[j] * th[j];
        double ys = y[i] ? 1.0 : -1.0;
        double s = vxm_sigm_neg(ys * z); /* 1 - sigma(y' z) */
        double c = -C * ys * s;
        for (size_t j = 0; j < p; j++)
            g[j] += c * x[j];
        g[p] += c;
        if (H) {
            double d = C * s * (1.0 - s); /* sigma(z)(1 - sigma(z)) */
            for (size_t j = 0; j < p; j++) {
                double dj = d * x[j];
                for (size_t k = 0; k <= j; k++)
                    H[j * q + k] += dj * x[k];
                H[p * q + j] += dj;
            }
            H[p * q + p] += d;
        }
    }
    if (H) /* mirror the lower triangle */
        for (size_t j = 0; j < q; j++)
            for (size_t k = j + 1; k < q; k++)
                H[j * q + k] = H[k * q + j];
}

static double norm2(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

int vxm_fit_logreg(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
{
    const double C = m->par.C, scale = C > 1 ? C : 1.0;
    const size_t q = p + 1;
    const int max_iter = 500;
    if (q > 46000)
        return vx_error_set(err, VX_EINVAL,
                            "model logreg: %zu features: at most 45999 (dense Newton); select features first", p);
    double *th = calloc(q, sizeof *th), *g = malloc(q * sizeof *g), *H = malloc(q * q * sizeof *H),
           *d = malloc(q * sizeof *d), *tn = malloc(q * sizeof *tn);
    int rc = VX_OK;
    if (!th || !g || !H || !d || !tn) {
        rc = vx_error_set(err, VX_ENOMEM, "model logreg: out of memory for %zu features", p);
        goto done;
    }
    double F = lr_objective(X, n, p, y, C, th), gn = 0;
    int it, converged = 0;
    for (it = 0; it < max_iter; it++) {
        lr_derivs(X, n, p, y, C, th, g, H);
        gn = norm2(g, q) / scale;
        if (gn < 1e-10) {
            converged = 1;
            break;
        }
        for (size_t j = 0; j < q; j++)
            d[j] = -g[j];
        lapack_int info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (lapack_int)q, 1, H, (lapack_int)q, d, 1);
        if (info != 0) {
            rc = vx_error_set(err, VX_EINVAL,
                              "model logreg: Hessian not positive definite at Newton iteration %d (LAPACK info %d): "
                              "the classes are (nearly) separable with C = %g; lower C",
                              it, (int)info, C);
            goto done;
        }
        double gd = 0;
        for (size_t j = 0; j < q; j++)
            gd += g[j] * d[j];
        /* backtracking line search on F; the small absolute slack lets the full Newton step through when F only
         * changes at its rounding level (near the optimum), where the gradient still decreases quadratically */
        double t = 1.0, Fn = F;
        int ok = 0;
        for (int ls = 0; ls < 60; ls++, t *= 0.5) {
            for (size_t j = 0; j < q; j++)
                tn[j] = th[j] + t * d[j];
            Fn = lr_objective(X, n, p, y, C, tn);
            if (Fn <= F + 1e-4 * t * gd + 1e-13 * fabs(F)) {
                ok = 1;
                break;
            }
        }
        if (!ok)
            break;
        memcpy(th, tn, q * sizeof *th);
        F = Fn;
    }
    if (!converged) {
        lr_derivs(X, n, p, y, C, th, g, NULL);
        gn = norm2(g, q) / scale;
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
    m->w = malloc(p * sizeof *m->w);
    if (!m->w) {
        rc = vx_error_set(err, VX_ENOMEM, "model logreg: out of memory");
        goto done;
    }
    memcpy(m->w, th, p * sizeof *m->w);
    m->b = th[p];
done:
    free(th);
    free(g);
    free(H);
    free(d);
    free(tn);
    return rc;
}
