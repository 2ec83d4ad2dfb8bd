/* voxomics CLI: one function per command.  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef VX_CLI_H
#define VX_CLI_H
#include "voxomics/voxomics.h"
int cli_extract(int argc, char **argv);

/* Options of `voxomics extract`, shared by the single-case and the cohort paths. */
typedef struct extract_opts {
    const char *config, *out, *format, *case_id, *label, *series, *cohort, *store, *compat;
    const char *pos[2];
    int threads, jobs, largest, resample_mask, suv, quiet, retry_failed;
} extract_opts;
void cli_case_options(const extract_opts *o, vx_case_options *co);
/* The cohort path (cmd_cohort.c): exit 0 all cases succeeded, 3 some failed, 1 the run failed. */
int cli_run_cohort(const extract_opts *o, const vx_settings *s);
int cli_features(int argc, char **argv);
/* harmonize, icc, select, train, predict, cv, evaluate (cmd_stats.c); argv[0] is the command */
int cli_stats(int argc, char **argv);
int cli_synth(int argc, char **argv);
#endif
