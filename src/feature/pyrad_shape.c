/* voxomics: PyRadiomics' shape and shape2D classes, computed in PyRadiomics compatibility (compat pyradiomics)
 * by the morphology family (morph.c). IBSI mode never calls this file.
 *
 * shape (3D). The mask is cropped to its bounding box and padded with one empty voxel on every side; vertices
 * lie at the midpoints of the grid edges joining a mask voxel to a non-mask voxel; positions are the voxel
 * indices of the padded crop times the spacing (PyRadiomics' origin: one voxel below the box corner).
 *   shape_MeshVolume          V = sum_k s_k a_k . (b_k x c_k) / 6 over the marching-cubes triangles (a, b, c)
 *   shape_SurfaceArea         A = sum_k |(a_k - c_k) x (b_k - c_k)| / 2
 *   shape_SurfaceVolumeRatio  A / V
 *   shape_Sphericity          (36 pi V^2)^(1/3) / A
 *   shape_Maximum2DDiameterSlice / Column / Row
 *                             max ||p - q|| over the mesh vertices p, q with equal z / y / x
 *   shape_MajorAxisLength, MinorAxisLength, LeastAxisLength
 *                             4 sqrt(lambda), lambda the eigenvalues of the covariance of the voxel centres
 *                             (mm) normalised by N (not N - 1)
 *   shape_Elongation          sqrt(lambda_minor / lambda_major); shape_Flatness sqrt(lambda_least / lambda_major)
 *   shape_VoxelVolume, shape_Maximum3DDiameter: as IBSI (N_v times the voxel volume; the largest vertex
 *                             distance over the same vertex set), computed by morph.c.
 * The marching cubes are PyRadiomics' (the classic Lorensen & Cline case table in its half-size form): the
 * cube's configuration c has bit k set when corner k = (k & 1, (k >> 1) & 1, k >> 2) (x, y, z offsets) is in
 * the mask. When corner 6 (offset (0, 1, 1)) is in the mask the complement ~c is looked up instead and its
 * triangles count with s = -1 in the volume (else s = 1). So on a face with two diagonal corners of one
 * state, the corners unlike corner 6 of that cube are kept apart; neighbouring cubes may resolve a shared face
 * differently, the surface is then not closed, and V depends on the origin above. cube_tri[] holds, for
 * every configuration without corner 6, the triangles of that case: edges e = 4 a + j along axis a from the
 * corner whose other two offsets (in increasing axis order) are j & 1 and j >> 1, vertices ordered so that
 * (b - a) x (c - a) points out of the configuration's set corners. The triangulation of the non-planar
 * polygons (pentagons, hexagons, heptagons) is the table's own choice, which no simple rule reproduces.
 *
 * shape2D (force2D: a mask one slice thick along force2Ddimension (features.slice_axis); the marching squares
 *   of that plane, its in-plane axes in increasing order as x and y, padded):
 *   shape2D_MeshSurface             A = area enclosed by the contour (segments joining edge midpoints; two
 *                                   diagonal mask pixels of a square are kept apart)
 *   shape2D_PixelSurface            N_p s_x s_y
 *   shape2D_Perimeter               P = total length of the contour segments
 *   shape2D_PerimeterSurfaceRatio   P / A
 *   shape2D_Sphericity              2 sqrt(pi A) / P;  shape2D_SphericalDisproportion  P / (2 sqrt(pi A))
 *   shape2D_MaximumDiameter         max ||p - q|| over the contour vertices
 *   shape2D_MajorAxisLength, MinorAxisLength   4 sqrt(lambda_major), 4 sqrt(lambda_minor) (covariance / N)
 *   shape2D_Elongation              sqrt(lambda_minor / lambda_major)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "feature/pyrad_shape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "feature/morph_impl.h"
#include "image/permute.h"
#include "voxomics/settings.h"

/* Triangles of each cube configuration without corner 6: index (c & 0x3f) | ((c >> 1) & 0x40); entry
 * {n, e0, e1, e2, ...}: n triangles of three edges each (see the header comment). */
static const uint8_t cube_tri[128][16] = {
    {0},
    {1, 0, 4, 8},
    {1, 5, 0, 9},
    {2, 5, 4, 8, 5, 8, 9},
    {1, 10, 4, 1},
    {2, 10, 0, 1, 0, 10, 8},
    {2, 5, 0, 9, 10, 4, 1},
    {3, 10, 5, 1, 5, 10, 9, 9, 10, 8},
    {1, 5, 11, 1},
    {2, 0, 4, 8, 5, 11, 1},
    {2, 9, 11, 1, 0, 9, 1},
    {3, 1, 4, 8, 1, 8, 11, 11, 8, 9},
    {2, 4, 5, 11, 10, 4, 11},
    {3, 11, 0, 5, 0, 11, 8, 8, 11, 10},
    {3, 9, 4, 0, 4, 9, 10, 10, 9, 11},
    {2, 9, 11, 8, 10, 8, 11},
    {1, 2, 8, 6},
    {2, 0, 4, 2, 2, 4, 6},
    {2, 5, 0, 9, 2, 8, 6},
    {3, 5, 2, 9, 5, 6, 2, 5, 4, 6},
    {2, 2, 8, 6, 10, 4, 1},
    {3, 10, 6, 2, 10, 2, 1, 1, 2, 0},
    {3, 5, 0, 9, 2, 8, 6, 10, 4, 1},
    {4, 2, 10, 6, 9, 10, 2, 10, 9, 1, 5, 1, 9},
    {2, 5, 11, 1, 2, 8, 6},
    {3, 4, 6, 2, 4, 2, 0, 5, 11, 1},
    {3, 9, 11, 1, 9, 1, 0, 2, 8, 6},
    {4, 1, 9, 11, 1, 6, 9, 1, 4, 6, 2, 9, 6},
    {3, 4, 5, 11, 10, 4, 11, 2, 8, 6},
    {4, 10, 5, 11, 5, 10, 2, 5, 2, 0, 2, 10, 6},
    {4, 2, 8, 6, 9, 4, 0, 4, 9, 10, 10, 9, 11},
    {3, 2, 10, 6, 2, 9, 10, 9, 11, 10},
    {1, 9, 2, 7},
    {2, 9, 2, 7, 0, 4, 8},
    {2, 0, 2, 7, 0, 7, 5},
    {3, 8, 2, 7, 8, 7, 4, 4, 7, 5},
    {2, 9, 2, 7, 10, 4, 1},
    {3, 10, 0, 1, 0, 10, 8, 9, 2, 7},
    {3, 0, 2, 7, 0, 7, 5, 10, 4, 1},
    {4, 1, 7, 5, 1, 8, 7, 10, 8, 1, 7, 8, 2},
    {2, 5, 11, 1, 9, 2, 7},
    {3, 0, 4, 8, 5, 11, 1, 9, 2, 7},
    {3, 1, 7, 11, 7, 1, 2, 1, 0, 2},
    {4, 1, 7, 11, 4, 7, 1, 4, 2, 7, 8, 2, 4},
    {3, 4, 5, 11, 10, 4, 11, 9, 2, 7},
    {4, 7, 9, 2, 11, 0, 5, 0, 11, 8, 8, 11, 10},
    {4, 7, 0, 2, 7, 10, 0, 11, 10, 7, 10, 4, 0},
    {3, 7, 8, 2, 11, 8, 7, 10, 8, 11},
    {2, 6, 9, 8, 7, 9, 6},
    {3, 4, 9, 0, 7, 9, 4, 4, 6, 7},
    {3, 6, 0, 8, 0, 6, 5, 6, 7, 5},
    {2, 5, 6, 7, 5, 4, 6},
    {3, 7, 9, 6, 6, 9, 8, 10, 4, 1},
    {4, 7, 9, 6, 9, 1, 6, 1, 9, 0, 10, 6, 1},
    {4, 10, 4, 1, 0, 8, 5, 5, 8, 6, 5, 6, 7},
    {3, 1, 10, 5, 5, 10, 6, 5, 6, 7},
    {3, 6, 9, 8, 7, 9, 6, 5, 11, 1},
    {4, 5, 11, 1, 4, 9, 0, 4, 7, 9, 4, 6, 7},
    {4, 0, 8, 1, 8, 7, 1, 8, 6, 7, 1, 7, 11},
    {3, 1, 7, 11, 1, 4, 7, 4, 6, 7},
    {4, 6, 9, 8, 7, 9, 6, 4, 5, 11, 10, 4, 11},
    {5, 7, 0, 6, 7, 9, 0, 6, 0, 10, 11, 0, 5, 10, 0, 11},
    {5, 10, 0, 11, 0, 10, 4, 11, 0, 7, 0, 8, 6, 7, 0, 6},
    {2, 10, 7, 11, 7, 10, 6},
    {1, 3, 11, 7},
    {2, 0, 4, 8, 3, 11, 7},
    {2, 5, 0, 9, 3, 11, 7},
    {3, 5, 4, 8, 5, 8, 9, 3, 11, 7},
    {2, 10, 4, 1, 3, 11, 7},
    {3, 10, 0, 1, 0, 10, 8, 3, 11, 7},
    {3, 5, 0, 9, 10, 4, 1, 3, 11, 7},
    {4, 10, 5, 1, 5, 10, 9, 9, 10, 8, 3, 11, 7},
    {2, 5, 7, 3, 5, 3, 1},
    {3, 5, 7, 3, 5, 3, 1, 0, 4, 8},
    {3, 9, 7, 3, 9, 3, 0, 0, 3, 1},
    {4, 7, 8, 9, 7, 1, 8, 7, 3, 1, 8, 1, 4},
    {3, 3, 10, 4, 3, 4, 7, 7, 4, 5},
    {4, 0, 10, 8, 0, 7, 10, 0, 5, 7, 7, 3, 10},
    {4, 3, 10, 4, 0, 3, 4, 0, 7, 3, 0, 9, 7},
    {3, 3, 9, 7, 3, 10, 9, 10, 8, 9},
    {2, 2, 8, 6, 3, 11, 7},
    {3, 0, 4, 2, 2, 4, 6, 3, 11, 7},
    {3, 5, 0, 9, 2, 8, 6, 3, 11, 7},
    {4, 5, 2, 9, 5, 6, 2, 5, 4, 6, 3, 11, 7},
    {3, 10, 4, 1, 2, 8, 6, 3, 11, 7},
    {4, 10, 6, 2, 10, 2, 1, 1, 2, 0, 3, 11, 7},
    {4, 5, 0, 9, 10, 4, 1, 2, 8, 6, 3, 11, 7},
    {5, 2, 10, 6, 9, 10, 2, 10, 9, 1, 5, 1, 9, 3, 11, 7},
    {3, 2, 8, 6, 5, 7, 3, 5, 3, 1},
    {4, 0, 4, 2, 2, 4, 6, 5, 7, 3, 5, 3, 1},
    {4, 2, 8, 6, 9, 7, 3, 9, 3, 0, 0, 3, 1},
    {5, 6, 9, 4, 2, 9, 6, 4, 9, 1, 7, 3, 9, 1, 9, 3},
    {4, 2, 8, 6, 3, 10, 4, 3, 4, 7, 7, 4, 5},
    {5, 7, 10, 5, 7, 3, 10, 5, 10, 0, 2, 10, 6, 0, 10, 2},
    {5, 2, 8, 6, 3, 10, 4, 0, 3, 4, 0, 7, 3, 0, 9, 7},
    {4, 3, 9, 7, 3, 10, 9, 2, 9, 6, 6, 9, 10},
    {2, 11, 9, 2, 3, 11, 2},
    {3, 11, 9, 2, 3, 11, 2, 0, 4, 8},
    {3, 0, 11, 5, 11, 0, 3, 3, 0, 2},
    {4, 5, 4, 8, 5, 8, 3, 8, 2, 3, 3, 11, 5},
    {3, 10, 4, 1, 11, 9, 2, 3, 11, 2},
    {4, 10, 0, 1, 0, 10, 8, 11, 9, 2, 3, 11, 2},
    {4, 10, 4, 1, 0, 11, 5, 11, 0, 3, 3, 0, 2},
    {5, 3, 5, 2, 3, 11, 5, 5, 8, 2, 10, 5, 1, 5, 10, 8},
    {3, 5, 9, 2, 5, 2, 1, 1, 2, 3},
    {4, 5, 9, 2, 5, 2, 1, 1, 2, 3, 0, 4, 8},
    {2, 0, 2, 1, 2, 3, 1},
    {3, 8, 1, 4, 8, 2, 1, 2, 3, 1},
    {4, 9, 2, 3, 4, 9, 3, 5, 9, 4, 10, 4, 3},
    {5, 5, 10, 8, 0, 5, 8, 10, 5, 3, 5, 9, 2, 3, 5, 2},
    {3, 3, 10, 4, 0, 3, 4, 3, 0, 2},
    {2, 8, 2, 3, 3, 10, 8},
    {3, 3, 11, 6, 6, 11, 8, 8, 11, 9},
    {4, 3, 11, 6, 0, 6, 11, 0, 11, 9, 0, 4, 6},
    {4, 3, 11, 6, 5, 6, 11, 5, 8, 6, 0, 8, 5},
    {3, 3, 11, 6, 5, 6, 11, 5, 4, 6},
    {4, 10, 4, 1, 3, 11, 6, 6, 11, 8, 8, 11, 9},
    {5, 1, 6, 0, 10, 6, 1, 0, 6, 9, 3, 11, 6, 9, 6, 11},
    {5, 3, 11, 6, 5, 6, 11, 5, 8, 6, 0, 8, 5, 10, 4, 1},
    {4, 10, 5, 1, 5, 10, 6, 11, 5, 3, 5, 6, 3},
    {4, 5, 3, 1, 5, 8, 3, 5, 9, 8, 3, 8, 6},
    {5, 1, 9, 3, 5, 9, 1, 3, 9, 6, 4, 9, 0, 6, 9, 4},
    {3, 0, 8, 6, 6, 3, 0, 3, 1, 0},
    {2, 1, 4, 6, 1, 6, 3},
    {5, 8, 3, 9, 3, 8, 6, 5, 9, 3, 10, 4, 3, 5, 3, 4},
    {2, 0, 5, 9, 3, 10, 6},
    {4, 0, 8, 6, 6, 3, 0, 0, 10, 4, 10, 0, 3},
    {1, 3, 10, 6},
};

/* The mask over a box padded by one voxel: padded index i along an axis is voxel lo + i - 1. */
typedef struct pbox {
    const uint8_t *m;
    size_t nx, ny;
    size_t lo[3];
    long n[3]; /* box extent (voxels, unpadded) */
} pbox;

static void pbox_init(pbox *b, const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3])
{
    b->m = mask;
    b->nx = dims[0];
    b->ny = dims[1];
    for (int a = 0; a < 3; a++) {
        b->lo[a] = lo[a];
        b->n[a] = hi[a] > lo[a] ? (long)(hi[a] - lo[a]) : 0;
    }
}

/* 1 when padded position (x, y, z) is a mask voxel of the box */
static int at(const pbox *b, long x, long y, long z)
{
    if (x < 1 || y < 1 || z < 1 || x > b->n[0] || y > b->n[1] || z > b->n[2])
        return 0;
    size_t i = (b->lo[0] + (size_t)x - 1) + b->nx * ((b->lo[1] + (size_t)y - 1) + b->ny * (b->lo[2] + (size_t)z - 1));
    return b->m[i] != 0;
}

/* Offset (doubled, 0..2) of the midpoint of cube edge e along axis a */
static int edge_mid2(int e, int a)
{
    int ax = e / 4, j = e % 4;
    if (a == ax)
        return 1;
    int first = ax == 0 ? 1 : 0; /* the lower of the two other axes */
    return a == first ? 2 * (j & 1) : 2 * (j >> 1);
}

/* Signed volume (times 6) and area of one triangle of PyRadiomics' mesh */
static void tri_add(const double p[3][3], int sign, double *vol6, double *area)
{
    const double *a = p[0], *b = p[1], *c = p[2];
    *vol6 += sign * (a[0] * (b[1] * c[2] - b[2] * c[1]) + a[1] * (b[2] * c[0] - b[0] * c[2]) +
                     a[2] * (b[0] * c[1] - b[1] * c[0]));
    double u[3], v[3];
    for (int d = 0; d < 3; d++) {
        u[d] = a[d] - c[d];
        v[d] = b[d] - c[d];
    }
    double w0 = u[1] * v[2] - u[2] * v[1], w1 = u[2] * v[0] - u[0] * v[2], w2 = u[0] * v[1] - u[1] * v[0];
    *area += 0.5 * sqrt(w0 * w0 + w1 * w1 + w2 * w2);
}

void vx_pyrad_mesh(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3],
                   const double spacing[3], double *volume, double *area)
{
    pbox b;
    pbox_init(&b, mask, dims, lo, hi);
    double vol6 = 0.0, sum = 0.0;
    for (long z = 0; b.n[0] > 0 && b.n[1] > 0 && z <= b.n[2]; z++)
        for (long y = 0; y <= b.n[1]; y++)
            for (long x = 0; x <= b.n[0]; x++) {
                int c = 0;
                for (int k = 0; k < 8; k++)
                    c |= at(&b, x + (k & 1), y + ((k >> 1) & 1), z + (k >> 2)) << k;
                int sign = 1;
                if (c & 0x40) {
                    c ^= 0xff;
                    sign = -1;
                }
                if (!c)
                    continue;
                const uint8_t *t = cube_tri[(c & 0x3f) | ((c >> 1) & 0x40)];
                const long o[3] = {x, y, z};
                for (int k = 0; k < t[0]; k++) {
                    double p[3][3];
                    for (int v = 0; v < 3; v++)
                        for (int a = 0; a < 3; a++)
                            p[v][a] = (double)(2 * o[a] + edge_mid2(t[1 + 3 * k + v], a)) * 0.5 * spacing[a];
                    tri_add((const double(*)[3])p, sign, &vol6, &sum);
                }
            }
    *volume = vol6 / 6.0;
    *area = sum;
}

/* ---- largest in-plane vertex distances ------------------------------------------------------------------ */

typedef struct pt3 {
    int32_t w, u, v; /* plane coordinate and in-plane coordinates (doubled grid units) */
} pt3;

static int pt3_cmp(const void *pa, const void *pb)
{
    const pt3 *a = pa, *b = pb;
    if (a->w != b->w)
        return a->w < b->w ? -1 : 1;
    if (a->u != b->u)
        return a->u < b->u ? -1 : 1;
    return (a->v > b->v) - (a->v < b->v);
}

static int64_t turn(const pt3 *o, const pt3 *a, const pt3 *b)
{
    return (int64_t)(a->u - o->u) * (b->v - o->v) - (int64_t)(a->v - o->v) * (b->u - o->u);
}

/* Largest squared distance (mm^2, su / sv: mm per doubled unit along u / v) between the points p[0..n),
 * sorted by (u, v), over their convex hull (Andrew's monotone chain; h is scratch of 2 n + 2 points). */
static double plane_diam2(const pt3 *p, size_t n, double su, double sv, pt3 *h)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        while (k >= 2 && turn(&h[k - 2], &h[k - 1], &p[i]) <= 0)
            k--;
        h[k++] = p[i];
    }
    for (size_t i = n - 1, lower = k + 1; n > 1 && i-- > 0;) {
        while (k >= lower && turn(&h[k - 2], &h[k - 1], &p[i]) <= 0)
            k--;
        h[k++] = p[i];
    }
    if (n > 1)
        k--; /* the first point closes the chain */
    double best = 0.0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++) {
            double du = (double)(h[i].u - h[j].u) * su, dv = (double)(h[i].v - h[j].v) * sv;
            double d = du * du + dv * dv;
            best = d > best ? d : best;
        }
    return best;
}

/* The mesh vertices (doubled padded coordinates, 3 per vertex): every grid edge of the padded box whose two
 * ends differ. *out is malloc'ed; returns the count, or (size_t)-1 when out of memory. */
static size_t edge_vertices(const pbox *b, int32_t **out)
{
    size_t cap = 1024, n = 0;
    int32_t *v = malloc(3 * cap * sizeof *v);
    for (long z = 0; v && z <= b->n[2] + 1; z++)
        for (long y = 0; y <= b->n[1] + 1; y++)
            for (long x = 0; x <= b->n[0] + 1; x++) {
                const int here = at(b, x, y, z);
                const int nb[3] = {at(b, x + 1, y, z), at(b, x, y + 1, z), at(b, x, y, z + 1)};
                for (int a = 0; a < 3; a++) {
                    if (nb[a] == here)
                        continue;
                    if (n == cap) {
                        int32_t *g = realloc(v, 6 * cap * sizeof *g);
                        if (!g) {
                            free(v);
                            return (size_t)-1;
                        }
                        v = g;
                        cap *= 2;
                    }
                    v[3 * n] = (int32_t)(2 * x + (a == 0));
                    v[3 * n + 1] = (int32_t)(2 * y + (a == 1));
                    v[3 * n + 2] = (int32_t)(2 * z + (a == 2));
                    n++;
                }
            }
    *out = v;
    return v ? n : (size_t)-1;
}

/* Largest in-plane distance (mm) among n vertices (3 per vertex) over the planes of constant coordinate w
 * (axis index); pts and hull are scratch of n and 2 n + 2 points. */
static double axis_diameter(const int32_t *vert, size_t n, int w, const double sp[3], pt3 *pts, pt3 *hull)
{
    const int ua = w == 0 ? 1 : 0, va = w == 2 ? 1 : 2;
    for (size_t i = 0; i < n; i++)
        pts[i] = (pt3){vert[3 * i + w], vert[3 * i + ua], vert[3 * i + va]};
    qsort(pts, n, sizeof *pts, pt3_cmp);
    double best = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && pts[j].w == pts[i].w)
            j++;
        double d = plane_diam2(pts + i, j - i, 0.5 * sp[ua], 0.5 * sp[va], hull);
        best = d > best ? d : best;
        i = j;
    }
    return sqrt(best);
}

int vx_pyrad_plane_diameters(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3],
                             const double spacing[3], double diam[3], vx_error *err)
{
    pbox b;
    pbox_init(&b, mask, dims, lo, hi);
    int32_t *vert = NULL;
    size_t n = edge_vertices(&b, &vert);
    pt3 *pts = n != (size_t)-1 ? malloc((n + 1) * sizeof *pts) : NULL;
    pt3 *hull = pts ? malloc((2 * n + 2) * sizeof *hull) : NULL;
    if (!hull) {
        free(vert);
        free(pts);
        return vx_error_set(err, VX_ENOMEM, "shape (PyRadiomics): out of memory for the mesh vertices");
    }
    diam[0] = axis_diameter(vert, n, 2, spacing, pts, hull); /* Slice: equal z */
    diam[1] = axis_diameter(vert, n, 1, spacing, pts, hull); /* Column: equal y */
    diam[2] = axis_diameter(vert, n, 0, spacing, pts, hull); /* Row: equal x */
    free(vert);
    free(pts);
    free(hull);
    return VX_OK;
}

/* ---- principal components ------------------------------------------------------------------------------- */

/* Eigenvalues in (-1e-10, 0) are rounding errors of zero eigenvalues: 0, as PyRadiomics rounds them. */
static void round_tiny_negative(double *lam, int n)
{
    for (int k = 0; k < n; k++)
        if (lam[k] < 0.0 && lam[k] > -1e-10)
            lam[k] = 0.0;
}

void vx_pyrad_pca(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3],
                  const double spacing[3], double lam[3])
{
    const size_t nx = dims[0], ny = dims[1];
    double s[3] = {0, 0, 0};
    size_t n = 0;
    for (size_t z = lo[2]; z < hi[2]; z++)
        for (size_t y = lo[1]; y < hi[1]; y++)
            for (size_t x = lo[0]; x < hi[0]; x++)
                if (mask[x + nx * (y + ny * z)]) {
                    n++;
                    s[0] += (double)(x - lo[0]) * spacing[0];
                    s[1] += (double)(y - lo[1]) * spacing[1];
                    s[2] += (double)(z - lo[2]) * spacing[2];
                }
    lam[0] = lam[1] = lam[2] = NAN;
    if (n == 0)
        return;
    const double c[3] = {s[0] / (double)n, s[1] / (double)n, s[2] / (double)n};
    double S[9] = {0};
    for (size_t z = lo[2]; z < hi[2]; z++)
        for (size_t y = lo[1]; y < hi[1]; y++)
            for (size_t x = lo[0]; x < hi[0]; x++)
                if (mask[x + nx * (y + ny * z)]) {
                    const double d[3] = {(double)(x - lo[0]) * spacing[0] - c[0],
                                         (double)(y - lo[1]) * spacing[1] - c[1],
                                         (double)(z - lo[2]) * spacing[2] - c[2]};
                    for (int i = 0; i < 3; i++)
                        for (int j = i; j < 3; j++)
                            S[3 * i + j] += d[i] * d[j];
                }
    for (int i = 0; i < 3; i++)
        for (int j = i; j < 3; j++)
            S[3 * j + i] = S[3 * i + j] /= (double)n;
    vx_sym3_eigen(S, lam, NULL);
    round_tiny_negative(lam, 3);
}

/* 4 sqrt(lambda), NaN for a negative eigenvalue (PyRadiomics) */
static double axis_len(double lam)
{
    return lam >= 0.0 ? 4.0 * sqrt(lam) : NAN;
}

/* sqrt(a / b) of two eigenvalues, NaN when either is negative (0 / 0 is NaN too) */
static double eig_ratio(double a, double b)
{
    return a >= 0.0 && b >= 0.0 ? sqrt(a / b) : NAN;
}

/* ---- shape2D -------------------------------------------------------------------------------------------- */

/* Area (in units of one pixel) of the mask part of a marching square with mask corners c (bit k: corner k
 * counter-clockwise from (0, 0)), and its contour length (mm; sx, sy: the pixel size). */
static double square_part(int c, double sx, double sy, double *len)
{
    static const double frac[16] = {0, 0.125, 0.125, 0.5, 0.125, 0.25, 0.5, 0.875,
                                    0.125, 0.5, 0.25, 0.875, 0.5, 0.875, 0.875, 1};
    const double diag = 0.5 * sqrt(sx * sx + sy * sy);
    const int bits = (c & 1) + ((c >> 1) & 1) + ((c >> 2) & 1) + ((c >> 3) & 1);
    if (bits == 1 || bits == 3)
        *len = diag;
    else if (c == 5 || c == 10) /* diagonal corners, kept apart: two cut corners */
        *len = 2.0 * diag;
    else if (bits == 2) /* a pair along x (corners 0, 1 or 2, 3) is cut by a segment along x */
        *len = (c == 3 || c == 12) ? sx : sy;
    else
        *len = 0.0;
    return frac[c];
}

/* Contour area (mm^2) and perimeter (mm) of the slice z = 1 of b (padded), by marching squares. */
static void contour_2d(const pbox *b, double sx, double sy, double *area, double *perim)
{
    double a = 0.0, p = 0.0;
    for (long y = 0; y <= b->n[1]; y++)
        for (long x = 0; x <= b->n[0]; x++) {
            int c = at(b, x, y, 1) | at(b, x + 1, y, 1) << 1 | at(b, x + 1, y + 1, 1) << 2 | at(b, x, y + 1, 1) << 3;
            double len;
            a += square_part(c, sx, sy, &len);
            p += len;
        }
    *area = a * sx * sy;
    *perim = p;
}

/* Largest distance (mm) between the contour vertices of the slice z = 1 of b; VX_ENOMEM when out of memory. */
static int diameter_2d(const pbox *b, const double sp[3], double *diam)
{
    int32_t *vert = NULL;
    size_t n = edge_vertices(b, &vert), m = 0;
    pt3 *pts = n != (size_t)-1 ? malloc((n + 1) * sizeof *pts) : NULL;
    pt3 *hull = pts ? malloc((2 * n + 2) * sizeof *hull) : NULL;
    if (!hull) {
        free(vert);
        free(pts);
        return VX_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        if (vert[3 * i + 2] == 2) /* in the slice (doubled z of padded index 1) */
            pts[m++] = (pt3){0, vert[3 * i], vert[3 * i + 1]};
    qsort(pts, m, sizeof *pts, pt3_cmp);
    *diam = sqrt(plane_diam2(pts, m, 0.5 * sp[0], 0.5 * sp[1], hull));
    free(vert);
    free(pts);
    free(hull);
    return VX_OK;
}

/* Eigenvalues (descending) of the 2 x 2 covariance (normalised by N) of the pixel centres of the slice. */
static void pca_2d(const pbox *b, const double sp[3], double lam[2], size_t *np)
{
    double s[2] = {0, 0}, sxx = 0, syy = 0, sxy = 0;
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (long y = 1; y <= b->n[1]; y++)
            for (long x = 1; x <= b->n[0]; x++) {
                if (!at(b, x, y, 1))
                    continue;
                const double px = (double)x * sp[0], py = (double)y * sp[1];
                if (pass == 0) {
                    n++;
                    s[0] += px;
                    s[1] += py;
                    continue;
                }
                const double dx = px - s[0] / (double)n, dy = py - s[1] / (double)n;
                sxx += dx * dx;
                syy += dy * dy;
                sxy += dx * dy;
            }
    *np = n;
    sxx /= (double)n;
    syy /= (double)n;
    sxy /= (double)n;
    const double m = 0.5 * (sxx + syy), r = hypot(0.5 * (sxx - syy), sxy);
    lam[0] = m + r;
    lam[1] = m - r;
    round_tiny_negative(lam, 2);
}

int vx_pyrad_shape2d(const uint8_t *mask, const size_t dims[3], const size_t lo[3], const size_t hi[3],
                     const double spacing[3], double out[10], vx_error *err)
{
    pbox b;
    pbox_init(&b, mask, dims, lo, hi);
    for (int k = 0; k < 10; k++)
        out[k] = NAN;
    if (b.n[2] != 1)
        return vx_error_set(err, VX_EINVAL, "shape2D: the mask spans %ld slices; it must be one slice thick",
                            b.n[2]);
    double A, P, D, lam[2];
    size_t n;
    contour_2d(&b, spacing[0], spacing[1], &A, &P);
    pca_2d(&b, spacing, lam, &n);
    if (diameter_2d(&b, spacing, &D) != VX_OK)
        return vx_error_set(err, VX_ENOMEM, "shape2D: out of memory for the contour vertices");
    if (n == 0)
        return VX_OK;
    const double circ = 2.0 * sqrt(VX_MORPH_PI * A);
    out[0] = A;                                         /* MeshSurface */
    out[1] = (double)n * spacing[0] * spacing[1];       /* PixelSurface */
    out[2] = P;                                         /* Perimeter */
    out[3] = P / A;                                     /* PerimeterSurfaceRatio */
    out[4] = circ / P;                                  /* Sphericity */
    out[5] = P / circ;                                  /* SphericalDisproportion */
    out[6] = D;                                         /* MaximumDiameter */
    out[7] = axis_len(lam[0]);                          /* MajorAxisLength */
    out[8] = axis_len(lam[1]);                          /* MinorAxisLength */
    out[9] = eig_ratio(lam[1], lam[0]);                 /* Elongation */
    return VX_OK;
}

/* ---- the family's PyRadiomics values -------------------------------------------------------------------- */

/* Bounding box [lo, hi) of the morphological mask within the ROI box; 0 when the mask is empty. */
static int mask_box(const vx_roi *roi, size_t lo[3], size_t hi[3])
{
    const size_t nx = roi->dims[0], ny = roi->dims[1];
    int any = 0;
    for (int a = 0; a < 3; a++) {
        lo[a] = roi->box_hi[a];
        hi[a] = roi->box_lo[a];
    }
    for (size_t z = roi->box_lo[2]; z < roi->box_hi[2]; z++)
        for (size_t y = roi->box_lo[1]; y < roi->box_hi[1]; y++)
            for (size_t x = roi->box_lo[0]; x < roi->box_hi[0]; x++) {
                if (!roi->mmask[x + nx * (y + ny * z)])
                    continue;
                const size_t p[3] = {x, y, z};
                for (int a = 0; a < 3; a++) {
                    lo[a] = p[a] < lo[a] ? p[a] : lo[a];
                    hi[a] = p[a] + 1 > hi[a] ? p[a] + 1 : hi[a];
                }
                any = 1;
            }
    return any;
}

#define F(id) f[VX_F_MORPH_##id - VX_F_MORPH_VOLUME]

/* Mesh volume and area, and the ratios built on them (IBSI formulas on PyRadiomics' V and A). */
static void mesh_features(const vx_roi *roi, const size_t lo[3], const size_t hi[3], double *f)
{
    double V, A;
    vx_pyrad_mesh(roi->mmask, roi->dims, lo, hi, roi->spacing, &V, &A);
    F(VOLUME) = V;
    F(AREA_MESH) = A;
    const double pi = VX_MORPH_PI, s = cbrt(36.0 * pi * V * V);
    const int ok = V > 0.0 && A > 0.0;
    F(AV) = ok ? A / V : NAN;                                   /* SurfaceVolumeRatio */
    F(SPHERICITY) = ok ? s / A : NAN;                           /* Sphericity */
    F(COMP_1) = ok ? V / (sqrt(pi) * pow(A, 1.5)) : NAN;        /* Compactness1 */
    F(COMP_2) = ok ? 36.0 * pi * V * V / (A * A * A) : NAN;     /* Compactness2 */
    F(SPH_DISPR) = ok ? A / s : NAN;                            /* SphericalDisproportion */
    F(ASPHERICITY) = ok ? cbrt(A * A * A / (36.0 * pi * V * V)) - 1.0 : NAN;
}

/* Append n rows of consecutive features from `first`. */
static int add_rows(vx_results *res, vx_feature_id first, size_t n, const double *v, vx_error *err)
{
    if (vx_results_add_block(res, first, n, VX_AGG_NONE, v) != VX_OK)
        return vx_error_set(err, VX_ENOMEM, "shape (PyRadiomics): cannot store the results");
    return VX_OK;
}

/* The shape2D rows of the mask of roi in its box [lo, hi), one voxel thick along slice_axis (vx_slice_axis):
 * the plane's in-plane axes in increasing order are its x and y (vx_slice_axes), as PyRadiomics squeezes
 * force2Ddimension out of its (z, y, x) array. */
static int shape2d_rows(const vx_roi *roi, int slice_axis, const size_t lo[3], const size_t hi[3], vx_results *res,
                        vx_error *err)
{
    double s2[10];
    int ax[3];
    if (!vx_slice_axes(slice_axis, ax)) {
        int rc = vx_pyrad_shape2d(roi->mmask, roi->dims, lo, hi, roi->spacing, s2, err);
        return rc == VX_OK ? add_rows(res, VX_F_SHAPE2D_MESH_SURFACE, 10, s2, err) : rc;
    }
    const size_t n = roi->dims[0] * roi->dims[1] * roi->dims[2];
    uint8_t *m = malloc(n ? n : 1);
    if (!m)
        return vx_error_set(err, VX_ENOMEM, "shape2D: out of memory for a %zux%zux%zu mask", roi->dims[0],
                            roi->dims[1], roi->dims[2]);
    size_t d[3], plo[3], phi[3];
    double sp[3];
    vx_permute3(roi->mmask, 1, roi->dims, ax, m, d);
    for (int k = 0; k < 3; k++) {
        plo[k] = lo[ax[k]];
        phi[k] = hi[ax[k]];
        sp[k] = roi->spacing[ax[k]];
    }
    int rc = vx_pyrad_shape2d(m, d, plo, phi, sp, s2, err);
    free(m);
    return rc == VX_OK ? add_rows(res, VX_F_SHAPE2D_MESH_SURFACE, 10, s2, err) : rc;
}

int vx_pyrad_shape(const vx_roi *roi, const vx_feature_settings *fs, double *f, vx_results *res, vx_error *err)
{
    size_t lo[3], hi[3];
    if (!mask_box(roi, lo, hi))
        return VX_OK;
    mesh_features(roi, lo, hi, f);

    double lam[3];
    vx_pyrad_pca(roi->mmask, roi->dims, lo, hi, roi->spacing, lam);
    F(PCA_MAJ_AXIS) = axis_len(lam[0]);
    F(PCA_MIN_AXIS) = axis_len(lam[1]);
    F(PCA_LEAST_AXIS) = axis_len(lam[2]);
    F(PCA_ELONGATION) = eig_ratio(lam[1], lam[0]);
    F(PCA_FLATNESS) = eig_ratio(lam[2], lam[0]);

    double diam[3];
    int rc = vx_pyrad_plane_diameters(roi->mmask, roi->dims, lo, hi, roi->spacing, diam, err);
    if (rc == VX_OK)
        rc = add_rows(res, VX_F_MORPH_PYR_DIAM_SLICE, 3, diam, err);

    /* shape2D: PyRadiomics computes it with force2D (here: the 2D aggregations) on a mask one slice thick along
     * force2Ddimension (features.slice_axis); a thicker mask has no 2D shape (PyRadiomics refuses it) */
    const unsigned two_d = VX_AGGBIT(VX_AGG_25D) | VX_AGGBIT(VX_AGG_25D_DMRG);
    const int sa = fs ? 2 - fs->slice_axis : 2; /* the slice axis as a grid axis */
    if (rc == VX_OK && fs && (fs->aggregations & two_d) && hi[sa] == lo[sa] + 1)
        rc = shape2d_rows(roi, fs->slice_axis, lo, hi, res, err);
    return rc;
}
