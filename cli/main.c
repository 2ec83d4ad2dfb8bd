/* voxomics command-line tool: finds the command, which parses its options (cli/opts.c), calls libvoxomics
 * and prints. `voxomics help` lists the commands; `voxomics help CMD` = `voxomics CMD --help`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command *const all_commands[] = {
    &cli_cmd_extract, &cli_cmd_maps, &cli_cmd_filter,   &cli_cmd_harmonize, &cli_cmd_icc,      &cli_cmd_select,
    &cli_cmd_train,   &cli_cmd_predict,  &cli_cmd_cv,        &cli_cmd_evaluate, &cli_cmd_cox, &cli_cmd_km,
    &cli_cmd_coxnet,  &cli_cmd_features, &cli_cmd_associate, &cli_cmd_gsea,     &cli_cmd_ora,
    &cli_cmd_regress, &cli_cmd_study,    &cli_cmd_report,
    &cli_cmd_settings, &cli_cmd_synth,   &cli_cmd_version,   &cli_cmd_help};

const cli_command *const *cli_commands(size_t *n)
{
    *n = sizeof all_commands / sizeof *all_commands;
    return all_commands;
}

const cli_command *cli_find_command(const char *name)
{
    for (size_t i = 0; i < sizeof all_commands / sizeof *all_commands; i++)
        if (!strcmp(all_commands[i]->name, name))
            return all_commands[i];
    return NULL;
}

static void overview(FILE *f)
{
    fprintf(f, "voxomics %s: IBSI-exact radiomics features and cohort statistics\n\n"
               "usage: voxomics COMMAND [options] [arguments]\n"
               "       voxomics help COMMAND      (the same as voxomics COMMAND --help)\n\n"
               "commands:\n",
            vx_version());
    for (size_t i = 0; i < sizeof all_commands / sizeof *all_commands; i++)
        fprintf(f, "  %-10s %s\n", all_commands[i]->name, all_commands[i]->summary);
    fprintf(f, "\nevery command takes -h/--help, --version and -q/--quiet (only errors are printed).\n"
               "Outputs (-o, --json, --save): a regular file is replaced atomically; a symbolic link's target is\n"
               "written; a fifo or device is written as a stream; '-' is standard output.\n"
               "Settings schema: docs/config.md. Features: docs/features.md. Statistics: docs/statistics.md.\n"
               "Survival: docs/survival.md. Radiogenomics: docs/radiogenomics.md.\n"
               "Studies and their reports: docs/study.md.\n\n"
               "example:\n"
               "  voxomics help extract\n");
}

typedef struct simple_opts {
    int quiet;
} simple_opts;

static const cli_opt version_opts[] = {CLI_QUIET(simple_opts), CLI_END};

static int run_version(const cli_command *c, int argc, char **argv)
{
    simple_opts o = {0};
    const char *pos[1];
    int npos, r = cli_parse(c, argc, argv, &o, pos, 0, &npos);
    if (r)
        return r == CLI_DONE ? 0 : r;
    printf("voxomics %s\n", vx_version());
    return 0;
}

const cli_command cli_cmd_version = {
    "version", "print the version", "", NULL, version_opts, NULL, "voxomics version", "0  printed\n2  wrong command line",
    run_version};

static const cli_opt help_opts[] = {CLI_QUIET(simple_opts), CLI_END};

static int unknown_command(const char *cmd)
{
    const char *best = NULL;
    size_t bd = (size_t)-1;
    for (size_t i = 0; i < sizeof all_commands / sizeof *all_commands; i++) {
        size_t d = cli_distance(cmd, all_commands[i]->name);
        if (d < bd)
            bd = d, best = all_commands[i]->name;
    }
    if (best && bd <= (strlen(cmd) <= 4 ? 1u : 2u))
        fprintf(stderr, "voxomics: unknown command '%s' (did you mean %s?)\n", cmd, best);
    else
        fprintf(stderr, "voxomics: unknown command '%s'\n", cmd);
    fprintf(stderr, "try 'voxomics help'\n");
    return 2;
}

static int run_help(const cli_command *c, int argc, char **argv)
{
    simple_opts o = {0};
    const char *pos[1];
    int npos, r = cli_parse(c, argc, argv, &o, pos, 1, &npos);
    if (r)
        return r == CLI_DONE ? 0 : r;
    if (!npos) {
        overview(stdout);
        return 0;
    }
    const cli_command *t = cli_find_command(pos[0]);
    if (!t)
        return unknown_command(pos[0]);
    cli_help(t, stdout);
    return 0;
}

const cli_command cli_cmd_help = {
    "help", "list the commands, or explain one", "[COMMAND]", "COMMAND  a command name: its full usage is printed",
    help_opts, NULL, "voxomics help\nvoxomics help cv", "0  printed\n2  unknown command", run_help};

int main(int argc, char **argv)
{
    vx_tune_allocator(); /* see voxomics.h: a program setting, page faults cost more than the work */
    if (argc < 2) {
        overview(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V"))
        cmd = "version";
    else if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
        cmd = "help";
    const cli_command *c = cli_find_command(cmd);
    if (!c)
        return unknown_command(cmd);
    return c->run(c, argc - 1, argv + 1);
}
