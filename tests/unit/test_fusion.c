/* Multimodal prediction: feature blocks alone and fused in one cross-validation (vx_fusion_cv).
 *
 * Data: tests/data/stats/fusion_data.csv (60 rows, blocks imaging a1..a4 and genomic g1..g3, given outer folds
 * and per outer fold given inner folds), written by scripts/fusion_reference.py, which also computed scikit-learn's
 * results (tests/data/stats/fusion_ref.csv and the fold AUCs below): StandardScaler + LogisticRegression(C=1)
 * per block, stacking written out with a LogisticRegression(C=1) stacker fitted on the inner out-of-fold decision
 * values of the outer training rows.
 *   (a) a block alone equals vx_cv_run on its columns (and scikit-learn's per-block scores);
 *   (b) early fusion of one block (no block scaling) equals the plain pipeline, with and without selection;
 *   (c) late fusion equals the scikit-learn reference: fold AUCs to 1e-6, out-of-fold scores to 1e-8;
 *   (d) the DeLong p of each block against the fused model is vx_roc_delong_paired's (pROC-verified);
 * and vx_table_transpose (cv --join-by-rows) on a small genes x samples table.
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

#include "voxomics/pipeline.h"
#include "voxomics/roc.h"
#include "voxomics/table.h"
#include "vx_test.h"

#define N 60
#define P 7
static const char *const NAMES[P] = {"a1", "a2", "a3", "a4", "g1", "g2", "g3"};
static const size_t IMG[4] = {0, 1, 2, 3}, GEN[3] = {4, 5, 6};

typedef struct fdata {
    double X[N * P];
    int y[N], outer[N], inner[N * 3];
    double ref[N * 3]; /* imaging, genomic, fused scores of scikit-learn */
} fdata;

static void load(fdata *d)
{
    char path[4096];
    const char *src = getenv("VX_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/data/stats/fusion_data.csv", src ? src : ".");
    vx_table t, r;
    vx_error err;
    assert_int_equal(vx_table_read(path, "id", &t, &err), VX_OK);
    snprintf(path, sizeof path, "%s/tests/data/stats/fusion_ref.csv", src ? src : ".");
    assert_int_equal(vx_table_read(path, "id", &r, &err), VX_OK);
    assert_int_equal(t.nrow, N);
    assert_int_equal(r.nrow, N);
    for (size_t i = 0; i < N; i++) {
        d->y[i] = (int)t.num[i * t.ncol + (size_t)vx_table_col(&t, "y")];
        d->outer[i] = (int)t.num[i * t.ncol + (size_t)vx_table_col(&t, "outer")];
        for (size_t j = 0; j < P; j++)
            d->X[i * P + j] = t.num[i * t.ncol + (size_t)vx_table_col(&t, NAMES[j])];
        for (int f = 0; f < 3; f++) {
            char c[16];
            snprintf(c, sizeof c, "inner%d", f + 1);
            double v = t.num[i * t.ncol + (size_t)vx_table_col(&t, c)];
            d->inner[i * 3 + f] = isnan(v) ? -1 : (int)v;
        }
        assert_string_equal(VX_TABLE_ID(&t, i), VX_TABLE_ID(&r, i));
        for (int k = 0; k < 3; k++)
            d->ref[i * 3 + k] = r.num[i * r.ncol + 1 + (size_t)k];
    }
    vx_table_free(&t);
    vx_table_free(&r);
}

/* Columns col of X into Xb (N x p). */
static void take(const fdata *d, const size_t *col, size_t p, double *Xb, const char **nm)
{
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < p; j++)
            Xb[i * p + j] = d->X[i * P + col[j]];
    for (size_t j = 0; j < p; j++)
        nm[j] = NAMES[col[j]];
}

static void options(const fdata *d, vx_cv_options *o)
{
    memset(o, 0, sizeof *o);
    o->folds = 3;
    o->repeats = 1;
    o->given = d->outer;
    o->inner_given = d->inner;
}

static void test_block_alone_and_late(void **state)
{
    (void)state;
    static fdata d;
    load(&d);
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    vx_cv_options o;
    options(&d, &o);
    vx_fusion_block bl[2] = {{"imaging", IMG, 4}, {"genomic", GEN, 3}};
    vx_fusion_result r;
    vx_error err;
    assert_int_equal(vx_fusion_cv(d.X, N, P, d.y, NAMES, bl, 2, &pp, &o, VX_FUSION_LATE, 1, &r, &err), VX_OK);
    /* (a) each block alone is vx_cv_run on its columns, and scikit-learn's pipeline */
    for (size_t b = 0; b < 2; b++) {
        double Xb[N * 4];
        const char *nm[4];
        take(&d, bl[b].col, bl[b].p, Xb, nm);
        vx_cv_result c;
        assert_int_equal(vx_cv_run(Xb, N, bl[b].p, d.y, nm, NULL, &pp, &o, &c, &err), VX_OK);
        for (int f = 0; f < 3; f++)
            assert_true(c.auc[f] == r.block[b].auc[f]);
        assert_true(c.pooled[0] == r.block[b].pooled[0]);
        for (size_t i = 0; i < N; i++) {
            assert_true(c.oof[i] == r.block[b].oof[i]);
            assert_true(fabs(r.block[b].oof[i] - d.ref[i * 3 + b]) < 1e-8);
        }
        vx_cv_result_free(&c);
    }
    /* (c) late fusion against scikit-learn (scripts/fusion_reference.py) */
    const double ref_auc[3] = {0.84000000000000008, 0.70999999999999996, 0.79000000000000004};
    for (int f = 0; f < 3; f++)
        assert_true(fabs(r.fused.auc[f] - ref_auc[f]) < 1e-6);
    assert_true(fabs(r.fused.pooled[0] - 0.77888888888888885) < 1e-6);
    for (size_t i = 0; i < N; i++)
        assert_true(fabs(r.fused.oof[i] - d.ref[i * 3 + 2]) < 1e-8);
    /* (d) DeLong of each block vs the fused model on the pooled out-of-fold scores */
    assert_int_equal(r.ndelong, 2);
    for (size_t b = 0; b < 2; b++) {
        double a1, a2, z, p;
        assert_int_equal(vx_roc_delong_paired(r.block[b].oof, r.fused.oof, d.y, N, &a1, &a2, &z, &p, &err), VX_OK);
        assert_int_equal(r.delong[b].a, b);
        assert_true(r.delong[b].auc_a == a1 && r.delong[b].auc_b == a2);
        assert_true(r.delong[b].z == z && r.delong[b].p == p);
        assert_true(p > 0.0 && p < 1.0);
    }
    vx_fusion_result_free(&r);
}

/* (b) early fusion of one block without scaling = the plain pipeline (none and univariate selection) */
static void test_early_one_block(void **state)
{
    (void)state;
    static fdata d;
    load(&d);
    for (int sel = 0; sel < 2; sel++) {
        vx_pipeline_params pp;
        vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
        if (sel) {
            pp.select.method = VX_SELECT_UNIVARIATE;
            pp.select.k = 2;
        }
        vx_cv_options o;
        options(&d, &o);
        o.inner_given = NULL;
        o.given = NULL; /* stratified folds from the seed, 2 repeats */
        o.repeats = 2;
        o.seed = 5;
        vx_fusion_block bl[1] = {{"imaging", IMG, 4}};
        vx_fusion_result r;
        vx_error err;
        assert_int_equal(vx_fusion_cv(d.X, N, P, d.y, NAMES, bl, 1, &pp, &o, VX_FUSION_EARLY, 0, &r, &err), VX_OK);
        double Xb[N * 4];
        const char *nm[4];
        take(&d, IMG, 4, Xb, nm);
        vx_cv_result c;
        assert_int_equal(vx_cv_run(Xb, N, 4, d.y, nm, NULL, &pp, &o, &c, &err), VX_OK);
        for (int f = 0; f < 6; f++)
            assert_true(fabs(c.auc[f] - r.fused.auc[f]) < 1e-15);
        for (size_t i = 0; i < 2 * N; i++)
            assert_true(fabs(c.oof[i] - r.fused.oof[i]) < 1e-12);
        assert_int_equal(r.ndelong, 2);
        assert_true(isnan(r.delong[0].p)); /* the same ranking: nothing to test */
        vx_cv_result_free(&c);
        vx_fusion_result_free(&r);
    }
}

/* Early fusion of both blocks with block scaling runs and differs from either block; errors are reported. */
static void test_early_two_blocks_and_errors(void **state)
{
    (void)state;
    static fdata d;
    load(&d);
    vx_pipeline_params pp;
    vx_pipeline_params_default(&pp, VX_MODEL_LOGREG);
    vx_cv_options o;
    options(&d, &o);
    vx_fusion_block bl[2] = {{"imaging", IMG, 4}, {"genomic", GEN, 3}};
    vx_fusion_result r;
    vx_error err;
    assert_int_equal(vx_fusion_cv(d.X, N, P, d.y, NAMES, bl, 2, &pp, &o, VX_FUSION_EARLY, 1, &r, &err), VX_OK);
    assert_true(r.fused.pooled[0] > 0.5 && r.fused.pooled[0] <= 1.0);
    assert_int_equal(r.ndelong, 2);
    vx_fusion_result_free(&r);
    size_t bad[1] = {99};
    vx_fusion_block bb[1] = {{"x", bad, 1}};
    assert_int_equal(vx_fusion_cv(d.X, N, P, d.y, NAMES, bb, 1, &pp, &o, VX_FUSION_LATE, 1, &r, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "outside"));
    assert_int_equal(vx_fusion_kind_find("late"), VX_FUSION_LATE);
    assert_int_equal(vx_fusion_kind_find("mid"), -1);
}

/* vx_table_transpose: genes x samples -> samples x genes, joinable by ID (--join-by-rows). */
static void test_transpose(void **state)
{
    (void)state;
    const char *path = vx_test_tmp("genes.csv");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(",s1,s2,s3\nG1,1.5,,3\nG2,-2,5,x\n", f);
    fclose(f);
    vx_table t, tt;
    vx_error err;
    assert_int_equal(vx_table_read(path, NULL, &t, &err), VX_OK);
    assert_int_equal(vx_table_transpose(&t, &tt, &err), VX_OK);
    assert_int_equal(tt.nrow, 3);
    assert_int_equal(tt.ncol, 3);
    assert_string_equal(tt.colnames[0], "ID");
    assert_string_equal(tt.colnames[2], "G2");
    assert_string_equal(VX_TABLE_ID(&tt, 1), "s2");
    assert_true(tt.num[0 * 3 + 1] == 1.5 && isnan(tt.num[1 * 3 + 1]) && tt.num[1 * 3 + 2] == 5.0);
    assert_string_equal(tt.cell[2 * 3 + 2], "x");
    assert_int_equal(vx_table_col(&tt, "G1"), 1);
    vx_table_free(&tt);
    vx_table_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_alone_and_late),
        cmocka_unit_test(test_early_one_block),
        cmocka_unit_test(test_early_two_blocks_and_errors),
        cmocka_unit_test(test_transpose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
