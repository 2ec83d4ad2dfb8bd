/* voxomics: omics statistics for radiogenomics (module src/omics; memory in, memory out, never a file).
 *
 * Association (vx_associate): every feature x target pair of two sample-aligned matrices, pairwise-complete.
 *   Spearman: rho = Pearson correlation of the average ranks (ties share the mean rank) of the pair's complete
 *     cases. Ranks are computed once per column over the complete cases of a missingness pattern: columns whose
 *     missing samples are the same share one ranking per partner pattern, so a table without missing values is
 *     ranked once per column, and only pairs whose missingness differs re-rank (over the pair's complete cases,
 *     as R's cor.test(x, y, method = "spearman") on the complete pairs). A re-ranking that leaves out at most 8
 *     of a column's samples is derived from the column's own ranks (each left-out sample j lowers the rank of i
 *     by [x_j < x_i] + [x_j == x_i]/2: exact, the same half-integers as sorting afresh).
 *   Pearson: the usual product-moment r of the complete cases.
 *   p (Spearman, Pearson): t = r sqrt((n - 2) / (1 - r^2)), two-sided p = 2 P(T_{n-2} > |t|), capped at 1:
 *     R's cor.test(exact = FALSE). |r| = 1 gives p = 0.
 *   Kendall: tau-b = S / sqrt((n0 - n1)(n0 - n2)), n0 = n(n-1)/2, n1, n2 the tied pairs of x and y; p by the
 *     normal approximation z = S / sqrt(var S) with the tie-corrected variance
 *     var S = (v0 - vt - vu)/18 + v1/(2n(n-1)) + v2/(9n(n-1)(n-2)) (R's cor.test(method = "kendall",
 *     exact = FALSE), no continuity correction).
 *   Pairs with fewer than min_pairs complete cases (or fewer than 3), or a constant column over them, get
 *     rho = p = NaN and are left out of the BH adjustment and of the output.
 * Categorical targets (vx_group_test): a numeric feature compared across the levels of a target.
 *   Two levels: Mann-Whitney (R's wilcox.test(x ~ g, exact = FALSE, correct = TRUE)): W = rank sum of the
 *     first level - n1(n1+1)/2, z = (W - n1 n2/2 - 0.5 sign) / sigma with the tie-corrected
 *     sigma^2 = n1 n2/12 ((n+1) - sum(t^3 - t)/(n(n-1))); p = 2 P(Z > |z|). The effect reported as rho is the
 *     rank-biserial correlation 1 - 2W/(n1 n2) (positive: the second level has the larger values).
 *   Three levels or more: Kruskal-Wallis (R's kruskal.test): H = (12/(n(n+1)) sum R_j^2/n_j - 3(n+1)) /
 *     (1 - sum(t^3 - t)/(n^3 - n)), p = P(chi^2_{k-1} > H); rho is NaN.
 * Multiple testing: vx_bh, Benjamini-Hochberg q = min over j >= i of p_(j) m / j, capped at 1 (R's
 *   p.adjust(method = "BH")), NaN p values skipped (m counts the others).
 *
 * Gene sets:
 *   Pre-ranked GSEA (vx_gsea_es, vx_gsea): genes sorted by decreasing statistic r; running sum over the list, a
 *     hit adds |r_i|^w / sum over the set's genes of |r|^w (w = 1), a miss subtracts 1 / (N - k); ES is the
 *     deviation from zero of largest absolute value (0 when the largest positive and negative deviations are
 *     equal, as fgsea). The ranking is sorted by decreasing statistic, ties kept in input order. Set size k counts the
 *     set's genes present in the ranking (duplicates once). Leading edge: for ES > 0 the hits at or before the
 *     peak, for ES < 0 those at or after it. NES and p by gene-set permutation (fgsea's simple method): random
 *     sets of the same size drawn from the ranked genes; for ES >= 0, NES = ES / mean of the permutation ES >= 0
 *     and p = (1 + #{ES_perm >= ES}) / (1 + #{ES_perm >= 0}); symmetric for ES < 0. BH over the tested sets.
 *     Permutations come from a seeded generator (splitmix64 / xoshiro256**), one stream per set size, so the
 *     result depends only on the seed, the ranking and the sets, not on threads or set order.
 *   Over-representation (vx_ora_p): hypergeometric upper tail P(X >= k), X ~ Hyper(N universe genes, K annotated
 *     to the set, n selected): R's phyper(k - 1, K, N - K, n, lower.tail = FALSE). The universe is the tested
 *     genes that are in at least one set; sets and the selection are intersected with it.
 *
 * Imaging-to-omics regression (vx_regress): one model per target (gene) from the features, out-of-fold
 *   predictions over given folds, the Pearson r of prediction and target per target. A target uses its own complete
 *   samples (rows where it is a number); targets with the same missing samples form a pattern and share every
 *   fold's work. Inside each training fold: missing feature values are imputed by the training medians (the mean of
 *   the two middle values for an even count; an all-missing column becomes 0), then each feature is centred and
 *   scaled by its training SD (population SD as scikit-learn's StandardScaler; a constant column keeps scale 1);
 *   the test rows get the training transform.
 *   Ridge: scikit-learn's Ridge(alpha, fit_intercept = True) on the standardised features: coefficients
 *     (Z'Z + alpha I)^-1 Z'(y - mean y) by one Cholesky factorisation per fold and pattern (of the p x p matrix,
 *     or of the n x n kernel ZZ' + alpha I when there are fewer training rows than features). Being linear in y,
 *     the out-of-fold prediction of a pattern is one m x m matrix L applied to every target and permutation.
 *   PLS: scikit-learn's PLSRegression(n_components = K, scale = True) per target (PLS1 by NIPALS, which for one y
 *     takes the weight X'y / |X'y| at each step; X and y scaled by their sample SD, n - 1, inside the fold).
 *   Elastic net: scikit-learn's ElasticNet(alpha, l1_ratio): min 1/(2n) |y - b - Zw|^2 + alpha l1_ratio |w|_1 +
 *     alpha (1 - l1_ratio)/2 |w|^2, by cyclic coordinate descent on the fold's Gram matrix Z'Z (shared by the
 *     pattern), from w = 0, until a sweep changes no coefficient by more than 1e-13 (relative to the largest):
 *     the optimum itself rather than scikit-learn's duality-gap stopping at tol = 1e-4.
 *   Permutation p: the target is permuted over its complete samples (the same nperm permutations for every target
 *     of a pattern, from the seed) and the cross-validation repeated with the same folds;
 *     p = (1 + #{r_perm >= r}) / (1 + nperm); q by BH over the targets with a p.
 *   Folds: vx_regress_folds shuffles the samples from the seed and deals them round-robin into k folds.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_OMICS_H
#define VOXOMICS_OMICS_H

#include "voxomics/export.h"

#include <stddef.h>
#include <stdint.h>

#include "voxomics/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vx_cor_method { VX_COR_SPEARMAN = 0, VX_COR_PEARSON = 1, VX_COR_KENDALL = 2 } vx_cor_method;

/* ---- distributions and small tests ------------------------------------------------------------------------ */
/* Two-sided p of Student's t statistic with df degrees of freedom: 2 P(T > |t|). */
VX_API double vx_t_p2(double t, double df);
/* Upper tail of the standard normal, P(Z > z). */
VX_API double vx_norm_upper(double z);
/* Upper tail of chi-square with df degrees of freedom, P(X > x). */
VX_API double vx_chisq_upper(double x, double df);
/* Hypergeometric upper tail P(X >= k): N genes, K in the set, n drawn (phyper(k-1, K, N-K, n, FALSE)). NaN
 * when the counts are inconsistent. */
VX_API double vx_ora_p(long k, long K, long N, long n);

/* Average ranks (1-based, ties share the mean) of x[0..n) into r; x must hold no NaN. Returns sum(t^3 - t) over
 * the tie groups (for tie corrections). */
VX_API double vx_rank(const double *x, size_t n, double *r);
/* Benjamini-Hochberg adjusted p values of p[0..n) into q (q may be p); NaN stays NaN. VX_ENOMEM. */
VX_API int vx_bh(const double *p, size_t n, double *q, vx_error *err);
/* Correlation of the pairs (x[i], y[i]) where both are numbers: *n_used, *rho and the two-sided *p (rules
 * above). Fewer than 3 pairs or a constant side: rho = p = NaN. VX_ENOMEM. */
VX_API int vx_cor_test(vx_cor_method m, const double *x, const double *y, size_t n, double *rho, double *p,
                       size_t *n_used, vx_error *err);
/* A feature x against group codes g (0..k-1, -1: missing); NaN x left out. Two groups present: Mann-Whitney,
 * more: Kruskal-Wallis (rules above). *stat is W or H, *rho the rank-biserial correlation (NaN for more than two
 * groups). Fewer than two non-empty groups: p = NaN. VX_ENOMEM. */
VX_API int vx_group_test(const double *x, const int *g, size_t n, int k, double *stat, double *rho, double *p,
                         size_t *n_used, vx_error *err);

/* ---- association of two matrices -------------------------------------------------------------------------- */
typedef struct vx_assoc_pair {
    size_t feature, target; /* column indices */
    size_t n;               /* complete pairs */
    double rho, p, q;
} vx_assoc_pair;

/* x: n x px features, y: n x py targets, both column-major (column j at x + j*n), NaN missing. Every pair with
 * at least min_pairs complete cases into *pairs (allocated, the caller frees), *npairs of them, q by BH over
 * them, sorted by p (then feature, then target). Single-threaded and deterministic. VX_EINVAL, VX_ENOMEM. */
VX_API int vx_associate(vx_cor_method m, const double *x, size_t n, size_t px, const double *y, size_t py,
                        size_t min_pairs, vx_assoc_pair **pairs, size_t *npairs, vx_error *err);

/* Features x (n x px, column-major, NaN missing) against categorical targets: g (n x pg, column-major) holds
 * level codes 0..k[j]-1 of target j, -1 missing. Every pair with at least min_pairs complete cases and two
 * non-empty levels: vx_group_test (rho: rank-biserial correlation for two levels, NaN for more), q by BH over
 * these pairs, sorted as vx_associate. VX_ENOMEM. */
VX_API int vx_associate_groups(const double *x, size_t n, size_t px, const int *g, const int *k, size_t pg,
                               size_t min_pairs, vx_assoc_pair **pairs, size_t *npairs, vx_error *err);
/* BH q over pairs[0..n) (e.g. numeric and categorical results concatenated) and the sort of vx_associate. */
VX_API int vx_assoc_adjust(vx_assoc_pair *pairs, size_t n, vx_error *err);

/* ---- gene sets ---------------------------------------------------------------------------------------------- */
/* Enrichment score of one set: stat[0..N) sorted decreasingly (the ranking), hit[0..k) the distinct 0-based
 * positions of the set's genes in it, increasing. *peak: the index into hit of the last leading-edge hit for ES
 * > 0 or of the first one for ES < 0. Returns ES (0 when k = 0 or k = N). */
VX_API double vx_gsea_es(const double *stat, size_t N, const size_t *hit, size_t k, size_t *peak);

typedef struct vx_gsea_result {
    size_t size;          /* genes of the set in the ranking */
    double es, nes, p, q; /* nes, p, q NaN without permutations */
    size_t le_first, le_count; /* leading edge: hit[le_first .. le_first + le_count) */
} vx_gsea_result;

/* Sets s = 0..nsets-1 with hits hit[off[s] .. off[s+1]) (increasing positions into stat). ES for every set;
 * with nperm > 0, NES, p and BH q by nperm permutations per set size from the seed. res has nsets entries. */
VX_API int vx_gsea(const double *stat, size_t N, const size_t *hit, const size_t *off, size_t nsets, size_t nperm,
                   uint64_t seed, vx_gsea_result *res, vx_error *err);

/* GSEA from gene names: genes[0..N) with statistics stat (any order; sorted here by decreasing stat, ties in
 * input order), sets s with genes set_genes[set_off[s] .. set_off[s+1]) (names absent from the ranking and
 * repeats ignored). Sets whose size in the ranking is outside [min_size, max_size] are not tested. */
typedef struct vx_gsea_run {
    size_t N;
    size_t *order;   /* order[i]: the input index of the gene at rank position i */
    double *stat;    /* the sorted statistics */
    size_t ntested;  /* sets tested */
    size_t *set;     /* their indices in the input */
    size_t *hit, *off; /* tested set t: rank positions hit[off[t] .. off[t+1]) */
    vx_gsea_result *res; /* ntested results (BH over them) */
} vx_gsea_run;
VX_API int vx_gsea_sets(const char *const *genes, const double *stat, size_t N, const char *const *set_genes,
                        const size_t *set_off, size_t nsets, size_t min_size, size_t max_size, size_t nperm,
                        uint64_t seed, vx_gsea_run *run, vx_error *err);
VX_API void vx_gsea_run_free(vx_gsea_run *run);

/* Over-representation: the universe is tested[0..nt) genes that appear in at least one set; the selection
 * selected[0..ns) and every set are intersected with it (repeats once). Per set: size K (set in universe),
 * overlap k (set in selection), expected n K / N, p = P(X >= k) (vx_ora_p), q by BH over the sets with K > 0
 * (others: p = q = NaN). in_overlap (one flag per set_genes entry, the caller's, set_off[nsets] of them) marks
 * the first occurrence of each overlap gene. *universe, *nselected: N and n. */
typedef struct vx_ora_result {
    size_t size, overlap;
    double expected, p, q;
} vx_ora_result;
VX_API int vx_ora(const char *const *tested, size_t nt, const char *const *selected, size_t ns,
                  const char *const *set_genes, const size_t *set_off, size_t nsets, vx_ora_result *res,
                  unsigned char *in_overlap, size_t *universe, size_t *nselected, vx_error *err);

/* ---- imaging-to-omics regression ------------------------------------------------------------------------------ */
typedef enum vx_regress_model { VX_REGRESS_RIDGE = 0, VX_REGRESS_PLS = 1, VX_REGRESS_ENET = 2 } vx_regress_model;

typedef struct vx_regress_params {
    vx_regress_model model;
    double alpha;      /* ridge and elastic net penalty, > 0 */
    double l1_ratio;   /* elastic net: 1 lasso .. 0 ridge */
    size_t components; /* PLS: K >= 1 */
    size_t nperm;      /* permutations for p (0: none, p = q = NaN) */
    uint64_t seed;     /* of the permutations */
} vx_regress_params;

typedef struct vx_regress_result {
    size_t n;       /* the target's complete samples */
    double r, p, q; /* out-of-fold Pearson r (NaN when a side is constant or n < 3), permutation p, BH q */
} vx_regress_result;

/* Fold codes 0..k-1 of n samples: a seeded shuffle dealt round-robin. VX_EINVAL (k < 2 or k > n), VX_ENOMEM. */
VX_API int vx_regress_folds(size_t n, int k, uint64_t seed, int *fold, vx_error *err);

/* x: n x px features, y: n x py targets, both column-major, NaN missing; fold[i] in 0..nfold-1 (the test fold of
 * sample i). res: py results; oof (n x py, column-major, or NULL): the out-of-fold predictions (NaN where the
 * target is missing). A pattern with fewer than 3 samples, or with a fold that holds test rows but fewer than 2
 * training rows (3 for PLS), leaves r, p and q NaN for its targets. Single-threaded and deterministic (rules
 * above). VX_EINVAL (a NULL argument, alpha <= 0, l1_ratio outside [0, 1], components < 1, a fold code outside
 * 0..nfold-1), VX_ENOMEM. */
VX_API int vx_regress(const double *x, size_t n, size_t px, const double *y, size_t py, const int *fold, int nfold,
                      const vx_regress_params *par, vx_regress_result *res, double *oof, vx_error *err);

#ifdef __cplusplus
}
#endif
#endif
