/* voxomics study, survival step: the computations on the joined table (vxs_survival_compute).
 *
 * Univariate Cox per listed column on the subjects with a value (HR per sample SD of the column over them: the
 * model of (x - mean) / sd, R's coxph(Surv(time, event) ~ scale(x))), BH over the columns. The multivariable Cox
 * of the clinical covariates (per unit) and the listed columns (per SD over the model's complete cases). A
 * LASSO-Cox risk score: the listed columns standardised by the training rows' mean and SD, vx_coxnet_cv at
 * lambda.min; the cutoff is the median training risk (low risk: risk <= cutoff); Kaplan-Meier of each group
 * (Greenwood, log CI), survival and numbers at risk at the `at` times, log-rank and Harrell's C on the evaluated
 * subjects: the held-out ones with a holdout (leak-free: the model, its lambda and the cutoff saw only the
 * training subjects), otherwise the training subjects themselves (resubstitution, optimistic).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study/survomics.h"
#include "voxomics/survival.h"

#define Z975 1.959963984540054

/* the subjects with an outcome, their covariate matrix (n x p row-major, NaN missing) */
typedef struct surv_rows {
    size_t n;
    double *time;
    int *event;
    size_t *row; /* row in the joined table */
} surv_rows;

static void rows_free(surv_rows *s)
{
    free(s->time), free(s->event), free(s->row);
    memset(s, 0, sizeof *s);
}

static int outcome_rows(const vxs_data *d, const vxs_surv_opts *o, surv_rows *s, vx_error *err)
{
    size_t tc, ec;
    int rc = vxs_col(d, o->time, "outcome.time", &tc, err);
    if (rc || (rc = vxs_col(d, o->event, "outcome.event", &ec, err)))
        return rc;
    const vx_table *t = &d->t;
    s->time = malloc((t->nrow + 1) * sizeof *s->time), s->event = malloc((t->nrow + 1) * sizeof *s->event);
    s->row = malloc((t->nrow + 1) * sizeof *s->row);
    if (!s->time || !s->event || !s->row)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->nrow; i++) {
        const double tm = t->num[i * t->ncol + tc], ev = t->num[i * t->ncol + ec];
        if (!isfinite(tm) || tm < 0 || (ev != 0 && ev != 1))
            continue;
        s->time[s->n] = tm, s->event[s->n] = (int)ev, s->row[s->n++] = i;
    }
    if (s->n < 3)
        return vx_error_set(err, VX_EINVAL, "steps.survival: only %zu subjects have a time '%s' >= 0 and an event "
                            "'%s' of 0/1; check outcome.time and outcome.event", s->n, o->time, o->event);
    return VX_OK;
}

/* columns names[0..p) of the outcome rows into X (n x p row-major) */
static int covariates(const vxs_data *d, const surv_rows *s, const char *const *names, size_t p, double **X,
                      vx_error *err)
{
    *X = malloc((s->n * p + 1) * sizeof **X);
    if (!*X)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; j < p; j++) {
        size_t c;
        int rc = vxs_col(d, names[j], "steps.survival", &c, err);
        if (rc)
            return rc;
        if (!vx_table_col_numeric(&d->t, c))
            return vx_error_set(err, VX_EINVAL, "steps.survival: column '%s' is not numeric (a Cox covariate must be a "
                                "number; code a categorical covariate as 0/1 columns)", names[j]);
        for (size_t i = 0; i < s->n; i++)
            (*X)[i * p + j] = d->t.num[s->row[i] * d->t.ncol + c];
    }
    return VX_OK;
}

/* mean and sample SD of column j of X over the rows where use (NULL: all) and the value is a number */
static void col_stats(const double *X, size_t n, size_t p, size_t j, const unsigned char *use, double *mean,
                      double *sd, size_t *m)
{
    double s = 0, ss = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((!use || use[i]) && !isnan(X[i * p + j]))
            s += X[i * p + j], k++;
    const double mu = k ? s / (double)k : NAN;
    for (size_t i = 0; i < n; i++)
        if ((!use || use[i]) && !isnan(X[i * p + j]))
            ss += (X[i * p + j] - mu) * (X[i * p + j] - mu);
    *mean = mu, *sd = k > 1 ? sqrt(ss / (double)(k - 1)) : NAN, *m = k;
}

static void put_hr(cJSON *o, double coef, double se)
{
    cJSON_AddNumberToObject(o, "coef", coef);
    cJSON_AddNumberToObject(o, "se", se);
    cJSON_AddNumberToObject(o, "hr", exp(coef));
    cJSON_AddNumberToObject(o, "hr_lower", exp(coef - Z975 * se));
    cJSON_AddNumberToObject(o, "hr_upper", exp(coef + Z975 * se));
}

typedef struct keyed {
    double k;
    size_t i;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (isnan(x->k) || isnan(y->k))
        return isnan(x->k) != isnan(y->k) ? isnan(x->k) - isnan(y->k) : (x->i > y->i) - (x->i < y->i);
    return x->k < y->k ? -1 : x->k > y->k ? 1 : (x->i > y->i) - (x->i < y->i);
}

/* order[0..n) = 0..n-1 sorted by key increasing (NaN last, ties by index); VX_ENOMEM */
int vxs_order(const double *key, size_t n, size_t *order)
{
    keyed *w = malloc((n + 1) * sizeof *w);
    if (!w)
        return VX_ENOMEM;
    for (size_t i = 0; i < n; i++)
        w[i].k = key[i], w[i].i = i;
    qsort(w, n, sizeof *w, by_key);
    for (size_t i = 0; i < n; i++)
        order[i] = w[i].i;
    free(w);
    return VX_OK;
}

/* the univariate rows of one column j */
static cJSON *uni_row(const vxs_surv_opts *o, const surv_rows *s, const double *X, size_t j, const double *r)
{
    cJSON *u = cJSON_CreateObject();
    double mean, sd;
    size_t m, ev = 0;
    col_stats(X, s->n, o->nfeat, j, NULL, &mean, &sd, &m);
    for (size_t i = 0; i < s->n; i++)
        ev += !isnan(X[i * o->nfeat + j]) && s->event[i];
    cJSON_AddStringToObject(u, "name", o->features[j]);
    cJSON_AddNumberToObject(u, "n", (double)m);
    cJSON_AddNumberToObject(u, "events", (double)ev);
    cJSON_AddNumberToObject(u, "mean", mean);
    cJSON_AddNumberToObject(u, "sd", sd);
    put_hr(u, r[0], r[1]);
    cJSON_AddNumberToObject(u, "p", r[2]);
    cJSON_AddNumberToObject(u, "q", r[3]);
    return u;
}

static int univariate(const vxs_surv_opts *o, const surv_rows *s, const double *X, cJSON *res, vx_error *err)
{
    const size_t n = s->n, p = o->nfeat;
    double *Z = malloc((n * p + 1) * sizeof *Z), *r = malloc((4 * p + 1) * sizeof *r);
    size_t *ord = malloc((p + 1) * sizeof *ord);
    int rc = Z && r && ord ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; !rc && j < p; j++) {
        double mean, sd;
        size_t m;
        col_stats(X, n, p, j, NULL, &mean, &sd, &m);
        for (size_t i = 0; i < n; i++)
            Z[i * p + j] = sd > 0 ? (X[i * p + j] - mean) / sd : X[i * p + j];
    }
    double *coef = r, *se = r + p, *pv = r + 2 * p, *q = r + 3 * p;
    if (!rc)
        rc = vx_cox_univariate(Z, n, p, s->time, s->event, NULL, VX_TIES_EFRON, coef, se, pv, NULL, err);
    if (!rc)
        rc = vx_bh(pv, p, q, err);
    if (!rc) {
        rc = vxs_order(pv, p, ord) ? vx_error_set(err, VX_ENOMEM, "out of memory") : VX_OK;
    }
    if (!rc) {
        cJSON *a = cJSON_AddArrayToObject(res, "univariate");
        for (size_t k = 0; k < p; k++) {
            const size_t j = ord[k];
            const double v[4] = {coef[j], se[j], pv[j], q[j]};
            cJSON_AddItemToArray(a, uni_row(o, s, X, j, v));
        }
        size_t sig = 0;
        for (size_t j = 0; j < p; j++)
            sig += q[j] < 0.05;
        cJSON_AddNumberToObject(res, "univariate_q_below_0_05", (double)sig);
        cJSON_AddNumberToObject(res, "univariate_shown", (double)(p < o->forest_max ? p : o->forest_max));
    }
    free(Z), free(r), free(ord);
    return rc;
}

/* the multivariable model: clinical (per unit) + features (per SD over the complete cases) */
static int multi_fit(const vxs_data *d, const vxs_surv_opts *o, const surv_rows *s, vx_cox_result *cox,
                     double *sd, size_t *ncc, vx_error *err)
{
    const size_t p = o->nclin + o->nfeat;
    const char **names = malloc((p + 1) * sizeof *names);
    double *X = NULL, *Xc = malloc((s->n * p + 1) * sizeof *Xc), *tc = malloc((s->n + 1) * sizeof *tc);
    int *ec = malloc((s->n + 1) * sizeof *ec);
    unsigned char *use = malloc(s->n + 1);
    int rc = names && Xc && tc && ec && use ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t j = 0; !rc && j < p; j++)
        names[j] = j < o->nclin ? o->clinical[j] : o->features[j - o->nclin];
    if (!rc)
        rc = covariates(d, s, names, p, &X, err);
    for (size_t i = 0; !rc && i < s->n; i++) {
        use[i] = 1;
        for (size_t j = 0; j < p; j++)
            use[i] &= !isnan(X[i * p + j]);
    }
    for (size_t j = 0; !rc && j < p; j++) {
        double mean;
        size_t m;
        col_stats(X, s->n, p, j, use, &mean, &sd[j], &m);
        if (j < o->nclin)
            sd[j] = 1, mean = 0;
        for (size_t i = 0, k = 0; i < s->n; i++)
            if (use[i])
                Xc[k++ * p + j] = (X[i * p + j] - mean) / (sd[j] > 0 ? sd[j] : 1);
    }
    *ncc = 0;
    for (size_t i = 0; !rc && i < s->n; i++)
        if (use[i])
            tc[*ncc] = s->time[i], ec[(*ncc)++] = s->event[i];
    if (!rc)
        rc = vx_cox_fit(Xc, tc, ec, NULL, *ncc, p, names, VX_TIES_EFRON, cox, err);
    free(names), free(X), free(Xc), free(tc), free(ec), free(use);
    return rc;
}

static int multivariable(const vxs_data *d, const vxs_surv_opts *o, const surv_rows *s, cJSON *res, vx_error *err)
{
    const size_t p = o->nclin + o->nfeat;
    vx_cox_result cox = {0};
    double *sd = malloc((p + 1) * sizeof *sd);
    size_t ncc = 0;
    vx_error e2 = {0};
    int rc = sd ? multi_fit(d, o, s, &cox, sd, &ncc, &e2) : vx_error_set(err, VX_ENOMEM, "out of memory");
    cJSON *m = cJSON_AddObjectToObject(res, "multivariable");
    cJSON_AddItemToObject(m, "clinical", cJSON_CreateStringArray(o->clinical, (int)o->nclin));
    cJSON_AddItemToObject(m, "features", cJSON_CreateStringArray(o->features, (int)o->nfeat));
    cJSON_AddNumberToObject(m, "n", (double)ncc);
    if (rc == VX_ENOMEM || !sd) {
        vx_cox_free(&cox), free(sd);
        return sd ? vx_error_set(err, VX_ENOMEM, "out of memory") : rc;
    }
    if (rc) /* not fitted (e.g. no events or collinear covariates): said in the JSON and the report */
        cJSON_AddStringToObject(m, "error", e2.msg);
    else {
        cJSON_AddNumberToObject(m, "events", (double)cox.events);
        cJSON *a = cJSON_AddArrayToObject(m, "covariates");
        for (size_t j = 0; j < p; j++) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "name", j < o->nclin ? o->clinical[j] : o->features[j - o->nclin]);
            cJSON_AddStringToObject(c, "kind", j < o->nclin ? "clinical" : "feature");
            cJSON_AddStringToObject(c, "scale", j < o->nclin ? "per unit" : "per SD");
            cJSON_AddNumberToObject(c, "sd", sd[j]);
            put_hr(c, cox.coef[j], cox.se[j]);
            cJSON_AddNumberToObject(c, "z", cox.z[j]);
            cJSON_AddNumberToObject(c, "p", cox.pvalue[j]);
            cJSON_AddItemToArray(a, c);
        }
        cJSON_AddNumberToObject(m, "concordance", cox.concordance);
        cJSON_AddNumberToObject(m, "loglik", cox.loglik);
        cJSON *lr = cJSON_AddObjectToObject(m, "lr");
        cJSON_AddNumberToObject(lr, "chisq", cox.lr);
        cJSON_AddNumberToObject(lr, "df", (double)p);
        cJSON_AddNumberToObject(lr, "p", cox.lr_p);
        cJSON_AddStringToObject(m, "warning", cox.warning);
    }
    vx_cox_free(&cox), free(sd);
    return VX_OK;
}

int vxs_holdout_split(const int *event, size_t n, double fraction, unsigned long seed, unsigned char *test,
                      vx_error *err)
{
    size_t *idx = malloc((n + 1) * sizeof *idx);
    int *pos = malloc((n + 1) * sizeof *pos), rc = idx && pos ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    for (int cls = 0; !rc && cls < 2; cls++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (event[i] == cls)
                idx[m++] = i;
        if (m < 2) {
            rc = vx_error_set(err, VX_EINVAL, "steps.survival.holdout: %zu subjects with event = %d; a stratified "
                              "held-out split needs at least 2 of each", m, cls);
            break;
        }
        /* a seeded shuffle dealt into m folds of one: pos[k] is subject k's place in the shuffle */
        rc = vx_regress_folds(m, (int)m, (uint64_t)seed + (uint64_t)cls, pos, err);
        const size_t ntest = (size_t)floor(fraction * (double)m + 0.5);
        for (size_t k = 0; !rc && k < m; k++)
            test[idx[k]] = (size_t)pos[k] < ntest;
    }
    free(idx), free(pos);
    return rc;
}

/* the median of v[0..n) where use (the mean of the two middle values for an even count) */
static double median_of(const double *v, size_t n, const unsigned char *use)
{
    double *w = malloc((n + 1) * sizeof *w);
    size_t m = 0, *o = malloc((n + 1) * sizeof *o);
    if (!w || !o) {
        free(w), free(o);
        return NAN;
    }
    for (size_t i = 0; i < n; i++)
        if (use[i])
            w[m++] = v[i];
    const double med = vxs_order(w, m, o) || !m ? NAN : m % 2 ? w[o[m / 2]] : 0.5 * (w[o[m / 2 - 1]] + w[o[m / 2]]);
    free(w), free(o);
    return med;
}

/* the LASSO-Cox risk score of the complete cases of the listed features */
typedef struct risk_fit {
    size_t n;             /* complete cases */
    double *time, *risk;
    int *event;
    unsigned char *test;  /* held out (all 0 without holdout) */
    size_t *row;          /* row in the joined table */
    double cutoff;
} risk_fit;

static void risk_free(risk_fit *f)
{
    free(f->time), free(f->risk), free(f->event), free(f->test), free(f->row);
    memset(f, 0, sizeof *f);
}

/* the complete cases of X (s->n x p) into f (time, event) and Z (f->n x p, standardised by the training rows) */
static int risk_rows(const vxs_surv_opts *o, const surv_rows *s, const double *X, risk_fit *f, double *Z,
                     vx_error *err)
{
    const size_t p = o->nfeat;
    for (size_t i = 0; i < s->n; i++) {
        int ok = 1;
        for (size_t j = 0; j < p; j++)
            ok &= !isnan(X[i * p + j]);
        if (!ok)
            continue;
        memcpy(Z + f->n * p, X + i * p, p * sizeof *Z);
        f->time[f->n] = s->time[i], f->event[f->n] = s->event[i], f->row[f->n++] = s->row[i];
    }
    memset(f->test, 0, f->n + 1);
    int rc = o->holdout > 0 ? vxs_holdout_split(f->event, f->n, o->holdout, o->holdout_seed, f->test, err) : VX_OK;
    unsigned char *train = malloc(f->n + 1);
    if (!rc && !train)
        rc = vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < f->n; i++)
        train[i] = !f->test[i];
    for (size_t j = 0; !rc && j < p; j++) {
        double mean, sd;
        size_t m;
        col_stats(Z, f->n, p, j, train, &mean, &sd, &m);
        for (size_t i = 0; i < f->n; i++)
            Z[i * p + j] = (Z[i * p + j] - mean) / (sd > 0 ? sd : 1);
    }
    free(train);
    return rc;
}

static void coxnet_json(const vxs_surv_opts *o, const vx_coxnet_cv_result *cv, size_t ntr, size_t etr, double lmr,
                        cJSON *res)
{
    const size_t p = o->nfeat, k = cv->imin;
    cJSON *c = cJSON_AddObjectToObject(res, "coxnet");
    cJSON_AddNumberToObject(c, "alpha", o->alpha);
    cJSON_AddNumberToObject(c, "folds", o->folds);
    cJSON_AddNumberToObject(c, "seed", (double)o->seed);
    cJSON_AddNumberToObject(c, "n_train", (double)ntr);
    cJSON_AddNumberToObject(c, "events_train", (double)etr);
    cJSON_AddNumberToObject(c, "nlambda", (double)cv->path.nlambda);
    cJSON_AddNumberToObject(c, "lambda_min_ratio", lmr); /* null: glmnet's default (1e-4 when n > p) */
    cJSON_AddNumberToObject(c, "lambda_min", cv->path.lambda[k]);
    cJSON_AddNumberToObject(c, "lambda_1se", cv->path.lambda[cv->i1se]);
    cJSON_AddNumberToObject(c, "index_min", (double)k + 1);
    cJSON_AddBoolToObject(c, "min_at_path_end", k + 1 == cv->path.nlambda);
    cJSON_AddNumberToObject(c, "cvm_min", cv->cvm[k]);
    cJSON_AddNumberToObject(c, "cvsd_min", cv->cvsd[k]);
    cJSON_AddStringToObject(c, "scale", "coefficients per SD of the feature over the training subjects");
    cJSON *a = cJSON_AddArrayToObject(c, "nonzero");
    size_t nz = 0;
    for (size_t j = 0; j < p; j++) {
        const double b = cv->path.beta[k * p + j];
        if (b == 0)
            continue;
        nz++;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", o->features[j]);
        cJSON_AddNumberToObject(e, "coef", b);
        cJSON_AddNumberToObject(e, "hr", exp(b));
        cJSON_AddItemToArray(a, e);
    }
    cJSON_AddNumberToObject(c, "n_nonzero", (double)nz);
}

/* fit the LASSO-Cox model on the training rows at lambda.min; the risk of every complete case, the cutoff */
static int coxnet_risk(const vxs_surv_opts *o, const surv_rows *s, const double *X, risk_fit *f, cJSON *res,
                       vx_error *err)
{
    const size_t p = o->nfeat;
    f->time = malloc((s->n + 1) * sizeof *f->time), f->risk = malloc((s->n + 1) * sizeof *f->risk);
    f->event = malloc((s->n + 1) * sizeof *f->event), f->test = malloc(s->n + 1);
    f->row = malloc((s->n + 1) * sizeof *f->row);
    double *Z = malloc((s->n * p + 1) * sizeof *Z), *Zt = malloc((s->n * p + 1) * sizeof *Zt);
    double *tt = malloc((s->n + 1) * sizeof *tt);
    int *et = malloc((s->n + 1) * sizeof *et);
    int rc = f->time && f->risk && f->event && f->test && f->row && Z && Zt && tt && et
                 ? risk_rows(o, s, X, f, Z, err) : vx_error_set(err, VX_ENOMEM, "out of memory");
    size_t ntr = 0, etr = 0;
    for (size_t i = 0; !rc && i < f->n; i++)
        if (!f->test[i]) {
            memcpy(Zt + ntr * p, Z + i * p, p * sizeof *Zt);
            tt[ntr] = f->time[i], et[ntr++] = f->event[i], etr += f->event[i];
        }
    vx_coxnet_cv_result cv = {0};
    /* many (often collinear) features: the small lambdas of glmnet's 1e-4 ratio are slow, ill-conditioned fits
     * far below lambda.min; stop the path at 0.01 of lambda_max there (glmnet's own default for n < p) */
    const double lmr = !isnan(o->lambda_min_ratio) ? o->lambda_min_ratio : p > 20 ? 0.01 : NAN;
    vx_error e2 = {0};
    if (!rc && (rc = vx_coxnet_cv(Zt, ntr, p, tt, et, o->alpha, 100, lmr, NULL, o->folds, o->seed,
                                  VX_COXNET_CV_DEVIANCE, &cv, &e2)))
        vx_error_set(err, rc, "steps.survival.coxnet: %s", e2.msg);
    for (size_t i = 0; !rc && i < f->n; i++) {
        double r = 0;
        for (size_t j = 0; j < p; j++)
            r += Z[i * p + j] * cv.path.beta[cv.imin * p + j];
        f->risk[i] = r;
    }
    if (!rc) {
        coxnet_json(o, &cv, ntr, etr, lmr, res);
        unsigned char *train = malloc(f->n + 1);
        for (size_t i = 0; train && i < f->n; i++)
            train[i] = !f->test[i];
        f->cutoff = train ? median_of(f->risk, f->n, train) : NAN;
        rc = train && !isnan(f->cutoff) ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
        free(train);
    }
    vx_coxnet_cv_free(&cv);
    free(Z), free(Zt), free(tt), free(et);
    return rc;
}

/* ticks of the KM plot's number-at-risk table: 0, step, 2 step, ... <= tmax, step a nice number (1, 2, 2.5, 5
 * x 10^k) giving about 6 intervals */
static size_t km_ticks(double tmax, double *ticks, size_t room)
{
    if (!(tmax > 0))
        return ticks[0] = 0, 1;
    const double raw = tmax / 6, mag = pow(10, floor(log10(raw)));
    const double mult[] = {1, 2, 2.5, 5, 10};
    double step = 10 * mag;
    for (size_t k = 0; k < 5; k++)
        if (mult[k] * mag >= raw) {
            step = mult[k] * mag;
            break;
        }
    size_t m = 0;
    for (; m < room && (double)m * step <= tmax * (1 + 1e-12); m++)
        ticks[m] = (double)m * step;
    return m;
}

/* one group's curve and its values at the at times and ticks */
static int km_group(const risk_fit *f, const unsigned char *use, const vxs_surv_opts *o, const double *ticks,
                    size_t nt, cJSON *g, vx_error *err)
{
    vx_km km = {0};
    int rc = vx_km_fit(f->time, f->event, use, f->n, VX_KM_CI_LOG, &km, err);
    if (rc) {
        vx_km_free(&km);
        return rc;
    }
    cJSON_AddNumberToObject(g, "median", km.median);
    cJSON_AddNumberToObject(g, "median_lower", km.median_lower);
    cJSON_AddNumberToObject(g, "median_upper", km.median_upper);
    cJSON *c = cJSON_AddObjectToObject(g, "curve");
    double *nc = malloc((km.m + 1) * sizeof *nc), *v = malloc((4 * (o->nat + nt) + 1) * sizeof *v);
    for (size_t k = 0; nc && k < km.m; k++)
        nc[k] = (double)km.n_censor[k];
    cJSON_AddItemToObject(c, "time", vxs_json_array(km.time, km.m));
    cJSON_AddItemToObject(c, "surv", vxs_json_array(km.surv, km.m));
    cJSON_AddItemToObject(c, "lower", vxs_json_array(km.lower, km.m));
    cJSON_AddItemToObject(c, "upper", vxs_json_array(km.upper, km.m));
    if (nc)
        cJSON_AddItemToObject(c, "n_censor", vxs_json_array(nc, km.m));
    for (size_t j = 0; v && j < o->nat + nt; j++) {
        size_t nr;
        const size_t k = j < o->nat ? j : o->nat + (j - o->nat) * 4; /* at: 4 arrays of nat; ticks: n_risk only */
        double sv, lo, hi;
        vx_km_at(&km, j < o->nat ? o->at[j] : ticks[j - o->nat], &sv, &lo, &hi, &nr);
        if (j < o->nat)
            v[k] = sv, v[o->nat + k] = lo, v[2 * o->nat + k] = hi, v[3 * o->nat + k] = (double)nr;
        else
            v[4 * o->nat + (j - o->nat)] = (double)nr;
    }
    if (v) {
        cJSON_AddItemToObject(g, "surv_at", vxs_json_array(v, o->nat));
        cJSON_AddItemToObject(g, "lower_at", vxs_json_array(v + o->nat, o->nat));
        cJSON_AddItemToObject(g, "upper_at", vxs_json_array(v + 2 * o->nat, o->nat));
        cJSON_AddItemToObject(g, "n_risk_at", vxs_json_array(v + 3 * o->nat, o->nat));
        cJSON_AddItemToObject(g, "n_risk_ticks", vxs_json_array(v + 4 * o->nat, nt));
    }
    rc = nc && v ? VX_OK : vx_error_set(err, VX_ENOMEM, "out of memory");
    free(nc), free(v), vx_km_free(&km);
    return rc;
}

/* the evaluated subjects (held-out, or the training ones) as one compact set */
static int km_eval_set(const risk_fit *f, const vxs_surv_opts *o, risk_fit *e, vx_error *err)
{
    e->time = malloc((f->n + 1) * sizeof *e->time), e->risk = malloc((f->n + 1) * sizeof *e->risk);
    e->event = malloc((f->n + 1) * sizeof *e->event), e->test = malloc(f->n + 1);
    if (!e->time || !e->risk || !e->event || !e->test)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; i < f->n; i++)
        if (f->test[i] == (o->holdout > 0)) {
            e->time[e->n] = f->time[i], e->risk[e->n] = f->risk[i], e->event[e->n] = f->event[i];
            e->test[e->n++] = f->risk[i] > f->cutoff; /* here: the high-risk flag */
        }
    e->cutoff = f->cutoff;
    return e->n ? VX_OK : vx_error_set(err, VX_EINVAL, "steps.survival: no subject to evaluate the risk split on");
}

static void km_head(const vxs_surv_opts *o, const risk_fit *f, const risk_fit *e, const double *ticks, size_t nt,
                    cJSON *km)
{
    /* the selection step chose its features on every subject, the held-out ones included */
    const int selected = !strcmp(o->features_source, "selection");
    cJSON_AddStringToObject(km, "validation", o->holdout > 0 ? "held-out" : "resubstitution");
    cJSON_AddBoolToObject(km, "leak_free", o->holdout > 0 && !selected);
    cJSON_AddStringToObject(km, "note", o->holdout <= 0
        ? "Kaplan-Meier of the subjects the LASSO-Cox model was fitted on (resubstitution): optimistic, not a "
          "validation"
        : selected ? "Kaplan-Meier of the held-out subjects; the LASSO-Cox model, its lambda and the cutoff (median "
                     "training risk) were fitted on the training subjects, but its features come from the selection "
                     "step, which saw every subject: not leak-free (list the features under steps.survival.cox)"
                   : "Kaplan-Meier of the held-out subjects; the LASSO-Cox model, its lambda and the cutoff (median "
                     "training risk) were fitted on the training subjects only");
    cJSON_AddNumberToObject(km, "holdout_fraction", o->holdout);
    cJSON_AddNumberToObject(km, "n_complete", (double)f->n);
    cJSON_AddNumberToObject(km, "n_eval", (double)e->n);
    cJSON_AddNumberToObject(km, "cutoff", f->cutoff);
    cJSON_AddStringToObject(km, "cutoff_from", "median LASSO-Cox risk of the training subjects; low risk: <= cutoff");
    cJSON_AddItemToObject(km, "at", vxs_json_array(o->at, o->nat));
    cJSON_AddItemToObject(km, "ticks", vxs_json_array(ticks, nt));
}

static int km_split(const vxs_surv_opts *o, const risk_fit *f, cJSON *res, vx_error *err)
{
    risk_fit e = {0};
    vx_risk_groups g = {0};
    double ticks[64], c = NAN, tmax = 0;
    int rc = km_eval_set(f, o, &e, err);
    for (size_t i = 0; !rc && i < e.n; i++)
        tmax = e.time[i] > tmax ? e.time[i] : tmax;
    const size_t nt = km_ticks(tmax, ticks, 64);
    if (!rc)
        rc = vx_risk_groups_fit(e.risk, e.time, e.event, e.n, e.cutoff, o->at, o->nat, &g, err);
    if (!rc)
        rc = vx_concordance(e.risk, e.time, e.event, NULL, e.n, &c, NULL, err);
    cJSON *km = rc ? NULL : cJSON_AddObjectToObject(res, "km");
    if (km) {
        km_head(o, f, &e, ticks, nt, km);
        if (!g.n[0] || !g.n[1])
            cJSON_AddStringToObject(km, "split_note", "every evaluated subject falls in one risk group (at lambda.min "
                                    "the LASSO-Cox model keeps no feature, or the risks are tied): no log-rank test");
        cJSON_AddNumberToObject(km, "c_index", c);
        cJSON *lr = cJSON_AddObjectToObject(km, "logrank");
        cJSON_AddNumberToObject(lr, "chisq", g.chisq);
        cJSON_AddNumberToObject(lr, "df", 1);
        cJSON_AddNumberToObject(lr, "p", g.p);
        cJSON *a = cJSON_AddArrayToObject(km, "groups");
        static const char *const name[2] = {"low risk", "high risk"};
        for (int k = 0; !rc && k < 2; k++) {
            cJSON *gj = cJSON_CreateObject();
            cJSON_AddItemToArray(a, gj);
            cJSON_AddStringToObject(gj, "name", name[k]);
            cJSON_AddNumberToObject(gj, "n", (double)g.n[k]);
            cJSON_AddNumberToObject(gj, "events", (double)g.events[k]);
            unsigned char *use = malloc(e.n + 1);
            for (size_t i = 0; use && i < e.n; i++)
                use[i] = e.test[i] == k;
            rc = !use ? vx_error_set(err, VX_ENOMEM, "out of memory")
                 : g.n[k] ? km_group(&e, use, o, ticks, nt, gj, err) : VX_OK;
            free(use);
        }
    }
    vx_risk_groups_free(&g), risk_free(&e);
    return rc;
}

/* every complete case's risk, set and group (for OUTDIR/survival/risk.csv) */
static void risk_scores(const vxs_data *d, const risk_fit *f, cJSON *res)
{
    cJSON *a = cJSON_AddArrayToObject(res, "risk_scores");
    for (size_t i = 0; i < f->n; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "id", VX_TABLE_ID(&d->t, f->row[i]));
        cJSON_AddNumberToObject(r, "time", f->time[i]);
        cJSON_AddNumberToObject(r, "event", f->event[i]);
        cJSON_AddNumberToObject(r, "risk", f->risk[i]);
        cJSON_AddStringToObject(r, "set", f->test[i] ? "held-out" : "training");
        cJSON_AddStringToObject(r, "group", f->risk[i] > f->cutoff ? "high" : "low");
        cJSON_AddItemToArray(a, r);
    }
}

int vxs_survival_compute(const vxs_data *d, const vxs_surv_opts *o, cJSON *res, vx_error *err)
{
    surv_rows s = {0};
    double *X = NULL;
    risk_fit f = {0};
    int rc = o->nfeat ? outcome_rows(d, o, &s, err)
                      : vx_error_set(err, VX_EINVAL, "steps.survival: no feature to model (steps.survival.cox)");
    size_t ev = 0;
    for (size_t i = 0; !rc && i < s.n; i++)
        ev += s.event[i];
    if (!rc) {
        cJSON_AddNumberToObject(res, "n", (double)s.n);
        cJSON_AddNumberToObject(res, "events", (double)ev);
        cJSON_AddNumberToObject(res, "n_outcome_missing", (double)(d->t.nrow - s.n));
        cJSON_AddStringToObject(res, "features_source", o->features_source);
        cJSON_AddItemToObject(res, "features", cJSON_CreateStringArray(o->features, (int)o->nfeat));
        cJSON_AddNumberToObject(res, "n_features", (double)o->nfeat);
        cJSON_AddStringToObject(res, "hr_scale", "univariate and multivariable hazard ratios per SD of each "
                                "feature (sample SD over the subjects of the model); clinical covariates per unit");
        rc = covariates(d, &s, o->features, o->nfeat, &X, err);
    }
    double *Xc = NULL; /* the clinical columns exist and are numeric: a typo stops the step */
    if (!rc && o->nclin)
        rc = covariates(d, &s, o->clinical, o->nclin, &Xc, err);
    free(Xc);
    if (!rc)
        rc = univariate(o, &s, X, res, err);
    if (!rc)
        rc = multivariable(d, o, &s, res, err);
    if (!rc)
        rc = coxnet_risk(o, &s, X, &f, res, err);
    if (!rc)
        rc = km_split(o, &f, res, err);
    if (!rc)
        risk_scores(d, &f, res);
    risk_free(&f), rows_free(&s), free(X);
    return rc;
}
