/* Imaging-to-omics regression (voxomics/omics.h vx_regress; `voxomics regress`) against scikit-learn 1.2.1.
 *
 * tests/data/stats/regress_sklearn.csv (scripts/regress_reference.py): the out-of-fold Pearson r of the first 50
 * genes of the NSCLC RNA-seq predicted from the 102 CaPTk features, 127 patients, the five folds of
 * tests/data/stats/regress_folds.csv, each gene on its complete patients; per training fold SimpleImputer(median),
 * StandardScaler and Ridge(alpha = 1, 10, 100), PLSRegression(K = 1, 2, 3, scale = True) or
 * ElasticNet((0.1, 0.5), (0.05, 0.9); tol 1e-14). Asserted to 1e-10 (measured: within 1e-13).
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

#include "voxomics/omics.h"
#include "voxomics/table.h"
#include "vx_test.h"

#define NGENES 50

typedef struct nsclc {
    vx_table f, o, fo;
    size_t n, px;
    double *x, *y;
    int *fold;
} nsclc;

static void load(nsclc *d)
{
    vx_error err = {0};
    char path[4096];
    memset(d, 0, sizeof *d);
    assert_int_equal(vx_table_read(vx_test_data("stats/nsclc_radiogenomics/captk_features.csv"), "SubjectID", &d->f,
                                   &err), VX_OK);
    assert_int_equal(vx_table_read(vx_test_data("stats/nsclc_radiogenomics/rnaseq_top1000var_log10_zscore.csv"),
                                   NULL, &d->o, &err), VX_OK);
    snprintf(path, sizeof path, "%s/tests/data/stats/regress_folds.csv", getenv("VX_SOURCE_DIR"));
    assert_int_equal(vx_table_read(path, "SubjectID", &d->fo, &err), VX_OK);
    const size_t nf = d->f.nrow;
    d->px = d->f.ncol - 1;
    d->x = malloc(d->px * nf * sizeof *d->x), d->y = malloc(NGENES * nf * sizeof *d->y);
    d->fold = malloc(nf * sizeof *d->fold);
    for (size_t i = 0; i < nf; i++) {
        size_t c = 1, r = 0;
        while (c < d->o.ncol && strcmp(VX_TABLE_ID(&d->f, i), d->o.colnames[c]))
            c++;
        if (c == d->o.ncol)
            continue;
        while (r < d->fo.nrow && strcmp(VX_TABLE_ID(&d->fo, r), VX_TABLE_ID(&d->f, i)))
            r++;
        assert_true(r < d->fo.nrow);
        d->fold[d->n] = (int)d->fo.num[r * d->fo.ncol + 1];
        for (size_t j = 0; j < d->px; j++)
            d->x[j * nf + d->n] = d->f.num[i * d->f.ncol + j + 1];
        for (size_t g = 0; g < NGENES; g++)
            d->y[g * nf + d->n] = d->o.num[g * d->o.ncol + c];
        d->n++;
    }
    /* compact the column-major matrices to n rows */
    for (size_t j = 0; j < d->px; j++)
        memmove(d->x + j * d->n, d->x + j * nf, d->n * sizeof *d->x);
    for (size_t g = 0; g < NGENES; g++)
        memmove(d->y + g * d->n, d->y + g * nf, d->n * sizeof *d->y);
}

static void unload(nsclc *d)
{
    vx_table_free(&d->f), vx_table_free(&d->o), vx_table_free(&d->fo);
    free(d->x), free(d->y), free(d->fold);
}

/* every reference row of (model, param) against vx_regress with par */
static size_t check_model(const nsclc *d, const char *model, const char *param, const vx_regress_params *par)
{
    vx_regress_result res[NGENES];
    vx_error err = {0};
    assert_int_equal(vx_regress(d->x, d->n, d->px, d->y, NGENES, d->fold, 5, par, res, NULL, &err), VX_OK);
    char path[4096], line[512], *fl[8];
    snprintf(path, sizeof path, "%s/tests/data/stats/regress_sklearn.csv", getenv("VX_SOURCE_DIR"));
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    size_t checked = 0;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || vx_test_csv_split(line, fl, 8) != 5 || strcmp(fl[0], model) || strcmp(fl[1], param))
            continue;
        size_t g = 0;
        while (g < NGENES && strcmp(VX_TABLE_ID(&d->o, g), fl[2]))
            g++;
        assert_true(g < NGENES);
        assert_int_equal(res[g].n, (size_t)atol(fl[3]));
        vx_assert_near(res[g].r, atof(fl[4]), 1e-10);
        checked++;
    }
    fclose(fp);
    return checked;
}

static void test_vs_sklearn(void **state)
{
    (void)state;
    nsclc d;
    load(&d);
    assert_int_equal(d.n, 127);
    vx_regress_params par = {VX_REGRESS_RIDGE, 1.0, 0.5, 2, 0, 1};
    assert_int_equal(check_model(&d, "ridge", "1.0", &par), NGENES);
    par.alpha = 10.0;
    assert_int_equal(check_model(&d, "ridge", "10.0", &par), NGENES);
    par.alpha = 100.0;
    assert_int_equal(check_model(&d, "ridge", "100.0", &par), NGENES);
    par.model = VX_REGRESS_PLS;
    for (size_t k = 1; k <= 3; k++) {
        char s[8];
        snprintf(s, sizeof s, "%zu", k);
        par.components = k;
        assert_int_equal(check_model(&d, "pls", s, &par), NGENES);
    }
    par.model = VX_REGRESS_ENET, par.alpha = 0.1, par.l1_ratio = 0.5;
    assert_int_equal(check_model(&d, "enet", "0.1/0.5", &par), NGENES);
    par.alpha = 0.05, par.l1_ratio = 0.9;
    assert_int_equal(check_model(&d, "enet", "0.05/0.9", &par), NGENES);
    unload(&d);
}

/* permutation p: a target the features predict gets the smallest p, 1 / (1 + N); the same seed gives the same p;
 * p is in [1/(1+N), 1]; q by BH; folds are balanced; bad parameters are refused */
static void test_permutations(void **state)
{
    (void)state;
    enum { N = 40, P = 3, T = 3, B = 49 };
    double x[N * P], y[N * T];
    uint64_t s = 7;
    for (size_t i = 0; i < N * P; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = (double)(s >> 11) / 9007199254740992.0 - 0.5;
    }
    for (size_t i = 0; i < N; i++) {
        y[i] = x[i] + 0.5 * x[N + i];         /* predictable */
        y[N + i] = x[((i * 17) % N) + 2 * N];  /* unrelated */
        y[2 * N + i] = i == 5 ? NAN : y[i];   /* predictable, one missing sample */
    }
    int fold[N];
    vx_error err = {0};
    assert_int_equal(vx_regress_folds(N, 4, 3, fold, &err), VX_OK);
    int cnt[4] = {0};
    for (size_t i = 0; i < N; i++)
        cnt[fold[i]]++;
    assert_true(cnt[0] == 10 && cnt[1] == 10 && cnt[2] == 10 && cnt[3] == 10);
    vx_regress_params par = {VX_REGRESS_RIDGE, 1.0, 0.5, 1, B, 11};
    vx_regress_result a[T], b[T];
    for (int m = 0; m < 3; m++) {
        par.model = (vx_regress_model)m, par.alpha = m == 2 ? 0.01 : 1.0;
        assert_int_equal(vx_regress(x, N, P, y, T, fold, 4, &par, a, NULL, &err), VX_OK);
        assert_int_equal(vx_regress(x, N, P, y, T, fold, 4, &par, b, NULL, &err), VX_OK);
        assert_true(a[0].r > 0.9 && a[2].r > 0.9 && a[2].n == N - 1);
        vx_assert_near(a[0].p, 1.0 / (1 + B), 1e-15);
        for (int t = 0; t < T; t++) {
            assert_true(a[t].p == b[t].p && a[t].r == b[t].r && a[t].p >= 1.0 / (1 + B) && a[t].p <= 1.0);
            assert_true(a[t].q >= a[t].p);
        }
    }
    par.model = VX_REGRESS_RIDGE, par.alpha = 0.0;
    assert_int_equal(vx_regress(x, N, P, y, T, fold, 4, &par, a, NULL, &err), VX_EINVAL);
    fold[0] = 4, par.alpha = 1.0;
    assert_int_equal(vx_regress(x, N, P, y, T, fold, 4, &par, a, NULL, &err), VX_EINVAL);
    assert_int_equal(vx_regress_folds(N, 1, 3, fold, &err), VX_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vs_sklearn),
        cmocka_unit_test(test_permutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
