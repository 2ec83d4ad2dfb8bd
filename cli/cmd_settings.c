/* voxomics settings: print the settings reference (every key of a settings file, by processing step) as CSV
 * or as the Markdown of docs/config.md's "Settings reference", from the descriptor
 * include/voxomics/settings.def.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_opt settings_table[] = {
    {"--format", NULL, "csv|markdown", "csv",
     "CSV (one row per key) or the Markdown of docs/config.md's settings reference ('md')", CLI_STR,
     offsetof(cli_reference_opts, format), 0, 0, 0},
    {"--output", "-o", "FILE", "- (standard output)",
     "where to write; a regular file is replaced atomically, a symbolic link writes its target", CLI_STR,
     offsetof(cli_reference_opts, out), 0, 0, 0},
    CLI_QUIET(cli_reference_opts),
    CLI_END};

static int run_settings(const cli_command *c, int argc, char **argv)
{
    return cli_run_reference(c, argc, argv, vx_settings_write_reference);
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
