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

/* Wide column of a value: the tag, prefixed "<image type>_" when asked (the row holds a filter's values). */
static void wide_column(FILE *f, const vx_results *res, const char *tag, vx_image_type t, int prefix)
{
    fputc(',', f);
    if (prefix) {
        char buf[VX_IMAGE_TYPE_NAME_LEN + 128];
        snprintf(buf, sizeof buf, "%s_%s", vx_results_image_type_name(res, t), tag);
        vx_csv_field(f, buf);
    } else {
        vx_csv_field(f, tag);
    }
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

int vx_results_write_wide_named(FILE *f, const char *case_id, const char *roi, const vx_results *res,
                                const vx_provenance *prov, int header, vx_column_names names)
{
    char num[64], tag[VX_IMAGE_TYPE_NAME_LEN + 160];
    vx_image_type first;
    const int mixed = mixed_types(res, &first);
    /* value columns name their image type whenever one is a filter's ("log_s3.0mm_3D_stat_mean") */
    const int prefix = mixed || first != VX_IMAGE_ORIGINAL;
    if (header) {
        fputs("case,roi,image_type", f);
        for (size_t i = 0; i < res->n_text; i++) {
            fputc(',', f);
            vx_csv_field(f, res->text[i].key);
        }
        for (size_t i = 0; i < res->n_diag; i++)
            wide_column(f, res, res->diag[i].tag, res->diag[i].image_type, prefix);
        for (size_t i = 0; i < res->n; i++) {
            vx_results_column_name(res, &res->rows[i], names, prefix, tag, sizeof tag);
            fputc(',', f);
            vx_csv_field(f, tag);
        }
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
    for (size_t i = 0; i < res->n_text; i++) {
        fputc(',', f);
        vx_csv_field(f, res->text[i].value);
    }
    for (size_t i = 0; i < res->n_diag; i++) {
        vx_format_double(res->diag[i].value, num, sizeof num);
        fprintf(f, ",%s", num);
    }
    for (size_t i = 0; i < res->n; i++) {
        vx_format_double(res->rows[i].value, num, sizeof num);
        fprintf(f, ",%s", num);
    }
    put_prov(f, prov);
    fputc('\n', f);
    return ferror(f) ? VX_EIO : VX_OK;
}
