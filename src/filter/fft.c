/* voxomics: FFTW plans kept in a caller-owned cache, and FFT convolution under a padding mode (definitions
 * and the locking rule in voxomics/filter.h).
 *
 * Every FFTW planner call of the library (plan creation and destruction) runs inside the OpenMP critical
 * section "vx_fftw_plan": FFTW's planner keeps process-wide state and is not thread-safe, while the
 * new-array execute functions are. A cache's own table is guarded by its mutex, held across the planning of
 * a missing plan so that two threads asking for the same transform make it once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fftw3.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/filter.h"

struct vx_fft_plan {
    fftw_plan p;
    vx_fft_kind kind;
    int rank, hm_rank;
    vx_fft_dim dims[3], hm[3];
    unsigned flags;
    int align_in, align_out, inplace;
};

struct vx_fft_cache {
    pthread_mutex_t lock;
    vx_fft_plan **plans;
    size_t n, cap;
    size_t made;
};

int vx_fft_cache_new(vx_fft_cache **out, vx_error *err)
{
    vx_fft_cache *c = calloc(1, sizeof *c);
    if (!c || pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        *out = NULL;
        return vx_error_set(err, VX_ENOMEM, "FFT: out of memory for a plan cache");
    }
    *out = c;
    return VX_OK;
}

void vx_fft_cache_free(vx_fft_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
#pragma omp critical(vx_fftw_plan)
        fftw_destroy_plan(c->plans[i]->p);
        free(c->plans[i]);
    }
    free(c->plans);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

size_t vx_fft_cache_plans_made(const vx_fft_cache *c)
{
    if (!c)
        return 0;
    pthread_mutex_t *l = (pthread_mutex_t *)&c->lock;
    pthread_mutex_lock(l);
    size_t n = c->made;
    pthread_mutex_unlock(l);
    return n;
}

size_t vx_fft_cache_size(const vx_fft_cache *c)
{
    if (!c)
        return 0;
    pthread_mutex_t *l = (pthread_mutex_t *)&c->lock;
    pthread_mutex_lock(l);
    size_t n = c->n;
    pthread_mutex_unlock(l);
    return n;
}

size_t vx_fft_good_size(size_t n, int even)
{
    static const size_t f[4] = {2, 3, 5, 7};
    if (n < 1)
        n = 1;
    for (size_t m = even ? n + (n & 1) : n;; m += even ? 2 : 1) {
        size_t r = m;
        for (int i = 0; i < 4; i++)
            while (r % f[i] == 0)
                r /= f[i];
        if (r == 1)
            return m;
    }
}

static int same_dims(const vx_fft_dim *a, const vx_fft_dim *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i].n != b[i].n || a[i].is != b[i].is || a[i].os != b[i].os)
            return 0;
    return 1;
}

static int matches(const vx_fft_plan *p, vx_fft_kind kind, int rank, const vx_fft_dim *dims, int hm_rank,
                   const vx_fft_dim *hm, unsigned flags, int ai, int ao, int inplace)
{
    return p->kind == kind && p->rank == rank && p->hm_rank == hm_rank && p->flags == flags && p->align_in == ai &&
           p->align_out == ao && p->inplace == inplace && same_dims(p->dims, dims, rank) &&
           same_dims(p->hm, hm, hm_rank);
}

static fftw_plan make_plan(vx_fft_kind kind, int rank, const vx_fft_dim *dims, int hm_rank, const vx_fft_dim *hm,
                           void *in, void *out, unsigned flags)
{
    fftw_iodim d[3], h[3];
    for (int i = 0; i < rank; i++)
        d[i] = (fftw_iodim){dims[i].n, dims[i].is, dims[i].os};
    for (int i = 0; i < hm_rank; i++)
        h[i] = (fftw_iodim){hm[i].n, hm[i].is, hm[i].os};
    unsigned ff = FFTW_ESTIMATE;
    if (flags & VX_FFT_PRESERVE_INPUT)
        ff |= FFTW_PRESERVE_INPUT;
    if (flags & VX_FFT_DESTROY_INPUT)
        ff |= FFTW_DESTROY_INPUT;
    fftw_plan p = NULL;
#pragma omp critical(vx_fftw_plan)
    switch (kind) {
    case VX_FFT_R2C:
        p = fftw_plan_guru_dft_r2c(rank, d, hm_rank, h, in, out, ff);
        break;
    case VX_FFT_C2R:
        p = fftw_plan_guru_dft_c2r(rank, d, hm_rank, h, in, out, ff);
        break;
    case VX_FFT_FORWARD:
    case VX_FFT_BACKWARD:
        p = fftw_plan_guru_dft(rank, d, hm_rank, h, in, out, kind == VX_FFT_FORWARD ? FFTW_FORWARD : FFTW_BACKWARD,
                               ff);
        break;
    }
    return p;
}

/* FFTW's alignment class of an array (its address modulo the SIMD alignment), real or complex alike. */
static int align_of(void *a)
{
    return fftw_alignment_of((double *)a);
}

int vx_fft_plan_get(vx_fft_cache *c, vx_fft_kind kind, int rank, const vx_fft_dim *dims, int howmany_rank,
                    const vx_fft_dim *hm, void *in, void *out, unsigned flags, const vx_fft_plan **plan,
                    vx_error *err)
{
    *plan = NULL;
    if (!c || !dims || !in || !out)
        return vx_error_set(err, VX_EINVAL, "FFT: NULL cache, dimensions or array");
    if (rank < 1 || rank > 3 || howmany_rank < 0 || howmany_rank > 3 || (howmany_rank && !hm) ||
        (unsigned)kind > VX_FFT_BACKWARD)
        return vx_error_set(err, VX_EINVAL, "FFT: unsupported transform (kind %d, rank %d, batch rank %d): ranks "
                            "1..3 and 0..3", (int)kind, rank, howmany_rank);
    for (int i = 0; i < rank; i++)
        if (dims[i].n < 1)
            return vx_error_set(err, VX_EINVAL, "FFT: transform size %d along dimension %d must be >= 1",
                                dims[i].n, i);
    for (int i = 0; i < howmany_rank; i++)
        if (hm[i].n < 1)
            return vx_error_set(err, VX_EINVAL, "FFT: batch size %d along loop %d must be >= 1", hm[i].n, i);
    const int ai = align_of(in), ao = align_of(out), inplace = in == out;
    flags &= VX_FFT_PRESERVE_INPUT | VX_FFT_DESTROY_INPUT;
    int rc = VX_OK;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->n && !*plan; i++)
        if (matches(c->plans[i], kind, rank, dims, howmany_rank, hm, flags, ai, ao, inplace))
            *plan = c->plans[i];
    if (!*plan) {
        vx_fft_plan *p = calloc(1, sizeof *p);
        if (p && c->n == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 8;
            vx_fft_plan **np = realloc(c->plans, cap * sizeof *np);
            if (np) {
                c->plans = np;
                c->cap = cap;
            }
        }
        if (!p || c->n == c->cap) {
            free(p);
            rc = vx_error_set(err, VX_ENOMEM, "FFT: out of memory for a plan");
        } else {
            *p = (vx_fft_plan){NULL, kind, rank, howmany_rank, {{0}}, {{0}}, flags, ai, ao, inplace};
            memcpy(p->dims, dims, (size_t)rank * sizeof *dims);
            if (howmany_rank)
                memcpy(p->hm, hm, (size_t)howmany_rank * sizeof *hm);
            p->p = make_plan(kind, rank, dims, howmany_rank, hm, in, out, flags);
            if (!p->p) {
                free(p);
                rc = vx_error_set(err, VX_ENOMEM, "FFT: FFTW could not plan a rank-%d transform (first size %d)",
                                  rank, dims[0].n);
            } else {
                c->plans[c->n++] = p;
                c->made++;
                *plan = p;
            }
        }
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

int vx_fft_execute(const vx_fft_plan *p, void *in, void *out, vx_error *err)
{
    if (!p || !in || !out)
        return vx_error_set(err, VX_EINVAL, "FFT: NULL plan or array");
    if (align_of(in) != p->align_in || align_of(out) != p->align_out ||
        (in == out) != p->inplace)
        return vx_error_set(err, VX_EINVAL, "FFT: the arrays differ in alignment or in-place-ness from those the "
                            "plan was made for: ask the cache for the plan of these arrays");
    switch (p->kind) {
    case VX_FFT_R2C:
        fftw_execute_dft_r2c(p->p, in, out);
        break;
    case VX_FFT_C2R:
        fftw_execute_dft_c2r(p->p, in, out);
        break;
    default:
        fftw_execute_dft(p->p, in, out);
        break;
    }
    return VX_OK;
}

/* ---- FFT convolution ------------------------------------------------------------------------------------- */
int vx_fft_convolve(vx_fft_cache *c, const double *in, const size_t dims[3], const double *h, const size_t kdims[3],
                    vx_pad_mode m, double cval, double *out, vx_error *err)
{
    if (!c || !in || !dims || !h || !kdims || !out)
        return vx_error_set(err, VX_EINVAL, "FFT convolution: NULL argument");
    if ((unsigned)m > VX_PAD_MIRROR)
        return vx_error_set(err, VX_EINVAL, "FFT convolution: unknown padding mode %d", (int)m);
    size_t L[3], P[3], lo[3];
    for (int a = 0; a < 3; a++) {
        if (!dims[a] || !kdims[a])
            return vx_error_set(err, VX_EINVAL, "FFT convolution: empty image or kernel along axis %d", a);
        P[a] = dims[a] + kdims[a] - 1;
        lo[a] = kdims[a] - 1 - kdims[a] / 2;
        L[a] = vx_fft_good_size(P[a], 0);
        if (L[a] > (size_t)INT_MAX / 4)
            return vx_error_set(err, VX_EINVAL, "FFT convolution: %zu voxels along axis %d is too large", L[a], a);
    }
    const size_t hx = L[0] / 2 + 1, nr = L[0] * L[1] * L[2], nc = hx * L[1] * L[2];
    if (nr / L[0] / L[1] != L[2] || nc > SIZE_MAX / sizeof(fftw_complex))
        return vx_error_set(err, VX_EINVAL, "FFT convolution: transform too large");
    double *r = fftw_malloc(nr * sizeof *r);
    fftw_complex *F = fftw_malloc(nc * sizeof *F), *H = fftw_malloc(nc * sizeof *H);
    int rc = VX_OK;
    if (!r || !F || !H) {
        rc = vx_error_set(err, VX_ENOMEM, "FFT convolution: out of memory for a %zu x %zu x %zu transform", L[0],
                          L[1], L[2]);
        goto done;
    }
    const int lx = (int)L[0], ly = (int)L[1], lz = (int)L[2], ihx = (int)hx;
    const vx_fft_dim fwd[3] = {{lz, ly * lx, ly * ihx}, {ly, lx, ihx}, {lx, 1, 1}};
    const vx_fft_dim inv[3] = {{lz, ly * ihx, ly * lx}, {ly, ihx, lx}, {lx, 1, 1}};
    const vx_fft_plan *pf, *pi;
    rc = vx_fft_plan_get(c, VX_FFT_R2C, 3, fwd, 0, NULL, r, F, VX_FFT_DESTROY_INPUT, &pf, err);
    if (rc == VX_OK)
        rc = vx_fft_plan_get(c, VX_FFT_C2R, 3, inv, 0, NULL, F, r, VX_FFT_DESTROY_INPUT, &pi, err);
    if (rc != VX_OK)
        goto done;

    /* the kernel, zero-extended, and its spectrum */
    memset(r, 0, nr * sizeof *r);
    for (size_t z = 0; z < kdims[2]; z++)
        for (size_t y = 0; y < kdims[1]; y++)
            memcpy(r + L[0] * (y + L[1] * z), h + kdims[0] * (y + kdims[1] * z), kdims[0] * sizeof *r);
    if ((rc = vx_fft_execute(pf, r, H, err)) != VX_OK)
        goto done;
    /* the padded image P[p] = f~[p - lo], zero beyond P, and its spectrum */
    memset(r, 0, nr * sizeof *r);
    for (size_t z = 0; z < P[2]; z++) {
        ptrdiff_t iz = vx_pad_index((ptrdiff_t)z - (ptrdiff_t)lo[2], dims[2], m);
        for (size_t y = 0; y < P[1]; y++) {
            ptrdiff_t iy = vx_pad_index((ptrdiff_t)y - (ptrdiff_t)lo[1], dims[1], m);
            double *o = r + L[0] * (y + L[1] * z);
            const double *row = iz < 0 || iy < 0 ? NULL : in + dims[0] * ((size_t)iy + dims[1] * (size_t)iz);
            for (size_t x = 0; x < P[0]; x++) {
                ptrdiff_t ix = row ? vx_pad_index((ptrdiff_t)x - (ptrdiff_t)lo[0], dims[0], m) : -1;
                o[x] = ix < 0 ? cval : row[ix];
            }
        }
    }
    if ((rc = vx_fft_execute(pf, r, F, err)) != VX_OK)
        goto done;
    for (size_t i = 0; i < nc; i++) {
        double re = F[i][0] * H[i][0] - F[i][1] * H[i][1], im = F[i][0] * H[i][1] + F[i][1] * H[i][0];
        F[i][0] = re;
        F[i][1] = im;
    }
    if ((rc = vx_fft_execute(pi, F, r, err)) != VX_OK)
        goto done;
    /* out[x] = (P * h)[x + K - 1], unnormalised inverse */
    const double norm = 1.0 / ((double)L[0] * (double)L[1] * (double)L[2]);
    for (size_t z = 0; z < dims[2]; z++)
        for (size_t y = 0; y < dims[1]; y++) {
            const double *src = r + (kdims[0] - 1) + L[0] * ((y + kdims[1] - 1) + L[1] * (z + kdims[2] - 1));
            double *o = out + dims[0] * (y + dims[1] * z);
            for (size_t x = 0; x < dims[0]; x++)
                o[x] = src[x] * norm;
        }
done:
    fftw_free(r);
    fftw_free(F);
    fftw_free(H);
    return rc;
}
