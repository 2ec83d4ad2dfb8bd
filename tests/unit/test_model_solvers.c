/* The model solvers against scikit-learn (references computed by scripts/sklearn_solver_reference.py with
 * python3-sklearn into tests/data/stats/solver_*.csv).
 *
 * 1. L2 logistic regression: on a p > n table (40 x 120: the kernel-form Newton step) and a p < n table
 *    (120 x 15: the primal Newton step), for C = 0.1, 1, 10, the coefficients and intercept equal
 *    scikit-learn's optimum (newton-cg, tol 1e-12; its ||grad F|| / max(1, C) is 1e-10 .. 2e-8, so with F
 *    1-strongly convex in w its coefficients are within ~2e-7 of the exact optimum): |diff| <= 1e-6. Our own
 *    optimum has ||grad F|| / max(1, C) < 1e-10 (model.h).
 * 2. Warm starts: the fit started from the optimum of another C (the next value of a C grid, as nested CV
 *    runs them) or from a far point reaches the same optimum as the cold start within the stopping tolerance.
 * 3. Nothing depends on OpenBLAS's thread count: logreg fits (dsyrk) and SVM fits and predictions (dsyrk,
 *    dgemm) with 1 and 4 BLAS threads are bit-identical.
 * 4. L1 logistic regression (liblinear, eps 1e-4 as scikit-learn's tol) and the RBF SVM (libsvm on the
 *    precomputed RBF kernel matrix): the AUC of each of 5 folds (row i in fold i mod 5) equals scikit-learn's
 *    LogisticRegression(penalty='l1', solver='liblinear') / SVC(gamma='scale') within 0.003 (the L1 model's
 *    coordinate descent draws its order from a different random generator than scikit-learn's copy of
 *    liblinear, so on larger tables its fold AUCs can differ by ~0.01 at eps 1e-4; here they agree).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/model_impl.h"
#include "voxomics/model.h"
#include "voxomics/roc.h"
#include "vx_test.h"

void openblas_set_num_threads(int num_threads);

typedef struct tab {
    size_t n, p;
    double *X;
    int *y;
} tab;

static const char *src_path(const char *rel)
{
    static char buf[4096];
    const char *src = getenv("VX_SOURCE_DIR");
    snprintf(buf, sizeof buf, "%s/%s", src ? src : ".", rel);
    return buf;
}

static void load_tab(const char *name, tab *t)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/stats/solver_%s.csv", name);
    FILE *f = fopen(src_path(rel), "r");
    assert_non_null(f);
    static char line[1 << 16];
    char *fld[512];
    assert_non_null(fgets(line, sizeof line, f));
    int nf = vx_test_csv_split(line, fld, 512);
    assert_true(nf > 1);
    t->p = (size_t)nf - 1;
    t->n = 0;
    t->X = NULL;
    t->y = NULL;
    while (fgets(line, sizeof line, f)) {
        assert_int_equal(vx_test_csv_split(line, fld, 512), nf);
        t->X = realloc(t->X, (t->n + 1) * t->p * sizeof *t->X);
        t->y = realloc(t->y, (t->n + 1) * sizeof *t->y);
        t->y[t->n] = atoi(fld[0]);
        for (size_t j = 0; j < t->p; j++)
            t->X[t->n * t->p + j] = strtod(fld[j + 1], NULL);
        t->n++;
    }
    fclose(f);
}

static void free_tab(tab *t)
{
    free(t->X);
    free(t->y);
}

/* The reference value (table, model, C, what, index); fails when absent. */
static double ref(const char *table, const char *model, double C, const char *what, int index)
{
    FILE *f = fopen(src_path("tests/data/stats/solver_reference.csv"), "r");
    assert_non_null(f);
    char line[512], *fld[8];
    double v = NAN;
    while (fgets(line, sizeof line, f)) {
        if (vx_test_csv_split(line, fld, 8) != 6)
            continue;
        if (!strcmp(fld[0], table) && !strcmp(fld[1], model) && strtod(fld[2], NULL) == C &&
            !strcmp(fld[3], what) && atoi(fld[4]) == index) {
            v = strtod(fld[5], NULL);
            break;
        }
    }
    fclose(f);
    if (isnan(v))
        fail_msg("no reference %s %s C=%g %s %d", table, model, C, what, index);
    return v;
}

static vx_model *fit_logreg(const tab *t, double C, const double *init)
{
    vx_model_params mp;
    vx_model_params_default(&mp, VX_MODEL_LOGREG);
    mp.C = C;
    vx_model *m = calloc(1, sizeof *m);
    m->par = mp;
    m->p = t->p;
    vx_error err;
    int rc = vxm_fit_logreg_from(t->X, t->n, t->p, t->y, init, m, &err);
    if (rc != VX_OK)
        fail_msg("%s", err.msg);
    return m;
}

static void check_l2(const char *name)
{
    tab t;
    load_tab(name, &t);
    static const double Cs[] = {0.1, 1.0, 10.0};
    for (int c = 0; c < 3; c++) {
        vx_model *m = fit_logreg(&t, Cs[c], NULL);
        assert_true(m->grad_norm < 1e-10);
        for (size_t j = 0; j < t.p; j++)
            vx_assert_near(m->w[j], ref(name, "logreg", Cs[c], "coef", (int)j), 1e-6);
        vx_assert_near(m->b, ref(name, "logreg", Cs[c], "intercept", 0), 1e-6);
        vx_model_free(m);
    }
    free_tab(&t);
}

static void test_l2_p_gt_n(void **state)
{
    (void)state;
    check_l2("pgtn"); /* 40 x 120: the kernel form */
}

static void test_l2_p_lt_n(void **state)
{
    (void)state;
    check_l2("pltn"); /* 120 x 15: the primal form */
}

static void check_warm(const char *name)
{
    tab t;
    load_tab(name, &t);
    static const double grid[] = {0.01, 0.1, 1.0, 10.0, 100.0};
    double *init = calloc(t.p + 1, sizeof *init);
    for (int c = 0; c < 5; c++) {
        vx_model *cold = fit_logreg(&t, grid[c], NULL);
        vx_model *warm = fit_logreg(&t, grid[c], c ? init : NULL); /* from the previous C's optimum */
        double scale = 0;
        for (size_t j = 0; j < t.p; j++)
            scale = fmax(scale, fabs(cold->w[j]));
        for (size_t j = 0; j < t.p; j++)
            vx_assert_near(warm->w[j], cold->w[j], 1e-8 * (1 + scale));
        vx_assert_near(warm->b, cold->b, 1e-8 * (1 + scale));
        assert_true(warm->grad_norm < 1e-10);
        memcpy(init, warm->w, t.p * sizeof *init);
        init[t.p] = warm->b;
        vx_model_free(cold);
        vx_model_free(warm);
    }
    /* a far start: every coefficient 3, intercept -2 */
    for (size_t j = 0; j < t.p; j++)
        init[j] = 3.0;
    init[t.p] = -2.0;
    vx_model *cold = fit_logreg(&t, 1.0, NULL), *far = fit_logreg(&t, 1.0, init);
    for (size_t j = 0; j < t.p; j++)
        vx_assert_near(far->w[j], cold->w[j], 1e-8);
    vx_assert_near(far->b, cold->b, 1e-8);
    vx_model_free(cold);
    vx_model_free(far);
    free(init);
    free_tab(&t);
}

static void test_warm_start(void **state)
{
    (void)state;
    check_warm("pgtn");
    check_warm("pltn");
}

/* A synthetic n x p problem (an LCG; labels from two of the columns plus noise): for the thread invariance only. */
static void synth(size_t n, size_t p, tab *t)
{
    uint64_t s = 12345 + n * 7919 + p;
    t->n = n;
    t->p = p;
    t->X = malloc(n * p * sizeof *t->X);
    t->y = malloc(n * sizeof *t->y);
    for (size_t i = 0; i < n * p; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        t->X[i] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
    }
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        t->y[i] = t->X[i * p] - t->X[i * p + 1] + 0.5 * ((double)(s >> 11) / 9007199254740992.0 - 0.5) > 0;
    }
}

static void test_blas_threads(void **state)
{
    (void)state;
    /* p > n (kernel form), p < n (primal), and a wide one; big enough for OpenBLAS to split its work */
    static const size_t shapes[][2] = {{200, 600}, {600, 200}, {40, 4800}};
    for (int k = 0; k < 3; k++) {
        tab b;
        synth(shapes[k][0], shapes[k][1], &b);
        openblas_set_num_threads(1);
        vx_model *m1 = fit_logreg(&b, 1.0, NULL);
        openblas_set_num_threads(4);
        vx_model *m4 = fit_logreg(&b, 1.0, NULL);
        openblas_set_num_threads(1);
        assert_memory_equal(m1->w, m4->w, b.p * sizeof *m1->w);
        assert_memory_equal(&m1->b, &m4->b, sizeof m1->b);
        vx_model_free(m1);
        vx_model_free(m4);
        /* the SVM's kernel matrix (dsyrk) and prediction kernel rows */
        vx_model_params mp;
        vx_model_params_default(&mp, VX_MODEL_SVM);
        vx_error err;
        double *s1 = malloc(b.n * sizeof *s1), *s4 = malloc(b.n * sizeof *s4);
        for (int th = 1; th <= 4; th += 3) {
            openblas_set_num_threads(th);
            vx_model *m;
            if (vx_model_fit(b.X, b.n, b.p, b.y, &mp, &m, &err) != VX_OK ||
                vx_model_predict(m, b.X, b.n, th == 1 ? s1 : s4, NULL, &err) != VX_OK)
                fail_msg("%s", err.msg);
            vx_model_free(m);
        }
        openblas_set_num_threads(1);
        assert_memory_equal(s1, s4, b.n * sizeof *s1);
        free(s1);
        free(s4);
        free_tab(&b);
    }
}

/* Fold AUCs (row i in fold i mod 5) of kind against the reference within tol. */
static void check_folds(const char *name, vx_model_kind kind, const char *model, double tol)
{
    tab t;
    load_tab(name, &t);
    double *Xtr = malloc(t.n * t.p * sizeof *Xtr), *Xte = malloc(t.n * t.p * sizeof *Xte);
    int *ytr = malloc(t.n * sizeof *ytr), *yte = malloc(t.n * sizeof *yte);
    double *s = malloc(t.n * sizeof *s);
    for (int f = 0; f < 5; f++) {
        size_t ntr = 0, nte = 0;
        for (size_t i = 0; i < t.n; i++) {
            int te = (int)(i % 5) == f;
            memcpy((te ? Xte + nte * t.p : Xtr + ntr * t.p), t.X + i * t.p, t.p * sizeof *Xtr);
            if (te)
                yte[nte++] = t.y[i];
            else
                ytr[ntr++] = t.y[i];
        }
        vx_model_params mp;
        vx_model_params_default(&mp, kind);
        vx_model *m;
        vx_error err;
        vx_roc roc;
        if (vx_model_fit(Xtr, ntr, t.p, ytr, &mp, &m, &err) != VX_OK ||
            vx_model_predict(m, Xte, nte, s, NULL, &err) != VX_OK || vx_roc_auc(s, yte, nte, &roc, &err) != VX_OK)
            fail_msg("%s", err.msg);
        vx_assert_near(roc.auc, ref(name, model, 1.0, "auc", f), tol);
        vx_model_free(m);
    }
    free(Xtr);
    free(Xte);
    free(ytr);
    free(yte);
    free(s);
    free_tab(&t);
}

static void test_svm_folds(void **state)
{
    (void)state;
    check_folds("pgtn", VX_MODEL_SVM, "svm", 0.003);
    check_folds("pltn", VX_MODEL_SVM, "svm", 0.003);
}

static void test_l1_folds(void **state)
{
    (void)state;
    check_folds("pgtn", VX_MODEL_LOGREG_L1, "logreg-l1", 0.003);
    check_folds("pltn", VX_MODEL_LOGREG_L1, "logreg-l1", 0.003);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_l2_p_gt_n),    cmocka_unit_test(test_l2_p_lt_n), cmocka_unit_test(test_warm_start),
        cmocka_unit_test(test_blas_threads), cmocka_unit_test(test_svm_folds), cmocka_unit_test(test_l1_folds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
