/* voxomics icc: intraclass correlation (all six Shrout-Fleiss / McGraw-Wong forms with CIs) of each feature.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats_common.h"
#include "voxomics/icc.h"

/* The n x k ratings matrix Y (subject-major) of feature column col; every subject needs one number from every
 * rater. */
static int fill_ratings(const sopts *o, const vx_table *t, size_t col, size_t N, const int *si, const int *ri,
                        const char **subj, const char **rat, size_t n, size_t k, double *Y, vx_error *err)
{
    for (size_t q = 0; q < n * k; q++)
        Y[q] = NAN;
    for (size_t i = 0; i < N; i++) {
        double *cell = &Y[(size_t)si[i] * k + (size_t)ri[i]];
        if (!isnan(*cell))
            return vx_error_set(err, VX_EINVAL, "%s: subject '%s' rated twice by '%s'", o->data, subj[si[i]],
                                rat[ri[i]]);
        *cell = t->num[i * t->ncol + col];
        if (isnan(*cell)) {
            const char *txt = t->cell[i * t->ncol + col];
            const char *why = vx_table_cell_missing(t, i, col) == 2 ? "' is not a number"
                              : txt[0]                                 ? "' is missing"
                                                                       : "";
            return vx_error_set(err, VX_EINVAL,
                                "%s: %s (subject '%s', rater '%s'), column %s: %s%s%s: the ICC needs a number from "
                                "every rater for every subject",
                                o->data, VX_TABLE_ID(t, i), subj[si[i]], rat[ri[i]], t->colnames[col],
                                txt[0] ? "'" : "empty", txt, why);
        }
    }
    for (size_t q = 0; q < n * k; q++)
        if (isnan(Y[q]))
            return vx_error_set(err, VX_EINVAL,
                                "%s: feature '%s': subject '%s' has no value from rater '%s' (ICC needs every "
                                "subject rated by every rater)",
                                o->data, t->colnames[col], subj[q / k], rat[q % k]);
    return VX_OK;
}

/* The CSV: a header, then per feature the six ICC forms with CI, F and p (undefined values as empty cells). */
static void write_icc_rows(FILE *f, const vx_table *t, const size_t *cols, size_t p, const vx_icc *res)
{
    fputs("feature", f);
    for (int m = 0; m < 6; m++)
        fprintf(f, ",%s,%s_lo,%s_hi,%s_F,%s_p", vx_icc_name(m), vx_icc_name(m), vx_icc_name(m), vx_icc_name(m),
                vx_icc_name(m));
    fputs("\n", f);
    for (size_t j = 0; j < p; j++) {
        vx_csv_field(f, t->colnames[cols[j]]);
        for (int m = 0; m < 6; m++) {
            const double v[5] = {res[j].icc[m], res[j].lo[m], res[j].hi[m], res[j].F[m], res[j].p[m]};
            for (int q = 0; q < 5; q++) /* undefined (NaN) values: an empty cell */
                if (isnan(v[q]))
                    fputc(',', f);
                else
                    fprintf(f, ",%.10g", v[q]);
        }
        fputs("\n", f);
    }
}

static int cmd_icc(const sopts *o)
{
    vx_error err;
    vx_error_clear(&err);
    if (!o->out)
        return stats_usage(o, "-o OUT.csv is required", NULL);
    vx_table t;
    if (stats_load_table(o, &t, &err) != VX_OK)
        return stats_fail(o, &err);
    long sc = stats_need_col(o, &t, o->subject, "subject", &err), rcol = sc >= 0 ? stats_need_col(o, &t, o->rater, "rater", &err) : -1;
    size_t *cols = NULL, p = 0;
    int rc = sc < 0 || rcol < 0 ? VX_EINVAL : VX_OK;
    const char *skip[2] = {o->subject, o->rater};
    if (rc == VX_OK)
        rc = stats_feature_cols(o, &t, skip, 2, &cols, &p, &err);
    /* subjects and raters in order of appearance */
    size_t n = 0, k = 0, N = t.nrow;
    const char **subj = malloc((N + 1) * sizeof *subj), **rat = malloc((N + 1) * sizeof *rat);
    const char **sv = malloc((N + 1) * sizeof *sv), **rv = malloc((N + 1) * sizeof *rv);
    int *si = malloc((N + 1) * sizeof *si), *ri = malloc((N + 1) * sizeof *ri);
    if (rc == VX_OK && (!subj || !rat || !sv || !rv || !si || !ri))
        rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VX_OK && i < N; i++) {
        sv[i] = t.cell[i * t.ncol + (size_t)sc];
        rv[i] = t.cell[i * t.ncol + (size_t)rcol];
    }
    if (rc == VX_OK) {
        n = vx_levels(sv, N, subj, si);
        k = vx_levels(rv, N, rat, ri);
    }
    double *Y = rc == VX_OK ? malloc((n * k + 1) * sizeof *Y) : NULL;
    vx_icc *res = rc == VX_OK ? malloc((p + 1) * sizeof *res) : NULL;
    if (rc == VX_OK && (!Y || !res))
        rc = vx_error_set(&err, VX_ENOMEM, "out of memory");
    /* every feature first: the output is opened only when all are computed */
    for (size_t j = 0; rc == VX_OK && j < p; j++) {
        rc = fill_ratings(o, &t, cols[j], N, si, ri, subj, rat, n, k, Y, &err);
        if (rc == VX_OK && (rc = vx_icc_compute(Y, n, k, &res[j], &err)) != VX_OK)
            vx_error_prefix(&err, "feature '%s': ", t.colnames[cols[j]]);
    }
    for (size_t j = 0; rc == VX_OK && j < p; j++)
        if (res[j].note[0])
            stats_note(o, "feature '%s': %s", t.colnames[cols[j]], res[j].note);
    vx_outfile *of = NULL;
    FILE *f = rc == VX_OK ? vx_outfile_open(o->out, &of, &err) : NULL;
    if (rc == VX_OK && !f)
        rc = VX_EIO;
    if (f) {
        write_icc_rows(f, &t, cols, p, res);
        rc = stats_finish(of, rc, &err);
    }
    if (rc == VX_OK && stats_summary(o))
        printf("ICC of %zu features: %zu subjects x %zu raters -> %s\n", p, n, k, o->out);
    free(Y);
    free(res);
    free(subj);
    free(rat);
    free(sv);
    free(rv);
    free(si);
    free(ri);
    free(cols);
    vx_table_free(&t);
    return rc == VX_OK ? 0 : stats_fail(o, &err);
}

static const cli_opt icc_table[] = {
    OPT_OUT("OUT.csv", "one row per feature: the six ICC forms with 95% CI, F and p"),
    {"--subject", NULL, "COL", "required", "the subject (case) column", CLI_STR, SO(subject), 0, 0, 0},
    {"--rater", NULL, "COL", "required", "the rater (reader, segmentation, repetition) column", CLI_STR, SO(rater),
     0, 0, 0},
    OPT_ID, OPT_JOIN, OPT_WHERE, OPT_FEATURES, OPT_EXCLUDE,
    CLI_QUIET(sopts),
    CLI_END};

static int run_icc(const cli_command *c, int argc, char **argv)
{
    sopts o;
    int r = stats_parse(c, argc, argv, &o);
    if (r)
        return r == CLI_DONE ? 0 : r;
    return cmd_icc(&o);
}

const cli_command cli_cmd_icc = {
    "icc",
    "intraclass correlation (all six Shrout-Fleiss / McGraw-Wong forms with CIs) of each feature",
    "DATA.csv --subject COL --rater COL [options] -o OUT.csv",
    "DATA.csv  long format: one row per subject and rater, numeric feature columns; every subject rated by every\n"
    "          rater once",
    icc_table,
    NULL,
    "voxomics icc tests/data/stats/shrout_fleiss_1979.csv --subject target --rater judge -o icc.csv",
    STATS_EXITS,
    run_icc};
