/* voxomics: the study's data: paths, loading and joining the feature, clinical and batch tables, the running
 * step's inputs, atomic outputs and JSON helpers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "study/runner.h"
#include "voxomics/extract.h"
#include "voxomics/io.h"

/* Lexically: drop "." components and "dir/.." pairs ("/work/main/../shared/x" -> "/work/shared/x"), so that
 * provenance shows where a file is; a leading ".." of a relative path stays. In place. */
static void path_normalise(char *p)
{
    const int abs = p[0] == '/';
    const size_t cap = strlen(p) + 1; /* the result is never longer */
    char *parts[PATH_MAX / 2];
    size_t n = 0;
    for (char *save = NULL, *c = strtok_r(p, "/", &save); c && n < PATH_MAX / 2; c = strtok_r(NULL, "/", &save)) {
        if (!strcmp(c, "."))
            continue;
        if (!strcmp(c, "..") && n > 0 && strcmp(parts[n - 1], ".."))
            n--;
        else if (!(abs && n == 0 && !strcmp(c, "..")))
            parts[n++] = c;
    }
    char out[PATH_MAX];
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, len < sizeof out ? sizeof out - len : 0, "%s%s", i || abs ? "/" : "",
                                parts[i]);
    snprintf(p, cap, "%s", n || !abs ? out : "/");
}

char *vxs_resolve(const vxs_ctx *ctx, const char *value)
{
    if (!value)
        return NULL;
    char *p;
    if (value[0] == '/' || !ctx->study_dir) {
        p = strdup(value);
    } else {
        size_t n = strlen(ctx->study_dir) + strlen(value) + 2;
        if ((p = malloc(n)))
            snprintf(p, n, "%s/%s", ctx->study_dir, value);
    }
    if (p)
        path_normalise(p);
    return p;
}

int vxs_mkdirs(const char *path, int self, vx_error *err)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    if (!self) {
        char *slash = strrchr(buf, '/');
        if (!slash)
            return VX_OK;
        *slash = '\0';
    }
    for (char *s = buf + 1;; s++) {
        int last = *s == '\0';
        if (*s != '/' && !last)
            continue;
        char keep = *s;
        *s = '\0';
        struct stat st;
        if (buf[0] && stat(buf, &st) != 0 && mkdir(buf, 0777) != 0 && errno != EEXIST)
            return vx_error_set(err, VX_EIO, "%s: cannot create the folder: %s", buf, strerror(errno));
        if (buf[0] && stat(buf, &st) == 0 && !S_ISDIR(st.st_mode))
            return vx_error_set(err, VX_EIO, "%s: exists and is not a folder", buf);
        *s = keep;
        if (last)
            break;
    }
    return VX_OK;
}

char *vxs_outpath(const vxs_ctx *ctx, const char *rel)
{
    size_t n = strlen(ctx->outdir) + strlen(rel) + 2;
    char *p = malloc(n);
    if (!p)
        return NULL;
    snprintf(p, n, "%s/%s", ctx->outdir, rel);
    if (vxs_mkdirs(p, 0, NULL) != VX_OK) {
        free(p);
        return NULL;
    }
    return p;
}

int vxs_abspath(const char *path, char *out, size_t len, vx_error *err)
{
    char cwd[PATH_MAX];
    if (path[0] == '/')
        cwd[0] = '\0';
    else if (!getcwd(cwd, sizeof cwd))
        return vx_error_set(err, VX_EIO, "%s: cannot get the current folder: %s", path, strerror(errno));
    const char *rel = path[0] == '.' && path[1] == '/' ? path + 2 : !strcmp(path, ".") ? "" : path;
    if ((size_t)snprintf(out, len, "%s%s%s", cwd, cwd[0] && rel[0] ? "/" : "", rel) >= len)
        return vx_error_set(err, VX_EINVAL, "%s: path too long", path);
    return VX_OK;
}

int vxs_input(vxs_ctx *ctx, const char *path, vx_error *err)
{
    struct vxs_run *r = ctx->run;
    if (!r || !path)
        return VX_OK;
    char abs[PATH_MAX];
    int rc = vxs_abspath(path, abs, sizeof abs, err);
    if (rc != VX_OK)
        return rc;
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->paths[i], abs))
            return VX_OK;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 8;
        char **p = realloc(r->paths, cap * sizeof *p);
        if (p)
            r->paths = p;
        char(*h)[65] = p ? realloc(r->sha, cap * sizeof *h) : NULL;
        if (!p || !h)
            return vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
        r->sha = h;
        r->cap = cap;
    }
    rc = vx_path_sha256(abs, r->sha[r->n], err);
    if (rc != VX_OK)
        return rc;
    r->paths[r->n] = strdup(abs);
    if (!r->paths[r->n])
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    r->n++;
    return VX_OK;
}

int vxs_set_features(vxs_ctx *ctx, const char *rel, const char *id, vx_error *err)
{
    char *p = vxs_outpath(ctx, rel), *i = id ? strdup(id) : NULL;
    if (!p || (id && !i)) {
        free(p);
        free(i);
        return vx_error_set(err, VX_EIO, "%s/%s: cannot create its folder", ctx->outdir, rel);
    }
    free(ctx->features_path);
    free(ctx->features_id);
    ctx->features_path = p;
    ctx->features_id = i;
    return VX_OK;
}

/* ---- loading ---- */

void vxs_data_free(vxs_data *d)
{
    if (!d)
        return;
    vx_table_free(&d->t);
    free(d->fcols);
    free(d->fnames);
    memset(d, 0, sizeof *d);
}

/* Read inputs.<role> {path, id} and join it onto d->t. */
static int join_table(vxs_ctx *ctx, const char *role, vxs_data *d, vx_error *err)
{
    const vxs_node *m = vxs_get(vxs_get(ctx->root, "inputs"), role);
    if (!m)
        return vx_error_set(err, VX_EINVAL, "%s: the step needs inputs.%s (path, id), which the study does not give",
                            ctx->study_path, role);
    char *path = vxs_resolve(ctx, vxs_str(m, "path", NULL));
    if (!path)
        return vx_error_set(err, VX_EINVAL, "%s:%d: inputs.%s has no path", ctx->study_path, m->line, role);
    vx_table b;
    memset(&b, 0, sizeof b);
    int rc = vxs_input(ctx, path, err);
    if (rc == VX_OK)
        rc = vx_table_read(path, vxs_str(m, "id", NULL), &b, err);
    size_t ua = 0, ub = 0;
    if (rc == VX_OK)
        rc = vx_table_join(&d->t, &b, &ua, &ub, err);
    if (rc == VX_OK && d->t.nrow == 0)
        rc = vx_error_set(err, VX_EINVAL,
                          "%s: inputs.%s (%s): no ID matches the feature table's IDs (check the id columns)",
                          ctx->study_path, role, path);
    d->n_unmatched += ua;
    vx_table_free(&b);
    free(path);
    return rc;
}

/* The numeric columns of the feature table but the outcome and batch columns (when the table carries them). */
static int feature_cols(const vxs_ctx *ctx, vxs_data *d, vx_error *err)
{
    const vxs_node *out = vxs_get(ctx->root, "outcome");
    const char *skip[4] = {vxs_str(out, "label", NULL), vxs_str(out, "time", NULL), vxs_str(out, "event", NULL),
                           vxs_str(vxs_get(vxs_get(ctx->root, "steps"), "harmonization"), "batch", NULL)};
    const char *exc[4];
    size_t ne = 0;
    for (size_t i = 0; i < 4; i++)
        if (skip[i] && vx_table_col(&d->t, skip[i]) >= 0)
            exc[ne++] = skip[i];
    return vx_table_numeric_cols(&d->t, NULL, 0, exc, ne, &d->fcols, &d->p, err);
}

int vxs_load(vxs_ctx *ctx, unsigned what, vxs_data *d, vx_error *err)
{
    memset(d, 0, sizeof *d);
    if (!ctx->features_path)
        return vx_error_set(err, VX_EINVAL, "%s: no feature table (inputs.features or steps.extraction)",
                            ctx->study_path);
    int rc = vxs_input(ctx, ctx->features_path, err);
    if (rc == VX_OK)
        rc = vx_table_read(ctx->features_path, ctx->features_id, &d->t, err);
    /* the features: the numeric columns of the feature table but its ID (cells such as "#NAME?" read as
     * missing) */
    if (rc == VX_OK && (what & VXS_FEATURES))
        rc = feature_cols(ctx, d, err);
    if (rc == VX_OK && (what & VXS_CLINICAL))
        rc = join_table(ctx, "clinical", d, err);
    if (rc == VX_OK && (what & VXS_BATCH))
        rc = join_table(ctx, "batch", d, err);
    if (rc == VX_OK && d->p) {
        d->fnames = malloc(d->p * sizeof *d->fnames);
        if (!d->fnames)
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", ctx->features_path);
        for (size_t j = 0; rc == VX_OK && j < d->p; j++)
            d->fnames[j] = d->t.colnames[d->fcols[j]];
    }
    if (rc != VX_OK)
        vxs_data_free(d);
    return rc;
}

int vxs_col(const vxs_data *d, const char *name, const char *what, size_t *col, vx_error *err)
{
    long c = name ? vx_table_col(&d->t, name) : -1;
    if (c < 0)
        return vx_error_set(err, VX_EINVAL,
                            "%s: no column '%s' in the joined table (features, clinical and batch tables) for %s",
                            d->t.path ? d->t.path : "study", name ? name : "(not given)", what);
    *col = (size_t)c;
    return VX_OK;
}

int vxs_cell_missing(const vx_table *t, size_t i, size_t c)
{
    int m = vx_table_cell_missing(t, i, c);
    return m == 1 || (m == 2 && vx_table_col_numeric(t, c));
}

int vxs_label_rows(vxs_data *d, const char *label, const char *positive, int **y, const char *names[2],
                   size_t *n_missing, vx_error *err)
{
    size_t c = 0;
    *y = NULL;
    *n_missing = 0;
    int rc = vxs_col(d, label, "outcome.label", &c, err);
    unsigned char *keep = rc == VX_OK ? malloc(d->t.nrow + 1) : NULL;
    if (rc == VX_OK && !keep)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; keep && i < d->t.nrow; i++) {
        keep[i] = !vxs_cell_missing(&d->t, i, c);
        *n_missing += !keep[i];
    }
    if (rc == VX_OK && *n_missing)
        rc = vx_table_filter_rows(&d->t, keep, err);
    free(keep);
    if (rc == VX_OK)
        *y = malloc((d->t.nrow + 1) * sizeof **y);
    if (rc == VX_OK && !*y)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK && (rc = vx_table_binary_label(&d->t, c, positive, *y, names, err)) != VX_OK)
        vx_error_prefix(err, "outcome.label '%s': ", label);
    if (rc != VX_OK) {
        free(*y);
        *y = NULL;
    }
    return rc;
}

int vxs_features_matrix(const vxs_data *d, int impute, double **X, vx_error *err)
{
    int rc = vx_table_matrix(&d->t, d->fcols, d->p, X, err);
    if (rc != VX_OK || !impute)
        return rc;
    double *med = malloc((d->p + 1) * sizeof *med);
    rc = med ? vx_impute_fit(*X, d->t.nrow, d->p, med, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (rc == VX_OK)
        vx_impute_apply(*X, d->t.nrow, d->p, med);
    free(med);
    return rc;
}

/* ---- outputs ---- */

static int write_with(const vxs_ctx *ctx, const char *rel, const vx_table *t, const char *text, vx_error *err)
{
    char *path = vxs_outpath(ctx, rel);
    if (!path)
        return vx_error_set(err, VX_EIO, "%s/%s: cannot create its folder", ctx->outdir, rel);
    vx_outfile *of;
    FILE *f = vx_outfile_open(path, &of, err);
    int rc = f ? VX_OK : VX_EIO;
    if (f && t && vx_table_write(f, t) != VX_OK)
        rc = vx_error_set(err, VX_EIO, "%s: cannot write: %s", path, strerror(errno));
    if (f && text && fputs(text, f) < 0)
        rc = vx_error_set(err, VX_EIO, "%s: cannot write: %s", path, strerror(errno));
    if (f && rc == VX_OK)
        rc = vx_outfile_commit(of, err);
    else if (f)
        vx_outfile_abort(of);
    free(path);
    return rc;
}

int vxs_write_table(const vxs_ctx *ctx, const char *rel, const vx_table *t, vx_error *err)
{
    return write_with(ctx, rel, t, NULL, err);
}

int vxs_write_text(const vxs_ctx *ctx, const char *rel, const char *text, vx_error *err)
{
    return write_with(ctx, rel, NULL, text, err);
}

/* Column c of d->t as a feature: its index j in d->fcols, or -1. */
static long feature_index(const vxs_data *d, size_t c)
{
    for (size_t j = 0; j < d->p; j++)
        if (d->fcols[j] == c)
            return (long)j;
    return -1;
}

int vxs_write_features(const vxs_ctx *ctx, const char *rel, const vxs_data *d, const double *X,
                       const unsigned char *drop, vx_error *err)
{
    const vx_table *t = &d->t;
    size_t nc = t->main_ncol ? t->main_ncol : t->ncol;
    long *fj = malloc((nc + 1) * sizeof *fj);
    char *path = fj ? vxs_outpath(ctx, rel) : NULL;
    if (!path) {
        free(fj);
        return vx_error_set(err, VX_EIO, "%s/%s: cannot create its folder", ctx->outdir, rel);
    }
    vx_outfile *of;
    FILE *f = vx_outfile_open(path, &of, err);
    free(path);
    if (!f) {
        free(fj);
        return VX_EIO;
    }
    for (size_t c = 0, first = 1; c < nc; c++) {
        fj[c] = feature_index(d, c);
        if (fj[c] >= 0 && drop && drop[fj[c]])
            continue;
        fputs(first ? "" : ",", f);
        vx_csv_field(f, t->colnames[c]);
        first = 0;
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->nrow; i++) {
        for (size_t c = 0, first = 1; c < nc; c++) {
            if (fj[c] >= 0 && drop && drop[fj[c]])
                continue;
            fputs(first ? "" : ",", f);
            first = 0;
            double v = fj[c] >= 0 && X ? X[i * d->p + (size_t)fj[c]] : 0;
            if (fj[c] < 0 || !X)
                vx_csv_field(f, t->cell[i * t->ncol + c]);
            else if (!isnan(v))
                fprintf(f, "%.17g", v);
        }
        fputc('\n', f);
    }
    free(fj);
    return vx_outfile_commit(of, err);
}

int vxs_write_json(const char *path, const cJSON *doc, vx_error *err)
{
    char *text = cJSON_Print(doc);
    if (!text)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory writing the JSON", path);
    vx_outfile *of;
    FILE *f = vx_outfile_open(path, &of, err);
    int rc = f ? VX_OK : VX_EIO;
    if (f && (fputs(text, f) < 0 || fputc('\n', f) == EOF))
        rc = vx_error_set(err, VX_EIO, "%s: cannot write: %s", path, strerror(errno));
    if (f && rc == VX_OK)
        rc = vx_outfile_commit(of, err);
    else if (f)
        vx_outfile_abort(of);
    free(text);
    return rc;
}

cJSON *vxs_read_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0, r;
    char *buf = malloc(cap);
    while (buf && (r = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (len + 1 == cap) {
            char *g = realloc(buf, cap *= 2);
            if (!g)
                free(buf);
            buf = g;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[len] = '\0';
    cJSON *doc = cJSON_Parse(buf);
    free(buf);
    return doc;
}

int vxs_step_result(vxs_ctx *ctx, const char *step, cJSON **out, vx_error *err)
{
    size_t n = strlen(ctx->outdir) + strlen(step) + 8;
    char *path = malloc(n);
    *out = NULL;
    if (!path)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    snprintf(path, n, "%s/%s.json", ctx->outdir, step);
    struct stat st;
    int rc = stat(path, &st) == 0 ? vxs_input(ctx, path, err) : VX_OK;
    if (rc == VX_OK && stat(path, &st) == 0 && !(*out = vxs_read_json(path)))
        rc = vx_error_set(err, VX_EFORMAT, "%s: not a valid JSON result (run the study with --force)", path);
    free(path);
    return rc;
}

/* ---- JSON helpers ---- */

cJSON *vxs_json_array(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, isfinite(v[i]) ? cJSON_CreateNumber(v[i]) : cJSON_CreateNull());
    return a;
}

cJSON *vxs_json_strings(const char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, v[i] ? cJSON_CreateString(v[i]) : cJSON_CreateNull());
    return a;
}

/* A dotted path ("km.logrank.p", array items by index "folds.3.auc"). */
static const cJSON *json_at(const cJSON *obj, const char *key)
{
    char part[256];
    while (obj && key && *key) {
        const char *dot = strchr(key, '.');
        size_t len = dot ? (size_t)(dot - key) : strlen(key);
        if (len >= sizeof part)
            return NULL;
        memcpy(part, key, len);
        part[len] = '\0';
        char *end;
        long idx = strtol(part, &end, 10);
        if (cJSON_IsArray(obj) && !*end && end != part)
            obj = cJSON_GetArrayItem(obj, (int)idx);
        else
            obj = cJSON_GetObjectItemCaseSensitive(obj, part);
        key = dot ? dot + 1 : NULL;
    }
    return obj;
}

double vxs_json_num(const cJSON *obj, const char *key)
{
    const cJSON *v = json_at(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

double *vxs_json_doubles(const cJSON *obj, const char *key, size_t *n)
{
    const cJSON *a = json_at(obj, key);
    *n = 0;
    if (!cJSON_IsArray(a))
        return NULL;
    size_t cnt = (size_t)cJSON_GetArraySize(a);
    double *v = malloc((cnt ? cnt : 1) * sizeof *v);
    if (!v)
        return NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, a)
        v[(*n)++] = cJSON_IsNumber(it) ? it->valuedouble : NAN;
    return v;
}
