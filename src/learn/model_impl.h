/* voxomics: what the model backends (src/learn/model_*.c) share: the fitted model, the lock around the
 * process-wide state of libsvm and liblinear, text helpers, and one entry per backend for fit, predict and text.
 * Internal to libvoxomics (not installed).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_LEARN_MODEL_IMPL_H
#define VX_LEARN_MODEL_IMPL_H

#include <math.h>
#include <pthread.h>
#include <stddef.h>

#include <libsvm/svm.h>
#include <xgboost/c_api.h>

#include "voxomics/model.h"

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
    double *sv;               /* nsv x p support vectors (dense, row-major) */
    double *svn;              /* nsv squared norms ||sv_s||^2 */
    /* rf, gbm */
    char *xgb_json;
    size_t xgb_len;
    BoosterHandle booster;
    /* gbm with criterion friedman_mse (model_gbt.c): gbt_trees trees of nodes (feature or -1 for a leaf,
     * threshold, left, right, leaf value; 5 doubles each, children numbered within their tree), tree t from
     * node gbt_start[t]; the starting margin gbt_init */
    double *gbt_nodes;
    size_t gbt_len, gbt_cap, gbt_trees, *gbt_start;
    double gbt_init;
    /* more than two classes (model.c): one binary model per class, class k against the rest */
    int nclass;        /* 0 or 2: binary; >= 3: one-vs-rest */
    struct vx_model **ovr; /* nclass binary models */
};

/* libsvm and liblinear keep process-wide state that a fit must set: their print function (they print to
 * stdout by default) and, for liblinear, the C library's rand() sequence (srand(seed)). This mutex, the
 * only mutable static state of the model module, serialises those fits so that concurrent voxomics fits
 * stay deterministic (defined in model.c). */
extern pthread_mutex_t vxm_ext_lock;
void vxm_quiet_print(const char *s);

/* A growing text buffer; oom is set (and the text dropped) when memory runs out. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;
void vxm_sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse a whole string as one finite double (trailing white space allowed): 1 on success. */
int vxm_parse_double(const char *s, double *v);
/* Next line of *s (modifies the text); NULL at the end. */
char *vxm_next_line(char **s);

/* OpenBLAS's dsyrk by its Fortran name (column-major; the trailing string lengths are unused by OpenBLAS): the
 * cblas_ names of the process may resolve to GSL's reference gslcblas, linked for GSL. OpenBLAS parts a syrk's
 * output among threads, never a sum, so its result does not depend on the thread count (checked by
 * tests/unit/test_model_solvers.c; its dgemm and blocked dpotrf do depend on it, so voxomics uses neither). */
extern void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha,
                   const double *a, const int *lda, const double *beta, double *c, const int *ldc);
/* The lower triangle (row-major, n x n) of B B' for the row-major m x k matrix B (model_logistic.c). */
void vxm_gram_rows(const double *B, size_t m, size_t k, double *G);

/* 1 / (1 + exp(m)) */
static inline double vxm_sigm_neg(double m)
{
    if (m >= 0) {
        double e = exp(-m);
        return e / (1.0 + e);
    }
    return 1.0 / (1.0 + exp(m));
}

/* logistic regression, L2 penalty, Newton (model_logistic.c); _from starts at init = (w[p], b) (a warm start,
 * e.g. the optimum for the previous C of a grid), or at 0 when init is NULL: the optimum is the same to the
 * stopping tolerance. */
int vxm_fit_logreg(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err);
int vxm_fit_logreg_from(const double *X, size_t n, size_t p, const int *y, const double *init, vx_model *m,
                        vx_error *err);
/* liblinear L1 logistic regression (model_liblinear.c) */
int vxm_fit_logreg_l1(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err);
int vxm_predict_logreg_l1(const vx_model *m, const double *X, size_t n, double *score, vx_error *err);
char *vxm_liblinear_text(const vx_model *m); /* malloc'ed; NULL when out of memory */
int vxm_parse_liblinear(const char *text, vx_model *m, vx_error *err);
/* libsvm RBF SVM with Platt scaling (model_libsvm.c) */
int vxm_fit_svm(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err);
int vxm_predict_svm(const vx_model *m, const double *X, size_t n, double *score, vx_error *err);
char *vxm_libsvm_text(const vx_model *m);
int vxm_parse_libsvm(const char *text, vx_model *m, vx_error *err);
/* XGBoost random forest and gradient boosting (model_xgboost.c) */
int vxm_fit_xgb(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err);
int vxm_predict_xgb(const vx_model *m, const double *X, size_t n, double *score, double *prob, vx_error *err);
int vxm_xgb_load(const char *kn, vx_model *m, vx_error *err);
/* gradient boosting with scikit-learn's least-squares trees (model_gbt.c) */
int vxm_fit_gbt(const double *X, size_t n, size_t p, const int *y, vx_model *m, vx_error *err);
int vxm_predict_gbt(const vx_model *m, const double *X, size_t n, double *score, double *prob, vx_error *err);
int vxm_check_gbt(vx_model *m, vx_error *err);

#endif
