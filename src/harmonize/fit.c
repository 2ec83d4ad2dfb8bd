/* voxomics: ComBat, the fit steps 1-5 (Johnson, Li & Rabinovic 2007): covariate coefficients, grand mean, pooled
 * variance, standardised data, the naive batch effects gamma^ and delta^, and the features left unharmonised.
 * See include/voxomics/combat.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harmonize/combat_impl.h"

/* Step 1: B = (D'D)^-1 D'X; the fit keeps the covariate rows of B. */
static int coefficients(combat_work *w, vx_error *err)
{
    const size_t n = w->n, p = w->p, k = w->k;
    vx_combat_fit *f = w->f;
    w->B = malloc(k * p * sizeof *w->B);
    w->Z = malloc(n * p * sizeof *w->Z);
    w->why = calloc(p, 1);
    w->why_b = calloc(p, sizeof *w->why_b);
    if (!w->B || !w->Z || !w->why || !w->why_b)
        return vxc_nomem(w, err);
    int rc = vxc_normal_solve(w->D, n, k, w->X, p, w->B);
    if (rc) {
        if (rc == -2)
            return vxc_nomem(w, err);
        return vx_error_set(err, VX_EINVAL, "combat: the design matrix is singular: remove confounded covariates");
    }
    for (size_t c = 0; c < w->qu; c++)
        for (size_t j = 0; j < p; j++)
            f->beta[w->cused[c] * p + j] = w->B[(w->nbf + c) * p + j];
    return VX_OK;
}

/* Features constant within a batch of >= 2 samples (sva): SKIP_CONST. */
static void constant_in_batch(combat_work *w)
{
    const size_t p = w->p;
    for (size_t j = 0; j < p; j++)
        for (size_t b = 0; b < w->nbf && !w->why[j]; b++) {
            if (w->counts[b] < 2)
                continue;
            double x0 = w->X[w->rows[w->rowstart[b]] * p + j];
            size_t r = w->rowstart[b] + 1;
            while (r < w->rowstart[b + 1] && w->X[w->rows[r] * p + j] == x0)
                r++;
            if (r == w->rowstart[b + 1]) {
                w->why[j] = SKIP_CONST;
                w->why_b[j] = b;
            }
        }
}

/* Step 2: the grand mean alpha_j (the reference batch's, or batch-size weighted). */
static void grand_mean(combat_work *w)
{
    const size_t n = w->n, p = w->p;
    for (size_t j = 0; j < p; j++) {
        double g = 0.0;
        if (w->ref >= 0)
            g = w->B[(size_t)w->ref * p + j];
        else
            for (size_t b = 0; b < w->nbf; b++)
                g += ((double)w->counts[b] / (double)n) * w->B[b * p + j];
        w->f->grand[j] = g;
    }
}

/* Step 3: the pooled variance (1/n, over the reference batch when there is one); a feature whose residual sd is
 * negligible against its largest |value| is SKIP_VAR. */
static int pooled_variance(combat_work *w, vx_error *err)
{
    const size_t n = w->n, p = w->p, k = w->k;
    const int ref = w->ref;
    vx_combat_fit *f = w->f;
    double *acc = calloc(p, sizeof *acc), *scale = calloc(p, sizeof *scale);
    if (!acc || !scale) {
        free(acc);
        free(scale);
        return vxc_nomem(w, err);
    }
    for (size_t i = 0; i < n; i++) {
        if (ref >= 0 && w->bidx[i] != (size_t)ref)
            continue;
        for (size_t j = 0; j < p; j++) {
            double fitv = 0.0;
            for (size_t a = 0; a < k; a++)
                fitv += w->D[i * k + a] * w->B[a * p + j];
            double e = w->X[i * p + j] - fitv;
            acc[j] += e * e;
            if (fabs(w->X[i * p + j]) > scale[j])
                scale[j] = fabs(w->X[i * p + j]);
        }
    }
    const double nv = ref >= 0 ? (double)w->counts[ref] : (double)n;
    for (size_t j = 0; j < p; j++) {
        f->var[j] = acc[j] / nv;
        if (!w->why[j] && !(sqrt(f->var[j]) > COMBAT_TINY * scale[j])) {
            w->why[j] = SKIP_VAR;
            w->why_b[j] = 0;
        }
    }
    free(acc);
    free(scale);
    return VX_OK;
}

/* Step 4: Z = (X - alpha - C beta) / sqrt(s2) (0 for SKIP_VAR features). */
static void standardised_data(combat_work *w)
{
    const size_t n = w->n, p = w->p, q = w->q;
    const vx_combat_fit *f = w->f;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            if (w->why[j] == SKIP_VAR) {
                w->Z[i * p + j] = 0.0;
                continue;
            }
            double m = f->grand[j];
            for (size_t c = 0; c < q; c++)
                m += w->cov[i * q + c] * f->beta[c * p + j];
            w->Z[i * p + j] = (w->X[i * p + j] - m) / sqrt(f->var[j]);
        }
}

/* Steps 1-4. */
int vxc_standardise(combat_work *w, vx_error *err)
{
    int rc = coefficients(w, err);
    if (rc)
        return rc;
    constant_in_batch(w);
    grand_mean(w);
    if ((rc = pooled_variance(w, err)))
        return rc;
    standardised_data(w);
    return VX_OK;
}

/* Step 5: gamma^ = (Db'Db)^-1 Db'Z, delta^ = batch variances of Z (1 when mean-only); a feature whose
 * standardised values are constant in a batch is SKIP_ZCONST. */
int vxc_batch_effects(combat_work *w, vx_error *err)
{
    const size_t n = w->n, p = w->p, k = w->k, nbf = w->nbf;
    w->gh = malloc(nbf * p * sizeof *w->gh);
    w->dh = malloc(nbf * p * sizeof *w->dh);
    double *Db = malloc(n * nbf * sizeof *Db);
    if (!w->gh || !w->dh || !Db) {
        free(Db);
        return vxc_nomem(w, err);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t b = 0; b < nbf; b++)
            Db[i * nbf + b] = w->D[i * k + b];
    int rc = vxc_normal_solve(Db, n, nbf, w->Z, p, w->gh);
    free(Db);
    if (rc == -2)
        return vxc_nomem(w, err);
    if (rc)
        return vx_error_set(err, VX_EINVAL, "combat: the batch design is singular");
    for (size_t b = 0; b < nbf; b++) {
        const size_t r0 = w->rowstart[b], r1 = w->rowstart[b + 1], nr = r1 - r0;
        for (size_t j = 0; j < p; j++) {
            if (w->opt.mean_only) {
                w->dh[b * p + j] = 1.0;
                continue;
            }
            double m = 0.0, s = 0.0;
            for (size_t r = r0; r < r1; r++)
                m += w->Z[w->rows[r] * p + j];
            m /= (double)nr;
            for (size_t r = r0; r < r1; r++) {
                double e = w->Z[w->rows[r] * p + j] - m;
                s += e * e;
            }
            w->dh[b * p + j] = s / (double)(nr - 1);
            if (!w->why[j] && !(w->dh[b * p + j] > COMBAT_TINY * COMBAT_TINY)) {
                w->why[j] = SKIP_ZCONST;
                w->why_b[j] = b;
            }
        }
    }
    return VX_OK;
}

/* The message refusing a feature that cannot be harmonised (skip_constant off). */
static int refuse_feature(const combat_work *w, size_t j, vx_error *err)
{
    const vx_combat_fit *f = w->f;
    const char *bn = f->batch_names[w->why_b[j]];
    if (w->why[j] == SKIP_CONST)
        return vx_error_set(err, VX_EINVAL,
                            "combat: feature '%s' is constant in batch '%s': its batch variance is 0; "
                            "remove the feature or allow unharmonised features",
                            f->feature_names[j], bn);
    if (w->why[j] == SKIP_VAR)
        return vx_error_set(err, VX_EINVAL,
                            "combat: feature '%s' is fitted exactly by batch and covariates (pooled "
                            "variance 0); remove the feature or allow unharmonised features",
                            f->feature_names[j]);
    return vx_error_set(err, VX_EINVAL,
                        "combat: feature '%s' has constant standardised values in batch '%s' "
                        "(the covariates explain it exactly); remove the feature or allow "
                        "unharmonised features",
                        f->feature_names[j], bn);
}

/* The features left unharmonised (fit->skipped) or, with skip_constant off, the first one refused; the others
 * are keep[0..pk-1]. */
int vxc_skipped(combat_work *w, vx_error *err)
{
    vx_combat_fit *f = w->f;
    w->keep = malloc(w->p * sizeof *w->keep);
    if (!w->keep)
        return vxc_nomem(w, err);
    w->pk = 0;
    for (size_t j = 0; j < w->p; j++) {
        if (w->why[j]) {
            if (!w->opt.skip_constant)
                return refuse_feature(w, j, err);
            f->skip[j] = 1;
            f->skipped[f->n_skipped++] = j;
        } else {
            w->keep[w->pk++] = j;
        }
    }
    return VX_OK;
}
