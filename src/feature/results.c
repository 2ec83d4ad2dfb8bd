/* voxomics: result sets.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/feature.h"

void vx_results_init(vx_results *r)
{
    memset(r, 0, sizeof *r);
}

void vx_results_free(vx_results *r)
{
    for (size_t i = 0; i < r->n_text; i++) {
        free(r->text[i].key);
        free(r->text[i].value);
    }
    free(r->text);
    free(r->rows);
    free(r->diag);
    free(r->types);
    memset(r, 0, sizeof *r);
}

int vx_results_set_image_type(vx_results *r, const char *name)
{
    if (!name || !*name || strlen(name) >= VX_IMAGE_TYPE_NAME_LEN || strpbrk(name, ",\"+ \t\r\n"))
        return VX_EINVAL;
    if (!strcmp(name, "original")) {
        r->image_type = VX_IMAGE_ORIGINAL;
        return VX_OK;
    }
    for (size_t i = 0; i < r->n_types; i++)
        if (!strcmp(r->types[i], name)) {
            r->image_type = (vx_image_type)(i + 1);
            return VX_OK;
        }
    if (r->n_types == r->cap_types) {
        size_t cap = r->cap_types ? 2 * r->cap_types : 8;
        char(*t)[VX_IMAGE_TYPE_NAME_LEN] = realloc(r->types, cap * sizeof *t);
        if (!t)
            return VX_ENOMEM;
        r->types = t;
        r->cap_types = cap;
    }
    memcpy(r->types[r->n_types], name, strlen(name) + 1);
    r->image_type = (vx_image_type)++r->n_types;
    return VX_OK;
}

const char *vx_results_image_type_name(const vx_results *r, vx_image_type t)
{
    if (t == VX_IMAGE_ORIGINAL)
        return "original";
    return r && t <= r->n_types ? r->types[t - 1] : "?";
}

size_t vx_results_image_type_count(const vx_results *r)
{
    return 1 + (r ? r->n_types : 0);
}

int vx_results_add(vx_results *r, vx_feature_id f, vx_agg agg, double value)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        vx_result_row *rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows)
            return VX_ENOMEM;
        r->rows = rows;
        r->cap = cap;
    }
    r->rows[r->n++] = (vx_result_row){f, agg, value, r->image_type};
    return VX_OK;
}

int vx_results_add_block(vx_results *r, vx_feature_id first, size_t n, vx_agg agg, const double *vals)
{
    for (size_t i = 0; i < n; i++)
        if (vx_results_add(r, (vx_feature_id)(first + (int)i), agg, vals[i]) != VX_OK)
            return VX_ENOMEM;
    return VX_OK;
}

int vx_results_add_diag(vx_results *r, const char *tag, double value)
{
    if (r->n_diag == r->cap_diag) {
        size_t cap = r->cap_diag ? 2 * r->cap_diag : 64;
        vx_diag_row *d = realloc(r->diag, cap * sizeof *d);
        if (!d)
            return VX_ENOMEM;
        r->diag = d;
        r->cap_diag = cap;
    }
    vx_diag_row *row = &r->diag[r->n_diag++];
    memset(row->tag, 0, sizeof row->tag);
    strncpy(row->tag, tag, sizeof row->tag - 1);
    row->value = value;
    row->image_type = r->image_type;
    return VX_OK;
}

int vx_results_add_text(vx_results *r, const char *key, const char *value)
{
    if (!key || !*key || !value)
        return VX_EINVAL;
    char *v = strdup(value);
    if (!v)
        return VX_ENOMEM;
    for (size_t i = 0; i < r->n_text; i++)
        if (!strcmp(r->text[i].key, key)) {
            free(r->text[i].value);
            r->text[i].value = v;
            return VX_OK;
        }
    char *k = strdup(key);
    if (!k) {
        free(v);
        return VX_ENOMEM;
    }
    if (r->n_text == r->cap_text) {
        size_t cap = r->cap_text ? 2 * r->cap_text : 32;
        vx_text_row *t = realloc(r->text, cap * sizeof *t);
        if (!t) {
            free(k);
            free(v);
            return VX_ENOMEM;
        }
        r->text = t;
        r->cap_text = cap;
    }
    r->text[r->n_text++] = (vx_text_row){k, v};
    return VX_OK;
}

const char *vx_results_get_text(const vx_results *r, const char *key)
{
    for (size_t i = 0; r && key && i < r->n_text; i++)
        if (!strcmp(r->text[i].key, key))
            return r->text[i].value;
    return NULL;
}

static int row_cmp(const void *a, const void *b)
{
    const vx_result_row *x = a, *y = b;
    if (x->image_type != y->image_type)
        return x->image_type < y->image_type ? -1 : 1;
    if (x->feature != y->feature)
        return x->feature < y->feature ? -1 : 1;
    if (x->agg != y->agg)
        return x->agg < y->agg ? -1 : 1;
    return 0;
}

void vx_results_sort(vx_results *r)
{
    if (r->n > 1)
        qsort(r->rows, r->n, sizeof *r->rows, row_cmp);
}

double vx_results_get(const vx_results *r, vx_feature_id f, vx_agg agg)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->rows[i].feature == f && r->rows[i].agg == agg)
            return r->rows[i].value;
    return NAN;
}

void vx_feature_settings_default(vx_feature_settings *fs)
{
    memset(fs, 0, sizeof *fs);
    fs->families = (1u << VX_FAM_COUNT) - 1u;
    fs->aggregations = VX_AGGS_ALL;
    fs->glcm_distance = 1;
    fs->glcm_symmetric = 1;
    fs->ngtdm_distance = 1;
    fs->ngldm_distance = 1;
    fs->ngldm_coarseness = 0;
    fs->zone_linkage = 1;
    fs->peak_volume_cc = 1.0;
    fs->threads = 0;
}
