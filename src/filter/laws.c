/* voxomics: Laws kernels (IBSI 2 JTXT) with right-angle rotation invariance and the texture energy image
 * (IBSI 2 reference manual, section "Laws kernels" and appendix "Equivariant right angle rotational
 * representation for separable filters").
 *
 * 1D kernels (normalised as in the manual):
 *   L3 = [1 2 1]/sqrt(6)   E3 = [-1 0 1]/sqrt(2)   S3 = [-1 2 -1]/sqrt(6)
 *   L5 = [1 4 6 4 1]/sqrt(70)   E5 = [-1 -2 0 2 1]/sqrt(10)   S5 = [-1 0 2 0 -1]/sqrt(6)
 *   W5 = [-1 2 0 -2 1]/sqrt(10)   R5 = [1 -4 6 -4 1]/sqrt(70)
 * A response map named by D kernel names, x first (e.g. E5L5S5: g_E5 along k1 = x, g_L5 along k2 = y, g_S5
 * along k3 = z; in 2D two names and each axial slice on its own), is
 *   h = f * (g_1 (x) g_2 [(x) g_3]),
 * a true convolution (the kernel flipped, as vx_separable_convolve), computed as one 1D pass per axis
 * (linepass.c).
 *
 * Rotation invariance: the right-angle rotations of the separable kernel (4 in 2D, 24 in 3D: the cube's
 * rotation group) are, per the manual's appendix, the kernels g_{p(1)} (x) .. (x) g_{p(D)} with some 1D
 * kernels flipped (exchange matrix J): exactly the signed permutations (p, s) of the D axes with
 * sign(p) prod(s) = +1 (axis a gets kernel g_{p(a)}, reversed when s_a = -1). The D = 2 set is
 * {g1 (x) g2, Jg2 (x) g1, Jg1 (x) Jg2, g2 (x) Jg1}, the D = 3 set the 24 listed in the appendix. The responses
 * are pooled voxel-wise (max, average or min). Passes are shared between rotations with the same kernels
 * along the first axes (6 + 24 + 24 passes in 3D instead of 72).
 *
 * Energy image (IBSI 2 I176), delta >= 0: computed once, after pooling, as the mean of |h| over the
 * (2 delta + 1)^D box (D = 2: in the axial slice) around each voxel:
 *   h_energy[k] = 1/(2 delta + 1)^D sum_{k0 in [-delta, delta]^D} |h[k + k0]|,
 * a mean filter of |h| with the padding mode of the filter (manual: "the same padding"). Constant padding
 * by c: the image is padded by c, so the response map is padded by |c prod_a sum g_a|, the response of
 * the kernel to the uniform image c (0 for zero padding, and for every kernel but L3 / L5 products).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter/linepass.h"
#include "filter_impl.h"

typedef struct laws_kernel {
    char name[3];
    int len;
    double v[5];
    double norm2; /* the normalisation's square: v / sqrt(norm2) */
} laws_kernel;

static const laws_kernel KERNELS[] = {
    {"L3", 3, {1, 2, 1, 0, 0}, 6.0},      {"E3", 3, {-1, 0, 1, 0, 0}, 2.0},     {"S3", 3, {-1, 2, -1, 0, 0}, 6.0},
    {"L5", 5, {1, 4, 6, 4, 1}, 70.0},     {"E5", 5, {-1, -2, 0, 2, 1}, 10.0},   {"S5", 5, {-1, 0, 2, 0, -1}, 6.0},
    {"W5", 5, {-1, 2, 0, -2, 1}, 10.0},   {"R5", 5, {1, -4, 6, -4, 1}, 70.0},
};
#define N_KERNELS (sizeof KERNELS / sizeof *KERNELS)

/* The kernel named by name[0..1] (case-insensitive), or NULL. */
static const laws_kernel *kernel_find(const char *name)
{
    for (size_t i = 0; i < N_KERNELS; i++)
        if (toupper((unsigned char)name[0]) == KERNELS[i].name[0] && name[1] == KERNELS[i].name[1])
            return &KERNELS[i];
    return NULL;
}

/* Parse f->laws into its kernels (the first 3 into out); returns the number of names (0 on a bad name, *bad
 * its position). */
static int kernels_parse(const char *s, const laws_kernel *out[3], size_t *bad)
{
    size_t n = strnlen(s, 16);
    int cnt = 0;
    for (size_t i = 0; i < n; i += 2) {
        const laws_kernel *k = i + 1 < n ? kernel_find(s + i) : NULL;
        if (!k) {
            *bad = i;
            return 0;
        }
        if (cnt < 3)
            out[cnt] = k;
        cnt++;
    }
    return cnt;
}

/* ---- rotations -------------------------------------------------------------------------------------------- */
typedef struct rotation {
    int p[3]; /* axis a gets kernel p[a] */
    int s[3]; /* +1, or -1: reversed */
} rotation;

/* The right-angle rotations of a D-dimensional separable kernel in the order that shares passes (the first
 * axes' choices vary slowest). Returns their number (4 or 24). */
static int rotations(int D, rotation *r)
{
    int n = 0;
    for (int p0 = 0; p0 < D; p0++)
        for (int s0 = 1; s0 >= -1; s0 -= 2)
            for (int p1 = 0; p1 < D; p1++) {
                if (p1 == p0)
                    continue;
                for (int s1 = 1; s1 >= -1; s1 -= 2) {
                    if (D == 2) {
                        const int sign = p0 == 0 ? 1 : -1; /* parity of (p0, p1) */
                        if (sign * s0 * s1 != 1)
                            continue;
                        r[n++] = (rotation){{p0, p1, 2}, {s0, s1, 1}};
                        continue;
                    }
                    const int p2 = 3 - p0 - p1;
                    /* parity of (p0, p1, p2): inversions */
                    const int inv = (p0 > p1) + (p0 > p2) + (p1 > p2);
                    const int sign = inv % 2 ? -1 : 1;
                    const int s2 = sign * s0 * s1; /* makes sign * s0 * s1 * s2 = +1 */
                    r[n++] = (rotation){{p0, p1, p2}, {s0, s1, s2}};
                }
            }
    return n;
}

/* ---- apply ------------------------------------------------------------------------------------------------ */
/* kernel k (normalised), reversed when s = -1, into out (len taps) */
static void kernel_fill(const laws_kernel *k, int s, double *out)
{
    const double c = 1.0 / sqrt(k->norm2);
    for (int i = 0; i < k->len; i++)
        out[i] = c * k->v[s > 0 ? i : k->len - 1 - i];
}

/* pool the response r of orientation number i into out */
static void pool(vx_pool how, int i, const double *r, double *out, size_t n)
{
    if (i == 0) {
        memcpy(out, r, n * sizeof *out);
        return;
    }
    switch (how) {
    case VX_POOL_MAX:
        for (size_t j = 0; j < n; j++)
            out[j] = r[j] > out[j] ? r[j] : out[j];
        break;
    case VX_POOL_MIN:
        for (size_t j = 0; j < n; j++)
            out[j] = r[j] < out[j] ? r[j] : out[j];
        break;
    default:
        for (size_t j = 0; j < n; j++)
            out[j] += r[j];
        break;
    }
}

static double ksum(const double *k, int len)
{
    double s = 0.0;
    for (int i = 0; i < len; i++)
        s += k[i];
    return s;
}

/* the pooled response of the oriented kernels to src into out; work: 3 images. Constant padding: each pass
 * pads with the constant as the earlier passes left it (f->pad_value times their kernel sums), which equals
 * padding the image once by f->pad_value. */
static int laws_response(const vx_filter_spec *f, const laws_kernel *const ks[3], const double *src,
                         const size_t dims[3], double *out, double *work, vx_error *err)
{
    const int D = f->dim;
    const size_t n = dims[0] * dims[1] * dims[2];
    rotation rot[24];
    int nr = f->rot_invariant ? rotations(D, rot) : 1;
    if (!f->rot_invariant)
        rot[0] = (rotation){{0, 1, 2}, {1, 1, 1}};
    double *A = work, *B = work + n, *C = work + 2 * n;
    double k[3][5];
    int rc = VX_OK;
    for (int i = 0; i < nr && rc == VX_OK; i++) {
        const rotation *r = &rot[i];
        const int newx = i == 0 || r->p[0] != rot[i - 1].p[0] || r->s[0] != rot[i - 1].s[0];
        const int newy = newx || r->p[1] != rot[i - 1].p[1] || r->s[1] != rot[i - 1].s[1];
        for (int a = 0; a < D; a++)
            kernel_fill(ks[r->p[a]], r->s[a], k[a]);
        const int l0 = ks[r->p[0]]->len, l1 = ks[r->p[1]]->len;
        const double c0 = f->pad_value, c1 = c0 * ksum(k[0], l0), c2 = c1 * ksum(k[1], l1);
        if (newx)
            rc = vxf_line_pass(src, dims, 0, k[0], (size_t)l0, f->pad, c0, A, err);
        if (rc == VX_OK && newy)
            rc = vxf_line_pass(A, dims, 1, k[1], (size_t)l1, f->pad, c1, B, err);
        if (rc != VX_OK)
            break;
        const double *resp = B;
        if (D == 3) {
            rc = vxf_line_pass(B, dims, 2, k[2], (size_t)ks[r->p[2]]->len, f->pad, c2, C, err);
            resp = C;
        }
        if (rc == VX_OK)
            pool(f->pooling, i, resp, out, n);
    }
    if (rc == VX_OK && nr > 1 && f->pooling == VX_POOL_AVERAGE)
        for (size_t j = 0; j < n; j++)
            out[j] /= nr;
    return rc;
}

int vxf_laws_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                   const double spacing[3], double *out, vx_error *err)
{
    (void)c, (void)spacing;
    const laws_kernel *ks[3] = {NULL, NULL, NULL};
    size_t bad = 0;
    if (kernels_parse(f->laws, ks, &bad) != f->dim)
        return vxf_laws_check(f, err);
    const size_t n = dims[0] * dims[1] * dims[2];
    double *work = malloc(3 * n * sizeof *work);
    if (!work)
        return vx_error_set(err, VX_ENOMEM, "filter laws: out of memory for 3 work images of %zu voxels", n);
    int rc = laws_response(f, ks, in, dims, out, work, err);
    /* the response to the uniform image pad_value (energy image padding) */
    double csum = f->pad == VX_PAD_CONSTANT ? f->pad_value : 0.0;
    for (int a = 0; a < f->dim; a++)
        csum *= ksum(ks[a]->v, ks[a]->len) / sqrt(ks[a]->norm2);
    if (rc == VX_OK && f->energy_delta >= 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = fabs(out[i]);
        rc = vxf_box_mean(out, dims, f->dim, 2 * (size_t)f->energy_delta + 1, f->pad, fabs(csum), work, out, err);
    }
    free(work);
    return rc;
}

void vxf_laws_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    (void)spacing;
    const laws_kernel *ks[3] = {NULL, NULL, NULL};
    size_t bad = 0;
    reach[0] = reach[1] = reach[2] = 0;
    const int D = kernels_parse(f->laws, ks, &bad);
    if (D != f->dim)
        return;
    size_t hmax = 0;
    for (int a = 0; a < D; a++)
        if ((size_t)(ks[a]->len / 2) > hmax)
            hmax = (size_t)(ks[a]->len / 2);
    const size_t e = f->energy_delta > 0 ? (size_t)f->energy_delta : 0;
    for (int a = 0; a < D; a++)
        reach[a] = (f->rot_invariant ? hmax : (size_t)(ks[a]->len / 2)) + e;
}

int vxf_laws_check(const vx_filter_spec *f, vx_error *err)
{
    const laws_kernel *ks[3] = {NULL, NULL, NULL};
    size_t bad = 0;
    const size_t len = strnlen(f->laws, sizeof f->laws);
    if (len == sizeof f->laws)
        return vx_error_set(err, VX_EINVAL, "filter laws: kernel names are not terminated; use e.g. \"E5L5S5\"");
    const int D = kernels_parse(f->laws, ks, &bad);
    if (!D) {
        if (!len)
            return vx_error_set(err, VX_EINVAL,
                                "filter laws: no kernel names; give one per axis, x first, e.g. \"E5L5S5\" (3D) or "
                                "\"L5S5\" (2D)");
        return vx_error_set(err, VX_EINVAL,
                            "filter laws: kernels \"%s\": \"%.2s\" at character %zu is not a Laws kernel; use L3 E3 "
                            "S3 L5 E5 S5 W5 R5, one per axis (e.g. \"E5L5S5\")",
                            f->laws, f->laws + bad, bad + 1);
    }
    if (D != f->dim)
        return vx_error_set(err, VX_EINVAL,
                            "filter laws: kernels \"%s\" name %d axes but the filter is %dD; give %d names (x first)",
                            f->laws, D, f->dim, f->dim);
    if (f->energy_delta < -1)
        return vx_error_set(err, VX_EINVAL,
                            "filter laws: energy distance delta = %d; use -1 (no energy image) or a distance >= 0 "
                            "voxels (e.g. 7)",
                            f->energy_delta);
    if (f->energy_delta > 50000)
        return vx_error_set(err, VX_EINVAL, "filter laws: energy distance delta = %d voxels is too large; use at most "
                            "50000", f->energy_delta);
    if (f->rot_invariant != 0 && f->rot_invariant != 1)
        return vx_error_set(err, VX_EINVAL, "filter laws: rotation invariance %d; use 0 (off) or 1 (on)",
                            f->rot_invariant);
    return VX_OK;
}
