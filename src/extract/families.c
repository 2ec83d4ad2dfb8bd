/* voxomics: the family dispatch table (kept apart from the dictionary so that a program using one family
 * links only that family).  SPDX-License-Identifier: GPL-3.0-or-later */
#include "voxomics/feature.h"

vx_family_fn vx_family_compute_fn(vx_family f)
{
    static const vx_family_fn fns[VX_FAM_COUNT] = {
        vx_morph_compute, vx_local_compute, vx_stat_compute,  vx_ih_compute,
        vx_ivh_compute,   vx_glcm_compute,  vx_glrlm_compute, vx_glszm_compute,
        vx_gldzm_compute, vx_ngtdm_compute, vx_ngldm_compute,
    };
    return (f >= 0 && f < VX_FAM_COUNT) ? fns[f] : NULL;
}
