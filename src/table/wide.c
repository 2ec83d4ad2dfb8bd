/* voxomics: the wide cohort table (see vx_cohort_write_csv in include/voxomics/cohort.h).
 *
 * Value columns are the union over all rows, in order of first appearance walking the cases in cohort order
 * (within a row: diagnostics, then features in dictionary order), so the table depends only on the results,
 * never on the order in which cases finished.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "voxomics/cohort.h"
#include "voxomics/voxomics.h"

/* A string -> column index map (open addressing, FNV-1a). */
typedef struct colmap {
    char **names;  /* in column order */
    size_t n, cap; /* columns, capacity of names */
    size_t *slot;  /* hash slots holding index + 1 (0 = empty) */
    size_t nslot;
} colmap;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static long col_find(const colmap *m, const char *name)
{
    if (!m->nslot)
        return -1;
    for (size_t k = fnv(name) & (m->nslot - 1);; k = (k + 1) & (m->nslot - 1)) {
        if (!m->slot[k])
            return -1;
        if (!strcmp(m->names[m->slot[k] - 1], name))
            return (long)(m->slot[k] - 1);
    }
}

static int col_add(colmap *m, const char *name)
{
    if (col_find(m, name) >= 0)
        return VX_OK;
    if (2 * (m->n + 1) > m->nslot) {
        size_t ns = m->nslot ? m->nslot * 2 : 1024;
        size_t *slot = calloc(ns, sizeof *slot);
        if (!slot)
            return VX_ENOMEM;
        for (size_t i = 0; i < m->n; i++) {
            size_t k = fnv(m->names[i]) & (ns - 1);
            while (slot[k])
                k = (k + 1) & (ns - 1);
            slot[k] = i + 1;
        }
        free(m->slot);
        m->slot = slot;
        m->nslot = ns;
    }
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 512;
        char **nn = realloc(m->names, nc * sizeof *nn);
        if (!nn)
            return VX_ENOMEM;
        m->names = nn;
        m->cap = nc;
    }
    if (!(m->names[m->n] = strdup(name)))
        return VX_ENOMEM;
    size_t k = fnv(name) & (m->nslot - 1);
    while (m->slot[k])
        k = (k + 1) & (m->nslot - 1);
    m->slot[k] = ++m->n;
    return VX_OK;
}

static void col_free(colmap *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->names[i]);
    free(m->names);
    free(m->slot);
}

/* A value's column: vx_results_column_name (PyRadiomics' name when asked and it has one, else the IBSI tag,
 * prefixed "<image type>_" when the settings list filters: every image type then, the original included, so
 * that a column always says which image it comes from). */
static void column_name(const vx_results *res, const vx_result_row *r, vx_column_names names, int prefix,
                        char *buf, size_t n)
{
    vx_results_column_name(res, r, names, prefix, buf, n);
}

/* The header: case, the copied columns of the cases file, roi, error, the text columns tm, the value columns m,
 * provenance. */
static void write_header(FILE *f, char *const *copy_names, size_t ncopy, const colmap *tm, const colmap *m)
{
    fputs("case", f);
    for (size_t j = 0; j < ncopy; j++) {
        fputc(',', f);
        vx_csv_field(f, copy_names[j]);
    }
    fputs(",roi,error", f);
    for (size_t k = 0; k < tm->n; k++) {
        fputc(',', f);
        vx_csv_field(f, tm->names[k]);
    }
    for (size_t k = 0; k < m->n; k++) {
        fputc(',', f);
        vx_csv_field(f, m->names[k]);
    }
    fputs(",voxomics_version,settings_sha256,image_sha256,mask_sha256\n", f);
}

int vx_cohort_write_csv(FILE *f, const vx_cohort *c, const vx_cohort_results *r, const vx_settings *s,
                        vx_column_names names, vx_error *err)
{
    colmap m, tm; /* value columns; text columns (res->text, written first) */
    memset(&m, 0, sizeof m);
    memset(&tm, 0, sizeof tm);
    char name[VX_IMAGE_TYPE_NAME_LEN + 160];
    const int prefix = s->n_filters > 0;
    int rc = VX_OK;
    for (size_t i = 0; rc == VX_OK && i < r->n; i++)
        for (size_t g = 0; rc == VX_OK && g < r->cases[i].n_regions; g++) {
            const vx_results *res = &r->cases[i].regions[g].res;
            for (size_t k = 0; rc == VX_OK && k < res->n_text; k++)
                rc = col_add(&tm, res->text[k].key);
            for (size_t k = 0; rc == VX_OK && k < res->n_diag; k++)
                rc = col_add(&m, res->diag[k].tag);
            for (size_t k = 0; rc == VX_OK && k < res->n; k++) {
                column_name(res, &res->rows[k], names, prefix, name, sizeof name);
                rc = col_add(&m, name);
            }
        }
    const char **cell = rc == VX_OK ? calloc(m.n ? m.n : 1, sizeof *cell) : NULL;
    char (*num)[32] = rc == VX_OK ? calloc(m.n ? m.n : 1, sizeof *num) : NULL;
    const char **tcell = rc == VX_OK ? calloc(tm.n ? tm.n : 1, sizeof *tcell) : NULL;
    if (rc != VX_OK || !cell || !num || !tcell) {
        free(cell);
        free(num);
        free(tcell);
        col_free(&m);
        col_free(&tm);
        return vx_error_set(err, VX_ENOMEM, "out of memory writing the cohort table");
    }
    char hash[65];
    vx_settings_hash(s, hash);
    /* the cases file's columns: PyRadiomics' batch mode copies every one of them, else the extra ones */
    const int all_cols = names == VX_NAMES_PYRADIOMICS && c->col_names && c->cols;
    const size_t ncopy = all_cols ? c->n_cols : c->n_extra;
    char **copy_names = all_cols ? c->col_names : c->extra_names, **copy = all_cols ? c->cols : c->extra;
    write_header(f, copy_names, ncopy, &tm, &m);
    for (size_t i = 0; i < r->n && i < c->n; i++) {
        const vx_case_result *cr = &r->cases[i];
        if (!cr->done)
            continue;
        size_t nrows = cr->n_regions ? cr->n_regions : 1;
        for (size_t g = 0; g < nrows; g++) {
            vx_csv_field(f, c->cases[i].id);
            for (size_t j = 0; j < ncopy; j++) {
                fputc(',', f);
                vx_csv_field(f, copy[i * ncopy + j]);
            }
            fputc(',', f);
            vx_csv_field(f, cr->n_regions ? cr->regions[g].roi : "");
            fputc(',', f);
            vx_csv_field(f, cr->error ? cr->error : "");
            memset(cell, 0, m.n * sizeof *cell);
            memset(tcell, 0, tm.n * sizeof *tcell);
            if (cr->n_regions) {
                const vx_results *res = &cr->regions[g].res;
                for (size_t k = 0; k < res->n_text; k++)
                    tcell[col_find(&tm, res->text[k].key)] = res->text[k].value;
                for (size_t k = 0; k < res->n_diag; k++) {
                    long col = col_find(&m, res->diag[k].tag);
                    vx_format_double(res->diag[k].value, num[col], sizeof num[col]);
                    cell[col] = num[col];
                }
                for (size_t k = 0; k < res->n; k++) {
                    column_name(res, &res->rows[k], names, prefix, name, sizeof name);
                    long col = col_find(&m, name);
                    vx_format_double(res->rows[k].value, num[col], sizeof num[col]);
                    cell[col] = num[col];
                }
            }
            for (size_t k = 0; k < tm.n; k++) {
                fputc(',', f);
                if (tcell[k])
                    vx_csv_field(f, tcell[k]);
            }
            for (size_t k = 0; k < m.n; k++) {
                fputc(',', f);
                if (cell[k])
                    fputs(cell[k], f);
            }
            fputc(',', f);
            vx_csv_field(f, vx_version());
            fprintf(f, ",%s,%s,%s\n", hash, cr->image_sha256, cr->mask_sha256);
        }
    }
    free(cell);
    free(num);
    free(tcell);
    col_free(&m);
    col_free(&tm);
    return ferror(f) ? vx_error_set(err, VX_EIO, "write error on the cohort table") : VX_OK;
}
