/* voxomics: feature selection by variance and by greedy pairwise correlation. See include/voxomics/select.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/select/select_impl.h"

/* ---- 1. variance filter ------------------------------------------------------------------------------------- */
int vx_select_variance(const double *X, size_t n, size_t p, double thr, size_t *idx, size_t *k, double *var,
                       vx_error *err)
{
    const char *who = "variance filter";
    int rc = vxs_check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    if (!idx || !k)
        return vx_error_set(err, VX_EINVAL, "%s: idx and k must not be NULL", who);
    if (!(thr >= 0.0))
        return vx_error_set(err, VX_EINVAL, "%s: threshold %g must be a number >= 0", who, thr);
    size_t c = 0;
    for (size_t j = 0; j < p; j++) {
        double m = vxs_col_mean(X, n, p, j), s = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = X[i * p + j] - m;
            s += d * d;
        }
        s /= (double)(n - 1);
        if (var)
            var[j] = s;
        if (s > thr)
            idx[c++] = j;
    }
    *k = c;
    return VX_OK;
}

/* ---- 2. greedy correlation filter ----------------------------------------------------------------------------- */
int vx_select_correlation(const double *X, size_t n, size_t p, double thr, const size_t *order, size_t *idx,
                          size_t *k, vx_error *err)
{
    const char *who = "correlation filter";
    int rc = vxs_check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    if (!idx || !k)
        return vx_error_set(err, VX_EINVAL, "%s: idx and k must not be NULL", who);
    if (!(thr >= 0.0 && thr <= 1.0))
        return vx_error_set(err, VX_EINVAL, "%s: threshold %g must lie in [0, 1] (it bounds |Pearson r|)", who,
                            thr);
    double *c = malloc(n * p * sizeof *c); /* centred columns, column-major */
    double *ss = malloc(p * sizeof *ss);
    vkey *vk = malloc(p * sizeof *vk);
    size_t *vis = malloc(p * sizeof *vis);
    unsigned char *seen = calloc(p, 1);
    if (!c || !ss || !vk || !vis || !seen) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu x %zu values", who, n, p);
        goto done;
    }
    for (size_t j = 0; j < p; j++) {
        double m = vxs_col_mean(X, n, p, j), s = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = X[i * p + j] - m;
            c[j * n + i] = d;
            s += d * d;
        }
        ss[j] = s;
        if (!(s > 0.0)) {
            rc = vx_error_set(err, VX_EINVAL,
                              "%s: feature %zu is constant, its Pearson correlation is undefined: remove it first "
                              "(variance filter)",
                              who, j);
            goto done;
        }
        vk[j].v = s;
        vk[j].j = j;
    }
    if (order) {
        for (size_t t = 0; t < p; t++) {
            if (order[t] >= p || seen[order[t]]) {
                rc = vx_error_set(err, VX_EINVAL,
                                  "%s: order[%zu] = %zu: the order must be a permutation of 0..%zu (out of range "
                                  "or repeated)",
                                  who, t, order[t], p - 1);
                goto done;
            }
            seen[order[t]] = 1;
            vis[t] = order[t];
        }
    } else {
        qsort(vk, p, sizeof *vk, vxs_cmp_vkey_desc);
        for (size_t t = 0; t < p; t++)
            vis[t] = vk[t].j;
    }
    size_t nk = 0;
    for (size_t t = 0; t < p; t++) {
        size_t j = vis[t];
        int keep = 1;
        for (size_t q = 0; q < nk && keep; q++) {
            size_t l = idx[q];
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += c[j * n + i] * c[l * n + i];
            double r = s / sqrt(ss[j] * ss[l]);
            if (fabs(r) > thr)
                keep = 0;
        }
        if (keep)
            idx[nk++] = j;
    }
    *k = nk;
    rc = VX_OK;
done:
    free(c);
    free(ss);
    free(vk);
    free(vis);
    free(seen);
    return rc;
}
