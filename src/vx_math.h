/* voxomics (internal): mathematical constants that strict C17 + POSIX does not define.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_MATH_H
#define VX_MATH_H
#include <math.h>
#define VX_PI 3.14159265358979323846264338327950288
#endif
