/* voxomics: NRRD geometry: the spatial axes, space directions, origin and spacings to a voxomics voxel grid in LPS.
 * See nrrd_impl.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrrd_impl.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

int nrrd_axis_nonspatial(const nrrd_hdr *h, int a)
{
    if (h->have_dirs)
        return h->dir_none[a];
    return h->have_kinds && h->kind_nonspatial[a];
}

static void cross3(const double a[3], const double b[3], double c[3])
{
    c[0] = a[1] * b[2] - a[2] * b[1];
    c[1] = a[2] * b[0] - a[0] * b[2];
    c[2] = a[0] * b[1] - a[1] * b[0];
}

static double norm3(const double a[3]) { return sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]); }

static int has_segments(const nrrd_hdr *h)
{
    for (size_t i = 0; i < h->nkv; i++)
        if (strncmp(h->kv[i].key, "Segment", 7) == 0 && isdigit((unsigned char)h->kv[i].key[7]))
            return 1;
    return 0;
}

/* The spatial axes of h in file order (sp, *ns of them, at most 3): non-spatial axes must have size 1 (with
 * allow_layers, a non-spatial axis 0 is the layer axis: *layer_axis = 0); beyond 3 spatial axes, size-1 axes are
 * dropped, the last first. */
static int spatial_axes(const nrrd_hdr *h, int allow_layers, int sp[NRRD_DIM_MAX], int *ns, int *layer_axis,
                        vx_error *err)
{
    *ns = 0;
    *layer_axis = -1;
    for (int a = 0; a < h->dim; a++) {
        if (nrrd_axis_nonspatial(h, a)) {
            if (a == 0 && allow_layers) {
                *layer_axis = 0;
                continue;
            }
            if (h->sizes[a] == 1)
                continue;
            const char *kind = h->have_kinds ? h->kind[a] : "none";
            int klen = h->have_kinds ? (int)(h->kind_len[a] < 40 ? h->kind_len[a] : 40) : 4;
            return vx_error_set(err, VX_EUNSUPPORTED, "%s: axis %d (kind %.*s, size %llu) is not a spatial axis: "
                                "only scalar images are supported%s", h->path, a, klen, kind,
                                (unsigned long long)h->sizes[a],
                                a == 0 && has_segments(h) ? " (a multi-layer segmentation: read its segments with "
                                "vx_nrrd_read_segment)" : "");
        }
        sp[(*ns)++] = a;
    }
    while (*ns > 3) { /* drop size-1 axes, last first */
        int drop = -1;
        for (int i = *ns - 1; i >= 0 && drop < 0; i--)
            if (h->sizes[sp[i]] == 1)
                drop = i;
        if (drop < 0)
            return vx_error_set(err, VX_EUNSUPPORTED, "%s: %d spatial axes (axis %d has size %llu): only 2D and 3D "
                                "images are supported", h->path, *ns, sp[3], (unsigned long long)h->sizes[sp[3]]);
        for (int i = drop; i + 1 < *ns; i++)
            sp[i] = sp[i + 1];
        (*ns)--;
    }
    if (*ns == 0)
        return vx_error_set(err, VX_EUNSUPPORTED, "%s: no spatial axis", h->path);
    return VX_OK;
}

/* Spacing and unit direction (col[i], in LPS: x and y scaled by sx, sy) of each spatial axis, from the space
 * directions, else from the spacings along the identity. */
static int axis_columns(const nrrd_hdr *h, const int *sp, int ns, double sx, double sy, vx_geometry *g,
                        double col[3][3], vx_error *err)
{
    for (int i = 0; i < ns; i++) {
        int a = sp[i];
        if (h->have_dirs) {
            double v[3] = {0, 0, 0};
            for (int c = 0; c < 3 && c < h->space_dim; c++)
                v[c] = h->dirs[a][c];
            v[0] *= sx;
            v[1] *= sy;
            double nv = norm3(v);
            if (!(nv > 0.0) || !isfinite(nv))
                return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "axis %d has a zero or non-finite length", a);
            g->spacing[i] = nv;
            for (int c = 0; c < 3; c++)
                col[i][c] = v[c] / nv;
        } else {
            if (h->have_spacings) { /* the sign of a spacing flips the axis; its size is |s| */
                double s = h->spacings[a];
                if (!isfinite(s) || !(fabs(s) >= VX_SPACING_MIN_MM && fabs(s) <= VX_SPACING_MAX_MM))
                    return nrrd_ferr(h, err, VX_EGEOMETRY, F_SPACINGS,
                                     "the spacing of axis %d is %g: a spacing must be finite and within [%g, %g] mm "
                                     "(its sign may flip the axis)",
                                     a, s, VX_SPACING_MIN_MM, VX_SPACING_MAX_MM);
                g->spacing[i] = fabs(s);
            }
            col[i][i] = 1.0;
        }
    }
    return VX_OK;
}

/* Complete the direction columns to a right-handed frame for 1 and 2 spatial axes; check that 3 are
 * independent. */
static int complete_frame(const nrrd_hdr *h, const int *sp, int ns, double col[3][3], vx_error *err)
{
    if (ns == 1) { /* a second direction perpendicular to the first */
        int k = 0;
        for (int c = 1; c < 3; c++)
            if (fabs(col[0][c]) < fabs(col[0][k]))
                k = c;
        double e[3] = {0, 0, 0};
        e[k] = 1.0;
        double d = e[0] * col[0][0] + e[1] * col[0][1] + e[2] * col[0][2];
        for (int c = 0; c < 3; c++)
            e[c] -= d * col[0][c];
        double ne = norm3(e);
        for (int c = 0; c < 3; c++)
            col[1][c] = e[c] / ne;
    }
    if (ns <= 2) {
        double c3[3];
        cross3(col[0], col[1], c3);
        double nc = norm3(c3);
        if (!(nc > 1e-6))
            return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "the directions of axes %d and %d are parallel", sp[0],
                             sp[1]);
        for (int c = 0; c < 3; c++)
            col[2][c] = c3[c] / nc;
    } else {
        double c3[3];
        cross3(col[0], col[1], c3);
        double det = c3[0] * col[2][0] + c3[1] * col[2][1] + c3[2] * col[2][2];
        if (!(fabs(det) > 1e-6))
            return nrrd_ferr(h, err, VX_EFORMAT, F_SPACE_DIRS, "the directions of axes %d, %d and %d are linearly "
                             "dependent", sp[0], sp[1], sp[2]);
    }
    return VX_OK;
}

/* The voxel grid of the spatial axes. With allow_layers, a non-spatial axis 0 of any size is the layer axis
 * of a segmentation (*layer_axis = 0, else -1). */
int nrrd_build_geometry(const nrrd_hdr *h, int allow_layers, vx_geometry *g, int *layer_axis, vx_error *err)
{
    int sp[NRRD_DIM_MAX], ns, rc;
    if ((rc = spatial_axes(h, allow_layers, sp, &ns, layer_axis, err)) != VX_OK)
        return rc;

    double sx = 1.0, sy = 1.0;
    if (h->space >= 0) {
        sx = NRRD_SPACES[h->space].sx;
        sy = NRRD_SPACES[h->space].sy;
    }
    double col[3][3] = {{0}};
    memset(g, 0, sizeof *g);
    for (int i = 0; i < 3; i++) {
        g->dims[i] = i < ns ? (size_t)h->sizes[sp[i]] : 1;
        g->spacing[i] = 1.0;
    }
    if ((rc = axis_columns(h, sp, ns, sx, sy, g, col, err)) != VX_OK)
        return rc;
    if ((rc = complete_frame(h, sp, ns, col, err)) != VX_OK)
        return rc;
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            g->direction[3 * r + c] = col[c][r];
    if (h->have_origin) {
        for (int c = 0; c < 3 && c < h->space_dim; c++)
            g->origin[c] = h->origin[c];
        g->origin[0] *= sx;
        g->origin[1] *= sy;
    }
    /* spacing bounds, and no shear: the axes must be orthogonal (vx_geometry_validate) */
    return vx_geometry_validate(g, h->path, h->have_dirs ? "space directions" : "spacings", err);
}
