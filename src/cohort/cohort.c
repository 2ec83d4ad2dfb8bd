/* voxomics: cohort CSV files and cohort runs (see include/voxomics/cohort.h).
 *
 * Parallel runs: the pending cases are shared out dynamically over `jobs` OpenMP threads, one case per thread
 * at a time (each case's own computation is the same code as a single run, and every result is bit-identical
 * for any thread count, so the table does not depend on jobs). Results land in out->cases[i] by index, so the
 * table is always in cohort order. Store writes and progress calls are serialised in one critical section.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "io/csv.h"
#include "voxomics/io.h"
#include "store.h"
#include "voxomics/cohort.h"

/* ---- CSV ---------------------------------------------------------------------------------------------------- */

/* A path relative to the CSV's folder (absolute paths unchanged). */
static char *resolve(const char *dir, const char *p)
{
    if (p[0] == '/' || !dir[0])
        return strdup(p);
    size_t n = strlen(dir) + strlen(p) + 2;
    char *r = malloc(n);
    if (r)
        snprintf(r, n, "%s/%s", dir, p);
    return r;
}

void vx_cohort_free(vx_cohort *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free((char *)c->cases[i].id);
        free((char *)c->cases[i].image);
        free((char *)c->cases[i].mask);
        free((char *)c->cases[i].label);
    }
    free(c->cases);
    for (size_t i = 0; c->cols && i < c->n * c->n_cols; i++)
        free(c->cols[i]);
    free(c->cols);
    for (size_t j = 0; c->col_names && j < c->n_cols; j++)
        free(c->col_names[j]);
    free(c->col_names);
    for (size_t i = 0; i < c->n * c->n_extra; i++)
        free(c->extra[i]);
    free(c->extra);
    for (size_t j = 0; j < c->n_extra; j++)
        free(c->extra_names[j]);
    free(c->extra_names);
    free(c->path);
    memset(c, 0, sizeof *c);
}

/* A Label that names one label number ("1", " 02"): its value; else 0 ("", "all", anything else). */
static long label_number(const char *l)
{
    char *end;
    long v = strtol(l, &end, 10);
    return end != l && !*end && v > 0 ? v : 0;
}

typedef struct id_ref {
    const char *id;
    size_t i;
} id_ref;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref *x = a, *y = b;
    int d = strcmp(x->id, y->id);
    return d ? d : (x->i > y->i) - (x->i < y->i);
}

/* With an ID column, the pair (case, roi) of the table must be unique: rows sharing an ID are allowed only
 * when each names its own label number (one row per region of the case); two rows with the same ID where
 * the Labels are equal, empty or "all" are refused before any case runs, naming both rows (the first such
 * pair in file order). */
static int unique_ids(const vx_cohort *c, const size_t *rowno, const size_t *rowline, vx_error *err)
{
    id_ref *ord = malloc(c->n * sizeof *ord);
    if (!ord)
        return vx_error_set(err, VX_ENOMEM, "%s: out of memory", c->path);
    for (size_t i = 0; i < c->n; i++)
        ord[i] = (id_ref){c->cases[i].id, i};
    qsort(ord, c->n, sizeof *ord, cmp_id_ref);
    size_t bi = 0, bj = 0; /* the conflict with the earliest second row */
    int found = 0;
    for (size_t g = 0; g < c->n;) {
        size_t e = g + 1;
        while (e < c->n && !strcmp(ord[e].id, ord[g].id))
            e++;
        for (size_t q = g + 1; q < e; q++)
            for (size_t p = g; p < q; p++) {
                size_t i = ord[p].i, j = ord[q].i;
                long li = label_number(c->cases[i].label), lj = label_number(c->cases[j].label);
                if ((li && lj && li != lj) || (found && j >= bj))
                    continue;
                bi = i;
                bj = j;
                found = 1;
            }
        g = e;
    }
    free(ord);
    if (!found)
        return VX_OK;
    char lines[96] = "";
    if (rowline[bi] != rowno[bi] || rowline[bj] != rowno[bj])
        snprintf(lines, sizeof lines, " (lines %zu and %zu)", rowline[bi], rowline[bj]);
    const char *lab = c->cases[bj].label;
    return vx_error_set(err, VX_EINVAL,
                        "%s: rows %zu and %zu%s both have ID '%s'%s%s%s: an ID names one case; give each row its own "
                        "ID, or one label number per row for several regions of one case",
                        c->path, rowno[bi], rowno[bj], lines, c->cases[bj].id, lab[0] ? " (Label '" : "",
                        lab[0] ? lab : "", lab[0] ? "')" : "");
}

/* Column layout of a cases file and the per-case bookkeeping vx_cohort_read keeps while reading it. */
typedef struct {
    int ncol, img, msk, lab, id;
    int *extra_col;       /* field index of every extra column */
    size_t cap;           /* capacity of c->cases, c->extra, rowno and rowline */
    size_t *rowno;        /* record number (header = 1) and first line of every case, for messages */
    size_t *rowline;
} cohort_cols;

/* The header record: find the Image, Mask, Label and ID columns; every other column is an extra one. */
static int read_header(vx_cohort *c, char **fl, int nf, const char *text, const char *csv_path, cohort_cols *k,
                       vx_error *err)
{
    k->ncol = nf;
    for (int i = 0; i < nf; i++) {
        if (!strcasecmp(fl[i], "Image"))
            k->img = i;
        else if (!strcasecmp(fl[i], "Mask"))
            k->msk = i;
        else if (!strcasecmp(fl[i], "Label"))
            k->lab = i;
        else if (!strcasecmp(fl[i], "ID"))
            k->id = i;
    }
    if (k->img < 0 || k->msk < 0)
        return vx_error_set(err, VX_EFORMAT,
                            "%s:1: the header needs the columns Image and Mask (PyRadiomics batch format), "
                            "found: %s",
                            csv_path, text);
    k->extra_col = malloc((size_t)nf * sizeof *k->extra_col);
    c->extra_names = calloc((size_t)nf, sizeof *c->extra_names);
    c->col_names = calloc((size_t)nf, sizeof *c->col_names);
    if (!k->extra_col || !c->extra_names || !c->col_names)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (int i = 0; i < nf; i++)
        if (!(c->col_names[c->n_cols++] = strdup(fl[i])))
            return vx_error_set(err, VX_ENOMEM, "out of memory");
    for (int i = 0; i < nf; i++)
        if (i != k->img && i != k->msk && i != k->lab && i != k->id) {
            k->extra_col[c->n_extra] = i;
            c->extra_names[c->n_extra++] = strdup(fl[i]);
        }
    return VX_OK;
}

/* Grow the case arrays (and the row numbers kept for messages) so one more case fits. */
static int grow_cases(vx_cohort *c, cohort_cols *k, vx_error *err)
{
    if (c->n < k->cap)
        return VX_OK;
    k->cap = k->cap ? k->cap * 2 : 64;
    vx_case_spec *cs = realloc(c->cases, k->cap * sizeof *cs);
    char **ex = realloc(c->extra, k->cap * (c->n_extra ? c->n_extra : 1) * sizeof *ex);
    char **all = realloc(c->cols, k->cap * (c->n_cols ? c->n_cols : 1) * sizeof *all);
    if (all)
        c->cols = all;
    size_t *rn = realloc(k->rowno, k->cap * sizeof *rn), *rl = rn ? realloc(k->rowline, k->cap * sizeof *rl) : NULL;
    if (cs)
        c->cases = cs;
    if (ex)
        c->extra = ex;
    if (rn)
        k->rowno = rn;
    if (rl)
        k->rowline = rl;
    if (!cs || !ex || !all || !rn || !rl)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    return VX_OK;
}

/* One case record (its fields fl, freed here on every path): check it and append it to c. */
static int add_case(vx_cohort *c, char **fl, int nf, const vx_csv_reader *rd, const char *dir, const char *csv_path,
                    cohort_cols *k, vx_error *err)
{
    size_t lineno = rd->line;
    int rc;
    if (nf != k->ncol) {
        rc = vx_error_set(err, VX_EFORMAT, "%s:%zu: %d fields where the header has %d", csv_path, lineno, nf,
                          k->ncol);
        vx_csv_free_fields(fl, nf);
        return rc;
    }
    if (!fl[k->img][0] || !fl[k->msk][0]) {
        rc = vx_error_set(err, VX_EFORMAT, "%s:%zu: empty Image or Mask", csv_path, lineno);
        vx_csv_free_fields(fl, nf);
        return rc;
    }
    if ((rc = grow_cases(c, k, err)) != VX_OK) {
        vx_csv_free_fields(fl, nf);
        return rc;
    }
    k->rowno[c->n] = rd->row;
    k->rowline[c->n] = rd->line;
    vx_case_spec *cs = &c->cases[c->n];
    char rowid[32];
    snprintf(rowid, sizeof rowid, "%zu", c->n + 1);
    cs->id = strdup(k->id >= 0 && fl[k->id][0] ? fl[k->id] : rowid);
    cs->image = resolve(dir, fl[k->img]);
    cs->mask = resolve(dir, fl[k->msk]);
    cs->label = strdup(k->lab >= 0 ? fl[k->lab] : "");
    for (size_t j = 0; j < c->n_extra; j++)
        c->extra[c->n * c->n_extra + j] = strdup(fl[k->extra_col[j]]);
    int all_ok = 1;
    for (size_t j = 0; j < c->n_cols; j++)
        all_ok &= (c->cols[c->n * c->n_cols + j] = strdup(fl[j])) != NULL;
    c->n++;
    vx_csv_free_fields(fl, nf);
    if (!cs->id || !cs->image || !cs->mask || !cs->label || !all_ok)
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    return VX_OK;
}

int vx_cohort_read(const char *csv_path, vx_cohort *c, vx_error *err)
{
    memset(c, 0, sizeof *c);
    int prc = vx_path_check(csv_path, 0, "cases file", err);
    if (prc != VX_OK)
        return prc;
    FILE *f = fopen(csv_path, "r");
    if (!f)
        return vx_error_set(err, VX_EIO, "%s: cannot open: %s", csv_path, strerror(errno));
    c->path = strdup(csv_path);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", csv_path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        dir[0] = '\0';
    vx_csv_reader rd;
    vx_csv_reader_init(&rd, f);
    int rc = VX_OK, got;
    char **hdr = NULL;
    cohort_cols k = {.img = -1, .msk = -1, .lab = -1, .id = -1};
    while (rc == VX_OK && (got = vx_csv_next(&rd)) != 0) {
        if (got == -2) {
            rc = vx_error_set(err, VX_ENOMEM, "%s: out of memory", csv_path);
            break;
        }
        if (got == -1) {
            rc = vx_error_set(err, VX_EFORMAT,
                              "%s:%zu: unterminated quote (the quoted field opened on this line runs to the end of "
                              "the file): close it with a \" (write \"\" for a quote inside a field)",
                              csv_path, rd.line);
            break;
        }
        char *text = rd.rec;
        char **fl;
        int nf = vx_csv_split(text, &fl);
        if (nf < 0) {
            rc = vx_error_set(err, VX_ENOMEM, "%s:%zu: out of memory", csv_path, rd.line);
            break;
        }
        for (int i = 0; i < nf; i++)
            vx_csv_trim(fl[i]);
        if (!hdr) {
            hdr = fl;
            rc = read_header(c, fl, nf, text, csv_path, &k, err);
            continue;
        }
        rc = add_case(c, fl, nf, &rd, dir, csv_path, &k, err);
    }
    vx_csv_reader_free(&rd);
    fclose(f);
    if (hdr)
        vx_csv_free_fields(hdr, k.ncol);
    free(k.extra_col);
    if (rc == VX_OK && !c->extra_names)
        rc = vx_error_set(err, VX_EFORMAT, "%s: empty file (a header with Image and Mask is needed)", csv_path);
    if (rc == VX_OK && c->n == 0)
        rc = vx_error_set(err, VX_EFORMAT, "%s: no cases after the header", csv_path);
    if (rc == VX_OK && k.id >= 0)
        rc = unique_ids(c, k.rowno, k.rowline, err);
    free(k.rowno);
    free(k.rowline);
    if (rc != VX_OK)
        vx_cohort_free(c);
    return rc;
}

/* ---- runs --------------------------------------------------------------------------------------------------- */

void vx_cohort_options_default(vx_cohort_options *o)
{
    memset(o, 0, sizeof *o);
    vx_case_options_default(&o->case_opts);
    o->jobs = 1;
    o->nranks = 1;
}

void vx_cohort_results_free(vx_cohort_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        vx_case_result_free(&r->cases[i]);
    free(r->cases);
    memset(r, 0, sizeof *r);
}

void vx_cohort_count(const vx_cohort_results *r, size_t *done, size_t *failed)
{
    size_t d = 0, f = 0;
    for (size_t i = 0; i < r->n; i++) {
        d += r->cases[i].done != 0;
        f += r->cases[i].done && r->cases[i].error;
    }
    if (done)
        *done = d;
    if (failed)
        *failed = f;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int alloc_results(const vx_cohort *c, vx_cohort_results *out, vx_error *err)
{
    if (out->cases)
        return VX_OK;
    out->cases = calloc(c->n ? c->n : 1, sizeof *out->cases);
    if (!out->cases)
        return vx_error_set(err, VX_ENOMEM, "out of memory for %zu case results", c->n);
    out->n = c->n;
    return VX_OK;
}

int vx_cohort_load_store(const char *store, const vx_cohort *c, const vx_settings *s, vx_cohort_results *out,
                         vx_error *err)
{
    int rc = alloc_results(c, out, err);
    vx_store *st = NULL;
    if (rc == VX_OK)
        rc = vx_store_open(store, c, s, &st, err);
    if (rc == VX_OK)
        rc = vx_store_load(st, c, out, 0, NULL, err);
    vx_store_close(st);
    return rc;
}

int vx_cohort_run(const vx_cohort *c, const vx_settings *s, const vx_cohort_options *o, vx_cohort_results *out,
                  vx_error *err)
{
    vx_cohort_options def;
    if (!o) {
        vx_cohort_options_default(&def);
        o = &def;
    }
    if (!c || !s || !out)
        return vx_error_set(err, VX_EINVAL, "cohort run: NULL argument");
    size_t nranks = o->nranks ? o->nranks : 1, rank = o->rank;
    if (rank >= nranks)
        return vx_error_set(err, VX_EINVAL, "cohort run: rank %zu of %zu", rank, nranks);
    int rc = alloc_results(c, out, err);
    vx_store *st = NULL;
    if (rc == VX_OK && o->store)
        rc = vx_store_open(o->store, c, s, &st, err);
    size_t damaged = 0;
    if (rc == VX_OK && st)
        rc = vx_store_load(st, c, out, o->retry_failed, &damaged, err);
    if (rc != VX_OK) {
        vx_store_close(st);
        return rc;
    }
    /* the cases of this shard still to run */
    size_t *todo = malloc((c->n ? c->n : 1) * sizeof *todo), ntodo = 0;
    if (!todo) {
        vx_store_close(st);
        return vx_error_set(err, VX_ENOMEM, "out of memory");
    }
    vx_cohort_progress pg = {0, 0, 0, 0, 0.0, damaged};
    for (size_t i = 0; i < c->n; i++) {
        if (i % nranks != rank)
            continue;
        pg.total++;
        vx_case_result *r = &out->cases[i];
        if (r->done && !(o->retry_failed && r->error)) {
            pg.done++;
            pg.resumed++;
            pg.failed += r->error != NULL;
            continue;
        }
        vx_case_result_free(r);
        todo[ntodo++] = i;
    }
    /* one thread per case: the case itself runs single-threaded when several cases run at once */
    vx_settings cs = *s;
    int jobs = o->jobs > 0 ? o->jobs : 1;
    if (jobs > 1)
        cs.features.threads = 1;
    const double t0 = seconds();
    if (o->progress)
        o->progress(o->progress_ud, &pg);
    int run_rc = VX_OK;
    vx_error run_err;
    vx_error_clear(&run_err);
    long long nt = (long long)ntodo;
#pragma omp parallel for schedule(dynamic, 1) num_threads(jobs)
    for (long long t = 0; t < nt; t++) {
        size_t i = todo[t];
        int stop;
#pragma omp atomic read
        stop = run_rc;
        if (stop != VX_OK)
            continue;
        vx_case_result *r = &out->cases[i];
        vx_case_run(&c->cases[i], &cs, &o->case_opts, r);
#pragma omp critical(vx_cohort_done)
        {
            if (st && run_rc == VX_OK) {
                vx_error e2;
                int prc = vx_store_put(st, c, i, r, &e2);
                if (prc != VX_OK) {
                    run_err = e2;
#pragma omp atomic write
                    run_rc = prc;
                }
            }
            pg.done++;
            pg.failed += r->error != NULL;
            pg.elapsed = seconds() - t0;
            if (o->progress)
                o->progress(o->progress_ud, &pg);
        }
    }
    free(todo);
    vx_store_close(st);
    if (run_rc != VX_OK) {
        if (err)
            *err = run_err;
        return run_rc;
    }
    return VX_OK;
}
