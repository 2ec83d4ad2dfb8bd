/* voxomics: the spatial-kernel filters of IBSI 2 (reference manual "Standardised convolutional filtering for
 * radiomics", chapter "Common convolutional filters in radiomics"):
 *
 * Mean filter (IBSI 2 S60F), support M voxels (odd), D = 3 (volume) or D = 2 (each axial slice):
 *   g[k] = 1 / M^D  for k_1 .. k_D in [-floor(M/2), floor(M/2)], 0 elsewhere.
 * It is the outer product of D box kernels of M taps 1/M, applied as D separable passes (x, y[, z]).
 *
 * Laplacian of Gaussian (IBSI 2 L6PA), scale sigma* mm, truncation d:
 *   g_sigma[k] = -(1/sigma^2) (1/(sqrt(2 pi) sigma))^D (D - ||k||^2 / sigma^2) exp(-||k||^2 / (2 sigma^2)),
 * sigma = sigma* / s in voxels, sampled at integer offsets |k_a| <= R_a = floor(d sigma_a + 0.5), i.e. a
 * support M_a = 1 + 2 R_a per axis (manual: M = 1 + 2 floor(d sigma + 0.5)).
 * With G_a(k) = exp(-k^2 / (2 sigma_a^2)) / (sqrt(2 pi) sigma_a) and G_a'' its second derivative,
 *   g[k] = sum_a G_a''(k_a) prod_{b != a} G_b(k_b)                                  (isotropic spacing)
 * exactly (G'' = G (k^2/sigma^4 - 1/sigma^2), summed over a: -(1/sigma^2)(D - ||k||^2/sigma^2) prod G), so
 * the kernel is a sum of D separable kernels and is applied as 7 (3D) or 4 (2D) 1D passes (linepass.c):
 *   3D: h = Gz(Gy(G''x f) + G''y(Gx f)) + G''z(Gy(Gx f));   2D: h = Gy(G''x f) + G''y(Gx f).
 * Anisotropic spacing (the manual defines the isotropic case): sigma_a = sigma* / s_a voxels per axis and
 * the kernel is the Laplacian in mm of the Gaussian of sigma* mm, sampled on the voxel grid and expressed in
 * the manual's voxel units:
 *   g[k] = sbar^2 sum_a (1 / s_a^2) G_a''(k_a) prod_{b != a} G_b(k_b),  sbar^2 = (prod_a s_a^2)^(1/D)
 *        = -(1/sigmabar^2) prod_a (1/(sqrt(2 pi) sigma_a)) (D - ||x||^2/sigma*^2) exp(-||x||^2/(2 sigma*^2)),
 * x_a = k_a s_a in mm, sigmabar = sigma* / sbar (the geometric mean of the sigma_a): the same physical
 * (rotation-invariant in mm) operator at every spacing, equal to the manual's kernel when the spacing is
 * isotropic. A Riesz order (f->riesz) then transforms this response (vxf_riesz_apply, riesz.c).
 *
 * Padding (IBSI 2 GBYQ): nearest, periodic and mirror index each axis on its own, so the separable passes
 * equal the full D-dimensional convolution of the padded image; constant padding with a value c is the
 * convolution of (f - c) zero-padded plus c times the kernel sum.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/linepass.h"
#include "filter_impl.h"
#include "vx_math.h"

/* ---- shared: one 1D pass along one axis (zero padding in constant mode; the LoG shifts its input) ------ */
static int pass_axis(const double *in, const size_t dims[3], int axis, const double *k, size_t klen, vx_pad_mode m,
                     double *out, vx_error *err)
{
    return vxf_line_pass(in, dims, axis, k, klen, m, 0.0, out, err);
}

/* ---- mean (S60F) ------------------------------------------------------------------------------------------ */
int vxf_mean_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                   const double spacing[3], double *out, vx_error *err)
{
    (void)c, (void)spacing;
    const size_t n = dims[0] * dims[1] * dims[2];
    double *work = malloc(2 * n * sizeof *work);
    if (!work)
        return vx_error_set(err, VX_ENOMEM, "filter mean: out of memory for 2 work images of %zu voxels", n);
    int rc = vxf_box_mean(in, dims, f->dim, (size_t)f->support, f->pad, f->pad_value, work, out, err);
    free(work);
    return rc;
}

void vxf_mean_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    (void)spacing;
    const size_t r = f->support > 0 ? (size_t)(f->support / 2) : 0;
    reach[0] = reach[1] = r;
    reach[2] = f->dim == 3 ? r : 0;
}

int vxf_mean_check(const vx_filter_spec *f, vx_error *err)
{
    if (f->support < 1 || f->support % 2 == 0)
        return vx_error_set(err, VX_EINVAL,
                            "filter mean: support M = %d voxels; it must be odd and >= 1 (IBSI 2 S60F), e.g. 3 or 5",
                            f->support);
    if (f->support > 100001)
        return vx_error_set(err, VX_EINVAL, "filter mean: support M = %d voxels is too large; use at most 100001",
                            f->support);
    return VX_OK;
}

/* ---- LoG (L6PA) ------------------------------------------------------------------------------------------- */
/* half support R_a = floor(d sigma_a + 0.5) along axis a (sigma_a = sigma* / s_a voxels) */
static size_t log_half(const vx_filter_spec *f, double s)
{
    double r = floor(f->truncate * (f->sigma_mm / s) + 0.5);
    return r >= 1e15 ? SIZE_MAX / 4 : r > 0.0 ? (size_t)r : 0;
}

/* The 1D kernels of axis a: G (the sampled Gaussian) and w G'' with w = sbar^2 / s_a^2, 2 R + 1 taps each. */
static void log_kernels(double sigma_mm, double s, double w, size_t R, double *g, double *g2)
{
    const double sg = sigma_mm / s, norm = 1.0 / (sqrt(2.0 * VX_PI) * sg);
    for (size_t i = 0; i <= 2 * R; i++) {
        const double k = (double)i - (double)R;
        g[i] = norm * exp(-k * k / (2.0 * sg * sg));
        g2[i] = w * g[i] * (k * k / (sg * sg * sg * sg) - 1.0 / (sg * sg));
    }
}

typedef struct log_plan {
    size_t len[3];
    double *g[3], *g2[3];
    double sum; /* the kernel's sum (constant padding) */
} log_plan;

static void log_plan_free(log_plan *p)
{
    for (int a = 0; a < 3; a++) {
        free(p->g[a]);
        free(p->g2[a]);
    }
}

static int log_plan_make(const vx_filter_spec *f, const double spacing[3], log_plan *p, vx_error *err)
{
    memset(p, 0, sizeof *p);
    const int D = f->dim;
    double lsb = 0.0; /* log sbar^2 = mean of log s_a^2 */
    int iso = 1;
    for (int a = 0; a < D; a++) {
        lsb += 2.0 * log(spacing[a]);
        iso &= spacing[a] == spacing[0];
    }
    lsb /= D;
    for (int a = 0; a < D; a++) {
        const double r = floor(f->truncate * (f->sigma_mm / spacing[a]) + 0.5);
        if (r > 1e7)
            return vx_error_set(err, VX_EINVAL,
                                "filter log: kernel half size %.6g voxels along axis %d (sigma %g mm, truncation %g, "
                                "spacing %g mm) is too large; use a smaller sigma or truncation",
                                r, a, f->sigma_mm, f->truncate, spacing[a]);
    }
    for (int a = 0; a < D; a++) {
        const size_t R = log_half(f, spacing[a]);
        p->len[a] = 2 * R + 1;
        p->g[a] = malloc(p->len[a] * sizeof(double));
        p->g2[a] = malloc(p->len[a] * sizeof(double));
        if (!p->g[a] || !p->g2[a]) {
            log_plan_free(p);
            return vx_error_set(err, VX_ENOMEM, "filter log: out of memory for kernels of %zu taps", p->len[a]);
        }
        /* w = sbar^2 / s_a^2: exactly 1 for isotropic spacing (the manual's kernel) */
        const double w = iso ? 1.0 : exp(lsb - 2.0 * log(spacing[a]));
        log_kernels(f->sigma_mm, spacing[a], w, R, p->g[a], p->g2[a]);
    }
    /* sum of the kernel: sum_a (sum G''_a) prod_{b != a} (sum G_b) */
    double sg[3] = {1, 1, 1}, s2[3] = {0, 0, 0};
    for (int a = 0; a < D; a++) {
        sg[a] = 0.0;
        for (size_t i = 0; i < p->len[a]; i++) {
            sg[a] += p->g[a][i];
            s2[a] += p->g2[a][i];
        }
    }
    p->sum = 0.0;
    for (int a = 0; a < D; a++) {
        double t = s2[a];
        for (int b = 0; b < D; b++)
            if (b != a)
                t *= sg[b];
        p->sum += t;
    }
    return VX_OK;
}

/* h = sum of the D separable terms of the LoG kernel applied to src (zero padding in constant mode), into out;
 * A, B, T: work images */
static int log_passes(const log_plan *p, int D, const double *src, const size_t dims[3], vx_pad_mode m,
                      double *out, double *A, double *B, double *T, vx_error *err)
{
    const size_t n = dims[0] * dims[1] * dims[2];
    int rc;
    if ((rc = pass_axis(src, dims, 0, p->g[0], p->len[0], m, A, err)) != VX_OK || /* A = Gx f */
        (rc = pass_axis(src, dims, 0, p->g2[0], p->len[0], m, B, err)) != VX_OK)  /* B = G''x f */
        return rc;
    if (D == 2) {
        if ((rc = pass_axis(A, dims, 1, p->g2[1], p->len[1], m, T, err)) != VX_OK || /* T = G''y Gx f */
            (rc = pass_axis(B, dims, 1, p->g[1], p->len[1], m, out, err)) != VX_OK)  /* out = Gy G''x f */
            return rc;
        for (size_t i = 0; i < n; i++)
            out[i] += T[i];
        return VX_OK;
    }
    if ((rc = pass_axis(A, dims, 1, p->g[1], p->len[1], m, T, err)) != VX_OK ||    /* T = Gy Gx f */
        (rc = pass_axis(T, dims, 2, p->g2[2], p->len[2], m, out, err)) != VX_OK || /* out = G''z Gy Gx f */
        (rc = pass_axis(A, dims, 1, p->g2[1], p->len[1], m, T, err)) != VX_OK ||   /* T = G''y Gx f */
        (rc = pass_axis(B, dims, 1, p->g[1], p->len[1], m, A, err)) != VX_OK)      /* A = Gy G''x f */
        return rc;
    for (size_t i = 0; i < n; i++)
        T[i] += A[i];
    if ((rc = pass_axis(T, dims, 2, p->g[2], p->len[2], m, A, err)) != VX_OK) /* A = Gz (G''y Gx + Gy G''x) f */
        return rc;
    for (size_t i = 0; i < n; i++)
        out[i] += A[i];
    return VX_OK;
}

int vxf_log_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                  const double spacing[3], double *out, vx_error *err)
{
    log_plan p;
    int rc = log_plan_make(f, spacing, &p, err);
    if (rc != VX_OK)
        return rc;
    const size_t n = dims[0] * dims[1] * dims[2];
    const int riesz = vxf_has_riesz(f), shift = f->pad == VX_PAD_CONSTANT && f->pad_value != 0.0;
    const size_t nbuf = 3 + (size_t)riesz + (size_t)shift;
    double *mem = malloc(nbuf * n * sizeof *mem);
    if (!mem) {
        log_plan_free(&p);
        return vx_error_set(err, VX_ENOMEM, "filter log: out of memory for %zu work images of %zu voxels", nbuf, n);
    }
    double *A = mem, *B = mem + n, *T = mem + 2 * n, *resp = riesz ? mem + 3 * n : out;
    const double *src = in;
    if (shift) {
        double *s = mem + (3 + (size_t)riesz) * n;
        for (size_t i = 0; i < n; i++)
            s[i] = in[i] - f->pad_value;
        src = s;
    }
    rc = log_passes(&p, f->dim, src, dims, f->pad, resp, A, B, T, err);
    if (rc == VX_OK && shift)
        for (size_t i = 0; i < n; i++)
            resp[i] += f->pad_value * p.sum;
    if (rc == VX_OK && riesz)
        rc = vxf_riesz_apply(c, f, in, resp, dims, spacing, out, err);
    free(mem);
    log_plan_free(&p);
    return rc;
}

void vxf_log_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    for (int a = 0; a < 3; a++)
        reach[a] = a < f->dim ? log_half(f, spacing[a]) : 0;
}

int vxf_log_check(const vx_filter_spec *f, vx_error *err)
{
    if (!(f->sigma_mm > 0.0) || !isfinite(f->sigma_mm))
        return vx_error_set(err, VX_EINVAL, "filter log: scale sigma = %g mm; it must be a finite number > 0 (e.g. 3)",
                            f->sigma_mm);
    if (!(f->truncate > 0.0) || !isfinite(f->truncate))
        return vx_error_set(err, VX_EINVAL,
                            "filter log: truncation d = %g (filter size cutoff in sigmas); it must be a finite "
                            "number > 0 (IBSI 2 commonly uses 4)",
                            f->truncate);
    if (f->truncate * f->sigma_mm > 1e6)
        return vx_error_set(err, VX_EINVAL,
                            "filter log: kernel half size d sigma = %g mm is too large; use a smaller sigma or d",
                            f->truncate * f->sigma_mm);
    return VX_OK;
}
