/* Unit tests: ComBat harmonisation (src/harmonize/).
 *
 * Reference: stats/combat_reference/ (README there): testdata.csv, 200 features x 10 samples, and the outputs
 * of R neuroCombat / sva::ComBat (`combat_<variant>_r.csv`, 200 rows x 10 columns, header V1..V10) for
 * batch = 1,1,1,1,1,2,2,2,2,2 and, in the "adjusted" variants, the covariate 1 for samples 1,3,5,7,9 else 0.
 * Every cell of every R variant must agree to 1e-8 absolute; the Python port's output (equal to R to 4e-15) too.
 * The remaining tests check properties of the API: apply == fit output, save/load bit-identical, the error
 * cases, and that a skipped (constant) feature leaves the others exactly as a fit without it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/combat.h"
#include "vx_test.h"

#define NS 10  /* samples */
#define NF 200 /* features */

static const int batch[NS] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
static const char *const bnames[2] = {"1", "2"};
static const double pheno[NS] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0};

/* Read a features x samples CSV (optional header) into X (samples x features, row-major). */
static void read_matrix(const char *rel, int header, double *X)
{
    FILE *f = fopen(vx_test_data(rel), "r");
    if (!f)
        fail_msg("cannot open %s", vx_test_data(rel));
    char line[16384];
    char *fld[64];
    int row = 0;
    if (header)
        assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '\n' || line[0] == '\r')
            continue;
        int nf = vx_test_csv_split(line, fld, 64);
        assert_true(nf >= NS);
        assert_true(row < NF);
        for (int i = 0; i < NS; i++) {
            char *end;
            X[i * NF + row] = strtod(fld[i], &end);
            assert_true(end != fld[i]);
        }
        row++;
    }
    fclose(f);
    assert_int_equal(row, NF);
}

static double X0[NS * NF];

static int setup(void **state)
{
    (void)state;
    read_matrix("stats/combat_reference/testdata.csv", 1, X0);
    return 0;
}

typedef struct variant {
    const char *file;
    int parametric, eb, mean_only, ref, adjusted;
} variant;

static const variant variants[] = {
    {"combat_parametric_adjusted_r.csv", 1, 1, 0, -1, 1},
    {"combat_parametric_unadjusted_r.csv", 1, 1, 0, -1, 0},
    {"combat_nonparametric_adjusted_r.csv", 0, 1, 0, -1, 1},
    {"combat_nonparametric_unadjusted_r.csv", 0, 1, 0, -1, 0},
    {"combat_parametric_adjusted_noeb_r.csv", 1, 0, 0, -1, 1},
    {"combat_parametric_unadjusted_noeb_r.csv", 1, 0, 0, -1, 0},
    {"combat_parametric_adjusted_meanonly_r.csv", 1, 1, 1, -1, 1},
    {"combat_parametric_unadjusted_meanonly_r.csv", 1, 1, 1, -1, 0},
    {"combat_parametric_adjusted_batchref_r.csv", 1, 1, 0, 0, 1},
    {"combat_parametric_unadjusted_batchref_r.csv", 1, 1, 0, 0, 0},
};
#define NVAR (sizeof variants / sizeof variants[0])

static void opts_of(const variant *v, vx_combat_options *o)
{
    vx_combat_options_default(o);
    o->parametric = v->parametric;
    o->eb = v->eb;
    o->mean_only = v->mean_only;
    o->ref_batch = v->ref;
}

static void assert_matrix_near(const double *a, const double *ref, double tol, const char *what)
{
    double worst = 0.0;
    for (size_t k = 0; k < NS * NF; k++) {
        double d = fabs(a[k] - ref[k]);
        if (!(d <= worst))
            worst = d; /* NaN sticks */
    }
    if (!(worst <= tol))
        fail_msg("%s: max |diff| %g > %g", what, worst, tol);
}

/* Every cell of every R variant to 1e-8. */
static void test_r_variants(void **state)
{
    (void)state;
    static double out[NS * NF], ref[NS * NF];
    for (size_t v = 0; v < NVAR; v++) {
        char rel[256];
        snprintf(rel, sizeof rel, "stats/combat_reference/%s", variants[v].file);
        read_matrix(rel, 1, ref);
        vx_combat_options o;
        opts_of(&variants[v], &o);
        vx_error err = {0, ""};
        int rc = vx_combat_fit_apply(X0, NS, NF, batch, bnames, 2, variants[v].adjusted ? pheno : NULL,
                                     variants[v].adjusted ? 1 : 0, NULL, &o, out, NULL, &err);
        if (rc)
            fail_msg("%s: %s", variants[v].file, err.msg);
        assert_matrix_near(out, ref, 1e-8, variants[v].file);
        if (variants[v].ref == 0) /* the reference batch is unchanged, exactly */
            for (size_t k = 0; k < 5 * NF; k++)
                assert_true(out[k] == X0[k]);
    }
}

/* The Python port (no header) agrees with R to 4e-15 (README); we agree with it to 1e-8. An intercept column
 * in the covariates (as model.matrix(~pheno) gives) is ignored, as in sva. */
static void test_python_and_intercept(void **state)
{
    (void)state;
    static double out[NS * NF], ref[NS * NF];
    double cov2[NS * 2];
    for (int i = 0; i < NS; i++) {
        cov2[2 * i] = 1.0;
        cov2[2 * i + 1] = pheno[i];
    }
    read_matrix("stats/combat_reference/combat_parametric_adjusted_python.csv", 0, ref);
    vx_error err = {0, ""};
    vx_combat_fit *fit = NULL;
    assert_int_equal(vx_combat_fit_apply(X0, NS, NF, batch, bnames, 2, cov2, 2, NULL, NULL, out, &fit, &err), VX_OK);
    assert_matrix_near(out, ref, 1e-8, "python, intercept + covariate");
    assert_int_equal(vx_combat_fit_n_covariates(fit), 2);
    assert_int_equal(vx_combat_fit_n_skipped(fit), 0);
    assert_string_equal(vx_combat_fit_note(fit), "");
    vx_combat_free(fit);
}

/* vx_combat_apply on the training data reproduces the fit output (to 1e-12; in fact exactly), for every
 * variant; save + load gives bit-identical apply output. */
static void test_apply_and_roundtrip(void **state)
{
    (void)state;
    static double out[NS * NF], out2[NS * NF], out3[NS * NF];
    const char *names[NS];
    char path[1024];
    for (int i = 0; i < NS; i++)
        names[i] = bnames[batch[i]];
    for (size_t v = 0; v < NVAR; v++) {
        vx_combat_options o;
        opts_of(&variants[v], &o);
        vx_error err = {0, ""};
        vx_combat_fit *fit = NULL, *fit2 = NULL;
        const double *cov = variants[v].adjusted ? pheno : NULL;
        size_t q = variants[v].adjusted ? 1 : 0;
        assert_int_equal(vx_combat_fit_apply(X0, NS, NF, batch, bnames, 2, cov, q, NULL, &o, out, &fit, &err), VX_OK);
        assert_non_null(fit);
        assert_int_equal(vx_combat_apply(fit, X0, NS, names, cov, out2, &err), VX_OK);
        for (size_t k = 0; k < NS * NF; k++)
            vx_assert_near(out2[k], out[k], 1e-12);
        snprintf(path, sizeof path, "%s/combat_%zu.json", vx_test_tmpdir(), v);
        if (vx_combat_save(fit, path, &err))
            fail_msg("%s", err.msg);
        if (vx_combat_load(path, &fit2, &err))
            fail_msg("%s", err.msg);
        assert_int_equal(vx_combat_fit_n_features(fit2), NF);
        assert_int_equal(vx_combat_fit_n_batches(fit2), 2);
        assert_string_equal(vx_combat_fit_batch_name(fit2, 1), "2");
        assert_string_equal(vx_combat_fit_feature_name(fit2, 0), "feature 1");
        vx_combat_options o2 = vx_combat_fit_options(fit2);
        assert_int_equal(o2.parametric, o.parametric);
        assert_int_equal(o2.eb, o.eb);
        assert_int_equal(o2.mean_only, o.mean_only);
        assert_int_equal(o2.ref_batch, o.ref_batch);
        for (size_t b = 0; b < 2; b++)
            for (size_t j = 0; j < NF; j++) {
                assert_true(vx_combat_fit_gamma(fit2, b, j) == vx_combat_fit_gamma(fit, b, j));
                assert_true(vx_combat_fit_delta(fit2, b, j) == vx_combat_fit_delta(fit, b, j));
            }
        assert_int_equal(vx_combat_apply(fit2, X0, NS, names, cov, out3, &err), VX_OK);
        assert_memory_equal(out3, out2, sizeof out2);
        /* a subset of samples in another order, in place */
        double sub[3 * NF], subout[3 * NF];
        const char *sn[3] = {names[7], names[2], names[9]};
        double sc[3] = {pheno[7], pheno[2], pheno[9]};
        memcpy(sub, X0 + 7 * NF, NF * sizeof(double));
        memcpy(sub + NF, X0 + 2 * NF, NF * sizeof(double));
        memcpy(sub + 2 * NF, X0 + 9 * NF, NF * sizeof(double));
        assert_int_equal(vx_combat_apply(fit2, sub, 3, sn, cov ? sc : NULL, subout, &err), VX_OK);
        assert_int_equal(vx_combat_apply(fit2, sub, 3, sn, cov ? sc : NULL, sub, &err), VX_OK);
        assert_memory_equal(sub, subout, sizeof sub);
        assert_memory_equal(subout, out2 + 7 * NF, NF * sizeof(double));
        assert_memory_equal(subout + NF, out2 + 2 * NF, NF * sizeof(double));
        assert_memory_equal(subout + 2 * NF, out2 + 9 * NF, NF * sizeof(double));
        vx_combat_free(fit);
        vx_combat_free(fit2);
    }
}

static void test_unknown_batch_and_apply_errors(void **state)
{
    (void)state;
    static double out[NS * NF];
    vx_error err = {0, ""};
    vx_combat_fit *fit = NULL;
    assert_int_equal(vx_combat_fit_apply(X0, NS, NF, batch, bnames, 2, pheno, 1, NULL, NULL, out, &fit, &err), VX_OK);
    const char *names[2] = {"2", "C"};
    assert_int_equal(vx_combat_apply(fit, X0, 2, names, pheno, out, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "combat: batch 'C' was not in the fit (batches: 1, 2)"));
    assert_non_null(strstr(err.msg, "sample 2"));
    assert_int_equal(vx_combat_apply(fit, X0, 2, names, NULL, out, &err), VX_EINVAL); /* covariates missing */
    assert_non_null(strstr(err.msg, "covariate"));
    double bad[NF];
    memcpy(bad, X0, sizeof bad);
    bad[17] = NAN;
    assert_int_equal(vx_combat_apply(fit, bad, 1, names, pheno, out, &err), VX_ENAN);
    assert_non_null(strstr(err.msg, "feature 18"));
    vx_combat_free(fit);
}

static void test_load_errors(void **state)
{
    (void)state;
    vx_error err = {0, ""};
    vx_combat_fit *fit = (vx_combat_fit *)1;
    char path[1024];
    snprintf(path, sizeof path, "%s/does-not-exist.json", vx_test_tmpdir());
    assert_int_equal(vx_combat_load(path, &fit, &err), VX_EIO);
    assert_null(fit);
    snprintf(path, sizeof path, "%s/bad.json", vx_test_tmpdir());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"format\": \"voxomics-combat\", \"version\": 1, \"options\": {}}", f);
    fclose(f);
    assert_int_equal(vx_combat_load(path, &fit, &err), VX_EFORMAT);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("[1, 2", f);
    fclose(f);
    assert_int_equal(vx_combat_load(path, &fit, &err), VX_EFORMAT);
    assert_non_null(strstr(err.msg, "not valid JSON"));
}

/* A batch of 1 sample: VX_EINVAL naming it, unless mean-only. */
static void test_one_sample_batch(void **state)
{
    (void)state;
    static double out[NS * NF];
    const int b3[NS] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 2};
    const char *const n3[3] = {"A", "B", "lonely"};
    vx_error err = {0, ""};
    assert_int_equal(vx_combat_fit_apply(X0, NS, NF, b3, n3, 3, NULL, 0, NULL, NULL, out, NULL, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "batch 'lonely' has 1 sample"));
    vx_combat_options o;
    vx_combat_options_default(&o);
    o.mean_only = 1;
    assert_int_equal(vx_combat_fit_apply(X0, NS, NF, b3, n3, 3, NULL, 0, NULL, &o, out, NULL, &err), VX_OK);
    for (size_t k = 0; k < NS * NF; k++)
        assert_true(isfinite(out[k]));
    /* a reference batch needs 2 samples */
    o.ref_batch = 2;
    assert_int_equal(vx_combat_fit_apply(X0, NS, NF, b3, n3, 3, NULL, 0, NULL, &o, out, NULL, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "reference batch 'lonely'"));
}

/* A feature constant within a batch is left unharmonised and named; the other features come out exactly as a
 * fit without that feature (sva removes such rows before fitting). skip_constant = 0 makes it an error. */
static void test_constant_feature(void **state)
{
    (void)state;
    static double X[NS * NF], out[NS * NF], Xr[NS * (NF - 1)], outr[NS * (NF - 1)];
    const char *fn[NF];
    char fnb[NF][16];
    for (int j = 0; j < NF; j++) {
        snprintf(fnb[j], sizeof fnb[j], "f%d", j);
        fn[j] = fnb[j];
    }
    memcpy(X, X0, sizeof X);
    const int cj = 41;
    for (int i = 5; i < NS; i++)
        X[i * NF + cj] = 3.25; /* constant in batch "2" */
    for (int i = 0; i < NS; i++)
        for (int j = 0, t = 0; j < NF; j++)
            if (j != cj)
                Xr[i * (NF - 1) + t++] = X[i * NF + j];
    vx_error err = {0, ""};
    vx_combat_fit *fit = NULL;
    assert_int_equal(vx_combat_fit_apply(X, NS, NF, batch, bnames, 2, pheno, 1, fn, NULL, out, &fit, &err), VX_OK);
    assert_int_equal(vx_combat_fit_n_skipped(fit), 1);
    assert_int_equal(vx_combat_fit_skipped(fit, 0), cj);
    assert_non_null(strstr(vx_combat_fit_note(fit), "'f41' (constant in batch '2')"));
    for (int i = 0; i < NS; i++)
        assert_true(out[i * NF + cj] == X[i * NF + cj]);
    assert_int_equal(vx_combat_fit_apply(Xr, NS, NF - 1, batch, bnames, 2, pheno, 1, NULL, NULL, outr, NULL, &err),
                     VX_OK);
    for (int i = 0; i < NS; i++)
        for (int j = 0, t = 0; j < NF; j++)
            if (j != cj)
                assert_true(out[i * NF + j] == outr[i * (NF - 1) + t++]);
    /* the skipped feature survives save / load and apply */
    char path[1024];
    snprintf(path, sizeof path, "%s/combat_skip.json", vx_test_tmpdir());
    assert_int_equal(vx_combat_save(fit, path, &err), VX_OK);
    vx_combat_fit *fit2 = NULL;
    assert_int_equal(vx_combat_load(path, &fit2, &err), VX_OK);
    assert_int_equal(vx_combat_fit_n_skipped(fit2), 1);
    assert_string_equal(vx_combat_fit_note(fit2), vx_combat_fit_note(fit));
    static double out2[NS * NF];
    const char *names[NS];
    for (int i = 0; i < NS; i++)
        names[i] = bnames[batch[i]];
    assert_int_equal(vx_combat_apply(fit2, X, NS, names, pheno, out2, &err), VX_OK);
    assert_memory_equal(out2, out, sizeof out);
    vx_combat_free(fit);
    vx_combat_free(fit2);

    vx_combat_options o;
    vx_combat_options_default(&o);
    o.skip_constant = 0;
    assert_int_equal(vx_combat_fit_apply(X, NS, NF, batch, bnames, 2, pheno, 1, fn, &o, out, NULL, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "feature 'f41' is constant in batch '2'"));
}

static void test_bad_inputs(void **state)
{
    (void)state;
    static double X[NS * NF], out[NS * NF], ref[NS * NF];
    vx_error err = {0, ""};
    /* one batch only */
    const int b1[NS] = {0};
    assert_int_equal(vx_combat_fit_apply(X0, NS, NF, b1, bnames, 2, NULL, 0, NULL, NULL, out, NULL, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "at least 2"));
    /* a covariate confounded with batch */
    double conf[NS];
    for (int i = 0; i < NS; i++)
        conf[i] = batch[i] == 1 ? 2.0 : 0.0;
    assert_int_equal(vx_combat_fit_apply(X0, NS, NF, batch, bnames, 2, conf, 1, NULL, NULL, out, NULL, &err),
                     VX_EINVAL);
    assert_non_null(strstr(err.msg, "covariate column 1 is confounded"));
    /* batch index out of range, duplicate names */
    const int bo[NS] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 5};
    assert_int_equal(vx_combat_fit_apply(X0, NS, NF, bo, bnames, 2, NULL, 0, NULL, NULL, out, NULL, &err), VX_EINVAL);
    const char *const dup[2] = {"x", "x"};
    assert_int_equal(vx_combat_fit_apply(X0, NS, NF, batch, dup, 2, NULL, 0, NULL, NULL, out, NULL, &err), VX_EINVAL);
    /* non-finite input */
    memcpy(X, X0, sizeof X);
    X[3 * NF + 7] = INFINITY;
    assert_int_equal(vx_combat_fit_apply(X, NS, NF, batch, bnames, 2, NULL, 0, NULL, NULL, out, NULL, &err), VX_ENAN);
    assert_non_null(strstr(err.msg, "sample 4, feature 'feature 8'"));
    /* EB over one feature */
    assert_int_equal(vx_combat_fit_apply(X0, NS, 1, batch, bnames, 2, NULL, 0, NULL, NULL, out, NULL, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "eb = 0"));
    /* a named batch without samples is dropped; in place (out == X) */
    const char *const n3[3] = {"1", "unused", "2"};
    const int b3[NS] = {0, 0, 0, 0, 0, 2, 2, 2, 2, 2};
    read_matrix("stats/combat_reference/combat_parametric_adjusted_r.csv", 1, ref);
    memcpy(X, X0, sizeof X);
    vx_combat_fit *fit = NULL;
    assert_int_equal(vx_combat_fit_apply(X, NS, NF, b3, n3, 3, pheno, 1, NULL, NULL, X, &fit, &err), VX_OK);
    assert_matrix_near(X, ref, 1e-8, "unused batch name, in place");
    assert_int_equal(vx_combat_fit_n_batches(fit), 2);
    const char *nm[1] = {"unused"};
    assert_int_equal(vx_combat_apply(fit, X0, 1, nm, pheno, out, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "batch 'unused' was not in the fit (batches: 1, 2)"));
    vx_combat_free(fit);
}

/* A feature the design fits exactly (pooled variance 0) is left unharmonised and named, for every variant. */
static void test_fitted_exactly(void **state)
{
    (void)state;
    static double X[NS * NF], out[NS * NF];
    memcpy(X, X0, sizeof X);
    for (int i = 0; i < NS; i++)
        X[i * NF + 5] = 3.0 + 2.0 * pheno[i] + (batch[i] ? 4.0 : 0.0);
    for (size_t v = 0; v < NVAR; v++) {
        if (!variants[v].adjusted)
            continue;
        vx_combat_options o;
        opts_of(&variants[v], &o);
        vx_error err = {0, ""};
        vx_combat_fit *fit = NULL;
        assert_int_equal(vx_combat_fit_apply(X, NS, NF, batch, bnames, 2, pheno, 1, NULL, &o, out, &fit, &err),
                         VX_OK);
        assert_int_equal(vx_combat_fit_n_skipped(fit), 1);
        assert_non_null(strstr(vx_combat_fit_note(fit), "'feature 6' (fitted exactly by the design"));
        for (size_t k = 0; k < NS * NF; k++)
            assert_true(isfinite(out[k]));
        for (int i = 0; i < NS; i++)
            assert_true(out[i * NF + 5] == X[i * NF + 5]);
        vx_combat_free(fit);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_r_variants),
        cmocka_unit_test(test_python_and_intercept),
        cmocka_unit_test(test_apply_and_roundtrip),
        cmocka_unit_test(test_unknown_batch_and_apply_errors),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_one_sample_batch),
        cmocka_unit_test(test_constant_feature),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_fitted_exactly),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
