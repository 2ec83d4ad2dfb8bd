/* voxomics: label masks and their grids (see voxomics/mask.h).
 *
 * Labels: values 1..65535 are collected in a bitmap, larger ones in a list sorted once at the end, so
 * listing is linear in the voxel count for any mask. Connected components: breadth-first search over the
 * voxels in linear-index order with one state byte per voxel and one explicit queue, so each component is
 * found from its lowest linear index and a strictly larger size is needed to replace the best one. Nearest-
 * neighbour resampling maps the target grid's index space affinely to the mask's continuous index space
 * (index = A ijk + b), one row of voxels at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "voxomics/mask.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- labels --------------------------------------------------------------------------------------------- */

#define SMALL_LABELS 65536 /* labels below this go into the bitmap */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* (i, j, k) of a linear index. */
static void unravel(const vx_geometry *g, size_t s, size_t p[3])
{
    p[0] = s % g->dims[0];
    s /= g->dims[0];
    p[1] = s % g->dims[1];
    p[2] = s / g->dims[1];
}

int vx_mask_labels(const vx_image *mask, int **labels, size_t *n, vx_error *err)
{
    *labels = NULL;
    *n = 0;
    const vx_geometry *g = &mask->geom;
    size_t nv = vx_geometry_count(g);
    uint64_t bits[SMALL_LABELS / 64];
    memset(bits, 0, sizeof bits);
    int *big = NULL; /* labels >= SMALL_LABELS as met (duplicates dropped after sorting) */
    size_t nbig = 0, capbig = 0;
    int last_big = 0;
    for (size_t s = 0; s < nv; s++) {
        float v = mask->v[s];
        if (v == 0.0f)
            continue;
        if (!isfinite(v) || v != floorf(v)) {
            size_t p[3];
            unravel(g, s, p);
            free(big);
            return vx_error_set(err, VX_EFORMAT,
                                "mask voxel (%zu, %zu, %zu) holds %.9g: a label mask holds integers (a fractional "
                                "mask must be thresholded, not listed by label)",
                                p[0], p[1], p[2], (double)v);
        }
        if (v < 0.0f)
            continue; /* negative integers are background */
        if (v < (float)SMALL_LABELS) {
            unsigned u = (unsigned)v;
            bits[u >> 6] |= (uint64_t)1 << (u & 63);
            continue;
        }
        if ((double)v > (double)INT_MAX) {
            size_t p[3];
            unravel(g, s, p);
            free(big);
            return vx_error_set(err, VX_EUNSUPPORTED, "mask voxel (%zu, %zu, %zu) holds label %.9g, above %d",
                                p[0], p[1], p[2], (double)v, INT_MAX);
        }
        int l = (int)v;
        if (l == last_big)
            continue;
        last_big = l;
        if (nbig == capbig) {
            size_t cap = capbig ? 2 * capbig : 64;
            int *nb = realloc(big, cap * sizeof *nb);
            if (!nb) {
                free(big);
                return vx_error_set(err, VX_ENOMEM, "out of memory listing the labels of a mask");
            }
            big = nb;
            capbig = cap;
        }
        big[nbig++] = l;
    }
    if (nbig > 1)
        qsort(big, nbig, sizeof *big, cmp_int);
    size_t nu = 0; /* distinct big labels, compacted in place */
    for (size_t i = 0; i < nbig; i++)
        if (nu == 0 || big[i] != big[nu - 1])
            big[nu++] = big[i];
    size_t nsmall = 0;
    for (size_t w = 0; w < SMALL_LABELS / 64; w++)
        for (uint64_t b = bits[w]; b; b &= b - 1)
            nsmall++;
    size_t total = nsmall + nu;
    if (total == 0) {
        free(big);
        return VX_OK;
    }
    int *out = malloc(total * sizeof *out);
    if (!out) {
        free(big);
        return vx_error_set(err, VX_ENOMEM, "out of memory listing the labels of a mask");
    }
    size_t k = 0;
    for (unsigned u = 1; u < SMALL_LABELS; u++)
        if (bits[u >> 6] >> (u & 63) & 1)
            out[k++] = (int)u;
    if (nu)
        memcpy(out + k, big, nu * sizeof *out);
    free(big);
    *labels = out;
    *n = total;
    return VX_OK;
}

/* ---- largest connected component ------------------------------------------------------------------------ */

typedef struct roi_rule {
    int by_label;
    double label, threshold;
} roi_rule;

static inline int in_roi(const roi_rule *r, float v)
{
    return r->by_label ? (double)v == r->label : (double)v >= r->threshold;
}

/* Breadth-first search of the component of seed: voxels of the ROI whose state is `from` get state `to`
 * and go through the queue q. Returns the component size. */
static size_t flood(const vx_image *mask, const roi_rule *r, const int (*off)[3], int noff, size_t seed, uint8_t *state,
                    uint8_t from, uint8_t to, size_t *q)
{
    const size_t *d = mask->geom.dims;
    size_t head = 0, tail = 0;
    state[seed] = to;
    q[tail++] = seed;
    while (head < tail) {
        size_t s = q[head++], p[3];
        unravel(&mask->geom, s, p);
        for (int o = 0; o < noff; o++) {
            size_t t[3];
            int ok = 1;
            for (int a = 0; a < 3; a++) {
                /* p + off, with unsigned wrap-around for -1 at 0 caught by the bound test */
                t[a] = p[a] + (size_t)(ptrdiff_t)off[o][a];
                ok &= t[a] < d[a];
            }
            if (!ok)
                continue;
            size_t u = t[0] + d[0] * (t[1] + d[1] * t[2]);
            if (state[u] == from && in_roi(r, mask->v[u])) {
                state[u] = to;
                q[tail++] = u;
            }
        }
    }
    return tail;
}

/* Neighbour offsets of a connectivity (6, 18, 26: |dx| + |dy| + |dz| <= 1, 2, 3) into off; their number, or 0
 * for another connectivity. */
static int neighbour_offsets(int connectivity, int off[26][3])
{
    if (connectivity != 6 && connectivity != 18 && connectivity != 26)
        return 0;
    int noff = 0, reach = connectivity == 6 ? 1 : (connectivity == 18 ? 2 : 3);
    for (int dz = -1; dz <= 1; dz++)
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int m = abs(dx) + abs(dy) + abs(dz);
                if (m > 0 && m <= reach) {
                    off[noff][0] = dx;
                    off[noff][1] = dy;
                    off[noff][2] = dz;
                    noff++;
                }
            }
    return noff;
}

/* The flood-fill state shared by the component functions: the ROI rule, the offsets, the ROI voxel count,
 * state (0 unseen) and queue arrays. VX_OK with *nroi = 0 (nothing allocated) for an empty ROI. */
typedef struct comp_ctx {
    roi_rule r;
    int off[26][3], noff;
    size_t n, nroi;
    uint8_t *state;
    size_t *q;
} comp_ctx;

static int comp_init(comp_ctx *c, const vx_image *mask, int label, double threshold, int connectivity, vx_error *err)
{
    memset(c, 0, sizeof *c);
    if (!(c->noff = neighbour_offsets(connectivity, c->off)))
        return vx_error_set(err, VX_EINVAL, "connectivity %d is not valid: use 6, 18 or 26", connectivity);
    if (label <= 0 && isnan(threshold))
        return vx_error_set(err, VX_EINVAL, "mask threshold is NaN");
    c->r = (roi_rule){label > 0, (double)label, threshold};
    c->n = vx_geometry_count(&mask->geom);
    for (size_t s = 0; s < c->n; s++)
        c->nroi += in_roi(&c->r, mask->v[s]);
    if (c->nroi == 0)
        return VX_OK;
    c->state = calloc(c->n, 1);
    c->q = malloc(c->nroi * sizeof *c->q);
    if (!c->state || !c->q) {
        free(c->state);
        free(c->q);
        return vx_error_set(err, VX_ENOMEM, "out of memory labelling the connected components of a mask");
    }
    return VX_OK;
}

static void comp_free(comp_ctx *c)
{
    free(c->state);
    free(c->q);
}

int vx_mask_count_components(const vx_image *mask, int label, double threshold, int connectivity, size_t *count,
                             vx_error *err)
{
    *count = 0;
    comp_ctx c;
    int rc = comp_init(&c, mask, label, threshold, connectivity, err);
    for (size_t s = 0; rc == VX_OK && s < c.n && c.nroi; s++)
        if (!c.state[s] && in_roi(&c.r, mask->v[s])) {
            flood(mask, &c.r, (const int(*)[3])c.off, c.noff, s, c.state, 0, 1, c.q);
            (*count)++;
        }
    comp_free(&c);
    return rc;
}

int vx_mask_largest_component(vx_image *mask, int label, double threshold, int connectivity, size_t *kept,
                              vx_error *err)
{
    if (kept)
        *kept = 0;
    comp_ctx c;
    int rc = comp_init(&c, mask, label, threshold, connectivity, err);
    if (rc != VX_OK || c.nroi == 0)
        return rc;
    /* state: 0 unseen, 1 seen, 2 kept */
    size_t best = 0, best_seed = 0, seen = 0;
    for (size_t s = 0; s < c.n && c.nroi - seen > best; s++) {
        if (c.state[s] || !in_roi(&c.r, mask->v[s]))
            continue;
        size_t size = flood(mask, &c.r, (const int(*)[3])c.off, c.noff, s, c.state, 0, 1, c.q);
        seen += size;
        if (size > best) { /* strictly larger: a tie keeps the component found first (lowest index) */
            best = size;
            best_seed = s;
        }
    }
    flood(mask, &c.r, (const int(*)[3])c.off, c.noff, best_seed, c.state, 1, 2, c.q);
    for (size_t s = 0; s < c.n; s++)
        if (c.state[s] != 2 && in_roi(&c.r, mask->v[s]))
            mask->v[s] = 0.0f;
    comp_free(&c);
    if (kept)
        *kept = best;
    return VX_OK;
}

/* ---- geometry ------------------------------------------------------------------------------------------- */

/* -0 printed as 0; direction cosines below 5e-7 printed as 0 (rounding noise of rotations). */
static double tidy(double v, double zero)
{
    return fabs(v) < zero ? 0.0 : v + 0.0;
}

void vx_geometry_describe(const vx_geometry *g, char *buf, size_t n)
{
    if (!buf || n == 0)
        return;
    const double *s = g->spacing, *o = g->origin, *d = g->direction;
    snprintf(buf, n,
             "%zux%zux%zu voxels, spacing %.6g x %.6g x %.6g mm, origin (%.6g, %.6g, %.6g) mm, "
             "direction (%.6g %.6g %.6g; %.6g %.6g %.6g; %.6g %.6g %.6g)",
             g->dims[0], g->dims[1], g->dims[2], tidy(s[0], 0), tidy(s[1], 0), tidy(s[2], 0), tidy(o[0], 0),
             tidy(o[1], 0), tidy(o[2], 0), tidy(d[0], 5e-7), tidy(d[1], 5e-7), tidy(d[2], 5e-7), tidy(d[3], 5e-7),
             tidy(d[4], 5e-7), tidy(d[5], 5e-7), tidy(d[6], 5e-7), tidy(d[7], 5e-7), tidy(d[8], 5e-7));
}

int vx_geometry_world_to_index(const vx_geometry *g, double m[12], vx_error *err)
{
    const double *D = g->direction;
    for (int a = 0; a < 3; a++)
        if (!(g->spacing[a] > 0.0) || !isfinite(g->spacing[a]))
            return vx_error_set(err, VX_EGEOMETRY, "voxel spacing %g mm along axis %d is not positive and finite",
                                g->spacing[a], a);
    /* inverse of D by its adjugate: inv[r][c] = cofactor[c][r] / det */
    double cof[9];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) {
            int r1 = (r + 1) % 3, r2 = (r + 2) % 3, c1 = (c + 1) % 3, c2 = (c + 2) % 3;
            cof[r * 3 + c] = D[r1 * 3 + c1] * D[r2 * 3 + c2] - D[r1 * 3 + c2] * D[r2 * 3 + c1];
        }
    double det = D[0] * cof[0] + D[1] * cof[1] + D[2] * cof[2];
    if (!isfinite(det) || fabs(det) < 1e-6)
        return vx_error_set(err, VX_EGEOMETRY,
                            "direction matrix (%g %g %g; %g %g %g; %g %g %g) is singular (determinant %g)", D[0],
                            D[1], D[2], D[3], D[4], D[5], D[6], D[7], D[8], det);
    for (int r = 0; r < 3; r++) {
        double t = 0.0;
        for (int c = 0; c < 3; c++) {
            double v = cof[c * 3 + r] / det / g->spacing[r];
            m[r * 4 + c] = v;
            t -= v * g->origin[c];
        }
        m[r * 4 + 3] = t;
    }
    for (int i = 0; i < 12; i++)
        if (!isfinite(m[i]))
            return vx_error_set(err, VX_EGEOMETRY, "grid origin (%g, %g, %g) mm is not finite", g->origin[0],
                                g->origin[1], g->origin[2]);
    return VX_OK;
}

#define RESAMPLE_HINT "pass --resample-mask to resample the mask onto the image grid (nearest neighbour)"

int vx_geometry_check(const vx_geometry *image, const vx_geometry *mask, vx_error *err)
{
    int dims = 0, spacing = 0, direction = 0, origin = 0;
    for (int a = 0; a < 3; a++) {
        dims |= image->dims[a] != mask->dims[a];
        spacing |= !(fabs(image->spacing[a] - mask->spacing[a]) <= 1e-3 * fabs(image->spacing[a]) + 1e-6);
    }
    for (int i = 0; i < 9; i++)
        direction |= !(fabs(image->direction[i] - mask->direction[i]) <= 1e-4);
    /* origin difference in the image's index frame (voxels along each image axis) */
    double m[12], dv[3] = {0.0, 0.0, 0.0};
    int rc = vx_geometry_world_to_index(image, m, err);
    if (rc != VX_OK)
        return vx_error_prefix(err, "image grid: ");
    for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++)
            dv[r] += m[r * 4 + c] * (mask->origin[c] - image->origin[c]);
        origin |= !(fabs(dv[r]) <= 1e-2 + 1e-4 / image->spacing[r]);
    }
    if (!(dims | spacing | direction | origin))
        return VX_OK;
    char what[160] = "", di[384], dm[384];
    size_t w = 0;
    const char *sep = "";
    if (dims) {
        w += (size_t)snprintf(what + w, sizeof what - w, "dimensions");
        sep = ", ";
    }
    if (spacing) {
        w += (size_t)snprintf(what + w, sizeof what - w, "%sspacing", sep);
        sep = ", ";
    }
    if (direction) {
        w += (size_t)snprintf(what + w, sizeof what - w, "%sdirection", sep);
        sep = ", ";
    }
    if (origin && w < sizeof what)
        snprintf(what + w, sizeof what - w, "%sorigin (off by %.3g, %.3g, %.3g image voxels)", sep, tidy(dv[0], 0),
                 tidy(dv[1], 0), tidy(dv[2], 0));
    vx_geometry_describe(image, di, sizeof di);
    vx_geometry_describe(mask, dm, sizeof dm);
    return vx_error_set(err, VX_EGEOMETRY, "mask is not on the image grid (%s differ): image %s; mask %s; %s", what,
                        di, dm, RESAMPLE_HINT);
}

/* ---- nearest-neighbour resampling ----------------------------------------------------------------------- */

/* Ties round up; positions this close below a half-way point count as the half-way point. */
#define TIE_EPS 1e-6

int vx_mask_resample_nearest(const vx_image *mask, const vx_geometry *g, vx_image **out, vx_error *err)
{
    *out = NULL;
    double m[12];
    int rc = vx_geometry_world_to_index(&mask->geom, m, err);
    if (rc != VX_OK)
        return vx_error_prefix(err, "resampling the mask: mask grid: ");
    if ((double)g->dims[0] * (double)g->dims[1] * (double)g->dims[2] > 1099511627776.0)
        return vx_error_set(err, VX_EINVAL, "resampling the mask onto a %zux%zux%zu grid: over 2^40 voxels",
                            g->dims[0], g->dims[1], g->dims[2]);
    /* mask index c = A ijk + b: A = M D_g diag(s_g), b = M o_g + t */
    double A[9], b[3];
    for (int r = 0; r < 3; r++) {
        b[r] = m[r * 4 + 3];
        for (int c = 0; c < 3; c++) {
            b[r] += m[r * 4 + c] * g->origin[c];
            double a = 0.0;
            for (int k = 0; k < 3; k++)
                a += m[r * 4 + k] * g->direction[k * 3 + c];
            A[r * 3 + c] = a * g->spacing[c];
        }
    }
    vx_image *res = vx_image_new(g);
    if (!res)
        return vx_error_set(err, VX_ENOMEM, "out of memory resampling the mask onto a %zux%zux%zu grid",
                            g->dims[0], g->dims[1], g->dims[2]);
    const size_t *md = mask->geom.dims;
    const double lim[3] = {(double)md[0], (double)md[1], (double)md[2]};
    float *dst = res->v;
    for (size_t k = 0; k < g->dims[2]; k++)
        for (size_t j = 0; j < g->dims[1]; j++) {
            double row[3];
            for (int r = 0; r < 3; r++)
                row[r] = b[r] + A[r * 3 + 1] * (double)j + A[r * 3 + 2] * (double)k;
            for (size_t i = 0; i < g->dims[0]; i++, dst++) {
                double f[3];
                int inside = 1;
                for (int r = 0; r < 3; r++) {
                    f[r] = floor(row[r] + A[r * 3] * (double)i + 0.5 + TIE_EPS);
                    inside &= f[r] >= 0.0 && f[r] < lim[r]; /* NaN: outside */
                }
                if (inside)
                    *dst = mask->v[(size_t)f[0] + md[0] * ((size_t)f[1] + md[1] * (size_t)f[2])];
            }
        }
    *out = res;
    return VX_OK;
}

/* ---- does a mask look like a mask ------------------------------------------------------------------------ */

#define MASK_HASH_SLOTS 4096 /* power of two, > 2 (VX_MASK_MAX_VALUES + 1) */

static void voxel_ijk(const vx_geometry *g, size_t i, size_t ijk[3])
{
    ijk[0] = i % g->dims[0];
    ijk[1] = (i / g->dims[0]) % g->dims[1];
    ijk[2] = i / (g->dims[0] * g->dims[1]);
}

int vx_mask_check_values(const vx_image *mask, const char *path, vx_error *err)
{
    if (!mask || !mask->v)
        return vx_error_set(err, VX_EINVAL, "mask check: NULL mask");
    const char *p = path ? path : "mask";
    const char *hint = "a mask holds 0 and 1, fractions in [0, 1] or integer labels 1, 2, ...; were IMAGE and MASK "
                       "swapped? (the image comes first)";
    size_t n = vx_geometry_count(&mask->geom), ijk[3];
    uint32_t keys[MASK_HASH_SLOTS];
    uint8_t used[MASK_HASH_SLOTS];
    memset(keys, 0, sizeof keys);
    memset(used, 0, sizeof used);
    size_t distinct = 0;
    float last = 0.0f;
    int have_last = 0;
    for (size_t i = 0; i < n; i++) {
        float v = mask->v[i];
        if (have_last && v == last)
            continue; /* runs of one value (mostly 0) cost one comparison */
        if (!isfinite(v) || v < 0.0f || (v > 1.0f && v != floorf(v))) {
            voxel_ijk(&mask->geom, i, ijk);
            return vx_error_set(err, VX_EFORMAT, "%s: does not look like a mask: voxel (%zu, %zu, %zu) holds %g; %s", p,
                                ijk[0], ijk[1], ijk[2], (double)v, hint);
        }
        last = v;
        have_last = 1;
        float z = v == 0.0f ? 0.0f : v; /* -0 and +0 are one value */
        uint32_t key;
        memcpy(&key, &z, sizeof key);
        uint32_t h = (key * 2654435761u) >> 20; /* Knuth's multiplicative hash, top 12 bits */
        while (used[h] && keys[h] != key)
            h = (h + 1) & (MASK_HASH_SLOTS - 1);
        if (!used[h]) {
            used[h] = 1;
            keys[h] = key;
            if (++distinct > VX_MASK_MAX_VALUES)
                return vx_error_set(err, VX_EFORMAT,
                                    "%s: does not look like a mask: more than %d distinct values (a label image has at "
                                    "most %d labels); %s",
                                    p, VX_MASK_MAX_VALUES, VX_MASK_MAX_VALUES, hint);
        }
    }
    return VX_OK;
}
