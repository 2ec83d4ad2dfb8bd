/* voxomics: the study's data (stub until implemented): paths, loading and joining, outputs, JSON helpers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>

#include "study/study_impl.h"

char *vxs_resolve(const vxs_ctx *ctx, const char *value) { (void)ctx; (void)value; return NULL; }
char *vxs_outpath(const vxs_ctx *ctx, const char *rel) { (void)ctx; (void)rel; return NULL; }
int vxs_load(vxs_ctx *ctx, unsigned what, vxs_data *d, vx_error *err)
{ (void)ctx; (void)what; (void)d; return vx_error_set(err, VX_EUNSUPPORTED, "vxs_load: not implemented yet"); }
void vxs_data_free(vxs_data *d) { (void)d; }
int vxs_col(const vxs_data *d, const char *name, const char *what, size_t *col, vx_error *err)
{ (void)d; (void)name; (void)what; (void)col; return vx_error_set(err, VX_EUNSUPPORTED, "not implemented yet"); }
int vxs_input(vxs_ctx *ctx, const char *path, vx_error *err) { (void)ctx; (void)path; (void)err; return VX_OK; }
int vxs_write_table(const vxs_ctx *ctx, const char *rel, const vx_table *t, vx_error *err)
{ (void)ctx; (void)rel; (void)t; return vx_error_set(err, VX_EUNSUPPORTED, "not implemented yet"); }
int vxs_write_text(const vxs_ctx *ctx, const char *rel, const char *text, vx_error *err)
{ (void)ctx; (void)rel; (void)text; return vx_error_set(err, VX_EUNSUPPORTED, "not implemented yet"); }
cJSON *vxs_json_array(const double *v, size_t n) { (void)v; (void)n; return cJSON_CreateArray(); }
cJSON *vxs_json_strings(const char *const *v, size_t n) { (void)v; (void)n; return cJSON_CreateArray(); }
double vxs_json_num(const cJSON *obj, const char *key) { (void)obj; (void)key; return NAN; }
double *vxs_json_doubles(const cJSON *obj, const char *key, size_t *n) { (void)obj; (void)key; *n = 0; return NULL; }
