/* voxomics: orthogonal wavelet filter banks (Haar, Daubechies db1 .. db10, Coiflets coif1 .. coif5) for the
 * separable wavelet filter of IBSI 2 (25BO); conventions in wavelet_bank.h.
 *
 * Daubechies (Ten Lectures on Wavelets, 1992, section 6.1): with N vanishing moments,
 *   |m0(xi)|^2 = cos^2N(xi / 2) P(sin^2(xi / 2)),  P(y) = sum_{k=0}^{N-1} C(N - 1 + k, k) y^k.
 * Each root y_k of P gives, through y = (2 - z - 1/z) / 4, a pair z, 1/z; the minimum-phase factor keeps the
 * root with |z| < 1:  H(z) = c (z + 1)^N prod_k (z - z_k),  normalised so that sum h = sqrt 2, h[0] the
 * coefficient of z^(2N-1). Roots of P: GSL's companion-matrix solver, then Newton-polished.
 *
 * Coiflets (Ten Lectures, section 8.2): coifN has L = 6N taps h[0 .. L-1] and K = 2N vanishing moments of both
 * the wavelet and (but the 0th) the scaling function, centred at n = K:
 *   sum_n (n - K)^l h[n] = sqrt 2 [l = 0],   l = 0 .. K-1        (scaling function moments)
 *   sum_n (-1)^n (n - K)^l h[n] = 0,           l = 0 .. K-1        (wavelet moments)
 *   sum_n h[n] h[n + 2k] = [k = 0],            k = 0 .. L/2 - 1    (orthonormality)
 * The moment conditions are imposed in the equivalent, better conditioned Chebyshev basis T_l((n - K) / (L/2)).
 * The system is solved by Gauss-Newton (Householder least squares) in 128-bit floating point, because it is
 * ill-conditioned (coif5: ratio of extreme singular values ~ 1e-12): double precision would fix the
 * coefficients to ~1e-8 only. Gauss-Newton starts from the published coefficients (Daubechies 1992, Table 8.1;
 * the same values PyWavelets lists) in the normalisation sum h = sqrt 2, rounded to 6 significant digits: the
 * start selects the solution that table lists among the system's finitely many, and the digits of the result
 * come from the equations (they agree with the published values to ~1e-16).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "wavelet_bank.h"

#include <complex.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_poly.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* quadruple precision: C23's _Float128 (gcc), or clang's __float128 (x86-64) for the fuzz build */
#if defined(__clang__)
typedef __float128 qreal;
#else
typedef _Float128 qreal;
#endif

/* parse "haar", "dbN", "coifN" (case-insensitive): family 1 = Daubechies, 2 = Coiflet; order into *ord */
static int parse_name(const char *name, int *ord)
{
    if (!name)
        return 0;
    if (!strcasecmp(name, "haar")) {
        *ord = 1;
        return 1;
    }
    int fam = 0;
    const char *p = NULL;
    if (!strncasecmp(name, "db", 2)) {
        fam = 1;
        p = name + 2;
    } else if (!strncasecmp(name, "coif", 4)) {
        fam = 2;
        p = name + 4;
    } else
        return 0;
    if (*p < '1' || *p > '9')
        return 0;
    int v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100)
            return 0;
        v = v * 10 + (*p - '0');
    }
    if ((fam == 1 && v > 10) || (fam == 2 && v > 5))
        return 0;
    *ord = v;
    return fam;
}

int vxw_bank_known(const char *name)
{
    int ord;
    return parse_name(name, &ord) != 0;
}

int vxw_bank_length(const char *name)
{
    int ord, fam = parse_name(name, &ord);
    return fam == 1 ? 2 * ord : fam == 2 ? 6 * ord : 0;
}

/* ---- Daubechies -------------------------------------------------------------------------------------------- */
static double complex poly_eval(const double *a, int n, double complex y, double complex *dp)
{
    double complex p = 0, d = 0;
    for (int k = n - 1; k >= 0; k--) {
        d = d * y + p;
        p = p * y + a[k];
    }
    *dp = d;
    return p;
}

/* h (2N taps, h[0] the highest power) of dbN */
static int daubechies(int N, double *h)
{
    const int n = 2 * N;
    if (N == 1) {
        h[0] = h[1] = sqrt(0.5);
        return 0;
    }
    double a[16], zr[32];
    for (int k = 0; k < N; k++) { /* C(N - 1 + k, k), exact in double */
        double c = 1.0;
        for (int i = 1; i <= k; i++)
            c = c * (N - 1 + i) / i;
        a[k] = nearbyint(c);
    }
    gsl_poly_complex_workspace *w = gsl_poly_complex_workspace_alloc((size_t)N);
    if (!w)
        return -1;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_poly_complex_solve(a, (size_t)N, w, zr);
    gsl_set_error_handler(old);
    gsl_poly_complex_workspace_free(w);
    if (rc != GSL_SUCCESS)
        return -1;
    long double complex p[32] = {1.0L};
    int deg = 0;
    for (int k = 0; k < N - 1; k++) {
        double complex y = zr[2 * k] + I * zr[2 * k + 1], dp;
        for (int it = 0; it < 3; it++) { /* Newton polish */
            double complex v = poly_eval(a, N, y, &dp);
            if (dp == 0)
                break;
            y -= v / dp;
        }
        /* z + 1/z = 2 - 4y: the root inside the unit circle */
        long double complex b = 2.0L - 4.0L * (long double complex)y;
        long double complex s = csqrtl(b * b / 4.0L - 1.0L);
        long double complex z = b / 2.0L + s;
        if (cabsl(z) > 1.0L)
            z = b / 2.0L - s;
        /* p(x) <- p(x) (x - z); p[0] the highest power */
        p[deg + 1] = 0;
        for (int i = deg + 1; i >= 1; i--)
            p[i] -= z * p[i - 1];
        deg++;
    }
    for (int k = 0; k < N; k++) { /* (x + 1)^N */
        p[deg + 1] = 0;
        for (int i = deg + 1; i >= 1; i--)
            p[i] += p[i - 1];
        deg++;
    }
    long double sum = 0.0L;
    for (int i = 0; i < n; i++)
        sum += creall(p[i]);
    for (int i = 0; i < n; i++)
        h[i] = (double)(creall(p[i]) * sqrtl(2.0L) / sum);
    return 0;
}

/* ---- Coiflets ---------------------------------------------------------------------------------------------- */
/* Starting points: the published coiflets with K = 2, 4, 6, 8, 10 (Daubechies, Ten Lectures on Wavelets, 1992,
 * Table 8.1), normalised to sum sqrt 2, to 6 significant digits; h[0] first. */
static const double COIF_START1[6] = {-0.0727326, 0.337898, 0.852572, 0.384865, -0.0727326, -0.0156557};
static const double COIF_START2[12] = {0.0163873,  -0.0414649, -0.0673726, 0.38611,     0.812724,     0.417005,
                                       -0.0764886, -0.0594344, 0.0236802,  0.00561143, -0.00182321, -0.000720549};
static const double COIF_START3[18] = {
    -0.00379351, 0.0077826,   0.0234527,   -0.0657719, -0.0611234,   0.405177,
    0.793777,    0.428483,    -0.0717998,  -0.0823019, 0.034555,     0.0158805,
    -0.00900798, -0.00257452, 0.00111752,  0.000466217, -7.09833e-05, -3.45998e-05};
static const double COIF_START4[24] = {
    0.000892314, -0.00162949, -0.00734617, 0.0160689,   0.0266823,    -0.0812667,   -0.0560773, 0.415308,
    0.782239,    0.434386,    -0.0666275,  -0.0962204,  0.0393344,    0.0250823,    -0.0152117, -0.00565828,
    0.00375143,  0.00126656,  -0.00058902, -0.000259974, 6.23389e-05, 3.12299e-05, -3.25965e-06, -1.78499e-06};
static const double COIF_START5[30] = {
    -0.000212082, 0.000358578,  0.00217829,  -0.00415931,  -0.0101316,  0.0234083,    0.0281697,   -0.0919216,
    -0.0520467,   0.421571,     0.774294,    0.437982,     -0.0620378,  -0.105563,    0.0412875,   0.0326748,
    -0.0197584,   -0.00915951,  0.00676152,  0.00243158,   -0.00166163, -0.000637559, 0.000301858, 0.000140356,
    -4.12199e-05, -2.12702e-05, 3.70073e-06, 2.06122e-06,  -1.6238e-07, -9.60401e-08};

static qreal q_abs(qreal x)
{
    return x < 0 ? -x : x;
}

static qreal q_sqrt(qreal x)
{
    if (x <= 0)
        return 0;
    qreal r = (qreal)sqrt((double)x);
    for (int i = 0; i < 3; i++)
        r = (r + x / r) / 2;
    return r;
}

#define CQ_ROWS 35 /* 3.5 K rows for K = 10 */

/* least squares min |A d - b| (m x n, m >= n, row-major, A and b destroyed) by Householder QR into d;
 * -1 when A is rank deficient */
static int q_lstsq(qreal A[][VXW_MAXLEN], qreal *b, int m, int n, qreal *d)
{
    for (int j = 0; j < n; j++) {
        qreal nrm = 0;
        for (int i = j; i < m; i++)
            nrm += A[i][j] * A[i][j];
        nrm = q_sqrt(nrm);
        if (nrm == 0)
            return -1;
        qreal alpha = A[j][j] > 0 ? -nrm : nrm;
        qreal v[CQ_ROWS];
        for (int i = j; i < m; i++)
            v[i] = A[i][j];
        v[j] -= alpha;
        qreal vv = 0;
        for (int i = j; i < m; i++)
            vv += v[i] * v[i];
        if (vv == 0)
            return -1;
        for (int c = j; c < n; c++) {
            qreal s = 0;
            for (int i = j; i < m; i++)
                s += v[i] * A[i][c];
            s = 2 * s / vv;
            for (int i = j; i < m; i++)
                A[i][c] -= s * v[i];
        }
        qreal s = 0;
        for (int i = j; i < m; i++)
            s += v[i] * b[i];
        s = 2 * s / vv;
        for (int i = j; i < m; i++)
            b[i] -= s * v[i];
    }
    for (int j = n - 1; j >= 0; j--) {
        qreal s = b[j];
        for (int c = j + 1; c < n; c++)
            s -= A[j][c] * d[c];
        d[j] = s / A[j][j];
    }
    return 0;
}

/* residuals F (m = 3.5 K) and, when J != NULL, the Jacobian of the coiflet system at h */
static int coif_system(const qreal *h, int L, int K, qreal T[][VXW_MAXLEN], qreal sqrt2, qreal *F,
                       qreal J[][VXW_MAXLEN])
{
    int r = 0;
    for (int l = 0; l < K; l++, r++) { /* scaling-function moments: T_l(0) sqrt 2 */
        qreal s = 0;
        for (int n = 0; n < L; n++)
            s += T[l][n] * h[n];
        qreal t0 = (l % 2) ? 0 : ((l / 2) % 2 ? -1 : 1);
        F[r] = s - t0 * sqrt2;
        if (J)
            for (int n = 0; n < L; n++)
                J[r][n] = T[l][n];
    }
    for (int l = 0; l < K; l++, r++) { /* wavelet moments */
        qreal s = 0;
        for (int n = 0; n < L; n++)
            s += (n % 2 ? -T[l][n] : T[l][n]) * h[n];
        F[r] = s;
        if (J)
            for (int n = 0; n < L; n++)
                J[r][n] = n % 2 ? -T[l][n] : T[l][n];
    }
    for (int k = 0; k < L / 2; k++, r++) { /* orthonormality of the even shifts */
        qreal s = 0;
        for (int n = 0; n + 2 * k < L; n++)
            s += h[n] * h[n + 2 * k];
        F[r] = s - (k == 0 ? 1 : 0);
        if (J)
            for (int n = 0; n < L; n++)
                J[r][n] = (n + 2 * k < L ? h[n + 2 * k] : 0) + (n - 2 * k >= 0 ? h[n - 2 * k] : 0);
    }
    return r;
}

static int coiflet(int N, double *out)
{
    static const double *const start[5] = {COIF_START1, COIF_START2, COIF_START3, COIF_START4, COIF_START5};
    const int L = 6 * N, K = 2 * N;
    qreal h[VXW_MAXLEN], T[10][VXW_MAXLEN], F[CQ_ROWS], J[CQ_ROWS][VXW_MAXLEN], d[VXW_MAXLEN];
    const qreal sqrt2 = q_sqrt(2);
    for (int n = 0; n < L; n++) {
        qreal t = (qreal)(n - K) / (qreal)(L / 2);
        T[0][n] = 1;
        if (K > 1)
            T[1][n] = t;
        for (int l = 2; l < K; l++)
            T[l][n] = 2 * t * T[l - 1][n] - T[l - 2][n];
        h[n] = start[N - 1][n];
    }
    int polish = 0; /* steps left once the step is below 1e-20 (the quad-precision noise is ~1e-22) */
    for (int it = 0; it < 40 && polish != 1; it++) {
        int m = coif_system(h, L, K, T, sqrt2, F, J);
        for (int i = 0; i < m; i++)
            F[i] = -F[i];
        if (q_lstsq(J, F, m, L, d))
            return -1;
        qreal dmax = 0;
        for (int n = 0; n < L; n++) {
            h[n] += d[n];
            if (q_abs(d[n]) > dmax)
                dmax = q_abs(d[n]);
        }
        if (polish)
            polish--;
        else if (dmax < (qreal)1e-20)
            polish = 2;
    }
    int m = coif_system(h, L, K, T, sqrt2, F, NULL);
    for (int i = 0; i < m; i++)
        if (q_abs(F[i]) > (qreal)1e-28)
            return -1;
    for (int n = 0; n < L; n++)
        out[n] = (double)h[n];
    return 0;
}

int vxw_bank_get(const char *name, vxw_bank *b)
{
    int ord;
    int fam = parse_name(name, &ord);
    if (!fam || !b)
        return -1;
    double h[VXW_MAXLEN];
    int n = fam == 1 ? 2 * ord : 6 * ord;
    if ((fam == 1 ? daubechies(ord, h) : coiflet(ord, h)) != 0)
        return -1;
    memset(b, 0, sizeof *b);
    b->n = n;
    for (int k = 0; k < n; k++) {
        b->lo[k] = h[n - 1 - k];
        b->hi[k] = (k % 2) ? h[k] : -h[k];
    }
    return 0;
}
