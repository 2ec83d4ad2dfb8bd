/* voxomics extract --cohort: a whole study -> one wide feature table.
 *
 * Exit status: 0 every case succeeded; 3 the table was written but some cases failed (their rows carry the
 * error); 1 the run itself failed (settings, cohort file, store refused, table not writable); 2 usage.
 *
 * Built with -DVX_MPI (build/voxomics-mpi, `make mpi`), the cohort is sharded across MPI ranks: rank r runs
 * the cases with index % size == r into its own store (RUN.db.rank<r>, or OUT.rank<r>.db without --store),
 * then rank 0 merges every rank's store into the table. The stores live on a file system all ranks see.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifdef VX_MPI
#include <mpi.h>
#endif

typedef struct progress_state {
    int tty;
    double last;
} progress_state;

/* cases done/total, failures, rate and ETA on one refreshed terminal line */
static void show_progress(void *ud, const vx_cohort_progress *p)
{
    progress_state *ps = ud;
    if (!ps->tty)
        return;
    int final = p->done == p->total;
    if (!final && p->elapsed - ps->last < 0.2 && p->done > p->resumed)
        return;
    ps->last = p->elapsed;
    size_t ran = p->done - p->resumed;
    double rate = p->elapsed > 0 ? (double)ran / p->elapsed : 0.0;
    double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0.0;
    fprintf(stderr, "\rvoxomics: %zu/%zu cases, %zu failed", p->done, p->total, p->failed);
    if (p->resumed)
        fprintf(stderr, " (%zu from the store)", p->resumed);
    if (ran)
        fprintf(stderr, ", %.2f cases/s, ETA %d:%02d   ", rate, (int)(eta / 60), (int)eta % 60);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

/* the table: a regular file is written beside and renamed in; "-", fifos and devices are streamed (io.h) */
static int write_table(const char *out, const vx_cohort *c, const vx_cohort_results *r, const vx_settings *s,
                       vx_column_names names)
{
    vx_error err;
    vx_error_clear(&err);
    vx_outfile *of;
    FILE *f = vx_outfile_open(out, &of, &err);
    if (!f) {
        fprintf(stderr, "voxomics extract: %s\n", err.msg);
        return 1;
    }
    if (vx_cohort_write_csv(f, c, r, s, names, &err) != VX_OK) {
        vx_outfile_abort(of);
        fprintf(stderr, "voxomics extract: %s: cannot write: %s\n", out, err.msg);
        return 1;
    }
    if (vx_outfile_commit(of, &err) != VX_OK) {
        fprintf(stderr, "voxomics extract: %s\n", err.msg);
        return 1;
    }
    return 0;
}

/* the per-rank stores: RUN.db.rank<r>, or OUT.rank<r>.db without --store (voxomics-cohort.rank<r>.db for -o -) */
static const char *rank_store_base(const extract_opts *o)
{
    return o->store ? o->store : strcmp(o->out, "-") ? o->out : "voxomics-cohort";
}

int cli_run_cohort(const extract_opts *o, const vx_settings *s)
{
    int rank = 0, size = 1;
#ifdef VX_MPI
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
#endif
    vx_error err;
    vx_error_clear(&err);
    vx_cohort c;
    int status = 0;
    if (vx_cohort_read(o->cohort, &c, &err) != VX_OK) {
        fprintf(stderr, "voxomics extract: %s\n", err.msg);
        status = 1;
    }
    vx_cohort_options co;
    vx_cohort_options_default(&co);
    vx_cohort_results res = {0, NULL};
    char store[4200];
    if (status == 0) {
        cli_case_options(o, &co.case_opts);
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        co.jobs = o->jobs > 0 ? (int)o->jobs : (cores > 0 ? (int)cores : 1);
        co.retry_failed = o->retry_failed;
        co.rank = (size_t)rank;
        co.nranks = (size_t)size;
        if (size > 1) {
            snprintf(store, sizeof store, "%s.rank%d%s", rank_store_base(o), rank, o->store ? "" : ".db");
            co.store = store;
        } else {
            co.store = o->store;
        }
        progress_state ps = {!o->quiet && rank == 0 && isatty(2), -1.0};
        co.progress = show_progress;
        co.progress_ud = &ps;
        if (vx_cohort_run(&c, s, &co, &res, &err) != VX_OK) {
            fprintf(stderr, "voxomics extract: %s\n", err.msg);
            status = 1;
        }
    }
#ifdef VX_MPI
    /* rank 0 merges every rank's store once all are done */
    int any_failed = status;
    MPI_Allreduce(MPI_IN_PLACE, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (any_failed && !status) {
        status = 1;
        if (rank == 0)
            fprintf(stderr, "voxomics extract: another rank failed: no table written\n");
    }
    if (rank == 0 && status == 0)
        for (int r = 1; r < size && status == 0; r++) {
            snprintf(store, sizeof store, "%s.rank%d%s", rank_store_base(o), r, o->store ? "" : ".db");
            if (vx_cohort_load_store(store, &c, s, &res, &err) != VX_OK) {
                fprintf(stderr, "voxomics extract: rank %d: %s\n", r, err.msg);
                status = 1;
            }
        }
#endif
    if (status == 0 && rank == 0) {
        vx_column_names names = s->compat == VX_COMPAT_PYRADIOMICS ? VX_NAMES_PYRADIOMICS : VX_NAMES_IBSI;
        status = write_table(o->out, &c, &res, s, names);
        size_t done = 0, failed = 0;
        vx_cohort_count(&res, &done, &failed);
        if (status == 0) {
            for (size_t i = 0; i < res.n; i++) /* errors, printed also with --quiet */
                if (res.cases[i].done && res.cases[i].error)
                    fprintf(stderr, "voxomics extract: case '%s': %s\n", c.cases[i].id, res.cases[i].error);
            if (!o->quiet)
                fprintf(stderr, "voxomics extract: %zu cases, %zu failed, table written to %s\n", done, failed,
                        strcmp(o->out, "-") ? o->out : "standard output");
            status = failed ? 3 : 0;
        }
    }
#ifdef VX_MPI
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
#endif
    vx_cohort_results_free(&res);
    if (c.n || c.path)
        vx_cohort_free(&c);
    return status;
}
