/* voxomics: survival metrics (Uno's C, time-dependent AUC, Brier scores) and lambda of a penalised Cox path by
 * cross-validation.  TEMPORARY STUBS: the declared API, implemented by the survival-metrics work of issue 16.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "voxomics/survival.h"

static int todo(vx_error *err, const char *what)
{
    return vx_error_set(err, VX_EUNSUPPORTED, "%s: not implemented yet", what);
}

int vx_concordance_uno(const double *score, const double *time, const int *event, size_t n, double tau, double *c,
                       vx_error *err)
{
    (void)score, (void)time, (void)event, (void)n, (void)tau, (void)c;
    return todo(err, "vx_concordance_uno");
}

int vx_td_auc(const double *score, const double *time, const int *event, size_t n, const double *t, size_t m,
              double *auc, vx_error *err)
{
    (void)score, (void)time, (void)event, (void)n, (void)t, (void)m, (void)auc;
    return todo(err, "vx_td_auc");
}

int vx_brier(const double *S, const double *time, const int *event, size_t n, const double *t, size_t m, double *bs,
             vx_error *err)
{
    (void)S, (void)time, (void)event, (void)n, (void)t, (void)m, (void)bs;
    return todo(err, "vx_brier");
}

int vx_brier_integrated(const double *S, const double *time, const int *event, size_t n, const double *t, size_t m,
                        double *ibs, vx_error *err)
{
    (void)S, (void)time, (void)event, (void)n, (void)t, (void)m, (void)ibs;
    return todo(err, "vx_brier_integrated");
}
