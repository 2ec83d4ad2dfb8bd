/* voxomics: Moran's I index (IBSI N365) and Geary's C measure (IBSI NPT7) of the intensity mask.
 *
 *   Moran's I = N / W * sum_{k1 != k2} w_{k1k2} (X_k1 - mu)(X_k2 - mu) / sum_k (X_k - mu)^2
 *   Geary's C = (N - 1) / (2 W) * sum_{k1 != k2} w_{k1k2} (X_k1 - X_k2)^2 / sum_k (X_k - mu)^2
 *   W = sum_{k1 != k2} w_{k1k2},  w_{k1k2} = 1 / ||r_k1 - r_k2||_2 (voxel centres in mm)
 *
 * with N voxels in the intensity mask, intensities X and their mean mu. Both sums are over ordered pairs.
 *
 * Exact evaluation in O(box log box) instead of O(N^2). With m the 0/1 intensity mask, y = (X - mu) m and
 * the kernel K(d) = 1 / ||d|| (K(0) = 0) over voxel offsets d, all pair sums are quadratic forms of K:
 *   W = sum_i m_i (K * m)_i,   B = sum_i y_i (K * y)_i   (Moran numerator),
 *   C = sum_i y_i^2 (K * m)_i, sum w (X_k1 - X_k2)^2 = sum w (y_k1 - y_k2)^2 = 2 C - 2 B   (Geary numerator).
 * With the data zero-padded to a period L_a >= 2 n_a - 2 per axis (n_a: mask extent) the linear
 * correlation equals the cyclic one, because K is even: the offsets n_a - 1 and -(n_a - 1), which share a
 * cyclic index when L_a = 2 n_a - 2, carry the same weight. By Parseval, sum_i a_i (K * b)_i =
 * (1 / L^3) sum_k Khat_k A_k conj(B_k), Khat real and even per axis. So the numerators need the spectra of
 * m, y and y^2 only (no inverse transform) and Khat, which is a type-I DCT of the first octant of K.
 *
 * The data transforms are pruned: an r2c pass along x over the n_y n_z non-zero rows, then per x-frequency
 * plane a pass along y over the n_z non-zero columns (z the contiguous axis of a plane, so the y transforms
 * run side by side on consecutive columns) and a full pass along z. Round 0 transforms m and y^2
 * (giving W and C), round 1 transforms y (giving B), so only two spectra are held at a time; should they
 * exceed VX_MORAN_MAX_SPEC bytes, the x frequencies are taken a residue class mod c at a time, c a divisor of
 * L_x (L_x may grow a little for a smooth size with a small such divisor): the x pass of a class folds each
 * row (x mod L_x / c, with twiddles; only the x range of the row's mask voxels) and transforms it with length
 * L_x / c instead of L_x (classes c - k mirror classes k: about c / 2 + 1 are taken). Round 0 reads the image
 * once for both of its quantities. Each plane's sums are kept apart and added in plane
 * order, so the result does not depend on the number of threads (planes are shared out with OpenMP when
 * threads > 1); with classes the x transforms are factored differently (rounding-level differences). The transforms
 * run on plans of the FFT module (src/filter/fft.c, voxomics/filter.h): FFTW_ESTIMATE plans
 * (VX_FFT_PRESERVE_INPUT where zero padding must survive) from the plan cache the ROI carries (roi->fft; one
 * made for the call when it is NULL), executed with the new-array functions, so repeated evaluations plan
 * once and the planner runs under the module's lock.
 *
 * Small regions use the direct O(N^2) double sum instead (cost model in vx_morph_moran_geary_ex); both
 * are exact, they agree to about 1e-15 (relative) in the unit tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feature/morph_impl.h"
#include "voxomics/filter.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Voxels of the intensity mask: tight bounds, count, mean and the second central moment. */
typedef struct moran_data {
    size_t lo[3], n[3], count;
    double mu, s2;
} moran_data;

static void moran_scan(const vx_roi *roi, moran_data *d)
{
    size_t lo[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, hi[3] = {0, 0, 0}, cnt = 0;
    double sum = 0.0, vmin = INFINITY, vmax = -INFINITY;
    const size_t nx = roi->dims[0], ny = roi->dims[1];
    for (size_t z = roi->box_lo[2]; z < roi->box_hi[2]; z++)
        for (size_t y = roi->box_lo[1]; y < roi->box_hi[1]; y++)
            for (size_t x = roi->box_lo[0]; x < roi->box_hi[0]; x++) {
                size_t i = x + nx * (y + ny * z);
                if (!roi->imask[i])
                    continue;
                size_t c[3] = {x, y, z};
                for (int a = 0; a < 3; a++) {
                    if (c[a] < lo[a])
                        lo[a] = c[a];
                    if (c[a] + 1 > hi[a])
                        hi[a] = c[a] + 1;
                }
                cnt++;
                sum += roi->img[i];
                vmin = roi->img[i] < vmin ? roi->img[i] : vmin;
                vmax = roi->img[i] > vmax ? roi->img[i] : vmax;
            }
    d->count = cnt;
    /* equal intensities: the mean is that value exactly, every deviation and s2 exactly 0 */
    d->mu = cnt ? (vmin == vmax ? vmin : sum / (double)cnt) : NAN;
    double s2 = 0.0;
    for (int a = 0; a < 3; a++) {
        d->lo[a] = cnt ? lo[a] : 0;
        d->n[a] = cnt ? hi[a] - lo[a] : 0;
    }
    for (size_t z = 0; z < d->n[2]; z++)
        for (size_t y = 0; y < d->n[1]; y++)
            for (size_t x = 0; x < d->n[0]; x++) {
                size_t i = (x + d->lo[0]) + nx * ((y + d->lo[1]) + ny * (z + d->lo[2]));
                if (roi->imask[i]) {
                    double v = roi->img[i] - d->mu;
                    s2 += v * v;
                }
            }
    d->s2 = s2;
}

static void moran_finish(const moran_data *d, double W, double B, double G, double *moran, double *geary)
{
    double n = (double)d->count;
    if (d->count < 2 || !(W > 0.0) || !(d->s2 > 0.0)) {
        *moran = NAN;
        *geary = NAN;
        return;
    }
    *moran = n / W * B / d->s2;
    *geary = (n - 1.0) / (2.0 * W) * G / d->s2;
}

/* ---- direct O(N^2) sums ------------------------------------------------------------------------------ */
static int moran_direct(const vx_roi *roi, const moran_data *d, double *moran, double *geary, vx_error *err)
{
    size_t n = d->count;
    double *p = malloc(4 * (n ? n : 1) * sizeof *p);
    if (!p)
        return vx_error_set(err, VX_ENOMEM, "morphology: out of memory for Moran's I (%zu voxels)", n);
    size_t k = 0;
    const size_t nx = roi->dims[0], ny = roi->dims[1];
    for (size_t z = 0; z < d->n[2]; z++)
        for (size_t y = 0; y < d->n[1]; y++)
            for (size_t x = 0; x < d->n[0]; x++) {
                size_t i = (x + d->lo[0]) + nx * ((y + d->lo[1]) + ny * (z + d->lo[2]));
                if (!roi->imask[i])
                    continue;
                p[4 * k + 0] = (double)x * roi->spacing[0];
                p[4 * k + 1] = (double)y * roi->spacing[1];
                p[4 * k + 2] = (double)z * roi->spacing[2];
                p[4 * k + 3] = roi->img[i] - d->mu;
                k++;
            }
    /* ordered pairs: twice the sum over i < j */
    double W = 0.0, B = 0.0, G = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double *a = p + 4 * i;
        double wi = 0.0, bi = 0.0, gi = 0.0;
        for (size_t j = i + 1; j < n; j++) {
            const double *b = p + 4 * j;
            double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
            double w = 1.0 / sqrt(dx * dx + dy * dy + dz * dz);
            double dv = a[3] - b[3];
            wi += w;
            bi += w * b[3];
            gi += w * dv * dv;
        }
        W += wi;
        B += a[3] * bi;
        G += gi;
    }
    free(p);
    moran_finish(d, 2.0 * W, 2.0 * B, 2.0 * G, moran, geary);
    return VX_OK;
}

/* ---- FFT ----------------------------------------------------------------------------------------------- */

/* Smallest even 2^a 3^b 5^c 7^d >= n (n >= 2). */
static size_t good_size(size_t n)
{
    return vx_fft_good_size(n, 1);
}

static void *fft_calloc(size_t n, size_t sz)
{
    void *p = fftw_malloc(n * sz > 0 ? n * sz : 1);
    if (p)
        memset(p, 0, n * sz);
    return p;
}

/* Rows per batched 1D transform: the row buffers stay small and cache-resident. */
enum { MORAN_CHUNK = 128 };

/* Batched r2c of rows of length n (distance n apart), from the cache. flags: VX_FFT_PRESERVE_INPUT where the
 * input's zero padding must survive (FFTW may otherwise use an out-of-place transform's input as scratch). */
static int plan_r2c(vx_fft_cache *c, int n, int rows, int os, int odist, double *in, fftw_complex *out,
                    unsigned flags, const vx_fft_plan **p, vx_error *err)
{
    const vx_fft_dim d = {n, 1, os}, h = {rows, n, odist};
    return vx_fft_plan_get(c, VX_FFT_R2C, 1, &d, 1, &h, in, out, flags, p, err);
}

/* Type-I DCT of the kernel octant along all three axes, in place: kt[iz + oz (iy + oy ix)]. A DCT-I of length o
 * is the real part of the DFT of the even extension of period L = 2 (o - 1). The passes go along z, y, x; each
 * takes the lines of its axis MORAN_CHUNK at a time, neighbours in memory (lines l = b + inner * a of the
 * array seen as [outer a][n0][inner b]): gathered and extended, one batched r2c, scattered back in place. */
static int kernel_dct(vx_fft_cache *cache, double *kt, const size_t oct[3], vx_error *err)
{
    size_t maxo = oct[0] > oct[1] ? oct[0] : oct[1];
    maxo = maxo > oct[2] ? maxo : oct[2];
    double *ext = fftw_malloc(MORAN_CHUNK * 2 * maxo * sizeof *ext);
    fftw_complex *out = fftw_malloc(MORAN_CHUNK * maxo * sizeof *out);
    size_t base[MORAN_CHUNK];
    int rc = VX_OK;
    if (!ext || !out) {
        rc = vx_error_set(err, VX_ENOMEM, "morphology: out of memory for the Moran's I kernel");
        goto done;
    }
    for (int axis = 2; axis >= 0; axis--) {
        const size_t n0 = oct[axis], inner = axis == 2 ? 1 : axis == 1 ? oct[2] : oct[1] * oct[2];
        const size_t lines = oct[0] * oct[1] * oct[2] / n0;
        if (n0 < 2)
            continue; /* length 1: the DCT-I is the identity */
        const size_t L = 2 * (n0 - 1), h = L / 2 + 1, rest = lines % MORAN_CHUNK;
        const vx_fft_plan *pf = NULL, *pr = NULL;
        rc = plan_r2c(cache, (int)L, MORAN_CHUNK, 1, (int)h, ext, out, 0, &pf, err);
        if (rc == VX_OK && rest)
            rc = plan_r2c(cache, (int)L, (int)rest, 1, (int)h, ext, out, 0, &pr, err);
        if (rc != VX_OK) {
            vx_error_prefix(err, "morphology: Moran's I kernel: ");
            goto done;
        }
        for (size_t l0 = 0; l0 < lines; l0 += MORAN_CHUNK) {
            const size_t nr = lines - l0 < MORAN_CHUNK ? lines - l0 : MORAN_CHUNK;
            for (size_t r = 0; r < nr; r++)
                base[r] = (l0 + r) / inner * n0 * inner + (l0 + r) % inner;
            for (size_t t = 0; t < n0; t++)
                for (size_t r = 0; r < nr; r++)
                    ext[L * r + t] = kt[base[r] + inner * t];
            for (size_t r = 0; r < nr; r++)
                for (size_t t = n0; t < L; t++)
                    ext[L * r + t] = ext[L * r + L - t];
            if ((rc = vx_fft_execute(nr == MORAN_CHUNK ? pf : pr, ext, out, err)) != VX_OK)
                goto done;
            for (size_t t = 0; t < n0; t++)
                for (size_t r = 0; r < nr; r++)
                    kt[base[r] + inner * t] = out[h * r + t][0];
        }
    }
done:
    fftw_free(ext);
    fftw_free(out);
    return rc;
}

typedef struct moran_fft {
    size_t n[3], L[3], hx, oct[3];
    size_t c, M;         /* c > 1: the x frequencies taken a residue class mod c at a time, M = L[0] / c each */
    size_t nk;           /* the x-frequency planes held in spec: kxs[0..nk), columns xcol[..] of an xbuf row */
    size_t *kxs, *xcol;
    size_t xrow;         /* length of an xbuf row: hx (c = 1) or M */
    double *kt;          /* kernel spectrum on the octant, kt[iz + oz (iy + oy ix)] */
    fftw_complex *spec;  /* after the x pass: up to 2 quantities x nk planes x (n[1] x n[2]), kx slowest */
    fftw_complex *xbuf;  /* x-pass output of a chunk of rows, MORAN_CHUNK x xrow */
    fftw_complex *fin;   /* c > 1: the rows folded for one class, MORAN_CHUNK x M */
    fftw_complex *tw;    /* c > 1: exp(-2 pi i x k2 / L[0]) for x < n[0], k2 the class being taken */
    uint32_t *ext;       /* per row (y, z): the x range [ext[2 r], ext[2 r + 1]) of its mask voxels (empty: 0, 0) */
    const vx_fft_plan *py, *pz;
} moran_fft;

/* Class k2 of the x frequencies, the rows r0 .. r0 + nr - 1 (in rin from its start) folded: fin[x mod M] += rin[x] exp(-2 pi i x k2 / L[0]),
 * so that the length-M DFT of fin gives the row's frequencies k2 + c k1, k1 < M. */
static void moran_fold(const moran_fft *f, const double *rin, fftw_complex *fin, size_t r0, size_t nr)
{
    const size_t Lx = f->L[0], M = f->M;
    for (size_t r = 0; r < nr; r++) {
        const double *row = rin + Lx * r;
        fftw_complex *fr = fin + M * r;
        const size_t x1 = f->ext[2 * (r0 + r) + 1];
        memset(fr, 0, M * sizeof *fr);
        for (size_t x = f->ext[2 * (r0 + r)], m = x % M; x < x1; x++, m = m + 1 == M ? 0 : m + 1)
            if (row[x] != 0.0) {
                fr[m][0] += row[x] * f->tw[x][0];
                fr[m][1] += row[x] * f->tw[x][1];
            }
    }
}

/* x pass (along x, in chunks of rows) of round 0's two quantities m and y^2 (nq = 2), read from the image
 * together, or of round 1's y = (X - mu) m (nq = 1): the planes kxs[0..nk) of quantity j into out[j] (plane-major; rows y-major, z
 * fastest). c = 1: r2c of the rows; c > 1: the rows folded for the class (moran_fold) and a c2c of length M.
 * The transforms write into xbuf, the planes wanted are copied from there a block of rows at a time. rin (and
 * fin) hold nq blocks of MORAN_CHUNK rows. */
static int moran_xpass(const vx_roi *roi, const moran_data *d, const moran_fft *f, const vx_fft_plan *pf,
                       const vx_fft_plan *pr, double *rin, int nq, fftw_complex *const *out,
                       vx_error *err)
{
    const size_t nx = f->n[0], nz = f->n[2], Lx = f->L[0], rows = f->n[1] * nz, xrow = f->xrow;
    const size_t gx = roi->dims[0], gy = roi->dims[1];
    for (size_t r0 = 0; r0 < rows; r0 += MORAN_CHUNK) {
        size_t nr = rows - r0 < MORAN_CHUNK ? rows - r0 : MORAN_CHUNK;
        for (size_t r = 0; r < nr; r++) {
            size_t y = (r0 + r) / nz, z = (r0 + r) % nz; /* rows z fastest */
            size_t i0 = d->lo[0] + gx * ((y + d->lo[1]) + gy * (z + d->lo[2]));
            const size_t x0 = f->ext[2 * (r0 + r)], x1 = f->ext[2 * (r0 + r) + 1];
            for (int j = 0; j < nq; j++) { /* zero outside the row's mask voxels, and row[nx..Lx) stays zero */
                double *row = rin + Lx * (r + MORAN_CHUNK * (size_t)j);
                memset(row, 0, x0 * sizeof *row);
                memset(row + x1, 0, (nx - x1) * sizeof *row);
            }
            double *a = rin + Lx * r, *b = a + MORAN_CHUNK * Lx;
            const uint8_t *mk = roi->imask + i0;
            const float *im = roi->img + i0;
            if (nq == 2) /* round 0: m and y^2 */
                for (size_t x = x0; x < x1; x++) {
                    const double yv = mk[x] ? im[x] - d->mu : 0.0;
                    a[x] = mk[x] ? 1.0 : 0.0;
                    b[x] = yv * yv;
                }
            else /* round 1: y */
                for (size_t x = x0; x < x1; x++)
                    a[x] = mk[x] ? im[x] - d->mu : 0.0;
        }
        for (int j = 0; j < nq; j++) {
            double *in = rin + (size_t)j * MORAN_CHUNK * Lx;
            fftw_complex *fin = f->fin ? f->fin + (size_t)j * MORAN_CHUNK * f->M : NULL;
            if (f->c > 1)
                moran_fold(f, in, fin, r0, nr);
            if (vx_fft_execute(nr == MORAN_CHUNK ? pf : pr, f->c > 1 ? (void *)fin : (void *)in, f->xbuf, err))
                return err ? err->code : VX_EINVAL;
            /* transposed into the planes: nr consecutive values per plane */
            for (size_t k = 0; k < f->nk; k++) {
                fftw_complex *o = out[j] + k * rows + r0;
                const fftw_complex *xb = f->xbuf + f->xcol[k];
                for (size_t r = 0; r < nr; r++) {
                    o[r][0] = xb[r * xrow][0];
                    o[r][1] = xb[r * xrow][1];
                }
            }
        }
    }
    return VX_OK;
}

/* One row of the spectral products: s[u] += sum over kz = u (mod 4) of Khat(kz) Re(B[kz] conj(A[kz])), with
 * Khat(kz) = kr[kz] for kz < oz and kr[Lz - kz] above (Khat is even in kz). */
static void row_sum(const double *kr, size_t oz, size_t Lz, const fftw_complex *B, const fftw_complex *A,
                    double s[4])
{
    double t[4] = {s[0], s[1], s[2], s[3]}; /* local: s may alias the inputs, so it would be reloaded per term */
    size_t kz = 0;
    for (; kz + 4 <= oz; kz += 4)
        for (size_t u = 0; u < 4; u++)
            t[u] += kr[kz + u] * (B[kz + u][0] * A[kz + u][0] + B[kz + u][1] * A[kz + u][1]);
    for (; kz < oz; kz++)
        t[kz & 3] += kr[kz] * (B[kz][0] * A[kz][0] + B[kz][1] * A[kz][1]);
    for (; kz < Lz && (kz & 3); kz++)
        t[kz & 3] += kr[Lz - kz] * (B[kz][0] * A[kz][0] + B[kz][1] * A[kz][1]);
    for (; kz + 4 <= Lz; kz += 4)
        for (size_t u = 0; u < 4; u++)
            t[u] += kr[Lz - kz - u] * (B[kz + u][0] * A[kz + u][0] + B[kz + u][1] * A[kz + u][1]);
    for (; kz < Lz; kz++)
        t[kz & 3] += kr[Lz - kz] * (B[kz][0] * A[kz][0] + B[kz][1] * A[kz][1]);
    for (int u = 0; u < 4; u++)
        s[u] = t[u];
}

/* Plane kx: transforms along y and z of nq quantities (spec slots 0..nq-1) and the weighted spectral sums
 * out[0] = sum Khat |A0|^2 and, for nq = 2, out[1] = sum Khat Re(A1 conj(A0)). Q (L[1] rows of n[2], rows
 * y >= n[1] zero), P (L[1] rows of L[2], z >= n[2] zero) and R (nq x L[1] x L[2]) are per-thread scratch. */
static int moran_plane(const moran_fft *f, int nq, size_t j, fftw_complex *Q, fftw_complex *P, fftw_complex *R,
                       double out[2])
{
    const size_t kx = f->kxs[j], ix = kx <= f->L[0] - kx ? kx : f->L[0] - kx; /* Khat is even in kx */
    const size_t ny = f->n[1], nz = f->n[2], Ly = f->L[1], Lz = f->L[2], plane = ny * nz;
    for (int q = 0; q < nq; q++) {
        const fftw_complex *src = f->spec + ((size_t)q * f->nk + j) * plane;
        memcpy(Q, src, plane * sizeof(fftw_complex)); /* rows y < ny of Q */
        if (vx_fft_execute(f->py, Q, P, NULL) != VX_OK || vx_fft_execute(f->pz, P, R + (size_t)q * Ly * Lz, NULL))
            return -1;
    }
    const double *kp = f->kt + ix * f->oct[1] * f->oct[2];
    const size_t oz = f->oct[2];
    /* four partial sums per quantity (a fixed order: the result does not depend on the threads) */
    double s0[4] = {0.0, 0.0, 0.0, 0.0}, s1[4] = {0.0, 0.0, 0.0, 0.0};
    for (size_t ky = 0; ky < Ly; ky++) {
        const double *kr = kp + oz * (ky <= Ly - ky ? ky : Ly - ky);
        const fftw_complex *A = R + Lz * ky;
        row_sum(kr, oz, Lz, A, A, s0);
        if (nq == 2)
            row_sum(kr, oz, Lz, A + Ly * Lz, A, s1);
    }
    /* the half spectrum taken: planes 0 and L/2 appear once, the others stand for kx and -kx */
    double wt = (kx == 0 || 2 * kx == f->L[0]) ? 1.0 : 2.0;
    out[0] = wt * ((s0[0] + s0[1]) + (s0[2] + s0[3]));
    out[1] = wt * ((s1[0] + s1[1]) + (s1[2] + s1[3]));
    return 0;
}

/* Kernel octant: K(d) = 1 / ||d|| in mm, K(0) = 0, into f->kt. */
static void moran_kernel_octant(const vx_roi *roi, moran_fft *f)
{
    for (size_t i = 0; i < f->oct[0]; i++)
        for (size_t j = 0; j < f->oct[1]; j++) {
            double dx = (double)i * roi->spacing[0], dy = (double)j * roi->spacing[1];
            double *row = f->kt + f->oct[2] * (j + f->oct[1] * i);
            for (size_t k = 0; k < f->oct[2]; k++) {
                double dz = (double)k * roi->spacing[2];
                double r2 = dx * dx + dy * dy + dz * dz;
                row[k] = r2 > 0.0 ? 1.0 / sqrt(r2) : 0.0;
            }
        }
}

/* The y, z and x transforms' plans (f->py, f->pz, *pf and, for a last partial chunk of rows, *pr). */
static int moran_plans(vx_fft_cache *cache, moran_fft *f, double *rin, fftw_complex *Q0, fftw_complex *P0,
                       fftw_complex *R0, const vx_fft_plan **pf, const vx_fft_plan **pr, vx_error *err)
{
    const size_t nz = f->n[2], Lx = f->L[0], Ly = f->L[1], Lz = f->L[2], hx = f->hx;
    const size_t plane = f->n[1] * nz, rows = plane;
    const vx_fft_dim yd = {(int)Ly, (int)nz, (int)Lz}, yh = {(int)nz, 1, 1};
    const vx_fft_dim zd = {(int)Lz, 1, 1}, zh = {(int)Ly, (int)Lz, (int)Lz};
    /* the zero rows of Q and P must survive the transforms */
    int rc = vx_fft_plan_get(cache, VX_FFT_FORWARD, 1, &yd, 1, &yh, Q0, P0, VX_FFT_PRESERVE_INPUT, &f->py, err);
    if (rc == VX_OK)
        rc = vx_fft_plan_get(cache, VX_FFT_FORWARD, 1, &zd, 1, &zh, P0, R0, VX_FFT_PRESERVE_INPUT, &f->pz, err);
    /* x pass: into xbuf (rows of hx, or of M), transposed from there into the planes of spec */
    const int M = (int)f->M, last = (int)(rows % MORAN_CHUNK);
    const vx_fft_dim md = {M, 1, 1}, mh = {MORAN_CHUNK, M, M}, ml = {last, M, M};
    if (rc == VX_OK && f->c == 1)
        rc = plan_r2c(cache, (int)Lx, MORAN_CHUNK, 1, (int)hx, rin, f->xbuf, VX_FFT_PRESERVE_INPUT, pf, err);
    if (rc == VX_OK && f->c == 1 && last)
        rc = plan_r2c(cache, (int)Lx, last, 1, (int)hx, rin, f->xbuf, VX_FFT_PRESERVE_INPUT, pr, err);
    if (rc == VX_OK && f->c > 1)
        rc = vx_fft_plan_get(cache, VX_FFT_FORWARD, 1, &md, 1, &mh, f->fin, f->xbuf, 0, pf, err);
    if (rc == VX_OK && f->c > 1 && last)
        rc = vx_fft_plan_get(cache, VX_FFT_FORWARD, 1, &md, 1, &ml, f->fin, f->xbuf, 0, pr, err);
    if (rc != VX_OK)
        vx_error_prefix(err, "morphology: Moran's I transforms: ");
    return rc;
}

/* The y/z passes and kernel products of the x-frequency planes held (f->kxs) of one round, on nth threads
 * (thread 0 uses Q0, P0, R0; the others their own scratch), each plane's sums into its own slots of part.
 * Returns nonzero on a failed allocation or plan. */
static int moran_planes(moran_fft *f, int nq, int round, int nth, fftw_complex *Q0, fftw_complex *P0,
                        fftw_complex *R0, double *part)
{
    const size_t nz = f->n[2], Ly = f->L[1], Lz = f->L[2];
    int fail = 0;
#ifndef _OPENMP
    (void)nth;
    (void)nz;
    (void)Ly;
    (void)Lz;
#endif
#pragma omp parallel num_threads(nth) if (nth > 1) reduction(| : fail)
    {
        fftw_complex *Q = Q0, *P = P0, *R = R0;
        int own = 0;
#ifdef _OPENMP
        if (omp_get_thread_num() != 0) {
            Q = fft_calloc(Ly * nz, sizeof(fftw_complex));
            P = fft_calloc(Ly * Lz, sizeof(fftw_complex));
            R = fftw_malloc(2 * Ly * Lz * sizeof(fftw_complex));
            own = 1;
            if (!Q || !P || !R)
                fail = 1;
        }
#endif
#pragma omp for schedule(static)
        for (size_t j = 0; j < f->nk; j++)
            if (Q && P && R && moran_plane(f, nq, j, Q, P, R, part + 4 * f->kxs[j] + 2 * (size_t)round))
                fail = 1;
        if (own) {
            fftw_free(Q);
            fftw_free(P);
            fftw_free(R);
        }
    }
    return fail;
}

/* The per-plane sums part[4 kx + 0..3] = W, C, B, unused of plane kx (0 for the planes not taken), added in
 * plane order and normalised by the transform size, into Moran's I and Geary's C. */
static void moran_combine(const moran_data *d, const moran_fft *f, const double *part, double *moran,
                          double *geary)
{
    const size_t Lx = f->L[0], Ly = f->L[1], Lz = f->L[2];
    double sums[3] = {0.0, 0.0, 0.0};
    for (size_t kx = 0; kx < Lx; kx++) {
        sums[0] += part[4 * kx];     /* W */
        sums[2] += part[4 * kx + 1]; /* C */
        sums[1] += part[4 * kx + 2]; /* B */
    }
    double norm = 1.0 / ((double)Lx * (double)Ly * (double)Lz);
    double W = sums[0] * norm, B = sums[1] * norm, C = sums[2] * norm;
    moran_finish(d, W, B, 2.0 * C - 2.0 * B, moran, geary);
}

/* The x frequencies of class k2 into f->kxs (with their xbuf columns) and, for c > 1, its twiddles f->tw.
 * c = 1: the r2c half spectrum [0, hx). c > 1: the classes k2 = 0 .. c / 2 are taken (class c - k2 holds the
 * mirrors -kx of class k2, same sums); a class that is its own mirror (2 k2 = 0 mod c) only up to L / 2. */
static void moran_class(moran_fft *f, size_t k2)
{
    const size_t Lx = f->L[0];
    f->nk = 0;
    if (f->c == 1) {
        for (size_t kx = 0; kx < f->hx; kx++, f->nk++)
            f->kxs[f->nk] = f->xcol[f->nk] = kx;
        return;
    }
    const int self = (2 * k2) % f->c == 0;
    for (size_t k1 = 0; k1 < f->M; k1++) {
        const size_t kx = k2 + f->c * k1;
        if (!self || 2 * kx <= Lx) {
            f->kxs[f->nk] = kx;
            f->xcol[f->nk++] = k1;
        }
    }
    for (size_t x = 0; x < f->n[0]; x++) {
        const double a = -2.0 * VX_MORPH_PI * (double)(x * k2 % Lx) / (double)Lx;
        f->tw[x][0] = cos(a);
        f->tw[x][1] = sin(a);
    }
}

/* The spectra of two quantities for all x-frequency planes at once (c = 1) unless that exceeds max_spec
 * bytes; then the planes a residue class mod c at a time, c a divisor of L[0] whose classes fit. L[0] may then
 * grow (to at most 9/8 of the least period, a smooth size still): the padded period with the cheapest mix of
 * plane work (about L[0]) and x passes (one per class; measured on one core, a class costs about 0.11 of the
 * planes of the least period). */
static void moran_classes(moran_fft *f, size_t max_spec)
{
    const size_t mmax = max_spec / (2 * f->n[1] * f->n[2] * sizeof(fftw_complex)), L0 = f->L[0];
    f->c = 1;
    if (L0 > 1 && f->hx > mmax) {
        double best = INFINITY;
        for (size_t L = L0; L <= L0 + L0 / 8; L += 2) {
            if (good_size(L) != L)
                continue;
            size_t c = 2;
            while (c < L && (L % c || L / c > mmax))
                c++;
            const double cost = (double)L / (double)L0 + 0.11 * (double)(c / 2 + 1);
            if (cost < best) {
                best = cost;
                f->L[0] = L;
                f->c = c;
            }
        }
        f->oct[0] = f->hx = f->L[0] / 2 + 1;
    }
    f->M = f->L[0] / f->c;
}

/* The x range of the mask voxels of each row (f->ext). */
static void moran_extents(const vx_roi *roi, const moran_data *d, moran_fft *f)
{
    const size_t nx = f->n[0], nz = f->n[2], rows = f->n[1] * nz, gx = roi->dims[0], gy = roi->dims[1];
    for (size_t r = 0; r < rows; r++) {
        const uint8_t *mk = roi->imask + d->lo[0] + gx * ((r / nz + d->lo[1]) + gy * (r % nz + d->lo[2]));
        size_t x0 = 0, x1 = nx;
        while (x0 < nx && !mk[x0])
            x0++;
        while (x1 > x0 && !mk[x1 - 1])
            x1--;
        f->ext[2 * r] = (uint32_t)x0;
        f->ext[2 * r + 1] = (uint32_t)x1;
    }
}

/* The buffers of the FFT path (sizes from moran_classes). */
static int moran_alloc(moran_fft *f)
{
    const size_t plane = f->n[1] * f->n[2], noct = f->oct[0] * f->oct[1] * f->oct[2];
    f->xrow = f->c == 1 ? f->hx : f->M;
    const size_t cap = f->xrow, nspec = 2 * cap * plane;
    f->kxs = malloc(cap * sizeof *f->kxs);
    f->xcol = malloc(cap * sizeof *f->xcol);
    f->xbuf = fftw_malloc(MORAN_CHUNK * f->xrow * sizeof(fftw_complex));
    f->ext = malloc(2 * plane * sizeof *f->ext);
    f->kt = fftw_malloc(noct * sizeof(double));
    f->spec = fftw_malloc(nspec * sizeof(fftw_complex));
    if (f->c > 1) {
        f->fin = fftw_malloc(2 * MORAN_CHUNK * f->M * sizeof(fftw_complex));
        f->tw = fftw_malloc(f->n[0] * sizeof(fftw_complex));
    }
    return f->ext && f->kxs && f->xcol && f->xbuf && f->kt && f->spec && (f->c == 1 || (f->fin && f->tw)) ? 0 : -1;
}

static void moran_free(moran_fft *f)
{
    free(f->ext);
    free(f->kxs);
    free(f->xcol);
    fftw_free(f->xbuf);
    fftw_free(f->kt);
    fftw_free(f->spec);
    fftw_free(f->fin);
    fftw_free(f->tw);
}

static int moran_fftpath(const vx_roi *roi, const moran_data *d, int threads, size_t max_spec, double *moran,
                         double *geary, vx_error *err)
{
    vx_fft_cache *cache = roi->fft, *own_cache = NULL;
    if (!cache) {
        int crc = vx_fft_cache_new(&own_cache, err);
        if (crc != VX_OK)
            return crc;
        cache = own_cache;
    }
    moran_fft f;
    memset(&f, 0, sizeof f);
    for (int a = 0; a < 3; a++) {
        f.n[a] = d->n[a];
        f.L[a] = d->n[a] > 1 ? good_size(2 * d->n[a] - 2) : 1;
        f.oct[a] = f.L[a] / 2 + 1;
        if (f.L[a] > (size_t)INT32_MAX / 4) {
            vx_fft_cache_free(own_cache);
            return vx_error_set(err, VX_EINVAL, "morphology: Moran's I box too large");
        }
    }
    f.hx = f.oct[0];
    moran_classes(&f, max_spec);
    const size_t nz = f.n[2], Lx = f.L[0], Ly = f.L[1], Lz = f.L[2], plane = f.n[1] * nz;
    const int fa = moran_alloc(&f);
    double *rin = fftw_malloc(2 * MORAN_CHUNK * Lx * sizeof(double));
    fftw_complex *Q0 = fftw_malloc(Ly * nz * sizeof(fftw_complex));
    fftw_complex *P0 = fftw_malloc(Ly * Lz * sizeof(fftw_complex));
    fftw_complex *R0 = fftw_malloc(2 * Ly * Lz * sizeof(fftw_complex));
    double *part = calloc(4 * Lx, sizeof *part);
    const vx_fft_plan *pf = NULL, *pr = NULL;
    int rc = VX_OK;
    if (fa || !rin || !Q0 || !P0 || !R0 || !part) {
        rc = vx_error_set(err, VX_ENOMEM, "morphology: out of memory for Moran's I transforms (%zu x %zu x %zu)",
                          Lx, Ly, Lz);
        goto done;
    }
    memset(rin, 0, 2 * MORAN_CHUNK * Lx * sizeof(double));
    moran_extents(roi, d, &f);
    memset(Q0, 0, Ly * nz * sizeof(fftw_complex));
    memset(P0, 0, Ly * Lz * sizeof(fftw_complex));

    /* kernel octant: K(d) = 1 / ||d|| in mm, K(0) = 0, and its DCT-I */
    moran_kernel_octant(roi, &f);
    if ((rc = kernel_dct(cache, f.kt, f.oct, err)) != VX_OK ||
        (rc = moran_plans(cache, &f, rin, Q0, P0, R0, &pf, &pr, err)) != VX_OK)
        goto done;

    int nth = 1;
#ifdef _OPENMP
    nth = threads > 1 ? threads : 1;
    if ((size_t)nth > f.xrow)
        nth = (int)f.xrow;
#else
    (void)threads;
#endif
    /* round 0: m and y^2 -> W = sum m (K * m) and C = sum y^2 (K * m); round 1: y -> B = sum y (K * y);
     * for each class of x-frequency planes */
    for (size_t k2 = 0; k2 < (f.c == 1 ? 1 : f.c / 2 + 1); k2++) {
        moran_class(&f, k2);
        for (int round = 0; round < 2; round++) {
            fftw_complex *const outs[2] = {f.spec, f.spec + f.nk * plane};
            rc = moran_xpass(roi, d, &f, pf, pr, rin, round == 0 ? 2 : 1, outs, err);
            if (rc != VX_OK)
                goto done;
            if (moran_planes(&f, round == 0 ? 2 : 1, round, nth, Q0, P0, R0, part)) {
                rc = vx_error_set(err, VX_ENOMEM, "morphology: out of memory for Moran's I scratch planes (or an "
                                  "FFT plan refused its arrays)");
                goto done;
            }
        }
    }
    moran_combine(d, &f, part, moran, geary);
done:
    vx_fft_cache_free(own_cache); /* the caller's cache keeps its plans */
    moran_free(&f);
    fftw_free(rin);
    fftw_free(Q0);
    fftw_free(P0);
    fftw_free(R0);
    free(part);
    return rc;
}

int vx_morph_moran_geary(const vx_roi *roi, int method, int threads, double *moran, double *geary,
                         vx_error *err)
{
    return vx_morph_moran_geary_ex(roi, method, threads, VX_MORAN_MAX_SPEC, moran, geary, err);
}

int vx_morph_moran_geary_ex(const vx_roi *roi, int method, int threads, size_t max_spec, double *moran,
                            double *geary, vx_error *err)
{
    moran_data d;
    moran_scan(roi, &d);
    *moran = *geary = NAN;
    /* One voxel: no pair, W = 0. Equal intensities: both numerators and the denominator are 0. Both 0/0. */
    if (d.count < 2 || !(d.s2 > 0.0))
        return VX_OK;
    if (method == VX_MORAN_AUTO) {
        /* cost model (measured, one core): the direct sum about 4 ns per pair; the FFT path about 40 us
         * plus 20 ns per point of the padded L_x x L_y x L_z grid */
        double pairs = 0.5 * (double)d.count * (double)(d.count - 1), pts = 1.0;
        for (int a = 0; a < 3; a++)
            pts *= d.n[a] > 1 ? (double)good_size(2 * d.n[a] - 2) : 1.0;
        method = pairs < 1e4 + 5.0 * pts ? VX_MORAN_DIRECT : VX_MORAN_FFT;
    }
    if (method == VX_MORAN_DIRECT)
        return moran_direct(roi, &d, moran, geary, err);
    return moran_fftpath(roi, &d, threads, max_spec, moran, geary, err);
}
