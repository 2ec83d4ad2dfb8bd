/* voxomics: gradient boosting with scikit-learn's trees (the "gbm" model with criterion friedman_mse, see
 * voxomics/model.h): Friedman's gradient boosting for the binomial deviance as scikit-learn's
 * GradientBoostingClassifier fits it, written from the algorithm (J. H. Friedman, "Greedy function
 * approximation: a gradient boosting machine", Ann. Statist. 29 (2001), algorithm 5, "LK_TreeBoost"):
 *   F_0 = log(n1 / n0) (the prior log-odds);
 *   stage m: residuals r_i = y_i - p_i, p_i = 1 / (1 + exp(-F_{m-1}(x_i)));
 *     a regression tree of depth <= depth fitted to r by least squares (a split maximises the decrease of the
 *     residuals' squared error, n_l n_r / (n_l + n_r) (mean_l - mean_r)^2, Friedman's improvement criterion);
 *     every leaf gets one Newton step, gamma = sum r / sum p (1 - p) over its rows (0 when that sum is below
 *     1e-150); F_m = F_{m-1} + eta gamma(leaf of x).
 * Splits as scikit-learn's tree builder makes them: features are compared in single precision, a node is not
 * split when it has fewer than 2 rows or its residuals are constant, a split needs min_child_weight of hessian
 * in each child (0: one row), values closer than 1e-7 are not separated, the threshold is the midpoint of two
 * adjacent distinct values, and x <= threshold goes left. Features are scanned in index order and a split
 * replaces the best one only when strictly better (scikit-learn scans them in a random order, so where two
 * features give exactly the same improvement the two may choose differently).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "learn/model_impl.h"

#define GBT_FEATURE_EPS 1e-7 /* values closer than this are one value (scikit-learn's FEATURE_THRESHOLD) */

typedef struct gbt_build {
    const float *xf; /* n x p, single precision */
    size_t n, p;
    const double *r, *h; /* residuals and hessians of this stage */
    size_t *idx, *tmp;   /* row indices of the nodes (idx[lo..hi) = one node), scratch */
    double min_child_weight;
    int depth;
    vx_model *m;
    size_t start;       /* the first node of the tree being grown */
    const size_t *ord;  /* p x n: the rows in increasing order of feature j (ties by row), ord + j * n */
    unsigned *stamp;    /* n: stamp[i] == cur for the rows of the node being split */
    unsigned cur;
} gbt_build;

static int gbt_push(vx_model *m, double feature, double thr, double left, double right, double value)
{
    if (m->gbt_len == m->gbt_cap) {
        size_t nc = m->gbt_cap ? 2 * m->gbt_cap : 64;
        double *nn = realloc(m->gbt_nodes, nc * 5 * sizeof *nn);
        if (!nn)
            return VX_ENOMEM;
        m->gbt_nodes = nn;
        m->gbt_cap = nc;
    }
    double *d = m->gbt_nodes + 5 * m->gbt_len++;
    d[0] = feature;
    d[1] = thr;
    d[2] = left;
    d[3] = right;
    d[4] = value;
    return VX_OK;
}

/* (value, row) pairs, ordered by value, then row. */
typedef struct vr {
    float v;
    size_t i;
} vr;
static int cmp_vr(const void *a, const void *b)
{
    const vr *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Best split of rows idx[lo..hi): feature *bf (-1: none), threshold *bt. */
static int gbt_best_split(gbt_build *b, size_t lo, size_t hi, vr *buf, long *bf, double *bt)
{
    size_t k = hi - lo, p = b->p;
    double best = -INFINITY;
    *bf = -1;
    b->cur++;
    for (size_t a = lo; a < hi; a++)
        b->stamp[b->idx[a]] = b->cur;
    for (size_t j = 0; j < p; j++) {
        /* the node's rows in increasing order of feature j: the presorted order, filtered */
        const size_t *oj = b->ord + j * b->n;
        for (size_t a = 0, c = 0; c < k; a++)
            if (b->stamp[oj[a]] == b->cur) {
                buf[c].i = oj[a];
                buf[c++].v = b->xf[oj[a] * p + j];
            }
        if ((double)buf[k - 1].v <= (double)buf[0].v + GBT_FEATURE_EPS)
            continue; /* constant in this node */
        double sl = 0.0, st = 0.0, hl = 0.0, ht = 0.0;
        for (size_t a = 0; a < k; a++) {
            st += b->r[buf[a].i];
            ht += b->h[buf[a].i];
        }
        size_t a = 0;
        while (a < k) {
            /* move the run of (nearly) equal values to the left */
            sl += b->r[buf[a].i];
            hl += b->h[buf[a].i];
            while (a + 1 < k && (double)buf[a + 1].v <= (double)buf[a].v + GBT_FEATURE_EPS) {
                a++;
                sl += b->r[buf[a].i];
                hl += b->h[buf[a].i];
            }
            a++;
            if (a >= k)
                break;
            double nl = (double)a, nr = (double)(k - a), sr = st - sl;
            if (b->min_child_weight > 0 && (hl < b->min_child_weight || ht - hl < b->min_child_weight))
                continue;
            double diff = nr * sl - nl * sr;
            double imp = diff * diff / (nl * nr);
            if (imp > best) {
                best = imp;
                *bf = (long)j;
                double t = (double)buf[a - 1].v / 2.0 + (double)buf[a].v / 2.0;
                if (t == (double)buf[a].v || isinf(t) || isnan(t))
                    t = (double)buf[a - 1].v;
                *bt = t;
            }
        }
    }
    return VX_OK;
}

/* Grow the subtree of rows idx[lo..hi) at depth d; returns its node number in *node. */
static int gbt_grow(gbt_build *b, size_t lo, size_t hi, int d, vr *buf, size_t *node)
{
    size_t k = hi - lo;
    double s = 0.0, ss = 0.0, num = 0.0, den = 0.0;
    for (size_t a = lo; a < hi; a++) {
        double r = b->r[b->idx[a]];
        s += r;
        num += r;
        den += b->h[b->idx[a]];
    }
    double mean = s / (double)k;
    for (size_t a = lo; a < hi; a++)
        ss += (b->r[b->idx[a]] - mean) * (b->r[b->idx[a]] - mean);
    long bf = -1;
    double bt = 0.0;
    int rc = VX_OK;
    if (d < b->depth && k >= 2 && ss / (double)k > DBL_EPSILON)
        rc = gbt_best_split(b, lo, hi, buf, &bf, &bt);
    if (rc)
        return rc;
    *node = b->m->gbt_len - b->start; /* node numbers within the tree */
    if (bf < 0) /* a leaf: one Newton step */
        return gbt_push(b->m, -1.0, 0.0, -1.0, -1.0, fabs(den) < 1e-150 ? 0.0 : num / den);
    if ((rc = gbt_push(b->m, (double)bf, bt, 0.0, 0.0, 0.0)))
        return rc;
    /* partition idx[lo..hi) stably: x <= threshold to the left */
    size_t nl = 0, nr = 0;
    for (size_t a = lo; a < hi; a++) {
        size_t i = b->idx[a];
        if ((double)b->xf[i * b->p + (size_t)bf] <= bt)
            b->idx[lo + nl++] = i;
        else
            b->tmp[nr++] = i;
    }
    memcpy(b->idx + lo + nl, b->tmp, nr * sizeof *b->tmp);
    size_t left, right;
    if ((rc = gbt_grow(b, lo, lo + nl, d + 1, buf, &left)) || (rc = gbt_grow(b, lo + nl, hi, d + 1, buf, &right)))
        return rc;
    b->m->gbt_nodes[5 * (b->start + *node) + 2] = (double)left;
    b->m->gbt_nodes[5 * (b->start + *node) + 3] = (double)right;
    return VX_OK;
}

/* The value of tree t (nodes from gbt_start[t]) at row x (single precision). */
static double gbt_tree_value(const vx_model *m, size_t t, const float *x)
{
    const double *nd = m->gbt_nodes + 5 * m->gbt_start[t];
    size_t k = 0;
    while (nd[5 * k] >= 0)
        k = (size_t)((double)x[(size_t)nd[5 * k]] <= nd[5 * k + 1] ? nd[5 * k + 2] : nd[5 * k + 3]);
    return nd[5 * k + 4];
}

int vxm_fit_gbt(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
{
    const vx_model_params *mp = &m->par;
    size_t n1 = 0;
    for (size_t i = 0; i < n; i++)
        n1 += y[i] == 1;
    float *xf = malloc(n * p * sizeof *xf);
    double *F = malloc(n * sizeof *F), *r = malloc(n * sizeof *r), *h = malloc(n * sizeof *h);
    size_t *idx = malloc(n * sizeof *idx), *tmp = malloc(n * sizeof *tmp);
    vr *buf = malloc(n * sizeof *buf);
    size_t *ord = malloc(n * p * sizeof *ord);
    unsigned *stamp = calloc(n, sizeof *stamp);
    m->gbt_start = malloc(((size_t)mp->trees + 1) * sizeof *m->gbt_start);
    int rc = VX_OK;
    if (!xf || !F || !r || !h || !idx || !tmp || !buf || !ord || !stamp || !m->gbt_start) {
        rc = vx_error_set(err, VX_ENOMEM, "model gbm: out of memory");
        goto done;
    }
    for (size_t k = 0; k < n * p; k++)
        xf[k] = (float)X[k];
    m->gbt_init = log((double)n1 / (double)(n - n1));
    for (size_t i = 0; i < n; i++)
        F[i] = m->gbt_init;
    /* each feature's row order, once per fit */
    for (size_t j = 0; j < p; j++) {
        for (size_t i = 0; i < n; i++) {
            buf[i].i = i;
            buf[i].v = xf[i * p + j];
        }
        qsort(buf, n, sizeof *buf, cmp_vr);
        for (size_t i = 0; i < n; i++)
            ord[j * n + i] = buf[i].i;
    }
    gbt_build b = {xf, n, p, r, h, idx, tmp, mp->min_child_weight, mp->depth, m, 0, ord, stamp, 0};
    for (int t = 0; t < mp->trees; t++) {
        for (size_t i = 0; i < n; i++) {
            double pr = 1.0 - vxm_sigm_neg(F[i]);
            r[i] = (double)y[i] - pr;
            h[i] = pr * (1.0 - pr);
            idx[i] = i;
        }
        m->gbt_start[t] = b.start = m->gbt_len;
        size_t root;
        if ((rc = gbt_grow(&b, 0, n, 0, buf, &root))) {
            rc = vx_error_set(err, VX_ENOMEM, "model gbm: out of memory");
            goto done;
        }
        m->gbt_trees = (size_t)t + 1;
        for (size_t i = 0; i < n; i++)
            F[i] += mp->eta * gbt_tree_value(m, (size_t)t, xf + i * p);
    }
done:
    free(xf);
    free(F);
    free(r);
    free(h);
    free(idx);
    free(tmp);
    free(buf);
    free(ord);
    free(stamp);
    return rc;
}

int vxm_predict_gbt(const vx_model *m, const double *X, size_t n, double *score, double *prob, vx_error *err)
{
    float *xf = malloc((m->p ? m->p : 1) * sizeof *xf);
    if (!xf)
        return vx_error_set(err, VX_ENOMEM, "model gbm: out of memory");
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < m->p; j++)
            xf[j] = (float)X[i * m->p + j];
        double f = m->gbt_init;
        for (size_t t = 0; t < m->gbt_trees; t++)
            f += m->par.eta * gbt_tree_value(m, t, xf);
        if (score)
            score[i] = f;
        if (prob)
            prob[i] = 1.0 - vxm_sigm_neg(f);
    }
    free(xf);
    return VX_OK;
}

/* Check a deserialised forest: node links inside their tree, features < p, leaves reachable. */
int vxm_check_gbt(vx_model *m, vx_error *err)
{
    for (size_t t = 0; t < m->gbt_trees; t++) {
        size_t a = m->gbt_start[t], e = t + 1 < m->gbt_trees ? m->gbt_start[t + 1] : m->gbt_len;
        if (a >= e || e > m->gbt_len)
            return vx_error_set(err, VX_EFORMAT, "model JSON gbm: tree %zu has no nodes", t);
        for (size_t k = a; k < e; k++) {
            const double *nd = m->gbt_nodes + 5 * k;
            if (nd[0] < 0)
                continue;
            size_t nk = e - a;
            if (nd[0] != floor(nd[0]) || nd[0] >= (double)m->p || nd[2] != floor(nd[2]) || nd[3] != floor(nd[3]) ||
                nd[2] <= (double)(k - a) || nd[3] <= (double)(k - a) || nd[2] >= (double)nk || nd[3] >= (double)nk)
                return vx_error_set(err, VX_EFORMAT, "model JSON gbm: tree %zu node %zu is damaged", t, k - a);
        }
    }
    return VX_OK;
}
