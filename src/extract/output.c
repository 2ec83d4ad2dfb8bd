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

int vx_results_write_long(FILE *f, const char *case_id, const char *roi, const char *image_type, const vx_results *res,
                          const vx_provenance *prov, int header)
{
    char num[64], tag[96];
    if (header)
        fputs("case,roi,image_type,family,feature,ibsi_code,aggregation_code,tag,value,unit,voxomics_version,"
              "settings_sha256,image_sha256,mask_sha256\n",
              f);
    for (size_t i = 0; i < res->n_diag; i++) {
        const vx_diag_row *d = &res->diag[i];
        vx_csv_field(f, case_id);
        fputc(',', f);
        vx_csv_field(f, roi ? roi : "");
        fputc(',', f);
        vx_csv_field(f, image_type);
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
        vx_csv_field(f, image_type);
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

int vx_results_write_wide(FILE *f, const char *case_id, const char *roi, const char *image_type, const vx_results *res,
                          const vx_provenance *prov, int header)
{
    char num[64], tag[96];
    if (header) {
        fputs("case,roi,image_type", f);
        for (size_t i = 0; i < res->n_diag; i++) {
            fputc(',', f);
            vx_csv_field(f, res->diag[i].tag);
        }
        for (size_t i = 0; i < res->n; i++) {
            vx_feature_tag(res->rows[i].feature, res->rows[i].agg, tag, sizeof tag);
            fprintf(f, ",%s", tag);
        }
        fputs(",voxomics_version,settings_sha256,image_sha256,mask_sha256\n", f);
    }
    vx_csv_field(f, case_id);
    fputc(',', f);
    vx_csv_field(f, roi ? roi : "");
    fputc(',', f);
    vx_csv_field(f, image_type);
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
