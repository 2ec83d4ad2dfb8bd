/* voxomics: PyRadiomics' local binary pattern image types "LBP2D" and "LBP3D" (not IBSI 2 filters: no IBSI id;
 * definitions of PyRadiomics' imageoperations and of the operators it calls, scikit-image's
 * local_binary_pattern and the spherical-harmonics LBP of Banerjee et al. 2013).
 *
 * LBP2D, per axial (x, y) slice, P = lbp_samples points on a circle of radius R = lbp_radius voxels (R taken
 * in single precision, as scikit-image's signature takes it), rotation-invariant "uniform" code:
 *   point i = 0..P-1 at row (y) offset  dy_i = round5(-R sin(2 pi i / P)) and column (x) offset
 *   dx_i = round5(R cos(2 pi i / P)), round5 rounding to 5 decimals;
 *   t_i = bilinear interpolation of the slice at (y + dy_i, x + dx_i), voxels outside the slice read 0;
 *   s_i = 1 when t_i - x(y, x) >= 0, else 0;  U = sum_{i=0}^{P-2} |s_i - s_{i+1}| (no wrap-around term);
 *   LBP = sum_i s_i when U <= 2, else P + 1 (values 0 .. P + 1).
 * The `dim` of the spec does not matter (PyRadiomics computes it per slice either way).
 *
 * LBP3D is documented at vxf_lbp3d below.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pyrad_lbp.h"

#define LBP2D_MAX_SAMPLES 1024
#define LBP3D_MAX_LEVELS 10
#define LBP3D_MAX_SUBDIV 5

/* ---- LBP2D ------------------------------------------------------------------------------------------------ */

static double round5(double v)
{
    return nearbyint(v * 100000.0) / 100000.0; /* numpy.round(v, 5): scale, round half even, unscale */
}

/* slice value at integer (r, c), 0 outside */
static inline double px(const double *s, ptrdiff_t rows, ptrdiff_t cols, long r, long c)
{
    return r < 0 || r >= rows || c < 0 || c >= cols ? 0.0 : s[r * cols + c];
}

/* bilinear interpolation at (r, c), in scikit-image's order of operations */
static inline double bilinear(const double *s, ptrdiff_t rows, ptrdiff_t cols, double r, double c)
{
    const long r0 = (long)floor(r), c0 = (long)floor(c), r1 = (long)ceil(r), c1 = (long)ceil(c);
    const double dr = r - (double)r0, dc = c - (double)c0;
    const double top = (1 - dc) * px(s, rows, cols, r0, c0) + dc * px(s, rows, cols, r0, c1);
    const double bottom = (1 - dc) * px(s, rows, cols, r1, c0) + dc * px(s, rows, cols, r1, c1);
    return (1 - dr) * top + dr * bottom;
}

void vxf_lbp2d(const vx_filter_spec *f, const double *in, const size_t dims[3], double *out)
{
    const int P = f->lbp_samples;
    const double R = (double)(float)f->lbp_radius;
    double dy[LBP2D_MAX_SAMPLES], dx[LBP2D_MAX_SAMPLES];
    for (int i = 0; i < P; i++) {
        const double a = 2 * 3.141592653589793 * (double)i / (double)P;
        dy[i] = round5(-R * sin(a));
        dx[i] = round5(R * cos(a));
    }
    const ptrdiff_t cols = (ptrdiff_t)dims[0], rows = (ptrdiff_t)dims[1], nz = (ptrdiff_t)dims[2];
    const ptrdiff_t lines = rows * nz;
#pragma omp parallel for schedule(static) if (lines * cols * P > 262144)
    for (ptrdiff_t l = 0; l < lines; l++) {
        const ptrdiff_t r = l % rows, z = l / rows;
        const double *s = in + z * rows * cols;
        for (ptrdiff_t c = 0; c < cols; c++) {
            const double v = s[r * cols + c];
            int ones = 0, changes = 0, prev = 0;
            for (int i = 0; i < P; i++) {
                const double t = bilinear(s, rows, cols, (double)r + dy[i], (double)c + dx[i]);
                const int b = t - v >= 0;
                ones += b;
                if (i > 0)
                    changes += b != prev;
                prev = b;
            }
            out[l * cols + c] = changes <= 2 ? (double)ones : (double)(P + 1);
        }
    }
}

size_t vxf_lbp2d_reach(const vx_filter_spec *f)
{
    /* the points lie within R of the centre (rounding to 5 decimals cannot cross an integer beyond R); the
     * bilinear interpolation reads the voxels at floor and ceil of each coordinate */
    return (size_t)ceil((double)(float)f->lbp_radius);
}

/* ---- LBP3D ------------------------------------------------------------------------------------------------
 *
 * PyRadiomics' spherical-harmonics LBP (getLBP3DImage), evaluated at every voxel p of the image (PyRadiomics
 * evaluates it at the voxels of the mask only; its values there are these):
 *   sampling sphere: the vertices v_j (j = 1..N) of an icosphere of radius r = lbp_icosphere_radius voxels
 *     with s = lbp_icosphere_subdiv subdivisions (trimesh's icosphere: the icosahedron of the cyclic
 *     permutations of (+-1, +-t, 0), t the golden ratio; each subdivision adds the midpoint of every edge;
 *     every vertex projected onto the sphere; N = 10 4^s + 2). The vertex components (a0, a1, a2) are
 *     offsets along the array axes in PyRadiomics' (z, y, x) order: a0 along z, a1 along y, a2 along x.
 *   samples: f_j = the image at p + v_j by cubic B-spline interpolation (scipy's map_coordinates, order 3:
 *     B-spline coefficients by the exact recursive prefilter with mirror-symmetric boundaries; a sample
 *     outside the image grid along any axis reads 0 (mode "constant")).
 *   kurtosis map (lbp_map = 0): m_k = mean_j (f_j - mean f)^k, K = m4 / m2^2 - 3 (scipy.stats.kurtosis,
 *     Fisher, biased); NaN where the samples are constant (m2 <= (1e-15 mean f)^2), as scipy returns it.
 *   level map l = lbp_map >= 1, at most lbp_levels (PyRadiomics' "lbp-3D-m<l>", of degree n = l - 1):
 *     b_j = 1 when f_j >= x(p), else 0;
 *     Y_j^m = Y_n^m(theta_j, phi_j), m = -n..n, scipy's sph_harm(m, n, theta_j, phi_j) with the arguments
 *       PyRadiomics passes: theta_j = acos(a2 / r) as the azimuth and phi_j = atan2(a1, a0) as the polar
 *       angle: Y = sqrt((2n + 1) / (4 pi) (n - m)! / (n + m)!) P_n^m(cos phi_j) e^{i m theta_j}, P_n^m with
 *       the Condon-Shortley phase, Y_n^{-m} = (-1)^m conj(Y_n^m);
 *     c_m = sum_j b_j Y_j^m (no conjugate);  F_j = sum_m c_m Y_j^m;  LBP = Re sqrt(sum_j F_j^2) (complex
 *     square and principal complex square root, as numpy evaluates f ** 2 and sqrt).
 * Reach: the B-spline prefilter is recursive over the whole axis, so every voxel depends on the whole image
 * (SIZE_MAX); its influence decays as (2 - sqrt 3)^d with the distance d in voxels.
 * Where PyRadiomics differs by construction: it hands map_coordinates the image array in its stored type, and
 * scipy writes the samples in that type, so for an integer-typed image (e.g. int16 MR or CT) its f_j are
 * rounded half away from zero before the kurtosis and the comparison; here the samples stay double (the filter
 * receives doubles and does not know the file's type). Its maps hold no values outside the mask; here every
 * voxel has its value. Sample ties (f_j equal to x(p) up to rounding) may fall either way in either tool. */

#define LBP3D_POLE (-0.26794919243112270) /* sqrt(3) - 2, the pole of the cubic B-spline prefilter */

/* cubic B-spline prefilter of n values at stride st in place (gain 6, mirror-symmetric boundaries) */
static void bspline_line(double *v, size_t n, size_t st)
{
    if (n < 2)
        return;
    const double z = LBP3D_POLE;
    for (size_t k = 0; k < n; k++)
        v[k * st] *= 6.0;
    /* causal initialisation: sum over the mirrored sequence of period 2n - 2 */
    const double zn = pow(z, (double)(n - 1));
    double sum = v[0] + zn * v[(n - 1) * st], zk = z;
    for (size_t k = 1; k + 1 < n; k++) {
        sum += zk * (v[k * st] + zn * v[(n - 1 - k) * st]);
        zk *= z;
    }
    v[0] = sum / (1.0 - zn * zn);
    for (size_t k = 1; k < n; k++)
        v[k * st] += z * v[(k - 1) * st];
    v[(n - 1) * st] = (z / (z * z - 1.0)) * (z * v[(n - 2) * st] + v[(n - 1) * st]);
    for (size_t k = n - 1; k-- > 0;)
        v[k * st] = z * (v[(k + 1) * st] - v[k * st]);
}

/* B-spline coefficients of the image (dims), prefiltered along x, y, z */
static void bspline_coeffs(double *c, const size_t dims[3])
{
    const size_t nx = dims[0], ny = dims[1], nz = dims[2];
    const ptrdiff_t nyz = (ptrdiff_t)(ny * nz), nxz = (ptrdiff_t)(nx * nz), nxy = (ptrdiff_t)(nx * ny);
#pragma omp parallel for schedule(static)
    for (ptrdiff_t l = 0; l < nyz; l++)
        bspline_line(c + (size_t)l * nx, nx, 1);
#pragma omp parallel for schedule(static)
    for (ptrdiff_t l = 0; l < nxz; l++)
        bspline_line(c + (size_t)l % nx + (size_t)l / nx * nx * ny, ny, nx);
#pragma omp parallel for schedule(static)
    for (ptrdiff_t l = 0; l < nxy; l++)
        bspline_line(c + l, nz, nx * ny);
}

/* mirror-symmetric index (whole-sample: ... 2 1 | 0 1 .. n-1 | n-2 ...) */
static inline size_t mirror(ptrdiff_t k, size_t n)
{
    if (n == 1)
        return 0;
    const ptrdiff_t p = 2 * ((ptrdiff_t)n - 1);
    k %= p;
    if (k < 0)
        k += p;
    return (size_t)(k < (ptrdiff_t)n ? k : p - k);
}

/* One sphere point's interpolation stencil: per axis (x, y, z) the offset of the first of the 4 coefficients
 * from the voxel, their cubic B-spline weights, and the point's offset itself (the same for every voxel: the
 * voxel coordinates are integers, so floor and fraction come from the offset alone). */
typedef struct stencil {
    double off[3];
    ptrdiff_t first[3];
    double w[3][4];
} stencil;

static void make_stencil(const double off[3], stencil *st)
{
    for (int a = 0; a < 3; a++) {
        const double f = floor(off[a]), u = off[a] - f, u2 = u * u, u3 = u2 * u, v = 1.0 - u;
        st->off[a] = off[a];
        st->first[a] = (ptrdiff_t)f - 1;
        st->w[a][0] = v * v * v / 6.0;
        st->w[a][1] = (4.0 - 6.0 * u2 + 3.0 * u3) / 6.0;
        st->w[a][2] = (1.0 + 3.0 * u + 3.0 * u2 - 3.0 * u3) / 6.0;
        st->w[a][3] = u3 / 6.0;
    }
}

/* The spline at the points (x + off_x, y + off_y, z + off_z) of one stencil for the voxels x = x0 .. x0 + n - 1
 * of row (y, z), into s[0], s[stride], ...: first the 4 x 4 (y, z) coefficient rows combined over the x span
 * the points need (t), then the 4 x taps. A point outside the grid along any axis reads 0. */
static void bspline_row(const double *c, const size_t dims[3], size_t x0, size_t n, size_t y, size_t z,
                        const stencil *st, double *t, double *s, size_t stride)
{
    const double ty = (double)y + st->off[1], tz = (double)z + st->off[2];
    if (!(ty >= 0.0) || ty > (double)(dims[1] - 1) || !(tz >= 0.0) || tz > (double)(dims[2] - 1)) {
        for (size_t k = 0; k < n; k++)
            s[k * stride] = 0.0;
        return;
    }
    const size_t nx = dims[0], nxy = dims[0] * dims[1];
    const double *rows[16];
    for (int kz = 0; kz < 4; kz++)
        for (int ky = 0; ky < 4; ky++)
            rows[4 * kz + ky] = c + mirror((ptrdiff_t)z + st->first[2] + kz, dims[2]) * nxy +
                                mirror((ptrdiff_t)y + st->first[1] + ky, dims[1]) * nx;
    double wyz[16];
    for (int kz = 0; kz < 4; kz++)
        for (int ky = 0; ky < 4; ky++)
            wyz[4 * kz + ky] = st->w[2][kz] * st->w[1][ky];
    const ptrdiff_t xs = (ptrdiff_t)x0 + st->first[0]; /* t[k] holds coefficient column xs + k */
    for (size_t k = 0; k < n + 3; k++) {
        const ptrdiff_t xx = xs + (ptrdiff_t)k;
        const size_t i = xx >= 0 && xx < (ptrdiff_t)nx ? (size_t)xx : mirror(xx, nx);
        double acc = 0.0;
        for (int q = 0; q < 16; q++)
            acc += wyz[q] * rows[q][i];
        t[k] = acc;
    }
    for (size_t k = 0; k < n; k++) {
        const double tx = (double)(x0 + k) + st->off[0];
        s[k * stride] = !(tx >= 0.0) || tx > (double)(nx - 1)
                            ? 0.0
                            : st->w[0][0] * t[k] + st->w[0][1] * t[k + 1] + st->w[0][2] * t[k + 2] +
                                  st->w[0][3] * t[k + 3];
    }
}

/* icosphere vertices (3 per vertex) of radius r and s subdivisions into a new array; *nv their count */
static double *icosphere(int s, double r, size_t *nv)
{
    const double t = (1.0 + sqrt(5.0)) / 2.0;
    const double ico[12][3] = {{-1, t, 0}, {1, t, 0},   {-1, -t, 0}, {1, -t, 0}, {0, -1, t}, {0, 1, t},
                               {0, -1, -t}, {0, 1, -t}, {t, 0, -1},  {t, 0, 1},  {-t, 0, -1}, {-t, 0, 1}};
    const int faces[20][3] = {{0, 11, 5}, {0, 5, 1},  {0, 1, 7},   {0, 7, 10}, {0, 10, 11}, {1, 5, 9},  {5, 11, 4},
                              {11, 10, 2}, {10, 7, 6}, {7, 1, 8},   {3, 9, 4},  {3, 4, 2},   {3, 2, 6},  {3, 6, 8},
                              {3, 8, 9},  {4, 9, 5},  {2, 4, 11}, {6, 2, 10}, {8, 6, 7},   {9, 8, 1}};
    size_t n = 12, nf = 20;
    size_t cap_v = 10 * ((size_t)1 << (2 * s)) + 2, cap_f = 20 * ((size_t)1 << (2 * s));
    double *v = malloc(cap_v * 3 * sizeof *v);
    int *f = malloc(cap_f * 3 * sizeof *f), *g = malloc(cap_f * 3 * sizeof *g);
    /* midpoint of edge (a, b): looked up in a table of the edges seen (linear in the vertex count) */
    int *edge_a = malloc(cap_v * sizeof *edge_a), *edge_b = malloc(cap_v * sizeof *edge_b);
    if (!v || !f || !g || !edge_a || !edge_b) {
        free(v), free(f), free(g), free(edge_a), free(edge_b);
        return NULL;
    }
    memcpy(v, ico, sizeof ico);
    memcpy(f, faces, sizeof faces);
    for (int it = 0; it < s; it++) {
        const size_t n0 = n;
        for (size_t fi = 0; fi < nf; fi++) {
            int mid[3];
            for (int e = 0; e < 3; e++) {
                int a = f[3 * fi + e], b = f[3 * fi + (e + 1) % 3];
                if (a > b) {
                    const int tmp = a;
                    a = b, b = tmp;
                }
                size_t k = n0;
                while (k < n && !(edge_a[k] == a && edge_b[k] == b))
                    k++;
                if (k == n) {
                    edge_a[n] = a, edge_b[n] = b;
                    for (int d = 0; d < 3; d++)
                        v[3 * n + d] = 0.5 * (v[3 * (size_t)a + d] + v[3 * (size_t)b + d]);
                    n++;
                }
                mid[e] = (int)k;
            }
            const int *q = f + 3 * fi;
            const int nt[4][3] = {{q[0], mid[0], mid[2]}, {q[1], mid[1], mid[0]}, {q[2], mid[2], mid[1]},
                                  {mid[0], mid[1], mid[2]}};
            memcpy(g + 12 * fi, nt, sizeof nt);
        }
        nf *= 4;
        int *tmp = f;
        f = g, g = tmp;
        for (size_t k = 0; k < n; k++) { /* onto the unit sphere */
            const double l = sqrt(v[3 * k] * v[3 * k] + v[3 * k + 1] * v[3 * k + 1] + v[3 * k + 2] * v[3 * k + 2]);
            for (int d = 0; d < 3; d++)
                v[3 * k + d] /= l;
        }
    }
    for (size_t k = 0; k < n; k++) { /* radius r */
        const double l = sqrt(v[3 * k] * v[3 * k] + v[3 * k + 1] * v[3 * k + 1] + v[3 * k + 2] * v[3 * k + 2]);
        for (int d = 0; d < 3; d++)
            v[3 * k + d] = v[3 * k + d] / l * r;
    }
    free(f), free(g), free(edge_a), free(edge_b);
    *nv = n;
    return v;
}

/* Y_n^m(azimuth az, polar angle pol) for m = -n..n into y[m + n] (scipy's sph_harm convention) */
static void sph_harm_row(int n, double az, double pol, double complex *y)
{
    const double x = cos(pol), sx = sqrt(fmax(0.0, 1.0 - x * x));
    for (int m = 0; m <= n; m++) {
        /* P_n^m(x) with the Condon-Shortley phase, by the recurrence in the degree */
        double pmm = 1.0;
        for (int k = 1; k <= m; k++)
            pmm *= -(2.0 * k - 1.0) * sx;
        double p = pmm;
        if (n > m) {
            double p1 = x * (2.0 * m + 1.0) * pmm, p0 = pmm;
            for (int l = m + 2; l <= n; l++) {
                const double p2 = (x * (2.0 * l - 1.0) * p1 - (l + m - 1.0) * p0) / (double)(l - m);
                p0 = p1, p1 = p2;
            }
            p = p1;
        }
        double ratio = 1.0; /* (n - m)! / (n + m)! */
        for (int k = 1; k <= 2 * m; k++)
            ratio /= (double)(n - m + k);
        const double norm = sqrt((2.0 * n + 1.0) / (4.0 * 3.141592653589793) * ratio);
        const double complex e = cexp(I * (double)m * az);
        y[n + m] = norm * p * e;
        if (m > 0)
            y[n - m] = ((m & 1) ? -1.0 : 1.0) * conj(y[n + m]);
    }
}

/* Re sqrt(x + i y), the principal root (NumPy's sqrt of a complex sum, as PyRadiomics takes it), without
 * cancellation for x < 0 */
static double sqrt_re(double x, double y)
{
    const double r = hypot(x, y);
    if (x >= 0.0)
        return sqrt(0.5 * (r + x));
    const double t = sqrt(0.5 * (r - x));
    return t > 0.0 ? fabs(y) / (2.0 * t) : 0.0;
}

/* kurtosis of the samples (NaN when constant) */
static double kurtosis(const double *s, size_t n)
{
    double mean = 0.0;
    for (size_t j = 0; j < n; j++)
        mean += s[j];
    mean /= (double)n;
    double m2 = 0.0, m4 = 0.0;
    for (size_t j = 0; j < n; j++) {
        const double d = s[j] - mean, d2 = d * d;
        m2 += d2;
        m4 += d2 * d2;
    }
    m2 /= (double)n;
    m4 /= (double)n;
    if (m2 <= (1e-15 * mean) * (1e-15 * mean))
        return NAN;
    return m4 / (m2 * m2) - 3.0;
}

int vxf_lbp3d(const vx_filter_spec *f, const double *in, const size_t dims[3], double *out, vx_error *err)
{
    const char *kn = vx_filter_kind_name(f->kind);
    const double r = f->lbp_icosphere_radius;
    const int level = f->lbp_map, n = level - 1;
    size_t nv = 0;
    double *v = icosphere(f->lbp_icosphere_subdiv, r, &nv);
    const size_t nvox = dims[0] * dims[1] * dims[2];
    double *c = malloc(nvox * sizeof *c);
    double complex *Y = level > 0 ? malloc(nv * (size_t)(2 * n + 1) * sizeof *Y) : NULL;
    if (!v || !c || (level > 0 && !Y)) {
        free(v), free(c), free(Y);
        return vx_error_set(err, VX_ENOMEM, "filter %s: out of memory for the B-spline coefficients (%zu voxels)", kn,
                            nvox);
    }
    stencil *sten = malloc(nv * sizeof *sten);
    if (!sten) {
        free(v), free(c), free(Y);
        return vx_error_set(err, VX_ENOMEM, "filter %s: out of memory for the sphere points (%zu)", kn, nv);
    }
    for (size_t j = 0; j < nv; j++) /* (x, y, z) offsets: the vertex's (a2, a1, a0) */
        make_stencil((const double[3]){v[3 * j + 2], v[3 * j + 1], v[3 * j]}, &sten[j]);
    memcpy(c, in, nvox * sizeof *c);
    bspline_coeffs(c, dims);
    if (level > 0)
        for (size_t j = 0; j < nv; j++) {
            /* the ratio clamped: a vertex on the axis may sit an ulp beyond r */
            const double theta = acos(fmax(-1.0, fmin(1.0, v[3 * j + 2] / r))), phi = atan2(v[3 * j + 1], v[3 * j]);
            sph_harm_row(n, theta, phi, Y + j * (size_t)(2 * n + 1));
        }
    const ptrdiff_t rows = (ptrdiff_t)(dims[1] * dims[2]);
    const size_t nx = dims[0], nm = level > 0 ? (size_t)(2 * n + 1) : 0;
    int failed = 0;
    const double *Yr = (const double *)Y; /* re, im pairs (C17 6.2.5: a complex is an array of two reals) */
    double G[2 * (2 * LBP3D_MAX_LEVELS - 1) * (2 * LBP3D_MAX_LEVELS - 1)];
    for (size_t m = 0; m < nm; m++)
        for (size_t m2 = 0; m2 < nm; m2++) {
            double gr = 0.0, gi = 0.0;
            for (size_t j = 0; j < nv; j++) {
                const double *a = Yr + 2 * (j * nm + m), *b = Yr + 2 * (j * nm + m2);
                gr += a[0] * b[0] - a[1] * b[1];
                gi += a[0] * b[1] + a[1] * b[0];
            }
            G[2 * (m * nm + m2)] = gr, G[2 * (m * nm + m2) + 1] = gi;
        }
    const size_t chunk = nv >= 4096 ? 16 : 65536 / nv; /* voxels per block of samples */
#pragma omp parallel
    {
        double *s = malloc(chunk * nv * sizeof *s), *t = malloc((chunk + 3) * sizeof *t);
        double *cm = malloc((nm ? 2 * nm : 1) * sizeof *cm);
        if (!s || !t || !cm) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 4)
        for (ptrdiff_t l = 0; l < rows; l++) {
            if (!s || !t || !cm)
                continue;
            const size_t y = (size_t)l % dims[1], z = (size_t)l / dims[1];
            for (size_t x0 = 0; x0 < nx; x0 += chunk) {
                const size_t len = nx - x0 < chunk ? nx - x0 : chunk;
                for (size_t j = 0; j < nv; j++)
                    bspline_row(c, dims, x0, len, y, z, &sten[j], t, s + j, nv);
                for (size_t k = 0; k < len; k++) {
                    const size_t p = (size_t)l * nx + x0 + k;
                    const double *sk = s + k * nv;
                    if (level == 0) {
                        out[p] = kurtosis(sk, nv);
                        continue;
                    }
                    /* complex arithmetic written out (as numpy multiplies: no C99 Annex G NaN recovery) */
                    for (size_t m = 0; m < 2 * nm; m++)
                        cm[m] = 0.0;
                    for (size_t j = 0; j < nv; j++)
                        if (sk[j] >= in[p])
                            for (size_t m = 0; m < 2 * nm; m++)
                                cm[m] += Yr[2 * j * nm + m];
                    /* sum_j F_j^2 = sum_{m, m'} c_m c_m' G_mm', G_mm' = sum_j Y_j^m Y_j^m' */
                    double sr = 0.0, si = 0.0;
                    for (size_t m = 0; m < nm; m++)
                        for (size_t m2 = 0; m2 < nm; m2++) {
                            const double pr = cm[2 * m] * cm[2 * m2] - cm[2 * m + 1] * cm[2 * m2 + 1];
                            const double pi = cm[2 * m] * cm[2 * m2 + 1] + cm[2 * m + 1] * cm[2 * m2];
                            const double *g = G + 2 * (m * nm + m2);
                            sr += pr * g[0] - pi * g[1];
                            si += pr * g[1] + pi * g[0];
                        }
                    out[p] = sqrt_re(sr, si);
                }
            }
        }
        free(s);
        free(t);
        free(cm);
    }
    free(v), free(c), free(Y), free(sten);
    if (failed)
        return vx_error_set(err, VX_ENOMEM, "filter %s: out of memory for the sphere samples (%zu vertices)", kn, nv);
    return VX_OK;
}

size_t vxf_lbp3d_reach(const vx_filter_spec *f)
{
    (void)f;
    return SIZE_MAX;
}

int vxf_lbp_check(const vx_filter_spec *f, vx_error *err)
{
    const char *kn = vx_filter_kind_name(f->kind);
    if (f->kind == VX_FILTER_LBP2D) {
        const double r = f->lbp_radius;
        if (!isfinite(r) || !((float)r > 0.0f) || r > 1e6)
            return vx_error_set(err, VX_EINVAL, "filter %s: lbp_radius %g voxels; use a radius > 0 (at most 1e6)", kn,
                                r);
        if (f->lbp_samples < 1 || f->lbp_samples > LBP2D_MAX_SAMPLES)
            return vx_error_set(err, VX_EINVAL, "filter %s: lbp_samples %d; use 1 to %d points", kn, f->lbp_samples,
                                LBP2D_MAX_SAMPLES);
        return VX_OK;
    }
    if (f->dim != 3)
        return vx_error_set(err, VX_EINVAL, "filter %s: dimensionality %d; the 3D LBP exists in 3D only (dim 3)", kn,
                            f->dim);
    if (f->lbp_levels < 1 || f->lbp_levels > LBP3D_MAX_LEVELS)
        return vx_error_set(err, VX_EINVAL, "filter %s: lbp_levels %d; use 1 to %d", kn, f->lbp_levels,
                            LBP3D_MAX_LEVELS);
    if (f->lbp_map < 0 || f->lbp_map > f->lbp_levels)
        return vx_error_set(err, VX_EINVAL,
                            "filter %s: lbp_map %d; use 1 to lbp_levels (%d: the map of that level) or 0 (the kurtosis "
                            "map)", kn, f->lbp_map, f->lbp_levels);
    const double r = f->lbp_icosphere_radius;
    if (!isfinite(r) || !(r > 0.0) || r > 1e3)
        return vx_error_set(err, VX_EINVAL,
                            "filter %s: lbp_icosphere_radius %g voxels; use a radius > 0 (at most 1000)", kn, r);
    if (f->lbp_icosphere_subdiv < 0 || f->lbp_icosphere_subdiv > LBP3D_MAX_SUBDIV)
        return vx_error_set(err, VX_EINVAL, "filter %s: lbp_icosphere_subdiv %d; use 0 to %d subdivisions", kn,
                            f->lbp_icosphere_subdiv, LBP3D_MAX_SUBDIV);
    return VX_OK;
}
