/* voxomics: the study runner's internals, shared by the step files (src/study/step_*.c).
 *
 * A step is a vxs_step: its name (the key under `steps:` in the study file), its keys (checked before anything
 * runs), run (compute: read the inputs through the context, write CSV/SVG files under OUTDIR/<name>/ and fill
 * the result JSON that becomes OUTDIR/<name>.json) and section (the report: turn that JSON back into an HTML
 * section with plots). The runner (study.c) parses the file, checks every step's keys, computes each step's key
 * (hash of its settings text, of the files it reads and of the version) and skips it when OUTDIR/<name>.json
 * carries the same key, otherwise runs it and writes its JSON (with "step", "hash", "inputs", "seconds" added
 * by the runner). Steps run in the order of vxs_steps().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_STUDY_IMPL_H
#define VX_STUDY_IMPL_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "voxomics/error.h"
#include "voxomics/study.h"
#include "voxomics/table.h"

/* ---- the study file: a YAML tree that remembers lines ---- */

typedef enum { VXS_SCALAR, VXS_MAP, VXS_SEQ } vxs_kind;

typedef struct vxs_node vxs_node;
struct vxs_node {
    vxs_kind kind;
    int line;         /* 1-based line in the study file */
    char *value;      /* SCALAR: the text (after ${VAR} expansion) */
    size_t n;         /* MAP: entries; SEQ: items */
    char **keys;      /* MAP: keys[i] */
    int *key_lines;   /* MAP: the line of keys[i] */
    vxs_node **items; /* MAP: values; SEQ: items */
};

/* Look up a key of a MAP (NULL when absent or when map is NULL or not a MAP). */
const vxs_node *vxs_get(const vxs_node *map, const char *key);

/* The types a key may take. */
typedef enum {
    VXS_STR,   /* a scalar */
    VXS_PATH,  /* a scalar naming a file, relative to the study file's folder; must exist */
    VXS_INT,   /* an integer */
    VXS_NUM,   /* a number */
    VXS_BOOL,  /* true/false/yes/no */
    VXS_LIST,  /* a scalar or a sequence of scalars */
    VXS_MAP_T, /* a map whose keys the step checks itself (sub is NULL) or by sub */
} vxs_type;

typedef struct vxs_key vxs_key;
struct vxs_key {
    const char *name;
    vxs_type type;
    const char *help;   /* one line, for docs and the error message */
    const vxs_key *sub; /* VXS_MAP_T: its keys (NULL-name terminated), or NULL */
};

/* Check a MAP against keys (terminated by {NULL}): an unknown key is "FILE:LINE: unknown key 'K' in WHERE
 * (known: a, b, c)", a wrong type "FILE:LINE: WHERE.K: expected a number, got 'x'"; PATH keys must name an
 * existing file. where is the dotted path of the map ("steps.survival"). NULL map: nothing to check. */
int vxs_check_keys(const char *file, const vxs_node *map, const vxs_key *keys, const char *where, vx_error *err);

/* Typed getters of a MAP's keys, with a default when absent (types were checked by vxs_check_keys). */
const char *vxs_str(const vxs_node *map, const char *key, const char *def);
long vxs_int(const vxs_node *map, const char *key, long def);
double vxs_num(const vxs_node *map, const char *key, double def);
int vxs_bool(const vxs_node *map, const char *key, int def);
/* A LIST key's scalars (a scalar counts as a list of one): *out points into the tree (do not free the strings;
 * free the array). Returns the count (0 when absent). */
size_t vxs_list(const vxs_node *map, const char *key, const char ***out);

/* ---- the context of one run ---- */

typedef struct vxs_ctx {
    const char *study_path; /* as given */
    char *study_dir;        /* its folder: relative paths resolve here */
    const char *outdir;
    const vxs_node *root;   /* the whole file */
    const vx_study_options *opt;
    /* The current feature table (one row per subject, ID column features_id): the input feature table, or the
     * output of the latest step that rewrites it (extraction, reliability, harmonization), a path. */
    char *features_path;
    char *features_id;
    /* The files the running step reads (hash-keyed): files opened through vxs_load and those declared with
     * vxs_input are added to the running step's input list (study.c owns it). */
    struct vxs_run *run;
} vxs_ctx;

/* Resolve a path value of the study file (relative to its folder; ${VAR} already expanded): malloc'd. */
char *vxs_resolve(const vxs_ctx *ctx, const char *value);
/* OUTDIR/<rel>, creating the parent folders: malloc'd. */
char *vxs_outpath(const vxs_ctx *ctx, const char *rel);

/* What vxs_load joins into one table. */
enum {
    VXS_FEATURES = 1, /* the current feature table (its numeric columns are the features) */
    VXS_CLINICAL = 2, /* inputs.clinical (joined by ID) */
    VXS_BATCH = 4,    /* inputs.batch (scanner parameters, joined by ID) */
};

/* The joined data of a step: one row per subject present in every requested table (inner join, order of the
 * feature table). */
typedef struct vxs_data {
    vx_table t;              /* the joined table */
    size_t p;                /* the feature columns: their indexes in t and names */
    size_t *fcols;
    const char **fnames;     /* point into t */
    size_t n_unmatched;      /* feature rows without a match in the other tables */
} vxs_data;

/* Load and join (what: VXS_* bits). The feature columns are the numeric columns of the feature table (the ID
 * excluded); missing cells stay missing (NaN through vx_table_matrix). */
int vxs_load(vxs_ctx *ctx, unsigned what, vxs_data *d, vx_error *err);
void vxs_data_free(vxs_data *d);
/* A column of the joined table by name; error naming the study file's key `what` when absent. */
int vxs_col(const vxs_data *d, const char *name, const char *what, size_t *col, vx_error *err);

/* Declare a file the running step reads outside vxs_load (e.g. a gene-set file): its SHA-256 enters the step's
 * key and the report's provenance. */
int vxs_input(vxs_ctx *ctx, const char *path, vx_error *err);

/* Write a vx_table / a text buffer to OUTDIR/<rel> (atomically). */
int vxs_write_table(const vxs_ctx *ctx, const char *rel, const vx_table *t, vx_error *err);
int vxs_write_text(const vxs_ctx *ctx, const char *rel, const char *text, vx_error *err);

/* ---- JSON helpers (cJSON: shortest round-trip doubles; NaN -> null) ---- */
cJSON *vxs_json_array(const double *v, size_t n);
cJSON *vxs_json_strings(const char *const *v, size_t n);
/* Read a number / array from a result (NaN when absent or null); arrays malloc'd, count in *n. */
double vxs_json_num(const cJSON *obj, const char *key);
double *vxs_json_doubles(const cJSON *obj, const char *key, size_t *n);

/* ---- the report: an HTML buffer ---- */

typedef struct vxs_html vxs_html;

/* Append raw HTML / printf-style raw HTML / escaped text. */
void vxs_html_raw(vxs_html *h, const char *s);
void vxs_html_printf(vxs_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vxs_html_text(vxs_html *h, const char *s);
/* A number shown in the report, tied to its source so the browser test can compare it with the JSON:
 * <span class="vx-num" data-src="FILE" data-path="PATH" data-value="%.17g">formatted with fmt</span>
 * FILE is the OUTDIR-relative JSON file ("survival.json"), PATH the dotted path to the number in it
 * ("km.logrank.p"; array items by index: "folds.3.auc"). fmt is a printf format for one double ("%.3f"). */
void vxs_html_num(vxs_html *h, const char *file, const char *path, double value, const char *fmt);
/* A plot: <figure class="vx-figure"> the SVG inline, a <figcaption> with caption, and the SVG also written to
 * the report's svg folder as NAME.svg when one was asked for. Takes ownership of svg (frees it); NULL svg (the
 * plot function failed) records the error and writes nothing. */
void vxs_html_plot(vxs_html *h, const char *name, char *svg, const char *caption);
/* A table from JSON-free data: header cells and rows of already-formatted cells (escaped here). */
void vxs_html_table(vxs_html *h, const char *const *header, size_t ncols, const char *const *cells, size_t nrows);
/* The first error met while building (a plot that failed), or VX_OK. */
int vxs_html_status(const vxs_html *h, vx_error *err);

/* ---- steps ---- */

typedef struct vxs_step {
    const char *name;  /* key under steps: and the JSON's file name */
    const char *title; /* the report section's heading */
    const vxs_key *keys;
    /* Compute. cfg is the step's map in the study file (never NULL when called). Fill result (an object);
     * write files under OUTDIR/<name>/. */
    int (*run)(vxs_ctx *ctx, const vxs_node *cfg, cJSON *result, vx_error *err);
    /* Report section body (the runner writes <section id=NAME><h2>TITLE</h2> around it). result is the
     * parsed OUTDIR/<name>.json; study is OUTDIR/study.json. */
    int (*section)(const cJSON *result, const cJSON *study, vxs_html *h, vx_error *err);
} vxs_step;

/* The steps in run order. */
const vxs_step *const *vxs_steps(size_t *n);

extern const vxs_step vxs_step_extraction, vxs_step_reliability, vxs_step_harmonization, vxs_step_selection,
    vxs_step_classification, vxs_step_survival, vxs_step_association, vxs_step_gsea, vxs_step_imaging_to_omics;

/* The report of an OUTDIR (html.c): page shell, cohort summary, provenance and RQS sections, and each step's
 * section for the steps that have a JSON. */
int vxs_report_write(const char *outdir, const char *html_path, const char *svg_dir, vx_error *err);

#endif
