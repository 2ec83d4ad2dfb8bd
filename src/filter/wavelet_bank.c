/* voxomics: wavelet filter banks (Haar, Daubechies db1 .. db38, symlets sym2 .. sym20, Coiflets coif1 .. coif5,
 * the biorthogonal bior and rbio wavelets of PyWavelets) for the separable wavelet filter of IBSI 2 (25BO) and
 * PyRadiomics' wavelets; conventions in wavelet_bank.h. Checked against PyWavelets 1.1.1's filters
 * (tests/data/pyradiomics/wavelet_banks.csv).
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
#include <ctype.h>
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

/* ---- names -------------------------------------------------------------------------------------------------- */
enum { FAM_NONE = 0, FAM_DB, FAM_COIF, FAM_SYM, FAM_BIOR, FAM_RBIO };

typedef struct wname {
    int fam;
    int n;      /* dbN, coifN, symN */
    int nr, nd; /* biorNr.Nd, rbioNr.Nd */
} wname;

/* PyWavelets' biorthogonal wavelets: biorNr.Nd / rbioNr.Nd */
static const int BIOR[][2] = {{1, 1}, {1, 3}, {1, 5}, {2, 2}, {2, 4}, {2, 6}, {2, 8}, {3, 1},
                              {3, 3}, {3, 5}, {3, 7}, {3, 9}, {4, 4}, {5, 5}, {6, 8}};

/* a decimal order of at most 3 digits, the whole rest of the string; 0 when there is none */
static int order_of(const char *p)
{
    if (*p < '1' || *p > '9')
        return 0;
    int v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > 100)
            return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/* parse a bank name (case-insensitive) into *w; 0 for a name VXW_NAMES does not list */
static int parse_name(const char *name, wname *w)
{
    memset(w, 0, sizeof *w);
    if (!name)
        return 0;
    if (!strcasecmp(name, "haar")) {
        w->fam = FAM_DB;
        w->n = 1;
        return 1;
    }
    if (!strncasecmp(name, "db", 2) && (w->n = order_of(name + 2)) >= 1 && w->n <= 38)
        w->fam = FAM_DB;
    else if (!strncasecmp(name, "coif", 4) && (w->n = order_of(name + 4)) >= 1 && w->n <= 5)
        w->fam = FAM_COIF;
    else if (!strncasecmp(name, "sym", 3) && (w->n = order_of(name + 3)) >= 2 && w->n <= 20)
        w->fam = FAM_SYM;
    else if ((!strncasecmp(name, "bior", 4) || !strncasecmp(name, "rbio", 4)) && strlen(name) == 7 &&
             name[5] == '.') {
        for (size_t i = 0; i < sizeof BIOR / sizeof BIOR[0]; i++)
            if (name[4] - '0' == BIOR[i][0] && name[6] - '0' == BIOR[i][1]) {
                w->fam = tolower((unsigned char)name[0]) == 'b' ? FAM_BIOR : FAM_RBIO;
                w->nr = BIOR[i][0];
                w->nd = BIOR[i][1];
            }
    }
    return w->fam != FAM_NONE;
}

int vxw_bank_known(const char *name)
{
    wname w;
    return parse_name(name, &w);
}

/* ---- Daubechies' polynomial and its roots ---------------------------------------------------------------------
 * In quadruple precision throughout (complex numbers as pairs of qreal): for large orders the monomial
 * coefficients of P grow to C(74, 37) ~ 2e21 (db38) and double or long double roots lose digits. */
typedef struct qcx {
    qreal re, im;
} qcx;

static qreal q_sqrt(qreal x);

static qcx qc(qreal re, qreal im)
{
    qcx z = {re, im};
    return z;
}
static qcx q_add(qcx a, qcx b) { return qc(a.re + b.re, a.im + b.im); }
static qcx q_sub(qcx a, qcx b) { return qc(a.re - b.re, a.im - b.im); }
static qcx q_mul(qcx a, qcx b) { return qc(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re); }
static qcx q_div(qcx a, qcx b)
{
    const qreal d = b.re * b.re + b.im * b.im;
    return qc((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
}
static qreal q_cabs(qcx a) { return q_sqrt(a.re * a.re + a.im * a.im); }
static qcx q_csqrt(qcx a) /* the principal square root */
{
    const qreal r = q_cabs(a), t = q_sqrt((r + (a.re < 0 ? -a.re : a.re)) / 2);
    if (t == 0)
        return qc(0, 0);
    if (a.re >= 0)
        return qc(t, a.im / (2 * t));
    return qc((a.im < 0 ? -a.im : a.im) / (2 * t), a.im < 0 ? -t : t);
}

/* The l - 1 roots y of Daubechies' polynomial P_l(y) = sum_{k<l} C(l - 1 + k, k) y^k (GSL's companion-matrix
 * solver in double, then Aberth-Ehrlich iterations on all roots at once: distinct limits, cubic convergence),
 * sorted by real part, then imaginary part; -1 on failure. */
static int maxflat_roots(int l, qcx *y)
{
    double a[VXW_MAXLEN / 2], zr[VXW_MAXLEN];
    qreal aq[VXW_MAXLEN / 2];
    for (int k = 0; k < l; k++) { /* C(l - 1 + k, k): each step C(l - 2 + i, i - 1) (l - 1 + i) / i is an
                                      * integer below 2^113, so exact */
        qreal c = 1;
        for (int i = 1; i <= k; i++)
            c = c * (l - 1 + i) / i;
        aq[k] = c;
        a[k] = (double)c;
    }
    if (l < 2)
        return 0;
    gsl_poly_complex_workspace *w = gsl_poly_complex_workspace_alloc((size_t)l);
    if (!w)
        return -1;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_poly_complex_solve(a, (size_t)l, w, zr);
    gsl_set_error_handler(old);
    gsl_poly_complex_workspace_free(w);
    if (rc != GSL_SUCCESS)
        return -1;
    for (int k = 0; k < l - 1; k++)
        y[k] = qc(zr[2 * k], zr[2 * k + 1]);
    for (int it = 0; it < 80; it++) {
        qreal step = 0;
        for (int k = 0; k < l - 1; k++) {
            qcx p = qc(0, 0), d = qc(0, 0), s = qc(0, 0), r = y[k];
            for (int i = l - 1; i >= 0; i--) {
                d = q_add(q_mul(d, r), p);
                p = q_add(q_mul(p, r), qc(aq[i], 0));
            }
            if (p.re == 0 && p.im == 0)
                continue;
            for (int j = 0; j < l - 1; j++)
                if (j != k)
                    s = q_add(s, q_div(qc(1, 0), q_sub(r, y[j])));
            const qcx wk = q_div(p, d), dy = q_div(wk, q_sub(qc(1, 0), q_mul(wk, s)));
            y[k] = q_sub(r, dy);
            const qreal rel = q_cabs(dy) / (1 + q_cabs(r));
            step = rel > step ? rel : step;
        }
        if (step < (qreal)1e-32)
            break;
    }
    for (int k = 0; k < l - 1; k++) /* real roots: exactly real */
        if ((y[k].im < 0 ? -y[k].im : y[k].im) < (qreal)1e-30 * (1 + q_cabs(y[k])))
            y[k].im = 0;
    for (int i = 1; i < l - 1; i++) /* insertion sort by (real, imaginary) */
        for (int j = i; j > 0; j--) {
            qcx u = y[j - 1], v = y[j];
            if (u.re < v.re || (u.re == v.re && u.im <= v.im))
                break;
            y[j - 1] = v;
            y[j] = u;
        }
    return 0;
}

/* The root of z + 1/z = 2 - 4 y inside the unit circle. */
static qcx z_inside(qcx y)
{
    const qcx b2 = qc(1 - 2 * y.re, -2 * y.im); /* b / 2 with b = 2 - 4 y */
    const qcx s = q_csqrt(q_sub(q_mul(b2, b2), qc(1, 0)));
    const qcx z = q_add(b2, s);
    return q_cabs(z) > 1 ? q_sub(b2, s) : z;
}

/* p <- p (x - z); p[0] the highest power, *deg its degree */
static void mul_root(qcx *p, int *deg, qcx z)
{
    p[*deg + 1] = qc(0, 0);
    for (int i = *deg + 1; i >= 1; i--)
        p[i] = q_sub(p[i], q_mul(z, p[i - 1]));
    (*deg)++;
}

/* p <- p (-x^2 / 4 + (1/2 - y) x - 1/4), i.e. p times x ((2 - x - 1/x) / 4 - y) */
static void mul_y(qcx *p, int *deg, qcx y)
{
    const qcx m = qc((qreal)0.5 - y.re, -y.im);
    p[*deg + 2] = p[*deg + 1] = qc(0, 0);
    for (int i = *deg + 2; i >= 0; i--) {
        qcx v = qc(-p[i].re / 4, -p[i].im / 4);
        if (i >= 1)
            v = q_add(v, q_mul(m, p[i - 1]));
        if (i >= 2)
            v = q_sub(v, qc(p[i - 2].re / 4, p[i - 2].im / 4));
        p[i] = v;
    }
    *deg += 2;
}

/* h[0 .. deg] = the real parts of p (zeros at -1 appended: (x + 1)^nz), scaled to sum sqrt 2; the length */
static int finish(qcx *p, int deg, int nz, double *h)
{
    for (int k = 0; k < nz; k++)
        mul_root(p, &deg, qc(-1, 0));
    qreal sum = 0;
    for (int i = 0; i <= deg; i++)
        sum += p[i].re;
    const qreal scale = q_sqrt(2) / sum;
    for (int i = 0; i <= deg; i++)
        h[i] = (double)(p[i].re * scale);
    return deg + 1;
}

/* h (2N taps, h[0] the highest power) of dbN: the minimum-phase factor, every root inside the unit circle */
static int daubechies(int N, double *h)
{
    qcx y[VXW_MAXLEN / 2], p[VXW_MAXLEN + 2] = {{1, 0}};
    int deg = 0;
    if (maxflat_roots(N, y) != 0)
        return -1;
    for (int k = 0; k < N - 1; k++)
        mul_root(p, &deg, z_inside(y[k]));
    finish(p, deg, N, h);
    return 0;
}

/* ---- Symlets ---------------------------------------------------------------------------------------------------
 * symN has dbN's |m0|^2 and another choice of roots: of each root y of P_N (a conjugate pair counted once), the
 * root z of z + 1/z = 2 - 4y inside the unit circle or its reciprocal (with the conjugates alike, so h stays
 * real). The choice is the one of the published symlets that PyWavelets (and MATLAB) tabulate, whose
 * near-linear phase no single asymmetry criterion reproduces for every N: it was found by comparing every
 * choice with PyWavelets' sym2 .. sym20 (scripts/pyrad_filter_reference.sh writes the check's data). Bit k
 * of SYM_CHOICE[N] ('1': the reciprocal) is the k-th root y with Im y >= 0 in increasing |arg z_inside|. */
static const char *const SYM_CHOICE[21] = {
    NULL,      NULL,       "0",        "0",         "01",        "10",       "101",
    "100",     "0101",     "0110",     "10101",     "01100",     "101010",   "001110",
    "0011010", "0011100",  "10011010", "01110001",  "101100101", "001011100", "1010011010"};

/* |arg z_inside(y)| (the order of the choice bits) */
static double zarg(qcx y)
{
    const qcx z = z_inside(y);
    return fabs(atan2((double)z.im, (double)z.re));
}

static int symlet(int N, double *h)
{
    qcx y[VXW_MAXLEN / 2], g[VXW_MAXLEN / 2], p[VXW_MAXLEN + 2] = {{1, 0}};
    int ng = 0, deg = 0;
    if (maxflat_roots(N, y) != 0)
        return -1;
    for (int k = 0; k < N - 1; k++)
        if (y[k].im >= 0)
            g[ng++] = y[k];
    const char *bits = SYM_CHOICE[N];
    if ((int)strlen(bits) != ng)
        return -1;
    for (int i = 1; i < ng; i++) /* by increasing |arg z_inside| */
        for (int j = i; j > 0 && zarg(g[j - 1]) > zarg(g[j]); j--) {
            qcx t = g[j - 1];
            g[j - 1] = g[j];
            g[j] = t;
        }
    for (int k = 0; k < ng; k++) {
        qcx z = z_inside(g[k]);
        if (bits[k] == '1')
            z = q_div(qc(1, 0), z);
        mul_root(p, &deg, z);
        if (g[k].im != 0)
            mul_root(p, &deg, qc(z.re, -z.im));
    }
    finish(p, deg, N, h);
    return 0;
}

/* ---- biorthogonal (PyWavelets' biorNr.Nd and rbioNr.Nd) ---------------------------------------------------------
 * Cohen, Daubechies and Feauveau (1992). The product of the synthesis and analysis low-pass filters is
 * Daubechies' maxflat filter with l = (Nr + Nd) / 2: (1 + z)^(2l) P_l((2 - z - 1/z) / 4) up to a power of z.
 * Spline wavelets (Nr <= 3): synthesis (1 + z)^Nr / 2^Nr sqrt 2 (a B-spline), analysis (1 + z)^Nd times all of
 * P_l. bior4.4, 5.5, 6.8 split P_l's roots (sorted by real part, then imaginary part) and the zeros at -1 as
 * BIOR_SPLIT says (4.4 is the 9/7 pair of JPEG 2000). Both filters are symmetric; they sit in arrays of the
 * even length L = the longer filter's, rounded up, as PyWavelets lays them out: an even-length filter centred
 * at (L - 1) / 2, an odd-length analysis filter centred at L / 2 and synthesis filter at L / 2 - 1. Then
 *   bior: dec_lo = analysis, dec_hi[k] = (-1)^(k + 1) rec_lo[k], rec_lo = synthesis;
 *   rbio: dec_lo = rec_lo of bior reversed, dec_hi[k] = (-1)^(L - 1 - k) (bior's dec_lo)[L - 1 - k]
 * (rbio is bior with analysis and synthesis exchanged). Checked against every biorN.M / rbioN.M of PyWavelets
 * 1.1.1. */
static const struct {
    int nr, nd, zs, za; /* zeros at -1 of the synthesis and analysis filters */
    const char *synth;  /* P_l's roots (their indices in the sorted order) that the synthesis filter takes */
} BIOR_SPLIT[] = {{4, 4, 4, 4, "0"}, {5, 5, 6, 4, "01"}, {6, 8, 6, 8, "23"}};

/* place the filter f (n taps) in out[0 .. L) centred as above (odd n: at c) */
static void place(const double *f, int n, int L, int c, double *out)
{
    const int s = n % 2 ? c - (n - 1) / 2 : (L - n) / 2;
    memset(out, 0, (size_t)L * sizeof *out);
    memcpy(out + s, f, (size_t)n * sizeof *f);
}

static int biorthogonal(int nr, int nd, int rbio, vxw_bank *b)
{
    const int l = (nr + nd) / 2;
    qcx y[VXW_MAXLEN / 2], ps[VXW_MAXLEN + 2] = {{1, 0}}, pa[VXW_MAXLEN + 2] = {{1, 0}};
    int zs = nr, za = nd, ds = 0, da = 0;
    const char *synth = "";
    for (size_t i = 0; i < sizeof BIOR_SPLIT / sizeof BIOR_SPLIT[0]; i++)
        if (BIOR_SPLIT[i].nr == nr && BIOR_SPLIT[i].nd == nd) {
            zs = BIOR_SPLIT[i].zs;
            za = BIOR_SPLIT[i].za;
            synth = BIOR_SPLIT[i].synth;
        }
    if (maxflat_roots(l, y) != 0)
        return -1;
    for (int k = 0; k < l - 1; k++) {
        if (strchr(synth, '0' + k))
            mul_y(ps, &ds, y[k]);
        else
            mul_y(pa, &da, y[k]);
    }
    double s[VXW_MAXLEN], a[VXW_MAXLEN], rl[VXW_MAXLEN], dl[VXW_MAXLEN];
    const int ns = finish(ps, ds, zs, s), na = finish(pa, da, za, a);
    int L = ns > na ? ns : na;
    L += L % 2;
    if (L > VXW_MAXLEN)
        return -1;
    place(s, ns, L, L / 2 - 1, rl);
    place(a, na, L, L / 2, dl);
    memset(b, 0, sizeof *b);
    b->n = L;
    for (int k = 0; k < L; k++) {
        if (!rbio) {
            b->lo[k] = dl[k];
            b->hi[k] = (k % 2) ? rl[k] : -rl[k];
        } else {
            b->lo[k] = rl[L - 1 - k];
            b->hi[k] = ((L - 1 - k) % 2) ? -dl[L - 1 - k] : dl[L - 1 - k];
        }
    }
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

#define CQ_ROWS 35     /* 3.5 K rows for K = 10 */
#define COIF_MAXLEN 30 /* coif5: 30 taps */

/* least squares min |A d - b| (m x n, m >= n, row-major, A and b destroyed) by Householder QR into d;
 * -1 when A is rank deficient */
static int q_lstsq(qreal A[][COIF_MAXLEN], qreal *b, int m, int n, qreal *d)
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
static int coif_system(const qreal *h, int L, int K, qreal T[][COIF_MAXLEN], qreal sqrt2, qreal *F,
                       qreal J[][COIF_MAXLEN])
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
    qreal h[COIF_MAXLEN], T[10][COIF_MAXLEN], F[CQ_ROWS], J[CQ_ROWS][COIF_MAXLEN], d[COIF_MAXLEN];
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

int vxw_bank_length(const char *name)
{
    wname w;
    if (!parse_name(name, &w))
        return 0;
    if (w.fam == FAM_DB || w.fam == FAM_SYM)
        return 2 * w.n;
    if (w.fam == FAM_COIF)
        return 6 * w.n;
    int zs = w.nr, za = w.nd, roots_s = 0; /* biorthogonal: the longer filter's length, rounded up to even */
    for (size_t i = 0; i < sizeof BIOR_SPLIT / sizeof BIOR_SPLIT[0]; i++)
        if (BIOR_SPLIT[i].nr == w.nr && BIOR_SPLIT[i].nd == w.nd) {
            zs = BIOR_SPLIT[i].zs;
            za = BIOR_SPLIT[i].za;
            roots_s = (int)strlen(BIOR_SPLIT[i].synth);
        }
    const int l = (w.nr + w.nd) / 2, ns = zs + 1 + 2 * roots_s, na = za + 1 + 2 * (l - 1 - roots_s);
    const int L = ns > na ? ns : na;
    return L + L % 2;
}

int vxw_bank_get(const char *name, vxw_bank *b)
{
    wname w;
    if (!parse_name(name, &w) || !b)
        return -1;
    if (w.fam == FAM_BIOR || w.fam == FAM_RBIO)
        return biorthogonal(w.nr, w.nd, w.fam == FAM_RBIO, b);
    double h[VXW_MAXLEN];
    const int n = w.fam == FAM_COIF ? 6 * w.n : 2 * w.n;
    const int rc = w.fam == FAM_DB ? daubechies(w.n, h) : w.fam == FAM_SYM ? symlet(w.n, h) : coiflet(w.n, h);
    if (rc != 0)
        return -1;
    memset(b, 0, sizeof *b);
    b->n = n;
    for (int k = 0; k < n; k++) {
        b->lo[k] = h[n - 1 - k];
        b->hi[k] = (k % 2) ? h[k] : -h[k];
    }
    return 0;
}
