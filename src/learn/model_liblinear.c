/* voxomics: L1-penalised logistic regression by liblinear (the "logreg-l1" model of voxomics/model.h) and its
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

#include <linear.h>

#include "learn/model_impl.h"

/* ---- liblinear L1 logistic regression --------------------------------------------------------------------- */

int vxm_fit_logreg_l1(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
{
    struct feature_node *nodes = malloc(n * (p + 2) * sizeof *nodes);
    struct feature_node **rows = malloc(n * sizeof *rows);
    double *yy = malloc(n * sizeof *yy);
    int rc = VX_OK;
    if (!nodes || !rows || !yy) {
        rc = vx_error_set(err, VX_ENOMEM, "model logreg-l1: out of memory for %zu x %zu", n, p);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        struct feature_node *r = nodes + i * (p + 2);
        for (size_t j = 0; j < p; j++) {
            r[j].index = (int)j + 1;
            r[j].value = X[i * p + j];
        }
        r[p].index = (int)p + 1; /* liblinear's bias feature */
        r[p].value = 1.0;
        r[p + 1].index = -1;
        rows[i] = r;
        yy[i] = y[i];
    }
    struct problem prob = {.l = (int)n, .n = (int)p + 1, .y = yy, .x = rows, .bias = 1.0};
    struct parameter par = {.solver_type = L1R_LR, .eps = 1e-7, .C = m->par.C}; /* converged (model.h) */
    const char *msg = check_parameter(&prob, &par);
    if (msg) {
        rc = vx_error_set(err, VX_EINVAL, "model logreg-l1: liblinear rejects the parameters: %s", msg);
        goto done;
    }
    pthread_mutex_lock(&vxm_ext_lock);
    set_print_string_function(vxm_quiet_print);
    srand((unsigned)(m->par.seed ^ (m->par.seed >> 32)));
    struct model *lm = train(&prob, &par);
    pthread_mutex_unlock(&vxm_ext_lock);
    if (!lm || lm->nr_class != 2 || lm->nr_feature != (int)p || lm->bias != 1.0) {
        if (lm)
            free_and_destroy_model(&lm);
        rc = vx_error_set(err, VX_EUNSUPPORTED, "model logreg-l1: liblinear training failed");
        goto done;
    }
    m->lw = malloc((p + 1) * sizeof *m->lw);
    if (!m->lw) {
        free_and_destroy_model(&lm);
        rc = vx_error_set(err, VX_ENOMEM, "model logreg-l1: out of memory");
        goto done;
    }
    memcpy(m->lw, lm->w, (p + 1) * sizeof *m->lw);
    m->label0 = lm->label[0];
    free_and_destroy_model(&lm);
done:
    free(nodes);
    free(rows);
    free(yy);
    return rc;
}

int vxm_predict_logreg_l1(const vx_model *m, const double *X, size_t n, double *score, vx_error *err)
{
    size_t p = m->p;
    struct feature_node *x = malloc((p + 2) * sizeof *x);
    if (!x)
        return vx_error_set(err, VX_ENOMEM, "model logreg-l1: out of memory");
    int labels[2] = {m->label0, 1 - m->label0};
    struct model lm = {.param = {.solver_type = L1R_LR}, .nr_class = 2, .nr_feature = (int)p, .w = m->lw,
                       .label = labels, .bias = 1.0};
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++) {
            x[j].index = (int)j + 1;
            x[j].value = X[i * p + j];
        }
        x[p].index = (int)p + 1;
        x[p].value = 1.0;
        x[p + 1].index = -1;
        double dec = 0;
        predict_values(&lm, x, &dec);
        score[i] = m->label0 == 1 ? dec : -dec;
    }
    free(x);
    return VX_OK;
}

char *vxm_liblinear_text(const vx_model *m)
{
    sbuf b = {0};
    vxm_sb_printf(&b, "solver_type L1R_LR\nnr_class 2\nlabel %d %d\nnr_feature %zu\nbias %.17g\nw\n", m->label0,
              1 - m->label0, m->p, 1.0);
    for (size_t j = 0; j <= m->p; j++)
        vxm_sb_printf(&b, "%.17g \n", m->lw[j]);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

int vxm_parse_liblinear(const char *text, vx_model *m, vx_error *err)
{
    char *copy = strdup(text), *s = copy, *l;
    int rc = VX_OK, have_w = 0, l0 = -1, l1 = -1;
    long nf = -1;
    double bias = -1;
    if (!copy)
        return vx_error_set(err, VX_ENOMEM, "model logreg-l1: out of memory");
    while (!have_w && (l = vxm_next_line(&s))) {
        if (strcmp(l, "solver_type L1R_LR") == 0 || strcmp(l, "nr_class 2") == 0)
            continue;
        if (sscanf(l, "label %d %d", &l0, &l1) == 2 || sscanf(l, "nr_feature %ld", &nf) == 1 ||
            sscanf(l, "bias %lf", &bias) == 1)
            continue;
        if (strcmp(l, "w") == 0) {
            have_w = 1;
            continue;
        }
        rc = vx_error_set(err, VX_EFORMAT, "model JSON liblinear: unexpected line \"%.40s\"", l);
        goto done;
    }
    if (!have_w || nf != (long)m->p || bias != 1.0 || !((l0 == 0 && l1 == 1) || (l0 == 1 && l1 == 0))) {
        rc = vx_error_set(err, VX_EFORMAT,
                          "model JSON liblinear: header must give label 0 1 (or 1 0), nr_feature %zu, bias 1 and w",
                          m->p);
        goto done;
    }
    m->label0 = l0;
    m->lw = malloc((m->p + 1) * sizeof *m->lw);
    if (!m->lw) {
        rc = vx_error_set(err, VX_ENOMEM, "model logreg-l1: out of memory");
        goto done;
    }
    for (size_t j = 0; j <= m->p; j++) {
        l = vxm_next_line(&s);
        if (!l || !vxm_parse_double(l, &m->lw[j])) {
            rc = vx_error_set(err, VX_EFORMAT, "model JSON liblinear: weight %zu of %zu missing or not a number", j + 1,
                              m->p + 1);
            goto done;
        }
    }
done:
    free(copy);
    return rc;
}
