/* voxomics report: rebuild the HTML report of a finished study folder, recomputing nothing (stub until implemented).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>

#include "cli.h"

typedef struct report_opts {
    int quiet;
} report_opts;

static const cli_opt report_table[] = {CLI_QUIET(report_opts), CLI_END};

static int run_report(const cli_command *c, int argc, char **argv)
{
    report_opts o = {0};
    const char *pos[2];
    int npos, r = cli_parse(c, argc, argv, &o, pos, 2, &npos);
    if (r)
        return r == CLI_DONE ? 0 : r;
    fprintf(stderr, "voxomics report: not implemented yet\n");
    return 1;
}

const cli_command cli_cmd_report = {
    "report",
    "rebuild the HTML report of a finished study folder, recomputing nothing",
    "OUTDIR [-o REPORT.html] [--svg DIR]",
    NULL,
    report_table,
    NULL,
    "voxomics report out -o out/report.html",
    "0  done\n1  a problem with the study, its data or the files (one line naming it)\n2  wrong command line",
    run_report};
