/* One-pair tests: vx_cor_test and vx_group_test (definitions in voxomics/omics.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>

#include "omics_internal.h"

int vx_cor_test(vx_cor_method m, const double *x, const double *y, size_t n, double *rho, double *p,
                size_t *n_used, vx_error *err)
{
    double *buf = malloc((4 * n + 1) * sizeof *buf);
    void *w = malloc(omics_rank_work(n));
    if (!buf || !w) {
        free(buf);
        free(w);
        return vx_error_set(err, VX_ENOMEM, "out of memory (correlation of %zu pairs)", n);
    }
    double *a = buf, *b = a + n, *ra = b + n, *rb = ra + n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && !isnan(y[i]))
            a[k] = x[i], b[k] = y[i], k++;
    *n_used = k;
    *rho = *p = NAN;
    if (k >= 3 && m == VX_COR_KENDALL)
        omics_kendall(a, b, k, ra, rho, p);
    else if (k >= 3) {
        if (m == VX_COR_SPEARMAN) {
            omics_rank_buf(a, k, ra, w);
            omics_rank_buf(b, k, rb, w);
            a = ra, b = rb;
        }
        if (omics_standardise(a, k) && omics_standardise(b, k)) {
            double r = 0.0;
            for (size_t i = 0; i < k; i++)
                r += a[i] * b[i];
            *rho = r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
            *p = omics_cor_p(*rho, k);
        }
    }
    free(buf);
    free(w);
    return VX_OK;
}

/* Mann-Whitney of the two groups (g 0 and 1) or Kruskal-Wallis of the k groups, on the ranks r of v */
static void group_stats(const double *r, const int *g, size_t n, int k, double ties, const size_t *cnt,
                        double *stat, double *rho, double *p)
{
    const double dn = (double)n;
    if (k == 2) {
        const double n1 = (double)cnt[0], n2 = (double)cnt[1];
        double rs = 0.0;
        for (size_t i = 0; i < n; i++)
            if (g[i] == 0)
                rs += r[i];
        const double W = rs - n1 * (n1 + 1.0) / 2.0, z0 = W - n1 * n2 / 2.0;
        const double sigma = sqrt(n1 * n2 / 12.0 * ((dn + 1.0) - ties / (dn * (dn - 1.0))));
        const double z = (z0 - (z0 > 0 ? 0.5 : z0 < 0 ? -0.5 : 0.0)) / sigma;
        *stat = W;
        *rho = 1.0 - 2.0 * W / (n1 * n2);
        *p = sigma > 0.0 ? fmin(1.0, 2.0 * vx_norm_upper(fabs(z))) : NAN;
        return;
    }
    double s = 0.0;
    for (int j = 0; j < k; j++) {
        double rj = 0.0;
        for (size_t i = 0; i < n; i++)
            if (g[i] == j)
                rj += r[i];
        s += rj * rj / (double)cnt[j];
    }
    const double corr = 1.0 - ties / (dn * dn * dn - dn);
    const double H = (12.0 / (dn * (dn + 1.0)) * s - 3.0 * (dn + 1.0)) / corr;
    *stat = H;
    *rho = NAN;
    *p = corr > 0.0 ? vx_chisq_upper(H, (double)(k - 1)) : NAN;
}

int vx_group_test(const double *x, const int *g, size_t n, int k, double *stat, double *rho, double *p,
                  size_t *n_used, vx_error *err)
{
    double *v = malloc((2 * n + 1) * sizeof *v);
    int *gg = malloc((n + 1) * sizeof *gg), *map = malloc(((size_t)k + 1) * sizeof *map);
    size_t *cnt = calloc((size_t)k + 1, sizeof *cnt);
    void *w = malloc(omics_rank_work(n));
    int rc = VX_OK;
    *stat = *rho = *p = NAN;
    *n_used = 0;
    if (!v || !gg || !map || !cnt || !w) {
        rc = vx_error_set(err, VX_ENOMEM, "out of memory (group test of %zu values)", n);
        goto done;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && g[i] >= 0 && g[i] < k)
            v[m] = x[i], gg[m] = g[i], cnt[g[i]]++, m++;
    int kk = 0; /* the non-empty groups, renumbered in order */
    for (int j = 0; j < k; j++)
        map[j] = cnt[j] ? kk++ : -1;
    for (int j = 0; j < k; j++)
        if (map[j] >= 0)
            cnt[map[j]] = cnt[j];
    for (size_t i = 0; i < m; i++)
        gg[i] = map[gg[i]];
    *n_used = m;
    if (kk >= 2) {
        const double ties = omics_rank_buf(v, m, v + n, w);
        group_stats(v + n, gg, m, kk, ties, cnt, stat, rho, p);
    }
done:
    free(v);
    free(gg);
    free(map);
    free(cnt);
    free(w);
    return rc;
}
