/* voxomics: ComBat harmonisation (see include/voxomics/combat.h for the model, the formulas and the
 * references). Written from the published method (Johnson, Li & Rabinovic 2007) and the documented behaviour
 * of R sva::ComBat / neuroCombat: pooled variance with 1/n, batch-size-weighted grand mean, EB iteration to a
 * relative change of 1e-4, non-parametric prior over the other features' estimates.
 *
 * The steps live in this folder: design.c (batches, design matrix), fit.c (steps 1-5), eb.c (step 6, empirical
 * Bayes), apply.c (step 7), io.c (save and load); this file holds the fit's life cycle and runs the steps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harmonize/combat_impl.h"

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
char *vxc_xstrdup(const char *s)
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
vx_combat_fit *vxc_fit_alloc(size_t p, size_t nb, size_t q)
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
const char *vxc_fname(const char *const *names, size_t j, char buf[32])
{
    if (names && names[j])
        return names[j];
    snprintf(buf, 32, "feature %zu", j + 1);
    return buf;
}

/* "A, B, C" into buf (truncated with "..." when long). */
void vxc_batch_list(char *const *names, size_t nb, char *buf, size_t cap)
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

/* The note naming the skipped features (at most 10 by name). */
char *vxc_make_note(const vx_combat_fit *f, const unsigned char *why, const size_t *why_b)
{
    if (f->n_skipped == 0)
        return vxc_xstrdup("");
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

int vxc_nomem(const combat_work *w, vx_error *err)
{
    return vx_error_set(err, VX_ENOMEM, "combat: out of memory (%zu samples x %zu features)", w->n, w->p);
}

static void work_free(combat_work *w)
{
    free(w->cnt0);
    free(w->bmap);
    free(w->bidx);
    free(w->counts);
    free(w->rows);
    free(w->rowstart);
    free(w->keep);
    free(w->cused);
    free(w->why);
    free(w->why_b);
    free(w->D);
    free(w->B);
    free(w->Z);
    free(w->gh);
    free(w->dh);
    free(w->logl);
}

/* ---- fit ------------------------------------------------------------------------------------------------ */
/* The arguments of vx_combat_fit_apply: pointers, sizes, the reference batch, batch names and indices, and
 * finite data. */
static int check_args(const double *X, size_t n, size_t p, const int *batch, const char *const *batch_names,
                      size_t nb, const double *cov, size_t q, const char *const *feature_names,
                      const vx_combat_options *opt, const double *out, vx_error *err)
{
    if (!X || !out || !batch || !batch_names || (q > 0 && !cov))
        return vx_error_set(err, VX_EINVAL, "combat: NULL data, output, batch, batch names or covariates");
    if (n < 2 || p < 1 || nb < 1)
        return vx_error_set(err, VX_EINVAL, "combat: need at least 2 samples, 1 feature and 2 batches (have %zu, "
                                            "%zu, %zu)",
                            n, p, nb);
    if (opt->ref_batch < -1 || (opt->ref_batch >= 0 && (size_t)opt->ref_batch >= nb))
        return vx_error_set(err, VX_EINVAL, "combat: reference batch index %d is outside 0..%zu", opt->ref_batch,
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
    return vxc_check_finite(X, n, p, cov, q, feature_names, err);
}

/* The fit of features left unharmonised is the identity (gamma 0, delta 1, no location or scale), as is the
 * reference batch's; then the note naming the skipped features. */
static int finish(combat_work *w, vx_error *err)
{
    vx_combat_fit *f = w->f;
    const size_t p = w->p;
    for (size_t j = 0; j < p; j++)
        if (f->skip[j]) {
            f->grand[j] = 0.0;
            f->var[j] = 0.0;
            for (size_t c = 0; c < w->q; c++)
                f->beta[c * p + j] = 0.0;
            for (size_t b = 0; b < w->nbf; b++) {
                f->gamma[b * p + j] = 0.0;
                f->delta[b * p + j] = 1.0;
            }
        }
    if (w->ref >= 0)
        for (size_t j = 0; j < p; j++) {
            f->gamma[(size_t)w->ref * p + j] = 0.0;
            f->delta[(size_t)w->ref * p + j] = 1.0;
        }
    if (!(f->note = vxc_make_note(f, w->why, w->why_b)))
        return vxc_nomem(w, err);
    return VX_OK;
}

int vx_combat_fit_apply(const double *X, size_t n, size_t p, const int *batch, const char *const *batch_names,
                        size_t nb, const double *cov, size_t q, const char *const *feature_names,
                        const vx_combat_options *o, double *out, vx_combat_fit **fit, vx_error *err)
{
    vx_combat_options opt;
    if (fit)
        *fit = NULL;
    if (o)
        opt = *o;
    else
        vx_combat_options_default(&opt);
    int rc = check_args(X, n, p, batch, batch_names, nb, cov, q, feature_names, &opt, out, err);
    if (rc)
        return rc;
    combat_work w;
    memset(&w, 0, sizeof w);
    w.X = X;
    w.cov = cov;
    w.n = n;
    w.p = p;
    w.q = q;
    w.nb = nb;
    w.batch = batch;
    w.batch_names = batch_names;
    w.feature_names = feature_names;
    w.opt = opt;
    w.ref = -1;
    if ((rc = vxc_batches(&w, err)) || (rc = vxc_design(&w, err)) || (rc = vxc_standardise(&w, err)) ||
        (rc = vxc_batch_effects(&w, err)) || (rc = vxc_skipped(&w, err)) || (rc = vxc_empirical_bayes(&w, err)) ||
        (rc = finish(&w, err))) {
        work_free(&w);
        vx_combat_free(w.f);
        return rc;
    }
    vxc_apply_rows(w.f, X, n, w.bidx, cov, out); /* step 7 */
    work_free(&w);
    if (fit)
        *fit = w.f;
    else
        vx_combat_free(w.f);
    return VX_OK;
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
