/* voxomics: the settings descriptor (include/voxomics/settings.def) and what comes from it: defaults,
 * validation, the canonical hash text and the settings reference.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "settings/checks.h"
#include "voxomics/settings.h"

_Static_assert(sizeof(vx_interp) == sizeof(int) && sizeof(vx_disc_method) == sizeof(int),
               "enum settings are read and written as int");

#define VX_FIELD(m) offsetof(vx_settings, m)
#define VX_NOFIELD VX_SETTING_NO_FIELD
#define VX_SETTING(GROUP, KEY, TYPE, FIELD, DEF, LO, HI, FLAGS, VALUES, WHEN, IS, HASH, HPOS, HTAG, UNIT, DOC)     \
    {GROUP, KEY, TYPE, FIELD, DEF, LO, HI, FLAGS, VALUES, WHEN, IS, HASH, HPOS, HTAG, UNIT, DOC},
static const vx_setting_info rows[] = {
#include "voxomics/settings.def"
};
#undef VX_SETTING
#undef VX_FIELD
#undef VX_NOFIELD
enum { N_ROWS = sizeof rows / sizeof rows[0] };

size_t vx_setting_count(void)
{
    return N_ROWS;
}

const vx_setting_info *vx_setting_get(size_t i)
{
    return i < N_ROWS ? &rows[i] : NULL;
}

const vx_setting_info *vx_setting_find(const char *key)
{
    for (size_t i = 0; key && i < N_ROWS; i++)
        if (!(rows[i].flags & VX_SF_PART) && !strcmp(rows[i].key, key))
            return &rows[i];
    return NULL;
}

const char *vx_setting_group_name(vx_setting_group g)
{
    static const char *const names[VX_SG_COUNT] = {
        "File", "Input", "Interpolation", "Re-segmentation", "Discretisation", "Image types (IBSI 2 filters)",
        "Families and aggregations", "Output and execution", "Compatibility"};
    return (unsigned)g < VX_SG_COUNT ? names[g] : "?";
}

/* ---- enum words ---- */
typedef struct enum_word {
    vx_setting_enum e;
    int value;
    const char *word, *alias, *hash_word; /* hash_word: the word in the canonical text */
} enum_word;

static const enum_word words[] = {
    {VX_SE_INTERP, VX_INTERP_NEAREST, "nearest", NULL, "nearest"},
    {VX_SE_INTERP, VX_INTERP_LINEAR, "linear", NULL, "linear"},
    {VX_SE_INTERP, VX_INTERP_CUBIC, "cubic", NULL, "cubic"},
    {VX_SE_MASK_INTERP, VX_INTERP_NEAREST, "nearest", NULL, "nearest"},
    {VX_SE_MASK_INTERP, VX_INTERP_LINEAR, "linear", NULL, "linear"},
    {VX_SE_DISC, VX_DISC_NONE, "none", NULL, "none"},
    {VX_SE_DISC, VX_DISC_FBS, "fixed_bin_size", "fbs", "fbs"},
    {VX_SE_DISC, VX_DISC_FBN, "fixed_bin_number", "fbn", "fbn"},
    {VX_SE_COMPAT, VX_COMPAT_IBSI, "ibsi", NULL, "ibsi"},
    {VX_SE_COMPAT, VX_COMPAT_PYRADIOMICS, "pyradiomics", NULL, "pyradiomics"},
    {VX_SE_GLCM_WEIGHT, VX_GLCM_WEIGHT_NONE, "none", NULL, "none"},
    {VX_SE_GLCM_WEIGHT, VX_GLCM_WEIGHT_NO_WEIGHTING, "no_weighting", NULL, "no_weighting"},
    {VX_SE_GLCM_WEIGHT, VX_GLCM_WEIGHT_MANHATTAN, "manhattan", NULL, "manhattan"},
    {VX_SE_GLCM_WEIGHT, VX_GLCM_WEIGHT_EUCLIDEAN, "euclidean", NULL, "euclidean"},
    {VX_SE_GLCM_WEIGHT, VX_GLCM_WEIGHT_INFINITY, "infinity", NULL, "infinity"},
    {VX_SE_RESEG_MODE, VX_PYRAD_RESEG_ABSOLUTE, "absolute", NULL, "absolute"},
    {VX_SE_RESEG_MODE, VX_PYRAD_RESEG_RELATIVE, "relative", NULL, "relative"},
    {VX_SE_RESEG_MODE, VX_PYRAD_RESEG_SIGMA, "sigma", NULL, "sigma"},
    {VX_SE_SLICE_AXIS, VX_SLICE_Z, "z", NULL, "z"},
    {VX_SE_SLICE_AXIS, VX_SLICE_Y, "y", NULL, "y"},
    {VX_SE_SLICE_AXIS, VX_SLICE_X, "x", NULL, "x"},
};
enum { N_WORDS = sizeof words / sizeof words[0] };

static const enum_word *word_of(vx_setting_enum e, int value)
{
    for (size_t i = 0; i < N_WORDS; i++)
        if (words[i].e == e && words[i].value == value)
            return &words[i];
    return NULL;
}

const char *vx_setting_enum_word(vx_setting_enum e, int value)
{
    const enum_word *w = word_of(e, value);
    return w ? w->word : NULL;
}

int vx_setting_enum_find(vx_setting_enum e, const char *word)
{
    for (size_t i = 0; word && i < N_WORDS; i++)
        if (words[i].e == e &&
            (!strcasecmp(word, words[i].word) || (words[i].alias && !strcasecmp(word, words[i].alias))))
            return words[i].value;
    /* the interpolators also take their common synonyms (trilinear, tricubic, nn, ...) */
    if (word && (e == VX_SE_INTERP || e == VX_SE_MASK_INTERP)) {
        int m = vx_interp_find(word);
        if (m >= 0 && word_of(e, m))
            return m;
    }
    return -1;
}

void vx_setting_enum_accepted(vx_setting_enum e, char *buf, size_t len)
{
    size_t n = 0, k = 0, used = 0;
    for (size_t i = 0; i < N_WORDS; i++)
        n += words[i].e == e;
    buf[0] = '\0';
    for (size_t i = 0; i < N_WORDS && used < len; i++) {
        if (words[i].e != e)
            continue;
        k++;
        int w = snprintf(buf + used, len - used, "%s%s", k == 1 ? "" : k == n ? " or " : ", ", words[i].word);
        if (w < 0)
            return;
        used += (size_t)w;
    }
}

const char *vx_compat_name(int compat)
{
    const char *w = vx_setting_enum_word(VX_SE_COMPAT, compat);
    return w ? w : "?";
}

int vx_compat_find(const char *name)
{
    return vx_setting_enum_find(VX_SE_COMPAT, name);
}

/* ---- values ---- */
static void *at(vx_settings *s, const vx_setting_info *r)
{
    return (char *)s + r->offset;
}

static const void *cat(const vx_settings *s, const vx_setting_info *r)
{
    return (const char *)s + r->offset;
}

static int is_int_type(vx_setting_type t)
{
    return t == VX_ST_BOOL || t == VX_ST_INT || t == VX_ST_ENUM || t == VX_ST_SUBSET || t == VX_ST_FILTERS;
}

double vx_setting_value(const vx_settings *s, const vx_setting_info *r)
{
    if (!s || !r || r->offset == VX_SETTING_NO_FIELD)
        return NAN;
    if (is_int_type(r->type))
        return *(const int *)cat(s, r);
    if (r->type == VX_ST_REAL || r->type == VX_ST_SPACING || r->type == VX_ST_RANGE)
        return *(const double *)cat(s, r);
    if (r->type == VX_ST_FAMILIES || r->type == VX_ST_AGGS)
        return *(const unsigned *)cat(s, r);
    return NAN;
}

void vx_setting_set(vx_settings *s, const vx_setting_info *r, double v)
{
    if (!s || !r || r->offset == VX_SETTING_NO_FIELD)
        return;
    if (is_int_type(r->type))
        *(int *)at(s, r) = (int)v;
    else if (r->type == VX_ST_REAL || r->type == VX_ST_RANGE)
        *(double *)at(s, r) = v;
    else if (r->type == VX_ST_SPACING)
        for (int a = 0; a < 3; a++)
            ((double *)at(s, r))[a] = v;
    else if (r->type == VX_ST_FAMILIES)
        *(unsigned *)at(s, r) = v == VX_SETTING_ALL ? (1u << VX_FAM_COUNT) - 1u : (unsigned)v;
    else if (r->type == VX_ST_AGGS)
        *(unsigned *)at(s, r) = v == VX_SETTING_ALL ? VX_AGGS_ALL : (unsigned)v;
}

void vx_setting_reset(vx_settings *s, const vx_setting_info *r)
{
    vx_setting_set(s, r, r->def);
    if (r && r->type == VX_ST_SUBSET)
        memset(s->feature_bits, 0, sizeof s->feature_bits);
}

void vx_settings_default(vx_settings *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < N_ROWS; i++)
        vx_setting_reset(s, &rows[i]);
}

int vx_settings_feature_wanted(const vx_settings *s, vx_feature_id f)
{
    if ((int)f < 0 || f >= VX_F_COUNT)
        return 0;
    return !s->feature_subset || (s->feature_bits[f / 8] >> (f % 8)) & 1u;
}

int vx_setting_applies(const vx_settings *s, const vx_setting_info *r)
{
    if (!r->when)
        return 1;
    const vx_setting_info *c = vx_setting_find(r->when);
    return c && (int)vx_setting_value(s, c) == r->when_value;
}

/* the range as text: "a finite number in (0, 1]", "a finite number >= 0", "an integer in 1..64" */
static void range_text(const vx_setting_info *r, char *buf, size_t len)
{
    const char *u = r->unit && *r->unit ? r->unit : "";
    if (r->type == VX_ST_INT) {
        snprintf(buf, len, "an integer in %d..%d", (int)r->lo, (int)r->hi);
        return;
    }
    if (r->type == VX_ST_BOOL) {
        snprintf(buf, len, "true or false");
        return;
    }
    if (r->type == VX_ST_ENUM) {
        char acc[200];
        vx_setting_enum_accepted(r->values, acc, sizeof acc);
        snprintf(buf, len, "one of %s", acc);
        return;
    }
    const char *nan = r->flags & VX_SF_NAN_OK ? (r->type == VX_ST_SPACING ? " (.nan keeps the axis)" : ", or .nan")
                                              : "";
    if (isinf(r->lo) && isinf(r->hi))
        snprintf(buf, len, "a finite number%s", nan);
    else if (isinf(r->hi))
        snprintf(buf, len, "a finite number %s %g%s%s%s", r->flags & VX_SF_LO_OPEN ? ">" : ">=", r->lo,
                 *u ? " " : "", u, nan);
    else
        snprintf(buf, len, "a finite number in %c%g, %g%c%s%s%s", r->flags & VX_SF_LO_OPEN ? '(' : '[', r->lo, r->hi,
                 r->flags & VX_SF_HI_OPEN ? ')' : ']', *u ? " " : "", u, nan);
}

int vx_setting_in_range(const vx_setting_info *r, double v, char *why, size_t n)
{
    int ok;
    switch (r->type) {
    case VX_ST_BOOL:
        ok = v == 0.0 || v == 1.0;
        break;
    case VX_ST_INT:
        ok = v >= r->lo && v <= r->hi;
        break;
    case VX_ST_ENUM:
        ok = fabs(v) < 1e9 && v == (int)v && word_of(r->values, (int)v) != NULL; /* no cast of NaN / huge */
        break;
    case VX_ST_REAL:
    case VX_ST_SPACING:
    case VX_ST_RANGE:
        if (isnan(v)) {
            ok = (r->flags & VX_SF_NAN_OK) != 0;
            break;
        }
        ok = (r->type == VX_ST_RANGE || isfinite(v)) && ((r->flags & VX_SF_LO_OPEN) ? v > r->lo : v >= r->lo) &&
             ((r->flags & VX_SF_HI_OPEN) ? v < r->hi : v <= r->hi);
        break;
    default:
        ok = 1;
    }
    if (!ok && why) {
        char range[300];
        range_text(r, range, sizeof range);
        const char *u = r->unit && *r->unit ? r->unit : "";
        if (r->type == VX_ST_ENUM) /* named by the doc's words before ':' ("ROI interpolator") */
            snprintf(why, n, "%g is not a valid %.*s: must be %s", v, (int)strcspn(r->doc, ":"), r->doc, range);
        else if (r->type == VX_ST_INT || r->type == VX_ST_BOOL)
            snprintf(why, n, "%.0f is out of range: must be %s", v, range);
        else
            snprintf(why, n, "%g%s%s is out of range: must be %s", v, *u && r->type == VX_ST_SPACING ? " " : "",
                     r->type == VX_ST_SPACING ? u : "", range);
    }
    return ok;
}

/* ---- named cross-key checks (settings/checks.h) ---- */
int vx_settings_check_reseg_order(const vx_settings *s, char *why, size_t n)
{
    if (!isnan(s->reseg_min) && !isnan(s->reseg_max) && s->reseg_min > s->reseg_max) {
        snprintf(why, n, "min %g exceeds max %g: give [min, max] with min <= max", s->reseg_min, s->reseg_max);
        return 0;
    }
    return 1;
}

int vx_settings_check_disc_min(const vx_settings *s, const vx_discretisation *d, char *why, size_t n)
{
    if (d->method != VX_DISC_FBS || isnan(d->min_value))
        return 1;
    double lo = s->reseg_min, hi = s->reseg_max;
    int below_lo = isfinite(lo) && d->min_value > lo;
    if (below_lo || (!isnan(hi) && d->min_value > hi)) {
        double b = below_lo ? lo : hi;
        snprintf(why, n, "%g lies above the re-segmentation %s bound %g (processing.resegmentation.range): "
                 "intensities in between would fall below bin 1; set min <= %g or leave it out",
                 d->min_value, below_lo ? "lower" : "upper", b, b);
        return 0;
    }
    return 1;
}

/* ---- validation ---- */
/* the discretisation rows of one image type's own discretisation d, which stands for the vx_settings member
 * at offset `field` (texture_disc or ivh_disc): each row's value read from d, its WHEN method from d too */
static int validate_disc(size_t field, const vx_discretisation *d, const char *where, vx_error *err)
{
    char why[600];
    const char *base = (const char *)d;
    for (size_t i = 0; i < N_ROWS; i++) {
        const vx_setting_info *r = &rows[i];
        if (r->offset == VX_SETTING_NO_FIELD || r->offset < field || r->offset >= field + sizeof *d)
            continue;
        const char *at_v = base + (r->offset - field);
        double v = is_int_type(r->type) ? *(const int *)(const void *)at_v : *(const double *)(const void *)at_v;
        const vx_setting_info *c = r->when ? vx_setting_find(r->when) : NULL;
        int applies = !c || (c->offset >= field && c->offset < field + sizeof *d &&
                             *(const int *)(const void *)(base + (c->offset - field)) == r->when_value);
        if ((r->flags & (VX_SF_STRICT_WHEN | VX_SF_NEEDED_WHEN)) && !applies)
            continue;
        if (!vx_setting_in_range(r, v, why, sizeof why))
            return vx_error_set(err, VX_EINVAL, "settings: %s: %s: %s", where, r->key, why);
    }
    return VX_OK;
}

static int validate_image_types(const vx_settings *s, vx_error *err)
{
    if (s->n_filters < 0 || s->n_filters > VX_MAX_FILTERS)
        return vx_error_set(err, VX_EINVAL, "settings: image_types.filters: %d filters; at most %d", s->n_filters,
                            VX_MAX_FILTERS);
    if (!s->image_original && !s->n_filters)
        return vx_error_set(err, VX_EINVAL, "settings: image_types: no image type: set original: true or list "
                                            "filters");
    for (int i = 0; i < s->n_filters; i++) {
        const vx_image_type_settings *t = &s->filters[i];
        char where[128];
        snprintf(where, sizeof where, "image_types.filters[%d] (%s)", i + 1, t->name);
        vx_error e = {0};
        if (vx_filter_validate(&t->filter, &e) != VX_OK)
            return vx_error_set(err, VX_EINVAL, "settings: %s: %s", where, e.msg);
        if (t->filter.kind == VX_FILTER_NONE)
            return vx_error_set(err, VX_EINVAL, "settings: %s: filter none; use image_types.original", where);
        if (!t->name[0] || !strcmp(t->name, "original"))
            return vx_error_set(err, VX_EINVAL, "settings: %s: image type name '%s' is reserved or empty", where,
                                t->name);
        for (int j = 0; j < i; j++)
            if (!strcmp(s->filters[j].name, t->name))
                return vx_error_set(err, VX_EINVAL, "settings: %s: image type name '%s' also names filter %d; give "
                                    "each a distinct name",
                                    where, t->name, j + 1);
        int rc = VX_OK;
        if (t->own_texture_disc)
            rc = validate_disc(offsetof(vx_settings, texture_disc), &t->texture_disc, where, err);
        if (rc == VX_OK && t->own_ivh_disc)
            rc = validate_disc(offsetof(vx_settings, ivh_disc), &t->ivh_disc, where, err);
        if (rc != VX_OK)
            return rc;
    }
    return VX_OK;
}

int vx_settings_validate(const vx_settings *s, vx_error *err)
{
    if (!s)
        return vx_error_set(err, VX_EINVAL, "settings: NULL");
    char why[600];
    for (size_t i = 0; i < N_ROWS; i++) {
        const vx_setting_info *r = &rows[i];
        /* settings that do not change results (threads) are the library's to interpret; lists and flags
         * built in code are taken as they are */
        if (r->offset == VX_SETTING_NO_FIELD || r->hash == VX_HASH_NEVER || r->type == VX_ST_BOOL ||
            r->type == VX_ST_FAMILIES || r->type == VX_ST_AGGS || r->type == VX_ST_SUBSET ||
            r->type == VX_ST_FILTERS)
            continue;
        if ((r->flags & (VX_SF_STRICT_WHEN | VX_SF_NEEDED_WHEN)) && !vx_setting_applies(s, r))
            continue;
        int axes = r->type == VX_ST_SPACING ? 3 : 1;
        for (int a = 0; a < axes; a++) {
            double v = r->type == VX_ST_SPACING ? ((const double *)cat(s, r))[a] : vx_setting_value(s, r);
            if (!vx_setting_in_range(r, v, why, sizeof why))
                return vx_error_set(err, VX_EINVAL, "settings: %s: %s", r->key, why);
        }
    }
    if (!vx_settings_check_reseg_order(s, why, sizeof why))
        return vx_error_set(err, VX_EINVAL, "settings: processing.resegmentation.range: %s", why);
    return validate_image_types(s, err);
}

/* ---- canonical text ---- */
static int differs(const vx_settings *s, const vx_setting_info *r)
{
    if (r->type == VX_ST_SUBSET)
        return s->feature_subset != 0;
    if (r->type == VX_ST_SPACING) {
        const double *v = cat(s, r);
        for (int a = 0; a < 3; a++)
            if (!(isnan(v[a]) && isnan(r->def)) && v[a] != r->def)
                return 1;
        return 0;
    }
    vx_settings d;
    vx_settings_default(&d);
    double a = vx_setting_value(s, r), b = vx_setting_value(&d, r);
    return !(isnan(a) && isnan(b)) && a != b;
}

/* Append printf text to buf at *used; VX_EINVAL when it does not fit. */
static int put(char *buf, size_t len, size_t *used, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int put(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
    if (*used >= len)
        return VX_EINVAL;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, len - *used, fmt, ap);
    va_end(ap);
    if (n < 0 || (*used += (size_t)n) >= len)
        return VX_EINVAL;
    return VX_OK;
}

static int put_disc(const char *tag, const vx_discretisation *d, char *buf, size_t len, size_t *used)
{
    return put(buf, len, used, "{%s=%d,%.17g,%d,%.17g}", tag, (int)d->method, d->bin_width, d->bin_count,
               d->min_value);
}

/* each image type: "[name|kind;key=value;...]" plus its own discretisations */
static int put_filters(const vx_settings *s, char *buf, size_t len, size_t *used)
{
    for (int i = 0; i < s->n_filters; i++) {
        const vx_image_type_settings *t = &s->filters[i];
        char spec[2048];
        if (vx_filter_canonical(&t->filter, spec, sizeof spec) != 0 ||
            put(buf, len, used, "[%s|%s", t->name, spec) != VX_OK ||
            (t->own_texture_disc && put_disc("texture", &t->texture_disc, buf, len, used) != VX_OK) ||
            (t->own_ivh_disc && put_disc("ivh", &t->ivh_disc, buf, len, used) != VX_OK) ||
            put(buf, len, used, "]") != VX_OK)
            return VX_EINVAL;
    }
    return VX_OK;
}

static int put_value(const vx_settings *s, const vx_setting_info *r, char *buf, size_t len, size_t *used)
{
    switch (r->type) {
    case VX_ST_BOOL:
    case VX_ST_INT:
        return put(buf, len, used, "%d", *(const int *)cat(s, r));
    case VX_ST_ENUM: {
        const enum_word *w = word_of(r->values, *(const int *)cat(s, r));
        return put(buf, len, used, "%s", w ? w->hash_word : "?");
    }
    case VX_ST_REAL:
    case VX_ST_RANGE:
        return put(buf, len, used, "%.17g", *(const double *)cat(s, r));
    case VX_ST_SPACING: {
        const double *v = cat(s, r);
        return put(buf, len, used, "%.17g,%.17g,%.17g", v[0], v[1], v[2]);
    }
    case VX_ST_FAMILIES:
    case VX_ST_AGGS:
        return put(buf, len, used, "%u", *(const unsigned *)cat(s, r));
    case VX_ST_SUBSET:
        for (size_t i = 0; i < sizeof s->feature_bits; i++)
            if (put(buf, len, used, "%02x", s->feature_bits[i]) != VX_OK)
                return VX_EINVAL;
        return VX_OK;
    case VX_ST_FILTERS:
        return put_filters(s, buf, len, used);
    default:
        return VX_OK;
    }
}

int vx_settings_canonical(const vx_settings *s, char *buf, size_t len)
{
    if (!s || !buf || !len)
        return VX_EINVAL;
    size_t used = 0;
    buf[0] = '\0';
    int max_pos = 0;
    for (size_t i = 0; i < N_ROWS; i++)
        max_pos = rows[i].hash_pos > max_pos ? rows[i].hash_pos : max_pos;
    for (int pos = 1; pos <= max_pos; pos++) {
        size_t first = 0;
        while (first < N_ROWS && rows[first].hash_pos != pos)
            first++;
        if (first == N_ROWS)
            continue;
        const vx_setting_info *r = &rows[first];
        if (r->hash == VX_HASH_NEVER || (r->hash == VX_HASH_CHANGED && !differs(s, r)) ||
            ((r->flags & VX_SF_HASH_WHEN) && !vx_setting_applies(s, r)))
            continue;
        if (put(buf, len, &used, "%s%s=", used ? ";" : "", r->hash_tag) != VX_OK)
            return VX_EINVAL;
        for (size_t i = first; i < N_ROWS && rows[i].hash_pos == pos; i++)
            if ((i > first && put(buf, len, &used, ",") != VX_OK) || put_value(s, &rows[i], buf, len, &used) != VX_OK)
                return VX_EINVAL;
    }
    return VX_OK;
}

/* ---- reference ---- */
static void default_text(const vx_setting_info *r, char *buf, size_t len)
{
    switch (r->type) {
    case VX_ST_BOOL:
        snprintf(buf, len, "%s", r->def != 0.0 ? "true" : "false");
        break;
    case VX_ST_INT:
        snprintf(buf, len, "%d", (int)r->def);
        break;
    case VX_ST_REAL:
        if (isnan(r->def))
            snprintf(buf, len, ".nan");
        else
            snprintf(buf, len, "%g", r->def);
        break;
    case VX_ST_ENUM: {
        const char *w = vx_setting_enum_word(r->values, (int)r->def);
        snprintf(buf, len, "%s", w ? w : "?");
        break;
    }
    case VX_ST_SPACING:
    case VX_ST_RANGE:
    case VX_ST_SUBSET:
    case VX_ST_FILTERS:
        snprintf(buf, len, "none");
        break;
    case VX_ST_FAMILIES:
    case VX_ST_AGGS:
        snprintf(buf, len, "all");
        break;
    default:
        buf[0] = '\0';
    }
}

static const char *type_name(vx_setting_type t)
{
    static const char *const names[] = {"boolean", "integer", "number", "word", "list of numbers", "[min, max]",
                                        "list of words", "list of words", "(internal)", "text",
                                        "list of mappings"};
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

void vx_setting_valid_text(const vx_setting_info *r, char *buf, size_t len)
{
    char acc[700];
    size_t used = 0;
    buf[0] = '\0';
    switch (r->type) {
    case VX_ST_BOOL:
        snprintf(buf, len, "true / false (yes/no, on/off)");
        break;
    case VX_ST_INT:
        if (r->lo == r->hi)
            snprintf(buf, len, "%d", (int)r->lo);
        else
            snprintf(buf, len, "integer %d..%d", (int)r->lo, (int)r->hi);
        break;
    case VX_ST_REAL:
        range_text(r, acc, sizeof acc);
        snprintf(buf, len, "%s", acc + (acc[0] == 'a' && acc[1] == ' ' ? 2 : 0));
        break;
    case VX_ST_ENUM:
        for (size_t i = 0; i < N_WORDS; i++)
            if (words[i].e == r->values) {
                int w = snprintf(acc + used, sizeof acc - used, "%s%s%s%s%s", used ? ", " : "", words[i].word,
                                 words[i].alias ? " (" : "", words[i].alias ? words[i].alias : "",
                                 words[i].alias ? ")" : "");
                if (w > 0 && (size_t)w < sizeof acc - used)
                    used += (size_t)w;
            }
        snprintf(buf, len, "%s", acc);
        break;
    case VX_ST_SPACING:
        snprintf(buf, len, "none, or a list of 2 or 3 values, each .nan (keep the axis) or in [%g, %g] %s", r->lo,
                 r->hi, r->unit);
        break;
    case VX_ST_RANGE:
        snprintf(buf, len, "none, or [min, max] with min <= max; .nan for an open end; min may be -.inf, max .inf, "
                 "never min = .inf or max = -.inf");
        break;
    case VX_ST_FAMILIES:
        for (int f = 0; f < VX_FAM_COUNT; f++) {
            int w = snprintf(acc + used, sizeof acc - used, ", %s", vx_family_get((vx_family)f)->key);
            if (w > 0 && (size_t)w < sizeof acc - used)
                used += (size_t)w;
        }
        snprintf(buf, len, "all, or a non-empty list of: %s", acc + 2);
        break;
    case VX_ST_AGGS:
        for (int a = 1; a < VX_AGG_COUNT; a++) {
            const vx_agg_info *ai = vx_agg_get((vx_agg)a);
            int w = snprintf(acc + used, sizeof acc - used, ", %s (%s)", ai->key, ai->ibsi_code);
            if (w > 0 && (size_t)w < sizeof acc - used)
                used += (size_t)w;
        }
        snprintf(buf, len, "all, 2D_all, 2.5D_all, 3D_all, or a non-empty list of: %s", acc + 2);
        break;
    case VX_ST_SUBSET:
        snprintf(buf, len, "set by a PyRadiomics featureClass");
        break;
    case VX_ST_FILTERS:
        snprintf(buf, len, "up to %d mappings; `filter:` one of mean, log, laws, gabor, wavelet, simoncelli, square, "
                 "squareroot, logarithm, exponential, gradient, lbp2d, lbp3d, log_recursive, "
                 "wavelet_pyradiomics; the parameters of the kind (table "
                 "below)", VX_MAX_FILTERS);
        break;
    default:
        snprintf(buf, len, "any text");
    }
    if (r->when) {
        const vx_setting_info *c = vx_setting_find(r->when);
        const char *w = c ? vx_setting_enum_word(c->values, r->when_value) : NULL;
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, "; %s `%s: %s`%s", r->flags & VX_SF_STRICT_WHEN ? "only with" : "applies with",
                 r->when, w ? w : "?", r->flags & VX_SF_NEEDED_WHEN ? ", required there" : "");
    }
}

static void hash_text(const vx_setting_info *r, char *buf, size_t len)
{
    const vx_setting_info *first = r;
    while (first > rows && first[-1].hash_pos == r->hash_pos && r->hash_pos)
        first--;
    if (r->hash == VX_HASH_NEVER)
        snprintf(buf, len, "no");
    else if (first != r && first->hash == VX_HASH_CHANGED)
        snprintf(buf, len, "when `%s` is set", first->key);
    else if (r->hash == VX_HASH_ALWAYS)
        snprintf(buf, len, "yes");
    else if (r->flags & VX_SF_HASH_WHEN)
        snprintf(buf, len, "when not the default and `%s` applies", r->when);
    else
        snprintf(buf, len, "when not the default");
}

/* Markdown table cell: '|' would end the cell */
static void cell(FILE *f, const char *s)
{
    for (; *s; s++)
        fputs(*s == '|' ? "\\|" : (char[2]){*s, '\0'}, f);
}

/* the kinds of a filter parameter, "log, gabor" */
static void param_kinds(const vx_filter_param *p, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 1; k < VX_FILTER_KIND_COUNT; k++)
        if ((p->kinds >> k) & 1u) {
            int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", vx_filter_kind_name((vx_filter_kind)k));
            if (w < 0 || (size_t)w >= len - used)
                return;
            used += (size_t)w;
        }
}

static const char *param_type(const vx_filter_param *p)
{
    static const char *const names[] = {"boolean", "integer", "number", "angle", "word", "2D or 3D", "word", "word",
                                        "list of 3 integers"};
    return (unsigned)p->type < sizeof names / sizeof names[0] ? names[p->type] : "?";
}

static void param_valid(const vx_filter_param *p, char *buf, size_t len)
{
    switch (p->type) {
    case VX_FP_INT:
        snprintf(buf, len, "integer %d..%d", (int)p->lo, (int)p->hi);
        break;
    case VX_FP_REAL:
        snprintf(buf, len, "finite, in [%g, %g]", p->lo, p->hi);
        break;
    case VX_FP_ANGLE:
        snprintf(buf, len, "rad in [%g, %g]: a number or a multiple of pi (5pi/4, -pi/8)", p->lo, p->hi);
        break;
    case VX_FP_ORDER:
        snprintf(buf, len, "[l1, l2, l3], each %d..%d", (int)p->lo, (int)p->hi);
        break;
    case VX_FP_PAD:
        snprintf(buf, len, "constant (zero), nearest, periodic, mirror (reflect, symmetric), wrap");
        break;
    case VX_FP_POOL:
        snprintf(buf, len, "max, average (avg, mean), min");
        break;
    case VX_FP_BOOL:
        snprintf(buf, len, "true / false");
        break;
    case VX_FP_DIM:
        snprintf(buf, len, "2D, 3D");
        break;
    default:
        snprintf(buf, len, "see the description");
    }
}

/* The filter parameters (include/voxomics/filter.def) after the image-type rows: a Markdown table, or CSV rows
 * of group "Filter parameters" keyed image_types.filters[].KEY. */
static void write_filter_params(FILE *f, int markdown)
{
    char kinds[300], valid[300];
    if (markdown)
        fprintf(f, "\nEach entry of `image_types.filters` is a mapping: `filter:` (the kind), `name:` (optional: the "
                   "image-type name of its rows, one word; default from the parameters, e.g. `log_s3.0mm_3D`), "
                   "`discretisation:` (optional: `texture:` and / or `ivh:` blocks with the keys of the "
                   "Discretisation group, for this image type only), and the kind's parameters "
                   "(include/voxomics/filter.def):\n\n"
                   "| Key | Type | Default | Valid values | Filters | Description |\n|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < vx_filter_param_count(); i++) {
        const vx_filter_param *p = vx_filter_param_get(i);
        param_kinds(p, kinds, sizeof kinds);
        param_valid(p, valid, sizeof valid);
        if (markdown) {
            fprintf(f, "| `%s` | %s | `%s` | ", p->key, param_type(p), p->def);
            cell(f, valid);
            fprintf(f, " | %s | ", kinds);
            cell(f, p->doc);
            fputs(" |\n", f);
        } else {
            fprintf(f, "Filter parameters,image_types.filters[].%s,%s,\"%s\",\"%s\",yes,,\"", p->key, param_type(p), p->def,
                    valid);
            for (const char *d = p->doc; *d; d++) {
                if (*d == '"')
                    fputc('"', f);
                fputc(*d, f);
            }
            fprintf(f, " (%s)\"\n", kinds);
        }
    }
}

int vx_settings_write_reference(FILE *f, int markdown, vx_error *err)
{
    char def[64], valid[900], hash[200];
    if (markdown) {
        fprintf(f, "<!-- generated by `voxomics settings --format markdown` from include/voxomics/settings.def; "
                   "do not edit by hand -->\n");
    } else {
        fprintf(f, "group,key,type,default,valid,hashed,unit,description\n");
    }
    for (int g = 0; g < VX_SG_COUNT; g++) {
        if (markdown) {
            fprintf(f, "\n### %s\n\n", vx_setting_group_name((vx_setting_group)g));
            size_t n = 0;
            for (size_t i = 0; i < N_ROWS; i++)
                n += rows[i].group == (vx_setting_group)g && !(rows[i].flags & (VX_SF_PART | VX_SF_INTERNAL));
            if (!n) {
                fprintf(f, "No settings yet.\n");
                continue;
            }
            fprintf(f, "| Key | Type | Default | Valid values | In the hash | Description |\n"
                       "|---|---|---|---|---|---|\n");
        }
        for (size_t i = 0; i < N_ROWS; i++) {
            const vx_setting_info *r = &rows[i];
            if (r->group != (vx_setting_group)g || (r->flags & (VX_SF_PART | VX_SF_INTERNAL)))
                continue;
            default_text(r, def, sizeof def);
            if ((r->flags & VX_SF_NEEDED_WHEN) && !vx_setting_in_range(r, r->def, NULL, 0))
                snprintf(def, sizeof def, "none"); /* no usable default: required where it applies */
            vx_setting_valid_text(r, valid, sizeof valid);
            hash_text(r, hash, sizeof hash);
            if (markdown) {
                fprintf(f, "| `%s` | %s | %s%s%s | ", r->key, type_name(r->type), *def ? "`" : "", def,
                        *def ? "`" : "");
                cell(f, valid);
                fputs(" | ", f);
                cell(f, hash);
                fputs(" | ", f);
                cell(f, r->doc);
                fputs(" |\n", f);
            } else {
                const char *fields[] = {vx_setting_group_name((vx_setting_group)g), r->key, type_name(r->type), def,
                                        valid, hash, r->unit, r->doc};
                for (int k = 0; k < 8; k++) {
                    const char *v = fields[k];
                    int quote = strpbrk(v, ",\"\n") != NULL;
                    if (k)
                        fputc(',', f);
                    if (quote) {
                        fputc('"', f);
                        for (; *v; v++) {
                            if (*v == '"')
                                fputc('"', f);
                            fputc(*v, f);
                        }
                        fputc('"', f);
                    } else {
                        fputs(v, f);
                    }
                }
                fputc('\n', f);
            }
        }
        if (g == VX_SG_FILTER)
            write_filter_params(f, markdown);
    }
    if (ferror(f))
        return vx_error_set(err, VX_EIO, "settings reference: write error");
    return VX_OK;
}
