/* Imaging-to-omics regression: ridge (one factorisation per fold and missingness pattern, shared by the pattern's
 * targets and permutations), PLS1 (NIPALS) and the elastic net (coordinate descent on the fold's Gram matrix), out
 * of fold; Pearson r per target, permutation p, BH q (voxomics/omics.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/omics.h"

/* ---- seeded shuffles (splitmix64) ---------------------------------------------------------------------------- */
static uint64_t mix_next(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* uniform in [0, m) without modulo bias */
static size_t mix_below(uint64_t *x, size_t m)
{
    const uint64_t lim = UINT64_MAX - UINT64_MAX % (uint64_t)m;
    uint64_t v;
    do
        v = mix_next(x);
    while (v >= lim);
    return (size_t)(v % (uint64_t)m);
}

static void shuffle(size_t *a, size_t m, uint64_t *state)
{
    for (size_t i = 0; i < m; i++)
        a[i] = i;
    for (size_t i = m; i > 1; i--) { /* Fisher-Yates */
        const size_t j = mix_below(state, i), t = a[i - 1];
        a[i - 1] = a[j], a[j] = t;
    }
}

int vx_regress_folds(size_t n, int k, uint64_t seed, int *fold, vx_error *err)
{
    if (!fold || k < 2 || (size_t)k > n)
        return vx_error_set(err, VX_EINVAL, "regress folds: %d folds of %zu samples (need 2 <= k <= n)", k, n);
    size_t *a = malloc(n * sizeof *a);
    if (!a)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    uint64_t st = seed;
    shuffle(a, n, &st);
    for (size_t i = 0; i < n; i++)
        fold[a[i]] = (int)(i % (size_t)k);
    free(a);
    return VX_OK;
}

/* ---- small dense algebra (column-major unless said) ---------------------------------------------------------- */
/* dot product with four partial sums (the FMA latency chain, not the multiplications, bounds a single sum) */
static double dot(const double *a, const double *b, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i], s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2], s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++)
        s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

/* In-place Cholesky of the symmetric n x n matrix a: its lower triangle becomes L, row-major (L[i*n + k], k <= i),
 * so that every inner product runs along contiguous rows; 0, or -1 when not positive definite. */
static int chol(double *a, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double d = a[j * n + j] - dot(a + j * n, a + j * n, j);
        if (!(d > 0.0))
            return -1;
        d = sqrt(d);
        a[j * n + j] = d;
        for (size_t i = j + 1; i < n; i++)
            a[i * n + j] = (a[i * n + j] - dot(a + i * n, a + j * n, j)) / d;
    }
    return 0;
}

/* solve L L' x = b in place (L from chol) */
static void chol_solve(const double *l, size_t n, double *b)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (b[i] - dot(l + i * n, b, i)) / l[i * n + i];
    for (size_t i = n; i-- > 0;) {
        b[i] /= l[i * n + i];
        const double bi = b[i];
        for (size_t k = 0; k < i; k++)
            b[k] -= l[i * n + k] * bi;
    }
}

static double pearson(const double *a, const double *b, size_t n)
{
    double ma = 0.0, mb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0;
    for (size_t i = 0; i < n; i++)
        ma += a[i], mb += b[i];
    ma /= (double)n, mb /= (double)n;
    for (size_t i = 0; i < n; i++) {
        const double u = a[i] - ma, v = b[i] - mb;
        saa += u * u, sbb += v * v, sab += u * v;
    }
    return n < 3 || !(saa > 0.0) || !(sbb > 0.0) ? NAN : sab / sqrt(saa * sbb);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- one fold of one pattern: imputed, standardised training (Z) and test (T) rows --------------------------- */
typedef struct design {
    size_t ntr, nte;
    size_t *tr, *te; /* positions in the pattern's rows */
    double *Z, *T;   /* ntr x p, nte x p */
    double *G;       /* enet: Z'Z (p x p) */
} design;

/* the training median of column c (NaN skipped; 0 when none), buf: ntr doubles */
static double train_median(const double *xc, const size_t *rows, const size_t *tr, size_t ntr, double *buf)
{
    size_t k = 0;
    for (size_t i = 0; i < ntr; i++)
        if (!isnan(xc[rows[tr[i]]]))
            buf[k++] = xc[rows[tr[i]]];
    if (!k)
        return 0.0;
    qsort(buf, k, sizeof *buf, cmp_double);
    return k % 2 ? buf[k / 2] : 0.5 * (buf[k / 2 - 1] + buf[k / 2]);
}

/* column c of Z and T: impute by the training median, centre and scale by the training SD (ddof 0 or 1) */
static void design_column(const double *xc, const size_t *rows, design *d, size_t c, int ddof, double *buf)
{
    int gap = 0; /* the median only where a value is missing */
    for (size_t i = 0; i < d->ntr && !gap; i++)
        gap = isnan(xc[rows[d->tr[i]]]);
    for (size_t i = 0; i < d->nte && !gap; i++)
        gap = isnan(xc[rows[d->te[i]]]);
    const double med = gap ? train_median(xc, rows, d->tr, d->ntr, buf) : 0.0;
    double *z = d->Z + c * d->ntr, *t = d->T + c * d->nte, mean = 0.0, ss = 0.0;
    for (size_t i = 0; i < d->ntr; i++) {
        const double v = xc[rows[d->tr[i]]];
        z[i] = isnan(v) ? med : v;
        mean += z[i];
    }
    mean /= (double)d->ntr;
    for (size_t i = 0; i < d->ntr; i++)
        ss += (z[i] - mean) * (z[i] - mean);
    double sd = sqrt(ss / (double)(d->ntr - (size_t)ddof));
    if (!(sd > 10.0 * DBL_EPSILON * fabs(mean)) || sd == 0.0) /* StandardScaler: near-constant -> scale 1 */
        sd = 1.0;
    for (size_t i = 0; i < d->ntr; i++)
        z[i] = (z[i] - mean) / sd;
    for (size_t i = 0; i < d->nte; i++) {
        const double v = xc[rows[d->te[i]]];
        t[i] = ((isnan(v) ? med : v) - mean) / sd;
    }
}

static void design_free(design *d, int nfold)
{
    for (int f = 0; d && f < nfold; f++)
        free(d[f].tr), free(d[f].te), free(d[f].Z), free(d[f].T), free(d[f].G);
    free(d);
}

/* The folds' designs of a pattern (rows[0..m)); NULL when out of memory. *ok = 0 when a fold with test rows has
 * fewer than 2 training rows. */
static design *design_build(const double *x, size_t n, size_t p, const size_t *rows, size_t m, const int *fold,
                            int nfold, int ddof, int gram, int *ok)
{
    design *d = calloc((size_t)nfold, sizeof *d);
    double *buf = malloc((m + 1) * sizeof *buf);
    int good = d && buf;
    *ok = 1;
    for (int f = 0; good && f < nfold; f++) {
        design *e = &d[f];
        e->tr = malloc((m + 1) * sizeof *e->tr), e->te = malloc((m + 1) * sizeof *e->te);
        if (!(good = e->tr && e->te))
            break;
        for (size_t i = 0; i < m; i++)
            if (fold[rows[i]] == f)
                e->te[e->nte++] = i;
            else
                e->tr[e->ntr++] = i;
        if (!e->nte)
            continue;
        if (e->ntr < 2 + (size_t)ddof) {
            *ok = 0;
            continue;
        }
        e->Z = malloc(e->ntr * p * sizeof *e->Z), e->T = malloc(e->nte * p * sizeof *e->T);
        e->G = gram ? malloc(p * p * sizeof *e->G) : NULL;
        if (!(good = e->Z && e->T && (!gram || e->G)))
            break;
        for (size_t c = 0; c < p; c++)
            design_column(x + c * n, rows, e, c, ddof, buf);
        for (size_t a = 0; gram && a < p; a++)
            for (size_t b = 0; b <= a; b++)
                e->G[a * p + b] = e->G[b * p + a] = dot(e->Z + a * e->ntr, e->Z + b * e->ntr, e->ntr);
    }
    free(buf);
    if (!good)
        design_free(d, nfold), d = NULL;
    return d;
}

/* ---- ridge: the out-of-fold operator L (m x m, row-major): yhat = L y ------------------------------------------ */
/* M (nte x ntr, row-major) = T (Z'Z + aI)^-1 Z' = T Z' (ZZ' + aI)^-1 by the smaller factorisation */
static int ridge_fold(const design *d, size_t p, double alpha, double *M)
{
    const size_t nr = d->ntr, ne = d->nte, q = p <= nr ? p : nr;
    double *A = malloc(q * q * sizeof *A), *v = malloc((p + nr + 1) * sizeof *v);
    int rc = A && v ? 0 : -2;
    for (size_t a = 0; !rc && a < q; a++)
        for (size_t b = 0; b <= a; b++) {
            double s = 0.0;
            if (q == p)
                s = dot(d->Z + a * nr, d->Z + b * nr, nr);
            else
                for (size_t c = 0; c < p; c++)
                    s += d->Z[c * nr + a] * d->Z[c * nr + b];
            A[a * q + b] = A[b * q + a] = s + (a == b ? alpha : 0.0);
        }
    if (!rc && chol(A, q))
        rc = -1;
    for (size_t i = 0; !rc && i < ne; i++) { /* row i of M */
        if (q == p) { /* v = (Z'Z + aI)^-1 t_i, M_i. = Z v */
            for (size_t c = 0; c < p; c++)
                v[c] = d->T[c * ne + i];
            chol_solve(A, p, v);
            double *mi = M + i * nr;
            memset(mi, 0, nr * sizeof *mi);
            for (size_t c = 0; c < p; c++)
                for (size_t j = 0; j < nr; j++)
                    mi[j] += d->Z[c * nr + j] * v[c];
        } else { /* v = Z t_i, M_i. = (ZZ' + aI)^-1 v */
            for (size_t j = 0; j < nr; j++) {
                double s = 0.0;
                for (size_t c = 0; c < p; c++)
                    s += d->Z[c * nr + j] * d->T[c * ne + i];
                v[j] = s;
            }
            chol_solve(A, nr, v);
            memcpy(M + i * nr, v, nr * sizeof *v);
        }
    }
    free(A), free(v);
    return rc;
}

static int ridge_operator(const design *d, int nfold, size_t m, size_t p, double alpha, double *L)
{
    memset(L, 0, m * m * sizeof *L);
    for (int f = 0; f < nfold; f++) {
        const design *e = &d[f];
        if (!e->nte)
            continue;
        double *M = malloc(e->nte * e->ntr * sizeof *M);
        const int rc = M ? ridge_fold(e, p, alpha, M) : -2;
        for (size_t i = 0; !rc && i < e->nte; i++)
            for (size_t j = 0; j < e->ntr; j++) /* Z is centred: M 1 = 0, the intercept is the training mean */
                L[e->te[i] * m + e->tr[j]] = M[i * e->ntr + j] + 1.0 / (double)e->ntr;
        free(M);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- PLS1 (NIPALS, scikit-learn's PLSRegression with scale = True) on one fold ------------------------------- */
/* solve the k x k system a z = b (a column-major, overwritten) by Gaussian elimination with partial pivoting */
static void small_solve(double *a, size_t k, double *b)
{
    for (size_t c = 0; c < k; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < k; r++)
            if (fabs(a[c * k + r]) > fabs(a[c * k + piv]))
                piv = r;
        for (size_t j = 0; j < k; j++) {
            const double t = a[j * k + c];
            a[j * k + c] = a[j * k + piv], a[j * k + piv] = t;
        }
        const double tb = b[c];
        b[c] = b[piv], b[piv] = tb;
        for (size_t r = c + 1; r < k; r++) {
            const double f = a[c * k + r] / a[c * k + c];
            for (size_t j = c; j < k; j++)
                a[j * k + r] -= f * a[j * k + c];
            b[r] -= f * b[c];
        }
    }
    for (size_t c = k; c-- > 0;) {
        double s = b[c];
        for (size_t j = c + 1; j < k; j++)
            s -= a[j * k + c] * b[j];
        b[c] = s / a[c * k + c];
    }
}

/* work: ntr*p + ntr + ntr + 3p*K + K*K + K + p doubles */
static void pls_fold(const design *d, size_t p, size_t K, const double *ytr, double *yhat, double *w)
{
    const size_t nr = d->ntr;
    double *X = w, *yk = X + nr * p, *t = yk + nr, *W = t + nr, *P = W + p * K, *PW = P + p * K, *q = PW + K * K,
           *coef = q + K;
    memcpy(X, d->Z, nr * p * sizeof *X);
    double ym = 0.0, ss = 0.0;
    for (size_t i = 0; i < nr; i++)
        ym += ytr[i];
    ym /= (double)nr;
    for (size_t i = 0; i < nr; i++)
        ss += (ytr[i] - ym) * (ytr[i] - ym);
    double sy = sqrt(ss / (double)(nr - 1));
    if (!(sy > 0.0))
        sy = 1.0;
    for (size_t i = 0; i < nr; i++)
        yk[i] = (ytr[i] - ym) / sy;
    size_t kc = 0;
    for (; kc < K; kc++) {
        if (dot(yk, yk, nr) < DBL_EPSILON) /* y fully explained: scikit-learn stops here */
            break;
        double *wk = W + kc * p, *pk = P + kc * p, nw = 0.0;
        for (size_t c = 0; c < p; c++)
            wk[c] = dot(X + c * nr, yk, nr), nw += wk[c] * wk[c];
        nw = sqrt(nw);
        if (!(nw > 0.0))
            break;
        for (size_t c = 0; c < p; c++)
            wk[c] /= nw;
        for (size_t i = 0; i < nr; i++)
            t[i] = 0.0;
        for (size_t c = 0; c < p; c++)
            for (size_t i = 0; i < nr; i++)
                t[i] += X[c * nr + i] * wk[c];
        const double tt = dot(t, t, nr);
        for (size_t c = 0; c < p; c++) {
            pk[c] = dot(X + c * nr, t, nr) / tt;
            for (size_t i = 0; i < nr; i++)
                X[c * nr + i] -= t[i] * pk[c];
        }
        q[kc] = dot(yk, t, nr) / tt;
        for (size_t i = 0; i < nr; i++)
            yk[i] -= q[kc] * t[i];
    }
    for (size_t a = 0; a < kc; a++) /* coef = W (P'W)^-1 q */
        for (size_t b = 0; b < kc; b++)
            PW[b * kc + a] = dot(P + a * p, W + b * p, p);
    small_solve(PW, kc, q);
    for (size_t c = 0; c < p; c++) {
        coef[c] = 0.0;
        for (size_t k = 0; k < kc; k++)
            coef[c] += W[k * p + c] * q[k];
    }
    for (size_t i = 0; i < d->nte; i++) {
        double s = 0.0;
        for (size_t c = 0; c < p; c++)
            s += d->T[c * d->nte + i] * coef[c];
        yhat[i] = ym + sy * s;
    }
}

/* ---- elastic net (scikit-learn's ElasticNet objective) on one fold -------------------------------------------- */
/* work: 2p doubles */
static void enet_fold(const design *d, size_t p, double alpha, double l1, const double *ytr, double *yhat, double *w)
{
    const size_t nr = d->ntr;
    double *b = w, *g = w + p, ym = 0.0;
    for (size_t i = 0; i < nr; i++)
        ym += ytr[i];
    ym /= (double)nr;
    for (size_t c = 0; c < p; c++) { /* g = Z'(y - ym) - G b, b = 0 */
        double s = 0.0;
        for (size_t i = 0; i < nr; i++)
            s += d->Z[c * nr + i] * (ytr[i] - ym);
        g[c] = s, b[c] = 0.0;
    }
    const double lam1 = (double)nr * alpha * l1, lam2 = (double)nr * alpha * (1.0 - l1);
    for (long sweep = 0; sweep < 1000000; sweep++) {
        double dmax = 0.0, bmax = 0.0;
        for (size_t c = 0; c < p; c++) {
            const double gcc = d->G[c * p + c], z = g[c] + gcc * b[c], den = gcc + lam2;
            const double nb = den > 0.0 && fabs(z) > lam1 ? (z > 0.0 ? z - lam1 : z + lam1) / den : 0.0;
            const double delta = nb - b[c];
            if (delta != 0.0) {
                for (size_t k = 0; k < p; k++)
                    g[k] -= d->G[c * p + k] * delta;
                b[c] = nb;
            }
            dmax = fmax(dmax, fabs(delta)), bmax = fmax(bmax, fabs(nb));
        }
        if (dmax <= 1e-13 * bmax || bmax == 0.0)
            break;
    }
    for (size_t i = 0; i < d->nte; i++) {
        double s = 0.0;
        for (size_t c = 0; c < p; c++)
            s += d->T[c * d->nte + i] * b[c];
        yhat[i] = ym + s;
    }
}

/* ---- one pattern ----------------------------------------------------------------------------------------------- */
typedef struct pattern {
    const vx_regress_params *par;
    const design *d;
    int nfold;
    size_t m, p;
    double *L;          /* ridge */
    double *ytr, *yte;  /* per fold: training targets, test predictions (m each) */
    double *work;
} pattern;

/* out-of-fold predictions yhat[0..m) of y[0..m) (pattern rows) */
static void oof_one(pattern *s, const double *y, double *yhat)
{
    if (s->par->model == VX_REGRESS_RIDGE) {
        for (size_t i = 0; i < s->m; i++)
            yhat[i] = dot(s->L + i * s->m, y, s->m);
        return;
    }
    for (int f = 0; f < s->nfold; f++) {
        const design *e = &s->d[f];
        if (!e->nte)
            continue;
        for (size_t i = 0; i < e->ntr; i++)
            s->ytr[i] = y[e->tr[i]];
        if (s->par->model == VX_REGRESS_PLS)
            pls_fold(e, s->p, s->par->components, s->ytr, s->yte, s->work);
        else
            enet_fold(e, s->p, s->par->alpha, s->par->l1_ratio, s->ytr, s->yte, s->work);
        for (size_t i = 0; i < e->nte; i++)
            yhat[e->te[i]] = s->yte[i];
    }
}

/* r, permutation p and predictions of the pattern's targets tg[0..nt) over rows[0..m) */
static int pattern_targets(pattern *s, const double *y, size_t n, const size_t *tg, size_t nt, const size_t *rows,
                           vx_regress_result *res, double *oof)
{
    const size_t m = s->m, B = s->par->nperm;
    size_t *perm = malloc((B * m + 1) * sizeof *perm);
    double *yv = malloc(3 * m * sizeof *yv);
    if (!perm || !yv) {
        free(perm), free(yv);
        return -2;
    }
    uint64_t st = s->par->seed; /* the same permutations for every pattern of m rows */
    for (size_t b = 0; b < B; b++)
        shuffle(perm + b * m, m, &st);
    double *yh = yv + m, *yp = yh + m;
    for (size_t t = 0; t < nt; t++) {
        const double *yc = y + tg[t] * n;
        for (size_t i = 0; i < m; i++)
            yv[i] = yc[rows[i]];
        oof_one(s, yv, yh);
        vx_regress_result *r = &res[tg[t]];
        r->r = pearson(yh, yv, m);
        for (size_t i = 0; oof && i < m; i++)
            oof[tg[t] * n + rows[i]] = yh[i];
        if (!B || isnan(r->r))
            continue;
        size_t ge = 0;
        for (size_t b = 0; b < B; b++) {
            for (size_t i = 0; i < m; i++)
                yp[i] = yv[perm[b * m + i]];
            oof_one(s, yp, yh);
            ge += pearson(yh, yp, m) >= r->r;
        }
        r->p = (1.0 + (double)ge) / (1.0 + (double)B);
    }
    free(perm), free(yv);
    return 0;
}

static int pattern_run(const double *x, size_t n, size_t px, const double *y, const size_t *tg, size_t nt,
                       const size_t *rows, size_t m, const int *fold, int nfold, const vx_regress_params *par,
                       vx_regress_result *res, double *oof, vx_error *err)
{
    int ok = 1;
    const int ddof = par->model == VX_REGRESS_PLS;
    design *d = design_build(x, n, px, rows, m, fold, nfold, ddof, par->model == VX_REGRESS_ENET, &ok);
    if (!d)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    if (!ok || m < 3) { /* too few rows for this pattern: r stays NaN */
        design_free(d, nfold);
        return VX_OK;
    }
    const size_t K = par->components;
    pattern s = {par, d, nfold, m, px, NULL, NULL, NULL, NULL};
    s.ytr = malloc(2 * m * sizeof *s.ytr);
    s.work = malloc((m * px + 2 * m + 3 * px * K + K * K + K + 2 * px + 1) * sizeof *s.work);
    s.L = par->model == VX_REGRESS_RIDGE ? malloc(m * m * sizeof *s.L) : NULL;
    int rc = s.ytr && s.work && (s.L || par->model != VX_REGRESS_RIDGE) ? 0 : -2;
    s.yte = s.ytr ? s.ytr + m : NULL;
    if (!rc && s.L)
        rc = ridge_operator(d, nfold, m, px, par->alpha, s.L);
    if (!rc)
        rc = pattern_targets(&s, y, n, tg, nt, rows, res, oof);
    free(s.ytr), free(s.work), free(s.L);
    design_free(d, nfold);
    if (rc == -1)
        return vx_error_set(err, VX_ENAN, "regress: the ridge system of a fold is not positive definite");
    return rc ? vx_error_set(err, VX_ENOMEM, "out of memory") : VX_OK;
}

/* ---- targets grouped by missingness ------------------------------------------------------------------------ */
static int same_missing(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(a[i]) != isnan(b[i]))
            return 0;
    return 1;
}

static int check_params(const double *x, const double *y, const int *fold, int nfold, const vx_regress_params *par,
                        size_t n, vx_regress_result *res, vx_error *err)
{
    if (!x || !y || !fold || !par || !res)
        return vx_error_set(err, VX_EINVAL, "regress: NULL argument");
    if (par->model == VX_REGRESS_RIDGE && !(par->alpha > 0.0))
        return vx_error_set(err, VX_EINVAL, "regress: ridge needs alpha > 0 (got %g)", par->alpha);
    if (par->model == VX_REGRESS_ENET && (!(par->alpha > 0.0) || !(par->l1_ratio >= 0.0 && par->l1_ratio <= 1.0)))
        return vx_error_set(err, VX_EINVAL, "regress: elastic net needs alpha > 0 (got %g) and 0 <= l1_ratio <= 1 "
                            "(got %g)", par->alpha, par->l1_ratio);
    if (par->model == VX_REGRESS_PLS && par->components < 1)
        return vx_error_set(err, VX_EINVAL, "regress: PLS needs at least 1 component");
    if (par->model < VX_REGRESS_RIDGE || par->model > VX_REGRESS_ENET)
        return vx_error_set(err, VX_EINVAL, "regress: unknown model %d", (int)par->model);
    for (size_t i = 0; i < n; i++)
        if (fold[i] < 0 || fold[i] >= nfold)
            return vx_error_set(err, VX_EINVAL, "regress: sample %zu has fold %d, outside 0..%d", i, fold[i],
                                nfold - 1);
    return VX_OK;
}

int vx_regress(const double *x, size_t n, size_t px, const double *y, size_t py, const int *fold, int nfold,
               const vx_regress_params *par, vx_regress_result *res, double *oof, vx_error *err)
{
    int rc = check_params(x, y, fold, nfold, par, n, res, err);
    if (rc)
        return rc;
    unsigned char *done = calloc(py + 1, 1);
    size_t *tg = malloc((py + 1) * sizeof *tg), *rows = malloc((n + 1) * sizeof *rows);
    double *pv = malloc((py + 1) * sizeof *pv);
    if (!done || !tg || !rows || !pv)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; !rc && j < py; j++) {
        res[j].n = 0, res[j].r = res[j].p = res[j].q = NAN;
        for (size_t i = 0; i < n; i++) {
            res[j].n += !isnan(y[j * n + i]);
            if (oof)
                oof[j * n + i] = NAN;
        }
    }
    for (size_t j = 0; !rc && j < py; j++) {
        if (done[j])
            continue;
        size_t nt = 0, m = 0;
        for (size_t k = j; k < py; k++)
            if (!done[k] && same_missing(y + j * n, y + k * n, n))
                tg[nt++] = k, done[k] = 1;
        for (size_t i = 0; i < n; i++)
            if (!isnan(y[j * n + i]))
                rows[m++] = i;
        rc = pattern_run(x, n, px, y, tg, nt, rows, m, fold, nfold, par, res, oof, err);
    }
    for (size_t j = 0; !rc && j < py; j++)
        pv[j] = res[j].p;
    if (!rc)
        rc = vx_bh(pv, py, pv, err);
    for (size_t j = 0; !rc && j < py; j++)
        res[j].q = pv[j];
    free(done), free(tg), free(rows), free(pv);
    return rc;
}
