/* voxomics: grey level size zone matrix features (IBSI 1 family 9SAK, "Grey level size zone based features").
 *
 * The GLSZM M (N_g x N_z) counts zones: s_ij is the number of zones of linked voxels (Chebyshev linkage
 * distance fs->zone_linkage, default 1: 26-connected in 3D, 8-connected within a slice in 2D) with
 * discretised grey level i and size j voxels. N_s = sum_ij s_ij is the number of zones, N_v the number of
 * intensity-mask voxels, s_i. and s_.j the marginal sums, p_ij = s_ij / N_s. Aggregation (8QNN 2D, 62GR 2.5D
 * with s_ij and N_v summed over slices, KOBO 3D) is done by the texture framework (aggregate.c); the zones and
 * the sparse matrix are in zones.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "texture.h"
#include "zones.h"

#define SZM_N 16

static void *szm_build(const vx_roi *roi, const vx_feature_settings *fs, long slice, int dir)
{
    (void)dir;
    return vx_zones_build(roi, fs ? fs->zone_linkage : 1, slice, 0);
}

int vx_glszm_features(const void *mv, const vx_feature_settings *fs, double *out)
{
    (void)fs;
    vx_zone_sums s;
    if (vx_zone_sums_compute(mv, &s)) {
        for (int k = 0; k < SZM_N; k++)
            out[k] = NAN;
        return 1;
    }
    const double ns = s.ns;
    /* Small zone emphasis, 5QRC: F = 1/N_s sum_j s_.j / j^2 */
    out[0] = s.inv_j2;
    /* Large zone emphasis, 48P8: F = 1/N_s sum_j j^2 s_.j */
    out[1] = s.j2;
    /* Low grey level zone emphasis, XMSY: F = 1/N_s sum_i s_i. / i^2 */
    out[2] = s.inv_i2;
    /* High grey level zone emphasis, 5GN9: F = 1/N_s sum_i i^2 s_i. */
    out[3] = s.i2;
    /* Small zone low grey level emphasis, 5RAI: F = 1/N_s sum_ij s_ij / (i^2 j^2) */
    out[4] = s.inv_i2j2;
    /* Small zone high grey level emphasis, HW1V: F = 1/N_s sum_ij i^2 s_ij / j^2 */
    out[5] = s.i2_inv_j2;
    /* Large zone low grey level emphasis, YH51: F = 1/N_s sum_ij j^2 s_ij / i^2 */
    out[6] = s.j2_inv_i2;
    /* Large zone high grey level emphasis, J17V: F = 1/N_s sum_ij i^2 j^2 s_ij */
    out[7] = s.i2j2;
    /* Grey level non-uniformity, JNSA: F = 1/N_s sum_i s_i.^2 */
    out[8] = s.sum_pi2 * ns;
    /* Normalised grey level non-uniformity, Y1RO: F = 1/N_s^2 sum_i s_i.^2 */
    out[9] = s.sum_pi2;
    /* Zone size non-uniformity, 4JP3: F = 1/N_s sum_j s_.j^2 */
    out[10] = s.sum_pj2 * ns;
    /* Normalised zone size non-uniformity, VB3A: F = 1/N_s^2 sum_j s_.j^2 */
    out[11] = s.sum_pj2;
    /* Zone percentage, P30P: F = N_s / N_v */
    out[12] = s.nv > 0 ? ns / s.nv : NAN;
    /* Grey level variance, BYLV: F = sum_ij (i - mu)^2 p_ij, mu = sum_ij i p_ij */
    out[13] = s.var_i;
    /* Zone size variance, 3NSA: F = sum_ij (j - mu)^2 p_ij, mu = sum_ij j p_ij */
    out[14] = s.var_j;
    /* Zone size entropy, GU8N: F = -sum_ij p_ij log2 p_ij */
    out[15] = s.entropy;
    return 0;
}

static const vx_texture_ops szm_ops = {
    .family = VX_FAM_GLSZM,
    .directional = 0,
    .build = szm_build,
    .clone = vx_zone_matrix_clone,
    .merge = vx_zone_matrix_merge,
    .features = vx_glszm_features,
    .free = vx_zone_matrix_free,
};

int vx_glszm_compute(const vx_roi *roi, const vx_feature_settings *fs, vx_results *res, vx_error *err)
{
    return vx_texture_compute(&szm_ops, roi, fs, res, err);
}
