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

#include "voxomics/model.h"

/* libsvm and liblinear keep process-wide state that a fit must set: their print function (they print to
 * stdout by default) and, for liblinear, the C library's rand() sequence (srand(seed)). This mutex, the
 * only mutable static state of the module, serialises those fits so that concurrent voxomics fits stay
 * deterministic. */
static pthread_mutex_t ext_lock = PTHREAD_MUTEX_INITIALIZER;

static void quiet_print(const char *s)
{
    (void)s;
}

struct vx_model {
    vx_model_params par;
    size_t p;
    double grad_norm;
    /* logreg: w[p], b */
    double *w;
    double b;
    /* logreg-l1: lw[p + 1] (last = bias weight), label order */
    double *lw;
    int label0; /* first label of libsvm / liblinear (1: decision value points to class 1) */
    /* svm */
    double gamma, rho, platt_a, platt_b;
    int nsv, nsv0, nsv1;
    double *coef;             /* nsv */
    struct svm_node *nodes;   /* nsv * (p + 1), each SV terminated by index -1 */
    struct svm_node **svp;    /* nsv pointers into nodes */
    /* rf, gbm */
    char *xgb_json;
    size_t xgb_len;
    BoosterHandle booster;
};

static const char *const kind_names[] = {"logreg", "logreg-l1", "svm", "rf", "gbm"};

const char *vx_model_kind_name(vx_model_kind k)
{
    return (unsigned)k < 5 ? kind_names[k] : "?";
}

int vx_model_kind_find(const char *name)
{
    for (int k = 0; name && k < 5; k++)
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
}

void vx_model_free(vx_model *m)
{
    if (!m)
        return;
    free(m->w);
    free(m->lw);
    free(m->coef);
    free(m->nodes);
    free(m->svp);
    free(m->xgb_json);
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

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
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
    sb_printf(&b, "[");
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            free(b.s);
            return vx_error_set(err, VX_EINVAL, "model: cannot serialise %s[%zu] = %g: not finite", name, i, v[i]);
        }
        sb_printf(&b, "%s%.17g", i ? "," : "", v[i]);
    }
    sb_printf(&b, "]");
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

/* Parse a whole string as one double. */
static int parse_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    while (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r')
        end++;
    return end != s && *end == 0 && isfinite(*v);
}

/* A number member: a parsed number, or a raw member written by json_add_double. */
static int json_get_double(const cJSON *o, const char *name, double *v, vx_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    if (it && cJSON_IsNumber(it) && isfinite(it->valuedouble)) {
        *v = it->valuedouble;
        return VX_OK;
    }
    if (it && cJSON_IsRaw(it) && it->valuestring && parse_double(it->valuestring, v))
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

/* ---- logistic regression (L2, Newton) --------------------------------------------------------------------- */

/* log(1 + exp(-m)) */
static double logloss(double m)
{
    return m > 0 ? log1p(exp(-m)) : -m + log1p(exp(m));
}

/* 1 / (1 + exp(m)) */
static double sigm_neg(double m)
{
    if (m >= 0) {
        double e = exp(-m);
        return e / (1.0 + e);
    }
    return 1.0 / (1.0 + exp(m));
}

/* F(theta) = 0.5 ||w||^2 + C sum log(1 + exp(-y' z)); theta = (w, b). */
static double lr_objective(const double *X, size_t n, size_t p, const int *y, double C, const double *th)
{
    double reg = 0, loss = 0;
    for (size_t j = 0; j < p; j++)
        reg += th[j] * th[j];
    for (size_t i = 0; i < n; i++) {
        double z = th[p];
        for (size_t j = 0; j < p; j++)
            z += X[i * p + j] * th[j];
        loss += logloss(y[i] ? z : -z);
    }
    return 0.5 * reg + C * loss;
}

/* Gradient g (p + 1) and, when H != NULL, the Hessian H ((p+1) x (p+1), row-major, full). */
static void lr_derivs(const double *X, size_t n, size_t p, const int *y, double C, const double *th, double *g,
                      double *H)
{
    size_t q = p + 1;
    for (size_t j = 0; j < p; j++)
        g[j] = th[j];
    g[p] = 0;
    if (H) {
        memset(H, 0, q * q * sizeof *H);
        for (size_t j = 0; j < p; j++)
            H[j * q + j] = 1.0;
    }
    for (size_t i = 0; i < n; i++) {
        const double *x = X + i * p;
        double z = th[p];
        for (size_t j = 0; j < p; j++)
            z += x[j] * th[j];
        double ys = y[i] ? 1.0 : -1.0;
        double s = sigm_neg(ys * z); /* 1 - sigma(y' z) */
        double c = -C * ys * s;
        for (size_t j = 0; j < p; j++)
            g[j] += c * x[j];
        g[p] += c;
        if (H) {
            double d = C * s * (1.0 - s); /* sigma(z)(1 - sigma(z)) */
            for (size_t j = 0; j < p; j++) {
                double dj = d * x[j];
                for (size_t k = 0; k <= j; k++)
                    H[j * q + k] += dj * x[k];
                H[p * q + j] += dj;
            }
            H[p * q + p] += d;
        }
    }
    if (H) /* mirror the lower triangle */
        for (size_t j = 0; j < q; j++)
            for (size_t k = j + 1; k < q; k++)
                H[j * q + k] = H[k * q + j];
}

static double norm2(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i] * v[i];
    return sqrt(s);
}

static int fit_logreg(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
{
    const double C = m->par.C, scale = C > 1 ? C : 1.0;
    const size_t q = p + 1;
    const int max_iter = 500;
    if (q > 46000)
        return vx_error_set(err, VX_EINVAL,
                            "model logreg: %zu features: at most 45999 (dense Newton); select features first", p);
    double *th = calloc(q, sizeof *th), *g = malloc(q * sizeof *g), *H = malloc(q * q * sizeof *H),
           *d = malloc(q * sizeof *d), *tn = malloc(q * sizeof *tn);
    int rc = VX_OK;
    if (!th || !g || !H || !d || !tn) {
        rc = vx_error_set(err, VX_ENOMEM, "model logreg: out of memory for %zu features", p);
        goto done;
    }
    double F = lr_objective(X, n, p, y, C, th), gn = 0;
    int it, converged = 0;
    for (it = 0; it < max_iter; it++) {
        lr_derivs(X, n, p, y, C, th, g, H);
        gn = norm2(g, q) / scale;
        if (gn < 1e-10) {
            converged = 1;
            break;
        }
        for (size_t j = 0; j < q; j++)
            d[j] = -g[j];
        lapack_int info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'L', (lapack_int)q, 1, H, (lapack_int)q, d, 1);
        if (info != 0) {
            rc = vx_error_set(err, VX_EINVAL,
                              "model logreg: Hessian not positive definite at Newton iteration %d (LAPACK info %d): "
                              "the classes are (nearly) separable with C = %g; lower C",
                              it, (int)info, C);
            goto done;
        }
        double gd = 0;
        for (size_t j = 0; j < q; j++)
            gd += g[j] * d[j];
        /* backtracking line search on F; the small absolute slack lets the full Newton step through when F only
         * changes at its rounding level (near the optimum), where the gradient still decreases quadratically */
        double t = 1.0, Fn = F;
        int ok = 0;
        for (int ls = 0; ls < 60; ls++, t *= 0.5) {
            for (size_t j = 0; j < q; j++)
                tn[j] = th[j] + t * d[j];
            Fn = lr_objective(X, n, p, y, C, tn);
            if (Fn <= F + 1e-4 * t * gd + 1e-13 * fabs(F)) {
                ok = 1;
                break;
            }
        }
        if (!ok)
            break;
        memcpy(th, tn, q * sizeof *th);
        F = Fn;
    }
    if (!converged) {
        lr_derivs(X, n, p, y, C, th, g, NULL);
        gn = norm2(g, q) / scale;
        /* the rounding floor of the gradient may lie a little above 1e-10 for large n or badly scaled X */
        if (!(gn < 1e-8)) {
            rc = vx_error_set(err, VX_EINVAL,
                              "model logreg: Newton stopped after %d iterations with ||gradient||/max(1,C) = %.3g "
                              "(> 1e-8): the classes are (nearly) separable with C = %g; lower C",
                              it, gn, C);
            goto done;
        }
    }
    m->grad_norm = gn;
    m->w = malloc(p * sizeof *m->w);
    if (!m->w) {
        rc = vx_error_set(err, VX_ENOMEM, "model logreg: out of memory");
        goto done;
    }
    memcpy(m->w, th, p * sizeof *m->w);
    m->b = th[p];
done:
    free(th);
    free(g);
    free(H);
    free(d);
    free(tn);
    return rc;
}

/* ---- liblinear L1 logistic regression --------------------------------------------------------------------- */

static int fit_logreg_l1(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
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
    struct parameter par = {.solver_type = L1R_LR, .eps = 1e-6, .C = m->par.C};
    const char *msg = check_parameter(&prob, &par);
    if (msg) {
        rc = vx_error_set(err, VX_EINVAL, "model logreg-l1: liblinear rejects the parameters: %s", msg);
        goto done;
    }
    pthread_mutex_lock(&ext_lock);
    set_print_string_function(quiet_print);
    srand((unsigned)(m->par.seed ^ (m->par.seed >> 32)));
    struct model *lm = train(&prob, &par);
    pthread_mutex_unlock(&ext_lock);
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

static int predict_logreg_l1(const vx_model *m, const double *X, size_t n, double *score, vx_error *err)
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

static char *liblinear_text(const vx_model *m)
{
    sbuf b = {0};
    sb_printf(&b, "solver_type L1R_LR\nnr_class 2\nlabel %d %d\nnr_feature %zu\nbias %.17g\nw\n", m->label0,
              1 - m->label0, m->p, 1.0);
    for (size_t j = 0; j <= m->p; j++)
        sb_printf(&b, "%.17g \n", m->lw[j]);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* Next line of s (modifies s); NULL at the end. */
static char *next_line(char **s)
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

static int parse_liblinear(const char *text, vx_model *m, vx_error *err)
{
    char *copy = strdup(text), *s = copy, *l;
    int rc = VX_OK, have_w = 0, l0 = -1, l1 = -1;
    long nf = -1;
    double bias = -1;
    if (!copy)
        return vx_error_set(err, VX_ENOMEM, "model logreg-l1: out of memory");
    while (!have_w && (l = next_line(&s))) {
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
        l = next_line(&s);
        if (!l || !parse_double(l, &m->lw[j])) {
            rc = vx_error_set(err, VX_EFORMAT, "model JSON liblinear: weight %zu of %zu missing or not a number", j + 1,
                              m->p + 1);
            goto done;
        }
    }
done:
    free(copy);
    return rc;
}

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

static int predict_svm(const vx_model *m, const double *X, size_t n, double *score, vx_error *err)
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

static int fit_svm(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
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
    pthread_mutex_lock(&ext_lock);
    svm_set_print_string_function(quiet_print);
    struct svm_model *sm = svm_train(&prob, &par);
    pthread_mutex_unlock(&ext_lock);
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
    rc = predict_svm(m, X, n, dec, err);
    if (!rc)
        platt_fit(n, dec, y, &m->platt_a, &m->platt_b);
done:
    free(nodes);
    free(rows);
    free(yy);
    free(dec);
    return rc;
}

static char *libsvm_text(const vx_model *m)
{
    sbuf b = {0};
    sb_printf(&b,
              "svm_type c_svc\nkernel_type rbf\ngamma %.17g\nnr_class 2\ntotal_sv %d\nrho %.17g\nlabel %d %d\n"
              "nr_sv %d %d\nSV\n",
              m->gamma, m->nsv, m->rho, m->label0, 1 - m->label0, m->nsv0, m->nsv1);
    for (int i = 0; i < m->nsv; i++) {
        sb_printf(&b, "%.17g ", m->coef[i]);
        for (size_t j = 0; j < m->p; j++)
            sb_printf(&b, "%d:%.17g ", m->svp[i][j].index, m->svp[i][j].value);
        sb_printf(&b, "\n");
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

static int parse_libsvm(const char *text, vx_model *m, vx_error *err)
{
    char *copy = strdup(text), *s = copy, *l;
    int rc = VX_OK, have_sv = 0, l0 = -1, l1 = -1, tot = -1, n0 = -1, n1 = -1, hg = 0, hr = 0;
    if (!copy)
        return vx_error_set(err, VX_ENOMEM, "model svm: out of memory");
    while (!have_sv && (l = next_line(&s))) {
        if (strcmp(l, "svm_type c_svc") == 0 || strcmp(l, "kernel_type rbf") == 0 || strcmp(l, "nr_class 2") == 0)
            continue;
        if (strncmp(l, "gamma ", 6) == 0 && parse_double(l + 6, &m->gamma)) {
            hg = 1;
            continue;
        }
        if (strncmp(l, "rho ", 4) == 0 && parse_double(l + 4, &m->rho)) {
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
        l = next_line(&s);
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

/* ---- XGBoost ---------------------------------------------------------------------------------------------- */

#define XGB_CHECK(call, what)                                                                                          \
    do {                                                                                                               \
        if ((call) != 0) {                                                                                             \
            rc = vx_error_set(err, VX_EUNSUPPORTED, "model %s: XGBoost %s failed: %s", kn, what, XGBGetLastError());  \
            goto done;                                                                                                 \
        }                                                                                                              \
    } while (0)

static int xgb_dmatrix(const char *kn, const double *X, size_t n, size_t p, DMatrixHandle *dm, vx_error *err)
{
    int rc = VX_OK;
    float *xf = malloc((n * p > 0 ? n * p : 1) * sizeof *xf);
    if (!xf)
        return vx_error_set(err, VX_ENOMEM, "model %s: out of memory for %zu x %zu", kn, n, p);
    for (size_t k = 0; k < n * p; k++)
        xf[k] = (float)X[k];
    *dm = NULL;
    XGB_CHECK(XGDMatrixCreateFromMat(xf, (bst_ulong)n, (bst_ulong)p, NAN, dm), "DMatrix");
done:
    free(xf);
    return rc;
}

/* A booster from JSON model text, with per-call settings (one thread, silent). */
static int xgb_load(const char *kn, vx_model *m, vx_error *err)
{
    int rc = VX_OK;
    XGB_CHECK(XGBoosterCreate(NULL, 0, &m->booster), "booster creation");
    XGB_CHECK(XGBoosterLoadModelFromBuffer(m->booster, m->xgb_json, (bst_ulong)m->xgb_len), "model loading");
    XGB_CHECK(XGBoosterSetParam(m->booster, "nthread", "1"), "setting nthread");
    XGB_CHECK(XGBoosterSetParam(m->booster, "verbosity", "0"), "setting verbosity");
done:
    return rc;
}

static int fit_xgb(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err)
{
    const char *kn = vx_model_kind_name(m->par.kind);
    const vx_model_params *mp = &m->par;
    int rc = VX_OK, rf = mp->kind == VX_MODEL_RF;
    DMatrixHandle dm = NULL;
    BoosterHandle bh = NULL;
    float *lab = malloc(n * sizeof *lab);
    char buf[64];
    if (!lab)
        return vx_error_set(err, VX_ENOMEM, "model %s: out of memory", kn);
    for (size_t i = 0; i < n; i++)
        lab[i] = (float)y[i];
    rc = xgb_dmatrix(kn, X, n, p, &dm, err);
    if (rc)
        goto done;
    XGB_CHECK(XGDMatrixSetFloatInfo(dm, "label", lab, (bst_ulong)n), "setting labels");
    XGB_CHECK(XGBoosterCreate(&dm, 1, &bh), "booster creation");
    struct {
        const char *k;
        char v[40];
    } set[16];
    int ns = 0;
#define SETP(key, ...) (set[ns].k = key, snprintf(set[ns].v, sizeof set[ns].v, __VA_ARGS__), ns++)
    SETP("verbosity", "0");
    SETP("nthread", "1");
    SETP("booster", "gbtree");
    SETP("objective", "binary:logistic");
    SETP("tree_method", "exact");
    SETP("seed", "%lu", mp->seed & 0x7fffffffffffffffUL);
    SETP("max_depth", "%d", mp->depth);
    if (rf) {
        SETP("num_parallel_tree", "%d", mp->trees);
        SETP("subsample", "0.632");
        SETP("colsample_bynode", "%.17g", sqrt((double)p) / (double)p);
        SETP("learning_rate", "1");
        SETP("reg_lambda", "0");
    } else {
        SETP("eta", "%.17g", mp->eta);
    }
#undef SETP
    for (int k = 0; k < ns; k++) {
        snprintf(buf, sizeof buf, "setting %s", set[k].k);
        XGB_CHECK(XGBoosterSetParam(bh, set[k].k, set[k].v), buf);
    }
    int rounds = rf ? 1 : mp->trees;
    for (int r = 0; r < rounds; r++)
        XGB_CHECK(XGBoosterUpdateOneIter(bh, r, dm), "training");
    bst_ulong len = 0;
    const char *out = NULL;
    XGB_CHECK(XGBoosterSaveModelToBuffer(bh, "{\"format\": \"json\"}", &len, &out), "model saving");
    m->xgb_json = malloc((size_t)len + 1);
    if (!m->xgb_json) {
        rc = vx_error_set(err, VX_ENOMEM, "model %s: out of memory", kn);
        goto done;
    }
    memcpy(m->xgb_json, out, (size_t)len);
    m->xgb_json[len] = 0;
    m->xgb_len = (size_t)len;
    /* predict from a booster loaded from the saved text: a fitted and a deserialised model are the same */
    rc = xgb_load(kn, m, err);
done:
    if (bh)
        XGBoosterFree(bh);
    if (dm)
        XGDMatrixFree(dm);
    free(lab);
    return rc;
}

static int predict_xgb(const vx_model *m, const double *X, size_t n, double *score, double *prob, vx_error *err)
{
    const char *kn = vx_model_kind_name(m->par.kind);
    DMatrixHandle dm = NULL;
    int rc = xgb_dmatrix(kn, X, n, m->p, &dm, err);
    if (rc)
        return rc;
    for (int type = 0; type < 2; type++) {
        double *dst = type ? score : prob;
        if (!dst)
            continue;
        char cfg[128];
        snprintf(cfg, sizeof cfg,
                 "{\"type\": %d, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
                 "\"strict_shape\": false}",
                 type);
        const bst_ulong *shape = NULL;
        bst_ulong dim = 0;
        const float *res = NULL;
        XGB_CHECK(XGBoosterPredictFromDMatrix(m->booster, dm, cfg, &shape, &dim, &res), "prediction");
        bst_ulong tot = 1;
        for (bst_ulong k = 0; k < dim; k++)
            tot *= shape[k];
        if (tot != (bst_ulong)n) {
            rc = vx_error_set(err, VX_EUNSUPPORTED, "model %s: XGBoost returned %lu predictions for %zu rows", kn,
                              (unsigned long)tot, n);
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            dst[i] = res[i];
    }
done:
    XGDMatrixFree(dm);
    return rc;
}

#undef XGB_CHECK

/* ---- public ----------------------------------------------------------------------------------------------- */

int vx_model_fit(const double *X, size_t n, size_t p, const int *y, const vx_model_params *mp, vx_model **out,
                 vx_error *err)
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
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return vx_error_set(err, VX_EINVAL, "model %s: y[%zu] = %d: labels must be 0 or 1", kn, i, y[i]);
        n1 += (size_t)y[i];
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
    case VX_MODEL_LOGREG:
        rc = fit_logreg(X, n, p, y, m, err);
        break;
    case VX_MODEL_LOGREG_L1:
        rc = fit_logreg_l1(X, n, p, y, m, err);
        break;
    case VX_MODEL_SVM:
        rc = fit_svm(X, n, p, y, m, err);
        break;
    default:
        rc = fit_xgb(X, n, p, y, m, err);
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
    int rc = check_x(kn, X, n, m->p, err);
    if (rc)
        return rc;
    if (m->par.kind == VX_MODEL_RF || m->par.kind == VX_MODEL_GBM)
        return predict_xgb(m, X, n, score, prob, err);
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
        rc = predict_logreg_l1(m, X, n, s, err);
        break;
    default:
        rc = predict_svm(m, X, n, s, err);
        break;
    }
    if (!rc && prob)
        for (size_t i = 0; i < n; i++) {
            if (m->par.kind == VX_MODEL_SVM) {
                double e = m->platt_a * s[i] + m->platt_b; /* 1 / (1 + exp(e)), overflow-safe */
                prob[i] = e >= 0 ? exp(-e) / (1.0 + exp(-e)) : 1.0 / (1.0 + exp(e));
            } else
                prob[i] = 1.0 - sigm_neg(s[i]); /* 1 / (1 + exp(-s)) */
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
    char seed[32];
    snprintf(seed, sizeof seed, "%lu", mp->seed);
    int rc;
    if ((rc = json_add_string(o, "kind", vx_model_kind_name(mp->kind), err)) ||
        (rc = json_add_double(o, "p", (double)m->p, err)) || (rc = json_add_double(o, "C", mp->C, err)) ||
        (rc = json_add_double(o, "gamma", mp->gamma, err)) || (rc = json_add_double(o, "trees", mp->trees, err)) ||
        (rc = json_add_double(o, "depth", mp->depth, err)) || (rc = json_add_double(o, "eta", mp->eta, err)) ||
        (rc = json_add_string(o, "seed", seed, err)))
        return rc;
    char *text = NULL;
    switch (mp->kind) {
    case VX_MODEL_LOGREG:
        if ((rc = json_add_darray(o, "coef", m->w, m->p, err)) || (rc = json_add_double(o, "intercept", m->b, err)) ||
            (rc = json_add_double(o, "grad_norm", m->grad_norm, err)))
            return rc;
        return VX_OK;
    case VX_MODEL_LOGREG_L1:
        if (!(text = liblinear_text(m)))
            return vx_error_set(err, VX_ENOMEM, "model logreg-l1: out of memory writing the liblinear model");
        rc = json_add_string(o, "liblinear", text, err);
        free(text);
        return rc;
    case VX_MODEL_SVM:
        if (!(text = libsvm_text(m)))
            return vx_error_set(err, VX_ENOMEM, "model svm: out of memory writing the libsvm model");
        rc = json_add_string(o, "libsvm", text, err);
        free(text);
        if (!rc && !(rc = json_add_double(o, "platt_A", m->platt_a, err)))
            rc = json_add_double(o, "platt_B", m->platt_b, err);
        return rc;
    default:
        return json_add_string(o, "xgboost", m->xgb_json, err);
    }
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
    if (kind < 0)
        return vx_error_set(err, VX_EFORMAT, "model JSON: \"kind\" must be logreg, logreg-l1, svm, rf or gbm");
    vx_model *m = calloc(1, sizeof *m);
    if (!m)
        return vx_error_set(err, VX_ENOMEM, "model from JSON: out of memory");
    vx_model_params_default(&m->par, (vx_model_kind)kind);
    m->grad_norm = NAN;
    int rc, p = 0;
    const cJSON *sj = cJSON_GetObjectItemCaseSensitive(o, "seed");
    if ((rc = json_get_int(o, "p", 1, INT_MAX / 2, &p, err)) || (rc = json_get_double(o, "C", &m->par.C, err)) ||
        (rc = json_get_double(o, "gamma", &m->par.gamma, err)) ||
        (rc = json_get_int(o, "trees", 1, 100000, &m->par.trees, err)) ||
        (rc = json_get_int(o, "depth", 1, 30, &m->par.depth, err)) ||
        (rc = json_get_double(o, "eta", &m->par.eta, err)))
        goto fail;
    m->p = (size_t)p;
    if (cJSON_IsString(sj)) {
        char *e;
        errno = 0;
        m->par.seed = strtoul(sj->valuestring, &e, 10);
        if (e == sj->valuestring || *e || errno) {
            rc = vx_error_set(err, VX_EFORMAT, "model JSON: \"seed\" = \"%.30s\" is not an unsigned integer",
                              sj->valuestring);
            goto fail;
        }
    } else {
        rc = vx_error_set(err, VX_EFORMAT, "model JSON: member \"seed\" (a decimal string) is missing");
        goto fail;
    }
    if ((rc = check_params(&m->par, err)))
        goto fail;
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
        if ((rc = parse_liblinear(tj->valuestring, m, err)))
            goto fail;
        break;
    case VX_MODEL_SVM:
        if ((rc = parse_libsvm(tj->valuestring, m, err)) || (rc = json_get_double(o, "platt_A", &m->platt_a, err)) ||
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
        if ((rc = xgb_load(kind_names[kind], m, err))) {
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
