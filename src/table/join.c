/* voxomics: joining sample tables by ID and filtering their rows; see include/voxomics/table.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "voxomics/table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int vx_table_join(vx_table *a, const vx_table *b, size_t *unmatched_a, size_t *unmatched_b, vx_error *err)
{
    for (size_t j = 0; j < b->ncol; j++)
        if (j != b->id_col && vx_table_col(a, b->colnames[j]) >= 0)
            return vx_error_set(err, VX_EINVAL, "join %s: column '%s' is in both tables: rename one", b->path,
                                b->colnames[j]);
    /* b's rows by ID: sorted index */
    unsigned char *used = calloc(b->nrow ? b->nrow : 1, 1);
    size_t *match = malloc((a->nrow ? a->nrow : 1) * sizeof *match);
    if (!used || !match) {
        free(used);
        free(match);
        return vx_error_set(err, VX_ENOMEM, "join: out of memory");
    }
    size_t na = 0;
    for (size_t i = 0; i < a->nrow; i++) {
        match[i] = (size_t)-1;
        for (size_t k = 0; k < b->nrow; k++) /* tables of studies: thousands of rows, fine */
            if (!strcmp(VX_TABLE_ID(a, i), VX_TABLE_ID(b, k))) {
                match[i] = k;
                used[k] = 1;
                break;
            }
        na += match[i] == (size_t)-1;
    }
    size_t nb = 0;
    for (size_t k = 0; k < b->nrow; k++)
        nb += !used[k];
    size_t nrow = a->nrow - na, ncol = a->ncol + b->ncol - 1;
    char **cell = calloc(nrow * ncol + 1, sizeof *cell);
    double *num = malloc((nrow * ncol + 1) * sizeof *num);
    char **names = calloc(ncol, sizeof *names);
    int rc = cell && num && names ? VX_OK : vx_error_set(err, VX_ENOMEM, "join: out of memory");
    for (size_t j = 0; rc == VX_OK && j < ncol; j++) {
        const char *src = j < a->ncol ? a->colnames[j] : b->colnames[j - a->ncol + (j - a->ncol >= b->id_col)];
        if (!(names[j] = strdup(src)))
            rc = vx_error_set(err, VX_ENOMEM, "join: out of memory");
    }
    size_t r = 0;
    for (size_t i = 0; rc == VX_OK && i < a->nrow; i++) {
        if (match[i] == (size_t)-1)
            continue;
        size_t k = match[i];
        for (size_t j = 0; j < ncol && rc == VX_OK; j++) {
            size_t bj = j < a->ncol ? 0 : j - a->ncol + (j - a->ncol >= b->id_col);
            const char *text = j < a->ncol ? a->cell[i * a->ncol + j] : b->cell[k * b->ncol + bj];
            num[r * ncol + j] = j < a->ncol ? a->num[i * a->ncol + j] : b->num[k * b->ncol + bj];
            if (!(cell[r * ncol + j] = strdup(text)))
                rc = vx_error_set(err, VX_ENOMEM, "join: out of memory");
        }
        r++;
    }
    free(used);
    free(match);
    if (rc != VX_OK) {
        for (size_t i = 0; cell && i < nrow * ncol; i++)
            free(cell[i]);
        for (size_t j = 0; names && j < ncol; j++)
            free(names[j]);
        free(cell);
        free(num);
        free(names);
        return rc;
    }
    for (size_t i = 0; i < a->nrow * a->ncol; i++)
        free(a->cell[i]);
    for (size_t j = 0; j < a->ncol; j++)
        free(a->colnames[j]);
    free(a->cell);
    free(a->num);
    free(a->colnames);
    a->cell = cell;
    a->num = num;
    a->colnames = names;
    a->nrow = nrow;
    a->ncol = ncol;
    if (unmatched_a)
        *unmatched_a = na;
    if (unmatched_b)
        *unmatched_b = nb;
    return VX_OK;
}

int vx_table_filter_rows(vx_table *t, const unsigned char *keep, vx_error *err)
{
    (void)err;
    size_t r = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        if (!keep[i]) {
            for (size_t j = 0; j < t->ncol; j++)
                free(t->cell[i * t->ncol + j]);
            continue;
        }
        if (r != i) {
            memmove(t->cell + r * t->ncol, t->cell + i * t->ncol, t->ncol * sizeof *t->cell);
            memmove(t->num + r * t->ncol, t->num + i * t->ncol, t->ncol * sizeof *t->num);
        }
        r++;
    }
    t->nrow = r;
    return VX_OK;
}

int vx_table_where(vx_table *t, const char *col, const char *value, int keep_equal, size_t *removed, vx_error *err)
{
    long c = vx_table_col(t, col);
    if (c < 0)
        return vx_error_set(err, VX_EINVAL, "%s: no column '%s' (--where)", t->path, col);
    unsigned char *keep = malloc(t->nrow + 1);
    if (!keep)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    size_t gone = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        keep[i] = (strcmp(t->cell[i * t->ncol + (size_t)c], value) == 0) == keep_equal;
        gone += !keep[i];
    }
    int rc = vx_table_filter_rows(t, keep, err);
    free(keep);
    if (removed)
        *removed = gone;
    return rc;
}

/* strdup of s, counting a failure in *bad. */
static char *dup_or_count(const char *s, int *bad)
{
    char *d = strdup(s ? s : "");
    if (!d)
        (*bad)++;
    return d;
}

int vx_table_transpose(const vx_table *in, vx_table *out, vx_error *err)
{
    memset(out, 0, sizeof *out);
    if (!in || in->ncol < 2)
        return vx_error_set(err, VX_EINVAL, "transpose %s: no sample column beside the ID column",
                            in && in->path ? in->path : "");
    out->nrow = in->ncol - 1;
    out->ncol = in->nrow + 1;
    out->main_ncol = out->ncol;
    out->colnames = calloc(out->ncol, sizeof *out->colnames);
    out->cell = calloc(out->nrow * out->ncol, sizeof *out->cell);
    out->num = malloc(out->nrow * out->ncol * sizeof *out->num);
    int bad = !out->colnames || !out->cell || !out->num;
    if (bad) {
        free(out->colnames);
        free(out->cell);
        free(out->num);
        memset(out, 0, sizeof *out);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    const char *idn = in->colnames[in->id_col];
    out->colnames[0] = dup_or_count(idn && idn[0] ? idn : "ID", &bad);
    for (size_t i = 0; i < in->nrow; i++)
        out->colnames[i + 1] = dup_or_count(VX_TABLE_ID(in, i), &bad);
    for (size_t c = 0, r = 0; c < in->ncol; c++) {
        if (c == in->id_col)
            continue;
        out->cell[r * out->ncol] = dup_or_count(in->colnames[c], &bad);
        out->num[r * out->ncol] = NAN;
        for (size_t i = 0; i < in->nrow; i++) {
            out->cell[r * out->ncol + i + 1] = dup_or_count(in->cell[i * in->ncol + c], &bad);
            out->num[r * out->ncol + i + 1] = in->num[i * in->ncol + c];
        }
        r++;
    }
    out->path = dup_or_count(in->path, &bad);
    if (bad) {
        vx_table_free(out);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    return VX_OK;
}
