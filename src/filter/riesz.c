/* voxomics: Riesz transform of a LoG or Simoncelli response map (IBSI 2 "Riesz", AYRS) and its alignment by the
 * structure tensor (IBSI 2 1SD3).
 *
 * Riesz transform of order l = (l1, l2, l3), L = l1 + l2 + l3 (IBSI 2 eq. "RieszTransformHigherOrder"):
 *
 *     R^l{f}^(nu) = (-j)^L sqrt(L! / (l1! l2! l3!)) nu1^l1 nu2^l2 nu3^l3 / |nu|^L  f^(nu),
 *
 * 0 at nu = 0 when L > 0; order (0,0,0) is the identity. 2D filters act on every axial slice (nu = (nu1, nu2),
 * l3 = 0). It acts on the spectrum of the response map of the LoG or Simoncelli filter (eq. "rieszFilter":
 * g_{sigma,l} = R^l{g_sigma}, and R^l{g * f} = R^l{g} * f). The frequency grid is the IBSI grid of
 * fourier_impl.h (nu_i in [-pi, pi], step 2 pi / (N_i - 1)), divided by the voxel spacing (nu_i / s_i, rad/mm):
 * the Riesz multiplier is a direction in physical space (identical to the voxel grid for isotropic voxels, the
 * IBSI recommendation). The response map is the real part of the inverse transform (for odd L and even N the
 * IBSI grid is not symmetric, so the kernel has a small imaginary part, which is dropped).
 *
 * Boundary conditions: the transform is global (the whole grid). With periodic boundaries the plain DFT of the
 * response map is used. Otherwise the response map handed to vxf_riesz_apply (the LoG's) is padded under the
 * same boundary condition (constant: with 0, the response of a constant image to these zero-mean filters) by
 * the margin of vxf_fourier_grid, transformed on the padded grid and cropped back; for the Simoncelli filter
 * simoncelli.c pads the image once and applies wavelet and Riesz multipliers on the same padded grid
 * (vxf_riesz_spectral).
 *
 * Alignment (tensor_sigma_mm > 0; IBSI 2 "Aligning Riesz kernels", after Chenouard and Unser 2012, IV-B and
 * III-E): the regularised structure tensor of the response,
 *
 *     J(x) = (w * (r r^T))(x),  r = (R^(1,0,0){h}, R^(0,1,0){h}, R^(0,0,1){h})  (first-order Riesz = all-pass
 *                                                                                gradient of the response h),
 *
 * w a Gaussian window of standard deviation sigma_tensor (mm -> voxels per axis, truncated at 4 sigma, normalised
 * to sum 1, applied separably under the spec's boundary condition; in-plane only in 2D). Its eigenvectors, by
 * decreasing eigenvalue, u1 (the dominant gradient direction), u2, u3, form the local frame; the aligned
 * component of order l is the Riesz filter of order l expressed in that frame,
 *
 *     R_aligned^l{h}(x) = (-j)^L sqrt(L!/l!) F^-1{ prod_i (u_i(x) . nu)^l_i / |nu|^L h^ }(x),
 *
 * computed without further transforms by steerability: prod_i (u_i . nu)^l_i = sum_l' c_l'(x) nu^l', so the
 * aligned map is sum_l' c_l'(x) sqrt(l'! / l!) R^l'{h}(x) over the components l' of order L. Signs (they
 * matter for odd l_i only): u1 points along r (r . u1 >= 0), u2 has its largest component positive (first axis
 * on ties), u3 = u1 x u2 (right-handed); in 2D u2 = u1 turned by +90 degrees. Where the tensor is degenerate
 * (flat response) the Jacobi eigenvectors are the image axes and the map equals the unaligned transform there.
 * The structure tensor is computed from the response (the band-pass image at the filter's scale), not from
 * the unfiltered image `img`.
 *
 * Orders: l_i >= 0, L <= 8 (VXF_RIESZ_MAX_L), l3 = 0 for 2D filters.
 *
 * Determinism: every voxel is computed by one thread from its own inputs; no reductions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <fftw3.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter_impl.h"
#include "fourier_impl.h"

#define VXF_RIESZ_MAX_L 8

/* ---- the Fourier grid and the spectrum work array ------------------------------------------------------- */
void vxf_fourier_grid(const vx_filter_spec *f, const size_t dims[3], size_t lo[3], size_t hi[3], size_t n[3])
{
    for (int a = 0; a < 3; a++) {
        lo[a] = hi[a] = 0;
        if (f->pad != VX_PAD_PERIODIC && (a < 2 || f->dim == 3) && dims[a] > 1) {
            /* half the image on each side: the response of a voxel sees the padded continuation up to half
             * the image away, and the periodic wrap-around of the padded grid lands beyond that; an odd size
             * stays odd (symmetric frequency grid) */
            lo[a] = hi[a] = dims[a] / 2;
        }
        n[a] = lo[a] + dims[a] + hi[a];
    }
}

int vxf_spectrum_init(vxf_spectrum *s, vx_fft_cache *c, const size_t n[3], int dim, vx_error *err)
{
    memset(s, 0, sizeof *s);
    for (int a = 0; a < 3; a++) {
        if (n[a] > (size_t)INT_MAX / 4)
            return vx_error_set(err, VX_EINVAL, "Fourier filter: %zu voxels along axis %d is too large", n[a], a);
        s->n[a] = n[a];
    }
    s->dim = dim;
    s->nv = n[0] * n[1] * n[2];
    if (s->nv / n[0] / n[1] != n[2] || s->nv > SIZE_MAX / sizeof(fftw_complex) || n[0] * n[1] > (size_t)INT_MAX)
        return vx_error_set(err, VX_EINVAL, "Fourier filter: transform too large");
    int rc = VX_OK;
    if (!c) {
        if ((rc = vx_fft_cache_new(&s->own, err)) != VX_OK)
            return rc;
        c = s->own;
    }
    s->F = fftw_malloc(s->nv * sizeof *s->F);
    if (!s->F) {
        vxf_spectrum_free(s);
        return vx_error_set(err, VX_ENOMEM, "Fourier filter: out of memory for a %zu x %zu x %zu transform", n[0],
                            n[1], n[2]);
    }
    const int nx = (int)n[0], ny = (int)n[1], nz = (int)n[2];
    if (dim == 3) {
        const vx_fft_dim d[3] = {{nz, nx * ny, nx * ny}, {ny, nx, nx}, {nx, 1, 1}};
        rc = vx_fft_plan_get(c, VX_FFT_FORWARD, 3, d, 0, NULL, s->F, s->F, VX_FFT_DESTROY_INPUT, &s->fwd, err);
        if (rc == VX_OK)
            rc = vx_fft_plan_get(c, VX_FFT_BACKWARD, 3, d, 0, NULL, s->F, s->F, VX_FFT_DESTROY_INPUT, &s->inv, err);
    } else {
        const vx_fft_dim d[2] = {{ny, nx, nx}, {nx, 1, 1}};
        const vx_fft_dim hm[1] = {{nz, nx * ny, nx * ny}};
        rc = vx_fft_plan_get(c, VX_FFT_FORWARD, 2, d, 1, hm, s->F, s->F, VX_FFT_DESTROY_INPUT, &s->fwd, err);
        if (rc == VX_OK)
            rc = vx_fft_plan_get(c, VX_FFT_BACKWARD, 2, d, 1, hm, s->F, s->F, VX_FFT_DESTROY_INPUT, &s->inv, err);
    }
    if (rc != VX_OK)
        vxf_spectrum_free(s);
    return rc;
}

void vxf_spectrum_free(vxf_spectrum *s)
{
    fftw_free(s->F);
    s->F = NULL;
    vx_fft_cache_free(s->own); /* after the plans' last use: the cache owns them */
    s->own = NULL;
    s->fwd = s->inv = NULL;
}

int vxf_spectrum_load(vxf_spectrum *s, const double *in, const size_t dims[3], const size_t lo[3], vx_pad_mode m,
                      double cval, vx_error *err)
{
    const size_t nx = s->n[0], ny = s->n[1], nz = s->n[2];
#pragma omp parallel for schedule(static)
    for (size_t z = 0; z < nz; z++) {
        const ptrdiff_t iz = vx_pad_index((ptrdiff_t)z - (ptrdiff_t)lo[2], dims[2], m);
        for (size_t y = 0; y < ny; y++) {
            const ptrdiff_t iy = vx_pad_index((ptrdiff_t)y - (ptrdiff_t)lo[1], dims[1], m);
            const double *row = iz < 0 || iy < 0 ? NULL : in + dims[0] * ((size_t)iy + dims[1] * (size_t)iz);
            double(*o)[2] = s->F + nx * (y + ny * z);
            for (size_t x = 0; x < nx; x++) {
                const ptrdiff_t ix = row ? vx_pad_index((ptrdiff_t)x - (ptrdiff_t)lo[0], dims[0], m) : -1;
                o[x][0] = ix < 0 ? cval : row[ix];
                o[x][1] = 0.0;
            }
        }
    }
    return vx_fft_execute(s->fwd, s->F, s->F, err);
}

/* ---- Riesz multipliers ---------------------------------------------------------------------------------- */
static double factorial(int n)
{
    double r = 1.0;
    for (int i = 2; i <= n; i++)
        r *= i;
    return r;
}

/* Per-axis physical frequencies (rad/mm) of the grid's bins; w[a] has n[a] entries (all 0 along z in 2D). */
static double *axis_freqs(const vxf_spectrum *s, const double spacing[3], double *w[3])
{
    double *buf = malloc((s->n[0] + s->n[1] + s->n[2]) * sizeof *buf);
    if (!buf)
        return NULL;
    w[0] = buf;
    w[1] = w[0] + s->n[0];
    w[2] = w[1] + s->n[1];
    for (int a = 0; a < 3; a++)
        for (size_t k = 0; k < s->n[a]; k++)
            w[a][k] = a == 2 && s->dim == 2 ? 0.0 : vxf_grid_freq(k, s->n[a]) / spacing[a];
    return buf;
}

/* dst = src times the Riesz multiplier of order l (src == dst allowed). */
static void riesz_multiply(const vxf_spectrum *s, double *const w[3], const int l[3], const double (*src)[2],
                           double (*dst)[2])
{
    const int L = l[0] + l[1] + l[2];
    const double norm = sqrt(factorial(L) / (factorial(l[0]) * factorial(l[1]) * factorial(l[2])));
    /* (-j)^L = re + j im */
    static const double pre[4][2] = {{1, 0}, {0, -1}, {-1, 0}, {0, 1}};
    const double pr = pre[L % 4][0] * norm, pi = pre[L % 4][1] * norm;
    const size_t nx = s->n[0], ny = s->n[1], nz = s->n[2];
#pragma omp parallel for schedule(static)
    for (size_t z = 0; z < nz; z++)
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++) {
                const size_t i = x + nx * (y + ny * z);
                const double v[3] = {w[0][x], w[1][y], w[2][z]};
                const double r2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
                double m = 0.0;
                if (L == 0)
                    m = 1.0;
                else if (r2 > 0.0) {
                    m = 1.0;
                    const double inv = 1.0 / sqrt(r2);
                    for (int a = 0; a < 3; a++)
                        for (int e = 0; e < l[a]; e++)
                            m *= v[a] * inv;
                }
                const double re = src[i][0], im = src[i][1];
                dst[i][0] = m * (pr * re - pi * im);
                dst[i][1] = m * (pr * im + pi * re);
            }
}

/* Backward transform of s->F and the real part, normalised, cropped at lo to dims into out. */
static int inverse_crop(vxf_spectrum *s, const size_t lo[3], const size_t dims[3], double *out, vx_error *err)
{
    int rc = vx_fft_execute(s->inv, s->F, s->F, err);
    if (rc != VX_OK)
        return rc;
    const double norm = 1.0 / (double)(s->dim == 3 ? s->nv : s->n[0] * s->n[1]);
    const size_t nx = s->n[0], ny = s->n[1];
#pragma omp parallel for schedule(static)
    for (size_t z = 0; z < dims[2]; z++)
        for (size_t y = 0; y < dims[1]; y++) {
            const double(*src)[2] = s->F + lo[0] + nx * ((y + lo[1]) + ny * (z + lo[2]));
            double *o = out + dims[0] * (y + dims[1] * z);
            for (size_t x = 0; x < dims[0]; x++)
                o[x] = src[x][0] * norm;
        }
    return VX_OK;
}

/* ---- structure tensor and steering ---------------------------------------------------------------------- */
/* Eigen-decomposition of the symmetric d x d matrix a (d = 2 or 3; row-major 3 x 3 storage) by cyclic Jacobi
 * rotations: eigenvalues ev[] by decreasing value, eigenvectors in the columns of v. */
static void jacobi_eigen(double a[3][3], int d, double ev[3], double v[3][3])
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            v[i][j] = i == j;
    for (int sweep = 0; sweep < 50; sweep++) {
        double off = 0.0, diag = 0.0;
        for (int p = 0; p < d; p++) {
            diag += a[p][p] * a[p][p];
            for (int q = p + 1; q < d; q++)
                off += a[p][q] * a[p][q];
        }
        if (off <= 1e-30 * diag || off == 0.0)
            break;
        for (int p = 0; p < d; p++)
            for (int q = p + 1; q < d; q++) {
                if (a[p][q] == 0.0)
                    continue;
                const double theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                const double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
                const double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
                for (int k = 0; k < d; k++) { /* a = a G */
                    const double akp = a[k][p], akq = a[k][q];
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                }
                for (int k = 0; k < d; k++) { /* a = G^T a */
                    const double apk = a[p][k], aqk = a[q][k];
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for (int k = 0; k < d; k++) {
                    const double vkp = v[k][p], vkq = v[k][q];
                    v[k][p] = c * vkp - s * vkq;
                    v[k][q] = s * vkp + c * vkq;
                }
            }
    }
    int idx[3] = {0, 1, 2};
    for (int i = 0; i < d; i++) /* stable selection sort by decreasing eigenvalue */
        for (int j = i + 1; j < d; j++)
            if (a[idx[j]][idx[j]] > a[idx[i]][idx[i]]) {
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
    double vs[3][3] = {{0}};
    for (int i = 0; i < d; i++) {
        ev[i] = a[idx[i]][idx[i]];
        for (int k = 0; k < 3; k++)
            vs[k][i] = v[k][idx[i]];
    }
    memcpy(v, vs, sizeof vs);
}

/* The local frame u[i][.] (unit vectors, u[i][k] component k of u_i) from the tensor j and the gradient r. */
static void local_frame(const double j[6], const double r[3], int d, double u[3][3])
{
    double a[3][3] = {{j[0], j[1], j[2]}, {j[1], j[3], j[4]}, {j[2], j[4], j[5]}}, ev[3], v[3][3];
    jacobi_eigen(a, d, ev, v);
    memset(u, 0, 9 * sizeof(double));
    for (int i = 0; i < d; i++)
        for (int k = 0; k < d; k++)
            u[i][k] = v[k][i];
    /* u1 along r; else its largest component positive */
    double dot = 0.0;
    for (int k = 0; k < d; k++)
        dot += u[0][k] * r[k];
    int big = 0;
    for (int k = 1; k < d; k++)
        if (fabs(u[0][k]) > fabs(u[0][big]))
            big = k;
    if (dot < 0.0 || (dot == 0.0 && u[0][big] < 0.0))
        for (int k = 0; k < d; k++)
            u[0][k] = -u[0][k];
    if (d == 2) {
        u[1][0] = -u[0][1];
        u[1][1] = u[0][0];
        return;
    }
    big = 0;
    for (int k = 1; k < 3; k++)
        if (fabs(u[1][k]) > fabs(u[1][big]))
            big = k;
    if (u[1][big] < 0.0)
        for (int k = 0; k < 3; k++)
            u[1][k] = -u[1][k];
    u[2][0] = u[0][1] * u[1][2] - u[0][2] * u[1][1];
    u[2][1] = u[0][2] * u[1][0] - u[0][0] * u[1][2];
    u[2][2] = u[0][0] * u[1][1] - u[0][1] * u[1][0];
}

#define PDIM (VXF_RIESZ_MAX_L + 1)

/* Coefficients c[e1][e2][e3] of prod_i (u_i . nu)^l_i over the monomials nu1^e1 nu2^e2 nu3^e3. */
static void steer_poly(const double u[3][3], const int l[3], double c[PDIM][PDIM][PDIM])
{
    static const size_t sz = sizeof(double) * PDIM * PDIM * PDIM;
    double t[PDIM][PDIM][PDIM];
    memset(c, 0, sz);
    c[0][0][0] = 1.0;
    int deg = 0;
    for (int i = 0; i < 3; i++)
        for (int e = 0; e < l[i]; e++) {
            memset(t, 0, sz);
            for (int a = 0; a <= deg; a++)
                for (int b = 0; a + b <= deg; b++) {
                    const double x = c[a][b][deg - a - b];
                    if (x == 0.0)
                        continue;
                    t[a + 1][b][deg - a - b] += x * u[i][0];
                    t[a][b + 1][deg - a - b] += x * u[i][1];
                    t[a][b][deg - a - b + 1] += x * u[i][2];
                }
            memcpy(c, t, sz);
            deg++;
        }
}

/* The components l' of order L in the spec's dimensionality, L first along x: (L,0,0), (L-1,1,0), ... */
static int components(int L, int dim, int (*lc)[3])
{
    int n = 0;
    for (int a = L; a >= 0; a--)
        if (dim == 2)
            lc[n][0] = a, lc[n][1] = L - a, lc[n][2] = 0, n++;
        else
            for (int b = L - a; b >= 0; b--)
                lc[n][0] = a, lc[n][1] = b, lc[n][2] = L - a - b, n++;
    return n;
}

/* 1D Gaussian window of standard deviation sg voxels, truncated at 4 sg, normalised to sum 1; *len voxels. */
static double *gauss_window(double sg, size_t *len)
{
    const size_t r = (size_t)floor(4.0 * sg + 0.5);
    *len = 2 * r + 1;
    double *k = malloc(*len * sizeof *k), sum = 0.0;
    if (!k)
        return NULL;
    for (size_t i = 0; i < *len; i++) {
        const double x = (double)i - (double)r;
        k[i] = exp(-0.5 * x * x / (sg * sg));
        sum += k[i];
    }
    for (size_t i = 0; i < *len; i++)
        k[i] /= sum;
    return k;
}

static int aligned(vxf_spectrum *s, const vx_filter_spec *f, double *const w[3], const size_t lo[3],
                   const size_t dims[3], const double spacing[3], double *out, vx_error *err)
{
    const int d = f->dim, L = f->riesz[0] + f->riesz[1] + f->riesz[2];
    const size_t nv = dims[0] * dims[1] * dims[2];
    int lc[(PDIM + 1) * PDIM / 2][3];
    const int nc = components(L, d, lc);
    double(*S)[2] = fftw_malloc(s->nv * sizeof *S);
    double *mem = malloc((size_t)(nc + 3 + 6) * nv * sizeof *mem);
    double *win[3] = {NULL, NULL, NULL};
    int rc = VX_OK;
    if (!S || !mem) {
        rc = vx_error_set(err, VX_ENOMEM, "filter %s: out of memory for the Riesz components",
                          vx_filter_kind_name(f->kind));
        goto done;
    }
    double *comp = mem, *g = mem + (size_t)nc * nv, *J = g + 3 * nv;
    memcpy(S, s->F, s->nv * sizeof *S);
    for (int q = 0; q < nc && rc == VX_OK; q++) {
        riesz_multiply(s, w, lc[q], (const double(*)[2])S, s->F);
        rc = inverse_crop(s, lo, dims, comp + (size_t)q * nv, err);
    }
    memset(g, 0, 3 * nv * sizeof *g);
    for (int a = 0; a < d && rc == VX_OK; a++) {
        const int e[3] = {a == 0, a == 1, a == 2};
        riesz_multiply(s, w, e, (const double(*)[2])S, s->F);
        rc = inverse_crop(s, lo, dims, g + (size_t)a * nv, err);
    }
    if (rc != VX_OK)
        goto done;
    /* the tensor's six products (xx xy xz yy yz zz), smoothed by the window */
    static const int pa[6] = {0, 0, 0, 1, 1, 2}, pb[6] = {0, 1, 2, 1, 2, 2};
    size_t klen[3] = {0, 0, 0};
    for (int a = 0; a < d; a++)
        if (!(win[a] = gauss_window(f->tensor_sigma_mm / spacing[a], &klen[a]))) {
            rc = vx_error_set(err, VX_ENOMEM, "filter %s: out of memory", vx_filter_kind_name(f->kind));
            goto done;
        }
    for (int p = 0; p < 6 && rc == VX_OK; p++) {
        double *jp = J + (size_t)p * nv;
        const double *ga = g + (size_t)pa[p] * nv, *gb = g + (size_t)pb[p] * nv;
        for (size_t i = 0; i < nv; i++)
            jp[i] = ga[i] * gb[i];
        rc = vx_separable_convolve(jp, dims, (const double *const *)win, klen, f->pad, 0.0, jp, err);
    }
    if (rc != VX_OK)
        goto done;
    double coef[(PDIM + 1) * PDIM / 2]; /* sqrt(l'! / l!) */
    const double lf = factorial(f->riesz[0]) * factorial(f->riesz[1]) * factorial(f->riesz[2]);
    for (int q = 0; q < nc; q++)
        coef[q] = sqrt(factorial(lc[q][0]) * factorial(lc[q][1]) * factorial(lc[q][2]) / lf);
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < nv; i++) {
        const double jt[6] = {J[i], J[nv + i], J[2 * nv + i], J[3 * nv + i], J[4 * nv + i], J[5 * nv + i]};
        const double r[3] = {g[i], g[nv + i], g[2 * nv + i]};
        double u[3][3], c[PDIM][PDIM][PDIM];
        local_frame(jt, r, d, u);
        steer_poly((const double(*)[3])u, f->riesz, c);
        double acc = 0.0;
        for (int q = 0; q < nc; q++)
            acc += c[lc[q][0]][lc[q][1]][lc[q][2]] * coef[q] * comp[(size_t)q * nv + i];
        out[i] = acc;
    }
done:
    for (int a = 0; a < 3; a++)
        free(win[a]);
    free(mem);
    fftw_free(S);
    return rc;
}

int vxf_riesz_spectral(vxf_spectrum *s, const vx_filter_spec *f, const size_t lo[3], const size_t dims[3],
                       const double spacing[3], double *out, vx_error *err)
{
    double *w[3];
    double *wbuf = axis_freqs(s, spacing, w);
    if (!wbuf)
        return vx_error_set(err, VX_ENOMEM, "filter %s: out of memory", vx_filter_kind_name(f->kind));
    int rc;
    if (f->tensor_sigma_mm > 0.0)
        rc = aligned(s, f, w, lo, dims, spacing, out, err);
    else {
        riesz_multiply(s, w, f->riesz, (const double(*)[2])s->F, s->F);
        rc = inverse_crop(s, lo, dims, out, err);
    }
    free(wbuf);
    return rc;
}

int vxf_riesz_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *img, const double *resp,
                    const size_t dims[3], const double spacing[3], double *out, vx_error *err)
{
    (void)img; /* the structure tensor comes from the response (see the header comment) */
    size_t lo[3], hi[3], n[3];
    vxf_fourier_grid(f, dims, lo, hi, n);
    vxf_spectrum s;
    int rc = vxf_spectrum_init(&s, c, n, f->dim, err);
    if (rc != VX_OK)
        return rc;
    rc = vxf_spectrum_load(&s, resp, dims, lo, f->pad, 0.0, err);
    if (rc == VX_OK)
        rc = vxf_riesz_spectral(&s, f, lo, dims, spacing, out, err);
    vxf_spectrum_free(&s);
    return rc;
}

int vxf_riesz_check(const vx_filter_spec *f, vx_error *err)
{
    const char *kn = vx_filter_kind_name(f->kind);
    for (int a = 0; a < 3; a++)
        if (f->riesz[a] < 0 || f->riesz[a] > VXF_RIESZ_MAX_L)
            return vx_error_set(err, VX_EINVAL, "filter %s: Riesz order %d along axis %d; use 0 .. %d", kn,
                                f->riesz[a], a, VXF_RIESZ_MAX_L);
    const int L = f->riesz[0] + f->riesz[1] + f->riesz[2];
    if (L > VXF_RIESZ_MAX_L)
        return vx_error_set(err, VX_EINVAL, "filter %s: Riesz order (%d,%d,%d) sums to %d; use a total of at "
                            "most %d", kn, f->riesz[0], f->riesz[1], f->riesz[2], L, VXF_RIESZ_MAX_L);
    if (f->dim == 2 && f->riesz[2] != 0)
        return vx_error_set(err, VX_EINVAL, "filter %s: Riesz order %d along z in a 2D filter; use (l1,l2,0) "
                            "for per-slice filters", kn, f->riesz[2]);
    if (!isfinite(f->tensor_sigma_mm) || f->tensor_sigma_mm < 0.0)
        return vx_error_set(err, VX_EINVAL, "filter %s: structure-tensor sigma %g mm; use a value > 0 (aligned) "
                            "or 0 (not aligned)", kn, f->tensor_sigma_mm);
    return VX_OK;
}
