/* voxomics: the study file: YAML into a tree that remembers lines (libyaml's document API), ${VAR} expansion,
 * the key checks and typed getters of study_impl.h, and the list of steps. The run loop is in run.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "io/hash.h"
#include "study/runner.h"
#include "voxomics/io.h"

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

/* ---- the tree ---- */

void vxs_node_free(vxs_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys)
            free(n->keys[i]);
        vxs_node_free(n->items[i]);
    }
    free(n->keys);
    free(n->key_lines);
    free(n->items);
    free(n->value);
    free(n);
}

typedef struct parse {
    yaml_document_t doc;
    const char *path;
    vx_error *err;
    int depth;
} parse;

/* ${VAR} expansion: VOXOMICS_DATA defaults to ../shared under the current folder; any other unset variable is
 * an error naming the file and line. */
static int expand(parse *p, const char *s, int line, char **out)
{
    size_t cap = strlen(s) + 1, len = 0;
    char *o = malloc(cap);
    while (o && *s) {
        const char *add = s, *end = s + 1;
        char name[256], cwd[PATH_MAX];
        if (s[0] == '$' && s[1] == '{') {
            const char *close = strchr(s + 2, '}');
            size_t nl = close ? (size_t)(close - s - 2) : 0;
            if (!close || !nl || nl >= sizeof name) {
                free(o);
                return vx_error_set(p->err, VX_EINVAL, "%s:%d: '${' without a variable name and '}' in '%s'",
                                    p->path, line, s);
            }
            memcpy(name, s + 2, nl);
            name[nl] = '\0';
            add = getenv(name);
            if ((!add || !*add) && !strcmp(name, "VOXOMICS_DATA")) {
                if (!getcwd(cwd, sizeof cwd - 16))
                    snprintf(cwd, sizeof cwd, ".");
                strcat(cwd, "/../shared");
                add = cwd;
            }
            if (!add) {
                free(o);
                return vx_error_set(p->err, VX_EINVAL,
                                    "%s:%d: environment variable '%s' is not set (used as ${%s}); set it or write "
                                    "the value",
                                    p->path, line, name, name);
            }
            end = close + 1;
        }
        size_t al = add == s ? 1 : strlen(add);
        if (len + al + 1 > cap) {
            cap = 2 * (len + al + 1);
            char *g = realloc(o, cap);
            if (!g)
                free(o);
            o = g;
            if (!o)
                break;
        }
        memcpy(o + len, add, al);
        len += al;
        s = end;
    }
    if (!o)
        return vx_error_set(p->err, VX_ENOMEM, "%s: out of memory", p->path);
    o[len] = '\0';
    *out = o;
    return VX_OK;
}

static int build(parse *p, yaml_node_t *y, vxs_node **out)
{
    *out = NULL;
    int line = (int)y->start_mark.line + 1;
    if (++p->depth > 64) /* aliases can nest without end */
        return vx_error_set(p->err, VX_EFORMAT, "%s:%d: nesting deeper than 64 levels", p->path, line);
    vxs_node *n = calloc(1, sizeof *n);
    if (!n)
        return vx_error_set(p->err, VX_ENOMEM, "%s: out of memory", p->path);
    n->line = line;
    *out = n;
    int rc = VX_OK;
    if (y->type == YAML_SCALAR_NODE) {
        n->kind = VXS_SCALAR;
        rc = expand(p, (const char *)y->data.scalar.value, line, &n->value);
    } else if (y->type == YAML_SEQUENCE_NODE) {
        n->kind = VXS_SEQ;
        size_t cnt = (size_t)(y->data.sequence.items.top - y->data.sequence.items.start);
        n->items = calloc(cnt ? cnt : 1, sizeof *n->items);
        if (!n->items)
            rc = vx_error_set(p->err, VX_ENOMEM, "%s: out of memory", p->path);
        for (size_t i = 0; rc == VX_OK && i < cnt; i++) {
            rc = build(p, yaml_document_get_node(&p->doc, y->data.sequence.items.start[i]), &n->items[i]);
            n->n = i + 1;
        }
    } else {
        n->kind = VXS_MAP;
        size_t cnt = (size_t)(y->data.mapping.pairs.top - y->data.mapping.pairs.start);
        n->items = calloc(cnt ? cnt : 1, sizeof *n->items);
        n->keys = calloc(cnt ? cnt : 1, sizeof *n->keys);
        n->key_lines = calloc(cnt ? cnt : 1, sizeof *n->key_lines);
        if (!n->items || !n->keys || !n->key_lines)
            rc = vx_error_set(p->err, VX_ENOMEM, "%s: out of memory", p->path);
        for (size_t i = 0; rc == VX_OK && i < cnt; i++) {
            yaml_node_pair_t *pr = &y->data.mapping.pairs.start[i];
            yaml_node_t *k = yaml_document_get_node(&p->doc, pr->key);
            n->n = i + 1;
            n->key_lines[i] = (int)k->start_mark.line + 1;
            if (k->type != YAML_SCALAR_NODE)
                return vx_error_set(p->err, VX_EFORMAT, "%s:%d: keys must be plain words", p->path, n->key_lines[i]);
            n->keys[i] = strdup((const char *)k->data.scalar.value);
            for (size_t j = 0; n->keys[i] && j < i; j++)
                if (!strcmp(n->keys[j], n->keys[i]))
                    return vx_error_set(p->err, VX_EFORMAT, "%s:%d: key '%s' given twice (first at line %d)",
                                        p->path, n->key_lines[i], n->keys[i], n->key_lines[j]);
            rc = n->keys[i] ? build(p, yaml_document_get_node(&p->doc, pr->value), &n->items[i])
                            : vx_error_set(p->err, VX_ENOMEM, "%s: out of memory", p->path);
        }
    }
    p->depth--;
    return rc;
}

void vxs_study_free(vxs_study *s)
{
    if (!s)
        return;
    vxs_node_free(s->root);
    free(s->path);
    free(s->dir);
    free(s->text);
    memset(s, 0, sizeof *s);
}

/* The file's text, hash and absolute folder. */
static int study_read(const char *path, vxs_study *s, vx_error *err)
{
    int rc = vx_path_check(path, 0, "study file", err);
    if (rc != VX_OK)
        return rc;
    s->path = strdup(path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return vx_error_set(err, VX_EIO, "%s: cannot open the study file: %s", path, strerror(errno));
    size_t cap = 4096, len = 0, r;
    s->text = malloc(cap);
    while (s->text && (r = fread(s->text + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (cap - len - 1 == 0) {
            char *g = realloc(s->text, cap *= 2);
            if (!g)
                free(s->text);
            s->text = g;
        }
    }
    fclose(f);
    if (!s->text || !s->path)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    s->text[len] = '\0';
    vx_sha256_hex(s->text, len, s->sha);
    char dir[PATH_MAX], abs[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    rc = vxs_abspath(dir, abs, sizeof abs, err);
    if (rc != VX_OK)
        return rc;
    s->dir = strdup(abs);
    return s->dir ? VX_OK : vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
}

int vxs_study_parse(const char *path, vxs_study *s, vx_error *err)
{
    memset(s, 0, sizeof *s);
    int rc = study_read(path, s, err);
    if (rc != VX_OK)
        return rc;
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return vx_error_set(err, VX_ENOMEM, "%s: cannot initialise the YAML parser", path);
    yaml_parser_set_input_string(&parser, (const unsigned char *)s->text, strlen(s->text));
    parse p = {.path = path, .err = err};
    if (!yaml_parser_load(&parser, &p.doc)) {
        rc = vx_error_set(err, VX_EFORMAT, "%s:%lu: YAML syntax error: %s", path,
                          (unsigned long)parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
        yaml_parser_delete(&parser);
        return rc;
    }
    yaml_node_t *root = yaml_document_get_root_node(&p.doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        rc = vx_error_set(err, VX_EFORMAT, "%s:%lu: a study file is a map of keys (title, inputs, outcome, steps)",
                          path, root ? (unsigned long)root->start_mark.line + 1 : 1UL);
    else
        rc = build(&p, root, &s->root);
    yaml_document_delete(&p.doc);
    yaml_parser_delete(&parser);
    return rc;
}

/* ---- lookups and getters ---- */

const vxs_node *vxs_get(const vxs_node *map, const char *key)
{
    if (!map || map->kind != VXS_MAP || !key)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (!strcmp(map->keys[i], key))
            return map->items[i];
    return NULL;
}

static const char *scalar_of(const vxs_node *map, const char *key)
{
    const vxs_node *n = vxs_get(map, key);
    return n && n->kind == VXS_SCALAR ? n->value : NULL;
}

static int parse_long(const char *s, long *v)
{
    char *end;
    errno = 0;
    *v = s && *s ? strtol(s, &end, 10) : 0;
    return s && *s && !*end && !errno;
}

static int parse_num(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = s && *s ? strtod(s, &end) : 0;
    return s && *s && !*end && !errno;
}

static int parse_bool(const char *s, int *v)
{
    static const char *const t[] = {"true", "yes", "on"}, *const f[] = {"false", "no", "off"};
    for (int i = 0; s && i < 3; i++) {
        if (!strcasecmp(s, t[i]))
            return *v = 1, 1;
        if (!strcasecmp(s, f[i]))
            return *v = 0, 1;
    }
    return 0;
}

const char *vxs_str(const vxs_node *map, const char *key, const char *def)
{
    const char *s = scalar_of(map, key);
    return s ? s : def;
}

long vxs_int(const vxs_node *map, const char *key, long def)
{
    long v;
    return parse_long(scalar_of(map, key), &v) ? v : def;
}

double vxs_num(const vxs_node *map, const char *key, double def)
{
    double v;
    return parse_num(scalar_of(map, key), &v) ? v : def;
}

int vxs_bool(const vxs_node *map, const char *key, int def)
{
    int v;
    return parse_bool(scalar_of(map, key), &v) ? v : def;
}

size_t vxs_list(const vxs_node *map, const char *key, const char ***out)
{
    *out = NULL;
    const vxs_node *n = vxs_get(map, key);
    if (!n || n->kind == VXS_MAP || (n->kind == VXS_SCALAR && !n->value[0]))
        return 0;
    size_t cnt = n->kind == VXS_SCALAR ? 1 : n->n, k = 0;
    const char **v = malloc((cnt ? cnt : 1) * sizeof *v);
    if (!v)
        return 0;
    for (size_t i = 0; i < cnt; i++) {
        const vxs_node *it = n->kind == VXS_SCALAR ? n : n->items[i];
        if (it->kind == VXS_SCALAR)
            v[k++] = it->value;
    }
    *out = v;
    return k;
}

/* ---- key checks ---- */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la >= 63 || lb >= 63)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int unknown_key(const char *file, int line, const char *key, const vxs_key *keys, const char *where,
                       vx_error *err)
{
    char known[700] = "", near[200] = "";
    size_t best = 3;
    for (const vxs_key *k = keys; k->name; k++) {
        size_t len = strlen(known);
        snprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "", k->name);
        size_t d = edit_distance(key, k->name);
        if (d < best && d * 3 <= strlen(k->name) + 1) {
            best = d;
            snprintf(near, sizeof near, "; did you mean '%s'?", k->name);
        }
    }
    return vx_error_set(err, VX_EINVAL, "%s:%d: unknown key '%s' in %s (known: %s)%s", file, line, key,
                        where && *where ? where : "the top level", known[0] ? known : "none", near);
}

static int check_path(const char *file, const vxs_node *v, const char *key, vx_error *err)
{
    char buf[PATH_MAX * 2];
    if (v->value[0] == '/')
        snprintf(buf, sizeof buf, "%s", v->value);
    else {
        snprintf(buf, sizeof buf, "%s", file);
        char *slash = strrchr(buf, '/');
        size_t off = slash ? (size_t)(slash - buf + 1) : 0;
        snprintf(buf + off, sizeof buf - off, "%s", v->value);
    }
    struct stat st;
    if (stat(buf, &st) != 0)
        return vx_error_set(err, VX_EINVAL, "%s:%d: %s: file '%s' not found (%s; paths are relative to the study "
                            "file's folder)", file, v->line, key, buf, strerror(errno));
    return VX_OK;
}

static int check_value(const char *file, const vxs_node *v, const vxs_key *k, const char *where, vx_error *err)
{
    static const char *const what[] = {"a value", "a file path", "an integer", "a number", "true or false",
                                       "a value or a list [a, b]", "a map (key: value lines)"};
    int ok = 1;
    long l;
    double d;
    int b;
    const char *s = v->kind == VXS_SCALAR ? v->value : NULL;
    switch (k->type) {
    case VXS_STR: ok = s != NULL; break;
    case VXS_PATH: ok = s && *s; break;
    case VXS_INT: ok = parse_long(s, &l); break;
    case VXS_NUM: ok = parse_num(s, &d); break;
    case VXS_BOOL: ok = parse_bool(s, &b); break;
    case VXS_LIST:
        for (size_t i = 0; v->kind == VXS_SEQ && i < v->n; i++)
            ok = ok && v->items[i]->kind == VXS_SCALAR;
        ok = ok && v->kind != VXS_MAP;
        break;
    case VXS_MAP_T: /* a step given without settings (`selection:`) takes its defaults */
        ok = v->kind == VXS_MAP || (!k->sub && s && (!*s || !strcmp(s, "~") || !strcmp(s, "null")));
        break;
    }
    char full[300];
    snprintf(full, sizeof full, "%s%s%s", where, *where ? "." : "", k->name);
    if (!ok)
        return vx_error_set(err, VX_EINVAL, "%s:%d: %s: expected %s, got %s%s%s", file, v->line, full,
                            what[k->type], s ? "'" : "", s ? s : v->kind == VXS_MAP ? "a map" : "a list",
                            s ? "'" : "");
    if (k->type == VXS_PATH)
        return check_path(file, v, full, err);
    if (k->type == VXS_MAP_T && k->sub)
        return vxs_check_keys(file, v, k->sub, full, err);
    return VX_OK;
}

int vxs_check_keys(const char *file, const vxs_node *map, const vxs_key *keys, const char *where, vx_error *err)
{
    if (!map)
        return VX_OK;
    if (map->kind != VXS_MAP)
        return vx_error_set(err, VX_EINVAL, "%s:%d: %s: expected a map (key: value lines)", file, map->line,
                            where && *where ? where : "the top level");
    for (size_t i = 0; i < map->n; i++) {
        const vxs_key *k = keys;
        while (k->name && strcmp(k->name, map->keys[i]))
            k++;
        if (!k->name)
            return unknown_key(file, map->key_lines[i], map->keys[i], keys, where, err);
        int rc = check_value(file, map->items[i], k, where ? where : "", err);
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}

/* ---- the whole file ---- */

static const vxs_key table_keys[] = {{"path", VXS_PATH, "the CSV file", NULL},
                                     {"id", VXS_STR, "its ID column (default: the first)", NULL},
                                     {NULL, VXS_STR, NULL, NULL}};
static const vxs_key omics_keys[] = {{"path", VXS_PATH, "the CSV file", NULL},
                                     {"by_rows", VXS_BOOL, "true: one gene a row, one subject a column", NULL},
                                     {"id", VXS_STR, "its ID column (default: the first)", NULL},
                                     {NULL, VXS_STR, NULL, NULL}};
static const vxs_key input_keys[] = {
    {"features", VXS_PATH, "a ready feature table, one row per subject", NULL},
    {"id", VXS_STR, "its ID column (default: the first)", NULL},
    {"clinical", VXS_MAP_T, "clinical table joined by ID", table_keys},
    {"batch", VXS_MAP_T, "scanner / acquisition table joined by ID", table_keys},
    {"omics", VXS_MAP_T, "omics table (e.g. RNA-seq)", omics_keys},
    {"genesets", VXS_PATH, "GMT gene sets", NULL},
    {NULL, VXS_STR, NULL, NULL}};
static const vxs_key outcome_keys[] = {{"label", VXS_STR, "classification target column", NULL},
                                       {"positive", VXS_STR, "its positive class", NULL},
                                       {"time", VXS_STR, "survival time column", NULL},
                                       {"event", VXS_STR, "survival event column (1 = event)", NULL},
                                       {NULL, VXS_STR, NULL, NULL}};

static int check_required(const vxs_study *s, vx_error *err)
{
    const vxs_node *t = vxs_get(s->root, "title"), *steps = vxs_get(s->root, "steps");
    if (!t || !t->value || !t->value[0])
        return vx_error_set(err, VX_EINVAL, "%s:%d: the study has no title (title: one line for the report)",
                            s->path, s->root->line);
    if (!vxs_get(vxs_get(s->root, "inputs"), "features") && !vxs_get(steps, "extraction"))
        return vx_error_set(err, VX_EINVAL,
                            "%s: no features: give inputs.features (a feature table) or steps.extraction (a cohort "
                            "to extract)", s->path);
    const vxs_node *out = vxs_get(s->root, "outcome");
    if (!vxs_get(out, "time") != !vxs_get(out, "event"))
        return vx_error_set(err, VX_EINVAL, "%s:%d: outcome: time and event go together (give both or neither)",
                            s->path, out->line);
    return VX_OK;
}

int vxs_study_check_tree(const vxs_study *s, vx_error *err)
{
    size_t ns;
    const vxs_step *const *steps = vxs_steps(&ns);
    vxs_key step_keys[16];
    for (size_t i = 0; i < ns; i++)
        step_keys[i] = (vxs_key){steps[i]->name, VXS_MAP_T, steps[i]->title, NULL};
    step_keys[ns] = (vxs_key){NULL, VXS_STR, NULL, NULL};
    const vxs_key top[] = {{"title", VXS_STR, "the report's heading", NULL},
                           {"description", VXS_STR, "a paragraph for the report", NULL},
                           {"inputs", VXS_MAP_T, "the input tables", input_keys},
                           {"outcome", VXS_MAP_T, "the outcome columns", outcome_keys},
                           {"steps", VXS_MAP_T, "the steps to run", step_keys},
                           {NULL, VXS_STR, NULL, NULL}};
    int rc = vxs_check_keys(s->path, s->root, top, "", err);
    const vxs_node *sm = vxs_get(s->root, "steps");
    for (size_t i = 0; rc == VX_OK && i < ns; i++) {
        const vxs_node *cfg = vxs_get(sm, steps[i]->name);
        char where[64];
        snprintf(where, sizeof where, "steps.%.40s", steps[i]->name ? steps[i]->name : "");
        if (cfg && cfg->kind == VXS_SCALAR && cfg->value[0] && strcmp(cfg->value, "~") && strcmp(cfg->value, "null"))
            rc = vx_error_set(err, VX_EINVAL, "%s:%d: %s: expected a map of settings (or nothing), got '%s'",
                              s->path, cfg->line, where, cfg->value);
        else if (cfg && cfg->kind == VXS_SEQ)
            rc = vx_error_set(err, VX_EINVAL, "%s:%d: %s: expected a map of settings, got a list", s->path,
                              cfg->line, where);
        else if (cfg && cfg->kind == VXS_MAP)
            rc = vxs_check_keys(s->path, cfg, steps[i]->keys, where, err);
    }
    return rc == VX_OK ? check_required(s, err) : rc;
}

int vx_study_check(const char *study_path, vx_error *err)
{
    if (!study_path)
        return vx_error_set(err, VX_EINVAL, "study: no study file given");
    vxs_study s;
    int rc = vxs_study_parse(study_path, &s, err);
    if (rc == VX_OK)
        rc = vxs_study_check_tree(&s, err);
    vxs_study_free(&s);
    return rc;
}

/* ---- JSON of a node ---- */

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

cJSON *vxs_node_json(const vxs_node *n, int sorted)
{
    if (!n)
        return cJSON_CreateNull();
    if (n->kind == VXS_SCALAR) {
        double d;
        int b;
        if (!sorted && parse_num(n->value, &d))
            return cJSON_CreateNumber(d);
        if (!sorted && parse_bool(n->value, &b))
            return cJSON_CreateBool(b);
        return cJSON_CreateString(n->value);
    }
    cJSON *o = n->kind == VXS_SEQ ? cJSON_CreateArray() : cJSON_CreateObject();
    char **order[256];
    size_t cnt = n->n < 256 ? n->n : 256;
    for (size_t i = 0; i < cnt; i++)
        order[i] = n->kind == VXS_MAP ? &n->keys[i] : NULL;
    if (sorted && n->kind == VXS_MAP)
        qsort(order, cnt, sizeof *order, cmp_keys);
    for (size_t i = 0; o && i < cnt; i++) {
        if (n->kind == VXS_SEQ) {
            cJSON_AddItemToArray(o, vxs_node_json(n->items[i], sorted));
            continue;
        }
        size_t k = (size_t)(order[i] - n->keys);
        cJSON_AddItemToObject(o, n->keys[k], vxs_node_json(n->items[k], sorted));
    }
    return o;
}
