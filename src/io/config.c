/* voxomics: YAML settings files (schema in docs/config.md), on libyaml's document API.
 *
 * The file is read over the defaults already in the settings struct. Every key is checked: an unknown key,
 * a wrong type or an out-of-range value is an error that names the file, the key path and what is accepted.
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
#include "voxomics/extract.h"
#include "voxomics/io.h"

/* The keys of one discretisation section this file gave (NULL: not given), for the consistency checks. */
typedef struct disc_seen {
    const yaml_node_t *section, *method, *bin_width, *bin_count, *min;
} disc_seen;

typedef struct cfg {
    yaml_document_t doc;
    const char *path;
    vx_error *err;
    disc_seen tex, ivh;             /* discretisation.texture / .ivh */
    const yaml_node_t *reseg_range; /* processing.resegmentation.range */
} cfg;

static int fail(cfg *c, const yaml_node_t *n, const char *key, const char *fmt, const char *what)
{
    char msg[700];
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
        yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
        const char *ks = scalar(k);
        if (!ks)
            return fail(c, k, path, "keys must be plain words%s", "");
        int rc = fn(c, path, ks, v, ctx);
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}

static int unknown(cfg *c, yaml_node_t *v, const char *path, const char *key, const char *accepted)
{
    char full[256];
    snprintf(full, sizeof full, "%s%s%s", path, *path ? "." : "", key);
    return fail(c, v, full, "unknown setting; accepted here: %s", accepted);
}

/* ---- sections ---- */
/* A number in [lo, hi] (lo_open / hi_open: the bound itself excluded); NaN and infinities are refused. */
static int get_ranged(cfg *c, const yaml_node_t *n, const char *key, double lo, int lo_open, double hi, int hi_open,
                      const char *unit, double *out)
{
    double v = NAN;
    int rc = get_double(c, n, key, &v);
    if (rc != VX_OK)
        return rc;
    if (!isfinite(v) || (lo_open ? !(v > lo) : !(v >= lo)) || (hi_open ? !(v < hi) : !(v <= hi))) {
        char msg[200];
        snprintf(msg, sizeof msg, "%g is out of range: must be a finite number in %c%g, %g%c%s%s", v, lo_open ? '(' : '[',
                 lo, hi, hi_open ? ')' : ']', *unit ? " " : "", unit);
        return fail(c, n, key, "%s", msg);
    }
    *out = v;
    return VX_OK;
}

static int sec_input(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_settings *s = ctx;
    if (!strcmp(key, "mask_threshold")) /* 0 or less would put the background in the ROI */
        return get_ranged(c, v, "input.mask_threshold", 0.0, 1, 1.0, 0, "", &s->mask_threshold);
    if (!strcmp(key, "mask_label"))
        return get_int(c, v, "input.mask_label", 0, 1 << 30, &s->mask_label);
    return unknown(c, v, path, key, "mask_threshold, mask_label");
}

static int sec_reseg(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_settings *s = ctx;
    if (!strcmp(key, "range")) {
        if (scalar(v) && (!strcasecmp(scalar(v), "none") || !strcasecmp(scalar(v), "null"))) {
            s->reseg_min = s->reseg_max = NAN;
            return VX_OK;
        }
        if (!v || v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.top - v->data.sequence.items.start != 2)
            return fail(c, v, "processing.resegmentation.range", "expected [min, max] (use .nan for an open end)%s",
                        "");
        yaml_node_t *a = yaml_document_get_node(&c->doc, v->data.sequence.items.start[0]);
        yaml_node_t *b = yaml_document_get_node(&c->doc, v->data.sequence.items.start[1]);
        c->reseg_range = v;
        int rc = get_double(c, a, "processing.resegmentation.range[0]", &s->reseg_min);
        if (rc == VX_OK && s->reseg_min == INFINITY)
            return fail(c, a, "processing.resegmentation.range[0]",
                        "min is +.inf (an empty range): give a number, or .nan / -.inf for an open lower end%s", "");
        if (rc == VX_OK)
            rc = get_double(c, b, "processing.resegmentation.range[1]", &s->reseg_max);
        if (rc == VX_OK && s->reseg_max == -INFINITY)
            return fail(c, b, "processing.resegmentation.range[1]",
                        "max is -.inf (an empty range): give a number, or .nan / .inf for an open upper end%s", "");
        if (rc == VX_OK && !isnan(s->reseg_min) && !isnan(s->reseg_max) && s->reseg_min > s->reseg_max) {
            char msg[200];
            snprintf(msg, sizeof msg, "min %g exceeds max %g: give [min, max] with min <= max", s->reseg_min,
                     s->reseg_max);
            return fail(c, v, "processing.resegmentation.range", "%s", msg);
        }
        return rc;
    }
    if (!strcmp(key, "outlier_sigma")) {
        int rc = get_double(c, v, "processing.resegmentation.outlier_sigma", &s->reseg_outlier_sigma);
        if (rc == VX_OK && isnan(s->reseg_outlier_sigma))
            s->reseg_outlier_sigma = 0.0;
        if (rc == VX_OK && !(s->reseg_outlier_sigma >= 0 && isfinite(s->reseg_outlier_sigma)))
            return fail(c, v, "processing.resegmentation.outlier_sigma",
                        "must be a finite number >= 0 (0 = off; IBSI uses 3)%s", "");
        return rc;
    }
    return unknown(c, v, path, key, "range, outlier_sigma");
}

static int get_interp(cfg *c, const yaml_node_t *v, const char *key, int mask, vx_interp *out)
{
    const char *w = scalar(v);
    int m = w ? vx_interp_find(w) : -1;
    if (m < 0 || (mask && m == VX_INTERP_CUBIC))
        return fail(c, v, key, mask ? "expected nearest or linear, got '%s'" : "expected nearest, linear or cubic, got '%s'",
                    w ? w : "(not a word)");
    *out = (vx_interp)m;
    return VX_OK;
}

static int sec_resample(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_settings *s = ctx;
    if (!strcmp(key, "spacing")) {
        const char *k = "processing.resampling.spacing";
        if (scalar(v) && (!strcasecmp(scalar(v), "none") || !strcasecmp(scalar(v), "null"))) {
            s->resample_spacing[0] = s->resample_spacing[1] = s->resample_spacing[2] = NAN;
            return VX_OK;
        }
        long len = v && v->type == YAML_SEQUENCE_NODE ? v->data.sequence.items.top - v->data.sequence.items.start : 0;
        if (len != 2 && len != 3)
            return fail(c, v, k,
                        "expected [x, y, z] in mm (.nan keeps an axis) or [x, y] for in-plane (2D) "
                        "interpolation%s",
                        "");
        s->resample_spacing[2] = NAN;
        for (long i = 0; i < len; i++) {
            yaml_node_t *n = yaml_document_get_node(&c->doc, v->data.sequence.items.start[i]);
            int rc = get_double(c, n, k, &s->resample_spacing[i]);
            if (rc != VX_OK)
                return rc;
            if (!isnan(s->resample_spacing[i]) &&
                !(s->resample_spacing[i] >= VX_SPACING_MIN_MM && s->resample_spacing[i] <= 1e4)) {
                char msg[200];
                snprintf(msg, sizeof msg, "%g mm is out of range: a spacing must lie in [%g, 10000] mm (.nan keeps the "
                         "axis)", s->resample_spacing[i], VX_SPACING_MIN_MM);
                return fail(c, n, k, "%s", msg);
            }
        }
        return VX_OK;
    }
    if (!strcmp(key, "method"))
        return get_interp(c, v, "processing.resampling.method", 0, &s->interp);
    if (!strcmp(key, "mask_method"))
        return get_interp(c, v, "processing.resampling.mask_method", 1, &s->mask_interp);
    if (!strcmp(key, "mask_partial_volume")) {
        int rc = get_double(c, v, "processing.resampling.mask_partial_volume", &s->mask_partial_volume);
        if (rc == VX_OK && !(s->mask_partial_volume > 0 && s->mask_partial_volume <= 1)) {
            char msg[120];
            snprintf(msg, sizeof msg, "%g is out of range: must lie in (0, 1]", s->mask_partial_volume);
            return fail(c, v, "processing.resampling.mask_partial_volume", "%s", msg);
        }
        return rc;
    }
    return unknown(c, v, path, key, "spacing, method, mask_method, mask_partial_volume");
}

static int sec_processing(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_settings *s = ctx;
    if (!strcmp(key, "round_intensities"))
        return get_bool(c, v, "processing.round_intensities", &s->round_intensities);
    if (!strcmp(key, "resampling"))
        return each_pair(c, v, "processing.resampling", sec_resample, s);
    if (!strcmp(key, "resegmentation"))
        return each_pair(c, v, "processing.resegmentation", sec_reseg, s);
    return unknown(c, v, path, key, "round_intensities, resampling, resegmentation");
}

typedef struct {
    vx_discretisation *d;
    disc_seen *seen;
    char path[64];
} disc_ctx;

static int sec_disc_one(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    disc_ctx *dc = ctx;
    char full[128];
    snprintf(full, sizeof full, "%s.%s", path, key);
    if (!strcmp(key, "method")) {
        const char *m = scalar(v);
        if (m && !strcasecmp(m, "none"))
            dc->d->method = VX_DISC_NONE;
        else if (m && (!strcasecmp(m, "fixed_bin_size") || !strcasecmp(m, "fbs")))
            dc->d->method = VX_DISC_FBS;
        else if (m && (!strcasecmp(m, "fixed_bin_number") || !strcasecmp(m, "fbn")))
            dc->d->method = VX_DISC_FBN;
        else
            return fail(c, v, full, "expected none, fixed_bin_size or fixed_bin_number, got '%s'", m ? m : "?");
        dc->seen->method = v;
        return VX_OK;
    }
    if (!strcmp(key, "bin_width")) {
        dc->seen->bin_width = v;
        return get_ranged(c, v, full, 0.0, 1, 1e15, 0, "", &dc->d->bin_width);
    }
    if (!strcmp(key, "bin_count")) {
        dc->seen->bin_count = v;
        return get_int(c, v, full, 1, 1 << 24, &dc->d->bin_count);
    }
    if (!strcmp(key, "min")) {
        dc->seen->min = v;
        int rc = get_double(c, v, full, &dc->d->min_value);
        if (rc == VX_OK && isinf(dc->d->min_value))
            return fail(c, v, full, "must be a finite number, or .nan for the default (the re-segmentation minimum, "
                        "else the ROI minimum)%s", "");
        return rc;
    }
    return unknown(c, v, path, key, "method, bin_width, bin_count, min");
}

static const char *method_word(vx_disc_method m)
{
    return m == VX_DISC_FBS ? "fixed_bin_size" : m == VX_DISC_FBN ? "fixed_bin_number" : "none";
}

/* The keys of one discretisation section must fit its method: fixed_bin_size needs bin_width (min
 * optional), fixed_bin_number needs bin_count, and a key of another method is an error, not ignored. */
static int check_disc(cfg *c, const char *sec, const vx_discretisation *d, const disc_seen *seen)
{
    char key[96];
    const yaml_node_t *at = seen->method ? seen->method : seen->section;
    if (d->method == VX_DISC_FBS && !(d->bin_width > 0)) {
        snprintf(key, sizeof key, "%s.bin_width", sec);
        return fail(c, at, key, "method fixed_bin_size needs bin_width, a number > 0 (e.g. 25 for CT in HU)%s", "");
    }
    if (d->method == VX_DISC_FBN && d->bin_count < 1) {
        snprintf(key, sizeof key, "%s.bin_count", sec);
        return fail(c, at, key, "method fixed_bin_number needs bin_count, an integer in 1..16777216%s", "");
    }
    struct {
        const yaml_node_t *n;
        const char *name;
        vx_disc_method only;
    } k[3] = {{seen->bin_width, "bin_width", VX_DISC_FBS},
              {seen->min, "min", VX_DISC_FBS},
              {seen->bin_count, "bin_count", VX_DISC_FBN}};
    for (int i = 0; i < 3; i++)
        if (k[i].n && d->method != k[i].only) {
            char msg[300];
            snprintf(key, sizeof key, "%s.%s", sec, k[i].name);
            snprintf(msg, sizeof msg, "applies to method %s only, but the method is %s: remove %s or set method: %s",
                     method_word(k[i].only), method_word(d->method), k[i].name, method_word(k[i].only));
            return fail(c, k[i].n, key, "%s", msg);
        }
    return VX_OK;
}

static int sec_disc(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_settings *s = ctx;
    disc_ctx dc;
    if (!strcmp(key, "texture")) {
        dc.d = &s->texture_disc;
        dc.seen = &c->tex;
    } else if (!strcmp(key, "ivh")) {
        dc.d = &s->ivh_disc;
        dc.seen = &c->ivh;
    } else {
        return unknown(c, v, path, key, "texture, ivh");
    }
    memset(dc.seen, 0, sizeof *dc.seen);
    dc.seen->section = v;
    snprintf(dc.path, sizeof dc.path, "discretisation.%s", key);
    int rc = each_pair(c, v, dc.path, sec_disc_one, &dc);
    return rc == VX_OK ? check_disc(c, dc.path, dc.d, dc.seen) : rc;
}

/* A fixed-bin-size lower bound above the re-segmentation range would put ROI intensities below bin 1. */
static int check_disc_min(cfg *c, const char *sec, const vx_discretisation *d, const disc_seen *seen,
                          const vx_settings *s)
{
    if (d->method != VX_DISC_FBS || isnan(d->min_value) || !seen->min)
        return VX_OK;
    double lo = s->reseg_min, hi = s->reseg_max;
    char key[96], msg[400];
    snprintf(key, sizeof key, "%s.min", sec);
    if ((isfinite(lo) && d->min_value > lo) || (!isnan(hi) && d->min_value > hi)) {
        snprintf(msg, sizeof msg, "%g lies above the re-segmentation %s bound %g (processing.resegmentation.range): "
                 "intensities in between would fall below bin 1; set min <= %g or leave it out",
                 d->min_value, isfinite(lo) && d->min_value > lo ? "lower" : "upper",
                 isfinite(lo) && d->min_value > lo ? lo : hi, isfinite(lo) && d->min_value > lo ? lo : hi);
        return fail(c, seen->min, key, "%s", msg);
    }
    return VX_OK;
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
        yaml_node_t *n = yaml_document_get_node(&c->doc, *it);
        const char *w = scalar(n);
        if (!w || add(w, ctx) != VX_OK) {
            char msg[600];
            snprintf(msg, sizeof msg, "unknown value '%s'; accepted: %s", w ? w : "?", accepted);
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
    /* "2D", "2.5D", "3D" as dimensions select every aggregation of that dimensionality */
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

static int sec_glcm(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_feature_settings *fs = ctx;
    if (!strcmp(key, "distance"))
        return get_int(c, v, "features.glcm.distance", 1, 64, &fs->glcm_distance);
    if (!strcmp(key, "symmetric"))
        return get_bool(c, v, "features.glcm.symmetric", &fs->glcm_symmetric);
    return unknown(c, v, path, key, "distance, symmetric");
}

static int sec_zone(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_feature_settings *fs = ctx;
    if (!strcmp(key, "linkage_distance"))
        return get_int(c, v, "features.zones.linkage_distance", 1, 64, &fs->zone_linkage);
    return unknown(c, v, path, key, "linkage_distance");
}

static int sec_ngtdm(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_feature_settings *fs = ctx;
    if (!strcmp(key, "distance"))
        return get_int(c, v, "features.ngtdm.distance", 1, 64, &fs->ngtdm_distance);
    return unknown(c, v, path, key, "distance");
}

static int sec_ngldm(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_feature_settings *fs = ctx;
    if (!strcmp(key, "distance"))
        return get_int(c, v, "features.ngldm.distance", 1, 64, &fs->ngldm_distance);
    if (!strcmp(key, "coarseness"))
        return get_int(c, v, "features.ngldm.coarseness", 0, 1 << 20, &fs->ngldm_coarseness);
    return unknown(c, v, path, key, "distance, coarseness");
}

static int sec_local(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_feature_settings *fs = ctx;
    if (!strcmp(key, "sphere_volume_cc")) {
        return get_ranged(c, v, "features.local_intensity.sphere_volume_cc", 0.0, 1, 1e4, 1, "cm^3",
                          &fs->peak_volume_cc);
    }
    return unknown(c, v, path, key, "sphere_volume_cc");
}

static int sec_features(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_feature_settings *fs = ctx;
    if (!strcmp(key, "families")) {
        fs->families = 0;
        int rc = word_list(c, v, "features.families", add_family, &fs->families,
                           "all, morphology, local_intensity, statistics, intensity_histogram, "
                           "intensity_volume_histogram, glcm, glrlm, glszm, gldzm, ngtdm, ngldm");
        if (rc == VX_OK && !fs->families)
            return fail(c, v, "features.families", "an empty list computes nothing: name at least one family, or all%s",
                        "");
        return rc;
    }
    if (!strcmp(key, "aggregations")) {
        fs->aggregations = 0;
        int rc = word_list(c, v, "features.aggregations", add_agg, &fs->aggregations,
                           "all, 2D_all, 2.5D_all, 3D_all, 2D_avg, 2D_smrg, 2.5D_dmrg, 2.5D_mrg, 3D_avg, 3D_mrg, 2D, "
                           "2.5D, 3D (or the IBSI codes BTW3, SUJT, JJUI, ZW7Z, ITBB, IAZD, 8QNN, 62GR, KOBO)");
        if (rc == VX_OK && !fs->aggregations)
            return fail(c, v, "features.aggregations",
                        "an empty list computes no texture feature: name at least one aggregation, or all%s", "");
        return rc;
    }
    if (!strcmp(key, "glcm"))
        return each_pair(c, v, "features.glcm", sec_glcm, fs);
    if (!strcmp(key, "zones"))
        return each_pair(c, v, "features.zones", sec_zone, fs);
    if (!strcmp(key, "ngtdm"))
        return each_pair(c, v, "features.ngtdm", sec_ngtdm, fs);
    if (!strcmp(key, "ngldm"))
        return each_pair(c, v, "features.ngldm", sec_ngldm, fs);
    if (!strcmp(key, "local_intensity"))
        return each_pair(c, v, "features.local_intensity", sec_local, fs);
    return unknown(c, v, path, key, "families, aggregations, glcm, zones, ngtdm, ngldm, local_intensity");
}

static int sec_root(cfg *c, const char *path, const char *key, yaml_node_t *v, void *ctx)
{
    vx_settings *s = ctx;
    if (!strcmp(key, "version")) {
        int ver;
        int rc = get_int(c, v, "version", 1, 1, &ver);
        return rc;
    }
    if (!strcmp(key, "description"))
        return VX_OK;
    if (!strcmp(key, "input"))
        return each_pair(c, v, "input", sec_input, s);
    if (!strcmp(key, "processing"))
        return each_pair(c, v, "processing", sec_processing, s);
    if (!strcmp(key, "discretisation"))
        return each_pair(c, v, "discretisation", sec_disc, s);
    if (!strcmp(key, "features"))
        return each_pair(c, v, "features", sec_features, &s->features);
    if (!strcmp(key, "threads"))
        return get_int(c, v, "threads", 0, 4096, &s->features.threads);
    if (!strcmp(key, "diagnostics"))
        return get_bool(c, v, "diagnostics", &s->diagnostics);
    if (!strcmp(key, "compat")) {
        const char *w = scalar(v);
        int m = w ? vx_compat_find(w) : -1;
        if (m < 0)
            return fail(c, v, "compat", "expected ibsi or pyradiomics, got '%s'", w ? w : "(not a word)");
        s->compat = m;
        return VX_OK;
    }
    if (!strcmp(key, "voxel_array_shift"))
        return get_ranged(c, v, "voxel_array_shift", -1e15, 0, 1e15, 0, "", &s->voxel_shift);
    return unknown(c, v, path, key,
                   "version, description, input, processing, discretisation, features, diagnostics, threads, "
                   "compat, voxel_array_shift");
}

int vx_settings_load(const char *path, vx_settings *s, vx_error *err)
{
    if (!path || !s)
        return vx_error_set(err, VX_EINVAL, "settings: NULL argument");
    int prc = vx_path_check(path, 0, "settings file", err); /* a fifo would block in fopen */
    if (prc != VX_OK)
        return prc;
    FILE *f = fopen(path, "rb");
    if (!f)
        return vx_error_set(err, VX_EIO, "%s: cannot open settings file: %s", path, strerror(errno));
    yaml_parser_t parser;
    cfg c = {.path = path, .err = err};
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return vx_error_set(err, VX_ENOMEM, "%s: cannot initialise the YAML parser", path);
    }
    yaml_parser_set_input_file(&parser, f);
    int rc = VX_OK;
    if (!yaml_parser_load(&parser, &c.doc)) {
        rc = vx_error_set(err, VX_EFORMAT, "%s:%lu: YAML syntax error: %s", path,
                          (unsigned long)parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
        yaml_parser_delete(&parser);
        fclose(f);
        return rc;
    }
    yaml_node_t *root = yaml_document_get_root_node(&c.doc);
    if (root && vx_pyrad_is_params(&c.doc, root)) /* a PyRadiomics parameter file (src/io/pyrad_params.c) */
        rc = vx_pyrad_params_load(&c.doc, root, path, s, err);
    else if (root) { /* an empty file means: all defaults */
        rc = each_pair(&c, root, "", sec_root, s);
        if (rc == VX_OK)
            rc = check_disc_min(&c, "discretisation.texture", &s->texture_disc, &c.tex, s);
        if (rc == VX_OK)
            rc = check_disc_min(&c, "discretisation.ivh", &s->ivh_disc, &c.ivh, s);
    }
    yaml_document_delete(&c.doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}

static const char *disc_name(vx_disc_method m)
{
    return m == VX_DISC_FBS ? "fbs" : m == VX_DISC_FBN ? "fbn" : "none";
}

int vx_settings_canonical(const vx_settings *s, char *buf, size_t len)
{
    const vx_feature_settings *fs = &s->features;
    int n = snprintf(buf, len,
                     "mask_threshold=%.17g;mask_label=%d;round=%d;reseg=%.17g,%.17g;outlier=%.17g;"
                     "tex=%s,%.17g,%d,%.17g;ivh=%s,%.17g,%d,%.17g;families=%u;aggs=%u;glcm=%d,%d;ngtdm=%d;"
                     "ngldm=%d,%d;zone=%d;peak=%.17g",
                     s->mask_threshold, s->mask_label, s->round_intensities, s->reseg_min, s->reseg_max,
                     s->reseg_outlier_sigma, disc_name(s->texture_disc.method), s->texture_disc.bin_width,
                     s->texture_disc.bin_count, s->texture_disc.min_value, disc_name(s->ivh_disc.method),
                     s->ivh_disc.bin_width, s->ivh_disc.bin_count, s->ivh_disc.min_value, fs->families,
                     fs->aggregations, fs->glcm_distance, fs->glcm_symmetric, fs->ngtdm_distance, fs->ngldm_distance,
                     fs->ngldm_coarseness, fs->zone_linkage, fs->peak_volume_cc);
    if (n < 0 || (size_t)n >= len)
        return VX_EINVAL;
    /* settings added later are written only when they differ from the defaults, so that the text (and the
     * hash) of earlier settings files stays the same */
    size_t used = (size_t)n;
    if (!isnan(s->resample_spacing[0]) || !isnan(s->resample_spacing[1]) || !isnan(s->resample_spacing[2]))
        n = snprintf(buf + used, len - used, ";resample=%.17g,%.17g,%.17g,%s,%s,%.17g", s->resample_spacing[0],
                     s->resample_spacing[1], s->resample_spacing[2], vx_interp_name(s->interp),
                     vx_interp_name(s->mask_interp), s->mask_partial_volume);
    else
        n = 0;
    if (n < 0 || (used += (size_t)n) >= len)
        return VX_EINVAL;
    if (s->diagnostics && (n = snprintf(buf + used, len - used, ";diagnostics=1")) >= 0)
        used += (size_t)n;
    if (n < 0 || used >= len)
        return VX_EINVAL;
    /* compatibility mode, its voxelArrayShift and a requested feature subset: only when not the default */
    if (s->compat != VX_COMPAT_IBSI) {
        n = snprintf(buf + used, len - used, ";compat=%s", vx_compat_name(s->compat));
        if (n < 0 || (used += (size_t)n) >= len)
            return VX_EINVAL;
        if (s->voxel_shift != 0.0 &&
            ((n = snprintf(buf + used, len - used, ";voxel_shift=%.17g", s->voxel_shift)) < 0 ||
             (used += (size_t)n) >= len))
            return VX_EINVAL;
    }
    if (s->feature_subset) {
        n = snprintf(buf + used, len - used, ";subset=");
        if (n < 0 || (used += (size_t)n) >= len)
            return VX_EINVAL;
        for (size_t i = 0; i < sizeof s->feature_bits; i++) {
            n = snprintf(buf + used, len - used, "%02x", s->feature_bits[i]);
            if (n < 0 || (used += (size_t)n) >= len)
                return VX_EINVAL;
        }
    }
    return VX_OK;
}
