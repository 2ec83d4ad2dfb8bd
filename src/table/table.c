/* voxomics: sample tables, reading (CSV in through src/io/csv.c), columns, cells and writing (CSV out); see
 * include/voxomics/table.h.  SPDX-License-Identifier: GPL-3.0-or-later */
#include "voxomics/table.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/csv.h"
#include "table/table_impl.h"
#include "voxomics/extract.h"
#include "voxomics/io.h"

int vxt_is_missing_text(const char *s)
{
    static const char *na[] = {"", "NA", "NaN", "N/A", "NULL", "None", "?"};
    for (size_t i = 0; i < sizeof na / sizeof *na; i++)
        if (!strcasecmp(s, na[i]))
            return 1;
    return 0;
}

double vxt_parse_number(const char *s)
{
    if (vxt_is_missing_text(s))
        return NAN;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (end == s || *end || !isfinite(v))
        return NAN;
    return v;
}

void vx_table_free(vx_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nrow * t->ncol; i++)
        free(t->cell[i]);
    free(t->cell);
    for (size_t j = 0; j < t->ncol; j++)
        free(t->colnames[j]);
    free(t->colnames);
    free(t->num);
    free(t->path);
    memset(t, 0, sizeof *t);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int table_read(const char *path, const char *id_name, int unique, vx_table *t, vx_error *err)
{
    memset(t, 0, sizeof *t);
    int prc = vx_path_check(path, 0, "table", err); /* a fifo would block: refused at once */
    if (prc != VX_OK)
        return prc;
    FILE *f = fopen(path, "r");
    if (!f)
        return vx_error_set(err, VX_EIO, "%s: cannot open: %s", path, strerror(errno));
    vx_csv_reader rd;
    vx_csv_reader_init(&rd, f);
    size_t lineno = 0, rcap = 0;
    int rc = VX_OK, got;
    t->path = strdup(path);
    while (rc == VX_OK && (got = vx_csv_next(&rd)) != 0) {
        if (got < 0) {
            rc = got == -1 ? vx_error_set(err, VX_EFORMAT,
                                          "%s:%zu: unterminated quote (the quoted field opened on this line runs to "
                                          "the end of the file): close it",
                                          path, rd.line)
                           : vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
            break;
        }
        lineno = rd.line;
        char *text = rd.rec;
        char **fl;
        int nf = vx_csv_split(text, &fl);
        if (nf < 0) {
            rc = vx_error_set(err, VX_ENOMEM, "%s:%zu: out of memory", path, lineno);
            break;
        }
        for (int i = 0; i < nf; i++)
            vx_csv_trim(fl[i]);
        if (!t->colnames) {
            t->colnames = fl;
            t->ncol = (size_t)nf;
            t->main_ncol = t->ncol;
            long id = id_name ? vx_table_col(t, id_name) : 0;
            if (id < 0) {
                rc = vx_error_set(err, VX_EINVAL, "%s: no column '%s' for the ID (--id); the header is: %s", path,
                                  id_name, text);
                break;
            }
            t->id_col = (size_t)id;
            continue;
        }
        if ((size_t)nf != t->ncol) {
            rc = vx_error_set(err, VX_EFORMAT, "%s:%zu: %d fields where the header has %zu", path, lineno, nf,
                              t->ncol);
            vx_csv_free_fields(fl, nf);
            break;
        }
        if (t->nrow == rcap) {
            rcap = rcap ? rcap * 2 : 256;
            char **c = realloc(t->cell, rcap * t->ncol * sizeof *c);
            if (!c) {
                vx_csv_free_fields(fl, nf);
                rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
                break;
            }
            t->cell = c;
        }
        memcpy(t->cell + t->nrow * t->ncol, fl, t->ncol * sizeof *fl);
        free(fl);
        t->nrow++;
        if (!VX_TABLE_ID(t, t->nrow - 1)[0])
            rc = vx_error_set(err, VX_EFORMAT, "%s:%zu: empty ID in column '%s'", path, lineno,
                              t->colnames[t->id_col]);
    }
    vx_csv_reader_free(&rd);
    fclose(f);
    if (rc == VX_OK && !t->colnames)
        rc = vx_error_set(err, VX_EFORMAT, "%s: empty file (a header line is needed)", path);
    if (rc == VX_OK && !t->nrow)
        rc = vx_error_set(err, VX_EFORMAT, "%s: no rows after the header", path);
    if (rc == VX_OK && !(t->num = malloc(t->nrow * t->ncol * sizeof *t->num)))
        rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
    for (size_t i = 0; rc == VX_OK && i < t->nrow * t->ncol; i++)
        t->num[i] = vxt_parse_number(t->cell[i]);
    /* unique IDs: sort a copy of the pointers, compare neighbours */
    if (rc == VX_OK && unique) {
        char **ids = malloc(t->nrow * sizeof *ids);
        if (!ids)
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
        for (size_t i = 0; ids && i < t->nrow; i++)
            ids[i] = VX_TABLE_ID(t, i);
        if (ids)
            qsort(ids, t->nrow, sizeof *ids, cmp_str);
        for (size_t i = 1; ids && rc == VX_OK && i < t->nrow; i++)
            if (!strcmp(ids[i - 1], ids[i]))
                rc = vx_error_set(err, VX_EFORMAT, "%s: ID '%s' appears more than once in column '%s'", path, ids[i],
                                  t->colnames[t->id_col]);
        free(ids);
    }
    if (rc != VX_OK)
        vx_table_free(t);
    return rc;
}

int vx_table_read(const char *path, const char *id_name, vx_table *t, vx_error *err)
{
    return table_read(path, id_name, 1, t, err);
}

int vx_table_read_long(const char *path, const char *id_name, vx_table *t, vx_error *err)
{
    return table_read(path, id_name, 0, t, err);
}

long vx_table_col(const vx_table *t, const char *name)
{
    for (size_t j = 0; j < t->ncol; j++)
        if (!strcmp(t->colnames[j], name))
            return (long)j;
    return -1;
}

int vx_table_col_numeric(const vx_table *t, size_t c)
{
    size_t nums = 0, texts = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        const char *s = t->cell[i * t->ncol + c];
        if (vxt_is_missing_text(s))
            continue;
        if (isnan(t->num[i * t->ncol + c]))
            texts++;
        else
            nums++;
    }
    return nums > 0 && nums > texts;
}

int vx_table_cell_missing(const vx_table *t, size_t i, size_t c)
{
    const char *s = t->cell[i * t->ncol + c];
    if (vxt_is_missing_text(s))
        return 1;
    return isnan(t->num[i * t->ncol + c]) ? 2 : 0;
}


int vx_table_write(FILE *f, const vx_table *t)
{
    for (size_t j = 0; j < t->ncol; j++) {
        if (j)
            fputc(',', f);
        vx_csv_field(f, t->colnames[j]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->nrow; i++) {
        for (size_t j = 0; j < t->ncol; j++) {
            if (j)
                fputc(',', f);
            vx_csv_field(f, t->cell[i * t->ncol + j]);
        }
        fputc('\n', f);
    }
    return ferror(f) ? VX_EIO : VX_OK;
}
