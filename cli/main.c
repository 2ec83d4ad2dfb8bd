/* voxomics command-line tool: parses arguments, calls libvoxomics, prints.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: voxomics <command> [options]\n"
               "\n"
               "commands:\n"
               "  extract   compute IBSI features of one image + mask:\n"
               "            voxomics extract --config FILE.yaml [--format long|wide] [--case ID]\n"
               "                             [--threads N] -o OUT.csv IMAGE MASK\n"
               "  features  print the feature dictionary: voxomics features [--format csv|markdown]\n"
               "  synth     write a synthetic CT-like volume and lesion mask:\n"
               "            voxomics synth [--size N] [--spacing MM] [--radius MM] [--seed S] -o DIR\n"
               "  version   print the version\n"
               "\n"
               "Settings schema: docs/config.md. Feature list: docs/features.md.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "extract"))
        return cli_extract(argc - 1, argv + 1);
    if (!strcmp(cmd, "synth"))
        return cli_synth(argc - 1, argv + 1);
    if (!strcmp(cmd, "features"))
        return cli_features(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("voxomics %s\n", vx_version());
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "voxomics: unknown command '%s' (try 'voxomics help')\n", cmd);
    return 2;
}
