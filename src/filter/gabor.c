/* voxomics: the Gabor filter of IBSI 2 (id Q88H), its orientations (rotation invariance by orientation
 * pooling) and the 3D approximation over the three orthogonal planes.
 *
 * Kernel (IBSI 2, Eq. "Gabor2D"), in one plane with in-plane voxel offsets (p, q):
 *   g[k] = exp( -(k~1^2 + gamma^2 k~2^2) / (2 sigma^2) + j 2 pi k~1 / lambda ),
 *   (k~1, k~2) = R_theta k,  R_theta = [[cos theta, sin theta], [sin theta, -cos theta]],
 * theta turning clockwise in the plane (k1 left to right, k2 top to bottom). The response map is the modulus
 * |h| = |f * g| of the complex convolution (h = f * Re g + j f * Im g, two real convolutions).
 *
 * Units: the manual writes sigma = sigma* / s and lambda = lambda* / s (voxels, isotropic spacing s). For a
 * grid with different spacings s1, s2 along the plane's two axes (every coronal and sagittal plane of a CT,
 * or an anisotropic axial plane) the kernel is the same continuous function sampled at the voxel centres:
 * k = (p s1, q s2) in mm with sigma* and lambda* in mm, which equals the manual's definition whenever
 * s1 = s2.
 *
 * Support (a documented choice): the kernel is truncated to the box |p| <= r1, |q| <= r2 with
 *   r_i = floor(d sigma_max / s_i + 0.5),   sigma_max = sigma* max(1, 1/gamma),
 * d = f->truncate (default 4), i.e. d standard deviations of the Gaussian envelope along its wider axis
 * (sigma along k~1, sigma / gamma along k~2), whatever the orientation. The envelope at the box edge is at
 * most exp(-d^2 / 2) (3.4e-4 for d = 4) of its centre value. The manual (v9) instead gives the phantoms an
 * image-sized support (M_i = N_i + 1 for even N_i, else N_i); such a rule makes the response of a voxel
 * depend on the size of the image around it (a crop of the image around the ROI would change the map) and
 * costs transforms of twice the image size. Its earlier rule, M = 1 + 2 floor(d sigma + 0.5), or with
 * gamma sigma when gamma > 1, cuts the envelope too short along k~2 when gamma < 1 (where its width is
 * sigma / gamma): with it (half support 20 voxels) 208 voxels of test 4.a.1 miss the reference by more than
 * 1 % of its range (up to 6.6 %). The rule above reproduces the four phase 1 reference maps
 * (tests/unit/test_filter_gabor.c; worst |diff| / range 3e-8, 3e-8, 1.1e-4 and 9.0e-4 for 4.a.1, 4.a.2, 4.b.1,
 * 4.b.2) and gives a finite reach (vx_filter_reach), so that filtering the ROI box plus the reach is exact.
 *
 * Orientations (rotation invariance, f->rot_invariant): theta_i = i delta_theta for i = 0, 1, ... while
 * theta_i < 2 pi (within 1e-9), pooled per voxel (max, average or min of the moduli, in increasing i). As
 * g at theta + pi is the complex conjugate of g at theta, a real image has the same modulus under both; when
 * delta_theta divides 2 pi into an even number of steps only the first half is computed (same max, min and
 * average).
 *
 * Planes: a 2D filter acts on every axial (x, y) slice on its own, (k1, k2) = (x, y). With f->orthogonal the
 * 2D response (orientations pooled) is also computed on every coronal (x, z) slice, (k1, k2) = (x, z), and
 * every sagittal (y, z) slice, (k1, k2) = (y, z) (the lower array axis is k1 and indices grow along k1 and
 * k2, as in the axial plane), and the three maps are averaged voxel by voxel ((axial + coronal + sagittal) / 3).
 * Gabor is a 2D filter: dim 3 is accepted only with orthogonal planes (its 3D approximation).
 *
 * Computation: per plane, one FFT per slice of the slice padded under f->pad by (r1, r2) (zero-extended to a
 * fast size), times the half spectra of Re g and Im g of each orientation (made once per plane and orientation),
 * two inverse real FFTs per slice and orientation; plans come from the cache. Slices run in parallel under
 * OpenMP, each writing its own voxels, so the map does not depend on the thread count. Orientations are
 * processed in chunks whose kernel spectra fit 64 MiB.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <fftw3.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "filter_impl.h"

#define GABOR_MAX_ORIENTATIONS 1024
#define GABOR_SPECTRA_BUDGET ((size_t)64 << 20)

static const double TWO_PI = 6.283185307179586476925286766559;

/* half support in voxels along an axis of spacing s (mm) */
static size_t gabor_radius(const vx_filter_spec *f, double s)
{
    const double smax = f->sigma_mm * fmax(1.0, 1.0 / f->gamma);
    const double r = floor(f->truncate * smax / s + 0.5);
    return r < 0.0 ? 0 : r > 1e9 ? (size_t)1e9 : (size_t)r;
}

/* number of orientations computed: 1 without rotation invariance; else the n orientations i delta_theta < 2 pi,
 * or their first half when n is even and n delta_theta = 2 pi (the second half are the theta + pi of the first) */
static int gabor_orientations(const vx_filter_spec *f)
{
    if (!f->rot_invariant)
        return 1;
    const double q = TWO_PI / f->delta_theta;
    int n = (int)ceil(q - 1e-9);
    if (n < 1)
        n = 1;
    return n % 2 == 0 && fabs(q - n) < 1e-9 ? n / 2 : n;
}

void vxf_gabor_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    for (int a = 0; a < 3; a++)
        reach[a] = gabor_radius(f, spacing[a]);
    if (!f->orthogonal)
        reach[2] = 0;
}

int vxf_gabor_check(const vx_filter_spec *f, vx_error *err)
{
    if (!(f->sigma_mm > 0.0) || !isfinite(f->sigma_mm))
        return vx_error_set(err, VX_EINVAL, "filter gabor: scale sigma %g mm; it must be a positive number of mm",
                            f->sigma_mm);
    if (!(f->lambda_mm > 0.0) || !isfinite(f->lambda_mm))
        return vx_error_set(err, VX_EINVAL, "filter gabor: wavelength lambda %g mm; it must be a positive number of mm",
                            f->lambda_mm);
    if (!(f->gamma > 0.0) || !isfinite(f->gamma))
        return vx_error_set(err, VX_EINVAL, "filter gabor: aspect ratio gamma %g; it must be positive (1: circular)",
                            f->gamma);
    if (!(f->truncate > 0.0) || !isfinite(f->truncate) || f->truncate > 100.0)
        return vx_error_set(err, VX_EINVAL, "filter gabor: truncation %g (in units of sigma); use a value in (0, 100], "
                            "4 by default", f->truncate);
    if (f->rot_invariant != 0 && f->rot_invariant != 1)
        return vx_error_set(err, VX_EINVAL, "filter gabor: rotation invariance %d; use 0 or 1", f->rot_invariant);
    if (f->orthogonal != 0 && f->orthogonal != 1)
        return vx_error_set(err, VX_EINVAL, "filter gabor: orthogonal planes %d; use 0 or 1", f->orthogonal);
    if (f->rot_invariant) {
        if (!(f->delta_theta > 0.0) || !isfinite(f->delta_theta) || f->delta_theta > TWO_PI + 1e-12)
            return vx_error_set(err, VX_EINVAL, "filter gabor: orientation step delta theta %g rad; with rotation "
                                "invariance it must be in (0, 2 pi], e.g. pi/8 = 0.3927", f->delta_theta);
        if (TWO_PI / f->delta_theta > GABOR_MAX_ORIENTATIONS + 1e-9)
            return vx_error_set(err, VX_EINVAL, "filter gabor: orientation step delta theta %g rad gives more than %d "
                                "orientations; use a step of at least 2 pi / %d", f->delta_theta,
                                GABOR_MAX_ORIENTATIONS, GABOR_MAX_ORIENTATIONS);
    } else if (!isfinite(f->theta)) {
        return vx_error_set(err, VX_EINVAL, "filter gabor: orientation theta must be a finite angle in rad");
    }
    if (f->dim == 3 && !f->orthogonal)
        return vx_error_set(err, VX_EINVAL, "filter gabor: Gabor is a 2D filter; use dim 2 (axial slices), or "
                            "orthogonal planes for its 3D approximation");
    return VX_OK;
}

/* ---- one plane ------------------------------------------------------------------------------------------- */
typedef struct gplane {
    int a0, a1, a2;        /* in-plane axes (k1, k2) and the slice axis */
    size_t n0, n1, ns;     /* voxels along a0, a1, a2 */
    size_t st0, st1, sts;  /* strides of a0, a1, a2 in the volume */
    size_t r0, r1;         /* kernel half support along a0, a1 */
    size_t L0, L1, hx;     /* transform size (L0 fastest) and half-spectrum width L0 / 2 + 1 */
    ptrdiff_t *ix0, *ix1;  /* padded position -> image index (-1: the constant) along a0, a1 */
    const vx_fft_plan *fwd, *inv;
} gplane;

/* per-thread scratch */
typedef struct gwork {
    double *rb, *re, *im;
    fftw_complex *F, *T;
} gwork;

static void gwork_free(gwork *w)
{
    fftw_free(w->rb);
    fftw_free(w->re);
    fftw_free(w->im);
    fftw_free(w->F);
    fftw_free(w->T);
    memset(w, 0, sizeof *w);
}

static int gwork_alloc(gwork *w, const gplane *p)
{
    const size_t nr = p->L0 * p->L1, nc = p->hx * p->L1;
    w->rb = fftw_malloc(nr * sizeof(double));
    w->re = fftw_malloc(nr * sizeof(double));
    w->im = fftw_malloc(nr * sizeof(double));
    w->F = fftw_malloc(nc * sizeof(fftw_complex));
    w->T = fftw_malloc(nc * sizeof(fftw_complex));
    if (!w->rb || !w->re || !w->im || !w->F || !w->T) {
        gwork_free(w);
        return -1;
    }
    return 0;
}

/* the half spectra of Re g and Im g at orientation theta, scaled by 1 / (L0 L1), into Kr, Ki (w: scratch) */
static int gabor_kernel_spectrum(const vx_filter_spec *f, const gplane *p, double s0, double s1, double theta,
                                 gwork *w, fftw_complex *Kr, fftw_complex *Ki, vx_error *err)
{
    const double ct = cos(theta), st = sin(theta), g2 = f->gamma * f->gamma;
    const double inv2s2 = 1.0 / (2.0 * f->sigma_mm * f->sigma_mm), k = TWO_PI / f->lambda_mm;
    const double norm = 1.0 / ((double)p->L0 * (double)p->L1);
    const size_t nr = p->L0 * p->L1, nc = p->hx * p->L1;
    memset(w->re, 0, nr * sizeof(double));
    memset(w->im, 0, nr * sizeof(double));
    for (ptrdiff_t q = -(ptrdiff_t)p->r1; q <= (ptrdiff_t)p->r1; q++) {
        const size_t row = (size_t)(q < 0 ? q + (ptrdiff_t)p->L1 : q) * p->L0;
        const double y = (double)q * s1;
        for (ptrdiff_t u = -(ptrdiff_t)p->r0; u <= (ptrdiff_t)p->r0; u++) {
            const double x = (double)u * s0;
            const double t1 = ct * x + st * y, t2 = st * x - ct * y;
            const double env = exp(-(t1 * t1 + g2 * t2 * t2) * inv2s2) * norm, ph = k * t1;
            const size_t i = row + (size_t)(u < 0 ? u + (ptrdiff_t)p->L0 : u);
            w->re[i] = env * cos(ph);
            w->im[i] = env * sin(ph);
        }
    }
    int rc = vx_fft_execute(p->fwd, w->re, w->T, err);
    if (rc == VX_OK)
        memcpy(Kr, w->T, nc * sizeof *Kr);
    if (rc == VX_OK && (rc = vx_fft_execute(p->fwd, w->im, w->T, err)) == VX_OK)
        memcpy(Ki, w->T, nc * sizeof *Ki);
    return rc;
}

static void spectrum_product(const fftw_complex *F, const fftw_complex *K, fftw_complex *T, size_t nc)
{
    for (size_t i = 0; i < nc; i++) {
        T[i][0] = F[i][0] * K[i][0] - F[i][1] * K[i][1];
        T[i][1] = F[i][0] * K[i][1] + F[i][1] * K[i][0];
    }
}

/* one slice t: its padded spectrum, then for each of the nk orientations (the first has global index o0) the
 * modulus, pooled into acc (the plane's map, volume layout) */
static int gabor_slice(const vx_filter_spec *f, const gplane *p, const double *in, size_t t, const fftw_complex *Kr,
                       const fftw_complex *Ki, int o0, int nk, gwork *w, double *acc, vx_error *err)
{
    const size_t nr = p->L0 * p->L1, nc = p->hx * p->L1;
    const double cval = f->pad_value;
    const double *sl = in + t * p->sts;
    memset(w->rb, 0, nr * sizeof(double));
    for (size_t j = 0; j < p->n1 + 2 * p->r1; j++) {
        double *o = w->rb + j * p->L0;
        const ptrdiff_t iy = p->ix1[j];
        if (iy < 0) {
            for (size_t i = 0; i < p->n0 + 2 * p->r0; i++)
                o[i] = cval;
            continue;
        }
        const double *row = sl + (size_t)iy * p->st1;
        for (size_t i = 0; i < p->n0 + 2 * p->r0; i++) {
            const ptrdiff_t ix = p->ix0[i];
            o[i] = ix < 0 ? cval : row[(size_t)ix * p->st0];
        }
    }
    int rc = vx_fft_execute(p->fwd, w->rb, w->F, err);
    for (int k = 0; k < nk && rc == VX_OK; k++) {
        spectrum_product(w->F, Kr + (size_t)k * nc, w->T, nc);
        if ((rc = vx_fft_execute(p->inv, w->T, w->re, err)) != VX_OK)
            break;
        spectrum_product(w->F, Ki + (size_t)k * nc, w->T, nc);
        if ((rc = vx_fft_execute(p->inv, w->T, w->im, err)) != VX_OK)
            break;
        const int first = o0 + k == 0;
        for (size_t v = 0; v < p->n1; v++) {
            const double *re = w->re + (v + p->r1) * p->L0 + p->r0, *im = w->im + (v + p->r1) * p->L0 + p->r0;
            double *a = acc + t * p->sts + v * p->st1;
            for (size_t u = 0; u < p->n0; u++) {
                const double m = sqrt(re[u] * re[u] + im[u] * im[u]);
                double *d = a + u * p->st0;
                if (first)
                    *d = m;
                else if (f->pooling == VX_POOL_AVERAGE)
                    *d += m;
                else if (f->pooling == VX_POOL_MAX)
                    *d = m > *d ? m : *d;
                else
                    *d = m < *d ? m : *d;
            }
        }
    }
    return rc;
}

/* the pooled 2D response over the slices of plane (a0, a1) into acc (all dims voxels written) */
static int gabor_plane(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                       const double spacing[3], int a0, int a1, double *acc, vx_error *err)
{
    const size_t stride[3] = {1, dims[0], dims[0] * dims[1]};
    gplane p = {0};
    p.a0 = a0, p.a1 = a1, p.a2 = 3 - a0 - a1;
    p.n0 = dims[a0], p.n1 = dims[a1], p.ns = dims[p.a2];
    p.st0 = stride[a0], p.st1 = stride[a1], p.sts = stride[p.a2];
    p.r0 = gabor_radius(f, spacing[a0]), p.r1 = gabor_radius(f, spacing[a1]);
    if (p.r0 > (size_t)INT_MAX / 8 - p.n0 || p.r1 > (size_t)INT_MAX / 8 - p.n1)
        return vx_error_set(err, VX_EINVAL, "filter gabor: kernel of half support %zu x %zu voxels is too large; "
                            "lower sigma or the truncation", p.r0, p.r1);
    p.L0 = vx_fft_good_size(p.n0 + 2 * p.r0, 0), p.L1 = vx_fft_good_size(p.n1 + 2 * p.r1, 0);
    p.hx = p.L0 / 2 + 1;
    const size_t nc = p.hx * p.L1;
    if (p.L0 > (size_t)INT_MAX / 4 || p.L1 > (size_t)INT_MAX / 4 || nc / p.L1 != p.hx ||
        nc > SIZE_MAX / (4 * sizeof(fftw_complex)))
        return vx_error_set(err, VX_EINVAL, "filter gabor: a %zu x %zu transform per slice is too large", p.L0, p.L1);

    const int ncomp = gabor_orientations(f);
    size_t chunk = GABOR_SPECTRA_BUDGET / (2 * nc * sizeof(fftw_complex));
    if (chunk < 1)
        chunk = 1;
    if (chunk > (size_t)ncomp)
        chunk = (size_t)ncomp;
    int rc = VX_OK;
    gwork w0 = {0};
    fftw_complex *Kr = fftw_malloc(chunk * nc * sizeof *Kr), *Ki = fftw_malloc(chunk * nc * sizeof *Ki);
    p.ix0 = malloc((p.n0 + 2 * p.r0) * sizeof *p.ix0);
    p.ix1 = malloc((p.n1 + 2 * p.r1) * sizeof *p.ix1);
    if (!Kr || !Ki || !p.ix0 || !p.ix1 || gwork_alloc(&w0, &p)) {
        rc = vx_error_set(err, VX_ENOMEM, "filter gabor: out of memory for %zu x %zu transforms", p.L0, p.L1);
        goto done;
    }
    for (size_t i = 0; i < p.n0 + 2 * p.r0; i++)
        p.ix0[i] = vx_pad_index((ptrdiff_t)i - (ptrdiff_t)p.r0, p.n0, f->pad);
    for (size_t j = 0; j < p.n1 + 2 * p.r1; j++)
        p.ix1[j] = vx_pad_index((ptrdiff_t)j - (ptrdiff_t)p.r1, p.n1, f->pad);
    const int l0 = (int)p.L0, l1 = (int)p.L1, ihx = (int)p.hx;
    const vx_fft_dim fd[2] = {{l1, l0, ihx}, {l0, 1, 1}}, id[2] = {{l1, ihx, l0}, {l0, 1, 1}};
    if ((rc = vx_fft_plan_get(c, VX_FFT_R2C, 2, fd, 0, NULL, w0.rb, w0.F, VX_FFT_PRESERVE_INPUT, &p.fwd, err)) ||
        (rc = vx_fft_plan_get(c, VX_FFT_C2R, 2, id, 0, NULL, w0.T, w0.re, VX_FFT_DESTROY_INPUT, &p.inv, err)))
        goto done;

    for (int o0 = 0; o0 < ncomp && rc == VX_OK; o0 += (int)chunk) {
        const int nk = ncomp - o0 < (int)chunk ? ncomp - o0 : (int)chunk;
        for (int k = 0; k < nk && rc == VX_OK; k++) {
            const double theta = f->rot_invariant ? (double)(o0 + k) * f->delta_theta : f->theta;
            rc = gabor_kernel_spectrum(f, &p, spacing[a0], spacing[a1], theta, &w0, Kr + (size_t)k * nc,
                                       Ki + (size_t)k * nc, err);
        }
        if (rc != VX_OK)
            break;
        int fail = 0;
        vx_error terr;
        vx_error_clear(&terr);
#pragma omp parallel reduction(| : fail) if (p.ns > 1)
        {
            gwork w = w0, own = {0};
#ifdef _OPENMP
            if (omp_get_thread_num() != 0) {
                if (gwork_alloc(&own, &p))
                    fail = 1;
                w = own;
            }
#endif
#pragma omp for schedule(dynamic, 1)
            for (size_t t = 0; t < p.ns; t++) {
                if (fail)
                    continue;
                vx_error e;
                if (gabor_slice(f, &p, in, t, Kr, Ki, o0, nk, &w, acc, &e) != VX_OK) {
#pragma omp critical(vx_gabor_err)
                    terr = e;
                    fail = 1;
                }
            }
            gwork_free(&own);
        }
        if (fail)
            rc = terr.code != VX_OK ? vx_error_set(err, terr.code, "%s", terr.msg)
                                    : vx_error_set(err, VX_ENOMEM, "filter gabor: out of memory for a thread's "
                                                   "%zu x %zu transforms", p.L0, p.L1);
    }
    if (rc == VX_OK && f->rot_invariant && f->pooling == VX_POOL_AVERAGE) {
        const size_t nv = dims[0] * dims[1] * dims[2];
        for (size_t i = 0; i < nv; i++)
            acc[i] /= (double)ncomp;
    }
done:
    gwork_free(&w0);
    fftw_free(Kr);
    fftw_free(Ki);
    free(p.ix0);
    free(p.ix1);
    return rc;
}

int vxf_gabor_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                    const double spacing[3], double *out, vx_error *err)
{
    vx_fft_cache *own = NULL;
    int rc = VX_OK;
    if (!c) {
        if ((rc = vx_fft_cache_new(&own, err)) != VX_OK)
            return rc;
        c = own;
    }
    rc = gabor_plane(c, f, in, dims, spacing, 0, 1, out, err);
    if (rc == VX_OK && f->orthogonal) {
        const size_t nv = dims[0] * dims[1] * dims[2];
        double *pm = malloc(nv * sizeof *pm);
        if (!pm)
            rc = vx_error_set(err, VX_ENOMEM, "filter gabor: out of memory for a %zu x %zu x %zu map", dims[0],
                              dims[1], dims[2]);
        if (rc == VX_OK && (rc = gabor_plane(c, f, in, dims, spacing, 0, 2, pm, err)) == VX_OK)
            for (size_t i = 0; i < nv; i++)
                out[i] += pm[i];
        if (rc == VX_OK && (rc = gabor_plane(c, f, in, dims, spacing, 1, 2, pm, err)) == VX_OK)
            for (size_t i = 0; i < nv; i++)
                out[i] = (out[i] + pm[i]) / 3.0;
        free(pm);
    }
    vx_fft_cache_free(own);
    return rc;
}
