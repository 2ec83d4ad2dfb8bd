/* voxomics: ComBat, step 7: applying a fit to new rows of the batches it saw. See include/voxomics/combat.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harmonize/combat_impl.h"

/* Steps 4 and 7 for n samples with fit batch indices bidx[i]. */
void vxc_apply_rows(const vx_combat_fit *f, const double *X, size_t n, const size_t *bidx, const double *cov,
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

int vxc_check_finite(const double *X, size_t n, size_t p, const double *cov, size_t q,
                        const char *const *feature_names, vx_error *err)
{
    char buf[32];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[i * p + j]))
                return vx_error_set(err, VX_ENAN,
                                    "combat: sample %zu, feature '%s' is not finite (%g): impute or drop missing "
                                    "values before harmonising",
                                    i + 1, vxc_fname(feature_names, j, buf), X[i * p + j]);
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
    int rc = vxc_check_finite(X, n, fit->p, cov, fit->q, (const char *const *)fit->feature_names, err);
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
            vxc_batch_list(fit->batch_names, fit->nb, list, sizeof list);
            free(bidx);
            return vx_error_set(err, VX_EINVAL,
                                "combat: batch '%s' was not in the fit (batches: %s); sample %zu: refit with "
                                "that batch in the training data or drop the sample",
                                batch[i] ? batch[i] : "(null)", list, i + 1);
        }
        bidx[i] = b;
    }
    vxc_apply_rows(fit, X, n, bidx, cov, out);
    free(bidx);
    return VX_OK;
}
