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

/* libsvm's model view of our arrays (nothing owned). */
static void svm_view(const vx_model *m, struct svm_model *sm, double **coefp, int *labels, int *nsv, double *rho)
{
    memset(sm, 0, sizeof *sm);
    sm->param.svm_type = C_SVC;
    sm->param.kernel_type = RBF;
    sm->param.gamma = m->gamma;
    sm->nr_class = 2;
    sm->l = m->nsv;
    sm->SV = m->svp;
    coefp[0] = m->coef;
    sm->sv_coef = coefp;
    *rho = m->rho;
    sm->rho = rho;
    labels[0] = m->label0;
    labels[1] = 1 - m->label0;
    sm->label = labels;
    nsv[0] = m->nsv0;
    nsv[1] = m->nsv1;
    sm->nSV = nsv;
}

static int svm_alloc(vx_model *m, vx_error *err)
{
    size_t l = (size_t)m->nsv, p = m->p;
    m->coef = malloc((l ? l : 1) * sizeof *m->coef);
    m->nodes = malloc((l ? l : 1) * (p + 1) * sizeof *m->nodes);
    m->svp = malloc((l ? l : 1) * sizeof *m->svp);
    if (!m->coef || !m->nodes || !m->svp)
        return vx_error_set(err, VX_ENOMEM, "model svm: out of memory for %zu support vectors", l);
    for (size_t i = 0; i < l; i++) {
        m->svp[i] = m->nodes + i * (p + 1);
        m->svp[i][p].index = -1;
    }
    return VX_OK;
}

int vxm_predict_svm(const vx_model *m, const double *X, size_t n, double *score, vx_error *err)
{
    size_t p = m->p;
    struct svm_node *x = malloc((p + 1) * sizeof *x);
    if (!x)
        return vx_error_set(err, VX_ENOMEM, "model svm: out of memory");
    struct svm_model sm;
    double *coefp[1], rho;
    int labels[2], nsv[2];
    svm_view(m, &sm, coefp, labels, nsv, &rho);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++) {
            x[j].index = (int)j + 1;
            x[j].value = X[i * p + j];
        }
        x[p].index = -1;
        double dec = 0;
        svm_predict_values(&sm, x, &dec);
        score[i] = m->label0 == 1 ? dec : -dec;
    }
    free(x);
    return VX_OK;
}

int vxm_fit_svm(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
{
    double gamma = m->par.gamma;
    if (gamma <= 0) { /* "scale": 1 / (p Var(X)), population variance over all entries */
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
        gamma = 1.0 / ((double)p * var);
    }
    m->gamma = gamma;
    struct svm_node *nodes = malloc(n * (p + 1) * sizeof *nodes);
    struct svm_node **rows = malloc(n * sizeof *rows);
    double *yy = malloc(n * sizeof *yy), *dec = malloc(n * sizeof *dec);
    int rc = VX_OK;
    if (!nodes || !rows || !yy || !dec) {
        rc = vx_error_set(err, VX_ENOMEM, "model svm: out of memory for %zu x %zu", n, p);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        struct svm_node *r = nodes + i * (p + 1);
        for (size_t j = 0; j < p; j++) {
            r[j].index = (int)j + 1;
            r[j].value = X[i * p + j];
        }
        r[p].index = -1;
        rows[i] = r;
        yy[i] = y[i];
    }
    struct svm_problem prob = {.l = (int)n, .y = yy, .x = rows};
    struct svm_parameter par = {.svm_type = C_SVC, .kernel_type = RBF, .degree = 3, .gamma = gamma, .coef0 = 0,
                                .cache_size = 100, .eps = 1e-3, .C = m->par.C, .nr_weight = 0, .nu = 0.5, .p = 0.1,
                                .shrinking = 1, .probability = 0};
    const char *msg = svm_check_parameter(&prob, &par);
    if (msg) {
        rc = vx_error_set(err, VX_EINVAL, "model svm: libsvm rejects the parameters: %s", msg);
        goto done;
    }
    pthread_mutex_lock(&vxm_ext_lock);
    svm_set_print_string_function(vxm_quiet_print);
    struct svm_model *sm = svm_train(&prob, &par);
    pthread_mutex_unlock(&vxm_ext_lock);
    if (!sm || sm->nr_class != 2 || !sm->nSV) {
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
    if (!rc) {
        for (int i = 0; i < sm->l; i++) {
            m->coef[i] = sm->sv_coef[0][i];
            size_t j = 0;
            for (const struct svm_node *nd = sm->SV[i]; nd->index != -1 && j < p; nd++, j++)
                m->svp[i][j] = *nd;
            for (; j < p; j++) { /* never: every row holds p nodes */
                m->svp[i][j].index = (int)j + 1;
                m->svp[i][j].value = 0;
            }
        }
    }
    svm_free_and_destroy_model(&sm);
    if (rc)
        goto done;
    rc = vxm_predict_svm(m, X, n, dec, err);
    if (!rc)
        platt_fit(n, dec, y, &m->platt_a, &m->platt_b);
done:
    free(nodes);
    free(rows);
    free(yy);
    free(dec);
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
            vxm_sb_printf(&b, "%d:%.17g ", m->svp[i][j].index, m->svp[i][j].value);
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
            m->svp[i][j].index = (int)idx;
            m->svp[i][j].value = strtod(e, &e2);
            if (e2 == e || !isfinite(m->svp[i][j].value))
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
done:
    free(copy);
    return rc;
}
