/* voxomics study: the computations of the survival, association, gsea and imaging_to_omics steps on data already
 * loaded (step_survival.c, step_assoc.c, step_gsea.c, step_regress.c drive them; the tests call them directly).
 * Each fills a cJSON result object, the step's OUTDIR/<step>.json, and returns what its CSV needs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_STUDY_SURVOMICS_H
#define VX_STUDY_SURVOMICS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "study/study_impl.h"
#include "voxomics/error.h"
#include "voxomics/omics.h"

/* ---- survival ---- */
typedef struct vxs_surv_opts {
    const char *time, *event;          /* outcome columns of the joined table */
    const char *const *features;       /* the Cox and LASSO-Cox features (columns of the joined table) */
    size_t nfeat;
    const char *features_source;       /* "cox" (listed), "selection" (selection.json) or "all" */
    const char *const *clinical;       /* clinical covariates of the multivariable model */
    size_t nclin;
    double alpha;                      /* coxnet elastic-net mixing (1: LASSO) */
    int folds;                         /* coxnet CV folds */
    unsigned long seed;                /* coxnet CV seed */
    double lambda_min_ratio;           /* coxnet: NaN: glmnet's default up to 20 features, 0.01 above */
    double holdout;                    /* fraction held out (0: none: KM on the training data) */
    unsigned long holdout_seed;
    const double *at;                  /* times for survival and numbers at risk */
    size_t nat;
    size_t forest_max;                 /* univariate rows in the forest plot (top by p) */
} vxs_surv_opts;

/* Univariate Cox (HR per SD), multivariable Cox (clinical + features), LASSO-Cox risk split with Kaplan-Meier
 * curves and the log-rank test, into res (keys in docs/study_survival_omics.md). */
int vxs_survival_compute(const vxs_data *d, const vxs_surv_opts *o, cJSON *res, vx_error *err);

/* The report section of survival.json. */
int vxs_survival_section(const cJSON *res, const cJSON *study, vxs_html *h, vx_error *err);

/* The held-out split: test[i] = 1 for round(fraction * n_class) subjects of each event class, drawn from seed. */
int vxs_holdout_split(const int *event, size_t n, double fraction, unsigned long seed, unsigned char *test,
                      vx_error *err);

/* order[0..n) = 0..n-1 sorted by key increasing (NaN last, ties by index); VX_ENOMEM. */
int vxs_order(const double *key, size_t n, size_t *order);

/* ---- omics: features x genes aligned by sample ---- */
typedef struct vxs_omics {
    size_t n, px, py;    /* samples in both tables, features, genes */
    double *x, *y;       /* n x px, n x py, column-major, NaN missing */
    const char **fname;  /* px feature names (into the data's table) */
    const char **gname;  /* py gene names (into the omics table) */
} vxs_omics;

/* Match the feature rows of d with the samples of ot (its rows, or its columns when by_rows) by ID, in the
 * order of d. Fewer than 3 shared samples: VX_EINVAL naming path. */
int vxs_omics_build(const vxs_data *d, const vx_table *ot, int by_rows, const char *path, vxs_omics *o,
                    vx_error *err);
void vxs_omics_free(vxs_omics *o);
/* The study's inputs.omics (path, by_rows, id) read and aligned with the current feature table; *ot and *d
 * own the names o points into (free them after o). */
int vxs_omics_load(vxs_ctx *ctx, const char *step, vxs_data *d, vx_table *ot, vxs_omics *o, vx_error *err);
/* The correlation method named m (pearson|spearman|kendall), -1 when unknown. */
int vxs_cor_method(const char *m);

/* ---- association ---- */
/* All feature x gene pairs (min 3 pairs), BH over them; res: counts, per-feature counts, the top pairs and the
 * heatmap block of the top features x top genes; *pairs (sorted by p) for the CSV. */
int vxs_assoc_compute(const vxs_omics *o, vx_cor_method m, double qmax, size_t top, cJSON *res,
                      vx_assoc_pair **pairs, size_t *np, vx_error *err);
/* The feature with the most pairs at q < qmax (ties: the smallest q), of pairs sorted by p. */
size_t vxs_assoc_top_feature(const vx_assoc_pair *pairs, size_t np, size_t px, double qmax);

/* ---- gsea ---- */
/* The weighted (w = 1) Kolmogorov-Smirnov running sum of a set over the ranking stat[0..N) (sorted
 * decreasingly) with hits hit[0..k) (increasing positions): running[i] after position i (N values). */
void vxs_gsea_running(const double *stat, size_t N, const size_t *hit, size_t k, double *running);

typedef struct vxs_gsea_opts {
    size_t min_size, max_size, nperm, top;
    uint64_t seed;
} vxs_gsea_opts;
/* GSEA of the ranking stat over genes (N) against the sets; res: the tested sets sorted by p, and the running
 * sums and hits of the top ones; *run for the CSV (free with vx_gsea_run_free). */
int vxs_gsea_compute(const char *const *genes, const double *stat, size_t N, const char *const *set_names,
                     const char *const *set_genes, const size_t *set_off, size_t nsets, const vxs_gsea_opts *o,
                     cJSON *res, vx_gsea_run *run, vx_error *err);

/* ---- imaging_to_omics ---- */
/* Every gene from the features (vx_regress on folds from seed); res: summary, r of every gene, top genes;
 * out: py results for the CSV (the caller's). */
int vxs_regress_compute(const vxs_omics *o, const vx_regress_params *par, int folds, uint64_t fold_seed,
                        cJSON *res, vx_regress_result *out, vx_error *err);

/* ---- report helpers shared by these sections ---- */
/* "<td>" + vxs_html_num + "</td>" */
void vxs_html_numcell(vxs_html *h, const char *file, const char *path, double v, const char *fmt);
/* "<td>" + escaped text + "</td>" */
void vxs_html_textcell(vxs_html *h, const char *s);
/* A table head: <table class="vx-table"><thead><tr><th>...</th></tr></thead><tbody> */
void vxs_html_thead(vxs_html *h, const char *const *cols, size_t n);
/* CSV text (malloc'd; NULL when out of memory) of an array of JSON objects: a header of keys, then per object its
 * values (numbers %.17g, strings quoted as needed, absent/null empty). */
char *vxs_json_csv(const cJSON *rows, const char *const *keys, size_t nk);
/* A table of JSON rows: one column per spec, text (fmt NULL) or a number tied to FILE's BASE.i.KEY; at most max
 * rows. */
typedef struct vxs_col_spec {
    const char *header, *key, *fmt;
} vxs_col_spec;
void vxs_html_rows(vxs_html *h, const char *file, const char *base, const cJSON *rows, size_t max,
                   const vxs_col_spec *cols, size_t nc);
/* An in-memory text stream (open_memstream) and its text when closed (malloc'd; NULL on failure). */
FILE *vxs_mem_open(char **buf, size_t *len);
char *vxs_mem_close(FILE *f, char **buf);

#endif
