/* voxomics: ComBat, the design step: the batches of a fit, the design matrix (batch indicators and covariates),
 * its rank test and least-squares solves. See include/voxomics/combat.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harmonize/combat_impl.h"

/* Solve A X = B in place for a k x k matrix A (row-major, destroyed) and k x m right-hand sides B (row-major,
 * overwritten by X): Gaussian elimination with partial pivoting. Returns 0, or -1 when A is singular. */
static int solve_lu(double *A, double *B, size_t k, size_t m)
{
    for (size_t c = 0; c < k; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < k; r++)
            if (fabs(A[r * k + c]) > fabs(A[piv * k + c]))
                piv = r;
        if (!(fabs(A[piv * k + c]) > 0.0))
            return -1;
        if (piv != c) {
            for (size_t t = 0; t < k; t++) {
                double s = A[c * k + t];
                A[c * k + t] = A[piv * k + t];
                A[piv * k + t] = s;
            }
            for (size_t t = 0; t < m; t++) {
                double s = B[c * m + t];
                B[c * m + t] = B[piv * m + t];
                B[piv * m + t] = s;
            }
        }
        for (size_t r = c + 1; r < k; r++) {
            double l = A[r * k + c] / A[c * k + c];
            if (l == 0.0)
                continue;
            for (size_t t = c; t < k; t++)
                A[r * k + t] -= l * A[c * k + t];
            for (size_t t = 0; t < m; t++)
                B[r * m + t] -= l * B[c * m + t];
        }
    }
    for (size_t c = k; c-- > 0;) {
        for (size_t t = 0; t < m; t++) {
            double s = B[c * m + t];
            for (size_t r = c + 1; r < k; r++)
                s -= A[c * k + r] * B[r * m + t];
            B[c * m + t] = s / A[c * k + c];
        }
    }
    return 0;
}

/* Least squares coefficients by the normal equations, as sva: C (k x m) = (D'D)^-1 D'Y for D (n x k) and
 * Y (n x m), both row-major. Returns 0, -1 singular, -2 out of memory. */
int vxc_normal_solve(const double *D, size_t n, size_t k, const double *Y, size_t m, double *C)
{
    double *A = calloc(k * k, sizeof *A);
    if (!A)
        return -2;
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < k; a++) {
            double da = D[i * k + a];
            if (da == 0.0)
                continue;
            for (size_t b = 0; b < k; b++)
                A[a * k + b] += da * D[i * k + b];
        }
    memset(C, 0, k * m * sizeof *C);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < k; a++) {
            double da = D[i * k + a];
            if (da == 0.0)
                continue;
            for (size_t t = 0; t < m; t++)
                C[a * m + t] += da * Y[i * m + t];
        }
    int rc = solve_lu(A, C, k, m);
    free(A);
    return rc;
}

/* Rank test of the design's columns in order (modified Gram-Schmidt, re-orthogonalised): the index of the
 * first column whose component orthogonal to the earlier ones has a norm below COMBAT_RANK_TOL times its own
 * norm, or k when the columns are independent. (size_t)-1 when out of memory. */
size_t vxc_first_dependent(const double *D, size_t n, size_t k)
{
    double *Q = malloc(n * k * sizeof *Q), *v = malloc(n * sizeof *v);
    size_t bad = k;
    if (!Q || !v) {
        free(Q);
        free(v);
        return (size_t)-1;
    }
    for (size_t c = 0; c < k && bad == k; c++) {
        double norm0 = 0.0;
        for (size_t i = 0; i < n; i++) {
            v[i] = D[i * k + c];
            norm0 += v[i] * v[i];
        }
        norm0 = sqrt(norm0);
        for (int pass = 0; pass < 2; pass++)
            for (size_t e = 0; e < c; e++) {
                double d = 0.0;
                for (size_t i = 0; i < n; i++)
                    d += Q[i * k + e] * v[i];
                for (size_t i = 0; i < n; i++)
                    v[i] -= d * Q[i * k + e];
            }
        double norm = 0.0;
        for (size_t i = 0; i < n; i++)
            norm += v[i] * v[i];
        norm = sqrt(norm);
        if (!(norm > COMBAT_RANK_TOL * norm0)) {
            bad = c;
            break;
        }
        for (size_t i = 0; i < n; i++)
            Q[i * k + c] = v[i] / norm;
    }
    free(Q);
    free(v);
    return bad;
}


/* The batches of the fit: the caller's non-empty batches in the caller's order (at least 2; each with 2 samples
 * unless mean-only; a reference batch with at least 2), the fit allocated with their names and sizes and the
 * feature names, each sample's fit batch, and the rows of each batch. */
int vxc_batches(combat_work *w, vx_error *err)
{
    const size_t n = w->n, nb = w->nb;
    char nbuf[32];
    w->bmap = malloc(nb * sizeof *w->bmap);
    w->counts = calloc(nb, sizeof *w->counts);
    w->bidx = malloc(n * sizeof *w->bidx);
    w->cnt0 = calloc(nb, sizeof *w->cnt0);
    if (!w->bmap || !w->counts || !w->bidx || !w->cnt0)
        return vxc_nomem(w, err);
    for (size_t i = 0; i < n; i++)
        w->cnt0[w->batch[i]]++;
    size_t nbf = 0;
    for (size_t b = 0; b < nb; b++)
        w->bmap[b] = w->cnt0[b] ? nbf++ : (size_t)-1;
    if (w->opt.ref_batch >= 0 && w->cnt0[w->opt.ref_batch] < 2)
        return vx_error_set(err, VX_EINVAL,
                            "combat: reference batch '%s' has %zu sample(s): the pooled variance is estimated from "
                            "the reference batch and needs at least 2; choose another reference batch",
                            w->batch_names[w->opt.ref_batch], w->cnt0[w->opt.ref_batch]);
    if (nbf < 2)
        return vx_error_set(err, VX_EINVAL,
                            "combat: the samples come from %zu batch(es): harmonisation needs at least 2", nbf);
    for (size_t b = 0; b < nb; b++)
        if (w->cnt0[b] == 1 && !w->opt.mean_only)
            return vx_error_set(err, VX_EINVAL,
                                "combat: batch '%s' has 1 sample: its variance is undefined; merge it with another "
                                "batch, drop the sample, or use the mean-only option",
                                w->batch_names[b]);
    vx_combat_fit *f = w->f = vxc_fit_alloc(w->p, nbf, w->q);
    if (!f)
        return vxc_nomem(w, err);
    for (size_t b = 0; b < nb; b++)
        if (w->cnt0[b]) {
            f->batch_names[w->bmap[b]] = vxc_xstrdup(w->batch_names[b]);
            f->batch_n[w->bmap[b]] = w->cnt0[b];
            if (!f->batch_names[w->bmap[b]])
                return vxc_nomem(w, err);
        }
    for (size_t j = 0; j < w->p; j++)
        if (!(f->feature_names[j] = vxc_xstrdup(vxc_fname(w->feature_names, j, nbuf))))
            return vxc_nomem(w, err);
    f->opt = w->opt;
    f->opt.ref_batch = w->opt.ref_batch >= 0 ? (int)w->bmap[w->opt.ref_batch] : -1;
    w->ref = f->opt.ref_batch;
    w->nbf = nbf;
    for (size_t i = 0; i < n; i++)
        w->bidx[i] = w->bmap[w->batch[i]];
    for (size_t b = 0; b < nbf; b++)
        w->counts[b] = f->batch_n[b];

    /* rows of each batch */
    w->rows = malloc(n * sizeof *w->rows);
    w->rowstart = calloc(nbf + 1, sizeof *w->rowstart);
    size_t *fill = calloc(nbf, sizeof *fill);
    if (!w->rows || !w->rowstart || !fill) {
        free(fill);
        return vxc_nomem(w, err);
    }
    for (size_t b = 0; b < nbf; b++)
        w->rowstart[b + 1] = w->rowstart[b] + w->counts[b];
    for (size_t i = 0; i < n; i++) {
        size_t b = w->bidx[i];
        w->rows[w->rowstart[b] + fill[b]++] = i;
    }
    free(fill);
    return VX_OK;
}

/* The design: batch indicators (reference column all ones), then the covariate columns that are not all 1;
 * refused when it has as many columns as samples or a covariate column is a combination of earlier columns. */
int vxc_design(combat_work *w, vx_error *err)
{
    const size_t n = w->n, q = w->q, nbf = w->nbf;
    w->cused = malloc((q + 1) * sizeof *w->cused);
    if (!w->cused)
        return vxc_nomem(w, err);
    for (size_t c = 0; c < q; c++) {
        int ones = 1;
        for (size_t i = 0; i < n && ones; i++)
            ones = w->cov[i * q + c] == 1.0;
        if (!ones)
            w->cused[w->qu++] = c;
    }
    const size_t k = w->k = nbf + w->qu;
    if (n <= k)
        return vx_error_set(err, VX_EINVAL,
                            "combat: %zu samples for %zu batches + %zu covariate column(s): the pooled variance needs "
                            "more samples than design columns; use fewer covariates or more samples",
                            n, nbf, w->qu);
    w->D = calloc(n * k, sizeof *w->D);
    if (!w->D)
        return vxc_nomem(w, err);
    for (size_t i = 0; i < n; i++) {
        w->D[i * k + w->bidx[i]] = 1.0;
        if (w->ref >= 0)
            w->D[i * k + (size_t)w->ref] = 1.0;
        for (size_t c = 0; c < w->qu; c++)
            w->D[i * k + nbf + c] = w->cov[i * q + w->cused[c]];
    }
    size_t dep = vxc_first_dependent(w->D, n, k);
    if (dep == (size_t)-1)
        return vxc_nomem(w, err);
    if (dep < k)
        return vx_error_set(err, VX_EINVAL,
                            "combat: covariate column %zu is confounded: it is a linear combination of the batch "
                            "indicators and the earlier covariate columns; remove it (or the covariates it "
                            "duplicates)",
                            dep >= nbf ? w->cused[dep - nbf] + 1 : 0);
    return VX_OK;
}
