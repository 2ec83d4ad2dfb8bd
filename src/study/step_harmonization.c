/* voxomics study step (stub until implemented).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "study/study_impl.h"

static const vxs_key harmonization_keys[] = {{NULL, VXS_STR, NULL, NULL}};
static int harmonization_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    (void)ctx; (void)cfg; (void)result;
    return vx_error_set(err, VX_EUNSUPPORTED, "study step 'harmonization' is not implemented yet");
}
const vxs_step vxs_step_harmonization = {"harmonization", "harmonization", harmonization_keys, harmonization_run, NULL};
