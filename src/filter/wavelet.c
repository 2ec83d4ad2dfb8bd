/* voxomics: separable wavelets (IBSI 2, 25BO), undecimated ("stationary", CVCQ) transform by the a trous
 * algorithm, with optional right-angle rotation invariance (IBSI 2 appendix "Equivariant right angle rotational
 * representation for separable filters").
 *
 * Filters (wavelet_bank.c): g_L, g_H the decomposition low- and high-pass filters of n taps (Haar:
 * g_L = [1, 1] / sqrt 2, g_H = [-1, 1] / sqrt 2; PyWavelets' dec_lo, dec_hi). Level j uses them upsampled by
 * 2^(j-1) (each tap followed by 2^(j-1) - 1 zeros) and a zero appended for odd length:
 *   g^j = [g[0], 0 .. 0, g[1], 0 .. 0, ..., g[n-1], 0 .. 0, 0]   (n 2^(j-1) + 1 taps, centre tap n 2^(j-1) / 2)
 * used as a true convolution kernel centred on its middle tap, out[x] = sum_i g^j[i] f~[x + c - i], c = floor(K / 2)
 * (the definition of vx_separable_convolve in voxomics/filter.h; computed here by passes that skip the zeros).
 * Sub-band s = s_x s_y (s_z) in {L, H}^D of level J (x first; "LHL": L along x, H along y, L along z):
 *   h^0 = f,   h^j = (g_L^j (x) g_L^j (x) g_L^j) * h^(j-1)  for j < J,
 *   h_s^J = (g_{s_x}^J (x) g_{s_y}^J (x) g_{s_z}^J) * h^(J-1),
 * each convolution padding its input under the boundary condition (for a constant, the constant as the earlier
 * levels left it: c (sum g_L)^(D (j-1))). With periodic padding this equals PyWavelets' swtn sub-band.
 * 2D filters (D = 2) act on each axial (x, y) slice on its own.
 *
 * Rotation invariance: the sub-band's filter chain is rotated by each of the right-angle rotations R
 * (24 proper rotations of the cube in 3D, 4 in the axial plane in 2D): g^R(k) = g(R k), which for a separable
 * filter permutes the axes and flips (J, exchange matrix) the odd-length 1D kernels. The same rotation is applied
 * at every level, so that level j of rotation R convolves the low-pass response of level j - 1 of rotation R
 * (IBSI 2 "Implementation troubleshooting", Haar example). The maps are pooled per voxel (max, average, min).
 * Rotations whose chains coincide (same kernel and flip per axis, e.g. permutations of LLL) give the same map,
 * which is computed once and counted with its multiplicity; the chains' 1D passes form a trie (level by level,
 * x, y, z) evaluated depth first, so that a prefix shared by several rotations (the low-pass levels depend on
 * the flips only) is computed once. Passes run in parallel over lines (OpenMP); every voxel's sum has the same
 * order for any thread count, and pooling runs in the trie's fixed order: bit-identical for any thread count.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "filter_impl.h"
#include "wavelet_bank.h"

#define VXW_MAXLEVEL 10

/* one filter chain: per axis the sub-band letter (0 = L, 1 = H) and whether the kernels are flipped */
typedef struct chain {
    int hp[3], flip[3];
    int mult; /* rotations that give this chain */
} chain;

static int letter_hp(char c)
{
    return c == 'H' || c == 'h';
}

/* every proper signed permutation of D axes (det +1): rotated axis a carries the kernel of axis src[a] of the
 * unrotated filter, flipped when sgn[a] < 0; deduplicated into chains. Returns the number of chains. */
static int rotation_chains(const vx_filter_spec *f, chain *out)
{
    const int D = f->dim;
    static const int perms3[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    static const int psign3[6] = {1, -1, -1, 1, 1, -1};
    static const int perms2[2][3] = {{0, 1, 2}, {1, 0, 2}};
    static const int psign2[2] = {1, -1};
    const int np = D == 3 ? 6 : 2;
    int nc = 0;
    for (int p = 0; p < np; p++)
        for (int fl = 0; fl < (1 << D); fl++) {
            const int *src = D == 3 ? perms3[p] : perms2[p];
            int det = D == 3 ? psign3[p] : psign2[p];
            for (int a = 0; a < D; a++)
                if (fl >> a & 1)
                    det = -det;
            if (det != 1)
                continue;
            chain c = {{0, 0, 0}, {0, 0, 0}, 1};
            for (int a = 0; a < D; a++) {
                c.hp[a] = letter_hp(f->subband[src[a]]);
                c.flip[a] = fl >> a & 1;
            }
            int k = 0;
            while (k < nc && memcmp(out[k].hp, c.hp, sizeof c.hp) | memcmp(out[k].flip, c.flip, sizeof c.flip))
                k++;
            if (k < nc)
                out[k].mult++;
            else
                out[nc++] = c;
        }
    return nc;
}

/* the level-j kernel of g (n taps), upsampled by 2^(j-1), a zero appended, reversed when flip: K taps of which
 * only the n at idx[] (ascending) can be non-zero */
typedef struct pass_kernel {
    size_t K;
    int nt;
    size_t idx[VXW_MAXLEN];
    double w[VXW_MAXLEN];
} pass_kernel;

static void make_kernel(const double *g, int n, int j, int flip, pass_kernel *k)
{
    const size_t step = (size_t)1 << (j - 1);
    k->K = (size_t)n * step + 1;
    k->nt = n;
    for (int t = 0; t < n; t++) {
        if (!flip) {
            k->idx[t] = (size_t)t * step;
            k->w[t] = g[t];
        } else { /* kernel'[i] = kernel[K - 1 - i] */
            k->idx[t] = k->K - 1 - (size_t)(n - 1 - t) * step;
            k->w[t] = g[n - 1 - t];
        }
    }
}

/* one convolution pass along axis a (definition of vx_separable_convolve: out[x] = sum_i h[i] f~[x + c - i],
 * c = floor(K / 2), the taps added in ascending i), skipping the a trous zeros. dst may alias src: every line
 * (axis 0) or block of lines (axes 1, 2: all x at one z, resp. y) is gathered with its padding first. Threads
 * share out lines or blocks; each voxel's sum is the same for any thread count. */
static int conv_pass(const double *src, double *dst, const size_t dims[3], int a, const pass_kernel *k, vx_pad_mode m,
                     double cval)
{
    const size_t N = dims[a], K = k->K, lo = K - 1 - K / 2, P = N + K - 1, nx = dims[0];
    const size_t nblk = a == 0 ? dims[1] * dims[2] : a == 1 ? dims[2] : dims[1];
    const size_t width = a == 0 ? 1 : nx;                                   /* voxels per row of a block */
    const size_t bstep = a == 0 ? nx : a == 1 ? nx * dims[1] : nx;          /* block to block */
    const size_t stride = a == 0 ? 1 : a == 1 ? nx : nx * dims[1];          /* along the axis */
    int fail = 0;
#pragma omp parallel if (nblk > 1 && N * width * nblk > 32768)
    {
        double *buf = malloc(P * width * sizeof *buf), *acc = malloc(width * sizeof *acc);
        if (!buf || !acc) {
#pragma omp atomic write
            fail = 1;
        }
#pragma omp for schedule(static)
        for (size_t bi = 0; bi < nblk; bi++) {
            if (!buf || !acc)
                continue;
            const size_t base = bi * bstep;
            for (size_t p = 0; p < P; p++) {
                const ptrdiff_t kk = (ptrdiff_t)p - (ptrdiff_t)lo;
                const ptrdiff_t q = kk >= 0 && kk < (ptrdiff_t)N ? kk : vx_pad_index(kk, N, m);
                double *row = buf + p * width;
                if (q < 0)
                    for (size_t x = 0; x < width; x++)
                        row[x] = cval;
                else if (width == 1)
                    row[0] = src[base + (size_t)q * stride];
                else
                    memcpy(row, src + base + (size_t)q * stride, width * sizeof *row);
            }
            for (size_t y = 0; y < N; y++) {
                double *d = dst + base + y * stride;
                if (width == 1) {
                    double s = 0.0;
                    for (int t = 0; t < k->nt; t++)
                        s += k->w[t] * buf[y + K - 1 - k->idx[t]];
                    d[0] = s;
                    continue;
                }
                for (size_t x = 0; x < width; x++)
                    acc[x] = 0.0;
                for (int t = 0; t < k->nt; t++) {
                    const double wt = k->w[t], *row = buf + (y + K - 1 - k->idx[t]) * width;
                    for (size_t x = 0; x < width; x++)
                        acc[x] += wt * row[x];
                }
                memcpy(d, acc, width * sizeof *d);
            }
        }
        free(buf);
        free(acc);
    }
    return fail ? VX_ENOMEM : VX_OK;
}

/* the chains as a trie of passes (level j, axis a: pass d = (j - 1) D + a), evaluated depth first so that
 * rotations sharing a prefix (e.g. the low-pass levels, which depend on the flips only) compute it once */
typedef struct wctx {
    const vx_filter_spec *f;
    const vxw_bank *b;
    const size_t *dims;
    size_t nv;
    int D, npass, nleaf;
    const chain *ch;
    unsigned char pid[24][3 * VXW_MAXLEVEL]; /* per chain and pass: (H << 1) | flip */
    double *buf[3 * VXW_MAXLEVEL + 1];        /* scratch maps, allocated on first use */
    double *out;
    vx_error *err;
} wctx;

static void pool_leaf(wctx *w, const double *m, const chain *c)
{
    double *out = w->out;
    const size_t nv = w->nv;
    const double mult = (double)c->mult;
    const vx_pool pool = w->f->pooling;
    const int first = w->nleaf++ == 0;
    if (first && m == out && mult == 1.0)
        return;
#pragma omp parallel for schedule(static) if (nv > 32768)
    for (size_t v = 0; v < nv; v++) {
        if (first)
            out[v] = pool == VX_POOL_AVERAGE ? mult * m[v] : m[v];
        else if (pool == VX_POOL_AVERAGE)
            out[v] += mult * m[v];
        else if (pool == VX_POOL_MIN)
            out[v] = fmin(out[v], m[v]);
        else
            out[v] = fmax(out[v], m[v]);
    }
}

/* evaluate pass d for the chains in set (bit mask) on src (scratch buffer bi, or the input when bi < 0) */
static int descend(wctx *w, int d, const double *src, int bi, uint32_t set, double cval)
{
    if (d == w->npass) {
        int c = 0;
        while (!(set >> c & 1u))
            c++;
        pool_leaf(w, src, &w->ch[c]);
        return VX_OK;
    }
    uint32_t sub[4] = {0, 0, 0, 0};
    for (int c = 0; c < 24; c++)
        if (set >> c & 1u)
            sub[w->pid[c][d]] |= 1u << c;
    const int nid = (sub[0] != 0) + (sub[1] != 0) + (sub[2] != 0) + (sub[3] != 0);
    const int a = d % w->D, j = d / w->D + 1;
    for (int id = 0; id < 4; id++) {
        if (!sub[id])
            continue;
        pass_kernel k;
        make_kernel((id >> 1) ? w->b->hi : w->b->lo, w->b->n, j, id & 1, &k);
        const int di = (nid == 1 && bi >= 0) ? bi : bi + 1; /* a lone child works in place */
        if (!w->buf[di]) {
            w->buf[di] = malloc(w->nv * sizeof *w->buf[di]);
            if (!w->buf[di])
                return vx_error_set(w->err, VX_ENOMEM, "filter wavelet: out of memory for a response map of %zu voxels",
                                    w->nv);
        }
        if (conv_pass(src, w->buf[di], w->dims, a, &k, w->f->pad, cval) != VX_OK)
            return vx_error_set(w->err, VX_ENOMEM, "filter wavelet: out of memory for lines of %zu voxels",
                                w->dims[a] + k.K - 1);
        double ks = 0.0;
        for (int t = 0; t < k.nt; t++)
            ks += k.w[t];
        int rc = descend(w, d + 1, w->buf[di], di, sub[id], cval * ks);
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}

int vxf_wavelet_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                      const double spacing[3], double *out, vx_error *err)
{
    (void)c, (void)spacing;
    vxw_bank b;
    if (vxw_bank_get(f->wavelet, &b) != 0)
        return vx_error_set(err, VX_EINVAL, "filter wavelet: cannot build the filter bank of '%s'; use one of %s",
                            f->wavelet, VXW_NAMES);
    chain ch[24];
    int nc;
    if (f->rot_invariant)
        nc = rotation_chains(f, ch);
    else {
        nc = 1;
        ch[0] = (chain){{0, 0, 0}, {0, 0, 0}, 1};
        for (int a = 0; a < f->dim; a++)
            ch[0].hp[a] = letter_hp(f->subband[a]);
    }
    wctx w;
    memset(&w, 0, sizeof w);
    w.f = f, w.b = &b, w.dims = dims, w.nv = dims[0] * dims[1] * dims[2];
    w.D = f->dim, w.npass = f->dim * f->level, w.ch = ch, w.out = out, w.err = err;
    int nrot = 0;
    for (int i = 0; i < nc; i++) {
        nrot += ch[i].mult;
        for (int d = 0; d < w.npass; d++) {
            const int a = d % w.D, j = d / w.D + 1;
            w.pid[i][d] = (unsigned char)(((j == f->level && ch[i].hp[a]) << 1) | ch[i].flip[a]);
        }
    }
    if (nc == 1)
        w.buf[0] = out; /* one chain: computed in place in out */
    int rc = descend(&w, 0, in, -1, (1u << nc) - 1u, f->pad_value);
    if (nc == 1)
        w.buf[0] = NULL;
    for (int i = 0; i <= w.npass; i++)
        free(w.buf[i]);
    if (rc == VX_OK && f->pooling == VX_POOL_AVERAGE && nrot > 1)
        for (size_t v = 0; v < w.nv; v++)
            out[v] /= (double)nrot;
    return rc;
}

void vxf_wavelet_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    (void)spacing;
    /* level j's kernel (n 2^(j-1) + 1 taps, centre n 2^(j-2)) reaches n 2^(j-2) voxels on its wider side (either
     * side once flipped): n (2^J - 1) / 2 over J levels, on every filtered axis */
    const size_t n = (size_t)vxw_bank_length(f->wavelet);
    const int J = f->level < 1 ? 1 : f->level > VXW_MAXLEVEL ? VXW_MAXLEVEL : f->level;
    const size_t r = n * (((size_t)1 << J) - 1) / 2;
    reach[0] = reach[1] = r;
    reach[2] = f->dim == 2 ? 0 : r;
}

int vxf_wavelet_check(const vx_filter_spec *f, vx_error *err)
{
    if (!memchr(f->wavelet, '\0', sizeof f->wavelet) || !vxw_bank_known(f->wavelet))
        return vx_error_set(err, VX_EINVAL, "filter wavelet: unknown wavelet '%.*s'; use one of %s",
                            (int)sizeof f->wavelet, f->wavelet, VXW_NAMES);
    size_t ns = strnlen(f->subband, sizeof f->subband);
    if (ns != (size_t)f->dim)
        return vx_error_set(err, VX_EINVAL,
                            "filter wavelet: sub-band '%.*s' has %zu letters for a %dD filter; give one L or H per "
                            "axis, x first (e.g. %s)",
                            (int)ns, f->subband, ns, f->dim, f->dim == 2 ? "LH" : "LLH");
    for (size_t i = 0; i < ns; i++)
        if (!strchr("LHlh", f->subband[i]))
            return vx_error_set(err, VX_EINVAL,
                                "filter wavelet: sub-band '%.*s' has the letter '%c'; use L (low-pass) or H "
                                "(high-pass) per axis",
                                (int)ns, f->subband, f->subband[i]);
    if (f->level < 1 || f->level > VXW_MAXLEVEL)
        return vx_error_set(err, VX_EINVAL, "filter wavelet: decomposition level %d; use 1 .. %d", f->level,
                            VXW_MAXLEVEL);
    return VX_OK;
}
