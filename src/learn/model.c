/* voxomics: binary classifiers (logistic regression by Newton, liblinear L1 logistic regression, libsvm RBF
 * SVM, XGBoost random forest and gradient boosting) with exact JSON serialisation. See voxomics/model.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <lapacke.h>
#include <libsvm/svm.h>
#include <linear.h>
#include <xgboost/c_api.h>

#include "learn/model_impl.h"
#include "learn/warm.h"

/* The lock around libsvm's and liblinear's process-wide state (see model_impl.h). */
pthread_mutex_t vxm_ext_lock = PTHREAD_MUTEX_INITIALIZER;

void vxm_quiet_print(const char *s)
{
    (void)s;
}

static const char *const kind_names[] = {"logreg", "logreg-l1", "svm", "rf", "gbm", "cox", "coxnet"};

const char *vx_model_kind_name(vx_model_kind k)
{
    return (unsigned)k < 7 ? kind_names[k] : "?";
}

int vx_model_kind_find(const char *name)
{
    for (int k = 0; name && k < 7; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return VX_EINVAL;
}

void vx_model_params_default(vx_model_params *p, vx_model_kind k)
{
    memset(p, 0, sizeof *p);
    p->kind = k;
    p->C = 1.0;
    p->gamma = 0.0;
    p->trees = 100;
    p->depth = k == VX_MODEL_RF ? 8 : 3;
    p->eta = 0.1;
    p->seed = 0;
    p->reg_lambda = k == VX_MODEL_RF ? 0.0 : 1.0;
    p->min_child_weight = 1.0;
    p->subsample = k == VX_MODEL_RF ? 0.632 : 1.0;
    p->colsample_bytree = 1.0;
    p->colsample_bynode = k == VX_MODEL_RF ? 0.0 : 1.0;
    p->base_score = 0.0;
    p->lambda = 0.0;
    p->l1_ratio = 1.0;
}

int vx_model_params_preset(vx_model_params *p, const char *name, vx_error *err)
{
    if (!p || !name || strcmp(name, "sklearn"))
        return vx_error_set(err, VX_EINVAL, "unknown model preset '%s': the presets are: sklearn",
                            name ? name : "(null)");
    if (p->kind == VX_MODEL_GBM) { /* GradientBoostingClassifier() */
        p->criterion = VX_GBM_FRIEDMAN_MSE;
        p->trees = 100;
        p->depth = 3;
        p->eta = 0.1;
        p->reg_lambda = 0.0;
        p->min_child_weight = 0.0;
        p->subsample = 1.0;
        p->colsample_bytree = 1.0;
        p->colsample_bynode = 1.0;
        p->base_score = VX_BASE_SCORE_PRIOR;
    } else if (p->kind == VX_MODEL_RF) { /* RandomForestClassifier(max_features="sqrt", min_samples_leaf=1) */
        p->bootstrap = 1;
        p->reg_lambda = 0.0;
        p->min_child_weight = 0.0;
        p->subsample = 1.0;
        p->colsample_bytree = 1.0;
        p->colsample_bynode = 0.0;
        p->base_score = 0.0;
    }
    return VX_OK;
}

void vx_model_free(vx_model *m)
{
    if (!m)
        return;
    for (int k = 0; m->ovr && k < m->nclass; k++)
        vx_model_free(m->ovr[k]);
    free(m->ovr);
    free(m->w);
    free(m->lw);
    free(m->coef);
    free(m->sv);
    free(m->svn);
    free(m->xgb_json);
    free(m->gbt_nodes);
    free(m->gbt_start);
    if (m->booster)
        XGBoosterFree(m->booster);
    free(m);
}

size_t vx_model_nfeatures(const vx_model *m)
{
    return m ? m->p : 0;
}

const vx_model_params *vx_model_get_params(const vx_model *m)
{
    return m ? &m->par : NULL;
}

const double *vx_model_logreg_coef(const vx_model *m, double *intercept)
{
    if (!m || m->par.kind != VX_MODEL_LOGREG)
        return NULL;
    if (intercept)
        *intercept = m->b;
    return m->w;
}

double vx_model_grad_norm(const vx_model *m)
{
    return m && m->par.kind == VX_MODEL_LOGREG ? m->grad_norm : NAN;
}

/* ---- checks ---------------------------------------------------------------------------------------------- */

static int check_params(const vx_model_params *mp, vx_error *err)
{
    const char *kn = vx_model_kind_name(mp->kind);
    if (mp->kind == VX_MODEL_COX || mp->kind == VX_MODEL_COXNET)
        return vx_error_set(err, VX_EINVAL, "model %s: a Cox model needs a time-to-event outcome (time and event): "
                                            "fit it in a survival pipeline (vx_pipeline_fit_surv; --time, --event)", kn);
    if ((unsigned)mp->kind >= 5)
        return vx_error_set(err, VX_EINVAL, "model: unknown model kind %d: use logreg, logreg-l1, svm, rf or gbm",
                            (int)mp->kind);
    if (mp->kind <= VX_MODEL_SVM && !(isfinite(mp->C) && mp->C > 0))
        return vx_error_set(err, VX_EINVAL, "model %s: C = %g: C must be a finite number > 0", kn, mp->C);
    if (mp->kind == VX_MODEL_SVM && !isfinite(mp->gamma))
        return vx_error_set(err, VX_EINVAL, "model svm: gamma = %g: give a finite gamma > 0, or <= 0 for \"scale\"",
                            mp->gamma);
    if (mp->kind >= VX_MODEL_RF) {
        if (mp->trees < 1 || mp->trees > 100000)
            return vx_error_set(err, VX_EINVAL, "model %s: trees = %d: give 1 to 100000 trees", kn, mp->trees);
        if (mp->depth < 1 || mp->depth > 30)
            return vx_error_set(err, VX_EINVAL, "model %s: depth = %d: give a max_depth from 1 to 30", kn, mp->depth);
    }
    if (mp->kind == VX_MODEL_GBM && !(mp->eta > 0 && mp->eta <= 1))
        return vx_error_set(err, VX_EINVAL, "model gbm: eta = %g: the learning rate must lie in (0, 1]", mp->eta);
    if (mp->kind >= VX_MODEL_RF) {
        if (!(isfinite(mp->reg_lambda) && mp->reg_lambda >= 0))
            return vx_error_set(err, VX_EINVAL, "model %s: reg_lambda = %g: the L2 leaf penalty must be >= 0", kn,
                                mp->reg_lambda);
        if (!(isfinite(mp->min_child_weight) && mp->min_child_weight >= 0))
            return vx_error_set(err, VX_EINVAL, "model %s: min_child_weight = %g: give a hessian sum >= 0", kn,
                                mp->min_child_weight);
        const struct {
            const char *name;
            double v;
            int zero_ok;
        } frac[3] = {{"subsample", mp->subsample, 0},
                     {"colsample_bytree", mp->colsample_bytree, 0},
                     {"colsample_bynode", mp->colsample_bynode, mp->kind == VX_MODEL_RF}};
        for (int i = 0; i < 3; i++)
            if (!((frac[i].v > 0 && frac[i].v <= 1) || (frac[i].zero_ok && frac[i].v == 0)))
                return vx_error_set(err, VX_EINVAL, "model %s: %s = %g: give a fraction in (0, 1]%s", kn, frac[i].name,
                                    frac[i].v, frac[i].zero_ok ? ", or 0 for sqrt(p) / p" : "");
        if (mp->criterion != VX_GBM_XGBOOST && !(mp->kind == VX_MODEL_GBM && mp->criterion == VX_GBM_FRIEDMAN_MSE))
            return vx_error_set(err, VX_EINVAL, "model %s: criterion = %d: give 0 (xgboost)%s", kn, mp->criterion,
                                mp->kind == VX_MODEL_GBM ? " or 1 (friedman_mse)" : "");
        if (mp->criterion == VX_GBM_FRIEDMAN_MSE &&
            (mp->subsample != 1 || mp->colsample_bytree != 1 || mp->colsample_bynode != 1 ||
             mp->base_score != VX_BASE_SCORE_PRIOR))
            return vx_error_set(err, VX_EINVAL,
                                "model gbm: criterion friedman_mse (scikit-learn's trees) needs subsample, "
                                "colsample_bytree and colsample_bynode 1 and base_score prior: set them, or use "
                                "criterion xgboost");
        if (mp->bootstrap != 0 && mp->bootstrap != 1)
            return vx_error_set(err, VX_EINVAL, "model %s: bootstrap = %d: give 0 or 1", kn, mp->bootstrap);
        if (!((mp->base_score > 0 && mp->base_score < 1) || mp->base_score == 0 ||
              mp->base_score == VX_BASE_SCORE_PRIOR))
            return vx_error_set(err, VX_EINVAL,
                                "model %s: base_score = %g: give a probability in (0, 1), 0 for XGBoost's 0.5 or %g "
                                "for the prior (the class-1 fraction of the training labels)",
                                kn, mp->base_score, VX_BASE_SCORE_PRIOR);
    }
    return VX_OK;
}

static int check_x(const char *kn, const double *X, size_t n, size_t p, vx_error *err)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[i * p + j]))
                return vx_error_set(err, VX_EINVAL,
                                    "model %s: X[%zu][%zu] = %g is not finite: impute or drop missing values first", kn,
                                    i, j, X[i * p + j]);
    return VX_OK;
}

/* ---- text and JSON helpers -------------------------------------------------------------------------------- */

void vxm_sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = 1;
            return;
        }
        if (b->s && b->len + (size_t)k < b->cap) {
            b->len += (size_t)k;
            return;
        }
        size_t nc = b->cap ? b->cap : 256;
        while (nc <= b->len + (size_t)k)
            nc *= 2;
        char *ns = realloc(b->s, nc);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = nc;
    }
}


/* Parse a whole string as one double. */
int vxm_parse_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    while (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r')
        end++;
    return end != s && *end == 0 && isfinite(*v);
}

/* Next line of s (modifies s); NULL at the end. */
char *vxm_next_line(char **s)
{
    if (!*s || !**s)
        return NULL;
    char *l = *s, *e = strchr(l, '\n');
    if (e) {
        *e = 0;
        *s = e + 1;
    } else
        *s = l + strlen(l);
    return l;
}

/* Add name: v as a raw JSON number printed %.17g (exact through strtod). */
static int json_add_double(cJSON *o, const char *name, double v, vx_error *err)
{
    char buf[40];
    if (!isfinite(v))
        return vx_error_set(err, VX_EINVAL, "model: cannot serialise %s = %g: not finite", name, v);
    snprintf(buf, sizeof buf, "%.17g", v);
    if (!cJSON_AddRawToObject(o, name, buf))
        return vx_error_set(err, VX_ENOMEM, "model: out of memory writing JSON member %s", name);
    return VX_OK;
}

static int json_add_darray(cJSON *o, const char *name, const double *v, size_t n, vx_error *err)
{
    sbuf b = {0};
    vxm_sb_printf(&b, "[");
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            free(b.s);
            return vx_error_set(err, VX_EINVAL, "model: cannot serialise %s[%zu] = %g: not finite", name, i, v[i]);
        }
        vxm_sb_printf(&b, "%s%.17g", i ? "," : "", v[i]);
    }
    vxm_sb_printf(&b, "]");
    int rc = VX_OK;
    if (b.oom || !cJSON_AddRawToObject(o, name, b.s))
        rc = vx_error_set(err, VX_ENOMEM, "model: out of memory writing JSON member %s", name);
    free(b.s);
    return rc;
}

static int json_add_string(cJSON *o, const char *name, const char *s, vx_error *err)
{
    if (!cJSON_AddStringToObject(o, name, s))
        return vx_error_set(err, VX_ENOMEM, "model: out of memory writing JSON member %s", name);
    return VX_OK;
}


/* A number member: a parsed number, or a raw member written by json_add_double. */
static int json_get_double(const cJSON *o, const char *name, double *v, vx_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    if (it && cJSON_IsNumber(it) && isfinite(it->valuedouble)) {
        *v = it->valuedouble;
        return VX_OK;
    }
    if (it && cJSON_IsRaw(it) && it->valuestring && vxm_parse_double(it->valuestring, v))
        return VX_OK;
    return vx_error_set(err, VX_EFORMAT, "model JSON: member \"%s\" is missing or not a finite number", name);
}

static int json_get_int(const cJSON *o, const char *name, int lo, int hi, int *v, vx_error *err)
{
    double d;
    int rc = json_get_double(o, name, &d, err);
    if (rc)
        return rc;
    if (d != floor(d) || d < lo || d > hi)
        return vx_error_set(err, VX_EFORMAT, "model JSON: member \"%s\" = %g is not an integer in [%d, %d]", name, d,
                            lo, hi);
    *v = (int)d;
    return VX_OK;
}

/* An array of n numbers: a parsed array, or a raw "[a,b,...]" member written by json_add_darray. */
static int json_get_darray(const cJSON *o, const char *name, double *v, size_t n, vx_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    if (it && cJSON_IsArray(it)) {
        size_t k = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, it)
        {
            if (k >= n || !cJSON_IsNumber(e) || !isfinite(e->valuedouble))
                return vx_error_set(err, VX_EFORMAT, "model JSON: \"%s\" must hold %zu finite numbers", name, n);
            v[k++] = e->valuedouble;
        }
        if (k != n)
            return vx_error_set(err, VX_EFORMAT, "model JSON: \"%s\" holds %zu numbers, expected %zu", name, k, n);
        return VX_OK;
    }
    if (it && cJSON_IsRaw(it) && it->valuestring) {
        const char *s = it->valuestring;
        while (*s == ' ')
            s++;
        if (*s++ != '[')
            goto bad;
        for (size_t k = 0; k < n; k++) {
            char *end;
            v[k] = strtod(s, &end);
            if (end == s || !isfinite(v[k]))
                goto bad;
            s = end;
            while (*s == ' ')
                s++;
            if (*s != (k + 1 < n ? ',' : ']'))
                goto bad;
            s++;
        }
        return VX_OK;
    }
bad:
    return vx_error_set(err, VX_EFORMAT, "model JSON: member \"%s\" is missing or not an array of %zu numbers", name,
                        n);
}

/* ---- public ----------------------------------------------------------------------------------------------- */

/* More than two classes: one binary model per class (class k = 1, the others = 0), fitted in class order. */
static int fit_ovr(const double *X, size_t n, size_t p, const int *y, int K, const vx_model_params *mp, vx_model **out,
                   vx_error *err)
{
    vx_model *m = calloc(1, sizeof *m);
    int *yk = malloc(n * sizeof *yk);
    int rc = VX_OK;
    if (!m || !yk || !(m->ovr = calloc((size_t)K, sizeof *m->ovr))) {
        free(yk);
        vx_model_free(m);
        return vx_error_set(err, VX_ENOMEM, "model %s: out of memory", vx_model_kind_name(mp->kind));
    }
    m->par = *mp;
    m->p = p;
    m->grad_norm = NAN;
    m->nclass = K;
    for (int k = 0; rc == VX_OK && k < K; k++) {
        for (size_t i = 0; i < n; i++)
            yk[i] = y[i] == k;
        rc = vx_model_fit(X, n, p, yk, mp, &m->ovr[k], err);
        if (rc)
            vx_error_prefix(err, "one-vs-rest, class %d: ", k);
    }
    free(yk);
    if (rc) {
        vx_model_free(m);
        return rc;
    }
    *out = m;
    return VX_OK;
}

int vx_model_nclasses(const vx_model *m)
{
    return !m ? 0 : m->nclass > 2 ? m->nclass : 2;
}

int vx_model_predict_multi(const vx_model *m, const double *X, size_t n, double *score, double *prob, vx_error *err)
{
    if (!m || (!X && n))
        return vx_error_set(err, VX_EINVAL, "model predict: model and X must not be NULL");
    if (m->nclass <= 2) { /* binary: class 0 = 1 - P(class 1), score of class 0 = -score */
        double *s = malloc((n + 1) * sizeof *s), *pr = malloc((n + 1) * sizeof *pr);
        int rc = s && pr ? vx_model_predict(m, X, n, s, pr, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
        for (size_t i = 0; rc == VX_OK && i < n; i++) {
            if (score) {
                score[2 * i] = -s[i];
                score[2 * i + 1] = s[i];
            }
            if (prob) {
                prob[2 * i] = 1.0 - pr[i];
                prob[2 * i + 1] = pr[i];
            }
        }
        free(s);
        free(pr);
        return rc;
    }
    size_t K = (size_t)m->nclass;
    double *s = malloc((n + 1) * sizeof *s), *pr = malloc((n + 1) * sizeof *pr);
    int rc = s && pr ? VX_OK : vx_error_set(err, VX_ENOMEM, "model: out of memory");
    for (size_t k = 0; rc == VX_OK && k < K; k++) {
        rc = vx_model_predict(m->ovr[k], X, n, s, pr, err);
        for (size_t i = 0; rc == VX_OK && i < n; i++) {
            if (score)
                score[i * K + k] = s[i];
            if (prob)
                prob[i * K + k] = pr[i];
        }
    }
    for (size_t i = 0; rc == VX_OK && prob && i < n; i++) { /* normalise: p_k / sum_j p_j (OneVsRestClassifier) */
        double sum = 0.0;
        for (size_t k = 0; k < K; k++)
            sum += prob[i * K + k];
        for (size_t k = 0; k < K; k++)
            prob[i * K + k] = sum > 0 ? prob[i * K + k] / sum : 1.0 / (double)K;
    }
    free(s);
    free(pr);
    return rc;
}

int vx_model_fit(const double *X, size_t n, size_t p, const int *y, const vx_model_params *mp, vx_model **out,
                 vx_error *err)
{
    return vxm_model_fit_warm(X, n, p, y, mp, NULL, out, err);
}

int vxm_model_fit_warm(const double *X, size_t n, size_t p, const int *y, const vx_model_params *mp,
                       const vx_model *warm, vx_model **out, vx_error *err)
{
    if (out)
        *out = NULL;
    if (!X || !y || !mp || !out)
        return vx_error_set(err, VX_EINVAL, "model fit: X, y, parameters and output must not be NULL");
    int rc = check_params(mp, err);
    if (rc)
        return rc;
    const char *kn = vx_model_kind_name(mp->kind);
    if (n < 2 || p < 1 || n > (size_t)INT_MAX / 2 || p > (size_t)INT_MAX / 2 || n > SIZE_MAX / (p + 2))
        return vx_error_set(err, VX_EINVAL, "model %s: %zu samples x %zu features: need at least 2 x 1 (and < 2^30)",
                            kn, n, p);
    size_t n1 = 0;
    int K = 2;
    for (size_t i = 0; i < n; i++) {
        if (y[i] < 0 || y[i] > 255)
            return vx_error_set(err, VX_EINVAL, "model %s: y[%zu] = %d: labels must be 0, 1, ... (at most 256 classes)",
                                kn, i, y[i]);
        if (y[i] + 1 > K)
            K = y[i] + 1;
        n1 += y[i] == 1;
    }
    if (K > 2) { /* more than two classes: one-vs-rest; every class must be present */
        for (int k = 0; k < K; k++) {
            size_t c = 0;
            for (size_t i = 0; i < n; i++)
                c += y[i] == k;
            if (!c)
                return vx_error_set(err, VX_EINVAL,
                                    "model %s: no sample of class %d among labels 0..%d: number the classes 0, 1, ... "
                                    "without gaps, each present in the training set",
                                    kn, k, K - 1);
        }
        rc = check_x(kn, X, n, p, err);
        return rc ? rc : fit_ovr(X, n, p, y, K, mp, out, err);
    }
    if (n1 == 0 || n1 == n)
        return vx_error_set(err, VX_EINVAL,
                            "model %s: all %zu samples have label %d: both classes must be present in the training set",
                            kn, n, n1 ? 1 : 0);
    rc = check_x(kn, X, n, p, err);
    if (rc)
        return rc;
    vx_model *m = calloc(1, sizeof *m);
    if (!m)
        return vx_error_set(err, VX_ENOMEM, "model %s: out of memory", kn);
    m->par = *mp;
    m->p = p;
    m->grad_norm = NAN;
    switch (mp->kind) {
    case VX_MODEL_LOGREG: {
        double *init = warm && warm->par.kind == VX_MODEL_LOGREG && warm->p == p && warm->w
                           ? malloc((p + 1) * sizeof *init)
                           : NULL;
        if (init) { /* (w, b) of the warm model */
            memcpy(init, warm->w, p * sizeof *init);
            init[p] = warm->b;
        }
        rc = vxm_fit_logreg_from(X, n, p, y, init, m, err);
        free(init);
        break;
    }
    case VX_MODEL_LOGREG_L1:
        rc = vxm_fit_logreg_l1(X, n, p, y, m, err);
        break;
    case VX_MODEL_SVM:
        rc = vxm_fit_svm(X, n, p, y, m, err);
        break;
    default:
        rc = mp->criterion == VX_GBM_FRIEDMAN_MSE ? vxm_fit_gbt(X, n, p, y, m, err) : vxm_fit_xgb(X, n, p, y, m, err);
        break;
    }
    if (rc) {
        vx_model_free(m);
        return rc;
    }
    *out = m;
    return VX_OK;
}

int vx_model_predict(const vx_model *m, const double *X, size_t n, double *score, double *prob, vx_error *err)
{
    if (!m || (!X && n))
        return vx_error_set(err, VX_EINVAL, "model predict: model and X must not be NULL");
    if (n == 0 || (!score && !prob))
        return VX_OK;
    const char *kn = vx_model_kind_name(m->par.kind);
    if (m->nclass > 2)
        return vx_error_set(err, VX_EINVAL,
                            "model %s: a %d-class model has one score per class: use vx_model_predict_multi", kn,
                            m->nclass);
    int rc = check_x(kn, X, n, m->p, err);
    if (rc)
        return rc;
    if (m->par.kind == VX_MODEL_GBM && m->par.criterion == VX_GBM_FRIEDMAN_MSE)
        return vxm_predict_gbt(m, X, n, score, prob, err);
    if (m->par.kind == VX_MODEL_RF || m->par.kind == VX_MODEL_GBM)
        return vxm_predict_xgb(m, X, n, score, prob, err);
    double *s = score ? score : malloc(n * sizeof *s);
    if (!s)
        return vx_error_set(err, VX_ENOMEM, "model %s: out of memory", kn);
    switch (m->par.kind) {
    case VX_MODEL_LOGREG:
        for (size_t i = 0; i < n; i++) {
            double z = m->b;
            for (size_t j = 0; j < m->p; j++)
                z += X[i * m->p + j] * m->w[j];
            s[i] = z;
        }
        break;
    case VX_MODEL_LOGREG_L1:
        rc = vxm_predict_logreg_l1(m, X, n, s, err);
        break;
    default:
        rc = vxm_predict_svm(m, X, n, s, err);
        break;
    }
    if (!rc && prob)
        for (size_t i = 0; i < n; i++) {
            if (m->par.kind == VX_MODEL_SVM) {
                double e = m->platt_a * s[i] + m->platt_b; /* 1 / (1 + exp(e)), overflow-safe */
                prob[i] = e >= 0 ? exp(-e) / (1.0 + exp(-e)) : 1.0 / (1.0 + exp(e));
            } else
                prob[i] = 1.0 - vxm_sigm_neg(s[i]); /* 1 / (1 + exp(-s)) */
        }
    if (s != score)
        free(s);
    return rc;
}

int vx_model_to_json(const vx_model *m, void *cjson_object, vx_error *err)
{
    cJSON *o = cjson_object;
    if (!m || !o || !cJSON_IsObject(o))
        return vx_error_set(err, VX_EINVAL, "model to JSON: model and a cJSON object are required");
    const vx_model_params *mp = &m->par;
    if (m->nclass > 2) { /* "kind", "p", "classes", "ovr": the binary models of class 0, 1, ... */
        int rc = json_add_string(o, "kind", vx_model_kind_name(mp->kind), err);
        if (!rc)
            rc = json_add_double(o, "p", (double)m->p, err);
        if (!rc)
            rc = json_add_double(o, "classes", m->nclass, err);
        cJSON *a = rc ? NULL : cJSON_AddArrayToObject(o, "ovr");
        if (!rc && !a)
            rc = vx_error_set(err, VX_ENOMEM, "model: out of memory writing JSON member ovr");
        for (int k = 0; !rc && k < m->nclass; k++) {
            cJSON *sub = cJSON_CreateObject();
            if (!sub || !cJSON_AddItemToArray(a, sub)) {
                cJSON_Delete(sub);
                return vx_error_set(err, VX_ENOMEM, "model: out of memory writing JSON member ovr");
            }
            rc = vx_model_to_json(m->ovr[k], sub, err);
        }
        return rc;
    }
    char seed[32];
    snprintf(seed, sizeof seed, "%lu", mp->seed);
    int rc;
    if ((rc = json_add_string(o, "kind", vx_model_kind_name(mp->kind), err)) ||
        (rc = json_add_double(o, "p", (double)m->p, err)) || (rc = json_add_double(o, "C", mp->C, err)) ||
        (rc = json_add_double(o, "gamma", mp->gamma, err)) || (rc = json_add_double(o, "trees", mp->trees, err)) ||
        (rc = json_add_double(o, "depth", mp->depth, err)) || (rc = json_add_double(o, "eta", mp->eta, err)) ||
        (rc = json_add_string(o, "seed", seed, err)))
        return rc;
    if (mp->kind >= VX_MODEL_RF &&
        ((rc = json_add_double(o, "reg_lambda", mp->reg_lambda, err)) ||
         (rc = json_add_double(o, "min_child_weight", mp->min_child_weight, err)) ||
         (rc = json_add_double(o, "subsample", mp->subsample, err)) ||
         (rc = json_add_double(o, "colsample_bytree", mp->colsample_bytree, err)) ||
         (rc = json_add_double(o, "colsample_bynode", mp->colsample_bynode, err)) ||
         (rc = json_add_double(o, "base_score", mp->base_score, err)) ||
         (rc = json_add_double(o, "bootstrap", mp->bootstrap, err)) ||
         (rc = json_add_string(o, "criterion", mp->criterion == VX_GBM_FRIEDMAN_MSE ? "friedman_mse" : "xgboost",
                               err))))
        return rc;
    char *text = NULL;
    switch (mp->kind) {
    case VX_MODEL_LOGREG:
        if ((rc = json_add_darray(o, "coef", m->w, m->p, err)) || (rc = json_add_double(o, "intercept", m->b, err)) ||
            (rc = json_add_double(o, "grad_norm", m->grad_norm, err)))
            return rc;
        return VX_OK;
    case VX_MODEL_LOGREG_L1:
        if (!(text = vxm_liblinear_text(m)))
            return vx_error_set(err, VX_ENOMEM, "model logreg-l1: out of memory writing the liblinear model");
        rc = json_add_string(o, "liblinear", text, err);
        free(text);
        return rc;
    case VX_MODEL_SVM:
        if (!(text = vxm_libsvm_text(m)))
            return vx_error_set(err, VX_ENOMEM, "model svm: out of memory writing the libsvm model");
        rc = json_add_string(o, "libsvm", text, err);
        free(text);
        if (!rc && !(rc = json_add_double(o, "platt_A", m->platt_a, err)))
            rc = json_add_double(o, "platt_B", m->platt_b, err);
        return rc;
    default:
        if (mp->criterion == VX_GBM_FRIEDMAN_MSE) { /* "gbt_init", "gbt_start" (trees), "gbt_nodes" (5 per node) */
            double *st = malloc((m->gbt_trees + 1) * sizeof *st);
            if (!st)
                return vx_error_set(err, VX_ENOMEM, "model gbm: out of memory");
            for (size_t t = 0; t < m->gbt_trees; t++)
                st[t] = (double)m->gbt_start[t];
            if (!(rc = json_add_double(o, "gbt_init", m->gbt_init, err)) &&
                !(rc = json_add_double(o, "gbt_nodes_count", (double)m->gbt_len, err)) &&
                !(rc = json_add_darray(o, "gbt_start", st, m->gbt_trees, err)))
                rc = json_add_darray(o, "gbt_nodes", m->gbt_nodes, 5 * m->gbt_len, err);
            free(st);
            return rc;
        }
        return json_add_string(o, "xgboost", m->xgb_json, err);
    }
}

/* gbm with criterion friedman_mse: the trees written by vx_model_to_json. */
static int gbt_from_json(const cJSON *o, vx_model *m, vx_error *err)
{
    int nn = 0, rc;
    m->gbt_trees = (size_t)m->par.trees;
    if ((rc = json_get_double(o, "gbt_init", &m->gbt_init, err)) ||
        (rc = json_get_int(o, "gbt_nodes_count", 1, INT_MAX / 8, &nn, err)))
        return rc;
    m->gbt_len = m->gbt_cap = (size_t)nn;
    double *st = malloc((m->gbt_trees + 1) * sizeof *st);
    m->gbt_start = malloc((m->gbt_trees + 1) * sizeof *m->gbt_start);
    m->gbt_nodes = malloc(5 * m->gbt_len * sizeof *m->gbt_nodes);
    if (!st || !m->gbt_start || !m->gbt_nodes) {
        free(st);
        return vx_error_set(err, VX_ENOMEM, "model from JSON: out of memory");
    }
    rc = json_get_darray(o, "gbt_start", st, m->gbt_trees, err);
    for (size_t t = 0; rc == VX_OK && t < m->gbt_trees; t++) {
        if (st[t] < 0 || st[t] >= (double)m->gbt_len || st[t] != floor(st[t]) || (t && st[t] <= st[t - 1]))
            rc = vx_error_set(err, VX_EFORMAT, "model JSON gbm: \"gbt_start\"[%zu] is invalid", t);
        else
            m->gbt_start[t] = (size_t)st[t];
    }
    free(st);
    if (rc == VX_OK)
        rc = json_get_darray(o, "gbt_nodes", m->gbt_nodes, 5 * m->gbt_len, err);
    return rc == VX_OK ? vxm_check_gbt(m, err) : rc;
}

/* "seed": a decimal string. */
static int json_get_seed(const cJSON *sj, unsigned long *seed, vx_error *err)
{
    if (!cJSON_IsString(sj))
        return vx_error_set(err, VX_EFORMAT, "model JSON: member \"seed\" (a decimal string) is missing");
    char *e;
    errno = 0;
    *seed = strtoul(sj->valuestring, &e, 10);
    if (e == sj->valuestring || *e || errno)
        return vx_error_set(err, VX_EFORMAT, "model JSON: \"seed\" = \"%.30s\" is not an unsigned integer",
                            sj->valuestring);
    return VX_OK;
}

/* A one-vs-rest model's members ("p", "classes", "ovr") into m (kind: its "kind"). */
static int ovr_from_json(const cJSON *o, int kind, vx_model *m, vx_error *err)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "ovr");
    int rc, p = 0;
    if ((rc = json_get_int(o, "p", 1, INT_MAX / 2, &p, err)) ||
        (rc = json_get_int(o, "classes", 3, 256, &m->nclass, err)))
        return rc;
    m->p = (size_t)p;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != m->nclass)
        return vx_error_set(err, VX_EFORMAT, "model JSON: \"ovr\" must hold %d models", m->nclass);
    if (!(m->ovr = calloc((size_t)m->nclass, sizeof *m->ovr)))
        return vx_error_set(err, VX_ENOMEM, "model from JSON: out of memory");
    for (int k = 0; k < m->nclass; k++) {
        if ((rc = vx_model_from_json(cJSON_GetArrayItem(a, k), &m->ovr[k], err))) {
            vx_error_prefix(err, "one-vs-rest class %d: ", k);
            return rc;
        }
        if (m->ovr[k]->p != m->p || m->ovr[k]->par.kind != (vx_model_kind)kind || m->ovr[k]->nclass > 2)
            return vx_error_set(err, VX_EFORMAT, "model JSON: one-vs-rest class %d does not match the model", k);
    }
    m->par = m->ovr[0]->par;
    return VX_OK;
}

/* rf, gbm: the tree parameters, optional (model files written before they existed hold the defaults). */
static int tree_params_from_json(const cJSON *o, vx_model_params *par, vx_error *err)
{
    const struct {
        const char *name;
        double *v;
    } tp[6] = {{"reg_lambda", &par->reg_lambda},       {"min_child_weight", &par->min_child_weight},
               {"subsample", &par->subsample},         {"colsample_bytree", &par->colsample_bytree},
               {"colsample_bynode", &par->colsample_bynode}, {"base_score", &par->base_score}};
    int rc;
    for (int i = 0; i < 6; i++)
        if (cJSON_GetObjectItemCaseSensitive(o, tp[i].name) && (rc = json_get_double(o, tp[i].name, tp[i].v, err)))
            return rc;
    if (cJSON_GetObjectItemCaseSensitive(o, "bootstrap") && (rc = json_get_int(o, "bootstrap", 0, 1, &par->bootstrap, err)))
        return rc;
    const cJSON *cj = cJSON_GetObjectItemCaseSensitive(o, "criterion");
    if (cj) {
        if (cJSON_IsString(cj) && !strcmp(cj->valuestring, "friedman_mse"))
            par->criterion = VX_GBM_FRIEDMAN_MSE;
        else if (!cJSON_IsString(cj) || strcmp(cj->valuestring, "xgboost"))
            return vx_error_set(err, VX_EFORMAT, "model JSON: \"criterion\" must be \"xgboost\" or \"friedman_mse\"");
    }
    return VX_OK;
}

int vx_model_from_json(const void *cjson_object, vx_model **out, vx_error *err)
{
    const cJSON *o = cjson_object;
    if (out)
        *out = NULL;
    if (!o || !out || !cJSON_IsObject(o))
        return vx_error_set(err, VX_EINVAL, "model from JSON: a cJSON object and an output are required");
    const cJSON *kj = cJSON_GetObjectItemCaseSensitive(o, "kind");
    int kind = cJSON_IsString(kj) ? vx_model_kind_find(kj->valuestring) : VX_EINVAL;
    if (kind < 0 || kind >= VX_MODEL_COX)
        return vx_error_set(err, VX_EFORMAT, "model JSON: \"kind\" must be logreg, logreg-l1, svm, rf or gbm%s",
                            kind >= VX_MODEL_COX ? " (a Cox model is read by its survival pipeline)" : "");
    vx_model *m = calloc(1, sizeof *m);
    if (!m)
        return vx_error_set(err, VX_ENOMEM, "model from JSON: out of memory");
    vx_model_params_default(&m->par, (vx_model_kind)kind);
    m->grad_norm = NAN;
    int rc, p = 0;
    if (cJSON_GetObjectItemCaseSensitive(o, "classes")) { /* one-vs-rest */
        if ((rc = ovr_from_json(o, kind, m, err)))
            goto fail;
        *out = m;
        return VX_OK;
    }
    const cJSON *sj = cJSON_GetObjectItemCaseSensitive(o, "seed");
    if ((rc = json_get_int(o, "p", 1, INT_MAX / 2, &p, err)) || (rc = json_get_double(o, "C", &m->par.C, err)) ||
        (rc = json_get_double(o, "gamma", &m->par.gamma, err)) ||
        (rc = json_get_int(o, "trees", 1, 100000, &m->par.trees, err)) ||
        (rc = json_get_int(o, "depth", 1, 30, &m->par.depth, err)) ||
        (rc = json_get_double(o, "eta", &m->par.eta, err)))
        goto fail;
    m->p = (size_t)p;
    if ((rc = json_get_seed(sj, &m->par.seed, err)))
        goto fail;
    if (kind >= VX_MODEL_RF && (rc = tree_params_from_json(o, &m->par, err)))
        goto fail;
    if ((rc = check_params(&m->par, err)))
        goto fail;
    if (m->par.criterion == VX_GBM_FRIEDMAN_MSE) {
        if ((rc = gbt_from_json(o, m, err)))
            goto fail;
        *out = m;
        return VX_OK;
    }
    const char *member = kind == VX_MODEL_LOGREG_L1 ? "liblinear"
                         : kind == VX_MODEL_SVM     ? "libsvm"
                         : kind >= VX_MODEL_RF      ? "xgboost"
                                                    : NULL;
    const cJSON *tj = member ? cJSON_GetObjectItemCaseSensitive(o, member) : NULL;
    if (member && !cJSON_IsString(tj)) {
        rc = vx_error_set(err, VX_EFORMAT, "model JSON %s: member \"%s\" (the model text) is missing",
                          kind_names[kind], member);
        goto fail;
    }
    switch (kind) {
    case VX_MODEL_LOGREG:
        m->w = malloc(m->p * sizeof *m->w);
        if (!m->w) {
            rc = vx_error_set(err, VX_ENOMEM, "model from JSON: out of memory");
            goto fail;
        }
        if ((rc = json_get_darray(o, "coef", m->w, m->p, err)) || (rc = json_get_double(o, "intercept", &m->b, err)) ||
            (rc = json_get_double(o, "grad_norm", &m->grad_norm, err)))
            goto fail;
        break;
    case VX_MODEL_LOGREG_L1:
        if ((rc = vxm_parse_liblinear(tj->valuestring, m, err)))
            goto fail;
        break;
    case VX_MODEL_SVM:
        if ((rc = vxm_parse_libsvm(tj->valuestring, m, err)) ||
            (rc = json_get_double(o, "platt_A", &m->platt_a, err)) ||
            (rc = json_get_double(o, "platt_B", &m->platt_b, err)))
            goto fail;
        break;
    default:
        m->xgb_len = strlen(tj->valuestring);
        m->xgb_json = strdup(tj->valuestring);
        if (!m->xgb_json) {
            rc = vx_error_set(err, VX_ENOMEM, "model from JSON: out of memory");
            goto fail;
        }
        if ((rc = vxm_xgb_load(kind_names[kind], m, err))) {
            vx_error_prefix(err, "model JSON: ");
            rc = VX_EFORMAT;
            if (err)
                err->code = rc;
            goto fail;
        }
        break;
    }
    *out = m;
    return VX_OK;
fail:
    vx_model_free(m);
    return rc;
}
