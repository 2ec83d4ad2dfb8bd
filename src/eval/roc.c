/* voxomics: ROC AUC (Mann-Whitney), DeLong variance and paired test, stratified bootstrap CI, Youden threshold,
 * sensitivity / specificity, Brier score and logistic calibration. See include/voxomics/roc.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "voxomics/roc.h"

#define Z975 1.959963984540054 /* qnorm(0.975) */

/* Inputs: non-NULL, n > 0, labels 0/1, finite values; counts of cases and controls; with need_both, at least
 * one of each. what names the value array in messages ("score", "s2", "probability"). */
static int check_inputs(const char *fn, const char *what, const double *v, const int *y, size_t n, int need_both,
                        size_t *m_pos, size_t *m_neg, vx_error *err)
{
    if (!v || !y)
        return vx_error_set(err, VX_EINVAL, "%s: the %s is NULL", fn, !v ? what : "label array");
    if (n == 0)
        return vx_error_set(err, VX_EINVAL, "%s: no samples (n = 0)", fn);
    size_t np = 0, nn = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return vx_error_set(err, VX_EINVAL,
                                "%s: label of sample %zu is %d: labels must be 0 (negative) or 1 (positive); "
                                "recode the outcome",
                                fn, i, y[i]);
        if (!isfinite(v[i]))
            return vx_error_set(err, VX_ENAN,
                                "%s: %s of sample %zu is not finite (%g): remove or impute it first", fn, what, i,
                                v[i]);
        if (y[i])
            np++;
        else
            nn++;
    }
    if (need_both && (np == 0 || nn == 0))
        return vx_error_set(err, VX_EINVAL,
                            "%s: %zu positive and %zu negative samples: the ROC needs both classes (check the "
                            "labels or the resampling fold)",
                            fn, np, nn);
    if (m_pos)
        *m_pos = np;
    if (m_neg)
        *m_neg = nn;
    return VX_OK;
}

typedef struct {
    double v;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->v < y->v)
        return -1;
    if (x->v > y->v)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Placement values, ties counting 1/2. For a case i: pl[i] = (controls below + controls tied / 2) / n_neg
 * (= V10_i); for a control j: pl[j] = (cases above + cases tied / 2) / n_pos (= V01_j). One sort, then one
 * pass over tie groups (Sun & Xu 2014 in counting form). work: n keyed entries. */
static void placements(const double *s, const int *y, size_t n, size_t np, size_t nn, keyed *work, double *pl)
{
    for (size_t i = 0; i < n; i++) {
        work[i].v = s[i] == 0.0 ? 0.0 : s[i]; /* -0 == +0 */
        work[i].i = i;
    }
    qsort(work, n, sizeof *work, cmp_keyed);
    size_t neg_below = 0, pos_below = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a, neg_eq = 0, pos_eq = 0;
        while (b < n && work[b].v == work[a].v) {
            if (y[work[b].i])
                pos_eq++;
            else
                neg_eq++;
            b++;
        }
        /* twice the counts: integers, exact */
        const double v10 = (2.0 * (double)neg_below + (double)neg_eq) / (2.0 * (double)nn);
        const double pos_above = (double)(np - pos_below - pos_eq);
        const double v01 = (2.0 * pos_above + (double)pos_eq) / (2.0 * (double)np);
        for (size_t t = a; t < b; t++)
            pl[work[t].i] = y[work[t].i] ? v10 : v01;
        neg_below += neg_eq;
        pos_below += pos_eq;
        a = b;
    }
}

/* AUC from placements: mean of V10 over cases (exact pair count / (m n) up to one rounding per case sum). */
static double auc_of(const double *pl, const int *y, size_t n, size_t np)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        if (y[i])
            s += pl[i];
    return s / (double)np;
}

int vx_roc_auc(const double *score, const int *y, size_t n, vx_roc *out, vx_error *err)
{
    const char *fn = "roc auc";
    size_t np, nn;
    int rc = check_inputs(fn, "score", score, y, n, 1, &np, &nn, err);
    if (rc)
        return rc;
    if (!out)
        return vx_error_set(err, VX_EINVAL, "%s: the result is NULL", fn);
    if (np < 2 || nn < 2)
        return vx_error_set(err, VX_EINVAL,
                            "%s: %zu positive and %zu negative samples: the DeLong variance needs at least 2 of "
                            "each (it divides by m-1 and n-1)",
                            fn, np, nn);
    keyed *work = malloc(n * sizeof *work);
    double *pl = malloc(n * sizeof *pl);
    if (!work || !pl) {
        free(work);
        free(pl);
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu samples", fn, n);
    }
    placements(score, y, n, np, nn, work, pl);
    const double auc = auc_of(pl, y, n, np);
    double s10 = 0.0, s01 = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double d = pl[i] - auc; /* mean of V10 over cases = mean of V01 over controls = AUC */
        if (y[i])
            s10 += d * d;
        else
            s01 += d * d;
    }
    free(work);
    free(pl);
    s10 /= (double)(np - 1);
    s01 /= (double)(nn - 1);
    const double var = s10 / (double)np + s01 / (double)nn;
    out->auc = auc;
    out->se = sqrt(var);
    out->ci[0] = fmax(0.0, auc - Z975 * out->se);
    out->ci[1] = fmin(1.0, auc + Z975 * out->se);
    out->n_pos = np;
    out->n_neg = nn;
    return VX_OK;
}

int vx_roc_delong_paired(const double *s1, const double *s2, const int *y, size_t n, double *auc1, double *auc2,
                         double *z, double *p, vx_error *err)
{
    const char *fn = "roc delong paired";
    size_t np, nn;
    int rc = check_inputs(fn, "first score", s1, y, n, 1, &np, &nn, err);
    if (!rc)
        rc = check_inputs(fn, "second score", s2, y, n, 1, NULL, NULL, err);
    if (rc)
        return rc;
    if (np < 2 || nn < 2)
        return vx_error_set(err, VX_EINVAL,
                            "%s: %zu positive and %zu negative samples: the DeLong test needs at least 2 of each",
                            fn, np, nn);
    keyed *work = malloc(n * sizeof *work);
    double *p1 = malloc(n * sizeof *p1), *p2 = malloc(n * sizeof *p2);
    if (!work || !p1 || !p2) {
        free(work);
        free(p1);
        free(p2);
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu samples", fn, n);
    }
    placements(s1, y, n, np, nn, work, p1);
    placements(s2, y, n, np, nn, work, p2);
    const double a1 = auc_of(p1, y, n, np), a2 = auc_of(p2, y, n, np), da = a1 - a2;
    /* variance of the paired placement differences, per class (= L S L' with L = (1, -1) of pROC) */
    double s10 = 0.0, s01 = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double d = (p1[i] - p2[i]) - da;
        if (y[i])
            s10 += d * d;
        else
            s01 += d * d;
    }
    free(work);
    free(p1);
    free(p2);
    const double var = s10 / ((double)(np - 1) * (double)np) + s01 / ((double)(nn - 1) * (double)nn);
    if (!(var > 1e-30))
        return vx_error_set(err, VX_EINVAL,
                            "%s: the two scores give identical placement values (AUC %.6g both; one is a monotone "
                            "transform of the other?): Var(AUC1 - AUC2) = 0, there is nothing to test",
                            fn, a1);
    const double zz = da / sqrt(var);
    if (auc1)
        *auc1 = a1;
    if (auc2)
        *auc2 = a2;
    if (z)
        *z = zz;
    if (p)
        *p = 2.0 * gsl_cdf_ugaussian_P(-fabs(zz));
    return VX_OK;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R quantile type 7 of sorted x[0..B-1] */
static double quantile7(const double *x, size_t B, double q)
{
    const double h = (double)(B - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo >= B - 1)
        return x[B - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

int vx_roc_bootstrap_ci(const double *score, const int *y, size_t n, size_t B, unsigned long seed, double level,
                        double ci[2], vx_error *err)
{
    const char *fn = "roc bootstrap";
    size_t np, nn;
    int rc = check_inputs(fn, "score", score, y, n, 1, &np, &nn, err);
    if (rc)
        return rc;
    if (!ci)
        return vx_error_set(err, VX_EINVAL, "%s: the interval output is NULL", fn);
    if (B < 2)
        return vx_error_set(err, VX_EINVAL, "%s: %zu replicates: need at least 2 (pROC's default is 2000)", fn, B);
    if (!(level > 0.0 && level < 1.0))
        return vx_error_set(err, VX_EINVAL, "%s: confidence level %g is not in (0, 1) (e.g. 0.95)", fn, level);
    if (np > 0xffffffffUL || nn > 0xffffffffUL)
        return vx_error_set(err, VX_EINVAL, "%s: more than 2^32 samples of one class", fn);

    /* sorted case scores xs[0..np-1] and control scores ys[0..nn-1] */
    double *xs = malloc(np * sizeof *xs), *ys = malloc(nn * sizeof *ys), *aucs = malloc(B * sizeof *aucs);
    unsigned *cx = malloc(np * sizeof *cx), *cy = malloc(nn * sizeof *cy);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!xs || !ys || !aucs || !cx || !cy || !r) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu samples x %zu replicates", fn, n, B);
        goto done;
    }
    gsl_rng_set(r, seed);
    for (size_t i = 0, a = 0, c = 0; i < n; i++) {
        if (y[i])
            xs[a++] = score[i];
        else
            ys[c++] = score[i];
    }
    qsort(xs, np, sizeof *xs, cmp_double);
    qsort(ys, nn, sizeof *ys, cmp_double);
    /* Each draw is a uniform index into the SORTED class list: the same distribution as drawing from the
     * original order, and the result then depends only on the multisets of case and control scores (not on
     * the sample order). Counts per sorted position, then one merge pass per replicate: O(N) each. */
    for (size_t b = 0; b < B; b++) {
        memset(cx, 0, np * sizeof *cx);
        memset(cy, 0, nn * sizeof *cy);
        for (size_t i = 0; i < np; i++)
            cx[gsl_rng_uniform_int(r, (unsigned long)np)]++;
        for (size_t j = 0; j < nn; j++)
            cy[gsl_rng_uniform_int(r, (unsigned long)nn)]++;
        /* merge: for each case value, weighted controls below + half the tied ones */
        double pairs2 = 0.0; /* twice the psi-weighted pair count, an integer */
        size_t j = 0;
        double below = 0.0;
        for (size_t i = 0; i < np;) {
            size_t i2 = i;
            double wx = 0.0;
            while (i2 < np && xs[i2] == xs[i]) {
                wx += cx[i2];
                i2++;
            }
            while (j < nn && ys[j] < xs[i])
                below += cy[j++];
            double eq = 0.0;
            for (size_t t = j; t < nn && ys[t] == xs[i]; t++)
                eq += cy[t];
            pairs2 += wx * (2.0 * below + eq);
            i = i2;
        }
        aucs[b] = pairs2 / (2.0 * (double)np * (double)nn);
    }
    qsort(aucs, B, sizeof *aucs, cmp_double);
    ci[0] = quantile7(aucs, B, (1.0 - level) / 2.0);
    ci[1] = quantile7(aucs, B, (1.0 + level) / 2.0);
    rc = VX_OK;
done:
    free(xs);
    free(ys);
    free(aucs);
    free(cx);
    free(cy);
    if (r)
        gsl_rng_free(r);
    return rc;
}

int vx_roc_youden(const double *score, const int *y, size_t n, double *threshold, vx_error *err)
{
    const char *fn = "roc youden";
    size_t np, nn;
    int rc = check_inputs(fn, "score", score, y, n, 1, &np, &nn, err);
    if (rc)
        return rc;
    if (!threshold)
        return vx_error_set(err, VX_EINVAL, "%s: the threshold output is NULL", fn);
    keyed *w = malloc(n * sizeof *w);
    if (!w)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu samples", fn, n);
    for (size_t i = 0; i < n; i++) {
        w[i].v = score[i] == 0.0 ? 0.0 : score[i];
        w[i].i = i;
    }
    qsort(w, n, sizeof *w, cmp_keyed);
    /* ascending over distinct values t: tp = positives with score >= t, tn = negatives with score < t.
     * J m n = tp nn + tn np - np nn is an integer, exact in long double (64-bit mantissa) for n < 2^31. */
    long double best = -1.0L;
    double bt = w[0].v;
    size_t pos_below = 0, neg_below = 0;
    for (size_t a = 0; a < n;) {
        const long double j = (long double)(np - pos_below) * (long double)nn +
                              (long double)neg_below * (long double)np - (long double)np * (long double)nn;
        if (j > best) { /* strict: ties keep the lowest threshold */
            best = j;
            bt = w[a].v;
        }
        size_t b = a;
        while (b < n && w[b].v == w[a].v) {
            if (y[w[b].i])
                pos_below++;
            else
                neg_below++;
            b++;
        }
        a = b;
    }
    free(w);
    *threshold = bt;
    return VX_OK;
}

int vx_roc_sens_spec(const double *score, const int *y, size_t n, double t, double *sens, double *spec,
                     vx_error *err)
{
    const char *fn = "roc sens/spec";
    size_t np, nn;
    int rc = check_inputs(fn, "score", score, y, n, 1, &np, &nn, err);
    if (rc)
        return rc;
    if (isnan(t))
        return vx_error_set(err, VX_EINVAL, "%s: the threshold is NaN", fn);
    size_t tp = 0, tn = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] && score[i] >= t)
            tp++;
        else if (!y[i] && score[i] < t)
            tn++;
    }
    if (sens)
        *sens = (double)tp / (double)np;
    if (spec)
        *spec = (double)tn / (double)nn;
    return VX_OK;
}

int vx_roc_brier(const double *prob, const int *y, size_t n, double *brier, vx_error *err)
{
    const char *fn = "roc brier";
    int rc = check_inputs(fn, "probability", prob, y, n, 0, NULL, NULL, err);
    if (rc)
        return rc;
    if (!brier)
        return vx_error_set(err, VX_EINVAL, "%s: the output is NULL", fn);
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (prob[i] < 0.0 || prob[i] > 1.0)
            return vx_error_set(err, VX_EINVAL,
                                "%s: probability of sample %zu is %g, outside [0, 1]: pass predicted "
                                "probabilities, not scores",
                                fn, i, prob[i]);
        const double d = prob[i] - (double)y[i];
        s += d * d;
    }
    *brier = s / (double)n;
    return VX_OK;
}

double vx_roc_prob_clip(double p)
{
    return p < VX_ROC_PROB_EPS ? VX_ROC_PROB_EPS : p > 1.0 - VX_ROC_PROB_EPS ? 1.0 - VX_ROC_PROB_EPS : p;
}

int vx_roc_log_loss(const double *prob, const int *y, size_t n, double *loss, size_t *clipped, vx_error *err)
{
    const char *fn = "roc log-loss";
    int rc = check_inputs(fn, "probability", prob, y, n, 0, NULL, NULL, err);
    if (rc)
        return rc;
    if (!loss)
        return vx_error_set(err, VX_EINVAL, "%s: the output is NULL", fn);
    double s = 0.0;
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(prob[i] >= 0.0 && prob[i] <= 1.0))
            return vx_error_set(err, VX_EINVAL,
                                "%s: probability of sample %zu is %g, outside [0, 1]: pass predicted "
                                "probabilities, not scores",
                                fn, i, prob[i]);
        const double pc = vx_roc_prob_clip(prob[i]);
        nc += pc != prob[i];
        s -= y[i] ? log(pc) : log(1.0 - pc);
    }
    *loss = s / (double)n;
    if (clipped)
        *clipped = nc;
    return VX_OK;
}

/* log(1 + exp(x)) without overflow */
static double softplus(double x)
{
    return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* logistic function without overflow */
static double expit(double x)
{
    if (x >= 0.0)
        return 1.0 / (1.0 + exp(-x));
    const double e = exp(x);
    return e / (1.0 + e);
}

/* log-likelihood of y under logit P = c + b lp */
static double loglik(const double *lp, const int *y, size_t n, double c, double b)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double eta = c + b * lp[i];
        s += (y[i] ? eta : 0.0) - softplus(eta);
    }
    return s;
}

/* Maximise the log-likelihood over c (b fixed, fit_b = 0) or over (c, b) (fit_b = 1) by Newton's method with
 * step halving. Returns 0 on convergence, -1 when it fails (separation: the MLE is at infinity). */
static int logistic_fit(const double *lp, const int *y, size_t n, int fit_b, double *c, double *b)
{
    double cc = 0.0, bb = fit_b ? 1.0 : *b;
    double ll = loglik(lp, y, n, cc, bb);
    for (int it = 0; it < 200; it++) {
        double g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0;
        for (size_t i = 0; i < n; i++) {
            const double mu = expit(cc + bb * lp[i]), w = mu * (1.0 - mu), r = (double)y[i] - mu;
            g0 += r;
            h00 += w;
            if (fit_b) {
                g1 += r * lp[i];
                h01 += w * lp[i];
                h11 += w * lp[i] * lp[i];
            }
        }
        double d0, d1 = 0.0;
        if (fit_b) {
            const double det = h00 * h11 - h01 * h01;
            if (!(det > 0.0) || !isfinite(det))
                return -1;
            d0 = (h11 * g0 - h01 * g1) / det;
            d1 = (h00 * g1 - h01 * g0) / det;
        } else {
            if (!(h00 > 0.0))
                return -1;
            d0 = g0 / h00;
        }
        if (!isfinite(d0) || !isfinite(d1))
            return -1;
        double step = 1.0, nc = cc + d0, nb = bb + d1, nll = loglik(lp, y, n, nc, nb);
        /* halve only on a real decrease: near the optimum the change is below the rounding of the sum */
        const double slack = 1e-10 * (1.0 + fabs(ll));
        for (int h = 0; h < 60 && !(nll >= ll - slack); h++) {
            step *= 0.5;
            nc = cc + step * d0;
            nb = bb + step * d1;
            nll = loglik(lp, y, n, nc, nb);
        }
        /* converged when the full Newton step is negligible */
        const int done = fabs(d0) <= 1e-13 * (1.0 + fabs(nc)) && fabs(d1) <= 1e-13 * (1.0 + fabs(nb));
        cc = nc;
        bb = nb;
        ll = nll;
        if (fabs(cc) > 1e6 || fabs(bb) > 1e6)
            return -1;
        if (done) {
            *c = cc;
            *b = bb;
            return 0;
        }
    }
    return -1;
}

int vx_roc_calibration(const double *prob, const int *y, size_t n, double *intercept, double *slope,
                       vx_error *err)
{
    const char *fn = "roc calibration";
    size_t np, nn;
    int rc = check_inputs(fn, "probability", prob, y, n, 1, &np, &nn, err);
    if (rc)
        return rc;
    double *lp = malloc(n * sizeof *lp);
    if (!lp)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu samples", fn, n);
    int distinct = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(prob[i] >= 0.0 && prob[i] <= 1.0)) {
            free(lp);
            return vx_error_set(err, VX_EINVAL,
                                "%s: probability of sample %zu is %g, outside [0, 1]: pass predicted "
                                "probabilities, not scores",
                                fn, i, prob[i]);
        }
        const double pc = vx_roc_prob_clip(prob[i]);
        lp[i] = log(pc) - log1p(-pc);
        if (lp[i] != lp[0])
            distinct = 1;
    }
    if (intercept) {
        double c = 0.0, b = 1.0;
        if (logistic_fit(lp, y, n, 0, &c, &b)) {
            free(lp);
            return vx_error_set(err, VX_EINVAL, "%s: the calibration-in-the-large fit did not converge", fn);
        }
        *intercept = c;
    }
    if (slope) {
        if (!distinct) {
            free(lp);
            return vx_error_set(err, VX_EINVAL,
                                "%s: all %zu predicted probabilities are equal (%g): the calibration slope is not "
                                "identifiable",
                                fn, n, prob[0]);
        }
        /* (quasi-)complete separation by lp: every case on one side of every control (ties included) */
        double pmin = INFINITY, pmax = -INFINITY, nmin = INFINITY, nmax = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            if (y[i]) {
                pmin = fmin(pmin, lp[i]);
                pmax = fmax(pmax, lp[i]);
            } else {
                nmin = fmin(nmin, lp[i]);
                nmax = fmax(nmax, lp[i]);
            }
        }
        double c = 0.0, b = 1.0;
        if (pmin >= nmax || pmax <= nmin || logistic_fit(lp, y, n, 1, &c, &b)) {
            free(lp);
            return vx_error_set(err, VX_EINVAL,
                                "%s: the calibration slope fit did not converge: logit(p) separates the %zu "
                                "positive and %zu negative samples perfectly, so the slope estimate is infinite",
                                fn, np, nn);
        }
        *slope = b;
    }
    free(lp);
    return VX_OK;
}

int vx_roc_auc_ovr(const double *prob, const int *y, size_t n, int K, double *auc_class, double *macro,
                   vx_error *err)
{
    const char *fn = "roc one-vs-rest AUC";
    if (!prob || !y || !macro)
        return vx_error_set(err, VX_EINVAL, "%s: probabilities, labels and the result must not be NULL", fn);
    if (K < 2 || K > 256)
        return vx_error_set(err, VX_EINVAL, "%s: %d classes: give 2 to 256", fn, K);
    for (size_t i = 0; i < n; i++)
        if (y[i] < 0 || y[i] >= K)
            return vx_error_set(err, VX_EINVAL, "%s: label of sample %zu is %d: labels must be 0..%d", fn, i + 1,
                                y[i], K - 1);
    keyed *work = malloc((n + 1) * sizeof *work);
    double *pl = malloc((n + 1) * sizeof *pl), *col = malloc((n + 1) * sizeof *col);
    int *yk = malloc((n + 1) * sizeof *yk);
    int rc = work && pl && col && yk ? VX_OK : vx_error_set(err, VX_ENOMEM, "%s: out of memory", fn);
    double sum = 0.0;
    for (int k = 0; rc == VX_OK && k < K; k++) {
        size_t np = 0;
        for (size_t i = 0; i < n; i++) {
            col[i] = prob[i * (size_t)K + (size_t)k];
            yk[i] = y[i] == k;
            np += (size_t)yk[i];
            if (!isfinite(col[i]))
                rc = vx_error_set(err, VX_EINVAL, "%s: probability of sample %zu, class %d is %g: not finite", fn,
                                  i + 1, k, col[i]);
        }
        if (rc == VX_OK && (np == 0 || np == n))
            rc = vx_error_set(err, VX_EINVAL,
                              "%s: class %d has %zu of the %zu samples: each class needs samples in and outside it "
                              "(every class present, as scikit-learn's roc_auc_score requires)",
                              fn, k, np, n);
        if (rc == VX_OK) {
            placements(col, yk, n, np, n - np, work, pl);
            double a = auc_of(pl, yk, n, np);
            if (auc_class)
                auc_class[k] = a;
            sum += a;
        }
    }
    if (rc == VX_OK)
        *macro = sum / (double)K;
    free(work);
    free(pl);
    free(col);
    free(yk);
    return rc;
}
