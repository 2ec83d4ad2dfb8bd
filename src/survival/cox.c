/* voxomics: the Cox proportional hazards model (include/voxomics/survival.h has the definitions).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "voxomics/survival.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "survival/surv_impl.h"

#define COX_MAXIT 30
#define COX_EPS 1e-9 /* coxph.control()$eps: the iterations stop where coxph stops, so the numbers are its own */
#define Z975 1.959963984540054

/* Work space of one fit: the centred covariates, the order (stratum, time descending) and the sums. */
typedef struct cox_work {
    const double *time;
    const int *event, *strata;
    size_t n, p;
    double *x;      /* n x p centred */
    size_t *order;  /* by stratum, then time descending */
    double *eta, *s1, *s2, *d1, *d2, *a;
} cox_work;

/* The partial log-likelihood at beta, with the score u (p) and the information imat (p x p). */
static double cox_eval(cox_work *w, const double *beta, vx_ties ties, double *u, double *imat)
{
    const size_t n = w->n, p = w->p;
    for (size_t i = 0; i < n; i++) {
        double e = 0.0;
        for (size_t j = 0; j < p; j++)
            e += w->x[i * p + j] * beta[j];
        w->eta[i] = e;
    }
    memset(u, 0, p * sizeof *u);
    memset(imat, 0, p * p * sizeof *imat);
    double ll = 0.0, s0 = 0.0;
    for (size_t q = 0; q < n;) {
        const size_t i0 = w->order[q];
        if (q == 0 || surv_stratum(w->strata, w->order[q - 1]) != surv_stratum(w->strata, i0)) {
            s0 = 0.0; /* a new stratum: an empty risk set */
            memset(w->s1, 0, p * sizeof *w->s1);
            memset(w->s2, 0, p * p * sizeof *w->s2);
        }
        /* the subjects at this time (of this stratum) join the risk set; the events' own sums */
        size_t q1 = q, d = 0;
        double d0 = 0.0;
        memset(w->d1, 0, p * sizeof *w->d1);
        memset(w->d2, 0, p * p * sizeof *w->d2);
        while (q1 < n && w->time[w->order[q1]] == w->time[i0] &&
               surv_stratum(w->strata, w->order[q1]) == surv_stratum(w->strata, i0)) {
            const size_t i = w->order[q1++];
            const double r = exp(w->eta[i]), *xi = w->x + i * p;
            s0 += r;
            for (size_t j = 0; j < p; j++) {
                w->s1[j] += r * xi[j];
                for (size_t k = 0; k <= j; k++)
                    w->s2[j * p + k] += r * xi[j] * xi[k];
            }
            if (w->event[i]) {
                d++;
                d0 += r;
                ll += w->eta[i];
                for (size_t j = 0; j < p; j++) {
                    u[j] += xi[j];
                    w->d1[j] += r * xi[j];
                    for (size_t k = 0; k <= j; k++)
                        w->d2[j * p + k] += r * xi[j] * xi[k];
                }
            }
        }
        for (size_t k = 0; k < d; k++) {
            const double f = ties == VX_TIES_EFRON ? (double)k / (double)d : 0.0, den = s0 - f * d0;
            ll -= log(den);
            for (size_t j = 0; j < p; j++) {
                w->a[j] = (w->s1[j] - f * w->d1[j]) / den;
                u[j] -= w->a[j];
            }
            for (size_t j = 0; j < p; j++)
                for (size_t l = 0; l <= j; l++)
                    imat[j * p + l] += (w->s2[j * p + l] - f * w->d2[j * p + l]) / den - w->a[j] * w->a[l];
        }
        q = q1;
    }
    for (size_t j = 0; j < p; j++) /* the upper triangle */
        for (size_t l = j + 1; l < p; l++)
            imat[j * p + l] = imat[l * p + j];
    return ll;
}

static const char *cov_name(const char *const *names, size_t j, char *buf, size_t len)
{
    if (names && names[j])
        return names[j];
    snprintf(buf, len, "covariate %zu", j + 1);
    return buf;
}

/* the checks before a fit: data, events, constant covariates */
static int cox_check(const double *X, const double *time, const int *event, const int *strata, size_t n, size_t p,
                     const char *const *names, size_t *events, vx_error *err)
{
    if (n < 2 || p == 0)
        return vx_error_set(err, VX_EINVAL, "cox: %zu subjects and %zu covariates; the model needs at least 2 and 1",
                            n, p);
    int rc = surv_check(time, event, strata, n, "cox", events, err);
    if (rc != VX_OK)
        return rc;
    if (*events == 0)
        return vx_error_set(err, VX_EINVAL, "cox: no events among the %zu subjects (every time is censored): the "
                            "partial likelihood is constant, so no coefficient can be estimated",
                            n);
    int ns = 1; /* strata count, for the first value of each covariate per stratum */
    for (size_t i = 0; strata && i < n; i++)
        ns = strata[i] + 1 > ns ? strata[i] + 1 : ns;
    double *first = malloc((size_t)ns * sizeof *first);
    unsigned char *seen = malloc((size_t)ns);
    if (!first || !seen) {
        free(first);
        free(seen);
        return vx_error_set(err, VX_ENOMEM, "cox: out of memory");
    }
    char buf[32];
    for (size_t j = 0; rc == VX_OK && j < p; j++) {
        int varies = 0;
        memset(seen, 0, (size_t)ns);
        for (size_t i = 0; rc == VX_OK && i < n; i++) {
            const double v = X[i * p + j];
            const int s = surv_stratum(strata, i);
            if (!isfinite(v))
                rc = vx_error_set(err, VX_EINVAL, "cox: %s of subject %zu is not a finite number",
                                  cov_name(names, j, buf, sizeof buf), i + 1);
            else if (!seen[s]) {
                seen[s] = 1;
                first[s] = v;
            } else if (v != first[s])
                varies = 1;
        }
        if (rc == VX_OK && !varies)
            rc = vx_error_set(err, VX_EINVAL, "cox: %s is constant%s: its coefficient cannot be estimated; leave it "
                              "out",
                              cov_name(names, j, buf, sizeof buf), strata ? " within every stratum" : "");
    }
    free(first);
    free(seen);
    return rc;
}

static void work_free(cox_work *w)
{
    free(w->x);
    free(w->order);
    free(w->eta);
    free(w->s1);
    free(w->s2);
    free(w->d1);
    free(w->d2);
    free(w->a);
}

static int work_init(cox_work *w, const double *X, const double *time, const int *event, const int *strata, size_t n,
                     size_t p)
{
    memset(w, 0, sizeof *w);
    w->time = time;
    w->event = event;
    w->strata = strata;
    w->n = n;
    w->p = p;
    w->x = malloc(n * p * sizeof *w->x);
    w->order = surv_order(time, strata, n, 1); /* by stratum, then time descending */
    w->eta = malloc(n * sizeof *w->eta);
    w->s1 = malloc(p * sizeof *w->s1);
    w->s2 = malloc(p * p * sizeof *w->s2);
    w->d1 = malloc(p * sizeof *w->d1);
    w->d2 = malloc(p * p * sizeof *w->d2);
    w->a = malloc(p * sizeof *w->a);
    if (!w->x || !w->order || !w->eta || !w->s1 || !w->s2 || !w->d1 || !w->d2 || !w->a)
        return VX_ENOMEM;
    for (size_t j = 0; j < p; j++) { /* centred as coxph centres (the coefficients are the same) */
        double m = 0.0;
        for (size_t i = 0; i < n; i++)
            m += X[i * p + j];
        m /= (double)n;
        for (size_t i = 0; i < n; i++)
            w->x[i * p + j] = X[i * p + j] - m;
    }
    return VX_OK;
}

/* Newton-Raphson with step halving from beta = 0 (coxph.fit); the fit into res */
static int cox_newton(cox_work *w, vx_ties ties, const char *const *names, vx_cox_result *res, vx_error *err)
{
    const size_t p = w->p;
    double *beta = calloc(p, sizeof *beta), *nb = malloc(p * sizeof *nb), *u = malloc(p * sizeof *u);
    double *imat = malloc(p * p * sizeof *imat), *L = malloc(p * p * sizeof *L);
    int rc = beta && nb && u && imat && L ? VX_OK : VX_ENOMEM;
    double ll = 0.0;
    if (rc == VX_OK) { /* at b = 0: the score test */
        ll = res->loglik0 = cox_eval(w, beta, ties, u, imat);
        if (surv_chol(imat, p, L) != 0)
            rc = vx_error_set(err, VX_EINVAL, "cox: the covariates are linearly dependent (singular information "
                              "matrix at b = 0); leave out the redundant ones");
        else {
            surv_chol_solve(L, p, u, w->a);
            double sc = 0.0;
            for (size_t j = 0; j < p; j++)
                sc += u[j] * w->a[j];
            res->score = sc;
        }
    }
    int it = 0, halving = 0;
    for (; rc == VX_OK && it < COX_MAXIT; it++) {
        /* the Newton step from beta (u, imat and its Cholesky factor at beta) */
        if (!halving)
            for (size_t j = 0; j < p; j++)
                nb[j] = beta[j] + w->a[j];
        const double nll = cox_eval(w, nb, ties, u, imat);
        if (!isfinite(nll) || nll < ll - 1e-12 * fabs(ll)) { /* worse: halve the step */
            for (size_t j = 0; j < p; j++)
                nb[j] = (nb[j] + beta[j]) / 2.0;
            halving = 1;
            continue;
        }
        halving = 0;
        const double rel = fabs(1.0 - ll / nll);
        memcpy(beta, nb, p * sizeof *beta);
        ll = nll;
        if (surv_chol(imat, p, L) != 0) {
            rc = vx_error_set(err, VX_EINVAL, "cox: the information matrix became singular during the fit (the "
                              "covariates are linearly dependent, or the likelihood is monotone)");
            break;
        }
        surv_chol_solve(L, p, u, w->a);
        if (rel <= COX_EPS)
            break;
    }
    if (rc == VX_OK) {
        res->iterations = it + 1;
        res->loglik = ll;
        surv_chol_inverse(L, p, res->var);
        double wald = 0.0; /* b' I b = |L' b|^2, I = L L' the information at the fit (V^-1) */
        for (size_t k = 0; k < p; k++) {
            double t = 0.0;
            for (size_t j = k; j < p; j++)
                t += L[j * p + k] * beta[j];
            wald += t * t;
        }
        res->wald = wald;
        char buf[32], who[256] = "";
        size_t used = 0;
        for (size_t j = 0; j < p; j++) { /* coxph's infinite-coefficient check: |u V| > toler.inf (1 + |b|) */
            double uv = 0.0;
            for (size_t k = 0; k < p; k++)
                uv += u[k] * res->var[k * p + j];
            if (fabs(uv) > 3.1622776601683795e-05 * (1.0 + fabs(beta[j])) || it >= COX_MAXIT) {
                const char *nm = cov_name(names, j, buf, sizeof buf);
                const size_t len = strlen(nm) + (used ? 2 : 0);
                if (used + len + 1 < sizeof who) {
                    if (used)
                        memcpy(who + used, ", ", 2);
                    memcpy(who + used + (used ? 2 : 0), nm, strlen(nm) + 1);
                    used += len;
                }
            }
        }
        if (used)
            snprintf(res->warning, sizeof res->warning,
                     "monotone likelihood: the coefficient of %.255s may be infinite (separation: the events are "
                     "ordered by the covariate); the estimates, SEs and Wald test are not valid, use the "
                     "likelihood-ratio test or a penalised model",
                     who);
        for (size_t j = 0; j < p; j++)
            res->coef[j] = beta[j];
    }
    free(beta);
    free(nb);
    free(u);
    free(imat);
    free(L);
    if (rc == VX_ENOMEM)
        return vx_error_set(err, VX_ENOMEM, "cox: out of memory");
    return rc;
}

int vx_cox_fit(const double *X, const double *time, const int *event, const int *strata, size_t n, size_t p,
               const char *const *names, vx_ties ties, vx_cox_result *res, vx_error *err)
{
    if (!res)
        return vx_error_set(err, VX_EINVAL, "cox: NULL result");
    memset(res, 0, sizeof *res);
    if (!X || !time || !event)
        return vx_error_set(err, VX_EINVAL, "cox: NULL argument");
    size_t events = 0;
    int rc = cox_check(X, time, event, strata, n, p, names, &events, err);
    if (rc != VX_OK)
        return rc;
    res->n = n;
    res->events = events;
    res->p = p;
    res->coef = calloc(p, sizeof *res->coef);
    res->se = calloc(p, sizeof *res->se);
    res->z = calloc(p, sizeof *res->z);
    res->pvalue = calloc(p, sizeof *res->pvalue);
    res->var = calloc(p * p, sizeof *res->var);
    cox_work w;
    rc = work_init(&w, X, time, event, strata, n, p);
    if (rc != VX_OK || !res->coef || !res->se || !res->z || !res->pvalue || !res->var)
        rc = vx_error_set(err, VX_ENOMEM, "cox: out of memory for %zu subjects x %zu covariates", n, p);
    if (rc == VX_OK)
        rc = cox_newton(&w, ties, names, res, err);
    if (rc == VX_OK) {
        for (size_t j = 0; j < p; j++) {
            res->se[j] = sqrt(res->var[j * p + j]);
            res->z[j] = res->coef[j] / res->se[j];
            res->pvalue[j] = 2.0 * gsl_cdf_ugaussian_Q(fabs(res->z[j]));
        }
        res->lr = 2.0 * (res->loglik - res->loglik0);
        res->lr_p = gsl_cdf_chisq_Q(res->lr, (double)p);
        res->wald_p = gsl_cdf_chisq_Q(res->wald, (double)p);
        res->score_p = gsl_cdf_chisq_Q(res->score, (double)p);
        for (size_t i = 0; i < n; i++) /* the linear predictor, for the concordance */
            w.eta[i] = 0.0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < p; j++)
                w.eta[i] += X[i * p + j] * res->coef[j];
        rc = vx_concordance(w.eta, time, event, strata, n, &res->concordance, NULL, err);
    }
    work_free(&w);
    if (rc != VX_OK) {
        vx_cox_free(res);
        memset(res, 0, sizeof *res);
    }
    return rc;
}

void vx_cox_free(vx_cox_result *res)
{
    if (!res)
        return;
    free(res->coef);
    free(res->se);
    free(res->z);
    free(res->pvalue);
    free(res->var);
    res->coef = res->se = res->z = res->pvalue = res->var = NULL;
}

int vx_cox_univariate(const double *X, size_t n, size_t p, const double *time, const int *event, const int *strata,
                      vx_ties ties, double *coef, double *se, double *pvalue, unsigned char *separated, vx_error *err)
{
    size_t events;
    if (!X || !time || !event || !coef || !se || !pvalue)
        return vx_error_set(err, VX_EINVAL, "cox: NULL argument");
    int rc = surv_check(time, event, strata, n, "cox", &events, err);
    if (rc != VX_OK)
        return rc;
    double *x = malloc((n + 1) * sizeof *x), *t = malloc((n + 1) * sizeof *t);
    int *e = malloc((n + 1) * sizeof *e), *s = strata ? malloc((n + 1) * sizeof *s) : NULL;
    if (!x || !t || !e || (strata && !s))
        rc = vx_error_set(err, VX_ENOMEM, "cox: out of memory");
    for (size_t j = 0; rc == VX_OK && j < p; j++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) /* the subjects where the column is present */
            if (!isnan(X[i * p + j])) {
                x[m] = X[i * p + j];
                t[m] = time[i];
                e[m] = event[i];
                if (s)
                    s[m] = strata[i];
                m++;
            }
        vx_cox_result r;
        vx_error fe;
        coef[j] = se[j] = pvalue[j] = NAN;
        if (separated)
            separated[j] = 0;
        const int frc = vx_cox_fit(x, t, e, s, m, 1, NULL, ties, &r, &fe);
        if (frc == VX_ENOMEM)
            rc = vx_error_set(err, VX_ENOMEM, "cox: out of memory");
        else if (frc == VX_OK) {
            coef[j] = r.coef[0];
            se[j] = r.se[0];
            pvalue[j] = r.pvalue[0];
            if (separated)
                separated[j] = r.warning[0] != 0;
        }
        vx_cox_free(&r);
    }
    free(x);
    free(t);
    free(e);
    free(s);
    return rc;
}
