/* voxomics harmonize | icc | select | train | predict | cv | evaluate: what the statistics commands share.
 *
 * Common options: --id NAME (the ID column, default the first), --join FILE (repeatable: joined on the ID; the
 * joined file's ID is its first column), --where COL=VALUE (repeatable), --missing error|drop|impute-median
 * (default error), --features a,b,... / --exclude a,b,... (feature columns; default every numeric column of
 * DATA but the ID, label, batch, covariates). Results go to the named CSV / JSON files (io.h vx_outfile: atomic,
 * or streamed for '-', fifos, devices); a human-readable summary is printed when stdout is a terminal that is
 * not the output, and not with --quiet. Exit status: 0 done, 1 a problem with the data or files (one line
 * naming it), 2 wrong command line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VX_CLI_STATS_COMMON_H
#define VX_CLI_STATS_COMMON_H
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "voxomics/pipeline.h"
#include "voxomics/table.h"

#define MAX_LIST CLI_LIST_MAX
#define MAX_CLASSES 256

typedef struct sopts {
    const cli_command *c;
    const char *cmd;
    const char *data, *id, *out, *json, *label, *positive, *batch, *method, *model, *save, *apply, *subject, *rater;
    const char *score, *compare, *prob, *folds_from, *features, *exclude, *missing, *harmonize_batch, *model_file;
    const char *youden_from, *ref_batch, *preset, *base_score, *inner_folds_from, *criterion;
    const char *time, *event, *strata, *ties, *group, *split_at, *by, *at, *conf_type; /* cox, km */
    const char *cutoff_from, *surv_prob; /* evaluate (survival) */
    double lambda, l1_ratio, cutoff;     /* coxnet; evaluate (survival) */
    const char *measure;                 /* coxnet */
    cli_list categorical;
    double rho;
    cli_list joins, covariates, tune, where;
    cli_list blocks, joins_by_rows; /* cv: --block NAME=..., --join-by-rows FILE */
    const char *fusion;             /* cv: early | late */
    int no_block_scale;             /* cv: early fusion without the 1/sqrt(width) block weights */
    const char *const *block_features; /* set by cv with --block: the feature columns (instead of --features) */
    size_t n_block_features;
    long folds, repeats, bootstrap, seed, trees, depth;
    int nonparametric, mean_only, no_eb, miq, welch, lasso_1se, quiet, bootstrap_rows;
    double C, gamma, eta, threshold, alpha, k, nlambda, lambda_min_ratio;
    double reg_lambda, min_child_weight, subsample, colsample_bytree, colsample_bynode;
} sopts;

/* Parse the command line into o (defaults first); CLI_OK, CLI_DONE (help/version: exit 0) or 2. */
int stats_parse(const cli_command *c, int argc, char **argv, sopts *o);
/* Usage error naming the command; returns 2. */
int stats_usage(const sopts *o, const char *msg, const char *arg);
/* "voxomics CMD: <err>"; returns 1. */
int stats_fail(const sopts *o, const vx_error *err);
/* A note on stderr ("voxomics CMD: ..."), unless --quiet. */
void stats_note(const sopts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 when a summary may go to stdout: a terminal, not an output written to '-', no --quiet. */
int stats_summary(const sopts *o);
/* "a,b,c" -> list (pointers into s) */
size_t stats_split_list(char *s, const char **out, size_t max);

/* Read DATA with its joins and --where filters; report unmatched / filtered rows (notes). */
int stats_load_table(const sopts *o, vx_table *t, vx_error *err);
/* Feature columns: --features / --exclude, minus the columns in skip. */
int stats_feature_cols(const sopts *o, const vx_table *t, const char *const *skip, size_t nskip, size_t **cols,
                       size_t *p, vx_error *err);
long stats_need_col(const sopts *o, const vx_table *t, const char *name, const char *what, vx_error *err);
/* Write root to path (vx_outfile); 0 or 1 with the error printed. */
int stats_write_json(const sopts *o, const char *path, cJSON *root);
cJSON *stats_json_nums(const double *v, size_t n);
/* Finish an output opened with vx_outfile_open: commit when rc is VX_OK, else abort (no partial file). */
int stats_finish(vx_outfile *of, int rc, vx_error *err);

/* The labelled matrix shared by select / train / cv. */
typedef struct labelled {
    vx_table t;
    size_t *cols, p;
    double *X;
    int *y;
    const char *names[2];
    const char **fnames;
    const char **batch;
    int nclass;                     /* 2, or more for a multiclass label (cv, train); 0 for a survival outcome */
    double *time;                   /* survival (--time, --event instead of --label): follow-up times */
    int *event;                     /* 1 event, 0 censored */
    const char *classes[MAX_CLASSES]; /* the class names, class 0 first (binary: names[0], names[1]) */
} labelled;
void stats_labelled_free(labelled *d);
int stats_load_labelled(const sopts *o, labelled *d, vx_error *err);
int stats_pipeline_params(const sopts *o, vx_pipeline_params *pp, vx_error *err);
/* Survival outcome of cv / train: --time and --event (given instead of --label) into d->time, d->event; d->y
 * holds the events. Called by stats_load_labelled of cv and train when --time or --event is given. */
int stats_load_surv(const sopts *o, labelled *d, vx_error *err);
/* --at T1,T2,...: up to max times >= 0 into t, *m of them; VX_EINVAL naming the bad item. */
int stats_times(const sopts *o, double *t, size_t max, size_t *m, vx_error *err);
/* The model's parameters as a JSON object (the settings of cv's output): C, gamma, seed (as a string); rf and
 * gbm also trees, depth, eta, reg_lambda, min_child_weight, subsample, colsample_bytree, colsample_bynode,
 * base_score ("prior", "0.5" for XGBoost's default, or the number) and preset (or null). */
cJSON *stats_model_params_json(const vx_model_params *mp, const char *preset);

/* ---- option table entries shared by the commands ---------------------------------------------------------- */
#define SO(f) offsetof(sopts, f)
#define OPT_ID                                                                                                 \
    {"--id", NULL, "COL", "the first column", "the ID column of the data table (--join matches rows on it)",  \
     CLI_STR, SO(id), 0, 0, 0}
#define OPT_JOIN                                                                                               \
    {"--join", NULL, "FILE.csv", NULL,                                                                         \
     "join another table by ID (its first column), e.g. labels or batches; rows without a partner are left "   \
     "out and counted",                                                                                        \
     CLI_LIST, SO(joins), 0, 0, 0}
#define OPT_WHERE                                                                                              \
    {"--where", NULL, "COL=VALUE", NULL, "keep only the rows where COL is VALUE (COL!=VALUE: is not VALUE)",    \
     CLI_LIST, SO(where), 0, 0, 0}
#define OPT_MISSING                                                                                            \
    {"--missing", NULL, "error|drop|impute-median", "error",                                                   \
     "empty or NA cells in the columns used: stop and name them, drop those rows, or impute column medians "   \
     "(inside cv: learnt on each training set only); a label, batch or covariate is never imputed",           \
     CLI_STR, SO(missing), 0, 0, 0}
#define OPT_FEATURES                                                                                           \
    {"--features", NULL, "A,B,...", "every numeric column of the data table but the ID and the columns named " \
     "by other options", "the feature columns (comma-separated; joined columns only when named here)",          \
     CLI_STR, SO(features), 0, 0, 0}
#define OPT_EXCLUDE                                                                                            \
    {"--exclude", NULL, "A,B,...", NULL, "columns that are not features (comma-separated)", CLI_STR,           \
     SO(exclude), 0, 0, 0}
#define OPT_OUT(META, WHAT)                                                                                    \
    {"--output", "-o", META, "required", WHAT "; '-' is standard output, a symbolic link writes its target",   \
     CLI_STR, SO(out), 0, 0, 0}
#define OPT_JSON(WHAT)                                                                                         \
    {"--json", NULL, "OUT.json", "required", WHAT "; '-' is standard output", CLI_STR, SO(json), 0, 0, 0}
#define OPT_LABEL                                                                                              \
    {"--label", NULL, "COL", "required", "the binary outcome column (exactly two distinct values)", CLI_STR,    \
     SO(label), 0, 0, 0}
#define OPT_CLASS_LABEL                                                                                        \
    {"--label", NULL, "COL", "required",                                                                       \
     "the outcome column: two distinct values, or more (one binary model per class, one-vs-rest); survival: "   \
     "--time and --event instead", CLI_STR,                                                                    \
     SO(label), 0, 0, 0}
#define OPT_POSITIVE                                                                                           \
    {"--positive", NULL, "VALUE", "the larger value (numbers numerically, text by byte order)",               \
     "the label value that is the positive class (1)", CLI_STR, SO(positive), 0, 0, 0}
#define OPT_SEED(DEF, WHAT) {"--seed", NULL, "S", DEF, WHAT, CLI_INT, SO(seed), 0, 9007199254740991.0, 0}
#define OPT_THRESHOLD(DEF, WHAT) {"--threshold", NULL, "T", DEF, WHAT, CLI_NUM, SO(threshold), 0, 0, 0}
#define OPT_K(DEF)                                                                                             \
    {"--k", NULL, "K", DEF, "number of features kept (univariate, mrmr)", CLI_NUM, SO(k), 0, 0, 0}
#define OPT_ALPHA                                                                                              \
    {"--alpha", NULL, "A", "0.05", "univariate: keep features with BH-adjusted p below A (when no --k)",       \
     CLI_NUM, SO(alpha), 0, 0, 0}
#define OPT_WELCH                                                                                              \
    {"--welch", NULL, NULL, "off: Mann-Whitney U", "univariate: Welch's t-test instead of Mann-Whitney U",    \
     CLI_FLAG, SO(welch), 0, 0, 1}
#define OPT_MIQ                                                                                                \
    {"--miq", NULL, NULL, "off: MID", "mrmr: the quotient criterion (MIQ) instead of the difference (MID)",   \
     CLI_FLAG, SO(miq), 0, 0, 1}
#define OPT_LAMBDA_1SE                                                                                         \
    {"--lambda-1se", NULL, NULL, "off: lambda.min",                                                            \
     "lasso: the largest lambda within one standard error of the CV optimum (sparser)", CLI_FLAG,             \
     SO(lasso_1se), 0, 0, 1}
#define OPT_NLAMBDA                                                                                            \
    {"--nlambda", NULL, "N", "100", "lasso: number of lambdas on the path (3 to 100000), as glmnet's nlambda",  \
     CLI_NUM, SO(nlambda), 0, 0, 0}
#define OPT_LAMBDA_MIN_RATIO                                                                                   \
    {"--lambda-min-ratio", NULL, "R", "0.01 when n < p, else 1e-4",                                           \
     "lasso: smallest lambda as a fraction of the largest, in (0, 1), as glmnet's lambda.min.ratio",          \
     CLI_NUM, SO(lambda_min_ratio), 0, 0, 0}
#define OPT_MODEL                                                                                              \
    {"--model", NULL, "logreg|logreg-l1|svm|rf|gbm|cox|coxnet", "logreg",                                      \
     "L2 logistic regression, L1 logistic regression (liblinear), RBF SVM (libsvm), random forest or "         \
     "gradient boosting (XGBoost); with --time and --event: Cox (coxph, Efron ties) or penalised Cox (glmnet)", \
     CLI_STR, SO(model), 0, 0, 0}
#define OPT_SURV_OUTCOME                                                                                       \
    {"--time", NULL, "COL", NULL, "survival: the follow-up time column (instead of --label; --model cox or coxnet)", \
     CLI_STR, SO(time), 0, 0, 0},                                                                              \
        {"--event", NULL, "COL", NULL, "survival: the event column (1 event, 0 censored)", CLI_STR, SO(event), 0, \
         0, 0},                                                                                                \
        {"--lambda", NULL, "L", "0: lambda.min of an inner 5-fold cv.glmnet on the training rows",             \
         "coxnet: a fixed penalty (> 0) instead of the inner cross-validation (--lambda-1se, --nlambda and "    \
         "--lambda-min-ratio set that one)", CLI_NUM, SO(lambda), 0, 0, 0},                                     \
        {"--l1-ratio", NULL, "A", "1 (LASSO)", "coxnet: the elastic-net mixing in (0, 1] (glmnet's alpha)",    \
         CLI_NUM, SO(l1_ratio), 0, 0, 0}
#define OPT_MODEL_PARAMS                                                                                       \
    {"--C", NULL, "C", "1", "logreg, logreg-l1, svm: inverse regularisation strength (> 0)", CLI_NUM, SO(C), 0,  \
     0, 0},                                                                                                    \
        {"--gamma", NULL, "G", "0: 'scale' = 1 / (p Var(X))", "svm: RBF kernel gamma", CLI_NUM, SO(gamma), 0, 0,  \
         0},                                                                                                   \
        {"--trees", NULL, "N", "100", "rf: trees; gbm: boosting rounds", CLI_INT, SO(trees), 0, 2147483647.0, 0}, \
        {"--depth", NULL, "D", "rf 8, gbm 3", "rf, gbm: maximum tree depth", CLI_INT, SO(depth), 0,            \
         2147483647.0, 0},                                                                                     \
        {"--eta", NULL, "E", "0.1", "gbm: learning rate, in (0, 1]", CLI_NUM, SO(eta), 0, 0, 0},               \
        {"--reg-lambda", NULL, "L", "rf 0, gbm 1", "rf, gbm: L2 penalty on the leaf weights (XGBoost reg_lambda)", \
         CLI_NUM, SO(reg_lambda), 0, 0, 0},                                                                    \
        {"--min-child-weight", NULL, "W", "1",                                                                 \
         "rf, gbm: smallest hessian sum of a child (XGBoost min_child_weight; 0: at least one row)", CLI_NUM,   \
         SO(min_child_weight), 0, 0, 0},                                                                       \
        {"--subsample", NULL, "F", "rf 0.632, gbm 1", "rf, gbm: fraction of rows drawn for each tree",         \
         CLI_NUM, SO(subsample), 0, 0, 0},                                                                     \
        {"--colsample-bytree", NULL, "F", "1", "rf, gbm: fraction of features drawn for each tree", CLI_NUM,   \
         SO(colsample_bytree), 0, 0, 0},                                                                       \
        {"--colsample-bynode", NULL, "F", "rf sqrt(p)/p, gbm 1",                                               \
         "rf, gbm: fraction of features drawn for each split (rf: 0 = sqrt(p)/p)", CLI_NUM,                    \
         SO(colsample_bynode), 0, 0, 0},                                                                       \
        {"--base-score", NULL, "P|prior", "0.5 (margin 0)",                                                    \
         "rf, gbm: starting probability, or 'prior' = the training class-1 fraction (prior log-odds)",         \
         CLI_STR, SO(base_score), 0, 0, 0},                                                                    \
        {"--bootstrap-rows", NULL, NULL, "off: XGBoost's --subsample without replacement",                          \
         "rf: each tree on round(subsample n) rows drawn with replacement (scikit-learn's bootstrap)",          \
         CLI_FLAG, SO(bootstrap_rows), 0, 0, 1},                                                                    \
        {"--criterion", NULL, "xgboost|friedman_mse", "xgboost",                                               \
         "gbm: XGBoost's second-order trees, or scikit-learn's least-squares trees on the residuals with "     \
         "Newton leaf values (needs subsample and colsample 1, base score prior)",                             \
         CLI_STR, SO(criterion), 0, 0, 0},                                                                     \
        {"--preset", NULL, "sklearn", NULL,                                                                    \
         "model parameters reproducing scikit-learn's defaults (gbm: GradientBoostingClassifier; rf: "          \
         "RandomForestClassifier(max_features='sqrt')), applied before the options above",                     \
         CLI_STR, SO(preset), 0, 0, 0}
#define OPT_SELECT                                                                                             \
    {"--select", NULL, "none|variance|correlation|univariate|mrmr|lasso|cox", "none",                          \
     "feature selection inside the pipeline (fitted on the training rows only); survival: none, variance, "    \
     "correlation or cox (univariate Cox, BH; --k or --alpha)", CLI_STR, SO(method), 0, 0, 0}
#define OPT_SELECT_PARAMS                                                                                      \
    OPT_THRESHOLD("variance 0, correlation 0.9",                                                               \
                  "variance: keep variance above T; correlation: drop one of each pair with |r| above T"),     \
        OPT_K("univariate: every feature with adjusted p < alpha; mrmr: 10"), OPT_ALPHA, OPT_WELCH, OPT_MIQ,   \
        OPT_LAMBDA_1SE, OPT_NLAMBDA, OPT_LAMBDA_MIN_RATIO
#define OPT_HARMONIZE_BATCH                                                                                    \
    {"--harmonize-batch", NULL, "COL", NULL,                                                                   \
     "ComBat-harmonise the features by this batch column inside the pipeline (fitted on the training rows; "   \
     "the model stores the fit)",                                                                              \
     CLI_STR, SO(harmonize_batch), 0, 0, 0}

#define STATS_EXITS                                                                                           \
    "0  done\n1  a problem with the data or the files (one line naming it)\n2  wrong command line"
#endif
