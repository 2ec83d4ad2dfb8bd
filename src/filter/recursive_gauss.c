/* voxomics: the recursive Gaussian (Deriche's 4th-order IIR approximation, as ITK 5's
 * RecursiveGaussianImageFilter defines it) and the filter kind log_recursive built on it: PyRadiomics' LoG
 * image type, which is SimpleITK's LaplacianRecursiveGaussianImageFilter with NormalizeAcrossScale on.
 *
 * References: R. Deriche, "Recursively implementing the Gaussian and its derivatives", INRIA RR-1893 (1993),
 * and ITK 5.2's RecursiveGaussianImageFilter / RecursiveSeparableImageFilter /
 * LaplacianRecursiveGaussianImageFilter (the facts below were read from them; this is our own implementation).
 *
 * The 1D filter of order k (0: Gaussian, 2: second derivative) at scale s = sigma / spacing voxels approximates
 * the kernel by two damped cosines, with Deriche's constants (a1, b1, w1, l1; a2, b2, w2, l2):
 *   w1 = 0.6681, l1 = -1.3932, w2 = 2.0787, l2 = -1.3732 (all orders),
 *   order 0: a1 = 1.3530, b1 = 1.8151, a2 = -0.3531, b2 = 0.0902,
 *   order 2: a1 = -1.3563, b1 = 5.2318, a2 = 0.3446, b2 = -2.2355.
 * With c_j = cos(w_j / s), s_j = sin(w_j / s), e_j = exp(l_j / s):
 *   denominator  d1 = -2 (e2 c2 + e1 c1),  d2 = 4 c2 c1 e1 e2 + e1^2 + e2^2,
 *                d3 = -2 c1 e1 e2^2 - 2 c2 e2 e1^2,  d4 = e1^2 e2^2;
 *   numerator    n0 = a1 + a2,
 *                n1 = e2 (b2 s2 - (a2 + 2 a1) c2) + e1 (b1 s1 - (a1 + 2 a2) c1),
 *                n2 = 2 e1 e2 ((a1 + a2) c2 c1 - b1 c2 s1 - b2 c1 s2) + a2 e1^2 + a1 e2^2,
 *                n3 = e2 e1^2 (b2 s2 - a2 c2) + e1 e2^2 (b1 s1 - a1 c1);
 *   moments      S = sum, D = sum of k x_k, E = sum of k^2 x_k over the coefficients (d0 = 1).
 * Normalisation: order 0 divides n by alpha0 = 2 SN / SD - n0 (unit sum of the two-sided kernel); order 2 adds
 * beta times the order-0 numerator, beta = -(2 SN2 - SD n0_2) / (2 SN0 - SD n0_0) (zero sum), then divides by
 * alpha2 = (EN SD^2 - ED SN SD - 2 DN DD SD + 2 DD^2 SN) / SD^3 (unit second moment) and, with normalisation
 * across scale, multiplies by sigma^2 (sigma in mm, as ITK does).
 * The anti-causal numerator (symmetric kernels): m1 = n1 - d1 n0, m2 = n2 - d2 n0, m3 = n3 - d3 n0,
 * m4 = -d4 n0. Boundary terms: bn_k = d_k SN / SD, bm_k = d_k SM / SD (SM = m1 + .. + m4).
 *
 * On a line x_0 .. x_{L-1} (L >= 4):
 *   causal       y_i = sum_{k=0..3} n_k x_{i-k} - sum_{k=1..4} d_k y_{i-k}
 *   anti-causal  z_i = sum_{k=1..4} m_k x_{i+k} - sum_{k=1..4} d_k z_{i+k}
 *   output       y_i + z_i,
 * where a sample before the line's start reads x_0 and an output before it is replaced: the term d_k y_{i-k}
 * becomes bn_k x_0 (the response to a constant x_0 extended to -infinity); likewise x_{L-1} and bm_k at the
 * end. Each sum is evaluated left to right, the n (m) sum first, then the d (bn, bm) sum subtracted, in double.
 *
 * log_recursive (LaplacianRecursiveGaussianImageFilter, D = 3, or 2 on a single-slice image or with dim 2):
 * for each axis a in turn, the second-order filter along a (with normalisation: sigma^2 d^2/da^2 in voxels)
 * followed by the order-0 filter along each other axis in increasing order, every pass stored as float; the
 * float sum image accumulates acc = float(acc + t / s_a^2) (s_a the spacing in mm, in double), so that the
 * response is sigma^2 times the Laplacian in mm^-2 of the Gaussian-smoothed image, float32 as ITK returns it.
 * PyRadiomics' own conditions (getLoGImage) come first: every filtered axis has at least 4 voxels (ITK's
 * minimum), and size_a >= ceil(sigma / s_a) + 1; where they fail PyRadiomics skips the image type, here the
 * filter refuses with a message. The whole image is filtered (reach SIZE_MAX): the response depends on every
 * voxel of its lines through the recursions and the boundary rule.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/recursive_gauss.h"
#include "filter_impl.h"

/* Deriche's constants (see the header comment): [order 0, order 1, order 2] */
static const double A1[3] = {1.3530, -0.6724, -1.3563}, B1[3] = {1.8151, -3.4327, 5.2318};
static const double A2[3] = {-0.3531, 0.6724, 0.3446}, B2[3] = {0.0902, 0.6100, -2.2355};
static const double W1 = 0.6681, L1 = -1.3932, W2 = 2.0787, L2 = -1.3732;

/* numerator and its moments S, D, E for one (a1, b1, a2, b2) at scale s voxels */
static void numerator(double s, double a1, double b1, double a2, double b2, double n[4], double mom[3])
{
    const double s1 = sin(W1 / s), s2 = sin(W2 / s), c1 = cos(W1 / s), c2 = cos(W2 / s);
    const double e1 = exp(L1 / s), e2 = exp(L2 / s);
    n[0] = a1 + a2;
    n[1] = e2 * (b2 * s2 - (a2 + 2 * a1) * c2);
    n[1] += e1 * (b1 * s1 - (a1 + 2 * a2) * c1);
    n[2] = (a1 + a2) * c2 * c1;
    n[2] -= b1 * c2 * s1 + b2 * c1 * s2;
    n[2] *= 2 * e1 * e2;
    n[2] += a2 * e1 * e1 + a1 * e2 * e2;
    n[3] = e2 * e1 * e1 * (b2 * s2 - a2 * c2);
    n[3] += e1 * e2 * e2 * (b1 * s1 - a1 * c1);
    mom[0] = n[0] + n[1] + n[2] + n[3];
    mom[1] = n[1] + 2 * n[2] + 3 * n[3];
    mom[2] = n[1] + 4 * n[2] + 9 * n[3];
}

/* denominator d1 .. d4 and its moments (with d0 = 1 in S) */
static void denominator(double s, double d[4], double mom[3])
{
    const double c1 = cos(W1 / s), c2 = cos(W2 / s), e1 = exp(L1 / s), e2 = exp(L2 / s);
    d[3] = e1 * e1 * e2 * e2;
    d[2] = -2 * c1 * e1 * e2 * e2;
    d[2] += -2 * c2 * e2 * e1 * e1;
    d[1] = 4 * c2 * c1 * e1 * e2;
    d[1] += e1 * e1 + e2 * e2;
    d[0] = -2 * (e2 * c2 + e1 * c1);
    mom[0] = 1.0 + d[0] + d[1] + d[2] + d[3];
    mom[1] = d[0] + 2 * d[1] + 3 * d[2] + 4 * d[3];
    mom[2] = d[0] + 4 * d[1] + 9 * d[2] + 16 * d[3];
}

void vxf_rgauss_setup(vxf_rgauss *g, double sigma_mm, double spacing_mm, int order, int normalize)
{
    const double s = sigma_mm / spacing_mm;
    double dm[3], nm[3];
    denominator(s, g->d, dm);
    const double SD = dm[0], DD = dm[1], ED = dm[2];
    if (order == 0) {
        numerator(s, A1[0], B1[0], A2[0], B2[0], g->n, nm);
        const double alpha0 = 2 * nm[0] / SD - g->n[0];
        for (int k = 0; k < 4; k++)
            g->n[k] *= 1.0 / alpha0;
    } else {
        double n0[4], m0[3], n2[4], m2[3];
        numerator(s, A1[0], B1[0], A2[0], B2[0], n0, m0);
        numerator(s, A1[2], B1[2], A2[2], B2[2], n2, m2);
        const double beta = -(2 * m2[0] - SD * n2[0]) / (2 * m0[0] - SD * n0[0]);
        for (int k = 0; k < 4; k++)
            g->n[k] = n2[k] + beta * n0[k];
        const double SN = m2[0] + beta * m0[0], DN = m2[1] + beta * m0[1], EN = m2[2] + beta * m0[2];
        double alpha2 = EN * SD * SD - ED * SN * SD - 2 * DN * DD * SD + 2 * DD * DD * SN;
        alpha2 /= SD * SD * SD;
        const double scale = normalize ? sigma_mm * sigma_mm : 1.0;
        for (int k = 0; k < 4; k++)
            g->n[k] *= scale / alpha2;
    }
    /* symmetric kernels: the anti-causal numerator */
    for (int k = 0; k < 3; k++)
        g->m[k] = g->n[k + 1] - g->d[k] * g->n[0];
    g->m[3] = -g->d[3] * g->n[0];
    const double SN = g->n[0] + g->n[1] + g->n[2] + g->n[3];
    const double SM = g->m[0] + g->m[1] + g->m[2] + g->m[3];
    const double SDr = 1.0 + g->d[0] + g->d[1] + g->d[2] + g->d[3];
    for (int k = 0; k < 4; k++) {
        g->bn[k] = g->d[k] * SN / SDr;
        g->bm[k] = g->d[k] * SM / SDr;
    }
}

void vxf_rgauss_lines(const vxf_rgauss *g, const double *restrict data, size_t ln, size_t W, double *restrict out,
                      double *restrict scratch)
{
    const double n0 = g->n[0], n1 = g->n[1], n2 = g->n[2], n3 = g->n[3];
    const double m1 = g->m[0], m2 = g->m[1], m3 = g->m[2], m4 = g->m[3];
    const double d1 = g->d[0], d2 = g->d[1], d3 = g->d[2], d4 = g->d[3];
    const double bn1 = g->bn[0], bn2 = g->bn[1], bn3 = g->bn[2], bn4 = g->bn[3];
    const double bm1 = g->bm[0], bm2 = g->bm[1], bm3 = g->bm[2], bm4 = g->bm[3];
#define X(i) data[(size_t)(i) * W + w]
#define Y(i) out[(size_t)(i) * W + w]
#define Z(i) scratch[(size_t)(i) * W + w]
    /* causal: the first four outputs with the start value continued before the line */
    for (size_t w = 0; w < W; w++) {
        const double a = X(0);
        Y(0) = a * n0 + a * n1 + a * n2 + a * n3;
        Y(0) -= a * bn1 + a * bn2 + a * bn3 + a * bn4;
        Y(1) = X(1) * n0 + a * n1 + a * n2 + a * n3;
        Y(1) -= Y(0) * d1 + a * bn2 + a * bn3 + a * bn4;
        Y(2) = X(2) * n0 + X(1) * n1 + a * n2 + a * n3;
        Y(2) -= Y(1) * d1 + Y(0) * d2 + a * bn3 + a * bn4;
        Y(3) = X(3) * n0 + X(2) * n1 + X(1) * n2 + a * n3;
        Y(3) -= Y(2) * d1 + Y(1) * d2 + Y(0) * d3 + a * bn4;
    }
    for (size_t i = 4; i < ln; i++)
        for (size_t w = 0; w < W; w++) {
            Y(i) = X(i) * n0 + X(i - 1) * n1 + X(i - 2) * n2 + X(i - 3) * n3;
            Y(i) -= Y(i - 1) * d1 + Y(i - 2) * d2 + Y(i - 3) * d3 + Y(i - 4) * d4;
        }
    /* anti-causal: the last four with the end value continued after the line */
    const size_t e = ln - 1;
    for (size_t w = 0; w < W; w++) {
        const double b = X(e);
        Z(e) = b * m1 + b * m2 + b * m3 + b * m4;
        Z(e) -= b * bm1 + b * bm2 + b * bm3 + b * bm4;
        Z(e - 1) = X(e) * m1 + b * m2 + b * m3 + b * m4;
        Z(e - 1) -= Z(e) * d1 + b * bm2 + b * bm3 + b * bm4;
        Z(e - 2) = X(e - 1) * m1 + X(e) * m2 + b * m3 + b * m4;
        Z(e - 2) -= Z(e - 1) * d1 + Z(e) * d2 + b * bm3 + b * bm4;
        Z(e - 3) = X(e - 2) * m1 + X(e - 1) * m2 + X(e) * m3 + b * m4;
        Z(e - 3) -= Z(e - 2) * d1 + Z(e - 1) * d2 + Z(e) * d3 + b * bm4;
    }
    for (size_t i = ln - 4; i > 0; i--)
        for (size_t w = 0; w < W; w++) {
            Z(i - 1) = X(i) * m1 + X(i + 1) * m2 + X(i + 2) * m3 + X(i + 3) * m4;
            Z(i - 1) -= Z(i) * d1 + Z(i + 1) * d2 + Z(i + 2) * d3 + Z(i + 3) * d4;
        }
    for (size_t i = 0; i < ln; i++)
        for (size_t w = 0; w < W; w++)
            Y(i) += Z(i);
#undef X
#undef Y
#undef Z
}

/* lines filtered together (interleaved in the work buffers) */
#define BLOCK_LINES 64
/* below this many voxels a pass runs on one thread */
#define PAR_MIN_VOXELS 65536

int vxf_rgauss_pass(const vxf_rgauss *g, const double *ind, const float *inf, const size_t dims[3], int axis,
                    float *outf, vx_error *err)
{
    const size_t st[3] = {1, dims[0], dims[0] * dims[1]};
    const int b = axis == 0 ? 1 : 0, c = axis == 2 ? 1 : 2; /* the other two axes, b < c */
    const size_t ln = dims[axis], nb = dims[b], ncol = dims[b] * dims[c], sa = st[axis];
    const size_t nblocks = (ncol + BLOCK_LINES - 1) / BLOCK_LINES;
    const ptrdiff_t nbl = (ptrdiff_t)nblocks;
    int fail = 0;
#pragma omp parallel if (ln * ncol >= PAR_MIN_VOXELS) reduction(| : fail)
    {
        double *buf = malloc(3 * ln * BLOCK_LINES * sizeof *buf);
        size_t base[BLOCK_LINES];
        if (!buf)
            fail = 1;
#pragma omp for schedule(static)
        for (ptrdiff_t bl = 0; bl < nbl; bl++) {
            if (!buf)
                continue;
            const size_t k0 = (size_t)bl * BLOCK_LINES;
            const size_t W = ncol - k0 < BLOCK_LINES ? ncol - k0 : BLOCK_LINES;
            double *data = buf, *res = buf + ln * W, *scr = buf + 2 * ln * W;
            for (size_t w = 0; w < W; w++)
                base[w] = ((k0 + w) % nb) * st[b] + ((k0 + w) / nb) * st[c];
            /* along x a column is a contiguous line: read and write it whole; along y and z the W columns of
             * one index are (mostly) contiguous in x */
            if (axis == 0) {
                for (size_t w = 0; w < W; w++)
                    if (ind)
                        for (size_t i = 0; i < ln; i++)
                            data[i * W + w] = ind[base[w] + i];
                    else
                        for (size_t i = 0; i < ln; i++)
                            data[i * W + w] = (double)inf[base[w] + i];
            } else if (ind) {
                for (size_t i = 0; i < ln; i++)
                    for (size_t w = 0; w < W; w++)
                        data[i * W + w] = ind[base[w] + i * sa];
            } else {
                for (size_t i = 0; i < ln; i++)
                    for (size_t w = 0; w < W; w++)
                        data[i * W + w] = (double)inf[base[w] + i * sa];
            }
            vxf_rgauss_lines(g, data, ln, W, res, scr);
            if (axis == 0)
                for (size_t w = 0; w < W; w++)
                    for (size_t i = 0; i < ln; i++)
                        outf[base[w] + i] = (float)res[i * W + w];
            else
                for (size_t i = 0; i < ln; i++)
                    for (size_t w = 0; w < W; w++)
                        outf[base[w] + i * sa] = (float)res[i * W + w];
        }
        free(buf);
    }
    if (fail)
        return vx_error_set(err, VX_ENOMEM, "filter: out of memory for recursive Gaussian line buffers (%zu voxels)",
                            3 * ln * BLOCK_LINES);
    return VX_OK;
}

/* ---- log_recursive: PyRadiomics' LoG (SimpleITK LaplacianRecursiveGaussianImageFilter) ---------------- */
/* the number of axes filtered: 2 with dim 2 or on a single-slice image (ITK on a 2D image), else 3 */
static int logrec_axes(const vx_filter_spec *f, const size_t dims[3])
{
    return f->dim == 2 || dims[2] == 1 ? 2 : 3;
}

int vxf_logrec_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                     const double spacing[3], double *out, vx_error *err)
{
    (void)c;
    const int D = logrec_axes(f, dims);
    static const char ax[3] = {'x', 'y', 'z'};
    for (int a = 0; a < D; a++) {
        if (dims[a] < 4)
            return vx_error_set(err, VX_EINVAL,
                                "filter log_recursive: %zu voxels along %c; the recursive Gaussian needs at least 4 "
                                "along every filtered axis (PyRadiomics skips LoG on such an image); use dim 2 for "
                                "thin slabs or the sampled filter log",
                                dims[a], ax[a]);
        const double need = ceil(f->sigma_mm / spacing[a]) + 1.0;
        if ((double)dims[a] < need)
            return vx_error_set(err, VX_EINVAL,
                                "filter log_recursive: sigma %g mm is too large for %zu voxels of %g mm along %c "
                                "(PyRadiomics requires size >= ceil(sigma / spacing) + 1 = %.0f and skips this "
                                "sigma); use a smaller sigma",
                                f->sigma_mm, dims[a], spacing[a], ax[a], need);
    }
    const size_t n = dims[0] * dims[1] * dims[2];
    float *acc = calloc(n, sizeof *acc), *t = malloc(n * sizeof *t);
    if (!acc || !t) {
        free(acc);
        free(t);
        return vx_error_set(err, VX_ENOMEM, "filter log_recursive: out of memory for 2 float images of %zu voxels", n);
    }
    int rc = VX_OK;
    for (int a = 0; rc == VX_OK && a < D; a++) {
        vxf_rgauss g2;
        vxf_rgauss_setup(&g2, f->sigma_mm, spacing[a], 2, 1);
        rc = vxf_rgauss_pass(&g2, in, NULL, dims, a, t, err);
        for (int o = 0; rc == VX_OK && o < D; o++) {
            if (o == a)
                continue;
            vxf_rgauss g0;
            vxf_rgauss_setup(&g0, f->sigma_mm, spacing[o], 0, 1);
            rc = vxf_rgauss_pass(&g0, NULL, t, dims, o, t, err);
        }
        if (rc != VX_OK)
            break;
        const double sp2 = spacing[a] * spacing[a];
        const double inv = 1.0 / sp2;
        const ptrdiff_t nn = (ptrdiff_t)n;
#pragma omp parallel for schedule(static) if (nn >= PAR_MIN_VOXELS)
        for (ptrdiff_t i = 0; i < nn; i++)
            acc[i] = (float)((double)acc[i] + (double)t[i] * inv);
    }
    if (rc == VX_OK)
        for (size_t i = 0; i < n; i++)
            out[i] = (double)acc[i];
    free(acc);
    free(t);
    return rc;
}

void vxf_logrec_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    (void)spacing;
    reach[0] = reach[1] = SIZE_MAX;
    reach[2] = f->dim == 3 ? SIZE_MAX : 0;
}

int vxf_logrec_check(const vx_filter_spec *f, vx_error *err)
{
    if (!(f->sigma_mm > 0.0) || !isfinite(f->sigma_mm))
        return vx_error_set(err, VX_EINVAL,
                            "filter log_recursive: sigma_mm = %g; give the scale in mm (> 0), e.g. sigma_mm: 1.0",
                            f->sigma_mm);
    return VX_OK;
}
