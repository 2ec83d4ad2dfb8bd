/* voxomics study, classification: mean ROC on a grid, the stratified held-out split and the evaluation of one set
 * of predictions (ROC, AUC with DeLong CI, Brier score, calibration). See step_class.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/roc.h"
#include "study/step_class.h"

#define Z975 1.959963984540054

int vxc_mean_roc(const double *fpr, const double *tpr, const size_t *start, size_t c, const double *grid,
                 size_t ngrid, double *mean, double *lo, double *hi, vx_error *err)
{
    if (c == 0 || ngrid < 2)
        return vx_error_set(err, VX_EINVAL, "mean ROC: %zu curves on %zu grid points", c, ngrid);
    double *v = malloc(c * ngrid * sizeof *v);
    if (!v)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    int rc = VX_OK;
    for (size_t k = 0; rc == VX_OK && k < c; k++)
        rc = vx_roc_interp(fpr + start[k], tpr + start[k], start[k + 1] - start[k], grid, ngrid, v + k * ngrid, err);
    for (size_t k = 0; rc == VX_OK && k < c; k++) /* every curve starts at (0, 0) and ends at (1, 1) */
        for (size_t g = 0; g < ngrid; g++)
            v[k * ngrid + g] = grid[g] == 0.0 ? 0.0 : grid[g] == 1.0 ? 1.0 : v[k * ngrid + g];
    for (size_t g = 0; rc == VX_OK && g < ngrid; g++) {
        double s = 0.0, ss = 0.0;
        for (size_t k = 0; k < c; k++)
            s += v[k * ngrid + g];
        const double m = s / (double)c;
        for (size_t k = 0; k < c; k++)
            ss += (v[k * ngrid + g] - m) * (v[k * ngrid + g] - m);
        const double se = c > 1 ? sqrt(ss / (double)(c - 1) / (double)c) : 0.0;
        mean[g] = m;
        lo[g] = fmax(0.0, fmin(1.0, mean[g] - Z975 * se));
        hi[g] = fmax(0.0, fmin(1.0, mean[g] + Z975 * se));
    }
    free(v);
    return rc;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int vxc_holdout_split(const int *y, size_t n, double fraction, unsigned long seed, unsigned char *held,
                      vx_error *err)
{
    if (!(fraction > 0.0 && fraction < 1.0))
        return vx_error_set(err, VX_EINVAL, "holdout.fraction %g: give a fraction in (0, 1)", fraction);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    uint64_t st = (uint64_t)seed * 0x2545F4914F6CDD1Dull + 7;
    memset(held, 0, n);
    int rc = VX_OK;
    for (int cls = 0; rc == VX_OK && cls < 2; cls++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (y[i] == cls)
                idx[m++] = i;
        if (m < 4) {
            rc = vx_error_set(err, VX_EINVAL, "holdout: class %d has %zu subjects: at least 4 are needed to hold "
                              "some out and keep 2 for training", cls, m);
            break;
        }
        for (size_t i = m; i > 1; i--) {
            size_t j = (size_t)(splitmix(&st) % i), t = idx[i - 1];
            idx[i - 1] = idx[j];
            idx[j] = t;
        }
        size_t h = (size_t)floor(fraction * (double)m + 0.5);
        h = h < 2 ? 2 : h > m - 2 ? m - 2 : h; /* the DeLong CI needs 2 of each class */
        for (size_t i = 0; i < h; i++)
            held[idx[i]] = 1;
    }
    free(idx);
    return rc;
}

/* calibration {intercept, slope, bins {...}} of probabilities (reliability deciles). */
static cJSON *calibration_json(const double *prob, const int *y, size_t n, vx_error *err)
{
    cJSON *c = cJSON_CreateObject();
    double a = NAN, b = NAN;
    vx_error e2;
    vx_error_clear(&e2);
    if (vx_roc_calibration(prob, y, n, &a, &b, &e2) != VX_OK) {
        a = b = NAN;
        cJSON_AddStringToObject(c, "error", e2.msg);
    }
    cJSON_AddNumberToObject(c, "intercept", a);
    cJSON_AddNumberToObject(c, "slope", b);
    double mp[VXC_BINS], ob[VXC_BINS], lo[VXC_BINS], hi[VXC_BINS], cnt[VXC_BINS];
    size_t ct[VXC_BINS], nb = 0;
    if (vx_roc_reliability(prob, y, n, VXC_BINS, mp, ob, lo, hi, ct, &nb, err) != VX_OK) {
        cJSON_Delete(c);
        return NULL;
    }
    for (size_t k = 0; k < nb; k++)
        cnt[k] = (double)ct[k];
    cJSON *bins = cJSON_AddObjectToObject(c, "bins");
    cJSON_AddItemToObject(bins, "mean_pred", vxs_json_array(mp, nb));
    cJSON_AddItemToObject(bins, "observed", vxs_json_array(ob, nb));
    cJSON_AddItemToObject(bins, "lo", vxs_json_array(lo, nb));
    cJSON_AddItemToObject(bins, "hi", vxs_json_array(hi, nb));
    cJSON_AddItemToObject(bins, "n", vxs_json_array(cnt, nb));
    return c;
}

cJSON *vxc_eval_json(const double *score, const double *prob, const int *y, size_t n, vx_error *err)
{
    vx_roc r;
    double brier = NAN;
    double *fpr = malloc((n + 1) * sizeof *fpr), *tpr = malloc((n + 1) * sizeof *tpr);
    size_t np = 0;
    int rc = fpr && tpr ? vx_roc_auc(score, y, n, &r, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        rc = vx_roc_curve(score, y, n, fpr, tpr, &np, err);
    if (rc == VX_OK)
        rc = vx_roc_brier(prob, y, n, &brier, err);
    cJSON *cal = rc == VX_OK ? calibration_json(prob, y, n, err) : NULL;
    cJSON *o = NULL;
    if (cal) {
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "n", (double)n);
        cJSON_AddNumberToObject(o, "n_pos", (double)r.n_pos);
        cJSON_AddNumberToObject(o, "auc", r.auc);
        cJSON_AddNumberToObject(o, "auc_se", r.se);
        cJSON_AddItemToObject(o, "auc_ci", vxs_json_array(r.ci, 2));
        cJSON *roc = cJSON_AddObjectToObject(o, "roc");
        cJSON_AddItemToObject(roc, "fpr", vxs_json_array(fpr, np));
        cJSON_AddItemToObject(roc, "tpr", vxs_json_array(tpr, np));
        cJSON_AddNumberToObject(o, "brier", brier);
        cJSON_AddItemToObject(o, "calibration", cal);
    }
    free(fpr);
    free(tpr);
    return o;
}
