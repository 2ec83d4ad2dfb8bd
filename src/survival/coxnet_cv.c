/* voxomics: lambda of a penalised Cox path by cross-validation, as glmnet's cv.glmnet(family = "cox")
 * (include/voxomics/survival.h).
 *
 * The path is fitted on all n subjects (vx_coxnet_fit: its lambdas, ended early as glmnet's). In each fold k the
 * training rows (fold != k) get their own path (vx_coxnet_fit with the same alpha, nlambda and lambda_min_ratio:
 * their own lambda_max and early end, as cv.glmnet 4.1 fits its folds with lambda = NULL), read at the whole-data
 * lambdas as glmnet's predict(s = lambda, exact = FALSE): linear in lambda between the two neighbouring lambdas
 * of the fold's path, its first coefficients (all 0) above its lambda_max, its last below its end. Then
 *   deviance (cv.glmnet's "grouped" Cox deviance): with D(b; rows) = 2 (l_sat - l(b)) the Breslow partial
 *     likelihood deviance of the given rows (risk set at t: time >= t, a censoring at t after the events at t;
 *     l_sat = -sum d log d over the tied event times), cvraw_k = (D(b_k; all) - D(b_k; training)) / e_k with
 *     e_k the events of fold k, and the fold weight w_k = e_k;
 *   C: cvraw_k = Harrell's C (vx_concordance) of the held-out linear predictor x b_k, w_k = the fold's size (a
 *     fold without a comparable pair is left out of the mean, as R's na.rm).
 * cvm = sum w_k cvraw_k / sum w_k, cvsd = sqrt(sum w_k (cvraw_k - cvm)^2 / sum w_k / (K - 1)). lambda.min: the
 * largest lambda where cvm is minimal (C: maximal); lambda.1se: the largest lambda with cvm <= cvm_min +
 * cvsd_min (C: cvm >= cvm_max - cvsd_max).
 * Folds: foldid given (0-based; R's foldid - 1), or drawn from seed as vx_cv_stratified_folds draws them,
 * stratified by the event indicator (every fold gets events and censorings in proportion; when either group is
 * smaller than the folds, not stratified).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "voxomics/survival.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survival/surv_impl.h"
#include <stdint.h>

/* Breslow log partial likelihood of eta over m rows in time order ord; *lsat its saturated value. The risk
 * sums accumulate from the longest time down (no cancellation when one exp(eta) dominates). */
static double pl_breslow(const double *time, const int *event, const double *eta, const size_t *ord, size_t m,
                         double *lsat)
{
    double s0 = 0.0, ll = 0.0, ls = 0.0;
    for (size_t q = m; q > 0;) {
        size_t q0 = q; /* the tie group [q0, q) */
        while (q0 > 0 && time[ord[q0 - 1]] == time[ord[q - 1]])
            q0--;
        double d = 0.0;
        for (size_t k = q0; k < q; k++) {
            s0 += exp(eta[ord[k]]);
            if (event[ord[k]]) {
                d += 1.0;
                ll += eta[ord[k]];
            }
        }
        if (d > 0.0) {
            ll -= d * log(s0);
            ls -= d * log(d);
        }
        q = q0;
    }
    *lsat = ls;
    return ll;
}

/* splitmix64, the fold generator of vx_cv_stratified_folds (src/learn/cv.c; survival may not depend on learn) */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* K folds dealt as vx_cv_stratified_folds deals them: per class (y 0, then 1) the class's rows shuffled
 * (Fisher-Yates with splitmix64 from seed * 0x2545F4914F6CDD1D + 1) and dealt to the folds in turn, the dealing
 * going on across classes; so the folds equal `voxomics cv`'s for a label equal to y and the same seed. */
static int deal_folds(const int *y, size_t n, int K, unsigned long seed, int *fold, vx_error *err)
{
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return vx_error_set(err, VX_ENOMEM, "coxnet cv: out of memory");
    uint64_t st = (uint64_t)seed * 0x2545F4914F6CDD1Dull + 1;
    int next = 0;
    for (int cls = 0; cls < 2; cls++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (y[i] == cls)
                idx[m++] = i;
        for (size_t i = m; i > 1; i--) {
            const size_t j = (size_t)(next_u64(&st) % i), t = idx[i - 1];
            idx[i - 1] = idx[j];
            idx[j] = t;
        }
        for (size_t i = 0; i < m; i++) {
            fold[idx[i]] = next;
            next = (next + 1) % K;
        }
    }
    free(idx);
    return VX_OK;
}

/* fold[i] from foldid (checked) or drawn from seed; *K the folds */
static int cv_folds(const int *event, size_t n, const int *foldid, int nfolds, unsigned long seed, int *fold, int *K,
                    vx_error *err)
{
    if (foldid) {
        int k = 0;
        for (size_t i = 0; i < n; i++) {
            if (foldid[i] < 0 || (nfolds > 0 && foldid[i] >= nfolds))
                return vx_error_set(err, VX_EINVAL, "coxnet cv: the fold of subject %zu is %d; folds are 0..%d", i + 1,
                                    foldid[i], nfolds > 0 ? nfolds - 1 : 0);
            fold[i] = foldid[i];
            k = foldid[i] + 1 > k ? foldid[i] + 1 : k;
        }
        *K = k;
    } else {
        size_t ev = 0;
        for (size_t i = 0; i < n; i++)
            ev += (size_t)event[i];
        if (nfolds < 3 || (size_t)nfolds > n)
            return vx_error_set(err, VX_EINVAL, "coxnet cv: %d folds for %zu subjects; use 3 to %zu", nfolds, n, n);
        int *y = malloc(n * sizeof *y);
        if (!y)
            return vx_error_set(err, VX_ENOMEM, "coxnet cv: out of memory");
        const int strat = ev >= (size_t)nfolds && n - ev >= (size_t)nfolds;
        for (size_t i = 0; i < n; i++)
            y[i] = strat ? event[i] : 0;
        const int rc = deal_folds(y, n, nfolds, seed, fold, err);
        free(y);
        if (rc != VX_OK)
            return rc;
        *K = nfolds;
    }
    if (*K < 3)
        return vx_error_set(err, VX_EINVAL, "coxnet cv: %d folds; cross-validation needs at least 3", *K);
    for (int k = 0; k < *K; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            m += fold[i] == k;
        if (m == 0 || m == n)
            return vx_error_set(err, VX_EINVAL, "coxnet cv: fold %d has %zu of the %zu subjects", k, m, n);
    }
    return VX_OK;
}

typedef struct cvw {
    size_t n, p, m;        /* subjects, covariates, training rows of the current fold */
    size_t nlambda;        /* the lambdas asked for, and lambda_min_ratio (each fold's own path) */
    double lmr;
    double *Xt, *tt, *eta, *etat, *beta, *raw, *w;
    int *et;
    size_t *ord, *ordt, *rows;
} cvw;

static void cvw_free(cvw *w)
{
    free(w->Xt);
    free(w->tt);
    free(w->eta);
    free(w->etat);
    free(w->beta);
    free(w->raw);
    free(w->w);
    free(w->et);
    free(w->ord);
    free(w->ordt);
    free(w->rows);
}

/* beta (L x p) = the coefficients of path fp at the lambdas lam: linear in lambda between the two neighbouring
 * lambdas of fp, those of its first (last) lambda above (below) its range (glmnet's predict(s = lambda)) */
static void interp_path(const vx_coxnet_path *fp, const double *lam, size_t L, double *beta)
{
    const size_t p = fp->p, K = fp->nlambda;
    const double *fl = fp->lambda;
    for (size_t l = 0; l < L; l++) {
        double *b = beta + l * p;
        size_t k = 0;
        while (k + 1 < K && fl[k + 1] >= lam[l])
            k++; /* fl[k] >= lam > fl[k + 1], or an end */
        if (lam[l] >= fl[0] || k + 1 == K) {
            memcpy(b, fp->beta + (lam[l] >= fl[0] ? 0 : K - 1) * p, p * sizeof *b);
            continue;
        }
        const double f = (lam[l] - fl[k + 1]) / (fl[k] - fl[k + 1]);
        for (size_t j = 0; j < p; j++)
            b[j] = f * fp->beta[k * p + j] + (1.0 - f) * fp->beta[(k + 1) * p + j];
    }
}

/* cvraw of fold k at each lambda into w->raw + k * L, its weight into w->w[k] */
static int cv_fold(cvw *w, const double *X, const double *time, const int *event, const int *fold, int k,
                   double alpha, const vx_coxnet_path *path, vx_coxnet_measure measure, vx_error *err)
{
    const size_t n = w->n, p = w->p, L = path->nlambda;
    size_t m = 0, ek = 0, nk = 0;
    for (size_t i = 0; i < n; i++) {
        if (fold[i] == k) {
            ek += (size_t)event[i];
            nk++;
            continue;
        }
        memcpy(w->Xt + m * p, X + i * p, p * sizeof *X);
        w->tt[m] = time[i];
        w->et[m] = event[i];
        w->rows[m++] = i;
    }
    if (measure == VX_COXNET_CV_DEVIANCE && ek == 0)
        return vx_error_set(err, VX_EINVAL, "coxnet cv: fold %d has no events; its deviance is undefined", k);
    size_t evt = 0;
    for (size_t i = 0; i < m; i++)
        evt += (size_t)w->et[i];
    if (evt == 0)
        return vx_error_set(err, VX_EINVAL, "coxnet cv: the training rows of fold %d have no events", k);
    vx_coxnet_path fp; /* the fold's own path, read at the whole-data lambdas */
    int rc = vx_coxnet_fit(w->Xt, m, p, w->tt, w->et, alpha, w->nlambda, w->lmr, &fp, err);
    if (rc == VX_OK)
        interp_path(&fp, path->lambda, L, w->beta);
    vx_coxnet_free(&fp);
    free(w->ordt);
    w->ordt = rc == VX_OK ? surv_order(w->tt, NULL, m, 0) : NULL;
    if (rc == VX_OK && !w->ordt)
        rc = vx_error_set(err, VX_ENOMEM, "coxnet cv: out of memory");
    for (size_t l = 0; rc == VX_OK && l < L; l++) {
        const double *b = w->beta + l * p;
        for (size_t i = 0; i < n; i++) {
            double s = 0.0;
            for (size_t j = 0; j < p; j++)
                s += X[i * p + j] * b[j];
            w->eta[i] = s;
        }
        double *raw = w->raw + (size_t)k * L + l;
        if (measure == VX_COXNET_CV_DEVIANCE) {
            for (size_t i = 0; i < m; i++)
                w->etat[i] = w->eta[w->rows[i]];
            double sf, st;
            const double lf = pl_breslow(time, event, w->eta, w->ord, n, &sf);
            const double lt = pl_breslow(w->tt, w->et, w->etat, w->ordt, m, &st);
            *raw = (2.0 * (sf - lf) - 2.0 * (st - lt)) / (double)ek;
        } else {
            size_t h = 0; /* the held-out rows, in their order, packed into etat / tt / et */
            for (size_t i = 0; i < n; i++)
                if (fold[i] == k) {
                    w->etat[h] = w->eta[i];
                    w->tt[h] = time[i];
                    w->et[h++] = event[i];
                }
            rc = vx_concordance(w->etat, w->tt, w->et, NULL, h, raw, NULL, err); /* tt, et: no longer needed */
        }
    }
    w->w[k] = measure == VX_COXNET_CV_DEVIANCE ? (double)ek : (double)nk;
    return rc;
}

/* cvm, cvsd from the K x L raw values and weights; imin, i1se */
static void cv_summary(const cvw *w, int K, size_t L, vx_coxnet_measure measure, vx_coxnet_cv_result *res)
{
    const double sign = measure == VX_COXNET_CV_C ? -1.0 : 1.0;
    for (size_t l = 0; l < L; l++) {
        double sw = 0.0, s = 0.0, v = 0.0;
        for (int k = 0; k < K; k++) {
            const double r = w->raw[(size_t)k * L + l];
            if (!isnan(r)) {
                sw += w->w[k];
                s += w->w[k] * r;
            }
        }
        const double cvm = s / sw;
        for (int k = 0; k < K; k++) {
            const double r = w->raw[(size_t)k * L + l];
            if (!isnan(r))
                v += w->w[k] * (r - cvm) * (r - cvm);
        }
        res->cvm[l] = cvm;
        res->cvsd[l] = sqrt(v / sw / (double)(K - 1));
    }
    size_t imin = 0;
    for (size_t l = 1; l < L; l++)
        if (sign * res->cvm[l] < sign * res->cvm[imin])
            imin = l;
    const double bound = sign * res->cvm[imin] + res->cvsd[imin];
    size_t i1se = imin;
    for (size_t l = 0; l < imin; l++)
        if (sign * res->cvm[l] <= bound) {
            i1se = l;
            break;
        }
    res->imin = imin;
    res->i1se = i1se;
}

int vx_coxnet_cv(const double *X, size_t n, size_t p, const double *time, const int *event, double alpha,
                 size_t nlambda, double lambda_min_ratio, const int *foldid, int nfolds, unsigned long seed,
                 vx_coxnet_measure measure, vx_coxnet_cv_result *res, vx_error *err)
{
    if (!res)
        return vx_error_set(err, VX_EINVAL, "coxnet cv: NULL result");
    memset(res, 0, sizeof *res);
    if (measure != VX_COXNET_CV_DEVIANCE && measure != VX_COXNET_CV_C)
        return vx_error_set(err, VX_EINVAL, "coxnet cv: unknown measure %d (deviance or C)", (int)measure);
    int rc = vx_coxnet_fit(X, n, p, time, event, alpha, nlambda, lambda_min_ratio, &res->path, err);
    if (rc != VX_OK)
        return rc;
    const size_t L = res->path.nlambda;
    int K = 0, *fold = malloc(n * sizeof *fold);
    cvw w = {.n = n, .p = p, .nlambda = nlambda, .lmr = lambda_min_ratio};
    w.Xt = malloc(n * p * sizeof *w.Xt);
    w.tt = malloc(n * sizeof *w.tt);
    w.eta = malloc(n * sizeof *w.eta);
    w.etat = malloc(n * sizeof *w.etat);
    w.beta = malloc(L * p * sizeof *w.beta);
    w.et = malloc(n * sizeof *w.et);
    w.rows = malloc(n * sizeof *w.rows);
    w.ord = surv_order(time, NULL, n, 0);
    res->cvm = malloc(L * sizeof *res->cvm);
    res->cvsd = malloc(L * sizeof *res->cvsd);
    if (!fold || !w.Xt || !w.tt || !w.eta || !w.etat || !w.beta || !w.et || !w.rows || !w.ord || !res->cvm ||
        !res->cvsd)
        rc = vx_error_set(err, VX_ENOMEM, "coxnet cv: out of memory for %zu x %zu", n, p);
    if (rc == VX_OK)
        rc = cv_folds(event, n, foldid, nfolds, seed, fold, &K, err);
    if (rc == VX_OK) {
        w.raw = malloc((size_t)K * L * sizeof *w.raw);
        w.w = malloc((size_t)K * sizeof *w.w);
        if (!w.raw || !w.w)
            rc = vx_error_set(err, VX_ENOMEM, "coxnet cv: out of memory for %d folds", K);
    }
    for (int k = 0; rc == VX_OK && k < K; k++)
        rc = cv_fold(&w, X, time, event, fold, k, alpha, &res->path, measure, err);
    if (rc == VX_OK)
        cv_summary(&w, K, L, measure, res);
    cvw_free(&w);
    free(fold);
    if (rc != VX_OK)
        vx_coxnet_cv_free(res);
    return rc;
}

void vx_coxnet_cv_free(vx_coxnet_cv_result *res)
{
    if (!res)
        return;
    vx_coxnet_free(&res->path);
    free(res->cvm);
    free(res->cvsd);
    memset(res, 0, sizeof *res);
}
