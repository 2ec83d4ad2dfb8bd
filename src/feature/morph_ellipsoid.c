/* voxomics: ellipsoid helpers of the morphology family: symmetric 3x3 eigen-decomposition (PCA), the IBSI
 * Legendre-series ellipsoid surface area and the minimum volume enclosing ellipsoid (MVEE).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feature/morph_impl.h"

/* ---- symmetric 3x3 eigenvalues: cyclic Jacobi ---------------------------------------------------------- */
void vx_sym3_eigen(const double a_in[9], double eval[3], double v_out[9])
{
    double a[3][3], v[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            a[i][j] = 0.5 * (a_in[3 * i + j] + a_in[3 * j + i]);
    for (int sweep = 0; sweep < 64; sweep++) {
        double off = fabs(a[0][1]) + fabs(a[0][2]) + fabs(a[1][2]);
        double diag = fabs(a[0][0]) + fabs(a[1][1]) + fabs(a[2][2]);
        if (off == 0.0 || off <= 1e-300 || off <= diag * 1e-18)
            break;
        for (int p = 0; p < 2; p++)
            for (int q = p + 1; q < 3; q++) {
                if (a[p][q] == 0.0)
                    continue;
                /* rotation annihilating a[p][q] (Golub & Van Loan, symmetric Schur decomposition) */
                double theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                double t = (theta >= 0.0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
                for (int k = 0; k < 3; k++) { /* A <- A J */
                    double akp = a[k][p], akq = a[k][q];
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                }
                for (int k = 0; k < 3; k++) { /* A <- J^T A */
                    double apk = a[p][k], aqk = a[q][k];
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for (int k = 0; k < 3; k++) {
                    double vkp = v[k][p], vkq = v[k][q];
                    v[k][p] = c * vkp - s * vkq;
                    v[k][q] = s * vkp + c * vkq;
                }
            }
    }
    int idx[3] = {0, 1, 2};
    double d[3] = {a[0][0], a[1][1], a[2][2]};
    for (int i = 0; i < 3; i++) /* sort descending (stable) */
        for (int j = i + 1; j < 3; j++)
            if (d[idx[j]] > d[idx[i]]) {
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
    for (int i = 0; i < 3; i++) {
        eval[i] = d[idx[i]];
        if (v_out)
            for (int k = 0; k < 3; k++)
                v_out[3 * k + i] = v[k][idx[i]];
    }
}

/* ---- ellipsoid surface area (IBSI: area density - approximate enclosing ellipsoid, RDD2) -----------------
 * A(a, b, c) = 4 pi a b sum_{nu=0}^{20} (alpha beta)^nu / (1 - 4 nu^2) P_nu((alpha^2 + beta^2) / (2 alpha beta))
 * alpha = sqrt(1 - b^2/a^2), beta = sqrt(1 - c^2/a^2), P_nu the Legendre polynomials. With
 * q_nu = (alpha beta)^nu P_nu(x) the Legendre recurrence becomes
 * q_{nu+1} = ((2 nu + 1) s q_nu - nu p^2 q_{nu-1}) / (nu + 1), s = (alpha^2 + beta^2) / 2, p = alpha beta,
 * which stays finite for a sphere (alpha = beta = 0).
 * Note: this is the IBSI definition and the IBSI reference values follow it (digital phantom: area density
 * 1.355, reference 1.36 +- 0.01). It is not the exact ellipsoid area: the exact series (G. Tee, 2005) has
 * alpha = sqrt(1 - c^2/a^2), beta = sqrt(1 - c^2/b^2) (prolate 2,1,1: IBSI 17.34, exact 21.48; with the
 * exact area the phantom's density would be 1.304). */
double vx_ellipsoid_area(double a, double b, double c)
{
    if (!(a > 0.0) || !isfinite(a) || !(b >= 0.0) || !(c >= 0.0))
        return NAN;
    double al2 = 1.0 - (b * b) / (a * a), be2 = 1.0 - (c * c) / (a * a);
    if (al2 < 0.0)
        al2 = 0.0;
    if (be2 < 0.0)
        be2 = 0.0;
    double s = 0.5 * (al2 + be2), p2 = al2 * be2;
    double qm = 1.0, q = s, sum = 1.0; /* nu = 0 term: 1 / (1 - 0) */
    for (int nu = 1; nu <= 20; nu++) {
        sum += q / (1.0 - 4.0 * nu * nu);
        double qn = ((2.0 * nu + 1.0) * s * q - nu * p2 * qm) / (nu + 1.0);
        qm = q;
        q = qn;
    }
    return 4.0 * VX_MORPH_PI * a * b * sum;
}

/* ---- minimum volume enclosing ellipsoid ---------------------------------------------------------------
 * Khachiyan's barycentric coordinate ascent on the lifted points q_i = (p_i, 1) in R^4 with the Wolfe-Atwood
 * away steps of Todd and Yildirim (2007): weights u_i (sum 1), X(u) = sum u_i q_i q_i^T,
 * M_i = q_i^T X^-1 q_i. Stop when max M_i <= (1 + tol)(d + 1) and min over the support >= (1 - tol)(d + 1)
 * (d = 3). The ellipsoid is {x : (x - c)^T (d S)^-1 (x - c) <= 1} with c = sum u_i p_i and
 * S = sum u_i (p_i - c)(p_i - c)^T, and (p_i - c)^T (d S)^-1 (p_i - c) = (M_i - 1) / d; its axes are
 * scaled by sqrt(max(1, (max M_i - 1) / d)) so that it encloses all points. X^-1 and M are updated by
 * Sherman-Morrison rank-one updates and recomputed from scratch every 64 iterations. */

static int inv4(const double m[16], double inv[16])
{
    /* Gauss-Jordan with partial pivoting */
    double a[4][8];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            a[i][j] = m[4 * i + j];
            a[i][j + 4] = i == j ? 1.0 : 0.0;
        }
    for (int c = 0; c < 4; c++) {
        int piv = c;
        for (int r = c + 1; r < 4; r++)
            if (fabs(a[r][c]) > fabs(a[piv][c]))
                piv = r;
        if (!(fabs(a[piv][c]) > 0.0))
            return -1;
        if (piv != c)
            for (int j = 0; j < 8; j++) {
                double t = a[c][j];
                a[c][j] = a[piv][j];
                a[piv][j] = t;
            }
        double d = 1.0 / a[c][c];
        for (int j = 0; j < 8; j++)
            a[c][j] *= d;
        for (int r = 0; r < 4; r++)
            if (r != c && a[r][c] != 0.0) {
                double f = a[r][c];
                for (int j = 0; j < 8; j++)
                    a[r][j] -= f * a[c][j];
            }
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            inv[4 * i + j] = a[i][j + 4];
    return 0;
}

/* X^-1 from the weights and M_i for every point; -1 when X is singular. */
static int mvee_refresh(const double *q, size_t n, const double *u, double xi[16], double *M)
{
    double X[16] = {0};
    for (size_t i = 0; i < n; i++) {
        if (u[i] == 0.0)
            continue;
        const double *p = q + 4 * i;
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                X[4 * r + c] += u[i] * p[r] * p[c];
    }
    if (inv4(X, xi))
        return -1;
    for (size_t i = 0; i < n; i++) {
        const double *p = q + 4 * i;
        double s = 0.0;
        for (int r = 0; r < 4; r++) {
            double t = 0.0;
            for (int c = 0; c < 4; c++)
                t += xi[4 * r + c] * p[c];
            s += p[r] * t;
        }
        M[i] = s;
    }
    return 0;
}

/* Centre the points (conditioning) and lift them to q = (x - ctr, 1), 4 doubles a point. */
static void mvee_lift(const double *pts, size_t n, double *q)
{
    double ctr[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 3; k++)
            ctr[k] += pts[3 * i + k];
    for (int k = 0; k < 3; k++)
        ctr[k] /= (double)n;
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 3; k++)
            q[4 * i + k] = pts[3 * i + k] - ctr[k];
        q[4 * i + 3] = 1.0;
    }
}

/* Start weights u (zeroed by the caller): equal on the points extreme along +-x, +-y, +-z (an affinely
 * spanning core set for a 3D hull). */
static void mvee_core_start(const double *q, size_t n, double *u)
{
    size_t ext[6] = {0, 0, 0, 0, 0, 0};
    for (size_t i = 1; i < n; i++)
        for (int k = 0; k < 3; k++) {
            if (q[4 * i + k] < q[4 * ext[2 * k] + k])
                ext[2 * k] = i;
            if (q[4 * i + k] > q[4 * ext[2 * k + 1] + k])
                ext[2 * k + 1] = i;
        }
    for (int k = 0; k < 6; k++)
        u[ext[k]] = 1.0;
    size_t ns = 0;
    for (size_t i = 0; i < n; i++)
        ns += u[i] > 0.0;
    for (size_t i = 0; i < n; i++)
        u[i] = u[i] > 0.0 ? 1.0 / (double)ns : 0.0;
}

/* Semi-axes of the ellipsoid of weights u (M from a fresh refresh): from the eigenvalues of the weighted
 * scatter about the weighted centre, scaled so that every point lies inside (d dimensions). */
static void mvee_axes(const double *q, size_t n, const double *u, const double *M, double d, double axes[3])
{
    double c[3] = {0, 0, 0}, S[9] = {0};
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < 3; r++)
            c[r] += u[i] * q[4 * i + r];
    for (size_t i = 0; i < n; i++) {
        if (u[i] == 0.0)
            continue;
        double e[3] = {q[4 * i] - c[0], q[4 * i + 1] - c[1], q[4 * i + 2] - c[2]};
        for (int r = 0; r < 3; r++)
            for (int s = 0; s < 3; s++)
                S[3 * r + s] += u[i] * e[r] * e[s];
    }
    double mmax = 0.0;
    for (size_t i = 0; i < n; i++)
        if (M[i] > mmax)
            mmax = M[i];
    double scale = (mmax - 1.0) / d;
    if (scale < 1.0)
        scale = 1.0;
    double ev[3];
    vx_sym3_eigen(S, ev, NULL);
    for (int r = 0; r < 3; r++)
        axes[r] = sqrt((ev[r] > 0.0 ? ev[r] : 0.0) * d * scale);
}

int vx_mvee(const double *pts, size_t n, double tol, double axes[3], vx_error *err)
{
    const double d = 3.0;
    axes[0] = axes[1] = axes[2] = NAN;
    if (n < 4)
        return VX_OK;
    double *q = malloc(n * 4 * sizeof *q), *u = calloc(n, sizeof *u), *M = malloc(n * sizeof *M);
    if (!q || !u || !M) {
        free(q);
        free(u);
        free(M);
        return vx_error_set(err, VX_ENOMEM, "morphology: out of memory for the MVEE of %zu points", n);
    }
    mvee_lift(pts, n, q);
    mvee_core_start(q, n, u);
    double xi[16];
    if (mvee_refresh(q, n, u, xi, M)) {
        for (size_t i = 0; i < n; i++)
            u[i] = 1.0 / (double)n;
        if (mvee_refresh(q, n, u, xi, M)) { /* all points coplanar: no 3D ellipsoid */
            free(q);
            free(u);
            free(M);
            return VX_OK;
        }
    }
    const long max_iter = 200000;
    for (long it = 0; it < max_iter; it++) {
        size_t j = 0, k = SIZE_MAX;
        for (size_t i = 0; i < n; i++) {
            if (M[i] > M[j])
                j = i;
            if (u[i] > 0.0 && (k == SIZE_MAX || M[i] < M[k]))
                k = i;
        }
        double ep = M[j] / (d + 1.0) - 1.0, em = 1.0 - M[k] / (d + 1.0);
        if (ep <= tol && em <= tol)
            break;
        size_t t_i;
        double t;
        if (ep >= em) { /* Frank-Wolfe (Khachiyan) step towards point j */
            t_i = j;
            t = (M[j] - (d + 1.0)) / ((d + 1.0) * (M[j] - 1.0));
        } else { /* away step from point k, at most down to u_k = 0 */
            t_i = k;
            double beta = (d + 1.0 - M[k]) / ((d + 1.0) * (M[k] - 1.0));
            double bmax = u[k] / (1.0 - u[k]);
            t = -(beta < bmax ? beta : bmax);
        }
        /* u <- (1 - t) u + t e_ti; X^-1 and M by Sherman-Morrison */
        const double *qt = q + 4 * t_i;
        double v[4];
        for (int r = 0; r < 4; r++) {
            v[r] = 0.0;
            for (int c = 0; c < 4; c++)
                v[r] += xi[4 * r + c] * qt[c];
        }
        double den = (1.0 - t) + t * M[t_i];
        double g = t / den, sc = 1.0 / (1.0 - t);
        for (size_t i = 0; i < n; i++)
            u[i] *= (1.0 - t);
        u[t_i] += t;
        if (u[t_i] < 1e-300)
            u[t_i] = 0.0;
        if ((it + 1) % 64 == 0) {
            if (mvee_refresh(q, n, u, xi, M))
                break;
            continue;
        }
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                xi[4 * r + c] = sc * (xi[4 * r + c] - g * v[r] * v[c]);
        for (size_t i = 0; i < n; i++) {
            const double *p = q + 4 * i;
            double w = p[0] * v[0] + p[1] * v[1] + p[2] * v[2] + p[3] * v[3];
            M[i] = sc * (M[i] - g * w * w);
        }
    }
    int rc = VX_OK;
    if (mvee_refresh(q, n, u, xi, M) == 0)
        mvee_axes(q, n, u, M, d, axes);
    free(q);
    free(u);
    free(M);
    return rc;
}
