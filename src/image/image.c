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
    if (c)
        memcpy(c->v, img->v, vx_geometry_count(&img->geom) * sizeof *img->v);
    return c;
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
