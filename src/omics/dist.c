/* Distribution tails of the omics tests: Student's t (regularised incomplete beta by its continued fraction),
 * the normal (erfc), chi-square (regularised incomplete gamma: series or continued fraction) and the
 * hypergeometric upper tail (log-space first term from exact ratios, then the recurrence of the terms).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <math.h>

#include "voxomics/omics.h"

/* continued fraction of I_x(a, b) (modified Lentz), valid for x < (a + 1) / (a + b + 2) */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; m++) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        for (int half = 0; half < 2; half++) {
            d = 1.0 + aa * d;
            if (fabs(d) < tiny)
                d = tiny;
            c = 1.0 + aa / c;
            if (fabs(c) < tiny)
                c = tiny;
            d = 1.0 / d;
            const double del = d * c;
            h *= del;
            if (half == 1 && fabs(del - 1.0) < 1e-16)
                return h;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        }
    }
    return h;
}

/* regularised incomplete beta I_x(a, b) */
static double ibeta(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    const double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(lfront) * beta_cf(a, b, x) / a;
    return 1.0 - exp(lfront) * beta_cf(b, a, 1.0 - x) / b;
}

double vx_t_p2(double t, double df)
{
    if (isnan(t) || !(df > 0.0))
        return NAN;
    if (isinf(t))
        return 0.0;
    const double p = ibeta(0.5 * df, 0.5, df / (df + t * t));
    return p > 1.0 ? 1.0 : p;
}

double vx_norm_upper(double z)
{
    return 0.5 * erfc(z / sqrt(2.0));
}

/* regularised upper incomplete gamma Q(a, x) */
static double gamma_q(double a, double x)
{
    if (x <= 0.0)
        return 1.0;
    const double lfront = a * log(x) - x - lgamma(a);
    if (x < a + 1.0) { /* series of P */
        double sum = 1.0 / a, term = sum;
        for (int n = 1; n < 100000 && fabs(term) > fabs(sum) * 1e-17; n++) {
            term *= x / (a + n);
            sum += term;
        }
        return 1.0 - exp(lfront) * sum;
    }
    const double tiny = 1e-300; /* continued fraction of Q (modified Lentz) */
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    for (int i = 1; i < 100000; i++) {
        const double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny)
            d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16)
            break;
    }
    return exp(lfront) * h;
}

double vx_chisq_upper(double x, double df)
{
    if (isnan(x) || !(df > 0.0))
        return NAN;
    return gamma_q(0.5 * df, 0.5 * x);
}

/* log C(a, b) as a sum of logs of exact ratios (accurate to a few ulps per term) */
static double lchoose(long a, long b)
{
    if (b > a - b)
        b = a - b;
    double s = 0.0;
    for (long i = 0; i < b; i++)
        s += log((double)(a - i) / (double)(i + 1));
    return s;
}

double vx_ora_p(long k, long K, long N, long n)
{
    if (N < 0 || K < 0 || n < 0 || K > N || n > N || k < 0)
        return NAN;
    const long lo = n - (N - K) > 0 ? n - (N - K) : 0, hi = K < n ? K : n;
    if (k <= lo)
        return 1.0;
    if (k > hi)
        return 0.0;
    double term = exp(lchoose(K, k) + lchoose(N - K, n - k) - lchoose(N, n)), sum = 0.0;
    for (long i = k; i <= hi; i++) {
        sum += term;
        if (term < sum * 1e-18)
            break;
        term *= (double)(K - i) * (double)(n - i) / ((double)(i + 1) * (double)(N - K - n + i + 1));
    }
    return sum > 1.0 ? 1.0 : sum;
}
