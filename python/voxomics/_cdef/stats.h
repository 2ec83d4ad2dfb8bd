/* voxomics Python binding: the statistics part of the public C API that voxomics.stats calls (cffi cdef: plain
 * declarations, no macros or includes; vx_error and free() come from core.h). Structures whose fields Python
 * never reads or writes end with "...;" so that cffi takes their layout from the real headers.
 * SPDX-License-Identifier: GPL-3.0-or-later */

/* ---- table.h: median imputation ---- */
int vx_impute_fit(const double *x, size_t n, size_t p, double *median, vx_error *err);
void vx_impute_apply(double *x, size_t n, size_t p, const double *median);

/* ---- combat.h ---- */
typedef struct vx_combat_options {
    int parametric;
    int eb;
    int mean_only;
    int ref_batch;
    int skip_constant;
} vx_combat_options;
typedef struct vx_combat_fit vx_combat_fit;
void vx_combat_options_default(vx_combat_options *o);
int vx_combat_fit_apply(const double *X, size_t n, size_t p, const int *batch, const char *const *batch_names,
                        size_t nb, const double *cov, size_t q, const char *const *feature_names,
                        const vx_combat_options *o, double *out, vx_combat_fit **fit, vx_error *err);
int vx_combat_apply(const vx_combat_fit *fit, const double *X, size_t n, const char *const *batch,
                    const double *cov, double *out, vx_error *err);
int vx_combat_save(const vx_combat_fit *fit, const char *path, vx_error *err);
int vx_combat_load(const char *path, vx_combat_fit **fit, vx_error *err);
void vx_combat_free(vx_combat_fit *fit);
size_t vx_combat_fit_n_features(const vx_combat_fit *fit);
size_t vx_combat_fit_n_batches(const vx_combat_fit *fit);
size_t vx_combat_fit_n_covariates(const vx_combat_fit *fit);
const char *vx_combat_fit_batch_name(const vx_combat_fit *fit, size_t b);
const char *vx_combat_fit_feature_name(const vx_combat_fit *fit, size_t j);
vx_combat_options vx_combat_fit_options(const vx_combat_fit *fit);
size_t vx_combat_fit_n_skipped(const vx_combat_fit *fit);
size_t vx_combat_fit_skipped(const vx_combat_fit *fit, size_t k);
const char *vx_combat_fit_note(const vx_combat_fit *fit);
double vx_combat_fit_gamma(const vx_combat_fit *fit, size_t b, size_t j);
double vx_combat_fit_delta(const vx_combat_fit *fit, size_t b, size_t j);

/* ---- icc.h ---- */
typedef struct vx_icc {
    double icc[6];
    double lo[6];
    double hi[6];
    double F[6];
    double p[6];
    double df1[6], df2[6];
    char note[256];
} vx_icc;
const char *vx_icc_name(int form);
int vx_icc_compute(const double *Y, size_t n, size_t k, vx_icc *out, vx_error *err);

/* ---- select.h ---- */
typedef enum vx_test_kind { VX_TEST_MANN_WHITNEY = 0, VX_TEST_WELCH = 1 } vx_test_kind;
int vx_select_variance(const double *X, size_t n, size_t p, double thr, size_t *idx, size_t *k, double *var,
                       vx_error *err);
int vx_select_correlation(const double *X, size_t n, size_t p, double thr, const size_t *order, size_t *idx,
                          size_t *k, vx_error *err);
int vx_univariate(const double *X, size_t n, size_t p, const int *y, vx_test_kind t, double *stat, double *pval,
                  double *padj_bh, vx_error *err);
int vx_bh_adjust(const double *p, size_t m, double *adj);
int vx_select_pvalue(const double *q, size_t p, double alpha, size_t k, size_t *idx, size_t *nsel, vx_error *err);
int vx_mrmr(const double *X, size_t n, size_t p, const int *y, size_t k, int miq, size_t nbins, size_t *idx,
            double *score, vx_error *err);
typedef struct vx_lasso_path {
    size_t nlambda;
    size_t p;
    double *lambda;
    double *beta;
    double *a0;
    double *dev_ratio;
    double *cvm, *cvsd;
    size_t imin, i1se;
    size_t unconverged;
} vx_lasso_path;
int vx_lasso_logistic_cv(const double *X, size_t n, size_t p, const int *y, const int *fold, int K, size_t nlambda,
                         double lambda_min_ratio, double thresh, vx_lasso_path *out, vx_error *err);
int vx_lasso_selected(const vx_lasso_path *path, size_t l, size_t *idx, size_t *k, vx_error *err);
void vx_lasso_path_free(vx_lasso_path *path);

/* ---- model.h, pipeline.h ---- */
typedef enum { VX_MODEL_LOGREG, VX_MODEL_LOGREG_L1, VX_MODEL_SVM, VX_MODEL_RF, VX_MODEL_GBM, VX_MODEL_COX,
               VX_MODEL_COXNET } vx_model_kind;
typedef struct vx_model_params {
    vx_model_kind kind;
    unsigned long seed;
    double base_score;
    int bootstrap;
    int criterion;
    ...;
} vx_model_params;
int vx_model_params_preset(vx_model_params *p, const char *name, vx_error *err);
int vx_model_kind_find(const char *name);
const char *vx_model_kind_name(vx_model_kind k);

typedef enum vx_select_method { VX_SELECT_NONE = 0, VX_SELECT_VARIANCE, VX_SELECT_CORRELATION,
                                VX_SELECT_UNIVARIATE, VX_SELECT_MRMR, VX_SELECT_LASSO,
                                VX_SELECT_COX } vx_select_method;
typedef struct vx_select_params {
    vx_select_method method;
    int welch;
    int miq;
    int lasso_1se;
    int lasso_folds;
    size_t lasso_nlambda;
    double lasso_lambda_min_ratio;
    ...;
} vx_select_params;
int vx_select_method_find(const char *name);
typedef struct vx_pipeline_params {
    vx_select_params select;
    vx_model_params model;
    int harmonize;
} vx_pipeline_params;
void vx_pipeline_params_default(vx_pipeline_params *pp, vx_model_kind kind);
int vx_pipeline_params_set(vx_pipeline_params *pp, const char *name, double value, vx_error *err);

typedef enum vx_outcome_kind { VX_OUTCOME_BINARY = 0, VX_OUTCOME_CONTINUOUS, VX_OUTCOME_TIME_TO_EVENT,
                               VX_OUTCOME_MULTICLASS } vx_outcome_kind;
typedef struct vx_outcome {
    vx_outcome_kind kind;
    size_t n;
    const int *y;
    const double *value;
    const double *time;
    const int *event;
    int classes;
} vx_outcome;
vx_outcome vx_outcome_time_to_event(const double *time, const int *event, size_t n);
typedef struct vx_cv_metric vx_cv_metric;
typedef struct vx_cv_tune {
    const char *param;
    const double *values;
    size_t n;
} vx_cv_tune;
typedef struct vx_cv_options {
    int folds, repeats;
    unsigned long seed;
    const int *given;
    const vx_cv_tune *tune;
    size_t n_tune;
    const int *inner_given;
} vx_cv_options;
typedef struct vx_cv_result {
    int folds, repeats;
    double *auc;
    double *pooled;
    double *fit_time;
    double auc_mean, auc_sd;
    double *chosen;
    double *oof;
} vx_cv_result;
int vx_cv_stratified_folds(const int *y, size_t n, int K, unsigned long seed, int *fold, vx_error *err);
int vx_cv_run(const double *X, size_t n, size_t p, const int *y, const char *const *names,
              const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o, vx_cv_result *r,
              vx_error *err);
int vx_cv_run_outcome(const double *X, size_t n, size_t p, const vx_outcome *truth, const char *const *names,
                      const char *const *batch, const vx_pipeline_params *pp, const vx_cv_options *o,
                      const vx_cv_metric *metric, vx_cv_result *r, vx_error *err);
void vx_cv_result_free(vx_cv_result *r);

/* ---- survival.h ---- */
typedef enum { VX_TIES_EFRON = 0, VX_TIES_BRESLOW = 1 } vx_ties;
typedef struct vx_cox_result {
    size_t n, events, p;
    double *coef, *se, *z, *pvalue;
    double *var;
    double loglik0, loglik;
    double lr, wald, score;
    double lr_p, wald_p, score_p;
    double concordance;
    int iterations;
    char warning[512];
} vx_cox_result;
int vx_cox_fit(const double *X, const double *time, const int *event, const int *strata, size_t n, size_t p,
               const char *const *names, vx_ties ties, vx_cox_result *res, vx_error *err);
void vx_cox_free(vx_cox_result *res);
int vx_cox_univariate(const double *X, size_t n, size_t p, const double *time, const int *event, const int *strata,
                      vx_ties ties, double *coef, double *se, double *pvalue, unsigned char *separated,
                      vx_error *err);
typedef enum { VX_KM_CI_LOG = 0, VX_KM_CI_LOGLOG = 1 } vx_km_ci;
typedef struct vx_km {
    size_t n, events, m;
    double *time, *surv, *se;
    double *lower, *upper;
    size_t *n_risk, *n_event, *n_censor;
    double median, median_lower, median_upper;
} vx_km;
int vx_km_fit(const double *time, const int *event, const unsigned char *use, size_t n, vx_km_ci ci, vx_km *km,
              vx_error *err);
void vx_km_free(vx_km *km);
void vx_km_at(const vx_km *km, double t, double *surv, double *lower, double *upper, size_t *n_risk);
int vx_logrank(const double *time, const int *event, const int *group, int k, const int *strata, size_t n,
               double rho, double *chisq, int *df, double *p, double *observed, double *expected, vx_error *err);

/* ---- omics.h, genesets.h ---- */
typedef enum vx_cor_method { VX_COR_SPEARMAN = 0, VX_COR_PEARSON = 1, VX_COR_KENDALL = 2 } vx_cor_method;
typedef struct vx_assoc_pair {
    size_t feature, target;
    size_t n;
    double rho, p, q;
} vx_assoc_pair;
int vx_associate(vx_cor_method m, const double *x, size_t n, size_t px, const double *y, size_t py,
                 size_t min_pairs, vx_assoc_pair **pairs, size_t *npairs, vx_error *err);
int vx_associate_groups(const double *x, size_t n, size_t px, const int *g, const int *k, size_t pg,
                        size_t min_pairs, vx_assoc_pair **pairs, size_t *npairs, vx_error *err);
int vx_assoc_adjust(vx_assoc_pair *pairs, size_t n, vx_error *err);
typedef struct vx_gsea_result {
    size_t size;
    double es, nes, p, q;
    size_t le_first, le_count;
} vx_gsea_result;
typedef struct vx_gsea_run {
    size_t N;
    size_t *order;
    double *stat;
    size_t ntested;
    size_t *set;
    size_t *hit, *off;
    vx_gsea_result *res;
} vx_gsea_run;
int vx_gsea_sets(const char *const *genes, const double *stat, size_t N, const char *const *set_genes,
                 const size_t *set_off, size_t nsets, size_t min_size, size_t max_size, size_t nperm,
                 uint64_t seed, vx_gsea_run *run, vx_error *err);
void vx_gsea_run_free(vx_gsea_run *run);
typedef struct vx_genesets {
    size_t n;
    char **name;
    size_t *off;
    char **gene;
} vx_genesets;
int vx_genesets_read_gmt(const char *path, vx_genesets *gs, vx_error *err);
void vx_genesets_free(vx_genesets *gs);
typedef struct vx_genelist {
    size_t n;
    char **gene;
    double *stat;
} vx_genelist;
int vx_genelist_read_rnk(const char *path, vx_genelist *gl, vx_error *err);
void vx_genelist_free(vx_genelist *gl);
