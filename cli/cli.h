/* voxomics CLI: one file per command, each with one declarative option table from which come the parsing,
 * the `--help` text and the did-you-mean suggestions (cli/opts.c), so help cannot drift from parsing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_CLI_H
#define VX_CLI_H
#include <stddef.h>
#include <stdio.h>

#include "voxomics/voxomics.h"

/* ---- option tables ---------------------------------------------------------------------------------------- */
typedef enum cli_kind {
    CLI_FLAG, /* int, set to .flag (1, or 0 for a --no-X option) */
    CLI_STR,  /* const char * */
    CLI_INT,  /* long, in [lo, hi] */
    CLI_NUM,  /* double, finite, in [lo, hi] when lo < hi */
    CLI_LIST  /* cli_list: the option may be repeated */
} cli_kind;

#define CLI_LIST_MAX 64
typedef struct cli_list {
    const char *v[CLI_LIST_MAX];
    size_t n;
} cli_list;

typedef struct cli_opt {
    const char *name;    /* long form, "--config" */
    const char *alias;   /* short or second form ("-c"), or NULL */
    const char *metavar; /* value placeholder ("PARAMS"); NULL for flags */
    const char *def;     /* shown as "(default: DEF)"; NULL: "off" for flags, "none" otherwise; "required" */
    const char *help;
    cli_kind kind;
    size_t off; /* offset of the value in the command's options struct */
    double lo, hi;
    int flag;
} cli_opt;

typedef struct cli_command cli_command;
struct cli_command {
    const char *name;
    const char *summary;  /* one line */
    const char *usage;    /* lines, each printed after "voxomics NAME " */
    const char *args;     /* the positional arguments explained (lines), or NULL */
    const cli_opt *opts;  /* terminated by an entry with name NULL */
    const char *notes;    /* a paragraph after the options, or NULL */
    const char *examples; /* commands that run from the repository root, one a line */
    const char *exits;    /* exit statuses, one a line */
    int (*run)(const cli_command *cmd, int argc, char **argv);
};

/* The commands, in the order `voxomics help` lists them. */
const cli_command *const *cli_commands(size_t *n);
const cli_command *cli_find_command(const char *name);

/* Parse argv[1..argc-1] (argv[0] is the command) into dst by the command's table; positionals into pos (at
 * most maxpos). Handles -h/--help (help on stdout) and --version. Returns CLI_OK, CLI_DONE (help or version
 * printed: exit 0) or 2 (usage error printed on stderr: what is wrong, the nearest option, "try --help"). */
enum { CLI_OK = 0, CLI_DONE = -1 };
int cli_parse(const cli_command *c, int argc, char **argv, void *dst, const char **pos, int maxpos, int *npos);
void cli_help(const cli_command *c, FILE *f);
/* Usage error: "voxomics CMD: msg[: 'arg']" and "try 'voxomics CMD --help'"; returns 2. */
int cli_usage_error(const cli_command *c, const char *msg, const char *arg);
/* Edit distance (Damerau: transpositions count 1) for suggestions. */
size_t cli_distance(const char *a, const char *b);

#define CLI_QUIET(type)                                                                                       \
    {"--quiet", "-q", NULL, NULL, "print only errors: no notes, summaries or progress", CLI_FLAG,              \
     offsetof(type, quiet), 0, 0, 1}
#define CLI_END {NULL, NULL, NULL, NULL, NULL, CLI_FLAG, 0, 0, 0, 0}

/* ---- extract ---------------------------------------------------------------------------------------------- */
typedef struct extract_opts {
    const char *config, *out, *format, *case_id, *label, *series, *cohort, *store, *compat;
    const char *pos[2];
    long threads, jobs;
    int largest, resample_mask, suv, quiet, retry_failed;
} extract_opts;
void cli_case_options(const extract_opts *o, vx_case_options *co);
/* The cohort path (cmd_cohort.c): exit 0 all cases succeeded, 3 some failed, 1 the run failed. */
int cli_run_cohort(const extract_opts *o, const vx_settings *s);

extern const cli_command cli_cmd_cox, cli_cmd_km, cli_cmd_coxnet;
extern const cli_command cli_cmd_associate, cli_cmd_gsea, cli_cmd_ora, cli_cmd_regress;
extern const cli_command cli_cmd_study, cli_cmd_report;
extern const cli_command cli_cmd_extract, cli_cmd_harmonize, cli_cmd_icc, cli_cmd_select, cli_cmd_train,
    cli_cmd_predict, cli_cmd_cv, cli_cmd_evaluate, cli_cmd_features, cli_cmd_settings, cli_cmd_synth, cli_cmd_version,
    cli_cmd_filter, cli_cmd_maps,
    cli_cmd_help;

/* The options of a reference listing (features, settings): --format csv|markdown, -o FILE, --quiet. */
typedef struct cli_reference_opts {
    const char *format, *out;
    int quiet;
} cli_reference_opts;
/* Writes a reference listing to f as CSV or (markdown != 0) Markdown; VX_OK or an error in err. */
typedef int (*cli_reference_writer)(FILE *f, int markdown, vx_error *err);
/* Run a reference-listing command: parse c's options into cli_reference_opts, open the output (vx_outfile),
 * write, commit. Exit status 0, 1 (the output or the writer failed: one line) or 2 (command line). */
int cli_run_reference(const cli_command *c, int argc, char **argv, cli_reference_writer write);

#endif
