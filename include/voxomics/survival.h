/* voxomics: survival analysis: Cox proportional hazards, Kaplan-Meier, log-rank tests, Harrell's C.
 *
 * Data: n subjects with a follow-up time[i] (> = 0, finite) and event[i] (1: the event at time[i], 0: censored
 * then); optional strata[i] (0-based stratum numbers; NULL: one stratum). Covariates X are n x p, row-major.
 * Every result is the one R's survival package (3.5) gives for the same data; the tests hold its numbers.
 *
 * Cox model (coxph): the partial likelihood over the risk sets of each stratum, ties by Efron's approximation
 * (default, as coxph) or Breslow's. With eta = X b, at a time t with d events D among the risk set R (time >= t):
 *   Breslow: l += sum_D eta_i - d log S0,                 S0 = sum_R exp(eta)
 *   Efron:   l += sum_D eta_i - sum_{k<d} log(S0 - k/d sum_D exp(eta))
 * with the score and information from the same sums (S1 = sum exp(eta) x, S2 = sum exp(eta) x x'). Newton-
 * Raphson from b = 0 with step halving (coxph.fit's): converged when |1 - l_old / l_new| <= 1e-9, at most 30
 * iterations; the covariates are centred first (as coxph: the coefficients do not change). SE from the inverse
 * information; z = b / SE, p two-sided normal; HR exp(b) with exp(b -+ 1.959964 SE). Tests of b = 0 on p df:
 * likelihood ratio 2 (l - l0), Wald b' V^-1 b, score U0' I0^-1 U0 (at b = 0), each p from chi-square.
 * Monotone likelihood (separation: a coefficient running to infinity): the fit stops as coxph does and the
 * result's warning names the covariates whose |U V| exceeds 3.2e-5 (1 + |b|) (coxph's test, toler.inf).
 *
 * Kaplan-Meier (survfit): S(t) = prod_{t_j <= t} (1 - d_j / n_j); Greenwood's SE of log S,
 * sigma^2 = sum d_j / (n_j (n_j - d_j)); 95% CI "log" (R's default): S exp(-+ 1.959964 sigma), capped at 1;
 * "log-log": exp(-exp(log(-log S) -+ 1.959964 sigma / log S)) (lower with -, upper with +; S = 0 or 1: NaN).
 * Median: the first time S <= 0.5, or, where S equals 0.5 over an interval, the midpoint of its two ends (R's
 * quantile.survfit); its CI the same on the lower curve (lower limit) and the upper curve (upper limit).
 *
 * Log-rank (survdiff) for k groups: at each event time O_g, E_g = d n_g / n and the variance
 * V_gh = w^2 d (n - d) / (n - 1) n_g / n (delta_gh - n_h / n); with Fleming-Harrington rho, the weights
 * w = S(t-)^rho of the pooled Kaplan-Meier (within each stratum). Strata: O, E, V summed over strata. chisq =
 * (O - E)' V^- (O - E) over the groups but the last (k - 1 df).
 *
 * Harrell's C (concordance): pairs (i, j) of one stratum with time_i < time_j and event_i = 1, or with equal
 * times where i has the event and j is censored, are comparable; concordant when the risk score of i is the
 * larger (reverse: higher score, shorter survival, as for a Cox model's linear predictor), tied in the score
 * when equal; pairs of equal times with both events are not counted (survival::concordance's tied.y).
 * C = (concordant + tied / 2) / (concordant + discordant + tied).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef VOXOMICS_SURVIVAL_H
#define VOXOMICS_SURVIVAL_H

#include <stddef.h>

#include "voxomics/error.h"
#include "voxomics/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { VX_TIES_EFRON = 0, VX_TIES_BRESLOW = 1 } vx_ties;

typedef struct vx_cox_result {
    size_t n, events, p;
    double *coef, *se, *z, *pvalue; /* p values each */
    double *var;                    /* p x p covariance of the coefficients (inverse information) */
    double loglik0, loglik;         /* partial log-likelihood at b = 0 and at the fit */
    double lr, wald, score;         /* the three tests of b = 0, each on p df */
    double lr_p, wald_p, score_p;
    double concordance;             /* Harrell's C of the linear predictor (within strata) */
    int iterations;
    char warning[512];              /* "" or the monotone-likelihood warning, naming the covariates */
} vx_cox_result;

/* Fit the Cox model of time, event (and strata, or NULL) on X (n x p; names: p covariate names for messages,
 * or NULL). Errors (VX_EINVAL, naming the covariate or the reason): n < 2, p = 0, a non-finite or negative
 * time, an event not 0/1, a non-finite covariate, no events ("no events: ..."), a constant covariate (within
 * every stratum), covariates that are linearly dependent (the information matrix is singular); VX_ENOMEM.
 * Free *res with vx_cox_free (also after an error). */
VX_API int vx_cox_fit(const double *X, const double *time, const int *event, const int *strata, size_t n, size_t p,
                      const char *const *names, vx_ties ties, vx_cox_result *res, vx_error *err);
VX_API void vx_cox_free(vx_cox_result *res);

/* Univariate Cox screening: for each of the p columns of X (n x p; NaN = missing), the Cox model of that column
 * alone on the subjects where it is present (R: coxph(Surv(time, event) ~ x), na.omit), coef[j], se[j] and the
 * Wald p-value pvalue[j]; NaN for a column that is constant there, or with no events left. A monotone likelihood
 * sets separated[j] = 1 (may be NULL). Errors: invalid time / event / strata (as vx_cox_fit), VX_ENOMEM. */
VX_API int vx_cox_univariate(const double *X, size_t n, size_t p, const double *time, const int *event,
                             const int *strata, vx_ties ties, double *coef, double *se, double *pvalue,
                             unsigned char *separated, vx_error *err);

/* A penalised Cox path as glmnet's Cox family (src/survival/coxnet.c states the algorithm): covariates
 * standardised (population SD), Breslow ties, penalty lambda (alpha ||b||_1 + (1 - alpha) / 2 ||b||^2), lambdas
 * from lambda_max down to lambda_max * lambda_min_ratio (NaN: 0.01 when n < p, else 1e-4) over nlambda values,
 * ending early as glmnet's path does; each solution exact to double precision. */
typedef struct vx_coxnet_path {
    size_t p, nlambda;   /* covariates; lambdas computed (<= the nlambda asked for) */
    double *lambda;      /* nlambda, decreasing */
    double *beta;        /* nlambda x p: the coefficients on the original scale of X */
    double *dev_ratio;   /* fraction of the null deviance explained */
    size_t *df;          /* nonzero coefficients */
} vx_coxnet_path;
VX_API int vx_coxnet_fit(const double *X, size_t n, size_t p, const double *time, const int *event, double alpha,
                         size_t nlambda, double lambda_min_ratio, vx_coxnet_path *path, vx_error *err);
VX_API void vx_coxnet_free(vx_coxnet_path *path);

/* Harrell's C of score for time, event (strata may be NULL), as above; counts into the optional outputs.
 * NaN when no pair is comparable. VX_EINVAL for invalid data, VX_ENOMEM. */
VX_API int vx_concordance(const double *score, const double *time, const int *event, const int *strata, size_t n,
                          double *c, double counts[4], vx_error *err);

typedef enum { VX_KM_CI_LOG = 0, VX_KM_CI_LOGLOG = 1 } vx_km_ci;

/* A Kaplan-Meier curve: one step per distinct time (events or censorings). */
typedef struct vx_km {
    size_t n, events, m;         /* subjects, events, steps */
    double *time, *surv, *se;    /* m each; se: Greenwood's SE of log S */
    double *lower, *upper;       /* 95% CI (conf_type) */
    size_t *n_risk, *n_event, *n_censor;
    double median, median_lower, median_upper; /* NaN where not reached */
} vx_km;

/* The Kaplan-Meier curve of time, event (rows with use[i] != 0, or all when use is NULL). Errors: VX_EINVAL for
 * invalid data or no subject; VX_ENOMEM. Free with vx_km_free. */
VX_API int vx_km_fit(const double *time, const int *event, const unsigned char *use, size_t n, vx_km_ci ci,
                     vx_km *km, vx_error *err);
VX_API void vx_km_free(vx_km *km);
/* The curve at time t (as summary.survfit(times = t)): survival, CI and the number at risk at t (time >= t). */
VX_API void vx_km_at(const vx_km *km, double t, double *surv, double *lower, double *upper, size_t *n_risk);

/* Log-rank test of group (0 .. k-1; k >= 2 groups present) with Fleming-Harrington rho (0: log-rank), strata
 * NULL or 0-based; *chisq on *df = (groups present) - 1, *p the upper chi-square tail. observed / expected: k
 * values each (may be NULL). Errors: VX_EINVAL (fewer than two groups, invalid data, no events), VX_ENOMEM. */
VX_API int vx_logrank(const double *time, const int *event, const int *group, int k, const int *strata, size_t n,
                      double rho, double *chisq, int *df, double *p, double *observed, double *expected,
                      vx_error *err);


/* ---- choosing lambda of a penalised Cox path by cross-validation (cv.glmnet, family "cox") ---------------- */
typedef enum { VX_COXNET_CV_DEVIANCE = 0, VX_COXNET_CV_C = 1 } vx_coxnet_measure;
typedef struct vx_coxnet_cv_result {
    vx_coxnet_path path;  /* the path fitted on all rows */
    double *cvm, *cvsd;   /* path.nlambda values each: the CV measure and its standard error */
    size_t imin, i1se;    /* indices of lambda.min and lambda.1se in path.lambda */
} vx_coxnet_cv_result;
/* cv.glmnet(family = "cox", type.measure = "deviance" (grouped) | "C") as glmnet 4.1 computes it
 * (src/survival/coxnet_cv.c states every step): the path of vx_coxnet_fit on all n rows; in each fold the
 * training rows' own path, read at the whole-data lambdas by linear interpolation in lambda; per fold the
 * grouped partial-likelihood deviance (full-data minus training-data deviance of the fold's coefficients, over
 * the fold's events; weight: its events) or Harrell's C of the held-out rows (weight: its size); cvm the
 * weighted mean over folds, cvsd sqrt(weighted variance / (K - 1)); imin the largest lambda of the best cvm
 * (deviance smallest, C largest), i1se the largest lambda within cvsd[imin] of it. Folds: foldid (n values
 * 0..K-1; nfolds 0, or the number of folds to check them against) given, or NULL to draw nfolds (>= 3) folds
 * from seed, stratified by the event (dealt as vx_cv_stratified_folds deals a label; unstratified when events
 * or censorings are fewer than the folds). Errors: those of vx_coxnet_fit, fewer than 3
 * folds, an empty fold, a fold without events (deviance) or training rows without events; VX_ENOMEM. Free with
 * vx_coxnet_cv_free (also after an error). */
VX_API int vx_coxnet_cv(const double *X, size_t n, size_t p, const double *time, const int *event, double alpha,
                        size_t nlambda, double lambda_min_ratio, const int *foldid, int nfolds, unsigned long seed,
                        vx_coxnet_measure measure, vx_coxnet_cv_result *res, vx_error *err);
VX_API void vx_coxnet_cv_free(vx_coxnet_cv_result *res);

/* ---- discrimination and calibration of risk scores and survival predictions -------------------------------- */
/* Censoring weights of all four (src/survival/metrics.c): G is the Kaplan-Meier curve of the censoring with
 * censorings after the deaths at the same time (as survival::concordance and prodlim's reverse Kaplan-Meier of
 * riskRegression and pec); G(t) counts the censorings at t, G(t-) only those before t. Scores: higher = higher
 * risk (shorter survival). Errors: VX_EINVAL for invalid time / event (as vx_cox_fit), a non-finite score, a
 * predicted survival outside [0, 1], a negative or non-finite time t; VX_ENOMEM. */
/* Uno's C: pairs (i, j) with i's event at T_i <= tau and T_j > T_i (or T_j = T_i, j censored), each weighted
 * G(T_i-)^-2; C = (concordant + tied scores / 2) / pairs, weighted. tau <= 0 or NaN: no truncation. As
 * survival::concordance(timewt = "n/G2", ymax = tau) (Uno 2011 and survAUC::UnoC use G(T_i) and T_i < tau:
 * different only where a censoring ties an event time, or an event falls at tau). NaN when no pair is
 * comparable. Cost O(n^2). */
VX_API int vx_concordance_uno(const double *score, const double *time, const int *event, size_t n, double tau,
                              double *c, vx_error *err);
/* Cumulative/dynamic time-dependent AUC at each of the m times t: cases T_i <= t with an event, weighted
 * 1 / G(T_i-), against the controls T_j > t (tied scores count 1/2); riskRegression::Score(metrics = "auc",
 * cens.model = "km"), timeROC's IPCW estimator. auc[k] NaN where there is no case or no control. Cost O(n^2 m). */
VX_API int vx_td_auc(const double *score, const double *time, const int *event, size_t n, const double *t, size_t m,
                     double *auc, vx_error *err);
/* IPCW Brier score (Graf et al. 1999) at each of the m times t of the predicted survival S (n x m, row-major:
 * S[i*m + k] = the predicted P(T_i > t[k])): bs[k] = 1/n sum_i ([T_i <= t, event] S^2 / G(T_i-) +
 * [T_i > t] (1 - S)^2 / G(t)), the censored at or before t contributing 0; riskRegression::Score(metrics =
 * "brier"), pec::pec(cens.model = "marginal"). */
VX_API int vx_brier(const double *S, const double *time, const int *event, size_t n, const double *t, size_t m,
                    double *bs, vx_error *err);
/* Integrated Brier score on the increasing grid t (m >= 2; S n x m as vx_brier): the Brier curve as a step
 * function of the grid, sum_{k < m-1} bs[k] (t[k+1] - t[k]) / (t[m-1] - t[0]): pec::ibs (its Dint) over
 * [t[0], t[m-1]]. (riskRegression's summary "ibs" integrates from 0 instead.) */
VX_API int vx_brier_integrated(const double *S, const double *time, const int *event, size_t n, const double *t,
                               size_t m, double *ibs, vx_error *err);


/* ---- baseline cumulative hazard of a fitted Cox model: survival predictions (survfit.coxph) ------------------ */
/* H0 of a Cox model from the training linear predictors lp (n), time and event: at each distinct event time t_k
 * with d_k events D_k among the risk set R_k (time >= t_k), the increment of H0 is, with w_i = exp(lp_i - c),
 *   Breslow: d_k / sum_R w,      Efron: sum_{j<d_k} 1 / (sum_R w - j/d_k sum_D w)
 * (survfit.coxph's ctype 1 and 2, its defaults for coxph fits with ties "breslow" and "efron"; glmnet's
 * survfit.coxnet refits coxph(y ~ eta, init = 1, iter = 0), ties "efron": Efron's form too). c = the mean of
 * lp over the training rows (coxph's centring: the predictions do not depend on it). The survival of a subject
 * with linear predictor x at time t is S(t) = exp(-H0(t) exp(x - c)), H0 the step function (0 before the first
 * event time, its last value after the last one), as survfit(fit, newdata) and summary(times = t). */
typedef struct vx_cox_baseline {
    size_t m;       /* distinct event times */
    double *time;   /* m, increasing */
    double *cumhaz; /* m: H0 at time[k] for a subject whose linear predictor is center */
    double center;  /* c */
} vx_cox_baseline;
/* Errors: VX_EINVAL for invalid time / event, a non-finite lp or no events; VX_ENOMEM. Free with
 * vx_cox_baseline_free (also after an error). */
VX_API int vx_cox_baseline_fit(const double *lp, const double *time, const int *event, size_t n, vx_ties ties,
                               vx_cox_baseline *bh, vx_error *err);
/* S[i*m + k] = the survival at t[k] (m times, any order, >= 0) of the subject with linear predictor lp[i]
 * (n of them). VX_EINVAL for a negative or non-finite time or lp. */
VX_API int vx_cox_baseline_surv(const vx_cox_baseline *bh, const double *lp, size_t n, const double *t, size_t m,
                                double *S, vx_error *err);
/* H0 at time t (the step function above). */
VX_API double vx_cox_baseline_cumhaz(const vx_cox_baseline *bh, double t);
VX_API void vx_cox_baseline_free(vx_cox_baseline *bh);


/* ---- risk groups: a risk score split at a cutoff fixed beforehand (e.g. the median of the training risk) ----- */
typedef struct vx_risk_groups {
    double cutoff;
    size_t n[2], events[2]; /* [0] low risk: score <= cutoff; [1] high risk: score > cutoff */
    double median[2];       /* Kaplan-Meier median survival of each group (NaN: not reached, or an empty group) */
    double *surv;           /* 2 x m: each group's Kaplan-Meier survival at t[k] (vx_km_at; NaN: empty group) */
    size_t *n_risk;         /* 2 x m: the number at risk at t[k] */
    double chisq, p;        /* log-rank test of the two groups (1 df); NaN when a group is empty */
} vx_risk_groups;
/* The groups of score (n) at cutoff, their Kaplan-Meier curves at the m times t and the log-rank test
 * (survfit(Surv(time, event) ~ group), summary(times = t), quantile, survdiff). Errors: VX_EINVAL (invalid
 * data, a NaN score or cutoff), VX_ENOMEM. Free with vx_risk_groups_free (also after an error). */
VX_API int vx_risk_groups_fit(const double *score, const double *time, const int *event, size_t n, double cutoff,
                              const double *t, size_t m, vx_risk_groups *g, vx_error *err);
VX_API void vx_risk_groups_free(vx_risk_groups *g);

#ifdef __cplusplus
}
#endif
#endif
