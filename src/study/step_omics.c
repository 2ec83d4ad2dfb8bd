/* voxomics study step (stub until implemented).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "study/study_impl.h"

static const vxs_key association_keys[] = {{NULL, VXS_STR, NULL, NULL}};
static int association_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    (void)ctx; (void)cfg; (void)result;
    return vx_error_set(err, VX_EUNSUPPORTED, "study step 'association' is not implemented yet");
}
const vxs_step vxs_step_association = {"association", "association", association_keys, association_run, NULL};

static const vxs_key gsea_keys[] = {{NULL, VXS_STR, NULL, NULL}};
static int gsea_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    (void)ctx; (void)cfg; (void)result;
    return vx_error_set(err, VX_EUNSUPPORTED, "study step 'gsea' is not implemented yet");
}
const vxs_step vxs_step_gsea = {"gsea", "gsea", gsea_keys, gsea_run, NULL};

static const vxs_key imaging_to_omics_keys[] = {{NULL, VXS_STR, NULL, NULL}};
static int imaging_to_omics_run(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err)
{
    (void)ctx; (void)cfg; (void)result;
    return vx_error_set(err, VX_EUNSUPPORTED, "study step 'imaging_to_omics' is not implemented yet");
}
const vxs_step vxs_step_imaging_to_omics = {"imaging_to_omics", "imaging_to_omics", imaging_to_omics_keys, imaging_to_omics_run, NULL};
