/* voxomics (internal): zone labelling, distance map and the sparse zone matrix shared by GLSZM and GLDZM.
 *
 * IBSI 1 (sections "Grey level size zone based features" and "Grey level distance zone based features"):
 *  - zones: voxels of the intensity mask with identical discretised grey level are linked when they are
 *    neighbours; neighbours are voxels within Chebyshev distance delta (default 1: 26-connectedness in 3D,
 *    8-connectedness in 2D, where zones do not cross slices);
 *  - GLDZM distance map: from the morphological mask, the distance of a voxel to the ROI edge is the minimum
 *    number of 6-connected (3D) or 4-connected (2D) steps to leave the mask, so 1 for voxels on the edge
 *    (IBSI defines it by repeated erosion with the 6/4-connected structure element, which equals the
 *    city-block (L1) distance to the nearest voxel outside the mask; the grid outside the box counts as
 *    outside the mask). The distance of a zone is the minimum distance of its voxels.
 *
 * Implementation: the box (or one slice of it) is copied into a zero-padded local grid (pad = delta voxels,
 * so neighbour offsets need no bounds checks; grey levels in 16 bits when they fit, distances in 16 bits). One raster pass of union-find (union by size, path halving)
 * over the earlier half of each voxel's neighbourhood labels all zones, the zone size (and, for GLDZM, the
 * zone's minimum distance) sitting at its root; for delta = 1 neighbours already in the zone of a joined
 * neighbour are skipped. The distance map is an exact separable city-block distance transform, computed
 * before labelling. Zones are then counted by (j, i): small j in a dense table, larger j as radix-sorted
 * keys. Everything is linear in the box volume.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "zones.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the sparse matrix ----------------------------------------------------------------------------- */

static vx_zone_matrix *matrix_new(int n_grey)
{
    if (n_grey < 0)
        n_grey = 0;
    vx_zone_matrix *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n_grey = n_grey;
    m->row = calloc((size_t)n_grey + 1, sizeof *m->row);
    if (!m->row) {
        free(m);
        return NULL;
    }
    return m;
}

void vx_zone_matrix_free(void *mv)
{
    vx_zone_matrix *m = mv;
    if (!m)
        return;
    free(m->e);
    free(m->row);
    free(m);
}

void *vx_zone_matrix_clone(const void *mv)
{
    const vx_zone_matrix *m = mv;
    vx_zone_matrix *c = matrix_new(m->n_grey);
    if (!c)
        return NULL;
    c->n_voxels = m->n_voxels;
    memcpy(c->row, m->row, ((size_t)m->n_grey + 1) * sizeof *m->row);
    if (m->n) {
        c->e = malloc(m->n * sizeof *c->e);
        if (!c->e) {
            vx_zone_matrix_free(c);
            return NULL;
        }
        memcpy(c->e, m->e, m->n * sizeof *c->e);
        c->n = c->cap = m->n;
    }
    return c;
}

static int entry_less(const vx_zone_entry *a, const vx_zone_entry *b)
{
    return a->len < b->len || (a->len == b->len && a->grey < b->grey);
}

int vx_zone_matrix_merge(void *dstv, const void *srcv)
{
    vx_zone_matrix *d = dstv;
    const vx_zone_matrix *s = srcv;
    int ng = d->n_grey > s->n_grey ? d->n_grey : s->n_grey;
    uint64_t *row = d->row;
    if (ng > d->n_grey) {
        row = calloc((size_t)ng + 1, sizeof *row);
        if (!row)
            return VX_ENOMEM;
        memcpy(row, d->row, ((size_t)d->n_grey + 1) * sizeof *row);
    }
    vx_zone_entry *e = NULL;
    size_t n = 0;
    if (d->n + s->n) {
        e = malloc((d->n + s->n) * sizeof *e);
        if (!e) {
            if (row != d->row)
                free(row);
            return VX_ENOMEM;
        }
        size_t a = 0, b = 0;
        while (a < d->n || b < s->n) {
            if (b == s->n || (a < d->n && entry_less(&d->e[a], &s->e[b])))
                e[n++] = d->e[a++];
            else if (a == d->n || entry_less(&s->e[b], &d->e[a]))
                e[n++] = s->e[b++];
            else {
                e[n] = d->e[a++];
                e[n++].count += s->e[b++].count;
            }
        }
    }
    for (int i = 0; i <= s->n_grey; i++)
        row[i] += s->row[i];
    if (row != d->row) {
        free(d->row);
        d->row = row;
        d->n_grey = ng;
    }
    free(d->e);
    d->e = e;
    d->n = d->cap = n;
    d->n_voxels += s->n_voxels;
    return 0;
}

/* ---- sums for the features -------------------------------------------------------------------------- */

int vx_zone_sums_compute(const vx_zone_matrix *m, vx_zone_sums *s)
{
    memset(s, 0, sizeof *s);
    s->nv = (double)m->n_voxels;
    uint64_t ns = 0;
    for (size_t k = 0; k < m->n; k++)
        ns += m->e[k].count;
    if (ns == 0)
        return 1;
    const double Ns = (double)ns;
    s->ns = Ns;

    /* Grey level marginal s_i.: emphases, non-uniformity, grey level mean and variance. The means are
     * integer-valued sums divided once by N_s: exactly the level (distance) when only one occurs. */
    double sum_i = 0.0;
    for (int i = 1; i <= m->n_grey; i++) {
        if (!m->row[i])
            continue;
        const double c = (double)m->row[i], pi = c / Ns, ii = (double)i * (double)i;
        s->inv_i2 += pi / ii;
        s->i2 += pi * ii;
        s->sum_pi2 += pi * pi;
        sum_i += (double)i * c;
    }
    const double mu_i = sum_i / Ns;
    for (int i = 1; i <= m->n_grey; i++)
        if (m->row[i])
            s->var_i += ((double)i - mu_i) * ((double)i - mu_i) * ((double)m->row[i] / Ns);

    /* Joint entries, sorted by j: the j marginal s_.j is a run of consecutive entries. */
    double sum_j = 0.0, entr = 0.0;
    size_t k = 0;
    while (k < m->n) {
        const uint32_t len = m->e[k].len;
        const double j = (double)len, jj = j * j;
        double col = 0.0;
        for (; k < m->n && m->e[k].len == len; k++) {
            const double c = (double)m->e[k].count, i = (double)m->e[k].grey, ii = i * i, p = c / Ns;
            col += c;
            s->inv_i2j2 += p / (ii * jj);
            s->i2_inv_j2 += p * ii / jj;
            s->j2_inv_i2 += p * jj / ii;
            s->i2j2 += p * ii * jj;
            if (p < 1.0)
                entr -= p * log2(p); /* > 0 term by term */
        }
        const double pj = col / Ns;
        s->inv_j2 += pj / jj;
        s->j2 += pj * jj;
        s->sum_pj2 += pj * pj;
        sum_j += j * col;
    }
    const double mu_j = sum_j / Ns;
    for (k = 0; k < m->n; k++) {
        const double dj = (double)m->e[k].len - mu_j;
        s->var_j += dj * dj * ((double)m->e[k].count / Ns);
    }
    s->entropy = entr;
    return 0;
}

/* ---- labelling -------------------------------------------------------------------------------------- */

/* Union-find over padded-grid indices: par[v] >= 0 is the parent, par[v] < 0 marks a root whose zone holds
 * -par[v] voxels. */
static inline int32_t uf_find(int32_t *par, int32_t v)
{
    for (;;) {
        const int32_t p = par[v];
        if (p < 0)
            return v;
        const int32_t gp = par[p];
        if (gp < 0)
            return p;
        par[v] = gp; /* path halving */
        v = gp;
    }
}

/* A GLDZM distance: 16 bits hold every distance of a grid vx_zones_build accepts (fewer than 2^31 voxels, so
 * the shortest axis has fewer than 46341 voxels, and a voxel is at most half of it from the grid's border,
 * which lies outside the mask); DIST_FAR marks a voxel not reached yet. */
typedef uint16_t zdist;
#define DIST_FAR UINT16_MAX

/* The union-find state of one labelling: zd (GLDZM, else NULL) holds at each root the minimum distance of
 * its zone; n_zones counts the current sets. */
typedef struct uf {
    int32_t *par;
    zdist *zd;
    size_t n_zones;
} uf;

/* Join the sets of roots a != b (union by size); returns the new root. */
static inline int32_t uf_link(uf *U, int32_t a, int32_t b)
{
    int32_t *par = U->par;
    if (par[a] > par[b]) { /* a is the smaller zone: hang it below b */
        const int32_t t = a;
        a = b;
        b = t;
    }
    par[a] += par[b];
    par[b] = a;
    if (U->zd && U->zd[b] < U->zd[a])
        U->zd[a] = U->zd[b];
    U->n_zones--;
    return a;
}

/* Voxel v (processed in raster order, not yet in par) joins the zone of the earlier voxel u. r is v's root
 * so far (-1: v is still alone). */
static inline int32_t uf_join(uf *U, int32_t v, int32_t u, int32_t r)
{
    const int32_t ru = uf_find(U->par, u);
    if (r < 0) {
        U->par[ru]--; /* one voxel more */
        U->par[v] = ru;
        if (U->zd && U->zd[v] < U->zd[ru])
            U->zd[ru] = U->zd[v];
        return ru;
    }
    return ru == r ? r : uf_link(U, r, ru);
}

/* v found no earlier neighbour: it starts a zone. */
static inline void uf_new(uf *U, int32_t v)
{
    U->par[v] = -1;
    U->n_zones++;
}

/* Sort keys ascending (LSD radix, 8-bit digits, only as many passes as max_key needs), ping-ponging between
 * keys and tmp (both n long). Returns whichever of the two holds the sorted keys. */
static uint64_t *radix_sort(uint64_t *keys, uint64_t *tmp, size_t n, uint64_t max_key)
{
    for (unsigned shift = 0; shift < 64 && (max_key >> shift); shift += 8) {
        size_t cnt[257] = {0};
        for (size_t k = 0; k < n; k++)
            cnt[((keys[k] >> shift) & 255u) + 1]++;
        for (int b = 0; b < 256; b++)
            cnt[b + 1] += cnt[b];
        for (size_t k = 0; k < n; k++)
            tmp[cnt[(keys[k] >> shift) & 255u]++] = keys[k];
        uint64_t *t = keys;
        keys = tmp;
        tmp = t;
    }
    return keys;
}

/* The padded grid's grey levels: 16 bits when every level fits (almost always: fixed bin numbers, bin sizes of a
 * calibrated range), else 32 (wide). */
static inline int32_t grey_at(const void *g, int wide, size_t v)
{
    return wide ? ((const int32_t *)g)[v] : (int32_t)((const uint16_t *)g)[v];
}

/* The padded local grid: interior voxel (x, y, z) of the region sits at x + pad + px * (y + pad + py * (z +
 * zoff)); the border (pad voxels, none along z in 2D) holds grey 0 and distance 0. */
typedef struct grid {
    size_t nx, ny, nz, pad, zoff, px, py, pz, pxy;
} grid;

#define GRID_FOR(G, v)                                                                                       \
    for (size_t z_ = (G)->zoff; z_ < (G)->zoff + (G)->nz; z_++)                                              \
        for (size_t y_ = (G)->pad; y_ < (G)->pad + (G)->ny; y_++)                                            \
            for (size_t v = (G)->px * (y_ + (G)->py * z_) + (G)->pad, e_ = v + (G)->nx; v < e_; v++)

/* Label zones of linked voxels with equal grey level (g > 0), processing voxels in raster order and joining
 * each with its matching neighbours among the earlier half of its Chebyshev neighbourhood. Afterwards every
 * voxel is in one set with all its linked neighbours (induction over the raster order).
 *
 * For delta = 1: two matching earlier neighbours that are adjacent to each other are already in one set
 * (they were joined when the later of the two was processed). So the voxel joins one matching neighbour,
 * drops every matching neighbour adjacent to it, and repeats; neighbours are tried in the order of how many
 * others they cover ((0,0,-1) is adjacent to all 13 earlier neighbours in 3D, (0,-1) to all 4 in 2D), so a
 * voxel of a smooth image needs a single union.
 *
 * U->zd (GLDZM, else NULL): the distance map on the same grid; on return each root holds the minimum
 * distance over its zone (a voxel's own entry is read when it is processed; only roots are overwritten). */
__attribute__((always_inline)) static inline void label_zones(const grid *G, const void *g, int wide, uf *U,
                                                               int delta, int two_d)
{
    const ptrdiff_t sy = (ptrdiff_t)G->px, sz = (ptrdiff_t)G->pxy;
    if (delta == 1) {
        /* earlier neighbours (dx, dy, dz), most covering first */
        static const int nb3[13][3] = {{0, 0, -1},  {0, -1, 0},  {-1, 0, 0},  {0, 1, -1},  {0, -1, -1},
                                       {-1, 0, -1}, {1, 0, -1},  {-1, -1, 0}, {1, -1, 0},  {-1, -1, -1},
                                       {1, -1, -1}, {-1, 1, -1}, {1, 1, -1}};
        static const int nb2[4][3] = {{0, -1, 0}, {-1, 0, 0}, {-1, -1, 0}, {1, -1, 0}};
        const int (*nb)[3] = two_d ? nb2 : nb3;
        const int n = two_d ? 4 : 13;
        ptrdiff_t off[13];
        unsigned cover[13]; /* bit k: itself and the neighbours adjacent to it */
        for (int a = 0; a < n; a++) {
            off[a] = nb[a][0] + sy * nb[a][1] + sz * nb[a][2];
            cover[a] = 0;
            for (int b = 0; b < n; b++)
                if (abs(nb[a][0] - nb[b][0]) <= 1 && abs(nb[a][1] - nb[b][1]) <= 1 && abs(nb[a][2] - nb[b][2]) <= 1)
                    cover[a] |= 1u << b;
        }
        GRID_FOR(G, vv)
        {
            const int32_t v = (int32_t)vv, gv = grey_at(g, wide, (size_t)v);
            if (!gv)
                continue;
            unsigned match = 0;
            for (int k = 0; k < n; k++)
                match |= (unsigned)(grey_at(g, wide, (size_t)(v + off[k])) == gv) << k;
            int32_t r = -1;
            while (match) {
                const int k = __builtin_ctz(match);
                r = uf_join(U, v, (int32_t)(v + off[k]), r);
                match &= ~cover[k];
            }
            if (r < 0)
                uf_new(U, v);
        }
        return;
    }
    /* General linkage distance: all earlier neighbours within Chebyshev distance delta (in-plane in 2D). */
    const int dz0 = two_d ? 0 : -delta;
    GRID_FOR(G, vv)
    {
        const int32_t v = (int32_t)vv, gv = grey_at(g, wide, (size_t)v);
        if (!gv)
            continue;
        int32_t r = -1;
        for (int dz = dz0; dz <= 0; dz++)
            for (int dy = -delta; dy <= (dz < 0 ? delta : 0); dy++)
                for (int dx = -delta; dx <= ((dz < 0 || dy < 0) ? delta : -1); dx++) {
                    const int32_t u = (int32_t)(v + dx + sy * dy + sz * dz);
                    if (grey_at(g, wide, (size_t)u) == gv)
                        r = uf_join(U, v, u, r);
                }
        if (r < 0)
            uf_new(U, v);
    }
}

/* Exact city-block distance transform of the padded grid in place (0 outside the morphological mask, a large
 * value inside): the L1 metric is separable, so 1D transforms along x, then y, then z (forward and backward
 * min-plus passes with step 1) give the number of 4-connected (2D) or 6-connected (3D) steps to the nearest
 * voxel outside the mask. The y and z passes run over whole rows (vectorisable). */
static void distance_transform(const grid *G, zdist *d, int two_d)
{
    const size_t px = G->px, pad = G->pad, nx = G->nx, ny = G->ny, nz = G->nz, zoff = G->zoff, pxy = G->pxy;
    for (size_t z = zoff; z < zoff + nz; z++) {
        for (size_t y = pad; y < pad + ny; y++) {
            zdist *row = d + px * (y + G->py * z);
            for (size_t x = pad; x < pad + nx; x++)
                if (row[x - 1] + 1 < row[x])
                    row[x] = row[x - 1] + 1;
            for (size_t x = pad + nx; x-- > pad;)
                if (row[x + 1] + 1 < row[x])
                    row[x] = row[x + 1] + 1;
        }
        zdist *sl = d + pxy * z;
        for (size_t y = pad; y < pad + ny; y++) {
            zdist *row = sl + px * y + pad;
            const zdist *prev = row - px;
            for (size_t x = 0; x < nx; x++)
                row[x] = prev[x] + 1 < row[x] ? prev[x] + 1 : row[x];
        }
        for (size_t y = pad + ny; y-- > pad;) {
            zdist *row = sl + px * y + pad;
            const zdist *next = row + px;
            for (size_t x = 0; x < nx; x++)
                row[x] = next[x] + 1 < row[x] ? next[x] + 1 : row[x];
        }
    }
    if (two_d)
        return;
    for (size_t z = zoff; z < zoff + nz; z++)
        for (size_t y = pad; y < pad + ny; y++) {
            zdist *row = d + px * (y + G->py * z) + pad;
            const zdist *prev = row - pxy;
            for (size_t x = 0; x < nx; x++)
                row[x] = prev[x] + 1 < row[x] ? prev[x] + 1 : row[x];
        }
    for (size_t z = zoff + nz; z-- > zoff;)
        for (size_t y = pad; y < pad + ny; y++) {
            zdist *row = d + px * (y + G->py * z) + pad;
            const zdist *next = row + pxy;
            for (size_t x = 0; x < nx; x++)
                row[x] = next[x] + 1 < row[x] ? next[x] + 1 : row[x];
        }
}

/* Copy the box [lo, lo + n) into the padded grid: grey levels (0 outside the intensity mask) into g and,
 * with distance, the morphological mask into dist (far inside, 0 outside). *nv: voxels with a grey level;
 * *gmax: the highest grey level. */
static void zones_fill_grid(const vx_roi *roi, const grid *G, const size_t lo[3], int distance, void *g, int wide,
                            zdist *dist, uint64_t *nv_out, int *gmax_out)
{
    uint64_t nv = 0;
    int gmax = 0;
    for (size_t z = 0; z < G->nz; z++)
        for (size_t y = 0; y < G->ny; y++) {
            const size_t src = lo[0] + roi->dims[0] * ((lo[1] + y) + roi->dims[1] * (lo[2] + z));
            const size_t dst = G->pad + G->px * ((y + G->pad) + G->py * (z + G->zoff));
            const uint8_t *im = roi->imask + src;
            const int32_t *gr = roi->grey + src;
            int32_t *gd = wide ? (int32_t *)g + dst : NULL;
            uint16_t *gn = wide ? NULL : (uint16_t *)g + dst;
            for (size_t x = 0; x < G->nx; x++) { /* branch-free but for the (loop-invariant) width */
                int32_t gv = im[x] ? gr[x] : 0;
                gv = gv > 0 ? gv : 0;
                if (wide)
                    gd[x] = gv;
                else
                    gn[x] = (uint16_t)gv; /* a level above 65535 makes gmax tell the caller to refill wide */
                nv += (uint64_t)(gv > 0);
                gmax = gv > gmax ? gv : gmax;
            }
            if (distance) {
                const uint8_t *mm = roi->mmask + src;
                zdist *dd = dist + dst;
                for (size_t x = 0; x < G->nx; x++)
                    dd[x] = mm[x] ? DIST_FAR : 0;
            }
        }
    *nv_out = nv;
    *gmax_out = gmax;
}

/* Count the labelled zones (at their roots) by (j, i) into m (rows and entries): small j into a dense
 * table, larger j as keys j * (n_grey + 1) + i, radix-sorted. Emitting the table, then the sorted keys,
 * gives the entries in (j, i) order. Returns 0, or -1 when out of memory. */
static int zones_count(const grid *G, const void *g, int wide, const uf *U, int distance, int n_grey,
                       vx_zone_matrix *m)
{
    const int32_t *par = U->par;
    const zdist *dist = U->zd;
    const uint64_t stride = (uint64_t)n_grey + 1;
    /* table of at most 64 Ki counts, and not much larger than the number of zones (it is scanned) */
    const uint64_t t_size = U->n_zones < 128 ? 1024 : U->n_zones > 8192 ? 65536 : 8 * (uint64_t)U->n_zones;
    const size_t small_j = t_size / stride < 64 ? (size_t)(t_size / stride) : 64;
    uint64_t *table = calloc(small_j * stride + 1, sizeof *table);
    uint64_t *keys = malloc(U->n_zones * sizeof *keys);
    uint64_t *tmp = malloc(U->n_zones * sizeof *tmp);
    int rc = -1;
    if (!table || !keys || !tmp)
        goto out;
    size_t nk = 0;
    uint64_t max_key = 0;
    GRID_FOR(G, v)
    {
        const int32_t gv = grey_at(g, wide, v);
        if (!gv || par[v] >= 0)
            continue;
        uint64_t j;
        if (distance)
            /* imask voxels outside the morphological mask have distance 0; IBSI has the intensity mask
             * inside the morphological one, so such a zone gets the edge value 1. */
            j = dist[v] < 1 ? 1u : (uint64_t)dist[v];
        else
            j = (uint64_t)(-(int64_t)par[v]);
        const uint64_t key = j * stride + (uint64_t)gv;
        if (j < small_j) {
            table[key]++;
        } else {
            keys[nk++] = key;
            max_key = key > max_key ? key : max_key;
        }
        m->row[gv]++;
    }
    const uint64_t *sorted = radix_sort(keys, tmp, nk, max_key);
    size_t n_ent = 0;
    for (size_t k = 0; k < small_j * stride; k++)
        n_ent += table[k] != 0;
    for (size_t k = 0; k < nk; k++)
        n_ent += k == 0 || sorted[k] != sorted[k - 1];
    m->e = malloc(n_ent * sizeof *m->e);
    if (!m->e)
        goto out;
    m->cap = n_ent;
    for (size_t k = 0; k < small_j * stride; k++)
        if (table[k])
            m->e[m->n++] = (vx_zone_entry){(uint32_t)(k / stride), (uint32_t)(k % stride), table[k]};
    for (size_t k = 0; k < nk; k++) {
        if (k == 0 || sorted[k] != sorted[k - 1])
            m->e[m->n++] = (vx_zone_entry){(uint32_t)(sorted[k] / stride), (uint32_t)(sorted[k] % stride), 0};
        m->e[m->n - 1].count++;
    }
    rc = 0;
out:
    free(table);
    free(keys);
    free(tmp);
    return rc;
}

vx_zone_matrix *vx_zones_build(const vx_roi *roi, int linkage, long slice, int distance)
{
    const int delta = linkage < 1 ? 1 : linkage;
    const int two_d = slice >= 0;
    size_t lo[3], hi[3];
    for (int a = 0; a < 3; a++) {
        lo[a] = roi->box_lo[a];
        hi[a] = roi->box_hi[a] < roi->dims[a] ? roi->box_hi[a] : roi->dims[a];
    }
    if (two_d) {
        lo[2] = (size_t)slice;
        hi[2] = (size_t)slice + 1 <= hi[2] ? (size_t)slice + 1 : (size_t)slice;
    }
    int n_grey = roi->n_grey > 0 ? roi->n_grey : 0;
    if (hi[0] <= lo[0] || hi[1] <= lo[1] || hi[2] <= lo[2])
        return matrix_new(n_grey);

    grid G;
    G.nx = hi[0] - lo[0], G.ny = hi[1] - lo[1], G.nz = hi[2] - lo[2];
    G.pad = (size_t)delta, G.zoff = two_d ? 0 : G.pad;
    G.px = G.nx + 2 * G.pad, G.py = G.ny + 2 * G.pad, G.pz = G.nz + 2 * G.zoff;
    /* Indices must fit int32 (union-find); this also guards the products against overflow. */
    if (G.px > (size_t)INT32_MAX || G.py > (size_t)INT32_MAX / G.px ||
        G.pz > (size_t)INT32_MAX / (G.px * G.py))
        return NULL;
    G.pxy = G.px * G.py;
    const size_t np = G.pxy * G.pz;

    int wide = n_grey > UINT16_MAX;
    void *g = calloc(np, wide ? sizeof(int32_t) : sizeof(uint16_t));
    int32_t *par = malloc(np * sizeof *par);
    zdist *dist = distance ? calloc(np, sizeof *dist) : NULL;
    vx_zone_matrix *m = NULL;
    if (!g || !par || (distance && !dist))
        goto fail;

    /* Copy grey levels (0 outside the intensity mask) and, for GLDZM, the morphological mask. */
    uint64_t nv = 0;
    int gmax = 0;
    zones_fill_grid(roi, &G, lo, distance, g, wide, dist, &nv, &gmax);
    if (!wide && gmax > UINT16_MAX) { /* levels above roi->n_grey: again with 32 bits */
        free(g);
        wide = 1;
        if (!(g = calloc(np, sizeof(int32_t))))
            goto fail;
        zones_fill_grid(roi, &G, lo, distance, g, wide, dist, &nv, &gmax);
    }
    if (gmax > n_grey)
        n_grey = gmax;

    /* GLDZM: distances first, so that labelling gathers the zone minimum at each root. */
    if (distance)
        distance_transform(&G, dist, two_d);
    uf U = {par, dist, 0};
    if (wide) /* two copies of the labelling, each with its grey-level width fixed */
        label_zones(&G, g, 1, &U, delta, two_d);
    else
        label_zones(&G, g, 0, &U, delta, two_d);

    /* Count zones (at their roots) by (j, i). */
    m = matrix_new(n_grey);
    if (!m)
        goto fail;
    m->n_voxels = nv;
    if (!U.n_zones)
        goto done;
    if (zones_count(&G, g, wide, &U, distance, n_grey, m) != 0)
        goto fail;
    goto done;

fail:
    vx_zone_matrix_free(m);
    m = NULL;
done:
    free(g);
    free(par);
    free(dist);
    return m;
}
