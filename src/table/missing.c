/* voxomics: missing values of sample tables (policies, median imputation), numeric matrices, binary labels and
 * levels; see include/voxomics/table.h.  SPDX-License-Identifier: GPL-3.0-or-later */
#include "voxomics/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table/table_impl.h"

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
        if (vxt_is_missing_text(s))
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
    double a = vxt_parse_number(v[0]), b = vxt_parse_number(v[1]);
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

/* Branch-free Lomuto partition of v[lo..hi) around pivot: the elements < pivot (or <= pivot with le) first;
 * returns where the rest starts. The data decide no branch, so the loop runs at full speed on random data. */
static size_t partition_by(double *v, size_t lo, size_t hi, double pivot, int le)
{
    size_t lt = lo;
    for (size_t i = lo; i < hi; i++) {
        double x = v[i];
        size_t s = le ? x <= pivot : x < pivot;
        v[i] = v[lt];
        v[lt] = x;
        lt += s;
    }
    return lt;
}

/* The k-th smallest of v[0..m-1] (0-based; v is reordered so that v[0..k-1] hold the k smallest): quickselect
 * with a median-of-three pivot, O(m) expected instead of the O(m log m) of a full sort; exact (comparisons
 * only). */
static double select_kth(double *v, size_t m, size_t k)
{
    size_t lo = 0, hi = m; /* v[k] lies in [lo, hi); everything before lo is <= everything from lo on */
    while (hi - lo > 1) {
        double a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t lt = partition_by(v, lo, hi, pivot, 0);
        if (lt == lo) { /* pivot is the smallest: split off the elements equal to it */
            size_t le = partition_by(v, lo, hi, pivot, 1);
            if (k < le)
                return pivot;
            lo = le;
        } else if (k < lt) {
            hi = lt;
        } else {
            lo = lt;
        }
    }
    return v[k];
}

int vx_impute_fit(const double *x, size_t n, size_t p, double *median, vx_error *err)
{
    /* columns gathered a block of B at a time (one sweep along the rows per block, not one per column) */
    enum { B = 64 };
    double *tmp = malloc((n ? n : 1) * B * sizeof *tmp);
    size_t cnt[B];
    if (!tmp)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j0 = 0; j0 < p; j0 += B) {
        size_t nb = p - j0 < B ? p - j0 : B;
        for (size_t c = 0; c < nb; c++)
            cnt[c] = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t c = 0; c < nb; c++) {
                double v = x[i * p + j0 + c];
                if (!isnan(v))
                    tmp[c * n + cnt[c]++] = v;
            }
        for (size_t c = 0; c < nb; c++) {
            size_t m = cnt[c];
            double *t = tmp + c * n;
            if (!m) {
                median[j0 + c] = 0.0;
                continue;
            }
            double hi = select_kth(t, m, m / 2);
            if (m % 2) {
                median[j0 + c] = hi;
            } else { /* the largest of the lower half t[0 .. m/2 - 1] (all <= hi after the selection) */
                double lo = t[0];
                for (size_t i = 1; i < m / 2; i++)
                    if (t[i] > lo)
                        lo = t[i];
                median[j0 + c] = 0.5 * (lo + hi);
            }
        }
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

