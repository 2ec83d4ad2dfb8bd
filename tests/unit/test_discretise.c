/* Unit tests: intensity discretisation (IBSI 1 "Intensity discretisation", vx_discretise in voxomics/roi.h).
 *
 * Expected grey levels are worked out by hand from the IBSI formulas:
 *   fixed bin size (Q3RU):   g = floor((x - x_min) / w) + 1, x_min the given lower bound (re-segmentation
 *                            minimum) or, when not given, the ROI minimum;
 *   fixed bin number (K15C): g = floor(N (x - x_min) / (x_max - x_min)) + 1 for x < x_max, g = N at x_max;
 *   none:                    the intensities themselves (integers >= 1).
 * Bin edges are chosen exactly representable (dyadic widths) so "on the edge" is exact in float and double.
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

#include "voxomics/extract.h"
#include "vx_test.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static vx_discretisation fbs(double w)
{
    vx_discretisation d = {.method = VX_DISC_FBS, .bin_width = w, .bin_count = 0, .min_value = NAN};
    return d;
}

static vx_discretisation fbn(int n)
{
    vx_discretisation d = {.method = VX_DISC_FBN, .bin_width = 0.0, .bin_count = n, .min_value = NAN};
    return d;
}

static vx_discretisation none(void)
{
    vx_discretisation d = {.method = VX_DISC_NONE, .bin_width = 0.0, .bin_count = 0, .min_value = NAN};
    return d;
}

/* Run vx_discretise and compare every grey level and n_grey. */
static void check(const float *x, const uint8_t *mask, size_t n, vx_discretisation d, double x_min, double x_max,
                  const int32_t *expect, int expect_ng)
{
    int32_t grey[32];
    assert_true(n <= N_OF(grey));
    for (size_t i = 0; i < n; i++)
        grey[i] = -99; /* every voxel must be written, masked-out ones included */
    int ng = -1;
    vx_error err = {0};
    int rc = vx_discretise(x, mask, n, &d, x_min, x_max, grey, &ng, &err);
    if (rc != VX_OK)
        print_error("vx_discretise: %s\n", err.msg);
    assert_int_equal(rc, VX_OK);
    for (size_t i = 0; i < n; i++) {
        if (grey[i] != expect[i])
            print_error("voxel %zu (x = %.9g): grey %d, expected %d\n", i, (double)x[i], (int)grey[i],
                        (int)expect[i]);
        assert_int_equal(grey[i], expect[i]);
    }
    assert_int_equal(ng, expect_ng);
}

/* Expect an error code with a message. */
static void check_error(const float *x, const uint8_t *mask, size_t n, vx_discretisation d, double x_min,
                        double x_max, int code)
{
    int32_t grey[32];
    assert_true(n <= N_OF(grey));
    int ng = -1;
    vx_error err = {0};
    int rc = vx_discretise(x, mask, n, &d, x_min, x_max, grey, &ng, &err);
    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_true(strlen(err.msg) > 0);
}

/* ---- fixed bin size --------------------------------------------------------------------------------------- */

/* Given lower bound -500 (re-segmentation minimum, as for CT), w = 25:
 *   -500 -> floor(0) + 1 = 1;      -475 (edge k = 1) -> 2;   -475.5 -> floor(24.5 / 25) + 1 = 1;
 *   -450 (edge k = 2) -> 3;        0 (edge k = 20) -> 21;    24.5 -> floor(524.5 / 25) + 1 = 21;
 *   25 (edge k = 21) -> 22;        -499.75 -> 1.
 * The ROI minimum (-499.75 would be it without -500) does not matter: bins start at the given bound.
 * n_grey = highest level reached = 22. */
static void test_fbs_given_bound(void **state)
{
    (void)state;
    const float x[] = {-500.0f, -475.0f, -475.5f, -450.0f, 0.0f, 24.5f, 25.0f, -499.75f};
    const int32_t g[] = {1, 2, 1, 3, 21, 21, 22, 1};
    check(x, NULL, N_OF(x), fbs(25.0), -500.0, NAN, g, 22);
    /* without -500 in the ROI the result is the same for the others (bins from the bound, not the data) */
    const uint8_t m[] = {0, 1, 1, 1, 1, 1, 1, 1};
    const int32_t g2[] = {0, 2, 1, 3, 21, 21, 22, 1};
    check(x, m, N_OF(x), fbs(25.0), -500.0, NAN, g2, 22);
    /* a lower bound below every value: bins 1.. are simply empty at the bottom: -600 -> -475 is
     * floor(125 / 25) + 1 = 6, -500 -> 5, 25 -> floor(625 / 25) + 1 = 26 */
    const int32_t g3[] = {5, 6, 5, 7, 25, 25, 26, 5};
    check(x, NULL, N_OF(x), fbs(25.0), -600.0, NAN, g3, 26);
}

/* No bound given (NaN): x_min = ROI minimum over the mask only. ROI {3.5, 4, 6, 8.5, 11}, w = 2.5:
 *   3.5 -> 1; 4 -> floor(0.5 / 2.5) + 1 = 1; 6 (edge k = 1) -> 2; 8.5 (edge k = 2) -> 3; 11 (edge k = 3) -> 4;
 *   7.25 -> floor(3.75 / 2.5) + 1 = 2. Masked-out voxels (-100, 1000) get 0 and do not move the minimum.
 * n_grey = 4. */
static void test_fbs_roi_minimum(void **state)
{
    (void)state;
    const float x[] = {6.0f, -100.0f, 3.5f, 8.5f, 4.0f, 1000.0f, 11.0f, 7.25f};
    const uint8_t m[] = {1, 0, 1, 1, 1, 0, 1, 2}; /* any non-zero is inside */
    const int32_t g[] = {2, 0, 1, 3, 1, 0, 4, 2};
    check(x, m, N_OF(x), fbs(2.5), NAN, NAN, g, 4);
    /* x_max is irrelevant for FBS */
    check(x, m, N_OF(x), fbs(2.5), NAN, 5.0, g, 4);
}

/* n_grey is the highest level reached, not the number of distinct levels: {0, 100, 50}, w = 10, x_min 0
 * -> levels 1, 11, 6; n_grey = 11. Fractional bins: w = 0.25 from 1: 1.75 -> floor(3) + 1 = 4. */
static void test_fbs_n_grey(void **state)
{
    (void)state;
    const float x[] = {0.0f, 100.0f, 50.0f};
    const int32_t g[] = {1, 11, 6};
    check(x, NULL, 3, fbs(10.0), 0.0, NAN, g, 11);
    const float y[] = {1.0f, 1.75f, 1.5f, 1.125f};
    const int32_t gy[] = {1, 4, 3, 1};
    check(y, NULL, 4, fbs(0.25), NAN, NAN, gy, 4);
}

/* A value inside the mask below the given lower bound cannot be binned (g would be < 1): error. The same value
 * outside the mask is fine. Bin width 0, negative, NaN or infinite: error. */
static void test_fbs_errors(void **state)
{
    (void)state;
    const float x[] = {-10.0f, -20.0f, 5.0f};
    const uint8_t m_all[] = {1, 1, 1}, m_out[] = {1, 0, 1};
    check_error(x, m_all, 3, fbs(5.0), -15.0, NAN, VX_EINVAL);
    const int32_t g[] = {2, 0, 5}; /* -10 -> floor(5 / 5) + 1 = 2, 5 -> floor(20 / 5) + 1 = 5 */
    check(x, m_out, 3, fbs(5.0), -15.0, NAN, g, 5);
    check_error(x, NULL, 3, fbs(0.0), NAN, NAN, VX_EINVAL);
    check_error(x, NULL, 3, fbs(-2.5), NAN, NAN, VX_EINVAL);
    check_error(x, NULL, 3, fbs(NAN), NAN, NAN, VX_EINVAL);
    check_error(x, NULL, 3, fbs(INFINITY), NAN, NAN, VX_EINVAL);
}

/* ---- fixed bin number ------------------------------------------------------------------------------------- */

/* ROI range -3 .. 5 (8), N = 4, bin width 2, edges -3, -1, 1, 3, 5:
 *   -3 -> 1; -1 (k = 1) -> floor(4 * 2 / 8) + 1 = 2; 1 (k = 2) -> 3; 3 (k = 3) -> 4; 5 = max -> N = 4;
 *   0.5 -> floor(4 * 3.5 / 8) + 1 = floor(1.75) + 1 = 2; 4.75 -> floor(3.875) + 1 = 4; -2.5 -> 1.
 * Masked-out voxels (-100, 100) get 0 and do not widen the range. n_grey = N. */
static void test_fbn_edges(void **state)
{
    (void)state;
    const float x[] = {-3.0f, -1.0f, 1.0f, 3.0f, 5.0f, 0.5f, 4.75f, -2.5f, -100.0f, 100.0f};
    const uint8_t m[] = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
    const int32_t g[] = {1, 2, 3, 4, 4, 2, 4, 1, 0, 0};
    check(x, m, N_OF(x), fbn(4), NAN, NAN, g, 4);
}

/* Range 1 .. 10 (9), N = 3, bin width 3, edges 1, 4, 7, 10: 4 -> floor(3 * 3 / 9) + 1 = 2; 7 -> 3;
 * 10 = max -> 3; 3.875 -> floor(3 * 2.875 / 9) + 1 = 1; 9.875 -> floor(3 * 8.875 / 9) + 1 = 3;
 * 6.5 -> floor(3 * 5.5 / 9) + 1 = 2. n_grey = 3. */
static void test_fbn_three(void **state)
{
    (void)state;
    const float x[] = {1.0f, 4.0f, 7.0f, 10.0f, 3.875f, 9.875f, 6.5f};
    const int32_t g[] = {1, 2, 3, 3, 1, 3, 2};
    check(x, NULL, N_OF(x), fbn(3), NAN, NAN, g, 3);
}

/* A constant ROI has no range: every voxel is level 1; n_grey = N. */
static void test_fbn_constant(void **state)
{
    (void)state;
    const float x[] = {7.25f, 7.25f, -1.0f, 7.25f};
    const uint8_t m[] = {1, 1, 0, 1};
    const int32_t g[] = {1, 1, 0, 1};
    check(x, m, 4, fbn(16), NAN, NAN, g, 16);
}

/* One voxel in the ROI: level 1, n_grey = N; the others (outside the mask) 0. */
static void test_fbn_single_voxel(void **state)
{
    (void)state;
    const float x[] = {3.0f, -42.5f, 8.0f};
    const uint8_t m[] = {0, 1, 0};
    const int32_t g[] = {0, 1, 0};
    check(x, m, 3, fbn(32), NAN, NAN, g, 32);
}

/* N = 1: everything in one bin (the maximum included). N < 1: error. */
static void test_fbn_one_bin(void **state)
{
    (void)state;
    const float x[] = {-5.0f, 0.0f, 12.5f, 3.0f};
    const int32_t g[] = {1, 1, 1, 1};
    check(x, NULL, 4, fbn(1), NAN, NAN, g, 1);
    check_error(x, NULL, 4, fbn(0), NAN, NAN, VX_EINVAL);
    check_error(x, NULL, 4, fbn(-3), NAN, NAN, VX_EINVAL);
}

/* ---- none -------------------------------------------------------------------------------------------------- */

/* Integer intensities >= 1 are the grey levels; n_grey = their maximum; masked-out voxels (even 0.5 or -3)
 * get 0 and are not checked. */
static void test_none_pass_through(void **state)
{
    (void)state;
    const float x[] = {1.0f, 2.0f, 5.0f, 3.0f, 0.5f, -3.0f, 1.0f};
    const uint8_t m[] = {1, 1, 1, 1, 0, 0, 1};
    const int32_t g[] = {1, 2, 5, 3, 0, 0, 1};
    check(x, m, N_OF(x), none(), NAN, NAN, g, 5);
}

static void test_none_errors(void **state)
{
    (void)state;
    const float frac[] = {1.0f, 2.5f, 3.0f};
    check_error(frac, NULL, 3, none(), NAN, NAN, VX_EINVAL);
    const float zero[] = {1.0f, 0.0f, 3.0f};
    check_error(zero, NULL, 3, none(), NAN, NAN, VX_EINVAL);
    const float neg[] = {-2.0f, 4.0f};
    check_error(neg, NULL, 2, none(), NAN, NAN, VX_EINVAL);
    const float below_one[] = {0.75f, 4.0f};
    check_error(below_one, NULL, 2, none(), NAN, NAN, VX_EINVAL);
}

/* ---- empty ------------------------------------------------------------------------------------------------- */

static void test_empty(void **state)
{
    (void)state;
    const float x[] = {1.0f, 2.0f, 3.0f};
    const uint8_t m[] = {0, 0, 0};
    check_error(x, m, 3, none(), NAN, NAN, VX_EEMPTY);
    check_error(x, m, 3, fbs(1.0), 0.0, NAN, VX_EEMPTY);
    check_error(x, m, 3, fbn(8), NAN, NAN, VX_EEMPTY);
    check_error(x, NULL, 0, fbn(8), NAN, NAN, VX_EEMPTY);
}

/* Non-finite intensities inside the mask are an error for every method (a grey level cannot be cast from
 * them); outside the mask they are ignored. */
static void test_non_finite(void **state)
{
    (void)state;
    const float x[] = {1.0f, NAN, 3.0f, INFINITY};
    const uint8_t m[] = {1, 1, 1, 0}, m2[] = {1, 0, 1, 0};
    check_error(x, m, 4, none(), NAN, NAN, VX_ENAN);
    check_error(x, m, 4, fbs(1.0), 0.0, NAN, VX_ENAN);
    check_error(x, m, 4, fbn(8), NAN, NAN, VX_ENAN);
    int32_t g[4];
    int ng = 0;
    vx_error err;
    assert_int_equal(vx_discretise(x, m2, 4, &(vx_discretisation){VX_DISC_FBN, 0.0, 2, NAN}, NAN, NAN, g, &ng, &err),
                     VX_OK);
    assert_int_equal(g[0], 1);
    assert_int_equal(g[2], 2);
    assert_int_equal(g[1], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fbs_given_bound),   cmocka_unit_test(test_fbs_roi_minimum),
        cmocka_unit_test(test_fbs_n_grey),        cmocka_unit_test(test_fbs_errors),
        cmocka_unit_test(test_fbn_edges),         cmocka_unit_test(test_fbn_three),
        cmocka_unit_test(test_fbn_constant),      cmocka_unit_test(test_fbn_single_voxel),
        cmocka_unit_test(test_fbn_one_bin),       cmocka_unit_test(test_none_pass_through),
        cmocka_unit_test(test_none_errors),       cmocka_unit_test(test_empty),
        cmocka_unit_test(test_non_finite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
