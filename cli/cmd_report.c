/* voxomics report: rebuild the HTML report of a finished study folder from its JSON files, recomputing nothing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "voxomics/study.h"

typedef struct report_opts {
    const char *out;
    const char *svg;
    int quiet;
} report_opts;

static const cli_opt report_table[] = {
    {"--out", "-o", "REPORT.html", "OUTDIR/report.html",
     "where to write the report (one self-contained HTML file); replaced atomically", CLI_STR,
     offsetof(report_opts, out), 0, 0, 0},
    {"--svg", NULL, "DIR", NULL, "also write every plot as a standalone SVG file into DIR (created when missing)",
     CLI_STR, offsetof(report_opts, svg), 0, 0, 0},
    CLI_QUIET(report_opts),
    CLI_END};

static int run_report(const cli_command *c, int argc, char **argv)
{
    report_opts o = {0};
    const char *pos[2];
    int npos, r = cli_parse(c, argc, argv, &o, pos, 2, &npos);
    if (r)
        return r == CLI_DONE ? 0 : r;
    if (npos != 1)
        return cli_usage_error(c, npos ? "one study folder (OUTDIR) expected, got more" : "the study folder "
                                                                                         "(OUTDIR) is required",
                               npos > 1 ? pos[1] : NULL);
    char *def = NULL;
    const char *out = o.out;
    if (!out) {
        size_t n = strlen(pos[0]) + sizeof "/report.html";
        def = malloc(n);
        if (!def) {
            fprintf(stderr, "voxomics report: out of memory\n");
            return 1;
        }
        snprintf(def, n, "%s/report.html", pos[0]);
        out = def;
    }
    vx_error err;
    vx_error_clear(&err);
    int rc = vx_study_report(pos[0], out, o.svg, &err);
    if (rc != VX_OK)
        fprintf(stderr, "voxomics report: %s\n", err.msg);
    else if (!o.quiet)
        fprintf(stderr, "voxomics report: wrote %s%s%s\n", out, o.svg ? " and the plots in " : "",
                o.svg ? o.svg : "");
    free(def);
    return rc == VX_OK ? 0 : 1;
}

const cli_command cli_cmd_report = {
    "report",
    "rebuild the HTML report of a finished study folder, recomputing nothing",
    "OUTDIR [-o REPORT.html] [--svg DIR] [-q]",
    "OUTDIR  a folder written by `voxomics study` (its study.json and one JSON per step)",
    report_table,
    "The report reads only OUTDIR/study.json and OUTDIR/STEP.json: editing nothing and running this again gives "
    "the same file. It references nothing outside itself (inline CSS and SVG, no scripts or fonts) and prints "
    "with one section per page.",
    "voxomics report out -o out/report.html",
    "0  done\n1  a problem with the study folder or the files (one line naming it)\n2  wrong command line",
    run_report};
