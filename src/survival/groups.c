/* voxomics: risk groups of a score split at a fixed cutoff: Kaplan-Meier per group and the log-rank test
 * (include/voxomics/survival.h: vx_risk_groups_fit).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "voxomics/survival.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "survival/surv_impl.h"

void vx_risk_groups_free(vx_risk_groups *g)
{
    if (!g)
        return;
    free(g->surv);
    free(g->n_risk);
    memset(g, 0, sizeof *g);
}

/* Group k's Kaplan-Meier curve (rows with grp == k) at the times t; its median. */
static int group_km(const double *time, const int *event, const unsigned char *in, size_t n, int k,
                    const double *t, size_t m, vx_risk_groups *g, vx_error *err)
{
    g->median[k] = NAN;
    for (size_t j = 0; j < m; j++) {
        g->surv[(size_t)k * m + j] = NAN;
        g->n_risk[(size_t)k * m + j] = 0;
    }
    if (!g->n[k])
        return VX_OK;
    vx_km km;
    memset(&km, 0, sizeof km);
    int rc = vx_km_fit(time, event, in, n, VX_KM_CI_LOG, &km, err);
    for (size_t j = 0; rc == VX_OK && j < m; j++) {
        double lo, hi;
        vx_km_at(&km, t[j], &g->surv[(size_t)k * m + j], &lo, &hi, &g->n_risk[(size_t)k * m + j]);
    }
    if (rc == VX_OK)
        g->median[k] = km.median;
    vx_km_free(&km);
    return rc;
}

int vx_risk_groups_fit(const double *score, const double *time, const int *event, size_t n, double cutoff,
                       const double *t, size_t m, vx_risk_groups *g, vx_error *err)
{
    memset(g, 0, sizeof *g);
    size_t events = 0;
    int rc = surv_check(time, event, NULL, n, "risk groups", &events, err);
    if (rc != VX_OK)
        return rc;
    if (isnan(cutoff))
        return vx_error_set(err, VX_EINVAL, "risk groups: the cutoff is NaN");
    g->cutoff = cutoff;
    g->chisq = g->p = NAN;
    int *grp = malloc((n + 1) * sizeof *grp);
    unsigned char *in = malloc(2 * n + 1);
    g->surv = malloc((2 * m + 1) * sizeof *g->surv);
    g->n_risk = malloc((2 * m + 1) * sizeof *g->n_risk);
    rc = grp && in && g->surv && g->n_risk ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < n; i++) {
        if (isnan(score[i])) {
            rc = vx_error_set(err, VX_EINVAL, "risk groups: the score of subject %zu is NaN", i + 1);
            break;
        }
        grp[i] = score[i] > cutoff;
        in[i] = grp[i] == 0;
        in[n + i] = grp[i] == 1;
        g->n[grp[i]]++;
        g->events[grp[i]] += (size_t)event[i];
    }
    for (int k = 0; rc == VX_OK && k < 2; k++)
        rc = group_km(time, event, in + (size_t)k * n, n, k, t, m, g, err);
    int df;
    if (rc == VX_OK && g->n[0] && g->n[1] && events)
        rc = vx_logrank(time, event, grp, 2, NULL, n, 0.0, &g->chisq, &df, &g->p, NULL, NULL, err);
    free(grp);
    free(in);
    return rc;
}
