/* voxomics: ComBat harmonisation (see include/voxomics/combat.h for the model, the formulas and the
 * references). Written from the published method (Johnson, Li & Rabinovic 2007) and the documented behaviour
 * of R sva::ComBat / neuroCombat: pooled variance with 1/n, batch-size-weighted grand mean, EB iteration to a
 * relative change of 1e-4, non-parametric prior over the other features' estimates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vx_math.h"
#include "voxomics/combat.h"
#include "voxomics/io.h"

#define COMBAT_CONV 1e-4        /* EB convergence: max relative change of gamma* and delta* (sva it.sol) */
#define COMBAT_MAXIT 10000      /* parametric EB rounds before giving up */
#define COMBAT_RANK_TOL 1e-7    /* relative column-norm tolerance of the rank test (R's qr default) */
#define COMBAT_TINY (64.0 * DBL_EPSILON)

struct vx_combat_fit {
    size_t p, nb, q;
    char **feature_names; /* p */
    char **batch_names;   /* nb (non-empty batches of the fit, in the caller's order) */
    size_t *batch_n;      /* nb: samples per batch in the fit */
    vx_combat_options opt; /* ref_batch: index into batch_names, or -1 */
    double *grand;        /* p: alpha_j */
    double *var;          /* p: pooled variance s2_j */
    double *beta;         /* q x p: covariate coefficients (0 for ignored all-ones columns) */
    double *gamma;        /* nb x p: gamma* */
    double *delta;        /* nb x p: delta* */
    unsigned char *skip;  /* p: 1 = left unharmonised */
    size_t n_skipped;
    size_t *skipped;      /* n_skipped feature indices, ascending */
    char *note;           /* "" or one line naming the skipped features */
};

void vx_combat_options_default(vx_combat_options *o)
{
    if (!o)
        return;
    o->parametric = 1;
    o->eb = 1;
    o->mean_only = 0;
    o->ref_batch = -1;
    o->skip_constant = 1;
}

/* ---- small helpers ------------------------------------------------------------------------------------ */
static char *xstrdup(const char *s)
{
    size_t l = strlen(s) + 1;
    char *d = malloc(l);
    if (d)
        memcpy(d, s, l);
    return d;
}

static void fit_free_names(char **names, size_t n)
{
    if (!names)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

void vx_combat_free(vx_combat_fit *f)
{
    if (!f)
        return;
    fit_free_names(f->feature_names, f->p);
    fit_free_names(f->batch_names, f->nb);
    free(f->batch_n);
    free(f->grand);
    free(f->var);
    free(f->beta);
    free(f->gamma);
    free(f->delta);
    free(f->skip);
    free(f->skipped);
    free(f->note);
    free(f);
}

/* A fit with every array allocated (zeroed); names unset. NULL when out of memory. */
static vx_combat_fit *fit_alloc(size_t p, size_t nb, size_t q)
{
    vx_combat_fit *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->p = p;
    f->nb = nb;
    f->q = q;
    f->feature_names = calloc(p, sizeof *f->feature_names);
    f->batch_names = calloc(nb, sizeof *f->batch_names);
    f->batch_n = calloc(nb, sizeof *f->batch_n);
    f->grand = calloc(p, sizeof *f->grand);
    f->var = calloc(p, sizeof *f->var);
    f->beta = calloc(q * p + 1, sizeof *f->beta);
    f->gamma = calloc(nb * p, sizeof *f->gamma);
    f->delta = calloc(nb * p, sizeof *f->delta);
    f->skip = calloc(p, 1);
    f->skipped = calloc(p, sizeof *f->skipped);
    if (!f->feature_names || !f->batch_names || !f->batch_n || !f->grand || !f->var || !f->beta || !f->gamma ||
        !f->delta || !f->skip || !f->skipped) {
        vx_combat_free(f);
        return NULL;
    }
    return f;
}

/* Name of feature j for messages. */
static const char *fname(const char *const *names, size_t j, char buf[32])
{
    if (names && names[j])
        return names[j];
    snprintf(buf, 32, "feature %zu", j + 1);
    return buf;
}

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
static int normal_solve(const double *D, size_t n, size_t k, const double *Y, size_t m, double *C)
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
static size_t first_dependent(const double *D, size_t n, size_t k)
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

/* "A, B, C" into buf (truncated with "..." when long). */
static void batch_list(char *const *names, size_t nb, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t b = 0; b < nb; b++) {
        int w = snprintf(buf + len, cap - len, "%s%s", b ? ", " : "", names[b]);
        if (w < 0 || (size_t)w >= cap - len) {
            if (cap > 4)
                strcpy(buf + cap - 4, "...");
            return;
        }
        len += (size_t)w;
    }
}

/* ---- apply ---------------------------------------------------------------------------------------------- */
/* Steps 4 and 7 for n samples with fit batch indices bidx[i]. */
static void apply_rows(const vx_combat_fit *f, const double *X, size_t n, const size_t *bidx, const double *cov,
                       double *out)
{
    const size_t p = f->p, q = f->q;
    for (size_t i = 0; i < n; i++) {
        const size_t b = bidx[i];
        const double *x = X + i * p;
        double *y = out + i * p;
        if (f->opt.ref_batch >= 0 && b == (size_t)f->opt.ref_batch) {
            if (y != x)
                memcpy(y, x, p * sizeof *y);
            continue;
        }
        for (size_t j = 0; j < p; j++) {
            if (f->skip[j]) {
                y[j] = x[j];
                continue;
            }
            double m = f->grand[j];
            for (size_t c = 0; c < q; c++)
                m += cov[i * q + c] * f->beta[c * p + j];
            double sd = sqrt(f->var[j]);
            double z = (x[j] - m) / sd;
            y[j] = (z - f->gamma[b * p + j]) / sqrt(f->delta[b * p + j]) * sd + m;
        }
    }
}

static int check_finite(const double *X, size_t n, size_t p, const double *cov, size_t q,
                        const char *const *feature_names, vx_error *err)
{
    char buf[32];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[i * p + j]))
                return vx_error_set(err, VX_ENAN,
                                    "combat: sample %zu, feature '%s' is not finite (%g): impute or drop missing "
                                    "values before harmonising",
                                    i + 1, fname(feature_names, j, buf), X[i * p + j]);
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < q; c++)
            if (!isfinite(cov[i * q + c]))
                return vx_error_set(err, VX_ENAN,
                                    "combat: sample %zu, covariate column %zu is not finite (%g): impute or drop "
                                    "missing covariates",
                                    i + 1, c + 1, cov[i * q + c]);
    return VX_OK;
}

int vx_combat_apply(const vx_combat_fit *fit, const double *X, size_t n, const char *const *batch,
                    const double *cov, double *out, vx_error *err)
{
    if (!fit || (n > 0 && (!X || !batch || !out)))
        return vx_error_set(err, VX_EINVAL, "combat apply: NULL model, data, batch or output");
    if (fit->q > 0 && n > 0 && !cov)
        return vx_error_set(err, VX_EINVAL,
                            "combat apply: the model was fitted with %zu covariate column(s) but none were given: "
                            "pass the same covariates as in the fit",
                            fit->q);
    if (n == 0)
        return VX_OK;
    int rc = check_finite(X, n, fit->p, cov, fit->q, (const char *const *)fit->feature_names, err);
    if (rc)
        return rc;
    size_t *bidx = malloc(n * sizeof *bidx);
    if (!bidx)
        return vx_error_set(err, VX_ENOMEM, "combat apply: out of memory (%zu samples)", n);
    for (size_t i = 0; i < n; i++) {
        size_t b = 0;
        while (b < fit->nb && !(batch[i] && strcmp(batch[i], fit->batch_names[b]) == 0))
            b++;
        if (b == fit->nb) {
            char list[512];
            batch_list(fit->batch_names, fit->nb, list, sizeof list);
            free(bidx);
            return vx_error_set(err, VX_EINVAL,
                                "combat: batch '%s' was not in the fit (batches: %s); sample %zu: refit with "
                                "that batch in the training data or drop the sample",
                                batch[i] ? batch[i] : "(null)", list, i + 1);
        }
        bidx[i] = b;
    }
    apply_rows(fit, X, n, bidx, cov, out);
    free(bidx);
    return VX_OK;
}

/* ---- fit ------------------------------------------------------------------------------------------------ */
enum { SKIP_NONE = 0, SKIP_CONST, SKIP_VAR, SKIP_ZCONST };

/* Parametric EB for one batch over the kept features (sva it.sol). z: n x p standardised data, rows of the
 * batch listed in rows[nr]. gh, dh: the naive estimates; gs, ds: the results. */
static int eb_parametric(const double *z, size_t p, const size_t *rows, size_t nr, const size_t *keep, size_t pk,
                         const double *gh, const double *dh, double gbar, double t2, double a, double bpr,
                         double *gs, double *ds)
{
    const double nn = (double)nr;
    for (size_t t = 0; t < pk; t++) {
        gs[keep[t]] = gh[keep[t]];
        ds[keep[t]] = dh[keep[t]];
    }
    for (int it = 0; it < COMBAT_MAXIT; it++) {
        double change = -INFINITY;
        int nan = 0;
        for (size_t t = 0; t < pk; t++) {
            size_t j = keep[t];
            double gold = gs[j], dold = ds[j];
            double gnew = (t2 * nn * gh[j] + dold * gbar) / (t2 * nn + dold);
            double sum2 = 0.0;
            for (size_t r = 0; r < nr; r++) {
                double e = z[rows[r] * p + j] - gnew;
                sum2 += e * e;
            }
            double dnew = (0.5 * sum2 + bpr) / (nn / 2.0 + a - 1.0);
            /* as sva: |new - old| / old with the signed old value */
            double cg = fabs(gnew - gold) / gold, cd = fabs(dnew - dold) / dold;
            if (isnan(cg) || isnan(cd) || !isfinite(gnew) || !isfinite(dnew) || !(dnew > 0.0))
                nan = 1;
            if (cg > change)
                change = cg;
            if (cd > change)
                change = cd;
            gs[j] = gnew;
            ds[j] = dnew;
        }
        if (nan)
            return -1;
        if (!(change > COMBAT_CONV))
            return 0;
    }
    return -2;
}

/* Non-parametric EB for one batch (sva int.eprior), in log space. */
static int eb_nonparametric(const double *z, size_t p, const size_t *rows, size_t nr, const size_t *keep, size_t pk,
                            const double *gh, const double *dh, double *gs, double *ds, double *logl)
{
    const double nn = (double)nr;
    for (size_t t = 0; t < pk; t++) {
        size_t j = keep[t];
        double lmax = -INFINITY;
        for (size_t u = 0; u < pk; u++) {
            if (u == t)
                continue;
            size_t k = keep[u];
            double sum2 = 0.0;
            for (size_t r = 0; r < nr; r++) {
                double e = z[rows[r] * p + j] - gh[k];
                sum2 += e * e;
            }
            logl[u] = -0.5 * nn * log(2.0 * VX_PI * dh[k]) - sum2 / (2.0 * dh[k]);
            if (logl[u] > lmax)
                lmax = logl[u];
        }
        if (!isfinite(lmax))
            return -1;
        double sw = 0.0, sg = 0.0, sd = 0.0;
        for (size_t u = 0; u < pk; u++) {
            if (u == t)
                continue;
            size_t k = keep[u];
            double w = exp(logl[u] - lmax);
            sw += w;
            sg += w * gh[k];
            sd += w * dh[k];
        }
        gs[j] = sg / sw;
        ds[j] = sd / sw;
        if (!isfinite(gs[j]) || !(ds[j] > 0.0) || !isfinite(ds[j]))
            return -1;
    }
    return 0;
}

static double mean_of(const double *v, const size_t *keep, size_t pk)
{
    double s = 0.0;
    for (size_t t = 0; t < pk; t++)
        s += v[keep[t]];
    return s / (double)pk;
}

static double var_of(const double *v, const size_t *keep, size_t pk, double m)
{
    double s = 0.0;
    for (size_t t = 0; t < pk; t++) {
        double e = v[keep[t]] - m;
        s += e * e;
    }
    return s / (double)(pk - 1);
}

/* The note naming the skipped features (at most 10 by name). */
static char *make_note(const vx_combat_fit *f, const unsigned char *why, const size_t *why_b)
{
    if (f->n_skipped == 0)
        return xstrdup("");
    size_t cap = 256 + 10 * 600, len = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    len += (size_t)snprintf(s, cap, "combat: %zu feature(s) left unharmonised:", f->n_skipped);
    for (size_t k = 0; k < f->n_skipped && k < 10; k++) {
        size_t j = f->skipped[k];
        const char *bn = f->batch_names[why_b[j]];
        char nm[200];
        snprintf(nm, sizeof nm, "%s", f->feature_names[j]);
        char bnm[200];
        snprintf(bnm, sizeof bnm, "%s", bn);
        int w;
        if (why[j] == SKIP_CONST)
            w = snprintf(s + len, cap - len, "%s '%s' (constant in batch '%s')", k ? "," : "", nm, bnm);
        else if (why[j] == SKIP_VAR)
            w = snprintf(s + len, cap - len, "%s '%s' (fitted exactly by the design: pooled variance 0)",
                         k ? "," : "", nm);
        else
            w = snprintf(s + len, cap - len, "%s '%s' (standardised values constant in batch '%s')", k ? "," : "",
                         nm, bnm);
        if (w > 0 && (size_t)w < cap - len)
            len += (size_t)w;
    }
    if (f->n_skipped > 10)
        snprintf(s + len, cap - len, ", and %zu more", f->n_skipped - 10);
    return s;
}

typedef struct work {
    size_t *bmap, *bidx, *counts, *rows, *rowstart, *keep;
    unsigned char *why;
    size_t *why_b;
    double *D, *B, *Z, *gh, *dh, *logl;
} work;

static void work_free(work *w)
{
    free(w->bmap);
    free(w->bidx);
    free(w->counts);
    free(w->rows);
    free(w->rowstart);
    free(w->keep);
    free(w->why);
    free(w->why_b);
    free(w->D);
    free(w->B);
    free(w->Z);
    free(w->gh);
    free(w->dh);
    free(w->logl);
}

int vx_combat_fit_apply(const double *X, size_t n, size_t p, const int *batch, const char *const *batch_names,
                        size_t nb, const double *cov, size_t q, const char *const *feature_names,
                        const vx_combat_options *o, double *out, vx_combat_fit **fit, vx_error *err)
{
    vx_combat_options opt;
    char nbuf[32];
    if (fit)
        *fit = NULL;
    if (o)
        opt = *o;
    else
        vx_combat_options_default(&opt);
    if (!X || !out || !batch || !batch_names || (q > 0 && !cov))
        return vx_error_set(err, VX_EINVAL, "combat: NULL data, output, batch, batch names or covariates");
    if (n < 2 || p < 1 || nb < 1)
        return vx_error_set(err, VX_EINVAL, "combat: need at least 2 samples, 1 feature and 2 batches (have %zu, "
                                            "%zu, %zu)",
                            n, p, nb);
    if (opt.ref_batch < -1 || (opt.ref_batch >= 0 && (size_t)opt.ref_batch >= nb))
        return vx_error_set(err, VX_EINVAL, "combat: reference batch index %d is outside 0..%zu", opt.ref_batch,
                            nb - 1);
    for (size_t b = 0; b < nb; b++) {
        if (!batch_names[b] || !batch_names[b][0])
            return vx_error_set(err, VX_EINVAL, "combat: batch %zu has no name: give every batch a non-empty name",
                                b);
        for (size_t c = 0; c < b; c++)
            if (strcmp(batch_names[b], batch_names[c]) == 0)
                return vx_error_set(err, VX_EINVAL, "combat: batch name '%s' is given twice (batches %zu and %zu)",
                                    batch_names[b], c, b);
    }
    for (size_t i = 0; i < n; i++)
        if (batch[i] < 0 || (size_t)batch[i] >= nb)
            return vx_error_set(err, VX_EINVAL, "combat: sample %zu has batch index %d, outside 0..%zu", i + 1,
                                batch[i], nb - 1);
    int rc = check_finite(X, n, p, cov, q, feature_names, err);
    if (rc)
        return rc;

    work w = {0};
    vx_combat_fit *f = NULL;
    w.bmap = malloc(nb * sizeof *w.bmap);
    w.counts = calloc(nb, sizeof *w.counts);
    w.bidx = malloc(n * sizeof *w.bidx);
    if (!w.bmap || !w.counts || !w.bidx)
        goto nomem;

    /* non-empty batches, in the caller's order */
    size_t *cnt0 = calloc(nb, sizeof *cnt0);
    if (!cnt0)
        goto nomem;
    for (size_t i = 0; i < n; i++)
        cnt0[batch[i]]++;
    size_t nbf = 0;
    for (size_t b = 0; b < nb; b++)
        w.bmap[b] = cnt0[b] ? nbf++ : (size_t)-1;
    if (opt.ref_batch >= 0 && cnt0[opt.ref_batch] < 2) {
        rc = vx_error_set(err, VX_EINVAL,
                          "combat: reference batch '%s' has %zu sample(s): the pooled variance is estimated from "
                          "the reference batch and needs at least 2; choose another reference batch",
                          batch_names[opt.ref_batch], cnt0[opt.ref_batch]);
        free(cnt0);
        goto fail;
    }
    if (nbf < 2) {
        rc = vx_error_set(err, VX_EINVAL,
                          "combat: the samples come from %zu batch(es): harmonisation needs at least 2", nbf);
        free(cnt0);
        goto fail;
    }
    for (size_t b = 0; b < nb; b++)
        if (cnt0[b] == 1 && !opt.mean_only) {
            rc = vx_error_set(err, VX_EINVAL,
                              "combat: batch '%s' has 1 sample: its variance is undefined; merge it with another "
                              "batch, drop the sample, or use the mean-only option",
                              batch_names[b]);
            free(cnt0);
            goto fail;
        }
    f = fit_alloc(p, nbf, q);
    if (!f) {
        free(cnt0);
        goto nomem;
    }
    for (size_t b = 0; b < nb; b++)
        if (cnt0[b]) {
            f->batch_names[w.bmap[b]] = xstrdup(batch_names[b]);
            f->batch_n[w.bmap[b]] = cnt0[b];
            if (!f->batch_names[w.bmap[b]]) {
                free(cnt0);
                goto nomem;
            }
        }
    free(cnt0);
    for (size_t j = 0; j < p; j++)
        if (!(f->feature_names[j] = xstrdup(fname(feature_names, j, nbuf))))
            goto nomem;
    f->opt = opt;
    f->opt.ref_batch = opt.ref_batch >= 0 ? (int)w.bmap[opt.ref_batch] : -1;
    const int ref = f->opt.ref_batch;
    for (size_t i = 0; i < n; i++)
        w.bidx[i] = w.bmap[batch[i]];
    for (size_t b = 0; b < nbf; b++)
        w.counts[b] = f->batch_n[b];

    /* rows of each batch */
    w.rows = malloc(n * sizeof *w.rows);
    w.rowstart = calloc(nbf + 1, sizeof *w.rowstart);
    if (!w.rows || !w.rowstart)
        goto nomem;
    for (size_t b = 0; b < nbf; b++)
        w.rowstart[b + 1] = w.rowstart[b] + w.counts[b];
    {
        size_t *fill = calloc(nbf, sizeof *fill);
        if (!fill)
            goto nomem;
        for (size_t i = 0; i < n; i++) {
            size_t b = w.bidx[i];
            w.rows[w.rowstart[b] + fill[b]++] = i;
        }
        free(fill);
    }

    /* design: batch indicators (reference column all ones), then the covariate columns that are not all 1 */
    size_t *cused = malloc((q + 1) * sizeof *cused), qu = 0;
    if (!cused)
        goto nomem;
    for (size_t c = 0; c < q; c++) {
        int ones = 1;
        for (size_t i = 0; i < n && ones; i++)
            ones = cov[i * q + c] == 1.0;
        if (!ones)
            cused[qu++] = c;
    }
    const size_t k = nbf + qu;
    if (n <= k) {
        rc = vx_error_set(err, VX_EINVAL,
                          "combat: %zu samples for %zu batches + %zu covariate column(s): the pooled variance needs "
                          "more samples than design columns; use fewer covariates or more samples",
                          n, nbf, qu);
        free(cused);
        goto fail;
    }
    w.D = calloc(n * k, sizeof *w.D);
    if (!w.D) {
        free(cused);
        goto nomem;
    }
    for (size_t i = 0; i < n; i++) {
        w.D[i * k + w.bidx[i]] = 1.0;
        if (ref >= 0)
            w.D[i * k + (size_t)ref] = 1.0;
        for (size_t c = 0; c < qu; c++)
            w.D[i * k + nbf + c] = cov[i * q + cused[c]];
    }
    size_t dep = first_dependent(w.D, n, k);
    if (dep == (size_t)-1) {
        free(cused);
        goto nomem;
    }
    if (dep < k) {
        rc = vx_error_set(err, VX_EINVAL,
                          "combat: covariate column %zu is confounded: it is a linear combination of the batch "
                          "indicators and the earlier covariate columns; remove it (or the covariates it "
                          "duplicates)",
                          dep >= nbf ? cused[dep - nbf] + 1 : 0);
        free(cused);
        goto fail;
    }

    /* step 1: B = (D'D)^-1 D'X */
    w.B = malloc(k * p * sizeof *w.B);
    w.Z = malloc(n * p * sizeof *w.Z);
    w.why = calloc(p, 1);
    w.why_b = calloc(p, sizeof *w.why_b);
    if (!w.B || !w.Z || !w.why || !w.why_b) {
        free(cused);
        goto nomem;
    }
    rc = normal_solve(w.D, n, k, X, p, w.B);
    if (rc) {
        free(cused);
        if (rc == -2)
            goto nomem;
        rc = vx_error_set(err, VX_EINVAL, "combat: the design matrix is singular: remove confounded covariates");
        goto fail;
    }
    for (size_t c = 0; c < qu; c++)
        for (size_t j = 0; j < p; j++)
            f->beta[cused[c] * p + j] = w.B[(nbf + c) * p + j];
    free(cused);

    /* constant within a batch of >= 2 samples (sva) */
    for (size_t j = 0; j < p; j++)
        for (size_t b = 0; b < nbf && !w.why[j]; b++) {
            if (w.counts[b] < 2)
                continue;
            double x0 = X[w.rows[w.rowstart[b]] * p + j];
            size_t r = w.rowstart[b] + 1;
            while (r < w.rowstart[b + 1] && X[w.rows[r] * p + j] == x0)
                r++;
            if (r == w.rowstart[b + 1]) {
                w.why[j] = SKIP_CONST;
                w.why_b[j] = b;
            }
        }

    /* steps 2-4: grand mean, pooled variance, standardised data */
    for (size_t j = 0; j < p; j++) {
        double g = 0.0;
        if (ref >= 0)
            g = w.B[(size_t)ref * p + j];
        else
            for (size_t b = 0; b < nbf; b++)
                g += ((double)w.counts[b] / (double)n) * w.B[b * p + j];
        f->grand[j] = g;
    }
    {
        double *acc = calloc(p, sizeof *acc), *scale = calloc(p, sizeof *scale);
        if (!acc || !scale) {
            free(acc);
            free(scale);
            goto nomem;
        }
        for (size_t i = 0; i < n; i++) {
            if (ref >= 0 && w.bidx[i] != (size_t)ref)
                continue;
            for (size_t j = 0; j < p; j++) {
                double fitv = 0.0;
                for (size_t a = 0; a < k; a++)
                    fitv += w.D[i * k + a] * w.B[a * p + j];
                double e = X[i * p + j] - fitv;
                acc[j] += e * e;
                if (fabs(X[i * p + j]) > scale[j])
                    scale[j] = fabs(X[i * p + j]);
            }
        }
        const double nv = ref >= 0 ? (double)w.counts[ref] : (double)n;
        for (size_t j = 0; j < p; j++) {
            f->var[j] = acc[j] / nv;
            if (!w.why[j] && !(sqrt(f->var[j]) > COMBAT_TINY * scale[j])) {
                w.why[j] = SKIP_VAR;
                w.why_b[j] = 0;
            }
        }
        free(acc);
        free(scale);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            if (w.why[j] == SKIP_VAR) {
                w.Z[i * p + j] = 0.0;
                continue;
            }
            double m = f->grand[j];
            for (size_t c = 0; c < q; c++)
                m += cov[i * q + c] * f->beta[c * p + j];
            w.Z[i * p + j] = (X[i * p + j] - m) / sqrt(f->var[j]);
        }

    /* step 5: gamma^ = (Db'Db)^-1 Db'Z, delta^ = batch variances */
    w.gh = malloc(nbf * p * sizeof *w.gh);
    w.dh = malloc(nbf * p * sizeof *w.dh);
    {
        double *Db = malloc(n * nbf * sizeof *Db);
        if (!w.gh || !w.dh || !Db) {
            free(Db);
            goto nomem;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t b = 0; b < nbf; b++)
                Db[i * nbf + b] = w.D[i * k + b];
        rc = normal_solve(Db, n, nbf, w.Z, p, w.gh);
        free(Db);
        if (rc == -2)
            goto nomem;
        if (rc) {
            rc = vx_error_set(err, VX_EINVAL, "combat: the batch design is singular");
            goto fail;
        }
    }
    for (size_t b = 0; b < nbf; b++) {
        const size_t r0 = w.rowstart[b], r1 = w.rowstart[b + 1], nr = r1 - r0;
        for (size_t j = 0; j < p; j++) {
            if (opt.mean_only) {
                w.dh[b * p + j] = 1.0;
                continue;
            }
            double m = 0.0, s = 0.0;
            for (size_t r = r0; r < r1; r++)
                m += w.Z[w.rows[r] * p + j];
            m /= (double)nr;
            for (size_t r = r0; r < r1; r++) {
                double e = w.Z[w.rows[r] * p + j] - m;
                s += e * e;
            }
            w.dh[b * p + j] = s / (double)(nr - 1);
            if (!w.why[j] && !(w.dh[b * p + j] > COMBAT_TINY * COMBAT_TINY)) {
                w.why[j] = SKIP_ZCONST;
                w.why_b[j] = b;
            }
        }
    }

    /* the skipped features */
    w.keep = malloc(p * sizeof *w.keep);
    if (!w.keep)
        goto nomem;
    size_t pk = 0;
    for (size_t j = 0; j < p; j++) {
        if (w.why[j]) {
            if (!opt.skip_constant) {
                const char *bn = f->batch_names[w.why_b[j]];
                if (w.why[j] == SKIP_CONST)
                    rc = vx_error_set(err, VX_EINVAL,
                                      "combat: feature '%s' is constant in batch '%s': its batch variance is 0; "
                                      "remove the feature or allow unharmonised features",
                                      f->feature_names[j], bn);
                else if (w.why[j] == SKIP_VAR)
                    rc = vx_error_set(err, VX_EINVAL,
                                      "combat: feature '%s' is fitted exactly by batch and covariates (pooled "
                                      "variance 0); remove the feature or allow unharmonised features",
                                      f->feature_names[j]);
                else
                    rc = vx_error_set(err, VX_EINVAL,
                                      "combat: feature '%s' has constant standardised values in batch '%s' "
                                      "(the covariates explain it exactly); remove the feature or allow "
                                      "unharmonised features",
                                      f->feature_names[j], bn);
                goto fail;
            }
            f->skip[j] = 1;
            f->skipped[f->n_skipped++] = j;
        } else {
            w.keep[pk++] = j;
        }
    }

    /* step 6: gamma*, delta* */
    if (opt.eb && pk > 0) {
        if (pk < 2) {
            rc = vx_error_set(err, VX_EINVAL,
                              "combat: empirical Bayes pools the batch effects over features and needs at least 2 "
                              "harmonised features (have %zu); use eb = 0",
                              pk);
            goto fail;
        }
        w.logl = malloc(pk * sizeof *w.logl);
        if (!w.logl)
            goto nomem;
        for (size_t b = 0; b < nbf; b++) {
            const double *gh = w.gh + b * p, *dh = w.dh + b * p;
            double *gs = f->gamma + b * p, *ds = f->delta + b * p;
            const size_t *rows = w.rows + w.rowstart[b], nr = w.counts[b];
            double gbar = mean_of(gh, w.keep, pk), t2 = var_of(gh, w.keep, pk, gbar);
            double dm = mean_of(dh, w.keep, pk), s2 = var_of(dh, w.keep, pk, dm);
            if (opt.parametric) {
                if (!(t2 > 0.0) || !isfinite(t2)) {
                    rc = vx_error_set(err, VX_EINVAL,
                                      "combat: batch '%s': the batch effects of all %zu features are equal "
                                      "(prior variance 0): the parametric prior is undefined; use eb = 0",
                                      f->batch_names[b], pk);
                    goto fail;
                }
                if (opt.mean_only) {
                    for (size_t t = 0; t < pk; t++) {
                        size_t j = w.keep[t];
                        gs[j] = (t2 * gh[j] + gbar) / (t2 + 1.0);
                        ds[j] = 1.0;
                    }
                    continue;
                }
                if (!(s2 > 0.0) || !isfinite(s2)) {
                    rc = vx_error_set(err, VX_EINVAL,
                                      "combat: batch '%s': the batch variances of all %zu features are equal: the "
                                      "inverse-gamma prior is undefined; use eb = 0 or the non-parametric prior",
                                      f->batch_names[b], pk);
                    goto fail;
                }
                double a = (2.0 * s2 + dm * dm) / s2, bp = (dm * s2 + dm * dm * dm) / s2;
                int r = eb_parametric(w.Z, p, rows, nr, w.keep, pk, gh, dh, gbar, t2, a, bp, gs, ds);
                if (r) {
                    rc = vx_error_set(err, VX_EINVAL,
                                      r == -2 ? "combat: batch '%s': the parametric empirical-Bayes iteration did "
                                                "not converge in %d rounds; use eb = 0 or the non-parametric prior"
                                              : "combat: batch '%s': the parametric empirical-Bayes iteration hit a "
                                                "zero or non-finite estimate (round limit %d); use eb = 0 or the "
                                                "non-parametric prior",
                                      f->batch_names[b], COMBAT_MAXIT);
                    goto fail;
                }
            } else {
                if (eb_nonparametric(w.Z, p, rows, nr, w.keep, pk, gh, dh, gs, ds, w.logl)) {
                    rc = vx_error_set(err, VX_EINVAL,
                                      "combat: batch '%s': the non-parametric prior gave a non-finite estimate; "
                                      "use eb = 0",
                                      f->batch_names[b]);
                    goto fail;
                }
            }
        }
    } else {
        for (size_t b = 0; b < nbf; b++)
            for (size_t t = 0; t < pk; t++) {
                size_t j = w.keep[t];
                f->gamma[b * p + j] = w.gh[b * p + j];
                f->delta[b * p + j] = w.dh[b * p + j];
            }
    }
    for (size_t j = 0; j < p; j++)
        if (f->skip[j]) {
            f->grand[j] = 0.0;
            f->var[j] = 0.0;
            for (size_t c = 0; c < q; c++)
                f->beta[c * p + j] = 0.0;
            for (size_t b = 0; b < nbf; b++) {
                f->gamma[b * p + j] = 0.0;
                f->delta[b * p + j] = 1.0;
            }
        }
    if (ref >= 0)
        for (size_t j = 0; j < p; j++) {
            f->gamma[(size_t)ref * p + j] = 0.0;
            f->delta[(size_t)ref * p + j] = 1.0;
        }
    if (!(f->note = make_note(f, w.why, w.why_b)))
        goto nomem;

    /* step 7 */
    apply_rows(f, X, n, w.bidx, cov, out);
    work_free(&w);
    if (fit)
        *fit = f;
    else
        vx_combat_free(f);
    return VX_OK;

nomem:
    rc = vx_error_set(err, VX_ENOMEM, "combat: out of memory (%zu samples x %zu features)", n, p);
fail:
    work_free(&w);
    vx_combat_free(f);
    return rc;
}

/* ---- queries ------------------------------------------------------------------------------------------- */
size_t vx_combat_fit_n_features(const vx_combat_fit *f) { return f ? f->p : 0; }
size_t vx_combat_fit_n_batches(const vx_combat_fit *f) { return f ? f->nb : 0; }
size_t vx_combat_fit_n_covariates(const vx_combat_fit *f) { return f ? f->q : 0; }
const char *vx_combat_fit_batch_name(const vx_combat_fit *f, size_t b)
{
    return f && b < f->nb ? f->batch_names[b] : NULL;
}
const char *vx_combat_fit_feature_name(const vx_combat_fit *f, size_t j)
{
    return f && j < f->p ? f->feature_names[j] : NULL;
}
vx_combat_options vx_combat_fit_options(const vx_combat_fit *f)
{
    vx_combat_options o;
    vx_combat_options_default(&o);
    return f ? f->opt : o;
}
size_t vx_combat_fit_n_skipped(const vx_combat_fit *f) { return f ? f->n_skipped : 0; }
size_t vx_combat_fit_skipped(const vx_combat_fit *f, size_t k)
{
    return f && k < f->n_skipped ? f->skipped[k] : (size_t)-1;
}
const char *vx_combat_fit_note(const vx_combat_fit *f) { return f && f->note ? f->note : ""; }
double vx_combat_fit_gamma(const vx_combat_fit *f, size_t b, size_t j)
{
    return f && b < f->nb && j < f->p ? f->gamma[b * f->p + j] : NAN;
}
double vx_combat_fit_delta(const vx_combat_fit *f, size_t b, size_t j)
{
    return f && b < f->nb && j < f->p ? f->delta[b * f->p + j] : NAN;
}

/* ---- save / load ---------------------------------------------------------------------------------------- */
#define COMBAT_FORMAT "voxomics-combat"
#define COMBAT_VERSION 1

/* An array of doubles written with %.17g (cJSON's own printer may drop the last bits). */
static cJSON *num_array(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    char buf[40];
    for (size_t i = 0; a && i < n; i++) {
        snprintf(buf, sizeof buf, "%.17g", v[i]);
        cJSON *x = cJSON_CreateRaw(buf);
        if (!x || !cJSON_AddItemToArray(a, x)) {
            cJSON_Delete(x);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

static int add(cJSON *obj, const char *key, cJSON *item)
{
    if (!item)
        return -1;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return -1;
    }
    return 0;
}

int vx_combat_save(const vx_combat_fit *f, const char *path, vx_error *err)
{
    if (!f || !path)
        return vx_error_set(err, VX_EINVAL, "combat save: NULL model or path");
    const size_t p = f->p;
    cJSON *root = cJSON_CreateObject(), *opt = cJSON_CreateObject(), *batches = cJSON_CreateArray(),
          *feats = cJSON_CreateArray(), *skipped = cJSON_CreateArray(), *beta = cJSON_CreateArray();
    int bad = !root || !opt || !batches || !feats || !skipped || !beta;
    if (bad) {
        cJSON_Delete(root);
        cJSON_Delete(opt);
        cJSON_Delete(batches);
        cJSON_Delete(feats);
        cJSON_Delete(skipped);
        cJSON_Delete(beta);
        return vx_error_set(err, VX_ENOMEM, "combat save: out of memory");
    }
    bad |= add(opt, "parametric", cJSON_CreateBool(f->opt.parametric != 0));
    bad |= add(opt, "eb", cJSON_CreateBool(f->opt.eb != 0));
    bad |= add(opt, "mean_only", cJSON_CreateBool(f->opt.mean_only != 0));
    bad |= add(opt, "skip_constant", cJSON_CreateBool(f->opt.skip_constant != 0));
    bad |= add(opt, "ref_batch",
               f->opt.ref_batch >= 0 ? cJSON_CreateString(f->batch_names[f->opt.ref_batch]) : cJSON_CreateNull());
    for (size_t b = 0; b < f->nb; b++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(batches, o)) {
            cJSON_Delete(o);
            bad = 1;
            break;
        }
        bad |= add(o, "name", cJSON_CreateString(f->batch_names[b]));
        bad |= add(o, "n", cJSON_CreateNumber((double)f->batch_n[b]));
        bad |= add(o, "gamma_star", num_array(f->gamma + b * p, p)) != 0;
        bad |= add(o, "delta_star", num_array(f->delta + b * p, p)) != 0;
    }
    for (size_t j = 0; j < p && !bad; j++) {
        cJSON *s = cJSON_CreateString(f->feature_names[j]);
        if (!s || !cJSON_AddItemToArray(feats, s)) {
            cJSON_Delete(s);
            bad = 1;
        }
    }
    for (size_t k = 0; k < f->n_skipped && !bad; k++) {
        cJSON *s = cJSON_CreateNumber((double)f->skipped[k]);
        if (!s || !cJSON_AddItemToArray(skipped, s)) {
            cJSON_Delete(s);
            bad = 1;
        }
    }
    for (size_t c = 0; c < f->q && !bad; c++) {
        cJSON *a = num_array(f->beta + c * p, p);
        if (!a || !cJSON_AddItemToArray(beta, a)) {
            cJSON_Delete(a);
            bad = 1;
        }
    }
    bad |= add(root, "format", cJSON_CreateString(COMBAT_FORMAT));
    bad |= add(root, "version", cJSON_CreateNumber(COMBAT_VERSION));
    bad |= add(root, "options", opt);
    bad |= add(root, "features", feats);
    bad |= add(root, "batches", batches);
    bad |= add(root, "n_covariates", cJSON_CreateNumber((double)f->q));
    bad |= add(root, "skipped", skipped);
    bad |= add(root, "note", cJSON_CreateString(f->note ? f->note : ""));
    bad |= add(root, "grand_mean", num_array(f->grand, p));
    bad |= add(root, "var_pooled", num_array(f->var, p));
    bad |= add(root, "beta_covariates", beta);
    char *text = bad ? NULL : cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text)
        return vx_error_set(err, VX_ENOMEM, "combat save: out of memory writing the model");
    vx_outfile *of; /* atomic for files; "-", fifos, devices as streams (io.h) */
    FILE *fp = vx_outfile_open(path, &of, err);
    if (!fp) {
        free(text);
        return vx_error_prefix(err, "combat save: ");
    }
    size_t len = strlen(text);
    int ok = fwrite(text, 1, len, fp) == len && fputc('\n', fp) != EOF;
    free(text);
    if (!ok) {
        vx_outfile_abort(of);
        return vx_error_set(err, VX_EIO, "combat save: write error on '%s' (disk full?)", path);
    }
    return vx_outfile_commit(of, err) == VX_OK ? VX_OK : vx_error_prefix(err, "combat save: ");
}

/* Read n finite doubles from a JSON array. */
static int get_nums(const cJSON *a, double *v, size_t n)
{
    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
        return -1;
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a)
    {
        if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
            return -1;
        v[i++] = x->valuedouble;
    }
    return 0;
}

/* A non-negative integer-valued JSON number, or -1. */
static double get_count(const cJSON *x)
{
    if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0.0) || x->valuedouble > 1e15 ||
        x->valuedouble != floor(x->valuedouble))
        return -1.0;
    return x->valuedouble;
}

static int get_bool(const cJSON *o, const char *key, int *v)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsBool(x))
        return -1;
    *v = cJSON_IsTrue(x) ? 1 : 0;
    return 0;
}

int vx_combat_load(const char *path, vx_combat_fit **out, vx_error *err)
{
    if (!out || !path)
        return vx_error_set(err, VX_EINVAL, "combat load: NULL path or model");
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return vx_error_set(err, VX_EIO, "combat load: cannot open '%s': %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            size_t nc = cap ? 2 * cap : 1 << 20;
            char *t = realloc(text, nc + 1);
            if (!t) {
                free(text);
                fclose(fp);
                return vx_error_set(err, VX_ENOMEM, "combat load: out of memory reading '%s'", path);
            }
            text = t;
            cap = nc;
        }
        size_t got = fread(text + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    int rerr = ferror(fp);
    fclose(fp);
    if (rerr) {
        free(text);
        return vx_error_set(err, VX_EIO, "combat load: read error on '%s'", path);
    }
    text[len] = '\0';
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    if (!root)
        return vx_error_set(err, VX_EFORMAT, "combat load: '%s' is not valid JSON", path);

    const char *why = NULL;
    vx_combat_fit *f = NULL;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    const cJSON *opt = cJSON_GetObjectItemCaseSensitive(root, "options");
    const cJSON *feats = cJSON_GetObjectItemCaseSensitive(root, "features");
    const cJSON *batches = cJSON_GetObjectItemCaseSensitive(root, "batches");
    const cJSON *nq = cJSON_GetObjectItemCaseSensitive(root, "n_covariates");
    const cJSON *skipped = cJSON_GetObjectItemCaseSensitive(root, "skipped");
    const cJSON *note = cJSON_GetObjectItemCaseSensitive(root, "note");
    const cJSON *beta = cJSON_GetObjectItemCaseSensitive(root, "beta_covariates");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, COMBAT_FORMAT) != 0) {
        why = "not a voxomics ComBat model (\"format\" is not \"" COMBAT_FORMAT "\")";
        goto bad;
    }
    if (get_count(ver) != COMBAT_VERSION) {
        why = "unsupported model version (this build reads version 1)";
        goto bad;
    }
    if (!cJSON_IsObject(opt) || !cJSON_IsArray(feats) || !cJSON_IsArray(batches) || get_count(nq) < 0 ||
        !cJSON_IsArray(skipped) || !cJSON_IsString(note) || !cJSON_IsArray(beta)) {
        why = "a required member (options, features, batches, n_covariates, skipped, note, beta_covariates) is "
              "missing or of the wrong type";
        goto bad;
    }
    size_t p = (size_t)cJSON_GetArraySize(feats), nb = (size_t)cJSON_GetArraySize(batches),
           q = (size_t)get_count(nq);
    if (p < 1 || nb < 2 || (size_t)cJSON_GetArraySize(beta) != q) {
        why = "sizes are inconsistent (need >= 1 feature, >= 2 batches, one beta row per covariate)";
        goto bad;
    }
    f = fit_alloc(p, nb, q);
    if (!f) {
        cJSON_Delete(root);
        return vx_error_set(err, VX_ENOMEM, "combat load: out of memory");
    }
    vx_combat_options_default(&f->opt);
    if (get_bool(opt, "parametric", &f->opt.parametric) || get_bool(opt, "eb", &f->opt.eb) ||
        get_bool(opt, "mean_only", &f->opt.mean_only) || get_bool(opt, "skip_constant", &f->opt.skip_constant)) {
        why = "options must hold the booleans parametric, eb, mean_only, skip_constant";
        goto bad;
    }
    size_t j = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, feats)
    {
        if (!cJSON_IsString(x)) {
            why = "a feature name is not a string";
            goto bad;
        }
        if (!(f->feature_names[j++] = xstrdup(x->valuestring)))
            goto nomem;
    }
    size_t b = 0;
    cJSON_ArrayForEach(x, batches)
    {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(x, "name");
        double cnt = get_count(cJSON_GetObjectItemCaseSensitive(x, "n"));
        if (!cJSON_IsString(nm) || !nm->valuestring[0] || cnt < 1.0 ||
            get_nums(cJSON_GetObjectItemCaseSensitive(x, "gamma_star"), f->gamma + b * p, p) ||
            get_nums(cJSON_GetObjectItemCaseSensitive(x, "delta_star"), f->delta + b * p, p)) {
            why = "a batch needs a name, a sample count n >= 1 and p finite gamma_star and delta_star values";
            goto bad;
        }
        for (size_t c = 0; c < b; c++)
            if (strcmp(f->batch_names[c], nm->valuestring) == 0) {
                why = "a batch name is given twice";
                goto bad;
            }
        if (!(f->batch_names[b] = xstrdup(nm->valuestring)))
            goto nomem;
        f->batch_n[b] = (size_t)cnt;
        b++;
    }
    const cJSON *rb = cJSON_GetObjectItemCaseSensitive(opt, "ref_batch");
    f->opt.ref_batch = -1;
    if (cJSON_IsString(rb)) {
        for (b = 0; b < nb; b++)
            if (strcmp(f->batch_names[b], rb->valuestring) == 0)
                f->opt.ref_batch = (int)b;
        if (f->opt.ref_batch < 0) {
            why = "the reference batch is not one of the batches";
            goto bad;
        }
    } else if (!cJSON_IsNull(rb)) {
        why = "options.ref_batch must be a batch name or null";
        goto bad;
    }
    cJSON_ArrayForEach(x, skipped)
    {
        double v = get_count(x);
        if (v < 0.0 || v >= (double)p || (f->n_skipped && (size_t)v <= f->skipped[f->n_skipped - 1])) {
            why = "skipped must list ascending feature indices below the number of features";
            goto bad;
        }
        f->skipped[f->n_skipped++] = (size_t)v;
        f->skip[(size_t)v] = 1;
    }
    if (!(f->note = xstrdup(note->valuestring)))
        goto nomem;
    if (get_nums(cJSON_GetObjectItemCaseSensitive(root, "grand_mean"), f->grand, p) ||
        get_nums(cJSON_GetObjectItemCaseSensitive(root, "var_pooled"), f->var, p)) {
        why = "grand_mean and var_pooled must hold one finite number per feature";
        goto bad;
    }
    size_t c = 0;
    cJSON_ArrayForEach(x, beta)
    {
        if (get_nums(x, f->beta + c * p, p)) {
            why = "every beta_covariates row must hold one finite number per feature";
            goto bad;
        }
        c++;
    }
    for (j = 0; j < p; j++) {
        if (f->skip[j])
            continue;
        if (!(f->var[j] > 0.0)) {
            why = "var_pooled must be positive for every harmonised feature";
            goto bad;
        }
        for (b = 0; b < nb; b++)
            if (!(f->delta[b * p + j] > 0.0)) {
                why = "delta_star must be positive for every harmonised feature";
                goto bad;
            }
    }
    cJSON_Delete(root);
    *out = f;
    return VX_OK;

bad:
    cJSON_Delete(root);
    vx_combat_free(f);
    return vx_error_set(err, VX_EFORMAT, "combat load: '%s': %s", path, why);
nomem:
    cJSON_Delete(root);
    vx_combat_free(f);
    return vx_error_set(err, VX_ENOMEM, "combat load: out of memory reading '%s'", path);
}
