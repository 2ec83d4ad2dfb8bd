/* bench_learn: cross-validation time per model, the library calls behind `voxomics cv`.
 *
 * Generates radiomics-like tables (a deterministic generator with a seed: 12 latent factors, of which 3 drive
 * the label; 10 features load on the 3 informative factors, the rest on the 9 noise factors, so features come
 * in correlated groups; a third of them skewed (exp), every feature with its own scale and offset) of
 * 150 x 100, 150 x 2000 and 300 x 1000, draws stratified 5-fold assignments for 10 repeats
 * (vx_cv_stratified_folds, as `voxomics cv` does), and times vx_cv_run on the same folds for each model:
 * logreg (C 1), logreg-l1 (C 1), svm (C 1, gamma "scale"), rf, gbm (defaults), and nested CV of logreg over
 * C = 0.01, 0.1, 1, 10, 100 (inner 5-fold CV on each outer training set). Every pipeline standardises.
 *
 * With OUTDIR it writes, per shape, what scripts/sklearn_bench.py needs to run scikit-learn on the same
 * problem: learn_NxP.csv (label then the features), learn_NxP_folds.csv (n rows x 10 repeats, outer folds),
 * learn_NxP_inner.csv (n rows x 50 outer splits: the inner fold of each training row, -1 for test rows) and
 * learn_NxP_MODEL_auc.csv (the 50 fold AUCs of voxomics, repeat-major).
 *
 * One core: OpenBLAS runs on one thread (BENCH_BLAS_THREADS=k for k; run with OPENBLAS_NUM_THREADS=1 so that
 * OpenBLAS starts no idle worker threads), XGBoost models use nthread 1. Prints wall seconds and the CPU seconds
 * of the process (user + system, every thread), the steadier figure on a shared machine. The process's allocator
 * is tuned as the voxomics CLI tunes its own (vx_tune_allocator), unless BENCH_DEFAULT_MALLOC is set.
 *
 * usage: bench_learn [OUTDIR|-] [MODELS] [REPEATS] [SHAPES]
 *   MODELS: comma list of logreg,logreg-l1,svm,rf,gbm,nested,rf-sklearn,gbm-sklearn (default the first six;
 *   the last two are rf and gbm with --preset sklearn: scikit-learn's bootstrap forest (100 trees, depth 8)
 *   and GradientBoostingClassifier()); SHAPES: comma list of NxP
 *   (default 150x100,150x2000,300x1000); REPEATS: default 10.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "voxomics/voxomics.h"

/* OpenBLAS (linked through libvoxomics): the benchmark runs it on one thread, as scikit-learn's side runs with
 * OPENBLAS_NUM_THREADS=1 and n_jobs=1, so that both measure one core. */
void openblas_set_num_threads(int num_threads);

enum { FOLDS = 5, NLATENT = 12, NINFORM = 3, NFEAT_INFORM = 10 };

/* CPU seconds of the process (every thread, user + system): steadier than wall time on a shared machine. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_unif(uint64_t *s) /* (0, 1) */
{
    return ((double)(rng_next(s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double rng_normal(uint64_t *s) /* Box-Muller, one value per call */
{
    double u = rng_unif(s), v = rng_unif(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* The radiomics-like table: X n x p (row-major), y 0/1. */
static void gen_table(size_t n, size_t p, uint64_t seed, double *X, int *y)
{
    uint64_t s = seed * 0x2545F4914F6CDD1Dull + 7;
    double *L = malloc(n * NLATENT * sizeof *L);
    for (size_t k = 0; k < n * NLATENT; k++)
        L[k] = rng_normal(&s);
    for (size_t i = 0; i < n; i++) {
        double eta = 2.0 * L[i * NLATENT] - 1.5 * L[i * NLATENT + 1] + 1.0 * L[i * NLATENT + 2];
        y[i] = rng_unif(&s) < 1.0 / (1.0 + exp(-eta));
    }
    for (size_t j = 0; j < p; j++) {
        size_t g = j < NFEAT_INFORM ? j % NINFORM : NINFORM + (j % (NLATENT - NINFORM));
        double rho = (j < NFEAT_INFORM ? 0.7 : 0.3) + (j < NFEAT_INFORM ? 0.25 : 0.65) * rng_unif(&s);
        double e = sqrt(1.0 - rho * rho);
        int skew = rng_unif(&s) < 1.0 / 3.0;
        double scale = pow(10.0, -2.0 + 5.0 * rng_unif(&s)), offset = 10.0 * rng_normal(&s);
        for (size_t i = 0; i < n; i++) {
            double v = rho * L[i * NLATENT + g] + e * rng_normal(&s);
            if (skew)
                v = exp(0.5 * v);
            X[i * p + j] = offset + scale * v;
        }
    }
    free(L);
}

static int write_table(const char *path, const double *X, size_t n, size_t p, const int *y)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "label");
    for (size_t j = 0; j < p; j++)
        fprintf(f, ",f%zu", j + 1);
    fprintf(f, "\n");
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%d", y[i]);
        for (size_t j = 0; j < p; j++)
            fprintf(f, ",%.17g", X[i * p + j]);
        fprintf(f, "\n");
    }
    return fclose(f);
}

static int write_ints(const char *path, const int *v, size_t n, size_t m)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < m; k++)
            fprintf(f, "%d%c", v[i * m + k], k + 1 < m ? ',' : '\n');
    return fclose(f);
}

/* The inner folds `voxomics cv --tune` draws for outer split (rep, f) (see tune() in src/learn/cv.c): inner[i]
 * for the training rows, -1 for the test rows. */
static int inner_folds(const int *y, size_t n, const int *outer, int rep, int f, unsigned long seed, int *inner)
{
    int *ytr = malloc(n * sizeof *ytr), *fo = malloc(n * sizeof *fo);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (outer[i] != f)
            ytr[m++] = y[i];
    vx_error err;
    int rc = vx_cv_stratified_folds(ytr, m, FOLDS, seed + 7ul * (unsigned long)(rep * FOLDS + f) + 1, fo, &err);
    for (size_t i = 0, k = 0; rc == VX_OK && i < n; i++)
        inner[i] = outer[i] != f ? fo[k++] : -1;
    free(ytr);
    free(fo);
    return rc;
}

static int listed(const char *list, const char *name)
{
    if (!list)
        return 1;
    size_t l = strlen(name);
    for (const char *s = list; (s = strstr(s, name)); s += l)
        if ((s == list || s[-1] == ',') && (s[l] == ',' || s[l] == 0))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *outdir = argc > 1 && strcmp(argv[1], "-") ? argv[1] : NULL;
    const char *models = argc > 2 ? argv[2] : NULL;
    int R = argc > 3 ? atoi(argv[3]) : 10;
    const char *shapes = argc > 4 ? argv[4] : "150x100,150x2000,300x1000";
    if (R < 1)
        R = 10;
    if (!getenv("BENCH_DEFAULT_MALLOC")) /* as the voxomics CLI: vx_tune_allocator (BENCH_DEFAULT_MALLOC=1: not) */
        vx_tune_allocator();
    const char *bt = getenv("BENCH_BLAS_THREADS");
    openblas_set_num_threads(bt ? atoi(bt) : 1);
    static const char *const names[] = {"logreg", "logreg-l1", "svm", "rf", "gbm", "nested", "rf-sklearn", "gbm-sklearn"};
    static const vx_model_kind kinds[] = {VX_MODEL_LOGREG, VX_MODEL_LOGREG_L1, VX_MODEL_SVM, VX_MODEL_RF,
                                          VX_MODEL_GBM,    VX_MODEL_LOGREG,    VX_MODEL_RF,  VX_MODEL_GBM};
    static const double grid[] = {0.01, 0.1, 1, 10, 100};
    const unsigned long seed = 1;
    printf("bench_learn: %d folds x %d repeats, stratified, the same folds for every model; seconds for the whole "
           "cross-validation\n",
           FOLDS, R);
    printf("%-10s %-10s %10s %10s %10s\n", "shape", "model", "seconds", "mean AUC", "CPU s");
    char *sh = strdup(shapes), *save = NULL;
    for (char *tok = strtok_r(sh, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t n, p;
        if (sscanf(tok, "%zux%zu", &n, &p) != 2 || n < 20 || p < 1) {
            fprintf(stderr, "bench_learn: shape \"%s\" is not NxP (N >= 20)\n", tok);
            return 2;
        }
        double *X = malloc(n * p * sizeof *X);
        int *y = malloc(n * sizeof *y), *fold = malloc(n * (size_t)R * sizeof *fold), *f1 = malloc(n * sizeof *f1);
        int *inner = malloc(n * (size_t)(R * FOLDS) * sizeof *inner), *col = malloc(n * sizeof *col);
        char **fn = malloc(p * sizeof *fn);
        for (size_t j = 0; j < p; j++) {
            fn[j] = malloc(24);
            snprintf(fn[j], 24, "f%zu", j + 1);
        }
        gen_table(n, p, (uint64_t)(n * 100003 + p), X, y);
        vx_error err;
        for (int rep = 0; rep < R; rep++) {
            if (vx_cv_stratified_folds(y, n, FOLDS, seed + 1000003ul * (unsigned long)rep, f1, &err) != VX_OK) {
                fprintf(stderr, "bench_learn: %s\n", err.msg);
                return 1;
            }
            for (size_t i = 0; i < n; i++)
                fold[i * (size_t)R + (size_t)rep] = f1[i];
            for (int f = 0; f < FOLDS; f++) {
                inner_folds(y, n, f1, rep, f, seed, col);
                for (size_t i = 0; i < n; i++)
                    inner[i * (size_t)(R * FOLDS) + (size_t)(rep * FOLDS + f)] = col[i];
            }
        }
        char path[4096];
        if (outdir) {
            snprintf(path, sizeof path, "%s/learn_%s.csv", outdir, tok);
            int bad = write_table(path, X, n, p, y);
            snprintf(path, sizeof path, "%s/learn_%s_folds.csv", outdir, tok);
            bad |= write_ints(path, fold, n, (size_t)R);
            snprintf(path, sizeof path, "%s/learn_%s_inner.csv", outdir, tok);
            bad |= write_ints(path, inner, n, (size_t)(R * FOLDS));
            if (bad) {
                fprintf(stderr, "bench_learn: cannot write into %s\n", outdir);
                return 1;
            }
        }
        for (int k = 0; k < 8; k++) {
            if (!listed(models, names[k]) || (!models && k >= 6))
                continue;
            vx_pipeline_params pp;
            vx_pipeline_params_default(&pp, kinds[k]);
            if (k >= 6 && vx_model_params_preset(&pp.model, "sklearn", &err) != VX_OK)
                return 1;
            vx_cv_tune tune = {"C", grid, 5};
            vx_cv_options o = {.folds = FOLDS, .repeats = R, .seed = seed, .given = fold};
            if (k == 5) {
                o.tune = &tune;
                o.n_tune = 1;
            }
            vx_cv_result r;
            double t0 = bench_now(), c0 = cpu_now();
            int rc = vx_cv_run(X, n, p, y, (const char *const *)fn, NULL, &pp, &o, &r, &err);
            double t = bench_now() - t0, c = cpu_now() - c0;
            if (rc != VX_OK) {
                printf("%-10s %-10s failed: %s\n", tok, names[k], err.msg);
                continue;
            }
            printf("%-10s %-10s %10.3f %10.4f %10.3f\n", tok, names[k], t, r.auc_mean, c);
            fflush(stdout);
            if (outdir) {
                snprintf(path, sizeof path, "%s/learn_%s_%s_auc.csv", outdir, tok, names[k]);
                FILE *f = fopen(path, "w");
                for (int i = 0; f && i < R * FOLDS; i++)
                    fprintf(f, "%.17g\n", r.auc[i]);
                if (f)
                    fclose(f);
            }
            vx_cv_result_free(&r);
        }
        for (size_t j = 0; j < p; j++)
            free(fn[j]);
        free(fn);
        free(X);
        free(y);
        free(fold);
        free(f1);
        free(inner);
        free(col);
    }
    free(sh);
    return 0;
}
