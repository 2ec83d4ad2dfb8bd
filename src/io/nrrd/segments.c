/* voxomics: 3D Slicer segmentations (.seg.nrrd): the Segment<N>_* key/value pairs, layers and labels; vx_nrrd_segments
 * and vx_nrrd_read_segment. See nrrd_impl.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrrd_impl.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct seg_full {
    long long index, label, layer;
    const char *id, *name;
    int has_layer;
} seg_full;

/* One Segment<k>_<field> key: k, which field (0 ID, 1 Name, 2 LabelValue, 3 Layer) and its place in the header. */
typedef struct seg_key {
    long long k;
    int fld;
    size_t kv;
} seg_key;

static int seg_key_cmp(const void *a, const void *b)
{
    const seg_key *x = a, *y = b;
    if (x->k != y->k)
        return (x->k > y->k) - (x->k < y->k);
    return (x->kv > y->kv) - (x->kv < y->kv);
}

/* Number of layers: the size of a non-spatial axis 0 (1 without one). */
static uint64_t layer_count(const nrrd_hdr *h)
{
    return h->dim >= 2 && nrrd_axis_nonspatial(h, 0) ? h->sizes[0] : 1;
}

/* The segments of the header's Segment<k>_* keys, sorted by k (a later key wins over an earlier one); defaults
 * applied. Sorting keeps this O(n log n) in the number of keys. */
static int collect_segments(const nrrd_hdr *h, seg_full **out, size_t *nout, vx_error *err)
{
    *out = NULL;
    *nout = 0;
    seg_key *keys = malloc((h->nkv ? h->nkv : 1) * sizeof *keys);
    if (!keys)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    size_t nk = 0;
    for (size_t i = 0; i < h->nkv; i++) {
        const char *key = h->kv[i].key;
        if (strncmp(key, "Segment", 7) != 0 || !isdigit((unsigned char)key[7]))
            continue;
        long long k = 0;
        const char *p = key + 7;
        for (; isdigit((unsigned char)*p); p++)
            if ((k = k * 10 + (*p - '0')) > INT_MAX)
                break;
        if (*p != '_')
            continue; /* not a segment key, or k beyond the int range */
        p++;
        int fld = strcmp(p, "ID") == 0 ? 0 : strcmp(p, "Name") == 0 ? 1 : strcmp(p, "LabelValue") == 0 ? 2
                  : strcmp(p, "Layer") == 0 ? 3 : -1;
        if (fld >= 0)
            keys[nk++] = (seg_key){k, fld, i};
    }
    if (nk == 0) {
        free(keys);
        return VX_OK;
    }
    qsort(keys, nk, sizeof *keys, seg_key_cmp);
    seg_full *s = malloc(nk * sizeof *s);
    if (!s) {
        free(keys);
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", h->path);
    }
    size_t n = 0;
    for (size_t i = 0; i < nk; i++) {
        if (n == 0 || s[n - 1].index != keys[i].k) {
            memset(&s[n], 0, sizeof s[n]);
            s[n].index = keys[i].k;
            s[n].label = 1;
            s[n].id = "";
            n++;
        }
        seg_full *sg = &s[n - 1];
        const char *key = h->kv[keys[i].kv].key, *v = h->kv[keys[i].kv].value;
        long long x;
        switch (keys[i].fld) {
        case 0: sg->id = v; break;
        case 1: sg->name = v; break;
        default:
            if (nrrd_parse_ll_field(v, keys[i].fld == 2 ? INT_MIN : 0, INT_MAX, &x) != 0) {
                int rc = vx_error_set(err, VX_EFORMAT, "%s: key %.100s: not %s: '%.40s'", h->path, key,
                                      keys[i].fld == 2 ? "an integer" : "a non-negative integer", v);
                free(keys);
                free(s);
                return rc;
            }
            if (keys[i].fld == 2) {
                sg->label = x;
            } else {
                sg->layer = x;
                sg->has_layer = 1;
            }
            break;
        }
    }
    free(keys);
    int multi = layer_count(h) > 1;
    for (size_t j = 0; j < n; j++) {
        if (!s[j].name)
            s[j].name = s[j].id;
        if (!s[j].has_layer)
            s[j].layer = multi ? (long long)j : 0;
    }
    *out = s;
    *nout = n;
    return VX_OK;
}

static void copy_trunc(char *dst, size_t n, const char *src)
{
    size_t l = strlen(src);
    if (l >= n)
        l = n - 1;
    memcpy(dst, src, l);
    dst[l] = '\0';
}

int vx_nrrd_segments(const char *path, vx_nrrd_segment **segs, size_t *n, vx_error *err)
{
    if (segs)
        *segs = NULL;
    if (n)
        *n = 0;
    if (!path || !segs || !n)
        return vx_error_set(err, VX_EINVAL, "nrrd segments: NULL argument");
    nrrd_hdr h;
    int rc = nrrd_load_header(path, &h, err);
    if (rc)
        return rc;
    seg_full *s;
    size_t ns;
    rc = collect_segments(&h, &s, &ns, err);
    if (rc == VX_OK && ns > 0) {
        vx_nrrd_segment *o = calloc(ns, sizeof *o);
        if (!o) {
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
        } else {
            for (size_t i = 0; i < ns; i++) {
                o[i].index = (int)s[i].index;
                copy_trunc(o[i].id, sizeof o[i].id, s[i].id);
                copy_trunc(o[i].name, sizeof o[i].name, s[i].name);
                o[i].label_value = (int)s[i].label;
                o[i].layer = (int)s[i].layer;
            }
            *segs = o;
            *n = ns;
        }
    }
    free(s);
    nrrd_free_header(&h);
    return rc;
}

/* The selected segment, or -1. */
static long select_segment(const seg_full *s, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].name, want) == 0)
            return (long)i;
    for (size_t i = 0; i < n; i++)
        if (s[i].id[0] && strcmp(s[i].id, want) == 0)
            return (long)i;
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(s[i].name, want) == 0)
            return (long)i;
    long long k;
    if (nrrd_parse_ll(want, strlen(want), 1, (long long)n, &k) == 0)
        return (long)(k - 1);
    return -1;
}

int vx_nrrd_read_segment(const char *path, const char *segment, vx_image **mask, vx_error *err)
{
    if (mask)
        *mask = NULL;
    if (!path || !segment || !mask)
        return vx_error_set(err, VX_EINVAL, "nrrd segment: NULL argument");
    nrrd_hdr h;
    int rc = nrrd_load_header(path, &h, err);
    if (rc)
        return rc;
    seg_full *s = NULL;
    size_t ns = 0;
    vx_image *m = NULL;
    float *tmp = NULL;
    if ((rc = collect_segments(&h, &s, &ns, err)) != VX_OK)
        goto done;
    if (ns == 0) {
        rc = vx_error_set(err, VX_EINVAL, "%s: no segments (no Segment<k>_ keys in the header: not a .seg.nrrd)",
                          path);
        goto done;
    }
    long sel = select_segment(s, ns, segment);
    if (sel < 0) {
        char list[640];
        size_t w = 0;
        list[0] = '\0';
        for (size_t i = 0; i < ns && w + 1 < sizeof list; i++) {
            int k = snprintf(list + w, sizeof list - w, "%s%zu '%.80s'", i ? ", " : "", i + 1, s[i].name);
            if (k < 0 || (size_t)k >= sizeof list - w) {
                w = sizeof list;
                break;
            }
            w += (size_t)k;
        }
        rc = vx_error_set(err, VX_EINVAL, "%s: no segment '%.100s'; segments: %s%s", path, segment, list,
                          w >= sizeof list ? "..." : "");
        goto done;
    }
    vx_geometry g;
    int layer_axis;
    if ((rc = nrrd_build_geometry(&h, 1, &g, &layer_axis, err)) != VX_OK)
        goto done;
    uint64_t nl = layer_axis == 0 ? h.sizes[0] : 1;
    const seg_full *sg = &s[sel];
    if ((uint64_t)sg->layer >= nl) {
        rc = vx_error_set(err, VX_EFORMAT, "%s: segment '%.100s' is on layer %lld, but the file has %llu layer%s", path,
                          sg->name, sg->layer, (unsigned long long)nl, nl == 1 ? "" : "s");
        goto done;
    }
    if ((rc = nrrd_check_files(&h, err)) != VX_OK)
        goto done;
    m = vx_image_new(&g);
    if (!m) {
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %zu x %zu x %zu voxels", path, g.dims[0], g.dims[1],
                          g.dims[2]);
        goto done;
    }
    size_t nvox = vx_geometry_count(&g);
    float label = (float)sg->label;
    if (nl == 1) {
        if ((rc = nrrd_read_data(&h, m->v, err)) != VX_OK)
            goto done;
        for (size_t i = 0; i < nvox; i++)
            m->v[i] = m->v[i] == label ? 1.0f : 0.0f;
    } else {
        tmp = malloc((size_t)h.nelem * sizeof *tmp);
        if (!tmp) {
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory for %llu samples", path,
                              (unsigned long long)h.nelem);
            goto done;
        }
        if ((rc = nrrd_read_data(&h, tmp, err)) != VX_OK)
            goto done;
        size_t layer = (size_t)sg->layer;
        for (size_t i = 0; i < nvox; i++)
            m->v[i] = tmp[layer + (size_t)nl * i] == label ? 1.0f : 0.0f;
    }
done:
    free(tmp);
    free(s);
    nrrd_free_header(&h);
    if (rc) {
        vx_image_free(m);
        return rc;
    }
    *mask = m;
    return VX_OK;
}
