/* voxomics: PyRadiomics' image types "Square", "SquareRoot", "Logarithm", "Exponential" and "Gradient" (not
 * IBSI 2 filters: IBSI 2 has no id for them; definitions of PyRadiomics' imageoperations, its documented
 * formulas), and the dispatch of the PyRadiomics kinds (the LBP maps are in pyrad_lbp.c).
 *
 * With M = max |x| over the image (over every axial slice on its own when dim = 2), x a voxel's intensity:
 *   square       f(x) = (c x)^2,                     c = 1 / sqrt(M)
 *   squareroot   f(x) = sign(x) sqrt(|x| M)
 *   logarithm    f(x) = sign(x) c log(|x| + 1),       c = M / log(M + 1)   (so that max |f| = M)
 *   exponential  f(x) = exp(c x),                     c = log(M) / M       (so that f(M) = M)
 * evaluated in double in the order PyRadiomics evaluates them (c x then squared; log(x + 1) then times
 * M / max |log|). A NaN voxel stays NaN and is left out of M. An image that is zero everywhere (M = 0, where
 * the formulas divide by zero) maps to 0 (square, square root, logarithm: f(0) = 0) and to 1 (exponential:
 * exp(0)).
 *   gradient     f = |grad x| = sqrt(sum_a g_a^2),   g_a = (x[i + e_a] - x[i - e_a]) / (2 s_a)
 * central differences along every axis (x and y only when dim = 2), the edge voxel repeated outside the image
 * (ITK's GradientMagnitudeImageFilter, which PyRadiomics calls, with its zero-flux Neumann boundary), s_a the
 * spacing in mm (gradient_spacing = 1, PyRadiomics' gradientUseSpacing true) or 1 (gradient_spacing = 0).
 * PyRadiomics stores the gradient as float32; here it stays double.
 *
 * Reach: SIZE_MAX for the four voxel-wise maps (M is global), 1 for the gradient.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>

#include "filter_impl.h"
#include "pyrad_lbp.h"

/* max |x| over n voxels at stride 1, NaN skipped (0 when there is none) */
static double abs_max(const double *v, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double a = fabs(v[i]);
        if (a > m)
            m = a;
    }
    return m;
}

/* one voxel-wise map over n voxels whose max |x| is M */
static void pointwise(vx_filter_kind kind, const double *in, size_t n, double M, double *out)
{
    const ptrdiff_t nn = (ptrdiff_t)n;
    if (!(M > 0.0)) { /* every voxel 0 (or NaN) */
        const double z = kind == VX_FILTER_EXPONENTIAL ? 1.0 : 0.0;
        for (ptrdiff_t i = 0; i < nn; i++)
            out[i] = isnan(in[i]) ? in[i] : z;
        return;
    }
    switch (kind) {
    case VX_FILTER_SQUARE: {
        const double c = 1.0 / sqrt(M);
#pragma omp parallel for schedule(static) if (nn > 65536)
        for (ptrdiff_t i = 0; i < nn; i++) {
            const double y = c * in[i];
            out[i] = y * y;
        }
        break;
    }
    case VX_FILTER_SQUAREROOT:
#pragma omp parallel for schedule(static) if (nn > 65536)
        for (ptrdiff_t i = 0; i < nn; i++) {
            const double x = in[i];
            out[i] = x > 0.0 ? sqrt(x * M) : x < 0.0 ? -sqrt(-x * M) : x;
        }
        break;
    case VX_FILTER_LOGARITHM: {
        /* max |log(|x| + 1)| is log(M + 1) (log is increasing; 1 - x for x < 0 is |x| + 1 exactly) */
        const double c = M / log(M + 1.0);
#pragma omp parallel for schedule(static) if (nn > 65536)
        for (ptrdiff_t i = 0; i < nn; i++) {
            const double x = in[i];
            const double l = x > 0.0 ? log(x + 1.0) : x < 0.0 ? -log(-(x - 1.0)) : x;
            out[i] = l * c;
        }
        break;
    }
    default: { /* VX_FILTER_EXPONENTIAL */
        const double c = log(M) / M;
#pragma omp parallel for schedule(static) if (nn > 65536)
        for (ptrdiff_t i = 0; i < nn; i++)
            out[i] = exp(c * in[i]);
        break;
    }
    }
}

static void voxelwise(const vx_filter_spec *f, const double *in, const size_t dims[3], double *out)
{
    const size_t n = dims[0] * dims[1] * dims[2];
    if (f->dim == 3) {
        pointwise(f->kind, in, n, abs_max(in, n), out);
        return;
    }
    const size_t ns = dims[0] * dims[1];
    for (size_t z = 0; z < dims[2]; z++)
        pointwise(f->kind, in + z * ns, ns, abs_max(in + z * ns, ns), out + z * ns);
}

/* central difference (x[+] - x[-]) * h along one axis at index k of n, stride st, edge repeated */
static inline double cdiff(const double *p, size_t k, size_t n, size_t st, double h)
{
    const double hi = k + 1 < n ? p[st] : p[0];
    const double lo = k > 0 ? p[-(ptrdiff_t)st] : p[0];
    return (hi - lo) * h;
}

static void gradient(const vx_filter_spec *f, const double *in, const size_t dims[3], const double spacing[3],
                     double *out)
{
    const size_t nx = dims[0], ny = dims[1], nz = dims[2], sy = nx, sz = nx * ny;
    double h[3];
    for (int a = 0; a < 3; a++)
        h[a] = 0.5 / (f->gradient_spacing ? spacing[a] : 1.0);
    const int use_z = f->dim == 3;
    const ptrdiff_t rows = (ptrdiff_t)(ny * nz);
#pragma omp parallel for schedule(static) if (rows * (ptrdiff_t)nx > 65536)
    for (ptrdiff_t r = 0; r < rows; r++) {
        const size_t y = (size_t)r % ny, z = (size_t)r / ny;
        const double *p = in + (size_t)r * sy;
        double *o = out + (size_t)r * sy;
        for (size_t x = 0; x < nx; x++) {
            const double gx = cdiff(p + x, x, nx, 1, h[0]);
            const double gy = cdiff(p + x, y, ny, sy, h[1]);
            const double gz = use_z ? cdiff(p + x, z, nz, sz, h[2]) : 0.0;
            o[x] = sqrt(gx * gx + gy * gy + gz * gz);
        }
    }
}

int vxf_pyrad_apply(vx_fft_cache *c, const vx_filter_spec *f, const double *in, const size_t dims[3],
                    const double spacing[3], double *out, vx_error *err)
{
    (void)c;
    switch (f->kind) {
    case VX_FILTER_SQUARE:
    case VX_FILTER_SQUAREROOT:
    case VX_FILTER_LOGARITHM:
    case VX_FILTER_EXPONENTIAL:
        voxelwise(f, in, dims, out);
        return VX_OK;
    case VX_FILTER_GRADIENT:
        gradient(f, in, dims, spacing, out);
        return VX_OK;
    case VX_FILTER_LBP2D:
        vxf_lbp2d(f, in, dims, out);
        return VX_OK;
    case VX_FILTER_LBP3D:
        return vxf_lbp3d(f, in, dims, out, err);
    default:
        return vx_error_set(err, VX_EINVAL, "filter %s: not a PyRadiomics image type", vx_filter_kind_name(f->kind));
    }
}

void vxf_pyrad_reach(const vx_filter_spec *f, const double spacing[3], size_t reach[3])
{
    (void)spacing;
    size_t r = SIZE_MAX;
    switch (f->kind) {
    case VX_FILTER_GRADIENT:
        r = 1;
        break;
    case VX_FILTER_LBP2D:
        r = vxf_lbp2d_reach(f);
        reach[0] = reach[1] = r;
        reach[2] = 0;
        return;
    case VX_FILTER_LBP3D:
        r = vxf_lbp3d_reach(f);
        break;
    default:
        break;
    }
    reach[0] = reach[1] = reach[2] = r;
}

int vxf_pyrad_check(const vx_filter_spec *f, vx_error *err)
{
    const char *kn = vx_filter_kind_name(f->kind);
    switch (f->kind) {
    case VX_FILTER_GRADIENT:
        if (f->gradient_spacing != 0 && f->gradient_spacing != 1)
            return vx_error_set(err, VX_EINVAL,
                                "filter %s: gradient_spacing %d; use 1 (differences per mm) or 0 (per voxel)", kn,
                                f->gradient_spacing);
        return VX_OK;
    case VX_FILTER_LBP2D:
    case VX_FILTER_LBP3D:
        return vxf_lbp_check(f, err);
    default:
        return VX_OK;
    }
}
