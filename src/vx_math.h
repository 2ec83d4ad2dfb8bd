/* voxomics (internal): mathematical constants that strict C17 + POSIX does not define.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_MATH_H
#define VX_MATH_H
#include <math.h>
#define VX_PI 3.14159265358979323846264338327950288

/* Round to the nearest integer, ties to even (as nearbyint in the default rounding mode, and numpy's round),
 * without a library call: below 2^52 adding and removing 2^52 leaves exactly the rounded value. */
static inline double vx_round_even(double v)
{
    const double big = 4503599627370496.0; /* 2^52 */
    double a = fabs(v);
    double r = copysign((a + big) - big, v);
    return a < big ? r : v; /* else already an integer, or NaN / infinite; branch-free, so loops vectorise */
}
#endif
