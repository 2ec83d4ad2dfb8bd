/* voxomics cox | km | coxnet: the Cox proportional hazards model, Kaplan-Meier curves with log-rank tests and the
 * penalised Cox path with lambda by cross-validation (voxomics/survival.h), JSON results with the keys
 * docs/survival.md lists.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_common.h"
#include "voxomics/survival.h"

/* ---- the survival columns of a table --------------------------------------------------------------------- */
typedef struct surv_data {
    vx_table t;
    size_t n;            /* rows used */
    size_t *row;         /* their table rows */
    double *time;
    int *event;
} surv_data;

static void surv_data_free(surv_data *d)
{
    free(d->row);
    free(d->time);
    free(d->event);
    vx_table_free(&d->t);
}

/* 1 when cell (i, c) has a value for the command (a number in a numeric column, any text otherwise) */
static int has_value(const vx_table *t, size_t i, long c, int numeric)
{
    if (c < 0)
        return 1;
    const int m = vx_table_cell_missing(t, i, (size_t)c);
    return numeric ? m == 0 && !isnan(t->num[i * t->ncol + (size_t)c]) : m != 1;
}

/* Rows with a time, an event and a value in each of cols[0..nc) (numeric[k]: a number); others dropped with
 * --missing drop, else an error naming the first. */
static int surv_rows(const sopts *o, surv_data *d, long tc, long ec, const long *cols, const int *numeric, size_t nc,
                     vx_error *err)
{
    const vx_table *t = &d->t;
    d->row = malloc((t->nrow + 1) * sizeof *d->row);
    d->time = malloc((t->nrow + 1) * sizeof *d->time);
    d->event = malloc((t->nrow + 1) * sizeof *d->event);
    if (!d->row || !d->time || !d->event)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    const int drop = !strcmp(o->missing, "drop");
    size_t dropped = 0;
    for (size_t i = 0; i < t->nrow; i++) {
        long bad = !has_value(t, i, tc, 1) ? tc : !has_value(t, i, ec, 1) ? ec : -1;
        for (size_t k = 0; bad < 0 && k < nc; k++)
            if (!has_value(t, i, cols[k], numeric[k]))
                bad = cols[k];
        if (bad >= 0) {
            if (!drop)
                return vx_error_set(err, VX_EINVAL,
                                    "%s: row '%s', column %s: '%s' is missing or not a number; give --missing drop "
                                    "to leave such rows out",
                                    o->data, VX_TABLE_ID(t, i), t->colnames[bad], t->cell[i * t->ncol + (size_t)bad]);
            dropped++;
            continue;
        }
        const double tv = t->num[i * t->ncol + (size_t)tc], ev = t->num[i * t->ncol + (size_t)ec];
        if (ev != 0.0 && ev != 1.0)
            return vx_error_set(err, VX_EINVAL, "%s: row '%s': event %g; --event must be 1 (event) or 0 (censored)",
                                o->data, VX_TABLE_ID(t, i), ev);
        if (!(tv >= 0.0) || !isfinite(tv))
            return vx_error_set(err, VX_EINVAL, "%s: row '%s': time %g; --time must be a number >= 0", o->data,
                                VX_TABLE_ID(t, i), tv);
        d->row[d->n] = i;
        d->time[d->n] = tv;
        d->event[d->n] = (int)ev;
        d->n++;
    }
    if (dropped)
        stats_note(o, "%zu rows with missing values left out (--missing drop)", dropped);
    return VX_OK;
}

/* the levels of a text column over the used rows, sorted (numbers numerically, else by bytes), as R's factor;
 * code[r] per used row */
static size_t sorted_levels(const surv_data *d, long c, const char **lev, int *code)
{
    const vx_table *t = &d->t;
    const int numeric = vx_table_col_numeric(t, (size_t)c);
    size_t nl = 0;
    for (size_t r = 0; r < d->n; r++) {
        const char *v = t->cell[d->row[r] * t->ncol + (size_t)c];
        size_t k = 0;
        while (k < nl && strcmp(lev[k], v))
            k++;
        if (k == nl)
            lev[nl++] = v;
    }
    for (size_t i = 1; i < nl; i++) /* insertion sort of the (few) levels */
        for (size_t j = i; j > 0; j--) {
            const int gt = numeric ? strtod(lev[j - 1], NULL) > strtod(lev[j], NULL) : strcmp(lev[j - 1], lev[j]) > 0;
            if (!gt)
                break;
            const char *x = lev[j - 1];
            lev[j - 1] = lev[j];
            lev[j] = x;
        }
    for (size_t r = 0; r < d->n; r++) {
        const char *v = t->cell[d->row[r] * t->ncol + (size_t)c];
        for (size_t k = 0; k < nl; k++)
            if (!strcmp(lev[k], v))
                code[r] = (int)k;
    }
    return nl;
}

static int in_list(const cli_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return 1;
    return 0;
}

/* a --covariate column taken as categorical: named by --categorical, or holding text */
static int categorical(const sopts *o, const vx_table *t, long col)
{
    return in_list(&o->categorical, t->colnames[col]) || !vx_table_col_numeric(t, (size_t)col);
}

static cJSON *test_json(double stat, double df, double p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "stat", stat);
    cJSON_AddNumberToObject(o, "df", df);
    cJSON_AddNumberToObject(o, "p", p);
    return o;
}

/* ---- cox --------------------------------------------------------------------------------------------------- */
/* The design matrix: numeric covariates as they are, categorical ones (--categorical, or text columns) as
 * indicators of every level but the first (R's treatment contrasts), named COLUMN + level. */
typedef struct design {
    double *X;
    size_t p;
    char **names;
} design;

static void design_free(design *D)
{
    for (size_t j = 0; D->names && j < D->p; j++)
        free(D->names[j]);
    free(D->names);
    free(D->X);
}

static int build_design(const sopts *o, const surv_data *d, const long *cols, size_t nc, design *D, vx_error *err)
{
    const vx_table *t = &d->t;
    const char **lev = malloc((d->n + 1) * sizeof *lev);
    int *code = malloc((d->n + 1) * sizeof *code);
    D->X = NULL;
    D->names = NULL;
    D->p = 0;
    if (!lev || !code) {
        free(lev);
        free(code);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    /* the columns of X, one pass to count */
    size_t P = 0;
    for (size_t k = 0; k < nc; k++) {
        const char *name = t->colnames[cols[k]];
        if (categorical(o, t, cols[k])) {
            const size_t nl = sorted_levels(d, cols[k], lev, code);
            if (nl < 2) {
                vx_error_set(err, VX_EINVAL, "%s: the categorical covariate %s has one level ('%s'): it is constant; "
                             "leave it out",
                             o->data, name, nl ? lev[0] : "");
                free(lev);
                free(code);
                return VX_EINVAL;
            }
            P += nl - 1;
        } else {
            P++;
        }
    }
    D->names = calloc(P + 1, sizeof *D->names);
    D->X = malloc((d->n * P + 1) * sizeof *D->X);
    if (!D->names || !D->X) {
        free(lev);
        free(code);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    size_t j = 0;
    for (size_t k = 0; k < nc; k++) {
        const char *name = t->colnames[cols[k]];
        if (categorical(o, t, cols[k])) {
            const size_t nl = sorted_levels(d, cols[k], lev, code);
            for (size_t l = 1; l < nl; l++, j++) {
                const size_t len = strlen(name) + strlen(lev[l]) + 1;
                D->names[j] = malloc(len);
                if (D->names[j])
                    snprintf(D->names[j], len, "%s%s", name, lev[l]);
                for (size_t r = 0; r < d->n; r++)
                    D->X[r * P + j] = code[r] == (int)l ? 1.0 : 0.0;
            }
        } else {
            D->names[j] = strdup(name);
            for (size_t r = 0; r < d->n; r++)
                D->X[r * P + j] = t->num[d->row[r] * t->ncol + (size_t)cols[k]];
            j++;
        }
    }
    D->p = P;
    free(lev);
    free(code);
    for (size_t q = 0; q < P; q++)
        if (!D->names[q])
            return vx_error_set(err, VX_ENOMEM, "out of memory");
    return VX_OK;
}

static cJSON *cox_json(const vx_cox_result *r, const design *D)
{
    cJSON *root = cJSON_CreateObject(), *co = cJSON_AddArrayToObject(root, "coefficients");
    for (size_t j = 0; j < r->p; j++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "name", D->names[j]);
        cJSON_AddNumberToObject(c, "coef", r->coef[j]);
        cJSON_AddNumberToObject(c, "se", r->se[j]);
        cJSON_AddNumberToObject(c, "hr", exp(r->coef[j]));
        cJSON_AddNumberToObject(c, "hr_lower", exp(r->coef[j] - 1.959963984540054 * r->se[j]));
        cJSON_AddNumberToObject(c, "hr_upper", exp(r->coef[j] + 1.959963984540054 * r->se[j]));
        cJSON_AddNumberToObject(c, "z", r->z[j]);
        cJSON_AddNumberToObject(c, "p", r->pvalue[j]);
        cJSON_AddItemToArray(co, c);
    }
    cJSON_AddNumberToObject(root, "n", (double)r->n);
    cJSON_AddNumberToObject(root, "events", (double)r->events);
    cJSON_AddNumberToObject(root, "loglik", r->loglik);
    cJSON_AddNumberToObject(root, "loglik_null", r->loglik0);
    cJSON_AddNumberToObject(root, "concordance", r->concordance);
    cJSON_AddNumberToObject(root, "iterations", r->iterations);
    cJSON *tests = cJSON_AddObjectToObject(root, "tests");
    cJSON_AddItemToObject(tests, "lr", test_json(r->lr, (double)r->p, r->lr_p));
    cJSON_AddItemToObject(tests, "wald", test_json(r->wald, (double)r->p, r->wald_p));
    cJSON_AddItemToObject(tests, "score", test_json(r->score, (double)r->p, r->score_p));
    cJSON *w = cJSON_AddArrayToObject(root, "warnings");
    if (r->warning[0])
        cJSON_AddItemToArray(w, cJSON_CreateString(r->warning));
    return root;
}

static int cmd_cox(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->json)
        return stats_usage(o, "--json OUT.json is required", NULL);
    if (!o->covariates.n)
        return stats_usage(o, "give at least one --covariate COL", NULL);
    vx_ties ties = VX_TIES_EFRON;
    if (o->ties && !strcmp(o->ties, "breslow"))
        ties = VX_TIES_BRESLOW;
    else if (o->ties && strcmp(o->ties, "efron"))
        return stats_usage(o, "--ties must be efron or breslow", o->ties);
    surv_data d;
    memset(&d, 0, sizeof d);
    design D;
    memset(&D, 0, sizeof D);
    vx_cox_result res;
    memset(&res, 0, sizeof res);
    int *strata = NULL;
    const char **lev = NULL;
    int rc = stats_load_table(o, &d.t, &err);
    long tc = -1, ec = -1, sc = -1, cols[MAX_LIST + 1];
    int numeric[MAX_LIST + 1];
    if (rc == VX_OK && ((tc = stats_need_col(o, &d.t, o->time, "time", &err)) < 0 ||
                        (ec = stats_need_col(o, &d.t, o->event, "event", &err)) < 0))
        rc = VX_EINVAL;
    if (rc == VX_OK && o->strata && (sc = stats_need_col(o, &d.t, o->strata, "strata", &err)) < 0)
        rc = VX_EINVAL;
    size_t nc = 0;
    for (size_t k = 0; rc == VX_OK && k < o->covariates.n; k++) {
        if ((cols[nc] = stats_need_col(o, &d.t, o->covariates.v[k], "covariate", &err)) < 0)
            rc = VX_EINVAL;
        else {
            numeric[nc] = !categorical(o, &d.t, cols[nc]);
            nc++;
        }
    }
    for (size_t k = 0; rc == VX_OK && k < o->categorical.n; k++)
        if (!in_list(&o->covariates, o->categorical.v[k]))
            rc = vx_error_set(&err, VX_EINVAL, "--categorical %s: not one of the --covariate columns",
                              o->categorical.v[k]);
    if (rc == VX_OK && sc >= 0) {
        cols[nc] = sc;
        numeric[nc] = 0;
    }
    if (rc == VX_OK)
        rc = surv_rows(o, &d, tc, ec, cols, numeric, nc + (sc >= 0), &err);
    if (rc == VX_OK && sc >= 0) {
        strata = malloc((d.n + 1) * sizeof *strata);
        lev = malloc((d.n + 1) * sizeof *lev);
        if (!strata || !lev)
            rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
        else
            sorted_levels(&d, sc, lev, strata);
    }
    if (rc == VX_OK)
        rc = build_design(o, &d, cols, nc, &D, &err);
    if (rc == VX_OK && (rc = vx_cox_fit(D.X, d.time, d.event, strata, d.n, D.p, (const char *const *)D.names, ties,
                                        &res, &err)) != VX_OK)
        vx_error_prefix(&err, "%s: ", o->data);
    int status = rc == VX_OK ? 0 : stats_fail(o, &err);
    if (rc == VX_OK) {
        if (res.warning[0])
            stats_note(o, "warning: %s", res.warning);
        cJSON *root = cox_json(&res, &D);
        status = stats_write_json(o, o->json, root);
        cJSON_Delete(root);
        if (status == 0 && stats_summary(o)) {
            printf("Cox model (%s ties): n %zu, events %zu, concordance %.4f\n", ties == VX_TIES_EFRON ? "Efron" : "Breslow",
                   res.n, res.events, res.concordance);
            for (size_t j = 0; j < res.p; j++)
                printf("  %-32s coef %10.6g  HR %10.6g  SE %10.6g  p %.4g\n", D.names[j], res.coef[j],
                       exp(res.coef[j]), res.se[j], res.pvalue[j]);
            printf("  likelihood ratio %.4g, Wald %.4g, score %.4g on %zu df\n", res.lr, res.wald, res.score, res.p);
        }
    }
    vx_cox_free(&res);
    design_free(&D);
    free(strata);
    free(lev);
    surv_data_free(&d);
    return status;
}

/* ---- km ---------------------------------------------------------------------------------------------------- */
/* the --at times */
static size_t parse_times(const char *s, double *t, size_t max, int *bad)
{
    size_t n = 0;
    *bad = 0;
    while (s && *s && n < max) {
        char *end;
        errno = 0;
        t[n] = strtod(s, &end);
        if (end == s || errno || !isfinite(t[n]) || t[n] < 0 || (*end && *end != ',')) {
            *bad = 1;
            return n;
        }
        n++;
        s = *end ? end + 1 : end;
    }
    return n;
}

static cJSON *km_json(const vx_km *km, const char *name, const double *at, size_t nat)
{
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "name", name);
    cJSON_AddNumberToObject(g, "n", (double)km->n);
    cJSON_AddNumberToObject(g, "events", (double)km->events);
    cJSON_AddNumberToObject(g, "median", km->median); /* NaN (not reached) prints as null */
    cJSON_AddNumberToObject(g, "median_lower", km->median_lower);
    cJSON_AddNumberToObject(g, "median_upper", km->median_upper);
    cJSON *a = cJSON_AddArrayToObject(g, "at");
    for (size_t k = 0; k < nat; k++) {
        double s, lo, hi;
        size_t nr;
        vx_km_at(km, at[k], &s, &lo, &hi, &nr);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "time", at[k]);
        cJSON_AddNumberToObject(e, "survival", s);
        cJSON_AddNumberToObject(e, "lower", lo);
        cJSON_AddNumberToObject(e, "upper", hi);
        cJSON_AddNumberToObject(e, "n_risk", (double)nr);
        cJSON_AddItemToArray(a, e);
    }
    cJSON *c = cJSON_AddObjectToObject(g, "curve"); /* every step, for plots */
    cJSON_AddItemToObject(c, "time", stats_json_nums(km->time, km->m));
    cJSON_AddItemToObject(c, "survival", stats_json_nums(km->surv, km->m));
    cJSON_AddItemToObject(c, "lower", stats_json_nums(km->lower, km->m));
    cJSON_AddItemToObject(c, "upper", stats_json_nums(km->upper, km->m));
    double *nr = malloc((km->m + 1) * sizeof *nr), *ne = malloc((km->m + 1) * sizeof *ne);
    for (size_t j = 0; nr && ne && j < km->m; j++) {
        nr[j] = (double)km->n_risk[j];
        ne[j] = (double)km->n_event[j];
    }
    if (nr && ne) {
        cJSON_AddItemToObject(c, "n_risk", stats_json_nums(nr, km->m));
        cJSON_AddItemToObject(c, "n_event", stats_json_nums(ne, km->m));
    }
    free(nr);
    free(ne);
    return g;
}

/* the groups of km: --group COL (its levels, sorted), or --split-at median|VALUE --by COL (low: <= cutoff,
 * high: > cutoff); *k groups, names into names (static "low"/"high" or the table's text) */
static int km_groups(const sopts *o, const surv_data *d, long gc, long bc, int *group, const char **names, int *k,
                     double *cut, vx_error *err)
{
    if (gc >= 0) {
        *k = (int)sorted_levels(d, gc, names, group);
        return VX_OK;
    }
    const vx_table *t = &d->t;
    if (!strcmp(o->split_at, "median")) {
        double *v = malloc((d->n + 1) * sizeof *v);
        if (!v)
            return vx_error_set(err, VX_ENOMEM, "out of memory");
        for (size_t r = 0; r < d->n; r++)
            v[r] = t->num[d->row[r] * t->ncol + (size_t)bc];
        for (size_t i = 1; i < d->n; i++) /* insertion sort is enough for a cohort */
            for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
                double x = v[j];
                v[j] = v[j - 1];
                v[j - 1] = x;
            }
        *cut = d->n % 2 ? v[d->n / 2] : (v[d->n / 2 - 1] + v[d->n / 2]) / 2.0;
        free(v);
    } else {
        char *end;
        *cut = strtod(o->split_at, &end);
        if (end == o->split_at || *end || !isfinite(*cut))
            return vx_error_set(err, VX_EINVAL, "--split-at %s: give median or a number", o->split_at);
    }
    for (size_t r = 0; r < d->n; r++)
        group[r] = t->num[d->row[r] * t->ncol + (size_t)bc] > *cut;
    names[0] = "low";
    names[1] = "high";
    *k = 2;
    return VX_OK;
}

static int cmd_km(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->json)
        return stats_usage(o, "--json OUT.json is required", NULL);
    if (o->group && o->split_at)
        return stats_usage(o, "give --group or --split-at with --by, not both", NULL);
    if (!o->split_at != !o->by)
        return stats_usage(o, "--split-at and --by go together", NULL);
    vx_km_ci ci = VX_KM_CI_LOG;
    if (o->conf_type && !strcmp(o->conf_type, "log-log"))
        ci = VX_KM_CI_LOGLOG;
    else if (o->conf_type && strcmp(o->conf_type, "log"))
        return stats_usage(o, "--conf-type must be log or log-log", o->conf_type);
    double at[MAX_LIST];
    int bad = 0;
    const size_t nat = parse_times(o->at, at, MAX_LIST, &bad);
    if (bad)
        return stats_usage(o, "--at takes times >= 0, comma-separated", o->at);
    surv_data d;
    memset(&d, 0, sizeof d);
    int *group = NULL, *strata = NULL, k = 1;
    const char **names = NULL, **slev = NULL;
    unsigned char *use = NULL;
    double cut = NAN;
    int rc = stats_load_table(o, &d.t, &err);
    long tc = -1, ec = -1, gc = -1, bc = -1, sc = -1;
    if (rc == VX_OK && ((tc = stats_need_col(o, &d.t, o->time, "time", &err)) < 0 ||
                        (ec = stats_need_col(o, &d.t, o->event, "event", &err)) < 0 ||
                        (o->group && (gc = stats_need_col(o, &d.t, o->group, "group", &err)) < 0) ||
                        (o->by && (bc = stats_need_col(o, &d.t, o->by, "by", &err)) < 0) ||
                        (o->strata && (sc = stats_need_col(o, &d.t, o->strata, "strata", &err)) < 0)))
        rc = VX_EINVAL;
    const long cols[3] = {gc >= 0 ? gc : bc, sc, -1};
    const int numeric[3] = {bc >= 0, 0, 0};
    if (rc == VX_OK)
        rc = surv_rows(o, &d, tc, ec, cols, numeric, 2, &err);
    if (rc == VX_OK) {
        group = calloc(d.n + 1, sizeof *group);
        names = malloc((d.n + 2) * sizeof *names);
        use = malloc(d.n + 1);
        if (!group || !names || !use)
            rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
    }
    if (rc == VX_OK && (gc >= 0 || bc >= 0))
        rc = km_groups(o, &d, gc, bc, group, names, &k, &cut, &err);
    else if (rc == VX_OK)
        names[0] = "all";
    if (rc == VX_OK && sc >= 0) {
        strata = malloc((d.n + 1) * sizeof *strata);
        slev = malloc((d.n + 1) * sizeof *slev);
        if (!strata || !slev)
            rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
        else
            sorted_levels(&d, sc, slev, strata);
    }
    cJSON *root = cJSON_CreateObject(), *ga = cJSON_AddArrayToObject(root, "groups");
    if (!isnan(cut))
        cJSON_AddNumberToObject(root, "cutoff", cut);
    for (int g = 0; rc == VX_OK && g < k; g++) {
        for (size_t r = 0; r < d.n; r++)
            use[r] = group[r] == g;
        vx_km km;
        if ((rc = vx_km_fit(d.time, d.event, use, d.n, ci, &km, &err)) != VX_OK) {
            vx_error_prefix(&err, "%s: group '%s': ", o->data, names[g]);
            break;
        }
        cJSON_AddItemToArray(ga, km_json(&km, names[g], at, nat));
        vx_km_free(&km);
    }
    double chisq = NAN, p = NAN;
    int df = 0;
    if (rc == VX_OK && k >= 2) {
        if ((rc = vx_logrank(d.time, d.event, group, k, strata, d.n, o->rho, &chisq, &df, &p, NULL, NULL, &err)) !=
            VX_OK)
            vx_error_prefix(&err, "%s: ", o->data);
        cJSON *lr = cJSON_AddObjectToObject(root, "logrank");
        cJSON_AddNumberToObject(lr, "chisq", chisq);
        cJSON_AddNumberToObject(lr, "df", df);
        cJSON_AddNumberToObject(lr, "p", p);
        cJSON_AddNumberToObject(lr, "rho", o->rho);
    }
    int status = rc == VX_OK ? stats_write_json(o, o->json, root) : stats_fail(o, &err);
    if (status == 0 && stats_summary(o)) {
        printf("Kaplan-Meier of %zu subjects in %d group%s", d.n, k, k == 1 ? "" : "s");
        if (k >= 2)
            printf(": log-rank chi-square %.4g on %d df, p %.4g", chisq, df, p);
        printf("\n");
    }
    cJSON_Delete(root);
    free(group);
    free(names);
    free(use);
    free(strata);
    free(slev);
    surv_data_free(&d);
    return status;
}

/* ---- coxnet ------------------------------------------------------------------------------------------------ */
/* --foldid-from FILE.csv[:COL]: the fold of each used row, by ID (the file's first column), from COL (default the
 * second column); integers, shifted so that the smallest is fold 0 (R's 1-based foldid as it is). */
static int read_foldid(const sopts *o, const surv_data *d, int *fold, vx_error *err)
{
    char spec[4096];
    snprintf(spec, sizeof spec, "%s", o->folds_from);
    char *colon = strrchr(spec, ':');
    if (colon && (strchr(colon, '/') || colon == spec + 1)) /* a Windows drive or a ':' in a directory */
        colon = NULL;
    if (colon)
        *colon = '\0';
    vx_table f;
    int rc = vx_table_read(spec, NULL, &f, err);
    if (rc != VX_OK)
        return rc;
    const long c = colon ? vx_table_col(&f, colon + 1) : f.ncol > 1 ? (long)(f.id_col == 0 ? 1 : 0) : -1;
    if (c < 0)
        rc = vx_error_set(err, VX_EINVAL, "--foldid-from %s: no fold column %s", o->folds_from,
                          colon ? colon + 1 : "(the file has one column)");
    double lo = INFINITY;
    for (size_t k = 0; rc == VX_OK && k < f.nrow; k++)
        lo = fmin(lo, f.num[k * f.ncol + (size_t)c]);
    for (size_t r = 0; rc == VX_OK && r < d->n; r++) {
        const char *id = VX_TABLE_ID(&d->t, d->row[r]);
        size_t k = 0;
        while (k < f.nrow && strcmp(VX_TABLE_ID(&f, k), id))
            k++;
        const double v = k < f.nrow ? f.num[k * f.ncol + (size_t)c] : NAN;
        if (isnan(v) || v != floor(v))
            rc = vx_error_set(err, VX_EINVAL, "--foldid-from %s: no integer fold for '%s'", o->folds_from, id);
        else
            fold[r] = (int)(v - lo);
    }
    vx_table_free(&f);
    return rc;
}

/* the coefficients at path index k: name, coef, hr */
static cJSON *coxnet_coefs(const vx_coxnet_path *pa, size_t k, const char *const *names)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t j = 0; j < pa->p; j++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "name", names[j]);
        cJSON_AddNumberToObject(c, "coef", pa->beta[k * pa->p + j]);
        cJSON_AddNumberToObject(c, "hr", exp(pa->beta[k * pa->p + j]));
        cJSON_AddItemToArray(a, c);
    }
    return a;
}

static cJSON *coxnet_json(const sopts *o, const surv_data *d, const vx_coxnet_cv_result *r, const char *const *names,
                          int K, double alpha)
{
    const vx_coxnet_path *pa = &r->path;
    cJSON *root = cJSON_CreateObject();
    size_t ev = 0;
    for (size_t i = 0; i < d->n; i++)
        ev += (size_t)d->event[i];
    cJSON_AddNumberToObject(root, "n", (double)d->n);
    cJSON_AddNumberToObject(root, "events", (double)ev);
    cJSON_AddNumberToObject(root, "alpha", alpha);
    cJSON_AddStringToObject(root, "measure", o->measure);
    cJSON_AddNumberToObject(root, "folds", K);
    cJSON_AddStringToObject(root, "fold_source", o->folds_from ? o->folds_from : "drawn");
    cJSON *nz = cJSON_CreateArray();
    for (size_t k = 0; k < pa->nlambda; k++)
        cJSON_AddItemToArray(nz, cJSON_CreateNumber((double)pa->df[k]));
    cJSON_AddItemToObject(root, "lambda", stats_json_nums(pa->lambda, pa->nlambda));
    cJSON_AddItemToObject(root, "cvm", stats_json_nums(r->cvm, pa->nlambda));
    cJSON_AddItemToObject(root, "cvsd", stats_json_nums(r->cvsd, pa->nlambda));
    cJSON_AddItemToObject(root, "nzero", nz);
    cJSON_AddItemToObject(root, "dev_ratio", stats_json_nums(pa->dev_ratio, pa->nlambda));
    cJSON_AddNumberToObject(root, "lambda_min", pa->lambda[r->imin]);
    cJSON_AddNumberToObject(root, "lambda_1se", pa->lambda[r->i1se]);
    cJSON_AddNumberToObject(root, "index_min", (double)r->imin + 1);
    cJSON_AddNumberToObject(root, "index_1se", (double)r->i1se + 1);
    cJSON_AddItemToObject(root, "coefficients_min", coxnet_coefs(pa, r->imin, names));
    cJSON_AddItemToObject(root, "coefficients_1se", coxnet_coefs(pa, r->i1se, names));
    return root;
}

/* -o COEF.csv: name, coef and hr at lambda.min and at lambda.1se */
static int coxnet_csv(const sopts *o, const vx_coxnet_cv_result *r, const char *const *names, vx_error *err)
{
    vx_outfile *of = NULL;
    FILE *f = vx_outfile_open(o->out, &of, err);
    if (!f)
        return VX_EIO;
    const vx_coxnet_path *pa = &r->path;
    fprintf(f, "name,coef_min,hr_min,coef_1se,hr_1se\n");
    for (size_t j = 0; j < pa->p; j++) {
        const double a = pa->beta[r->imin * pa->p + j], b = pa->beta[r->i1se * pa->p + j];
        vx_csv_field(f, names[j]);
        fprintf(f, ",%.17g,%.17g,%.17g,%.17g\n", a, exp(a), b, exp(b));
    }
    return stats_finish(of, VX_OK, err);
}

/* the covariate columns: --covariate, else every numeric column of DATA but the ID, time and event */
static int coxnet_cols(const sopts *o, const vx_table *t, size_t **cols, size_t *p, vx_error *err)
{
    if (!o->covariates.n) {
        const char *skip[2] = {o->time, o->event};
        return stats_feature_cols(o, t, skip, 2, cols, p, err);
    }
    *cols = malloc(o->covariates.n * sizeof **cols);
    if (!*cols)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (size_t k = 0; k < o->covariates.n; k++) {
        const long c = stats_need_col(o, t, o->covariates.v[k], "covariate", err);
        if (c < 0)
            return VX_EINVAL;
        (*cols)[k] = (size_t)c;
    }
    *p = o->covariates.n;
    return VX_OK;
}

static void coxnet_summary(const vx_coxnet_cv_result *r, const char *const *names, int K, const char *measure)
{
    const vx_coxnet_path *pa = &r->path;
    printf("penalised Cox path: %zu lambdas, %d-fold CV (%s)\n", pa->nlambda, K, measure);
    const size_t at[2] = {r->imin, r->i1se};
    for (int q = 0; q < 2; q++) {
        printf("  lambda.%s %.6g: cvm %.6g (SE %.3g), %zu nonzero\n", q ? "1se" : "min", pa->lambda[at[q]],
               r->cvm[at[q]], r->cvsd[at[q]], pa->df[at[q]]);
        for (size_t j = 0; j < pa->p; j++)
            if (pa->beta[at[q] * pa->p + j] != 0.0)
                printf("    %-40s coef %10.6g  HR %10.6g\n", names[j], pa->beta[at[q] * pa->p + j],
                       exp(pa->beta[at[q] * pa->p + j]));
    }
}

static int cmd_coxnet(const sopts *o, vx_coxnet_measure measure, double alpha)
{
    vx_error err;
    vx_error_clear(&err);
    surv_data d;
    memset(&d, 0, sizeof d);
    vx_coxnet_cv_result res;
    memset(&res, 0, sizeof res);
    size_t *cols = NULL, p = 0;
    long *lcols = NULL, tc = -1, ec = -1;
    int *numeric = NULL, *fold = NULL, K = 0;
    double *X = NULL;
    const char **names = NULL;
    int rc = stats_load_table(o, &d.t, &err);
    if (rc == VX_OK && ((tc = stats_need_col(o, &d.t, o->time, "time", &err)) < 0 ||
                        (ec = stats_need_col(o, &d.t, o->event, "event", &err)) < 0))
        rc = VX_EINVAL;
    if (rc == VX_OK)
        rc = coxnet_cols(o, &d.t, &cols, &p, &err);
    if (rc == VX_OK) {
        lcols = malloc((p + 1) * sizeof *lcols);
        numeric = malloc((p + 1) * sizeof *numeric);
        names = malloc((p + 1) * sizeof *names);
        if (!lcols || !numeric || !names)
            rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
        for (size_t j = 0; rc == VX_OK && j < p; j++) {
            lcols[j] = (long)cols[j];
            numeric[j] = 1;
            names[j] = d.t.colnames[cols[j]];
        }
    }
    if (rc == VX_OK)
        rc = surv_rows(o, &d, tc, ec, lcols, numeric, p, &err);
    if (rc == VX_OK) {
        X = malloc((d.n * p + 1) * sizeof *X);
        fold = malloc((d.n + 1) * sizeof *fold);
        if (!X || !fold)
            rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
        for (size_t r = 0; rc == VX_OK && r < d.n; r++)
            for (size_t j = 0; j < p; j++)
                X[r * p + j] = d.t.num[d.row[r] * d.t.ncol + cols[j]];
    }
    if (rc == VX_OK && o->folds_from)
        rc = read_foldid(o, &d, fold, &err);
    const size_t nlambda = isnan(o->nlambda) ? 100 : (size_t)o->nlambda;
    if (rc == VX_OK && (rc = vx_coxnet_cv(X, d.n, p, d.time, d.event, alpha, nlambda, o->lambda_min_ratio,
                                          o->folds_from ? fold : NULL, o->folds_from ? 0 : (int)o->folds,
                                          (unsigned long)o->seed, measure, &res, &err)) != VX_OK)
        vx_error_prefix(&err, "%s: ", o->data);
    if (rc == VX_OK) {
        K = 0;
        for (size_t r = 0; o->folds_from && r < d.n; r++)
            K = fold[r] + 1 > K ? fold[r] + 1 : K;
        K = o->folds_from ? K : (int)o->folds;
    }
    int status = rc == VX_OK ? 0 : stats_fail(o, &err);
    if (rc == VX_OK) {
        cJSON *root = coxnet_json(o, &d, &res, names, K, alpha);
        status = stats_write_json(o, o->json, root);
        cJSON_Delete(root);
        if (status == 0 && o->out && coxnet_csv(o, &res, names, &err) != VX_OK)
            status = stats_fail(o, &err);
        if (status == 0 && stats_summary(o))
            coxnet_summary(&res, names, K, o->measure);
    }
    vx_coxnet_cv_free(&res);
    free(cols);
    free(lcols);
    free(numeric);
    free(names);
    free(X);
    free(fold);
    surv_data_free(&d);
    return status;
}

/* ---- the commands ------------------------------------------------------------------------------------------ */
#define OPT_TIME {"--time", NULL, "COL", "required", "the follow-up time column (>= 0)", CLI_STR, SO(time), 0, 0, 0}
#define OPT_EVENT                                                                                              \
    {"--event", NULL, "COL", "required", "the event column: 1 event (death, recurrence), 0 censored", CLI_STR, \
     SO(event), 0, 0, 0}
#define OPT_STRATA(WHAT) {"--strata", NULL, "COL", "none", WHAT, CLI_STR, SO(strata), 0, 0, 0}

static const cli_opt cox_table[] = {
    OPT_JSON("the fit: coefficients (name, coef, se, hr, hr_lower, hr_upper, z, p), n, events, loglik, "
             "concordance, tests (lr, wald, score: stat, df, p), warnings"),
    OPT_TIME,
    OPT_EVENT,
    {"--covariate", NULL, "COL", "required", "a covariate (repeatable): numeric, or categorical when its column "
     "holds text or it is named by --categorical (indicators of every level but the first)",
     CLI_LIST, SO(covariates), 0, 0, 0},
    {"--categorical", NULL, "COL", NULL, "treat this --covariate as categorical although it holds numbers "
     "(codes); repeatable", CLI_LIST, SO(categorical), 0, 0, 0},
    OPT_STRATA("a stratification column: a baseline hazard per level, as coxph's strata()"),
    {"--ties", NULL, "efron|breslow", "efron", "the handling of tied event times", CLI_STR, SO(ties), 0, 0, 0},
    OPT_ID, OPT_JOIN, OPT_WHERE,
    {"--missing", NULL, "error|drop", "error", "rows with an empty or non-numeric cell in the columns used: stop "
     "and name the first, or leave them out", CLI_STR, SO(missing), 0, 0, 0},
    CLI_QUIET(sopts),
    CLI_END};

static const cli_opt km_table[] = {
    OPT_JSON("the curves: groups (name, n, events, median, median_lower, median_upper, at: time, survival, lower, "
             "upper, n_risk; curve: every step), logrank (chisq, df, p, rho) with two groups or more"),
    OPT_TIME,
    OPT_EVENT,
    {"--group", NULL, "COL", "one curve", "a curve per level of this column, and their log-rank test", CLI_STR,
     SO(group), 0, 0, 0},
    {"--split-at", NULL, "median|VALUE", NULL, "with --by: two groups, low (--by <= the cutoff) and high (above)",
     CLI_STR, SO(split_at), 0, 0, 0},
    {"--by", NULL, "COL", NULL, "the numeric column --split-at splits (e.g. a risk score)", CLI_STR, SO(by), 0, 0, 0},
    {"--at", NULL, "T1,T2,...", NULL, "times at which to report survival, its CI and the number at risk", CLI_STR,
     SO(at), 0, 0, 0},
    {"--conf-type", NULL, "log|log-log", "log", "the 95% confidence interval: R's default log or log-log", CLI_STR,
     SO(conf_type), 0, 0, 0},
    OPT_STRATA("the log-rank test stratified by this column (as survdiff's strata())"),
    {"--rho", NULL, "R", "0: log-rank", "Fleming-Harrington weight S(t-)^rho of the test (1: Peto-Peto)", CLI_NUM,
     SO(rho), 0, 0, 0},
    OPT_ID, OPT_JOIN, OPT_WHERE,
    {"--missing", NULL, "error|drop", "error", "rows with an empty or non-numeric cell in the columns used: stop "
     "and name the first, or leave them out", CLI_STR, SO(missing), 0, 0, 0},
    CLI_QUIET(sopts),
    CLI_END};

static const cli_opt coxnet_table[] = {
    OPT_JSON("the cross-validation: n, events, alpha, measure, folds, fold_source, per lambda lambda, cvm, cvsd, "
             "nzero, dev_ratio; lambda_min, lambda_1se, index_min, index_1se (1-based), coefficients_min and "
             "coefficients_1se (name, coef, hr on the original scale of each covariate)"),
    {"--output", "-o", "COEF.csv", "none", "the coefficients: name, coef_min, hr_min, coef_1se, hr_1se; '-' is "
     "standard output, a symbolic link writes its target", CLI_STR, SO(out), 0, 0, 0},
    OPT_TIME,
    OPT_EVENT,
    {"--covariate", NULL, "COL", "every numeric column of DATA but the ID, time and event",
     "a numeric covariate; joined columns only when named here", CLI_LIST, SO(covariates), 0, 0, 0},
    {"--alpha", NULL, "A", "1: LASSO", "the elastic-net mixing in (0, 1]: penalty alpha |b|_1 + (1 - alpha) / 2 "
     "|b|^2, as glmnet's alpha", CLI_NUM, SO(alpha), 0, 0, 0},
    {"--nlambda", NULL, "N", "100", "lambdas on the path (3 to 100000; the path may end earlier, as glmnet's)",
     CLI_NUM, SO(nlambda), 0, 0, 0},
    {"--lambda-min-ratio", NULL, "R", "0.01 when n < p, else 1e-4",
     "the smallest lambda as a fraction of the largest, in (0, 1), as glmnet's lambda.min.ratio", CLI_NUM,
     SO(lambda_min_ratio), 0, 0, 0},
    {"--folds", NULL, "K", "5", "cross-validation folds (3 to n), drawn from --seed stratified by the event",
     CLI_INT, SO(folds), 0, 2147483647.0, 0},
    OPT_SEED("0", "the seed of the folds"),
    {"--foldid-from", NULL, "FILE.csv[:COL]", NULL, "given folds instead: the integer column COL (default the "
     "second) of FILE, matched by ID (its first column); the smallest value is the first fold (R's foldid as it "
     "is)", CLI_STR, SO(folds_from), 0, 0, 0},
    {"--measure", NULL, "deviance|C", "deviance", "the CV measure: cv.glmnet's grouped partial-likelihood "
     "deviance (smaller is better) or Harrell's C of each held-out fold (larger is better)", CLI_STR,
     SO(measure), 0, 0, 0},
    OPT_ID, OPT_JOIN, OPT_WHERE,
    {"--missing", NULL, "error|drop", "error", "rows with an empty or non-numeric cell in the columns used: stop "
     "and name the first, or leave them out", CLI_STR, SO(missing), 0, 0, 0},
    CLI_QUIET(sopts),
    CLI_END};

static int run_coxnet(const cli_command *c, int argc, char **argv)
{
    sopts o;
    int r = stats_parse(c, argc, argv, &o);
    if (r)
        return r == CLI_DONE ? 0 : r;
    if (!o.json)
        return stats_usage(&o, "--json OUT.json is required", NULL);
    if (!strcmp(o.missing, "impute-median"))
        return stats_usage(&o, "--missing must be error or drop for survival data", o.missing);
    if (!o.measure)
        o.measure = "deviance";
    if (strcmp(o.measure, "deviance") && strcmp(o.measure, "C"))
        return stats_usage(&o, "--measure must be deviance or C", o.measure);
    const double alpha = isnan(o.alpha) ? 1.0 : o.alpha;
    if (!(alpha > 0.0 && alpha <= 1.0))
        return stats_usage(&o, "--alpha must be in (0, 1]", NULL);
    if (!isnan(o.nlambda) && !(o.nlambda >= 3 && o.nlambda <= 100000 && o.nlambda == floor(o.nlambda)))
        return stats_usage(&o, "--nlambda must be an integer from 3 to 100000", NULL);
    if (!isnan(o.lambda_min_ratio) && !(o.lambda_min_ratio > 0.0 && o.lambda_min_ratio < 1.0))
        return stats_usage(&o, "--lambda-min-ratio must be in (0, 1)", NULL);
    if (!o.folds_from && o.folds < 3)
        return stats_usage(&o, "--folds must be at least 3", NULL);
    return cmd_coxnet(&o, strcmp(o.measure, "C") ? VX_COXNET_CV_DEVIANCE : VX_COXNET_CV_C, alpha);
}

static int run_cox(const cli_command *c, int argc, char **argv)
{
    sopts o;
    int r = stats_parse(c, argc, argv, &o);
    if (r)
        return r == CLI_DONE ? 0 : r;
    if (!strcmp(o.missing, "impute-median"))
        return stats_usage(&o, "--missing must be error or drop for survival data", o.missing);
    return cmd_cox(&o);
}

static int run_km(const cli_command *c, int argc, char **argv)
{
    sopts o;
    int r = stats_parse(c, argc, argv, &o);
    if (r)
        return r == CLI_DONE ? 0 : r;
    if (!strcmp(o.missing, "impute-median"))
        return stats_usage(&o, "--missing must be error or drop for survival data", o.missing);
    if (isnan(o.rho))
        o.rho = 0.0;
    if (!(o.rho >= 0.0) || o.rho > 100.0)
        return stats_usage(&o, "--rho must be a number in [0, 100]", NULL);
    return cmd_km(&o);
}

const cli_command cli_cmd_cox = {
    "cox",
    "Cox proportional hazards model: coefficients, hazard ratios, tests and concordance (R's coxph)",
    "DATA.csv --time COL --event COL --covariate COL [--covariate COL]... [--strata COL] [--ties efron|breslow] "
    "--json OUT.json",
    "DATA.csv  one row per subject: the time and event columns and the covariates (joined tables with --join)",
    cox_table,
    NULL,
    "voxomics cox cohort.csv --id SubjectID --join clinical.csv --time days --event event --covariate log_volume "
    "--json cox.json",
    STATS_EXITS,
    run_cox};

const cli_command cli_cmd_km = {
    "km",
    "Kaplan-Meier curves with Greenwood CIs, medians and numbers at risk, and the log-rank test (R's survfit, "
    "survdiff)",
    "DATA.csv --time COL --event COL [--group COL | --split-at median|VALUE --by COL] [--at T1,T2,...] "
    "--json OUT.json",
    "DATA.csv  one row per subject: the time and event columns (and the group or score column)",
    km_table,
    NULL,
    "voxomics km cohort.csv --time days --event event --split-at median --by risk --at 365,1095 --json km.json",
    STATS_EXITS,
    run_km};

const cli_command cli_cmd_coxnet = {
    "coxnet",
    "Penalised (LASSO / elastic-net) Cox regression with lambda chosen by cross-validation (R's cv.glmnet, "
    "family cox)",
    "DATA.csv --time COL --event COL [--covariate COL]... [--alpha A] [--nlambda N] [--lambda-min-ratio R] "
    "[--folds K] [--seed S] [--foldid-from FILE.csv[:COL]] [--measure deviance|C] --json OUT.json [-o COEF.csv]",
    "DATA.csv  one row per subject: the time and event columns and the covariates (joined tables with --join)",
    coxnet_table,
    NULL,
    "voxomics coxnet features.csv --id SubjectID --join clinical.csv --time days --event event --covariate volume "
    "--covariate sphericity --covariate entropy --json coxnet.json -o coef.csv",
    STATS_EXITS,
    run_coxnet};
