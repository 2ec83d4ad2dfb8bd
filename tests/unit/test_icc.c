/* ICC (include/voxomics/icc.h) against R psych::ICC.
 *
 * Reference numbers: psych 2.x in R, script
 *   library(psych); r <- ICC(m, lmer = FALSE)$results
 *   cat(sprintf("{%.15g, %.15g, %.15g, %.15g, %.15g, %.15g, %.15g},\n",
 *               r$ICC, r$F, r$df1, r$df2, r$p, r$`lower bound`, r$`upper bound`))
 * run on the matrices below. The Shrout & Fleiss (1979) ICCs are also the published values (Table 4 of the
 * paper, to 2 decimals; psych prints 0.17 0.29 0.71 0.44 0.62 0.91) and in /work/shared/stats/README.md.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "voxomics/icc.h"
#include "vx_test.h"

/* columns: ICC, F, df1, df2, p, lower bound, upper bound; rows ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k */
typedef double ref_row[7];

/* Shrout & Fleiss (1979) Table 2: 6 targets x 4 judges */
static const double sf[24] = {9, 2, 5, 8, 6, 1, 3, 2, 8, 4, 6, 8, 7, 1, 2, 6, 10, 5, 6, 9, 6, 2, 4, 7};
static const ref_row sf_ref[6] = {
    {0.165741768405475, 1.79467849223947, 5, 18, 0.16476880834464, -0.132932324874751, 0.722560062328121},
    {0.289763779527559, 11.0272479564033, 5, 15, 0.000134566516484337, 0.018786513374712, 0.761084369648953},
    {0.714840714840715, 11.0272479564033, 5, 15, 0.000134566516484337, 0.342464765033925, 0.945858259955359},
    {0.442797133679268, 1.79467849223947, 5, 18, 0.16476880834464, -0.884442155238121, 0.912415420340775},
    {0.620050547598989, 11.0272479564033, 5, 15, 0.000134566516484337, 0.0711368153025032, 0.927232040167722},
    {0.909315542377069, 11.0272479564033, 5, 15, 0.000134566516484337, 0.675674713816304, 0.985891678169062},
};

/* 10 subjects x 3 repeated measurements, made up (high reliability, rater 2 biased upwards) */
static const double rep[30] = {1.2, 1.5, 1.1, 3.4, 3.9, 3.3, 2.2, 2.0, 2.8, 5.1, 5.6, 4.9, 0.3, 0.9, 0.1,
                               4.4, 4.0, 4.8, 2.9, 3.5, 3.1, 1.8, 1.1, 2.0, 3.3, 3.0, 3.9, 6.0, 6.4, 5.5};
static const ref_row rep_ref[6] = {
    {0.9525567785983, 61.2334801762115, 9, 20, 1.35539634936537e-12, 0.872813118956388, 0.98675715271461},
    {0.952497762070288, 56.7733151803949, 9, 18, 2.22389101977622e-11, 0.870465097300414, 0.986815279037754},
    {0.948956427065718, 56.7733151803949, 9, 18, 2.22389101977622e-11, 0.859697886145069, 0.98585875149902},
    {0.983669064748201, 61.2334801762115, 9, 20, 1.35539634936537e-12, 0.95367654952908, 0.995546398663289},
    {0.983648085673466, 56.7733151803949, 9, 18, 2.22389101977622e-11, 0.952740532044651, 0.995566120032483},
    {0.982386091127098, 56.7733151803949, 9, 18, 2.22389101977622e-11, 0.948406879467649, 0.995241388696364},
};

static void check(const vx_icc *r, const ref_row *ref)
{
    for (int t = 0; t < 6; t++) {
        vx_assert_near(r->icc[t], ref[t][0], 1e-12);
        vx_assert_near_rel(r->F[t], ref[t][1], 1e-12);
        vx_assert_near(r->df1[t], ref[t][2], 0);
        vx_assert_near(r->df2[t], ref[t][3], 0);
        vx_assert_near(r->p[t] / ref[t][4], 1.0, 1e-11); /* relative, also for p ~ 1e-12 */
        vx_assert_near(r->lo[t], ref[t][5], 1e-12);
        vx_assert_near(r->hi[t], ref[t][6], 1e-12);
    }
}

static void test_shrout_fleiss(void **state)
{
    (void)state;
    vx_icc r;
    vx_error err = {0};
    assert_int_equal(vx_icc_compute(sf, 6, 4, &r, &err), VX_OK);
    /* README / psych: ICC1 0.165742, ICC2 0.289764, ICC3 0.714841, ICC1k 0.442797, ICC2k 0.620051, ICC3k 0.909316 */
    const double pub[6] = {0.165742, 0.289764, 0.714841, 0.442797, 0.620051, 0.909316};
    for (int t = 0; t < 6; t++)
        vx_assert_near(r.icc[t], pub[t], 1e-6);
    check(&r, sf_ref);
    assert_string_equal(vx_icc_name(VX_ICC2K), "ICC2k");
    assert_null(vx_icc_name(6));
}

static void test_repeated(void **state)
{
    (void)state;
    vx_icc r;
    vx_error err = {0};
    assert_int_equal(vx_icc_compute(rep, 10, 3, &r, &err), VX_OK);
    check(&r, rep_ref);
}

/* ICCs are invariant under a common affine change of all ratings (a + b y, b != 0); deterministic. */
static void test_invariance(void **state)
{
    (void)state;
    double y[30];
    for (int i = 0; i < 30; i++)
        y[i] = 1000.0 - 3.5 * rep[i];
    vx_icc a, b, c;
    vx_error err = {0};
    assert_int_equal(vx_icc_compute(rep, 10, 3, &a, &err), VX_OK);
    assert_int_equal(vx_icc_compute(y, 10, 3, &b, &err), VX_OK);
    assert_int_equal(vx_icc_compute(rep, 10, 3, &c, &err), VX_OK);
    for (int t = 0; t < 6; t++) {
        vx_assert_near(b.icc[t], a.icc[t], 1e-10);
        vx_assert_near(b.lo[t], a.lo[t], 1e-9);
        vx_assert_near(b.hi[t], a.hi[t], 1e-9);
    }
    assert_memory_equal(&a, &c, sizeof a);
}

static void test_errors(void **state)
{
    (void)state;
    vx_icc r;
    vx_error err = {0};
    assert_int_equal(vx_icc_compute(sf, 1, 4, &r, &err), VX_EINVAL);
    assert_non_null(strstr(err.msg, "at least 2 subjects"));
    assert_int_equal(vx_icc_compute(sf, 24, 1, &r, &err), VX_EINVAL);
    assert_int_equal(vx_icc_compute(NULL, 6, 4, &r, &err), VX_EINVAL);
    assert_int_equal(vx_icc_compute(sf, 6, 4, NULL, &err), VX_EINVAL);

    double c[12];
    for (int i = 0; i < 12; i++)
        c[i] = 2.5;
    /* a constant feature: a result with every value NaN and a note, not an error */
    assert_int_equal(vx_icc_compute(c, 4, 3, &r, &err), VX_OK);
    assert_non_null(strstr(r.note, "zero between- and within-subject variance"));
    for (int t = 0; t < 6; t++) {
        assert_true(isnan(r.icc[t]) && isnan(r.lo[t]) && isnan(r.hi[t]) && isnan(r.F[t]) && isnan(r.p[t]));
        vx_assert_near(r.df1[t], 3.0, 0.0);
    }

    /* rater 2 = rater 1 + 1 exactly: no residual. By hand: row means 1.5, 3.5, 1, 7.5, grand mean 3.375,
     * SSB = 2 (1.875^2 + 0.125^2 + 2.375^2 + 4.125^2) = 52.375, MSB = 52.375/3, SSJ = MSJ = 4 (0.5^2 + 0.5^2) = 2,
     * MSE = 0, MSW = 2/4: ICC3 = ICC3k = 1, ICC2 = MSB / (MSB + 2 MSJ / 4), ICC2k = MSB / (MSB + MSJ / 4),
     * ICC1 = (MSB - MSW) / (MSB + MSW), F(ICC1) = MSB / MSW */
    double off[8] = {1, 2, 3, 4, 0.5, 1.5, 7, 8};
    assert_int_equal(vx_icc_compute(off, 4, 2, &r, &err), VX_OK);
    assert_non_null(strstr(r.note, "residual variance is zero"));
    assert_non_null(strstr(r.note, "offset"));
    const double msb = 52.375 / 3.0;
    vx_assert_near(r.icc[VX_ICC3], 1.0, 1e-15);
    vx_assert_near(r.icc[VX_ICC3K], 1.0, 1e-15);
    vx_assert_near(r.icc[VX_ICC2], msb / (msb + 1.0), 1e-14);
    vx_assert_near(r.icc[VX_ICC2K], msb / (msb + 0.5), 1e-14);
    vx_assert_near(r.icc[VX_ICC1], (msb - 0.5) / (msb + 0.5), 1e-14);
    vx_assert_near(r.F[VX_ICC1], msb / 0.5, 1e-12);
    assert_true(isinf(r.F[VX_ICC3]) && r.p[VX_ICC3] == 0.0);
    assert_true(isnan(r.lo[VX_ICC3]) && isnan(r.hi[VX_ICC2K]));
    assert_true(r.lo[VX_ICC1] > -1.0 && r.lo[VX_ICC1] < r.icc[VX_ICC1] && r.hi[VX_ICC1] <= 1.0);

    /* a regular result has an empty note */
    assert_int_equal(vx_icc_compute(sf, 6, 4, &r, &err), VX_OK);
    assert_string_equal(r.note, "");

    double nanv[24];
    memcpy(nanv, sf, sizeof nanv);
    nanv[4 * 2 + 3] = NAN;
    assert_int_equal(vx_icc_compute(nanv, 6, 4, &r, &err), VX_ENAN);
    assert_non_null(strstr(err.msg, "subject 3 by rater 4"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shrout_fleiss),
        cmocka_unit_test(test_repeated),
        cmocka_unit_test(test_invariance),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
