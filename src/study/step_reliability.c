/* voxomics study step (stub until implemented).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "study/study_impl.h"

static const vxs_key reliability_keys[] = {{NULL, VXS_STR, NULL, NULL}};
static int reliability_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    (void)ctx; (void)cfg; (void)result;
    return vx_error_set(err, VX_EUNSUPPORTED, "study step 'reliability' is not implemented yet");
}
const vxs_step vxs_step_reliability = {"reliability", "reliability", reliability_keys, reliability_run, NULL};
