/* voxomics: convex hull of the ROI mesh (qhull), maximum 3D diameter and the oriented minimum bounding box.
 *
 * Hull input. A point that lies strictly between two other points of a set on a line is not a vertex of the
 * set's convex hull. The mesh vertices lie on a lattice (doubled grid coordinates), so along each lattice
 * line only the two outermost vertices can be hull vertices. Only the vertices outermost on their lines
 * along the 3 axes, the 6 face diagonals and the 4 body diagonals go to qhull: the hull is unchanged, the
 * input shrinks (for a 113,000-voxel sphere from 17,000 mesh vertices to 1,300).
 *
 * qhull (reentrant libqhull_r) first runs without facet merging ("qhull Q0"), and on a precision error
 * again with its default options ("qhull": coplanar facets merged). It writes nothing: no output file, its
 * messages go to an in-memory stream whose first line ends up in the error message on failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <libqhull_r/qhull_ra.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feature/morph_impl.h"

void vx_hull_free(vx_hull *h)
{
    if (!h)
        return;
    free(h->vert);
    free(h->normal);
    free(h->farea);
    free(h->vf_start);
    free(h->vf_idx);
    memset(h, 0, sizeof *h);
}

/* Directions (in steps of the doubled grid) of the lines along which only the outermost vertices are kept:
 * the 3 axes, the 6 face diagonals and the 4 body diagonals. */
static const int hull_dirs[13][3] = {{1, 0, 0},  {0, 1, 0},  {0, 0, 1},  {1, 1, 0}, {1, -1, 0},
                                     {1, 0, 1},  {1, 0, -1}, {0, 1, 1},  {0, 1, -1}, {1, 1, 1},
                                     {1, 1, -1}, {1, -1, 1}, {1, -1, -1}};

/* Keep the vertices idx[0..n) that are outermost on their line along d; returns the new count, or
 * SIZE_MAX when out of memory. A line is keyed by its intersection with the plane p[a0] = 0. *buf (*cap
 * int32 pairs) is the scratch table, grown as needed. */
static size_t hull_filter(const int32_t *vert, size_t *idx, size_t n, const int d[3], int32_t **buf, size_t *cap)
{
    const int a0 = d[0] ? 0 : d[1] ? 1 : 2, b = (a0 + 1) % 3, c = (a0 + 2) % 3;
    int64_t bmin = INT64_MAX, bmax = INT64_MIN, cmin = INT64_MAX, cmax = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        const int32_t *p = vert + 3 * idx[i];
        int64_t t = (int64_t)p[a0] * d[a0], kb = p[b] - d[b] * t, kc = p[c] - d[c] * t;
        bmin = kb < bmin ? kb : bmin;
        bmax = kb > bmax ? kb : bmax;
        cmin = kc < cmin ? kc : cmin;
        cmax = kc > cmax ? kc : cmax;
    }
    if (n == 0)
        return 0;
    const size_t w = (size_t)(bmax - bmin + 1), hgt = (size_t)(cmax - cmin + 1);
    if (w * hgt > *cap) {
        int32_t *nb = realloc(*buf, 2 * w * hgt * sizeof *nb);
        if (!nb)
            return SIZE_MAX;
        *buf = nb;
        *cap = w * hgt;
    }
    int32_t *ext = *buf;
    for (size_t i = 0; i < w * hgt; i++) {
        ext[2 * i] = INT32_MAX;
        ext[2 * i + 1] = INT32_MIN;
    }
    for (size_t i = 0; i < n; i++) {
        const int32_t *p = vert + 3 * idx[i];
        int64_t t = (int64_t)p[a0] * d[a0];
        size_t k = (size_t)(p[b] - d[b] * t - bmin) + w * (size_t)(p[c] - d[c] * t - cmin);
        int32_t tt = (int32_t)t;
        ext[2 * k] = tt < ext[2 * k] ? tt : ext[2 * k];
        ext[2 * k + 1] = tt > ext[2 * k + 1] ? tt : ext[2 * k + 1];
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const int32_t *p = vert + 3 * idx[i];
        int64_t t = (int64_t)p[a0] * d[a0];
        size_t k = (size_t)(p[b] - d[b] * t - bmin) + w * (size_t)(p[c] - d[c] * t - cmin);
        if (t == ext[2 * k] || t == ext[2 * k + 1])
            idx[m++] = idx[i];
    }
    return m;
}

/* Copy hull vertices, facets and the vertex-facet incidences out of a finished qhull run (under qhull's
 * error trap: fidx, sized qh->facet_id, is allocated by the caller). */
static int hull_collect(qhT *qh, vx_hull *h, size_t *fidx)
{
    facetT *facet, *neighbor, **neighborp;
    vertexT *vertex;
    qh_getarea(qh, qh->facet_list);
    qh_vertexneighbors(qh);
    h->volume = qh->totvol;
    h->area = qh->totarea;
    size_t nv = 0, nf = 0, ninc = 0;
    FORALLfacets fidx[facet->id] = nf++;
    FORALLvertices
    {
        nv++;
        FOREACHneighbor_(vertex) ninc++;
    }
    h->vert = malloc((nv ? nv : 1) * 3 * sizeof(double));
    h->normal = malloc((nf ? nf : 1) * 3 * sizeof(double));
    h->farea = malloc((nf ? nf : 1) * sizeof(double));
    h->vf_start = malloc((nv + 1) * sizeof(size_t));
    h->vf_idx = malloc((ninc ? ninc : 1) * sizeof(size_t));
    if (!h->vert || !h->normal || !h->farea || !h->vf_start || !h->vf_idx)
        return -1;
    FORALLfacets
    {
        memcpy(h->normal + 3 * h->n_face, facet->normal, 3 * sizeof(double));
        h->farea[h->n_face] = facet->f.area;
        h->n_face++;
    }
    size_t k = 0;
    FORALLvertices
    {
        memcpy(h->vert + 3 * h->n_vert, vertex->point, 3 * sizeof(double));
        h->vf_start[h->n_vert++] = k;
        FOREACHneighbor_(vertex) h->vf_idx[k++] = fidx[neighbor->id];
    }
    h->vf_start[h->n_vert] = k;
    return 0;
}

static int hull_run(qhT *qh, double *pts, int n, FILE *errf, vx_hull *h, const char *opts)
{
    char cmd[32];
    snprintf(cmd, sizeof cmd, "%s", opts);
    int ex = qh_new_qhull(qh, 3, n, pts, False, cmd, NULL, errf);
    if (ex)
        return ex;
    size_t *fidx = malloc(((size_t)qh->facet_id + 1) * sizeof *fidx);
    if (!fidx)
        return qh_ERRmem;
    ex = setjmp(qh->errexit);
    if (ex == 0) {
        qh->NOerrexit = False;
        if (hull_collect(qh, h, fidx))
            ex = qh_ERRmem;
    }
    qh->NOerrexit = True;
    free(fidx);
    return ex;
}

/* One qhull run with the given options; the qhull state is freed before returning. */
static int hull_qhull(double *pts, size_t n, FILE *errf, vx_hull *h, const char *opts)
{
    qhT qh_qh;
    qhT *qh = &qh_qh;
    qh_zero(qh, errf);
    int ex = hull_run(qh, pts, (int)n, errf, h, opts);
    qh->NOerrexit = True;
    qh_freeqhull(qh, !qh_ALL);
    int curlong, totlong;
    qh_memfreeshort(qh, &curlong, &totlong);
    return ex;
}

int vx_hull_build(const vx_mesh *m, const double spacing[3], vx_hull *h, vx_error *err)
{
    memset(h, 0, sizeof *h);
    if (m->n_vert == 0)
        return VX_OK;
    size_t *cand = malloc(m->n_vert * sizeof *cand), nc = m->n_vert;
    if (!cand)
        return vx_error_set(err, VX_ENOMEM, "morphology: out of memory selecting hull candidates");
    for (size_t i = 0; i < nc; i++)
        cand[i] = i;
    int32_t *tab = NULL;
    size_t cap = 0;
    for (int k = 0; k < 13 && nc != SIZE_MAX; k++)
        nc = hull_filter(m->vert, cand, nc, hull_dirs[k], &tab, &cap);
    free(tab);
    if (nc == SIZE_MAX) {
        free(cand);
        return vx_error_set(err, VX_ENOMEM, "morphology: out of memory selecting hull candidates");
    }
    if (nc > (size_t)INT32_MAX / 4) {
        free(cand);
        return vx_error_set(err, VX_EUNSUPPORTED, "morphology: too many convex hull candidates (%zu)", nc);
    }
    double *pts = malloc(3 * (nc ? nc : 1) * sizeof *pts);
    if (!pts) {
        free(cand);
        return vx_error_set(err, VX_ENOMEM, "morphology: out of memory for %zu hull points", nc);
    }
    const double ctr[3] = {(double)m->box[0] - 1.0, (double)m->box[1] - 1.0, (double)m->box[2] - 1.0};
    for (size_t i = 0; i < nc; i++)
        for (int a = 0; a < 3; a++)
            pts[3 * i + a] = ((double)m->vert[3 * cand[i] + a] - ctr[a]) * 0.5 * spacing[a];
    free(cand);

    char *ebuf = NULL;
    size_t elen = 0;
    FILE *errf = open_memstream(&ebuf, &elen);
    if (!errf) {
        free(pts);
        return vx_error_set(err, VX_ENOMEM, "morphology: cannot open a memory stream for qhull");
    }
    /* Without facet merging ("Q0") qhull is about twice as fast on these lattice points; should it report
     * a precision problem, the hull is recomputed with qhull's default merging of coplanar facets. */
    long msg = 0;
    int ex = hull_qhull(pts, nc, errf, h, "qhull Q0");
    if (ex && ex != qh_ERRmem) {
        vx_hull_free(h);
        fflush(errf);
        msg = ftell(errf);
        ex = hull_qhull(pts, nc, errf, h, "qhull");
    }
    fclose(errf);
    free(pts);
    int rc = VX_OK;
    if (ex) {
        /* first line of qhull's message */
        char line[200] = "";
        if (ebuf && msg >= 0 && (size_t)msg < elen) {
            const char *t = ebuf + msg;
            size_t k = 0;
            while (t[k] && t[k] != '\n' && k + 1 < sizeof line) {
                line[k] = t[k];
                k++;
            }
            line[k] = '\0';
        }
        vx_hull_free(h);
        rc = vx_error_set(err, ex == qh_ERRmem ? VX_ENOMEM : VX_EUNSUPPORTED,
                          "morphology: convex hull of %zu points failed (qhull exit %d): %s", nc, ex, line);
    }
    free(ebuf);
    return rc;
}

/* Maximum 3D diameter (IBSI L0JK): max ||X_vx,k1 - X_vx,k2||_2; the two most distant mesh vertices are hull
 * vertices. */
double vx_hull_diameter(const vx_hull *h)
{
    const size_t n = h->n_vert;
    if (n < 2)
        return 0.0;
    double *c = malloc(3 * n * sizeof *c);
    double best = 0.0;
    if (c) { /* structure of arrays: the inner loop vectorises */
        double *xs = c, *ys = c + n, *zs = c + 2 * n;
        for (size_t i = 0; i < n; i++) {
            xs[i] = h->vert[3 * i];
            ys[i] = h->vert[3 * i + 1];
            zs[i] = h->vert[3 * i + 2];
        }
        for (size_t i = 0; i + 1 < n; i++) {
            const double ax = xs[i], ay = ys[i], az = zs[i];
            double bi = 0.0;
            for (size_t j = i + 1; j < n; j++) {
                double dx = ax - xs[j], dy = ay - ys[j], dz = az - zs[j];
                double d2 = dx * dx + dy * dy + dz * dz;
                bi = d2 > bi ? d2 : bi;
            }
            best = bi > best ? bi : best;
        }
        free(c);
    } else {
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                const double *a = h->vert + 3 * i, *b = h->vert + 3 * j;
                double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
                double d2 = dx * dx + dy * dy + dz * dz;
                best = d2 > best ? d2 : best;
            }
    }
    return sqrt(best);
}

/* ---- oriented minimum bounding box ---------------------------------------------------------------------
 * Approximation (IBSI does not standardise this feature). A minimum-volume box of a convex polyhedron has
 * a face flush with a hull face, or two adjacent faces each containing a hull edge (O'Rourke 1985); the
 * exact O(n^3) search is replaced by the first family over a bounded set of box axes n: the hull is
 * projected onto the plane normal to n and the minimum-area rectangle enclosing the projection is found
 * exactly by rotating calipers (one rectangle side is flush with an edge of the projected hull); the box is
 * that rectangle times the hull's extent along n. Candidate axes: the normals of the OMBB_MAX_DIRS largest
 * hull faces (coplanar facets pooled: normals equal to 1e-9), the three coordinate axes and the three
 * principal axes of the hull vertices. The box is never larger than the axis-aligned bounding box, and it
 * is the exact minimum whenever the minimal box is flush with one of the candidate faces (box- and
 * prism-shaped regions). Only hull vertices that can project onto the outline are projected: those with
 * incident facets facing both ways (n . normal >= -1e-9 and <= 1e-9 for some facets). */
enum { OMBB_MAX_DIRS = 32 };

typedef struct pt2 {
    double x, y;
} pt2;

static int cmp_pt2(const void *a, const void *b)
{
    const pt2 *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    return 0;
}

static double cross2(pt2 o, pt2 a, pt2 b)
{
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/* Convex hull (counter-clockwise, no collinear points) of p[0..n-1] into hull (room for 2 n + 1); sorts p. */
static size_t hull2d(pt2 *p, size_t n, pt2 *hull)
{
    if (n < 3) {
        memcpy(hull, p, n * sizeof *p);
        return n;
    }
    qsort(p, n, sizeof *p, cmp_pt2);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        while (k >= 2 && cross2(hull[k - 2], hull[k - 1], p[i]) <= 0.0)
            k--;
        hull[k++] = p[i];
    }
    for (size_t i = n - 1, t = k + 1; i-- > 0;) {
        while (k >= t && cross2(hull[k - 2], hull[k - 1], p[i]) <= 0.0)
            k--;
        hull[k++] = p[i];
    }
    return k - 1;
}

/* Minimum-area rectangle of a convex CCW polygon (rotating calipers); side lengths in *w, *l. */
static double min_rect(const pt2 *P, size_t m, double *w, double *l)
{
    *w = *l = 0.0;
    if (m < 3)
        return 0.0;
    double best = INFINITY;
    size_t jv = 0, ku = 0, lu = 0;
    for (size_t i = 0; i < m; i++) {
        pt2 a = P[i], b = P[(i + 1) % m];
        double ex = b.x - a.x, ey = b.y - a.y, len = sqrt(ex * ex + ey * ey);
        if (!(len > 0.0))
            continue;
        double ux = ex / len, uy = ey / len, vx = -uy, vy = ux;
        if (i == 0) {
            ku = 1 % m;
        }
#define DOTU(k) (P[(k) % m].x * ux + P[(k) % m].y * uy)
#define DOTV(k) (P[(k) % m].x * vx + P[(k) % m].y * vy)
        /* max along u, then max along v, then min along u: the pointers only move forward */
        for (size_t s = 0; s < m && DOTU(ku + 1) >= DOTU(ku); s++)
            ku = (ku + 1) % m;
        if (i == 0)
            jv = ku;
        for (size_t s = 0; s < m && DOTV(jv + 1) >= DOTV(jv); s++)
            jv = (jv + 1) % m;
        if (i == 0)
            lu = jv;
        for (size_t s = 0; s < m && DOTU(lu + 1) <= DOTU(lu); s++)
            lu = (lu + 1) % m;
        double width = DOTU(ku) - DOTU(lu), height = DOTV(jv) - (a.x * vx + a.y * vy);
#undef DOTU
#undef DOTV
        double area = width * height;
        if (area < best) {
            best = area;
            *w = width;
            *l = height;
        }
    }
    return isfinite(best) ? best : 0.0;
}

/* facet normals quantised to 1e-9 (pooling coplanar facets) */
typedef struct ombb_dir {
    int64_t key[3];
    double area;
    size_t face; /* largest facet of the group */
} ombb_dir;

static int cmp_dir_key(const void *a, const void *b)
{
    const ombb_dir *p = a, *q = b;
    for (int k = 0; k < 3; k++)
        if (p->key[k] != q->key[k])
            return p->key[k] < q->key[k] ? -1 : 1;
    return p->face < q->face ? -1 : p->face > q->face;
}

static int cmp_dir_area(const void *a, const void *b)
{
    const ombb_dir *p = a, *q = b;
    if (p->area != q->area)
        return p->area > q->area ? -1 : 1;
    return cmp_dir_key(a, b);
}

/* Candidate box axes into axes (3 doubles each): the normals of the OMBB_MAX_DIRS largest facet pools
 * (facets pooled by quantised normal, ranked by area; dir: scratch of n_face), the coordinate axes and the
 * principal axes of the vertices. Returns their number. */
static size_t ombb_candidate_axes(const vx_hull *h, ombb_dir *dir, double *axes)
{
    const size_t n = h->n_vert, nf = h->n_face;
    /* pool facets by quantised normal, rank the pools by area */
    for (size_t f = 0; f < nf; f++) {
        for (int k = 0; k < 3; k++)
            dir[f].key[k] = llround(h->normal[3 * f + k] * 1e9);
        dir[f].area = h->farea[f];
        dir[f].face = f;
    }
    qsort(dir, nf, sizeof *dir, cmp_dir_key);
    size_t ng = 0;
    for (size_t f = 0; f < nf; f++) {
        if (ng > 0 && memcmp(dir[ng - 1].key, dir[f].key, sizeof dir[f].key) == 0) {
            if (h->farea[dir[f].face] > h->farea[dir[ng - 1].face])
                dir[ng - 1].face = dir[f].face;
            dir[ng - 1].area += dir[f].area;
        } else {
            dir[ng++] = dir[f];
        }
    }
    qsort(dir, ng, sizeof *dir, cmp_dir_area);
    size_t na = 0;
    for (size_t g = 0; g < ng && g < OMBB_MAX_DIRS; g++, na++)
        memcpy(axes + 3 * na, h->normal + 3 * dir[g].face, 3 * sizeof(double));
    for (int a = 0; a < 3; a++, na++)
        for (int k = 0; k < 3; k++)
            axes[3 * na + (size_t)k] = a == k ? 1.0 : 0.0;
    double c[3] = {0, 0, 0}, S[9] = {0}, ev[3], V[9];
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 3; k++)
            c[k] += h->vert[3 * i + k];
    for (int k = 0; k < 3; k++)
        c[k] /= (double)n;
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < 3; r++)
            for (int q = 0; q < 3; q++)
                S[3 * r + q] += (h->vert[3 * i + r] - c[r]) * (h->vert[3 * i + q] - c[q]);
    vx_sym3_eigen(S, ev, V);
    for (int a = 0; a < 3; a++, na++)
        for (int k = 0; k < 3; k++)
            axes[3 * na + (size_t)k] = V[3 * k + a];
    return na;
}

/* The smallest box with one axis along axis (normalised here): height from the vertex extent along it,
 * base the minimum-area rectangle of the silhouette vertices projected on the normal plane. fd, p, poly:
 * scratch of n_face, n_vert and 2 n_vert + 1. Returns 0 for a zero axis, else 1 with *vol and *ar. */
static int ombb_along_axis(const vx_hull *h, const double *axis, double *fd, pt2 *p, pt2 *poly, double *vol,
                           double *ar)
{
    const size_t n = h->n_vert, nf = h->n_face;
    double nn[3] = {axis[0], axis[1], axis[2]};
    double len = sqrt(nn[0] * nn[0] + nn[1] * nn[1] + nn[2] * nn[2]);
    if (!(len > 0.0))
        return 0;
    for (int k = 0; k < 3; k++)
        nn[k] /= len;
    /* orthonormal basis e1, e2 of the plane normal to nn */
    int ax = fabs(nn[0]) <= fabs(nn[1]) && fabs(nn[0]) <= fabs(nn[2]) ? 0 : fabs(nn[1]) <= fabs(nn[2]) ? 1 : 2;
    double t[3] = {0, 0, 0};
    t[ax] = 1.0;
    double e1[3] = {nn[1] * t[2] - nn[2] * t[1], nn[2] * t[0] - nn[0] * t[2], nn[0] * t[1] - nn[1] * t[0]};
    double l1 = sqrt(e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2]);
    for (int k = 0; k < 3; k++)
        e1[k] /= l1;
    double e2[3] = {nn[1] * e1[2] - nn[2] * e1[1], nn[2] * e1[0] - nn[0] * e1[2], nn[0] * e1[1] - nn[1] * e1[0]};
    for (size_t f = 0; f < nf; f++)
        fd[f] = nn[0] * h->normal[3 * f] + nn[1] * h->normal[3 * f + 1] + nn[2] * h->normal[3 * f + 2];
    double hmin = INFINITY, hmax = -INFINITY;
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        const double *v = h->vert + 3 * i;
        double d = v[0] * nn[0] + v[1] * nn[1] + v[2] * nn[2];
        hmin = d < hmin ? d : hmin;
        hmax = d > hmax ? d : hmax;
        int front = 0, back = 0;
        for (size_t k = h->vf_start[i]; k < h->vf_start[i + 1]; k++) {
            double s = fd[h->vf_idx[k]];
            front |= s >= -1e-9;
            back |= s <= 1e-9;
        }
        if (front && back) {
            p[np].x = v[0] * e1[0] + v[1] * e1[1] + v[2] * e1[2];
            p[np].y = v[0] * e2[0] + v[1] * e2[1] + v[2] * e2[2];
            np++;
        }
    }
    size_t m = hull2d(p, np, poly);
    double w, l;
    double ra = min_rect(poly, m, &w, &l);
    double ht = hmax - hmin;
    *vol = ra * ht;
    *ar = 2.0 * (w * l + w * ht + l * ht);
    return 1;
}

int vx_hull_ombb(const vx_hull *h, double *volume, double *area, vx_error *err)
{
    *volume = *area = NAN;
    const size_t n = h->n_vert, nf = h->n_face;
    if (n < 4 || nf < 4)
        return VX_OK;
    ombb_dir *dir = malloc(nf * sizeof *dir);
    double *axes = malloc(3 * (OMBB_MAX_DIRS + 6) * sizeof *axes);
    double *fd = malloc(nf * sizeof *fd);
    pt2 *p = malloc(n * sizeof *p), *poly = malloc((2 * n + 1) * sizeof *poly);
    if (!dir || !axes || !fd || !p || !poly) {
        free(dir);
        free(axes);
        free(fd);
        free(p);
        free(poly);
        return vx_error_set(err, VX_ENOMEM, "morphology: out of memory for the oriented bounding box");
    }
    const size_t na = ombb_candidate_axes(h, dir, axes);
    double bestv = INFINITY, besta = NAN;
    for (size_t ci = 0; ci < na; ci++) {
        double vol, ar;
        if (ombb_along_axis(h, axes + 3 * ci, fd, p, poly, &vol, &ar) && vol > 0.0 && vol < bestv) {
            bestv = vol;
            besta = ar;
        }
    }
    free(dir);
    free(axes);
    free(fd);
    free(p);
    free(poly);
    if (isfinite(bestv)) {
        *volume = bestv;
        *area = besta;
    }
    return VX_OK;
}
