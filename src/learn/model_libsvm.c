/* voxomics: RBF support vector machine by libsvm with Platt scaling (the "svm" model of voxomics/model.h) and its
 * model text.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsvm/svm.h>

#include "learn/model_impl.h"

/* ---- libsvm RBF SVM --------------------------------------------------------------------------------------- */

/* Platt's sigmoid P(class 1 | f) = 1 / (1 + exp(A f + B)) fitted to decision values f (towards class 1): the
 * Newton method with backtracking of Lin, Lin & Weng (2007), as libsvm's sigmoid_train. */
static void platt_fit(size_t l, const double *f, const int *y, double *Aout, double *Bout)
{
    double prior1 = 0, prior0 = 0;
    for (size_t i = 0; i < l; i++)
        y[i] ? (prior1 += 1) : (prior0 += 1);
    const int max_iter = 100;
    const double min_step = 1e-10, sigma = 1e-12, eps = 1e-5;
    const double hi = (prior1 + 1.0) / (prior1 + 2.0), lo = 1.0 / (prior0 + 2.0);
    double A = 0.0, B = log((prior0 + 1.0) / (prior1 + 1.0)), fval = 0.0;
    for (size_t i = 0; i < l; i++) {
        double t = y[i] ? hi : lo, fApB = f[i] * A + B;
        fval += fApB >= 0 ? t * fApB + log1p(exp(-fApB)) : (t - 1) * fApB + log1p(exp(fApB));
    }
    for (int iter = 0; iter < max_iter; iter++) {
        double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
        for (size_t i = 0; i < l; i++) {
            double fApB = f[i] * A + B, p, q;
            if (fApB >= 0) {
                p = exp(-fApB) / (1.0 + exp(-fApB));
                q = 1.0 / (1.0 + exp(-fApB));
            } else {
                p = 1.0 / (1.0 + exp(fApB));
                q = exp(fApB) / (1.0 + exp(fApB));
            }
            double d2 = p * q, d1 = (y[i] ? hi : lo) - p;
            h11 += f[i] * f[i] * d2;
            h22 += d2;
            h21 += f[i] * d2;
            g1 += f[i] * d1;
            g2 += d1;
        }
        if (fabs(g1) < eps && fabs(g2) < eps)
            break;
        double det = h11 * h22 - h21 * h21;
        double dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det, gd = g1 * dA + g2 * dB;
        double step = 1;
        while (step >= min_step) {
            double nA = A + step * dA, nB = B + step * dB, nf = 0;
            for (size_t i = 0; i < l; i++) {
                double t = y[i] ? hi : lo, fApB = f[i] * nA + nB;
                nf += fApB >= 0 ? t * fApB + log1p(exp(-fApB)) : (t - 1) * fApB + log1p(exp(fApB));
            }
            if (nf < fval + 0.0001 * step * gd) {
                A = nA;
                B = nB;
                fval = nf;
                break;
            }
            step /= 2.0;
        }
        if (step < min_step)
            break;
    }
    *Aout = A;
    *Bout = B;
}

static void row_norms(const double *X, size_t n, size_t p, double *out);

static int svm_alloc(vx_model *m, vx_error *err)
{
    size_t l = (size_t)m->nsv, p = m->p;
    m->coef = malloc((l ? l : 1) * sizeof *m->coef);
    m->sv = malloc((l ? l : 1) * p * sizeof *m->sv);
    m->svn = malloc((l ? l : 1) * sizeof *m->svn);
    if (!m->coef || !m->sv || !m->svn)
        return vx_error_set(err, VX_ENOMEM, "model svm: out of memory for %zu support vectors", l);
    return VX_OK;
}

/* out (na x nb, row-major) = exp(-gamma ||a_i - b_k||^2) for the rows of A (na x p) and B (nb x p), with
 * ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b as libsvm's own RBF kernel evaluates it in training (Kernel::kernel_rbf).
 * an, bn: the squared row norms. The dot products run four rows of B at a time, each a plain sum over j in
 * order (four independent chains for the pipeline; no BLAS dgemm, whose small-matrix paths sum in an order
 * that depends on its thread count). */
static void rbf_cross(const double *A, size_t na, const double *an, const double *B, size_t nb, const double *bn,
                      size_t p, double gamma, double *out)
{
    for (size_t i = 0; i < na; i++) {
        const double *a = A + i * p;
        double *o = out + i * nb;
        size_t c = 0;
        for (; c + 4 <= nb; c += 4) {
            const double *b0 = B + c * p, *b1 = b0 + p, *b2 = b1 + p, *b3 = b2 + p;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (size_t j = 0; j < p; j++) {
                double x = a[j];
                s0 += x * b0[j];
                s1 += x * b1[j];
                s2 += x * b2[j];
                s3 += x * b3[j];
            }
            o[c] = s0;
            o[c + 1] = s1;
            o[c + 2] = s2;
            o[c + 3] = s3;
        }
        for (; c < nb; c++) {
            const double *b = B + c * p;
            double s0 = 0;
            for (size_t j = 0; j < p; j++)
                s0 += a[j] * b[j];
            o[c] = s0;
        }
        for (c = 0; c < nb; c++)
            o[c] = exp(-gamma * (an[i] + bn[c] - 2.0 * o[c]));
    }
}

static void row_norms(const double *X, size_t n, size_t p, double *out)
{
    for (size_t i = 0; i < n; i++) {
        const double *x = X + i * p;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0; /* four partial sums in a fixed order */
        size_t j = 0;
        for (; j + 4 <= p; j += 4) {
            s0 += x[j] * x[j];
            s1 += x[j + 1] * x[j + 1];
            s2 += x[j + 2] * x[j + 2];
            s3 += x[j + 3] * x[j + 3];
        }
        for (; j < p; j++)
            s0 += x[j] * x[j];
        out[i] = (s0 + s1) + (s2 + s3);
    }
}

/* Decision values (towards class 1) of the rows of X: sum_s coef_s K(x, sv_s) - rho, the kernel row block by
 * block (dense, BLAS) instead of libsvm's sparse svm_predict_values; the same function of the model. */
int vxm_predict_svm(const vx_model *m, const double *X, size_t n, double *score, vx_error *err)
{
    size_t p = m->p, l = (size_t)m->nsv, blk = 256;
    double *xn = malloc(blk * sizeof *xn), *K = malloc((blk * l + 1) * sizeof *K);
    if (!xn || !K) {
        free(xn);
        free(K);
        return vx_error_set(err, VX_ENOMEM, "model svm: out of memory");
    }
    for (size_t i0 = 0; i0 < n; i0 += blk) {
        size_t nb = n - i0 < blk ? n - i0 : blk;
        row_norms(X + i0 * p, nb, p, xn);
        rbf_cross(X + i0 * p, nb, xn, m->sv, l, m->svn, p, m->gamma, K);
        for (size_t i = 0; i < nb; i++) {
            double dec = 0;
            for (size_t s = 0; s < l; s++)
                dec += m->coef[s] * K[i * l + s];
            dec -= m->rho;
            score[i0 + i] = m->label0 == 1 ? dec : -dec;
        }
    }
    free(xn);
    free(K);
    return VX_OK;
}

/* gamma "scale" = 1 / (p Var(X)), the population variance over all entries; VX_EINVAL when X is constant. */
static int svm_gamma(const double *X, size_t n, size_t p, double *gamma, vx_error *err)
{
    double mean = 0, var = 0, np = (double)n * (double)p;
    for (size_t k = 0; k < n * p; k++)
        mean += X[k];
    mean /= np;
    for (size_t k = 0; k < n * p; k++)
        var += (X[k] - mean) * (X[k] - mean);
    var /= np;
    if (!(var > 0))
        return vx_error_set(err, VX_EINVAL,
                            "model svm: gamma \"scale\" = 1/(p Var(X)) undefined: all %zu x %zu entries of X are "
                            "equal; give gamma > 0 or non-constant features",
                            n, p);
    *gamma = 1.0 / ((double)p * var);
    return VX_OK;
}

/* The fit runs libsvm's C-SVC solver on the RBF kernel matrix of the training rows, computed once by BLAS and
 * handed to libsvm as a precomputed kernel (libsvm's sparse nodes would recompute every kernel row with
 * index-matched sparse dot products, several times over as its cache and shrinking evict rows); the solver,
 * its stopping rule and the fitted model are those of kernel_type RBF. The support vectors are then copied
 * from the training rows, so the model is an ordinary RBF model. */
int vxm_fit_svm(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
{
    double gamma = m->par.gamma;
    if (gamma <= 0) {
        int grc = svm_gamma(X, n, p, &gamma, err);
        if (grc)
            return grc;
    }
    m->gamma = gamma;
    struct svm_node *nodes = malloc(n * (n + 2) * sizeof *nodes);
    struct svm_node **rows = malloc(n * sizeof *rows);
    double *yy = malloc(n * sizeof *yy), *dec = malloc(n * sizeof *dec), *xn = malloc(n * sizeof *xn);
    double *K = malloc(n * n * sizeof *K);
    int rc = VX_OK;
    if (!nodes || !rows || !yy || !dec || !xn || !K) {
        rc = vx_error_set(err, VX_ENOMEM, "model svm: out of memory for %zu x %zu", n, p);
        goto done;
    }
    row_norms(X, n, p, xn);
    vxm_gram_rows(X, n, p, K); /* lower triangle of X X' */
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k <= i; k++)
            K[i * n + k] = K[k * n + i] = exp(-gamma * (xn[i] + xn[k] - 2.0 * K[i * n + k]));
    for (size_t i = 0; i < n; i++) {
        struct svm_node *r = nodes + i * (n + 2);
        r[0].index = 0; /* libsvm's precomputed format: 0:serial number, then k:K(i, k - 1) */
        r[0].value = (double)(i + 1);
        for (size_t k = 0; k < n; k++) {
            r[k + 1].index = (int)k + 1;
            r[k + 1].value = K[i * n + k];
        }
        r[n + 1].index = -1;
        rows[i] = r;
        yy[i] = y[i];
    }
    struct svm_problem prob = {.l = (int)n, .y = yy, .x = rows};
    struct svm_parameter par = {.svm_type = C_SVC, .kernel_type = PRECOMPUTED, .degree = 3, .gamma = gamma,
                                .coef0 = 0, .cache_size = 200, .eps = 1e-3, .C = m->par.C, .nr_weight = 0,
                                .nu = 0.5, .p = 0.1, .shrinking = 1, .probability = 0};
    const char *msg = svm_check_parameter(&prob, &par);
    if (msg) {
        rc = vx_error_set(err, VX_EINVAL, "model svm: libsvm rejects the parameters: %s", msg);
        goto done;
    }
    pthread_mutex_lock(&vxm_ext_lock);
    svm_set_print_string_function(vxm_quiet_print);
    struct svm_model *sm = svm_train(&prob, &par);
    pthread_mutex_unlock(&vxm_ext_lock);
    if (!sm || sm->nr_class != 2 || !sm->nSV || !sm->sv_indices) {
        if (sm)
            svm_free_and_destroy_model(&sm);
        rc = vx_error_set(err, VX_EUNSUPPORTED, "model svm: libsvm training failed");
        goto done;
    }
    m->nsv = sm->l;
    m->nsv0 = sm->nSV[0];
    m->nsv1 = sm->nSV[1];
    m->rho = sm->rho[0];
    m->label0 = sm->label[0];
    rc = svm_alloc(m, err);
    for (int s = 0; !rc && s < sm->l; s++) {
        size_t r = (size_t)sm->sv_indices[s] - 1;
        m->coef[s] = sm->sv_coef[0][s];
        memcpy(m->sv + (size_t)s * p, X + r * p, p * sizeof *m->sv);
        m->svn[s] = xn[r];
    }
    /* training decision values for Platt's sigmoid, from the kernel matrix */
    for (size_t i = 0; !rc && i < n; i++) {
        double d = 0;
        for (int s = 0; s < sm->l; s++)
            d += m->coef[s] * K[i * n + (size_t)sm->sv_indices[s] - 1];
        d -= m->rho;
        dec[i] = m->label0 == 1 ? d : -d;
    }
    svm_free_and_destroy_model(&sm);
    if (!rc)
        platt_fit(n, dec, y, &m->platt_a, &m->platt_b);
done:
    free(nodes);
    free(rows);
    free(yy);
    free(dec);
    free(xn);
    free(K);
    return rc;
}

char *vxm_libsvm_text(const vx_model *m)
{
    sbuf b = {0};
    vxm_sb_printf(&b,
              "svm_type c_svc\nkernel_type rbf\ngamma %.17g\nnr_class 2\ntotal_sv %d\nrho %.17g\nlabel %d %d\n"
              "nr_sv %d %d\nSV\n",
              m->gamma, m->nsv, m->rho, m->label0, 1 - m->label0, m->nsv0, m->nsv1);
    for (int i = 0; i < m->nsv; i++) {
        vxm_sb_printf(&b, "%.17g ", m->coef[i]);
        for (size_t j = 0; j < m->p; j++)
            vxm_sb_printf(&b, "%zu:%.17g ", j + 1, m->sv[(size_t)i * m->p + j]);
        vxm_sb_printf(&b, "\n");
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

int vxm_parse_libsvm(const char *text, vx_model *m, vx_error *err)
{
    char *copy = strdup(text), *s = copy, *l;
    int rc = VX_OK, have_sv = 0, l0 = -1, l1 = -1, tot = -1, n0 = -1, n1 = -1, hg = 0, hr = 0;
    if (!copy)
        return vx_error_set(err, VX_ENOMEM, "model svm: out of memory");
    while (!have_sv && (l = vxm_next_line(&s))) {
        if (strcmp(l, "svm_type c_svc") == 0 || strcmp(l, "kernel_type rbf") == 0 || strcmp(l, "nr_class 2") == 0)
            continue;
        if (strncmp(l, "gamma ", 6) == 0 && vxm_parse_double(l + 6, &m->gamma)) {
            hg = 1;
            continue;
        }
        if (strncmp(l, "rho ", 4) == 0 && vxm_parse_double(l + 4, &m->rho)) {
            hr = 1;
            continue;
        }
        if (sscanf(l, "total_sv %d", &tot) == 1 || sscanf(l, "label %d %d", &l0, &l1) == 2 ||
            sscanf(l, "nr_sv %d %d", &n0, &n1) == 2)
            continue;
        if (strcmp(l, "SV") == 0) {
            have_sv = 1;
            continue;
        }
        rc = vx_error_set(err, VX_EFORMAT, "model JSON libsvm: unexpected line \"%.40s\"", l);
        goto done;
    }
    if (!have_sv || !hg || !hr || !(m->gamma > 0) || tot < 1 || n0 < 0 || n1 < 0 || n0 + n1 != tot ||
        !((l0 == 0 && l1 == 1) || (l0 == 1 && l1 == 0))) {
        rc = vx_error_set(err, VX_EFORMAT,
                          "model JSON libsvm: header must give gamma > 0, rho, total_sv, label 0 1 (or 1 0), nr_sv "
                          "adding up to total_sv, then SV");
        goto done;
    }
    m->label0 = l0;
    m->nsv = tot;
    m->nsv0 = n0;
    m->nsv1 = n1;
    rc = svm_alloc(m, err);
    if (rc)
        goto done;
    for (int i = 0; i < tot; i++) {
        l = vxm_next_line(&s);
        char *e;
        if (!l)
            goto bad;
        m->coef[i] = strtod(l, &e);
        if (e == l || !isfinite(m->coef[i]))
            goto bad;
        for (size_t j = 0; j < m->p; j++) {
            char *e2;
            long idx = strtol(e, &e2, 10);
            if (e2 == e || idx != (long)j + 1 || *e2 != ':')
                goto bad;
            e = e2 + 1;
            double v = strtod(e, &e2);
            m->sv[(size_t)i * m->p + j] = v;
            if (e2 == e || !isfinite(v))
                goto bad;
            e = e2;
        }
        while (*e == ' ')
            e++;
        if (*e)
            goto bad;
        continue;
    bad:
        rc = vx_error_set(err, VX_EFORMAT,
                          "model JSON libsvm: support vector %d of %d is not \"coef 1:v ... %zu:v\" with finite "
                          "numbers",
                          i + 1, tot, m->p);
        goto done;
    }
    row_norms(m->sv, (size_t)tot, m->p, m->svn);
done:
    free(copy);
    return rc;
}
