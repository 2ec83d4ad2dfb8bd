/* voxomics study step (stub until implemented).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "study/study_impl.h"

static const vxs_key selection_keys[] = {{NULL, VXS_STR, NULL, NULL}};
static int selection_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    (void)ctx; (void)cfg; (void)result;
    return vx_error_set(err, VX_EUNSUPPORTED, "study step 'selection' is not implemented yet");
}
const vxs_step vxs_step_selection = {"selection", "selection", selection_keys, selection_run, NULL};
