/* voxomics: PyRadiomics' voxelSetting (kernelRadius, maskedKernel, initValue, voxelBatch) read into
 * vx_pyrad_voxel (src/extract/maps.c: vx_maps_settings), for `voxomics maps` on a PyRadiomics parameter file (docs/maps.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "io/pyrad_voxel.h"
#include "io/yaml_input.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *node_text(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int bad(vx_error *err, const char *path, const yaml_node_t *n, const char *key, const char *why)
{
    return vx_error_set(err, VX_EINVAL, "%s:%lu: voxelSetting.%s: %s", path,
                        n ? (unsigned long)n->start_mark.line + 1 : 0UL, key, why);
}

/* One key: its value checked and stored in m. */
static int voxel_key(const char *key, const yaml_node_t *v, const char *path, vx_pyrad_voxel *m, vx_error *err)
{
    const char *t = node_text(v);
    char *end = NULL;
    errno = 0;
    if (!strcmp(key, "kernelRadius") || !strcmp(key, "voxelBatch")) {
        long x = t ? strtol(t, &end, 10) : 0;
        if (!t || end == t || *end || errno)
            return bad(err, path, v, key, "not an integer");
        if (key[0] == 'k' && (x < 1 || x > 15))
            return bad(err, path, v, key, "out of range; give 1 to 15 voxels");
        if (key[0] == 'v' && x != -1 && x < 1)
            return bad(err, path, v, key, "give -1 (all voxels at once) or a positive batch size");
        if (key[0] == 'k')
            m->radius = (int)x;
        else
            m->batch = (int)x;
        return VX_OK;
    }
    if (!strcmp(key, "maskedKernel")) {
        if (t && (!strcasecmp(t, "true") || !strcasecmp(t, "yes")))
            m->masked = 1;
        else if (t && (!strcasecmp(t, "false") || !strcasecmp(t, "no")))
            m->masked = 0;
        else
            return bad(err, path, v, key, "not a boolean; give true or false");
        return VX_OK;
    }
    if (!strcmp(key, "initValue")) {
        double x = t ? strtod(t, &end) : 0.0;
        if (t && (!strcasecmp(t, "nan") || !strcasecmp(t, ".nan")))
            x = NAN, end = (char *)t + strlen(t);
        if (!t || end == t || *end)
            return bad(err, path, v, key, "not a number");
        m->init_value = x;
        return VX_OK;
    }
    return bad(err, path, v, key, "unknown key; accepted: kernelRadius, maskedKernel, initValue, voxelBatch");
}

int vx_pyrad_voxel_setting(yaml_document_t *doc, const yaml_node_t *n, const char *path, vx_pyrad_voxel *ms,
                           vx_error *err)
{
    vx_pyrad_voxel scratch = {1, 1, 0, 0.0};
    vx_pyrad_voxel *m = ms ? ms : &scratch;
    const char *t = node_text(n);
    if (!n || (t && (!*t || !strcmp(t, "~") || !strcmp(t, "null"))))
        return VX_OK;
    if (n->type != YAML_MAPPING_NODE)
        return bad(err, path, n, "", "not a mapping; give kernelRadius, maskedKernel, initValue, voxelBatch");
    for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < n->data.mapping.pairs.top; q++) {
        const yaml_node_t *k = yaml_document_get_node(doc, q->key);
        const char *ks = node_text(k);
        int rc = voxel_key(ks ? ks : "?", yaml_document_get_node(doc, q->value), path, m, err);
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}

/* The voxelSetting section of the document (vxio_yaml_fn; ctx: the vx_pyrad_voxel). */
static int voxel_doc(yaml_document_t *doc, const char *name, void *ctx, vx_error *err)
{
    int rc = VX_OK;
    yaml_node_t *root = yaml_document_get_root_node(doc);
    for (yaml_node_pair_t *q = root && root->type == YAML_MAPPING_NODE ? root->data.mapping.pairs.start : NULL;
         q && q < root->data.mapping.pairs.top && rc == VX_OK; q++) {
        const char *ks = node_text(yaml_document_get_node(doc, q->key));
        if (ks && !strcmp(ks, "voxelSetting"))
            rc = vx_pyrad_voxel_setting(doc, yaml_document_get_node(doc, q->value), name, ctx, err);
    }
    return rc;
}

int vx_pyrad_voxel_load(const char *path, vx_pyrad_voxel *ms, vx_error *err)
{
    return vxio_yaml_file(path, voxel_doc, ms, err);
}

int vx_pyrad_voxel_load_text(const char *text, size_t len, const char *name, vx_pyrad_voxel *ms, vx_error *err)
{
    return vxio_yaml_text(text, len, name, voxel_doc, ms, err);
}
