/* voxomics: result tables (long and wide CSV) with provenance, and exact number formatting.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/extract.h"

void vx_format_double(double v, char *buf, size_t len)
{
    if (!buf || len < 8)
        return;
    if (isnan(v)) {
        snprintf(buf, len, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, len, v > 0 ? "Inf" : "-Inf");
        return;
    }
    /* shortest of %.15g .. %.17g that reads back exactly (%.17g always does) */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* Write a CSV field, quoted when it holds a comma, quote or line break. */
void vx_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void put_prov(FILE *f, const vx_provenance *p)
{
    fputc(',', f);
    vx_csv_field(f, p && p->version ? p->version : "");
    fputc(',', f);
    vx_csv_field(f, p ? p->settings_hash : "");
    fputc(',', f);
    vx_csv_field(f, p ? p->image_sha256 : "");
    fputc(',', f);
    vx_csv_field(f, p ? p->mask_sha256 : "");
}

int vx_results_write_long(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                          const vx_provenance *prov, int header)
{
    char num[64], tag[96];
    if (header)
        fputs("case,roi,image_type,family,feature,ibsi_code,aggregation_code,tag,value,unit,voxomics_version,"
              "settings_sha256,image_sha256,mask_sha256\n",
              f);
    for (size_t i = 0; i < res->n_text; i++) {
        const vx_text_row *t = &res->text[i];
        vx_csv_field(f, case_id);
        fputc(',', f);
        vx_csv_field(f, roi ? roi : "");
        fputs(",original,diagnostics,", f);
        vx_csv_field(f, t->key);
        fputs(",,,", f);
        vx_csv_field(f, t->key);
        fputc(',', f);
        vx_csv_field(f, t->value);
        fputc(',', f);
        put_prov(f, prov);
        fputc('\n', f);
    }
    for (size_t i = 0; i < res->n_diag; i++) {
        const vx_diag_row *d = &res->diag[i];
        vx_csv_field(f, case_id);
        fputc(',', f);
        vx_csv_field(f, roi ? roi : "");
        fputc(',', f);
        vx_csv_field(f, vx_results_image_type_name(res, d->image_type));
        fputs(",diagnostics,", f);
        vx_csv_field(f, d->tag);
        fputs(",,,", f);
        vx_csv_field(f, d->tag);
        vx_format_double(d->value, num, sizeof num);
        fprintf(f, ",%s,", num);
        put_prov(f, prov);
        fputc('\n', f);
    }
    for (size_t i = 0; i < res->n; i++) {
        const vx_result_row *r = &res->rows[i];
        const vx_feature_info *fi = vx_feature_get(r->feature);
        const vx_family_info *fam = vx_family_get(vx_feature_family(r->feature));
        const vx_agg_info *ai = vx_agg_get(r->agg);
        vx_feature_tag(r->feature, r->agg, tag, sizeof tag);
        vx_format_double(r->value, num, sizeof num);
        vx_csv_field(f, case_id);
        fputc(',', f);
        vx_csv_field(f, roi ? roi : "");
        fputc(',', f);
        vx_csv_field(f, vx_results_image_type_name(res, r->image_type));
        fputc(',', f);
        vx_csv_field(f, fam->key);
        fputc(',', f);
        vx_csv_field(f, fi->name);
        fprintf(f, ",%s,%s,%s,%s,", fi->ibsi_code, ai->ibsi_code, tag, num);
        vx_csv_field(f, fi->unit);
        put_prov(f, prov);
        fputc('\n', f);
    }
    return ferror(f) ? VX_EIO : VX_OK;
}

/* Whether the rows and diagnostic values of res are of more than one image type; *first: the first one's. */
static int mixed_types(const vx_results *res, vx_image_type *first)
{
    int have = 0, mixed = 0;
    for (size_t i = 0; i < res->n_diag + res->n; i++) {
        vx_image_type t = i < res->n_diag ? res->diag[i].image_type : res->rows[i - res->n_diag].image_type;
        if (!have) {
            *first = t;
            have = 1;
        } else if (t != *first) {
            mixed = 1;
        }
    }
    if (!have)
        *first = VX_IMAGE_ORIGINAL;
    return mixed;
}

void vx_results_column_name(const vx_results *res, const vx_result_row *r, vx_column_names names, int prefix,
                            char *buf, size_t n)
{
    const char *type = vx_results_image_type_name(res, r->image_type);
    if (names == VX_NAMES_PYRADIOMICS && vx_feature_pyradiomics_column(type, r->feature, r->agg, buf, n) == 0)
        return;
    if (!prefix) {
        vx_feature_tag(r->feature, r->agg, buf, n);
        return;
    }
    char tag[128];
    vx_feature_tag(r->feature, r->agg, tag, sizeof tag);
    snprintf(buf, n, "%s_%s", type, tag);
}

int vx_results_write_wide(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                          const vx_provenance *prov, int header)
{
    return vx_results_write_wide_named(f, case_id, roi, res, prov, header, VX_NAMES_IBSI);
}

/* Every value of res in the wide table's order: the text values (PyRadiomics' diagnostics_*), the diagnostic
 * values, then the features; each with its column name (prefixed by its image type when prefix is set) and
 * either its text or its number (text NULL). fn returns VX_OK to go on; the first other status stops the walk
 * and is returned. The wide writer (header and row) and vx_results_pyradiomics_items share this walk. */
typedef int (*value_fn)(void *ud, const char *key, const char *text, double value);

static int for_each_value(const vx_results *res, vx_column_names names, int prefix, value_fn fn, void *ud)
{
    char key[VX_IMAGE_TYPE_NAME_LEN + 160];
    int rc = VX_OK;
    for (size_t i = 0; rc == VX_OK && i < res->n_text; i++)
        rc = fn(ud, res->text[i].key, res->text[i].value, 0.0);
    for (size_t i = 0; rc == VX_OK && i < res->n_diag; i++) {
        const vx_diag_row *d = &res->diag[i];
        if (prefix)
            snprintf(key, sizeof key, "%s_%s", vx_results_image_type_name(res, d->image_type), d->tag);
        else
            snprintf(key, sizeof key, "%s", d->tag);
        rc = fn(ud, key, NULL, d->value);
    }
    for (size_t i = 0; rc == VX_OK && i < res->n; i++) {
        vx_results_column_name(res, &res->rows[i], names, prefix, key, sizeof key);
        rc = fn(ud, key, NULL, res->rows[i].value);
    }
    return rc;
}

/* for_each_value callbacks of the wide writer: ",<column name>" and ",<text or number>" */
static int put_header(void *ud, const char *key, const char *text, double value)
{
    (void)text;
    (void)value;
    fputc(',', (FILE *)ud);
    vx_csv_field((FILE *)ud, key);
    return VX_OK;
}

static int put_value(void *ud, const char *key, const char *text, double value)
{
    (void)key;
    char num[64];
    fputc(',', (FILE *)ud);
    if (text) {
        vx_csv_field((FILE *)ud, text);
    } else {
        vx_format_double(value, num, sizeof num);
        fputs(num, (FILE *)ud);
    }
    return VX_OK;
}

/* value columns name their image type whenever one is a filter's ("log_s3.0mm_3D_stat_mean") */
static int wide_prefix(const vx_results *res, vx_image_type *first)
{
    const int mixed = mixed_types(res, first);
    return mixed || *first != VX_IMAGE_ORIGINAL;
}

int vx_results_write_wide_named(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                                const vx_provenance *prov, int header, vx_column_names names)
{
    vx_image_type first;
    const int mixed = mixed_types(res, &first);
    const int prefix = wide_prefix(res, &first);
    if (header) {
        fputs("case,roi,image_type", f);
        for_each_value(res, names, prefix, put_header, f);
        fputs(",voxomics_version,settings_sha256,image_sha256,mask_sha256\n", f);
    }
    vx_csv_field(f, case_id);
    fputc(',', f);
    vx_csv_field(f, roi ? roi : "");
    fputc(',', f);
    /* the image type of the values; several: their names in order, joined by '+' */
    if (!mixed) {
        vx_csv_field(f, vx_results_image_type_name(res, first));
    } else {
        int any = 0; /* names are words without commas or quotes (vx_results_set_image_type) */
        for (size_t t = 0; t < vx_results_image_type_count(res); t++) {
            int used = 0;
            for (size_t i = 0; i < res->n_diag + res->n && !used; i++)
                used = (i < res->n_diag ? res->diag[i].image_type : res->rows[i - res->n_diag].image_type) ==
                       (vx_image_type)t;
            if (used) {
                fprintf(f, "%s%s", any ? "+" : "", vx_results_image_type_name(res, (vx_image_type)t));
                any = 1;
            }
        }
    }
    for_each_value(res, names, prefix, put_value, f);
    put_prov(f, prov);
    fputc('\n', f);
    return ferror(f) ? VX_EIO : VX_OK;
}

/* ---- PyRadiomics' result dict ---- */
void vx_pyrad_items_free(vx_pyrad_items *items)
{
    if (!items)
        return;
    for (size_t i = 0; i < items->n; i++) {
        free(items->items[i].key);
        free(items->items[i].text);
    }
    free(items->items);
    memset(items, 0, sizeof *items);
}

static char *dup_text(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* for_each_value callback: append one item (ud: the vx_pyrad_items, its array sized beforehand) */
static int add_item(void *ud, const char *key, const char *text, double value)
{
    vx_pyrad_items *out = ud;
    vx_pyrad_item *it = &out->items[out->n];
    it->key = dup_text(key);
    it->text = text ? dup_text(text) : NULL;
    it->value = value;
    out->n++; /* counted before the check: vx_pyrad_items_free releases a partial item too */
    return it->key && (!text || it->text) ? VX_OK : VX_ENOMEM;
}

int vx_results_pyradiomics_items(const vx_results *res, vx_pyrad_items *out, vx_error *err)
{
    if (!res || !out)
        return vx_error_set(err, VX_EINVAL, "PyRadiomics items: NULL argument");
    memset(out, 0, sizeof *out);
    const size_t n = res->n_text + res->n_diag + res->n;
    out->items = calloc(n ? n : 1, sizeof *out->items);
    if (!out->items)
        return vx_error_set(err, VX_ENOMEM, "PyRadiomics items: out of memory for %zu values", n);
    vx_image_type first;
    const int rc = for_each_value(res, VX_NAMES_PYRADIOMICS, wide_prefix(res, &first), add_item, out);
    if (rc != VX_OK) {
        vx_pyrad_items_free(out);
        return vx_error_set(err, rc, "PyRadiomics items: out of memory for %zu values", n);
    }
    return VX_OK;
}
