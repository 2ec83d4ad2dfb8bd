/* voxomics: ComBat, step 6: the empirical-Bayes batch effects gamma* and delta* (parametric: sva it.sol;
 * non-parametric: sva int.eprior). See include/voxomics/combat.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vx_math.h"
#include "harmonize/combat_impl.h"

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


/* Parametric EB for batch b: the normal prior of gamma and the inverse-gamma prior of delta from the method of
 * moments over the kept features, then the iteration. */
static int eb_batch_parametric(combat_work *w, size_t b, vx_error *err)
{
    const size_t p = w->p, pk = w->pk;
    vx_combat_fit *f = w->f;
    const double *gh = w->gh + b * p, *dh = w->dh + b * p;
    double *gs = f->gamma + b * p, *ds = f->delta + b * p;
    const size_t *rows = w->rows + w->rowstart[b], nr = w->counts[b];
    double gbar = mean_of(gh, w->keep, pk), t2 = var_of(gh, w->keep, pk, gbar);
    double dm = mean_of(dh, w->keep, pk), s2 = var_of(dh, w->keep, pk, dm);
    if (!(t2 > 0.0) || !isfinite(t2))
        return vx_error_set(err, VX_EINVAL,
                            "combat: batch '%s': the batch effects of all %zu features are equal "
                            "(prior variance 0): the parametric prior is undefined; use eb = 0",
                            f->batch_names[b], pk);
    if (w->opt.mean_only) {
        for (size_t t = 0; t < pk; t++) {
            size_t j = w->keep[t];
            gs[j] = (t2 * gh[j] + gbar) / (t2 + 1.0);
            ds[j] = 1.0;
        }
        return VX_OK;
    }
    if (!(s2 > 0.0) || !isfinite(s2))
        return vx_error_set(err, VX_EINVAL,
                            "combat: batch '%s': the batch variances of all %zu features are equal: the "
                            "inverse-gamma prior is undefined; use eb = 0 or the non-parametric prior",
                            f->batch_names[b], pk);
    double a = (2.0 * s2 + dm * dm) / s2, bp = (dm * s2 + dm * dm * dm) / s2;
    int r = eb_parametric(w->Z, p, rows, nr, w->keep, pk, gh, dh, gbar, t2, a, bp, gs, ds);
    if (r)
        return vx_error_set(err, VX_EINVAL,
                            r == -2 ? "combat: batch '%s': the parametric empirical-Bayes iteration did "
                                      "not converge in %d rounds; use eb = 0 or the non-parametric prior"
                                    : "combat: batch '%s': the parametric empirical-Bayes iteration hit a "
                                      "zero or non-finite estimate (round limit %d); use eb = 0 or the "
                                      "non-parametric prior",
                            f->batch_names[b], COMBAT_MAXIT);
    return VX_OK;
}

/* Step 6: gamma* and delta* of every batch over the kept features: empirical Bayes (parametric or not), or the
 * naive estimates without EB. */
int vxc_empirical_bayes(combat_work *w, vx_error *err)
{
    const size_t p = w->p, pk = w->pk, nbf = w->nbf;
    vx_combat_fit *f = w->f;
    if (!(w->opt.eb && pk > 0)) {
        for (size_t b = 0; b < nbf; b++)
            for (size_t t = 0; t < pk; t++) {
                size_t j = w->keep[t];
                f->gamma[b * p + j] = w->gh[b * p + j];
                f->delta[b * p + j] = w->dh[b * p + j];
            }
        return VX_OK;
    }
    if (pk < 2)
        return vx_error_set(err, VX_EINVAL,
                            "combat: empirical Bayes pools the batch effects over features and needs at least 2 "
                            "harmonised features (have %zu); use eb = 0",
                            pk);
    w->logl = malloc(pk * sizeof *w->logl);
    if (!w->logl)
        return vxc_nomem(w, err);
    for (size_t b = 0; b < nbf; b++) {
        int rc;
        if (w->opt.parametric) {
            if ((rc = eb_batch_parametric(w, b, err)))
                return rc;
        } else if (eb_nonparametric(w->Z, p, w->rows + w->rowstart[b], w->counts[b], w->keep, pk, w->gh + b * p,
                                    w->dh + b * p, f->gamma + b * p, f->delta + b * p, w->logl)) {
            return vx_error_set(err, VX_EINVAL,
                                "combat: batch '%s': the non-parametric prior gave a non-finite estimate; "
                                "use eb = 0",
                                f->batch_names[b]);
        }
    }
    return VX_OK;
}
