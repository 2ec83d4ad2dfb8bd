/* voxomics: PyRadiomics' image processing before the ROI (compat pyradiomics; voxomics/roi.h, "PyRadiomics'
 * image processing").
 *
 * PyRadiomics (featureextractor.loadImage, imageoperations) processes the whole image in this order:
 * normalisation (normalizeImage: SimpleITK's Normalize, i.e. ITK's NormalizeImageFilter, then optional
 * clipping of outliers, then the scale), then resampling (resampleImage: SimpleITK's ResampleImageFilter on a
 * grid built from the mask's bounding box), then the mask checks (checkMask), re-segmentation (resegmentMask)
 * and the checks again. This file computes those steps with the arithmetic of the tools PyRadiomics calls:
 *
 * Normalisation: mean and sample standard deviation (n - 1) of every voxel of the image; each voxel becomes
 * ((x - mean) * (1 / sd)), clipped to [-k, k] when removeOutliers k is given, times the scale.
 *
 * Resampling grid (resampleImage): a new spacing of 0 keeps the mask's spacing, and so does an axis along
 * which the ROI's bounding box is one voxel; with r = old spacing / new spacing per axis and the box [L, L + S)
 * in voxels, the new box runs from floor((L - 0.5) r - pad) to ceil((L + S - 0.5) r + pad), clipped to
 * [0, ceil(N r) - 1]; the new origin is the input point at continuous index 0.5 (s' - s) / s + lower / r.
 * When the new spacing equals the image's (numpy.allclose) nothing is interpolated.
 *
 * Interpolation (itk::ResampleImageFilter with an identity transform): the continuous input index of an output
 * voxel is computed as ITK computes it (the first and one-past-last voxel of each output row mapped to the
 * input, then interpolated along the row); points outside [-0.5, N - 0.5) on any axis get 0; inside:
 *   nearest neighbour: the voxel at floor(c + 0.5);
 *   linear: base voxel floor(c) (at least 0), the distance to it (at least 0), the neighbour above clamped to
 *     the last voxel, nested linear steps along x, then y, then z;
 *   B-spline (order 3): coefficients of the whole image, per axis and line, with the gain 6, the pole
 *     z = sqrt(3) - 2, the causal start sum_{n < 18} z^n c[n] (a horizon of ceil(ln 1e-10 / ln |z|) terms; lines
 *     of at most 18 voxels: the exact mirror sum) and the anti-causal start z / (z^2 - 1) (z c[N-2] + c[N-1]);
 *     evaluation on the 4 x 4 x 4 coefficients from floor((float) c) - 1, mirrored at both ends (i < 0 -> -i,
 *     i > N - 1 -> 2 (N - 1) - i), with ITK's cubic weights, summed x fastest.
 * The result is cast to the input's pixel type (vx_image.pixel_type): integer types are clamped to their
 * range and truncated toward zero, as ITK's ResampleImageFilter casts. The mask is resampled by nearest
 * neighbour.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/roi.h"

/* ---- normalisation ---- */
int vx_pyrad_normalize(vx_image *img, double scale, double outliers, vx_error *err)
{
    const size_t n = vx_geometry_count(&img->geom);
    if (n < 2)
        return vx_error_set(err, VX_EINVAL, "normalisation needs at least 2 voxels, the image has %zu", n);
    /* compensated sums of x and x^2, as ITK's StatisticsImageFilter */
    double s = 0.0, cs = 0.0, q = 0.0, cq = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double x = img->v[i];
        if (!isfinite(x))
            return vx_error_set(err, VX_ENAN, "normalisation: the image has a non-finite voxel (%g): fix the image",
                                x);
        double y = x - cs, t = s + y;
        cs = (t - s) - y;
        s = t;
        y = x * x - cq;
        t = q + y;
        cq = (t - q) - y;
        q = t;
    }
    const double cnt = (double)n;
    const double mean = s / cnt;
    const double var = (q - (s * s / cnt)) / (cnt - 1.0);
    const double sd = sqrt(var);
    if (!(sd > 0.0))
        return vx_error_set(err, VX_EINVAL,
                            "normalisation: the image is flat (standard deviation 0): set normalize false");
    const double inv = 1.0 / sd, shift = -mean;
    for (size_t i = 0; i < n; i++) {
        double v = ((double)img->v[i] + shift) * inv;
        if (outliers > 0.0) {
            v = v > outliers ? outliers : v;
            v = v < -outliers ? -outliers : v;
        }
        img->v[i] = (float)(v * scale);
    }
    img->pixel_type = VX_PIXEL_REAL; /* SimpleITK's Normalize gives a real image */
    return VX_OK;
}

/* ---- ITK's index <-> physical point mappings ---- */
typedef struct itk_map {
    double m[9];   /* index -> physical: direction * diag(spacing), row-major */
    double inv[9]; /* physical -> index */
    double origin[3];
} itk_map;

static void map_of(const vx_geometry *g, itk_map *mp)
{
    for (int r = 0; r < 3; r++) {
        mp->origin[r] = g->origin[r];
        for (int c = 0; c < 3; c++) {
            mp->m[r * 3 + c] = g->direction[r * 3 + c] * g->spacing[c];
            /* the inverse of D diag(s) for orthonormal D: diag(1/s) D^T */
            mp->inv[r * 3 + c] = g->direction[c * 3 + r] / g->spacing[r];
        }
    }
}

static void index_to_point(const itk_map *mp, const double idx[3], double p[3])
{
    for (int r = 0; r < 3; r++) {
        double v = mp->origin[r];
        for (int c = 0; c < 3; c++)
            v += mp->m[r * 3 + c] * idx[c];
        p[r] = v;
    }
}

static void point_to_cindex(const itk_map *mp, const double p[3], double c[3])
{
    double d[3];
    for (int k = 0; k < 3; k++)
        d[k] = p[k] - mp->origin[k];
    for (int r = 0; r < 3; r++) {
        double v = 0.0;
        for (int k = 0; k < 3; k++)
            v += mp->inv[r * 3 + k] * d[k];
        c[r] = v;
    }
}

/* ---- B-spline coefficients (order 3, mirror boundaries) ---- */
static void bspline_line(double *c, size_t n)
{
    if (n == 1)
        return;
    const double z = sqrt(3.0) - 2.0;
    const double gain = 1.0 * (1.0 - z) * (1.0 - 1.0 / z);
    for (size_t i = 0; i < n; i++)
        c[i] *= gain;
    /* causal start */
    const size_t horizon = (size_t)ceil(log(1e-10) / log(fabs(z)));
    double zn = z;
    if (horizon < n) {
        double sum = c[0];
        for (size_t i = 1; i < horizon; i++) {
            sum += zn * c[i];
            zn *= z;
        }
        c[0] = sum;
    } else {
        const double iz = 1.0 / z;
        double z2n = pow(z, (double)(n - 1));
        double sum = c[0] + z2n * c[n - 1];
        z2n *= z2n * iz;
        for (size_t i = 1; i + 1 < n; i++) {
            sum += (zn + z2n) * c[i];
            zn *= z;
            z2n *= iz;
        }
        c[0] = sum / (1.0 - zn * zn);
    }
    for (size_t i = 1; i < n; i++)
        c[i] += z * c[i - 1];
    c[n - 1] = (z / (z * z - 1.0)) * (z * c[n - 2] + c[n - 1]);
    for (size_t i = n - 1; i-- > 0;)
        c[i] = z * (c[i + 1] - c[i]);
}

/* B-spline coefficients of the image restricted to the columns x0 <= x < x0 + w (all y and z): each line along
 * x is the image's whole line (only its columns in the range kept), and the passes along y and z run on
 * those columns, so the values are those of the whole image's coefficients, axis by axis (x, y, z), as ITK
 * computes them; memory w * ny * nz instead of the whole image. */
typedef struct bcoef {
    double *c;
    size_t x0, w, ny, nz;
} bcoef;

static int bspline_coefficients(const vx_image *img, size_t x0, size_t w, bcoef *out)
{
    const size_t *d = img->geom.dims;
    const size_t longest = d[0] > d[1] ? (d[0] > d[2] ? d[0] : d[2]) : (d[1] > d[2] ? d[1] : d[2]);
    double *c = malloc(w * d[1] * d[2] * sizeof *c), *line = malloc(longest * sizeof *line);
    if (!c || !line) {
        free(c);
        free(line);
        return VX_ENOMEM;
    }
    for (size_t z = 0; z < d[2]; z++) /* x: whole lines of the image */
        for (size_t y = 0; y < d[1]; y++) {
            const float *src = img->v + d[0] * (y + d[1] * z);
            for (size_t k = 0; k < d[0]; k++)
                line[k] = src[k];
            bspline_line(line, d[0]);
            memcpy(c + w * (y + d[1] * z), line + x0, w * sizeof *c);
        }
    const size_t stride[3] = {1, w, w * d[1]};
    for (int a = 1; a < 3; a++) { /* y, then z */
        const int e = a == 1 ? 2 : 1;
        for (size_t j = 0; j < d[e]; j++)
            for (size_t i = 0; i < w; i++) {
                double *base = c + i + j * stride[e];
                for (size_t k = 0; k < d[a]; k++)
                    line[k] = base[k * stride[a]];
                bspline_line(line, d[a]);
                for (size_t k = 0; k < d[a]; k++)
                    base[k * stride[a]] = line[k];
            }
    }
    free(line);
    *out = (bcoef){c, x0, w, d[1], d[2]};
    return VX_OK;
}

static double bspline_eval(const bcoef *bc, const size_t d[3], const double x[3])
{
    long idx[3][4];
    double w[3][4];
    for (int a = 0; a < 3; a++) {
        long i0 = (long)floor((double)(float)x[a]) - 1;
        for (int k = 0; k < 4; k++)
            idx[a][k] = i0 + k;
        const double t = x[a] - (double)idx[a][1];
        w[a][3] = (1.0 / 6.0) * t * t * t;
        w[a][0] = (1.0 / 6.0) + 0.5 * t * (t - 1.0) - w[a][3];
        w[a][2] = t + w[a][0] - 2.0 * w[a][3];
        w[a][1] = 1.0 - w[a][0] - w[a][2] - w[a][3];
        const long end = (long)d[a] - 1;
        for (int k = 0; k < 4; k++) {
            if (d[a] == 1) {
                idx[a][k] = 0;
                continue;
            }
            if (idx[a][k] < 0)
                idx[a][k] = -idx[a][k];
            if (idx[a][k] >= end)
                idx[a][k] = end - (idx[a][k] - end);
        }
    }
    double sum = 0.0;
    for (int kz = 0; kz < 4; kz++)
        for (int ky = 0; ky < 4; ky++)
            for (int kx = 0; kx < 4; kx++) {
                double ww = 1.0;
                ww *= w[0][kx];
                ww *= w[1][ky];
                ww *= w[2][kz];
                const size_t xi = (size_t)idx[0][kx] - bc->x0;
                sum += ww * bc->c[xi + bc->w * ((size_t)idx[1][ky] + bc->ny * (size_t)idx[2][kz])];
            }
    return sum;
}

static double linear_eval(const float *v, const size_t d[3], const double x[3])
{
    long b0[3], b1[3];
    double t[3];
    for (int a = 0; a < 3; a++) {
        long b = (long)floor(x[a]);
        b = b < 0 ? 0 : b;
        const double dist = x[a] - (double)b;
        t[a] = dist > 0.0 ? dist : 0.0;
        b0[a] = b;
        b1[a] = b + 1 > (long)d[a] - 1 ? b : b + 1;
    }
#define V(i, j, k) ((double)v[(size_t)(i) + d[0] * ((size_t)(j) + d[1] * (size_t)(k))])
    const double v000 = V(b0[0], b0[1], b0[2]), v100 = V(b1[0], b0[1], b0[2]);
    const double v010 = V(b0[0], b1[1], b0[2]), v110 = V(b1[0], b1[1], b0[2]);
    const double v001 = V(b0[0], b0[1], b1[2]), v101 = V(b1[0], b0[1], b1[2]);
    const double v011 = V(b0[0], b1[1], b1[2]), v111 = V(b1[0], b1[1], b1[2]);
#undef V
    const double x00 = v000 + (v100 - v000) * t[0], x10 = v010 + (v110 - v010) * t[0];
    const double x01 = v001 + (v101 - v001) * t[0], x11 = v011 + (v111 - v011) * t[0];
    const double xy0 = x00 + (x10 - x00) * t[1], xy1 = x01 + (x11 - x01) * t[1];
    return xy0 + (xy1 - xy0) * t[2];
}

static double nearest_eval(const float *v, const size_t d[3], const double x[3])
{
    size_t i[3];
    for (int a = 0; a < 3; a++) {
        double r = floor(x[a] + 0.5);
        i[a] = r < 0.0 ? 0 : r > (double)(d[a] - 1) ? d[a] - 1 : (size_t)r;
    }
    return (double)v[i[0] + d[0] * (i[1] + d[1] * i[2])];
}

int vx_pyrad_resample_onto(const vx_image *src, const vx_geometry *grid, vx_interp interp, vx_image **out,
                           vx_error *err)
{
    *out = NULL;
    if ((unsigned)interp > VX_INTERP_CUBIC)
        return vx_error_set(err, VX_EINVAL, "resampling: unknown interpolator %d", (int)interp);
    vx_image *o = vx_image_new(grid);
    if (!o)
        return vx_error_set(err, VX_ENOMEM, "resampling: out of memory for a %zux%zux%zu grid", grid->dims[0],
                            grid->dims[1], grid->dims[2]);
    o->pixel_type = src->pixel_type;
    itk_map in, om;
    map_of(&src->geom, &in);
    map_of(grid, &om);
    const size_t *d = src->geom.dims, *g = grid->dims;
    bcoef coef = {NULL, 0, 0, 0, 0};
    if (interp == VX_INTERP_CUBIC) {
        /* the input columns the grid's taps reach: its corners' x index (an affine map), 3 voxels of margin */
        double lo = INFINITY, hi = -INFINITY;
        for (int corner = 0; corner < 8; corner++) {
            const double ci[3] = {corner & 1 ? (double)g[0] : -1.0, corner & 2 ? (double)g[1] : -1.0,
                                  corner & 4 ? (double)g[2] : -1.0};
            double p[3], c[3];
            index_to_point(&om, ci, p);
            point_to_cindex(&in, p, c);
            lo = fmin(lo, c[0]);
            hi = fmax(hi, c[0]);
        }
        const double x0 = fmax(0.0, floor(lo) - 3.0), x1 = fmin((double)d[0], floor(hi) + 4.0);
        const size_t a = x0 < (double)d[0] ? (size_t)x0 : 0, b = x1 > (double)a ? (size_t)x1 : d[0];
        if (bspline_coefficients(src, a, b - a, &coef) != VX_OK) {
            vx_image_free(o);
            return vx_error_set(err, VX_ENOMEM, "resampling: out of memory for the B-spline coefficients");
        }
    }
    for (size_t k = 0; k < g[2]; k++)
        for (size_t j = 0; j < g[1]; j++) {
            /* the row's first and one-past-last voxel in the input's continuous index */
            double i0[3] = {0.0, (double)j, (double)k}, i1[3] = {(double)g[0], (double)j, (double)k};
            double p[3], c0[3], c1[3];
            index_to_point(&om, i0, p);
            point_to_cindex(&in, p, c0);
            index_to_point(&om, i1, p);
            point_to_cindex(&in, p, c1);
            float *row = o->v + g[0] * (j + g[1] * k);
            for (size_t i = 0; i < g[0]; i++) {
                const double alpha = (double)i / (double)g[0];
                double c[3];
                int inside = 1;
                for (int a = 0; a < 3; a++) {
                    c[a] = c0[a] + alpha * (c1[a] - c0[a]);
                    inside = inside && c[a] >= -0.5 && c[a] < (double)d[a] - 0.5;
                }
                double v = 0.0;
                if (inside) {
                    v = interp == VX_INTERP_CUBIC    ? bspline_eval(&coef, d, c)
                        : interp == VX_INTERP_LINEAR ? linear_eval(src->v, d, c)
                                                     : nearest_eval(src->v, d, c);
                    v = vx_pixel_cast(src->pixel_type, v);
                }
                row[i] = (float)v;
            }
        }
    free(coef.c);
    *out = o;
    return VX_OK;
}

/* numpy.allclose(a, b): |a - b| <= 1e-8 + 1e-5 |b| on every axis */
static int allclose(const double a[3], const double b[3])
{
    for (int i = 0; i < 3; i++)
        if (!(fabs(a[i] - b[i]) <= 1e-8 + 1e-5 * fabs(b[i])))
            return 0;
    return 1;
}

int vx_pyrad_resample_grid(const vx_image *mask, int label, const double spacing[3], double pad, vx_geometry *out,
                           vx_error *err)
{
    const vx_geometry *mg = &mask->geom;
    const size_t *d = mg->dims;
    size_t lo[3] = {d[0], d[1], d[2]}, hi[3] = {0, 0, 0};
    const float fl = (float)label;
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++)
            for (size_t x = 0; x < d[0]; x++)
                if (label > 0 ? mask->v[x + d[0] * (y + d[1] * z)] == fl : mask->v[x + d[0] * (y + d[1] * z)] >= 0.5f) {
                    const size_t c[3] = {x, y, z};
                    for (int a = 0; a < 3; a++) {
                        lo[a] = c[a] < lo[a] ? c[a] : lo[a];
                        hi[a] = c[a] + 1 > hi[a] ? c[a] + 1 : hi[a];
                    }
                }
    if (hi[0] == 0)
        return vx_error_set(err, VX_EEMPTY, "the mask has no voxel with label %d: check the mask or the label", label);
    double sp[3], ratio[3], lb[3], cidx[3];
    for (int a = 0; a < 3; a++) {
        sp[a] = spacing[a] == 0.0 || isnan(spacing[a]) ? mg->spacing[a] : spacing[a];
        if (hi[a] - lo[a] == 1)
            sp[a] = mg->spacing[a]; /* PyRadiomics keeps an axis along which the ROI is one voxel */
    }
    *out = *mg;
    for (int a = 0; a < 3; a++) {
        ratio[a] = mg->spacing[a] / sp[a];
        const double bl = (double)lo[a], bs = (double)(hi[a] - lo[a]);
        lb[a] = floor((bl - 0.5) * ratio[a] - pad);
        double ub = ceil((bl + bs - 0.5) * ratio[a] + pad);
        const double maxub = ceil((double)d[a] * ratio[a]) - 1.0;
        lb[a] = lb[a] < 0.0 ? 0.0 : lb[a];
        ub = ub > maxub ? maxub : ub;
        const double n = ub - lb[a] + 1.0;
        if (!(n >= 1.0) || n > 1e8)
            return vx_error_set(err, VX_EINVAL, "resampling: spacing %g mm gives %.0f voxels along axis %d", sp[a], n,
                                a);
        out->dims[a] = (size_t)n;
        out->spacing[a] = sp[a];
        cidx[a] = 0.5 * (sp[a] - mg->spacing[a]) / mg->spacing[a] + lb[a] / ratio[a];
    }
    itk_map mp;
    map_of(mg, &mp);
    index_to_point(&mp, cidx, out->origin);
    if ((double)out->dims[0] * (double)out->dims[1] * (double)out->dims[2] > 4e9)
        return vx_error_set(err, VX_EINVAL, "resampling gives a %zux%zux%zu grid (over 4e9 voxels): choose a larger "
                            "spacing", out->dims[0], out->dims[1], out->dims[2]);
    return VX_OK;
}

int vx_pyrad_check_mask(const uint8_t *m, const size_t d[3], int min_dims, int min_size, const char *what,
                        vx_error *err)
{
    size_t lo[3] = {d[0], d[1], d[2]}, hi[3] = {0, 0, 0}, count = 0;
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++)
            for (size_t x = 0; x < d[0]; x++) {
                if (!m[x + d[0] * (y + d[1] * z)])
                    continue;
                count++;
                const size_t c[3] = {x, y, z};
                for (int a = 0; a < 3; a++) {
                    lo[a] = c[a] < lo[a] ? c[a] : lo[a];
                    hi[a] = c[a] + 1 > hi[a] ? c[a] + 1 : hi[a];
                }
            }
    if (!count)
        return vx_error_set(err, VX_EEMPTY, "%s is empty: check the mask and the label", what);
    int dims = 0;
    for (int a = 0; a < 3; a++)
        dims += hi[a] - lo[a] > 1;
    if (dims == 0)
        return vx_error_set(err, VX_EEMPTY,
                            "%s holds a single voxel: PyRadiomics extracts no features from one voxel (check the "
                            "mask)", what);
    if (dims < min_dims)
        return vx_error_set(err, VX_EEMPTY,
                            "%s spans %d dimension%s (its bounding box is longer than one voxel along %d axis), "
                            "fewer than minimumROIDimensions %d: lower minimumROIDimensions or check the mask",
                            what, dims, dims == 1 ? "" : "s", dims, min_dims);
    if (min_size > 0 && count <= (size_t)min_size)
        return vx_error_set(err, VX_EEMPTY,
                            "%s has %zu voxels, not more than minimumROISize %d: lower minimumROISize or check the "
                            "mask", what, count, min_size);
    return VX_OK;
}

static int in_roi(const vx_settings *s, float v)
{
    return s->mask_label > 0 ? v == (float)s->mask_label : v >= (float)s->mask_threshold;
}

/* SimpleITK's check that two images occupy the same space: same size; origins and spacings within tol times
 * the image's first spacing; direction cosines within tol. */
static int same_space(const vx_geometry *a, const vx_geometry *b, double tol)
{
    const double ct = fabs(tol * a->spacing[0]);
    for (int i = 0; i < 3; i++)
        if (a->dims[i] != b->dims[i] || fabs(a->origin[i] - b->origin[i]) > ct ||
            fabs(a->spacing[i] - b->spacing[i]) > ct)
            return 0;
    for (int i = 0; i < 9; i++)
        if (fabs(a->direction[i] - b->direction[i]) > tol)
            return 0;
    return 1;
}

/* The ROI's bounding box in mask (half-open, voxel indices); VX_EEMPTY when the mask has no ROI voxel. */
static int roi_box(const vx_image *mask, const vx_settings *s, size_t lo[3], size_t hi[3], vx_error *err)
{
    const size_t *d = mask->geom.dims;
    for (int a = 0; a < 3; a++) {
        lo[a] = d[a];
        hi[a] = 0;
    }
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++)
            for (size_t x = 0; x < d[0]; x++)
                if (in_roi(s, mask->v[x + d[0] * (y + d[1] * z)])) {
                    const size_t c[3] = {x, y, z};
                    for (int a = 0; a < 3; a++) {
                        lo[a] = c[a] < lo[a] ? c[a] : lo[a];
                        hi[a] = c[a] + 1 > hi[a] ? c[a] + 1 : hi[a];
                    }
                }
    if (!hi[0])
        return vx_error_set(err, VX_EEMPTY, "the mask has no ROI voxel (label %d): check the mask or the label",
                            s->mask_label);
    return VX_OK;
}

/* PyRadiomics' _checkROI: the corners of the ROI's bounding box, in the image's continuous index, lie within
 * [-0.5, N - 0.5] (tolerance 1e-3). */
static int roi_inside_image(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_error *err)
{
    size_t lo[3], hi[3];
    const int rb = roi_box(mask, s, lo, hi, err);
    if (rb != VX_OK)
        return rb;
    itk_map mm, im;
    map_of(&mask->geom, &mm);
    map_of(&img->geom, &im);
    double c[2][3], p[3], q[2][3];
    for (int a = 0; a < 3; a++) {
        c[0][a] = (double)lo[a] - 0.5;
        c[1][a] = (double)hi[a] - 0.5;
    }
    for (int k = 0; k < 2; k++) {
        index_to_point(&mm, c[k], p);
        point_to_cindex(&im, p, q[k]);
    }
    for (int a = 0; a < 3; a++) {
        const double mn = fmin(q[0][a], q[1][a]), mx = fmax(q[0][a], q[1][a]);
        if (mn < -0.5 - 1e-3 || mx > (double)img->geom.dims[a] - 0.5 + 1e-3)
            return vx_error_set(err, VX_EGEOMETRY,
                                "the ROI's bounding box reaches outside the image (axis %d: image index %g to %g of "
                                "%zu voxels): the mask does not belong to this image",
                                a, mn, mx, img->geom.dims[a]);
    }
    return VX_OK;
}

/* PyRadiomics' preCrop (cropToTumorMask): image and mask cut to the ROI's bounding box widened by pad_distance
 * voxels, within the image. */
static int pre_crop(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_image **oi, vx_image **om,
                    vx_error *err)
{
    const vx_geometry *g = &mask->geom;
    const size_t *d = g->dims;
    size_t lo[3], hi[3];
    const int rb = roi_box(mask, s, lo, hi, err);
    if (rb != VX_OK)
        return rb;
    const size_t pad = (size_t)s->pyrad_pad_distance;
    vx_geometry c = *g;
    for (int a = 0; a < 3; a++) {
        lo[a] = lo[a] > pad ? lo[a] - pad : 0;
        hi[a] = hi[a] + pad < d[a] ? hi[a] + pad : d[a];
        c.dims[a] = hi[a] - lo[a];
    }
    for (int r = 0; r < 3; r++)
        for (int a = 0; a < 3; a++)
            c.origin[r] += g->direction[r * 3 + a] * g->spacing[a] * (double)lo[a];
    vx_image *ci = vx_image_new(&c), *cm = vx_image_new(&c);
    if (!ci || !cm) {
        vx_image_free(ci);
        vx_image_free(cm);
        return vx_error_set(err, VX_ENOMEM, "preCrop: out of memory");
    }
    for (size_t z = 0; z < c.dims[2]; z++)
        for (size_t y = 0; y < c.dims[1]; y++) {
            const size_t src = lo[0] + d[0] * ((lo[1] + y) + d[1] * (lo[2] + z)), dst = c.dims[0] * (y + c.dims[1] * z);
            memcpy(ci->v + dst, img->v + src, c.dims[0] * sizeof *ci->v);
            memcpy(cm->v + dst, mask->v + src, c.dims[0] * sizeof *cm->v);
        }
    ci->pixel_type = img->pixel_type;
    cm->pixel_type = mask->pixel_type;
    *oi = ci;
    *om = cm;
    return VX_OK;
}

/* Replace the working image (and mask) by new ones: the old ones are freed when they were ours. */
static void take(const vx_image **cur, vx_image **own, vx_image *next)
{
    vx_image_free(*own);
    *own = next;
    *cur = next;
}

int vx_pyrad_prepare(const vx_image *img, const vx_image *mask, const vx_settings *s, vx_image **pimg,
                     vx_image **pmask, vx_error *err)
{
    *pimg = *pmask = NULL;
    const vx_image *ci = img, *cm = mask; /* the current image and mask */
    vx_image *wi = NULL, *wm = NULL;      /* those of them made here */
    int rc = VX_OK;
    const int resample = !isnan(s->resample_spacing[0]) || !isnan(s->resample_spacing[1]) ||
                         !isnan(s->resample_spacing[2]);
    const int same = same_space(&img->geom, &mask->geom, s->pyrad_geometry_tolerance);
    /* resampling builds the grid from the mask (resampleImage, after its _checkROI), so a mask on another grid
     * needs no correction then; else checkMask: within the tolerance the mask is on the image grid, beyond it
     * an error unless correctMask */
    if (resample && !same && (rc = roi_inside_image(img, mask, s, err)) != VX_OK)
        return rc;
    if (!resample && !same) {
        if (!s->pyrad_correct_mask)
            return vx_error_set(err, VX_EGEOMETRY,
                                "the mask's grid (%zux%zux%zu voxels of %g x %g x %g mm, origin %g, %g, %g) differs "
                                "from the image's (%zux%zux%zu of %g x %g x %g mm, origin %g, %g, %g) beyond "
                                "geometryTolerance %g: set correctMask true to resample the mask onto the image grid, "
                                "or raise geometryTolerance",
                                mask->geom.dims[0], mask->geom.dims[1], mask->geom.dims[2], mask->geom.spacing[0],
                                mask->geom.spacing[1], mask->geom.spacing[2], mask->geom.origin[0],
                                mask->geom.origin[1], mask->geom.origin[2], img->geom.dims[0], img->geom.dims[1],
                                img->geom.dims[2], img->geom.spacing[0], img->geom.spacing[1], img->geom.spacing[2],
                                img->geom.origin[0], img->geom.origin[1], img->geom.origin[2],
                                s->pyrad_geometry_tolerance);
        if ((rc = roi_inside_image(img, mask, s, err)) != VX_OK)
            return rc;
        vx_image *r = NULL;
        if ((rc = vx_pyrad_resample_onto(mask, &img->geom, VX_INTERP_NEAREST, &r, err)) != VX_OK)
            return vx_error_prefix(err, "correctMask: ");
        take(&cm, &wm, r);
    }
    /* normalisation of the whole image, before resampling */
    if (s->pyrad_normalize) {
        vx_image *n = vx_image_copy(img);
        if (!n)
            rc = vx_error_set(err, VX_ENOMEM, "out of memory copying the image for its normalisation");
        else {
            take(&ci, &wi, n);
            rc = vx_pyrad_normalize(wi, s->pyrad_normalize_scale, s->pyrad_remove_outliers, err);
        }
    }
    /* resampling (or, at the image's spacing, the mask onto the image grid and the crop) */
    vx_image *ni = NULL, *nm = NULL;
    if (rc == VX_OK && resample) {
        vx_geometry grid;
        rc = vx_pyrad_resample_grid(cm, s->mask_label, s->resample_spacing, (double)s->pyrad_pad_distance, &grid, err);
        if (rc == VX_OK && allclose(ci->geom.spacing, grid.spacing)) {
            if (!same) { /* PyRadiomics resamples the mask onto the image (nearest neighbour), then crops */
                vx_image *r = NULL;
                if ((rc = vx_pyrad_resample_onto(cm, &ci->geom, VX_INTERP_NEAREST, &r, err)) == VX_OK)
                    take(&cm, &wm, r);
            }
            if (rc == VX_OK)
                rc = pre_crop(ci, cm, s, &ni, &nm, err);
        } else if (rc == VX_OK) {
            rc = vx_pyrad_resample_onto(ci, &grid, s->interp, &ni, err);
            if (rc == VX_OK)
                rc = vx_pyrad_resample_onto(cm, &grid, VX_INTERP_NEAREST, &nm, err);
            if (rc != VX_OK)
                vx_error_prefix(err, "resampling: ");
        }
    } else if (rc == VX_OK && s->pyrad_pre_crop) {
        rc = pre_crop(ci, cm, s, &ni, &nm, err);
    }
    if (ni || nm) {
        take(&ci, &wi, ni);
        take(&cm, &wm, nm);
    }
    /* checkMask on the processed mask */
    if (rc == VX_OK) {
        const size_t n = vx_geometry_count(&cm->geom);
        uint8_t *m = malloc(n ? n : 1);
        if (!m)
            rc = vx_error_set(err, VX_ENOMEM, "out of memory checking the mask");
        for (size_t i = 0; m && i < n; i++)
            m[i] = (uint8_t)in_roi(s, cm->v[i]);
        if (m)
            rc = vx_pyrad_check_mask(m, cm->geom.dims, s->pyrad_min_roi_dims, s->pyrad_min_roi_size,
                                     resample ? "the resampled mask" : "the mask", err);
        free(m);
    }
    if (rc != VX_OK) {
        vx_image_free(wi);
        vx_image_free(wm);
        return rc;
    }
    *pimg = wi;
    *pmask = wm;
    return VX_OK;
}
