/* voxomics: grey level distance zone matrix features (IBSI 1 family VMDZ, "Grey level distance zone based
 * features").
 *
 * The GLDZM M (N_g x N_d) counts zones (the same zones as the GLSZM: linked voxels of the intensity mask
 * with equal discretised grey level, Chebyshev linkage distance fs->zone_linkage) by grey level i and zone
 * distance j: d_ij is the number of zones with grey level i whose distance to the ROI edge is j. The
 * distance map is computed on the morphological mask: the number of 6-connected (3D) or 4-connected (2D,
 * in-plane) steps needed to leave the mask, 1 on the edge; the distance of a zone is the minimum over its
 * voxels. N_s = sum_ij d_ij, N_v the number of intensity-mask voxels, d_i. and d_.j the marginal sums,
 * p_ij = d_ij / N_s. Aggregation (8QNN 2D, 62GR 2.5D with d_ij and N_v summed, KOBO 3D) is done by the
 * texture framework (aggregate.c); zones, distance map and the sparse matrix are in zones.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "texture.h"
#include "zones.h"

#define DZM_N 16

static void *dzm_build(const vx_roi *roi, const vx_feature_settings *fs, long slice, int dir)
{
    (void)dir;
    return vx_zones_build(roi, fs ? fs->zone_linkage : 1, slice, 1);
}

int vx_gldzm_features(const void *mv, const vx_feature_settings *fs, double *out)
{
    (void)fs;
    vx_zone_sums s;
    if (vx_zone_sums_compute(mv, &s)) {
        for (int k = 0; k < DZM_N; k++)
            out[k] = NAN;
        return 1;
    }
    const double ns = s.ns;
    /* Small distance emphasis, 0GBI: F = 1/N_s sum_j d_.j / j^2 */
    out[0] = s.inv_j2;
    /* Large distance emphasis, MB4I: F = 1/N_s sum_j j^2 d_.j */
    out[1] = s.j2;
    /* Low grey level zone emphasis, S1RA: F = 1/N_s sum_i d_i. / i^2 */
    out[2] = s.inv_i2;
    /* High grey level zone emphasis, K26C: F = 1/N_s sum_i i^2 d_i. */
    out[3] = s.i2;
    /* Small distance low grey level emphasis, RUVG: F = 1/N_s sum_ij d_ij / (i^2 j^2) */
    out[4] = s.inv_i2j2;
    /* Small distance high grey level emphasis, DKNJ: F = 1/N_s sum_ij i^2 d_ij / j^2 */
    out[5] = s.i2_inv_j2;
    /* Large distance low grey level emphasis, A7WM: F = 1/N_s sum_ij j^2 d_ij / i^2 */
    out[6] = s.j2_inv_i2;
    /* Large distance high grey level emphasis, KLTH: F = 1/N_s sum_ij i^2 j^2 d_ij */
    out[7] = s.i2j2;
    /* Grey level non-uniformity, VFT7: F = 1/N_s sum_i d_i.^2 */
    out[8] = s.sum_pi2 * ns;
    /* Normalised grey level non-uniformity, 7HP3: F = 1/N_s^2 sum_i d_i.^2 */
    out[9] = s.sum_pi2;
    /* Zone distance non-uniformity, V294: F = 1/N_s sum_j d_.j^2 */
    out[10] = s.sum_pj2 * ns;
    /* Normalised zone distance non-uniformity, IATH: F = 1/N_s^2 sum_j d_.j^2 */
    out[11] = s.sum_pj2;
    /* Zone percentage, VIWW: F = N_s / N_v */
    out[12] = s.nv > 0 ? ns / s.nv : NAN;
    /* Grey level variance, QK93: F = sum_ij (i - mu)^2 p_ij, mu = sum_ij i p_ij */
    out[13] = s.var_i;
    /* Zone distance variance, 7WT1: F = sum_ij (j - mu)^2 p_ij, mu = sum_ij j p_ij */
    out[14] = s.var_j;
    /* Zone distance entropy, GBDU: F = -sum_ij p_ij log2 p_ij */
    out[15] = s.entropy;
    return 0;
}

static const vx_texture_ops dzm_ops = {
    .family = VX_FAM_GLDZM,
    .directional = 0,
    .build = dzm_build,
    .clone = vx_zone_matrix_clone,
    .merge = vx_zone_matrix_merge,
    .features = vx_gldzm_features,
    .free = vx_zone_matrix_free,
};

int vx_gldzm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    return vx_texture_compute(&dzm_ops, roi, fs, res, err);
}
