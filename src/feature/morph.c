/* voxomics: morphological features, IBSI family HCUG (IBSI 1 section 3.1), 29 features.
 *
 * Representations (IBSI 1 3.1): the ROI surface mesh X_vx (marching cubes on the morphological mask at
 * level 0.5, mesh.h), the voxel-centre point set X_c of the morphological mask, and the intensity set
 * X_gl with centres X_c,gl of the intensity mask. Volume V and area A always come from the mesh. All
 * positions are in mm relative to the ROI box, so moving the ROI inside the image changes no value.
 *
 * Helpers: morph_moran.c (Moran's I, Geary's C), morph_hull.c (convex hull, diameter, OMBB),
 * morph_ellipsoid.c (PCA eigenvalues, ellipsoid area, MVEE). With compat pyradiomics, pyrad_shape.c replaces
 * the mesh volume and area (and the ratios on them) and the PCA features by PyRadiomics' definitions and adds
 * PyRadiomics' own shape features (flagged VX_FF_PYRADIOMICS).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feature/mesh.h"
#include "feature/morph_impl.h"
#include "feature/pyrad_shape.h"
#include "voxomics/feature.h"
#include "voxomics/settings.h"

#define MF(id) (VX_F_MORPH_##id - VX_F_MORPH_VOLUME)
enum { MORPH_NF = VX_F_MORPH_GEARY_C - VX_F_MORPH_VOLUME + 1 };

/* IBSI: tolerance of Khachiyan's algorithm for the minimum volume enclosing ellipsoid */
#define MVEE_TOL 0.001

/* Dimension of the affine hull of the morphological voxel centres (0: one voxel, 1: all on a line, 2: all in
 * a plane, 3), by exact integer tests on voxel indices (cross and triple products; spacing does not change
 * the rank). The covariance matrix of the centres has 3 - rank zero eigenvalues exactly; computed ones are
 * rounding-level numbers, replaced by exact zeros. */
static int affine_rank(const vx_roi *roi)
{
    const size_t nx = roi->dims[0], ny = roi->dims[1];
    const size_t *lo = roi->box_lo, *hi = roi->box_hi;
    int rank = -1;
    int64_t p0[3] = {0, 0, 0}, u[3] = {0, 0, 0}, nv[3] = {0, 0, 0};
    for (size_t z = lo[2]; z < hi[2]; z++)
        for (size_t y = lo[1]; y < hi[1]; y++)
            for (size_t x = lo[0]; x < hi[0]; x++) {
                if (!roi->mmask[x + nx * (y + ny * z)])
                    continue;
                const int64_t d[3] = {(int64_t)x - p0[0], (int64_t)y - p0[1], (int64_t)z - p0[2]};
                if (rank < 0) {
                    p0[0] = (int64_t)x, p0[1] = (int64_t)y, p0[2] = (int64_t)z;
                    rank = 0;
                } else if (rank == 0) {
                    u[0] = d[0], u[1] = d[1], u[2] = d[2];
                    rank = 1;
                } else if (rank == 1) {
                    const int64_t w[3] = {u[1] * d[2] - u[2] * d[1], u[2] * d[0] - u[0] * d[2],
                                          u[0] * d[1] - u[1] * d[0]};
                    if (w[0] || w[1] || w[2]) {
                        nv[0] = w[0], nv[1] = w[1], nv[2] = w[2];
                        rank = 2;
                    }
                } else if (nv[0] * d[0] + nv[1] * d[1] + nv[2] * d[2] != 0) {
                    return 3;
                }
            }
    return rank;
}

/* Sums over the voxel centres (mm, from the box corner) of the morphological and intensity masks. */
typedef struct voxel_sums {
    size_t nm, ni;   /* voxels in the morphological and in the intensity mask */
    double sm[3];    /* sum of morphological voxel centres (mm) */
    double swi[3];   /* sum of intensity-weighted centres */
    double sw;       /* sum of intensities over the intensity mask */
    double si[3];    /* sum of intensity-mask voxel centres (unweighted) */
    double vlo, vhi; /* intensity range over the intensity mask */
} voxel_sums;

/* One pass over the bounding box: the sums of voxel_sums. */
static void sum_voxel_centres(const vx_roi *roi, voxel_sums *vs)
{
    const double *sp = roi->spacing;
    const size_t nx = roi->dims[0], ny = roi->dims[1];
    const size_t *lo = roi->box_lo, *hi = roi->box_hi;
    size_t nm = 0, ni = 0;
    double sm[3] = {0, 0, 0}, swi[3] = {0, 0, 0}, sw = 0.0, si[3] = {0, 0, 0};
    double vlo = INFINITY, vhi = -INFINITY;
    for (size_t z = lo[2]; z < hi[2]; z++)
        for (size_t y = lo[1]; y < hi[1]; y++) {
            size_t row = nx * (y + ny * z);
            double py = (double)(y - lo[1]) * sp[1], pz = (double)(z - lo[2]) * sp[2];
            for (size_t x = lo[0]; x < hi[0]; x++) {
                size_t i = row + x;
                double px = (double)(x - lo[0]) * sp[0];
                if (roi->mmask[i]) {
                    nm++;
                    sm[0] += px;
                    sm[1] += py;
                    sm[2] += pz;
                }
                if (roi->imask[i]) {
                    double v = roi->img[i];
                    ni++;
                    sw += v;
                    si[0] += px;
                    si[1] += py;
                    si[2] += pz;
                    vlo = v < vlo ? v : vlo;
                    vhi = v > vhi ? v : vhi;
                    swi[0] += v * px;
                    swi[1] += v * py;
                    swi[2] += v * pz;
                }
            }
        }
    vs->nm = nm;
    vs->ni = ni;
    vs->sw = sw;
    vs->vlo = vlo;
    vs->vhi = vhi;
    for (int a = 0; a < 3; a++) {
        vs->sm[a] = sm[a];
        vs->swi[a] = swi[a];
        vs->si[a] = si[a];
    }
}

/* The ratios of volume V and area A (mesh), for V > 0 and A > 0. */
static void volume_area_ratios(double V, double A, double *f)
{
    if (V > 0.0 && A > 0.0) {
        /* Surface to volume ratio (2PR5): F = A / V */
        f[MF(AV)] = A / V;
        /* Compactness 1 (SKGS): F = V / (pi^(1/2) A^(3/2)) */
        f[MF(COMP_1)] = V / (sqrt(VX_MORPH_PI) * pow(A, 1.5));
        /* Compactness 2 (BQWJ): F = 36 pi V^2 / A^3 */
        f[MF(COMP_2)] = 36.0 * VX_MORPH_PI * V * V / (A * A * A);
        /* Spherical disproportion (KRCK): F = A / (36 pi V^2)^(1/3) */
        f[MF(SPH_DISPR)] = A / cbrt(36.0 * VX_MORPH_PI * V * V);
        /* Sphericity (QCFX): F = (36 pi V^2)^(1/3) / A */
        f[MF(SPHERICITY)] = cbrt(36.0 * VX_MORPH_PI * V * V) / A;
        /* Asphericity (25C7): F = (A^3 / (36 pi V^2))^(1/3) - 1 */
        f[MF(ASPHERICITY)] = cbrt(A * A * A / (36.0 * VX_MORPH_PI * V * V)) - 1.0;
    }

}

/* Centre of mass shift of the intensity mask against the morphological mask. */
static void centre_of_mass_shift(const voxel_sums *vs, double *f)
{
    const size_t nm = vs->nm, ni = vs->ni;
    const double *sm = vs->sm, *si = vs->si, *swi = vs->swi, sw = vs->sw, vlo = vs->vlo, vhi = vs->vhi;
    /* Centre of mass shift (KLMA): F = || CoM_geom - CoM_gl ||_2 with CoM_geom the mean morphological voxel
     * centre and CoM_gl = sum_k X_gl,k X_c,gl,k / sum_k X_gl,k over the intensity mask. Equal non-zero
     * intensities weigh every voxel alike: CoM_gl is then the plain centre of the intensity mask, taken
     * as such (exactly 0 shift when the masks coincide). Zero intensity sum: 0/0 or x/0, NaN. */
    if (nm > 0 && ni > 0 && sw != 0.0) {
        const int constant = vlo == vhi;
        double d2 = 0.0;
        for (int a = 0; a < 3; a++) {
            double d = sm[a] / (double)nm - (constant ? si[a] / (double)ni : swi[a] / sw);
            d2 += d * d;
        }
        f[MF(COM)] = sqrt(d2);
    }
}

/* Principal component axes: lam = eigenvalues of the covariance of the morphological voxel centres (NaN for
 * fewer than 2 voxels), and the features built on them. */
static void pca_axes(const vx_roi *roi, const voxel_sums *vs, double lam[3], double *f)
{
    const double *sp = roi->spacing;
    const size_t nx = roi->dims[0], ny = roi->dims[1];
    const size_t *lo = roi->box_lo, *hi = roi->box_hi;
    const size_t nm = vs->nm;
    const double *sm = vs->sm;
    /* PCA of the morphological voxel centres X_c: eigenvalues lambda_major >= lambda_minor >= lambda_least
     * of their covariance matrix, with the unbiased 1 / (N - 1) normalisation (as the IBSI reference
     * values: with 1 / N the phantom's least axis length would be 8.48 instead of 8.54 +- 0.05). A single
     * voxel gives 0/0: the axis lengths and everything built on them are NaN. */
    lam[0] = lam[1] = lam[2] = NAN;
    if (nm > 1) {
        double c[3] = {sm[0] / (double)nm, sm[1] / (double)nm, sm[2] / (double)nm};
        double S[9] = {0};
        for (size_t z = lo[2]; z < hi[2]; z++)
            for (size_t y = lo[1]; y < hi[1]; y++) {
                size_t row = nx * (y + ny * z);
                double dy = (double)(y - lo[1]) * sp[1] - c[1], dz = (double)(z - lo[2]) * sp[2] - c[2];
                double sx = 0.0, sxx = 0.0, cnt = 0.0;
                for (size_t x = lo[0]; x < hi[0]; x++)
                    if (roi->mmask[row + x]) {
                        double dx = (double)(x - lo[0]) * sp[0] - c[0];
                        cnt += 1.0;
                        sx += dx;
                        sxx += dx * dx;
                    }
                if (cnt == 0.0)
                    continue;
                S[0] += sxx;
                S[1] += sx * dy;
                S[2] += sx * dz;
                S[4] += cnt * dy * dy;
                S[5] += cnt * dy * dz;
                S[8] += cnt * dz * dz;
            }
        S[3] = S[1];
        S[6] = S[2];
        S[7] = S[5];
        for (int k = 0; k < 9; k++)
            S[k] /= (double)(nm - 1);
        vx_sym3_eigen(S, lam, NULL);
        /* points on a line (plane) have exactly two (one) zero eigenvalues: the smallest ones */
        const int rank = affine_rank(roi);
        for (int k = 0; k < 3; k++)
            if (k >= rank || lam[k] < 0.0)
                lam[k] = 0.0;
        /* Major axis length (TDIC): F = 4 sqrt(lambda_major) */
        f[MF(PCA_MAJ_AXIS)] = 4.0 * sqrt(lam[0]);
        /* Minor axis length (P9VJ): F = 4 sqrt(lambda_minor) */
        f[MF(PCA_MIN_AXIS)] = 4.0 * sqrt(lam[1]);
        /* Least axis length (7J51): F = 4 sqrt(lambda_least) */
        f[MF(PCA_LEAST_AXIS)] = 4.0 * sqrt(lam[2]);
        if (lam[0] > 0.0) {
            /* Elongation (Q3CK): F = sqrt(lambda_minor / lambda_major) */
            f[MF(PCA_ELONGATION)] = sqrt(lam[1] / lam[0]);
            /* Flatness (N17B): F = sqrt(lambda_least / lambda_major) */
            f[MF(PCA_FLATNESS)] = sqrt(lam[2] / lam[0]);
        }
    }

}

/* Volume and area densities of the axis-aligned bounding box of the mesh vertices. */
static void aabb_densities(const vx_mesh *mesh, const double *sp, double V, double A, double *f)
{
    /* axis-aligned bounding box of the mesh vertices */
    int32_t mn[3] = {INT32_MAX, INT32_MAX, INT32_MAX}, mx[3] = {INT32_MIN, INT32_MIN, INT32_MIN};
    for (size_t v = 0; v < mesh->n_vert; v++)
        for (int a = 0; a < 3; a++) {
            int32_t c = mesh->vert[3 * v + a];
            mn[a] = c < mn[a] ? c : mn[a];
            mx[a] = c > mx[a] ? c : mx[a];
        }
    double e[3];
    for (int a = 0; a < 3; a++)
        e[a] = (double)(mx[a] - mn[a]) * 0.5 * sp[a];
    double va = e[0] * e[1] * e[2], aa = 2.0 * (e[0] * e[1] + e[0] * e[2] + e[1] * e[2]);
    /* Volume density - AABB (PBX1): F = V / V_aabb */
    f[MF(VOL_DENS_AABB)] = va > 0.0 ? V / va : NAN;
    /* Area density - AABB (R59B): F = A / A_aabb */
    f[MF(AREA_DENS_AABB)] = aa > 0.0 ? A / aa : NAN;
}

/* Volume and area densities of the approximate enclosing ellipsoid (semi-axes from the PCA eigenvalues lam). */
static void aee_densities(const double lam[3], double V, double A, double *f)
{
/* Volume density - AEE (6BDE): F = 3 V / (4 pi a b c), semi-axes a, b, c = 2 sqrt(lambda) */
    double a = 2.0 * sqrt(lam[0]), b = 2.0 * sqrt(lam[1]), c = 2.0 * sqrt(lam[2]);
    double vaee = 4.0 * VX_MORPH_PI * a * b * c / 3.0;
    f[MF(VOL_DENS_AEE)] = vaee > 0.0 ? V / vaee : NAN;
    /* Area density - AEE (RDD2): F = A / A_aee, A_aee by the IBSI Legendre series (nu <= 20) */
    double aaee = vx_ellipsoid_area(a, b, c);
    f[MF(AREA_DENS_AEE)] = aaee > 0.0 ? A / aaee : NAN;
}

/* Convex hull of the mesh: maximum diameter, and volume and area densities of the hull, its oriented minimum
 * bounding box and its minimum volume enclosing ellipsoid. */
static int hull_features(const vx_mesh *mesh, const double *sp, double V, double A, vx_hull *hull, double *f,
                         vx_error *err)
{
    int rc;
    rc = vx_hull_build(mesh, sp, hull, err);
    if (rc)
        return rc;
    /* Maximum 3D diameter (L0JK): F = max ||X_vx,k1 - X_vx,k2||_2, over the hull vertices */
    f[MF(DIAM)] = vx_hull_diameter(hull);
    /* Volume density - convex hull (R3ER): F = V / V_convex */
    f[MF(VOL_DENS_CONV_HULL)] = hull->volume > 0.0 ? V / hull->volume : NAN;
    /* Area density - convex hull (7T7F): F = A / A_convex */
    f[MF(AREA_DENS_CONV_HULL)] = hull->area > 0.0 ? A / hull->area : NAN;

    /* Volume density - OMBB (ZH1A): F = V / V_ombb; Area density - OMBB (IQYR): F = A / A_ombb.
     * Not standardised by IBSI; approximate OMBB, see morph_hull.c. */
    double vo, ao;
    rc = vx_hull_ombb(hull, &vo, &ao, err);
    if (rc)
        return rc;
    f[MF(VOL_DENS_OMBB)] = vo > 0.0 ? V / vo : NAN;
    f[MF(AREA_DENS_OMBB)] = ao > 0.0 ? A / ao : NAN;

    /* Volume density - MVEE (SWZ1): F = V / V_mvee, V_mvee = 4 pi a b c / 3; Area density - MVEE
     * (BRI8): F = A / A_mvee (Legendre series). MVEE of the hull vertices, Khachiyan, tau = 0.001.
     * Not standardised by IBSI. */
    double ax[3];
    rc = vx_mvee(hull->vert, hull->n_vert, MVEE_TOL, ax, err);
    if (rc)
        return rc;
    double vm = 4.0 * VX_MORPH_PI * ax[0] * ax[1] * ax[2] / 3.0, am = vx_ellipsoid_area(ax[0], ax[1], ax[2]);
    f[MF(VOL_DENS_MVEE)] = vm > 0.0 ? V / vm : NAN;
    f[MF(AREA_DENS_MVEE)] = am > 0.0 ? A / am : NAN;
    return VX_OK;
}

int vx_morph_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    return vx_morph_compute_ex(roi, fs, 1, res, err);
}

int vx_morph_compute_ex(const vx_roi *roi, const vx_feature_settings *fs, int with_moran, vx_results *res,
                        vx_error *err)
{
    double f[MORPH_NF];
    for (int i = 0; i < MORPH_NF; i++)
        f[i] = NAN;
    if (!roi || !roi->mmask || !roi->imask || !roi->img || !res)
        return vx_error_set(err, VX_EINVAL, "morphology: incomplete region of interest");
    const double *sp = roi->spacing;
    const size_t *lo = roi->box_lo, *hi = roi->box_hi;

    /* ---- mesh: volume and area ---- */
    vx_mesh mesh;
    int rc = vx_mesh_build(roi->mmask, roi->dims, lo, hi, &mesh, err);
    if (rc)
        return rc;
    vx_hull hull;
    memset(&hull, 0, sizeof hull);

    /* Volume (RNU0): V = |sum_k a_k . (b_k x c_k) / 6| over the mesh faces */
    const double V = vx_mesh_volume(&mesh, sp);
    /* Surface area (C0JK): A = sum_k |ab_k x ac_k| / 2 */
    const double A = vx_mesh_area(&mesh, sp);
    f[MF(VOLUME)] = V;
    f[MF(AREA_MESH)] = A;

    /* ---- voxel point sets: counts, centres, PCA, intensities ---- */
    voxel_sums vs;
    sum_voxel_centres(roi, &vs);
    const size_t nm = vs.nm, ni = vs.ni;

    /* Volume by voxel counting (YEKZ): F = sum_k V_k over the N_v voxels of the morphological mask */
    f[MF(VOL_APPROX)] = (double)nm * sp[0] * sp[1] * sp[2];

    if (V > 0.0 && A > 0.0)
        volume_area_ratios(V, A, f);

    centre_of_mass_shift(&vs, f);

    double lam[3];
    pca_axes(roi, &vs, lam, f);

    if (mesh.n_vert > 0)
        aabb_densities(&mesh, sp, V, A, f);

    if (nm > 0)
        aee_densities(lam, V, A, f);

    if (mesh.n_vert > 0 && (rc = hull_features(&mesh, sp, V, A, &hull, f, err)) != VX_OK)
        goto done;

    /* Integrated intensity (99N0): F = V * (1 / N_v,gl) sum_k X_gl,k */
    if (ni > 0)
        f[MF(INTEG_INT)] = V * vs.sw / (double)ni;

    /* Moran's I index (N365) and Geary's C measure (NPT7): morph_moran.c */
    if (with_moran)
        rc = vx_morph_moran_geary(roi, VX_MORAN_AUTO, fs ? fs->threads : 1, &f[MF(MORAN_I)], &f[MF(GEARY_C)], err);
    if (rc)
        goto done;

    /* PyRadiomics compatibility: its mesh, PCA and its own shape features (pyrad_shape.c) */
    if (fs && fs->compat == VX_COMPAT_PYRADIOMICS && (rc = vx_pyrad_shape(roi, fs, f, res, err)) != VX_OK)
        goto done;

    rc = vx_results_add_block(res, VX_F_MORPH_VOLUME, MORPH_NF, VX_AGG_NONE, f);
    if (rc)
        rc = vx_error_set(err, rc, "morphology: cannot store the results");
done:
    vx_hull_free(&hull);
    vx_mesh_free(&mesh);
    return rc;
}
