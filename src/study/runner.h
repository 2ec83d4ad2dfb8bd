/* voxomics (internal): what the study runner (study.c) and the data helpers (data.c) share beyond
 * study_impl.h: the running step's list of inputs, the parsed study file, and the feature-table hand-over
 * between steps.  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_STUDY_RUNNER_H
#define VX_STUDY_RUNNER_H

#include "study/study_impl.h"

/* The files the running step read: resolved paths and their SHA-256 (in the order first declared). */
struct vxs_run {
    char **paths;
    char (*sha)[65];
    size_t n, cap;
};

/* A parsed study file. */
typedef struct vxs_study {
    char *path;     /* as given */
    char *dir;      /* its folder, absolute */
    char *text;     /* the whole file */
    char sha[65];   /* its SHA-256 */
    vxs_node *root; /* the tree */
} vxs_study;

/* Parse (YAML syntax and ${VAR} expansion only) / free. */
int vxs_study_parse(const char *path, vxs_study *s, vx_error *err);
void vxs_study_free(vxs_study *s);
/* Check every key of the file (top level, inputs, outcome, each step's keys) and the required ones. */
int vxs_study_check_tree(const vxs_study *s, vx_error *err);
void vxs_node_free(vxs_node *n);

/* The node as JSON: scalars as strings (sorted = 1: map keys sorted, for hashing) or, sorted = 0, as numbers
 * and booleans where they look like ones (file order, for display). */
cJSON *vxs_node_json(const vxs_node *n, int sorted);

/* A step that rewrites the feature table: it becomes OUTDIR/<rel> with ID column id (NULL: the first). */
int vxs_set_features(vxs_ctx *ctx, const char *rel, const char *id, vx_error *err);

/* path made absolute (the current folder before a relative path), into out (len bytes). */
int vxs_abspath(const char *path, char *out, size_t len, vx_error *err);

/* mkdir -p of path's parent folders (and of path itself when self is 1). */
int vxs_mkdirs(const char *path, int self, vx_error *err);

/* OUTDIR/<name>.json parsed (NULL when absent or unreadable). */
cJSON *vxs_read_json(const char *path);
/* The result of an earlier step, OUTDIR/<step>.json, parsed into *out (NULL, and VX_OK, when that step has no
 * JSON), declared as an input of the running step (vxs_input) so that the running step reruns when that result
 * changes. A step that reads another step's result must read it through this. */
int vxs_step_result(vxs_ctx *ctx, const char *step, cJSON **out, vx_error *err);
/* Write a cJSON document (pretty) to path atomically. */
int vxs_write_json(const char *path, const cJSON *doc, vx_error *err);

/* study.json's "cohort": counts of the feature table (features, id) joined with the clinical and batch tables
 * (cohort.c). */
int vxs_cohort_summary(vxs_ctx *ctx, const char *features, const char *id, cJSON *cohort, vx_error *err);

/* 1 when cell (i, c) is missing: empty or NA-like, or (in a numeric column) text that is not a number. */
int vxs_cell_missing(const vx_table *t, size_t i, size_t c);

/* Keep only the rows of d with a label in column label (in place; *n_missing counts the others), and their
 * 0/1 labels (positive: the class that is 1, NULL: the larger) into *y (malloc'd), the class names into names. */
int vxs_label_rows(vxs_data *d, const char *label, const char *positive, int **y, const char *names[2],
                   size_t *n_missing, vx_error *err);
/* The n x p feature matrix of d (malloc'd); missing cells replaced by their column's median when impute is 1. */
int vxs_features_matrix(const vxs_data *d, int impute, double **X, vx_error *err);

/* Write the feature table part of d (the columns of the feature table's file, not the joined ones) to
 * OUTDIR/<rel> atomically, for d's rows: feature j (d->fcols[j]) is left out when drop && drop[j], and takes
 * X[i * d->p + j] (%.17g; NaN: an empty cell) when X is not NULL; the other columns keep their text. */
int vxs_write_features(const vxs_ctx *ctx, const char *rel, const vxs_data *d, const double *X,
                       const unsigned char *drop, vx_error *err);

/* step_harmonization.c: PCA scores of the first two components of the standardised columns of X (n x p, 1/n
 * standard deviations, constant columns left out; signs: each component's largest loading positive) and their
 * explained variance ratios; the number of features of X with a batch test (vx_group_test by the codes g of nb
 * batches, NaN cells left out) of BH q < qmax. */
int vxs_pca2(const double *X, size_t n, size_t p, double *pc1, double *pc2, double ev[2], vx_error *err);
int vxs_batch_tests(const double *X, size_t n, size_t p, const int *g, int nb, double qmax, size_t *count,
                    vx_error *err);

/* Append tmpl as raw HTML where each "{path}" or "{path|fmt}" becomes vxs_html_num(h, file, path, the number at
 * that dotted path of res, fmt (default "%.0f")) (say.c). */
void vxs_html_say(vxs_html *h, const char *file, const cJSON *res, const char *tmpl);

#endif
