/* voxomics study: helpers of the survival and omics steps: table cells tied to their JSON numbers, JSON paths,
 * CSV text from JSON rows, the omics table aligned with the features.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* open_memstream */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/survomics.h"
#include "voxomics/extract.h"

void vxs_html_numcell(vxs_html *h, const char *file, const char *path, double v, const char *fmt)
{
    vxs_html_raw(h, "<td class=\"num\">");
    if (isnan(v))
        vxs_html_raw(h, "NA");
    else
        vxs_html_num(h, file, path, v, fmt);
    vxs_html_raw(h, "</td>");
}

void vxs_html_textcell(vxs_html *h, const char *s)
{
    vxs_html_raw(h, "<td>");
    vxs_html_text(h, s ? s : "");
    vxs_html_raw(h, "</td>");
}

void vxs_html_thead(vxs_html *h, const char *const *cols, size_t n)
{
    vxs_html_raw(h, "<table class=\"vx-table\"><thead><tr>");
    for (size_t j = 0; j < n; j++) {
        vxs_html_raw(h, "<th>");
        vxs_html_text(h, cols[j]);
        vxs_html_raw(h, "</th>");
    }
    vxs_html_raw(h, "</tr></thead><tbody>");
}

FILE *vxs_mem_open(char **buf, size_t *len)
{
    *buf = NULL, *len = 0;
    return open_memstream(buf, len);
}

char *vxs_mem_close(FILE *f, char **buf)
{
    if (fclose(f)) {
        free(*buf);
        return *buf = NULL;
    }
    return *buf;
}

void vxs_html_rows(vxs_html *h, const char *file, const char *base, const cJSON *rows, size_t max,
                   const vxs_col_spec *cols, size_t nc)
{
    const char **hd = malloc((nc + 1) * sizeof *hd);
    for (size_t c = 0; hd && c < nc; c++)
        hd[c] = cols[c].header;
    if (hd)
        vxs_html_thead(h, hd, nc);
    free(hd);
    char path[256];
    for (int i = 0; i < cJSON_GetArraySize(rows) && (size_t)i < max; i++) {
        const cJSON *r = cJSON_GetArrayItem(rows, i);
        vxs_html_raw(h, "<tr>");
        for (size_t c = 0; c < nc; c++) {
            if (!cols[c].fmt) {
                vxs_html_textcell(h, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, cols[c].key)));
                continue;
            }
            snprintf(path, sizeof path, "%s.%d.%s", base, i, cols[c].key);
            vxs_html_numcell(h, file, path, vxs_json_num(r, cols[c].key), cols[c].fmt);
        }
        vxs_html_raw(h, "</tr>");
    }
    vxs_html_raw(h, "</tbody></table>");
}

char *vxs_json_csv(const cJSON *rows, const char *const *keys, size_t nk)
{
    char *buf;
    size_t len;
    FILE *f = vxs_mem_open(&buf, &len);
    if (!f)
        return NULL;
    for (size_t j = 0; j < nk; j++)
        fprintf(f, "%s%s", j ? "," : "", keys[j]);
    fputc('\n', f);
    const cJSON *r;
    cJSON_ArrayForEach(r, rows) {
        for (size_t j = 0; j < nk; j++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, keys[j]);
            if (j)
                fputc(',', f);
            if (cJSON_IsString(v))
                vx_csv_field(f, v->valuestring);
            else if (cJSON_IsNumber(v) && isfinite(v->valuedouble))
                fprintf(f, "%.17g", v->valuedouble);
            else if (cJSON_IsBool(v))
                fputs(cJSON_IsTrue(v) ? "true" : "false", f);
            else if (cJSON_IsArray(v)) { /* strings joined by ';' (gene names: no quote to escape) */
                const cJSON *e;
                int k = 0;
                fputc('"', f);
                cJSON_ArrayForEach(e, v)
                    fprintf(f, "%s%s", k++ ? ";" : "", cJSON_IsString(e) ? e->valuestring : "");
                fputc('"', f);
            }
        }
        fputc('\n', f);
    }
    return vxs_mem_close(f, &buf);
}

int vxs_cor_method(const char *m)
{
    return !strcmp(m, "spearman") ? VX_COR_SPEARMAN : !strcmp(m, "pearson") ? VX_COR_PEARSON
                                                     : !strcmp(m, "kendall") ? VX_COR_KENDALL : -1;
}

void vxs_omics_free(vxs_omics *o)
{
    free(o->x), free(o->y), free(o->fname), free(o->gname);
    memset(o, 0, sizeof *o);
}

/* the sample ID of omics sample s: a column name (by rows) or a row ID */
static const char *omics_id(const vx_table *ot, int by_rows, size_t s)
{
    return by_rows ? ot->colnames[s] : VX_TABLE_ID(ot, s);
}

int vxs_omics_build(const vxs_data *d, const vx_table *ot, int by_rows, const char *path, vxs_omics *o,
                    vx_error *err)
{
    const vx_table *t = &d->t;
    const size_t ns = by_rows ? ot->ncol : ot->nrow, nt = by_rows ? ot->nrow : ot->ncol;
    size_t *frow = malloc((t->nrow + 1) * sizeof *frow), *osmp = malloc((t->nrow + 1) * sizeof *osmp);
    o->fname = malloc((d->p + 1) * sizeof *o->fname), o->gname = malloc((nt + 1) * sizeof *o->gname);
    int rc = frow && osmp && o->fname && o->gname ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < t->nrow; i++)
        for (size_t s = 0; s < ns; s++)
            if (!(by_rows && s == ot->id_col) && !strcmp(VX_TABLE_ID(t, i), omics_id(ot, by_rows, s))) {
                frow[o->n] = i, osmp[o->n++] = s;
                break;
            }
    if (!rc && o->n < 3)
        rc = vx_error_set(err, VX_EINVAL, "inputs.omics %s shares %zu sample IDs with the feature table; at least 3 "
                          "are needed (by_rows: %s; are the samples its %s?)", path, o->n, by_rows ? "true" : "false",
                          by_rows ? "rows (by_rows: false)" : "columns (by_rows: true)");
    if (!rc) {
        o->x = malloc((o->n * d->p + 1) * sizeof *o->x), o->y = malloc((o->n * nt + 1) * sizeof *o->y);
        rc = o->x && o->y ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    for (size_t j = 0; !rc && j < d->p; j++) {
        o->fname[o->px] = d->fnames[j];
        for (size_t i = 0; i < o->n; i++)
            o->x[o->px * o->n + i] = t->num[frow[i] * t->ncol + d->fcols[j]];
        o->px++;
    }
    for (size_t c = 0; !rc && c < nt; c++) {
        if (!by_rows && (c == ot->id_col || !vx_table_col_numeric(ot, c)))
            continue;
        o->gname[o->py] = by_rows ? VX_TABLE_ID(ot, c) : ot->colnames[c];
        for (size_t i = 0; i < o->n; i++)
            o->y[o->py * o->n + i] = by_rows ? ot->num[c * ot->ncol + osmp[i]] : ot->num[osmp[i] * ot->ncol + c];
        o->py++;
    }
    if (!rc && (!o->px || !o->py))
        rc = vx_error_set(err, VX_EINVAL, "inputs.omics %s: %s", path, o->px ? "no numeric gene" : "no feature");
    free(frow), free(osmp);
    return rc;
}

int vxs_omics_load(vxs_ctx *ctx, const char *step, vxs_data *d, vx_table *ot, vxs_omics *o, vx_error *err)
{
    const vxs_node *om = vxs_get(vxs_get(ctx->root, "inputs"), "omics");
    const char *rel = om && om->kind == VXS_MAP ? vxs_str(om, "path", NULL) : om ? om->value : NULL;
    if (!rel)
        return vx_error_set(err, VX_EINVAL, "%s: steps.%s needs inputs.omics {path, by_rows, id} (the omics table, "
                            "e.g. RNA-seq)", ctx->study_path, step);
    const int by_rows = om->kind == VXS_MAP ? vxs_bool(om, "by_rows", 0) : 0;
    const char *id = om->kind == VXS_MAP ? vxs_str(om, "id", NULL) : NULL;
    char *path = vxs_resolve(ctx, rel);
    int rc = path ? vxs_load(ctx, VXS_FEATURES, d, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    if (!rc)
        rc = vxs_input(ctx, path, err);
    if (!rc)
        rc = vx_table_read(path, id, ot, err);
    if (!rc)
        rc = vxs_omics_build(d, ot, by_rows, path, o, err);
    free(path);
    return rc;
}
