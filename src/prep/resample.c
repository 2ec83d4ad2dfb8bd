/* voxomics: interpolation onto a new grid (IBSI 1 section 2.4, "Interpolation"); see voxomics/process.h.
 *
 * vx_resample_box works on a block of the input: along each axis, the input voxels the kernel touches for
 * the requested targets (reads beyond the image repeat its boundary voxel), plus, for the cubic B-spline, up
 * to CUBIC_MARGIN further input voxels on each side where the image has them. The block is interpolated one
 * axis at a time (x row by row as it is read, then y, then z), each pass turning [outer][n_src][inner] into
 * [outer][n_target][inner].
 *
 * Cubic B-spline prefilter (Unser, Aldroubi & Eden 1991; Unser 1999 "Splines: a perfect fit"): with the pole
 * z = sqrt(3) - 2 and gain 6, c+[k] = 6 s[k] + z c+[k-1] (causal) and c[k] = z (c[k+1] - c+[k])
 * (anti-causal). For a signal that continues with its boundary value forever (the IBSI padding), both
 * initial values have closed forms: c+[0] = 6 s[0] / (1 - z), and with A = 6 s[n-1] / (1 - z),
 * B = c+[n-1] - A: c[n-1] = -(A z / (1 - z) + B z / (1 - z^2)). Where the block edge lies inside the image,
 * the same formulas are used CUBIC_MARGIN voxels away from any target: their effect there has decayed by
 * |z|^40 < 1e-22, so a cropped block gives the values of the whole image.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "voxomics/roi.h" /* vx_resample_grid_compat */
#include "voxomics/process.h"
#include "vx_math.h"

#define CUBIC_MARGIN 40

static const char *const interp_names[] = {"nearest", "linear", "cubic"};

const char *vx_interp_name(vx_interp m)
{
    return (unsigned)m < 3 ? interp_names[m] : "?";
}

int vx_interp_find(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (!strcasecmp(name, interp_names[i]))
            return i;
    if (!strcasecmp(name, "trilinear") || !strcasecmp(name, "bilinear"))
        return VX_INTERP_LINEAR;
    if (!strcasecmp(name, "tricubic") || !strcasecmp(name, "bspline") || !strcasecmp(name, "spline"))
        return VX_INTERP_CUBIC;
    if (!strcasecmp(name, "nn"))
        return VX_INTERP_NEAREST;
    return -1;
}

int vx_resample_grid(const vx_geometry *in, const double spacing[3], vx_geometry *out, vx_error *err)
{
    return vx_resample_grid_compat(in, spacing, VX_COMPAT_IBSI, out, err);
}

/* IBSI: grid centres aligned. VX_COMPAT_PYRADIOMICS: the corners of the first voxels aligned (PyRadiomics'
 * resampleImage puts the new voxel 0 at input continuous index (s' - s) / (2 s)); same size ceil(n s / s'). */
int vx_resample_grid_compat(const vx_geometry *in, const double spacing[3], int compat, vx_geometry *out,
                            vx_error *err)
{
    *out = *in;
    double shift[3] = {0.0, 0.0, 0.0}; /* mm along each array axis */
    for (int a = 0; a < 3; a++) {
        double s = spacing[a];
        if (isnan(s) || s <= 0.0)
            continue;
        if (!isfinite(s) || s > 1e6)
            return vx_error_set(err, VX_EINVAL, "resampling: spacing %g mm along axis %d is not valid", s, a);
        double extent = (double)in->dims[a] * in->spacing[a];
        double n = ceil(extent / s - 1e-6); /* the fractional grid size rounded up (guard: float noise) */
        if (n < 1.0)
            n = 1.0;
        if (n > 1e8)
            return vx_error_set(err, VX_EINVAL,
                                "resampling: spacing %g mm gives %.0f voxels along axis %d: choose a larger spacing",
                                s, n, a);
        out->dims[a] = (size_t)n;
        out->spacing[a] = s;
        if (compat == VX_COMPAT_PYRADIOMICS)
            shift[a] = (s - in->spacing[a]) / 2.0; /* first-voxel corners aligned */
        else
            shift[a] = ((double)(in->dims[a] - 1) * in->spacing[a] - (n - 1.0) * s) / 2.0; /* centres aligned */
    }
    for (int r = 0; r < 3; r++) {
        out->origin[r] = in->origin[r];
        for (int a = 0; a < 3; a++)
            out->origin[r] += in->direction[r * 3 + a] * shift[a];
    }
    if ((double)out->dims[0] * (double)out->dims[1] * (double)out->dims[2] > 4e9)
        return vx_error_set(err, VX_EINVAL,
                            "resampling gives a %zux%zux%zu grid (over 4e9 voxels): choose a larger spacing",
                            out->dims[0], out->dims[1], out->dims[2]);
    return VX_OK;
}

double vx_resample_position(const vx_geometry *in, const vx_geometry *out, int axis, double j)
{
    double off = 0.0; /* mm from the input origin to the output origin along this axis */
    for (int r = 0; r < 3; r++)
        off += in->direction[r * 3 + axis] * (out->origin[r] - in->origin[r]);
    double p = (off + j * out->spacing[axis]) / in->spacing[axis];
    /* snap to 2^-24 voxel: grids that coincide mathematically (e.g. the same image padded) get the same
     * weights whatever the rounding noise of their origins (~1e-14 voxel); this matters where IBSI rounds
     * an interpolated value that lies exactly half way between two integers */
    const double q = 16777216.0;
    return nearbyint(p * q) / q;
}

/* Whether axis a of out is the grid of in shifted by whole voxels: then it is copied, not interpolated. */
static int axis_is_copy(const vx_geometry *in, const vx_geometry *out, int a)
{
    double p0 = vx_resample_position(in, out, a, 0.0);
    return fabs(out->spacing[a] / in->spacing[a] - 1.0) < 1e-9 && fabs(p0 - nearbyint(p0)) < 1e-6;
}

int vx_resample_reach(const vx_geometry *in, const vx_geometry *out, int axis, size_t lo, size_t hi, vx_interp m,
                      size_t *tlo, size_t *thi)
{
    const int copy = axis_is_copy(in, out, axis);
    int found = 0;
    for (size_t j = 0; j < out->dims[axis]; j++) {
        double p = vx_resample_position(in, out, axis, (double)j);
        int hit;
        if (copy)
            hit = nearbyint(p) >= (double)lo && nearbyint(p) <= (double)hi - 1.0;
        else if (m == VX_INTERP_NEAREST)
            hit = floor(p + 0.5) >= (double)lo && floor(p + 0.5) <= (double)hi - 1.0;
        else if (m == VX_INTERP_LINEAR)
            hit = p > (double)lo - 1.0 && p < (double)hi;
        else /* cubic: taps floor(p) - 1 .. floor(p) + 2 */
            hit = p > (double)lo - 2.0 && p < (double)hi + 1.0;
        if (!hit)
            continue;
        if (!found)
            *tlo = j;
        *thi = j + 1;
        found = 1;
    }
    return found;
}

/* One axis: which block voxels and weights make each target. */
typedef struct axis_plan {
    long b0;      /* input index of the first block voxel (may be < 0: reads are clamped to the image) */
    size_t nb;    /* block length */
    size_t nt;    /* targets */
    int taps;     /* 1 (identity or nearest), 2 (linear), 4 (cubic) */
    int prefilter;/* cubic B-spline coefficients needed */
    int identity; /* a copy: target t reads block voxel k[0] + t */
    long *k;      /* per target: block index of the first tap */
    double *w;    /* per target: taps weights */
} axis_plan;

static void plan_free(axis_plan *p)
{
    free(p->k);
    free(p->w);
}

/* Cubic B-spline weights at fraction f of taps k-1, k, k+1, k+2 (k = floor(position)). */
static void bspline3(double f, double w[4])
{
    double g = 1.0 - f;
    w[0] = g * g * g / 6.0;
    w[3] = f * f * f / 6.0;
    w[1] = (4.0 - 6.0 * f * f + 3.0 * f * f * f) / 6.0;
    w[2] = 1.0 - w[0] - w[1] - w[3];
}

static int plan_axis(const vx_geometry *in, const vx_geometry *out, int a, size_t lo, size_t hi, vx_interp m,
                     axis_plan *p, vx_error *err)
{
    memset(p, 0, sizeof *p);
    p->nt = hi - lo;
    int identity = axis_is_copy(in, out, a);
    p->taps = identity || m == VX_INTERP_NEAREST ? 1 : m == VX_INTERP_LINEAR ? 2 : 4;
    p->prefilter = !identity && m == VX_INTERP_CUBIC;
    p->identity = identity;
    p->k = malloc((p->nt ? p->nt : 1) * sizeof *p->k);
    p->w = malloc((p->nt ? p->nt : 1) * (size_t)p->taps * sizeof *p->w);
    if (!p->k || !p->w)
        return vx_error_set(err, VX_ENOMEM, "resampling: out of memory");
    long kmin = 0, kmax = 0;
    for (size_t t = 0; t < p->nt; t++) {
        double x = vx_resample_position(in, out, a, (double)(lo + t));
        double *w = p->w + t * (size_t)p->taps;
        long k;
        if (identity) {
            k = (long)nearbyint(x);
            w[0] = 1.0;
        } else if (m == VX_INTERP_NEAREST) {
            k = (long)floor(x + 0.5);
            w[0] = 1.0;
        } else if (m == VX_INTERP_LINEAR) {
            k = (long)floor(x);
            double f = x - (double)k;
            w[0] = 1.0 - f;
            w[1] = f;
        } else {
            long k1 = (long)floor(x);
            bspline3(x - (double)k1, w);
            k = k1 - 1;
        }
        p->k[t] = k;
        long last = k + p->taps - 1;
        if (t == 0 || k < kmin)
            kmin = k;
        if (t == 0 || last > kmax)
            kmax = last;
    }
    if (p->prefilter) { /* extra input voxels, where the image has them, so the crop edge has no effect */
        long n = (long)in->dims[a];
        long ext_lo = kmin - CUBIC_MARGIN, ext_hi = kmax + CUBIC_MARGIN;
        kmin = kmin < 0 ? kmin : (ext_lo > 0 ? ext_lo : 0);
        kmax = kmax > n - 1 ? kmax : (ext_hi < n - 1 ? ext_hi : n - 1);
    }
    p->b0 = kmin;
    p->nb = (size_t)(kmax - kmin + 1);
    for (size_t t = 0; t < p->nt; t++)
        p->k[t] -= kmin;
    return VX_OK;
}

/* Cubic B-spline coefficients of n values x[k * inner + i] (for each i), in place; see the file comment. */
static void prefilter(double *x, size_t n, size_t inner, double *save)
{
    const double z = sqrt(3.0) - 2.0, lam = 6.0;
    const double tail = z / (1.0 - z), tail2 = z / (1.0 - z * z);
    for (size_t i = 0; i < inner; i++) {
        save[i] = lam * x[(n - 1) * inner + i] / (1.0 - z); /* A */
        x[i] = lam * x[i] / (1.0 - z);
    }
    for (size_t k = 1; k < n; k++) {
        double *c = x + k * inner, *prev = c - inner;
        for (size_t i = 0; i < inner; i++)
            c[i] = lam * c[i] + z * prev[i];
    }
    double *last = x + (n - 1) * inner;
    for (size_t i = 0; i < inner; i++) {
        double A = save[i], B = last[i] - A;
        last[i] = -(A * tail + B * tail2);
    }
    for (size_t k = n - 1; k-- > 0;) {
        double *c = x + k * inner, *next = c + inner;
        for (size_t i = 0; i < inner; i++)
            c[i] = z * (next[i] - c[i]);
    }
}

/* in: [outer][nb][inner] (overwritten when prefiltering), out: [outer][nt][inner]. */
static void pass_axis(double *in, size_t outer, size_t inner, const axis_plan *p, double *out, double *save)
{
    for (size_t o = 0; o < outer; o++) {
        double *src = in + o * p->nb * inner;
        if (p->prefilter)
            prefilter(src, p->nb, inner, save);
        for (size_t t = 0; t < p->nt; t++) {
            double *d = out + (o * p->nt + t) * inner;
            const double *w = p->w + t * (size_t)p->taps;
            const double *s0 = src + (size_t)p->k[t] * inner;
            if (p->taps == 1) {
                memcpy(d, s0, inner * sizeof *d);
            } else if (p->taps == 2) {
                const double *s1 = s0 + inner;
                for (size_t i = 0; i < inner; i++)
                    d[i] = w[0] * s0[i] + w[1] * s1[i];
            } else {
                const double *s1 = s0 + inner, *s2 = s1 + inner, *s3 = s2 + inner;
                for (size_t i = 0; i < inner; i++)
                    d[i] = w[0] * s0[i] + w[1] * s1[i] + w[2] * s2[i] + w[3] * s3[i];
            }
        }
    }
}

static long clampl(long v, long n)
{
    return v < 0 ? 0 : (v >= n ? n - 1 : v);
}

int vx_resample_box(const float *src, const vx_geometry *in, const vx_geometry *out, const size_t lo[3],
                    const size_t hi[3], vx_interp method, int round_src, double *dst, vx_error *err)
{
    if ((unsigned)method > VX_INTERP_CUBIC)
        return vx_error_set(err, VX_EINVAL, "resampling: unknown interpolator %d", (int)method);
    for (int a = 0; a < 3; a++)
        if (lo[a] >= hi[a] || hi[a] > out->dims[a] || !in->dims[a])
            return vx_error_set(err, VX_EINVAL, "resampling: empty or out-of-grid target box along axis %d", a);
    for (int i = 0; i < 9; i++)
        if (fabs(in->direction[i] - out->direction[i]) > 1e-9)
            return vx_error_set(err, VX_EINVAL, "resampling: the target grid must keep the image orientation");
    axis_plan p[3];
    memset(p, 0, sizeof p);
    double *line = NULL, *t1 = NULL, *t2 = NULL, *save = NULL;
    int rc = VX_OK;
    for (int a = 0; a < 3 && rc == VX_OK; a++)
        rc = plan_axis(in, out, a, lo[a], hi[a], method, &p[a], err);
    if (rc != VX_OK)
        goto done;
    size_t b[3] = {p[0].nb, p[1].nb, p[2].nb}, t[3] = {p[0].nt, p[1].nt, p[2].nt};
    const long nx = (long)in->dims[0], ny = (long)in->dims[1], nz = (long)in->dims[2];
    if (p[0].taps == 1 && p[1].taps == 1 && p[2].taps == 1) {
        /* nearest neighbour or copies on every axis: one gather */
        for (size_t z = 0; z < t[2]; z++)
            for (size_t y = 0; y < t[1]; y++) {
                long sz = clampl(p[2].b0 + p[2].k[z], nz), sy = clampl(p[1].b0 + p[1].k[y], ny);
                const float *row = src + (size_t)nx * ((size_t)sy + (size_t)ny * (size_t)sz);
                double *d = dst + t[0] * (y + t[1] * z);
                long xs = p[0].b0 + p[0].k[0];
                if (p[0].identity && xs >= 0 && xs + (long)t[0] <= nx) { /* a plain row copy */
                    const float *r = row + xs;
                    for (size_t x = 0; x < t[0]; x++)
                        d[x] = r[x];
                } else {
                    for (size_t x = 0; x < t[0]; x++)
                        d[x] = row[clampl(p[0].b0 + p[0].k[x], nx)];
                }
                if (round_src)
                    for (size_t x = 0; x < t[0]; x++)
                        d[x] = vx_round_even(d[x]);
            }
        goto done;
    }
    line = malloc(b[0] * sizeof *line);
    t1 = malloc(t[0] * b[1] * b[2] * sizeof *t1);
    t2 = malloc(t[0] * t[1] * b[2] * sizeof *t2);
    save = malloc((t[0] * t[1] > b[0] ? t[0] * t[1] : b[0]) * sizeof *save + sizeof *save);
    if (!line || !t1 || !t2 || !save) {
        rc = vx_error_set(err, VX_ENOMEM, "resampling: out of memory for a %zux%zux%zu block", b[0], b[1], b[2]);
        goto done;
    }
    /* x pass, one input row at a time: gather the row (clamped reads repeat the boundary voxels; rounding
     * when asked) and interpolate it: [y,z][bx] -> [y,z][tx] */
    const long x0 = p[0].b0, xa = x0 < 0 ? 0 : x0, xb = x0 + (long)b[0] < nx ? x0 + (long)b[0] : nx;
    for (size_t z = 0; z < b[2]; z++)
        for (size_t y = 0; y < b[1]; y++) {
            long sz = clampl(p[2].b0 + (long)z, nz), sy = clampl(p[1].b0 + (long)y, ny);
            const float *row = src + (size_t)nx * ((size_t)sy + (size_t)ny * (size_t)sz);
            for (long x = x0; x < xa && x < x0 + (long)b[0]; x++)
                line[x - x0] = row[0];
            for (long x = xa; x < xb; x++)
                line[x - x0] = row[x];
            for (long x = xb > xa ? xb : xa; x < x0 + (long)b[0]; x++)
                line[x - x0] = row[nx - 1];
            if (round_src)
                for (size_t x = 0; x < b[0]; x++)
                    line[x] = vx_round_even(line[x]);
            pass_axis(line, 1, 1, &p[0], t1 + t[0] * (y + b[1] * z), save);
        }
    pass_axis(t1, b[2], t[0], &p[1], t2, save);               /* y: [z][by][tx] -> [z][ty][tx] */
    pass_axis(t2, 1, t[0] * t[1], &p[2], dst, save);          /* z: [bz][ty*tx] -> [tz][ty*tx] */
done:
    for (int a = 0; a < 3; a++)
        plan_free(&p[a]);
    free(line);
    free(t1);
    free(t2);
    free(save);
    return rc;
}
