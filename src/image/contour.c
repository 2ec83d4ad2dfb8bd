/* voxomics: closed planar contours rasterised onto a voxel grid by the even-odd voxel-centre rule
 * (see contour.h for the rule and its boundary conventions).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "image/contour.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/mask.h"
#include "vx_math.h"

#define SLICE_TOL 0.25      /* voxels: how far a point may lie from its slice */
#define FAR_LIMIT 1e9       /* voxels: points farther from the grid are not plausible */
#define SNAP 1048576.0      /* 2^20: positions are multiples of 1 / SNAP voxel */

static inline double snap(double v)
{
    return vx_round_even(v * SNAP) / SNAP; /* exact scaling by powers of two; |v| <= FAR_LIMIT << 2^32 */
}

typedef struct edge {
    double x0, y0, x1, y1; /* in the (i, j) index plane, y0 < y1 */
    size_t jlo, jhi;       /* rows crossed: jlo <= j < jhi, clipped to the grid */
} edge;

typedef struct slice_ref {
    long k;    /* slice, -1 when outside the grid */
    size_t c;  /* contour */
} slice_ref;

static int cmp_slice(const void *a, const void *b)
{
    const slice_ref *x = a, *y = b;
    if (x->k != y->k)
        return (x->k > y->k) - (x->k < y->k);
    return (x->c > y->c) - (x->c < y->c);
}

static int cmp_edge(const void *a, const void *b)
{
    const edge *x = a, *y = b;
    return (x->jlo > y->jlo) - (x->jlo < y->jlo);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void sort_doubles(double *v, size_t n)
{
    if (n > 16) {
        qsort(v, n, sizeof *v, cmp_double);
        return;
    }
    for (size_t i = 1; i < n; i++) { /* insertion sort: a row usually has a few crossings */
        double t = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > t; j--)
            v[j] = v[j - 1];
        v[j] = t;
    }
}

/* Map contour ci to index coordinates (ij: 2 n doubles, snapped) and find its slice (*k0, or the error). */
static int map_contour(const double m[12], const vx_contour *ct, size_t ci, double *ij, long *k0, vx_error *err)
{
    if (ct->n < 3)
        return vx_error_set(err, VX_EFORMAT, "contour %zu has %zu point%s: a closed contour needs at least 3",
                            ci + 1, ct->n, ct->n == 1 ? "" : "s");
    double kmin = INFINITY, kmax = -INFINITY, kworst = 0.0, fworst = -1.0;
    for (size_t p = 0; p < ct->n; p++) {
        const double *w = ct->xyz + 3 * p;
        if (!isfinite(w[0]) || !isfinite(w[1]) || !isfinite(w[2]))
            return vx_error_set(err, VX_EFORMAT, "contour %zu point %zu (%g, %g, %g) mm is not finite", ci + 1, p + 1,
                                w[0], w[1], w[2]);
        double idx[3];
        for (int r = 0; r < 3; r++) {
            idx[r] = m[r * 4] * w[0] + m[r * 4 + 1] * w[1] + m[r * 4 + 2] * w[2] + m[r * 4 + 3];
            if (!(fabs(idx[r]) <= FAR_LIMIT))
                return vx_error_set(err, VX_EFORMAT,
                                    "contour %zu point %zu (%g, %g, %g) mm lies over %g voxels from the image grid",
                                    ci + 1, p + 1, w[0], w[1], w[2], FAR_LIMIT);
        }
        ij[2 * p] = snap(idx[0]);
        ij[2 * p + 1] = snap(idx[1]);
        double k = idx[2], f = fabs(k - floor(k + 0.5));
        kmin = k < kmin ? k : kmin;
        kmax = k > kmax ? k : kmax;
        if (f > fworst) {
            fworst = f;
            kworst = k;
        }
    }
    int between = fworst > SLICE_TOL + 1e-9; /* some point lies between two slices */
    if (between && kmax - kmin <= 2.0 * SLICE_TOL + 1e-9) {
        double lo = floor(kworst);
        return vx_error_set(err, VX_EFORMAT,
                            "contour %zu lies between slices %.0f and %.0f (k = %.6g): contours are not interpolated "
                            "between slices",
                            ci + 1, lo, lo + 1.0, kworst);
    }
    if (between || floor(kmin + 0.5) != floor(kmax + 0.5))
        return vx_error_set(err, VX_EFORMAT,
                            "contour %zu is not parallel to the image slices (slice index k from %.6g to %.6g): "
                            "each contour must lie within %g voxel of one slice",
                            ci + 1, kmin, kmax, SLICE_TOL);
    *k0 = (long)floor(kmin + 0.5);
    return VX_OK;
}

/* Scanline fill of one slice from its ne > 0 edges (sorted by jlo); plane is the slice's nx x ny voxels. */
static void fill_slice(size_t nx, const edge *e, size_t ne, size_t *active, double *cross, float *plane)
{
    size_t na = 0, next = 0, row = e[0].jlo;
    for (;;) {
        size_t keep = 0; /* drop the edges that end before this row */
        for (size_t a = 0; a < na; a++)
            if (e[active[a]].jhi > row)
                active[keep++] = active[a];
        na = keep;
        if (na == 0) {
            if (next >= ne)
                break;
            row = e[next].jlo; /* skip rows no edge crosses */
        }
        while (next < ne && e[next].jlo == row)
            active[na++] = next++;
        double y = (double)row;
        for (size_t a = 0; a < na; a++) {
            const edge *d = &e[active[a]];
            cross[a] = snap(d->x0 + (y - d->y0) * (d->x1 - d->x0) / (d->y1 - d->y0));
        }
        sort_doubles(cross, na);
        float *line = plane + nx * row;
        for (size_t m = 0; m + 1 < na; m += 2) {
            double lo = ceil(cross[m]), hi = ceil(cross[m + 1]); /* inside: cross[m] <= i < cross[m + 1] */
            lo = lo < 0.0 ? 0.0 : lo;
            hi = hi > (double)nx ? (double)nx : hi;
            for (size_t i = (size_t)lo; (double)i < hi; i++)
                line[i] = 1.0f;
        }
        row++;
    }
}

int vx_contours_rasterise(const vx_geometry *g, const vx_contour *c, size_t nc, float *mask, vx_contour_stats *st,
                          vx_error *err)
{
    if (st)
        st->used = st->outside = 0;
    double m[12];
    int rc = vx_geometry_world_to_index(g, m, err);
    if (rc != VX_OK)
        return vx_error_prefix(err, "rasterising contours: ");
    size_t total = 0; /* points; total * sizeof(edge) must not overflow */
    for (size_t ci = 0; ci < nc; ci++) {
        if (c[ci].n > SIZE_MAX / 64 - total)
            return vx_error_set(err, VX_EINVAL, "rasterising contours: too many points");
        total += c[ci].n;
    }
    if (nc == 0)
        return VX_OK;
    double *ij = malloc((total ? total : 1) * 2 * sizeof *ij); /* (i, j) of every point */
    size_t *start = malloc(nc * sizeof *start);                /* first point of each contour in ij */
    slice_ref *ref = malloc(nc * sizeof *ref);
    edge *e = malloc((total ? total : 1) * sizeof *e);
    size_t *active = malloc((total ? total : 1) * sizeof *active);
    double *cross = malloc((total ? total : 1) * sizeof *cross);
    if (!ij || !start || !ref || !e || !active || !cross) {
        rc = vx_error_set(err, VX_ENOMEM, "out of memory rasterising %zu contours (%zu points)", nc, total);
        goto done;
    }
    /* map and check every contour before writing anything */
    size_t used = 0, outside = 0, off = 0;
    for (size_t ci = 0; ci < nc; ci++) {
        long k0 = -1;
        rc = map_contour(m, &c[ci], ci, ij + 2 * off, &k0, err);
        if (rc != VX_OK)
            goto done;
        start[ci] = off;
        off += c[ci].n;
        if (k0 < 0 || (unsigned long)k0 >= g->dims[2]) {
            k0 = -1;
            outside++;
        } else {
            used++;
        }
        ref[ci] = (slice_ref){k0, ci};
    }
    qsort(ref, nc, sizeof *ref, cmp_slice);
    size_t ny = g->dims[1], plane = g->dims[0] * g->dims[1];
    for (size_t a = 0; a < nc;) {
        size_t b = a;
        while (b < nc && ref[b].k == ref[a].k)
            b++;
        if (ref[a].k >= 0) {
            size_t ne = 0;
            for (size_t r = a; r < b; r++) {
                const vx_contour *ct = &c[ref[r].c];
                const double *p = ij + 2 * start[ref[r].c];
                for (size_t q = 0; q < ct->n; q++) {
                    size_t q1 = q + 1 == ct->n ? 0 : q + 1;
                    double xa = p[2 * q], ya = p[2 * q + 1], xb = p[2 * q1], yb = p[2 * q1 + 1];
                    if (ya == yb)
                        continue; /* horizontal: crosses no row under the half-open rule */
                    if (ya > yb) { /* canonical direction: lower row first */
                        double t = xa;
                        xa = xb;
                        xb = t;
                        t = ya;
                        ya = yb;
                        yb = t;
                    }
                    double lo = ceil(ya), hi = ceil(yb); /* rows ya <= j < yb */
                    lo = lo < 0.0 ? 0.0 : lo;
                    hi = hi > (double)ny ? (double)ny : hi;
                    if (!(lo < hi))
                        continue;
                    e[ne++] = (edge){xa, ya, xb, yb, (size_t)lo, (size_t)hi};
                }
            }
            if (ne > 0) {
                qsort(e, ne, sizeof *e, cmp_edge);
                fill_slice(g->dims[0], e, ne, active, cross, mask + plane * (size_t)ref[a].k);
            }
        }
        a = b;
    }
    if (st) {
        st->used = used;
        st->outside = outside;
    }
    rc = VX_OK;
done:
    free(ij);
    free(start);
    free(ref);
    free(e);
    free(active);
    free(cross);
    return rc;
}
