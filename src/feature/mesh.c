/* voxomics: marching-cubes surface mesh of a binary mask (see mesh.h for the conventions).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "feature/mesh.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- cube geometry ------------------------------------------------------------------------------------
 * Corner c of a cube has offset (c & 1, (c >> 1) & 1, (c >> 2) & 1). Edge e = 4 a + j runs along axis a
 * from its base corner (bit a clear; the other two bits, in increasing axis order, are j & 1 and j >> 1)
 * to base | (1 << a). */

enum { MC_MAX_TRI = 12 };

typedef struct mc_table {
    uint8_t ntri[256];
    uint8_t edge[256][3 * MC_MAX_TRI];
} mc_table;

static void other_axes(int a, int *b1, int *b2)
{
    *b1 = a == 0 ? 1 : 0;
    *b2 = a == 2 ? 1 : 2;
}

static int edge_base(int e)
{
    int a = e / 4, j = e % 4, b1, b2;
    other_axes(a, &b1, &b2);
    return ((j & 1) << b1) | ((j >> 1) << b2);
}

static int edge_of(int c0, int c1)
{
    int d = c0 ^ c1;
    int a = d == 1 ? 0 : d == 2 ? 1 : 2;
    int base = c0 & c1, b1, b2;
    other_axes(a, &b1, &b2);
    return 4 * a + (((base >> b1) & 1) | (((base >> b2) & 1) << 1));
}

/* Unit-cube coordinates of the midpoints of edges e0, e1, e2, plus `shift` on every axis. */
static void edge_mids(int e0, int e1, int e2, double shift, double p[3][3])
{
    const int es[3] = {e0, e1, e2};
    for (int k = 0; k < 3; k++) {
        int a = es[k] / 4, b = edge_base(es[k]);
        for (int c = 0; c < 3; c++)
            p[k][c] = (c == a ? 0.5 : (double)((b >> c) & 1)) + shift;
    }
}

/* Six times the signed volume of the tetrahedron (cube centre, midpoints of edges e0, e1, e2). */
static double fan_tet(int e0, int e1, int e2)
{
    double p[3][3];
    edge_mids(e0, e1, e2, -0.5, p);
    return p[0][0] * (p[1][1] * p[2][2] - p[1][2] * p[2][1]) + p[0][1] * (p[1][2] * p[2][0] - p[1][0] * p[2][2]) +
           p[0][2] * (p[1][0] * p[2][1] - p[1][1] * p[2][0]);
}

/* Twice the area of the triangle of the midpoints of edges e0, e1, e2 in the unit cube. */
static double tri_area2(int e0, int e1, int e2)
{
    double p[3][3];
    edge_mids(e0, e1, e2, 0.0, p);
    double u[3], v[3];
    for (int i = 0; i < 3; i++) {
        u[i] = p[1][i] - p[0][i];
        v[i] = p[2][i] - p[0][i];
    }
    double cx = u[1] * v[2] - u[2] * v[1], cy = u[2] * v[0] - u[0] * v[2], cz = u[0] * v[1] - u[1] * v[0];
    return sqrt(cx * cx + cy * cy + cz * cz);
}

/* Exhaustive search over the triangulations of one contour loop (Catalan(n - 2) of them; loops of binary
 * masks have at most 7 vertices). Triangles are index triples into the loop, in loop order. */
enum { TRI_ENUM_MAX = 9 };
typedef struct tri_search {
    const int *loop;
    int n;
    int cur[10][3], ncur;
    int best[10][3], nbest;
    double best_area, best_vol;
} tri_search;

static void tri_enum(tri_search *s, int pend[][2], int np)
{
    while (np > 0 && pend[np - 1][1] - pend[np - 1][0] < 2)
        np--;
    if (np == 0) {
        double area = 0.0, vol = 0.0;
        for (int i = 0; i < s->ncur; i++) {
            int a = s->loop[s->cur[i][0]], b = s->loop[s->cur[i][1]], c = s->loop[s->cur[i][2]];
            area += tri_area2(a, b, c);
            vol += fan_tet(a, c, b);
        }
        if (area > s->best_area + 1e-9 || (area > s->best_area - 1e-9 && fabs(vol) < fabs(s->best_vol) - 1e-9)) {
            s->best_area = area;
            s->best_vol = vol;
            memcpy(s->best, s->cur, sizeof s->cur);
            s->nbest = s->ncur;
        }
        return;
    }
    int i = pend[np - 1][0], j = pend[np - 1][1];
    for (int k = i + 1; k < j; k++) {
        int next[12][2];
        memcpy(next, pend, (size_t)(np - 1) * sizeof next[0]);
        next[np - 1][0] = i;
        next[np - 1][1] = k;
        next[np][0] = k;
        next[np][1] = j;
        s->cur[s->ncur][0] = i;
        s->cur[s->ncur][1] = k;
        s->cur[s->ncur][2] = j;
        s->ncur++;
        tri_enum(s, next, np + 1);
        s->ncur--;
    }
}

/* Derive the triangulation of every cube configuration from the oriented contours of its faces. */
static void mc_table_build(mc_table *t)
{
    for (int cs = 0; cs < 256; cs++) {
        int next[12];
        for (int e = 0; e < 12; e++)
            next[e] = -1;
        for (int a = 0; a < 3; a++) {
            int u = (a + 1) % 3, v = (a + 2) % 3; /* e_u x e_v = e_a */
            for (int s = 0; s < 2; s++) {
                /* corners counter-clockwise around the outward normal (+e_a for s = 1, -e_a for s = 0) */
                int p[4];
                static const int du[4] = {0, 1, 1, 0}, dv[4] = {0, 0, 1, 1};
                for (int i = 0; i < 4; i++) {
                    int k = s ? i : 3 - i;
                    p[i] = (s << a) | (du[k] << u) | (dv[k] << v);
                }
                int xe[4], xexit[4], nx = 0;
                for (int i = 0; i < 4; i++) {
                    int c0 = p[i], c1 = p[(i + 1) % 4];
                    int f0 = (cs >> c0) & 1, f1 = (cs >> c1) & 1;
                    if (f0 != f1) {
                        xe[nx] = edge_of(c0, c1);
                        xexit[nx] = f0;
                        nx++;
                    }
                }
                /* crossings alternate exit/entry; join each exit to the entry preceding it */
                for (int i = 0; i < nx; i++)
                    if (xexit[i])
                        next[xe[i]] = xe[(i + nx - 1) % nx];
            }
        }
        int seen[12] = {0}, nt = 0;
        for (int e0 = 0; e0 < 12; e0++) {
            if (next[e0] < 0 || seen[e0])
                continue;
            int loop[12], n = 0, e = e0;
            while (!seen[e] && n < 12) {
                seen[e] = 1;
                loop[n++] = e;
                e = next[e];
            }
            /* Triangulate the loop (see mesh.h): the largest area, ties broken by the smallest |volume|
             * about the cube centre. The loop runs clockwise around the outward normal, so every triangle
             * (a, b, c) in loop order is emitted as (a, c, b). */
            tri_search ts = {.loop = loop, .n = n, .best_area = -1.0};
            if (n <= TRI_ENUM_MAX) {
                int pend[12][2] = {{0, n - 1}};
                tri_enum(&ts, pend, 1);
            } else {
                for (int i = 1; i + 1 < n; i++) {
                    ts.best[ts.nbest][0] = 0;
                    ts.best[ts.nbest][1] = i;
                    ts.best[ts.nbest++][2] = i + 1;
                }
            }
            for (int i = 0; i < ts.nbest && nt < MC_MAX_TRI; i++) {
                t->edge[cs][3 * nt + 0] = (uint8_t)loop[ts.best[i][0]];
                t->edge[cs][3 * nt + 1] = (uint8_t)loop[ts.best[i][2]];
                t->edge[cs][3 * nt + 2] = (uint8_t)loop[ts.best[i][1]];
                nt++;
            }
        }
        t->ntri[cs] = (uint8_t)nt;
    }
}

/* ---- mesh storage ----------------------------------------------------------------------------------- */

void vx_mesh_free(vx_mesh *m)
{
    if (!m)
        return;
    free(m->vert);
    free(m->tri);
    memset(m, 0, sizeof *m);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int add_vertex(vx_mesh *m, int32_t x, int32_t y, int32_t z, uint32_t *id)
{
    if (m->n_vert >= UINT32_MAX - 1)
        return -1;
    if (grow((void **)&m->vert, &m->cap_vert, m->n_vert + 1, 3 * sizeof(int32_t)))
        return -1;
    int32_t *v = m->vert + 3 * m->n_vert;
    v[0] = x;
    v[1] = y;
    v[2] = z;
    *id = (uint32_t)m->n_vert++;
    return 0;
}

static uint64_t load8(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* A vertex on every grid edge (i, i + d) of a padded layer with a[i] != b[i] = a[i + d], i in [0, n), eight
 * voxels at a time. Edge i lies along `axis` from voxel (x, y) = (i % px, i / px) of layer k; its vertex id
 * goes to ids[stride * i + off]. Edges running across a row or layer end join two padding voxels (both
 * outside) and never get a vertex. */
static int edge_scan(vx_mesh *m, const uint8_t *a, const uint8_t *b, size_t n, size_t px, int axis, size_t k,
                     uint32_t *ids, size_t stride, size_t off)
{
    for (size_t i0 = 0; i0 < n; i0 += 8) {
        size_t e = n - i0 < 8 ? n - i0 : 8;
        if (e == 8 && load8(a + i0) == load8(b + i0))
            continue;
        for (size_t i = i0; i < i0 + e; i++) {
            if (a[i] == b[i])
                continue;
            int32_t x = (int32_t)(2 * (i % px)) - 2, y = (int32_t)(2 * (i / px)) - 2, z = (int32_t)(2 * k) - 2;
            if (axis == 0)
                x++;
            else if (axis == 1)
                y++;
            else
                z++;
            if (add_vertex(m, x, y, z, &ids[stride * i + off]))
                return -1;
        }
    }
    return 0;
}

/* Vertices on the in-plane (x and y) grid edges of padded layer k: ids into xy[2 * (x + px * y) + axis]. */
static int layer_xy(vx_mesh *m, const uint8_t *pm, size_t px, size_t py, size_t k, uint32_t *xy)
{
    const uint8_t *l = pm + px * py * k;
    if (edge_scan(m, l, l + 1, px * py - 1, px, 0, k, xy, 2, 0))
        return -1;
    return edge_scan(m, l, l + px, px * py - px, px, 1, k, xy, 2, 1);
}

/* Vertices on the z grid edges between padded layers k and k + 1. */
static int layer_z(vx_mesh *m, const uint8_t *pm, size_t px, size_t py, size_t k, uint32_t *zz)
{
    const uint8_t *l0 = pm + px * py * k;
    return edge_scan(m, l0, l0 + px * py, px * py, px, 2, k, zz, 1, 0);
}

/* Copy the box [lo, hi) of mask (dims) as 0/1 into the zeroed padded grid pm (box + 2 along each axis, one
 * voxel of background all around). Returns the number of foreground voxels. */
static size_t mesh_pad_mask(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3],
                            const size_t box[3], uint8_t *pm)
{
    const size_t px = box[0] + 2, pxy = px * (box[1] + 2);
    size_t nfg = 0;
    for (size_t z = lo[2]; z < hi[2]; z++)
        for (size_t y = lo[1]; y < hi[1]; y++) {
            const uint8_t *src = mask + lo[0] + dims[0] * (y + dims[1] * z);
            uint8_t *dst = pm + 1 + px * (y - lo[1] + 1) + pxy * (z - lo[2] + 1);
            for (size_t x = 0; x < box[0]; x++) {
                dst[x] = src[x] != 0;
                nfg += dst[x];
            }
        }
    return nfg;
}

/* Per cube edge: which id array (0: x/y edges of the lower layer, 1: upper layer, 2: z edges) and
 * the offset into it relative to the cube's base index x + px * y. */
static void mesh_edge_slots(size_t px, int esel[12], size_t eoff[12])
{
    for (int e = 0; e < 12; e++) {
        int a = e / 4, b = edge_base(e);
        size_t dx = (size_t)(b & 1), dy = (size_t)((b >> 1) & 1), dz = (size_t)((b >> 2) & 1);
        size_t i = dx + px * dy;
        if (a == 2) {
            esel[e] = 2;
            eoff[e] = i;
        } else {
            esel[e] = (int)dz;
            eoff[e] = 2 * i + (size_t)a;
        }
    }
}

/* The triangles of the cubes between padded layers k and k + 1, appended to m (vertex ids from ids[esel]
 * at the cube's base plus eoff). Returns nonzero when out of memory. */
static int march_layer(vx_mesh *m, const mc_table *tab, const uint8_t *pm, size_t px, size_t py, size_t k,
                       const uint32_t *const ids[3], const int esel[12], const size_t eoff[12])
{
    const size_t pxy = px * py;
    const uint8_t *l0 = pm + pxy * k, *l1 = l0 + pxy;
    for (size_t y = 0; y + 1 < py; y++) {
        const uint8_t *r00 = l0 + px * y, *r10 = r00 + px, *r01 = l1 + px * y, *r11 = r01 + px;
        /* corner bits of the cube column x: (y, z) offsets (0,0), (1,0), (0,1), (1,1) -> bits 0, 2, 4, 6 */
#define COLBITS(x) ((unsigned)r00[x] | (unsigned)r10[x] << 2 | (unsigned)r01[x] << 4 | (unsigned)r11[x] << 6)
        unsigned col = COLBITS(0);
        for (size_t x = 0; x + 1 < px; x++) {
            /* skip 8 cubes at once where the 9 voxel columns x .. x + 8 are all inside or all outside */
            while (x + 9 <= px) {
                uint64_t w = load8(r00 + x);
                if ((w != 0 && w != UINT64_C(0x0101010101010101)) || load8(r10 + x) != w ||
                    load8(r01 + x) != w || load8(r11 + x) != w)
                    break;
                uint8_t v = (uint8_t)(w & 1);
                if (r00[x + 8] != v || r10[x + 8] != v || r01[x + 8] != v || r11[x + 8] != v)
                    break;
                x += 8;
                col = COLBITS(x);
            }
            if (x + 1 >= px)
                break;
            unsigned nxt = COLBITS(x + 1);
            unsigned cs = col | nxt << 1;
            col = nxt;
            if (cs == 0 || cs == 255)
                continue;
            int nt = tab->ntri[cs];
            if (grow((void **)&m->tri, &m->cap_tri, m->n_tri + (size_t)nt, 3 * sizeof(uint32_t)))
                return 1;
            uint32_t *t = m->tri + 3 * m->n_tri;
            const size_t base = x + px * y;
            for (int q = 0; q < 3 * nt; q++) {
                int e = tab->edge[cs][q];
                t[q] = ids[esel[e]][(esel[e] == 2 ? base : 2 * base) + eoff[e]];
            }
            m->n_tri += (size_t)nt;
        }
    }
#undef COLBITS
    return 0;
}

int vx_mesh_build(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3],
                  vx_mesh *m, vx_error *err)
{
    memset(m, 0, sizeof *m);
    if (!mask || !dims || !lo || !hi)
        return vx_error_set(err, VX_EINVAL, "mesh: NULL argument");
    for (int a = 0; a < 3; a++) {
        if (hi[a] > dims[a] || lo[a] > hi[a])
            return vx_error_set(err, VX_EINVAL, "mesh: box [%zu, %zu) outside axis %d of size %zu", lo[a],
                                hi[a], a, dims[a]);
        if (hi[a] - lo[a] > (size_t)INT32_MAX / 4)
            return vx_error_set(err, VX_EINVAL, "mesh: box too large (%zu voxels along axis %d)",
                                hi[a] - lo[a], a);
        m->box[a] = hi[a] - lo[a];
    }
    if (!m->box[0] || !m->box[1] || !m->box[2])
        return VX_OK;

    const size_t px = m->box[0] + 2, py = m->box[1] + 2, pz = m->box[2] + 2, pxy = px * py;
    uint8_t *pm = calloc(pxy * pz, 1);
    uint32_t *xy0 = malloc(2 * pxy * sizeof *xy0);
    uint32_t *xy1 = malloc(2 * pxy * sizeof *xy1);
    uint32_t *zz = malloc(pxy * sizeof *zz);
    mc_table *tab = malloc(sizeof *tab);
    int rc = VX_OK;
    if (!pm || !xy0 || !xy1 || !zz || !tab) {
        rc = vx_error_set(err, VX_ENOMEM, "mesh: out of memory for a %zu x %zu x %zu box", m->box[0],
                          m->box[1], m->box[2]);
        goto done;
    }
    const size_t nfg = mesh_pad_mask(mask, dims, lo, hi, m->box, pm);
    if (!nfg)
        goto done;
    mc_table_build(tab);

    /* per cube edge: which id array and the offset into it */
    int esel[12];
    size_t eoff[12];
    mesh_edge_slots(px, esel, eoff);

    if (layer_xy(m, pm, px, py, 0, xy0))
        goto nomem;
    for (size_t k = 0; k + 1 < pz; k++) {
        if (layer_xy(m, pm, px, py, k + 1, xy1) || layer_z(m, pm, px, py, k, zz))
            goto nomem;
        const uint32_t *ids[3] = {xy0, xy1, zz};
        if (march_layer(m, tab, pm, px, py, k, ids, esel, eoff))
            goto nomem;
        uint32_t *sw = xy0;
        xy0 = xy1;
        xy1 = sw;
    }
    goto done;
nomem:
    rc = vx_error_set(err, VX_ENOMEM, "mesh: out of memory (%zu vertices, %zu triangles)", m->n_vert, m->n_tri);
    vx_mesh_free(m);
done:
    free(pm);
    free(xy0);
    free(xy1);
    free(zz);
    free(tab);
    return rc;
}

double vx_mesh_volume(const vx_mesh *m, const double spacing[3])
{
    /* coordinates relative to the doubled box centre (box - 1) keep the products small */
    const int64_t c[3] = {(int64_t)m->box[0] - 1, (int64_t)m->box[1] - 1, (int64_t)m->box[2] - 1};
    int64_t sum = 0;
    for (size_t f = 0; f < m->n_tri; f++) {
        const int32_t *a = m->vert + 3 * (size_t)m->tri[3 * f], *b = m->vert + 3 * (size_t)m->tri[3 * f + 1],
                      *d = m->vert + 3 * (size_t)m->tri[3 * f + 2];
        int64_t ax = a[0] - c[0], ay = a[1] - c[1], az = a[2] - c[2];
        int64_t bx = b[0] - c[0], by = b[1] - c[1], bz = b[2] - c[2];
        int64_t dx = d[0] - c[0], dy = d[1] - c[1], dz = d[2] - c[2];
        sum += ax * (by * dz - bz * dy) + ay * (bz * dx - bx * dz) + az * (bx * dy - by * dx);
    }
    /* doubled coordinates: a factor 2^3 per triple product; 1/6 per tetrahedron */
    return fabs((double)sum) / 48.0 * spacing[0] * spacing[1] * spacing[2];
}

double vx_mesh_area(const vx_mesh *m, const double spacing[3])
{
    const double h[3] = {0.5 * spacing[0], 0.5 * spacing[1], 0.5 * spacing[2]};
    double sum = 0.0;
    for (size_t f = 0; f < m->n_tri; f++) {
        const int32_t *a = m->vert + 3 * (size_t)m->tri[3 * f], *b = m->vert + 3 * (size_t)m->tri[3 * f + 1],
                      *d = m->vert + 3 * (size_t)m->tri[3 * f + 2];
        double u[3], v[3];
        for (int i = 0; i < 3; i++) {
            u[i] = (double)(b[i] - a[i]) * h[i];
            v[i] = (double)(d[i] - a[i]) * h[i];
        }
        double cx = u[1] * v[2] - u[2] * v[1], cy = u[2] * v[0] - u[0] * v[2], cz = u[0] * v[1] - u[1] * v[0];
        sum += sqrt(cx * cx + cy * cy + cz * cz);
    }
    return 0.5 * sum;
}
