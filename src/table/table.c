/* voxomics: sample tables (see include/voxomics/table.h).  SPDX-License-Identifier: GPL-3.0-or-later */
#include "voxomics/table.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/csv.h"
#include "voxomics/extract.h"
#include "voxomics/io.h"

static int is_missing_text(const char *s)
{
    static const char *na[] = {"", "NA", "NaN", "N/A", "NULL", "None", "?"};
    for (size_t i = 0; i < sizeof na / sizeof *na; i++)
        if (!strcasecmp(s, na[i]))
            return 1;
    return 0;
}

static double parse_number(const char *s)
{
    if (is_missing_text(s))
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
        t->num[i] = parse_number(t->cell[i]);
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
        if (is_missing_text(s))
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
    if (is_missing_text(s))
        return 1;
    return isnan(t->num[i * t->ncol + c]) ? 2 : 0;
}

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

int vx_missing_find(const char *name)
{
    if (!strcmp(name, "error"))
        return VX_MISSING_ERROR;
    if (!strcmp(name, "drop"))
        return VX_MISSING_DROP;
    if (!strcmp(name, "impute-median"))
        return VX_MISSING_IMPUTE_MEDIAN;
    return -1;
}

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(name, list[i]))
            return 1;
    return 0;
}

int vx_table_numeric_cols(const vx_table *t, const char *const *include, size_t n_include,
                          const char *const *exclude, size_t n_exclude, size_t **cols, size_t *p, vx_error *err)
{
    *cols = malloc((t->ncol ? t->ncol : 1) * sizeof **cols);
    *p = 0;
    if (!*cols)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_exclude; i++)
        if (vx_table_col(t, exclude[i]) < 0) {
            free(*cols);
            *cols = NULL;
            return vx_error_set(err, VX_EINVAL, "%s: no column '%s' to exclude", t->path, exclude[i]);
        }
    if (include) {
        for (size_t i = 0; i < n_include; i++) {
            long c = vx_table_col(t, include[i]);
            const char *why = c < 0 ? "no such column" : !vx_table_col_numeric(t, (size_t)c) ? "not numeric" : NULL;
            if (why) {
                free(*cols);
                *cols = NULL;
                return vx_error_set(err, VX_EINVAL, "%s: feature column '%s': %s", t->path, include[i], why);
            }
            if (!in_list(include[i], exclude, n_exclude) && (size_t)c != t->id_col)
                (*cols)[(*p)++] = (size_t)c;
        }
        return VX_OK;
    }
    for (size_t j = 0; j < t->ncol; j++)
        if (j != t->id_col && vx_table_col_numeric(t, j) && !in_list(t->colnames[j], exclude, n_exclude))
            (*cols)[(*p)++] = j;
    if (!*p) {
        free(*cols);
        *cols = NULL;
        return vx_error_set(err, VX_EINVAL, "%s: no numeric feature column left", t->path);
    }
    return VX_OK;
}

int vx_table_missing(vx_table *t, const size_t *cols, size_t p, const size_t *required, size_t n_required,
                     vx_missing_policy pol, size_t *dropped, char *report, size_t rlen, vx_error *err)
{
    if (dropped)
        *dropped = 0;
    if (report && rlen)
        report[0] = '\0';
    size_t total = 0, nonnum = 0, ncols = 0, worst = 0, worst_n = 0;
    size_t *rowmiss = calloc(t->nrow ? t->nrow : 1, sizeof *rowmiss);
    if (!rowmiss)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    size_t req_rows = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        size_t r = 0;
        while (r < n_required && vx_table_cell_missing(t, i, required[r]) != 1)
            r++;
        if (r == n_required)
            continue;
        if (pol != VX_MISSING_DROP) {
            size_t cnt = 0;
            for (size_t k = 0; k < t->nrow; k++)
                cnt += vx_table_cell_missing(t, k, required[r]) == 1;
            free(rowmiss);
            return vx_error_set(err, VX_EINVAL,
                                "%s: %zu rows (first: '%s') have no value in the required column '%s': drop them "
                                "(--missing drop) or fill them in",
                                t->path, cnt, VX_TABLE_ID(t, i), t->colnames[required[r]]);
        }
        rowmiss[i]++;
        req_rows++;
    }
    /* the first offending cell (a non-numeric one if any), quoted in the messages */
    size_t bad_i = 0, bad_c = 0;
    int bad_k = 0;
    for (size_t c = 0; c < p; c++) {
        size_t m = 0;
        for (size_t i = 0; i < t->nrow; i++) {
            int k = vx_table_cell_missing(t, i, cols[c]);
            if (k) {
                m++;
                nonnum += k == 2;
                rowmiss[i]++;
                if (k > bad_k) {
                    bad_k = k;
                    bad_i = i;
                    bad_c = cols[c];
                }
            }
        }
        total += m;
        ncols += m > 0;
        if (m > worst_n) {
            worst_n = m;
            worst = cols[c];
        }
    }
    size_t rows = 0;
    for (size_t i = 0; i < t->nrow; i++)
        rows += rowmiss[i] > 0;
    int rc = VX_OK;
    char first[320] = "";
    if (total) {
        const char *txt = t->cell[bad_i * t->ncol + bad_c];
        if (bad_k == 2)
            snprintf(first, sizeof first, "%s, column %s: '%.120s' is not a number", VX_TABLE_ID(t, bad_i),
                     t->colnames[bad_c], txt);
        else
            snprintf(first, sizeof first, "%s, column %s: %s%.120s%s", VX_TABLE_ID(t, bad_i), t->colnames[bad_c],
                     txt[0] ? "'" : "empty", txt, txt[0] ? "' (missing)" : "");
    }
    if (req_rows && report && !total)
        snprintf(report, rlen, "%zu rows without a value in a required column (label, batch)", req_rows);
    if (total && report)
        snprintf(report, rlen,
                 "%zu missing cells (%zu of them non-numeric text; first %s) in %zu columns (most: '%s', %zu) and "
                 "%zu rows",
                 total, nonnum, first, ncols, t->colnames[worst], worst_n, rows);
    if (total && pol == VX_MISSING_ERROR)
        rc = vx_error_set(err, VX_EINVAL,
                          "%s: %zu missing cells (%zu non-numeric; first %s) in %zu columns (most: '%s', %zu) "
                          "and %zu rows: choose --missing drop or --missing impute-median",
                          t->path, total, nonnum, first, ncols, t->colnames[worst], worst_n, rows);
    if (rc == VX_OK && (total || req_rows) && pol == VX_MISSING_DROP) {
        unsigned char *keep = malloc(t->nrow ? t->nrow : 1);
        if (!keep)
            rc = vx_error_set(err, VX_ENOMEM, "out of memory");
        for (size_t i = 0; keep && i < t->nrow; i++)
            keep[i] = rowmiss[i] == 0;
        if (keep)
            rc = vx_table_filter_rows(t, keep, err);
        free(keep);
        if (dropped)
            *dropped = rows;
    }
    free(rowmiss);
    return rc;
}

int vx_table_matrix(const vx_table *t, const size_t *cols, size_t p, double **x, vx_error *err)
{
    *x = malloc((t->nrow * p + 1) * sizeof **x);
    if (!*x)
        return vx_error_set(err, VX_ENOMEM, "out of memory for a %zu x %zu matrix", t->nrow, p);
    for (size_t i = 0; i < t->nrow; i++)
        for (size_t c = 0; c < p; c++)
            (*x)[i * p + c] = t->num[i * t->ncol + cols[c]];
    return VX_OK;
}

int vx_table_binary_label(const vx_table *t, size_t col, const char *positive, int *y, const char *names[2],
                          vx_error *err)
{
    const char *v[2] = {NULL, NULL};
    for (size_t i = 0; i < t->nrow; i++) {
        const char *s = t->cell[i * t->ncol + col];
        if (is_missing_text(s))
            return vx_error_set(err, VX_EINVAL, "%s: row '%s' has no label in column '%s'", t->path, VX_TABLE_ID(t, i),
                                t->colnames[col]);
        if (v[0] && !strcmp(s, v[0]))
            continue;
        if (v[1] && !strcmp(s, v[1]))
            continue;
        if (!v[0])
            v[0] = s;
        else if (!v[1])
            v[1] = s;
        else
            return vx_error_set(err, VX_EINVAL, "%s: label column '%s' has more than two values ('%s', '%s', '%s')",
                                t->path, t->colnames[col], v[0], v[1], s);
    }
    if (!v[1])
        return vx_error_set(err, VX_EINVAL, "%s: label column '%s' has one value only ('%s')", t->path,
                            t->colnames[col], v[0] ? v[0] : "");
    double a = parse_number(v[0]), b = parse_number(v[1]);
    int swap = !isnan(a) && !isnan(b) ? a > b : strcmp(v[0], v[1]) > 0;
    if (swap) {
        const char *tmp = v[0];
        v[0] = v[1];
        v[1] = tmp;
    }
    if (positive) {
        if (!strcmp(positive, v[0])) {
            const char *tmp = v[0];
            v[0] = v[1];
            v[1] = tmp;
        } else if (strcmp(positive, v[1]) != 0) {
            return vx_error_set(err, VX_EINVAL, "%s: --positive '%s' is not a value of '%s' ('%s', '%s')", t->path,
                                positive, t->colnames[col], v[0], v[1]);
        }
    }
    for (size_t i = 0; i < t->nrow; i++)
        y[i] = !strcmp(t->cell[i * t->ncol + col], v[1]);
    names[0] = v[0];
    names[1] = v[1];
    return VX_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int vx_impute_fit(const double *x, size_t n, size_t p, double *median, vx_error *err)
{
    double *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; j < p; j++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(x[i * p + j]))
                tmp[m++] = x[i * p + j];
        if (!m) {
            median[j] = 0.0;
            continue;
        }
        qsort(tmp, m, sizeof *tmp, cmp_double);
        median[j] = m % 2 ? tmp[m / 2] : 0.5 * (tmp[m / 2 - 1] + tmp[m / 2]);
    }
    free(tmp);
    return VX_OK;
}

void vx_impute_apply(double *x, size_t n, size_t p, const double *median)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            if (isnan(x[i * p + j]))
                x[i * p + j] = median[j];
}

size_t vx_levels(const char *const *values, size_t n, const char **levels, int *code)
{
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = 0;
        while (b < nl && strcmp(levels[b], values[i]))
            b++;
        if (b == nl)
            levels[nl++] = values[i];
        code[i] = (int)b;
    }
    return nl;
}
