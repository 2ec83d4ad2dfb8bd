/* voxomics: a kernel sliding along x over a processed ROI, the voxel maps' sliding window (voxomics/feature.h,
 * "vx_window"; the maps: src/extract/maps.c). The kernel moves along an x row of the processed ROI;
 * a move from x to x + 1 removes, for each (dy, dz) row of the kernel shape (half-width h: r for the cube, the
 * largest h with h^2 + dy^2 + dz^2 <= r^2 for the sphere), the voxel at x - h and adds the one at x + 1 + h.
 *
 * What is kept, exactly (integers):
 *   - the kernel's grey-level histogram, its number of voxels, of distinct levels and its highest level;
 *   - for the GLCM, the co-occurrence counts of each of the 13 directions d (delta times vx_texture_dirs) and
 *     their sum: a pair (p, p + d) counts while both voxels are in the kernel. A voxel leaving takes the pairs it
 *     forms with the voxels still in the kernel (it is taken out of the set first), a voxel entering adds the
 *     pairs it forms with the voxels already in (it is put in the set after), so every pair is added and removed
 *     once, whatever the order of the voxels. The counts are those of glcm.c for the kernel as a ROI: M+ + M+^T
 *     (symmetric; a diagonal pair counts 2) or M+. The non-zero cells are listed (each once) for the features.
 * The intensity statistics take the kernel's intensities in the ROI's scan order (z, y, x), as vx_stat_compute
 * reads them from the kernel as a ROI; their own code then gives the same bits. The GLCM and intensity-histogram
 * features come from glcm.c and ih.c's own feature code (vx_glcm_compute_cells, vx_ih_from_histogram).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feature/firstorder.h"
#include "feature/texture.h"
#include "voxomics/feature.h"
#include "voxomics/settings.h"

enum { NMAT = VX_N_DIR_3D + 1 }; /* the 13 directions and their sum */

struct vx_window {
    const vx_roi *g;
    vx_feature_settings fs;
    unsigned fams;
    int r, masked, fbn, glcm, sym, G, side;
    long R, S, W; /* w->in: the kernel's rows padded by the GLCM distance (R = r + delta, S = 2R + 1), W columns */
    long d[VX_N_DIR_3D][3], dyz[VX_N_DIR_3D]; /* the directions times delta; their (y, z) slot offsets */
    int *hw;     /* side^2: half-width of kernel row (dy, dz), -1 for none */
    long c[3];   /* the centre */
    int32_t *in; /* W x S^2: the kernel's voxels' grey levels (0: not in the kernel), x modulo W */
    double *hist;
    size_t nk;
    int gmax, nlev;
    size_t gg, cap[NMAT], nlist[NMAT];
    uint32_t *cnt, *list; /* NMAT x gg counts; NMAT x gg listed cells */
    uint8_t *listed;      /* NMAT x gg */
    vx_glcm_cells cells[NMAT];
    double *vals; /* side^3: the kernel's intensities */
};

unsigned vx_window_families(const vx_feature_settings *fs, unsigned families, int n_grey)
{
    /* intensity statistics: not with compat pyradiomics, whose rows vx_extract completes from the kernel's ROI */
    unsigned f = families & ((fs->compat != VX_COMPAT_PYRADIOMICS ? 1u << VX_FAM_STAT : 0u) | (1u << VX_FAM_IH));
    if (n_grey <= VX_WINDOW_MAX_GREY && vx_glcm_cells_supported(fs))
        f |= families & (1u << VX_FAM_GLCM);
    return f;
}

void vx_window_free(vx_window *w)
{
    if (!w)
        return;
    free(w->hw);
    free(w->in);
    free(w->hist);
    free(w->cnt);
    free(w->list);
    free(w->listed);
    free(w->cells[0].ci);
    free(w->cells[0].val);
    free(w->vals);
    free(w);
}

/* The kernel shape's half-widths along x. */
static void slide_shape(vx_window *w, int sphere)
{
    const int r = w->r;
    for (int dz = -r; dz <= r; dz++)
        for (int dy = -r; dy <= r; dy++) {
            int h = r;
            if (sphere)
                for (h = -1; (h + 1) * (h + 1) + dy * dy + dz * dz <= r * r; h++)
                    ;
            w->hw[(dy + r) + w->side * (dz + r)] = h;
        }
}

/* The GLCM's count matrices and cell lists; the output cells of matrix m hold at most cap[m] cells (two per pair
 * of the kernel, and at most N_g^2). */
static int slide_glcm_alloc(vx_window *w)
{
    const long delta = w->fs.glcm_distance > 0 ? w->fs.glcm_distance : 1;
    for (int k = 0; k < VX_N_DIR_3D; k++) {
        for (int a = 0; a < 3; a++)
            w->d[k][a] = vx_texture_dirs[k][a] * delta;
        w->dyz[k] = w->W * (w->d[k][1] + w->S * w->d[k][2]);
    }
    w->sym = w->fs.glcm_symmetric;
    w->gg = (size_t)w->G * (size_t)w->G;
    const size_t nvox = (size_t)w->side * (size_t)w->side * (size_t)w->side;
    size_t total = 0;
    for (int m = 0; m < NMAT; m++) {
        const size_t pairs = 2 * nvox * (m < VX_N_DIR_3D ? 1 : VX_N_DIR_3D);
        w->cap[m] = pairs < w->gg ? pairs : w->gg;
        total += w->cap[m];
    }
    w->cnt = calloc(NMAT * w->gg, sizeof *w->cnt);
    w->list = malloc(NMAT * w->gg * sizeof *w->list);
    w->listed = calloc(NMAT * w->gg, 1);
    uint32_t *ij = malloc(2 * total * sizeof *ij);
    double *val = malloc(total * sizeof *val);
    if (!w->cnt || !w->list || !w->listed || !ij || !val) {
        free(ij);
        free(val);
        return VX_ENOMEM;
    }
    for (int m = 0, at = 0; m < NMAT; at += (int)w->cap[m], m++)
        w->cells[m] = (vx_glcm_cells){0, ij + 2 * (size_t)at, ij + 2 * (size_t)at + w->cap[m], val + at};
    return VX_OK;
}

vx_window *vx_window_new(const vx_roi *g, int radius, int sphere, int masked, const vx_feature_settings *fs,
                         unsigned families, int fbn)
{
    vx_window *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->g = g;
    w->fs = *fs;
    w->fs.threads = 1;
    w->fams = families;
    w->r = radius;
    w->masked = masked;
    w->fbn = fbn;
    w->G = g->n_grey > 0 ? g->n_grey : 0;
    w->glcm = (families >> VX_FAM_GLCM) & 1u;
    w->side = 2 * w->r + 1;
    const long delta = w->glcm ? (w->fs.glcm_distance > 0 ? w->fs.glcm_distance : 1) : 0;
    w->R = w->r + delta;
    w->S = 2 * w->R + 1;
    for (w->W = 4; w->W < 2 * w->R + 2; w->W *= 2) /* a power of two: x modulo W is a mask */
        ;
    const size_t s2 = (size_t)w->side * (size_t)w->side;
    w->hw = malloc(s2 * sizeof *w->hw);
    w->in = calloc((size_t)(w->W * w->S * w->S), sizeof *w->in);
    w->hist = calloc((size_t)w->G + 1, sizeof *w->hist);
    w->vals = malloc(s2 * (size_t)w->side * sizeof *w->vals);
    if (!w->hw || !w->in || !w->hist || !w->vals || (w->glcm && slide_glcm_alloc(w) != VX_OK)) {
        vx_window_free(w);
        return NULL;
    }
    slide_shape(w, sphere);
    return w;
}

/* 1 when (x, y, z) is a voxel of the grid that kernels take (in the intensity mask for masked kernels). */
static inline int slide_takes(const vx_window *w, long x, long y, long z, size_t *idx)
{
    const vx_roi *g = w->g;
    if (x < 0 || y < 0 || z < 0 || (size_t)x >= g->dims[0] || (size_t)y >= g->dims[1] || (size_t)z >= g->dims[2])
        return 0;
    *idx = (size_t)x + g->dims[0] * ((size_t)y + g->dims[1] * (size_t)z);
    return !w->masked || g->imask[*idx];
}

/* The slot of (x, y, z) in w->in, for a voxel of the kernel or one within delta of it. The kernel's voxels lie in
 * columns c - r .. c + r + 1 while it moves from c to c + 1, and the voxels paired with them in columns
 * c - R .. c + R + 1: 2R + 2 <= W columns, distinct modulo W, so a slot of a column without kernel voxels is 0
 * (cleared when its voxels left, or never set); rows are padded by delta likewise. */
static inline long slide_slot(const vx_window *w, long x, long y, long z)
{
    return (x & (w->W - 1)) + w->W * ((y - w->c[1] + w->R) + w->S * (z - w->c[2] + w->R));
}

static inline void cell_add(vx_window *w, int m, size_t cell, int sign)
{
    const size_t at = (size_t)m * w->gg + cell;
    if (sign < 0) {
        w->cnt[at]--;
        return;
    }
    if (w->cnt[at]++ == 0 && !w->listed[at]) {
        w->listed[at] = 1;
        w->list[(size_t)m * w->gg + w->nlist[m]++] = (uint32_t)cell;
    }
}

/* Pair (grey level i at p, j at p + d_k), 0-based, counted (sign 1) or taken out (-1) in direction k and in the
 * sum. */
static void pair_count(vx_window *w, int k, size_t i, size_t j, int sign)
{
    const size_t G = (size_t)w->G;
    for (int m = k;; m = VX_N_DIR_3D) {
        cell_add(w, m, i * G + j, sign);
        if (w->sym)
            cell_add(w, m, j * G + i, sign);
        if (m == VX_N_DIR_3D)
            break;
    }
}

/* The pairs voxel p (grey level gp, 0-based) forms with the voxels of the kernel. */
static void voxel_pairs(vx_window *w, const long p[3], size_t gp, int sign)
{
    const long yz = slide_slot(w, 0, p[1], p[2]);
    for (int k = 0; k < VX_N_DIR_3D; k++)
        for (int e = 1; e >= -1; e -= 2) {
            const int32_t g = w->in[((p[0] + e * w->d[k][0]) & (w->W - 1)) + yz + e * w->dyz[k]];
            if (!g)
                continue;
            const size_t gq = (size_t)g - 1;
            if (e > 0)
                pair_count(w, k, gp, gq, sign);
            else
                pair_count(w, k, gq, gp, sign);
        }
}

/* Voxel p enters (sign 1) or leaves (-1) the kernel, when the kernels take it. */
static void voxel_update(vx_window *w, const long p[3], int sign)
{
    size_t idx;
    if (!slide_takes(w, p[0], p[1], p[2], &idx))
        return;
    const size_t gp = (size_t)w->g->grey[idx] - 1;
    const long sl = slide_slot(w, p[0], p[1], p[2]);
    if (sign < 0) {
        w->in[sl] = 0;
        w->nk--;
        if ((w->hist[gp] -= 1.0) == 0.0)
            w->nlev--;
        while (w->gmax > 0 && w->hist[w->gmax - 1] == 0.0)
            w->gmax--;
    }
    if (w->glcm)
        voxel_pairs(w, p, gp, sign);
    if (sign > 0) {
        w->in[sl] = (int32_t)gp + 1;
        w->nk++;
        if ((w->hist[gp] += 1.0) == 1.0)
            w->nlev++;
        w->gmax = (int)gp + 1 > w->gmax ? (int)gp + 1 : w->gmax;
    }
}

void vx_window_start(vx_window *w, size_t x, size_t y, size_t z)
{
    memset(w->in, 0, (size_t)(w->W * w->S * w->S) * sizeof *w->in);
    memset(w->hist, 0, ((size_t)w->G + 1) * sizeof *w->hist);
    for (int m = 0; w->glcm && m < NMAT; m++) {
        for (size_t t = 0; t < w->nlist[m]; t++) {
            const size_t at = (size_t)m * w->gg + w->list[(size_t)m * w->gg + t];
            w->cnt[at] = 0;
            w->listed[at] = 0;
        }
        w->nlist[m] = 0;
    }
    w->nk = 0;
    w->gmax = w->nlev = 0;
    w->c[0] = (long)x, w->c[1] = (long)y, w->c[2] = (long)z;
    const int r = w->r;
    for (int dz = -r; dz <= r; dz++)
        for (int dy = -r; dy <= r; dy++) {
            const int h = w->hw[(dy + r) + w->side * (dz + r)];
            for (int dx = -h; dx <= h; dx++)
                voxel_update(w, (const long[3]){(long)x + dx, (long)y + dy, (long)z + dz}, 1);
        }
}

void vx_window_step(vx_window *w)
{
    const int r = w->r;
    for (int e = -1; e <= 1; e += 2) /* the leaving voxels, then the entering ones */
        for (int dz = -r; dz <= r; dz++)
            for (int dy = -r; dy <= r; dy++) {
                const int h = w->hw[(dy + r) + w->side * (dz + r)];
                if (h < 0)
                    continue;
                const long x = e < 0 ? w->c[0] - h : w->c[0] + 1 + h;
                voxel_update(w, (const long[3]){x, w->c[1] + dy, w->c[2] + dz}, e);
            }
    w->c[0]++;
}

/* The non-zero cells of matrix m into w->cells[m] in row-major order (the cell index i G + j ascending): the list
 * is compacted (cells back to 0 leave it) and kept sorted, the cells listed since the last call inserted. */
static void slide_cells(vx_window *w, int m)
{
    const size_t G = (size_t)w->G, base = (size_t)m * w->gg;
    uint32_t *list = w->list + base;
    vx_glcm_cells *c = &w->cells[m];
    size_t keep = 0;
    for (size_t t = 0; t < w->nlist[m]; t++) {
        const uint32_t cell = list[t];
        if (!w->cnt[base + cell]) {
            w->listed[base + cell] = 0;
            continue;
        }
        size_t at = keep++;
        for (; at > 0 && list[at - 1] > cell; at--) /* insertion: the list is sorted but for the new cells */
            list[at] = list[at - 1];
        list[at] = cell;
    }
    w->nlist[m] = keep;
    for (size_t t = 0; t < keep; t++) {
        c->ci[t] = (uint32_t)(list[t] / G);
        c->cj[t] = (uint32_t)(list[t] % G);
        c->val[t] = (double)w->cnt[base + list[t]];
    }
    c->nnz = keep;
}

/* The kernel's intensities in scan order (z, y, x) into w->vals; their number. */
static size_t slide_values(const vx_window *w)
{
    const int r = w->r;
    size_t n = 0, idx;
    for (int dz = -r; dz <= r; dz++)
        for (int dy = -r; dy <= r; dy++) {
            const int h = w->hw[(dy + r) + w->side * (dz + r)];
            for (int dx = -h; dx <= h; dx++)
                if (slide_takes(w, w->c[0] + dx, w->c[1] + dy, w->c[2] + dz, &idx))
                    w->vals[n++] = w->g->img[idx];
        }
    return n;
}

int vx_window_rows(vx_window *w, vx_family f, vx_results *res, vx_error *err)
{
    const int ng = w->fbn ? w->G : w->gmax;
    switch (f) {
    case VX_FAM_STAT:
        return vx_stat_from_values(w->vals, slide_values(w), res, err);
    case VX_FAM_IH:
        return vx_ih_from_histogram(w->hist, ng, w->nk, res, err);
    case VX_FAM_GLCM:
        for (int m = 0; m < NMAT; m++)
            slide_cells(w, m);
        return vx_glcm_compute_cells(ng, w->cells, &w->cells[VX_N_DIR_3D], w->nlev, &w->fs, res, err);
    default:
        return vx_error_set(err, VX_EINVAL, "voxel maps: no sliding window for family %d; report this", (int)f);
    }
}
