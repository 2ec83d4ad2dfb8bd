/* voxomics: separable wavelets (IBSI 2, 25BO), undecimated ("stationary", CVCQ) transform by the a trous
 * algorithm, with optional right-angle rotation invariance (IBSI 2 appendix "Equivariant right angle rotational
 * representation for separable filters").
 *
 * Filters (wavelet_bank.c): g_L, g_H the decomposition low- and high-pass filters of n taps (Haar:
 * g_L = [1, 1] / sqrt 2, g_H = [-1, 1] / sqrt 2; PyWavelets' dec_lo, dec_hi). Level j uses them upsampled by
 * 2^(j-1) (each tap followed by 2^(j-1) - 1 zeros) and a zero appended for odd length:
 *   g^j = [g[0], 0 .. 0, g[1], 0 .. 0, ..., g[n-1], 0 .. 0, 0]   (n 2^(j-1) + 1 taps, centre tap n 2^(j-1) / 2)
 * used as a true convolution kernel centred on its middle tap (voxomics/filter.h: vx_separable_convolve).
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
 * which is computed once and counted with its multiplicity.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
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

/* the level-j kernel of g (n taps) into k: upsampled by 2^(j-1), a zero appended, reversed when flip */
static size_t level_kernel(const double *g, int n, int j, int flip, double *k)
{
    const size_t step = (size_t)1 << (j - 1), len = (size_t)n * step + 1;
    memset(k, 0, len * sizeof *k);
    for (int t = 0; t < n; t++)
        k[(size_t)t * step] = g[t];
    if (flip)
        for (size_t a = 0, b = len - 1; a < b; a++, b--) {
            double tmp = k[a];
            k[a] = k[b];
            k[b] = tmp;
        }
    return len;
}

/* run one chain on in into buf (nv voxels); ker: scratch for 3 kernels of klen_max taps */
static int run_chain(const vx_filter_spec *f, const vxw_bank *b, const chain *c, const double *in,
                     const size_t dims[3], double *buf, double *ker, size_t klen_max, vx_error *err)
{
    const size_t nv = dims[0] * dims[1] * dims[2];
    const int D = f->dim;
    double lsum = 0.0;
    for (int t = 0; t < b->n; t++)
        lsum += b->lo[t];
    memcpy(buf, in, nv * sizeof *buf);
    double cval = f->pad_value;
    for (int j = 1; j <= f->level; j++) {
        const double *k[3] = {NULL, NULL, NULL};
        size_t kl[3] = {0, 0, 0};
        for (int a = 0; a < D; a++) {
            const double *g = (j == f->level && c->hp[a]) ? b->hi : b->lo;
            double *ka = ker + (size_t)a * klen_max;
            kl[a] = level_kernel(g, b->n, j, c->flip[a], ka);
            k[a] = ka;
        }
        int rc = vx_separable_convolve(buf, dims, k, kl, f->pad, cval, buf, err);
        if (rc != VX_OK)
            return rc;
        for (int a = 0; a < D; a++)
            cval *= lsum;
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
    const size_t nv = dims[0] * dims[1] * dims[2];
    const size_t klen_max = (size_t)b.n * ((size_t)1 << (f->level - 1)) + 1;
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
    int nrot = 0;
    for (int i = 0; i < nc; i++)
        nrot += ch[i].mult;

    if (nc == 1) { /* one chain straight into out */
        double *ker = malloc(3 * klen_max * sizeof *ker);
        if (!ker)
            return vx_error_set(err, VX_ENOMEM, "filter wavelet: out of memory for kernels of %zu taps", klen_max);
        int rc = run_chain(f, &b, &ch[0], in, dims, out, ker, klen_max, err);
        free(ker);
        return rc;
    }

    /* several chains: computed in batches (one buffer per thread), pooled in chain order (thread-count
     * independent) */
    int nb = 1;
#ifdef _OPENMP
    nb = omp_in_parallel() ? 1 : omp_get_max_threads();
#endif
    if (nb > nc)
        nb = nc;
    if (nb < 1)
        nb = 1;
    double *bufs = malloc((size_t)nb * nv * sizeof *bufs);
    double *kers = malloc((size_t)nb * 3 * klen_max * sizeof *kers);
    int *rcs = malloc((size_t)nb * sizeof *rcs);
    vx_error *errs = malloc((size_t)nb * sizeof *errs);
    if (!bufs || !kers || !rcs || !errs) {
        free(bufs), free(kers), free(rcs), free(errs);
        return vx_error_set(err, VX_ENOMEM, "filter wavelet: out of memory for %d response maps of %zu voxels", nb,
                            nv);
    }
    int rc = VX_OK;
    for (int base = 0; base < nc && rc == VX_OK; base += nb) {
        const int cnt = nc - base < nb ? nc - base : nb;
#pragma omp parallel for schedule(static, 1) num_threads(cnt) if (cnt > 1)
        for (int i = 0; i < cnt; i++)
            rcs[i] = run_chain(f, &b, &ch[base + i], in, dims, bufs + (size_t)i * nv, kers + (size_t)i * 3 * klen_max,
                               klen_max, &errs[i]);
        for (int i = 0; i < cnt && rc == VX_OK; i++) {
            if (rcs[i] != VX_OK) {
                rc = rcs[i];
                if (err)
                    *err = errs[i];
                break;
            }
            const double *m = bufs + (size_t)i * nv;
            const double w = (double)ch[base + i].mult;
            if (base + i == 0) {
                if (f->pooling == VX_POOL_AVERAGE)
                    for (size_t v = 0; v < nv; v++)
                        out[v] = w * m[v];
                else
                    memcpy(out, m, nv * sizeof *out);
            } else if (f->pooling == VX_POOL_AVERAGE) {
                for (size_t v = 0; v < nv; v++)
                    out[v] += w * m[v];
            } else if (f->pooling == VX_POOL_MIN) {
                for (size_t v = 0; v < nv; v++)
                    out[v] = fmin(out[v], m[v]);
            } else {
                for (size_t v = 0; v < nv; v++)
                    out[v] = fmax(out[v], m[v]);
            }
        }
    }
    if (rc == VX_OK && f->pooling == VX_POOL_AVERAGE)
        for (size_t v = 0; v < nv; v++)
            out[v] /= (double)nrot;
    free(bufs), free(kers), free(rcs), free(errs);
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
