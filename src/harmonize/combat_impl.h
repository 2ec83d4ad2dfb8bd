/* voxomics: what the steps of ComBat (src/harmonize) share: the fitted model, the working state of a fit, and
 * one function per documented step. Internal to libvoxomics (not installed).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_HARMONIZE_COMBAT_IMPL_H
#define VX_HARMONIZE_COMBAT_IMPL_H

#include <float.h>
#include <stddef.h>

#include "voxomics/combat.h"

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

/* Why a feature is left unharmonised. */
enum { SKIP_NONE = 0, SKIP_CONST, SKIP_VAR, SKIP_ZCONST };

/* The working state of one fit (vx_combat_fit_apply): the inputs, the fit being built, and scratch arrays. */
typedef struct combat_work {
    const double *X, *cov;          /* n x p data, n x q covariates */
    size_t n, p, q, nb;             /* nb: batches named by the caller */
    const int *batch;               /* n caller batch indices */
    const char *const *batch_names; /* nb */
    const char *const *feature_names;
    vx_combat_options opt;
    vx_combat_fit *f;               /* the fit being built */
    size_t nbf;                     /* non-empty batches (the fit's) */
    int ref;                        /* the reference batch of the fit, or -1 */
    size_t k, qu;                   /* design columns: nbf batch indicators + qu used covariates */
    size_t pk;                      /* harmonised features (keep[0..pk-1]) */
    size_t *cnt0;                   /* nb: samples per caller batch */
    size_t *bmap;                   /* nb: caller batch -> fit batch, (size_t)-1 for empty ones */
    size_t *bidx, *counts, *rows, *rowstart, *keep, *cused;
    unsigned char *why;             /* p: SKIP_* */
    size_t *why_b;                  /* p: the batch a skip reason names */
    double *D, *B, *Z, *gh, *dh, *logl;
} combat_work;

/* Set VX_ENOMEM with the message of a fit ("out of memory (n samples x p features)"); returns VX_ENOMEM. */
int vxc_nomem(const combat_work *w, vx_error *err);

/* combat.c: helpers */
char *vxc_xstrdup(const char *s);
vx_combat_fit *vxc_fit_alloc(size_t p, size_t nb, size_t q); /* every array allocated, zeroed; names unset */
const char *vxc_fname(const char *const *names, size_t j, char buf[32]);
void vxc_batch_list(char *const *names, size_t nb, char *buf, size_t cap);
char *vxc_make_note(const vx_combat_fit *f, const unsigned char *why, const size_t *why_b);

/* design.c: the batches of the fit and the design matrix (batch indicators, covariates), with its rank test */
int vxc_normal_solve(const double *D, size_t n, size_t k, const double *Y, size_t m, double *C);
size_t vxc_first_dependent(const double *D, size_t n, size_t k);
int vxc_batches(combat_work *w, vx_error *err);
int vxc_design(combat_work *w, vx_error *err);

/* fit.c: steps 1-5: covariate coefficients, grand mean, pooled variance, standardised data, batch effects
 * gamma^ and delta^, and the features left unharmonised */
int vxc_standardise(combat_work *w, vx_error *err);
int vxc_batch_effects(combat_work *w, vx_error *err);
int vxc_skipped(combat_work *w, vx_error *err);

/* eb.c: step 6: gamma* and delta* (empirical Bayes, parametric or not, or the naive estimates) */
int vxc_empirical_bayes(combat_work *w, vx_error *err);

/* apply.c: steps 4 and 7 for rows with fit batch indices bidx */
void vxc_apply_rows(const vx_combat_fit *f, const double *X, size_t n, const size_t *bidx, const double *cov,
                    double *out);
int vxc_check_finite(const double *X, size_t n, size_t p, const double *cov, size_t q,
                     const char *const *feature_names, vx_error *err);

#endif
