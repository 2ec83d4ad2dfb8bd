/* voxomics settings: print the settings reference (every key of a settings file, by processing step) as CSV
 * or as the Markdown of docs/config.md's "Settings reference", from the descriptor
 * include/voxomics/settings.def.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct settings_opts {
    const char *format, *out;
    int quiet;
} settings_opts;

static const cli_opt settings_table[] = {
    {"--format", NULL, "csv|markdown", "csv",
     "CSV (one row per key) or the Markdown of docs/config.md's settings reference ('md')", CLI_STR,
     offsetof(settings_opts, format), 0, 0, 0},
    {"--output", "-o", "FILE", "- (standard output)",
     "where to write; a regular file is replaced atomically, a symbolic link writes its target", CLI_STR,
     offsetof(settings_opts, out), 0, 0, 0},
    CLI_QUIET(settings_opts),
    CLI_END};

static int run_settings(const cli_command *c, int argc, char **argv)
{
    settings_opts o = {"csv", "-", 0};
    const char *pos[1];
    int npos, pr = cli_parse(c, argc, argv, &o, pos, 0, &npos);
    if (pr)
        return pr == CLI_DONE ? 0 : pr;
    int markdown = !strcmp(o.format, "markdown") || !strcmp(o.format, "md");
    if (!markdown && strcmp(o.format, "csv"))
        return cli_usage_error(c, "--format must be csv or markdown", o.format);
    vx_error err;
    vx_error_clear(&err);
    vx_outfile *of;
    FILE *f = vx_outfile_open(o.out, &of, &err);
    if (!f) {
        fprintf(stderr, "voxomics settings: %s\n", err.msg);
        return 1;
    }
    if (vx_settings_write_reference(f, markdown, &err) != VX_OK) {
        vx_outfile_abort(of);
        fprintf(stderr, "voxomics settings: %s\n", err.msg);
        return 1;
    }
    if (vx_outfile_commit(of, &err) != VX_OK) {
        fprintf(stderr, "voxomics settings: %s\n", err.msg);
        return 1;
    }
    return 0;
}

const cli_command cli_cmd_settings = {
    "settings",
    "print the settings reference (every settings-file key by processing step: type, default, valid values, "
    "hashing)",
    "[--format csv|markdown] [-o FILE]",
    NULL,
    settings_table,
    "The reference comes from the settings descriptor (include/voxomics/settings.def); docs/config.md holds "
    "its Markdown between the markers <!-- settings-reference:begin --> and <!-- settings-reference:end -->.",
    "voxomics settings\nvoxomics settings --format markdown -o settings.md",
    "0  written\n1  the output could not be written\n2  wrong command line",
    run_settings};
