/* voxomics: ComBat, saving and loading a fit (JSON; numbers written %.17g so a loaded fit applies exactly as
 * the saved one). See include/voxomics/combat.h.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "voxomics/io.h"

#include "harmonize/combat_impl.h"

#define COMBAT_FORMAT "voxomics-combat"
#define COMBAT_VERSION 1

/* An array of doubles written with %.17g (cJSON's own printer may drop the last bits). */
static cJSON *num_array(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    char buf[40];
    for (size_t i = 0; a && i < n; i++) {
        snprintf(buf, sizeof buf, "%.17g", v[i]);
        cJSON *x = cJSON_CreateRaw(buf);
        if (!x || !cJSON_AddItemToArray(a, x)) {
            cJSON_Delete(x);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

static int add(cJSON *obj, const char *key, cJSON *item)
{
    if (!item)
        return -1;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return -1;
    }
    return 0;
}

int vx_combat_save(const vx_combat_fit *f, const char *path, vx_error *err)
{
    if (!f || !path)
        return vx_error_set(err, VX_EINVAL, "combat save: NULL model or path");
    const size_t p = f->p;
    cJSON *root = cJSON_CreateObject(), *opt = cJSON_CreateObject(), *batches = cJSON_CreateArray(),
          *feats = cJSON_CreateArray(), *skipped = cJSON_CreateArray(), *beta = cJSON_CreateArray();
    int bad = !root || !opt || !batches || !feats || !skipped || !beta;
    if (bad) {
        cJSON_Delete(root);
        cJSON_Delete(opt);
        cJSON_Delete(batches);
        cJSON_Delete(feats);
        cJSON_Delete(skipped);
        cJSON_Delete(beta);
        return vx_error_set(err, VX_ENOMEM, "combat save: out of memory");
    }
    bad |= add(opt, "parametric", cJSON_CreateBool(f->opt.parametric != 0));
    bad |= add(opt, "eb", cJSON_CreateBool(f->opt.eb != 0));
    bad |= add(opt, "mean_only", cJSON_CreateBool(f->opt.mean_only != 0));
    bad |= add(opt, "skip_constant", cJSON_CreateBool(f->opt.skip_constant != 0));
    bad |= add(opt, "ref_batch",
               f->opt.ref_batch >= 0 ? cJSON_CreateString(f->batch_names[f->opt.ref_batch]) : cJSON_CreateNull());
    for (size_t b = 0; b < f->nb; b++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(batches, o)) {
            cJSON_Delete(o);
            bad = 1;
            break;
        }
        bad |= add(o, "name", cJSON_CreateString(f->batch_names[b]));
        bad |= add(o, "n", cJSON_CreateNumber((double)f->batch_n[b]));
        bad |= add(o, "gamma_star", num_array(f->gamma + b * p, p)) != 0;
        bad |= add(o, "delta_star", num_array(f->delta + b * p, p)) != 0;
    }
    for (size_t j = 0; j < p && !bad; j++) {
        cJSON *s = cJSON_CreateString(f->feature_names[j]);
        if (!s || !cJSON_AddItemToArray(feats, s)) {
            cJSON_Delete(s);
            bad = 1;
        }
    }
    for (size_t k = 0; k < f->n_skipped && !bad; k++) {
        cJSON *s = cJSON_CreateNumber((double)f->skipped[k]);
        if (!s || !cJSON_AddItemToArray(skipped, s)) {
            cJSON_Delete(s);
            bad = 1;
        }
    }
    for (size_t c = 0; c < f->q && !bad; c++) {
        cJSON *a = num_array(f->beta + c * p, p);
        if (!a || !cJSON_AddItemToArray(beta, a)) {
            cJSON_Delete(a);
            bad = 1;
        }
    }
    bad |= add(root, "format", cJSON_CreateString(COMBAT_FORMAT));
    bad |= add(root, "version", cJSON_CreateNumber(COMBAT_VERSION));
    bad |= add(root, "options", opt);
    bad |= add(root, "features", feats);
    bad |= add(root, "batches", batches);
    bad |= add(root, "n_covariates", cJSON_CreateNumber((double)f->q));
    bad |= add(root, "skipped", skipped);
    bad |= add(root, "note", cJSON_CreateString(f->note ? f->note : ""));
    bad |= add(root, "grand_mean", num_array(f->grand, p));
    bad |= add(root, "var_pooled", num_array(f->var, p));
    bad |= add(root, "beta_covariates", beta);
    char *text = bad ? NULL : cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!text)
        return vx_error_set(err, VX_ENOMEM, "combat save: out of memory writing the model");
    vx_outfile *of; /* atomic for files; "-", fifos, devices as streams (io.h) */
    FILE *fp = vx_outfile_open(path, &of, err);
    if (!fp) {
        free(text);
        return vx_error_prefix(err, "combat save: ");
    }
    size_t len = strlen(text);
    int ok = fwrite(text, 1, len, fp) == len && fputc('\n', fp) != EOF;
    free(text);
    if (!ok) {
        vx_outfile_abort(of);
        return vx_error_set(err, VX_EIO, "combat save: write error on '%s' (disk full?)", path);
    }
    return vx_outfile_commit(of, err) == VX_OK ? VX_OK : vx_error_prefix(err, "combat save: ");
}

/* Read n finite doubles from a JSON array. */
static int get_nums(const cJSON *a, double *v, size_t n)
{
    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
        return -1;
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a)
    {
        if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
            return -1;
        v[i++] = x->valuedouble;
    }
    return 0;
}

/* A non-negative integer-valued JSON number, or -1. */
static double get_count(const cJSON *x)
{
    if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0.0) || x->valuedouble > 1e15 ||
        x->valuedouble != floor(x->valuedouble))
        return -1.0;
    return x->valuedouble;
}

static int get_bool(const cJSON *o, const char *key, int *v)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsBool(x))
        return -1;
    *v = cJSON_IsTrue(x) ? 1 : 0;
    return 0;
}

/* The whole file as a NUL-terminated string (*text malloc'ed). */
static int read_text(const char *path, char **out, size_t *outlen, vx_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return vx_error_set(err, VX_EIO, "combat load: cannot open '%s': %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            size_t nc = cap ? 2 * cap : 1 << 20;
            char *t = realloc(text, nc + 1);
            if (!t) {
                free(text);
                fclose(fp);
                return vx_error_set(err, VX_ENOMEM, "combat load: out of memory reading '%s'", path);
            }
            text = t;
            cap = nc;
        }
        size_t got = fread(text + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    int rerr = ferror(fp);
    fclose(fp);
    if (rerr) {
        free(text);
        return vx_error_set(err, VX_EIO, "combat load: read error on '%s'", path);
    }
    text[len] = '\0';
    *out = text;
    *outlen = len;
    return VX_OK;
}

/* What a load step returns when memory ran out (compared by address). */
static const char load_nomem[] = "out of memory";

/* The members of the model file and its sizes. */
typedef struct members {
    const cJSON *opt, *feats, *batches, *skipped, *note, *beta;
    size_t p, nb, q;
} members;

/* Format, version, the required members and consistent sizes: NULL, or why not. */
static const char *load_members(const cJSON *root, members *m)
{
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    const cJSON *nq = cJSON_GetObjectItemCaseSensitive(root, "n_covariates");
    m->opt = cJSON_GetObjectItemCaseSensitive(root, "options");
    m->feats = cJSON_GetObjectItemCaseSensitive(root, "features");
    m->batches = cJSON_GetObjectItemCaseSensitive(root, "batches");
    m->skipped = cJSON_GetObjectItemCaseSensitive(root, "skipped");
    m->note = cJSON_GetObjectItemCaseSensitive(root, "note");
    m->beta = cJSON_GetObjectItemCaseSensitive(root, "beta_covariates");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, COMBAT_FORMAT) != 0)
        return "not a voxomics ComBat model (\"format\" is not \"" COMBAT_FORMAT "\")";
    if (get_count(ver) != COMBAT_VERSION)
        return "unsupported model version (this build reads version 1)";
    if (!cJSON_IsObject(m->opt) || !cJSON_IsArray(m->feats) || !cJSON_IsArray(m->batches) || get_count(nq) < 0 ||
        !cJSON_IsArray(m->skipped) || !cJSON_IsString(m->note) || !cJSON_IsArray(m->beta))
        return "a required member (options, features, batches, n_covariates, skipped, note, beta_covariates) is "
               "missing or of the wrong type";
    m->p = (size_t)cJSON_GetArraySize(m->feats);
    m->nb = (size_t)cJSON_GetArraySize(m->batches);
    m->q = (size_t)get_count(nq);
    if (m->p < 1 || m->nb < 2 || (size_t)cJSON_GetArraySize(m->beta) != m->q)
        return "sizes are inconsistent (need >= 1 feature, >= 2 batches, one beta row per covariate)";
    return NULL;
}

/* The options (but the reference batch) and the feature names. */
static const char *load_options_features(const members *m, vx_combat_fit *f)
{
    vx_combat_options_default(&f->opt);
    if (get_bool(m->opt, "parametric", &f->opt.parametric) || get_bool(m->opt, "eb", &f->opt.eb) ||
        get_bool(m->opt, "mean_only", &f->opt.mean_only) || get_bool(m->opt, "skip_constant", &f->opt.skip_constant))
        return "options must hold the booleans parametric, eb, mean_only, skip_constant";
    size_t j = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, m->feats)
    {
        if (!cJSON_IsString(x))
            return "a feature name is not a string";
        if (!(f->feature_names[j++] = vxc_xstrdup(x->valuestring)))
            return load_nomem;
    }
    return NULL;
}

/* The batches (names, sizes, gamma*, delta*) and the reference batch. */
static const char *load_batches(const members *m, vx_combat_fit *f)
{
    const size_t p = m->p;
    size_t b = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, m->batches)
    {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(x, "name");
        double cnt = get_count(cJSON_GetObjectItemCaseSensitive(x, "n"));
        if (!cJSON_IsString(nm) || !nm->valuestring[0] || cnt < 1.0 ||
            get_nums(cJSON_GetObjectItemCaseSensitive(x, "gamma_star"), f->gamma + b * p, p) ||
            get_nums(cJSON_GetObjectItemCaseSensitive(x, "delta_star"), f->delta + b * p, p))
            return "a batch needs a name, a sample count n >= 1 and p finite gamma_star and delta_star values";
        for (size_t c = 0; c < b; c++)
            if (strcmp(f->batch_names[c], nm->valuestring) == 0)
                return "a batch name is given twice";
        if (!(f->batch_names[b] = vxc_xstrdup(nm->valuestring)))
            return load_nomem;
        f->batch_n[b] = (size_t)cnt;
        b++;
    }
    const cJSON *rb = cJSON_GetObjectItemCaseSensitive(m->opt, "ref_batch");
    f->opt.ref_batch = -1;
    if (cJSON_IsString(rb)) {
        for (b = 0; b < m->nb; b++)
            if (strcmp(f->batch_names[b], rb->valuestring) == 0)
                f->opt.ref_batch = (int)b;
        if (f->opt.ref_batch < 0)
            return "the reference batch is not one of the batches";
    } else if (!cJSON_IsNull(rb)) {
        return "options.ref_batch must be a batch name or null";
    }
    return NULL;
}

/* The skipped features, the note, grand mean, pooled variance and covariate coefficients, and the positivity of
 * the scales of every harmonised feature. */
static const char *load_location_scale(const cJSON *root, const members *m, vx_combat_fit *f)
{
    const size_t p = m->p;
    const cJSON *x;
    cJSON_ArrayForEach(x, m->skipped)
    {
        double v = get_count(x);
        if (v < 0.0 || v >= (double)p || (f->n_skipped && (size_t)v <= f->skipped[f->n_skipped - 1]))
            return "skipped must list ascending feature indices below the number of features";
        f->skipped[f->n_skipped++] = (size_t)v;
        f->skip[(size_t)v] = 1;
    }
    if (!(f->note = vxc_xstrdup(m->note->valuestring)))
        return load_nomem;
    if (get_nums(cJSON_GetObjectItemCaseSensitive(root, "grand_mean"), f->grand, p) ||
        get_nums(cJSON_GetObjectItemCaseSensitive(root, "var_pooled"), f->var, p))
        return "grand_mean and var_pooled must hold one finite number per feature";
    size_t c = 0;
    cJSON_ArrayForEach(x, m->beta)
    {
        if (get_nums(x, f->beta + c * p, p))
            return "every beta_covariates row must hold one finite number per feature";
        c++;
    }
    for (size_t j = 0; j < p; j++) {
        if (f->skip[j])
            continue;
        if (!(f->var[j] > 0.0))
            return "var_pooled must be positive for every harmonised feature";
        for (size_t b = 0; b < m->nb; b++)
            if (!(f->delta[b * p + j] > 0.0))
                return "delta_star must be positive for every harmonised feature";
    }
    return NULL;
}

int vx_combat_load(const char *path, vx_combat_fit **out, vx_error *err)
{
    if (!out || !path)
        return vx_error_set(err, VX_EINVAL, "combat load: NULL path or model");
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    int rc = read_text(path, &text, &len, err);
    if (rc)
        return rc;
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    if (!root)
        return vx_error_set(err, VX_EFORMAT, "combat load: '%s' is not valid JSON", path);
    members m;
    vx_combat_fit *f = NULL;
    const char *why = load_members(root, &m);
    if (!why) {
        f = vxc_fit_alloc(m.p, m.nb, m.q);
        if (!f) {
            cJSON_Delete(root);
            return vx_error_set(err, VX_ENOMEM, "combat load: out of memory");
        }
        if (!(why = load_options_features(&m, f)) && !(why = load_batches(&m, f)))
            why = load_location_scale(root, &m, f);
    }
    cJSON_Delete(root);
    if (!why) {
        *out = f;
        return VX_OK;
    }
    vx_combat_free(f);
    if (why == load_nomem)
        return vx_error_set(err, VX_ENOMEM, "combat load: out of memory reading '%s'", path);
    return vx_error_set(err, VX_EFORMAT, "combat load: '%s': %s", path, why);
}
