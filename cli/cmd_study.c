/* voxomics study: run a whole study from one YAML file into a folder, and write its report (stub until implemented).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>

#include "cli.h"

typedef struct study_opts {
    int quiet;
} study_opts;

static const cli_opt study_table[] = {CLI_QUIET(study_opts), CLI_END};

static int run_study(const cli_command *c, int argc, char **argv)
{
    study_opts o = {0};
    const char *pos[2];
    int npos, r = cli_parse(c, argc, argv, &o, pos, 2, &npos);
    if (r)
        return r == CLI_DONE ? 0 : r;
    fprintf(stderr, "voxomics study: not implemented yet\n");
    return 1;
}

const cli_command cli_cmd_study = {
    "study",
    "run a whole study from one YAML file into a folder, and write its report",
    "STUDY.yaml -o OUTDIR [--force] [--check] [--threads N]",
    NULL,
    study_table,
    NULL,
    "voxomics study examples/nsclc_study.yaml -o out",
    "0  done\n1  a problem with the study, its data or the files (one line naming it)\n2  wrong command line",
    run_study};
