/* voxomics: sample tables for the statistics commands (CSV, one row per sample, an ID column).
 *
 * Reading: RFC 4180 CSV (quoted fields, CRLF, a UTF-8 byte order mark), a header line, then one row per sample.
 * The ID column is named (default: the first column); IDs must be unique and non-empty. Each cell keeps its text;
 * its number is parsed when the whole cell is a finite decimal number. Cells that are empty or one of NA, NaN,
 * N/A, NULL, None, ? (any case) are missing. Any other text in a column whose other cells are numbers (for example
 * the spreadsheet error "#NAME?") is non-numeric: the policies below treat it as missing and the report counts it
 * separately. A column is numeric when at least one cell is a number and numbers are the majority of its
 * non-missing cells; other columns are categorical (batch names, labels such as "GE" or "malignant").
 *
 * Joining: rows of another table are attached by ID (inner join, order of the first table); the report says how
 * many rows of each side did not join.
 *
 * Missing values (--missing): VX_MISSING_ERROR (default) refuses with a message saying how many cells in which
 * columns; VX_MISSING_DROP drops the rows with any missing cell in the columns used; VX_MISSING_IMPUTE_MEDIAN keeps
 * them as NaN for a pipeline that imputes medians learnt on training data only (vx_impute_*).
 *
 * The table module (src/table): table.c reads (CSV records through src/io/csv.c) and writes tables, join.c joins
 * and filters rows, missing.c holds the missing-value policies, numeric matrices and labels, wide.c writes the
 * wide cohort table (vx_cohort_write_csv, declared in voxomics/cohort.h). Cohort tables and the statistics
 * commands use the same module.
 *
 * Ownership: a vx_table filled by vx_table_read / vx_table_read_long is freed with vx_table_free; arrays
 * returned through pointers (cols, x) are the caller's, freed with free().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_TABLE_H
#define VOXOMICS_TABLE_H

#include "voxomics/export.h"

#include <stddef.h>
#include <stdio.h>

#include "voxomics/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vx_table {
    size_t nrow, ncol;
    char **colnames; /* ncol */
    size_t id_col;   /* the ID column */
    char **cell;     /* nrow * ncol cell texts (row-major) */
    double *num;     /* nrow * ncol numbers; NaN when missing or not a number */
    char *path;      /* file the table came from (first one when joined) */
    size_t main_ncol; /* columns of that first file (joined columns follow); set by vx_table_read */
} vx_table;

#define VX_TABLE_ID(t, i) ((t)->cell[(i) * (t)->ncol + (t)->id_col])

/* Read a CSV table (rules above) with the ID column named id_name (NULL: the first column) into t, which is
 * overwritten and then owned by the caller: free it with vx_table_free (also after an error).
 * Errors: VX_EIO (cannot open or read; a fifo or other non-regular file), VX_EFORMAT (empty file, no rows, a
 * row with another number of fields than the header, an empty ID, a quote left open: naming file:line),
 * VX_EINVAL (no such ID column: the message shows the header; a repeated ID), VX_ENOMEM. */
VX_API int vx_table_read(const char *path, const char *id_name, vx_table *t, vx_error *err);
/* The same for a long-format table (one row per subject and rater / repeat, e.g. for the ICC): IDs may repeat
 * (the ID column then only names rows in messages and keys joins of other tables onto these rows). */
VX_API int vx_table_read_long(const char *path, const char *id_name, vx_table *t, vx_error *err);
/* Free the cells, names and numbers of t (not t itself) and zero it. NULL is allowed. */
VX_API void vx_table_free(vx_table *t);
/* Index of a column by exact name, -1 when absent. */
VX_API long vx_table_col(const vx_table *t, const char *name);
/* 1 when column c is numeric (see above). */
VX_API int vx_table_col_numeric(const vx_table *t, size_t c);
/* 1 when cell (i, c) is missing (empty or NA-like), 2 when it holds non-numeric text in a numeric column. */
VX_API int vx_table_cell_missing(const vx_table *t, size_t i, size_t c);
/* Inner join of b onto a by ID; a's row order; b's columns (but its ID) are appended. A column name present in
 * both is VX_EINVAL naming it. *unmatched_a / *unmatched_b: rows of each side without a partner. a is changed
 * in place (b's cells are copied: b stays the caller's); VX_ENOMEM leaves a as it was. */
VX_API int vx_table_join(vx_table *a, const vx_table *b, size_t *unmatched_a, size_t *unmatched_b, vx_error *err);
/* The transpose of a table with one variable a row and one sample a column (e.g. genes x patients): out gets one
 * row per column of in but its ID column (the ID: that column's name), one column per row of in (named by its ID),
 * the ID column first, named as in's ID column ("ID" when that name is empty); cells and numbers are copied, so
 * out can be joined (vx_table_join) onto a table of samples. out is overwritten and owned by the caller (free with
 * vx_table_free, also after an error). Errors: VX_EINVAL for a table without sample columns; VX_ENOMEM. */
VX_API int vx_table_transpose(const vx_table *in, vx_table *out, vx_error *err);
/* Keep only the rows keep[i] != 0 (order kept), in place. VX_OK or VX_ENOMEM. */
VX_API int vx_table_filter_rows(vx_table *t, const unsigned char *keep, vx_error *err);
/* Keep the rows where column `col` equals (keep_equal = 1) or differs from (0) `value`; *removed counts the
 * others. In place. VX_EINVAL when the column does not exist; VX_ENOMEM. */
VX_API int vx_table_where(vx_table *t, const char *col, const char *value, int keep_equal, size_t *removed,
                          vx_error *err);
/* Write a table (all cells as text) as CSV to f. VX_OK, or VX_EIO when writing failed. */
VX_API int vx_table_write(FILE *f, const vx_table *t);

typedef enum vx_missing_policy {
    VX_MISSING_ERROR = 0,
    VX_MISSING_DROP,
    VX_MISSING_IMPUTE_MEDIAN,
} vx_missing_policy;
/* The policy named "error", "drop" or "impute-median"; -1 when unknown. */
VX_API int vx_missing_find(const char *name);

/* Column selection for a numeric matrix: include (NULL: every numeric column) minus exclude, never the ID. Names
 * that do not exist or are not numeric are VX_EINVAL naming them. *cols receives a new array of *p column
 * indices (free it with free()); VX_ENOMEM. */
VX_API int vx_table_numeric_cols(const vx_table *t, const char *const *include, size_t n_include,
                                 const char *const *exclude, size_t n_exclude, size_t **cols, size_t *p, vx_error *err);
/* Apply a missing-value policy to the given columns and to the required columns (label, batch), which can
 * never be imputed: ERROR fails with a count per column; DROP removes the rows with a missing cell in either
 * (*dropped says how many); IMPUTE_MEDIAN leaves NaN in place for the features and fails when a required
 * column is missing. report (may be NULL) receives one line describing what was found and done (rlen bytes).
 * t is changed in place by DROP. Errors: VX_EINVAL (the refusals above, naming the columns and counts),
 * VX_ENOMEM. */
VX_API int vx_table_missing(vx_table *t, const size_t *cols, size_t p, const size_t *required, size_t n_required,
                            vx_missing_policy pol, size_t *dropped, char *report, size_t rlen, vx_error *err);
/* The nrow x p matrix (row-major) of the given columns (NaN where missing). *x receives a new array (free it
 * with free()). VX_OK or VX_ENOMEM. */
VX_API int vx_table_matrix(const vx_table *t, const size_t *cols, size_t p, double **x, vx_error *err);
/* A binary label column as 0/1: two distinct values; positive (may be NULL) names the value that is 1, else
 * the larger one (numbers compare numerically, text by byte order). names[0], names[1] receive the value
 * texts (pointers into t, valid while t lives). y: room for t->nrow. Missing labels, a column with other than
 * two distinct values, or a positive value not in the column are VX_EINVAL. */
VX_API int vx_table_binary_label(const vx_table *t, size_t col, const char *positive, int *y, const char *names[2],
                                 vx_error *err);

/* Class labels of column col with any number of values (2 to max_classes): the values sorted (numerically when
 * every one is a number, else by strcmp; scikit-learn's LabelEncoder order) into names[0..K-1] (pointers into
 * t; room for max_classes), y[i] = the class number of row i (room for t->nrow), *K the number of classes.
 * Missing labels, a single value or more than max_classes values are VX_EINVAL. For two values the order is
 * vx_table_binary_label's without --positive. */
VX_API int vx_table_class_labels(const vx_table *t, size_t col, int *y, const char **names, int max_classes, int *K,
                                 vx_error *err);

/* The distinct strings of values[0..n-1] in order of first appearance (batches, subjects, raters): levels (room
 * for n) receives pointers to them (into values: nothing is allocated), code[i] the level of values[i].
 * Returns the number of levels. */
VX_API size_t vx_levels(const char *const *values, size_t n, const char **levels, int *code);

/* Median imputation learnt on training rows: medians of each column of x (n x p) over non-NaN values (NaN
 * columns: 0) into median (room for p). VX_OK or VX_ENOMEM. */
VX_API int vx_impute_fit(const double *x, size_t n, size_t p, double *median, vx_error *err);
/* Replace every NaN of column j of x (n x p), in place, by median[j]. */
VX_API void vx_impute_apply(double *x, size_t n, size_t p, const double *median);

#ifdef __cplusplus
}
#endif
#endif
