/* voxomics study: run a whole study from one YAML file into a folder, and write its report (docs/study.md).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "voxomics/study.h"

typedef struct study_opts {
    const char *out;
    int force, check, quiet;
    long threads;
} study_opts;

#define OFF(f) offsetof(study_opts, f)
static const cli_opt study_table[] = {
    {"--output", "-o", "OUTDIR", "required",
     "the study folder: each step's CSV and JSON, study.json, report.html and plots/ (not with --check)", CLI_STR,
     OFF(out), 0, 0, 0},
    {"--force", NULL, NULL, NULL, "run every step, also those whose settings and inputs are unchanged", CLI_FLAG,
     OFF(force), 0, 0, 1},
    {"--check", NULL, NULL, NULL,
     "only check the study file (YAML, known keys, types, files named): nothing is computed or written", CLI_FLAG,
     OFF(check), 0, 0, 1},
    {"--threads", NULL, "N", "1", "cases extracted at once by the extraction step (results do not depend on N)",
     CLI_INT, OFF(threads), 1, 4096, 0},
    CLI_QUIET(study_opts),
    CLI_END};

/* One line per step on stderr. */
static void progress(const char *step, vx_study_state state, double seconds, void *ctx)
{
    const study_opts *o = ctx;
    if (o->quiet)
        return;
    if (state == VX_STUDY_DONE)
        fprintf(stderr, "voxomics study: %s: ran in %.1f s\n", step, seconds);
    else if (state == VX_STUDY_SKIPPED)
        fprintf(stderr, "voxomics study: %s: skipped (unchanged)\n", step);
    else if (state == VX_STUDY_START)
        fprintf(stderr, "voxomics study: %s: running\n", step);
}

static int run_study(const cli_command *c, int argc, char **argv)
{
    study_opts o = {0};
    const char *pos[2];
    int npos, r = cli_parse(c, argc, argv, &o, pos, 1, &npos);
    if (r)
        return r == CLI_DONE ? 0 : r;
    if (npos < 1)
        return cli_usage_error(c, "the study file (STUDY.yaml) is required", NULL);
    vx_error err;
    vx_error_clear(&err);
    if (o.check) {
        if (vx_study_check(pos[0], &err) != VX_OK) {
            fprintf(stderr, "voxomics study: %s\n", err.msg);
            return 1;
        }
        if (!o.quiet)
            fprintf(stderr, "voxomics study: %s: ok\n", pos[0]);
        return 0;
    }
    if (!o.out)
        return cli_usage_error(c, "-o OUTDIR is required", NULL);
    vx_study_options so = {.force = o.force, .threads = (int)o.threads, .progress = progress, .progress_ctx = &o};
    int ran = 0, skipped = 0;
    if (vx_study_run(pos[0], o.out, &so, &ran, &skipped, &err) != VX_OK) {
        fprintf(stderr, "voxomics study: %s\n", err.msg);
        return 1;
    }
    if (!o.quiet)
        fprintf(stderr, "voxomics study: %d step%s ran, %d skipped -> %s/report.html\n", ran, ran == 1 ? "" : "s",
                skipped, o.out);
    return 0;
}

const cli_command cli_cmd_study = {
    "study",
    "run a whole study from one YAML file into a folder, and write its report",
    "STUDY.yaml -o OUTDIR [--force] [--threads N] [-q]\n"
    "         STUDY.yaml --check",
    "STUDY.yaml  the study file (docs/study.md): inputs, outcome and steps; paths relative to it",
    study_table,
    "Steps whose settings and input files are unchanged since the last run into OUTDIR are skipped (their "
    "results are kept); --force reruns them. A failing step stops the run; the results of the steps before it "
    "are kept.",
    "voxomics study examples/nsclc_study.yaml -o out",
    "0  done\n1  a problem with the study, its data or the files (one line naming it)\n2  wrong command line",
    run_study};
