/* voxomics: minimum-redundancy maximum-relevance (mRMR) feature selection. See include/voxomics/select.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/select/select_impl.h"

/* ---- 4. mRMR -------------------------------------------------------------------------------------------------- */
static double mutual_info(const int *a, size_t na, const int *b, size_t nb, size_t n, double *tab)
{
    memset(tab, 0, (na * nb + na + nb) * sizeof *tab);
    double *ca = tab + na * nb, *cb = ca + na;
    for (size_t i = 0; i < n; i++) {
        tab[(size_t)a[i] * nb + (size_t)b[i]] += 1.0;
        ca[a[i]] += 1.0;
        cb[b[i]] += 1.0;
    }
    double s = 0.0, dn = (double)n;
    for (size_t u = 0; u < na; u++)
        for (size_t v = 0; v < nb; v++) {
            double c = tab[u * nb + v];
            if (c > 0.0)
                s += c / dn * log(c * dn / (ca[u] * cb[v]));
        }
    return s;
}

int vx_mrmr(const double *X, size_t n, size_t p, const int *y, size_t k, int miq, size_t nbins, size_t *idx,
            double *score, vx_error *err)
{
    const char *who = miq ? "mRMR (MIQ)" : "mRMR (MID)";
    int rc = vxs_check_matrix(who, X, n, p, 2, err);
    if (rc)
        return rc;
    size_t n1 = 0;
    if ((rc = vxs_check_labels(who, y, n, &n1, err)))
        return rc;
    if (nbins == 0)
        nbins = 5;
    if (nbins < 2 || nbins > n)
        return vx_error_set(err, VX_EINVAL, "%s: %zu bins for %zu samples: use 2..n bins (0 = default 5)", who,
                            nbins, n);
    if (k == 0 || !idx)
        return vx_error_set(err, VX_EINVAL, "%s: k must be >= 1 and idx not NULL", who);
    if (k > p)
        k = p;
    int *bin = malloc(n * p * sizeof *bin);
    vkey *buf = malloc(n * sizeof *buf);
    double *tab = malloc((nbins * nbins + 2 * nbins + 4) * sizeof *tab);
    double *rel = malloc(p * sizeof *rel), *red = calloc(p, sizeof *red);
    unsigned char *used = calloc(p, 1);
    if (!bin || !buf || !tab || !rel || !red || !used) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", who);
        goto done;
    }
    for (size_t j = 0; j < p; j++) {
        for (size_t i = 0; i < n; i++) {
            buf[i].v = X[i * p + j];
            buf[i].j = i;
        }
        qsort(buf, n, sizeof *buf, vxs_cmp_vkey_asc);
        for (size_t s = 0; s < n;) {
            size_t e = s + 1;
            while (e < n && buf[e].v == buf[s].v)
                e++;
            int b = (int)(nbins * s / n); /* s = number of samples with a smaller value */
            for (size_t q = s; q < e; q++)
                bin[j * n + buf[q].j] = b;
            s = e;
        }
    }
    for (size_t j = 0; j < p; j++)
        rel[j] = mutual_info(bin + j * n, nbins, y, 2, n, tab);
    for (size_t m = 0; m < k; m++) {
        size_t best = SIZE_MAX;
        double bs = -INFINITY;
        for (size_t j = 0; j < p; j++) {
            if (used[j])
                continue;
            double s;
            if (m == 0)
                s = rel[j];
            else {
                double d = red[j] / (double)m;
                s = miq ? rel[j] / (d + 1e-4) : rel[j] - d;
            }
            if (best == SIZE_MAX || s > bs) {
                best = j;
                bs = s;
            }
        }
        used[best] = 1;
        idx[m] = best;
        if (score)
            score[m] = bs;
        if (m + 1 < k)
            for (size_t j = 0; j < p; j++)
                if (!used[j])
                    red[j] += mutual_info(bin + j * n, nbins, bin + best * n, nbins, n, tab);
    }
    rc = VX_OK;
done:
    free(bin);
    free(buf);
    free(tab);
    free(rel);
    free(red);
    free(used);
    return rc;
}
