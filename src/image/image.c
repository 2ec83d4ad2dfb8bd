/* voxomics: image and mask containers.  SPDX-License-Identifier: GPL-3.0-or-later */
#include "voxomics/image.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t vx_geometry_count(const vx_geometry *g)
{
    return g->dims[0] * g->dims[1] * g->dims[2];
}

void vx_geometry_default(vx_geometry *g, size_t nx, size_t ny, size_t nz)
{
    memset(g, 0, sizeof *g);
    g->dims[0] = nx;
    g->dims[1] = ny;
    g->dims[2] = nz;
    for (int i = 0; i < 3; i++) {
        g->spacing[i] = 1.0;
        g->direction[i * 3 + i] = 1.0;
    }
}

int vx_geometry_same(const vx_geometry *a, const vx_geometry *b, double tol_mm)
{
    for (int i = 0; i < 3; i++) {
        if (a->dims[i] != b->dims[i])
            return 0;
        if (fabs(a->spacing[i] - b->spacing[i]) > tol_mm || fabs(a->origin[i] - b->origin[i]) > tol_mm)
            return 0;
    }
    for (int i = 0; i < 9; i++)
        if (fabs(a->direction[i] - b->direction[i]) > 1e-4)
            return 0;
    return 1;
}

vx_image *vx_image_new(const vx_geometry *g)
{
    vx_image *img = calloc(1, sizeof *img);
    if (!img)
        return NULL;
    img->geom = *g;
    size_t n = vx_geometry_count(g);
    img->v = calloc(n ? n : 1, sizeof *img->v);
    if (!img->v) {
        free(img);
        return NULL;
    }
    return img;
}

vx_mask *vx_mask_new(const vx_geometry *g)
{
    vx_mask *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->geom = *g;
    size_t n = vx_geometry_count(g);
    m->v = calloc(n ? n : 1, 1);
    if (!m->v) {
        free(m);
        return NULL;
    }
    return m;
}

void vx_image_free(vx_image *img)
{
    if (img) {
        free(img->v);
        free(img);
    }
}

void vx_mask_free(vx_mask *m)
{
    if (m) {
        free(m->v);
        free(m);
    }
}

vx_image *vx_image_copy(const vx_image *img)
{
    vx_image *c = vx_image_new(&img->geom);
    if (c) {
        memcpy(c->v, img->v, vx_geometry_count(&img->geom) * sizeof *img->v);
        c->pixel_type = img->pixel_type;
    }
    return c;
}

const char *vx_pixel_type_name(vx_pixel_type t)
{
    static const char *const names[] = {"real",   "int8",  "uint8",  "int16",   "uint16",  "int32",
                                        "uint32", "int64", "uint64", "float32", "float64"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

double vx_pixel_cast(vx_pixel_type t, double v)
{
    double lo, hi;
    switch (t) {
    case VX_PIXEL_INT8: lo = -128.0; hi = 127.0; break;
    case VX_PIXEL_UINT8: lo = 0.0; hi = 255.0; break;
    case VX_PIXEL_INT16: lo = -32768.0; hi = 32767.0; break;
    case VX_PIXEL_UINT16: lo = 0.0; hi = 65535.0; break;
    case VX_PIXEL_INT32: lo = -2147483648.0; hi = 2147483647.0; break;
    case VX_PIXEL_UINT32: lo = 0.0; hi = 4294967295.0; break;
    case VX_PIXEL_INT64: lo = -9223372036854775808.0; hi = 9223372036854775807.0; break;
    case VX_PIXEL_UINT64: lo = 0.0; hi = 18446744073709551615.0; break;
    default: return v;
    }
    if (isnan(v))
        return 0.0; /* a NaN cast to an integer: ITK's static_cast is undefined; 0 as the background */
    return v <= lo ? lo : v >= hi ? hi : trunc(v) + 0.0; /* + 0.0: an integer has no negative zero */
}

vx_mask *vx_mask_from_image(const vx_image *img, double lo, double hi)
{
    vx_mask *m = vx_mask_new(&img->geom);
    if (!m)
        return NULL;
    size_t n = vx_geometry_count(&img->geom);
    for (size_t i = 0; i < n; i++) {
        double v = img->v[i];
        m->v[i] = (v >= lo && v <= hi) ? 1 : 0; /* NaN compares false: excluded */
    }
    return m;
}

size_t vx_mask_count(const vx_mask *m)
{
    size_t n = vx_geometry_count(&m->geom), c = 0;
    for (size_t i = 0; i < n; i++)
        c += m->v[i] != 0;
    return c;
}

int vx_mask_bbox(const vx_mask *m, size_t lo[3], size_t hi[3])
{
    const size_t *d = m->geom.dims;
    size_t l[3] = {d[0], d[1], d[2]}, h[3] = {0, 0, 0};
    int any = 0;
    for (size_t z = 0; z < d[2]; z++)
        for (size_t y = 0; y < d[1]; y++) {
            const uint8_t *row = m->v + d[0] * (y + d[1] * z);
            for (size_t x = 0; x < d[0]; x++) {
                if (!row[x])
                    continue;
                any = 1;
                size_t p[3] = {x, y, z};
                for (int a = 0; a < 3; a++) {
                    if (p[a] < l[a])
                        l[a] = p[a];
                    if (p[a] + 1 > h[a])
                        h[a] = p[a] + 1;
                }
            }
        }
    for (int a = 0; a < 3; a++) {
        lo[a] = any ? l[a] : 0;
        hi[a] = any ? h[a] : 0;
    }
    return any;
}

int vx_geometry_validate(const vx_geometry *g, const char *path, const char *what, vx_error *err)
{
    const char *p = path ? path : "image";
    const char *w = what && *what ? what : "";
    const char *sep = *w ? ": " : "";
    for (int a = 0; a < 3; a++) {
        double s = g->spacing[a];
        if (!isfinite(s) || !(s >= VX_SPACING_MIN_MM && s <= VX_SPACING_MAX_MM))
            return vx_error_set(err, VX_EGEOMETRY,
                                "%s: %s%sthe spacing of axis %d is %g mm: a spacing must be finite and within "
                                "[%g, %g] mm; fix the header",
                                p, w, sep, a + 1, s, VX_SPACING_MIN_MM, VX_SPACING_MAX_MM);
        if (!isfinite(g->origin[a]))
            return vx_error_set(err, VX_EGEOMETRY, "%s: %s%sthe origin is not finite (%g along axis %d); fix the header",
                                p, w, sep, g->origin[a], a + 1);
    }
    double col[3][3], len[3];
    for (int c = 0; c < 3; c++) {
        len[c] = 0.0;
        for (int r = 0; r < 3; r++) {
            col[c][r] = g->direction[3 * r + c];
            if (!isfinite(col[c][r]))
                return vx_error_set(err, VX_EGEOMETRY, "%s: %s%sthe direction of axis %d is not finite; fix the header",
                                    p, w, sep, c + 1);
            len[c] += col[c][r] * col[c][r];
        }
        len[c] = sqrt(len[c]);
        if (!(fabs(len[c] - 1.0) <= 1e-3))
            return vx_error_set(err, VX_EGEOMETRY,
                                "%s: %s%sthe direction of axis %d has length %g, not 1: direction cosines must be unit "
                                "vectors; fix the header",
                                p, w, sep, c + 1, len[c]);
    }
    for (int a = 0; a < 3; a++)
        for (int b = a + 1; b < 3; b++) {
            double d = col[a][0] * col[b][0] + col[a][1] * col[b][1] + col[a][2] * col[b][2];
            double cs = d / (len[a] * len[b]);
            if (!(fabs(cs) <= VX_ORTHO_TOL)) {
                double deg = acos(cs > 1.0 ? 1.0 : cs < -1.0 ? -1.0 : cs) * (180.0 / 3.14159265358979323846);
                return vx_error_set(err, VX_EGEOMETRY,
                                    "%s: %s%saxes %d and %d are not orthogonal (angle %.4g degrees, |cos| %.3g > %g): "
                                    "a sheared grid has no voxel spacing; resample the image onto an orthogonal grid",
                                    p, w, sep, a + 1, b + 1, deg, fabs(cs), VX_ORTHO_TOL);
            }
        }
    return VX_OK;
}
