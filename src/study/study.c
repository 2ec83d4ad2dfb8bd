/* voxomics: the study runner (stub until implemented): file parsing, key checks, the step loop.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "study/study_impl.h"

const vxs_step *const *vxs_steps(size_t *n)
{
    static const vxs_step *const steps[] = {&vxs_step_extraction,     &vxs_step_reliability,
                                            &vxs_step_harmonization,  &vxs_step_selection,
                                            &vxs_step_classification, &vxs_step_survival,
                                            &vxs_step_association,    &vxs_step_gsea,
                                            &vxs_step_imaging_to_omics};
    *n = sizeof steps / sizeof steps[0];
    return steps;
}

const vxs_node *vxs_get(const vxs_node *map, const char *key) { (void)map; (void)key; return NULL; }
int vxs_check_keys(const char *file, const vxs_node *map, const vxs_key *keys, const char *where, vx_error *err)
{ (void)file; (void)map; (void)keys; (void)where; (void)err; return VX_OK; }
const char *vxs_str(const vxs_node *map, const char *key, const char *def) { (void)map; (void)key; return def; }
long vxs_int(const vxs_node *map, const char *key, long def) { (void)map; (void)key; return def; }
double vxs_num(const vxs_node *map, const char *key, double def) { (void)map; (void)key; return def; }
int vxs_bool(const vxs_node *map, const char *key, int def) { (void)map; (void)key; return def; }
size_t vxs_list(const vxs_node *map, const char *key, const char ***out) { (void)map; (void)key; *out = NULL; return 0; }

int vx_study_check(const char *study_path, vx_error *err)
{ (void)study_path; return vx_error_set(err, VX_EUNSUPPORTED, "studies are not implemented yet"); }
int vx_study_run(const char *study_path, const char *outdir, const vx_study_options *opt, int *ran, int *skipped,
                 vx_error *err)
{ (void)study_path; (void)outdir; (void)opt; (void)ran; (void)skipped;
  return vx_error_set(err, VX_EUNSUPPORTED, "studies are not implemented yet"); }
