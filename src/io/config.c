/* voxomics: YAML settings files (schema in docs/config.md), on libyaml's document API.
 *
 * The file is read over the settings already in the struct (usually the defaults). The keys, their types
 * and valid values come from the settings descriptor (include/voxomics/settings.def): a key path is a row
 * (read by its type), a section (a prefix of some rows' keys) or an unknown key. Every key is checked: an
 * unknown key, a wrong type or an out-of-range value is an error that names the file, the line, the key path
 * and what is accepted. After the walk come the rules between keys: keys that apply to one method only
 * (WHEN rows) and the named checks of src/settings/checks.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "io/pyrad_params.h"
#include "io/yaml_input.h"
#include "settings/checks.h"
#include "voxomics/io.h"
#include "voxomics/settings.h"

typedef struct cfg {
    yaml_document_t *doc;
    const char *path;
    vx_error *err;
    vx_settings *s;
    const yaml_node_t **seen;    /* per descriptor row: its value node when the file gives the key */
    const yaml_node_t **section; /* per descriptor row: the mapping node of its section, when given */
} cfg;

static int fail(cfg *c, const yaml_node_t *n, const char *key, const char *fmt, const char *what)
{
    char msg[1200];
    snprintf(msg, sizeof msg, fmt, what);
    return vx_error_set(c->err, VX_EINVAL, "%s:%lu: %s: %s", c->path, n ? (unsigned long)n->start_mark.line + 1 : 0UL,
                        key, msg);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int get_double(cfg *c, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = scalar(n);
    if (!s)
        return fail(c, n, key, "expected a number%s", "");
    if (!strcasecmp(s, ".nan") || !strcasecmp(s, "null") || !strcmp(s, "~") || !strcasecmp(s, "none")) {
        *out = NAN;
        return VX_OK;
    }
    if (!strcasecmp(s, ".inf") || !strcasecmp(s, "+.inf")) {
        *out = INFINITY;
        return VX_OK;
    }
    if (!strcasecmp(s, "-.inf")) {
        *out = -INFINITY;
        return VX_OK;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno)
        return fail(c, n, key, "expected a number, got '%s'", s);
    *out = v;
    return VX_OK;
}

static int get_int(cfg *c, const yaml_node_t *n, const char *key, int lo, int hi, int *out)
{
    const char *s = scalar(n);
    if (!s)
        return fail(c, n, key, "expected an integer%s", "");
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi) {
        char msg[160];
        snprintf(msg, sizeof msg, "expected an integer in %d..%d, got '%s'", lo, hi, s);
        return fail(c, n, key, "%s", msg);
    }
    *out = (int)v;
    return VX_OK;
}

static int get_bool(cfg *c, const yaml_node_t *n, const char *key, int *out)
{
    const char *s = scalar(n);
    if (s && (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on"))) {
        *out = 1;
        return VX_OK;
    }
    if (s && (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off"))) {
        *out = 0;
        return VX_OK;
    }
    return fail(c, n, key, "expected true or false, got '%s'", s ? s : "(not a scalar)");
}

/* Iterate a mapping: calls fn(c, key, value, ctx) for every pair. */
typedef int (*map_fn)(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx);

static int each_pair(cfg *c, yaml_node_t *map, const char *path, map_fn fn, void *ctx)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return fail(c, map, path, "expected a mapping (key: value lines)%s", "");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        const char *ks = scalar(k);
        if (!ks)
            return fail(c, k, path, "keys must be plain words%s", "");
        int rc = fn(c, path, ks, v, ctx);
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}


/* ---- values, by descriptor type ---- */
static size_t row_index(const vx_setting_info *r)
{
    return (size_t)(r - vx_setting_get(0));
}

static void *field(cfg *c, const vx_setting_info *r)
{
    return (char *)c->s + r->offset;
}

/* A number, NaN allowed; out of the row's range: the error names the value and the range. */
static int read_number(cfg *c, const vx_setting_info *r, const yaml_node_t *n, const char *key, double *out)
{
    double v = NAN;
    int rc = get_double(c, n, key, &v);
    if (rc != VX_OK)
        return rc;
    char why[400];
    if (!vx_setting_in_range(r, v, why, sizeof why))
        return fail(c, n, key, "%s", why);
    *out = v;
    return VX_OK;
}

static int read_spacing(cfg *c, const vx_setting_info *r, const char *key, yaml_node_t *v)
{
    double *sp = field(c, r);
    if (scalar(v) && (!strcasecmp(scalar(v), "none") || !strcasecmp(scalar(v), "null"))) {
        sp[0] = sp[1] = sp[2] = NAN;
        return VX_OK;
    }
    long len = v && v->type == YAML_SEQUENCE_NODE ? v->data.sequence.items.top - v->data.sequence.items.start : 0;
    if (len != 2 && len != 3)
        return fail(c, v, key,
                    "expected [x, y, z] in mm (.nan keeps an axis) or [x, y] for in-plane (2D) interpolation%s", "");
    sp[2] = NAN;
    for (long i = 0; i < len; i++) {
        int rc = read_number(c, r, yaml_document_get_node(c->doc, v->data.sequence.items.start[i]), key, &sp[i]);
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}

/* [min, max] into this row and the next (VX_SF_PART) */
static int read_range(cfg *c, const vx_setting_info *r, const char *key, yaml_node_t *v)
{
    double *lo = field(c, r), *hi = field(c, r + 1);
    if (scalar(v) && (!strcasecmp(scalar(v), "none") || !strcasecmp(scalar(v), "null"))) {
        *lo = *hi = NAN;
        return VX_OK;
    }
    if (!v || v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top - v->data.sequence.items.start != 2)
        return fail(c, v, key, "expected [min, max] (use .nan for an open end)%s", "");
    yaml_node_t *a = yaml_document_get_node(c->doc, v->data.sequence.items.start[0]);
    yaml_node_t *b = yaml_document_get_node(c->doc, v->data.sequence.items.start[1]);
    char k0[300], k1[300], why[400];
    snprintf(k0, sizeof k0, "%s[0]", key);
    snprintf(k1, sizeof k1, "%s[1]", key);
    int rc = get_double(c, a, k0, lo);
    if (rc == VX_OK && *lo == INFINITY)
        return fail(c, a, k0, "min is +.inf (an empty range): give a number, or .nan / -.inf for an open lower end%s",
                    "");
    if (rc == VX_OK)
        rc = get_double(c, b, k1, hi);
    if (rc == VX_OK && *hi == -INFINITY)
        return fail(c, b, k1, "max is -.inf (an empty range): give a number, or .nan / .inf for an open upper end%s",
                    "");
    if (rc == VX_OK && !vx_settings_check_reseg_order(c->s, why, sizeof why))
        return fail(c, v, key, "%s", why);
    return rc;
}

/* a list of words, or the word "all" */
static int word_list(cfg *c, yaml_node_t *v, const char *key, int (*add)(const char *w, void *ctx), void *ctx,
                     const char *accepted)
{
    if (scalar(v))
        return add(scalar(v), ctx) == VX_OK ? VX_OK : fail(c, v, key, "unknown value; accepted: %s", accepted);
    if (!v || v->type != YAML_SEQUENCE_NODE)
        return fail(c, v, key, "expected a list%s", "");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *n = yaml_document_get_node(c->doc, *it);
        const char *w = scalar(n);
        if (!w || add(w, ctx) != VX_OK) {
            char msg[1000];
            snprintf(msg, sizeof msg, "unknown value '%.200s'; accepted: %s", w ? w : "?", accepted);
            return fail(c, n, key, "%s", msg);
        }
    }
    return VX_OK;
}

static int add_family(const char *w, void *ctx)
{
    unsigned *set = ctx;
    if (!strcasecmp(w, "all")) {
        *set = (1u << VX_FAM_COUNT) - 1u;
        return VX_OK;
    }
    const vx_family_info *fi = vx_family_find(w);
    if (!fi)
        return VX_EINVAL;
    *set |= 1u << fi->family;
    return VX_OK;
}

static int add_agg(const char *w, void *ctx)
{
    unsigned *set = ctx;
    if (!strcasecmp(w, "all")) {
        *set = VX_AGGS_ALL;
        return VX_OK;
    }
    /* "2D_all", "2.5D_all", "3D_all" select every aggregation of that dimensionality */
    if (!strcasecmp(w, "2D_all") || !strcasecmp(w, "2.5D_all") || !strcasecmp(w, "3D_all")) {
        int dims = w[0] == '3' ? 3 : (w[1] == '.' ? 25 : 2);
        for (int a = 1; a < VX_AGG_COUNT; a++)
            if (vx_agg_get((vx_agg)a)->dims == dims)
                *set |= VX_AGGBIT(a);
        return VX_OK;
    }
    const vx_agg_info *ai = vx_agg_find(w);
    if (!ai || ai->agg == VX_AGG_NONE)
        return VX_EINVAL;
    *set |= VX_AGGBIT(ai->agg);
    return VX_OK;
}

static int read_list(cfg *c, const vx_setting_info *r, const char *key, yaml_node_t *v)
{
    unsigned *set = field(c, r);
    char acc[700], codes[300];
    size_t used = 0, cu = 0;
    *set = 0;
    if (r->type == VX_ST_FAMILIES) {
        used = (size_t)snprintf(acc, sizeof acc, "all");
        for (int f = 0; f < VX_FAM_COUNT && used < sizeof acc; f++)
            used += (size_t)snprintf(acc + used, sizeof acc - used, ", %s", vx_family_get((vx_family)f)->key);
        int rc = word_list(c, v, key, add_family, set, acc);
        if (rc == VX_OK && !*set)
            return fail(c, v, key, "an empty list computes nothing: name at least one family, or all%s", "");
        return rc;
    }
    used = (size_t)snprintf(acc, sizeof acc, "all, 2D_all, 2.5D_all, 3D_all");
    codes[0] = '\0';
    for (int a = 1; a < VX_AGG_COUNT && used < sizeof acc && cu < sizeof codes; a++) {
        const vx_agg_info *ai = vx_agg_get((vx_agg)a);
        used += (size_t)snprintf(acc + used, sizeof acc - used, ", %s", ai->key);
        cu += (size_t)snprintf(codes + cu, sizeof codes - cu, "%s%s", cu ? ", " : "", ai->ibsi_code);
    }
    if (used < sizeof acc)
        snprintf(acc + used, sizeof acc - used, " (or the IBSI codes %s)", codes);
    int rc = word_list(c, v, key, add_agg, set, acc);
    if (rc == VX_OK && !*set)
        return fail(c, v, key, "an empty list computes no texture feature: name at least one aggregation, or all%s",
                    "");
    return rc;
}

/* ---- image types: image_types.filters, a list of mappings (voxomics/filter.def) ---- */
static int walk(cfg *c, yaml_node_t *map, const char *path);
static int check_when(cfg *c);
static int check_disc_min(cfg *c);

/* the kinds as text, "mean, log, ..." */
static void kinds_text(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 1; k < VX_FILTER_KIND_COUNT; k++) {
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", vx_filter_kind_name((vx_filter_kind)k));
        if (w < 0 || (size_t)w >= len - used)
            return;
        used += (size_t)w;
    }
}

/* the keys a kind accepts, "name, discretisation, dim, ..." */
static void keys_text(vx_filter_kind kind, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "filter, name, discretisation");
    for (size_t i = 0; i < vx_filter_param_count() && used < len; i++) {
        const vx_filter_param *p = vx_filter_param_get(i);
        if ((p->kinds >> kind) & 1u) {
            int w = snprintf(buf + used, len - used, ", %s", p->key);
            if (w < 0)
                return;
            used += (size_t)w;
        }
    }
}

/* an image type's own discretisation: the discretisation keys of the file, read into default settings */
static int read_filter_disc(cfg *c, yaml_node_t *v, vx_image_type_settings *t)
{
    size_t nrows = vx_setting_count();
    vx_settings *tmp = malloc(sizeof *tmp);
    cfg sub = *c;
    sub.s = tmp;
    sub.seen = calloc(nrows, sizeof *sub.seen);
    sub.section = calloc(nrows, sizeof *sub.section);
    int rc = VX_OK;
    if (!tmp || !sub.seen || !sub.section)
        rc = vx_error_set(c->err, VX_ENOMEM, "%s: out of memory reading the settings", c->path);
    if (rc == VX_OK) {
        vx_settings_default(tmp);
        rc = walk(&sub, v, "discretisation");
    }
    if (rc == VX_OK)
        rc = check_when(&sub);
    if (rc == VX_OK)
        rc = check_disc_min(&sub);
    if (rc == VX_OK) {
        for (size_t i = 0; i < nrows; i++) {
            const char *k = vx_setting_get(i)->key;
            if (!sub.seen[i] && !sub.section[i])
                continue;
            if (!strncmp(k, "discretisation.texture.", 23))
                t->own_texture_disc = 1;
            else if (!strncmp(k, "discretisation.ivh.", 19))
                t->own_ivh_disc = 1;
        }
        t->texture_disc = tmp->texture_disc;
        t->ivh_disc = tmp->ivh_disc;
    }
    free(tmp);
    free(sub.seen);
    free(sub.section);
    return rc;
}

/* one parameter's text: a scalar, or a list of scalars joined by commas */
static int param_text(cfg *c, yaml_node_t *v, char *buf, size_t len)
{
    const char *s = scalar(v);
    if (s) {
        snprintf(buf, len, "%s", s);
        return 1;
    }
    if (!v || v->type != YAML_SEQUENCE_NODE)
        return 0;
    size_t used = 0;
    buf[0] = '\0';
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        const char *e = scalar(yaml_document_get_node(c->doc, *it));
        if (!e)
            return 0;
        int w = snprintf(buf + used, len - used, "%s%s", used ? "," : "", e);
        if (w < 0 || (size_t)w >= len - used)
            return 0;
        used += (size_t)w;
    }
    return 1;
}

static int read_filter(cfg *c, const char *key, yaml_node_t *m, vx_image_type_settings *t)
{
    memset(t, 0, sizeof *t);
    vx_filter_spec_init(&t->filter);
    char acc[700], full[400], text[256], why[400];
    if (!m || m->type != YAML_MAPPING_NODE)
        return fail(c, m, key, "expected a mapping such as {filter: log, sigma_mm: 1.5}%s", "");
    yaml_node_t *kind_node = NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *ks = scalar(yaml_document_get_node(c->doc, p->key));
        if (ks && !strcmp(ks, "filter"))
            kind_node = yaml_document_get_node(c->doc, p->value);
    }
    kinds_text(acc, sizeof acc);
    if (!kind_node)
        return fail(c, m, key, "no 'filter:' key; name the filter, one of %s", acc);
    const char *kn = scalar(kind_node);
    int kind = kn ? vx_filter_kind_find(kn) : -1;
    snprintf(full, sizeof full, "%s.filter", key);
    if (kind <= 0) {
        char msg[900];
        snprintf(msg, sizeof msg, "unknown filter '%s'; use one of %s (the original image: image_types.original)",
                 kn ? kn : "(not a word)", acc);
        return fail(c, kind_node, full, "%s", msg);
    }
    t->filter.kind = (vx_filter_kind)kind;
    if (kind == VX_FILTER_LBP2D)
        t->filter.dim = 2;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn2 = yaml_document_get_node(c->doc, p->key), *v = yaml_document_get_node(c->doc, p->value);
        const char *ks = scalar(kn2);
        snprintf(full, sizeof full, "%s.%s", key, ks ? ks : "?");
        if (!ks)
            return fail(c, kn2, key, "keys must be plain words%s", "");
        if (!strcmp(ks, "filter"))
            continue;
        if (!strcmp(ks, "name")) {
            const char *nm = scalar(v);
            size_t l = nm ? strlen(nm) : 0;
            if (!l || l >= sizeof t->name || strcspn(nm, ",\"+\n\r\t ") != l)
                return fail(c, v, full, "expected one word of at most 63 characters (no comma, quote, + or space)%s",
                            "");
            memcpy(t->name, nm, l + 1);
            continue;
        }
        if (!strcmp(ks, "discretisation")) {
            int rc = read_filter_disc(c, v, t);
            if (rc != VX_OK)
                return rc;
            continue;
        }
        const vx_filter_param *fp = vx_filter_param_find(ks);
        if (!fp || !((fp->kinds >> kind) & 1u)) {
            keys_text((vx_filter_kind)kind, acc, sizeof acc);
            char msg[900];
            snprintf(msg, sizeof msg, "%s for filter %s; accepted: %s", fp ? "does not apply" : "unknown key",
                     vx_filter_kind_name((vx_filter_kind)kind), acc);
            return fail(c, kn2, full, "%s", msg);
        }
        if (!param_text(c, v, text, sizeof text))
            return fail(c, v, full, "expected a value (or a list of numbers)%s", "");
        if (vx_filter_param_set(&t->filter, fp, text, why, sizeof why) != VX_OK)
            return fail(c, v, full, "%s", why);
    }
    vx_error e = {0};
    if (vx_filter_validate(&t->filter, &e) != VX_OK)
        return fail(c, m, key, "%s", e.msg);
    if (!t->name[0] && vx_filter_image_type(&t->filter, t->name, sizeof t->name) != 0)
        return fail(c, m, key, "the image type name is too long; give a shorter one with name:%s", "");
    return VX_OK;
}

static int read_filters(cfg *c, const char *key, yaml_node_t *v)
{
    if (!v || v->type != YAML_SEQUENCE_NODE)
        return fail(c, v, key, "expected a list of filters, each a mapping such as {filter: log, sigma_mm: 1.5}%s",
                    "");
    int n = 0;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++, n++) {
        yaml_node_t *m = yaml_document_get_node(c->doc, *it);
        char ik[300];
        snprintf(ik, sizeof ik, "%s[%d]", key, n + 1);
        if (n >= VX_MAX_FILTERS)
            return fail(c, m, ik, "more than %s filters; split the study into several settings files",
                        VX_MAX_FILTERS == 64 ? "64" : "the maximum number of");
        int rc = read_filter(c, ik, m, &c->s->filters[n]);
        if (rc != VX_OK)
            return rc;
        for (int j = 0; j < n; j++)
            if (!strcmp(c->s->filters[j].name, c->s->filters[n].name))
                return fail(c, m, ik, "image type '%s' is already listed; give one of them another name: NAME",
                            c->s->filters[n].name);
    }
    c->s->n_filters = n;
    return VX_OK;
}

static int read_value(cfg *c, const vx_setting_info *r, const char *key, yaml_node_t *v)
{
    int iv = 0, rc;
    switch (r->type) {
    case VX_ST_TEXT:
        return VX_OK;
    case VX_ST_BOOL:
        rc = get_bool(c, v, key, &iv);
        break;
    case VX_ST_INT:
        rc = get_int(c, v, key, (int)r->lo, (int)r->hi, &iv);
        break;
    case VX_ST_ENUM: {
        const char *w = scalar(v);
        iv = w ? vx_setting_enum_find(r->values, w) : -1;
        if (iv < 0) {
            char acc[200], msg[300];
            vx_setting_enum_accepted(r->values, acc, sizeof acc);
            snprintf(msg, sizeof msg, "expected %s, got '%%s'", acc);
            return fail(c, v, key, msg, w ? w : "(not a word)");
        }
        rc = VX_OK;
        break;
    }
    case VX_ST_REAL: {
        double d = NAN;
        const char *w = scalar(v);
        rc = get_double(c, v, key, &d);
        if (rc == VX_OK && isnan(d) && (r->flags & VX_SF_NULL_DEFAULT) && w) {
            vx_setting_reset(c->s, r);
            return VX_OK;
        }
        if (rc == VX_OK && r->offset != VX_SETTING_NO_FIELD)
            rc = read_number(c, r, v, key, (double *)field(c, r));
        return rc;
    }
    case VX_ST_SPACING:
        return read_spacing(c, r, key, v);
    case VX_ST_RANGE:
        return read_range(c, r, key, v);
    case VX_ST_FAMILIES:
    case VX_ST_AGGS:
        return read_list(c, r, key, v);
    case VX_ST_FILTERS:
        return read_filters(c, key, v);
    default:
        return fail(c, v, key, "not a settings-file key%s", "");
    }
    if (rc == VX_OK && r->offset != VX_SETTING_NO_FIELD)
        vx_setting_set(c->s, r, iv);
    return rc;
}

/* ---- keys and sections ---- */
static int is_key(const vx_setting_info *r)
{
    return !(r->flags & (VX_SF_PART | VX_SF_INTERNAL));
}

/* path is a section: some key lies under "path." */
static int is_section(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < vx_setting_count(); i++) {
        const vx_setting_info *r = vx_setting_get(i);
        if (is_key(r) && !strncmp(r->key, path, n) && r->key[n] == '.')
            return 1;
    }
    return 0;
}

/* the names accepted directly under path ("" for the top level), in descriptor order */
static void accepted_under(const char *path, char *buf, size_t len)
{
    size_t n = strlen(path), used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < vx_setting_count(); i++) {
        const vx_setting_info *r = vx_setting_get(i);
        if (!is_key(r) || (n && (strncmp(r->key, path, n) || r->key[n] != '.')))
            continue;
        const char *name = r->key + (n ? n + 1 : 0);
        size_t nl = strcspn(name, ".");
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) { /* named by an earlier key? */
            const vx_setting_info *q = vx_setting_get(j);
            const char *qn = q->key + (n ? n + 1 : 0);
            dup = is_key(q) && (!n || (!strncmp(q->key, path, n) && q->key[n] == '.')) && strcspn(qn, ".") == nl &&
                  !strncmp(qn, name, nl);
        }
        if (!dup && used < len) {
            int w = snprintf(buf + used, len - used, "%s%.*s", used ? ", " : "", (int)nl, name);
            if (w < 0)
                return;
            used += (size_t)w;
        }
    }
}

static int on_pair(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    (void)ctx;
    char full[256];
    snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", key);
    const vx_setting_info *r = vx_setting_find(full);
    if (r && is_key(r)) {
        c->seen[row_index(r)] = v;
        return read_value(c, r, full, v);
    }
    if (is_section(full))
        return walk(c, v, full);
    char acc[600];
    accepted_under(path, acc, sizeof acc);
    return fail(c, v, full, "unknown setting; accepted here: %s", acc);
}

static int walk(cfg *c, yaml_node_t *map, const char *path)
{
    if (map && map->type == YAML_MAPPING_NODE && *path) {
        size_t n = strlen(path);
        for (size_t i = 0; i < vx_setting_count(); i++) {
            const char *k = vx_setting_get(i)->key;
            if (!strncmp(k, path, n) && k[n] == '.' && !strchr(k + n + 1, '.'))
                c->section[i] = map;
        }
    }
    return each_pair(c, map, path, on_pair, NULL);
}

/* ---- rules between keys ---- */
/* last component of a key path */
static const char *leaf(const char *key)
{
    const char *d = strrchr(key, '.');
    return d ? d + 1 : key;
}

static int check_when(cfg *c)
{
    char why[400], msg[700];
    /* a required key missing (or out of range) for the value its condition names */
    for (size_t i = 0; i < vx_setting_count(); i++) {
        const vx_setting_info *r = vx_setting_get(i), *w = r->when ? vx_setting_find(r->when) : NULL;
        if (!w || !(r->flags & VX_SF_NEEDED_WHEN) || !vx_setting_applies(c->s, r))
            continue;
        const yaml_node_t *at = c->seen[row_index(w)] ? c->seen[row_index(w)] : c->section[i];
        if (!at || vx_setting_in_range(r, vx_setting_value(c->s, r), NULL, 0))
            continue;
        char range[300];
        vx_setting_in_range(r, NAN, why, sizeof why); /* only for the wording of the range */
        const char *must = strstr(why, "must be ");
        snprintf(range, sizeof range, "%s", must ? must + 8 : "");
        snprintf(msg, sizeof msg, "%s %s needs %s, %s", leaf(w->key), vx_setting_enum_word(w->values, r->when_value),
                 leaf(r->key), range);
        return fail(c, at, r->key, "%s", msg);
    }
    /* a key given for another value of its condition */
    for (size_t i = 0; i < vx_setting_count(); i++) {
        const vx_setting_info *r = vx_setting_get(i), *w = r->when ? vx_setting_find(r->when) : NULL;
        if (!w || !(r->flags & VX_SF_STRICT_WHEN) || !c->seen[i] || vx_setting_applies(c->s, r))
            continue;
        const char *need = vx_setting_enum_word(w->values, r->when_value);
        const char *is = vx_setting_enum_word(w->values, (int)vx_setting_value(c->s, w));
        snprintf(msg, sizeof msg, "applies to %s %s only, but the %s is %s: remove %s or set %s: %s", leaf(w->key),
                 need, leaf(w->key), is ? is : "?", leaf(r->key), leaf(w->key), need);
        return fail(c, c->seen[i], r->key, "%s", msg);
    }
    return VX_OK;
}

/* Named check discretisation_min for each discretisation whose min the file gives. */
static int check_disc_min(cfg *c)
{
    static const struct {
        const char *key;
        size_t disc;
    } mins[] = {{"discretisation.texture.min", offsetof(vx_settings, texture_disc)},
                {"discretisation.ivh.min", offsetof(vx_settings, ivh_disc)}};
    char why[500];
    for (size_t k = 0; k < sizeof mins / sizeof mins[0]; k++) {
        const vx_setting_info *r = vx_setting_find(mins[k].key);
        const yaml_node_t *n = r ? c->seen[row_index(r)] : NULL;
        if (n && !vx_settings_check_disc_min(c->s, (const vx_discretisation *)((const char *)c->s + mins[k].disc), why,
                                             sizeof why))
            return fail(c, n, mins[k].key, "%s", why);
    }
    return VX_OK;
}

/* At least one image type: the original image or a filter. */
static int check_image_types(cfg *c)
{
    const vx_setting_info *r = vx_setting_find("image_types.original");
    const yaml_node_t *n = r ? c->seen[row_index(r)] : NULL;
    if (!c->s->image_original && !c->s->n_filters)
        return fail(c, n, "image_types.original", "false and no filter listed: no image type to compute; set it "
                                                  "true or list image_types.filters%s", "");
    return VX_OK;
}

/* The settings document into s (vxio_yaml_fn; ctx: the vx_settings); name is the file's path or the text's name
 * in messages. */
static int load_doc(yaml_document_t *doc, const char *name, void *ctx, vx_error *err)
{
    vx_settings *s = ctx;
    size_t nrows = vx_setting_count();
    cfg c = {.path = name, .err = err, .s = s, .doc = doc, .seen = calloc(nrows, sizeof *c.seen),
             .section = calloc(nrows, sizeof *c.section)};
    int rc = VX_OK;
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (!c.seen || !c.section)
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory reading the settings", name);
    else if (root && vx_pyrad_is_params(doc, root)) /* a PyRadiomics parameter file (src/io/pyrad_params.c) */
        rc = vx_pyrad_params_load(doc, root, name, s, err);
    else if (root) { /* an empty file means: all defaults */
        rc = walk(&c, root, "");
        if (rc == VX_OK)
            rc = check_when(&c);
        if (rc == VX_OK)
            rc = check_disc_min(&c);
        if (rc == VX_OK)
            rc = check_image_types(&c);
    }
    free(c.seen);
    free(c.section);
    return rc;
}

int vx_settings_load(const char *path, vx_settings *s, vx_error *err)
{
    if (!path || !s)
        return vx_error_set(err, VX_EINVAL, "settings: NULL argument");
    int prc = vx_path_check(path, 0, "settings file", err); /* a fifo would block in fopen */
    return prc != VX_OK ? prc : vxio_yaml_file(path, load_doc, s, err);
}

int vx_settings_load_text(const char *text, size_t len, const char *name, vx_settings *s, vx_error *err)
{
    if (!text || !s)
        return vx_error_set(err, VX_EINVAL, "settings: NULL argument");
    return vxio_yaml_text(text, len, name && name[0] ? name : "settings", load_doc, s, err);
}
